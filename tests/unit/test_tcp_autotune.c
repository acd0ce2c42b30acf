/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Buffer autotuning (ws_tcp_autotune.c), seen from the wire: the window
 * we advertise to a peer that sends in slow start, round trip by round
 * trip, as the application reads or does not, with the receive pool
 * free or nearly spent; the window scale our SYN-ACK and SYN offer; the
 * send buffer as the congestion window opens, within the worker's
 * send budget.
 */

#include "tcp_harness.h"

#define RTT_MS		10
#define SEG		1448		/* MSS 1460 less the timestamps */
#define RCVBUF		32768		/* no window scale needed for it */
#define RCVBUF_MAX	(1u << 20)	/* window scale 5 */
#define SHIFT_MAX	5

/* ------------------------------------------------------------------ */
/* An application that reads everything, or nothing; and that writes.  */

static struct rd {
	struct ws_tcp_conn *conn;
	bool reading;
	uint64_t got;
	uint64_t to_send, sent;		/* bytes the writer still writes */
	unsigned int closed;
} rd;

static int
rd_accepted(struct ws_tcp_conn *c, void *arg)
{
	(void)arg;
	rd.conn = c;
	return 0;
}

static uint32_t
rd_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	(void)c;
	(void)m;
	(void)off;
	if (!rd.reading)
		return 0;
	rd.got += len;
	return len;
}

static void
rd_push(struct ws_tcp_conn *c)
{
	static uint8_t buf[16384];
	uint32_t n;
	int ret;

	while (rd.sent < rd.to_send) {
		n = (uint32_t)RTE_MIN((uint64_t)sizeof(buf),
			rd.to_send - rd.sent);
		ret = ws_tcp_send(c, buf, n);
		assert_true(ret >= 0);
		rd.sent += (uint32_t)ret;
		if ((uint32_t)ret < n)
			return;
	}
}

static void
rd_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	(void)why;
	rd.closed++;
	rd.conn = NULL;
}

static const struct ws_tcp_ops rd_ops = {
	.accepted = rd_accepted,
	.data = rd_data,
	.writable = rd_push,
	.closed = rd_closed,
};

/*
 * The TCP test settings with these buffers (0: as tcp_configure has
 * them), listening on LPORT with rd_ops.
 */
static void
configure(struct ws_test_env *env, uint32_t rcvbuf, uint32_t rcvbuf_max,
		uint32_t sndbuf, uint32_t sndbuf_max, uint32_t sb_mbufs)
{
	struct ws_tcp_config *t = &env->cfg.tcp;

	tcp_configure(env);
	if (rcvbuf != 0)
		t->rcvbuf = rcvbuf;
	t->rcvbuf_max = rcvbuf_max != 0 ? rcvbuf_max : t->rcvbuf;
	if (sndbuf != 0)
		t->sndbuf = sndbuf;
	t->sndbuf_max = sndbuf_max != 0 ? sndbuf_max : t->sndbuf;
	t->sndbuf_worker_mbufs = sb_mbufs;
	ws_test_env_reinit(env);
	ws_test_learn_peer(env);
	memset(&rd, 0, sizeof(rd));
	rd.reading = true;
	assert_int_equal(ws_tcp_listen_worker(&env->w, LPORT, &rd_ops, NULL),
		0);
}

static int
setup(void **state)
{
	int ret = ws_test_setup(state);

	if (ret == 0)
		configure(*state, RCVBUF, RCVBUF_MAX, 0, 0, 0);
	return ret;
}

static int
teardown(void **state)
{
	return ws_test_teardown(state);
}

