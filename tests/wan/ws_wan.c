/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The WAN emulator (ws_wan.h): links, two hosts on a path, the event
 * loop, and the bulk-transfer scenario the test and the benchmark share.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "ws_tcp_priv.h"
#include "ws_wan.h"

/* RTE_MIN/RTE_MAX nested shadow each other's locals. */
static inline uint64_t
wmin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline uint64_t
wmax(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* ------------------------------------------------------------------ */
/* PRNG.                                                               */

void
ws_wan_rng_seed(struct ws_wan_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t
ws_wan_rng_next(struct ws_wan_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
ws_wan_rng_unit(struct ws_wan_rng *r)
{
	return (double)(ws_wan_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------ */
/* One link.                                                           */

int
ws_wan_link_init(struct ws_wan_link *l, const struct ws_wan_dir *cfg,
		uint64_t seed)
{
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	l->trace = getenv("WS_WAN_TRACE") != NULL;
	/* Different streams for the two directions of one seed. */
	ws_wan_rng_seed(&l->rng, seed);
	l->q_cap = 1024;
	l->q_done = malloc(l->q_cap * sizeof(*l->q_done));
	l->q_len = malloc(l->q_cap * sizeof(*l->q_len));
	l->heap_cap = 1024;
	l->heap = malloc(l->heap_cap * sizeof(*l->heap));
	l->got_cap = 64;
	l->got = malloc(l->got_cap * sizeof(*l->got));
	if (l->q_done == NULL || l->q_len == NULL || l->heap == NULL ||
			l->got == NULL) {
		ws_wan_link_fini(l);
		return -ENOMEM;
	}
	return 0;
}

void
ws_wan_link_fini(struct ws_wan_link *l)
{
	uint32_t i;

	for (i = 0; i < l->heap_n; i++)
		rte_pktmbuf_free(l->heap[i].m);
	l->heap_n = 0;
	free(l->q_done);
	free(l->q_len);
	free(l->heap);
	free(l->got);
	l->q_done = NULL;
	l->q_len = NULL;
	l->heap = NULL;
	l->got = NULL;
}

static bool
frame_before(const struct ws_wan_frame *x, const struct ws_wan_frame *y)
{
	return x->at < y->at || (x->at == y->at && x->order < y->order);
}

static void
heap_push(struct ws_wan_link *l, struct ws_wan_frame *f)
{
	uint32_t i, up;

	if (l->heap_n == l->heap_cap) {
		struct ws_wan_frame *h = realloc(l->heap,
			2 * (size_t)l->heap_cap * sizeof(*h));

		if (h == NULL) {
			/* Out of memory: lose the frame, as a full link. */
			rte_pktmbuf_free(f->m);
			l->n.queue_drops++;
			return;
		}
		l->heap = h;
		l->heap_cap *= 2;
	}
	f->order = l->order++;
	i = l->heap_n++;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!frame_before(f, &l->heap[up]))
			break;
		l->heap[i] = l->heap[up];
		i = up;
	}
	l->heap[i] = *f;
}

static void
heap_pop(struct ws_wan_link *l, struct ws_wan_frame *out)
{
	struct ws_wan_frame last;
	uint32_t i = 0, c;

	*out = l->heap[0];
	last = l->heap[--l->heap_n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= l->heap_n)
			break;
		if (c + 1 < l->heap_n && frame_before(&l->heap[c + 1],
				&l->heap[c]))
			c++;
		if (!frame_before(&l->heap[c], &last))
			break;
		l->heap[i] = l->heap[c];
		i = c;
	}
	if (l->heap_n > 0)
		l->heap[i] = last;
}

/* What the link needs to know of a frame. */
struct frame_info {
	bool ipv4;
	bool tcp;
	bool syn;
	uint32_t ip_len;
	uint32_t seq;
	uint32_t data_len;
};

static void
frame_parse(const struct rte_mbuf *m, struct frame_info *fi)
{
	uint8_t buf[14 + 60 + 20];
	const uint8_t *p;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t ihl, doff, len = wmin(m->pkt_len, (uint32_t)sizeof(buf));

	memset(fi, 0, sizeof(*fi));
	fi->ip_len = m->pkt_len > 14 ? m->pkt_len - 14 : m->pkt_len;
	p = rte_pktmbuf_read(m, 0, len, buf);
	if (p == NULL || len < 14 + 20 || p[12] != 0x08 || p[13] != 0x00)
		return;
	fi->ipv4 = true;
	ip = (const struct rte_ipv4_hdr *)(p + 14);
	ihl = (ip->version_ihl & 0xf) * 4u;
	fi->ip_len = rte_be_to_cpu_16(ip->total_length);
	/* Fragments are not segments we can name. */
	if (ip->next_proto_id != IPPROTO_TCP ||
			(rte_be_to_cpu_16(ip->fragment_offset) & 0x3fff) != 0 ||
			len < 14 + ihl + 20)
		return;
	th = (const struct rte_tcp_hdr *)(p + 14 + ihl);
	doff = (th->data_off >> 4) * 4u;
	fi->tcp = true;
	fi->syn = (th->tcp_flags & RTE_TCP_SYN_FLAG) != 0;
	fi->seq = rte_be_to_cpu_32(th->sent_seq);
	if (fi->ip_len > ihl + doff)
		fi->data_len = fi->ip_len - ihl - doff;
}

static bool
list_drop(struct ws_wan_link *l, uint64_t idx, uint64_t off)
{
	const struct ws_wan_dir *d = &l->cfg;
	unsigned int i;

	for (i = 0; i < d->n_drop_nth; i++)
		if (d->drop_nth[i] == idx)
			return true;
	if (d->drop_burst_len != 0 && idx >= d->drop_burst_at &&
			idx < (uint64_t)d->drop_burst_at + d->drop_burst_len)
		return true;
	if (d->drop_tail != 0 && d->tail_bytes != 0 &&
			off + (uint64_t)d->drop_tail * l->mss >= d->tail_bytes &&
			off < d->tail_bytes)
		return true;
	return false;
}

/* Ticks to serialize 'bytes' at the link's rate. */
static uint64_t
ser_ns(const struct ws_wan_link *l, uint64_t bytes)
{
	if (l->cfg.rate_bps == 0)
		return 0;
	return (bytes * 8 * WS_WAN_HZ + l->cfg.rate_bps - 1) /
		l->cfg.rate_bps;
}

static int
queue_push(struct ws_wan_link *l, uint64_t done, uint32_t len)
{
	uint32_t i;

	if (l->q_n == l->q_cap) {
		uint32_t cap = l->q_cap * 2;
		uint64_t *d = malloc(cap * sizeof(*d));
		uint32_t *n = malloc(cap * sizeof(*n));

		if (d == NULL || n == NULL) {
			free(d);
			free(n);
			return -ENOMEM;
		}
		for (i = 0; i < l->q_n; i++) {
			d[i] = l->q_done[(l->q_head + i) % l->q_cap];
			n[i] = l->q_len[(l->q_head + i) % l->q_cap];
		}
		free(l->q_done);
		free(l->q_len);
		l->q_done = d;
		l->q_len = n;
		l->q_head = 0;
		l->q_cap = cap;
	}
	i = (l->q_head + l->q_n++) % l->q_cap;
	l->q_done[i] = done;
	l->q_len[i] = len;
	l->q_bytes += len;
	if (l->q_bytes > l->n.max_queue_bytes)
		l->n.max_queue_bytes = l->q_bytes;
	return 0;
}

/*
 * WS_WAN_TRACE: each TCP frame as it enters the link (before any loss):
 * time, flags, SEQ, ACK, payload, window and SACK blocks. How a
 * scenario's figure was reached can be read off a run.
 */
static void
frame_trace(const struct ws_wan_link *l, const struct rte_mbuf *m,
		uint64_t now)
{
	uint8_t buf[14 + 60 + 60];
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	const uint8_t *p, *o;
	uint32_t len = wmin(m->pkt_len, (uint32_t)sizeof(buf));
	uint32_t ihl, doff, i, k;

	p = rte_pktmbuf_read(m, 0, len, buf);
	if (p == NULL || len < 14 + 40 || p[23] != IPPROTO_TCP)
		return;
	ip = (const struct rte_ipv4_hdr *)(p + 14);
	ihl = (ip->version_ihl & 0xf) * 4u;
	th = (const struct rte_tcp_hdr *)(p + 14 + ihl);
	doff = (th->data_off >> 4) * 4u;
	if (14 + ihl + doff > len)
		return;
	fprintf(stderr, "wan %p %.3f ms flags %02x seq %u ack %u len %u "
		"wnd %u", (const void *)l, (double)now / 1e6, th->tcp_flags,
		rte_be_to_cpu_32(th->sent_seq), rte_be_to_cpu_32(th->recv_ack),
		rte_be_to_cpu_16(ip->total_length) - ihl - doff,
		rte_be_to_cpu_16(th->rx_win));
	o = (const uint8_t *)th + 20;
	for (i = 0; i < doff - 20; ) {
		if (o[i] == 0)
			break;
		if (o[i] == 1 || i + 1 >= doff - 20 || o[i + 1] < 2) {
			i++;
			continue;
		}
		if (o[i] == 5)
			for (k = 2; k + 8 <= o[i + 1] && i + k + 8 <= doff - 20;
					k += 8)
				fprintf(stderr, " sack %u-%u",
					rte_be_to_cpu_32(*(const unaligned_uint32_t *)
						(o + i + k)),
					rte_be_to_cpu_32(*(const unaligned_uint32_t *)
						(o + i + k + 4)));
		i += o[i + 1];
	}
	fprintf(stderr, "\n");
}

void
ws_wan_link_send(struct ws_wan_link *l, struct rte_mbuf *m, uint64_t now)
{
	const struct ws_wan_dir *d = &l->cfg;
	struct ws_wan_frame f = { .m = m };
	struct frame_info fi;
	double u_loss, u_ge_move, u_ge_loss, u_reo, u_reo_by, u_dup;
	bool eligible, drop = false;
	uint64_t wire, start, done;

	frame_parse(m, &fi);
	if (l->trace)
		frame_trace(l, m, now);
	l->n.frames++;
	l->n.bytes += m->pkt_len;
	if (fi.syn) {
		l->have_isn = true;
		l->isn = fi.seq + 1;
		l->hi_off = 0;
	}
	if (fi.data_len > 0 && !l->have_isn) {
		/* Joined without a SYN: the stream starts here. */
		l->have_isn = true;
		l->isn = fi.seq;
		l->hi_off = 0;
	}
	if (fi.data_len > 0) {
		uint32_t hi32 = (uint32_t)l->hi_off;
		int32_t diff = (int32_t)((fi.seq - l->isn) - hi32);
		uint64_t off = (uint64_t)((int64_t)l->hi_off + diff);

		f.off = off;
		f.data_len = fi.data_len;
		l->n.data_segs++;
		l->n.data_bytes += fi.data_len;
		if (fi.data_len > l->mss)
			l->mss = fi.data_len;
		if (off + fi.data_len > l->hi_off) {
			/* A first transmission: the drop lists count these. */
			l->hi_off = off + fi.data_len;
			l->new_segs++;
			if (list_drop(l, l->new_segs, off)) {
				l->n.list_drops++;
				if (l->n.list_drop_at == 0)
					l->n.list_drop_at = now;
				l->n.list_drop_end = wmax(l->n.list_drop_end,
					off + fi.data_len);
				l->n.list_repaired_at = 0;
				drop = true;
			}
		}
	}
	eligible = fi.ipv4 && (d->all_frames || fi.data_len > 0);
	if (eligible) {
		/* Always the same draws per frame: settings do not shift them. */
		u_loss = ws_wan_rng_unit(&l->rng);
		u_ge_move = ws_wan_rng_unit(&l->rng);
		u_ge_loss = ws_wan_rng_unit(&l->rng);
		u_reo = ws_wan_rng_unit(&l->rng);
		u_reo_by = ws_wan_rng_unit(&l->rng);
		u_dup = ws_wan_rng_unit(&l->rng);
		if (d->ge_p > 0) {
			if (l->ge_bad)
				l->ge_bad = !(u_ge_move < d->ge_r);
			else
				l->ge_bad = u_ge_move < d->ge_p;
			if (!drop && u_ge_loss < (l->ge_bad ? d->ge_loss_bad :
					d->ge_loss_good)) {
				l->n.loss_drops++;
				drop = true;
			}
		}
		if (!drop && u_loss < d->loss) {
			l->n.loss_drops++;
			drop = true;
		}
	} else {
		u_reo = u_reo_by = u_dup = 1.0;
	}
	if (drop) {
		l->n.data_drop_bytes += f.data_len;
		rte_pktmbuf_free(m);
		return;
	}

	/* The bottleneck: what has been serialized by now has left it. */
	while (l->q_n > 0 && l->q_done[l->q_head] <= now) {
		l->q_bytes -= l->q_len[l->q_head];
		l->q_head = (l->q_head + 1) % l->q_cap;
		l->q_n--;
	}
	wire = fi.ip_len + d->overhead;
	if (d->rate_bps != 0 && ((d->queue_bytes != 0 &&
			l->q_bytes + wire > d->queue_bytes) ||
			(d->queue_pkts != 0 && l->q_n >= d->queue_pkts))) {
		l->n.queue_drops++;
		l->n.data_drop_bytes += f.data_len;
		rte_pktmbuf_free(m);
		return;
	}
	start = wmax(now, l->link_free);
	done = start + ser_ns(l, wire);
	if (d->rate_bps != 0) {
		l->link_free = done;
		if (queue_push(l, done, (uint32_t)wire) < 0) {
			l->n.queue_drops++;
			l->n.data_drop_bytes += f.data_len;
			rte_pktmbuf_free(m);
			return;
		}
	}
	f.at = done + d->delay_ns;
	if (u_reo < d->reorder) {
		if (d->reorder_delay_ns != 0)
			f.at += 1 + (uint64_t)(u_reo_by *
				(double)d->reorder_delay_ns);
		else
			/* Just behind the depth-th frame after it. */
			f.at += ser_ns(l, wire) * d->reorder_depth + 1;
		l->n.reordered++;
	}
	if (u_dup < d->dup) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);

		heap_push(l, &f);
		if (c != NULL) {
			f.m = c;
			f.dup = true;
			l->n.duplicated++;
			heap_push(l, &f);
		}
		return;
	}
	heap_push(l, &f);
}

