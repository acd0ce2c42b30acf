/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * SYN cookies: see ws_syncookie.h for the layout of the ISN and TSval.
 *
 * The MAC is SipHash-2-4 (crypto_shorthash) over a fixed 22-byte message:
 *
 *   0   laddr   4   network order, as in struct ws_tcp_key
 *   4   raddr   4   idem
 *   8   lport   2   idem
 *   10  rport   2   idem
 *   12  irs     4   big-endian
 *   16  idx     1   MSS index
 *   17  flags   1   bit 0: a TSval follows (the SYN had timestamps)
 *   18  tsval   4   big-endian, 0 without timestamps
 *
 * and the cookie keeps bits 26..0 of the 64-bit result read as
 * little-endian (its first four bytes). The flags byte keeps a cookie
 * made without timestamps from ever matching one made with a TSval of 0.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "ws_syncookie.h"
#include "ws_tcp_priv.h"

#define COOKIE_MSG_LEN		22
#define COOKIE_COUNTER_SHIFT	30
#define COOKIE_IDX_SHIFT	27
#define COOKIE_IDX_MASK		0x7u
#define COOKIE_MAC_MASK		0x07ffffffu
#define COOKIE_FLAG_TS		0x01
#define COOKIE_TS_SACK		0x10u
#define COOKIE_WSCALE_MAX	14	/* RFC 7323 2.3 */

/* Contexts of crypto_kdf: 8 bytes each, and never the same for two uses. */
#define KDF_CTX_PERIOD		"wscookie"
#define KDF_CTX_ISN		"wsisnkey"

/*
 * 536: RFC 9293's default; 1220: IPv6's minimum MTU less 60 bytes of
 * headers; 1360..1440: behind tunnels, VPNs and PPPoE; 1460: Ethernet;
 * 8960: jumbo frames.
 */
const uint16_t ws_syncookie_mss[WS_SYNCOOKIE_MSS_N] = {
	536, 1220, 1360, 1400, 1440, 1460, 8960,
};

static struct ws_syncookie_secret shared_secret;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

void
ws_syncookie_secret_init(struct ws_syncookie_secret *s,
		const uint8_t *master)
{
	RTE_BUILD_BUG_ON(WS_SYNCOOKIE_MASTER_BYTES != crypto_kdf_KEYBYTES);
	RTE_BUILD_BUG_ON(WS_SYNCOOKIE_KEY_BYTES != crypto_shorthash_KEYBYTES);
	RTE_BUILD_BUG_ON(WS_SYNCOOKIE_KEY_BYTES < crypto_kdf_BYTES_MIN);

	/*
	 * There is no error to return, and cookies under a predictable key
	 * would let anyone forge connections: better not to run at all.
	 */
	if (sodium_init() < 0)
		abort();
	if (master != NULL)
		memcpy(s->master, master, sizeof(s->master));
	else
		randombytes_buf(s->master, sizeof(s->master));
	/* Its own context: no counter value can ever derive the same key. */
	crypto_kdf_derive_from_key(s->isn_key, sizeof(s->isn_key), 0,
		KDF_CTX_ISN, s->master);
}

static void
shared_secret_create(void)
{
	ws_syncookie_secret_init(&shared_secret, NULL);
}

const struct ws_syncookie_secret *
ws_syncookie_secret_shared(void)
{
	/* Also orders the secret's writes before any reader's use of it. */
	pthread_once(&shared_once, shared_secret_create);
	return &shared_secret;
}

void
ws_syncookie_keys_init(struct ws_syncookie_keys *k,
		const struct ws_syncookie_secret *secret)
{
	memset(k, 0, sizeof(*k));
	k->secret = secret;
}

const uint8_t *
ws_syncookie_key(struct ws_syncookie_keys *k, uint32_t counter)
{
	/* Consecutive counters never share a slot: now and before both stay. */
	unsigned int slot = counter & 1;

	if (unlikely(!k->valid[slot] || k->counter[slot] != counter)) {
		crypto_kdf_derive_from_key(k->key[slot], sizeof(k->key[slot]),
			counter, KDF_CTX_PERIOD, k->secret->master);
		k->counter[slot] = counter;
		k->valid[slot] = true;
	}
	return k->key[slot];
}

unsigned int
ws_syncookie_mss_index(uint16_t mss)
{
	unsigned int i;

	/* Rounding down: we must never send more than the peer can take. */
	for (i = WS_SYNCOOKIE_MSS_N - 1; i > 0; i--)
		if (mss >= ws_syncookie_mss[i])
			break;
	return i;
}

