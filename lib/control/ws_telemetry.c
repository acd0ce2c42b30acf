/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "woshou.h"
#include "ws_arp.h"
#include "ws_config_priv.h"
#include "ws_control.h"
#include "ws_steer.h"
#include "ws_syncookie.h"
#include "ws_tcp.h"
#include "ws_telemetry.h"

/*
 * rte_tel_data_add_dict_u64 became rte_tel_data_add_dict_uint in DPDK
 * 23.03 (and the old name was later removed): the one place that knows.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define ws_tel_dict_u64 rte_tel_data_add_dict_uint
#define ws_tel_array_u64 rte_tel_data_add_array_uint
#define WS_TEL_U64_VAL RTE_TEL_UINT_VAL
#else
#define ws_tel_dict_u64 rte_tel_data_add_dict_u64
#define ws_tel_array_u64 rte_tel_data_add_array_u64
#define WS_TEL_U64_VAL RTE_TEL_U64_VAL
#endif

/*
 * Replies must stay under DPDK's 16 KiB: what does not fit is silently
 * dropped. A listed connection takes at most ~70 bytes of JSON, so 100
 * per page leaves room for the rest of the reply.
 */
#define WS_TEL_PER_PAGE_DEFAULT	50
#define WS_TEL_PER_PAGE_MAX	100
#define WS_TEL_PER_PAGE_VERBOSE_DEFAULT	20
/* How long a list request waits for the control thread to collect it. */
#define WS_TEL_LIST_WAIT_MS	3000

static pthread_rwlock_t tel_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct ws_stack *tel_stack;	/* under tel_lock */
static bool tel_registered;		/* under tel_lock (write) */

/* ------------------------------------------------------------------ */
/* Parameters. */

