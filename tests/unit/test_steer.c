/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * Steering between workers (ws_steer.h): the Toeplitz hash against
 * Microsoft's RSS verification suite and DPDK's rte_softrss(); the
 * symmetric key and the two-lookup fast path against the definition; the
 * redirection table and its arguments; source ports chosen so replies come
 * back to the connecting worker; UDP port owners; the owner of TCP, UDP
 * and ICMP frames; and, over a real two-worker stack, the hand-off rings
 * and the neighbour news between ARP caches. Every test ends with the pools
 * full again.
 *
 * Flow addresses are in 198.18.0.0/15. The verification suite's addresses
 * are only hash inputs, kept as bytes: nothing is sent to them.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_thash.h>

#include "woshou.h"
#include "ws_arp.h"
#include "ws_steer.h"
#include "ws_tcp_priv.h"
#include "ws_test.h"

/* RTE_IPV4 shifts into the sign bit of an int, which UBSan reports. */
#define IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))

#define US IPV4(198, 18, 0, 2)		/* WS_TEST_IP */
#define PEER IPV4(198, 18, 0, 1)	/* WS_TEST_PEER_IP */
#define BENCH_NET IPV4(198, 18, 0, 0)	/* 198.18.0.0/15 */
#define BENCH_MASK 0x1ffffu

#define ETH_LEN 14
#define IP_LEN 20
#define TCP_LEN 20
#define UDP_LEN 8
#define ICMP_LEN 8
#define FRAME_MAX 256

#define EPH_LO 49152
#define EPH_N 16384

#define SEED 0x5eed5eedULL

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* A random address of the benchmarking network, host order. */
static uint32_t
bench_addr(void)
{
	return BENCH_NET | (uint32_t)(rte_rand() & BENCH_MASK);
}

/* A random port other than 0, host order. */
static uint16_t
any_port(void)
{
	return (uint16_t)(1 + rte_rand_max(UINT16_MAX));
}

/*
 * The owner of the flow src:sport -> dst:dport (host order) by the
 * definition: the bit-by-bit Toeplitz hash of the tuple as a NIC reads it,
 * then the table. Independent of the word tables the fast path uses.
 */
static unsigned int
flow_owner(const struct ws_steer *st, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport)
{
	uint8_t in[12];

	put32(in, src);
	put32(in + 4, dst);
	put16(in + 8, sport);
	put16(in + 10, dport);
	return st->reta[ws_steer_toeplitz(st->key, st->key_len, in,
		sizeof(in)) & st->reta_mask];
}

/* ------------------------------------------------------------------ */
/* The hash.                                                           */

/* Microsoft's RSS verification key ("Verifying the RSS Hash Calculation"). */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const struct {
	uint8_t dst[4];
	uint16_t dport;
	uint8_t src[4];
	uint16_t sport;
	uint32_t h2;		/* SrcIP || DstIP */
	uint32_t h4;		/* SrcIP || DstIP || SrcPort || DstPort */
} ms_rows[] = {
	{ { 161, 142, 100, 80 }, 1766, { 66, 9, 149, 187 }, 2794,
		0x323e8fc2, 0x51ccc178 },
	{ { 65, 69, 140, 83 }, 4739, { 199, 92, 111, 2 }, 14230,
		0xd718262a, 0xc626b0ea },
	{ { 12, 22, 207, 184 }, 38024, { 24, 19, 198, 95 }, 12898,
		0xd2d0a5de, 0x5c2b394a },
	{ { 209, 142, 163, 6 }, 2217, { 38, 27, 205, 30 }, 48228,
		0x82989176, 0xafc7327f },
	{ { 202, 188, 127, 2 }, 1303, { 153, 39, 163, 191 }, 44251,
		0x5d1809c5, 0x10e828a2 },
};

static void
test_toeplitz_ms_suite(void **state)
{
	struct rte_ipv4_tuple tuple;
	uint8_t in[12];
	unsigned int i;

	RTE_SET_USED(state);
	for (i = 0; i < RTE_DIM(ms_rows); i++) {
		memcpy(in, ms_rows[i].src, 4);
		memcpy(in + 4, ms_rows[i].dst, 4);
		put16(in + 8, ms_rows[i].sport);
		put16(in + 10, ms_rows[i].dport);
		assert_int_equal(ws_steer_toeplitz(ms_key, sizeof(ms_key), in,
			8), ms_rows[i].h2);
		assert_int_equal(ws_steer_toeplitz(ms_key, sizeof(ms_key), in,
			12), ms_rows[i].h4);

		/*
		 * DPDK's software RSS takes the same tuple in CPU order: if
		 * it agrees, the bytes above are what a NIC hashes.
		 */
		memset(&tuple, 0, sizeof(tuple));
		tuple.src_addr = get32(in);
		tuple.dst_addr = get32(in + 4);
		tuple.sport = ms_rows[i].sport;
		tuple.dport = ms_rows[i].dport;
		assert_int_equal(rte_softrss((uint32_t *)&tuple,
			RTE_THASH_V4_L3_LEN, ms_key), ms_rows[i].h2);
		assert_int_equal(rte_softrss((uint32_t *)&tuple,
			RTE_THASH_V4_L4_LEN, ms_key), ms_rows[i].h4);
	}
}

#define SYM_TUPLES 100000

