/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* STUB: replaced by the ARP implementation. */
#include <errno.h>
#include "ws_arp.h"
#include "ws_eth.h"
#include "ws_worker.h"

int ws_arp_init(struct ws_worker *w, int socket) { (void)w; (void)socket; return 0; }
void ws_arp_fini(struct ws_worker *w) { (void)w; }
void ws_arp_input(struct ws_worker *w, struct rte_mbuf *m) { (void)w; rte_pktmbuf_free(m); }
void ws_arp_resolve_output(struct ws_worker *w, struct rte_mbuf *m, uint32_t nh) { (void)w; (void)nh; rte_pktmbuf_free(m); }
int ws_arp_lookup(const struct ws_worker *w, uint32_t ip, struct rte_ether_addr *mac) { (void)w; (void)ip; (void)mac; return -ENOENT; }
void ws_arp_announce(struct ws_worker *w) { (void)w; }
void ws_arp_timer(struct ws_worker *w) { (void)w; }
