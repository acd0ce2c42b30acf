/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * IPv4: the Internet checksum against published vectors (RFC 1071, RFC
 * 1624, requirements D.2), header validation of hostile input (RFC 1122
 * 3.2.1), reassembly through rte_ip_frag with every way it can drop, and
 * output: next hop, checksum, fragmentation. Each test checks the exact
 * bytes sent, the counters, and that no mbuf is left behind.
 *
 * Addresses are in 198.18.0.0/15, except where a test is about an address
 * class (multicast, loopback, ...): those frames only exist in memory.
 */

#include <string.h>
#include <netinet/in.h>

#include <rte_mempool.h>

#include "ws_cksum.h"
#include "ws_test.h"

#define IPV4 WS_TEST_IPV4

#define US IPV4(198, 18, 0, 2)		/* WS_TEST_IP */
#define PEER IPV4(198, 18, 0, 1)	/* WS_TEST_PEER_IP */
#define SUBNET_BCAST IPV4(198, 18, 0, 255)
#define OFF_LINK IPV4(198, 19, 0, 5)	/* same /15, another /24 */

#define FRAG_TIMEOUT_MS WS_TEST_FRAG_TIMEOUT_MS
#define MF RTE_IPV4_HDR_MF_FLAG
#define DF RTE_IPV4_HDR_DF_FLAG
#define ETH_LEN 14
#define IP_LEN 20
#define FRAME_MAX 8192

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static int
ip_setup(void **state)
{
	int ret = ws_test_setup(state);

	if (ret == 0)
		ws_test_ip_configure(*state, 64, 100, 50);
	return ret;
}

/* A datagram we send: Ethernet to the peer, IPv4 from us with ID id. */
static size_t
our_frame(uint8_t *buf, uint32_t dst, uint8_t proto, uint16_t id,
		uint16_t frag_off, const void *payload, size_t len)
{
	size_t n = ws_test_ipv4_frame(buf, US, dst, proto, id, frag_off,
		payload, len);

	ws_test_eth(buf, &ws_test_peer_mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	return n;
}

static const uint8_t *
pattern(size_t len)
{
	static uint8_t data[FRAME_MAX];
	size_t i;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	return data;
}

/* An echo request from the peer to 'dst'; returns the frame length. */
static size_t
echo_request(uint8_t *buf, uint32_t src, uint32_t dst, size_t data_len)
{
	uint8_t icmp[FRAME_MAX];
	size_t n = ws_test_icmp_echo(icmp, 8, 0x1234, 1, pattern(data_len),
		data_len);

	return ws_test_ipv4_frame(buf, src, dst, IPPROTO_ICMP, 0x0101, 0,
		icmp, n);
}

/* Our reply, with the ID our first captured frame carries. */
static size_t
echo_reply_frame(struct ws_test_env *env, uint8_t *buf, size_t data_len)
{
	uint8_t icmp[FRAME_MAX];
	size_t n = ws_test_icmp_echo(icmp, 0, 0x1234, 1, pattern(data_len),
		data_len);

	return our_frame(buf, PEER, IPPROTO_ICMP, ws_test_ip_id(env, 0), 0,
		icmp, n);
}

/* ------------------------------------------------------------------ */
/* Checksum vectors (requirements D.2).                                */

static void
test_rfc1071_vector(void **state)
{
	static const uint8_t bytes[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint16_t ck = (uint16_t)~rte_raw_cksum(bytes, sizeof(bytes));
	const uint8_t *b = (const uint8_t *)&ck;

	(void)state;
	/* The checksum as it lies in memory: 22 0d. */
	assert_int_equal(b[0], 0x22);
	assert_int_equal(b[1], 0x0d);
	assert_int_equal(ws_test_cksum(bytes, sizeof(bytes)), 0x220d);
}

static void
test_ipv4_header_vector(void **state)
{
	uint8_t hdr[IP_LEN] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
		0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t ck = rte_ipv4_cksum((const struct rte_ipv4_hdr *)hdr);

	(void)state;
	assert_int_equal(rte_be_to_cpu_16(ck), 0xb861);
	memcpy(&hdr[10], &ck, sizeof(ck));
	assert_int_equal(rte_raw_cksum(hdr, sizeof(hdr)), 0xffff);
	/* With the checksum in place the header sums to ~0: valid. */
	assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)hdr), 0);
}

static void
test_rfc1624_vector(void **state)
{
	uint8_t buf[64];
	uint16_t ck, word_old, word_new;
	unsigned int i, round;

	(void)state;
	assert_int_equal(ws_cksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);

	/* The update agrees with recomputing, whatever the word and data. */
	for (round = 0; round < 1000; round++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rte_rand();
		memset(buf, 0, 2);
		ck = (uint16_t)~rte_raw_cksum(buf, sizeof(buf));
		memcpy(buf, &ck, 2);
		i = 2 + 2 * (round % 31);
		memcpy(&word_old, &buf[i], 2);
		word_new = (uint16_t)rte_rand();
		memcpy(&buf[i], &word_new, 2);
		ck = ws_cksum_update16(ck, word_old, word_new);
		memcpy(buf, &ck, 2);
		assert_int_equal(rte_raw_cksum(buf, sizeof(buf)), 0xffff);
	}
}

static uint8_t
hex_nibble(char c)
{
	return (uint8_t)(c <= '9' ? c - '0' : c - 'a' + 10);
}

