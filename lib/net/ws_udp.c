/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * UDP (RFC 768, RFC 1122 4.1.3). Each worker has a bounded socket table:
 * WS_UDP_MAX_SOCKETS slots and an index from every port to its slot, so
 * the receive path finds the socket of a datagram with one load.
 *
 * Counters: rx is every datagram IPv4 hands over, delivered those given
 * to a socket; rx_bytes and tx_bytes count payload bytes delivered and
 * sent, tx the datagrams handed to IP.
 */

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>
#include <sodium.h>

#include "woshou.h"
#include "ws_cksum.h"
#include "ws_icmp.h"
#include "ws_ipv4.h"
#include "ws_log.h"
#include "ws_mbuf.h"
#include "ws_steer.h"
#include "ws_udp.h"
#include "ws_worker.h"

#define UDP_HDR_LEN	((uint32_t)sizeof(struct rte_udp_hdr))
#define UDP_IP_HDR_LEN	((uint32_t)sizeof(struct rte_ipv4_hdr) + UDP_HDR_LEN)

/* Destination unreachable codes that say the destination refuses us. */
#define UDP_UNREACH_NET_PROHIB	9
#define UDP_UNREACH_HOST_PROHIB	10
#define UDP_UNREACH_ADMIN	13

struct ws_udp_sock {
	struct ws_worker *w;
	const struct ws_udp_ops *ops;
	void *arg;
	uint16_t port;			/* host order; 0 while the slot is free */
	bool every_worker;		/* bound by ws_udp_bind_all */
};

struct ws_udp_worker {
	uint16_t by_port[UINT16_MAX + 1];	/* slot + 1; 0 = none */
	struct ws_udp_sock socks[WS_UDP_MAX_SOCKETS];
	uint16_t free_slots[WS_UDP_MAX_SOCKETS];	/* a stack */
	uint16_t n_free;
};

int
ws_udp_init(struct ws_worker *w, int socket)
{
	struct ws_udp_worker *uw;
	uint16_t i;

	/* Slot + 1 must fit by_port, and a free slot means a free port. */
	RTE_BUILD_BUG_ON(WS_UDP_MAX_SOCKETS >= UINT16_MAX);
	RTE_BUILD_BUG_ON(WS_UDP_MAX_SOCKETS >= WS_UDP_EPHEMERAL_N);
	/* Ephemeral ports come from libsodium's generator. */
	if (sodium_init() < 0)
		return -EIO;
	uw = rte_zmalloc_socket("ws_udp_worker", sizeof(*uw),
		RTE_CACHE_LINE_SIZE, socket);
	if (uw == NULL)
		return -ENOMEM;
	/* Slot 0 on top: sockets fill the table from its start. */
	for (i = 0; i < WS_UDP_MAX_SOCKETS; i++)
		uw->free_slots[i] = WS_UDP_MAX_SOCKETS - 1 - i;
	uw->n_free = WS_UDP_MAX_SOCKETS;
	w->udp = uw;
	return 0;
}

void
ws_udp_fini(struct ws_worker *w)
{
	rte_free(w->udp);
	w->udp = NULL;
}

static inline struct ws_udp_sock *
udp_lookup(struct ws_udp_worker *uw, uint16_t port)
{
	uint16_t slot = uw->by_port[port];

	return slot == 0 ? NULL : &uw->socks[slot - 1];
}

/* One's-complement sum of the pseudo-header (RFC 768), not folded. */
static inline uint32_t
udp_phdr_sum(uint32_t src, uint32_t dst, uint32_t udp_len)
{
	return (src & 0xffff) + (src >> 16) + (dst & 0xffff) + (dst >> 16) +
		rte_cpu_to_be_16(IPPROTO_UDP) +
		rte_cpu_to_be_16((uint16_t)udp_len);
}

static inline uint16_t
udp_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* ------------------------------------------------------------------ */
/* Sockets.                                                            */

/* RFC 6056 3.3.1: a random start, then the next free port. */
/*
 * RFC 6056 3.3.1: a random start in the dynamic range. With several
 * workers the port must also be one no other worker owns, since replies
 * are steered to the port's owner.
 */
