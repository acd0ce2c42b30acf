/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * SYN cookies (RFC 4987), segment by segment (tcp_harness.h): the
 * stateless SYN-ACK to the byte, what its ACK recovers, bad and old
 * cookies, and the 'auto' mode switching on and off with the backlog.
 */

#include "tcp_harness.h"

/* The cookie the process's secret gives, recomputed from outside. */
static uint32_t
expected_cookie(struct ws_test_env *env, uint16_t rport, uint32_t irs,
		const struct ws_syncookie_opts *o, uint32_t tsval)
{
	struct ws_syncookie_keys k;
	struct ws_tcp_key key = tcp_key(LPORT, rport);

	ws_syncookie_keys_init(&k, ws_syncookie_secret_shared());
	return ws_syncookie_make(&k, ws_syncookie_counter(
		ws_tcp_now_ms(env->w.tcp)), &key, irs, o, tsval);
}

static unsigned int
tcbs_in_use(struct ws_test_env *env)
{
	unsigned int i, n = 0;

	for (i = 0; i < env->w.tcp->n_tcbs; i++)
		n += env->w.tcp->tcbs[i].in_use;
	return n;
}

/* ------------------------------------------------------------------ */
/* Cookies always.                                                    */

/*
 * 'always': the SYN-ACK is exact (Linux's option layout, the cookie as
 * the ISN, the options in TSval's low bits), made of the SYN's own mbuf,
 * and leaves nothing behind; the ACK creates the connection with every
 * option the SYN offered.
 */
static void
test_syncookie_always_synack_exact(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg s = full_syn;
	struct ws_syncookie_opts o = {
		.mss = 1460, .wscale = 7, .has_ws = true, .sack_ok = true,
		.has_ts = true,
	};
	uint8_t ack_opts[12];
	struct ws_tcp_conn *c;
	struct cseg cs;
	uint32_t iss, tsval;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	ws_test_advance_ms(env, 5000);
	send_seg(env, &s);
	assert_int_equal(ncap(env), 1);
	cap(env, 0, &cs);
	iss = cs.seq;
	tsval = cs.o.tsval;
	assert_int_equal(tsval & WS_SYNCOOKIE_TS_MASK, (1u << 4) | 7);
	assert_int_equal(iss, expected_cookie(env, PPORT, PISN, &o, tsval));
	/* DF and ID 0: byte for byte a stateful SYN-ACK's. */
	expect_full_synack_frame(env, 0, iss, tsval, 0);
	ws_test_clear_captured(env);

	/* Stateless: no TCB, no half-open count, and the SYN's mbuf reused. */
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(tcbs_in_use(env), 0);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(st(env)->synack_tx, 0);
	assert_int_equal(st(env)->cookie_synack_tx, 1);
	assert_int_equal(st(env)->cookie_synack_copied, 0);

	/* The ACK, 10 ms later. */
	ws_test_advance_ms(env, 10);
	ts_opt(ack_opts, 0x11223345, tsval);
	s.opts = ack_opts;
	s.olen = sizeof(ack_opts);
	s.seq = PISN + 1;
	s.ack = iss + 1;
	s.flags = F_ACK;
	s.wnd = 100;
	send_seg(env, &s);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 1);
	assert_int_equal(st(env)->passive_opens, 1);
	assert_int_equal(app.accepted, 1);
	c = app.conn;
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(st(env)->st_established, 1);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_true(c->ts_ok && c->ws_ok && c->sack_ok);
	assert_int_equal(c->snd_shift, 7);
	assert_int_equal(c->rcv_shift, 3);
	assert_int_equal(c->mss, 1448);
	/* The window of the ACK is scaled by the recovered shift. */
	assert_int_equal(c->snd_wnd, 100 << 7);
	assert_int_equal(c->ts_recent, 0x11223345);
	assert_int_equal(c->snd_una, iss + 1);
	assert_int_equal(c->rcv_nxt, PISN + 1);

	/* Our TSvals go on from the SYN-ACK's and never go back. */
	ws_tcp_send(c, "x", 1);
	only(env, &cs);
	assert_int_equal(cs.seq, iss + 1);
	assert_int_equal(cs.wnd, 262144 >> 3);
	assert_true(cs.o.present & WS_TCP_OPT_HAS_TS);
	assert_true((int32_t)(cs.o.tsval - tsval) >= 10);
	assert_true(cs.o.tsval - tsval < 10 + 32);
	finish(env);
}

