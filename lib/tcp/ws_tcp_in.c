/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP input (RFC 9293 3.10.7): validation, demultiplexing, and the event
 * processing of each state, with RFC 5961's defences, RFC 7323's PAWS and
 * RFC 6191's TIME_WAIT reuse. A segment for a listener goes to
 * ws_tcp_listen.c, where passive connections are born. Received payload is never copied: the mbuf
 * is stripped to its payload and chained onto the receive buffer or held
 * in the out-of-order queue.
 */

#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ws_cksum.h"
#include "ws_ipv4.h"
#include "ws_log.h"
#include "ws_mbuf.h"
#include "ws_tcp_priv.h"
#include "ws_worker.h"

/* ------------------------------------------------------------------ */
/* Mbuf chain helpers.                                                 */

/* Remove the first 'n' bytes of a chain; NULL (freed) if nothing is left. */
static struct rte_mbuf *
chain_adj(struct rte_mbuf *m, uint32_t n)
{
	struct rte_mbuf *next;

	while (m != NULL && n != 0 && n >= m->data_len) {
		next = m->next;
		n -= m->data_len;
		if (next != NULL) {
			next->pkt_len = m->pkt_len - m->data_len;
			next->nb_segs = (uint16_t)(m->nb_segs - 1);
		}
		m->next = NULL;
		m->nb_segs = 1;
		m->pkt_len = m->data_len;
		rte_pktmbuf_free(m);
		m = next;
	}
	if (m == NULL)
		return NULL;
	if (n != 0) {
		m->data_off = (uint16_t)(m->data_off + n);
		m->data_len = (uint16_t)(m->data_len - n);
		m->pkt_len -= n;
	}
	return m;
}

/* The payload of 'sg' from 'skip' bytes in, 'len' long; sg->m is taken. */
static struct rte_mbuf *
seg_take_payload(struct ws_tcp_seg *sg, uint32_t skip, uint32_t len)
{
	struct rte_mbuf *m = chain_adj(sg->m, sg->payload_off + skip);

	sg->m = NULL;
	if (m == NULL)
		return NULL;
	if (len == 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	ws_mbuf_trim(m, len);
	return m;
}

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

static uint32_t
seg_space(const struct ws_tcp_seg *sg)
{
	return sg->len + !!(sg->flags & TH_SYN) + !!(sg->flags & TH_FIN);
}

/* RFC 9293 3.10.7.1: the reply to a segment nobody wants. */
void
ws_tcp_reply_rst(struct ws_tcp_worker *tw, const struct ws_tcp_seg *sg)
{
	if (sg->flags & TH_RST)
		return;
	if (sg->flags & TH_ACK)
		ws_tcp_send_rst(tw, &sg->key, sg->ack, 0, TH_RST);
	else
		ws_tcp_send_rst(tw, &sg->key, 0, sg->seq + seg_space(sg),
			TH_RST | TH_ACK);
}

/*
 * The ACK that answers an invalid segment. Only segments without data
 * (pure ACKs, SYNs) can be part of an ACK loop, so only their answers
 * are rate-limited (as Linux's tcp_oow_rate_limited).
 */
static void
invalid_ack(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	struct ws_tcp_worker *tw = c->tw;
	uint64_t now = tw->w->now;

	if (sg->len != 0 && !(sg->flags & TH_SYN)) {
		ws_tcp_send_ack(c);
		return;
	}
	if (c->last_invalid_ack != 0 && now - c->last_invalid_ack <
			(uint64_t)WS_TCP_INVALID_ACK_MS * tw->ms_div) {
		tw->st->invalid_ack_limited++;
		return;
	}
	c->last_invalid_ack = now;
	ws_tcp_send_ack(c);
}

static void
challenge_ack(struct ws_tcp_conn *c)
{
	if (ws_tcp_challenge_ack_allowed(c))
		ws_tcp_send_ack(c);
}

uint16_t
ws_tcp_mss_payload(struct ws_tcp_conn *c, uint32_t mss)
{
	/*
	 * As Linux: a tiny MSS is raised, or with timestamps an MSS under
	 * 12 would leave a negative payload (a huge one in a uint16_t).
	 */
	if (mss < WS_TCP_MIN_SND_MSS) {
		c->tw->st->mss_clamped++;
		mss = WS_TCP_MIN_SND_MSS;
	}
	return (uint16_t)(mss - (c->ts_ok ? 12u : 0u));
}

/* MUST-16: the smaller MSS, less the options on every segment. */
void
ws_tcp_set_send_mss(struct ws_tcp_conn *c)
{
	c->mss = ws_tcp_mss_payload(c, RTE_MIN((uint32_t)c->peer_mss,
		(uint32_t)c->rcv_mss));
}

/* Options a SYN or SYN-ACK settles (RFC 7323, RFC 2018, MUST-14..16). */
static void
negotiate(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	const struct ws_tcp_opts *o = &sg->opts;

	c->ws_ok = c->ws_ok && (o->present & WS_TCP_OPT_HAS_WS);
	c->ts_ok = c->ts_ok && (o->present & WS_TCP_OPT_HAS_TS);
	c->sack_ok = c->sack_ok && (o->present & WS_TCP_OPT_HAS_SACK_OK);
	if (c->ws_ok) {
		/* rcv_shift stays what our SYN offered (ws_tcp_connect_opts). */
		c->snd_shift = o->wscale;
	} else {
		c->snd_shift = 0;
		c->rcv_shift = 0;
	}
	if (c->ts_ok) {
		c->ts_recent = o->tsval;
		c->ts_recent_ms = ws_tcp_now_ms(c->tw);
	}
	/* MUST-15: 536 without the option. */
	c->peer_mss = (o->present & WS_TCP_OPT_HAS_MSS) ? o->mss :
		WS_TCP_DEFAULT_MSS;
	ws_tcp_set_send_mss(c);
}

/*
 * The connection is synchronized by 'sg': window, timers, congestion
 * control. A SYN-ACK's window is never scaled (RFC 7323 2.2); 'syn' says
 * 'sg' was one (in simultaneous open its SYN flag is already gone).
 */
static void
established(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg, bool syn)
{
	struct ws_tcp_worker *tw = c->tw;

	c->snd_wnd = syn ? sg->wnd : (uint32_t)sg->wnd << c->snd_shift;
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = sg->ack;
	c->max_snd_wnd = RTE_MAX(c->max_snd_wnd, c->snd_wnd);
	/*
	 * The handshake's RTT: from the echoed timestamp, which names the
	 * very SYN (-ACK) copy that got through (RFC 7323 4), else timed
	 * from the first SYN unless it was retransmitted (Karn). Without
	 * a sample after a lost SYN, RFC 6298 (5.7): 3 s.
	 */
	if (c->from_cookie) {
		/*
		 * Nothing timed the SYN-ACK, and its TSval had options in
		 * its low bits: no sample; the initial RTO stands until the
		 * first data is acknowledged.
		 */
	} else if (c->ts_ok && (sg->opts.present & WS_TCP_OPT_HAS_TS) &&
			sg->opts.tsecr != 0)
		ws_tcp_rtt_sample(c, (ws_tcp_tsval(c) - sg->opts.tsecr) *
			1000u);
	else if (!c->syn_rtx)
		ws_tcp_rtt_sample(c, (uint32_t)((tw->w->now - c->rtx_first) *
			1000 / tw->ms_div));
	else if (c->rto_ms < WS_TCP_SYN_RTO_MIN_MS)
		c->rto_ms = WS_TCP_SYN_RTO_MIN_MS;
	c->n_rtx = 0;
	c->rtx_first = 0;
	c->rtx_mode = WS_TCP_RTX_NONE;
	ws_tcp_timer_stop(c, &c->rtx_timer);
	c->cc->init(c);
	c->recover = c->snd_una - 1;
	ws_tcp_set_state(c, WS_TCP_ESTABLISHED);
}

/* ------------------------------------------------------------------ */
/* SYN_SENT (RFC 9293 3.10.7.3).                                       */

static void
syn_sent_input(struct ws_tcp_conn *c, struct ws_tcp_seg *sg)
{
	struct ws_tcp_worker *tw = c->tw;
	bool ack_ok = false;

	if (sg->flags & TH_ACK) {
		if (SEQ_LEQ(sg->ack, c->iss) || SEQ_GT(sg->ack, c->snd_max)) {
			WS_DROP(tw->w, tw->st->drop_ack_unsent, sg->m);
			ws_tcp_reply_rst(tw, sg);
			return;
		}
		ack_ok = true;
	}
	if (sg->flags & TH_RST) {
		if (ack_ok) {
			tw->st->rst_rx++;
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_REFUSED);
		}
		return;
	}
	if (!(sg->flags & TH_SYN))
		return;
	if (sg->opts_bad) {
		WS_DROP(tw->w, tw->st->drop_bad_opts, sg->m);
		return;
	}
	c->irs = sg->seq;
	c->rcv_nxt = sg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->last_rx = tw->w->now;
	negotiate(c, sg);
	if (ack_ok) {
		c->snd_una = sg->ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		established(c, sg, true);
		c->ack_now = 1;
		ws_tcp_output(c);
		if (c->ops != NULL && c->ops->connected != NULL)
			c->ops->connected(c);
		return;
	}
	/* MUST-10: simultaneous open. */
	tw->st->simultaneous_opens++;
	c->snd_wnd = sg->wnd;
	c->max_snd_wnd = c->snd_wnd;
	ws_tcp_set_state(c, WS_TCP_SYN_RECEIVED);
	ws_tcp_send_syn(c);
}

