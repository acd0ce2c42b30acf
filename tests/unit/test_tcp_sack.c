/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The sender's loss recovery for SACK peers, segment by segment
 * (tcp_harness.h): the RFC 6675 scoreboard, SACK recovery with PRR
 * (RFC 6937), RACK's reordering window and TLP (RFC 8985), D-SACK
 * (RFC 2883) both ways, undo, and what an RTO resends.
 */

#include "tcp_harness.h"

#define MSS 1460u

static uint8_t blob[64 * 1460];

/*
 * Passive open from PPORT with MSS 1460 and SACK-permitted (no
 * timestamps), the handshake taking 'rtt_ms': SRTT and min_RTT are that.
 * Returns our ISS + 1, the first data sequence number.
 */
static uint32_t
sack_establish(struct ws_test_env *env, uint32_t rtt_ms)
{
	static const uint8_t o[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
	struct cseg c;

	send_syn(env, o, sizeof(o), 65535, &c);
	elapse(env, rtt_ms);
	ws_test_clear_captured(env);
	peer(env, PISN + 1, c.seq + 1, F_ACK, 65535, NULL, 0);
	expect_none(env);
	assert_non_null(app.conn);
	assert_true(app.conn->sack_ok);
	assert_int_equal(app.conn->mss, MSS);
	memset(blob, 'z', sizeof(blob));
	return c.seq + 1;
}

/* Segment i (from 0) of the data starting at 's'. */
static uint32_t
sg(uint32_t s, unsigned int i)
{
	return s + i * MSS;
}

/* NOP, NOP and a SACK option of the n blocks of 'b' at 'o': its length. */
static unsigned int
sack_opt(uint8_t *o, unsigned int n, const uint32_t *b)
{
	unsigned int i, k;

	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < 2 * n; i++)
		for (k = 0; k < 4; k++)
			o[4 + 4 * i + k] = (uint8_t)(b[i] >> (24 - 8 * k));
	return 4 + 8 * n;
}

/* An ACK of 'ack' with the n SACK blocks of 'b' (left, right pairs). */
static void
sack(struct ws_test_env *env, uint32_t ack, unsigned int n,
		const uint32_t *b)
{
	uint8_t o[40];
	struct pseg p = { .sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.ack = ack, .flags = F_ACK, .wnd = 65535, .opts = o };

	p.olen = sack_opt(o, n, b);
	send_seg(env, &p);
}

/* Send n full segments now; all of them go. */
static void
send_n(struct ws_test_env *env, unsigned int n)
{
	assert_int_equal(ws_tcp_send(app.conn, blob, n * MSS), (int)(n * MSS));
	assert_int_equal(ncap(env), n);
	ws_test_clear_captured(env);
}

/* Exactly the segments starting at seqs[0..n-1] were sent, in order. */
static void
expect_segs(struct ws_test_env *env, unsigned int n, const uint32_t *seqs)
{
	struct cseg c;
	unsigned int i;

	assert_int_equal(ncap(env), n);
	for (i = 0; i < n; i++) {
		cap(env, i, &c);
		assert_int_equal(c.seq, seqs[i]);
		assert_int_equal(c.dlen, MSS);
	}
	ws_test_clear_captured(env);
}

/* ------------------------------------------------------------------ */
/* Scoreboard.                                                         */

