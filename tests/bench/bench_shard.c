/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * What a second worker costs or saves the server: two stacks in one
 * process over net_ring ports (as tests/unit/test_shard.c builds them),
 * driven by hand in one thread, running short connections (connect, a
 * 100-byte request, a 100-byte reply, close) from client stack A to
 * server stack B. Three set-ups:
 *
 *   1 worker     one queue each way;
 *   2 straight   two workers, A's tx queue q feeds B's rx queue q: every
 *                segment lands on the worker that owns its connection;
 *   2 crossed    A's tx queue q feeds B's rx queue 1 - q and back: every
 *                segment lands on the other worker and is handed over.
 *
 * B's cost is the TSC time spent inside those of its workers' polls that
 * moved packets (the worker loop's own busy/idle rule), summed over its
 * workers and divided by the connections: what one core would spend per
 * connection, hence the connections per second one core would sustain.
 * The wall-clock rate is that of the whole single-threaded run, A's work
 * and the idle polls included. Each figure is the median of the runs;
 * the quietest run's cycles are shown too, since a shared machine's
 * neighbours only ever add to them.
 *
 * With --profile (tests/bench/profile.py runs it under callgrind), the
 * 1-worker set-up only: a warm-up, then one run of N connections with
 * collection on only inside B's polls (busy or idle), dumped as
 * "server", then one with it on only inside A's polls and its
 * ws_tcp_connect() calls, dumped as "client". It prints the counts.
 *
 * Usage: bench_shard [--conns N] [--runs R] [--json FILE] [--profile]
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "bench_util.h"
#include "woshou.h"
#include "ws_tcp_api.h"

#define MAX_Q 2
#define FABRIC_RING 4096u
#define MSG_LEN 100u
/*
 * B listens on several ports, so that the client's TIME_WAIT tuples
 * (200 ms with the shortest MSL) leave it ephemeral ports to spare.
 */
#define N_PORTS 8
#define BASE_PORT 8080
#define IN_FLIGHT 64		/* connections open at once, all of A */
#define MAX_RUNS 15

struct fabric {
	unsigned int nq;
	bool crossed;
	struct rte_ring *ab[MAX_Q], *ba[MAX_Q];
	struct ws_stack *a, *b;
	struct ws_worker *wa[MAX_Q], *wb[MAX_Q];
};

struct client {
	struct ws_tcp_conn *c;
	unsigned int q;			/* A's worker */
	uint32_t got;
};

struct bench_run {
	unsigned int target, started, open, done, failed;
	unsigned int open_on[MAX_Q];
	struct client *cl;
	uint64_t b_busy;		/* B's busy TSC cycles */
	unsigned int b_polls, b_idle;	/* B's polls, those that were idle */
};

struct result {
	const char *name;
	unsigned int workers;
	bool crossed;
	double cycles[MAX_RUNS], wall[MAX_RUNS], handoffs[MAX_RUNS];
	double segs[MAX_RUNS];
	double med_cycles, med_core_rate, med_wall, med_handoffs, med_segs;
	double best_cycles;		/* the quietest run's */
};

static struct bench_run *run;
/*
 * Which side's work --profile collects: 0 (none), 'a' or 'b'; prof_side
 * is prof_want only inside bench_once()'s measured loop.
 */
static int prof_want, prof_side;
static uint8_t request[MSG_LEN], reply[MSG_LEN];

/* Server: answer a whole request, close when the client has. */
static int
srv_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)arg;
	ws_tcp_set_ctx(c, NULL);
	return 0;
}

static uint32_t
srv_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	uintptr_t got = (uintptr_t)ws_tcp_ctx(c) + len;

	(void)m;
	(void)off;
	ws_tcp_set_ctx(c, (void *)got);
	if (got == MSG_LEN && ws_tcp_send(c, reply, MSG_LEN) != MSG_LEN)
		run->failed++;
	return len;
}

static void
srv_peer_closed(struct ws_tcp_conn *c)
{
	ws_tcp_close(c);
}

