/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TIME_WAIT reuse by active opens ([tcp] tw_reuse; Linux's tcp_tw_reuse
 * with timestamps, RFC 6191): a client that closed first may reconnect
 * the same 4-tuple while its TIME_WAIT lingers, if the old connection
 * used timestamps and the peer last spoke 1 s or more ago; the new SYN's
 * TSval and ISN lie above the old incarnation's. Otherwise the tuple
 * stays taken. The ephemeral range is narrowed to a few ports so that
 * the search comes back to the same one.
 */

#include <errno.h>
#include <rte_errno.h>

#include "tcp_harness.h"
#include "ws_steer.h"

#define TWPORT 50000		/* the narrowed ephemeral range starts here */
#define PTS0 7000000u		/* the peer's timestamp clock at time 0 */

/* The peer leaves timestamps out of its SYN-ACK though we offer them. */
static bool peer_no_ts;

static uint32_t
now_ms(struct ws_test_env *env)
{
	return (uint32_t)ws_tcp_now_ms(env->w.tcp);
}

/* Ephemeral ports TWPORT .. TWPORT + n - 1, searched from the first. */
static void
narrow(struct ws_test_env *env, uint32_t n)
{
	env->w.tcp->port_lo = TWPORT;
	env->w.tcp->port_n = n;
	env->w.tcp->next_port = 0;
}

/*
 * An active open to PPORT; NULL (nothing sent) when it is refused. The
 * peer answers with ISN 'pisn' and, if our SYN offered them, timestamps
 * from its clock (PTS0 + now): ESTABLISHED, our ACK sent.
 */
static struct ws_tcp_conn *
try_open(struct ws_test_env *env, uint32_t pisn, struct cseg *syn)
{
	uint8_t o[16] = { 2, 4, 0x05, 0xb4 };
	struct pseg sa = {
		.sport = PPORT, .seq = pisn, .flags = F_SYN | F_ACK,
		.wnd = 65535, .opts = o, .olen = 4,
	};
	struct ws_tcp_conn *c;
	struct cseg a;

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	if (c == NULL) {
		expect_none(env);
		return NULL;
	}
	only(env, syn);
	assert_int_equal(syn->flags, F_SYN);
	sa.dport = syn->sport;
	sa.ack = syn->seq + 1;
	if ((syn->o.present & WS_TCP_OPT_HAS_TS) && !peer_no_ts) {
		ts_opt(o + 4, PTS0 + now_ms(env), syn->o.tsval);
		sa.olen = sizeof(o);
	}
	send_seg(env, &sa);
	only(env, &a);
	assert_int_equal(a.flags, F_ACK);
	assert_int_equal(a.ack, pisn + 1);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	return c;
}

static struct ws_tcp_conn *
open_conn(struct ws_test_env *env, uint32_t pisn, struct cseg *syn)
{
	struct ws_tcp_conn *c = try_open(env, pisn, syn);

	assert_non_null(c);
	return c;
}

/*
 * 'bytes' of data from us, each flight acknowledged by the peer at once:
 * past what the ISN clock (4 us a tick) makes up in a second, so that
 * only the reuse rule puts the next ISN above this connection's.
 */
static void
push(struct ws_test_env *env, struct ws_tcp_conn *c, uint32_t pisn,
		uint32_t bytes)
{
	static const uint8_t buf[16384];
	uint32_t sent = 0, rounds = 0;
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = rte_be_to_cpu_16(c->key.lport),
		.seq = pisn + 1, .flags = F_ACK, .wnd = 65535, .opts = o,
		.olen = sizeof(o),
	};
	int n;

	while (sent < bytes || c->snd_una != c->snd_nxt) {
		assert_true(++rounds < 10000);
		if (sent < bytes) {
			n = ws_tcp_send(c, buf,
				RTE_MIN((uint32_t)sizeof(buf), bytes - sent));
			assert_true(n >= 0);
			sent += (uint32_t)n;
		}
		ws_test_clear_captured(env);
		ts_opt(o, PTS0 + now_ms(env), c->ts_sent);
		p.ack = c->snd_nxt;
		send_seg(env, &p);
	}
	ws_test_clear_captured(env);
}

