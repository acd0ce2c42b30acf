/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <string.h>
#include <netinet/in.h>

#include "tcp_harness.h"

struct app app;

void
app_reset(void)
{
	memset(&app, 0, sizeof(app));
	app.consume_max = UINT32_MAX;
}

void
expect_closed(enum ws_tcp_close_reason why)
{
	assert_int_equal(app.closed, 1);
	assert_int_equal(app.closed_reason, why);
}

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

const struct ws_tcp_ops app_ops = {
	.accepted = app_accepted,
	.connected = app_connected,
	.data = app_data,
	.writable = app_writable,
	.peer_closed = app_peer_closed,
	.closed = app_closed,
	.idle = app_idle,
};

/* The same without 'idle'. */
const struct ws_tcp_ops app_ops_no_idle = {
	.accepted = app_accepted,
	.connected = app_connected,
	.data = app_data,
	.writable = app_writable,
	.peer_closed = app_peer_closed,
	.closed = app_closed,
};

void
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
	/* Fixed buffers (window scale 3): test_tcp_autotune.c grows them. */
	t->rcvbuf_max = t->rcvbuf;
	t->sndbuf_max = t->sndbuf;
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
	t->challenge_ack_interval_ms = CHACK_INTERVAL_MS;
	t->orphan_retries = ORPHAN_RETRIES;
	t->orphans_max = 4;
	t->backlog = 4;
	t->half_open_max = 64;
	t->timestamps = true;
	t->window_scaling = true;
	t->sack = true;
	t->nodelay = false;
	/* The existing tests' windows are NewReno's; test_tcp_cc picks. */
	t->congestion = WS_TCP_CONGESTION_NEWRENO;
	t->pacing = false;
}

int
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
	app_reset();
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT, &app_ops, &app),
		0);
	return 0;
}

int
tcp_teardown(void **state)
{
	return ws_test_teardown(state);
}

void
elapse(struct ws_test_env *env, uint64_t ms)
{
	ws_test_advance_ms(env, ms);
	ws_test_run_timers(env);
}

void
quiet_until(struct ws_test_env *env, uint64_t ms)
{
	elapse(env, ms - 1);
	expect_none(env);
	elapse(env, 1);
}

uint16_t
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

size_t
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

struct rte_mbuf *
seg_mbuf(struct ws_test_env *env, const struct pseg *s)
{
	static uint8_t frame[70000], tcp[70000];
	size_t n = build_tcp(tcp, PEER_IP, US_IP, s);

	n = ws_test_ipv4_frame(frame, PEER_IP, US_IP, IPPROTO_TCP, 0x99, 0,
		tcp, n);
	return ws_test_mbuf(env, frame, n);
}

void
send_seg(struct ws_test_env *env, const struct pseg *s)
{
	ws_test_input_mbuf(env, seg_mbuf(env, s));
	/* The end of the burst (the worker does this once per burst). */
	ws_tcp_flush(&env->w);
}

void
peer(struct ws_test_env *env, uint32_t seq, uint32_t ack, uint8_t flags,
		uint16_t wnd, const void *data, unsigned int dlen)
{
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = seq, .ack = ack,
		.flags = flags, .wnd = wnd, .data = data, .dlen = dlen,
	};

	send_seg(env, &s);
}

void
ts_opt(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
	o[4] = tsval >> 24; o[5] = tsval >> 16; o[6] = tsval >> 8;
	o[7] = tsval;
	o[8] = tsecr >> 24; o[9] = tsecr >> 16; o[10] = tsecr >> 8;
	o[11] = tsecr;
}

static const uint8_t full_syn_opts[] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,
	0, 0, 0, 0, 1, 3, 3, 7 };

const struct pseg full_syn = {
	.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
	.wnd = 64240, .opts = full_syn_opts, .olen = sizeof(full_syn_opts),
};

/* The worker loop flushes what API calls queued after its timers. */
unsigned int
ncap(struct ws_test_env *env)
{
	ws_tx_flush(&env->w);
	return env->n_captured;
}

void
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
	c->ip_id = ip[4] << 8 | ip[5];
	c->ip_frag = ip[6] << 8 | ip[7];
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

void
only(struct ws_test_env *env, struct cseg *c)
{
	assert_int_equal(ncap(env), 1);
	cap(env, 0, c);
	ws_test_clear_captured(env);
}

void
expect_none(struct ws_test_env *env)
{
	assert_int_equal(ncap(env), 0);
}

void
expect_ack(struct ws_test_env *env, uint32_t seq, uint32_t ack)
{
	struct cseg c;

	only(env, &c);
	assert_int_equal(c.flags, F_ACK);
	assert_int_equal(c.seq, seq);
	assert_int_equal(c.ack, ack);
	assert_int_equal(c.dlen, 0);
}

void
expect_tcp_frame(struct ws_test_env *env, unsigned int i, uint8_t *tcp,
		size_t len, uint16_t ip_id)
{
	static uint8_t expect[16384];
	uint16_t ck;
	size_t n;

	ck = tcp_cksum(US_IP, PEER_IP, tcp, len);
	tcp[16] = ck >> 8;
	tcp[17] = ck & 0xff;
	n = ws_test_ipv4_frame(expect, US_IP, PEER_IP, IPPROTO_TCP, ip_id,
		RTE_IPV4_HDR_DF_FLAG, tcp, len);
	ws_test_eth(expect, &ws_test_peer_mac, &ws_test_mac,
		RTE_ETHER_TYPE_IPV4);
	ws_test_assert_frame(env, i, expect, n);
}

