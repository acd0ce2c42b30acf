/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Two whole stacks in one process, joined by a cross-connected net_ring
 * pair (rte_eth_from_rings) and driven by hand with ws_worker_poll(): the
 * deterministic fabric for end-to-end tests that need no root and no tap.
 * Stack A is 198.18.0.1, stack B 198.18.0.2.
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
#include <rte_tcp.h>

#include "woshou.h"
#include "ws_ipv4.h"
#include "ws_tcp_api.h"
#include "ws_test.h"

struct fabric {
	struct rte_ring *a_to_b, *b_to_a;
	struct ws_stack *a, *b;
	struct ws_worker *wa, *wb;
};

#define MAX_EXTRA_SETS 8

/*
 * net_ring ports start with an all-zero MAC, which ARP rightly refuses.
 * 'extra' ("section.key=value", at most MAX_EXTRA_SETS) come last, so
 * they override the common settings.
 */
static struct ws_stack *
make_stack(const char *addr, const char *mac, struct rte_ring *rx,
		struct rte_ring *tx, const char *const *extra,
		unsigned int n_extra)
{
	char addr_set[64], mac_set[64];
	/*
	 * Buffers fixed at 64 KiB (autotuning off): 1000 connections each
	 * growing toward 4-6 MiB ran the 16383-mbuf pool dry (139,000
	 * tcp.drop_nombuf) and, under ASan on a loaded machine, reset two of
	 * them; this test is about 1000 connections, not about big windows.
	 */
	const char *sets[9 + MAX_EXTRA_SETS] = {
		addr_set, mac_set, "port.mbufs=16383",
		"tcp.max_connections=2048", "tcp.sndbuf=65536",
		"tcp.rcvbuf=65536", "tcp.msl_ms=1000",
		"tcp.sndbuf_max=65536", "tcp.rcvbuf_max=65536",
	};
	unsigned int n_sets = 9, i;
	struct ws_stack *s;

	assert_true(n_extra <= MAX_EXTRA_SETS);
	for (i = 0; i < n_extra; i++)
		sets[n_sets++] = extra[i];
	snprintf(addr_set, sizeof(addr_set), "ip.addr=%s", addr);
	snprintf(mac_set, sizeof(mac_set), "port.mac=%s", mac);
	s = ws_test_ring_stack(&rx, &tx, 1, sets, n_sets);
	assert_int_equal(ws_stack_start_manual(s), 0);
	return s;
}

/*
 * Rings of 'ring_size' slots (a power of 2) each way; B gets 'b_extra' on
 * top of the common settings.
 */
static int
fabric_create(void **state, unsigned int ring_size,
		const char *const *a_extra, unsigned int n_a_extra,
		const char *const *b_extra, unsigned int n_extra)
{
	struct fabric *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->a_to_b = ws_test_ring(ring_size, 0);
	f->b_to_a = ws_test_ring(ring_size, 0);
	f->a = make_stack("198.18.0.1/24", "02:00:00:00:0a:01", f->b_to_a,
		f->a_to_b, a_extra, n_a_extra);
	f->b = make_stack("198.18.0.2/24", "02:00:00:00:0b:02", f->a_to_b,
		f->b_to_a, b_extra, n_extra);
	f->wa = ws_stack_worker(f->a, 0);
	f->wb = ws_stack_worker(f->b, 0);
	*state = f;
	return 0;
}

static int
fabric_setup(void **state)
{
	return fabric_create(state, 1024, NULL, 0, NULL, 0);
}

/*
 * Rings of 1024 overflowed by about 14,000 frames each way in the bulk
 * test; under CPU contention a FIN lost that way could be retransmitted
 * after the peer's 2 s TIME_WAIT had ended and reset a finished transfer.
 * Loss recovery has tests of its own: this one is about volume.
 */
static int
fabric_setup_bulk(void **state)
{
	return fabric_create(state, 16384, NULL, 0, NULL, 0);
}

static int
fabric_teardown(void **state)
{
	struct fabric *f = *state;

	ws_stack_destroy(f->a);
	ws_stack_destroy(f->b);
	rte_ring_free(f->a_to_b);
	rte_ring_free(f->b_to_a);
	free(f);
	return 0;
}

static void
test_announcements_cross_the_fabric(void **state)
{
	struct fabric *f = *state;
	struct ws_stats sa, sb;

	ws_test_poll_until_quiet(f->wa, f->wb);
	ws_stack_stats(f->a, -1, &sa);
	ws_stack_stats(f->b, -1, &sb);
	/* Each saw the other's gratuitous ARP and (rightly) learned nothing. */
	assert_int_equal(sa.arp.rx, 1);
	assert_int_equal(sb.arp.rx, 1);
	assert_int_equal(sa.arp.learned, 0);
	assert_int_equal(sb.arp.learned, 0);
}

/* A sends B a datagram of an unknown protocol (253): ARP resolves B. */
static void
send_a_to_b_proto_253(struct fabric *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->wa->pool);
	struct rte_ipv4_hdr *ip;
	char *payload;

	ws_test_poll_until_quiet(f->wa, f->wb);
	assert_non_null(m);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + 16);
	assert_non_null(ip);
	payload = (char *)(ip + 1);
	memset(payload, 0x5a, 16);
	ws_ipv4_fill_header(f->wa, ip, rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2)),
		253, 16);
	m->l3_len = sizeof(*ip);
	ws_ipv4_output(f->wa, m);
	ws_tx_flush(f->wa);
	ws_test_poll_until_quiet(f->wa, f->wb);
}

static void
test_datagram_resolves_and_gets_protocol_unreachable(void **state)
{
	struct fabric *f = *state;
	struct ws_stats sa, sb;

	send_a_to_b_proto_253(f);

	ws_stack_stats(f->a, -1, &sa);
	ws_stack_stats(f->b, -1, &sb);
	/* A resolved B by ARP, sent the datagram that waited, and got B's
	 * protocol unreachable back; B learned A from the request. */
	assert_int_equal(sa.arp.requests_tx, 1);
	assert_int_equal(sa.arp.queue_flushed, 1);
	assert_int_equal(sb.arp.learned, 1);
	assert_int_equal(sb.ip.drop_proto, 1);
	assert_int_equal(sb.icmp.unreach_tx, 1);
	assert_int_equal(sa.icmp.errors_rx, 1);
}

