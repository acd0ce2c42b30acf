/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Two whole stacks in one process, joined by a cross-connected net_ring
 * pair (rte_eth_from_rings) and driven by hand with ws_worker_poll(): the
 * deterministic fabric for end-to-end tests that need no root and no tap.
 * Stack A is 198.18.0.1, stack B 198.18.0.2.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_ipv4.h"
#include "ws_tcp_api.h"
#include "ws_test.h"

struct fabric {
	struct rte_ring *a_to_b, *b_to_a;
	struct ws_stack *a, *b;
	struct ws_worker *wa, *wb;
};

/* net_ring ports start with an all-zero MAC, which ARP rightly refuses. */
static struct ws_stack *
make_stack(const char *port_name, const char *addr, const char *mac,
		struct rte_ring *rx, struct rte_ring *tx)
{
	struct ws_config cfg;
	char err[WS_CFG_ERR_LEN];
	char addr_set[64], dev_set[64 + RTE_ETH_NAME_MAX_LEN];
	char dev_name[RTE_ETH_NAME_MAX_LEN];
	char mac_set[64];
	const char *sets[] = {
		addr_set, dev_set, mac_set, "port.mbufs=16383",
		"tcp.max_connections=2048", "tcp.sndbuf=65536",
		"tcp.rcvbuf=65536", "tcp.msl_ms=1000",
	};
	char path[] = "/tmp/ws_ring_XXXXXX";
	struct ws_stack *s;
	int fd, port;

	port = rte_eth_from_rings(port_name, &rx, 1, &tx, 1, SOCKET_ID_ANY);
	assert_true(port >= 0);
	/* The driver prefixes the name it is given; ask for the real one. */
	assert_int_equal(rte_eth_dev_get_name_by_port(port, dev_name), 0);
	/* The loader wants a file; an empty one means "all defaults". */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[ip]\naddr = 198.18.0.9/24\n", 26), 26);
	close(fd);
	snprintf(addr_set, sizeof(addr_set), "ip.addr=%s", addr);
	snprintf(dev_set, sizeof(dev_set), "port.device=%s", dev_name);
	snprintf(mac_set, sizeof(mac_set), "port.mac=%s", mac);
	assert_int_equal(ws_config_load(&cfg, path, sets, RTE_DIM(sets), err,
		sizeof(err)), 0);
	unlink(path);
	s = ws_stack_create(&cfg);
	assert_non_null(s);
	assert_int_equal(ws_stack_start_manual(s), 0);
	return s;
}

static int
fabric_setup(void **state)
{
	static unsigned int seq;
	struct fabric *f = calloc(1, sizeof(*f));
	char name[32], pa[32], pb[32];

	assert_non_null(f);
	snprintf(name, sizeof(name), "ws_ab_%u", seq);
	f->a_to_b = rte_ring_create(name, 1024, SOCKET_ID_ANY, 0);
	snprintf(name, sizeof(name), "ws_ba_%u", seq);
	f->b_to_a = rte_ring_create(name, 1024, SOCKET_ID_ANY, 0);
	assert_non_null(f->a_to_b);
	assert_non_null(f->b_to_a);
	snprintf(pa, sizeof(pa), "ws_ring_a%u", seq);
	snprintf(pb, sizeof(pb), "ws_ring_b%u", seq++);
	f->a = make_stack(pa, "198.18.0.1/24", "02:00:00:00:0a:01", f->b_to_a,
		f->a_to_b);
	f->b = make_stack(pb, "198.18.0.2/24", "02:00:00:00:0b:02", f->a_to_b,
		f->b_to_a);
	f->wa = ws_stack_worker(f->a, 0);
	f->wb = ws_stack_worker(f->b, 0);
	*state = f;
	return 0;
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

/* Poll both until neither receives anything for a few rounds. */
static void
run_until_quiet(struct fabric *f)
{
	unsigned int quiet = 0, rounds = 0;

	while (quiet < 4) {
		unsigned int n = ws_worker_poll(f->wa) + ws_worker_poll(f->wb);

		quiet = n == 0 ? quiet + 1 : 0;
		assert_true(++rounds < 100000);
	}
}

static void
test_announcements_cross_the_fabric(void **state)
{
	struct fabric *f = *state;
	struct ws_stats sa, sb;

	run_until_quiet(f);
	ws_stack_stats(f->a, -1, &sa);
	ws_stack_stats(f->b, -1, &sb);
	/* Each saw the other's gratuitous ARP and (rightly) learned nothing. */
	assert_int_equal(sa.arp.rx, 1);
	assert_int_equal(sb.arp.rx, 1);
	assert_int_equal(sa.arp.learned, 0);
	assert_int_equal(sb.arp.learned, 0);
}

static void
test_datagram_resolves_and_gets_protocol_unreachable(void **state)
{
	struct fabric *f = *state;
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->wa->pool);
	struct rte_ipv4_hdr *ip;
	struct ws_stats sa, sb;
	char *payload;

	run_until_quiet(f);
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
	run_until_quiet(f);

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
};

