/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP options and the header, segment by segment (tcp_harness.h): the
 * option parser, checksums in software and offloaded, timestamps
 * (PAWS, RTT), window scaling and SACK blocks.
 */

#include "tcp_harness.h"

/* ------------------------------------------------------------------ */
/* The header.                                                        */

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

/* ------------------------------------------------------------------ */
/* Timestamps.                                                        */

/*
 * A SYN from PPORT offering MSS 1460 and timestamps (TSval 'tsval'):
 * exactly one SYN-ACK comes back, in 'synack'.
 */
static void
ts_syn(struct ws_test_env *env, uint32_t tsval, struct cseg *synack)
{
	uint8_t o[16] = { 2, 4, 5, 0xb4 };

	ts_opt(o + 4, tsval, 0);
	send_syn(env, o, sizeof(o), 65535, synack);
}

/* RFC 7323 5.3: PAWS drops an old TSval with an ACK; RST is exempt. */
static void
test_rfc7323_paws(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.flags = F_ACK, .wnd = 65535, .opts = o, .olen = sizeof(o),
	};
	struct cseg c;

	ts_syn(env, 100, &c);
	assert_int_equal(c.o.tsecr, 100);
	ts_opt(o, 110, c.o.tsval);
	p.ack = c.seq + 1;
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

/*
 * Issue 16 (2), RFC 7323 4.3: TS.Recent moves only for a segment that
 * passed the sequence and the ACK checks. A forged segment (in-window
 * SEQ, ACK of unsent data, TSval far ahead) is dropped and leaves
 * TS.Recent alone, so PAWS still lets the real peer in.
 */
static void
test_rfc7323_ts_recent_after_ack_check(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.flags = F_ACK, .wnd = 65535, .opts = o, .olen = sizeof(o),
	};
	struct cseg c;
	uint32_t iss, tsval;

	ts_syn(env, 100, &c);
	iss = c.seq;
	tsval = c.o.tsval;
	ts_opt(o, 110, tsval);
	p.ack = iss + 1;
	send_seg(env, &p);
	assert_int_equal(app.conn->ts_recent, 110);

	/* The forgery, with and without data. */
	ts_opt(o, 110 + 0x40000000u, tsval);
	p.ack = iss + 1 + 5000;
	send_seg(env, &p);
	p.data = "evil";
	p.dlen = 4;
	send_seg(env, &p);
	assert_int_equal(st(env)->drop_ack_unsent, 2);
	assert_int_equal(app.conn->ts_recent, 110);
	ws_test_clear_captured(env);

	/* The real peer's next segment: accepted and acknowledged. */
	ts_opt(o, 120, tsval);
	p.ack = iss + 1;
	p.data = "good";
	p.dlen = 4;
	send_seg(env, &p);
	assert_int_equal(st(env)->drop_paws, 0);
	assert_int_equal(app.rx_len, 4);
	assert_memory_equal(app.rx, "good", 4);
	assert_int_equal(app.conn->ts_recent, 120);
	elapse(env, DELACK_MS);
	only(env, &c);
	assert_int_equal(c.ack, PISN + 5);
	assert_int_equal(c.o.tsecr, 120);
	finish(env);
}

/*
 * Issue 16 (10), RFC 7323 3.2: once timestamps are agreed, a segment
 * without one is dropped and counted ([tcp] timestamps_strict = yes,
 * the default); with timestamps_strict = no it is accepted as Linux
 * does, and counted too.
 */
