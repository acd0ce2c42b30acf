/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Two whole stacks of two workers each, in one process, joined by net_ring
 * ports of two queues (rte_eth_from_rings) and driven by hand with
 * ws_worker_poll() in one thread: the steering between workers (ws_steer.h)
 * end to end. Stack A is 198.18.0.1 (the client), B 198.18.0.2.
 *
 * "Straight": A's tx queue q feeds B's rx queue q and back, so a packet
 * lands where its flow lives (both stacks hash alike and A picks ports
 * that hash to the connecting worker). "Crossed": A's tx queue q feeds B's
 * rx queue 1 - q and back, so every TCP segment lands on the worker that
 * does not own it and must be handed over.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_arp.h"
#include "ws_control.h"
#include "ws_ipv4.h"
#include "ws_steer.h"
#include "ws_tcp_api.h"
#include "ws_test.h"
#include "ws_udp_api.h"

#define NQ 2			/* workers per stack, queues per port */
#define FABRIC_RING 4096u
#define TCP_PORT 5001
#define UDP_B_PORT 7000
#define UDP_A_PORT 7001
#define MAX_EXTRA_SETS 4

static const struct rte_ether_addr mac_a = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01 } };
static const struct rte_ether_addr mac_b = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x02 } };

static inline uint32_t
addr_a(void)
{
	return rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 1));
}

static inline uint32_t
addr_b(void)
{
	return rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
}

struct fabric {
	struct rte_ring *ab[NQ];	/* what A's tx queue q sends */
	struct rte_ring *ba[NQ];	/* what B's tx queue q sends */
	bool cross_ab, cross_ba;
	struct ws_stack *a, *b;
	struct ws_worker *wa[NQ], *wb[NQ];
};

/* The ring B's rx queue q reads. */
static struct rte_ring *
b_rx_ring(const struct fabric *f, unsigned int q)
{
	return f->ab[f->cross_ab ? NQ - 1 - q : q];
}

/*
 * net_ring ports start with an all-zero MAC, which ARP rightly refuses.
 * 'extra' ("section.key=value") come last, so they override.
 */
static struct ws_stack *
make_stack(const char *addr, const char *mac, struct rte_ring **rx,
		struct rte_ring **tx, const char *const *extra,
		unsigned int n_extra)
{
	char addr_set[64], mac_set[64];
	const char *sets[8 + MAX_EXTRA_SETS] = {
		addr_set, mac_set, "workers.lcores=1,2",
		"port.mbufs=8191", "tcp.max_connections=8192",
		"tcp.sndbuf=65536", "tcp.rcvbuf=65536", "tcp.msl_ms=250",
	};
	unsigned int n_sets = 8, i;
	struct ws_stack *s;

	assert_true(n_extra <= MAX_EXTRA_SETS);
	for (i = 0; i < n_extra; i++)
		sets[n_sets++] = extra[i];
	snprintf(addr_set, sizeof(addr_set), "ip.addr=%s", addr);
	snprintf(mac_set, sizeof(mac_set), "port.mac=%s", mac);
	s = ws_test_ring_stack(rx, tx, NQ, sets, n_sets);
	assert_int_equal(ws_stack_start_manual(s), 0);
	return s;
}

