/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * [workers] tx_hold_us: a worker holds what it queues until a burst is
 * full or the oldest frame has waited tx_hold_us, then sends it all, in
 * order. With 0 (the default) every poll sends what it queued. One stack
 * on a net_ring port, its clock replaced by a manual one; frames are
 * queued with ws_tx() (as the protocol modules do), and also made by the
 * stack itself (ARP replies), and read back from the port's tx ring.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_test.h"
#include "ws_worker.h"

#define HZ 1000000000ULL	/* manual clock: 1 tick = 1 ns */

struct hold {
	struct rte_ring *rx, *tx;
	struct ws_stack *s;
	struct ws_worker *w;
	uint64_t ticks;
	uint32_t next_seq;		/* of the next frame queued */
	uint32_t want_seq;		/* of the next frame expected out */
};

static int
hold_create(void **state, const char *hold_set)
{
	struct hold *h = calloc(1, sizeof(*h));
	const char *sets[] = {
		"ip.addr=198.18.0.2/24", "port.mac=02:00:00:00:0b:02",
		"arp.gratuitous=no", "port.mbufs=4095", hold_set,
	};

	assert_non_null(h);
	h->rx = ws_test_ring(1024, 0);
	h->tx = ws_test_ring(1024, 0);
	h->s = ws_test_ring_stack(&h->rx, &h->tx, 1, sets,
		hold_set != NULL ? RTE_DIM(sets) : RTE_DIM(sets) - 1);
	assert_int_equal(ws_stack_start_manual(h->s), 0);
	h->w = ws_stack_worker(h->s, 0);
	/* The hold was worked out for the TSC: redo it for 1 ns ticks. */
	assert_int_equal(h->w->tx_hold, (uint64_t)h->w->cfg->workers.tx_hold_us *
		h->w->clock.hz / 1000000);
	h->w->tx_hold = (uint64_t)h->w->cfg->workers.tx_hold_us * HZ / 1000000;
	h->ticks = 1000000;
	ws_clock_init_manual(&h->w->clock, &h->ticks, HZ);
	*state = h;
	return 0;
}

static int
setup_default(void **state)
{
	return hold_create(state, NULL);
}

static int
setup_hold_0(void **state)
{
	return hold_create(state, "workers.tx_hold_us=0");
}

static int
setup_hold_100(void **state)
{
	return hold_create(state, "workers.tx_hold_us=100");
}

