/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TCP_H
#define WS_TCP_H

/*
 * TCP (RFC 9293) inside the stack: what the worker and IPv4 call. The
 * application interface is ws_tcp_api.h. All of a worker's TCP state
 * (connection table, listeners, timer wheel, buffers) hangs off
 * w->tcp and is touched by that worker only.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "ws_tcp_api.h"

struct ws_worker;
struct ws_tcp_worker;

/* Allocate the worker's TCP state on 'socket'. 0 or negative errno. */
int ws_tcp_init(struct ws_worker *w, int socket);

/* Reset every connection ('closed' STOPPED) and free the TCP state. */
void ws_tcp_fini(struct ws_worker *w);

/*
 * Input: 'm' starts at the Ethernet header with l2_len and l3_len set and
 * a valid (possibly reassembled) IPv4 header addressed to us. Consumes m.
 */
void ws_tcp_input(struct ws_worker *w, struct rte_mbuf *m);

/*
 * End of a received burst: send the ACKs its segments earned, one per
 * connection (RFC 9293 MUST-58/59). The worker calls it after the
 * protocol input of a burst and before flushing tx; ws_tcp_timer does
 * it too, so an ACK is at worst one timer call late.
 */
void ws_tcp_flush(struct ws_worker *w);

/*
 * An ICMP error quoting one of our TCP segments (RFC 9293 MUST-54..56,
 * RFC 1122 4.2.3.9, RFC 5927): 'quoted' is the quoted IPv4 header and at
 * least 8 bytes of TCP, 'len' bytes in all; 'mtu' the next-hop MTU of a
 * fragmentation-needed error (host order, 0 if none). Port or protocol
 * unreachable ends a connection still in SYN_SENT (UNREACHABLE); every
 * other error is soft and only counted; fragmentation-needed lowers the
 * MSS. Errors whose quoted sequence is not in flight are ignored.
 */
void ws_tcp_icmp_error(struct ws_worker *w, uint8_t type, uint8_t code,
		uint16_t mtu, const void *quoted, uint32_t len);

/* Periodic work: runs the timer wheel. Cheap when nothing is due. */
void ws_tcp_timer(struct ws_worker *w);

/*
 * Graceful stop (ws_stack_drain), on the worker's thread. Begin: from
 * now on the listeners answer SYNs and cookie ACKs with RST (a closed
 * port) and active opens fail with ESHUTDOWN; handshakes in progress are
 * reset; each ESTABLISHED or CLOSE_WAIT connection is handed to its
 * application's 'drain' callback or, without one, closed (FIN after the
 * queued data). With 'reset_only' (drain_ms 0) nothing is closed:
 * ws_tcp_drain_end comes next.
 */
void ws_tcp_drain_begin(struct ws_worker *w, bool reset_only);

/*
 * True when nothing is left to send or to be acknowledged: every
 * connection is gone, in TIME_WAIT, or in FIN_WAIT_2 (all we sent, FIN
 * included, acknowledged). O(1): the state gauges.
 */
bool ws_tcp_drain_idle(const struct ws_worker *w);

/*
 * The end of a drain: RST every connection except those in TIME_WAIT
 * and FIN_WAIT_2 ('closed' STOPPED), counted in tcp.drain_rst. The
 * others are dropped without a word when the stack is destroyed.
 */
void ws_tcp_drain_end(struct ws_worker *w);

struct ws_tcp_stats;

/* The gauge of 'state' in a TCP counter block (CLOSED for unknown ones). */
uint64_t *ws_tcp_state_gauge(struct ws_tcp_stats *st, enum ws_tcp_state state);

static inline uint64_t
ws_tcp_state_count(const struct ws_tcp_stats *st, enum ws_tcp_state state)
{
	/* Read only: the same switch as the writers use. */
	return *ws_tcp_state_gauge((struct ws_tcp_stats *)(uintptr_t)st, state);
}

struct ws_conn_entry;
struct ws_listener_entry;

/*
 * Copy the worker's listeners and connections (every TCB taken from the
 * pool, in whatever state) into out[0..cap), for the control thread's
 * snapshot; *truncated when more did not fit. Returns the count.
 */
uint32_t ws_tcp_dump(const struct ws_worker *w, struct ws_conn_entry *out,
		uint32_t cap, bool *truncated);

/*
 * The worker's listeners with their SYN-flood state, at most 'cap'
 * (WS_SNAP_LISTENERS holds them all). Returns how many.
 */
uint32_t ws_tcp_dump_listeners(const struct ws_worker *w,
		struct ws_listener_entry *out, uint32_t cap);

/*
 * Mbufs the worker's send buffers hold now, and their budget
 * (tcp.sndbuf_worker_mbufs), for the snapshot's gauges.
 */
uint32_t ws_tcp_sndbuf_mbufs(const struct ws_worker *w, uint32_t *budget);

#endif /* WS_TCP_H */
