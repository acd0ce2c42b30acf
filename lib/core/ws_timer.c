/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Hashed timing wheel. Invariant between calls: an armed timer sits in
 * the slot of index (k & mask) for some absolute slot k > now_slot with
 * k * resolution >= its expiry, so the run that reaches k finds it due,
 * and no run before that fires it.
 */

#include <errno.h>
#include <stddef.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_malloc.h>

#include "ws_timer.h"

/* Head insert: O(1), and order within a slot does not matter. */
static inline void
timer_link(struct ws_timer **head, struct ws_timer *t)
{
	t->next = *head;
	if (t->next != NULL)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

static inline void
timer_unlink(struct ws_timer *t)
{
	*t->pprev = t->next;
	if (t->next != NULL)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

/* (target + 1) * resolution, saturated: past it a run has work to do. */
static inline void
slot_mark(struct ws_timer_wheel *tw, uint32_t idx)
{
	tw->busy[idx >> 6] |= UINT64_C(1) << (idx & 63);
}

static inline uint64_t
wheel_next_tick(const struct ws_timer_wheel *tw, uint64_t target)
{
	if (target >= UINT64_MAX / tw->resolution)
		return UINT64_MAX;
	return (target + 1) * tw->resolution;
}

int
ws_timer_wheel_init(struct ws_timer_wheel *tw, uint32_t n_slots,
		uint64_t resolution, uint64_t now, int socket)
{
	uint32_t n;

	if (tw == NULL || n_slots == 0 || resolution == 0)
		return -EINVAL;
	/* rte_align32pow2() wraps to 0 above 2^31. */
	n = rte_align32pow2(n_slots);
	if (n == 0)
		return -EINVAL;

	/* The slots, then their bitmap (one word for up to 64 slots). */
	tw->slots = rte_zmalloc_socket("ws_timer_wheel",
			(size_t)n * sizeof(*tw->slots) +
			RTE_MAX((size_t)n / 64, (size_t)1) * sizeof(uint64_t),
			RTE_CACHE_LINE_SIZE, socket);
	if (tw->slots == NULL)
		return -ENOMEM;
	tw->busy = (uint64_t *)(void *)(tw->slots + n);
	tw->n_slots = n;
	tw->mask = n - 1;
	tw->resolution = resolution;
	/*
	 * The slot holding 'now' counts as run: a timer due in it could only
	 * fire early there, so arming sends it to the next one.
	 */
	tw->now_slot = now / resolution;
	tw->next_tick = wheel_next_tick(tw, tw->now_slot);
	tw->armed = 0;
	return 0;
}

void
ws_timer_wheel_fini(struct ws_timer_wheel *tw)
{
	rte_free(tw->slots);
	tw->slots = NULL;
	tw->busy = NULL;
	tw->armed = 0;
}

void
ws_timer_init(struct ws_timer *t, ws_timer_cb cb, void *arg)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire = 0;
	t->cb = cb;
	t->arg = arg;
}

void
ws_timer_arm(struct ws_timer_wheel *tw, struct ws_timer *t, uint64_t expire)
{
	uint64_t slot;

	if (t->pprev != NULL)
		timer_unlink(t);
	else
		tw->armed++;

	/*
	 * Round up, so the slot is only reached once the expiry has passed;
	 * written without expire + resolution - 1, which would wrap for a
	 * far "never" expiry.
	 */
	slot = expire / tw->resolution + (expire % tw->resolution != 0);
	if (slot <= tw->now_slot)
		slot = tw->now_slot + 1;
	t->expire = expire;
	timer_link(&tw->slots[slot & tw->mask], t);
	slot_mark(tw, (uint32_t)(slot & tw->mask));
}

void
ws_timer_cancel(struct ws_timer_wheel *tw, struct ws_timer *t)
{
	if (t->pprev == NULL)
		return;
	timer_unlink(t);
	tw->armed--;
}

/*
 * Fire the due timers of slot 'idx'. The slot's list is first moved to a
 * local head, so that every timer still waiting keeps a valid pprev: a
 * callback may then cancel or re-arm any of them (the next one included)
 * and we never follow a pointer it made stale. Survivors, timers of a
 * later turn, go back to the slot; timers armed by callbacks meanwhile
 * land in their own slots and are not looked at in this pass.
 */
static unsigned int
wheel_run_slot(struct ws_timer_wheel *tw, uint32_t idx, uint64_t now)
{
	struct ws_timer **slot = &tw->slots[idx];
	struct ws_timer *pending = *slot;
	struct ws_timer *t;
	unsigned int fired = 0;

	tw->busy[idx >> 6] &= ~(UINT64_C(1) << (idx & 63));
	if (pending == NULL)
		return 0;
	*slot = NULL;
	pending->pprev = &pending;

	while ((t = pending) != NULL) {
		timer_unlink(t);
		if (t->expire > now) {
			timer_link(slot, t);
			continue;
		}
		/* Disarmed before the call: the callback may re-arm it. */
		tw->armed--;
		fired++;
		t->cb(t, t->arg);
	}
	if (*slot != NULL)
		slot_mark(tw, idx);
	return fired;
}

unsigned int
ws_timer_wheel_run(struct ws_timer_wheel *tw, uint64_t now)
{
	uint64_t target, first, n, k;
	unsigned int fired = 0;
	uint32_t span;

	if (likely(now < tw->next_tick))
		return 0;

	target = now / tw->resolution;
	if (target <= tw->now_slot)
		return 0;	/* only at the saturated end of time */
	first = tw->now_slot + 1;
	/* After a long gap one turn visits every index once: enough. */
	n = RTE_MIN(target - tw->now_slot, (uint64_t)tw->n_slots);

	/*
	 * Mark the whole span run before firing anything: a callback arming
	 * a timer for a time <= now then lands in slot target + 1 (fired by
	 * the next run, never lost), and one armed later lands in a slot
	 * beyond target, so the invariant holds whatever the callbacks do.
	 */
	tw->now_slot = target;
	tw->next_tick = wheel_next_tick(tw, target);

	/*
	 * Visit only the slots whose bit is set: after a long gap (a worker
	 * idle, a test's clock jump) that is a few words, not thousands of
	 * empty slots. A word never spans the wrap: with fewer than 64 slots
	 * it holds them all.
	 */
	span = RTE_MIN(tw->n_slots, 64u);
	for (k = first; k < first + n && tw->armed != 0; ) {
		uint32_t idx = (uint32_t)(k & tw->mask);
		uint64_t bits = tw->busy[idx >> 6] >> (idx & 63);

		if (bits == 0) {
			k += span - (idx & 63);
			continue;
		}
		k += (uint64_t)__builtin_ctzll(bits);
		if (k >= first + n)
			break;
		fired += wheel_run_slot(tw, (uint32_t)(k & tw->mask), now);
		k++;
	}
	return fired;
}
