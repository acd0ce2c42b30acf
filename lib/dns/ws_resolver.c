/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The stub resolver (see ws_resolver_api.h for the behaviour).
 *
 * Per worker, all sized from [resolver] at start and never grown:
 *  - a cache of cache_entries names: hash buckets chained through the
 *    entries, and one LRU list whose tail is evicted when full;
 *  - max_pending waiters (one per ws_resolve() call waiting) and as many
 *    query slots (one per name in flight; coalesced calls share one), so
 *    the query slots can never run out before the waiters do.
 * Lookups are few, so finding a query by ID or by name is a scan of the
 * slots, and timeouts are a scan too, done only once the earliest
 * deadline has passed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "ws_dns.h"
#include "ws_resolver.h"
#include "ws_tcp_api.h"
#include "ws_udp_api.h"
#include "ws_worker.h"

#define RES_NONE UINT32_MAX
/* Larger than any reply to a query without EDNS0 should be. */
#define RES_REPLY_MAX 4096

struct res_entry {
	uint32_t hnext;			/* bucket chain, or the free list */
	uint32_t lru_prev;		/* towards the most recent */
	uint32_t lru_next;		/* towards the eviction end */
	uint32_t hash;
	uint64_t expire;		/* ticks */
	int status;			/* 0, -ENOENT or -ENODATA */
	unsigned int n_addrs;
	uint32_t addrs[WS_RESOLVE_MAX_ADDRS];
	char name[WS_DNS_NAME_TEXT_MAX + 1];
};

/* One caller waiting: a plain lookup, or a connect by name. */
struct res_waiter {
	uint32_t next;			/* in its query's list, or free list */
	ws_resolve_cb cb;		/* NULL for a connect by name */
	void *arg;
	const struct ws_tcp_ops *ops;
	ws_connect_fail_cb failed;
	uint16_t port;
};

struct res_query {
	bool used;
	bool icmp_hit;			/* marked by an ICMP error */
	uint16_t id;
	uint8_t start;			/* server of the first transmission */
	uint8_t server;			/* server of the latest one */
	uint8_t sent_mask;		/* servers it went to */
	uint32_t sends;
	int fail_status;		/* -ETIMEDOUT, or -EIO after an error */
	uint64_t deadline;		/* ticks; the latest transmission's */
	uint32_t head, tail;		/* waiters, first come first called */
	char name[WS_DNS_NAME_TEXT_MAX + 1];
};

struct ws_resolver {
	/* A copy: the sizes of the tables below must not change. */
	struct ws_resolver_config cfg;
	struct ws_udp_sock *sock;
	uint64_t timeout_ticks;
	uint64_t next_deadline;		/* earliest of the queries' */
	uint32_t max_sends;		/* attempts * n_servers */
	unsigned int n_queries;
	unsigned int preferred;		/* server a lookup starts with */
	uint32_t seed;			/* of the cache hash */

	uint32_t cache_mask;
	uint32_t *buckets;
	struct res_entry *entries;
	uint32_t lru_head, lru_tail;
	uint32_t free_entry;

	struct res_query *queries;
	struct res_waiter *waiters;
	uint32_t free_waiter;
};

/* The cache. */

static uint32_t
name_hash(const struct ws_resolver *r, const char *name)
{
	return rte_jhash(name, (uint32_t)strlen(name), r->seed);
}

static void
lru_unlink(struct ws_resolver *r, uint32_t i)
{
	struct res_entry *e = &r->entries[i];

	if (e->lru_prev == RES_NONE)
		r->lru_head = e->lru_next;
	else
		r->entries[e->lru_prev].lru_next = e->lru_next;
	if (e->lru_next == RES_NONE)
		r->lru_tail = e->lru_prev;
	else
		r->entries[e->lru_next].lru_prev = e->lru_prev;
}

static void
lru_push(struct ws_resolver *r, uint32_t i)
{
	struct res_entry *e = &r->entries[i];

	e->lru_prev = RES_NONE;
	e->lru_next = r->lru_head;
	if (r->lru_head == RES_NONE)
		r->lru_tail = i;
	else
		r->entries[r->lru_head].lru_prev = i;
	r->lru_head = i;
}

static uint32_t
cache_find(const struct ws_resolver *r, const char *name, uint32_t hash)
{
	uint32_t i;

	for (i = r->buckets[hash & r->cache_mask]; i != RES_NONE;
			i = r->entries[i].hnext)
		if (r->entries[i].hash == hash &&
				strcmp(r->entries[i].name, name) == 0)
			return i;
	return RES_NONE;
}

