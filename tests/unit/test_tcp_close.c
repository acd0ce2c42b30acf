/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP (RFC 9293 and friends) driven segment by segment: segments built by
 * hand go in through the worker's input path, the segments the stack
 * sends are captured and checked field by field (or byte by byte), time
 * moves only when a test moves it. Every test ends with no mbuf left.
 * Tests are named after the requirement labels they check
 * (/work/shared/reference/requirements.md A.1-A.9).
 *
 * The peer is 198.18.0.1:40000, we are 198.18.0.2:80 (listening) or an
 * ephemeral port (active opens).
 */

#include <string.h>
#include <netinet/in.h>

#include <sodium.h>

#include <rte_mempool.h>

#include "ws_tcp_priv.h"
#include "ws_test.h"

#define US_IP IPV4(198, 18, 0, 2)
#define PEER_IP IPV4(198, 18, 0, 1)
#define IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))

#define LPORT 80
#define PPORT 40000
#define PISN 1000u		/* the peer's ISN */
#define MSL_MS 1000
#define DELACK_MS 40
#define RTO_MS 1000
#define CHACK 5			/* challenge ACKs per second */

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* ------------------------------------------------------------------ */
/* A recording application.                                            */

static struct app {
	struct ws_tcp_conn *conn;
	unsigned int accepted, connected, peer_closed, closed, writable;
	int closed_reason;
	uint8_t rx[1 << 17];
	uint32_t rx_len;
	uint32_t consume_max;
	int accept_ret;
	bool close_in_data, abort_in_data, close_in_peer_closed;
	enum ws_tcp_state state_in_closed;
	unsigned int idle;
	enum { IDLE_COUNT, IDLE_CLOSE, IDLE_ABORT } idle_mode;
} app;

static int
app_accepted(struct ws_tcp_conn *c, void *arg)
{
	assert_ptr_equal(arg, &app);
	app.conn = c;
	app.accepted++;
	return app.accept_ret;
}

static void
app_connected(struct ws_tcp_conn *c)
{
	app.conn = c;
	app.connected++;
}

static uint32_t
app_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	uint32_t n = RTE_MIN(len, app.consume_max);
	uint8_t tmp[1 << 16];
	const void *p;

	assert_true(n <= sizeof(tmp));
	p = rte_pktmbuf_read(m, off, n, tmp);
	assert_non_null(p);
	memcpy(app.rx + app.rx_len, p, n);
	app.rx_len += n;
	if (app.close_in_data)
		ws_tcp_close(c);
	if (app.abort_in_data)
		ws_tcp_abort(c);
	return n;
}

static void
app_writable(struct ws_tcp_conn *c)
{
	(void)c;
	app.writable++;
}

static void
app_peer_closed(struct ws_tcp_conn *c)
{
	app.peer_closed++;
	if (app.close_in_peer_closed)
		ws_tcp_close(c);
}

static void
app_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	app.closed++;
	app.closed_reason = why;
	app.state_in_closed = (enum ws_tcp_state)c->state;
	/* A second close from inside 'closed' must be harmless. */
	ws_tcp_close(c);
	app.conn = NULL;
}

static void
app_idle(struct ws_tcp_conn *c)
{
	app.idle++;
	if (app.idle_mode == IDLE_CLOSE)
		assert_int_equal(ws_tcp_close(c), 0);
	else if (app.idle_mode == IDLE_ABORT)
		ws_tcp_abort(c);
}

static const struct ws_tcp_ops app_ops = {
	.accepted = app_accepted,
	.connected = app_connected,
	.data = app_data,
	.writable = app_writable,
	.peer_closed = app_peer_closed,
	.closed = app_closed,
	.idle = app_idle,
};

/* The same without 'idle': the stack closes an idle connection itself. */
static const struct ws_tcp_ops app_ops_no_idle = {
	.accepted = app_accepted,
	.connected = app_connected,
	.data = app_data,
	.writable = app_writable,
	.peer_closed = app_peer_closed,
	.closed = app_closed,
};

/* ------------------------------------------------------------------ */
/* Environment.                                                        */

static void
tcp_configure(struct ws_test_env *env)
{
	struct ws_tcp_config *t = &env->cfg.tcp;

	env->cfg.ip.ttl = 64;
	env->cfg.ip.frag_entries = 16;
	env->cfg.ip.frag_timeout_ms = 1000;
	env->cfg.icmp.unreach_rate = 100;
	env->cfg.icmp.unreach_burst = 50;
	env->cfg.arp.reachable_ms = 3600000;
	env->cfg.arp.stale_ms = 3600000;
	env->cfg.arp.cache_entries = 64;
	env->cfg.arp.queue_len = 8;
	env->cfg.arp.resolve_timeout_ms = 1000;
	env->cfg.arp.retry_ms = 1000;
	t->max_connections = 8;
	t->rcvbuf = 262144;
	t->sndbuf = 65536;
	t->msl_ms = MSL_MS;
	t->rto_initial_ms = RTO_MS;
	t->rto_min_ms = 200;
	t->rto_max_ms = 60000;
	t->delack_ms = DELACK_MS;
	t->syn_retries = 3;
	t->synack_retries = 3;
	t->r1 = 3;
	t->r2_ms = 100000;
	t->syn_r2_ms = 180000;
	t->keepalive_idle_ms = 7200000;
	t->keepalive_interval_ms = 75000;
	t->keepalive_count = 9;
	t->ooo_segments = 4;
	t->ooo_worker_segments = 16;
	t->challenge_ack_per_s = CHACK;
	t->backlog = 4;
	t->half_open_max = 64;
	t->timestamps = true;
	t->window_scaling = true;
	t->sack = true;
	t->nodelay = false;
}

static int
tcp_setup(void **state)
{
	struct ws_test_env *env;
	int ret = ws_test_setup(state);

	if (ret != 0)
		return ret;
	env = *state;
	tcp_configure(env);
	ws_test_env_reinit(env);
	ws_test_learn_peer(env);
	memset(&app, 0, sizeof(app));
	app.consume_max = UINT32_MAX;
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT, &app_ops, &app),
		0);
	return 0;
}

static int
tcp_teardown(void **state)
{
	return ws_test_teardown(state);
}

static struct ws_tcp_stats *
st(struct ws_test_env *env)
{
	return &env->w.stats.tcp;
}

/* ------------------------------------------------------------------ */
/* Segments from the peer.                                             */

struct pseg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	const uint8_t *opts;
	unsigned int olen;		/* multiple of 4 unless testing */
	const void *data;
	unsigned int dlen;
	int doff_override;		/* words; 0 = computed */
	bool bad_cksum;
};

static uint16_t
tcp_cksum(uint32_t src, uint32_t dst, const uint8_t *tcp, size_t len)
{
	uint8_t buf[70000];

	buf[0] = src >> 24; buf[1] = src >> 16; buf[2] = src >> 8; buf[3] = src;
	buf[4] = dst >> 24; buf[5] = dst >> 16; buf[6] = dst >> 8; buf[7] = dst;
	buf[8] = 0;
	buf[9] = IPPROTO_TCP;
	buf[10] = len >> 8;
	buf[11] = len & 0xff;
	memcpy(buf + 12, tcp, len);
	return ws_test_cksum(buf, 12 + len);
}

static size_t
build_tcp(uint8_t *t, uint32_t src, uint32_t dst, const struct pseg *s)
{
	unsigned int thl = 20 + s->olen;
	uint16_t ck;

	memset(t, 0, 20);
	t[0] = s->sport >> 8; t[1] = s->sport & 0xff;
	t[2] = s->dport >> 8; t[3] = s->dport & 0xff;
	t[4] = s->seq >> 24; t[5] = s->seq >> 16; t[6] = s->seq >> 8;
	t[7] = s->seq;
	t[8] = s->ack >> 24; t[9] = s->ack >> 16; t[10] = s->ack >> 8;
	t[11] = s->ack;
	t[12] = (uint8_t)((s->doff_override ? s->doff_override :
		(int)(thl + 3) / 4) << 4);
	t[13] = s->flags;
	t[14] = s->wnd >> 8;
	t[15] = s->wnd & 0xff;
	if (s->olen != 0)
		memcpy(t + 20, s->opts, s->olen);
	thl = (thl + 3) & ~3u;
	if (s->dlen)
		memcpy(t + thl, s->data, s->dlen);
	ck = tcp_cksum(src, dst, t, thl + s->dlen);
	if (s->bad_cksum)
		ck ^= 0x1234;
	t[16] = ck >> 8;
	t[17] = ck & 0xff;
	return thl + s->dlen;
}

static void
send_seg(struct ws_test_env *env, const struct pseg *s)
{
	static uint8_t frame[70000], tcp[70000];
	size_t n = build_tcp(tcp, PEER_IP, US_IP, s);

	n = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_TCP, 0x99, 0,
		tcp, n);
	ws_test_input(env, frame, n);
	/* The end of the burst (the worker does this once per burst). */
	ws_tcp_flush(&env->w);
}

/* The common case: peer port to our listening port, no options. */
static void
peer(struct ws_test_env *env, uint32_t seq, uint32_t ack, uint8_t flags,
		uint16_t wnd, const void *data, unsigned int dlen)
{
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = seq, .ack = ack,
		.flags = flags, .wnd = wnd, .data = data, .dlen = dlen,
	};

	send_seg(env, &s);
}

/* ------------------------------------------------------------------ */
/* Segments we sent.                                                   */

struct cseg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t opts[40];
	unsigned int olen;
	uint8_t data[2048];
	unsigned int dlen;
	struct ws_tcp_opts o;
};

/*
 * What the stack sent, including what API calls queued outside an input
 * burst (the worker loop flushes those after its timers).
 */
static unsigned int
ncap(struct ws_test_env *env)
{
	ws_tx_flush(&env->w);
	return env->n_captured;
}

/* Captured frame i as a TCP segment; checks both checksums. */
static void
cap(struct ws_test_env *env, unsigned int i, struct cseg *c)
{
	static uint8_t f[16384];
	size_t n;

	ws_tx_flush(&env->w);
	n = ws_test_captured(env, i, f, sizeof(f));
	const uint8_t *ip = f + 14, *t;
	unsigned int ihl, tlen, thl;

	assert_true(n >= 14 + 20 + 20);
	assert_int_equal(f[12] << 8 | f[13], 0x0800);
	ihl = (ip[0] & 0xf) * 4;
	assert_int_equal(ws_test_cksum(ip, ihl), 0);
	assert_int_equal(ip[9], IPPROTO_TCP);
	assert_int_equal((uint32_t)ip[12] << 24 | ip[13] << 16 | ip[14] << 8 |
		ip[15], US_IP);
	assert_int_equal((uint32_t)ip[16] << 24 | ip[17] << 16 | ip[18] << 8 |
		ip[19], PEER_IP);
	tlen = (ip[2] << 8 | ip[3]) - ihl;
	t = ip + ihl;
	assert_int_equal(tcp_cksum(US_IP, PEER_IP, t, tlen), 0);
	thl = (t[12] >> 4) * 4;
	memset(c, 0, sizeof(*c));
	c->sport = t[0] << 8 | t[1];
	c->dport = t[2] << 8 | t[3];
	c->seq = (uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7];
	c->ack = (uint32_t)t[8] << 24 | t[9] << 16 | t[10] << 8 | t[11];
	c->flags = t[13];
	c->wnd = t[14] << 8 | t[15];
	c->olen = thl - 20;
	memcpy(c->opts, t + 20, c->olen);
	c->dlen = tlen - thl;
	assert_true(c->dlen <= sizeof(c->data));
	memcpy(c->data, t + thl, c->dlen);
	assert_int_equal(ws_tcp_opts_parse(c->opts, c->olen, &c->o), 0);
}

/* Exactly one segment was sent; return it and clear the capture. */
static void
only(struct ws_test_env *env, struct cseg *c)
{
	assert_int_equal(ncap(env), 1);
	cap(env, 0, c);
	ws_test_clear_captured(env);
}

static void
expect_none(struct ws_test_env *env)
{
	assert_int_equal(ncap(env), 0);
}

