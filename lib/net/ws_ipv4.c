/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <sodium.h>

#include "ws_arp.h"
#include "ws_clock.h"
#include "ws_cksum.h"
#include "ws_icmp.h"
#include "ws_ipv4.h"
#include "ws_log.h"
#include "ws_mbuf.h"
#include "ws_steer.h"
#include "ws_tcp.h"
#include "ws_udp.h"
#include "ws_worker.h"

/* Expired reassemblies are swept about once a second. */
#define WS_IPV4_SWEEP_MS 1000

/* Death-row refills per sweep: bounds the work one timer call can do. */
#define WS_IPV4_SWEEP_ROUNDS 8

/* rte_ip_frag's associativity: a key lives in one of two such buckets. */
#define WS_IPV4_BUCKET_ENTRIES_MAX 16

/* Enough fragments for a 64 KiB datagram at a 576-byte MTU. */
#define WS_IPV4_FRAGS_MAX 128

/* TTL when the configuration has none: RFC 1122 3.2.1.7 forbids 0. */
#define WS_IPV4_DEFAULT_TTL 64

int
ws_ipv4_init(struct ws_worker *w, int socket)
{
	struct ws_ipv4_reasm *ra = &w->reasm;
	uint32_t entries = w->cfg->ip.frag_entries;
	uint32_t bucket_entries, bucket_num;
	uint64_t max_cycles;

	RTE_BUILD_BUG_ON(WS_IPV4_IDENT_KEY_BYTES != crypto_shorthash_KEYBYTES);
	RTE_BUILD_BUG_ON(!RTE_IS_POWER_OF_2(WS_IPV4_IDENTS));
	if (sodium_init() < 0)
		return -EIO;
	/* Secret and new at every start: IDs tell an outsider nothing. */
	randombytes_buf(w->ident.key, sizeof(w->ident.key));
	memset(w->ident.stamp, 0, sizeof(w->ident.stamp));
	memset(w->ident.ctr, 0, sizeof(w->ident.ctr));
	w->ident.ms_div = RTE_MAX(w->clock.hz / 1000, (uint64_t)1);

	if (entries == 0)
		entries = 1;
	bucket_entries = rte_align32pow2(entries);
	if (bucket_entries > WS_IPV4_BUCKET_ENTRIES_MAX)
		bucket_entries = WS_IPV4_BUCKET_ENTRIES_MAX;
	/*
	 * rte_ip_frag allocates two slots per requested one (two hash
	 * functions), so the table is at most half full and a datagram is
	 * rarely refused for a collision before 'entries' are in use.
	 */
	bucket_num = (entries + bucket_entries - 1) / bucket_entries;
	max_cycles = ws_ms_to_ticks(w->clock.hz, w->cfg->ip.frag_timeout_ms);

	ra->dr.cnt = 0;
	ra->next_expire = w->now + ws_ms_to_ticks(w->clock.hz,
		WS_IPV4_SWEEP_MS);
	ra->tbl = rte_ip_frag_table_create(bucket_num, bucket_entries, entries,
		max_cycles, socket);
	if (ra->tbl == NULL)
		return -ENOMEM;
	return 0;
}

void
ws_ipv4_fini(struct ws_worker *w)
{
	struct ws_ipv4_reasm *ra = &w->reasm;

	rte_ip_frag_free_death_row(&ra->dr, 0);
	if (ra->tbl != NULL) {
		rte_ip_frag_table_destroy(ra->tbl);
		ra->tbl = NULL;
	}
}

bool
ws_ipv4_is_broadcast(const struct ws_worker *w, uint32_t addr)
{
	const struct ws_iface *iface = w->iface;

	if (addr == UINT32_MAX)
		return true;
	/* /31 (RFC 3021) and /32 have no directed broadcast address. */
	if (rte_be_to_cpu_32(~iface->netmask) <= 1)
		return false;
	return addr == (iface->addr | ~iface->netmask);
}

/* RFC 1122 3.2.1.3: sources a datagram may never carry. */
static bool
ipv4_src_invalid(const struct ws_worker *w, uint32_t src)
{
	uint8_t first_octet = (uint8_t)(rte_be_to_cpu_32(src) >> 24);

	/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4. */
	if (first_octet == 0 || first_octet == 127 || first_octet >= 224)
		return true;
	/* Our own address coming in is spoofed or looped back. */
	return ws_iface_is_local(w->iface, src) ||
		ws_ipv4_is_broadcast(w, src);
}

