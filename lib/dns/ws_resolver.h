/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_RESOLVER_H
#define WS_RESOLVER_H

/*
 * The stub resolver inside the stack: the worker's hooks. The API and how
 * a lookup goes are in ws_resolver_api.h.
 *
 * Its counters (dns.res_*, per worker):
 *   res_queries       lookups asked for with a valid name
 *   res_literal       ... that were dotted quads, answered at once
 *   res_hits          ... answered from the cache, addresses
 *   res_neg_hits      ... answered from the cache, NXDOMAIN or NODATA
 *   res_expired       cache entries found past their TTL (then re-asked)
 *   res_misses        ... that had to wait for a server
 *   res_coalesced     ... of which joined a lookup already in flight
 *   res_pending_full  ... refused: resolver.max_pending already wait
 *   res_sent          queries transmitted
 *   res_retries       ... of which after the first of their lookup
 *   res_answers       replies with addresses
 *   res_nxdomain      replies NXDOMAIN
 *   res_nodata        replies NOERROR without an A record
 *   res_errors        replies with an error RCODE or TC=1 (next server)
 *   res_truncated     ... of which TC=1
 *   res_timeouts      lookups that ended -ETIMEDOUT
 *   res_unreachable   ICMP errors about a query to a server
 *   res_bad_reply     datagrams to the resolver's port dropped: no lookup
 *                     with that ID, not from one of its servers or port,
 *                     another question, or malformed
 *   res_cache_full    unexpired entries evicted to make room (LRU)
 */

#include "ws_resolver_api.h"

struct ws_worker;

/*
 * Per-worker resolver state on 'socket', and its UDP socket; nothing is
 * allocated without servers. 0 or a negative errno.
 */
int ws_resolver_init(struct ws_worker *w, int socket);

/*
 * Answer every waiting lookup with -ECANCELED (a callback that calls
 * ws_resolve() then gets -ENOTCONN), close the socket and free.
 */
void ws_resolver_fini(struct ws_worker *w);

/* Retries and timeouts; one compare when nothing is due. */
void ws_resolver_timer(struct ws_worker *w);

#endif /* WS_RESOLVER_H */
