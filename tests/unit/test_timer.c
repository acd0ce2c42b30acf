/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The timing wheel on its own, driven by hand-picked times: nothing here
 * reads a real clock, and the "random" expiries come from a fixed-seed
 * generator, so every run sees the same timers.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "ws_test.h"
#include "ws_timer.h"

/* A timer that records when (at which run time) it fired. */
struct rec {
	struct ws_timer t;
	unsigned int n_fired;
	uint64_t fired_at;
};

/* The time handed to the run in progress, for the callbacks to record. */
static uint64_t cur_now;

static unsigned int
run_at(struct ws_timer_wheel *tw, uint64_t now)
{
	cur_now = now;
	return ws_timer_wheel_run(tw, now);
}

static void
rec_cb(struct ws_timer *t, void *arg)
{
	struct rec *r = arg;

	assert_ptr_equal(&r->t, t);
	/* Disarmed before the call. */
	assert_false(ws_timer_armed(t));
	assert_true(t->expire <= cur_now);
	r->n_fired++;
	r->fired_at = cur_now;
}

static void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	ws_timer_init(&r->t, rec_cb, r);
}

static uint64_t
div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* xorshift64: fixed seed, so the "random" tests are repeatable. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
wheel_init(struct ws_timer_wheel *tw, uint32_t n_slots, uint64_t res,
		uint64_t now)
{
	assert_int_equal(ws_timer_wheel_init(tw, n_slots, res, now,
			SOCKET_ID_ANY), 0);
	cur_now = now;
}

static void
test_init_args(void **state)
{
	struct ws_timer_wheel tw;

	(void)state;
	assert_int_equal(ws_timer_wheel_init(NULL, 8, 1, 0, SOCKET_ID_ANY),
			-EINVAL);
	assert_int_equal(ws_timer_wheel_init(&tw, 0, 1, 0, SOCKET_ID_ANY),
			-EINVAL);
	assert_int_equal(ws_timer_wheel_init(&tw, 8, 0, 0, SOCKET_ID_ANY),
			-EINVAL);
	assert_int_equal(ws_timer_wheel_init(&tw, UINT32_MAX, 1, 0,
			SOCKET_ID_ANY), -EINVAL);

	wheel_init(&tw, 100, 7, 12345);
	assert_int_equal(tw.n_slots, 128);
	assert_int_equal(tw.armed, 0);
	assert_int_equal(run_at(&tw, 12345), 0);
	assert_int_equal(run_at(&tw, 1000000), 0);
	ws_timer_wheel_fini(&tw);

	wheel_init(&tw, 1, 1, 0);
	assert_int_equal(tw.n_slots, 1);
	ws_timer_wheel_fini(&tw);
}

/*
 * Step the clock one tick at a time: each timer fires on the first run at
 * or after its expiry and less than one resolution later; with a
 * resolution of one tick, exactly at it.
 */
static void
check_exact(uint64_t res)
{
	const uint64_t now0 = 7 * res + res / 2;
	const uint32_t n_slots = 64;
	const uint64_t d[] = { 1, res - 1, res, res + 1, 2 * res,
		5 * res + 3, n_slots * res - 1, n_slots * res,
		n_slots * res + 1, 3 * n_slots * res + res / 3 };
	struct rec r[RTE_DIM(d)];
	struct ws_timer_wheel tw;
	uint64_t now, end = now0 + d[RTE_DIM(d) - 1] + 2 * res;
	unsigned int i, total = 0;

	wheel_init(&tw, n_slots, res, now0);
	for (i = 0; i < RTE_DIM(d); i++) {
		rec_init(&r[i]);
		ws_timer_arm(&tw, &r[i].t, now0 + (d[i] ? d[i] : 1));
		assert_true(ws_timer_armed(&r[i].t));
	}
	assert_int_equal(tw.armed, RTE_DIM(d));

	for (now = now0; now <= end; now++) {
		total += run_at(&tw, now);
		for (i = 0; i < RTE_DIM(d); i++) {
			if (now < r[i].t.expire)
				assert_int_equal(r[i].n_fired, 0);
		}
	}
	assert_int_equal(total, RTE_DIM(d));
	assert_int_equal(tw.armed, 0);
	for (i = 0; i < RTE_DIM(d); i++) {
		assert_int_equal(r[i].n_fired, 1);
		assert_true(r[i].fired_at >= r[i].t.expire);
		assert_true(r[i].fired_at - r[i].t.expire < res);
		assert_int_equal(r[i].fired_at,
				div_up(r[i].t.expire, res) * res);
		if (res == 1)
			assert_int_equal(r[i].fired_at, r[i].t.expire);
	}
	ws_timer_wheel_fini(&tw);
}

