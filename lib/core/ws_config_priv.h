/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_CONFIG_PRIV_H
#define WS_CONFIG_PRIV_H

/*
 * What the library reads of the sections applications register, without
 * knowing them (ws_config.h has the registration).
 */

#include <stdint.h>

#include "ws_config.h"

/*
 * fn(ctx, section, value) for each registered section that has an
 * unsigned key named 'key', in registration order. /woshou/info lists
 * every registered section's port this way (http_port, echo_port, ...).
 */
void ws_config_foreach_uint(const char *key,
		void (*fn)(void *ctx, const char *section, uint64_t value),
		void *ctx);

#endif /* WS_CONFIG_PRIV_H */
