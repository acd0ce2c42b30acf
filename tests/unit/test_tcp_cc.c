/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Congestion control (ws_tcp_cc.c, ws_tcp_cubic.c): CUBIC's window
 * against RFC 9438's formulas, HyStart++ (RFC 9406), byte counting in
 * slow start (RFC 3465), pacing, the [tcp] congestion key and the
 * per-connection API. The window curves are driven through the
 * algorithm's ops on a real connection with the clock moved by hand
 * (minutes of a connection's life in a few thousand calls); byte
 * counting and pacing through the wire.
 */

#include <errno.h>
#include <math.h>

#include "tcp_harness.h"
#include "ws_tcp_cc.h"

#define MSS 1460u		/* establish(): MSS 1460, no options */
#define SEG(n) ((uint32_t)(n) * MSS)

/* tcp_setup, but new connections get [tcp] congestion = cubic. */
static int
cubic_setup(void **state)
{
	struct ws_test_env *env;
	int ret = ws_test_setup(state);

	if (ret != 0)
		return ret;
	env = *state;
	tcp_configure(env);
	env->cfg.tcp.congestion = WS_TCP_CONGESTION_CUBIC;
	ws_test_env_reinit(env);
	ws_test_learn_peer(env);
	app_reset();
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT, &app_ops, &app),
		0);
	return 0;
}

#define CUBIC_TEST(fn) cmocka_unit_test_setup_teardown(fn, cubic_setup, \
	tcp_teardown)

/* ------------------------------------------------------------------ */
/* RFC 9438's formulas, here in segments and seconds.                  */

#define C_CUBIC 0.4
#define BETA 0.7

static double
k_of(double w_max, double cwnd_epoch)
{
	return cbrt((w_max - cwnd_epoch) / C_CUBIC);
}

static double
w_of(double t, double k, double w_max)
{
	return C_CUBIC * pow(t - k, 3) + w_max;
}

/* ------------------------------------------------------------------ */
/* Driving the ops.                                                    */

struct seqs {
	uint32_t una, nxt, max;
};

static struct seqs
save_seqs(const struct ws_tcp_conn *c)
{
	struct seqs s = { c->snd_una, c->snd_nxt, c->snd_max };

	return s;
}

static void
restore_seqs(struct ws_tcp_conn *c, struct seqs s)
{
	c->snd_una = s.una;
	c->snd_nxt = s.nxt;
	c->snd_max = s.max;
}

/*
 * A congestion event with 'flight' bytes in flight at a window of
 * 'cwnd', then recovery as the loss-recovery code does it (cwnd =
 * ssthresh) and its end. Returns the new ssthresh.
 */
static uint32_t
event(struct ws_tcp_conn *c, uint32_t flight, uint32_t cwnd)
{
	struct seqs s = save_seqs(c);
	uint32_t ssthresh;

	c->cwnd = cwnd;
	c->snd_max = c->snd_una + flight;
	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	ssthresh = c->cc->ssthresh(c);
	restore_seqs(c, s);
	c->ssthresh = ssthresh;
	c->cwnd = ssthresh;
	if (c->cc->on_recovery_exit != NULL)
		c->cc->on_recovery_exit(c);
	return ssthresh;
}

/*
 * Congestion avoidance for 'ms' at an RTT of 'rtt_ms': every 'step_ms'
 * an ACK for step_ms / rtt_ms of the window, so a window is acked per
 * RTT, as from a sender that keeps it full.
 */
static void
drive(struct ws_test_env *env, struct ws_tcp_conn *c, uint32_t ms,
		uint32_t rtt_ms, uint32_t step_ms)
{
	uint32_t t;

	c->srtt_us = rtt_ms * 1000;
	for (t = 0; t < ms; t += step_ms) {
		c->cc->on_ack(c, (uint32_t)((uint64_t)c->cwnd * step_ms /
			rtt_ms), 0);
		ws_test_advance_ms(env, step_ms);
	}
}

/* ------------------------------------------------------------------ */
/* CUBIC.                                                              */

/* RFC 9438 4.6: ssthresh = max(flight_size * 0.7, 2 SMSS), not cwnd. */
static void
test_cubic_ssthresh_beta_flight(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;

	establish(env);
	c = app.conn;
	assert_string_equal(ws_tcp_congestion(c), "cubic");
	assert_int_equal(event(c, SEG(50), SEG(80)), SEG(35));
	assert_int_equal(event(c, SEG(100), SEG(100)), SEG(70));
	assert_int_equal(event(c, SEG(1), SEG(100)), SEG(2));
	finish(env);
}

