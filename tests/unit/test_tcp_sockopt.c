/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Per-connection buffers and MSS clamp (ws_tcp_conn_opts,
 * ws_tcp_set_rcvbuf, ws_tcp_set_sndbuf), seen from the wire: the SYN and
 * SYN-ACK they shape (MSS option, window, window scale), through the
 * SYN-cookie path too; the segments we send never above the clamp; the
 * setters on an established connection; the bounds.
 *
 * tcp_configure's buffers: rcvbuf = rcvbuf_max = 256 KiB (window scale
 * 3), sndbuf = sndbuf_max = 64 KiB; MTU 1500, so buffers of at least
 * 4 x 1460 = 5840 bytes and an MSS of at most 1460.
 */

#include <rte_errno.h>

#include "tcp_harness.h"

#define BUF_MIN		(WS_TCP_BUF_MIN_SEGS * 1460u)

static uint8_t payload[8192];

/* Every data segment captured is at most 'max' bytes; their total. */
static uint32_t
data_segments_at_most(struct ws_test_env *env, uint32_t max,
		uint32_t *largest)
{
	unsigned int i, n = ncap(env);
	uint32_t total = 0;
	struct cseg c;

	*largest = 0;
	for (i = 0; i < n; i++) {
		cap(env, i, &c);
		assert_true(c.dlen <= max);
		total += c.dlen;
		*largest = RTE_MAX(*largest, (uint32_t)c.dlen);
	}
	ws_test_clear_captured(env);
	return total;
}

/* 'n' bytes from the peer at *seq, in segments of 1460 at most. */
static void
peer_data(struct ws_test_env *env, uint32_t *seq, uint32_t iss, uint32_t n)
{
	uint32_t k;

	while (n != 0) {
		k = RTE_MIN(n, 1460u);
		peer(env, *seq, iss + 1, F_ACK, 65535, payload, k);
		*seq += k;
		n -= k;
	}
}

/* The peer's SYN-ACK to our SYN 'syn' of c: MSS 1460, TS, WS 7. */
static void
synack_to(struct ws_test_env *env, struct ws_tcp_conn *c,
		const struct cseg *syn)
{
	static const uint8_t o[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10,
		0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 1, 3, 3, 7 };
	uint8_t opts[sizeof(o)];
	struct pseg s = {
		.sport = PPORT, .dport = rte_be_to_cpu_16(c->key.lport),
		.seq = PISN, .ack = syn->seq + 1, .flags = F_SYN | F_ACK,
		.wnd = 65535, .opts = opts, .olen = sizeof(opts),
	};

	memcpy(opts, o, sizeof(o));
	/* TSecr: our SYN's TSval. */
	opts[12] = (uint8_t)(syn->o.tsval >> 24);
	opts[13] = (uint8_t)(syn->o.tsval >> 16);
	opts[14] = (uint8_t)(syn->o.tsval >> 8);
	opts[15] = (uint8_t)syn->o.tsval;
	send_seg(env, &s);
}

/*
 * An active open with a fixed 30000-byte receive buffer and MSS 1000:
 * the SYN advertises MSS 1000, window 30000 and the scale for 30000 (0),
 * where the defaults give 1460 and 3; the connection sends segments of
 * 1000 less the timestamps, never more.
 */
static void
test_connect_opts_shape_the_syn(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn_opts o = { .rcvbuf = 30000, .mss = 1000 };
	struct ws_tcp_conn *c;
	struct ws_tcp_info info;
	struct cseg syn;
	uint32_t largest;

	/* The defaults, for contrast. */
	c = connect_peer(env, &syn);
	assert_int_equal(syn.o.mss, 1460);
	assert_int_equal(syn.o.wscale, 3);
	assert_int_equal(syn.wnd, 65535);
	ws_tcp_abort(c);
	ws_test_clear_captured(env);
	app_reset();

	c = ws_tcp_connect_opts(&env->w, 0, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL, &o);
	assert_non_null(c);
	only(env, &syn);
	assert_int_equal(syn.flags, F_SYN);
	assert_true(syn.o.present & WS_TCP_OPT_HAS_MSS);
	assert_int_equal(syn.o.mss, 1000);
	assert_true(syn.o.present & WS_TCP_OPT_HAS_WS);
	assert_int_equal(syn.o.wscale, 0);
	assert_int_equal(syn.wnd, 30000);

	synack_to(env, c, &syn);
	ws_test_clear_captured(env);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(c->rcv_shift, 0);
	assert_int_equal(c->snd_shift, 7);
	assert_int_equal(c->mss, 1000 - 12);
	ws_tcp_get_info(c, &info);
	assert_int_equal(info.rcvbuf, 30000);
	assert_true(info.rcvbuf_fixed);
	assert_false(info.sndbuf_fixed);
	assert_int_equal(info.rcv_mss, 1000);
	assert_int_equal(info.snd_mss, 988);

	ws_tcp_set_nodelay(c, true);
	assert_int_equal(ws_tcp_send(c, payload, 5000), 5000);
	assert_int_equal(data_segments_at_most(env, 988, &largest), 5000);
	assert_int_equal(largest, 988);
	ws_tcp_abort(c);
	app.conn = NULL;
	finish(env);
}

