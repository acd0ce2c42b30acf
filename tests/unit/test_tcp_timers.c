/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP timers, segment by segment (tcp_harness.h) on the manual clock:
 * SYN and data retransmission with backoff, R2, fast retransmit, the
 * persist timer, keep-alive and the application idle timer.
 */

#include "tcp_harness.h"

/* ------------------------------------------------------------------ */
/* SYN retransmission.                                                */

/*
 * RFC 6298 (5.7) and RFC 5681 3.1: after a lost SYN and no RTT sample,
 * RTO is 3 s and the initial window one segment.
 */
static void
test_rfc6298_5_7_lost_syn(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct pseg p = { .sport = PPORT, .flags = F_SYN | F_ACK,
		.seq = PISN, .wnd = 65535 };
	struct cseg s;

	c = connect_peer(env, &s);
	elapse(env, RTO_MS);
	only(env, &s);
	p.dport = s.sport;
	p.ack = s.seq + 1;
	send_seg(env, &p);
	expect_ack(env, s.seq + 1, PISN + 1);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(c->rto_ms, 3000);
	assert_int_equal(c->srtt_us, 0);
	assert_int_equal(c->cwnd, c->mss);
	finish(env);
}

/* MUST-22/23: SYN retransmitted with backoff, then TIMEOUT. */
static void
test_must22_syn_retries(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg s;
	unsigned int i;
	uint32_t wait = RTO_MS;

	connect_peer(env, &s);
	for (i = 0; i < 3; i++) {
		quiet_until(env, wait);
		only(env, &s);
		assert_int_equal(s.flags, F_SYN);
		wait *= 2;
	}
	assert_int_equal(st(env)->syn_retransmits, 3);
	elapse(env, wait);
	expect_none(env);
	expect_closed(WS_TCP_CLOSED_TIMEOUT);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Retransmission.                                                    */

/* MUST-18/19, RFC 6298 5.5: exact retransmission times with backoff. */
static void
test_must18_rto_backoff(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;
	uint32_t rto = app.conn->rto_ms, i;

	/* The handshake gave one RTT sample of 0: RTO is the minimum. */
	assert_int_equal(rto, 200);
	assert_int_equal(ws_tcp_send(app.conn, "data", 4), 4);
	only(env, &c);
	for (i = 0; i < 4; i++) {
		quiet_until(env, rto);
		only(env, &c);
		assert_int_equal(c.seq, iss + 1);
		assert_int_equal(c.dlen, 4);
		rto *= 2;
	}
	assert_int_equal(st(env)->retransmits, 4);
	assert_int_equal(app.conn->cwnd, app.conn->mss);
	/* The ACK ends it, resets the backoff and stops the timer. */
	peer(env, PISN + 1, iss + 5, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.conn->n_rtx, 0);
	assert_false(ws_timer_armed(&app.conn->rtx_timer));
	finish(env);
}

/*
 * After a timeout SND.NXT goes back to SND.UNA; a pure ACK still carries
 * SND.MAX, which the peer's window expects (no ACK war with a peer in
 * the same situation).
 */
static void
test_pure_ack_after_rto_uses_snd_max(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[3 * 1460];
	struct cseg c;

	memset(data, 'r', sizeof(data));
	ws_tcp_send(app.conn, data, sizeof(data));
	assert_int_equal(ncap(env), 3);
	ws_test_clear_captured(env);
	elapse(env, app.conn->rto_ms);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(app.conn->snd_nxt, iss + 1 + 1460);
	/* Two full segments from the peer: an immediate pure ACK. */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, data, 1460);
	peer(env, PISN + 1461, iss + 1, F_ACK, 65535, data, 1460);
	expect_ack(env, iss + 1 + sizeof(data), PISN + 2921);
	finish(env);
}