/*
 * RFC 9438 4.2 figures 1 and 2: after a loss at W_max = 100 segments,
 * cwnd_epoch = 70, K = cbrt(30 / 0.4) = 4.217 s, and W_cubic(t) passes
 * 70 at 0, W_max at K, 130 at 2K.
 */
static void
test_cubic_k_and_window(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	double k = k_of(100, 70);
	double ts[] = { 0, 0.5, 1, 2, k, 5, 2 * k, 10 };
	unsigned int i;

	establish(env);
	c = app.conn;
	assert_int_equal(event(c, SEG(100), SEG(100)), SEG(70));
	assert_int_equal(ws_tcp_cubic_w_max(c), SEG(100));
	/* The epoch begins with congestion avoidance's first ACK. */
	assert_int_equal(ws_tcp_cubic_k_us(c), 0);
	c->srtt_us = 100000;
	c->cc->on_ack(c, MSS, 0);
	assert_true(fabs(ws_tcp_cubic_k_us(c) - k * 1e6) <= 1.0);
	assert_true(fabs(k - 4.2171633) < 1e-6);
	for (i = 0; i < RTE_DIM(ts); i++) {
		double want = w_of(ts[i], k, 100) * MSS;
		uint32_t got = ws_tcp_cubic_w(c, (uint64_t)(ts[i] * 1e6));

		assert_true(fabs(got - want) <= 2.0);
	}
	assert_int_equal(ws_tcp_cubic_w(c, 0), SEG(70));
	assert_true(abs((int)ws_tcp_cubic_w(c, (uint64_t)(2 * k * 1e6)) -
		(int)SEG(130)) <= 2);
	finish(env);
}

/*
 * Acked a window per RTT (100 ms), cwnd follows W_cubic(t): concave up
 * to W_max = 1000 segments at K = 9.09 s, convex past it; W_est (0.53
 * segments per RTT) stays far below, so this is the cubic region.
 */
static void
test_cubic_window_follows_curve(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	double k = k_of(1000, 700);
	double checks[] = { 1, 4, k, 1.5 * k };
	double t = 0;
	unsigned int i;

	establish(env);
	c = app.conn;
	event(c, SEG(1000), SEG(1000));
	for (i = 0; i < RTE_DIM(checks); i++) {
		uint32_t ms = (uint32_t)((checks[i] - t) * 1000) / 10 * 10;
		double want;

		drive(env, c, ms, 100, 10);
		t += ms / 1000.0;
		want = w_of(t, k, 1000) * MSS;
		assert_true(fabs(c->cwnd - want) <= want * 0.01);
		assert_true(ws_tcp_cubic_w_est(c) < c->cwnd);
	}
	/* Grown at most 1.5x per RTT, never beyond W_cubic(t + RTT). */
	assert_true(c->cwnd <= w_of(t + 0.1, k, 1000) * MSS + MSS);
	finish(env);
}

/*
 * RFC 9438 4.3: at a small BDP (W_max 20 segments, RTT 10 ms) Reno's
 * line is above the curve and wins: W_est grows alpha_cubic = 0.53
 * segments per RTT up to cwnd_prior, then 1, and cwnd is W_est: 14 + 6
 * in 11.3 RTTs, then 88.7 more by 1 s, about 108.7 segments, where
 * W_cubic(1 s) is 18.7.
 */
static void
test_cubic_reno_friendly_region(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	double k = k_of(20, 14);

	establish(env);
	c = app.conn;
	assert_int_equal(event(c, SEG(20), SEG(20)), SEG(14));
	drive(env, c, 1000, 10, 1);
	assert_int_equal(c->cwnd, ws_tcp_cubic_w_est(c));
	assert_true(c->cwnd >= SEG(106) && c->cwnd <= SEG(111));
	assert_true(c->cwnd > w_of(1.0, k, 20) * MSS + SEG(80));
	assert_true(ws_tcp_cubic_w(c, 1000000) < SEG(19));
	finish(env);
}

/*
 * RFC 9438 4.7: a loss below the last W_max releases bandwidth,
 * W_max = cwnd * (1 + beta) / 2; at or above it W_max = cwnd.
 */
