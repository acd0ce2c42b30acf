/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_ARP_H
#define WS_ARP_H

/*
 * ARP (RFC 826) for Ethernet/IPv4: answers requests for our address, learns
 * from ARP that targets us, and resolves next hops for IPv4 output.
 *
 * The cache is per worker, a fixed-size set-associative table: no locks, no
 * allocation after start, and a lookup reads one cache line of keys (one
 * bucket of WS_ARP_WAYS slots) before it touches the entry it found. An
 * entry is INCOMPLETE while a request is out (with a short queue of packets
 * waiting for it), REACHABLE when an answer is fresh, STALE once older than
 * reachable_ms (still used, and refreshed with a unicast request), and
 * removed after stale_ms more. PERMANENT entries come from arp.static: put
 * in at start, never asked for, aged, evicted or changed by what ARP says.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

struct ws_worker;

/* Most packets held for one unresolved host, whatever the config says. */
#define WS_ARP_QUEUE_MAX 16

/* Slots per bucket: the bound on probes per lookup. */
#define WS_ARP_WAYS 8

/* Largest cache, whatever the config says. */
#define WS_ARP_ENTRIES_MAX (1u << 20)

enum ws_arp_state {
	WS_ARP_FREE = 0,
	WS_ARP_INCOMPLETE,
	WS_ARP_REACHABLE,
	WS_ARP_STALE,
	WS_ARP_PERMANENT,
};

/*
 * Keys and states of one bucket, packed into one cache line so a miss
 * costs one line whatever the number of ways.
 */
struct ws_arp_bucket {
	uint32_t ip[WS_ARP_WAYS];	/* network byte order */
	uint8_t state[WS_ARP_WAYS];	/* enum ws_arp_state */
} __rte_cache_aligned;

/* The value of a slot; its key and state live in the bucket. */
struct ws_arp_entry {
	struct rte_ether_addr mac;
	uint8_t n_queued;
	uint8_t q_head;			/* oldest queued packet */
	uint8_t requests;		/* sent since created or confirmed */
	uint64_t updated;		/* ticks: last confirmation */
	uint64_t requested;		/* ticks: last request sent */
	uint64_t created;		/* ticks: INCOMPLETE since */
	struct rte_mbuf *queue[WS_ARP_QUEUE_MAX];	/* L3 packets, a ring */
};

struct ws_arp_cache {
	struct ws_arp_bucket *buckets;	/* size / ways buckets */
	struct ws_arp_entry *entries;	/* 'size' slots, bucket-major */
	uint32_t size;			/* power of two */
	uint32_t ways;			/* slots per bucket: min(size, 8) */
	uint32_t ways_log2;
	uint32_t bucket_mask;
	uint32_t used;
	uint32_t hash_seed;
	uint32_t queue_limit;		/* 1 .. WS_ARP_QUEUE_MAX */
	uint32_t scan_cursor;		/* next slot the timer looks at */
	uint64_t next_scan;		/* ticks: next ws_arp_timer pass */
	uint64_t announce_at;		/* ticks: second announcement; 0 none */
	uint64_t defended;		/* ticks: last defence of our address */
	bool has_defended;
	/* The config's times in ticks, converted once. */
	uint64_t reachable_ticks;
	uint64_t expire_ticks;		/* reachable + stale */
	uint64_t retry_ticks;
	uint64_t resolve_ticks;
};

struct ws_neigh_entry;

/*
 * Copy the worker's resolved and pending neighbours into out[0..cap),
 * for the control thread's snapshot. Returns how many were copied.
 */
uint32_t ws_arp_dump(const struct ws_worker *w, struct ws_neigh_entry *out,
		uint32_t cap);

/* Allocate the cache on 'socket'; 0 or -ENOMEM. */
int ws_arp_init(struct ws_worker *w, int socket);

/* Free the cache and every queued packet. */
void ws_arp_fini(struct ws_worker *w);

/*
 * Input: 'm' starts at the Ethernet header, m->l2_len is set. Consumes m:
 * a request for us is turned into the reply in place and queued for tx;
 * anything else is freed and counted.
 */
void ws_arp_input(struct ws_worker *w, struct rte_mbuf *m);

/*
 * What another worker learned from an ARP packet it checked: update our
 * entry for 'ip' (sending what waited for it), or, when the ARP targeted
 * us, learn it. Nothing is sent in reply.
 */
void ws_arp_sync(struct ws_worker *w, uint32_t ip,
		const struct rte_ether_addr *mac, bool for_us);

/*
 * Output of one IPv4 packet to next hop 'nh' (network order): 'm' starts at
 * the IPv4 header with its l2_len = 0 and l3_len set. Prepends the Ethernet
 * header and queues for tx when the MAC is known; otherwise holds the packet
 * (bounded) and sends a request. Consumes m.
 */
void ws_arp_resolve_output(struct ws_worker *w, struct rte_mbuf *m,
		uint32_t nh);

/*
 * Look up 'ip'; 0 and *mac filled when REACHABLE, STALE or PERMANENT, else
 * -ENOENT.
 */
int ws_arp_lookup(const struct ws_worker *w, uint32_t ip,
		struct rte_ether_addr *mac);

/* Broadcast a gratuitous ARP request for our address. */
void ws_arp_announce(struct ws_worker *w);

/*
 * Periodic work, called by the worker loop: retry or time out unresolved
 * entries (dropping their queued packets), refresh and expire old ones.
 * Cheap when nothing is due.
 */
void ws_arp_timer(struct ws_worker *w);

#endif /* WS_ARP_H */
