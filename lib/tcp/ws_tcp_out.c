/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP output: the segment builder, the send buffer (which is also the
 * retransmission queue), the advertised window, and the decision of what
 * to send (window, congestion window, Nagle, SWS avoidance).
 *
 * Every segment is a fresh mbuf from the worker's pool: the payload is
 * copied out of the send buffer, so the buffer keeps its bytes until
 * they are acknowledged and a retransmission is the same copy again.
 */

#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_tcp.h>

#include "ws_cksum.h"
#include "ws_ipv4.h"
#include "ws_log.h"
#include "ws_tcp_priv.h"
#include "ws_worker.h"

/* ------------------------------------------------------------------ */
/* Send buffer.                                                        */

void
ws_tcp_sb_free(struct ws_tcp_conn *c)
{
	struct rte_mbuf *seg, *next;

	for (seg = c->sb_head; seg != NULL; seg = next) {
		next = seg->next;
		seg->next = NULL;
		rte_pktmbuf_free(seg);
		c->tw->sb_mbufs--;
		c->sb_mbufs--;
	}
	c->sb_head = NULL;
	c->sb_tail = NULL;
	c->sb_cur = NULL;
	c->lr.sb_rcur = NULL;
	c->sb_off = 0;
	c->sb_len = 0;
}

void
ws_tcp_sb_drop(struct ws_tcp_conn *c, uint32_t n)
{
	struct rte_mbuf *seg;

	if (n >= c->sb_len) {
		ws_tcp_sb_free(c);
		return;
	}
	c->sb_len -= n;
	c->sb_off += n;
	while ((seg = c->sb_head) != NULL && c->sb_off >= seg->data_len) {
		c->sb_off -= seg->data_len;
		c->sb_head = seg->next;
		if (c->sb_head == NULL)
			c->sb_tail = NULL;
		if (c->sb_cur == seg)
			c->sb_cur = NULL;
		if (c->lr.sb_rcur == seg)
			c->lr.sb_rcur = NULL;
		seg->next = NULL;
		rte_pktmbuf_free(seg);
		c->tw->sb_mbufs--;
		c->sb_mbufs--;
	}
}

/*
 * Copy 'len' bytes starting 'off' bytes after snd_una. New data follows
 * what was sent last, so the walk starts where the last copy ended; only
 * a retransmission (behind that point) walks from snd_una.
 */
static void
sb_copy(struct ws_tcp_conn *c, uint32_t off, uint32_t len, uint8_t *dst)
{
	uint32_t target = c->snd_una + off, seg_seq, n;
	const struct rte_mbuf *seg;
	/*
	 * Retransmissions behind the new-data cursor keep a cursor of their
	 * own: SACK recovery resends holes in order between new segments,
	 * and neither may send the other back to snd_una.
	 */
	bool back = c->sb_cur != NULL && SEQ_LT(target, c->sb_cur_seq);

	if (!back && c->sb_cur != NULL) {
		seg = c->sb_cur;
		seg_seq = c->sb_cur_seq;
	} else if (back && c->lr.sb_rcur != NULL &&
			SEQ_GEQ(target, c->lr.sb_rcur_seq)) {
		seg = c->lr.sb_rcur;
		seg_seq = c->lr.sb_rcur_seq;
	} else {
		seg = c->sb_head;
		seg_seq = c->snd_una - c->sb_off;
	}
	off = target - seg_seq;
	while (off >= seg->data_len) {
		off -= seg->data_len;
		seg_seq += seg->data_len;
		seg = seg->next;
	}
	for (;;) {
		n = RTE_MIN(len, (uint32_t)seg->data_len - off);
		memcpy(dst, rte_pktmbuf_mtod_offset(seg, const uint8_t *, off),
			n);
		dst += n;
		len -= n;
		if (len == 0)
			break;
		off = 0;
		seg_seq += seg->data_len;
		seg = seg->next;
	}
	if (back) {
		c->lr.sb_rcur = seg;
		c->lr.sb_rcur_seq = seg_seq;
	} else {
		c->sb_cur = seg;
		c->sb_cur_seq = seg_seq;
	}
}