static const struct ws_tcp_ops srv_ops = {
	.accepted = srv_accepted,
	.data = srv_data,
	.peer_closed = srv_peer_closed,
};

/* Client: send the request, close once the reply is in. */
static void
cli_connected(struct ws_tcp_conn *c)
{
	if (ws_tcp_send(c, request, MSG_LEN) != MSG_LEN)
		run->failed++;
}

static uint32_t
cli_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct client *cl = ws_tcp_ctx(c);
	uint8_t buf[MSG_LEN];
	const uint8_t *p;

	/* A's side is not measured: it may check the reply byte for byte. */
	p = cl->got + len <= MSG_LEN ? rte_pktmbuf_read(m, off, len, buf) :
		NULL;
	if (p == NULL || memcmp(p, reply + cl->got, len) != 0)
		run->failed++;
	cl->got += len;
	if (cl->got == MSG_LEN)
		ws_tcp_close(c);
	return len;
}

static void
cli_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct client *cl = ws_tcp_ctx(c);

	if (why != WS_TCP_CLOSED_NORMAL || cl->got != MSG_LEN)
		run->failed++;
	cl->c = NULL;
	run->done++;
	run->open--;
	run->open_on[cl->q]--;
}

static const struct ws_tcp_ops cli_ops = {
	.connected = cli_connected,
	.data = cli_data,
	.closed = cli_closed,
};

static struct ws_stack *
make_stack(const char *port_name, const char *addr, const char *mac,
		unsigned int nq, struct rte_ring **rx, struct rte_ring **tx,
		const char *max_conns)
{
	char addr_set[64], mac_set[64];
	const char *sets[] = {
		addr_set, mac_set,
		nq == 1 ? "workers.lcores=1" : "workers.lcores=1,2",
		"port.mbufs=8191", max_conns,
		"tcp.sndbuf=16384", "tcp.rcvbuf=16384", "tcp.msl_ms=100",
		"control.telemetry=no",
	};
	struct ws_stack *s;

	snprintf(addr_set, sizeof(addr_set), "ip.addr=%s", addr);
	snprintf(mac_set, sizeof(mac_set), "port.mac=%s", mac);
	s = bench_ring_stack(port_name, rx, tx, nq, sets, RTE_DIM(sets), NULL);
	if (s == NULL)
		bench_die(rte_strerror(rte_errno));
	if (ws_stack_start_manual(s) != 0)
		bench_die("cannot start a stack");
	return s;
}

static void
fabric_create(struct fabric *f, unsigned int nq, bool crossed)
{
	static unsigned int seq;
	struct rte_ring *a_rx[MAX_Q], *b_rx[MAX_Q];
	char name[32], pa[32], pb[32];
	unsigned int q, other;

	memset(f, 0, sizeof(*f));
	f->nq = nq;
	f->crossed = crossed;
	for (q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), "bs_ab_%u_%u", seq, q);
		f->ab[q] = bench_ring(name, FABRIC_RING);
		snprintf(name, sizeof(name), "bs_ba_%u_%u", seq, q);
		f->ba[q] = bench_ring(name, FABRIC_RING);
	}
	for (q = 0; q < nq; q++) {
		other = crossed ? nq - 1 - q : q;
		b_rx[q] = f->ab[other];
		a_rx[q] = f->ba[other];
	}
	snprintf(pa, sizeof(pa), "bs_a%u", seq);
	snprintf(pb, sizeof(pb), "bs_b%u", seq++);
	/*
	 * A holds a whole run in TIME_WAIT without recycling; B never has
	 * more than IN_FLIGHT connections.
	 */
	f->a = make_stack(pa, "198.18.0.1/24", "02:00:00:00:0a:01", nq, a_rx,
		f->ab, "tcp.max_connections=32768");
	f->b = make_stack(pb, "198.18.0.2/24", "02:00:00:00:0b:02", nq, b_rx,
		f->ba, "tcp.max_connections=4096");
	for (q = 0; q < nq; q++) {
		f->wa[q] = ws_stack_worker(f->a, q);
		f->wb[q] = ws_stack_worker(f->b, q);
	}
	for (q = 0; q < N_PORTS; q++)
		if (ws_tcp_listen(f->b, BASE_PORT + q, &srv_ops, NULL) != 0)
			bench_die("cannot listen");
}

