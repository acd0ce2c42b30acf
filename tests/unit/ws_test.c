/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_test.h"

const struct rte_ether_addr ws_test_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
const struct rte_ether_addr ws_test_peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

#define POOL_MBUFS 2047

void
ws_test_eal_init(void)
{
	/*
	 * In DPDK 22.11 --in-memory cannot be combined with --no-huge;
	 * --no-shconf keeps the runs from sharing anything on disk.
	 */
	char *argv[] = {
		"ws_unit", "--no-huge", "--no-shconf", "--no-pci",
		"--no-telemetry", "-m", "256", "-l", "0",
		"--log-level", "*:error", "--file-prefix", "ws_unit", NULL,
	};
	int argc = (int)RTE_DIM(argv) - 1;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
}

static uint16_t
capture_tx(struct ws_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct ws_test_env *env = w->tx_ctx;
	uint16_t i, take = RTE_MIN(n, env->tx_accept);

	for (i = 0; i < take; i++) {
		assert_true(env->n_captured < WS_TEST_CAPTURE_MAX);
		env->captured[env->n_captured++] = pkts[i];
	}
	return take;
}

static void
env_worker_start(struct ws_test_env *env)
{
	struct ws_clock clock;

	ws_clock_init_manual(&clock, &env->ticks, WS_TEST_HZ);
	assert_int_equal(ws_worker_init(&env->w, 0, &env->cfg, &env->iface,
		env->pool, env->indirect_pool, &clock, NULL, SOCKET_ID_ANY), 0);
	env->w.tx_fn = capture_tx;
	env->w.tx_ctx = env;
}

int
ws_test_setup(void **state)
{
	struct ws_test_env *env;
	static unsigned int seq;
	char name[RTE_MEMPOOL_NAMESIZE];

	env = calloc(1, sizeof(*env));
	assert_non_null(env);
	ws_config_defaults(&env->cfg);
	env->cfg.workers.count = 1;
	env->cfg.workers.lcores[0] = 0;
	env->cfg.ip.addr = rte_cpu_to_be_32(WS_TEST_IP);
	env->cfg.ip.prefix_len = 24;
	env->cfg.port.mtu = 1500;

	env->iface.mac = ws_test_mac;
	ws_iface_set_addrs(&env->iface, rte_cpu_to_be_32(WS_TEST_IP), 1);
	env->iface.netmask = rte_cpu_to_be_32(0xffffff00);
	env->iface.mtu = 1500;

	snprintf(name, sizeof(name), "wst_pkt_%u", seq);
	env->pool = rte_pktmbuf_pool_create(name, POOL_MBUFS, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	assert_non_null(env->pool);
	snprintf(name, sizeof(name), "wst_ind_%u", seq++);
	env->indirect_pool = rte_pktmbuf_pool_create(name, 1023, 0, 0, 0,
		SOCKET_ID_ANY);
	assert_non_null(env->indirect_pool);
	env->tx_accept = UINT16_MAX;
	env->ticks = 1000 * WS_TEST_HZ;	/* well away from zero */

	env_worker_start(env);
	*state = env;
	return 0;
}

void
ws_test_env_reinit(struct ws_test_env *env)
{
	ws_test_clear_captured(env);
	ws_worker_fini(&env->w);
	env_worker_start(env);
}

void
ws_test_ip_configure(struct ws_test_env *env, uint32_t frag_entries,
		uint32_t unreach_rate, uint32_t unreach_burst)
{
	env->cfg.ip.ttl = 64;
	env->cfg.ip.frag_entries = frag_entries;
	env->cfg.ip.frag_timeout_ms = WS_TEST_FRAG_TIMEOUT_MS;
	env->cfg.icmp.echo = true;
	env->cfg.icmp.unreach_rate = unreach_rate;
	env->cfg.icmp.unreach_burst = unreach_burst;
	env->cfg.arp.reachable_ms = 3600000;
	env->cfg.arp.stale_ms = 3600000;
	ws_test_env_reinit(env);
}

int
ws_test_ip_setup(void **state)
{
	int ret = ws_test_setup(state);

	if (ret == 0) {
		ws_test_ip_configure(*state, 64, 100, 50);
		ws_test_learn_peer(*state);
	}
	return ret;
}

const uint8_t *
ws_test_pattern(size_t len)
{
	static uint8_t data[65536];
	size_t i;

	assert_true(len <= sizeof(data));
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	return data;
}

int
ws_test_teardown(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_clear_captured(env);
	ws_worker_fini(&env->w);
	rte_mempool_free(env->pool);
	rte_mempool_free(env->indirect_pool);
	free(env);
	return 0;
}

void
ws_test_advance_ms(struct ws_test_env *env, uint64_t ms)
{
	env->ticks += ms * (WS_TEST_HZ / 1000);
	env->w.now = env->ticks;
}

struct rte_mbuf *
ws_test_mbuf(struct ws_test_env *env, const void *data, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->pool);
	char *p;

	assert_non_null(m);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(p);
	memcpy(p, data, len);
	return m;
}

