/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_SERVICES_CONFIG_H
#define WS_SERVICES_CONFIG_H

/*
 * The woshou program's own configuration sections, [http], [echo] and
 * [discard], registered with the library's loader (ws_config.h) on top
 * of its sections. Port 0 turns a service off.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ws_config.h"

#define WS_HTTP_MAX_ROUTES 16
#define WS_HTTP_MAX_FILE (16u << 20)	/* largest file a route may serve */

struct ws_http_route {
	char path[WS_CFG_STR_LEN];	/* request path, e.g. / */
	char body[WS_CFG_STR_LEN];	/* inline text, or ... */
	char file[WS_CFG_STR_LEN];	/* ... a file read at start (absolute) */
	char content_type[64];
};

struct ws_services_config {
	uint16_t http_port;		/* default 80 */
	uint16_t echo_port;		/* RFC 862, default 7 */
	uint16_t discard_port;		/* RFC 863, default 9 */
	uint32_t http_max_request;	/* header bytes before 431 */
	uint32_t http_max_body;		/* request body bytes before 413 */
	uint32_t http_keepalive_ms;	/* idle keep-alive connections close */
	uint32_t http_max_connections;	/* HTTP connections per worker */
	/* TCP keep-alive ([tcp] keepalive_*) on each accepted connection */
	bool http_tcp_keepalive;
	bool echo_keepalive;
	bool discard_keepalive;
	unsigned int n_routes;		/* slots used: routes[0..n_routes-1];
					 * an empty path is an unused slot */
	struct ws_http_route routes[WS_HTTP_MAX_ROUTES];
};

/*
 * Register [http], [echo] and [discard], loaded into 'sc' by every later
 * ws_config_load() (and given their defaults by ws_config_defaults()).
 * woshou-gen and ws_lookup register them too, so that a configuration
 * written for woshou (drivers-config/) loads, and is checked, the same in
 * all of them. 0, or the negative errno of ws_config_register_section()
 * with the reason in 'err'.
 */
int ws_services_config_register(struct ws_services_config *sc, char *err,
		size_t err_len);

/* Forget the sections again (tests). */
void ws_services_config_unregister(void);

#endif /* WS_SERVICES_CONFIG_H */