static int
parse_i64(const char *v, int64_t max, int64_t *out)
{
	char *end;
	long long x;

	if (*v == '\0' || !isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || x < 0 || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

static int
parse_state(const char *v)
{
	int i;

	for (i = 0; i < WS_TCP_NSTATES; i++)
		if (strcasecmp(v, ws_tcp_state_name((enum ws_tcp_state)i)) == 0)
			return i;
	return -1;
}

int
ws_tel_parse_params(const char *params, uint32_t allowed,
		struct ws_tel_params *p)
{
	char buf[256], *tok, *save = NULL, *val;

	p->worker = -1;
	p->page = -1;
	p->per_page = -1;
	p->port = -1;
	p->state = -1;
	p->describe = false;
	p->verbose = false;
	if (params == NULL || *params == '\0')
		return 0;
	if (strlen(params) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, params);
	for (tok = strtok_r(buf, ", &", &save); tok != NULL;
			tok = strtok_r(NULL, ", &", &save)) {
		val = strchr(tok, '=');
		if (val == NULL && strcmp(tok, "describe") == 0) {
			if (!(allowed & WS_TEL_P_DESCRIBE) || p->describe)
				return -EINVAL;
			p->describe = true;
			continue;
		}
		if (val == NULL && strcmp(tok, "verbose") == 0) {
			if (!(allowed & WS_TEL_P_VERBOSE) || p->verbose)
				return -EINVAL;
			p->verbose = true;
			continue;
		}
		if (val == NULL) {
			/* A bare number is the worker. */
			if (!(allowed & WS_TEL_P_WORKER) || p->worker != -1 ||
					parse_i64(tok, WS_MAX_WORKERS - 1,
						&p->worker) < 0)
				return -EINVAL;
			continue;
		}
		*val++ = '\0';
		if (strcmp(tok, "worker") == 0 && (allowed & WS_TEL_P_WORKER)) {
			if (p->worker != -1 ||
					parse_i64(val, WS_MAX_WORKERS - 1,
						&p->worker) < 0)
				return -EINVAL;
		} else if (strcmp(tok, "page") == 0 &&
				(allowed & WS_TEL_P_PAGE)) {
			if (parse_i64(val, INT32_MAX, &p->page) < 0)
				return -EINVAL;
		} else if (strcmp(tok, "per_page") == 0 &&
				(allowed & WS_TEL_P_PER_PAGE)) {
			if (parse_i64(val, WS_TEL_PER_PAGE_MAX,
					&p->per_page) < 0 || p->per_page == 0)
				return -EINVAL;
		} else if (strcmp(tok, "port") == 0 &&
				(allowed & WS_TEL_P_PORT)) {
			if (parse_i64(val, UINT16_MAX, &p->port) < 0)
				return -EINVAL;
		} else if (strcmp(tok, "state") == 0 &&
				(allowed & WS_TEL_P_STATE)) {
			p->state = parse_state(val);
			if (p->state < 0)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	if (p->verbose && p->per_page > WS_TEL_PER_PAGE_VERBOSE_MAX)
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers shared by the commands. */

/*
 * Run 'fn' on the current snapshot of the attached stack, holding both
 * the stack (against detach) and the snapshot (against reuse).
 */
typedef int (*snap_fn)(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d);

static int
with_snapshot(const char *params, uint32_t allowed, uint32_t want,
		snap_fn fn, const void *arg, struct rte_tel_data *d)
{
	struct ws_tel_params p;
	const struct ws_snapshot *sn;
	struct ws_stack *s;
	unsigned int slot;
	uint64_t seq, deadline;
	int ret;

	ret = ws_tel_parse_params(params, allowed, &p);
	if (ret < 0)
		return ret;
	pthread_rwlock_rdlock(&tel_lock);
	s = tel_stack;
	if (s == NULL) {
		pthread_rwlock_unlock(&tel_lock);
		return -ENODEV;
	}
	if (p.worker >= (int64_t)ws_stack_worker_count(s)) {
		pthread_rwlock_unlock(&tel_lock);
		return -EINVAL;
	}
	sn = ws_stack_snapshot_acquire(s, &slot);
	if (want != 0 && !((want & WS_SNAP_WANT_CONNS) ? sn->have_conns :
			sn->have_neigh)) {
		/*
		 * Lists are collected only while someone reads them: ask,
		 * then wait for the control thread's next snapshot.
		 */
		seq = sn->seq;
		ws_stack_snapshot_release(s, slot);
		ws_control_want(ws_stack_control(s), want, true);
		deadline = ws_control_now_ms() + WS_TEL_LIST_WAIT_MS;
		for (;;) {
			struct timespec nap = { 0, 2 * 1000 * 1000 };

			sn = ws_stack_snapshot_acquire(s, &slot);
			if (sn->seq != seq && ((want & WS_SNAP_WANT_CONNS) ?
					sn->have_conns : sn->have_neigh))
				break;
			if (ws_control_now_ms() >= deadline)
				break;	/* reply with what there is */
			ws_stack_snapshot_release(s, slot);
			nanosleep(&nap, NULL);
		}
	} else if (want != 0) {
		/* Keep the lists coming while this reader is interested. */
		ws_control_want(ws_stack_control(s), want, false);
	}
	ret = fn(s, sn, &p, arg, d);
	ws_stack_snapshot_release(s, slot);
	pthread_rwlock_unlock(&tel_lock);
	return ret;
}

static const struct ws_stats *
stats_of(const struct ws_snapshot *sn, const struct ws_tel_params *p)
{
	return p->worker < 0 ? &sn->total : &sn->workers[p->worker].stats;
}

static void
ip_text(uint32_t addr_be, char *buf, size_t len)
{
	const uint8_t *b = (const uint8_t *)&addr_be;

	snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* ------------------------------------------------------------------ */
/* /woshou/<module>/stats */

/*
 * The module a "/woshou/<module>/stats" command names, from the counter
 * table (ws_stats.h), or NULL.
 */
static const struct ws_stat_module *
stats_module(const char *cmd)
{
	static const char pre[] = "/woshou/", post[] = "/stats";
	char name[32];
	size_t len = strlen(cmd);

	if (len <= sizeof(pre) - 1 + sizeof(post) - 1 ||
			strncmp(cmd, pre, sizeof(pre) - 1) != 0 ||
			strcmp(cmd + len - (sizeof(post) - 1), post) != 0)
		return NULL;
	len -= sizeof(pre) - 1 + sizeof(post) - 1;
	if (len >= sizeof(name))
		return NULL;
	memcpy(name, cmd + sizeof(pre) - 1, len);
	name[len] = '\0';
	return ws_stat_module_find(name);
}

/*
 * The counters of one module; with "describe", what each one counts
 * instead (the same for every worker, but worker=N is still checked).
 * The largest such reply, tcp's, is about 7 KiB of the 16 KiB DPDK
 * allows: test_stats checks that every module's fits.
 */
static int
module_stats(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	const struct ws_stat_module *m = arg;
	const uint64_t *v = ws_stat_values(stats_of(sn, p), m);
	unsigned int i;

	RTE_SET_USED(s);
	rte_tel_data_start_dict(d);
	for (i = 0; i < m->n; i++) {
		if (p->describe)
			rte_tel_data_add_dict_string(d, m->counters[i].name,
				m->counters[i].desc);
		else
			ws_tel_dict_u64(d, m->counters[i].name, v[i]);
	}
	return 0;
}

static int
cmd_module_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ws_stat_module *m = stats_module(cmd);

	if (m == NULL)
		return -EINVAL;
	return with_snapshot(params, WS_TEL_P_WORKER | WS_TEL_P_DESCRIBE, 0,
		module_stats, m, d);
}

/* ------------------------------------------------------------------ */
/* /woshou/tcp/states */

static int
tcp_states(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	struct rte_tel_data *per;
	char key[32];
	unsigned int w;
	int st;

	RTE_SET_USED(s);
	RTE_SET_USED(p);
	RTE_SET_USED(arg);
	rte_tel_data_start_dict(d);
	ws_tel_dict_u64(d, "snapshot", sn->seq);
	ws_tel_dict_u64(d, "total", sn->conn_count);
	for (st = 0; st < WS_TCP_NSTATES; st++) {
		per = rte_tel_data_alloc();
		if (per == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(per);
		ws_tel_dict_u64(per, "total", ws_tcp_state_count(&sn->total.tcp, st));
		for (w = 0; w < sn->n_workers; w++) {
			snprintf(key, sizeof(key), "worker_%u", w);
			ws_tel_dict_u64(per, key,
				ws_tcp_state_count(&sn->workers[w].stats.tcp, st));
		}
		rte_tel_data_add_dict_container(d,
			ws_tcp_state_name((enum ws_tcp_state)st), per, 0);
	}
	return 0;
}

static int
cmd_tcp_states(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_snapshot(params, 0, 0, tcp_states, NULL, d);
}

/* ------------------------------------------------------------------ */
/* /woshou/workers */

static int
workers(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	struct rte_tel_data *wd;
	char key[32];
	unsigned int i;

	RTE_SET_USED(s);
	rte_tel_data_start_dict(d);
	ws_tel_dict_u64(d, "snapshot", sn->seq);
	ws_tel_dict_u64(d, "interval_ms", sn->elapsed_ms);
	for (i = 0; i < sn->n_workers; i++) {
		const struct ws_snap_worker *sw = &sn->workers[i];
		const struct ws_loop_stats *l = &sw->stats.loop;

		if (p->worker >= 0 && (unsigned int)p->worker != i)
			continue;
		wd = rte_tel_data_alloc();
		if (wd == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(wd);
		ws_tel_dict_u64(wd, "lcore", sw->lcore_id);
		ws_tel_dict_u64(wd, "rx_pps", sw->rates.rx_pps);
		ws_tel_dict_u64(wd, "tx_pps", sw->rates.tx_pps);
		ws_tel_dict_u64(wd, "rx_bps", sw->rates.rx_bps);
		ws_tel_dict_u64(wd, "tx_bps", sw->rates.tx_bps);
		ws_tel_dict_u64(wd, "busy_pct", sw->rates.busy_pct);
		ws_tel_dict_u64(wd, "cycles_per_pkt", sw->rates.cycles_per_pkt);
		ws_tel_dict_u64(wd, "conns", sw->conn_count);
		ws_tel_dict_u64(wd, "orphans", sw->stats.tcp.st_orphans);
		ws_tel_dict_u64(wd, "rx_pkts", l->rx_pkts);
		ws_tel_dict_u64(wd, "tx_pkts", l->tx_pkts);
		ws_tel_dict_u64(wd, "rx_bytes", l->rx_bytes);
		ws_tel_dict_u64(wd, "tx_bytes", l->tx_bytes);
		ws_tel_dict_u64(wd, "tx_drop_full", l->tx_drop_full);
		ws_tel_dict_u64(wd, "polls", l->polls);
		ws_tel_dict_u64(wd, "empty_polls", l->empty_polls);
		ws_tel_dict_u64(wd, "busy_cycles", l->busy_cycles);
		ws_tel_dict_u64(wd, "idle_cycles", l->idle_cycles);
		ws_tel_dict_u64(wd, "handoff_tx", sw->stats.steer.handoff_tx);
		ws_tel_dict_u64(wd, "handoff_rx", sw->stats.steer.handoff_rx);
		ws_tel_dict_u64(wd, "drop_handoff_full",
			sw->stats.steer.drop_handoff_full);
		ws_tel_dict_u64(wd, "passive_opens",
			sw->stats.tcp.passive_opens);
		ws_tel_dict_u64(wd, "active_opens", sw->stats.tcp.active_opens);
		ws_tel_dict_u64(wd, "fresh", sw->fresh);
		snprintf(key, sizeof(key), "worker_%u", i);
		rte_tel_data_add_dict_container(d, key, wd, 0);
	}
	return 0;
}

static int
cmd_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_snapshot(params, WS_TEL_P_WORKER, 0, workers, NULL, d);
}

/* ------------------------------------------------------------------ */
/* /woshou/conn/list and /woshou/arp/table: filtered, paginated lists. */

/*
 * One page of a filtered list. The caller counts what matches, starts the
 * page, offers the matching items in the same order while the page is
 * open, adds those page_take() accepts to pg->items, and ends its reply
 * with page_end().
 */
struct page {
	uint64_t first;			/* the first shown, among the matching */
	uint64_t per_page;
	uint64_t pages;
	uint64_t offered;		/* matching items offered so far */
	struct rte_tel_data *items;	/* strings */
};

static int
page_start(struct page *pg, const struct ws_tel_params *p, uint64_t matched)
{
	pg->per_page = p->per_page > 0 ? (uint64_t)p->per_page :
		p->verbose ? WS_TEL_PER_PAGE_VERBOSE_DEFAULT :
		WS_TEL_PER_PAGE_DEFAULT;
	pg->pages = (matched + pg->per_page - 1) / pg->per_page;
	pg->first = (p->page > 0 ? (uint64_t)p->page : 0) * pg->per_page;
	pg->offered = 0;
	pg->items = rte_tel_data_alloc();
	if (pg->items == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(pg->items, RTE_TEL_STRING_VAL);
	return 0;
}

/* Whether more items may go on the page: the lists' loop condition. */
static bool
page_open(const struct page *pg)
{
	return pg->offered < pg->first + pg->per_page;
}

/* A matching item: whether it is on the page. */
static bool
page_take(struct page *pg)
{
	return pg->offered++ >= pg->first;
}

/* The reply's last fields: where the page lies, then the items. */
static void
page_end(struct rte_tel_data *d, struct page *pg,
		const struct ws_tel_params *p, const char *format,
		const char *name)
{
	ws_tel_dict_u64(d, "page", p->page > 0 ? (uint64_t)p->page : 0);
	ws_tel_dict_u64(d, "per_page", pg->per_page);
	ws_tel_dict_u64(d, "pages", pg->pages);
	rte_tel_data_add_dict_string(d, "format", format);
	rte_tel_data_add_dict_container(d, name, pg->items, 0);
}

static bool
conn_matches(const struct ws_conn_entry *c, const struct ws_tel_params *p)
{
	if (p->state >= 0 && c->state != p->state)
		return false;
	if (p->port >= 0 && c->local_port != p->port &&
			c->remote_port != p->port)
		return false;
	if (p->worker >= 0 && c->worker != p->worker)
		return false;
	return true;
}

/*
 * One connection with every field (conn/list,verbose): its congestion
 * control, loss recovery and autotuned buffers as ws_tcp_get_info
 * reports them, as "conn_<i>" for the i-th line of the page. A dict in
 * the reply itself: DPDK 22.11 renders containers one level deep only,
 * and its names allow neither spaces nor colons.
 */
static int
conn_verbose(struct rte_tel_data *d, unsigned int i, const char *local,
		const char *remote, const struct ws_conn_entry *c)
{
	struct rte_tel_data *e = rte_tel_data_alloc();
	bool conn = c->cc[0] != '\0';
	char name[32];

	if (e == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(e);
	rte_tel_data_add_dict_string(e, "local", local);
	rte_tel_data_add_dict_string(e, "remote", remote);
	rte_tel_data_add_dict_string(e, "state",
		ws_tcp_state_name((enum ws_tcp_state)c->state));
	ws_tel_dict_u64(e, "worker", c->worker);
	ws_tel_dict_u64(e, "unacked", c->unacked);
	ws_tel_dict_u64(e, "held", c->held);
	ws_tel_dict_u64(e, "cwnd", c->cwnd);
	ws_tel_dict_u64(e, "ssthresh", c->ssthresh);
	ws_tel_dict_u64(e, "srtt_us", c->srtt_us);
	ws_tel_dict_u64(e, "rttvar_us", c->rttvar_us);
	ws_tel_dict_u64(e, "rto_ms", c->rto_ms);
	ws_tel_dict_u64(e, "in_flight", c->in_flight);
	ws_tel_dict_u64(e, "sacked", c->sacked);
	ws_tel_dict_u64(e, "lost", c->lost);
	ws_tel_dict_u64(e, "retrans_bytes", c->retrans_bytes);
	rte_tel_data_add_dict_string(e, "ca_state",
		conn ? ws_tcp_ca_state_name(c->ca_state) : "-");
	rte_tel_data_add_dict_string(e, "cc", conn ? c->cc : "-");
	ws_tel_dict_u64(e, "rcvbuf", c->rcvbuf);
	ws_tel_dict_u64(e, "sndbuf", c->sndbuf);
	ws_tel_dict_u64(e, "snd_wnd", c->snd_wnd);
	ws_tel_dict_u64(e, "rcv_wnd", c->rcv_wnd);
	snprintf(name, sizeof(name), "conn_%u", i);
	if (rte_tel_data_add_dict_container(d, name, e, 0) != 0) {
		rte_tel_data_free(e);
		return -ENOSPC;
	}
	return 0;
}

static int
conn_list(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	struct page pg;
	uint64_t matched = 0;
	char line[128], l[16], r[16], lp[24], rp[24];
	uint32_t i, shown = 0;

	RTE_SET_USED(s);
	RTE_SET_USED(arg);
	for (i = 0; i < sn->n_conns; i++)
		matched += conn_matches(&sn->conns[i], p);
	if (page_start(&pg, p, matched) < 0)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	for (i = 0; i < sn->n_conns && page_open(&pg); i++) {
		const struct ws_conn_entry *c = &sn->conns[i];

		if (!conn_matches(c, p) || !page_take(&pg))
			continue;
		ip_text(c->local_addr, l, sizeof(l));
		ip_text(c->remote_addr, r, sizeof(r));
		snprintf(line, sizeof(line), "%s:%u %s:%u %s %u %u %u",
			l, c->local_port, r, c->remote_port,
			ws_tcp_state_name((enum ws_tcp_state)c->state),
			c->worker, c->unacked, c->held);
		if (p->verbose) {
			snprintf(lp, sizeof(lp), "%s:%u", l, c->local_port);
			snprintf(rp, sizeof(rp), "%s:%u", r, c->remote_port);
			if (conn_verbose(d, shown, lp, rp, c) < 0)
				break;
		}
		rte_tel_data_add_array_string(pg.items, line);
		shown++;
	}
	ws_tel_dict_u64(d, "snapshot", sn->seq);
	ws_tel_dict_u64(d, "complete", sn->have_conns && !sn->conns_truncated);
	ws_tel_dict_u64(d, "total", sn->conn_count);
	ws_tel_dict_u64(d, "listed", sn->n_conns);
	ws_tel_dict_u64(d, "matched", matched);
	/* Verbose: line i's fields are the dict conn_<i>. */
	page_end(d, &pg, p, "local remote state worker unacked held",
		"conns");
	return 0;
}

static int
cmd_conn_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_snapshot(params, WS_TEL_P_WORKER | WS_TEL_P_PAGE |
		WS_TEL_P_PER_PAGE | WS_TEL_P_PORT | WS_TEL_P_STATE |
		WS_TEL_P_VERBOSE, WS_SNAP_WANT_CONNS, conn_list, NULL, d);
}

static const char *
neigh_state_name(uint8_t state)
{
	switch (state) {
	case WS_ARP_INCOMPLETE: return "INCOMPLETE";
	case WS_ARP_REACHABLE: return "REACHABLE";
	case WS_ARP_STALE: return "STALE";
	case WS_ARP_PERMANENT: return "PERMANENT";
	default: return "?";
	}
}

static bool
neigh_matches(const struct ws_neigh_entry *e, const struct ws_tel_params *p)
{
	return p->worker < 0 || e->worker == p->worker;
}

static int
arp_table(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	struct page pg;
	uint64_t matched = 0;
	char line[128], a[16], mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint32_t i;

	RTE_SET_USED(s);
	RTE_SET_USED(arg);
	for (i = 0; i < sn->n_neigh; i++)
		matched += neigh_matches(&sn->neigh[i], p);
	if (page_start(&pg, p, matched) < 0)
		return -ENOMEM;
	for (i = 0; i < sn->n_neigh && page_open(&pg); i++) {
		const struct ws_neigh_entry *e = &sn->neigh[i];

		if (!neigh_matches(e, p) || !page_take(&pg))
			continue;
		ip_text(e->addr, a, sizeof(a));
		rte_ether_format_addr(mac, sizeof(mac), &e->mac);
		snprintf(line, sizeof(line), "%s %s %s %u %u", a, mac,
			neigh_state_name(e->state), e->age_ms, e->worker);
		rte_tel_data_add_array_string(pg.items, line);
	}
	rte_tel_data_start_dict(d);
	ws_tel_dict_u64(d, "snapshot", sn->seq);
	ws_tel_dict_u64(d, "complete", sn->have_neigh);
	ws_tel_dict_u64(d, "entries", sn->n_neigh);
	page_end(d, &pg, p, "address mac state age_ms worker", "neighbours");
	return 0;
}

static int
cmd_arp_table(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_snapshot(params, WS_TEL_P_WORKER | WS_TEL_P_PAGE |
		WS_TEL_P_PER_PAGE, WS_SNAP_WANT_NEIGH, arp_table, NULL, d);
}

/* ------------------------------------------------------------------ */
/* /woshou/info */

static const char *const syncookie_modes[] = { "off", "auto", "always" };

/* A registered section's port as SECTION_port. */
static void
info_port(void *ctx, const char *section, uint64_t port)
{
	char name[WS_CFG_NAME_LEN + sizeof("_port")];

	snprintf(name, sizeof(name), "%s_port", section);
	ws_tel_dict_u64(ctx, name, port);
}

static int
info(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	const struct ws_config *cfg = ws_stack_config(s);
	const struct ws_steer *steer;
	struct rte_ether_addr mac;
	char buf[128], a[16];
	unsigned int i;
	size_t off = 0;

	RTE_SET_USED(p);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", WS_VERSION_STRING);
	ws_tel_dict_u64(d, "pid", (uint64_t)getpid());
	ws_tel_dict_u64(d, "uptime_ms", sn->uptime_ms);
	ws_tel_dict_u64(d, "snapshot", sn->seq);
	ws_tel_dict_u64(d, "interval_ms", cfg->control.interval_ms);
	ws_tel_dict_u64(d, "workers", ws_stack_worker_count(s));
	buf[0] = '\0';
	for (i = 0; i < cfg->workers.count && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%u",
			i ? "," : "", cfg->workers.lcores[i]);
	rte_tel_data_add_dict_string(d, "lcores", buf);
	ws_tel_dict_u64(d, "main_lcore", cfg->eal.main_lcore);
	steer = ws_stack_steer(s);
	rte_tel_data_add_dict_string(d, "steering",
		steer->n_workers <= 1 ? "none" : steer->hw ? "rss" : "software");
	ws_tel_dict_u64(d, "reta_size", steer->reta_size);
	rte_tel_data_add_dict_string(d, "file_prefix", cfg->eal.file_prefix);
	rte_tel_data_add_dict_string(d, "port", cfg->port.device);
	ws_tel_dict_u64(d, "port_id", ws_stack_port(s));
	ws_stack_mac(s, &mac);
	rte_ether_format_addr(buf, sizeof(buf), &mac);
	rte_tel_data_add_dict_string(d, "mac", buf);
	ip_text(cfg->ip.addr, a, sizeof(a));
	snprintf(buf, sizeof(buf), "%s/%u", a, cfg->ip.prefix_len);
	rte_tel_data_add_dict_string(d, "addr", buf);
	ws_tel_dict_u64(d, "addr_count", cfg->ip.addr_count);
	ip_text(cfg->ip.gateway, a, sizeof(a));
	rte_tel_data_add_dict_string(d, "gateway",
		cfg->ip.gateway != 0 ? a : "");
	ws_tel_dict_u64(d, "mtu", cfg->port.mtu);
	ws_tel_dict_u64(d, "tcp_max_connections", cfg->tcp.max_connections);
	rte_tel_data_add_dict_string(d, "tcp_syncookies",
		syncookie_modes[cfg->tcp.syncookies]);
	/* The application's services (woshou's http, echo, discard). */
	ws_config_foreach_uint("port", info_port, d);
	ws_tel_dict_u64(d, "dns_port", cfg->dns.port);
	return 0;
}

/* ------------------------------------------------------------------ */
/* /woshou/tcp/syncookies */

static int
tcp_syncookies(struct ws_stack *s, const struct ws_snapshot *sn,
		const struct ws_tel_params *p, const void *arg,
		struct rte_tel_data *d)
{
	const struct ws_config *cfg = ws_stack_config(s);
	const struct ws_tcp_stats *t = &stats_of(sn, p)->tcp;
	struct rte_tel_data *arr;
	char line[160];
	unsigned int w, i, first = 0, last = sn->n_workers;

	RTE_SET_USED(arg);
	if (p->worker >= 0) {
		first = (unsigned int)p->worker;
		last = first + 1;
	}
	arr = rte_tel_data_alloc();
	if (arr == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(arr, RTE_TEL_STRING_VAL);
	for (w = first; w < last; w++) {
		const struct ws_snap_worker *sw = &sn->workers[w];

		for (i = 0; i < sw->n_listeners; i++) {
			const struct ws_listener_entry *l = &sw->listeners[i];

			snprintf(line, sizeof(line),
				"%u %u %u %u %u %" PRIu64 " %" PRIu64,
				l->port, l->worker, l->half_open, l->backlog,
				l->cookie_mode, l->cookies_sent,
				l->cookies_validated);
			rte_tel_data_add_array_string(arr, line);
		}
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "mode",
		syncookie_modes[cfg->tcp.syncookies]);
	ws_tel_dict_u64(d, "snapshot", sn->seq);
	ws_tel_dict_u64(d, "period_s", WS_SYNCOOKIE_PERIOD_S);
	ws_tel_dict_u64(d, "backlog", cfg->tcp.backlog);
	ws_tel_dict_u64(d, "half_open_max", cfg->tcp.half_open_max);
	ws_tel_dict_u64(d, "half_open", t->st_syn_received);
#define SC(name) ws_tel_dict_u64(d, #name, t->name)
	SC(syn_rx);
	SC(synack_tx);
	SC(synack_retransmits);
	SC(cookie_synack_tx);
	SC(cookie_synack_copied);
	SC(cookie_validated);
	SC(cookie_bad_hash);
	SC(cookie_too_old);
	SC(cookie_bad_index);
	SC(cookie_ack_unchecked);
	SC(drop_backlog);
	SC(drop_half_open);
	SC(drop_table_full);
	SC(accept_overflow);
	SC(cookie_mode_on);
	SC(cookie_mode_off);
#undef SC
	rte_tel_data_add_dict_string(d, "format", "port worker half_open "
		"backlog cookie_mode cookies_sent cookies_validated");
	rte_tel_data_add_dict_container(d, "listeners", arr, 0);
	return 0;
}

static int
cmd_tcp_syncookies(const char *cmd, const char *params,
		struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_snapshot(params, WS_TEL_P_WORKER, 0, tcp_syncookies, NULL,
		d);
}

static int
cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_snapshot(params, 0, 0, info, NULL, d);
}

/* ------------------------------------------------------------------ */

static int
register_all(void)
{
	char cmd[64], help[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;
	int ret;

	ret = rte_telemetry_register_cmd("/woshou/info", cmd_info,
		"woshou version, uptime, workers, addresses, config summary");
	ret |= rte_telemetry_register_cmd("/woshou/tcp/states",
		cmd_tcp_states,
		"TCP connections per RFC 9293 state: total and per worker");
	ret |= rte_telemetry_register_cmd("/woshou/tcp/syncookies",
		cmd_tcp_syncookies,
		"SYN cookies and SYN-flood state: mode, counters, listeners "
		"(cookie_mode 1 = answering with cookies). Parameters: worker=N");
	ret |= rte_telemetry_register_cmd("/woshou/workers", cmd_workers,
		"Per worker: rx/tx rates, busy %, cycles/packet, "
		"connections, hand-offs. Parameters: worker=N");
	ret |= rte_telemetry_register_cmd("/woshou/conn/list",
		cmd_conn_list,
		"Connections. Parameters: state=S, port=N, worker=N, page=N, "
		"per_page=N (max 100), verbose (TCP state; max 25)");
	ret |= rte_telemetry_register_cmd("/woshou/arp/table", cmd_arp_table,
		"Neighbour cache. Parameters: worker=N, page=N, per_page=N");
	/* DPDK copies the command and its help. */
	for (i = 0; i < ws_stat_n_modules; i++) {
		const char *name = ws_stat_modules[i].name;

		snprintf(cmd, sizeof(cmd), "/woshou/%s/stats", name);
		snprintf(help, sizeof(help), "woshou %s counters. Parameters: "
			"worker=N (default: sum); describe (what each counts)",
			name);
		ret |= rte_telemetry_register_cmd(cmd, cmd_module_stats, help);
	}
	return ret != 0 ? -EINVAL : 0;
}

int
ws_telemetry_attach(struct ws_stack *s)
{
	int ret = 0;

	pthread_rwlock_wrlock(&tel_lock);
	if (tel_stack != NULL) {
		pthread_rwlock_unlock(&tel_lock);
		return -EBUSY;
	}
	if (!tel_registered) {
		ret = register_all();
		tel_registered = ret == 0;
	}
	if (ret == 0)
		tel_stack = s;
	pthread_rwlock_unlock(&tel_lock);
	return ret;
}

void
ws_telemetry_detach(struct ws_stack *s)
{
	pthread_rwlock_wrlock(&tel_lock);
	if (tel_stack == s)
		tel_stack = NULL;
	pthread_rwlock_unlock(&tel_lock);
}
