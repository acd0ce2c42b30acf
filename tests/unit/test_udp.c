/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * UDP (RFC 768, RFC 1122 4.1.3): datagrams sent byte for byte with a
 * checksum computed here independently, software or offloaded, whole or
 * fragmented; what is received, delivered, dropped and answered with port
 * unreachable; the socket table (conflicts, ephemeral ports, its bound);
 * replies built in the received mbuf; ICMP errors reaching the socket they
 * quote, hard or soft. Every test ends with the pools full again.
 *
 * Addresses are in 198.18.0.0/15, except where a test is about an address
 * class (loopback, multicast, ...): those datagrams only exist in memory.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_icmp.h"
#include "ws_test.h"
#include "ws_udp_api.h"

#define IPV4 WS_TEST_IPV4

#define US IPV4(198, 18, 0, 2)		/* WS_TEST_IP */
#define PEER IPV4(198, 18, 0, 1)	/* WS_TEST_PEER_IP */
#define SUBNET_BCAST IPV4(198, 18, 0, 255)

#define ETH_LEN 14
#define IP_LEN 20
#define UDP_LEN 8
#define HDRS (ETH_LEN + IP_LEN + UDP_LEN)
#define FRAME_MAX 2048
#define DGRAM_MAX 65536

#define SERVER_PORT 7000
#define CLIENT_PORT 40001

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/*
 * RFC 768 by hand: the Internet checksum of the pseudo-header (source,
 * destination, zero, protocol, UDP length) and the datagram as it is.
 * With the checksum field zero this is the value to send (before the
 * zero-to-all-ones rule); with it filled in, 0 means it holds.
 */
static uint16_t
udp_sum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
	static uint8_t buf[12 + DGRAM_MAX];

	put32(buf, src);
	put32(buf + 4, dst);
	buf[8] = 0;
	buf[9] = IPPROTO_UDP;
	put16(buf + 10, (uint16_t)len);
	memcpy(buf + 12, udp, len);
	return ws_test_cksum(buf, 12 + len);
}

enum cksum_mode { CK_GOOD, CK_ZERO };

/* A UDP datagram into 'udp'; returns its length. */
static size_t
udp_build(uint8_t *udp, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, const void *data, size_t len,
		enum cksum_mode mode)
{
	uint16_t ck;

	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(UDP_LEN + len));
	put16(udp + 6, 0);
	if (len != 0)
		memcpy(udp + UDP_LEN, data, len);
	if (mode == CK_GOOD) {
		ck = udp_sum(src, dst, udp, UDP_LEN + len);
		put16(udp + 6, ck == 0 ? 0xffff : ck);
	}
	return UDP_LEN + len;
}

/* A frame from the peer's 'sport' to 'dst':'dport'. */
static size_t
udp_frame(uint8_t *buf, uint32_t dst, uint16_t sport, uint16_t dport,
		const void *data, size_t len, enum cksum_mode mode)
{
	static uint8_t udp[DGRAM_MAX];
	size_t n = udp_build(udp, PEER, dst, sport, dport, data, len, mode);

	return ws_test_ipv4_frame(buf, PEER, dst, IPPROTO_UDP, 0x0101, 0, udp,
		n);
}

