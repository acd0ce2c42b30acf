/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP input paths that no other test reached (scripts/coverage showed
 * them): the out-of-order queue's overlaps, repeats after the peer's FIN,
 * an application that refuses a connection, a simultaneous open reset,
 * malformed SYN-ACK options, chained mbufs, and the drops of the
 * validation step (checksum flags, port zero, broadcast, the receive
 * reserve).
 */

#include "tcp_harness.h"

/* The peer's segment 's' as a frame split into two chained mbufs at 'at'. */
static struct rte_mbuf *
chained_seg(struct ws_test_env *env, const struct pseg *s, size_t at)
{
	static uint8_t frame[4096], tcp[4096];
	struct rte_mbuf *head, *tail;
	size_t n = build_tcp(tcp, PEER_IP, US_IP, s);

	n = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_TCP, 0x77, 0,
		tcp, n);
	assert_true(at < n);
	head = ws_test_mbuf(env, frame, at);
	tail = ws_test_mbuf(env, frame + at, n - at);
	assert_int_equal(rte_pktmbuf_chain(head, tail), 0);
	return head;
}

/* Ethernet 14 + IPv4 20 + TCP 20: where a bare segment's payload starts. */
#define PAYLOAD_AT (14 + 20 + 20)

/* An application that refuses in 'accepted' gets the peer reset. */
static void
test_cov_refused_by_app_gets_rst(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss;
	struct cseg c;

	app.accept_ret = -1;
	iss = syn_from(env, PPORT, 65535);
	ack_from(env, PPORT, iss, 65535);
	only(env, &c);
	assert_true(c.flags & F_RST);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(app.accepted, 1);
	assert_int_equal(st(env)->conn_refused_by_app, 1);
	assert_null(lookup(env, LPORT, PPORT));
	/* Nobody to tell: the application said no. */
	assert_int_equal(app.closed, 0);
	ws_test_assert_no_leak(env);
}

/* A simultaneous open (our SYN crossed the peer's) reset: REFUSED. */
static void
test_cov_simultaneous_open_reset_is_refused(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *conn;
	struct cseg syn, c;
	struct pseg p = { .sport = PPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 65535 };

	conn = connect_peer(env, &syn);
	p.dport = syn.sport;
	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.ack, PISN + 1);
	assert_int_equal(conn->state, WS_TCP_SYN_RECEIVED);
	p.seq = PISN + 1;
	p.flags = F_RST;
	send_seg(env, &p);
	expect_none(env);
	expect_closed(WS_TCP_CLOSED_REFUSED);
	assert_null(lookup(env, syn.sport, PPORT));
	ws_test_assert_no_leak(env);
}

/* A SYN-ACK whose options do not parse is dropped; the next one works. */
static void
test_cov_synack_with_bad_options_dropped(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t bad[] = { 2, 1, 0, 0 };	/* MSS, length 1 */
	struct ws_tcp_conn *conn;
	struct cseg syn;
	struct pseg p = { .sport = PPORT, .seq = PISN, .flags = F_SYN | F_ACK,
		.wnd = 65535, .opts = bad, .olen = sizeof(bad) };

	conn = connect_peer(env, &syn);
	p.dport = syn.sport;
	p.ack = syn.seq + 1;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(st(env)->drop_bad_opts, 1);
	assert_int_equal(conn->state, WS_TCP_SYN_SENT);
	p.opts = NULL;
	p.olen = 0;
	send_seg(env, &p);
	expect_ack(env, syn.seq + 1, PISN + 1);
	assert_int_equal(conn->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.connected, 1);
	finish(env);
}

/* A repeat of held data that now carries the FIN marks the held segment. */
static void
test_cov_ooo_repeat_with_fin_keeps_the_fin(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	peer(env, PISN + 5, iss + 1, F_ACK, 65535, "efgh", 4);
	expect_ack(env, iss + 1, PISN + 1);
	peer(env, PISN + 5, iss + 1, F_ACK | F_FIN, 65535, "efgh", 4);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->ooo_dup, 1);
	/* The hole filled: all eight bytes, then the FIN. */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abcd", 4);
	expect_ack(env, iss + 1, PISN + 10);
	assert_int_equal(app.rx_len, 8);
	assert_memory_equal(app.rx, "abcdefgh", 8);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	finish(env);
}

