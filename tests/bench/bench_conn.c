/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * What one connection can carry, and what an idle one costs. Two stacks
 * in one process over net_ring ports (as tests/unit/test_ring.c builds
 * them), driven by hand in one thread: A connects to B.
 *
 * bulk  One connection A->B sends a fixed number of bytes as fast as the
 *       stacks go; B consumes everything it is offered and compares every
 *       byte with the pattern sent (a pseudo-random sequence whose period,
 *       65521, a prime, matches no segment size, so a lost, repeated or
 *       reordered segment shows). Both stacks share one core here, so
 *       besides the wall-clock rate each side's busy time is kept: the
 *       TSC time inside those of its polls that received something (the
 *       worker loop's own busy/idle rule). bytes * 8 / busy seconds is
 *       what one core doing only that side would move. B's figure leaves
 *       out the time of the pattern check, which is the benchmark's own
 *       work, not the stack's. Medians over the runs.
 *
 * mem   N connections A->B opened in batches, then left ESTABLISHED and
 *       idle. Each N runs in a child process of its own (forked before
 *       the EAL starts), so that no earlier test's freed heap hides what
 *       this one touches. Three views: the process's VmRSS, the DPDK heap
 *       in use (rte_malloc_get_socket_stats), and the resident pages of
 *       each side's TCB array (mincore): the stack takes its TCBs from
 *       an array of tcp.max_connections made at stack creation, so the
 *       heap grows then, not per connection, while RSS grows as the pages
 *       are first written. One address pair has only 16,384 ephemeral
 *       ports, so A connects from PORT_BLOCK ports of each of its
 *       addresses in turn (ip.addr_count), as a client fleet would.
 *
 * Usage: bench_conn [bulk|mem] [--bytes N] [--runs R] [--conns N,...]
 *                   [--json FILE]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "bench_util.h"
#include "woshou.h"
#include "ws_tcp_api.h"
#include "ws_tcp_priv.h"
#include "ws_worker.h"

#define FABRIC_RING 4096u
#define MAX_RUNS 15
#define BASE_PORT 8080
#define PERIOD 65521u		/* the pattern's period: a prime */
#define CHUNK 65536u		/* largest single ws_tcp_send */
#define MEM_IN_FLIGHT 256	/* handshakes under way at once */
/*
 * A's connections to B's one listening port: each of A's source addresses
 * (ip.addr_count) takes a block of them a little under its
 * WS_TCP_EPHEMERAL_N ports, so that the stack's port search seldom has to
 * skip a taken port.
 */
#define PORT_BLOCK 16000u
#define MAX_MEM_CONNS 1000000u
#define MAX_MEM_CASES 4

static uint8_t pat[PERIOD + CHUNK];

struct fabric {
	struct rte_ring *ab, *ba;
	struct ws_stack *a, *b;
	struct ws_worker *wa, *wb;
	uint64_t a_busy, b_busy;	/* TSC in polls that got packets */
};

static struct ws_stack *
make_stack(const char *port_name, const char *addr, const char *mac,
		struct rte_ring *rx, struct rte_ring *tx,
		const char *const *more, unsigned int n_more)
{
	char addr_set[64], mac_set[64];
	const char *sets[16] = {
		addr_set, mac_set, "workers.lcores=1",
		"tcp.msl_ms=100", "control.telemetry=no",
	};
	unsigned int n_sets = 5, i;
	struct ws_stack *s;

	for (i = 0; i < n_more && n_sets < RTE_DIM(sets); i++)
		sets[n_sets++] = more[i];
	snprintf(addr_set, sizeof(addr_set), "ip.addr=%s", addr);
	snprintf(mac_set, sizeof(mac_set), "port.mac=%s", mac);
	s = bench_ring_stack(port_name, &rx, &tx, 1, sets, n_sets, NULL);
	if (s == NULL)
		return NULL;
	if (ws_stack_start_manual(s) != 0)
		bench_die("cannot start a stack");
	return s;
}

/* Heap in use and VmRSS, for the memory figures. */
struct mem_point {
	uint64_t heap;			/* DPDK heap bytes allocated */
	uint64_t rss;			/* VmRSS, bytes */
	uint64_t tcb_res_a, tcb_res_b;	/* resident bytes of the TCB arrays */
	uint64_t pools_a, pools_b;	/* bytes of each side's mbuf pools */
};

static uint64_t
rss_bytes(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long kb = 0;

	if (fp == NULL)
		bench_die("cannot read /proc/self/status");
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
			break;
	fclose(fp);
	return (uint64_t)kb * 1024;
}

static uint64_t
heap_bytes(void)
{
	struct rte_malloc_socket_stats st;
	uint64_t sum = 0;
	unsigned int i;

	/* --no-huge puts everything on socket 0; sum them all anyway. */
	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
				&st) == 0)
			sum += st.heap_allocsz_bytes;
	return sum;
}