static void
cache_remove(struct ws_resolver *r, uint32_t i)
{
	struct res_entry *e = &r->entries[i];
	uint32_t *p = &r->buckets[e->hash & r->cache_mask];

	while (*p != i)
		p = &r->entries[*p].hnext;
	*p = e->hnext;
	lru_unlink(r, i);
	e->hnext = r->free_entry;
	r->free_entry = i;
}

/* Cache an outcome for 'ttl' seconds (already capped; not 0). */
static void
cache_insert(struct ws_worker *w, struct ws_resolver *r, const char *name,
		int status, const uint32_t *addrs, unsigned int n,
		uint32_t ttl)
{
	uint32_t hash = name_hash(r, name), i;
	struct res_entry *e;

	i = cache_find(r, name, hash);
	if (i != RES_NONE)
		cache_remove(r, i);
	if (r->free_entry == RES_NONE) {
		if (r->entries[r->lru_tail].expire > w->now)
			w->stats.dns.res_cache_full++;
		cache_remove(r, r->lru_tail);
	}
	i = r->free_entry;
	e = &r->entries[i];
	r->free_entry = e->hnext;
	e->hash = hash;
	e->hnext = r->buckets[hash & r->cache_mask];
	r->buckets[hash & r->cache_mask] = i;
	lru_push(r, i);
	e->expire = w->now + (uint64_t)ttl * w->clock.hz;
	e->status = status;
	e->n_addrs = n;
	if (n != 0)
		memcpy(e->addrs, addrs, n * sizeof(addrs[0]));
	strcpy(e->name, name);
}

/* Delivering outcomes. */

static void
deliver(struct ws_worker *w, const char *name, int status,
		const uint32_t *addrs, unsigned int n,
		const struct res_waiter *wt)
{
	struct ws_tcp_conn *c;

	if (wt->cb != NULL) {
		wt->cb(w, name, status, addrs, n, wt->arg);
		return;
	}
	if (status == 0) {
		c = ws_tcp_connect(w, addrs[0], wt->port, wt->ops, wt->arg);
		if (c != NULL)
			return;
		status = -rte_errno;
	}
	wt->failed(w, name, status, wt->arg);
}

/*
 * End a query: free its slot and each waiter before calling it, so that
 * a callback may start lookups of its own, this name included.
 */
static void
query_finish(struct ws_worker *w, struct ws_resolver *r, struct res_query *q,
		int status, const uint32_t *addrs, unsigned int n)
{
	char name[WS_DNS_NAME_TEXT_MAX + 1];
	uint32_t copy[WS_RESOLVE_MAX_ADDRS];
	struct res_waiter wt;
	uint32_t i = q->head;

	strcpy(name, q->name);
	if (n != 0)
		memcpy(copy, addrs, n * sizeof(addrs[0]));
	q->used = false;
	r->n_queries--;
	if (status == -ETIMEDOUT)
		w->stats.dns.res_timeouts++;
	while (i != RES_NONE) {
		wt = r->waiters[i];
		r->waiters[i].next = r->free_waiter;
		r->free_waiter = i;
		i = wt.next;
		deliver(w, name, status, copy, n, &wt);
	}
}

static void
arm_deadline(struct ws_resolver *r, struct res_query *q, uint64_t when)
{
	q->deadline = when;
	if (when < r->next_deadline)
		r->next_deadline = when;
}

/*
 * Send the query to the next server in its rotation, or end it with its
 * failure when every attempt is spent. A transmission the stack refuses
 * (no buffer) is lost like one the network drops: its timeout retries.
 */
static void
query_next(struct ws_worker *w, struct ws_resolver *r, struct res_query *q)
{
	const struct ws_resolver_config *cfg = &r->cfg;
	uint8_t msg[WS_DNS_UDP_MAX];
	int len;

	if (q->sends == r->max_sends) {
		query_finish(w, r, q, q->fail_status, NULL, 0);
		return;
	}
	q->server = (uint8_t)((q->start + q->sends) % cfg->n_servers);
	q->sent_mask |= 1u << q->server;
	if (q->sends != 0)
		w->stats.dns.res_retries++;
	q->sends++;
	arm_deadline(r, q, w->now + r->timeout_ticks);
	len = ws_dns_build_query(msg, sizeof(msg), q->id, q->name,
		WS_DNS_TYPE_A, true);
	if (len > 0 && ws_udp_send(r->sock, cfg->servers[q->server],
			cfg->port, msg, (uint32_t)len) == 0)
		w->stats.dns.res_sent++;
}