/* We close first: our FIN, the peer's FIN+ACK, our ACK: TIME_WAIT. */
static void
close_to_time_wait(struct ws_test_env *env, struct ws_tcp_conn *c,
		uint32_t pisn)
{
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = rte_be_to_cpu_16(c->key.lport),
		.seq = pisn + 1, .flags = F_ACK | F_FIN, .wnd = 65535,
	};
	struct cseg f, a;

	assert_int_equal(ws_tcp_close(c), 0);
	only(env, &f);
	assert_int_equal(f.flags, F_ACK | F_FIN);
	p.ack = f.seq + 1;
	if (c->ts_ok) {
		ts_opt(o, PTS0 + now_ms(env), f.o.tsval);
		p.opts = o;
		p.olen = sizeof(o);
	}
	send_seg(env, &p);
	only(env, &a);
	assert_int_equal(a.flags, F_ACK);
	assert_int_equal(c->state, WS_TCP_TIME_WAIT);
}

/*
 * The same 4-tuple again: refused within 1 s of the peer's last segment,
 * taken over after it with a SYN whose TSval and ISN are above the old
 * ones; the old TCB is gone, the handshake completes, and old duplicates
 * from the peer's previous incarnation change nothing.
 */
static void
test_reuse_same_tuple(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c, *c2;
	uint32_t old_nxt, old_ack, old_tsval, old_pts, pisn2 = PISN + 5000000;
	uint8_t o[16] = { 2, 4, 0x05, 0xb4 };
	struct pseg p;
	struct cseg syn, syn2, s;

	narrow(env, 1);
	c = open_conn(env, PISN, &syn);
	assert_int_equal(syn.sport, TWPORT);
	push(env, c, PISN, 400000);
	elapse(env, 100);
	old_pts = PTS0 + now_ms(env);
	close_to_time_wait(env, c, PISN);
	old_nxt = c->snd_nxt;
	old_ack = c->rcv_nxt;
	old_tsval = c->ts_sent;
	assert_int_equal(app.closed, 1);

	/* At once: the peer spoke less than 1 s ago, and no port is free. */
	assert_null(try_open(env, pisn2, &syn2));
	assert_int_equal(rte_errno, EADDRINUSE);
	assert_int_equal(st(env)->tw_reuse_refused, 1);
	assert_int_equal(st(env)->connect_no_port, 1);
	assert_int_equal(st(env)->tw_reused, 0);
	elapse(env, 999);
	assert_null(try_open(env, pisn2, &syn2));
	assert_int_equal(st(env)->tw_reuse_refused, 2);
	assert_int_equal(st(env)->connect_no_port, 2);
	assert_non_null(lookup(env, TWPORT, PPORT));
	assert_int_equal(lookup(env, TWPORT, PPORT)->state, WS_TCP_TIME_WAIT);

	/* 1 s after the peer's FIN: a new incarnation of the same tuple. */
	elapse(env, 1);
	c2 = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	assert_non_null(c2);
	only(env, &syn2);
	assert_int_equal(syn2.flags, F_SYN);
	assert_int_equal(syn2.sport, TWPORT);
	assert_int_equal(st(env)->tw_reused, 1);
	assert_int_equal(st(env)->tw_reuse_refused, 2);
	assert_int_equal(st(env)->st_time_wait, 0);
	assert_ptr_equal(lookup(env, TWPORT, PPORT), c2);
	assert_int_equal(c2->state, WS_TCP_SYN_SENT);
	/* The old one had said goodbye; it does not again. */
	assert_int_equal(app.closed, 1);
	assert_true(syn2.o.present & WS_TCP_OPT_HAS_TS);
	assert_true(SEQ_GT(syn2.o.tsval, old_tsval));
	/* 1.1 s of ISN clock is 275000: the floor decides, as in Linux. */
	assert_int_equal(syn2.seq, old_nxt + WS_TCP_TW_REUSE_SEQ_GAP);

	/* An old ACK of the peer's in SYN_SENT: at most an RST below. */
	ts_opt(o + 4, old_pts, old_tsval);
	p = (struct pseg){
		.sport = PPORT, .dport = TWPORT, .seq = old_ack,
		.ack = old_nxt, .flags = F_ACK, .wnd = 65535,
		.opts = o + 4, .olen = 12,
	};
	send_seg(env, &p);
	assert_int_equal(c2->state, WS_TCP_SYN_SENT);
	if (ncap(env) != 0) {
		only(env, &s);
		assert_int_equal(s.flags, F_RST);
		assert_int_equal(s.seq, old_nxt);
	}

	/* The handshake completes. */
	ts_opt(o + 4, PTS0 + now_ms(env), syn2.o.tsval);
	p = (struct pseg){
		.sport = PPORT, .dport = TWPORT, .seq = pisn2,
		.ack = syn2.seq + 1, .flags = F_SYN | F_ACK, .wnd = 65535,
		.opts = o, .olen = 16,
	};
	send_seg(env, &p);
	expect_ack(env, syn2.seq + 1, pisn2 + 1);
	assert_int_equal(c2->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.connected, 2);
	assert_ptr_equal(app.conn, c2);

	/* Old data from the previous incarnation: PAWS drops it. */
	ts_opt(o + 4, old_pts, old_tsval);
	p = (struct pseg){
		.sport = PPORT, .dport = TWPORT, .seq = old_ack,
		.ack = old_nxt, .flags = F_ACK | F_PSH, .wnd = 65535,
		.opts = o + 4, .olen = 12, .data = "old", .dlen = 3,
	};
	send_seg(env, &p);
	assert_int_equal(st(env)->drop_paws, 1);
	assert_int_equal(app.rx_len, 0);
	assert_int_equal(c2->state, WS_TCP_ESTABLISHED);
	assert_int_equal(c2->rcv_nxt, pisn2 + 1);
	assert_int_equal(c2->snd_una, syn2.seq + 1);
	ws_test_clear_captured(env);
	finish(env);
	ws_test_assert_no_leak(env);
}