/* Overlaps with held segments: trimmed at both ends, a covered one dropped. */
static void
test_cov_ooo_overlaps_trimmed(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	uint32_t s = PISN + 1;

	peer(env, s + 8, iss + 1, F_ACK, 65535, "IJKL", 4);	/* [8,12) */
	peer(env, s + 4, iss + 1, F_ACK, 65535, "EFGH", 4);	/* [4,8) */
	/* [6,10): its head under [4,8), its rest [8,10) all under [8,12). */
	peer(env, s + 6, iss + 1, F_ACK, 65535, "xxxx", 4);
	assert_int_equal(st(env)->ooo_dup, 1);
	/* [2,6): its tail cut at the successor, [2,4) kept. */
	peer(env, s + 2, iss + 1, F_ACK, 65535, "CDyy", 4);
	/* [10,14): its head cut at the predecessor, [12,14) kept. */
	peer(env, s + 10, iss + 1, F_ACK, 65535, "zzMN", 4);
	assert_int_equal(app.conn->ooo_n, 4);
	assert_int_equal(app.rx_len, 0);
	ws_test_clear_captured(env);
	peer(env, s, iss + 1, F_ACK, 65535, "AB", 2);
	expect_ack(env, iss + 1, s + 14);
	assert_int_equal(app.rx_len, 14);
	assert_memory_equal(app.rx, "ABCDEFGHIJKLMN", 14);
	assert_int_equal(app.conn->ooo_n, 0);
	finish(env);
}

/* After the peer's FIN: its repeats are acknowledged, nothing delivered. */
static void
test_cov_repeats_after_fin(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, "abc", 3);
	expect_ack(env, iss + 1, PISN + 5);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	/* The bare FIN again: ACK, still CLOSE_WAIT, told once. */
	peer(env, PISN + 4, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 5);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	/* Data after the FIN is no data: not delivered. */
	peer(env, PISN + 5, iss + 1, F_ACK, 65535, "late", 4);
	assert_int_equal(app.rx_len, 3);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	finish(env);
}

/*
 * A chained segment (IPv4 pulls only the headers into the first mbuf)
 * whose repeat starts inside its second mbuf: the first is freed, the
 * second trimmed, only the new bytes delivered.
 */
static void
test_cov_chained_segment_trimmed_past_first_mbuf(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	const uint8_t *data = ws_test_pattern(200);
	struct pseg p = { .sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.ack = iss + 1, .flags = F_ACK, .wnd = 65535,
		.data = data, .dlen = 200 };

	peer(env, PISN + 1, iss + 1, F_ACK, 65535, data, 120);
	assert_int_equal(app.rx_len, 120);
	/* Headers and 96 bytes in the first mbuf, 104 in the second. */
	ws_test_input_mbuf(env, chained_seg(env, &p, PAYLOAD_AT + 96));
	ws_tcp_flush(&env->w);
	assert_int_equal(app.rx_len, 200);
	assert_memory_equal(app.rx, data, 200);
	finish(env);
}

/*
 * A TCP header split over two mbufs is pulled up by IPv4 before TCP reads
 * it in place: the SYN is answered.
 */
static void
test_cov_header_split_over_mbufs_pulled_up(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = full_syn;
	struct cseg c;

	ws_test_input_mbuf(env, chained_seg(env, &p, 14 + 20 + 10));
	ws_tcp_flush(&env->w);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(st(env)->drop_short, 0);
	elapse(env, 100 * RTO_MS);
	ws_test_clear_captured(env);
	ws_test_assert_no_leak(env);
}