static bool
ipv4_header_cksum_ok(const struct ws_worker *w, const struct rte_mbuf *m,
		const struct rte_ipv4_hdr *ip)
{
	uint64_t flags;

	if (w->iface->offload.rx_ip_cksum) {
		flags = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
		if (flags == RTE_MBUF_F_RX_IP_CKSUM_BAD)
			return false;
		/* NONE: the port verified the header but not the field. */
		if (flags != RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN)
			return true;
	}
	/* Summed with the checksum in place, a correct header gives ~0. */
	return ws_ipv4_hdr_cksum(ip) == 0;
}

/* A datagram timed out in reassembly; 'frag' is one of its fragments. */
static void
ipv4_reasm_expired(struct ws_worker *w, const struct rte_mbuf *frag)
{
	const struct rte_ipv4_hdr *ip;
	uint16_t frag_field;

	ip = rte_pktmbuf_mtod_offset(frag, const struct rte_ipv4_hdr *,
		frag->l2_len);
	frag_field = rte_be_to_cpu_16(ip->fragment_offset);
	/* RFC 1122 3.3.2: time exceeded only when fragment 0 arrived. */
	if ((frag_field & RTE_IPV4_HDR_OFFSET_MASK) == 0)
		ws_icmp_send_time_exceeded(w, frag, WS_ICMP_TIMXCEED_REASM);
}

/*
 * Account for what rte_ip_frag put on the death row during one call and
 * free it. DPDK returns NULL both for "held" and "dropped" and its table is
 * opaque, so what was dropped tells why:
 *  - the new fragment alone: no table entry for a new datagram;
 *  - the new fragment with others: its datagram was invalid (duplicate or
 *    overlapping fragments, a hole found on completion, or more than
 *    RTE_LIBRTE_IP_FRAG_MAX_FRAG fragments);
 *  - only others: stale datagrams reclaimed while looking up the new one.
 * rte_ip_frag never drops the new fragment together with stale ones.
 * Counters count death-row entries, which are fragments, except that a
 * completion that finds a hole may already have chained some together.
 */
static void
ipv4_reasm_account(struct ws_worker *w, uint32_t dr_start,
		const struct rte_mbuf *incoming)
{
	struct rte_ip_frag_death_row *dr = &w->reasm.dr;
	struct ws_ip_stats *st = &w->stats.ip;
	uint32_t dropped = dr->cnt - dr_start, i;
	bool incoming_dropped = false;

	if (dropped == 0)
		return;
	for (i = dr_start; i < dr->cnt; i++)
		if (dr->row[i] == incoming)
			incoming_dropped = true;
	if (!incoming_dropped) {
		st->drop_reasm_timeout += dropped;
		for (i = dr_start; i < dr->cnt; i++)
			ipv4_reasm_expired(w, dr->row[i]);
	} else if (dropped == 1) {
		st->drop_reasm_nospace++;
	} else {
		st->drop_reasm_invalid += dropped;
	}
	rte_ip_frag_free_death_row(dr, 0);
}

/*
 * A fragment (validated header, l2_len/l3_len set, padding trimmed) goes
 * into the reassembly table. Returns the whole datagram as a chain when
 * this fragment completed it, else NULL (held or dropped and counted).
 */