/* A TIME_WAIT that may not be reused: refused, counted, another port. */
static void
expect_not_reused(struct ws_test_env *env)
{
	struct ws_tcp_conn *c, *c2;
	struct cseg syn, syn2;

	narrow(env, 1);
	c = open_conn(env, PISN, &syn);
	close_to_time_wait(env, c, PISN);
	elapse(env, 1500);
	assert_null(try_open(env, PISN + 5000000, &syn2));
	assert_int_equal(rte_errno, EADDRINUSE);
	assert_int_equal(st(env)->tw_reuse_refused, 1);
	assert_int_equal(st(env)->connect_no_port, 1);
	assert_int_equal(st(env)->tw_reused, 0);
	assert_int_equal(lookup(env, TWPORT, PPORT)->state, WS_TCP_TIME_WAIT);

	/* With a second port in the range, that one is taken. */
	env->w.tcp->port_n = 2;
	c2 = open_conn(env, PISN + 5000000, &syn2);
	assert_int_equal(syn2.sport, TWPORT + 1);
	assert_int_equal(st(env)->tw_reused, 0);
	assert_int_equal(lookup(env, TWPORT, PPORT)->state, WS_TCP_TIME_WAIT);
	app.conn = c2;
	finish(env);
	ws_test_assert_no_leak(env);
}

static void
test_no_reuse_without_timestamps(void **state)
{
	struct ws_test_env *env = *state;

	env->w.tcp->cfg.timestamps = false;
	expect_not_reused(env);
}

static void
test_no_reuse_peer_without_timestamps(void **state)
{
	struct ws_test_env *env = *state;

	peer_no_ts = true;
	expect_not_reused(env);
}

static void
test_no_reuse_when_off(void **state)
{
	struct ws_test_env *env = *state;

	env->w.tcp->cfg.tw_reuse = false;
	expect_not_reused(env);
}

/*
 * What users need: one source address, 4 ephemeral ports, and a client
 * that closes first and reconnects every 300 ms. Each port comes round
 * every 1.2 s, inside its 2 s of TIME_WAIT but 1 s after the peer's FIN.
 * Returns how many of 'n' opens succeeded.
 */
