/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Buffer autotuning: a connection's receive and send buffers start at
 * [tcp] rcvbuf and sndbuf and grow, never shrink, toward rcvbuf_max and
 * sndbuf_max as the connection shows it needs them.
 *
 * Receive side, as Linux's dynamic right-sizing (tcp_rcv_space_adjust):
 * once per receiver-measured RTT, compare what the application read in
 * that RTT with what it read in the one before. A reader that keeps up
 * with a sender that is still growing its window needs twice the last
 * RTT's bytes (loss repair) plus room for the sender's growth. A
 * reader that does not read never grows its buffer. Growth stops where
 * the worker's receive pool could not hold the larger window above its
 * reserve (ws_rx_headroom): the window must never invite data that
 * ws_rx_hold_ok would then drop.
 *
 * Send side, as Linux's tcp_sndbuf_expand: when the application was
 * held back by a full buffer while the congestion window was not full,
 * the buffer grows to twice the congestion window (the flight and the
 * next window's worth, so that a window of new data is queued when the
 * ACKs for the last one come back), within half the worker's send
 * budget (memory pressure, sb_may_grow).
 */

#include <rte_common.h>

#include "ws_tcp_priv.h"
#include "ws_worker.h"

/* Extra segments Linux's DRS adds to the window: small variations. */
#define RCV_SPACE_CUSHION_SEGS	16
/* The send buffer is sized for at least this many segments (IW10). */
#define SND_MIN_SEGS		10

static uint64_t
ticks_to_us(const struct ws_tcp_worker *tw, uint64_t ticks)
{
	uint64_t hz = tw->w->clock.hz;

	if (hz == 1000000)
		return ticks;
	return ticks * 1000000 / hz;
}

/*
 * One RTT sample of 'us'. With timestamps the estimate is smoothed
 * (gain 1/8); from window timing ('win_dep') it is the least seen, since
 * a window's time also counts the sender's pauses.
 */
static void
rcv_rtt_update(struct ws_tcp_conn *c, uint32_t us, bool win_dep)
{
	uint32_t est = c->rcv_rtt_us8, m;

	us = ws_max32(ws_min32(us, UINT32_MAX >> 4), 1u);
	if (est == 0 || (win_dep && us << 3 < est)) {
		c->rcv_rtt_us8 = us << 3;
		return;
	}
	if (win_dep)
		return;
	/* est += us - est / 8, in eighths. */
	m = est >> 3;
	c->rcv_rtt_us8 = RTE_MAX(est - m + us, 8u);
}

void
ws_tcp_rcv_rtt_measure(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg,
		uint32_t len)
{
	struct ws_tcp_worker *tw = c->tw;
	uint64_t now = tw->w->now;
	int32_t delta;

	if (c->rcvq_time == 0) {
		/* The first data: what the application reads counts from here. */
		c->rcvq_time = now;
		c->rcvq_seq = c->rcv_nxt - c->rb_len;
		c->rcvq_space = ws_min32(c->rcvbuf, 10u * c->rcv_mss);
	}
	if (c->ts_ok) {
		/*
		 * The peer echoes the TSval of our latest ACK: a full-sized
		 * segment sent in answer to it came one RTT after we sent
		 * that ACK. Smaller segments may have waited for the
		 * application at the peer, and one TSecr gives one sample.
		 */
		if (!(sg->opts.present & WS_TCP_OPT_HAS_TS) ||
				sg->opts.tsecr == 0 ||
				sg->opts.tsecr == c->rcv_rtt_tsecr ||
				len + WS_TCP_OPT_MAX < c->rcv_mss)
			return;
		c->rcv_rtt_tsecr = sg->opts.tsecr;
		delta = (int32_t)(ws_tcp_tsval(c) - sg->opts.tsecr);
		/* Our clock ticks in ms: a sample under one counts as one. */
		if (delta >= 0 && delta < INT32_MAX / 1000)
			rcv_rtt_update(c, (uint32_t)(delta > 0 ? delta : 1) *
				1000, false);
		return;
	}
	/* No timestamps: the time one advertised window takes to arrive. */
	if (c->rcv_rtt_start != 0) {
		if (SEQ_LT(c->rcv_nxt, c->rcv_rtt_seq))
			return;
		rcv_rtt_update(c, (uint32_t)RTE_MIN(ticks_to_us(tw,
			now - c->rcv_rtt_start), (uint64_t)UINT32_MAX),
			true);
	}
	c->rcv_rtt_seq = c->rcv_nxt + (SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0);
	c->rcv_rtt_start = now;
}