static struct rte_mbuf *
ipv4_reassemble(struct ws_worker *w, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, uint16_t hdr_len, uint16_t total_len,
		uint16_t frag_field)
{
	struct ws_ip_stats *st = &w->stats.ip;
	uint32_t payload = total_len - hdr_len;
	uint32_t offset = (uint32_t)(frag_field & RTE_IPV4_HDR_OFFSET_MASK) *
		RTE_IPV4_HDR_OFFSET_UNITS;
	uint32_t dr_start = w->reasm.dr.cnt;
	struct rte_mbuf *whole;

	st->frag_rx++;
	/*
	 * RFC 791: every fragment but the last carries a multiple of 8
	 * bytes, and the datagram with its header fits in 65535 bytes.
	 * rte_ip_frag checks neither, and would wrap the reassembled
	 * total_length.
	 */
	if (payload == 0 ||
			((frag_field & RTE_IPV4_HDR_MF_FLAG) != 0 &&
			 (payload % RTE_IPV4_HDR_OFFSET_UNITS) != 0) ||
			offset + payload + hdr_len > RTE_IPV4_MAX_PKT_LEN) {
		WS_DROP(w, st->drop_frag_bad, m);
		rte_pktmbuf_free(m);
		return NULL;
	}

	/* A table of fragments must not starve the rx descriptors. */
	if (!ws_rx_hold_ok(w, m)) {
		WS_DROP(w, st->drop_reasm_rx_reserve, m);
		rte_pktmbuf_free(m);
		return NULL;
	}
	whole = rte_ipv4_frag_reassemble_packet(w->reasm.tbl, &w->reasm.dr, m,
		w->now, ip);
	ipv4_reasm_account(w, dr_start, m);
	if (whole == NULL)
		return NULL;

	/*
	 * The first fragment's header with options may make the sum exceed
	 * what total_length can say: DPDK then writes a wrapped value.
	 */
	if (rte_pktmbuf_pkt_len(whole) - whole->l2_len > RTE_IPV4_MAX_PKT_LEN) {
		WS_DROP(w, st->drop_reasm_invalid, whole);
		rte_pktmbuf_free(whole);
		return NULL;
	}
	st->reasm_ok++;
	return whole;
}

void
ws_ipv4_input(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_ip_stats *st = &w->stats.ip;
	const struct ws_iface *iface = w->iface;
	struct rte_ipv4_hdr *ip;
	uint16_t l2_len = m->l2_len, hdr_len, total_len, frag_field;
	uint32_t in_first_seg, ip_len;
	uint64_t *counter;

	st->rx++;
	/* The header is read in place, so it must sit in the first segment. */
	in_first_seg = rte_pktmbuf_data_len(m) - l2_len;
	if (unlikely(in_first_seg < sizeof(*ip))) {
		counter = &st->drop_short;
		goto drop;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len);
	if (unlikely((ip->version_ihl >> 4) != IPVERSION)) {
		counter = &st->drop_version;
		goto drop;
	}
	hdr_len = rte_ipv4_hdr_len(ip);
	if (unlikely(hdr_len < sizeof(*ip))) {
		counter = &st->drop_ihl;
		goto drop;
	}
	if (unlikely(hdr_len > in_first_seg)) {
		counter = &st->drop_short;
		goto drop;
	}
	total_len = rte_be_to_cpu_16(ip->total_length);
	ip_len = rte_pktmbuf_pkt_len(m) - l2_len;
	if (unlikely(total_len < hdr_len || total_len > ip_len)) {
		counter = &st->drop_len;
		goto drop;
	}
	/* Ethernet pads short frames; the padding is not ours to deliver. */
	if (ip_len > total_len)
		ws_mbuf_trim(m, l2_len + total_len);
	if (unlikely(!ipv4_header_cksum_ok(w, m, ip))) {
		counter = &st->drop_cksum;
		goto drop;
	}
	/* RFC 1122 3.2.1.3: we join no multicast group. */
	if (!ws_iface_is_local(iface, ip->dst_addr) &&
			!ws_ipv4_is_broadcast(w, ip->dst_addr)) {
		/* A generator counts the answers to what it spoofed. */
		m->l3_len = hdr_len;
		if (w->foreign_hook != NULL &&
				w->foreign_hook(w, m, w->foreign_arg))
			return;
		counter = &st->drop_not_ours;
		goto drop;
	}
	if (unlikely(ipv4_src_invalid(w, ip->src_addr))) {
		counter = &st->drop_bad_src;
		goto drop;
	}
	/* RFC 1122 3.2.1.8: unknown options are ignored; none are acted on. */
	if (hdr_len > sizeof(*ip))
		st->rx_options++;
	m->l3_len = hdr_len;

	frag_field = rte_be_to_cpu_16(ip->fragment_offset);
	if (unlikely((frag_field & (RTE_IPV4_HDR_MF_FLAG |
			RTE_IPV4_HDR_OFFSET_MASK)) != 0)) {
		m = ipv4_reassemble(w, m, ip, hdr_len, total_len, frag_field);
		if (m == NULL)
			return;
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
			m->l2_len);
		/*
		 * DPDK rewrote total_length and the flags and zeroed the
		 * checksum. Make the header valid again for whatever quotes
		 * it (ICMP errors) or captures it.
		 */
		ip->hdr_checksum = ws_ipv4_hdr_cksum(ip);
		/* The first fragment's hash covered addresses only. */
		m->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
	}
	ws_ipv4_deliver(w, m);
	return;