static void
test_d2_tcp_frame_ip_checksum(void **state)
{
	/* Self-computed D.2 example; data only, never sent. */
	static const char hex[] =
		"4500003c1234400040063c4cc0000201c63364079c40005001020304"
		"00000000a002faf0c03b0000020405b40402080a0000000100000000"
		"01030307";
	uint8_t frame[sizeof(hex) / 2];
	uint16_t ck;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = hex_nibble(hex[2 * i]) << 4 |
			hex_nibble(hex[2 * i + 1]);
	assert_int_equal(frame[10] << 8 | frame[11], 0x3c4c);
	assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)frame),
		0);
	frame[10] = 0;
	frame[11] = 0;
	ck = rte_ipv4_cksum((const struct rte_ipv4_hdr *)frame);
	assert_int_equal(rte_be_to_cpu_16(ck), 0x3c4c);
}

/* The 8-bytes-a-step sum equals DPDK's, for every length and alignment. */
static void
test_fast_cksum_matches_dpdk(void **state)
{
	static uint8_t buf[2100];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint32_t len, off, round;
	uint16_t ck;
	size_t i;

	(void)state;
	for (round = 0; round < 3; round++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = round == 0 ? (uint8_t)rte_rand() :
				round == 1 ? 0xff : 0;
		for (off = 0; off < 8; off++)
			for (len = 0; len <= 2048; len += len < 80 ? 1 : 61)
				assert_int_equal(ws_raw_cksum(buf + off, len),
					rte_raw_cksum(buf + off, len));
	}
	/* Carries out of bit 63 on every step. */
	memset(buf, 0xff, sizeof(buf));
	buf[0] = 0xfe;
	assert_int_equal(ws_raw_cksum(buf, 1500), rte_raw_cksum(buf, 1500));

	/* The transport checksum, against DPDK's, with random segments. */
	for (round = 0; round < 2000; round++) {
		len = 20 + (uint32_t)(rte_rand() % 1480);
		for (i = 0; i < 20 + len; i++)
			buf[i] = (uint8_t)rte_rand();
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
		ip->next_proto_id = round & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		/*
		 * A sum whose complement is 0 goes out as 0xffff, the
		 * other zero of one's complement, for TCP too (one branch
		 * fewer); DPDK does that for UDP only. Both verify.
		 */
		ck = rte_ipv4_udptcp_cksum(ip, buf + 20);
		assert_int_equal(ws_ipv4_l4_cksum(ip, buf + 20),
			ck == 0 ? 0xffff : ck);
	}

	/*
	 * The header and pseudo-header sums, against DPDK's, with random
	 * headers of every IHL (options summed too) at odd alignments.
	 */
	for (round = 0; round < 20000; round++) {
		uint8_t *h = buf + 1 + round % 7;
		const struct rte_ipv4_hdr *rip = (const struct rte_ipv4_hdr *)h;
		uint8_t ihl = (uint8_t)(5 + round % 11);

		for (i = 0; i < 60; i++)
			h[i] = round < 10 ? 0xff : (uint8_t)rte_rand();
		h[0] = (uint8_t)(0x40 | ihl);
		/* A transport length that does not wrap below the header. */
		h[2] = (uint8_t)(rte_rand() % 250 + 1);
		assert_int_equal(ws_ipv4_hdr_cksum(rip), rte_ipv4_cksum(rip));
		assert_int_equal(ws_ipv4_phdr_sum(rip),
			rte_ipv4_phdr_cksum(rip, 0));
	}
}

/*
 * DPDK 22.11's rte_raw_cksum_mbuf is wrong when a segment starts at an odd
 * position; ws_raw_cksum_mbuf must agree with the flat sum for any split.
 */
static void
test_chained_cksum_any_split(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t *data = pattern(1000);
	struct rte_mbuf *head, *tail;
	uint16_t flat, chained;
	uint32_t split, off;

	for (split = 1; split < 1000; split += 37) {
		for (off = 0; off < 4; off++) {
			head = ws_test_mbuf(env, data, split);
			tail = ws_test_mbuf(env, data + split, 1000 - split);
			assert_int_equal(rte_pktmbuf_chain(head, tail), 0);
			flat = rte_raw_cksum(data + off, 1000 - off);
			assert_int_equal(ws_raw_cksum_mbuf(head, off,
				1000 - off, &chained), 0);
			assert_int_equal(chained, flat);
			assert_int_not_equal(ws_raw_cksum_mbuf(head, off,
				1001, &chained), 0);
			rte_pktmbuf_free(head);
		}
	}
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Header validation.                                                  */

/* Feed 'frame' and check it was counted by 'counter' and nothing left. */
static void
expect_dropped(struct ws_test_env *env, const uint8_t *frame, size_t len,
		const uint64_t *counter)
{
	uint64_t before = *counter, rx = env->w.stats.ip.rx;

	ws_test_input(env, frame, len);
	assert_int_equal(env->w.stats.ip.rx, rx + 1);
	assert_int_equal(*counter, before + 1);
	assert_int_equal(env->w.stats.icmp.rx, 0);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.ip.tx, 0);
	ws_test_assert_no_leak(env);
}

static void
test_truncated_header(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len = echo_request(frame, PEER, US, 8);

	(void)len;
	expect_dropped(env, frame, ETH_LEN + IP_LEN - 1,
		&env->w.stats.ip.drop_short);
	expect_dropped(env, frame, ETH_LEN, &env->w.stats.ip.drop_short);
}

