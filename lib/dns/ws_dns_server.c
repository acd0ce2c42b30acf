/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The authoritative DNS responder: the zone compiled from [dns], the
 * query parser, the reply builder and the UDP glue. ws_dns_server.h says
 * what is answered how.
 *
 * The zone is one block: the header, the nodes, an open-addressing hash
 * table of node indices, the records grouped by node, then the owner
 * names and RDATA they point to. A node's name points into the owner name
 * of a record it is an ancestor of (a suffix of it), so the empty
 * non-terminals cost no bytes of names.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ws_dns.h"
#include "ws_dns_server.h"
#include "ws_log.h"
#include "ws_mbuf.h"
#include "ws_udp_api.h"
#include "ws_worker.h"

#define SOA_FIXED 20			/* SERIAL .. MINIMUM */
#define PTR_FLAG 0xc000
#define PTR_OFFSET_MAX 0x3fff
/* Names a reply can point to; later ones are written in full. */
#define COMP_MAX 64

struct zone_rr {
	uint16_t type;
	uint16_t rdlen;
	uint32_t ttl;
	const uint8_t *rdata;		/* names in it absolute, uncompressed */
};

struct zone_node {
	const uint8_t *name;		/* wire form, lower case */
	uint32_t hash;
	uint16_t name_len;
	uint16_t first;			/* rrs[first .. first + n_rrs) */
	uint16_t n_rrs;			/* 0: an empty non-terminal */
	uint16_t cname;			/* index of its CNAME + 1, or 0 */
};

struct ws_dns_zone {
	uint8_t apex[WS_DNS_NAME_MAX];	/* lower case */
	uint32_t apex_len;
	uint32_t neg_ttl;		/* RFC 2308: min(SOA TTL, MINIMUM) */
	uint16_t edns_size;
	uint16_t soa;			/* index of the SOA in rrs */
	uint32_t n_nodes;
	uint32_t mask;			/* table size - 1 */
	struct zone_node *nodes;
	uint32_t *table;		/* node index + 1; 0 = free slot */
	struct zone_rr *rrs;
};

struct ws_dns_server {
	struct ws_dns_zone *zone;
};

/* --------------------------------------------------------------------- */
/* The zone.                                                             */

/*
 * FNV-1a. Names sit at any alignment, which rte_jhash's word loads do not
 * like; only the zone's own names are ever inserted, so a peer cannot
 * make the probes long.
 */
static uint32_t
name_hash(const uint8_t *name, uint32_t len)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ name[i]) * 16777619u;
	return h;
}

/* The table slot holding 'name', or the free slot where it would go. */
static uint32_t
zone_slot(const struct ws_dns_zone *z, const uint8_t *name, uint32_t len,
		uint32_t hash)
{
	const struct zone_node *n;
	uint32_t i;

	/* The table is kept at most half full: a free slot ends the probe. */
	for (i = hash & z->mask; z->table[i] != 0; i = (i + 1) & z->mask) {
		n = &z->nodes[z->table[i] - 1];
		if (n->hash == hash && n->name_len == len &&
				memcmp(n->name, name, len) == 0)
			break;
	}
	return i;
}

/* The node of lower-case 'name', added (without records) if missing. */
static struct zone_node *
zone_node_get(struct ws_dns_zone *z, const uint8_t *name)
{
	uint32_t len = ws_dns_name_len(name);
	uint32_t hash = name_hash(name, len);
	uint32_t i = zone_slot(z, name, len, hash);
	struct zone_node *n;

	if (z->table[i] != 0)
		return &z->nodes[z->table[i] - 1];
	n = &z->nodes[z->n_nodes++];
	n->name = name;
	n->name_len = (uint16_t)len;
	n->hash = hash;
	z->table[i] = z->n_nodes;
	return n;
}

/* A record as the zone is being built: owner, then where it goes. */
struct zone_src {
	const uint8_t *owner;		/* lower case, inside the zone block */
	struct zone_rr rr;
};

static uint32_t
labels_below(const uint8_t *name, uint32_t apex_len)
{
	uint32_t n = 0, p = 0, len = ws_dns_name_len(name);

	while (len - p > apex_len) {
		p += 1u + name[p];
		n++;
	}
	return n;
}

/* SOA RDATA and the default NS target, from the [dns] keys. */
struct zone_soa {
	uint8_t rdata[2 * WS_DNS_NAME_MAX + SOA_FIXED];
	uint32_t rdlen;
	uint8_t mname[WS_DNS_NAME_MAX];
	uint32_t mname_len;
};

