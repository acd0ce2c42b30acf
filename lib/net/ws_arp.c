/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * ARP: RFC 826 reception and merge, RFC 1122 2.3.2 cache rules (flush old
 * entries, at most one request per host per retry_ms, keep the newest
 * waiting packets), RFC 5227 probes, announcements and address defence.
 *
 * The cache is set-associative: an address hashes (CRC32-C with a random
 * per-worker seed, so an on-link peer cannot aim its addresses at one
 * bucket) to a bucket of WS_ARP_WAYS slots, so a lookup is at most 8 key
 * compares in one cache line. A new address takes a free slot of its
 * bucket, else evicts the least recently confirmed entry that has nothing
 * queued (REACHABLE or STALE); when every slot is INCOMPLETE (or PERMANENT,
 * arp.static's entries) there is no room, and the newcomer is dropped
 * rather than the packets already waiting.
 *
 * Counters: requests_tx counts every request we send to resolve an address,
 * broadcast or unicast; refreshes is the unicast part of it (re-confirming
 * a STALE entry). Announcements, including the defence of our address,
 * count in gratuitous_tx only.
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "ws_arp.h"
#include "ws_clock.h"
#include "ws_eth.h"
#include "ws_log.h"
#include "ws_snapshot.h"
#include "ws_steer.h"
#include "ws_worker.h"

/* How often the timer walks the table. */
#define ARP_SCAN_MS 100
/* Slots looked at per timer call, so a big table never stalls a poll. */
#define ARP_SCAN_CHUNK 512
/* RFC 5227: ANNOUNCE_INTERVAL and DEFEND_INTERVAL. */
#define ARP_ANNOUNCE_INTERVAL_MS 2000
#define ARP_DEFEND_INTERVAL_MS 10000

_Static_assert(RTE_IS_POWER_OF_2(WS_ARP_QUEUE_MAX),
	"the packet queue is a ring indexed with a mask");
_Static_assert(WS_ARP_QUEUE_MAX <= UINT8_MAX, "n_queued is a uint8_t");
_Static_assert(RTE_IS_POWER_OF_2(WS_ARP_WAYS),
	"slots map to buckets with shifts");

static const struct rte_ether_addr arp_bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
/* The target MAC of every request we send: the unknown it asks for. */
static const struct rte_ether_addr arp_zero;

static inline uint32_t
arp_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Ticks from 'since' to now; 0 if the clock has not moved past it. */
static inline uint64_t
arp_age(const struct ws_worker *w, uint64_t since)
{
	return w->now > since ? w->now - since : 0;
}

/* Limited broadcast, or the directed broadcast of our subnet. */
static inline bool
arp_is_broadcast(const struct ws_iface *ifc, uint32_t ip)
{
	uint32_t host = ~ifc->netmask;

	if (ip == UINT32_MAX)
		return true;
	/* A /31 or /32 has no broadcast address (RFC 3021). */
	if (rte_be_to_cpu_32(host) < 3)
		return false;
	return ((ip ^ ifc->addr) & ifc->netmask) == 0 && (ip & host) == host;
}

/* 224.0.0.0/4; RTE_IS_IPV4_MCAST shifts a signed int into bit 31. */
static inline bool
arp_is_multicast(uint32_t ip)
{
	return (rte_be_to_cpu_32(ip) >> 28) == 0xe;
}

static inline bool
arp_on_link(const struct ws_iface *ifc, uint32_t ip)
{
	return ((ip ^ ifc->addr) & ifc->netmask) == 0;
}

static inline struct ws_arp_bucket *
arp_bucket(const struct ws_arp_cache *c, uint32_t ip, uint32_t *first_slot)
{
	uint32_t b = rte_hash_crc_4byte(ip, c->hash_seed) & c->bucket_mask;

	*first_slot = b << c->ways_log2;
	return &c->buckets[b];
}

/* Slot of 'ip', or -1. At most c->ways compares. */
static inline int64_t
arp_find(const struct ws_arp_cache *c, uint32_t ip)
{
	const struct ws_arp_bucket *bk;
	uint32_t first, i;

	bk = arp_bucket(c, ip, &first);
	for (i = 0; i < c->ways; i++)
		if (bk->ip[i] == ip && bk->state[i] != WS_ARP_FREE)
			return first + i;
	return -1;
}

static inline struct ws_arp_bucket *
arp_slot_bucket(const struct ws_arp_cache *c, uint32_t slot)
{
	return &c->buckets[slot >> c->ways_log2];
}

static inline uint8_t
arp_slot_state(const struct ws_arp_cache *c, uint32_t slot)
{
	return arp_slot_bucket(c, slot)->state[slot & (c->ways - 1)];
}

static inline void
arp_slot_set_state(struct ws_arp_cache *c, uint32_t slot, uint8_t state)
{
	arp_slot_bucket(c, slot)->state[slot & (c->ways - 1)] = state;
}

static inline uint32_t
arp_slot_ip(const struct ws_arp_cache *c, uint32_t slot)
{
	return arp_slot_bucket(c, slot)->ip[slot & (c->ways - 1)];
}

/* Free every packet waiting on 'e', counting each under 'counter'. */
static void
arp_queue_drop(struct ws_arp_entry *e, uint64_t *counter)
{
	while (e->n_queued > 0) {
		rte_pktmbuf_free(e->queue[e->q_head]);
		e->q_head = (e->q_head + 1) & (WS_ARP_QUEUE_MAX - 1);
		e->n_queued--;
		if (counter != NULL)
			(*counter)++;
	}
	e->q_head = 0;
}

static void
arp_slot_free(struct ws_arp_cache *c, uint32_t slot, uint64_t *counter)
{
	struct ws_arp_entry *e = &c->entries[slot];

	arp_queue_drop(e, counter);
	arp_slot_set_state(c, slot, WS_ARP_FREE);
	arp_slot_bucket(c, slot)->ip[slot & (c->ways - 1)] = 0;
	e->requests = 0;
	c->used--;
}

/*
 * Take a slot for 'ip' (not in the cache) in 'state'. Evicts the least
 * recently confirmed entry that holds no packets when the bucket is full.
 * Returns the slot, or -1 when every slot of the bucket is INCOMPLETE.
 */
static int64_t
arp_insert(struct ws_worker *w, uint32_t ip, uint8_t state)
{
	struct ws_arp_cache *c = &w->arp;
	struct ws_arp_bucket *bk;
	struct ws_arp_entry *e;
	int64_t victim = -1;
	uint64_t oldest = UINT64_MAX;
	uint32_t first, i, slot;

	bk = arp_bucket(c, ip, &first);
	for (i = 0; i < c->ways; i++) {
		if (bk->state[i] == WS_ARP_FREE) {
			victim = first + i;
			break;
		}
		if (bk->state[i] != WS_ARP_INCOMPLETE &&
				bk->state[i] != WS_ARP_PERMANENT &&
				c->entries[first + i].updated <= oldest) {
			oldest = c->entries[first + i].updated;
			victim = first + i;
		}
	}
	if (victim < 0)
		return -1;
	slot = (uint32_t)victim;
	if (bk->state[slot - first] != WS_ARP_FREE) {
		arp_slot_free(c, slot, NULL);
		w->stats.arp.evicted++;
	}
	e = &c->entries[slot];
	bk->ip[slot - first] = ip;
	bk->state[slot - first] = state;
	e->n_queued = 0;
	e->q_head = 0;
	e->requests = 0;
	e->created = w->now;
	e->updated = w->now;
	e->requested = 0;
	c->used++;
	return victim;
}

/*
 * An ARP packet (no Ethernet header yet) with us as the sender; NULL
 * (counted) when the pool is empty.
 */
static struct rte_mbuf *
arp_build(struct ws_worker *w, uint16_t op, const struct rte_ether_addr *tha,
		uint32_t tip)
{
	struct rte_arp_hdr *ah;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(w->pool);
	if (unlikely(m == NULL)) {
		WS_DROP(w, w->stats.arp.drop_nombuf, NULL);
		return NULL;
	}
	ah = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*ah));
	if (unlikely(ah == NULL)) {
		/* Only a pool of buffers too small for 42 bytes gets here. */
		WS_DROP(w, w->stats.arp.drop_nombuf, NULL);
		rte_pktmbuf_free(m);
		return NULL;
	}
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = sizeof(uint32_t);
	ah->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&w->iface->mac, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = w->iface->addr;
	rte_ether_addr_copy(tha, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = tip;
	return m;
}