/* The frame we must send: our 'sport' to the peer's 'dport'. */
static size_t
expected_datagram(uint8_t *buf, uint16_t sport, uint16_t dport,
		const void *data, size_t len, uint16_t id)
{
	static uint8_t udp[DGRAM_MAX];
	size_t n = udp_build(udp, US, PEER, sport, dport, data, len, CK_GOOD);

	n = ws_test_ipv4_frame(buf, US, PEER, IPPROTO_UDP, id, 0, udp, n);
	ws_test_eth(buf, &ws_test_peer_mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	return n;
}

/* ------------------------------------------------------------------ */
/* A socket that records what it gets.                                 */

enum rx_action { RX_FREE, RX_ECHO, RX_CLOSE };

struct rx_log {
	enum rx_action action;
	unsigned int n;
	struct ws_udp_sock *sock;	/* the last callback's */
	struct rte_mbuf *m;		/* the last datagram's mbuf */
	uint32_t len;
	uint32_t src_addr;
	uint16_t src_port;
	int echo_ret;
	uint8_t data[DGRAM_MAX];
	unsigned int n_err;
	struct ws_udp_sock *err_sock;
	uint8_t err_type, err_code;
	uint32_t err_dst;
	uint16_t err_dport;
	int err_hard;
};

static struct rx_log rx;

static void
on_datagram(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t src_addr,
		uint16_t src_port)
{
	const void *p;

	rx.n++;
	rx.sock = s;
	rx.m = m;
	rx.len = rte_pktmbuf_pkt_len(m);
	rx.src_addr = rte_be_to_cpu_32(src_addr);
	rx.src_port = src_port;
	assert_true(rx.len <= sizeof(rx.data));
	p = rte_pktmbuf_read(m, 0, rx.len, rx.data);
	assert_non_null(p);
	if (p != rx.data)
		memcpy(rx.data, p, rx.len);
	switch (rx.action) {
	case RX_ECHO:
		rx.echo_ret = ws_udp_send_mbuf(s, src_addr, src_port, m);
		return;
	case RX_CLOSE:
		ws_udp_close(s);
		break;
	case RX_FREE:
		break;
	}
	rte_pktmbuf_free(m);
}

static void
on_error(struct ws_udp_sock *s, uint8_t type, uint8_t code, uint32_t dst_addr,
		uint16_t dst_port, int hard)
{
	rx.n_err++;
	rx.err_sock = s;
	rx.err_type = type;
	rx.err_code = code;
	rx.err_dst = rte_be_to_cpu_32(dst_addr);
	rx.err_dport = dst_port;
	rx.err_hard = hard;
}

static const struct ws_udp_ops rec_ops = {
	.datagram = on_datagram,
	.error = on_error,
};

static struct ws_udp_sock *
bind_rec(struct ws_test_env *env, uint16_t port, enum rx_action action)
{
	struct ws_udp_sock *s;

	memset(&rx, 0, sizeof(rx));
	rx.action = action;
	s = ws_udp_bind(&env->w, port, &rec_ops, env);
	assert_non_null(s);
	assert_ptr_equal(ws_udp_arg(s), env);
	assert_ptr_equal(ws_udp_worker(s), &env->w);
	return s;
}

/* ------------------------------------------------------------------ */
/* Sending.                                                            */

static void
test_send_exact(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t expect[FRAME_MAX], out[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	size_t len;

	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000,
		ws_test_pattern(100), 100), 0);
	ws_tx_flush(&env->w);
	len = expected_datagram(expect, CLIENT_PORT, 5000, ws_test_pattern(100),
		100, ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, len);
	/* Both checksums hold as the receiver computes them. */
	ws_test_captured(env, 0, out, sizeof(out));
	assert_int_equal(ws_test_cksum(out + ETH_LEN, IP_LEN), 0);
	assert_int_equal(udp_sum(US, PEER, out + ETH_LEN + IP_LEN,
		UDP_LEN + 100), 0);
	assert_int_equal(env->w.stats.udp.tx, 1);
	assert_int_equal(env->w.stats.udp.tx_bytes, 100);
	assert_int_equal(env->w.stats.ip.tx, 1);

	/* An empty datagram is a datagram too. */
	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000, NULL,
		0), 0);
	ws_tx_flush(&env->w);
	len = expected_datagram(expect, CLIENT_PORT, 5000, NULL, 0,
		(uint16_t)(ws_test_ip_id(env, 0) + 1));
	assert_int_equal(env->n_captured, 2);
	ws_test_assert_frame(env, 1, expect, len);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_send_computed_zero_is_all_ones(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t data[16], udp[64], out[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	uint16_t rest;

	/*
	 * Choose the last two bytes so that everything sums to all ones:
	 * the computed checksum is then 0, which RFC 768 sends as 0xffff.
	 */
	memcpy(data, ws_test_pattern(sizeof(data)), sizeof(data));
	data[14] = 0;
	data[15] = 0;
	udp_build(udp, US, PEER, CLIENT_PORT, 5000, data, sizeof(data),
		CK_ZERO);
	rest = udp_sum(US, PEER, udp, UDP_LEN + sizeof(data));
	put16(data + 14, rest);
	udp_build(udp, US, PEER, CLIENT_PORT, 5000, data, sizeof(data),
		CK_ZERO);
	assert_int_equal(udp_sum(US, PEER, udp, UDP_LEN + sizeof(data)), 0);

	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000, data,
		sizeof(data)), 0);
	ws_tx_flush(&env->w);
	ws_test_captured(env, 0, out, sizeof(out));
	assert_int_equal(get16(out + ETH_LEN + IP_LEN + 6), 0xffff);
	assert_int_equal(udp_sum(US, PEER, out + ETH_LEN + IP_LEN,
		UDP_LEN + sizeof(data)), 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_send_checksum_offload(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t out[FRAME_MAX], phdr[12];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	const struct rte_mbuf *m;

	env->iface.offload.tx_udp_cksum = true;
	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000,
		ws_test_pattern(64), 64), 0);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	m = env->captured[0];
	assert_true((m->ol_flags & RTE_MBUF_F_TX_UDP_CKSUM) ==
		RTE_MBUF_F_TX_UDP_CKSUM);
	assert_true((m->ol_flags & RTE_MBUF_F_TX_IPV4) != 0);
	assert_int_equal(m->l2_len, ETH_LEN);
	assert_int_equal(m->l3_len, IP_LEN);
	assert_int_equal(m->l4_len, UDP_LEN);
	/* The port adds the datagram to the pseudo-header sum left here. */
	put32(phdr, US);
	put32(phdr + 4, PEER);
	phdr[8] = 0;
	phdr[9] = IPPROTO_UDP;
	put16(phdr + 10, UDP_LEN + 64);
	ws_test_captured(env, 0, out, sizeof(out));
	assert_int_equal(get16(out + ETH_LEN + IP_LEN + 6),
		(uint16_t)~ws_test_cksum(phdr, sizeof(phdr)));
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

/*
 * Put the captured fragments 'first'.. back together into 'dgram' (the IP
 * payload) checking each IP header; returns the payload length.
 */
static size_t
reassemble_captured(struct ws_test_env *env, unsigned int first,
		unsigned int n, uint8_t *dgram, uint16_t id)
{
	static uint8_t out[FRAME_MAX];
	size_t total = 0, len, flen;
	unsigned int i;
	uint16_t frag;

	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = env->captured[first + i];

		/* Fragments cannot be summed by the port. */
		assert_true((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) == 0);
		len = ws_test_captured(env, first + i, out, sizeof(out));
		assert_true(len <= ETH_LEN + 1500);
		assert_int_equal(ws_test_cksum(out + ETH_LEN, IP_LEN), 0);
		assert_int_equal(get16(out + ETH_LEN + 4), id);
		assert_int_equal(out[ETH_LEN + 9], IPPROTO_UDP);
		flen = get16(out + ETH_LEN + 2) - IP_LEN;
		assert_int_equal(flen, len - ETH_LEN - IP_LEN);
		frag = get16(out + ETH_LEN + 6);
		/* In order, MF on all but the last. */
		assert_int_equal((frag & 0x1fff) * 8, total);
		assert_int_equal((frag & 0x2000) != 0, i + 1 < n);
		memcpy(dgram + total, out + ETH_LEN + IP_LEN, flen);
		total += flen;
	}
	return total;
}

