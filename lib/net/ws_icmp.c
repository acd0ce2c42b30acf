/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "ws_cksum.h"
#include "ws_icmp.h"
#include "ws_log.h"
#include "ws_tcp.h"
#include "ws_udp.h"
#include "ws_ipv4.h"
#include "ws_worker.h"

static uint64_t
icmp_bucket_cap(const struct ws_worker *w)
{
	return (uint64_t)w->cfg->icmp.unreach_burst * w->clock.hz;
}

void
ws_icmp_init(struct ws_worker *w)
{
	w->icmp_rl.tokens = icmp_bucket_cap(w);
	w->icmp_rl.last = w->now;
}

/*
 * RFC 1812 4.3.2.8 style token bucket: unreach_rate errors per second,
 * bursts of unreach_burst. Tokens are kept in units of 1/hz of an error
 * so that refilling is exact integer arithmetic on ticks.
 */
static bool
icmp_ratelimit_take(struct ws_worker *w)
{
	struct ws_icmp_ratelimit *rl = &w->icmp_rl;
	uint64_t rate = w->cfg->icmp.unreach_rate;
	uint64_t cap = icmp_bucket_cap(w), elapsed;

	if (rate == 0)
		return false;
	elapsed = w->now - rl->last;
	rl->last = w->now;
	/* Compare before multiplying: a long idle time would overflow. */
	if (elapsed >= cap / rate + 1)
		rl->tokens = cap;
	else
		rl->tokens = RTE_MIN(cap, rl->tokens + elapsed * rate);
	if (rl->tokens < w->clock.hz)
		return false;
	rl->tokens -= w->clock.hz;
	return true;
}

/* "Not a single host" (RFC 1122 3.2.2): no error may be sent to it. */
static bool
icmp_src_not_a_host(const struct ws_worker *w, uint32_t src)
{
	uint8_t first_octet = (uint8_t)(rte_be_to_cpu_32(src) >> 24);

	/* 0/8, 127/8, 224/4 multicast and 240/4 class E. */
	if (first_octet == 0 || first_octet == 127 || first_octet >= 224)
		return true;
	return ws_ipv4_is_broadcast(w, src);
}

