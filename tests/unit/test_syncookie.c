/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * SYN cookies (lib/tcp/ws_syncookie.h): what a cookie keeps comes back
 * (MSS rounded down, window scale and SACK only with timestamps), the
 * TSval never runs ahead of the clock, cookies age out after two periods,
 * any change to what the MAC covers is refused, keys rotate per period
 * and agree between workers. The MAC is recomputed here from the
 * documented layout, with libsodium directly, so the layout itself is
 * tested and not only the code's agreement with itself.
 *
 * Pure computation: no EAL, no worker.
 */

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <sodium.h>

#include <rte_common.h>

#include "ws_syncookie.h"
#include "ws_tcp_priv.h"

#define N_THREADS 4
#define SPREAD_N 100000
#define MAC_BITS 27

/* RTE_IPV4 shifts into the sign bit of an int, which UBSan reports. */
#define IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))

#define US IPV4(198, 18, 0, 2)
#define PEER IPV4(198, 18, 0, 1)
#define SERVER_PORT 80
#define CLIENT_PORT 40001
#define PEER_ISN 0x12345678u
#define TS_NOW 0x0badcafeu
#define T0 1000u		/* a counter value, far from 0 */

/* A 4-tuple in host order, and a ws_tcp_key made from it. */
struct tuple {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
};

static const struct tuple tuple0 = { US, PEER, SERVER_PORT, CLIENT_PORT };

static struct ws_tcp_key
tuple_key(const struct tuple *t)
{
	struct ws_tcp_key k = {
		.raddr = htonl(t->raddr),
		.laddr = htonl(t->laddr),
		.rport = htons(t->rport),
		.lport = htons(t->lport),
	};

	return k;
}

static void
master_fill(uint8_t *m, uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < WS_SYNCOOKIE_MASTER_BYTES; i++)
		m[i] = (uint8_t)(seed + i * 7);
}

static void
secret_fixed(struct ws_syncookie_secret *s, uint8_t seed)
{
	uint8_t m[WS_SYNCOOKIE_MASTER_BYTES];

	master_fill(m, seed);
	ws_syncookie_secret_init(s, m);
}

