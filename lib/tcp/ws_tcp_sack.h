/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TCP_SACK_H
#define WS_TCP_SACK_H

/*
 * The sender's loss recovery for SACK peers (ws_tcp_sack.c): the RFC 6675
 * scoreboard, RACK-TLP (RFC 8985), PRR (RFC 6937), D-SACK (RFC 2883) and
 * undo. Included by ws_tcp_priv.h: the TCB embeds struct ws_tcp_lr.
 */

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;

/* Record flags. */
#define WS_TCP_REC_SACKED	0x01	/* the peer has it */
#define WS_TCP_REC_LOST		0x02	/* deemed lost (RACK, DupThresh, RTO) */
#define WS_TCP_REC_RETRANS	0x04	/* retransmitted, that copy in flight */
#define WS_TCP_REC_EVER_RETRANS	0x08	/* retransmitted at least once */
#define WS_TCP_REC_FIN		0x10	/* its last sequence number is the FIN */
#define WS_TCP_REC_INLINE	0x20	/* the TCB's own, not the pool's */
#define WS_TCP_REC_TQ		0x40	/* on the transmit-time queue */

/*
 * One transmitted segment [seq, end) on the scoreboard. Records cover
 * [snd_una, snd_max) exactly, in sequence order; those in flight (not
 * SACKed, not lost and waiting for their retransmission) are also on a
 * queue in order of their last transmission, which RACK walks from its
 * oldest end.
 */
struct ws_tcp_rec {
	struct ws_tcp_rec *next, *prev;		/* sequence order */
	struct ws_tcp_rec *tnext, *tprev;	/* transmit-time order */
	uint64_t xmit_ts;			/* ticks: last transmission */
	uint32_t seq, end;
	uint32_t xmit_no;			/* transmission order */
	uint8_t flags;				/* WS_TCP_REC_* */
};

/* A connection's loss-recovery state (all sequence numbers ours). */
struct ws_tcp_lr {
	struct ws_tcp_rec *head, *tail;		/* [snd_una, snd_max) */
	struct ws_tcp_rec *thead, *ttail;	/* in flight, oldest first */
	struct ws_tcp_rec *hint;	/* after the last record SACKed */
	/* No record before it is lost and waiting for retransmission. */
	struct ws_tcp_rec *rtx_next;
	/* DupThresh (rack = no): scanned up to here, SACKed bytes before. */
	struct ws_tcp_rec *dup_cur;
	uint32_t dup_below;
	uint32_t lost_rtx;		/* bytes LOST and RETRANS, not SACKed */
	uint32_t n_recs;
	uint32_t fack;			/* highest end SACKed or acknowledged */
	uint32_t rtx_high;		/* highest end ever retransmitted */
	/* The SACK blocks of the previous ACK, already marked. */
	uint32_t sack_cache[4][2];
	uint8_t n_sack_cache;

	/* RACK (RFC 8985 6). */
	bool rack_valid;
	bool reord;			/* reordering seen */
	uint8_t reo_mult;		/* reo_wnd in min_RTT/4 units */
	uint8_t reo_persist;		/* recoveries before mult resets */
	uint64_t rack_ts;		/* ticks: xmit_ts of RACK.segment */
	/*
	 * Its transmission number: "sent after" compares these, exact
	 * where the clock gives two segments the same time.
	 */
	uint32_t rack_no;
	uint32_t xmit_count;		/* the next transmission's number */
	uint32_t rack_rtt_us;
	uint32_t min_rtt_us;		/* UINT32_MAX: none yet */
	uint64_t min_rtt_ts;		/* ticks of that sample */
	uint32_t dsack_round;		/* no reo_wnd growth before this */
	bool dsack_round_ok;
	uint64_t reo_at;		/* ticks: reordering timer, 0 = none */

	/* PRR (RFC 6937). */
	uint32_t prr_delivered, prr_out, recover_fs;

