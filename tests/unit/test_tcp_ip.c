/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP's IPv4 side: DF on every segment (RFC 1191), atomic IDs (RFC 6864),
 * and the path MTU that ICMP fragmentation-needed may set: never below
 * [ip] pmtu_min, and only about a segment sent with DF (RFC 5927).
 */

#include "tcp_harness.h"

#define DF RTE_IPV4_HDR_DF_FLAG
#define ETH_LEN 14
#define IP_LEN 20

/* DF set, not a fragment. */
static void
assert_atomic(const struct cseg *s)
{
	assert_int_equal(s->ip_frag, DF);
}

/* SYN-ACK, RST, data and pure ACKs, and an active open's SYN all set DF. */
static void
test_df_on_every_segment(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = {
		.sport = PPORT, .dport = 81, .seq = 5000, .flags = F_SYN,
		.wnd = 1000,
	};
	struct ws_tcp_conn *c;
	struct cseg s, s2;
	uint32_t iss;

	/* RST from a closed port: no connection, ID 0 like Linux. */
	send_seg(env, &p);
	only(env, &s);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_atomic(&s);
	assert_int_equal(s.ip_id, 0);

	/* SYN-ACK: ID 0 too (cookies' are the same, test_tcp_cookies). */
	p.sport = PPORT + 1;
	p.dport = LPORT;
	send_seg(env, &p);
	only(env, &s);
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_atomic(&s);
	assert_int_equal(s.ip_id, 0);

	/* Data and ACKs count per connection: consecutive IDs. */
	iss = establish(env);
	ws_tcp_send(app.conn, "ab", 2);
	only(env, &s);
	assert_int_equal(s.dlen, 2);
	assert_atomic(&s);
	peer(env, PISN + 1, iss + 3, F_ACK, 65535, "xyz", 3);
	elapse(env, DELACK_MS);
	only(env, &s2);
	assert_int_equal(s2.ack, PISN + 4);
	assert_atomic(&s2);
	assert_int_equal(s2.ip_id, (uint16_t)(s.ip_id + 1));

	/* A RST of a connection, too. */
	ws_tcp_abort(app.conn);
	only(env, &s);
	assert_int_equal(s.flags & F_RST, F_RST);
	assert_atomic(&s);
	app.conn = NULL;
	finish(env);

	/* An active open's SYN. */
	c = connect_peer(env, &s);
	assert_non_null(c);
	assert_atomic(&s);
	ws_tcp_abort(c);
	ws_test_clear_captured(env);
	ws_test_assert_no_leak(env);
}

/*
 * ICMP fragmentation-needed from 'src' (host order) about the segment in
 * captured frame i (its IP header and first 8 TCP bytes), next-hop MTU
 * 'mtu'; 'clear_df' takes DF out of the quote. Goes through IPv4 and
 * ICMP input like any datagram.
 */
static void
frag_needed(struct ws_test_env *env, unsigned int i, uint16_t mtu,
		bool clear_df)
{
	uint8_t sent[2048], icmp[8 + IP_LEN + 8], frame[128];
	uint16_t ck;
	size_t len;

	ws_test_captured(env, i, sent, sizeof(sent));
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 4;
	icmp[6] = mtu >> 8;
	icmp[7] = mtu & 0xff;
	memcpy(icmp + 8, sent + ETH_LEN, IP_LEN + 8);
	if (clear_df) {
		icmp[8 + 6] &= ~0x40;
		ws_test_ip_recksum(icmp + 8);
	}
	ck = ws_test_cksum(icmp, sizeof(icmp));
	icmp[2] = ck >> 8;
	icmp[3] = ck & 0xff;
	len = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_ICMP, 1, 0,
		icmp, sizeof(icmp));
	ws_test_input(env, frame, len);
}

/* An ESTABLISHED connection with data in flight, left in the capture. */
static uint32_t
in_flight(struct ws_test_env *env)
{
	static uint8_t data[3000];
	uint32_t iss = establish(env);

	assert_int_equal(app.conn->mss, 1460);
	assert_int_equal(ws_tcp_send(app.conn, data, sizeof(data)),
		(int)sizeof(data));
	ws_tx_flush(&env->w);
	/* As much as the initial window takes. */
	assert_true(ncap(env) >= 1);
	return iss;
}

