/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_ICMP_H
#define WS_ICMP_H

/*
 * ICMP (RFC 792, RFC 1122 3.2.2): echo server, error reception, and a
 * rate-limited builder of destination-unreachable errors.
 */

#include <stdint.h>

#include <rte_mbuf.h>

struct ws_worker;

/* Token bucket for outgoing ICMP errors, per worker. */
struct ws_icmp_ratelimit {
	uint64_t tokens;		/* scaled by hz */
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

#endif /* WS_ICMP_H */