/*
 * Ask who has the address of 'slot': broadcast while resolving, unicast to
 * the known MAC when refreshing. Like Linux, the target MAC is zero either
 * way.
 */
static void
arp_request(struct ws_worker *w, uint32_t slot, bool unicast)
{
	struct ws_arp_entry *e = &w->arp.entries[slot];
	struct rte_mbuf *m;

	m = arp_build(w, RTE_ARP_OP_REQUEST, &arp_zero,
		arp_slot_ip(&w->arp, slot));
	if (m == NULL)
		return;
	e->requested = w->now;
	if (e->requests < UINT8_MAX)
		e->requests++;
	w->stats.arp.requests_tx++;
	if (unicast)
		w->stats.arp.refreshes++;
	ws_eth_output(w, m, unicast ? &e->mac : &arp_bcast,
		RTE_ETHER_TYPE_ARP);
}

/* RFC 1122 2.3.2.1: at most one request per host per retry interval. */
static inline bool
arp_request_due(const struct ws_worker *w, const struct ws_arp_entry *e)
{
	return e->requests == 0 ||
		arp_age(w, e->requested) >= w->arp.retry_ticks;
}

/* Sender = target = our address (RFC 5227 2.3 announcement). */
static void
arp_send_announcement(struct ws_worker *w)
{
	struct rte_mbuf *m;

	m = arp_build(w, RTE_ARP_OP_REQUEST, &arp_zero, w->iface->addr);
	if (m == NULL)
		return;
	w->stats.arp.gratuitous_tx++;
	ws_eth_output(w, m, &arp_bcast, RTE_ETHER_TYPE_ARP);
}

