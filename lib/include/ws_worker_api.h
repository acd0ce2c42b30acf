/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_WORKER_API_H
#define WS_WORKER_API_H

/*
 * Running application code on the workers, for programs that make traffic
 * rather than answer it (woshou-gen): a hook called once per poll on the
 * worker's lcore, a way to send whole IPv4 datagrams through the stack's
 * routing and ARP, and a hook that sees datagrams addressed to others
 * (the answers to a spoofed-source flood) before they are dropped.
 *
 * Like the TCP API, everything here runs on, or is called from, the
 * worker's own lcore; hooks are set before the stack starts.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

struct ws_worker;

/* Called once per poll, after the received burst, before the timers. */
typedef void (*ws_poll_hook_fn)(struct ws_worker *w, void *arg);

/*
 * A received IPv4 datagram addressed to another host, with a valid
 * header: data at the Ethernet header, l2_len and l3_len set. Return true
 * to keep 'm' (the hook frees it), false to let IP drop and count it.
 */
typedef bool (*ws_foreign_hook_fn)(struct ws_worker *w, struct rte_mbuf *m,
		void *arg);

/* Set (or, with fn NULL, clear) the hooks. 0 or -EINVAL. */
int ws_worker_set_poll_hook(struct ws_worker *w, ws_poll_hook_fn fn,
		void *arg);
int ws_worker_set_foreign_hook(struct ws_worker *w, ws_foreign_hook_fn fn,
		void *arg);

/* The worker's number (0 .. workers-1), mbuf pool and IPv4 address. */
unsigned int ws_worker_index(const struct ws_worker *w);
struct rte_mempool *ws_worker_mempool(const struct ws_worker *w);
uint32_t ws_worker_addr(const struct ws_worker *w);	/* network order */
/* ip.addr_count: the worker's addresses are ws_worker_addr() and after. */
uint32_t ws_worker_addr_count(const struct ws_worker *w);

/*
 * Send one IPv4 datagram: 'm' starts at a complete IPv4 header whose
 * total_length matches the packet, any source address. The stack fills in
 * the header checksum, fragments if needed, routes, resolves the next hop
 * with ARP (holding the packet meanwhile) and queues the frame on the
 * worker's transmit burst. The transport checksum is the caller's.
 * Consumes 'm'.
 */
void ws_worker_send_ipv4(struct ws_worker *w, struct rte_mbuf *m);

#endif /* WS_WORKER_API_H */
