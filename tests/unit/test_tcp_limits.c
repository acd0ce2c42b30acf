/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Budgets an attacker could drain or hold, segment by segment
 * (tcp_harness.h): challenge ACKs per connection and per worker
 * (CVE-2016-5696), and orphans behind a zero window (Sockstress).
 */

#include "tcp_harness.h"

#define PA 40001
#define PB 40002
#define PC 40003

/*
 * A connection accepted from the peer's 'sport', which offers window
 * 'wnd'; our ISS in *iss.
 */
static struct ws_tcp_conn *
open_wnd(struct ws_test_env *env, uint16_t sport, uint16_t wnd, uint32_t *iss)
{
	struct ws_tcp_conn *c;

	*iss = syn_from(env, sport, wnd);
	ack_from(env, sport, *iss, wnd);
	expect_none(env);
	c = lookup(env, LPORT, sport);
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	return c;
}

static struct ws_tcp_conn *
open_from(struct ws_test_env *env, uint16_t sport, uint32_t *iss)
{
	return open_wnd(env, sport, 65535, iss);
}

/* An in-window RST that is not at RCV.NXT: a challenge ACK is due. */
static void
rst_in_window(struct ws_test_env *env, uint16_t sport, uint32_t off)
{
	seg_from(env, sport, PISN + 100 + off, 0, F_RST, 0);
}

/* Exactly one challenge ACK, to 'sport', <SEQ=iss+1><ACK=PISN+1>. */
static void
expect_challenge(struct ws_test_env *env, uint16_t sport, uint32_t iss)
{
	struct cseg c;

	only(env, &c);
	assert_int_equal(c.dport, sport);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.ack, PISN + 1);
}

/* Abort 'c' and forget its RST. */
static void
abort_conn(struct ws_test_env *env, struct ws_tcp_conn *c)
{
	ws_tcp_abort(c);
	ncap(env);
	ws_test_clear_captured(env);
}

/* ------------------------------------------------------------------ */
/* Challenge ACKs (RFC 5961 7, CVE-2016-5696).                         */

/*
 * A flood of in-window RSTs at connection A gets A one challenge ACK per
 * interval; it does not drain the worker's budget, so connection B still
 * gets its own. (With one per-worker budget an off-path attacker learns
 * from B's missing ACK that its guess at A was in window.)
 */
static void
test_challenge_ack_per_connection(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss_a, iss_b;
	struct ws_tcp_conn *a = open_from(env, PA, &iss_a);
	struct ws_tcp_conn *b = open_from(env, PB, &iss_b);
	unsigned int i;

	for (i = 0; i < 4 * CHACK; i++)
		rst_in_window(env, PA, i);
	expect_challenge(env, PA, iss_a);
	assert_int_equal(st(env)->rst_challenged, 4 * CHACK);
	assert_int_equal(st(env)->challenge_ack_conn_limited, 4 * CHACK - 1);
	assert_int_equal(st(env)->challenge_ack_limited, 0);
	/* B is not starved by A's flood. */
	rst_in_window(env, PB, 0);
	expect_challenge(env, PB, iss_b);
	assert_int_equal(st(env)->challenge_ack_tx, 2);
	/* A: nothing more until the interval is over ... */
	ws_test_advance_ms(env, CHACK_INTERVAL_MS - 1);
	rst_in_window(env, PA, 0);
	expect_none(env);
	/* ... a new second for the worker's budget too ... */
	ws_test_advance_ms(env, 1000 - (CHACK_INTERVAL_MS - 1));
	rst_in_window(env, PA, 0);
	expect_challenge(env, PA, iss_a);
	/* ... and the same for SYNs (RFC 5961 4.2). */
	seg_from(env, PA, PISN + 10, 0, F_SYN, 65535);
	expect_none(env);
	assert_int_equal(st(env)->challenge_ack_conn_limited, 4 * CHACK + 1);
	assert_int_equal(a->state, WS_TCP_ESTABLISHED);
	assert_int_equal(b->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.closed, 0);
	abort_conn(env, a);
	abort_conn(env, b);
	ws_test_assert_no_leak(env);
}

/*
 * The worker's budget is challenge_ack_per_s / 2 plus a random part up
 * to challenge_ack_per_s, drawn anew each second: an attacker who counts
 * the challenge ACKs he gets cannot tell how many went to others.
 */