/* Without timestamps, window scale and SACK are neither offered nor kept. */
static void
test_syncookie_without_timestamps(void **state)
{
	struct ws_test_env *env = *state;
	/* MSS 1450, NOP, WS 7, NOP, NOP, SACK-permitted. */
	static const uint8_t opts[] = { 2, 4, 0x05, 0xaa, 1, 3, 3, 7,
		1, 1, 4, 2 };
	struct cseg cs;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	send_syn(env, opts, sizeof(opts), 1000, &cs);
	assert_int_equal(cs.flags, F_SYN | F_ACK);
	/* Only our MSS. */
	assert_int_equal(cs.olen, 4);
	assert_int_equal(cs.o.present, WS_TCP_OPT_HAS_MSS);
	assert_int_equal(cs.o.mss, 1460);
	peer(env, PISN + 1, cs.seq + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(app.accepted, 1);
	assert_false(app.conn->ts_ok || app.conn->ws_ok || app.conn->sack_ok);
	/* 1450 rounds down to the table's 1440; the window is unscaled. */
	assert_int_equal(app.conn->peer_mss, 1440);
	assert_int_equal(app.conn->mss, 1440);
	assert_int_equal(app.conn->snd_wnd, 1000);
	ws_tcp_send(app.conn, "y", 1);
	only(env, &cs);
	assert_int_equal(cs.olen, 0);
	assert_int_equal(cs.wnd, 65535);
	finish(env);
}

/* Data and FIN riding on the cookie ACK take the ordinary path. */
static void
test_syncookie_ack_with_data_and_fin(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	iss = syn_from(env, PPORT, 1000);
	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH | F_FIN, 1000,
		"GET /", 5);
	assert_int_equal(app.accepted, 1);
	assert_int_equal(app.rx_len, 5);
	assert_memory_equal(app.rx, "GET /", 5);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	expect_ack(env, iss + 1, PISN + 1 + 5 + 1);
	finish(env);
}

/*
 * Soak finding (issue 18): under a flood, with reordering and duplication
 * on the path, a client's later segment (here its ACK of a duplicated
 * SYN-ACK, sent after its GET) overtook the ACK completing the cookie
 * handshake. Its SEQ is not ISN + 1, so the cookie cannot pass; the
 * default answer is silence, not a RST that the client would accept (SEQ
 * = its ACK = its RCV.NXT) and die of. The handshake ACK and the GET
 * arrive next and the connection is served.
 */
static void
test_syncookie_reordered_segment_before_ack(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	assert_int_equal(env->w.tcp->cfg.syncookie_bad_ack, WS_BAD_COOKIE_DROP);
	iss = syn_from(env, PPORT, 1000);
	/* The client's third segment first: SEQ after its 5-byte GET. */
	peer(env, PISN + 1 + 5, iss + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->cookie_bad_hash, 1);
	assert_int_equal(st(env)->rst_tx, 0);
	assert_int_equal(app.accepted, 0);
	/* Then the handshake ACK and the GET. */
	peer(env, PISN + 1, iss + 1, F_ACK, 1000, NULL, 0);
	assert_int_equal(st(env)->cookie_validated, 1);
	assert_int_equal(app.accepted, 1);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 1000, "GET /", 5);
	assert_int_equal(app.rx_len, 5);
	assert_memory_equal(app.rx, "GET /", 5);
	/* The late duplicate now meets the TCB: an old ACK, nothing more. */
	peer(env, PISN + 1 + 5, iss + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	assert_int_equal(st(env)->rst_tx, 0);
	finish(env);
}

