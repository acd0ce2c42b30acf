/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * bench_wan: issue 17's WAN scenarios through the emulator
 * (tests/wan/ws_wan.h), each with every congestion control the build
 * has (NewReno; CUBIC once [tcp] congestion exists), side by side, and
 * the goals met or not. Simulated time: the figures are the same on any
 * machine; only the real time a row takes depends on it.
 *
 *   bench_wan [--json FILE] [--only TEXT] [--small]
 *
 * --only runs the rows whose name contains TEXT; --small the unit test's
 * scaled-down table.
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws_wan.h"

#define MAX_ROWS 32

/* Adding an algorithm to the table is adding its name here. */
static const char *const algos[] = { "newreno", "cubic" };
#define N_ALGOS RTE_DIM(algos)

struct cell {
	bool ran;
	int err;
	struct ws_wan_result r;
	struct ws_wan_verdict v;
};

static struct ws_wan_row rows[MAX_ROWS];
static struct cell cells[MAX_ROWS][N_ALGOS];

static void
json_row(FILE *f, const struct ws_wan_row *row, const char *algo,
		const struct cell *c, bool *first)
{
	const struct ws_wan_result *r = &c->r;

	fprintf(f, "%s\n    {\"scenario\": \"%s\", \"cc\": \"%s\", ",
		*first ? "" : ",", row->name, algo);
	*first = false;
	fprintf(f, "\"goodput_bps\": %" PRIu64 ", \"goodput_total_bps\": %"
		PRIu64 ", \"link_bps\": %" PRIu64 ", \"rtt_ms\": %g, "
		"\"loss\": %g, ", r->goodput2_bps, r->goodput_bps,
		row->s.data.rate_bps, (double)r->rtt_ns / 1e6, row->loss);
	fprintf(f, "\"rto_count\": %" PRIu64 ", \"retransmitted_bytes\": %"
		PRIu64 ", \"lost_bytes\": %" PRIu64 ", "
		"\"spurious_retransmits\": %" PRIu64 ", \"data_segments\": %"
		PRIu64 ", ", r->rto_count, r->retransmitted_bytes,
		r->lost_bytes, r->spurious_retransmits, r->data_segs_tx);
	if (c->v.model_bps > 0)
		fprintf(f, "\"model_bps\": %.0f, ", c->v.model_bps);
	else
		fprintf(f, "\"model_bps\": null, ");
	if (r->recovery_ns != 0)
		fprintf(f, "\"recovery_ms\": %.3f, ",
			(double)r->recovery_ns / 1e6);
	else
		fprintf(f, "\"recovery_ms\": null, ");
	fprintf(f, "\"bytes\": %" PRIu64 ", \"sim_s\": %.3f, \"real_s\": "
		"%.2f, \"goal\": \"%s\", \"result\": \"%s\", \"met\": %s}",
		r->bytes, (double)r->sim_ns / 1e9, r->real_s, c->v.goal,
		c->v.got, row->goal == WS_WAN_GOAL_NONE ? "null" :
		c->v.met ? "true" : "false");
}

int
main(int argc, char **argv)
{
	const char *json = NULL, *only = NULL;
	bool small = false, avail[N_ALGOS], first = true;
	unsigned int n, i, k;
	FILE *f;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && i + 1 < (unsigned)argc)
			json = argv[++i];
		else if (strcmp(argv[i], "--only") == 0 &&
				i + 1 < (unsigned int)argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--small") == 0)
			small = true;
		else {
			fprintf(stderr, "usage: %s [--json FILE] "
				"[--only TEXT] [--small]\n", argv[0]);
			return 2;
		}
	}
	/* 10 Gbit/s x 100 ms holds about 1.5 GB of mbufs at its peak. */
	ws_wan_eal_init(argv[0], small ? 1024 : 4096);
	n = ws_wan_table(rows, MAX_ROWS, small);
	for (k = 0; k < N_ALGOS; k++) {
		avail[k] = ws_wan_cc_available(algos[k]);
		if (!avail[k])
			printf("(%s: not in this build)\n", algos[k]);
	}
	printf("%-22s %-6s %12s %-18s %-24s %4s %5s %9s %9s %8s\n",
		"scenario", "cc", "goodput", "result", "goal", "met", "RTOs",
		"retrans", "lost", "real s");
	for (i = 0; i < n; i++) {
		if (only != NULL && strstr(rows[i].name, only) == NULL)
			continue;
		for (k = 0; k < N_ALGOS; k++) {
			struct cell *c = &cells[i][k];
			struct ws_wan_scenario s = rows[i].s;

			if (!avail[k])
				continue;
			s.cc = algos[k];
			c->err = ws_wan_run(&s, &c->r);
			c->ran = true;
			if (c->err != 0) {
				printf("%-22s %-6s error %d\n", rows[i].name,
					algos[k], c->err);
				continue;
			}
			ws_wan_judge(&rows[i], &c->r, &c->v);
			printf("%-22s %-6s %7.1f Mb/s %-18s %-24s %4s %5"
				PRIu64 " %8.1fK %8.1fK %8.2f\n",
				rows[i].name, algos[k],
				(double)c->r.goodput2_bps / 1e6, c->v.got,
				c->v.goal, rows[i].goal == WS_WAN_GOAL_NONE ?
				"-" : c->v.met ? "yes" : "NO",
				c->r.rto_count,
				(double)c->r.retransmitted_bytes / 1e3,
				(double)c->r.lost_bytes / 1e3, c->r.real_s);
			fflush(stdout);
		}
	}
	printf("goodput: client-received bytes over the second half of a "
		"timed run (past slow start), or over the whole of a sized "
		"one; model: RFC 9438 5.1, max(CUBIC, Reno-friendly).\n");
	if (json == NULL)
		return 0;
	f = fopen(json, "w");
	if (f == NULL) {
		perror(json);
		return 1;
	}
	fprintf(f, "{\"benchmark\": \"wan\", \"rows\": [");
	for (i = 0; i < n; i++)
		for (k = 0; k < N_ALGOS; k++)
			if (cells[i][k].ran && cells[i][k].err == 0)
				json_row(f, &rows[i], algos[k], &cells[i][k],
					&first);
	fprintf(f, "\n]}\n");
	fclose(f);
	return 0;
}