static unsigned int
reconnect_loop(struct ws_test_env *env, unsigned int n)
{
	struct ws_tcp_conn *c;
	struct cseg syn;
	unsigned int i;

	narrow(env, 4);
	for (i = 0; i < n; i++) {
		c = try_open(env, PISN + i * 1000000u, &syn);
		if (c == NULL)
			break;
		assert_int_equal(syn.sport, TWPORT + i % 4);
		elapse(env, 10);
		close_to_time_wait(env, c, PISN + i * 1000000u);
		elapse(env, 290);
	}
	elapse(env, 10 * MSL_MS);
	ws_test_clear_captured(env);
	ws_test_assert_no_leak(env);
	return i;
}

static void
test_reconnects_beyond_range(void **state)
{
	struct ws_test_env *env = *state;

	assert_int_equal(reconnect_loop(env, 12), 12);
	assert_int_equal(st(env)->tw_reused, 8);
	assert_int_equal(st(env)->tw_reuse_refused, 0);
	assert_int_equal(st(env)->connect_no_port, 0);
}

static void
test_reconnects_beyond_range_off(void **state)
{
	struct ws_test_env *env = *state;

	env->w.tcp->cfg.tw_reuse = false;
	assert_int_equal(reconnect_loop(env, 12), 4);
	assert_int_equal(rte_errno, EADDRINUSE);
	assert_int_equal(st(env)->tw_reused, 0);
	assert_int_equal(st(env)->tw_reuse_refused, 4);
	assert_int_equal(st(env)->connect_no_port, 1);
}

/*
 * With several workers, only TIME_WAITs on ports whose replies come back
 * to this worker are taken over; the others stay.
 */
static void
test_reuse_keeps_steering(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c[8];
	struct ws_steer steer;
	unsigned int i, owned = 0;
	struct cseg syn;
	uint16_t port;

	narrow(env, 8);
	for (i = 0; i < 8; i++) {
		c[i] = open_conn(env, PISN + i * 1000000u, &syn);
		close_to_time_wait(env, c[i], PISN + i * 1000000u);
	}
	assert_int_equal(st(env)->st_time_wait, 8);
	elapse(env, 1000);
	assert_int_equal(ws_steer_init(&steer, 2, 40, WS_STEER_RETA_SOFT, 64,
		SOCKET_ID_ANY, "twr"), 0);
	for (port = TWPORT; port < TWPORT + 8; port++)
		owned += ws_steer_tcp_owner(&steer, rte_cpu_to_be_32(PEER_IP),
			rte_cpu_to_be_32(US_IP), rte_cpu_to_be_16(PPORT),
			rte_cpu_to_be_16(port)) == 0;
	assert_true(owned > 0 && owned < 8);

	env->w.steer = &steer;
	for (i = 0; i < 8; i++) {
		c[i] = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP),
			PPORT, &app_ops, NULL);
		if (c[i] == NULL)
			break;
		only(env, &syn);
		assert_int_equal(ws_steer_tcp_owner(&steer,
			rte_cpu_to_be_32(PEER_IP), rte_cpu_to_be_32(US_IP),
			rte_cpu_to_be_16(PPORT), rte_cpu_to_be_16(syn.sport)),
			0);
	}
	env->w.steer = NULL;
	assert_int_equal(i, owned);
	assert_int_equal(rte_errno, EADDRINUSE);
	assert_int_equal(st(env)->tw_reused, owned);
	assert_int_equal(st(env)->st_time_wait, 8 - owned);
	while (i-- > 0)
		ws_tcp_abort(c[i]);
	ws_steer_fini(&steer);
	elapse(env, 10 * MSL_MS);
	ws_test_clear_captured(env);
	ws_test_assert_no_leak(env);
}

/* tcp_setup, and the peer agrees to timestamps (a failed test may not
 * have put peer_no_ts back). */
static int
setup(void **state)
{
	peer_no_ts = false;
	return tcp_setup(state);
}

#define TW_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, tcp_teardown)

static const struct CMUnitTest tests[] = {
	TW_TEST(test_reuse_same_tuple),
	TW_TEST(test_no_reuse_without_timestamps),
	TW_TEST(test_no_reuse_peer_without_timestamps),
	TW_TEST(test_no_reuse_when_off),
	TW_TEST(test_reconnects_beyond_range),
	TW_TEST(test_reconnects_beyond_range_off),
	TW_TEST(test_reuse_keeps_steering),
};

WS_TEST_MAIN(tests)