/*
 * Many connections, each moving a deterministic byte stream both ways.
 * Stream byte i of the direction seeded 'seed' is pattern(seed, i), so a
 * receiver checks every byte without keeping a copy.
 */
#define BULK_CONNS 1000
#define BULK_CONCURRENT 100
#define BULK_BYTES (1u << 20)
#define BULK_PORT 5001

struct bulk_side {
	struct ws_tcp_conn *c;
	uint32_t seed_tx, seed_rx;
	uint32_t sent, received;
	bool shut, bad_byte, closed;
	enum ws_tcp_close_reason why;
	/* What the handshake negotiated. */
	uint16_t mss;
	bool ts, sack, wscale;
};

struct bulk {
	struct bulk_side *clients, *servers;
	unsigned int n_conns;		/* connections to run */
	uint32_t bytes;			/* each way, per connection */
	unsigned int n_clients, n_servers, open_clients;
	/*
	 * When set, the server's worker: its cookie_validated moves just
	 * before the 'accepted' of a connection a cookie completed, so
	 * each accept can tell how its handshake went.
	 */
	const struct ws_worker *server_w;
	uint64_t cookies_seen;
	unsigned int n_cookie_accepts;
};

static struct bulk *bulk_run;

static struct bulk *
bulk_new(unsigned int n_conns, uint32_t bytes)
{
	struct bulk *bk = calloc(1, sizeof(*bk));

	assert_non_null(bk);
	bk->clients = calloc(n_conns, sizeof(*bk->clients));
	bk->servers = calloc(n_conns, sizeof(*bk->servers));
	assert_non_null(bk->clients);
	assert_non_null(bk->servers);
	bk->n_conns = n_conns;
	bk->bytes = bytes;
	bulk_run = bk;
	return bk;
}

static void
bulk_free(struct bulk *bk)
{
	bulk_run = NULL;
	free(bk->clients);
	free(bk->servers);
	free(bk);
}

static inline uint8_t
pattern(uint32_t seed, uint32_t i)
{
	return (uint8_t)(i * 31 + (i >> 9) + seed);
}

static void
bulk_pump(struct bulk_side *b)
{
	uint8_t buf[4096];
	uint32_t n, i;
	int r;

	while (b->sent < bulk_run->bytes) {
		n = RTE_MIN((uint32_t)sizeof(buf), bulk_run->bytes - b->sent);
		for (i = 0; i < n; i++)
			buf[i] = pattern(b->seed_tx, b->sent + i);
		r = ws_tcp_send(b->c, buf, n);
		assert_true(r >= 0);
		if (r == 0)
			return;
		b->sent += (uint32_t)r;
	}
	if (!b->shut) {
		assert_int_equal(ws_tcp_shutdown(b->c), 0);
		b->shut = true;
	}
}

/* Seeds from the client's port: both sides compute the same pair. */
static void
bulk_begin(struct bulk_side *b, struct ws_tcp_conn *c, bool client)
{
	struct ws_tcp_info info;
	uint16_t client_port;

	ws_tcp_get_info(c, &info);
	client_port = client ? info.local_port : info.remote_port;
	b->c = c;
	b->seed_tx = client_port * 2u + (client ? 0 : 1);
	b->seed_rx = client_port * 2u + (client ? 1 : 0);
	b->mss = (uint16_t)info.snd_mss;
	b->ts = info.timestamps;
	b->sack = info.sack;
	b->wscale = info.window_scaling;
	ws_tcp_set_ctx(c, b);
	bulk_pump(b);
}

static uint32_t
bulk_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct bulk_side *b = ws_tcp_ctx(c);
	uint8_t tmp[2048];
	uint32_t done = 0, n, i;
	const uint8_t *p;

	while (done < len) {
		n = RTE_MIN((uint32_t)sizeof(tmp), len - done);
		p = rte_pktmbuf_read(m, off + done, n, tmp);
		assert_non_null(p);
		for (i = 0; i < n; i++)
			if (p[i] != pattern(b->seed_rx, b->received + done + i))
				b->bad_byte = true;
		done += n;
	}
	b->received += len;
	return len;
}

static void
bulk_writable(struct ws_tcp_conn *c)
{
	bulk_pump(ws_tcp_ctx(c));
}

static void
bulk_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct bulk_side *b = ws_tcp_ctx(c);

	b->closed = true;
	b->why = why;
	b->c = NULL;
	if (b >= bulk_run->clients && b < bulk_run->clients + bulk_run->n_conns)
		bulk_run->open_clients--;
}

static void
bulk_connected(struct ws_tcp_conn *c)
{
	bulk_begin(ws_tcp_ctx(c), c, true);
}

static int
bulk_accepted(struct ws_tcp_conn *c, void *arg)
{
	struct bulk *bk = arg;
	struct bulk_side *b;

	assert_true(bk->n_servers < bk->n_conns);
	b = &bk->servers[bk->n_servers++];
	if (bk->server_w != NULL) {
		uint64_t v = bk->server_w->stats.tcp.cookie_validated;

		if (v != bk->cookies_seen)
			bk->n_cookie_accepts++;
		bk->cookies_seen = v;
	}
	bulk_begin(b, c, false);
	return 0;
}