static void
test_bad_version(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len = echo_request(frame, PEER, US, 8);

	frame[ETH_LEN] = 0x65;
	ws_test_ip_recksum(frame + ETH_LEN);
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_version);
}

static void
test_ihl_below_five(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len = echo_request(frame, PEER, US, 8);

	frame[ETH_LEN] = 0x44;
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_ihl);
}

static void
test_ihl_past_frame(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];

	echo_request(frame, PEER, US, 8);
	frame[ETH_LEN] = 0x4f;		/* 60 bytes of header ... */
	expect_dropped(env, frame, ETH_LEN + 40,	/* ... in 40 */
		&env->w.stats.ip.drop_short);
}

static void
test_total_length_inconsistent(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len = echo_request(frame, PEER, US, 8);

	/* One byte more than the frame holds. */
	frame[ETH_LEN + 3] = (uint8_t)(len - ETH_LEN + 1);
	ws_test_ip_recksum(frame + ETH_LEN);
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_len);

	/* Shorter than its own header. */
	frame[ETH_LEN + 3] = IP_LEN - 1;
	ws_test_ip_recksum(frame + ETH_LEN);
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_len);
	assert_int_equal(env->w.stats.ip.drop_len, 2);
}

static void
test_bad_header_checksum(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len = echo_request(frame, PEER, US, 8);

	frame[ETH_LEN + 11] ^= 0x01;
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_cksum);
}

static void
test_not_our_destination(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len;

	len = echo_request(frame, PEER, IPV4(198, 18, 0, 3), 8);
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_not_ours);
	len = echo_request(frame, PEER, OFF_LINK, 8);
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_not_ours);
	/* All-hosts multicast: we join no group. */
	len = echo_request(frame, PEER, IPV4(224, 0, 0, 1), 8);
	expect_dropped(env, frame, len, &env->w.stats.ip.drop_not_ours);
	assert_int_equal(env->w.stats.ip.drop_not_ours, 3);
}

static void
test_bad_sources(void **state)
{
	struct ws_test_env *env = *state;
	static const uint32_t bad[] = {
		IPV4(0, 0, 0, 0),
		IPV4(0, 1, 2, 3),
		IPV4(127, 0, 0, 1),
		IPV4(224, 0, 0, 5),
		IPV4(239, 255, 255, 250),
		IPV4(240, 0, 0, 1),
		IPV4(255, 255, 255, 255),
		SUBNET_BCAST,
		US,
	};
	uint8_t frame[128];
	size_t len, i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		len = echo_request(frame, bad[i], US, 8);
		expect_dropped(env, frame, len, &env->w.stats.ip.drop_bad_src);
	}
	assert_int_equal(env->w.stats.ip.drop_bad_src, RTE_DIM(bad));
}

static void
test_ethernet_padding_trimmed(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128], expect[128];
	size_t len, expect_len;

	ws_test_learn_peer(env);
	len = echo_request(frame, PEER, US, 4);	/* 46 bytes */
	/* Padding that would break the ICMP checksum if delivered. */
	memset(frame + len, 0xa5, 60 - len);
	ws_test_input(env, frame, 60);

	assert_int_equal(env->w.stats.icmp.drop_cksum, 0);
	assert_int_equal(env->w.stats.icmp.echo_rx, 1);
	expect_len = echo_reply_frame(env, expect, 4);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	ws_test_assert_no_leak(env);
}

static void
test_options_skipped(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[256], plain[256], expect[256];
	size_t plain_len, expect_len;
	/* NOP, NOP, a timestamp option we do not act on, then EOL. */
	static const uint8_t opts[12] = {
		1, 1, 68, 8, 5, 0, 0, 0, 0, 0, 0, 0 };

	ws_test_learn_peer(env);
	plain_len = echo_request(plain, PEER, US, 16);
	memcpy(frame, plain, ETH_LEN + IP_LEN);
	memcpy(frame + ETH_LEN + IP_LEN, opts, sizeof(opts));
	memcpy(frame + ETH_LEN + IP_LEN + sizeof(opts),
		plain + ETH_LEN + IP_LEN, plain_len - ETH_LEN - IP_LEN);
	frame[ETH_LEN] = 0x48;
	frame[ETH_LEN + 3] += sizeof(opts);
	ws_test_ip_recksum(frame + ETH_LEN);
	ws_test_input(env, frame, plain_len + sizeof(opts));

	assert_int_equal(env->w.stats.ip.rx_options, 1);
	assert_int_equal(env->w.stats.icmp.echo_rx, 1);
	/* The reply carries a plain 20-byte header. */
	expect_len = echo_reply_frame(env, expect, 16);
	ws_test_assert_frame(env, 0, expect, expect_len);
	ws_test_assert_no_leak(env);
}

