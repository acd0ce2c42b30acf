/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_ARP_H
#define WS_ARP_H

/*
 * ARP (RFC 826) for Ethernet/IPv4: answers requests for our address, learns
 * from ARP that targets us, and resolves next hops for IPv4 output.
 *
 * The cache is per worker, a fixed-size open-addressed table: no locks, no
 * allocation after start. An entry is INCOMPLETE while a request is out
 * (with a short queue of packets waiting for it), REACHABLE when an answer
 * is fresh, STALE once older than reachable_ms (still used, and refreshed
 * with a unicast request), and removed after stale_ms more.
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct ws_worker;

/* Most packets held for one unresolved host, whatever the config says. */
#define WS_ARP_QUEUE_MAX 16

enum ws_arp_state {
	WS_ARP_FREE = 0,
	WS_ARP_INCOMPLETE,
	WS_ARP_REACHABLE,
	WS_ARP_STALE,
};

struct ws_arp_entry {
	uint32_t ip;			/* network byte order; key */
	uint8_t state;			/* enum ws_arp_state */
	uint8_t n_queued;
	uint8_t requests;		/* sent since the entry was created */
	struct rte_ether_addr mac;
	uint64_t updated;		/* ticks: last confirmation */
	uint64_t requested;		/* ticks: last request sent */
	uint64_t created;		/* ticks: INCOMPLETE since */
	struct rte_mbuf *queue[WS_ARP_QUEUE_MAX];	/* L3 packets */
};

struct ws_arp_cache {
	struct ws_arp_entry *entries;	/* 'size' slots, power of two */
	uint32_t size;
	uint32_t used;
	uint64_t next_scan;		/* ticks: next ws_arp_timer pass */
};

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
 * Output of one IPv4 packet to next hop 'nh' (network order): 'm' starts at
 * the IPv4 header with its l2_len = 0 and l3_len set. Prepends the Ethernet
 * header and queues for tx when the MAC is known; otherwise holds the packet
 * (bounded) and sends a request. Consumes m.
 */
void ws_arp_resolve_output(struct ws_worker *w, struct rte_mbuf *m,
		uint32_t nh);

/* Look up 'ip'; 0 and *mac filled when REACHABLE or STALE, else -ENOENT. */
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