/* A bad cookie is counted by reason and gets a RST ('rst'), or silence. */
static void
test_syncookie_bad_ack(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg cs;
	uint32_t cookie, now;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	env->w.tcp->cfg.syncookie_bad_ack = WS_BAD_COOKIE_RST;
	cookie = syn_from(env, PPORT, 1000);
	now = ws_syncookie_counter(ws_tcp_now_ms(env->w.tcp));

	/* A flipped MAC bit: bad hash, <SEQ=SEG.ACK><CTL=RST>. */
	peer(env, PISN + 1, (cookie ^ 1) + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST);
	assert_int_equal(cs.seq, (cookie ^ 1) + 1);
	assert_int_equal(st(env)->cookie_bad_hash, 1);
	/* Another peer ISN: bad hash. */
	peer(env, PISN + 2, cookie + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(st(env)->cookie_bad_hash, 2);
	/* A counter two periods old. */
	peer(env, PISN + 1, ((cookie & 0x3fffffff) |
		((now - 2) & 3) << 30) + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(st(env)->cookie_too_old, 1);
	/* MSS index 7. */
	peer(env, PISN + 1, ((cookie & ~(7u << 27)) | 7u << 27) + 1, F_ACK,
		1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(st(env)->cookie_bad_index, 1);

	/* 'drop': the same, counted, in silence. */
	env->w.tcp->cfg.syncookie_bad_ack = WS_BAD_COOKIE_DROP;
	peer(env, PISN + 1, (cookie ^ 1) + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->cookie_bad_hash, 3);
	assert_int_equal(st(env)->cookie_validated, 0);
	assert_int_equal(tcbs_in_use(env), 0);
	/* The right one still works. */
	peer(env, PISN + 1, cookie + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 1);
	finish(env);
}

/*
 * A SYN whose mbuf is not ours alone (a capture holds it too) cannot
 * become the SYN-ACK: a copy goes out and the SYN stays intact. With no
 * mbuf to copy into, nothing goes out and nothing leaks.
 */
static void
test_syncookie_shared_syn_copied(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t frame[256], tcp[64];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 1000,
	};
	struct rte_mbuf *m, *hog[4096];
	unsigned int n_hog = 0;
	struct cseg cs;
	size_t n;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	n = build_tcp(tcp, PEER_IP, US_IP, &p);
	n = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_TCP, 0x99, 0,
		tcp, n);
	m = ws_test_mbuf(env, frame, n);
	rte_mbuf_refcnt_update(m, 1);
	ws_test_input_mbuf(env, m);
	ws_tcp_flush(&env->w);
	only(env, &cs);
	assert_int_equal(cs.flags, F_SYN | F_ACK);
	assert_int_equal(cs.ack, PISN + 1);
	assert_int_equal(st(env)->cookie_synack_copied, 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), n);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), frame, n);

	while (n_hog < RTE_DIM(hog) &&
			(hog[n_hog] = rte_pktmbuf_alloc(env->w.pool)) != NULL)
		n_hog++;
	rte_mbuf_refcnt_update(m, 1);
	ws_test_input_mbuf(env, m);
	ws_tcp_flush(&env->w);
	expect_none(env);
	assert_int_equal(st(env)->cookie_synack_copied, 2);
	assert_int_equal(st(env)->drop_nombuf, 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	while (n_hog > 0)
		rte_pktmbuf_free(hog[--n_hog]);
	rte_pktmbuf_free(m);
	assert_int_equal(tcbs_in_use(env), 0);
	finish(env);
}

/* A cookie lives through its own period and the next, not longer. */
static void
test_syncookie_ageing(void **state)
{
	struct ws_test_env *env = *state;
	uint64_t period_ms = WS_SYNCOOKIE_PERIOD_S * 1000ull, now_ms;
	struct cseg cs;
	uint32_t cookie;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	env->w.tcp->cfg.syncookie_bad_ack = WS_BAD_COOKIE_RST;
	/* Start of a period. */
	now_ms = ws_tcp_now_ms(env->w.tcp);
	ws_test_advance_ms(env, period_ms - now_ms % period_ms);
	cookie = syn_from(env, PPORT, 1000);
	/* End of the next period: still good. */
	ws_test_advance_ms(env, 2 * period_ms - 1);
	ack_from(env, PPORT, cookie, 1000);
	assert_int_equal(st(env)->cookie_validated, 1);
	ws_tcp_abort(app.conn);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST | F_ACK);

	cookie = syn_from(env, PPORT, 1000);
	ws_test_advance_ms(env, 2 * period_ms);
	ack_from(env, PPORT, cookie, 1000);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST);
	assert_int_equal(st(env)->cookie_too_old, 1);
	assert_int_equal(st(env)->cookie_validated, 1);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Cookies when the backlog is full ('auto').                         */

/*
 * 'auto': stateful until the listener's half-open queue is full, then
 * cookies (stateless) until it has drained to half; ACKs of either kind
 * complete.
 */
