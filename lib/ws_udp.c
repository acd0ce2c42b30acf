/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/* Placeholder until the UDP module lands: datagrams are dropped. */

#include "ws_udp.h"
#include "ws_worker.h"

int
ws_udp_init(struct ws_worker *w, int socket)
{
	RTE_SET_USED(w);
	RTE_SET_USED(socket);
	return 0;
}

void
ws_udp_fini(struct ws_worker *w)
{
	RTE_SET_USED(w);
}

void
ws_udp_input(struct ws_worker *w, struct rte_mbuf *m)
{
	w->stats.udp.rx++;
	rte_pktmbuf_free(m);
}

void
ws_udp_icmp_error(struct ws_worker *w, uint8_t type, uint8_t code,
		const uint8_t *quoted, uint32_t len)
{
	RTE_SET_USED(type);
	RTE_SET_USED(code);
	RTE_SET_USED(quoted);
	RTE_SET_USED(len);
	w->stats.udp.drop_icmp_unmatched++;
}