/* RFC 1122 3.2.2: the datagrams no ICMP error may be about. */
static bool
icmp_error_forbidden(const struct ws_worker *w, const struct rte_mbuf *orig,
		const struct rte_ipv4_hdr *ip)
{
	const struct rte_ether_hdr *eh;
	uint8_t type_buf;
	const uint8_t *type;
	uint8_t dst_first_octet;

	if (orig->l2_len >= sizeof(*eh)) {
		eh = rte_pktmbuf_mtod(orig, const struct rte_ether_hdr *);
		/* The group bit covers broadcast too. */
		if (rte_is_multicast_ether_addr(&eh->dst_addr))
			return true;
	}
	/* 224/4; RTE_IS_IPV4_MCAST's constants overflow an int. */
	dst_first_octet = (uint8_t)(rte_be_to_cpu_32(ip->dst_addr) >> 24);
	if (ws_ipv4_is_broadcast(w, ip->dst_addr) ||
			(dst_first_octet >= 224 && dst_first_octet <= 239))
		return true;
	if ((rte_be_to_cpu_16(ip->fragment_offset) &
			RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return true;
	if (icmp_src_not_a_host(w, ip->src_addr))
		return true;
	if (ip->next_proto_id == IPPROTO_ICMP) {
		type = rte_pktmbuf_read(orig, orig->l2_len + orig->l3_len,
			sizeof(type_buf), &type_buf);
		/* Too short to say: it cannot be answered usefully either. */
		if (type == NULL || ws_icmp_type_is_error(*type))
			return true;
	}
	return false;
}

/*
 * What we send about a datagram goes from the address it was sent to, so
 * the peer matches it; a broadcast's answer goes from ip.addr.
 */
static uint32_t
icmp_source(const struct ws_worker *w, uint32_t to)
{
	return ws_iface_is_local(w->iface, to) ? to : w->iface->addr;
}

/*
 * Build and send an ICMP error (RFC 792) about 'orig': our header, 4
 * unused bytes, then the offending header and as much of its data as
 * keeps the error datagram within 576 bytes (RFC 1812 4.3.2.3; RFC 1122
 * asks for at least 8 bytes of data).
 */
static int
icmp_send_error(struct ws_worker *w, const struct rte_mbuf *orig,
		uint8_t type, uint8_t code)
{
	struct ws_icmp_stats *st = &w->stats.icmp;
	const struct rte_ipv4_hdr *orig_ip;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *m;
	const void *quote;
	uint32_t quote_len, icmp_len;
	uint8_t *body;

	orig_ip = rte_pktmbuf_mtod_offset(orig, const struct rte_ipv4_hdr *,
		orig->l2_len);
	if (icmp_error_forbidden(w, orig, orig_ip)) {
		WS_DROP(w, st->drop_unreach_forbidden, orig);
		return -EPERM;
	}
	if (!icmp_ratelimit_take(w)) {
		WS_DROP(w, st->drop_unreach_ratelimit, orig);
		return -EBUSY;
	}
	m = rte_pktmbuf_alloc(w->pool);
	if (unlikely(m == NULL)) {
		WS_DROP(w, st->drop_nombuf, NULL);
		return -ENOMEM;
	}

	quote_len = rte_pktmbuf_pkt_len(orig) - orig->l2_len;
	quote_len = RTE_MIN(quote_len, (uint32_t)(WS_ICMP_ERROR_MAX_LEN -
		sizeof(*ip) - sizeof(*icmp)));
	icmp_len = sizeof(*icmp) + quote_len;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
		(uint16_t)(sizeof(*ip) + icmp_len));
	if (unlikely(ip == NULL)) {
		/* A pool whose buffers cannot hold 576 bytes. */
		rte_pktmbuf_free(m);
		WS_DROP(w, st->drop_nombuf, NULL);
		return -ENOMEM;
	}
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	body = (uint8_t *)(icmp + 1);
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	/* Identifier and sequence are the 4 unused bytes of an error. */
	icmp->icmp_ident = 0;
	icmp->icmp_seq_nb = 0;
	quote = rte_pktmbuf_read(orig, orig->l2_len, quote_len, body);
	if (quote != body)
		memcpy(body, quote, quote_len);
	icmp->icmp_cksum = (uint16_t)~ws_raw_cksum(icmp, icmp_len);

	ws_ipv4_fill_header_src(w, ip, icmp_source(w, orig_ip->dst_addr),
		orig_ip->src_addr, IPPROTO_ICMP, (uint16_t)icmp_len);
	m->l3_len = sizeof(*ip);
	ws_ipv4_output(w, m);
	return 0;
}

int
ws_icmp_send_unreach(struct ws_worker *w, const struct rte_mbuf *orig,
		uint8_t code)
{
	int ret = icmp_send_error(w, orig, WS_ICMP_DEST_UNREACH, code);

	if (ret == 0)
		w->stats.icmp.unreach_tx++;
	return ret;
}

int
ws_icmp_send_time_exceeded(struct ws_worker *w, const struct rte_mbuf *orig,
		uint8_t code)
{
	int ret = icmp_send_error(w, orig, WS_ICMP_TIME_EXCEEDED, code);

	if (ret == 0)
		w->stats.icmp.time_exceeded_tx++;
	return ret;
}

/*
 * Turn the request into the reply in place (RFC 792, RFC 1122 3.2.2.6):
 * a fresh 20-byte header to the requester replaces the received one, so
 * its options are not echoed; identifier, sequence and data stay
 * byte-exact and only the type changes.
 */
static void
icmp_echo_reply(struct ws_worker *w, struct rte_mbuf *m,
		const struct rte_ipv4_hdr *req_ip, uint32_t icmp_len)
{
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint32_t requester = req_ip->src_addr;
	uint32_t src = icmp_source(w, req_ip->dst_addr);
	uint8_t tos = req_ip->type_of_service;
	uint16_t old_word, new_word;

	/* Both headers sit in the first segment: checked by the caller. */
	rte_pktmbuf_adj(m, (uint16_t)(m->l2_len + m->l3_len));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, sizeof(*ip));
	/* adj freed more room than this takes back. */
	RTE_ASSERT(ip != NULL);
	ws_ipv4_fill_header_src(w, ip, src, requester, IPPROTO_ICMP,
		(uint16_t)icmp_len);
	/* RFC 1122 3.2.2.6: the reply SHOULD keep the request's TOS. */
	ip->type_of_service = tos;

	icmp = (struct rte_icmp_hdr *)(ip + 1);
	memcpy(&old_word, &icmp->icmp_type, sizeof(old_word));
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	memcpy(&new_word, &icmp->icmp_type, sizeof(new_word));
	icmp->icmp_cksum = ws_cksum_update16(icmp->icmp_cksum, old_word,
		new_word);

	/* Receive flags mean nothing on the way out; attach flags must stay. */
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	m->l2_len = 0;
	m->l3_len = sizeof(*ip);
	w->stats.icmp.echo_tx++;
	ws_ipv4_output(w, m);
}

