/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP core: per-worker state, the connection table and TCB pool, the one
 * state-change function, ISNs, timers, and the application interface.
 * Input is in ws_tcp_in.c, output in ws_tcp_out.c, options in
 * ws_tcp_opts.c, congestion control in ws_tcp_cc.c.
 *
 * Callbacks and lifetime: every path that may call into the application
 * holds the TCB (busy count). ws_tcp_conn_drop() makes a connection CLOSED
 * and invisible at once, but its memory and buffers go back to the pools
 * only when the last holder releases it, so a callback may close or abort
 * its own connection and the code that called it can still look at the
 * (now dead) TCB to notice.
 */

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <sodium.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "woshou.h"
#include "ws_log.h"
#include "ws_snapshot.h"
#include "ws_steer.h"
#include "ws_tcp.h"
#include "ws_tcp_cc.h"
#include "ws_tcp_priv.h"
#include "ws_worker.h"

static const char *const state_names[WS_TCP_NSTATES] = {
	[WS_TCP_CLOSED] = "CLOSED",
	[WS_TCP_LISTEN] = "LISTEN",
	[WS_TCP_SYN_SENT] = "SYN_SENT",
	[WS_TCP_SYN_RECEIVED] = "SYN_RECEIVED",
	[WS_TCP_ESTABLISHED] = "ESTABLISHED",
	[WS_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[WS_TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[WS_TCP_CLOSING] = "CLOSING",
	[WS_TCP_LAST_ACK] = "LAST_ACK",
	[WS_TCP_FIN_WAIT_2] = "FIN_WAIT_2",
	[WS_TCP_TIME_WAIT] = "TIME_WAIT",
};

const char *
ws_tcp_state_name(enum ws_tcp_state state)
{
	if ((unsigned int)state >= WS_TCP_NSTATES)
		return "?";
	return state_names[state];
}

uint64_t *
ws_tcp_state_gauge(struct ws_tcp_stats *st, enum ws_tcp_state state)
{
	switch (state) {
	case WS_TCP_LISTEN: return &st->st_listen;
	case WS_TCP_SYN_SENT: return &st->st_syn_sent;
	case WS_TCP_SYN_RECEIVED: return &st->st_syn_received;
	case WS_TCP_ESTABLISHED: return &st->st_established;
	case WS_TCP_CLOSE_WAIT: return &st->st_close_wait;
	case WS_TCP_FIN_WAIT_1: return &st->st_fin_wait_1;
	case WS_TCP_CLOSING: return &st->st_closing;
	case WS_TCP_LAST_ACK: return &st->st_last_ack;
	case WS_TCP_FIN_WAIT_2: return &st->st_fin_wait_2;
	case WS_TCP_TIME_WAIT: return &st->st_time_wait;
	default: return &st->st_closed;
	}
}

/* The only place a TCB changes state: the gauges stay true. */
void
ws_tcp_set_state(struct ws_tcp_conn *c, enum ws_tcp_state state)
{
	struct ws_tcp_stats *st = c->tw->st;

	if (c->state == state)
		return;
	/* A gauge below zero would mean a TCB counted in no state. */
	RTE_ASSERT(*ws_tcp_state_gauge(st, c->state) > 0);
	(*ws_tcp_state_gauge(st, c->state))--;
	(*ws_tcp_state_gauge(st, state))++;
	st->transitions++;
	/* Through both FINs, or gone: no longer an orphan. */
	if (c->orphan && (state == WS_TCP_TIME_WAIT ||
			state == WS_TCP_CLOSED)) {
		RTE_ASSERT(st->st_orphans > 0);
		c->orphan = 0;
		st->st_orphans--;
	}
	if (state == WS_TCP_ESTABLISHED)
		st->established++;
	c->state = (uint8_t)state;
}

/* ------------------------------------------------------------------ */
/* Time.                                                               */

uint64_t
ws_tcp_now_ms(const struct ws_tcp_worker *tw)
{
	return tw->w->now / tw->ms_div;
}

uint32_t
ws_tcp_tsval(const struct ws_tcp_conn *c)
{
	return (uint32_t)ws_tcp_now_ms(c->tw) + c->ts_off;
}

void
ws_tcp_timer_arm_ms(struct ws_tcp_conn *c, struct ws_timer *t, uint32_t ms)
{
	struct ws_tcp_worker *tw = c->tw;

	ws_timer_arm(&tw->wheel, t, tw->w->now + (uint64_t)ms * tw->ms_div);
}

void
ws_tcp_timer_stop(struct ws_tcp_conn *c, struct ws_timer *t)
{
	ws_timer_cancel(&c->tw->wheel, t);
}

/* ------------------------------------------------------------------ */
/* ISN (RFC 9293 3.4.1, SHLD-1): M + F(4-tuple, secret).               */

/* MUST-9: SipHash-2-4 of the 4-tuple under a secret nobody outside knows. */
static uint64_t
isn_hash(const struct ws_tcp_worker *tw, const struct ws_tcp_key *key)
{
	uint8_t in[12], out[crypto_shorthash_BYTES];
	uint64_t h;

	memcpy(in, &key->laddr, 4);
	memcpy(in + 4, &key->raddr, 4);
	memcpy(in + 8, &key->lport, 2);
	memcpy(in + 10, &key->rport, 2);
	crypto_shorthash(out, in, sizeof(in), tw->isn_key);
	memcpy(&h, out, sizeof(h));
	return h;
}

uint32_t
ws_tcp_ts_off(const struct ws_tcp_worker *tw, const struct ws_tcp_key *key)
{
	return (uint32_t)(isn_hash(tw, key) >> 32);
}

uint32_t
ws_tcp_isn(struct ws_tcp_worker *tw, const struct ws_tcp_key *key,
		uint32_t *ts_off)
{
	uint64_t h = isn_hash(tw, key), hz = tw->w->clock.hz, m;

	/* MUST-8: a clock that ticks every 4 microseconds. */
	if (hz >= 250000)
		m = tw->w->now / (hz / 250000);
	else
		m = tw->w->now * (250000 / hz);
	if (ts_off != NULL)
		*ts_off = (uint32_t)(h >> 32);
	return (uint32_t)h + (uint32_t)m;
}

/* ------------------------------------------------------------------ */
/* Connection table and TCB pool.                                      */

static_assert(sizeof(struct ws_tcp_key) == 12, "tcp_key_hash reads 12 bytes");

/*
 * rte_hash_crc() of the 12-byte 4-tuple, without its generic loop: the
 * table hashes every segment's key, twice for a new connection, and the
 * loop cost half again as much as the two CRC steps.
 */
static uint32_t
tcp_key_hash(const void *key, uint32_t len, uint32_t init)
{
	uint64_t head;
	uint32_t tail;

	RTE_SET_USED(len);
	memcpy(&head, key, sizeof(head));
	memcpy(&tail, (const uint8_t *)key + sizeof(head), sizeof(tail));
	return rte_hash_crc_4byte(tail, rte_hash_crc_8byte(head, init));
}

struct ws_tcp_conn *
ws_tcp_lookup(struct ws_tcp_worker *tw, const struct ws_tcp_key *key)
{
	void *data;

	if (rte_hash_lookup_data(tw->table, key, &data) < 0)
		return NULL;
	return data;
}

struct ws_tcp_listener *
ws_tcp_find_listener(struct ws_tcp_worker *tw, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < tw->n_listeners; i++)
		if (tw->listeners[i].port == port)
			return &tw->listeners[i];
	return NULL;
}

static int close_now(struct ws_tcp_conn *c);
static void rtx_timer_cb(struct ws_timer *t, void *arg);
static void delack_timer_cb(struct ws_timer *t, void *arg);
static void wait_timer_cb(struct ws_timer *t, void *arg);
static void idle_timer_cb(struct ws_timer *t, void *arg);
static void pace_timer_cb(struct ws_timer *t, void *arg);

static void
tw_list_remove(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	if (!c->in_tw_list)
		return;
	if (c->tw_prev != NULL)
		c->tw_prev->tw_next = c->tw_next;
	else
		tw->tw_head = c->tw_next;
	if (c->tw_next != NULL)
		c->tw_next->tw_prev = c->tw_prev;
	else
		tw->tw_tail = c->tw_prev;
	c->tw_next = NULL;
	c->tw_prev = NULL;
	c->in_tw_list = 0;
}

static void
tw_list_append(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	c->tw_next = NULL;
	c->tw_prev = tw->tw_tail;
	if (tw->tw_tail != NULL)
		tw->tw_tail->tw_next = c;
	else
		tw->tw_head = c;
	tw->tw_tail = c;
	c->in_tw_list = 1;
}

static void
bw_list_remove(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	if (!c->in_bw_list)
		return;
	if (c->bw_prev != NULL)
		c->bw_prev->bw_next = c->bw_next;
	else
		tw->bw_head = c->bw_next;
	if (c->bw_next != NULL)
		c->bw_next->bw_prev = c->bw_prev;
	else
		tw->bw_tail = c->bw_prev;
	c->bw_next = NULL;
	c->bw_prev = NULL;
	c->in_bw_list = 0;
}

/* A send the budget refused: 'writable' once it has room (budget_wake). */
static void
bw_list_append(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	c->want_writable = 1;
	if (c->in_bw_list)
		return;
	c->bw_next = NULL;
	c->bw_prev = tw->bw_tail;
	if (tw->bw_tail != NULL)
		tw->bw_tail->bw_next = c;
	else
		tw->bw_head = c;
	tw->bw_tail = c;
	c->in_bw_list = 1;
}

/*
 * Whether c's send buffer may take 'n' more mbufs.
 * - Below half the worker's budget: yes.
 * - Past half (memory pressure, as Linux's tcp_mem[1]): only as much as
 *   the peer's window will take, and a little more. Data queued behind a
 *   window that stays shut is what a Sockstress attacker pins; under
 *   pressure it must not crowd out connections that can send. A window
 *   that opens brings an ACK, and with it 'writable'.
 * - Past the budget: only a connection holding next to nothing, within
 *   the floor past it, so that a newcomer is answered while others pin
 *   the budget.
 */
static bool
sb_may_grow(const struct ws_tcp_conn *c, uint32_t n)
{
	const struct ws_tcp_worker *tw = c->tw;
	uint32_t window_mbufs;

	if (tw->sb_mbufs + n <= tw->sb_budget / 2)
		return true;
	if (tw->sb_mbufs + n <= tw->sb_budget) {
		window_mbufs = c->snd_wnd / tw->sb_mbuf_bytes + 1;
		return c->sb_mbufs + n <= window_mbufs + WS_TCP_SB_MIN_MBUFS;
	}
	return c->sb_mbufs + n <= WS_TCP_SB_MIN_MBUFS &&
		tw->sb_mbufs + n <= tw->sb_budget + WS_MBUF_SB_FLOOR;
}

/* A send sb_may_grow refused: count why, and queue for 'writable'. */
static void
sb_refused(struct ws_tcp_conn *c, uint32_t n)
{
	struct ws_tcp_worker *tw = c->tw;

	if (tw->sb_mbufs + n <= tw->sb_budget)
		tw->st->sndbuf_pressure_limited++;
	else
		tw->st->sndbuf_budget_full++;
	bw_list_append(c);
}

struct ws_tcp_conn *
ws_tcp_conn_alloc(struct ws_tcp_worker *tw, const struct ws_tcp_key *key)
{
	struct ws_tcp_conn *c = tw->free_tcbs;
	const struct ws_tcp_config *cfg = &tw->cfg;

	/*
	 * A full table sacrifices its oldest TIME_WAIT: a busy server
	 * closes actively and would otherwise lock itself out for 2 MSL.
	 */
	if (c == NULL && tw->tw_head != NULL) {
		tw->st->time_wait_recycled++;
		ws_tcp_conn_drop(tw->tw_head, WS_TCP_CLOSED_NORMAL);
		c = tw->free_tcbs;
	}
	if (c == NULL)
		return NULL;
	tw->free_tcbs = c->next_free;
	memset(c, 0, sizeof(*c));
	c->tw = tw;
	c->key = *key;
	c->state = WS_TCP_CLOSED;
	c->in_use = 1;
	tw->st->st_closed++;
	c->rto_ms = cfg->rto_initial_ms;
	c->r2_ms = cfg->r2_ms;
	c->rcvbuf = cfg->rcvbuf;
	c->sndbuf = cfg->sndbuf;
	c->nodelay = cfg->nodelay;
	c->ka_idle_ms = cfg->keepalive_idle_ms;
	c->ka_intvl_ms = cfg->keepalive_interval_ms;
	c->ka_cnt = cfg->keepalive_count;
	c->peer_mss = WS_TCP_DEFAULT_MSS;
	c->rcv_mss = (uint16_t)(tw->w->iface->mtu - 40);
	c->mss = WS_TCP_DEFAULT_MSS;
	c->cc = cfg->congestion == WS_TCP_CONGESTION_NEWRENO ?
		&ws_tcp_newreno : &ws_tcp_cubic;
	c->pacing = cfg->pacing;
	c->pace_last = tw->w->now;
	c->lr.min_rtt_us = UINT32_MAX;
	c->lr.reo_mult = 1;
	c->last_rx = tw->w->now;
	ws_timer_init(&c->rtx_timer, rtx_timer_cb, c);
	ws_timer_init(&c->delack_timer, delack_timer_cb, c);
	ws_timer_init(&c->wait_timer, wait_timer_cb, c);
	ws_timer_init(&c->idle_timer, idle_timer_cb, c);
	ws_timer_init(&c->pace_timer, pace_timer_cb, c);
	return c;
}

/* A TCB for 'key', in the table; NULL when there is no room for it. */
struct ws_tcp_conn *
ws_tcp_conn_new(struct ws_tcp_worker *tw, const struct ws_tcp_key *key)
{
	struct ws_tcp_conn *c = ws_tcp_conn_alloc(tw, key);

	if (c == NULL)
		return NULL;
	if (ws_tcp_conn_insert(c) < 0) {
		c->dead = 1;
		ws_tcp_conn_hold(c);
		ws_tcp_conn_release(c);
		return NULL;
	}
	return c;
}

int
ws_tcp_conn_insert(struct ws_tcp_conn *c)
{
	int ret = rte_hash_add_key_data(c->tw->table, &c->key, c);

	if (ret < 0)
		return ret;
	c->in_table = 1;
	return 0;
}

static void
ooo_free_all(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_ooo *o;

	while ((o = c->ooo) != NULL) {
		c->ooo = o->next;
		rte_pktmbuf_free(o->m);
		o->next = tw->free_ooo;
		tw->free_ooo = o;
	}
	c->ooo_n = 0;
	c->ooo_bytes = 0;
}

static void
conn_free_buffers(struct ws_tcp_conn *c)
{
	ws_tcp_sb_free(c);
	ws_tcp_lr_free(c);
	rte_pktmbuf_free(c->rb_head);
	c->rb_head = NULL;
	c->rb_tail = NULL;
	c->rb_len = 0;
	c->rb_off = 0;
	ooo_free_all(c);
}

/* Back to the pool: only once nobody up the stack uses it. */
static void
conn_release_memory(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	conn_free_buffers(c);
	(*ws_tcp_state_gauge(tw->st, c->state))--;
	c->in_use = 0;
	c->next_free = tw->free_tcbs;
	tw->free_tcbs = c;
}

void
ws_tcp_conn_hold(struct ws_tcp_conn *c)
{
	RTE_ASSERT(c->in_use && c->busy < UINT16_MAX);
	c->busy++;
}

void
ws_tcp_conn_release(struct ws_tcp_conn *c)
{
	RTE_ASSERT(c->busy > 0);
	if (--c->busy == 0 && c->dead)
		conn_release_memory(c);
}

static void
conn_unhook(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	ws_timer_cancel(&tw->wheel, &c->rtx_timer);
	ws_timer_cancel(&tw->wheel, &c->delack_timer);
	ws_timer_cancel(&tw->wheel, &c->wait_timer);
	ws_timer_cancel(&tw->wheel, &c->idle_timer);
	ws_timer_cancel(&tw->wheel, &c->pace_timer);
	tw_list_remove(c);
	bw_list_remove(c);
	if (c->in_table) {
		rte_hash_del_key(tw->table, &c->key);
		c->in_table = 0;
	}
	ws_tcp_half_open_done(c);
	c->listener = NULL;
}

/* The window scale that advertises all of 'rcvbuf' (RFC 7323 2.3). */
static uint8_t
ws_tcp_rcv_shift_for(uint32_t rcvbuf)
{
	uint8_t shift = 0;

	while (shift < WS_TCP_MAX_WSCALE && (rcvbuf >> shift) > UINT16_MAX)
		shift++;
	return shift;
}

/* The MSS the MTU allows, with the IPv4 and TCP headers off. */
static uint32_t
mtu_mss(const struct ws_tcp_worker *tw)
{
	return tw->w->iface->mtu - 40u;
}

/* A buffer size within [a few segments .. 'max']. */
static bool
buf_ok(const struct ws_tcp_worker *tw, uint32_t bytes, uint32_t max)
{
	return bytes >= WS_TCP_BUF_MIN_SEGS * mtu_mss(tw) && bytes <= max;
}

int
ws_tcp_conn_opts_check(const struct ws_tcp_worker *tw,
		const struct ws_tcp_conn_opts *o)
{
	if (o == NULL)
		return 0;
	if (o->rcvbuf != 0 && !buf_ok(tw, o->rcvbuf, tw->cfg.rcvbuf_max))
		return -EINVAL;
	if (o->sndbuf != 0 && !buf_ok(tw, o->sndbuf, tw->cfg.sndbuf_max))
		return -EINVAL;
	if (o->mss != 0 && (o->mss < WS_TCP_MIN_SND_MSS ||
			o->mss > mtu_mss(tw)))
		return -EINVAL;
	return 0;
}

/*
 * As Linux with a locked SO_RCVBUF: a fixed buffer is scaled for its own
 * size (the least scale that offers all of it), not for rcvbuf_max.
 */
uint8_t
ws_tcp_opts_rcv_shift(const struct ws_tcp_worker *tw,
		const struct ws_tcp_conn_opts *o)
{
	if (o == NULL || o->rcvbuf == 0)
		return tw->rcv_shift;
	return ws_tcp_rcv_shift_for(o->rcvbuf);
}

void
ws_tcp_conn_apply_opts(struct ws_tcp_conn *c,
		const struct ws_tcp_conn_opts *o)
{
	if (o == NULL)
		return;
	if (o->rcvbuf != 0) {
		c->rcvbuf = o->rcvbuf;
		c->rcvbuf_fixed = 1;
	}
	if (o->sndbuf != 0) {
		c->sndbuf = o->sndbuf;
		c->sndbuf_fixed = 1;
	}
	/* The MSS we advertise, and so (MUST-16) the most we send with. */
	if (o->mss != 0)
		c->rcv_mss = o->mss;
}

void
ws_tcp_conn_drop(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct ws_tcp_stats *st = c->tw->st;

	if (c->dead)
		return;
	ws_tcp_conn_hold(c);
	conn_unhook(c);
	ws_tcp_set_state(c, WS_TCP_CLOSED);
	c->dead = 1;
	c->close_reason = (uint8_t)why;
	switch (why) {
	case WS_TCP_CLOSED_RESET: st->conn_reset++; break;
	case WS_TCP_CLOSED_REFUSED: st->conn_refused++; break;
	case WS_TCP_CLOSED_TIMEOUT: st->conn_timeout++; break;
	case WS_TCP_CLOSED_KEEPALIVE: st->conn_keepalive_dead++; break;
	case WS_TCP_CLOSED_ABORTED: st->conn_aborted++; break;
	default: break;
	}
	/* MUST-12: the application learns why. */
	if (c->app_known) {
		c->app_known = 0;
		if (c->ops != NULL && c->ops->closed != NULL)
			c->ops->closed(c, why);
	}
	ws_tcp_conn_release(c);
}

void
ws_tcp_enter_time_wait(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	ws_tcp_set_state(c, WS_TCP_TIME_WAIT);
	tw_list_append(c);
	ws_timer_cancel(&tw->wheel, &c->rtx_timer);
	/* The application lets go of it below: nothing left to time. */
	ws_timer_cancel(&tw->wheel, &c->idle_timer);
	c->idle_ms = 0;
	c->rtx_mode = WS_TCP_RTX_NONE;
	/* MUST-13: linger 2 MSL. */
	ws_tcp_timer_arm_ms(c, &c->wait_timer, 2 * tw->cfg.msl_ms);
	/* Both FINs are through: the application is done with it. */
	if (c->app_known) {
		c->app_known = 0;
		if (c->ops != NULL && c->ops->closed != NULL) {
			ws_tcp_conn_hold(c);
			c->ops->closed(c, WS_TCP_CLOSED_NORMAL);
			ws_tcp_conn_release(c);
		}
	}
	c->ops = NULL;
	/* Nothing will be sent or read any more: give the mbufs back. */
	if (!c->dead)
		conn_free_buffers(c);
}

/* ------------------------------------------------------------------ */
/* RTO (RFC 6298) and timers.                                          */

static uint32_t
rto_clamp(const struct ws_tcp_conn *c, uint64_t ms)
{
	const struct ws_tcp_config *cfg = &c->tw->cfg;

	if (ms < cfg->rto_min_ms)
		ms = cfg->rto_min_ms;
	if (ms > cfg->rto_max_ms)
		ms = cfg->rto_max_ms;
	return (uint32_t)ms;
}

void
ws_tcp_rtt_sample(struct ws_tcp_conn *c, uint32_t rtt_us)
{
	uint32_t delta, var4;

	c->tw->st->rtt_samples++;
	if (c->srtt_us == 0) {
		/* (2.2) */
		c->srtt_us = rtt_us != 0 ? rtt_us : 1;
		c->rttvar_us = rtt_us / 2;
	} else {
		/* (2.3): RTTVAR first, with the old SRTT. */
		delta = c->srtt_us > rtt_us ? c->srtt_us - rtt_us :
			rtt_us - c->srtt_us;
		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + rtt_us) / 8;
		if (c->srtt_us == 0)
			c->srtt_us = 1;
	}
	/* §4: K*RTTVAR is at least the clock granularity G (1 ms). */
	var4 = RTE_MAX(4 * c->rttvar_us, 1000u);
	c->rto_ms = rto_clamp(c, ((uint64_t)c->srtt_us + var4 + 999) / 1000);
}