static void
test_symmetric_key(void **state)
{
	static const unsigned int key_lens[] = { 40, 52 };
	uint8_t key[WS_STEER_KEY_MAX + 4], fwd[12], rev[12];
	struct rte_ipv4_tuple tuple;
	struct ws_steer st;
	unsigned int k, i, len;
	uint32_t src, dst, h4, h2;
	uint16_t sport, dport;

	RTE_SET_USED(state);
	rte_srand(SEED);
	for (k = 0; k < RTE_DIM(key_lens); k++) {
		len = key_lens[k];
		memset(key, 0xee, sizeof(key));
		ws_steer_symmetric_key(key, len);
		for (i = 0; i < len; i++)
			assert_int_equal(key[i], i % 2 == 0 ? 0x6d : 0x5a);
		/* Exactly 'len' bytes written. */
		assert_int_equal(key[len], 0xee);

		assert_int_equal(ws_steer_init(&st, 1, len, WS_STEER_RETA_SOFT,
			0, SOCKET_ID_ANY, "sym"), 0);
		assert_int_equal(st.key_len, len);
		assert_memory_equal(st.key, key, len);

		for (i = 0; i < SYM_TUPLES; i++) {
			src = (uint32_t)rte_rand();
			dst = (uint32_t)rte_rand();
			sport = (uint16_t)rte_rand();
			dport = (uint16_t)rte_rand();
			put32(fwd, src);
			put32(fwd + 4, dst);
			put16(fwd + 8, sport);
			put16(fwd + 10, dport);
			put32(rev, dst);
			put32(rev + 4, src);
			put16(rev + 8, dport);
			put16(rev + 10, sport);

			/* Both directions of a flow hash alike... */
			h4 = ws_steer_toeplitz(key, len, fwd, 12);
			assert_int_equal(ws_steer_toeplitz(key, len, rev, 12),
				h4);
			h2 = ws_steer_toeplitz(key, len, fwd, 8);
			assert_int_equal(ws_steer_toeplitz(key, len, rev, 8),
				h2);

			/* ...the two-lookup fast path agrees... */
			assert_int_equal(ws_steer_hash_l4(&st,
				rte_cpu_to_be_32(src), rte_cpu_to_be_32(dst),
				rte_cpu_to_be_16(sport),
				rte_cpu_to_be_16(dport)), h4);
			assert_int_equal(ws_steer_hash_l4(&st,
				rte_cpu_to_be_32(dst), rte_cpu_to_be_32(src),
				rte_cpu_to_be_16(dport),
				rte_cpu_to_be_16(sport)), h4);
			assert_int_equal(ws_steer_hash_l3(&st,
				rte_cpu_to_be_32(src), rte_cpu_to_be_32(dst)),
				h2);
			assert_int_equal(ws_steer_hash_l3(&st,
				rte_cpu_to_be_32(dst), rte_cpu_to_be_32(src)),
				h2);

			/* ...and so does a port programmed with the key. */
			tuple.src_addr = src;
			tuple.dst_addr = dst;
			tuple.sport = sport;
			tuple.dport = dport;
			assert_int_equal(rte_softrss((uint32_t *)&tuple,
				RTE_THASH_V4_L4_LEN, key), h4);
			assert_int_equal(rte_softrss((uint32_t *)&tuple,
				RTE_THASH_V4_L3_LEN, key), h2);
		}
		ws_steer_fini(&st);
	}
}

/* ------------------------------------------------------------------ */
/* The table and its arguments.                                        */

static void
test_table(void **state)
{
	static const struct {
		unsigned int n, key_len, reta, ring;
	} bad[] = {
		{ 0, 40, 128, 1024 },
		{ WS_MAX_WORKERS + 1, 40, 128, 1024 },
		{ 2, 41, 128, 1024 },			/* odd */
		{ 2, 15, 128, 1024 },			/* odd, short */
		{ 2, 14, 128, 1024 },			/* short */
		{ 2, WS_STEER_KEY_MAX + 2, 128, 1024 },	/* long */
		{ 2, 40, 0, 1024 },
		{ 2, 40, 100, 1024 },
		{ 2, 40, WS_STEER_RETA_MAX * 2, 1024 },
		{ 2, 40, 128, 1000 },
		{ 2, 40, 128, 0 },
		{ 1, 40, 96, 1024 },
	};
	static const unsigned int ok_lens[] = { 16, WS_STEER_KEY_MAX };
	struct ws_steer st, dup;
	char name[16];
	unsigned int n, i;
	uint32_t h;

	RTE_SET_USED(state);
	rte_srand(SEED);

	/* One worker: a table, but nothing to hand anything to. */
	assert_int_equal(ws_steer_init(&st, 1, 40, 128, 1024, SOCKET_ID_ANY,
		"t1"), 0);
	assert_int_equal(st.n_workers, 1);
	assert_int_equal(st.reta_size, 128);
	assert_int_equal(st.reta_mask, 127);
	assert_int_equal(st.key_len, 40);
	assert_false(st.hw);
	assert_null(st.udp_owner);
	for (i = 0; i < WS_MAX_WORKERS; i++) {
		assert_null(st.handoff[i]);
		assert_null(st.neigh[i]);
	}
	for (i = 0; i < 128; i++)
		assert_int_equal(st.reta[i], 0);
	ws_steer_fini(&st);
	/* A ring size is only needed with rings to make. */
	assert_int_equal(ws_steer_init(&st, 1, 40, 128, 1000, SOCKET_ID_ANY,
		"t1b"), 0);
	ws_steer_fini(&st);

	for (n = 2; n <= WS_MAX_WORKERS; n++) {
		snprintf(name, sizeof(name), "t%u", n);
		assert_int_equal(ws_steer_init(&st, n, 40, 128, 1024,
			SOCKET_ID_ANY, name), 0);
		assert_int_equal(st.n_workers, n);
		assert_non_null(st.udp_owner);
		for (i = 0; i < WS_MAX_WORKERS; i++) {
			if (i < n) {
				assert_non_null(st.handoff[i]);
				assert_non_null(st.neigh[i]);
			} else {
				assert_null(st.handoff[i]);
				assert_null(st.neigh[i]);
			}
		}
		/* Round robin. */
		for (i = 0; i < 128; i++)
			assert_int_equal(st.reta[i], i % n);
		/* A NIC indexes the table with the hash's low bits. */
		for (i = 0; i < 1000; i++) {
			h = (uint32_t)rte_rand();
			assert_int_equal(ws_steer_worker_of(&st, h),
				(h & 127) % n);
		}

		ws_steer_set_reta(&st, 5, n - 1);
		assert_int_equal(st.reta[5], n - 1);
		assert_int_equal(ws_steer_worker_of(&st, 0xabcd0000 | 5 |
			128 * 7), n - 1);
		/* Out of range, entry or worker: nothing changes. */
		ws_steer_set_reta(&st, 128, n - 1);
		assert_int_equal(st.reta[128], 0);
		ws_steer_set_reta(&st, 6, n);
		assert_int_equal(st.reta[6], 6 % n);
		ws_steer_set_reta(&st, UINT32_MAX, n - 1);
		ws_steer_set_reta(&st, 7, UINT32_MAX);
		for (i = 0; i < WS_STEER_RETA_MAX; i++)
			assert_int_equal(st.reta[i], i == 5 ? n - 1 :
				i < 128 ? i % n : 0);

		ws_steer_fini(&st);
		for (i = 0; i < WS_MAX_WORKERS; i++) {
			assert_null(st.handoff[i]);
			assert_null(st.neigh[i]);
		}
		assert_null(st.udp_owner);
	}

	/*
	 * Ring names are unique: a second steering of a name fails (DPDK
	 * logs the refused ring) and leaves the first one's rings alone.
	 */
	assert_int_equal(ws_steer_init(&st, 2, 40, 128, 1024, SOCKET_ID_ANY,
		"tdup"), 0);
	assert_int_equal(ws_steer_init(&dup, 2, 40, 128, 1024, SOCKET_ID_ANY,
		"tdup"), -EEXIST);
	ws_steer_fini(&dup);
	assert_ptr_equal(rte_ring_lookup(st.handoff[0]->name), st.handoff[0]);
	assert_ptr_equal(rte_ring_lookup(st.neigh[1]->name), st.neigh[1]);
	ws_steer_fini(&st);

	/* The largest table and the key lengths at the limits. */
	assert_int_equal(ws_steer_init(&st, 3, 40, WS_STEER_RETA_MAX, 64,
		SOCKET_ID_ANY, "tmax"), 0);
	assert_int_equal(st.reta_mask, WS_STEER_RETA_MAX - 1);
	for (i = 0; i < WS_STEER_RETA_MAX; i++)
		assert_int_equal(st.reta[i], i % 3);
	assert_int_equal(ws_steer_worker_of(&st, 511), 511 % 3);
	ws_steer_fini(&st);
	for (i = 0; i < RTE_DIM(ok_lens); i++) {
		snprintf(name, sizeof(name), "tk%u", ok_lens[i]);
		assert_int_equal(ws_steer_init(&st, 2, ok_lens[i], 128, 64,
			SOCKET_ID_ANY, name), 0);
		assert_int_equal(st.key_len, ok_lens[i]);
		ws_steer_fini(&st);
	}

	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(name, sizeof(name), "tbad%u", i);
		assert_int_equal(ws_steer_init(&st, bad[i].n, bad[i].key_len,
			bad[i].reta, bad[i].ring, SOCKET_ID_ANY, name),
			-EINVAL);
		ws_steer_fini(&st);
	}
}