static void
test_fires_at_expiry_res1(void **state)
{
	(void)state;
	check_exact(1);
}

static void
test_fires_at_expiry_res10(void **state)
{
	(void)state;
	check_exact(10);
}

static void
test_fires_at_expiry_res1000(void **state)
{
	(void)state;
	check_exact(1000);
}

/*
 * A past expiry, or one in the slot already run, goes to the next slot:
 * nothing fires while the clock stays in the current slot, all of it on
 * the run that crosses the next boundary.
 */
static void
test_arm_in_past(void **state)
{
	struct ws_timer_wheel tw;
	struct rec a, b, c, d;

	(void)state;
	wheel_init(&tw, 16, 10, 0);
	assert_int_equal(run_at(&tw, 1003), 0);
	rec_init(&a);
	rec_init(&b);
	rec_init(&c);
	rec_init(&d);
	ws_timer_arm(&tw, &a.t, 0);	/* long past */
	ws_timer_arm(&tw, &b.t, 1000);	/* start of the current slot */
	ws_timer_arm(&tw, &c.t, 1003);	/* now */
	ws_timer_arm(&tw, &d.t, 1007);	/* later in the current slot */
	assert_int_equal(tw.armed, 4);
	assert_int_equal(run_at(&tw, 1005), 0);
	assert_int_equal(run_at(&tw, 1009), 0);
	assert_int_equal(run_at(&tw, 1010), 4);
	assert_int_equal(a.n_fired + b.n_fired + c.n_fired + d.n_fired, 4);
	assert_int_equal(tw.armed, 0);

	/* One tick per slot: the very next run fires it. */
	ws_timer_wheel_fini(&tw);
	wheel_init(&tw, 16, 1, 50);
	rec_init(&a);
	ws_timer_arm(&tw, &a.t, 3);
	assert_int_equal(run_at(&tw, 51), 1);
	assert_int_equal(a.n_fired, 1);

	/* Far in the past after a gap of many turns, still the next slot. */
	assert_int_equal(run_at(&tw, 5000), 0);
	rec_init(&a);
	ws_timer_arm(&tw, &a.t, 4000);
	assert_int_equal(run_at(&tw, 5001), 1);
	ws_timer_wheel_fini(&tw);
}

static void
test_rearm_moves(void **state)
{
	struct ws_timer_wheel tw;
	struct rec a, b;
	uint64_t now;

	(void)state;
	wheel_init(&tw, 32, 1, 0);
	rec_init(&a);
	rec_init(&b);

	/* Later: not at the old time, at the new one. */
	ws_timer_arm(&tw, &a.t, 100);
	ws_timer_arm(&tw, &a.t, 300);
	/* Earlier: at the new time, and not again at the old one. */
	ws_timer_arm(&tw, &b.t, 500);
	ws_timer_arm(&tw, &b.t, 200);
	assert_int_equal(tw.armed, 2);
	for (now = 1; now <= 600; now++) {
		run_at(&tw, now);
		assert_int_equal(a.n_fired, now >= 300);
		assert_int_equal(b.n_fired, now >= 200);
	}
	assert_int_equal(a.fired_at, 300);
	assert_int_equal(b.fired_at, 200);
	assert_int_equal(tw.armed, 0);

	/* Re-arm to the same slot index a turn away. */
	ws_timer_arm(&tw, &a.t, 610);
	ws_timer_arm(&tw, &a.t, 610 + 32);
	assert_int_equal(run_at(&tw, 620), 0);
	assert_int_equal(run_at(&tw, 641), 0);
	assert_int_equal(run_at(&tw, 642), 1);
	assert_int_equal(a.fired_at, 642);
	ws_timer_wheel_fini(&tw);
}

