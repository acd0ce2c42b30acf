/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_WORKER_H
#define WS_WORKER_H

/*
 * A worker owns one RX and one TX queue of the port and everything the fast
 * path touches: mempool, ARP cache, reassembly table, counters, and a tx
 * burst buffer. Nothing in it is written by another thread except 'stop'.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ws_arp.h"
#include "ws_clock.h"
#include "ws_config.h"
#include "ws_icmp.h"
#include "ws_ipv4.h"
#include "ws_snapshot.h"
#include "ws_stats.h"
#include "ws_worker_api.h"

#define WS_BURST 32
#define WS_PORT_NONE UINT16_MAX

/* Where a worker is in ws_stack_drain(). */
enum ws_drain_phase {
	WS_DRAIN_NONE = 0,
	WS_DRAIN_ACTIVE,		/* closing: FINs out, waiting for them */
	WS_DRAIN_DONE,			/* the rest reset; waits for 'stop' */
};

/* What the port does for us; everything else is done in software. */
struct ws_offload {
	bool rx_ip_cksum;
	bool tx_ip_cksum;
	bool tx_udp_cksum;
	bool tx_tcp_cksum;
};

/* The interface as the protocol modules see it: read-only after start. */
struct ws_iface {
	struct rte_ether_addr mac;
	uint32_t addr;			/* network byte order */
	/*
	 * ip.addr_count: we own addr and the n_addrs - 1 addresses after it
	 * (all inside the subnet, checked by the config). addr_first is
	 * addr in host order, so that the test below is one subtraction.
	 */
	uint32_t addr_first;
	uint32_t n_addrs;
	uint32_t netmask;		/* network byte order */
	uint32_t gateway;		/* network byte order; 0 = none */
	uint16_t mtu;			/* L3 MTU */
	struct ws_offload offload;
};

/* 'ip' (network order) is one of our addresses. */
static inline bool
ws_iface_is_local(const struct ws_iface *ifc, uint32_t ip)
{
	return rte_be_to_cpu_32(ip) - ifc->addr_first < ifc->n_addrs;
}

static inline void
ws_iface_set_addrs(struct ws_iface *ifc, uint32_t addr, uint32_t count)
{
	ifc->addr = addr;
	ifc->addr_first = rte_be_to_cpu_32(addr);
	ifc->n_addrs = count;
}

struct ws_worker;
struct ws_steer;
struct ws_tcp_worker;
struct ws_udp_worker;
struct ws_resolver;

/*
 * Sends a burst; returns how many were taken. Production: rte_eth_tx_burst
 * on the worker's queue. Tests install a capture.
 */
typedef uint16_t (*ws_tx_fn)(struct ws_worker *w, struct rte_mbuf **pkts,
		uint16_t n);

struct ws_worker {
	/* Read-mostly, set up before the loop starts. */
	unsigned int index;		/* 0 .. workers-1 */
	unsigned int lcore_id;
	uint16_t port_id;
	uint16_t queue_id;
	const struct ws_config *cfg;
	const struct ws_iface *iface;
	struct rte_mempool *pool;	/* direct mbufs: what we build */
	struct rte_mempool *indirect_pool;	/* fragmentation */
	/*
	 * The port's receive pool (ws_mbuf_plan): 'pool' unless the stack
	 * gave the port its own. Received data is held (receive buffers,
	 * reassembly) only while it keeps more than rx_floor free; 0 = no
	 * such limit (tests on one pool).
	 */
	struct rte_mempool *rx_pool;
	uint32_t rx_floor;
	/* rx_pool's ring, for a cheap count; NULL: other mempool ops. */
	const struct rte_ring *rx_ring;
	struct ws_clock clock;
	ws_tx_fn tx_fn;
	void *tx_ctx;			/* for the tx function */
	volatile bool stop;		/* set by the control thread */
	/*
	 * ws_stack_drain(): the control thread sets drain_ms, then
	 * drain_req (release); drain_now cuts the drain short. The worker
	 * acts in its own poll (ws_worker_drain) and answers drain_done.
	 */
	uint32_t drain_ms;
	bool drain_req;
	volatile bool drain_now;
	bool drain_done;
	struct ws_steer *steer;		/* shared; NULL with one worker */
	ws_poll_hook_fn poll_hook;	/* the application's (ws_worker_api.h) */
	void *poll_arg;
	ws_foreign_hook_fn foreign_hook;
	void *foreign_arg;

	/* Fast-path state. */
	uint64_t now;			/* ticks, refreshed once per poll */
	uint16_t tx_n;
	struct rte_mbuf *tx_pkts[WS_BURST];
	/*
	 * Transmit holding ([workers] tx_hold_us): a poll sends what is
	 * queued only once a burst is full or the oldest frame has waited
	 * tx_hold ticks; 0 = at the end of every poll.
	 */
	uint64_t tx_hold;		/* ticks; 0 = no holding */
	uint64_t tx_since;		/* w->now when tx_pkts[0] was queued */
	bool steered_in;		/* delivering what another handed us */
	uint8_t drain_phase;		/* enum ws_drain_phase */
	uint64_t drain_deadline;	/* ticks: the drain's resets are due */
	uint32_t ho_pending;		/* owners with packets staged */
	uint16_t ho_n[WS_MAX_WORKERS];
	struct rte_mbuf *ho_pkts[WS_MAX_WORKERS][WS_BURST];	/* to hand over */
	/* Drop lines at DEBUG (ws_log.h): this second's, and the rest. */
	uint64_t log_window;		/* ticks: start of the second */
	uint32_t log_lines;
	uint32_t log_suppressed;