static uint16_t
udp_ephemeral(struct ws_worker *w)
{
	const struct ws_udp_worker *uw = w->udp;
	uint32_t start = randombytes_uniform(WS_UDP_EPHEMERAL_N), i;
	uint16_t port;

	for (i = 0; i < WS_UDP_EPHEMERAL_N; i++) {
		port = (uint16_t)(WS_UDP_EPHEMERAL_LO +
			(start + i) % WS_UDP_EPHEMERAL_N);
		if (uw->by_port[port] == 0 &&
				ws_steer_udp_claim(w->steer, port,
					w->index) == 0)
			return port;
	}
	return 0;
}

static struct ws_udp_sock *
udp_bind(struct ws_worker *w, uint16_t port, const struct ws_udp_ops *ops,
		void *arg, bool every_worker)
{
	struct ws_udp_worker *uw;
	struct ws_udp_sock *s;
	uint16_t slot;
	int err;

	if (w == NULL || w->udp == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	uw = w->udp;
	if (ops == NULL || ops->datagram == NULL) {
		err = EINVAL;
		goto fail;
	}
	if (uw->n_free == 0) {
		err = ENOSPC;
		goto fail;
	}
	if (port == 0) {
		port = udp_ephemeral(w);
		if (port == 0) {
			err = ENOSPC;
			goto fail;
		}
	} else if (uw->by_port[port] != 0 ||
			(every_worker ? ws_steer_udp_owner(w->steer, port) !=
				WS_STEER_ANY :
			 ws_steer_udp_claim(w->steer, port, w->index) != 0)) {
		/* Taken here, or (several workers) owned by another one. */
		err = EADDRINUSE;
		goto fail;
	}
	slot = uw->free_slots[--uw->n_free];
	s = &uw->socks[slot];
	s->w = w;
	s->ops = ops;
	s->arg = arg;
	s->port = port;
	s->every_worker = every_worker;
	uw->by_port[port] = (uint16_t)(slot + 1);
	return s;
fail:
	w->stats.udp.bind_fail++;
	rte_errno = err;
	return NULL;
}

struct ws_udp_sock *
ws_udp_bind(struct ws_worker *w, uint16_t port, const struct ws_udp_ops *ops,
		void *arg)
{
	return udp_bind(w, port, ops, arg, false);
}

void
ws_udp_close(struct ws_udp_sock *s)
{
	struct ws_udp_worker *uw;

	if (s == NULL || s->port == 0)
		return;
	uw = s->w->udp;
	if (!s->every_worker)
		ws_steer_udp_release(s->w->steer, s->port, s->w->index);
	uw->by_port[s->port] = 0;
	s->port = 0;
	s->ops = NULL;
	s->arg = NULL;
	uw->free_slots[uw->n_free++] = (uint16_t)(s - uw->socks);
}

int
ws_udp_bind_all(struct ws_stack *s, uint16_t port,
		const struct ws_udp_ops *ops, void *arg)
{
	unsigned int i, n = ws_stack_worker_count(s);
	struct ws_worker *w;
	int ret;

	if (n == 0 || port == 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (udp_bind(ws_stack_worker(s, i), port, ops, arg,
				true) == NULL)
			break;
	if (i == n)
		return 0;
	ret = -rte_errno;
	while (i-- > 0) {
		w = ws_stack_worker(s, i);
		ws_udp_close(udp_lookup(w->udp, port));
	}
	return ret;
}

void *
ws_udp_arg(const struct ws_udp_sock *s)
{
	return s->arg;
}

uint16_t
ws_udp_port(const struct ws_udp_sock *s)
{
	return s->port;
}

struct ws_worker *
ws_udp_worker(const struct ws_udp_sock *s)
{
	return s->w;
}

/* ------------------------------------------------------------------ */
/* Input.                                                              */

static bool
udp_cksum_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		const struct rte_udp_hdr *uh, uint32_t off, uint32_t udp_len)
{
	uint16_t sum;

	/* RFC 768: zero means the sender computed none (IPv4 only). */
	if (uh->dgram_cksum == 0)
		return true;
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
			RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	/*
	 * Summed with its checksum in place, a correct datagram gives ~0.
	 * The range is in the packet: the caller checked udp_len.
	 */
	if (ws_raw_cksum_mbuf(m, off, udp_len, &sum) != 0)
		return false;
	return udp_fold(udp_phdr_sum(ip->src_addr, ip->dst_addr, udp_len) +
		sum) == 0xffff;
}

/*
 * IPv4 hands us only our unicast address or a broadcast one; a unicast
 * address in a link-layer broadcast frame is RFC 1122 3.3.6's SHOULD
 * discard.
 */
static bool
udp_not_unicast(const struct ws_worker *w, const struct rte_mbuf *m,
		const struct rte_ipv4_hdr *ip)
{
	const struct rte_ether_hdr *eh;

	if (!ws_iface_is_local(w->iface, ip->dst_addr))
		return true;
	if (m->l2_len < sizeof(*eh))
		return false;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	return rte_is_multicast_ether_addr(&eh->dst_addr);
}

void
ws_udp_input(struct ws_worker *w, struct rte_mbuf *m)
{
	struct ws_udp_stats *st = &w->stats.udp;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *uh;
	struct ws_udp_sock *s;
	uint32_t off = (uint32_t)m->l2_len + m->l3_len, ip_payload, udp_len;
	uint32_t src_addr;
	uint16_t src_port;
	uint64_t *counter;

	st->rx++;
	ip_payload = rte_pktmbuf_pkt_len(m) - off;
	if (unlikely(ip_payload < UDP_HDR_LEN)) {
		counter = &st->drop_short;
		goto drop;
	}
	/* IPv4 pulled the 8 header bytes into the first segment. */
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		m->l2_len);
	uh = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, off);
	udp_len = rte_be_to_cpu_16(uh->dgram_len);
	if (unlikely(udp_len < UDP_HDR_LEN || udp_len > ip_payload)) {
		counter = &st->drop_len;
		goto drop;
	}
	/* RFC 768: the length field says where the datagram ends. */
	if (unlikely(udp_len < ip_payload))
		ws_mbuf_trim(m, off + udp_len);
	if (unlikely(uh->src_port == 0 || uh->dst_port == 0)) {
		counter = &st->drop_port_zero;
		goto drop;
	}
	if (unlikely(udp_not_unicast(w, m, ip))) {
		counter = &st->drop_broadcast;
		goto drop;
	}
	/* RFC 1122 4.1.3.4: a bad checksum is discarded silently. */
	if (unlikely(!udp_cksum_ok(m, ip, uh, off, udp_len))) {
		counter = &st->drop_cksum;
		goto drop;
	}

	/* Sockets send from ip.addr only, so they receive only there. */
	s = ip->dst_addr == w->iface->addr ?
		udp_lookup(w->udp, rte_be_to_cpu_16(uh->dst_port)) : NULL;
	if (unlikely(s == NULL)) {
		/* RFC 1122 4.1.3.1: port unreachable SHOULD be sent. */
		if (ws_icmp_send_unreach(w, m, WS_ICMP_UNREACH_PORT) == 0)
			st->unreach_tx++;
		counter = &st->no_port;
		goto drop;
	}
	src_addr = ip->src_addr;
	src_port = rte_be_to_cpu_16(uh->src_port);
	st->delivered++;
	st->rx_bytes += udp_len - UDP_HDR_LEN;
	/* Within the first segment: see above. */
	rte_pktmbuf_adj(m, (uint16_t)(off + UDP_HDR_LEN));
	s->ops->datagram(s, m, src_addr, src_port);
	return;