/* The period key as the header documents it, straight from libsodium. */
static void
ref_key(uint8_t *key, const uint8_t *master, uint32_t counter)
{
	assert_int_equal(crypto_kdf_derive_from_key(key,
		WS_SYNCOOKIE_KEY_BYTES, counter, "wscookie", master), 0);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The cookie recomputed from the layout in lib/tcp/ws_syncookie.c, byte by
 * byte from host-order values: laddr raddr lport rport irs (big-endian),
 * idx, flags (bit 0: timestamps), tsval (big-endian, 0 without).
 */
static uint32_t
ref_cookie(const uint8_t *master, uint32_t counter, const struct tuple *t,
		uint32_t irs, unsigned int idx, bool has_ts, uint32_t tsval)
{
	uint8_t key[WS_SYNCOOKIE_KEY_BYTES];
	uint8_t msg[22], out[crypto_shorthash_BYTES];
	uint32_t mac;

	ref_key(key, master, counter);
	put_be32(msg, t->laddr);
	put_be32(msg + 4, t->raddr);
	msg[8] = (uint8_t)(t->lport >> 8);
	msg[9] = (uint8_t)t->lport;
	msg[10] = (uint8_t)(t->rport >> 8);
	msg[11] = (uint8_t)t->rport;
	put_be32(msg + 12, irs);
	msg[16] = (uint8_t)idx;
	msg[17] = has_ts ? 1 : 0;
	put_be32(msg + 18, has_ts ? tsval : 0);
	crypto_shorthash(out, msg, sizeof(msg), key);
	mac = (uint32_t)out[0] | (uint32_t)out[1] << 8 |
		(uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
	return (counter & 3) << 30 | (uint32_t)idx << 27 |
		(mac & ((1u << MAC_BITS) - 1));
}

/* splitmix64: reproducible random tuples. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct ws_syncookie_opts
opts(uint16_t mss, bool has_ts, bool has_ws, uint8_t wscale, bool sack_ok)
{
	struct ws_syncookie_opts o = {
		.mss = mss,
		.wscale = wscale,
		.has_ws = has_ws,
		.sack_ok = sack_ok,
		.has_ts = has_ts,
	};

	return o;
}

/* ------------------------------------------------------------------ */

static void
test_mss_table(void **state)
{
	static const uint16_t expect[WS_SYNCOOKIE_MSS_N] = {
		536, 1220, 1360, 1400, 1440, 1460, 8960,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < WS_SYNCOOKIE_MSS_N; i++) {
		assert_int_equal(ws_syncookie_mss[i], expect[i]);
		if (i > 0)
			assert_true(ws_syncookie_mss[i - 1] < ws_syncookie_mss[i]);
	}
}

static void
test_mss_index_rounds_down(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < WS_SYNCOOKIE_MSS_N; i++) {
		uint16_t m = ws_syncookie_mss[i];

		assert_int_equal(ws_syncookie_mss_index(m), i);
		assert_int_equal(ws_syncookie_mss_index(m + 1), i);
		/* Just below an entry: the one before (or 0 below all). */
		assert_int_equal(ws_syncookie_mss_index(m - 1),
			i > 0 ? i - 1 : 0);
	}
	assert_int_equal(ws_syncookie_mss_index(0), 0);	/* absent */
	assert_int_equal(ws_syncookie_mss_index(1), 0);
	assert_int_equal(ws_syncookie_mss_index(1300), 1);
	assert_int_equal(ws_syncookie_mss_index(1459), 4);
	assert_int_equal(ws_syncookie_mss_index(1500), 5);
	assert_int_equal(ws_syncookie_mss_index(9000), 6);
	assert_int_equal(ws_syncookie_mss_index(UINT16_MAX), 6);
}

/* Make a cookie for 'in' at 'counter' and check it at 'now'. */
static enum ws_syncookie_result
round_trip(struct ws_syncookie_keys *k, uint32_t counter, uint32_t now,
		const struct ws_syncookie_opts *in, struct ws_syncookie_opts *out)
{
	struct ws_tcp_key key = tuple_key(&tuple0);
	uint32_t tsval = in->has_ts ? ws_syncookie_tsval(TS_NOW, in) : 0;
	uint32_t cookie;

	cookie = ws_syncookie_make(k, counter, &key, PEER_ISN, in, tsval);
	memset(out, 0xa5, sizeof(*out));
	return ws_syncookie_check(k, now, &key, PEER_ISN, cookie, in->has_ts,
		tsval, out);
}

static void
test_round_trip_mss(void **state)
{
	static const struct {
		uint16_t in, out;
	} cases[] = {
		{ 0, 536 }, { 1, 536 }, { 535, 536 }, { 536, 536 },
		{ 1000, 536 }, { 1219, 536 }, { 1220, 1220 }, { 1300, 1220 },
		{ 1360, 1360 }, { 1399, 1360 }, { 1400, 1400 }, { 1420, 1400 },
		{ 1440, 1440 }, { 1459, 1440 }, { 1460, 1460 }, { 1500, 1460 },
		{ 8959, 1460 }, { 8960, 8960 }, { 9000, 8960 },
		{ UINT16_MAX, 8960 },
	};
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	struct ws_syncookie_opts in, out;
	unsigned int i, ts;

	(void)state;
	secret_fixed(&s, 1);
	ws_syncookie_keys_init(&k, &s);
	for (ts = 0; ts < 2; ts++) {
		for (i = 0; i < RTE_DIM(cases); i++) {
			in = opts(cases[i].in, ts, true, 7, true);
			assert_int_equal(round_trip(&k, T0, T0, &in, &out),
				WS_SYNCOOKIE_OK);
			assert_int_equal(out.mss, cases[i].out);
			assert_int_equal(out.has_ts, ts);
		}
		/* Every index, exactly. */
		for (i = 0; i < WS_SYNCOOKIE_MSS_N; i++) {
			in = opts(ws_syncookie_mss[i], ts, false, 0, false);
			assert_int_equal(round_trip(&k, T0, T0 + 1, &in, &out),
				WS_SYNCOOKIE_OK);
			assert_int_equal(out.mss, ws_syncookie_mss[i]);
		}
	}
}

/* Window scale 0..14 and none, SACK on and off, with timestamps. */
static void
test_round_trip_options_with_ts(void **state)
{
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	struct ws_syncookie_opts in, out;
	unsigned int ws, sack, mss;

	(void)state;
	secret_fixed(&s, 2);
	ws_syncookie_keys_init(&k, &s);
	for (mss = 0; mss < WS_SYNCOOKIE_MSS_N; mss++)
	for (ws = 0; ws <= 15; ws++)
	for (sack = 0; sack < 2; sack++) {
		bool has_ws = ws != 15;

		in = opts(ws_syncookie_mss[mss], true, has_ws,
			has_ws ? ws : 3, sack);
		assert_int_equal(round_trip(&k, T0, T0, &in, &out),
			WS_SYNCOOKIE_OK);
		assert_int_equal(out.mss, ws_syncookie_mss[mss]);
		assert_true(out.has_ts);
		assert_int_equal(out.has_ws, has_ws);
		assert_int_equal(out.wscale, has_ws ? ws : 0);
		assert_int_equal(out.sack_ok, sack);
	}
}

/* Without timestamps, window scale and SACK are lost whatever was offered. */
static void
test_round_trip_options_without_ts(void **state)
{
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	struct ws_syncookie_opts in, out;
	struct ws_tcp_key key = tuple_key(&tuple0);
	unsigned int ws, sack;
	uint32_t cookie;

	(void)state;
	secret_fixed(&s, 3);
	ws_syncookie_keys_init(&k, &s);
	for (ws = 0; ws <= 15; ws++)
	for (sack = 0; sack < 2; sack++) {
		bool has_ws = ws != 15;

		in = opts(1460, false, has_ws, has_ws ? ws : 0, sack);
		assert_int_equal(round_trip(&k, T0, T0, &in, &out),
			WS_SYNCOOKIE_OK);
		assert_int_equal(out.mss, 1460);
		assert_false(out.has_ts);
		assert_false(out.has_ws);
		assert_int_equal(out.wscale, 0);
		assert_false(out.sack_ok);

		/*
		 * A peer that starts timestamps on its ACK: its TSecr is
		 * whatever it likes, the cookie still holds, and nothing is
		 * read from that TSecr.
		 */
		cookie = ws_syncookie_make(&k, T0, &key, PEER_ISN, &in,
			0xdeadbeef);
		memset(&out, 0xa5, sizeof(out));
		assert_int_equal(ws_syncookie_check(&k, T0, &key, PEER_ISN,
			cookie, true, 0x1f | (ws << 8), &out),
			WS_SYNCOOKIE_OK);
		assert_false(out.has_ts);
		assert_false(out.has_ws);
		assert_int_equal(out.wscale, 0);
		assert_false(out.sack_ok);
	}
}

static void
test_tsval(void **state)
{
	static const uint32_t nows[] = {
		0, 1, 5, 0x1e, 0x1f, 0x20, 0x21, 0x3f, 0x40, TS_NOW,
		0x7fffffe0, 0x7fffffff, 0x80000000, 0x80000001,
		0xffffffe0, 0xffffffef, 0xfffffffe, 0xffffffff,
	};
	struct ws_syncookie_opts o;
	uint64_t seed = 42;
	unsigned int i, ws, sack;

	(void)state;
	for (i = 0; i < RTE_DIM(nows) + 1000; i++) {
		uint32_t now = i < RTE_DIM(nows) ? nows[i] : (uint32_t)rnd(&seed);

		for (ws = 0; ws <= 15; ws++)
		for (sack = 0; sack < 2; sack++) {
			bool has_ws = ws != 15;
			uint32_t bits = sack << 4 | ws;
			uint32_t v;

			o = opts(1460, true, has_ws, has_ws ? ws : 9, sack);
			v = ws_syncookie_tsval(now, &o);
			assert_int_equal(v & WS_SYNCOOKIE_TS_MASK, bits);
			/* Never ahead of the clock, and less than 32 behind. */
			assert_true((int32_t)(v - now) <= 0);
			assert_true(now - v < 32);
		}
	}

	/* Across 2^32: going back 32 wraps to the top of the range. */
	o = opts(0, true, false, 0, true);	/* bits 0x1f */
	assert_int_equal(ws_syncookie_tsval(5, &o), 0xffffffffu);
	assert_int_equal(ws_syncookie_tsval(0, &o), 0xffffffffu);
	assert_int_equal(ws_syncookie_tsval(0x1f, &o), 0x1fu);
	assert_int_equal(ws_syncookie_tsval(0xffffffff, &o), 0xffffffffu);
	assert_int_equal(ws_syncookie_tsval(0xfffffffe, &o), 0xffffffdfu);
	o = opts(0, true, true, 0, false);	/* bits 0x00 */
	assert_int_equal(ws_syncookie_tsval(0, &o), 0u);
	assert_int_equal(ws_syncookie_tsval(0xffffffff, &o), 0xffffffe0u);
	/* Half-way round the sequence space, still "not above now". */
	o = opts(0, true, true, 14, true);	/* bits 0x1e */
	assert_int_equal(ws_syncookie_tsval(0x80000000, &o), 0x7ffffffeu);
	/* A shift above 14 is taken as 14 (RFC 7323 2.3), never as "none". */
	o = opts(0, true, true, 15, false);
	assert_int_equal(ws_syncookie_tsval(0x100, &o) & 0x1f, 14);
}

static void
test_counter_ageing(void **state)
{
	static const uint32_t starts[] = { T0, T0 + 1, T0 + 2, T0 + 3, 0,
		0xfffffffe, 0xffffffff };
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys maker, checker;
	struct ws_syncookie_opts in, out;
	struct ws_tcp_key key = tuple_key(&tuple0);
	unsigned int i, ts;

	(void)state;
	secret_fixed(&s, 4);
	ws_syncookie_keys_init(&maker, &s);
	ws_syncookie_keys_init(&checker, &s);
	for (i = 0; i < RTE_DIM(starts); i++)
	for (ts = 0; ts < 2; ts++) {
		uint32_t t = starts[i], tsval, c;

		in = opts(1400, ts, true, 5, true);
		tsval = ws_syncookie_tsval(TS_NOW, &in);
		c = ws_syncookie_make(&maker, t, &key, PEER_ISN, &in, tsval);
		assert_int_equal(c >> 30, t & 3);
#define CHECK(now) ws_syncookie_check(&checker, (now), &key, PEER_ISN, c, \
		ts, tsval, &out)
		assert_int_equal(CHECK(t), WS_SYNCOOKIE_OK);
		assert_int_equal(out.mss, 1400);
		assert_int_equal(CHECK(t + 1), WS_SYNCOOKIE_OK);
		assert_int_equal(out.mss, 1400);
		assert_int_equal(CHECK(t + 2), WS_SYNCOOKIE_TOO_OLD);
		assert_int_equal(CHECK(t + 3), WS_SYNCOOKIE_TOO_OLD);
		/* From the future (a clock behind the maker's). */
		assert_int_equal(CHECK(t - 1), WS_SYNCOOKIE_TOO_OLD);
		/* Two bits alias every 4 periods: the key tells them apart. */
		assert_int_equal(CHECK(t + 4), WS_SYNCOOKIE_BAD_HASH);
		assert_int_equal(CHECK(t + 5), WS_SYNCOOKIE_BAD_HASH);
		assert_int_equal(CHECK(t - 4), WS_SYNCOOKIE_BAD_HASH);
		/* Still valid once those other periods went through the cache. */
		assert_int_equal(CHECK(t + 1), WS_SYNCOOKIE_OK);
#undef CHECK
	}
}