/* MUST-20: after R2 the connection is closed with TIMEOUT. */
static void
test_must20_r2_timeout(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;

	establish(env);
	ws_tcp_set_user_timeout(app.conn, 3000);	/* MUST-21 */
	ws_tcp_send(app.conn, "x", 1);
	for (i = 0; i < 40 && app.closed == 0; i++)
		elapse(env, 500);
	expect_closed(WS_TCP_CLOSED_TIMEOUT);
	assert_true(st(env)->r1_reached >= 1);
	ws_test_assert_no_leak(env);
}

/*
 * RFC 5482: the user timeout bounds how long sent data may stay
 * unacknowledged, counted from its transmission, and a backed-off RTO
 * is cut to what is left of it (Linux's tcp_clamp_rto_to_user_timeout).
 * Data sent 100 ms after the handshake, a user timeout of 2.5 RTO: one
 * retransmission after RTO, then the connection ends 2.5 RTO after the
 * send, not at the next backed-off timeout (3 RTO) or, counting from the
 * first timeout, at the one after (7 RTO).
 */
static void
test_user_timeout_from_transmission(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t rto, iss = establish(env);
	struct cseg c;

	elapse(env, 100);
	rto = app.conn->rto_ms;
	ws_tcp_set_user_timeout(app.conn, rto * 5 / 2);
	assert_int_equal(ws_tcp_send(app.conn, "x", 1), 1);
	only(env, &c);
	quiet_until(env, rto);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(st(env)->rto_expired, 1);
	elapse(env, rto * 3 / 2 - 1);
	assert_int_equal(app.closed, 0);
	elapse(env, 1);
	expect_closed(WS_TCP_CLOSED_TIMEOUT);
	assert_int_equal(st(env)->rto_expired, 2);
	ws_test_assert_no_leak(env);
}

/*
 * After a zero-window probe the backoff is not zero, but R2 still only
 * counts from the first timeout: an RTO then retransmits, it does not
 * end the connection.
 */
static void
test_must20_r2_counts_from_first_timeout(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_set_nodelay(app.conn, true);
	peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
	ws_tcp_send(app.conn, "hello", 5);
	elapse(env, app.conn->rto_ms);
	only(env, &c);
	assert_int_equal(c.dlen, 0);
	assert_int_equal(app.conn->n_rtx, 1);
	/* The window opens; the data goes but is lost. */
	peer(env, PISN + 1, iss + 1, F_ACK, 100, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	elapse(env, 5000);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	assert_int_equal(app.closed, 0);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	finish(env);
}

/* RFC 5681 3.2: three duplicate ACKs trigger a fast retransmit. */
static void
test_rfc5681_fast_retransmit(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[5 * 1460];
	struct cseg c;
	unsigned int i;

	memset(data, 'q', sizeof(data));
	assert_int_equal(ws_tcp_send(app.conn, data, sizeof(data)),
		(int)sizeof(data));
	assert_int_equal(ncap(env), 5);
	ws_test_clear_captured(env);
	for (i = 0; i < 3; i++)
		peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 1460);
	assert_int_equal(st(env)->fast_retransmits, 1);
	assert_true(app.conn->in_recovery);
	/* A partial ACK retransmits the next hole (RFC 6582). */
	peer(env, PISN + 1, iss + 1 + 1460, F_ACK, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1 + 1460);
	/* The full ACK ends recovery. */
	peer(env, PISN + 1, iss + 1 + sizeof(data), F_ACK, 65535, NULL, 0);
	assert_false(app.conn->in_recovery);
	ws_test_clear_captured(env);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Persist and keep-alive.                                            */

/*
 * Exactly one probe was sent: a pure ACK one below SND.UNA ('seq'), so
 * that the peer must answer with its window.
 */
static void
expect_probe(struct ws_test_env *env, uint32_t seq)
{
	struct cseg c;

	only(env, &c);
	assert_int_equal(c.seq, seq);
	assert_int_equal(c.dlen, 0);
	assert_int_equal(c.flags, F_ACK);
}

/* MUST-35/36/37: a zero window is probed, and kept open while answered. */
static void
test_must36_zero_window_probe(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;
	unsigned int i;

	peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
	assert_int_equal(app.conn->snd_wnd, 0);
	assert_int_equal(ws_tcp_send(app.conn, "hello", 5), 5);
	expect_none(env);
	/*
	 * The first probe after one RTO (SHLD-29): an old sequence and no
	 * data, which the peer must answer with its window.
	 */
	elapse(env, app.conn->rto_ms);
	expect_probe(env, iss);
	assert_int_equal(st(env)->persist_probes, 1);
	/* SND.MAX did not move past the window. */
	assert_int_equal(app.conn->snd_max, iss + 1);
	/* Answered with a zero window for much longer than R2: it stays. */
	for (i = 0; i < 12; i++) {
		peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
		elapse(env, 60000);
		expect_probe(env, iss);
	}
	assert_int_equal(app.closed, 0);
	/* The window opens: the data flows. */
	peer(env, PISN + 1, iss + 1, F_ACK, 1000, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	assert_memory_equal(c.data, "hello", 5);
	/* A peer that stops answering probes is gone after R2. */
	peer(env, PISN + 1, iss + 6, F_ACK, 0, NULL, 0);
	ws_tcp_send(app.conn, "more", 4);
	for (i = 0; i < 10 && app.closed == 0; i++)
		elapse(env, 60000);
	ws_test_clear_captured(env);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_TIMEOUT);
	ws_test_assert_no_leak(env);
}

/* MUST-24..28: keep-alive off by default; probes; dead after 'count'. */
static void
test_must24_keepalive(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i;

	assert_false(app.conn->keepalive);
	ws_tcp_set_keepalive(app.conn, true, 1000, 500, 2);
	quiet_until(env, 1000);
	expect_probe(env, iss);
	/* Answered: idle starts again (MUST-29). */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	for (i = 0; i < 2; i++) {
		elapse(env, i == 0 ? 1000 : 500);
		expect_probe(env, iss);
	}
	elapse(env, 500);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_KEEPALIVE);
	ws_test_assert_no_leak(env);
}

