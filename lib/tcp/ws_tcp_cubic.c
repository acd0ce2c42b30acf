/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * CUBIC (RFC 9438). After a congestion event the window follows
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max		(figure 1)
 *	K = cbrt((W_max - cwnd_epoch) / C)		(figure 2)
 *
 * in segments and seconds, t from the start of the congestion avoidance
 * stage (the epoch), cwnd_epoch the window then; each ACK moves cwnd
 * towards target = W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd]
 * (4.2). Where Reno would be faster, W_est (4.3) wins. We keep windows
 * in bytes (W_cubic * SMSS) and do the per-ACK arithmetic in doubles, a
 * handful of multiplications; the one libm call, cbrt, is made once per
 * epoch. Slow start is ws_tcp_cc.c's (ABC and HyStart++).
 */

#include <assert.h>
#include <math.h>
#include <string.h>

#include <rte_common.h>

#include "ws_tcp_cc.h"
#include "ws_worker.h"

#define CUBIC_C		0.4		/* segments / s^3 */
#define CUBIC_BETA	0.7
/* 4.3: AIMD(alpha, beta) as fair to Reno as AIMD(1, 0.5). */
#define CUBIC_ALPHA	(3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))

/* After the shared slow-start state in cc_priv. */
struct cubic {
	struct ws_tcp_ss ss;
	uint64_t t_epoch;		/* ticks: the epoch began */
	double w_est;			/* bytes: Reno-friendly estimate */
	uint32_t w_max;			/* bytes; 0: undefined, K = 0 */
	uint32_t k_us;			/* K of this epoch */
	uint32_t cwnd_epoch;		/* bytes; 0: no epoch yet */
	uint32_t cwnd_prior;		/* cwnd at the last event */
	/* Before the last congestion event, for undo. */
	uint32_t undo_w_max, undo_cwnd_prior;
};

static_assert(sizeof(struct cubic) <= WS_TCP_CC_PRIV_SIZE,
	"CUBIC's state must fit ws_tcp_conn.cc_priv");

static inline struct cubic *
cubic(struct ws_tcp_conn *c)
{
	return (struct cubic *)(void *)c->cc_priv;
}

static uint32_t
clamp_window(double w)
{
	if (w <= 0)
		return 0;
	if (w >= (double)WS_TCP_SSTHRESH_INIT)
		return WS_TCP_SSTHRESH_INIT;
	return (uint32_t)w;
}

/* Figure 1, in bytes, at t_us after the epoch began. */
static double
w_cubic(const struct cubic *cu, uint32_t mss, uint64_t t_us)
{
	double d = ((double)t_us - (double)cu->k_us) / 1e6;

	return CUBIC_C * d * d * d * mss + cu->w_max;
}

static uint64_t
epoch_elapsed_us(const struct ws_tcp_conn *c, const struct cubic *cu)
{
	return (c->tw->w->now - cu->t_epoch) * 1000 / c->tw->ms_div;
}

/*
 * A congestion avoidance stage begins (after recovery, or when slow
 * start ends). With W_max undefined (no loss yet: HyStart++ ended slow
 * start; or after an RTO, 4.8 and 4.10), or below cwnd (after undo, or
 * a change of algorithm), the curve starts at its plateau: W_max =
 * cwnd, K = 0.
 */
static void
epoch_start(struct ws_tcp_conn *c, struct cubic *cu)
{
	double k;

	cu->t_epoch = c->tw->w->now;
	cu->cwnd_epoch = c->cwnd;
	cu->w_est = c->cwnd;
	c->bytes_acked = 0;
	if (cu->w_max == 0 && cu->cwnd_prior == 0)
		cu->cwnd_prior = c->cwnd;	/* 4.10 */
	if (cu->w_max <= c->cwnd) {
		cu->w_max = c->cwnd;
		cu->k_us = 0;
		return;
	}
	k = cbrt((double)(cu->w_max - c->cwnd) / (CUBIC_C * c->mss));
	cu->k_us = (uint32_t)(k * 1e6);
}

static void
cubic_on_ack(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us)
{
	struct cubic *cu = cubic(c);
	uint32_t mss = c->mss, cwnd, target, rtt;
	uint64_t t_us, need, n;
	double alpha, w;

	if (c->cwnd < c->ssthresh) {
		acked = ws_tcp_slow_start(c, acked, rtt_us);
		if (acked == 0)
			return;
	}
	if (cu->cwnd_epoch == 0)
		epoch_start(c, cu);
	cwnd = c->cwnd;
	t_us = epoch_elapsed_us(c, cu);
	/*
	 * 4.3: W_est grows by alpha_cubic segments per window acked, by 1
	 * once it has passed the window of the last event.
	 */
	alpha = cu->w_est >= cu->cwnd_prior ? 1.0 : CUBIC_ALPHA;
	cu->w_est += alpha * mss * acked / cwnd;
	if (w_cubic(cu, mss, t_us) < cu->w_est) {
		/* The Reno-friendly region: cwnd = W_est. */
		w = cu->w_est;
		if (w > cwnd)
			c->cwnd = clamp_window(w);
		return;
	}
	/* 4.2: aim one RTT ahead, at most 1.5x per RTT. */
	rtt = c->srtt_us != 0 ? c->srtt_us : rtt_us;
	w = w_cubic(cu, mss, t_us + rtt);
	if (w <= cwnd)
		return;
	target = clamp_window(RTE_MIN(w, 1.5 * cwnd));
	if (target <= cwnd)
		return;
	/*
	 * cwnd += (target - cwnd) / cwnd segments per segment acked: one
	 * SMSS for each 'need' bytes acked, the rest carried in
	 * bytes_acked so small steps near the plateau still add up.
	 */
	need = (uint64_t)cwnd * mss / (target - cwnd);
	if (need == 0)
		need = 1;
	c->bytes_acked += acked;
	if (c->bytes_acked < need)
		return;
	n = c->bytes_acked / need;
	c->bytes_acked -= (uint32_t)(n * need);
	c->cwnd = (uint32_t)RTE_MIN((uint64_t)cwnd + n * mss,
		(uint64_t)target);
}