static void
test_rfc7323_timestamps_strict(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.flags = F_ACK, .wnd = 65535, .opts = o, .olen = sizeof(o),
	};
	struct cseg c;
	int strict;

	for (strict = 1; strict >= 0; strict--) {
		app_reset();
		env->w.tcp->cfg.timestamps_strict = strict;
		p.sport = PPORT + (strict ? 0 : 1);
		p.seq = PISN;
		p.flags = F_SYN;
		ts_opt(o, 100, 0);
		p.opts = o;
		p.olen = sizeof(o);
		p.data = NULL;
		p.dlen = 0;
		send_seg(env, &p);
		only(env, &c);
		p.seq = PISN + 1;
		p.ack = c.seq + 1;
		p.flags = F_ACK;
		ts_opt(o, 110, c.o.tsval);
		send_seg(env, &p);
		assert_true(app.conn->ts_ok);
		/* Data without the option. */
		p.opts = NULL;
		p.olen = 0;
		p.data = "abc";
		p.dlen = 3;
		p.flags = F_ACK | F_PSH;
		send_seg(env, &p);
		if (strict) {
			expect_none(env);
			assert_int_equal(app.rx_len, 0);
			assert_int_equal(st(env)->drop_no_ts, 1);
			assert_int_equal(st(env)->no_ts_accepted, 0);
		} else {
			assert_int_equal(app.rx_len, 3);
			assert_memory_equal(app.rx, "abc", 3);
			assert_int_equal(st(env)->drop_no_ts, 1);
			assert_int_equal(st(env)->no_ts_accepted, 1);
			/* It moved no TS.Recent; our ACK echoes the last. */
			assert_int_equal(app.conn->ts_recent, 110);
			elapse(env, DELACK_MS);
			only(env, &c);
			assert_int_equal(c.ack, PISN + 4);
			assert_int_equal(c.o.tsecr, 110);
		}
		ws_tcp_abort(app.conn);
		ws_test_run_timers(env);
		ws_test_clear_captured(env);
	}
	ws_test_assert_no_leak(env);
}

/*
 * Issue 16 (7): a peer MSS under 12 with timestamps underflowed our send
 * MSS (65525 and more). As Linux, the MSS is at least 48 bytes with the
 * options: 36 bytes of payload a segment, counted in mss_clamped.
 */
static void
test_tiny_mss_clamped(void **state)
{
	struct ws_test_env *env = *state;
	static const uint16_t mss[] = { 1, 4, 11 };
	static uint8_t data[100];
	uint8_t so[16] = { 2, 4 }, o[12];
	struct pseg p = { .dport = LPORT, .wnd = 65535 };
	struct cseg c;
	unsigned int i, k;

	memset(data, 'm', sizeof(data));
	for (i = 0; i < RTE_DIM(mss); i++) {
		app_reset();
		so[2] = (uint8_t)(mss[i] >> 8);
		so[3] = (uint8_t)mss[i];
		ts_opt(so + 4, 100, 0);
		p.sport = (uint16_t)(PPORT + i);
		p.seq = PISN;
		p.flags = F_SYN;
		p.opts = so;
		p.olen = sizeof(so);
		send_seg(env, &p);
		only(env, &c);
		ts_opt(o, 110, c.o.tsval);
		p.seq = PISN + 1;
		p.ack = c.seq + 1;
		p.flags = F_ACK;
		p.opts = o;
		p.olen = sizeof(o);
		send_seg(env, &p);
		assert_int_equal(app.conn->peer_mss, mss[i]);
		assert_int_equal(app.conn->mss, 48 - 12);
		assert_int_equal(st(env)->mss_clamped, i + 1);
		/* 100 bytes go as 36 + 36 + 28, each with its timestamps. */
		ws_tcp_set_nodelay(app.conn, true);
		assert_int_equal(ws_tcp_send(app.conn, data, sizeof(data)),
			(int)sizeof(data));
		assert_int_equal(ncap(env), 3);
		for (k = 0; k < 3; k++) {
			cap(env, k, &c);
			assert_int_equal(c.seq, p.ack + 36 * k);
			assert_int_equal(c.dlen, k < 2 ? 36 : 28);
			assert_int_equal(c.olen, 12);
			assert_true(c.o.present & WS_TCP_OPT_HAS_TS);
		}
		ws_test_clear_captured(env);
		p.ack += sizeof(data);
		send_seg(env, &p);
		assert_int_equal(app.conn->snd_una, p.ack);
		assert_int_equal(app.conn->sb_len, 0);
		ws_tcp_abort(app.conn);
		ws_test_run_timers(env);
		ws_test_clear_captured(env);
	}
	ws_test_assert_no_leak(env);
}