static int
hold_teardown(void **state)
{
	struct hold *h = *state;
	struct rte_mbuf *m;

	ws_stack_destroy(h->s);
	while (rte_ring_dequeue(h->tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	while (rte_ring_dequeue(h->rx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(h->rx);
	rte_ring_free(h->tx);
	free(h);
	return 0;
}

/* One poll at the manual clock's time plus 'us' microseconds. */
static void
poll_at(struct hold *h, uint64_t us)
{
	h->ticks += us * 1000;
	ws_worker_poll(h->w);
}

/* Queue 'n' frames, each carrying its sequence number after an Ethernet header. */
static void
queue(struct hold *h, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(ws_worker_mempool(h->w));
		uint8_t *p;

		assert_non_null(m);
		assert_non_null(rte_pktmbuf_append(m, 64));
		p = rte_pktmbuf_mtod(m, uint8_t *);
		memset(p, 0, 64);
		memset(p, 0xff, 6);			/* broadcast */
		p[12] = 0x88;				/* local experimental */
		p[13] = 0xb5;
		memcpy(p + 14, &h->next_seq, sizeof(h->next_seq));
		h->next_seq++;
		ws_tx(h->w, m);
	}
}

/* How many frames the port sent since last asked; they must be in order. */
static unsigned int
sent(struct hold *h)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(h->tx, (void **)&m) == 0) {
		uint32_t seq;

		memcpy(&seq, rte_pktmbuf_mtod_offset(m, uint8_t *, 14),
			sizeof(seq));
		assert_int_equal(seq, h->want_seq);
		h->want_seq++;
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static void
assert_all_out(struct hold *h)
{
	assert_int_equal(h->want_seq, h->next_seq);
	assert_int_equal(h->w->tx_n, 0);
	assert_int_equal(h->w->stats.loop.tx_pkts, h->next_seq);
	assert_int_equal(h->w->stats.loop.tx_drop_full, 0);
}

/* Without the key, and with 0: every poll sends what was queued. */
static void
test_no_hold_sends_every_poll(void **state)
{
	struct hold *h = *state;
	unsigned int i;

	assert_int_equal(h->w->cfg->workers.tx_hold_us, 0);
	assert_int_equal(h->w->tx_hold, 0);
	poll_at(h, 0);
	for (i = 1; i <= 5; i++) {
		queue(h, i);
		assert_int_equal(sent(h), 0);
		poll_at(h, 0);
		assert_int_equal(sent(h), i);
	}
	assert_all_out(h);
}

/* Below a burst, frames wait until the oldest has waited 100 µs. */
static void
test_hold_until_time_bound(void **state)
{
	struct hold *h = *state;

	assert_int_equal(h->w->tx_hold, 100000);
	poll_at(h, 0);
	queue(h, 5);			/* the oldest: now */
	poll_at(h, 0);
	assert_int_equal(sent(h), 0);
	poll_at(h, 40);
	queue(h, 3);			/* younger: do not restart the wait */
	poll_at(h, 0);
	assert_int_equal(sent(h), 0);
	poll_at(h, 59);			/* 99 µs */
	assert_int_equal(sent(h), 0);
	assert_int_equal(h->w->tx_n, 8);
	poll_at(h, 1);			/* 100 µs */
	assert_int_equal(sent(h), 8);
	/* The next frame waits its own 100 µs from when it was queued. */
	poll_at(h, 500);
	queue(h, 1);
	poll_at(h, 99);
	assert_int_equal(sent(h), 0);
	poll_at(h, 1);
	assert_int_equal(sent(h), 1);
	assert_all_out(h);
}

/* A full burst goes at once, held or not; the remainder waits. */
static void
test_hold_sends_full_burst(void **state)
{
	struct hold *h = *state;

	poll_at(h, 0);
	queue(h, WS_BURST - 1);
	poll_at(h, 1);
	assert_int_equal(sent(h), 0);
	queue(h, 1);			/* the burst is full */
	poll_at(h, 1);
	assert_int_equal(sent(h), WS_BURST);
	queue(h, WS_BURST + 8);		/* the 33rd sends the first 32 */
	assert_int_equal(sent(h), WS_BURST);
	poll_at(h, 1);
	assert_int_equal(sent(h), 0);
	assert_int_equal(h->w->tx_n, 8);
	poll_at(h, 100);
	assert_int_equal(sent(h), 8);
	assert_all_out(h);
}

/* Nothing is lost or reordered over many bursts of every size. */
static void
test_hold_many_in_order(void **state)
{
	struct hold *h = *state;
	unsigned int i, out = 0;

	for (i = 0; i < 2000; i++) {
		queue(h, (i * 7) % 45);
		poll_at(h, (i * 13) % 37);
		out += sent(h);
		assert_true(h->w->tx_n < WS_BURST);
	}
	poll_at(h, 100);
	out += sent(h);
	assert_int_equal(out, h->next_seq);
	assert_all_out(h);
}

/* What the stack itself answers is held too: ARP replies to requests. */
static void
arp_request(struct hold *h, uint8_t host)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ws_worker_mempool(h->w));
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp)));
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	memcpy(&eth->src_addr, "\x02\x00\x00\x00\x0a\x00", RTE_ETHER_ADDR_LEN);
	eth->src_addr.addr_bytes[5] = host;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = eth->src_addr;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, host));
	memset(&arp->arp_data.arp_tha, 0, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, 2));
	assert_int_equal(rte_ring_enqueue(h->rx, m), 0);
}

/* Replies read back, in order of the requests' hosts from 'first'. */
static unsigned int
arp_replies(struct hold *h, uint8_t first)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(h->tx, (void **)&m) == 0) {
		const struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(m,
			const struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));

		assert_int_equal(rte_be_to_cpu_16(arp->arp_opcode),
			RTE_ARP_OP_REPLY);
		assert_int_equal(arp->arp_data.arp_tip,
			rte_cpu_to_be_32(RTE_IPV4(198u, 18, 0, first + n)));
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static void
test_hold_holds_replies(void **state)
{
	struct hold *h = *state;
	unsigned int i;

	for (i = 0; i < 3; i++)
		arp_request(h, 10 + i);
	poll_at(h, 0);
	assert_int_equal(arp_replies(h, 10), 0);
	assert_int_equal(h->w->tx_n, 3);
	poll_at(h, 100);
	assert_int_equal(arp_replies(h, 10), 3);
	for (i = 0; i < WS_BURST; i++)
		arp_request(h, 20 + i);
	poll_at(h, 1);
	assert_int_equal(arp_replies(h, 20), WS_BURST);
	assert_int_equal(h->w->tx_n, 0);
}

static void
test_no_hold_sends_replies(void **state)
{
	struct hold *h = *state;

	arp_request(h, 10);
	poll_at(h, 0);
	assert_int_equal(arp_replies(h, 10), 1);
}

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, hold_teardown)

static const struct CMUnitTest tests[] = {
	T(test_no_hold_sends_every_poll, setup_default),
	T(test_no_hold_sends_every_poll, setup_hold_0),
	T(test_no_hold_sends_replies, setup_default),
	T(test_hold_until_time_bound, setup_hold_100),
	T(test_hold_sends_full_burst, setup_hold_100),
	T(test_hold_many_in_order, setup_hold_100),
	T(test_hold_holds_replies, setup_hold_100),
};

WS_TEST_MAIN(tests)
