/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Loss recovery for SACK peers, as Linux does it:
 *
 * - the scoreboard (RFC 6675 3): a record per transmitted segment, from
 *   a per-worker pool, marked SACKED / LOST / RETRANS by the peer's SACK
 *   blocks, with the byte counts sacked_out, lost_out and retrans_out;
 * - RACK (RFC 8985 6): a segment is lost once one sent after it was
 *   delivered and a reordering window has passed; TLP (RFC 8985 7): a
 *   probe after two round trips of silence turns a tail loss into SACKs;
 * - PRR (RFC 6937, PRR-SSRB) sets how much is sent during recovery;
 * - D-SACK (RFC 2883) and timestamps (RFC 3522) prove retransmissions
 *   spurious: the window reduction is undone, and the reordering window
 *   grows.
 *
 * Complexity: SACK blocks already marked by the previous ACK are skipped
 * (the cache), and marking starts at the record where the last marking
 * ended, so an ACK that SACKs the next segments near the right edge costs
 * O(segments newly SACKed). RACK walks the in-flight records in order of
 * transmission and stops at the first one not yet lost; NextSeg resumes
 * where the last retransmission was. Peers without SACK keep NewReno
 * (ws_tcp_in.c) and get no records.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "ws_tcp_priv.h"
#include "ws_worker.h"

#define DUPTHRESH	3
/* RFC 8985 7.2: the worst-case delayed-ACK time of the peer. */
#define TLP_WCDELACK_US	200000u
/* Linux's tcp_min_rtt_wlen: min_RTT is the least sample of 5 minutes. */
#define MIN_RTT_WIN_MS	300000u
#define REO_MULT_MAX	16
/* RFC 8985 6.2 step 4: recoveries the grown reo_wnd persists. */
#define REO_PERSIST	16

/* ------------------------------------------------------------------ */
/* Pool and records.                                                   */

int
ws_tcp_lr_pool_init(struct ws_tcp_worker *tw, uint32_t n, int socket)
{
	/*
	 * Records are carved from the array on first use (rec_alloc), not
	 * threaded onto the free list here: a worker that never needs most
	 * of them never touches their pages, and init costs no loop over
	 * thousands of them (the fuzzer re-inits the module per input).
	 */
	tw->recs = rte_malloc_socket("ws_tcp_recs", sizeof(*tw->recs) *
		RTE_MAX(n, 1u), RTE_CACHE_LINE_SIZE, socket);
	if (tw->recs == NULL)
		return -ENOMEM;
	tw->n_recs = n;
	tw->recs_carved = 0;
	tw->free_recs = NULL;
	tw->recs_free = n;
	return 0;
}

void
ws_tcp_lr_pool_fini(struct ws_tcp_worker *tw)
{
	rte_free(tw->recs);
	tw->recs = NULL;
	tw->free_recs = NULL;
}

static uint32_t
rec_len(const struct ws_tcp_rec *r)
{
	return r->end - r->seq;
}

static uint64_t
us_to_ticks(const struct ws_tcp_conn *c, uint64_t us)
{
	return us * c->tw->ms_div / 1000;
}