static int
fabric_create(void **state, bool cross_ab, bool cross_ba,
		const char *const *a_extra, unsigned int n_a,
		const char *const *b_extra, unsigned int n_b)
{
	struct fabric *f = calloc(1, sizeof(*f));
	struct rte_ring *a_rx[NQ], *b_rx[NQ];
	unsigned int q;

	assert_non_null(f);
	for (q = 0; q < NQ; q++) {
		f->ab[q] = ws_test_ring(FABRIC_RING,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		f->ba[q] = ws_test_ring(FABRIC_RING,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	}
	f->cross_ab = cross_ab;
	f->cross_ba = cross_ba;
	for (q = 0; q < NQ; q++) {
		b_rx[q] = f->ab[cross_ab ? NQ - 1 - q : q];
		a_rx[q] = f->ba[cross_ba ? NQ - 1 - q : q];
	}
	f->a = make_stack("198.18.0.1/24", "02:00:00:00:0a:01", a_rx,
		f->ab, a_extra, n_a);
	f->b = make_stack("198.18.0.2/24", "02:00:00:00:0b:02", b_rx,
		f->ba, b_extra, n_b);
	for (q = 0; q < NQ; q++) {
		f->wa[q] = ws_stack_worker(f->a, q);
		f->wb[q] = ws_stack_worker(f->b, q);
	}
	*state = f;
	return 0;
}

static int
setup_straight(void **state)
{
	return fabric_create(state, false, false, NULL, 0, NULL, 0);
}

static int
setup_crossed(void **state)
{
	return fabric_create(state, true, true, NULL, 0, NULL, 0);
}

/*
 * A's requests go straight, B's answers come back crossed: what A's
 * worker 1 asks, A's worker 0 hears. No announcements: every ARP
 * counter is the test's own.
 */
static int
setup_arp(void **state)
{
	static const char *const sets[] = { "arp.gratuitous=no" };

	return fabric_create(state, false, true, sets, RTE_DIM(sets), sets,
		RTE_DIM(sets));
}

/*
 * B's hand-off rings hold 64. A keeps its 1 s initial RTO: the bursts
 * below must be over long before a lost SYN is sent again.
 */
static int
setup_overflow(void **state)
{
	static const char *const b_sets[] = { "workers.handoff_ring=64" };

	return fabric_create(state, true, true, NULL, 0, b_sets,
		RTE_DIM(b_sets));
}

static struct ws_worker *polling;	/* the worker inside ws_worker_poll */

static int
fabric_teardown(void **state)
{
	struct fabric *f = *state;
	unsigned int q;

	polling = NULL;
	ws_stack_destroy(f->a);
	ws_stack_destroy(f->b);
	for (q = 0; q < NQ; q++) {
		rte_ring_free(f->ab[q]);
		rte_ring_free(f->ba[q]);
	}
	free(f);
	return 0;
}

static unsigned int
poll_one(struct ws_worker *w)
{
	unsigned int n;

	polling = w;
	n = ws_worker_poll(w);
	polling = NULL;
	return n;
}

static unsigned int
poll_all(struct fabric *f)
{
	unsigned int q, n = 0;

	for (q = 0; q < NQ; q++)
		n += poll_one(f->wa[q]);
	for (q = 0; q < NQ; q++)
		n += poll_one(f->wb[q]);
	return n;
}

/* Poll all four until none receives anything for a few rounds. */
static void
run_until_quiet(struct fabric *f)
{
	unsigned int quiet = 0, rounds = 0;

	while (quiet < 4) {
		quiet = poll_all(f) == 0 ? quiet + 1 : 0;
		assert_true(++rounds < 1000000);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int
worker_index(const struct fabric *f, const struct ws_worker *w)
{
	unsigned int q;

	for (q = 0; q < NQ; q++)
		if (w == f->wa[q] || w == f->wb[q])
			return q;
	fail_msg("a worker of neither stack");
	return NQ;
}

/* Mbufs out of every pool of both stacks (packets and fragments). */
static unsigned int
mbufs_in_use(const struct fabric *f)
{
	unsigned int q, n = 0;

	for (q = 0; q < NQ; q++) {
		n += rte_mempool_in_use_count(f->wa[q]->pool);
		n += rte_mempool_in_use_count(f->wa[q]->indirect_pool);
		n += rte_mempool_in_use_count(f->wb[q]->pool);
		n += rte_mempool_in_use_count(f->wb[q]->indirect_pool);
	}
	return n;
}

static struct ws_stats
stats_of(struct ws_stack *s, int worker)
{
	struct ws_stats st;

	assert_int_equal(ws_stack_stats(s, worker, &st), 0);
	return st;
}

/*
 * A sends B a datagram of an unknown protocol (253) from its worker 0:
 * ARP resolves B (and the news reaches the other workers), B answers with
 * protocol unreachable. No flow is involved, so nothing is handed over.
 * Again if the answer did not come: a machine that stalls us for seconds
 * times the waiting datagram out of ARP's queue.
 */
static void
resolve_with_proto_253(struct fabric *f)
{
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	unsigned int tries;

	for (tries = 0; tries < 5; tries++) {
		m = rte_pktmbuf_alloc(f->wa[0]->pool);
		assert_non_null(m);
		ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
			sizeof(*ip) + 16);
		assert_non_null(ip);
		memset(ip + 1, 0x5a, 16);
		ws_ipv4_fill_header(f->wa[0], ip, addr_b(), 253, 16);
		m->l3_len = sizeof(*ip);
		ws_ipv4_output(f->wa[0], m);
		ws_tx_flush(f->wa[0]);
		run_until_quiet(f);
		if (stats_of(f->a, 0).icmp.errors_rx > 0)
			return;
	}
	fail_msg("B never answered A's datagram");
}

/*
 * Counters that a timer can move too (ARP's 1 s retry, TCP's 1 s RTO)
 * are exact only when the machine let us finish well within the timer.
 */
#define assert_count(got, want, exact) do { \
	if (exact) \
		assert_int_equal(got, want); \
	else if ((uint64_t)(got) < (uint64_t)(want)) \
		fail_msg("%s: %" PRIu64 " < %" PRIu64, #got, \
			(uint64_t)(got), (uint64_t)(want)); \
} while (0)

/* ------------------------------------------------------------------ */
/* TCP connections with checked byte streams.                           */

/*
 * Connection 'id' carries, client to server, its id (4 bytes, little
 * endian) then client_len(id) bytes of pattern(2 id, i); server to client,
 * server_len(id) bytes of pattern(2 id + 1, i). The server learns the id
 * from the stream, so each side checks every byte against the connection
 * it really belongs to, and the server knows which client it serves.
 */
static inline uint8_t
pattern(uint32_t seed, uint32_t i)
{
	uint32_t x = seed * 0x9e3779b1u ^ (i >> 2) * 0x85ebca77u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	x *= 0x297a2d39u;
	x ^= x >> 15;
	return (uint8_t)(x >> ((i & 3) * 8));
}

struct conn_run;

struct side {
	struct conn_run *run;
	struct ws_tcp_conn *c;
	uint32_t id;
	unsigned int widx;		/* the worker it lives on */
	bool client, bound, shut, closed, bad;
	uint8_t idbuf[4];
	uint32_t sent, received, tx_len, rx_len;
	enum ws_tcp_close_reason why;
};

struct conn_run {
	struct fabric *f;
	unsigned int n;
	uint32_t len_min, len_spread;	/* bytes each way */
	struct side *cl;		/* by id */
	struct side *sv;		/* by accept order */
	int32_t *sv_of_id;
	unsigned int started, open, n_accepted;
	unsigned int started_on[NQ], open_on[NQ];
	unsigned int connected_on[NQ], accepted_on[NQ];
	/* Each of these stays 0 in a good run. */
	unsigned int wrong_worker;	/* a callback outside its owner's poll */
	unsigned int wrong_owner;	/* server on another worker than client */
	unsigned int bad_id, dup_id, send_err, refused;
};

static struct conn_run *active_run;

static uint32_t
client_len(const struct conn_run *r, uint32_t id)
{
	return r->len_min + (id * 2654435761u >> 7) % r->len_spread;
}

static uint32_t
server_len(const struct conn_run *r, uint32_t id)
{
	return r->len_min + ((id + 12345u) * 2246822519u >> 9) %
		r->len_spread;
}

static uint8_t
tx_byte(const struct side *sd, uint32_t pos)
{
	if (!sd->client)
		return pattern(sd->id * 2 + 1, pos);
	if (pos < 4)
		return (uint8_t)(sd->id >> (8 * pos));
	return pattern(sd->id * 2, pos - 4);
}

static struct conn_run *
run_new(struct fabric *f, unsigned int n, uint32_t len_min,
		uint32_t len_spread)
{
	struct conn_run *r = calloc(1, sizeof(*r));
	unsigned int i;

	assert_non_null(r);
	r->cl = calloc(n, sizeof(*r->cl));
	r->sv = calloc(n, sizeof(*r->sv));
	r->sv_of_id = malloc(n * sizeof(*r->sv_of_id));
	assert_non_null(r->cl);
	assert_non_null(r->sv);
	assert_non_null(r->sv_of_id);
	for (i = 0; i < n; i++)
		r->sv_of_id[i] = -1;
	r->f = f;
	r->n = n;
	r->len_min = len_min;
	r->len_spread = len_spread;
	active_run = r;
	return r;
}

static void
run_free(struct conn_run *r)
{
	active_run = NULL;
	free(r->cl);
	free(r->sv);
	free(r->sv_of_id);
	free(r);
}

/* Callbacks run inside the poll of the worker that owns the connection. */
static void
check_worker(struct side *sd, struct ws_tcp_conn *c)
{
	if (polling == NULL || ws_tcp_worker(c) != polling ||
			worker_index(sd->run->f, polling) != sd->widx)
		sd->run->wrong_worker++;
}

static void
side_pump(struct side *sd)
{
	uint8_t buf[2048];
	uint32_t n, i;
	int r;

	while (sd->sent < sd->tx_len) {
		n = RTE_MIN((uint32_t)sizeof(buf), sd->tx_len - sd->sent);
		for (i = 0; i < n; i++)
			buf[i] = tx_byte(sd, sd->sent + i);
		r = ws_tcp_send(sd->c, buf, n);
		if (r < 0) {
			sd->run->send_err++;
			return;
		}
		if (r == 0)
			return;
		sd->sent += (uint32_t)r;
	}
	if (!sd->shut) {
		if (ws_tcp_shutdown(sd->c) != 0)
			sd->run->send_err++;
		sd->shut = true;
	}
}

/* The server read the client's id: from now on it knows both streams. */
static void
server_bind(struct side *sd)
{
	struct conn_run *r = sd->run;
	uint32_t id = (uint32_t)sd->idbuf[0] | (uint32_t)sd->idbuf[1] << 8 |
		(uint32_t)sd->idbuf[2] << 16 | (uint32_t)sd->idbuf[3] << 24;

	sd->bound = true;
	if (id >= r->started) {
		r->bad_id++;
		sd->bad = true;
		return;
	}
	if (r->sv_of_id[id] >= 0)
		r->dup_id++;
	r->sv_of_id[id] = (int32_t)(sd - r->sv);
	sd->id = id;
	sd->rx_len = 4 + client_len(r, id);
	sd->tx_len = server_len(r, id);
	/* Both ends hash the tuple alike: same worker index on each side. */
	if (sd->widx != r->cl[id].widx)
		r->wrong_owner++;
}

static uint32_t
conn_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct side *sd = ws_tcp_ctx(c);
	uint8_t tmp[2048];
	uint32_t done = 0, n, i, pos;
	const uint8_t *p;
	bool bound_now = false;

	if (active_run == NULL || sd == NULL)
		return len;
	check_worker(sd, c);
	while (done < len) {
		n = RTE_MIN((uint32_t)sizeof(tmp), len - done);
		p = rte_pktmbuf_read(m, off + done, n, tmp);
		if (p == NULL) {
			sd->bad = true;
			break;
		}
		for (i = 0; i < n; i++) {
			pos = sd->received + done + i;
			if (!sd->client && pos < 4) {
				sd->idbuf[pos] = p[i];
				if (pos == 3) {
					server_bind(sd);
					bound_now = true;
				}
				continue;
			}
			if (pos >= sd->rx_len || (sd->client ?
					p[i] != pattern(sd->id * 2 + 1, pos) :
					p[i] != pattern(sd->id * 2, pos - 4)))
				sd->bad = true;
		}
		done += n;
	}
	sd->received += len;
	if (bound_now && !sd->bad)
		side_pump(sd);
	return len;
}

static void
conn_writable(struct ws_tcp_conn *c)
{
	struct side *sd = ws_tcp_ctx(c);

	if (active_run == NULL || sd == NULL)
		return;
	check_worker(sd, c);
	if (sd->client || sd->bound)
		side_pump(sd);
}

static void
conn_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct side *sd = ws_tcp_ctx(c);

	if (active_run == NULL || sd == NULL)
		return;
	check_worker(sd, c);
	sd->closed = true;
	sd->why = why;
	sd->c = NULL;
	if (sd->client) {
		sd->run->open--;
		sd->run->open_on[sd->widx]--;
	}
}