/* Check a cookie for tuple 't' and fail unless the result is 'want'. */
static void
cookie_expect(struct ws_syncookie_keys *k, const struct tuple *t,
		uint32_t irs, uint32_t cookie, bool has_ts, uint32_t tsecr,
		enum ws_syncookie_result want)
{
	struct ws_tcp_key key = tuple_key(t);
	struct ws_syncookie_opts out;

	assert_int_equal(ws_syncookie_check(k, T0, &key, irs, cookie, has_ts,
		tsecr, &out), want);
}

static void
test_tampering(void **state)
{
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	struct ws_syncookie_opts in, out;
	struct ws_tcp_key key = tuple_key(&tuple0);
	struct tuple t;
	uint32_t c, tsval, ts_cookie, idx;
	unsigned int b, i;

	(void)state;
	secret_fixed(&s, 5);
	ws_syncookie_keys_init(&k, &s);
	in = opts(1440, true, true, 7, true);
	tsval = ws_syncookie_tsval(TS_NOW, &in);
	ts_cookie = ws_syncookie_make(&k, T0, &key, PEER_ISN, &in, tsval);
	assert_int_equal(ws_syncookie_check(&k, T0, &key, PEER_ISN, ts_cookie,
		true, tsval, &out), WS_SYNCOOKIE_OK);
	idx = (ts_cookie >> 27) & 7;
	assert_int_equal(idx, 4);

	/* Every bit of every field of the 4-tuple, and of the peer's ISN. */
	for (b = 0; b < 32; b++) {
		t = tuple0;
		t.raddr ^= 1u << b;
		cookie_expect(&k, &t, PEER_ISN, ts_cookie, true, tsval,
			WS_SYNCOOKIE_BAD_HASH);
		t = tuple0;
		t.laddr ^= 1u << b;
		cookie_expect(&k, &t, PEER_ISN, ts_cookie, true, tsval,
			WS_SYNCOOKIE_BAD_HASH);
		cookie_expect(&k, &tuple0, PEER_ISN ^ (1u << b), ts_cookie,
			true, tsval, WS_SYNCOOKIE_BAD_HASH);
		if (b < 16) {
			t = tuple0;
			t.rport ^= (uint16_t)(1u << b);
			cookie_expect(&k, &t, PEER_ISN, ts_cookie, true, tsval,
				WS_SYNCOOKIE_BAD_HASH);
			t = tuple0;
			t.lport ^= (uint16_t)(1u << b);
			cookie_expect(&k, &t, PEER_ISN, ts_cookie, true, tsval,
				WS_SYNCOOKIE_BAD_HASH);
		}
	}
	/* The two addresses (and the two ports) swapped. */
	t = tuple0;
	t.laddr = tuple0.raddr;
	t.raddr = tuple0.laddr;
	cookie_expect(&k, &t, PEER_ISN, ts_cookie, true, tsval,
		WS_SYNCOOKIE_BAD_HASH);
	t = tuple0;
	t.lport = tuple0.rport;
	t.rport = tuple0.lport;
	cookie_expect(&k, &t, PEER_ISN, ts_cookie, true, tsval,
		WS_SYNCOOKIE_BAD_HASH);

	/* Every bit of the MAC. */
	for (b = 0; b < MAC_BITS; b++)
		cookie_expect(&k, &tuple0, PEER_ISN, ts_cookie ^ (1u << b),
			true, tsval, WS_SYNCOOKIE_BAD_HASH);
	/* Another valid MSS index, or one past the table. */
	for (i = 0; i < 8; i++) {
		if (i == idx)
			continue;
		cookie_expect(&k, &tuple0, PEER_ISN,
			(ts_cookie & ~(7u << 27)) | i << 27, true, tsval,
			i < WS_SYNCOOKIE_MSS_N ? WS_SYNCOOKIE_BAD_HASH :
			WS_SYNCOOKIE_BAD_INDEX);
	}
	/* Every bit of TSecr: the options and the clock are both covered. */
	for (b = 0; b < 32; b++)
		cookie_expect(&k, &tuple0, PEER_ISN, ts_cookie, true,
			tsval ^ (1u << b), WS_SYNCOOKIE_BAD_HASH);
	/* Timestamps dropped on the ACK: the options cannot be recovered. */
	cookie_expect(&k, &tuple0, PEER_ISN, ts_cookie, false, tsval,
		WS_SYNCOOKIE_BAD_HASH);
	cookie_expect(&k, &tuple0, PEER_ISN, ts_cookie, false, 0,
		WS_SYNCOOKIE_BAD_HASH);

	/* A timestamped cookie whose TSval is 0 is not a cookie without. */
	c = ws_syncookie_make(&k, T0, &key, PEER_ISN, &in, 0);
	cookie_expect(&k, &tuple0, PEER_ISN, c, true, 0, WS_SYNCOOKIE_OK);
	cookie_expect(&k, &tuple0, PEER_ISN, c, false, 0,
		WS_SYNCOOKIE_BAD_HASH);
	cookie_expect(&k, &tuple0, PEER_ISN, c, true, 1,
		WS_SYNCOOKIE_BAD_HASH);

	/* Without timestamps: the same fields are covered. */
	in.has_ts = false;
	c = ws_syncookie_make(&k, T0, &key, PEER_ISN, &in, 0);
	cookie_expect(&k, &tuple0, PEER_ISN, c, false, 0, WS_SYNCOOKIE_OK);
	cookie_expect(&k, &tuple0, PEER_ISN + 1, c, false, 0,
		WS_SYNCOOKIE_BAD_HASH);
	cookie_expect(&k, &tuple0, PEER_ISN, c ^ 1, false, 0,
		WS_SYNCOOKIE_BAD_HASH);
	cookie_expect(&k, &tuple0, PEER_ISN, c | 7u << 27, false, 0,
		WS_SYNCOOKIE_BAD_INDEX);
	t = tuple0;
	t.rport++;
	cookie_expect(&k, &t, PEER_ISN, c, false, 0, WS_SYNCOOKIE_BAD_HASH);
	/* The checks come in order: age, then index, then MAC. */
	cookie_expect(&k, &tuple0, PEER_ISN,
		(c & ~(3u << 30)) | ((T0 + 2) & 3) << 30 | 7u << 27, false, 0,
		WS_SYNCOOKIE_TOO_OLD);
}

