/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TIMER_H
#define WS_TIMER_H

/*
 * A hashed timing wheel, one per worker: O(1) arm and cancel, and a run
 * that touches only the slots whose time has come. Timers are intrusive
 * (embedded in the object they time, e.g. a TCP connection), so arming
 * allocates nothing. Time is in ticks of the worker's clock; a timer fires
 * at or after its expiry, at most one resolution late. Not thread-safe:
 * the owning worker alone uses its wheel.
 *
 * Slot k (absolute) holds the timers whose expiry rounds up to k
 * resolutions, so when a run reaches k (now >= k * resolution) every timer
 * of that turn in it is due: nothing is fired early, nothing waits a turn.
 * A slot index is k & (n_slots - 1); timers further than one turn away
 * share the index and are left in place until their turn comes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws_timer;

typedef void (*ws_timer_cb)(struct ws_timer *t, void *arg);

struct ws_timer {
	struct ws_timer *next;		/* in its slot; NULL-terminated */
	struct ws_timer **pprev;	/* NULL when not armed */
	uint64_t expire;		/* ticks */
	ws_timer_cb cb;
	void *arg;
};

struct ws_timer_wheel {
	struct ws_timer **slots;	/* n_slots list heads */
	uint64_t *busy;			/* a bit per slot: set when the slot
					 * may hold timers, clear when it is
					 * surely empty (runs skip it) */
	uint32_t n_slots;		/* power of two */
	uint32_t mask;			/* n_slots - 1 */
	uint64_t resolution;		/* ticks per slot */
	uint64_t now_slot;		/* absolute slot index processed up to */
	uint64_t next_tick;		/* (now_slot + 1) * resolution: a run
					 * before this has nothing to do */
	uint32_t armed;			/* timers armed */
};

/*
 * 'n_slots' (rounded up to a power of two) slots of 'resolution' ticks
 * each, starting at 'now', allocated on 'socket'. 0 or -ENOMEM/-EINVAL.
 */
int ws_timer_wheel_init(struct ws_timer_wheel *tw, uint32_t n_slots,
		uint64_t resolution, uint64_t now, int socket);

/*
 * Free the slots; armed timers are simply forgotten (not touched: their
 * memory may be gone already), so do not cancel them afterwards.
 */
void ws_timer_wheel_fini(struct ws_timer_wheel *tw);

/* Prepare a timer (not armed). */
void ws_timer_init(struct ws_timer *t, ws_timer_cb cb, void *arg);

/*
 * Arm (or re-arm) 't' to fire at 'expire' ticks. A time that is past, or
 * falls in a slot already run, goes to the next slot to run: it fires on
 * the first run that reaches the next slot boundary, at most one
 * resolution from now. The same holds when a callback arms a timer, so a
 * callback re-arming itself for a time already past cannot keep a run
 * looping (it fires again on a later run, or at most once more within a
 * run catching up a whole turn).
 */
void ws_timer_arm(struct ws_timer_wheel *tw, struct ws_timer *t,
		uint64_t expire);

/* Disarm; harmless when not armed. */
void ws_timer_cancel(struct ws_timer_wheel *tw, struct ws_timer *t);

static inline bool
ws_timer_armed(const struct ws_timer *t)
{
	return t->pprev != NULL;
}

/*
 * Fire every timer whose expiry is <= now, each after it has been
 * disarmed (so a callback may re-arm or cancel any timer, free the object
 * holding it once its other timers are cancelled, or arm others; it must
 * not run or fini the wheel). Returns the number fired. One compare when
 * no slot is due; after a long idle gap it catches up without walking more
 * than one full turn of the wheel. Timers fire slot by slot, earliest
 * first (within a slot, in no set order); after a gap of more than a turn
 * the order is by slot index from where the wheel stood. A clock going
 * backwards is ignored.
 */
unsigned int ws_timer_wheel_run(struct ws_timer_wheel *tw, uint64_t now);

#endif /* WS_TIMER_H */
