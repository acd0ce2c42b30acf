/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The whole stack on a net_ring port, with woshou's own services (HTTP,
 * echo and discard over TCP and UDP, from app/woshou), the DNS responder,
 * and the stub resolver with a query outstanding; workers are polled by
 * hand on a manual 1 MHz clock. Every input starts from the same state:
 *
 *   - the peer (198.18.0.1) is in the ARP cache,
 *   - connection A: the peer's port 40000 to our HTTP port 80, established,
 *   - connection B: ours (ephemeral) to the peer's port 5001, established,
 *     with 3000 bytes of ours in flight,
 *   - the resolver waits for the answer about "peer.example.test".
 *
 * The input is a list of records. Record header: 2 bytes.
 *   byte 0: bits 0-2 type, bit 3 the receive queue (worker) to use,
 *           bits 4-7 n: first advance the clock by 2^(n-1) ms (n = 0: not)
 *   byte 1: body length (the body follows; short data ends the input)
 * Types (body layouts at each builder below):
 *   0 a raw Ethernet frame, as is
 *   1 an IPv4 packet with optional fix-ups (lengths, checksums, addresses)
 *   2 a TCP segment on a chosen 4-tuple, SEQ/ACK/TSecr optionally relative
 *     to the connection's current ones, checksums right
 *   3 a UDP datagram to a service or to the resolver (its port and query
 *     ID, optionally its question, filled in)
 *   4 ICMP: echo, or an error quoting one of our segments (in window)
 *   5 ARP
 *   6 an application action: send, close, shutdown, abort, resolve,
 *     connect, keep-alive
 *   7 the clock: advance by the body's 16-bit count of 10 ms
 * After every record each worker is polled (receive, timers, transmit);
 * what the stack sends is read back (to learn SEQ, ACK, TSval and the
 * resolver's query) and freed.
 *
 * After every input: each worker's modules are torn down (every
 * connection hears 'closed'), then every mempool must be full again
 * (receive, transmit, indirect, the services' HTTP states), and every
 * TCP state gauge zero; then they start again at the same clock value.
 * Anything else aborts, and libFuzzer keeps the input.
 *
 * Variants (the environment's WS_FUZZ_STACK_VARIANT): "default";
 * "2w" two workers with steering and hand-offs; "cookies" SYN cookies
 * always; "nots" no timestamps on either side; "mtu" a 296-byte MTU;
 * "addrs" four addresses.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "fuzz_common.h"
#include "woshou.h"
#include "ws_dns_server.h"
#include "ws_resolver.h"
#include "ws_services.h"
#include "ws_services_config.h"
#include "ws_steer.h"
#include "ws_tcp.h"
#include "ws_tcp_priv.h"
#include "ws_udp_services.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* WS_FUZZ_STACK_VARIANT picks another (scripts/fuzz: stack_<variant>). */
static const char *fuzz_stack_variant = "default";
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORKERS 2
#define RING_SIZE 1024
#define PEER_PORT_BASE 40000
#define ACTIVE_PORT 5001
#define PEER_ISN_A 1000000u
#define PEER_ISN_B 2000000u
#define START_TICKS (1000 * FUZZ_HZ)
#define MAX_TRACK 32
#define MAX_ACTIVE 2
#define QUERY_MAX 512
#define FRAME_MAX 1514

/* What we last sent on one 4-tuple (ports host order, laddr network). */
struct track {
	uint32_t laddr;
	uint16_t lport, rport;
	uint32_t seq_end;		/* seq + len (+ SYN, FIN) */
	uint32_t seq;
	uint32_t ack;
	uint32_t tsval;
	bool used;
};

static struct {
	struct ws_stack *s;
	struct rte_ring *rx[MAX_WORKERS], *tx[MAX_WORKERS];
	struct ws_worker *w[MAX_WORKERS];
	unsigned int n_workers;
	unsigned int n_addrs;
	bool ts;			/* the peer offers timestamps */
	uint16_t mss;			/* what the peer announces */
	uint64_t ticks;
	struct ws_config cfg;
	struct ws_services_config sc;
	struct ws_services *svc;
	struct ws_udp_services *usvc;
	struct ws_dns_server *dns;
	struct rte_mempool *http_pool[MAX_WORKERS];
	/* Listeners, restored after every reset. */
	struct ws_tcp_listener listeners[MAX_WORKERS][WS_TCP_MAX_LISTENERS];
	unsigned int n_listeners[MAX_WORKERS];
	/* Per input. */
	struct track track[MAX_TRACK];
	struct ws_tcp_conn *active[MAX_ACTIVE];
	uint16_t active_lport[MAX_ACTIVE];
	uint16_t active_rport[MAX_ACTIVE];
	uint16_t res_port;		/* the resolver's, host order */
	uint16_t res_len;
	uint8_t res_query[QUERY_MAX];	/* its last query */
	uint32_t peer_ts;		/* the peer's timestamp clock base */
	uint64_t frames_out;
	bool verbose;			/* WS_FUZZ_VERBOSE: print what we send */
} fz;

/* ------------------------------------------------------------------ */
/* Bytes.                                                              */

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* A reader over the record body: reads past the end give zeros. */
struct body {
	const uint8_t *p;
	size_t len, off;
};

static uint8_t
b8(struct body *b)
{
	return b->off < b->len ? b->p[b->off++] : 0;
}

static uint16_t
b16(struct body *b)
{
	uint16_t v = (uint16_t)(b8(b) << 8);

	return v | b8(b);
}

static uint32_t
b32(struct body *b)
{
	uint32_t v = (uint32_t)b16(b) << 16;

	return v | b16(b);
}

static size_t
b_rest(const struct body *b)
{
	return b->len - b->off;
}

/* ------------------------------------------------------------------ */
/* The wire.                                                           */

static uint32_t
our_addr(unsigned int idx)
{
	return FUZZ_IP + idx % fz.n_addrs;
}

static void
clock_set(uint64_t ticks)
{
	unsigned int i;

	fz.ticks = ticks;
	for (i = 0; i < fz.n_workers; i++)
		fz.w[i]->now = ticks;
}

static struct track *
track_find(uint32_t laddr, uint16_t lport, uint16_t rport, bool create)
{
	struct track *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < MAX_TRACK; i++) {
		struct track *t = &fz.track[i];

		if (!t->used) {
			if (free_slot == NULL)
				free_slot = t;
			continue;
		}
		if (t->laddr == laddr && t->lport == lport &&
				t->rport == rport)
			return t;
	}
	if (!create)
		return NULL;
	if (free_slot == NULL)
		free_slot = &fz.track[rport % MAX_TRACK];
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->laddr = laddr;
	free_slot->lport = lport;
	free_slot->rport = rport;
	return free_slot;
}

/* Learn from one frame the stack sent: TCP sequence state, DNS queries. */
static void
learn(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + 14, *l4;
	uint32_t ihl, tot;

	if (len < 34 || rd16(f + 12) != RTE_ETHER_TYPE_IPV4)
		return;
	ihl = (ip[0] & 0xfu) * 4;
	tot = rd16(ip + 2);
	if (ihl < 20 || tot > len - 14 || tot < ihl + 8 ||
			(rd16(ip + 6) & 0x3fff) != 0)
		return;
	l4 = ip + ihl;
	if (fz.verbose)
		fprintf(stderr, "  out: proto %u %u -> %u, %u bytes, flags "
			"0x%02x seq %u ack %u\n", ip[9], rd16(l4), rd16(l4 + 2),
			tot, ip[9] == IPPROTO_TCP ? l4[13] : 0,
			ip[9] == IPPROTO_TCP ? rd32(l4 + 4) : 0,
			ip[9] == IPPROTO_TCP ? rd32(l4 + 8) : 0);
	if (ip[9] == IPPROTO_TCP && tot >= ihl + 20) {
		uint32_t doff = (uint32_t)(l4[12] >> 4) * 4, i;
		uint8_t flags = l4[13];
		struct track *t;

		if (doff < 20 || ihl + doff > tot)
			return;
		t = track_find(rte_cpu_to_be_32(rd32(ip + 12)), rd16(l4),
			rd16(l4 + 2), true);
		t->seq = rd32(l4 + 4);
		t->seq_end = t->seq + (tot - ihl - doff) +
			((flags & TH_SYN) ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
		if (flags & TH_ACK)
			t->ack = rd32(l4 + 8);
		for (i = 20; i + 1 < doff; ) {
			uint8_t kind = l4[i], olen;

			if (kind == TCPOPT_EOL)
				break;
			if (kind == TCPOPT_NOP) {
				i++;
				continue;
			}
			olen = l4[i + 1];
			if (olen < 2 || i + olen > doff)
				break;
			if (kind == TCPOPT_TS && olen == 10)
				t->tsval = rd32(l4 + i + 2);
			i += olen;
		}
	} else if (ip[9] == IPPROTO_UDP && rd16(l4 + 2) == 53) {
		uint32_t n = RTE_MIN(tot - ihl - 8, (uint32_t)QUERY_MAX);

		fz.res_port = rd16(l4);
		memcpy(fz.res_query, l4 + 8, n);
		fz.res_len = (uint16_t)n;
	}
}

/* Read back and free what the workers sent. */
static void
collect(void)
{
	struct rte_mbuf *pkts[64];
	static uint8_t buf[16384];
	unsigned int q, i, n;

	for (q = 0; q < fz.n_workers; q++) {
		while ((n = rte_ring_dequeue_burst(fz.tx[q], (void **)pkts,
				RTE_DIM(pkts), NULL)) != 0) {
			for (i = 0; i < n; i++) {
				const uint8_t *f;
				uint32_t len = RTE_MIN(pkts[i]->pkt_len,
					(uint32_t)sizeof(buf));

				f = rte_pktmbuf_read(pkts[i], 0, len, buf);
				if (f != NULL)
					learn(f, len);
				rte_pktmbuf_free(pkts[i]);
			}
			fz.frames_out += n;
		}
	}
}

static void
poll_all(void)
{
	unsigned int i, round;

	/* Two rounds with two workers: what one hands off, the other gets. */
	for (round = 0; round < fz.n_workers; round++) {
		for (i = 0; i < fz.n_workers; i++)
			ws_worker_poll(fz.w[i]);
		collect();
	}
}

/* Hand one frame to receive queue q. */
static void
inject(unsigned int q, const uint8_t *frame, size_t len)
{
	struct ws_worker *w = fz.w[q % fz.n_workers];
	struct rte_mbuf *m;

	if (len == 0 || len > FRAME_MAX)
		return;
	m = fuzz_mbuf(w->rx_pool, frame, len);
	if (rte_ring_enqueue(fz.rx[q % fz.n_workers], m) != 0)
		rte_pktmbuf_free(m);
}

/* Our TCB for a 4-tuple, on any worker; NULL if none. */
static struct ws_tcp_conn *
tcb_find(uint32_t laddr, uint16_t lport, uint16_t rport)
{
	struct ws_tcp_key key = {
		.raddr = rte_cpu_to_be_32(FUZZ_PEER_IP), .laddr = laddr,
		.rport = rte_cpu_to_be_16(rport),
		.lport = rte_cpu_to_be_16(lport),
	};
	unsigned int i;

	for (i = 0; i < fz.n_workers; i++) {
		struct ws_tcp_conn *c = ws_tcp_lookup(fz.w[i]->tcp, &key);

		if (c != NULL && c->in_use && !c->dead)
			return c;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Frame builders.                                                     */

/*
 * An IPv4 frame from the peer to 'dst' (host order) with 'l4' of 'len'
 * bytes (its checksum fixed for TCP and UDP at 'ck_off' unless that is
 * negative); returns the frame length.
 */
static size_t
build_ip(uint8_t *f, uint32_t dst, uint8_t proto, const uint8_t *l4,
		size_t len, int ck_off, uint8_t ttl)
{
	uint8_t *ip = f + 14;
	uint16_t ck;

	if (len > FRAME_MAX - 34)
		len = FRAME_MAX - 34;
	fuzz_eth(f, RTE_ETHER_TYPE_IPV4);
	memmove(ip + 20, l4, len);
	fuzz_ipv4_hdr(ip, FUZZ_PEER_IP, dst, proto, 0x1234, 0x4000,
		(uint16_t)len, ttl);
	if (ck_off >= 0 && (size_t)ck_off + 2 <= len) {
		wr16(ip + 20 + ck_off, 0);
		ck = fuzz_l4_cksum(ip, ip + 20, (uint16_t)len);
		wr16(ip + 20 + ck_off, ck);
	}
	return 34 + len;
}

static uint32_t
peer_tsval(void)
{
	return fz.peer_ts + (uint32_t)(fz.ticks / 1000);
}

/*
 * A TCP segment from the peer. 'opts' of 'optlen' bytes (padded to a
 * multiple of 4 with EOL), then 'payload'.
 */
static size_t
build_tcp(uint8_t *f, uint32_t laddr_host, uint16_t lport, uint16_t rport,
		uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		const uint8_t *opts, size_t optlen, const uint8_t *payload,
		size_t plen, bool bad_cksum, uint16_t urg)
{
	static uint8_t seg[FRAME_MAX];
	size_t olen4 = (RTE_MIN(optlen, (size_t)40) + 3) & ~(size_t)3;
	size_t len, n;

	memset(seg, 0, 20 + olen4);
	wr16(seg, rport);
	wr16(seg + 2, lport);
	wr32(seg + 4, seq);
	wr32(seg + 8, ack);
	seg[12] = (uint8_t)((20 + olen4) / 4) << 4;
	seg[13] = flags;
	wr16(seg + 14, win);
	wr16(seg + 18, urg);
	if (optlen != 0)
		memcpy(seg + 20, opts, RTE_MIN(optlen, (size_t)40));
	len = 20 + olen4;
	n = RTE_MIN(plen, sizeof(seg) - 34 - len);
	if (n != 0)
		memcpy(seg + len, payload, n);
	len += n;
	n = build_ip(f, laddr_host, IPPROTO_TCP, seg, len, 16, 64);
	if (bad_cksum)
		f[34 + 16] ^= 0x5a;
	return n;
}

/* The options of the peer's SYN: MSS, SACK-permitted, TS, WS. */
static size_t
syn_opts(uint8_t *o, uint32_t tsecr)
{
	size_t n = 0;

	o[n++] = TCPOPT_MSS; o[n++] = 4;
	wr16(o + n, fz.mss); n += 2;
	o[n++] = TCPOPT_SACK_OK; o[n++] = 2;
	if (fz.ts) {
		o[n++] = TCPOPT_TS; o[n++] = 10;
		wr32(o + n, peer_tsval()); n += 4;
		wr32(o + n, tsecr); n += 4;
	} else {
		o[n++] = TCPOPT_NOP; o[n++] = TCPOPT_NOP;
	}
	o[n++] = TCPOPT_NOP;
	o[n++] = TCPOPT_WSCALE; o[n++] = 3; o[n++] = 7;
	return n;
}

static size_t
ts_opts(uint8_t *o, uint32_t tsecr)
{
	if (!fz.ts)
		return 0;
	o[0] = TCPOPT_NOP;
	o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_TS;
	o[3] = 10;
	wr32(o + 4, peer_tsval());
	wr32(o + 8, tsecr);
	return 12;
}

/* ------------------------------------------------------------------ */
/* The harness's own application: connection B and its likes.         */

static uint32_t
app_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	RTE_SET_USED(m);
	RTE_SET_USED(off);
	/* Read half of what comes while the window is large: holds some. */
	return (uintptr_t)ws_tcp_ctx(c) & 1 ? len / 2 : len;
}

static void
app_connected(struct ws_tcp_conn *c)
{
	const uint8_t *pat;
	static uint8_t data[3000];
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	pat = data;
	(void)ws_tcp_send(c, pat, sizeof(data));
}

static void
app_peer_closed(struct ws_tcp_conn *c)
{
	ws_tcp_close(c);
}

static void
app_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	unsigned int i;

	RTE_SET_USED(why);
	for (i = 0; i < MAX_ACTIVE; i++)
		if (fz.active[i] == c)
			fz.active[i] = NULL;
}

static const struct ws_tcp_ops app_ops = {
	.connected = app_connected,
	.data = app_data,
	.peer_closed = app_peer_closed,
	.closed = app_closed,
};

static void
resolved(struct ws_worker *w, const char *name, int status,
		const uint32_t *addrs, unsigned int n, void *arg)
{
	RTE_SET_USED(w);
	RTE_SET_USED(arg);
	FUZZ_CHECK(name != NULL, "resolved without a name");
	FUZZ_CHECK(status != 0 || (n > 0 && n <= WS_RESOLVE_MAX_ADDRS &&
		addrs != NULL), "resolved %s with %u addresses", name, n);
}

/* ------------------------------------------------------------------ */
/* Records.                                                            */

/*
 * A 4-tuple from a selector byte: bits 0-2 the peer's port (40000 + n),
 * bits 3-4 ours (80, 7, 9 or a closed one), bits 5-6 our address; bit 7:
 * connection B (or its like: bit 0 picks which) instead.
 */
static void
tuple(uint8_t sel, uint32_t *laddr_host, uint16_t *lport, uint16_t *rport)
{
	static const uint16_t ports[] = { 80, 7, 9, 1234 };

	if (sel & 0x80) {
		unsigned int k = sel & 1;

		*laddr_host = FUZZ_IP;
		*lport = fz.active_lport[k];
		*rport = fz.active_rport[k];
		return;
	}
	*laddr_host = our_addr((sel >> 5) & 3);
	*lport = ports[(sel >> 3) & 3];
	*rport = (uint16_t)(PEER_PORT_BASE + (sel & 7));
}

/*
 * Where a relative SEQ/ACK is measured from: the TCB if there is one,
 * else what we last sent on the tuple (a SYN-ACK with a cookie).
 */
static void
bases(uint32_t laddr_host, uint16_t lport, uint16_t rport, uint32_t *rcv_nxt,
		uint32_t *snd_nxt, uint32_t *snd_una, uint32_t *tsecr)
{
	uint32_t laddr = rte_cpu_to_be_32(laddr_host);
	struct ws_tcp_conn *c = tcb_find(laddr, lport, rport);
	struct track *t = track_find(laddr, lport, rport, false);

	*rcv_nxt = *snd_nxt = *snd_una = *tsecr = 0;
	if (t != NULL) {
		*rcv_nxt = t->ack;
		*snd_nxt = *snd_una = t->seq_end;
		*tsecr = t->tsval;
	}
	if (c != NULL) {
		*rcv_nxt = c->rcv_nxt;
		*snd_nxt = c->snd_nxt;
		*snd_una = c->snd_una;
	}
}

/*
 * TCP: [0] tuple selector, [1] flags, [2] fix-ups (bit 0: SEQ relative
 * to our RCV.NXT, bit 1: ACK relative to our SND.NXT, bit 2: ... to
 * SND.UNA instead, bit 3: put a TS option with the peer's clock (plus
 * TSval below) and our last TSval as TSecr, bit 4: spoil the checksum,
 * bit 5: the urgent pointer from the window's low byte), [3-6] SEQ,
 * [7-10] ACK, [11-12] window, [13] option bytes (low 6 bits), [14]
 * padding: 8 bytes per unit after the payload; then the options, then
 * the payload.
 */
static void
rec_tcp(unsigned int q, struct body *b)
{
	static uint8_t f[FRAME_MAX], payload[FRAME_MAX];
	uint8_t opts[64], sel = b8(b), flags = b8(b), fix = b8(b);
	uint32_t seq = b32(b), ack = b32(b), rcv_nxt, snd_nxt, snd_una, tsecr;
	uint16_t win = b16(b), lport, rport;
	uint32_t laddr_host;
	size_t optlen = b8(b) & 63, pad = (size_t)b8(b) * 8, plen, i;

	if (optlen > 40)
		optlen = 40;
	optlen = RTE_MIN(optlen, b_rest(b));
	memcpy(opts, b->p + b->off, optlen);
	b->off += optlen;
	tuple(sel, &laddr_host, &lport, &rport);
	bases(laddr_host, lport, rport, &rcv_nxt, &snd_nxt, &snd_una, &tsecr);
	if (fix & 1)
		seq += rcv_nxt;
	if (fix & 2)
		ack += (fix & 4) ? snd_una : snd_nxt;
	if (fix & 8) {
		/* The first TS option, or a new one at the end if room. */
		for (i = 0; i + 10 <= optlen; i++)
			if (opts[i] == TCPOPT_TS && opts[i + 1] == 10)
				break;
		if (i + 10 > optlen && optlen + 10 <= 40) {
			i = optlen;
			opts[i] = TCPOPT_TS;
			opts[i + 1] = 10;
			wr32(opts + i + 2, 0);
			optlen += 10;
		}
		if (i + 10 <= optlen) {
			wr32(opts + i + 2, peer_tsval() + rd32(opts + i + 2));
			wr32(opts + i + 6, tsecr);
		}
	}
	plen = RTE_MIN(b_rest(b), sizeof(payload));
	memcpy(payload, b->p + b->off, plen);
	b->off += plen;
	for (i = 0; i < pad && plen < sizeof(payload); i++)
		payload[plen++] = (uint8_t)(i * 7);
	inject(q, f, build_tcp(f, laddr_host, lport, rport, flags, seq, ack,
		win, opts, optlen, payload, plen, fix & 16,
		(fix & 32) ? (uint16_t)(win & 0xff) : 0));
}

/*
 * IPv4: [0] fix-ups (bit 0: total length, bit 1: header checksum, bit 2:
 * TCP/UDP/ICMP checksum when not a fragment, bit 3: addresses: the peer
 * to our first), then the packet from its header on.
 */
static void
rec_ipv4(unsigned int q, struct body *b)
{
	static uint8_t f[FRAME_MAX];
	uint8_t fix = b8(b), *ip = f + 14;
	size_t len = RTE_MIN(b_rest(b), (size_t)FRAME_MAX - 14);
	uint32_t ihl;

	fuzz_eth(f, RTE_ETHER_TYPE_IPV4);
	memcpy(ip, b->p + b->off, len);
	b->off += len;
	if (len < 20) {
		inject(q, f, 14 + len);
		return;
	}
	ihl = (ip[0] & 0xfu) * 4;
	if (fix & 1)
		wr16(ip + 2, (uint16_t)len);
	if (fix & 8) {
		wr32(ip + 12, FUZZ_PEER_IP);
		wr32(ip + 16, our_addr(ip[19]));
	}
	if ((fix & 4) && ihl >= 20 && ihl <= len &&
			(rd16(ip + 6) & 0x3fff) == 0) {
		uint8_t *l4 = ip + ihl;
		size_t l4len = len - ihl;

		if (ip[9] == IPPROTO_TCP && l4len >= 20) {
			wr16(l4 + 16, 0);
			wr16(l4 + 16, fuzz_l4_cksum(ip, l4, (uint16_t)l4len));
		} else if (ip[9] == IPPROTO_UDP && l4len >= 8) {
			wr16(l4 + 4, (uint16_t)l4len);
			wr16(l4 + 6, 0);
			wr16(l4 + 6, fuzz_l4_cksum(ip, l4, (uint16_t)l4len));
		} else if (ip[9] == IPPROTO_ICMP && l4len >= 8) {
			wr16(l4 + 2, 0);
			wr16(l4 + 2, (uint16_t)~fuzz_fold(fuzz_sum(l4, l4len,
				0)));
		}
	}
	if ((fix & 2) && ihl >= 20 && ihl <= len) {
		wr16(ip + 10, 0);
		wr16(ip + 10, (uint16_t)~fuzz_fold(fuzz_sum(ip, ihl, 0)));
	}
	inject(q, f, 14 + len);
}

/*
 * UDP: [0] bits 0-1 our port (53, 7, 9, the resolver's), bits 2-3 the
 * peer's (53, 40000, 7, 19), bit 4: the DNS ID of the resolver's last
 * query, bit 5: its question too (the payload's first 12 bytes are the
 * header, the rest follows the question), bits 6-7 our address; then the
 * payload.
 */
static void
rec_udp(unsigned int q, struct body *b)
{
	static const uint16_t sports[] = { 53, 40000, 7, 19 };
	static uint8_t f[FRAME_MAX], d[FRAME_MAX];
	uint8_t sel = b8(b);
	uint16_t dports[] = { 53, 7, 9, fz.res_port };
	size_t len = 8, n = RTE_MIN(b_rest(b), sizeof(d) - 64);
	const uint8_t *pl = b->p + b->off;

	b->off += n;
	wr16(d, sports[(sel >> 2) & 3]);
	wr16(d + 2, dports[sel & 3]);
	if ((sel & 0x20) && fz.res_len > 12) {
		/* Header from the input, question from the query, then rest. */
		size_t qlen = fz.res_len - 12, h = RTE_MIN(n, (size_t)12);

		memset(d + 8, 0, 12);
		memcpy(d + 8, pl, h);
		memcpy(d + 20, fz.res_query + 12, qlen);
		len = 20 + qlen;
		n = RTE_MIN(n - h, sizeof(d) - len);
		memcpy(d + len, pl + h, n);
		len += n;
		wr16(d + 8, rd16(fz.res_query));
	} else {
		memcpy(d + 8, pl, n);
		len += n;
		if ((sel & 0x10) && n >= 2 && fz.res_len >= 2)
			wr16(d + 8, rd16(fz.res_query));
	}
	wr16(d + 4, (uint16_t)len);
	wr16(d + 6, 0);
	inject(q, f, build_ip(f, our_addr(sel >> 6), IPPROTO_UDP, d, len, 6,
		64));
}

/*
 * ICMP: [0] type, [1] code, [2] tuple selector of the quoted segment
 * (as for TCP; 0xff: the resolver's query), [3-4] the 4 bytes after the
 * checksum's low half (next-hop MTU for type 3 code 4), [5] bit 0: the
 * quoted SEQ is our SND.UNA (else the next 4 bytes), bit 1: spoil the
 * checksum; for types other than 3, 4, 5, 11, 12 the rest is the
 * message body after the first 8 bytes.
 */
static void
rec_icmp(unsigned int q, struct body *b)
{
	static uint8_t f[FRAME_MAX], d[FRAME_MAX];
	uint8_t type = b8(b), code = b8(b), sel = b8(b);
	uint16_t rest = b16(b);
	uint8_t fix = b8(b);
	uint32_t seq = b32(b), laddr_host = FUZZ_IP, r, s, u, t;
	uint16_t lport, rport;
	size_t len = 8, n;
	uint16_t ck;

	d[0] = type;
	d[1] = code;
	wr16(d + 2, 0);
	wr16(d + 4, 0);
	wr16(d + 6, rest);
	if (type == 3 || type == 4 || type == 5 || type == 11 ||
			type == 12) {
		uint8_t *qip = d + 8, *ql4 = d + 28;

		if (sel == 0xff) {
			fuzz_ipv4_hdr(qip, FUZZ_IP, FUZZ_PEER_IP, IPPROTO_UDP,
				0, 0x4000, 8 + fz.res_len, 64);
			wr16(ql4, fz.res_port);
			wr16(ql4 + 2, 53);
			wr16(ql4 + 4, (uint16_t)(8 + fz.res_len));
			wr16(ql4 + 6, 0);
		} else {
			tuple(sel, &laddr_host, &lport, &rport);
			bases(laddr_host, lport, rport, &r, &s, &u, &t);
			fuzz_ipv4_hdr(qip, laddr_host, FUZZ_PEER_IP,
				IPPROTO_TCP, 0, 0x4000, 20, 64);
			wr16(ql4, lport);
			wr16(ql4 + 2, rport);
			wr32(ql4 + 4, (fix & 1) ? u : seq);
		}
		len = 36;
	} else {
		n = RTE_MIN(b_rest(b), sizeof(d) - 64);
		memcpy(d + 8, b->p + b->off, n);
		b->off += n;
		len += n;
	}
	ck = (uint16_t)~fuzz_fold(fuzz_sum(d, len, 0));
	wr16(d + 2, (fix & 2) ? (uint16_t)(ck ^ 1) : ck);
	inject(q, f, build_ip(f, laddr_host, IPPROTO_ICMP, d, len, -1, 64));
}

/*
 * ARP: [0] operation, [1] sender address (the peer, ours, another host,
 * 0.0.0.0), [2] target (ours, our second, the peer, a stranger), [3]
 * sender MAC (the peer's, another, broadcast, zero).
 */
static void
rec_arp(unsigned int q, struct body *b)
{
	static const struct rte_ether_addr macs[] = {
		{ .addr_bytes = { 2, 0, 0, 0, 0, 1 } },
		{ .addr_bytes = { 2, 0, 0, 0, 0, 9 } },
		{ .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ .addr_bytes = { 0, 0, 0, 0, 0, 0 } },
	};
	uint8_t op = b8(b), s = b8(b), t = b8(b), m = b8(b), f[64];
	uint32_t sips[] = { FUZZ_PEER_IP, FUZZ_IP, 0xc6120003u, 0 };
	uint32_t tips[] = { FUZZ_IP, FUZZ_IP + 1, FUZZ_PEER_IP, 0xc6120063u };
	size_t len = fuzz_arp_request(f, &macs[m & 3], sips[s & 3],
		tips[t & 3]);

	wr16(f + 20, op);
	if (op == 2)
		memcpy(f, &fuzz_mac, 6);
	inject(q, f, len);
}

/*
 * An application action: [0] what, [1] argument.
 *   0 connection B (or its like, [1] bit 7) sends 64 x [1] bytes
 *   1 ... closes, 2 shuts down, 3 aborts, 4 resumes receiving,
 *   5 turns keep-alive on (1 s, 1 s, 2 probes)
 *   6 resolve one of a few names
 *   7 open a new connection B' to the peer's port 5001 + [1] % 4
 */
static void
rec_app(struct body *b)
{
	static const char *const names[] = {
		"peer.example.test", "www.example.test", "example.test",
		"198.18.0.1", "a.b.c.d.e.f.g.example.test", "x",
	};
	static uint8_t data[64 * 255];
	uint8_t what = b8(b), arg = b8(b);
	struct ws_tcp_conn *c = fz.active[(arg >> 7) & 1];
	unsigned int k;

	switch (what & 7) {
	case 0:
		if (c != NULL)
			(void)ws_tcp_send(c, data, 64u * (arg & 0x7f));
		break;
	case 1:
		if (c != NULL)
			ws_tcp_close(c);
		break;
	case 2:
		if (c != NULL)
			ws_tcp_shutdown(c);
		break;
	case 3:
		if (c != NULL)
			ws_tcp_abort(c);
		break;
	case 4:
		if (c != NULL)
			ws_tcp_recv_resume(c);
		break;
	case 5:
		if (c != NULL)
			ws_tcp_set_keepalive(c, true, 1000, 1000, 2);
		break;
	case 6:
		(void)ws_resolve(fz.w[0], names[arg % RTE_DIM(names)],
			resolved, NULL);
		break;
	default:
		k = 1;
		if (fz.active[k] != NULL)
			break;
		fz.active[k] = ws_tcp_connect(fz.w[0],
			rte_cpu_to_be_32(FUZZ_PEER_IP),
			(uint16_t)(ACTIVE_PORT + arg % 4), &app_ops,
			(void *)(uintptr_t)arg);
		if (fz.active[k] != NULL) {
			fz.active_lport[k] = rte_be_to_cpu_16(
				fz.active[k]->key.lport);
			fz.active_rport[k] = (uint16_t)(ACTIVE_PORT + arg % 4);
		}
		break;
	}
}

static void
advance_ms(uint64_t ms)
{
	clock_set(fz.ticks + ms * (FUZZ_HZ / 1000));
}

/* ------------------------------------------------------------------ */
/* Setup, leak check and reset.                                        */

static void
learn_peer(void)
{
	uint8_t f[64];

	inject(0, f, fuzz_arp_request(f, &fuzz_peer_mac, FUZZ_PEER_IP,
		FUZZ_IP));
	poll_all();
}

/* Connection A: the peer's port 40000 to our HTTP port, established. */
static void
open_a(void)
{
	uint8_t f[FRAME_MAX], o[40];
	uint32_t laddr = rte_cpu_to_be_32(FUZZ_IP);
	struct track *t;

	inject(0, f, build_tcp(f, FUZZ_IP, 80, PEER_PORT_BASE, TH_SYN,
		PEER_ISN_A, 0, 65535, o, syn_opts(o, 0), NULL, 0, false, 0));
	poll_all();
	t = track_find(laddr, 80, PEER_PORT_BASE, false);
	if (t == NULL)
		return;
	inject(0, f, build_tcp(f, FUZZ_IP, 80, PEER_PORT_BASE, TH_ACK,
		PEER_ISN_A + 1, t->seq + 1, 1024, o, ts_opts(o, t->tsval),
		NULL, 0, false, 0));
	poll_all();
}

/* Connection B: ours to the peer's port 5001, established, data out. */
static void
open_b(void)
{
	uint8_t f[FRAME_MAX], o[40];
	struct ws_tcp_conn *c;
	struct track *t;
	uint16_t lport;

	c = ws_tcp_connect(fz.w[0], rte_cpu_to_be_32(FUZZ_PEER_IP),
		ACTIVE_PORT, &app_ops, NULL);
	FUZZ_CHECK(c != NULL, "connect failed");
	fz.active[0] = c;
	lport = rte_be_to_cpu_16(c->key.lport);
	fz.active_lport[0] = lport;
	fz.active_rport[0] = ACTIVE_PORT;
	poll_all();
	t = track_find(rte_cpu_to_be_32(FUZZ_IP), lport, ACTIVE_PORT, false);
	if (t == NULL)
		return;
	inject(0, f, build_tcp(f, FUZZ_IP, lport, ACTIVE_PORT,
		TH_SYN | TH_ACK, PEER_ISN_B, t->seq + 1, 65535, o,
		syn_opts(o, t->tsval), NULL, 0, false, 0));
	poll_all();
}

static void
setup(void)
{
	fz.peer_ts = 7000000;
	learn_peer();
	(void)ws_resolve(fz.w[0], "peer.example.test", resolved, NULL);
	open_a();
	open_b();
	poll_all();
}

static void
save_listeners(void)
{
	unsigned int i, j;

	for (i = 0; i < fz.n_workers; i++) {
		struct ws_tcp_worker *tw = fz.w[i]->tcp;

		fz.n_listeners[i] = tw->n_listeners;
		for (j = 0; j < tw->n_listeners; j++)
			fz.listeners[i][j] = tw->listeners[j];
	}
}

static void
drain_ring(struct rte_ring *r)
{
	void *objs[64];
	unsigned int n, i;

	if (r == NULL)
		return;
	while ((n = rte_ring_dequeue_burst(r, objs, RTE_DIM(objs),
			NULL)) != 0)
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(objs[i]);
}

static void
drain_neigh(struct rte_ring *r)
{
	struct ws_neigh_msg msgs[32];

	if (r == NULL)
		return;
	/* ARP news are messages in the ring itself (ws_steer.c). */
	while (rte_ring_dequeue_burst_elem(r, msgs, sizeof(msgs[0]),
			RTE_DIM(msgs), NULL) != 0)
		;
}

static void
check_gauges(const struct ws_worker *w)
{
	const struct ws_tcp_stats *st = &w->stats.tcp;

	FUZZ_CHECK(st->st_syn_sent == 0 && st->st_syn_received == 0 &&
		st->st_established == 0 && st->st_close_wait == 0 &&
		st->st_fin_wait_1 == 0 && st->st_closing == 0 &&
		st->st_last_ack == 0 && st->st_fin_wait_2 == 0 &&
		st->st_time_wait == 0 && st->st_listen == 0,
		"worker %u: TCP state gauges not zero after every connection "
		"closed (est %" PRIu64 ", tw %" PRIu64 ", synrcv %" PRIu64 ")",
		w->index, (uint64_t)st->st_established,
		(uint64_t)st->st_time_wait, (uint64_t)st->st_syn_received);
}

/*
 * Tear every worker's modules down, check that nothing leaked, and start
 * them again at START_TICKS with the same listeners.
 */
static void
reset(void)
{
	struct ws_clock clock;
	unsigned int i, j;

	collect();
	if (fz.verbose)
		fprintf(stderr, "resolver: %" PRIu64 " answers, %" PRIu64
			" bad replies; tcp: %" PRIu64 " established\n",
			(uint64_t)fz.w[0]->stats.dns.res_answers,
			(uint64_t)fz.w[0]->stats.dns.res_bad_reply,
			(uint64_t)fz.w[0]->stats.tcp.st_established);
	for (i = 0; i < fz.n_workers; i++) {
		struct ws_worker *w = fz.w[i];

		ws_resolver_fini(w);
		ws_tcp_fini(w);
		check_gauges(w);
		for (j = 0; j < WS_MAX_WORKERS; j++)
			while (w->ho_n[j] > 0)
				rte_pktmbuf_free(w->ho_pkts[j][--w->ho_n[j]]);
		w->ho_pending = 0;
		ws_tx_flush(w);
		ws_ipv4_fini(w);
		ws_arp_fini(w);
	}
	for (i = 0; i < fz.n_workers; i++) {
		struct ws_steer *st = fz.w[i]->steer;

		drain_ring(fz.rx[i]);
		if (st != NULL) {
			drain_ring(st->handoff[i]);
			drain_neigh(st->neigh[i]);
		}
	}
	collect();
	for (i = 0; i < fz.n_workers; i++) {
		struct ws_worker *w = fz.w[i];

		fuzz_check_pool_full(w->pool, "transmit");
		fuzz_check_pool_full(w->rx_pool, "receive");
		fuzz_check_pool_full(w->indirect_pool, "indirect");
		if (fz.http_pool[i] != NULL)
			fuzz_check_pool_full(fz.http_pool[i], "HTTP state");
	}

	memset(fz.track, 0, sizeof(fz.track));
	memset(fz.active, 0, sizeof(fz.active));
	fz.res_len = 0;
	fz.res_port = 0;
	fz.ticks = START_TICKS;
	ws_clock_init_manual(&clock, &fz.ticks, FUZZ_HZ);
	for (i = 0; i < fz.n_workers; i++) {
		struct ws_worker *w = fz.w[i];
		int socket = (int)rte_socket_id();

		memset(&w->stats, 0, sizeof(w->stats));
		w->clock = clock;
		w->now = fz.ticks;
		w->tx_since = 0;
		w->log_window = 0;
		w->log_lines = 0;
		w->log_suppressed = 0;
		FUZZ_CHECK(ws_arp_init(w, socket) == 0 &&
			ws_ipv4_init(w, socket) == 0, "arp/ipv4 init");
		ws_icmp_init(w);
		FUZZ_CHECK(ws_tcp_init(w, socket) == 0, "tcp init");
		FUZZ_CHECK(ws_resolver_init(w, socket) == 0,
			"resolver init");
		for (j = 0; j < fz.n_listeners[i]; j++) {
			const struct ws_tcp_listener *l = &fz.listeners[i][j];

			FUZZ_CHECK(ws_tcp_listen_worker(w, l->port, l->ops,
				l->arg) == 0, "listen %u", l->port);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Start.                                                              */

static struct rte_ring *
ring(const char *what, unsigned int i)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "fz_%s%u", what, i);
	r = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	FUZZ_CHECK(r != NULL, "ring: %s", rte_strerror(rte_errno));
	return r;
}

#define MAX_SETS 64

static void
start_stack(void)
{
	static const char *const base[] = {
		"ip.addr=198.18.0.2/24",
		"port.mac=02:00:00:00:00:02",
		/* Workers run on lcore 0 here, polled by hand (the HTTP service
		 * keeps its states per lcore): the EAL main lcore is elsewhere. */
		"eal.main_lcore=7",
		"port.mbufs=2047",
		"port.tx_desc=64",
		"port.rx_desc=64",
		"control.telemetry=no",
		"arp.gratuitous=no",
		"arp.cache_entries=16",
		"ip.frag_entries=8",
		"ip.frag_timeout_ms=1000",
		"tcp.max_connections=32",
		"tcp.ooo_worker_segments=256",
		"tcp.ooo_segments=16",
		"tcp.rcvbuf=16384",
		"tcp.sndbuf=16384",
		"tcp.msl_ms=1000",
		"tcp.backlog=4",
		"tcp.half_open_max=8",
		"tcp.rto_min_ms=100",
		"workers.handoff_ring=64",
		"resolver.servers=198.18.0.1",
		"resolver.cache_entries=16",
		"resolver.max_pending=4",
		"resolver.timeout_ms=500",
		"http.max_request=512",
		"http.max_connections=8",
		"http.keepalive_ms=5000",
		"http.route1=/ text/plain inline:hello",
		"echo.keepalive=yes",
	};
	const char *sets[MAX_SETS], *v = fuzz_stack_variant;
	char dev_set[64 + RTE_ETH_NAME_MAX_LEN], dev[RTE_ETH_NAME_MAX_LEN];
	char err[WS_CFG_ERR_LEN];
	unsigned int n = 0, i;
	int port, ret;

	fz.n_workers = 1;
	fz.n_addrs = 1;
	fz.ts = true;
	fz.mss = 1460;
	for (i = 0; i < RTE_DIM(base); i++)
		sets[n++] = base[i];
	for (i = 1; i < fuzz_dns_n_sets; i++)	/* [0] is ip.addr */
		sets[n++] = fuzz_dns_sets[i];
	if (strcmp(v, "2w") == 0) {
		fz.n_workers = 2;
		sets[n++] = "workers.lcores=0,1";
	} else {
		sets[n++] = "workers.lcores=0";
	}
	if (strcmp(v, "cookies") == 0)
		sets[n++] = "tcp.syncookies=always";
	if (strcmp(v, "nots") == 0) {
		fz.ts = false;
		sets[n++] = "tcp.timestamps=no";
	}
	if (strcmp(v, "mtu") == 0) {
		fz.mss = 256;
		sets[n++] = "port.mtu=296";
		sets[n++] = "ip.pmtu_min=68";
	}
	if (strcmp(v, "addrs") == 0) {
		fz.n_addrs = 4;
		sets[n++] = "ip.addr_count=4";
	}

	for (i = 0; i < fz.n_workers; i++) {
		fz.rx[i] = ring("rx", i);
		fz.tx[i] = ring("tx", i);
	}
	port = rte_eth_from_rings("fuzz_ring", fz.rx, fz.n_workers, fz.tx,
		fz.n_workers, SOCKET_ID_ANY);
	FUZZ_CHECK(port >= 0, "ring port: %s", rte_strerror(rte_errno));
	FUZZ_CHECK(rte_eth_dev_get_name_by_port((uint16_t)port, dev) == 0,
		"port name");
	snprintf(dev_set, sizeof(dev_set), "port.device=%s", dev);
	sets[n++] = dev_set;
	FUZZ_CHECK(n <= MAX_SETS, "too many sets");

	FUZZ_CHECK(ws_services_config_register(&fz.sc, err, sizeof(err)) ==
		0, "register: %s", err);
	fuzz_load_config(&fz.cfg, sets, n);
	fz.s = ws_stack_create(&fz.cfg);
	FUZZ_CHECK(fz.s != NULL, "stack: %s", rte_strerror(rte_errno));
	fz.svc = ws_services_start(fz.s, &fz.cfg, &fz.sc);
	FUZZ_CHECK(fz.svc != NULL, "services");
	fz.usvc = ws_udp_services_start(fz.s, &fz.sc);
	FUZZ_CHECK(fz.usvc != NULL, "UDP services");
	ret = ws_dns_server_start(fz.s, &fz.cfg.dns, &fz.dns);
	FUZZ_CHECK(ret == 0 && fz.dns != NULL, "DNS responder: %d", ret);
	FUZZ_CHECK(ws_stack_start_manual(fz.s) == 0, "start");
	for (i = 0; i < fz.n_workers; i++) {
		char name[RTE_MEMPOOL_NAMESIZE];

		fz.w[i] = ws_stack_worker(fz.s, i);
		snprintf(name, sizeof(name), "ws_http0_%u",
			fz.cfg.workers.lcores[i]);
		fz.http_pool[i] = rte_mempool_lookup(name);
	}
	FUZZ_CHECK(fz.http_pool[0] != NULL, "no HTTP state pool");
	save_listeners();
	reset();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env = getenv("WS_FUZZ_STACK_VARIANT");
	struct ws_tcp_conn *a;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	if (env != NULL && env[0] != '\0')
		fuzz_stack_variant = env;
	env = getenv("WS_FUZZ_VERBOSE");
	fuzz_eal_init();
	start_stack();
	/* The starting state is what the header says, or the harness is
	 * wrong: check it once. */
	setup();
	a = tcb_find(rte_cpu_to_be_32(FUZZ_IP), 80, PEER_PORT_BASE);
	FUZZ_CHECK(a != NULL && a->state == WS_TCP_ESTABLISHED,
		"connection A not established (%s)", a != NULL ?
		ws_tcp_state_name(a->state) : "no TCB");
	FUZZ_CHECK(fz.active[0] != NULL &&
		fz.active[0]->state == WS_TCP_ESTABLISHED,
		"connection B not established");
	FUZZ_CHECK(fz.res_len > 12, "no DNS query seen");
	reset();
	fz.verbose = env != NULL && env[0] != '\0';
	fprintf(stderr, "fuzz_stack: variant %s, %u worker(s)\n",
		fuzz_stack_variant, fz.n_workers);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	unsigned int records = 0;

	if (size > 16384)
		return 0;
	setup();
	while (off + 2 <= size && records++ < 64) {
		uint8_t h = data[off], blen = data[off + 1];
		unsigned int q = (h >> 3) & 1, adv = h >> 4;
		struct body b = { .p = data + off + 2 };

		b.len = RTE_MIN((size_t)blen, size - off - 2);
		off += 2 + b.len;
		if (fz.verbose)
			fprintf(stderr, "record type %u, %zu bytes, queue %u, "
				"+%u ms\n", h & 7, b.len, q,
				adv != 0 ? 1u << (adv - 1) : 0);
		if (adv != 0)
			advance_ms(1ull << (adv - 1));
		switch (h & 7) {
		case 0:
			inject(q, b.p, b.len);
			break;
		case 1:
			rec_ipv4(q, &b);
			break;
		case 2:
			rec_tcp(q, &b);
			break;
		case 3:
			rec_udp(q, &b);
			break;
		case 4:
			rec_icmp(q, &b);
			break;
		case 5:
			rec_arp(q, &b);
			break;
		case 6:
			rec_app(&b);
			break;
		default:
			advance_ms(10ull * b16(&b));
			break;
		}
		poll_all();
	}
	reset();
	return 0;
}