/* Holes, merges, cumulative ACKs through SACKed data, bad blocks. */
static void
test_scoreboard_holes_and_merges(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[4];

	env->w.tcp->cfg.rack = false;
	send_n(env, 10);
	assert_int_equal(c->lr.n_recs, 10);
	/* Segments 2 and 3: one hole below; not lost at 2 SMSS. */
	b[0] = sg(s, 2);
	b[1] = sg(s, 4);
	sack(env, s, 1, b);
	expect_none(env);
	assert_int_equal(c->sacked_out, 2 * MSS);
	assert_int_equal(c->lost_out, 0);
	assert_int_equal(c->ca_state, WS_TCP_CA_DISORDER);
	/* The same block again and one that merges with it: no change. */
	b[0] = sg(s, 2);
	b[1] = sg(s, 3);
	sack(env, s, 1, b);
	assert_int_equal(c->sacked_out, 2 * MSS);
	/* Bad blocks are ignored and counted. */
	b[0] = sg(s, 9);
	b[1] = sg(s, 11);		/* past SND.MAX */
	b[2] = s - 100;
	b[3] = s + 10;			/* below SND.UNA */
	sack(env, s, 2, b);
	assert_int_equal(st(env)->sack_blocks_invalid, 2);
	assert_int_equal(c->sacked_out, 2 * MSS);
	b[0] = sg(s, 5);
	b[1] = sg(s, 5);		/* empty */
	sack(env, s, 1, b);
	assert_int_equal(st(env)->sack_blocks_invalid, 3);
	/* The cumulative ACK passes the SACKed records: they go. */
	sack(env, sg(s, 4), 0, NULL);
	assert_int_equal(c->lr.n_recs, 6);
	assert_int_equal(c->sacked_out, 0);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	/* A partial ACK of a segment trims its record. */
	sack(env, sg(s, 4) + 100, 0, NULL);
	assert_int_equal(c->lr.head->seq, sg(s, 4) + 100);
	ws_test_clear_captured(env);
	finish(env);
}

/* Sequence numbers that wrap past 2^32 mark and free as any others. */
static void
test_scoreboard_wraparound(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_conn *c;
	uint32_t s, b[2];

	sack_establish(env, 10);
	c = app.conn;
	env->w.tcp->cfg.rack = false;
	/* Nothing in flight: move our sequence space to just below 2^32. */
	s = 0xffffffffu - 3 * MSS;
	c->snd_una = c->snd_nxt = c->snd_max = c->recover = s;
	c->snd_wl2 = s;
	send_n(env, 6);
	assert_true(c->lr.tail->seq < c->lr.head->seq);	/* it wrapped */
	/* Segments 2..5 straddle 2^32: four SACKed, segments 0-1 lost. */
	b[0] = sg(s, 2);
	b[1] = sg(s, 6);
	sack(env, s, 1, b);
	assert_int_equal(c->sacked_out, 4 * MSS);
	assert_int_equal(c->ca_state, WS_TCP_CA_RECOVERY);
	expect_segs(env, 2, (uint32_t[]){ sg(s, 0), sg(s, 1) });
	sack(env, sg(s, 6), 0, NULL);
	assert_null(c->lr.head);
	assert_int_equal(c->sacked_out, 0);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	ws_test_clear_captured(env);
	finish(env);
}