#define AT_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* Abort what is left; nothing may leak. */
static void
done(struct ws_test_env *env)
{
	if (rd.conn != NULL)
		ws_tcp_abort(rd.conn);
	ws_test_clear_captured(env);
	elapse(env, 10 * MSL_MS);
	ws_test_clear_captured(env);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* The peer: a bulk sender in slow start, or the receiver of our data. */

static struct peer {
	bool ts;
	uint32_t iss;			/* ours */
	uint32_t seq;			/* its next byte */
	uint32_t tsval, tsecr;		/* its clock, our last TSval */
	/*
	 * The TSecr it sends: our last TSval when the round began (what
	 * our ACKs of this round carry reaches it one RTT later).
	 */
	uint32_t echo;
	uint8_t shift;			/* our window scale, as offered */
	uint32_t edge;			/* the right edge we advertised */
	uint32_t max_wnd;		/* the largest window we advertised */
	uint32_t acks;
	/* Our data segments not yet acknowledged: [una, nxt). */
	uint32_t una, nxt;
} pr;

static void
peer_send(struct ws_test_env *env, uint32_t seq, uint32_t ack,
		uint8_t flags, const void *data, unsigned int dlen)
{
	uint8_t o[12];
	struct pseg s = {
		.sport = PPORT, .dport = LPORT, .seq = seq, .ack = ack,
		.flags = flags, .wnd = 65535, .data = data, .dlen = dlen,
	};

	if (pr.ts) {
		ts_opt(o, pr.tsval, pr.echo);
		s.opts = o;
		s.olen = sizeof(o);
	}
	send_seg(env, &s);
}

/*
 * What we sent since the last look: each ACK's right edge never moves
 * back (RFC 9293 SHLD-14, RFC 7323 2.4) and the window never exceeds
 * rcvbuf_max (less than one unit of scale more, rounding up); data
 * segments are recorded for the peer to acknowledge.
 */
static void
scan(struct ws_test_env *env, uint32_t rcvbuf_max)
{
	unsigned int i, n = ncap(env);
	struct cseg c;
	uint32_t edge, wnd;

	for (i = 0; i < n; i++) {
		cap(env, i, &c);
		assert_true(c.flags & F_ACK);
		wnd = (uint32_t)c.wnd << pr.shift;
		edge = c.ack + wnd;
		assert_true(SEQ_GEQ(edge, pr.edge));
		assert_true((uint64_t)wnd <
			(uint64_t)rcvbuf_max + (1u << pr.shift));
		pr.edge = edge;
		pr.max_wnd = RTE_MAX(pr.max_wnd, wnd);
		pr.acks++;
		if (c.o.present & WS_TCP_OPT_HAS_TS)
			pr.tsecr = c.o.tsval;
		if (c.dlen != 0 && SEQ_GT(c.seq + c.dlen, pr.nxt))
			pr.nxt = c.seq + c.dlen;
	}
	ws_test_clear_captured(env);
}

/*
 * The peer's SYN (Linux's, or without timestamps), our SYN-ACK, its
 * ACK: the connection is ESTABLISHED with rd. Returns the window scale
 * our SYN-ACK offered.
 */
static uint8_t
open_from_peer(struct ws_test_env *env, bool ts)
{
	static const uint8_t no_ts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	struct pseg syn = full_syn;
	struct cseg sa;

	memset(&pr, 0, sizeof(pr));
	pr.ts = ts;
	if (!ts) {
		syn.opts = no_ts;
		syn.olen = sizeof(no_ts);
	}
	send_seg(env, &syn);
	only(env, &sa);
	assert_int_equal(sa.flags, F_SYN | F_ACK);
	assert_true(sa.o.present & WS_TCP_OPT_HAS_WS);
	assert_int_equal(!!(sa.o.present & WS_TCP_OPT_HAS_TS), ts);
	pr.iss = sa.seq;
	pr.una = pr.nxt = sa.seq + 1;
	pr.seq = PISN + 1;
	pr.tsval = 0x11223345;
	pr.tsecr = sa.o.tsval;
	pr.echo = pr.tsecr;
	pr.shift = sa.o.wscale;
	/* A SYN's window is never scaled. */
	pr.edge = pr.seq + sa.wnd;
	/* The SYN-ACK took its time to arrive. */
	elapse(env, RTT_MS);
	pr.tsval += RTT_MS;
	peer_send(env, pr.seq, pr.iss + 1, F_ACK, NULL, 0);
	expect_none(env);
	assert_non_null(rd.conn);
	assert_int_equal(rd.conn->state, WS_TCP_ESTABLISHED);
	return sa.o.wscale;
}

/*
 * 'rounds' round trips of a sender in slow start: a window of 10
 * segments doubling each RTT, never past the right edge we offered.
 * Returns the bytes sent.
 */
static uint64_t
bulk_rounds(struct ws_test_env *env, unsigned int rounds,
		uint32_t rcvbuf_max)
{
	static uint8_t data[SEG];
	uint64_t cwnd = 10 * SEG, total = 0, sent;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		pr.echo = pr.tsecr;
		for (sent = 0; sent + SEG <= cwnd &&
				SEQ_LEQ(pr.seq + SEG, pr.edge); sent += SEG) {
			peer_send(env, pr.seq, pr.iss + 1, F_ACK, data, SEG);
			pr.seq += SEG;
			scan(env, rcvbuf_max);
		}
		total += sent;
		/* The peer's clock and ours move on by one RTT. */
		elapse(env, RTT_MS);
		pr.tsval += RTT_MS;
		scan(env, rcvbuf_max);
		cwnd = RTE_MIN(2 * cwnd, (uint64_t)8 << 20);
	}
	return total;
}