/* ------------------------------------------------------------------ */
/* Out-of-order queue (SHLD-31).                                       */

static void
ooo_node_free(struct ws_tcp_worker *tw, struct ws_tcp_ooo *o)
{
	o->next = tw->free_ooo;
	tw->free_ooo = o;
}

bool
ws_tcp_ooo_block(const struct ws_tcp_conn *c, uint32_t seq, uint32_t *left,
		uint32_t *right)
{
	const struct ws_tcp_ooo *o, *last = NULL;
	uint32_t l = 0, r = 0;
	bool run = false;

	for (o = c->ooo; o != NULL && SEQ_LEQ(o->seq, seq); o = o->next) {
		if (!run || o->seq != r) {
			l = o->seq;
			run = true;
		}
		r = o->seq + o->len;
		last = o;
	}
	if (!run || SEQ_GEQ(seq, r))
		return false;
	/* Nodes that continue the block after 'seq'. */
	for (; o != NULL && o->seq == r; o = o->next) {
		r += o->len;
		last = o;
	}
	*left = l;
	/*
	 * A FIN held at the end of the block is in it (its sequence number
	 * is held too), as in Linux's end_seq: a sender whose last segment
	 * carried the FIN sees that segment SACKed whole.
	 */
	*right = r + (last->fin ? 1 : 0);
	return true;
}

/*
 * RFC 2018 4: the block holding 'seq' (the segment that made us ACK)
 * goes first in our SACK options, then the blocks reported most
 * recently; a hint in the same block, or already acknowledged, goes.
 */
static void
sack_note(struct ws_tcp_conn *c, uint32_t seq)
{
	uint32_t hint[WS_TCP_SACK_MAX], left, right, h;
	unsigned int i, n = 0;

	if (!ws_tcp_ooo_block(c, seq, &left, &right))
		return;
	hint[n++] = seq;
	for (i = 0; i < c->n_sack_hint && n < WS_TCP_SACK_MAX; i++) {
		h = c->sack_hint[i];
		if (SEQ_LT(h, c->rcv_nxt) ||
				(SEQ_LEQ(left, h) && SEQ_LT(h, right)))
			continue;
		hint[n++] = h;
	}
	memcpy(c->sack_hint, hint, n * sizeof(hint[0]));
	c->n_sack_hint = (uint8_t)n;
}

/*
 * Out-of-order segments c may hold: [tcp] ooo_segments, or, once
 * autotuning has grown its window past [tcp] rcvbuf, as many as that
 * window holds. A window of 1,500 segments with room for 64 behind a
 * hole made the peer send again all that arrived past the 64th (a Linux
 * client through a lossy path retransmitted a third of its upload). The
 * worker's ooo_worker_segments still bounds them all; one connection
 * takes at most half of it.
 */
static uint32_t
ooo_limit(const struct ws_tcp_conn *c)
{
	const struct ws_tcp_config *cfg = &c->tw->cfg;
	uint32_t n;

	if (cfg->ooo_segments == 0 || c->rcvbuf <= cfg->rcvbuf)
		return cfg->ooo_segments;
	n = c->rcvbuf / ws_max32(c->rcv_mss, WS_TCP_MIN_SND_MSS) + 1;
	n = ws_min32(n, cfg->ooo_worker_segments / 2);
	return ws_max32(n, cfg->ooo_segments);
}

