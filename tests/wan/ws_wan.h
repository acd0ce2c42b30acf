/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_WAN_H
#define WS_WAN_H

/*
 * A WAN emulator for tests and benchmarks (issue 17, item 5): two
 * in-process stacks joined by two one-way links, driven by a fake clock
 * of 1 GHz (a tick is a nanosecond). Nothing sleeps: the event loop moves
 * time to the next frame arrival or the next timer tick of either stack,
 * so a 10 s transfer over a 50 ms path takes what the packets cost to
 * process, and every run with the same seed is the same run.
 *
 * A link (one direction) is, in order:
 *   1. impairments drawn per frame from the link's own PRNG (splitmix64):
 *      explicit drop lists, random loss, Gilbert-Elliott loss;
 *   2. a drop-tail bottleneck queue (bytes and/or packets) served at
 *      'rate_bps' (the IP packet's bytes plus 'overhead' per frame);
 *   3. the propagation delay, plus, for a reordered frame, extra delay
 *      (so later frames overtake it), and duplication (the copy arrives
 *      right behind the original).
 * Impairments apply to TCP segments carrying data unless 'all_frames';
 * ARP and pure ACKs then see only the queue and the delay.
 *
 * Frames move as mbufs, never copied (a duplicate is the one copy).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "ws_config.h"
#include "ws_worker.h"

#define WS_WAN_HZ 1000000000ULL		/* the fake clock: ns */
#define WS_WAN_DROP_LIST 16

/* splitmix64: a PRNG of our own, so runs do not depend on libc. */
struct ws_wan_rng {
	uint64_t s;
};

void ws_wan_rng_seed(struct ws_wan_rng *r, uint64_t seed);
uint64_t ws_wan_rng_next(struct ws_wan_rng *r);
/* Uniform in [0, 1). */
double ws_wan_rng_unit(struct ws_wan_rng *r);

/* One direction's settings; all zero = an ideal wire of no delay. */
struct ws_wan_dir {
	uint64_t rate_bps;		/* 0 = unlimited */
	uint64_t delay_ns;		/* one-way propagation */
	uint32_t overhead;		/* bytes per frame on the wire, added to
					 * the IP packet's (0: IP bytes only) */
	/*
	 * The bottleneck queue, drop-tail: at most queue_bytes bytes (0: the
	 * pair sets one BDP of the whole path) and, if non-zero, at most
	 * queue_pkts frames waiting or being serialized.
	 */
	uint64_t queue_bytes;
	uint32_t queue_pkts;
	double loss;			/* random loss probability */
	/*
	 * Gilbert-Elliott: p = P(good -> bad), r = P(bad -> good) per frame,
	 * loss_bad / loss_good the loss probability in each state. Off when
	 * ge_p is 0.
	 */
	double ge_p, ge_r, ge_loss_bad, ge_loss_good;
	/*
	 * Explicit drops, of first transmissions of data segments only
	 * (never a retransmission), counted 1, 2, ... in stream order:
	 * drop_nth[] singly; drop_burst_len segments from drop_burst_at on;
	 * the last drop_tail segments of a transfer of tail_bytes bytes
	 * (those starting in its last drop_tail * MSS bytes, MSS being the
	 * largest payload seen).
	 */
	uint32_t drop_nth[WS_WAN_DROP_LIST];
	unsigned int n_drop_nth;
	uint32_t drop_burst_at, drop_burst_len;
	uint32_t drop_tail;
	uint64_t tail_bytes;
	/*
	 * Reordering: with probability 'reorder' a frame is held back after
	 * the bottleneck by reorder_depth frames' serialization time (so
	 * about that many back-to-back frames overtake it) or, with
	 * reorder_delay_ns, by a uniform extra delay in (0, reorder_delay_ns].
	 */
	double reorder;
	uint32_t reorder_depth;
	uint64_t reorder_delay_ns;
	double dup;			/* duplication probability */
	bool all_frames;		/* impair every IPv4 frame */
};

struct ws_wan_counters {
	uint64_t frames, bytes;		/* offered to the link */
	uint64_t delivered, delivered_bytes;
	uint64_t queue_drops;		/* the bottleneck was full */
	uint64_t loss_drops;		/* random and Gilbert-Elliott */
	uint64_t list_drops;		/* drop_nth, burst, tail */
	uint64_t reordered, duplicated;
	uint64_t data_segs;		/* data segments offered */
	uint64_t data_drop_bytes;	/* payload bytes dropped, any cause */
	uint64_t data_rx_bytes;		/* payload bytes delivered */
	uint64_t dup_data_bytes;	/* ... of which the link's duplicates */
	uint64_t data_bytes;		/* payload bytes offered */
	uint64_t spurious_segs;		/* delivered with bytes it already had */
	uint64_t spurious_bytes;	/* ... bytes already delivered before */
	uint64_t max_queue_bytes;	/* the queue's high-water mark */
	/*
	 * The drop lists' repair: when the first listed drop entered the
	 * link, and when the receiver first had every byte up to the end of
	 * the last listed drop (0: not yet).
	 */
	uint64_t list_drop_at, list_repaired_at;
	uint64_t list_drop_end;		/* stream offset */
};