uint32_t
ws_tcp_fin_seq(const struct ws_tcp_conn *c)
{
	return c->snd_una + c->sb_len;
}

/* ------------------------------------------------------------------ */
/* Receive window (RFC 9293 3.8.6.2.2).                                */

uint32_t
ws_tcp_rcv_window(struct ws_tcp_conn *c)
{
	uint32_t rcvbuf = c->rcvbuf, used, avail, cur, max;

	used = c->rb_len + c->ooo_bytes;
	avail = used < rcvbuf ? rcvbuf - used : 0;
	max = (uint32_t)UINT16_MAX << c->rcv_shift;
	if (avail > max)
		avail = max;
	cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	/* Never move the right edge back (SHLD-14). */
	if (avail <= cur)
		return cur;
	/* MUST-39: move it only by a worthwhile amount. */
	if (avail - cur >= RTE_MIN(rcvbuf / 2, (uint32_t)c->rcv_mss))
		return avail;
	return cur;
}

/* ------------------------------------------------------------------ */
/* Segment builder.                                                    */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static unsigned int
opt_ts(uint8_t *p, uint32_t tsval, uint32_t tsecr)
{
	p[0] = TCPOPT_TS;
	p[1] = 10;
	put32(p + 2, tsval);
	put32(p + 6, tsecr);
	return 10;
}

/*
 * SYN options in Linux's layout, so captures look familiar: MSS, then
 * SACK-permitted + timestamps (or NOPs in their place), then NOP + WS
 * (wscale < 0: none). At most 20 bytes.
 */
static unsigned int
put_syn_options(uint8_t *p, uint16_t mss, bool sack_ok, bool ts_ok,
		uint32_t tsval, uint32_t tsecr, int wscale)
{
	unsigned int n = 0;

	/* MUST-14, MUST-67: our MSS, only on SYNs (MUST-65). */
	p[n++] = TCPOPT_MSS;
	p[n++] = 4;
	put16(p + n, mss);
	n += 2;
	if (ts_ok) {
		if (sack_ok) {
			p[n++] = TCPOPT_SACK_OK;
			p[n++] = 2;
		} else {
			p[n++] = TCPOPT_NOP;
			p[n++] = TCPOPT_NOP;
		}
		n += opt_ts(p + n, tsval, tsecr);
	} else if (sack_ok) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_SACK_OK;
		p[n++] = 2;
	}
	if (wscale >= 0) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_WSCALE;
		p[n++] = 3;
		p[n++] = (uint8_t)wscale;
	}
	return n;
}

static unsigned int
syn_options(const struct ws_tcp_conn *c, uint8_t *p)
{
	return put_syn_options(p, c->rcv_mss, c->sack_ok, c->ts_ok,
		ws_tcp_tsval(c), c->state == WS_TCP_SYN_SENT ? 0 : c->ts_recent,
		c->ws_ok ? c->rcv_shift : -1);
}

static bool
sack_listed(const uint32_t *lefts, unsigned int n, uint32_t left)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (lefts[i] == left)
			return true;
	return false;
}

/*
 * SACK blocks for what the out-of-order queue holds (RFC 2018 4): the
 * most recently reported first (the block of the segment that made us
 * ACK, then the earlier first blocks), then the others in order.
 */