static uint32_t
ticks_to_us(const struct ws_tcp_conn *c, uint64_t t)
{
	uint64_t us = t * 1000 / c->tw->ms_div;

	return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void
tq_remove(struct ws_tcp_lr *lr, struct ws_tcp_rec *r)
{
	if (!(r->flags & WS_TCP_REC_TQ))
		return;
	if (r->tprev != NULL)
		r->tprev->tnext = r->tnext;
	else
		lr->thead = r->tnext;
	if (r->tnext != NULL)
		r->tnext->tprev = r->tprev;
	else
		lr->ttail = r->tprev;
	r->tnext = NULL;
	r->tprev = NULL;
	r->flags &= (uint8_t)~WS_TCP_REC_TQ;
}

/* Sent now: the youngest of those in flight. */
static void
tq_append(struct ws_tcp_lr *lr, struct ws_tcp_rec *r)
{
	tq_remove(lr, r);
	r->tprev = lr->ttail;
	r->tnext = NULL;
	if (lr->ttail != NULL)
		lr->ttail->tnext = r;
	else
		lr->thead = r;
	lr->ttail = r;
	r->flags |= WS_TCP_REC_TQ;
}

/* Back in flight with its old transmit time (undo): in order. */
static void
tq_insert_sorted(struct ws_tcp_lr *lr, struct ws_tcp_rec *r)
{
	struct ws_tcp_rec *p = lr->ttail;

	while (p != NULL && SEQ_GT(p->xmit_no, r->xmit_no))
		p = p->tprev;
	r->tprev = p;
	r->tnext = p != NULL ? p->tnext : lr->thead;
	if (r->tnext != NULL)
		r->tnext->tprev = r;
	else
		lr->ttail = r;
	if (p != NULL)
		p->tnext = r;
	else
		lr->thead = r;
	r->flags |= WS_TCP_REC_TQ;
}

static bool
lost_pending(const struct ws_tcp_rec *r)
{
	return (r->flags & (WS_TCP_REC_LOST | WS_TCP_REC_RETRANS |
		WS_TCP_REC_SACKED)) == WS_TCP_REC_LOST;
}

/* Take r's bytes out of the counts its flags put them in. */
static void
rec_uncount(struct ws_tcp_conn *c, const struct ws_tcp_rec *r)
{
	uint32_t len = rec_len(r);

	if (r->flags & WS_TCP_REC_SACKED) {
		c->sacked_out -= len;
		return;
	}
	if (r->flags & WS_TCP_REC_RETRANS)
		c->retrans_out -= len;
	if (r->flags & WS_TCP_REC_LOST) {
		if (r->flags & WS_TCP_REC_RETRANS)
			c->lr.lost_rtx -= len;
		else
			c->lost_out -= len;
	}
}

static void
rec_count(struct ws_tcp_conn *c, const struct ws_tcp_rec *r)
{
	uint32_t len = rec_len(r);

	if (r->flags & WS_TCP_REC_SACKED) {
		c->sacked_out += len;
		return;
	}
	if (r->flags & WS_TCP_REC_RETRANS)
		c->retrans_out += len;
	if (r->flags & WS_TCP_REC_LOST) {
		if (r->flags & WS_TCP_REC_RETRANS)
			c->lr.lost_rtx += len;
		else
			c->lost_out += len;
	}
}

static struct ws_tcp_rec *
rec_alloc(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_tcp_rec *r = tw->free_recs;

	if (r != NULL)
		tw->free_recs = r->next;
	else if (tw->recs_carved < tw->n_recs)
		r = &tw->recs[tw->recs_carved++];
	if (r != NULL) {
		tw->recs_free--;
		memset(r, 0, sizeof(*r));
		return r;
	}
	if (c->lr.head == NULL) {
		/* Every connection can always hold one record: its own. */
		r = &c->lr.own;
		memset(r, 0, sizeof(*r));
		r->flags = WS_TCP_REC_INLINE;
		return r;
	}
	return NULL;
}

/* Unlink r (its counts already taken out) and give it back. */
static void
rec_free(struct ws_tcp_conn *c, struct ws_tcp_rec *r)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_worker *tw = c->tw;

	tq_remove(lr, r);
	if (lr->hint == r)
		lr->hint = r->next;
	if (lr->rtx_next == r)
		lr->rtx_next = r->next;
	if (lr->dup_cur == r)
		lr->dup_cur = r->next;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		lr->head = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		lr->tail = r->prev;
	lr->n_recs--;
	if (r->flags & WS_TCP_REC_INLINE) {
		r->flags = 0;
		return;
	}
	r->next = tw->free_recs;
	tw->free_recs = r;
	tw->recs_free++;
}

void
ws_tcp_lr_free(struct ws_tcp_conn *c)
{
	while (c->lr.head != NULL) {
		rec_uncount(c, c->lr.head);
		rec_free(c, c->lr.head);
	}
}

/* Is r before the DupThresh cursor (NULL: past the last record)? */
static bool
before_dup_cur(const struct ws_tcp_lr *lr, const struct ws_tcp_rec *r)
{
	return lr->dup_cur == NULL || SEQ_LT(r->seq, lr->dup_cur->seq);
}

/* ------------------------------------------------------------------ */
/* Transmission.                                                       */

static void
append_new(struct ws_tcp_conn *c, uint32_t seq, uint32_t end, bool fin)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_rec *r = rec_alloc(c), *t;

	if (r == NULL) {
		/*
		 * No record left: the segment joins the last one, which is
		 * sent again whole if lost. Its marks go (SACKed data mixed
		 * with unsent would be wrong); loss detection finds it again.
		 */
		c->tw->st->sack_rec_exhausted++;
		t = lr->tail;
		lr->n_sack_cache = 0;
		rec_uncount(c, t);
		if ((t->flags & WS_TCP_REC_SACKED) && before_dup_cur(lr, t))
			lr->dup_below -= rec_len(t);
		t->flags &= (uint8_t)(WS_TCP_REC_INLINE | WS_TCP_REC_TQ |
			WS_TCP_REC_EVER_RETRANS);
		t->end = end;
		if (fin)
			t->flags |= WS_TCP_REC_FIN;
		t->xmit_ts = c->tw->w->now;
		t->xmit_no = lr->xmit_count++;
		tq_append(lr, t);
		return;
	}
	if (lr->head == NULL)
		lr->fack = seq;
	r->seq = seq;
	r->end = end;
	r->xmit_ts = c->tw->w->now;
	r->xmit_no = lr->xmit_count++;
	if (fin)
		r->flags |= WS_TCP_REC_FIN;
	r->prev = lr->tail;
	r->next = NULL;
	if (lr->tail != NULL)
		lr->tail->next = r;
	else
		lr->head = r;
	lr->tail = r;
	lr->n_recs++;
	tq_append(lr, r);
	if (lr->dup_cur == NULL)
		lr->dup_cur = r;
}