/* An empty pool: segments merge into the last record, counted. */
static void
test_scoreboard_pool_exhausted(void **state)
{
	struct ws_test_env *env = *state;
	struct ws_tcp_worker *tw = env->w.tcp;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	struct ws_tcp_rec *saved = tw->free_recs;
	uint32_t carved = tw->recs_carved;
	uint32_t b[2];

	tw->cfg.tlp = false;
	tw->free_recs = NULL;
	tw->recs_carved = tw->n_recs;
	send_n(env, 4);
	tw->free_recs = saved;
	tw->recs_carved = carved;
	/* The TCB's own record holds all four. */
	assert_int_equal(c->lr.n_recs, 1);
	assert_true(c->lr.head->flags & WS_TCP_REC_INLINE);
	assert_int_equal(c->lr.head->end - c->lr.head->seq, 4 * MSS);
	assert_int_equal(st(env)->sack_rec_exhausted, 3);
	/* A block inside the merged record marks nothing. */
	b[0] = sg(s, 1);
	b[1] = sg(s, 2);
	sack(env, s, 1, b);
	assert_int_equal(c->sacked_out, 0);
	/* An RTO resends the merged record whole, in MSS segments. */
	elapse(env, c->rto_ms);
	expect_segs(env, 4, (uint32_t[]){ sg(s, 0), sg(s, 1), sg(s, 2),
		sg(s, 3) });
	sack(env, sg(s, 4), 0, NULL);
	assert_null(c->lr.head);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* Recovery.                                                           */

/* SACK recovery retransmits exactly the holes, never SACKed data. */
static void
test_sack_recovery_resends_holes_only(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[4] = { sg(s, 1), sg(s, 3), sg(s, 4), sg(s, 10) };

	send_n(env, 10);
	elapse(env, 10);
	/* Segments 0 and 3 lost: 8 SACKed, RACK marks both at once. */
	sack(env, s, 2, b);
	expect_segs(env, 2, (uint32_t[]){ sg(s, 0), sg(s, 3) });
	assert_int_equal(st(env)->rack_lost, 2);
	assert_int_equal(st(env)->sack_recoveries, 1);
	assert_int_equal(st(env)->fast_retransmits, 2);
	assert_int_equal(st(env)->newreno_recoveries, 0);
	assert_int_equal(c->ca_state, WS_TCP_CA_RECOVERY);
	assert_int_equal(c->retrans_out, 2 * MSS);
	assert_int_equal(c->retrans_bytes, 2 * MSS);
	assert_int_equal(st(env)->retransmit_bytes, 2 * MSS);
	assert_int_equal(c->ssthresh, 5 * MSS);
	/* The holes filled: recovery ends at ssthresh. */
	sack(env, sg(s, 10), 0, NULL);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	assert_int_equal(c->cwnd, 5 * MSS);
	assert_int_equal(c->retrans_out, 0);
	assert_int_equal(st(env)->rto_expired, 0);
	finish(env);
}

/*
 * RFC 6937 (PRR), as its example: 20 segments in flight, the first lost,
 * ssthresh half the flight. The retransmission goes on entering
 * recovery; then one new segment per two ACKs while pipe > ssthresh.
 */
static void
test_prr_send_quantum(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2] = { sg(s, 1), 0 };
	unsigned int i, nxt = 20;
	struct cseg seg;

	env->w.tcp->cfg.rack = false;	/* RFC 6675 DupThresh, as RFC 6937 */
	c->cwnd = 20 * MSS;
	send_n(env, 20);
	assert_int_equal(ws_tcp_send(app.conn, blob, 20 * MSS),
		(int)(20 * MSS));
	expect_none(env);
	for (i = 2; i <= 14; i++) {
		b[1] = sg(s, i);	/* segments 1 .. i-1 SACKed */
		sack(env, s, 1, b);
		if (i <= 3) {
			/* DISORDER: pipe fell below cwnd, new data. */
			expect_segs(env, 1, (uint32_t[]){ sg(s, nxt) });
			nxt++;
		} else if (i == 4) {
			/* 3 SMSS SACKed above: lost; the retransmission. */
			assert_int_equal(c->ca_state, WS_TCP_CA_RECOVERY);
			assert_int_equal(c->ssthresh, 11 * MSS);
			expect_segs(env, 1, (uint32_t[]){ s });
		} else if (i == 5 || i % 2 == 0) {
			/*
			 * ssthresh / RecoverFS = 1/2: PRR allows half a
			 * segment per ACK delivered, so a new one every
			 * second ACK once the retransmission is paid for.
			 */
			expect_none(env);
		} else {
			only(env, &seg);
			assert_int_equal(seg.seq, sg(s, nxt));
			nxt++;
		}
	}
	assert_int_equal(c->lr.prr_out, (1 + 4) * MSS);
	assert_int_equal(c->lr.prr_delivered, 11 * MSS);
	ws_test_clear_captured(env);
	finish(env);
}

/* RACK: a segment reordered within reo_wnd is not retransmitted. */
static void
test_rack_reordering_within_window(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 40);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2] = { sg(s, 1), sg(s, 2) };

	send_n(env, 3);
	elapse(env, 40);
	/* Segment 1 arrived first: reo_wnd = min_RTT / 4 = 10 ms. */
	sack(env, s, 1, b);
	expect_none(env);
	assert_int_equal(c->rtx_mode, WS_TCP_RTX_REORDER);
	elapse(env, 9);
	expect_none(env);
	/* Segment 0 arrives late, within the window. */
	sack(env, sg(s, 2), 0, NULL);
	expect_none(env);
	assert_int_equal(st(env)->rack_lost, 0);
	assert_int_equal(st(env)->retransmits, 0);
	assert_true(c->lr.reord);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	finish(env);
}

