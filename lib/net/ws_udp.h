/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_UDP_H
#define WS_UDP_H

/* UDP inside the stack: the worker's hooks. The API is ws_udp_api.h. */

#include <stdint.h>

#include <rte_mbuf.h>

#include "ws_udp_api.h"

struct ws_worker;

/* Allocate the worker's socket table on 'socket'. 0 or negative errno. */
int ws_udp_init(struct ws_worker *w, int socket);

/* Free the table; sockets still bound go with it, without callbacks. */
void ws_udp_fini(struct ws_worker *w);

/*
 * A datagram for us (l2_len, l3_len set, IP header checked, reassembled,
 * the 8 UDP header bytes in the first segment). Consumes 'm'.
 */
void ws_udp_input(struct ws_worker *w, struct rte_mbuf *m);

/*
 * An ICMP error quoting a UDP datagram we sent: 'quoted' holds the quoted
 * IP header and at least 8 bytes after it ('len' bytes in all).
 */
void ws_udp_icmp_error(struct ws_worker *w, uint8_t type, uint8_t code,
		const uint8_t *quoted, uint32_t len);

#endif /* WS_UDP_H */
