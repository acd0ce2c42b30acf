/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * lib/dns on untrusted bytes. The first byte picks the path:
 *
 *  0: a reply, as the resolver reads it (ws_dns_parse_response).
 *  1: a query, as the responder reads it (ws_dns_query_parse), then its
 *     answer from the zone (ws_dns_answer) into the room the query asked
 *     for: the answer must fit, and must itself parse as a response.
 *  2: the walk the parsers are made of: every name (ws_dns_name_unpack and
 *     ws_dns_name_read must agree on where it ends) and every record.
 *  3: text: names (ws_dns_name_from_text, ws_dns_name_write: a name that
 *     writes reads back the same), TXT RDATA and [dns] recordN lines.
 *
 * Every message is copied to a buffer of exactly its size, so ASan sees
 * a read one byte past the end.
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ws_dns.h"
#include "ws_dns_server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ws_dns_zone *zone;
static struct ws_config zone_cfg;
static uint8_t apex[WS_DNS_NAME_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	fuzz_eal_init();
	ws_config_defaults(&zone_cfg);
	fuzz_load_config(&zone_cfg, fuzz_dns_sets, fuzz_dns_n_sets);
	zone = ws_dns_zone_create(&zone_cfg.dns);
	FUZZ_CHECK(zone != NULL, "cannot build the zone");
	FUZZ_CHECK(ws_dns_name_write(zone_cfg.dns.zone, apex,
		sizeof(apex)) > 0, "zone name");
	return 0;
}

static void
fuzz_response(const uint8_t *msg, uint32_t len)
{
	struct ws_dns_answer ans;
	int ret;

	ret = ws_dns_parse_response(msg, len, &ans);
	if (ret < 0)
		return;
	FUZZ_CHECK(ans.n_addrs <= WS_DNS_ANSWER_ADDRS, "%u addresses",
		ans.n_addrs);
	FUZZ_CHECK(memchr(ans.qname, '\0', sizeof(ans.qname)) != NULL,
		"qname not terminated");
}

static void
fuzz_query(const uint8_t *msg, uint32_t len)
{
	static uint8_t out[65536];
	struct ws_dns_stats st;
	struct ws_dns_query q;
	struct ws_dns_answer ans;
	uint8_t *copy;
	int ret, n;

	memset(&st, 0, sizeof(st));
	ret = ws_dns_query_parse(zone, msg, len, &q, &st);
	if (ret < 0)
		return;
	FUZZ_CHECK(q.limit >= WS_DNS_HDR_LEN, "reply limit %u", q.limit);
	FUZZ_CHECK(q.qname_len <= WS_DNS_NAME_MAX, "qname of %u",
		q.qname_len);
	n = ws_dns_answer(zone, &q, out, q.limit, &st);
	if (n < 0)
		return;
	FUZZ_CHECK((uint32_t)n <= q.limit, "answer of %d over the limit %u",
		n, q.limit);
	/* What we send must be what we would accept. */
	copy = malloc((size_t)n);
	FUZZ_CHECK(copy != NULL, "malloc");
	memcpy(copy, out, (size_t)n);
	ret = ws_dns_parse_response(copy, (uint32_t)n, &ans);
	/*
	 * The resolver reads the question as text of at most 254
	 * characters: a name of unprintable octets (\\DDD each) may not
	 * fit, and that is its only reason to refuse our answer.
	 */
	FUZZ_CHECK(ret == 0 || ret == -WS_DNS_E_NAME_LONG,
		"our own answer (%d bytes, rcode %u) does not parse: %d", n,
		out[3] & 0xf, ret);
	free(copy);
}

