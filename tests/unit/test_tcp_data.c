/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP data and windows, segment by segment (tcp_harness.h): when ACKs
 * go, which segments are acceptable, the receive buffer and window, the
 * out-of-order queue, Nagle, the send buffer, and hostile input.
 */

#include "tcp_harness.h"

/* ------------------------------------------------------------------ */
/* Acknowledgements and acceptability.                                */

/* MUST-40: the delayed ACK comes after delack_ms, not before. */
static void
test_must40_delayed_ack_timing(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "x", 1);
	expect_none(env);
	quiet_until(env, DELACK_MS);
	expect_ack(env, iss + 1, PISN + 2);
	assert_int_equal(st(env)->delayed_acks, 1);
	finish(env);
}

/* SHLD-19: every second full-sized segment is acknowledged at once. */
static void
test_shld19_ack_every_second_segment(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[1460];

	memset(data, 'a', sizeof(data));
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, data, 1460);
	expect_none(env);
	peer(env, PISN + 1461, iss + 1, F_ACK, 65535, data, 1460);
	expect_ack(env, iss + 1, PISN + 2921);
	assert_int_equal(app.rx_len, 2920);
	finish(env);
}

/* MUST-58/59: a burst of segments earns one ACK, sent at its end. */
static void
test_must59_one_ack_per_burst(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[1460];
	struct rte_mbuf *pkts[4];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .ack = iss + 1,
		.flags = F_ACK, .wnd = 65535, .data = data, .dlen = 1460,
	};
	unsigned int i;

	memset(data, 'b', sizeof(data));
	for (i = 0; i < 4; i++) {
		p.seq = PISN + 1 + 1460 * i;
		pkts[i] = seg_mbuf(env, &p);
	}
	env->w.now = env->ticks;
	ws_worker_input(&env->w, pkts, 4);
	ws_tcp_flush(&env->w);
	expect_ack(env, iss + 1, PISN + 1 + 4 * 1460);
	assert_int_equal(app.rx_len, 4 * 1460);
	finish(env);
}

