/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TCP_CC_H
#define WS_TCP_CC_H

/*
 * What the congestion control algorithms (ws_tcp_cc.c: NewReno,
 * ws_tcp_cubic.c: CUBIC) share: slow start with Appropriate Byte
 * Counting (RFC 3465) and HyStart++ (RFC 9406), kept at the start of the
 * TCB's cc_priv; each algorithm's own state follows it there.
 */

#include <stdint.h>

#include "ws_tcp_priv.h"

/* RFC 5681 3.1: the initial ssthresh, "arbitrarily high". */
#define WS_TCP_SSTHRESH_INIT	(UINT32_MAX / 2)

/* RFC 9406 4.3: HyStart++'s constants (RTTs in microseconds). */
#define WS_HS_MIN_RTT_THRESH_US		4000u
#define WS_HS_MAX_RTT_THRESH_US		16000u
#define WS_HS_MIN_RTT_DIVISOR		8u
#define WS_HS_N_RTT_SAMPLE		8u
#define WS_HS_CSS_GROWTH_DIVISOR	4u
#define WS_HS_CSS_ROUNDS		5u

/* Where HyStart++ stands. */
enum ws_tcp_hystart_state {
	WS_HS_OFF = 0,		/* not the initial slow start: plain ABC */
	WS_HS_SS,		/* standard slow start, watching the RTT */
	WS_HS_CSS,		/* Conservative Slow Start */
};

#define WS_HS_RTT_NONE	UINT32_MAX	/* "infinity": no sample yet */

/* Slow start's state: the first bytes of cc_priv for every algorithm. */
struct ws_tcp_ss {
	/*
	 * The slow start after an RTO grows by at most one SMSS per ACK
	 * (RFC 3465 2.3) until snd_una reaches rto_end: ACKs there may
	 * cover data the peer held out of order, which says nothing about
	 * what the path can carry.
	 */
	uint32_t rto_end;
	uint32_t hs_end;		/* the round ends when snd_una passes */
	uint32_t hs_last_min;		/* lastRoundMinRTT, us */
	uint32_t hs_cur_min;		/* currentRoundMinRTT, us */
	uint32_t hs_css_base;		/* cssBaselineMinRtt, us */
	uint8_t hs_samples;		/* rttSampleCount (saturates) */
	uint8_t hs_state;		/* enum ws_tcp_hystart_state */
	uint8_t hs_css_rounds;		/* rounds ended in CSS */
	uint8_t after_rto;		/* rto_end is in force */
};

static inline struct ws_tcp_ss *
ws_tcp_ss(struct ws_tcp_conn *c)
{
	return (struct ws_tcp_ss *)(void *)c->cc_priv;
}

/* Fresh slow-start state; HyStart++ on while ssthresh is the initial. */
void ws_tcp_ss_init(struct ws_tcp_conn *c);
/*
 * A new connection's window (IW10, or one segment after a lost SYN),
 * ssthresh "arbitrarily high", and the algorithm's state zeroed: every
 * algorithm's init.
 */
void ws_tcp_cc_init(struct ws_tcp_conn *c);

/*
 * Slow start for 'acked' newly acknowledged bytes with this ACK's RTT
 * sample 'rtt_us' (0: none): cwnd grows by the bytes acked (ABC), up to
 * ssthresh; HyStart++ may end slow start (ssthresh = cwnd). Returns the
 * bytes left over for congestion avoidance (those past ssthresh).
 */
uint32_t ws_tcp_slow_start(struct ws_tcp_conn *c, uint32_t acked,
		uint32_t rtt_us);

/* A retransmission timeout: HyStart++ is over, ABC's L is one SMSS. */
void ws_tcp_ss_on_rto(struct ws_tcp_conn *c);

/* A congestion event ended slow start: HyStart++ is over. */
static inline void
ws_tcp_ss_loss(struct ws_tcp_conn *c)
{
	ws_tcp_ss(c)->hs_state = WS_HS_OFF;
}

/* RFC 6928 IW, and RFC 5681 4.1's restart window after idle. */
uint32_t ws_tcp_initial_window(const struct ws_tcp_conn *c);
void ws_tcp_cc_restart_window(struct ws_tcp_conn *c);

/*
 * CUBIC's curve for tests and telemetry (ws_tcp_cubic.c). Windows in
 * bytes, times in microseconds.
 */
/* K of the current epoch; 0 when none has begun. */
uint32_t ws_tcp_cubic_k_us(struct ws_tcp_conn *c);
/* W_max; 0 while undefined (before any loss, after an RTO). */
uint32_t ws_tcp_cubic_w_max(struct ws_tcp_conn *c);
/* W_est, the Reno-friendly estimate of the current epoch. */
uint32_t ws_tcp_cubic_w_est(struct ws_tcp_conn *c);
/* W_cubic(t) of the current epoch, t after its start (RFC 9438 fig. 1). */
uint32_t ws_tcp_cubic_w(struct ws_tcp_conn *c, uint64_t t_us);

#endif /* WS_TCP_CC_H */