static void
test_cancel(void **state)
{
	struct ws_timer_wheel tw;
	struct rec a, b, c, u;

	(void)state;
	wheel_init(&tw, 8, 10, 0);
	rec_init(&a);
	rec_init(&b);
	rec_init(&c);
	rec_init(&u);

	/* Unarmed: harmless, and the count does not move. */
	ws_timer_cancel(&tw, &u.t);
	assert_int_equal(tw.armed, 0);

	/* Three in one slot; cancelling the middle one keeps the others. */
	ws_timer_arm(&tw, &a.t, 55);
	ws_timer_arm(&tw, &b.t, 56);
	ws_timer_arm(&tw, &c.t, 57);
	ws_timer_cancel(&tw, &b.t);
	assert_false(ws_timer_armed(&b.t));
	assert_int_equal(tw.armed, 2);
	ws_timer_cancel(&tw, &b.t);	/* twice: harmless */
	assert_int_equal(tw.armed, 2);
	assert_int_equal(run_at(&tw, 60), 2);
	assert_int_equal(a.n_fired, 1);
	assert_int_equal(b.n_fired, 0);
	assert_int_equal(c.n_fired, 1);

	/* Cancel after it fired: harmless. */
	ws_timer_cancel(&tw, &a.t);
	assert_int_equal(tw.armed, 0);

	/* Cancel the only one, then run far beyond: nothing. */
	ws_timer_arm(&tw, &a.t, 100);
	ws_timer_cancel(&tw, &a.t);
	assert_int_equal(run_at(&tw, 100000), 0);
	assert_int_equal(a.n_fired, 1);

	/* A "never" expiry is armed and cancelled like any other. */
	ws_timer_arm(&tw, &u.t, UINT64_MAX);
	assert_int_equal(run_at(&tw, 200000), 0);
	assert_true(ws_timer_armed(&u.t));
	ws_timer_cancel(&tw, &u.t);
	assert_int_equal(tw.armed, 0);
	ws_timer_wheel_fini(&tw);
}

/* Many timers: slot order, lateness and the count. */
#define MANY 10000

static uint64_t many_last_slot;
static uint64_t many_res;
static uint64_t many_now0;

/*
 * The slot a timer belongs to: its expiry rounded up, or for one armed
 * already due, the first slot after the one arming happened in.
 */
static void
many_cb(struct ws_timer *t, void *arg)
{
	struct rec *r = arg;
	uint64_t slot = RTE_MAX(div_up(t->expire, many_res),
			many_now0 / many_res + 1);

	rec_cb(t, arg);
	assert_true(slot >= many_last_slot);
	many_last_slot = slot;
	/* Stepped one tick at a time: never a resolution late. */
	if (t->expire > many_now0)
		assert_true(r->fired_at - t->expire < many_res);
	else
		assert_int_equal(r->fired_at, slot * many_res);
}

static void
test_many_random(void **state)
{
	const uint32_t n_slots = 256;
	struct ws_timer_wheel tw;
	struct rec *r;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	uint64_t now, now0 = 123457, max_expire = 0;
	unsigned int i, total = 0;

	(void)state;
	many_res = 10;
	many_now0 = now0;
	r = calloc(MANY, sizeof(*r));
	assert_non_null(r);
	wheel_init(&tw, n_slots, many_res, now0);
	for (i = 0; i < MANY; i++) {
		rec_init(&r[i]);
		r[i].t.cb = many_cb;
		/* Up to five turns ahead; 1 in 16 already due. */
		if ((rnd(&seed) & 15) == 0)
			r[i].t.expire = now0 - rnd(&seed) % 1000;
		else
			r[i].t.expire = now0 + 1 +
				rnd(&seed) % (5 * n_slots * many_res);
		ws_timer_arm(&tw, &r[i].t, r[i].t.expire);
		max_expire = RTE_MAX(max_expire, r[i].t.expire);
	}
	assert_int_equal(tw.armed, MANY);

	many_last_slot = 0;
	for (now = now0 + 1; now <= max_expire + many_res; now++) {
		total += run_at(&tw, now);
		assert_int_equal(tw.armed, MANY - total);
	}
	assert_int_equal(total, MANY);
	assert_int_equal(tw.armed, 0);
	for (i = 0; i < MANY; i++) {
		assert_int_equal(r[i].n_fired, 1);
		assert_true(r[i].fired_at >= r[i].t.expire);
	}
	ws_timer_wheel_fini(&tw);
	free(r);
}