/* ------------------------------------------------------------------ */
/* Receive side.                                                       */

/*
 * An application that reads at once: the buffer grows by what it read
 * per RTT, the window offered grows from rcvbuf (32 KiB) to rcvbuf_max
 * (1 MiB) and never past it, and no right edge ever moves back.
 */
static void
test_rcvbuf_grows_when_the_app_reads(void **state)
{
	struct ws_test_env *env = *state;
	uint64_t sent;

	assert_int_equal(open_from_peer(env, true), SHIFT_MAX);
	sent = bulk_rounds(env, 14, RCVBUF_MAX);
	assert_int_equal(rd.got, sent);
	assert_int_equal(rd.conn->rcvbuf, RCVBUF_MAX);
	assert_true(pr.max_wnd > RCVBUF_MAX - 4 * SEG);
	assert_true(st(env)->rcvbuf_grown >= 2);
	assert_int_equal(st(env)->rcvbuf_pool_limited, 0);
	/* The receiver's RTT: one round, from the echoed timestamps. */
	assert_int_equal(rd.conn->rcv_rtt_us8 >> 3, RTT_MS * 1000);
	print_message("rcvbuf 32768 -> %u in %" PRIu64 " grows, window "
		"%u, %" PRIu64 " bytes\n", rd.conn->rcvbuf,
		st(env)->rcvbuf_grown, pr.max_wnd, sent);
	done(env);
}

/* Without timestamps the RTT is the time a window takes to arrive. */
static void
test_rcvbuf_grows_without_timestamps(void **state)
{
	struct ws_test_env *env = *state;
	uint64_t sent;

	assert_int_equal(open_from_peer(env, false), SHIFT_MAX);
	sent = bulk_rounds(env, 16, RCVBUF_MAX);
	assert_int_equal(rd.got, sent);
	assert_true(rd.conn->rcv_rtt_us8 != 0);
	assert_true(rd.conn->rcvbuf > 4 * RCVBUF);
	assert_true(pr.max_wnd > 4 * RCVBUF);
	assert_true(st(env)->rcvbuf_grown >= 1);
	done(env);
}

/*
 * An application that does not read: nothing grows; the window closes
 * as data is held, its right edge where it was.
 */
static void
test_rcvbuf_does_not_grow_when_the_app_does_not_read(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t edge;

	open_from_peer(env, true);
	edge = pr.edge;
	rd.reading = false;
	bulk_rounds(env, 6, RCVBUF_MAX);
	assert_int_equal(rd.got, 0);
	assert_int_equal(rd.conn->rcvbuf, RCVBUF);
	/*
	 * All it could send is held. The edge stayed put, but for the
	 * rounding up that keeps it from moving back (< 2^shift an ACK).
	 */
	assert_int_equal(rd.conn->rb_len, pr.seq - (PISN + 1));
	assert_true(pr.edge - pr.seq < SEG);
	assert_true(pr.edge - edge < 16u << pr.shift);
	assert_true(pr.max_wnd <= RCVBUF);
	assert_int_equal(st(env)->rcvbuf_grown, 0);
	done(env);
}

/*
 * The receive pool close to its reserve: the buffer stays where it is
 * (the larger window could not be held), counted; once the pool has
 * room again it grows.
 */
static void
test_rcvbuf_stops_growing_under_pool_pressure(void **state)
{
	struct ws_test_env *env = *state;
	uint64_t sent;

	open_from_peer(env, true);
	/* Ten mbufs above the reserve: less than the window already has. */
	env->w.rx_floor = rte_mempool_avail_count(env->pool) - 10;
	sent = bulk_rounds(env, 8, RCVBUF_MAX);
	assert_int_equal(rd.got, sent);
	assert_int_equal(rd.conn->rcvbuf, RCVBUF);
	assert_true(pr.max_wnd <= RCVBUF);
	assert_int_equal(st(env)->rcvbuf_grown, 0);
	assert_true(st(env)->rcvbuf_pool_limited >= 2);
	assert_int_equal(st(env)->drop_rx_reserve, 0);

	env->w.rx_floor = 0;
	bulk_rounds(env, 8, RCVBUF_MAX);
	assert_true(rd.conn->rcvbuf > 4 * RCVBUF);
	assert_true(st(env)->rcvbuf_grown >= 1);
	done(env);
}

