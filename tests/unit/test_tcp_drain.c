/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The graceful stop (ws_stack_drain), segment by segment (tcp_harness.h):
 * a worker's part, ws_worker_drain(), called as its poll would call it.
 * Idle connections get FIN at once, busy ones finish their data first,
 * what is left at drain_ms is reset (not FIN_WAIT_2: the peer has it
 * all), new SYNs and cookie ACKs get RST, and the drain ends as soon as
 * nothing is left.
 */

#include <rte_errno.h>

#include "tcp_harness.h"
#include "ws_worker.h"

#define DRAIN_MS 1000

/* A passive open from 'sport' with window 'wnd'; returns our ISS. */
static uint32_t
open_from(struct ws_test_env *env, uint16_t sport, uint16_t wnd)
{
	uint32_t iss = syn_from(env, sport, 65535);

	ack_from(env, sport, iss, wnd);
	expect_none(env);
	assert_non_null(lookup(env, LPORT, sport));
	assert_int_equal(lookup(env, LPORT, sport)->state, WS_TCP_ESTABLISHED);
	return iss;
}

/* What ws_stack_drain asks of each worker. */
static void
drain_request(struct ws_test_env *env, uint32_t ms)
{
	env->w.drain_ms = ms;
	env->w.drain_req = true;
}

/*
 * Three connections: A idle, B with more queued than the peer's window,
 * C behind a zero window. A gets FIN at once; B sends the rest of its
 * data, then FIN; a SYN meanwhile gets RST; at drain_ms C (FIN never
 * sent) is reset and counted; A and B, in FIN_WAIT_2, are left alone.
 */
static void
test_drain_fin_idle_finish_busy_rst_rest(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t data[1500];
	uint32_t iss_a, iss_b, iss_c, sent = 0, i, n;
	struct ws_tcp_conn *b, *c;
	struct cseg s;
	bool fin = false;

	iss_a = open_from(env, 40001, 65535);
	iss_b = open_from(env, 40002, 536);
	iss_c = open_from(env, 40003, 0);
	b = lookup(env, LPORT, 40002);
	c = lookup(env, LPORT, 40003);
	memset(data, 'b', sizeof(data));
	assert_int_equal(ws_tcp_send(b, data, sizeof(data)), 1500);
	only(env, &s);
	assert_int_equal(s.dlen, 536);
	sent = 536;
	assert_int_equal(ws_tcp_send(c, data, 100), 100);
	expect_none(env);

	drain_request(env, DRAIN_MS);
	assert_false(ws_worker_drain(&env->w));
	/* Only A's FIN: B's waits behind its data, C's behind the window. */
	only(env, &s);
	assert_int_equal(s.dport, 40001);
	assert_int_equal(s.flags, F_ACK | F_FIN);
	assert_int_equal(s.seq, iss_a + 1);
	assert_int_equal(b->state, WS_TCP_FIN_WAIT_1);
	assert_int_equal(c->state, WS_TCP_FIN_WAIT_1);
	assert_int_equal(st(env)->drain_fin, 3);
	assert_int_equal(app.closed, 0);

	/* A new connection is refused as by a closed port. */
	seg_from(env, 40004, PISN, 0, F_SYN, 65535);
	only(env, &s);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.ack, PISN + 1);
	assert_null(lookup(env, LPORT, 40004));
	assert_int_equal(st(env)->drain_refused, 1);

	/* A's FIN is acknowledged: A is done. */
	seg_from(env, 40001, PISN + 1, iss_a + 2, F_ACK, 65535);
	expect_none(env);
	assert_int_equal(lookup(env, LPORT, 40001)->state, WS_TCP_FIN_WAIT_2);

	/* B's peer reads on: the rest of the data, then the FIN. */
	for (i = 0; i < 4 && !fin; i++) {
		seg_from(env, 40002, PISN + 1, iss_b + 1 + sent, F_ACK, 536);
		n = ncap(env);
		assert_true(n >= 1);
		cap(env, n - 1, &s);
		ws_test_clear_captured(env);
		assert_int_equal(s.seq, iss_b + 1 + sent);
		sent += s.dlen;
		fin = (s.flags & F_FIN) != 0;
	}
	assert_true(fin);
	assert_int_equal(sent, 1500);
	seg_from(env, 40002, PISN + 1, iss_b + 1 + sent + 1, F_ACK, 536);
	expect_none(env);
	assert_int_equal(b->state, WS_TCP_FIN_WAIT_2);

	/* C is still owed its data: the drain waits for it ... */
	assert_false(ws_worker_drain(&env->w));
	elapse(env, DRAIN_MS - 1);
	ws_test_clear_captured(env);
	assert_false(ws_worker_drain(&env->w));
	expect_none(env);
	assert_false(env->w.drain_done);

	/* ... until drain_ms: then C is reset, A and B are left alone. */
	ws_test_advance_ms(env, 1);
	assert_true(ws_worker_drain(&env->w));
	assert_true(env->w.drain_done);
	only(env, &s);
	assert_int_equal(s.dport, 40003);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.seq, iss_c + 1);
	assert_int_equal(st(env)->drain_rst, 1);
	expect_closed(WS_TCP_CLOSED_STOPPED);
	assert_null(lookup(env, LPORT, 40003));
	assert_int_equal(st(env)->st_fin_wait_1, 0);
	assert_int_equal(st(env)->st_fin_wait_2, 2);
	/* Done is done: later polls do nothing. */
	assert_true(ws_worker_drain(&env->w));
	expect_none(env);
	ws_test_assert_no_leak(env);
}

