/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * ICMP (RFC 792, RFC 1122 3.2.2): the echo server byte for byte, what is
 * received and ignored, and the destination-unreachable builder with the
 * cases RFC 1122 forbids, its rate limit and its 576-byte cap.
 *
 * Addresses are in 198.18.0.0/15, except where a test is about an address
 * class (multicast, loopback, ...): those frames only exist in memory.
 */

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_mempool.h>

#include "ws_icmp.h"
#include "ws_tcp_api.h"
#include "ws_test.h"

#define IPV4 WS_TEST_IPV4

#define US IPV4(198, 18, 0, 2)		/* WS_TEST_IP */
#define PEER IPV4(198, 18, 0, 1)	/* WS_TEST_PEER_IP */
#define SUBNET_BCAST IPV4(198, 18, 0, 255)

#define ETH_LEN 14
#define IP_LEN 20
#define FRAME_MAX 2048

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr mcast_mac = {
	.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

/* An ICMP message of 'type' (echo layout) from the peer to 'dst'. */
static size_t
icmp_frame(uint8_t *buf, uint32_t dst, uint8_t type, size_t data_len)
{
	uint8_t icmp[FRAME_MAX];
	size_t n = ws_test_icmp_echo(icmp, type, 0xbeef, 0x0102,
		ws_test_pattern(data_len), data_len);

	return ws_test_ipv4_frame(buf, PEER, dst, IPPROTO_ICMP, 0x0101, 0,
		icmp, n);
}

/* Our reply with IP ID 'id' (secret: tests take it from the frame). */
static size_t
expected_reply_from(uint8_t *buf, uint32_t src, size_t data_len, uint8_t tos,
		uint16_t id)
{
	uint8_t icmp[FRAME_MAX];
	size_t n = ws_test_icmp_echo(icmp, 0, 0xbeef, 0x0102,
		ws_test_pattern(data_len), data_len);

	n = ws_test_ipv4_frame(buf, src, PEER, IPPROTO_ICMP, id, 0, icmp, n);
	ws_test_eth(buf, &ws_test_peer_mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	buf[ETH_LEN + 1] = tos;
	ws_test_ip_recksum(buf + ETH_LEN);
	return n;
}

static size_t
expected_reply(uint8_t *buf, size_t data_len, uint8_t tos, uint16_t id)
{
	return expected_reply_from(buf, US, data_len, tos, id);
}

/* Feed one frame; it must be counted by 'counter' and answered by nothing. */
static void
expect_ignored(struct ws_test_env *env, const uint8_t *frame, size_t len,
		const uint64_t *counter)
{
	uint64_t before = *counter;

	ws_test_input(env, frame, len);
	assert_int_equal(*counter, before + 1);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.icmp.echo_tx, 0);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Echo.                                                               */

static void
test_echo_reply_exact(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX], out[FRAME_MAX];
	size_t len = icmp_frame(frame, US, 8, 56), expect_len;

	ws_test_input(env, frame, len);
	assert_int_equal(env->w.stats.icmp.rx, 1);
	assert_int_equal(env->w.stats.icmp.echo_rx, 1);
	assert_int_equal(env->w.stats.icmp.echo_tx, 1);
	assert_int_equal(env->w.stats.ip.tx, 1);

	expect_len = expected_reply(expect, 56, 0, ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	/* Identifier, sequence and data as sent; both checksums hold. */
	ws_test_captured(env, 0, out, sizeof(out));
	assert_memory_equal(out + ETH_LEN + IP_LEN + 4,
		frame + ETH_LEN + IP_LEN + 4, 4 + 56);
	assert_int_equal(ws_test_cksum(out + ETH_LEN, IP_LEN), 0);
	assert_int_equal(ws_test_cksum(out + ETH_LEN + IP_LEN, 8 + 56), 0);
	ws_test_assert_no_leak(env);
}

static void
test_echo_with_options_replied_without(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t plain[FRAME_MAX], frame[FRAME_MAX], expect[FRAME_MAX];
	/* Record route with room for two addresses, then EOL padding. */
	static const uint8_t opts[12] = {
		7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	size_t plain_len = icmp_frame(plain, US, 8, 32), expect_len;

	memcpy(frame, plain, ETH_LEN + IP_LEN);
	memcpy(frame + ETH_LEN + IP_LEN, opts, sizeof(opts));
	memcpy(frame + ETH_LEN + IP_LEN + sizeof(opts),
		plain + ETH_LEN + IP_LEN, plain_len - ETH_LEN - IP_LEN);
	frame[ETH_LEN] = 0x48;
	frame[ETH_LEN + 1] = 0x10;	/* TOS: kept in the reply */
	frame[ETH_LEN + 3] += sizeof(opts);
	ws_test_ip_recksum(frame + ETH_LEN);
	ws_test_input(env, frame, plain_len + sizeof(opts));

	assert_int_equal(env->w.stats.ip.rx_options, 1);
	expect_len = expected_reply(expect, 32, 0x10,
		ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	ws_test_assert_no_leak(env);
}

static void
test_echo_chained_odd_split(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	size_t len = icmp_frame(frame, US, 8, 301), expect_len;
	/* The second segment starts at an odd offset of the message. */
	const size_t split = ETH_LEN + IP_LEN + 8 + 5;
	struct rte_mbuf *head, *tail;

	head = ws_test_mbuf(env, frame, split);
	tail = ws_test_mbuf(env, frame + split, len - split);
	assert_int_equal(rte_pktmbuf_chain(head, tail), 0);
	ws_test_input_mbuf(env, head);

	assert_int_equal(env->w.stats.icmp.drop_cksum, 0);
	expect_len = expected_reply(expect, 301, 0,
		ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	ws_test_assert_no_leak(env);
}

/* ip.addr_count = 3: a ping to .4 is answered from .4; .5 is not ours. */
static void
test_echo_to_each_of_our_addresses(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	size_t len, expect_len;

	ws_iface_set_addrs(&env->iface, rte_cpu_to_be_32(US), 3);
	len = icmp_frame(frame, US + 2, 8, 24);
	ws_test_input(env, frame, len);
	assert_int_equal(env->n_captured, 1);
	expect_len = expected_reply_from(expect, US + 2, 24, 0,
		ws_test_ip_id(env, 0));
	ws_test_assert_frame(env, 0, expect, expect_len);

	ws_test_clear_captured(env);
	len = icmp_frame(frame, US + 3, 8, 24);
	ws_test_input(env, frame, len);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.ip.drop_not_ours, 1);
	assert_int_equal(env->w.stats.icmp.echo_rx, 1);
	ws_test_assert_no_leak(env);
}

static void
test_echo_to_broadcast_dropped(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	size_t len;

	len = icmp_frame(frame, SUBNET_BCAST, 8, 8);
	expect_ignored(env, frame, len, &env->w.stats.icmp.drop_broadcast_echo);
	len = icmp_frame(frame, IPV4(255, 255, 255, 255), 8, 8);
	ws_test_eth(frame, &bcast_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV4);
	expect_ignored(env, frame, len, &env->w.stats.icmp.drop_broadcast_echo);
	assert_int_equal(env->w.stats.icmp.echo_rx, 0);
}

static void
test_bad_checksum(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	size_t len = icmp_frame(frame, US, 8, 20);

	frame[len - 1] ^= 0x40;
	expect_ignored(env, frame, len, &env->w.stats.icmp.drop_cksum);
}

static void
test_short_message(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	static const uint8_t seven[7] = { 8, 0, 0xf7, 0xff, 0, 0, 0 };
	size_t len;

	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, 1, 0, seven,
		sizeof(seven));
	expect_ignored(env, frame, len, &env->w.stats.icmp.drop_short);
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, 1, 0, seven, 0);
	expect_ignored(env, frame, len, &env->w.stats.icmp.drop_short);
}

static void
test_echo_disabled(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	size_t len = icmp_frame(frame, US, 8, 8);

	env->cfg.icmp.echo = false;
	expect_ignored(env, frame, len, &env->w.stats.icmp.drop_echo_disabled);
	assert_int_equal(env->w.stats.icmp.echo_rx, 0);
}

static void
test_echo_reply_received(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	size_t len = icmp_frame(frame, US, 0, 8);

	expect_ignored(env, frame, len, &env->w.stats.icmp.echo_reply_rx);
}

static void
test_source_quench_ignored(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	size_t len = icmp_frame(frame, US, 4, 28);

	expect_ignored(env, frame, len,
		&env->w.stats.icmp.source_quench_ignored);
}

static void
test_errors_counted(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t types[] = { 3, 11, 12 };
	uint8_t frame[FRAME_MAX];
	size_t len, i;

	for (i = 0; i < RTE_DIM(types); i++) {
		len = icmp_frame(frame, US, types[i], 28);
		expect_ignored(env, frame, len, &env->w.stats.icmp.errors_rx);
	}
	assert_int_equal(env->w.stats.icmp.errors_rx, 3);
}

static void
test_unknown_types_dropped(void **state)
{
	struct ws_test_env *env = *state;
	/* Redirect (not acted on), timestamp, unassigned, reserved. */
	static const uint8_t types[] = { 5, 13, 42, 255 };
	uint8_t frame[FRAME_MAX];
	size_t len, i;

	for (i = 0; i < RTE_DIM(types); i++) {
		len = icmp_frame(frame, US, types[i], 8);
		expect_ignored(env, frame, len, &env->w.stats.icmp.drop_type);
	}
	assert_int_equal(env->w.stats.icmp.drop_type, RTE_DIM(types));
	assert_int_equal(env->w.stats.icmp.rx, RTE_DIM(types));
}

/* ------------------------------------------------------------------ */
/* Destination unreachable.                                            */

/* A received datagram as IPv4 input hands it on: l2_len, l3_len set. */
static struct rte_mbuf *
offender(struct ws_test_env *env, const struct rte_ether_addr *eth_dst,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t frag_off,
		const void *payload, size_t len)
{
	uint8_t frame[FRAME_MAX];
	size_t n = ws_test_ipv4_frame(frame, src, dst, proto, 0x0101,
		frag_off, payload, len);
	struct rte_mbuf *m;

	ws_test_eth(frame, eth_dst, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV4);
	m = ws_test_mbuf(env, frame, n);
	m->l2_len = ETH_LEN;
	m->l3_len = IP_LEN;
	return m;
}

static int
unreach_about(struct ws_test_env *env, struct rte_mbuf *orig)
{
	int ret = ws_icmp_send_unreach(&env->w, orig, WS_ICMP_UNREACH_PORT);

	/* The offending packet stays the caller's. */
	rte_pktmbuf_free(orig);
	ws_tx_flush(&env->w);
	return ret;
}

static int
unreach_udp(struct ws_test_env *env, const struct rte_ether_addr *eth_dst,
		uint32_t src, uint32_t dst, uint16_t frag_off)
{
	return unreach_about(env, offender(env, eth_dst, src, dst,
		IPPROTO_UDP, frag_off, ws_test_pattern(16), 16));
}

static int
unreach_icmp(struct ws_test_env *env, uint8_t type)
{
	uint8_t icmp[64];
	size_t n = ws_test_icmp_echo(icmp, type, 0, 0, ws_test_pattern(28), 28);

	return unreach_about(env, offender(env, &ws_test_mac, PEER, US,
		IPPROTO_ICMP, 0, icmp, n));
}

static void
test_unreach_forbidden(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t error_types[] = { 3, 4, 5, 11, 12 };
	static const uint32_t bad_src[] = {
		IPV4(0, 0, 0, 0),
		IPV4(0, 9, 9, 9),
		IPV4(127, 0, 0, 1),
		IPV4(255, 255, 255, 255),
		SUBNET_BCAST,
		IPV4(224, 0, 0, 9),
		IPV4(240, 0, 0, 1),
	};
	static const uint32_t bad_dst[] = {
		IPV4(255, 255, 255, 255),
		SUBNET_BCAST,
		IPV4(224, 0, 0, 1),
	};
	unsigned int i, n = 0;

	/* About an ICMP error. */
	for (i = 0; i < RTE_DIM(error_types); i++, n++)
		assert_int_equal(unreach_icmp(env, error_types[i]), -EPERM);
	/* To an IP broadcast or multicast address. */
	for (i = 0; i < RTE_DIM(bad_dst); i++, n++)
		assert_int_equal(unreach_udp(env, &ws_test_mac, PEER,
			bad_dst[i], 0), -EPERM);
	/* Sent to a link-layer broadcast or group. */
	assert_int_equal(unreach_udp(env, &bcast_mac, PEER, US, 0), -EPERM);
	assert_int_equal(unreach_udp(env, &mcast_mac, PEER, US, 0), -EPERM);
	n += 2;
	/* A fragment other than the first. */
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 3), -EPERM);
	n++;
	/* From something that is not a single host. */
	for (i = 0; i < RTE_DIM(bad_src); i++, n++)
		assert_int_equal(unreach_udp(env, &ws_test_mac, bad_src[i],
			US, 0), -EPERM);

	assert_int_equal(env->w.stats.icmp.drop_unreach_forbidden, n);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 0);
	assert_int_equal(env->n_captured, 0);

	/* Allowed: an ICMP query, and the first fragment of a datagram. */
	assert_int_equal(unreach_icmp(env, 8), 0);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US,
		RTE_IPV4_HDR_MF_FLAG), 0);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 2);
	assert_int_equal(env->n_captured, 2);
	ws_test_assert_no_leak(env);
}

