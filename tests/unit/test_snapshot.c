/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Snapshots: totals and rates from synthetic worker blocks, and the
 * double-buffered store read by many threads while one publishes.
 */

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws_test.h"
#include "ws_snapshot.h"
#include "ws_telemetry.h"
#include "ws_tcp_api.h"

static void
fill_loop(struct ws_loop_stats *l, uint64_t rx, uint64_t tx, uint64_t busy,
		uint64_t idle)
{
	l->rx_pkts = rx;
	l->tx_pkts = tx;
	l->rx_bytes = rx * 100;
	l->tx_bytes = tx * 60;
	l->busy_cycles = busy;
	l->idle_cycles = idle;
}

static void
test_totals_and_rates_from_worker_blocks(void **state)
{
	struct ws_snapshot *prev = calloc(1, sizeof(*prev));
	struct ws_snapshot *next = calloc(1, sizeof(*next));

	(void)state;
	assert_non_null(prev);
	assert_non_null(next);
	prev->seq = 1;
	prev->taken_ms = 10000;
	prev->n_workers = 2;
	fill_loop(&prev->workers[0].stats.loop, 1000, 500, 1000000, 3000000);
	fill_loop(&prev->workers[1].stats.loop, 0, 0, 0, 4000000);
	ws_snapshot_compute(prev, NULL);

	next->seq = 2;
	next->taken_ms = 12000;		/* two seconds later */
	next->n_workers = 2;
	/* Worker 0: 20000 packets in, 1/4 of its cycles busy. */
	fill_loop(&next->workers[0].stats.loop, 21000, 10500, 5000000,
		15000000);
	/* Worker 1: idle all along. */
	fill_loop(&next->workers[1].stats.loop, 0, 0, 0, 20000000);
	next->workers[0].stats.tcp.st_established = 7;
	next->workers[0].stats.tcp.st_listen = 1;
	next->workers[1].stats.tcp.st_listen = 1;
	next->workers[1].stats.tcp.st_time_wait = 3;
	next->workers[1].stats.icmp.echo_tx = 4;
	next->workers[0].stats.eth.drop_vlan = 2;
	next->workers[1].stats.ip.drop_cksum = 5;
	ws_snapshot_compute(next, prev);

	assert_int_equal(next->elapsed_ms, 2000);
	assert_int_equal(next->total.loop.rx_pkts, 21000);
	assert_int_equal(next->total.icmp.echo_tx, 4);
	assert_int_equal(next->workers[0].rates.rx_pps, 10000);
	assert_int_equal(next->workers[0].rates.tx_pps, 5000);
	assert_int_equal(next->workers[0].rates.rx_bps, 10000 * 100 * 8);
	assert_int_equal(next->workers[0].rates.busy_pct, 25);
	/* 4M busy cycles over 20000 packets. */
	assert_int_equal(next->workers[0].rates.cycles_per_pkt, 200);
	assert_int_equal(next->workers[1].rates.busy_pct, 0);
	assert_int_equal(next->workers[1].rates.cycles_per_pkt, 0);
	/* The whole stack: 4M busy of 4M + 28M cycles. */
	assert_int_equal(next->rates.busy_pct, 13);
	assert_int_equal(next->rates.rx_pps, 10000);
	assert_int_equal(next->workers[0].conn_count, 8);
	assert_int_equal(next->workers[1].conn_count, 4);
	assert_int_equal(next->conn_count, 12);
	assert_int_equal(ws_stats_drops(&next->total), 7);
	free(prev);
	free(next);
}

static void
test_no_rates_without_a_previous_snapshot_or_after_a_reset(void **state)
{
	struct ws_snapshot *prev = calloc(1, sizeof(*prev));
	struct ws_snapshot *next = calloc(1, sizeof(*next));

	(void)state;
	assert_non_null(prev);
	assert_non_null(next);
	next->seq = 1;
	next->taken_ms = 5000;
	next->n_workers = 1;
	fill_loop(&next->workers[0].stats.loop, 100, 100, 10, 10);
	ws_snapshot_compute(next, prev);	/* prev->seq == 0: none */
	assert_int_equal(next->rates.rx_pps, 0);
	assert_int_equal(next->rates.busy_pct, 0);

	/* Counters that went backwards (a restarted worker): no rate. */
	*prev = *next;
	next->seq = 2;
	next->taken_ms = 6000;
	fill_loop(&next->workers[0].stats.loop, 50, 200, 20, 10);
	ws_snapshot_compute(next, prev);
	assert_int_equal(next->rates.rx_pps, 0);
	assert_int_equal(next->rates.tx_pps, 100);
	assert_int_equal(next->rates.cycles_per_pkt, 0);
	free(prev);
	free(next);
}