uint32_t
ws_tcp_rto_backed_off(const struct ws_tcp_conn *c)
{
	uint64_t ms = c->rto_ms;
	uint32_t i;

	for (i = 0; i < c->n_rtx && ms < c->tw->cfg.rto_max_ms; i++)
		ms *= 2;
	return (uint32_t)RTE_MIN(ms, (uint64_t)c->tw->cfg.rto_max_ms);
}

/*
 * R2's start for data (RFC 5482: how long transmitted data may remain
 * unacknowledged): the first timeout's own start once one fired, else
 * when SND.UNA's data went out (or the peer last acknowledged some).
 */
static uint64_t
r2_start(const struct ws_tcp_conn *c)
{
	return c->rtx_first != 0 ? c->rtx_first : c->una_ts;
}

/*
 * The data retransmission timeout, cut to what is left of R2, as
 * Linux's tcp_clamp_rto_to_user_timeout: a backed-off RTO must not carry
 * the connection past its user timeout (1 s of TCP_USER_TIMEOUT ended a
 * connection after 2.2 s, and a large backoff could overshoot by
 * rto_max_ms).
 */
uint32_t
ws_tcp_rto_data(const struct ws_tcp_conn *c)
{
	uint32_t rto = ws_tcp_rto_backed_off(c);
	uint64_t start = r2_start(c), elapsed_ms;

	if (start == 0 || c->state < WS_TCP_ESTABLISHED)
		return rto;
	elapsed_ms = (c->tw->w->now - start) / c->tw->ms_div;
	if (elapsed_ms >= c->r2_ms)
		return 1;
	return (uint32_t)RTE_MIN((uint64_t)rto, c->r2_ms - elapsed_ms);
}

