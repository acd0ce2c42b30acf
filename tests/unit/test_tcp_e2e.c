/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP end to end: two workers joined by the test, one the client and
 * one the server (tcp_harness.h), moving 3 MiB over a clean link, a
 * lossy one, and links that fragment.
 */

#include "tcp_harness.h"

#define E2E_BYTES (3u << 20)

static struct e2e {
	uint32_t sent, received, bad;
	bool client_closed, server_closed, server_peer_closed;
	int client_reason, server_reason;
	struct ws_tcp_conn *client;
	unsigned int frames, dropped;
	unsigned int drop_every;	/* 0: no loss */
	uint64_t rx_unacceptable;	/* the receiver's spurious copies */
	uint64_t rx_cksum_drops;
	bool pass_mbufs;		/* hand over mbufs, not copies */
	struct ws_test_env *shrink_mtu;	/* MTU drops once connected */
	uint16_t mtu;			/* ... to this */
} e2e;

static uint8_t
e2e_byte(uint32_t i)
{
	return (uint8_t)(i * 31 + (i >> 8));
}

static void
e2e_push(struct ws_tcp_conn *c)
{
	static uint8_t buf[16384];
	uint32_t n, i;
	int ret;

	while (e2e.sent < E2E_BYTES) {
		n = RTE_MIN((uint32_t)sizeof(buf), E2E_BYTES - e2e.sent);
		for (i = 0; i < n; i++)
			buf[i] = e2e_byte(e2e.sent + i);
		ret = ws_tcp_send(c, buf, n);
		assert_true(ret >= 0);
		e2e.sent += (uint32_t)ret;
		if ((uint32_t)ret < n)
			return;
	}
	ws_tcp_close(c);
}

static void
e2e_connected(struct ws_tcp_conn *c)
{
	/*
	 * Segments now exceed the MTU: IPv4 fragments them, as they go
	 * without DF once a path MTU below [ip] pmtu_min was reported.
	 */
	if (e2e.shrink_mtu != NULL) {
		e2e.shrink_mtu->iface.mtu = e2e.mtu;
		c->pmtu_no_df = 1;
	}
	e2e_push(c);
}

static void
e2e_writable(struct ws_tcp_conn *c)
{
	e2e_push(c);
}

static void
e2e_client_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	e2e.client_closed = true;
	e2e.client_reason = why;
}

static const struct ws_tcp_ops e2e_client_ops = {
	.connected = e2e_connected,
	.writable = e2e_writable,
	.closed = e2e_client_closed,
};

static int
e2e_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)c;
	(void)arg;
	return 0;
}

static uint32_t
e2e_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	const struct rte_mbuf *seg = m;
	uint32_t i = 0, n;

	(void)c;
	while (off >= seg->data_len) {
		off -= seg->data_len;
		seg = seg->next;
	}
	while (i < len) {
		const uint8_t *p = rte_pktmbuf_mtod_offset(seg, const uint8_t *,
			off);

		n = RTE_MIN(len - i, (uint32_t)seg->data_len - off);
		for (uint32_t k = 0; k < n; k++)
			if (p[k] != e2e_byte(e2e.received + i + k))
				e2e.bad++;
		i += n;
		off = 0;
		seg = seg->next;
	}
	e2e.received += len;
	return len;
}

static void
e2e_peer_closed(struct ws_tcp_conn *c)
{
	e2e.server_peer_closed = true;
	ws_tcp_close(c);
}

static void
e2e_server_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	e2e.server_closed = true;
	e2e.server_reason = why;
}

static const struct ws_tcp_ops e2e_server_ops = {
	.accepted = e2e_accepted,
	.data = e2e_data,
	.peer_closed = e2e_peer_closed,
	.closed = e2e_server_closed,
};

/* Move every frame 'from' sent into 'to'; some data frames get lost. */
static unsigned int
e2e_move(struct ws_test_env *from, struct ws_test_env *to)
{
	static uint8_t f[16384];
	unsigned int i, n = ncap(from), moved = 0;
	size_t len;

	for (i = 0; i < n; i++) {
		len = ws_test_captured(from, i, f, sizeof(f));
		e2e.frames++;
		/* Lose some IPv4 frames, never ARP. */
		if (e2e.drop_every != 0 && f[12] == 0x08 && f[13] == 0x00 &&
				e2e.frames % e2e.drop_every == 0) {
			e2e.dropped++;
			continue;
		}
		if (e2e.pass_mbufs) {
			/* As net_ring does: the very mbuf, chains included. */
			ws_test_input_mbuf(to, from->captured[i]);
			from->captured[i] = NULL;
		} else {
			ws_test_input(to, f, len);
		}
		moved++;
	}
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(from->captured[i]);
	from->n_captured = 0;
	ws_tcp_flush(&to->w);
	return moved;
}