static void
fabric_destroy(struct fabric *f)
{
	unsigned int q;

	ws_stack_destroy(f->a);
	ws_stack_destroy(f->b);
	for (q = 0; q < f->nq; q++) {
		rte_ring_free(f->ab[q]);
		rte_ring_free(f->ba[q]);
	}
}

/* One round: A's workers, then B's, B's busy polls timed. */
static unsigned int
poll_round(struct fabric *f)
{
	unsigned int q, n, total = 0;
	uint64_t t0, t1;

	for (q = 0; q < f->nq; q++) {
		if (prof_side == 'a')
			BENCH_PROF_TOGGLE();
		total += ws_worker_poll(f->wa[q]);
		if (prof_side == 'a')
			BENCH_PROF_TOGGLE();
	}
	for (q = 0; q < f->nq; q++) {
		if (prof_side == 'b')
			BENCH_PROF_TOGGLE();
		t0 = rte_rdtsc();
		n = ws_worker_poll(f->wb[q]);
		t1 = rte_rdtsc();
		if (prof_side == 'b')
			BENCH_PROF_TOGGLE();
		if (n > 0)
			run->b_busy += t1 - t0;
		else
			run->b_idle++;
		run->b_polls++;
		total += n;
	}
	return total;
}

static void
run_until_quiet(struct fabric *f)
{
	unsigned int quiet = 0;

	while (quiet < 8)
		quiet = poll_round(f) == 0 ? quiet + 1 : 0;
}

/*
 * Connection i opens on A's worker i % nq, to one of B's ports in turn,
 * while fewer than IN_FLIGHT are open.
 */
static void
open_some(struct fabric *f)
{
	uint32_t dst = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
	unsigned int cap = IN_FLIGHT / f->nq, q;
	struct client *cl;

	while (run->started < run->target) {
		q = run->started % f->nq;
		if (run->open_on[q] >= cap)
			return;
		cl = &run->cl[run->started];
		cl->q = q;
		cl->c = ws_tcp_connect(f->wa[q], dst,
			BASE_PORT + run->started / MAX_Q % N_PORTS, &cli_ops,
			cl);
		if (cl->c == NULL) {
			if (rte_errno == EADDRINUSE)
				return;	/* TIME_WAIT holds them: later */
			bench_die(rte_strerror(rte_errno));
		}
		run->started++;
		run->open++;
		run->open_on[q]++;
	}
}

static struct ws_stats
b_stats(const struct fabric *f)
{
	struct ws_stats st;

	ws_stack_stats(f->b, -1, &st);
	return st;
}

/* N connections; their B cycles per connection and wall rate. */
static void
bench_once(struct fabric *f, unsigned int n, double *cycles, double *wall,
		double *handoffs, double *segs, struct bench_run *profile_run)
{
	struct bench_run r;
	struct ws_stats before, after;
	unsigned int rounds = 0;
	double t0, t1, deadline;

	memset(&r, 0, sizeof(r));
	r.target = n;
	r.cl = calloc(n, sizeof(*r.cl));
	if (r.cl == NULL)
		bench_die("out of memory");
	run = &r;
	before = b_stats(f);
	t0 = bench_now_s();
	deadline = t0 + 60;
	prof_side = prof_want;
	while (r.done < n) {
		if (prof_side == 'a')
			BENCH_PROF_TOGGLE();
		open_some(f);
		if (prof_side == 'a')
			BENCH_PROF_TOGGLE();
		poll_round(f);
		if (++rounds % 4096 == 0 && bench_now_s() > deadline)
			bench_die("connections stalled");
	}
	t1 = bench_now_s();
	prof_side = 0;
	if (profile_run != NULL)
		*profile_run = r;
	if (r.failed != 0) {
		fprintf(stderr, "bench_shard: %u of %u connections failed\n",
			r.failed, n);
		exit(1);
	}
	*cycles = (double)r.b_busy / n;
	*wall = n / (t1 - t0);
	/* The last FINs and ACKs, outside the measured span. */
	run_until_quiet(f);
	after = b_stats(f);
	/* B really served each one, and its own way: no drop, no reset. */
	if (after.tcp.passive_opens - before.tcp.passive_opens != n ||
			after.tcp.rst_tx != before.tcp.rst_tx ||
			after.steer.drop_handoff_full !=
			before.steer.drop_handoff_full)
		bench_die("the server did not serve every connection cleanly");
	*handoffs = (double)(after.steer.handoff_tx -
		before.steer.handoff_tx) / n;
	*segs = (double)(after.tcp.rx - before.tcp.rx) / n;
	/*
	 * A's TIME_WAITs (200 ms) go before the next run, so that every
	 * run starts from the same empty tables.
	 */
	for (;;) {
		struct ws_stats a;

		ws_stack_stats(f->a, -1, &a);
		if (a.tcp.st_time_wait == 0)
			break;
		poll_round(f);
	}
	run = NULL;
	free(r.cl);
}