/* The expected error about 'orig_ip' (its first 'quote' bytes). */
static size_t
expected_unreach(uint8_t *buf, uint8_t code, const uint8_t *orig_ip,
		size_t quote, uint16_t id)
{
	uint8_t icmp[FRAME_MAX];
	size_t n;
	uint16_t ck;

	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = code;
	memcpy(icmp + 8, orig_ip, quote);
	ck = ws_test_cksum(icmp, 8 + quote);
	icmp[2] = ck >> 8;
	icmp[3] = ck & 0xff;
	n = ws_test_ipv4_frame(buf, US, PEER, IPPROTO_ICMP, id, 0, icmp,
		8 + quote);
	ws_test_eth(buf, &ws_test_peer_mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	return n;
}

static void
test_unreach_port_exact(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	size_t len, expect_len;
	struct rte_mbuf *orig;

	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 0x0101, 0,
		ws_test_pattern(16), 16);
	orig = ws_test_mbuf(env, frame, len);
	orig->l2_len = ETH_LEN;
	orig->l3_len = IP_LEN;
	assert_int_equal(ws_icmp_send_unreach(&env->w, orig,
		WS_ICMP_UNREACH_PORT), 0);
	/* Not consumed, and not changed. */
	assert_int_equal(rte_pktmbuf_pkt_len(orig), len);
	assert_memory_equal(rte_pktmbuf_mtod(orig, void *), frame, len);
	rte_pktmbuf_free(orig);
	ws_tx_flush(&env->w);

	expect_len = expected_unreach(expect, 3, frame + ETH_LEN,
		len - ETH_LEN, ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 1);
	ws_test_assert_no_leak(env);
}