static const struct ws_tcp_ops bulk_ops = {
	.accepted = bulk_accepted,
	.connected = bulk_connected,
	.data = bulk_data,
	.writable = bulk_writable,
	.closed = bulk_closed,
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool
side_ok(const struct bulk *bk, const struct bulk_side *b)
{
	return b->sent == bk->bytes && b->received == bk->bytes &&
		!b->bad_byte && b->closed && b->why == WS_TCP_CLOSED_NORMAL;
}

/* Say what went wrong, with both stacks' counters, then fail. */
static void
dump_and_fail(struct fabric *f, const struct bulk *bk, const char *what)
{
	struct ws_stats sa, sb;
	unsigned int i, k;

	ws_stack_stats(f->a, -1, &sa);
	ws_stack_stats(f->b, -1, &sb);
	fprintf(stderr, "%s: %u started, %u open, %u accepted\n", what,
		bk->n_clients, bk->open_clients, bk->n_servers);
	for (i = 0; i < bk->n_conns; i++) {
		const struct bulk_side *sides[2] = {
			&bk->clients[i], &bk->servers[i] };

		for (k = 0; k < 2; k++) {
			if (side_ok(bk, sides[k]))
				continue;
			fprintf(stderr, "first bad: %s %u sent %u received %u "
				"bad_byte %d closed %d why %d\n",
				k ? "server" : "client", i, sides[k]->sent,
				sides[k]->received, sides[k]->bad_byte,
				sides[k]->closed, sides[k]->why);
			i = bk->n_conns;
			break;
		}
	}
	ws_stats_print(stderr, &sa, "A ");
	ws_stats_print(stderr, &sb, "B ");
	fail_msg("%s", what);
}

/*
 * A opens connections to B's 'port' until 'concurrent' are open, or
 * 'upto' were ever started.
 */
static void
bulk_start_clients(struct fabric *f, struct bulk *bk, uint16_t port,
		unsigned int concurrent, unsigned int upto)
{
	upto = RTE_MIN(upto, bk->n_conns);
	while (bk->n_clients < upto && bk->open_clients < concurrent) {
		struct bulk_side *b = &bk->clients[bk->n_clients++];
		struct ws_tcp_conn *c;

		c = ws_tcp_connect(f->wa,
			rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2)), port,
			&bulk_ops, b);
		assert_non_null(c);
		b->c = c;
		bk->open_clients++;
	}
}

static uint64_t
open_gauges(const struct ws_stats *s)
{
	return s->tcp.st_syn_sent + s->tcp.st_syn_received +
		s->tcp.st_established + s->tcp.st_close_wait +
		s->tcp.st_fin_wait_1 + s->tcp.st_closing + s->tcp.st_last_ack +
		s->tcp.st_fin_wait_2;
}

/*
 * Poll both stacks until neither has a connection open or in TIME_WAIT;
 * their counters then are in 'sa' and 'sb'.
 */
static void
wait_all_closed(struct fabric *f, const struct bulk *bk, unsigned int *rounds,
		double deadline, struct ws_stats *sa, struct ws_stats *sb)
{
	for (;;) {
		ws_worker_poll(f->wa);
		ws_worker_poll(f->wb);
		ws_stack_stats(f->a, -1, sa);
		ws_stack_stats(f->b, -1, sb);
		if (open_gauges(sa) + open_gauges(sb) == 0 &&
				sa->tcp.st_time_wait + sb->tcp.st_time_wait == 0)
			break;
		if (++*rounds % 65536 == 0 && now_s() > deadline)
			dump_and_fail(f, bk, "connections never closed");
	}
}

/*
 * A snapshot with the connection list, taken between two polls: the list
 * and the state gauges come from the same instant, so they agree exactly.
 */
static void
check_snapshot_lists_every_connection(struct ws_stack *s)
{
	uint64_t by_state[WS_TCP_NSTATES] = { 0 };
	const struct ws_snapshot *sn;
	unsigned int slot;
	uint32_t i;

	assert_int_equal(ws_stack_snapshot(s, WS_SNAP_WANT_CONNS, 0), 0);
	sn = ws_stack_snapshot_acquire(s, &slot);
	assert_true(sn->have_conns);
	assert_false(sn->conns_truncated);
	assert_int_equal(sn->n_conns, sn->conn_count);
	for (i = 0; i < sn->n_conns; i++) {
		assert_true(sn->conns[i].state < WS_TCP_NSTATES);
		by_state[sn->conns[i].state]++;
	}
	assert_int_equal(by_state[WS_TCP_LISTEN], sn->total.tcp.st_listen);
	assert_int_equal(by_state[WS_TCP_SYN_SENT], sn->total.tcp.st_syn_sent);
	assert_int_equal(by_state[WS_TCP_SYN_RECEIVED],
		sn->total.tcp.st_syn_received);
	assert_int_equal(by_state[WS_TCP_ESTABLISHED],
		sn->total.tcp.st_established);
	assert_int_equal(by_state[WS_TCP_FIN_WAIT_1],
		sn->total.tcp.st_fin_wait_1);
	assert_int_equal(by_state[WS_TCP_FIN_WAIT_2],
		sn->total.tcp.st_fin_wait_2);
	assert_int_equal(by_state[WS_TCP_CLOSE_WAIT],
		sn->total.tcp.st_close_wait);
	assert_int_equal(by_state[WS_TCP_LAST_ACK], sn->total.tcp.st_last_ack);
	assert_int_equal(by_state[WS_TCP_TIME_WAIT],
		sn->total.tcp.st_time_wait);
	assert_int_equal(by_state[WS_TCP_CLOSED], sn->total.tcp.st_closed);
	ws_stack_snapshot_release(s, slot);
}