/* Table 6 and RFC 5961 5.2. */
static void
test_acceptability_and_ack_range(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	/* Data beyond the window: ACK and drop. */
	peer(env, PISN + 1 + 70000, iss + 1, F_ACK, 65535, "x", 1);
	expect_ack(env, iss + 1, PISN + 1);
	/* Old data (entirely before RCV.NXT): ACK and drop. */
	peer(env, PISN - 10, iss + 1, F_ACK, 65535, "y", 1);
	expect_ack(env, iss + 1, PISN + 1);
	/*
	 * Pure ACKs out of window are answered at most every 500 ms: no
	 * endless ACK war with a confused peer.
	 */
	peer(env, PISN + 1 + 70000, iss + 1, F_ACK, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	peer(env, PISN + 1 + 70000, iss + 1, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->invalid_ack_limited, 1);
	ws_test_advance_ms(env, WS_TCP_INVALID_ACK_MS);
	peer(env, PISN + 1 + 70000, iss + 1, F_ACK, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->drop_unacceptable, 5);
	/* An ACK for data never sent: ACK and drop (no delivery). */
	peer(env, PISN + 1, iss + 1000, F_ACK, 65535, "z", 1);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->drop_ack_unsent, 1);
	assert_int_equal(app.rx_len, 0);
	/* A zero-length segment at RCV.NXT is fine. */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	expect_none(env);
	/* A segment overlapping the left edge delivers only the new part. */
	peer(env, PISN - 1, iss + 1, F_ACK, 65535, "abcd", 4);
	assert_int_equal(app.rx_len, 2);
	assert_memory_equal(app.rx, "cd", 2);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Receiving.                                                         */

/* Unconsumed data is held and shrinks the window; resume delivers it. */
static void
test_held_data_and_window(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	app.consume_max = 2;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abcdef", 6);
	assert_int_equal(app.rx_len, 2);
	assert_int_equal(app.conn->rb_len, 4);
	elapse(env, DELACK_MS);
	only(env, &c);
	assert_int_equal(c.ack, PISN + 7);
	/*
	 * Without scaling the SYN-ACK offered 65535; 6 bytes later the
	 * edge has not moved (less than an MSS could be added: MUST-39).
	 */
	assert_int_equal(c.wnd, 65535 - 6);
	app.consume_max = UINT32_MAX;
	peer(env, PISN + 7, iss + 1, F_ACK, 65535, "gh", 2);
	/* Offered again, followed by the new data. */
	assert_int_equal(app.rx_len, 2 + 6);
	assert_memory_equal(app.rx, "abcdefgh", 8);
	assert_int_equal(app.conn->rb_len, 0);
	ws_test_clear_captured(env);
	finish(env);
}

/* Tiny segments held for a sleeping app share mbufs (bounded memory). */
static void
test_tiny_segments_coalesced(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i, before = ws_test_mbufs_in_use(env);
	char b;

	app.consume_max = 0;
	for (i = 0; i < 300; i++) {
		b = (char)('a' + i % 26);
		peer(env, PISN + 1 + i, iss + 1, F_ACK, 65535, &b, 1);
	}
	ws_test_clear_captured(env);
	assert_int_equal(app.conn->rb_len, 300);
	assert_true(ws_test_mbufs_in_use(env) <= before + 2);
	assert_true(st(env)->rb_coalesced >= 298);
	app.consume_max = UINT32_MAX;
	ws_tcp_recv_resume(app.conn);
	assert_int_equal(app.rx_len, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(app.rx[i], 'a' + i % 26);
	assert_int_equal(app.conn->rb_len, 0);
	ws_test_clear_captured(env);
	finish(env);
}

/* A reassembled (chained) segment: checksum and delivery across mbufs. */
static void
test_chained_segment_from_fragments(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t tcp[2000], frame[2100], data[1001];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.ack = iss + 1, .flags = F_ACK, .wnd = 65535, .data = data,
		.dlen = sizeof(data),
	};
	size_t n, i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	n = build_tcp(tcp, PEER_IP, US_IP, &p);
	/* 517 bytes of TCP in the first fragment: odd split in the data. */
	ws_test_input(env, frame, ws_test_ipv4_frame(frame, PEER_IP, US_IP,
		IPPROTO_TCP, 0x77, RTE_IPV4_HDR_MF_FLAG, tcp, 520));
	ws_test_input(env, frame, ws_test_ipv4_frame(frame, PEER_IP, US_IP,
		IPPROTO_TCP, 0x77, 520 / 8, tcp + 520, n - 520));
	ws_tcp_flush(&env->w);
	assert_int_equal(app.rx_len, sizeof(data));
	assert_memory_equal(app.rx, data, sizeof(data));
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Out of order.                                                      */

/* SHLD-31: out-of-order segments are held and filled in. */
static void
test_shld31_out_of_order_fill(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	peer(env, PISN + 4, iss + 1, F_ACK, 65535, "def", 3);
	expect_ack(env, iss + 1, PISN + 1);	/* immediate dup ACK */
	peer(env, PISN + 10, iss + 1, F_ACK | F_FIN, 65535, "jk", 2);
	expect_ack(env, iss + 1, PISN + 1);
	/* Overlapping duplicate of held data. */
	peer(env, PISN + 5, iss + 1, F_ACK, 65535, "ef", 2);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(app.conn->ooo_n, 2);
	assert_int_equal(app.rx_len, 0);
	peer(env, PISN + 7, iss + 1, F_ACK, 65535, "ghi", 3);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(app.conn->ooo_n, 3);
	/* The gap closes: everything up to the FIN, ACKed at once. */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abc", 3);
	expect_ack(env, iss + 1, PISN + 13);
	assert_int_equal(app.rx_len, 11);
	assert_memory_equal(app.rx, "abcdefghijk", 11);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	assert_int_equal(app.conn->ooo_n, 0);
	finish(env);
}

/*
 * Issue 16 (10): a bare FIN beyond a hole gets a duplicate ACK at once,
 * like out-of-order data; once the hole is filled the peer's
 * retransmitted FIN closes.
 */
static void
test_out_of_order_bare_fin_dup_ack(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	peer(env, PISN + 4, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->dupacks_tx, 1);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.peer_closed, 0);
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abc", 3);
	elapse(env, DELACK_MS);
	expect_ack(env, iss + 1, PISN + 4);
	peer(env, PISN + 4, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 5);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	assert_int_equal(st(env)->dupacks_tx, 1);
	finish(env);
}

/* The out-of-order queue is bounded per connection. */
static void
test_ooo_bounded(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i;

	for (i = 0; i < 6; i++)
		peer(env, PISN + 10 + 10 * i, iss + 1, F_ACK, 65535, "x", 1);
	assert_int_equal(app.conn->ooo_n, 4);
	assert_int_equal(st(env)->ooo_drop_full, 2);
	ws_test_clear_captured(env);
	finish(env);
}

/*
 * A window autotuning grew holds out-of-order segments to its size, up
 * to half the worker's nodes: 64 behind a hole in a window of 1,500 made
 * the peer send the rest again.
 */
static void
test_ooo_limit_follows_autotuned_window(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i;

	/* ooo_segments 4, ooo_worker_segments 16 (tcp_configure). */
	app.conn->rcvbuf = 2 * env->w.tcp->cfg.rcvbuf;
	for (i = 0; i < 10; i++)
		peer(env, PISN + 10 + 10 * i, iss + 1, F_ACK, 65535, "x", 1);
	assert_int_equal(app.conn->ooo_n, 8);
	assert_int_equal(st(env)->ooo_drop_full, 2);
	ws_test_clear_captured(env);
	finish(env);
}

/* ... and per worker: all connections share ooo_worker_segments. */
static void
test_ooo_bounded_per_worker(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = {
		.dport = LPORT, .flags = F_ACK, .wnd = 65535, .data = "x",
		.dlen = 1,
	};
	uint32_t iss[5];
	unsigned int i, k;

	for (i = 0; i < 5; i++) {
		iss[i] = syn_from(env, (uint16_t)(PPORT + i), 65535);
		ack_from(env, (uint16_t)(PPORT + i), iss[i], 65535);
	}
	/* 4 held segments each would be 20; the worker has 16 nodes. */
	for (i = 0; i < 5; i++) {
		p.sport = (uint16_t)(PPORT + i);
		p.ack = iss[i] + 1;
		for (k = 0; k < 4; k++) {
			p.seq = PISN + 10 + 10 * k;
			send_seg(env, &p);
		}
	}
	ws_test_clear_captured(env);
	assert_int_equal(st(env)->ooo_queued, 16);
	assert_int_equal(st(env)->ooo_drop_full, 4);
	assert_null(env->w.tcp->free_ooo);
	ws_tcp_fini(&env->w);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Sending.                                                           */

/* SHLD-7 / MUST-17: Nagle holds a small tail; nodelay does not. */
static void
test_must17_nagle(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_send(app.conn, "a", 1);
	only(env, &c);
	/* Unacknowledged data: the next small write waits. */
	ws_tcp_send(app.conn, "b", 1);
	ws_tcp_send(app.conn, "c", 1);
	expect_none(env);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.dlen, 2);
	assert_memory_equal(c.data, "bc", 2);
	/* With nodelay every write goes. */
	ws_tcp_set_nodelay(app.conn, true);
	ws_tcp_send(app.conn, "d", 1);
	ws_tcp_send(app.conn, "e", 1);
	assert_int_equal(ncap(env), 2);
	ws_test_clear_captured(env);
	finish(env);
}

/* The send buffer is bounded; 'writable' follows when it drains. */
static void
test_send_buffer_full_writable(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[70000];

	memset(data, 'w', sizeof(data));
	assert_int_equal(ws_tcp_send(app.conn, data, sizeof(data)), 65536);
	assert_int_equal(ws_tcp_send_space(app.conn), 0);
	assert_int_equal(ws_tcp_send(app.conn, data, 1), 0);
	ws_test_clear_captured(env);
	peer(env, PISN + 1, iss + 1 + 14600, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.writable, 1);
	assert_int_equal(ws_tcp_send_space(app.conn), 14600);
	ws_test_clear_captured(env);
	finish(env);
}

/* A stack whose workers' send buffers share a budget of 'mbufs'. */
static void
budget_env(struct ws_test_env *env, uint32_t mbufs)
{
	env->cfg.tcp.sndbuf_worker_mbufs = mbufs;
	ws_test_env_reinit(env);
	ws_test_learn_peer(env);
	app_reset();
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT, &app_ops, &app),
		0);
}