/* Resident bytes of one side's TCB array, page by page. */
static uint64_t
tcb_resident(struct ws_worker *w)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;
	unsigned char *vec;
	uint64_t n, i, res = 0;

	if (w == NULL || w->tcp == NULL || pg <= 0)
		return 0;
	lo = (uintptr_t)w->tcp->tcbs & ~((uintptr_t)pg - 1);
	hi = (uintptr_t)(w->tcp->tcbs + w->tcp->n_tcbs);
	n = (hi - lo + (uintptr_t)pg - 1) / (uintptr_t)pg;
	vec = malloc(n);
	if (vec == NULL)
		bench_die("out of memory");
	if (mincore((void *)lo, n * (uintptr_t)pg, vec) != 0) {
		free(vec);
		return 0;
	}
	for (i = 0; i < n; i++)
		res += vec[i] & 1;
	free(vec);
	return res * (uint64_t)pg;
}

static void
chunk_len(struct rte_mempool *mp, void *arg, struct rte_mempool_memhdr *mh,
		unsigned int idx)
{
	(void)mp;
	(void)idx;
	*(uint64_t *)arg += mh->len;
}

/*
 * The mbuf pools are a fixed cost of a stack, whatever max_connections:
 * counted apart so that the rest of the heap growth can be put on the
 * connections.
 */
static uint64_t
pool_bytes(struct ws_worker *w)
{
	uint64_t sum = 0;

	if (w == NULL)
		return 0;
	rte_mempool_mem_iter(w->pool, chunk_len, &sum);
	if (w->indirect_pool != NULL)
		rte_mempool_mem_iter(w->indirect_pool, chunk_len, &sum);
	return sum;
}

static void
mem_point(struct mem_point *p, struct fabric *f)
{
	p->heap = heap_bytes();
	p->rss = rss_bytes();
	p->tcb_res_a = f != NULL ? tcb_resident(f->wa) : 0;
	p->tcb_res_b = f != NULL ? tcb_resident(f->wb) : 0;
	p->pools_a = f != NULL ? pool_bytes(f->wa) : 0;
	p->pools_b = f != NULL ? pool_bytes(f->wb) : 0;
}

/*
 * A's stack, B's stack; 'more' settings for both. mem points after each
 * creation when asked. False when a stack cannot be made (an MTU the
 * port refuses, say).
 */
static bool
fabric_create(struct fabric *f, const char *const *more, unsigned int n_more,
		struct mem_point *after_a, struct mem_point *after_b)
{
	static unsigned int seq;
	char name[32], pa[32], pb[32];

	memset(f, 0, sizeof(*f));
	snprintf(name, sizeof(name), "bc_ab_%u", seq);
	f->ab = bench_ring(name, FABRIC_RING);
	snprintf(name, sizeof(name), "bc_ba_%u", seq);
	f->ba = bench_ring(name, FABRIC_RING);
	snprintf(pa, sizeof(pa), "bc_a%u", seq);
	snprintf(pb, sizeof(pb), "bc_b%u", seq++);
	/* /16 and 198.18.1.x: room for A's addr_count past B's addresses. */
	f->a = make_stack(pa, "198.18.1.1/16", "02:00:00:00:0a:01", f->ba,
		f->ab, more, n_more);
	if (f->a != NULL) {
		f->wa = ws_stack_worker(f->a, 0);
		if (after_a != NULL)
			mem_point(after_a, f);
		f->b = make_stack(pb, "198.18.0.2/16", "02:00:00:00:0b:02",
			f->ab, f->ba, more, n_more);
	}
	if (f->b == NULL) {
		ws_stack_destroy(f->a);
		rte_ring_free(f->ab);
		rte_ring_free(f->ba);
		return false;
	}
	f->wb = ws_stack_worker(f->b, 0);
	if (after_b != NULL)
		mem_point(after_b, f);
	return true;
}

static void
fabric_destroy(struct fabric *f)
{
	ws_stack_destroy(f->a);
	ws_stack_destroy(f->b);
	rte_ring_free(f->ab);
	rte_ring_free(f->ba);
}

/* A's poll, then B's, each timed when it received something. */
static unsigned int
poll_round(struct fabric *f)
{
	unsigned int na, nb;
	uint64_t t0, t1, t2;

	t0 = rte_rdtsc();
	na = ws_worker_poll(f->wa);
	t1 = rte_rdtsc();
	nb = ws_worker_poll(f->wb);
	t2 = rte_rdtsc();
	if (na > 0)
		f->a_busy += t1 - t0;
	if (nb > 0)
		f->b_busy += t2 - t1;
	return na + nb;
}

static void
run_until_quiet(struct fabric *f)
{
	unsigned int quiet = 0;

	while (quiet < 8)
		quiet = poll_round(f) == 0 ? quiet + 1 : 0;
}

/* ---------------------------------------------------------------- bulk */

struct flow {
	struct ws_tcp_conn *a, *b;
	uint64_t target, sent, rcvd;
	uint64_t check_cycles;		/* B's time in the pattern check */
	bool shut, bad, a_closed, b_closed, failed;
	int a_why, b_why;
};

static struct flow *flow;