uint64_t
ws_wan_link_next(const struct ws_wan_link *l)
{
	return l->heap_n > 0 ? l->heap[0].at : UINT64_MAX;
}

uint32_t
ws_wan_link_inflight(const struct ws_wan_link *l)
{
	return l->heap_n;
}

/*
 * Note [start, end) as delivered; returns how many of its bytes were new.
 * The ranges stay few: one, plus one per hole the receiver still has.
 */
static uint64_t
got_add(struct ws_wan_link *l, uint64_t start, uint64_t end)
{
	struct ws_wan_range *g = l->got;
	uint32_t lo = 0, hi = l->got_n, i, j;
	uint64_t had = 0, s = start, e = end;

	/* The first range that ends at or after 'start'. */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (g[mid].end < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Ranges i .. j-1 touch [start, end): merge them. */
	for (j = lo; j < l->got_n && g[j].start <= end; j++) {
		uint64_t os = wmax(g[j].start, start);
		uint64_t oe = wmin(g[j].end, end);

		if (oe > os)
			had += oe - os;
		s = wmin(s, g[j].start);
		e = wmax(e, g[j].end);
	}
	i = lo;
	if (j == i) {
		if (l->got_n == l->got_cap) {
			struct ws_wan_range *n = realloc(l->got,
				2 * (size_t)l->got_cap * sizeof(*n));

			if (n == NULL)
				return end - start;
			l->got = g = n;
			l->got_cap *= 2;
		}
		memmove(&g[i + 1], &g[i], (l->got_n - i) * sizeof(*g));
		l->got_n++;
	} else if (j > i + 1) {
		memmove(&g[i + 1], &g[j], (l->got_n - j) * sizeof(*g));
		l->got_n -= j - i - 1;
	}
	g[i].start = s;
	g[i].end = e;
	return end - start - had;
}

struct rte_mbuf *
ws_wan_link_recv(struct ws_wan_link *l, uint64_t now, uint64_t *at)
{
	struct ws_wan_frame f;
	uint64_t fresh;

	if (l->heap_n == 0 || l->heap[0].at > now)
		return NULL;
	heap_pop(l, &f);
	l->n.delivered++;
	l->n.delivered_bytes += f.m->pkt_len;
	if (f.data_len > 0) {
		l->n.data_rx_bytes += f.data_len;
		if (f.dup) {
			l->n.dup_data_bytes += f.data_len;
		} else {
			fresh = got_add(l, f.off, f.off + f.data_len);
			if (l->n.list_drop_at != 0 &&
					l->n.list_repaired_at == 0 &&
					l->got[0].start == 0 &&
					l->got[0].end >= l->n.list_drop_end)
				l->n.list_repaired_at = f.at;
			if (fresh < f.data_len) {
				l->n.spurious_segs++;
				l->n.spurious_bytes += f.data_len - fresh;
			}
		}
	}
	if (at != NULL)
		*at = f.at;
	return f.m;
}

/* ------------------------------------------------------------------ */
/* Hosts and the event loop.                                           */

#define HOST_A_IP RTE_IPV4(198u, 18, 0, 2)
#define HOST_B_IP RTE_IPV4(198u, 18, 0, 1)

static const struct rte_ether_addr mac_a = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr mac_b = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

void
ws_wan_eal_init(const char *prog, unsigned int mem_mb)
{
	char mem[16];
	char *argv[] = {
		(char *)(uintptr_t)prog, "--no-huge", "--no-shconf", "--no-pci",
		"--no-telemetry", "-m", mem, "-l", "0",
		"--log-level", "*:error", "--file-prefix", "ws_wan", NULL,
	};
	int argc = (int)RTE_DIM(argv) - 1;

	snprintf(mem, sizeof(mem), "%u", mem_mb);
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
}

/*
 * The defaults, with [tcp] congestion = 'cc' (NULL: the default one).
 */
static int
host_defaults(struct ws_config *cfg, const char *cc)
{
	ws_config_defaults(cfg);
	if (cc == NULL)
		return 0;
	if (strcmp(cc, "newreno") == 0)
		cfg->tcp.congestion = WS_TCP_CONGESTION_NEWRENO;
	else if (strcmp(cc, "cubic") == 0)
		cfg->tcp.congestion = WS_TCP_CONGESTION_CUBIC;
	else
		return -ENOTSUP;
	return 0;
}

bool
ws_wan_cc_available(const char *name)
{
	struct ws_config *cfg = malloc(sizeof(*cfg));
	bool ok;

	if (cfg == NULL)
		return false;
	ok = host_defaults(cfg, name) == 0;
	free(cfg);
	return ok;
}

static uint16_t
host_tx(struct ws_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct ws_wan_host *h = w->tx_ctx;
	uint16_t i;

	for (i = 0; i < n; i++)
		ws_wan_link_send(h->out, pkts[i], h->pair->now);
	return n;
}

static int
host_init(struct ws_wan_host *h, struct ws_wan_pair *p, bool is_a,
		const struct ws_wan_host_cfg *hc)
{
	static unsigned int seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct ws_tcp_config *t = &h->cfg.tcp;
	uint32_t ip = is_a ? HOST_A_IP : HOST_B_IP;
	struct ws_clock clock;
	uint32_t mbufs = is_a && hc->mbufs_a != 0 ? hc->mbufs_a : hc->mbufs;
	int ret;

	h->pair = p;
	h->out = is_a ? &p->ab : &p->ba;
	ret = host_defaults(&h->cfg, hc->cc);
	if (ret < 0) {
		fprintf(stderr, "ws_wan: congestion control '%s' is not "
			"available in this build\n", hc->cc);
		return ret;
	}
	h->cfg.workers.count = 1;
	h->cfg.workers.lcores[0] = 0;
	h->cfg.ip.addr = rte_cpu_to_be_32(ip);
	h->cfg.ip.prefix_len = 24;
	h->cfg.port.mtu = 1500;
	h->cfg.arp.reachable_ms = 3600000;
	h->cfg.arp.stale_ms = 3600000;
	t->max_connections = 8;
	/* Straight into the struct: past the key table's 16 MB bound. */
	t->rcvbuf = hc->rcvbuf;
	t->sndbuf = hc->sndbuf;
	/*
	 * Buffers sized for the path and fixed: the scenarios measure loss
	 * recovery and congestion control, not autotuning (which has its
	 * own tests), and a test's window must stay what it chose.
	 */
	t->rcvbuf_max = hc->rcvbuf;
	t->sndbuf_max = hc->sndbuf;
	t->ooo_segments = hc->ooo_segments;
	t->ooo_worker_segments = hc->ooo_segments;
	t->sndbuf_worker_mbufs = mbufs / 2;
	t->timestamps = true;
	t->window_scaling = true;
	t->sack = true;

	h->iface.mac = is_a ? mac_a : mac_b;
	ws_iface_set_addrs(&h->iface, rte_cpu_to_be_32(ip), 1);
	h->iface.netmask = rte_cpu_to_be_32(0xffffff00);
	h->iface.mtu = 1500;

	snprintf(name, sizeof(name), "wan_pkt_%u", seq);
	h->pool = rte_pktmbuf_pool_create(name, mbufs, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	snprintf(name, sizeof(name), "wan_ind_%u", seq++);
	h->indirect_pool = rte_pktmbuf_pool_create(name, 1023, 0, 0, 0,
		SOCKET_ID_ANY);
	if (h->pool == NULL || h->indirect_pool == NULL) {
		fprintf(stderr, "ws_wan: no pool of %u mbufs: %s\n",
			mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	h->ticks = p->now;
	ws_clock_init_manual(&clock, &h->ticks, WS_WAN_HZ);
	ret = ws_worker_init(&h->w, 0, &h->cfg, &h->iface, h->pool,
		h->indirect_pool, &clock, NULL, SOCKET_ID_ANY);
	if (ret < 0) {
		fprintf(stderr, "ws_wan: worker: %s\n", strerror(-ret));
		return ret;
	}
	h->w.tx_fn = host_tx;
	h->w.tx_ctx = h;
	return 0;
}

static void
host_fini(struct ws_wan_host *h)
{
	if (h->w.tcp != NULL)
		ws_worker_fini(&h->w);
}

static void
host_free_pools(struct ws_wan_host *h)
{
	rte_mempool_free(h->pool);
	rte_mempool_free(h->indirect_pool);
	h->pool = NULL;
	h->indirect_pool = NULL;
}

static uint64_t
path_bdp(const struct ws_wan_dir *ab, const struct ws_wan_dir *ba)
{
	uint64_t rtt = ab->delay_ns + ba->delay_ns;

	return (uint64_t)((double)ab->rate_bps / 8 * (double)rtt / 1e9);
}

int
ws_wan_pair_init(struct ws_wan_pair *p, const struct ws_wan_dir *ab,
		const struct ws_wan_dir *ba, const struct ws_wan_host_cfg *hc,
		uint64_t seed)
{
	struct ws_wan_dir dab = *ab, dba = *ba;
	int ret;

	memset(p, 0, sizeof(*p));
	/* A default queue of one BDP, and never less than two frames. */
	if (dab.queue_bytes == 0 && dab.queue_pkts == 0)
		dab.queue_bytes = wmax(path_bdp(ab, ba), 3000ul);
	if (dba.queue_bytes == 0 && dba.queue_pkts == 0)
		dba.queue_bytes = wmax(path_bdp(ba, ab), 3000ul);
	p->now = 1000 * WS_WAN_HZ;	/* well away from zero */
	ret = ws_wan_link_init(&p->ab, &dab, seed * 2 + 1);
	if (ret == 0)
		ret = ws_wan_link_init(&p->ba, &dba, seed * 2 + 2);
	if (ret == 0)
		ret = host_init(&p->a, p, true, hc);
	if (ret == 0)
		ret = host_init(&p->b, p, false, hc);
	if (ret < 0)
		ws_wan_pair_fini(p);
	return ret;
}

void
ws_wan_pair_fini(struct ws_wan_pair *p)
{
	/* Hosts hold each other's mbufs: every holder goes before a pool. */
	host_fini(&p->a);
	host_fini(&p->b);
	ws_wan_link_fini(&p->ab);
	ws_wan_link_fini(&p->ba);
	host_free_pools(&p->a);
	host_free_pools(&p->b);
}

static void
set_time(struct ws_wan_pair *p, uint64_t now)
{
	p->now = now;
	p->a.ticks = now;
	p->a.w.now = now;
	p->b.ticks = now;
	p->b.w.now = now;
}

void
ws_wan_host_flush(struct ws_wan_host *h)
{
	h->w.now = h->pair->now;
	ws_tcp_flush(&h->w);
	ws_tx_flush(&h->w);
}

/* When the host's timers next have work: the TCP wheel's next slot. */
static uint64_t
timer_next(const struct ws_wan_host *h)
{
	const struct ws_tcp_worker *tw = h->w.tcp;

	if (tw == NULL || tw->wheel.armed == 0)
		return UINT64_MAX;
	return tw->wheel.next_tick;
}

static void
deliver(struct ws_wan_pair *p, struct ws_wan_link *l, struct ws_wan_host *h)
{
	struct rte_mbuf *pkts[WS_BURST];
	uint16_t n = 0;

	/* Frames arriving at one instant make one burst, as a poll would. */
	while (n < WS_BURST &&
			(pkts[n] = ws_wan_link_recv(l, p->now, NULL)) != NULL) {
		n++;
		if (n == WS_BURST) {
			ws_worker_input(&h->w, pkts, n);
			ws_tx_flush(&h->w);
			n = 0;
		}
	}
	if (n > 0) {
		ws_worker_input(&h->w, pkts, n);
		ws_tx_flush(&h->w);
	}
}

uint64_t
ws_wan_pair_run(struct ws_wan_pair *p, uint64_t until)
{
	uint64_t events = 0, next, ta, tb;

	while (!p->quiet) {
		next = wmin(ws_wan_link_next(&p->ab),
			ws_wan_link_next(&p->ba));
		ta = timer_next(&p->a);
		tb = timer_next(&p->b);
		next = wmin(next, wmin(ta, tb));
		if (next > until) {
			if (until > p->now)
				set_time(p, until);
			break;
		}
		if (next > p->now)
			set_time(p, next);
		deliver(p, &p->ab, &p->b);
		deliver(p, &p->ba, &p->a);
		if (p->now >= ta) {
			ws_worker_timers(&p->a.w);
			ws_tx_flush(&p->a.w);
		}
		if (p->now >= tb) {
			ws_worker_timers(&p->b.w);
			ws_tx_flush(&p->b.w);
		}
		events++;
	}
	return events;
}

/* ------------------------------------------------------------------ */
/* The bulk-transfer scenario.                                         */

#define PAT_PERIOD 65536u
#define SEND_CHUNK 65536u

static uint8_t pattern[PAT_PERIOD + SEND_CHUNK];

static void
pattern_init(void)
{
	uint32_t i;

	if (pattern[1] != 0)
		return;
	for (i = 0; i < sizeof(pattern); i++) {
		uint32_t k = i % PAT_PERIOD;

		pattern[i] = (uint8_t)(k * 31 + (k >> 8) + 1);
	}
}

struct run {
	const struct ws_wan_scenario *s;
	struct ws_wan_pair *p;
	struct ws_tcp_conn *server, *client;
	uint64_t sent, received, bad;
	uint64_t connect_ns, last_ns;
	bool connected, done, closed_early;
};

static struct run *cur;

static void
server_push(struct ws_tcp_conn *c)
{
	struct run *r = cur;
	uint64_t left;
	uint32_t n;
	int ret;

	for (;;) {
		left = r->s->bytes != 0 ? r->s->bytes - r->sent : SEND_CHUNK;
		if (left == 0)
			break;
		n = (uint32_t)wmin(left, (uint64_t)SEND_CHUNK);
		ret = ws_tcp_send(c, pattern + r->sent % PAT_PERIOD, n);
		if (ret <= 0)
			return;
		r->sent += (uint32_t)ret;
		if ((uint32_t)ret < n)
			return;
	}
	ws_tcp_close(c);
}

static int
server_accepted(struct ws_tcp_conn *c, void *arg)
{
	RTE_SET_USED(arg);
	cur->server = c;
	server_push(c);
	return 0;
}

static void
server_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	RTE_SET_USED(why);
	if (cur->server == c)
		cur->server = NULL;
}

static const struct ws_tcp_ops server_ops = {
	.accepted = server_accepted,
	.writable = server_push,
	.closed = server_closed,
};

static void
client_connected(struct ws_tcp_conn *c)
{
	RTE_SET_USED(c);
	cur->connected = true;
	cur->connect_ns = cur->p->now;
}

static uint32_t
client_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct run *r = cur;

	RTE_SET_USED(c);
	if (r->s->verify) {
		const struct rte_mbuf *seg = m;
		uint32_t i = 0, k, n;

		while (off >= seg->data_len) {
			off -= seg->data_len;
			seg = seg->next;
		}
		while (i < len) {
			const uint8_t *d = rte_pktmbuf_mtod_offset(seg,
				const uint8_t *, off);

			n = wmin(len - i, (uint32_t)seg->data_len - off);
			for (k = 0; k < n; k++)
				if (d[k] != pattern[(r->received + i + k) %
						PAT_PERIOD])
					r->bad++;
			i += n;
			off = 0;
			seg = seg->next;
		}
	}
	r->received += len;
	r->last_ns = r->p->now;
	if (r->s->bytes != 0 && r->received >= r->s->bytes) {
		r->done = true;
		r->p->quiet = true;
	}
	return len;
}

static void
client_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	RTE_SET_USED(why);
	if (cur->client == c) {
		cur->client = NULL;
		if (!cur->done)
			cur->closed_early = true;
	}
}

static const struct ws_tcp_ops client_ops = {
	.connected = client_connected,
	.data = client_data,
	.closed = client_closed,
};

double
ws_wan_model_bps(double p, double rtt_s, uint32_t mss)
{
	const double c = 0.4, beta = 0.7;
	double w_cubic, w_aimd;

	if (p <= 0 || rtt_s <= 0)
		return 0;
	/* RFC 9438 §5.1: AVG_W_cubic, and AVG_W_aimd with alpha_aimd. */
	w_cubic = pow(c * (3 + beta) / (4 * (1 - beta)), 0.25) *
		pow(rtt_s, 0.75) / pow(p, 0.75);
	w_aimd = sqrt(3.0 * (1 - beta) / (1 + beta) * (1 + beta) /
		(2 * (1 - beta) * p));
	return fmax(w_cubic, w_aimd) * mss * 8 / rtt_s;
}

static double
real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
ws_wan_run(const struct ws_wan_scenario *s, struct ws_wan_result *res)
{
	struct ws_wan_pair *p;
	struct ws_wan_host_cfg hc = { .cc = s->cc };
	struct ws_wan_dir data = s->data, ack = s->ack;
	struct run r = { .s = s };
	uint64_t rtt = s->data.delay_ns + s->ack.delay_ns, bdp, queue, pipe;
	uint64_t t_half, t_end, at_half, deadline;
	uint64_t wire_pkts;
	double t0 = real_now();
	int ret;

	memset(res, 0, sizeof(*res));
	pattern_init();
	bdp = path_bdp(&s->data, &s->ack);
	if (data.queue_bytes == 0 && data.queue_pkts == 0)
		data.queue_bytes = wmax(bdp, 3000ul);
	queue = data.queue_bytes != 0 ? data.queue_bytes :
		(uint64_t)data.queue_pkts * 1500;
	if (data.rate_bps == 0)
		queue = 0;
	/*
	 * Buffers: 1.5 times what the path holds (BDP + queue), so that the
	 * congestion window, not a buffer, limits the sender.
	 */
	pipe = bdp + queue;
	hc.rcvbuf = s->rcvbuf != 0 ? s->rcvbuf :
		(uint32_t)wmin(wmax(pipe * 3 / 2, 262144ul),
		(uint64_t)UINT32_MAX / 2);
	hc.sndbuf = s->sndbuf != 0 ? s->sndbuf : hc.rcvbuf;
	/* Out-of-order room for the whole window, as the receive buffer. */
	hc.ooo_segments = hc.rcvbuf / 1448 + 64;
	/*
	 * Mbufs: each host's send buffer (in 2 KB mbufs), a window of
	 * frames on the path or in the peer's out-of-order queue, and room.
	 */
	wire_pkts = (uint64_t)hc.rcvbuf / 1448;
	hc.mbufs = (uint32_t)(hc.sndbuf / 2048 + 2 * wire_pkts + 8192);
	/* The client sends ACKs only: about one per two segments. */
	hc.mbufs_a = (uint32_t)(wire_pkts / 2 + 8192);

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	ret = ws_wan_pair_init(p, &ack, &data, &hc, s->seed);
	if (ret < 0) {
		free(p);
		return ret;
	}
	r.p = p;
	cur = &r;
	ret = ws_tcp_listen_worker(&p->b.w, 8080, &server_ops, NULL);
	if (ret == 0) {
		r.client = ws_tcp_connect(&p->a.w, rte_cpu_to_be_32(HOST_B_IP),
			8080, &client_ops, NULL);
		if (r.client == NULL)
			ret = -rte_errno;
	}
	if (ret < 0) {
		ws_wan_pair_fini(p);
		free(p);
		cur = NULL;
		return ret;
	}
	ws_wan_host_flush(&p->a);

	/* The handshake (an ARP exchange first). */
	deadline = p->now + 30 * WS_WAN_HZ;
	while (!r.connected && !r.closed_early && p->now < deadline)
		ws_wan_pair_run(p, p->now + rtt + WS_WAN_HZ / 1000);
	res->rtt_ns = rtt;
	res->link_bps = s->data.rate_bps;
	if (!r.connected) {
		ret = -ETIMEDOUT;
		goto out;
	}
	res->connect_ns = r.connect_ns;
	if (s->bytes == 0) {
		/* Timed: goodput over the whole run and its second half. */
		t_end = r.connect_ns + s->duration_ns;
		t_half = r.connect_ns + s->duration_ns / 2;
		res->events += ws_wan_pair_run(p, t_half);
		at_half = r.received;
		res->events += ws_wan_pair_run(p, t_end);
		res->sim_ns = t_end - r.connect_ns;
		res->goodput_bps = (uint64_t)((double)r.received * 8e9 /
			(double)res->sim_ns);
		res->goodput2_bps = (uint64_t)((double)(r.received - at_half) *
			8e9 / (double)(t_end - t_half));
	} else {
		deadline = r.connect_ns + (s->duration_ns != 0 ?
			s->duration_ns : 600 * WS_WAN_HZ);
		res->events += ws_wan_pair_run(p, deadline);
		res->completed = r.done;
		res->sim_ns = (r.done ? r.last_ns : p->now) - r.connect_ns;
		if (res->sim_ns > 0)
			res->goodput_bps = (uint64_t)((double)r.received *
				8e9 / (double)res->sim_ns);
		res->goodput2_bps = res->goodput_bps;
	}
	res->bytes = r.received;
	res->intact = r.bad == 0;
	{
		const struct ws_tcp_stats *st = &p->b.w.stats.tcp;
		const struct ws_wan_link *dl = &p->ba;

		res->rto_count = st->rto_expired;
		res->fast_retransmits = st->fast_retransmits;
		res->retransmits = st->retransmits;
		res->data_segs_tx = dl->n.data_segs;
		res->retransmitted_bytes = dl->n.data_bytes - dl->hi_off;
		res->lost_bytes = dl->n.data_drop_bytes;
		res->spurious_bytes = dl->n.spurious_bytes;
		res->spurious_retransmits = dl->n.spurious_segs;
		res->mss = dl->mss;
		if (dl->n.list_repaired_at != 0)
			res->recovery_ns = dl->n.list_repaired_at -
				dl->n.list_drop_at;
		res->data_link = dl->n;
		res->ack_link = p->ab.n;
	}
out:
	/* Both ends go quietly: the figures are taken. */
	if (r.client != NULL)
		ws_tcp_abort(r.client);
	ws_wan_pair_fini(p);
	free(p);
	cur = NULL;
	res->real_s = real_now() - t0;
	return ret;
}

/* ------------------------------------------------------------------ */
/* The table of scenarios and their goals.                             */

#define MS_NS 1000000ull

/* Slow start's length in RTTs to fill a pipe of 'pkts' from IW10. */
static unsigned int
ss_rtts(double pkts)
{
	/* One SMSS per ACK, an ACK per two segments: x1.5 a round. */
	return pkts <= 10 ? 1 : (unsigned int)ceil(log(pkts / 10) / log(1.5));
}

static struct ws_wan_row *
row_add(struct ws_wan_row *rows, unsigned int cap, unsigned int *n,
		uint64_t rate, uint64_t rtt_ms)
{
	struct ws_wan_row *r;

	if (*n >= cap)
		return NULL;
	r = &rows[(*n)++];
	memset(r, 0, sizeof(*r));
	r->s.data.rate_bps = rate;
	r->s.data.delay_ns = rtt_ms * MS_NS / 2;
	r->s.ack.rate_bps = rate;
	r->s.ack.delay_ns = rtt_ms * MS_NS / 2;
	r->s.seed = 1 + *n;
	r->s.name = r->name;
	return r;
}

static const char *
rate_name(uint64_t bps, char *buf, size_t len)
{
	if (bps >= 1000000000 && bps % 1000000000 == 0)
		snprintf(buf, len, "%" PRIu64 "G", bps / 1000000000);
	else
		snprintf(buf, len, "%" PRIu64 "M", bps / 1000000);
	return buf;
}

/*
 * A timed run long enough that its second half is past slow start and
 * long enough for 'events' congestion events at the model's rate, within
 * a packet budget.
 */
static uint64_t
timed_ns(uint64_t rate, uint64_t rtt_ms, double loss, unsigned int min_rtts,
		double max_pkts)
{
	double rtt = (double)rtt_ms / 1000, pps = (double)rate / 8 / 1500;
	double pipe = 2 * pps * rtt, d;

	d = rtt * wmax(2 * (ss_rtts(pipe) + 10), min_rtts);
	if (loss > 0) {
		double model = fmin(ws_wan_model_bps(loss, rtt, 1448),
			(double)rate) / 8 / 1448;

		d = fmax(d, (min_rtts > 100 ? 40 : 20) / (loss * model));
	}
	/* The packet budget bounds the real time a row takes. */
	d = fmin(d, fmax(max_pkts / pps, 20 * rtt));
	return (uint64_t)(d * 1e9);
}

unsigned int
ws_wan_table(struct ws_wan_row *rows, unsigned int cap, bool small)
{
	static const uint64_t rtts[] = { 1, 20, 100 };
	static const double losses[] = { 0.0001, 0.001, 0.01 };
	uint64_t rates[2] = { 1000000000ull, 10000000000ull };
	uint64_t lrate = 1000000000ull;
	double max_pkts = small ? 300000 : 8000000;
	unsigned int min_rtts = small ? 40 : 200;
	struct ws_wan_row *r;
	unsigned int n = 0, i, j;
	char rn[16];

	if (small) {
		rates[0] = 100000000ull;
		rates[1] = 1000000000ull;
	}
	/* No loss: the link after slow start. */
	for (i = 0; i < RTE_DIM(rates); i++) {
		for (j = 0; j < RTE_DIM(rtts); j++) {
			if (small && rates[i] > 100000000ull && rtts[j] > 20)
				continue;
			r = row_add(rows, cap, &n, rates[i], rtts[j]);
			if (r == NULL)
				return n;
			snprintf(r->name, sizeof(r->name), "clean %s %" PRIu64
				"ms", rate_name(rates[i], rn, sizeof(rn)),
				rtts[j]);
			r->s.duration_ns = timed_ns(rates[i], rtts[j], 0,
				min_rtts, max_pkts);
			r->goal = WS_WAN_GOAL_LINK;
		}
	}
	/* Random loss at 20 ms: the model. */
	for (i = 0; i < RTE_DIM(losses); i++) {
		r = row_add(rows, cap, &n, lrate, 20);
		if (r == NULL)
			return n;
		snprintf(r->name, sizeof(r->name), "loss %g%% %s 20ms",
			losses[i] * 100, rate_name(lrate, rn, sizeof(rn)));
		r->s.data.loss = losses[i];
		r->loss = losses[i];
		r->s.duration_ns = timed_ns(lrate, 20, losses[i], min_rtts,
			max_pkts);
		r->goal = WS_WAN_GOAL_MODEL;
	}
	/* Bursty loss (Gilbert-Elliott): mean loss 0.17%, bursts of ~3. */
	r = row_add(rows, cap, &n, lrate, 20);
	if (r == NULL)
		return n;
	snprintf(r->name, sizeof(r->name), "GE burst %s 20ms",
		rate_name(lrate, rn, sizeof(rn)));
	r->s.data.ge_p = 0.001;
	r->s.data.ge_r = 0.3;
	r->s.data.ge_loss_bad = 0.5;
	r->loss = 0.001 / 0.301 * 0.5;
	r->s.duration_ns = timed_ns(lrate, 20, r->loss, min_rtts, max_pkts);
	r->goal = WS_WAN_GOAL_NONE;
	/* Ten consecutive segments lost in one window: about one RTT. */
	r = row_add(rows, cap, &n, lrate, 20);
	if (r == NULL)
		return n;
	snprintf(r->name, sizeof(r->name), "burst of 10 %s 20ms",
		rate_name(lrate, rn, sizeof(rn)));
	r->s.bytes = 8u << 20;
	r->s.duration_ns = 60000 * MS_NS;
	r->s.data.drop_burst_at = 1000;
	r->s.data.drop_burst_len = 10;
	r->goal = WS_WAN_GOAL_RECOVERY;
	/* The last 3 segments of a 100 KB response: a TLP, not an RTO. */
	r = row_add(rows, cap, &n, lrate, 20);
	if (r == NULL)
		return n;
	snprintf(r->name, sizeof(r->name), "tail 3 of 100KB %s 20ms",
		rate_name(lrate, rn, sizeof(rn)));
	r->s.bytes = 100u << 10;
	r->s.duration_ns = 60000 * MS_NS;
	r->s.data.drop_tail = 3;
	r->s.data.tail_bytes = r->s.bytes;
	r->goal = WS_WAN_GOAL_NO_RTO;
	/* 3% reordered by up to a quarter RTT: few spurious resends. */
	r = row_add(rows, cap, &n, lrate, 20);
	if (r == NULL)
		return n;
	snprintf(r->name, sizeof(r->name), "reorder 3%% %s 20ms",
		rate_name(lrate, rn, sizeof(rn)));
	r->s.data.reorder = 0.03;
	r->s.data.reorder_delay_ns = 5 * MS_NS;
	r->s.duration_ns = timed_ns(lrate, 20, 0, min_rtts, max_pkts / 4);
	r->goal = WS_WAN_GOAL_SPURIOUS;
	/* 1% duplicated: the link. */
	r = row_add(rows, cap, &n, lrate, 20);
	if (r == NULL)
		return n;
	snprintf(r->name, sizeof(r->name), "dup 1%% %s 20ms",
		rate_name(lrate, rn, sizeof(rn)));
	r->s.data.dup = 0.01;
	r->s.duration_ns = timed_ns(lrate, 20, 0, min_rtts, max_pkts / 4);
	r->goal = WS_WAN_GOAL_LINK;
	return n;
}

void
ws_wan_judge(const struct ws_wan_row *row, const struct ws_wan_result *r,
		struct ws_wan_verdict *v)
{
	double link = (double)row->s.data.rate_bps;
	double rtt = (double)r->rtt_ns;

	memset(v, 0, sizeof(*v));
	if (row->loss > 0)
		v->model_bps = ws_wan_model_bps(row->loss, rtt / 1e9,
			r->mss != 0 ? r->mss : 1448);
	switch (row->goal) {
	case WS_WAN_GOAL_LINK:
		v->value = (double)r->goodput2_bps / link;
		v->target = 0.95;
		v->met = v->value >= v->target;
		snprintf(v->goal, sizeof(v->goal), ">= 95%% of link");
		snprintf(v->got, sizeof(v->got), "%.1f%% of link",
			v->value * 100);
		break;
	case WS_WAN_GOAL_MODEL:
		v->value = (double)r->goodput2_bps / fmin(v->model_bps, link);
		v->target = 0.9;
		v->met = v->value >= v->target;
		snprintf(v->goal, sizeof(v->goal), ">= 90%% of model");
		snprintf(v->got, sizeof(v->got), "%.1f%% of model",
			v->value * 100);
		break;
	case WS_WAN_GOAL_RECOVERY:
		v->value = r->recovery_ns != 0 ? (double)r->recovery_ns / rtt :
			INFINITY;
		v->target = 2;
		v->met = r->rto_count == 0 && r->completed &&
			v->value <= v->target;
		snprintf(v->goal, sizeof(v->goal), "no RTO, repair <= 2 RTT");
		snprintf(v->got, sizeof(v->got), "%" PRIu64 " RTO, %.1f RTT",
			r->rto_count, v->value);
		break;
	case WS_WAN_GOAL_NO_RTO:
		v->value = (double)r->rto_count;
		v->target = 0;
		v->met = r->rto_count == 0 && r->completed;
		snprintf(v->goal, sizeof(v->goal), "no RTO");
		snprintf(v->got, sizeof(v->got), "%" PRIu64 " RTO, %.1f RTT",
			r->rto_count, r->recovery_ns != 0 ?
			(double)r->recovery_ns / rtt : INFINITY);
		break;
	case WS_WAN_GOAL_SPURIOUS:
		v->value = r->data_segs_tx != 0 ?
			(double)r->spurious_retransmits /
			(double)r->data_segs_tx : 0;
		v->target = 0.01;
		v->met = v->value < v->target;
		snprintf(v->goal, sizeof(v->goal), "< 1%% spurious");
		snprintf(v->got, sizeof(v->got), "%.2f%% spurious",
			v->value * 100);
		break;
	default:
		v->met = true;
		snprintf(v->goal, sizeof(v->goal), "-");
		if (v->model_bps > 0)
			snprintf(v->got, sizeof(v->got), "%.1f%% of model",
				100.0 * (double)r->goodput2_bps /
				fmin(v->model_bps, link));
		else
			snprintf(v->got, sizeof(v->got), "%.1f%% of link",
				100.0 * (double)r->goodput2_bps / link);
		break;
	}
}