struct bulk {
	struct bulk_side clients[BULK_CONNS];
	struct bulk_side servers[BULK_CONNS];
	unsigned int n_clients, n_servers, open_clients;
};

static struct bulk *bulk_run;

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

	while (b->sent < BULK_BYTES) {
		n = RTE_MIN((uint32_t)sizeof(buf), BULK_BYTES - b->sent);
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
	if (b >= bulk_run->clients && b < bulk_run->clients + BULK_CONNS)
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

	assert_true(bk->n_servers < BULK_CONNS);
	bulk_begin(&bk->servers[bk->n_servers++], c, false);
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
side_ok(const struct bulk_side *b)
{
	return b->sent == BULK_BYTES && b->received == BULK_BYTES &&
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
	for (i = 0; i < BULK_CONNS; i++) {
		const struct bulk_side *sides[2] = {
			&bk->clients[i], &bk->servers[i] };

		for (k = 0; k < 2; k++) {
			if (side_ok(sides[k]))
				continue;
			fprintf(stderr, "first bad: %s %u sent %u received %u "
				"bad_byte %d closed %d why %d\n",
				k ? "server" : "client", i, sides[k]->sent,
				sides[k]->received, sides[k]->bad_byte,
				sides[k]->closed, sides[k]->why);
			i = BULK_CONNS;
			break;
		}
	}
	ws_stats_print(stderr, &sa, "A ");
	ws_stats_print(stderr, &sb, "B ");
	fail_msg("%s", what);
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
	struct bulk *bk = calloc(1, sizeof(*bk));
	struct ws_stats sa, sb;
	unsigned int i, rounds = 0, snapshots = 0;
	/* Generous: a connection that lost frames recovers by RTO backoff. */
	double deadline = now_s() + 120;

	assert_non_null(bk);
	bulk_run = bk;
	run_until_quiet(f);
	assert_int_equal(ws_tcp_listen_worker(f->wb, BULK_PORT, &bulk_ops, bk),
		0);
	while (bk->n_clients < BULK_CONNS || bk->open_clients > 0) {
		while (bk->n_clients < BULK_CONNS &&
				bk->open_clients < BULK_CONCURRENT) {
			struct bulk_side *b = &bk->clients[bk->n_clients++];
			struct ws_tcp_conn *c;

			c = ws_tcp_connect(f->wa,
				rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2)),
				BULK_PORT, &bulk_ops, b);
			assert_non_null(c);
			b->c = c;
			bk->open_clients++;
		}
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
	for (;;) {
		ws_worker_poll(f->wa);
		ws_worker_poll(f->wb);
		ws_stack_stats(f->a, -1, &sa);
		ws_stack_stats(f->b, -1, &sb);
		if (open_gauges(&sa) + open_gauges(&sb) == 0 &&
				sa.tcp.st_time_wait + sb.tcp.st_time_wait == 0)
			break;
		if (++rounds % 65536 == 0 && now_s() > deadline)
			dump_and_fail(f, bk, "connections never closed");
	}

	assert_true(snapshots > 0);
	assert_int_equal(bk->n_servers, BULK_CONNS);
	for (i = 0; i < BULK_CONNS; i++)
		if (!side_ok(&bk->clients[i]) || !side_ok(&bk->servers[i]))
			dump_and_fail(f, bk, "a connection did not finish cleanly");
	free(bk);
}

#define FABRIC_TEST(fn) cmocka_unit_test_setup_teardown(fn, fabric_setup, \
	fabric_teardown)

static const struct CMUnitTest tests[] = {
	FABRIC_TEST(test_announcements_cross_the_fabric),
	FABRIC_TEST(test_datagram_resolves_and_gets_protocol_unreachable),
	FABRIC_TEST(test_1000_connections_1mb_each_way_byte_exact),
};

WS_TEST_MAIN(tests)
