/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * DNS message parsing and building (RFC 1035), and the [dns] record
 * syntax. Every read is checked against the message length before it is
 * made; names are copied out uncompressed, so nothing downstream ever
 * follows a pointer of the peer's again.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "ws_dns.h"

/*
 * A name has at most 127 labels; a pointer that leads to another pointer
 * adds none, so more jumps than that are taken for a loop. Without a bound
 * a chain of pointers, each one back a step, costs a walk of the whole
 * message per name.
 */
#define NAME_JUMPS_MAX 127

#define PTR_MASK 0xc0
#define PTR_OFFSET_MASK 0x3fff

int
ws_dns_name_unpack(const uint8_t *msg, uint32_t len, uint32_t *off,
		uint8_t *out)
{
	uint32_t pos = *off;
	uint32_t start = pos;		/* first octet of the current run */
	uint32_t high = pos;		/* past the furthest octet read */
	uint32_t next = 0;		/* where the name ends in place */
	uint32_t n = 0, target;
	unsigned int jumps = 0;
	uint8_t c;

	for (;;) {
		if (pos >= len)
			return -WS_DNS_E_TRUNCATED;
		c = msg[pos];
		switch (c & PTR_MASK) {
		case PTR_MASK:
			if (pos + 1 >= len)
				return -WS_DNS_E_TRUNCATED;
			high = RTE_MAX(high, pos + 2);
			if (next == 0)
				next = pos + 2;
			target = ws_dns_get16(&msg[pos]) & PTR_OFFSET_MASK;
			if (target >= len || target < WS_DNS_HDR_LEN)
				return -WS_DNS_E_PTR_BAD;
			/* Only strictly back, before this run of labels. */
			if (target >= start)
				return target < high ? -WS_DNS_E_PTR_LOOP :
					-WS_DNS_E_PTR_BAD;
			if (++jumps > NAME_JUMPS_MAX)
				return -WS_DNS_E_PTR_LOOP;
			start = pos = target;
			break;
		case 0x40:
			return -WS_DNS_E_LABEL_LONG;
		case 0x80:
			return -WS_DNS_E_LABEL_TYPE;
		default:
			if (c == 0) {
				out[n++] = 0;
				*off = next != 0 ? next : pos + 1;
				return (int)n;
			}
			/* This label and at least the root must still fit. */
			if (n + 1 + c + 1 > WS_DNS_NAME_MAX)
				return -WS_DNS_E_NAME_LONG;
			if (pos + 1 + c > len)
				return -WS_DNS_E_TRUNCATED;
			memcpy(&out[n], &msg[pos], 1 + c);
			n += 1 + c;
			pos += 1 + c;
			high = RTE_MAX(high, pos);
			break;
		}
	}
}

/* Wire form to dotted text with RFC 1035 5.1 escapes. */
static int
name_to_text(const uint8_t *wire, char *out, size_t out_len)
{
	const uint8_t *p = wire;
	size_t n = 0, need;
	uint8_t l, c, i;

	if (out_len == 0)
		return -WS_DNS_E_NAME_LONG;
	while ((l = *p++) != 0) {
		if (p != wire + 1) {
			if (n + 1 >= out_len)
				return -WS_DNS_E_NAME_LONG;
			out[n++] = '.';
		}
		for (i = 0; i < l; i++) {
			c = *p++;
			need = c == '.' || c == '\\' ? 2 :
				c > 0x20 && c < 0x7f ? 1 : 4;
			if (n + need >= out_len)
				return -WS_DNS_E_NAME_LONG;
			if (need == 1) {
				out[n] = (char)c;
			} else if (need == 2) {
				out[n] = '\\';
				out[n + 1] = (char)c;
			} else {
				out[n] = '\\';
				out[n + 1] = (char)('0' + c / 100);
				out[n + 2] = (char)('0' + c / 10 % 10);
				out[n + 3] = (char)('0' + c % 10);
			}
			n += need;
		}
	}
	out[n] = '\0';
	return (int)n;
}

