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
#include <unistd.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_ipv4.h"
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
	const char *sets[] = { addr_set, dev_set, mac_set, "port.mbufs=2047" };
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

#define FABRIC_TEST(fn) cmocka_unit_test_setup_teardown(fn, fabric_setup, \
	fabric_teardown)

static const struct CMUnitTest tests[] = {
	FABRIC_TEST(test_announcements_cross_the_fabric),
	FABRIC_TEST(test_datagram_resolves_and_gets_protocol_unreachable),
};

WS_TEST_MAIN(tests)