static void
test_keys_rotate_and_agree(void **state)
{
	struct ws_syncookie_secret s, s2, other;
	struct ws_syncookie_keys k1, k2, k3;
	struct ws_syncookie_opts in, out;
	struct ws_tcp_key key = tuple_key(&tuple0);
	uint8_t prev[WS_SYNCOOKIE_KEY_BYTES], ref[WS_SYNCOOKIE_KEY_BYTES];
	uint32_t c, t;

	(void)state;
	secret_fixed(&s, 6);
	secret_fixed(&s2, 6);
	secret_fixed(&other, 7);
	ws_syncookie_keys_init(&k1, &s);
	ws_syncookie_keys_init(&k2, &s2);
	ws_syncookie_keys_init(&k3, &other);
	assert_ptr_equal(k1.secret, &s);

	/* Each period its own key, the one documented, the same everywhere. */
	for (t = 0; t < 100; t++) {
		memcpy(prev, ws_syncookie_key(&k1, t), sizeof(prev));
		ref_key(ref, s.master, t);
		assert_memory_equal(prev, ref, sizeof(ref));
		assert_memory_equal(ws_syncookie_key(&k2, t), ref, sizeof(ref));
		assert_memory_not_equal(ws_syncookie_key(&k1, t + 1), prev,
			sizeof(prev));
		assert_memory_not_equal(ws_syncookie_key(&k3, t), prev,
			sizeof(prev));
		assert_memory_not_equal(s.isn_key, prev, sizeof(prev));
	}

	/* Any worker validates any other's cookie; another master does not. */
	in = opts(1460, false, false, 0, false);
	c = ws_syncookie_make(&k1, T0, &key, PEER_ISN, &in, 0);
	assert_int_equal(ws_syncookie_check(&k2, T0 + 1, &key, PEER_ISN, c,
		false, 0, &out), WS_SYNCOOKIE_OK);
	assert_int_equal(ws_syncookie_check(&k3, T0, &key, PEER_ISN, c,
		false, 0, &out), WS_SYNCOOKIE_BAD_HASH);
	assert_int_equal(ws_syncookie_check(&k3, T0 + 1, &key, PEER_ISN, c,
		false, 0, &out), WS_SYNCOOKIE_BAD_HASH);

	/* Alternating periods, then a jump: every key still the right one. */
	ws_syncookie_keys_init(&k1, &s);
	for (t = 0; t < 20; t++) {
		uint32_t now = T0 + (t & 1);

		ref_key(ref, s.master, now);
		assert_memory_equal(ws_syncookie_key(&k1, now), ref,
			sizeof(ref));
		assert_int_equal(ws_syncookie_check(&k1, T0 + 1, &key,
			PEER_ISN, c, false, 0, &out), WS_SYNCOOKIE_OK);
	}
	for (t = T0 + 10; t < T0 + 14; t++) {
		ref_key(ref, s.master, t);
		assert_memory_equal(ws_syncookie_key(&k1, t), ref, sizeof(ref));
		ref_key(ref, s.master, t - 1);
		assert_memory_equal(ws_syncookie_key(&k1, t - 1), ref,
			sizeof(ref));
	}
	assert_int_equal(ws_syncookie_check(&k1, T0 + 10, &key, PEER_ISN, c,
		false, 0, &out), WS_SYNCOOKIE_TOO_OLD);
	assert_int_equal(ws_syncookie_check(&k1, T0 + 1, &key, PEER_ISN, c,
		false, 0, &out), WS_SYNCOOKIE_OK);
	/* A jump by an even number of periods reuses the slot: not the key. */
	ref_key(ref, s.master, T0 + 1);
	assert_memory_equal(ws_syncookie_key(&k1, T0 + 1), ref, sizeof(ref));
	ref_key(ref, s.master, T0 + 3);
	assert_memory_equal(ws_syncookie_key(&k1, T0 + 3), ref, sizeof(ref));
	ref_key(ref, s.master, T0 + 1);
	assert_memory_equal(ws_syncookie_key(&k1, T0 + 1), ref, sizeof(ref));
}