static void
test_rx_cksum_offload_flags(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	size_t len = echo_request(frame, PEER, US, 8);
	struct rte_mbuf *m;

	env->iface.offload.rx_ip_cksum = true;
	ws_test_ip_configure(env, 64, 100, 50);
	ws_test_learn_peer(env);

	/* GOOD: the port checked it; a wrong field is not looked at. */
	frame[ETH_LEN + 11] ^= 0x01;
	m = ws_test_mbuf(env, frame, len);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	ws_test_input_mbuf(env, m);
	assert_int_equal(env->w.stats.icmp.echo_rx, 1);

	/* UNKNOWN: checked in software. */
	m = ws_test_mbuf(env, frame, len);
	ws_test_input_mbuf(env, m);
	assert_int_equal(env->w.stats.ip.drop_cksum, 1);

	/* BAD: dropped although the field is right. */
	frame[ETH_LEN + 11] ^= 0x01;
	m = ws_test_mbuf(env, frame, len);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	ws_test_input_mbuf(env, m);
	assert_int_equal(env->w.stats.ip.drop_cksum, 2);
	assert_int_equal(env->w.stats.icmp.rx, 1);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Reassembly.                                                         */

/* A 72-byte echo request (8 + 64) as the IP payload of fragments. */
#define REQ_DATA 64
#define REQ_ID 0x0707

static const uint8_t *
frag_request(void)
{
	static uint8_t icmp[8 + REQ_DATA];

	ws_test_icmp_echo(icmp, 8, 0x1234, 1, pattern(REQ_DATA), REQ_DATA);
	return icmp;
}

static void
send_fragment(struct ws_test_env *env, uint16_t id, const uint8_t *payload,
		size_t off, size_t len, bool more)
{
	static uint8_t frame[FRAME_MAX];
	size_t n = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, id,
		(more ? MF : 0) | (uint16_t)(off / 8), payload + off, len);

	ws_test_input(env, frame, n);
}

/* Fragment i of three: [0,24) [24,48) [48,72). */
static void
send_third(struct ws_test_env *env, uint16_t id, unsigned int i)
{
	send_fragment(env, id, frag_request(), 24 * i, 24, i != 2);
}

static void
expect_one_reply(struct ws_test_env *env)
{
	uint8_t expect[256];
	size_t len = echo_reply_frame(env, expect, REQ_DATA);

	assert_int_equal(env->w.stats.ip.reasm_ok, 1);
	assert_int_equal(env->w.stats.icmp.echo_rx, 1);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, len);
}

/* Let every held fragment time out, and sweep. */
static void
expire_all(struct ws_test_env *env)
{
	ws_test_advance_ms(env, FRAG_TIMEOUT_MS + 1100);
	ws_test_run_timers(env);
}