/* ------------------------------------------------------------------ */
/* Source ports for active opens.                                      */

static uint8_t refused[UINT16_MAX + 1];

static bool
port_refused(void *arg, uint16_t port)
{
	const uint8_t *r = arg;

	return r[port] != 0;
}

static bool
port_all_used(void *arg, uint16_t port)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(port);
	return true;
}

/* The walk ws_steer_pick_port() documents, by the hash's definition. */
static int
expected_port(const struct ws_steer *st, unsigned int worker, uint32_t raddr,
		uint32_t laddr, uint16_t rport, uint16_t lo, uint32_t n,
		uint32_t cursor, const uint8_t *used)
{
	uint32_t i;
	uint16_t port;

	for (i = 0; i < n; i++) {
		port = (uint16_t)(lo + (cursor % n + i) % n);
		if (st != NULL && flow_owner(st, raddr, laddr, rport,
				port) != worker)
			continue;
		if (used != NULL && used[port] != 0)
			continue;
		return port;
	}
	return -EADDRINUSE;
}

/* Check one pick against the walk, the owner and the cursor. */
static void
check_pick(const struct ws_steer *st, unsigned int worker, uint32_t raddr,
		uint16_t rport, uint32_t cursor, uint8_t *used)
{
	uint32_t c = cursor;
	int port;

	port = ws_steer_pick_port(st, worker, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), EPH_LO, EPH_N,
		&c, used != NULL ? port_refused : NULL, used);
	assert_int_equal(port, expected_port(st, worker, raddr, US, rport,
		EPH_LO, EPH_N, cursor, used));
	assert_true(port >= EPH_LO && port < EPH_LO + EPH_N);
	assert_int_equal(ws_steer_tcp_owner(st, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport),
		rte_cpu_to_be_16((uint16_t)port)), worker);
	if (used != NULL)
		assert_int_equal(used[port], 0);
	/* The next search starts just past it. */
	assert_int_equal(c % EPH_N, (uint32_t)(port - EPH_LO + 1) % EPH_N);
}

#define PICK_FLOWS 200