/*
 * Issue 16 (1), Linux's tcp_ack_probe: persist probes back off and each
 * zero-window answer restarts R2, but once the window opens that is
 * over. A segment lost next is retransmitted after the plain RTO, not
 * RTO max, and R2 counts from its own first timeout.
 */
static void
test_window_opens_resets_persist_backoff(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	uint32_t rto = app.conn->rto_ms;
	struct cseg c;
	unsigned int i;

	peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
	assert_int_equal(ws_tcp_send(app.conn, "hello", 5), 5);
	expect_none(env);
	for (i = 0; i < 8; i++) {
		elapse(env, 60000);
		expect_probe(env, iss);
		peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
	}
	assert_int_equal(st(env)->persist_probes, 8);
	/* The window opens: the data goes, and is lost. */
	peer(env, PISN + 1, iss + 1, F_ACK, 1000, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	/* Retransmitted after RTO, then 2 RTO: a fresh backoff. */
	quiet_until(env, rto);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	quiet_until(env, 2 * rto);
	only(env, &c);
	assert_int_equal(c.dlen, 5);
	assert_int_equal(st(env)->rto_expired, 2);
	/* Acknowledged at last: the connection lives on. */
	peer(env, PISN + 1, iss + 6, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(app.closed, 0);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.conn->n_rtx, 0);
	finish(env);
}

/*
 * Issue 16 (6): only acceptable segments prove the peer alive. A dead
 * peer's connection with keep-alive on is reaped after idle + interval
 * * count although an attacker keeps sending segments out of the window
 * and below it.
 */
static void
test_keepalive_not_refreshed_by_junk(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	uint64_t t, closed_at = 0;

	ws_tcp_set_keepalive(app.conn, true, 1000, 500, 3);
	for (t = 0; t < 4000 && closed_at == 0; t += 100) {
		/* Beyond the window, below it, and an ACK of unsent data. */
		peer(env, PISN + 1 + 300000, iss + 1, F_ACK, 65535, "junk", 4);
		peer(env, PISN + 1 - 5000, iss + 1, F_ACK, 65535, "junk", 4);
		peer(env, PISN + 1, iss + 1 + 5000, F_ACK, 65535, NULL, 0);
		elapse(env, 100);
		ws_test_clear_captured(env);
		if (app.closed != 0)
			closed_at = t + 100;
	}
	assert_int_equal(closed_at, 1000 + 3 * 500);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_KEEPALIVE);
	assert_int_equal(st(env)->keepalive_probes, 3);
	assert_true(st(env)->drop_unacceptable >= 2 * 25);
	assert_true(st(env)->drop_ack_unsent >= 25);
	ws_test_assert_no_leak(env);
}