static bool
has_unsent(const struct ws_tcp_conn *c)
{
	uint32_t off = c->snd_nxt - c->snd_una;

	return off < c->sb_len;
}

/*
 * Arm the retransmission timer for whatever needs timing now: data or
 * control in flight (RFC 6298 5.1), else a zero window with data waiting
 * (persist, MUST-35), else keep-alive when idle. 'restart' re-arms a
 * running retransmission timer (5.3: new data was acknowledged).
 */
static void
rtx_update(struct ws_tcp_conn *c, bool restart)
{
	struct ws_tcp_worker *tw = c->tw;
	uint64_t due;

	if (c->dead || c->state == WS_TCP_TIME_WAIT ||
			c->state == WS_TCP_CLOSED)
		return;
	if (c->snd_max != c->snd_una) {
		if (c->sack_ok) {
			/* The RTO, RACK's reordering timer or a TLP. */
			ws_tcp_lr_arm(c, restart);
			return;
		}
		if (restart || c->rtx_mode != WS_TCP_RTX_RETRANSMIT ||
				!ws_timer_armed(&c->rtx_timer)) {
			c->rtx_mode = WS_TCP_RTX_RETRANSMIT;
			ws_tcp_timer_arm_ms(c, &c->rtx_timer,
				ws_tcp_rto_data(c));
		}
		return;
	}
	if (has_unsent(c)) {
		/* Output could not send: the window is too small. */
		if (c->rtx_mode != WS_TCP_RTX_PERSIST ||
				!ws_timer_armed(&c->rtx_timer)) {
			c->rtx_mode = WS_TCP_RTX_PERSIST;
			ws_tcp_timer_arm_ms(c, &c->rtx_timer,
				ws_tcp_rto_backed_off(c));
		}
		return;
	}
	/*
	 * FIN_WAIT_2 too: after a shutdown the peer may die before its
	 * FIN, and only keep-alive notices (Linux probes there as well).
	 */
	if (c->keepalive && (c->state == WS_TCP_ESTABLISHED ||
			c->state == WS_TCP_CLOSE_WAIT ||
			c->state == WS_TCP_FIN_WAIT_2)) {
		if (c->rtx_mode != WS_TCP_RTX_KEEPALIVE ||
				!ws_timer_armed(&c->rtx_timer)) {
			c->rtx_mode = WS_TCP_RTX_KEEPALIVE;
			due = c->last_rx + (uint64_t)c->ka_idle_ms * tw->ms_div;
			ws_timer_arm(&tw->wheel, &c->rtx_timer,
				RTE_MAX(due, tw->w->now));
		}
		return;
	}
	c->rtx_mode = WS_TCP_RTX_NONE;
	ws_timer_cancel(&tw->wheel, &c->rtx_timer);
}

void
ws_tcp_rtx_restart(struct ws_tcp_conn *c)
{
	rtx_update(c, false);
}

/* Restart after new data was acknowledged (RFC 6298 5.3). */
static void
rtx_restart_on_ack(struct ws_tcp_conn *c)
{
	rtx_update(c, true);
}

static void
rto_expired(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	const struct ws_tcp_config *cfg = &tw->cfg;
	uint64_t now = tw->w->now, elapsed_ms;

	tw->st->rto_expired++;
	/*
	 * R2 counts from when SND.UNA's data went out; persist may have
	 * backed off already, with no data in flight: from this timeout.
	 */
	if (c->rtx_first == 0)
		c->rtx_first = c->una_ts != 0 ? c->una_ts : now;
	elapsed_ms = (now - c->rtx_first) / tw->ms_div;
	c->n_rtx++;
	if (c->state == WS_TCP_SYN_SENT || c->state == WS_TCP_SYN_RECEIVED) {
		/* MUST-22/23: the SYN gets its own limits. */
		if (c->n_rtx > (c->passive ? cfg->synack_retries :
				cfg->syn_retries) ||
				elapsed_ms >= cfg->syn_r2_ms) {
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_TIMEOUT);
			return;
		}
		c->syn_rtx = 1;
		c->retransmits++;
		if (c->state == WS_TCP_SYN_SENT)
			tw->st->syn_retransmits++;
		else
			tw->st->synack_retransmits++;
		ws_tcp_send_syn(c);
		c->rtx_mode = WS_TCP_RTX_RETRANSMIT;
		ws_tcp_timer_arm_ms(c, &c->rtx_timer, ws_tcp_rto_backed_off(c));
		return;
	}
	/* MUST-20: R2 ends it; R1 is only advice. */
	if (elapsed_ms >= c->r2_ms) {
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_TIMEOUT);
		return;
	}
	if (c->n_rtx == cfg->r1)
		tw->st->r1_reached++;
	if (c->sack_ok) {
		/*
		 * Everything not SACKed is lost and goes again, from the
		 * first hole, one segment now (cwnd is one SMSS); SACKed
		 * data does not (RFC 6675 5.1, as Linux).
		 */
		ws_tcp_lr_rto(c);
		c->cc->on_rto(c);
		c->dupacks = 0;
		c->rtt_timing = 0;	/* Karn */
		c->rtx_mode = WS_TCP_RTX_NONE;
		ws_tcp_output(c);
		c->rtx_mode = WS_TCP_RTX_RETRANSMIT;
		c->lr.rto_at = now + (uint64_t)ws_tcp_rto_data(c) *
			tw->ms_div;
		ws_timer_arm(&tw->wheel, &c->rtx_timer, c->lr.rto_at);
		return;
	}
	c->cc->on_rto(c);
	c->in_recovery = 0;
	c->ca_state = WS_TCP_CA_LOSS;
	c->dupacks = 0;
	c->recover = c->snd_max;
	c->rtt_timing = 0;	/* Karn */
	c->snd_nxt = c->snd_una;	/* go back N */
	ws_tcp_retransmit_first(c);
	c->rtx_mode = WS_TCP_RTX_RETRANSMIT;
	ws_tcp_timer_arm_ms(c, &c->rtx_timer, ws_tcp_rto_data(c));
	ws_tcp_output(c);
}

