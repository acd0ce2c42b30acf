/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP closing, segment by segment (tcp_harness.h): passive, active and
 * simultaneous close, closing from inside callbacks, TIME_WAIT reuse and
 * recycling, RSTs in every state (RFC 5961 included) and ICMP errors.
 */

#include "tcp_harness.h"

/* ------------------------------------------------------------------ */
/* Closing.                                                           */

/* Passive close: CLOSE_WAIT, then LAST_ACK, then CLOSED (NORMAL). */
static void
test_must12_passive_close(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 2);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	assert_int_equal(st(env)->st_close_wait, 1);
	/* CLOSE_WAIT may still send. */
	assert_int_equal(ws_tcp_send(app.conn, "bye", 3), 3);
	only(env, &c);
	assert_int_equal(c.dlen, 3);
	assert_int_equal(ws_tcp_close(app.conn), 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.seq, iss + 4);
	assert_int_equal(app.conn->state, WS_TCP_LAST_ACK);
	peer(env, PISN + 2, iss + 5, F_ACK, 65535, NULL, 0);
	expect_none(env);
	expect_closed(WS_TCP_CLOSED_NORMAL);
	assert_int_equal(st(env)->st_last_ack, 0);
	assert_int_equal(st(env)->st_closed, 0);
	ws_test_assert_no_leak(env);
}

/* MUST-13: active close through FIN_WAIT_1/2 and TIME_WAIT for 2 MSL. */
static void
test_must13_active_close_time_wait(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	assert_int_equal(ws_tcp_close(conn), 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_1);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_2);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	expect_closed(WS_TCP_CLOSED_NORMAL);
	assert_int_equal(app.state_in_closed, WS_TCP_TIME_WAIT);
	assert_int_equal(st(env)->st_time_wait, 1);

	/* A retransmitted FIN is acknowledged again. */
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	/* It restarted the 2 MSL. */
	elapse(env, 2 * MSL_MS - 1);
	assert_non_null(lookup(env, LPORT, PPORT));
	elapse(env, 1);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(st(env)->st_time_wait, 0);
	assert_int_equal(st(env)->time_wait_expired, 1);
	assert_int_equal(app.closed, 1);
	ws_test_assert_no_leak(env);
}

/* Simultaneous close through CLOSING. */
static void
test_simultaneous_close_closing(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	ws_tcp_shutdown(conn);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	/* The peer's FIN crosses ours: it does not acknowledge it. */
	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(conn->state, WS_TCP_CLOSING);
	assert_int_equal(app.peer_closed, 1);
	peer(env, PISN + 2, iss + 2, F_ACK, 65535, NULL, 0);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	elapse(env, 2 * MSL_MS);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);
}

/* Data queued before the close goes first, then the FIN. */
static void
test_fin_after_data(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t big[3000];
	struct cseg c;

	memset(big, 'z', sizeof(big));
	assert_int_equal(ws_tcp_send(app.conn, big, sizeof(big)), 3000);
	ws_tcp_close(app.conn);
	assert_int_equal(ncap(env), 3);
	cap(env, 0, &c);
	assert_int_equal(c.dlen, 1460);
	assert_int_equal(c.flags, F_ACK);
	cap(env, 1, &c);
	assert_int_equal(c.dlen, 1460);
	cap(env, 2, &c);
	assert_int_equal(c.dlen, 80);
	assert_int_equal(c.flags, F_ACK | F_PSH | F_FIN);
	assert_int_equal(c.seq, iss + 1 + 2920);
	ws_test_clear_captured(env);
	peer_fin_closes(env, PISN + 1, iss + 3002);
}

/* SHLD-3: data after close resets the connection. */
static void
test_shld3_data_after_close_rst(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_close(app.conn);
	only(env, &c);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, "late", 4);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(c.seq, iss + 2);
	expect_closed(WS_TCP_CLOSED_ABORTED);
	assert_int_equal(st(env)->drop_data_after_close, 1);
	ws_test_assert_no_leak(env);
}

