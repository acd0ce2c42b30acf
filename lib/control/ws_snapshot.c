/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "ws_snapshot.h"
#include "ws_tcp.h"

struct ws_snap_store {
	struct ws_snapshot snap[2];
	/* Index of the readable snapshot; the writer owns the other. */
	unsigned int current;
	/* Readers inside each snapshot. */
	unsigned int readers[2];
};

uint64_t
ws_stats_drops(const struct ws_stats *s)
{
	return s->loop.tx_drop_full + ws_stats_sum(s, "drop_*");
}

static uint64_t
tcp_gauge_sum(const struct ws_tcp_stats *t)
{
	uint64_t sum = 0;
	int st;

	for (st = 0; st < WS_TCP_NSTATES; st++)
		sum += ws_tcp_state_count(t, (enum ws_tcp_state)st);
	return sum;
}

/* Counters only grow; a smaller value means a restart: no rate. */
static uint64_t
per_second(uint64_t cur, uint64_t prev, uint64_t ms)
{
	if (cur <= prev || ms == 0)
		return 0;
	return (cur - prev) * 1000 / ms;
}

static void
compute_rates(struct ws_rates *r, const struct ws_loop_stats *cur,
		const struct ws_loop_stats *prev, uint64_t ms)
{
	uint64_t busy, idle, rx;

	memset(r, 0, sizeof(*r));
	if (prev == NULL)
		return;
	r->rx_pps = per_second(cur->rx_pkts, prev->rx_pkts, ms);
	r->tx_pps = per_second(cur->tx_pkts, prev->tx_pkts, ms);
	r->rx_bps = per_second(cur->rx_bytes, prev->rx_bytes, ms) * 8;
	r->tx_bps = per_second(cur->tx_bytes, prev->tx_bytes, ms) * 8;
	busy = cur->busy_cycles >= prev->busy_cycles ?
		cur->busy_cycles - prev->busy_cycles : 0;
	idle = cur->idle_cycles >= prev->idle_cycles ?
		cur->idle_cycles - prev->idle_cycles : 0;
	rx = cur->rx_pkts >= prev->rx_pkts ? cur->rx_pkts - prev->rx_pkts : 0;
	if (busy + idle != 0)
		r->busy_pct = (busy * 100 + (busy + idle) / 2) / (busy + idle);
	if (rx != 0)
		r->cycles_per_pkt = busy / rx;
}

void
ws_snapshot_compute(struct ws_snapshot *next, const struct ws_snapshot *prev)
{
	uint64_t ms = 0;
	bool have_prev;
	unsigned int i;

	have_prev = prev != NULL && prev->seq != 0 &&
		prev->n_workers == next->n_workers;
	if (have_prev && next->taken_ms > prev->taken_ms)
		ms = next->taken_ms - prev->taken_ms;
	next->elapsed_ms = ms;
	memset(&next->total, 0, sizeof(next->total));
	next->conn_count = 0;
	for (i = 0; i < next->n_workers; i++) {
		struct ws_snap_worker *sw = &next->workers[i];

		ws_stats_add(&next->total, &sw->stats);
		sw->conn_count = tcp_gauge_sum(&sw->stats.tcp);
		next->conn_count += sw->conn_count;
		compute_rates(&sw->rates, &sw->stats.loop,
			have_prev ? &prev->workers[i].stats.loop : NULL, ms);
	}
	compute_rates(&next->rates, &next->total.loop,
		have_prev ? &prev->total.loop : NULL, ms);
}

struct ws_snap_store *
ws_snap_store_create(uint32_t conn_cap, uint32_t neigh_cap)
{
	struct ws_snap_store *st;
	unsigned int i;

	st = calloc(1, sizeof(*st));
	if (st == NULL)
		goto nomem;
	for (i = 0; i < 2; i++) {
		struct ws_snapshot *sn = &st->snap[i];

		sn->conn_cap = conn_cap;
		sn->neigh_cap = neigh_cap;
		if (conn_cap != 0) {
			sn->conns = calloc(conn_cap, sizeof(*sn->conns));
			if (sn->conns == NULL)
				goto nomem;
		}
		if (neigh_cap != 0) {
			sn->neigh = calloc(neigh_cap, sizeof(*sn->neigh));
			if (sn->neigh == NULL)
				goto nomem;
		}
	}
	return st;
nomem:
	ws_snap_store_free(st);
	rte_errno = ENOMEM;
	return NULL;
}

void
ws_snap_store_free(struct ws_snap_store *st)
{
	unsigned int i;

	if (st == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(st->snap[i].conns);
		free(st->snap[i].neigh);
	}
	free(st);
}

struct ws_snapshot *
ws_snap_store_begin(struct ws_snap_store *st)
{
	unsigned int other = 1 - __atomic_load_n(&st->current,
		__ATOMIC_SEQ_CST);
	struct ws_snapshot *sn = &st->snap[other];
	struct ws_conn_entry *conns = sn->conns;
	struct ws_neigh_entry *neigh = sn->neigh;
	uint32_t conn_cap = sn->conn_cap, neigh_cap = sn->neigh_cap;

	/*
	 * A reader that took this buffer while it was current may still be
	 * reading it; readers hold it for the few microseconds a reply
	 * takes to build.
	 */
	while (__atomic_load_n(&st->readers[other], __ATOMIC_SEQ_CST) != 0)
		sched_yield();
	memset(sn, 0, sizeof(*sn));
	sn->conns = conns;
	sn->conn_cap = conn_cap;
	sn->neigh = neigh;
	sn->neigh_cap = neigh_cap;
	return sn;
}

void
ws_snap_store_publish(struct ws_snap_store *st)
{
	unsigned int cur = __atomic_load_n(&st->current, __ATOMIC_SEQ_CST);

	__atomic_store_n(&st->current, 1 - cur, __ATOMIC_SEQ_CST);
}

const struct ws_snapshot *
ws_snap_store_current_locked(const struct ws_snap_store *st)
{
	return &st->snap[__atomic_load_n(&st->current, __ATOMIC_SEQ_CST)];
}

const struct ws_snapshot *
ws_snap_acquire(struct ws_snap_store *st, unsigned int *slot)
{
	unsigned int i;

	for (;;) {
		i = __atomic_load_n(&st->current, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&st->readers[i], 1, __ATOMIC_SEQ_CST);
		/*
		 * Still current after we registered: the writer, which
		 * checks the readers of a buffer only once it is no longer
		 * current, will wait for us.
		 */
		if (__atomic_load_n(&st->current, __ATOMIC_SEQ_CST) == i)
			break;
		__atomic_fetch_sub(&st->readers[i], 1, __ATOMIC_SEQ_CST);
	}
	*slot = i;
	return &st->snap[i];
}

void
ws_snap_release(struct ws_snap_store *st, unsigned int slot)
{
	__atomic_fetch_sub(&st->readers[slot & 1], 1, __ATOMIC_SEQ_CST);
}