static void
test_unreach_quote_capped(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	size_t len, expect_len;
	struct rte_mbuf *orig;

	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 0x0101, 0,
		ws_test_pattern(1000), 1000);
	orig = ws_test_mbuf(env, frame, len);
	orig->l2_len = ETH_LEN;
	orig->l3_len = IP_LEN;
	assert_int_equal(unreach_about(env, orig), 0);

	/* 20 + 8 + 548 = 576: the header and the first 528 data bytes. */
	expect_len = expected_unreach(expect, 3, frame + ETH_LEN,
		576 - IP_LEN - 8, ws_test_ip_id(env, 0));
	assert_int_equal(expect_len, ETH_LEN + 576);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	ws_test_assert_no_leak(env);
}

static void
test_unreach_rate_limited(void **state)
{
	struct ws_test_env *env = *state;
	int i;

	ws_test_ip_configure(env, 64, 10, 3);
	ws_test_learn_peer(env);
	for (i = 0; i < 3; i++)
		assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0),
			0);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), -EBUSY);

	/* 10 per second: one more after 100 ms, not two. */
	ws_test_advance_ms(env, 99);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), -EBUSY);
	ws_test_advance_ms(env, 1);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), 0);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), -EBUSY);

	/* A long quiet spell refills the burst, no more. */
	ws_test_advance_ms(env, 3600 * 1000);
	for (i = 0; i < 3; i++)
		assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0),
			0);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), -EBUSY);

	assert_int_equal(env->w.stats.icmp.unreach_tx, 7);
	assert_int_equal(env->w.stats.icmp.drop_unreach_ratelimit, 4);
	assert_int_equal(env->n_captured, 7);
	ws_test_assert_no_leak(env);
}

