/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Congestion control behind struct ws_tcp_cc_ops. NewReno: slow start
 * and congestion avoidance (RFC 5681), fast retransmit and recovery with
 * partial ACKs (RFC 6582), initial window IW10 (RFC 6928).
 */

#include <rte_common.h>

#include "ws_tcp_priv.h"

/* RFC 6928: min(10*MSS, max(2*MSS, 14600)). */
static uint32_t
initial_window(const struct ws_tcp_conn *c)
{
	uint32_t mss = c->mss;

	/* RFC 5681 3.1: after a lost SYN or SYN-ACK, one segment. */
	if (c->syn_rtx)
		return mss;
	return ws_min32(10 * mss, ws_max32(2 * mss, 14600u));
}

static void
newreno_init(struct ws_tcp_conn *c)
{
	c->cwnd = initial_window(c);
	/* RFC 5681 3.1: arbitrarily high. */
	c->ssthresh = UINT32_MAX / 2;
	c->bytes_acked = 0;
	c->in_recovery = 0;
	c->dupacks = 0;
}

static void
newreno_on_ack(struct ws_tcp_conn *c, uint32_t acked)
{
	uint32_t mss = c->mss;

	if (c->cwnd < c->ssthresh) {
		/* Slow start: at most one SMSS per ACK (RFC 5681 3.1). */
		c->cwnd += RTE_MIN(acked, mss);
		return;
	}
	/* Congestion avoidance: about one SMSS per RTT (byte counting). */
	c->bytes_acked += acked;
	if (c->bytes_acked >= c->cwnd) {
		c->bytes_acked -= c->cwnd;
		c->cwnd += mss;
	}
}

static uint32_t
half_flight(const struct ws_tcp_conn *c)
{
	/* RFC 5681 eq. 4: max(FlightSize / 2, 2 * SMSS). */
	return RTE_MAX(ws_tcp_flight(c) / 2, 2u * c->mss);
}

static bool
newreno_on_dupack(struct ws_tcp_conn *c)
{
	if (c->in_recovery) {
		/* Each further dup ACK: one more segment left the net. */
		c->cwnd += c->mss;
		return false;
	}
	if (c->dupacks != 3)
		return false;
	/* RFC 6582 3.2 step 2: not again for the same window of data. */
	if (!SEQ_GT(c->snd_una, c->recover))
		return false;
	c->ssthresh = half_flight(c);
	c->cwnd = c->ssthresh + 3u * c->mss;
	c->recover = c->snd_max;
	c->in_recovery = 1;
	return true;
}

static bool
newreno_on_recovery_ack(struct ws_tcp_conn *c, uint32_t acked)
{
	if (SEQ_GEQ(c->snd_una, c->recover)) {
		/* Full ACK: deflate (RFC 6582 3.2 step 3, option 1). */
		c->cwnd = ws_min32(c->ssthresh,
			ws_max32(ws_tcp_flight(c), c->mss) + c->mss);
		c->in_recovery = 0;
		c->bytes_acked = 0;
		return false;
	}
	/* Partial ACK: deflate by what was acked, add back one SMSS. */
	c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
	if (acked >= c->mss)
		c->cwnd += c->mss;
	if (c->cwnd < c->mss)
		c->cwnd = c->mss;
	return true;
}

static void
newreno_on_rto(struct ws_tcp_conn *c)
{
	/* RFC 5681 eq. 4, held for repeated timeouts of one segment. */
	if (c->n_rtx <= 1)
		c->ssthresh = half_flight(c);
	c->cwnd = c->mss;
	c->bytes_acked = 0;
}

/* RFC 5681 4.1: restart from RW = min(IW, cwnd) after an idle RTO. */
static void
newreno_on_idle(struct ws_tcp_conn *c)
{
	uint32_t iw = ws_min32(10u * c->mss,
		ws_max32(2u * c->mss, 14600u));

	if (c->cwnd > iw)
		c->cwnd = iw;
}

const struct ws_tcp_cc_ops ws_tcp_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.on_ack = newreno_on_ack,
	.on_dupack = newreno_on_dupack,
	.on_recovery_ack = newreno_on_recovery_ack,
	.on_rto = newreno_on_rto,
	.on_idle = newreno_on_idle,
};
