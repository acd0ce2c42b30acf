/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TELEMETRY_H
#define WS_TELEMETRY_H

/*
 * The /woshou/... commands on the DPDK telemetry socket
 * (/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2). DPDK runs the callbacks
 * on its own threads, one per client; they read only the control thread's
 * snapshots, never a worker's state. One stack per process answers.
 */

#include <stdbool.h>
#include <stdint.h>

struct ws_stack;

/*
 * Make 's' the stack the commands describe (registering them on first
 * use). -EBUSY when another stack already answers.
 */
int ws_telemetry_attach(struct ws_stack *s);

/* Stop answering for 's': afterwards every command replies null. */
void ws_telemetry_detach(struct ws_stack *s);

/* The parameters a command accepts; unset fields are -1 (state: -1). */
struct ws_tel_params {
	int64_t worker;
	int64_t page;
	int64_t per_page;
	int64_t port;
	int state;			/* enum ws_tcp_state */
	bool describe;			/* descriptions, not values */
	bool verbose;			/* conn/list: every TCP field */
};

#define WS_TEL_P_WORKER		0x01u
#define WS_TEL_P_PAGE		0x02u
#define WS_TEL_P_PER_PAGE	0x04u
#define WS_TEL_P_PORT		0x08u
#define WS_TEL_P_STATE		0x10u
#define WS_TEL_P_DESCRIBE	0x20u
#define WS_TEL_P_VERBOSE	0x40u

/*
 * Parse "key=value" pairs separated by ',', ' ' or '&'; a bare number is
 * the worker (like DPDK's own "/ethdev/stats,0"), a bare "describe" asks
 * for descriptions, a bare "verbose" for every field of a connection
 * (per_page then at most WS_TEL_PER_PAGE_VERBOSE_MAX). Only keys in
 * 'allowed' are accepted.
 * 0, or -EINVAL for anything else (the reply is null).
 */
/* A verbose connection takes up to ~550 bytes of JSON: 16 KiB hold 25. */
#define WS_TEL_PER_PAGE_VERBOSE_MAX	25

int ws_tel_parse_params(const char *params, uint32_t allowed,
		struct ws_tel_params *p);

#endif /* WS_TELEMETRY_H */