static void
test_unreach_rate_zero_never(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_ip_configure(env, 64, 0, 50);
	ws_test_learn_peer(env);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), -EBUSY);
	ws_test_advance_ms(env, 10000);
	assert_int_equal(unreach_udp(env, &ws_test_mac, PEER, US, 0), -EBUSY);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_unreach_without_mbufs(void **state)
{
	struct ws_test_env *env = *state;
	static struct rte_mbuf *hoard[4096];
	struct rte_mbuf *orig = offender(env, &ws_test_mac, PEER, US,
		IPPROTO_UDP, 0, ws_test_pattern(16), 16);
	unsigned int n = 0;

	while (n < RTE_DIM(hoard) &&
			(hoard[n] = rte_pktmbuf_alloc(env->pool)) != NULL)
		n++;
	assert_int_equal(ws_icmp_send_unreach(&env->w, orig,
		WS_ICMP_UNREACH_PORT), -ENOMEM);
	assert_int_equal(env->w.stats.icmp.drop_nombuf, 1);
	while (n > 0)
		rte_pktmbuf_free(hoard[--n]);
	rte_pktmbuf_free(orig);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

/* ICMP errors reach the TCP connection they quote (RFC 9293 MUST-54). */
static int tcp_closed_calls;
static enum ws_tcp_close_reason tcp_closed_why;

static void
tcp_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	tcp_closed_calls++;
	tcp_closed_why = why;
}

