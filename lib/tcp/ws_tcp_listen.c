/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * LISTEN (RFC 9293 3.10.7.2) and the birth of a passive connection,
 * with SYN cookies (RFC 4987) for when the half-open queues are full.
 *
 * A passive connection is born in one place, passive_open(), whichever
 * way its handshake went (FreeBSD's syncache_socket() is the model):
 *
 *   stateful  a SYN makes a SYN_RECEIVED TCB at once; the options come
 *             from the SYN, and the TCB sends its SYN-ACK and times it;
 *   cookie    a SYN gets a stateless SYN-ACK whose ISN (and TSval) keep
 *             the options; the ACK that returns a valid cookie makes
 *             the TCB, which that very ACK then takes to ESTABLISHED.
 *
 * The two differ only in where the negotiated options come from and in
 * whether the SYN-ACK is still to be sent.
 */

#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "ws_syncookie.h"
#include "ws_tcp_priv.h"
#include "ws_log.h"
#include "ws_worker.h"

/*
 * What a passive open settles: the sequence numbers of both sides and
 * the options both offered (opts.mss 0: the SYN had none).
 */
struct passive_open {
	uint32_t irs;			/* the peer's ISN */
	uint32_t iss;			/* ours */
	uint32_t ts_off;		/* our TSval offset for the 4-tuple */
	uint32_t ts_recent;		/* the peer's latest TSval, if has_ts */
	bool cookie;			/* the SYN-ACK was a cookie's */
	struct ws_syncookie_opts opts;
};

/*
 * The options a SYN negotiates under our configuration (MUST-14/15,
 * RFC 7323 1.3 and 2.2, RFC 2018 2: each only if the SYN offered it).
 * 'stateless': a cookie can keep window scaling and SACK only in the low
 * bits of our TSval, so without timestamps neither is offered. Inlined:
 * the cookie path pays for every instruction under a flood.
 */
static __rte_always_inline void
syn_options(const struct ws_tcp_config *cfg, const struct ws_tcp_opts *so,
		bool stateless, struct ws_syncookie_opts *o)
{
	bool kept = !stateless || (cfg->timestamps &&
		(so->present & WS_TCP_OPT_HAS_TS));

	o->mss = (so->present & WS_TCP_OPT_HAS_MSS) ? so->mss : 0;
	o->has_ts = cfg->timestamps && (so->present & WS_TCP_OPT_HAS_TS);
	o->has_ws = kept && cfg->window_scaling &&
		(so->present & WS_TCP_OPT_HAS_WS);
	o->wscale = o->has_ws ? so->wscale : 0;
	o->sack_ok = kept && cfg->sack &&
		(so->present & WS_TCP_OPT_HAS_SACK_OK);
}

/*
 * The one passive-open constructor: a SYN_RECEIVED TCB for 'key' under
 * listener 'l', as 'po' settles it, with nothing sent yet. NULL when the
 * table has no room. Inlined into both callers, which fill 'po' on their
 * stack: one copy of the logic, no staging cost per handshake.
 */
static __rte_always_inline struct ws_tcp_conn *
passive_open(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		const struct ws_tcp_key *key, const struct passive_open *po)
{
	const struct ws_syncookie_opts *o = &po->opts;
	struct ws_tcp_conn *c = ws_tcp_conn_new(tw, key);

	if (c == NULL)
		return NULL;
	c->passive = 1;
	c->listener = l;
	c->ops = l->ops;
	c->irs = po->irs;
	c->rcv_nxt = po->irs + 1;
	c->rcv_adv = c->rcv_nxt;
	ws_tcp_set_iss(c, po->iss);
	c->ts_ok = o->has_ts;
	c->ws_ok = o->has_ws;
	c->sack_ok = o->sack_ok;
	c->snd_shift = o->has_ws ? o->wscale : 0;
	ws_tcp_conn_apply_opts(c, &l->opts);
	/* A cookie's SYN-ACK offered the worker's scale (cookie_synack). */
	c->rcv_shift = o->has_ws ? (po->cookie ? tw->rcv_shift :
		l->rcv_shift) : 0;
	c->ts_off = po->ts_off;
	if (c->ts_ok) {
		c->ts_recent = po->ts_recent;
		c->ts_recent_ms = ws_tcp_now_ms(tw);
	}
	/* MUST-15: 536 without the option. */
	c->peer_mss = o->mss != 0 ? o->mss : WS_TCP_DEFAULT_MSS;
	ws_tcp_set_send_mss(c);
	c->rtx_first = tw->w->now;
	ws_tcp_set_state(c, WS_TCP_SYN_RECEIVED);
	return c;
}

/* ------------------------------------------------------------------ */
/* SYN cookies.                                                        */

static uint32_t
cookie_counter(const struct ws_tcp_worker *tw)
{
	return ws_syncookie_counter(ws_tcp_now_ms(tw));
}

/*
 * Whether an ACK to a listener may complete a cookie handshake: always
 * in 'always' mode; otherwise only while cookies sent by this listener
 * can still be valid (two periods), so that in quiet times a stray ACK
 * gets its RST without costing a hash (as Linux's tcp_synq_no_recent_overflow).
 */
static bool
cookies_recent(const struct ws_tcp_worker *tw,
		const struct ws_tcp_listener *l)
{
	if (tw->cfg.syncookies == WS_SYNCOOKIES_ALWAYS)
		return true;
	return l->cookies_sent != 0 && tw->w->now - l->cookie_last <
		2ull * WS_SYNCOOKIE_PERIOD_S * tw->w->clock.hz;
}

/*
 * Answer a SYN with a cookie: nothing is allocated, the SYN's own mbuf
 * becomes the SYN-ACK. What the handshake must remember travels in the
 * ISN and, when the peer sent timestamps, in the low bits of our TSval.
 */
static void
cookie_synack(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		struct ws_tcp_seg *sg)
{
	const struct ws_tcp_config *cfg = &tw->cfg;
	struct ws_syncookie_opts o;
	struct ws_tcp_synack sa;

	syn_options(cfg, &sg->opts, true, &o);
	memset(&sa, 0, sizeof(sa));
	if (o.has_ts) {
		/* The offset the connection keeps, so its TSvals only grow. */
		sa.has_ts = true;
		sa.tsval = ws_syncookie_tsval((uint32_t)ws_tcp_now_ms(tw) +
			ws_tcp_ts_off(tw, &sg->key), &o);
		sa.tsecr = sg->opts.tsval;
	}
	sa.iss = ws_syncookie_make(&tw->cookie_keys, cookie_counter(tw),
		&sg->key, sg->seq, &o, sa.tsval);
	sa.ack = sg->seq + 1;
	/*
	 * The listener's MSS and first window, as a stateful SYN-ACK would
	 * carry them. Not the scale for its rcvbuf, though: the ACK may come
	 * after the listener's options changed (ws_tcp_listen_set_opts), and
	 * the scale offered here is not in the cookie. The worker's, for
	 * rcvbuf_max, covers any buffer the options allow.
	 */
	sa.mss = l->mss;
	sa.wscale = o.has_ws ? (int8_t)tw->rcv_shift : -1;
	sa.sack_ok = o.sack_ok;
	sa.wnd = (uint16_t)RTE_MIN(l->opts.rcvbuf != 0 ? l->opts.rcvbuf :
		cfg->rcvbuf, (uint32_t)UINT16_MAX);
	l->cookie_last = tw->w->now;
	l->cookies_sent++;
	tw->st->cookie_synack_tx++;
	ws_tcp_send_synack_stateless(tw, sg->m, &sg->key, &sa);
	sg->m = NULL;
}

/*
 * The ACK of a cookie SYN-ACK: the cookie checked, the connection is
 * born with what the cookie kept and, in the same step, taken to
 * ESTABLISHED by this very segment through the ordinary input path (so
 * data or a FIN riding on the ACK is processed as on any connection).
 */
static void
cookie_ack(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		struct ws_tcp_seg *sg)
{
	const struct ws_tcp_config *cfg = &tw->cfg;
	bool has_ts = (sg->opts.present & WS_TCP_OPT_HAS_TS) != 0;
	enum ws_syncookie_result r;
	struct passive_open po;
	struct ws_tcp_conn *c;

	r = ws_syncookie_check(&tw->cookie_keys, cookie_counter(tw),
		&sg->key, sg->seq - 1, sg->ack - 1, has_ts, sg->opts.tsecr,
		&po.opts);
	if (r != WS_SYNCOOKIE_OK) {
		if (r == WS_SYNCOOKIE_TOO_OLD)
			tw->st->cookie_too_old++;
		else if (r == WS_SYNCOOKIE_BAD_INDEX)
			tw->st->cookie_bad_index++;
		else
			tw->st->cookie_bad_hash++;
		if (cfg->syncookie_bad_ack == WS_BAD_COOKIE_RST)
			ws_tcp_reply_rst(tw, sg);
		return;
	}
	po.irs = sg->seq - 1;
	po.iss = sg->ack - 1;
	po.ts_off = ws_tcp_ts_off(tw, &sg->key);
	po.ts_recent = sg->opts.tsval;
	po.cookie = true;
	c = passive_open(tw, l, &sg->key, &po);
	if (c == NULL) {
		/*
		 * No room to accept it. Silence, as Linux without
		 * tcp_abort_on_overflow: the peer's next segment carries
		 * the same valid cookie and gets another chance.
		 */
		tw->st->accept_overflow++;
		return;
	}
	tw->st->cookie_validated++;
	l->cookies_validated++;
	c->from_cookie = 1;
	/* Its SYN-ACK went out statelessly: as if this TCB had sent it. */
	c->snd_nxt = sg->ack;
	c->snd_max = sg->ack;
	c->rcv_adv = c->rcv_nxt + RTE_MIN(c->rcvbuf, (uint32_t)UINT16_MAX);
	c->last_ack_sent = c->rcv_nxt;
	ws_tcp_conn_hold(c);
	ws_tcp_conn_input(c, sg);
	/*
	 * The checked ACK always completes it; should that ever change, a
	 * cookie connection must not linger half-open with no timer.
	 */
	if (!c->dead && c->state == WS_TCP_SYN_RECEIVED)
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_ABORTED);
	ws_tcp_conn_release(c);
}