static void
test_send_large_fragmented(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t dgram[DGRAM_MAX];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	size_t total;

	/* Offloaded checksums stop at the MTU: above it, software's. */
	env->iface.offload.tx_udp_cksum = true;
	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000,
		ws_test_pattern(4000), 4000), 0);
	ws_tx_flush(&env->w);
	/* 1480 + 1480 + 1048 bytes of IP payload. */
	assert_int_equal(env->n_captured, 3);
	total = reassemble_captured(env, 0, 3, dgram, ws_test_ip_id(env, 0));
	assert_int_equal(total, UDP_LEN + 4000);
	assert_int_equal(get16(dgram), CLIENT_PORT);
	assert_int_equal(get16(dgram + 2), 5000);
	assert_int_equal(get16(dgram + 4), UDP_LEN + 4000);
	assert_memory_equal(dgram + UDP_LEN, ws_test_pattern(4000), 4000);
	assert_int_equal(udp_sum(US, PEER, dgram, total), 0);
	assert_int_equal(env->w.stats.ip.frag_tx, 3);
	assert_int_equal(env->w.stats.udp.tx, 1);
	assert_int_equal(env->w.stats.udp.tx_bytes, 4000);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_send_largest_and_too_big(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t dgram[DGRAM_MAX];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	size_t total;

	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000,
		ws_test_pattern(WS_UDP_MAX_PAYLOAD), WS_UDP_MAX_PAYLOAD), 0);
	ws_tx_flush(&env->w);
	/* 65515 bytes of IP payload in 1480-byte fragments. */
	assert_int_equal(env->n_captured, 45);
	total = reassemble_captured(env, 0, 45, dgram, ws_test_ip_id(env, 0));
	assert_int_equal(total, 65515);
	assert_memory_equal(dgram + UDP_LEN,
		ws_test_pattern(WS_UDP_MAX_PAYLOAD), WS_UDP_MAX_PAYLOAD);
	assert_int_equal(udp_sum(US, PEER, dgram, total), 0);
	ws_test_clear_captured(env);

	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), 5000,
		ws_test_pattern(WS_UDP_MAX_PAYLOAD + 1),
		WS_UDP_MAX_PAYLOAD + 1), -EMSGSIZE);
	assert_int_equal(env->w.stats.udp.drop_too_big, 1);
	assert_int_equal(env->w.stats.udp.tx, 1);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_send_invalid(void **state)
{
	struct ws_test_env *env = *state;
	static const uint32_t bad_dst[] = {
		IPV4(0, 0, 0, 0),
		IPV4(0, 1, 2, 3),
		IPV4(127, 0, 0, 1),
		IPV4(224, 0, 0, 1),
		IPV4(240, 0, 0, 1),
		IPV4(255, 255, 255, 255),
		SUBNET_BCAST,
		US,
	};
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	uint32_t peer = rte_cpu_to_be_32(PEER);
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad_dst); i++) {
		assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(bad_dst[i]),
			5000, "x", 1), -EINVAL);
		assert_int_equal(ws_udp_send_mbuf(s,
			rte_cpu_to_be_32(bad_dst[i]), 5000,
			ws_test_mbuf(env, "x", 1)), -EINVAL);
	}
	assert_int_equal(ws_udp_send(s, peer, 0, "x", 1), -EINVAL);
	assert_int_equal(ws_udp_send(s, peer, 5000, NULL, 1), -EINVAL);
	assert_int_equal(ws_udp_send(NULL, peer, 5000, "x", 1), -EINVAL);
	assert_int_equal(ws_udp_send_mbuf(s, peer, 5000, NULL), -EINVAL);
	assert_int_equal(ws_udp_send_mbuf(NULL, peer, 5000,
		ws_test_mbuf(env, "x", 1)), -EINVAL);
	ws_udp_close(s);
	/* A closed socket sends nothing. */
	assert_int_equal(ws_udp_send(s, peer, 5000, "x", 1), -EINVAL);
	assert_int_equal(ws_udp_send_mbuf(s, peer, 5000,
		ws_test_mbuf(env, "x", 1)), -EINVAL);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.udp.tx, 0);
	ws_test_assert_no_leak(env);
}

