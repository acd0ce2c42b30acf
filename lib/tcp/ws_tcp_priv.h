/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TCP_PRIV_H
#define WS_TCP_PRIV_H

/*
 * TCP internals shared by the ws_tcp*.c modules (and white-box tests):
 * the TCB, the per-worker state, sequence arithmetic, options, and the
 * functions the modules call in each other.
 *
 * Ownership: everything here belongs to one worker. A TCB is taken from
 * the worker's preallocated pool and returned to it; buffers are mbufs
 * from the worker's pool; timers live in the worker's wheel.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ws_config.h"
#include "ws_stats.h"
#include "ws_syncookie.h"
#include "ws_tcp.h"
#include "ws_tcp_sack.h"
#include "ws_timer.h"

struct ws_worker;

/* 32-bit wrap-safe sequence comparisons (RFC 9293 3.4, REC-1). */
#define SEQ_LT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_MAX(a, b)	(SEQ_GT(a, b) ? (a) : (b))
#define SEQ_MIN(a, b)	(SEQ_LT(a, b) ? (a) : (b))

/* TCP flag bits (the byte at offset 13 of the header). */
#define TH_FIN	RTE_TCP_FIN_FLAG
#define TH_SYN	RTE_TCP_SYN_FLAG
#define TH_RST	RTE_TCP_RST_FLAG
#define TH_PSH	RTE_TCP_PSH_FLAG
#define TH_ACK	RTE_TCP_ACK_FLAG
#define TH_URG	RTE_TCP_URG_FLAG

#define WS_TCP_HDR_LEN		20
#define WS_TCP_OPT_MAX		40
#define WS_TCP_MAX_WSCALE	14	/* RFC 7323 2.3 */
#define WS_TCP_DEFAULT_MSS	536	/* RFC 9293 MUST-15 (IPv4) */
/*
 * The least send MSS, options included (Linux's TCP_MIN_SND_MSS): a peer
 * MSS or path MTU below it would leave no room for payload once the
 * timestamps are taken off.
 */
#define WS_TCP_MIN_SND_MSS	48
#define WS_TCP_MAX_LISTENERS	32
#define WS_TCP_WHEEL_SLOTS	4096
#define WS_TCP_SYN_RTO_MIN_MS	3000	/* RFC 6298 (5.7) */
/* RFC 7323 5.5: TS.Recent is forgotten after 24 days idle. */
#define WS_TCP_TS_STALE_MS	(24u * 24 * 3600 * 1000)
#define WS_TCP_EPHEMERAL_LO	49152
#define WS_TCP_EPHEMERAL_N	16384
/*
 * TIME_WAIT reuse by an active open (Linux's tcp_tw_reuse): the peer must
 * have been silent this long, so that its timestamp clock, which ticks at
 * least once a second (RFC 7323 5.4), has moved past every old segment's;
 * and the new ISS lies this far above the old SND.NXT (Linux: 65535 + 2),
 * beyond any window the peer could have offered the old connection.
 */
#define WS_TCP_TW_REUSE_MS	1000
#define WS_TCP_TW_REUSE_SEQ_GAP	65537u
/*
 * At most one ACK per connection per this many ms answers segments we
 * drop as invalid (out of window, PAWS, impossible ACK): two stacks that
 * disagree must not ping-pong ACKs forever (Linux: tcp_invalid_ratelimit).
 */
#define WS_TCP_INVALID_ACK_MS	500
/* Held receive data costs at most one mbuf per this many bytes. */
#define WS_TCP_RB_BYTES_PER_SEG	128
/* Send-buffer mbufs a connection may always hold (ws_mbuf_plan: floor). */
#define WS_TCP_SB_MIN_MBUFS	4

/* Option kinds (RFC 9293 3.2, RFC 7323, RFC 2018). */
#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WSCALE	3
#define TCPOPT_SACK_OK	4
#define TCPOPT_SACK	5
#define TCPOPT_TS	8

#define WS_TCP_OPT_HAS_MSS	0x01
#define WS_TCP_OPT_HAS_WS	0x02
#define WS_TCP_OPT_HAS_SACK_OK	0x04
#define WS_TCP_OPT_HAS_TS	0x08
#define WS_TCP_OPT_HAS_SACK	0x10