/* A callback may close or abort its own connection. */
static void
test_close_and_abort_inside_callback(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	app.abort_in_data = true;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "boom", 4);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	expect_closed(WS_TCP_CLOSED_ABORTED);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);

	/* Again, closing from peer_closed (an HTTP/1.0 server). */
	app_reset();
	app.close_in_peer_closed = true;
	iss = establish(env);
	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, "req", 3);
	assert_int_equal(app.rx_len, 3);
	/* The ACK of the FIN and our FIN: one segment each, or merged. */
	assert_true(ncap(env) >= 1);
	cap(env, ncap(env) - 1, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.ack, PISN + 5);
	ws_test_clear_captured(env);
	peer(env, PISN + 5, iss + 2, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_assert_no_leak(env);
}

/* close() inside 'data' after consuming everything: FIN, not RST. */
static void
test_close_inside_data_sends_fin(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	app.close_in_data = true;
	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 65535, "GET /", 5);
	assert_int_equal(app.rx_len, 5);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.ack, PISN + 6);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(app.closed, 0);
	peer_fin_closes(env, PISN + 6, iss + 2);

	/* Consuming only part of it: the rest is lost, so RST. */
	app_reset();
	app.consume_max = 2;
	app.close_in_data = true;
	iss = establish(env);
	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 65535, "GET /", 5);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_ABORTED);
	ws_test_assert_no_leak(env);
}

