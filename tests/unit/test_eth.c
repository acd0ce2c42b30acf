/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Ethernet classification: which frames reach ARP/IPv4 and which are
 * dropped under which counter. A frame the stack accepts but has nothing to
 * say to still shows up in the next module's rx counter, which is how these
 * tests see that it was passed on.
 */

#include <string.h>

#include "ws_eth.h"
#include "ws_test.h"

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr other = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 } };
static const struct rte_ether_addr mcast = {
	.addr_bytes = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 } };

static void
send_frame(struct ws_test_env *env, const struct rte_ether_addr *dst,
		const struct rte_ether_addr *src, uint16_t type, size_t len)
{
	uint8_t buf[128];

	memset(buf, 0, sizeof(buf));
	ws_test_eth(buf, dst, src, type);
	ws_test_input(env, buf, len);
}

static void
test_runt_dropped(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t buf[13] = { 0 };

	ws_test_input(env, buf, sizeof(buf));
	ws_test_input(env, buf, 0);
	assert_int_equal(env->w.stats.eth.rx, 2);
	assert_int_equal(env->w.stats.eth.drop_runt, 2);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_other_unicast_dropped(void **state)
{
	struct ws_test_env *env = *state;

	send_frame(env, &other, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV4, 60);
	assert_int_equal(env->w.stats.eth.drop_dst_mac, 1);
	assert_int_equal(env->w.stats.ip.rx, 0);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_multicast_dropped(void **state)
{
	struct ws_test_env *env = *state;

	send_frame(env, &mcast, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV6, 60);
	assert_int_equal(env->w.stats.eth.drop_multicast, 1);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_group_source_dropped(void **state)
{
	struct ws_test_env *env = *state;

	send_frame(env, &ws_test_mac, &mcast, RTE_ETHER_TYPE_IPV4, 60);
	assert_int_equal(env->w.stats.eth.drop_bad_src_mac, 1);
	assert_int_equal(env->w.stats.ip.rx, 0);
}

static void
test_vlan_tagged_dropped(void **state)
{
	struct ws_test_env *env = *state;

	send_frame(env, &ws_test_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_VLAN, 64);
	send_frame(env, &ws_test_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_QINQ, 64);
	assert_int_equal(env->w.stats.eth.drop_vlan, 2);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_unknown_ethertype_dropped(void **state)
{
	struct ws_test_env *env = *state;

	send_frame(env, &ws_test_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV6, 60);
	send_frame(env, &bcast, &ws_test_peer_mac, 0x88cc /* LLDP */, 60);
	assert_int_equal(env->w.stats.eth.drop_ethertype, 2);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_ours_and_broadcast_passed_on(void **state)
{
	struct ws_test_env *env = *state;

	send_frame(env, &ws_test_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV4, 60);
	send_frame(env, &bcast, &ws_test_peer_mac, RTE_ETHER_TYPE_ARP, 60);
	assert_int_equal(env->w.stats.eth.rx, 2);
	assert_int_equal(env->w.stats.ip.rx, 1);
	assert_int_equal(env->w.stats.arp.rx, 1);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_output_builds_header(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t payload[4] = { 1, 2, 3, 4 };
	const uint8_t expect[18] = {
		0x02, 0, 0, 0, 0, 0x01,		/* dst: peer */
		0x02, 0, 0, 0, 0, 0x02,		/* src: us */
		0x08, 0x06,			/* ARP */
		1, 2, 3, 4,
	};
	uint8_t out[64];
	struct rte_mbuf *m = ws_test_mbuf(env, payload, sizeof(payload));

	ws_eth_output(&env->w, m, &ws_test_peer_mac, RTE_ETHER_TYPE_ARP);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	assert_int_equal(ws_test_captured(env, 0, out, sizeof(out)),
		sizeof(expect));
	assert_memory_equal(out, expect, sizeof(expect));
	assert_int_equal(env->w.stats.eth.tx, 1);
	assert_int_equal(env->w.stats.loop.tx_pkts, 1);
	assert_int_equal(env->w.stats.loop.tx_bytes, sizeof(expect));
}

static void
test_tx_refusal_counted_and_freed(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t payload[4] = { 0 };
	int i;

	env->tx_accept = 1;
	for (i = 0; i < 3; i++)
		ws_eth_output(&env->w, ws_test_mbuf(env, payload, 4),
			&ws_test_peer_mac, RTE_ETHER_TYPE_ARP);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	assert_int_equal(env->w.stats.loop.tx_drop_full, 2);
	ws_test_clear_captured(env);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

#define ENV_TEST(fn) cmocka_unit_test_setup_teardown(fn, ws_test_setup, \
	ws_test_teardown)

static const struct CMUnitTest tests[] = {
	ENV_TEST(test_runt_dropped),
	ENV_TEST(test_other_unicast_dropped),
	ENV_TEST(test_multicast_dropped),
	ENV_TEST(test_group_source_dropped),
	ENV_TEST(test_vlan_tagged_dropped),
	ENV_TEST(test_unknown_ethertype_dropped),
	ENV_TEST(test_ours_and_broadcast_passed_on),
	ENV_TEST(test_output_builds_header),
	ENV_TEST(test_tx_refusal_counted_and_freed),
};

WS_TEST_MAIN(tests)