#define WS_TCP_SACK_MAX		4

/* The options of one received segment. */
struct ws_tcp_opts {
	uint8_t present;		/* WS_TCP_OPT_HAS_* */
	uint8_t wscale;			/* already clamped to 14 */
	uint16_t mss;
	uint32_t tsval, tsecr;
	uint8_t n_sack;
	uint32_t sack[WS_TCP_SACK_MAX][2];	/* left, right (host order) */
};

/*
 * Parse 'len' bytes of options at 'p'. Stops at EOL. Returns 0, or
 * -EINVAL on an illegal length (0, 1, or past the header: MUST-7), in
 * which case what was parsed before it is kept and nothing past it is
 * read. Unknown kinds are skipped (MUST-6); a known kind with the wrong
 * length is ignored.
 */
int ws_tcp_opts_parse(const uint8_t *p, unsigned int len,
		struct ws_tcp_opts *o);

/* The 4-tuple as the connection table hashes it (network order). */
struct ws_tcp_key {
	uint32_t raddr;
	uint32_t laddr;
	uint16_t rport;
	uint16_t lport;
};

/* One received segment, parsed (ws_tcp_in.c). */
struct ws_tcp_seg {
	struct rte_mbuf *m;		/* the frame, until taken */
	struct ws_tcp_key key;		/* our view: r = the sender */
	uint32_t seq, ack;
	uint32_t len;			/* payload bytes */
	uint32_t payload_off;		/* into m */
	uint16_t wnd;			/* raw */
	uint8_t flags;
	bool opts_bad;
	struct ws_tcp_opts opts;
};

/* One out-of-order segment: payload only, from the worker's node pool. */
struct ws_tcp_ooo {
	struct ws_tcp_ooo *next;
	struct rte_mbuf *m;		/* payload starts at data offset 0 */
	uint32_t seq;
	uint32_t len;
	bool fin;
};

struct ws_tcp_listener {
	uint16_t port;			/* host order; 0 = free slot */
	bool cookie_mode;		/* auto mode: answering with cookies */
	const struct ws_tcp_ops *ops;
	void *arg;
	uint32_t pending;		/* SYN_RECEIVED connections */
	uint64_t cookie_last;		/* ticks: last cookie SYN-ACK */
	uint64_t cookies_sent;
	uint64_t cookies_validated;
	/* What its connections get (ws_tcp_listen_worker_opts), checked. */
	struct ws_tcp_conn_opts opts;
	uint8_t rcv_shift;		/* our window scale for opts.rcvbuf */
	uint16_t mss;			/* the MSS its SYN-ACKs advertise */
};

/* What the retransmission timer is timing. */
enum ws_tcp_rtx_mode {
	WS_TCP_RTX_NONE = 0,
	WS_TCP_RTX_RETRANSMIT,
	WS_TCP_RTX_PERSIST,
	WS_TCP_RTX_KEEPALIVE,
	WS_TCP_RTX_REORDER,		/* RACK's reordering timer */
	WS_TCP_RTX_TLP,			/* a tail loss probe is due */
};

struct ws_tcp_cc_ops;

/* Where loss recovery stands (as Linux's tcp_ca_state). */
enum ws_tcp_ca_state {
	WS_TCP_CA_OPEN = 0,		/* no loss suspected */
	WS_TCP_CA_DISORDER,		/* duplicate ACKs or SACKs seen */
	WS_TCP_CA_RECOVERY,		/* fast recovery */
	WS_TCP_CA_LOSS,			/* after a retransmission timeout */
};

/* Bytes of CC-private state in a TCB (ws_tcp_conn.cc_priv). */
#define WS_TCP_CC_PRIV_SIZE	64

/*
 * The TCB. Hot fields for input first. Sequence variables are RFC 9293's;
 * snd_max is the highest sequence ever sent (snd_nxt goes back to snd_una
 * after a timeout, snd_max does not).
 */
struct ws_tcp_conn {
	struct ws_tcp_key key;
	uint8_t state;			/* enum ws_tcp_state */
	uint8_t snd_shift;		/* peer's window scale */
	uint8_t rcv_shift;		/* ours */
	uint8_t rtx_mode;		/* enum ws_tcp_rtx_mode */