static void
test_send_without_mbufs(void **state)
{
	struct ws_test_env *env = *state;
	static struct rte_mbuf *hoard[4096];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	uint32_t peer = rte_cpu_to_be_32(PEER);
	unsigned int n = 0;

	while (n < RTE_DIM(hoard) &&
			(hoard[n] = rte_pktmbuf_alloc(env->pool)) != NULL)
		n++;
	assert_int_equal(ws_udp_send(s, peer, 5000, "x", 1), -ENOBUFS);
	/* One mbuf left: a datagram needing two fails and returns it. */
	rte_pktmbuf_free(hoard[--n]);
	assert_int_equal(ws_udp_send(s, peer, 5000, ws_test_pattern(4000),
		4000), -ENOBUFS);
	assert_int_equal(ws_test_mbufs_in_use(env), n);
	assert_int_equal(env->w.stats.udp.drop_nombuf, 2);
	assert_int_equal(env->w.stats.udp.tx, 0);
	while (n > 0)
		rte_pktmbuf_free(hoard[--n]);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Receiving.                                                          */

static void
expect_delivered(const void *data, size_t len, uint16_t sport)
{
	assert_int_equal(rx.len, len);
	assert_memory_equal(rx.data, data, len);
	assert_int_equal(rx.src_addr, PEER);
	assert_int_equal(rx.src_port, sport);
}

/* Feed one frame: counted by 'counter', delivered to nobody, unanswered. */
static void
expect_dropped(struct ws_test_env *env, const uint8_t *frame, size_t len,
		const uint64_t *counter)
{
	uint64_t before = *counter, n = rx.n;

	ws_test_input(env, frame, len);
	assert_int_equal(*counter, before + 1);
	assert_int_equal(rx.n, n);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_receive_good_checksum(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(300), 300, CK_GOOD);

	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	assert_ptr_equal(rx.sock, s);
	expect_delivered(ws_test_pattern(300), 300, 5555);
	assert_int_equal(env->w.stats.udp.rx, 1);
	assert_int_equal(env->w.stats.udp.delivered, 1);
	assert_int_equal(env->w.stats.udp.rx_bytes, 300);
	assert_int_equal(env->n_captured, 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_receive_zero_checksum_accepted(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(33), 33, CK_ZERO);

	assert_int_equal(get16(frame + ETH_LEN + IP_LEN + 6), 0);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	expect_delivered(ws_test_pattern(33), 33, 5555);
	assert_int_equal(env->w.stats.udp.drop_cksum, 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_receive_bad_checksum_dropped(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(40), 40, CK_GOOD);

	frame[len - 1] ^= 0x01;
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_cksum);
	/* Unbound port: still silent, no port unreachable for garbage. */
	len = udp_frame(frame, US, 5555, SERVER_PORT + 1, ws_test_pattern(40),
		40, CK_GOOD);
	frame[ETH_LEN + IP_LEN + 6] ^= 0x80;
	assert_int_not_equal(get16(frame + ETH_LEN + IP_LEN + 6), 0);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_cksum);
	assert_int_equal(env->w.stats.udp.no_port, 0);
	ws_udp_close(s);
}

/* Only a port's "good" verdict skips the software check. */
static void
test_receive_offload_flags(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(40), 40, CK_GOOD);
	struct rte_mbuf *m;

	/* Good by the port: a checksum we would refuse is trusted. */
	frame[ETH_LEN + IP_LEN + 6] ^= 0x10;
	m = ws_test_mbuf(env, frame, len);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	ws_test_input_mbuf(env, m);
	assert_int_equal(rx.n, 1);
	/* Bad by the port, but it holds: the port's word is not final. */
	frame[ETH_LEN + IP_LEN + 6] ^= 0x10;
	m = ws_test_mbuf(env, frame, len);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	ws_test_input_mbuf(env, m);
	assert_int_equal(rx.n, 2);
	/* Bad by both. */
	frame[ETH_LEN + IP_LEN + 6] ^= 0x10;
	m = ws_test_mbuf(env, frame, len);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	ws_test_input_mbuf(env, m);
	assert_int_equal(rx.n, 2);
	assert_int_equal(env->w.stats.udp.drop_cksum, 1);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_receive_chained_odd_split(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(501), 501, CK_GOOD);
	/* Segments starting at odd offsets of the datagram. */
	const size_t split1 = HDRS + 7, split2 = HDRS + 200;
	struct rte_mbuf *a, *b, *c;

	a = ws_test_mbuf(env, frame, split1);
	b = ws_test_mbuf(env, frame + split1, split2 - split1);
	c = ws_test_mbuf(env, frame + split2, len - split2);
	assert_int_equal(rte_pktmbuf_chain(a, b), 0);
	assert_int_equal(rte_pktmbuf_chain(a, c), 0);
	ws_test_input_mbuf(env, a);
	assert_int_equal(env->w.stats.udp.drop_cksum, 0);
	assert_int_equal(rx.n, 1);
	expect_delivered(ws_test_pattern(501), 501, 5555);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_receive_lengths(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], udp[64];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len, n;

	/* Seven bytes: no room for a header. */
	n = udp_build(udp, PEER, US, 5555, SERVER_PORT, ws_test_pattern(8), 8,
		CK_GOOD);
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 1, 0, udp, 7);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_short);

	/* A length below the header's own. */
	put16(udp + 4, 7);
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 1, 0, udp, n);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_len);

	/* A length beyond what IP carried. */
	n = udp_build(udp, PEER, US, 5555, SERVER_PORT, ws_test_pattern(20), 20,
		CK_ZERO);
	put16(udp + 4, (uint16_t)(n + 1));
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 1, 0, udp, n);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_len);
	assert_int_equal(env->w.stats.udp.drop_len, 2);

	/*
	 * Shorter than IP's payload: the length field rules, the checksum
	 * covers only what it says, and the rest is not delivered.
	 */
	n = udp_build(udp, PEER, US, 5555, SERVER_PORT, ws_test_pattern(20), 20,
		CK_GOOD);
	memset(udp + n, 0xee, 5);
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 1, 0, udp,
		n + 5);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	expect_delivered(ws_test_pattern(20), 20, 5555);
	assert_int_equal(env->w.stats.udp.rx, 4);
	assert_int_equal(env->w.stats.udp.delivered, 1);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_port_zero_dropped(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len;

	len = udp_frame(frame, US, 0, SERVER_PORT, ws_test_pattern(8), 8,
		CK_GOOD);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_port_zero);
	len = udp_frame(frame, US, 5555, 0, ws_test_pattern(8), 8, CK_GOOD);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_port_zero);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 0);
	ws_udp_close(s);
}

