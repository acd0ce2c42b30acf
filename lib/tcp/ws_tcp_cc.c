/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Congestion control behind struct ws_tcp_cc_ops: how the window grows
 * and how far it falls on a congestion event. Loss detection and the
 * window during recovery are ws_tcp_in.c's. NewReno: slow start and
 * congestion avoidance (RFC 5681), initial window IW10 (RFC 6928).
 */

#include <string.h>

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
newreno_on_ack(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us)
{
	uint32_t mss = c->mss;

	RTE_SET_USED(rtt_us);
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

static uint32_t
newreno_ssthresh(struct ws_tcp_conn *c)
{
	return half_flight(c);
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
	.ssthresh = newreno_ssthresh,
	.on_rto = newreno_on_rto,
	.on_idle = newreno_on_idle,
};

static const struct ws_tcp_cc_ops *const cc_algorithms[] = {
	&ws_tcp_newreno,
};

const struct ws_tcp_cc_ops *
ws_tcp_cc_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(cc_algorithms); i++)
		if (strcmp(cc_algorithms[i]->name, name) == 0)
			return cc_algorithms[i];
	return NULL;
}
