/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* STUB: replaced by the ICMP implementation. */
#include <errno.h>
#include "ws_icmp.h"
#include "ws_worker.h"

void ws_icmp_init(struct ws_worker *w) { (void)w; }
void ws_icmp_input(struct ws_worker *w, struct rte_mbuf *m) { (void)w; rte_pktmbuf_free(m); }
int ws_icmp_send_unreach(struct ws_worker *w, const struct rte_mbuf *orig, uint8_t code) { (void)w; (void)orig; (void)code; return -EPERM; }
