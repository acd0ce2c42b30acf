/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* STUB: replaced by the TCP implementation. */
#include <errno.h>
#include <rte_errno.h>
#include "ws_tcp.h"
#include "ws_worker.h"

int ws_tcp_init(struct ws_worker *w, int socket) { (void)w; (void)socket; return 0; }
void ws_tcp_fini(struct ws_worker *w) { (void)w; }
void ws_tcp_input(struct ws_worker *w, struct rte_mbuf *m) { w->stats.tcp.rx++; rte_pktmbuf_free(m); }
void ws_tcp_timer(struct ws_worker *w) { (void)w; }
const char *ws_tcp_state_name(enum ws_tcp_state state) { (void)state; return "?"; }
int ws_tcp_listen_worker(struct ws_worker *w, uint16_t port, const struct ws_tcp_ops *ops, void *arg) { (void)w; (void)port; (void)ops; (void)arg; return -ENOTSUP; }