	/* Flags. */
	uint32_t passive:1;		/* came from a listener (MUST-11) */
	uint32_t in_table:1;
	uint32_t in_use:1;		/* taken from the pool */
	uint32_t app_known:1;		/* the app holds it */
	uint32_t app_closed:1;		/* ws_tcp_close was called */
	uint32_t shut_wr:1;		/* FIN queued after the data */
	uint32_t fin_rcvd:1;
	uint32_t fin_acked:1;		/* our FIN was acknowledged */
	uint32_t ts_ok:1;		/* RFC 7323 timestamps negotiated */
	uint32_t ws_ok:1;		/* window scaling negotiated */
	uint32_t sack_ok:1;
	uint32_t nodelay:1;
	uint32_t keepalive:1;
	uint32_t ack_now:1;		/* send an ACK at the next output */
	uint32_t ack_delayed:1;		/* delayed ACK timer armed */
	uint32_t rtt_timing:1;		/* rtt_seq is being timed */
	uint32_t in_recovery:1;		/* NewReno fast recovery */
	uint32_t syn_rtx:1;		/* SYN (-ACK) was retransmitted */
	uint32_t want_writable:1;	/* a send came up short */
	uint32_t dead:1;		/* CLOSED; memory freed when !busy */
	uint32_t delivering:1;		/* inside the 'data' callback */
	uint32_t ack_queued:1;		/* on the worker's ACK list */
	uint32_t in_tw_list:1;		/* on the TIME_WAIT list */
	uint32_t close_deferred:1;	/* close() from inside 'data' */
	uint32_t half_open:1;		/* counted in listener->pending */
	uint32_t from_cookie:1;		/* handshake completed by a cookie */
	uint32_t in_bw_list:1;		/* waits for send-buffer budget */
	uint32_t orphan:1;		/* counted in the orphans gauge */
	uint32_t pmtu_no_df:1;		/* MTU below pmtu_min: no DF */
	uint32_t pacing:1;		/* [tcp] pacing: ws_tcp_output paces */
	uint32_t rcvbuf_fixed:1;	/* set by the application: no autotuning */
	uint32_t sndbuf_fixed:1;

	uint16_t busy;			/* callers on the stack using c */
	uint16_t mss;			/* effective send MSS (MUST-16) */
	uint16_t peer_mss;		/* from the peer's SYN */
	uint16_t rcv_mss;		/* the MSS we advertised */
	uint16_t ooo_n;
	uint16_t ip_id;			/* IPv4 ID of the next DF segment */
	uint8_t dupacks;
	uint8_t close_reason;

	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;		/* right edge we advertised */
	uint32_t last_ack_sent;
	uint32_t ts_recent;
	uint64_t ts_recent_ms;		/* when ts_recent was set */
	uint32_t ts_off;		/* added to our ms clock for TSval */
	uint32_t ts_sent;		/* the last TSval we sent */

	/* Retransmission (RFC 6298); microseconds unless named _ms. */
	uint32_t srtt_us, rttvar_us;
	uint32_t rto_ms;
	uint32_t rtt_seq;
	uint64_t rtt_start;		/* ticks */
	uint32_t n_rtx;			/* timeouts in a row (backoff) */
	uint64_t rtx_first;		/* ticks of the first of them */
	uint64_t una_ts;		/* ticks: SND.UNA's data went out, or
					 * the peer last acknowledged new data */
	uint64_t retransmits;
	uint32_t r2_ms;