/* RFC 6298 + RFC 7323 4: RTT from timestamps sets SRTT and RTO. */
static void
test_rfc6298_rtt_from_timestamps(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t o[12];
	struct pseg p = {
		.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.flags = F_ACK, .wnd = 65535, .opts = o, .olen = sizeof(o),
	};
	struct cseg c;

	ts_syn(env, 1, &c);
	/* The handshake ACK comes 100 ms later: the first sample. */
	ws_test_advance_ms(env, 100);
	ts_opt(o, 2, c.o.tsval);
	p.ack = c.seq + 1;
	send_seg(env, &p);
	assert_int_equal(app.conn->srtt_us, 100000);
	assert_int_equal(app.conn->rttvar_us, 50000);
	/* RTO = SRTT + 4 * RTTVAR = 300 ms (2.2). */
	assert_int_equal(app.conn->rto_ms, 300);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Window scaling and SACK.                                           */

/* RFC 7323 2: windows scale both ways once both SYNs had the option. */
static void
test_rfc7323_window_scaling(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t opts[] = { 2, 4, 5, 0xb4, 1, 3, 3, 7 };
	struct cseg c;

	send_syn(env, opts, sizeof(opts), 1000, &c);
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

/* RFC 2018 4: with SACK permitted, a dup ACK reports what is held. */
static void
test_rfc2018_sack_blocks(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2 };
	struct cseg c;
	uint32_t iss;

	send_syn(env, syn_opts, sizeof(syn_opts), 65535, &c);
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

/*
 * Issue 16 (10), RFC 2018 4: the first SACK block is the one holding
 * the segment that made us ACK, then the blocks reported most recently.
 * Three out-of-order segments arrive third, first, second; then one
 * joins the first two blocks; then the hole fills.
 */
static void
test_rfc2018_sack_most_recent_first(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2 };
	struct cseg c;
	uint32_t iss, r = PISN + 1;
	/* NOP NOP SACK len, then 'n' blocks of left, right (big-endian). */
	uint8_t want[4 + 8 * 3];

#define BLK(i, l, rr) do { \
		uint32_t l_ = (l), r_ = (rr); \
		want[4 + 8 * (i)] = l_ >> 24; want[5 + 8 * (i)] = l_ >> 16; \
		want[6 + 8 * (i)] = l_ >> 8; want[7 + 8 * (i)] = l_; \
		want[8 + 8 * (i)] = r_ >> 24; want[9 + 8 * (i)] = r_ >> 16; \
		want[10 + 8 * (i)] = r_ >> 8; want[11 + 8 * (i)] = r_; \
	} while (0)
#define SACK_IS(n) do { \
		only(env, &c); \
		want[0] = 1; want[1] = 1; want[2] = 5; \
		want[3] = 2 + 8 * (n); \
		assert_int_equal(c.olen, 4 + 8 * (n)); \
		assert_memory_equal(c.opts, want, 4 + 8 * (n)); \
	} while (0)

	send_syn(env, syn_opts, sizeof(syn_opts), 65535, &c);
	iss = c.seq;
	peer(env, r, iss + 1, F_ACK, 65535, NULL, 0);
	assert_true(app.conn->sack_ok);
	assert_false(app.conn->ts_ok);
	/* Blocks A = [r+10, r+20), B = [r+30, r+40), C = [r+50, r+60). */
	peer(env, r + 50, iss + 1, F_ACK, 65535, "cccccccccc", 10);
	BLK(0, r + 50, r + 60);
	SACK_IS(1);
	peer(env, r + 10, iss + 1, F_ACK, 65535, "aaaaaaaaaa", 10);
	BLK(0, r + 10, r + 20);
	BLK(1, r + 50, r + 60);
	SACK_IS(2);
	peer(env, r + 30, iss + 1, F_ACK, 65535, "bbbbbbbbbb", 10);
	BLK(0, r + 30, r + 40);
	BLK(1, r + 10, r + 20);
	BLK(2, r + 50, r + 60);
	SACK_IS(3);
	assert_int_equal(c.ack, r);
	/* [r+20, r+30) joins A and B: that block first, then C. */
	peer(env, r + 20, iss + 1, F_ACK, 65535, "xxxxxxxxxx", 10);
	BLK(0, r + 10, r + 40);
	BLK(1, r + 50, r + 60);
	SACK_IS(2);
	/* The hole fills: the ACK moves, C is what is left. */
	peer(env, r, iss + 1, F_ACK, 65535, "0000000000", 10);
	BLK(0, r + 50, r + 60);
	SACK_IS(1);
	assert_int_equal(c.ack, r + 40);
	assert_int_equal(st(env)->dupacks_tx, 4);