/*
 * Issue 16 (10): keep-alive runs in FIN_WAIT_2 too. After a shutdown
 * whose FIN was acknowledged, a peer that dies before its own FIN is
 * found by the probes (nothing else times FIN_WAIT_2 while the
 * application still holds the connection).
 */
static void
test_keepalive_in_fin_wait_2(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;
	unsigned int i;

	ws_tcp_set_keepalive(app.conn, true, 1000, 500, 2);
	assert_int_equal(ws_tcp_shutdown(app.conn), 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.conn->state, WS_TCP_FIN_WAIT_2);
	quiet_until(env, 1000);
	expect_probe(env, iss + 1);
	/* Answered: idle starts again. */
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, NULL, 0);
	expect_none(env);
	for (i = 0; i < 2; i++) {
		quiet_until(env, i == 0 ? 1000 : 500);
		expect_probe(env, iss + 1);
	}
	assert_int_equal(st(env)->keepalive_probes, 3);
	elapse(env, 500);
	expect_none(env);
	expect_closed(WS_TCP_CLOSED_KEEPALIVE);
	assert_int_equal(st(env)->conn_keepalive_dead, 1);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* The application idle timer (ws_tcp_set_idle_timeout).              */

/* 'idle' is heard for the n-th time at 'ms' from now, not before. */
static void
idle_heard_at(struct ws_test_env *env, uint64_t ms, unsigned int n)
{
	elapse(env, ms - 1);
	assert_int_equal(app.idle, n - 1);
	elapse(env, 1);
	assert_int_equal(app.idle, n);
}

/* Exactly after the timeout, again each period, re-armed by data. */
static void
test_idle_timeout(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;

	/* Off by default. */
	elapse(env, 100000);
	assert_int_equal(app.idle, 0);
	assert_false(ws_timer_armed(&conn->idle_timer));

	ws_tcp_set_idle_timeout(conn, 500);
	idle_heard_at(env, 500, 1);
	assert_int_equal(st(env)->idle_timeouts, 1);
	/* Nothing is sent; the connection stays. */
	expect_none(env);
	assert_int_equal(conn->state, WS_TCP_ESTABLISHED);
	/* Still silent: once more after another period. */
	idle_heard_at(env, 500, 2);

	/* Data 300 ms in: the count starts over from it. */
	elapse(env, 300);
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abc", 3);
	assert_int_equal(app.rx_len, 3);
	idle_heard_at(env, 500, 3);
	/* A pure ACK is not data. */
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, 250);
	peer(env, PISN + 4, iss + 1, F_ACK, 65535, NULL, 0);
	elapse(env, 250);
	assert_int_equal(app.idle, 4);

	/* Setting it restarts the count; 0 turns it off. */
	ws_test_advance_ms(env, 400);
	ws_tcp_set_idle_timeout(conn, 200);
	idle_heard_at(env, 200, 5);
	ws_tcp_set_idle_timeout(conn, 0);
	assert_false(ws_timer_armed(&conn->idle_timer));
	elapse(env, 100000);
	assert_int_equal(app.idle, 5);
	assert_int_equal(st(env)->idle_timeouts, 5);
	assert_int_equal(conn->state, WS_TCP_ESTABLISHED);
	ws_test_clear_captured(env);
	finish(env);
}