static void
test_1000_connections_1mb_each_way_byte_exact(void **state)
{
	struct fabric *f = *state;
	struct bulk *bk = bulk_new(BULK_CONNS, BULK_BYTES);
	struct ws_stats sa, sb;
	unsigned int i, rounds = 0, snapshots = 0;
	/* Generous: a connection that lost frames recovers by RTO backoff. */
	double deadline = now_s() + 120;

	ws_test_poll_until_quiet(f->wa, f->wb);
	assert_int_equal(ws_tcp_listen_worker(f->wb, BULK_PORT, &bulk_ops, bk),
		0);
	while (bk->n_clients < BULK_CONNS || bk->open_clients > 0) {
		bulk_start_clients(f, bk, BULK_PORT, BULK_CONCURRENT,
			BULK_CONNS);
		ws_worker_poll(f->wa);
		ws_worker_poll(f->wb);
		if (rounds % 4096 == 0) {
			check_snapshot_lists_every_connection(f->a);
			check_snapshot_lists_every_connection(f->b);
			snapshots++;
		}
		if (++rounds % 65536 == 0 && now_s() > deadline)
			dump_and_fail(f, bk, "transfers stalled");
	}
	/* The active closers sit in TIME_WAIT for 2 * msl_ms (2 s). */
	wait_all_closed(f, bk, &rounds, deadline, &sa, &sb);

	assert_true(snapshots > 0);
	assert_int_equal(bk->n_servers, BULK_CONNS);
	for (i = 0; i < BULK_CONNS; i++)
		if (!side_ok(bk, &bk->clients[i]) ||
				!side_ok(bk, &bk->servers[i]))
			dump_and_fail(f, bk, "a connection did not finish cleanly");
	bulk_free(bk);
}

/*
 * Per-connection options between two stacks (ws_tcp_conn_opts): B's
 * listener is made with one MSS clamp and changed to another for the
 * whole stack (ws_tcp_listen_opts, ws_tcp_listen_set_opts), A's clients
 * clamp theirs and fix small buffers (ws_tcp_connect_opts). Every byte
 * arrives both ways through windows of 20000 and 30000 bytes and send
 * buffers of 10000 and 12000, with the least MSS (900, less the
 * timestamps) on both sides, and no buffer ever grows.
 */
#define OPTS_PORT 5003
#define OPTS_CONNS 8
#define OPTS_BYTES (256u * 1024)

static void
test_conn_opts_between_two_stacks(void **state)
{
	static const struct ws_tcp_conn_opts srv0 = {
		.rcvbuf = 20000, .sndbuf = 12000, .mss = 1000 };
	static const struct ws_tcp_conn_opts srv = {
		.rcvbuf = 20000, .sndbuf = 12000, .mss = 900 };
	static const struct ws_tcp_conn_opts cli = {
		.rcvbuf = 30000, .sndbuf = 10000, .mss = 1200 };
	static const struct ws_tcp_conn_opts too_big = { .rcvbuf = 65537 };
	struct fabric *f = *state;
	struct bulk *bk = bulk_new(OPTS_CONNS, OPTS_BYTES);
	double deadline = now_s() + 60;
	struct ws_stats sa, sb;
	unsigned int i, rounds = 0;

	assert_int_equal(ws_tcp_listen_opts(f->b, OPTS_PORT, &bulk_ops, bk,
		&too_big), -EINVAL);
	assert_int_equal(ws_tcp_listen_opts(f->b, OPTS_PORT, &bulk_ops, bk,
		&srv0), 0);
	assert_int_equal(ws_tcp_listen_set_opts(f->b, OPTS_PORT, &srv), 0);
	assert_int_equal(ws_tcp_listen_set_opts(f->b, OPTS_PORT + 1, &srv),
		-ENOENT);
	ws_test_poll_until_quiet(f->wa, f->wb);
	for (i = 0; i < OPTS_CONNS; i++) {
		struct bulk_side *b = &bk->clients[bk->n_clients++];

		b->c = ws_tcp_connect_opts(f->wa, 0,
			rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2)), OPTS_PORT,
			&bulk_ops, b, &cli);
		assert_non_null(b->c);
		bk->open_clients++;
	}
	while (bk->open_clients > 0) {
		ws_worker_poll(f->wa);
		ws_worker_poll(f->wb);
		if (++rounds % 65536 == 0 && now_s() > deadline)
			dump_and_fail(f, bk, "transfers stalled");
	}
	wait_all_closed(f, bk, &rounds, deadline, &sa, &sb);
	assert_int_equal(bk->n_servers, OPTS_CONNS);
	for (i = 0; i < OPTS_CONNS; i++) {
		if (!side_ok(bk, &bk->clients[i]) ||
				!side_ok(bk, &bk->servers[i]))
			dump_and_fail(f, bk, "a connection did not finish cleanly");
		assert_true(bk->clients[i].ts);
		assert_int_equal(bk->clients[i].mss, 900 - 12);
		assert_int_equal(bk->servers[i].mss, 900 - 12);
	}
	assert_int_equal(sa.tcp.rcvbuf_grown + sb.tcp.rcvbuf_grown, 0);
	assert_int_equal(sa.tcp.sndbuf_grown + sb.tcp.sndbuf_grown, 0);
	assert_int_equal(sa.tcp.drop_unacceptable + sb.tcp.drop_unacceptable,
		0);
	bulk_free(bk);
}

/*
 * A SYN flood against B's listener while A runs real connections through
 * it. The flood's frames are made here and put straight into B's receive
 * ring: from sources in 198.19.0.0/16 (inside the benchmarking block
 * 198.18.0.0/15, off B's /24, so what B sends them by IP has no route)
 * and from a MAC no stack has, so the cookie SYN-ACKs B builds in their
 * mbufs and sends back to that MAC are dropped by A's MAC filter.
 */
#define FLOOD_PORT 5002
#define FLOOD_CONNS 2000
#define FLOOD_CONCURRENT 100
#define FLOOD_BYTES (16u * 1024)
#define FLOOD_SYNS 2000000u
#define FLOOD_PER_ROUND 16u
/*
 * The real connections start in waves of FLOOD_CONCURRENT, one every
 * FLOOD_WAVE_SYNS flood SYNs, the last at 90% of the flood: every real
 * handshake meets the flood, and the flood outlasts the bursts of
 * real SYNs many times over.
 */
#define FLOOD_WAVES (FLOOD_CONNS / FLOOD_CONCURRENT)
#define FLOOD_WAVE_SYNS (FLOOD_SYNS / 10 * 9 / FLOOD_WAVES)
#define FLOOD_BACKLOG 64u
#define FLOOD_RING 4096u
/*
 * Left free in B's receive ring for A's frames: the flood competes for
 * B's attention, not for the wire; A's losses would only measure the ring.
 */