/*
 * The SYN-ACK of a listener given options: its MSS, the scale for its
 * fixed receive buffer (100000: 1), and the connection it makes follows
 * them; the listener on LPORT, changed and changed back with
 * ws_tcp_listen_worker_set_opts, answers the next SYN accordingly.
 */
static void
test_listen_opts_shape_the_synack(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn_opts o = { .rcvbuf = 100000, .sndbuf = 20000,
		.mss = 1200 };
	struct pseg syn = full_syn;
	uint8_t ts[12];
	struct pseg ack = {
		.sport = PPORT, .seq = PISN + 1, .flags = F_ACK, .wnd = 512,
		.opts = ts, .olen = sizeof(ts),
	};
	struct ws_tcp_conn *c;
	uint32_t largest, sent;
	struct cseg sa;

	assert_int_equal(ws_tcp_listen_worker_opts(&env->w, 81, &app_ops,
		&app, &o), 0);
	syn.dport = 81;
	send_seg(env, &syn);
	only(env, &sa);
	assert_int_equal(sa.flags, F_SYN | F_ACK);
	assert_int_equal(sa.o.mss, 1200);
	assert_int_equal(sa.o.wscale, 1);
	assert_int_equal(sa.wnd, 65535);
	ts_opt(ts, 0x11223345, sa.o.tsval);
	ack.dport = 81;
	ack.ack = sa.seq + 1;
	send_seg(env, &ack);
	expect_none(env);
	c = app.conn;
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(c->rcvbuf, 100000);
	assert_int_equal(c->sndbuf, 20000);
	assert_true(c->rcvbuf_fixed && c->sndbuf_fixed);
	assert_int_equal(c->rcv_shift, 1);
	assert_int_equal(c->mss, 1200 - 12);

	/* The send buffer holds 20000; segments of 1188 at most. */
	ws_tcp_set_nodelay(c, true);
	assert_int_equal(ws_tcp_send(c, payload, 8192), 8192);
	assert_int_equal(ws_tcp_send(c, payload, 8192), 8192);
	assert_int_equal(ws_tcp_send(c, payload, 8192), 20000 - 16384);
	assert_int_equal(ws_tcp_send_space(c), 0);
	/* What IW10 lets out now, the rest once it is acknowledged. */
	sent = data_segments_at_most(env, 1188, &largest);
	assert_int_equal(largest, 1188);
	assert_int_equal(sent, ws_tcp_flight(c));
	ack.ack = sa.seq + 1 + sent;
	ts_opt(ts, 0x11223346, c->ts_sent);
	send_seg(env, &ack);
	sent += data_segments_at_most(env, 1188, &largest);
	assert_int_equal(sent, 20000);
	ws_tcp_abort(c);
	app.conn = NULL;
	finish(env);

	/* LPORT's listener, given a clamp after it was made... */
	o.rcvbuf = 0;
	o.sndbuf = 0;
	o.mss = 536;
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, &o),
		0);
	send_seg(env, &full_syn);
	only(env, &sa);
	assert_int_equal(sa.o.mss, 536);
	assert_int_equal(sa.o.wscale, 3);
	seg_from(env, PPORT, PISN + 1, 0, F_RST, 0);
	expect_none(env);
	/* ... and back to the defaults. */
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, NULL),
		0);
	send_seg(env, &full_syn);
	only(env, &sa);
	assert_int_equal(sa.o.mss, 1460);
	assert_int_equal(sa.o.wscale, 3);
	seg_from(env, PPORT, PISN + 1, 0, F_RST, 0);
	expect_none(env);
	ws_test_assert_no_leak(env);
}