	struct ws_arp_cache arp;
	struct ws_ipv4_reasm reasm;
	struct ws_ipv4_ident ident;	/* IPv4 IDs (ws_ipv4.h) */
	struct ws_icmp_ratelimit icmp_rl;
	struct ws_tcp_worker *tcp;	/* ws_tcp.c's own */
	struct ws_udp_worker *udp;	/* ws_udp.c's own */
	struct ws_resolver *resolver;	/* ws_resolver.c's own */

	/* Counters: written by this worker only, read by the control thread. */
	struct ws_stats stats __rte_cache_aligned;

	/*
	 * The snapshot handshake (ws_snapshot.h). The control thread writes
	 * pub_want then pub_req; the worker, between two polls, copies its
	 * counters (and what is wanted) into pub_* and sets pub_ack to
	 * pub_req. The control thread reads pub_* only once they are equal.
	 */
	uint32_t pub_req __rte_cache_aligned;
	uint32_t pub_want;		/* WS_SNAP_WANT_* */
	uint32_t pub_ack __rte_cache_aligned;
	uint32_t pub_conn_cap, pub_conn_n;
	bool pub_conn_truncated;
	uint32_t pub_neigh_cap, pub_neigh_n;
	struct ws_conn_entry *pub_conns;
	struct ws_neigh_entry *pub_neigh;
	struct ws_stats pub_stats;
	uint32_t pub_listener_n;
	struct ws_listener_entry pub_listeners[WS_SNAP_LISTENERS];
} __rte_cache_aligned;

/*
 * Whether received mbuf 'm' may be held beyond this burst (in a receive
 * buffer, an out-of-order queue, a reassembly table): only while the
 * receive pool keeps rx_floor free, so the port can always refill its
 * descriptors and the worker keeps hearing ARP, pings and RSTs, which
 * is what frees memory. Cheap: the pool's ring and this lcore's cache
 * (other lcores' caches are not counted: the answer errs on the safe
 * side).
 */
static inline unsigned int
ws_rx_pool_free(const struct ws_worker *w)
{
	struct rte_mempool_cache *cache;
	unsigned int avail;

	if (unlikely(w->rx_ring == NULL))
		return rte_mempool_avail_count(w->rx_pool);
	avail = rte_ring_count(w->rx_ring);
	cache = rte_mempool_default_cache(w->rx_pool, rte_lcore_id());
	if (cache != NULL)
		avail += cache->len;
	return avail;
}

static inline bool
ws_rx_hold_ok(const struct ws_worker *w, const struct rte_mbuf *m)
{
	if (w->rx_floor == 0 || m->pool != w->rx_pool)
		return true;
	return ws_rx_pool_free(w) > w->rx_floor;
}

/*
 * How many more received mbufs may be held before the receive pool
 * reaches rx_floor (what ws_rx_hold_ok allows): what a receive window
 * may still grow into. UINT32_MAX when nothing is reserved.
 */
static inline uint32_t
ws_rx_headroom(const struct ws_worker *w)
{
	unsigned int avail;

	if (w->rx_floor == 0)
		return UINT32_MAX;
	avail = ws_rx_pool_free(w);
	return avail > w->rx_floor ? avail - w->rx_floor : 0;
}

/*
 * Prepare a worker for 'cfg' and 'iface' with the given pools and clock,
 * steered by 'steer' (shared by the stack's workers; NULL for one).
 * Allocates the ARP cache and reassembly table on 'socket'. The tx function
 * defaults to the port's queue; tests replace w->tx_fn afterwards.
 * Returns 0 or a negative errno.
 */
int ws_worker_init(struct ws_worker *w, unsigned int index,
		const struct ws_config *cfg, const struct ws_iface *iface,
		struct rte_mempool *pool, struct rte_mempool *indirect_pool,
		const struct ws_clock *clock, struct ws_steer *steer, int socket);

/* Free the worker's tables and any packet it still holds. */
void ws_worker_fini(struct ws_worker *w);

/* Queue one frame for transmission; flushes when the burst is full. */
void ws_tx(struct ws_worker *w, struct rte_mbuf *m);

/* Send whatever is queued; frames the queue refuses are freed and counted. */
void ws_tx_flush(struct ws_worker *w);

/*
 * The end of a poll's work: send what is queued, unless tx_hold is set and
 * the burst is neither full nor held for tx_hold ticks yet.
 */
void ws_tx_flush_due(struct ws_worker *w);

/*
 * Process a received burst: classify, run the protocol input paths, flush
 * replies. The loop calls this; so do tests, with a fake port.
 */
void ws_worker_input(struct ws_worker *w, struct rte_mbuf **pkts, uint16_t n);

/* Periodic module work (ARP, reassembly expiry); cheap when nothing is due. */
void ws_worker_timers(struct ws_worker *w);

/*
 * The worker's part of ws_stack_drain(), called from its poll once
 * drain_req is set: the first call begins the drain of its TCP
 * connections (ws_tcp_drain_begin); each one after checks whether
 * nothing is left, drain_ms have passed or drain_now is set, and then
 * resets the rest (ws_tcp_drain_end), sends, and sets drain_done.
 * Returns true once done. Tests call it directly.
 */
bool ws_worker_drain(struct ws_worker *w);

/* Answer the control thread's snapshot request number 'req'. */
void ws_worker_publish(struct ws_worker *w, uint32_t req);

/* The poll loop, for rte_eal_remote_launch: runs until w->stop. */
int ws_worker_loop(void *arg);

#endif /* WS_WORKER_H */
