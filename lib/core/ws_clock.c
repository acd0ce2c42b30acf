/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <rte_cycles.h>

#include "ws_clock.h"

static uint64_t
tsc_read(void *ctx)
{
	(void)ctx;
	return rte_rdtsc();
}

static uint64_t
manual_read(void *ctx)
{
	return *(const uint64_t *)ctx;
}

void
ws_clock_init_tsc(struct ws_clock *clk)
{
	clk->read = tsc_read;
	clk->ctx = NULL;
	clk->hz = rte_get_tsc_hz();
}

void
ws_clock_init_manual(struct ws_clock *clk, uint64_t *ticks, uint64_t hz)
{
	clk->read = manual_read;
	clk->ctx = ticks;
	clk->hz = hz;
}