/* ... and one that stays out beyond reo_wnd is lost when it passes. */
static void
test_rack_reordering_beyond_window(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 40);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2] = { sg(s, 1), sg(s, 2) };

	send_n(env, 3);
	elapse(env, 40);
	sack(env, s, 1, b);
	expect_none(env);
	/* 40 ms (RACK.rtt) + 10 ms (reo_wnd) after it was sent. */
	quiet_until(env, 10);
	expect_segs(env, 1, (uint32_t[]){ s });
	assert_int_equal(st(env)->rack_lost, 1);
	assert_int_equal(c->ca_state, WS_TCP_CA_RECOVERY);
	sack(env, sg(s, 3), 0, NULL);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* TLP.                                                                */

/* RFC 8985 7: the probe after 2 SRTT (the last segment), then the RTO. */
static void
test_tlp_probe_then_rto(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 40);
	struct ws_tcp_conn *c = app.conn;

	assert_int_equal(c->srtt_us, 40000);
	assert_int_equal(c->rto_ms, 200);
	send_n(env, 2);
	quiet_until(env, 80);
	expect_segs(env, 1, (uint32_t[]){ sg(s, 1) });
	assert_int_equal(st(env)->tlp_probes, 1);
	assert_int_equal(st(env)->retransmits, 1);
	/* Unanswered: the RTO, from the probe; the first segment again. */
	quiet_until(env, 200);
	expect_segs(env, 1, (uint32_t[]){ s });
	assert_int_equal(st(env)->rto_expired, 1);
	assert_int_equal(st(env)->tlp_recoveries, 0);
	sack(env, sg(s, 2), 0, NULL);
	finish(env);
}

/*
 * One segment in flight: 2 SRTT + WCDelAckT (280 ms) would pass the RTO
 * (200 ms), so the PTO is cut to the RTO's expiry (RFC 8985 7.2) and the
 * probe goes there, keeping cwnd; only an unanswered probe draws the RTO,
 * one RTO after the probe.
 */
static void
test_tlp_one_segment_probes_at_rto(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 40);
	struct ws_tcp_conn *c = app.conn;
	uint32_t cwnd = c->cwnd;

	send_n(env, 1);
	quiet_until(env, 200);
	expect_segs(env, 1, (uint32_t[]){ s });
	assert_int_equal(st(env)->tlp_probes, 1);
	assert_int_equal(st(env)->rto_expired, 0);
	assert_int_equal(c->cwnd, cwnd);
	quiet_until(env, 200);
	expect_segs(env, 1, (uint32_t[]){ s });
	assert_int_equal(st(env)->tlp_probes, 1);
	assert_int_equal(st(env)->rto_expired, 1);
	sack(env, sg(s, 1), 0, NULL);
	finish(env);
}

/* The tail of a response lost: the probe's SACK starts recovery. */
static void
test_tlp_recovers_tail_loss(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 40);
	uint32_t b[2] = { sg(s, 3), sg(s, 4) };

	send_n(env, 4);
	elapse(env, 40);
	/* Segments 0 and 1 arrive; 2 and 3 are lost. */
	sack(env, sg(s, 2), 0, NULL);
	expect_none(env);
	quiet_until(env, 80);
	expect_segs(env, 1, (uint32_t[]){ sg(s, 3) });
	elapse(env, 40);
	/* The probe arrived: RACK finds segment 2 lost. */
	sack(env, sg(s, 2), 1, b);
	expect_segs(env, 1, (uint32_t[]){ sg(s, 2) });
	sack(env, sg(s, 4), 0, NULL);
	assert_int_equal(st(env)->tlp_probes, 1);
	assert_int_equal(st(env)->tlp_recoveries, 1);
	assert_int_equal(st(env)->sack_recoveries, 1);
	assert_int_equal(st(env)->rto_expired, 0);
	finish(env);
}

/* ------------------------------------------------------------------ */
/* D-SACK and undo.                                                    */

