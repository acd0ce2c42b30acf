/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WOSHOU_H
#define WOSHOU_H

/*
 * libwoshou: a kernel-bypass TCP/IP stack on DPDK.
 *
 * Life of a stack: load a ws_config, initialise the EAL with the arguments
 * ws_config_eal_args() builds, ws_stack_create(), ws_stack_start() (port
 * up, one poll-mode worker per configured lcore), then run the control
 * loop on the main lcore with ws_control_run() until asked to quit, then
 * ws_stack_stop() and ws_stack_destroy().
 *
 * Errors: NULL plus rte_errno, or a negative errno.
 */

#include <signal.h>
#include <stdint.h>

#include <rte_ether.h>

#include "ws_config.h"
#include "ws_snapshot.h"
#include "ws_stats.h"

#define WS_VERSION_STRING WS_VERSION

struct ws_stack;
struct ws_worker;

/* Set up port, pools and workers for 'cfg' (copied). NULL + rte_errno. */
struct ws_stack *ws_stack_create(const struct ws_config *cfg);

/* Start the port and launch the workers. 0 or negative errno. */
int ws_stack_start(struct ws_stack *s);

/*
 * Start the port but launch no worker threads: the caller drives each
 * worker itself with ws_worker_poll() (tests: two stacks over net_ring in
 * one thread, deterministic). Stop with ws_stack_stop() as usual.
 */
int ws_stack_start_manual(struct ws_stack *s);

/* One iteration of a worker's loop: rx burst, input, timers, tx flush.
 * Returns the packets received. */
unsigned int ws_worker_poll(struct ws_worker *w);

/* Stop the workers (waits for them) and the port. Idempotent. */
void ws_stack_stop(struct ws_stack *s);

/*
 * Stop gracefully, then ws_stack_stop(). Each worker, in its own poll,
 * stops accepting (SYNs and SYN-cookie ACKs get RST, active opens fail
 * with ESHUTDOWN), resets handshakes in progress and asks every open
 * connection to finish: the application's 'drain' callback
 * (ws_tcp_api.h), or, without one, ws_tcp_close(), so queued data still
 * goes out before the FIN. Once nothing is left to send or to be
 * acknowledged (only FIN_WAIT_2 and TIME_WAIT remain), or after drain_ms
 * (0: at once), it resets every other connection ('closed' STOPPED);
 * then the workers and the port stop (FIN_WAIT_2 and TIME_WAIT ones end
 * quietly, 'closed' STOPPED at ws_stack_destroy). Returns as soon as all
 * workers are done: at once when there are no connections. Counted in
 * tcp.drain_fin, tcp.drain_rst and tcp.drain_refused, and logged.
 * Call from the thread that started the stack (with
 * ws_stack_start_manual(), this call polls the workers itself). 0, or
 * -ETIMEDOUT when a worker did not finish within drain_ms + 1 s (it is
 * stopped anyway). The stack cannot be started again.
 */
int ws_stack_drain(struct ws_stack *s, uint32_t drain_ms);

/*
 * Cut a running ws_stack_drain() short: the workers reset what is left
 * now. Async-signal-safe (a second SIGTERM); any thread.
 */
void ws_stack_drain_abort(struct ws_stack *s);

/* Release everything; stops first if needed. NULL is fine. */
void ws_stack_destroy(struct ws_stack *s);

unsigned int ws_stack_worker_count(const struct ws_stack *s);

/* Worker i (0 .. count-1), or NULL. For per-worker setup and tests. */
struct ws_worker *ws_stack_worker(const struct ws_stack *s, unsigned int i);

/* Counters of one worker, or (worker < 0) the sum over all workers. */
int ws_stack_stats(const struct ws_stack *s, int worker,
		struct ws_stats *out);

/* The MAC address the stack answers on. */
void ws_stack_mac(const struct ws_stack *s, struct rte_ether_addr *mac);

/* The configuration the stack runs with. */
const struct ws_config *ws_stack_config(const struct ws_stack *s);

/* The port the stack runs on. */
uint16_t ws_stack_port(const struct ws_stack *s);

/*
 * Take a snapshot now (ws_snapshot.h): ask every worker for a copy of its
 * counters, plus WS_SNAP_WANT_* extras, wait up to wait_ms for the
 * answers, then publish totals and rates. Workers that did not answer in
 * time are read live and the extras are left out; that returns
 * -ETIMEDOUT. Call from one thread only: the control thread, or, for a
 * stack started with ws_stack_start_manual(), the thread that polls its
 * workers (the copies are then taken at once, in that thread).
 */
int ws_stack_snapshot(struct ws_stack *s, uint32_t want,
		unsigned int wait_ms);

/*
 * Hold the latest snapshot (never NULL; seq 0 before the first) until
 * ws_stack_snapshot_release(). Any thread.
 */
const struct ws_snapshot *ws_stack_snapshot_acquire(struct ws_stack *s,
		unsigned int *slot);
void ws_stack_snapshot_release(struct ws_stack *s, unsigned int slot);

/*
 * The control thread's loop: every cfg.control.interval_ms it takes a
 * snapshot (which the telemetry commands read) and, with
 * cfg.control.print_stats, prints one line of rates and totals from it to
 * 'out'. Returns when *quit becomes non-zero.
 */
void ws_control_run(struct ws_stack *s, volatile sig_atomic_t *quit,
		FILE *out);

#endif /* WOSHOU_H */