static void
expect_ack(struct ws_test_env *env, uint32_t seq, uint32_t ack)
{
	struct cseg c;

	only(env, &c);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(c.seq, seq);
	assert_int_equal(c.ack, ack);
	assert_int_equal(c.dlen, 0);
}

/* ------------------------------------------------------------------ */
/* Handshakes.                                                         */

static struct ws_tcp_conn *
lookup(struct ws_test_env *env, uint16_t lport, uint16_t rport)
{
	struct ws_tcp_key k = {
		.raddr = rte_cpu_to_be_32(PEER_IP),
		.laddr = rte_cpu_to_be_32(US_IP),
		.rport = rte_cpu_to_be_16(rport),
		.lport = rte_cpu_to_be_16(lport),
	};

	return ws_tcp_lookup(env->w.tcp, &k);
}

/*
 * Passive open without options (MSS 536, no TS/WS/SACK): returns our
 * ISS. The connection is ESTABLISHED and accepted.
 */
static uint32_t
establish(struct ws_test_env *env)
{
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 65535, .opts = mss1460, .olen = 4,
	};
	struct cseg c;

	send_seg(env, &s);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.ack, PISN + 1);
	peer(env, PISN + 1, c.seq + 1, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(app.accepted, 1);
	assert_non_null(app.conn);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	return c.seq;
}

/* Clean up an ESTABLISHED connection by abort; no leak. */
static void
finish(struct ws_test_env *env)
{
	if (app.conn != NULL)
		ws_tcp_abort(app.conn);
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, 10 * MSL_MS);
	ws_test_run_timers(env);
	ws_test_clear_captured(env);
	assert_int_equal(env->w.tcp->free_tcbs != NULL, 1);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Tests: state names and gauges.                                      */

static void
test_state_names(void **state)
{
	(void)state;
	assert_string_equal(ws_tcp_state_name(WS_TCP_CLOSED), "CLOSED");
	assert_string_equal(ws_tcp_state_name(WS_TCP_SYN_RECEIVED),
		"SYN_RECEIVED");
	assert_string_equal(ws_tcp_state_name(WS_TCP_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(ws_tcp_state_name(WS_TCP_NSTATES), "?");
	assert_string_equal(ws_tcp_state_name((enum ws_tcp_state)-1), "?");
}

/* ------------------------------------------------------------------ */
/* Passive open.                                                       */

/* The exact SYN-ACK: Linux-style options answering a full SYN. */
static void
test_must14_passive_open_synack_exact(void **state)
{
	struct ws_test_env *env = *state;
	/* MSS 1460, SACK-permitted, TS 0x11223344/0, NOP, WS 7. */
	static const uint8_t opts[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,
		0, 0, 0, 0, 1, 3, 3, 7 };
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 64240, .opts = opts, .olen = sizeof(opts),
	};
	uint8_t expect[14 + 20 + 40], tcp[40];
	struct ws_tcp_conn *c;
	struct cseg cs;
	uint32_t iss, tsval;
	size_t n;

	env->w.ip_id = 0x4242;
	send_seg(env, &s);
	assert_int_equal(ncap(env), 1);
	cap(env, 0, &cs);
	iss = cs.seq;
	tsval = cs.o.tsval;

	/* Build the frame we expect, with the ISS and TSval it chose. */
	memset(tcp, 0, sizeof(tcp));
	tcp[0] = LPORT >> 8; tcp[1] = LPORT & 0xff;
	tcp[2] = PPORT >> 8; tcp[3] = PPORT & 0xff;
	tcp[4] = iss >> 24; tcp[5] = iss >> 16; tcp[6] = iss >> 8; tcp[7] = iss;
	tcp[8] = 0; tcp[9] = 0; tcp[10] = (PISN + 1) >> 8;
	tcp[11] = (PISN + 1) & 0xff;
	tcp[12] = 10 << 4;
	tcp[13] = F_SYN | F_ACK;
	tcp[14] = 0xff; tcp[15] = 0xff;		/* unscaled in a SYN */
	{
		const uint8_t o[] = {
			2, 4, 0x05, 0xb4,		/* MSS 1460 */
			4, 2,				/* SACK-perm */
			8, 10, tsval >> 24, tsval >> 16, tsval >> 8, tsval,
			0x11, 0x22, 0x33, 0x44,		/* TSecr */
			1, 3, 3, 3 };			/* WS 3 */
		memcpy(tcp + 20, o, sizeof(o));
	}
	{
		uint16_t ck = tcp_cksum(US_IP, PEER_IP, tcp, 40);

		tcp[16] = ck >> 8;
		tcp[17] = ck & 0xff;
	}
	n = ws_test_ipv4_frame(expect, US_IP, PEER_IP, IPPROTO_TCP, 0x4242, 0,
		tcp, 40);
	ws_test_eth(expect, &ws_test_peer_mac, &ws_test_mac,
		RTE_ETHER_TYPE_IPV4);
	ws_test_assert_frame(env, 0, expect, n);
	ws_test_clear_captured(env);

	c = lookup(env, LPORT, PPORT);
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_SYN_RECEIVED);
	assert_int_equal(st(env)->st_syn_received, 1);
	assert_true(c->ts_ok && c->ws_ok && c->sack_ok);
	assert_int_equal(c->snd_shift, 7);
	assert_int_equal(c->rcv_shift, 3);
	/* MUST-16: 1460 less the 12 bytes of timestamps. */
	assert_int_equal(c->mss, 1448);
	assert_int_equal(app.accepted, 0);
	finish(env);
}

/* MUST-8/9: ISN = SipHash-2-4(secret, 4-tuple) + 4 us clock. */
static void
test_must8_must9_isn(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_worker *tw = env->w.tcp;
	struct ws_tcp_key k = {
		.raddr = rte_cpu_to_be_32(PEER_IP),
		.laddr = rte_cpu_to_be_32(US_IP),
		.rport = rte_cpu_to_be_16(PPORT),
		.lport = rte_cpu_to_be_16(LPORT),
	};
	uint8_t in[12], out[8];
	uint64_t h;
	uint32_t a, b;

	memcpy(in, &k.laddr, 4);
	memcpy(in + 4, &k.raddr, 4);
	memcpy(in + 8, &k.lport, 2);
	memcpy(in + 10, &k.rport, 2);
	crypto_shorthash(out, in, sizeof(in), tw->isn_key);
	memcpy(&h, out, 8);
	a = ws_tcp_isn(tw, &k, NULL);
	assert_int_equal(a, (uint32_t)h + (uint32_t)(env->ticks / 4));
	/* 4 ms later: 1000 ticks of 4 us further. */
	ws_test_advance_ms(env, 4);
	b = ws_tcp_isn(tw, &k, NULL);
	assert_int_equal(b - a, 1000);
	/* Another tuple: another offset. */
	k.rport = rte_cpu_to_be_16(PPORT + 1);
	assert_int_not_equal(ws_tcp_isn(tw, &k, NULL), b);
	ws_test_assert_no_leak(env);
}

/*
 * RFC 9293 3.10.7, LISTEN state: the whole passive handshake, then data
 * both ways.
 */
static void
test_passive_open_data_both_ways(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	assert_int_equal(st(env)->st_established, 1);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(st(env)->passive_opens, 1);
	/* MUST-15: no timestamps; MSS as the peer said. */
	assert_int_equal(app.conn->mss, 1460);

	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 65535, "hello", 5);
	assert_int_equal(app.rx_len, 5);
	assert_memory_equal(app.rx, "hello", 5);
	/* Delayed: nothing yet (MUST-40, SHLD-18). */
	expect_none(env);

	/* A reply piggybacks the ACK. */
	assert_int_equal(ws_tcp_send(app.conn, "world!", 6), 6);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_PSH);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.ack, PISN + 6);
	assert_int_equal(c.dlen, 6);
	assert_memory_equal(c.data, "world!", 6);
	assert_int_equal(c.olen, 0);
	/* The delayed ACK timer was cancelled by the piggyback. */
	ws_test_advance_ms(env, DELACK_MS + 1);
	ws_test_run_timers(env);
	expect_none(env);

	/* The peer acknowledges; the send buffer is empty again. */
	peer(env, PISN + 6, iss + 7, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(app.conn->sb_len, 0);
	assert_int_equal(app.conn->snd_una, iss + 7);
	{
		struct ws_tcp_info info;

		ws_tcp_get_info(app.conn, &info);
		assert_int_equal(info.state, WS_TCP_ESTABLISHED);
		assert_int_equal(info.local_port, LPORT);
		assert_int_equal(info.remote_port, PPORT);
		assert_int_equal(info.remote_addr, rte_cpu_to_be_32(PEER_IP));
		assert_int_equal(info.snd_mss, 1460);
		assert_int_equal(info.unacked + info.unsent + info.held, 0);
		/* IW10 (RFC 6928) plus the 6 bytes acked in slow start. */
		assert_int_equal(info.cwnd, 10 * 1460 + 6);
		assert_false(info.timestamps);
		assert_ptr_equal(ws_tcp_worker(app.conn), &env->w);
	}
	finish(env);
}

/* MUST-40: the delayed ACK comes after delack_ms, not before. */
static void
test_must40_delayed_ack_timing(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "x", 1);
	expect_none(env);
	ws_test_advance_ms(env, DELACK_MS - 1);
	ws_test_run_timers(env);
	expect_none(env);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
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
	ws_test_advance_ms(env, DELACK_MS);
	ws_test_run_timers(env);
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

/* ------------------------------------------------------------------ */
/* Active and simultaneous open.                                       */

static void
test_active_open(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s;
	uint16_t lport;

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	only(env, &s);
	assert_int_equal(s.flags, F_SYN);
	assert_int_equal(s.dport, PPORT);
	assert_true(s.sport >= 49152);
	assert_int_equal(s.ack, 0);
	assert_int_equal(s.wnd, 65535);
	/* MSS, SACK-permitted, TS (TSecr 0), WS. */
	assert_true(s.o.present & WS_TCP_OPT_HAS_MSS);
	assert_int_equal(s.o.mss, 1460);
	assert_true(s.o.present & WS_TCP_OPT_HAS_SACK_OK);
	assert_true(s.o.present & WS_TCP_OPT_HAS_TS);
	assert_int_equal(s.o.tsecr, 0);
	assert_true(s.o.present & WS_TCP_OPT_HAS_WS);
	assert_int_equal(s.o.wscale, 3);
	lport = s.sport;

	/* The peer answers without options: none of them are used. */
	{
		struct pseg p = {
			.sport = PPORT, .dport = lport, .seq = PISN,
			.ack = s.seq + 1, .flags = F_SYN | F_ACK,
			.wnd = 8192,
		};
		send_seg(env, &p);
	}
	expect_ack(env, s.seq + 1, PISN + 1);
	assert_int_equal(app.connected, 1);
	assert_ptr_equal(app.conn, c);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_false(c->ts_ok || c->ws_ok || c->sack_ok);
	assert_int_equal(c->mss, 536);
	assert_int_equal(c->snd_wnd, 8192);
	assert_int_equal(st(env)->active_opens, 1);
	finish(env);
}

/* MUST-10: both sides send SYN; both reach ESTABLISHED. */
static void
test_must10_simultaneous_open(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s, sa;
	struct pseg p = { .dport = 0 };

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	assert_non_null(c);
	only(env, &s);
	p.sport = PPORT;
	p.dport = s.sport;
	p.seq = PISN;
	p.flags = F_SYN;
	p.wnd = 4096;
	send_seg(env, &p);
	assert_int_equal(c->state, WS_TCP_SYN_RECEIVED);
	only(env, &sa);
	assert_int_equal(sa.flags, F_SYN | F_ACK);
	assert_int_equal(sa.seq, s.seq);
	assert_int_equal(sa.ack, PISN + 1);
	assert_int_equal(st(env)->simultaneous_opens, 1);

	/* The peer's SYN-ACK (its SYN again) acknowledges our SYN. */
	p.seq = PISN;
	p.ack = s.seq + 1;
	p.flags = F_SYN | F_ACK;
	send_seg(env, &p);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.connected, 1);
	assert_int_equal(app.accepted, 0);
	expect_ack(env, s.seq + 1, PISN + 1);
	/* A plain ACK afterwards changes nothing. */
	p.seq = PISN + 1;
	p.flags = F_ACK;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	finish(env);
}