/* ARP, caches, the first TCBs: settled before anything counts. */
static void
bench_warm(struct fabric *f, unsigned int n)
{
	struct bench_run warm = { 0 };
	double c, w, h, sg;

	run = &warm;
	run_until_quiet(f);
	run = NULL;
	bench_once(f, n, &c, &w, &h, &sg, NULL);
}

static void
bench_summary(struct result *res, unsigned int runs)
{
	unsigned int i;

	res->med_cycles = bench_median(res->cycles, runs);
	res->med_core_rate = (double)rte_get_tsc_hz() / res->med_cycles;
	res->med_wall = bench_median(res->wall, runs);
	res->med_handoffs = bench_median(res->handoffs, runs);
	res->med_segs = bench_median(res->segs, runs);
	res->best_cycles = res->cycles[0];
	for (i = 1; i < runs; i++)
		res->best_cycles = RTE_MIN(res->best_cycles, res->cycles[i]);
}

static void
write_json(const char *path, const struct result *res, unsigned int n_res,
		unsigned int n, unsigned int runs)
{
	FILE *fp = fopen(path, "w");
	unsigned int i, k;

	if (fp == NULL)
		bench_die("cannot write the JSON file");
	fprintf(fp, "{\n  \"benchmark\": \"bench_shard\",\n"
		"  \"conns_per_run\": %u,\n  \"runs\": %u,\n"
		"  \"request_bytes\": %u,\n  \"reply_bytes\": %u,\n"
		"  \"in_flight\": %u,\n  \"tsc_hz\": %" PRIu64 ",\n"
		"  \"configs\": [\n", n, runs, MSG_LEN, MSG_LEN, IN_FLIGHT,
		rte_get_tsc_hz());
	for (i = 0; i < n_res; i++) {
		const struct result *r = &res[i];

		fprintf(fp, "    {\"name\": \"%s\", \"workers\": %u, "
			"\"fabric\": \"%s\",\n"
			"     \"b_cycles_per_conn\": %.1f, "
			"\"core_conns_per_s\": %.0f, "
			"\"wall_conns_per_s\": %.0f, "
			"\"b_handoffs_per_conn\": %.2f, "
			"\"b_tcp_segs_per_conn\": %.2f, "
			"\"best_b_cycles_per_conn\": %.1f,\n"
			"     \"runs_b_cycles_per_conn\": [", r->name,
			r->workers, r->crossed ? "crossed" : "straight",
			r->med_cycles, r->med_core_rate, r->med_wall,
			r->med_handoffs, r->med_segs, r->best_cycles);
		for (k = 0; k < runs; k++)
			fprintf(fp, "%s%.1f", k ? ", " : "", r->cycles[k]);
		fprintf(fp, "],\n     \"runs_wall_conns_per_s\": [");
		for (k = 0; k < runs; k++)
			fprintf(fp, "%s%.0f", k ? ", " : "", r->wall[k]);
		fprintf(fp, "]}%s\n", i + 1 < n_res ? "," : "");
	}
	fprintf(fp, "  ]\n}\n");
	if (fclose(fp) != 0)
		bench_die("cannot write the JSON file");
}