/*
 * Auto mode ends once the half-open queues have drained to half, not at
 * the first free slot: under a flood each slot freed would be taken by
 * the next SYN and the mode would flap with every one.
 */
static void
cookie_mode_check_exit(struct ws_tcp_worker *tw, struct ws_tcp_listener *l)
{
	if (l->pending <= tw->cfg.backlog / 2 &&
			tw->half_open <= tw->cfg.half_open_max / 2) {
		l->cookie_mode = false;
		tw->st->cookie_mode_off++;
	}
}

void
ws_tcp_half_open_done(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_listener *l = c->listener;

	if (!c->half_open)
		return;
	c->half_open = 0;
	RTE_ASSERT(tw->half_open > 0 && l->pending > 0);
	tw->half_open--;
	l->pending--;
	if (l->cookie_mode)
		cookie_mode_check_exit(tw, l);
}

/* ------------------------------------------------------------------ */
/* LISTEN.                                                             */

static bool
half_open_full(const struct ws_tcp_worker *tw,
		const struct ws_tcp_listener *l)
{
	return l->pending >= tw->cfg.backlog ||
		tw->half_open >= tw->cfg.half_open_max;
}

/*
 * Whether this SYN gets a cookie rather than a TCB. In auto mode the
 * listener switches to cookies when its half-open queues are full; drops
 * are counted here when cookies are off and a queue is full ('*drop').
 */
