/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_APP_H
#define WS_APP_H

/*
 * What the programs built on libwoshou (woshou, woshou-gen) share before
 * their stack exists: checking the lcores against the CPUs and starting
 * the EAL from the configuration.
 */

#include <signal.h>
#include <stddef.h>

#include "ws_config.h"

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
 * "A.B.C.D/P" of ip.addr, with " (+N)" when ip.addr_count gives N more,
 * for the start-up banner.
 */
void ws_app_format_addrs(const struct ws_config *cfg, char *buf, size_t len);

#endif /* WS_APP_H */