/* A server that failed a query hands the preference on. */
static void
server_failed(struct ws_resolver *r, unsigned int server)
{
	if (r->preferred == server)
		r->preferred = (server + 1) % r->cfg.n_servers;
}

static struct res_query *
query_by_id(struct ws_resolver *r, uint16_t id)
{
	unsigned int i, seen = 0;

	for (i = 0; seen < r->n_queries; i++) {
		if (!r->queries[i].used)
			continue;
		if (r->queries[i].id == id)
			return &r->queries[i];
		seen++;
	}
	return NULL;
}

static struct res_query *
query_by_name(struct ws_resolver *r, const char *name)
{
	unsigned int i, seen = 0;

	for (i = 0; seen < r->n_queries; i++) {
		if (!r->queries[i].used)
			continue;
		if (strcmp(r->queries[i].name, name) == 0)
			return &r->queries[i];
		seen++;
	}
	return NULL;
}

static int
server_index(const struct ws_resolver_config *cfg, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < cfg->n_servers; i++)
		if (cfg->servers[i] == addr)
			return (int)i;
	return -1;
}

/* Replies. */

static void
reply_negative(struct ws_worker *w, struct ws_resolver *r,
		struct res_query *q, const struct ws_dns_answer *ans,
		int status)
{
	uint32_t ttl = ans->neg_ttl != 0 ? ans->neg_ttl : r->cfg.neg_ttl;

	ttl = RTE_MIN(ttl, r->cfg.max_neg_ttl);
	if (ttl != 0)
		cache_insert(w, r, q->name, status, NULL, 0, ttl);
	query_finish(w, r, q, status, NULL, 0);
}

/*
 * A reply to 'q' from 'server'. A failure from a server that is no longer
 * the one waited for (it timed out already) is noted, and the wait for the
 * latest one goes on.
 */
static void
reply(struct ws_worker *w, struct ws_resolver *r, struct res_query *q,
		unsigned int server, const struct ws_dns_answer *ans)
{
	unsigned int n = RTE_MIN(ans->n_addrs, WS_RESOLVE_MAX_ADDRS);
	uint32_t ttl;

	if (ans->tc || (ans->rcode != WS_DNS_RCODE_NOERROR &&
			ans->rcode != WS_DNS_RCODE_NXDOMAIN)) {
		w->stats.dns.res_errors++;
		if (ans->tc)
			w->stats.dns.res_truncated++;
		q->fail_status = -EIO;
		if (server == q->server)
			query_next(w, r, q);
		return;
	}
	r->preferred = server;
	if (ans->rcode == WS_DNS_RCODE_NXDOMAIN) {
		w->stats.dns.res_nxdomain++;
		reply_negative(w, r, q, ans, -ENOENT);
		return;
	}
	if (n == 0) {
		w->stats.dns.res_nodata++;
		reply_negative(w, r, q, ans, -ENODATA);
		return;
	}
	w->stats.dns.res_answers++;
	/* A TTL of 0 is good for this transaction only (RFC 1035 3.2.1). */
	ttl = RTE_MIN(ans->ttl, r->cfg.max_ttl);
	if (ttl != 0)
		cache_insert(w, r, q->name, 0, ans->addrs, n, ttl);
	query_finish(w, r, q, 0, ans->addrs, n);
}

static void
res_datagram(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t src_addr,
		uint16_t src_port)
{
	struct ws_worker *w = ws_udp_worker(s);
	struct ws_resolver *r = ws_udp_arg(s);
	uint8_t buf[RES_REPLY_MAX];
	struct ws_dns_answer ans;
	struct res_query *q;
	uint32_t len = m->pkt_len;
	const uint8_t *p;
	int server;

	p = len <= sizeof(buf) ? rte_pktmbuf_read(m, 0, len, buf) : NULL;
	if (p != NULL && p != buf)
		memcpy(buf, p, len);
	rte_pktmbuf_free(m);
	if (p == NULL || len < WS_DNS_HDR_LEN ||
			src_port != r->cfg.port)
		goto bad;
	q = query_by_id(r, (uint16_t)(buf[0] << 8 | buf[1]));
	server = server_index(&r->cfg, src_addr);
	/* The question must be ours too: RFC 5452 9.1. */
	if (q == NULL || server < 0 || !(q->sent_mask & (1u << server)) ||
			ws_dns_parse_response(buf, len, &ans) != 0 ||
			ans.qtype != WS_DNS_TYPE_A ||
			!ws_dns_name_equal(ans.qname, q->name))
		goto bad;
	reply(w, r, q, (unsigned int)server, &ans);
	return;

bad:
	w->stats.dns.res_bad_reply++;
}

