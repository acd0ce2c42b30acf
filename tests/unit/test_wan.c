/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The WAN emulator itself (tests/wan/ws_wan.h), frame by frame:
 * serialization at a rate, delay, the drop-tail queue, random and
 * Gilbert-Elliott loss, the drop lists, reordering, duplication, and the
 * same seed giving the same run; then one small transfer end to end.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_mempool.h>

#include "ws_wan.h"

static struct rte_mempool *pool;

#define MS 1000000ull
#define US 1000ull

/*
 * An Ethernet + IPv4 + TCP frame (20-byte headers) of 'ip_len' bytes of
 * IP packet: 'flags', sequence 'seq', the rest payload. Checksums are left
 * zero: the link never looks at them.
 */
static struct rte_mbuf *
frame(uint32_t ip_len, uint8_t flags, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + ip_len));
	assert_non_null(p);
	memset(p, 0, 14 + ip_len);
	p[12] = 0x08;
	p[14] = 0x45;
	p[16] = ip_len >> 8;
	p[17] = ip_len & 0xff;
	p[22] = 64;
	p[23] = 6;
	p[34 + 4] = seq >> 24;
	p[34 + 5] = seq >> 16;
	p[34 + 6] = seq >> 8;
	p[34 + 7] = seq;
	p[34 + 12] = 5 << 4;
	p[34 + 13] = flags;
	/* The payload carries the sequence too, to tell frames apart. */
	if (ip_len >= 44)
		memcpy(p + 54, &seq, 4);
	return m;
}

/* A data segment of 'len' payload bytes at sequence 'seq'. */
static struct rte_mbuf *
data(uint32_t len, uint32_t seq)
{
	return frame(40 + len, 0x10, seq);
}

static uint32_t
frame_seq(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *) + 38;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void
link_up(struct ws_wan_link *l, const struct ws_wan_dir *d, uint64_t seed)
{
	assert_int_equal(ws_wan_link_init(l, d, seed), 0);
}