	/* Congestion control. */
	const struct ws_tcp_cc_ops *cc;
	uint32_t cwnd, ssthresh, recover;
	uint32_t bytes_acked;		/* congestion avoidance counter */
	uint8_t ca_state;		/* enum ws_tcp_ca_state */
	/* Before the last congestion event, for undo. */
	uint32_t prior_cwnd, prior_ssthresh;
	/* Loss recovery's view of the flight, in bytes. */
	uint32_t sacked_out;		/* SACKed above snd_una */
	uint32_t lost_out;		/* marked lost, not yet resent */
	uint32_t retrans_out;		/* retransmitted, still in flight */
	uint64_t retrans_bytes;		/* retransmitted, ever */
	/*
	 * The most in flight this round (until snd_una passes flight_round),
	 * for cwnd validation (ws_tcp_cc_ack), as Linux's max_packets_out.
	 */
	uint32_t flight_hi, flight_round;
	/* The algorithm's own state (CUBIC's epoch, W_max, ...). */
	uint64_t cc_priv[WS_TCP_CC_PRIV_SIZE / 8];
	/*
	 * Pacing: bytes new data may still take now, refilled at the
	 * pacing rate as time passes (ws_tcp_out.c); pace_timer resumes
	 * output when it ran out.
	 */
	int64_t pace_budget;
	uint64_t pace_last;		/* ticks: last refill; 0 = never */
	/* SACK scoreboard, RACK-TLP, PRR, undo (ws_tcp_sack.c). */
	struct ws_tcp_lr lr;

	/* Send buffer: unacked then unsent bytes; also the rtx queue. */
	/* Single-segment mbufs linked through ->next. */
	struct rte_mbuf *sb_head, *sb_tail;
	uint32_t sb_off;		/* bytes of sb_head already acked */
	uint32_t sb_len;		/* bytes from snd_una on */
	uint32_t sb_mbufs;		/* segments in it (the worker's budget) */
	/*
	 * Where the last copy out of the send buffer ended, so the next
	 * segment starts there rather than walking from snd_una (a walk
	 * per segment made sending quadratic in the window).
	 */
	const struct rte_mbuf *sb_cur;	/* NULL: start from sb_head */
	uint32_t sb_cur_seq;		/* sequence number of its first byte */

	/* Receive buffer: one chain the app sees through 'data'. */
	struct rte_mbuf *rb_head, *rb_tail;	/* chain, its last segment */
	uint32_t rb_off;		/* consumed bytes of rb_head */
	uint32_t rb_len;		/* held bytes */
	uint32_t rcv_segs_unacked;	/* full segments since our last ACK */
	/*
	 * Receive-buffer autotuning (as Linux's DRS): the buffer grows from
	 * cfg.rcvbuf toward cfg.rcvbuf_max to twice what the application
	 * reads in one of the receiver's RTTs, measured from the peer's
	 * echo of our timestamps, or without them by the time one window
	 * takes to arrive (ws_tcp_rcv_rtt_measure, ws_tcp_rcvbuf_adjust).
	 */
	uint32_t rcvbuf;		/* bytes: the window we may offer */
	uint32_t rcv_rtt_us8;		/* receiver's RTT estimate, << 3 */
	uint32_t rcv_rtt_seq;		/* no TS: timing until rcv_nxt is here */
	uint64_t rcv_rtt_start;		/* ticks; 0 = not timing */
	uint32_t rcv_rtt_tsecr;		/* the last TSecr sampled */
	uint32_t rcvq_space;		/* bytes read in the last measured RTT */
	uint32_t rcvq_seq;		/* read up to here when it began */
	uint64_t rcvq_time;		/* ticks: when it began; 0 = not yet */
	/* Send-buffer autotuning: grows from cfg.sndbuf with cwnd. */
	uint32_t sndbuf;		/* bytes the send buffer may hold */

	struct ws_tcp_ooo *ooo;		/* sorted by seq */
	uint32_t ooo_bytes;
	/*
	 * RFC 2018 4: a sequence number in each of the most recently
	 * reported SACK blocks, newest first, so our SACK option lists the
	 * block the last out-of-order segment went into first.
	 */
	uint32_t sack_hint[WS_TCP_SACK_MAX];
	uint8_t n_sack_hint;

	/* Keep-alive (RFC 9293 3.8.4). */
	uint32_t ka_idle_ms, ka_intvl_ms, ka_cnt, ka_probes;
	uint64_t last_rx;		/* ticks */
	uint64_t last_tx;		/* ticks: last data sent */
	uint64_t last_invalid_ack;	/* ticks */
	uint64_t last_chack;		/* ticks: last challenge ACK sent */
	uint32_t orphan_probes;		/* persist probes since orphaned */

