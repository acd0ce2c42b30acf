/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_APP_H
#define WS_APP_H

/*
 * What the programs built on libwoshou (woshou, woshou-gen, and the test
 * tool ws_lookup) share before their stack exists: the command line
 * around --config and --set, checking the lcores against the CPUs and
 * starting the EAL from the configuration.
 */

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <rte_common.h>

#include "ws_config.h"

#define WS_APP_EXIT_USAGE 2	/* bad command line or configuration */

/* What every program's command line has. */
struct ws_app_options {
	const char *config;		/* --config FILE, -c FILE */
	const char **sets;		/* --set S.K=V, -s S.K=V, in order
					 * (ws_config_load: the last of a key
					 * wins); free() it */
	unsigned int n_sets;
};

/* One program's command line around the shared options. */
struct ws_app_cmdline {
	const char *name;		/* starts every message: "NAME: ..."
					 * (kept for later messages: static) */
	const char *hint;		/* ends a usage error, e.g. " (see
					 * --help)"; NULL = nothing (static) */
	bool version;			/* -V, --version: "NAME VERSION (DPDK
					 * VERSION)" */
	void (*usage)(FILE *f);		/* -h, --help: on stdout, exit 0 */
	const char *short_opts;		/* the program's own; NULL = none */
	const struct option *long_opts;	/* the program's own, ending with a
					 * zeroed entry; NULL = none */
	/*
	 * One of the program's own options, 'c' as getopt_long returned it;
	 * optarg and optind are getopt's (it may take the next argument by
	 * moving optind on).
	 */
	void (*option)(int c, int argc, char **argv, void *ctx);
	void *ctx;
};

/*
 * Read the options in front, up to the first argument that is none or up
 * to "--" (skipped): --config, --set, --help, --version when the program
 * has it, and the program's own. --help and --version exit 0; an unknown
 * option or one without its argument exits 2 with "NAME: ..." on stderr.
 * Returns the index of the first argument after the options. Whether
 * --config was given is for the program to check, where its usage says,
 * with ws_app_require_config().
 */
int ws_app_parse_options(int argc, char **argv,
		const struct ws_app_cmdline *cl, struct ws_app_options *opt);

/*
 * For a program's own getopt loop: 'c' is ':' (an option without its
 * argument) or anything else getopt_long refused. Exits 2 with the
 * message.
 */
void __rte_noreturn ws_app_option_error(int c, char **argv);

/* Exits 2 with "NAME: --config FILE is required" when there is none. */
void ws_app_require_config(const struct ws_app_options *opt);

/*
 * ws_config_load() the file and overrides of 'opt' (into 'cfg' and the
 * registered sections); exits 2 with "NAME: " and the loader's one-line
 * message when it fails.
 */
void ws_app_load_config(const struct ws_app_options *opt,
		struct ws_config *cfg);

/*
 * "NAME: MESSAGE" on stderr, and exit 2; NAME is that of the last
 * ws_app_parse_options().
 */
void __rte_noreturn __rte_format_printf(1, 2)
ws_app_fail_usage(const char *fmt, ...);

/*
 * Every worker lcore (through [workers] cpus) and the main lcore must run
 * on a CPU this process may use; the EAL would refuse the others with a
 * page of usage text. 0, or -EINVAL with 'why' naming the lcore and what
 * to set.
 */
int ws_app_check_lcore_cpus(const struct ws_config *cfg, char *why,
		size_t why_len);

/*
 * Start the EAL with the arguments 'cfg' asks for (hugepages when any are
 * free and [eal] huge allows), then 'extra'. 0; -EINVAL when the
 * arguments do not fit (a usage error); or the EAL's negative errno, with
 * the reason printed as "name: ...".
 */
int ws_app_start_eal(const struct ws_config *cfg, const char *prog,
		const char *name, const char *const *extra,
		unsigned int n_extra);

/* SIGINT and SIGTERM set *quit (to 1) and nothing else. */
void ws_app_catch_signals(volatile sig_atomic_t *quit);

/*
 * After ws_app_catch_signals: a signal that comes when *quit is already
 * set also ends s's drain (ws_stack_drain_abort), so that a second
 * Ctrl-C stops at once.
 */
struct ws_stack;
void ws_app_drain_on_signal(struct ws_stack *s);

/*
 * "A.B.C.D/P" of ip.addr, with " (+N)" when ip.addr_count gives N more,
 * for the start-up banner.
 */
void ws_app_format_addrs(const struct ws_config *cfg, char *buf, size_t len);

#endif /* WS_APP_H */