static void
snd_pump(struct ws_tcp_conn *c)
{
	uint64_t left;
	uint32_t n;
	int r;

	while (flow->sent < flow->target) {
		left = flow->target - flow->sent;
		n = left < CHUNK ? (uint32_t)left : CHUNK;
		r = ws_tcp_send(c, pat + flow->sent % PERIOD, n);
		if (r < 0)
			flow->failed = true;
		if (r <= 0)
			return;		/* 'writable' follows */
		flow->sent += (uint32_t)r;
	}
	if (!flow->shut) {
		if (ws_tcp_shutdown(c) != 0)
			flow->failed = true;
		flow->shut = true;
	}
}

static void
snd_connected(struct ws_tcp_conn *c)
{
	flow->a = c;
	snd_pump(c);
}

static void
snd_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	flow->a_closed = true;
	flow->a_why = why;
}

static const struct ws_tcp_ops snd_ops = {
	.connected = snd_connected,
	.writable = snd_pump,
	.closed = snd_closed,
};

static int
rcv_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)arg;
	flow->b = c;
	return 0;
}

/* Every byte against the pattern, segment by segment, without copies. */
static uint32_t
rcv_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	uint64_t t0 = rte_rdtsc();
	uint32_t left = len, n;
	const uint8_t *p;

	(void)c;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (left > 0 && m != NULL) {
		n = RTE_MIN((uint32_t)m->data_len - off, left);
		/* A segment is far shorter than CHUNK: pat has it whole. */
		p = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
		if (n > CHUNK || memcmp(p, pat + flow->rcvd % PERIOD, n) != 0)
			flow->bad = true;
		flow->rcvd += n;
		left -= n;
		off = 0;
		m = m->next;
	}
	if (left != 0)
		flow->bad = true;	/* the chain was shorter than len */
	flow->check_cycles += rte_rdtsc() - t0;
	return len;
}

static void
rcv_peer_closed(struct ws_tcp_conn *c)
{
	ws_tcp_close(c);
}

static void
rcv_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	flow->b_closed = true;
	flow->b_why = why;
}

static const struct ws_tcp_ops rcv_ops = {
	.accepted = rcv_accepted,
	.data = rcv_data,
	.peer_closed = rcv_peer_closed,
	.closed = rcv_closed,
};

struct bulk_cfg {
	const char *name;
	uint32_t buf;			/* sndbuf = rcvbuf; 0 = the default */
	uint16_t mtu;
	bool skipped;			/* the stack refused this set-up */
	double gbps[MAX_RUNS], a_gbps[MAX_RUNS], b_gbps[MAX_RUNS];
	double a_cpb[MAX_RUNS], b_cpb[MAX_RUNS], b_cps[MAX_RUNS];
	double a_cps[MAX_RUNS], segs[MAX_RUNS], rtx[MAX_RUNS];
	double chk_cpb[MAX_RUNS];
	double m_gbps, m_a_gbps, m_b_gbps, m_a_cpb, m_b_cpb, m_b_cps;
	double m_a_cps, m_segs, m_rtx, m_chk_cpb;
	uint32_t mss;
	bool wscale;
	struct fabric f;
};

static void
bulk_once(struct bulk_cfg *bc, uint64_t bytes, unsigned int k)
{
	uint32_t dst = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
	struct fabric *f = &bc->f;
	struct ws_stats a0, a1, b0, b1;
	struct ws_tcp_info info;
	struct flow fl;
	uint64_t t0, t1 = 0, abusy, bbusy;
	double hz = (double)rte_get_tsc_hz(), deadline;
	unsigned int rounds = 0;

	memset(&fl, 0, sizeof(fl));
	fl.target = bytes;
	flow = &fl;
	ws_stack_stats(f->a, -1, &a0);
	ws_stack_stats(f->b, -1, &b0);
	f->a_busy = 0;
	f->b_busy = 0;
	deadline = bench_now_s() + 60;
	t0 = rte_rdtsc();
	if (ws_tcp_connect(f->wa, dst, BASE_PORT, &snd_ops, NULL) == NULL)
		bench_die(rte_strerror(rte_errno));
	while (fl.rcvd < bytes && !fl.b_closed && !fl.a_closed) {
		poll_round(f);
		if (++rounds % 4096 == 0 && bench_now_s() > deadline)
			bench_die("the transfer stalled");
	}
	t1 = rte_rdtsc();
	abusy = f->a_busy;
	bbusy = f->b_busy;
	if (fl.a != NULL) {
		ws_tcp_get_info(fl.a, &info);
		bc->mss = info.snd_mss;
		bc->wscale = info.window_scaling;
	}
	/* The FINs, outside the measured span. */
	while (!fl.a_closed || !fl.b_closed) {
		poll_round(f);
		if (++rounds % 4096 == 0 && bench_now_s() > deadline)
			bench_die("the close stalled");
	}
	run_until_quiet(f);
	ws_stack_stats(f->a, -1, &a1);
	ws_stack_stats(f->b, -1, &b1);
	if (fl.failed || fl.bad || fl.rcvd != bytes || fl.sent != bytes ||
			fl.a_why != WS_TCP_CLOSED_NORMAL ||
			fl.b_why != WS_TCP_CLOSED_NORMAL) {
		fprintf(stderr, "bench_conn: %s run %u: sent %" PRIu64
			" received %" PRIu64 " of %" PRIu64 ", pattern %s, "
			"close %d/%d\n", bc->name, k, fl.sent, fl.rcvd, bytes,
			fl.bad ? "WRONG" : "ok", fl.a_why, fl.b_why);
		exit(1);
	}
	bc->gbps[k] = bytes * 8 / ((t1 - t0) / hz) / 1e9;
	bc->a_gbps[k] = bytes * 8 / (abusy / hz) / 1e9;
	bc->b_gbps[k] = bytes * 8 / ((bbusy - fl.check_cycles) / hz) / 1e9;
	bc->a_cpb[k] = (double)abusy / bytes;
	bc->b_cpb[k] = (double)(bbusy - fl.check_cycles) / bytes;
	bc->chk_cpb[k] = (double)fl.check_cycles / bytes;
	bc->segs[k] = (double)(b1.tcp.rx - b0.tcp.rx);
	bc->b_cps[k] = (bbusy - fl.check_cycles) / bc->segs[k];
	bc->a_cps[k] = abusy / bc->segs[k];
	bc->rtx[k] = (double)(a1.tcp.retransmits - a0.tcp.retransmits);
	flow = NULL;
}