/* Abort a and b: every mbuf of the budget comes back. */
static void
budget_end(struct ws_test_env *env, struct ws_tcp_conn *a,
		struct ws_tcp_conn *b)
{
	uint32_t budget;

	ws_tx_flush(&env->w);
	ws_test_clear_captured(env);
	ws_tcp_abort(a);
	ws_tcp_abort(b);
	ws_tx_flush(&env->w);
	ws_test_clear_captured(env);
	assert_int_equal(ws_tcp_sndbuf_mbufs(&env->w, &budget), 0);
}

/*
 * The send buffers of a worker share a budget of mbufs (issue 16, item 8):
 * past it a send is cut short and counted, a newcomer still gets the
 * floor (WS_TCP_SB_MIN_MBUFS), and when memory comes back, here through
 * another connection's ACK, the poll loop calls 'writable' for those it
 * refused. Before, one connection could hold every mbuf of the pool and
 * a refused one waited for an ACK of its own that never came.
 */
static void
test_send_budget_backpressure_and_wakeup(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t data[20000];
	struct ws_tcp_conn *a, *b;
	uint32_t iss_a, iss_b, budget;

	budget_env(env, 8);
	memset(data, 'b', sizeof(data));
	iss_a = establish(env);
	a = app.conn;
	/* A takes the budget: 8 mbufs of 2048 bytes, and no more. */
	assert_int_equal(ws_tcp_send(a, data, sizeof(data)), 8 * 2048);
	assert_int_equal(st(env)->sndbuf_budget_full, 1);
	assert_int_equal(ws_tcp_sndbuf_mbufs(&env->w, &budget), 8);
	assert_int_equal(budget, 8);
	assert_int_equal(ws_tcp_send_space(a), 0);
	ws_tx_flush(&env->w);
	ws_test_clear_captured(env);

	/* B, a newcomer, still gets the floor, then waits. */
	iss_b = syn_from(env, PPORT + 1, 65535);
	ack_from(env, PPORT + 1, iss_b, 65535);
	b = lookup(env, LPORT, PPORT + 1);
	assert_non_null(b);
	assert_int_equal(ws_tcp_send(b, data, sizeof(data)), 4 * 2048);
	assert_int_equal(st(env)->sndbuf_budget_full, 2);
	assert_int_equal(ws_tcp_send(b, data, 1), 0);
	assert_int_equal(ws_tcp_sndbuf_mbufs(&env->w, &budget), 12);
	ws_tx_flush(&env->w);
	ws_test_clear_captured(env);

	/* A's first 10 segments are acknowledged: 7 mbufs come back. */
	app.writable = 0;
	peer(env, PISN + 1, iss_a + 1 + 14600, F_ACK, 65535, NULL, 0);
	assert_int_equal(ws_tcp_sndbuf_mbufs(&env->w, &budget), 5);
	/* A heard it on its ACK; B only from the poll loop. */
	assert_int_equal(app.writable, 1);
	assert_int_equal(st(env)->sndbuf_wakeups, 0);
	elapse(env, 1);
	assert_int_equal(app.writable, 2);
	assert_int_equal(st(env)->sndbuf_wakeups, 1);
	assert_true(ws_tcp_send_space(b) > 0);

	budget_end(env, a, b);
}