/*
 * A forged MTU of 68 would leave 16-byte segments. It is clamped to
 * pmtu_min (552: 512 bytes of data), and DF goes so that a real path that
 * small fragments instead.
 */
static void
test_pmtu_floor(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg s;
	unsigned int i;

	assert_int_equal(env->cfg.ip.pmtu_min, 552);
	in_flight(env);
	frag_needed(env, 0, 68, false);
	assert_int_equal(app.conn->mss, 552 - 40);
	assert_int_equal(st(env)->icmp_pmtu, 1);
	assert_int_equal(st(env)->icmp_pmtu_below_floor, 1);
	ws_test_clear_captured(env);

	/* The retransmission is 512 bytes, without DF, a datagram's ID. */
	elapse(env, RTO_MS);
	assert_true(ncap(env) >= 1);
	for (i = 0; i < ncap(env); i++) {
		cap(env, i, &s);
		assert_int_equal(s.dlen, 552 - 40);
		assert_int_equal(s.ip_frag, 0);
	}
	ws_test_clear_captured(env);
	finish(env);
}

/* The same floor with timestamps: 552 - 40 - 12. */
static void
test_pmtu_floor_with_timestamps(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t data[3000];
	uint8_t o[12];
	struct cseg s;

	send_seg(env, &full_syn);
	only(env, &s);
	ts_opt(o, 0x11223345, s.o.tsval);
	send_seg(env, &(struct pseg){ .sport = PPORT, .dport = LPORT,
		.seq = PISN + 1, .ack = s.seq + 1, .flags = F_ACK,
		.wnd = 65535, .opts = o, .olen = sizeof(o) });
	expect_none(env);
	assert_non_null(app.conn);
	assert_true(app.conn->ts_ok);
	assert_int_equal(ws_tcp_send(app.conn, data, sizeof(data)),
		(int)sizeof(data));
	ws_tx_flush(&env->w);
	assert_true(ncap(env) >= 1);
	frag_needed(env, 0, 68, false);
	assert_int_equal(app.conn->mss, 552 - 40 - 12);
	assert_int_equal(st(env)->icmp_pmtu_below_floor, 1);
	ws_test_clear_captured(env);
	finish(env);
}

/* RFC 1191: a segment sent without DF cannot have been too big. */
static void
test_pmtu_quote_without_df_ignored(void **state)
{
	struct ws_test_env *env = *state;

	in_flight(env);
	frag_needed(env, 0, 1000, true);
	assert_int_equal(app.conn->mss, 1460);
	assert_int_equal(st(env)->drop_icmp_pmtu_no_df, 1);
	assert_int_equal(st(env)->icmp_pmtu, 0);

	/* With DF, the same message is taken: 1000 - 40. */
	frag_needed(env, 0, 1000, false);
	assert_int_equal(st(env)->icmp_pmtu, 1);
	assert_int_equal(st(env)->icmp_pmtu_below_floor, 0);
	assert_int_equal(app.conn->mss, 960);
	assert_false(app.conn->pmtu_no_df);
	ws_test_clear_captured(env);
	finish(env);
}

/* The floor is [ip] pmtu_min. */
static void
test_pmtu_floor_configurable(void **state)
{
	struct ws_test_env *env = *state;

	env->cfg.ip.pmtu_min = 1000;
	in_flight(env);
	frag_needed(env, 0, 900, false);
	assert_int_equal(app.conn->mss, 960);
	assert_int_equal(st(env)->icmp_pmtu_below_floor, 1);
	ws_test_clear_captured(env);
	finish(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_df_on_every_segment),
	TCP_TEST(test_pmtu_floor),
	TCP_TEST(test_pmtu_floor_with_timestamps),
	TCP_TEST(test_pmtu_quote_without_df_ignored),
	TCP_TEST(test_pmtu_floor_configurable),
};

WS_TEST_MAIN(tests)
