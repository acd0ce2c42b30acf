/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Congestion control behind struct ws_tcp_cc_ops: how the window grows
 * and how far it falls on a congestion event. Loss detection and the
 * window during recovery are ws_tcp_in.c's. Slow start for all of them
 * here: Appropriate Byte Counting (RFC 3465) and HyStart++ (RFC 9406,
 * the initial slow start of every algorithm, NewReno's too, as the RFC
 * allows). NewReno: congestion avoidance by bytes (RFC 5681), initial
 * window IW10 (RFC 6928). CUBIC: ws_tcp_cubic.c.
 */

#include <string.h>

#include <rte_common.h>

#include "ws_tcp_cc.h"

/* RFC 6928: min(10*MSS, max(2*MSS, 14600)). */
uint32_t
ws_tcp_initial_window(const struct ws_tcp_conn *c)
{
	uint32_t mss = c->mss;

	return ws_min32(10 * mss, ws_max32(2 * mss, 14600u));
}

/* RFC 5681 4.1: restart from RW = min(IW, cwnd) after an idle RTO. */
void
ws_tcp_cc_restart_window(struct ws_tcp_conn *c)
{
	uint32_t iw = ws_tcp_initial_window(c);

	if (c->cwnd > iw)
		c->cwnd = iw;
}

/* ------------------------------------------------------------------ */
/* Slow start: ABC (RFC 3465) and HyStart++ (RFC 9406).                */

void
ws_tcp_ss_init(struct ws_tcp_conn *c)
{
	struct ws_tcp_ss *ss = ws_tcp_ss(c);

	memset(ss, 0, sizeof(*ss));
	/*
	 * RFC 9406 4.1: HyStart++ for the initial slow start only; later
	 * ones stop at the ssthresh a congestion event left.
	 */
	ss->hs_state = c->ssthresh >= WS_TCP_SSTHRESH_INIT ?
		WS_HS_SS : WS_HS_OFF;
	ss->hs_end = c->snd_max;
	ss->hs_last_min = WS_HS_RTT_NONE;
	ss->hs_cur_min = WS_HS_RTT_NONE;
	ss->hs_css_base = WS_HS_RTT_NONE;
}

void
ws_tcp_ss_on_rto(struct ws_tcp_conn *c)
{
	struct ws_tcp_ss *ss = ws_tcp_ss(c);

	ss->hs_state = WS_HS_OFF;
	ss->after_rto = 1;
	ss->rto_end = c->snd_max;
}

/* RFC 9406 4.2: the delay increase that ends standard slow start. */
static uint32_t
hystart_rtt_thresh(uint32_t last_min)
{
	return ws_max32(WS_HS_MIN_RTT_THRESH_US,
		ws_min32(last_min / WS_HS_MIN_RTT_DIVISOR,
			WS_HS_MAX_RTT_THRESH_US));
}

/*
 * RFC 9406 4.2, per ACK in slow start: rounds (a round ends when snd_una
 * passes what was sent when it began), each round's minimum RTT, and the
 * moves between standard slow start, CSS and congestion avoidance.
 */
static void
hystart_ack(struct ws_tcp_conn *c, uint32_t rtt_us)
{
	struct ws_tcp_ss *ss = ws_tcp_ss(c);

	if (SEQ_GEQ(c->snd_una, ss->hs_end)) {
		ss->hs_last_min = ss->hs_cur_min;
		ss->hs_cur_min = WS_HS_RTT_NONE;
		ss->hs_samples = 0;
		ss->hs_end = c->snd_max;
		/*
		 * CSS_ROUNDS whole rounds in CSS (the one it began in is
		 * not whole): the delay increase was real; congestion
		 * avoidance from here.
		 */
		if (ss->hs_state == WS_HS_CSS &&
				++ss->hs_css_rounds > WS_HS_CSS_ROUNDS) {
			ss->hs_state = WS_HS_OFF;
			c->ssthresh = c->cwnd;
			c->tw->st->hystart_exits++;
			return;
		}
	}
	if (rtt_us == 0)
		return;
	ss->hs_cur_min = ws_min32(ss->hs_cur_min, rtt_us);
	if (ss->hs_samples < UINT8_MAX)
		ss->hs_samples++;
	if (ss->hs_samples < WS_HS_N_RTT_SAMPLE ||
			ss->hs_last_min == WS_HS_RTT_NONE)
		return;
	if (ss->hs_state == WS_HS_SS) {
		if (ss->hs_cur_min >= ss->hs_last_min +
				hystart_rtt_thresh(ss->hs_last_min)) {
			ss->hs_css_base = ss->hs_cur_min;
			ss->hs_state = WS_HS_CSS;
			ss->hs_css_rounds = 0;
		}
	} else if (ss->hs_cur_min < ss->hs_css_base) {
		/* The increase was spurious: back to standard slow start. */
		ss->hs_css_base = WS_HS_RTT_NONE;
		ss->hs_state = WS_HS_SS;
	}
}