static void
conn_connected(struct ws_tcp_conn *c)
{
	struct side *sd = ws_tcp_ctx(c);

	if (active_run == NULL || sd == NULL)
		return;
	check_worker(sd, c);
	sd->run->connected_on[sd->widx]++;
	side_pump(sd);
}

static int
conn_accepted(struct ws_tcp_conn *c, void *arg)
{
	struct conn_run *r = active_run;
	struct side *sd;

	(void)arg;
	if (r == NULL)
		return -1;
	if (r->n_accepted == r->n) {
		r->refused++;
		return -1;
	}
	sd = &r->sv[r->n_accepted++];
	sd->run = r;
	sd->c = c;
	sd->client = false;
	sd->widx = worker_index(r->f, ws_tcp_worker(c));
	r->accepted_on[sd->widx]++;
	ws_tcp_set_ctx(c, sd);
	check_worker(sd, c);
	return 0;
}

static const struct ws_tcp_ops conn_ops = {
	.accepted = conn_accepted,
	.connected = conn_connected,
	.data = conn_data,
	.writable = conn_writable,
	.closed = conn_closed,
};

/* Open the next connection of the run from A's worker q. */
static void
open_one(struct conn_run *r, unsigned int q)
{
	struct side *sd = &r->cl[r->started];
	struct ws_tcp_info info;

	assert_true(r->started < r->n);
	sd->run = r;
	sd->id = r->started;
	sd->client = true;
	sd->widx = q;
	sd->tx_len = 4 + client_len(r, sd->id);
	sd->rx_len = server_len(r, sd->id);
	sd->c = ws_tcp_connect(r->f->wa[q], addr_b(), TCP_PORT, &conn_ops,
		sd);
	if (sd->c == NULL)
		fail_msg("connect %u on A's worker %u: %s", sd->id, q,
			rte_strerror(rte_errno));
	/* The local port must be one whose replies come back to q. */
	ws_tcp_get_info(sd->c, &info);
	assert_int_equal(ws_steer_tcp_owner(ws_stack_steer(r->f->a), addr_b(),
		addr_a(), rte_cpu_to_be_16(TCP_PORT),
		rte_cpu_to_be_16(info.local_port)), q);
	r->started++;
	r->started_on[q]++;
	r->open++;
	r->open_on[q]++;
}

/* Open connections on A's workers in turn, at most 'cap' open on each. */
static void
open_some(struct conn_run *r, unsigned int cap)
{
	unsigned int q;

	while (r->started < r->n) {
		q = r->started % NQ;
		if (r->open_on[q] >= cap)
			return;
		open_one(r, q);
	}
}