static void
e2e_run(struct ws_test_env *a, unsigned int drop_every, bool pass_mbufs)
{
	struct ws_test_env *b;
	void *bs;
	unsigned int round;

	{
		struct ws_test_env *shrink = e2e.shrink_mtu;
		uint16_t mtu = e2e.mtu;

		memset(&e2e, 0, sizeof(e2e));
		e2e.shrink_mtu = shrink;
		e2e.mtu = mtu;
	}
	e2e.drop_every = drop_every;
	e2e.pass_mbufs = pass_mbufs;
	assert_int_equal(ws_test_setup(&bs), 0);
	b = bs;
	tcp_configure(b);
	b->cfg.tcp.max_connections = 8;
	b->cfg.tcp.ooo_segments = 64;
	b->cfg.tcp.ooo_worker_segments = 256;
	b->cfg.ip.addr = rte_cpu_to_be_32(PEER_IP);
	ws_iface_set_addrs(&b->iface, rte_cpu_to_be_32(PEER_IP), 1);
	b->iface.mac = ws_test_peer_mac;
	ws_test_env_reinit(b);
	b->ticks = a->ticks;
	assert_int_equal(ws_tcp_listen_worker(&b->w, 8080, &e2e_server_ops,
		NULL), 0);

	e2e.client = ws_tcp_connect(&a->w, rte_cpu_to_be_32(PEER_IP), 8080,
		&e2e_client_ops, NULL);
	assert_non_null(e2e.client);
	for (round = 0; round < 200000; round++) {
		while (e2e_move(a, b) + e2e_move(b, a) != 0)
			;
		if (e2e.client_closed && e2e.server_closed)
			break;
		ws_test_advance_ms(a, 1);
		ws_test_advance_ms(b, 1);
		ws_test_run_timers(a);
		ws_test_run_timers(b);
	}
	assert_true(e2e.client_closed);
	assert_true(e2e.server_closed);
	assert_int_equal(e2e.client_reason, WS_TCP_CLOSED_NORMAL);
	assert_int_equal(e2e.server_reason, WS_TCP_CLOSED_NORMAL);
	assert_int_equal(e2e.received, E2E_BYTES);
	assert_int_equal(e2e.bad, 0);
	if (drop_every != 0) {
		assert_true(e2e.dropped > 0);
		assert_true(a->w.stats.tcp.retransmits > 0);
	}
	e2e.rx_unacceptable = b->w.stats.tcp.drop_unacceptable;
	e2e.rx_cksum_drops = b->w.stats.tcp.drop_cksum +
		a->w.stats.tcp.drop_cksum;
	/* TIME_WAIT on the client; then everything is back. */
	elapse(a, 2 * MSL_MS);
	assert_int_equal(a->w.stats.tcp.st_time_wait, 0);
	ws_test_assert_no_leak(b);
	assert_int_equal(ws_test_teardown(&bs), 0);
	ws_test_assert_no_leak(a);
}

/* ------------------------------------------------------------------ */
/* Transfers.                                                         */

/* A clean link: 3 MiB, in order, closed normally on both sides. */
static void
test_e2e_bulk_transfer(void **state)
{
	e2e_run(*state, 0, false);
	assert_int_equal(e2e.rx_cksum_drops, 0);
}

/* A lossy link: every 37th frame lost; RTO, fast retransmit, OOO. */
static void
test_e2e_lossy_transfer(void **state)
{
	struct ws_test_env *env = *state;

	e2e_run(env, 37, false);
	assert_int_equal(e2e.rx_cksum_drops, 0);
	/*
	 * Limited Transmit (RFC 3042) keeps fast retransmit working with
	 * small windows: timeouts and spurious copies stay rare.
	 */
	assert_true(env->w.stats.tcp.fast_retransmits > 0);
	assert_true(env->w.stats.tcp.rto_expired < 10);
	assert_true(e2e.rx_unacceptable < 10);
}

/*
 * The same lossy transfer handing the very mbufs across, as net_ring
 * does: fragment chains and indirect mbufs reach the receiver.
 */
static void
test_e2e_lossy_transfer_mbufs(void **state)
{
	struct ws_test_env *env = *state;

	e2e_run(env, 37, true);
	assert_int_equal(e2e.rx_cksum_drops, 0);
	assert_true(env->w.stats.tcp.rto_expired < 10);
}

/* The lossy link again with CUBIC and pacing on the sending side. */
static void
test_e2e_lossy_transfer_cubic(void **state)
{
	struct ws_test_env *env = *state;

	env->cfg.tcp.congestion = WS_TCP_CONGESTION_CUBIC;
	env->cfg.tcp.pacing = true;
	ws_test_env_reinit(env);
	ws_test_learn_peer(env);
	e2e_run(env, 37, false);
	assert_int_equal(e2e.rx_cksum_drops, 0);
	assert_true(env->w.stats.tcp.fast_retransmits > 0);
	assert_true(env->w.stats.tcp.rto_expired < 10);
	assert_true(e2e.rx_unacceptable < 10);
}

/* Fragmented segments (indirect mbuf chains) verify and deliver. */
static void
test_e2e_fragmented_segments(void **state)
{
	struct ws_test_env *env = *state;

	static const uint16_t mtus[] = { 1496, 1492, 1000, 997, 576 };
	unsigned int i;

	for (i = 0; i < RTE_DIM(mtus); i++) {
		memset(&e2e, 0, sizeof(e2e));
		e2e.shrink_mtu = env;
		e2e.mtu = mtus[i];
		e2e_run(env, 0, true);
		env->iface.mtu = 1500;
		assert_int_equal(e2e.rx_cksum_drops, 0);
		assert_true(env->w.stats.ip.frag_tx > 0);
		ws_test_env_reinit(env);
	}
	e2e.shrink_mtu = NULL;
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_e2e_bulk_transfer),
	TCP_TEST(test_e2e_lossy_transfer),
	TCP_TEST(test_e2e_lossy_transfer_mbufs),
	TCP_TEST(test_e2e_lossy_transfer_cubic),
	TCP_TEST(test_e2e_fragmented_segments),
};

WS_TEST_MAIN(tests)