drop:
	WS_DROP_FREE(w, *counter, m);
}

void
ws_ipv4_deliver(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_ip_stats *st = &w->stats.ip;
	const struct rte_ipv4_hdr *ip;
	uint64_t *counter;

	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		m->l2_len);
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		if (ws_steer_away(w, m))
			return;
		ws_icmp_input(w, m);
		return;
	case IPPROTO_TCP:
		/* TCP reads its header (up to 60 bytes) in place. */
		if (unlikely(ws_mbuf_pullup(m, RTE_MIN(rte_pktmbuf_pkt_len(m),
				(uint32_t)m->l2_len + m->l3_len + 60)) < 0)) {
			counter = &st->drop_split_hdr;
			break;
		}
		if (ws_steer_away(w, m))
			return;
		ws_tcp_input(w, m);
		return;
	case IPPROTO_UDP:
		if (unlikely(ws_mbuf_pullup(m, RTE_MIN(rte_pktmbuf_pkt_len(m),
				(uint32_t)m->l2_len + m->l3_len + 8)) < 0)) {
			counter = &st->drop_split_hdr;
			break;
		}
		if (ws_steer_away(w, m))
			return;
		ws_udp_input(w, m);
		return;
	default:
		/* RFC 1122 3.2.2.1: protocol unreachable SHOULD be sent. */
		ws_icmp_send_unreach(w, m, WS_ICMP_UNREACH_PROTO);
		counter = &st->drop_proto;
		break;
	}
	WS_DROP_FREE(w, *counter, m);
}

void
ws_ipv4_timer(struct ws_worker *w)
{
	struct ws_ipv4_reasm *ra = &w->reasm;
	struct rte_ip_frag_death_row *dr = &ra->dr;
	unsigned int round;
	uint32_t i, freed = 0;

	if (w->now < ra->next_expire)
		return;
	ra->next_expire = w->now + ws_ms_to_ticks(w->clock.hz,
		WS_IPV4_SWEEP_MS);
	/*
	 * rte_ip_frag_table_del_expired_entries stops when the death row
	 * cannot take the next datagram, so empty it and go again.
	 */
	for (round = 0; round < WS_IPV4_SWEEP_ROUNDS; round++) {
		rte_ip_frag_table_del_expired_entries(ra->tbl, dr, w->now);
		freed = dr->cnt;
		if (freed == 0)
			break;
		w->stats.ip.drop_reasm_timeout += freed;
		for (i = 0; i < freed; i++)
			ipv4_reasm_expired(w, dr->row[i]);
		rte_ip_frag_free_death_row(dr, 0);
	}
	/* Still busy: come back on the next poll rather than in a second. */
	if (freed != 0)
		ra->next_expire = w->now;
}

/* On-link destinations are their own next hop; 0 when there is no route. */
static uint32_t
ipv4_next_hop(const struct ws_worker *w, uint32_t dst)
{
	const struct ws_iface *iface = w->iface;

	if (ws_ipv4_is_broadcast(w, dst) ||
			((dst ^ iface->addr) & iface->netmask) == 0)
		return dst;
	return iface->gateway;
}

/* Checksum one frame (a whole datagram or a fragment) and hand it to ARP. */
static void
ipv4_send_frame(struct ws_worker *w, struct rte_mbuf *m, uint32_t nh)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	/* ARP wants l2_len 0; Ethernet output sets it when it prepends. */
	m->l2_len = 0;
	m->l3_len = rte_ipv4_hdr_len(ip);
	ip->hdr_checksum = 0;
	if (w->iface->offload.tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = ws_ipv4_hdr_cksum(ip);
	w->stats.ip.tx++;
	ws_arp_resolve_output(w, m, nh);
}

