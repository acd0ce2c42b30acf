/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_RESOLVER_API_H
#define WS_RESOLVER_API_H

/*
 * The stub resolver: A lookups against the servers of [resolver], one
 * asynchronous resolver per worker with its own TTL-honouring cache
 * (negative answers too, RFC 2308). Callbacks run on the worker's lcore.
 * (Interface draft: the implementer may extend it; keep it documented.)
 */

#include <stdint.h>

struct ws_worker;

/*
 * status: 0 with n >= 1 addresses (network byte order); -ENOENT for
 * NXDOMAIN or no A record; -ETIMEDOUT when no server answered; -EIO for a
 * server failure or a bad reply.
 */
typedef void (*ws_resolve_cb)(struct ws_worker *w, const char *name,
		int status, const uint32_t *addrs, unsigned int n, void *arg);

/*
 * Look up 'name'. A dotted-quad name or a cached answer calls 'cb' before
 * this returns. Returns 0 (cb will be or was called exactly once) or a
 * negative errno (cb is never called): -EINVAL bad name, -ENOSPC too many
 * lookups pending, -ENOTCONN no server configured.
 */
int ws_resolve(struct ws_worker *w, const char *name, ws_resolve_cb cb,
		void *arg);

#endif /* WS_RESOLVER_API_H */
