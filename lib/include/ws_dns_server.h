/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_DNS_SERVER_H
#define WS_DNS_SERVER_H

/*
 * The authoritative DNS responder (RFC 1035, EDNS0 of RFC 6891) for the
 * one zone of [dns], served over the UDP API on every worker.
 *
 * The zone is compiled once at start into a read-only hash table of owner
 * names, ASCII case folded (RFC 4343), that all workers read without
 * locks. It holds the SOA built from the [dns] SOA keys, the apex NS
 * records (the MNAME when no record names one) and recordN; every
 * ancestor of a name down to the apex exists too, so that an empty
 * non-terminal answers NODATA rather than NXDOMAIN (RFC 8020).
 *
 * Answers: AA set, RD and CD copied, RA clear. A name with data of the
 * type asked for gets it (ANY: everything there); a CNAME is followed
 * inside the zone, the chain then the target's records, at most
 * WS_DNS_SERVER_CHAIN_MAX links; a name without that type is NODATA and
 * a missing one NXDOMAIN, both with the SOA in the authority section at
 * min(SOA TTL, MINIMUM) (RFC 2308 3). NS answers carry the A and AAAA
 * records of in-zone servers as additional data while they fit. Names
 * outside the zone or of another class are REFUSED; other opcodes and
 * zone transfers NOTIMP. Owner names and the names in CNAME, NS and SOA
 * RDATA are compressed against every name already in the message.
 *
 * EDNS0: one OPT in the additional section, owned by the root; a reply to
 * it carries our own with [dns] edns_size and the DO bit copied, and may
 * be as long as the requester's size (at least 512) and edns_size allow;
 * without OPT, 512. Version above 0 is BADVERS. When the answer and
 * authority sections do not fit, the reply is the header and the question
 * (and OPT) with TC set; additional data that does not fit is left out.
 *
 * Malformed messages: a readable header (12 octets) with QR clear is
 * answered FORMERR, with the question when it could be read; anything
 * else is dropped. Either way the reason is counted in a drop_* counter
 * of WS_DNS_STATS (ws_dns.h's enum ws_dns_err), so drop_* counts messages
 * refused as malformed, and rcode_formerr those of them answered. Of the
 * other counters, queries counts every datagram, q_* the questions read,
 * answers and rcode_* the replies, reply_copied those built in a new mbuf,
 * drop_too_long queries no mbuf can hold whole (only IP reassembly makes
 * them) and drop_nombuf what went unanswered for want of an mbuf.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ws_config.h"
#include "ws_stats.h"

#define WS_DNS_SERVER_CHAIN_MAX 8

struct ws_stack;
struct ws_dns_zone;
struct ws_dns_server;

/* A query, parsed: all the reply needs, so it may go into any buffer. */
struct ws_dns_query {
	uint16_t id;
	uint16_t flags;			/* the query's header flags */
	uint16_t qtype;
	uint16_t qclass;
	uint16_t qname_len;		/* wire octets; 0 = no question */
	uint16_t limit;			/* the longest reply it may get */
	uint8_t rcode;			/* an error to answer without a
					 * lookup (FORMERR, NOTIMP, BADVERS);
					 * 0 = look the name up */
	bool edns;			/* a valid OPT came */
	bool edns_do;			/* with the DO bit (RFC 3225) */
	uint8_t qname[WS_DNS_CFG_NAME_MAX];	/* as received */
};

/*
 * Compile the zone of 'cfg' (loaded by ws_config_load, so checked). NULL
 * with rte_errno: EINVAL (no zone), ENOMEM.
 */
struct ws_dns_zone *ws_dns_zone_create(const struct ws_dns_config *cfg);

/* NULL is fine. */
void ws_dns_zone_free(struct ws_dns_zone *z);

/* Names in the compiled zone, empty non-terminals included. */
unsigned int ws_dns_zone_names(const struct ws_dns_zone *z);

/*
 * Parse the message msg[0..len) received for 'z' into 'q', counting it in
 * 'st'. Returns 0 when it gets a reply (q->rcode says whether an error
 * one), or -enum ws_dns_err when it is dropped.
 */
int ws_dns_query_parse(const struct ws_dns_zone *z, const uint8_t *msg,
		uint32_t len, struct ws_dns_query *q, struct ws_dns_stats *st);

/*
 * Write the reply to 'q' into out[0..cap), which may be the very buffer
 * the query was parsed from; at most q->limit octets are used. Counts the
 * reply in 'st'. Returns its length, or -ENOSPC when 'cap' cannot hold
 * even the header, the question and an OPT.
 */
int ws_dns_answer(const struct ws_dns_zone *z, const struct ws_dns_query *q,
		uint8_t *out, uint32_t cap, struct ws_dns_stats *st);

/*
 * Compile the zone of 'cfg' and bind its port on every worker of 's'
 * (between ws_stack_create and ws_stack_start). *srv is NULL when [dns]
 * port is 0 or zone empty. Replies are built in the received mbuf when
 * it is writable and can grow to q->limit, else in a new one. 0 or a
 * negative errno (that of ws_udp_bind_all, or -ENOMEM).
 */
int ws_dns_server_start(struct ws_stack *s, const struct ws_dns_config *cfg,
		struct ws_dns_server **srv);

/* Free the server after ws_stack_destroy() (its sockets). NULL is fine. */
void ws_dns_server_free(struct ws_dns_server *srv);

#endif /* WS_DNS_SERVER_H */