/*
 * SYN cookies keep the listener's options: the stateless SYN-ACK
 * advertises the clamp and the window of the fixed buffer; the
 * connection the cookie makes has them, and sends within the clamp. Its
 * window scale is the worker's (3), not the one for 20000 (0): the
 * listener's options may change before the cookie returns. Changed in
 * between, the cookie completes with the new buffer and clamp, and
 * still the worker's scale.
 */
static void
test_cookie_path_keeps_the_listener_options(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn_opts o = { .rcvbuf = 20000, .mss = 1000 };
	uint8_t ts[12];
	struct pseg ack = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.flags = F_ACK, .wnd = 512, .opts = ts, .olen = sizeof(ts),
	};
	struct ws_tcp_conn *c;
	uint32_t largest;
	struct cseg sa, d;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, &o),
		0);
	send_seg(env, &full_syn);
	only(env, &sa);
	assert_int_equal(st(env)->cookie_synack_tx, 1);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(sa.o.mss, 1000);
	assert_true(sa.o.present & WS_TCP_OPT_HAS_WS);
	assert_int_equal(sa.o.wscale, 3);
	assert_int_equal(sa.wnd, 20000);

	ts_opt(ts, 0x11223345, sa.o.tsval);
	ack.ack = sa.seq + 1;
	send_seg(env, &ack);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 1);
	c = app.conn;
	assert_non_null(c);
	assert_true(c->from_cookie);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(c->rcv_mss, 1000);
	assert_int_equal(c->mss, 1000 - 12);
	assert_int_equal(c->rcvbuf, 20000);
	assert_true(c->rcvbuf_fixed);
	assert_int_equal(c->rcv_shift, 3);
	/* The peer's 1460 survives in the cookie; ours is the least. */
	assert_int_equal(c->peer_mss, 1460);

	ws_tcp_set_nodelay(c, true);
	assert_int_equal(ws_tcp_send(c, payload, 3000), 3000);
	cap(env, 0, &d);
	/* All of the 20000 offered (nothing held), scaled by 3. */
	assert_int_equal(d.wnd, 20000 >> 3);
	assert_int_equal(data_segments_at_most(env, 988, &largest), 3000);
	assert_int_equal(largest, 988);
	ws_tcp_abort(c);
	assert_int_equal(ncap(env), 1);		/* its RST */
	ws_test_clear_captured(env);
	app_reset();

	/* A cookie sent under one set of options, returned under another. */
	send_seg(env, &full_syn);
	only(env, &sa);
	assert_int_equal(sa.o.mss, 1000);
	assert_int_equal(sa.o.wscale, 3);
	o.rcvbuf = 100000;		/* its own scale would be 1 */
	o.mss = 800;
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, &o),
		0);
	ts_opt(ts, 0x11223346, sa.o.tsval);
	ack.ack = sa.seq + 1;
	send_seg(env, &ack);
	expect_none(env);
	c = app.conn;
	assert_non_null(c);
	assert_int_equal(st(env)->cookie_validated, 2);
	assert_int_equal(c->rcv_shift, 3);
	assert_int_equal(c->rcvbuf, 100000);
	assert_int_equal(c->mss, 800 - 12);
	finish(env);
}

