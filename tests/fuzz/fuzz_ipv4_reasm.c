/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * IPv4 reassembly (lib/net/ws_ipv4.c over rte_ip_frag) on sequences of
 * fragments, into a bare worker with 8 reassembly entries that expire
 * after a second. The input is a list of records; the first byte of each:
 *
 *   bits 0-1  source: the peer, two other hosts, or the peer again
 *   bits 2-3  protocol: ICMP, UDP, TCP, or the byte after the record
 *   bits 4-6  advance the clock by (1 << n) - 1 ms first (n = 0: not)
 *             and run the timers (expiry)
 *   bit 7     0: one raw fragment, 1: a whole valid datagram, cut
 *
 * A raw fragment is: ID (2 bytes), the flags/offset field (2), the
 * payload length (2, at most 1480), then the payload (short data is
 * padded). A cut datagram is: ID (2), length (2, up to 8000), then up to
 * 8 cut points (1 byte each, x8 bytes, the count in the first), and the
 * order to send the pieces in (a byte; pieces may go twice): a ping or
 * UDP datagram with a valid checksum, so what reassembles reaches ICMP
 * echo (whose reply may be fragmented again) or a port unreachable.
 *
 * After each input: the worker is torn down and every mbuf of both pools
 * must be back (a fragment lost in the table is a leak).
 */

#include <string.h>

#include "fuzz_common.h"
#include "ws_ipv4.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DGRAM 8000
#define MAX_PIECES 9
#define MAX_CUTS 24

static struct fuzz_worker fw;

static void
config(struct ws_config *cfg)
{
	cfg->ip.frag_entries = 8;
	cfg->ip.frag_timeout_ms = 1000;
	cfg->icmp.echo = true;
	cfg->icmp.unreach_rate = 1000000;
	cfg->icmp.unreach_burst = 1000000;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	fuzz_eal_init();
	fuzz_worker_create(&fw, config);
	return 0;
}

static void
input(const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = fuzz_mbuf(fw.pool, frame, len);

	fw.w.now = fw.ticks;
	ws_worker_input(&fw.w, &m, 1);
}

static uint32_t
source(uint8_t ctl)
{
	static const uint32_t src[] = {
		FUZZ_PEER_IP, 0xc6120003u, 0xc6120004u, FUZZ_PEER_IP,
	};

	return src[ctl & 3];
}

static uint8_t
protocol(uint8_t ctl, const uint8_t **p, const uint8_t *end)
{
	static const uint8_t proto[] = { IPPROTO_ICMP, IPPROTO_UDP,
		IPPROTO_TCP };
	unsigned int sel = (ctl >> 2) & 3;

	if (sel < 3)
		return proto[sel];
	return *p < end ? *(*p)++ : 253;
}

static uint16_t
get16(const uint8_t **p, const uint8_t *end)
{
	uint16_t v = 0;

	if (*p < end)
		v = (uint16_t)(*(*p)++ << 8);
	if (*p < end)
		v |= *(*p)++;
	return v;
}

static void
raw_fragment(uint8_t ctl, const uint8_t **p, const uint8_t *end)
{
	static uint8_t frame[14 + 20 + 1480];
	uint8_t proto = protocol(ctl, p, end);
	uint16_t id = get16(p, end), frag = get16(p, end);
	uint16_t len = get16(p, end) % 1481;
	size_t have = RTE_MIN((size_t)(end - *p), (size_t)len);

	fuzz_eth(frame, RTE_ETHER_TYPE_IPV4);
	memcpy(frame + 34, *p, have);
	memset(frame + 34 + have, 0x5a, len - have);
	*p += have;
	fuzz_ipv4_hdr(frame + 14, source(ctl), FUZZ_IP, proto, id, frag, len,
		64);
	input(frame, 34 + (size_t)len);
}

