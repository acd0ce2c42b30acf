/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* program_invocation_short_name */
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "woshou.h"
#include "bench_util.h"

#define MAX_SETS 32

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
bench_eal_init(const char *argv0, unsigned int mem_mb, const char *prefix)
{
	char prog[64], mem[16], pre[64];
	char *eal_argv[] = {
		prog, "--no-huge", "-m", mem, "--no-pci",
		"--no-telemetry", "--no-shconf", "-l", "0",
		"--log-level", "*:error", "--file-prefix", pre, NULL,
	};

	snprintf(prog, sizeof(prog), "%s", argv0);
	snprintf(mem, sizeof(mem), "%u", mem_mb);
	snprintf(pre, sizeof(pre), "%s", prefix);
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0)
		bench_die(rte_strerror(rte_errno));
}

int
bench_parse_opts(int argc, char **argv, const char *n_name,
		struct bench_opts *o)
{
	const struct option opts[] = {
		{ n_name, required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "json", required_argument, NULL, 'j' },
		{ "profile", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "n:r:j:ph", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			o->n = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o->runs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'p':
			o->profile = true;
			break;
		default:
			fprintf(stderr, "usage: %s [--%s N] [--runs R] "
				"[--json FILE] [--profile]\n", argv[0], n_name);
			return opt == 'h' ? 0 : 2;
		}
	}
	return -1;
}

struct rte_ring *
bench_ring(const char *name, unsigned int size)
{
	struct rte_ring *r = rte_ring_create(name, size, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);

	if (r == NULL)
		bench_die("cannot make a ring");
	return r;
}

struct ws_stack *
bench_ring_stack(const char *port_name, struct rte_ring **rx,
		struct rte_ring **tx, unsigned int nq, const char *const *sets,
		unsigned int n_sets, uint16_t *port_id)
{
	struct ws_config cfg;
	char err[WS_CFG_ERR_LEN];
	char dev_set[64 + RTE_ETH_NAME_MAX_LEN];
	char dev_name[RTE_ETH_NAME_MAX_LEN];
	const char *all[MAX_SETS + 1];
	char path[] = "/tmp/ws_bench_XXXXXX";
	unsigned int i;
	int fd, port;

	if (n_sets > MAX_SETS)
		bench_die("too many settings");
	port = rte_eth_from_rings(port_name, rx, nq, tx, nq, SOCKET_ID_ANY);
	if (port < 0 || rte_eth_dev_get_name_by_port(port, dev_name) != 0)
		bench_die("cannot make a net_ring port");
	if (port_id != NULL)
		*port_id = (uint16_t)port;
	/* The loader wants a file; what it says is overridden. */
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "[ip]\naddr = 198.18.0.9/24\n", 26) != 26)
		bench_die("cannot write a config file");
	close(fd);
	/* The driver prefixes the name it is given; the real one counts. */
	snprintf(dev_set, sizeof(dev_set), "port.device=%s", dev_name);
	all[0] = dev_set;
	for (i = 0; i < n_sets; i++)
		all[i + 1] = sets[i];
	if (ws_config_load(&cfg, path, all, n_sets + 1, err,
			sizeof(err)) != 0) {
		unlink(path);
		bench_die(err);
	}
	unlink(path);
	return ws_stack_create(&cfg);
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