static void
rtx_timer_cb(struct ws_timer *t, void *arg)
{
	struct ws_tcp_conn *c = arg;
	struct ws_tcp_worker *tw = c->tw;
	uint64_t idle;

	RTE_SET_USED(t);
	ws_tcp_conn_hold(c);
	switch (c->rtx_mode) {
	case WS_TCP_RTX_RETRANSMIT:
		rto_expired(c);
		break;
	case WS_TCP_RTX_REORDER:
	case WS_TCP_RTX_TLP:
		ws_tcp_lr_timeout(c);
		break;
	case WS_TCP_RTX_PERSIST:
		/*
		 * MUST-35/36, SHLD-29/30: probe the zero window with backoff.
		 * MUST-37: as long as the peer answers, forever; a peer
		 * silent for R2 is gone.
		 */
		if ((tw->w->now - c->last_rx) / tw->ms_div >= c->r2_ms) {
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_TIMEOUT);
			break;
		}
		/*
		 * An orphan has nobody to wait for: a peer that answers
		 * every probe with a zero window must not hold it (and its
		 * buffers) forever (Sockstress; Linux: tcp_orphan_retries).
		 */
		if (c->orphan &&
				c->orphan_probes >= tw->cfg.orphan_retries) {
			tw->st->orphan_reset_retries++;
			ws_tcp_send_rst_conn(c);
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_TIMEOUT);
			break;
		}
		if (c->orphan)
			c->orphan_probes++;
		tw->st->persist_probes++;
		c->rtx_mode = WS_TCP_RTX_NONE;
		ws_tcp_send_probe(c);
		if (c->n_rtx < 16)
			c->n_rtx++;
		rtx_update(c, false);
		break;
	case WS_TCP_RTX_KEEPALIVE:
		idle = (tw->w->now - c->last_rx) / tw->ms_div;
		c->rtx_mode = WS_TCP_RTX_NONE;
		if (idle < c->ka_idle_ms) {
			rtx_update(c, false);
			break;
		}
		/* MUST-29: only 'count' unanswered probes end it. */
		if (c->ka_probes >= c->ka_cnt) {
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_KEEPALIVE);
			break;
		}
		c->ka_probes++;
		tw->st->keepalive_probes++;
		ws_tcp_send_probe(c);
		c->rtx_mode = WS_TCP_RTX_KEEPALIVE;
		ws_tcp_timer_arm_ms(c, &c->rtx_timer, c->ka_intvl_ms);
		break;
	default:
		break;
	}
	ws_tcp_conn_release(c);
}

static void
delack_timer_cb(struct ws_timer *t, void *arg)
{
	struct ws_tcp_conn *c = arg;

	RTE_SET_USED(t);
	if (!c->ack_delayed || c->dead)
		return;
	c->tw->st->delayed_acks++;
	ws_tcp_conn_hold(c);
	ws_tcp_send_ack(c);
	ws_tcp_conn_release(c);
}

/* Pacing held new data back; the budget has refilled. */
static void
pace_timer_cb(struct ws_timer *t, void *arg)
{
	struct ws_tcp_conn *c = arg;

	RTE_SET_USED(t);
	if (c->dead)
		return;
	ws_tcp_conn_hold(c);
	ws_tcp_output(c);
	ws_tcp_conn_release(c);
}

static void
wait_timer_cb(struct ws_timer *t, void *arg)
{
	struct ws_tcp_conn *c = arg;

	RTE_SET_USED(t);
	if (c->state == WS_TCP_TIME_WAIT) {
		c->tw->st->time_wait_expired++;
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_NORMAL);
	} else if (c->state == WS_TCP_FIN_WAIT_2) {
		/* Closed by the app, and the peer never sent its FIN. */
		c->tw->st->fin_wait_2_timeout++;
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_TIMEOUT);
	}
}

/* Due 'idle_ms' after the last data, the set call, or the last firing. */
static void
idle_arm(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	ws_timer_arm(&tw->wheel, &c->idle_timer,
		c->idle_base + (uint64_t)c->idle_ms * tw->ms_div);
}

/*
 * Data arriving only moves idle_base (no wheel work per segment); the
 * timer finds out when it fires and waits for the rest of the time.
 */
static void
idle_timer_cb(struct ws_timer *t, void *arg)
{
	struct ws_tcp_conn *c = arg;
	struct ws_tcp_worker *tw = c->tw;
	uint64_t now = tw->w->now;

	RTE_SET_USED(t);
	if (c->dead || !c->app_known || c->app_closed || c->idle_ms == 0)
		return;
	if (now - c->idle_base < (uint64_t)c->idle_ms * tw->ms_div) {
		idle_arm(c);
		return;
	}
	tw->st->idle_timeouts++;
	ws_tcp_conn_hold(c);
	if (c->ops != NULL && c->ops->idle != NULL)
		c->ops->idle(c);
	else
		ws_tcp_close(c);
	/* Still watched (the callback may have set a new time, or 0). */
	if (!c->dead && c->app_known && !c->app_closed && c->idle_ms != 0 &&
			!ws_timer_armed(&c->idle_timer)) {
		c->idle_base = tw->w->now;
		idle_arm(c);
	}
	ws_tcp_conn_release(c);
}

/*
 * A second's budget: half the configured rate plus a random part up to
 * the whole rate (Linux 4.7+), so that it averages challenge_ack_per_s
 * and nobody outside can know it.
 */
static void
chack_new_budget(struct ws_tcp_worker *tw)
{
	uint32_t per_s = tw->cfg.challenge_ack_per_s;

	tw->chack_budget = per_s / 2 + (per_s == UINT32_MAX ? 0 :
		randombytes_uniform(per_s + 1));
}

/*
 * RFC 5961 7 and CVE-2016-5696: with one fixed budget per worker, an
 * off-path attacker who exhausts it learns from the challenge ACKs a
 * connection of his own no longer gets whether his guessed RSTs or SYNs
 * hit another connection's window. So, as Linux: at most one challenge
 * ACK per connection per challenge_ack_interval_ms (a flood at one
 * connection cannot drain the budget), and a worker budget whose size is
 * drawn anew each second (an attacker cannot count what is left).
 */
bool
ws_tcp_challenge_ack_allowed(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	uint64_t now = tw->w->now;
	uint64_t interval = (uint64_t)tw->cfg.challenge_ack_interval_ms *
		tw->ms_div;

	if (interval != 0 && c->last_chack != 0 &&
			now - c->last_chack < interval) {
		tw->st->challenge_ack_conn_limited++;
		return false;
	}
	c->last_chack = now;
	if (now - tw->chack_start >= tw->w->clock.hz) {
		tw->chack_start = now;
		tw->chack_count = 0;
		chack_new_budget(tw);
	}
	if (tw->chack_count >= tw->chack_budget) {
		tw->st->challenge_ack_limited++;
		return false;
	}
	tw->chack_count++;
	tw->st->challenge_ack_tx++;
	return true;
}

/* ------------------------------------------------------------------ */
/* Delivery to the application.                                        */

static void
rb_consume(struct ws_tcp_conn *c, uint32_t n)
{
	struct rte_mbuf *seg, *next;

	c->rb_len -= n;
	c->rb_off += n;
	if (c->rb_len == 0) {
		rte_pktmbuf_free(c->rb_head);
		c->rb_head = NULL;
		c->rb_tail = NULL;
		c->rb_off = 0;
		return;
	}
	while ((seg = c->rb_head) != NULL && c->rb_off >= seg->data_len &&
			seg->next != NULL) {
		next = seg->next;
		next->pkt_len = seg->pkt_len - seg->data_len;
		next->nb_segs = (uint16_t)(seg->nb_segs - 1);
		c->rb_off -= seg->data_len;
		seg->next = NULL;
		seg->nb_segs = 1;
		seg->pkt_len = seg->data_len;
		rte_pktmbuf_free(seg);
		c->rb_head = next;
	}
}

void
ws_tcp_deliver(struct ws_tcp_conn *c)
{
	uint32_t n, before;

	if (c->delivering || c->dead || c->rb_len == 0)
		return;
	if (!c->app_known || c->ops == NULL || c->ops->data == NULL) {
		/* Nobody reads: the data is taken and dropped. */
		rb_consume(c, c->rb_len);
		return;
	}
	ws_tcp_conn_hold(c);
	c->delivering = 1;
	before = ws_tcp_rcv_window(c);
	n = c->ops->data(c, c->rb_head, c->rb_off, c->rb_len);
	c->delivering = 0;
	if (!c->dead) {
		if (n > c->rb_len)
			n = c->rb_len;
		if (n != 0) {
			rb_consume(c, n);
			ws_tcp_rcvbuf_adjust(c);
		}
		if (c->close_deferred) {
			c->close_deferred = 0;
			close_now(c);
			ws_tcp_conn_release(c);
			return;
		}
		/*
		 * A window update when reading opened the window by a
		 * significant amount (receiver SWS avoidance, MUST-39).
		 */
		if (ws_tcp_rcv_window(c) > before &&
				c->rcv_adv - c->rcv_nxt < 2u * c->rcv_mss)
			c->ack_now = 1;
	}
	ws_tcp_conn_release(c);
}

/* ------------------------------------------------------------------ */
/* Init and teardown.                                                  */