/* The port unreachable quoting all of 'orig_ip' (under 576 bytes). */
static size_t
expected_unreach_from(uint8_t *buf, uint32_t src, const uint8_t *orig_ip,
		size_t quote, uint16_t id)
{
	uint8_t icmp[FRAME_MAX];
	uint16_t ck;
	size_t n;

	memset(icmp, 0, 8);
	icmp[0] = WS_ICMP_DEST_UNREACH;
	icmp[1] = WS_ICMP_UNREACH_PORT;
	memcpy(icmp + 8, orig_ip, quote);
	ck = ws_test_cksum(icmp, 8 + quote);
	put16(icmp + 2, ck);
	n = ws_test_ipv4_frame(buf, src, PEER, IPPROTO_ICMP, id, 0, icmp,
		8 + quote);
	ws_test_eth(buf, &ws_test_peer_mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	return n;
}

static size_t
expected_unreach(uint8_t *buf, const uint8_t *orig_ip, size_t quote,
		uint16_t id)
{
	return expected_unreach_from(buf, US, orig_ip, quote, id);
}

static void
test_port_unreachable_exact(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len, expect_len;

	len = udp_frame(frame, US, 5555, SERVER_PORT + 1, ws_test_pattern(24),
		24, CK_GOOD);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 0);
	expect_len = expected_unreach(expect, frame + ETH_LEN, len - ETH_LEN,
		ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	assert_int_equal(env->w.stats.udp.no_port, 1);
	assert_int_equal(env->w.stats.udp.unreach_tx, 1);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 1);
	assert_int_equal(env->w.stats.udp.delivered, 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

/*
 * ip.addr_count = 2: a socket is bound on ip.addr only, so a datagram to
 * the other address, port bound or not, gets port unreachable from that
 * address rather than a reply from one the peer did not ask.
 */
static void
test_other_address_port_unreachable(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len, expect_len;

	ws_iface_set_addrs(&env->iface, rte_cpu_to_be_32(US), 2);
	len = udp_frame(frame, US + 1, 5555, SERVER_PORT, ws_test_pattern(24),
		24, CK_GOOD);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 0);
	expect_len = expected_unreach_from(expect, US + 1, frame + ETH_LEN,
		len - ETH_LEN, ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	assert_int_equal(env->w.stats.udp.no_port, 1);
	assert_int_equal(env->w.stats.udp.drop_broadcast, 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_port_unreachable_rate_limited(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT, ws_test_pattern(8),
		8, CK_GOOD);
	int i;

	/* 10 a second in bursts of 3. */
	ws_test_ip_configure(env, 64, 10, 3);
	ws_test_learn_peer(env);
	for (i = 0; i < 5; i++)
		ws_test_input(env, frame, len);
	assert_int_equal(env->n_captured, 3);
	assert_int_equal(env->w.stats.udp.no_port, 5);
	assert_int_equal(env->w.stats.udp.unreach_tx, 3);
	assert_int_equal(env->w.stats.icmp.drop_unreach_ratelimit, 2);

	ws_test_advance_ms(env, 99);
	ws_test_input(env, frame, len);
	assert_int_equal(env->n_captured, 3);
	ws_test_advance_ms(env, 1);
	ws_test_input(env, frame, len);
	ws_test_input(env, frame, len);
	assert_int_equal(env->n_captured, 4);
	assert_int_equal(env->w.stats.udp.no_port, 8);
	assert_int_equal(env->w.stats.udp.unreach_tx, 4);
	ws_test_assert_no_leak(env);
}

static void
test_broadcast_silent(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len;

	/* Unbound ports: no port unreachable, not even asked for. */
	len = udp_frame(frame, SUBNET_BCAST, 5555, SERVER_PORT + 1,
		ws_test_pattern(8), 8, CK_GOOD);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_broadcast);
	len = udp_frame(frame, IPV4(255, 255, 255, 255), 5555,
		SERVER_PORT + 1, ws_test_pattern(8), 8, CK_GOOD);
	ws_test_eth(frame, &bcast_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV4);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_broadcast);
	/* Our unicast address in a link-layer broadcast (RFC 1122 3.3.6). */
	len = udp_frame(frame, US, 5555, SERVER_PORT + 1, ws_test_pattern(8), 8,
		CK_GOOD);
	ws_test_eth(frame, &bcast_mac, &ws_test_peer_mac, RTE_ETHER_TYPE_IPV4);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_broadcast);
	assert_int_equal(env->w.stats.udp.no_port, 0);
	assert_int_equal(env->w.stats.icmp.drop_unreach_forbidden, 0);

	/* A bound port does not hear broadcasts either. */
	len = udp_frame(frame, SUBNET_BCAST, 5555, SERVER_PORT,
		ws_test_pattern(8), 8, CK_GOOD);
	expect_dropped(env, frame, len, &env->w.stats.udp.drop_broadcast);
	assert_int_equal(env->w.stats.udp.drop_broadcast, 4);
	ws_udp_close(s);
}

/* ------------------------------------------------------------------ */
/* The socket table.                                                   */

static void
test_bind_conflicts(void **state)
{
	struct ws_test_env *env = *state;
	static const struct ws_udp_ops no_datagram = { .error = on_error };
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE), *t;

	assert_int_equal(ws_udp_port(s), SERVER_PORT);
	assert_null(ws_udp_bind(&env->w, SERVER_PORT, &rec_ops, NULL));
	assert_int_equal(rte_errno, EADDRINUSE);
	assert_null(ws_udp_bind(&env->w, SERVER_PORT + 1, NULL, NULL));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(ws_udp_bind(&env->w, SERVER_PORT + 1, &no_datagram,
		NULL));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(ws_udp_bind(NULL, SERVER_PORT + 1, &rec_ops, NULL));
	assert_int_equal(rte_errno, EINVAL);
	assert_int_equal(env->w.stats.udp.bind_fail, 3);

	/* Closing frees the port; closing NULL does nothing. */
	ws_udp_close(s);
	ws_udp_close(NULL);
	t = ws_udp_bind(&env->w, SERVER_PORT, &rec_ops, NULL);
	assert_non_null(t);
	assert_null(ws_udp_arg(t));
	ws_udp_close(t);
}