uint32_t
ws_tcp_slow_start(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us)
{
	struct ws_tcp_ss *ss = ws_tcp_ss(c);
	uint32_t n = acked, room;

	if (ss->hs_state != WS_HS_OFF) {
		if (c->ssthresh < WS_TCP_SSTHRESH_INIT)
			ss->hs_state = WS_HS_OFF;	/* set by an event */
		else
			hystart_ack(c, rtt_us);
		if (c->cwnd >= c->ssthresh)
			return 0;	/* HyStart++ just ended it */
	}
	/*
	 * ABC: the bytes acked, not one SMSS per ACK, so that stretch ACKs
	 * (woshou's one per burst, Linux's after GRO) still double cwnd
	 * per RTT. No L per ACK, as Linux and RFC 9406 with pacing; only
	 * after an RTO is it one SMSS (RFC 3465 2.3).
	 */
	if (ss->after_rto) {
		/* This ACK covers data sent before the timeout. */
		if (SEQ_LT(c->snd_una - acked, ss->rto_end))
			n = ws_min32(n, c->mss);
		if (SEQ_GEQ(c->snd_una, ss->rto_end))
			ss->after_rto = 0;
	}
	if (ss->hs_state == WS_HS_CSS)
		n /= WS_HS_CSS_GROWTH_DIVISOR;
	room = c->ssthresh - c->cwnd;
	if (n <= room) {
		c->cwnd += n;
		return 0;
	}
	c->cwnd = c->ssthresh;
	return ws_min32(n - room, acked);
}

/* ------------------------------------------------------------------ */
/* NewReno: slow start and congestion avoidance (RFC 5681).            */

void
ws_tcp_cc_init(struct ws_tcp_conn *c)
{
	/* RFC 5681 3.1: after a lost SYN or SYN-ACK, one segment. */
	c->cwnd = c->syn_rtx ? c->mss : ws_tcp_initial_window(c);
	c->ssthresh = WS_TCP_SSTHRESH_INIT;
	c->bytes_acked = 0;
	c->in_recovery = 0;
	c->dupacks = 0;
	memset(c->cc_priv, 0, sizeof(c->cc_priv));
	ws_tcp_ss_init(c);
}

static void
newreno_on_ack(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us)
{
	uint32_t mss = c->mss;

	if (c->cwnd < c->ssthresh) {
		acked = ws_tcp_slow_start(c, acked, rtt_us);
		if (acked == 0)
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
	ws_tcp_ss_loss(c);
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
	ws_tcp_ss_on_rto(c);
}

const struct ws_tcp_cc_ops ws_tcp_newreno = {
	.name = "newreno",
	.init = ws_tcp_cc_init,
	.on_ack = newreno_on_ack,
	.ssthresh = newreno_ssthresh,
	.on_rto = newreno_on_rto,
	.on_idle = ws_tcp_cc_restart_window,
};

static const struct ws_tcp_cc_ops *const cc_algorithms[] = {
	&ws_tcp_newreno,
	&ws_tcp_cubic,
};

void
ws_tcp_cc_ack(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us,
		uint32_t prior_flight)
{
	uint32_t used = ws_max32(prior_flight, c->flight_hi);

	if (SEQ_GEQ(c->snd_una, c->flight_round)) {
		/* A round ended: the next one counts from what is out now. */
		c->flight_round = c->snd_max;
		c->flight_hi = ws_tcp_flight(c);
	}
	if (used < c->cwnd / 2) {
		c->tw->st->cwnd_app_limited++;
		return;
	}
	c->cc->on_ack(c, acked, rtt_us);
}

const struct ws_tcp_cc_ops *
ws_tcp_cc_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(cc_algorithms); i++)
		if (strcmp(cc_algorithms[i]->name, name) == 0)
			return cc_algorithms[i];
	return NULL;
}