void
ws_ipv4_output(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_ip_stats *st = &w->stats.ip;
	struct rte_mbuf *frags[WS_IPV4_FRAGS_MAX];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t nh;
	int32_t n, i;

	nh = ipv4_next_hop(w, ip->dst_addr);
	if (unlikely(nh == 0)) {
		st->tx_no_route++;
		rte_pktmbuf_free(m);
		return;
	}
	if (likely(rte_pktmbuf_pkt_len(m) <= w->iface->mtu)) {
		ipv4_send_frame(w, m, nh);
		return;
	}
	if ((ip->fragment_offset &
			rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) != 0) {
		WS_DROP(w, st->drop_frag_df, NULL);
		rte_pktmbuf_free(m);
		return;
	}
	/*
	 * Each fragment is a fresh direct mbuf from w->pool holding only the
	 * header, so it keeps the pool's full headroom for Ethernet; the data
	 * are indirect mbufs attached to 'm', which can go now.
	 */
	n = rte_ipv4_fragment_packet(m, frags, RTE_DIM(frags), w->iface->mtu,
		w->pool, w->indirect_pool);
	rte_pktmbuf_free(m);
	if (unlikely(n < 0)) {
		if (n == -ENOMEM)
			WS_DROP(w, st->tx_drop_nombuf, NULL);
		else
			WS_DROP(w, st->drop_frag_fail, NULL);
		return;
	}
	for (i = 0; i < n; i++) {
		st->frag_tx++;
		ipv4_send_frame(w, frags[i], nh);
	}
}

uint16_t
ws_ipv4_ident(struct ws_worker *w, uint32_t src, uint32_t dst, uint8_t proto)
{
	struct ws_ipv4_ident *id = &w->ident;
	uint8_t in[9], out[crypto_shorthash_BYTES];
	uint32_t b, now, old, delta = 0;
	uint64_t h;
	uint16_t v;

	memcpy(in, &dst, 4);
	memcpy(in + 4, &src, 4);
	in[8] = proto;
	crypto_shorthash(out, in, sizeof(in), id->key);
	memcpy(&h, out, sizeof(h));
	b = (uint32_t)(h >> 32) & (WS_IPV4_IDENTS - 1);
	now = (uint32_t)(w->now / id->ms_div);
	old = id->stamp[b];
	/*
	 * Linux's perturbation: an idle counter moves on by a random amount
	 * below the milliseconds it slept (a fresh one lands anywhere).
	 */
	if (old != now) {
		id->stamp[b] = now;
		delta = (uint32_t)rte_rand_max(now - old);
	}
	v = (uint16_t)(id->ctr[b] + delta);
	id->ctr[b] = (uint16_t)(v + 1);
	/* Each destination starts its counter from a secret offset. */
	return (uint16_t)(v + (uint16_t)h);
}

/* The 20-byte header; 'frag_off' in host order. */
static void
ipv4_fill(struct ws_worker *w, struct rte_ipv4_hdr *ip, uint32_t src,
		uint32_t dst, uint8_t proto, uint16_t payload_len, uint16_t id,
		uint16_t frag_off)
{
	uint8_t ttl = w->cfg->ip.ttl;

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + payload_len);
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16(frag_off);
	ip->time_to_live = ttl != 0 ? ttl : WS_IPV4_DEFAULT_TTL;
	ip->next_proto_id = proto;
	ip->hdr_checksum = 0;
	ip->src_addr = src;
	ip->dst_addr = dst;
}

void
ws_ipv4_fill_header(struct ws_worker *w, struct rte_ipv4_hdr *ip,
		uint32_t dst, uint8_t proto, uint16_t payload_len)
{
	/* RFC 1122 3.2.1.3: always our own unicast address. */
	ws_ipv4_fill_header_src(w, ip, w->iface->addr, dst, proto,
		payload_len);
}

void
ws_ipv4_fill_header_src(struct ws_worker *w, struct rte_ipv4_hdr *ip,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len)
{
	ipv4_fill(w, ip, src, dst, proto, payload_len,
		ws_ipv4_ident(w, src, dst, proto), 0);
}

void
ws_ipv4_fill_header_df(struct ws_worker *w, struct rte_ipv4_hdr *ip,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id)
{
	ipv4_fill(w, ip, src, dst, proto, payload_len, id,
		RTE_IPV4_HDR_DF_FLAG);
}
