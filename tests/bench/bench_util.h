/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

/* What every benchmark program in tests/bench needs besides its own loop. */

/* Print "program: what" and exit 1: a benchmark that cannot verify stops. */
void bench_die(const char *what) __attribute__((noreturn));

/* Monotonic wall time in seconds. */
double bench_now_s(void);

/* The median of v[0..n) (n > 0), v left as it is. */
double bench_median(const double *v, unsigned int n);

/* The smallest of v[0..n) (n > 0): the least disturbed run. */
double bench_min(const double *v, unsigned int n);

#endif /* BENCH_UTIL_H */
