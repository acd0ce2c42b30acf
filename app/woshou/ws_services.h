/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_SERVICES_H
#define WS_SERVICES_H

/*
 * The woshou program's own TCP services, built on ws_tcp_api.h alone:
 *
 *  - HTTP/1.1 ([http] port): GET and HEAD of the configured routes, with
 *    keep-alive and pipelining (ws_http.h has the protocol rules).
 *  - echo, RFC 862 ([echo] port): sends back what it receives, taking no
 *    more than the send buffer accepts (the rest waits in the receive
 *    buffer and closes the peer's window: that is the flow control).
 *  - discard, RFC 863 ([discard] port): reads and drops everything.
 *
 * Port 0 turns a service off. Each HTTP connection has a fixed-size state
 * (parser and up to [http] max_request bytes of an unfinished request)
 * from its worker's own mempool, so the fast path never allocates; when
 * the pool is empty a new connection is refused (reset). Echo and discard
 * need no state.
 */

#include <stdint.h>

#include "ws_config.h"
#include "ws_services_config.h"
#include "ws_tcp_api.h"

struct ws_services;

/*
 * Load the route files of 'sc', create the per-worker state pools for the
 * worker lcores of 'cfg' and register the listeners of every enabled
 * service on 's'. Call between ws_stack_create() and ws_stack_start().
 * 'sc' must outlive the services. NULL and rte_errno on failure (a message
 * on stderr names what failed).
 */
struct ws_services *ws_services_start(struct ws_stack *s,
		const struct ws_config *cfg,
		const struct ws_services_config *sc);

/*
 * Free the services. Call after ws_stack_destroy(): the stack's 'closed'
 * callbacks hand connection states back to the pools. NULL is fine.
 */
void ws_services_free(struct ws_services *svc);

/* HTTP connections refused because a worker's state pool was empty. */
uint64_t ws_services_refused(const struct ws_services *svc);

/*
 * HTTP responses abandoned: no progress for a whole [http] keepalive_ms
 * (the peer's window stayed shut), so the connection was closed.
 */
uint64_t ws_services_stalled(const struct ws_services *svc);

#endif /* WS_SERVICES_H */
