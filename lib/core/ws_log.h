/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_LOG_H
#define WS_LOG_H

/*
 * Logging through DPDK's rte_log: one log type per module, registered as
 * lib.woshou.<module> (worker, stack, steer, eth, arp, ip, icmp, udp, tcp,
 * dns, control), at INFO by default. The config loader logs nothing: its
 * errors go back to the caller as one line. EAL's --log-level (or [eal]
 * log_level) sets them at start, e.g. --log-level=lib.woshou.tcp:debug,
 * or all at once with --log-level='lib.woshou.*:debug'.
 *
 * At DEBUG a module also logs each dropped packet: the counter that
 * counted it and a one-line summary of the frame, rate-limited per
 * worker (WS_LOG_DROPS_PER_S lines a second; the rest are counted and
 * reported with the next line). A drop costs one load and a branch
 * when no woshou log type is at DEBUG.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_log.h>

struct rte_mbuf;
struct ws_worker;

extern int ws_logtype_worker;
extern int ws_logtype_stack;
extern int ws_logtype_steer;
extern int ws_logtype_eth;
extern int ws_logtype_arp;
extern int ws_logtype_ip;
extern int ws_logtype_icmp;
extern int ws_logtype_udp;
extern int ws_logtype_tcp;
extern int ws_logtype_dns;
extern int ws_logtype_control;

/* WS_LOG(ERR, stack, "...", ...): one line, "woshou: ...", on a module's type. */
#define WS_LOG(level, module, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ws_logtype_ ## module, "woshou: " fmt "\n", \
		##__VA_ARGS__)

/* Drop lines a worker may log per second; the rest are counted. */
#define WS_LOG_DROPS_PER_S 10

/* True while some woshou log type is at DEBUG (ws_log_refresh). */
extern bool ws_log_drops;

/*
 * Recompute ws_log_drops from the current levels. The stack calls it at
 * start and the control thread once per interval, so a level changed at
 * run time (rte_log_set_level) takes effect within one interval.
 */
void ws_log_refresh(void);

/*
 * Log one drop: 'counter' is the counter (in w->stats) that counted it,
 * which names the module and the reason; 'm', when not NULL, is the
 * frame, with its Ethernet header at the data offset. Logs only when the
 * module's type is at DEBUG and the worker's rate allows.
 */
void ws_log_drop(struct ws_worker *w, const uint64_t *counter,
		const struct rte_mbuf *m);

/*
 * Count a drop and, at DEBUG, log it: WS_DROP(w, st->drop_cksum, m).
 * 'counter' is an lvalue in w->stats; 'm' the frame or NULL.
 */
#define WS_DROP(w, counter, m) do { \
	(counter)++; \
	if (unlikely(ws_log_drops)) \
		ws_log_drop((w), &(counter), (m)); \
} while (0)

/*
 * ws_log_drop() then rte_pktmbuf_free(m). WS_DROP_FREE(w, counter, m)
 * ends a receive function's drop path: the logging branch is a tail call,
 * so the fast path keeps no register for it; 'm' comes first, where
 * rte_pktmbuf_free() wants it too.
 */
void ws_log_drop_free(struct rte_mbuf *m, struct ws_worker *w,
		const uint64_t *counter);

#define WS_DROP_FREE(w, counter, m) do { \
	(counter)++; \
	if (unlikely(ws_log_drops)) \
		ws_log_drop_free((m), (w), &(counter)); \
	else \
		rte_pktmbuf_free(m); \
} while (0)

#endif /* WS_LOG_H */