/*
 * Many readers, one writer publishing as fast as it can. Every snapshot
 * the writer makes is self-consistent (all its numbers derive from its
 * seq); a reader that ever sees a mix of two snapshots, or one that
 * changes under it, fails.
 */
#define RACE_READERS 4
#define RACE_SNAPSHOTS 20000
#define RACE_CONNS 64
/*
 * The writer waits (sched_yield) for the readers still inside the buffer
 * it reuses; four spinning readers on a loaded two-core machine, slowed
 * down by a sanitizer build, let it publish only tens of snapshots a
 * second, so the race also stops after this long. It still has to
 * publish RACE_MIN_SNAPSHOTS.
 */
#define RACE_SECONDS 5
#define RACE_MIN_SNAPSHOTS 20

struct race {
	struct ws_snap_store *st;
	bool done;
	uint64_t reads[RACE_READERS];
	uint64_t bad[RACE_READERS];
	uint64_t seq_back[RACE_READERS];
};

struct reader_arg {
	struct race *r;
	unsigned int id;
};

static bool
consistent(const struct ws_snapshot *sn)
{
	uint32_t i;

	if (sn->seq == 0)
		return true;
	if (sn->total.loop.rx_pkts != sn->seq ||
			sn->workers[0].stats.tcp.st_established != sn->seq ||
			sn->n_conns != sn->seq % RACE_CONNS)
		return false;
	for (i = 0; i < sn->n_conns; i++)
		if (sn->conns[i].local_port != (uint16_t)sn->seq ||
				sn->conns[i].remote_port != i)
			return false;
	return true;
}

static void *
reader(void *arg)
{
	struct reader_arg *a = arg;
	struct race *r = a->r;
	const struct ws_snapshot *sn;
	uint64_t last = 0, seq;
	unsigned int slot;

	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		sn = ws_snap_acquire(r->st, &slot);
		seq = sn->seq;
		if (!consistent(sn))
			r->bad[a->id]++;
		/* Held: must not change while we look again. */
		if (sn->seq != seq || !consistent(sn))
			r->bad[a->id]++;
		ws_snap_release(r->st, slot);
		if (seq < last)
			r->seq_back[a->id]++;
		last = seq;
		r->reads[a->id]++;
	}
	return NULL;
}

static void
test_store_readers_never_see_a_torn_snapshot(void **state)
{
	struct race r = { 0 };
	struct reader_arg args[RACE_READERS];
	pthread_t th[RACE_READERS];
	const struct ws_snapshot *sn;
	struct ws_snapshot *w;
	unsigned int i, slot;
	struct timespec t0, t;
	uint64_t seq, last = 0;
	uint32_t c;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r.st = ws_snap_store_create(RACE_CONNS, 0);
	assert_non_null(r.st);
	sn = ws_snap_acquire(r.st, &slot);
	assert_int_equal(sn->seq, 0);
	ws_snap_release(r.st, slot);
	for (i = 0; i < RACE_READERS; i++) {
		args[i].r = &r;
		args[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, reader, &args[i]),
			0);
	}
	for (seq = 1; seq <= RACE_SNAPSHOTS; seq++) {
		w = ws_snap_store_begin(r.st);
		/* begin() hands out a cleared buffer, arrays kept. */
		assert_int_equal(w->seq, 0);
		assert_int_equal(w->conn_cap, RACE_CONNS);
		assert_non_null(w->conns);
		w->seq = seq;
		w->n_workers = 1;
		w->workers[0].stats.loop.rx_pkts = seq;
		w->workers[0].stats.tcp.st_established = seq;
		w->n_conns = seq % RACE_CONNS;
		for (c = 0; c < w->n_conns; c++) {
			w->conns[c].local_port = (uint16_t)seq;
			w->conns[c].remote_port = (uint16_t)c;
		}
		ws_snapshot_compute(w, ws_snap_store_current_locked(r.st));
		ws_snap_store_publish(r.st);
		last = seq;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= RACE_SECONDS)
			break;
	}
	__atomic_store_n(&r.done, true, __ATOMIC_RELEASE);
	for (i = 0; i < RACE_READERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r.bad[i], 0);
		assert_int_equal(r.seq_back[i], 0);
		assert_true(r.reads[i] > 0);
	}
	print_message("%" PRIu64 " snapshots published\n", last);
	assert_true(last >= RACE_MIN_SNAPSHOTS);
	sn = ws_snap_acquire(r.st, &slot);
	assert_int_equal(sn->seq, last);
	ws_snap_release(r.st, slot);
	ws_snap_store_free(r.st);
}

