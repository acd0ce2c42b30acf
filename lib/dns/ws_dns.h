/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_DNS_H
#define WS_DNS_H

/*
 * DNS messages (RFC 1035): pure parsing and building on byte buffers,
 * shared by the authoritative responder (ws_dns_server.c) and the stub
 * resolver (ws_resolver.c), and the [dns] record syntax of the config.
 * Nothing here reads outside [msg, msg + len).
 *
 * Names come in three forms: dotted text ("www.woshou.test", without the
 * final dot; "" is the root), wire form (length-prefixed labels ending in
 * the zero octet, uncompressed, at most WS_DNS_NAME_MAX octets), and wire
 * form inside a message, where a name may end in a compression pointer.
 * Text uses the master-file escapes of RFC 1035 5.1: "\." for a dot inside
 * a label, "\\", and "\DDD" for any other octet.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ws_config.h"

#define WS_DNS_HDR_LEN		12
#define WS_DNS_NAME_MAX		255	/* octets on the wire, RFC 1035 2.3.4 */
#define WS_DNS_NAME_TEXT_MAX	254	/* dotted text without the root dot */
#define WS_DNS_LABEL_MAX	63
#define WS_DNS_UDP_MAX		512	/* without EDNS0 */
#define WS_DNS_RR_FIXED		10	/* type, class, TTL, RDLENGTH */
#define WS_DNS_OPT_LEN		11	/* an OPT record without options */
#define WS_DNS_TXT_STRING_MAX	255	/* one <character-string> */

#define WS_DNS_TYPE_A		1
#define WS_DNS_TYPE_NS		2
#define WS_DNS_TYPE_CNAME	5
#define WS_DNS_TYPE_SOA		6
#define WS_DNS_TYPE_TXT		16
#define WS_DNS_TYPE_AAAA	28
#define WS_DNS_TYPE_OPT		41
#define WS_DNS_TYPE_IXFR	251
#define WS_DNS_TYPE_AXFR	252
#define WS_DNS_TYPE_MAILB	253
#define WS_DNS_TYPE_MAILA	254
#define WS_DNS_TYPE_ANY		255
#define WS_DNS_CLASS_IN		1
#define WS_DNS_CLASS_ANY	255

#define WS_DNS_RCODE_NOERROR	0
#define WS_DNS_RCODE_FORMERR	1
#define WS_DNS_RCODE_SERVFAIL	2
#define WS_DNS_RCODE_NXDOMAIN	3
#define WS_DNS_RCODE_NOTIMP	4
#define WS_DNS_RCODE_REFUSED	5
#define WS_DNS_RCODE_BADVERS	16	/* extended: RFC 6891 6.1.3 */

/* Header flags, host order, as in the second 16-bit word. */
#define WS_DNS_F_QR		0x8000
#define WS_DNS_F_OPCODE_MASK	0x7800
#define WS_DNS_F_OPCODE_SHIFT	11
#define WS_DNS_F_AA		0x0400
#define WS_DNS_F_TC		0x0200
#define WS_DNS_F_RD		0x0100
#define WS_DNS_F_CD		0x0010
#define WS_DNS_F_RCODE_MASK	0x000f
#define WS_DNS_OPCODE_QUERY	0

#define WS_DNS_EDNS_DO		0x8000	/* in the low 16 bits of OPT's TTL */

_Static_assert(WS_DNS_NAME_MAX == WS_DNS_CFG_NAME_MAX,
	"ws_config.h stores wire-form names");

/*
 * Why a message was malformed; functions return the negated value. The
 * wire reasons each map to a drop_* counter of WS_DNS_STATS.
 */
enum ws_dns_err {
	WS_DNS_OK = 0,
	WS_DNS_E_SHORT,		/* shorter than a header, or a field */
	WS_DNS_E_COUNTS,	/* section counts that cannot be true */
	WS_DNS_E_LABEL_LONG,	/* label over 63 octets (a length octet of
				 * 64..127: RFC 6891 5 left the extended
				 * label type 01 without any use) */
	WS_DNS_E_NAME_LONG,	/* name over 255 octets, or its text over
				 * the caller's buffer */
	WS_DNS_E_PTR_LOOP,	/* compression pointer back into the name
				 * being read */
	WS_DNS_E_PTR_BAD,	/* pointer past the end, into the header, or
				 * forward */
	WS_DNS_E_TRUNCATED,	/* ends inside a name or record */
	WS_DNS_E_LABEL_TYPE,	/* label type 10 (reserved) */
	WS_DNS_E_QR,		/* a response where a query belongs, or the
				 * reverse */
	WS_DNS_E_OPT,		/* a second OPT record, one not owned by the
				 * root, or options overrunning it (RFC 6891
				 * 6.1.1) */
	WS_DNS_E_SYNTAX,	/* text only: an empty label or a bad escape */
};

/* RFC 4343: names compare with ASCII letters folded, nothing else. */
static inline uint8_t
ws_dns_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Big-endian fields in messages, which have no alignment. */
static inline uint16_t
ws_dns_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
ws_dns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void
ws_dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
ws_dns_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Read the (possibly compressed) name at *off of msg[0..len) into 'out'
 * (WS_DNS_NAME_MAX octets) in uncompressed wire form. *off moves past the
 * name where it sits (a pointer counts 2 octets). A pointer must point
 * back, before the run of labels it ends (RFC 9267 2): one into octets
 * of the name already read is a loop, one ahead of them is bad. More than
 * 127 jumps (a name has at most 127 labels) count as a loop too. Returns
 * the wire length (1 for the root) or -enum ws_dns_err.
 */