/* Without 'idle' the stack closes: FIN, or RST over unread data. */
static void
test_idle_timeout_default_close(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	conn->ops = &app_ops_no_idle;
	ws_tcp_set_idle_timeout(conn, 200);
	quiet_until(env, 200);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_1);
	assert_true(conn->app_closed);
	assert_int_equal(st(env)->idle_timeouts, 1);
	assert_int_equal(app.idle, 0);
	assert_int_equal(app.closed, 0);
	/* Closed: no more timeouts. */
	assert_false(ws_timer_armed(&conn->idle_timer));
	peer_fin_closes(env, PISN + 1, iss + 2);
	assert_int_equal(st(env)->idle_timeouts, 1);
	assert_null(lookup(env, LPORT, PPORT));

	/* Received data nobody read: ws_tcp_close semantics reset. */
	app_reset();
	app.consume_max = 0;
	iss = establish(env);
	conn = app.conn;
	conn->ops = &app_ops_no_idle;
	ws_tcp_set_idle_timeout(conn, 100);
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "held", 4);
	assert_int_equal(conn->rb_len, 4);
	elapse(env, 100);
	/* The delayed ACK of "held", then the RST. */
	assert_true(ncap(env) >= 1);
	cap(env, ncap(env) - 1, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	ws_test_clear_captured(env);
	expect_closed(WS_TCP_CLOSED_ABORTED);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);
}

/* 'idle' may close or abort its own connection. */
static void
test_idle_timeout_close_abort_in_callback(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	app.idle_mode = IDLE_CLOSE;
	ws_tcp_set_idle_timeout(conn, 100);
	elapse(env, 100);
	assert_int_equal(app.idle, 1);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_1);
	/* Not called again once closed. */
	elapse(env, 100);
	assert_int_equal(app.idle, 1);
	peer_fin_closes(env, PISN + 1, iss + 2);

	app_reset();
	app.idle_mode = IDLE_ABORT;
	iss = establish(env);
	ws_tcp_set_idle_timeout(app.conn, 100);
	elapse(env, 100);
	assert_int_equal(app.idle, 1);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(c.seq, iss + 1);
	expect_closed(WS_TCP_CLOSED_ABORTED);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(st(env)->idle_timeouts, 2);
	elapse(env, 10000);
	ws_test_assert_no_leak(env);
}

/* A connection freed with its idle timer armed leaves nothing behind. */
static void
test_idle_timeout_freed_armed(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	ws_tcp_set_idle_timeout(app.conn, 1000);
	peer(env, PISN + 1, iss + 1, F_RST, 0, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	assert_int_equal(env->w.tcp->wheel.armed, 0);
	elapse(env, 2000);
	assert_int_equal(app.idle, 0);
	assert_int_equal(st(env)->idle_timeouts, 0);
	ws_test_assert_no_leak(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_rfc6298_5_7_lost_syn),
	TCP_TEST(test_must22_syn_retries),
	TCP_TEST(test_must18_rto_backoff),
	TCP_TEST(test_pure_ack_after_rto_uses_snd_max),
	TCP_TEST(test_must20_r2_timeout),
	TCP_TEST(test_must20_r2_counts_from_first_timeout),
	TCP_TEST(test_user_timeout_from_transmission),
	TCP_TEST(test_rfc5681_fast_retransmit),
	TCP_TEST(test_must36_zero_window_probe),
	TCP_TEST(test_must24_keepalive),
	TCP_TEST(test_window_opens_resets_persist_backoff),
	TCP_TEST(test_keepalive_not_refreshed_by_junk),
	TCP_TEST(test_keepalive_in_fin_wait_2),
	TCP_TEST(test_idle_timeout),
	TCP_TEST(test_idle_timeout_default_close),
	TCP_TEST(test_idle_timeout_close_abort_in_callback),
	TCP_TEST(test_idle_timeout_freed_armed),
};

WS_TEST_MAIN(tests)
