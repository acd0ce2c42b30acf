/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_CLOCK_H
#define WS_CLOCK_H

/*
 * The one source of time for the stack. Production reads the TSC; tests
 * install a fake clock they advance by hand, so every timeout (ARP, IP
 * reassembly, and later TCP) can be driven deterministically.
 */

#include <stdint.h>

struct ws_clock {
	uint64_t (*read)(void *ctx);	/* ticks */
	void *ctx;
	uint64_t hz;			/* ticks per second */
};

/* The TSC clock (rte_rdtsc, rte_get_tsc_hz). */
void ws_clock_init_tsc(struct ws_clock *clk);

/* A manual clock: ticks are whatever *ticks holds; hz as given. */
void ws_clock_init_manual(struct ws_clock *clk, uint64_t *ticks, uint64_t hz);

static inline uint64_t
ws_clock_read(const struct ws_clock *clk)
{
	return clk->read(clk->ctx);
}

static inline uint64_t
ws_ms_to_ticks(uint64_t hz, uint64_t ms)
{
	return hz / 1000 * ms + (hz % 1000) * ms / 1000;
}

#endif /* WS_CLOCK_H */