void
expect_full_synack_frame(struct ws_test_env *env, unsigned int i,
		uint32_t iss, uint32_t tsval, uint16_t ip_id)
{
	uint8_t tcp[40];
	const uint8_t o[] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2,				/* SACK-perm */
		8, 10, tsval >> 24, tsval >> 16, tsval >> 8, tsval,
		0x11, 0x22, 0x33, 0x44,		/* TSecr */
		1, 3, 3, 3 };			/* WS 3 */

	memset(tcp, 0, sizeof(tcp));
	tcp[0] = LPORT >> 8; tcp[1] = LPORT & 0xff;
	tcp[2] = PPORT >> 8; tcp[3] = PPORT & 0xff;
	tcp[4] = iss >> 24; tcp[5] = iss >> 16; tcp[6] = iss >> 8; tcp[7] = iss;
	tcp[8] = 0; tcp[9] = 0; tcp[10] = (PISN + 1) >> 8;
	tcp[11] = (PISN + 1) & 0xff;
	tcp[12] = 10 << 4;
	tcp[13] = F_SYN | F_ACK;
	tcp[14] = 0xff; tcp[15] = 0xff;		/* unscaled in a SYN */
	memcpy(tcp + 20, o, sizeof(o));
	expect_tcp_frame(env, i, tcp, sizeof(tcp), ip_id);
}

struct ws_tcp_key
tcp_key(uint16_t lport, uint16_t rport)
{
	struct ws_tcp_key k = {
		.raddr = rte_cpu_to_be_32(PEER_IP),
		.laddr = rte_cpu_to_be_32(US_IP),
		.rport = rte_cpu_to_be_16(rport),
		.lport = rte_cpu_to_be_16(lport),
	};

	return k;
}

struct ws_tcp_conn *
lookup(struct ws_test_env *env, uint16_t lport, uint16_t rport)
{
	struct ws_tcp_key k = tcp_key(lport, rport);

	return ws_tcp_lookup(env->w.tcp, &k);
}

void
send_syn(struct ws_test_env *env, const uint8_t *opts, unsigned int olen,
		uint16_t wnd, struct cseg *reply)
{
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = wnd, .opts = opts, .olen = olen,
	};

	send_seg(env, &s);
	only(env, reply);
}

uint32_t
syn_from(struct ws_test_env *env, uint16_t sport, uint16_t wnd)
{
	struct pseg p = {
		.sport = sport, .dport = LPORT, .seq = PISN, .flags = F_SYN,
		.wnd = wnd,
	};
	struct cseg c;

	send_seg(env, &p);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.ack, PISN + 1);
	return c.seq;
}

struct ws_tcp_conn *
connect_peer(struct ws_test_env *env, struct cseg *syn)
{
	struct ws_tcp_conn *c = ws_tcp_connect(&env->w,
		rte_cpu_to_be_32(PEER_IP), PPORT, &app_ops, NULL);

	assert_non_null(c);
	assert_int_equal(c->state, WS_TCP_SYN_SENT);
	only(env, syn);
	assert_int_equal(syn->flags, F_SYN);
	return c;
}

void
ack_from(struct ws_test_env *env, uint16_t sport, uint32_t iss, uint16_t wnd)
{
	struct pseg p = {
		.sport = sport, .dport = LPORT, .seq = PISN + 1, .ack = iss + 1,
		.flags = F_ACK, .wnd = wnd,
	};

	send_seg(env, &p);
}

void
seg_from(struct ws_test_env *env, uint16_t sport, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t wnd)
{
	struct pseg p = {
		.sport = sport, .dport = LPORT, .seq = seq, .ack = ack,
		.flags = flags, .wnd = wnd,
	};

	send_seg(env, &p);
}

uint32_t
establish(struct ws_test_env *env)
{
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	struct cseg c;

	send_syn(env, mss1460, sizeof(mss1460), 65535, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	assert_int_equal(c.ack, PISN + 1);
	peer(env, PISN + 1, c.seq + 1, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_int_equal(app.accepted, 1);
	assert_non_null(app.conn);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	return c.seq;
}

void
finish(struct ws_test_env *env)
{
	if (app.conn != NULL)
		ws_tcp_abort(app.conn);
	ws_test_clear_captured(env);
	elapse(env, 10 * MSL_MS);
	ws_test_clear_captured(env);
	assert_int_equal(env->w.tcp->free_tcbs != NULL, 1);
	ws_test_assert_no_leak(env);
}

void
peer_fin_closes(struct ws_test_env *env, uint32_t seq, uint32_t ack)
{
	peer(env, seq, ack, F_ACK | F_FIN, 65535, NULL, 0);
	expect_ack(env, ack, seq + 1);
	expect_closed(WS_TCP_CLOSED_NORMAL);
	elapse(env, 2 * MSL_MS);
	ws_test_assert_no_leak(env);
}