static int
zone_soa(const struct ws_dns_config *cfg, const uint8_t *apex,
		struct zone_soa *soa)
{
	const char *mname = cfg->mname[0] != '\0' ? cfg->mname : "ns1";
	const char *rname = cfg->rname[0] != '\0' ? cfg->rname : "hostmaster";
	uint8_t *p = soa->rdata;
	int n;

	n = ws_dns_name_from_text(mname, apex, soa->mname,
		sizeof(soa->mname));
	if (n < 0)
		return -EINVAL;
	soa->mname_len = (uint32_t)n;
	memcpy(p, soa->mname, soa->mname_len);
	p += n;
	n = ws_dns_name_from_text(rname, apex, p, WS_DNS_NAME_MAX);
	if (n < 0)
		return -EINVAL;
	p += n;
	ws_dns_put32(p, cfg->serial);
	ws_dns_put32(p + 4, cfg->refresh);
	ws_dns_put32(p + 8, cfg->retry);
	ws_dns_put32(p + 12, cfg->expire);
	ws_dns_put32(p + 16, cfg->minimum);
	soa->rdlen = (uint32_t)(p + SOA_FIXED - soa->rdata);
	return 0;
}

static bool
has_apex_ns(const struct ws_dns_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_records; i++)
		if (cfg->records[i].text[0] != '\0' &&
				cfg->records[i].type == WS_DNS_TYPE_NS)
			return true;
	return false;
}

/* Carves the block: the header, then each part 8-byte aligned. */
static size_t
zone_layout(uint32_t n_nodes, uint32_t table, uint32_t n_rrs,
		size_t *nodes_at, size_t *table_at, size_t *rrs_at,
		size_t *data_at)
{
	size_t at = RTE_ALIGN_CEIL(sizeof(struct ws_dns_zone), 8);

	*nodes_at = at;
	at = RTE_ALIGN_CEIL(at + n_nodes * sizeof(struct zone_node), 8);
	*table_at = at;
	at = RTE_ALIGN_CEIL(at + table * sizeof(uint32_t), 8);
	*rrs_at = at;
	at = RTE_ALIGN_CEIL(at + n_rrs * sizeof(struct zone_rr), 8);
	*data_at = at;
	return at;
}

