/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_ICMP_H
#define WS_ICMP_H

/*
 * ICMP (RFC 792, RFC 1122 3.2.2): echo server, error reception, and a
 * rate-limited builder of destination-unreachable errors.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

struct ws_worker;

/* Message types (RFC 792) that DPDK's rte_icmp.h does not name. */
#define WS_ICMP_ECHO_REPLY		0
#define WS_ICMP_DEST_UNREACH		3
#define WS_ICMP_SOURCE_QUENCH		4
#define WS_ICMP_REDIRECT		5
#define WS_ICMP_ECHO_REQUEST		8
#define WS_ICMP_TIME_EXCEEDED		11
#define WS_ICMP_PARAM_PROBLEM		12

/* Destination unreachable codes we generate. */
#define WS_ICMP_UNREACH_PROTO		2
#define WS_ICMP_UNREACH_PORT		3
#define WS_ICMP_UNREACH_NEEDFRAG	4

/* Time exceeded code for a reassembly that timed out (RFC 1122 3.3.2). */
#define WS_ICMP_TIMXCEED_REASM		1

/* RFC 1812 4.3.2.3: an error datagram, quote included, fits in 576 bytes. */
#define WS_ICMP_ERROR_MAX_LEN		576

/* The types that report a problem with a datagram (and quote it). */
static inline bool
ws_icmp_type_is_error(uint8_t type)
{
	switch (type) {
	case WS_ICMP_DEST_UNREACH:
	case WS_ICMP_SOURCE_QUENCH:
	case WS_ICMP_REDIRECT:
	case WS_ICMP_TIME_EXCEEDED:
	case WS_ICMP_PARAM_PROBLEM:
		return true;
	default:
		return false;
	}
}

/* Token bucket for outgoing ICMP errors, per worker. */
struct ws_icmp_ratelimit {
	uint64_t tokens;		/* one error costs hz tokens */
	uint64_t last;			/* ticks */
};

void ws_icmp_init(struct ws_worker *w);

/*
 * Input: 'm' starts at the Ethernet header with l2_len and l3_len set; the
 * IPv4 header is valid (and reassembled). An echo request becomes the reply
 * in the same mbuf. Consumes m.
 */
void ws_icmp_input(struct ws_worker *w, struct rte_mbuf *m);

/*
 * Send destination unreachable 'code' about the received packet 'orig'
 * (starting at Ethernet, l2_len and l3_len set), unless RFC 1122 3.2.2
 * forbids it (error about an ICMP error, broadcast, non-first fragment,
 * bad source) or the rate limit is spent. Does not consume orig.
 * Returns 0 when sent, -EPERM when forbidden, -EBUSY when rate-limited,
 * -ENOMEM without an mbuf.
 */
int ws_icmp_send_unreach(struct ws_worker *w, const struct rte_mbuf *orig,
		uint8_t code);

/*
 * Send time exceeded 'code' about 'orig', under the same rules and rate
 * limit as ws_icmp_send_unreach (and with the same return values). IPv4
 * uses it for fragment 0 of a datagram whose reassembly timed out.
 */
int ws_icmp_send_time_exceeded(struct ws_worker *w,
		const struct rte_mbuf *orig, uint8_t code);

#endif /* WS_ICMP_H */