static void
test_telemetry_parameters(void **state)
{
	struct ws_tel_params p;
	uint32_t all = WS_TEL_P_WORKER | WS_TEL_P_PAGE | WS_TEL_P_PER_PAGE |
		WS_TEL_P_PORT | WS_TEL_P_STATE;

	(void)state;
	assert_int_equal(ws_tel_parse_params(NULL, 0, &p), 0);
	assert_int_equal(p.worker, -1);
	assert_int_equal(p.state, -1);
	assert_int_equal(ws_tel_parse_params("", all, &p), 0);
	assert_int_equal(ws_tel_parse_params("1", WS_TEL_P_WORKER, &p), 0);
	assert_int_equal(p.worker, 1);
	assert_int_equal(ws_tel_parse_params(
		"state=established,port=80 page=2&per_page=100", all, &p), 0);
	assert_int_equal(p.state, WS_TCP_ESTABLISHED);
	assert_int_equal(p.port, 80);
	assert_int_equal(p.page, 2);
	assert_int_equal(p.per_page, 100);
	assert_int_equal(ws_tel_parse_params("state=TIME_WAIT", all, &p), 0);
	assert_int_equal(p.state, WS_TCP_TIME_WAIT);
	assert_false(p.describe);
	/* describe: a bare word, with or without a worker, in any order. */
	assert_int_equal(ws_tel_parse_params("describe",
		WS_TEL_P_WORKER | WS_TEL_P_DESCRIBE, &p), 0);
	assert_true(p.describe);
	assert_int_equal(p.worker, -1);
	assert_int_equal(ws_tel_parse_params("describe,worker=1",
		WS_TEL_P_WORKER | WS_TEL_P_DESCRIBE, &p), 0);
	assert_true(p.describe);
	assert_int_equal(p.worker, 1);
	assert_int_equal(ws_tel_parse_params("2,describe",
		WS_TEL_P_WORKER | WS_TEL_P_DESCRIBE, &p), 0);
	assert_true(p.describe);
	assert_int_equal(p.worker, 2);

	/* Everything else is refused, so the reply is null. */
	assert_int_equal(ws_tel_parse_params("1", 0, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("worker=1", WS_TEL_P_PAGE, &p),
		-EINVAL);
	assert_int_equal(ws_tel_parse_params("worker=16", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("worker=-1", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("worker=1x", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("1,2", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("port=65536", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("per_page=0", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("per_page=101", all, &p),
		-EINVAL);
	assert_int_equal(ws_tel_parse_params("state=OPEN", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("colour=red", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("page=", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("describe", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("describe,describe",
		WS_TEL_P_DESCRIBE, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("describe=1",
		WS_TEL_P_DESCRIBE, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("describes",
		WS_TEL_P_WORKER | WS_TEL_P_DESCRIBE, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params(
		"page=99999999999999999999", all, &p), -EINVAL);
	/* verbose: conn/list only, and fewer per page (16 KiB replies). */
	assert_int_equal(ws_tel_parse_params("verbose", all, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("verbose,port=80",
		all | WS_TEL_P_VERBOSE, &p), 0);
	assert_true(p.verbose);
	assert_int_equal(p.port, 80);
	assert_int_equal(ws_tel_parse_params("per_page=25 verbose",
		all | WS_TEL_P_VERBOSE, &p), 0);
	assert_int_equal(ws_tel_parse_params("verbose,per_page=26",
		all | WS_TEL_P_VERBOSE, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("verbose,verbose",
		all | WS_TEL_P_VERBOSE, &p), -EINVAL);
	assert_int_equal(ws_tel_parse_params("state=LISTEN", all, &p), 0);
	assert_false(p.verbose);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_totals_and_rates_from_worker_blocks),
	cmocka_unit_test(
		test_no_rates_without_a_previous_snapshot_or_after_a_reset),
	cmocka_unit_test(test_store_readers_never_see_a_torn_snapshot),
	cmocka_unit_test(test_telemetry_parameters),
};

WS_TEST_MAIN(tests)