/* Out of bounds: -EINVAL (or NULL and EINVAL), nothing changed. */
static void
test_bounds(void **state)
{
	static const struct ws_tcp_conn_opts bad[] = {
		{ .rcvbuf = BUF_MIN - 1 },
		{ .rcvbuf = 262144 + 1 },
		{ .sndbuf = BUF_MIN - 1 },
		{ .sndbuf = 65536 + 1 },
		{ .mss = WS_TCP_MIN_SND_MSS - 1 },
		{ .mss = 1461 },
	};
	static const struct ws_tcp_conn_opts edge = {
		.rcvbuf = 262144, .sndbuf = BUF_MIN, .mss = WS_TCP_MIN_SND_MSS,
	};
	struct ws_test_env *env = *state;
	struct ws_tcp_listener *l;
	struct ws_tcp_conn *c;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		rte_errno = 0;
		assert_null(ws_tcp_connect_opts(&env->w, 0,
			rte_cpu_to_be_32(PEER_IP), PPORT, &app_ops, NULL,
			&bad[i]));
		assert_int_equal(rte_errno, EINVAL);
		assert_int_equal(ws_tcp_listen_worker_opts(&env->w, 82,
			&app_ops, &app, &bad[i]), -EINVAL);
		assert_null(ws_tcp_find_listener(env->w.tcp, 82));
		assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT,
			&bad[i]), -EINVAL);
	}
	expect_none(env);
	l = ws_tcp_find_listener(env->w.tcp, LPORT);
	assert_int_equal(l->mss, 1460);
	assert_int_equal(l->opts.rcvbuf, 0);
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, 99, NULL),
		-ENOENT);
	/* The bounds themselves are in. */
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, &edge),
		0);
	assert_int_equal(l->mss, WS_TCP_MIN_SND_MSS);
	assert_int_equal(l->rcv_shift, 3);
	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, NULL),
		0);

	establish(env);
	c = app.conn;
	assert_int_equal(ws_tcp_set_rcvbuf(c, BUF_MIN - 1), -EINVAL);
	assert_int_equal(ws_tcp_set_rcvbuf(c, 262145), -EINVAL);
	assert_int_equal(ws_tcp_set_rcvbuf(c, 0), -EINVAL);
	assert_int_equal(ws_tcp_set_sndbuf(c, BUF_MIN - 1), -EINVAL);
	assert_int_equal(ws_tcp_set_sndbuf(c, 65537), -EINVAL);
	assert_int_equal(c->rcvbuf, 262144);
	assert_int_equal(c->sndbuf, 65536);
	assert_false(c->rcvbuf_fixed || c->sndbuf_fixed);
	assert_int_equal(ws_tcp_set_rcvbuf(c, BUF_MIN), 0);
	assert_int_equal(ws_tcp_set_sndbuf(c, 65536), 0);
	assert_int_equal(c->rcvbuf, BUF_MIN);
	assert_true(c->rcvbuf_fixed && c->sndbuf_fixed);
	expect_none(env);
	finish(env);
}

/*
 * ws_tcp_set_rcvbuf on an established connection (no window scale):
 * shrinking it never moves back the edge already offered, the window
 * closes as data fills up to that edge, and after a read it opens only
 * to the new size; growing it while the window is closed announces the
 * new room at once.
 */
static void
test_set_rcvbuf_after_establishment(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct ws_tcp_info info;
	uint32_t seq = PISN + 1, iss;
	struct cseg a;

	iss = establish(env);
	c = app.conn;
	app.consume_max = 0;		/* the application holds it all */
	assert_int_equal(ws_tcp_set_rcvbuf(c, 8192), 0);
	expect_none(env);
	ws_tcp_get_info(c, &info);
	assert_int_equal(info.rcvbuf, 8192);
	assert_true(info.rcvbuf_fixed);

	/* The edge offered (seq + 65535) stays: 1000 in, 64535 left. */
	peer(env, seq, iss + 1, F_ACK, 65535, payload, 1000);
	seq += 1000;
	elapse(env, DELACK_MS);
	only(env, &a);
	assert_int_equal(a.ack, seq);
	assert_int_equal(a.wnd, 65535 - 1000);
	/* Up to that edge it is all taken, then the window is 0. */
	peer_data(env, &seq, iss, PISN + 1 + 65535 - seq);
	elapse(env, DELACK_MS);
	assert_true(ncap(env) >= 1);
	cap(env, ncap(env) - 1, &a);
	ws_test_clear_captured(env);
	assert_int_equal(a.ack, seq);
	assert_int_equal(a.wnd, 0);
	assert_int_equal(c->rb_len, 65535);
	assert_int_equal(st(env)->drop_unacceptable, 0);

	/* Read it all: the window opens to 8192, not 65535. */
	app.consume_max = UINT32_MAX;
	ws_tcp_recv_resume(c);
	only(env, &a);
	assert_int_equal(a.wnd, 8192);
	app.consume_max = 0;
	peer_data(env, &seq, iss, 8192);
	elapse(env, DELACK_MS);
	assert_true(ncap(env) >= 1);
	cap(env, ncap(env) - 1, &a);
	ws_test_clear_captured(env);
	assert_int_equal(a.ack, seq);
	assert_int_equal(a.wnd, 0);

	/* Growing to 12000 with 8192 held: 3808 announced at once. */
	assert_int_equal(ws_tcp_set_rcvbuf(c, 12000), 0);
	only(env, &a);
	assert_int_equal(a.ack, seq);
	assert_int_equal(a.wnd, 3808);
	finish(env);
}

/*
 * A buffer shrunk far below the window already offered (262144, scale
 * 3) still takes every segment up to that edge, though they are more
 * than its own size allows held (5840 / 128 -> the floor of 64 mbufs):
 * 80 full segments the application does not read are all acknowledged
 * and none is dropped; they are all delivered once it reads.
 */