/* --profile: the server's side, then the client's, of the 1-worker run. */
static int
profile_main(unsigned int n)
{
	static const char *const what[] = { "server", "client" };
	struct fabric f;
	struct bench_run r;
	double c, w, h, sg;
	unsigned int side;

	fabric_create(&f, 1, false);
	bench_warm(&f, n / 4);
	for (side = 0; side < RTE_DIM(what); side++) {
		prof_want = side == 0 ? 'b' : 'a';
		bench_prof_begin();
		bench_once(&f, n, &c, &w, &h, &sg, &r);
		bench_prof_end(what[side]);
		prof_want = 0;
		printf("profile: %s: %u connections in %u poll rounds "
			"(B idle in %u), %.2f B segs/conn (verified)\n",
			what[side], n, r.b_polls, r.b_idle, sg);
	}
	fabric_destroy(&f);
	rte_eal_cleanup();
	return 0;
}

int
main(int argc, char **argv)
{
	struct result res[] = {
		{ .name = "1 worker", .workers = 1, .crossed = false },
		{ .name = "2 straight", .workers = 2, .crossed = false },
		{ .name = "2 crossed", .workers = 2, .crossed = true },
	};
	struct fabric fab[RTE_DIM(res)];
	struct bench_opts o = { .n = 20000, .runs = 5 };
	unsigned int n, runs, i, k;
	double t0 = bench_now_s();
	int ret;

	ret = bench_parse_opts(argc, argv, "conns", &o);
	if (ret >= 0)
		return ret;
	n = o.n;
	runs = o.runs;
	if (n < 100 || runs == 0 || runs > MAX_RUNS)
		bench_die("--conns must be at least 100, --runs 1 to 15");
	for (i = 0; i < MSG_LEN; i++) {
		request[i] = (uint8_t)('a' + i % 26);
		reply[i] = (uint8_t)('A' + i % 26);
	}
	if (o.profile)
		bench_prof_check();
	bench_eal_init(argv[0], 512, o.profile ? "ws_prof_shard" :
		"ws_bench_shard");
	if (o.profile)
		return profile_main(n);

	for (i = 0; i < RTE_DIM(res); i++) {
		fabric_create(&fab[i], res[i].workers, res[i].crossed);
		bench_warm(&fab[i], n / 4);
	}
	/*
	 * The set-ups take turns, run by run: a noisy neighbour then slows
	 * them all alike rather than whichever ran at the time.
	 */
	for (k = 0; k < runs; k++)
		for (i = 0; i < RTE_DIM(res); i++)
			bench_once(&fab[i], n, &res[i].cycles[k],
				&res[i].wall[k], &res[i].handoffs[k],
				&res[i].segs[k], NULL);
	for (i = 0; i < RTE_DIM(res); i++) {
		fabric_destroy(&fab[i]);
		bench_summary(&res[i], runs);
	}

	printf("short connections (connect, %u-byte request, %u-byte reply, "
		"close), %u per run, median of %u runs, TSC %.2f GHz\n",
		MSG_LEN, MSG_LEN, n, runs, rte_get_tsc_hz() / 1e9);
	printf("%-11s %14s %17s %13s %12s %14s %12s\n", "server B",
		"B cycles/conn", "conns/s per core", "wall conns/s",
		"B segs/conn", "handoffs/conn", "best cycles");
	for (i = 0; i < RTE_DIM(res); i++)
		printf("%-11s %14.0f %17.0f %13.0f %12.2f %14.2f %12.0f\n",
			res[i].name, res[i].med_cycles, res[i].med_core_rate,
			res[i].med_wall, res[i].med_segs,
			res[i].med_handoffs, res[i].best_cycles);
	printf("(%.1f s in all)\n", bench_now_s() - t0);
	if (o.json != NULL)
		write_json(o.json, res, RTE_DIM(res), n, runs);
	rte_eal_cleanup();
	return 0;
}