/* The NIC's checksum verdict wins over our own computation. */
static void
test_cov_checksum_flags_trusted(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = full_syn;
	struct rte_mbuf *m;
	struct cseg c;

	/* Good bytes the NIC calls bad: dropped. */
	m = seg_mbuf(env, &p);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	ws_test_input_mbuf(env, m);
	ws_tcp_flush(&env->w);
	expect_none(env);
	assert_int_equal(st(env)->drop_cksum, 1);
	/* Bad bytes the NIC calls good: taken. */
	p.bad_cksum = true;
	m = seg_mbuf(env, &p);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	ws_test_input_mbuf(env, m);
	ws_tcp_flush(&env->w);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(st(env)->drop_cksum, 1);
	/* Forget the half-open entry: its SYN-ACK retransmissions end it. */
	elapse(env, 100 * RTO_MS);
	ws_test_clear_captured(env);
	ws_test_assert_no_leak(env);
}

/* Source or destination port zero: dropped, never answered. */
static void
test_cov_port_zero_dropped(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = full_syn;

	p.sport = 0;
	send_seg(env, &p);
	p.sport = PPORT;
	p.dport = 0;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(st(env)->drop_port_zero, 2);
	ws_test_assert_no_leak(env);
}

/* MUST-57: a SYN to the subnet's broadcast address gets nothing. */
static void
test_cov_broadcast_syn_dropped(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t frame[256], tcp[128];
	uint32_t bcast = WS_TEST_IPV4(198, 18, 0, 255);
	size_t n = build_tcp(tcp, PEER_IP, bcast, &full_syn);

	n = ws_test_ipv4_frame(frame, PEER_IP, bcast, IPPROTO_TCP, 1, 0,
		tcp, n);
	ws_test_input(env, frame, n);
	ws_tcp_flush(&env->w);
	expect_none(env);
	assert_int_equal(st(env)->drop_broadcast, 1);
	assert_int_equal(st(env)->syn_rx, 0);
	ws_test_assert_no_leak(env);
}

/*
 * With the receive pool at its reserve, neither the receive buffer nor
 * the out-of-order queue may hold a received mbuf: dropped and counted,
 * unacknowledged, so the peer sends them again.
 */
static void
test_cov_receive_reserve_refuses_holding(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct rte_mempool *rx_pool = env->w.rx_pool;
	uint32_t rx_floor = env->w.rx_floor;

	app.consume_max = 0;
	env->w.rx_pool = env->pool;
	env->w.rx_floor = UINT32_MAX;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abcd", 4);
	peer(env, PISN + 9, iss + 1, F_ACK, 65535, "ijkl", 4);
	assert_int_equal(st(env)->drop_rx_reserve, 2);
	assert_int_equal(app.conn->rb_len, 0);
	assert_int_equal(app.conn->ooo_n, 0);
	ws_test_clear_captured(env);
	/* Room again: the same bytes are taken. */
	env->w.rx_pool = rx_pool;
	env->w.rx_floor = rx_floor;
	app.consume_max = UINT32_MAX;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abcd", 4);
	assert_int_equal(app.rx_len, 4);
	finish(env);
}

/*
 * The receive pool at its reserve while the out-of-order queue holds
 * three segments behind a hole: the segment that fills the hole is
 * taken, and the highest held segment given up to make room for it
 * (counted), as Linux prunes its out-of-order queue. Refusing it, as
 * before, deadlocked the connection: the peer resent that segment with
 * backoff and it was dropped every time (seen through the impairment
 * relay: a 100 MB upload stopped at 46 MB with 1,600 segments held).
 */
static void
test_cov_in_order_data_prunes_ooo_at_reserve(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct rte_mempool *rx_pool = env->w.rx_pool;
	uint32_t rx_floor = env->w.rx_floor;
	struct cseg c;

	env->w.rx_pool = env->pool;
	env->w.rx_floor = 0;
	peer(env, PISN + 5, iss + 1, F_ACK, 65535, "efgh", 4);
	peer(env, PISN + 9, iss + 1, F_ACK, 65535, "ijkl", 4);
	peer(env, PISN + 13, iss + 1, F_ACK, 65535, "mnop", 4);
	assert_int_equal(app.conn->ooo_n, 3);
	ws_test_clear_captured(env);
	/* The segment about to come takes the last mbuf above the floor. */
	env->w.rx_floor = ws_rx_pool_free(&env->w) - 1;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abcd", 4);
	assert_int_equal(st(env)->ooo_pruned, 1);
	assert_int_equal(st(env)->drop_rx_reserve, 0);
	assert_int_equal(app.rx_len, 12);
	assert_memory_equal(app.rx, "abcdefghijkl", 12);
	assert_int_equal(app.conn->ooo_n, 0);
	/* Acknowledged up to what was kept; no block for what was not. */
	only(env, &c);
	assert_int_equal(c.ack, PISN + 13);
	assert_int_equal(c.o.n_sack, 0);
	/* The peer sends the given-up segment again; it is taken. */
	env->w.rx_pool = rx_pool;
	env->w.rx_floor = rx_floor;
	peer(env, PISN + 13, iss + 1, F_ACK, 65535, "mnop", 4);
	assert_int_equal(app.rx_len, 16);
	assert_memory_equal(app.rx, "abcdefghijklmnop", 16);
	finish(env);
}