/*
 * Hold 'm' ('len' bytes at 'seq', beyond rcv_nxt; maybe a FIN after it).
 * Existing data wins over the newcomer where they overlap.
 */
static void
ooo_insert(struct ws_tcp_conn *c, uint32_t seq, uint32_t len, bool fin,
		struct rte_mbuf *m)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_ooo **pp = &c->ooo, *o, *n;
	uint32_t end = seq + len, cut;

	/* Skip the ones wholly before; trim against the predecessor. */
	while ((o = *pp) != NULL && SEQ_LEQ(o->seq + o->len, seq))
		pp = &o->next;
	if (o != NULL && SEQ_LEQ(o->seq, seq)) {
		/* o covers our start. */
		cut = o->seq + o->len - seq;
		if (cut >= len) {
			if (fin && o->seq + o->len == end)
				o->fin = true;
			ws_tcp_lr_dsack_note(c, seq, end);
			tw->st->ooo_dup++;
			rte_pktmbuf_free(m);
			return;
		}
		m = chain_adj(m, cut);
		seq += cut;
		len -= cut;
		pp = &o->next;
	}
	/* Trim our tail against the successor. */
	o = *pp;
	if (o != NULL && SEQ_LT(o->seq, end)) {
		len = o->seq - seq;
		end = o->seq;
		fin = false;
		if (len == 0) {
			tw->st->ooo_dup++;
			rte_pktmbuf_free(m);
			return;
		}
		ws_mbuf_trim(m, len);
	}
	if (c->ooo_n >= ooo_limit(c) || tw->free_ooo == NULL) {
		WS_DROP(tw->w, tw->st->ooo_drop_full, NULL);
		rte_pktmbuf_free(m);
		return;
	}
	if (!ws_rx_hold_ok(tw->w, m)) {
		WS_DROP(tw->w, tw->st->drop_rx_reserve, NULL);
		rte_pktmbuf_free(m);
		return;
	}
	n = tw->free_ooo;
	tw->free_ooo = n->next;
	n->seq = seq;
	n->len = len;
	n->fin = fin;
	n->m = m;
	n->next = *pp;
	*pp = n;
	c->ooo_n++;
	c->ooo_bytes += len;
	tw->st->ooo_queued++;
}

/*
 * Give up the highest out-of-order segments until 'm' may be held
 * (Linux's tcp_prune_ofo_queue). In-order data comes first: it is what
 * lets the queue drain. Refusing it while the queue holds the pool
 * deadlocked a connection: the segment at RCV.NXT, resent with backoff,
 * was dropped every time, and nothing else could free the pool. The
 * peer learns of the loss from our SACK blocks, which no longer cover
 * what was given up (RFC 2018 8 allows this), and sends it again.
 */
static void
ooo_prune(struct ws_tcp_conn *c, const struct rte_mbuf *m)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_ooo **pp, *o;

	while (c->ooo != NULL && !ws_rx_hold_ok(tw->w, m)) {
		for (pp = &c->ooo; (*pp)->next != NULL; pp = &(*pp)->next)
			;
		o = *pp;
		*pp = NULL;
		c->ooo_n--;
		c->ooo_bytes -= o->len;
		rte_pktmbuf_free(o->m);
		ooo_node_free(tw, o);
		tw->st->ooo_pruned++;
	}
}

/*
 * Add in-order payload 'm' to the receive buffer. A small payload is
 * copied into the tailroom of the last mbuf, so a peer dribbling tiny
 * segments cannot pin an mbuf per byte; beyond a hard limit of held
 * mbufs the segment is refused (and so not acknowledged). 'held': 'm'
 * comes from the out-of-order queue, which already counted it against
 * the receive pool. Returns false when 'm' was refused and freed.
 */
static bool
rb_append(struct ws_tcp_conn *c, struct rte_mbuf *m, bool held)
{
	struct ws_tcp_worker *tw = c->tw;
	struct rte_mbuf *t = c->rb_tail;
	uint32_t len = m->pkt_len, max_segs, limit = c->rcvbuf;
	bool copy;

	/*
	 * Only data that stays in its received mbuf counts against the
	 * receive pool: a copy into the tail frees the mbuf now.
	 */
	copy = t != NULL && m->nb_segs == 1 &&
		len <= rte_pktmbuf_tailroom(t) && RTE_MBUF_DIRECT(t) &&
		rte_mbuf_refcnt_read(t) == 1;
	if (!copy && !held && !ws_rx_hold_ok(tw->w, m)) {
		ooo_prune(c, m);
		if (!ws_rx_hold_ok(tw->w, m)) {
			WS_DROP(tw->w, tw->st->drop_rx_reserve, NULL);
			rte_pktmbuf_free(m);
			return false;
		}
	}
	if (c->rb_head == NULL) {
		c->rb_head = m;
		c->rb_tail = rte_pktmbuf_lastseg(m);
		c->rb_off = 0;
		c->rb_len = len;
		return true;
	}
	if (copy) {
		memcpy(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len),
			rte_pktmbuf_mtod(m, const uint8_t *), len);
		t->data_len = (uint16_t)(t->data_len + len);
		c->rb_head->pkt_len += len;
		c->rb_len += len;
		tw->st->rb_coalesced++;
		rte_pktmbuf_free(m);
		return true;
	}
	/*
	 * A buffer shrunk by ws_tcp_set_rcvbuf below the window already
	 * offered: what that window lets in is still taken (SHLD-14), so
	 * the limit is as much as is held plus what it leaves (rcv_nxt is
	 * not yet past m).
	 */
	if (unlikely(c->rcvbuf_fixed) && SEQ_GT(c->rcv_adv, c->rcv_nxt))
		limit = ws_max32(limit, c->rb_len + (c->rcv_adv - c->rcv_nxt));
	max_segs = RTE_MAX(limit / WS_TCP_RB_BYTES_PER_SEG, 64u);
	if ((uint32_t)c->rb_head->nb_segs + m->nb_segs > max_segs) {
		WS_DROP(tw->w, tw->st->drop_rb_segs, NULL);
		rte_pktmbuf_free(m);
		return false;
	}
	t->next = m;
	c->rb_head->nb_segs = (uint16_t)(c->rb_head->nb_segs + m->nb_segs);
	c->rb_head->pkt_len += len;
	c->rb_tail = rte_pktmbuf_lastseg(m);
	c->rb_len += len;
	return true;
}