static void
bulk_summary(struct bulk_cfg *bc, unsigned int runs)
{
	bc->m_gbps = bench_median(bc->gbps, runs);
	bc->m_a_gbps = bench_median(bc->a_gbps, runs);
	bc->m_b_gbps = bench_median(bc->b_gbps, runs);
	bc->m_a_cpb = bench_median(bc->a_cpb, runs);
	bc->m_b_cpb = bench_median(bc->b_cpb, runs);
	bc->m_b_cps = bench_median(bc->b_cps, runs);
	bc->m_a_cps = bench_median(bc->a_cps, runs);
	bc->m_segs = bench_median(bc->segs, runs);
	bc->m_rtx = bench_median(bc->rtx, runs);
	bc->m_chk_cpb = bench_median(bc->chk_cpb, runs);
}

static void
bulk_bench(struct bulk_cfg *cfgs, unsigned int n_cfg, uint64_t bytes,
		unsigned int runs)
{
	char buf_set[2][48], mtu_set[48];
	const char *more[8];
	unsigned int i, k, n_more;

	for (i = 0; i < n_cfg; i++) {
		struct bulk_cfg *bc = &cfgs[i];

		n_more = 0;
		if (bc->buf != 0) {
			snprintf(buf_set[0], sizeof(buf_set[0]),
				"tcp.sndbuf=%u", bc->buf);
			snprintf(buf_set[1], sizeof(buf_set[1]),
				"tcp.rcvbuf=%u", bc->buf);
			more[n_more++] = buf_set[0];
			more[n_more++] = buf_set[1];
		}
		snprintf(mtu_set, sizeof(mtu_set), "port.mtu=%u", bc->mtu);
		more[n_more++] = mtu_set;
		more[n_more++] = "tcp.window_scaling=yes";
		more[n_more++] = "tcp.max_connections=1024";
		if (!fabric_create(&bc->f, more, n_more, NULL, NULL)) {
			bc->skipped = true;
			fprintf(stderr, "bench_conn: %s: no stack (%s), "
				"skipped\n", bc->name,
				rte_strerror(rte_errno));
			continue;
		}
		if (ws_tcp_listen_worker(bc->f.wb, BASE_PORT, &rcv_ops,
				NULL) != 0)
			bench_die("cannot listen");
		/* ARP, caches, the first TCB: settled before it counts. */
		run_until_quiet(&bc->f);
		bulk_once(bc, RTE_MIN(bytes, (uint64_t)64 << 20), 0);
	}
	/*
	 * The set-ups take turns, run by run: a noisy neighbour then slows
	 * them all alike rather than whichever ran at the time.
	 */
	for (k = 0; k < runs; k++)
		for (i = 0; i < n_cfg; i++)
			if (!cfgs[i].skipped)
				bulk_once(&cfgs[i], bytes, k);
	for (i = 0; i < n_cfg; i++)
		if (!cfgs[i].skipped) {
			fabric_destroy(&cfgs[i].f);
			bulk_summary(&cfgs[i], runs);
		}
}

static void
bulk_print(const struct bulk_cfg *cfgs, unsigned int n_cfg, uint64_t bytes,
		unsigned int runs)
{
	unsigned int i;

	printf("bulk: one connection A->B, %" PRIu64 " bytes a run, every "
		"byte checked, median of %u runs, TSC %.2f GHz\n", bytes, runs,
		rte_get_tsc_hz() / 1e9);
	printf("  wall: both stacks on one core; core A/B: bytes*8 / that "
		"side's busy time (B without the pattern check)\n");
	printf("%-12s %5s %8s %9s %9s %9s %8s %8s %9s %9s %8s %5s\n",
		"set-up", "mss", "wall", "core A", "core B", "A cyc/B",
		"B cyc/B", "chk c/B", "A cyc/seg", "B cyc/seg", "B segs",
		"rtx");
	for (i = 0; i < n_cfg; i++) {
		const struct bulk_cfg *bc = &cfgs[i];

		if (bc->skipped) {
			printf("%-12s (the stack refused this set-up)\n",
				bc->name);
			continue;
		}
		printf("%-12s %5u %6.2fGb %7.2fGb %7.2fGb %9.3f %8.3f %8.3f "
			"%9.0f %9.0f %8.0f %5.0f\n", bc->name, bc->mss,
			bc->m_gbps, bc->m_a_gbps, bc->m_b_gbps, bc->m_a_cpb,
			bc->m_b_cpb, bc->m_chk_cpb, bc->m_a_cps, bc->m_b_cps,
			bc->m_segs, bc->m_rtx);
	}
}