/* Timers many turns away survive every run until their own turn. */
static void
test_far_future(void **state)
{
	const uint32_t n_slots = 16;
	const uint64_t res = 10, turn = n_slots * res;
	const uint64_t turns[] = { 1, 3, 10, 1000 };
	struct rec r[RTE_DIM(turns)];
	struct ws_timer_wheel tw;
	uint64_t now, end;
	unsigned int i;

	(void)state;
	wheel_init(&tw, n_slots, res, 0);
	for (i = 0; i < RTE_DIM(turns); i++) {
		rec_init(&r[i]);
		ws_timer_arm(&tw, &r[i].t, turns[i] * turn + 35);
	}
	end = turns[RTE_DIM(turns) - 1] * turn + 100;
	/* A run every resolution visits each slot, every turn. */
	for (now = 5; now <= end; now += res) {
		run_at(&tw, now);
		for (i = 0; i < RTE_DIM(turns); i++)
			assert_int_equal(r[i].n_fired, now >=
					div_up(r[i].t.expire, res) * res);
	}
	for (i = 0; i < RTE_DIM(turns); i++) {
		assert_int_equal(r[i].n_fired, 1);
		assert_int_equal(r[i].fired_at, r[i].t.expire + 10);
	}
	assert_int_equal(tw.armed, 0);
	ws_timer_wheel_fini(&tw);
}

/*
 * A jump of a hundred turns: one call fires everything due, leaves the
 * rest, which then fire at their time.
 */
static void
test_long_gap(void **state)
{
	const uint32_t n_slots = 64;
	const uint64_t res = 10, turn = n_slots * res;
	const unsigned int n = 2000;
	struct ws_timer_wheel tw;
	struct rec *r;
	uint64_t seed = 42, jump = 100 * turn, now;
	unsigned int i, due = 0, fired;

	(void)state;
	r = calloc(n, sizeof(*r));
	assert_non_null(r);
	wheel_init(&tw, n_slots, res, 0);
	for (i = 0; i < n; i++) {
		rec_init(&r[i]);
		/* Up to 120 turns ahead: most due at the jump, some not. */
		ws_timer_arm(&tw, &r[i].t, 1 + rnd(&seed) % (120 * turn));
		due += r[i].t.expire <= jump;
	}
	assert_true(due > 0 && due < n);

	fired = run_at(&tw, jump);
	assert_int_equal(fired, due);
	assert_int_equal(tw.armed, n - due);
	for (i = 0; i < n; i++)
		assert_int_equal(r[i].n_fired, r[i].t.expire <= jump);

	/* The rest keep their exact time. */
	for (now = jump + 1; now <= 121 * turn; now++)
		run_at(&tw, now);
	assert_int_equal(tw.armed, 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(r[i].n_fired, 1);
		if (r[i].t.expire > jump)
			assert_int_equal(r[i].fired_at,
					div_up(r[i].t.expire, res) * res);
	}

	/*
	 * A gap of 2^50 slots: a run that walked every elapsed slot would
	 * never come back; one turn at most, and the timer fires. The
	 * "never" timer keeps the wheel from looking empty, so the walk
	 * cannot stop early on that account.
	 */
	rec_init(&r[0]);
	rec_init(&r[1]);
	ws_timer_arm(&tw, &r[0].t, now + 5);
	ws_timer_arm(&tw, &r[1].t, UINT64_MAX);
	assert_int_equal(run_at(&tw, now + (1ULL << 50) * res), 1);
	assert_int_equal(r[0].n_fired, 1);
	assert_int_equal(r[1].n_fired, 0);
	ws_timer_cancel(&tw, &r[1].t);
	ws_timer_wheel_fini(&tw);
	free(r);
}