/*
 * Hand an error to the transport it quotes. The quoted datagram is the
 * offender's IP header and at least 8 bytes of its payload (RFC 792), which
 * is where TCP's ports and sequence number are.
 */
static void
icmp_error_to_transport(struct ws_worker *w, const struct rte_mbuf *m,
		const struct rte_icmp_hdr *icmp, uint32_t off, uint32_t icmp_len)
{
	uint8_t buf[128];
	const uint8_t *quoted;
	uint32_t len = RTE_MIN(icmp_len - (uint32_t)sizeof(*icmp),
		(uint32_t)sizeof(buf));
	uint32_t ihl;
	uint16_t mtu = 0;

	quoted = rte_pktmbuf_read(m, off + sizeof(*icmp), len, buf);
	if (quoted == NULL || len < sizeof(struct rte_ipv4_hdr) + 8)
		return;
	ihl = (quoted[0] & 0x0f) * 4u;
	if ((quoted[0] >> 4) != 4 || ihl < sizeof(struct rte_ipv4_hdr) ||
			len < ihl + 8)
		return;
	/* RFC 1191: the next-hop MTU sits in the second 16-bit word. */
	if (icmp->icmp_type == WS_ICMP_DEST_UNREACH &&
			icmp->icmp_code == WS_ICMP_UNREACH_NEEDFRAG)
		mtu = rte_be_to_cpu_16(icmp->icmp_seq_nb);
	if (quoted[9] == IPPROTO_TCP)
		ws_tcp_icmp_error(w, icmp->icmp_type, icmp->icmp_code, mtu,
			quoted, len);
	else if (quoted[9] == IPPROTO_UDP)
		ws_udp_icmp_error(w, icmp->icmp_type, icmp->icmp_code,
			quoted, len);
}

void
ws_icmp_input(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_icmp_stats *st = &w->stats.icmp;
	const struct rte_ipv4_hdr *ip;
	const struct rte_icmp_hdr *icmp;
	uint32_t off = m->l2_len + m->l3_len, icmp_len;
	uint64_t *counter;
	uint16_t sum;

	st->rx++;
	icmp_len = rte_pktmbuf_pkt_len(m) - off;
	if (unlikely(icmp_len < sizeof(*icmp))) {
		counter = &st->drop_short;
		goto drop;
	}
	/*
	 * The header is used in place. Reassembly keeps at least 8 bytes
	 * in the first fragment; only a driver splitting the first 42
	 * bytes of a frame could break this.
	 */
	if (unlikely(rte_pktmbuf_data_len(m) < off + sizeof(*icmp))) {
		counter = &st->drop_short;
		goto drop;
	}
	if (ws_raw_cksum_mbuf(m, off, icmp_len, &sum) != 0 || sum != 0xffff) {
		counter = &st->drop_cksum;
		goto drop;
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	icmp = rte_pktmbuf_mtod_offset(m, const struct rte_icmp_hdr *, off);

	switch (icmp->icmp_type) {
	case WS_ICMP_ECHO_REQUEST:
		if (!w->cfg->icmp.echo) {
			counter = &st->drop_echo_disabled;
			break;
		}
		/* RFC 1122 3.2.2.6 MAY: no Smurf amplification. */
		if (ws_ipv4_is_broadcast(w, ip->dst_addr)) {
			counter = &st->drop_broadcast_echo;
			break;
		}
		st->echo_rx++;
		icmp_echo_reply(w, m, ip, icmp_len);
		return;
	case WS_ICMP_ECHO_REPLY:
		counter = &st->echo_reply_rx;
		break;
	case WS_ICMP_DEST_UNREACH:
	case WS_ICMP_TIME_EXCEEDED:
	case WS_ICMP_PARAM_PROBLEM:
		/* RFC 9293 MUST-54: to the connection that caused it. */
		icmp_error_to_transport(w, m, icmp, off, icmp_len);
		counter = &st->errors_rx;
		break;
	case WS_ICMP_SOURCE_QUENCH:
		/* RFC 6633, RFC 9293 MUST-55. */
		counter = &st->source_quench_ignored;
		break;
	default:
		/* RFC 1122 3.2.2: unknown types are silently discarded. */
		counter = &st->drop_type;
		break;
	}
drop:
	WS_DROP_FREE(w, *counter, m);
}
