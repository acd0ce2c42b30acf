/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_ETH_H
#define WS_ETH_H

/*
 * Ethernet II: classifies received frames and hands them to ARP or IPv4;
 * builds the header of frames we send.
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct ws_worker;

/*
 * Input: 'm' starts at the Ethernet header. Accepts frames to our MAC and
 * to broadcast; drops and counts the rest (runts, other unicast, multicast,
 * VLAN-tagged, unknown EtherTypes). Sets m->l2_len. Consumes m.
 */
void ws_eth_input(struct ws_worker *w, struct rte_mbuf *m);

/*
 * Output: prepend an Ethernet header from our MAC to 'dst' with 'ether_type'
 * (host order) and queue the frame for tx. m->l2_len is set. Consumes m.
 */
void ws_eth_output(struct ws_worker *w, struct rte_mbuf *m,
		const struct rte_ether_addr *dst, uint16_t ether_type);

#endif /* WS_ETH_H */