static void
test_challenge_ack_budget_randomised(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;
	struct ws_tcp_conn *a = open_from(env, PA, &iss);
	bool seen[3 * CHACK + 1] = { false };
	unsigned int s, i, n, distinct = 0, sent = 0;

	/* Only the worker's budget: no per-connection interval. */
	env->w.tcp->cfg.challenge_ack_interval_ms = 0;
	for (s = 0; s < 30; s++) {
		ws_test_advance_ms(env, 1000);
		for (i = 0; i < 3 * CHACK; i++)
			rst_in_window(env, PA, i);
		n = ncap(env);
		ws_test_clear_captured(env);
		assert_in_range(n, CHACK / 2, CHACK / 2 + CHACK);
		sent += n;
		if (!seen[n])
			distinct++;
		seen[n] = true;
	}
	/* 30 equal draws out of 6 values: about 1 in 10^22. */
	assert_true(distinct >= 2);
	assert_int_equal(st(env)->challenge_ack_tx, sent);
	assert_int_equal(st(env)->challenge_ack_limited, 30 * 3 * CHACK - sent);
	assert_int_equal(st(env)->challenge_ack_conn_limited, 0);
	assert_int_equal(a->state, WS_TCP_ESTABLISHED);
	abort_conn(env, a);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Orphans (Sockstress).                                               */

/*
 * Answer zero-window probes with window 0, each as soon as it comes,
 * for at most 'max' probes or until something else is sent (returned
 * in *other). Returns how many probes came.
 */
static unsigned int
answer_probes(struct ws_test_env *env, uint16_t sport, uint32_t iss,
		unsigned int max, struct cseg *other)
{
	unsigned int probes = 0;
	struct cseg c;

	memset(other, 0, sizeof(*other));
	while (probes < max) {
		/* Backoff is capped at rto_max_ms: one probe a step. */
		elapse(env, env->w.tcp->cfg.rto_max_ms);
		only(env, &c);
		if (c.flags != F_ACK || c.dlen != 0 || c.seq != iss) {
			*other = c;
			break;
		}
		probes++;
		seg_from(env, sport, PISN + 1, iss + 1, F_ACK, 0);
		expect_none(env);
	}
	return probes;
}

/*
 * A connection behind a zero window with 'hello' queued; the window was
 * 'wnd' before.
 */
static struct ws_tcp_conn *
zero_window_wnd(struct ws_test_env *env, uint16_t sport, uint16_t wnd,
		uint32_t *iss)
{
	struct ws_tcp_conn *c = open_wnd(env, sport, wnd, iss);

	seg_from(env, sport, PISN + 1, *iss + 1, F_ACK, 0);
	assert_int_equal(c->snd_wnd, 0);
	assert_int_equal(ws_tcp_send(c, "hello", 5), 5);
	expect_none(env);
	return c;
}

static struct ws_tcp_conn *
zero_window_with_data(struct ws_test_env *env, uint16_t sport, uint32_t *iss)
{
	return zero_window_wnd(env, sport, 65535, iss);
}

/*
 * The application closed with data queued; the peer keeps the window at
 * 0 and answers every probe. After orphan_retries probes the connection
 * is reset (Linux: tcp_orphan_retries), not kept forever.
 */
static void
test_orphan_reset_after_retries(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;
	struct ws_tcp_conn *c = zero_window_with_data(env, PA, &iss);
	struct cseg other;
	unsigned int probes;

	assert_int_equal(ws_tcp_close(c), 0);
	/* The FIN waits behind the data. */
	expect_none(env);
	assert_int_equal(c->state, WS_TCP_FIN_WAIT_1);
	assert_int_equal(st(env)->st_orphans, 1);
	probes = answer_probes(env, PA, iss, 4 * ORPHAN_RETRIES, &other);
	assert_int_equal(probes, ORPHAN_RETRIES);
	assert_int_equal(other.flags, F_RST | F_ACK);
	assert_int_equal(other.seq, iss + 1);
	expect_closed(WS_TCP_CLOSED_TIMEOUT);
	assert_int_equal(st(env)->orphan_reset_retries, 1);
	assert_int_equal(st(env)->orphan_reset_limit, 0);
	assert_int_equal(st(env)->st_orphans, 0);
	assert_int_equal(st(env)->persist_probes, ORPHAN_RETRIES);
	assert_null(lookup(env, LPORT, PA));
	ws_test_assert_no_leak(env);
}

/*
 * Probes before the close do not count, and acknowledged data starts
 * the count again: a slow reader that makes progress is not reset.
 */
static void
test_orphan_retries_count_after_close(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;
	/* A small largest window: 5 bytes are worth sending (MUST-38). */
	struct ws_tcp_conn *c = zero_window_wnd(env, PA, 10, &iss);
	struct cseg other, s;
	unsigned int probes;

	probes = answer_probes(env, PA, iss, ORPHAN_RETRIES, &other);
	assert_int_equal(probes, ORPHAN_RETRIES);
	assert_int_equal(ws_tcp_send(c, " world", 6), 6);
	assert_int_equal(ws_tcp_close(c), 0);
	probes = answer_probes(env, PA, iss, ORPHAN_RETRIES - 1, &other);
	assert_int_equal(probes, ORPHAN_RETRIES - 1);
	/* The peer takes 5 bytes and closes the window again. */
	seg_from(env, PA, PISN + 1, iss + 1, F_ACK, 5);
	only(env, &s);
	assert_int_equal(s.dlen, 5);
	assert_memory_equal(s.data, "hello", 5);
	seg_from(env, PA, PISN + 1, iss + 6, F_ACK, 0);
	expect_none(env);
	probes = answer_probes(env, PA, iss + 5, 4 * ORPHAN_RETRIES, &other);
	assert_int_equal(probes, ORPHAN_RETRIES);
	assert_int_equal(other.flags, F_RST | F_ACK);
	assert_int_equal(st(env)->orphan_reset_retries, 1);
	expect_closed(WS_TCP_CLOSED_TIMEOUT);
	ws_test_assert_no_leak(env);
}

/*
 * A connection the application still holds (here shut down for writing,
 * FIN_WAIT_1 with the FIN behind the data) is no orphan: it is probed as
 * long as the peer answers (RFC 9293 MUST-35/37).
 */
static void
test_not_orphan_persists(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;
	struct ws_tcp_conn *c = zero_window_with_data(env, PA, &iss);
	struct cseg other;
	unsigned int probes;

	assert_int_equal(ws_tcp_shutdown(c), 0);
	assert_int_equal(c->state, WS_TCP_FIN_WAIT_1);
	assert_int_equal(st(env)->st_orphans, 0);
	probes = answer_probes(env, PA, iss, 4 * ORPHAN_RETRIES, &other);
	assert_int_equal(probes, 4 * ORPHAN_RETRIES);
	assert_int_equal(c->state, WS_TCP_FIN_WAIT_1);
	assert_int_equal(app.closed, 0);
	assert_int_equal(st(env)->orphan_reset_retries, 0);
	abort_conn(env, c);
	ws_test_assert_no_leak(env);
}

/*
 * Over orphans_max, a connection closed with data still unsent is reset
 * at once (Linux: tcp_max_orphans); one with nothing left to send still
 * closes gracefully.
 */
static void
test_orphans_max_reset_at_once(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss_a, iss_b, iss_c;
	struct ws_tcp_conn *a = zero_window_with_data(env, PA, &iss_a);
	struct ws_tcp_conn *b = zero_window_with_data(env, PB, &iss_b);
	struct ws_tcp_conn *c = open_from(env, PC, &iss_c);
	struct cseg s;

	env->w.tcp->cfg.orphans_max = 1;
	assert_int_equal(ws_tcp_close(a), 0);
	expect_none(env);
	assert_int_equal(st(env)->st_orphans, 1);
	/* The second orphan with data: reset now. */
	assert_int_equal(ws_tcp_close(b), 0);
	only(env, &s);
	assert_int_equal(s.dport, PB);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.seq, iss_b + 1);
	expect_closed(WS_TCP_CLOSED_ABORTED);
	assert_int_equal(st(env)->orphan_reset_limit, 1);
	assert_null(lookup(env, LPORT, PB));
	assert_int_equal(st(env)->st_orphans, 1);
	/* Nothing queued: the FIN goes, and it is counted as an orphan. */
	app_reset();
	assert_int_equal(ws_tcp_close(c), 0);
	only(env, &s);
	assert_int_equal(s.dport, PC);
	assert_int_equal(s.flags, F_FIN | F_ACK);
	assert_int_equal(st(env)->orphan_reset_limit, 1);
	assert_int_equal(st(env)->st_orphans, 2);
	/* In TIME_WAIT it is no orphan any more. */
	seg_from(env, PC, PISN + 1, iss_c + 2, F_ACK | F_FIN, 65535);
	only(env, &s);
	assert_int_equal(c->state, WS_TCP_TIME_WAIT);
	assert_int_equal(st(env)->st_orphans, 1);
	/* A still orphaned. */
	assert_int_equal(a->state, WS_TCP_FIN_WAIT_1);
	abort_conn(env, a);
	assert_int_equal(st(env)->st_orphans, 0);
	elapse(env, 2 * MSL_MS);
	ws_test_assert_no_leak(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_challenge_ack_per_connection),
	TCP_TEST(test_challenge_ack_budget_randomised),
	TCP_TEST(test_orphan_reset_after_retries),
	TCP_TEST(test_orphan_retries_count_after_close),
	TCP_TEST(test_not_orphan_persists),
	TCP_TEST(test_orphans_max_reset_at_once),
};

WS_TEST_MAIN(tests)