static unsigned int
sack_options(struct ws_tcp_conn *c, uint8_t *p, unsigned int max)
{
	const struct ws_tcp_ooo *o = c->ooo;
	uint32_t lefts[WS_TCP_SACK_MAX], left, right;
	unsigned int n = 0, nl = 0, i;
	bool fin;

	max = RTE_MIN(max, (unsigned int)WS_TCP_SACK_MAX);
	if (c->lr.dsack_pending && max != 0) {
		/*
		 * RFC 2883 4: the duplicate first, once; the block that
		 * holds it (if any) follows as usual.
		 */
		put32(p + 4, c->lr.dsack_left);
		put32(p + 8, c->lr.dsack_right);
		n++;
		c->lr.dsack_pending = false;
		c->tw->st->dsack_tx++;
	}
	for (i = 0; i < c->n_sack_hint && n < max; i++) {
		if (!ws_tcp_ooo_block(c, c->sack_hint[i], &left, &right) ||
				sack_listed(lefts, nl, left))
			continue;
		lefts[nl++] = left;
		put32(p + 4 + 8 * n, left);
		put32(p + 8 + 8 * n, right);
		n++;
	}
	while (o != NULL && n < max) {
		left = o->seq;
		right = o->seq + o->len;
		fin = o->fin;
		for (o = o->next; o != NULL && o->seq == right; o = o->next) {
			right += o->len;
			fin = o->fin;
		}
		if (left == right || sack_listed(lefts, nl, left))
			continue;
		lefts[nl++] = left;
		put32(p + 4 + 8 * n, left);
		/* A held FIN is in the block (ws_tcp_ooo_block). */
		put32(p + 8 + 8 * n, right + (fin ? 1 : 0));
		n++;
	}
	if (n == 0)
		return 0;
	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_NOP;
	p[2] = TCPOPT_SACK;
	p[3] = (uint8_t)(2 + 8 * n);
	return 4 + 8 * n;
}

/* MUST-2: the TCP checksum, by the port or here; the header is complete. */
static void
tcp_cksum(struct ws_worker *w, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
		struct rte_tcp_hdr *th, unsigned int thl)
{
	m->l3_len = sizeof(*ip);
	m->l4_len = thl;
	th->cksum = 0;
	if (w->iface->offload.tx_tcp_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_IPV4;
		th->cksum = ws_ipv4_phdr_sum(ip);
	} else {
		th->cksum = ws_ipv4_l4_cksum(ip, th);
	}
	w->stats.tcp.tx++;
}

static void
tcp_cksum_and_send(struct ws_worker *w, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, struct rte_tcp_hdr *th,
		unsigned int thl)
{
	m->l2_len = 0;
	tcp_cksum(w, m, ip, th, thl);
	ws_ipv4_output(w, m);
}

/* Room for Ethernet + IPv4 + TCP with options + one MSS. */
static struct rte_mbuf *
seg_alloc(struct ws_worker *w, unsigned int thl, uint32_t len,
		struct rte_ipv4_hdr **ip, struct rte_tcp_hdr **th)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	char *p;

	if (unlikely(m == NULL)) {
		WS_DROP(w, w->stats.tcp.drop_nombuf, NULL);
		return NULL;
	}
	p = rte_pktmbuf_append(m, (uint16_t)(sizeof(**ip) + thl + len));
	if (unlikely(p == NULL)) {
		WS_DROP(w, w->stats.tcp.drop_nombuf, NULL);
		rte_pktmbuf_free(m);
		return NULL;
	}
	*ip = (struct rte_ipv4_hdr *)p;
	*th = (struct rte_tcp_hdr *)(p + sizeof(**ip));
	return m;
}

/*
 * Build and send one segment of connection 'c': 'len' bytes of the send
 * buffer starting at sequence 'seq' (which must lie in it), the flags,
 * our options, ACK = RCV.NXT and the window. Returns 0 or -ENOBUFS.
 */