/* A cached key is used as it is: the hot path derives nothing. */
static void
test_keys_cached(void **state)
{
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	uint8_t ref[WS_SYNCOOKIE_KEY_BYTES];
	uint8_t *cached;

	(void)state;
	secret_fixed(&s, 8);
	ws_syncookie_keys_init(&k, &s);
	cached = (uint8_t *)(uintptr_t)ws_syncookie_key(&k, T0);
	assert_non_null(cached);
	ws_syncookie_key(&k, T0 + 1);
	/* Mark the cached copy: the next call must hand back the mark. */
	cached[0] ^= 0xff;
	assert_ptr_equal(ws_syncookie_key(&k, T0), cached);
	ref_key(ref, s.master, T0);
	assert_int_equal(ws_syncookie_key(&k, T0)[0], ref[0] ^ 0xff);
	/* A period that replaces the slot derives the real key again. */
	ws_syncookie_key(&k, T0 + 2);
	assert_memory_equal(ws_syncookie_key(&k, T0), ref, sizeof(ref));
}

static void
test_secret_init(void **state)
{
	struct ws_syncookie_secret a, b, r1, r2;
	uint8_t m[WS_SYNCOOKIE_MASTER_BYTES], isn[WS_SYNCOOKIE_KEY_BYTES];

	(void)state;
	master_fill(m, 9);
	memset(&a, 0, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	ws_syncookie_secret_init(&a, m);
	ws_syncookie_secret_init(&b, m);
	assert_memory_equal(a.master, m, sizeof(m));
	assert_memory_equal(&a, &b, sizeof(a));
	/* Derived from the master under its own context. */
	assert_int_equal(crypto_kdf_derive_from_key(isn, sizeof(isn), 0,
		"wsisnkey", m), 0);
	assert_memory_equal(a.isn_key, isn, sizeof(isn));

	m[31] ^= 1;
	ws_syncookie_secret_init(&b, m);
	assert_memory_not_equal(a.isn_key, b.isn_key, sizeof(a.isn_key));

	ws_syncookie_secret_init(&r1, NULL);
	ws_syncookie_secret_init(&r2, NULL);
	assert_memory_not_equal(r1.master, r2.master, sizeof(r1.master));
	assert_memory_not_equal(r1.isn_key, r2.isn_key, sizeof(r1.isn_key));
}

static pthread_barrier_t shared_barrier;

static void *
shared_thread(void *arg)
{
	const struct ws_syncookie_secret **out = arg;

	pthread_barrier_wait(&shared_barrier);
	*out = ws_syncookie_secret_shared();
	return NULL;
}

static void
test_secret_shared_threads(void **state)
{
	static const uint8_t zero[WS_SYNCOOKIE_MASTER_BYTES];
	const struct ws_syncookie_secret *got[N_THREADS];
	const struct ws_syncookie_secret *mine;
	pthread_t th[N_THREADS];
	uint8_t isn[WS_SYNCOOKIE_KEY_BYTES];
	unsigned int i;

	(void)state;
	/* No other test calls it: the threads race for its creation. */
	assert_int_equal(pthread_barrier_init(&shared_barrier, NULL,
		N_THREADS), 0);
	for (i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, shared_thread,
			&got[i]), 0);
	for (i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&shared_barrier);

	mine = ws_syncookie_secret_shared();
	assert_non_null(mine);
	for (i = 0; i < N_THREADS; i++)
		assert_ptr_equal(got[i], mine);
	assert_memory_not_equal(mine->master, zero, sizeof(zero));
	assert_int_equal(crypto_kdf_derive_from_key(isn, sizeof(isn), 0,
		"wsisnkey", mine->master), 0);
	assert_memory_equal(mine->isn_key, isn, sizeof(isn));
}