#define FLOOD_RING_RESERVE 256u
/* B's worker pool while it runs: bounded whatever the flood's size. */
#define FLOOD_B_POOL_MAX 4096u

static const struct rte_ether_addr flood_src_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0xee, 0x01 } };
static const struct rte_ether_addr flood_dst_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x02 } };

/* Fixed seeds: a failure comes back with the same flood. */
static uint64_t
flood_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * SYN options as peers send them: none, MSS alone, Linux's (MSS, SACK
 * permitted, timestamps, window scale), timestamps without SACK, and
 * SACK without timestamps. Returns the length, a multiple of 4.
 */
static unsigned int
flood_syn_options(uint8_t *p, uint64_t r)
{
	uint16_t mss = (uint16_t)(536 + (r >> 8) % (1460 - 536 + 1));
	uint32_t tsval = (uint32_t)(r >> 24);
	uint8_t wscale = (uint8_t)((r >> 56) % 15);
	unsigned int n = 0;

	if (r % 5 == 0)
		return 0;
	p[n++] = 2;			/* MSS */
	p[n++] = 4;
	p[n++] = (uint8_t)(mss >> 8);
	p[n++] = (uint8_t)mss;
	switch (r % 5) {
	case 1:
		break;
	case 2:
	case 3:
		if (r % 5 == 2) {
			p[n++] = 4;	/* SACK permitted */
			p[n++] = 2;
		} else {
			p[n++] = 1;
			p[n++] = 1;
		}
		p[n++] = 8;		/* timestamps */
		p[n++] = 10;
		p[n++] = (uint8_t)(tsval >> 24);
		p[n++] = (uint8_t)(tsval >> 16);
		p[n++] = (uint8_t)(tsval >> 8);
		p[n++] = (uint8_t)tsval;
		memset(p + n, 0, 4);	/* TSecr */
		n += 4;
		p[n++] = 1;
		p[n++] = 3;		/* window scale */
		p[n++] = 3;
		p[n++] = wscale;
		break;
	default:
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 4;
		p[n++] = 2;
		break;
	}
	return n;
}

static struct rte_mbuf *
flood_syn(struct rte_mempool *mp, uint64_t *rng)
{
	uint64_t r1 = flood_rand(rng), r2 = flood_rand(rng);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t opts[20];
	unsigned int olen, len;

	/* The pool has room for both rings full: only a leak empties it. */
	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		fail_msg("the flood's mbufs do not come back: %u in use",
			rte_mempool_in_use_count(mp));
	olen = flood_syn_options(opts, r2);
	len = sizeof(*eh) + sizeof(*ip) + sizeof(*th) + olen;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(eh);
	rte_ether_addr_copy(&flood_dst_mac, &eh->dst_addr);
	rte_ether_addr_copy(&flood_src_mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

	ip = (struct rte_ipv4_hdr *)(eh + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - sizeof(*eh)));
	ip->packet_id = rte_cpu_to_be_16((uint16_t)(r1 >> 48));
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(198u, 19, 0, 0) |
		(uint32_t)(r1 & 0xffff));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	th = (struct rte_tcp_hdr *)(ip + 1);
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16((uint16_t)(1024 +
		(r1 >> 16) % (65536 - 1024)));
	th->dst_port = rte_cpu_to_be_16(FLOOD_PORT);
	th->sent_seq = rte_cpu_to_be_32((uint32_t)(r1 >> 32));
	th->data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4);
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = rte_cpu_to_be_16(64240);
	memcpy(th + 1, opts, olen);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	return m;
}

struct flood {
	struct rte_mempool *pool;
	uint64_t rng;
	uint64_t injected;
	uint64_t skipped;		/* held back: no room in the ring */
};

/*
 * This round's share of the flood into B's receive ring, as far as the
 * ring has room beyond what A's frames need; the rest is counted.
 */
static void
flood_round(struct fabric *f, struct flood *fl)
{
	struct rte_mbuf *pkts[FLOOD_PER_ROUND];
	unsigned int want, room, n = 0, done;

	want = (unsigned int)RTE_MIN((uint64_t)FLOOD_PER_ROUND,
		FLOOD_SYNS - fl->injected);
	if (want == 0)
		return;
	room = rte_ring_free_count(f->a_to_b);
	room = room > FLOOD_RING_RESERVE ? room - FLOOD_RING_RESERVE : 0;
	while (n < RTE_MIN(want, room))
		pkts[n++] = flood_syn(fl->pool, &fl->rng);
	done = rte_ring_enqueue_burst(f->a_to_b, (void **)pkts, n, NULL);
	if (done < n)
		rte_pktmbuf_free_bulk(pkts + done, n - done);
	fl->injected += done;
	fl->skipped += want - done;
}

/* What one run saw at its worst, sampled every poll round. */
struct flood_peaks {
	uint64_t syn_received;		/* B's SYN_RECEIVED gauge */
	uint64_t b_open;		/* B's TCBs not in TIME_WAIT */
	uint64_t b_tcbs;		/* B's TCBs, TIME_WAIT included */
	unsigned int b_pool;		/* B's worker pool in use */
	unsigned int flood_pool;	/* the flood's mbufs in flight */
	unsigned int concurrent;	/* A's connections open */
	unsigned int snaps, snaps_cookie_mode;
};

static void
flood_sample(struct fabric *f, const struct flood *fl, const struct bulk *bk,
		struct flood_peaks *pk)
{
	struct ws_stats sb;
	uint64_t open;

	ws_stack_stats(f->b, -1, &sb);
	open = open_gauges(&sb);
	pk->syn_received = RTE_MAX(pk->syn_received, sb.tcp.st_syn_received);
	pk->b_open = RTE_MAX(pk->b_open, open);
	pk->b_tcbs = RTE_MAX(pk->b_tcbs, open + sb.tcp.st_time_wait);
	pk->b_pool = RTE_MAX(pk->b_pool,
		rte_mempool_in_use_count(f->wb->pool));
	pk->flood_pool = RTE_MAX(pk->flood_pool,
		rte_mempool_in_use_count(fl->pool));
	pk->concurrent = RTE_MAX(pk->concurrent, bk->open_clients);
}

