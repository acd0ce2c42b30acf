/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The SYN-cookie path, in process. One stack (one worker, a net_ring
 * port) with tcp.syncookies = always and a listener on port 80 takes
 * SYNs from many sources in 198.19.0.0/16, pre-built once (the options
 * Linux sends: MSS, SACK permitted, timestamps, window scale) and copied
 * into mbufs of their own outside the measured span, since the cookie
 * path turns each SYN's mbuf into its SYN-ACK. Batches go straight into
 * the port's receive ring; only the worker's polls are timed (rdtsc);
 * its transmit ring is drained, and every SYN-ACK checked, outside them.
 *
 * In the same run the I/O ceiling: the same mbufs through the same ring
 * and port, received and sent straight back by rte_eth_rx_burst() and
 * rte_eth_tx_burst() with no stack at all, timed the same way. The stack's
 * cost is the difference. A probe times the two SipHashes the cookie path
 * makes per SYN, ws_syncookie_make() and the timestamp offset (the
 * ISN secret's hash of the 4-tuple), over the same tuples, so that the
 * table shows the hashing against the rest.
 *
 * Each run checks that every SYN was answered by a cookie SYN-ACK built
 * in its own mbuf (to the right peer, acknowledging its ISN, correct
 * checksums), that no half-open state or stateful SYN-ACK appeared,
 * and that nothing anywhere was dropped or leaked.
 *
 * With --profile (tests/bench/profile.py runs it under callgrind) it
 * makes one warm-up pass and one pass of N SYNs with collection on only
 * inside the worker's polls, prints how many, and stops.
 *
 * Usage: bench_syn [--syns N] [--runs R] [--json FILE] [--profile]
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "bench_util.h"
#include "woshou.h"
#include "ws_syncookie.h"
#include "ws_tcp_api.h"
#include "ws_tcp_priv.h"
#include "ws_worker.h"

#define N_FRAMES 65536u		/* distinct source address/port pairs */
#define OPT_LEN 20u		/* MSS, SACK permitted, TS, NOP, WS */
#define FRAME_LEN (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + \
	sizeof(struct rte_tcp_hdr) + OPT_LEN)
#define RING_SIZE 4096u
/*
 * SYNs in the receive ring at once: the worker sees full bursts, as
 * under a flood, and its transmit ring never fills before the drain.
 */
#define BATCH 2048u
#define POOL_SIZE (2 * BATCH - 1)
#define LISTEN_PORT 80
#define PEER_MSS 1460
#define PEER_WSCALE 7
#define MAX_RUNS 15

static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0xee, 0x01 } };
static const struct rte_ether_addr b_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x02 } };

struct bench {
	struct rte_ring *rx, *tx;
	struct ws_stack *s;
	struct ws_worker *w;
	uint16_t port;
	struct rte_mempool *pool;
	uint8_t *frames;		/* N_FRAMES * FRAME_LEN */
	struct ws_tcp_key *keys;	/* the frames' 4-tuples, B's view */
	uint32_t *isn;			/* the frames' ISNs, host order */
	uint32_t *tsval;		/* the frames' TSvals, host order */
	uint32_t next;			/* where the next batch starts */
	unsigned int polls;		/* the worker's polls, all passes */
};

/* One run's figures, cycles per packet. */
struct run {
	double stack, io, cookie, tshash;
};

struct figure {
	const char *name, *key;
	double v[MAX_RUNS];
	double med, best;
};

/* Fixed seed: every run of the program sends the same SYNs. */
static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * A cookie listener never calls back: nothing is accepted, since no
 * handshake is ever completed.
 */
static int
srv_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)c;
	(void)arg;
	return 0;
}

static const struct ws_tcp_ops srv_ops = {
	.accepted = srv_accepted,
};

/*
 * Frame i comes from 198.19.a.b, a = the 16 bits of i times an odd
 * constant (a permutation of the /16, so that consecutive SYNs land far
 * apart in any hash), from a random port and ISN.
 */
