/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* STUB: replaced by the IPv4 implementation. */
#include "ws_ipv4.h"
#include "ws_worker.h"

int ws_ipv4_init(struct ws_worker *w, int socket) { (void)w; (void)socket; return 0; }
void ws_ipv4_fini(struct ws_worker *w) { (void)w; }
void ws_ipv4_input(struct ws_worker *w, struct rte_mbuf *m) { (void)w; rte_pktmbuf_free(m); }
void ws_ipv4_output(struct ws_worker *w, struct rte_mbuf *m) { (void)w; rte_pktmbuf_free(m); }
void ws_ipv4_fill_header(struct ws_worker *w, struct rte_ipv4_hdr *ip, uint32_t dst, uint8_t proto, uint16_t payload_len) { (void)w; (void)ip; (void)dst; (void)proto; (void)payload_len; }
bool ws_ipv4_is_broadcast(const struct ws_worker *w, uint32_t addr) { (void)w; return addr == UINT32_MAX; }
void ws_ipv4_timer(struct ws_worker *w) { (void)w; }