static void
test_pick_port(void **state)
{
	static const unsigned int counts[] = { 2, 3, 4, 8, 16 };
	static uint8_t seen[UINT16_MAX + 1];
	struct ws_steer st;
	char name[16];
	unsigned int k, n, w, f, i;
	uint32_t raddr, cursor, p;
	uint16_t rport;
	int port, prev;

	RTE_SET_USED(state);
	rte_srand(SEED);
	for (k = 0; k < RTE_DIM(counts); k++) {
		n = counts[k];
		snprintf(name, sizeof(name), "pp%u", n);
		assert_int_equal(ws_steer_init(&st, n, 40, WS_STEER_RETA_SOFT,
			64, SOCKET_ID_ANY, name), 0);
		for (f = 0; f < PICK_FLOWS; f++) {
			raddr = bench_addr();
			rport = any_port();
			for (w = 0; w < n; w++)
				check_pick(&st, w, raddr, rport,
					(uint32_t)rte_rand(), NULL);
		}
		/* Ports the caller says are taken are passed over. */
		for (p = 0; p <= UINT16_MAX; p++)
			refused[p] = (uint8_t)(rte_rand() & 1);
		for (f = 0; f < PICK_FLOWS; f++) {
			raddr = bench_addr();
			rport = any_port();
			for (w = 0; w < n; w++)
				check_pick(&st, w, raddr, rport,
					(uint32_t)rte_rand(), refused);
		}
		ws_steer_fini(&st);
	}

	/* Successive picks spread over the range instead of reusing one. */
	assert_int_equal(ws_steer_init(&st, 2, 40, WS_STEER_RETA_SOFT, 64,
		SOCKET_ID_ANY, "pps"), 0);
	memset(seen, 0, sizeof(seen));
	raddr = bench_addr();
	rport = 443;
	cursor = 0;
	prev = -1;
	for (i = 0; i < 1000; i++) {
		port = ws_steer_pick_port(&st, 0, rte_cpu_to_be_32(raddr),
			rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), EPH_LO,
			EPH_N, &cursor, NULL, NULL);
		assert_true(port >= EPH_LO);
		assert_int_equal(seen[port], 0);
		seen[port] = 1;
		/* About every other port is ours: no wrap in 1000. */
		assert_true(port > prev);
		prev = port;
		assert_int_equal(flow_owner(&st, raddr, US, rport,
			(uint16_t)port), 0);
	}
	ws_steer_fini(&st);
}

static void
test_pick_port_exhausted(void **state)
{
	struct ws_steer st;
	uint32_t raddr = IPV4(198, 19, 7, 9), cursor;
	uint16_t rport = 80, lo, p, none = 0, some = 0;
	unsigned int owned;
	uint8_t used[UINT16_MAX + 1];
	int port;

	RTE_SET_USED(state);
	assert_int_equal(ws_steer_init(&st, 4, 40, WS_STEER_RETA_SOFT, 64,
		SOCKET_ID_ANY, "ppx"), 0);
	/*
	 * Four-port ranges where none, and where some, map to worker 0. The
	 * hash is linear in the port, so with four workers an aligned block
	 * of four holds one port of each: the empty range straddles two.
	 */
	for (lo = EPH_LO; lo < UINT16_MAX - 4 && (none == 0 || some == 0);
			lo++) {
		owned = 0;
		for (p = lo; p < lo + 4; p++)
			owned += flow_owner(&st, raddr, US, rport, p) == 0;
		if (owned == 0 && none == 0)
			none = lo;
		if (owned > 0 && some == 0)
			some = lo;
	}
	assert_int_not_equal(none, 0);
	assert_int_not_equal(some, 0);

	cursor = 3;
	assert_int_equal(ws_steer_pick_port(&st, 0, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), none, 4,
		&cursor, NULL, NULL), -EADDRINUSE);
	assert_int_equal(cursor, 3);
	assert_int_equal(ws_steer_pick_port(&st, 0, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), some, 4,
		&cursor, port_all_used, NULL), -EADDRINUSE);
	assert_int_equal(cursor, 3);
	port = ws_steer_pick_port(&st, 0, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), some, 4,
		&cursor, NULL, NULL);
	assert_int_equal(port, expected_port(&st, 0, raddr, US, rport, some,
		4, 3, NULL));
	ws_steer_fini(&st);

	/* Without steering any free port will do, still from the cursor. */
	memset(used, 0, sizeof(used));
	used[EPH_LO + 2] = 1;
	cursor = 2;
	assert_int_equal(ws_steer_pick_port(NULL, 7, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), EPH_LO, 4,
		&cursor, port_refused, used), EPH_LO + 3);
	assert_int_equal(cursor % 4, 0);
	assert_int_equal(ws_steer_pick_port(NULL, 7, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), EPH_LO, 4,
		&cursor, port_refused, used), EPH_LO);
	assert_int_equal(cursor % 4, 1);
	used[EPH_LO] = used[EPH_LO + 1] = used[EPH_LO + 3] = 1;
	assert_int_equal(ws_steer_pick_port(NULL, 0, rte_cpu_to_be_32(raddr),
		rte_cpu_to_be_32(US), rte_cpu_to_be_16(rport), EPH_LO, 4,
		&cursor, port_refused, used), -EADDRINUSE);
}

/* ------------------------------------------------------------------ */
/* UDP port owners.                                                    */

static void
test_udp_owner(void **state)
{
	struct ws_steer st;

	RTE_SET_USED(state);
	assert_int_equal(ws_steer_init(&st, 2, 40, WS_STEER_RETA_SOFT, 64,
		SOCKET_ID_ANY, "udp"), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 53), WS_STEER_ANY);
	assert_int_equal(ws_steer_udp_claim(&st, 53, 0), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 53), 0);
	assert_int_equal(ws_steer_udp_claim(&st, 53, 1), -EADDRINUSE);
	assert_int_equal(ws_steer_udp_owner(&st, 53), 0);
	/* Claiming what one already owns is fine. */
	assert_int_equal(ws_steer_udp_claim(&st, 53, 0), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 53), 0);
	/* Only the owner's release counts. */
	ws_steer_udp_release(&st, 53, 1);
	assert_int_equal(ws_steer_udp_owner(&st, 53), 0);
	ws_steer_udp_release(&st, 53, 0);
	assert_int_equal(ws_steer_udp_owner(&st, 53), WS_STEER_ANY);
	assert_int_equal(ws_steer_udp_claim(&st, 53, 1), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 53), 1);
	assert_int_equal(ws_steer_udp_claim(&st, 53, 0), -EADDRINUSE);

	/* Ports are independent, to both ends of the range. */
	assert_int_equal(ws_steer_udp_owner(&st, 52), WS_STEER_ANY);
	assert_int_equal(ws_steer_udp_owner(&st, 54), WS_STEER_ANY);
	assert_int_equal(ws_steer_udp_claim(&st, 0, 1), 0);
	assert_int_equal(ws_steer_udp_claim(&st, UINT16_MAX, 0), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 0), 1);
	assert_int_equal(ws_steer_udp_owner(&st, UINT16_MAX), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 1), WS_STEER_ANY);
	assert_int_equal(ws_steer_udp_owner(&st, UINT16_MAX - 1),
		WS_STEER_ANY);
	ws_steer_fini(&st);

	/* One worker (no table of owners), or none: nobody owns a port. */
	assert_int_equal(ws_steer_init(&st, 1, 40, WS_STEER_RETA_SOFT, 64,
		SOCKET_ID_ANY, "udp1"), 0);
	assert_int_equal(ws_steer_udp_claim(&st, 53, 0), 0);
	assert_int_equal(ws_steer_udp_claim(&st, 53, 1), 0);
	assert_int_equal(ws_steer_udp_owner(&st, 53), WS_STEER_ANY);
	ws_steer_udp_release(&st, 53, 0);
	ws_steer_fini(&st);
	assert_int_equal(ws_steer_udp_claim(NULL, 53, 0), 0);
	assert_int_equal(ws_steer_udp_owner(NULL, 53), WS_STEER_ANY);
	ws_steer_udp_release(NULL, 53, 0);
}

