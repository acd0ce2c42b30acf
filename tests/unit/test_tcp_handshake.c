/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP opens, segment by segment (tcp_harness.h): the SYN-ACK to the
 * byte, the ISN, passive, active and simultaneous opens, and what a
 * listener does when its table, backlog or half-open bound is full
 * without SYN cookies.
 */

#include <sodium.h>

#include "tcp_harness.h"

/* ------------------------------------------------------------------ */
/* State names and the ISN.                                           */

static void
test_state_names(void **state)
{
	(void)state;
	assert_string_equal(ws_tcp_state_name(WS_TCP_CLOSED), "CLOSED");
	assert_string_equal(ws_tcp_state_name(WS_TCP_SYN_RECEIVED),
		"SYN_RECEIVED");
	assert_string_equal(ws_tcp_state_name(WS_TCP_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(ws_tcp_state_name(WS_TCP_NSTATES), "?");
	assert_string_equal(ws_tcp_state_name((enum ws_tcp_state)-1), "?");
}

/* MUST-8/9: ISN = SipHash-2-4(secret, 4-tuple) + 4 us clock. */
static void
test_must8_must9_isn(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_worker *tw = env->w.tcp;
	struct ws_tcp_key k = tcp_key(LPORT, PPORT);
	uint8_t in[12], out[8];
	uint64_t h;
	uint32_t a, b;

	memcpy(in, &k.laddr, 4);
	memcpy(in + 4, &k.raddr, 4);
	memcpy(in + 8, &k.lport, 2);
	memcpy(in + 10, &k.rport, 2);
	crypto_shorthash(out, in, sizeof(in), tw->isn_key);
	memcpy(&h, out, 8);
	a = ws_tcp_isn(tw, &k, NULL);
	assert_int_equal(a, (uint32_t)h + (uint32_t)(env->ticks / 4));
	/* 4 ms later: 1000 ticks of 4 us further. */
	ws_test_advance_ms(env, 4);
	b = ws_tcp_isn(tw, &k, NULL);
	assert_int_equal(b - a, 1000);
	/* Another tuple: another offset. */
	k.rport = rte_cpu_to_be_16(PPORT + 1);
	assert_int_not_equal(ws_tcp_isn(tw, &k, NULL), b);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Passive open.                                                      */

/* The exact SYN-ACK: Linux-style options answering a full SYN. */
static void
test_must14_passive_open_synack_exact(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg cs;

	send_seg(env, &full_syn);
	assert_int_equal(ncap(env), 1);
	cap(env, 0, &cs);
	/*
	 * The frame we expect, with the ISS and TSval it chose; DF and ID
	 * 0, as Linux's and as a cookie's (test_tcp_cookies).
	 */
	expect_full_synack_frame(env, 0, cs.seq, cs.o.tsval, 0);
	ws_test_clear_captured(env);

	c = lookup(env, LPORT, PPORT);
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_SYN_RECEIVED);
	assert_int_equal(st(env)->st_syn_received, 1);
	assert_true(c->ts_ok && c->ws_ok && c->sack_ok);
	assert_int_equal(c->snd_shift, 7);
	assert_int_equal(c->rcv_shift, 3);
	/* MUST-16: 1460 less the 12 bytes of timestamps. */
	assert_int_equal(c->mss, 1448);
	assert_int_equal(app.accepted, 0);
	finish(env);
}

/*
 * RFC 9293 3.10.7, LISTEN state: the whole passive handshake, then data
 * both ways.
 */
static void
test_passive_open_data_both_ways(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	assert_int_equal(st(env)->st_established, 1);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(st(env)->passive_opens, 1);
	/* MUST-15: no timestamps; MSS as the peer said. */
	assert_int_equal(app.conn->mss, 1460);

	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 65535, "hello", 5);
	assert_int_equal(app.rx_len, 5);
	assert_memory_equal(app.rx, "hello", 5);
	/* Delayed: nothing yet (MUST-40, SHLD-18). */
	expect_none(env);

	/* A reply piggybacks the ACK. */
	assert_int_equal(ws_tcp_send(app.conn, "world!", 6), 6);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_PSH);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.ack, PISN + 6);
	assert_int_equal(c.dlen, 6);
	assert_memory_equal(c.data, "world!", 6);
	assert_int_equal(c.olen, 0);
	/* The delayed ACK timer was cancelled by the piggyback. */
	elapse(env, DELACK_MS + 1);
	expect_none(env);

	/* The peer acknowledges; the send buffer is empty again. */
	peer(env, PISN + 6, iss + 7, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(app.conn->sb_len, 0);
	assert_int_equal(app.conn->snd_una, iss + 7);
	{
		struct ws_tcp_info info;

		ws_tcp_get_info(app.conn, &info);
		assert_int_equal(info.state, WS_TCP_ESTABLISHED);
		assert_int_equal(info.local_port, LPORT);
		assert_int_equal(info.remote_port, PPORT);
		assert_int_equal(info.remote_addr, rte_cpu_to_be_32(PEER_IP));
		assert_int_equal(info.snd_mss, 1460);
		assert_int_equal(info.unacked + info.unsent + info.held, 0);
		/*
		 * IW10 (RFC 6928), not grown: 6 bytes in flight used less
		 * than half of it (RFC 7661).
		 */
		assert_int_equal(info.cwnd, 10 * 1460);
		assert_int_equal(st(env)->cwnd_app_limited, 1);
		assert_false(info.timestamps);
		assert_ptr_equal(ws_tcp_worker(app.conn), &env->w);
	}
	finish(env);
}