static void
test_shrunk_rcvbuf_takes_the_window_offered(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t o[12];
	struct pseg d = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.flags = F_ACK, .wnd = 512, .opts = o, .olen = sizeof(o),
		.data = payload, .dlen = 1448,
	};
	struct ws_tcp_conn *c;
	struct cseg sa, a;
	unsigned int i;

	send_seg(env, &full_syn);
	only(env, &sa);
	assert_int_equal(sa.o.wscale, 3);
	ts_opt(o, 0x11223345, sa.o.tsval);
	d.ack = sa.seq + 1;
	d.dlen = 0;
	send_seg(env, &d);
	expect_none(env);
	c = app.conn;
	assert_non_null(c);
	/* A byte read at once: its ACK offers all of 262144 (scaled). */
	d.dlen = 1;
	send_seg(env, &d);
	d.seq += 1;
	elapse(env, DELACK_MS);
	only(env, &a);
	assert_int_equal(a.wnd, 262144 >> 3);
	app.consume_max = 0;
	app.rx_len = 0;
	assert_int_equal(ws_tcp_set_rcvbuf(c, BUF_MIN), 0);
	d.dlen = 1448;
	for (i = 0; i < 80; i++) {
		send_seg(env, &d);
		d.seq += 1448;
	}
	ws_test_clear_captured(env);
	assert_int_equal(c->rb_len, 80 * 1448);
	assert_int_equal(c->rcv_nxt, d.seq);
	assert_int_equal(st(env)->drop_rb_segs, 0);
	assert_int_equal(app.rx_len, 0);
	/* The harness's reader takes 64 KiB a call. */
	app.consume_max = 1u << 16;
	for (i = 0; i < 4 && c->rb_len != 0; i++)
		ws_tcp_recv_resume(c);
	assert_int_equal(app.rx_len, 80 * 1448);
	/* The edge offered still stands: no update is owed. */
	expect_none(env);
	assert_int_equal(c->rcv_adv - c->rcv_nxt,
		262144 - 80 * 1448);
	finish(env);
}

/*
 * ws_tcp_set_sndbuf: a send takes at most the fixed size; shrinking it
 * below what is queued drops nothing (all of it is still sent and
 * acknowledged), and sends take nothing until the queue is below it.
 */
static void
test_set_sndbuf_after_establishment(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	uint32_t iss, largest;

	iss = establish(env);
	c = app.conn;
	ws_tcp_set_nodelay(c, true);
	assert_int_equal(ws_tcp_set_sndbuf(c, 8000), 0);
	assert_int_equal(ws_tcp_send(c, payload, 8192), 8000);
	assert_int_equal(ws_tcp_send(c, payload, 8192), 0);
	assert_int_equal(data_segments_at_most(env, 1460, &largest), 8000);

	assert_int_equal(ws_tcp_set_sndbuf(c, BUF_MIN), 0);
	assert_int_equal(c->sb_len, 8000);
	assert_int_equal(ws_tcp_send_space(c), 0);
	assert_int_equal(ws_tcp_send(c, payload, 100), 0);
	/* 3000 acked: 5000 queued, 840 of room. */
	peer(env, PISN + 1, iss + 1 + 3000, F_ACK, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(c->sb_len, 5000);
	assert_int_equal(ws_tcp_send_space(c), BUF_MIN - 5000);
	assert_int_equal(ws_tcp_send(c, payload, 8192), BUF_MIN - 5000);
	assert_int_equal(data_segments_at_most(env, 1460, &largest),
		BUF_MIN - 5000);
	/* Everything ever queued is acknowledged: nothing was dropped. */
	peer(env, PISN + 1, iss + 1 + 8000 + BUF_MIN - 5000, F_ACK, 65535,
		NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(c->sb_len, 0);
	assert_int_equal(c->snd_una, iss + 1 + 8000 + BUF_MIN - 5000);
	assert_int_equal(ws_tcp_send_space(c), BUF_MIN);
	assert_int_equal(c->sndbuf, BUF_MIN);
	finish(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_connect_opts_shape_the_syn),
		TCP_TEST(test_listen_opts_shape_the_synack),
		TCP_TEST(test_cookie_path_keeps_the_listener_options),
		TCP_TEST(test_bounds),
		TCP_TEST(test_set_rcvbuf_after_establishment),
		TCP_TEST(test_shrunk_rcvbuf_takes_the_window_offered),
		TCP_TEST(test_set_sndbuf_after_establishment),
	};

	ws_test_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