/* ------------------------------------------------------------------ */
/* The owner of a frame.                                               */

/* Only index and steer matter to ws_steer_owner(). */
static struct ws_worker fake;

/* 'frame' (Ethernet + 20-byte IPv4) into an mbuf as IP delivers it. */
static struct rte_mbuf *
ip_mbuf(struct ws_test_env *env, const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = ws_test_mbuf(env, frame, len);

	m->l2_len = ETH_LEN;
	m->l3_len = IP_LEN;
	return m;
}

/* ws_steer_owner() of 'frame' as seen by worker 'index'. */
static unsigned int
owner_of(struct ws_test_env *env, unsigned int index, const uint8_t *frame,
		size_t len)
{
	struct rte_mbuf *m = ip_mbuf(env, frame, len);
	unsigned int owner;

	fake.index = index;
	owner = ws_steer_owner(&fake, m);
	rte_pktmbuf_free(m);
	return owner;
}

/* A TCP segment src:sport -> dst:dport (host order) in a frame. */
static size_t
tcp_frame(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport)
{
	uint8_t tcp[TCP_LEN];

	memset(tcp, 0, sizeof(tcp));
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, 0x01020304);
	tcp[12] = (TCP_LEN / 4) << 4;
	tcp[13] = 0x10;				/* ACK */
	put16(tcp + 14, 65535);
	return ws_test_ipv4_frame(buf, src, dst, IPPROTO_TCP, 0x0101, 0, tcp,
		sizeof(tcp));
}

static size_t
udp_frame(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport)
{
	uint8_t udp[UDP_LEN + 4];

	memset(udp, 0, sizeof(udp));
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, sizeof(udp));
	return ws_test_ipv4_frame(buf, src, dst, IPPROTO_UDP, 0x0102, 0, udp,
		sizeof(udp));
}

/*
 * An ICMP error from the peer quoting 'quote_len' bytes of the IP datagram
 * in 'sent' (a frame, from its IP header on).
 */
static size_t
icmp_error_frame(uint8_t *buf, uint8_t type, const uint8_t *sent,
		size_t quote_len)
{
	uint8_t icmp[ICMP_LEN + 64];

	memset(icmp, 0, sizeof(icmp));
	icmp[0] = type;
	icmp[1] = type == 3 ? 3 : 0;
	memcpy(icmp + ICMP_LEN, sent + ETH_LEN, quote_len);
	put16(icmp + 2, ws_test_cksum(icmp, ICMP_LEN + quote_len));
	return ws_test_ipv4_frame(buf, PEER, US, IPPROTO_ICMP, 0x0103, 0, icmp,
		ICMP_LEN + quote_len);
}