	/* The application's idle timer (ws_tcp_set_idle_timeout). */
	uint32_t idle_ms;		/* 0 = off */
	uint64_t idle_base;		/* ticks: last data, set or firing */

	struct ws_timer rtx_timer;	/* rtx, persist or keep-alive */
	struct ws_timer delack_timer;
	struct ws_timer wait_timer;	/* TIME_WAIT, FIN_WAIT_2 */
	struct ws_timer idle_timer;	/* the application's idle timer */
	struct ws_timer pace_timer;	/* pacing: send the next burst */

	struct ws_tcp_worker *tw;
	struct ws_tcp_listener *listener;	/* until accepted */
	const struct ws_tcp_ops *ops;
	void *ctx;
	struct ws_tcp_conn *next_free;
	struct ws_tcp_conn *ack_next;	/* the worker's ACK list */
	/* The worker's TIME_WAIT list, oldest first. */
	struct ws_tcp_conn *tw_next, *tw_prev;
	/* The worker's list of sends the budget refused, oldest first. */
	struct ws_tcp_conn *bw_next, *bw_prev;
};

struct ws_tcp_worker {
	struct ws_worker *w;
	struct ws_tcp_config cfg;	/* with zero values defaulted */
	struct ws_tcp_stats *st;
	struct rte_hash *table;
	struct ws_tcp_conn *tcbs;
	struct ws_tcp_conn *free_tcbs;
	uint32_t n_tcbs;
	struct ws_tcp_ooo *ooo_nodes;
	struct ws_tcp_ooo *free_ooo;
	struct ws_timer_wheel wheel;
	bool wheel_ok;
	struct ws_tcp_listener listeners[WS_TCP_MAX_LISTENERS];
	uint32_t half_open;		/* SYN_RECEIVED from all listeners */
	struct ws_syncookie_keys cookie_keys;
	const uint8_t *isn_key;		/* the process's (ws_syncookie.h) */
	uint32_t next_port;		/* ephemeral search cursor */
	/* The ephemeral range, [port_lo, port_lo + port_n); tests narrow it. */
	uint16_t port_lo;
	uint32_t port_n;
	/* listeners[0 .. n_listeners - 1]: none is ever removed */
	unsigned int n_listeners;
	uint8_t rcv_shift;		/* our window scale for cfg.rcvbuf_max */
	uint64_t chack_start;		/* ticks: current 1 s window */
	uint32_t chack_count;
	uint32_t chack_budget;		/* this window's, drawn at random */
	uint64_t ms_div;		/* ticks per millisecond */
	bool in_input;			/* inside ws_tcp_input */
	bool draining;			/* ws_tcp_drain_begin: refuse new ones */
	struct ws_tcp_conn *ack_list;	/* ACKs owed after the burst */
	struct ws_tcp_conn *tw_head, *tw_tail;
	/*
	 * Send buffers share one budget of mbufs per worker, so that
	 * clients that never read cannot take the whole pool. A send the
	 * budget refuses puts its connection on the bw list; the poll loop
	 * calls 'writable' once the budget has room again (ws_tcp_timer).
	 */
	uint32_t sb_mbufs;		/* held by all send buffers */
	uint32_t sb_budget;		/* their most */
	uint32_t sb_wake;		/* wake waiters below this */
	uint32_t sb_mbuf_bytes;		/* data one send-buffer mbuf holds */
	struct ws_tcp_conn *bw_head, *bw_tail;
	/* The scoreboard's records (ws_tcp_sack.c), for all connections. */
	struct ws_tcp_rec *recs;
	struct ws_tcp_rec *free_recs;		/* returned ones */
	uint32_t n_recs, recs_free;
	uint32_t recs_carved;			/* recs[0..carved) handed out once */
};

/* ws_tcp.c: core. */
void ws_tcp_set_state(struct ws_tcp_conn *c, enum ws_tcp_state state);
struct ws_tcp_conn *ws_tcp_conn_alloc(struct ws_tcp_worker *tw,
		const struct ws_tcp_key *key);
int ws_tcp_conn_insert(struct ws_tcp_conn *c);
/*
 * Per-connection options (ws_tcp_conn_opts): 0 or -EINVAL for 'o' on
 * tw; then the window scale to offer with them, and a new TCB made to
 * follow them (before its SYN or SYN-ACK is built).
 */