/*
 * An ICMP error about a query to a server. Hard errors (port unreachable
 * above all: nothing listens there) end the wait on that server at once.
 * Queries are marked first and moved on after, so that a query started by
 * a callback on the way is not taken for one the error was about.
 */
static void
res_error(struct ws_udp_sock *s, uint8_t type, uint8_t code,
		uint32_t dst_addr, uint16_t dst_port, int hard)
{
	struct ws_worker *w = ws_udp_worker(s);
	struct ws_resolver *r = ws_udp_arg(s);
	int server = server_index(&r->cfg, dst_addr);
	uint32_t i, max = r->cfg.max_pending;
	struct res_query *q;

	RTE_SET_USED(type);
	RTE_SET_USED(code);
	if (server < 0 || dst_port != r->cfg.port)
		return;
	w->stats.dns.res_unreachable++;
	if (!hard)
		return;
	server_failed(r, (unsigned int)server);
	for (i = 0; i < max; i++) {
		q = &r->queries[i];
		q->icmp_hit = q->used && q->server == server;
	}
	for (i = 0; i < max; i++) {
		q = &r->queries[i];
		if (q->used && q->icmp_hit) {
			q->icmp_hit = false;
			query_next(w, r, q);
		}
	}
}

static const struct ws_udp_ops res_udp_ops = {
	.datagram = res_datagram,
	.error = res_error,
};

void
ws_resolver_timer(struct ws_worker *w)
{
	struct ws_resolver *r = w->resolver;
	struct res_query *q;
	uint32_t i;

	if (r == NULL || w->now < r->next_deadline)
		return;
	/* Re-armed by every deadline seen or set from here on. */
	r->next_deadline = UINT64_MAX;
	for (i = 0; i < r->cfg.max_pending; i++) {
		q = &r->queries[i];
		if (!q->used)
			continue;
		if (q->deadline > w->now) {
			arm_deadline(r, q, q->deadline);
			continue;
		}
		server_failed(r, q->server);
		query_next(w, r, q);
	}
}

/* Lookups. */

/*
 * 'name' lower-cased without its final dot into out; -EINVAL unless it is
 * a name the wire can carry (not the root).
 */
static int
normalise(const char *name, char *out)
{
	uint8_t wire[WS_DNS_NAME_MAX];
	size_t len, i;

	if (name == NULL)
		return -EINVAL;
	len = strnlen(name, WS_DNS_NAME_TEXT_MAX + 2);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > WS_DNS_NAME_TEXT_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		out[i] = name[i] >= 'A' && name[i] <= 'Z' ?
			(char)(name[i] - 'A' + 'a') : name[i];
	out[len] = '\0';
	return ws_dns_name_write(out, wire, sizeof(wire)) < 0 ? -EINVAL : 0;
}

static uint16_t
fresh_id(struct ws_resolver *r)
{
	uint16_t id;

	/* At most 4096 in flight: a repeat is rare, and drawn again. */
	do {
		id = (uint16_t)rte_rand();
	} while (query_by_id(r, id) != NULL);
	return id;
}

static int
resolve(struct ws_worker *w, const char *name, const struct res_waiter *tmpl)
{
	struct ws_resolver *r = w->resolver;
	char key[WS_DNS_NAME_TEXT_MAX + 1];
	struct res_waiter *wt;
	struct res_query *q;
	struct in_addr in;
	uint32_t hash, i, wi;
	int ret;

	ret = normalise(name, key);
	if (ret < 0)
		return ret;
	w->stats.dns.res_queries++;
	if (inet_pton(AF_INET, key, &in) == 1) {
		w->stats.dns.res_literal++;
		deliver(w, key, 0, &in.s_addr, 1, tmpl);
		return 0;
	}
	if (r == NULL)
		return -ENOTCONN;

	hash = name_hash(r, key);
	i = cache_find(r, key, hash);
	if (i != RES_NONE && r->entries[i].expire <= w->now) {
		w->stats.dns.res_expired++;
		cache_remove(r, i);
		i = RES_NONE;
	}
	if (i != RES_NONE) {
		struct res_entry e = r->entries[i];

		lru_unlink(r, i);
		lru_push(r, i);
		if (e.status == 0)
			w->stats.dns.res_hits++;
		else
			w->stats.dns.res_neg_hits++;
		/* A copy: the callback may change the cache. */
		deliver(w, key, e.status, e.addrs, e.n_addrs, tmpl);
		return 0;
	}

	if (r->free_waiter == RES_NONE) {
		w->stats.dns.res_pending_full++;
		return -ENOSPC;
	}
	w->stats.dns.res_misses++;
	wi = r->free_waiter;
	wt = &r->waiters[wi];
	r->free_waiter = wt->next;
	*wt = *tmpl;
	wt->next = RES_NONE;

	q = query_by_name(r, key);
	if (q != NULL) {
		w->stats.dns.res_coalesced++;
		r->waiters[q->tail].next = wi;
		q->tail = wi;
		return 0;
	}
	/* Never full: there are as many slots as waiters. */
	for (q = r->queries; q->used; q++)
		;
	memset(q, 0, sizeof(*q));
	q->id = fresh_id(r);
	q->used = true;
	r->n_queries++;
	q->start = (uint8_t)r->preferred;
	q->fail_status = -ETIMEDOUT;
	q->head = wi;
	q->tail = wi;
	strcpy(q->name, key);
	query_next(w, r, q);
	return 0;
}

