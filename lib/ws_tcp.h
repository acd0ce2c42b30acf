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

/* Periodic work: runs the timer wheel. Cheap when nothing is due. */
void ws_tcp_timer(struct ws_worker *w);

#endif /* WS_TCP_H */