/*
 * A receive buffer the application fixed (ws_tcp_conn_opts.rcvbuf on
 * the listener, as SO_RCVBUF before listen) is not autotuned: an
 * application that reads everything at once still gets windows of at
 * most its 100000 bytes, scaled by 1 (chosen for 100000, not for
 * rcvbuf_max's 5), and no growth is counted.
 */
static void
test_fixed_rcvbuf_is_not_autotuned(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn_opts o = { .rcvbuf = 100000 };
	struct ws_tcp_info info;
	uint64_t sent;

	assert_int_equal(ws_tcp_listen_worker_set_opts(&env->w, LPORT, &o),
		0);
	assert_int_equal(open_from_peer(env, true), 1);
	sent = bulk_rounds(env, 14, 100000);
	assert_int_equal(rd.got, sent);
	assert_true(sent > 10 * 100000);
	assert_int_equal(rd.conn->rcvbuf, 100000);
	assert_true(pr.max_wnd > 100000 - 2 * SEG);
	assert_true(pr.max_wnd <= 100000);
	assert_int_equal(st(env)->rcvbuf_grown, 0);
	/* It measured the RTT all the same: only the growth is off. */
	assert_int_equal(rd.conn->rcv_rtt_us8 >> 3, RTT_MS * 1000);
	ws_tcp_get_info(rd.conn, &info);
	assert_int_equal(info.rcvbuf, 100000);
	assert_true(info.rcvbuf_fixed);
	done(env);
}

/*
 * ws_tcp_set_rcvbuf on a buffer autotuning has grown: it shrinks to the
 * size set without ever moving back an edge already offered (scan), the
 * windows after that are within it, and it grows no more.
 */
static void
test_rcvbuf_set_after_growth(void **state)
{
	struct ws_test_env *env = *state;
	uint64_t grown, sent;

	open_from_peer(env, true);
	bulk_rounds(env, 12, RCVBUF_MAX);
	assert_true(rd.conn->rcvbuf > 8 * RCVBUF);
	assert_int_equal(ws_tcp_set_rcvbuf(rd.conn, RCVBUF), 0);
	grown = st(env)->rcvbuf_grown;
	/*
	 * Rounds to use up the edge already offered (a new bulk_rounds
	 * starts the sender at 10 segments again)...
	 */
	bulk_rounds(env, 8, RCVBUF_MAX);
	/* ... then the new size only. */
	pr.max_wnd = 0;
	sent = bulk_rounds(env, 6, RCVBUF_MAX);
	assert_true(sent >= 6 * (RCVBUF - 2 * SEG));
	/* Scaling rounds up to an edge offered: less than 1 << 5 more. */
	assert_true(pr.max_wnd < RCVBUF + (1u << pr.shift));
	assert_true(pr.max_wnd > RCVBUF - 2 * SEG);
	assert_int_equal(rd.conn->rcvbuf, RCVBUF);
	assert_int_equal(st(env)->rcvbuf_grown, grown);
	assert_int_equal(st(env)->drop_unacceptable, 0);
	done(env);
}

/*
 * The window scale of our SYN-ACK and SYN is the one rcvbuf_max needs,
 * not rcvbuf: 5 for 1 MiB, 7 for Linux's 6 MiB, 0 with autotuning off
 * at 32 KiB, 14 at the most.
 */
static void
test_wscale_follows_rcvbuf_max(void **state)
{
	static const struct {
		uint32_t rcvbuf, rcvbuf_max;
		uint8_t shift;
	} cases[] = {
		{ RCVBUF, RCVBUF_MAX, 5 },
		{ 262144, 6291456, 7 },
		{ RCVBUF, RCVBUF, 0 },
		{ 262144, 262144, 3 },
		{ 65536, 1073725440, 14 },
	};
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	struct cseg syn;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		configure(env, cases[i].rcvbuf, cases[i].rcvbuf_max, 0, 0, 0);
		assert_int_equal(open_from_peer(env, true), cases[i].shift);
		assert_int_equal(rd.conn->rcv_shift, cases[i].shift);
		done(env);

		c = connect_peer(env, &syn);
		assert_true(syn.o.present & WS_TCP_OPT_HAS_WS);
		assert_int_equal(syn.o.wscale, cases[i].shift);
		/* A SYN offers the first buffer, unscaled. */
		assert_int_equal(syn.wnd, RTE_MIN(cases[i].rcvbuf, 65535u));
		ws_tcp_abort(c);
		done(env);
	}
}