void
ws_tcp_lr_sent(struct ws_tcp_conn *c, uint32_t seq, uint32_t len)
{
	struct ws_tcp_worker *tw = c->tw;
	uint32_t end = seq + len, rlen;
	bool fin;

	if (c->ca_state == WS_TCP_CA_RECOVERY)
		c->lr.prr_out += len;
	if (SEQ_LT(seq, c->snd_max)) {
		/* A retransmission: ws_tcp_lr_mark_rtx sets the flags. */
		rlen = SEQ_LT(end, c->snd_max) ? len : c->snd_max - seq;
		c->retrans_bytes += rlen;
		tw->st->retransmit_bytes += rlen;
		c->rtt_timing = 0;	/* Karn */
		if (SEQ_GT(seq + rlen, c->lr.rtx_high) ||
				c->lr.rtx_high == 0)
			c->lr.rtx_high = seq + rlen;
		/* Data sent again below it may be D-SACKed anew. */
		if (c->lr.spurious_high != 0 &&
				SEQ_LT(seq, c->lr.spurious_high))
			c->lr.spurious_high = seq;
		if (c->lr.undo_ok) {
			c->lr.undo_retrans++;
			if (!c->lr.rtx_stamped) {
				c->lr.rtx_stamped = true;
				c->lr.rtx_tsval = ws_tcp_tsval(c);
				c->lr.rtx_seq = seq;
			}
		}
		if (!SEQ_GT(end, c->snd_max))
			return;
		seq = c->snd_max;
	}
	fin = c->shut_wr && end == ws_tcp_fin_seq(c) + 1;
	append_new(c, seq, end, fin);
	c->lr.sent_new = true;
}

void
ws_tcp_lr_mark_rtx(struct ws_tcp_conn *c, struct ws_tcp_rec *r)
{
	struct ws_tcp_lr *lr = &c->lr;

	if (r->flags & WS_TCP_REC_SACKED)
		return;
	rec_uncount(c, r);
	r->flags |= WS_TCP_REC_RETRANS | WS_TCP_REC_EVER_RETRANS;
	r->xmit_ts = c->tw->w->now;
	r->xmit_no = lr->xmit_count++;
	rec_count(c, r);
	tq_append(lr, r);
}

struct ws_tcp_rec *
ws_tcp_lr_next_lost(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_rec *r;

	if (c->lost_out == 0)
		return NULL;
	r = lr->rtx_next != NULL ? lr->rtx_next : lr->head;
	while (r != NULL && !lost_pending(r))
		r = r->next;
	lr->rtx_next = r;
	return r;
}

uint32_t
ws_tcp_lr_pipe(const struct ws_tcp_conn *c)
{
	uint32_t out = ws_tcp_flight(c), gone;

	/* RFC 6675 SetPipe: not SACKed and not lost, plus retransmitted. */
	gone = c->sacked_out + c->lost_out + c->lr.lost_rtx;
	return (out > gone ? out - gone : 0) + c->retrans_out;
}

/* ------------------------------------------------------------------ */
/* Marking.                                                            */

/* Lost: to be retransmitted (NextSeg), no longer in flight. */
static void
mark_lost(struct ws_tcp_conn *c, struct ws_tcp_rec *r)
{
	struct ws_tcp_lr *lr = &c->lr;

	if (r->flags & WS_TCP_REC_SACKED || lost_pending(r))
		return;
	rec_uncount(c, r);
	r->flags |= WS_TCP_REC_LOST;
	r->flags &= (uint8_t)~WS_TCP_REC_RETRANS;
	rec_count(c, r);
	tq_remove(lr, r);
	if (lr->rtx_next == NULL || SEQ_LT(r->seq, lr->rtx_next->seq))
		lr->rtx_next = r;
}

static void min_rtt_update(struct ws_tcp_conn *c, uint32_t rtt_us);

/* RFC 8985 6.2 step 2: RACK.segment is the most recently sent delivered. */
static void
rack_update(struct ws_tcp_conn *c, const struct ws_tcp_rec *r,
		uint32_t prior_fack)
{
	struct ws_tcp_lr *lr = &c->lr;
	uint64_t now = c->tw->w->now;
	uint32_t rtt = ticks_to_us(c, now - r->xmit_ts);

	/* Step 3: delivered below what was already delivered: reordering. */
	if (!(r->flags & WS_TCP_REC_EVER_RETRANS) &&
			SEQ_LT(r->end, prior_fack))
		lr->reord = true;
	/* An ACK of the original may have come after the retransmission. */
	if ((r->flags & WS_TCP_REC_EVER_RETRANS) &&
			lr->min_rtt_us != UINT32_MAX && rtt < lr->min_rtt_us)
		return;
	min_rtt_update(c, rtt);
	if (!lr->rack_valid || SEQ_GT(r->xmit_no, lr->rack_no)) {
		lr->rack_valid = true;
		lr->rack_ts = r->xmit_ts;
		lr->rack_no = r->xmit_no;
		lr->rack_rtt_us = rtt;
	}
}

static void
min_rtt_update(struct ws_tcp_conn *c, uint32_t rtt_us)
{
	struct ws_tcp_lr *lr = &c->lr;
	uint64_t now = c->tw->w->now;

	if (lr->min_rtt_us == UINT32_MAX || rtt_us <= lr->min_rtt_us ||
			now - lr->min_rtt_ts >
			(uint64_t)MIN_RTT_WIN_MS * c->tw->ms_div) {
		lr->min_rtt_us = rtt_us;
		lr->min_rtt_ts = now;
	}
}

/* Newly SACKed: no longer in flight, never to be retransmitted. */
static uint32_t
mark_sacked(struct ws_tcp_conn *c, struct ws_tcp_rec *r, uint32_t prior_fack)
{
	struct ws_tcp_lr *lr = &c->lr;
	uint32_t len = rec_len(r);

	if (r->flags & WS_TCP_REC_SACKED)
		return 0;
	rec_uncount(c, r);
	r->flags |= WS_TCP_REC_SACKED;
	r->flags &= (uint8_t)~(WS_TCP_REC_LOST | WS_TCP_REC_RETRANS);
	rec_count(c, r);
	tq_remove(lr, r);
	if (before_dup_cur(lr, r))
		lr->dup_below += len;
	rack_update(c, r, prior_fack);
	if (SEQ_GT(r->end, lr->fack))
		lr->fack = r->end;
	return len;
}