static void
test_cubic_fast_convergence(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;

	establish(env);
	c = app.conn;
	/* No W_max before the first loss. */
	assert_int_equal(ws_tcp_cubic_w_max(c), 0);
	event(c, SEG(100), SEG(100));
	assert_int_equal(ws_tcp_cubic_w_max(c), SEG(100));
	event(c, SEG(90), SEG(90));
	assert_int_equal(ws_tcp_cubic_w_max(c),
		(uint32_t)(SEG(90) * (1 + BETA) / 2));
	event(c, SEG(120), SEG(120));
	assert_int_equal(ws_tcp_cubic_w_max(c), SEG(120));
	finish(env);
}

/* The event was spurious: W_max as before it. */
static void
test_cubic_undo(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;

	establish(env);
	c = app.conn;
	event(c, SEG(100), SEG(100));
	event(c, SEG(60), SEG(60));
	assert_int_equal(ws_tcp_cubic_w_max(c), (uint32_t)(SEG(60) * 0.85));
	c->cc->undo(c);
	assert_int_equal(ws_tcp_cubic_w_max(c), SEG(100));
	/* The caller restores cwnd; the next epoch aims at 100 again. */
	c->cwnd = c->prior_cwnd;
	c->ssthresh = c->cwnd;	/* (congestion avoidance at once) */
	c->srtt_us = 100000;
	c->cc->on_ack(c, MSS, 0);
	assert_true(fabs(ws_tcp_cubic_k_us(c) - k_of(100, 60) * 1e6) <= 1);
	finish(env);
}

/*
 * RFC 9438 4.8: a timeout sets ssthresh = 0.7 flight and cwnd = 1 SMSS;
 * the congestion avoidance after it starts at its plateau (K = 0,
 * W_max = cwnd then).
 */
static void
test_cubic_rto(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct seqs s;

	establish(env);
	c = app.conn;
	event(c, SEG(100), SEG(100));
	s = save_seqs(c);
	c->cwnd = SEG(80);
	c->snd_max = c->snd_una + SEG(80);
	c->n_rtx = 1;
	c->cc->on_rto(c);
	restore_seqs(c, s);
	c->n_rtx = 0;
	assert_int_equal(c->ssthresh, SEG(56));
	assert_int_equal(c->cwnd, MSS);
	assert_int_equal(ws_tcp_cubic_w_max(c), 0);
	/* Slow start back to ssthresh, then the epoch. */
	c->snd_una += SEG(60);	/* past what was out at the timeout */
	while (c->cwnd < c->ssthresh)
		c->cc->on_ack(c, SEG(4), 0);
	restore_seqs(c, s);
	c->srtt_us = 100000;
	c->cc->on_ack(c, MSS, 0);
	assert_int_equal(ws_tcp_cubic_k_us(c), 0);
	assert_int_equal(ws_tcp_cubic_w_max(c), SEG(56));
	finish(env);
}

/* ------------------------------------------------------------------ */
/* HyStart++ (RFC 9406).                                               */

/*
 * The initial slow start with a sender that keeps the window full and
 * an ACK per segment: RTT samples of 20 ms until 'step_at' bytes are
 * acked, 'rtt_after' ms after. Stops when HyStart++ has ended slow start
 * or 'total' bytes are acked; returns the bytes acked.
 */
static uint32_t
hystart_run(struct ws_test_env *env, struct ws_tcp_conn *c,
		uint32_t step_at, uint32_t rtt_after, uint32_t total)
{
	struct seqs s = save_seqs(c);
	uint32_t acked = 0, rtt_ms;

	c->snd_max = c->snd_una + c->cwnd;
	while (acked < total && c->cwnd < c->ssthresh) {
		rtt_ms = acked < step_at ? 20 : rtt_after;
		c->snd_una += MSS;
		acked += MSS;
		c->cc->on_ack(c, MSS, rtt_ms * 1000);
		if (SEQ_LT(c->snd_max, c->snd_una + c->cwnd))
			c->snd_max = c->snd_una + c->cwnd;
	}
	restore_seqs(c, s);
	RTE_SET_USED(env);
	return acked;
}