/* ------------------------------------------------------------------ */
/* Send side.                                                          */

/*
 * The peer acknowledges every second segment of what we sent in the
 * last round, one RTT later; our application writes whenever it may.
 */
static void
ack_rounds(struct ws_test_env *env, unsigned int rounds)
{
	uint32_t end, ack;
	unsigned int r;

	scan(env, UINT32_MAX);
	for (r = 0; r < rounds && pr.una != pr.nxt; r++) {
		elapse(env, RTT_MS);
		pr.tsval += RTT_MS;
		scan(env, UINT32_MAX);
		pr.echo = pr.tsecr;
		end = pr.nxt;
		while (pr.una != end) {
			ack = SEQ_LT(pr.una + 2 * SEG, end) ?
				pr.una + 2 * SEG : end;
			peer_send(env, pr.seq, ack, F_ACK, NULL, 0);
			pr.una = ack;
		}
		/* What the ACKs released goes in the next round. */
		scan(env, UINT32_MAX);
	}
}

/*
 * A writer held back by a 16 KiB buffer while cwnd is not: the buffer
 * grows to about twice cwnd, up to sndbuf_max, and the flight with it.
 */
static void
test_sndbuf_grows_with_cwnd(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	uint32_t first_cwnd;

	configure(env, 0, 0, 16384, 262144, 0);
	open_from_peer(env, true);
	c = rd.conn;
	first_cwnd = c->cwnd;
	rd.to_send = 8u << 20;
	rd_push(c);
	scan(env, UINT32_MAX);
	assert_int_equal(rd.sent, 16384);
	ack_rounds(env, 12);
	assert_int_equal(c->sndbuf, 262144);
	assert_true(c->cwnd > 4 * first_cwnd);
	assert_true(st(env)->sndbuf_grown >= 2);
	assert_int_equal(st(env)->sndbuf_grow_limited, 0);
	/* More than the first buffer was in flight at once. */
	assert_true(ws_tcp_flight(c) > 16384);
	print_message("sndbuf 16384 -> %u in %" PRIu64 " grows, cwnd %u, "
		"%" PRIu64 " bytes sent\n", c->sndbuf, st(env)->sndbuf_grown,
		c->cwnd, rd.sent);
	done(env);
}

/*
 * The same writer on a worker whose send budget is 64 mbufs: growth
 * stops at half of it (memory pressure), counted.
 */
static void
test_sndbuf_growth_stays_within_the_worker_budget(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	uint32_t per;

	configure(env, 0, 0, 16384, 262144, 64);
	open_from_peer(env, true);
	c = rd.conn;
	per = env->w.tcp->sb_mbuf_bytes;
	rd.to_send = 8u << 20;
	rd_push(c);
	ack_rounds(env, 12);
	assert_true(c->sndbuf > 16384);
	assert_true(c->sndbuf <= 16384 + 32 * per);
	assert_true(c->sndbuf < 262144);
	assert_true(st(env)->sndbuf_grown >= 1);
	assert_true(st(env)->sndbuf_grow_limited >= 1);
	assert_true(env->w.tcp->sb_mbufs <= 64);
	done(env);
}

/*
 * The writer of test_sndbuf_grows_with_cwnd on a send buffer it fixed
 * (ws_tcp_set_sndbuf, as SO_SNDBUF): each send takes what the 20000
 * bytes leave, the buffer never grows, and the flight stays within it.
 */
static void
test_fixed_sndbuf_is_not_autotuned(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_info info;
	struct ws_tcp_conn *c;

	configure(env, 0, 0, 16384, 262144, 0);
	open_from_peer(env, true);
	c = rd.conn;
	assert_int_equal(ws_tcp_set_sndbuf(c, 20000), 0);
	rd.to_send = 8u << 20;
	rd_push(c);
	scan(env, UINT32_MAX);
	assert_int_equal(rd.sent, 20000);
	ack_rounds(env, 12);
	assert_int_equal(c->sndbuf, 20000);
	assert_int_equal(st(env)->sndbuf_grown, 0);
	assert_true(c->sb_len <= 20000);
	assert_true(ws_tcp_flight(c) <= 20000);
	/* It kept sending: twelve rounds of at most 20000. */
	assert_true(rd.sent > 12 * 10000);
	assert_true(rd.sent <= 13 * 20000);
	ws_tcp_get_info(c, &info);
	assert_int_equal(info.sndbuf, 20000);
	assert_true(info.sndbuf_fixed);
	done(env);
}