struct ws_wan_frame {
	uint64_t at;			/* arrival time, ns */
	uint64_t order;			/* FIFO among equal times */
	struct rte_mbuf *m;
	uint64_t off;			/* data: stream offset of its first byte */
	uint32_t data_len;		/* payload bytes; 0: not data */
	bool dup;			/* the link's duplicate */
};

/* Stream ranges [start, end) that reached the receiver, sorted. */
struct ws_wan_range {
	uint64_t start, end;
};

/* One direction. */
struct ws_wan_link {
	struct ws_wan_dir cfg;
	struct ws_wan_rng rng;
	struct ws_wan_counters n;
	bool ge_bad;
	/* In the bottleneck: serialization end times and sizes, FIFO. */
	uint64_t *q_done;
	uint32_t *q_len;
	uint32_t q_cap, q_head, q_n;
	uint64_t q_bytes;
	uint64_t link_free;		/* the link is busy until then */
	/* In flight after it: a min-heap by (at, order). */
	struct ws_wan_frame *heap;
	uint32_t heap_n, heap_cap;
	uint64_t order;
	/* The data stream's sequence space, for the drop lists. */
	bool have_isn;
	uint32_t isn;			/* SYN's sequence + 1 */
	uint64_t hi_off;		/* highest data offset sent (end) */
	uint32_t mss;			/* largest payload seen */
	uint64_t new_segs;		/* first transmissions seen */
	/* What reached the far end, for spurious retransmissions. */
	struct ws_wan_range *got;
	uint32_t got_n, got_cap;
	/* WS_WAN_TRACE set: one line per TCP frame entering, on stderr. */
	bool trace;
};

int ws_wan_link_init(struct ws_wan_link *l, const struct ws_wan_dir *cfg,
		uint64_t seed);
/* Free every frame still held. */
void ws_wan_link_fini(struct ws_wan_link *l);
/* The frame 'm' (taken) enters the link at 'now' ns. */
void ws_wan_link_send(struct ws_wan_link *l, struct rte_mbuf *m,
		uint64_t now);
/* When the next frame arrives; UINT64_MAX when none is in flight. */
uint64_t ws_wan_link_next(const struct ws_wan_link *l);
/* The next frame arrived by 'now' (its time in *at), or NULL. */
struct rte_mbuf *ws_wan_link_recv(struct ws_wan_link *l, uint64_t now,
		uint64_t *at);
/* Frames in flight (queued or propagating). */
uint32_t ws_wan_link_inflight(const struct ws_wan_link *l);

/* ------------------------------------------------------------------ */
/* Two stacks on a path.                                               */

/* One in-process stack: one worker, no port, on the fake clock. */
struct ws_wan_host {
	struct ws_config cfg;
	struct ws_iface iface;
	struct ws_worker w;
	uint64_t ticks;
	struct rte_mempool *pool;
	struct rte_mempool *indirect_pool;
	struct ws_wan_link *out;	/* what it sends goes here */
	struct ws_wan_pair *pair;
};

struct ws_wan_pair {
	struct ws_wan_host a, b;	/* a: 198.18.0.2, b: 198.18.0.1 */
	struct ws_wan_link ab, ba;	/* a -> b, b -> a */
	uint64_t now;			/* ns */
	bool quiet;			/* stop at the next step */
};

/*
 * What each host is configured with beyond the defaults: congestion
 * control by name (NULL: the stack's default), buffers, the mbufs of each
 * host's pool.
 */
struct ws_wan_host_cfg {
	const char *cc;
	uint32_t rcvbuf, sndbuf;
	uint32_t ooo_segments;
	uint32_t mbufs;			/* b's pool (the sender's) */
	uint32_t mbufs_a;		/* a's pool; 0: as b's */
};

/*
 * Start the EAL for the emulator's programs (no hugepages, 'mem_mb' of
 * memory). Exits on failure.
 */
void ws_wan_eal_init(const char *prog, unsigned int mem_mb);

/*
 * Does this build know congestion control 'name'? "newreno" always;
 * others once [tcp] congestion exists and accepts them.
 */
bool ws_wan_cc_available(const char *name);