void
ws_test_input_mbuf(struct ws_test_env *env, struct rte_mbuf *m)
{
	env->w.now = env->ticks;
	ws_worker_input(&env->w, &m, 1);
}

void
ws_test_input(struct ws_test_env *env, const void *frame, size_t len)
{
	ws_test_input_mbuf(env, ws_test_mbuf(env, frame, len));
}

void
ws_test_learn_peer(struct ws_test_env *env)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	uint8_t frame[64];
	size_t off = ws_test_eth(frame, &bcast, &ws_test_peer_mac,
		RTE_ETHER_TYPE_ARP);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(frame + off);

	memset(arp, 0, sizeof(*arp));
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = ws_test_peer_mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(WS_TEST_PEER_IP);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(WS_TEST_IP);
	ws_test_input(env, frame, off + sizeof(*arp));
	ws_test_clear_captured(env);
}

void
ws_test_run_timers(struct ws_test_env *env)
{
	env->w.now = env->ticks;
	ws_worker_timers(&env->w);
	ws_tx_flush(&env->w);
}

size_t
ws_test_captured(struct ws_test_env *env, unsigned int i, uint8_t *buf,
		size_t cap)
{
	const struct rte_mbuf *m;
	const void *p;

	assert_true(i < env->n_captured);
	m = env->captured[i];
	assert_true(m->pkt_len <= cap);
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	assert_non_null(p);
	if (p != buf)
		memcpy(buf, p, m->pkt_len);
	return m->pkt_len;
}

void
ws_test_clear_captured(struct ws_test_env *env)
{
	unsigned int i;

	for (i = 0; i < env->n_captured; i++)
		rte_pktmbuf_free(env->captured[i]);
	env->n_captured = 0;
}

unsigned int
ws_test_mbufs_in_use(struct ws_test_env *env)
{
	return rte_mempool_in_use_count(env->pool);
}

void
ws_test_assert_no_leak(struct ws_test_env *env)
{
	ws_test_clear_captured(env);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
	assert_int_equal(rte_mempool_in_use_count(env->indirect_pool), 0);
}

void
ws_test_assert_frame(struct ws_test_env *env, unsigned int i,
		const void *expect, size_t len)
{
	static uint8_t out[16384];

	assert_int_equal(ws_test_captured(env, i, out, sizeof(out)), len);
	assert_memory_equal(out, expect, len);
}

uint16_t
ws_test_ip_id(struct ws_test_env *env, unsigned int i)
{
	uint8_t b[2];
	const uint8_t *p;

	assert_true(i < env->n_captured);
	p = rte_pktmbuf_read(env->captured[i], 14 + 4, sizeof(b), b);
	assert_non_null(p);
	return (uint16_t)(p[0] << 8 | p[1]);
}

void
ws_test_ip_recksum(uint8_t *ip)
{
	uint16_t ck;

	ip[10] = 0;
	ip[11] = 0;
	ck = ws_test_cksum(ip, (ip[0] & 0xf) * 4);
	ip[10] = ck >> 8;
	ip[11] = ck & 0xff;
}

size_t
ws_test_eth(uint8_t *buf, const struct rte_ether_addr *dst,
		const struct rte_ether_addr *src, uint16_t type)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;

	eh->dst_addr = *dst;
	eh->src_addr = *src;
	eh->ether_type = rte_cpu_to_be_16(type);
	return sizeof(*eh);
}