/*
 * The listener table: the setup's LPORT and 31 more fill it; one more is
 * refused (-ENOSPC), a port twice is -EEXIST, port 0 and no ops -EINVAL,
 * and a SYN to the last one added is answered (the search reaches the
 * last listener, not further).
 */
static void
test_listener_table_full_and_last_found(void **state)
{
	struct ws_test_env *env = *state;
	uint16_t last = (uint16_t)(LPORT + 100 + WS_TCP_MAX_LISTENERS - 2);
	struct pseg s = {
		.sport = PPORT, .dport = last, .seq = PISN, .flags = F_SYN,
		.wnd = 1000,
	};
	struct cseg c;
	unsigned int i;

	for (i = 0; i < WS_TCP_MAX_LISTENERS - 1; i++)
		assert_int_equal(ws_tcp_listen_worker(&env->w,
			(uint16_t)(LPORT + 100 + i), &app_ops, &app), 0);
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 99, &app_ops,
		&app), -ENOSPC);
	assert_int_equal(ws_tcp_listen_worker(&env->w, last, &app_ops, &app),
		-EEXIST);
	assert_int_equal(ws_tcp_listen_worker(&env->w, 0, &app_ops, &app),
		-EINVAL);
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 98, NULL,
		&app), -EINVAL);
	assert_int_equal(st(env)->st_listen, WS_TCP_MAX_LISTENERS);

	send_seg(env, &s);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.sport, last);
	/* One past the table: no listener, so a RST. */
	s.dport = LPORT + 99;
	send_seg(env, &s);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Active and simultaneous open.                                      */

static void
test_active_open(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s;
	uint16_t lport;

	c = connect_peer(env, &s);
	assert_int_equal(s.dport, PPORT);
	assert_true(s.sport >= 49152);
	assert_int_equal(s.ack, 0);
	assert_int_equal(s.wnd, 65535);
	/* MSS, SACK-permitted, TS (TSecr 0), WS. */
	assert_true(s.o.present & WS_TCP_OPT_HAS_MSS);
	assert_int_equal(s.o.mss, 1460);
	assert_true(s.o.present & WS_TCP_OPT_HAS_SACK_OK);
	assert_true(s.o.present & WS_TCP_OPT_HAS_TS);
	assert_int_equal(s.o.tsecr, 0);
	assert_true(s.o.present & WS_TCP_OPT_HAS_WS);
	assert_int_equal(s.o.wscale, 3);
	lport = s.sport;

	/* The peer answers without options: none of them are used. */
	{
		struct pseg p = {
			.sport = PPORT, .dport = lport, .seq = PISN,
			.ack = s.seq + 1, .flags = F_SYN | F_ACK,
			.wnd = 8192,
		};
		send_seg(env, &p);
	}
	expect_ack(env, s.seq + 1, PISN + 1);
	assert_int_equal(app.connected, 1);
	assert_ptr_equal(app.conn, c);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_false(c->ts_ok || c->ws_ok || c->sack_ok);
	assert_int_equal(c->mss, 536);
	assert_int_equal(c->snd_wnd, 8192);
	assert_int_equal(st(env)->active_opens, 1);
	finish(env);
}