static void
build_frames(struct bench *b)
{
	uint64_t rng = 0x5eed0f5f10dULL;
	unsigned int i;

	b->frames = calloc(N_FRAMES, FRAME_LEN);
	b->keys = calloc(N_FRAMES, sizeof(*b->keys));
	b->isn = calloc(N_FRAMES, sizeof(*b->isn));
	b->tsval = calloc(N_FRAMES, sizeof(*b->tsval));
	if (b->frames == NULL || b->keys == NULL || b->isn == NULL ||
			b->tsval == NULL)
		bench_die("out of memory");
	for (i = 0; i < N_FRAMES; i++) {
		uint8_t *f = b->frames + (size_t)i * FRAME_LEN;
		struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint8_t *o = (uint8_t *)(th + 1);
		uint64_t r = xorshift(&rng);
		uint32_t src = RTE_IPV4(198u, 19, 0, 0) |
			((i * 40503u) & 0xffff);
		uint16_t sport = (uint16_t)(1024 + (r & 0xffff) % 64512);

		b->isn[i] = (uint32_t)(r >> 32);
		b->tsval[i] = (uint32_t)xorshift(&rng);

		rte_ether_addr_copy(&b_mac, &eh->dst_addr);
		rte_ether_addr_copy(&peer_mac, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(FRAME_LEN -
			RTE_ETHER_HDR_LEN));
		ip->packet_id = rte_cpu_to_be_16((uint16_t)i);
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		ip->src_addr = rte_cpu_to_be_32(src);
		ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
		ip->hdr_checksum = rte_ipv4_cksum(ip);

		th->src_port = rte_cpu_to_be_16(sport);
		th->dst_port = rte_cpu_to_be_16(LISTEN_PORT);
		th->sent_seq = rte_cpu_to_be_32(b->isn[i]);
		th->data_off = (uint8_t)(((sizeof(*th) + OPT_LEN) / 4) << 4);
		th->tcp_flags = RTE_TCP_SYN_FLAG;
		th->rx_win = rte_cpu_to_be_16(64240);
		/* Linux's order: MSS, SACK permitted, TS, NOP, WS. */
		o[0] = 2;
		o[1] = 4;
		o[2] = PEER_MSS >> 8;
		o[3] = PEER_MSS & 0xff;
		o[4] = 4;
		o[5] = 2;
		o[6] = 8;
		o[7] = 10;
		o[8] = (uint8_t)(b->tsval[i] >> 24);
		o[9] = (uint8_t)(b->tsval[i] >> 16);
		o[10] = (uint8_t)(b->tsval[i] >> 8);
		o[11] = (uint8_t)b->tsval[i];
		memset(o + 12, 0, 4);	/* TSecr */
		o[16] = 1;
		o[17] = 3;
		o[18] = 3;
		o[19] = PEER_WSCALE;
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);

		b->keys[i].raddr = ip->src_addr;
		b->keys[i].laddr = ip->dst_addr;
		b->keys[i].rport = th->src_port;
		b->keys[i].lport = th->dst_port;
	}
}

static void
make_stack(struct bench *b)
{
	const char *sets[] = {
		"ip.addr=198.18.0.2/24", "port.mac=02:00:00:00:0b:02",
		"workers.lcores=1", "port.mbufs=8191",
		"tcp.max_connections=1024", "tcp.syncookies=always",
		"control.telemetry=no",
		/*
		 * No RFC 5227 announcements: the second comes 2 s after the
		 * start, and out of a measured pass it would be taken for a
		 * malformed SYN-ACK.
		 */
		"arp.gratuitous=no",
	};

	b->rx = bench_ring("bsyn_rx", RING_SIZE);
	b->tx = bench_ring("bsyn_tx", RING_SIZE);
	b->s = bench_ring_stack("bsyn_b", &b->rx, &b->tx, 1, sets,
		RTE_DIM(sets), &b->port);
	if (b->s == NULL)
		bench_die(rte_strerror(rte_errno));
	b->w = ws_stack_worker(b->s, 0);
	if (b->w == NULL || ws_tcp_listen_worker(b->w, LISTEN_PORT, &srv_ops,
			NULL) != 0)
		bench_die("cannot listen");
	if (ws_stack_start_manual(b->s) != 0)
		bench_die("cannot start the stack");
	/* Private to the SYNs, so their count in use shows any leak. */
	b->pool = rte_pktmbuf_pool_create("bsyn_pool", POOL_SIZE, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (b->pool == NULL)
		bench_die("cannot make the SYNs' pool");
}

/* The next n frames (n <= BATCH), each in an mbuf of its own, queued. */
static void
load_batch(struct bench *b, unsigned int n)
{
	struct rte_mbuf *pkts[BATCH];
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(b->pool, pkts, n) != 0)
		bench_die("the SYNs' mbufs do not come back");
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		memcpy(rte_pktmbuf_mtod(m, void *), b->frames +
			(size_t)((b->next + i) % N_FRAMES) * FRAME_LEN,
			FRAME_LEN);
		m->data_len = FRAME_LEN;
		m->pkt_len = FRAME_LEN;
	}
	if (rte_ring_enqueue_bulk(b->rx, (void **)pkts, n, NULL) != n)
		bench_die("the receive ring is not empty");
}

