/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_CONTROL_H
#define WS_CONTROL_H

/*
 * The control thread's state: the snapshot store, the buffers workers copy
 * their connections and neighbours into, and what readers asked for.
 * Created with the stack; the telemetry callbacks reach it through the
 * stack.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ws_snapshot.h"

struct ws_stack;
struct ws_control;

/* The stack's control state (NULL before it is created). */
struct ws_control *ws_stack_control(const struct ws_stack *s);

/* Workers run on their lcores (ws_stack_start), not driven by hand. */
bool ws_stack_workers_running(const struct ws_stack *s);

/* How the stack steers packets between workers (ws_steer.h). */
const struct ws_steer *ws_stack_steer(const struct ws_stack *s);

/* NULL + rte_errno. The workers must exist. */
struct ws_control *ws_control_create(struct ws_stack *s);
void ws_control_free(struct ws_control *ctl, struct ws_stack *s);

/* The stack started now: uptime counts from here. */
void ws_control_started(struct ws_control *ctl);

struct ws_snap_store *ws_control_store(struct ws_control *ctl);
uint64_t ws_control_start_ms(const struct ws_control *ctl);

/*
 * A reader wants WS_SNAP_WANT_* in the snapshots of the next ten seconds;
 * with 'now', the control thread takes one at once instead of at the next
 * interval.
 */
void ws_control_want(struct ws_control *ctl, uint32_t want, bool now);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t ws_control_now_ms(void);

#endif /* WS_CONTROL_H */
