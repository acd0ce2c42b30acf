/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Issue 17's goals, asserted in process through the WAN emulator: the
 * benchmark's scenarios (ws_wan_table) scaled down to 100 Mbit/s and
 * 1 Gbit/s and shorter runs, with the stack's default congestion
 * control. One test per scenario, named after it:
 *   clean ...        goodput past slow start >= 95% of the link
 *   loss ...         >= 90% of RFC 9438's model (CUBIC or Reno-friendly)
 *   burst of 10      no RTO, the ten repaired within 2 RTTs
 *   tail 3 of 100KB  no RTO (a tail loss probe repairs it)
 *   reorder 3%       under 1% of data segments resent spuriously
 *   dup 1%           >= 95% of the link
 * Every run is deterministic (seeded), so a figure moves only when the
 * stack's behaviour does.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

#include <cmocka.h>

#include "ws_wan.h"

#define MAX_ROWS 32

static struct ws_wan_row rows[MAX_ROWS];
static struct CMUnitTest tests[MAX_ROWS];

static void
test_goal(void **state)
{
	const struct ws_wan_row *row = *state;
	struct ws_wan_scenario s = row->s;
	struct ws_wan_result r;
	struct ws_wan_verdict v;

	s.cc = NULL;		/* the stack's default */
	s.verify = s.bytes != 0;
	assert_int_equal(ws_wan_run(&s, &r), 0);
	ws_wan_judge(row, &r, &v);
	print_message("%s: %.1f Mbit/s, %s (goal %s), %" PRIu64 " RTO, "
		"%" PRIu64 " bytes lost, %" PRIu64 " resent, %" PRIu64
		" spurious, %.2f s real\n", row->name,
		(double)r.goodput2_bps / 1e6, v.got, v.goal, r.rto_count,
		r.lost_bytes, r.retransmitted_bytes, r.spurious_retransmits,
		r.real_s);
	if (s.bytes != 0) {
		assert_true(r.completed);
		assert_true(r.intact);
	}
	if (!v.met)
		fail_msg("%s: %s, goal %s", row->name, v.got, v.goal);
}

int
main(void)
{
	unsigned int n, i;

	ws_wan_eal_init("test_wan_goals", 1024);
	n = ws_wan_table(rows, MAX_ROWS, true);
	for (i = 0; i < n; i++) {
		tests[i].name = rows[i].name;
		tests[i].test_func = test_goal;
		tests[i].initial_state = &rows[i];
	}
	return _cmocka_run_group_tests("test_wan_goals", tests, n, NULL,
		NULL);
}