static void
test_ephemeral_ports(void **state)
{
	struct ws_test_env *env = *state;
	static struct ws_udp_sock *socks[100];
	static uint8_t seen[UINT16_MAX + 1];
	unsigned int i, consecutive = 0;
	uint16_t port;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < RTE_DIM(socks); i++) {
		socks[i] = ws_udp_bind(&env->w, 0, &rec_ops, NULL);
		assert_non_null(socks[i]);
		port = ws_udp_port(socks[i]);
		/* The range runs to 65535, the top of a uint16_t. */
		assert_true(port >= WS_UDP_EPHEMERAL_LO);
		assert_int_equal(seen[port], 0);
		seen[port] = 1;
		if (i > 0 && port == ws_udp_port(socks[i - 1]) + 1)
			consecutive++;
		/* Taken, whoever chose it. */
		assert_null(ws_udp_bind(&env->w, port, &rec_ops, NULL));
		assert_int_equal(rte_errno, EADDRINUSE);
	}
	/* RFC 6056: not predictable from the previous one. */
	assert_true(consecutive < 10);
	for (i = 0; i < RTE_DIM(socks); i++)
		ws_udp_close(socks[i]);
}

static void
test_table_bounded(void **state)
{
	struct ws_test_env *env = *state;
	static struct ws_udp_sock *socks[WS_UDP_MAX_SOCKETS];
	unsigned int i;
	uint16_t port;

	for (i = 0; i < WS_UDP_MAX_SOCKETS; i++) {
		/* Half explicit, half ephemeral. */
		socks[i] = ws_udp_bind(&env->w, i % 2 ? (uint16_t)(1000 + i) :
			0, &rec_ops, NULL);
		assert_non_null(socks[i]);
	}
	assert_null(ws_udp_bind(&env->w, 0, &rec_ops, NULL));
	assert_int_equal(rte_errno, ENOSPC);
	assert_null(ws_udp_bind(&env->w, 999, &rec_ops, NULL));
	assert_int_equal(rte_errno, ENOSPC);
	/* One closed, one more fits, on its port. */
	port = ws_udp_port(socks[7]);
	ws_udp_close(socks[7]);
	socks[7] = ws_udp_bind(&env->w, port, &rec_ops, NULL);
	assert_non_null(socks[7]);
	for (i = 0; i < WS_UDP_MAX_SOCKETS; i++)
		ws_udp_close(socks[i]);
	assert_non_null(socks[0] = ws_udp_bind(&env->w, 0, &rec_ops, NULL));
	ws_udp_close(socks[0]);
}

static void
test_close_stops_delivery(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_FREE);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(10), 10, CK_GOOD);

	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	ws_udp_close(s);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	/* The port is now unbound: the peer hears so. */
	assert_int_equal(env->w.stats.udp.no_port, 1);
	assert_int_equal(env->n_captured, 1);
	ws_test_clear_captured(env);

	/* A socket closing itself from its own callback. */
	s = bind_rec(env, SERVER_PORT, RX_CLOSE);
	ws_test_input(env, frame, len);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	assert_int_equal(env->w.stats.udp.no_port, 2);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Replies in the received mbuf.                                       */

static void
test_echo_reply_in_received_mbuf(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[FRAME_MAX], expect[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_ECHO);
	size_t len = udp_frame(frame, US, 5555, SERVER_PORT,
		ws_test_pattern(77), 77, CK_GOOD), expect_len;
	struct rte_mbuf *m = ws_test_mbuf(env, frame, len);

	/* What the port said on arrival means nothing on the way out. */
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	ws_test_input_mbuf(env, m);
	assert_int_equal(rx.n, 1);
	assert_int_equal(rx.echo_ret, 0);
	expect_len = expected_datagram(expect, SERVER_PORT, 5555,
		ws_test_pattern(77), 77, ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	/* Delivered and sent back in the very mbuf that came in. */
	assert_ptr_equal(rx.m, m);
	assert_ptr_equal(env->captured[0], m);
	assert_int_equal(ws_test_mbufs_in_use(env), 1);
	assert_int_equal(m->ol_flags, 0);
	assert_int_equal(m->nb_segs, 1);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

static void
test_echo_large_reassembled(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t udp[DGRAM_MAX], dgram[DGRAM_MAX];
	uint8_t frame[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, SERVER_PORT, RX_ECHO);
	size_t n, off, chunk, len, total;

	/* 4008 bytes of UDP in three fragments, as Linux sends them. */
	n = udp_build(udp, PEER, US, 5555, SERVER_PORT, ws_test_pattern(4000),
		4000, CK_GOOD);
	for (off = 0; off < n; off += chunk) {
		chunk = RTE_MIN(n - off, (size_t)1480);
		len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_UDP, 0x0202,
			(uint16_t)((off + chunk < n ? 0x2000 : 0) | off / 8),
			udp + off, chunk);
		ws_test_input(env, frame, len);
	}
	assert_int_equal(env->w.stats.ip.reasm_ok, 1);
	assert_int_equal(rx.n, 1);
	expect_delivered(ws_test_pattern(4000), 4000, 5555);
	assert_int_equal(rx.echo_ret, 0);

	assert_int_equal(env->n_captured, 3);
	total = reassemble_captured(env, 0, 3, dgram, ws_test_ip_id(env, 0));
	assert_int_equal(total, n);
	assert_int_equal(get16(dgram), SERVER_PORT);
	assert_int_equal(get16(dgram + 2), 5555);
	assert_memory_equal(dgram + UDP_LEN, ws_test_pattern(4000), 4000);
	assert_int_equal(udp_sum(US, PEER, dgram, total), 0);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

/* Buffers that are not ours alone get their headers in a new mbuf. */
static void
test_send_mbuf_shared_or_no_headroom(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t expect[FRAME_MAX];
	struct ws_udp_sock *s = bind_rec(env, CLIENT_PORT, RX_FREE);
	uint32_t peer = rte_cpu_to_be_32(PEER);
	struct rte_mbuf *m;
	size_t len;

	/* Referenced twice: its data must not change under the other. */
	m = ws_test_mbuf(env, ws_test_pattern(50), 50);
	rte_mbuf_refcnt_update(m, 1);
	assert_int_equal(ws_udp_send_mbuf(s, peer, 5000, m), 0);
	ws_tx_flush(&env->w);
	len = expected_datagram(expect, CLIENT_PORT, 5000, ws_test_pattern(50),
		50, ws_test_ip_id(env, 0));
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, len);
	assert_ptr_not_equal(env->captured[0], m);
	assert_int_equal(env->captured[0]->nb_segs, 2);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), ws_test_pattern(50),
		50);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 50);
	rte_pktmbuf_free(m);

	/* No headroom at all. */
	m = rte_pktmbuf_alloc(env->pool);
	assert_non_null(m);
	m->data_off = 0;
	memcpy(rte_pktmbuf_append(m, 50), ws_test_pattern(50), 50);
	assert_int_equal(ws_udp_send_mbuf(s, peer, 5000, m), 0);
	ws_tx_flush(&env->w);
	len = expected_datagram(expect, CLIENT_PORT, 5000, ws_test_pattern(50),
		50, (uint16_t)(ws_test_ip_id(env, 0) + 1));
	assert_int_equal(env->n_captured, 2);
	ws_test_assert_frame(env, 1, expect, len);

	/* Too big is refused and still consumed. */
	m = rte_pktmbuf_alloc(env->pool);
	assert_non_null(m);
	m->pkt_len = WS_UDP_MAX_PAYLOAD + 1;
	assert_int_equal(ws_udp_send_mbuf(s, peer, 5000, m), -EMSGSIZE);
	assert_int_equal(env->w.stats.udp.drop_too_big, 1);
	ws_udp_close(s);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* ICMP errors.                                                        */