uint32_t
ws_syncookie_tsval(uint32_t ts_now, const struct ws_syncookie_opts *o)
{
	uint32_t bits, v;

	bits = o->sack_ok ? COOKIE_TS_SACK : 0;
	bits |= o->has_ws ? RTE_MIN(o->wscale, COOKIE_WSCALE_MAX) :
		WS_SYNCOOKIE_WS_NONE;
	v = (ts_now & ~WS_SYNCOOKIE_TS_MASK) | bits;
	/*
	 * A TSval ahead of the clock would make the connection's next ones
	 * look older (RFC 7323 PAWS): go back one step of 32 instead.
	 */
	if ((int32_t)(v - ts_now) > 0)
		v -= WS_SYNCOOKIE_TS_MASK + 1;
	return v;
}

static uint32_t
cookie_mac(const uint8_t *mac_key, const struct ws_tcp_key *key,
		uint32_t irs, unsigned int idx, bool has_ts, uint32_t tsval)
{
	uint8_t msg[COOKIE_MSG_LEN];
	uint8_t out[crypto_shorthash_BYTES];
	uint32_t be;

	memcpy(msg, &key->laddr, 4);
	memcpy(msg + 4, &key->raddr, 4);
	memcpy(msg + 8, &key->lport, 2);
	memcpy(msg + 10, &key->rport, 2);
	be = rte_cpu_to_be_32(irs);
	memcpy(msg + 12, &be, 4);
	msg[16] = (uint8_t)idx;
	msg[17] = has_ts ? COOKIE_FLAG_TS : 0;
	be = rte_cpu_to_be_32(has_ts ? tsval : 0);
	memcpy(msg + 18, &be, 4);
	crypto_shorthash(out, msg, sizeof(msg), mac_key);
	return ((uint32_t)out[0] | (uint32_t)out[1] << 8 |
		(uint32_t)out[2] << 16 | (uint32_t)out[3] << 24) &
		COOKIE_MAC_MASK;
}

uint32_t
ws_syncookie_make(struct ws_syncookie_keys *k, uint32_t counter,
		const struct ws_tcp_key *key, uint32_t irs,
		const struct ws_syncookie_opts *o, uint32_t tsval)
{
	unsigned int idx = ws_syncookie_mss_index(o->mss);
	uint32_t mac;

	mac = cookie_mac(ws_syncookie_key(k, counter), key, irs, idx,
		o->has_ts, tsval);
	return (counter & 3) << COOKIE_COUNTER_SHIFT |
		(uint32_t)idx << COOKIE_IDX_SHIFT | mac;
}

enum ws_syncookie_result
ws_syncookie_check(struct ws_syncookie_keys *k, uint32_t counter,
		const struct ws_tcp_key *key, uint32_t irs, uint32_t cookie,
		bool has_ts, uint32_t tsecr, struct ws_syncookie_opts *o)
{
	uint32_t top = cookie >> COOKIE_COUNTER_SHIFT;
	unsigned int idx = (cookie >> COOKIE_IDX_SHIFT) & COOKIE_IDX_MASK;
	uint32_t mac = cookie & COOKIE_MAC_MASK;
	const uint8_t *mac_key;
	bool ts_cookie;
	unsigned int bits;

	/*
	 * Two bits of counter tell now from the period before; the two
	 * others are older (or from a clock ahead of ours): no key is
	 * derived for them, so a flood of stale cookies costs no BLAKE2b.
	 */
	if (top != (counter & 3)) {
		if (top != ((counter - 1) & 3))
			return WS_SYNCOOKIE_TOO_OLD;
		counter--;
	}
	if (idx >= WS_SYNCOOKIE_MSS_N)
		return WS_SYNCOOKIE_BAD_INDEX;

	mac_key = ws_syncookie_key(k, counter);
	ts_cookie = has_ts &&
		cookie_mac(mac_key, key, irs, idx, true, tsecr) == mac;
	/*
	 * A peer may start sending timestamps on its ACK although its SYN
	 * offered none: then the cookie was made without a TSval. The flags
	 * byte keeps this second try from accepting a timestamped cookie
	 * whose TSecr was tampered with.
	 */
	if (!ts_cookie && cookie_mac(mac_key, key, irs, idx, false, 0) != mac)
		return WS_SYNCOOKIE_BAD_HASH;

	o->mss = ws_syncookie_mss[idx];
	if (ts_cookie) {
		bits = tsecr & WS_SYNCOOKIE_TS_MASK;
		o->has_ts = true;
		o->sack_ok = (bits & COOKIE_TS_SACK) != 0;
		bits &= WS_SYNCOOKIE_WS_NONE;
		o->has_ws = bits != WS_SYNCOOKIE_WS_NONE;
		o->wscale = o->has_ws ? (uint8_t)bits : 0;
	} else {
		o->has_ts = false;
		o->has_ws = false;
		o->sack_ok = false;
		o->wscale = 0;
	}
	return WS_SYNCOOKIE_OK;
}