/* ws_tcp_fini: every live connection hears STOPPED. */
static void
test_fini_stopped(void **state)
{
	struct ws_test_env *env = *state;

	establish(env);
	ws_tcp_send(app.conn, "pending", 7);
	ws_test_clear_captured(env);
	ws_test_env_reinit(env);
	expect_closed(WS_TCP_CLOSED_STOPPED);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* TIME_WAIT.                                                         */

/* SHLD-4 / RFC 6191: a new SYN reuses a TIME_WAIT 4-tuple. */
static void
test_shld4_time_wait_reuse(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_close(app.conn);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(st(env)->st_time_wait, 1);
	/* An old SYN (lower sequence): challenge ACK, stays. */
	peer(env, PISN - 100, 0, F_SYN, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(st(env)->st_time_wait, 1);
	/* A higher sequence: a new connection. */
	peer(env, PISN + 100000, 0, F_SYN, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.ack, PISN + 100001);
	assert_int_equal(st(env)->time_wait_reused, 1);
	assert_int_equal(st(env)->st_time_wait, 0);
	assert_int_equal(st(env)->st_syn_received, 1);
	finish(env);
}

/* A table full of TIME_WAIT gives up the oldest for a new SYN. */
static void
test_time_wait_recycled_when_full(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = {
		.dport = LPORT, .seq = PISN + 1, .flags = F_ACK | F_FIN,
		.wnd = 65535,
	};
	struct cseg c;
	unsigned int i;
	uint32_t iss;

	for (i = 0; i < 8; i++) {
		p.sport = (uint16_t)(PPORT + i);
		iss = syn_from(env, p.sport, 65535);
		ack_from(env, p.sport, iss, 65535);
		ws_tcp_close(app.conn);
		only(env, &c);
		p.ack = c.seq + 1;
		send_seg(env, &p);
		only(env, &c);
	}
	assert_int_equal(st(env)->st_time_wait, 8);
	syn_from(env, PPORT + 100, 65535);
	assert_int_equal(st(env)->time_wait_recycled, 1);
	assert_int_equal(st(env)->st_time_wait, 7);
	/* The oldest went: the first peer port. */
	assert_null(lookup(env, LPORT, PPORT));
	assert_non_null(lookup(env, LPORT, PPORT + 1));
	app.conn = NULL;
	finish(env);
}

/* ------------------------------------------------------------------ */
/* RST, challenge ACKs and ICMP errors.                               */

/* RFC 9293 3.10.7, CLOSED state: the RST to a closed port, both forms. */
static void
test_rst_closed_port_exact(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = {
		.sport = PPORT, .dport = 81, .seq = 5000, .flags = F_SYN,
		.wnd = 1000, .data = "abc", .dlen = 3,
	};
	uint8_t tcp[20];
	struct cseg c;

	/* ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN counts. */
	send_seg(env, &p);
	memset(tcp, 0, sizeof(tcp));
	tcp[0] = 0; tcp[1] = 81;
	tcp[2] = PPORT >> 8; tcp[3] = PPORT & 0xff;
	tcp[8] = 0; tcp[9] = 0; tcp[10] = (5004) >> 8; tcp[11] = 5004 & 0xff;
	tcp[12] = 5 << 4;
	tcp[13] = F_RST | F_ACK;
	/* Outside any connection: DF and ID 0, as Linux. */
	expect_tcp_frame(env, 0, tcp, sizeof(tcp), 0);
	ws_test_clear_captured(env);

	/* ACK on: <SEQ=SEG.ACK><CTL=RST>. */
	p.flags = F_ACK | F_FIN;
	p.ack = 0xdeadbeef;
	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.flags, F_RST);
	assert_int_equal(c.seq, 0xdeadbeef);
	assert_int_equal(c.ack, 0);

	/* Never a RST for a RST. */
	p.flags = F_RST;
	send_seg(env, &p);
	p.flags = F_RST | F_ACK;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(st(env)->rst_no_conn, 2);
	ws_test_assert_no_leak(env);
}

/* LISTEN: RST ignored, ACK answered by RST, other segments dropped. */
static void
test_listen_rst_ack_other(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg c;

	peer(env, 1, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	peer(env, 1, 777, F_ACK, 0, NULL, 0);
	only(env, &c);
	assert_int_equal(c.flags, F_RST);
	assert_int_equal(c.seq, 777);
	peer(env, 1, 0, F_FIN, 0, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->drop_listen_ack, 1);
	assert_int_equal(st(env)->drop_listen_other, 1);
	ws_test_assert_no_leak(env);
}

/* RFC 5961 3.2: exact RST resets (MUST-12 RESET); in-window challenges. */
static void
test_rfc5961_rst_in_established(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	/* Out of window: silently dropped. */
	peer(env, PISN + 1 + 300000, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	/* In window, not exact: challenge ACK. */
	peer(env, PISN + 100, 0, F_RST, 0, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->rst_challenged, 1);
	assert_int_equal(app.closed, 0);
	/* Exact. */
	peer(env, PISN + 1, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	expect_closed(WS_TCP_CLOSED_RESET);
	assert_int_equal(st(env)->st_established, 0);
	ws_test_assert_no_leak(env);
}

/* MUST-11: RST in SYN_RECEIVED of a passive open: forgotten quietly. */
static void
test_must11_rst_in_syn_received(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg c;

	peer(env, PISN, 0, F_SYN, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(st(env)->st_syn_received, 1);
	peer(env, PISN + 1, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(app.closed, 0);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(env->w.tcp->listeners[0].pending, 0);
	/* The listener still works. */
	establish(env);
	finish(env);
}

/*
 * A new connection that we shut down: the peer acknowledges our FIN and,
 * with 'peer_fin', sends its own. Returns the connection, which is then
 * in FIN_WAIT_2 or TIME_WAIT.
 */
static struct ws_tcp_conn *
shut_down_new(struct ws_test_env *env, bool peer_fin)
{
	uint32_t iss;
	struct ws_tcp_conn *conn;

	app_reset();
	iss = establish(env);
	conn = app.conn;
	ws_tcp_shutdown(conn);
	peer(env, PISN + 1, iss + 2, F_ACK | (peer_fin ? F_FIN : 0), 65535,
		NULL, 0);
	ws_test_clear_captured(env);
	return conn;
}

/* RST in FIN_WAIT_2, CLOSE_WAIT and TIME_WAIT. */
static void
test_rst_in_other_states(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;

	/* CLOSE_WAIT */
	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(conn->state, WS_TCP_CLOSE_WAIT);
	peer(env, PISN + 2, 0, F_RST, 0, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	ws_test_assert_no_leak(env);

	/* FIN_WAIT_2 */
	conn = shut_down_new(env, false);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_2);
	peer(env, PISN + 1, 0, F_RST, 0, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	ws_test_assert_no_leak(env);

	/* TIME_WAIT: the RST ends it early, quietly. */
	conn = shut_down_new(env, true);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	peer(env, PISN + 2, 0, F_RST, 0, NULL, 0);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(app.closed, 1);
	ws_test_assert_no_leak(env);
}

/*
 * RFC 5961 4.2 and 7: SYN in ESTABLISHED gets a rate-limited challenge,
 * one per connection per interval (test_tcp_limits.c has the rest).
 */
static void
test_rfc5961_syn_challenge_rate_limit(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i;

	for (i = 0; i < CHACK + 3; i++)
		peer(env, PISN + 10 + i, 0, F_SYN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->challenge_ack_conn_limited, CHACK + 2);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	/* A second later there is budget again. */
	ws_test_advance_ms(env, 1000);
	peer(env, PISN + 10, 0, F_SYN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	finish(env);
}

/* MUST-54/56: ICMP errors for our segments, hard and soft. */
static void
test_must54_icmp_errors(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s;
	uint8_t q[28];
	uint32_t iss;

	c = connect_peer(env, &s);
	iss = s.seq;
	memset(q, 0, sizeof(q));
	q[0] = 0x45;
	q[9] = IPPROTO_TCP;
	q[12] = 198; q[13] = 18; q[14] = 0; q[15] = 2;
	q[16] = 198; q[17] = 18; q[18] = 0; q[19] = 1;
	q[20] = s.sport >> 8; q[21] = s.sport & 0xff;
	q[22] = PPORT >> 8; q[23] = PPORT & 0xff;
	/* A sequence not in flight: ignored (RFC 5927). */
	q[24] = (iss + 7) >> 24; q[25] = (iss + 7) >> 16;
	q[26] = (iss + 7) >> 8; q[27] = iss + 7;
	ws_tcp_icmp_error(&env->w, 3, 3, 0, q, sizeof(q));
	assert_int_equal(st(env)->drop_icmp_unmatched, 1);
	q[24] = iss >> 24; q[25] = iss >> 16; q[26] = iss >> 8; q[27] = iss;
	/* Host unreachable (code 1) is soft: counted, not fatal. */
	ws_tcp_icmp_error(&env->w, 3, 1, 0, q, sizeof(q));
	assert_int_equal(st(env)->icmp_soft, 1);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	/* Port unreachable during SYN_SENT ends it. */
	ws_tcp_icmp_error(&env->w, 3, 3, 0, q, sizeof(q));
	expect_closed(WS_TCP_CLOSED_UNREACHABLE);
	ws_test_assert_no_leak(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_must12_passive_close),
	TCP_TEST(test_must13_active_close_time_wait),
	TCP_TEST(test_simultaneous_close_closing),
	TCP_TEST(test_fin_after_data),
	TCP_TEST(test_shld3_data_after_close_rst),
	TCP_TEST(test_close_and_abort_inside_callback),
	TCP_TEST(test_close_inside_data_sends_fin),
	TCP_TEST(test_fini_stopped),
	TCP_TEST(test_shld4_time_wait_reuse),
	TCP_TEST(test_time_wait_recycled_when_full),
	TCP_TEST(test_rst_closed_port_exact),
	TCP_TEST(test_listen_rst_ack_other),
	TCP_TEST(test_rfc5961_rst_in_established),
	TCP_TEST(test_must11_rst_in_syn_received),
	TCP_TEST(test_rst_in_other_states),
	TCP_TEST(test_rfc5961_syn_challenge_rate_limit),
	TCP_TEST(test_must54_icmp_errors),
};

WS_TEST_MAIN(tests)