/* Take what the out-of-order queue now continues. Returns FIN seen. */
static bool
ooo_drain(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_ooo *o;
	uint32_t end, skip;
	struct rte_mbuf *m;
	bool fin = false;

	while ((o = c->ooo) != NULL && SEQ_LEQ(o->seq, c->rcv_nxt)) {
		c->ooo = o->next;
		c->ooo_n--;
		c->ooo_bytes -= o->len;
		end = o->seq + o->len;
		m = o->m;
		if (SEQ_GT(end, c->rcv_nxt)) {
			skip = c->rcv_nxt - o->seq;
			if (!rb_append(c, chain_adj(m, skip), true)) {
				/* No room: the peer sends it again. */
				ooo_node_free(tw, o);
				return false;
			}
			c->rcv_nxt = end;
		} else {
			rte_pktmbuf_free(m);
		}
		if (o->fin && end == c->rcv_nxt)
			fin = true;
		ooo_node_free(tw, o);
		if (fin)
			break;
	}
	return fin;
}

/* ------------------------------------------------------------------ */
/* Synchronized states (RFC 9293 3.10.7.4).                            */

static bool
acceptable(const struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	uint32_t wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;
	uint32_t space = seg_space(sg);

	/* Table 6. */
	if (space == 0) {
		if (wnd == 0)
			return sg->seq == c->rcv_nxt;
		return SEQ_LEQ(c->rcv_nxt, sg->seq) &&
			SEQ_LT(sg->seq, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return (SEQ_LEQ(c->rcv_nxt, sg->seq) &&
			SEQ_LT(sg->seq, c->rcv_nxt + wnd)) ||
		(SEQ_LEQ(c->rcv_nxt, sg->seq + space - 1) &&
		 SEQ_LT(sg->seq + space - 1, c->rcv_nxt + wnd));
}

static void
rst_input(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	struct ws_tcp_worker *tw = c->tw;

	/* RFC 5961 3.2: only the exact next sequence resets. */
	if (sg->seq != c->rcv_nxt) {
		tw->st->rst_challenged++;
		challenge_ack(c);
		return;
	}
	tw->st->rst_rx++;
	switch (c->state) {
	case WS_TCP_SYN_RECEIVED:
		if (c->passive) {
			/* MUST-11: back to LISTEN, i.e. forget it. */
			c->app_known = 0;
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_RESET);
		} else {
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_REFUSED);
		}
		break;
	case WS_TCP_TIME_WAIT:
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_NORMAL);
		break;
	case WS_TCP_CLOSING:
	case WS_TCP_LAST_ACK:
		/*
		 * MUST-12: the peer closed with a FIN and has all our data;
		 * a RST now (typically its TIME_WAIT ended before our FIN's
		 * ACK got through) loses nothing and aborts nothing.
		 */
		ws_tcp_conn_drop(c, c->sb_len == 0 ? WS_TCP_CLOSED_NORMAL :
			WS_TCP_CLOSED_RESET);
		break;
	default:
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_RESET);
		break;
	}
}

static bool
ts_recent_stale(const struct ws_tcp_conn *c)
{
	/* RFC 7323 5.5: a TS.Recent idle for 24 days is forgotten. */
	return ws_tcp_now_ms(c->tw) - c->ts_recent_ms > WS_TCP_TS_STALE_MS;
}

/*
 * 'sg' passed the sequence check and its ACK is in range: only now may it
 * move TS.Recent (RFC 7323 4.3; a forged segment acknowledging unsent
 * data would otherwise set it far ahead, and PAWS would drop the real
 * peer for 24 days), and only now does it prove the peer alive to
 * keep-alive and to the persist timer's R2 (junk out of the window must
 * not keep a dead connection).
 */
static void
seg_accepted(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	struct ws_tcp_worker *tw = c->tw;

	c->last_rx = tw->w->now;
	c->ka_probes = 0;
	/* TS.Recent: a segment that covers Last.ACK.sent. */
	if (c->ts_ok && (sg->opts.present & WS_TCP_OPT_HAS_TS) &&
			SEQ_LEQ(sg->seq, c->last_ack_sent) &&
			(SEQ_GEQ(sg->opts.tsval, c->ts_recent) ||
			 ts_recent_stale(c))) {
		c->ts_recent = sg->opts.tsval;
		c->ts_recent_ms = ws_tcp_now_ms(tw);
	}
}

/*
 * Fast retransmit and NewReno fast recovery with partial ACKs (RFC 5681
 * 3.2, RFC 6582): a duplicate ACK (count in c->dupacks). True when the
 * first unacknowledged segment must be retransmitted now.
 */
static bool
recovery_dupack(struct ws_tcp_conn *c)
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
	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	c->ssthresh = c->cc->ssthresh(c);
	c->cwnd = c->ssthresh + 3u * c->mss;
	c->recover = c->snd_max;
	c->in_recovery = 1;
	c->ca_state = WS_TCP_CA_RECOVERY;
	c->tw->st->newreno_recoveries++;
	return true;
}

/*
 * New data acknowledged in recovery: true when the ACK was partial and
 * the next hole must be retransmitted.
 */