static const struct ws_tcp_ops tcp_ops = { .closed = tcp_closed };

/*
 * Open a connection to the peer, take the SYN it sent, and feed back an
 * ICMP destination unreachable 'code' quoting that SYN's IP header and
 * first 8 TCP bytes, as a router would.
 */
static void
syn_then_unreach(struct ws_test_env *env, uint8_t code)
{
	uint8_t syn[128], icmp[8 + 28], frame[128];
	struct ws_tcp_conn *c;
	size_t n;
	uint16_t ck;

	tcp_closed_calls = 0;
	ws_test_learn_peer(env);
	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER), 5555, &tcp_ops,
		NULL);
	assert_non_null(c);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	ws_test_captured(env, 0, syn, sizeof(syn));
	assert_int_equal(syn[14 + 9], IPPROTO_TCP);

	memset(icmp, 0, sizeof(icmp));
	icmp[0] = WS_ICMP_DEST_UNREACH;
	icmp[1] = code;
	memcpy(icmp + 8, syn + 14, 28);
	ck = ws_test_cksum(icmp, sizeof(icmp));
	icmp[2] = ck >> 8;
	icmp[3] = ck & 0xff;
	n = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, 77, 0, icmp,
		sizeof(icmp));
	ws_test_clear_captured(env);
	ws_test_input(env, frame, n);
	assert_int_equal(env->w.stats.icmp.errors_rx, 1);
}

static void
test_port_unreachable_ends_syn_sent(void **state)
{
	struct ws_test_env *env = *state;

	syn_then_unreach(env, WS_ICMP_UNREACH_PORT);
	assert_int_equal(tcp_closed_calls, 1);
	assert_int_equal(tcp_closed_why, WS_TCP_CLOSED_UNREACHABLE);
	ws_test_assert_no_leak(env);
}

static void
test_host_unreachable_is_soft(void **state)
{
	struct ws_test_env *env = *state;

	/* MUST-56: codes 0, 1 and 5 never abort a connection. */
	syn_then_unreach(env, 1);
	assert_int_equal(tcp_closed_calls, 0);
	assert_int_equal(env->w.stats.tcp.st_syn_sent, 1);
}

#define ICMP_TEST(fn) cmocka_unit_test_setup_teardown(fn, ws_test_ip_setup, \
	ws_test_teardown)

static const struct CMUnitTest tests[] = {
	ICMP_TEST(test_echo_reply_exact),
	ICMP_TEST(test_echo_to_each_of_our_addresses),
	ICMP_TEST(test_port_unreachable_ends_syn_sent),
	ICMP_TEST(test_host_unreachable_is_soft),
	ICMP_TEST(test_echo_with_options_replied_without),
	ICMP_TEST(test_echo_chained_odd_split),
	ICMP_TEST(test_echo_to_broadcast_dropped),
	ICMP_TEST(test_bad_checksum),
	ICMP_TEST(test_short_message),
	ICMP_TEST(test_echo_disabled),
	ICMP_TEST(test_echo_reply_received),
	ICMP_TEST(test_source_quench_ignored),
	ICMP_TEST(test_errors_counted),
	ICMP_TEST(test_unknown_types_dropped),
	ICMP_TEST(test_unreach_forbidden),
	ICMP_TEST(test_unreach_port_exact),
	ICMP_TEST(test_unreach_quote_capped),
	ICMP_TEST(test_unreach_rate_limited),
	ICMP_TEST(test_unreach_rate_zero_never),
	ICMP_TEST(test_unreach_without_mbufs),
};

WS_TEST_MAIN(tests)
