/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "woshou.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
sum_drops(const struct ws_stats *s)
{
	uint64_t total = s->loop.tx_drop_full;

#define ADD_DROP(name) \
	if (strncmp(#name, "drop_", 5) == 0) \
		total += m->name;
#define MODULE(member, LIST) { \
		const __typeof__(s->member) *m = &s->member; \
		LIST(ADD_DROP) \
	}
	WS_STATS_MODULES(MODULE)
#undef MODULE
#undef ADD_DROP
	return total;
}

static void
print_line(FILE *out, const struct ws_stats *cur, const struct ws_stats *prev,
		uint64_t elapsed_ms)
{
	uint64_t ms = elapsed_ms ? elapsed_ms : 1;

#define RATE(field) ((cur->field - prev->field) * 1000 / ms)
	fprintf(out, "rx %" PRIu64 " pps tx %" PRIu64 " pps | rx %" PRIu64
		" tx %" PRIu64 " | arp req %" PRIu64 " rep %" PRIu64
		" | icmp echo %" PRIu64 " | ip frag %" PRIu64 " reasm %" PRIu64
		" | drops %" PRIu64 "\n",
		RATE(loop.rx_pkts), RATE(loop.tx_pkts),
		cur->loop.rx_pkts, cur->loop.tx_pkts,
		cur->arp.requests_rx, cur->arp.replies_tx,
		cur->icmp.echo_tx, cur->ip.frag_rx, cur->ip.reasm_ok,
		sum_drops(cur));
#undef RATE
	fflush(out);
}

void
ws_control_run(struct ws_stack *s, volatile sig_atomic_t *quit, FILE *out)
{
	const struct ws_config *cfg = ws_stack_config(s);
	struct ws_stats prev, cur;
	struct timespec nap = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };
	uint64_t interval, last, t;

	interval = cfg->control.interval_ms;
	ws_stack_stats(s, -1, &prev);
	last = now_ms();
	while (!*quit) {
		/* Short naps keep Ctrl-C responsive whatever the interval. */
		nanosleep(&nap, NULL);
		t = now_ms();
		if (t - last < interval)
			continue;
		ws_stack_stats(s, -1, &cur);
		if (cfg->control.print_stats && out != NULL)
			print_line(out, &cur, &prev, t - last);
		prev = cur;
		last = t;
	}
}