static void
test_syncookie_auto_mode(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss[6];
	unsigned int i;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_AUTO;
	env->w.tcp->cfg.max_connections = 8;
	/* backlog 4: four stateful SYN-ACKs, then cookies. */
	for (i = 0; i < 6; i++)
		iss[i] = syn_from(env, (uint16_t)(PPORT + i), 1000);
	assert_int_equal(st(env)->synack_tx, 4);
	assert_int_equal(st(env)->cookie_synack_tx, 2);
	assert_int_equal(st(env)->cookie_mode_on, 1);
	assert_int_equal(st(env)->st_syn_received, 4);
	assert_int_equal(tcbs_in_use(env), 4);
	assert_true(env->w.tcp->listeners[0].cookie_mode);

	/* A cookie ACK completes without a half-open entry. */
	for (i = 4; i < 6; i++)
		ack_from(env, (uint16_t)(PPORT + i), iss[i], 1000);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 2);
	assert_int_equal(st(env)->st_established, 2);
	assert_int_equal(st(env)->st_syn_received, 4);
	/* Two of the four half-open complete: drained to half, mode ends. */
	for (i = 0; i < 2; i++) {
		ack_from(env, (uint16_t)(PPORT + i), iss[i], 1000);
		assert_int_equal(env->w.tcp->listeners[0].cookie_mode, i == 0);
	}
	assert_int_equal(st(env)->cookie_mode_off, 1);
	assert_int_equal(st(env)->st_syn_received, 2);
	assert_int_equal(st(env)->passive_opens, 4);
	/* Stateful again. */
	syn_from(env, PPORT + 10, 1000);
	assert_int_equal(st(env)->synack_tx, 5);
	assert_int_equal(st(env)->st_syn_received, 3);
	ws_tcp_fini(&env->w);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
}

/*
 * 'auto' with no cookie sent lately: a stray ACK to a listener is what
 * it always was (RST) and costs no hash.
 */
static void
test_syncookie_auto_stray_ack(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg cs;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_AUTO;
	peer(env, PISN, 12345, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST);
	assert_int_equal(cs.seq, 12345);
	assert_int_equal(st(env)->drop_listen_ack, 1);
	assert_int_equal(st(env)->cookie_ack_unchecked, 1);
	assert_int_equal(st(env)->cookie_bad_hash + st(env)->cookie_too_old +
		st(env)->cookie_bad_index, 0);
	finish(env);
}

/*
 * A table full of established connections: a SYN still gets a cookie
 * (without switching the listener), but its ACK finds no TCB: counted,
 * silent, and the peer's next segment may succeed once there is room.
 */
static void
test_syncookie_accept_overflow(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *conns[8];
	struct cseg cs;
	unsigned int i;
	uint32_t iss, cookie;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_AUTO;
	env->w.tcp->cfg.backlog = 100;
	for (i = 0; i < 8; i++) {
		iss = syn_from(env, (uint16_t)(PPORT + i), 1000);
		ack_from(env, (uint16_t)(PPORT + i), iss, 1000);
		conns[i] = app.conn;
	}
	assert_int_equal(st(env)->st_established, 8);
	cookie = syn_from(env, PPORT + 20, 1000);
	assert_int_equal(st(env)->cookie_synack_tx, 1);
	assert_int_equal(st(env)->cookie_mode_on, 0);
	assert_int_equal(st(env)->drop_table_full, 0);
	ack_from(env, PPORT + 20, cookie, 1000);
	expect_none(env);
	assert_int_equal(st(env)->accept_overflow, 1);
	/* Room again: the peer's retransmission gets in. */
	ws_tcp_abort(conns[0]);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST | F_ACK);
	ack_from(env, PPORT + 20, cookie, 1000);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 1);
	assert_int_equal(st(env)->st_established, 8);
	for (i = 1; i < 8; i++)
		ws_tcp_abort(conns[i]);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* One passive-open constructor.                                       */

/*
 * The handshake of full_syn from 'sport', answered statefully or with a
 * cookie as the worker is set, then ACKed 10 ms later with timestamps
 * and window 100: the accepted connection.
 */
static struct ws_tcp_conn *
handshake_full(struct ws_test_env *env, uint16_t sport)
{
	struct pseg s = full_syn;
	uint8_t ack_opts[12];
	struct cseg cs;

	s.sport = sport;
	app_reset();
	send_seg(env, &s);
	only(env, &cs);
	assert_int_equal(cs.flags, F_SYN | F_ACK);
	ws_test_advance_ms(env, 10);
	ts_opt(ack_opts, 0x11223345, cs.o.tsval);
	s.opts = ack_opts;
	s.olen = sizeof(ack_opts);
	s.seq = PISN + 1;
	s.ack = cs.seq + 1;
	s.flags = F_ACK;
	s.wnd = 100;
	send_seg(env, &s);
	expect_none(env);
	assert_int_equal(app.accepted, 1);
	assert_non_null(app.conn);
	return app.conn;
}