/* A writer that never fills its buffer has no reason to grow it. */
static void
test_sndbuf_does_not_grow_for_a_small_writer(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	unsigned int i;

	configure(env, 0, 0, 16384, 262144, 0);
	open_from_peer(env, true);
	c = rd.conn;
	for (i = 0; i < 20; i++) {
		rd.to_send += 4096;
		rd_push(c);
		scan(env, UINT32_MAX);
		ack_rounds(env, 2);
	}
	assert_int_equal(rd.sent, 20 * 4096);
	assert_int_equal(c->sndbuf, 16384);
	assert_int_equal(st(env)->sndbuf_grown, 0);
	done(env);
}

/* ------------------------------------------------------------------ */
/* What ws_tcp_get_info reports.                                       */

static void
test_info_reports_cc_recovery_and_buffers(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_info info;
	struct ws_tcp_conn *c;

	configure(env, 0, 0, 16384, 262144, 0);
	open_from_peer(env, true);
	c = rd.conn;
	rd.to_send = 1u << 20;
	rd_push(c);
	ack_rounds(env, 4);
	ws_tcp_get_info(c, &info);
	assert_int_equal(info.cwnd, c->cwnd);
	assert_int_equal(info.ssthresh, c->ssthresh);
	assert_int_equal(info.srtt_us, c->srtt_us);
	assert_true(info.srtt_us > 0);
	assert_int_equal(info.rttvar_us, c->rttvar_us);
	assert_int_equal(info.rto_ms, c->rto_ms);
	assert_int_equal(info.in_flight, ws_tcp_flight(c));
	assert_true(info.in_flight > 0);
	assert_int_equal(info.sacked, 0);
	assert_int_equal(info.lost, 0);
	assert_int_equal(info.retrans_bytes, 0);
	assert_string_equal(info.ca_state, "open");
	assert_string_equal(info.cc, c->cc->name);
	assert_int_equal(info.sndbuf, c->sndbuf);
	assert_true(info.sndbuf > 16384);
	assert_int_equal(info.rcvbuf, c->rcvbuf);
	assert_int_equal(info.snd_wnd, c->snd_wnd);
	assert_int_equal(info.rcv_wnd, c->rcv_adv - c->rcv_nxt);

	/* In-flight is RFC 6675's pipe: less SACKed and lost, plus resent. */
	c->sacked_out = 3 * SEG;
	c->lost_out = 2 * SEG;
	c->retrans_out = SEG;
	c->retrans_bytes = 7 * SEG;
	c->ca_state = WS_TCP_CA_RECOVERY;
	ws_tcp_get_info(c, &info);
	assert_int_equal(info.in_flight, ws_tcp_flight(c) - 4 * SEG);
	assert_int_equal(info.sacked, 3 * SEG);
	assert_int_equal(info.lost, 2 * SEG);
	assert_int_equal(info.retrans_bytes, 7 * SEG);
	assert_string_equal(info.ca_state, "recovery");
	c->sacked_out = c->lost_out = c->retrans_out = 0;
	c->ca_state = WS_TCP_CA_OPEN;

	assert_string_equal(ws_tcp_ca_state_name(WS_TCP_CA_OPEN), "open");
	assert_string_equal(ws_tcp_ca_state_name(WS_TCP_CA_DISORDER),
		"disorder");
	assert_string_equal(ws_tcp_ca_state_name(WS_TCP_CA_LOSS), "loss");
	assert_string_equal(ws_tcp_ca_state_name(9), "?");
	done(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		AT_TEST(test_rcvbuf_grows_when_the_app_reads),
		AT_TEST(test_rcvbuf_grows_without_timestamps),
		AT_TEST(test_rcvbuf_does_not_grow_when_the_app_does_not_read),
		AT_TEST(test_rcvbuf_stops_growing_under_pool_pressure),
		AT_TEST(test_fixed_rcvbuf_is_not_autotuned),
		AT_TEST(test_rcvbuf_set_after_growth),
		AT_TEST(test_wscale_follows_rcvbuf_max),
		AT_TEST(test_sndbuf_grows_with_cwnd),
		AT_TEST(test_sndbuf_growth_stays_within_the_worker_budget),
		AT_TEST(test_fixed_sndbuf_is_not_autotuned),
		AT_TEST(test_sndbuf_does_not_grow_for_a_small_writer),
		AT_TEST(test_info_reports_cc_recovery_and_buffers),
	};

	ws_test_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
