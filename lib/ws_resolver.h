/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_RESOLVER_H
#define WS_RESOLVER_H

#include "ws_resolver_api.h"

struct ws_worker;

/* Per-worker resolver state; nothing is allocated without servers. */
int ws_resolver_init(struct ws_worker *w, int socket);
void ws_resolver_fini(struct ws_worker *w);
/* Retries and timeouts; cheap when nothing is pending. */
void ws_resolver_timer(struct ws_worker *w);

#endif /* WS_RESOLVER_H */