/* ----------------------------------------------------------------- mem */

struct mem_result {
	uint32_t n;
	uint32_t max_conns;
	uint32_t tcb_size;		/* sizeof(struct ws_tcp_conn) */
	double connect_s;
	struct mem_point base, after_a, after_b, est;
	uint64_t est_a, est_b;		/* st_established gauges */
	uint64_t opens_a, opens_b;	/* active, passive opens */
	uint64_t segs_a, segs_b;	/* TCP segments each received */
	uint64_t rst;			/* resets either sent */
	uint64_t idle_pkts;		/* packets in the idle second */
	int ok;
};

struct mem_run {
	uint32_t target, started, connected, accepted, failed;
};

/*
 * The first connection from each source address goes alone, after all
 * before it: while B resolves that address by ARP it holds only a few
 * SYN-ACKs for it (and A, at the very start, a few SYNs for B), and the
 * rest would wait out the 1 s initial RTO.
 */
static bool
may_start(const struct mem_run *r)
{
	uint32_t block_start = r->started - r->started % PORT_BLOCK;

	if (r->started == r->target)
		return false;
	if (r->started == block_start)
		return r->connected == r->started;
	return r->connected > block_start &&
		r->started - r->connected < MEM_IN_FLIGHT;
}

static struct mem_run *mrun;

static void
idle_connected(struct ws_tcp_conn *c)
{
	(void)c;
	mrun->connected++;
}

static int
idle_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)c;
	(void)arg;
	mrun->accepted++;
	return 0;
}

static void
idle_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	/* At teardown every connection hears STOPPED; anything else fails. */
	if (why != WS_TCP_CLOSED_STOPPED && mrun != NULL)
		mrun->failed++;
}

static const struct ws_tcp_ops idle_ops = {
	.connected = idle_connected,
	.accepted = idle_accepted,
	.closed = idle_closed,
};

static void
mem_case(uint32_t n, struct mem_result *res)
{
	uint32_t dst = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
	uint32_t src0 = RTE_IPV4(198u, 18, 1, 1);
	char max_set[48], addr_set[48];
	const char *more[] = { max_set, addr_set };
	unsigned int n_src = (n + PORT_BLOCK - 1) / PORT_BLOCK, q;
	unsigned int rounds = 0;
	struct mem_run r;
	struct fabric f;
	struct ws_stats sa, sb;
	double t0, deadline;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	res->n = n;
	res->tcb_size = sizeof(struct ws_tcp_conn);
	/* Room for the handshakes under way besides the N established. */
	res->max_conns = n + 1024;
	snprintf(max_set, sizeof(max_set), "tcp.max_connections=%u",
		res->max_conns);
	/* B owns as many, unused: the sets are the same for both. */
	snprintf(addr_set, sizeof(addr_set), "ip.addr_count=%u", n_src);
	r.target = n;
	mrun = &r;
	mem_point(&res->base, NULL);
	if (!fabric_create(&f, more, RTE_DIM(more), &res->after_a,
			&res->after_b))
		bench_die(rte_strerror(rte_errno));
	if (ws_tcp_listen_worker(f.wb, BASE_PORT, &idle_ops, NULL) != 0)
		bench_die("cannot listen");
	run_until_quiet(&f);
	t0 = bench_now_s();
	deadline = t0 + 120;
	while (r.connected < n || r.accepted < n) {
		while (may_start(&r)) {
			if (ws_tcp_connect_from(f.wa, rte_cpu_to_be_32(src0 +
					r.started / PORT_BLOCK), dst, BASE_PORT,
					&idle_ops, NULL) == NULL)
				bench_die(rte_strerror(rte_errno));
			r.started++;
		}
		poll_round(&f);
		if (r.failed != 0)
			bench_die("a connection failed");
		if (++rounds % 4096 == 0 && bench_now_s() > deadline)
			bench_die("the connections stalled");
	}
	res->connect_s = bench_now_s() - t0;
	/* Delayed ACKs and the like, so that idle means idle. */
	run_until_quiet(&f);
	mem_point(&res->est, &f);
	/* Idle means idle: nothing moves for a second (no keep-alive). */
	t0 = bench_now_s();
	while (bench_now_s() - t0 < 1.0)
		for (q = 0; q < 1024; q++)
			res->idle_pkts += poll_round(&f);
	ws_stack_stats(f.a, -1, &sa);
	ws_stack_stats(f.b, -1, &sb);
	res->est_a = sa.tcp.st_established;
	res->est_b = sb.tcp.st_established;
	res->opens_a = sa.tcp.active_opens;
	res->opens_b = sb.tcp.passive_opens;
	res->segs_a = sa.tcp.rx;
	res->segs_b = sb.tcp.rx;
	res->rst = sa.tcp.rst_tx + sb.tcp.rst_tx;
	res->ok = res->est_a == n && res->est_b == n && r.failed == 0 &&
		res->opens_a == n && res->opens_b == n && res->rst == 0;
	fabric_destroy(&f);
	mrun = NULL;
}