static void
test_owner_of_frames(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t error_types[] = { 3, 4, 5, 11, 12 };
	uint8_t frame[FRAME_MAX], sent[FRAME_MAX], opt[FRAME_MAX];
	unsigned int seen_owner[2] = { 0, 0 }, i, t, want, idx;
	struct ws_steer st;
	struct rte_mbuf *m;
	uint16_t sport, lport;
	size_t len, slen;

	rte_srand(SEED);
	assert_int_equal(ws_steer_init(&st, 2, 40, WS_STEER_RETA_SOFT, 64,
		SOCKET_ID_ANY, "own"), 0);
	memset(&fake, 0, sizeof(fake));
	fake.steer = &st;

	/* TCP: the tuple decides, whoever received it. */
	for (i = 0; i < 64; i++) {
		sport = (uint16_t)(40000 + i);
		want = flow_owner(&st, PEER, US, sport, 80);
		assert_int_equal(want, ws_steer_tcp_owner(&st,
			rte_cpu_to_be_32(PEER), rte_cpu_to_be_32(US),
			rte_cpu_to_be_16(sport), rte_cpu_to_be_16(80)));
		seen_owner[want]++;
		len = tcp_frame(frame, PEER, US, sport, 80);
		assert_int_equal(owner_of(env, 0, frame, len), want);
		assert_int_equal(owner_of(env, 1, frame, len), want);
	}
	/* Both workers own some of those, or the above proves little. */
	assert_true(seen_owner[0] > 0 && seen_owner[1] > 0);

	/*
	 * A port hashing with our key and table has decided already; its
	 * hash is only trusted when the port does (st->hw).
	 */
	sport = 40000;
	want = flow_owner(&st, PEER, US, sport, 80);
	len = tcp_frame(frame, PEER, US, sport, 80);
	m = ip_mbuf(env, frame, len);
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	m->hash.rss = 0x12345600 | (1 - want);	/* the other's entry */
	fake.index = want;
	assert_int_equal(ws_steer_owner(&fake, m), want);
	st.hw = true;
	assert_int_equal(ws_steer_owner(&fake, m), 1 - want);
	m->hash.rss = 0x12345600 | want;
	assert_int_equal(ws_steer_owner(&fake, m), want);
	m->hash.rss = 0x12345600 | (1 - want);
	m->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
	assert_int_equal(ws_steer_owner(&fake, m), want);
	st.hw = false;
	rte_pktmbuf_free(m);

	/* A segment too short for its ports stays where it is. */
	tcp_frame(frame, PEER, US, 40000, 80);
	want = flow_owner(&st, PEER, US, 40000, 80);
	assert_int_equal(owner_of(env, 1 - want, frame, ETH_LEN + IP_LEN + 3),
		1 - want);

	/* UDP: the worker that bound the port, else the one it reached. */
	assert_int_equal(ws_steer_udp_claim(&st, 5353, 1), 0);
	assert_int_equal(ws_steer_udp_claim(&st, 5354, 0), 0);
	len = udp_frame(frame, PEER, US, 5555, 5353);
	assert_int_equal(owner_of(env, 0, frame, len), 1);
	assert_int_equal(owner_of(env, 1, frame, len), 1);
	len = udp_frame(frame, PEER, US, 5555, 5354);
	assert_int_equal(owner_of(env, 1, frame, len), 0);
	/* The source port is the peer's: it says nothing. */
	len = udp_frame(frame, PEER, US, 5353, 7000);
	assert_int_equal(owner_of(env, 0, frame, len), 0);
	assert_int_equal(owner_of(env, 1, frame, len), 1);

	/* An echo request is answered where it arrives. */
	len = ws_test_icmp_echo(sent, 8, 0x1234, 1, "ping", 4);
	len = ws_test_ipv4_frame(frame, PEER, US, IPPROTO_ICMP, 0x0104, 0,
		sent, len);
	assert_int_equal(owner_of(env, 0, frame, len), 0);
	assert_int_equal(owner_of(env, 1, frame, len), 1);

	/*
	 * An error quoting a segment we sent (us:P -> peer:80) goes where
	 * the segments of that connection arrive.
	 */
	seen_owner[0] = seen_owner[1] = 0;
	for (i = 0; i < 64; i++) {
		lport = (uint16_t)(50000 + i);
		want = ws_steer_tcp_owner(&st, rte_cpu_to_be_32(PEER),
			rte_cpu_to_be_32(US), rte_cpu_to_be_16(80),
			rte_cpu_to_be_16(lport));
		assert_int_equal(want, flow_owner(&st, PEER, US, 80, lport));
		seen_owner[want]++;
		slen = tcp_frame(sent, US, PEER, lport, 80);
		len = tcp_frame(frame, PEER, US, 80, lport);
		assert_int_equal(owner_of(env, 1 - want, frame, len), want);
		for (t = 0; t < RTE_DIM(error_types); t++) {
			len = icmp_error_frame(frame, error_types[t], sent,
				IP_LEN + 8);
			assert_int_equal(owner_of(env, 1 - want, frame, len),
				want);
		}
		/* The whole segment quoted, as Linux does. */
		len = icmp_error_frame(frame, 3, sent, slen - ETH_LEN);
		assert_int_equal(owner_of(env, 1 - want, frame, len), want);
	}
	assert_true(seen_owner[0] > 0 && seen_owner[1] > 0);

	/* The quoted header may carry options: the ports follow them. */
	lport = 50000;
	want = flow_owner(&st, PEER, US, 80, lport);
	slen = tcp_frame(sent, US, PEER, lport, 80);
	memcpy(opt, sent, ETH_LEN + IP_LEN);
	opt[ETH_LEN] = 0x46;
	memset(opt + ETH_LEN + IP_LEN, 1, 4);		/* four NOPs */
	memcpy(opt + ETH_LEN + IP_LEN + 4, sent + ETH_LEN + IP_LEN,
		slen - ETH_LEN - IP_LEN);
	len = icmp_error_frame(frame, 11, opt, IP_LEN + 4 + 8);
	assert_int_equal(owner_of(env, 1 - want, frame, len), want);
	/* Too short for the ports after the options. */
	len = icmp_error_frame(frame, 11, opt, IP_LEN + 4 + 7);
	assert_int_equal(owner_of(env, 1 - want, frame, len), 1 - want);

	/* Truncated: the quoted header and fewer than 8 bytes after it. */
	len = icmp_error_frame(frame, 3, sent, IP_LEN + 7);
	assert_int_equal(owner_of(env, 1 - want, frame, len), 1 - want);
	len = icmp_error_frame(frame, 3, sent, IP_LEN);
	assert_int_equal(owner_of(env, 1 - want, frame, len), 1 - want);
	/* A quoted header shorter than an IP header. */
	memcpy(opt, sent, slen);
	opt[ETH_LEN] = 0x44;
	len = icmp_error_frame(frame, 3, opt, slen - ETH_LEN);
	assert_int_equal(owner_of(env, 1 - want, frame, len), 1 - want);
	/* Not an error: the echo type with the same bytes. */
	len = icmp_error_frame(frame, 8, sent, slen - ETH_LEN);
	assert_int_equal(owner_of(env, 1 - want, frame, len), 1 - want);

	/* Quoting a datagram from a port worker 1 bound: worker 1's. */
	udp_frame(sent, US, PEER, 5353, 53);
	for (idx = 0; idx < 2; idx++) {
		len = icmp_error_frame(frame, 3, sent, IP_LEN + 8);
		assert_int_equal(owner_of(env, idx, frame, len), 1);
	}
	/* From a port nobody bound alone: where it arrived. */
	slen = udp_frame(sent, US, PEER, 5355, 53);
	len = icmp_error_frame(frame, 3, sent, slen - ETH_LEN);
	assert_int_equal(owner_of(env, 0, frame, len), 0);
	assert_int_equal(owner_of(env, 1, frame, len), 1);

	/* Other protocols stay where they arrive. */
	len = ws_test_ipv4_frame(frame, PEER, US, 47, 0x0105, 0, "gre!", 4);
	assert_int_equal(owner_of(env, 0, frame, len), 0);
	assert_int_equal(owner_of(env, 1, frame, len), 1);

	ws_steer_fini(&st);
	ws_test_assert_no_leak(env);
}