static int
xmit(struct ws_tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t len)
{
	struct ws_tcp_worker *tw = c->tw;
	struct ws_worker *w = tw->w;
	uint8_t opts[WS_TCP_OPT_MAX];
	unsigned int olen = 0, thl;
	uint32_t room;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint32_t wnd;

	if (flags & TH_SYN) {
		olen = syn_options(c, opts);
	} else {
		/* RFC 7323 3.2: on every segment once negotiated. */
		if (c->ts_ok) {
			opts[0] = TCPOPT_NOP;
			opts[1] = TCPOPT_NOP;
			/* Kept for TIME_WAIT reuse (ws_tcp_connect_from). */
			c->ts_sent = ws_tcp_tsval(c);
			olen = 2 + opt_ts(opts + 2, c->ts_sent, c->ts_recent);
		}
		if (c->sack_ok && (c->ooo != NULL || c->lr.dsack_pending) &&
				(flags & TH_ACK) &&
				!(flags & TH_RST)) {
			/*
			 * Blocks only where they fit: a full-sized segment
			 * must stay within the MTU, or IPv4 would fragment it.
			 */
			room = w->iface->mtu - sizeof(*ip) - WS_TCP_HDR_LEN -
				olen - len;
			if (room >= 12 && room < 1u << 16)
				olen += sack_options(c, opts + olen,
					ws_min32(c->ts_ok ? 3 : 4,
						(room - 4) / 8));
		}
	}
	thl = WS_TCP_HDR_LEN + olen;
	m = seg_alloc(w, thl, len, &ip, &th);
	if (m == NULL)
		return -ENOBUFS;

	if (flags & TH_SYN) {
		/* RFC 7323 2.2: the window of a SYN is never scaled. */
		wnd = RTE_MIN(c->rcvbuf, (uint32_t)UINT16_MAX);
		if (SEQ_GT(c->rcv_nxt + wnd, c->rcv_adv))
			c->rcv_adv = c->rcv_nxt + wnd;
	} else if (flags & TH_RST) {
		wnd = 0;
	} else {
		wnd = ws_tcp_rcv_window(c) >> c->rcv_shift;
		/*
		 * Scaling rounds down; an edge already offered stays where
		 * it was (RFC 7323 2.4): round up to it instead.
		 */
		if (SEQ_LT(c->rcv_nxt + (wnd << c->rcv_shift), c->rcv_adv) &&
				wnd < UINT16_MAX)
			wnd++;
		if (SEQ_GT(c->rcv_nxt + (wnd << c->rcv_shift), c->rcv_adv))
			c->rcv_adv = c->rcv_nxt + (wnd << c->rcv_shift);
	}

	th->src_port = c->key.lport;
	th->dst_port = c->key.rport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = (flags & TH_ACK) ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16((uint16_t)wnd);
	th->tcp_urp = 0;
	memcpy(th + 1, opts, olen);
	if (len != 0)
		sb_copy(c, seq - c->snd_una, len, (uint8_t *)th + thl);

	/*
	 * RFC 1191: DF, so that a router reports a smaller path MTU rather
	 * than fragment, unless one reported less than [ip] pmtu_min; then
	 * routers fragment, and the ID must be unique per destination. A
	 * DF segment is atomic (RFC 6864): it counts per connection, and a
	 * SYN-ACK carries 0 like a cookie's, so IDs tell no cookie apart.
	 */
	if (unlikely(c->pmtu_no_df))
		ws_ipv4_fill_header_src(w, ip, c->key.laddr, c->key.raddr,
			IPPROTO_TCP, (uint16_t)(thl + len));
	else
		ws_ipv4_fill_header_df(w, ip, c->key.laddr, c->key.raddr,
			IPPROTO_TCP, (uint16_t)(thl + len),
			(flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) ? 0 :
			c->ip_id++);
	if (flags & TH_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->ack_now = 0;
		c->rcv_segs_unacked = 0;
		if (c->ack_delayed) {
			c->ack_delayed = 0;
			ws_tcp_timer_stop(c, &c->delack_timer);
		}
	}
	if (len != 0) {
		tw->st->data_segs_tx++;
		tw->st->data_bytes_tx += len;
		c->last_tx = w->now;
	}
	/* Data (or a FIN) into an empty flight: R2's start (ws_tcp_rto_data). */
	if (!(flags & (TH_SYN | TH_RST)) && (len != 0 || (flags & TH_FIN)) &&
			c->snd_una == c->snd_max)
		c->una_ts = w->now;
	/* The scoreboard: every data or FIN segment of a SACK connection. */
	if (c->sack_ok && !(flags & (TH_SYN | TH_RST)) &&
			(len != 0 || (flags & TH_FIN)))
		ws_tcp_lr_sent(c, seq, len + !!(flags & TH_FIN));
	tcp_cksum_and_send(w, m, ip, th, thl);
	return 0;
}

void
ws_tcp_ack_owed(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;

	if (!tw->in_input) {
		ws_tcp_send_ack(c);
		return;
	}
	if (c->ack_queued)
		return;
	c->ack_queued = 1;
	ws_tcp_conn_hold(c);
	c->ack_next = tw->ack_list;
	tw->ack_list = c;
}