/* Hold 'm' for an unresolved host; the oldest packet goes when full. */
static void
arp_enqueue(struct ws_worker *w, struct ws_arp_entry *e, struct rte_mbuf *m)
{
	const uint32_t mask = WS_ARP_QUEUE_MAX - 1;

	if (e->n_queued >= w->arp.queue_limit) {
		/* RFC 1122 2.3.2.2: the latest packet is the one to keep. */
		rte_pktmbuf_free(e->queue[e->q_head]);
		e->q_head = (e->q_head + 1) & mask;
		e->n_queued--;
		WS_DROP(w, w->stats.arp.drop_queue_full, NULL);
	}
	e->queue[(e->q_head + e->n_queued) & mask] = m;
	e->n_queued++;
	w->stats.arp.queued++;
}

/* The MAC of 'slot' is now known: send what waited for it, oldest first. */
static void
arp_queue_flush(struct ws_worker *w, struct ws_arp_entry *e)
{
	const uint32_t mask = WS_ARP_QUEUE_MAX - 1;

	while (e->n_queued > 0) {
		struct rte_mbuf *m = e->queue[e->q_head];

		e->q_head = (e->q_head + 1) & mask;
		e->n_queued--;
		w->stats.arp.queue_flushed++;
		ws_eth_output(w, m, &e->mac, RTE_ETHER_TYPE_IPV4);
	}
	e->q_head = 0;
}

static void
arp_schedule(struct ws_arp_cache *c, uint64_t when)
{
	if (when < c->next_scan)
		c->next_scan = when;
}

/*
 * arp.static's neighbours, as PERMANENT entries. With at most
 * WS_ARP_STATIC_MAX of them, at most one bucket is full of them; an address
 * hashing to that bucket finds no room and is dropped as with a full cache.
 */