/* As a receiver: a duplicate is reported in the first block (RFC 2883). */
static void
test_dsack_generated(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg c;

	sack_establish(env, 10);
	peer(env, PISN + 1, app.conn->snd_una, F_ACK, 65535, blob, 100);
	elapse(env, DELACK_MS);
	ws_test_clear_captured(env);
	/* The same segment again: below RCV.NXT. */
	peer(env, PISN + 1, app.conn->snd_una, F_ACK, 65535, blob, 100);
	only(env, &c);
	assert_int_equal(c.ack, PISN + 101);
	assert_int_equal(c.o.n_sack, 1);
	assert_int_equal(c.o.sack[0][0], PISN + 1);
	assert_int_equal(c.o.sack[0][1], PISN + 101);
	/* Once: the next ACK has no block. */
	peer(env, PISN + 101, app.conn->snd_una, F_ACK, 65535, blob, 1000);
	peer(env, PISN + 1101, app.conn->snd_una, F_ACK, 65535, blob, 1000);
	only(env, &c);
	assert_int_equal(c.o.n_sack, 0);
	/* A duplicate of held out-of-order data: it, then its block. */
	peer(env, PISN + 3101, app.conn->snd_una, F_ACK, 65535, blob, 500);
	only(env, &c);
	assert_int_equal(c.o.n_sack, 1);
	peer(env, PISN + 3101, app.conn->snd_una, F_ACK, 65535, blob, 500);
	only(env, &c);
	assert_int_equal(c.ack, PISN + 2101);
	assert_int_equal(c.o.n_sack, 2);
	assert_int_equal(c.o.sack[0][0], PISN + 3101);
	assert_int_equal(c.o.sack[0][1], PISN + 3601);
	assert_int_equal(c.o.sack[1][0], PISN + 3101);
	assert_int_equal(c.o.sack[1][1], PISN + 3601);
	assert_int_equal(st(env)->dsack_tx, 2);
	finish(env);
}

/*
 * As a receiver: a FIN held out of order is in its block, as in Linux
 * (end_seq), so that a sender whose last segment carried the FIN sees
 * it SACKed whole.
 */
static void
test_sack_block_includes_held_fin(void **state)
{
	struct ws_test_env *env = *state;
	struct cseg c;

	sack_establish(env, 10);
	ws_test_clear_captured(env);
	peer(env, PISN + 101, app.conn->snd_una, F_ACK | F_FIN, 65535, blob,
		100);
	only(env, &c);
	assert_int_equal(c.ack, PISN + 1);
	assert_int_equal(c.o.n_sack, 1);
	assert_int_equal(c.o.sack[0][0], PISN + 101);
	assert_int_equal(c.o.sack[0][1], PISN + 202);
	/* The hole filled: data and FIN taken at once. */
	peer(env, PISN + 1, app.conn->snd_una, F_ACK, 65535, blob, 100);
	only(env, &c);
	assert_int_equal(c.ack, PISN + 202);
	assert_int_equal(c.o.n_sack, 0);
	assert_int_equal(app.peer_closed, 1);
	finish(env);
}

/*
 * As a sender: a block that ends at our FIN (a receiver that SACKs only
 * data) still SACKs the segment that carried it. Before, that segment
 * stayed un-SACKed, RACK never advanced, and a lost tail waited for the
 * RTO although the probe had reached the peer.
 */
static void
test_sack_block_before_fin_sacks_segment(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2];
	struct cseg k;

	env->w.tcp->cfg.rack = false;
	/* Ten go (IW10); two wait, and the FIN rides on the last. */
	assert_int_equal(ws_tcp_send(c, blob, 12 * MSS), (int)(12 * MSS));
	ws_tcp_close(c);
	assert_int_equal(ncap(env), 10);
	ws_test_clear_captured(env);
	sack(env, sg(s, 10), 0, NULL);
	assert_int_equal(ncap(env), 2);
	cap(env, 1, &k);
	assert_int_equal(k.seq, sg(s, 11));
	assert_true(k.flags & F_FIN);
	ws_test_clear_captured(env);
	b[0] = sg(s, 11);
	b[1] = sg(s, 12);		/* the data, not the FIN */
	sack(env, sg(s, 10), 1, b);
	assert_int_equal(c->sacked_out, MSS + 1);
	assert_int_equal(st(env)->sack_blocks_invalid, 0);
	sack(env, sg(s, 12) + 1, 0, NULL);
	assert_int_equal(c->sacked_out, 0);
	assert_int_equal(c->state, WS_TCP_FIN_WAIT_2);
	finish(env);
}