/* One master, one cookie: the value and the documented layout agree. */
static void
test_deterministic_layout(void **state)
{
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	struct ws_syncookie_opts in;
	struct ws_tcp_key key = tuple_key(&tuple0);
	uint8_t m[WS_SYNCOOKIE_MASTER_BYTES];
	uint64_t seed = 7;
	unsigned int i, idx;
	uint32_t c, tsval;

	(void)state;
	master_fill(m, 0);
	ws_syncookie_secret_init(&s, m);
	ws_syncookie_keys_init(&k, &s);

	/* Golden values, computed once (see ref_cookie for the layout). */
	in = opts(1460, true, true, 7, true);
	tsval = ws_syncookie_tsval(TS_NOW, &in);
	assert_int_equal(tsval, 0x0badcaf7u);
	c = ws_syncookie_make(&k, T0, &key, PEER_ISN, &in, tsval);
	assert_int_equal(c, 0x29a2ae69u);	/* counter 0, index 5 */
	assert_int_equal(c, ref_cookie(m, T0, &tuple0, PEER_ISN, 5, true,
		tsval));
	in = opts(536, false, false, 0, false);
	c = ws_syncookie_make(&k, T0, &key, PEER_ISN, &in, 0);
	assert_int_equal(c, 0x0614710eu);	/* counter 0, index 0 */
	assert_int_equal(c, ref_cookie(m, T0, &tuple0, PEER_ISN, 0, false,
		0));
	/* A TSval given without timestamps changes nothing. */
	assert_int_equal(ws_syncookie_make(&k, T0, &key, PEER_ISN, &in,
		0xdeadbeef), c);

	/* And the layout for random everything. */
	for (i = 0; i < 2000; i++) {
		struct tuple t;
		uint32_t counter = (uint32_t)rnd(&seed) % 16;
		uint32_t irs = (uint32_t)rnd(&seed);
		uint32_t now = (uint32_t)rnd(&seed);

		t.laddr = (uint32_t)rnd(&seed);
		t.raddr = (uint32_t)rnd(&seed);
		t.lport = (uint16_t)rnd(&seed);
		t.rport = (uint16_t)rnd(&seed);
		key = tuple_key(&t);
		in = opts((uint16_t)rnd(&seed), i & 1, i & 2, (i >> 2) % 15,
			i & 64);
		idx = ws_syncookie_mss_index(in.mss);
		tsval = ws_syncookie_tsval(now, &in);
		c = ws_syncookie_make(&k, counter, &key, irs, &in, tsval);
		assert_int_equal(c, ref_cookie(m, counter, &t, irs, idx,
			in.has_ts, tsval));
	}
}