static bool
side_ok(const struct side *sd)
{
	return sd->sent == sd->tx_len && sd->received == sd->rx_len &&
		!sd->bad && sd->closed && sd->why == WS_TCP_CLOSED_NORMAL;
}

static uint64_t
open_gauges(const struct ws_stats *s)
{
	return s->tcp.st_syn_sent + s->tcp.st_syn_received +
		s->tcp.st_established + s->tcp.st_close_wait +
		s->tcp.st_fin_wait_1 + s->tcp.st_closing + s->tcp.st_last_ack +
		s->tcp.st_fin_wait_2 + s->tcp.st_time_wait;
}

static void
dump_and_fail(struct fabric *f, const struct conn_run *r, const char *what)
{
	struct ws_stats st;
	char label[16];
	unsigned int i, q;

	if (r != NULL) {
		fprintf(stderr, "%s: %u started, %u open, %u accepted; wrong "
			"worker %u, wrong owner %u, bad id %u, dup id %u, "
			"send errors %u, refused %u\n", what, r->started,
			r->open, r->n_accepted, r->wrong_worker,
			r->wrong_owner, r->bad_id, r->dup_id, r->send_err,
			r->refused);
		for (i = 0; i < r->started; i++) {
			const struct side *cl = &r->cl[i];
			const struct side *sv = r->sv_of_id[i] >= 0 ?
				&r->sv[r->sv_of_id[i]] : NULL;

			if (side_ok(cl) && sv != NULL && side_ok(sv))
				continue;
			fprintf(stderr, "first bad: id %u on worker %u: client "
				"sent %u/%u received %u/%u bad %d closed %d "
				"why %d; server %s sent %u received %u bad %d "
				"closed %d why %d\n", i, cl->widx, cl->sent,
				cl->tx_len, cl->received, cl->rx_len, cl->bad,
				cl->closed, cl->why, sv ? "" : "(none)",
				sv ? sv->sent : 0, sv ? sv->received : 0,
				sv ? sv->bad : 0, sv ? sv->closed : 0,
				sv ? (int)sv->why : -1);
			break;
		}
	}
	for (q = 0; q < NQ; q++) {
		st = stats_of(f->a, (int)q);
		snprintf(label, sizeof(label), "A%u ", q);
		ws_stats_print(stderr, &st, label);
		st = stats_of(f->b, (int)q);
		snprintf(label, sizeof(label), "B%u ", q);
		ws_stats_print(stderr, &st, label);
	}
	fail_msg("%s", what);
}

struct tuple {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
};

static int
tuple_cmp(const void *x, const void *y)
{
	return memcmp(x, y, sizeof(struct tuple));
}

/*
 * A snapshot of s with its connections: each one is listed by the worker
 * its tuple hashes to, and no tuple by two workers. Returns the
 * connections seen.
 */
static unsigned int
check_ownership(struct ws_stack *s)
{
	const struct ws_steer *steer = ws_stack_steer(s);
	const struct ws_snapshot *sn;
	struct tuple *keys;
	unsigned int slot, n = 0, i;

	assert_int_equal(ws_stack_snapshot(s, WS_SNAP_WANT_CONNS, 0), 0);
	sn = ws_stack_snapshot_acquire(s, &slot);
	assert_true(sn->have_conns);
	assert_false(sn->conns_truncated);
	keys = calloc(sn->n_conns + 1, sizeof(*keys));
	assert_non_null(keys);
	for (i = 0; i < sn->n_conns; i++) {
		const struct ws_conn_entry *e = &sn->conns[i];

		if (e->state == WS_TCP_LISTEN)
			continue;
		if (e->worker != ws_steer_tcp_owner(steer, e->remote_addr,
				e->local_addr, rte_cpu_to_be_16(e->remote_port),
				rte_cpu_to_be_16(e->local_port)))
			fail_msg("port %u to %u on worker %u, owner %u",
				e->local_port, e->remote_port, e->worker,
				ws_steer_tcp_owner(steer, e->remote_addr,
					e->local_addr,
					rte_cpu_to_be_16(e->remote_port),
					rte_cpu_to_be_16(e->local_port)));
		keys[n].laddr = e->local_addr;
		keys[n].raddr = e->remote_addr;
		keys[n].lport = e->local_port;
		keys[n].rport = e->remote_port;
		n++;
	}
	ws_stack_snapshot_release(s, slot);
	qsort(keys, n, sizeof(*keys), tuple_cmp);
	for (i = 1; i < n; i++)
		if (tuple_cmp(&keys[i - 1], &keys[i]) == 0)
			fail_msg("port %u listed twice", keys[i].lport);
	free(keys);
	return n;
}

/*
 * Run every connection of r to the end, at most 'cap' open per A worker;
 * with 'snapshots', check ownership in snapshots as it goes. Returns the
 * connections the snapshots listed. Then wait out TIME_WAIT.
 */
static unsigned int
run_conns(struct fabric *f, struct conn_run *r, unsigned int cap,
		bool snapshots, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	unsigned int rounds = 0, listed = 0;
	struct ws_stats sa, sb;

	while (r->started < r->n || r->open > 0) {
		open_some(r, cap);
		poll_all(f);
		rounds++;
		if (snapshots && rounds % 512 == 0) {
			listed += check_ownership(f->a);
			listed += check_ownership(f->b);
		}
		if (rounds % 8192 == 0 && now_s() > deadline)
			dump_and_fail(f, r, "connections stalled");
	}
	for (;;) {
		poll_all(f);
		sa = stats_of(f->a, -1);
		sb = stats_of(f->b, -1);
		if (open_gauges(&sa) + open_gauges(&sb) == 0)
			break;
		if (++rounds % 8192 == 0 && now_s() > deadline)
			dump_and_fail(f, r, "connections never closed");
	}
	run_until_quiet(f);
	return listed;
}

/* Every connection byte-exact both ways, closed normally, on its owner. */
static void
check_run(struct fabric *f, struct conn_run *r)
{
	unsigned int i;

	if (r->wrong_worker != 0 || r->wrong_owner != 0 || r->bad_id != 0 ||
			r->dup_id != 0 || r->send_err != 0 || r->refused != 0)
		dump_and_fail(f, r, "a connection misbehaved");
	assert_int_equal(r->started, r->n);
	assert_int_equal(r->n_accepted, r->n);
	for (i = 0; i < r->n; i++) {
		if (!side_ok(&r->cl[i]) || r->sv_of_id[i] < 0 ||
				!side_ok(&r->sv[r->sv_of_id[i]]))
			dump_and_fail(f, r, "a connection did not finish");
	}
}