int
ws_dns_name_read(const uint8_t *msg, uint32_t len, uint32_t *off,
		char *out, size_t out_len)
{
	uint8_t wire[WS_DNS_NAME_MAX];
	uint32_t pos = *off;
	int ret;

	ret = ws_dns_name_unpack(msg, len, &pos, wire);
	if (ret < 0)
		return ret;
	ret = name_to_text(wire, out, out_len);
	if (ret < 0)
		return ret;
	*off = pos;
	return ret;
}

/*
 * The octet of text at *p, which may be an RFC 1035 5.1 escape: "\X" is
 * X, "\DDD" the octet of that decimal value. *p moves past it. 0 or
 * -WS_DNS_E_SYNTAX.
 */
static int
text_octet(const char **p, uint8_t *c)
{
	const char *s = *p;
	unsigned int v;

	if (*s != '\\') {
		*c = (uint8_t)*s;
		*p = s + 1;
		return 0;
	}
	s++;
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
			isdigit((unsigned char)s[2])) {
		v = (unsigned int)(s[0] - '0') * 100 +
			(unsigned int)(s[1] - '0') * 10 +
			(unsigned int)(s[2] - '0');
		if (v > UINT8_MAX)
			return -WS_DNS_E_SYNTAX;
		*c = (uint8_t)v;
		*p = s + 3;
		return 0;
	}
	if (*s == '\0')
		return -WS_DNS_E_SYNTAX;
	*c = (uint8_t)*s;
	*p = s + 1;
	return 0;
}

int
ws_dns_name_write(const char *name, uint8_t *buf, uint32_t cap)
{
	const char *p = name;
	uint32_t n = 0, lab, l;
	uint8_t c;

	if (strcmp(name, ".") == 0)
		p = "";
	while (*p != '\0') {
		lab = n;
		l = 0;
		if (n >= WS_DNS_NAME_MAX - 1)
			return -WS_DNS_E_NAME_LONG;
		if (n >= cap)
			return -WS_DNS_E_SHORT;
		n++;
		while (*p != '\0' && *p != '.') {
			if (text_octet(&p, &c) < 0)
				return -WS_DNS_E_SYNTAX;
			if (++l > WS_DNS_LABEL_MAX)
				return -WS_DNS_E_LABEL_LONG;
			if (n >= WS_DNS_NAME_MAX - 1)
				return -WS_DNS_E_NAME_LONG;
			if (n >= cap)
				return -WS_DNS_E_SHORT;
			buf[n++] = c;
		}
		if (l == 0)
			return -WS_DNS_E_SYNTAX;
		buf[lab] = (uint8_t)l;
		/* One final dot makes the name absolute; it adds no label. */
		if (*p == '.')
			p++;
	}
	if (n >= cap)
		return -WS_DNS_E_SHORT;
	buf[n++] = 0;
	return (int)n;
}