/* B's flood listener as its snapshot shows it (woshou-stat's view). */
static struct ws_listener_entry
flood_listener(struct fabric *f)
{
	struct ws_listener_entry e;
	const struct ws_snapshot *sn;
	unsigned int slot, i;
	bool found = false;

	assert_int_equal(ws_stack_snapshot(f->b, 0, 0), 0);
	sn = ws_stack_snapshot_acquire(f->b, &slot);
	for (i = 0; i < sn->workers[0].n_listeners; i++) {
		if (sn->workers[0].listeners[i].port != FLOOD_PORT)
			continue;
		e = sn->workers[0].listeners[i];
		found = true;
	}
	ws_stack_snapshot_release(f->b, slot);
	assert_true(found);
	return e;
}

static void
flood_run(struct fabric *f, bool always)
{
	static unsigned int seq;
	struct bulk *bk = bulk_new(FLOOD_CONNS, FLOOD_BYTES);
	struct flood fl = { .rng = always ? 0x5eed0002 : 0x5eed0001 };
	struct flood_peaks pk = { 0 };
	struct ws_listener_entry le;
	struct ws_stats sa, sb;
	unsigned int i, ok = 0, full_opts = 0, rounds = 0, conn_rounds;
	unsigned int a_pool_start, b_pool_start;
	double t0, t_conns, deadline;
	char name[32];

	snprintf(name, sizeof(name), "ws_flood_%u", seq++);
	fl.pool = rte_pktmbuf_pool_create(name, 2 * FLOOD_RING + 4 * WS_BURST,
		0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	assert_non_null(fl.pool);
	bk->server_w = f->wb;
	/*
	 * ARP first: the SYNs of the first wave would wait on one
	 * resolution, all but a few dropped, and come back only after A's
	 * 1 s initial RTO.
	 */
	send_a_to_b_proto_253(f);
	/* B's receive path holds A's mbufs: a leak there shows in A's pool. */
	a_pool_start = rte_mempool_in_use_count(f->wa->pool);
	b_pool_start = rte_mempool_in_use_count(f->wb->pool);
	assert_int_equal(ws_tcp_listen_worker(f->wb, FLOOD_PORT, &bulk_ops, bk),
		0);

	t0 = now_s();
	deadline = t0 + 120;
	while (bk->n_clients < bk->n_conns || bk->open_clients > 0) {
		bulk_start_clients(f, bk, FLOOD_PORT, FLOOD_CONCURRENT,
			(unsigned int)(fl.injected / FLOOD_WAVE_SYNS + 1) *
			FLOOD_CONCURRENT);
		flood_round(f, &fl);
		ws_worker_poll(f->wa);
		ws_worker_poll(f->wb);
		flood_sample(f, &fl, bk, &pk);
		if (++rounds % 1024 == 0) {
			le = flood_listener(f);
			assert_true(le.half_open <= FLOOD_BACKLOG);
			assert_int_equal(le.backlog, FLOOD_BACKLOG);
			if (always)
				assert_int_equal(le.half_open, 0);
			pk.snaps++;
			pk.snaps_cookie_mode += le.cookie_mode;
		}
		if (rounds % 65536 == 0 && now_s() > deadline)
			dump_and_fail(f, bk, "stalled under the flood");
	}
	t_conns = now_s() - t0;
	conn_rounds = rounds;
	/*
	 * Every TCB goes: TIME_WAIT (2 s) and the flood's half-open ones
	 * (auto mode). The flood's frames left the rings long before.
	 */
	for (;;) {
		ws_worker_poll(f->wa);
		ws_worker_poll(f->wb);
		flood_sample(f, &fl, bk, &pk);
		ws_stack_stats(f->a, -1, &sa);
		ws_stack_stats(f->b, -1, &sb);
		if (open_gauges(&sa) + sa.tcp.st_time_wait +
				open_gauges(&sb) + sb.tcp.st_time_wait == 0)
			break;
		if (++rounds % 65536 == 0 && now_s() > deadline)
			dump_and_fail(f, bk, "connections never closed");
	}
	/* The last frames either way still in the rings. */
	ws_test_poll_until_quiet(f->wa, f->wb);
	ws_stack_stats(f->a, -1, &sa);
	ws_stack_stats(f->b, -1, &sb);
	le = flood_listener(f);

	for (i = 0; i < bk->n_conns; i++) {
		const struct bulk_side *cl = &bk->clients[i];
		const struct bulk_side *sv = &bk->servers[i];

		if (side_ok(bk, cl) && side_ok(bk, sv))
			ok++;
		/*
		 * A offers everything; a cookie keeps it all (in the TSval)
		 * just as a TCB would, and the MSS (1460, a table entry).
		 */
		if (i < bk->n_servers && sv->ts && sv->sack && sv->wscale &&
				sv->mss == 1448 && cl->ts && cl->sack &&
				cl->wscale && cl->mss == 1448)
			full_opts++;
	}
	fprintf(stderr, "syn flood (%s): %" PRIu64 " flood SYNs injected "
		"(%" PRIu64 " held back: ring full); real conns %u/%u ok "
		"(%u by cookie, peak %u concurrent); cookie SYN-ACKs %" PRIu64
		", validated %" PRIu64 "; stateful SYN-ACKs %" PRIu64
		"; cookie mode on %" PRIu64 "x, off %" PRIu64 "x; peaks: "
		"SYN_RECEIVED %" PRIu64 ", open TCBs %" PRIu64 ", all TCBs %"
		PRIu64 ", B pool %u, flood mbufs %u; %.2f s (%u rounds) + "
		"%.2f s drain\n",
		always ? "always" : "auto", fl.injected, fl.skipped, ok,
		bk->n_conns, bk->n_cookie_accepts, pk.concurrent,
		sb.tcp.cookie_synack_tx, sb.tcp.cookie_validated,
		sb.tcp.synack_tx, sb.tcp.cookie_mode_on, sb.tcp.cookie_mode_off,
		pk.syn_received, pk.b_open, pk.b_tcbs, pk.b_pool,
		pk.flood_pool, t_conns, conn_rounds, now_s() - t0 - t_conns);

	/* The bar: at least 99.9% complete, byte-exact (expect all). */
	if (ok * 1000u < bk->n_conns * 999u)
		dump_and_fail(f, bk, "too few connections survived the flood");
	assert_int_equal(bk->n_servers, bk->n_conns);
	assert_int_equal(sb.tcp.passive_opens, bk->n_conns);
	assert_int_equal(full_opts, bk->n_conns);
	/* A flood that dwarfs the real connections, and outlasted them. */
	assert_true(fl.injected >= 10ull * FLOOD_CONNS);
	/* Every SYN got its SYN-ACK: none was dropped for want of room. */
	assert_true(sb.tcp.syn_rx >= fl.injected + FLOOD_CONNS);
	assert_int_equal(sb.tcp.syn_rx, sb.tcp.synack_tx +
		sb.tcp.cookie_synack_tx);
	assert_int_equal(sb.tcp.drop_backlog, 0);
	assert_int_equal(sb.tcp.drop_half_open, 0);
	assert_int_equal(sb.tcp.drop_table_full, 0);
	assert_int_equal(sb.tcp.drop_nombuf, 0);
	assert_int_equal(sb.tcp.accept_overflow, 0);
	/* Only real connections answer cookies, and always rightly. */
	assert_int_equal(sb.tcp.cookie_validated, bk->n_cookie_accepts);
	assert_int_equal(sb.tcp.cookie_bad_hash, 0);
	assert_int_equal(sb.tcp.cookie_too_old, 0);
	assert_int_equal(sb.tcp.cookie_bad_index, 0);
	assert_int_equal(le.cookies_sent, sb.tcp.cookie_synack_tx);
	assert_int_equal(le.cookies_validated, sb.tcp.cookie_validated);
	/* Every cookie SYN-ACK was the SYN's own mbuf turned around... */
	assert_int_equal(sb.tcp.cookie_synack_copied, 0);
	/* ... sent back to the flood's MAC, which A drops. */
	assert_true(sa.eth.drop_dst_mac <= sb.tcp.cookie_synack_tx -
		sb.tcp.cookie_validated);
	assert_true(sa.eth.drop_dst_mac + sb.tcp.synack_tx +
		sb.loop.tx_drop_full >= fl.injected);
	/* The half-open TCBs never exceeded the backlog... */
	assert_true(pk.syn_received <= FLOOD_BACKLOG);
	assert_int_equal(le.half_open, 0);
	if (always) {
		/* ... and with 'always' there were none at all. */
		assert_int_equal(pk.syn_received, 0);
		assert_int_equal(sb.tcp.synack_tx, 0);
		assert_int_equal(sb.tcp.cookie_synack_tx, sb.tcp.syn_rx);
		assert_int_equal(sb.tcp.cookie_validated, bk->n_conns);
		assert_int_equal(sb.tcp.cookie_mode_on, 0);
		assert_int_equal(pk.snaps_cookie_mode, pk.snaps);
		assert_true(le.cookie_mode);
	} else {
		/* The flood switched the listener to cookies... */
		assert_true(sb.tcp.cookie_mode_on >= 1);
		assert_true(pk.snaps_cookie_mode >= 1);
		assert_true(sb.tcp.cookie_synack_tx >= fl.injected / 2);
		assert_true(bk->n_cookie_accepts > 0);
		/* The rest had a TCB's SYN-ACK. */
		assert_true(sb.tcp.synack_tx >=
			bk->n_conns - bk->n_cookie_accepts);
		/* ... and, drained, back. */
		assert_int_equal(sb.tcp.cookie_mode_off, sb.tcp.cookie_mode_on);
		assert_false(le.cookie_mode);
	}
	/*
	 * B's TCBs: the backlog's half-open (none with 'always') and the
	 * real connections with, for a moment, some closing peers; the
	 * table's bound with TIME_WAIT.
	 */
	assert_true(pk.b_open <= (always ? 0 : FLOOD_BACKLOG) +
		FLOOD_CONCURRENT * 3 / 2);
	assert_true(pk.b_tcbs <= 2048);
	/* Mbufs: bounded throughout, whatever the flood, and all back. */
	assert_true(pk.b_pool <= FLOOD_B_POOL_MAX);
	assert_true(pk.flood_pool <= 2 * FLOOD_RING + 2 * WS_BURST);
	assert_int_equal(rte_mempool_in_use_count(fl.pool), 0);
	assert_int_equal(rte_mempool_in_use_count(f->wb->pool), b_pool_start);
	assert_int_equal(rte_mempool_in_use_count(f->wa->pool), a_pool_start);

	rte_mempool_free(fl.pool);
	bulk_free(bk);
}

/*
 * tcp.synack_retries=1 with a 200 ms initial RTO: the flood's stateful
 * half-opens (whose SYN-ACKs have no route) give up within a second, so
 * in auto mode the listener leaves cookie mode and the flood takes it
 * back there, again and again while the real connections run.
 */
static int
fabric_setup_cookies_auto(void **state)
{
	static const char *const b_sets[] = {
		"tcp.syncookies=auto", "tcp.backlog=64",
		"tcp.synack_retries=1", "tcp.rto_initial_ms=100",
	};

	return fabric_create(state, FLOOD_RING, NULL, 0, b_sets,
		RTE_DIM(b_sets));
}

static int
fabric_setup_cookies_always(void **state)
{
	static const char *const b_sets[] = {
		"tcp.syncookies=always", "tcp.backlog=64",
		"tcp.synack_retries=1", "tcp.rto_initial_ms=100",
	};

	return fabric_create(state, FLOOD_RING, NULL, 0, b_sets,
		RTE_DIM(b_sets));
}

static void
test_syn_flood_real_connections_complete_auto(void **state)
{
	flood_run(*state, false);
}

static void
test_syn_flood_real_connections_complete_always(void **state)
{
	flood_run(*state, true);
}

/*
 * ip.addr_count: A owns 198.18.0.10-12 and B 198.18.0.2-5. A connects from each of its addresses to each of B's;
 * every connection is accepted at the address it was made to, from the
 * address it was made from, and both ends agree on the 4-tuple.
 */
#define ALIAS_PORT 7070
#define ALIAS_A 3u
#define ALIAS_B 4u

struct alias_run {
	struct ws_tcp_info client[ALIAS_A * ALIAS_B];
	struct ws_tcp_info server[ALIAS_A * ALIAS_B];
	unsigned int n_connected, n_accepted, n_closed;
};

static struct alias_run *alias;

static void
alias_connected(struct ws_tcp_conn *c)
{
	ws_tcp_get_info(c, &alias->client[alias->n_connected++]);
	ws_tcp_close(c);
}

static int
alias_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)arg;
	ws_tcp_get_info(c, &alias->server[alias->n_accepted++]);
	return 0;
}