/* The first record with end > seq, searching from the nearest end. */
static struct ws_tcp_rec *
rec_find(struct ws_tcp_conn *c, uint32_t seq)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_rec *r = lr->hint;

	if (r != NULL && SEQ_LEQ(r->seq, seq) && lr->tail != NULL &&
			seq - r->seq <= lr->tail->end - seq) {
		while (r != NULL && SEQ_LEQ(r->end, seq))
			r = r->next;
		return r;
	}
	if (lr->tail == NULL || SEQ_LEQ(lr->tail->end, seq))
		return NULL;
	if (seq - c->snd_una > (lr->tail->end - c->snd_una) / 2) {
		/* Near the right edge, where new SACK blocks grow. */
		r = lr->tail;
		while (r->prev != NULL && SEQ_GT(r->prev->end, seq))
			r = r->prev;
		return r;
	}
	for (r = lr->head; r != NULL && SEQ_LEQ(r->end, seq); r = r->next)
		;
	return r;
}

/* Mark the records wholly inside [left, right): the bytes newly SACKed. */
static uint32_t
sack_range(struct ws_tcp_conn *c, uint32_t left, uint32_t right,
		uint32_t prior_fack)
{
	struct ws_tcp_rec *r = rec_find(c, left);
	uint32_t n = 0;

	for (; r != NULL && SEQ_LT(r->seq, right); r = r->next) {
		/*
		 * A block may end before our FIN: the FIN has a sequence
		 * number but no data, and receivers that SACK only data
		 * leave it out. Its data SACKed, the record is delivered.
		 */
		if (SEQ_GEQ(r->seq, left) && (SEQ_LEQ(r->end, right) ||
				((r->flags & WS_TCP_REC_FIN) &&
				 r->end - 1 == right && r->seq != right)))
			n += mark_sacked(c, r, prior_fack);
		c->lr.hint = r->next;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Loss detection.                                                     */

static uint32_t
rack_reo_wnd_us(const struct ws_tcp_conn *c)
{
	const struct ws_tcp_lr *lr = &c->lr;
	uint64_t w;

	/* RFC 8985 6.2 step 4. */
	if (!lr->reord) {
		if (c->ca_state >= WS_TCP_CA_RECOVERY)
			return 0;
		if (c->sacked_out >= DUPTHRESH * (uint32_t)c->mss)
			return 0;
	}
	if (lr->min_rtt_us == UINT32_MAX)
		return 0;
	w = (uint64_t)lr->min_rtt_us / 4 * lr->reo_mult;
	if (c->srtt_us != 0 && w > c->srtt_us)
		w = c->srtt_us;
	return (uint32_t)w;
}

/*
 * RFC 8985 6.2 step 5: a segment sent before RACK.segment is lost once
 * RACK.rtt + reo_wnd has passed since it was sent. Sets the reordering
 * timer for the first one not yet due. Returns the segments marked.
 */
static uint32_t
rack_detect(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;
	uint64_t now = c->tw->w->now, due;
	struct ws_tcp_rec *r;
	uint32_t n = 0;

	lr->reo_at = 0;
	if (!lr->rack_valid)
		return 0;
	due = us_to_ticks(c, (uint64_t)lr->rack_rtt_us + rack_reo_wnd_us(c));
	while ((r = lr->thead) != NULL) {
		if (!SEQ_LT(r->xmit_no, lr->rack_no))
			break;
		if (r->xmit_ts + due > now) {
			lr->reo_at = r->xmit_ts + due;
			break;
		}
		mark_lost(c, r);
		c->tw->st->rack_lost++;
		n++;
	}
	return n;
}

/*
 * RFC 6675 IsLost (rack = no): more than (DupThresh - 1) * SMSS bytes
 * SACKed above. The cursor only moves forward: what it passed is SACKed
 * or marked.
 */
static uint32_t
dupthresh_detect(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;
	uint32_t limit = (DUPTHRESH - 1) * (uint32_t)c->mss, n = 0;
	struct ws_tcp_rec *r;

	while ((r = lr->dup_cur) != NULL &&
			c->sacked_out - lr->dup_below > limit) {
		if (r->flags & WS_TCP_REC_SACKED) {
			lr->dup_below += rec_len(r);
		} else if (!(r->flags & WS_TCP_REC_LOST)) {
			mark_lost(c, r);
			n++;
		}
		lr->dup_cur = r->next;
	}
	return n;
}

static uint32_t
detect_losses(struct ws_tcp_conn *c)
{
	if (c->tw->cfg.rack)
		return rack_detect(c);
	return dupthresh_detect(c);
}

/* ------------------------------------------------------------------ */
/* Recovery, PRR and undo.                                             */

/* A congestion event begins: what undo would restore. */
static void
undo_init(struct ws_tcp_conn *c)
{
	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	c->lr.undo_ok = true;
	c->lr.undo_retrans = 0;
	c->lr.rtx_stamped = false;
}

static void
enter_recovery(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;

	undo_init(c);
	c->ssthresh = c->cc->ssthresh(c);
	c->recover = c->snd_max;
	c->ca_state = WS_TCP_CA_RECOVERY;
	c->in_recovery = 1;
	lr->prr_delivered = 0;
	lr->prr_out = 0;
	lr->recover_fs = RTE_MAX(ws_tcp_flight(c), 1u);
	if (lr->tlp_out)
		lr->tlp_loss = true;
	c->tw->st->sack_recoveries++;
}

static void
open_state(struct ws_tcp_conn *c)
{
	c->ca_state = c->sacked_out != 0 ? WS_TCP_CA_DISORDER :
		WS_TCP_CA_OPEN;
	c->in_recovery = 0;
}

static void
exit_recovery(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;

	/* RFC 6937: the window is ssthresh when recovery ends. */
	c->cwnd = ws_max32(c->ssthresh, c->mss);
	c->bytes_acked = 0;
	open_state(c);
	if (lr->reo_persist != 0 && --lr->reo_persist == 0)
		lr->reo_mult = 1;
	if (c->cc->on_recovery_exit != NULL)
		c->cc->on_recovery_exit(c);
}

/* RFC 6937 3: the window for this ACK during recovery. */
static void
prr(struct ws_tcp_conn *c, uint32_t delivered)
{
	struct ws_tcp_lr *lr = &c->lr;
	uint32_t pipe = ws_tcp_lr_pipe(c), mss = c->mss;
	int64_t sndcnt;
	uint64_t target;

	lr->prr_delivered += delivered;
	if (pipe > c->ssthresh) {
		/* Proportional: ceil(prr_delivered * ssthresh / RecoverFS). */
		target = ((uint64_t)lr->prr_delivered * c->ssthresh +
			lr->recover_fs - 1) / lr->recover_fs;
		sndcnt = (int64_t)target - lr->prr_out;
	} else {
		/* Slow-start reduction bound (PRR-SSRB). */
		sndcnt = (int64_t)lr->prr_delivered - lr->prr_out;
		if (sndcnt < (int64_t)delivered)
			sndcnt = delivered;
		sndcnt += mss;
		if (sndcnt > (int64_t)(c->ssthresh - pipe))
			sndcnt = c->ssthresh - pipe;
	}
	if (sndcnt < 0)
		sndcnt = 0;
	/* As Linux: entering recovery always sends the retransmission. */
	if (lr->prr_out == 0 && sndcnt < mss)
		sndcnt = mss;
	c->cwnd = pipe + (uint32_t)sndcnt;
}

/* Clear lost marks of records not retransmitted: they are in flight. */
static void
unmark_lost(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_rec *r;

	for (r = lr->head; r != NULL; r = r->next) {
		if (!(r->flags & WS_TCP_REC_LOST))
			continue;
		rec_uncount(c, r);
		r->flags &= (uint8_t)~WS_TCP_REC_LOST;
		rec_count(c, r);
		if (!(r->flags & (WS_TCP_REC_SACKED | WS_TCP_REC_TQ)))
			tq_insert_sorted(lr, r);
	}
	lr->rtx_next = NULL;
	lr->dup_cur = lr->head;
	lr->dup_below = 0;
}

/* The congestion event was spurious (Linux's tcp_undo_cwnd_reduction). */
static void
undo(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;

	c->cwnd = ws_max32(c->cwnd, c->prior_cwnd);
	c->ssthresh = ws_max32(c->ssthresh, c->prior_ssthresh);
	if (c->cc->undo != NULL)
		c->cc->undo(c);
	c->tw->st->undos++;
	lr->undo_ok = false;
	lr->undo_retrans = 0;
	/* Spurious retransmissions mean reordering (RFC 8985 6.2). */
	lr->reord = true;
	unmark_lost(c);
	open_state(c);
	c->n_rtx = 0;
}

/* ------------------------------------------------------------------ */
/* The ACK.                                                            */

static bool
sack_block_valid(const struct ws_tcp_conn *c, uint32_t l, uint32_t r)
{
	return SEQ_LT(l, r) && SEQ_GEQ(l, c->snd_una) &&
		SEQ_LEQ(r, c->snd_max);
}

/* RFC 2883 4: a D-SACK is the first block, below the ACK or in the second. */
static bool
is_dsack(const struct ws_tcp_seg *sg)
{
	const struct ws_tcp_opts *o = &sg->opts;
	uint32_t l = o->sack[0][0], r = o->sack[0][1];

	if (!SEQ_LT(l, r))
		return false;
	if (SEQ_LEQ(r, sg->ack))
		return true;
	return o->n_sack >= 2 && SEQ_GEQ(l, o->sack[1][0]) &&
		SEQ_LEQ(r, o->sack[1][1]);
}

static void
dsack_rx(struct ws_tcp_conn *c, uint32_t l, uint32_t r)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_stats *st = c->tw->st;

	st->dsack_rx++;
	/* Only data we did send again can be a spurious retransmission. */
	if (lr->rtx_high == 0 || SEQ_GT(r, lr->rtx_high) ||
			SEQ_LT(l, c->snd_una - c->max_snd_wnd))
		return;
	if (lr->spurious_high == 0 || SEQ_GT(r, lr->spurious_high))
		st->spurious_retransmits++;
	if (lr->undo_ok && lr->undo_retrans != 0)
		lr->undo_retrans--;
	/* RFC 8985 6.2 step 4: once per round trip, a wider reo_wnd. */
	if (!lr->dsack_round_ok || SEQ_GEQ(c->snd_una, lr->dsack_round)) {
		if (lr->reo_mult < REO_MULT_MAX)
			lr->reo_mult++;
		lr->reo_persist = REO_PERSIST;
		lr->dsack_round = c->snd_max;
		lr->dsack_round_ok = true;
	}
	if (lr->tlp_out && lr->tlp_rtx && r == lr->tlp_end) {
		/* Original and probe both arrived: nothing was lost. */
		lr->tlp_out = false;
	}
}

/* Is block [l, r) inside one the previous ACK carried (already marked)? */
static uint32_t
sack_cached_right(const struct ws_tcp_lr *lr, uint32_t l, uint32_t r)
{
	unsigned int i;

	for (i = 0; i < lr->n_sack_cache; i++) {
		if (SEQ_LEQ(lr->sack_cache[i][0], l) &&
				SEQ_GT(lr->sack_cache[i][1], l))
			return SEQ_LT(lr->sack_cache[i][1], r) ?
				lr->sack_cache[i][1] : r;
	}
	return l;
}

/* The cumulative ACK moved: records wholly acknowledged go. */
static uint32_t
cum_ack(struct ws_tcp_conn *c, uint32_t prior_fack)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_rec *r;
	uint32_t n = 0, cut;

	while ((r = lr->head) != NULL && SEQ_LEQ(r->end, c->snd_una)) {
		if (!(r->flags & WS_TCP_REC_SACKED)) {
			n += rec_len(r);
			rack_update(c, r, prior_fack);
		} else if (before_dup_cur(lr, r)) {
			lr->dup_below -= rec_len(r);
		}
		rec_uncount(c, r);
		rec_free(c, r);
	}
	if (r != NULL && SEQ_LT(r->seq, c->snd_una)) {
		/* Part of a segment (a peer that acks odd amounts). */
		rec_uncount(c, r);
		cut = c->snd_una - r->seq;
		if (!(r->flags & WS_TCP_REC_SACKED))
			n += cut;
		else if (before_dup_cur(lr, r))
			lr->dup_below -= cut;
		r->seq = c->snd_una;
		rec_count(c, r);
	}
	if (SEQ_GT(c->snd_una, lr->fack))
		lr->fack = c->snd_una;
	return n;
}

