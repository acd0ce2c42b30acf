/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* program_invocation_short_name */
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

bool bench_profiling;

void
bench_die(const char *what)
{
	fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
	exit(1);
}

double
bench_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

double
bench_median(const double *v, unsigned int n)
{
	double *s = malloc(n * sizeof(*s)), m;

	if (s == NULL)
		bench_die("out of memory");
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

double
bench_min(const double *v, unsigned int n)
{
	double m = v[0];
	unsigned int i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

void
bench_prof_check(void)
{
#ifdef WS_HAVE_CALLGRIND
	if (!RUNNING_ON_VALGRIND)
		fprintf(stderr, "%s: --profile outside valgrind collects "
			"nothing (see tests/bench/profile.py)\n",
			program_invocation_short_name);
#else
	bench_die("--profile needs valgrind/callgrind.h at build time "
		"(install valgrind, then reconfigure)");
#endif
}

void
bench_prof_begin(void)
{
	bench_profiling = true;
}

void
bench_prof_end(const char *what)
{
	bench_profiling = false;
#ifdef WS_HAVE_CALLGRIND
	CALLGRIND_DUMP_STATS_AT(what);
#else
	(void)what;
#endif
}