void
ws_tcp_send_ack(struct ws_tcp_conn *c)
{
	c->tw->st->acks_tx++;
	/*
	 * SND.MAX, not SND.NXT: after a timeout SND.NXT goes back, and an
	 * ACK carrying it would be out of the peer's window (BSD does the
	 * same).
	 */
	xmit(c, c->snd_max, TH_ACK, 0);
}

void
ws_tcp_send_syn(struct ws_tcp_conn *c)
{
	uint8_t flags = TH_SYN;

	if (c->state == WS_TCP_SYN_RECEIVED)
		flags |= TH_ACK;
	if (xmit(c, c->iss, flags, 0) == 0) {
		c->snd_nxt = c->iss + 1;
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
	}
}

/*
 * The frame to turn into a stateless SYN-ACK: the SYN's own mbuf when it
 * is ours alone and has room, else a fresh one (counted). Either way the
 * Ethernet header at its start is the SYN's.
 */
static struct rte_mbuf *
synack_frame(struct ws_worker *w, struct rte_mbuf *syn, uint32_t len)
{
	const uint32_t l2 = sizeof(struct rte_ether_hdr);
	struct rte_mbuf *m;

	if (likely(RTE_MBUF_DIRECT(syn) && rte_mbuf_refcnt_read(syn) == 1 &&
			syn->nb_segs == 1 && syn->l2_len == l2 &&
			(uint32_t)syn->buf_len - syn->data_off >= len))
		return syn;
	w->stats.tcp.cookie_synack_copied++;
	m = rte_pktmbuf_alloc(w->pool);
	if (unlikely(m == NULL)) {
		WS_DROP(w, w->stats.tcp.drop_nombuf, NULL);
		rte_pktmbuf_free(syn);
		return NULL;
	}
	rte_memcpy(rte_pktmbuf_mtod(m, void *),
		rte_pktmbuf_mtod_offset(syn, void *, syn->l2_len - l2), l2);
	rte_pktmbuf_free(syn);
	return m;
}

