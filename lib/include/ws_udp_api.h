/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_UDP_API_H
#define WS_UDP_API_H

/*
 * The UDP application interface (RFC 768).
 *
 * A socket is bound on one worker and lives there: its callbacks run on
 * that worker's lcore, inside the poll loop, and its functions may only be
 * called from that lcore. ws_udp_bind_all() binds the same port on every
 * worker (a server: each worker answers the datagrams it receives).
 *
 * Addresses are IPv4 in network byte order, ports in host order.
 */

#include <stdint.h>

#include <rte_mbuf.h>

struct ws_stack;
struct ws_worker;
struct ws_udp_sock;

struct ws_udp_ops {
	/*
	 * A datagram arrived. 'm' is handed over: its data starts at the UDP
	 * payload (pkt_len is the payload length) and the callback must
	 * either free it or pass it back to ws_udp_send_mbuf() (a reply built
	 * in the received buffer costs no allocation).
	 */
	void (*datagram)(struct ws_udp_sock *s, struct rte_mbuf *m,
			uint32_t src_addr, uint16_t src_port);
	/*
	 * An ICMP error about a datagram this socket sent to dst:dst_port.
	 * 'hard' is false for soft errors (RFC 1122 4.1.3.3 / RFC 9293
	 * MUST-54..56: nothing is torn down; source quench never arrives).
	 */
	void (*error)(struct ws_udp_sock *s, uint8_t type, uint8_t code,
			uint32_t dst_addr, uint16_t dst_port, int hard);
};

/*
 * Bind 'port' (0 = an ephemeral port) on worker 'w'. Returns the socket,
 * or NULL with rte_errno: EADDRINUSE (port taken), ENOSPC (no socket or
 * ephemeral port left), EINVAL.
 */
struct ws_udp_sock *ws_udp_bind(struct ws_worker *w, uint16_t port,
		const struct ws_udp_ops *ops, void *arg);

/* Bind 'port' (not 0) on every worker of 's'. 0 or negative errno. */
int ws_udp_bind_all(struct ws_stack *s, uint16_t port,
		const struct ws_udp_ops *ops, void *arg);

/*
 * Send 'len' bytes to dst:dst_port from the socket's port. Datagrams
 * larger than the MTU are fragmented by IP. 0 or negative errno
 * (-ENOBUFS, -EMSGSIZE over 65507 bytes, -EINVAL).
 */
int ws_udp_send(struct ws_udp_sock *s, uint32_t dst_addr, uint16_t dst_port,
		const void *data, uint32_t len);

/*
 * Send 'm' (data = payload, from the worker's pool or one received by
 * 'datagram') to dst:dst_port; UDP, IP and Ethernet headers are prepended
 * in its headroom. The mbuf is consumed whatever the result.
 */
int ws_udp_send_mbuf(struct ws_udp_sock *s, uint32_t dst_addr,
		uint16_t dst_port, struct rte_mbuf *m);

/* Unbind and free. Callbacks stop at once. NULL is fine. */
void ws_udp_close(struct ws_udp_sock *s);

void *ws_udp_arg(const struct ws_udp_sock *s);
uint16_t ws_udp_port(const struct ws_udp_sock *s);
struct ws_worker *ws_udp_worker(const struct ws_udp_sock *s);

#endif /* WS_UDP_API_H */