drop:
	WS_DROP_FREE(w, *counter, m);
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */

/* RFC 1122 3.2.1.3 / 4.1.3.5: unicast hosts other than ourselves. */
static bool
udp_dst_invalid(const struct ws_worker *w, uint32_t dst)
{
	uint8_t first_octet = (uint8_t)(rte_be_to_cpu_32(dst) >> 24);

	return first_octet == 0 || first_octet == 127 || first_octet >= 224 ||
		ws_ipv4_is_broadcast(w, dst) || ws_iface_is_local(w->iface, dst);
}

static int
udp_send_check(const struct ws_udp_sock *s, uint32_t dst_addr,
		uint16_t dst_port, uint32_t len)
{
	if (s == NULL || s->port == 0 || dst_port == 0 ||
			udp_dst_invalid(s->w, dst_addr))
		return -EINVAL;
	if (len > WS_UDP_MAX_PAYLOAD) {
		WS_DROP(s->w, s->w->stats.udp.drop_too_big, NULL);
		return -EMSGSIZE;
	}
	return 0;
}

/*
 * 'm' holds room for the IPv4 and UDP headers, then the payload. Fill in
 * the headers and the checksum and hand the datagram to IP.
 */
static void
udp_output(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t dst_addr,
		uint16_t dst_port)
{
	struct ws_worker *w = s->w;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ip + 1);
	uint32_t udp_len = rte_pktmbuf_pkt_len(m) - (uint32_t)sizeof(*ip);
	uint16_t sum;

	ws_ipv4_fill_header(w, ip, dst_addr, IPPROTO_UDP, (uint16_t)udp_len);
	uh->src_port = rte_cpu_to_be_16(s->port);
	uh->dst_port = rte_cpu_to_be_16(dst_port);
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)udp_len);
	uh->dgram_cksum = 0;

	/* A received mbuf's flags describe its arrival; attach flags stay. */
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	m->tx_offload = 0;
	m->l3_len = sizeof(*ip);
	m->l4_len = UDP_HDR_LEN;
	/* Fragments would each be summed by the port: only whole ones go. */
	if (w->iface->offload.tx_udp_cksum &&
			rte_pktmbuf_pkt_len(m) <= w->iface->mtu) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
		uh->dgram_cksum = ws_ipv4_phdr_sum(ip);
	} else {
		/* Our own chain: the range is always there. */
		ws_raw_cksum_mbuf(m, sizeof(*ip), udp_len, &sum);
		sum = (uint16_t)~udp_fold(udp_phdr_sum(ip->src_addr,
			ip->dst_addr, udp_len) + sum);
		/* RFC 768: a computed zero is sent as all ones. */
		uh->dgram_cksum = sum == 0 ? 0xffff : sum;
	}
	w->stats.udp.tx++;
	w->stats.udp.tx_bytes += udp_len - UDP_HDR_LEN;
	ws_ipv4_output(w, m);
}

