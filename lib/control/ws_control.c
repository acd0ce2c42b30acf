/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>

#include "woshou.h"
#include "ws_control.h"
#include "ws_log.h"
#include "ws_worker.h"

/* Conns and neighbours keep being collected this long after a request. */
#define WS_WANT_HOLD_MS 10000
/* How long the control thread waits for a worker to answer. */
#define WS_PUBLISH_WAIT_MS 200

struct ws_control {
	struct ws_snap_store *store;
	uint64_t start_ms;
	uint32_t round;
	/* Written by readers (telemetry threads), read by the control. */
	uint64_t want_until[2];		/* ms: conns, neighbours */
	uint32_t urgent;
};

uint64_t
ws_control_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct ws_control *
ws_control_create(struct ws_stack *s)
{
	const struct ws_config *cfg = ws_stack_config(s);
	struct ws_control *ctl;
	uint32_t conn_cap = cfg->control.conn_list_max;
	uint32_t per_worker, neigh_per_worker = cfg->arp.cache_entries;
	unsigned int i, n = ws_stack_worker_count(s);

	ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL)
		goto nomem;
	ctl->store = ws_snap_store_create(conn_cap, neigh_per_worker * n);
	if (ctl->store == NULL)
		goto nomem;
	/* A worker never has more than its TCBs and listeners to list. */
	per_worker = RTE_MIN(conn_cap, cfg->tcp.max_connections + 64);
	for (i = 0; i < n; i++) {
		struct ws_worker *w = ws_stack_worker(s, i);

		if (per_worker != 0) {
			w->pub_conns = calloc(per_worker, sizeof(*w->pub_conns));
			if (w->pub_conns == NULL)
				goto nomem;
			w->pub_conn_cap = per_worker;
		}
		w->pub_neigh = calloc(neigh_per_worker, sizeof(*w->pub_neigh));
		if (w->pub_neigh == NULL)
			goto nomem;
		w->pub_neigh_cap = neigh_per_worker;
	}
	ctl->start_ms = ws_control_now_ms();
	return ctl;
nomem:
	ws_control_free(ctl, s);
	rte_errno = ENOMEM;
	return NULL;
}

void
ws_control_free(struct ws_control *ctl, struct ws_stack *s)
{
	unsigned int i, n = ws_stack_worker_count(s);

	for (i = 0; i < n; i++) {
		struct ws_worker *w = ws_stack_worker(s, i);

		if (w == NULL)
			continue;
		free(w->pub_conns);
		w->pub_conns = NULL;
		w->pub_conn_cap = 0;
		free(w->pub_neigh);
		w->pub_neigh = NULL;
		w->pub_neigh_cap = 0;
	}
	if (ctl == NULL)
		return;
	ws_snap_store_free(ctl->store);
	free(ctl);
}

void
ws_control_started(struct ws_control *ctl)
{
	ctl->start_ms = ws_control_now_ms();
}

struct ws_snap_store *
ws_control_store(struct ws_control *ctl)
{
	return ctl->store;
}

uint64_t
ws_control_start_ms(const struct ws_control *ctl)
{
	return ctl->start_ms;
}

void
ws_control_want(struct ws_control *ctl, uint32_t want, bool now)
{
	uint64_t until = ws_control_now_ms() + WS_WANT_HOLD_MS;

	if (want & WS_SNAP_WANT_CONNS)
		__atomic_store_n(&ctl->want_until[0], until, __ATOMIC_RELAXED);
	if (want & WS_SNAP_WANT_NEIGH)
		__atomic_store_n(&ctl->want_until[1], until, __ATOMIC_RELAXED);
	if (now)
		__atomic_store_n(&ctl->urgent, 1, __ATOMIC_RELEASE);
}

static uint32_t
wanted_now(struct ws_control *ctl, uint64_t now)
{
	uint32_t want = 0;

	if (__atomic_load_n(&ctl->want_until[0], __ATOMIC_RELAXED) > now)
		want |= WS_SNAP_WANT_CONNS;
	if (__atomic_load_n(&ctl->want_until[1], __ATOMIC_RELAXED) > now)
		want |= WS_SNAP_WANT_NEIGH;
	return want;
}

/* Copy what worker w published (or, stale, its live counters) into sn. */
static void
take_worker(struct ws_snapshot *sn, const struct ws_worker *w, bool fresh,
		uint32_t want)
{
	struct ws_snap_worker *sw = &sn->workers[w->index];
	uint32_t room, n;

	sw->lcore_id = w->lcore_id;
	sw->fresh = fresh;
	/*
	 * What the worker last published; for a stale worker as racy (and
	 * as harmless) as its live counters below.
	 */
	sw->n_listeners = w->pub_listener_n;
	memcpy(sw->listeners, w->pub_listeners,
		sw->n_listeners * sizeof(sw->listeners[0]));
	if (!fresh) {
		/* Racy but harmless: each counter is one aligned word. */
		sw->stats = w->stats;
		return;
	}
	sw->stats = w->pub_stats;
	if (want & WS_SNAP_WANT_CONNS) {
		room = sn->conn_cap - sn->n_conns;
		n = RTE_MIN(room, w->pub_conn_n);
		if (n != 0)
			memcpy(&sn->conns[sn->n_conns], w->pub_conns,
				n * sizeof(*sn->conns));
		sw->conn_first = sn->n_conns;
		sw->conn_n = n;
		sw->conn_truncated = w->pub_conn_truncated ||
			n < w->pub_conn_n;
		sn->n_conns += n;
		if (sw->conn_truncated)
			sn->conns_truncated = true;
	}
	if (want & WS_SNAP_WANT_NEIGH) {
		room = sn->neigh_cap - sn->n_neigh;
		n = RTE_MIN(room, w->pub_neigh_n);
		memcpy(&sn->neigh[sn->n_neigh], w->pub_neigh,
			n * sizeof(*sn->neigh));
		sw->neigh_first = sn->n_neigh;
		sw->neigh_n = n;
		sn->n_neigh += n;
	}
}

