/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_MBUF_H
#define WS_MBUF_H

/* mbuf helpers DPDK lacks. */

#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

/*
 * Make the first 'len' bytes of 'm' contiguous in its first segment, so
 * headers can be read in place: bytes move from the following segments
 * into the first one's tailroom (the BSD m_pullup). Chains whose headers
 * are split arrive from zero-copy ports (net_ring, memif) carrying our own
 * fragments, and from reassembly of such fragments; real NICs never split
 * a header, so the common case is one compare.
 * Returns 0, -EINVAL when the packet is shorter than 'len', or -ENOSPC
 * when the first segment cannot take the bytes (no room, or its data is
 * shared with another mbuf).
 */
static inline int
ws_mbuf_pullup(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg;
	uint32_t n;

	if (likely(rte_pktmbuf_data_len(m) >= len))
		return 0;
	if (len > rte_pktmbuf_pkt_len(m))
		return -EINVAL;
	if (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
			rte_pktmbuf_tailroom(m) < len - rte_pktmbuf_data_len(m))
		return -ENOSPC;
	while (rte_pktmbuf_data_len(m) < len) {
		seg = m->next;
		n = RTE_MIN(len - rte_pktmbuf_data_len(m),
			(uint32_t)rte_pktmbuf_data_len(seg));
		memcpy(rte_pktmbuf_mtod_offset(m, char *, m->data_len),
			rte_pktmbuf_mtod(seg, const char *), n);
		m->data_len += n;
		/* Only the segment's view moves; its data may be shared. */
		seg->data_off += n;
		seg->data_len -= n;
		if (seg->data_len == 0) {
			m->next = seg->next;
			m->nb_segs--;
			rte_pktmbuf_free_seg(seg);
		}
	}
	return 0;
}

/* Cut 'm' to 'len' (<= pkt_len) bytes, which may end in any segment. */
static inline void
ws_mbuf_trim(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m, *rest;
	uint32_t left = len;

	while (left > rte_pktmbuf_data_len(seg)) {
		left -= rte_pktmbuf_data_len(seg);
		seg = seg->next;
	}
	seg->data_len = (uint16_t)left;
	m->pkt_len = len;
	rest = seg->next;
	if (rest == NULL)
		return;
	seg->next = NULL;
	for (seg = rest; seg != NULL; seg = seg->next)
		m->nb_segs--;
	rte_pktmbuf_free(rest);
}

#endif /* WS_MBUF_H */
