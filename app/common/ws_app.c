/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sched_getaffinity */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "ws_app.h"

/* Room for the EAL arguments the config makes, and their strings. */
#define WS_APP_EAL_ARGV 64
#define WS_APP_EAL_BUF 8192

/* "hugetlbfs" among the mounted file systems. */
static bool
hugetlbfs_mounted(void)
{
	char line[1024], fstype[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/mounts", "r");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = sscanf(line, "%*s %*s %63s", fstype) == 1 &&
			strcmp(fstype, "hugetlbfs") == 0;
	fclose(f);
	return found;
}

/*
 * Free hugepages the EAL could use. Pages with nowhere mounted to map them
 * from are no use, so those count as none.
 */
static unsigned long
hugepages_free(void)
{
	char line[256];
	unsigned long n = 0;
	FILE *f;

	if (!hugetlbfs_mounted())
		return 0;
	f = fopen("/proc/meminfo", "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %lu", &n) == 1)
			break;
	fclose(f);
	return n;
}

int
ws_app_check_lcore_cpus(const struct ws_config *cfg, char *why,
		size_t why_len)
{
	unsigned int i, lc;
	cpu_set_t allowed;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return 0;
	/* Without [workers] cpus an lcore runs on the CPU of its number. */
	for (i = 0; i <= cfg->workers.count; i++) {
		if (i < cfg->workers.count)
			lc = cfg->workers.n_cpus > 0 ?
				cfg->workers.cpus[i] : cfg->workers.lcores[i];
		else
			lc = cfg->eal.main_lcore;
		if (lc < CPU_SETSIZE && CPU_ISSET(lc, &allowed))
			continue;
		snprintf(why, why_len, "%s %u needs CPU %u, which this "
			"process cannot use (it may use %d CPUs): %s",
			i < cfg->workers.count ? "worker lcore" : "main lcore",
			i < cfg->workers.count ? cfg->workers.lcores[i] : lc,
			lc, CPU_COUNT(&allowed),
			i < cfg->workers.count && cfg->workers.n_cpus == 0 ?
			"map the worker lcores onto CPUs with [workers] cpus, "
			"e.g. --set workers.cpus=1,0" :
			"choose CPUs this process may use");
		return -EINVAL;
	}
	return 0;
}

int
ws_app_start_eal(const struct ws_config *cfg, const char *prog,
		const char *name, const char *const *extra,
		unsigned int n_extra)
{
	/* The EAL keeps pointers into both for the life of the process. */
	static char buf[WS_APP_EAL_BUF];
	unsigned int argv_max = WS_APP_EAL_ARGV + n_extra;
	char **eal_argv;
	int eal_argc;

	eal_argv = calloc(argv_max, sizeof(*eal_argv));
	if (eal_argv == NULL)
		return -ENOMEM;
	eal_argc = ws_config_eal_args(cfg, prog, hugepages_free(), extra,
		n_extra, eal_argv, argv_max, buf, sizeof(buf));
	if (eal_argc < 0) {
		fprintf(stderr, "%s: EAL arguments: %s\n", name,
			strerror(-eal_argc));
		free(eal_argv);
		return -EINVAL;
	}
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "%s: EAL init failed: %s\n", name,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

static volatile sig_atomic_t *quit_flag;

static void
on_signal(int signo)
{
	(void)signo;
	*quit_flag = 1;
}

void
ws_app_catch_signals(volatile sig_atomic_t *quit)
{
	struct sigaction sa;

	quit_flag = quit;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void
ws_app_format_addrs(const struct ws_config *cfg, char *buf, size_t len)
{
	struct in_addr addr = { .s_addr = cfg->ip.addr };
	char text[INET_ADDRSTRLEN];
	int n;

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	n = snprintf(buf, len, "%s/%u", text, cfg->ip.prefix_len);
	if (cfg->ip.addr_count > 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (+%u)",
			cfg->ip.addr_count - 1);
}