/*
 * One N in a child of its own: the EAL starts there, with memory for
 * the TCB arrays and hash tables of both sides.
 */
static bool
mem_child(uint32_t n, struct mem_result *res)
{
	char prefix[32];
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	snprintf(prefix, sizeof(prefix), "ws_bconn_m%u", n);
	if (pipe(fds) != 0)
		bench_die("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		close(fds[0]);
		/* About 1.5 KiB a connection a side covers TCB and hash. */
		bench_eal_init("bench_conn", 512 + n / 300, prefix);
		mem_case(n, res);
		if (write(fds[1], res, sizeof(*res)) != (ssize_t)sizeof(*res))
			_exit(1);
		rte_eal_cleanup();
		_exit(0);
	}
	close(fds[1]);
	got = read(fds[0], res, sizeof(*res));
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		bench_die("waitpid");
	return got == (ssize_t)sizeof(*res) && res->ok;
}

static double
per_conn(uint64_t after, uint64_t before, uint32_t n)
{
	return ((double)after - (double)before) / n;
}

/*
 * What creating one side took from the heap: its TCB array (known
 * exactly), its mbuf pools (fixed, whatever max_connections) and the
 * rest, mostly the 4-tuple hash table sized for max_connections.
 */
static void
side_print(const char *side, const struct mem_result *r,
		const struct mem_point *before, const struct mem_point *after,
		uint64_t pools)
{
	double grew = (double)after->heap - (double)before->heap;
	double tcbs = (double)r->tcb_size * r->max_conns;
	double rest = grew - tcbs - (double)pools;

	printf("    side %s heap at creation: TCB array %.1f MB (%u x %u B) "
		"+ mbuf pools %.1f MB + rest %.1f MB (%.0f B per "
		"max_connection)\n", side, tcbs / 1e6, r->max_conns,
		r->tcb_size, pools / 1e6, rest / 1e6, rest / r->max_conns);
	printf("    => reserved per connection slot on side %s: %.0f B "
		"(TCB + rest)\n", side, (tcbs + rest) / r->max_conns);
}

static void
mem_print(const struct mem_result *m, unsigned int n_m)
{
	const struct mem_result *lo = NULL, *hi = NULL;
	double marg;
	unsigned int i;

	printf("mem: idle ESTABLISHED connections A->B, one worker a side, "
		"tcp.max_connections = N + 1024 on both\n");
	printf("  heap: DPDK heap in use (allocated at stack creation: the "
		"TCB array and hash table are sized for max_connections)\n");
	printf("  rss:  process VmRSS (the heap is mmap'd at EAL start and "
		"becomes resident as its pages are first written)\n");
	printf("  TCB array resident: mincore over each side's TCB array; "
		"all of it is resident before the first connection, since "
		"creation threads the free list through every TCB\n");
	for (i = 0; i < n_m; i++) {
		const struct mem_result *r = &m[i];

		if (r->n == 0)
			continue;
		printf("N = %u (sizeof TCB %u B, connected in %.2f s, "
			"established A %" PRIu64 " B %" PRIu64 ")\n", r->n,
			r->tcb_size, r->connect_s, r->est_a, r->est_b);
		printf("  opens A %" PRIu64 " B %" PRIu64 ", segments "
			"received A %" PRIu64 " B %" PRIu64 ", resets %" PRIu64
			", packets in 1 s idle %" PRIu64 "\n", r->opens_a,
			r->opens_b, r->segs_a, r->segs_b, r->rst,
			r->idle_pkts);
		printf("  %-28s %14s %14s\n", "", "heap", "rss");
		printf("  %-28s %12.1fMB %12.1fMB\n", "after EAL init",
			r->base.heap / 1e6, r->base.rss / 1e6);
		printf("  %-28s %12.1fMB %12.1fMB   (%.0f / %.0f B per "
			"max_connection)\n", "stack A created: +",
			(r->after_a.heap - (double)r->base.heap) / 1e6,
			(r->after_a.rss - (double)r->base.rss) / 1e6,
			per_conn(r->after_a.heap, r->base.heap, r->max_conns),
			per_conn(r->after_a.rss, r->base.rss, r->max_conns));
		printf("  %-28s %12.1fMB %12.1fMB   (%.0f / %.0f B per "
			"max_connection)\n", "stack B created: +",
			(r->after_b.heap - (double)r->after_a.heap) / 1e6,
			(r->after_b.rss - (double)r->after_a.rss) / 1e6,
			per_conn(r->after_b.heap, r->after_a.heap,
				r->max_conns),
			per_conn(r->after_b.rss, r->after_a.rss,
				r->max_conns));
		printf("  %-28s %12.1fMB %12.1fMB   (%.0f / %.0f B per "
			"connection, both sides)\n", "N established: +",
			(r->est.heap - (double)r->after_b.heap) / 1e6,
			(r->est.rss - (double)r->after_b.rss) / 1e6,
			per_conn(r->est.heap, r->after_b.heap, r->n),
			per_conn(r->est.rss, r->after_b.rss, r->n));
		side_print("A", r, &r->base, &r->after_a, r->after_a.pools_a);
		side_print("B", r, &r->after_a, &r->after_b,
			r->after_b.pools_b);
		printf("  TCB array resident, A: %.1f -> %.1f MB (%.0f B per "
			"connection), B: %.1f -> %.1f MB (%.0f B per "
			"connection)\n", r->after_b.tcb_res_a / 1e6,
			r->est.tcb_res_a / 1e6,
			per_conn(r->est.tcb_res_a, r->after_b.tcb_res_a, r->n),
			r->after_b.tcb_res_b / 1e6, r->est.tcb_res_b / 1e6,
			per_conn(r->est.tcb_res_b, r->after_b.tcb_res_b,
				r->n));
		if (lo == NULL || r->n < lo->n)
			lo = r;
		if (hi == NULL || r->n > hi->n)
			hi = r;
	}
	if (lo == NULL)
		return;
	/*
	 * Two sizes give the heap a slot costs apart from the fixed part
	 * (mbuf pools, timer wheel, reassembly and ARP tables).
	 */
	if (lo != hi) {
		marg = ((double)hi->after_b.heap - hi->after_a.heap -
			((double)lo->after_b.heap - lo->after_a.heap)) /
			((double)hi->max_conns - lo->max_conns);
		printf("marginal heap per max_connection, side B, between "
			"N = %u and %u: %.1f B (TCB %u B + %.1f B of hash "
			"table)\n", lo->n, hi->n, marg, hi->tcb_size, marg -
			hi->tcb_size);
		if (hi->n < MAX_MEM_CONNS)
			printf("  so 1,000,000 would take about %.0f MB of heap "
				"a side\n", ((double)hi->after_b.heap -
				hi->after_a.heap + marg * (1000000.0 + 1024 -
				hi->max_conns)) / 1e6);
	}
}