/* Send one datagram from 's' to the peer's 'dport' and take it off the wire. */
static void
send_and_take(struct ws_test_env *env, struct ws_udp_sock *s, uint16_t dport,
		uint8_t *sent)
{
	assert_int_equal(ws_udp_send(s, rte_cpu_to_be_32(PEER), dport,
		ws_test_pattern(30), 30), 0);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	ws_test_captured(env, 0, sent, FRAME_MAX);
	ws_test_clear_captured(env);
}

/*
 * Feed back an ICMP error quoting the IP header and first 8 UDP bytes of
 * the frame 'sent', as a router or the peer would.
 */
static void
feed_error(struct ws_test_env *env, const uint8_t *sent, uint8_t type,
		uint8_t code)
{
	uint8_t icmp[8 + IP_LEN + UDP_LEN], frame[128];
	size_t n;

	memset(icmp, 0, sizeof(icmp));
	icmp[0] = type;
	icmp[1] = code;
	memcpy(icmp + 8, sent + ETH_LEN, IP_LEN + UDP_LEN);
	put16(icmp + 2, ws_test_cksum(icmp, sizeof(icmp)));
	n = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, 77, 0, icmp,
		sizeof(icmp));
	ws_test_input(env, frame, n);
}

static void
test_icmp_errors_to_the_socket(void **state)
{
	struct ws_test_env *env = *state;
	static const struct {
		uint8_t type, code;
		int hard;
	} cases[] = {
		{ WS_ICMP_DEST_UNREACH, 3, 1 },		/* port */
		{ WS_ICMP_DEST_UNREACH, 2, 1 },		/* protocol */
		{ WS_ICMP_DEST_UNREACH, 13, 1 },	/* admin prohibited */
		{ WS_ICMP_DEST_UNREACH, 10, 1 },	/* host prohibited */
		{ WS_ICMP_DEST_UNREACH, 0, 0 },		/* net */
		{ WS_ICMP_DEST_UNREACH, 1, 0 },		/* host */
		{ WS_ICMP_DEST_UNREACH, 4, 0 },		/* needs fragmenting */
		{ WS_ICMP_DEST_UNREACH, 5, 0 },		/* source route */
		{ WS_ICMP_TIME_EXCEEDED, 0, 0 },
		{ WS_ICMP_PARAM_PROBLEM, 0, 0 },
	};
	uint8_t frame[FRAME_MAX], sent[FRAME_MAX];
	struct ws_udp_sock *other, *s;
	unsigned int i, soft = 0;
	size_t len;

	/* Another socket must not hear of errors that are not its own. */
	other = ws_udp_bind(&env->w, CLIENT_PORT + 1, &rec_ops, NULL);
	assert_non_null(other);
	s = bind_rec(env, CLIENT_PORT, RX_FREE);
	for (i = 0; i < RTE_DIM(cases); i++) {
		send_and_take(env, s, (uint16_t)(5000 + i), sent);
		feed_error(env, sent, cases[i].type, cases[i].code);
		assert_int_equal(rx.n_err, i + 1);
		assert_ptr_equal(rx.err_sock, s);
		assert_int_equal(rx.err_type, cases[i].type);
		assert_int_equal(rx.err_code, cases[i].code);
		assert_int_equal(rx.err_dst, PEER);
		assert_int_equal(rx.err_dport, 5000 + i);
		assert_int_equal(rx.err_hard, cases[i].hard);
		soft += !cases[i].hard;
	}
	assert_int_equal(env->w.stats.udp.icmp_errors, RTE_DIM(cases));
	assert_int_equal(env->w.stats.udp.icmp_soft, soft);
	assert_int_equal(env->w.stats.icmp.errors_rx, RTE_DIM(cases));

	/* Hard errors leave the socket bound and receiving. */
	len = udp_frame(frame, US, 5555, CLIENT_PORT, ws_test_pattern(9), 9,
		CK_GOOD);
	ws_test_input(env, frame, len);
	assert_int_equal(rx.n, 1);
	assert_ptr_equal(rx.sock, s);
	assert_int_equal(env->n_captured, 0);

	/* The other socket hears its own. */
	send_and_take(env, other, 6000, sent);
	feed_error(env, sent, WS_ICMP_DEST_UNREACH, 3);
	assert_int_equal(rx.n_err, RTE_DIM(cases) + 1);
	assert_ptr_equal(rx.err_sock, other);
	assert_int_equal(rx.err_dport, 6000);

	/* Quoting a datagram from another source: not one of ours. */
	send_and_take(env, other, 6000, sent);
	put32(sent + ETH_LEN + 12, IPV4(198, 18, 0, 3));
	feed_error(env, sent, WS_ICMP_DEST_UNREACH, 3);
	assert_int_equal(rx.n_err, RTE_DIM(cases) + 1);
	assert_int_equal(env->w.stats.udp.drop_icmp_unmatched, 1);

	/* About a port nobody holds any more: counted, told to nobody. */
	send_and_take(env, s, 5000, sent);
	ws_udp_close(s);
	feed_error(env, sent, WS_ICMP_DEST_UNREACH, 3);
	assert_int_equal(rx.n_err, RTE_DIM(cases) + 1);
	assert_int_equal(env->w.stats.udp.drop_icmp_unmatched, 2);
	assert_int_equal(env->w.stats.udp.icmp_errors, RTE_DIM(cases) + 1);
	ws_udp_close(other);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* ws_udp_bind_all over a two-worker stack (net_ring, driven by hand).  */

static struct ws_stack *
two_worker_stack(struct rte_ring *ring)
{
	struct rte_ring *rings[2] = { ring, ring };
	const char *sets[] = {
		"ip.addr=198.18.0.2/24", "port.mac=02:00:00:00:0b:02",
		"port.mbufs=4095", "workers.lcores=1,2",
		"tcp.max_connections=1024",
	};

	return ws_test_ring_stack(rings, rings, 2, sets, RTE_DIM(sets));
}

static void
test_bind_all(void **state)
{
	struct rte_ring *ring;
	struct ws_stack *st;
	struct ws_worker *w0, *w1;
	struct ws_udp_sock *s;

	RTE_SET_USED(state);
	ring = ws_test_ring(1024, 0);
	st = two_worker_stack(ring);
	w0 = ws_stack_worker(st, 0);
	w1 = ws_stack_worker(st, 1);

	assert_int_equal(ws_udp_bind_all(st, 0, &rec_ops, NULL), -EINVAL);
	assert_int_equal(ws_udp_bind_all(st, 53, &rec_ops, NULL), 0);
	assert_null(ws_udp_bind(w0, 53, &rec_ops, NULL));
	assert_null(ws_udp_bind(w1, 53, &rec_ops, NULL));
	assert_int_equal(ws_udp_bind_all(st, 53, &rec_ops, NULL),
		-EADDRINUSE);

	/* Taken on the second worker only: the first is given back. */
	s = ws_udp_bind(w1, 54, &rec_ops, NULL);
	assert_non_null(s);
	assert_int_equal(ws_udp_bind_all(st, 54, &rec_ops, NULL),
		-EADDRINUSE);
	/*
	 * A port bound on one worker is that worker's: datagrams to it are
	 * steered there, so no other worker may bind it too until it goes.
	 */
	assert_null(ws_udp_bind(w0, 54, &rec_ops, NULL));
	assert_int_equal(rte_errno, EADDRINUSE);
	ws_udp_close(s);
	s = ws_udp_bind(w0, 54, &rec_ops, NULL);
	assert_non_null(s);
	assert_null(ws_udp_bind(w1, 54, &rec_ops, NULL));
	ws_udp_close(s);

	/* Sockets still bound at the end go with the stack. */
	ws_stack_destroy(st);
	rte_ring_free(ring);
}

#define UDP_TEST(fn) cmocka_unit_test_setup_teardown(fn, ws_test_ip_setup, \
	ws_test_teardown)

