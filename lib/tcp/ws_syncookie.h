/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_SYNCOOKIE_H
#define WS_SYNCOOKIE_H

/*
 * SYN cookies (RFC 4987 3.6): the state of a half-open connection folded
 * into the ISN of our SYN-ACK (and, with timestamps, into our TSval), so
 * that a listener under a SYN flood keeps nothing per SYN.
 *
 * The ISN, 32 bits:
 *
 *   31..30  the low two bits of the time counter (one tick a period)
 *   29..27  an index into ws_syncookie_mss (the peer's MSS, rounded down)
 *   26..0   27 bits of SipHash-2-4 (libsodium crypto_shorthash) under the
 *           counter's key, over the 4-tuple, the peer's ISN, the MSS index
 *           and our TSval (when we sent one)
 *
 * The TSval, when the SYN had timestamps (Linux's approach): our clock
 * with its low 5 bits replaced by the options that must survive the
 * stateless handshake:
 *
 *   4       SACK permitted
 *   3..0    the peer's window shift (0..14), 15 = no window scaling
 *
 * Because the whole TSval is under the MAC, a peer cannot rewrite the
 * options (or any other bit of TSecr) it echoes. Without timestamps the
 * window scale and SACK cannot be kept and the SYN-ACK offers neither.
 *
 * Secrets: one master key per process (so every worker validates every
 * other worker's cookies); each counter value has its own key derived
 * from it (crypto_kdf), so keys rotate every period without any thread
 * writing shared state. Each worker caches the keys of the current and
 * the previous period. A cookie is valid during its own period and the
 * next one: between WS_SYNCOOKIE_PERIOD_S and twice that.
 */

#include <stdbool.h>
#include <stdint.h>

/* The 4-tuple (ws_tcp_priv.h), network order, our view. */
struct ws_tcp_key;

/* One tick of the cookie counter. */
#define WS_SYNCOOKIE_PERIOD_S	64
/* Entries of ws_syncookie_mss; indexes from here to 7 are invalid. */
#define WS_SYNCOOKIE_MSS_N	7
/* TSval bits that carry options. */
#define WS_SYNCOOKIE_TS_BITS	5
#define WS_SYNCOOKIE_TS_MASK	((1u << WS_SYNCOOKIE_TS_BITS) - 1)
#define WS_SYNCOOKIE_WS_NONE	0xf

#define WS_SYNCOOKIE_MASTER_BYTES	32	/* crypto_kdf_KEYBYTES */
#define WS_SYNCOOKIE_KEY_BYTES		16	/* crypto_shorthash_KEYBYTES */

/* The peer MSS values a cookie can name, ascending. */
extern const uint16_t ws_syncookie_mss[WS_SYNCOOKIE_MSS_N];

/* Why a cookie ACK was refused. */
enum ws_syncookie_result {
	WS_SYNCOOKIE_OK = 0,
	WS_SYNCOOKIE_BAD_HASH,		/* the MAC does not match */
	WS_SYNCOOKIE_TOO_OLD,		/* not the current or previous period */
	WS_SYNCOOKIE_BAD_INDEX,		/* MSS index past the table */
};

/*
 * The process's secrets. ws_syncookie_secret_shared() returns the one
 * every stack uses (created at first call, thread-safe); tests make their
 * own with ws_syncookie_secret_init().
 */
struct ws_syncookie_secret {
	uint8_t master[WS_SYNCOOKIE_MASTER_BYTES];
	/* Also per process: the ISN and TSval offsets of ws_tcp_isn(). */
	uint8_t isn_key[WS_SYNCOOKIE_KEY_BYTES];
};

const struct ws_syncookie_secret *ws_syncookie_secret_shared(void);

/* Fill 's' from 'master' (32 bytes), or at random when NULL. */
void ws_syncookie_secret_init(struct ws_syncookie_secret *s,
		const uint8_t *master);

/* One worker's cache of the derived keys of the last two periods. */
struct ws_syncookie_keys {
	const struct ws_syncookie_secret *secret;
	uint32_t counter[2];
	bool valid[2];
	uint8_t key[2][WS_SYNCOOKIE_KEY_BYTES];
};

void ws_syncookie_keys_init(struct ws_syncookie_keys *k,
		const struct ws_syncookie_secret *secret);

/* The key of period 'counter' (derived on first use, then cached). */
const uint8_t *ws_syncookie_key(struct ws_syncookie_keys *k,
		uint32_t counter);

/* The counter at 'ms' milliseconds of a clock shared by all workers. */
static inline uint32_t
ws_syncookie_counter(uint64_t ms)
{
	return (uint32_t)(ms / (WS_SYNCOOKIE_PERIOD_S * 1000u));
}

/*
 * What the handshake must remember. For ws_syncookie_make: the peer's
 * SYN (mss as received, 0 when absent = 536). From ws_syncookie_check:
 * what was recovered, mss being the table value.
 */
struct ws_syncookie_opts {
	uint16_t mss;
	uint8_t wscale;			/* peer's shift, when has_ws */
	bool has_ws;
	bool sack_ok;
	bool has_ts;			/* the SYN had timestamps */
};

/* Index of the largest table entry <= mss (0 when below all). */
unsigned int ws_syncookie_mss_index(uint16_t mss);

/*
 * Our TSval for the SYN-ACK: 'ts_now' with the options in its low bits,
 * never above ts_now (so the connection's later TSvals only grow).
 */
uint32_t ws_syncookie_tsval(uint32_t ts_now,
		const struct ws_syncookie_opts *o);

/*
 * The cookie ISN for a SYN from 'key' (our view: r = the peer) with ISN
 * 'irs', at time counter 'counter'. When o->has_ts, '*tsval' is the
 * TSval the SYN-ACK will carry (from ws_syncookie_tsval) and is covered
 * by the MAC; otherwise it is ignored. The options kept are exactly
 * those ws_syncookie_check will return: without timestamps, no window
 * scale and no SACK.
 */
uint32_t ws_syncookie_make(struct ws_syncookie_keys *k, uint32_t counter,
		const struct ws_tcp_key *key, uint32_t irs,
		const struct ws_syncookie_opts *o, uint32_t tsval);

/*
 * Check the ACK that completes a cookie handshake: 'cookie' = SEG.ACK - 1,
 * 'irs' = SEG.SEQ - 1, 'has_ts'/'tsecr' from the ACK's timestamp option.
 * 'counter' is now. On WS_SYNCOOKIE_OK, '*o' holds what the SYN offered
 * (mss from the table; wscale and SACK only with timestamps).
 */
enum ws_syncookie_result ws_syncookie_check(struct ws_syncookie_keys *k,
		uint32_t counter, const struct ws_tcp_key *key, uint32_t irs,
		uint32_t cookie, bool has_ts, uint32_t tsecr,
		struct ws_syncookie_opts *o);

#endif /* WS_SYNCOOKIE_H */
