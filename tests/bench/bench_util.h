/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdbool.h>

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