struct ws_dns_zone *
ws_dns_zone_create(const struct ws_dns_config *cfg)
{
	const struct ws_dns_record *r;
	size_t nodes_at, table_at, rrs_at, data_at, data_len;
	uint32_t n_src = 0, n_nodes_max = 1, table = 1, i, p, len;
	uint8_t apex[WS_DNS_NAME_MAX], *data;
	struct zone_src *src = NULL;
	struct ws_dns_zone *z;
	struct zone_node *node;
	struct zone_soa soa;
	bool default_ns;
	int n;

	n = cfg->zone[0] == '\0' ? -1 :
		ws_dns_name_write(cfg->zone, apex, sizeof(apex));
	if (n < 0 || zone_soa(cfg, apex, &soa) < 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	ws_dns_name_lower(apex, apex);
	default_ns = !has_apex_ns(cfg);

	/* Sizes: every record's owner and RDATA are copied once. */
	data_len = (size_t)n + soa.rdlen + (default_ns ? soa.mname_len : 0);
	for (i = 0; i < cfg->n_records; i++) {
		r = &cfg->records[i];
		if (r->text[0] == '\0')
			continue;
		data_len += ws_dns_name_len(r->owner) + r->rdlen;
		n_nodes_max += labels_below(r->owner, (uint32_t)n);
	}
	while (table < 2 * n_nodes_max)
		table <<= 1;
	src = calloc(cfg->n_records + 2, sizeof(*src));
	z = rte_zmalloc("ws_dns_zone", zone_layout(n_nodes_max, table,
		cfg->n_records + 2, &nodes_at, &table_at, &rrs_at, &data_at) +
		data_len, RTE_CACHE_LINE_SIZE);
	if (src == NULL || z == NULL) {
		free(src);
		rte_free(z);
		rte_errno = ENOMEM;
		return NULL;
	}
	z->nodes = RTE_PTR_ADD(z, nodes_at);
	z->table = RTE_PTR_ADD(z, table_at);
	z->rrs = RTE_PTR_ADD(z, rrs_at);
	z->mask = table - 1;
	z->edns_size = cfg->edns_size;
	z->apex_len = (uint32_t)n;
	memcpy(z->apex, apex, z->apex_len);
	z->neg_ttl = RTE_MIN(cfg->ttl, cfg->minimum);
	data = RTE_PTR_ADD(z, data_at);

	/* The apex first: its name serves every record owned there. */
	memcpy(data, apex, z->apex_len);
	src[n_src++] = (struct zone_src){ .owner = data, .rr = {
		.type = WS_DNS_TYPE_SOA, .rdlen = (uint16_t)soa.rdlen,
		.ttl = cfg->ttl, .rdata = data + z->apex_len } };
	memcpy(data + z->apex_len, soa.rdata, soa.rdlen);
	data += z->apex_len + soa.rdlen;
	if (default_ns) {
		memcpy(data, soa.mname, soa.mname_len);
		src[n_src++] = (struct zone_src){ .owner = src[0].owner,
			.rr = { .type = WS_DNS_TYPE_NS,
			.rdlen = (uint16_t)soa.mname_len, .ttl = cfg->ttl,
			.rdata = data } };
		data += soa.mname_len;
	}
	for (i = 0; i < cfg->n_records; i++) {
		r = &cfg->records[i];
		if (r->text[0] == '\0')
			continue;
		len = ws_dns_name_len(r->owner);
		ws_dns_name_lower(r->owner, data);
		src[n_src] = (struct zone_src){ .owner = data, .rr = {
			.type = r->type, .rdlen = r->rdlen, .ttl = r->ttl,
			.rdata = data + len } };
		memcpy(data + len, r->rdata, r->rdlen);
		data += len + r->rdlen;
		n_src++;
	}

	/* Nodes with their record counts, and every ancestor. */
	for (i = 0; i < n_src; i++) {
		node = zone_node_get(z, src[i].owner);
		node->n_rrs++;
		len = ws_dns_name_len(src[i].owner);
		for (p = 0; len - p > z->apex_len; p += 1u + src[i].owner[p])
			zone_node_get(z, src[i].owner + p + 1 +
				src[i].owner[p]);
	}
	for (i = 0, p = 0; i < z->n_nodes; i++) {
		z->nodes[i].first = (uint16_t)p;
		p += z->nodes[i].n_rrs;
		z->nodes[i].n_rrs = 0;
	}
	/* Records grouped by node, each group in config order. */
	for (i = 0; i < n_src; i++) {
		node = zone_node_get(z, src[i].owner);
		p = node->first + node->n_rrs++;
		z->rrs[p] = src[i].rr;
		if (src[i].rr.type == WS_DNS_TYPE_CNAME)
			node->cname = (uint16_t)(p + 1);
		if (src[i].rr.type == WS_DNS_TYPE_SOA)
			z->soa = (uint16_t)p;
	}
	free(src);
	return z;
}

void
ws_dns_zone_free(struct ws_dns_zone *z)
{
	rte_free(z);
}

unsigned int
ws_dns_zone_names(const struct ws_dns_zone *z)
{
	return z->n_nodes;
}

static const struct zone_node *
zone_lookup(const struct ws_dns_zone *z, const uint8_t *name_lc)
{
	uint32_t len = ws_dns_name_len(name_lc);
	uint32_t i = zone_slot(z, name_lc, len, name_hash(name_lc, len));

	return z->table[i] != 0 ? &z->nodes[z->table[i] - 1] : NULL;
}

/* --------------------------------------------------------------------- */
/* Queries.                                                              */

static void
count_malformed(struct ws_dns_stats *st, int err)
{
	switch (-err) {
	case WS_DNS_E_SHORT:
		st->drop_short++;
		break;
	case WS_DNS_E_COUNTS:
		st->drop_counts++;
		break;
	case WS_DNS_E_LABEL_LONG:
		st->drop_label_long++;
		break;
	case WS_DNS_E_NAME_LONG:
		st->drop_name_long++;
		break;
	case WS_DNS_E_PTR_LOOP:
		st->drop_ptr_loop++;
		break;
	case WS_DNS_E_PTR_BAD:
		st->drop_ptr_bad++;
		break;
	case WS_DNS_E_LABEL_TYPE:
		st->drop_label_type++;
		break;
	case WS_DNS_E_QR:
		st->drop_response++;
		break;
	case WS_DNS_E_OPT:
		st->drop_opt++;
		break;
	case WS_DNS_E_TRUNCATED:
	default:
		st->drop_truncated++;
		break;
	}
}

static void
count_qtype(struct ws_dns_stats *st, uint16_t qtype)
{
	switch (qtype) {
	case WS_DNS_TYPE_A:
		st->q_a++;
		break;
	case WS_DNS_TYPE_AAAA:
		st->q_aaaa++;
		break;
	case WS_DNS_TYPE_CNAME:
		st->q_cname++;
		break;
	case WS_DNS_TYPE_NS:
		st->q_ns++;
		break;
	case WS_DNS_TYPE_SOA:
		st->q_soa++;
		break;
	case WS_DNS_TYPE_TXT:
		st->q_txt++;
		break;
	case WS_DNS_TYPE_ANY:
		st->q_any++;
		break;
	default:
		st->q_other++;
		break;
	}
}

/* Malformed past the header: FORMERR, counted by reason. */
static int
query_formerr(struct ws_dns_query *q, struct ws_dns_stats *st, int err)
{
	count_malformed(st, err);
	q->rcode = WS_DNS_RCODE_FORMERR;
	q->edns = false;
	q->limit = WS_DNS_UDP_MAX;
	return 0;
}

/* EDNS options (RFC 6891 6.1.2) must tile the RDATA exactly. */
static bool
opt_options_valid(const uint8_t *msg, const struct ws_dns_rr *rr)
{
	uint32_t p = rr->rdata, end = rr->rdata + rr->rdlen, olen;

	while (end - p >= 4) {
		olen = ws_dns_get16(msg + p + 2);
		if (end - p - 4 < olen)
			return false;
		p += 4 + olen;
	}
	return p == end;
}

int
ws_dns_query_parse(const struct ws_dns_zone *z, const uint8_t *msg,
		uint32_t len, struct ws_dns_query *q, struct ws_dns_stats *st)
{
	unsigned int qd, an, ns, ar, i;
	uint8_t owner[WS_DNS_NAME_MAX];
	uint32_t off = WS_DNS_HDR_LEN;
	struct ws_dns_rr rr, opt = { 0 };
	bool seen_opt = false;
	int ret;

	st->queries++;
	q->qname_len = 0;
	q->rcode = 0;
	q->edns = false;
	q->edns_do = false;
	q->limit = WS_DNS_UDP_MAX;
	q->qtype = 0;
	q->qclass = 0;
	if (len < WS_DNS_HDR_LEN) {
		st->drop_short++;
		return -WS_DNS_E_SHORT;
	}
	q->id = ws_dns_get16(msg);
	q->flags = ws_dns_get16(msg + 2);
	/* Never answer a response: two servers would bounce forever. */
	if (q->flags & WS_DNS_F_QR) {
		st->drop_response++;
		return -WS_DNS_E_QR;
	}
	if ((q->flags & WS_DNS_F_OPCODE_MASK) >> WS_DNS_F_OPCODE_SHIFT !=
			WS_DNS_OPCODE_QUERY) {
		q->rcode = WS_DNS_RCODE_NOTIMP;
		return 0;
	}
	qd = ws_dns_get16(msg + 4);
	an = ws_dns_get16(msg + 6);
	ns = ws_dns_get16(msg + 8);
	ar = ws_dns_get16(msg + 10);
	/* A question takes at least 5 octets, a record 11. */
	if (qd != 1 || WS_DNS_HDR_LEN + 5 + ((uint64_t)an + ns + ar) * 11 >
			len)
		return query_formerr(q, st, -WS_DNS_E_COUNTS);
	ret = ws_dns_name_unpack(msg, len, &off, q->qname);
	if (ret < 0)
		return query_formerr(q, st, ret);
	if (len - off < 4)
		return query_formerr(q, st, -WS_DNS_E_TRUNCATED);
	q->qname_len = (uint16_t)ret;
	q->qtype = ws_dns_get16(msg + off);
	q->qclass = ws_dns_get16(msg + off + 2);
	off += 4;
	count_qtype(st, q->qtype);

	for (i = 0; i < an + ns + ar; i++) {
		ret = ws_dns_rr_read(msg, len, &off, owner, &rr);
		if (ret < 0)
			return query_formerr(q, st, ret);
		if (rr.type != WS_DNS_TYPE_OPT)
			continue;
		/* One OPT, in the additional section, owned by the root. */
		if (seen_opt || i < an + ns || owner[0] != 0 ||
				!opt_options_valid(msg, &rr))
			return query_formerr(q, st, -WS_DNS_E_OPT);
		seen_opt = true;
		opt = rr;
	}
	if (q->qtype == WS_DNS_TYPE_OPT)
		return query_formerr(q, st, -WS_DNS_E_OPT);
	if (seen_opt) {
		st->edns++;
		q->edns = true;
		q->edns_do = (opt.ttl & WS_DNS_EDNS_DO) != 0;
		/* RFC 6891 6.2.5: below 512 means 512. */
		q->limit = RTE_MAX(opt.rclass, (uint16_t)WS_DNS_UDP_MAX);
		q->limit = RTE_MIN(q->limit, z->edns_size);
		if (((opt.ttl >> 16) & 0xff) != 0)
			q->rcode = WS_DNS_RCODE_BADVERS;
	}
	return 0;
}

/* --------------------------------------------------------------------- */
/* Replies.                                                              */

struct reply {
	uint8_t *buf;
	uint32_t pos;
	uint32_t end;			/* room for sections; an OPT is kept
					 * out of it */
	uint16_t count[3];		/* answer, authority, additional */
	bool full;			/* the answer or authority section
					 * did not fit */
	unsigned int n_comp;
	unsigned int compressed;
	uint16_t comp[COMP_MAX];	/* offsets of names we can point at */
};

/* A position to go back to when a record does not fit. */
struct reply_mark {
	uint32_t pos;
	unsigned int n_comp;
	unsigned int compressed;
};

static inline struct reply_mark
reply_mark(const struct reply *o)
{
	return (struct reply_mark){ o->pos, o->n_comp, o->compressed };
}

static inline void
reply_rewind(struct reply *o, const struct reply_mark *m)
{
	o->pos = m->pos;
	o->n_comp = m->n_comp;
	o->compressed = m->compressed;
}

/* The name at 'at' of our own reply equals wire-form 'name', any case. */
static bool
reply_name_equal(const uint8_t *buf, uint32_t at, const uint8_t *name)
{
	uint8_t l, i;

	for (;;) {
		l = buf[at];
		if ((l & 0xc0) == 0xc0) {
			at = ws_dns_get16(buf + at) & PTR_OFFSET_MAX;
			continue;
		}
		if (l != *name)
			return false;
		if (l == 0)
			return true;
		for (i = 1; i <= l; i++)
			if (ws_dns_lower(buf[at + i]) != ws_dns_lower(name[i]))
				return false;
		at += 1u + l;
		name += 1u + l;
	}
}

/*
 * Write 'name': its longest suffix already in the reply becomes a
 * pointer (RFC 1035 4.1.4), and the labels written become targets.
 */
static int
put_name(struct reply *o, const uint8_t *name)
{
	uint32_t p, i, start = o->pos;
	unsigned int c, n_comp = o->n_comp;
	int target = -1;

	for (p = 0; name[p] != 0 && target < 0; p += 1u + name[p]) {
		for (c = 0; c < n_comp; c++) {
			if (reply_name_equal(o->buf, o->comp[c], name + p)) {
				target = o->comp[c];
				break;
			}
		}
		if (target >= 0)
			break;
	}
	if (o->end - o->pos < p + (target >= 0 ? 2 : 1))
		return -ENOSPC;
	memcpy(o->buf + o->pos, name, p);
	for (i = 0; i < p; i += 1u + name[i])
		if (start + i <= PTR_OFFSET_MAX && o->n_comp < COMP_MAX)
			o->comp[o->n_comp++] = (uint16_t)(start + i);
	o->pos += p;
	if (target >= 0) {
		ws_dns_put16(o->buf + o->pos, (uint16_t)(PTR_FLAG | target));
		o->pos += 2;
		o->compressed++;
	} else {
		o->buf[o->pos++] = 0;
	}
	return 0;
}

static int
put_bytes(struct reply *o, const void *data, uint32_t len)
{
	if (o->end - o->pos < len)
		return -ENOSPC;
	memcpy(o->buf + o->pos, data, len);
	o->pos += len;
	return 0;
}

/* One record into 'section' (0 answer, 1 authority, 2 additional). */
static int
put_rr(struct reply *o, unsigned int section, const uint8_t *owner,
		const struct zone_rr *rr, uint32_t ttl)
{
	struct reply_mark m = reply_mark(o);
	uint32_t rdata_at;
	uint8_t fixed[WS_DNS_RR_FIXED];
	const uint8_t *rname;
	int ret;

	ws_dns_put16(fixed, rr->type);
	ws_dns_put16(fixed + 2, WS_DNS_CLASS_IN);
	ws_dns_put32(fixed + 4, ttl);
	ret = put_name(o, owner);
	if (ret == 0)
		ret = put_bytes(o, fixed, sizeof(fixed));
	rdata_at = o->pos;
	if (ret == 0) {
		switch (rr->type) {
		case WS_DNS_TYPE_CNAME:
		case WS_DNS_TYPE_NS:
			ret = put_name(o, rr->rdata);
			break;
		case WS_DNS_TYPE_SOA:
			rname = rr->rdata + ws_dns_name_len(rr->rdata);
			ret = put_name(o, rr->rdata);
			if (ret == 0)
				ret = put_name(o, rname);
			if (ret == 0)
				ret = put_bytes(o, rname +
					ws_dns_name_len(rname), SOA_FIXED);
			break;
		default:
			ret = put_bytes(o, rr->rdata, rr->rdlen);
			break;
		}
	}
	if (ret < 0) {
		reply_rewind(o, &m);
		return ret;
	}
	ws_dns_put16(o->buf + rdata_at - 2, (uint16_t)(o->pos - rdata_at));
	o->count[section]++;
	return 0;
}

static bool
zone_type_match(uint16_t qtype, uint16_t type)
{
	return qtype == WS_DNS_TYPE_ANY || qtype == type;
}

/* A and AAAA of the in-zone servers of the NS records answered. */
static void
put_ns_addresses(const struct ws_dns_zone *z, struct reply *o,
		const struct zone_node *node)
{
	uint8_t target[WS_DNS_NAME_MAX];
	const struct zone_rr *ns, *rr;
	const struct zone_node *t;
	unsigned int i, j;

	for (i = 0; i < node->n_rrs; i++) {
		ns = &z->rrs[node->first + i];
		if (ns->type != WS_DNS_TYPE_NS ||
				!ws_dns_name_is_under(ns->rdata, z->apex))
			continue;
		ws_dns_name_lower(ns->rdata, target);
		t = zone_lookup(z, target);
		for (j = 0; t != NULL && j < t->n_rrs; j++) {
			rr = &z->rrs[t->first + j];
			if (rr->type != WS_DNS_TYPE_A &&
					rr->type != WS_DNS_TYPE_AAAA)
				continue;
			if (put_rr(o, 2, ns->rdata, rr, rr->ttl) < 0)
				return;
		}
	}
}

/*
 * The answer from the zone: the rcode, and *aa. o->full says that the
 * answer or authority section did not fit.
 */
static int
zone_answer(const struct ws_dns_zone *z, const struct ws_dns_query *q,
		struct reply *o, bool *aa)
{
	uint8_t name[WS_DNS_NAME_MAX];
	const struct zone_node *node;
	const uint8_t *owner = q->qname;
	const struct zone_rr *rr;
	unsigned int i, hops = 0, matched;
	int rcode = WS_DNS_RCODE_NOERROR;

	ws_dns_name_lower(q->qname, name);
	if ((q->qclass != WS_DNS_CLASS_IN && q->qclass != WS_DNS_CLASS_ANY) ||
			!ws_dns_name_is_under(name, z->apex))
		return WS_DNS_RCODE_REFUSED;
	switch (q->qtype) {
	case WS_DNS_TYPE_AXFR:
	case WS_DNS_TYPE_IXFR:
	case WS_DNS_TYPE_MAILA:
	case WS_DNS_TYPE_MAILB:
		return WS_DNS_RCODE_NOTIMP;
	default:
		break;
	}
	*aa = true;
	for (;;) {
		node = zone_lookup(z, name);
		if (node == NULL) {
			rcode = WS_DNS_RCODE_NXDOMAIN;
			break;
		}
		if (node->cname != 0 && q->qtype != WS_DNS_TYPE_CNAME &&
				q->qtype != WS_DNS_TYPE_ANY) {
			rr = &z->rrs[node->cname - 1];
			if (put_rr(o, 0, owner, rr, rr->ttl) < 0) {
				o->full = true;
				return rcode;
			}
			/* Outside the zone the requester asks elsewhere. */
			if (!ws_dns_name_is_under(rr->rdata, z->apex) ||
					++hops == WS_DNS_SERVER_CHAIN_MAX)
				return rcode;
			owner = rr->rdata;
			ws_dns_name_lower(owner, name);
			continue;
		}
		for (i = 0, matched = 0; i < node->n_rrs; i++) {
			rr = &z->rrs[node->first + i];
			if (!zone_type_match(q->qtype, rr->type))
				continue;
			if (put_rr(o, 0, owner, rr, rr->ttl) < 0) {
				o->full = true;
				return rcode;
			}
			matched++;
		}
		if (matched != 0) {
			if (zone_type_match(q->qtype, WS_DNS_TYPE_NS))
				put_ns_addresses(z, o, node);
			return rcode;
		}
		break;
	}
	/* NXDOMAIN or NODATA: the SOA says how long to believe it. */
	if (put_rr(o, 1, z->apex, &z->rrs[z->soa], z->neg_ttl) < 0)
		o->full = true;
	return rcode;
}

static void
count_rcode(struct ws_dns_stats *st, int rcode)
{
	switch (rcode) {
	case WS_DNS_RCODE_NOERROR:
		st->rcode_noerror++;
		break;
	case WS_DNS_RCODE_FORMERR:
		st->rcode_formerr++;
		break;
	case WS_DNS_RCODE_NXDOMAIN:
		st->rcode_nxdomain++;
		break;
	case WS_DNS_RCODE_NOTIMP:
		st->rcode_notimp++;
		break;
	case WS_DNS_RCODE_REFUSED:
		st->rcode_refused++;
		break;
	case WS_DNS_RCODE_BADVERS:
		st->rcode_badvers++;
		break;
	default:
		st->rcode_servfail++;
		break;
	}
}

int
ws_dns_answer(const struct ws_dns_zone *z, const struct ws_dns_query *q,
		uint8_t *out, uint32_t cap, struct ws_dns_stats *st)
{
	uint32_t limit = RTE_MIN(cap, (uint32_t)q->limit);
	uint32_t opt_len = q->edns ? WS_DNS_OPT_LEN : 0;
	uint32_t base = WS_DNS_HDR_LEN + (q->qname_len != 0 ?
		q->qname_len + 4u : 0);
	struct reply o = { .buf = out, .pos = WS_DNS_HDR_LEN };
	uint16_t flags;
	bool aa = false;
	uint8_t *p;
	uint32_t i;
	int rcode;

	if (limit < base + opt_len)
		return -ENOSPC;
	o.end = limit - opt_len;
	if (q->qname_len != 0) {
		memcpy(out + o.pos, q->qname, q->qname_len);
		for (i = 0; q->qname[i] != 0 && o.n_comp < COMP_MAX;
				i += 1u + q->qname[i])
			o.comp[o.n_comp++] = (uint16_t)(o.pos + i);
		o.pos += q->qname_len;
		ws_dns_put16(out + o.pos, q->qtype);
		ws_dns_put16(out + o.pos + 2, q->qclass);
		o.pos += 4;
	}
	flags = WS_DNS_F_QR | (q->flags & (WS_DNS_F_OPCODE_MASK |
		WS_DNS_F_RD | WS_DNS_F_CD));
	rcode = q->rcode != 0 ? q->rcode : zone_answer(z, q, &o, &aa);
	if (o.full) {
		/*
		 * Header and question only (RFC 2181 9: no partial RRsets);
		 * the requester may ask again with a larger EDNS size (DNS
		 * over TCP is not served).
		 */
		o.pos = base;
		o.compressed = 0;
		memset(o.count, 0, sizeof(o.count));
		flags |= WS_DNS_F_TC;
		st->truncated++;
	}
	if (aa)
		flags |= WS_DNS_F_AA;
	flags |= (uint16_t)(rcode & WS_DNS_F_RCODE_MASK);
	ws_dns_put16(out, q->id);
	ws_dns_put16(out + 2, flags);
	ws_dns_put16(out + 4, q->qname_len != 0 ? 1 : 0);
	ws_dns_put16(out + 6, o.count[0]);
	ws_dns_put16(out + 8, o.count[1]);
	ws_dns_put16(out + 10, (uint16_t)(o.count[2] + (q->edns ? 1 : 0)));
	if (q->edns) {
		p = out + o.pos;
		p[0] = 0;
		ws_dns_put16(p + 1, WS_DNS_TYPE_OPT);
		ws_dns_put16(p + 3, z->edns_size);
		ws_dns_put32(p + 5, (uint32_t)(rcode >> 4) << 24 |
			(q->edns_do ? WS_DNS_EDNS_DO : 0));
		ws_dns_put16(p + 9, 0);
		o.pos += WS_DNS_OPT_LEN;
	}
	st->answers++;
	count_rcode(st, rcode);
	st->compressed_names += o.compressed;
	return (int)o.pos;
}

/* --------------------------------------------------------------------- */
/* Over UDP.                                                             */

/* The reply may overwrite the query in place. */
static bool
mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 &&
		m->nb_segs == 1;
}