	/* TLP (RFC 8985 7). */
	bool tlp_out;			/* a probe is unanswered */
	bool tlp_rtx;			/* ... and was a retransmission */
	bool tlp_force;			/* output: one segment past cwnd */
	bool tlp_loss;			/* recovery began after the probe */
	uint32_t tlp_end;		/* snd_max after the probe */
	uint32_t tlp_tsval;		/* its TSval */
	bool sent_new;			/* new data went out: re-arm PTO */
	uint64_t rto_at;		/* ticks: the RTO behind a PTO/reo */
	uint64_t pto_at;

	/* Undo (Linux's undo_marker / undo_retrans, RFC 3522). */
	bool undo_ok;
	bool rtx_stamped;
	uint32_t undo_retrans;		/* retransmissions not proved spurious */
	uint32_t rtx_tsval;		/* TSval of the first retransmission */
	uint32_t rtx_seq;		/* ... and its sequence number */
	/*
	 * Retransmissions ending at or below this were counted spurious
	 * by a timestamp undo: their D-SACKs, if any follow, are not
	 * counted again. 0: none.
	 */
	uint32_t spurious_high;

	/* As a receiver: a duplicate to report first (RFC 2883). */
	bool dsack_pending;
	uint32_t dsack_left, dsack_right;

	/* sb_copy's cursor for retransmissions behind sb_cur. */
	const struct rte_mbuf *sb_rcur;
	uint32_t sb_rcur_seq;

	struct ws_tcp_rec own;		/* when the pool is empty */
};

struct ws_tcp_conn;
struct ws_tcp_worker;
struct ws_tcp_seg;

/* The worker's record pool: 'n' records. Returns 0 or -ENOMEM. */
int ws_tcp_lr_pool_init(struct ws_tcp_worker *tw, uint32_t n, int socket);
void ws_tcp_lr_pool_fini(struct ws_tcp_worker *tw);
/* The records of c go back to the pool. */
void ws_tcp_lr_free(struct ws_tcp_conn *c);

/*
 * xmit() sent [seq, seq + len) (len counts a FIN): a record for new
 * data; a retransmission is counted (ws_tcp_lr_mark_rtx flags it).
 */
void ws_tcp_lr_sent(struct ws_tcp_conn *c, uint32_t seq, uint32_t len);
/* Record r was retransmitted now (all of it, or its last segment). */
void ws_tcp_lr_mark_rtx(struct ws_tcp_conn *c, struct ws_tcp_rec *r);
/* The first record lost and not yet retransmitted, or NULL. */
struct ws_tcp_rec *ws_tcp_lr_next_lost(struct ws_tcp_conn *c);
/* RFC 6675 pipe: the bytes the sender believes in the network. */
uint32_t ws_tcp_lr_pipe(const struct ws_tcp_conn *c);

/*
 * An acceptable ACK of a SACK connection, after snd_una moved from
 * 'prior_una' to sg->ack: the scoreboard, loss detection, recovery and
 * the window. 'rtt_us' is this ACK's RTT sample (0: none).
 */
void ws_tcp_lr_ack(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg,
		uint32_t prior_una, uint32_t rtt_us);
/* The retransmission timer expired: everything not SACKed is lost. */
void ws_tcp_lr_rto(struct ws_tcp_conn *c);
/* Arm the retransmission timer for RTO, RACK's reordering or TLP. */
void ws_tcp_lr_arm(struct ws_tcp_conn *c, bool restart);
/* The timer in mode WS_TCP_RTX_REORDER or WS_TCP_RTX_TLP fired. */
void ws_tcp_lr_timeout(struct ws_tcp_conn *c);

/* As a receiver: [left, right) arrived again (RFC 2883). */
void ws_tcp_lr_dsack_note(struct ws_tcp_conn *c, uint32_t left,
		uint32_t right);

#ifdef RTE_ENABLE_ASSERT
void ws_tcp_lr_check(const struct ws_tcp_conn *c);
#endif

#endif /* WS_TCP_SACK_H */