/* A D-SACK proves the only retransmission spurious: undo. */
static void
test_undo_after_dsack(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2] = { sg(s, 1), sg(s, 10) };
	uint32_t cwnd = c->cwnd;

	send_n(env, 10);
	elapse(env, 10);
	sack(env, s, 1, b);
	expect_segs(env, 1, (uint32_t[]){ s });
	assert_int_equal(c->ssthresh, 5 * MSS);
	/* The original was only late; then the copy is reported. */
	sack(env, sg(s, 10), 0, NULL);
	assert_int_equal(c->cwnd, 5 * MSS);
	b[0] = s;
	b[1] = sg(s, 1);
	sack(env, sg(s, 10), 1, b);
	assert_int_equal(st(env)->dsack_rx, 1);
	assert_int_equal(st(env)->spurious_retransmits, 1);
	assert_int_equal(st(env)->undos, 1);
	assert_int_equal(c->cwnd, cwnd);
	assert_true(c->ssthresh > 5 * MSS);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	/* Reordering was seen: reo_wnd grew. */
	assert_true(c->lr.reord);
	assert_int_equal(c->lr.reo_mult, 2);
	finish(env);
}

/*
 * Timestamps with SACK: a connection whose peer echoes our TSvals. The
 * peer's own TSval grows by one per ACK (PAWS).
 */
static uint32_t peer_tsval;

static uint32_t
ts_sack_establish(struct ws_test_env *env, uint32_t rtt_ms)
{
	/* MSS, NOP, NOP, SACK-permitted, NOP, NOP, TS (1000, 0). */
	static const uint8_t o[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2,
		1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0 };
	uint8_t a[12];
	struct cseg c;

	send_syn(env, o, sizeof(o), 65535, &c);
	assert_true(c.o.present & WS_TCP_OPT_HAS_TS);
	elapse(env, rtt_ms);
	ws_test_clear_captured(env);
	peer_tsval = 1001;
	ts_opt(a, peer_tsval, c.o.tsval);
	{
		struct pseg p = { .sport = PPORT, .dport = LPORT,
			.seq = PISN + 1, .ack = c.seq + 1, .flags = F_ACK,
			.wnd = 65535, .opts = a, .olen = sizeof(a) };

		send_seg(env, &p);
	}
	expect_none(env);
	assert_non_null(app.conn);
	assert_true(app.conn->sack_ok && app.conn->ts_ok);
	memset(blob, 'z', sizeof(blob));
	return c.seq + 1;
}

/* An ACK echoing 'tsecr' with the n SACK blocks of 'b'. */
static void
ts_sack(struct ws_test_env *env, uint32_t ack, uint32_t tsecr, unsigned int n,
		const uint32_t *b)
{
	uint8_t o[40];
	struct pseg p = { .sport = PPORT, .dport = LPORT, .seq = PISN + 1,
		.ack = ack, .flags = F_ACK, .wnd = 65535, .opts = o };

	ts_opt(o, ++peer_tsval, tsecr);
	p.olen = 12;
	if (n != 0)
		p.olen += sack_opt(o + 12, n, b);
	send_seg(env, &p);
}

/*
 * RFC 3522 (Eifel): the ACK of the retransmitted segment echoes the
 * original's TSval, so the original arrived and the retransmission was
 * spurious: cwnd and ssthresh are restored. When it echoes the
 * retransmission's TSval, the loss was real and nothing is undone.
 */