static bool
recovery_ack(struct ws_tcp_conn *c, uint32_t acked)
{
	if (SEQ_GEQ(c->snd_una, c->recover)) {
		/* Full ACK: deflate (RFC 6582 3.2 step 3, option 1). */
		c->cwnd = ws_min32(c->ssthresh,
			ws_max32(ws_tcp_flight(c), c->mss) + c->mss);
		c->in_recovery = 0;
		c->ca_state = WS_TCP_CA_OPEN;
		c->bytes_acked = 0;
		if (c->cc->on_recovery_exit != NULL)
			c->cc->on_recovery_exit(c);
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

/* Returns false when the segment must go no further. */
static bool
ack_input(struct ws_tcp_conn *c, struct ws_tcp_seg *sg, bool *acked_new)
{
	struct ws_tcp_worker *tw = c->tw;
	uint32_t acked, data_acked, wnd, rtt_us = 0, prior_una = c->snd_una;

	/* RFC 5961 5.2 (MAY-12): the ACK must be in range. */
	if (SEQ_GT(sg->ack, c->snd_max)) {
		WS_DROP(tw->w, tw->st->drop_ack_unsent, sg->m);
		invalid_ack(c, sg);
		return false;
	}
	if (SEQ_LT(sg->ack, c->snd_una - c->max_snd_wnd)) {
		WS_DROP(tw->w, tw->st->drop_ack_old, sg->m);
		invalid_ack(c, sg);
		return false;
	}
	seg_accepted(c, sg);
	wnd = (uint32_t)sg->wnd << c->snd_shift;
	if (SEQ_GT(sg->ack, c->snd_una)) {
		acked = sg->ack - c->snd_una;
		*acked_new = true;
		/* RTT: timestamps (RFC 7323 4) or one timed segment (Karn). */
		if (c->ts_ok && (sg->opts.present & WS_TCP_OPT_HAS_TS) &&
				sg->opts.tsecr != 0) {
			rtt_us = (ws_tcp_tsval(c) - sg->opts.tsecr) * 1000u;
			ws_tcp_rtt_sample(c, rtt_us);
		} else if (c->rtt_timing && SEQ_GT(sg->ack, c->rtt_seq)) {
			c->rtt_timing = 0;
			rtt_us = (uint32_t)((tw->w->now - c->rtt_start) *
				1000 / tw->ms_div);
			ws_tcp_rtt_sample(c, rtt_us);
		}
		data_acked = RTE_MIN(acked, c->sb_len);
		if (c->shut_wr && acked > data_acked)
			c->fin_acked = 1;
		ws_tcp_sb_drop(c, data_acked);
		c->snd_una = sg->ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->n_rtx = 0;
		c->rtx_first = 0;
		c->una_ts = tw->w->now;	/* progress: R2 anew */
		if (c->sack_ok) {
			/* ws_tcp_lr_ack, below. */
		} else if (c->in_recovery) {
			if (recovery_ack(c, acked)) {
				tw->st->partial_ack_rtx++;
				ws_tcp_retransmit_first(c);
			}
		} else {
			ws_tcp_cc_ack(c, acked, rtt_us, c->snd_max -
				(c->snd_una - acked));
		}
		c->dupacks = 0;
	} else if (sg->ack == c->snd_una && wnd == 0 && c->n_rtx != 0) {
		/*
		 * MUST-37: a zero-window answer to a probe proves the peer
		 * alive, so R2 counts from here.
		 */
		c->rtx_first = tw->w->now;
	} else if (sg->ack == c->snd_una && sg->len == 0 &&
			!(sg->flags & (TH_SYN | TH_FIN)) &&
			wnd == c->snd_wnd && wnd != 0 &&
			c->snd_max != c->snd_una) {
		/* RFC 5681 2: a duplicate ACK. */
		tw->st->dupacks_rx++;
		if (c->dupacks < UINT8_MAX)
			c->dupacks++;
		if (!c->sack_ok && recovery_dupack(c)) {
			tw->st->fast_retransmits++;
			ws_tcp_retransmit_first(c);
		}
	}
	/* SACK peers: the scoreboard, RACK-TLP, PRR (ws_tcp_sack.c). */
	if (c->sack_ok)
		ws_tcp_lr_ack(c, sg, prior_una, rtt_us);
	/*
	 * Window update (RFC 9293 3.10.7.4, fifth, ESTABLISHED), and, as
	 * Linux does, from every segment that acknowledges new data: our
	 * pure ACKs carry SND.MAX, so a retransmission from the peer may
	 * have a lower SEG.SEQ than SND.WL1, and keeping the old window
	 * against the new SND.UNA would overstate the peer's right edge.
	 */
	if (*acked_new || (SEQ_GEQ(sg->ack, c->snd_una) &&
			(SEQ_LT(c->snd_wl1, sg->seq) ||
			 (c->snd_wl1 == sg->seq &&
			  SEQ_LEQ(c->snd_wl2, sg->ack))))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = sg->seq;
		c->snd_wl2 = sg->ack;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
	}
	/*
	 * The window opened while the persist timer backed off (nothing in
	 * flight: the probes' count is all n_rtx holds). As Linux's
	 * tcp_ack_probe, the backoff and R2's start go with the probes, or
	 * the next lost segment would wait RTO max and R2 would count from
	 * the last probe.
	 */
	if (c->snd_wnd != 0 && c->n_rtx != 0 && c->snd_max == c->snd_una) {
		c->n_rtx = 0;
		c->rtx_first = 0;
	}

	switch (c->state) {
	case WS_TCP_FIN_WAIT_1:
		if (c->fin_acked) {
			ws_tcp_set_state(c, WS_TCP_FIN_WAIT_2);
			if (c->app_closed)
				ws_tcp_timer_arm_ms(c, &c->wait_timer,
					2 * tw->cfg.msl_ms);
		}
		break;
	case WS_TCP_CLOSING:
		if (c->fin_acked)
			ws_tcp_enter_time_wait(c);
		break;
	case WS_TCP_LAST_ACK:
		if (c->fin_acked) {
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_NORMAL);
			return false;
		}
		break;
	default:
		break;
	}
	return true;
}

static void
fin_input(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	bool tell = c->app_known && !c->app_closed && !c->fin_rcvd;

	if (c->fin_rcvd) {
		/* CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT: a repeat. */
		c->ack_now = 1;
		if (c->state == WS_TCP_TIME_WAIT)
			ws_tcp_timer_arm_ms(c, &c->wait_timer,
				2 * tw->cfg.msl_ms);
		return;
	}
	c->rcv_nxt++;
	c->fin_rcvd = 1;
	c->ack_now = 1;
	tw->st->fin_rx++;
	switch (c->state) {
	case WS_TCP_SYN_RECEIVED:
	case WS_TCP_ESTABLISHED:
		ws_tcp_set_state(c, WS_TCP_CLOSE_WAIT);
		break;
	case WS_TCP_FIN_WAIT_1:
		if (c->fin_acked) {
			ws_tcp_send_ack(c);
			ws_tcp_enter_time_wait(c);
			tell = false;
		} else {
			ws_tcp_set_state(c, WS_TCP_CLOSING);
		}
		break;
	case WS_TCP_FIN_WAIT_2:
		ws_tcp_send_ack(c);
		if (tell && c->ops != NULL && c->ops->peer_closed != NULL)
			c->ops->peer_closed(c);
		if (!c->dead)
			ws_tcp_enter_time_wait(c);
		return;
	case WS_TCP_TIME_WAIT:
		ws_tcp_timer_arm_ms(c, &c->wait_timer, 2 * tw->cfg.msl_ms);
		return;
	default:
		return;
	}
	if (tell && c->ops != NULL && c->ops->peer_closed != NULL)
		c->ops->peer_closed(c);
}

/* Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2, MUST-40, SHLD-19). */
static void
ack_policy(struct ws_tcp_conn *c, uint32_t len)
{
	if (len >= c->rcv_mss / 2 || len >= 536)
		c->rcv_segs_unacked++;
	if (c->rcv_segs_unacked >= 2 || c->tw->cfg.delack_ms == 0) {
		c->ack_now = 1;
		return;
	}
	if (!c->ack_delayed) {
		c->ack_delayed = 1;
		ws_tcp_timer_arm_ms(c, &c->delack_timer, c->tw->cfg.delack_ms);
	}
}

/*
 * In-window data at 'skip' bytes into the segment. '*fin' says whether
 * the segment carries a FIN; on return it says whether a FIN is now due
 * at RCV.NXT (the segment's own, or one held out of order).
 */
static void
data_input(struct ws_tcp_conn *c, struct ws_tcp_seg *sg, uint32_t skip, bool *fin)
{
	struct ws_tcp_worker *tw = c->tw;
	uint32_t len = sg->len - skip, seq = sg->seq + skip;
	struct rte_mbuf *m;
	bool had_ooo = c->ooo != NULL;

	tw->st->data_segs_rx++;
	tw->st->data_bytes_rx += len;
	/* New data: the application's idle count starts over. */
	c->idle_base = tw->w->now;
	m = seg_take_payload(sg, skip, len);
	if (seq != c->rcv_nxt) {
		/*
		 * A hole before it: hold it and send a duplicate ACK at once
		 * (RFC 5681 4.2), one per segment even inside a burst: the
		 * sender counts them for fast retransmit.
		 */
		ooo_insert(c, seq, len, *fin, m);
		sack_note(c, seq);
		*fin = false;
		tw->st->dupacks_tx++;
		ws_tcp_send_ack(c);
		return;
	}
	if (m == NULL || !rb_append(c, m, false)) {
		*fin = false;
		return;
	}
	c->rcv_nxt += len;
	ws_tcp_rcv_rtt_measure(c, sg, len);
	if (had_ooo) {
		if (ooo_drain(c))
			*fin = true;
		else if (c->rcv_nxt != seq + len)
			*fin = false;
		/* Gap filled (or still holes): ACK now. */
		c->ack_now = 1;
	} else {
		ack_policy(c, len);
	}
}

static bool
paws_reject(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	if (!c->ts_ok || (sg->flags & TH_RST) ||
			!(sg->opts.present & WS_TCP_OPT_HAS_TS))
		return false;
	if (!SEQ_LT(sg->opts.tsval, c->ts_recent))
		return false;
	/*
	 * A stale TS.Recent rejects nothing; an acceptable segment
	 * replaces it (seg_accepted).
	 */
	return !ts_recent_stale(c);
}

void
ws_tcp_conn_input(struct ws_tcp_conn *c, struct ws_tcp_seg *sg)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_listener *l;
	uint32_t wnd, skip = 0, cut;
	bool acked_new = false, fin, synack = false;

	if (c->state == WS_TCP_SYN_SENT) {
		syn_sent_input(c, sg);
		goto out;
	}
	/* The peer did not hear our SYN-ACK and sends its SYN again. */
	if (c->state == WS_TCP_SYN_RECEIVED &&
			(sg->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
			sg->seq == c->irs) {
		tw->st->synack_retransmits++;
		ws_tcp_send_syn(c);
		goto out;
	}
	/*
	 * Simultaneous open (MUST-10): the peer's SYN-ACK repeats its SYN
	 * and acknowledges ours. Its SYN is old news; its ACK completes
	 * the handshake now rather than after our retransmission.
	 */
	if (c->state == WS_TCP_SYN_RECEIVED && !c->passive &&
			(sg->flags & (TH_SYN | TH_ACK | TH_RST)) ==
			(TH_SYN | TH_ACK) && sg->seq == c->irs &&
			SEQ_GT(sg->ack, c->snd_una) &&
			SEQ_LEQ(sg->ack, c->snd_max)) {
		sg->flags &= (uint8_t)~TH_SYN;
		sg->seq++;
		c->ack_now = 1;
		synack = true;
	}
	/*
	 * RFC 7323 3.2: after negotiation every non-RST segment has TS
	 * and one without it is dropped, unless the operator chose
	 * Linux's tolerance (no PAWS for it, no TS.Recent from it).
	 */
	if (c->ts_ok && !(sg->flags & TH_RST) &&
			!(sg->opts.present & WS_TCP_OPT_HAS_TS) &&
			c->state != WS_TCP_SYN_RECEIVED) {
		if (tw->cfg.timestamps_strict) {
			WS_DROP(tw->w, tw->st->drop_no_ts, sg->m);
			goto out;
		}
		tw->st->no_ts_accepted++;
	}
	/* RFC 7323 5.3 R1: PAWS. */
	if (paws_reject(c, sg)) {
		WS_DROP(tw->w, tw->st->drop_paws, sg->m);
		invalid_ack(c, sg);
		goto out;
	}
	/* First: sequence number (Table 6). */
	if (!acceptable(c, sg)) {
		WS_DROP(tw->w, tw->st->drop_unacceptable, sg->m);
		if (c->state == WS_TCP_TIME_WAIT && (sg->flags & TH_FIN)) {
			/* The peer missed our last ACK: always answer. */
			ws_tcp_send_ack(c);
			ws_tcp_timer_arm_ms(c, &c->wait_timer,
				2 * tw->cfg.msl_ms);
		} else if (!(sg->flags & TH_RST)) {
			/* Data we have: a duplicate (RFC 2883). */
			if (sg->len != 0 &&
					SEQ_LEQ(sg->seq + sg->len, c->rcv_nxt))
				ws_tcp_lr_dsack_note(c, sg->seq,
					sg->seq + sg->len);
			invalid_ack(c, sg);
		}
		goto out;
	}
	/* Second: RST. */
	if (sg->flags & TH_RST) {
		rst_input(c, sg);
		goto out;
	}
	/* Fourth: SYN in a synchronized state (RFC 5961 4.2). */
	if (sg->flags & TH_SYN) {
		tw->st->syn_challenged++;
		challenge_ack(c);
		goto out;
	}
	/* Fifth: ACK. */
	if (!(sg->flags & TH_ACK)) {
		WS_DROP(tw->w, tw->st->drop_no_ack, sg->m);
		goto out;
	}
	if (c->state == WS_TCP_SYN_RECEIVED) {
		if (SEQ_LEQ(sg->ack, c->snd_una) ||
				SEQ_GT(sg->ack, c->snd_max)) {
			ws_tcp_reply_rst(tw, sg);
			goto out;
		}
		seg_accepted(c, sg);
		c->snd_una = sg->ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		l = c->listener;
		ws_tcp_half_open_done(c);
		c->listener = NULL;
		established(c, sg, synack);
		if (c->passive) {
			int ret = 0;

			tw->st->passive_opens++;
			c->app_known = 1;
			if (c->ops != NULL && c->ops->accepted != NULL)
				ret = c->ops->accepted(c,
					l != NULL ? l->arg : NULL);
			if (c->dead)
				goto out;
			if (ret < 0) {
				tw->st->conn_refused_by_app++;
				c->app_known = 0;
				ws_tcp_send_rst_conn(c);
				ws_tcp_conn_drop(c, WS_TCP_CLOSED_ABORTED);
				goto out;
			}
		} else if (c->ops != NULL && c->ops->connected != NULL) {
			c->ops->connected(c);
			if (c->dead)
				goto out;
		}
	} else if (!ack_input(c, sg, &acked_new) || c->dead) {
		if (!c->dead)
			ws_tcp_output(c);
		goto out;
	}
	if (c->state == WS_TCP_TIME_WAIT) {
		/* Only a retransmitted FIN belongs here (handled above). */
		goto out;
	}

	/* Trim to the window: what is before rcv_nxt, what is after. */
	fin = (sg->flags & TH_FIN) != 0;
	if (SEQ_LT(sg->seq, c->rcv_nxt)) {
		skip = c->rcv_nxt - sg->seq;
		if (skip > sg->len) {
			/* A retransmitted FIN we already have. */
			skip = sg->len;
			fin = false;
			c->ack_now = 1;
		}
	}
	wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (sg->len > skip && SEQ_GT(sg->seq + sg->len, c->rcv_nxt + wnd)) {
		cut = sg->seq + sg->len - (c->rcv_nxt + wnd);
		sg->len = cut >= sg->len - skip ? skip : sg->len - cut;
		fin = false;
		c->ack_now = 1;
	}

	/* Seventh: data. */
	if (sg->len > skip && skip != 0)
		/* RFC 2883: what was here already is reported. */
		ws_tcp_lr_dsack_note(c, sg->seq, c->rcv_nxt);
	if (sg->len > skip) {
		switch (c->state) {
		case WS_TCP_ESTABLISHED:
		case WS_TCP_FIN_WAIT_1:
		case WS_TCP_FIN_WAIT_2:
			if (c->app_closed) {
				/* SHLD-3: nobody will read this. */
				WS_DROP(tw->w, tw->st->drop_data_after_close, sg->m);
				ws_tcp_send_rst_conn(c);
				ws_tcp_conn_drop(c, WS_TCP_CLOSED_ABORTED);
				goto out;
			}
			data_input(c, sg, skip, &fin);
			ws_tcp_deliver(c);
			if (c->dead)
				goto out;
			break;
		default:
			/* After the peer's FIN there is no more data. */
			fin = false;
			break;
		}
	} else if (skip != 0 && sg->len != 0) {
		/* A pure duplicate: the peer missed our ACK. */
		tw->st->dup_data_rx++;
		ws_tcp_lr_dsack_note(c, sg->seq, sg->seq + sg->len);
		c->ack_now = 1;
	}

	/* Eighth: FIN, in order only (held ones came through data_input). */
	if (fin && (sg->len > skip || sg->seq + sg->len == c->rcv_nxt)) {
		fin_input(c);
	} else if (fin && sg->len == 0 && SEQ_GT(sg->seq, c->rcv_nxt)) {
		/*
		 * A bare FIN beyond a hole: a duplicate ACK at once, as for
		 * out-of-order data (RFC 5681 4.2). It is not held; the
		 * peer sends it again once the hole is filled.
		 */
		tw->st->dupacks_tx++;
		ws_tcp_send_ack(c);
	}
	if (c->dead)
		goto out;
	ws_tcp_output(c);
out:
	if (!c->dead)
		ws_tcp_after_input(c, acked_new);
}

/* ------------------------------------------------------------------ */
/* Validation and demultiplexing.                                      */

static bool
cksum_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		uint32_t l4off, uint32_t l4len)
{
	uint64_t flags = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint16_t raw;
	uint32_t sum;

	if (flags == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	if (flags == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (ws_raw_cksum_mbuf(m, l4off, l4len, &raw) < 0)
		return false;
	sum = (uint32_t)raw + ws_ipv4_phdr_sum(ip);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* RFC 6191: a new SYN may take over a TIME_WAIT 4-tuple. */
static bool
time_wait_reusable(const struct ws_tcp_conn *c, const struct ws_tcp_seg *sg)
{
	if ((sg->flags & (TH_SYN | TH_ACK | TH_RST | TH_FIN)) != TH_SYN)
		return false;
	if (c->ts_ok && (sg->opts.present & WS_TCP_OPT_HAS_TS))
		return SEQ_GT(sg->opts.tsval, c->ts_recent);
	return SEQ_GT(sg->seq, c->rcv_nxt);
}

void
ws_tcp_input_segment(struct ws_tcp_worker *tw, struct rte_mbuf *m)
{
	struct ws_worker *w = tw->w;
	struct ws_tcp_stats *st = tw->st;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	struct ws_tcp_listener *l;
	struct ws_tcp_conn *c;
	uint64_t *counter;
	uint32_t l4off = m->l2_len + m->l3_len, l4len, thl;
	struct ws_tcp_seg sg;

	sg.m = m;
	st->rx++;
	l4len = rte_pktmbuf_pkt_len(m) - l4off;
	if (unlikely(rte_pktmbuf_pkt_len(m) < l4off ||
			l4len < WS_TCP_HDR_LEN ||
			rte_pktmbuf_data_len(m) < l4off + WS_TCP_HDR_LEN)) {
		counter = &st->drop_short;
		goto bad;
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		m->l2_len);
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, l4off);
	thl = (uint32_t)(th->data_off >> 4) * 4;
	if (unlikely(thl < WS_TCP_HDR_LEN || thl > l4len)) {
		counter = &st->drop_bad_doff;
		goto bad;
	}
	if (unlikely(rte_pktmbuf_data_len(m) < l4off + thl)) {
		/* The header is split over segments: not worth a copy. */
		counter = &st->drop_short;
		goto bad;
	}
	/* MUST-57: TCP is unicast. */
	if (unlikely(!ws_iface_is_local(w->iface, ip->dst_addr))) {
		counter = &st->drop_broadcast;
		goto bad;
	}
	/* MUST-3. */
	if (unlikely(!cksum_ok(m, ip, l4off, l4len))) {
		counter = &st->drop_cksum;
		goto bad;
	}

	sg.key.raddr = ip->src_addr;
	sg.key.laddr = ip->dst_addr;
	sg.key.rport = th->src_port;
	sg.key.lport = th->dst_port;
	sg.seq = rte_be_to_cpu_32(th->sent_seq);
	sg.ack = rte_be_to_cpu_32(th->recv_ack);
	sg.wnd = rte_be_to_cpu_16(th->rx_win);
	sg.flags = th->tcp_flags & (TH_FIN | TH_SYN | TH_RST | TH_PSH |
		TH_ACK | TH_URG);
	sg.payload_off = l4off + thl;
	sg.len = l4len - thl;
	/* MUST-5: options in any segment. */
	sg.opts_bad = ws_tcp_opts_parse((const uint8_t *)(th + 1),
		thl - WS_TCP_HDR_LEN, &sg.opts) < 0;
	if (sg.opts_bad)
		st->bad_opts_rx++;
	if (unlikely(th->src_port == 0 || th->dst_port == 0)) {
		counter = &st->drop_port_zero;
		goto bad;
	}

	c = ws_tcp_lookup(tw, &sg.key);
	if (c != NULL && c->state == WS_TCP_TIME_WAIT &&
			time_wait_reusable(c, &sg) &&
			ws_tcp_find_listener(tw,
				rte_be_to_cpu_16(sg.key.lport)) != NULL) {
		st->time_wait_reused++;
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_NORMAL);
		c = NULL;
	}
	if (c != NULL) {
		ws_tcp_conn_hold(c);
		ws_tcp_conn_input(c, &sg);
		ws_tcp_conn_release(c);
		goto drop;
	}
	l = ws_tcp_find_listener(tw, rte_be_to_cpu_16(sg.key.lport));
	if (l != NULL) {
		ws_tcp_listen_input(tw, l, &sg);
		goto drop;
	}
	/* RFC 9293 3.10.7.1: CLOSED. */
	if (!(sg.flags & TH_RST))
		WS_DROP(w, st->rst_no_conn, m);
	ws_tcp_reply_rst(tw, &sg);
drop:
	/* NULL when the payload went into a buffer. */
	rte_pktmbuf_free(sg.m);
	return;
bad:
	WS_DROP_FREE(w, *counter, m);
}

/* ------------------------------------------------------------------ */
/* ICMP errors (RFC 9293 3.9.2.2, RFC 5927).                           */

#define ICMP_DEST_UNREACH	3
#define ICMP_UNREACH_PROTO	2
#define ICMP_UNREACH_PORT	3
#define ICMP_UNREACH_NEEDFRAG	4

void
ws_tcp_icmp_error(struct ws_worker *w, uint8_t type, uint8_t code,
		uint16_t mtu, const void *quoted, uint32_t len)
{
	struct ws_tcp_worker *tw = w->tcp;
	const uint8_t *p = quoted;
	const struct rte_ipv4_hdr *ip = quoted;
	struct ws_tcp_conn *c;
	struct ws_tcp_key key;
	uint32_t ihl, seq, mss;

	if (len < sizeof(*ip))
		goto unmatched;
	ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (ihl < sizeof(*ip) || len < ihl + 8 ||
			ip->next_proto_id != IPPROTO_TCP ||
			!ws_iface_is_local(w->iface, ip->src_addr))
		goto unmatched;
	/* The quoted segment went from us to the peer. */
	key.laddr = ip->src_addr;
	key.raddr = ip->dst_addr;
	memcpy(&key.lport, p + ihl, 2);
	memcpy(&key.rport, p + ihl + 2, 2);
	memcpy(&seq, p + ihl + 4, 4);
	seq = rte_be_to_cpu_32(seq);
	c = ws_tcp_lookup(tw, &key);
	/* RFC 5927 4.1: only for a sequence number in flight. */
	if (c == NULL || SEQ_LT(seq, c->snd_una) ||
			SEQ_GEQ(seq, c->snd_max))
		goto unmatched;
	if (type == ICMP_DEST_UNREACH && code == ICMP_UNREACH_NEEDFRAG) {
		/* RFC 1191: only a datagram sent with DF can be too big. */
		if ((ip->fragment_offset &
				rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) == 0) {
			WS_DROP(w, tw->st->drop_icmp_pmtu_no_df, NULL);
			return;
		}
		tw->st->icmp_pmtu++;
		/*
		 * A forged MTU of 68 would leave 16-byte segments. Like
		 * Linux's min_pmtu, use the floor and clear DF instead: a
		 * real path that small gets fragments, a forger gets 512.
		 * 0 (a router before RFC 1191) is below it too.
		 */
		if (mtu < w->cfg->ip.pmtu_min) {
			tw->st->icmp_pmtu_below_floor++;
			mtu = (uint16_t)w->cfg->ip.pmtu_min;
			c->pmtu_no_df = 1;
		}
		if (mtu < w->iface->mtu) {
			mss = ws_tcp_mss_payload(c, mtu - 40u);
			if (mss < c->mss)
				c->mss = (uint16_t)mss;
		}
		return;
	}
	if (type == ICMP_DEST_UNREACH && (code == ICMP_UNREACH_PROTO ||
			code == ICMP_UNREACH_PORT) &&
			c->state == WS_TCP_SYN_SENT) {
		/* SHLD-26 for a connection that never got going. */
		tw->st->icmp_hard++;
		ws_tcp_conn_hold(c);
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_UNREACHABLE);
		ws_tcp_conn_release(c);
		return;
	}
	/* MUST-56: soft errors never abort. */
	tw->st->icmp_soft++;
	return;
unmatched:
	WS_DROP(tw->w, tw->st->drop_icmp_unmatched, NULL);
}