static bool
syn_wants_cookie(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		const struct ws_tcp_seg *sg, bool *drop)
{
	const struct ws_tcp_config *cfg = &tw->cfg;

	*drop = false;
	switch (cfg->syncookies) {
	case WS_SYNCOOKIES_ALWAYS:
		return true;
	case WS_SYNCOOKIES_AUTO:
		if (l->cookie_mode)
			cookie_mode_check_exit(tw, l);
		if (!l->cookie_mode && half_open_full(tw, l)) {
			l->cookie_mode = true;
			tw->st->cookie_mode_on++;
		}
		/*
		 * A TCB table full of established connections (TIME_WAIT
		 * would be recycled) answers this SYN with a cookie too, but
		 * does not switch the listener: nothing half-open would ever
		 * drain to switch it back.
		 */
		return l->cookie_mode || (tw->free_tcbs == NULL &&
			tw->tw_head == NULL);
	default:
		if (l->pending >= cfg->backlog) {
			WS_DROP(tw->w, tw->st->drop_backlog, sg->m);
			*drop = true;
		} else if (tw->half_open >= cfg->half_open_max) {
			WS_DROP(tw->w, tw->st->drop_half_open, sg->m);
			*drop = true;
		}
		return false;
	}
}

/* A SYN without a cookie: a SYN_RECEIVED TCB that sends its SYN-ACK. */
static void
syn_stateful(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		const struct ws_tcp_seg *sg)
{
	struct passive_open po;
	struct ws_tcp_conn *c;

	syn_options(&tw->cfg, &sg->opts, false, &po.opts);
	po.irs = sg->seq;
	po.iss = ws_tcp_isn(tw, &sg->key, &po.ts_off);
	po.ts_recent = sg->opts.tsval;
	po.cookie = false;
	c = passive_open(tw, l, &sg->key, &po);
	if (c == NULL) {
		WS_DROP(tw->w, tw->st->drop_table_full, sg->m);
		return;
	}
	c->half_open = 1;
	l->pending++;
	tw->half_open++;
	/* A SYN's window is never scaled (RFC 7323 2.2). */
	c->snd_wnd = sg->wnd;
	c->max_snd_wnd = c->snd_wnd;
	tw->st->synack_tx++;
	ws_tcp_syn_start(c, tw->w->now);
}

