/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_SNAPSHOT_H
#define WS_SNAPSHOT_H

/*
 * Snapshots of the stack's counters, published by the control thread.
 *
 * Workers never wait and never lock: each keeps writing its own counter
 * block. Once per interval the control thread asks every worker for a copy
 * (a request number the worker sees between bursts; it answers by copying
 * its block, and, while someone wants them, its connections and ARP
 * entries, then acknowledging), adds them up, computes rates against the
 * previous snapshot and publishes the result. Readers (the telemetry
 * threads, the per-second line) only ever see a complete, immutable
 * snapshot: the store keeps two, and the control thread rewrites the older
 * one only after its last reader let go.
 *
 * Because one worker's copy is taken at a single instant between two
 * bursts, its counters agree with each other: the TCP state gauges add up
 * to exactly the connections listed from the same snapshot.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "ws_config.h"
#include "ws_stats.h"

/* One connection as the snapshot lists it (addresses network order). */
struct ws_conn_entry {
	uint32_t local_addr, remote_addr;
	uint16_t local_port, remote_port;	/* host order; listeners: 0 */
	uint8_t state;				/* enum ws_tcp_state */
	uint8_t worker;
	uint16_t reserved;
	uint32_t unacked, held;			/* bytes in flight, unread */
	/* Congestion control and loss recovery (struct ws_tcp_info). */
	uint32_t cwnd, ssthresh, srtt_us, rttvar_us, rto_ms;
	uint32_t in_flight, sacked, lost;	/* bytes */
	uint64_t retrans_bytes;
	uint32_t snd_wnd, rcv_wnd;
	uint32_t rcvbuf, sndbuf;		/* as autotuned */
	uint8_t ca_state;			/* ws_tcp_ca_state_name() */
	char cc[15];				/* the algorithm; "" listeners */
};

/* One neighbour of one worker's ARP cache. */
struct ws_neigh_entry {
	uint32_t addr;				/* network order */
	struct rte_ether_addr mac;
	uint8_t state;				/* enum ws_arp_state */
	uint8_t worker;
	uint32_t age_ms;			/* since last confirmed */
};

/* One listener of one worker and its SYN-flood state. */
#define WS_SNAP_LISTENERS	32	/* a worker's most listeners */
struct ws_listener_entry {
	uint16_t port;				/* host order */
	uint8_t worker;
	uint8_t cookie_mode;			/* answering with cookies now */
	uint32_t half_open;			/* SYN_RECEIVED */
	uint32_t backlog;			/* the bound on half_open */
	uint64_t cookies_sent;
	uint64_t cookies_validated;
};

/* What a worker copies for the control thread besides its counters. */
#define WS_SNAP_WANT_CONNS	0x1u
#define WS_SNAP_WANT_NEIGH	0x2u

/* Rates over the interval between two snapshots. */
struct ws_rates {
	uint64_t rx_pps, tx_pps;
	uint64_t rx_bps, tx_bps;		/* bits per second */
	uint64_t busy_pct;			/* busy / (busy + idle) cycles */
	uint64_t cycles_per_pkt;		/* busy cycles per rx packet */
};

struct ws_snap_worker {
	unsigned int lcore_id;
	bool fresh;		/* answered this round (else: live read) */
	struct ws_stats stats;
	struct ws_rates rates;
	uint64_t conn_count;	/* TCBs and listeners: the gauges' sum */
	uint32_t conn_first, conn_n;	/* its slice of conns[] */
	bool conn_truncated;
	uint32_t neigh_first, neigh_n;	/* its slice of neigh[] */
	uint32_t n_listeners;
	struct ws_listener_entry listeners[WS_SNAP_LISTENERS];
};

struct ws_snapshot {
	uint64_t seq;			/* 1, 2, ...; 0 = nothing yet */
	uint64_t taken_ms;		/* monotonic clock */
	uint64_t uptime_ms;		/* since the stack started */
	uint64_t elapsed_ms;		/* since the previous snapshot */
	unsigned int n_workers;
	struct ws_stats total;
	struct ws_rates rates;		/* whole stack */
	uint64_t conn_count;
	bool have_conns;		/* conns[] was collected this round */
	bool conns_truncated;		/* ... but not all fitted */
	uint32_t n_conns, conn_cap;
	struct ws_conn_entry *conns;
	bool have_neigh;
	uint32_t n_neigh, neigh_cap;
	struct ws_neigh_entry *neigh;
	struct ws_snap_worker workers[WS_MAX_WORKERS];
};

/*
 * The per-worker part of 'next' filled in (stats, conns): compute totals
 * and rates against 'prev' (whose seq is 0 when there is none). Uses
 * next->taken_ms - prev->taken_ms as the interval. Pure, for tests.
 */
void ws_snapshot_compute(struct ws_snapshot *next,
		const struct ws_snapshot *prev);

/* Total counters excluding gauges: how many packets were dropped. */
uint64_t ws_stats_drops(const struct ws_stats *s);

/* Two snapshots, the current one readable, the other being written. */
struct ws_snap_store;

/* NULL + rte_errno on failure. */
struct ws_snap_store *ws_snap_store_create(uint32_t conn_cap,
		uint32_t neigh_cap);
void ws_snap_store_free(struct ws_snap_store *st);

/*
 * The buffer the next snapshot is written into (cleared, arrays kept),
 * once no reader holds it any more; the writer is single (the control
 * thread). Then ws_snap_store_publish() makes it current.
 */
struct ws_snapshot *ws_snap_store_begin(struct ws_snap_store *st);
void ws_snap_store_publish(struct ws_snap_store *st);

/* The snapshot before the one being written (seq 0 when none). */
const struct ws_snapshot *ws_snap_store_current_locked(
		const struct ws_snap_store *st);

/*
 * A reader's hold on the current snapshot: never NULL, stays valid and
 * unchanged until ws_snap_release(st, slot). Any thread, any number.
 */
const struct ws_snapshot *ws_snap_acquire(struct ws_snap_store *st,
		unsigned int *slot);
void ws_snap_release(struct ws_snap_store *st, unsigned int slot);

#endif /* WS_SNAPSHOT_H */