static void
tlp_ack(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg, bool dsack)
{
	struct ws_tcp_lr *lr = &c->lr;
	bool loss;

	if (!lr->tlp_out || SEQ_LT(c->snd_una, lr->tlp_end))
		return;
	lr->tlp_out = false;
	/*
	 * RFC 8985 7.4: a probe that repeated the last segment repaired a
	 * loss unless both copies arrived: then a D-SACK follows, and the
	 * ACK of the original echoes the original's timestamp.
	 */
	loss = lr->tlp_loss;
	if (!loss && lr->tlp_rtx && !dsack)
		loss = !c->ts_ok || !(sg->opts.present & WS_TCP_OPT_HAS_TS) ||
			SEQ_GEQ(sg->opts.tsecr, lr->tlp_tsval);
	if (!loss)
		return;
	c->tw->st->tlp_recoveries++;
	if (!lr->tlp_loss && c->ca_state < WS_TCP_CA_RECOVERY) {
		/* RFC 8985 7.4.2: a loss all the same: the window falls. */
		undo_init(c);
		c->ssthresh = c->cc->ssthresh(c);
		c->cwnd = ws_max32(c->ssthresh, c->mss);
	}
	lr->tlp_loss = false;
}

void
ws_tcp_lr_ack(struct ws_tcp_conn *c, const struct ws_tcp_seg *sg,
		uint32_t prior_una, uint32_t rtt_us)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_stats *st = c->tw->st;
	const struct ws_tcp_opts *o = &sg->opts;
	uint32_t delivered, prior_fack = lr->fack, acked, l, r;
	unsigned int i, first = 0, n = 0;
	bool dsack = false, advanced = SEQ_GT(c->snd_una, prior_una);
	bool exited = false;

	if (rtt_us != 0)
		min_rtt_update(c, rtt_us);
	delivered = cum_ack(c, prior_fack);
	if ((o->present & WS_TCP_OPT_HAS_SACK) && o->n_sack != 0) {
		if (is_dsack(sg)) {
			dsack = true;
			first = 1;
			dsack_rx(c, o->sack[0][0], o->sack[0][1]);
		}
		for (i = first; i < o->n_sack; i++) {
			l = o->sack[i][0];
			r = o->sack[i][1];
			if (!sack_block_valid(c, l, r)) {
				st->sack_blocks_invalid++;
				continue;
			}
			/* Skip what the previous ACK's blocks marked. */
			l = sack_cached_right(lr, l, r);
			if (l != r)
				delivered += sack_range(c, l, r, prior_fack);
			lr->sack_cache[n][0] = o->sack[i][0];
			lr->sack_cache[n][1] = r;
			n++;
		}
	}
	lr->n_sack_cache = (uint8_t)n;
	if (c->ca_state == WS_TCP_CA_OPEN && c->sacked_out != 0)
		c->ca_state = WS_TCP_CA_DISORDER;

	/* Undo: all retransmissions proved spurious by D-SACK ... */
	if (dsack && lr->undo_ok && lr->rtx_stamped &&
			lr->undo_retrans == 0) {
		undo(c);
	} else if (advanced && lr->undo_ok && lr->rtx_stamped &&
			c->ca_state >= WS_TCP_CA_RECOVERY && c->ts_ok &&
			SEQ_GT(c->snd_una, lr->rtx_seq) &&
			c->retrans_out == 0 &&
			(o->present & WS_TCP_OPT_HAS_TS) && o->tsecr != 0 &&
			SEQ_LT(o->tsecr, lr->rtx_tsval)) {
		/*
		 * ... or by the timestamp the ACK of the first retransmitted
		 * data echoes: the original's (RFC 3522). Only once no
		 * retransmission is still in flight (Linux's partial undo
		 * asks the same): the first hole filled by its original says
		 * nothing of the others, and on a path that both reorders
		 * and loses, undoing there undid real losses too (half of
		 * all recoveries through the test relay, each one then
		 * entered again).
		 */
		st->spurious_retransmits += lr->undo_retrans;
		lr->spurious_high = lr->rtx_high;
		undo(c);
	}

	detect_losses(c);

	if (c->ca_state >= WS_TCP_CA_RECOVERY &&
			SEQ_GEQ(c->snd_una, c->recover) && advanced) {
		if (c->ca_state == WS_TCP_CA_RECOVERY) {
			exit_recovery(c);
			/* RFC 6937: this ACK leaves cwnd at ssthresh. */
			exited = true;
		} else {
			open_state(c);
		}
		/* Losses after the episode start the next one. */
		detect_losses(c);
	}
	tlp_ack(c, sg, dsack);
	if (c->ca_state < WS_TCP_CA_RECOVERY &&
			c->lost_out + lr->lost_rtx != 0)
		enter_recovery(c);
	if (c->ca_state == WS_TCP_CA_DISORDER && c->sacked_out == 0)
		c->ca_state = WS_TCP_CA_OPEN;
	if (c->ca_state == WS_TCP_CA_RECOVERY) {
		prr(c, delivered);
	} else if (advanced && !exited) {
		acked = c->snd_una - prior_una;
		ws_tcp_cc_ack(c, acked, rtt_us, c->snd_max - prior_una);
	}
}