/* Without connections the drain is over at its first poll. */
static void
test_drain_nothing_ends_at_once(void **state)
{
	struct ws_test_env *env = *state;

	drain_request(env, DRAIN_MS);
	assert_true(ws_worker_drain(&env->w));
	assert_true(env->w.drain_done);
	expect_none(env);
	ws_test_assert_no_leak(env);
}

/*
 * It ends as soon as every connection is closed or in TIME_WAIT, long
 * before drain_ms, and TIME_WAIT ones are not reset.
 */
static void
test_drain_ends_when_closed(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg s;

	drain_request(env, DRAIN_MS);
	assert_false(ws_worker_drain(&env->w));
	only(env, &s);
	assert_int_equal(s.flags, F_ACK | F_FIN);
	elapse(env, 10);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	expect_closed(WS_TCP_CLOSED_NORMAL);
	assert_true(ws_worker_drain(&env->w));
	expect_none(env);
	assert_int_equal(st(env)->drain_fin, 1);
	assert_int_equal(st(env)->drain_rst, 0);
	assert_int_equal(st(env)->st_time_wait, 1);
	elapse(env, 2 * MSL_MS);
	ws_test_assert_no_leak(env);
}

/* drain_ms 0: every connection is reset at once, and counted. */
static void
test_drain_zero_resets_at_once(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg s;

	drain_request(env, 0);
	assert_true(ws_worker_drain(&env->w));
	only(env, &s);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.ack, PISN + 1);
	expect_closed(WS_TCP_CLOSED_STOPPED);
	assert_int_equal(st(env)->drain_fin, 0);
	assert_int_equal(st(env)->drain_rst, 1);
	/* Still refusing. */
	peer(env, PISN, 0, F_SYN, 65535, NULL, 0);
	only(env, &s);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(st(env)->drain_refused, 1);
	ws_test_assert_no_leak(env);
}

/*
 * A handshake in progress is reset; the ACK of a SYN cookie sent before
 * the drain makes no connection; an active open fails.
 */
static void
test_drain_handshakes_and_cookies(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss_half, iss_cookie;
	struct cseg s;

	iss_half = syn_from(env, 40001, 65535);
	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	iss_cookie = syn_from(env, 40002, 65535);
	assert_null(lookup(env, LPORT, 40002));

	drain_request(env, DRAIN_MS);
	assert_true(ws_worker_drain(&env->w));
	only(env, &s);
	assert_int_equal(s.dport, 40001);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.seq, iss_half + 1);
	assert_null(lookup(env, LPORT, 40001));
	assert_int_equal(st(env)->drain_rst, 1);

	ack_from(env, 40002, iss_cookie, 65535);
	only(env, &s);
	assert_int_equal(s.flags, F_RST);
	assert_int_equal(s.seq, iss_cookie + 1);
	assert_null(lookup(env, LPORT, 40002));
	assert_int_equal(st(env)->cookie_validated, 0);
	assert_int_equal(st(env)->drain_refused, 1);
	assert_int_equal(app.accepted, 0);

	assert_null(ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL));
	assert_int_equal(rte_errno, ESHUTDOWN);
	expect_none(env);
	ws_test_assert_no_leak(env);
}

/* An application with a 'drain' callback decides when to close. */
static unsigned int drained;

static void
drain_cb(struct ws_tcp_conn *c)
{
	RTE_SET_USED(c);
	drained++;
}

static void
test_drain_callback_app_closes(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_ops ops = app_ops;
	uint32_t iss;
	struct cseg s;

	drained = 0;
	ops.drain = drain_cb;
	app.conn = NULL;
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 1, &ops, &app),
		0);
	{
		struct pseg p = {
			.sport = PPORT, .dport = LPORT + 1, .seq = PISN,
			.flags = F_SYN, .wnd = 65535,
		};

		send_seg(env, &p);
		only(env, &s);
		iss = s.seq;
		p.seq = PISN + 1;
		p.ack = iss + 1;
		p.flags = F_ACK;
		send_seg(env, &p);
		expect_none(env);
	}
	assert_non_null(app.conn);

	drain_request(env, DRAIN_MS);
	assert_false(ws_worker_drain(&env->w));
	assert_int_equal(drained, 1);
	/* Nothing closed it: the application still sends its response. */
	expect_none(env);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	assert_int_equal(ws_tcp_send(app.conn, "done", 4), 4);
	assert_int_equal(ws_tcp_shutdown(app.conn), 0);
	assert_int_equal(ncap(env), 2);
	cap(env, 1, &s);
	assert_int_equal(s.flags, F_ACK | F_FIN);
	assert_int_equal(s.seq, iss + 1 + 4);
	ws_test_clear_captured(env);
	assert_int_equal(st(env)->drain_fin, 1);
	assert_false(ws_worker_drain(&env->w));
	assert_int_equal(drained, 1);
	{
		struct pseg p = {
			.sport = PPORT, .dport = LPORT + 1, .seq = PISN + 1,
			.ack = iss + 6, .flags = F_ACK | F_FIN, .wnd = 65535,
		};

		send_seg(env, &p);
	}
	ws_test_clear_captured(env);
	assert_true(ws_worker_drain(&env->w));
	expect_none(env);
	assert_int_equal(st(env)->drain_rst, 0);
	elapse(env, 2 * MSL_MS);
	ws_test_assert_no_leak(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_drain_fin_idle_finish_busy_rst_rest),
	TCP_TEST(test_drain_nothing_ends_at_once),
	TCP_TEST(test_drain_ends_when_closed),
	TCP_TEST(test_drain_zero_resets_at_once),
	TCP_TEST(test_drain_handshakes_and_cookies),
	TCP_TEST(test_drain_callback_app_closes),
};

WS_TEST_MAIN(tests)