/*
 * Two hosts joined by 'ab' (a to b) and 'ba'. A zero queue_bytes becomes
 * one BDP of the path (ab's rate times the sum of both delays). 0 or a
 * negative errno (with a message on stderr).
 */
int ws_wan_pair_init(struct ws_wan_pair *p, const struct ws_wan_dir *ab,
		const struct ws_wan_dir *ba, const struct ws_wan_host_cfg *hc,
		uint64_t seed);
void ws_wan_pair_fini(struct ws_wan_pair *p);

/*
 * Run the event loop until 'until' ns (absolute) or until p->quiet;
 * returns the number of events processed.
 */
uint64_t ws_wan_pair_run(struct ws_wan_pair *p, uint64_t until);

/* Flush what the application queued outside the loop (after API calls). */
void ws_wan_host_flush(struct ws_wan_host *h);

/* ------------------------------------------------------------------ */
/* Scenarios: b serves a bulk transfer to a.                           */

struct ws_wan_scenario {
	const char *name;
	const char *cc;			/* "newreno", "cubic" */
	struct ws_wan_dir data;		/* b -> a: the data direction */
	struct ws_wan_dir ack;		/* a -> b */
	uint64_t bytes;			/* 0: a timed transfer */
	uint64_t duration_ns;		/* the timed transfer's length; for a
					 * sized one, the most it may take */
	bool verify;			/* check every byte's value */
	uint64_t seed;
	uint32_t rcvbuf, sndbuf;	/* 0: from the BDP */
};

struct ws_wan_result {
	bool completed;			/* a sized transfer finished */
	bool intact;			/* every byte as sent */
	uint64_t bytes;			/* received by the client */
	uint64_t sim_ns;		/* connect to last byte (or the end) */
	uint64_t connect_ns;		/* when the client was established */
	uint64_t goodput_bps;		/* bytes over the whole transfer */
	uint64_t goodput2_bps;		/* over its second half (timed) */
	uint64_t rtt_ns;		/* the path's base RTT */
	uint64_t rto_count;		/* the sender's tcp.rto_expired */
	uint64_t fast_retransmits;
	uint64_t retransmits;		/* segments */
	uint64_t retransmitted_bytes;	/* data bytes sent beyond the data */
	uint64_t lost_bytes;		/* data the link dropped */
	uint64_t spurious_bytes;	/* resent data that had got through */
	uint64_t spurious_retransmits;	/* ... in MSS-sized segments */
	uint64_t data_segs_tx;
	uint32_t mss;
	uint64_t recovery_ns;		/* the drop lists' repair time; 0: none */
	uint64_t link_bps;
	uint64_t events;
	double real_s;			/* wall-clock time of the run */
	struct ws_wan_counters data_link, ack_link;
};

/* Run one scenario; 0, or a negative errno when it could not start. */
int ws_wan_run(const struct ws_wan_scenario *s, struct ws_wan_result *r);

/* What a scenario must achieve (issue 17's benchmark goals). */
enum ws_wan_goal {
	WS_WAN_GOAL_NONE = 0,		/* figures only */
	WS_WAN_GOAL_LINK,		/* goodput2 >= 95% of the link */
	WS_WAN_GOAL_MODEL,		/* goodput2 >= 90% of min(model, link) */
	WS_WAN_GOAL_RECOVERY,		/* no RTO; the listed drops repaired
					 * within 2 RTTs of the first */
	WS_WAN_GOAL_NO_RTO,		/* no RTO (a tail loss probe's job) */
	WS_WAN_GOAL_SPURIOUS,		/* < 1% of data segments spurious */
};

struct ws_wan_row {
	char name[48];
	struct ws_wan_scenario s;
	enum ws_wan_goal goal;
	double loss;			/* for the model (the mean loss rate) */
};

struct ws_wan_verdict {
	double model_bps;		/* 0: none */
	double value;			/* what the goal measures */
	double target;
	bool met;
	char goal[40];			/* "goodput >= 95% link" */
	char got[40];			/* "97.1% link" */
};

/*
 * The benchmark's table into rows[] (at most 'cap'); 'small' scales it
 * down for the unit test (lower rates, shorter runs). Returns the count.
 */
unsigned int ws_wan_table(struct ws_wan_row *rows, unsigned int cap,
		bool small);

/* Judge a row's result against its goal. */
void ws_wan_judge(const struct ws_wan_row *row,
		const struct ws_wan_result *r, struct ws_wan_verdict *v);

/*
 * RFC 9438 §5's average CUBIC window, or the Reno-friendly region's
 * where higher (both in segments), as bit/s of 'mss'-byte segments at
 * 'rtt_s' and loss rate 'p'; 0 when p is 0.
 */
double ws_wan_model_bps(double p, double rtt_s, uint32_t mss);

#endif /* WS_WAN_H */