void
ws_tcp_lr_rto(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_rec *r;

	/* Called before cc->on_rto: the first timeout of an episode. */
	if (c->ca_state < WS_TCP_CA_RECOVERY)
		undo_init(c);
	/* Everything not SACKed is lost; SACKed data is not sent again. */
	for (r = lr->head; r != NULL; r = r->next) {
		if (r->flags & WS_TCP_REC_SACKED)
			continue;
		rec_uncount(c, r);
		r->flags &= (uint8_t)~WS_TCP_REC_RETRANS;
		r->flags |= WS_TCP_REC_LOST;
		rec_count(c, r);
		tq_remove(lr, r);
	}
	lr->rtx_next = lr->head;
	lr->dup_cur = NULL;
	lr->dup_below = c->sacked_out;
	lr->reo_at = 0;
	lr->tlp_out = false;
	lr->tlp_loss = false;
	c->ca_state = WS_TCP_CA_LOSS;
	c->in_recovery = 0;
	c->recover = c->snd_max;
}

/* ------------------------------------------------------------------ */
/* Timers.                                                             */

/* RFC 8985 7.2: the probe timeout, in ticks. */
static uint64_t
pto_ticks(const struct ws_tcp_conn *c)
{
	uint64_t us;

	if (c->srtt_us == 0)
		us = 1000000;
	else
		us = 2ull * c->srtt_us;
	if (ws_tcp_flight(c) <= c->mss)
		us += TLP_WCDELACK_US;
	return RTE_MAX(us_to_ticks(c, us), (uint64_t)c->tw->ms_div);
}