int ws_tcp_conn_opts_check(const struct ws_tcp_worker *tw,
		const struct ws_tcp_conn_opts *o);
uint8_t ws_tcp_opts_rcv_shift(const struct ws_tcp_worker *tw,
		const struct ws_tcp_conn_opts *o);
void ws_tcp_conn_apply_opts(struct ws_tcp_conn *c,
		const struct ws_tcp_conn_opts *o);
/* ws_tcp_conn_alloc and ws_tcp_conn_insert: NULL when either has no room. */
struct ws_tcp_conn *ws_tcp_conn_new(struct ws_tcp_worker *tw,
		const struct ws_tcp_key *key);

struct ws_tcp_conn *ws_tcp_lookup(struct ws_tcp_worker *tw,
		const struct ws_tcp_key *key);
struct ws_tcp_listener *ws_tcp_find_listener(struct ws_tcp_worker *tw,
		uint16_t port);
/* Enter CLOSED: report 'closed' (if the app knows c) and free it. */
void ws_tcp_conn_drop(struct ws_tcp_conn *c, enum ws_tcp_close_reason why);
void ws_tcp_conn_hold(struct ws_tcp_conn *c);
void ws_tcp_conn_release(struct ws_tcp_conn *c);
uint32_t ws_tcp_isn(struct ws_tcp_worker *tw, const struct ws_tcp_key *key,
		uint32_t *ts_off);
/* The TSval offset of the 4-tuple alone (ws_tcp_isn's *ts_off). */
uint32_t ws_tcp_ts_off(const struct ws_tcp_worker *tw,
		const struct ws_tcp_key *key);
uint64_t ws_tcp_now_ms(const struct ws_tcp_worker *tw);
uint32_t ws_tcp_tsval(const struct ws_tcp_conn *c);
void ws_tcp_timer_arm_ms(struct ws_tcp_conn *c, struct ws_timer *t,
		uint32_t ms);
void ws_tcp_timer_stop(struct ws_tcp_conn *c, struct ws_timer *t);
void ws_tcp_rtx_restart(struct ws_tcp_conn *c);
/* The RTO with the backoff of the timeouts in a row (ms). */
uint32_t ws_tcp_rto_backed_off(const struct ws_tcp_conn *c);
uint32_t ws_tcp_rto_data(const struct ws_tcp_conn *c);
void ws_tcp_rtt_sample(struct ws_tcp_conn *c, uint32_t rtt_us);
void ws_tcp_enter_time_wait(struct ws_tcp_conn *c);
/* RFC 5961 7: may c send a challenge ACK now (counts it if so)? */
bool ws_tcp_challenge_ack_allowed(struct ws_tcp_conn *c);
void ws_tcp_conn_init_cc(struct ws_tcp_conn *c);
void ws_tcp_deliver(struct ws_tcp_conn *c);
/* After a segment: re-arm timers, tell the app about send space. */
void ws_tcp_after_input(struct ws_tcp_conn *c, bool acked_new);


/* ws_tcp_in.c. */
void ws_tcp_input_segment(struct ws_tcp_worker *tw, struct rte_mbuf *m);
/* A segment for a TCB: RFC 9293 3.10.7.3-4 event processing. */
void ws_tcp_conn_input(struct ws_tcp_conn *c, struct ws_tcp_seg *sg);
/* RFC 9293 3.10.7.1: the reply to a segment nobody wants. */
void ws_tcp_reply_rst(struct ws_tcp_worker *tw, const struct ws_tcp_seg *sg);
/* MUST-16: c->mss from the peer's MSS and ours, less the options. */
void ws_tcp_set_send_mss(struct ws_tcp_conn *c);
/*
 * The payload of a segment for an MSS of 'mss' bytes: at least
 * WS_TCP_MIN_SND_MSS (counted in mss_clamped), less the timestamps.
 */
uint16_t ws_tcp_mss_payload(struct ws_tcp_conn *c, uint32_t mss);
/*
 * The block [*left, *right) of contiguous out-of-order data holding
 * 'seq'; false when none holds it.
 */