int
ws_resolve(struct ws_worker *w, const char *name, ws_resolve_cb cb,
		void *arg)
{
	struct res_waiter tmpl = { .cb = cb, .arg = arg };

	if (cb == NULL)
		return -EINVAL;
	return resolve(w, name, &tmpl);
}

int
ws_tcp_connect_name(struct ws_worker *w, const char *name, uint16_t port,
		const struct ws_tcp_ops *ops, void *ctx,
		ws_connect_fail_cb failed)
{
	struct res_waiter tmpl = {
		.arg = ctx, .ops = ops, .failed = failed, .port = port,
	};

	if (ops == NULL || failed == NULL)
		return -EINVAL;
	return resolve(w, name, &tmpl);
}

/* Set-up and tear-down. */

static void
resolver_free(struct ws_resolver *r)
{
	rte_free(r->buckets);
	rte_free(r->entries);
	rte_free(r->queries);
	rte_free(r->waiters);
	rte_free(r);
}

int
ws_resolver_init(struct ws_worker *w, int socket)
{
	const struct ws_resolver_config *cfg = &w->cfg->resolver;
	struct ws_resolver *r;
	uint32_t i;

	w->resolver = NULL;
	if (cfg->n_servers == 0)
		return 0;
	r = rte_zmalloc_socket("ws_resolver", sizeof(*r), 0, socket);
	if (r == NULL)
		return -ENOMEM;
	r->buckets = rte_malloc_socket("ws_res_buckets",
		cfg->cache_entries * sizeof(*r->buckets), 0, socket);
	r->entries = rte_zmalloc_socket("ws_res_cache",
		cfg->cache_entries * sizeof(*r->entries), 0, socket);
	r->queries = rte_zmalloc_socket("ws_res_queries",
		cfg->max_pending * sizeof(*r->queries), 0, socket);
	r->waiters = rte_zmalloc_socket("ws_res_waiters",
		cfg->max_pending * sizeof(*r->waiters), 0, socket);
	if (r->buckets == NULL || r->entries == NULL || r->queries == NULL ||
			r->waiters == NULL) {
		resolver_free(r);
		return -ENOMEM;
	}
	r->cfg = *cfg;
	r->timeout_ticks = ws_ms_to_ticks(w->clock.hz, cfg->timeout_ms);
	r->next_deadline = UINT64_MAX;
	r->max_sends = cfg->attempts * cfg->n_servers;
	r->seed = (uint32_t)rte_rand();
	r->cache_mask = cfg->cache_entries - 1;
	r->lru_head = RES_NONE;
	r->lru_tail = RES_NONE;
	for (i = 0; i < cfg->cache_entries; i++) {
		r->buckets[i] = RES_NONE;
		r->entries[i].hnext = i + 1 < cfg->cache_entries ?
			i + 1 : RES_NONE;
	}
	r->free_entry = 0;
	for (i = 0; i < cfg->max_pending; i++)
		r->waiters[i].next = i + 1 < cfg->max_pending ? i + 1 : RES_NONE;
	r->free_waiter = 0;

	r->sock = ws_udp_bind(w, 0, &res_udp_ops, r);
	if (r->sock == NULL) {
		resolver_free(r);
		return -rte_errno;
	}
	w->resolver = r;
	return 0;
}

void
ws_resolver_fini(struct ws_worker *w)
{
	struct ws_resolver *r = w->resolver;
	uint32_t i;

	if (r == NULL)
		return;
	w->resolver = NULL;
	ws_udp_close(r->sock);
	for (i = 0; i < r->cfg.max_pending; i++)
		if (r->queries[i].used)
			query_finish(w, r, &r->queries[i], -ECANCELED,
				NULL, 0);
	resolver_free(r);
}