static bool
tlp_allowed(const struct ws_tcp_conn *c)
{
	return c->tw->cfg.tlp && c->ca_state == WS_TCP_CA_OPEN &&
		!c->lr.tlp_out && (c->state == WS_TCP_ESTABLISHED ||
		c->state == WS_TCP_CLOSE_WAIT ||
		c->state == WS_TCP_FIN_WAIT_1 ||
		c->state == WS_TCP_CLOSING || c->state == WS_TCP_LAST_ACK);
}

void
ws_tcp_lr_arm(struct ws_tcp_conn *c, bool restart)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_worker *tw = c->tw;
	uint64_t now = tw->w->now, at;
	bool ours = ws_timer_armed(&c->rtx_timer) &&
		(c->rtx_mode == WS_TCP_RTX_RETRANSMIT ||
		 c->rtx_mode == WS_TCP_RTX_REORDER ||
		 c->rtx_mode == WS_TCP_RTX_TLP);
	uint8_t mode = WS_TCP_RTX_RETRANSMIT;

	/* RFC 6298 5.1, 5.3: the RTO runs from the last new ACK. */
	if (restart || !ours)
		lr->rto_at = now + (uint64_t)ws_tcp_rto_data(c) *
			tw->ms_div;
	else if (c->rtx_mode == WS_TCP_RTX_RETRANSMIT)
		lr->rto_at = c->rtx_timer.expire;
	at = lr->rto_at;
	if (lr->reo_at != 0 && lr->reo_at < at) {
		mode = WS_TCP_RTX_REORDER;
		at = RTE_MAX(lr->reo_at, now);
	} else if (tlp_allowed(c)) {
		if (restart || lr->sent_new || !ours ||
				c->rtx_mode != WS_TCP_RTX_TLP)
			lr->pto_at = now + pto_ticks(c);
		/*
		 * RFC 8985 7.2 (TLP_calc_PTO): a PTO past the RTO's expiry
		 * is cut to it, so that a probe, not an RTO, goes first (one
		 * segment in flight: 2 SRTT + WCDelAckT passes a 200 ms RTO).
		 * A probe keeps cwnd; an RTO would start over from one
		 * segment for what may be a lost tail or a delayed ACK.
		 */
		mode = WS_TCP_RTX_TLP;
		at = RTE_MIN(lr->pto_at, at);
	}
	lr->sent_new = false;
	if (ours && c->rtx_mode == mode && c->rtx_timer.expire == at)
		return;
	c->rtx_mode = mode;
	ws_timer_arm(&tw->wheel, &c->rtx_timer, at);
}