void
ws_tcp_send_synack_stateless(struct ws_tcp_worker *tw, struct rte_mbuf *syn,
		const struct ws_tcp_key *key, const struct ws_tcp_synack *sa)
{
	struct ws_worker *w = tw->w;
	uint8_t opts[WS_TCP_OPT_MAX];
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	unsigned int olen, thl, len;

	olen = put_syn_options(opts, sa->mss, sa->sack_ok, sa->has_ts,
		sa->tsval, sa->tsecr, sa->wscale);
	thl = WS_TCP_HDR_LEN + olen;
	len = sizeof(*eh) + sizeof(*ip) + thl;
	m = synack_frame(w, syn, len);
	if (m == NULL)
		return;
	/*
	 * Back to the frame's sender, not through ARP: a flood's random
	 * sources would otherwise fill the neighbour cache and send an ARP
	 * request per SYN. The SYN arrived through that next hop.
	 */
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&eh->src_addr, &eh->dst_addr);
	rte_ether_addr_copy(&w->iface->mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->ol_flags = 0;

	ip = (struct rte_ipv4_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ip + 1);
	/* DF and ID 0, as the SYN-ACK of a connection (xmit). */
	ws_ipv4_fill_header_df(w, ip, key->laddr, key->raddr, IPPROTO_TCP,
		(uint16_t)thl, 0);
	th->src_port = key->lport;
	th->dst_port = key->rport;
	th->sent_seq = rte_cpu_to_be_32(sa->iss);
	th->recv_ack = rte_cpu_to_be_32(sa->ack);
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = TH_SYN | TH_ACK;
	th->rx_win = rte_cpu_to_be_16(sa->wnd);
	th->tcp_urp = 0;
	memcpy(th + 1, opts, olen);

	m->l2_len = sizeof(*eh);
	tcp_cksum(w, m, ip, th, thl);
	/* What IPv4 and Ethernet output would do, without the ARP lookup. */
	if (w->iface->offload.tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = ws_ipv4_hdr_cksum(ip);
	w->stats.ip.tx++;
	w->stats.eth.tx++;
	ws_tx(w, m);
}

void
ws_tcp_send_rst_conn(struct ws_tcp_conn *c)
{
	c->tw->st->rst_tx++;
	xmit(c, c->snd_max, TH_RST | TH_ACK, 0);
}

void
ws_tcp_send_rst(struct ws_tcp_worker *tw, const struct ws_tcp_key *key,
		uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct ws_worker *w = tw->w;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	m = seg_alloc(w, WS_TCP_HDR_LEN, 0, &ip, &th);
	if (m == NULL)
		return;
	tw->st->rst_tx++;
	th->src_port = key->lport;
	th->dst_port = key->rport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = (flags & TH_ACK) ? rte_cpu_to_be_32(ack) : 0;
	th->data_off = (WS_TCP_HDR_LEN / 4) << 4;
	th->tcp_flags = flags;
	th->rx_win = 0;
	th->tcp_urp = 0;
	/* Atomic and outside any connection: DF and ID 0, as Linux. */
	ws_ipv4_fill_header_df(w, ip, key->laddr, key->raddr, IPPROTO_TCP,
		WS_TCP_HDR_LEN, 0);
	tcp_cksum_and_send(w, m, ip, th, WS_TCP_HDR_LEN);
}

/* ------------------------------------------------------------------ */
/* What to send.                                                       */

static bool
fin_pending_at(const struct ws_tcp_conn *c, uint32_t seq_after)
{
	return c->shut_wr && !c->fin_acked &&
		seq_after == ws_tcp_fin_seq(c) &&
		SEQ_LEQ(c->snd_una, seq_after);
}

void
ws_tcp_retransmit_first(struct ws_tcp_conn *c)
{
	/* Only what was sent before: new data is output's business. */
	uint32_t len = ws_min32(ws_min32(c->sb_len, c->mss),
		c->snd_max - c->snd_una);
	uint8_t flags = TH_ACK;
	uint32_t end;

	if (c->state == WS_TCP_SYN_SENT || c->state == WS_TCP_SYN_RECEIVED) {
		ws_tcp_send_syn(c);
		return;
	}

	if (fin_pending_at(c, c->snd_una + len))
		flags |= TH_FIN;
	if (len == 0 && !(flags & TH_FIN))
		return;
	c->retransmits++;
	c->tw->st->retransmits++;
	/* Karn: an ACK could now be for either copy. */
	c->rtt_timing = 0;
	if (len != 0 && len == c->sb_len)
		flags |= TH_PSH;
	if (xmit(c, c->snd_una, flags, len) < 0)
		return;
	if (!c->sack_ok) {
		/* (SACK connections count in ws_tcp_lr_sent.) */
		c->retrans_bytes += len + !!(flags & TH_FIN);
		c->tw->st->retransmit_bytes += len + !!(flags & TH_FIN);
	}
	end = c->snd_una + len + !!(flags & TH_FIN);
	if (SEQ_LT(c->snd_nxt, end))
		c->snd_nxt = end;
	if (SEQ_LT(c->snd_max, end))
		c->snd_max = end;
}

/*
 * Send [seq, end) of record r again ('end' may stop short of the record's
 * end; the FIN goes with its last piece), in segments of at most an MSS.
 * Returns false when a segment could not be built.
 */
static bool
resend_range(struct ws_tcp_conn *c, const struct ws_tcp_rec *r, uint32_t seq)
{
	bool fin = r->flags & WS_TCP_REC_FIN;
	uint32_t dend = r->end - fin, len;
	uint8_t flags;

	do {
		len = ws_min32(dend - seq, c->mss);
		flags = TH_ACK;
		if (seq + len == dend && fin)
			flags |= TH_FIN;
		if (len != 0 && seq + len == ws_tcp_fin_seq(c))
			flags |= TH_PSH;
		c->retransmits++;
		c->tw->st->retransmits++;
		if (c->ca_state == WS_TCP_CA_RECOVERY)
			c->tw->st->fast_retransmits++;
		if (xmit(c, seq, flags, len) < 0)
			return false;
		seq += len;
	} while (seq != dend);
	return true;
}

void
ws_tcp_output_lost(struct ws_tcp_conn *c)
{
	struct ws_tcp_rec *r;
	uint32_t pipe, cong, len;

	while ((r = ws_tcp_lr_next_lost(c)) != NULL) {
		pipe = ws_tcp_lr_pipe(c);
		cong = c->cwnd > pipe ? c->cwnd - pipe : 0;
		len = ws_min32(r->end - r->seq, c->mss);
		if (cong < len)
			break;
		/*
		 * A record is resent whole: one made of several segments
		 * (the pool ran dry) goes at once rather than be split.
		 */
		if (!resend_range(c, r, r->seq))
			break;
		ws_tcp_lr_mark_rtx(c, r);
	}
}

bool
ws_tcp_send_tlp(struct ws_tcp_conn *c, bool *rtx)
{
	uint32_t prior_max = c->snd_max, off = c->snd_nxt - c->snd_una;
	struct ws_tcp_rec *r = c->lr.tail;
	uint32_t dend, seq;

	/* New data if there is some and the peer's window takes it. */
	if (c->sb_len > off && c->snd_wnd > off) {
		c->lr.tlp_force = true;
		ws_tcp_output(c);
		c->lr.tlp_force = false;
		if (c->snd_max != prior_max) {
			*rtx = false;
			return true;
		}
	}
	if (r == NULL || (r->flags & WS_TCP_REC_SACKED))
		return false;
	/* Else the last segment again. */
	dend = r->end - !!(r->flags & WS_TCP_REC_FIN);
	seq = dend - r->seq > c->mss ? dend - c->mss : r->seq;
	if (!resend_range(c, r, seq))
		return false;
	ws_tcp_lr_mark_rtx(c, r);
	*rtx = true;
	return true;
}

void
ws_tcp_send_probe(struct ws_tcp_conn *c)
{
	/*
	 * Both probes carry no data and a sequence the peer has already
	 * seen (SHLD-12; Linux's window probe), so the peer answers with an
	 * ACK and its window. A zero-window probe of new data would put
	 * SND.MAX past the peer's window, and every later ACK of ours would
	 * be out of window there until the window opened.
	 */
	xmit(c, c->snd_una - 1, TH_ACK, 0);
}

/*
 * Pacing ([tcp] pacing, ws_tcp_set_pacing): new data leaves at
 * cwnd / srtt, twice that in slow start and 1.2 times in congestion
 * avoidance (Linux's tcp_update_pacing_rate), so a window is spread
 * over the RTT instead of queueing at the bottleneck in one burst. A
 * budget of bytes refills with the time passed; when it is spent the
 * pacing timer resumes output. The timer wheel ticks every millisecond,
 * so what is paced is 1 ms bursts: the budget holds at most 2 ms of the
 * rate (a tick may fire a tick late) and at least 2 segments. Without
 * an RTT sample yet there is no rate, and nothing is held back. Only
 * new data is paced; retransmissions go at once.
 */
#define PACE_BURST_TICKS	2	/* ms of the rate the budget holds */

/* Bytes per tick of the worker's clock. */
static double
pace_rate(const struct ws_tcp_conn *c)
{
	double r = (double)c->cwnd * 1000.0 /
		((double)c->srtt_us * (double)c->tw->ms_div);

	return c->cwnd < c->ssthresh ? 2.0 * r : 1.2 * r;
}

static void
pace_refill(struct ws_tcp_conn *c)
{
	uint64_t now = c->tw->w->now;
	double rate, cap, b;

	if (c->srtt_us == 0)
		return;
	rate = pace_rate(c);
	cap = RTE_MAX(rate * PACE_BURST_TICKS * (double)c->tw->ms_div,
		2.0 * c->mss);
	b = (double)c->pace_budget + rate * (double)(now - c->pace_last);
	c->pace_budget = (int64_t)RTE_MIN(b, cap);
	c->pace_last = now;
}

/* The budget is spent: output again once it has refilled. */
static void
pace_wait(struct ws_tcp_conn *c)
{
	struct ws_tcp_worker *tw = c->tw;
	double ticks;

	if (ws_timer_armed(&c->pace_timer))
		return;
	ticks = (double)(1 - c->pace_budget) / pace_rate(c);
	ws_timer_arm(&tw->wheel, &c->pace_timer, tw->w->now +
		(uint64_t)RTE_MIN(ticks + 1, 1e3 * (double)tw->ms_div));
	tw->st->paced_waits++;
}

/*
 * Send new data (and the FIN) as far as the send window, the congestion
 * window, Nagle (SHLD-7, MUST-17) and sender SWS avoidance (MUST-38)
 * allow; then any ACK still owed.
 */
void
ws_tcp_output(struct ws_tcp_conn *c)
{
	uint32_t off, unsent, wnd, usable, len, pipe;
	uint8_t flags;
	bool fin;

	if (c->dead)
		return;
	switch (c->state) {
	case WS_TCP_ESTABLISHED:
	case WS_TCP_CLOSE_WAIT:
	case WS_TCP_FIN_WAIT_1:
	case WS_TCP_CLOSING:
	case WS_TCP_LAST_ACK:
		break;
	case WS_TCP_FIN_WAIT_2:
	case WS_TCP_TIME_WAIT:
		if (c->ack_now)
			ws_tcp_ack_owed(c);
		return;
	default:
		return;
	}
	if (c->snd_max == c->snd_una && c->last_tx != 0 &&
			c->tw->w->now - c->last_tx >
			(uint64_t)c->rto_ms * c->tw->ms_div)
		c->cc->on_idle(c);
	if (c->pacing)
		pace_refill(c);
	if (c->sack_ok)
		ws_tcp_output_lost(c);
	for (;;) {
		off = c->snd_nxt - c->snd_una;
		unsent = c->sb_len > off ? c->sb_len - off : 0;
		if (c->sack_ok) {
			/*
			 * RFC 6675: the window less what the scoreboard says
			 * is in the network (PRR sets cwnd in recovery); a
			 * tail loss probe may go one segment past it.
			 */
			pipe = ws_tcp_lr_pipe(c);
			wnd = (c->cwnd > pipe ? c->cwnd - pipe : 0) +
				(c->lr.tlp_force ? c->mss : 0);
			usable = ws_min32(wnd, c->snd_wnd > off ?
				c->snd_wnd - off : 0);
		} else {
			/* RFC 3042 Limited Transmit: a segment per dup ACK. */
			wnd = ws_min32(c->snd_wnd, c->cwnd +
				(c->in_recovery ? 0u :
				ws_min32(c->dupacks, 2) * c->mss));
			usable = wnd > off ? wnd - off : 0;
		}
		len = ws_min32(ws_min32(unsent, usable), c->mss);
		fin = fin_pending_at(c, c->snd_nxt + len) &&
			len == unsent;
		if (len == 0 && !fin)
			break;
		if (len != 0 && len < c->mss && len < unsent) {
			/* Window-limited runt: only a big share (SWS). */
			if (c->max_snd_wnd == 0 || len < c->max_snd_wnd / 2)
				break;
		} else if (len != 0 && len < c->mss && !c->nodelay &&
				c->snd_nxt != c->snd_una && !fin) {
			/* Nagle: a small tail waits for the ACK. */
			break;
		}
		if (len != 0 && c->pacing && c->srtt_us != 0 &&
				c->pace_budget <= 0) {
			pace_wait(c);
			break;
		}
		flags = TH_ACK;
		if (fin)
			flags |= TH_FIN;
		if (len != 0 && len == unsent)
			flags |= TH_PSH;	/* MUST-61 */
		if (!c->rtt_timing && !c->ts_ok && len != 0 &&
				c->snd_nxt == c->snd_max) {
			c->rtt_timing = 1;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start = c->tw->w->now;
		}
		if (xmit(c, c->snd_nxt, flags, len) < 0)
			break;
		if (c->pacing)
			c->pace_budget -= len;
		c->lr.tlp_force = false;
		c->snd_nxt += len + (fin ? 1 : 0);
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (ws_tcp_flight(c) > c->flight_hi)
			c->flight_hi = ws_tcp_flight(c);
		if (fin)
			break;
	}
	if (c->ack_now)
		ws_tcp_ack_owed(c);
	ws_tcp_rtx_restart(c);
	ws_tcp_check(c);
}