/*
 * What came out of the port for the batch starting at frame 'first':
 * in order, one frame per SYN. With 'synack', each must be the cookie
 * SYN-ACK to that SYN; without, the SYN itself, untouched.
 */
static unsigned int
drain_check(struct bench *b, uint32_t first, unsigned int n, bool synack)
{
	struct rte_mbuf *pkts[64];
	unsigned int got = 0, k, i;

	while ((k = rte_ring_dequeue_burst(b->tx, (void **)pkts,
			RTE_DIM(pkts), NULL)) != 0) {
		for (i = 0; i < k; i++, got++) {
			uint32_t f = (first + got) % N_FRAMES;
			const uint8_t *syn = b->frames + (size_t)f * FRAME_LEN;
			struct rte_mbuf *m = pkts[i];
			struct rte_ether_hdr *eh;
			struct rte_ipv4_hdr *ip;
			struct rte_tcp_hdr *th;

			if (got >= n || m->nb_segs != 1 ||
					m->data_len < RTE_ETHER_HDR_LEN +
					sizeof(*ip) + sizeof(*th))
				bench_die("an extra or malformed frame came out");
			eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
			ip = (struct rte_ipv4_hdr *)(eh + 1);
			th = (struct rte_tcp_hdr *)(ip + 1);
			if (!synack) {
				if (m->data_len != FRAME_LEN ||
						memcmp(eh, syn, FRAME_LEN) != 0)
					bench_die("a forwarded frame changed");
				continue;
			}
			if (!rte_is_same_ether_addr(&eh->dst_addr,
					&peer_mac) ||
					ip->dst_addr != b->keys[f].raddr ||
					ip->src_addr != b->keys[f].laddr ||
					th->dst_port != b->keys[f].rport ||
					th->src_port != b->keys[f].lport ||
					th->tcp_flags != (RTE_TCP_SYN_FLAG |
					RTE_TCP_ACK_FLAG) ||
					rte_be_to_cpu_32(th->recv_ack) !=
					b->isn[f] + 1)
				bench_die("a SYN-ACK does not answer its SYN");
			if (rte_ipv4_cksum(ip) != 0 ||
					rte_ipv4_udptcp_cksum_verify(ip,
					th) != 0)
				bench_die("a SYN-ACK has a bad checksum");
		}
		rte_pktmbuf_free_bulk(pkts, k);
	}
	if (got != n)
		bench_die("fewer frames came out than went in");
	return got;
}

/* Whatever is in the transmit ring, unchecked. */
static void
drain_all(struct bench *b)
{
	struct rte_mbuf *pkts[64];
	unsigned int k;

	while ((k = rte_ring_dequeue_burst(b->tx, (void **)pkts,
			RTE_DIM(pkts), NULL)) != 0)
		rte_pktmbuf_free_bulk(pkts, k);
}

/* Every counter whose name says it dropped something. */
static uint64_t
drops(const struct ws_stats *s)
{
	return ws_stats_sum(s, "*drop*");
}

static struct ws_stats
stats(const struct bench *b)
{
	struct ws_stats st;

	if (ws_stack_stats(b->s, -1, &st) != 0)
		bench_die("cannot read the stack's counters");
	return st;
}