/* MUST-10: both sides send SYN; both reach ESTABLISHED. */
static void
test_must10_simultaneous_open(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s, sa;
	struct pseg p = { .dport = 0 };

	c = connect_peer(env, &s);
	p.sport = PPORT;
	p.dport = s.sport;
	p.seq = PISN;
	p.flags = F_SYN;
	p.wnd = 4096;
	send_seg(env, &p);
	assert_int_equal(c->state, WS_TCP_SYN_RECEIVED);
	only(env, &sa);
	assert_int_equal(sa.flags, F_SYN | F_ACK);
	assert_int_equal(sa.seq, s.seq);
	assert_int_equal(sa.ack, PISN + 1);
	assert_int_equal(st(env)->simultaneous_opens, 1);

	/* The peer's SYN-ACK (its SYN again) acknowledges our SYN. */
	p.seq = PISN;
	p.ack = s.seq + 1;
	p.flags = F_SYN | F_ACK;
	send_seg(env, &p);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.connected, 1);
	assert_int_equal(app.accepted, 0);
	expect_ack(env, s.seq + 1, PISN + 1);
	/* A plain ACK afterwards changes nothing. */
	p.seq = PISN + 1;
	p.flags = F_ACK;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	finish(env);
}

/*
 * Issue 16 (10), RFC 7323 2.2: the window of a SYN or SYN-ACK is never
 * scaled, in simultaneous open too: not ours in the SYN-ACK, not the
 * peer's in its SYN nor in its SYN-ACK; later segments are scaled.
 */
static void
test_simultaneous_open_syn_window_unscaled(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t ws7[] = { 1, 3, 3, 7 };	/* NOP, WS 7 */
	struct ws_tcp_conn *c;
	struct cseg s, sa;
	struct pseg p = { .sport = PPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 4096, .opts = ws7, .olen = sizeof(ws7) };

	c = connect_peer(env, &s);
	assert_int_equal(s.o.wscale, 3);
	p.dport = s.sport;
	send_seg(env, &p);
	only(env, &sa);
	assert_int_equal(sa.flags, F_SYN | F_ACK);
	assert_true(c->ws_ok);
	/* Ours: 65535 as in any SYN, not 262144 >> 3. */
	assert_int_equal(sa.wnd, 65535);
	assert_int_equal(sa.o.wscale, 3);
	assert_int_equal(c->snd_wnd, 4096);

	/* The peer's SYN-ACK: its window as it is. */
	p.ack = s.seq + 1;
	p.flags = F_SYN | F_ACK;
	p.wnd = 1000;
	send_seg(env, &p);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	expect_ack(env, s.seq + 1, PISN + 1);
	assert_int_equal(c->snd_wnd, 1000);
	/* A plain ACK's window is scaled. */
	p.seq = PISN + 1;
	p.flags = F_ACK;
	p.opts = NULL;
	p.olen = 0;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(c->snd_wnd, 1000 << 7);
	app.conn = c;
	finish(env);
}