/* A clock going backwards, or standing still, does nothing. */
static void
test_idle_and_backwards(void **state)
{
	struct ws_timer_wheel tw;
	struct rec a;
	unsigned int i;

	(void)state;
	wheel_init(&tw, 8, 100, 1000);
	rec_init(&a);
	ws_timer_arm(&tw, &a.t, 1150);
	for (i = 0; i < 1000; i++)
		assert_int_equal(run_at(&tw, 1050), 0);
	assert_int_equal(run_at(&tw, 1100), 0);
	assert_int_equal(run_at(&tw, 500), 0);
	assert_int_equal(run_at(&tw, 1199), 0);
	assert_int_equal(run_at(&tw, 1200), 1);
	assert_int_equal(run_at(&tw, 1100), 0);
	ws_timer_wheel_fini(&tw);
}

/* Periodic: the callback re-arms itself from its own expiry. */
struct periodic {
	struct ws_timer t;
	struct ws_timer_wheel *tw;
	uint64_t period;
	unsigned int n_fired;
	uint64_t fired_at[64];
};

static void
periodic_cb(struct ws_timer *t, void *arg)
{
	struct periodic *p = arg;

	assert_false(ws_timer_armed(t));
	assert_true(p->n_fired < RTE_DIM(p->fired_at));
	p->fired_at[p->n_fired++] = cur_now;
	ws_timer_arm(p->tw, t, t->expire + p->period);
	assert_true(ws_timer_armed(t));
}

static void
check_periodic(uint64_t res, uint64_t period, uint32_t n_slots)
{
	struct ws_timer_wheel tw;
	struct periodic p;
	uint64_t now, end = 40 * period;
	unsigned int i;

	wheel_init(&tw, n_slots, res, 0);
	memset(&p, 0, sizeof(p));
	p.tw = &tw;
	p.period = period;
	ws_timer_init(&p.t, periodic_cb, &p);
	ws_timer_arm(&tw, &p.t, period);
	for (now = 1; now < end; now++)
		run_at(&tw, now);
	assert_int_equal(p.n_fired, 39);
	for (i = 0; i < p.n_fired; i++)
		assert_int_equal(p.fired_at[i],
				div_up((i + 1) * period, res) * res);
	assert_true(ws_timer_armed(&p.t));
	assert_int_equal(tw.armed, 1);
	ws_timer_cancel(&tw, &p.t);
	assert_int_equal(tw.armed, 0);
	ws_timer_wheel_fini(&tw);
}

/*
 * Runs skip slots whose bit is clear: timers far apart in a big wheel,
 * slots left marked by cancelled timers, runs that stop in the middle of
 * a bitmap word, and a small wheel (one partial word) wrapping around.
 * Each timer fires once, on the first run at or after its expiry.
 */
static void
check_sparse(uint32_t n_slots, const uint64_t *expiry, unsigned int n,
		const uint64_t *steps, unsigned int n_steps)
{
	struct ws_timer_wheel tw;
	struct rec r[8], gone[8];
	uint64_t now = 0;
	unsigned int i, k;

	assert_true(n <= RTE_DIM(r));
	wheel_init(&tw, n_slots, 1, 0);
	for (i = 0; i < n; i++) {
		rec_init(&r[i]);
		rec_init(&gone[i]);
		ws_timer_arm(&tw, &r[i].t, expiry[i]);
		/* A neighbour armed and cancelled leaves its bit set. */
		ws_timer_arm(&tw, &gone[i].t, expiry[i] + 1);
		ws_timer_cancel(&tw, &gone[i].t);
	}
	for (k = 0; k < n_steps; k++) {
		uint64_t prev = now;

		now += steps[k];
		run_at(&tw, now);
		for (i = 0; i < n; i++) {
			if (expiry[i] <= prev)
				continue;
			if (expiry[i] <= now) {
				assert_int_equal(r[i].n_fired, 1);
				assert_int_equal(r[i].fired_at, now);
			} else {
				assert_int_equal(r[i].n_fired, 0);
			}
		}
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(r[i].n_fired, 1);
		assert_int_equal(gone[i].n_fired, 0);
	}
	assert_int_equal(tw.armed, 0);
	ws_timer_wheel_fini(&tw);
}

