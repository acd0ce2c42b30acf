/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sched_getaffinity */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_version.h>

#include "woshou.h"
#include "ws_app.h"

/* Room for the EAL arguments the config makes, and their strings. */
#define WS_APP_EAL_ARGV 64
#define WS_APP_EAL_BUF 8192

/*
 * The running program's name and usage hint, for its messages. Copied
 * from its ws_app_cmdline, which callers keep on their stack: a usage
 * error can come long after ws_app_parse_options returned.
 */
static const char *app_name_text = "woshou";
static const char *app_hint_text = "";

static const char *
app_name(void)
{
	return app_name_text;
}

static const char *
app_hint(void)
{
	return app_hint_text;
}

void
ws_app_fail_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", app_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(WS_APP_EXIT_USAGE);
}

void
ws_app_option_error(int c, char **argv)
{
	if (c == ':')
		ws_app_fail_usage("%s needs an argument%s", argv[optind - 1],
			app_hint());
	/*
	 * optopt names a bad short option, also inside a cluster, where
	 * optind has not moved past it; a long option's own value (256 on)
	 * is no character.
	 */
	if (optopt != 0 && optopt < 256)
		ws_app_fail_usage("unknown option '-%c'%s", optopt,
			app_hint());
	ws_app_fail_usage("unknown option '%s'%s", argv[optind - 1],
		app_hint());
}

/* The shared long options, then the program's own: one table. */
static struct option *
long_options(const struct ws_app_cmdline *cl)
{
	static const struct option shared[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	unsigned int n_shared = RTE_DIM(shared) - (cl->version ? 0 : 1);
	unsigned int n_own = 0;
	struct option *all;

	while (cl->long_opts != NULL && cl->long_opts[n_own].name != NULL)
		n_own++;
	/* Zeroed: the last entry ends the table. */
	all = calloc(n_shared + n_own + 1, sizeof(*all));
	if (all == NULL)
		ws_app_fail_usage("out of memory");
	memcpy(all, shared, n_shared * sizeof(*all));
	if (n_own > 0)
		memcpy(all + n_shared, cl->long_opts, n_own * sizeof(*all));
	return all;
}

int
ws_app_parse_options(int argc, char **argv, const struct ws_app_cmdline *cl,
		struct ws_app_options *opt)
{
	char short_opts[64];
	struct option *longopts;
	int c;

	app_name_text = cl->name;
	app_hint_text = cl->hint != NULL ? cl->hint : "";
	memset(opt, 0, sizeof(*opt));
	/* Every --set fits: there are fewer than argc of them. */
	opt->sets = calloc(argc, sizeof(*opt->sets));
	if (opt->sets == NULL)
		ws_app_fail_usage("out of memory");
	longopts = long_options(cl);
	/*
	 * '+': stop at the first argument that is no option (and at "--");
	 * ':': report a missing argument ourselves.
	 */
	if ((size_t)snprintf(short_opts, sizeof(short_opts), "+:c:s:h%s%s",
			cl->version ? "V" : "", cl->short_opts != NULL ?
			cl->short_opts : "") >= sizeof(short_opts))
		ws_app_fail_usage("too many short options");
	opterr = 0;
	optind = 0;	/* glibc: from the start, also after an earlier scan */
	while ((c = getopt_long(argc, argv, short_opts, longopts,
			NULL)) != -1) {
		if (c == 'V' && cl->version) {
			printf("%s %s (%s)\n", cl->name, WS_VERSION,
				rte_version());
			exit(EXIT_SUCCESS);
		}
		switch (c) {
		case 'c':
			opt->config = optarg;
			break;
		case 's':
			opt->sets[opt->n_sets++] = optarg;
			break;
		case 'h':
			cl->usage(stdout);
			exit(EXIT_SUCCESS);
		case ':':
		case '?':
			ws_app_option_error(c, argv);
		default:
			if (cl->option == NULL)
				ws_app_option_error(c, argv);
			cl->option(c, argc, argv, cl->ctx);
			break;
		}
	}
	free(longopts);
	return optind;
}

void
ws_app_require_config(const struct ws_app_options *opt)
{
	if (opt->config == NULL)
		ws_app_fail_usage("--config FILE is required%s", app_hint());
}

void
ws_app_load_config(const struct ws_app_options *opt, struct ws_config *cfg)
{
	char err[WS_CFG_ERR_LEN];

	if (ws_config_load(cfg, opt->config, opt->sets, opt->n_sets, err,
			sizeof(err)) < 0)
		ws_app_fail_usage("%s", err);
}

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
	/*
	 * The EAL keeps pointers into both for the life of the process;
	 * the array stays reachable from here (LeakSanitizer reported it
	 * lost once rte_eal_init() returned).
	 */
	static char buf[WS_APP_EAL_BUF];
	static char **eal_argv;
	unsigned int argv_max = WS_APP_EAL_ARGV + n_extra;
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
		eal_argv = NULL;
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
static struct ws_stack *volatile drain_stack;

static void
on_signal(int signo)
{
	(void)signo;
	/* A second signal while the stack drains cuts the drain short. */
	if (*quit_flag != 0 && drain_stack != NULL)
		ws_stack_drain_abort(drain_stack);
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
ws_app_drain_on_signal(struct ws_stack *s)
{
	drain_stack = s;
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
