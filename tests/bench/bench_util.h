/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef WS_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

/* What every benchmark program in tests/bench needs besides its own loop. */

/* Print "program: what" and exit 1: a benchmark that cannot verify stops. */
void bench_die(const char *what) __attribute__((noreturn));

/* Monotonic wall time in seconds. */
double bench_now_s(void);

/* The median of v[0..n) (n > 0), v left as it is. */
double bench_median(const double *v, unsigned int n);

/* The smallest of v[0..n) (n > 0): the least disturbed run. */
double bench_min(const double *v, unsigned int n);

/*
 * Start the EAL as every benchmark does: lcore 0 alone, 'mem_mb' MiB
 * without hugepages, no PCI, no telemetry, nothing shared on disk, DPDK
 * file prefix 'prefix'. Dies on failure.
 */
void bench_eal_init(const char *argv0, unsigned int mem_mb,
		const char *prefix);

/* What bench_shard and bench_syn take: a count, runs, JSON, profile. */
struct bench_opts {
	unsigned int n;			/* --<n_name> N */
	unsigned int runs;		/* --runs R */
	const char *json;		/* --json FILE, or NULL */
	bool profile;			/* --profile */
};

/*
 * Parse --<n_name> N, --runs R, --json FILE, --profile and --help into
 * 'o', which holds the defaults. Returns -1 to go on, or the status to
 * exit with: 0 after --help, 2 after a usage error (usage printed).
 */
int bench_parse_opts(int argc, char **argv, const char *n_name,
		struct bench_opts *o);

struct rte_ring;
struct ws_stack;

/* A single-producer, single-consumer ring of 'size', or die. */
struct rte_ring *bench_ring(const char *name, unsigned int size);

/*
 * A stack on a new net_ring port 'port_name' whose queue q receives from
 * rx[q] and sends to tx[q] (nq queues), configured by 'sets' alone
 * (port.device is set here); created, not started. The port's id goes
 * to *port_id unless NULL. NULL, with rte_errno, when ws_stack_create
 * refuses (an MTU the port cannot take, say); any other failure dies.
 */
struct ws_stack *bench_ring_stack(const char *port_name,
		struct rte_ring **rx, struct rte_ring **tx, unsigned int nq,
		const char *const *sets, unsigned int n_sets,
		uint16_t *port_id);

/*
 * --profile (tests/bench/profile.py): the program runs under
 * valgrind --tool=callgrind --collect-atstart=no, and collection is
 * switched on only around the measured polls, between
 * bench_prof_begin() and bench_prof_end(). Outside those (and in a
 * normal run) BENCH_PROF_TOGGLE() is one untaken branch, placed outside
 * the rdtsc pairs.
 */
extern bool bench_profiling;

#ifdef WS_HAVE_CALLGRIND
#define BENCH_PROF_TOGGLE() do { \
	if (bench_profiling) \
		CALLGRIND_TOGGLE_COLLECT; \
} while (0)
#else
#define BENCH_PROF_TOGGLE() do { } while (0)
#endif

/*
 * Die unless built with valgrind/callgrind.h; say so on stderr when not
 * running under valgrind (the profile then collects nothing).
 */
void bench_prof_check(void);

/* From here BENCH_PROF_TOGGLE() switches collection. */
void bench_prof_begin(void);

/*
 * Stop; what was collected since the last dump goes to a file of its
 * own named 'what' in its header ("Trigger: Client Request: what").
 */
void bench_prof_end(const char *what);

#endif /* BENCH_UTIL_H */