/* The MAC bits of cookies over random tuples: each set about half the time. */
static void
test_mac_spread(void **state)
{
	struct ws_syncookie_secret s;
	struct ws_syncookie_keys k;
	struct ws_syncookie_opts in = opts(1460, true, true, 7, true);
	unsigned int ones[MAC_BITS] = { 0 };
	uint64_t seed = 1234;
	unsigned int i, b;

	(void)state;
	secret_fixed(&s, 10);
	ws_syncookie_keys_init(&k, &s);
	for (i = 0; i < SPREAD_N; i++) {
		struct tuple t;
		struct ws_tcp_key key;
		uint32_t c;

		t.laddr = US;
		t.raddr = (uint32_t)rnd(&seed);
		t.lport = SERVER_PORT;
		t.rport = (uint16_t)rnd(&seed);
		key = tuple_key(&t);
		c = ws_syncookie_make(&k, T0, &key, (uint32_t)rnd(&seed), &in,
			(uint32_t)rnd(&seed));
		for (b = 0; b < MAC_BITS; b++)
			ones[b] += (c >> b) & 1;
	}
	for (b = 0; b < MAC_BITS; b++) {
		if (ones[b] < SPREAD_N * 45 / 100 ||
				ones[b] > SPREAD_N * 55 / 100)
			fail_msg("MAC bit %u set %u times in %u", b, ones[b],
				SPREAD_N);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_secret_shared_threads),
	cmocka_unit_test(test_mss_table),
	cmocka_unit_test(test_mss_index_rounds_down),
	cmocka_unit_test(test_round_trip_mss),
	cmocka_unit_test(test_round_trip_options_with_ts),
	cmocka_unit_test(test_round_trip_options_without_ts),
	cmocka_unit_test(test_tsval),
	cmocka_unit_test(test_counter_ageing),
	cmocka_unit_test(test_tampering),
	cmocka_unit_test(test_keys_rotate_and_agree),
	cmocka_unit_test(test_keys_cached),
	cmocka_unit_test(test_secret_init),
	cmocka_unit_test(test_deterministic_layout),
	cmocka_unit_test(test_mac_spread),
};

int
main(void)
{
	return cmocka_run_group_tests(tests, NULL, NULL);
}