static void
test_sparse_skip(void **state)
{
	static const uint64_t big[] = { 5, 63, 64, 700, 4000, 4095, 9000 };
	static const uint64_t big_steps[] = { 3, 62, 1, 1, 500, 3600, 10000 };
	static const uint64_t one_jump[] = { 20000 };
	static const uint64_t small[] = { 2, 7, 9, 15, 30 };
	static const uint64_t small_steps[] = { 1, 5, 2, 6, 3, 20 };

	(void)state;
	check_sparse(4096, big, RTE_DIM(big), big_steps, RTE_DIM(big_steps));
	check_sparse(4096, big, RTE_DIM(big), one_jump, RTE_DIM(one_jump));
	check_sparse(8, small, RTE_DIM(small), small_steps,
		RTE_DIM(small_steps));
	check_sparse(8, small, RTE_DIM(small), one_jump, RTE_DIM(one_jump));
}

static void
test_periodic(void **state)
{
	(void)state;
	check_periodic(1, 7, 16);
	check_periodic(10, 25, 16);
	/* Period longer than a turn. */
	check_periodic(10, 250, 8);
	/* Period one slot: re-armed into the slot right after. */
	check_periodic(10, 10, 4);
}

/* A period shorter than the run step must not loop within a run. */
static void
test_periodic_behind(void **state)
{
	struct ws_timer_wheel tw;
	struct periodic p;

	(void)state;
	wheel_init(&tw, 8, 10, 0);
	memset(&p, 0, sizeof(p));
	p.tw = &tw;
	p.period = 1;
	ws_timer_init(&p.t, periodic_cb, &p);
	ws_timer_arm(&tw, &p.t, 1);
	assert_int_equal(run_at(&tw, 30), 1);
	assert_int_equal(run_at(&tw, 35), 0);
	assert_int_equal(run_at(&tw, 40), 1);
	/* A gap of many turns: at most twice, never a loop. */
	assert_true(run_at(&tw, 100000) <= 2);
	assert_true(ws_timer_armed(&p.t));
	ws_timer_cancel(&tw, &p.t);
	ws_timer_wheel_fini(&tw);
}

/* Callbacks that cancel, re-arm or arm other timers of their own slot. */
#define GROUP 6

struct member {
	struct ws_timer t;
	struct group *g;
	unsigned int n_fired;
};

struct group {
	struct ws_timer_wheel *tw;
	struct member m[GROUP];
	unsigned int n_fired;
	int mode;
};

enum {
	CANCEL_OTHERS,	/* the first to fire cancels all the others */
	REARM_OTHERS,	/* the first to fire moves the others a slot on */
};

static void
member_cb(struct ws_timer *t, void *arg)
{
	struct member *me = arg;
	struct group *g = me->g;
	unsigned int i;

	assert_false(ws_timer_armed(t));
	me->n_fired++;
	g->n_fired++;
	for (i = 0; i < GROUP; i++) {
		struct ws_timer *o = &g->m[i].t;

		if (o == t || !ws_timer_armed(o))
			continue;
		if (g->mode == CANCEL_OTHERS)
			ws_timer_cancel(g->tw, o);
		else
			ws_timer_arm(g->tw, o, o->expire + 10);
	}
}

static void
group_init(struct group *g, struct ws_timer_wheel *tw, int mode)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->tw = tw;
	g->mode = mode;
	for (i = 0; i < GROUP; i++) {
		g->m[i].g = g;
		ws_timer_init(&g->m[i].t, member_cb, &g->m[i]);
	}
}