int
ws_tcp_init(struct ws_worker *w, int socket)
{
	static unsigned int instance;
	struct ws_tcp_worker *tw;
	struct rte_hash_parameters hp;
	char name[RTE_HASH_NAMESIZE];
	struct ws_mbuf_plan plan;
	uint32_t i;
	int ret;

	if (sodium_init() < 0)
		return -EIO;
	tw = rte_zmalloc_socket("ws_tcp_worker", sizeof(*tw),
		RTE_CACHE_LINE_SIZE, socket);
	if (tw == NULL)
		return -ENOMEM;
	tw->w = w;
	/* Every value comes checked from the config schema, 0 included. */
	tw->cfg = w->cfg->tcp;
	tw->st = &w->stats.tcp;
	tw->ms_div = RTE_MAX(w->clock.hz / 1000, (uint64_t)1);
	tw->chack_start = w->now;
	chack_new_budget(tw);
	if (tw->cfg.orphans_max == 0)
		tw->cfg.orphans_max = RTE_MAX(tw->cfg.max_connections / 4, 1u);
	/* Shared by every worker: a cookie made by one validates on all. */
	tw->isn_key = ws_syncookie_secret_shared()->isn_key;
	ws_syncookie_keys_init(&tw->cookie_keys, ws_syncookie_secret_shared());
	tw->port_lo = WS_TCP_EPHEMERAL_LO;
	tw->port_n = WS_TCP_EPHEMERAL_N;
	tw->next_port = randombytes_uniform(tw->port_n);
	/* A ceiling below the start (a config made by hand): no growth. */
	tw->cfg.rcvbuf_max = RTE_MAX(tw->cfg.rcvbuf_max, tw->cfg.rcvbuf);
	tw->cfg.sndbuf_max = RTE_MAX(tw->cfg.sndbuf_max, tw->cfg.sndbuf);
	/* Scaled for the most the window may grow to, not its start. */
	tw->rcv_shift = ws_tcp_rcv_shift_for(tw->cfg.rcvbuf_max);
	ws_config_mbufs(w->cfg, &plan);
	tw->sb_budget = plan.sndbuf_budget;
	/* Some room before waking anyone, so wake-ups come in batches. */
	tw->sb_wake = tw->sb_budget - tw->sb_budget / 8;
	tw->sb_mbuf_bytes = RTE_MAX(rte_pktmbuf_data_room_size(w->pool),
		(uint16_t)(RTE_PKTMBUF_HEADROOM + 1)) - RTE_PKTMBUF_HEADROOM;

	memset(&hp, 0, sizeof(hp));
	snprintf(name, sizeof(name), "ws_tcp_%u_%u", w->index,
		__atomic_fetch_add(&instance, 1, __ATOMIC_RELAXED));
	hp.name = name;
	hp.entries = RTE_MAX(tw->cfg.max_connections, 8u);
	hp.key_len = sizeof(struct ws_tcp_key);
	hp.hash_func = tcp_key_hash;
	hp.socket_id = socket;
	/* A full bucket must not refuse a connection before the limit. */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	tw->table = rte_hash_create(&hp);
	if (tw->table == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	tw->n_tcbs = tw->cfg.max_connections;
	tw->tcbs = rte_zmalloc_socket("ws_tcp_tcbs",
		sizeof(*tw->tcbs) * tw->n_tcbs, RTE_CACHE_LINE_SIZE, socket);
	tw->ooo_nodes = rte_zmalloc_socket("ws_tcp_ooo",
		sizeof(*tw->ooo_nodes) * tw->cfg.ooo_worker_segments,
		RTE_CACHE_LINE_SIZE, socket);
	if (tw->tcbs == NULL || tw->ooo_nodes == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	/*
	 * Scoreboard records: one per segment in flight. Send buffers hold
	 * at most sb_budget mbufs of about an MSS each, and a segment may
	 * straddle two: twice the budget, plus slack for FINs and small
	 * segments. Past it segments merge (tcp.sack_rec_exhausted).
	 */
	ret = ws_tcp_lr_pool_init(tw, 2 * tw->sb_budget + 1024, socket);
	if (ret < 0)
		goto fail;
	for (i = tw->n_tcbs; i-- > 0; ) {
		tw->tcbs[i].next_free = tw->free_tcbs;
		tw->free_tcbs = &tw->tcbs[i];
	}
	for (i = tw->cfg.ooo_worker_segments; i-- > 0; ) {
		tw->ooo_nodes[i].next = tw->free_ooo;
		tw->free_ooo = &tw->ooo_nodes[i];
	}
	ret = ws_timer_wheel_init(&tw->wheel, WS_TCP_WHEEL_SLOTS, tw->ms_div,
		w->now, socket);
	if (ret < 0)
		goto fail;
	tw->wheel_ok = true;
	w->tcp = tw;
	return 0;

fail:
	rte_hash_free(tw->table);
	rte_free(tw->tcbs);
	rte_free(tw->ooo_nodes);
	ws_tcp_lr_pool_fini(tw);
	rte_free(tw);
	return ret;
}

void
ws_tcp_fini(struct ws_worker *w)
{
	struct ws_tcp_worker *tw = w->tcp;
	uint32_t i;

	if (tw == NULL)
		return;
	ws_tcp_flush(w);
	/* Every live connection hears STOPPED; TIME_WAIT ones go quietly. */
	for (i = 0; i < tw->n_tcbs; i++) {
		struct ws_tcp_conn *c = &tw->tcbs[i];

		if (c->tw == tw && !c->dead && c->state != WS_TCP_CLOSED)
			ws_tcp_conn_drop(c, WS_TCP_CLOSED_STOPPED);
	}
	for (i = 0; i < WS_TCP_MAX_LISTENERS; i++) {
		if (tw->listeners[i].port != 0) {
			tw->listeners[i].port = 0;
			tw->st->st_listen--;
		}
	}
	tw->n_listeners = 0;
	if (tw->wheel_ok)
		ws_timer_wheel_fini(&tw->wheel);
	rte_hash_free(tw->table);
	rte_free(tw->tcbs);
	rte_free(tw->ooo_nodes);
	ws_tcp_lr_pool_fini(tw);
	rte_free(tw);
	w->tcp = NULL;
}

uint32_t
ws_tcp_dump(const struct ws_worker *w, struct ws_conn_entry *out,
		uint32_t cap, bool *truncated)
{
	const struct ws_tcp_worker *tw = w->tcp;
	uint32_t i, n = 0;

	*truncated = false;
	if (tw == NULL)
		return 0;
	/* Listeners first: they count in the gauges as LISTEN. */
	for (i = 0; i < WS_TCP_MAX_LISTENERS; i++) {
		if (tw->listeners[i].port == 0)
			continue;
		if (n == cap)
			goto full;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].local_addr = w->iface->addr;
		out[n].local_port = tw->listeners[i].port;
		out[n].state = WS_TCP_LISTEN;
		out[n].worker = (uint8_t)w->index;
		n++;
	}
	for (i = 0; i < tw->n_tcbs; i++) {
		const struct ws_tcp_conn *c = &tw->tcbs[i];
		struct ws_tcp_info info;

		if (!c->in_use)
			continue;
		if (n == cap)
			goto full;
		ws_tcp_get_info(c, &info);
		memset(&out[n], 0, sizeof(out[n]));
		out[n].cwnd = info.cwnd;
		out[n].ssthresh = info.ssthresh;
		out[n].srtt_us = info.srtt_us;
		out[n].rttvar_us = info.rttvar_us;
		out[n].rto_ms = info.rto_ms;
		out[n].in_flight = info.in_flight;
		out[n].sacked = info.sacked;
		out[n].lost = info.lost;
		out[n].retrans_bytes = info.retrans_bytes;
		out[n].snd_wnd = info.snd_wnd;
		out[n].rcv_wnd = info.rcv_wnd;
		out[n].rcvbuf = info.rcvbuf;
		out[n].sndbuf = info.sndbuf;
		out[n].ca_state = c->ca_state;
		strlcpy(out[n].cc, info.cc, sizeof(out[n].cc));
		out[n].local_addr = c->key.laddr;
		out[n].remote_addr = c->key.raddr;
		out[n].local_port = rte_be_to_cpu_16(c->key.lport);
		out[n].remote_port = rte_be_to_cpu_16(c->key.rport);
		out[n].state = c->state;
		out[n].worker = (uint8_t)w->index;
		out[n].reserved = 0;
		out[n].unacked = c->snd_max - c->snd_una;
		out[n].held = c->rb_len;
		n++;
	}
	return n;
full:
	*truncated = true;
	return n;
}

static_assert(WS_SNAP_LISTENERS >= WS_TCP_MAX_LISTENERS,
	"the snapshot must hold every listener");

uint32_t
ws_tcp_dump_listeners(const struct ws_worker *w,
		struct ws_listener_entry *out, uint32_t cap)
{
	const struct ws_tcp_worker *tw = w->tcp;
	uint32_t i, n = 0;

	if (tw == NULL)
		return 0;
	for (i = 0; i < WS_TCP_MAX_LISTENERS && n < cap; i++) {
		const struct ws_tcp_listener *l = &tw->listeners[i];

		if (l->port == 0)
			continue;
		out[n].port = l->port;
		out[n].worker = (uint8_t)w->index;
		out[n].cookie_mode = tw->cfg.syncookies ==
			WS_SYNCOOKIES_ALWAYS || l->cookie_mode;
		out[n].half_open = l->pending;
		out[n].backlog = tw->cfg.backlog;
		out[n].cookies_sent = l->cookies_sent;
		out[n].cookies_validated = l->cookies_validated;
		n++;
	}
	return n;
}

void
ws_tcp_input(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_tcp_worker *tw = w->tcp;

	tw->in_input = true;
	ws_tcp_input_segment(tw, m);
	tw->in_input = false;
}

void
ws_tcp_flush(struct ws_worker *w)
{
	struct ws_tcp_worker *tw = w->tcp;
	struct ws_tcp_conn *c;

	while ((c = tw->ack_list) != NULL) {
		tw->ack_list = c->ack_next;
		c->ack_queued = 0;
		if (!c->dead && c->ack_now)
			ws_tcp_send_ack(c);
		ws_tcp_conn_release(c);
	}
}

/*
 * The send-buffer budget has room again: call 'writable' for the
 * connections it refused, oldest first, until it is spent again. Runs in
 * the poll loop, so that memory freed by any connection (an ACK, an RST,
 * a close) wakes the others, not only their own ACKs.
 */
static void
budget_wake(struct ws_tcp_worker *tw)
{
	struct ws_tcp_conn *c, *last = tw->bw_tail;
	bool done = false;

	while (!done && (c = tw->bw_head) != NULL &&
			tw->sb_mbufs < tw->sb_budget) {
		/* Those that queue again go behind: one pass at most. */
		done = c == last;
		bw_list_remove(c);
		if (c->dead || !c->want_writable || !c->app_known ||
				ws_tcp_send_space(c) == 0)
			continue;
		c->want_writable = 0;
		tw->st->sndbuf_wakeups++;
		if (c->ops != NULL && c->ops->writable != NULL) {
			ws_tcp_conn_hold(c);
			c->ops->writable(c);
			ws_tcp_conn_release(c);
		}
	}
}

void
ws_tcp_timer(struct ws_worker *w)
{
	struct ws_tcp_worker *tw = w->tcp;

	/* Without a ws_tcp_flush at the end of the burst, this is it. */
	ws_tcp_flush(w);
	if (unlikely(tw->bw_head != NULL) && tw->sb_mbufs < tw->sb_wake)
		budget_wake(tw);
	ws_timer_wheel_run(&tw->wheel, w->now);
}

uint32_t
ws_tcp_sndbuf_mbufs(const struct ws_worker *w, uint32_t *budget)
{
	*budget = w->tcp->sb_budget;
	return w->tcp->sb_mbufs;
}

/* ------------------------------------------------------------------ */
/* Graceful stop (ws_stack_drain).                                     */

/* Reset c for good: the peer learns at once that it is over. */
static void
drain_reset(struct ws_tcp_conn *c)
{
	c->tw->st->drain_rst++;
	if (c->state != WS_TCP_SYN_SENT)
		ws_tcp_send_rst_conn(c);
	ws_tcp_conn_drop(c, WS_TCP_CLOSED_STOPPED);
}

void
ws_tcp_drain_begin(struct ws_worker *w, bool reset_only)
{
	struct ws_tcp_worker *tw = w->tcp;
	struct ws_tcp_conn *c;
	uint32_t i;

	tw->draining = true;
	if (reset_only)
		return;
	/* TCBs live in one array: a callback that frees one moves none. */
	for (i = 0; i < tw->n_tcbs; i++) {
		c = &tw->tcbs[i];
		if (!c->in_use || c->dead)
			continue;
		switch (c->state) {
		case WS_TCP_SYN_SENT:
		case WS_TCP_SYN_RECEIVED:
			/* Nothing was said yet; a new connection would be refused. */
			drain_reset(c);
			break;
		case WS_TCP_ESTABLISHED:
		case WS_TCP_CLOSE_WAIT:
			if (c->app_closed || c->shut_wr)
				break;
			ws_tcp_conn_hold(c);
			if (c->app_known && c->ops != NULL &&
					c->ops->drain != NULL)
				c->ops->drain(c);
			else
				ws_tcp_close(c);
			/* A close with unread data resets (RFC 2525). */
			if (c->dead)
				tw->st->drain_rst++;
			ws_tcp_conn_release(c);
			break;
		default:
			/* Closing already: its FIN finds its own way. */
			break;
		}
	}
}

bool
ws_tcp_drain_idle(const struct ws_worker *w)
{
	const struct ws_tcp_stats *st = w->tcp->st;

	return st->st_syn_sent + st->st_syn_received + st->st_established +
		st->st_close_wait + st->st_fin_wait_1 + st->st_closing +
		st->st_last_ack == 0;
}

void
ws_tcp_drain_end(struct ws_worker *w)
{
	struct ws_tcp_worker *tw = w->tcp;
	struct ws_tcp_conn *c;
	uint32_t i;

	tw->draining = true;
	ws_tcp_flush(w);
	for (i = 0; i < tw->n_tcbs; i++) {
		c = &tw->tcbs[i];
		/*
		 * TIME_WAIT and FIN_WAIT_2 ones go quietly at the stop: the
		 * peer has all our data and our FIN, and a RST could make
		 * it throw away what it has not read yet (Windows does).
		 */
		if (c->in_use && !c->dead && c->state != WS_TCP_CLOSED &&
				c->state != WS_TCP_TIME_WAIT &&
				c->state != WS_TCP_FIN_WAIT_2)
			drain_reset(c);
	}
}

/* ------------------------------------------------------------------ */
/* Application interface.                                              */

/* Give listener 'l' checked options 'o' (NULL: the defaults). */
static void
listener_set_opts(struct ws_tcp_worker *tw, struct ws_tcp_listener *l,
		const struct ws_tcp_conn_opts *o)
{
	memset(&l->opts, 0, sizeof(l->opts));
	if (o != NULL)
		l->opts = *o;
	l->rcv_shift = ws_tcp_opts_rcv_shift(tw, o);
	l->mss = (uint16_t)(o != NULL && o->mss != 0 ? o->mss :
		mtu_mss(tw));
}

int
ws_tcp_listen_worker(struct ws_worker *w, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg)
{
	return ws_tcp_listen_worker_opts(w, port, ops, listen_arg, NULL);
}

int
ws_tcp_listen_worker_opts(struct ws_worker *w, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg,
		const struct ws_tcp_conn_opts *opts)
{
	struct ws_tcp_worker *tw = w->tcp;
	struct ws_tcp_listener *l;

	if (tw == NULL || port == 0 || ops == NULL ||
			ws_tcp_conn_opts_check(tw, opts) < 0)
		return -EINVAL;
	if (ws_tcp_find_listener(tw, port) != NULL)
		return -EEXIST;
	if (tw->n_listeners == WS_TCP_MAX_LISTENERS)
		return -ENOSPC;
	l = &tw->listeners[tw->n_listeners++];
	l->port = port;
	l->ops = ops;
	l->arg = listen_arg;
	l->pending = 0;
	l->cookie_mode = false;
	l->cookie_last = 0;
	l->cookies_sent = 0;
	l->cookies_validated = 0;
	listener_set_opts(tw, l, opts);
	tw->st->st_listen++;
	return 0;
}

int
ws_tcp_listen_worker_set_opts(struct ws_worker *w, uint16_t port,
		const struct ws_tcp_conn_opts *opts)
{
	struct ws_tcp_worker *tw = w->tcp;
	struct ws_tcp_listener *l;

	if (tw == NULL || ws_tcp_conn_opts_check(tw, opts) < 0)
		return -EINVAL;
	l = ws_tcp_find_listener(tw, port);
	if (l == NULL)
		return -ENOENT;
	listener_set_opts(tw, l, opts);
	return 0;
}

int
ws_tcp_listen(struct ws_stack *s, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg)
{
	return ws_tcp_listen_opts(s, port, ops, listen_arg, NULL);
}

int
ws_tcp_listen_opts(struct ws_stack *s, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg,
		const struct ws_tcp_conn_opts *opts)
{
	unsigned int i, n = ws_stack_worker_count(s);
	int ret;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = ws_tcp_listen_worker_opts(ws_stack_worker(s, i), port,
			ops, listen_arg, opts);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ws_tcp_listen_set_opts(struct ws_stack *s, uint16_t port,
		const struct ws_tcp_conn_opts *opts)
{
	unsigned int i, n = ws_stack_worker_count(s);
	struct ws_tcp_worker *tw;

	if (n == 0)
		return -EINVAL;
	/*
	 * All or none: every worker is checked before any changes, so that
	 * a failure leaves no worker answering with the new options.
	 */
	for (i = 0; i < n; i++) {
		tw = ws_stack_worker(s, i)->tcp;
		if (tw == NULL || ws_tcp_conn_opts_check(tw, opts) < 0)
			return -EINVAL;
		if (ws_tcp_find_listener(tw, port) == NULL)
			return -ENOENT;
	}
	for (i = 0; i < n; i++) {
		tw = ws_stack_worker(s, i)->tcp;
		listener_set_opts(tw, ws_tcp_find_listener(tw, port), opts);
	}
	return 0;
}

static bool
dst_invalid(const struct ws_worker *w, uint32_t dst)
{
	uint8_t first_octet = (uint8_t)(rte_be_to_cpu_32(dst) >> 24);

	/* MUST-46: no broadcast, multicast, or "this host" destinations. */
	return dst == 0 || first_octet == 0 || first_octet == 127 ||
		first_octet >= 224 || ws_ipv4_is_broadcast(w, dst) ||
		ws_iface_is_local(w->iface, dst);
}

/*
 * May an active open take over TIME_WAIT connection 'c'? Only an active
 * close of ours leaves one on a port without a listener. The rules are
 * Linux's tcp_tw_reuse with timestamps (tcp_twsk_unique), after RFC 6191:
 * the old connection used timestamps, so PAWS tells its old duplicates
 * from the new connection's segments, and the new one offers them too;
 * the peer last spoke WS_TCP_TW_REUSE_MS or more ago, so its timestamp
 * clock has moved past every old segment's; and our new SYN's TSval
 * (same 4-tuple, same offset) is above every one the old connection
 * sent. The new ISS goes above the old SND.NXT in ws_tcp_connect_from.
 */
static bool
tw_reusable(struct ws_tcp_worker *tw, const struct ws_tcp_conn *c)
{
	uint64_t now = ws_tcp_now_ms(tw);

	if (!tw->cfg.tw_reuse || !tw->cfg.timestamps || !c->ts_ok ||
			now - c->ts_recent_ms < WS_TCP_TW_REUSE_MS)
		return false;
	return SEQ_GT((uint32_t)now + ws_tcp_ts_off(tw, &c->key), c->ts_sent);
}

struct port_search {
	struct ws_tcp_worker *tw;
	struct ws_tcp_key key;
	struct ws_tcp_conn *reuse;	/* the TIME_WAIT on the port picked */
};

/*
 * As in Linux, the first port in the search's round-robin order that is
 * free or held by a reusable TIME_WAIT wins: the cursor comes round to the
 * oldest TIME_WAIT first, so a client that reconnects faster than 2 MSL
 * allows pays one lookup per connect, not a walk of the whole range.
 */
static bool
port_in_use(void *arg, uint16_t port)
{
	struct port_search *ps = arg;
	struct ws_tcp_conn *c;

	ps->key.lport = rte_cpu_to_be_16(port);
	/* Only the port the search ends on may carry a reuse. */
	ps->reuse = NULL;
	if (ws_tcp_find_listener(ps->tw, port) != NULL)
		return true;
	c = ws_tcp_lookup(ps->tw, &ps->key);
	if (c == NULL)
		return false;
	if (c->state != WS_TCP_TIME_WAIT)
		return true;
	if (!tw_reusable(ps->tw, c)) {
		ps->tw->st->tw_reuse_refused++;
		return true;
	}
	ps->reuse = c;
	return false;
}

struct ws_tcp_conn *
ws_tcp_connect(struct ws_worker *w, uint32_t dst, uint16_t dst_port,
		const struct ws_tcp_ops *ops, void *ctx)
{
	return ws_tcp_connect_from(w, 0, dst, dst_port, ops, ctx);
}

struct ws_tcp_conn *
ws_tcp_connect_from(struct ws_worker *w, uint32_t src, uint32_t dst,
		uint16_t dst_port, const struct ws_tcp_ops *ops, void *ctx)
{
	return ws_tcp_connect_opts(w, src, dst, dst_port, ops, ctx, NULL);
}

struct ws_tcp_conn *
ws_tcp_connect_opts(struct ws_worker *w, uint32_t src, uint32_t dst,
		uint16_t dst_port, const struct ws_tcp_ops *ops, void *ctx,
		const struct ws_tcp_conn_opts *opts)
{
	struct ws_tcp_worker *tw = w->tcp;
	struct port_search ps;
	struct ws_tcp_key key;
	struct ws_tcp_conn *c;
	uint32_t iss, iss_floor = 0;
	bool reused = false;
	int port;

	if (src == 0)
		src = w->iface->addr;
	if (tw == NULL || dst_port == 0 || dst_invalid(w, dst) ||
			!ws_iface_is_local(w->iface, src) ||
			ws_tcp_conn_opts_check(tw, opts) < 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (tw->draining) {
		rte_errno = ESHUTDOWN;
		return NULL;
	}
	key.raddr = dst;
	key.laddr = src;
	key.rport = rte_cpu_to_be_16(dst_port);
	/* With several workers, only ports whose replies come back to us. */
	ps.tw = tw;
	ps.key = key;
	ps.reuse = NULL;
	port = ws_steer_pick_port(w->steer, w->index, dst, key.laddr,
		key.rport, tw->port_lo, tw->port_n,
		&tw->next_port, port_in_use, &ps);
	if (port < 0) {
		tw->st->connect_no_port++;
		rte_errno = EADDRINUSE;
		return NULL;
	}
	key.lport = rte_cpu_to_be_16((uint16_t)port);
	/* The search stops at the port whose TIME_WAIT it found reusable. */
	if (ps.reuse != NULL && ps.reuse->key.lport == key.lport) {
		iss_floor = ps.reuse->snd_max + WS_TCP_TW_REUSE_SEQ_GAP;
		reused = true;
		tw->st->tw_reused++;
		ws_tcp_conn_drop(ps.reuse, WS_TCP_CLOSED_NORMAL);
	}
	c = ws_tcp_conn_new(tw, &key);
	if (c == NULL) {
		WS_DROP(tw->w, tw->st->drop_table_full, NULL);
		rte_errno = ENOMEM;
		return NULL;
	}
	c->ops = ops;
	c->ctx = ctx;
	/* Offer what is configured; the SYN-ACK settles it. */
	c->ws_ok = tw->cfg.window_scaling;
	c->ts_ok = tw->cfg.timestamps;
	c->sack_ok = tw->cfg.sack;
	ws_tcp_conn_apply_opts(c, opts);
	/* The scale our SYN offers; negotiate() keeps it if accepted. */
	c->rcv_shift = c->ws_ok ? ws_tcp_opts_rcv_shift(tw, opts) : 0;
	iss = ws_tcp_isn(tw, &key, &c->ts_off);
	/* RFC 6191: above the old incarnation's sequence space. */
	if (reused && SEQ_LT(iss, iss_floor))
		iss = iss_floor;
	ws_tcp_set_iss(c, iss);
	c->app_known = 1;
	ws_tcp_set_state(c, WS_TCP_SYN_SENT);
	tw->st->active_opens++;
	ws_tcp_syn_start(c, w->now);
	return c;
}

static bool
can_send_state(const struct ws_tcp_conn *c)
{
	return c->state == WS_TCP_ESTABLISHED ||
		c->state == WS_TCP_CLOSE_WAIT;
}

static int
send_check(const struct ws_tcp_conn *c)
{
	if (c->dead || c->app_closed || c->shut_wr)
		return c->state == WS_TCP_SYN_SENT ||
			c->state == WS_TCP_SYN_RECEIVED ? -ENOTCONN : -EPIPE;
	if (!can_send_state(c))
		return -ENOTCONN;
	return 0;
}

/* Room in this connection's send buffer, budget aside. */
static uint32_t
sb_room(const struct ws_tcp_conn *c)
{
	uint32_t sndbuf = c->sndbuf;

	if (send_check(c) < 0 || c->sb_len >= sndbuf)
		return 0;
	return sndbuf - c->sb_len;
}

uint32_t
ws_tcp_send_space(const struct ws_tcp_conn *c)
{
	/* A spent budget leaves no room either, however empty c's buffer. */
	if (!sb_may_grow(c, 1))
		return 0;
	return sb_room(c);
}

static bool
sb_tail_writable(const struct ws_tcp_conn *c, const struct rte_mbuf *t)
{
	return t != NULL && RTE_MBUF_DIRECT(t) &&
		rte_mbuf_refcnt_read(t) == 1 && t->pool == c->tw->w->pool &&
		rte_pktmbuf_tailroom(t) > 0;
}

static void
sb_append_seg(struct ws_tcp_conn *c, struct rte_mbuf *seg)
{
	c->tw->sb_mbufs++;
	c->sb_mbufs++;
	seg->next = NULL;
	if (c->sb_tail == NULL)
		c->sb_head = seg;
	else
		c->sb_tail->next = seg;
	c->sb_tail = seg;
}

int
ws_tcp_send(struct ws_tcp_conn *c, const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint32_t space, taken = 0, chunk;
	struct rte_mbuf *t;
	int ret = send_check(c);

	if (ret < 0)
		return ret;
	space = sb_room(c);
	if (len > space) {
		c->want_writable = 1;
		len = space;
	}
	while (taken < len) {
		t = c->sb_tail;
		if (!sb_tail_writable(c, t)) {
			/*
			 * Back-pressure, as from a full send buffer: the
			 * application hears 'writable' when there is room.
			 */
			if (!sb_may_grow(c, 1)) {
				sb_refused(c, 1);
				break;
			}
			t = rte_pktmbuf_alloc(c->tw->w->pool);
			if (t == NULL) {
				WS_DROP(c->tw->w, c->tw->st->drop_nombuf, NULL);
				/*
				 * The poll loop calls 'writable' again: with
				 * nothing in flight no ACK ever would, and a
				 * connection that had sent nothing waited for
				 * ever (test_ring's 1000 connections).
				 */
				bw_list_append(c);
				break;
			}
			sb_append_seg(c, t);
		}
		chunk = RTE_MIN(len - taken,
			(uint32_t)rte_pktmbuf_tailroom(t));
		memcpy(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len),
			p + taken, chunk);
		t->data_len = (uint16_t)(t->data_len + chunk);
		t->pkt_len = t->data_len;
		taken += chunk;
		c->sb_len += chunk;
	}
	if (taken != 0)
		ws_tcp_output(c);
	return (int)taken;
}

int
ws_tcp_send_mbuf(struct ws_tcp_conn *c, struct rte_mbuf *m)
{
	struct rte_mbuf *seg, *next;
	int ret = send_check(c);

	if (ret < 0)
		return ret;
	if (m->pkt_len > sb_room(c)) {
		c->want_writable = 1;
		return -ENOBUFS;
	}
	if (!sb_may_grow(c, m->nb_segs)) {
		sb_refused(c, m->nb_segs);
		return -ENOBUFS;
	}
	c->sb_len += m->pkt_len;
	for (seg = m; seg != NULL; seg = next) {
		next = seg->next;
		if (seg->data_len == 0) {
			seg->next = NULL;
			rte_pktmbuf_free_seg(seg);
			continue;
		}
		seg->nb_segs = 1;
		seg->pkt_len = seg->data_len;
		sb_append_seg(c, seg);
	}
	ws_tcp_output(c);
	return 0;
}

void
ws_tcp_recv_resume(struct ws_tcp_conn *c)
{
	if (c->dead)
		return;
	ws_tcp_conn_hold(c);
	ws_tcp_deliver(c);
	if (!c->dead)
		ws_tcp_output(c);
	ws_tcp_conn_release(c);
}

int
ws_tcp_shutdown(struct ws_tcp_conn *c)
{
	if (c->dead)
		return -ENOTCONN;
	if (c->shut_wr)
		return 0;
	switch (c->state) {
	case WS_TCP_SYN_SENT:
		/* Nothing was sent yet: just forget it. */
		ws_tcp_conn_drop(c, WS_TCP_CLOSED_NORMAL);
		return 0;
	case WS_TCP_ESTABLISHED:
		c->shut_wr = 1;
		ws_tcp_set_state(c, WS_TCP_FIN_WAIT_1);
		break;
	case WS_TCP_CLOSE_WAIT:
		c->shut_wr = 1;
		ws_tcp_set_state(c, WS_TCP_LAST_ACK);
		break;
	default:
		return -ENOTCONN;
	}
	if (unlikely(c->tw->draining))
		c->tw->st->drain_fin++;
	ws_tcp_output(c);
	return 0;
}

/*
 * The application let go of c before it closed: c is an orphan until it
 * reaches TIME_WAIT or CLOSED. Past orphans_max of them, one that still
 * has data to deliver is reset at once (Linux: tcp_max_orphans): a peer
 * that never reads would otherwise pin its buffers.
 */
static void
orphan_enter(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	if (c->dead || c->orphan || (c->state != WS_TCP_FIN_WAIT_1 &&
			c->state != WS_TCP_FIN_WAIT_2 &&
			c->state != WS_TCP_CLOSING &&
			c->state != WS_TCP_LAST_ACK))
		return;
	if (c->sb_len != 0 && tw->st->st_orphans >= tw->cfg.orphans_max) {
		tw->st->orphan_reset_limit++;
		ws_tcp_abort(c);
		return;
	}
	c->orphan = 1;
	c->orphan_probes = 0;
	tw->st->st_orphans++;
}

static int
close_now(struct ws_tcp_conn *c)
{
	int ret;

	/* Unread data would be lost silently: tell the peer (RFC 2525). */
	if (c->rb_len != 0 && c->state != WS_TCP_SYN_SENT) {
		ws_tcp_abort(c);
		return 0;
	}
	ret = ws_tcp_shutdown(c);
	if (ret == 0 && !c->dead && c->state == WS_TCP_FIN_WAIT_2)
		ws_tcp_timer_arm_ms(c, &c->wait_timer, 2 * c->tw->cfg.msl_ms);
	if (ret == 0)
		orphan_enter(c);
	return ret;
}

int
ws_tcp_close(struct ws_tcp_conn *c)
{
	if (c->dead)
		return -ENOTCONN;
	if (c->app_closed)
		return 0;
	c->app_closed = 1;
	/* The application is done with it: no more 'idle'. */
	ws_timer_cancel(&c->tw->wheel, &c->idle_timer);
	/*
	 * Inside 'data' the bytes on offer are not consumed yet: decide
	 * between FIN and RST once the callback has said how many it took.
	 */
	if (c->delivering) {
		c->close_deferred = 1;
		return 0;
	}
	return close_now(c);
}

void
ws_tcp_abort(struct ws_tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->state != WS_TCP_SYN_SENT && c->state != WS_TCP_TIME_WAIT &&
			c->state != WS_TCP_CLOSED)
		ws_tcp_send_rst_conn(c);
	ws_tcp_conn_drop(c, WS_TCP_CLOSED_ABORTED);
}

void
ws_tcp_set_ctx(struct ws_tcp_conn *c, void *ctx)
{
	c->ctx = ctx;
}

void *
ws_tcp_ctx(const struct ws_tcp_conn *c)
{
	return c->ctx;
}

void
ws_tcp_set_nodelay(struct ws_tcp_conn *c, bool nodelay)
{
	c->nodelay = nodelay;
	if (nodelay && !c->dead)
		ws_tcp_output(c);
}

int
ws_tcp_set_rcvbuf(struct ws_tcp_conn *c, uint32_t bytes)
{
	uint32_t cur;

	if (c->dead)
		return -ENOTCONN;
	if (!buf_ok(c->tw, bytes, c->tw->cfg.rcvbuf_max))
		return -EINVAL;
	c->rcvbuf = bytes;
	c->rcvbuf_fixed = 1;
	/*
	 * A smaller buffer needs nothing more: ws_tcp_rcv_window never
	 * moves an advertised edge back (SHLD-14). A larger one that opens
	 * a nearly closed window is announced at once, as reading would
	 * (MUST-39), or the peer would wait for its persist timer.
	 */
	if (c->state != WS_TCP_ESTABLISHED && c->state != WS_TCP_FIN_WAIT_1 &&
			c->state != WS_TCP_FIN_WAIT_2)
		return 0;
	cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (cur < 2u * c->rcv_mss && ws_tcp_rcv_window(c) > cur) {
		c->ack_now = 1;
		ws_tcp_output(c);
	}
	return 0;
}

int
ws_tcp_set_sndbuf(struct ws_tcp_conn *c, uint32_t bytes)
{
	if (c->dead)
		return -ENOTCONN;
	if (!buf_ok(c->tw, bytes, c->tw->cfg.sndbuf_max))
		return -EINVAL;
	/* Queued bytes stay; sb_room takes nothing until below 'bytes'. */
	c->sndbuf = bytes;
	c->sndbuf_fixed = 1;
	return 0;
}

int
ws_tcp_set_congestion(struct ws_tcp_conn *c, const char *name)
{
	const struct ws_tcp_cc_ops *ops;

	if (name == NULL || (ops = ws_tcp_cc_find(name)) == NULL)
		return -ENOENT;
	if (c->dead)
		return -ENOTCONN;
	if (ops == c->cc)
		return 0;
	c->cc = ops;
	/* Before ESTABLISHED its init() sets the window up. */
	if (c->state == WS_TCP_CLOSED || c->state == WS_TCP_LISTEN ||
			c->state == WS_TCP_SYN_SENT ||
			c->state == WS_TCP_SYN_RECEIVED)
		return 0;
	/*
	 * On the way: cwnd, ssthresh and any recovery in progress stay;
	 * the algorithm's own state starts afresh (CUBIC: W_max unknown,
	 * its curve from the current cwnd at the next epoch; HyStart++
	 * only if this is still the initial slow start).
	 */
	memset(c->cc_priv, 0, sizeof(c->cc_priv));
	c->bytes_acked = 0;
	ws_tcp_ss_init(c);
	return 0;
}

const char *
ws_tcp_congestion(const struct ws_tcp_conn *c)
{
	return c->cc->name;
}

void
ws_tcp_set_pacing(struct ws_tcp_conn *c, bool on)
{
	c->pacing = on;
	if (!on) {
		ws_timer_cancel(&c->tw->wheel, &c->pace_timer);
		if (!c->dead)
			ws_tcp_output(c);
	}
}

void
ws_tcp_set_keepalive(struct ws_tcp_conn *c, bool on, uint32_t idle_ms,
		uint32_t interval_ms, uint32_t count)
{
	const struct ws_tcp_config *cfg = &c->tw->cfg;

	c->keepalive = on;
	c->ka_idle_ms = idle_ms != 0 ? idle_ms : cfg->keepalive_idle_ms;
	c->ka_intvl_ms = interval_ms != 0 ? interval_ms :
		cfg->keepalive_interval_ms;
	c->ka_cnt = count != 0 ? count : cfg->keepalive_count;
	c->ka_probes = 0;
	if (c->dead)
		return;
	if (c->rtx_mode == WS_TCP_RTX_KEEPALIVE) {
		ws_timer_cancel(&c->tw->wheel, &c->rtx_timer);
		c->rtx_mode = WS_TCP_RTX_NONE;
	}
	rtx_update(c, false);
}

void
ws_tcp_set_user_timeout(struct ws_tcp_conn *c, uint32_t r2_ms)
{
	c->r2_ms = r2_ms != 0 ? r2_ms : c->tw->cfg.r2_ms;
}

void
ws_tcp_set_idle_timeout(struct ws_tcp_conn *c, uint32_t ms)
{
	c->idle_ms = ms;
	c->idle_base = c->tw->w->now;
	if (ms == 0 || c->dead || c->app_closed ||
			c->state == WS_TCP_TIME_WAIT) {
		ws_timer_cancel(&c->tw->wheel, &c->idle_timer);
		return;
	}
	idle_arm(c);
}

void
ws_tcp_get_info(const struct ws_tcp_conn *c, struct ws_tcp_info *info)
{
	uint32_t off = c->snd_nxt - c->snd_una;
	uint64_t pipe, out;

	memset(info, 0, sizeof(*info));
	info->state = (enum ws_tcp_state)c->state;
	info->local_addr = c->key.laddr;
	info->remote_addr = c->key.raddr;
	info->local_port = rte_be_to_cpu_16(c->key.lport);
	info->remote_port = rte_be_to_cpu_16(c->key.rport);
	info->srtt_us = c->srtt_us;
	info->rto_ms = c->rto_ms;
	info->snd_mss = c->mss;
	info->cwnd = c->cwnd;
	info->ssthresh = c->ssthresh;
	info->snd_wnd = c->snd_wnd;
	info->rcv_wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;
	info->unacked = RTE_MIN(off, c->sb_len);
	info->unsent = c->sb_len - info->unacked;
	info->held = c->rb_len;
	info->retransmits = c->retransmits;
	info->timestamps = c->ts_ok;
	info->sack = c->sack_ok;
	info->window_scaling = c->ws_ok;
	info->rttvar_us = c->rttvar_us;
	/* RFC 6675's pipe: what left, less what arrived or was lost. */
	pipe = (uint64_t)ws_tcp_flight(c) + c->retrans_out;
	out = (uint64_t)c->sacked_out + c->lost_out;
	info->in_flight = pipe > out ? (uint32_t)(pipe - out) : 0;
	info->sacked = c->sacked_out;
	info->lost = c->lost_out;
	info->retrans_bytes = c->retrans_bytes;
	info->ca_state = ws_tcp_ca_state_name(c->ca_state);
	info->cc = c->cc != NULL ? c->cc->name : "";
	info->rcvbuf = c->rcvbuf;
	info->sndbuf = c->sndbuf;
	info->rcv_mss = c->rcv_mss;
	info->rcvbuf_fixed = c->rcvbuf_fixed;
	info->sndbuf_fixed = c->sndbuf_fixed;
}

const char *
ws_tcp_ca_state_name(unsigned int ca_state)
{
	static const char *const names[] = {
		[WS_TCP_CA_OPEN] = "open",
		[WS_TCP_CA_DISORDER] = "disorder",
		[WS_TCP_CA_RECOVERY] = "recovery",
		[WS_TCP_CA_LOSS] = "loss",
	};

	return ca_state < RTE_DIM(names) ? names[ca_state] : "?";
}

struct ws_worker *
ws_tcp_worker(const struct ws_tcp_conn *c)
{
	return c->tw->w;
}

#ifdef RTE_ENABLE_ASSERT
/* Send buffers up to this many mbufs are walked whole by ws_tcp_check. */
#define WS_TCP_CHECK_WALK_MAX	256

void
ws_tcp_check(const struct ws_tcp_conn *c)
{
	const struct rte_mbuf *seg;
	uint64_t held = 0;
	uint32_t segs = 0;

	if (c->dead)
		return;
	RTE_VERIFY(SEQ_LEQ(c->snd_una, c->snd_nxt));
	RTE_VERIFY(SEQ_LEQ(c->snd_nxt, c->snd_max));
	RTE_VERIFY(c->sb_mbufs <= c->tw->sb_mbufs);
	RTE_VERIFY(c->sb_head == NULL || c->sb_off < c->sb_head->data_len);
	RTE_VERIFY((c->sb_head == NULL) == (c->sb_tail == NULL));
	/*
	 * The whole walk only for small buffers: at a window of thousands of
	 * segments a walk per call made the WAN tests' transfers quadratic.
	 */
	if (c->sb_mbufs <= WS_TCP_CHECK_WALK_MAX) {
		for (seg = c->sb_head; seg != NULL; seg = seg->next) {
			RTE_VERIFY(seg->next != NULL || seg == c->sb_tail);
			held += seg->data_len;
			segs++;
		}
		RTE_VERIFY(segs == c->sb_mbufs);
		RTE_VERIFY(held - c->sb_off == c->sb_len || (held == 0 &&
			c->sb_len == 0));
	}
	/* In flight: data from the buffer, plus a SYN and a FIN. */
	RTE_VERIFY(ws_tcp_flight(c) <= c->sb_len + 2);
	if (c->sack_ok)
		ws_tcp_lr_check(c);
}
#endif

void
ws_tcp_after_input(struct ws_tcp_conn *c, bool acked_new)
{
	if (c->dead)
		return;
	ws_tcp_check(c);
	if (acked_new) {
		/* A peer that takes data makes progress: count anew. */
		c->orphan_probes = 0;
		rtx_restart_on_ack(c);
	} else {
		rtx_update(c, false);
	}
	if (acked_new && c->want_writable && c->app_known)
		ws_tcp_sndbuf_expand(c);
	if (acked_new && c->want_writable && c->app_known &&
			sb_room(c) > 0) {
		/* The budget spent by others: wait with them for room. */
		if (!sb_may_grow(c, 1)) {
			bw_list_append(c);
			return;
		}
		c->want_writable = 0;
		if (c->ops != NULL && c->ops->writable != NULL)
			c->ops->writable(c);
	}
}
