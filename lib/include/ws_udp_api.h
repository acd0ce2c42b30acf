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
 * A port bound with ws_udp_bind() belongs to that worker alone: with
 * several workers, datagrams to it that arrive elsewhere are handed to it
 * (ws_steer.h), and no other worker may bind the port until it is closed.
 *
 * Addresses are IPv4 in network byte order, ports in host order.
 *
 * What a socket receives: datagrams addressed to our unicast address
 * whose checksum holds (or is zero: none was sent). Datagrams to a
 * broadcast address, or that came in a link-layer broadcast, are dropped
 * for every port (drop_broadcast): nothing here wants them, and answering
 * them is what makes a UDP service a reflector (the "fraggle" attack).
 * Datagrams to a port with no socket get an ICMP port unreachable, within
 * the ICMP error rate limit.
 */

#include <stdint.h>

#include <rte_mbuf.h>

struct ws_stack;
struct ws_worker;
struct ws_udp_sock;

/* Sockets one worker can have bound at once. */
#define WS_UDP_MAX_SOCKETS	1024

/* Ephemeral ports (RFC 6335 6: the dynamic range 49152..65535). */
#define WS_UDP_EPHEMERAL_LO	49152
#define WS_UDP_EPHEMERAL_N	16384

/* The largest payload: 65535 less the IPv4 and UDP headers. */
#define WS_UDP_MAX_PAYLOAD	65507

struct ws_udp_ops {
	/*
	 * A datagram arrived. 'm' is handed over: its data starts at the UDP
	 * payload (pkt_len is the payload length) and the callback must
	 * either free it or pass it back to ws_udp_send_mbuf() (a reply built
	 * in the received buffer costs no allocation). Required.
	 */
	void (*datagram)(struct ws_udp_sock *s, struct rte_mbuf *m,
			uint32_t src_addr, uint16_t src_port);
	/*
	 * An ICMP error about a datagram this socket sent to dst:dst_port.
	 * 'hard' is true for destination unreachable protocol (2), port (3)
	 * and administratively prohibited (9, 10, 13): the destination
	 * refuses what we send. Every other error is soft (RFC 1122 4.1.3.3
	 * and 4.2.3.9, RFC 9293 MUST-54..56); source quench never arrives
	 * (RFC 6633). The socket stays bound either way: what to do is the
	 * application's choice. Optional (NULL: errors are only counted).
	 */
	void (*error)(struct ws_udp_sock *s, uint8_t type, uint8_t code,
			uint32_t dst_addr, uint16_t dst_port, int hard);
};

/*
 * Bind 'port' (0 = an ephemeral port, chosen at random in the dynamic
 * range as RFC 6056 3.3.1 does) on worker 'w'. Returns the socket, or NULL
 * with rte_errno: EADDRINUSE (port taken here, or by another worker),
 * ENOSPC (WS_UDP_MAX_SOCKETS bound), EINVAL (no worker, no ops or no
 * datagram callback).
 */
struct ws_udp_sock *ws_udp_bind(struct ws_worker *w, uint16_t port,
		const struct ws_udp_ops *ops, void *arg);

/*
 * Bind 'port' (not 0) on every worker of 's'; call it before the workers
 * start. All or nothing: on failure the workers already bound are
 * unbound again. 0 or negative errno (as ws_udp_bind's rte_errno).
 */
int ws_udp_bind_all(struct ws_stack *s, uint16_t port,
		const struct ws_udp_ops *ops, void *arg);

/*
 * Send 'len' bytes to dst:dst_port from the socket's port. Datagrams
 * larger than the MTU are fragmented by IP. 0 or negative errno:
 * -ENOBUFS (no mbuf), -EMSGSIZE (over WS_UDP_MAX_PAYLOAD), -EINVAL (closed
 * socket, port 0, or a destination that is not a unicast host: 0/8,
 * 127/8, 224/4, 240/4, a broadcast address, or our own address).
 */
int ws_udp_send(struct ws_udp_sock *s, uint32_t dst_addr, uint16_t dst_port,
		const void *data, uint32_t len);

/*
 * Send 'm' (data = payload, from the worker's pool or one received by
 * 'datagram') to dst:dst_port; UDP, IP and Ethernet headers are prepended
 * in its headroom, or in a new mbuf chained in front when 'm' has too
 * little or its buffer is shared (indirect, external or referenced
 * twice). The mbuf is consumed whatever the result; errors as
 * ws_udp_send().
 */
int ws_udp_send_mbuf(struct ws_udp_sock *s, uint32_t dst_addr,
		uint16_t dst_port, struct rte_mbuf *m);

/*
 * Unbind and free, once. Callbacks stop at once, and a socket may close
 * itself from its own callback. NULL is fine.
 */
void ws_udp_close(struct ws_udp_sock *s);

void *ws_udp_arg(const struct ws_udp_sock *s);
uint16_t ws_udp_port(const struct ws_udp_sock *s);
struct ws_worker *ws_udp_worker(const struct ws_udp_sock *s);

#endif /* WS_UDP_API_H */