/* A ping or UDP datagram of 'len' bytes with a valid checksum. */
static void
build_datagram(uint8_t *d, uint16_t len, uint8_t proto, uint32_t src)
{
	uint8_t ip[20];
	uint16_t i, ck;

	for (i = 0; i < len; i++)
		d[i] = (uint8_t)(i * 7 + 3);
	if (proto == IPPROTO_UDP && len >= 8) {
		d[0] = 0x9c; d[1] = 0x40;	/* 40000 */
		d[2] = 0x13; d[3] = 0x88;	/* 5000: nobody listens */
		d[4] = (uint8_t)(len >> 8); d[5] = (uint8_t)len;
		d[6] = 0; d[7] = 0;
		fuzz_ipv4_hdr(ip, src, FUZZ_IP, proto, 0, 0, len, 64);
		ck = fuzz_l4_cksum(ip, d, len);
		d[6] = (uint8_t)(ck >> 8); d[7] = (uint8_t)ck;
	} else if (proto == IPPROTO_ICMP && len >= 8) {
		d[0] = 8; d[1] = 0; d[2] = 0; d[3] = 0;
		ck = (uint16_t)~fuzz_fold(fuzz_sum(d, len, 0));
		d[2] = (uint8_t)(ck >> 8); d[3] = (uint8_t)ck;
	}
}

static void
cut_datagram(uint8_t ctl, const uint8_t **p, const uint8_t *end)
{
	static uint8_t d[MAX_DGRAM], frame[14 + 20 + MAX_DGRAM];
	uint16_t cuts[MAX_CUTS + 1];
	uint8_t proto = protocol(ctl, p, end);
	uint16_t id = get16(p, end), len = get16(p, end) % (MAX_DGRAM + 1);
	unsigned int n_cuts, i, n = 1;
	uint8_t order;

	len = (uint16_t)RTE_MAX(len, (uint16_t)8);
	build_datagram(d, len, proto, source(ctl));
	n_cuts = *p < end ? *(*p)++ % MAX_PIECES : 0;
	cuts[0] = 0;
	for (i = 0; i < n_cuts && *p < end; i++) {
		uint16_t c = (uint16_t)(*(*p)++ * 8);

		/* Non-final pieces are multiples of 8, in order, inside. */
		if (c > cuts[n - 1] && c < len)
			cuts[n++] = c;
	}
	/* No piece over the MTU: longer ones are cut at 1480 more. */
	cuts[n] = len;
	for (i = 0; i < n && n < MAX_CUTS - 1; i++) {
		if (cuts[i + 1] - cuts[i] > 1480) {
			memmove(&cuts[i + 2], &cuts[i + 1],
				(n - i) * sizeof(cuts[0]));
			cuts[i + 1] = (uint16_t)(cuts[i] + 1480);
			n++;
		}
	}
	if (cuts[n] - cuts[n - 1] > 1480)
		return;
	order = *p < end ? *(*p)++ : 0;
	/* Each piece once, in an order the byte rotates, then maybe again. */
	for (i = 0; i < n + (order >> 7); i++) {
		unsigned int k = (i + (order & 0x7f)) % n;
		uint16_t off = cuts[k], plen = (uint16_t)(cuts[k + 1] - off);
		uint16_t frag = (uint16_t)(off / 8) | (k + 1 < n ? 0x2000 : 0);

		fuzz_eth(frame, RTE_ETHER_TYPE_IPV4);
		memcpy(frame + 34, d + off, plen);
		fuzz_ipv4_hdr(frame + 14, source(ctl), FUZZ_IP, proto, id,
			frag, plen, 64);
		input(frame, 34 + (size_t)plen);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint8_t arp[64];
	unsigned int records = 0;

	if (size > 65536)
		return 0;
	/* The peer is known, so replies go out rather than wait for ARP. */
	input(arp, fuzz_arp_request(arp, &fuzz_peer_mac, FUZZ_PEER_IP,
		FUZZ_IP));
	while (p < end && records++ < 256) {
		uint8_t ctl = *p++;
		unsigned int adv = (ctl >> 4) & 7;

		if (adv != 0) {
			fw.ticks += ((1ull << adv) - 1) * (FUZZ_HZ / 1000) *
				(adv == 7 ? 16 : 1);
			fw.w.now = fw.ticks;
			ws_worker_timers(&fw.w);
			ws_tx_flush(&fw.w);
		}
		if (ctl & 0x80)
			cut_datagram(ctl, &p, end);
		else
			raw_fragment(ctl, &p, end);
	}
	fuzz_worker_reset(&fw);
	return 0;
}