/* n SYNs through the stack: its cycles per SYN, every run checked. */
static double
stack_pass(struct bench *b, unsigned int n)
{
	struct ws_stats before = stats(b), after;
	uint64_t cycles = 0, t0, t1;
	unsigned int done, k;

	for (done = 0; done < n; done += k) {
		uint32_t first = b->next;

		k = RTE_MIN(BATCH, n - done);
		load_batch(b, k);
		/* No poll finds an empty ring: every timed poll is busy. */
		while (rte_ring_count(b->rx) != 0) {
			BENCH_PROF_TOGGLE();
			t0 = rte_rdtsc();
			ws_worker_poll(b->w);
			t1 = rte_rdtsc();
			BENCH_PROF_TOGGLE();
			cycles += t1 - t0;
			b->polls++;
		}
		drain_check(b, first, k, true);
		b->next = (first + k) % N_FRAMES;
	}
	after = stats(b);
	if (after.tcp.cookie_synack_tx - before.tcp.cookie_synack_tx != n ||
			after.tcp.syn_rx - before.tcp.syn_rx != n ||
			after.loop.rx_pkts - before.loop.rx_pkts != n ||
			after.loop.tx_pkts - before.loop.tx_pkts != n)
		bench_die("not every SYN got a cookie SYN-ACK");
	if (after.tcp.synack_tx != before.tcp.synack_tx ||
			after.tcp.st_syn_received != 0)
		bench_die("the listener kept half-open state");
	if (after.tcp.cookie_synack_copied !=
			before.tcp.cookie_synack_copied)
		bench_die("a SYN-ACK was copied, not built in its SYN's mbuf");
	if (drops(&after) != drops(&before))
		bench_die("the stack dropped something");
	if (rte_mempool_in_use_count(b->pool) != 0)
		bench_die("the SYNs' mbufs leak");
	return (double)cycles / n;
}

/* The same n frames received and sent straight back: the I/O ceiling. */
static double
io_pass(struct bench *b, unsigned int n)
{
	struct rte_mbuf *pkts[WS_BURST];
	uint64_t cycles = 0, t0, t1;
	unsigned int done, k, dropped = 0;
	uint16_t rx, tx;

	for (done = 0; done < n; done += k) {
		uint32_t first = b->next;

		k = RTE_MIN(BATCH, n - done);
		load_batch(b, k);
		/* The worker's own burst, on its own port and queue. */
		while (rte_ring_count(b->rx) != 0) {
			t0 = rte_rdtsc();
			rx = rte_eth_rx_burst(b->port, 0, pkts, WS_BURST);
			tx = rte_eth_tx_burst(b->port, 0, pkts, rx);
			t1 = rte_rdtsc();
			cycles += t1 - t0;
			if (tx < rx) {
				rte_pktmbuf_free_bulk(pkts + tx, rx - tx);
				dropped += rx - tx;
			}
		}
		if (dropped != 0)
			bench_die("the transmit ring overflowed");
		drain_check(b, first, k, false);
		b->next = (first + k) % N_FRAMES;
	}
	if (rte_mempool_in_use_count(b->pool) != 0)
		bench_die("the forwarded mbufs leak");
	return (double)cycles / n;
}

/*
 * The two SipHashes of the cookie path alone, over the same tuples and
 * options: ws_syncookie_make() as cookie_synack() calls it, and the
 * timestamp offset, SipHash of the 4-tuple under the ISN secret as
 * ws_tcp_ts_off() computes it (static in ws_tcp.c, so made again here
 * from the same bytes and the same primitive).
 */
static void
hash_pass(struct bench *b, unsigned int n, double *cookie, double *tshash)
{
	const struct ws_syncookie_secret *sec = ws_syncookie_secret_shared();
	struct ws_syncookie_opts o = {
		.mss = PEER_MSS, .wscale = PEER_WSCALE, .has_ws = true,
		.sack_ok = true, .has_ts = true,
	};
	struct ws_syncookie_keys keys;
	uint8_t in[12], out[crypto_shorthash_BYTES];
	uint32_t counter = ws_syncookie_counter(
		(uint64_t)(rte_rdtsc() / (rte_get_tsc_hz() / 1000)));
	uint64_t t0, t1;
	uint32_t sink = 0;
	unsigned int i, f;

	ws_syncookie_keys_init(&keys, sec);
	/* The period's key, derived once, as a worker keeps it cached. */
	sink += ws_syncookie_make(&keys, counter, &b->keys[0], 0, &o, 0);

	t0 = rte_rdtsc();
	for (i = 0, f = 0; i < n; i++, f = (f + 1) % N_FRAMES)
		sink += ws_syncookie_make(&keys, counter, &b->keys[f],
			b->isn[f], &o, ws_syncookie_tsval(b->tsval[f], &o));
	t1 = rte_rdtsc();
	*cookie = (double)(t1 - t0) / n;

	t0 = rte_rdtsc();
	for (i = 0, f = 0; i < n; i++, f = (f + 1) % N_FRAMES) {
		memcpy(in, &b->keys[f].laddr, 4);
		memcpy(in + 4, &b->keys[f].raddr, 4);
		memcpy(in + 8, &b->keys[f].lport, 2);
		memcpy(in + 10, &b->keys[f].rport, 2);
		crypto_shorthash(out, in, sizeof(in), sec->isn_key);
		sink += out[0];
	}
	t1 = rte_rdtsc();
	*tshash = (double)(t1 - t0) / n;
	/* Keeps the loops' results alive. */
	if (sink == 0x5a5a5a5a)
		printf(" ");
}