static void
check_ts_undo(struct ws_test_env *env, bool original_echoed)
{
	uint32_t s = ts_sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2] = { 0, 0 };
	uint32_t cwnd = c->cwnd, ts_orig, ts_rtx, m = c->mss;
	struct cseg cs;

	/* Timestamps take 12 bytes of each segment. */
	assert_int_equal(m, MSS - 12);
	assert_int_equal(ws_tcp_send(c, blob, 10 * m), (int)(10 * m));
	assert_int_equal(ncap(env), 10);
	cap(env, 0, &cs);
	ts_orig = cs.o.tsval;
	ws_test_clear_captured(env);
	elapse(env, 10);
	b[0] = s + m;
	b[1] = s + 10 * m;
	ts_sack(env, s, ts_orig, 1, b);
	only(env, &cs);
	assert_int_equal(cs.seq, s);
	ts_rtx = cs.o.tsval;
	assert_true((int32_t)(ts_rtx - ts_orig) >= 10);
	assert_int_equal(c->ca_state, WS_TCP_CA_RECOVERY);
	assert_int_equal(c->ssthresh, 5 * m);
	elapse(env, 1);
	ts_sack(env, s + 10 * m, original_echoed ? ts_orig : ts_rtx, 0, NULL);
	if (original_echoed) {
		assert_int_equal(st(env)->undos, 1);
		assert_int_equal(st(env)->spurious_retransmits, 1);
		/* Restored, then grown by this ACK's 10 segments. */
		assert_true(c->cwnd >= cwnd);
		assert_true(c->ssthresh > 5 * m);
		/* The copy's D-SACK then comes: counted once, not twice. */
		b[0] = s;
		b[1] = s + m;
		ts_sack(env, s + 10 * m, ts_orig, 1, b);
		assert_int_equal(st(env)->dsack_rx, 1);
		assert_int_equal(st(env)->spurious_retransmits, 1);
		assert_int_equal(st(env)->undos, 1);
	} else {
		assert_int_equal(st(env)->undos, 0);
		assert_int_equal(st(env)->spurious_retransmits, 0);
		assert_true(c->cwnd <= 5 * m);
		assert_int_equal(c->ssthresh, 5 * m);
	}
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	finish(env);
}

static void
test_undo_by_timestamps(void **state)
{
	check_ts_undo(*state, true);
}

static void
test_no_undo_when_retransmission_echoed(void **state)
{
	check_ts_undo(*state, false);
}

/*
 * Two holes, one only late and one lost. The first is filled by its
 * original (the ACK echoes the original's TSval) while the other's
 * retransmission is still out: that proves nothing about the second,
 * so nothing is undone, as Linux's partial undo. Its retransmission
 * then repairs a real loss: the window stays reduced. Undoing at the
 * first hole, as before, counted two spurious retransmissions here and
 * restored the window over a real loss: on a path that both reorders
 * and loses, half of all recoveries were undone and entered again.
 */
static void
test_no_undo_while_retransmission_out(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = ts_sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[4], m = c->mss, ts_orig, ts_rtx5;
	struct cseg cs;

	assert_int_equal(ws_tcp_send(c, blob, 10 * m), (int)(10 * m));
	cap(env, 0, &cs);
	ts_orig = cs.o.tsval;
	ws_test_clear_captured(env);
	elapse(env, 10);
	b[0] = s + m;
	b[1] = s + 5 * m;
	b[2] = s + 6 * m;
	b[3] = s + 10 * m;
	ts_sack(env, s, ts_orig, 2, b);
	assert_int_equal(ncap(env), 2);
	cap(env, 0, &cs);
	assert_int_equal(cs.seq, s);
	cap(env, 1, &cs);
	assert_int_equal(cs.seq, s + 5 * m);
	ts_rtx5 = cs.o.tsval;
	assert_true((int32_t)(ts_rtx5 - ts_orig) >= 10);
	assert_int_equal(c->ca_state, WS_TCP_CA_RECOVERY);
	assert_int_equal(c->ssthresh, 5 * m);
	elapse(env, 1);
	/* The first hole's original was late: it fills the hole. */
	ts_sack(env, s + 5 * m, ts_orig, 1, b + 2);
	assert_int_equal(st(env)->undos, 0);
	assert_int_equal(st(env)->spurious_retransmits, 0);
	assert_int_equal(c->ssthresh, 5 * m);
	/* The second hole's retransmission repairs a real loss. */
	ts_sack(env, s + 10 * m, ts_rtx5, 0, NULL);
	assert_int_equal(st(env)->undos, 0);
	assert_int_equal(st(env)->spurious_retransmits, 0);
	assert_int_equal(c->ssthresh, 5 * m);
	assert_true(c->cwnd <= 5 * m);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	finish(env);
}