/* Text ending in an unescaped dot (or "."): absolute. */
static bool
text_is_absolute(const char *text)
{
	size_t len = strlen(text), bs = 0;

	if (len == 0 || text[len - 1] != '.')
		return false;
	while (bs + 1 < len && text[len - 2 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

int
ws_dns_name_from_text(const char *text, const uint8_t *origin,
		uint8_t *buf, uint32_t cap)
{
	uint8_t rel[WS_DNS_NAME_MAX];
	uint32_t olen = ws_dns_name_len(origin);
	int n;

	if (strcmp(text, "@") == 0) {
		if (olen > cap)
			return -WS_DNS_E_SHORT;
		memcpy(buf, origin, olen);
		return (int)olen;
	}
	if (text[0] == '\0')
		return -WS_DNS_E_SYNTAX;
	if (text_is_absolute(text))
		return ws_dns_name_write(text, buf, cap);
	n = ws_dns_name_write(text, rel, sizeof(rel));
	if (n < 0)
		return n;
	/* The relative name without its root, then the origin. */
	if ((uint32_t)n - 1 + olen > WS_DNS_NAME_MAX)
		return -WS_DNS_E_NAME_LONG;
	if ((uint32_t)n - 1 + olen > cap)
		return -WS_DNS_E_SHORT;
	memcpy(buf, rel, (uint32_t)n - 1);
	memcpy(buf + n - 1, origin, olen);
	return n - 1 + (int)olen;
}

uint32_t
ws_dns_name_len(const uint8_t *name)
{
	uint32_t n = 0;

	while (name[n] != 0)
		n += 1u + name[n];
	return n + 1;
}

void
ws_dns_name_lower(const uint8_t *name, uint8_t *out)
{
	uint32_t i, len = ws_dns_name_len(name);

	/* Length octets are at most 63, below 'A': lowering spares them. */
	for (i = 0; i < len; i++)
		out[i] = ws_dns_lower(name[i]);
}

/* Equal wire-form names, ignoring ASCII case. */
static bool
wire_equal(const uint8_t *a, const uint8_t *b)
{
	uint32_t i, len = ws_dns_name_len(a);

	for (i = 0; i < len; i++)
		if (ws_dns_lower(a[i]) != ws_dns_lower(b[i]))
			return false;
	return true;
}

bool
ws_dns_name_equal(const char *a, const char *b)
{
	uint8_t wa[WS_DNS_NAME_MAX], wb[WS_DNS_NAME_MAX];

	/* A name that cannot be written is equal to nothing. */
	if (ws_dns_name_write(a, wa, sizeof(wa)) < 0 ||
			ws_dns_name_write(b, wb, sizeof(wb)) < 0)
		return false;
	return wire_equal(wa, wb);
}

bool
ws_dns_name_is_under(const uint8_t *name, const uint8_t *zone)
{
	uint32_t len = ws_dns_name_len(name), zlen = ws_dns_name_len(zone);
	uint32_t p = 0;

	while (len - p > zlen)
		p += 1u + name[p];
	return len - p == zlen && wire_equal(name + p, zone);
}

int
ws_dns_build_query(uint8_t *buf, uint32_t cap, uint16_t id,
		const char *name, uint16_t qtype, bool rd)
{
	int n;

	if (cap < WS_DNS_HDR_LEN)
		return -WS_DNS_E_SHORT;
	memset(buf, 0, WS_DNS_HDR_LEN);
	ws_dns_put16(buf, id);
	ws_dns_put16(buf + 2, rd ? WS_DNS_F_RD : 0);
	ws_dns_put16(buf + 4, 1);
	n = ws_dns_name_write(name, buf + WS_DNS_HDR_LEN,
		cap - WS_DNS_HDR_LEN);
	if (n < 0)
		return n;
	if (WS_DNS_HDR_LEN + (uint32_t)n + 4 > cap)
		return -WS_DNS_E_SHORT;
	ws_dns_put16(buf + WS_DNS_HDR_LEN + n, qtype);
	ws_dns_put16(buf + WS_DNS_HDR_LEN + n + 2, WS_DNS_CLASS_IN);
	return WS_DNS_HDR_LEN + n + 4;
}

int
ws_dns_rr_read(const uint8_t *msg, uint32_t len, uint32_t *off,
		uint8_t *owner, struct ws_dns_rr *rr)
{
	uint8_t scratch[WS_DNS_NAME_MAX];
	uint32_t pos = *off;
	int ret;

	ret = ws_dns_name_unpack(msg, len, &pos, owner != NULL ? owner :
		scratch);
	if (ret < 0)
		return ret;
	if (len - pos < WS_DNS_RR_FIXED)
		return -WS_DNS_E_TRUNCATED;
	rr->type = ws_dns_get16(msg + pos);
	rr->rclass = ws_dns_get16(msg + pos + 2);
	rr->ttl = ws_dns_get32(msg + pos + 4);
	rr->rdlen = ws_dns_get16(msg + pos + 8);
	rr->rdata = pos + WS_DNS_RR_FIXED;
	if (len - rr->rdata < rr->rdlen)
		return -WS_DNS_E_TRUNCATED;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

/*
 * A name inside RDATA (compression allowed) that must end within it.
 * *off moves past it.
 */
static int
rdata_name(const uint8_t *msg, uint32_t len, const struct ws_dns_rr *rr,
		uint32_t *off, uint8_t *out)
{
	int ret = ws_dns_name_unpack(msg, len, off, out);

	if (ret < 0)
		return ret;
	return *off > rr->rdata + rr->rdlen ? -WS_DNS_E_TRUNCATED : 0;
}

/* RFC 2181 8: a TTL with the top bit set is read as zero. */
static uint32_t
ttl_value(uint32_t ttl)
{
	return ttl > INT32_MAX ? 0 : ttl;
}

/* RFC 1035 3.3.13: SOA RDATA is MNAME RNAME and five 32-bit fields. */
#define SOA_FIXED 20
#define SOA_MINIMUM_AT 16

static int
soa_minimum(const uint8_t *msg, uint32_t len, const struct ws_dns_rr *rr,
		uint32_t *minimum)
{
	uint8_t scratch[WS_DNS_NAME_MAX];
	uint32_t off = rr->rdata;
	int ret;

	ret = rdata_name(msg, len, rr, &off, scratch);
	if (ret == 0)
		ret = rdata_name(msg, len, rr, &off, scratch);
	if (ret < 0)
		return ret;
	if (rr->rdata + rr->rdlen - off < SOA_FIXED)
		return -WS_DNS_E_TRUNCATED;
	*minimum = ws_dns_get32(msg + off + SOA_MINIMUM_AT);
	return 0;
}

/*
 * The first answer-section record of 'type' and class IN owned by
 * 'owner': its index, or -1. The section was walked already.
 */
static int
find_answer(const uint8_t *msg, uint32_t len, uint32_t an_off,
		unsigned int an, const uint8_t *owner, uint16_t type,
		struct ws_dns_rr *rr)
{
	uint8_t name[WS_DNS_NAME_MAX];
	uint32_t off = an_off;
	unsigned int i;

	for (i = 0; i < an; i++) {
		if (ws_dns_rr_read(msg, len, &off, name, rr) < 0)
			return -1;
		if (rr->type == type && rr->rclass == WS_DNS_CLASS_IN &&
				wire_equal(name, owner))
			return (int)i;
	}
	return -1;
}

int
ws_dns_parse_response(const uint8_t *msg, uint32_t len,
		struct ws_dns_answer *ans)
{
	uint8_t qname[WS_DNS_NAME_MAX], cur[WS_DNS_NAME_MAX];
	uint8_t owner[WS_DNS_NAME_MAX];
	unsigned int qd, an, ns, ar, i, hops;
	uint32_t off = WS_DNS_HDR_LEN, an_off, ttl = UINT32_MAX, minimum;
	struct ws_dns_rr rr;
	uint16_t flags;
	int ret;

	memset(ans, 0, sizeof(*ans));
	if (len < WS_DNS_HDR_LEN)
		return -WS_DNS_E_SHORT;
	flags = ws_dns_get16(msg + 2);
	if (!(flags & WS_DNS_F_QR))
		return -WS_DNS_E_QR;
	ans->id = ws_dns_get16(msg);
	ans->rcode = flags & WS_DNS_F_RCODE_MASK;
	ans->tc = (flags & WS_DNS_F_TC) != 0;
	qd = ws_dns_get16(msg + 4);
	an = ws_dns_get16(msg + 6);
	ns = ws_dns_get16(msg + 8);
	ar = ws_dns_get16(msg + 10);
	/* A question takes at least 5 octets, a record 11. */
	if (qd > 1 || WS_DNS_HDR_LEN + (uint64_t)qd * 5 +
			((uint64_t)an + ns + ar) * 11 > len)
		return -WS_DNS_E_COUNTS;

	qname[0] = 0;
	if (qd == 1) {
		ret = ws_dns_name_unpack(msg, len, &off, qname);
		if (ret < 0)
			return ret;
		if (len - off < 4)
			return -WS_DNS_E_TRUNCATED;
		ans->qtype = ws_dns_get16(msg + off);
		off += 4;
		ret = name_to_text(qname, ans->qname, sizeof(ans->qname));
		if (ret < 0)
			return ret;
	}

	/* Walk everything once: later passes may trust the structure. */
	an_off = off;
	for (i = 0; i < an + ns + ar; i++) {
		ret = ws_dns_rr_read(msg, len, &off, NULL, &rr);
		if (ret < 0)
			return ret;
		if (i >= an && i < an + ns && rr.type == WS_DNS_TYPE_SOA &&
				ans->neg_ttl == 0) {
			ret = soa_minimum(msg, len, &rr, &minimum);
			if (ret < 0)
				return ret;
			ans->neg_ttl = RTE_MIN(ttl_value(rr.ttl),
				ttl_value(minimum));
		}
	}

	/* The CNAME chain from qname, in whatever order it came. */
	memcpy(cur, qname, sizeof(cur));
	for (hops = 0; hops < WS_DNS_CHAIN_MAX; hops++) {
		if (find_answer(msg, len, an_off, an, cur, WS_DNS_TYPE_CNAME,
				&rr) < 0)
			break;
		off = rr.rdata;
		ret = rdata_name(msg, len, &rr, &off, cur);
		if (ret < 0)
			return ret;
		ttl = RTE_MIN(ttl, ttl_value(rr.ttl));
	}
	off = an_off;
	for (i = 0; i < an && ans->n_addrs < WS_DNS_ANSWER_ADDRS; i++) {
		ws_dns_rr_read(msg, len, &off, owner, &rr);
		if (rr.type != WS_DNS_TYPE_A || rr.rclass != WS_DNS_CLASS_IN ||
				rr.rdlen != 4 || !wire_equal(owner, cur))
			continue;
		memcpy(&ans->addrs[ans->n_addrs++], msg + rr.rdata, 4);
		ttl = RTE_MIN(ttl, ttl_value(rr.ttl));
	}
	ans->ttl = ttl == UINT32_MAX ? 0 : ttl;
	return 0;
}

/* Appends octets to TXT RDATA, opening a new string every 255. */
struct txt_writer {
	uint8_t *buf;
	uint32_t cap;
	uint32_t n;
	uint32_t str;			/* length octet of the open string */
};

static int
txt_open(struct txt_writer *t)
{
	if (t->n >= t->cap)
		return -WS_DNS_E_SHORT;
	t->str = t->n;
	t->buf[t->n++] = 0;
	return 0;
}

static int
txt_put(struct txt_writer *t, uint8_t c)
{
	if (t->buf[t->str] == WS_DNS_TXT_STRING_MAX && txt_open(t) < 0)
		return -WS_DNS_E_SHORT;
	if (t->n >= t->cap)
		return -WS_DNS_E_SHORT;
	t->buf[t->n++] = c;
	t->buf[t->str]++;
	return 0;
}

/* One "quoted string" at *p, without splitting its escapes. */
static int
txt_quoted(struct txt_writer *t, const char **p)
{
	const char *s = *p + 1;
	uint8_t c;
	int ret;

	ret = txt_open(t);
	while (ret == 0 && *s != '"') {
		if (*s == '\0' || text_octet(&s, &c) < 0)
			return -WS_DNS_E_SYNTAX;
		ret = txt_put(t, c);
	}
	if (ret < 0)
		return ret;
	s++;
	/* Strings are separated by blanks: "a""b" is a typo. */
	if (*s != '\0' && !isspace((unsigned char)*s))
		return -WS_DNS_E_SYNTAX;
	while (isspace((unsigned char)*s))
		s++;
	*p = s;
	return 0;
}

int
ws_dns_txt_rdata(const char *text, uint8_t *buf, uint32_t cap)
{
	struct txt_writer t = { .buf = buf, .cap = cap };
	const char *p = text;
	int ret = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '"') {
		ret = txt_open(&t);
		while (ret == 0 && *p != '\0')
			ret = txt_put(&t, (uint8_t)*p++);
		return ret < 0 ? ret : (int)t.n;
	}
	while (ret == 0 && *p != '\0') {
		if (*p != '"')
			return -WS_DNS_E_SYNTAX;
		ret = txt_quoted(&t, &p);
	}
	return ret < 0 ? ret : (int)t.n;
}

/* The reason a name's text was refused, for config messages. */
static void
name_reason(int err, const char *what, const char *text, char *why,
		size_t why_len)
{
	switch (-err) {
	case WS_DNS_E_LABEL_LONG:
		snprintf(why, why_len, "%s '%s' has a label over %u octets",
			what, text, WS_DNS_LABEL_MAX);
		break;
	case WS_DNS_E_NAME_LONG:
		snprintf(why, why_len, "%s '%s' is longer than %u octets",
			what, text, WS_DNS_NAME_MAX);
		break;
	default:
		snprintf(why, why_len, "%s '%s' is not a domain name (empty "
			"label or bad escape)", what, text);
		break;
	}
}

int
ws_dns_config_name(const char *text, const char *zone, char *why,
		size_t why_len)
{
	uint8_t origin[WS_DNS_NAME_MAX], wire[WS_DNS_NAME_MAX];
	int ret;

	if (text[0] == '\0')
		return 0;
	if (zone == NULL) {
		ret = ws_dns_name_write(text, wire, sizeof(wire));
		if (ret < 0) {
			name_reason(ret, "zone", text, why, why_len);
			return -EINVAL;
		}
		if (ret == 1) {
			snprintf(why, why_len, "the root zone is not served; "
				"name a zone like woshou.test");
			return -EINVAL;
		}
		return 0;
	}
	/* Without a zone yet, the name is checked as if under the root. */
	origin[0] = 0;
	if (zone[0] != '\0' &&
			ws_dns_name_write(zone, origin, sizeof(origin)) < 0)
		return -EINVAL;
	ret = ws_dns_name_from_text(text, origin, wire, sizeof(wire));
	if (ret < 0) {
		name_reason(ret, "name", text, why, why_len);
		return -EINVAL;
	}
	return 0;
}

static const struct {
	const char *name;
	uint16_t type;
} record_types[] = {
	{ "A", WS_DNS_TYPE_A },
	{ "AAAA", WS_DNS_TYPE_AAAA },
	{ "CNAME", WS_DNS_TYPE_CNAME },
	{ "NS", WS_DNS_TYPE_NS },
	{ "TXT", WS_DNS_TYPE_TXT },
};

static const char *
type_name(uint16_t type)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(record_types); i++)
		if (record_types[i].type == type)
			return record_types[i].name;
	return "?";
}

/* RDATA of 'type' from 'value'; 0 or -EINVAL with the reason. */
static int
record_rdata(struct ws_dns_record *r, const char *value,
		const uint8_t *origin, char *why, size_t why_len)
{
	char word[WS_CFG_STR_LEN];
	const char *p = value;
	int ret;

	switch (r->type) {
	case WS_DNS_TYPE_A:
		if (inet_pton(AF_INET, value, r->rdata) != 1) {
			snprintf(why, why_len, "'%s' is not an IPv4 address "
				"A.B.C.D", value);
			return -EINVAL;
		}
		r->rdlen = 4;
		return 0;
	case WS_DNS_TYPE_AAAA:
		if (inet_pton(AF_INET6, value, r->rdata) != 1) {
			snprintf(why, why_len, "'%s' is not an IPv6 address",
				value);
			return -EINVAL;
		}
		r->rdlen = 16;
		return 0;
	case WS_DNS_TYPE_TXT:
		ret = ws_dns_txt_rdata(value, r->rdata, sizeof(r->rdata));
		if (ret == -WS_DNS_E_SHORT) {
			snprintf(why, why_len, "TXT data longer than %zu "
				"octets", sizeof(r->rdata));
			return -EINVAL;
		}
		if (ret < 0) {
			snprintf(why, why_len, "TXT value %s: unbalanced "
				"quotes, a bad escape or no blank between "
				"strings", value);
			return -EINVAL;
		}
		r->rdlen = (uint16_t)ret;
		return 0;
	default:
		if (!ws_config_next_word(&p, word, sizeof(word)) ||
				*p != '\0') {
			snprintf(why, why_len, "%s target '%s' is not one name",
				type_name(r->type), value);
			return -EINVAL;
		}
		ret = ws_dns_name_from_text(word, origin, r->rdata,
			sizeof(r->rdata));
		if (ret < 0) {
			name_reason(ret, "target", word, why, why_len);
			return -EINVAL;
		}
		r->rdlen = (uint16_t)ret;
		return 0;
	}
}

/* Checks against the records in the slots before this one. */
static int
record_conflicts(const struct ws_dns_config *dns, unsigned int idx,
		const struct ws_dns_record *r, const char *name, char *why,
		size_t why_len)
{
	const struct ws_dns_record *o;
	unsigned int i;

	for (i = 0; i < idx; i++) {
		o = &dns->records[i];
		if (o->text[0] == '\0' || !wire_equal(o->owner, r->owner))
			continue;
		if (r->type == WS_DNS_TYPE_CNAME ||
				o->type == WS_DNS_TYPE_CNAME) {
			snprintf(why, why_len, "CNAME alongside other data "
				"for %s (record%u)", name, i + 1);
			return -EINVAL;
		}
		if (o->type != r->type)
			continue;
		if (o->ttl != r->ttl) {
			snprintf(why, why_len, "TTL %" PRIu32 " differs from "
				"record%u's %" PRIu32 " for the same name and "
				"type (RFC 2181 5.2)", r->ttl, i + 1, o->ttl);
			return -EINVAL;
		}
		if (o->rdlen == r->rdlen &&
				memcmp(o->rdata, r->rdata, r->rdlen) == 0) {
			snprintf(why, why_len, "same as record%u", i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

#define RECORD_SHAPE "is not NAME [TTL] TYPE VALUE"

int
ws_dns_config_record(struct ws_dns_config *dns, unsigned int idx,
		const char *text, char *why, size_t why_len)
{
	char name[WS_CFG_STR_LEN], word[WS_CFG_STR_LEN];
	uint8_t origin[WS_DNS_NAME_MAX];
	struct ws_dns_record r;
	const char *p = text;
	uint64_t ttl;
	unsigned int i;
	char *end;
	int ret;

	memset(&r, 0, sizeof(r));
	if (text[0] == '\0') {
		/* Zeroed, so that configs compare equal with memcmp. */
		memset(&dns->records[idx], 0, sizeof(dns->records[idx]));
		return 0;
	}
	if (dns->zone[0] == '\0') {
		snprintf(why, why_len, "a record needs [dns] zone");
		return -EINVAL;
	}
	if (ws_dns_name_write(dns->zone, origin, sizeof(origin)) < 0)
		return -EINVAL;
	if (!ws_config_next_word(&p, name, sizeof(name)) ||
			!ws_config_next_word(&p, word, sizeof(word)))
		goto shape;
	r.ttl = dns->ttl;
	if (isdigit((unsigned char)word[0])) {
		errno = 0;
		ttl = strtoull(word, &end, 10);
		if (*end != '\0' || errno != 0 || ttl > INT32_MAX) {
			snprintf(why, why_len, "TTL '%s' is not 0..%d", word,
				INT32_MAX);
			return -EINVAL;
		}
		r.ttl = (uint32_t)ttl;
		if (!ws_config_next_word(&p, word, sizeof(word)))
			goto shape;
	}
	for (i = 0; i < RTE_DIM(record_types); i++)
		if (strcasecmp(word, record_types[i].name) == 0)
			r.type = record_types[i].type;
	if (r.type == 0) {
		snprintf(why, why_len, "type '%s' is not A, AAAA, CNAME, NS "
			"or TXT", word);
		return -EINVAL;
	}
	if (*p == '\0')
		goto shape;

	ret = ws_dns_name_from_text(name, origin, r.owner, sizeof(r.owner));
	if (ret < 0) {
		name_reason(ret, "name", name, why, why_len);
		return -EINVAL;
	}
	if (!ws_dns_name_is_under(r.owner, origin)) {
		snprintf(why, why_len, "name '%s' is outside the zone %s",
			name, dns->zone);
		return -EINVAL;
	}
	if (r.owner[0] == 1 && r.owner[1] == '*') {
		snprintf(why, why_len, "name '%s': wildcards are not served",
			name);
		return -EINVAL;
	}
	if (record_rdata(&r, p, origin, why, why_len) < 0)
		return -EINVAL;
	if (r.type == WS_DNS_TYPE_CNAME && wire_equal(r.owner, origin)) {
		snprintf(why, why_len, "CNAME at the zone apex, which has SOA "
			"and NS");
		return -EINVAL;
	}
	if (r.type == WS_DNS_TYPE_NS && !wire_equal(r.owner, origin)) {
		snprintf(why, why_len, "NS for '%s' would delegate it; only "
			"the apex (@) may have NS", name);
		return -EINVAL;
	}
	if (record_conflicts(dns, idx, &r, name, why, why_len) < 0)
		return -EINVAL;
	strlcpy(r.text, text, sizeof(r.text));
	dns->records[idx] = r;
	if (dns->n_records < idx + 1)
		dns->n_records = idx + 1;
	return 0;

shape:
	snprintf(why, why_len, "'%s' " RECORD_SHAPE, text);
	return -EINVAL;
}