static void
fuzz_walk(const uint8_t *msg, uint32_t len)
{
	uint8_t name[WS_DNS_NAME_MAX];
	char text[4 * WS_DNS_NAME_MAX + 1];	/* \\DDD escapes: 4 each */
	struct ws_dns_rr rr;
	uint32_t off, off2, i, n_rr;
	int a, b;

	if (len < WS_DNS_HDR_LEN)
		return;
	off = WS_DNS_HDR_LEN;
	/* Questions, then records, until something does not parse. */
	for (i = 0; i < ws_dns_get16(msg + 4) && i < 64; i++) {
		off2 = off;
		a = ws_dns_name_unpack(msg, len, &off, name);
		b = ws_dns_name_read(msg, len, &off2, text, sizeof(text));
		FUZZ_CHECK((a < 0) == (b < 0), "unpack %d and read %d "
			"disagree", a, b);
		if (a < 0)
			return;
		FUZZ_CHECK(off == off2, "unpack and read end apart");
		FUZZ_CHECK((uint32_t)a == ws_dns_name_len(name),
			"unpack length %d, name %u", a, ws_dns_name_len(name));
		if (off + 4 > len)
			return;
		off += 4;
	}
	n_rr = (uint32_t)ws_dns_get16(msg + 6) + ws_dns_get16(msg + 8) +
		ws_dns_get16(msg + 10);
	for (i = 0; i < n_rr && i < 256; i++) {
		if (ws_dns_rr_read(msg, len, &off, name, &rr) < 0)
			return;
		FUZZ_CHECK(rr.rdata + rr.rdlen <= len && off <= len,
			"record past the end");
	}
}

static void
fuzz_text(const uint8_t *data, uint32_t len)
{
	uint8_t wire[WS_DNS_NAME_MAX + 16], wire2[WS_DNS_NAME_MAX + 16];
	uint8_t rdata[1024];
	/* Octets outside printable ASCII read back as \\DDD: 4 each. */
	char why[256], back[4 * WS_DNS_NAME_MAX + 1];
	struct ws_dns_config dns;
	char *text = malloc(len + 1);
	uint32_t off = 0;
	int n, m;

	FUZZ_CHECK(text != NULL, "malloc");
	memcpy(text, data, len);
	text[len] = '\0';

	n = ws_dns_name_write(text, wire, sizeof(wire));
	if (n > 0) {
		FUZZ_CHECK((uint32_t)n == ws_dns_name_len(wire),
			"written %d, length %u", n, ws_dns_name_len(wire));
		m = ws_dns_name_read(wire, (uint32_t)n, &off, back,
			sizeof(back));
		FUZZ_CHECK(m >= 0, "a name we wrote does not read: %d", m);
		off = 0;
		m = ws_dns_name_write(back, wire2, sizeof(wire2));
		FUZZ_CHECK(m == n && memcmp(wire, wire2, (size_t)n) == 0,
			"name does not survive write, read, write");
	}
	n = ws_dns_name_from_text(text, apex, wire, sizeof(wire));
	if (n > 0)
		FUZZ_CHECK((uint32_t)n == ws_dns_name_len(wire),
			"from_text %d, length %u", n, ws_dns_name_len(wire));
	(void)ws_dns_txt_rdata(text, rdata, sizeof(rdata));
	(void)ws_dns_config_name(text, zone_cfg.dns.zone, why, sizeof(why));
	dns = zone_cfg.dns;
	(void)ws_dns_config_record(&dns, dns.n_records < WS_DNS_MAX_RECORDS ?
		dns.n_records : 0, text, why, sizeof(why));
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *msg;
	uint32_t len;

	if (size < 1 || size > 65536)
		return 0;
	len = (uint32_t)size - 1;
	msg = malloc(len + 1);
	FUZZ_CHECK(msg != NULL, "malloc");
	memcpy(msg, data + 1, len);
	switch (data[0] & 3) {
	case 0:
		fuzz_response(msg, len);
		break;
	case 1:
		fuzz_query(msg, len);
		break;
	case 2:
		fuzz_walk(msg, len);
		break;
	default:
		fuzz_text(msg, len);
		break;
	}
	free(msg);
	return 0;
}