/* RFC 9293 3.10.7, SYN-SENT state: RST with an acceptable ACK: refused. */
static void
test_syn_sent_rst_refused(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct pseg p = { .sport = PPORT };
	struct cseg s;

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	assert_non_null(c);
	only(env, &s);
	p.dport = s.sport;
	/* An unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>. */
	p.ack = s.seq + 5;
	p.flags = F_ACK;
	send_seg(env, &p);
	only(env, &s);
	assert_int_equal(s.flags, F_RST);
	assert_int_equal(s.seq, p.ack);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	/* RST without ACK: ignored. */
	p.flags = F_RST;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	p.flags = F_RST | F_ACK;
	p.ack = s.seq - 5 + 1;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_REFUSED);
	ws_test_assert_no_leak(env);
}

/*
 * RFC 6298 (5.7) and RFC 5681 3.1: after a lost SYN and no RTT sample,
 * RTO is 3 s and the initial window one segment.
 */
static void
test_rfc6298_5_7_lost_syn(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct pseg p = { .sport = PPORT, .flags = F_SYN | F_ACK,
		.seq = PISN, .wnd = 65535 };
	struct cseg s;

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	only(env, &s);
	ws_test_advance_ms(env, RTO_MS);
	ws_test_run_timers(env);
	only(env, &s);
	p.dport = s.sport;
	p.ack = s.seq + 1;
	send_seg(env, &p);
	expect_ack(env, s.seq + 1, PISN + 1);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(c->rto_ms, 3000);
	assert_int_equal(c->srtt_us, 0);
	assert_int_equal(c->cwnd, c->mss);
	finish(env);
}

/* MUST-22/23: SYN retransmitted with backoff, then TIMEOUT. */
static void
test_must22_syn_retries(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s;
	unsigned int i;
	uint32_t wait = RTO_MS;

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	assert_non_null(c);
	only(env, &s);
	for (i = 0; i < 3; i++) {
		ws_test_advance_ms(env, wait - 1);
		ws_test_run_timers(env);
		expect_none(env);
		ws_test_advance_ms(env, 1);
		ws_test_run_timers(env);
		only(env, &s);
		assert_int_equal(s.flags, F_SYN);
		wait *= 2;
	}
	assert_int_equal(st(env)->syn_retransmits, 3);
	ws_test_advance_ms(env, wait);
	ws_test_run_timers(env);
	expect_none(env);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_TIMEOUT);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Closing.                                                            */

/* Passive close: CLOSE_WAIT, then LAST_ACK, then CLOSED (NORMAL). */
static void
test_must12_passive_close(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 2);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	assert_int_equal(st(env)->st_close_wait, 1);
	/* CLOSE_WAIT may still send. */
	assert_int_equal(ws_tcp_send(app.conn, "bye", 3), 3);
	only(env, &c);
	assert_int_equal(c.dlen, 3);
	assert_int_equal(ws_tcp_close(app.conn), 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.seq, iss + 4);
	assert_int_equal(app.conn->state, WS_TCP_LAST_ACK);
	peer(env, PISN + 2, iss + 5, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	assert_int_equal(st(env)->st_last_ack, 0);
	assert_int_equal(st(env)->st_closed, 0);
	ws_test_assert_no_leak(env);
}

/* MUST-13: active close through FIN_WAIT_1/2 and TIME_WAIT for 2 MSL. */
static void
test_must13_active_close_time_wait(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	assert_int_equal(ws_tcp_close(conn), 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_1);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_2);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	assert_int_equal(app.state_in_closed, WS_TCP_TIME_WAIT);
	assert_int_equal(st(env)->st_time_wait, 1);

	/* A retransmitted FIN is acknowledged again. */
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	/* It restarted the 2 MSL. */
	ws_test_advance_ms(env, 2 * MSL_MS - 1);
	ws_test_run_timers(env);
	assert_non_null(lookup(env, LPORT, PPORT));
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(st(env)->st_time_wait, 0);
	assert_int_equal(st(env)->time_wait_expired, 1);
	assert_int_equal(app.closed, 1);
	ws_test_assert_no_leak(env);
}

/*
 * The listener table: the setup's LPORT and 31 more fill it; one more is
 * refused (-ENOSPC), a port twice is -EEXIST, port 0 and no ops -EINVAL,
 * and a SYN to the last one added is answered (the search reaches the
 * last listener, not further).
 */
static void
test_listener_table_full_and_last_found(void **state)
{
	struct ws_test_env *env = *state;
	uint16_t last = (uint16_t)(LPORT + 100 + WS_TCP_MAX_LISTENERS - 2);
	struct pseg s = {
		.sport = PPORT, .dport = last, .seq = PISN, .flags = F_SYN,
		.wnd = 1000,
	};
	struct cseg c;
	unsigned int i;

	for (i = 0; i < WS_TCP_MAX_LISTENERS - 1; i++)
		assert_int_equal(ws_tcp_listen_worker(&env->w,
			(uint16_t)(LPORT + 100 + i), &app_ops, &app), 0);
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 99, &app_ops,
		&app), -ENOSPC);
	assert_int_equal(ws_tcp_listen_worker(&env->w, last, &app_ops, &app),
		-EEXIST);
	assert_int_equal(ws_tcp_listen_worker(&env->w, 0, &app_ops, &app),
		-EINVAL);
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 98, NULL,
		&app), -EINVAL);
	assert_int_equal(st(env)->st_listen, WS_TCP_MAX_LISTENERS);

	send_seg(env, &s);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.sport, last);
	/* One past the table: no listener, so a RST. */
	s.dport = LPORT + 99;
	send_seg(env, &s);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	finish(env);
}

/* Simultaneous close through CLOSING. */
static void
test_simultaneous_close_closing(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	ws_tcp_shutdown(conn);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	/* The peer's FIN crosses ours: it does not acknowledge it. */
	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(conn->state, WS_TCP_CLOSING);
	assert_int_equal(app.peer_closed, 1);
	peer(env, PISN + 2, iss + 2, F_ACK, 65535, NULL, 0);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_advance_ms(env, 2 * MSL_MS);
	ws_test_run_timers(env);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);
}

/* Data queued before the close goes first, then the FIN. */
static void
test_fin_after_data(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t big[3000];
	struct cseg c;

	memset(big, 'z', sizeof(big));
	assert_int_equal(ws_tcp_send(app.conn, big, sizeof(big)), 3000);
	ws_tcp_close(app.conn);
	assert_int_equal(ncap(env), 3);
	cap(env, 0, &c);
	assert_int_equal(c.dlen, 1460);
	assert_int_equal(c.flags, F_ACK);
	cap(env, 1, &c);
	assert_int_equal(c.dlen, 1460);
	cap(env, 2, &c);
	assert_int_equal(c.dlen, 80);
	assert_int_equal(c.flags, F_ACK | F_PSH | F_FIN);
	assert_int_equal(c.seq, iss + 1 + 2920);
	ws_test_clear_captured(env);
	peer(env, PISN + 1, iss + 3002, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 3002, PISN + 2);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_advance_ms(env, 2 * MSL_MS);
	ws_test_run_timers(env);
	ws_test_assert_no_leak(env);
}

/* SHLD-3: data after close resets the connection. */
static void
test_shld3_data_after_close_rst(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_close(app.conn);
	only(env, &c);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, "late", 4);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(c.seq, iss + 2);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_ABORTED);
	assert_int_equal(st(env)->drop_data_after_close, 1);
	ws_test_assert_no_leak(env);
}

/* A callback may close or abort its own connection. */
static void
test_close_and_abort_inside_callback(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	app.abort_in_data = true;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "boom", 4);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_ABORTED);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);

	/* Again, closing from peer_closed (an HTTP/1.0 server). */
	memset(&app, 0, sizeof(app));
	app.consume_max = UINT32_MAX;
	app.close_in_peer_closed = true;
	iss = establish(env);
	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, "req", 3);
	assert_int_equal(app.rx_len, 3);
	/* The ACK of the FIN and our FIN: one segment each, or merged. */
	assert_true(ncap(env) >= 1);
	cap(env, ncap(env) - 1, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.ack, PISN + 5);
	ws_test_clear_captured(env);
	peer(env, PISN + 5, iss + 2, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* RST.                                                                */

/* RFC 9293 3.10.7, CLOSED state: the RST to a closed port, both forms. */
static void
test_rst_closed_port_exact(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = {
		.sport = PPORT, .dport = 81, .seq = 5000, .flags = F_SYN,
		.wnd = 1000, .data = "abc", .dlen = 3,
	};
	uint8_t tcp[20], expect[64];
	size_t n;
	uint16_t ck;
	struct cseg c;

	/* ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN counts. */
	env->w.ip_id = 7;
	send_seg(env, &p);
	memset(tcp, 0, sizeof(tcp));
	tcp[0] = 0; tcp[1] = 81;
	tcp[2] = PPORT >> 8; tcp[3] = PPORT & 0xff;
	tcp[8] = 0; tcp[9] = 0; tcp[10] = (5004) >> 8; tcp[11] = 5004 & 0xff;
	tcp[12] = 5 << 4;
	tcp[13] = F_RST | F_ACK;
	ck = tcp_cksum(US_IP, PEER_IP, tcp, 20);
	tcp[16] = ck >> 8;
	tcp[17] = ck & 0xff;
	n = ws_test_ipv4_frame(expect, US_IP, PEER_IP, IPPROTO_TCP, 7, 0,
		tcp, 20);
	ws_test_eth(expect, &ws_test_peer_mac, &ws_test_mac,
		RTE_ETHER_TYPE_IPV4);
	ws_test_assert_frame(env, 0, expect, n);
	ws_test_clear_captured(env);

	/* ACK on: <SEQ=SEG.ACK><CTL=RST>. */
	p.flags = F_ACK | F_FIN;
	p.ack = 0xdeadbeef;
	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.flags, F_RST);
	assert_int_equal(c.seq, 0xdeadbeef);
	assert_int_equal(c.ack, 0);

	/* Never a RST for a RST. */
	p.flags = F_RST;
	send_seg(env, &p);
	p.flags = F_RST | F_ACK;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(st(env)->rst_no_conn, 2);
	ws_test_assert_no_leak(env);
}