static const struct CMUnitTest tests[] = {
	UDP_TEST(test_send_exact),
	UDP_TEST(test_send_computed_zero_is_all_ones),
	UDP_TEST(test_send_checksum_offload),
	UDP_TEST(test_send_large_fragmented),
	UDP_TEST(test_send_largest_and_too_big),
	UDP_TEST(test_send_invalid),
	UDP_TEST(test_send_without_mbufs),
	UDP_TEST(test_receive_good_checksum),
	UDP_TEST(test_receive_zero_checksum_accepted),
	UDP_TEST(test_receive_bad_checksum_dropped),
	UDP_TEST(test_receive_offload_flags),
	UDP_TEST(test_receive_chained_odd_split),
	UDP_TEST(test_receive_lengths),
	UDP_TEST(test_port_zero_dropped),
	UDP_TEST(test_port_unreachable_exact),
	UDP_TEST(test_other_address_port_unreachable),
	UDP_TEST(test_port_unreachable_rate_limited),
	UDP_TEST(test_broadcast_silent),
	UDP_TEST(test_bind_conflicts),
	UDP_TEST(test_ephemeral_ports),
	UDP_TEST(test_table_bounded),
	UDP_TEST(test_close_stops_delivery),
	UDP_TEST(test_echo_reply_in_received_mbuf),
	UDP_TEST(test_echo_large_reassembled),
	UDP_TEST(test_send_mbuf_shared_or_no_headroom),
	UDP_TEST(test_icmp_errors_to_the_socket),
	cmocka_unit_test(test_bind_all),
};

WS_TEST_MAIN(tests)
