/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "ws_arp.h"
#include "ws_eth.h"
#include "ws_ipv4.h"
#include "ws_log.h"
#include "ws_worker.h"

void
ws_eth_input(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_eth_stats *st = &w->stats.eth;
	const struct rte_ether_hdr *eh;
	uint16_t type;

	st->rx++;
	/* Headers are read in place, so they must sit in the first segment. */
	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh))) {
		WS_DROP_FREE(w, st->drop_runt, m);
		return;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (!rte_is_same_ether_addr(&eh->dst_addr, &w->iface->mac) &&
			!rte_is_broadcast_ether_addr(&eh->dst_addr)) {
		/* We join no multicast group. */
		if (rte_is_multicast_ether_addr(&eh->dst_addr))
			WS_DROP_FREE(w, st->drop_multicast, m);
		else
			WS_DROP_FREE(w, st->drop_dst_mac, m);
		return;
	}
	/* A group address is never a sender (IEEE 802.3 3.2.3). */
	if (unlikely(rte_is_multicast_ether_addr(&eh->src_addr))) {
		WS_DROP_FREE(w, st->drop_bad_src_mac, m);
		return;
	}

	m->l2_len = sizeof(*eh);
	type = rte_be_to_cpu_16(eh->ether_type);
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		ws_ipv4_input(w, m);
		return;
	case RTE_ETHER_TYPE_ARP:
		ws_arp_input(w, m);
		return;
	case RTE_ETHER_TYPE_VLAN:
	case RTE_ETHER_TYPE_QINQ:
	case RTE_ETHER_TYPE_QINQ1:
	case RTE_ETHER_TYPE_QINQ2:
	case RTE_ETHER_TYPE_QINQ3:
		WS_DROP_FREE(w, st->drop_vlan, m);
		return;
	default:
		WS_DROP_FREE(w, st->drop_ethertype, m);
		return;
	}
}

void
ws_eth_output(struct ws_worker *w, struct rte_mbuf *m,
		const struct rte_ether_addr *dst, uint16_t ether_type)
{
	struct rte_ether_hdr *eh;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (unlikely(eh == NULL)) {
		/* Every mbuf we build or receive has headroom; this is a bug. */
		w->stats.loop.tx_drop_full++;
		rte_pktmbuf_free(m);
		return;
	}
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&w->iface->mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	m->l2_len = sizeof(*eh);
	w->stats.eth.tx++;
	ws_tx(w, m);
}