int ws_dns_name_unpack(const uint8_t *msg, uint32_t len, uint32_t *off,
		uint8_t *out);

/*
 * Read the (possibly compressed) name at *off of msg[0..len) as dotted
 * text without the final dot ("" for the root) into out[out_len]. *off
 * moves past the name where it sits (a pointer counts 2 octets). Returns
 * the text length or -enum ws_dns_err.
 */
int ws_dns_name_read(const uint8_t *msg, uint32_t len, uint32_t *off,
		char *out, size_t out_len);

/*
 * Write dotted 'name' ("" or "." for the root; a final dot is allowed)
 * uncompressed into buf[cap]. Returns octets written or -enum ws_dns_err
 * (-WS_DNS_E_SHORT when cap is too small).
 */
int ws_dns_name_write(const char *name, uint8_t *buf, uint32_t cap);

/*
 * The master-file rule (RFC 1035 5.1): 'text' ending in a dot is absolute;
 * "@" is 'origin'; any other text is relative to 'origin' (wire form).
 * Writes the absolute wire form into buf[cap]; returns its length or
 * -enum ws_dns_err.
 */
int ws_dns_name_from_text(const char *text, const uint8_t *origin,
		uint8_t *buf, uint32_t cap);

/* Case-insensitive comparison of dotted names (RFC 4343). */
bool ws_dns_name_equal(const char *a, const char *b);

/* Wire-form 'name' is 'zone' or below it, ignoring ASCII case. */
bool ws_dns_name_is_under(const uint8_t *name, const uint8_t *zone);

/* Length of wire-form 'name' (trusted: written by us or unpacked). */
uint32_t ws_dns_name_len(const uint8_t *name);

/* Lower-case the ASCII letters of wire-form 'name' into 'out'. */
void ws_dns_name_lower(const uint8_t *name, uint8_t *out);

/*
 * Build a query for 'name' and 'qtype' with id 'id', RD set when 'rd'.
 * Returns the message length or a negative value.
 */
int ws_dns_build_query(uint8_t *buf, uint32_t cap, uint16_t id,
		const char *name, uint16_t qtype, bool rd);

/* One resource record's fixed part, as found in a message. */
struct ws_dns_rr {
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint32_t rdata;			/* offset of RDATA in the message */
};

/*
 * Read the resource record at *off of msg[0..len): its owner (into 'owner',
 * WS_DNS_NAME_MAX octets, unless NULL) and fixed fields; *off moves past
 * its RDATA, which must lie inside the message. Returns 0 or
 * -enum ws_dns_err.
 */
int ws_dns_rr_read(const uint8_t *msg, uint32_t len, uint32_t *off,
		uint8_t *owner, struct ws_dns_rr *rr);

#define WS_DNS_ANSWER_ADDRS	8

/* What a stub resolver needs from a response. */
struct ws_dns_answer {
	uint16_t id;
	uint8_t rcode;
	bool tc;
	uint16_t qtype;
	char qname[WS_DNS_NAME_TEXT_MAX + 1];
	unsigned int n_addrs;		/* A records for qname or its CNAME
					 * chain, network byte order */
	uint32_t addrs[WS_DNS_ANSWER_ADDRS];
	uint32_t ttl;			/* smallest TTL of what was used */
	uint32_t neg_ttl;		/* RFC 2308: min(SOA TTL, MINIMUM),
					 * 0 when no SOA came */
};

/*
 * Parse a response (QR=1). Every section is walked, so a message that
 * parses is well formed throughout. The CNAME chain from qname is followed
 * through the answer section in any order, at most WS_DNS_CHAIN_MAX
 * links. 0 or -enum ws_dns_err.
 */
#define WS_DNS_CHAIN_MAX	8

int ws_dns_parse_response(const uint8_t *msg, uint32_t len,
		struct ws_dns_answer *ans);

/*
 * TXT RDATA from config text: one or more "quoted strings" separated by
 * blanks (escapes \" \\ and \DDD inside), or else the whole text as one
 * bare string. Strings longer than 255 octets are split into consecutive
 * 255-octet strings (RFC 1035 3.3.14). Returns the RDATA length or
 * -WS_DNS_E_SYNTAX (bad quoting), -WS_DNS_E_SHORT (over cap).
 */
int ws_dns_txt_rdata(const char *text, uint8_t *buf, uint32_t cap);

/*
 * [dns] recordN = NAME [TTL] TYPE VALUE, for slot 'idx' of 'dns' (whose
 * zone and ttl are set): parsed, checked against the slots before it (a
 * CNAME shares its name with no other record; the TTLs of one name and
 * type agree; no record twice) and stored. "" empties the slot. 0, or
 * -EINVAL with a one-line reason in 'why'.
 */
int ws_dns_config_record(struct ws_dns_config *dns, unsigned int idx,
		const char *text, char *why, size_t why_len);

/*
 * Check the text of a [dns] name key: the zone itself ('zone' NULL), or
 * mname and rname, read relative to 'zone'. "" is fine. 0, or -EINVAL
 * with the reason in 'why'.
 */
int ws_dns_config_name(const char *text, const char *zone, char *why,
		size_t why_len);

#endif /* WS_DNS_H */
