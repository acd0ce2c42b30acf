/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_CKSUM_H
#define WS_CKSUM_H

/*
 * Internet checksum helpers (RFC 1071, RFC 1624) that DPDK lacks, gets
 * wrong or does slowly: DPDK 22.11 sums 16 bits a step, which made the
 * IPv4 header and pseudo-header checksums alone about a tenth of the
 * instructions of a cookie SYN-ACK (tests/bench/profile.py).
 *
 * One's-complement sums are byte-order independent: every value here may
 * be in network order as long as all of them are.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/*
 * RFC 1624 eqn. 3: the checksum field 'cksum' after one 16-bit word of the
 * covered data changed from 'old_word' to 'new_word':
 * HC' = ~(~HC + ~m + m'). Unlike RFC 1141's form it never turns a correct
 * 0x0000 into 0xffff.
 */
static inline uint16_t
ws_cksum_update16(uint16_t cksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum;

	sum = (uint16_t)~cksum;
	sum += (uint16_t)~old_word;
	sum += new_word;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A 64-bit one's-complement accumulator folded to 16 bits. */
static inline uint16_t
ws_cksum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The non-complemented one's-complement sum of 'len' bytes, folded to 16
 * bits: the same value as rte_raw_cksum(), which in DPDK 22.11 adds one
 * 16-bit word per step. This adds eight bytes per step into a 64-bit sum
 * (one's-complement addition does not care how wide the words are, as
 * long as the carries come back round), about four times fewer steps on
 * a full segment.
 */
static inline uint16_t
ws_raw_cksum(const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	uint64_t sum = 0, w;
	uint32_t w32;
	uint16_t w16;

	while (len >= 8) {
		memcpy(&w, p, 8);
		sum += w;
		sum += sum < w;		/* the carry out of bit 63 */
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		sum += sum < w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		sum += sum < w16;
		p += 2;
		len -= 2;
	}
	if (len != 0) {
		/* The odd byte is the first of a word padded with zero. */
		w16 = 0;
		memcpy(&w16, p, 1);
		sum += w16;
		sum += sum < w16;
	}
	return ws_cksum_fold64(sum);
}

/*
 * rte_ipv4_cksum(): the complemented sum of the header, its checksum
 * field as it stands, so 0 for a correct header and the value to store
 * when the field was 0. The usual header, without options, is five 32-bit
 * adds that cannot overflow 64 bits.
 */
static inline uint16_t
ws_ipv4_hdr_cksum(const struct rte_ipv4_hdr *ip)
{
	uint32_t w[5];

	if (unlikely(rte_ipv4_hdr_len(ip) != sizeof(w)))
		return (uint16_t)~ws_raw_cksum(ip, rte_ipv4_hdr_len(ip));
	memcpy(w, ip, sizeof(w));
	return (uint16_t)~ws_cksum_fold64((uint64_t)w[0] + w[1] + w[2] +
		w[3] + w[4]);
}

/*
 * rte_ipv4_phdr_cksum(ip, 0): the non-complemented sum of the pseudo
 * header (addresses, zero, protocol, transport length). DPDK leaves the
 * length out only for segmentation offload (TSO), which woshou never asks
 * of a port. Each term is a 16- or 32-bit word as it lies in memory.
 */
static inline uint16_t
ws_ipv4_phdr_sum(const struct rte_ipv4_hdr *ip)
{
	uint16_t l4_len = (uint16_t)(rte_be_to_cpu_16(ip->total_length) -
		rte_ipv4_hdr_len(ip));

	return ws_cksum_fold64((uint64_t)ip->src_addr + ip->dst_addr +
		rte_cpu_to_be_16((uint16_t)ip->next_proto_id) +
		rte_cpu_to_be_16(l4_len));
}

/*
 * The TCP or UDP checksum of a datagram whose transport header and
 * payload are contiguous after 'ip' (what rte_ipv4_udptcp_cksum does, with
 * the faster sum).
 */
static inline uint16_t
ws_ipv4_l4_cksum(const struct rte_ipv4_hdr *ip, const void *l4)
{
	uint32_t l4_len = rte_be_to_cpu_16(ip->total_length) -
		rte_ipv4_hdr_len(ip);
	uint32_t sum = (uint32_t)ws_raw_cksum(l4, l4_len) +
		ws_ipv4_phdr_sum(ip);
	uint16_t ck;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ck = (uint16_t)~sum;
	/* UDP: 0 means "no checksum"; RFC 768 sends all ones instead. */
	return ck == 0 ? 0xffff : ck;
}

/*
 * Non-complemented one's-complement sum of 'len' bytes at 'off' in a
 * possibly chained mbuf; 0 or -EINVAL when the range is not in the packet.
 *
 * DPDK 22.11's rte_raw_cksum_mbuf truncates a segment's unreduced 32-bit
 * sum to 16 bits before byte-swapping it when the segment starts at an odd
 * position, which corrupts the result for such chains. Reducing each
 * segment first (rte_raw_cksum) keeps the swap exact.
 */
static inline int
ws_raw_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		uint16_t *cksum)
{
	const struct rte_mbuf *seg;
	uint32_t sum = 0, done = 0, seg_len;
	uint16_t part;

	if (likely(off + len <= rte_pktmbuf_data_len(m))) {
		*cksum = ws_raw_cksum(rte_pktmbuf_mtod_offset(m, const void *,
			off), len);
		return 0;
	}
	if (unlikely(off + len > rte_pktmbuf_pkt_len(m)))
		return -EINVAL;

	for (seg = m; off >= rte_pktmbuf_data_len(seg); seg = seg->next)
		off -= rte_pktmbuf_data_len(seg);
	while (done < len) {
		seg_len = rte_pktmbuf_data_len(seg) - off;
		if (seg_len > len - done)
			seg_len = len - done;
		part = ws_raw_cksum(rte_pktmbuf_mtod_offset(seg, const void *,
			off), seg_len);
		/* A segment starting at an odd position sums shifted bytes. */
		if (done & 1)
			part = rte_bswap16(part);
		sum += part;
		done += seg_len;
		off = 0;
		seg = seg->next;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	*cksum = (uint16_t)sum;
	return 0;
}

#endif /* WS_CKSUM_H */