/* ---------------------------------------------------------------- main */

static void
write_json(const char *path, const struct bulk_cfg *b, unsigned int n_b,
		uint64_t bytes, unsigned int runs, const struct mem_result *m,
		unsigned int n_m)
{
	FILE *fp = fopen(path, "w");
	unsigned int i, k;

	if (fp == NULL)
		bench_die("cannot write the JSON file");
	fprintf(fp, "{\n  \"benchmark\": \"bench_conn\",\n"
		"  \"tsc_hz\": %" PRIu64 ",\n  \"bulk\": {\"bytes\": %" PRIu64
		", \"runs\": %u, \"configs\": [", rte_get_tsc_hz(), bytes,
		runs);
	for (i = 0, k = 0; i < n_b; i++) {
		const struct bulk_cfg *c = &b[i];
		unsigned int j;

		if (c->skipped)
			continue;
		fprintf(fp, "%s\n    {\"name\": \"%s\", \"buf\": %u, "
			"\"mtu\": %u, \"mss\": %u, \"window_scaling\": %s,\n"
			"     \"wall_gbps\": %.3f, \"core_a_gbps\": %.3f, "
			"\"core_b_gbps\": %.3f,\n"
			"     \"a_cycles_per_byte\": %.4f, "
			"\"b_cycles_per_byte\": %.4f, "
			"\"check_cycles_per_byte\": %.4f,\n"
			"     \"a_cycles_per_seg\": %.1f, "
			"\"b_cycles_per_seg\": %.1f, \"b_segs\": %.0f, "
			"\"retransmits\": %.0f,\n     \"runs_wall_gbps\": [",
			k++ ? "," : "", c->name, c->buf, c->mtu, c->mss,
			c->wscale ? "true" : "false", c->m_gbps, c->m_a_gbps,
			c->m_b_gbps, c->m_a_cpb, c->m_b_cpb, c->m_chk_cpb,
			c->m_a_cps, c->m_b_cps, c->m_segs, c->m_rtx);
		for (j = 0; j < runs; j++)
			fprintf(fp, "%s%.3f", j ? ", " : "", c->gbps[j]);
		fprintf(fp, "]}");
	}
	fprintf(fp, "\n  ]},\n  \"mem\": [");
	for (i = 0, k = 0; i < n_m; i++) {
		const struct mem_result *r = &m[i];

		if (r->n == 0)
			continue;
		fprintf(fp, "%s\n    {\"conns\": %u, \"max_connections\": %u, "
			"\"tcb_size\": %u, \"connect_s\": %.2f,\n"
			"     \"heap_base\": %" PRIu64 ", \"heap_after_a\": %"
			PRIu64 ", \"heap_after_b\": %" PRIu64
			", \"heap_established\": %" PRIu64 ",\n"
			"     \"rss_base\": %" PRIu64 ", \"rss_after_a\": %"
			PRIu64 ", \"rss_after_b\": %" PRIu64
			", \"rss_established\": %" PRIu64 ",\n"
			"     \"tcb_resident_a\": [%" PRIu64 ", %" PRIu64 "], "
			"\"tcb_resident_b\": [%" PRIu64 ", %" PRIu64 "],\n"
			"     \"opens_a\": %" PRIu64 ", \"opens_b\": %" PRIu64
			", \"segs_rx_a\": %" PRIu64 ", \"segs_rx_b\": %"
			PRIu64 ", \"resets\": %" PRIu64
			", \"idle_packets_1s\": %" PRIu64 ",\n"
			"     \"rss_bytes_per_conn\": %.1f, "
			"\"heap_bytes_per_max_conn_a\": %.1f}",
			k++ ? "," : "", r->n, r->max_conns, r->tcb_size,
			r->connect_s, r->base.heap, r->after_a.heap,
			r->after_b.heap, r->est.heap, r->base.rss,
			r->after_a.rss, r->after_b.rss, r->est.rss,
			r->after_b.tcb_res_a, r->est.tcb_res_a,
			r->after_b.tcb_res_b, r->est.tcb_res_b,
			r->opens_a, r->opens_b, r->segs_a, r->segs_b, r->rst,
			r->idle_pkts,
			per_conn(r->est.rss, r->after_b.rss, r->n),
			per_conn(r->after_a.heap, r->base.heap,
				r->max_conns));
	}
	fprintf(fp, "\n  ]\n}\n");
	if (fclose(fp) != 0)
		bench_die("cannot write the JSON file");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bytes", required_argument, NULL, 'b' },
		{ "runs", required_argument, NULL, 'r' },
		{ "conns", required_argument, NULL, 'n' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bulk_cfg cfgs[] = {
		{ .name = "256K mtu1500", .buf = 0, .mtu = 1500 },
		{ .name = "1M mtu1500", .buf = 1u << 20, .mtu = 1500 },
		{ .name = "256K mtu9000", .buf = 0, .mtu = 9000 },
		{ .name = "1M mtu9000", .buf = 1u << 20, .mtu = 9000 },
	};
	struct mem_result mres[MAX_MEM_CASES];
	uint32_t conns[MAX_MEM_CASES] = { 100000, 1000000 };
	unsigned int n_conns = 2, runs = 5, i;
	uint64_t bytes = 1ull << 30, x = 0x9e3779b97f4a7c15ull;
	bool do_bulk = true, do_mem = true;
	const char *json = NULL;
	double t0 = bench_now_s();
	char *p;
	int opt;

	while ((opt = getopt_long(argc, argv, "b:r:n:j:h", opts, NULL)) !=
			-1) {
		switch (opt) {
		case 'b':
			bytes = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			runs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			for (n_conns = 0, p = optarg;
					n_conns < MAX_MEM_CASES && *p != '\0';
					n_conns++) {
				conns[n_conns] = (uint32_t)strtoul(p, &p, 10);
				if (*p == ',')
					p++;
			}
			break;
		case 'j':
			json = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [bulk|mem] [--bytes N] "
				"[--runs R] [--conns N,...] [--json FILE]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind < argc) {
		do_bulk = strcmp(argv[optind], "bulk") == 0;
		do_mem = strcmp(argv[optind], "mem") == 0;
		if (!do_bulk && !do_mem)
			bench_die("the subcommand is bulk or mem");
	}
	if (bytes < (1u << 20) || runs == 0 || runs > MAX_RUNS)
		bench_die("--bytes must be at least 1 MiB, --runs 1 to 15");
	for (i = 0; i < n_conns; i++)
		if (conns[i] < 1 || conns[i] > MAX_MEM_CONNS)
			bench_die("--conns: 1 to 1000000");
	/* xorshift bytes: no short repeats inside the period. */
	for (i = 0; i < RTE_DIM(pat); i++) {
		if (i < PERIOD) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pat[i] = (uint8_t)(x >> 24);
		} else {
			pat[i] = pat[i - PERIOD];
		}
	}

	memset(mres, 0, sizeof(mres));
	/* Children first: the parent must not have started the EAL. */
	if (do_mem)
		for (i = 0; i < n_conns; i++)
			if (!mem_child(conns[i], &mres[i])) {
				fprintf(stderr, "bench_conn: %u connections "
					"failed\n", conns[i]);
				mres[i].n = 0;
			}
	bench_eal_init(argv[0], 1024, "ws_bench_conn");
	if (do_bulk) {
		bulk_bench(cfgs, RTE_DIM(cfgs), bytes, runs);
		bulk_print(cfgs, RTE_DIM(cfgs), bytes, runs);
	}
	if (do_mem)
		mem_print(mres, n_conns);
	printf("(%.1f s in all)\n", bench_now_s() - t0);
	if (json != NULL)
		write_json(json, cfgs, do_bulk ? RTE_DIM(cfgs) : 0, bytes, runs,
			mres, do_mem ? n_conns : 0);
	rte_eal_cleanup();
	return 0;
}