/*
 * A connection born from a SYN_RECEIVED TCB and one born from a cookie
 * are the same connection: every field the handshake settles agrees,
 * relative to each side's ISN. Only the RTT differs (a cookie SYN-ACK is
 * not timed) and the flag that says which way it came.
 */
static void
test_passive_open_one_constructor(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *a, *b;

	ws_test_advance_ms(env, 5000);
	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	a = handshake_full(env, PPORT);
	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	b = handshake_full(env, PPORT + 1);
	assert_int_equal(st(env)->synack_tx, 1);
	assert_int_equal(st(env)->cookie_synack_tx, 1);
	assert_int_equal(st(env)->passive_opens, 2);

	assert_false(a->from_cookie);
	assert_true(b->from_cookie);
	assert_int_equal(a->state, WS_TCP_ESTABLISHED);
	assert_int_equal(b->state, a->state);
	assert_true(a->passive && b->passive);
	assert_false(a->half_open || b->half_open);
	assert_ptr_equal(a->ops, b->ops);
	assert_true(a->ts_ok && a->ws_ok && a->sack_ok);
	assert_int_equal(b->ts_ok, a->ts_ok);
	assert_int_equal(b->ws_ok, a->ws_ok);
	assert_int_equal(b->sack_ok, a->sack_ok);
	assert_int_equal(b->snd_shift, a->snd_shift);
	assert_int_equal(b->rcv_shift, a->rcv_shift);
	assert_int_equal(b->peer_mss, a->peer_mss);
	assert_int_equal(b->mss, a->mss);
	assert_int_equal(a->mss, 1448);
	assert_int_equal(b->rcv_mss, a->rcv_mss);
	assert_int_equal(b->irs, a->irs);
	assert_int_equal(b->rcv_nxt, a->rcv_nxt);
	assert_int_equal(b->rcv_adv - b->rcv_nxt, a->rcv_adv - a->rcv_nxt);
	assert_int_equal(b->last_ack_sent, a->last_ack_sent);
	assert_int_equal(b->snd_una - b->iss, 1);
	assert_int_equal(a->snd_una - a->iss, 1);
	assert_int_equal(b->snd_nxt - b->iss, a->snd_nxt - a->iss);
	assert_int_equal(b->snd_max - b->iss, a->snd_max - a->iss);
	assert_int_equal(b->recover - b->iss, a->recover - a->iss);
	assert_int_equal(b->snd_wnd, a->snd_wnd);
	assert_int_equal(a->snd_wnd, 100 << 7);
	assert_int_equal(b->snd_wl1, a->snd_wl1);
	assert_int_equal(b->snd_wl2 - b->iss, a->snd_wl2 - a->iss);
	assert_int_equal(b->ts_recent, a->ts_recent);
	/* Each took TS.Recent from its ACK; b's came 10 ms after a's. */
	assert_int_equal(b->ts_recent_ms, ws_tcp_now_ms(env->w.tcp));
	assert_int_equal(a->ts_recent_ms, b->ts_recent_ms - 10);
	assert_int_equal(b->ts_off, ws_tcp_ts_off(env->w.tcp, &b->key));
	assert_int_equal(a->ts_off, ws_tcp_ts_off(env->w.tcp, &a->key));
	assert_int_equal(b->cwnd, a->cwnd);
	assert_int_equal(b->ssthresh, a->ssthresh);
	assert_int_equal(b->n_rtx, 0);
	assert_int_equal(a->n_rtx, 0);
	assert_int_equal(b->rtx_mode, a->rtx_mode);
	assert_int_equal(b->r2_ms, a->r2_ms);
	assert_int_equal(b->nodelay, a->nodelay);
	/* The stateful SYN-ACK was timed by its echoed TSval: 10 ms. */
	assert_int_equal(a->srtt_us, 10000);
	assert_int_equal(b->srtt_us, 0);

	ws_tcp_abort(a);
	app.conn = b;
	finish(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_syncookie_always_synack_exact),
	TCP_TEST(test_syncookie_without_timestamps),
	TCP_TEST(test_syncookie_ack_with_data_and_fin),
	TCP_TEST(test_syncookie_bad_ack),
	TCP_TEST(test_syncookie_reordered_segment_before_ack),
	TCP_TEST(test_syncookie_shared_syn_copied),
	TCP_TEST(test_syncookie_ageing),
	TCP_TEST(test_syncookie_auto_mode),
	TCP_TEST(test_syncookie_auto_stray_ack),
	TCP_TEST(test_syncookie_accept_overflow),
	TCP_TEST(test_passive_open_one_constructor),
};

WS_TEST_MAIN(tests)