/* LISTEN: RST ignored, ACK answered by RST, other segments dropped. */
static void
test_listen_rst_ack_other(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg c;

	peer(env, 1, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	peer(env, 1, 777, F_ACK, 0, NULL, 0);
	only(env, &c);
	assert_int_equal(c.flags, F_RST);
	assert_int_equal(c.seq, 777);
	peer(env, 1, 0, F_FIN, 0, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->drop_listen_ack, 1);
	assert_int_equal(st(env)->drop_listen_other, 1);
	ws_test_assert_no_leak(env);
}

/* RFC 5961 3.2: exact RST resets (MUST-12 RESET); in-window challenges. */
static void
test_rfc5961_rst_in_established(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	/* Out of window: silently dropped. */
	peer(env, PISN + 1 + 300000, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	/* In window, not exact: challenge ACK. */
	peer(env, PISN + 100, 0, F_RST, 0, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
	assert_int_equal(st(env)->rst_challenged, 1);
	assert_int_equal(app.closed, 0);
	/* Exact. */
	peer(env, PISN + 1, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	assert_int_equal(st(env)->st_established, 0);
	ws_test_assert_no_leak(env);
}

/* MUST-11: RST in SYN_RECEIVED of a passive open: forgotten quietly. */
static void
test_must11_rst_in_syn_received(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg c;

	peer(env, PISN, 0, F_SYN, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(st(env)->st_syn_received, 1);
	peer(env, PISN + 1, 0, F_RST, 0, NULL, 0);
	expect_none(env);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(app.closed, 0);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(env->w.tcp->listeners[0].pending, 0);
	/* The listener still works. */
	establish(env);
	finish(env);
}

/* RST in FIN_WAIT_2, CLOSE_WAIT and TIME_WAIT. */
static void
test_rst_in_other_states(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;

	/* CLOSE_WAIT */
	peer(env, PISN + 1, iss + 1, F_ACK | F_FIN, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(conn->state, WS_TCP_CLOSE_WAIT);
	peer(env, PISN + 2, 0, F_RST, 0, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	ws_test_assert_no_leak(env);

	/* FIN_WAIT_2 */
	memset(&app, 0, sizeof(app));
	app.consume_max = UINT32_MAX;
	iss = establish(env);
	conn = app.conn;
	ws_tcp_shutdown(conn);
	peer(env, PISN + 1, iss + 2, F_ACK, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_2);
	peer(env, PISN + 1, 0, F_RST, 0, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	ws_test_assert_no_leak(env);

	/* TIME_WAIT: the RST ends it early, quietly. */
	memset(&app, 0, sizeof(app));
	app.consume_max = UINT32_MAX;
	iss = establish(env);
	conn = app.conn;
	ws_tcp_shutdown(conn);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(conn->state, WS_TCP_TIME_WAIT);
	peer(env, PISN + 2, 0, F_RST, 0, NULL, 0);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(app.closed, 1);
	ws_test_assert_no_leak(env);
}

/* RFC 5961 4.2 and 7: SYN in ESTABLISHED gets a rate-limited challenge. */
static void
test_rfc5961_syn_challenge_rate_limit(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i;

	for (i = 0; i < CHACK + 3; i++)
		peer(env, PISN + 10 + i, 0, F_SYN, 65535, NULL, 0);
	assert_int_equal(ncap(env), CHACK);
	for (i = 0; i < CHACK; i++) {
		struct cseg c;

		cap(env, i, &c);
		assert_int_equal(c.flags, F_ACK);
		assert_int_equal(c.seq, iss + 1);
		assert_int_equal(c.ack, PISN + 1);
	}
	ws_test_clear_captured(env);
	assert_int_equal(st(env)->challenge_ack_limited, 3);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	/* A second later there is budget again. */
	ws_test_advance_ms(env, 1000);
	peer(env, PISN + 10, 0, F_SYN, 65535, NULL, 0);
	expect_ack(env, iss + 1, PISN + 1);
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
/* Timestamps.                                                         */

static void
ts_opt(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
	o[4] = tsval >> 24; o[5] = tsval >> 16; o[6] = tsval >> 8;
	o[7] = tsval;
	o[8] = tsecr >> 24; o[9] = tsecr >> 16; o[10] = tsecr >> 8;
	o[11] = tsecr;
}

/* RFC 7323 5.3: PAWS drops an old TSval with an ACK; RST is exempt. */
static void
test_rfc7323_paws(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 1, 1, 8, 10, 0, 0, 0, 100,
		0, 0, 0, 0 };
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 65535, .opts = syn_opts, .olen = sizeof(syn_opts),
	};
	struct cseg c;
	uint32_t iss;

	send_seg(env, &p);
	only(env, &c);
	iss = c.seq;
	assert_int_equal(c.o.tsecr, 100);
	ts_opt(o, 110, c.o.tsval);
	p.opts = o;
	p.olen = 12;
	p.seq = PISN + 1;
	p.ack = iss + 1;
	p.flags = F_ACK;
	send_seg(env, &p);
	assert_int_equal(app.accepted, 1);
	assert_true(app.conn->ts_ok);
	assert_int_equal(app.conn->ts_recent, 110);

	/* Data with TSval 120: accepted, TS.Recent moves. */
	ts_opt(o, 120, c.o.tsval);
	p.data = "a";
	p.dlen = 1;
	send_seg(env, &p);
	assert_int_equal(app.rx_len, 1);
	assert_int_equal(app.conn->ts_recent, 120);
	/* Old TSval 90: dropped, ACK sent, echoing TS.Recent. */
	ts_opt(o, 90, c.o.tsval);
	p.seq = PISN + 2;
	p.data = "b";
	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(c.ack, PISN + 2);
	assert_int_equal(c.o.tsecr, 120);
	assert_int_equal(app.rx_len, 1);
	assert_int_equal(st(env)->drop_paws, 1);
	/* Missing TS on a non-RST segment after negotiation: dropped. */
	p.opts = NULL;
	p.olen = 0;
	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(st(env)->drop_no_ts, 1);
	/* A RST with an old TSval is not subject to PAWS. */
	ts_opt(o, 1, 0);
	p.opts = o;
	p.olen = 12;
	p.flags = F_RST;
	p.dlen = 0;
	send_seg(env, &p);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	ws_test_assert_no_leak(env);
}

/* SHLD-4 / RFC 6191: a new SYN reuses a TIME_WAIT 4-tuple. */
static void
test_shld4_time_wait_reuse(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_close(app.conn);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	ws_test_clear_captured(env);
	assert_int_equal(st(env)->st_time_wait, 1);
	/* An old SYN (lower sequence): challenge ACK, stays. */
	peer(env, PISN - 100, 0, F_SYN, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(st(env)->st_time_wait, 1);
	/* A higher sequence: a new connection. */
	peer(env, PISN + 100000, 0, F_SYN, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.ack, PISN + 100001);
	assert_int_equal(st(env)->time_wait_reused, 1);
	assert_int_equal(st(env)->st_time_wait, 0);
	assert_int_equal(st(env)->st_syn_received, 1);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Options.                                                            */

/* MUST-4..7, MUST-64, MUST-68: the parser, on every edge. */
static void
test_must7_option_edges(void **state)
{
	struct ws_tcp_opts o;
	struct ws_test_env *env = *state;

	/* Unaligned: NOP then MSS at offset 1, WS at 5 (MUST-64). */
	{
		const uint8_t b[] = { 1, 2, 4, 0x02, 0x18, 3, 3, 20, 0 };

		assert_int_equal(ws_tcp_opts_parse(b, sizeof(b), &o), 0);
		assert_int_equal(o.mss, 536);
		/* Shift 20 is read as 14 (RFC 7323 2.3). */
		assert_int_equal(o.wscale, 14);
	}
	/* Unknown kind 99 with a length: skipped (MUST-6). */
	{
		const uint8_t b[] = { 99, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4 };

		assert_int_equal(ws_tcp_opts_parse(b, sizeof(b), &o), 0);
		assert_int_equal(o.mss, 1460);
	}
	/* Length 0 and length 1: illegal, parsing stops (MUST-7). */
	{
		const uint8_t b0[] = { 2, 4, 1, 0, 99, 0, 2, 4, 0, 1 };
		const uint8_t b1[] = { 99, 1, 2, 4, 0, 1 };

		assert_int_equal(ws_tcp_opts_parse(b0, sizeof(b0), &o),
			-EINVAL);
		assert_int_equal(o.mss, 256);
		assert_int_equal(ws_tcp_opts_parse(b1, sizeof(b1), &o),
			-EINVAL);
		assert_false(o.present & WS_TCP_OPT_HAS_MSS);
	}
	/* Past the header, and a lone kind byte at the end. */
	{
		const uint8_t b[] = { 1, 1, 8, 10, 0, 0 };
		const uint8_t c[] = { 1, 1, 1, 2 };

		assert_int_equal(ws_tcp_opts_parse(b, sizeof(b), &o), -EINVAL);
		assert_int_equal(ws_tcp_opts_parse(c, sizeof(c), &o), -EINVAL);
	}
	/* EOL ends it; what follows is padding (MUST-69). */
	{
		const uint8_t b[] = { 0, 2, 4, 5, 0xb4 };

		assert_int_equal(ws_tcp_opts_parse(b, sizeof(b), &o), 0);
		assert_int_equal(o.present, 0);
	}
	/*
	 * NOP NOP TS, the usual layout, taken in one step: the same result
	 * as the walk gives the same option laid out otherwise, whatever
	 * the struct held before.
	 */
	{
		const uint8_t b[] = { 1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44,
			0x55, 0x66, 0x77, 0x88 };
		const uint8_t w[] = { 8, 10, 0x11, 0x22, 0x33, 0x44,
			0x55, 0x66, 0x77, 0x88, 1, 1 };
		struct ws_tcp_opts walked;

		memset(&o, 0xa5, sizeof(o));
		assert_int_equal(ws_tcp_opts_parse(b, sizeof(b), &o), 0);
		assert_int_equal(ws_tcp_opts_parse(w, sizeof(w), &walked), 0);
		assert_int_equal(o.present, WS_TCP_OPT_HAS_TS);
		assert_int_equal(o.tsval, 0x11223344);
		assert_int_equal(o.tsecr, 0x55667788);
		assert_int_equal(o.present, walked.present);
		assert_int_equal(o.tsval, walked.tsval);
		assert_int_equal(o.tsecr, walked.tsecr);
		assert_int_equal(o.mss, 0);
		assert_int_equal(o.wscale, 0);
		assert_int_equal(o.n_sack, 0);
	}
	/* A known kind with a wrong length: ignored, parsing goes on. */
	{
		const uint8_t b[] = { 2, 3, 9, 3, 3, 2 };

		assert_int_equal(ws_tcp_opts_parse(b, sizeof(b), &o), 0);
		assert_false(o.present & WS_TCP_OPT_HAS_MSS);
		assert_int_equal(o.wscale, 2);
	}
	/* SACK blocks, bounded to four. */
	{
		uint8_t b[2 + 8 * 5] = { 5, 2 + 8 * 4 };

		b[2 + 3] = 1;
		b[2 + 7] = 2;
		assert_int_equal(ws_tcp_opts_parse(b, 34, &o), 0);
		assert_int_equal(o.n_sack, 4);
		assert_int_equal(o.sack[0][0], 1);
		assert_int_equal(o.sack[0][1], 2);
	}

	/* A SYN with illegal options is dropped; data segments are not. */
	{
		const uint8_t bad[] = { 2, 0, 0, 0 };
		struct pseg p = {
			.sport = PPORT, .dport = LPORT, .seq = PISN,
			.flags = F_SYN, .wnd = 100, .opts = bad, .olen = 4,
		};

		send_seg(env, &p);
		expect_none(env);
		assert_int_equal(st(env)->drop_bad_opts, 1);
	}
	/* A data offset past the segment: dropped and counted. */
	{
		struct pseg p = {
			.sport = PPORT, .dport = LPORT, .seq = PISN,
			.flags = F_SYN, .wnd = 100, .doff_override = 15,
		};

		send_seg(env, &p);
		expect_none(env);
		assert_int_equal(st(env)->drop_bad_doff, 1);
		p.doff_override = 4;
		send_seg(env, &p);
		assert_int_equal(st(env)->drop_bad_doff, 2);
	}
	ws_test_assert_no_leak(env);
}

/* MUST-3: a bad checksum is dropped silently. */
static void
test_must3_bad_checksum(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 100, .bad_cksum = true,
	};

	send_seg(env, &p);
	expect_none(env);
	assert_int_equal(st(env)->drop_cksum, 1);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Retransmission.                                                     */

/* MUST-18/19, RFC 6298 5.5: exact retransmission times with backoff. */
static void
test_must18_rto_backoff(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;
	uint32_t rto = app.conn->rto_ms, i;

	/* The handshake gave one RTT sample of 0: RTO is the minimum. */
	assert_int_equal(rto, 200);
	assert_int_equal(ws_tcp_send(app.conn, "data", 4), 4);
	only(env, &c);
	for (i = 0; i < 4; i++) {
		ws_test_advance_ms(env, rto - 1);
		ws_test_run_timers(env);
		expect_none(env);
		ws_test_advance_ms(env, 1);
		ws_test_run_timers(env);
		only(env, &c);
		assert_int_equal(c.seq, iss + 1);
		assert_int_equal(c.dlen, 4);
		rto *= 2;
	}
	assert_int_equal(st(env)->retransmits, 4);
	assert_int_equal(app.conn->cwnd, app.conn->mss);
	/* The ACK ends it, resets the backoff and stops the timer. */
	peer(env, PISN + 1, iss + 5, F_ACK, 65535, NULL, 0);
	assert_int_equal(app.conn->n_rtx, 0);
	assert_false(ws_timer_armed(&app.conn->rtx_timer));
	finish(env);
}

/*
 * After a timeout SND.NXT goes back to SND.UNA; a pure ACK still carries
 * SND.MAX, which the peer's window expects (no ACK war with a peer in
 * the same situation).
 */
static void
test_pure_ack_after_rto_uses_snd_max(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[3 * 1460];
	struct cseg c;

	memset(data, 'r', sizeof(data));
	ws_tcp_send(app.conn, data, sizeof(data));
	assert_int_equal(ncap(env), 3);
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, app.conn->rto_ms);
	ws_test_run_timers(env);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(app.conn->snd_nxt, iss + 1 + 1460);
	/* Two full segments from the peer: an immediate pure ACK. */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, data, 1460);
	peer(env, PISN + 1461, iss + 1, F_ACK, 65535, data, 1460);
	expect_ack(env, iss + 1 + sizeof(data), PISN + 2921);
	finish(env);
}

/* MUST-20: after R2 the connection is closed with TIMEOUT. */
static void
test_must20_r2_timeout(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;

	establish(env);
	ws_tcp_set_user_timeout(app.conn, 3000);	/* MUST-21 */
	ws_tcp_send(app.conn, "x", 1);
	for (i = 0; i < 40 && app.closed == 0; i++) {
		ws_test_advance_ms(env, 500);
		ws_test_run_timers(env);
	}
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_TIMEOUT);
	assert_true(st(env)->r1_reached >= 1);
	ws_test_assert_no_leak(env);
}

/* MUST-35/36/37: a zero window is probed, and kept open while answered. */
static void
test_must36_zero_window_probe(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;
	unsigned int i;

	peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
	assert_int_equal(app.conn->snd_wnd, 0);
	assert_int_equal(ws_tcp_send(app.conn, "hello", 5), 5);
	expect_none(env);
	/*
	 * The first probe after one RTO (SHLD-29): an old sequence and no
	 * data, which the peer must answer with its window.
	 */
	ws_test_advance_ms(env, app.conn->rto_ms);
	ws_test_run_timers(env);
	only(env, &c);
	assert_int_equal(c.seq, iss);
	assert_int_equal(c.dlen, 0);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(st(env)->persist_probes, 1);
	/* SND.MAX did not move past the window. */
	assert_int_equal(app.conn->snd_max, iss + 1);
	/* Answered with a zero window for much longer than R2: it stays. */
	for (i = 0; i < 12; i++) {
		peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
		ws_test_advance_ms(env, 60000);
		ws_test_run_timers(env);
		only(env, &c);
		assert_int_equal(c.seq, iss);
		assert_int_equal(c.dlen, 0);
	}
	assert_int_equal(app.closed, 0);
	/* The window opens: the data flows. */
	peer(env, PISN + 1, iss + 1, F_ACK, 1000, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	assert_memory_equal(c.data, "hello", 5);
	/* A peer that stops answering probes is gone after R2. */
	peer(env, PISN + 1, iss + 6, F_ACK, 0, NULL, 0);
	ws_tcp_send(app.conn, "more", 4);
	for (i = 0; i < 10 && app.closed == 0; i++) {
		ws_test_advance_ms(env, 60000);
		ws_test_run_timers(env);
	}
	ws_test_clear_captured(env);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_TIMEOUT);
	ws_test_assert_no_leak(env);
}

/*
 * After a zero-window probe the backoff is not zero, but R2 still only
 * counts from the first timeout: an RTO then retransmits, it does not
 * end the connection.
 */
static void
test_must20_r2_counts_from_first_timeout(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	ws_tcp_set_nodelay(app.conn, true);
	peer(env, PISN + 1, iss + 1, F_ACK, 0, NULL, 0);
	ws_tcp_send(app.conn, "hello", 5);
	ws_test_advance_ms(env, app.conn->rto_ms);
	ws_test_run_timers(env);
	only(env, &c);
	assert_int_equal(c.dlen, 0);
	assert_int_equal(app.conn->n_rtx, 1);
	/* The window opens; the data goes but is lost. */
	peer(env, PISN + 1, iss + 1, F_ACK, 100, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	ws_test_advance_ms(env, 5000);
	ws_test_run_timers(env);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 5);
	assert_int_equal(app.closed, 0);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	finish(env);
}

/* RFC 5681 3.2: three duplicate ACKs trigger a fast retransmit. */
static void
test_rfc5681_fast_retransmit(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	static uint8_t data[5 * 1460];
	struct cseg c;
	unsigned int i;

	memset(data, 'q', sizeof(data));
	assert_int_equal(ws_tcp_send(app.conn, data, sizeof(data)),
		(int)sizeof(data));
	assert_int_equal(ncap(env), 5);
	ws_test_clear_captured(env);
	for (i = 0; i < 3; i++)
		peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(c.dlen, 1460);
	assert_int_equal(st(env)->fast_retransmits, 1);
	assert_true(app.conn->in_recovery);
	/* A partial ACK retransmits the next hole (RFC 6582). */
	peer(env, PISN + 1, iss + 1 + 1460, F_ACK, 65535, NULL, 0);
	only(env, &c);
	assert_int_equal(c.seq, iss + 1 + 1460);
	/* The full ACK ends recovery. */
	peer(env, PISN + 1, iss + 1 + sizeof(data), F_ACK, 65535, NULL, 0);
	assert_false(app.conn->in_recovery);
	ws_test_clear_captured(env);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Out of order, Nagle.                                                */

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

/* ... and per worker: all connections share ooo_worker_segments. */
static void
test_ooo_bounded_per_worker(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = { .dport = LPORT, .wnd = 65535 };
	uint32_t iss[5];
	struct cseg c;
	unsigned int i, k;

	for (i = 0; i < 5; i++) {
		p.sport = (uint16_t)(PPORT + i);
		p.seq = PISN;
		p.ack = 0;
		p.flags = F_SYN;
		p.dlen = 0;
		send_seg(env, &p);
		only(env, &c);
		iss[i] = c.seq;
		p.seq = PISN + 1;
		p.ack = iss[i] + 1;
		p.flags = F_ACK;
		send_seg(env, &p);
	}
	/* 4 held segments each would be 20; the worker has 16 nodes. */
	for (i = 0; i < 5; i++) {
		p.sport = (uint16_t)(PPORT + i);
		p.ack = iss[i] + 1;
		p.data = "x";
		p.dlen = 1;
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

/* ------------------------------------------------------------------ */
/* Limits.                                                             */

/* Without SYN cookies, a full TCB table drops the SYN and counts it. */
static void
test_table_full(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;
	struct pseg p = {
		.dport = LPORT, .seq = PISN, .flags = F_SYN, .wnd = 100,
	};

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	env->w.tcp->cfg.backlog = 100;
	for (i = 0; i < 9; i++) {
		p.sport = (uint16_t)(PPORT + i);
		send_seg(env, &p);
	}
	assert_int_equal(ncap(env), 8);
	assert_int_equal(st(env)->drop_table_full, 1);
	assert_int_equal(st(env)->st_syn_received, 8);
	ws_test_clear_captured(env);
	/* SYN-ACK retries run out; everything is freed. */
	for (i = 0; i < 20; i++) {
		ws_test_advance_ms(env, 10000);
		ws_test_run_timers(env);
	}
	assert_int_equal(st(env)->st_syn_received, 0);
	ws_test_assert_no_leak(env);
}

/* Without SYN cookies, the backlog drops SYNs past it. */
static void
test_backlog(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;
	struct pseg p = {
		.dport = LPORT, .seq = PISN, .flags = F_SYN, .wnd = 100,
	};

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	for (i = 0; i < 6; i++) {
		p.sport = (uint16_t)(PPORT + i);
		send_seg(env, &p);
	}
	assert_int_equal(st(env)->drop_backlog, 2);
	ws_test_clear_captured(env);
	ws_tcp_fini(&env->w);
	assert_int_equal(st(env)->st_syn_received, 0);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
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

/* ws_tcp_fini: every live connection hears STOPPED. */
static void
test_fini_stopped(void **state)
{
	struct ws_test_env *env = *state;

	establish(env);
	ws_tcp_send(app.conn, "pending", 7);
	ws_test_clear_captured(env);
	ws_test_env_reinit(env);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_STOPPED);
	ws_test_assert_no_leak(env);
}

/* MUST-24..28: keep-alive off by default; probes; dead after 'count'. */
static void
test_must24_keepalive(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;
	unsigned int i;

	assert_false(app.conn->keepalive);
	ws_tcp_set_keepalive(app.conn, true, 1000, 500, 2);
	ws_test_advance_ms(env, 999);
	ws_test_run_timers(env);
	expect_none(env);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	only(env, &c);
	assert_int_equal(c.seq, iss);
	assert_int_equal(c.dlen, 0);
	/* Answered: idle starts again (MUST-29). */
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	for (i = 0; i < 2; i++) {
		ws_test_advance_ms(env, i == 0 ? 1000 : 500);
		ws_test_run_timers(env);
		only(env, &c);
	}
	ws_test_advance_ms(env, 500);
	ws_test_run_timers(env);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_KEEPALIVE);
	ws_test_assert_no_leak(env);
}


/* ------------------------------------------------------------------ */
/* The application idle timer (ws_tcp_set_idle_timeout).               */

/* Exactly after the timeout, again each period, re-armed by data. */
static void
test_idle_timeout(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;

	/* Off by default. */
	ws_test_advance_ms(env, 100000);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 0);
	assert_false(ws_timer_armed(&conn->idle_timer));

	ws_tcp_set_idle_timeout(conn, 500);
	ws_test_advance_ms(env, 499);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 0);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 1);
	assert_int_equal(st(env)->idle_timeouts, 1);
	/* Nothing is sent; the connection stays. */
	expect_none(env);
	assert_int_equal(conn->state, WS_TCP_ESTABLISHED);
	/* Still silent: once more after another period. */
	ws_test_advance_ms(env, 499);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 1);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 2);

	/* Data 300 ms in: the count starts over from it. */
	ws_test_advance_ms(env, 300);
	ws_test_run_timers(env);
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "abc", 3);
	assert_int_equal(app.rx_len, 3);
	ws_test_advance_ms(env, 499);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 2);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 3);
	/* A pure ACK is not data. */
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, 250);
	peer(env, PISN + 4, iss + 1, F_ACK, 65535, NULL, 0);
	ws_test_advance_ms(env, 250);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 4);

	/* Setting it restarts the count; 0 turns it off. */
	ws_test_advance_ms(env, 400);
	ws_tcp_set_idle_timeout(conn, 200);
	ws_test_advance_ms(env, 199);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 4);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 5);
	ws_tcp_set_idle_timeout(conn, 0);
	assert_false(ws_timer_armed(&conn->idle_timer));
	ws_test_advance_ms(env, 100000);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 5);
	assert_int_equal(st(env)->idle_timeouts, 5);
	assert_int_equal(conn->state, WS_TCP_ESTABLISHED);
	ws_test_clear_captured(env);
	finish(env);
}