/*
 * What a timed call costs with nothing inside (two rdtsc, the quietest
 * of many): in both rows once per burst, hence gone from their
 * difference.
 */
static double
rdtsc_overhead(void)
{
	uint64_t t0, t1, best = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		t0 = rte_rdtsc();
		t1 = rte_rdtsc();
		best = RTE_MIN(best, t1 - t0);
	}
	return (double)best;
}

static void
bench_once(struct bench *b, unsigned int n, struct run *r)
{
	r->stack = stack_pass(b, n);
	r->io = io_pass(b, n);
	hash_pass(b, n, &r->cookie, &r->tshash);
}

static void
summarise(struct figure *fg, unsigned int runs)
{
	fg->med = bench_median(fg->v, runs);
	fg->best = bench_min(fg->v, runs);
}

static void
print_row(const struct figure *fg, double ghz)
{
	printf("%-30s %9.1f %8.1f %7.2f %9.1f %8.1f\n", fg->name, fg->med,
		fg->med / ghz, ghz * 1e3 / fg->med, fg->best,
		ghz * 1e3 / fg->best);
}

static void
write_json(const char *path, const struct figure *fg, unsigned int n_fg,
		unsigned int n, unsigned int runs)
{
	double ghz = rte_get_tsc_hz() / 1e9;
	FILE *fp = fopen(path, "w");
	unsigned int i, k;

	if (fp == NULL)
		bench_die("cannot write the JSON file");
	fprintf(fp, "{\n  \"benchmark\": \"bench_syn\",\n"
		"  \"syns_per_run\": %u,\n  \"runs\": %u,\n"
		"  \"distinct_syns\": %u,\n  \"batch\": %u,\n"
		"  \"burst\": %u,\n  \"frame_bytes\": %u,\n"
		"  \"tsc_hz\": %" PRIu64 ",\n  \"figures\": [\n", n, runs,
		N_FRAMES, BATCH, WS_BURST, (unsigned int)FRAME_LEN,
		rte_get_tsc_hz());
	for (i = 0; i < n_fg; i++) {
		fprintf(fp, "    {\"name\": \"%s\",\n"
			"     \"median_cycles\": %.1f, \"median_ns\": %.2f, "
			"\"median_mpps_per_core\": %.3f,\n"
			"     \"best_cycles\": %.1f, \"best_ns\": %.2f, "
			"\"best_mpps_per_core\": %.3f,\n"
			"     \"runs_cycles\": [", fg[i].key, fg[i].med,
			fg[i].med / ghz, ghz * 1e3 / fg[i].med, fg[i].best,
			fg[i].best / ghz, ghz * 1e3 / fg[i].best);
		for (k = 0; k < runs; k++)
			fprintf(fp, "%s%.1f", k ? ", " : "", fg[i].v[k]);
		fprintf(fp, "]}%s\n", i + 1 < n_fg ? "," : "");
	}
	fprintf(fp, "  ]\n}\n");
	if (fclose(fp) != 0)
		bench_die("cannot write the JSON file");
}