/* ------------------------------------------------------------------ */
/* 1. Straight: every packet lands on its owner.                        */

#define STRAIGHT_CONNS 10000
#define STRAIGHT_CAP 128

static void
test_straight_10000_connections_each_on_one_worker(void **state)
{
	struct fabric *f = *state;
	struct conn_run *r;
	struct ws_stats a[NQ], b[NQ], ta, tb;
	unsigned int q, listed, start_mbufs;
	uint64_t passive = 0;
	double t0;

	resolve_with_proto_253(f);
	start_mbufs = mbufs_in_use(f);
	assert_int_equal(ws_tcp_listen(f->b, TCP_PORT, &conn_ops, NULL), 0);
	r = run_new(f, STRAIGHT_CONNS, 1000, 5000);
	t0 = now_s();
	listed = run_conns(f, r, STRAIGHT_CAP, true, 120);
	fprintf(stderr, "straight: %u connections in %.2f s\n", r->n,
		now_s() - t0);
	check_run(f, r);
	/* The snapshots saw the connections they vouched for. */
	assert_true(listed > 0);

	ta = stats_of(f->a, -1);
	tb = stats_of(f->b, -1);
	for (q = 0; q < NQ; q++) {
		a[q] = stats_of(f->a, (int)q);
		b[q] = stats_of(f->b, (int)q);
		/* A opened in turn on both workers, each where it said. */
		assert_int_equal(r->started_on[q], STRAIGHT_CONNS / NQ);
		assert_int_equal(a[q].tcp.active_opens, r->started_on[q]);
		assert_int_equal(r->connected_on[q], r->started_on[q]);
		/* B accepted each on the worker its tuple hashes to. */
		assert_int_equal(b[q].tcp.passive_opens, r->accepted_on[q]);
		assert_int_equal(b[q].tcp.passive_opens, r->started_on[q]);
		passive += b[q].tcp.passive_opens;
	}
	assert_int_equal(passive, STRAIGHT_CONNS);
	assert_int_equal(tb.tcp.passive_opens, STRAIGHT_CONNS);
	/*
	 * Nothing crossed between workers: A's port choice and both hashes
	 * agree, so every segment arrived at its owner's queue.
	 */
	assert_int_equal(ta.steer.handoff_tx, 0);
	assert_int_equal(tb.steer.handoff_tx, 0);
	assert_int_equal(ta.steer.handoff_rx, 0);
	assert_int_equal(tb.steer.handoff_rx, 0);
	assert_int_equal(ta.steer.drop_handoff_full, 0);
	assert_int_equal(tb.steer.drop_handoff_full, 0);
	/*
	 * Every frame a worker received it processed itself: ARP, or IP
	 * that went on to TCP (or, once, ICMP) on the same worker.
	 */
	for (q = 0; q < NQ; q++) {
		assert_true(b[q].tcp.rx > 0);
		assert_true(a[q].tcp.rx > 0);
		assert_int_equal(b[q].loop.rx_pkts, b[q].arp.rx + b[q].ip.rx);
		assert_int_equal(b[q].ip.rx, b[q].tcp.rx + b[q].icmp.rx +
			b[q].ip.drop_proto);
		assert_int_equal(a[q].loop.rx_pkts, a[q].arp.rx + a[q].ip.rx);
		assert_int_equal(a[q].ip.rx, a[q].tcp.rx + a[q].icmp.rx +
			a[q].ip.drop_proto);
	}
	assert_int_equal(ta.tcp.conn_reset + tb.tcp.conn_reset, 0);
	/*
	 * Without a retransmission no segment can outlive its TCB: a reset
	 * would be a segment that met a worker without the connection. (A
	 * machine that stalls us past an RTO makes late duplicates, which
	 * rightly meet closed connections.)
	 */
	if (ta.tcp.rto_expired + tb.tcp.rto_expired == 0)
		assert_int_equal(ta.tcp.rst_tx + tb.tcp.rst_tx, 0);
	assert_int_equal(ta.tcp.drop_table_full + tb.tcp.drop_table_full, 0);
	assert_int_equal(mbufs_in_use(f), start_mbufs);
	run_free(r);
}

/* ------------------------------------------------------------------ */
/* 2. Crossed: every packet lands on the other worker.                  */

#define CROSSED_CONNS 2000
#define CROSSED_CAP 64

static void
test_crossed_2000_connections_all_handed_over(void **state)
{
	struct fabric *f = *state;
	struct conn_run *r;
	struct ws_stats a[NQ], b[NQ], ta, tb;
	unsigned int q, start_mbufs;
	double t0;

	resolve_with_proto_253(f);
	ta = stats_of(f->a, -1);
	tb = stats_of(f->b, -1);
	/* ARP and ICMP belong to no worker: nothing moved yet. */
	assert_int_equal(ta.steer.handoff_tx + tb.steer.handoff_tx, 0);
	assert_int_equal(ta.steer.handoff_rx + tb.steer.handoff_rx, 0);
	start_mbufs = mbufs_in_use(f);
	assert_int_equal(ws_tcp_listen(f->b, TCP_PORT, &conn_ops, NULL), 0);
	r = run_new(f, CROSSED_CONNS, 1000, 5000);
	t0 = now_s();
	run_conns(f, r, CROSSED_CAP, true, 120);
	fprintf(stderr, "crossed: %u connections in %.2f s\n", r->n,
		now_s() - t0);
	check_run(f, r);

	ta = stats_of(f->a, -1);
	tb = stats_of(f->b, -1);
	for (q = 0; q < NQ; q++) {
		a[q] = stats_of(f->a, (int)q);
		b[q] = stats_of(f->b, (int)q);
		assert_int_equal(a[q].tcp.active_opens, CROSSED_CONNS / NQ);
		assert_int_equal(b[q].tcp.passive_opens, r->accepted_on[q]);
		assert_int_equal(b[q].tcp.passive_opens, CROSSED_CONNS / NQ);
	}
	/*
	 * Every TCP segment either stack received arrived on the wrong
	 * worker, was handed over once, and was processed by its owner.
	 */
	assert_int_equal(tb.steer.drop_handoff_full, 0);
	assert_int_equal(ta.steer.drop_handoff_full, 0);
	assert_true(tb.tcp.rx > 0);
	assert_int_equal(tb.steer.handoff_tx, tb.tcp.rx);
	assert_int_equal(tb.steer.handoff_rx, tb.tcp.rx);
	assert_int_equal(ta.steer.handoff_tx, ta.tcp.rx);
	assert_int_equal(ta.steer.handoff_rx, ta.tcp.rx);
	for (q = 0; q < NQ; q++) {
		/* What worker q gave away, the other took, and processed. */
		assert_int_equal(b[q].steer.handoff_tx,
			b[NQ - 1 - q].steer.handoff_rx);
		assert_int_equal(b[q].steer.handoff_rx, b[q].tcp.rx);
		assert_int_equal(a[q].steer.handoff_tx,
			a[NQ - 1 - q].steer.handoff_rx);
		assert_int_equal(a[q].steer.handoff_rx, a[q].tcp.rx);
	}
	assert_int_equal(ta.tcp.conn_reset + tb.tcp.conn_reset, 0);
	if (ta.tcp.rto_expired + tb.tcp.rto_expired == 0)
		assert_int_equal(ta.tcp.rst_tx + tb.tcp.rst_tx, 0);
	/* Every mbuf of all eight pools came back. */
	assert_int_equal(mbufs_in_use(f), start_mbufs);
	run_free(r);
}