/*
 * A chain from w->pool holding header room and a copy of 'len' bytes;
 * NULL when the pool runs dry.
 */
static struct rte_mbuf *
udp_copy(struct ws_worker *w, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head, *seg, *prev;
	uint32_t done, n;
	char *p;

	head = rte_pktmbuf_alloc(w->pool);
	if (unlikely(head == NULL))
		return NULL;
	n = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(head) - UDP_IP_HDR_LEN);
	p = rte_pktmbuf_append(head, (uint16_t)(UDP_IP_HDR_LEN + n));
	if (unlikely(p == NULL)) {
		/* A pool whose buffers cannot hold the headers. */
		rte_pktmbuf_free(head);
		return NULL;
	}
	/* An empty datagram may come without data at all. */
	if (n != 0)
		memcpy(p + UDP_IP_HDR_LEN, data, n);
	done = n;
	prev = head;
	while (done < len) {
		seg = rte_pktmbuf_alloc(w->pool);
		if (unlikely(seg == NULL)) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		/* Only the first segment needs headroom for headers. */
		seg->data_off = 0;
		n = RTE_MIN(len - done, (uint32_t)rte_pktmbuf_tailroom(seg));
		memcpy(rte_pktmbuf_mtod(seg, char *), data + done, n);
		seg->data_len = (uint16_t)n;
		seg->pkt_len = n;
		prev->next = seg;
		prev = seg;
		head->nb_segs++;
		head->pkt_len += n;
		done += n;
	}
	return head;
}

int
ws_udp_send(struct ws_udp_sock *s, uint32_t dst_addr, uint16_t dst_port,
		const void *data, uint32_t len)
{
	struct rte_mbuf *m;
	int ret;

	if (data == NULL && len != 0)
		return -EINVAL;
	ret = udp_send_check(s, dst_addr, dst_port, len);
	if (ret < 0)
		return ret;
	m = udp_copy(s->w, data, len);
	if (unlikely(m == NULL)) {
		WS_DROP(s->w, s->w->stats.udp.drop_nombuf, NULL);
		return -ENOBUFS;
	}
	udp_output(s, m, dst_addr, dst_port);
	return 0;
}