#undef BLK
#undef SACK_IS
	finish(env);
}

/*
 * MUST-15: an MSS option that says 0 is treated as no option (536), also
 * with timestamps (the send MSS used to underflow to 65524 there): in a
 * SYN on the stateful and the cookie path, and in a SYN-ACK.
 */
static void
test_must15_mss_zero(void **state)
{
	struct ws_test_env *env = *state;
	/* MSS 0, NOP NOP TS 7/0. */
	static const uint8_t syn_opts[] = {
		2, 4, 0, 0, 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0,
	};
	uint8_t ack_opts[12];
	struct pseg s = {
		.sport = PPORT + 1, .dport = LPORT, .seq = PISN,
		.flags = F_SYN, .wnd = 65535, .opts = syn_opts,
		.olen = sizeof(syn_opts),
	};
	struct cseg c;

	send_syn(env, syn_opts, sizeof(syn_opts), 65535, &c);
	assert_true(c.o.present & WS_TCP_OPT_HAS_TS);
	ts_opt(ack_opts, 8, c.o.tsval);
	{
		struct pseg a = {
			.sport = PPORT, .dport = LPORT, .seq = PISN + 1,
			.ack = c.seq + 1, .flags = F_ACK, .wnd = 65535,
			.opts = ack_opts, .olen = sizeof(ack_opts),
		};

		send_seg(env, &a);
	}
	assert_non_null(app.conn);
	assert_int_equal(app.conn->state, WS_TCP_ESTABLISHED);
	assert_int_equal(app.conn->peer_mss, 536);
	assert_int_equal(app.conn->mss, 536 - 12);
	ws_tcp_abort(app.conn);
	ws_test_run_timers(env);
	ws_test_clear_captured(env);

	/* The same SYN answered with a cookie. */
	app_reset();
	env->w.tcp->cfg.syncookies = WS_SYNCOOKIES_ALWAYS;
	send_seg(env, &s);
	only(env, &c);
	assert_int_equal(c.flags, F_SYN | F_ACK);
	ts_opt(ack_opts, 8, c.o.tsval);
	s.seq = PISN + 1;
	s.ack = c.seq + 1;
	s.flags = F_ACK;
	s.opts = ack_opts;
	s.olen = sizeof(ack_opts);
	send_seg(env, &s);
	assert_non_null(app.conn);
	assert_true(app.conn->from_cookie);
	assert_int_equal(app.conn->peer_mss, 536);
	assert_int_equal(app.conn->mss, 536 - 12);
	ws_tcp_abort(app.conn);
	ws_test_run_timers(env);
	ws_test_clear_captured(env);

	/* And a SYN-ACK with MSS 0 to our active open. */
	app_reset();
	{
		struct ws_tcp_conn *ac = connect_peer(env, &c);
		struct pseg sa = {
			.sport = PPORT, .dport = c.sport, .seq = PISN,
			.ack = c.seq + 1, .flags = F_SYN | F_ACK,
			.wnd = 65535, .opts = syn_opts,
			.olen = sizeof(syn_opts),
		};

		send_seg(env, &sa);
		assert_int_equal(ac->state, WS_TCP_ESTABLISHED);
		assert_true(ac->ts_ok);
		assert_int_equal(ac->peer_mss, 536);
		assert_int_equal(ac->mss, 536 - 12);
		app.conn = ac;
	}
	finish(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_must7_option_edges),
	TCP_TEST(test_must3_bad_checksum),
	TCP_TEST(test_must2_checksum_offload),
	TCP_TEST(test_rfc7323_paws),
	TCP_TEST(test_rfc6298_rtt_from_timestamps),
	TCP_TEST(test_rfc7323_window_scaling),
	TCP_TEST(test_rfc2018_sack_blocks),
	TCP_TEST(test_rfc2018_sack_most_recent_first),
	TCP_TEST(test_rfc7323_ts_recent_after_ack_check),
	TCP_TEST(test_rfc7323_timestamps_strict),
	TCP_TEST(test_tiny_mss_clamped),
	TCP_TEST(test_must15_mss_zero),
};

WS_TEST_MAIN(tests)