void
ws_tcp_listen_input(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		struct ws_tcp_seg *sg)
{
	const struct ws_tcp_config *cfg = &tw->cfg;
	bool drop;

	/* A RST to a listener resets nothing (RFC 9293 3.10.7.2). */
	if (sg->flags & TH_RST) {
		WS_DROP(tw->w, tw->st->drop_listen_rst, sg->m);
		return;
	}
	if (unlikely(tw->draining)) {
		/* Stopping: a closed port, and no cookie makes a connection. */
		WS_DROP(tw->w, tw->st->drain_refused, sg->m);
		ws_tcp_reply_rst(tw, sg);
		return;
	}
	if (sg->flags & TH_ACK) {
		if (!(sg->flags & TH_SYN) && cookies_recent(tw, l)) {
			cookie_ack(tw, l, sg);
			return;
		}
		if (!(sg->flags & TH_SYN) && cfg->syncookies !=
				WS_SYNCOOKIES_OFF)
			tw->st->cookie_ack_unchecked++;
		WS_DROP(tw->w, tw->st->drop_listen_ack, sg->m);
		ws_tcp_reply_rst(tw, sg);
		return;
	}
	if (!(sg->flags & TH_SYN)) {
		WS_DROP(tw->w, tw->st->drop_listen_other, sg->m);
		return;
	}
	tw->st->syn_rx++;
	if (sg->opts_bad) {
		/* MUST-7: a SYN whose options we cannot read. */
		WS_DROP(tw->w, tw->st->drop_bad_opts, sg->m);
		return;
	}
	if (syn_wants_cookie(tw, l, sg, &drop))
		cookie_synack(tw, l, sg);
	else if (!drop)
		syn_stateful(tw, l, sg);
}