/* Drain everything: arrival times into at[], sequences into seq[]. */
static unsigned int
drain(struct ws_wan_link *l, uint64_t *at, uint32_t *seq, unsigned int cap)
{
	struct rte_mbuf *m;
	unsigned int n = 0;
	uint64_t t;

	while ((m = ws_wan_link_recv(l, UINT64_MAX, &t)) != NULL) {
		if (n < cap) {
			if (at != NULL)
				at[n] = t;
			if (seq != NULL)
				seq[n] = frame_seq(m);
		}
		n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

static void
link_done(struct ws_wan_link *l)
{
	ws_wan_link_fini(l);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* 1 Gbit/s: a 1000-byte packet takes 8 us; then 5 ms of delay. */
static void
test_wan_serialization_and_delay(void **state)
{
	struct ws_wan_dir d = { .rate_bps = 1000000000, .delay_ns = 5 * MS,
		.queue_pkts = 100 };
	struct ws_wan_link l;
	uint64_t at[10];
	unsigned int i;

	(void)state;
	link_up(&l, &d, 1);
	for (i = 0; i < 10; i++)
		ws_wan_link_send(&l, frame(1000, 0x10, i), 0);
	assert_int_equal(ws_wan_link_next(&l), 8 * US + 5 * MS);
	assert_null(ws_wan_link_recv(&l, 5 * MS + 8 * US - 1, NULL));
	assert_int_equal(drain(&l, at, NULL, 10), 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(at[i], 5 * MS + (i + 1) * 8 * US);
	/* An idle link starts at once; the overhead is serialized too. */
	l.cfg.overhead = 24;
	ws_wan_link_send(&l, frame(1000, 0x10, 0), 100 * MS);
	assert_int_equal(drain(&l, at, NULL, 1), 1);
	assert_int_equal(at[0], 100 * MS + 8192 + 5 * MS);
	assert_int_equal(l.n.queue_drops, 0);
	link_done(&l);
}

/* Drop-tail: a queue of 5000 bytes holds five 1000-byte packets. */
static void
test_wan_queue_overflow(void **state)
{
	struct ws_wan_dir d = { .rate_bps = 1000000000, .delay_ns = 1 * MS,
		.queue_bytes = 5000 };
	struct ws_wan_link l;
	unsigned int i;

	(void)state;
	link_up(&l, &d, 1);
	for (i = 0; i < 20; i++)
		ws_wan_link_send(&l, data(960, 1000 * i), 0);
	assert_int_equal(l.n.queue_drops, 15);
	assert_int_equal(l.n.data_drop_bytes, 15 * 960);
	assert_int_equal(l.n.max_queue_bytes, 5000);
	/* Two packets' time later, two more fit. */
	for (i = 0; i < 3; i++)
		ws_wan_link_send(&l, data(960, 1000 * (20 + i)), 16 * US);
	assert_int_equal(l.n.queue_drops, 16);
	assert_int_equal(drain(&l, NULL, NULL, 0), 7);
	/* By packets, too. */
	link_done(&l);
	d.queue_bytes = 0;
	d.queue_pkts = 3;
	link_up(&l, &d, 1);
	for (i = 0; i < 10; i++)
		ws_wan_link_send(&l, data(960, 1000 * i), 0);
	assert_int_equal(l.n.queue_drops, 7);
	assert_int_equal(drain(&l, NULL, NULL, 0), 3);
	link_done(&l);
}

/* Random loss: near p over many frames; pure ACKs are spared. */
static void
test_wan_random_loss(void **state)
{
	struct ws_wan_dir d = { .loss = 0.05 };
	struct ws_wan_link l;
	unsigned int i, n = 100000, got;

	(void)state;
	link_up(&l, &d, 7);
	for (i = 0; i < n; i++) {
		ws_wan_link_send(&l, data(100, i * 100), i);
		if (i % 1024 == 1023)
			drain(&l, NULL, NULL, 0);
	}
	drain(&l, NULL, NULL, 0);
	assert_in_range(l.n.loss_drops, n * 5 / 100 - 700, n * 5 / 100 + 700);
	got = l.n.delivered;
	assert_int_equal(got + l.n.loss_drops, n);
	for (i = 0; i < 1000; i++)
		ws_wan_link_send(&l, frame(40, 0x10, 0), n + i);
	assert_int_equal(drain(&l, NULL, NULL, 0), 1000);
	link_done(&l);
}

/* Gilbert-Elliott with loss only in the bad state: bursts of 1/r. */
static void
test_wan_gilbert_elliott(void **state)
{
	struct ws_wan_dir d = { .ge_p = 0.01, .ge_r = 0.25,
		.ge_loss_bad = 1.0, .ge_loss_good = 0.0 };
	struct ws_wan_link l;
	unsigned int i, n = 200000, bursts = 0, lost = 0, expect = 0;
	uint32_t seq[1];
	bool in_burst = false;

	(void)state;
	link_up(&l, &d, 3);
	for (i = 0; i < n; i++) {
		ws_wan_link_send(&l, data(100, i), i);
		if (drain(&l, NULL, seq, 1) == 0) {
			lost++;
			if (!in_burst)
				bursts++;
			in_burst = true;
		} else {
			assert_int_equal(seq[0], i);
			in_burst = false;
		}
	}
	assert_int_equal(lost, l.n.loss_drops);
	/* Mean burst 1 / r = 4; the bad state's share p / (p + r). */
	assert_true(bursts > 300);
	assert_in_range(lost * 100 / bursts, 360, 440);
	expect = (unsigned int)(n * 0.01 / 0.26);
	assert_in_range(lost, expect * 85 / 100, expect * 115 / 100);
	link_done(&l);
}

/* The drop lists name first transmissions, never retransmissions. */
static void
test_wan_drop_lists(void **state)
{
	struct ws_wan_dir d = { .drop_nth = { 3, 7 }, .n_drop_nth = 2,
		.drop_burst_at = 10, .drop_burst_len = 4,
		.drop_tail = 3, .tail_bytes = 30 * 1000 - 400 };
	struct ws_wan_link l;
	uint32_t seq[64], isn = 0xfffff000u;	/* wraps on the way */
	unsigned int i, n;

	(void)state;
	link_up(&l, &d, 1);
	ws_wan_link_send(&l, frame(40, 0x02, isn - 1), 0);
	for (i = 0; i < 30; i++)
		ws_wan_link_send(&l, data(i == 29 ? 600 : 1000,
			isn + i * 1000), 1);
	/* Resent: every one goes through. */
	ws_wan_link_send(&l, data(1000, isn + 2 * 1000), 2);
	ws_wan_link_send(&l, data(1000, isn + 28 * 1000), 2);
	n = drain(&l, NULL, seq, 64);
	/* SYN, 30 - 2 - 4 - 3, then the two resent. */
	assert_int_equal(n, 1 + 21 + 2);
	assert_int_equal(l.n.list_drops, 9);
	for (i = 1; i < n - 2; i++) {
		uint32_t k = (seq[i] - isn) / 1000 + 1;	/* 1-based */

		assert_true(k != 3 && k != 7);
		assert_false(k >= 10 && k < 14);
		assert_true(k < 28);
	}
	assert_int_equal(seq[n - 2], isn + 2000);
	/* Both resent bytes had not got through: nothing spurious. */
	assert_int_equal(l.n.spurious_segs, 0);
	ws_wan_link_send(&l, data(1000, isn), 3);
	assert_int_equal(drain(&l, NULL, NULL, 0), 1);
	assert_int_equal(l.n.spurious_segs, 1);
	assert_int_equal(l.n.spurious_bytes, 1000);
	link_done(&l);
}

/* Reordering by depth: exactly 'depth' frames overtake a held one. */
static void
test_wan_reorder_depth(void **state)
{
	struct ws_wan_dir d = { .rate_bps = 1000000000, .delay_ns = MS,
		.queue_pkts = 100000, .reorder = 0.05, .reorder_depth = 3 };
	struct ws_wan_link l;
	static uint32_t seq[20000];
	unsigned int i, n = 20000, late = 0;
	int disp, max_disp = 0;

	(void)state;
	link_up(&l, &d, 11);
	for (i = 0; i < n; i++)
		ws_wan_link_send(&l, data(960, i), 0);
	assert_int_equal(drain(&l, NULL, seq, n), n);
	for (i = 0; i < n; i++) {
		disp = (int)i - (int)seq[i];
		if (disp > 0)
			late++;
		if (disp > max_disp)
			max_disp = disp;
	}
	assert_in_range(l.n.reordered, n * 4 / 100, n * 6 / 100);
	assert_int_equal(max_disp, 3);
	assert_true(late >= l.n.reordered * 9 / 10);
	link_done(&l);

	/* By time: up to 2 ms late, never more. */
	d.reorder_depth = 0;
	d.reorder_delay_ns = 2 * MS;
	link_up(&l, &d, 11);
	{
		static uint64_t at[1000];
		uint64_t max_late = 0, base;

		for (i = 0; i < 1000; i++)
			ws_wan_link_send(&l, data(960, i), i * 100 * US);
		assert_int_equal(drain(&l, at, seq, 1000), 1000);
		for (i = 0; i < 1000; i++) {
			base = seq[i] * 100 * US + 8 * US + MS;
			assert_true(at[i] >= base);
			max_late = RTE_MAX(max_late, at[i] - base);
		}
		assert_true(max_late > MS && max_late <= 2 * MS);
	}
	link_done(&l);
}

/* Duplication: the copy arrives right behind the original, same bytes. */
static void
test_wan_duplication(void **state)
{
	struct ws_wan_dir d = { .dup = 0.1, .delay_ns = MS };
	struct ws_wan_link l;
	static uint32_t seq[12000];
	unsigned int i, n = 10000, got, dups = 0;

	(void)state;
	link_up(&l, &d, 5);
	for (i = 0; i < n; i++)
		ws_wan_link_send(&l, data(100, i * 100), i);
	got = drain(&l, NULL, seq, 12000);
	assert_int_equal(got, n + l.n.duplicated);
	assert_in_range(l.n.duplicated, n * 9 / 100, n * 11 / 100);
	for (i = 1; i < got; i++)
		if (seq[i] == seq[i - 1])
			dups++;
	assert_int_equal(dups, l.n.duplicated);
	assert_int_equal(l.n.dup_data_bytes, l.n.duplicated * 100);
	/* A link's duplicate is not a spurious retransmission. */
	assert_int_equal(l.n.spurious_segs, 0);
	link_done(&l);
}

static unsigned int drain_until(struct ws_wan_link *l, uint64_t now,
		uint64_t *at, uint32_t *seq, unsigned int cap);

/* The same seed gives the same run; another seed another. */
static void
run_mixed(uint64_t seed, uint64_t *at, uint32_t *seq, unsigned int cap,
		struct ws_wan_counters *cnt)
{
	struct ws_wan_dir d = { .rate_bps = 100000000, .delay_ns = 10 * MS,
		.queue_pkts = 3, .loss = 0.02, .ge_p = 0.005, .ge_r = 0.3,
		.ge_loss_bad = 0.8, .reorder = 0.03,
		.reorder_delay_ns = 2 * MS, .dup = 0.01 };
	struct ws_wan_link l;
	unsigned int i, n = 0;

	link_up(&l, &d, seed);
	for (i = 0; i < 5000; i++) {
		/* In fours at once: the fourth finds the queue full. */
		uint64_t t = i / 4 * 400 * US;

		ws_wan_link_send(&l, data(1000, i * 1000), t);
		n += drain_until(&l, t, at + n, seq + n, cap - n);
	}
	*cnt = l.n;
	ws_wan_link_fini(&l);
}

static unsigned int
drain_until(struct ws_wan_link *l, uint64_t now, uint64_t *at, uint32_t *seq,
		unsigned int cap)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while ((m = ws_wan_link_recv(l, now, &at[n])) != NULL) {
		assert_true(n < cap);
		seq[n++] = frame_seq(m);
		rte_pktmbuf_free(m);
	}
	return n;
}

static void
test_wan_same_seed_same_run(void **state)
{
	static uint64_t at1[6000], at2[6000];
	static uint32_t s1[6000], s2[6000];
	struct ws_wan_counters c1, c2;

	(void)state;
	run_mixed(42, at1, s1, 6000, &c1);
	run_mixed(42, at2, s2, 6000, &c2);
	assert_true(c1.delivered > 3000);
	assert_memory_equal(&c1, &c2, sizeof(c1));
	assert_memory_equal(at1, at2, c1.delivered * sizeof(at1[0]));
	assert_memory_equal(s1, s2, c1.delivered * sizeof(s1[0]));
	assert_true(c1.loss_drops > 0 && c1.queue_drops > 0 &&
		c1.reordered > 0 && c1.duplicated > 0);
	run_mixed(43, at2, s2, 6000, &c2);
	assert_true(memcmp(&c1, &c2, sizeof(c1)) != 0);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* End to end: 4 MB over 50 Mbit/s, 20 ms, byte-exact, at the link's pace. */
static void
test_wan_transfer(void **state)
{
	struct ws_wan_scenario s = {
		.name = "smoke", .cc = "newreno",
		.data = { .rate_bps = 50000000, .delay_ns = 10 * MS },
		.ack = { .rate_bps = 50000000, .delay_ns = 10 * MS },
		.bytes = 4 << 20, .duration_ns = 60000 * MS, .verify = true,
		.seed = 1,
		/*
		 * Windows of 1.3 BDP: the queue never overflows, whatever
		 * congestion control does in slow start.
		 */
		.rcvbuf = 160 << 10, .sndbuf = 160 << 10,
	};
	struct ws_wan_result r, r2;

	(void)state;
	assert_int_equal(ws_wan_run(&s, &r), 0);
	print_message("clean: %.1f Mbit/s in %.3f s, rto %lu, lost %lu\n",
		r.goodput_bps / 1e6, r.sim_ns / 1e9, r.rto_count, r.lost_bytes);
	assert_true(r.completed);
	assert_true(r.intact);
	assert_int_equal(r.bytes, 4 << 20);
	assert_int_equal(r.lost_bytes, 0);
	assert_int_equal(r.rto_count, 0);
	/* Never faster than the link; not far below it either. */
	assert_true(r.goodput_bps < 50000000);
	assert_true(r.goodput_bps > 30000000);
	assert_int_equal(r.rtt_ns, 20 * MS);

	/* Lossy and reordered, twice with one seed: the same figures. */
	s.data.loss = 0.01;
	s.data.reorder = 0.02;
	s.data.reorder_delay_ns = 2 * MS;
	assert_int_equal(ws_wan_run(&s, &r), 0);
	assert_int_equal(ws_wan_run(&s, &r2), 0);
	assert_true(r.completed);
	assert_true(r.intact);
	print_message("lossy: %.1f Mbit/s in %.3f s, rto %lu, lost %lu\n",
		r.goodput_bps / 1e6, r.sim_ns / 1e9, r.rto_count, r.lost_bytes);
	assert_true(r.lost_bytes > 0);
	assert_true(r.retransmitted_bytes >= r.lost_bytes);
	assert_int_equal(r.sim_ns, r2.sim_ns);
	assert_int_equal(r.retransmitted_bytes, r2.retransmitted_bytes);
	assert_int_equal(r.events, r2.events);
	assert_memory_equal(&r.data_link, &r2.data_link,
		sizeof(r.data_link));
}

static int
group_setup(void **state)
{
	(void)state;
	pool = rte_pktmbuf_pool_create("wan_test", 32767, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_wan_serialization_and_delay),
	cmocka_unit_test(test_wan_queue_overflow),
	cmocka_unit_test(test_wan_random_loss),
	cmocka_unit_test(test_wan_gilbert_elliott),
	cmocka_unit_test(test_wan_drop_lists),
	cmocka_unit_test(test_wan_reorder_depth),
	cmocka_unit_test(test_wan_duplication),
	cmocka_unit_test(test_wan_same_seed_same_run),
	cmocka_unit_test(test_wan_transfer),
};

int
main(void)
{
	ws_wan_eal_init("test_wan", 1024);
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