bool ws_tcp_ooo_block(const struct ws_tcp_conn *c, uint32_t seq,
		uint32_t *left, uint32_t *right);

/* ws_tcp_listen.c: LISTEN, SYN_RECEIVED's birth and SYN cookies. */
void ws_tcp_listen_input(struct ws_tcp_worker *tw,
		struct ws_tcp_listener *l, struct ws_tcp_seg *sg);
/* c stops being half-open (established or gone): the listener's count. */
void ws_tcp_half_open_done(struct ws_tcp_conn *c);

/*
 * Buffer autotuning (ws_tcp_autotune.c). Time the receiver's RTT on
 * in-order data segment 'sg' ('len' bytes of new data), and grow
 * c->rcvbuf once per RTT after the application read (ws_tcp_deliver).
 */
void ws_tcp_rcv_rtt_measure(struct ws_tcp_conn *c,
		const struct ws_tcp_seg *sg, uint32_t len);
void ws_tcp_rcvbuf_adjust(struct ws_tcp_conn *c);
/*
 * After an ACK: grow c->sndbuf toward cfg.sndbuf_max with cwnd when the
 * buffer, not cwnd, held the application back.
 */
void ws_tcp_sndbuf_expand(struct ws_tcp_conn *c);

/* ws_tcp_out.c. */
/* Send what window, Nagle and the ACK state allow. */
void ws_tcp_output(struct ws_tcp_conn *c);
/*
 * The ACK output owes: sent now, or, while a received burst is being
 * processed, once at its end (MUST-58/59).
 */
void ws_tcp_ack_owed(struct ws_tcp_conn *c);
/* A pure ACK now (also the challenge ACK of RFC 5961). */
void ws_tcp_send_ack(struct ws_tcp_conn *c);
/* SYN or SYN-ACK (by state) with our options. */
void ws_tcp_send_syn(struct ws_tcp_conn *c);
/*
 * A stateless SYN-ACK (SYN cookies), made of the received SYN frame 'm'
 * (taken) and sent back to its Ethernet source: 'key' our view, ISN
 * 'iss', ACK 'ack', our MSS, window shift (or -1 for none), SACK, and
 * the timestamps (has_ts: tsval, tsecr).
 */
struct ws_tcp_synack {
	uint32_t iss, ack;
	uint16_t mss;
	int8_t wscale;			/* -1: no window scale option */
	bool sack_ok;
	bool has_ts;
	uint32_t tsval, tsecr;
	uint16_t wnd;
};
void ws_tcp_send_synack_stateless(struct ws_tcp_worker *tw,
		struct rte_mbuf *m, const struct ws_tcp_key *key,
		const struct ws_tcp_synack *sa);
/* <SEQ=snd_nxt><CTL=RST,ACK> on a connection. */
void ws_tcp_send_rst_conn(struct ws_tcp_conn *c);
/* A RST with no TCB: to 'key' (our view), seq/ack/flags as given. */
void ws_tcp_send_rst(struct ws_tcp_worker *tw, const struct ws_tcp_key *key,
		uint32_t seq, uint32_t ack, uint8_t flags);
/* Retransmit the first unacked segment (or the SYN, or the FIN). */
void ws_tcp_retransmit_first(struct ws_tcp_conn *c);
/*
 * SACK connections: retransmit lost records within the congestion window
 * (RFC 6675 NextSeg (1)); ws_tcp_output calls it first.
 */
void ws_tcp_output_lost(struct ws_tcp_conn *c);
/*
 * A tail loss probe (RFC 8985 7.3): a new segment if the windows allow,
 * else the last segment again. True when one was sent; *rtx says which.
 */
bool ws_tcp_send_tlp(struct ws_tcp_conn *c, bool *rtx);
/* A zero-window or keep-alive probe: <SEQ=SND.UNA-1><CTL=ACK>. */
void ws_tcp_send_probe(struct ws_tcp_conn *c);
/* Drop 'n' acked bytes from the send buffer. */
void ws_tcp_sb_drop(struct ws_tcp_conn *c, uint32_t n);
void ws_tcp_sb_free(struct ws_tcp_conn *c);
/* The window we may advertise now, before scaling, with SWS avoidance. */
uint32_t ws_tcp_rcv_window(struct ws_tcp_conn *c);
uint32_t ws_tcp_fin_seq(const struct ws_tcp_conn *c);