/* ------------------------------------------------------------------ */
/* 3. ARP learned by one worker is news to the others.                  */

static void
assert_knows(struct ws_worker *w, uint32_t addr,
		const struct rte_ether_addr *mac)
{
	struct rte_ether_addr got;

	assert_int_equal(ws_arp_lookup(w, addr, &got), 0);
	assert_true(rte_is_same_ether_addr(&got, mac));
}

static void
test_arp_news_completes_another_workers_connect(void **state)
{
	struct fabric *f = *state;
	struct ws_stats a0, a1, b0, b1, ta;
	struct rte_ether_addr mac;
	struct conn_run *r;
	unsigned int q, rounds = 0, start_mbufs;
	double t0;
	bool quick;

	run_until_quiet(f);
	for (q = 0; q < NQ; q++) {
		assert_int_equal(ws_arp_lookup(f->wa[q], addr_b(), &mac),
			-ENOENT);
		assert_int_equal(ws_arp_lookup(f->wb[q], addr_a(), &mac),
			-ENOENT);
	}
	start_mbufs = mbufs_in_use(f);
	assert_int_equal(ws_tcp_listen(f->b, TCP_PORT, &conn_ops, NULL), 0);
	r = run_new(f, 2, 3000, 1);

	/*
	 * A's worker 1 connects: its SYN waits on ARP, its request reaches
	 * B's worker 1, whose reply comes back to A's worker 0.
	 */
	t0 = now_s();
	open_one(r, 1);
	while (r->connected_on[1] == 0) {
		poll_all(f);
		if (++rounds % 1024 == 0 && now_s() - t0 > 10)
			dump_and_fail(f, r, "worker 1's connection never "
				"completed");
	}
	quick = now_s() - t0 < 0.9;
	a0 = stats_of(f->a, 0);
	a1 = stats_of(f->a, 1);
	/* Worker 1 asked; worker 0 heard the answer, learned, told. */
	assert_count(a1.arp.requests_tx, 1, quick);
	assert_int_equal(a0.arp.requests_tx, 0);
	assert_count(a0.arp.replies_rx, 1, quick);
	assert_int_equal(a1.arp.replies_rx, 0);
	assert_int_equal(a0.arp.learned, 1);
	assert_count(a0.steer.neigh_tx, 1, quick);
	assert_count(a1.steer.neigh_rx, 1, quick);
	/* The news resolved worker 1's waiting entry and sent its SYN. */
	assert_count(a1.arp.updated, 1, quick);
	assert_count(a1.arp.queued, 1, quick);
	assert_count(a1.arp.queue_flushed, 1, quick);
	if (quick) {
		assert_int_equal(a1.arp.drop_queue_timeout, 0);
		assert_int_equal(a1.tcp.syn_retransmits, 0);
	}
	assert_knows(f->wa[0], addr_b(), &mac_b);
	assert_knows(f->wa[1], addr_b(), &mac_b);
	/* B's worker 1 learned A from the request and told worker 0. */
	b0 = stats_of(f->b, 0);
	b1 = stats_of(f->b, 1);
	assert_count(b1.arp.requests_rx, 1, quick);
	assert_count(b1.arp.replies_tx, 1, quick);
	assert_int_equal(b1.arp.learned, 1);
	assert_count(b1.steer.neigh_tx, 1, quick);
	assert_count(b0.steer.neigh_rx, 1, quick);
	assert_int_equal(b0.arp.learned, 1);
	assert_int_equal(b0.arp.requests_rx, 0);
	assert_knows(f->wb[0], addr_a(), &mac_a);
	assert_knows(f->wb[1], addr_a(), &mac_a);
	/* B's answers came back to A's worker 0 and were handed to 1. */
	assert_true(a0.steer.handoff_tx > 0);
	assert_int_equal(a0.steer.handoff_tx, a1.steer.handoff_rx);

	/* Worker 0 needs no question of its own. */
	open_one(r, 0);
	run_conns(f, r, 1, false, 30);
	check_run(f, r);
	ta = stats_of(f->a, -1);
	assert_count(ta.arp.requests_tx, 1, quick);
	assert_int_equal(r->connected_on[0], 1);
	assert_int_equal(r->accepted_on[0], 1);
	assert_int_equal(r->accepted_on[1], 1);
	assert_int_equal(ta.steer.drop_neigh_full, 0);
	assert_int_equal(mbufs_in_use(f), start_mbufs);
	run_free(r);
}

/* ------------------------------------------------------------------ */
/* 4. A UDP port bound on one worker gets every datagram to it.         */

#define UDP_SMALL 200
#define UDP_BIG_LEN 4000u
#define UDP_SEQ_BIG 0xfffffu

struct dgram_log {
	struct ws_worker *owner;	/* the socket's worker */
	bool echo;			/* send each datagram back */
	unsigned int n, n_big, wrong_worker, bad, out_of_order;
	uint32_t next_seq;
};