/* The headers go into the payload's own buffer when it is ours alone. */
static bool
udp_headroom_usable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 &&
		rte_pktmbuf_headroom(m) >= UDP_IP_HDR_LEN + RTE_ETHER_HDR_LEN;
}

int
ws_udp_send_mbuf(struct ws_udp_sock *s, uint32_t dst_addr,
		uint16_t dst_port, struct rte_mbuf *m)
{
	struct rte_mbuf *hdr;
	int ret;

	if (m == NULL)
		return -EINVAL;
	ret = udp_send_check(s, dst_addr, dst_port, rte_pktmbuf_pkt_len(m));
	if (ret < 0)
		goto drop;
	if (udp_headroom_usable(m)) {
		rte_pktmbuf_prepend(m, (uint16_t)UDP_IP_HDR_LEN);
	} else {
		hdr = rte_pktmbuf_alloc(s->w->pool);
		if (unlikely(hdr == NULL)) {
			WS_DROP(s->w, s->w->stats.udp.drop_nombuf, NULL);
			ret = -ENOBUFS;
			goto drop;
		}
		/*
		 * The append fails only for buffers smaller than the
		 * headers, the chain only past 65535 segments.
		 */
		if (unlikely(rte_pktmbuf_append(hdr,
				(uint16_t)UDP_IP_HDR_LEN) == NULL ||
				rte_pktmbuf_chain(hdr, m) != 0)) {
			rte_pktmbuf_free(hdr);
			WS_DROP(s->w, s->w->stats.udp.drop_too_big, NULL);
			ret = -EMSGSIZE;
			goto drop;
		}
		m = hdr;
	}
	udp_output(s, m, dst_addr, dst_port);
	return 0;
drop:
	rte_pktmbuf_free(m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* ICMP errors.                                                        */

static bool
udp_icmp_hard(uint8_t type, uint8_t code)
{
	if (type != WS_ICMP_DEST_UNREACH)
		return false;
	switch (code) {
	case WS_ICMP_UNREACH_PROTO:
	case WS_ICMP_UNREACH_PORT:
	case UDP_UNREACH_NET_PROHIB:
	case UDP_UNREACH_HOST_PROHIB:
	case UDP_UNREACH_ADMIN:
		return true;
	default:
		/*
		 * Net and host unreachable may pass (RFC 1122 4.2.3.9);
		 * fragmentation needed reports a path MTU, and IP fragments
		 * our datagrams without DF anyway.
		 */
		return false;
	}
}

void
ws_udp_icmp_error(struct ws_worker *w, uint8_t type, uint8_t code,
		const uint8_t *quoted, uint32_t len)
{
	struct ws_udp_stats *st = &w->stats.udp;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)quoted;
	struct ws_udp_sock *s;
	uint16_t src_port, dst_port;
	uint32_t ihl;
	int hard;

	if (len < sizeof(*ip))
		goto unmatched;
	ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (ihl < sizeof(*ip) || len < ihl + UDP_HDR_LEN ||
			ip->next_proto_id != IPPROTO_UDP ||
			ip->src_addr != w->iface->addr)
		goto unmatched;
	/* The quoted datagram went from our port to the peer's. */
	memcpy(&src_port, quoted + ihl, sizeof(src_port));
	memcpy(&dst_port, quoted + ihl + 2, sizeof(dst_port));
	s = udp_lookup(w->udp, rte_be_to_cpu_16(src_port));
	if (s == NULL)
		goto unmatched;
	hard = udp_icmp_hard(type, code);
	st->icmp_errors++;
	if (!hard)
		st->icmp_soft++;
	/* RFC 1122 4.1.3.3: every error goes up; none closes the socket. */
	if (s->ops->error != NULL)
		s->ops->error(s, type, code, ip->dst_addr,
			rte_be_to_cpu_16(dst_port), hard);
	return;
unmatched:
	WS_DROP(w, st->drop_icmp_unmatched, NULL);
}