/* RTO with SACK: only what is not SACKed is lost and resent. */
static void
test_rto_resends_only_unsacked(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t s = sack_establish(env, 10);
	struct ws_tcp_conn *c = app.conn;
	uint32_t b[2] = { sg(s, 4), sg(s, 6) };

	env->w.tcp->cfg.rack = false;
	env->w.tcp->cfg.tlp = false;
	send_n(env, 8);
	sack(env, s, 1, b);
	expect_none(env);
	elapse(env, c->rto_ms);
	/* cwnd one SMSS: the first hole. */
	expect_segs(env, 1, (uint32_t[]){ s });
	assert_int_equal(c->ca_state, WS_TCP_CA_LOSS);
	assert_int_equal(c->lost_out, 5 * MSS);
	assert_int_equal(c->sacked_out, 2 * MSS);
	/* Slow start: 2, then 3 segments, skipping the SACKed 4 and 5. */
	sack(env, sg(s, 1), 1, b);
	expect_segs(env, 2, (uint32_t[]){ sg(s, 1), sg(s, 2) });
	sack(env, sg(s, 3), 1, b);
	expect_segs(env, 3, (uint32_t[]){ sg(s, 3), sg(s, 6), sg(s, 7) });
	sack(env, sg(s, 8), 0, NULL);
	assert_int_equal(c->ca_state, WS_TCP_CA_OPEN);
	assert_int_equal(st(env)->retransmits, 6);
	finish(env);
}

/* Peers without SACK keep NewReno; it is counted. */
static void
test_newreno_without_sack(void **state)
{
	struct ws_test_env *env = *state;
	uint32_t iss = establish(env);
	unsigned int i;

	assert_false(app.conn->sack_ok);
	memset(blob, 'n', sizeof(blob));
	ws_tcp_send(app.conn, blob, 5 * MSS);
	assert_int_equal(ncap(env), 5);
	ws_test_clear_captured(env);
	for (i = 0; i < 3; i++)
		peer(env, PISN + 1, iss + 1, F_ACK, 65535, NULL, 0);
	expect_segs(env, 1, (uint32_t[]){ iss + 1 });
	assert_int_equal(st(env)->newreno_recoveries, 1);
	assert_int_equal(st(env)->sack_recoveries, 0);
	assert_null(app.conn->lr.head);
	finish(env);
}

static const struct CMUnitTest tests[] = {
	TCP_TEST(test_scoreboard_holes_and_merges),
	TCP_TEST(test_scoreboard_wraparound),
	TCP_TEST(test_scoreboard_pool_exhausted),
	TCP_TEST(test_sack_recovery_resends_holes_only),
	TCP_TEST(test_prr_send_quantum),
	TCP_TEST(test_rack_reordering_within_window),
	TCP_TEST(test_rack_reordering_beyond_window),
	TCP_TEST(test_tlp_probe_then_rto),
	TCP_TEST(test_tlp_one_segment_probes_at_rto),
	TCP_TEST(test_tlp_recovers_tail_loss),
	TCP_TEST(test_dsack_generated),
	TCP_TEST(test_sack_block_includes_held_fin),
	TCP_TEST(test_sack_block_before_fin_sacks_segment),
	TCP_TEST(test_undo_after_dsack),
	TCP_TEST(test_undo_by_timestamps),
	TCP_TEST(test_no_undo_when_retransmission_echoed),
	TCP_TEST(test_no_undo_while_retransmission_out),
	TCP_TEST(test_rto_resends_only_unsacked),
	TCP_TEST(test_newreno_without_sack),
};

WS_TEST_MAIN(tests)