/* Without 'idle' the stack closes: FIN, or RST over unread data. */
static void
test_idle_timeout_default_close(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	conn->ops = &app_ops_no_idle;
	ws_tcp_set_idle_timeout(conn, 200);
	ws_test_advance_ms(env, 199);
	ws_test_run_timers(env);
	expect_none(env);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_1);
	assert_true(conn->app_closed);
	assert_int_equal(st(env)->idle_timeouts, 1);
	assert_int_equal(app.idle, 0);
	assert_int_equal(app.closed, 0);
	/* Closed: no more timeouts. */
	assert_false(ws_timer_armed(&conn->idle_timer));
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_advance_ms(env, 2 * MSL_MS);
	ws_test_run_timers(env);
	assert_int_equal(st(env)->idle_timeouts, 1);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);

	/* Received data nobody read: ws_tcp_close semantics reset. */
	memset(&app, 0, sizeof(app));
	iss = establish(env);
	conn = app.conn;
	conn->ops = &app_ops_no_idle;
	ws_tcp_set_idle_timeout(conn, 100);
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, "held", 4);
	assert_int_equal(conn->rb_len, 4);
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	/* The delayed ACK of "held", then the RST. */
	assert_true(ncap(env) >= 1);
	cap(env, ncap(env) - 1, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	ws_test_clear_captured(env);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_ABORTED);
	assert_null(lookup(env, LPORT, PPORT));
	ws_test_assert_no_leak(env);
}