static uint32_t
dgram_len(uint32_t seq)
{
	return seq == UDP_SEQ_BIG ? UDP_BIG_LEN : 8 + seq % 300;
}

static void
dgram_fill(uint8_t *buf, uint32_t seq)
{
	uint32_t i, len = dgram_len(seq);

	memcpy(buf, &seq, sizeof(seq));
	for (i = sizeof(seq); i < len; i++)
		buf[i] = pattern(0x7000 + seq, i);
}

static void
dgram_rx(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t src_addr,
		uint16_t src_port)
{
	struct dgram_log *lg = ws_udp_arg(s);
	uint8_t buf[UDP_BIG_LEN], want[UDP_BIG_LEN];
	uint32_t seq, len = rte_pktmbuf_pkt_len(m);
	const uint8_t *p;

	if (lg == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	if (ws_udp_worker(s) != polling || polling != lg->owner)
		lg->wrong_worker++;
	lg->n++;
	p = len >= 4 && len <= sizeof(buf) ?
		rte_pktmbuf_read(m, 0, len, buf) : NULL;
	if (p == NULL) {
		lg->bad++;
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(&seq, p, sizeof(seq));
	if (seq == UDP_SEQ_BIG) {
		lg->n_big++;
	} else {
		if (seq != lg->next_seq)
			lg->out_of_order++;
		lg->next_seq = seq + 1;
	}
	dgram_fill(want, seq);
	if (len != dgram_len(seq) || memcmp(p, want, len) != 0)
		lg->bad++;
	if (lg->echo && ws_udp_send(s, src_addr, src_port, p, len) != 0)
		lg->bad++;
	rte_pktmbuf_free(m);
}

static const struct ws_udp_ops dgram_ops = { .datagram = dgram_rx };

static void
send_dgram(struct ws_udp_sock *s, uint32_t seq)
{
	uint8_t buf[UDP_BIG_LEN];

	dgram_fill(buf, seq);
	assert_int_equal(ws_udp_send(s, addr_b(), UDP_B_PORT, buf,
		dgram_len(seq)), 0);
}

static void
test_udp_port_owned_by_one_worker(void **state)
{
	struct fabric *f = *state;
	struct dgram_log at_b = { 0 }, at_a = { 0 };
	struct ws_udp_sock *sb, *sa, *other;
	struct ws_stats a0, a1, b0, b1;
	unsigned int i, start_mbufs;

	resolve_with_proto_253(f);
	start_mbufs = mbufs_in_use(f);
	at_b.owner = f->wb[1];
	at_a.owner = f->wa[0];
	sb = ws_udp_bind(f->wb[1], UDP_B_PORT, &dgram_ops, &at_b);
	assert_non_null(sb);
	at_b.echo = true;
	/* The port is worker 1's: no other worker may take it. */
	assert_null(ws_udp_bind(f->wb[0], UDP_B_PORT, &dgram_ops, &at_b));
	assert_int_equal(rte_errno, EADDRINUSE);
	assert_int_equal(ws_udp_bind_all(f->b, UDP_B_PORT, &dgram_ops,
		&at_b), -EADDRINUSE);
	/* A's socket on worker 0: straight, its datagrams reach B's 0. */
	sa = ws_udp_bind(f->wa[0], UDP_A_PORT, &dgram_ops, &at_a);
	assert_non_null(sa);

	for (i = 0; i < UDP_SMALL; i++) {
		send_dgram(sa, i);
		if (i % 16 == 15)
			poll_all(f);
	}
	run_until_quiet(f);
	/* Larger than the MTU: A's IP sends it in three fragments. */
	send_dgram(sa, UDP_SEQ_BIG);
	run_until_quiet(f);

	assert_int_equal(at_b.n, UDP_SMALL + 1);
	assert_int_equal(at_b.n_big, 1);
	assert_int_equal(at_b.wrong_worker, 0);
	assert_int_equal(at_b.bad, 0);
	assert_int_equal(at_b.out_of_order, 0);
	/* The echoes went the same way back, to A's worker 0. */
	assert_int_equal(at_a.n, UDP_SMALL + 1);
	assert_int_equal(at_a.n_big, 1);
	assert_int_equal(at_a.wrong_worker, 0);
	assert_int_equal(at_a.bad, 0);
	assert_int_equal(at_a.out_of_order, 0);

	a0 = stats_of(f->a, 0);
	a1 = stats_of(f->a, 1);
	b0 = stats_of(f->b, 0);
	b1 = stats_of(f->b, 1);
	/*
	 * B's worker 0 received every datagram, reassembled the big one,
	 * and handed each over without letting UDP see it.
	 */
	assert_int_equal(b0.ip.frag_rx, 3);
	assert_int_equal(b0.ip.reasm_ok, 1);
	assert_int_equal(b1.ip.frag_rx, 0);
	assert_int_equal(b0.udp.rx, 0);
	assert_int_equal(b0.steer.handoff_tx, UDP_SMALL + 1);
	assert_int_equal(b1.steer.handoff_rx, UDP_SMALL + 1);
	assert_int_equal(b1.steer.handoff_tx, 0);
	assert_int_equal(b1.udp.delivered, UDP_SMALL + 1);
	assert_int_equal(b1.udp.tx, UDP_SMALL + 1);
	assert_int_equal(b1.ip.frag_tx, 3);
	/* The echoes came in on A's worker 1 and went to worker 0. */
	assert_int_equal(a1.ip.frag_rx, 3);
	assert_int_equal(a1.ip.reasm_ok, 1);
	assert_int_equal(a1.udp.rx, 0);
	assert_int_equal(a1.steer.handoff_tx, UDP_SMALL + 1);
	assert_int_equal(a0.steer.handoff_rx, UDP_SMALL + 1);
	assert_int_equal(a0.udp.delivered, UDP_SMALL + 1);
	assert_int_equal(b0.steer.drop_handoff_full +
		a1.steer.drop_handoff_full, 0);

	/* Closed, the port is free for the other worker. */
	ws_udp_close(sb);
	other = ws_udp_bind(f->wb[0], UDP_B_PORT, &dgram_ops, &at_b);
	assert_non_null(other);
	ws_udp_close(other);
	ws_udp_close(sa);
	run_until_quiet(f);
	assert_int_equal(mbufs_in_use(f), start_mbufs);
}

/* ------------------------------------------------------------------ */
/* 5. A full hand-off ring drops, counts, and leaks nothing.            */

#define OVERFLOW_RING 64u		/* workers.handoff_ring in B */
#define OVERFLOW_DGRAMS 100u
#define OVERFLOW_SYNS 100u

/* Poll B's worker 0 alone until its receive ring is empty. */
static void
drain_b0_alone(struct fabric *f)
{
	unsigned int rounds = 0;

	while (rte_ring_count(b_rx_ring(f, 0)) > 0) {
		poll_one(f->wb[0]);
		assert_true(++rounds < 1000);
	}
	/* Once more: what was staged for worker 1 is flushed by now. */
	poll_one(f->wb[0]);
}

static void
test_handoff_ring_overflow_counted_and_recovered(void **state)
{
	struct fabric *f = *state;
	const struct ws_steer *steer = ws_stack_steer(f->b);
	struct dgram_log at_b = { 0 };
	struct ws_udp_sock *sb, *sa;
	struct ws_stats b0, b1;
	struct conn_run *r;
	unsigned int i, start_mbufs, taken, dropped, tries;
	uint64_t ho_before;
	double t0;
	bool quick;

	/* The announcements still in the rings hold mbufs. */
	run_until_quiet(f);
	start_mbufs = mbufs_in_use(f);
	at_b.owner = f->wb[1];
	sb = ws_udp_bind(f->wb[1], UDP_B_PORT, &dgram_ops, &at_b);
	/* Crossed: A's worker 1 sends into B's queue 0. */
	sa = ws_udp_bind(f->wa[1], UDP_A_PORT, &dgram_ops, NULL);
	assert_non_null(sb);
	assert_non_null(sa);
	/*
	 * One datagram first, so that ARP is settled on both sides (again
	 * if a stalled machine timed it out of ARP's queue).
	 */
	for (tries = 0; tries < 5 && at_b.n == 0; tries++) {
		send_dgram(sa, 0);
		run_until_quiet(f);
	}
	assert_int_equal(at_b.n, 1);
	ho_before = stats_of(f->b, 0).steer.handoff_tx;
	assert_int_equal(ho_before, 1);

	/* A burst into B's queue 0, all of it for worker 1. */
	for (i = 1; i <= OVERFLOW_DGRAMS; i++)
		send_dgram(sa, i);
	ws_tx_flush(f->wa[1]);
	assert_int_equal(rte_ring_count(b_rx_ring(f, 0)), OVERFLOW_DGRAMS);
	drain_b0_alone(f);
	b0 = stats_of(f->b, 0);
	taken = (unsigned int)(b0.steer.handoff_tx - ho_before);
	dropped = (unsigned int)b0.steer.drop_handoff_full;
	/* Each one either went into the ring or was dropped and counted. */
	assert_int_equal(taken + dropped, OVERFLOW_DGRAMS);
	assert_int_equal(rte_ring_count(steer->handoff[1]), taken);
	assert_true(dropped > 0);
	/* Worker 1 gets what the ring held: the burst's head, in order. */
	run_until_quiet(f);
	b1 = stats_of(f->b, 1);
	assert_int_equal(at_b.n, 1 + taken);
	assert_int_equal(at_b.next_seq, 1 + taken);
	assert_int_equal(at_b.out_of_order, 0);
	assert_int_equal(at_b.bad, 0);
	assert_int_equal(at_b.wrong_worker, 0);
	assert_int_equal(b1.steer.handoff_rx, 1 + taken);
	assert_int_equal(b1.udp.delivered, 1 + taken);
	ws_udp_close(sb);
	ws_udp_close(sa);

	/*
	 * SYNs now: A's worker 1 opens a burst of connections whose SYNs
	 * all land on B's worker 0; what the ring refuses A sends again
	 * after its RTO, and every connection completes.
	 */
	assert_int_equal(ws_tcp_listen(f->b, TCP_PORT, &conn_ops, NULL), 0);
	r = run_new(f, OVERFLOW_SYNS, 2000, 2000);
	t0 = now_s();
	for (i = 0; i < OVERFLOW_SYNS; i++)
		open_one(r, 1);
	ws_tx_flush(f->wa[1]);
	assert_int_equal(rte_ring_count(b_rx_ring(f, 0)), OVERFLOW_SYNS);
	drain_b0_alone(f);
	b0 = stats_of(f->b, 0);
	assert_int_equal(b0.steer.drop_handoff_full - dropped,
		OVERFLOW_SYNS - taken);
	assert_int_equal(rte_ring_count(steer->handoff[1]), taken);
	/*
	 * From here worker 0 hands over at most a burst per poll and
	 * worker 1 takes as much per poll, so the ring never overflows
	 * again, unless A's RTO fired before worker 1's first poll: its
	 * SYNs would meet the full ring.
	 */
	poll_all(f);
	quick = now_s() - t0 < 0.9;
	run_conns(f, r, OVERFLOW_SYNS, false, 30);
	check_run(f, r);
	b0 = stats_of(f->b, 0);
	b1 = stats_of(f->b, 1);
	assert_count(b0.steer.drop_handoff_full, dropped + OVERFLOW_SYNS -
		taken, quick);
	assert_int_equal(b1.steer.drop_handoff_full, 0);
	assert_int_equal(b1.tcp.passive_opens, OVERFLOW_SYNS);
	assert_true(stats_of(f->a, 1).tcp.syn_retransmits >=
		OVERFLOW_SYNS - taken);
	assert_int_equal(mbufs_in_use(f), start_mbufs);
	run_free(r);

	/*
	 * workers.handoff_ring is "packets waiting per worker": a ring of
	 * 64 holds 64. Last, so that everything above is checked anyway.
	 */
	assert_int_equal(taken, OVERFLOW_RING);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(
		test_straight_10000_connections_each_on_one_worker,
		setup_straight, fabric_teardown),
	cmocka_unit_test_setup_teardown(
		test_crossed_2000_connections_all_handed_over,
		setup_crossed, fabric_teardown),
	cmocka_unit_test_setup_teardown(
		test_arp_news_completes_another_workers_connect,
		setup_arp, fabric_teardown),
	cmocka_unit_test_setup_teardown(test_udp_port_owned_by_one_worker,
		setup_straight, fabric_teardown),
	cmocka_unit_test_setup_teardown(
		test_handoff_ring_overflow_counted_and_recovered,
		setup_overflow, fabric_teardown),
};

WS_TEST_MAIN(tests)