static void
test_cb_cancels_same_slot(void **state)
{
	struct ws_timer_wheel tw;
	struct group g;
	struct rec before, after;
	unsigned int i;

	(void)state;
	wheel_init(&tw, 16, 10, 0);
	group_init(&g, &tw, CANCEL_OTHERS);
	rec_init(&before);
	rec_init(&after);
	/* Bystanders on both sides of the group in the slot's list. */
	ws_timer_arm(&tw, &before.t, 51);
	for (i = 0; i < GROUP; i++)
		ws_timer_arm(&tw, &g.m[i].t, 52 + i % 3);
	ws_timer_arm(&tw, &after.t, 53);
	assert_int_equal(tw.armed, GROUP + 2);

	assert_int_equal(run_at(&tw, 60), 3);
	assert_int_equal(g.n_fired, 1);
	assert_int_equal(before.n_fired, 1);
	assert_int_equal(after.n_fired, 1);
	assert_int_equal(tw.armed, 0);
	for (i = 0; i < GROUP; i++)
		assert_false(ws_timer_armed(&g.m[i].t));
	assert_int_equal(run_at(&tw, 1000), 0);
	assert_int_equal(g.n_fired, 1);
	ws_timer_wheel_fini(&tw);
}

static void
test_cb_rearms_same_slot(void **state)
{
	struct ws_timer_wheel tw;
	struct group g;
	unsigned int i;

	(void)state;
	wheel_init(&tw, 16, 10, 0);
	group_init(&g, &tw, REARM_OTHERS);
	for (i = 0; i < GROUP; i++)
		ws_timer_arm(&tw, &g.m[i].t, 55);
	/* One fires and pushes the rest 10 ticks on. */
	assert_int_equal(run_at(&tw, 60), 1);
	assert_int_equal(tw.armed, GROUP - 1);
	/* They fire at 65 -> slot 7: one again, pushing the rest. */
	assert_int_equal(run_at(&tw, 69), 0);
	assert_int_equal(run_at(&tw, 70), 1);
	assert_int_equal(tw.armed, GROUP - 2);
	for (i = 0; i < GROUP; i++)
		assert_true(g.m[i].n_fired <= 1);
	ws_timer_wheel_fini(&tw);
}

/* A callback arming new timers in the slot being run, or the current one. */
struct spawner {
	struct ws_timer t;
	struct ws_timer_wheel *tw;
	struct rec kids[4];
	uint32_t n_slots;
	uint64_t res;
};

static void
spawner_cb(struct ws_timer *t, void *arg)
{
	struct spawner *s = arg;
	uint64_t turn = s->n_slots * s->res;

	(void)t;
	/* Now, earlier in this slot, later in this slot. */
	ws_timer_arm(s->tw, &s->kids[0].t, cur_now);
	ws_timer_arm(s->tw, &s->kids[1].t, cur_now - 3);
	ws_timer_arm(s->tw, &s->kids[2].t, cur_now + s->res / 2);
	/* Same slot index, a turn on: the list being run right now. */
	ws_timer_arm(s->tw, &s->kids[3].t, cur_now + turn);
}

static void
test_cb_arms_current_slot(void **state)
{
	struct ws_timer_wheel tw;
	struct spawner s;
	unsigned int i;

	(void)state;
	wheel_init(&tw, 8, 10, 0);
	memset(&s, 0, sizeof(s));
	s.tw = &tw;
	s.n_slots = 8;
	s.res = 10;
	ws_timer_init(&s.t, spawner_cb, &s);
	for (i = 0; i < RTE_DIM(s.kids); i++)
		rec_init(&s.kids[i]);
	ws_timer_arm(&tw, &s.t, 50);

	assert_int_equal(run_at(&tw, 50), 1);
	assert_int_equal(tw.armed, 4);
	/* Not in the same run, nor while the clock stays in the slot... */
	assert_int_equal(run_at(&tw, 59), 0);
	/* ...but on the next slot: none lost. */
	assert_int_equal(run_at(&tw, 60), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(s.kids[i].n_fired, 1);
		assert_int_equal(s.kids[i].fired_at, 60);
	}
	/* The one a turn away waits its turn. */
	assert_int_equal(s.kids[3].n_fired, 0);
	assert_int_equal(run_at(&tw, 129), 0);
	assert_int_equal(run_at(&tw, 130), 1);
	assert_int_equal(s.kids[3].fired_at, 130);
	assert_int_equal(tw.armed, 0);
	ws_timer_wheel_fini(&tw);
}

/*
 * A callback freeing the object that holds it and another timer of the
 * same slot (cancelled first): the run must not touch that memory again.
 */