/* 'idle' may close or abort its own connection. */
static void
test_idle_timeout_close_abort_in_callback(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct ws_tcp_conn *conn = app.conn;
	struct cseg c;

	app.idle_mode = IDLE_CLOSE;
	ws_tcp_set_idle_timeout(conn, 100);
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 1);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(conn->state, WS_TCP_FIN_WAIT_1);
	/* Not called again once closed. */
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 1);
	peer(env, PISN + 1, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 2);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_advance_ms(env, 2 * MSL_MS);
	ws_test_run_timers(env);
	ws_test_assert_no_leak(env);

	memset(&app, 0, sizeof(app));
	app.consume_max = UINT32_MAX;
	app.idle_mode = IDLE_ABORT;
	iss = establish(env);
	ws_tcp_set_idle_timeout(app.conn, 100);
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 1);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_ABORTED);
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(st(env)->idle_timeouts, 2);
	ws_test_advance_ms(env, 10000);
	ws_test_run_timers(env);
	ws_test_assert_no_leak(env);
}

/* A connection freed with its idle timer armed leaves nothing behind. */
static void
test_idle_timeout_freed_armed(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);

	ws_tcp_set_idle_timeout(app.conn, 1000);
	peer(env, PISN + 1, iss + 1, F_RST, 0, NULL, 0);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_RESET);
	assert_int_equal(env->w.tcp->wheel.armed, 0);
	ws_test_advance_ms(env, 2000);
	ws_test_run_timers(env);
	assert_int_equal(app.idle, 0);
	assert_int_equal(st(env)->idle_timeouts, 0);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Aggregation, scaling, zero copy, chains, offload, SACK.             */

static struct rte_mbuf *
seg_mbuf(struct ws_test_env *env, const struct pseg *s)
{
	static uint8_t frame[70000], tcp[70000];
	size_t n = build_tcp(tcp, PEER_IP, US_IP, s);

	n = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_TCP, 0x99, 0,
		tcp, n);
	return ws_test_mbuf(env, frame, n);
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

/* RFC 7323 2: windows scale both ways once both SYNs had the option. */
static void
test_rfc7323_window_scaling(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t opts[] = { 2, 4, 5, 0xb4, 1, 3, 3, 7 };
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 1000, .opts = opts, .olen = sizeof(opts),
	};
	struct cseg c;

	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.wnd, 65535);
	assert_int_equal(c.o.wscale, 3);
	peer(env, PISN + 1, c.seq + 1, F_ACK, 100, NULL, 0);
	assert_int_equal(app.conn->snd_wnd, 100 << 7);
	assert_int_equal(app.conn->mss, 1460);
	/* Our window, scaled: 262144 >> 3. */
	ws_tcp_send(app.conn, "s", 1);
	only(env, &c);
	assert_int_equal(c.wnd, 262144 >> 3);
	finish(env);
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

/* MUST-2 with offload: the pseudo-header sum and the flags for the NIC. */
static void
test_must2_checksum_offload(void **state)
{
	struct ws_test_env *env = *state;
	const struct rte_mbuf *m;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;

	env->iface.offload.tx_tcp_cksum = true;
	peer(env, PISN, 0, F_SYN, 65535, NULL, 0);
	assert_int_equal(ncap(env), 1);
	m = env->captured[0];
	assert_true(m->ol_flags & RTE_MBUF_F_TX_TCP_CKSUM);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IPV4);
	assert_int_equal(m->l3_len, 20);
	assert_int_equal(m->l4_len, 20 + 4);	/* MSS only */
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	th = (const struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(th->cksum, rte_ipv4_phdr_cksum(ip, m->ol_flags));
	ws_test_clear_captured(env);
	env->iface.offload.tx_tcp_cksum = false;
	finish(env);
}

/* RFC 2018 4: with SACK permitted, a dup ACK reports what is held. */
static void
test_rfc2018_sack_blocks(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2 };
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 65535, .opts = syn_opts, .olen = sizeof(syn_opts),
	};
	struct cseg c;
	uint32_t iss;

	send_seg(env, &p);
	only(env, &c);
	assert_true(c.o.present & WS_TCP_OPT_HAS_SACK_OK);
	iss = c.seq;
	peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	assert_true(app.conn->sack_ok);
	peer(env, PISN + 11, iss + 1, F_ACK, 65535, "0123456789", 10);
	peer(env, PISN + 21, iss + 1, F_ACK, 65535, "abc", 3);
	assert_int_equal(ncap(env), 2);
	cap(env, 1, &c);
	assert_int_equal(c.ack, PISN + 1);
	assert_int_equal(c.o.n_sack, 1);
	assert_int_equal(c.o.sack[0][0], PISN + 11);
	assert_int_equal(c.o.sack[0][1], PISN + 24);
	ws_test_clear_captured(env);
	/* A full-sized data segment has no room for blocks: no IP fragments. */
	{
		static uint8_t big[1460 + 100];

		ws_tcp_set_nodelay(app.conn, true);
		assert_int_equal(ws_tcp_send(app.conn, big, sizeof(big)),
			(int)sizeof(big));
		assert_int_equal(ncap(env), 2);
		cap(env, 0, &c);
		assert_int_equal(c.dlen, 1460);
		assert_int_equal(c.olen, 0);
		cap(env, 1, &c);
		assert_int_equal(c.dlen, 100);
		assert_int_equal(c.o.n_sack, 1);
		assert_int_equal(env->w.stats.ip.frag_tx, 0);
	}
	ws_test_clear_captured(env);
	finish(env);
}

/* RFC 6298 + RFC 7323 4: RTT from timestamps sets SRTT and RTO. */
static void
test_rfc6298_rtt_from_timestamps(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 1, 1, 8, 10, 0, 0, 0, 1,
		0, 0, 0, 0 };
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 65535, .opts = syn_opts, .olen = sizeof(syn_opts),
	};
	struct cseg c;

	send_seg(env, &p);
	only(env, &c);
	/* The handshake ACK comes 100 ms later: the first sample. */
	ws_test_advance_ms(env, 100);
	ts_opt(o, 2, c.o.tsval);
	p.opts = o;
	p.olen = 12;
	p.seq = PISN + 1;
	p.ack = c.seq + 1;
	p.flags = F_ACK;
	send_seg(env, &p);
	assert_int_equal(app.conn->srtt_us, 100000);
	assert_int_equal(app.conn->rttvar_us, 50000);
	/* RTO = SRTT + 4 * RTTVAR = 300 ms (2.2). */
	assert_int_equal(app.conn->rto_ms, 300);
	finish(env);
}


/* MUST-54/56: ICMP errors for our segments, hard and soft. */
static void
test_must54_icmp_errors(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg s;
	uint8_t q[28];
	uint32_t iss;

	c = ws_tcp_connect(&env->w, rte_cpu_to_be_32(PEER_IP), PPORT,
		&app_ops, NULL);
	only(env, &s);
	iss = s.seq;
	memset(q, 0, sizeof(q));
	q[0] = 0x45;
	q[9] = IPPROTO_TCP;
	q[12] = 198; q[13] = 18; q[14] = 0; q[15] = 2;
	q[16] = 198; q[17] = 18; q[18] = 0; q[19] = 1;
	q[20] = s.sport >> 8; q[21] = s.sport & 0xff;
	q[22] = PPORT >> 8; q[23] = PPORT & 0xff;
	/* A sequence not in flight: ignored (RFC 5927). */
	q[24] = (iss + 7) >> 24; q[25] = (iss + 7) >> 16;
	q[26] = (iss + 7) >> 8; q[27] = iss + 7;
	ws_tcp_icmp_error(&env->w, 3, 3, 0, q, sizeof(q));
	assert_int_equal(st(env)->drop_icmp_unmatched, 1);
	q[24] = iss >> 24; q[25] = iss >> 16; q[26] = iss >> 8; q[27] = iss;
	/* Host unreachable (code 1) is soft: counted, not fatal. */
	ws_tcp_icmp_error(&env->w, 3, 1, 0, q, sizeof(q));
	assert_int_equal(st(env)->icmp_soft, 1);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	/* Port unreachable during SYN_SENT ends it. */
	ws_tcp_icmp_error(&env->w, 3, 3, 0, q, sizeof(q));
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_UNREACHABLE);
	ws_test_assert_no_leak(env);
}


/* A table full of TIME_WAIT gives up the oldest for a new SYN. */
static void
test_time_wait_recycled_when_full(void **state)
{
	struct ws_test_env *env = *state;
	struct pseg p = { .dport = LPORT, .wnd = 65535 };
	struct cseg c;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		p.sport = (uint16_t)(PPORT + i);
		p.seq = PISN;
		p.ack = 0;
		p.flags = F_SYN;
		send_seg(env, &p);
		only(env, &c);
		p.seq = PISN + 1;
		p.ack = c.seq + 1;
		p.flags = F_ACK;
		send_seg(env, &p);
		ws_tcp_close(app.conn);
		only(env, &c);
		p.ack = c.seq + 1;
		p.flags = F_ACK | F_FIN;
		send_seg(env, &p);
		only(env, &c);
	}
	assert_int_equal(st(env)->st_time_wait, 8);
	p.sport = PPORT + 100;
	p.seq = PISN;
	p.ack = 0;
	p.flags = F_SYN;
	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(st(env)->time_wait_recycled, 1);
	assert_int_equal(st(env)->st_time_wait, 7);
	/* The oldest went: the first peer port. */
	assert_null(lookup(env, LPORT, PPORT));
	assert_non_null(lookup(env, LPORT, PPORT + 1));
	app.conn = NULL;
	finish(env);
}


/* close() inside 'data' after consuming everything: FIN, not RST. */
static void
test_close_inside_data_sends_fin(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	struct cseg c;

	app.close_in_data = true;
	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 65535, "GET /", 5);
	assert_int_equal(app.rx_len, 5);
	only(env, &c);
	assert_int_equal(c.flags, F_ACK | F_FIN);
	assert_int_equal(c.ack, PISN + 6);
	assert_int_equal(c.seq, iss + 1);
	assert_int_equal(app.closed, 0);
	peer(env, PISN + 6, iss + 2, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, iss + 2, PISN + 7);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_NORMAL);
	ws_test_advance_ms(env, 2 * MSL_MS);
	ws_test_run_timers(env);
	ws_test_assert_no_leak(env);

	/* Consuming only part of it: the rest is lost, so RST. */
	memset(&app, 0, sizeof(app));
	app.consume_max = 2;
	app.close_in_data = true;
	iss = establish(env);
	peer(env, PISN + 1, iss + 1, F_ACK | F_PSH, 65535, "GET /", 5);
	only(env, &c);
	assert_int_equal(c.flags, F_RST | F_ACK);
	assert_int_equal(app.closed_reason, WS_TCP_CLOSED_ABORTED);
	ws_test_assert_no_leak(env);
}


/* ------------------------------------------------------------------ */
/* End to end: two stacks joined by the test, with and without loss.  */

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
	/* Segments now exceed the MTU: IPv4 fragments them (no DF). */
	if (e2e.shrink_mtu != NULL)
		e2e.shrink_mtu->iface.mtu = e2e.mtu;
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
	ws_test_advance_ms(a, 2 * MSL_MS);
	ws_test_run_timers(a);
	assert_int_equal(a->w.stats.tcp.st_time_wait, 0);
	ws_test_assert_no_leak(b);
	assert_int_equal(ws_test_teardown(&bs), 0);
	ws_test_assert_no_leak(a);
}

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
			ws_test_advance_ms(env, rte_rand() % 3000);
			ws_test_run_timers(env);
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

/* ------------------------------------------------------------------ */
/* SYN cookies (RFC 4987).                                             */

static struct ws_tcp_key
peer_key(uint16_t rport)
{
	struct ws_tcp_key k = {
		.raddr = rte_cpu_to_be_32(PEER_IP),
		.laddr = rte_cpu_to_be_32(US_IP),
		.rport = rte_cpu_to_be_16(rport),
		.lport = rte_cpu_to_be_16(LPORT),
	};

	return k;
}