/* What the receive pool lets c's buffer grow to: at least c->rcvbuf. */
static uint32_t
rcvbuf_pool_fit(const struct ws_tcp_conn *c, uint32_t want)
{
	uint32_t room = ws_rx_headroom(c->tw->w);
	uint64_t fit;

	if (room == UINT32_MAX)
		return want;
	/* Data held now is out of the pool already; each segment more, an mbuf. */
	fit = (uint64_t)c->rb_len + c->ooo_bytes + (uint64_t)room * c->rcv_mss;
	return fit >= want ? want : (uint32_t)RTE_MAX(fit, (uint64_t)c->rcvbuf);
}

void
ws_tcp_rcvbuf_adjust(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	uint64_t now = tw->w->now, rcvwin, grow;
	uint32_t copied_seq, copied, want, fit;

	if (c->rcv_rtt_us8 == 0 || c->rcvq_time == 0 ||
			ticks_to_us(tw, now - c->rcvq_time) < c->rcv_rtt_us8 >> 3)
		return;
	copied_seq = c->rcv_nxt - c->rb_len;
	copied = copied_seq - c->rcvq_seq;
	if (copied > c->rcvq_space) {
		/* A size the application fixed stays (Linux's lock). */
		if (c->rcvbuf < tw->cfg.rcvbuf_max && !c->rcvbuf_fixed) {
			/*
			 * Twice the last RTT's bytes, so that a loss repaired
			 * within the window does not stall the sender, with
			 * a cushion; then room for the sender's growth: it
			 * grew by copied/space this RTT and our window is for
			 * the next one (Linux's DRS).
			 */
			rcvwin = 2 * (uint64_t)copied +
				RCV_SPACE_CUSHION_SEGS * (uint64_t)c->rcv_mss;
			grow = rcvwin * (copied - c->rcvq_space) /
				RTE_MAX(c->rcvq_space, 1u);
			rcvwin += 2 * grow;
			want = (uint32_t)RTE_MIN(rcvwin,
				(uint64_t)tw->cfg.rcvbuf_max);
			if (want > c->rcvbuf) {
				fit = rcvbuf_pool_fit(c, want);
				if (fit < want)
					tw->st->rcvbuf_pool_limited++;
				if (fit > c->rcvbuf) {
					c->rcvbuf = fit;
					tw->st->rcvbuf_grown++;
				}
			}
		}
		c->rcvq_space = copied;
	}
	c->rcvq_seq = copied_seq;
	c->rcvq_time = now;
}

void
ws_tcp_sndbuf_expand(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	uint32_t want, per, need, room;
	uint64_t target;

	/* Only a buffer that held the application back, ... */
	if (!c->want_writable || c->sndbuf >= tw->cfg.sndbuf_max ||
			c->sndbuf_fixed)
		return;
	/* ... and only while the buffer, not cwnd, limits the flight. */
	if (ws_tcp_flight(c) >= c->cwnd)
		return;
	target = 2 * (uint64_t)ws_max32(c->cwnd, SND_MIN_SEGS * c->mss);
	want = (uint32_t)RTE_MIN(target, (uint64_t)tw->cfg.sndbuf_max);
	/*
	 * In steps of an eighth at least (cwnd grows with every ACK in
	 * slow start): still over 1.7 x cwnd, and growth comes in a few
	 * dozen steps, not one per ACK.
	 */
	if (want <= c->sndbuf || (want < tw->cfg.sndbuf_max &&
			want - c->sndbuf < ws_max32(c->sndbuf / 8, 4u * c->mss)))
		return;
	/* Within half the worker's budget: past it is memory pressure. */
	per = tw->sb_mbuf_bytes;
	need = (want - c->sndbuf + per - 1) / per;
	room = tw->sb_mbufs < tw->sb_budget / 2 ?
		tw->sb_budget / 2 - tw->sb_mbufs : 0;
	if (need > room) {
		tw->st->sndbuf_grow_limited++;
		want = c->sndbuf + room * per;
		if (want <= c->sndbuf)
			return;
	}
	c->sndbuf = want;
	tw->st->sndbuf_grown++;
}