uint16_t
ws_test_cksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t
ws_test_ipv4_frame(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto,
		uint16_t id, uint16_t frag_off, const void *payload,
		size_t payload_len)
{
	size_t off = ws_test_eth(buf, &ws_test_mac, &ws_test_peer_mac,
		RTE_ETHER_TYPE_IPV4);
	uint8_t *ip = buf + off;
	uint16_t total = (uint16_t)(20 + payload_len), ck;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = total >> 8;
	ip[3] = total & 0xff;
	ip[4] = id >> 8;
	ip[5] = id & 0xff;
	ip[6] = frag_off >> 8;
	ip[7] = frag_off & 0xff;
	ip[8] = 64;
	ip[9] = proto;
	ip[12] = src >> 24; ip[13] = src >> 16; ip[14] = src >> 8; ip[15] = src;
	ip[16] = dst >> 24; ip[17] = dst >> 16; ip[18] = dst >> 8; ip[19] = dst;
	ck = ws_test_cksum(ip, 20);
	ip[10] = ck >> 8;
	ip[11] = ck & 0xff;
	memcpy(ip + 20, payload, payload_len);
	return off + total;
}

size_t
ws_test_icmp_echo(uint8_t *buf, uint8_t type, uint16_t ident, uint16_t seq,
		const void *data, size_t data_len)
{
	uint16_t ck;

	buf[0] = type;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = 0;
	buf[4] = ident >> 8;
	buf[5] = ident & 0xff;
	buf[6] = seq >> 8;
	buf[7] = seq & 0xff;
	memcpy(buf + 8, data, data_len);
	ck = ws_test_cksum(buf, 8 + data_len);
	buf[2] = ck >> 8;
	buf[3] = ck & 0xff;
	return 8 + data_len;
}

struct rte_ring *
ws_test_ring(unsigned int size, unsigned int flags)
{
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "ws_test_r%u", seq++);
	r = rte_ring_create(name, size, SOCKET_ID_ANY, flags);
	assert_non_null(r);
	return r;
}

void
ws_test_poll_until_quiet(struct ws_worker *a, struct ws_worker *b)
{
	unsigned int quiet = 0, rounds = 0;

	while (quiet < 4) {
		unsigned int n = ws_worker_poll(a) + ws_worker_poll(b);

		quiet = n == 0 ? quiet + 1 : 0;
		assert_true(++rounds < 100000);
	}
}

#define WS_TEST_RING_SETS 32

struct ws_stack *
ws_test_ring_stack(struct rte_ring **rx, struct rte_ring **tx, unsigned int n,
		const char *const *sets, unsigned int n_sets)
{
	static unsigned int seq;
	char port_name[32], dev_name[RTE_ETH_NAME_MAX_LEN];
	char dev_set[64 + RTE_ETH_NAME_MAX_LEN], err[WS_CFG_ERR_LEN];
	const char *all[WS_TEST_RING_SETS + 1];
	char path[] = "/tmp/ws_test_XXXXXX";
	struct ws_config cfg;
	struct ws_stack *s;
	unsigned int i;
	int fd, port;

	assert_true(n_sets <= WS_TEST_RING_SETS);
	snprintf(port_name, sizeof(port_name), "ws_test_ring%u", seq++);
	port = rte_eth_from_rings(port_name, rx, n, tx, n, SOCKET_ID_ANY);
	assert_true(port >= 0);
	/* The driver prefixes the name it is given; ask for the real one. */
	assert_int_equal(rte_eth_dev_get_name_by_port(port, dev_name), 0);
	snprintf(dev_set, sizeof(dev_set), "port.device=%s", dev_name);
	all[0] = dev_set;
	for (i = 0; i < n_sets; i++)
		all[i + 1] = sets[i];
	/* The loader wants a file; an empty one means "all defaults". */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	if (ws_config_load(&cfg, path, all, n_sets + 1, err, sizeof(err)) != 0)
		fail_msg("config: %s", err);
	unlink(path);
	s = ws_stack_create(&cfg);
	if (s == NULL)
		fail_msg("stack: %s", rte_strerror(rte_errno));
	assert_int_equal(ws_stack_worker_count(s), n);
	return s;
}
