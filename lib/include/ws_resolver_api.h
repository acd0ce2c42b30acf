/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_RESOLVER_API_H
#define WS_RESOLVER_API_H

/*
 * The stub resolver: A lookups against the servers of [resolver], one
 * asynchronous resolver per worker with its own cache. Like the rest of
 * the API it belongs to the worker: call it only on the worker's lcore
 * (from a callback, or from the thread that drives ws_worker_poll()), and
 * its callbacks run there, inside the poll loop.
 *
 * How a lookup goes (resolv.conf's model):
 *  - a dotted quad ("198.18.0.1") is its own answer, without a server;
 *  - a cached answer is used until its TTL runs out (capped by
 *    resolver.max_ttl; a TTL of 0 is used once and not cached), and so is
 *    a cached negative answer (RFC 2308: NXDOMAIN or no A record, for the
 *    SOA's negative TTL, or resolver.neg_ttl when no SOA came, capped by
 *    resolver.max_neg_ttl);
 *  - otherwise one query (RD set, a random 16-bit ID) goes to the
 *    preferred server, then to each next one every resolver.timeout_ms,
 *    for resolver.attempts rounds over all the servers. The preferred
 *    server is the one that last answered; one that times out or sends
 *    ICMP port unreachable (which skips the rest of its wait) hands the
 *    preference on;
 *  - a reply is believed only when it comes from a server this lookup was
 *    sent to, from resolver.port, to the worker's resolver socket (one
 *    ephemeral port per worker), with the query's ID and exactly its
 *    question (RFC 5452); anything else is dropped and counted
 *    (dns.res_bad_reply) while the lookup keeps waiting;
 *  - a reply with an error RCODE (SERVFAIL, REFUSED, FORMERR, NOTIMP) or
 *    with TC=1 moves on to the next server. There is no TCP fallback: a
 *    truncated reply counts as an error (dns.res_truncated), since an A
 *    answer that does not fit 512 octets is of no use to a stub;
 *  - lookups of one name while one is in flight join it (coalescing): one
 *    query, every caller answered.
 *
 * Only the first WS_RESOLVE_MAX_ADDRS A records of an answer are kept.
 * Counters: dns.res_* (ws_stats.h), described in ws_resolver.h.
 */

#include <stdint.h>

struct ws_worker;
struct ws_tcp_ops;

#define WS_RESOLVE_MAX_ADDRS 8u

/*
 * The outcome of a lookup, called exactly once. 'name' is the name looked
 * up, lower-cased and without a final dot (valid during the call only).
 * status:
 *   0            n >= 1 addresses (network byte order) in 'addrs';
 *   -ENOENT      the name does not exist (NXDOMAIN);
 *   -ENODATA     it exists but has no A record (NODATA);
 *   -ETIMEDOUT   no server answered: all of them timed out or were
 *                unreachable;
 *   -EIO         the servers failed (error RCODE, truncated reply);
 *   -ECANCELED   the worker is shutting down.
 * 'addrs' is valid during the call only. The callback may call anything
 * of the API, ws_resolve() included.
 */
typedef void (*ws_resolve_cb)(struct ws_worker *w, const char *name,
		int status, const uint32_t *addrs, unsigned int n, void *arg);

/*
 * Look up the A records of 'name' (dotted text, a final dot allowed;
 * compared without regard to case). A dotted quad or a cached answer calls
 * 'cb' before this returns. Returns 0 (cb will be or was called exactly
 * once) or a negative errno (cb is never called): -EINVAL bad name or NULL
 * cb, -ENOSPC resolver.max_pending lookups already wait, -ENOTCONN no
 * server configured (dotted quads work without one).
 */
int ws_resolve(struct ws_worker *w, const char *name, ws_resolve_cb cb,
		void *arg);

/*
 * Connecting by name could not even start: the lookup failed (a status of
 * ws_resolve_cb), or ws_tcp_connect() did (-ENOMEM, -EADDRINUSE,
 * -EINVAL). 'name' is as for ws_resolve_cb; 'ctx' is what
 * ws_tcp_connect_name() was given.
 */
typedef void (*ws_connect_fail_cb)(struct ws_worker *w, const char *name,
		int status, void *ctx);

/*
 * Resolve 'name' with ws_resolve(), then ws_tcp_connect() from worker 'w'
 * to its first address, port 'port' (host order), with 'ops' and 'ctx'.
 * Returns 0 when exactly one outcome follows (it may come before the
 * return, for a dotted quad or a cached answer): either 'failed', or the
 * connection's own callbacks (ops->connected or ops->closed, as for
 * ws_tcp_connect()). Otherwise a negative errno and nothing follows:
 * those of ws_resolve(), or -EINVAL for a NULL 'ops' or 'failed'.
 */
int ws_tcp_connect_name(struct ws_worker *w, const char *name, uint16_t port,
		const struct ws_tcp_ops *ops, void *ctx,
		ws_connect_fail_cb failed);

#endif /* WS_RESOLVER_API_H */