int
main(int argc, char **argv)
{
	enum { F_STACK, F_IO, F_COST, F_COOKIE, F_TSHASH, F_REST, F_N };
	struct figure fg[F_N] = {
		[F_STACK] = { "stack (cookie SYN-ACK)", "stack", {0}, 0, 0 },
		[F_IO] = { "I/O ceiling (rx -> tx)", "io_ceiling", {0}, 0, 0 },
		[F_COST] = { "stack cost (stack - I/O)", "stack_cost",
			{0}, 0, 0 },
		[F_COOKIE] = { "  ws_syncookie_make alone", "syncookie_make",
			{0}, 0, 0 },
		[F_TSHASH] = { "  TS offset SipHash alone", "ts_off_hash",
			{0}, 0, 0 },
		[F_REST] = { "  the rest (cost - hashes)", "cost_less_hashes",
			{0}, 0, 0 },
	};
	struct bench b;
	struct run r, warm;
	struct bench_opts o = { .n = 1000000, .runs = 5 };
	unsigned int n, runs, k, i;
	double t0 = bench_now_s(), ghz;
	int ret;

	ret = bench_parse_opts(argc, argv, "syns", &o);
	if (ret >= 0)
		return ret;
	n = o.n;
	runs = o.runs;
	if (n < BATCH || n > 100000000 || runs == 0 || runs > MAX_RUNS)
		bench_die("--syns must be 2048 to 1e8, --runs 1 to 15");
	if (o.profile)
		bench_prof_check();
	bench_eal_init(argv[0], 512, o.profile ? "ws_prof_syn" :
		"ws_bench_syn");
	if (sodium_init() < 0)
		bench_die("cannot initialise libsodium");

	memset(&b, 0, sizeof(b));
	build_frames(&b);
	make_stack(&b);
	/* Whatever the stack says on its own at start (ARP), gone. */
	for (i = 0; i < 8; i++)
		ws_worker_poll(b.w);
	drain_all(&b);
	if (o.profile) {
		unsigned int polls;

		stack_pass(&b, n);	/* the warm-up, not collected */
		polls = b.polls;
		bench_prof_begin();
		stack_pass(&b, n);
		bench_prof_end("syn");
		printf("profile: %u SYNs, %u worker polls collected "
			"(cookie SYN-ACKs, one worker, verified)\n", n,
			b.polls - polls);
		goto out;
	}
	/* Caches and the cookie keys: settled before anything counts. */
	bench_once(&b, n, &warm);
	for (k = 0; k < runs; k++) {
		bench_once(&b, n, &r);
		fg[F_STACK].v[k] = r.stack;
		fg[F_IO].v[k] = r.io;
		fg[F_COST].v[k] = r.stack - r.io;
		fg[F_COOKIE].v[k] = r.cookie;
		fg[F_TSHASH].v[k] = r.tshash;
		fg[F_REST].v[k] = r.stack - r.io - r.cookie - r.tshash;
	}
	for (i = 0; i < F_N; i++)
		summarise(&fg[i], runs);

	ghz = rte_get_tsc_hz() / 1e9;
	printf("SYN cookies (syncookies = always), %u SYNs per run from %u "
		"sources, %u-byte frames,\nbatches of %u through a net_ring "
		"port, median of %u runs, TSC %.2f GHz, one core\n", n,
		N_FRAMES, (unsigned int)FRAME_LEN, BATCH, runs, ghz);
	printf("%-30s %9s %8s %7s %9s %8s\n", "per packet", "cycles", "ns",
		"Mpps", "best cyc", "best Mpps");
	for (i = 0; i < F_N; i++)
		print_row(&fg[i], ghz);
	printf("runs, stack cycles/SYN:");
	for (k = 0; k < runs; k++)
		printf(" %.0f", fg[F_STACK].v[k]);
	printf("; I/O cycles/packet:");
	for (k = 0; k < runs; k++)
		printf(" %.0f", fg[F_IO].v[k]);
	printf("\ntimer: %.0f cycles a timed call (one per burst of %u), "
		"in both rows, not in their difference", rdtsc_overhead(),
		WS_BURST);
	printf("\nverified each run: %u cookie SYN-ACKs in the SYNs' own "
		"mbufs, each answering its SYN,\nno half-open state, no "
		"stateful SYN-ACK, no drop, no leak (%.1f s in all)\n", n,
		bench_now_s() - t0);
	if (o.json != NULL)
		write_json(o.json, fg, F_N, n, runs);
out:
	ws_stack_destroy(b.s);
	rte_mempool_free(b.pool);
	rte_ring_free(b.rx);
	rte_ring_free(b.tx);
	free(b.frames);
	free(b.keys);
	free(b.isn);
	free(b.tsval);
	rte_eal_cleanup();
	return 0;
}