/* RFC 9293 3.10.7, SYN-SENT state: RST with an acceptable ACK: refused. */
static void
test_syn_sent_rst_refused(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct pseg p = { .sport = PPORT };
	struct cseg s;

	c = connect_peer(env, &s);
	p.dport = s.sport;
	/* An unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>. */
	p.ack = s.seq + 5;
	p.flags = F_ACK;
	send_seg(env, &p);
	only(env, &s);
	assert_int_equal(s.flags, F_RST);
	assert_int_equal(s.seq, p.ack);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	/* RST without ACK: ignored. */
	p.flags = F_RST;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	p.flags = F_RST | F_ACK;
	p.ack = s.seq - 5 + 1;
	send_seg(env, &p);
	expect_none(env);
	expect_closed(WS_TCP_CLOSED_REFUSED);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* The listener's bounds without SYN cookies.                         */

/* Without SYN cookies, a full TCB table drops the SYN and counts it. */
static void
test_table_full(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;
	struct pseg p = {
		.dport = LPORT, .seq = PISN, .flags = F_SYN, .wnd = 100,
	};

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	env->w.tcp->cfg.backlog = 100;
	for (i = 0; i < 9; i++) {
		p.sport = (uint16_t)(PPORT + i);
		send_seg(env, &p);
	}
	assert_int_equal(ncap(env), 8);
	assert_int_equal(st(env)->drop_table_full, 1);
	assert_int_equal(st(env)->st_syn_received, 8);
	ws_test_clear_captured(env);
	/* SYN-ACK retries run out; everything is freed. */
	for (i = 0; i < 20; i++)
		elapse(env, 10000);
	assert_int_equal(st(env)->st_syn_received, 0);
	ws_test_assert_no_leak(env);
}

/* Without SYN cookies, the backlog drops SYNs past it. */
static void
test_backlog(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;
	struct pseg p = {
		.dport = LPORT, .seq = PISN, .flags = F_SYN, .wnd = 100,
	};

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	for (i = 0; i < 6; i++) {
		p.sport = (uint16_t)(PPORT + i);
		send_seg(env, &p);
	}
	assert_int_equal(st(env)->drop_backlog, 2);
	ws_test_clear_captured(env);
	ws_tcp_fini(&env->w);
	assert_int_equal(st(env)->st_syn_received, 0);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
}

/*
 * 'off': the per-worker half-open bound holds across listeners, and
 * SYN-ACKs are retransmitted synack_retries times before giving up.
 */
static void
test_half_open_bounds_and_synack_retries(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	env->w.tcp->cfg.half_open_max = 3;
	env->w.tcp->cfg.synack_retries = 2;
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 1, &app_ops,
		&app), 0);
	for (i = 0; i < 4; i++) {
		struct pseg p = {
			.sport = (uint16_t)(PPORT + i),
			.dport = (uint16_t)(LPORT + (i & 1)), .seq = PISN,
			.flags = F_SYN, .wnd = 1000,
		};

		send_seg(env, &p);
	}
	assert_int_equal(ncap(env), 3);
	assert_int_equal(st(env)->drop_half_open, 1);
	assert_int_equal(st(env)->drop_backlog, 0);
	assert_int_equal(st(env)->st_syn_received, 3);
	ws_test_clear_captured(env);
	/* 1 s, 2 s: two retransmissions each; at 4 s they are dropped. */
	elapse(env, RTO_MS);
	assert_int_equal(ncap(env), 3);
	ws_test_clear_captured(env);
	elapse(env, 2 * RTO_MS);
	assert_int_equal(ncap(env), 3);
	ws_test_clear_captured(env);
	elapse(env, 4 * RTO_MS);
	expect_none(env);
	assert_int_equal(st(env)->synack_retransmits, 6);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(env->w.tcp->half_open, 0);
	assert_int_equal(env->w.tcp->listeners[0].pending, 0);
	finish(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_state_names),
	TCP_TEST(test_must8_must9_isn),
	TCP_TEST(test_must14_passive_open_synack_exact),
	TCP_TEST(test_passive_open_data_both_ways),
	TCP_TEST(test_listener_table_full_and_last_found),
	TCP_TEST(test_active_open),
	TCP_TEST(test_must10_simultaneous_open),
	TCP_TEST(test_simultaneous_open_syn_window_unscaled),
	TCP_TEST(test_syn_sent_rst_refused),
	TCP_TEST(test_table_full),
	TCP_TEST(test_backlog),
	TCP_TEST(test_half_open_bounds_and_synack_retries),
};

WS_TEST_MAIN(tests)