/* ------------------------------------------------------------------ */
/* Hand-off and neighbour news over a two-worker stack.                 */

static struct ws_stack *
two_worker_stack(struct rte_ring *ring)
{
	struct rte_ring *rings[2] = { ring, ring };
	const char *sets[] = {
		"ip.addr=198.18.0.2/24", "port.mac=02:00:00:00:0b:02",
		"port.mbufs=4095", "workers.lcores=1,2",
		"tcp.max_connections=1024", "workers.handoff_ring=64",
	};

	return ws_test_ring_stack(rings, rings, 2, sets, RTE_DIM(sets));
}

/* The stack of one test, destroyed by the teardown even when it fails. */
struct stack_env {
	struct rte_ring *ring;		/* the port's wire */
	struct ws_stack *s;
	struct ws_worker *w0, *w1;
	struct ws_steer *st;
	unsigned int in_use0, in_use1;	/* mbufs out at the start */
};

static int
stack_setup(void **state)
{
	struct stack_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	*state = e;
	e->ring = ws_test_ring(1024, 0);
	e->s = two_worker_stack(e->ring);
	e->w0 = ws_stack_worker(e->s, 0);
	e->w1 = ws_stack_worker(e->s, 1);
	e->st = e->w0->steer;
	assert_non_null(e->st);
	assert_ptr_equal(e->w1->steer, e->st);
	e->in_use0 = rte_mempool_in_use_count(e->w0->pool);
	e->in_use1 = rte_mempool_in_use_count(e->w1->pool);
	return 0;
}

static int
stack_teardown(void **state)
{
	struct stack_env *e = *state;

	ws_stack_destroy(e->s);
	rte_ring_free(e->ring);
	free(e);
	return 0;
}

#define HANDOFF_RING 64		/* workers.handoff_ring */
#define HANDOFF_PKTS 100

static void
test_handoff_ring_full(void **state)
{
	struct stack_env *e = *state;
	struct ws_worker *w0 = e->w0;
	struct rte_mbuf *sent[HANDOFF_PKTS], *got;
	unsigned int i;

	/*
	 * Staged in bursts of WS_BURST; the ring takes HANDOFF_RING ("packets
	 * waiting for a worker"), the rest is freed and counted: none lost,
	 * none kept.
	 */
	for (i = 0; i < HANDOFF_PKTS; i++) {
		sent[i] = rte_pktmbuf_alloc(w0->pool);
		assert_non_null(sent[i]);
		ws_steer_handoff(w0, 1, sent[i]);
	}
	ws_steer_flush(w0);
	assert_int_equal(w0->ho_pending, 0);
	assert_int_equal(w0->ho_n[1], 0);
	assert_int_equal(rte_ring_count(e->st->handoff[1]),
		w0->stats.steer.handoff_tx);
	assert_int_equal(rte_mempool_in_use_count(w0->pool),
		e->in_use0 + w0->stats.steer.handoff_tx);
	assert_int_equal(w0->stats.steer.handoff_tx, HANDOFF_RING);
	assert_int_equal(w0->stats.steer.drop_handoff_full,
		HANDOFF_PKTS - HANDOFF_RING);
	assert_int_equal(rte_ring_count(e->st->handoff[0]), 0);
	/* The first ones made it, in order. */
	for (i = 0; i < HANDOFF_RING; i++) {
		assert_int_equal(rte_ring_dequeue(e->st->handoff[1],
			(void **)&got), 0);
		assert_ptr_equal(got, sent[i]);
		rte_pktmbuf_free(got);
	}
	assert_int_equal(rte_ring_count(e->st->handoff[1]), 0);
	assert_int_equal(rte_mempool_in_use_count(w0->pool), e->in_use0);

	/* A worker that does not exist gets nothing; the packet is freed. */
	ws_steer_handoff(w0, 2, rte_pktmbuf_alloc(w0->pool));
	assert_int_equal(w0->stats.steer.drop_handoff_full,
		HANDOFF_PKTS - HANDOFF_RING + 1);
	assert_int_equal(w0->ho_pending, 0);
	assert_int_equal(w0->stats.steer.handoff_tx, HANDOFF_RING);
	assert_int_equal(rte_mempool_in_use_count(w0->pool), e->in_use0);
	assert_int_equal(rte_mempool_in_use_count(e->w1->pool), e->in_use1);
}