static void
arp_add_static(struct ws_worker *w)
{
	const struct ws_arp_config *acfg = &w->cfg->arp;
	unsigned int i;
	int64_t slot;

	for (i = 0; i < acfg->n_static && i < WS_ARP_STATIC_MAX; i++) {
		slot = arp_insert(w, acfg->statics[i].addr, WS_ARP_PERMANENT);
		if (slot < 0)
			continue;	/* the config layer refused duplicates */
		rte_ether_addr_copy(&acfg->statics[i].mac,
			&w->arp.entries[slot].mac);
	}
}

int
ws_arp_init(struct ws_worker *w, int socket)
{
	const struct ws_arp_config *acfg = &w->cfg->arp;
	struct ws_arp_cache *c = &w->arp;
	uint64_t hz = w->clock.hz;
	uint32_t size;

	memset(c, 0, sizeof(*c));
	/* The config layer checks the value; this only keeps the table sane. */
	size = rte_align32pow2(arp_clamp(acfg->cache_entries, 1,
		WS_ARP_ENTRIES_MAX));

	c->buckets = rte_zmalloc_socket("ws_arp_buckets",
		(size_t)RTE_MAX(size / WS_ARP_WAYS, 1u) *
		sizeof(struct ws_arp_bucket), RTE_CACHE_LINE_SIZE, socket);
	c->entries = rte_zmalloc_socket("ws_arp_entries",
		(size_t)size * sizeof(struct ws_arp_entry),
		RTE_CACHE_LINE_SIZE, socket);
	if (c->buckets == NULL || c->entries == NULL) {
		ws_arp_fini(w);
		return -ENOMEM;
	}
	c->size = size;
	c->ways = RTE_MIN(size, (uint32_t)WS_ARP_WAYS);
	c->ways_log2 = rte_log2_u32(c->ways);
	c->bucket_mask = (size >> c->ways_log2) - 1;
	c->hash_seed = (uint32_t)rte_rand();
	/* RFC 1122 2.3.2.2 wants at least the latest packet kept. */
	c->queue_limit = arp_clamp(acfg->queue_len, 1, WS_ARP_QUEUE_MAX);

	c->reachable_ticks = ws_ms_to_ticks(hz, acfg->reachable_ms);
	c->expire_ticks = ws_ms_to_ticks(hz,
		(uint64_t)acfg->reachable_ms + acfg->stale_ms);
	c->retry_ticks = ws_ms_to_ticks(hz, acfg->retry_ms);
	c->resolve_ticks = ws_ms_to_ticks(hz, acfg->resolve_timeout_ms);
	c->next_scan = w->now + ws_ms_to_ticks(hz, ARP_SCAN_MS);
	arp_add_static(w);
	return 0;
}

void
ws_arp_fini(struct ws_worker *w)
{
	struct ws_arp_cache *c = &w->arp;
	uint32_t slot;

	if (c->entries != NULL && c->buckets != NULL) {
		for (slot = 0; slot < c->size; slot++)
			arp_queue_drop(&c->entries[slot], NULL);
	}
	rte_free(c->entries);
	rte_free(c->buckets);
	memset(c, 0, sizeof(*c));
}

int
ws_arp_lookup(const struct ws_worker *w, uint32_t ip,
		struct rte_ether_addr *mac)
{
	const struct ws_arp_cache *c = &w->arp;
	int64_t slot = arp_find(c, ip);
	uint8_t state;

	if (slot < 0)
		return -ENOENT;
	state = arp_slot_state(c, (uint32_t)slot);
	if (state != WS_ARP_REACHABLE && state != WS_ARP_STALE &&
			state != WS_ARP_PERMANENT)
		return -ENOENT;
	rte_ether_addr_copy(&c->entries[slot].mac, mac);
	return 0;
}

uint32_t
ws_arp_dump(const struct ws_worker *w, struct ws_neigh_entry *out,
		uint32_t cap)
{
	const struct ws_arp_cache *c = &w->arp;
	uint32_t slot, n = 0;
	uint64_t hz_ms = w->clock.hz / 1000;

	for (slot = 0; slot < c->size && n < cap; slot++) {
		const struct ws_arp_entry *e = &c->entries[slot];
		uint8_t state = arp_slot_state(c, slot);
		uint64_t since;

		if (state == WS_ARP_FREE)
			continue;
		since = state == WS_ARP_INCOMPLETE ? e->created : e->updated;
		out[n].addr = arp_slot_ip(c, slot);
		rte_ether_addr_copy(&e->mac, &out[n].mac);
		out[n].state = state;
		out[n].worker = (uint8_t)w->index;
		out[n].age_ms = (uint32_t)RTE_MIN((w->now - since) /
			(hz_ms != 0 ? hz_ms : 1), (uint64_t)UINT32_MAX);
		n++;
	}
	return n;
}