/*
 * A contiguous copy of 'm' (consumed) in a new mbuf, or NULL (counted):
 * IP reassembly hands over chains whose first buffer lacks the room.
 */
static struct rte_mbuf *
dns_linear_copy(struct ws_worker *w, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_mbuf *c;
	const void *from;
	char *data;

	c = rte_pktmbuf_alloc(w->pool);
	if (c == NULL) {
		WS_DROP(w, w->stats.dns.drop_nombuf, NULL);
	} else if (len > rte_pktmbuf_tailroom(c)) {
		WS_DROP(w, w->stats.dns.drop_too_long, NULL);
		rte_pktmbuf_free(c);
		c = NULL;
	} else {
		data = rte_pktmbuf_append(c, (uint16_t)len);
		from = rte_pktmbuf_read(m, 0, len, data);
		if (from != data)
			memcpy(data, from, len);
		w->stats.dns.reply_copied++;
	}
	rte_pktmbuf_free(m);
	return c;
}

static void
dns_datagram(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t src_addr,
		uint16_t src_port)
{
	const struct ws_dns_server *srv = ws_udp_arg(s);
	struct ws_worker *w = ws_udp_worker(s);
	struct ws_dns_stats *st = &w->stats.dns;
	uint32_t len = rte_pktmbuf_pkt_len(m), room = 0;
	struct ws_dns_query q;
	struct rte_mbuf *r;
	int ret;

	if (ws_mbuf_pullup(m, len) < 0) {
		m = dns_linear_copy(w, m);
		if (m == NULL) {
			st->queries++;
			return;
		}
	}
	ret = ws_dns_query_parse(srv->zone, rte_pktmbuf_mtod(m, uint8_t *),
		len, &q, st);
	if (ret < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (mbuf_writable(m))
		room = rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m);
	if (room < q.limit) {
		/* The parsed query holds all the reply needs. */
		r = rte_pktmbuf_alloc(w->pool);
		if (r != NULL && rte_pktmbuf_tailroom(r) > room) {
			rte_pktmbuf_free(m);
			m = r;
			room = rte_pktmbuf_tailroom(m);
			st->reply_copied++;
		} else {
			rte_pktmbuf_free(r);
		}
		if (room == 0) {
			WS_DROP(w, st->drop_nombuf, NULL);
			rte_pktmbuf_free(m);
			return;
		}
	}
	ret = ws_dns_answer(srv->zone, &q, rte_pktmbuf_mtod(m, uint8_t *),
		room, st);
	if (ret < 0) {
		WS_DROP(w, st->drop_nombuf, NULL);
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = (uint16_t)ret;
	m->pkt_len = (uint32_t)ret;
	ws_udp_send_mbuf(s, src_addr, src_port, m);
}

static const struct ws_udp_ops dns_ops = {
	.datagram = dns_datagram,
};

int
ws_dns_server_start(struct ws_stack *s, const struct ws_dns_config *cfg,
		struct ws_dns_server **srv)
{
	struct ws_dns_server *d;
	int ret;

	*srv = NULL;
	if (cfg->port == 0 || cfg->zone[0] == '\0')
		return 0;
	d = rte_zmalloc("ws_dns_server", sizeof(*d), RTE_CACHE_LINE_SIZE);
	if (d == NULL)
		return -ENOMEM;
	d->zone = ws_dns_zone_create(cfg);
	if (d->zone == NULL) {
		ret = -rte_errno;
		ws_dns_server_free(d);
		return ret;
	}
	ret = ws_udp_bind_all(s, cfg->port, &dns_ops, d);
	if (ret < 0) {
		ws_dns_server_free(d);
		return ret;
	}
	WS_LOG(INFO, dns, "dns: zone %s, %u names, on UDP port %u", cfg->zone,
		ws_dns_zone_names(d->zone), cfg->port);
	*srv = d;
	return 0;
}

void
ws_dns_server_free(struct ws_dns_server *srv)
{
	if (srv == NULL)
		return;
	ws_dns_zone_free(srv->zone);
	rte_free(srv);
}