static void
test_neigh_publish(void **state)
{
	static const struct rte_ether_addr mac = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x4d } };
	static const struct rte_ether_addr mac2 = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x4e } };
	struct stack_env *e = *state;
	struct ws_worker *w0 = e->w0, *w1 = e->w1;
	uint32_t addr = rte_cpu_to_be_32(IPV4(198, 18, 0, 77));
	uint32_t addr2 = rte_cpu_to_be_32(IPV4(198, 18, 0, 78));
	struct rte_ether_addr found;

	/* The entry's age is taken from the worker's poll time. */
	w0->now = ws_clock_read(&w0->clock);
	w1->now = ws_clock_read(&w1->clock);

	/* What worker 0's ARP learned reaches worker 1, not itself. */
	assert_int_equal(ws_arp_lookup(w1, addr, &found), -ENOENT);
	ws_steer_neigh_publish(w0, addr, &mac, true);
	assert_int_equal(w0->stats.steer.neigh_tx, 1);
	assert_int_equal(w0->stats.steer.drop_neigh_full, 0);
	assert_int_equal(rte_ring_count(e->st->neigh[1]), 1);
	assert_int_equal(rte_ring_count(e->st->neigh[0]), 0);
	/* Not applied until worker 1 drains. */
	assert_int_equal(ws_arp_lookup(w1, addr, &found), -ENOENT);
	assert_int_equal(ws_steer_drain(w1), 0);
	assert_int_equal(w1->stats.steer.neigh_rx, 1);
	assert_int_equal(rte_ring_count(e->st->neigh[1]), 0);
	memset(&found, 0, sizeof(found));
	assert_int_equal(ws_arp_lookup(w1, addr, &found), 0);
	assert_true(rte_is_same_ether_addr(&found, &mac));
	assert_int_equal(ws_arp_lookup(w0, addr, &found), -ENOENT);
	/* Worker 0 drains nothing: it does not hear its own news. */
	assert_int_equal(ws_steer_drain(w0), 0);
	assert_int_equal(w0->stats.steer.neigh_rx, 0);

	/*
	 * News of a host worker 1 does not know, from ARP that did not
	 * target us, teaches it nothing (ws_arp_sync's rule): the for_us
	 * flag made the trip.
	 */
	ws_steer_neigh_publish(w0, addr2, &mac2, false);
	assert_int_equal(w0->stats.steer.neigh_tx, 2);
	assert_int_equal(ws_steer_drain(w1), 0);
	assert_int_equal(w1->stats.steer.neigh_rx, 2);
	assert_int_equal(ws_arp_lookup(w1, addr2, &found), -ENOENT);
	/* For a host it knows, the update replaces the MAC. */
	ws_steer_neigh_publish(w0, addr, &mac2, false);
	assert_int_equal(ws_steer_drain(w1), 0);
	assert_int_equal(w1->stats.steer.neigh_rx, 3);
	assert_int_equal(ws_arp_lookup(w1, addr, &found), 0);
	assert_true(rte_is_same_ether_addr(&found, &mac2));

	/* News travel alone: no packet was handed over meanwhile. */
	assert_int_equal(w1->stats.steer.handoff_rx, 0);
	assert_int_equal(rte_mempool_in_use_count(w0->pool), e->in_use0);
	assert_int_equal(rte_mempool_in_use_count(w1->pool), e->in_use1);
}

/*
 * A flood of ARP news (every on-link address announcing itself) fills the
 * neighbour ring: the excess is dropped and counted, and what fitted is
 * still applied.
 */
static void
test_neigh_ring_full(void **state)
{
	static const struct rte_ether_addr mac = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x4f } };
	struct stack_env *e = *state;
	struct ws_worker *w0 = e->w0, *w1 = e->w1;
	unsigned int i, rounds;

	w1->now = ws_clock_read(&w1->clock);
	for (i = 0; i < 1100; i++)
		ws_steer_neigh_publish(w0,
			rte_cpu_to_be_32(IPV4(198, 18, 0, 0) + 1000 + i),
			&mac, true);
	assert_int_equal(w0->stats.steer.neigh_tx, 1024);
	assert_int_equal(w0->stats.steer.drop_neigh_full, 1100 - 1024);
	/* A burst of news per poll, so a flood cannot stall the worker. */
	for (rounds = 0; w1->stats.steer.neigh_rx < 1024 && rounds < 64;
			rounds++)
		ws_steer_drain(w1);
	assert_int_equal(rounds, 1024 / 32);
	assert_int_equal(w1->stats.steer.neigh_rx, 1024);
	/* Each was learned, or refused by the bounded cache, and counted. */
	assert_int_equal(w1->stats.arp.learned + w1->stats.arp.drop_cache_full,
		1024);
	assert_true(w1->stats.arp.learned > 0);
}

#define STEER_ENV_TEST(fn) cmocka_unit_test_setup_teardown(fn, ws_test_setup, \
	ws_test_teardown)
#define STACK_TEST(fn) cmocka_unit_test_setup_teardown(fn, stack_setup, \
	stack_teardown)

/*
 * ws_tcp_listen_set_opts is all or none: with the port listened on by
 * one worker of two, it fails and neither worker's listener changed;
 * once both listen, both get the options.
 */
static void
test_listen_set_opts_all_or_none(void **state)
{
	static const struct ws_tcp_ops ops;
	static const struct ws_tcp_conn_opts o = { .mss = 1000 };
	static const struct ws_tcp_conn_opts bad = { .mss = 1 };
	struct stack_env *e = *state;
	uint16_t mss0;

	assert_int_equal(ws_tcp_listen_worker(e->w0, 8080, &ops, NULL), 0);
	mss0 = ws_tcp_find_listener(e->w0->tcp, 8080)->mss;
	assert_int_equal(ws_tcp_listen_set_opts(e->s, 8080, &o), -ENOENT);
	assert_int_equal(ws_tcp_find_listener(e->w0->tcp, 8080)->mss, mss0);
	assert_int_equal(ws_tcp_listen_worker(e->w1, 8080, &ops, NULL), 0);
	assert_int_equal(ws_tcp_listen_set_opts(e->s, 8080, &bad), -EINVAL);
	assert_int_equal(ws_tcp_listen_set_opts(e->s, 8080, &o), 0);
	assert_int_equal(ws_tcp_find_listener(e->w0->tcp, 8080)->mss, 1000);
	assert_int_equal(ws_tcp_find_listener(e->w1->tcp, 8080)->mss, 1000);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_toeplitz_ms_suite),
	cmocka_unit_test(test_symmetric_key),
	cmocka_unit_test(test_table),
	cmocka_unit_test(test_pick_port),
	cmocka_unit_test(test_pick_port_exhausted),
	cmocka_unit_test(test_udp_owner),
	STEER_ENV_TEST(test_owner_of_frames),
	STACK_TEST(test_handoff_ring_full),
	STACK_TEST(test_neigh_publish),
	STACK_TEST(test_neigh_ring_full),
	STACK_TEST(test_listen_set_opts_all_or_none),
};

WS_TEST_MAIN(tests)