/*
 * Turn the received request 'm' into our reply in place: the requester
 * becomes the target, we become the sender, and the frame loses any
 * Ethernet padding.
 */
static void
arp_reply(struct ws_worker *w, struct rte_mbuf *m, struct rte_arp_hdr *ah)
{
	struct rte_ether_addr requester;
	uint32_t requester_ip = ah->arp_data.arp_sip;
	uint32_t asked_ip = ah->arp_data.arp_tip;	/* one of ours */

	rte_ether_addr_copy(&ah->arp_data.arp_sha, &requester);
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&requester, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = requester_ip;
	rte_ether_addr_copy(&w->iface->mac, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = asked_ip;

	/* The request may have been chained or padded; the reply is not. */
	if (m->next != NULL) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = (uint16_t)(m->l2_len + sizeof(*ah));
	m->pkt_len = m->data_len;
	/* Receive flags mean nothing to the tx path. */
	m->ol_flags = 0;
	rte_pktmbuf_adj(m, m->l2_len);
	w->stats.arp.replies_tx++;
	ws_eth_output(w, m, &requester, RTE_ETHER_TYPE_ARP);
}

/* RFC 5227 2.4 (b): defend our address once, then not again for 10 s. */
static void
arp_defend(struct ws_worker *w)
{
	struct ws_arp_cache *c = &w->arp;
	uint64_t interval = ws_ms_to_ticks(w->clock.hz,
		ARP_DEFEND_INTERVAL_MS);

	if (c->has_defended && arp_age(w, c->defended) < interval)
		return;
	c->has_defended = true;
	c->defended = w->now;
	arp_send_announcement(w);
}

/* A new neighbour that talked to us. Still answered when the cache is full. */
static void
arp_learn(struct ws_worker *w, uint32_t ip, const struct rte_ether_addr *mac)
{
	int64_t slot = arp_insert(w, ip, WS_ARP_REACHABLE);

	if (slot >= 0) {
		rte_ether_addr_copy(mac, &w->arp.entries[slot].mac);
		w->stats.arp.learned++;
	} else {
		WS_DROP(w, w->stats.arp.drop_cache_full, NULL);
	}
}

/*
 * RFC 826 merge: a newer hardware address for a neighbour we know
 * supersedes the old one, and what waited for it goes out. False when
 * 'ip' is not in the cache.
 */
static bool
arp_merge(struct ws_worker *w, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct ws_arp_cache *c = &w->arp;
	int64_t slot = arp_find(c, ip);
	struct ws_arp_entry *e;
	uint8_t state;

	if (slot < 0)
		return false;
	state = arp_slot_state(c, (uint32_t)slot);
	/* Configured, so ARP cannot move it (nor poison it). */
	if (state == WS_ARP_PERMANENT)
		return true;
	e = &c->entries[slot];
	rte_ether_addr_copy(mac, &e->mac);
	e->updated = w->now;
	e->requests = 0;
	arp_slot_set_state(c, (uint32_t)slot, WS_ARP_REACHABLE);
	w->stats.arp.updated++;
	if (state == WS_ARP_INCOMPLETE)
		arp_queue_flush(w, e);
	return true;
}

void
ws_arp_sync(struct ws_worker *w, uint32_t ip, const struct rte_ether_addr *mac,
		bool for_us)
{
	/* The worker that received the ARP checked it; apply its rules. */
	if (!arp_merge(w, ip, mac) && for_us)
		arp_learn(w, ip, mac);
}

void
ws_arp_input(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_arp_stats *st = &w->stats.arp;
	const struct ws_iface *ifc = w->iface;
	struct rte_arp_hdr *ah;
	uint64_t *counter;
	uint32_t sip, tip;
	bool for_us, merged;
	uint16_t op;

	st->rx++;
	/* The header is read in place, so it must sit in the first segment. */
	if (unlikely(rte_pktmbuf_data_len(m) < m->l2_len + sizeof(*ah))) {
		counter = &st->drop_short;
		goto drop;
	}
	ah = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, m->l2_len);
	if (unlikely(ah->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER))) {
		counter = &st->drop_htype;
		goto drop;
	}
	if (unlikely(ah->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
		counter = &st->drop_ptype;
		goto drop;
	}
	if (unlikely(ah->arp_hlen != RTE_ETHER_ADDR_LEN)) {
		counter = &st->drop_hlen;
		goto drop;
	}
	if (unlikely(ah->arp_plen != sizeof(uint32_t))) {
		counter = &st->drop_plen;
		goto drop;
	}
	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (op == RTE_ARP_OP_REQUEST) {
		st->requests_rx++;
	} else if (op == RTE_ARP_OP_REPLY) {
		st->replies_rx++;
	} else {
		counter = &st->drop_op;
		goto drop;
	}
	/* Broadcast is a group address too: no station sends from either. */
	if (unlikely(rte_is_multicast_ether_addr(&ah->arp_data.arp_sha) ||
			rte_is_zero_ether_addr(&ah->arp_data.arp_sha))) {
		counter = &st->drop_bad_sender;
		goto drop;
	}

	sip = ah->arp_data.arp_sip;
	tip = ah->arp_data.arp_tip;
	for_us = ws_iface_is_local(ifc, tip);

	if (sip == 0) {
		/*
		 * An RFC 5227 probe: answer it so the prober sees our claim,
		 * but its sender has no address yet, so there is nothing to
		 * learn.
		 */
		if (op == RTE_ARP_OP_REQUEST && for_us) {
			arp_reply(w, m, ah);
			return;
		}
		counter = &st->drop_not_for_us;
		goto drop;
	}
	if (unlikely(ws_iface_is_local(ifc, sip))) {
		/* Our own announcement coming back is no conflict. */
		if (rte_is_same_ether_addr(&ah->arp_data.arp_sha, &ifc->mac)) {
			counter = &st->drop_not_for_us;
			goto drop;
		}
		arp_defend(w);
		counter = &st->drop_conflict;
		goto drop;
	}
	if (unlikely(arp_is_broadcast(ifc, sip) ||
			arp_is_multicast(sip) ||
			!arp_on_link(ifc, sip))) {
		counter = &st->drop_bad_sender;
		goto drop;
	}

	merged = arp_merge(w, sip, &ah->arp_data.arp_sha);
	if (!for_us) {
		/*
		 * Learning from traffic between others (their gratuitous ARP
		 * included) would let any host fill our cache.
		 */
		if (!merged) {
			counter = &st->drop_not_for_us;
			goto drop;
		}
		ws_steer_neigh_publish(w, sip, &ah->arp_data.arp_sha, false);
		rte_pktmbuf_free(m);
		return;
	}
	if (!merged)
		arp_learn(w, sip, &ah->arp_data.arp_sha);
	/* The other workers' caches learn what this one did. */
	ws_steer_neigh_publish(w, sip, &ah->arp_data.arp_sha, true);
	if (op == RTE_ARP_OP_REQUEST) {
		arp_reply(w, m, ah);
		return;
	}
	rte_pktmbuf_free(m);
	return;

drop:
	WS_DROP_FREE(w, *counter, m);
}