static void
alias_peer_closed(struct ws_tcp_conn *c)
{
	ws_tcp_close(c);
}

static void
alias_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	assert_int_equal(why, WS_TCP_CLOSED_NORMAL);
	alias->n_closed++;
}

static const struct ws_tcp_ops alias_ops = {
	.accepted = alias_accepted,
	.connected = alias_connected,
	.peer_closed = alias_peer_closed,
	.closed = alias_closed,
};

static int
fabric_setup_aliases(void **state)
{
	static const char *const a_sets[] = {
		"ip.addr=198.18.0.10/24", "ip.addr_count=3" };
	static const char *const b_sets[] = { "ip.addr_count=4" };

	return fabric_create(state, 1024, a_sets, RTE_DIM(a_sets), b_sets,
		RTE_DIM(b_sets));
}

static uint32_t
host_ip(uint32_t last_octet)
{
	return rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 0) | last_octet);
}

static void
test_connections_between_every_pair_of_addresses(void **state)
{
	struct fabric *f = *state;
	struct alias_run run = { .n_connected = 0 };
	bool seen[ALIAS_A][ALIAS_B] = { { false } };
	struct ws_stats sa, sb;
	unsigned int i, j;

	alias = &run;
	assert_int_equal(ws_worker_addr_count(f->wa), ALIAS_A);
	assert_int_equal(ws_tcp_listen_worker(f->wb, ALIAS_PORT, &alias_ops,
		NULL), 0);
	ws_test_poll_until_quiet(f->wa, f->wb);
	for (i = 0; i < ALIAS_A; i++)
		for (j = 0; j < ALIAS_B; j++)
			assert_non_null(ws_tcp_connect_from(f->wa,
				host_ip(10 + i), host_ip(2 + j), ALIAS_PORT,
				&alias_ops, NULL));
	/* Not ours: refused before anything is sent. */
	assert_null(ws_tcp_connect_from(f->wa, host_ip(13), host_ip(2),
		ALIAS_PORT, &alias_ops, NULL));
	assert_int_equal(rte_errno, EINVAL);
	ws_tx_flush(f->wa);
	ws_test_poll_until_quiet(f->wa, f->wb);

	assert_int_equal(run.n_connected, ALIAS_A * ALIAS_B);
	assert_int_equal(run.n_accepted, ALIAS_A * ALIAS_B);
	assert_int_equal(run.n_closed, 2 * ALIAS_A * ALIAS_B);
	for (i = 0; i < ALIAS_A * ALIAS_B; i++) {
		const struct ws_tcp_info *srv = &run.server[i];
		uint32_t from = rte_be_to_cpu_32(srv->remote_addr) & 0xff;
		uint32_t to = rte_be_to_cpu_32(srv->local_addr) & 0xff;

		assert_in_range(from, 10, 9 + ALIAS_A);
		assert_in_range(to, 2, 1 + ALIAS_B);
		assert_false(seen[from - 10][to - 2]);
		seen[from - 10][to - 2] = true;
	}
	for (i = 0; i < ALIAS_A * ALIAS_B; i++) {
		const struct ws_tcp_info *cl = &run.client[i];

		/* Made in order: source i / ALIAS_B, destination i % ALIAS_B. */
		assert_int_equal(cl->local_addr, host_ip(10 + i / ALIAS_B));
		assert_int_equal(cl->remote_addr, host_ip(2 + i % ALIAS_B));
	}
	ws_stack_stats(f->a, -1, &sa);
	ws_stack_stats(f->b, -1, &sb);
	/* Each side resolved each of the other's addresses it used. */
	assert_int_equal(sa.arp.requests_tx, ALIAS_B);
	assert_int_equal(sb.arp.replies_tx, ALIAS_B);
	assert_int_equal(sb.tcp.passive_opens, ALIAS_A * ALIAS_B);
	assert_int_equal(sb.tcp.drop_broadcast, 0);
	alias = NULL;
}

#define FABRIC_TEST(fn) cmocka_unit_test_setup_teardown(fn, fabric_setup, \
	fabric_teardown)

static const struct CMUnitTest tests[] = {
	FABRIC_TEST(test_announcements_cross_the_fabric),
	FABRIC_TEST(test_datagram_resolves_and_gets_protocol_unreachable),
	cmocka_unit_test_setup_teardown(
		test_connections_between_every_pair_of_addresses,
		fabric_setup_aliases, fabric_teardown),
	FABRIC_TEST(test_conn_opts_between_two_stacks),
	cmocka_unit_test_setup_teardown(
		test_1000_connections_1mb_each_way_byte_exact,
		fabric_setup_bulk, fabric_teardown),
	cmocka_unit_test_setup_teardown(
		test_syn_flood_real_connections_complete_auto,
		fabric_setup_cookies_auto, fabric_teardown),
	cmocka_unit_test_setup_teardown(
		test_syn_flood_real_connections_complete_always,
		fabric_setup_cookies_always, fabric_teardown),
};

WS_TEST_MAIN(tests)