struct owner {
	struct ws_timer a;
	struct ws_timer b;
	struct ws_timer_wheel *tw;
};

static unsigned int owners_freed;

static void
owner_cb(struct ws_timer *t, void *arg)
{
	struct owner *o = arg;

	(void)t;
	ws_timer_cancel(o->tw, &o->a);
	ws_timer_cancel(o->tw, &o->b);
	/* Poison first, so a use after free is loud even without ASan. */
	memset(o, 0xa5, sizeof(*o));
	rte_free(o);
	owners_freed++;
}

static void
test_cb_frees_owner(void **state)
{
	struct ws_timer_wheel tw;
	struct owner *o[8];
	struct rec x, y;
	unsigned int i;

	(void)state;
	wheel_init(&tw, 4, 10, 0);
	owners_freed = 0;
	rec_init(&x);
	rec_init(&y);
	ws_timer_arm(&tw, &x.t, 15);
	for (i = 0; i < RTE_DIM(o); i++) {
		o[i] = rte_zmalloc("test_owner", sizeof(*o[i]), 0);
		assert_non_null(o[i]);
		o[i]->tw = &tw;
		ws_timer_init(&o[i]->a, owner_cb, o[i]);
		ws_timer_init(&o[i]->b, owner_cb, o[i]);
		/* Both in slot 2, interleaved with the other owners. */
		ws_timer_arm(&tw, &o[i]->a, 12 + i % 5);
		ws_timer_arm(&tw, &o[i]->b, 20);
	}
	ws_timer_arm(&tw, &y.t, 17);
	assert_int_equal(tw.armed, 2 * RTE_DIM(o) + 2);

	assert_int_equal(run_at(&tw, 20), RTE_DIM(o) + 2);
	assert_int_equal(owners_freed, RTE_DIM(o));
	assert_int_equal(x.n_fired, 1);
	assert_int_equal(y.n_fired, 1);
	assert_int_equal(tw.armed, 0);
	assert_int_equal(run_at(&tw, 1000), 0);
	ws_timer_wheel_fini(&tw);
}

static void
test_fini_armed(void **state)
{
	struct ws_timer_wheel tw;
	struct rec r[10];
	unsigned int i;

	(void)state;
	wheel_init(&tw, 16, 10, 0);
	for (i = 0; i < RTE_DIM(r); i++) {
		rec_init(&r[i]);
		ws_timer_arm(&tw, &r[i].t, 100 + 37 * i);
	}
	assert_int_equal(tw.armed, RTE_DIM(r));
	ws_timer_wheel_fini(&tw);
	assert_null(tw.slots);
	assert_int_equal(tw.armed, 0);
	ws_timer_wheel_fini(&tw);	/* twice: harmless */

	/* The timers can be prepared again and used on a new wheel. */
	wheel_init(&tw, 16, 10, 0);
	for (i = 0; i < RTE_DIM(r); i++) {
		rec_init(&r[i]);
		ws_timer_arm(&tw, &r[i].t, 100);
	}
	assert_int_equal(run_at(&tw, 100), RTE_DIM(r));
	ws_timer_wheel_fini(&tw);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_init_args),
	cmocka_unit_test(test_fires_at_expiry_res1),
	cmocka_unit_test(test_fires_at_expiry_res10),
	cmocka_unit_test(test_fires_at_expiry_res1000),
	cmocka_unit_test(test_arm_in_past),
	cmocka_unit_test(test_rearm_moves),
	cmocka_unit_test(test_cancel),
	cmocka_unit_test(test_many_random),
	cmocka_unit_test(test_far_future),
	cmocka_unit_test(test_long_gap),
	cmocka_unit_test(test_sparse_skip),
	cmocka_unit_test(test_idle_and_backwards),
	cmocka_unit_test(test_periodic),
	cmocka_unit_test(test_periodic_behind),
	cmocka_unit_test(test_cb_cancels_same_slot),
	cmocka_unit_test(test_cb_rearms_same_slot),
	cmocka_unit_test(test_cb_arms_current_slot),
	cmocka_unit_test(test_cb_frees_owner),
	cmocka_unit_test(test_fini_armed),
};

WS_TEST_MAIN(tests)