static void
test_reasm_in_order(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	send_third(env, REQ_ID, 0);
	send_third(env, REQ_ID, 1);
	assert_int_equal(env->n_captured, 0);
	send_third(env, REQ_ID, 2);
	assert_int_equal(env->w.stats.ip.frag_rx, 3);
	expect_one_reply(env);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_out_of_order(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	send_third(env, REQ_ID, 2);
	send_third(env, REQ_ID, 0);
	send_third(env, REQ_ID, 1);
	expect_one_reply(env);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_overlap(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t *req = frag_request();

	ws_test_learn_peer(env);
	send_fragment(env, REQ_ID, req, 0, 24, true);
	send_fragment(env, REQ_ID, req, 16, 24, true);	/* [16,40) */
	send_fragment(env, REQ_ID, req, 40, 32, false);
	assert_int_equal(env->w.stats.ip.drop_reasm_invalid, 3);
	assert_int_equal(env->w.stats.ip.reasm_ok, 0);
	assert_int_equal(env->w.stats.icmp.rx, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_overlap_hidden_by_hole(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t *req = frag_request();

	/* Sizes add up (24 * 3), but [16,40) overlaps and leaves a hole. */
	ws_test_learn_peer(env);
	send_fragment(env, REQ_ID, req, 0, 24, true);
	send_fragment(env, REQ_ID, req, 16, 24, true);
	send_fragment(env, REQ_ID, req, 48, 24, false);
	assert_int_equal(env->w.stats.ip.drop_reasm_invalid, 3);
	assert_int_equal(env->w.stats.ip.reasm_ok, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_duplicate(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	/* A duplicate first fragment spoils its datagram in rte_ip_frag. */
	send_third(env, REQ_ID, 0);
	send_third(env, REQ_ID, 0);
	assert_int_equal(env->w.stats.ip.drop_reasm_invalid, 2);

	/* A duplicate middle one is found when the sizes stop adding up. */
	send_third(env, REQ_ID + 1, 0);
	send_third(env, REQ_ID + 1, 1);
	send_third(env, REQ_ID + 1, 1);
	send_third(env, REQ_ID + 1, 2);
	assert_int_equal(env->w.stats.ip.drop_reasm_invalid, 6);
	assert_int_equal(env->w.stats.ip.reasm_ok, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_hole_times_out(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frag0[128], quote_icmp[128], expect[256];
	size_t frag0_len, expect_len;
	uint16_t ck;

	ws_test_learn_peer(env);
	send_third(env, REQ_ID, 0);
	send_third(env, REQ_ID, 2);

	/* Not yet: the sweep runs but nothing is old enough. */
	ws_test_advance_ms(env, FRAG_TIMEOUT_MS / 2);
	ws_test_run_timers(env);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, 0);
	assert_int_equal(env->n_captured, 0);
	assert_int_not_equal(ws_test_mbufs_in_use(env), 0);

	expire_all(env);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, 2);
	assert_int_equal(env->w.stats.icmp.echo_rx, 0);

	/* RFC 1122 3.3.2: fragment 0 came, so time exceeded (code 1). */
	frag0_len = ws_test_ipv4_frame(frag0, PEER, US, IPPROTO_ICMP, REQ_ID,
		MF, frag_request(), 24);
	memset(quote_icmp, 0, 8);
	quote_icmp[0] = 11;
	quote_icmp[1] = 1;
	memcpy(quote_icmp + 8, frag0 + ETH_LEN, frag0_len - ETH_LEN);
	ck = ws_test_cksum(quote_icmp, 8 + frag0_len - ETH_LEN);
	quote_icmp[2] = ck >> 8;
	quote_icmp[3] = ck & 0xff;
	expect_len = our_frame(expect, PEER, IPPROTO_ICMP,
		ws_test_ip_id(env, 0), 0, quote_icmp, 8 + frag0_len - ETH_LEN);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	assert_int_equal(env->w.stats.icmp.time_exceeded_tx, 1);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_timeout_without_first_is_silent(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	send_third(env, REQ_ID, 1);
	send_third(env, REQ_ID, 2);
	expire_all(env);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, 2);
	assert_int_equal(env->w.stats.icmp.time_exceeded_tx, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_sweep_larger_than_death_row(void **state)
{
	struct ws_test_env *env = *state;
	const unsigned int held = RTE_IP_FRAG_DEATH_ROW_MBUF_LEN + 100;
	unsigned int i;

	ws_test_ip_configure(env, 1024, 100, 50);
	for (i = 0; i < held; i++)
		send_third(env, (uint16_t)(REQ_ID + i), 1);
	assert_int_equal(env->w.stats.ip.drop_reasm_nospace, 0);
	/* One sweep empties the death row as often as it fills up. */
	expire_all(env);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, held);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_stale_reclaimed_on_lookup(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	send_third(env, REQ_ID, 1);
	/* Old enough, but the sweep has not run: the lookup reclaims it. */
	ws_test_advance_ms(env, FRAG_TIMEOUT_MS + 1);
	send_third(env, REQ_ID, 0);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, 1);
	/* The new fragment started a fresh datagram. */
	send_third(env, REQ_ID, 1);
	send_third(env, REQ_ID, 2);
	expect_one_reply(env);
	ws_test_assert_no_leak(env);
}

static void
test_frag_bad(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t *req = frag_request();
	uint8_t frame[128];
	size_t len;

	/* Not the last fragment, 20 bytes: not a multiple of 8. */
	send_fragment(env, REQ_ID, req, 0, 20, true);
	/* No payload at all. */
	send_fragment(env, REQ_ID, req, 24, 0, true);
	/* Would end past 65535 bytes. */
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, REQ_ID,
		8189, req, 24);
	ws_test_input(env, frame, len);

	assert_int_equal(env->w.stats.ip.frag_rx, 3);
	assert_int_equal(env->w.stats.ip.drop_frag_bad, 3);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_too_many_fragments(void **state)
{
	struct ws_test_env *env = *state;
	const uint8_t *req = frag_request();
	unsigned int i;

	ws_test_learn_peer(env);
	/* Nine 8-byte fragments; rte_ip_frag holds at most 8. */
	for (i = 0; i < 8; i++)
		send_fragment(env, REQ_ID, req, 8 * i, 8, true);
	assert_int_equal(env->w.stats.ip.drop_reasm_invalid, 8);
	/* The last one alone starts over, and times out. */
	send_fragment(env, REQ_ID, req, 64, 8, false);
	assert_int_equal(env->w.stats.ip.reasm_ok, 0);
	expire_all(env);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, 1);
	assert_int_equal(env->w.stats.ip.frag_rx, 9);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_reasm_table_full(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_ip_configure(env, 1, 100, 50);
	ws_test_learn_peer(env);
	send_third(env, REQ_ID, 0);
	send_third(env, REQ_ID + 1, 0);
	assert_int_equal(env->w.stats.ip.drop_reasm_nospace, 1);
	/* The datagram that holds the entry still completes. */
	send_third(env, REQ_ID, 1);
	send_third(env, REQ_ID, 2);
	expect_one_reply(env);
	/* And the entry is free again. */
	ws_test_clear_captured(env);
	send_third(env, REQ_ID + 1, 0);
	assert_int_equal(env->w.stats.ip.drop_reasm_nospace, 1);
	expire_all(env);
	assert_int_equal(env->w.stats.ip.drop_reasm_timeout, 1);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */

/* A datagram from us to 'dst' built with ws_ipv4_fill_header. */
static struct rte_mbuf *
our_datagram(struct ws_test_env *env, uint32_t dst, uint16_t payload_len,
		bool df)
{
	uint8_t buf[FRAME_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_mbuf *m;

	ws_ipv4_fill_header(&env->w, ip, rte_cpu_to_be_32(dst), 253,
		payload_len);
	if (df)
		ip->fragment_offset = rte_cpu_to_be_16(DF);
	memcpy(ip + 1, pattern(payload_len), payload_len);
	m = ws_test_mbuf(env, buf, IP_LEN + payload_len);
	m->l3_len = IP_LEN;
	return m;
}

static void
test_output_on_link(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t expect[128];
	size_t len;

	ws_test_learn_peer(env);
	ws_ipv4_output(&env->w, our_datagram(env, PEER, 10, false));
	ws_tx_flush(&env->w);
	len = our_frame(expect, PEER, 253, ws_test_ip_id(env, 0), 0,
		pattern(10), 10);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, len);
	assert_int_equal(env->w.stats.ip.tx, 1);
	ws_test_assert_no_leak(env);
}

static void
test_output_via_gateway(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t expect[128];
	size_t len;

	env->iface.gateway = rte_cpu_to_be_32(PEER);
	ws_test_ip_configure(env, 64, 100, 50);
	ws_test_learn_peer(env);
	ws_ipv4_output(&env->w, our_datagram(env, OFF_LINK, 10, false));
	ws_tx_flush(&env->w);
	/* To the gateway's MAC, the IP destination unchanged. */
	len = our_frame(expect, OFF_LINK, 253, ws_test_ip_id(env, 0), 0,
		pattern(10), 10);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, len);
	ws_test_assert_no_leak(env);
}

static void
test_output_no_route(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	ws_ipv4_output(&env->w, our_datagram(env, OFF_LINK, 10, false));
	ws_tx_flush(&env->w);
	assert_int_equal(env->w.stats.ip.tx_no_route, 1);
	assert_int_equal(env->w.stats.ip.tx, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_output_subnet_broadcast(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t expect[128];
	size_t len;

	ws_ipv4_output(&env->w, our_datagram(env, SUBNET_BCAST, 10, false));
	ws_tx_flush(&env->w);
	len = our_frame(expect, SUBNET_BCAST, 253, ws_test_ip_id(env, 0), 0,
		pattern(10), 10);
	ws_test_eth(expect, &bcast_mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, len);
	ws_test_assert_no_leak(env);
}

static void
test_output_tx_cksum_offload(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t out[128];
	struct rte_mbuf *m;

	env->iface.offload.tx_ip_cksum = true;
	ws_test_ip_configure(env, 64, 100, 50);
	ws_test_learn_peer(env);
	ws_ipv4_output(&env->w, our_datagram(env, PEER, 10, false));
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	m = env->captured[0];
	assert_int_equal(m->ol_flags & (RTE_MBUF_F_TX_IPV4 |
		RTE_MBUF_F_TX_IP_CKSUM),
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	assert_int_equal(m->l2_len, ETH_LEN);
	assert_int_equal(m->l3_len, IP_LEN);
	ws_test_captured(env, 0, out, sizeof(out));
	/* Left for the port to fill in. */
	assert_int_equal(out[ETH_LEN + 10], 0);
	assert_int_equal(out[ETH_LEN + 11], 0);
	ws_test_assert_no_leak(env);
}

static void
test_fill_header(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t hdr[IP_LEN];
	static const uint8_t expect[IP_LEN] = {
		0x45, 0x00, 0x00, 0x30, 0x42, 0x42, 0x00, 0x00,
		0x40, 0x06, 0x00, 0x00, 198, 18, 0, 2, 198, 18, 0, 1 };
	uint16_t id;

	ws_ipv4_fill_header(&env->w, (struct rte_ipv4_hdr *)hdr,
		rte_cpu_to_be_32(PEER), IPPROTO_TCP, 28);
	/* The ID is the generator's (below); the rest is fixed, DF clear. */
	id = (uint16_t)(hdr[4] << 8 | hdr[5]);
	hdr[4] = 0x42;
	hdr[5] = 0x42;
	assert_memory_equal(hdr, expect, sizeof(expect));
	/* Within the same millisecond, the same destination counts by one. */
	ws_ipv4_fill_header(&env->w, (struct rte_ipv4_hdr *)hdr,
		rte_cpu_to_be_32(PEER), IPPROTO_TCP, 28);
	assert_int_equal(hdr[4] << 8 | hdr[5], (uint16_t)(id + 1));
	assert_true(ws_ipv4_is_broadcast(&env->w, UINT32_MAX));
	assert_true(ws_ipv4_is_broadcast(&env->w,
		rte_cpu_to_be_32(SUBNET_BCAST)));
	assert_false(ws_ipv4_is_broadcast(&env->w, rte_cpu_to_be_32(US)));
	assert_false(ws_ipv4_is_broadcast(&env->w,
		rte_cpu_to_be_32(IPV4(198, 18, 1, 255))));
}

/* ------------------------------------------------------------------ */
/* Identification (RFC 6864, RFC 7739).                                */

/*
 * A key the tests know, under which PEER and B (both ICMP) and PEER's
 * 253 use different counters; production draws one at every start.
 */
static void
fixed_key(struct ws_test_env *env)
{
	memset(env->w.ident.key, 0x11, sizeof(env->w.ident.key));
}

#define B IPV4(198, 18, 0, 77)

/* The ID ws_ipv4_fill_header gives a datagram from us to 'dst'. */
static uint16_t
next_id(struct ws_test_env *env, uint32_t dst, uint8_t proto)
{
	struct rte_ipv4_hdr ip;

	ws_ipv4_fill_header(&env->w, &ip, rte_cpu_to_be_32(dst), proto, 8);
	/* One that may be fragmented: DF clear. */
	assert_int_equal(ip.fragment_offset, 0);
	return rte_be_to_cpu_16(ip.packet_id);
}

/*
 * Interleaved datagrams to A and B: each destination counts on its own.
 * With one global counter A's IDs would jump by B's count, which is what
 * idle scans and nmap's TI=I read.
 */
static void
test_ident_per_destination(void **state)
{
	struct ws_test_env *env = *state;
	uint16_t a, b, id;
	unsigned int i, j;

	fixed_key(env);
	a = next_id(env, PEER, IPPROTO_ICMP);
	b = next_id(env, B, IPPROTO_ICMP);
	for (i = 0; i < 10; i++) {
		for (j = 0; j < 5; j++) {
			id = next_id(env, B, IPPROTO_ICMP);
			assert_int_equal(id, (uint16_t)(b + 1));
			b = id;
		}
		id = next_id(env, PEER, IPPROTO_ICMP);
		assert_int_equal(id, (uint16_t)(a + 1));
		a = id;
	}
	/* Another protocol to the same host is another sequence too. */
	id = next_id(env, PEER, 253);
	assert_int_not_equal(id, (uint16_t)(a + 1));
	assert_int_equal(next_id(env, PEER, IPPROTO_ICMP), (uint16_t)(a + 1));
}

/* The same on the wire: echo replies count apart from other traffic. */
static void
test_ident_echo_replies(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128];
	uint16_t first;
	size_t len;
	unsigned int i;

	fixed_key(env);
	ws_test_learn_peer(env);
	len = echo_request(frame, PEER, US, 8);
	ws_test_input(env, frame, len);
	first = ws_test_ip_id(env, 0);
	for (i = 0; i < 20; i++)
		ws_ipv4_output(&env->w, our_datagram(env, SUBNET_BCAST, 10,
			false));
	ws_test_input(env, frame, len);
	assert_int_equal(env->n_captured, 22);
	assert_int_equal(ws_test_ip_id(env, 21), (uint16_t)(first + 1));
	ws_test_assert_no_leak(env);
}

/*
 * A counter left idle moves on by a random amount below the milliseconds
 * it slept (Linux's ip_idents_reserve), and a new start draws a new key.
 */
static void
test_ident_idle_jump_and_new_key(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t key[sizeof(env->w.ident.key)];
	uint16_t a, id;
	unsigned int i, jumped = 0;

	for (i = 0; i < 8; i++) {
		a = next_id(env, PEER, IPPROTO_UDP);
		ws_test_advance_ms(env, 1000);
		id = next_id(env, PEER, IPPROTO_UDP);
		assert_in_range((uint16_t)(id - a), 1, 1000);
		jumped += id != (uint16_t)(a + 1);
	}
	/* Eight draws below 1000 all zero: 1e-24. */
	assert_int_not_equal(jumped, 0);

	memcpy(key, env->w.ident.key, sizeof(key));
	ws_test_env_reinit(env);
	assert_memory_not_equal(key, env->w.ident.key, sizeof(key));
}

/* Datagrams above the MTU: one ID per datagram, on all its fragments. */
static void
test_ident_fragments(void **state)
{
	struct ws_test_env *env = *state;
	static const uint16_t frag_off[2] = { MF, 185 };
	uint8_t out[2048];
	uint16_t id[2];
	unsigned int d, i;

	fixed_key(env);
	ws_test_learn_peer(env);
	/* 1480 + 520 bytes each. */
	ws_ipv4_output(&env->w, our_datagram(env, PEER, 2000, false));
	ws_ipv4_output(&env->w, our_datagram(env, PEER, 2000, false));
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 4);
	for (d = 0; d < 2; d++) {
		id[d] = ws_test_ip_id(env, 2 * d);
		for (i = 0; i < 2; i++) {
			ws_test_captured(env, 2 * d + i, out, sizeof(out));
			assert_int_equal(ws_test_ip_id(env, 2 * d + i), id[d]);
			assert_int_equal(out[ETH_LEN + 6] << 8 |
				out[ETH_LEN + 7], frag_off[i]);
		}
	}
	assert_int_equal(id[1], (uint16_t)(id[0] + 1));
	assert_int_equal(env->w.stats.ip.frag_tx, 4);
	ws_test_assert_no_leak(env);
}

static void
test_echo_reply_fragmented(void **state)
{
	struct ws_test_env *env = *state;
	const size_t data_len = 4000, icmp_len = 8 + 4000;
	static uint8_t request[8 + 4000], reply[8 + 4000], expect[2048];
	static const size_t frag_len[3] = { 1480, 1480, 1048 };
	size_t off = 0, len;
	unsigned int i;

	ws_test_learn_peer(env);
	ws_test_icmp_echo(request, 8, 0x1234, 1, pattern(data_len), data_len);
	ws_test_icmp_echo(reply, 0, 0x1234, 1, pattern(data_len), data_len);
	/* ping -s 4000 over a 1500-byte MTU arrives in three fragments. */
	for (i = 0; i < 3; i++) {
		send_fragment(env, REQ_ID, request, off, frag_len[i], i != 2);
		off += frag_len[i];
	}
	assert_int_equal(off, icmp_len);
	assert_int_equal(env->w.stats.ip.reasm_ok, 1);
	assert_int_equal(env->w.stats.icmp.echo_tx, 1);

	/* And leaves the same way: offsets 0, 185, 370; MF on all but last. */
	assert_int_equal(env->n_captured, 3);
	off = 0;
	for (i = 0; i < 3; i++) {
		len = our_frame(expect, PEER, IPPROTO_ICMP,
			ws_test_ip_id(env, 0),
			(uint16_t)((i != 2 ? MF : 0) | off / 8), reply + off,
			frag_len[i]);
		ws_test_assert_frame(env, i, expect, len);
		off += frag_len[i];
	}
	assert_int_equal(env->w.stats.ip.frag_tx, 3);
	assert_int_equal(env->w.stats.ip.tx, 3);
	ws_test_assert_no_leak(env);
}

static void
test_output_df_too_big(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	ws_ipv4_output(&env->w, our_datagram(env, PEER, 1600, true));
	ws_tx_flush(&env->w);
	assert_int_equal(env->w.stats.ip.drop_frag_df, 1);
	assert_int_equal(env->w.stats.ip.tx, 0);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

static void
test_unknown_protocol_unreachable(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t frame[128], icmp[128], expect[256];
	size_t len, icmp_len, expect_len;
	uint16_t ck;

	ws_test_learn_peer(env);
	len = ws_test_ipv4_frame(frame, PEER, US, 253, 0x0101, 0, pattern(30),
		30);
	ws_test_input(env, frame, len);
	assert_int_equal(env->w.stats.ip.drop_proto, 1);

	/* Type 3 code 2, 4 unused bytes, the datagram as received. */
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 2;
	memcpy(icmp + 8, frame + ETH_LEN, len - ETH_LEN);
	icmp_len = 8 + len - ETH_LEN;
	ck = ws_test_cksum(icmp, icmp_len);
	icmp[2] = ck >> 8;
	icmp[3] = ck & 0xff;
	expect_len = our_frame(expect, PEER, IPPROTO_ICMP,
		ws_test_ip_id(env, 0), 0, icmp, icmp_len);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	assert_int_equal(env->w.stats.icmp.unreach_tx, 1);
	ws_test_assert_no_leak(env);
}

static void
test_reassembled_unknown_protocol_quote(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t whole[128], frame[128], icmp[128], expect[256];
	const uint8_t *data = pattern(40);
	size_t whole_len, len, icmp_len, expect_len;
	uint16_t ck;

	ws_test_learn_peer(env);
	len = ws_test_ipv4_frame(frame, PEER, US, 253, REQ_ID, MF, data, 16);
	ws_test_input(env, frame, len);
	len = ws_test_ipv4_frame(frame, PEER, US, 253, REQ_ID, 2, data + 16,
		24);
	ws_test_input(env, frame, len);
	assert_int_equal(env->w.stats.ip.reasm_ok, 1);
	assert_int_equal(env->w.stats.ip.drop_proto, 1);

	/* The quote is the datagram as one: no MF, full length, valid sum. */
	whole_len = ws_test_ipv4_frame(whole, PEER, US, 253, REQ_ID, 0, data,
		40);
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 2;
	memcpy(icmp + 8, whole + ETH_LEN, whole_len - ETH_LEN);
	icmp_len = 8 + whole_len - ETH_LEN;
	ck = ws_test_cksum(icmp, icmp_len);
	icmp[2] = ck >> 8;
	icmp[3] = ck & 0xff;
	expect_len = our_frame(expect, PEER, IPPROTO_ICMP,
		ws_test_ip_id(env, 0), 0, icmp, icmp_len);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, expect, expect_len);
	ws_test_assert_no_leak(env);
}

#define IP_TEST(fn) cmocka_unit_test_setup_teardown(fn, ip_setup, \
	ws_test_teardown)

static const struct CMUnitTest tests[] = {
	IP_TEST(test_rfc1071_vector),
	IP_TEST(test_ipv4_header_vector),
	IP_TEST(test_rfc1624_vector),
	IP_TEST(test_d2_tcp_frame_ip_checksum),
	IP_TEST(test_fast_cksum_matches_dpdk),
	IP_TEST(test_chained_cksum_any_split),
	IP_TEST(test_truncated_header),
	IP_TEST(test_bad_version),
	IP_TEST(test_ihl_below_five),
	IP_TEST(test_ihl_past_frame),
	IP_TEST(test_total_length_inconsistent),
	IP_TEST(test_bad_header_checksum),
	IP_TEST(test_not_our_destination),
	IP_TEST(test_bad_sources),
	IP_TEST(test_ethernet_padding_trimmed),
	IP_TEST(test_options_skipped),
	IP_TEST(test_rx_cksum_offload_flags),
	IP_TEST(test_reasm_in_order),
	IP_TEST(test_reasm_out_of_order),
	IP_TEST(test_reasm_overlap),
	IP_TEST(test_reasm_overlap_hidden_by_hole),
	IP_TEST(test_reasm_duplicate),
	IP_TEST(test_reasm_hole_times_out),
	IP_TEST(test_reasm_timeout_without_first_is_silent),
	IP_TEST(test_reasm_sweep_larger_than_death_row),
	IP_TEST(test_reasm_stale_reclaimed_on_lookup),
	IP_TEST(test_frag_bad),
	IP_TEST(test_reasm_too_many_fragments),
	IP_TEST(test_reasm_table_full),
	IP_TEST(test_output_on_link),
	IP_TEST(test_output_via_gateway),
	IP_TEST(test_output_no_route),
	IP_TEST(test_output_subnet_broadcast),
	IP_TEST(test_output_tx_cksum_offload),
	IP_TEST(test_fill_header),
	IP_TEST(test_ident_per_destination),
	IP_TEST(test_ident_echo_replies),
	IP_TEST(test_ident_idle_jump_and_new_key),
	IP_TEST(test_ident_fragments),
	IP_TEST(test_echo_reply_fragmented),
	IP_TEST(test_output_df_too_big),
	IP_TEST(test_unknown_protocol_unreachable),
	IP_TEST(test_reassembled_unknown_protocol_quote),
};

WS_TEST_MAIN(tests)