void
ws_arp_resolve_output(struct ws_worker *w, struct rte_mbuf *m, uint32_t nh)
{
	struct ws_arp_cache *c = &w->arp;
	struct ws_arp_entry *e;
	int64_t slot;
	uint8_t state;

	if (arp_is_broadcast(w->iface, nh)) {
		ws_eth_output(w, m, &arp_bcast, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if (arp_is_multicast(nh)) {
		/* RFC 1112 6.4: the group's MAC is computed, not resolved. */
		const uint8_t *b = (const uint8_t *)&nh;
		struct rte_ether_addr group = { .addr_bytes = {
			0x01, 0x00, 0x5e, b[1] & 0x7f, b[2], b[3] } };

		ws_eth_output(w, m, &group, RTE_ETHER_TYPE_IPV4);
		return;
	}

	slot = arp_find(c, nh);
	if (likely(slot >= 0)) {
		e = &c->entries[slot];
		state = arp_slot_state(c, (uint32_t)slot);
		if (likely(state == WS_ARP_REACHABLE ||
				state == WS_ARP_PERMANENT)) {
			ws_eth_output(w, m, &e->mac, RTE_ETHER_TYPE_IPV4);
			return;
		}
		if (state == WS_ARP_STALE) {
			/* Still usable; ask the host itself to confirm. */
			if (arp_request_due(w, e))
				arp_request(w, (uint32_t)slot, true);
			ws_eth_output(w, m, &e->mac, RTE_ETHER_TYPE_IPV4);
			return;
		}
		arp_enqueue(w, e, m);
		if (arp_request_due(w, e))
			arp_request(w, (uint32_t)slot, false);
		return;
	}

	slot = arp_insert(w, nh, WS_ARP_INCOMPLETE);
	if (unlikely(slot < 0)) {
		WS_DROP(w, w->stats.arp.drop_cache_full, NULL);
		rte_pktmbuf_free(m);
		return;
	}
	arp_enqueue(w, &c->entries[slot], m);
	arp_request(w, (uint32_t)slot, false);
}

void
ws_arp_announce(struct ws_worker *w)
{
	struct ws_arp_cache *c = &w->arp;

	arp_send_announcement(w);
	if (w->cfg->arp.gratuitous) {
		/* RFC 5227 2.3: ANNOUNCE_NUM 2, ANNOUNCE_INTERVAL apart. */
		c->announce_at = w->now + ws_ms_to_ticks(w->clock.hz,
			ARP_ANNOUNCE_INTERVAL_MS);
		arp_schedule(c, c->announce_at);
	}
}

/* Age one slot; the cache is walked a chunk at a time. */
static void
arp_age_slot(struct ws_worker *w, uint32_t slot)
{
	struct ws_arp_cache *c = &w->arp;
	struct ws_arp_entry *e = &c->entries[slot];

	switch (arp_slot_state(c, slot)) {
	case WS_ARP_INCOMPLETE:
		if (arp_age(w, e->created) >= c->resolve_ticks) {
			arp_slot_free(c, slot, &w->stats.arp.drop_queue_timeout);
			break;
		}
		if (arp_request_due(w, e))
			arp_request(w, slot, false);
		break;
	case WS_ARP_REACHABLE:
		if (arp_age(w, e->updated) < c->reachable_ticks)
			break;
		arp_slot_set_state(c, slot, WS_ARP_STALE);
		/* Falls through - a long-idle worker may be past both limits. */
	case WS_ARP_STALE:
		if (arp_age(w, e->updated) >= c->expire_ticks) {
			arp_slot_free(c, slot, NULL);
			w->stats.arp.expired++;
		}
		break;
	default:
		break;
	}
}

void
ws_arp_timer(struct ws_worker *w)
{
	struct ws_arp_cache *c = &w->arp;
	uint32_t end;

	if (likely(w->now < c->next_scan))
		return;

	if (c->announce_at != 0 && w->now >= c->announce_at) {
		c->announce_at = 0;
		arp_send_announcement(w);
	}

	if (c->used == 0) {
		c->scan_cursor = 0;
	} else {
		end = RTE_MIN(c->scan_cursor + ARP_SCAN_CHUNK, c->size);
		for (; c->scan_cursor < end; c->scan_cursor++)
			arp_age_slot(w, c->scan_cursor);
		if (c->scan_cursor < c->size)
			return;	/* next poll goes on with the next chunk */
		c->scan_cursor = 0;
	}
	c->next_scan = w->now + ws_ms_to_ticks(w->clock.hz, ARP_SCAN_MS);
	if (c->announce_at != 0)
		arp_schedule(c, c->announce_at);
}