void
ws_tcp_lr_timeout(struct ws_tcp_conn *c)
{
	struct ws_tcp_lr *lr = &c->lr;
	struct ws_tcp_worker *tw = c->tw;
	bool rtx = false;

	if (c->rtx_mode == WS_TCP_RTX_REORDER) {
		/* RFC 8985 6.3: the reordering window has passed. */
		c->rtx_mode = WS_TCP_RTX_NONE;
		rack_detect(c);
		if (c->ca_state < WS_TCP_CA_RECOVERY &&
				c->lost_out + lr->lost_rtx != 0) {
			enter_recovery(c);
			prr(c, 0);
		}
		ws_tcp_output(c);
		ws_tcp_lr_arm(c, false);
		return;
	}
	/* RFC 8985 7.3: the probe. */
	c->rtx_mode = WS_TCP_RTX_NONE;
	if (ws_tcp_send_tlp(c, &rtx)) {
		tw->st->tlp_probes++;
		lr->tlp_out = true;
		lr->tlp_rtx = rtx;
		lr->tlp_loss = false;
		lr->tlp_end = c->snd_max;
		lr->tlp_tsval = ws_tcp_tsval(c);
	}
	/* The RTO from now (RFC 8985 7.3). */
	lr->rto_at = tw->w->now + (uint64_t)ws_tcp_rto_data(c) *
		tw->ms_div;
	lr->sent_new = false;
	c->rtx_mode = WS_TCP_RTX_RETRANSMIT;
	ws_timer_arm(&tw->wheel, &c->rtx_timer, lr->rto_at);
}

/* ------------------------------------------------------------------ */
/* Receiver: D-SACK.                                                   */

void
ws_tcp_lr_dsack_note(struct ws_tcp_conn *c, uint32_t left, uint32_t right)
{
	if (!c->sack_ok || !SEQ_LT(left, right))
		return;
	c->lr.dsack_pending = true;
	c->lr.dsack_left = left;
	c->lr.dsack_right = right;
}

/* ------------------------------------------------------------------ */
/* Invariants.                                                         */

#ifdef RTE_ENABLE_ASSERT
void
ws_tcp_lr_check(const struct ws_tcp_conn *c)
{
	const struct ws_tcp_lr *lr = &c->lr;
	const struct ws_tcp_rec *r, *prev = NULL;
	uint32_t sacked = 0, lost = 0, lost_rtx = 0, rtx = 0, n = 0, tq = 0;
	bool seen_dup = lr->dup_cur == NULL;

	if (lr->head == NULL) {
		RTE_VERIFY(lr->tail == NULL && lr->thead == NULL);
		RTE_VERIFY(c->sacked_out == 0 && c->lost_out == 0 &&
			c->retrans_out == 0 && lr->lost_rtx == 0);
		return;
	}
	RTE_VERIFY(lr->head->seq == c->snd_una);
	RTE_VERIFY(lr->tail->end == c->snd_max);
	/* The walk is for small windows: a check per segment stays cheap. */
	if (lr->n_recs > 128)
		return;
	for (r = lr->head; r != NULL; prev = r, r = r->next) {
		RTE_VERIFY(r->prev == prev);
		RTE_VERIFY(SEQ_LT(r->seq, r->end));
		RTE_VERIFY(prev == NULL || prev->end == r->seq);
		if (r == lr->dup_cur)
			seen_dup = true;
		n++;
		if (r->flags & WS_TCP_REC_SACKED) {
			sacked += rec_len(r);
			RTE_VERIFY(!(r->flags & WS_TCP_REC_TQ));
			continue;
		}
		if (r->flags & WS_TCP_REC_RETRANS)
			rtx += rec_len(r);
		if (r->flags & WS_TCP_REC_LOST) {
			if (r->flags & WS_TCP_REC_RETRANS)
				lost_rtx += rec_len(r);
			else
				lost += rec_len(r);
		}
		RTE_VERIFY(!!(r->flags & WS_TCP_REC_TQ) == !lost_pending(r));
	}
	RTE_VERIFY(prev == lr->tail && n == lr->n_recs && seen_dup);
	RTE_VERIFY(sacked == c->sacked_out && lost == c->lost_out &&
		lost_rtx == lr->lost_rtx && rtx == c->retrans_out);
	for (r = lr->thead, prev = NULL; r != NULL; prev = r, r = r->tnext) {
		RTE_VERIFY(r->tprev == prev && (r->flags & WS_TCP_REC_TQ));
		RTE_VERIFY(prev == NULL || prev->xmit_ts <= r->xmit_ts);
		tq++;
	}
	RTE_VERIFY(prev == lr->ttail && tq <= n);
}
#endif