static uint32_t
beta_flight(const struct ws_tcp_conn *c)
{
	/* 4.6: ssthresh = max(flight_size * beta_cubic, 2 * SMSS). */
	return ws_max32((uint32_t)((uint64_t)ws_tcp_flight(c) * 7 / 10),
		2u * c->mss);
}

static void
save_for_undo(struct cubic *cu)
{
	cu->undo_w_max = cu->w_max;
	cu->undo_cwnd_prior = cu->cwnd_prior;
}

static uint32_t
cubic_ssthresh(struct ws_tcp_conn *c)
{
	struct cubic *cu = cubic(c);

	save_for_undo(cu);
	/*
	 * 4.7 fast convergence: a window that peaked below the last W_max
	 * means new flows are taking a share; give some up.
	 */
	if (cu->w_max != 0 && c->cwnd < cu->w_max)
		cu->w_max = (uint32_t)(c->cwnd * (1.0 + CUBIC_BETA) / 2);
	else
		cu->w_max = c->cwnd;
	cu->cwnd_prior = c->cwnd;
	cu->cwnd_epoch = 0;	/* a new one when recovery is over */
	ws_tcp_ss_loss(c);
	return beta_flight(c);
}

static void
cubic_on_recovery_exit(struct ws_tcp_conn *c)
{
	cubic(c)->cwnd_epoch = 0;	/* the epoch begins now */
}

/*
 * 4.8: ssthresh as for a loss, cwnd as Reno; the next congestion
 * avoidance stage starts at its plateau (K = 0, W_max = cwnd then).
 */
static void
cubic_on_rto(struct ws_tcp_conn *c)
{
	struct cubic *cu = cubic(c);

	/* Repeated timeouts of one segment keep the first's values. */
	if (c->n_rtx <= 1) {
		save_for_undo(cu);
		c->ssthresh = beta_flight(c);
		cu->cwnd_prior = c->cwnd;
		cu->w_max = 0;
	}
	c->cwnd = c->mss;
	c->bytes_acked = 0;
	cu->cwnd_epoch = 0;
	ws_tcp_ss_on_rto(c);
}

static void
cubic_on_idle(struct ws_tcp_conn *c)
{
	ws_tcp_cc_restart_window(c);
	/* The curve's clock must not have run while nothing was sent. */
	cubic(c)->cwnd_epoch = 0;
}

/*
 * The event was spurious: W_max and cwnd_prior as before it; a new epoch
 * from the cwnd the caller restores.
 */
static void
cubic_undo(struct ws_tcp_conn *c)
{
	struct cubic *cu = cubic(c);

	cu->w_max = cu->undo_w_max;
	cu->cwnd_prior = cu->undo_cwnd_prior;
	cu->cwnd_epoch = 0;
	cu->ss.after_rto = 0;
}

const struct ws_tcp_cc_ops ws_tcp_cubic = {
	.name = "cubic",
	.init = ws_tcp_cc_init,	/* CUBIC's state starts zeroed */
	.on_ack = cubic_on_ack,
	.ssthresh = cubic_ssthresh,
	.on_recovery_exit = cubic_on_recovery_exit,
	.on_rto = cubic_on_rto,
	.on_idle = cubic_on_idle,
	.undo = cubic_undo,
};

uint32_t
ws_tcp_cubic_k_us(struct ws_tcp_conn *c)
{
	if (c->cc != &ws_tcp_cubic || cubic(c)->cwnd_epoch == 0)
		return 0;
	return cubic(c)->k_us;
}

uint32_t
ws_tcp_cubic_w_max(struct ws_tcp_conn *c)
{
	return c->cc == &ws_tcp_cubic ? cubic(c)->w_max : 0;
}

uint32_t
ws_tcp_cubic_w_est(struct ws_tcp_conn *c)
{
	if (c->cc != &ws_tcp_cubic || cubic(c)->cwnd_epoch == 0)
		return 0;
	return clamp_window(cubic(c)->w_est);
}

uint32_t
ws_tcp_cubic_w(struct ws_tcp_conn *c, uint64_t t_us)
{
	if (c->cc != &ws_tcp_cubic || cubic(c)->cwnd_epoch == 0)
		return 0;
	return clamp_window(w_cubic(cubic(c), c->mss, t_us));
}