/* ws_tcp_cc.c: congestion control behind an ops table. */
struct ws_tcp_cc_ops {
	const char *name;
	void (*init)(struct ws_tcp_conn *c);
	/*
	 * 'acked' bytes newly acknowledged outside recovery; 'rtt_us' is
	 * this ACK's RTT sample, 0 when it gave none. Grows cwnd.
	 */
	void (*on_ack)(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us);
	/*
	 * A congestion event (loss detected, recovery begins): the new
	 * ssthresh. The caller has saved prior_cwnd and prior_ssthresh and
	 * sets cwnd during recovery itself.
	 */
	uint32_t (*ssthresh)(struct ws_tcp_conn *c);
	/* Recovery is over; cwnd is already ssthresh. May be NULL. */
	void (*on_recovery_exit)(struct ws_tcp_conn *c);
	void (*on_rto)(struct ws_tcp_conn *c);
	/* Sending again after an idle period longer than the RTO. */
	void (*on_idle)(struct ws_tcp_conn *c);
	/*
	 * The last congestion event was spurious: restore the algorithm's
	 * own state from before it (the caller restores cwnd and ssthresh
	 * from prior_cwnd and prior_ssthresh). May be NULL.
	 */
	void (*undo)(struct ws_tcp_conn *c);
};

extern const struct ws_tcp_cc_ops ws_tcp_newreno;
extern const struct ws_tcp_cc_ops ws_tcp_cubic;

/*
 * New data acknowledged outside recovery: the window grows (cc->on_ack)
 * only if the sender used it, the most in flight this round or before
 * this ACK ('prior_flight') at least half of cwnd (RFC 7661 2); an
 * application that sends less would otherwise grow cwnd without bound
 * and later burst it. Counted in tcp.cwnd_app_limited.
 */
void ws_tcp_cc_ack(struct ws_tcp_conn *c, uint32_t acked, uint32_t rtt_us,
		uint32_t prior_flight);

/* The algorithm called 'name', or NULL. */
const struct ws_tcp_cc_ops *ws_tcp_cc_find(const char *name);

/*
 * The TCB's invariants, checked (rte_panic on a breach) in builds with
 * RTE_ENABLE_ASSERT (meson -Dasserts=true, every sanitizer build):
 * snd_una <= snd_nxt <= snd_max; the send buffer holds exactly sb_len
 * bytes from snd_una on, and at least what is in flight. Called where
 * input, output and the API leave a connection.
 */
#ifdef RTE_ENABLE_ASSERT
void ws_tcp_check(const struct ws_tcp_conn *c);
#else
static inline void
ws_tcp_check(const struct ws_tcp_conn *c)
{
	RTE_SET_USED(c);
}
#endif

/* RTE_MIN/RTE_MAX nested shadow each other's locals. */
static inline uint32_t
ws_min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t
ws_max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static inline uint32_t
ws_tcp_flight(const struct ws_tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

/* Our ISN: every send sequence variable starts there. */
static inline void
ws_tcp_set_iss(struct ws_tcp_conn *c, uint32_t iss)
{
	c->iss = iss;
	/*
	 * The IPv4 ID of our DF segments counts from a start only this peer
	 * sees (Linux's inet_id). The ISN is keyed and unpredictable
	 * (RFC 6528) and the peer sees it anyway: its bits cost no draw.
	 */
	c->ip_id = (uint16_t)(iss ^ (iss >> 16));
	c->snd_una = iss;
	c->snd_nxt = iss;
	c->snd_max = iss;
	c->recover = iss;
}

/* Send our SYN (or SYN-ACK) and time its retransmission from 'now'. */
static inline void
ws_tcp_syn_start(struct ws_tcp_conn *c, uint64_t now)
{
	c->rtx_first = now;
	ws_tcp_send_syn(c);
	c->rtx_mode = WS_TCP_RTX_RETRANSMIT;
	ws_tcp_timer_arm_ms(c, &c->rtx_timer, c->rto_ms);
}

#endif /* WS_TCP_PRIV_H */
