/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_errno.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ws_arp.h"
#include "ws_icmp.h"
#include "ws_ipv4.h"
#include "ws_log.h"
#include "ws_steer.h"
#include "ws_tcp.h"
#include "ws_worker.h"

void
ws_steer_symmetric_key(uint8_t *key, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		key[i] = (i & 1) == 0 ? 0x6d : 0x5a;
}

uint32_t
ws_steer_toeplitz(const uint8_t *key, unsigned int key_len,
		const uint8_t *data, unsigned int len)
{
	uint32_t hash = 0, window;
	unsigned int i, bit, next = 4;

	if (key_len < len + 4)
		return 0;
	/* The leftmost 32 bits of the key, slid one bit per input bit. */
	window = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
		(uint32_t)key[2] << 8 | key[3];
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			if ((data[i] & (0x80u >> bit)) != 0)
				hash ^= window;
			window <<= 1;
			if (next < key_len &&
					(key[next] & (0x80u >> bit)) != 0)
				window |= 1;
		}
		next++;
	}
	return hash;
}

void
ws_steer_set_reta(struct ws_steer *st, unsigned int i, unsigned int worker)
{
	if (i < st->reta_size && worker < st->n_workers)
		st->reta[i] = (uint8_t)worker;
}

int
ws_steer_init(struct ws_steer *st, unsigned int n_workers,
		unsigned int key_len, unsigned int reta_size,
		unsigned int ring_size, int socket, const char *name)
{
	char rname[RTE_RING_NAMESIZE];
	uint8_t word[2];
	unsigned int i;

	memset(st, 0, sizeof(*st));
	if (n_workers == 0 || n_workers > WS_MAX_WORKERS ||
			key_len < 16 || key_len > WS_STEER_KEY_MAX ||
			(key_len & 1) != 0 || reta_size == 0 ||
			reta_size > WS_STEER_RETA_MAX ||
			!rte_is_power_of_2(reta_size) ||
			(n_workers > 1 && !rte_is_power_of_2(ring_size)))
		return -EINVAL;
	st->n_workers = n_workers;
	st->key_len = (uint8_t)key_len;
	st->reta_size = (uint16_t)reta_size;
	st->reta_mask = reta_size - 1;
	ws_steer_symmetric_key(st->key, key_len);
	for (i = 0; i < reta_size; i++)
		st->reta[i] = (uint8_t)(i % n_workers);
	/*
	 * The key repeats every 16 bits, so a 16-bit word meets the same
	 * key window wherever it sits in the tuple: the hash of a tuple is
	 * the hash of the XOR of its words, and Toeplitz is linear.
	 */
	for (i = 0; i < 256; i++) {
		word[0] = (uint8_t)i;
		word[1] = 0;
		st->l_hi[i] = ws_steer_toeplitz(st->key, key_len, word, 2);
		word[0] = 0;
		word[1] = (uint8_t)i;
		st->l_lo[i] = ws_steer_toeplitz(st->key, key_len, word, 2);
	}
	if (n_workers == 1)
		return 0;

	/* rte_malloc leaves rte_errno alone: no stale value may leak out. */
	rte_errno = 0;
	st->udp_owner = rte_malloc_socket("ws_udp_owner", UINT16_MAX + 1, 0,
		socket);
	if (st->udp_owner == NULL)
		goto nomem;
	memset(st->udp_owner, WS_STEER_ANY, UINT16_MAX + 1);
	for (i = 0; i < n_workers; i++) {
		/* Many producers (the other workers), one consumer. */
		snprintf(rname, sizeof(rname), "ws_ho_%s_%u", name, i);
		st->handoff[i] = rte_ring_create(rname, ring_size, socket,
			RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (st->handoff[i] == NULL)
			goto nomem;
		snprintf(rname, sizeof(rname), "ws_nb_%s_%u", name, i);
		st->neigh[i] = rte_ring_create_elem(rname,
			sizeof(struct ws_neigh_msg), 1024, socket,
			RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (st->neigh[i] == NULL)
			goto nomem;
	}
	return 0;

nomem:
	ws_steer_fini(st);
	return -(rte_errno != 0 ? rte_errno : ENOMEM);
}

void
ws_steer_fini(struct ws_steer *st)
{
	struct rte_mbuf *m;
	unsigned int i;

	for (i = 0; i < WS_MAX_WORKERS; i++) {
		if (st->handoff[i] != NULL) {
			while (rte_ring_dequeue(st->handoff[i],
					(void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(st->handoff[i]);
			st->handoff[i] = NULL;
		}
		rte_ring_free(st->neigh[i]);
		st->neigh[i] = NULL;
	}
	rte_free(st->udp_owner);
	st->udp_owner = NULL;
}

int
ws_steer_pick_port(const struct ws_steer *st, unsigned int worker,
		uint32_t raddr, uint32_t laddr, uint16_t rport,
		uint16_t lo, uint32_t n, uint32_t *cursor,
		bool (*in_use)(void *arg, uint16_t port), void *arg)
{
	uint32_t i, start = *cursor % n;
	uint16_t port;

	/*
	 * About one port in n_workers maps to us, so the walk finds one in
	 * a few steps; the full walk only runs when the range is used up.
	 */
	for (i = 0; i < n; i++) {
		port = (uint16_t)(lo + (start + i) % n);
		if (st != NULL && st->n_workers > 1 &&
				ws_steer_tcp_owner(st, raddr, laddr, rport,
					rte_cpu_to_be_16(port)) != worker)
			continue;
		if (in_use != NULL && in_use(arg, port))
			continue;
		*cursor = start + i + 1;
		return port;
	}
	return -EADDRINUSE;
}

int
ws_steer_udp_claim(struct ws_steer *st, uint16_t port, unsigned int worker)
{
	uint8_t expect = WS_STEER_ANY;

	if (st == NULL || st->udp_owner == NULL)
		return 0;
	if (__atomic_compare_exchange_n(&st->udp_owner[port], &expect,
			(uint8_t)worker, false, __ATOMIC_RELEASE,
			__ATOMIC_RELAXED) || expect == worker)
		return 0;
	return -EADDRINUSE;
}

void
ws_steer_udp_release(struct ws_steer *st, uint16_t port, unsigned int worker)
{
	uint8_t expect = (uint8_t)worker;

	if (st == NULL || st->udp_owner == NULL)
		return;
	__atomic_compare_exchange_n(&st->udp_owner[port], &expect,
		WS_STEER_ANY, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

unsigned int
ws_steer_udp_owner(const struct ws_steer *st, uint16_t port)
{
	if (st == NULL || st->udp_owner == NULL)
		return WS_STEER_ANY;
	return __atomic_load_n(&st->udp_owner[port], __ATOMIC_RELAXED);
}

/* The owner of what an ICMP error quotes: a datagram we sent. */
static unsigned int
icmp_error_owner(const struct ws_worker *w, const struct rte_mbuf *m,
		uint32_t off)
{
	const struct ws_steer *st = w->steer;
	uint8_t buf[sizeof(struct rte_icmp_hdr) + 60 + 8];
	const struct rte_icmp_hdr *icmp;
	const struct rte_ipv4_hdr *ip;
	const uint8_t *p;
	uint32_t ihl, len = rte_pktmbuf_pkt_len(m) - off;
	unsigned int owner;
	uint16_t sport, dport;

	len = RTE_MIN(len, (uint32_t)sizeof(buf));
	p = rte_pktmbuf_read(m, off, len, buf);
	if (p == NULL || len < sizeof(*icmp) + sizeof(*ip) + 8)
		return w->index;
	icmp = (const struct rte_icmp_hdr *)p;
	if (!ws_icmp_type_is_error(icmp->icmp_type))
		return w->index;
	ip = (const struct rte_ipv4_hdr *)(p + sizeof(*icmp));
	ihl = (ip->version_ihl & 0x0f) * 4u;
	if (ihl < sizeof(*ip) || len < sizeof(*icmp) + ihl + 8)
		return w->index;
	memcpy(&sport, p + sizeof(*icmp) + ihl, sizeof(sport));
	memcpy(&dport, p + sizeof(*icmp) + ihl + 2, sizeof(dport));
	/* We sent it: its source is us, its destination the peer. */
	if (ip->next_proto_id == IPPROTO_TCP)
		return ws_steer_tcp_owner(st, ip->dst_addr, ip->src_addr,
			dport, sport);
	if (ip->next_proto_id == IPPROTO_UDP) {
		owner = ws_steer_udp_owner(st, rte_be_to_cpu_16(sport));
		return owner == WS_STEER_ANY ? w->index : owner;
	}
	return w->index;
}

unsigned int
ws_steer_owner(const struct ws_worker *w, const struct rte_mbuf *m)
{
	const struct ws_steer *st = w->steer;
	const struct rte_ipv4_hdr *ip;
	uint32_t off = m->l2_len + m->l3_len;
	const uint16_t *ports;
	unsigned int owner;

	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		m->l2_len);
	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		/* The port's own hash when it used our key and table. */
		if (st->hw && (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) != 0)
			return ws_steer_worker_of(st, m->hash.rss);
		if (rte_pktmbuf_data_len(m) < off + 4)
			return w->index;
		ports = rte_pktmbuf_mtod_offset(m, const uint16_t *, off);
		return ws_steer_tcp_owner(st, ip->src_addr, ip->dst_addr,
			ports[0], ports[1]);
	case IPPROTO_UDP:
		if (rte_pktmbuf_data_len(m) < off + 4)
			return w->index;
		ports = rte_pktmbuf_mtod_offset(m, const uint16_t *, off);
		owner = ws_steer_udp_owner(st, rte_be_to_cpu_16(ports[1]));
		return owner == WS_STEER_ANY ? w->index : owner;
	case IPPROTO_ICMP:
		return icmp_error_owner(w, m, off);
	default:
		return w->index;
	}
}

bool
ws_steer_away_slow(struct ws_worker *w, struct rte_mbuf *m)
{
	unsigned int owner;

	owner = ws_steer_owner(w, m);
	if (likely(owner == w->index))
		return false;
	ws_steer_handoff(w, owner, m);
	return true;
}

static void
handoff_flush_one(struct ws_worker *w, unsigned int owner)
{
	struct rte_mbuf **pkts = w->ho_pkts[owner];
	unsigned int n = w->ho_n[owner], sent, i;

	sent = rte_ring_enqueue_burst(w->steer->handoff[owner],
		(void **)pkts, n, NULL);
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	w->stats.steer.handoff_tx += sent;
	w->stats.steer.drop_handoff_full += n - sent;
	w->ho_n[owner] = 0;
	w->ho_pending &= ~(1u << owner);
}

void
ws_steer_handoff(struct ws_worker *w, unsigned int owner, struct rte_mbuf *m)
{
	if (unlikely(owner >= w->steer->n_workers)) {
		/* A table entry is never out of range; be safe anyway. */
		WS_DROP(w, w->stats.steer.drop_handoff_full, m);
		rte_pktmbuf_free(m);
		return;
	}
	w->ho_pkts[owner][w->ho_n[owner]++] = m;
	w->ho_pending |= 1u << owner;
	if (w->ho_n[owner] == WS_BURST)
		handoff_flush_one(w, owner);
}

void
ws_steer_flush(struct ws_worker *w)
{
	uint32_t pending = w->ho_pending;

	while (pending != 0) {
		unsigned int owner = rte_bsf32(pending);

		pending &= pending - 1;
		handoff_flush_one(w, owner);
	}
}

void
ws_steer_neigh_publish(struct ws_worker *w, uint32_t addr,
		const struct rte_ether_addr *mac, bool for_us)
{
	const struct ws_steer *st = w->steer;
	struct ws_neigh_msg msg;
	unsigned int i;

	if (st == NULL)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.addr = addr;
	rte_ether_addr_copy(mac, &msg.mac);
	msg.for_us = for_us;
	for (i = 0; i < st->n_workers; i++) {
		if (i == w->index)
			continue;
		if (rte_ring_enqueue_elem(st->neigh[i], &msg,
				sizeof(msg)) == 0)
			w->stats.steer.neigh_tx++;
		else
			WS_DROP(w, w->stats.steer.drop_neigh_full, NULL);
	}
}

unsigned int
ws_steer_drain(struct ws_worker *w)
{
	const struct ws_steer *st = w->steer;
	struct ws_neigh_msg msgs[WS_BURST];
	struct rte_mbuf *pkts[WS_BURST];
	unsigned int n, i;

	n = rte_ring_dequeue_burst_elem(st->neigh[w->index], msgs,
		sizeof(msgs[0]), WS_BURST, NULL);
	for (i = 0; i < n; i++)
		ws_arp_sync(w, msgs[i].addr, &msgs[i].mac, msgs[i].for_us);
	w->stats.steer.neigh_rx += n;

	n = rte_ring_dequeue_burst(st->handoff[w->index], (void **)pkts,
		WS_BURST, NULL);
	if (n == 0)
		return 0;
	w->stats.steer.handoff_rx += n;
	w->steered_in = true;
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		ws_ipv4_deliver(w, pkts[i]);
	}
	w->steered_in = false;
	ws_tcp_flush(w);
	return n;
}