/*
 * Past half the budget (memory pressure) a connection queues only what its
 * peer's window will take, plus WS_TCP_SB_MIN_MBUFS: a Sockstress peer
 * with a small or shut window cannot pin the rest of the budget, which
 * stays for connections that can send.
 */
static void
test_send_budget_pressure_follows_window(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t data[65536];
	struct ws_tcp_conn *a, *b;
	uint32_t iss, budget;

	budget_env(env, 32);
	memset(data, 'p', sizeof(data));
	/* A's peer offers 4096 bytes: it gets the free half, no more. */
	iss = syn_from(env, PPORT + 1, 4096);
	ack_from(env, PPORT + 1, iss, 4096);
	a = lookup(env, LPORT, PPORT + 1);
	assert_non_null(a);
	assert_int_equal(ws_tcp_send(a, data, sizeof(data)), 16 * 2048);
	assert_int_equal(st(env)->sndbuf_pressure_limited, 1);
	assert_int_equal(st(env)->sndbuf_budget_full, 0);
	assert_int_equal(ws_tcp_send_space(a), 0);
	ws_tx_flush(&env->w);
	ws_test_clear_captured(env);

	/* B's peer offers 64 KB: it may use the rest of the budget. */
	iss = syn_from(env, PPORT + 2, 65535);
	ack_from(env, PPORT + 2, iss, 65535);
	b = lookup(env, LPORT, PPORT + 2);
	assert_non_null(b);
	assert_int_equal(ws_tcp_send(b, data, sizeof(data)), 16 * 2048);
	assert_int_equal(st(env)->sndbuf_budget_full, 1);
	assert_int_equal(ws_tcp_sndbuf_mbufs(&env->w, &budget), 32);
	assert_int_equal(budget, 32);

	budget_end(env, a, b);
}

/* ws_tcp_send_mbuf: the app's chain is queued whole, or not at all. */
static void
test_send_mbuf(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct rte_mbuf *a = ws_test_mbuf(env, "zero", 4);
	struct rte_mbuf *b = ws_test_mbuf(env, "copy", 4);
	struct cseg c;

	assert_int_equal(rte_pktmbuf_chain(a, b), 0);
	assert_int_equal(ws_tcp_send_mbuf(app.conn, a), 0);
	only(env, &c);
	assert_int_equal(c.dlen, 8);
	assert_memory_equal(c.data, "zerocopy", 8);
	assert_int_equal(c.seq, iss + 1);
	/* Too big for the buffer: refused, still the caller's. */
	a = ws_test_mbuf(env, "x", 1);
	a->pkt_len = 70000;
	assert_int_equal(ws_tcp_send_mbuf(app.conn, a), -ENOBUFS);
	a->pkt_len = 1;
	rte_pktmbuf_free(a);
	peer(env, PISN + 1, iss + 9, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.conn->sb_len, 0);
	finish(env);
}