/* The cookie the process's secret gives, recomputed from outside. */
static uint32_t
expected_cookie(struct ws_test_env *env, uint16_t rport, uint32_t irs,
		const struct ws_syncookie_opts *o, uint32_t tsval)
{
	struct ws_syncookie_keys k;
	struct ws_tcp_key key = peer_key(rport);

	ws_syncookie_keys_init(&k, ws_syncookie_secret_shared());
	return ws_syncookie_make(&k, ws_syncookie_counter(
		ws_tcp_now_ms(env->w.tcp)), &key, irs, o, tsval);
}

static unsigned int
tcbs_in_use(struct ws_test_env *env)
{
	unsigned int i, n = 0;

	for (i = 0; i < env->w.tcp->n_tcbs; i++)
		n += env->w.tcp->tcbs[i].in_use;
	return n;
}

/*
 * 'always': the SYN-ACK is exact (Linux's option layout, the cookie as
 * the ISN, the options in TSval's low bits), made of the SYN's own mbuf,
 * and leaves nothing behind; the ACK creates the connection with every
 * option the SYN offered.
 */
static void
test_syncookie_always_synack_exact(void **state)
{
	struct ws_test_env *env = *state;
	/* MSS 1460, SACK-permitted, TS 0x11223344/0, NOP, WS 7. */
	static const uint8_t opts[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,
		0, 0, 0, 0, 1, 3, 3, 7 };
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 64240, .opts = opts, .olen = sizeof(opts),
	};
	struct ws_syncookie_opts o = {
		.mss = 1460, .wscale = 7, .has_ws = true, .sack_ok = true,
		.has_ts = true,
	};
	uint8_t expect[14 + 20 + 40], tcp[40], ack_opts[12];
	struct ws_tcp_conn *c;
	struct cseg cs;
	uint32_t iss, tsval;
	size_t n;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	ws_test_advance_ms(env, 5000);
	env->w.ip_id = 0x4242;
	send_seg(env, &s);
	assert_int_equal(ncap(env), 1);
	cap(env, 0, &cs);
	iss = cs.seq;
	tsval = cs.o.tsval;
	assert_int_equal(tsval & WS_SYNCOOKIE_TS_MASK, (1u << 4) | 7);
	assert_int_equal(iss, expected_cookie(env, PPORT, PISN, &o, tsval));

	memset(tcp, 0, sizeof(tcp));
	tcp[0] = LPORT >> 8; tcp[1] = LPORT & 0xff;
	tcp[2] = PPORT >> 8; tcp[3] = PPORT & 0xff;
	tcp[4] = iss >> 24; tcp[5] = iss >> 16; tcp[6] = iss >> 8; tcp[7] = iss;
	tcp[8] = 0; tcp[9] = 0; tcp[10] = (PISN + 1) >> 8;
	tcp[11] = (PISN + 1) & 0xff;
	tcp[12] = 10 << 4;
	tcp[13] = F_SYN | F_ACK;
	tcp[14] = 0xff; tcp[15] = 0xff;
	{
		const uint8_t so[] = {
			2, 4, 0x05, 0xb4, 4, 2,
			8, 10, tsval >> 24, tsval >> 16, tsval >> 8, tsval,
			0x11, 0x22, 0x33, 0x44, 1, 3, 3, 3 };
		memcpy(tcp + 20, so, sizeof(so));
	}
	{
		uint16_t ck = tcp_cksum(US_IP, PEER_IP, tcp, 40);

		tcp[16] = ck >> 8;
		tcp[17] = ck & 0xff;
	}
	n = ws_test_ipv4_frame(expect, US_IP, PEER_IP, IPPROTO_TCP, 0x4242, 0,
		tcp, 40);
	ws_test_eth(expect, &ws_test_peer_mac, &ws_test_mac,
		RTE_ETHER_TYPE_IPV4);
	ws_test_assert_frame(env, 0, expect, n);
	ws_test_clear_captured(env);

	/* Stateless: no TCB, no half-open count, and the SYN's mbuf reused. */
	assert_null(lookup(env, LPORT, PPORT));
	assert_int_equal(tcbs_in_use(env), 0);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(st(env)->synack_tx, 0);
	assert_int_equal(st(env)->cookie_synack_tx, 1);
	assert_int_equal(st(env)->cookie_synack_copied, 0);

	/* The ACK, 10 ms later. */
	ws_test_advance_ms(env, 10);
	ts_opt(ack_opts, 0x11223345, tsval);
	s.opts = ack_opts;
	s.olen = sizeof(ack_opts);
	s.seq = PISN + 1;
	s.ack = iss + 1;
	s.flags = F_ACK;
	s.wnd = 100;
	send_seg(env, &s);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 1);
	assert_int_equal(st(env)->passive_opens, 1);
	assert_int_equal(app.accepted, 1);
	c = app.conn;
	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_ESTABLISHED);
	assert_int_equal(st(env)->st_established, 1);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_true(c->ts_ok && c->ws_ok && c->sack_ok);
	assert_int_equal(c->snd_shift, 7);
	assert_int_equal(c->rcv_shift, 3);
	assert_int_equal(c->mss, 1448);
	/* The window of the ACK is scaled by the recovered shift. */
	assert_int_equal(c->snd_wnd, 100 << 7);
	assert_int_equal(c->ts_recent, 0x11223345);
	assert_int_equal(c->snd_una, iss + 1);
	assert_int_equal(c->rcv_nxt, PISN + 1);

	/* Our TSvals go on from the SYN-ACK's and never go back. */
	ws_tcp_send(c, "x", 1);
	only(env, &cs);
	assert_int_equal(cs.seq, iss + 1);
	assert_int_equal(cs.wnd, 262144 >> 3);
	assert_true(cs.o.present & WS_TCP_OPT_HAS_TS);
	assert_true((int32_t)(cs.o.tsval - tsval) >= 10);
	assert_true(cs.o.tsval - tsval < 10 + 32);
	finish(env);
}

/* Without timestamps, window scale and SACK are neither offered nor kept. */
static void
test_syncookie_without_timestamps(void **state)
{
	struct ws_test_env *env = *state;
	/* MSS 1450, NOP, WS 7, NOP, NOP, SACK-permitted. */
	static const uint8_t opts[] = { 2, 4, 0x05, 0xaa, 1, 3, 3, 7,
		1, 1, 4, 2 };
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 1000, .opts = opts, .olen = sizeof(opts),
	};
	struct cseg cs;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	send_seg(env, &s);
	only(env, &cs);
	assert_int_equal(cs.flags, F_SYN | F_ACK);
	/* Only our MSS. */
	assert_int_equal(cs.olen, 4);
	assert_int_equal(cs.o.present, WS_TCP_OPT_HAS_MSS);
	assert_int_equal(cs.o.mss, 1460);
	peer(env, PISN + 1, cs.seq + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(app.accepted, 1);
	assert_false(app.conn->ts_ok || app.conn->ws_ok || app.conn->sack_ok);
	/* 1450 rounds down to the table's 1440; the window is unscaled. */
	assert_int_equal(app.conn->peer_mss, 1440);
	assert_int_equal(app.conn->mss, 1440);
	assert_int_equal(app.conn->snd_wnd, 1000);
	ws_tcp_send(app.conn, "y", 1);
	only(env, &cs);
	assert_int_equal(cs.olen, 0);
	assert_int_equal(cs.wnd, 65535);
	finish(env);
}

/* Data and FIN riding on the cookie ACK take the ordinary path. */
static void
test_syncookie_ack_with_data_and_fin(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg cs;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	peer(env, PISN, 0, F_SYN, 1000, NULL, 0);
	only(env, &cs);
	peer(env, PISN + 1, cs.seq + 1, F_ACK | F_PSH | F_FIN, 1000,
		"GET /", 5);
	assert_int_equal(app.accepted, 1);
	assert_int_equal(app.rx_len, 5);
	assert_memory_equal(app.rx, "GET /", 5);
	assert_int_equal(app.peer_closed, 1);
	assert_int_equal(app.conn->state, WS_TCP_CLOSE_WAIT);
	expect_ack(env, cs.seq + 1, PISN + 1 + 5 + 1);
	finish(env);
}

/* A bad cookie is counted by reason and gets a RST, or silence. */
static void
test_syncookie_bad_ack(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg cs;
	uint32_t cookie, now;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	peer(env, PISN, 0, F_SYN, 1000, NULL, 0);
	only(env, &cs);
	cookie = cs.seq;
	now = ws_syncookie_counter(ws_tcp_now_ms(env->w.tcp));

	/* A flipped MAC bit: bad hash, <SEQ=SEG.ACK><CTL=RST>. */
	peer(env, PISN + 1, (cookie ^ 1) + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST);
	assert_int_equal(cs.seq, (cookie ^ 1) + 1);
	assert_int_equal(st(env)->cookie_bad_hash, 1);
	/* Another peer ISN: bad hash. */
	peer(env, PISN + 2, cookie + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(st(env)->cookie_bad_hash, 2);
	/* A counter two periods old. */
	peer(env, PISN + 1, ((cookie & 0x3fffffff) |
		((now - 2) & 3) << 30) + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(st(env)->cookie_too_old, 1);
	/* MSS index 7. */
	peer(env, PISN + 1, ((cookie & ~(7u << 27)) | 7u << 27) + 1, F_ACK,
		1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(st(env)->cookie_bad_index, 1);

	/* 'drop': the same, counted, in silence. */
	env->w.tcp->cfg.syncookie_bad_ack = WS_BAD_COOKIE_DROP;
	peer(env, PISN + 1, (cookie ^ 1) + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->cookie_bad_hash, 3);
	assert_int_equal(st(env)->cookie_validated, 0);
	assert_int_equal(tcbs_in_use(env), 0);
	/* The right one still works. */
	peer(env, PISN + 1, cookie + 1, F_ACK, 1000, NULL, 0);
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 1);
	finish(env);
}

/* A cookie lives through its own period and the next, not longer. */
static void
test_syncookie_ageing(void **state)
{
	struct ws_test_env *env = *state;
	uint64_t period_ms = WS_SYNCOOKIE_PERIOD_S * 1000ull, now_ms;
	struct cseg cs;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	/* Start of a period. */
	now_ms = ws_tcp_now_ms(env->w.tcp);
	ws_test_advance_ms(env, period_ms - now_ms % period_ms);
	peer(env, PISN, 0, F_SYN, 1000, NULL, 0);
	only(env, &cs);
	/* End of the next period: still good. */
	ws_test_advance_ms(env, 2 * period_ms - 1);
	peer(env, PISN + 1, cs.seq + 1, F_ACK, 1000, NULL, 0);
	assert_int_equal(st(env)->cookie_validated, 1);
	ws_tcp_abort(app.conn);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST | F_ACK);

	peer(env, PISN, 0, F_SYN, 1000, NULL, 0);
	only(env, &cs);
	ws_test_advance_ms(env, 2 * period_ms);
	peer(env, PISN + 1, cs.seq + 1, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST);
	assert_int_equal(st(env)->cookie_too_old, 1);
	assert_int_equal(st(env)->cookie_validated, 1);
	finish(env);
}

/*
 * A SYN whose mbuf is not ours alone (a capture holds it too) cannot
 * become the SYN-ACK: a copy goes out and the SYN stays intact. With no
 * mbuf to copy into, nothing goes out and nothing leaks.
 */
static void
test_syncookie_shared_syn_copied(void **state)
{
	struct ws_test_env *env = *state;
	static uint8_t frame[256], tcp[64];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = 1000,
	};
	struct rte_mbuf *m, *hog[4096];
	unsigned int n_hog = 0;
	struct cseg cs;
	size_t n;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	n = build_tcp(tcp, PEER_IP, US_IP, &p);
	n = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_TCP, 0x99, 0,
		tcp, n);
	m = ws_test_mbuf(env, frame, n);
	rte_mbuf_refcnt_update(m, 1);
	ws_test_input_mbuf(env, m);
	ws_tcp_flush(&env->w);
	only(env, &cs);
	assert_int_equal(cs.flags, F_SYN | F_ACK);
	assert_int_equal(cs.ack, PISN + 1);
	assert_int_equal(st(env)->cookie_synack_copied, 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), n);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), frame, n);

	while (n_hog < RTE_DIM(hog) &&
			(hog[n_hog] = rte_pktmbuf_alloc(env->w.pool)) != NULL)
		n_hog++;
	rte_mbuf_refcnt_update(m, 1);
	ws_test_input_mbuf(env, m);
	ws_tcp_flush(&env->w);
	expect_none(env);
	assert_int_equal(st(env)->cookie_synack_copied, 2);
	assert_int_equal(st(env)->drop_nombuf, 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	while (n_hog > 0)
		rte_pktmbuf_free(hog[--n_hog]);
	rte_pktmbuf_free(m);
	assert_int_equal(tcbs_in_use(env), 0);
	finish(env);
}