/*
 * RTT up from 20 to 30 ms (past max(4 ms, min(20 / 8, 16 ms))): the
 * next round with 8 samples enters CSS (a quarter of the growth), and
 * CSS_ROUNDS rounds later congestion avoidance begins at ssthresh =
 * cwnd, counted in tcp.hystart_exits. NewReno's and CUBIC's alike.
 */
static void
test_hystart_exit_on_rtt_increase(void **state)
{
	static const char *const algs[] = { "cubic", "newreno" };
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	unsigned int i;
	uint32_t acked, cwnd_before;

	establish(env);
	c = app.conn;
	for (i = 0; i < RTE_DIM(algs); i++) {
		/* Back to the initial slow start. */
		assert_int_equal(ws_tcp_set_congestion(c, algs[i]), 0);
		c->cc->init(c);
		assert_int_equal(ws_tcp_ss(c)->hs_state, WS_HS_SS);
		acked = hystart_run(env, c, SEG(100), 30, SEG(100000));
		assert_int_equal(st(env)->hystart_exits, i + 1);
		assert_int_equal(c->ssthresh, c->cwnd);
		assert_int_equal(ws_tcp_ss(c)->hs_state, WS_HS_OFF);
		/*
		 * Standard slow start doubled to about 2 x 100 segments
		 * and more; CSS added a quarter of what was acked after.
		 */
		assert_true(c->cwnd < SEG(10) + acked);
		assert_true(c->cwnd > SEG(200));
		assert_true(c->cwnd < SEG(10) + SEG(310) +
			(acked - SEG(310)) / 4 + SEG(10));
		/* Congestion avoidance from here: no more doubling. */
		cwnd_before = c->cwnd;
		c->cc->on_ack(c, SEG(10), 30000);
		assert_true(c->cwnd <= cwnd_before + SEG(2));
	}
	finish(env);
}

/* A constant RTT: slow start doubles on, ABC, no exit. */
static void
test_hystart_no_exit_without_increase(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	uint32_t acked;

	establish(env);
	c = app.conn;
	acked = hystart_run(env, c, UINT32_MAX, 20, SEG(5000));
	assert_int_equal(acked, SEG(5000));
	assert_int_equal(st(env)->hystart_exits, 0);
	assert_int_equal(c->ssthresh, WS_TCP_SSTHRESH_INIT);
	assert_int_equal(c->cwnd, SEG(10) + acked);
	assert_int_equal(ws_tcp_ss(c)->hs_state, WS_HS_SS);
	finish(env);
}

/*
 * An RTT increase that goes away within CSS was spurious: back to
 * standard slow start (RFC 9406 4.2), no exit.
 */