/* An empty mempool: nothing sent, nothing broken, and it recovers. */
static void
test_mempool_empty(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_mbuf *hog[4096];
	unsigned int n = 0;
	uint32_t iss = establish(env);

	while (n < RTE_DIM(hog) && (hog[n] = rte_pktmbuf_alloc(env->pool)))
		n++;
	assert_int_equal(ws_tcp_send(app.conn, "abc", 3), 0);
	assert_true(st(env)->drop_nombuf >= 1);
	while (n > 0)
		rte_pktmbuf_free(hog[--n]);
	assert_int_equal(ws_tcp_send(app.conn, "abc", 3), 3);
	{
		struct cseg c;

		only(env, &c);
		assert_int_equal(c.seq, iss + 1);
		assert_int_equal(c.dlen, 3);
	}
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Hostile input.                                                     */

/* Hostile input: random segments never crash, leak or wedge a worker. */
static void
test_random_segments(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t junk[1600];
	uint8_t opts[40];
	struct pseg p;
	unsigned int i, k;
	uint64_t r;

	for (i = 0; i < 20000; i++) {
		r = rte_rand();
		memset(&p, 0, sizeof(p));
		p.sport = (r & 1) ? PPORT : (uint16_t)(PPORT + (r >> 1) % 4);
		p.dport = (r & 2) ? LPORT : (uint16_t)(r >> 8);
		/* Mostly near the real sequence space, sometimes anywhere. */
		p.seq = (r & 4) ? PISN + (uint32_t)(rte_rand() % 200000) :
			(uint32_t)rte_rand();
		p.ack = (r & 8) ? iss + (uint32_t)(rte_rand() % 70000) :
			(uint32_t)rte_rand();
		p.flags = (uint8_t)(rte_rand() & 0x3f);
		p.wnd = (uint16_t)rte_rand();
		p.olen = (unsigned int)(rte_rand() % 11) * 4;
		for (k = 0; k < p.olen; k++)
			opts[k] = (uint8_t)rte_rand();
		p.opts = opts;
		p.dlen = (unsigned int)(rte_rand() % 3 == 0 ?
			rte_rand() % 1400 : 0);
		p.data = junk;
		if (rte_rand() % 16 == 0)
			p.doff_override = (int)(rte_rand() % 16);
		send_seg(env, &p);
		if (i % 64 == 0) {
			ws_test_clear_captured(env);
			elapse(env, rte_rand() % 3000);
		}
		ws_test_clear_captured(env);
	}
	app.conn = lookup(env, LPORT, PPORT) != NULL && app.closed == 0 ?
		app.conn : NULL;
	ws_tcp_fini(&env->w);
	/* The gauges come back to zero with the last TCB. */
	assert_int_equal(st(env)->st_closed + st(env)->st_listen +
		st(env)->st_syn_sent + st(env)->st_syn_received +
		st(env)->st_established + st(env)->st_close_wait +
		st(env)->st_fin_wait_1 + st(env)->st_closing +
		st(env)->st_last_ack + st(env)->st_fin_wait_2 +
		st(env)->st_time_wait, 0);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_must40_delayed_ack_timing),
	TCP_TEST(test_shld19_ack_every_second_segment),
	TCP_TEST(test_must59_one_ack_per_burst),
	TCP_TEST(test_acceptability_and_ack_range),
	TCP_TEST(test_held_data_and_window),
	TCP_TEST(test_tiny_segments_coalesced),
	TCP_TEST(test_chained_segment_from_fragments),
	TCP_TEST(test_shld31_out_of_order_fill),
	TCP_TEST(test_out_of_order_bare_fin_dup_ack),
	TCP_TEST(test_ooo_bounded),
	TCP_TEST(test_ooo_limit_follows_autotuned_window),
	TCP_TEST(test_ooo_bounded_per_worker),
	TCP_TEST(test_must17_nagle),
	TCP_TEST(test_send_buffer_full_writable),
	TCP_TEST(test_send_budget_backpressure_and_wakeup),
	TCP_TEST(test_send_budget_pressure_follows_window),
	TCP_TEST(test_send_mbuf),
	TCP_TEST(test_mempool_empty),
	TCP_TEST(test_random_segments),
};

WS_TEST_MAIN(tests)