int
ws_stack_snapshot(struct ws_stack *s, uint32_t want, unsigned int wait_ms)
{
	struct ws_control *ctl = ws_stack_control(s);
	unsigned int i, n = ws_stack_worker_count(s);
	const struct ws_snapshot *prev;
	struct ws_snapshot *sn;
	bool fresh[WS_MAX_WORKERS], all;
	uint64_t deadline;
	uint32_t round;

	if (ctl == NULL)
		return -ENODEV;
	round = ++ctl->round;
	for (i = 0; i < n; i++) {
		struct ws_worker *w = ws_stack_worker(s, i);

		__atomic_store_n(&w->pub_want, want, __ATOMIC_RELAXED);
		__atomic_store_n(&w->pub_req, round, __ATOMIC_RELEASE);
		/* Driven by hand: the caller owns the workers' thread. */
		if (!ws_stack_workers_running(s))
			ws_worker_publish(w, round);
	}
	deadline = ws_control_now_ms() + wait_ms;
	for (;;) {
		all = true;
		for (i = 0; i < n; i++) {
			fresh[i] = __atomic_load_n(
				&ws_stack_worker(s, i)->pub_ack,
				__ATOMIC_ACQUIRE) == round;
			all = all && fresh[i];
		}
		if (all || ws_control_now_ms() >= deadline)
			break;
		sched_yield();
	}

	prev = ws_snap_store_current_locked(ctl->store);
	sn = ws_snap_store_begin(ctl->store);
	sn->seq = prev->seq + 1;
	sn->taken_ms = ws_control_now_ms();
	sn->uptime_ms = sn->taken_ms - ctl->start_ms;
	sn->n_workers = n;
	/* Conns listed from only some workers would not add up: all or none. */
	if (!all)
		want = 0;
	sn->have_conns = (want & WS_SNAP_WANT_CONNS) != 0;
	sn->have_neigh = (want & WS_SNAP_WANT_NEIGH) != 0;
	for (i = 0; i < n; i++)
		take_worker(sn, ws_stack_worker(s, i), fresh[i], want);
	ws_snapshot_compute(sn, prev);
	ws_snap_store_publish(ctl->store);
	return all ? 0 : -ETIMEDOUT;
}

const struct ws_snapshot *
ws_stack_snapshot_acquire(struct ws_stack *s, unsigned int *slot)
{
	return ws_snap_acquire(ws_control_store(ws_stack_control(s)), slot);
}

void
ws_stack_snapshot_release(struct ws_stack *s, unsigned int slot)
{
	ws_snap_release(ws_control_store(ws_stack_control(s)), slot);
}

static void
print_line(FILE *out, const struct ws_snapshot *sn)
{
	const struct ws_stats *t = &sn->total;

	fprintf(out, "rx %" PRIu64 " pps tx %" PRIu64 " pps busy %" PRIu64
		"%% | rx %" PRIu64 " tx %" PRIu64 " | tcp est %" PRIu64
		" tw %" PRIu64 " conns %" PRIu64 " | arp req %" PRIu64
		" rep %" PRIu64 " | icmp echo %" PRIu64 " | ip frag %" PRIu64
		" reasm %" PRIu64 " | drops %" PRIu64 "\n",
		sn->rates.rx_pps, sn->rates.tx_pps, sn->rates.busy_pct,
		t->loop.rx_pkts, t->loop.tx_pkts,
		t->tcp.st_established, t->tcp.st_time_wait, sn->conn_count,
		t->arp.requests_rx, t->arp.replies_tx,
		t->icmp.echo_tx, t->ip.frag_rx, t->ip.reasm_ok,
		ws_stats_drops(t));
	fflush(out);
}

void
ws_control_run(struct ws_stack *s, volatile sig_atomic_t *quit, FILE *out)
{
	const struct ws_config *cfg = ws_stack_config(s);
	struct ws_control *ctl = ws_stack_control(s);
	struct timespec nap = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	const struct ws_snapshot *sn;
	uint64_t interval = cfg->control.interval_ms, last, t;
	unsigned int slot;
	bool urgent;

	ws_stack_snapshot(s, 0, WS_PUBLISH_WAIT_MS);
	last = ws_control_now_ms();
	while (!*quit) {
		/* Short naps keep Ctrl-C and readers' requests responsive. */
		nanosleep(&nap, NULL);
		t = ws_control_now_ms();
		urgent = __atomic_exchange_n(&ctl->urgent, 0,
			__ATOMIC_ACQUIRE) != 0;
		if (t - last < interval && !urgent)
			continue;
		ws_stack_snapshot(s, wanted_now(ctl, t), WS_PUBLISH_WAIT_MS);
		if (t - last < interval)
			continue;	/* an extra round for a reader */
		last = t;
		/* A log level changed at run time: drop lines follow it. */
		ws_log_refresh();
		if (cfg->control.print_stats && out != NULL) {
			sn = ws_stack_snapshot_acquire(s, &slot);
			print_line(out, sn);
			ws_stack_snapshot_release(s, slot);
		}
	}
}