static void
test_hystart_css_resumes_slow_start(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct ws_tcp_ss *ss;
	struct seqs s;
	uint32_t acked = 0;

	establish(env);
	c = app.conn;
	ss = ws_tcp_ss(c);
	s = save_seqs(c);
	c->snd_max = c->snd_una + c->cwnd;
	/* 20 ms, then 30 ms until CSS, then 20 ms again. */
	while (acked < SEG(20000) && c->cwnd < c->ssthresh) {
		uint32_t rtt = acked < SEG(100) ? 20 :
			ss->hs_state == WS_HS_CSS || acked < SEG(400) ? 30 : 20;

		c->snd_una += MSS;
		acked += MSS;
		c->cc->on_ack(c, MSS, rtt * 1000);
		if (SEQ_LT(c->snd_max, c->snd_una + c->cwnd))
			c->snd_max = c->snd_una + c->cwnd;
		if (ss->hs_state == WS_HS_CSS && acked > SEG(400))
			break;
	}
	restore_seqs(c, s);
	assert_int_equal(ss->hs_state, WS_HS_CSS);
	/* The next round's samples are back at 20 ms. */
	s = save_seqs(c);
	c->snd_max = c->snd_una + c->cwnd;
	for (acked = 0; acked < c->cwnd * 2; acked += MSS) {
		c->snd_una += MSS;
		c->cc->on_ack(c, MSS, 20000);
		if (ss->hs_state == WS_HS_SS)
			break;
	}
	restore_seqs(c, s);
	assert_int_equal(ss->hs_state, WS_HS_SS);
	assert_int_equal(st(env)->hystart_exits, 0);
	assert_int_equal(c->ssthresh, WS_TCP_SSTHRESH_INIT);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Byte counting, on the wire.                                         */

/*
 * The peer acknowledges the 10 segments of the initial window with one
 * (stretch) ACK: cwnd grows by the 10 segments acked, not by one, and
 * 20 segments go out at once. For both algorithms.
 */
static void
abc_stretch_ack(struct ws_test_env *env, const char *alg)
{
	uint32_t iss = establish(env);
	struct ws_tcp_conn *c = app.conn;

	if (alg != NULL)
		assert_int_equal(ws_tcp_set_congestion(c, alg), 0);
	assert_string_equal(ws_tcp_congestion(c),
		alg != NULL ? alg : "newreno");
	assert_int_equal(ws_tcp_send(c, ws_test_pattern(SEG(40)), SEG(40)),
		(int)SEG(40));
	assert_int_equal(ncap(env), 10);
	ws_test_clear_captured(env);
	peer(env, PISN + 1, iss + 1 + SEG(10), F_ACK, 65535, NULL, 0);
	assert_int_equal(c->cwnd, SEG(20));
	assert_int_equal(ncap(env), 20);
	ws_test_clear_captured(env);
	finish(env);
}

static void
test_abc_stretch_ack_newreno(void **state)
{
	abc_stretch_ack(*state, NULL);
}

static void
test_abc_stretch_ack_cubic(void **state)
{
	abc_stretch_ack(*state, "cubic");
}

/*
 * After a timeout, an ACK for data sent before it may cover what the
 * peer held out of order: one SMSS per ACK there (RFC 3465 2.3).
 */
static void
test_abc_after_rto_one_smss(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *c = app.conn;

	assert_int_equal(ws_tcp_send(c, ws_test_pattern(SEG(10)), SEG(10)),
		(int)SEG(10));
	assert_int_equal(ncap(env), 10);
	ws_test_clear_captured(env);
	elapse(env, c->rto_ms);
	assert_int_equal(st(env)->rto_expired, 1);
	assert_int_equal(c->cwnd, MSS);
	ws_test_clear_captured(env);
	peer(env, PISN + 1, iss + 1 + SEG(10), F_ACK, 65535, NULL, 0);
	assert_int_equal(c->cwnd, SEG(2));
	ws_test_clear_captured(env);
	finish(env);
}

/* Congestion avoidance counts bytes too: a window acked, one SMSS. */
static void
test_abc_congestion_avoidance_newreno(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;

	establish(env);
	c = app.conn;
	c->cwnd = SEG(20);
	c->ssthresh = SEG(10);
	c->cc->on_ack(c, SEG(19), 0);
	assert_int_equal(c->cwnd, SEG(20));
	c->cc->on_ack(c, SEG(1), 0);
	assert_int_equal(c->cwnd, SEG(21));
	/* Slow start stops at ssthresh; the rest counts as avoidance. */
	c->cwnd = SEG(8);
	c->bytes_acked = 0;
	c->cc->on_ack(c, SEG(4), 0);
	assert_int_equal(c->cwnd, SEG(10));
	assert_int_equal(c->bytes_acked, SEG(2));
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Pacing.                                                             */

/*
 * 40 segments in a window of 40 at an RTT of 100 ms, in congestion
 * avoidance: 1.2 x 58400 B / 100 ms = 700.8 bytes a millisecond, so
 * the window leaves over about 80 ms, not at once; turned off, the rest
 * goes at once.
 */
static void
test_pacing_spreads_window(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	unsigned int ms, sent, at40 = 0, last = 0;

	establish(env);
	c = app.conn;
	c->srtt_us = 100000;
	c->cwnd = SEG(40);
	c->ssthresh = SEG(20);
	ws_tcp_set_pacing(c, true);
	elapse(env, 10);	/* a full budget: 2 segments */
	assert_int_equal(ws_tcp_send(c, ws_test_pattern(SEG(40)), SEG(40)),
		(int)SEG(40));
	assert_int_equal(ncap(env), 2);
	for (ms = 1; ms <= 200 && ncap(env) < 40; ms++) {
		sent = ncap(env);
		elapse(env, 1);
		assert_true(ncap(env) - sent <= 2);
		if (ms == 40)
			at40 = ncap(env);
		last = ms;
	}
	assert_int_equal(ncap(env), 40);
	/* 2 + 40 x 700.8 / 1460 = 21.2 by 40 ms; all by about 80 ms. */
	assert_true(at40 >= 19 && at40 <= 23);
	assert_true(last >= 75 && last <= 85);
	assert_true(st(env)->paced_waits >= 30);
	ws_test_clear_captured(env);

	/* Off: what is left goes out at once. */
	c->snd_una = c->snd_nxt;	/* (all acked, as far as output cares) */
	ws_tcp_sb_drop(c, SEG(40));
	c->cwnd = SEG(40);
	elapse(env, 10);
	assert_int_equal(ws_tcp_send(c, ws_test_pattern(SEG(20)), SEG(20)),
		(int)SEG(20));
	assert_int_equal(ncap(env), 2);
	ws_tcp_set_pacing(c, false);
	assert_int_equal(ncap(env), 20);
	ws_test_clear_captured(env);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Configuration and API.                                              */

/* [tcp] congestion picks new connections' algorithm. */
static void
test_config_selects_algorithm(void **state)
{
	struct ws_test_env *env = *state;

	establish(env);
	assert_string_equal(ws_tcp_congestion(app.conn), "cubic");
	assert_ptr_equal(app.conn->cc, ws_tcp_cc_find("cubic"));
	finish(env);
}

static void
test_config_newreno(void **state)
{
	struct ws_test_env *env = *state;

	establish(env);
	assert_string_equal(ws_tcp_congestion(app.conn), "newreno");
	finish(env);
}

/*
 * ws_tcp_set_congestion: -ENOENT for an unknown name (nothing changes);
 * on an established connection cwnd and ssthresh stay, the algorithm's
 * state starts afresh.
 */
static void
test_api_set_congestion(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg syn;

	assert_null(ws_tcp_cc_find("bbr"));
	assert_non_null(ws_tcp_cc_find("newreno"));
	establish(env);
	c = app.conn;
	assert_int_equal(ws_tcp_set_congestion(c, "bbr"), -ENOENT);
	assert_int_equal(ws_tcp_set_congestion(c, NULL), -ENOENT);
	assert_int_equal(ws_tcp_set_congestion(c, ""), -ENOENT);
	assert_string_equal(ws_tcp_congestion(c), "cubic");
	event(c, SEG(100), SEG(100));
	c->cwnd = SEG(77);
	assert_int_equal(ws_tcp_set_congestion(c, "newreno"), 0);
	assert_string_equal(ws_tcp_congestion(c), "newreno");
	assert_int_equal(c->cwnd, SEG(77));
	assert_int_equal(c->ssthresh, SEG(70));
	assert_int_equal(ws_tcp_set_congestion(c, "cubic"), 0);
	assert_int_equal(ws_tcp_cubic_w_max(c), 0);
	assert_int_equal(c->cwnd, SEG(77));
	finish(env);

	/* Before the handshake: its init() starts the window. */
	app_reset();
	c = connect_peer(env, &syn);
	assert_int_equal(ws_tcp_set_congestion(c, "newreno"), 0);
	assert_string_equal(ws_tcp_congestion(c), "newreno");
	ws_tcp_abort(c);
	ws_test_clear_captured(env);
	elapse(env, 10 * MSL_MS);
	ws_test_assert_no_leak(env);
}

static const struct CMUnitTest tests[] = {
	CUBIC_TEST(test_cubic_ssthresh_beta_flight),
	CUBIC_TEST(test_cubic_k_and_window),
	CUBIC_TEST(test_cubic_window_follows_curve),
	CUBIC_TEST(test_cubic_reno_friendly_region),
	CUBIC_TEST(test_cubic_fast_convergence),
	CUBIC_TEST(test_cubic_undo),
	CUBIC_TEST(test_cubic_rto),
	CUBIC_TEST(test_hystart_exit_on_rtt_increase),
	CUBIC_TEST(test_hystart_no_exit_without_increase),
	CUBIC_TEST(test_hystart_css_resumes_slow_start),
	TCP_TEST(test_abc_stretch_ack_newreno),
	TCP_TEST(test_abc_stretch_ack_cubic),
	TCP_TEST(test_abc_after_rto_one_smss),
	TCP_TEST(test_abc_congestion_avoidance_newreno),
	TCP_TEST(test_pacing_spreads_window),
	CUBIC_TEST(test_config_selects_algorithm),
	TCP_TEST(test_config_newreno),
	CUBIC_TEST(test_api_set_congestion),
};

WS_TEST_MAIN(tests)