/*
 * 'auto': stateful until the listener's half-open queue is full, then
 * cookies (stateless) until it has drained to half; ACKs of either kind
 * complete.
 */
static void
test_syncookie_auto_mode(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss[6];
	struct cseg cs;
	unsigned int i;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_AUTO;
	env->w.tcp->cfg.max_connections = 8;
	/* backlog 4: four stateful SYN-ACKs, then cookies. */
	for (i = 0; i < 6; i++) {
		struct pseg p = {
			.sport = (uint16_t)(PPORT + i), .dport = LPORT,
			.seq = PISN, .flags = F_SYN, .wnd = 1000,
		};

		send_seg(env, &p);
		only(env, &cs);
		iss[i] = cs.seq;
	}
	assert_int_equal(st(env)->synack_tx, 4);
	assert_int_equal(st(env)->cookie_synack_tx, 2);
	assert_int_equal(st(env)->cookie_mode_on, 1);
	assert_int_equal(st(env)->st_syn_received, 4);
	assert_int_equal(tcbs_in_use(env), 4);
	assert_true(env->w.tcp->listeners[0].cookie_mode);

	/* A cookie ACK completes without a half-open entry. */
	for (i = 4; i < 6; i++) {
		struct pseg p = {
			.sport = (uint16_t)(PPORT + i), .dport = LPORT,
			.seq = PISN + 1, .ack = iss[i] + 1, .flags = F_ACK,
			.wnd = 1000,
		};

		send_seg(env, &p);
	}
	expect_none(env);
	assert_int_equal(st(env)->cookie_validated, 2);
	assert_int_equal(st(env)->st_established, 2);
	assert_int_equal(st(env)->st_syn_received, 4);
	/* Two of the four half-open complete: drained to half, mode ends. */
	for (i = 0; i < 2; i++) {
		struct pseg p = {
			.sport = (uint16_t)(PPORT + i), .dport = LPORT,
			.seq = PISN + 1, .ack = iss[i] + 1, .flags = F_ACK,
			.wnd = 1000,
		};

		send_seg(env, &p);
		assert_int_equal(env->w.tcp->listeners[0].cookie_mode, i == 0);
	}
	assert_int_equal(st(env)->cookie_mode_off, 1);
	assert_int_equal(st(env)->st_syn_received, 2);
	assert_int_equal(st(env)->passive_opens, 4);
	/* Stateful again. */
	{
		struct pseg p = {
			.sport = PPORT + 10, .dport = LPORT, .seq = PISN,
			.flags = F_SYN, .wnd = 1000,
		};

		send_seg(env, &p);
		only(env, &cs);
	}
	assert_int_equal(st(env)->synack_tx, 5);
	assert_int_equal(st(env)->st_syn_received, 3);
	ws_tcp_fini(&env->w);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
}

/*
 * 'auto' with no cookie sent lately: a stray ACK to a listener is what
 * it always was (RST) and costs no hash.
 */
static void
test_syncookie_auto_stray_ack(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg cs;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_AUTO;
	peer(env, PISN, 12345, F_ACK, 1000, NULL, 0);
	only(env, &cs);
	assert_int_equal(cs.flags, F_RST);
	assert_int_equal(cs.seq, 12345);
	assert_int_equal(st(env)->drop_listen_ack, 1);
	assert_int_equal(st(env)->cookie_ack_unchecked, 1);
	assert_int_equal(st(env)->cookie_bad_hash + st(env)->cookie_too_old +
		st(env)->cookie_bad_index, 0);
	finish(env);
}

/*
 * A table full of established connections: a SYN still gets a cookie
 * (without switching the listener), but its ACK finds no TCB: counted,
 * silent, and the peer's next segment may succeed once there is room.
 */
static void
test_syncookie_accept_overflow(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *conns[8];
	struct cseg cs;
	unsigned int i;
	uint32_t cookie;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_AUTO;
	env->w.tcp->cfg.backlog = 100;
	for (i = 0; i < 8; i++) {
		struct pseg p = {
			.sport = (uint16_t)(PPORT + i), .dport = LPORT,
			.seq = PISN, .flags = F_SYN, .wnd = 1000,
		};

		send_seg(env, &p);
		only(env, &cs);
		p.seq = PISN + 1;
		p.ack = cs.seq + 1;
		p.flags = F_ACK;
		send_seg(env, &p);
		conns[i] = app.conn;
	}
	assert_int_equal(st(env)->st_established, 8);
	{
		struct pseg p = {
			.sport = PPORT + 20, .dport = LPORT, .seq = PISN,
			.flags = F_SYN, .wnd = 1000,
		};

		send_seg(env, &p);
		only(env, &cs);
		cookie = cs.seq;
		assert_int_equal(st(env)->cookie_synack_tx, 1);
		assert_int_equal(st(env)->cookie_mode_on, 0);
		assert_int_equal(st(env)->drop_table_full, 0);
		p.seq = PISN + 1;
		p.ack = cookie + 1;
		p.flags = F_ACK;
		send_seg(env, &p);
		expect_none(env);
		assert_int_equal(st(env)->accept_overflow, 1);
		/* Room again: the peer's retransmission gets in. */
		ws_tcp_abort(conns[0]);
		only(env, &cs);
		assert_int_equal(cs.flags, F_RST | F_ACK);
		send_seg(env, &p);
		expect_none(env);
		assert_int_equal(st(env)->cookie_validated, 1);
		assert_int_equal(st(env)->st_established, 8);
	}
	for (i = 1; i < 8; i++)
		ws_tcp_abort(conns[i]);
	finish(env);
}

/*
 * 'off': the per-worker half-open bound holds across listeners, and
 * SYN-ACKs are retransmitted synack_retries times before giving up.
 */
static void
test_half_open_bounds_and_synack_retries(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int i;

	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_OFF;
	env->w.tcp->cfg.half_open_max = 3;
	env->w.tcp->cfg.synack_retries = 2;
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT + 1, &app_ops,
		&app), 0);
	for (i = 0; i < 4; i++) {
		struct pseg p = {
			.sport = (uint16_t)(PPORT + i),
			.dport = (uint16_t)(LPORT + (i & 1)), .seq = PISN,
			.flags = F_SYN, .wnd = 1000,
		};

		send_seg(env, &p);
	}
	assert_int_equal(ncap(env), 3);
	assert_int_equal(st(env)->drop_half_open, 1);
	assert_int_equal(st(env)->drop_backlog, 0);
	assert_int_equal(st(env)->st_syn_received, 3);
	ws_test_clear_captured(env);
	/* 1 s, 2 s: two retransmissions each; at 4 s they are dropped. */
	ws_test_advance_ms(env, RTO_MS);
	ws_test_run_timers(env);
	assert_int_equal(ncap(env), 3);
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, 2 * RTO_MS);
	ws_test_run_timers(env);
	assert_int_equal(ncap(env), 3);
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, 4 * RTO_MS);
	ws_test_run_timers(env);
	expect_none(env);
	assert_int_equal(st(env)->synack_retransmits, 6);
	assert_int_equal(st(env)->st_syn_received, 0);
	assert_int_equal(env->w.tcp->half_open, 0);
	assert_int_equal(env->w.tcp->listeners[0].pending, 0);
	finish(env);
}

#define TCP_TEST(fn) cmocka_unit_test_setup_teardown(fn, tcp_setup, \
	tcp_teardown)

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_state_names),
	TCP_TEST(test_must14_passive_open_synack_exact),
	TCP_TEST(test_must8_must9_isn),
	TCP_TEST(test_passive_open_data_both_ways),
	TCP_TEST(test_listener_table_full_and_last_found),
	TCP_TEST(test_must40_delayed_ack_timing),
	TCP_TEST(test_shld19_ack_every_second_segment),
	TCP_TEST(test_held_data_and_window),
	TCP_TEST(test_active_open),
	TCP_TEST(test_must10_simultaneous_open),
	TCP_TEST(test_syn_sent_rst_refused),
	TCP_TEST(test_must22_syn_retries),
	TCP_TEST(test_rfc6298_5_7_lost_syn),
	TCP_TEST(test_must12_passive_close),
	TCP_TEST(test_must13_active_close_time_wait),
	TCP_TEST(test_simultaneous_close_closing),
	TCP_TEST(test_fin_after_data),
	TCP_TEST(test_shld3_data_after_close_rst),
	TCP_TEST(test_close_and_abort_inside_callback),
	TCP_TEST(test_idle_timeout),
	TCP_TEST(test_idle_timeout_default_close),
	TCP_TEST(test_idle_timeout_close_abort_in_callback),
	TCP_TEST(test_idle_timeout_freed_armed),
	TCP_TEST(test_rst_closed_port_exact),
	TCP_TEST(test_listen_rst_ack_other),
	TCP_TEST(test_rfc5961_rst_in_established),
	TCP_TEST(test_must11_rst_in_syn_received),
	TCP_TEST(test_rst_in_other_states),
	TCP_TEST(test_rfc5961_syn_challenge_rate_limit),
	TCP_TEST(test_acceptability_and_ack_range),
	TCP_TEST(test_rfc7323_paws),
	TCP_TEST(test_shld4_time_wait_reuse),
	TCP_TEST(test_must7_option_edges),
	TCP_TEST(test_must3_bad_checksum),
	TCP_TEST(test_must18_rto_backoff),
	TCP_TEST(test_must20_r2_timeout),
	TCP_TEST(test_pure_ack_after_rto_uses_snd_max),
	TCP_TEST(test_must36_zero_window_probe),
	TCP_TEST(test_must20_r2_counts_from_first_timeout),
	TCP_TEST(test_rfc5681_fast_retransmit),
	TCP_TEST(test_shld31_out_of_order_fill),
	TCP_TEST(test_ooo_bounded),
	TCP_TEST(test_ooo_bounded_per_worker),
	TCP_TEST(test_must17_nagle),
	TCP_TEST(test_send_buffer_full_writable),
	TCP_TEST(test_table_full),
	TCP_TEST(test_backlog),
	TCP_TEST(test_syncookie_always_synack_exact),
	TCP_TEST(test_syncookie_without_timestamps),
	TCP_TEST(test_syncookie_ack_with_data_and_fin),
	TCP_TEST(test_syncookie_bad_ack),
	TCP_TEST(test_syncookie_shared_syn_copied),
	TCP_TEST(test_syncookie_ageing),
	TCP_TEST(test_syncookie_auto_mode),
	TCP_TEST(test_syncookie_auto_stray_ack),
	TCP_TEST(test_syncookie_accept_overflow),
	TCP_TEST(test_half_open_bounds_and_synack_retries),
	TCP_TEST(test_mempool_empty),
	TCP_TEST(test_fini_stopped),
	TCP_TEST(test_must24_keepalive),
	TCP_TEST(test_must59_one_ack_per_burst),
	TCP_TEST(test_rfc7323_window_scaling),
	TCP_TEST(test_send_mbuf),
	TCP_TEST(test_chained_segment_from_fragments),
	TCP_TEST(test_must2_checksum_offload),
	TCP_TEST(test_rfc2018_sack_blocks),
	TCP_TEST(test_rfc6298_rtt_from_timestamps),
	TCP_TEST(test_must54_icmp_errors),
	TCP_TEST(test_time_wait_recycled_when_full),
	TCP_TEST(test_close_inside_data_sends_fin),
	TCP_TEST(test_e2e_bulk_transfer),
	TCP_TEST(test_e2e_lossy_transfer),
	TCP_TEST(test_e2e_lossy_transfer_mbufs),
	TCP_TEST(test_e2e_fragmented_segments),
	TCP_TEST(test_random_segments),
	TCP_TEST(test_tiny_segments_coalesced),
};

WS_TEST_MAIN(tests)
