/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_DNS_H
#define WS_DNS_H

/*
 * DNS messages (RFC 1035): pure parsing and building on byte buffers,
 * shared by the authoritative responder (ws_dns_server.c) and the stub
 * resolver (ws_resolver.c). Nothing here reads outside [msg, msg + len).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_DNS_HDR_LEN		12
#define WS_DNS_NAME_MAX		255	/* octets on the wire, RFC 1035 2.3.4 */
#define WS_DNS_NAME_TEXT_MAX	254	/* dotted text without the root dot */
#define WS_DNS_LABEL_MAX	63
#define WS_DNS_UDP_MAX		512	/* without EDNS0 */

#define WS_DNS_TYPE_A		1
#define WS_DNS_TYPE_NS		2
#define WS_DNS_TYPE_CNAME	5
#define WS_DNS_TYPE_SOA		6
#define WS_DNS_TYPE_TXT		16
#define WS_DNS_TYPE_AAAA	28
#define WS_DNS_TYPE_OPT		41
#define WS_DNS_TYPE_ANY		255
#define WS_DNS_CLASS_IN		1

#define WS_DNS_RCODE_NOERROR	0
#define WS_DNS_RCODE_FORMERR	1
#define WS_DNS_RCODE_SERVFAIL	2
#define WS_DNS_RCODE_NXDOMAIN	3
#define WS_DNS_RCODE_NOTIMP	4
#define WS_DNS_RCODE_REFUSED	5

/*
 * Why a message was malformed; functions return the negated value. Each
 * maps to a drop_* counter of WS_DNS_STATS.
 */
enum ws_dns_err {
	WS_DNS_OK = 0,
	WS_DNS_E_SHORT,		/* shorter than a header, or a field */
	WS_DNS_E_COUNTS,	/* section counts that cannot be true */
	WS_DNS_E_LABEL_LONG,	/* label over 63 octets */
	WS_DNS_E_NAME_LONG,	/* name over 255 octets */
	WS_DNS_E_PTR_LOOP,	/* compression pointers that loop */
	WS_DNS_E_PTR_BAD,	/* pointer past the end or forward */
	WS_DNS_E_TRUNCATED,	/* ends inside a name or record */
	WS_DNS_E_LABEL_TYPE,	/* label type 01 or 10 (RFC 6891) */
};

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

/* Case-insensitive comparison of dotted names (RFC 4343). */
bool ws_dns_name_equal(const char *a, const char *b);

/*
 * Build a query for 'name' and 'qtype' with id 'id', RD set when 'rd'.
 * Returns the message length or a negative value.
 */
int ws_dns_build_query(uint8_t *buf, uint32_t cap, uint16_t id,
		const char *name, uint16_t qtype, bool rd);

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

/* Parse a response (QR=1). 0 or -enum ws_dns_err. */
int ws_dns_parse_response(const uint8_t *msg, uint32_t len,
		struct ws_dns_answer *ans);

#endif /* WS_DNS_H */