/*
 * Data drained from the out-of-order queue into the receive buffer was
 * counted against the pool when it was queued: the move is not checked
 * again. Here two bytes fill the hole by a copy into the buffer's last
 * mbuf (no new mbuf held, so nothing pruned) with the pool at its
 * reserve; the held segment behind it, too big to copy, is then taken,
 * not dropped after we had SACKed it.
 */
static void
test_cov_ooo_drain_not_refused_at_reserve(void **state)
{
	static uint8_t a[1400], e[1000];
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct rte_mempool *rx_pool = env->w.rx_pool;
	uint32_t rx_floor = env->w.rx_floor;

	memset(a, 'a', sizeof(a));
	memset(e, 'e', sizeof(e));
	app.consume_max = 0;
	env->w.rx_pool = env->pool;
	env->w.rx_floor = 0;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, a, sizeof(a));
	peer(env, PISN + 1403, iss + 1, F_ACK, 65535, e, sizeof(e));
	assert_int_equal(app.conn->ooo_n, 1);
	ws_test_clear_captured(env);
	env->w.rx_floor = ws_rx_pool_free(&env->w);
	peer(env, PISN + 1401, iss + 1, F_ACK, 65535, "cd", 2);
	/* "cd" copied; the 1000 bytes, beyond the tailroom, were not. */
	assert_int_equal(st(env)->rb_coalesced, 1);
	assert_int_equal(st(env)->ooo_pruned, 0);
	assert_int_equal(st(env)->drop_rx_reserve, 0);
	assert_int_equal(app.conn->ooo_n, 0);
	assert_int_equal(app.conn->rb_len, 2402);
	assert_int_equal(app.conn->rcv_nxt, PISN + 2403);
	env->w.rx_pool = rx_pool;
	env->w.rx_floor = rx_floor;
	app.consume_max = UINT32_MAX;
	ws_tcp_recv_resume(app.conn);
	assert_int_equal(app.rx_len, 2402);
	assert_memory_equal(app.rx, a, sizeof(a));
	assert_memory_equal(app.rx + 1400, "cd", 2);
	assert_memory_equal(app.rx + 1402, e, sizeof(e));
	finish(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_cov_refused_by_app_gets_rst),
	TCP_TEST(test_cov_simultaneous_open_reset_is_refused),
	TCP_TEST(test_cov_synack_with_bad_options_dropped),
	TCP_TEST(test_cov_ooo_repeat_with_fin_keeps_the_fin),
	TCP_TEST(test_cov_ooo_overlaps_trimmed),
	TCP_TEST(test_cov_repeats_after_fin),
	TCP_TEST(test_cov_chained_segment_trimmed_past_first_mbuf),
	TCP_TEST(test_cov_header_split_over_mbufs_pulled_up),
	TCP_TEST(test_cov_checksum_flags_trusted),
	TCP_TEST(test_cov_port_zero_dropped),
	TCP_TEST(test_cov_broadcast_syn_dropped),
	TCP_TEST(test_cov_receive_reserve_refuses_holding),
	TCP_TEST(test_cov_in_order_data_prunes_ooo_at_reserve),
	TCP_TEST(test_cov_ooo_drain_not_refused_at_reserve),
};

WS_TEST_MAIN(tests)
