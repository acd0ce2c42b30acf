/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * DNS: names read and written (compression, its loops and bad pointers,
 * label and name limits), queries built, responses parsed (CNAME chains,
 * RFC 2308 negative TTL), the [dns] record syntax, and the authoritative
 * responder: replies compared byte for byte, hostile messages counted by
 * reason, and every message cut at every octet. Reads that would run past
 * a message hit a PROT_NONE page placed right after it, so an over-read
 * is a crash, not a silent pass. Last, a responder on a whole stack
 * answers another stack's queries over net_ring, in the received mbuf or
 * in a new one.
 *
 * Addresses are in 198.18.0.0/15 and 2001:2::/48 (the benchmarking
 * ranges); the RFC 1035 vectors use their own names.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_ring.h>

#include "woshou.h"
#include "ws_config.h"
#include "ws_dns.h"
#include "ws_dns_server.h"
#include "ws_test.h"
#include "ws_udp_api.h"

#define MSG_MAX 4096

/* Hex digits, blanks ignored, into 'out'; returns the octet count. */
static uint32_t
unhex(const char *s, uint8_t *out, uint32_t cap)
{
	uint32_t n = 0;
	unsigned int v;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '|')
			continue;
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		s++;
	}
	return n;
}

/* A message under construction. */
struct tmsg {
	uint8_t b[MSG_MAX];
	uint32_t n;
};

static void
t_bytes(struct tmsg *m, const void *p, uint32_t len)
{
	assert_true(m->n + len <= sizeof(m->b));
	memcpy(m->b + m->n, p, len);
	m->n += len;
}

static void
t_u16(struct tmsg *m, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	t_bytes(m, b, 2);
}

static void
t_u32(struct tmsg *m, uint32_t v)
{
	t_u16(m, (uint16_t)(v >> 16));
	t_u16(m, (uint16_t)v);
}

static void
t_hex(struct tmsg *m, const char *hex)
{
	m->n += unhex(hex, m->b + m->n, sizeof(m->b) - m->n);
}

static void
t_name(struct tmsg *m, const char *name)
{
	int n = ws_dns_name_write(name, m->b + m->n, sizeof(m->b) - m->n);

	assert_true(n > 0);
	m->n += (uint32_t)n;
}

static void
t_hdr(struct tmsg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		uint16_t ns, uint16_t ar)
{
	m->n = 0;
	t_u16(m, id);
	t_u16(m, flags);
	t_u16(m, qd);
	t_u16(m, an);
	t_u16(m, ns);
	t_u16(m, ar);
}

/* A standard query for one name, without or with an OPT. */
static void
t_query(struct tmsg *m, uint16_t id, uint16_t flags, const char *name,
		uint16_t qtype, int edns_size, uint32_t opt_ttl)
{
	t_hdr(m, id, flags, 1, 0, 0, edns_size >= 0 ? 1 : 0);
	t_name(m, name);
	t_u16(m, qtype);
	t_u16(m, WS_DNS_CLASS_IN);
	if (edns_size >= 0) {
		t_hex(m, "00 0029");
		t_u16(m, (uint16_t)edns_size);
		t_u32(m, opt_ttl);
		t_u16(m, 0);
	}
}

/*
 * Guarded copies: the message ends where a PROT_NONE page begins, so any
 * read past it faults.
 */
static uint8_t *guard_area;
static size_t guard_span;

static const uint8_t *
guarded(const void *msg, uint32_t len)
{
	assert_true(len <= guard_span);
	return memcpy(guard_area + guard_span - len, msg, len);
}

static int
guard_setup(void)
{
	long page = sysconf(_SC_PAGESIZE);

	guard_span = RTE_ALIGN_CEIL(MSG_MAX, (size_t)page);
	guard_area = mmap(NULL, guard_span + (size_t)page,
		PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_area == MAP_FAILED)
		return -1;
	return mprotect(guard_area + guard_span, (size_t)page, PROT_NONE);
}

/* --------------------------------------------------------------------- */
/* Names.                                                                */

static void
expect_write(const char *text, const char *hex)
{
	uint8_t got[WS_DNS_NAME_MAX + 8], want[WS_DNS_NAME_MAX + 8];
	uint32_t n = unhex(hex, want, sizeof(want));

	assert_int_equal(ws_dns_name_write(text, got, sizeof(got)), n);
	assert_memory_equal(got, want, n);
}

/* 'n' labels of 'len' octets joined by dots. */
static void
long_name(char *buf, size_t cap, unsigned int n, unsigned int len)
{
	size_t at = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		assert_true(at + len + 2 <= cap);
		if (i != 0)
			buf[at++] = '.';
		memset(buf + at, 'a' + (int)i, len);
		at += len;
	}
	buf[at] = '\0';
}

static void
test_name_write(void **state)
{
	char text[1024];
	uint8_t buf[WS_DNS_NAME_MAX];

	(void)state;
	expect_write("www.example.com",
		"03777777 076578616d706c65 03636f6d 00");
	expect_write("www.example.com.",
		"03777777 076578616d706c65 03636f6d 00");
	expect_write("", "00");
	expect_write(".", "00");
	/* RFC 1035 5.1 escapes: a dot inside a label, and \DDD. */
	expect_write("a\\.b.c", "03612e62 0163 00");
	expect_write("\\065\\\\x", "03415c78 00");
	expect_write("a\\.", "02612e 00");

	assert_int_equal(ws_dns_name_write("a..b", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_name_write(".a", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_name_write("a..", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_name_write("a\\", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_name_write("\\256", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);

	/* 63 octets is a label; 64 is not. */
	long_name(text, sizeof(text), 1, 63);
	assert_int_equal(ws_dns_name_write(text, buf, sizeof(buf)), 65);
	long_name(text, sizeof(text), 1, 64);
	assert_int_equal(ws_dns_name_write(text, buf, sizeof(buf)),
		-WS_DNS_E_LABEL_LONG);
	/* 3 x 63 + 61 with dots: 253 characters, 255 octets. */
	long_name(text, sizeof(text), 3, 63);
	strcat(text, ".");
	memset(text + strlen(text), 'z', 61);
	text[253] = '\0';
	assert_int_equal(ws_dns_name_write(text, buf, sizeof(buf)), 255);
	strcat(text, "z");
	assert_int_equal(ws_dns_name_write(text, buf, sizeof(buf)),
		-WS_DNS_E_NAME_LONG);
	/* A buffer too small is its own error. */
	assert_int_equal(ws_dns_name_write("www.example.com", buf, 16),
		-WS_DNS_E_SHORT);
	assert_int_equal(ws_dns_name_write("www.example.com", buf, 17), 17);
	assert_int_equal(ws_dns_name_write("", buf, 0), -WS_DNS_E_SHORT);
}

/*
 * RFC 1035 4.1.4: F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40 as 3 FOO and a
 * pointer to 20, ARPA at 64 as a pointer to 26, the root at 92.
 */
static uint32_t
rfc1035_example(uint8_t *msg)
{
	static const uint8_t f_isi_arpa[] = {
		1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0 };
	static const uint8_t foo[] = { 3, 'F', 'O', 'O', 0xc0, 20 };

	memset(msg, 0, 93);
	memcpy(msg + 20, f_isi_arpa, sizeof(f_isi_arpa));
	memcpy(msg + 40, foo, sizeof(foo));
	msg[64] = 0xc0;
	msg[65] = 26;
	msg[92] = 0;
	return 93;
}

static void
expect_read(const uint8_t *msg, uint32_t len, uint32_t at,
		const char *text, uint32_t next)
{
	char out[WS_DNS_NAME_TEXT_MAX + 1];
	uint32_t off = at;

	assert_int_equal(ws_dns_name_read(msg, len, &off, out, sizeof(out)),
		strlen(text));
	assert_string_equal(out, text);
	assert_int_equal(off, next);
}

static void
test_name_read_rfc1035(void **state)
{
	uint8_t msg[128], wire[WS_DNS_NAME_MAX];
	const uint8_t *g;
	uint32_t len = rfc1035_example(msg), off, cut;
	int ret;

	(void)state;
	g = guarded(msg, len);
	expect_read(g, len, 20, "F.ISI.ARPA", 32);
	expect_read(g, len, 40, "FOO.F.ISI.ARPA", 46);
	expect_read(g, len, 64, "ARPA", 66);
	expect_read(g, len, 92, "", 93);
	off = 40;
	assert_int_equal(ws_dns_name_unpack(g, len, &off, wire), 16);
	assert_memory_equal(wire, "\3FOO\1F\3ISI\4ARPA", 16);

	/* Cut at every octet: a name either reads whole or fails. */
	for (cut = 0; cut <= len; cut++) {
		g = guarded(msg, cut);
		off = 40;
		ret = ws_dns_name_unpack(g, cut, &off, wire);
		assert_int_equal(ret, cut >= 46 ? 16 : -WS_DNS_E_TRUNCATED);
		off = 64;
		ret = ws_dns_name_unpack(g, cut, &off, wire);
		if (cut >= 66)
			assert_int_equal(ret, 6);
		else
			assert_true(ret < 0);
	}
}

static int
read_at(const uint8_t *msg, uint32_t len, uint32_t at)
{
	char out[WS_DNS_NAME_TEXT_MAX + 1];
	uint32_t off = at;

	return ws_dns_name_read(guarded(msg, len), len, &off, out,
		sizeof(out));
}

static void
test_name_read_hostile(void **state)
{
	uint8_t msg[1024];
	uint32_t i, at;

	(void)state;
	memset(msg, 0, sizeof(msg));
	/* A pointer to itself. */
	msg[12] = 0xc0;
	msg[13] = 12;
	assert_int_equal(read_at(msg, 14, 12), -WS_DNS_E_PTR_LOOP);
	/* A label, then a pointer back to that label. */
	memcpy(msg + 12, "\1a\xc0\x0c", 4);
	assert_int_equal(read_at(msg, 16, 12), -WS_DNS_E_PTR_LOOP);
	/* Two pointers to each other: 30 -> 20 (back, fine) -> 30. */
	msg[20] = 0xc0;
	msg[21] = 30;
	msg[30] = 0xc0;
	msg[31] = 20;
	assert_int_equal(read_at(msg, 40, 30), -WS_DNS_E_PTR_LOOP);
	/* The same cycle entered at 20 starts with a forward pointer. */
	assert_int_equal(read_at(msg, 40, 20), -WS_DNS_E_PTR_BAD);
	/* Forward, to a perfectly good name: still refused. */
	memcpy(msg + 12, "\xc0\x14", 2);
	memcpy(msg + 20, "\1b\0", 3);
	assert_int_equal(read_at(msg, 40, 12), -WS_DNS_E_PTR_BAD);
	/* Past the end, and into the header. */
	memcpy(msg + 12, "\xc0\x28", 2);
	assert_int_equal(read_at(msg, 40, 12), -WS_DNS_E_PTR_BAD);
	memcpy(msg + 12, "\xc0\x05", 2);
	assert_int_equal(read_at(msg, 40, 12), -WS_DNS_E_PTR_BAD);
	memcpy(msg + 12, "\xff\xff", 2);
	assert_int_equal(read_at(msg, 40, 12), -WS_DNS_E_PTR_BAD);
	/* A pointer cut in half. */
	assert_int_equal(read_at(msg, 13, 12), -WS_DNS_E_TRUNCATED);

	/* Length octets 64 (a label over 63) and 0x80 (reserved type). */
	memset(msg, 'x', sizeof(msg));
	msg[12] = 64;
	msg[77] = 0;
	assert_int_equal(read_at(msg, 78, 12), -WS_DNS_E_LABEL_LONG);
	msg[12] = 63;
	msg[76] = 0;
	assert_int_equal(read_at(msg, 77, 12), 63);
	msg[12] = 0x80;
	assert_int_equal(read_at(msg, 77, 12), -WS_DNS_E_LABEL_TYPE);

	/* 255 octets is a name, 256 is not. */
	memset(msg, 'x', sizeof(msg));
	for (i = 0, at = 12; i < 3; i++, at += 64)
		msg[at] = 63;
	msg[at] = 61;
	msg[at + 62] = 0;
	assert_int_equal(read_at(msg, at + 63, 12), 253);
	msg[at] = 62;
	msg[at + 62] = 'x';
	msg[at + 63] = 0;
	assert_int_equal(read_at(msg, at + 64, 12), -WS_DNS_E_NAME_LONG);
	/* ... also when the octets come through a pointer: 64 + 193. */
	memset(msg, 'p', sizeof(msg));
	for (i = 0, at = 12; i < 3; i++, at += 64)
		msg[at] = 63;
	msg[at] = 0;
	assert_int_equal(read_at(msg, 300, 12), 3 * 63 + 2);
	msg[300] = 63;
	msg[364] = 0xc0;
	msg[365] = 12;
	assert_int_equal(read_at(msg, 366, 300), -WS_DNS_E_NAME_LONG);

	/*
	 * A chain of pointers, each one back a step: 127 jumps read, the
	 * 128th is taken for a loop.
	 */
	memset(msg, 0, sizeof(msg));
	memcpy(msg + 12, "\1a\0", 3);
	for (i = 0, at = 15; i < 128; i++, at += 2) {
		msg[at] = 0xc0 | (uint8_t)((at - (i == 0 ? 3 : 2)) >> 8);
		msg[at + 1] = (uint8_t)(at - (i == 0 ? 3 : 2));
	}
	assert_int_equal(read_at(msg, at, at - 4), 1);
	assert_int_equal(read_at(msg, at, at - 2), -WS_DNS_E_PTR_LOOP);
}

static void
test_name_text(void **state)
{
	static const uint8_t odd[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		3, 'a', '.', 'b', 2, 0, ' ', 1, '\\', 0 };
	char out[WS_DNS_NAME_TEXT_MAX + 1];
	uint8_t wire[WS_DNS_NAME_MAX];
	uint32_t off = 12;

	(void)state;
	assert_int_equal(ws_dns_name_read(odd, sizeof(odd), &off, out,
		sizeof(out)), 16);
	assert_string_equal(out, "a\\.b.\\000\\032.\\\\");
	assert_int_equal(off, sizeof(odd));
	/* The text reads back to the same octets. */
	assert_int_equal(ws_dns_name_write(out, wire, sizeof(wire)), 10);
	assert_memory_equal(wire, odd + 12, 10);
	/* Too small for the text: an error, nothing written past it. */
	off = 12;
	memset(out, '#', sizeof(out));
	assert_int_equal(ws_dns_name_read(odd, sizeof(odd), &off, out, 16),
		-WS_DNS_E_NAME_LONG);
	assert_int_equal(off, 12);
	assert_int_equal(out[16], '#');
	off = 12;
	assert_int_equal(ws_dns_name_read(odd, sizeof(odd), &off, out, 17),
		16);
}

static void
test_name_compare(void **state)
{
	uint8_t zone[WS_DNS_NAME_MAX], name[WS_DNS_NAME_MAX];
	char text[300];

	(void)state;
	assert_true(ws_dns_name_equal("WWW.Woshou.TEST", "www.woshou.test."));
	assert_true(ws_dns_name_equal("", "."));
	assert_true(ws_dns_name_equal("\\065", "a"));
	assert_false(ws_dns_name_equal("a.bc", "ab.c"));
	assert_false(ws_dns_name_equal("a.b", "a.b.c"));
	assert_false(ws_dns_name_equal("a..b", "a..b"));

	ws_dns_name_write("Woshou.Test", zone, sizeof(zone));
	ws_dns_name_write("x.WOSHOU.test", name, sizeof(name));
	assert_true(ws_dns_name_is_under(name, zone));
	assert_true(ws_dns_name_is_under(zone, zone));
	ws_dns_name_write("xwoshou.test", name, sizeof(name));
	assert_false(ws_dns_name_is_under(name, zone));
	ws_dns_name_write("test", name, sizeof(name));
	assert_false(ws_dns_name_is_under(name, zone));

	/* The master-file rule: relative, @, absolute. */
	assert_int_equal(ws_dns_name_from_text("www", zone, name,
		sizeof(name)), 17);
	assert_memory_equal(name, "\3www\6Woshou\4Test", 17);
	assert_int_equal(ws_dns_name_from_text("@", zone, name, sizeof(name)),
		13);
	assert_memory_equal(name, zone, 13);
	assert_int_equal(ws_dns_name_from_text("a.example.", zone, name,
		sizeof(name)), 11);
	assert_int_equal(ws_dns_name_from_text("a\\.", zone, name,
		sizeof(name)), 3 + 13);
	assert_int_equal(ws_dns_name_from_text("", zone, name, sizeof(name)),
		-WS_DNS_E_SYNTAX);
	/* 243 characters fit alone, not below woshou.test. */
	long_name(text, sizeof(text), 4, 60);
	assert_int_equal(ws_dns_name_from_text(text, zone, name,
		sizeof(name)), -WS_DNS_E_NAME_LONG);
	strcat(text, ".");
	assert_int_equal(ws_dns_name_from_text(text, zone, name,
		sizeof(name)), 4 * 61 + 1);
}

/* --------------------------------------------------------------------- */
/* Queries and responses, for a stub resolver.                           */

/* The self-constructed vectors of the requirements (D.4). */
#define VEC_QUERY "abcd0100000100000000000003777777076578616d706c6503636f6d" \
	"0000010001"
#define VEC_RESPONSE "abcd8180000100010000000003777777076578616d706c6503" \
	"636f6d0000010001c00c0001000100000e1000045db8d70e"

static void
test_build_query(void **state)
{
	uint8_t buf[512], want[64];
	uint32_t n = unhex(VEC_QUERY, want, sizeof(want));

	(void)state;
	assert_int_equal(ws_dns_build_query(buf, sizeof(buf), 0xabcd,
		"www.example.com", WS_DNS_TYPE_A, true), n);
	assert_memory_equal(buf, want, n);
	assert_int_equal(ws_dns_build_query(buf, n, 0xabcd,
		"www.example.com", WS_DNS_TYPE_A, true), n);
	assert_true(ws_dns_build_query(buf, n - 1, 0xabcd,
		"www.example.com", WS_DNS_TYPE_A, true) < 0);
	assert_true(ws_dns_build_query(buf, 11, 1, "a", 1, false) < 0);
	assert_int_equal(ws_dns_build_query(buf, sizeof(buf), 7, "a..b",
		WS_DNS_TYPE_A, false), -WS_DNS_E_SYNTAX);
	/* Without RD the flags are zero. */
	assert_int_equal(ws_dns_build_query(buf, sizeof(buf), 7, "a",
		WS_DNS_TYPE_AAAA, false), 12 + 3 + 4);
	n = unhex("0007 0000 0001 0000 0000 0000 016100 001c 0001", want,
		sizeof(want));
	assert_memory_equal(buf, want, n);
}

static int
parse(const struct tmsg *m, struct ws_dns_answer *ans)
{
	return ws_dns_parse_response(guarded(m->b, m->n), m->n, ans);
}

static void
test_parse_response(void **state)
{
	struct ws_dns_answer ans;
	struct tmsg m;
	uint32_t cut;
	int ret;

	(void)state;
	m.n = unhex(VEC_RESPONSE, m.b, sizeof(m.b));
	assert_int_equal(parse(&m, &ans), 0);
	assert_int_equal(ans.id, 0xabcd);
	assert_int_equal(ans.rcode, 0);
	assert_false(ans.tc);
	assert_int_equal(ans.qtype, WS_DNS_TYPE_A);
	assert_string_equal(ans.qname, "www.example.com");
	assert_int_equal(ans.n_addrs, 1);
	assert_memory_equal(&ans.addrs[0], "\x5d\xb8\xd7\x0e", 4);
	assert_int_equal(ans.ttl, 3600);
	assert_int_equal(ans.neg_ttl, 0);

	/* Every cut of it fails cleanly; the counts promise more. */
	for (cut = 0; cut < m.n; cut++) {
		ret = ws_dns_parse_response(guarded(m.b, cut), cut, &ans);
		assert_true(ret < 0);
		if (cut < 12)
			assert_int_equal(ret, -WS_DNS_E_SHORT);
	}

	/* A query is not a response. */
	m.b[2] &= 0x7f;
	assert_int_equal(parse(&m, &ans), -WS_DNS_E_QR);
	m.b[2] |= 0x80;
	/* Counts that lie: 2 questions, or more records than room. */
	m.b[5] = 2;
	assert_int_equal(parse(&m, &ans), -WS_DNS_E_COUNTS);
	m.b[5] = 1;
	m.b[6] = 0xff;
	assert_int_equal(parse(&m, &ans), -WS_DNS_E_COUNTS);
	m.b[6] = 0;
	m.b[7] = 2;
	assert_int_equal(parse(&m, &ans), -WS_DNS_E_TRUNCATED);
	m.b[7] = 1;
	/* RDLENGTH past the end. */
	m.b[m.n - 5] = 5;
	assert_int_equal(parse(&m, &ans), -WS_DNS_E_TRUNCATED);
}

/* Answers out of order: the A, then b -> c, then a -> b. */
static void
test_parse_cname_chain(void **state)
{
	struct ws_dns_answer ans;
	struct tmsg m;
	unsigned int i;

	(void)state;
	t_hdr(&m, 9, 0x8180, 1, 5, 0, 0);
	t_name(&m, "a.test");		/* 12 */
	t_u16(&m, WS_DNS_TYPE_A);
	t_u16(&m, WS_DNS_CLASS_IN);
	t_hex(&m, "0163 c00e 0001 0001 00000064 0004 c6120007");	/* 24 */
	t_hex(&m, "0162 c00e 0005 0001 0000001e 0002 c018");	/* c.test */
	t_hex(&m, "c00c 0005 0001 00000258 0004 0162 c00e");	/* -> b.test */
	/* Not on the chain: another name, another class. */
	t_hex(&m, "0178 c00e 0001 0001 00000064 0004 c6120008");
	t_hex(&m, "c018 0001 0003 00000064 0004 c6120009");
	assert_int_equal(parse(&m, &ans), 0);
	assert_string_equal(ans.qname, "a.test");
	assert_int_equal(ans.n_addrs, 1);
	assert_memory_equal(&ans.addrs[0], "\xc6\x12\x00\x07", 4);
	assert_int_equal(ans.ttl, 30);

	/* More A records than the answer holds: the first eight. */
	t_hdr(&m, 9, 0x8180, 1, 10, 0, 0);
	t_name(&m, "a.test");
	t_u16(&m, WS_DNS_TYPE_A);
	t_u16(&m, WS_DNS_CLASS_IN);
	for (i = 0; i < 10; i++) {
		t_hex(&m, "c00c 0001 0001");
		t_u32(&m, 100 - i);
		t_hex(&m, "0004 c61200");
		t_bytes(&m, &(uint8_t){ (uint8_t)i }, 1);
	}
	assert_int_equal(parse(&m, &ans), 0);
	assert_int_equal(ans.n_addrs, WS_DNS_ANSWER_ADDRS);
	assert_memory_equal(&ans.addrs[7], "\xc6\x12\x00\x07", 4);
	assert_int_equal(ans.ttl, 93);

	/* A chain longer than WS_DNS_CHAIN_MAX yields no address. */
	t_hdr(&m, 9, 0x8180, 1, WS_DNS_CHAIN_MAX + 2, 0, 0);
	t_name(&m, "a.test");
	t_u16(&m, WS_DNS_TYPE_A);
	t_u16(&m, WS_DNS_CLASS_IN);
	t_hex(&m, "c00c 0005 0001 00000064 0004 0130 c00e");	/* 24: 0 */
	for (i = 1; i <= WS_DNS_CHAIN_MAX; i++) {
		/* Each owner points at the previous target. */
		t_u16(&m, (uint16_t)(0xc000 | (m.n - 4)));
		t_hex(&m, "0005 0001 00000064 0004");
		t_bytes(&m, &(uint8_t){ 1 }, 1);
		t_bytes(&m, &(uint8_t){ (uint8_t)('0' + i) }, 1);
		t_hex(&m, "c00e");
	}
	t_u16(&m, (uint16_t)(0xc000 | (m.n - 4)));
	t_hex(&m, "0001 0001 00000064 0004 c6120001");
	assert_int_equal(parse(&m, &ans), 0);
	assert_int_equal(ans.n_addrs, 0);

	/* A CNAME whose target runs out of its RDATA. */
	t_hdr(&m, 9, 0x8180, 1, 1, 0, 0);
	t_name(&m, "a.test");
	t_u16(&m, WS_DNS_TYPE_A);
	t_u16(&m, WS_DNS_CLASS_IN);
	t_hex(&m, "c00c 0005 0001 00000064 0001 0162 c00e");
	m.b[7] = 1;
	assert_true(parse(&m, &ans) < 0);
}

/* RFC 2308 3 and 5: the negative TTL is min(SOA TTL, MINIMUM). */
static void
test_parse_negative(void **state)
{
	static const struct {
		uint32_t ttl, minimum, expect;
	} cases[] = {
		{ 600, 300, 300 }, { 100, 300, 100 },
		{ 0x80000001u, 300, 0 },	/* RFC 2181 8: read as 0 */
	};
	struct ws_dns_answer ans;
	struct tmsg m;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		t_hdr(&m, 1, 0x8183, 1, 0, 1, 0);
		t_name(&m, "nope.test");
		t_u16(&m, WS_DNS_TYPE_A);
		t_u16(&m, WS_DNS_CLASS_IN);
		t_hex(&m, "c011 0006 0001");
		t_u32(&m, cases[i].ttl);
		t_hex(&m, "001e 026e73 c011 02686d c011");
		t_hex(&m, "00000001 00000e10 00000384 00093a80");
		t_u32(&m, cases[i].minimum);
		assert_int_equal(parse(&m, &ans), 0);
		assert_int_equal(ans.rcode, WS_DNS_RCODE_NXDOMAIN);
		assert_int_equal(ans.n_addrs, 0);
		assert_int_equal(ans.neg_ttl, cases[i].expect);
	}
	/* An SOA too short for its five numbers (RDLENGTH at 37). */
	m.b[38] = 0x1d;
	assert_int_equal(parse(&m, &ans), -WS_DNS_E_TRUNCATED);
}

/* --------------------------------------------------------------------- */
/* TXT and the [dns] records.                                            */

static void
expect_txt(const char *text, const char *hex)
{
	uint8_t got[1024], want[1024];
	uint32_t n = unhex(hex, want, sizeof(want));

	assert_int_equal(ws_dns_txt_rdata(text, got, sizeof(got)), n);
	assert_memory_equal(got, want, n);
}

static void
test_txt_rdata(void **state)
{
	char text[700];
	uint8_t buf[1024];

	(void)state;
	expect_txt("hello world", "0b68656c6c6f20776f726c64");
	expect_txt("\"hello\" \"world\"", "0568656c6c6f 05776f726c64");
	expect_txt("\"a \\\"b\\\" \\092 \\000\"", "09 612022622220 5c2000");
	expect_txt("\"\"", "00");
	assert_int_equal(ws_dns_txt_rdata("\"a", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_txt_rdata("\"a\"\"b\"", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_txt_rdata("\"a\" b", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_txt_rdata("\"\\300\"", buf, sizeof(buf)),
		-WS_DNS_E_SYNTAX);
	assert_int_equal(ws_dns_txt_rdata("abc", buf, 3), -WS_DNS_E_SHORT);
	assert_int_equal(ws_dns_txt_rdata("abc", buf, 4), 4);

	/* 600 octets: strings of 255, 255 and 90. */
	memset(text, 'q', 600);
	text[600] = '\0';
	assert_int_equal(ws_dns_txt_rdata(text, buf, sizeof(buf)), 603);
	assert_int_equal(buf[0], 255);
	assert_int_equal(buf[256], 255);
	assert_int_equal(buf[512], 90);
	assert_int_equal(buf[602], 'q');
	/* Exactly 255: one string. */
	text[255] = '\0';
	assert_int_equal(ws_dns_txt_rdata(text, buf, sizeof(buf)), 256);
}

/* --------------------------------------------------------------------- */
/* The responder.                                                        */

static char big_txt[3][232];

static const char *const zone_records[] = {
	"@ A 198.18.0.2",
	"@ AAAA 2001:2::2",
	"@ NS ns1",
	"@ NS ns.example.",
	"ns1 A 198.18.0.53",
	"ns1 AAAA 2001:2::53",
	"www CNAME @",
	"@ TXT \"hello\" \"world\"",
	"a.b.deep 60 A 198.18.0.5",
	"out CNAME elsewhere.example.",
	"chain1 CNAME chain2",
	"chain2 CNAME www",
	"loop1 CNAME loop2",
	"loop2 CNAME loop1",
	"dangling CNAME nothere",
	big_txt[0], big_txt[1], big_txt[2],
};

static struct ws_config zone_cfg;
static struct ws_dns_zone *zone;

static void
zone_config(struct ws_config *cfg, const char *const *records,
		unsigned int n)
{
	char why[WS_CFG_ERR_LEN];
	unsigned int i;

	ws_config_defaults(cfg);
	strcpy(cfg->dns.zone, "woshou.test");
	for (i = 0; i < n; i++)
		if (ws_dns_config_record(&cfg->dns, i, records[i], why,
				sizeof(why)) != 0)
			fail_msg("record%u '%s': %s", i + 1, records[i], why);
}

static int
zone_setup(void **state)
{
	unsigned int i;

	(void)state;
	/* 3 x (213 + 1) octets: more than 512, less than 1232. */
	for (i = 0; i < 3; i++) {
		snprintf(big_txt[i], sizeof(big_txt[i]), "big TXT ");
		memset(big_txt[i] + 8, 'x' + (int)i, 213);
		big_txt[i][8 + 213] = '\0';
	}
	zone_config(&zone_cfg, zone_records, RTE_DIM(zone_records));
	zone = ws_dns_zone_create(&zone_cfg.dns);
	if (zone == NULL || guard_setup() != 0)
		return -1;
	return 0;
}

static int
zone_teardown(void **state)
{
	(void)state;
	ws_dns_zone_free(zone);
	munmap(guard_area, guard_span + (size_t)sysconf(_SC_PAGESIZE));
	return 0;
}

static struct ws_dns_stats st;

/*
 * Answer 'm' in place, in a buffer of 'cap' octets, the way the UDP path
 * does. Returns the reply length, or the parser's drop.
 */
static int
respond(const struct tmsg *m, uint8_t *buf, uint32_t cap)
{
	struct ws_dns_query q;
	int ret;

	ret = ws_dns_query_parse(zone, guarded(m->b, m->n), m->n, &q, &st);
	if (ret < 0)
		return ret;
	if (buf != m->b)
		memcpy(buf, m->b, m->n);
	return ws_dns_answer(zone, &q, buf, cap, &st);
}

static void
expect_reply(const struct tmsg *m, const char *hex)
{
	uint8_t got[MSG_MAX], want[MSG_MAX];
	uint32_t n = unhex(hex, want, sizeof(want));
	int len;

	len = respond(m, got, sizeof(got));
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

#define Q_WWW "03777777 06776f73686f75 0474657374 00"
#define Q_APEX "06776f73686f75 0474657374 00"
#define SOA_RDATA(ptr) "036e7331 " ptr " 0a686f73746d6173746572 " ptr \
	" 00000001 00000e10 00000384 00093a80 0000012c"

static void
test_answer_cname_a(void **state)
{
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	t_query(&m, 0x1234, WS_DNS_F_RD, "www.woshou.test", WS_DNS_TYPE_A,
		-1, 0);
	/* AA, RD copied, no RA; CNAME to the apex, then its A. */
	expect_reply(&m, "1234 8500 0001 0002 0000 0000 " Q_WWW " 0001 0001"
		"| c00c 0005 0001 00000e10 0002 c010"
		"| c010 0001 0001 00000e10 0004 c6120002");
	assert_int_equal(st.queries, 1);
	assert_int_equal(st.q_a, 1);
	assert_int_equal(st.answers, 1);
	assert_int_equal(st.rcode_noerror, 1);
	assert_int_equal(st.compressed_names, 3);
	assert_int_equal(st.edns, 0);
}

static void
test_answer_aaaa_case(void **state)
{
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* Any case matches; the question comes back as it was asked. */
	t_query(&m, 2, 0, "WoShOu.TeSt", WS_DNS_TYPE_AAAA, 4096, 0);
	expect_reply(&m, "0002 8400 0001 0001 0000 0001"
		"| 06576f53684f75 0454655374 00 001c 0001"
		"| c00c 001c 0001 00000e10 0010"
		"  20010002 00000000 00000000 00000002"
		"| 00 0029 04d0 00000000 0000");
	assert_int_equal(st.q_aaaa, 1);
	assert_int_equal(st.edns, 1);
}

static void
test_answer_txt(void **state)
{
	struct tmsg m;

	(void)state;
	t_query(&m, 3, WS_DNS_F_RD, "woshou.test", WS_DNS_TYPE_TXT, -1, 0);
	expect_reply(&m, "0003 8500 0001 0001 0000 0000 " Q_APEX " 0010 0001"
		"| c00c 0010 0001 00000e10 000c 0568656c6c6f 05776f726c64");
}

static void
test_answer_ns(void **state)
{
	struct tmsg m;

	(void)state;
	/* Both NS; in-zone ns1's A and AAAA as additional data. */
	t_query(&m, 4, 0, "woshou.test", WS_DNS_TYPE_NS, -1, 0);
	expect_reply(&m, "0004 8400 0001 0002 0000 0002 " Q_APEX " 0002 0001"
		"| c00c 0002 0001 00000e10 0006 036e7331 c00c"
		"| c00c 0002 0001 00000e10 000c 026e73 076578616d706c65 00"
		"| c029 0001 0001 00000e10 0004 c6120035"
		"| c029 001c 0001 00000e10 0010"
		"  20010002 00000000 00000000 00000053");
}

static void
test_answer_soa(void **state)
{
	struct tmsg m;

	(void)state;
	t_query(&m, 5, 0, "woshou.test", WS_DNS_TYPE_SOA, -1, 0);
	expect_reply(&m, "0005 8400 0001 0001 0000 0000 " Q_APEX " 0006 0001"
		"| c00c 0006 0001 00000e10 0027 " SOA_RDATA("c00c"));
}

static void
test_answer_nxdomain(void **state)
{
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* The SOA at min(TTL 3600, MINIMUM 300) (RFC 2308 3). */
	t_query(&m, 6, WS_DNS_F_RD, "nope.woshou.test", WS_DNS_TYPE_A, -1,
		0);
	expect_reply(&m, "0006 8503 0001 0000 0001 0000"
		"| 046e6f7065 " Q_APEX " 0001 0001"
		"| c011 0006 0001 0000012c 0027 " SOA_RDATA("c011"));
	assert_int_equal(st.rcode_nxdomain, 1);
	/* Below a missing name, and below an A-only name. */
	t_query(&m, 6, 0, "x.nope.woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	assert_int_equal(m.b[3] & 0xf, WS_DNS_RCODE_NXDOMAIN);
	t_query(&m, 6, 0, "x.ns1.woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	assert_int_equal(m.b[3] & 0xf, WS_DNS_RCODE_NXDOMAIN);
}

static void
test_answer_nodata(void **state)
{
	struct tmsg m;
	static const char *const empty[] = {
		"deep.woshou.test", "b.DEEP.woshou.test",
	};
	unsigned int i;

	(void)state;
	/* ns1 has A and AAAA, no TXT; MNAME is the question itself. */
	t_query(&m, 7, 0, "ns1.woshou.test", WS_DNS_TYPE_TXT, -1, 0);
	expect_reply(&m, "0007 8400 0001 0000 0001 0000"
		"| 036e7331 " Q_APEX " 0010 0001"
		"| c010 0006 0001 0000012c 0023"
		"  c00c 0a686f73746d6173746572 c010"
		"  00000001 00000e10 00000384 00093a80 0000012c");
	/* Empty non-terminals (RFC 8020): NODATA, not NXDOMAIN. */
	t_query(&m, 8, 0, "deep.woshou.test", WS_DNS_TYPE_A, -1, 0);
	expect_reply(&m, "0008 8400 0001 0000 0001 0000"
		"| 0464656570 " Q_APEX " 0001 0001"
		"| c011 0006 0001 0000012c 0027 " SOA_RDATA("c011"));
	for (i = 0; i < RTE_DIM(empty); i++) {
		t_query(&m, 8, 0, empty[i], WS_DNS_TYPE_A, -1, 0);
		assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
		assert_int_equal(m.b[3] & 0xf, WS_DNS_RCODE_NOERROR);
		assert_int_equal(m.b[7], 0);
		assert_int_equal(m.b[9], 1);
	}
	t_query(&m, 8, 0, "a.b.deep.woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	assert_int_equal(m.b[7], 1);
}

/* Header counts of the reply in m.b. */
static void
expect_counts(const uint8_t *b, uint16_t flags, uint16_t an, uint16_t ns,
		uint16_t ar)
{
	assert_int_equal(ws_dns_get16(b + 2), flags);
	assert_int_equal(ws_dns_get16(b + 6), an);
	assert_int_equal(ws_dns_get16(b + 8), ns);
	assert_int_equal(ws_dns_get16(b + 10), ar);
}

static void
test_answer_cname_cases(void **state)
{
	struct ws_dns_answer ans;
	struct tmsg m;
	int len;

	(void)state;
	/* Out of the zone: the CNAME alone. */
	t_query(&m, 9, 0, "out.woshou.test", WS_DNS_TYPE_A, -1, 0);
	expect_reply(&m, "0009 8400 0001 0001 0000 0000"
		"| 036f7574 " Q_APEX " 0001 0001"
		"| c00c 0005 0001 00000e10 0013 09656c736577686572 65"
		"  076578616d706c65 00");
	/* To a missing name: NXDOMAIN for it (RFC 6604), with the SOA. */
	t_query(&m, 9, 0, "dangling.woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8403, 1, 1, 0);
	/* chain1 -> chain2 -> www -> apex A; a resolver follows it. */
	t_query(&m, 9, 0, "chain1.woshou.test", WS_DNS_TYPE_A, -1, 0);
	len = respond(&m, m.b, sizeof(m.b));
	expect_counts(m.b, 0x8400, 4, 0, 0);
	assert_int_equal(ws_dns_parse_response(m.b, (uint32_t)len, &ans), 0);
	assert_int_equal(ans.n_addrs, 1);
	assert_memory_equal(&ans.addrs[0], "\xc6\x12\x00\x02", 4);
	/* A loop stops after WS_DNS_SERVER_CHAIN_MAX links. */
	t_query(&m, 9, 0, "loop1.woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8400, WS_DNS_SERVER_CHAIN_MAX, 0, 0);
	/* Asked for the CNAME itself, or for ANY: not followed. */
	t_query(&m, 9, 0, "www.woshou.test", WS_DNS_TYPE_CNAME, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8400, 1, 0, 0);
	t_query(&m, 9, 0, "www.woshou.test", WS_DNS_TYPE_ANY, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8400, 1, 0, 0);
	/* ANY at the apex: SOA, A, AAAA, 2 NS, TXT, and ns1's addresses. */
	t_query(&m, 9, 0, "woshou.test", WS_DNS_TYPE_ANY, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8400, 6, 0, 2);
}

static void
test_answer_refused(void **state)
{
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* Out of the zone: REFUSED, not authoritative, RD copied. */
	t_query(&m, 10, WS_DNS_F_RD, "example.net", WS_DNS_TYPE_A, -1, 0);
	expect_reply(&m, "000a 8105 0001 0000 0000 0000"
		"| 076578616d706c65 036e6574 00 0001 0001");
	/* A parent of the zone is outside it too. */
	t_query(&m, 10, 0, "test", WS_DNS_TYPE_SOA, -1, 0);
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8005, 0, 0, 0);
	/* Class CH is not served; class ANY is. */
	t_query(&m, 10, 0, "woshou.test", WS_DNS_TYPE_TXT, -1, 0);
	m.b[m.n - 1] = 3;
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8005, 0, 0, 0);
	t_query(&m, 10, 0, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	m.b[m.n - 1] = 255;
	assert_true(respond(&m, m.b, sizeof(m.b)) > 0);
	expect_counts(m.b, 0x8400, 1, 0, 0);
	assert_int_equal(st.rcode_refused, 3);
}

static void
test_answer_notimp(void **state)
{
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* Opcode 2 (STATUS): not read further, the header alone. */
	t_query(&m, 11, 0x1000 | WS_DNS_F_RD, "woshou.test", WS_DNS_TYPE_A,
		-1, 0);
	expect_reply(&m, "000b 9104 0000 0000 0000 0000");
	/* Zone transfers (and over UDP at that). */
	t_query(&m, 11, 0, "woshou.test", WS_DNS_TYPE_AXFR, -1, 0);
	expect_reply(&m, "000b 8004 0001 0000 0000 0000 " Q_APEX " 00fc 0001");
	assert_int_equal(st.rcode_notimp, 2);
	assert_int_equal(st.q_other, 1);
}

static void
test_answer_formerr(void **state)
{
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* No question, or two: FORMERR with the header only. */
	t_hdr(&m, 12, WS_DNS_F_RD, 0, 0, 0, 0);
	expect_reply(&m, "000c 8101 0000 0000 0000 0000");
	t_query(&m, 12, 0, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	m.b[5] = 2;
	t_name(&m, "woshou.test");
	t_hex(&m, "0001 0001");
	expect_reply(&m, "000c 8001 0000 0000 0000 0000");
	assert_int_equal(st.drop_counts, 2);
	/* A bad question: the header only. */
	t_hdr(&m, 12, 0, 1, 0, 0, 0);
	t_hex(&m, "c00c 0001 0001");
	expect_reply(&m, "000c 8001 0000 0000 0000 0000");
	assert_int_equal(st.drop_ptr_loop, 1);
	/* Trouble after the question: the question comes back. */
	t_query(&m, 12, 0, "woshou.test", WS_DNS_TYPE_A, 1232, 0);
	m.b[11] = 2;
	t_hex(&m, "00 0029 04d0 00000000 0000");
	expect_reply(&m, "000c 8001 0001 0000 0000 0000 " Q_APEX " 0001 0001");
	assert_int_equal(st.drop_opt, 1);
	/* Asking for OPT itself. */
	t_query(&m, 12, 0, "woshou.test", WS_DNS_TYPE_OPT, -1, 0);
	expect_reply(&m, "000c 8001 0001 0000 0000 0000 " Q_APEX " 0029 0001");
	assert_int_equal(st.drop_opt, 2);
	assert_int_equal(st.rcode_formerr, 5);
	assert_int_equal(st.answers, 5);
}

static void
test_answer_edns(void **state)
{
	uint8_t buf[MSG_MAX];
	struct ws_dns_query q;
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* The DO bit comes back (RFC 3225 3); our size is 1232. */
	t_query(&m, 13, 0, "ns1.woshou.test", WS_DNS_TYPE_A, 512, 0x8000);
	expect_reply(&m, "000d 8400 0001 0001 0000 0001"
		"| 036e7331 " Q_APEX " 0001 0001"
		"| c00c 0001 0001 00000e10 0004 c6120035"
		"| 00 0029 04d0 00008000 0000");
	/* Version 1: BADVERS (16: 1 in OPT, 0 in the header). */
	t_query(&m, 13, WS_DNS_F_RD, "woshou.test", WS_DNS_TYPE_A, 1232,
		0x00010000);
	expect_reply(&m, "000d 8100 0001 0000 0000 0001 " Q_APEX " 0001 0001"
		"| 00 0029 04d0 01000000 0000");
	assert_int_equal(st.rcode_badvers, 1);

	/* The reply limit: 512 without OPT or below it, else the least. */
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_int_equal(ws_dns_query_parse(zone, m.b, m.n, &q, &st), 0);
	assert_int_equal(q.limit, 512);
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, 100, 0);
	assert_int_equal(ws_dns_query_parse(zone, m.b, m.n, &q, &st), 0);
	assert_int_equal(q.limit, 512);
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, 900, 0);
	assert_int_equal(ws_dns_query_parse(zone, m.b, m.n, &q, &st), 0);
	assert_int_equal(q.limit, 900);
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, 65535, 0);
	assert_int_equal(ws_dns_query_parse(zone, m.b, m.n, &q, &st), 0);
	assert_int_equal(q.limit, 1232);
	/* A buffer that cannot hold header, question and OPT. */
	assert_int_equal(ws_dns_answer(zone, &q, buf, 12 + 17 + 10, &st),
		-ENOSPC);
	assert_int_equal(ws_dns_answer(zone, &q, buf, 12 + 17 + 11, &st),
		12 + 17 + 11);
	assert_int_equal(ws_dns_get16(buf + 2), 0x8600);

	/* Options must tile the OPT RDATA. */
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, 1232, 0);
	m.b[m.n - 1] = 6;
	t_hex(&m, "000c 0002 0000");
	assert_int_equal(respond(&m, buf, sizeof(buf)), 12 + 17 + 11 + 16);
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, 1232, 0);
	m.b[m.n - 1] = 6;
	t_hex(&m, "000c 0003 0000");
	assert_true(respond(&m, buf, sizeof(buf)) > 0);
	assert_int_equal(buf[3] & 0xf, WS_DNS_RCODE_FORMERR);
	/* Not owned by the root, or not in the additional section. */
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	m.b[11] = 1;
	t_hex(&m, "c00c 0029 04d0 00000000 0000");
	assert_true(respond(&m, buf, sizeof(buf)) > 0);
	assert_int_equal(buf[3] & 0xf, WS_DNS_RCODE_FORMERR);
	t_query(&m, 13, 0, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	m.b[7] = 1;
	t_hex(&m, "00 0029 04d0 00000000 0000");
	assert_true(respond(&m, buf, sizeof(buf)) > 0);
	assert_int_equal(buf[3] & 0xf, WS_DNS_RCODE_FORMERR);
	assert_int_equal(st.drop_opt, 3);
}

static void
test_answer_truncated(void **state)
{
	uint8_t buf[MSG_MAX];
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* 3 TXT of 214 octets: over 512, so header and question, TC. */
	t_query(&m, 14, 0, "big.woshou.test", WS_DNS_TYPE_TXT, -1, 0);
	expect_reply(&m, "000e 8600 0001 0000 0000 0000"
		"| 03626967 " Q_APEX " 0010 0001");
	/* With EDNS 600: the same, with our OPT. */
	t_query(&m, 14, 0, "big.woshou.test", WS_DNS_TYPE_TXT, 600, 0);
	expect_reply(&m, "000e 8600 0001 0000 0000 0001"
		"| 03626967 " Q_APEX " 0010 0001 | 00 0029 04d0 00000000 0000");
	assert_int_equal(st.truncated, 2);
	/* With 1232 all of it: 45 + 3 x 226 + 11. */
	t_query(&m, 14, 0, "big.woshou.test", WS_DNS_TYPE_TXT, 1232, 0);
	assert_int_equal(respond(&m, buf, sizeof(buf)), 33 + 3 * 226 + 11);
	expect_counts(buf, 0x8400, 3, 0, 1);
	/* The cap of the buffer counts like the requester's size. */
	t_query(&m, 14, 0, "big.woshou.test", WS_DNS_TYPE_TXT, 1232, 0);
	assert_int_equal(respond(&m, buf, 33 + 3 * 226 + 10), 33 + 11);
	expect_counts(buf, 0x8600, 0, 0, 1);
	/* Additional data that does not fit is left out, without TC. */
	t_query(&m, 14, 0, "woshou.test", WS_DNS_TYPE_NS, -1, 0);
	assert_int_equal(respond(&m, buf, 29 + 18 + 24 + 16),
		29 + 18 + 24 + 16);
	expect_counts(buf, 0x8400, 2, 0, 1);
	assert_int_equal(st.truncated, 3);
}

static void
test_drops(void **state)
{
	uint8_t buf[MSG_MAX];
	struct tmsg m;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* Never answer a response. */
	t_query(&m, 15, WS_DNS_F_QR, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	assert_int_equal(respond(&m, buf, sizeof(buf)), -WS_DNS_E_QR);
	/* Too short for a header. */
	m.n = 11;
	assert_int_equal(respond(&m, buf, sizeof(buf)), -WS_DNS_E_SHORT);
	assert_int_equal(st.drop_response, 1);
	assert_int_equal(st.drop_short, 1);
	assert_int_equal(st.queries, 2);
	assert_int_equal(st.answers, 0);
}

/* Hostile questions, each answered FORMERR and counted by reason. */
static void
test_hostile_counted(void **state)
{
	static const struct {
		const char *question;
		size_t counter;
	} cases[] = {
		{ "c00c 0001 0001",
			offsetof(struct ws_dns_stats, drop_ptr_loop) },
		{ "c01c 0001 0001",
			offsetof(struct ws_dns_stats, drop_ptr_bad) },
		{ "c005 0001 0001",
			offsetof(struct ws_dns_stats, drop_ptr_bad) },
		{ "40 0001 0001",
			offsetof(struct ws_dns_stats, drop_label_long) },
		{ "81 0001 0001",
			offsetof(struct ws_dns_stats, drop_label_type) },
		{ "0377777703 0001 0001",
			offsetof(struct ws_dns_stats, drop_truncated) },
		{ "016100 0001",
			offsetof(struct ws_dns_stats, drop_truncated) },
	};
	uint8_t buf[MSG_MAX];
	struct tmsg m;
	unsigned int i, j;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		memset(&st, 0, sizeof(st));
		t_hdr(&m, 16, 0, 1, 0, 0, 0);
		t_hex(&m, cases[i].question);
		assert_int_equal(respond(&m, buf, sizeof(buf)), 12);
		assert_int_equal(ws_dns_get16(buf + 2), 0x8001);
		assert_int_equal(*(uint64_t *)((char *)&st +
			cases[i].counter), 1);
	}
	/* A name of 256 octets. */
	memset(&st, 0, sizeof(st));
	t_hdr(&m, 16, 0, 1, 0, 0, 0);
	for (i = 0; i < 4; i++) {
		t_bytes(&m, &(uint8_t){ i < 3 ? 63 : 62 }, 1);
		for (j = 0; j < (i < 3 ? 63u : 62u); j++)
			t_hex(&m, "61");
	}
	t_hex(&m, "00 0001 0001");
	assert_int_equal(respond(&m, buf, sizeof(buf)), 12);
	assert_int_equal(st.drop_name_long, 1);
	/* Counts that lie: more records than octets left. */
	memset(&st, 0, sizeof(st));
	t_query(&m, 16, 0, "woshou.test", WS_DNS_TYPE_A, -1, 0);
	m.b[7] = 0xff;
	assert_int_equal(respond(&m, buf, sizeof(buf)), 12);
	m.b[7] = 1;
	t_hex(&m, "c00c 0001 0001 0000");
	assert_int_equal(respond(&m, buf, sizeof(buf)), 29);
	assert_int_equal(st.drop_counts, 1);
	assert_int_equal(st.drop_truncated, 1);
}

/*
 * Every prefix of a query: dropped or FORMERR, counted, and the question
 * echoed once it is whole ('qend'). Without records, the cuts fall inside
 * the name; with an OPT, the count check and the OPT take them.
 */
static void
every_cut(const struct tmsg *m, uint32_t qend, bool edns)
{
	uint8_t buf[MSG_MAX];
	struct ws_dns_query q;
	uint64_t reasons;
	uint32_t cut;
	int ret;

	memset(&st, 0, sizeof(st));
	for (cut = 0; cut < m->n; cut++) {
		ret = ws_dns_query_parse(zone, guarded(m->b, cut), cut, &q,
			&st);
		if (cut < 12) {
			assert_int_equal(ret, -WS_DNS_E_SHORT);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_int_equal(q.rcode, WS_DNS_RCODE_FORMERR);
		ret = ws_dns_answer(zone, &q, buf, sizeof(buf), &st);
		assert_int_equal(ret, cut < qend ? 12 : (int)qend);
	}
	reasons = st.drop_counts + st.drop_truncated + st.drop_opt +
		st.drop_ptr_bad + st.drop_label_long + st.drop_label_type +
		st.drop_name_long + st.drop_ptr_loop;
	assert_int_equal(st.drop_short, 12);
	assert_int_equal(reasons, m->n - 12);
	assert_int_equal(st.rcode_formerr, m->n - 12);
	/* The whole of it is fine. */
	assert_int_equal(ws_dns_query_parse(zone, guarded(m->b, m->n), m->n,
		&q, &st), 0);
	assert_int_equal(q.rcode, 0);
	assert_int_equal(q.edns, edns);
}

static void
test_every_cut(void **state)
{
	struct tmsg m;

	(void)state;
	t_query(&m, 17, 0, "a-longer-label.www.woshou.test", WS_DNS_TYPE_A,
		-1, 0);
	every_cut(&m, m.n, false);
	assert_true(st.drop_truncated > 20);
	t_query(&m, 17, 0, "www.woshou.test", WS_DNS_TYPE_A, 1232, 0);
	m.b[m.n - 1] = 8;
	t_hex(&m, "000a 0004 01020304");	/* a cookie option */
	every_cut(&m, 12 + 17 + 4, true);
}

/* The reply overwrites the query in its own buffer: same bytes. */
static void
test_in_place(void **state)
{
	uint8_t apart[MSG_MAX], in_place[MSG_MAX];
	struct ws_dns_query q;
	struct tmsg m;
	int a, b;

	(void)state;
	t_query(&m, 18, 0, "chain1.woshou.test", WS_DNS_TYPE_A, 1232, 0);
	assert_int_equal(ws_dns_query_parse(zone, m.b, m.n, &q, &st), 0);
	a = ws_dns_answer(zone, &q, apart, sizeof(apart), &st);
	memcpy(in_place, m.b, m.n);
	assert_int_equal(ws_dns_query_parse(zone, in_place, m.n, &q, &st), 0);
	b = ws_dns_answer(zone, &q, in_place, sizeof(in_place), &st);
	assert_true(a > (int)m.n);
	assert_int_equal(a, b);
	assert_memory_equal(apart, in_place, (size_t)a);
}

/* --------------------------------------------------------------------- */
/* Over a stack: client stack A, responder on stack B, over net_ring.     */

struct fabric {
	struct rte_ring *a_to_b, *b_to_a;
	struct ws_stack *a, *b;
	struct ws_worker *wa, *wb;
	struct ws_dns_server *srv;
	struct ws_udp_sock *client;
	uint8_t reply[MSG_MAX];
	uint32_t reply_len;
	unsigned int replies;
};

static struct ws_stack *
make_stack(const char *const *extra, unsigned int n_extra,
		struct rte_ring *rx, struct rte_ring *tx)
{
	const char *sets[24] = { "port.mbufs=4095", "arp.gratuitous=no" };
	unsigned int i;

	assert_true(2 + n_extra <= RTE_DIM(sets));
	for (i = 0; i < n_extra; i++)
		sets[2 + i] = extra[i];
	return ws_test_ring_stack(&rx, &tx, 1, sets, 2 + n_extra);
}

static void
client_datagram(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t src,
		uint16_t src_port)
{
	struct fabric *f = ws_udp_arg(s);
	const void *data;

	assert_int_equal(src, rte_cpu_to_be_32(WS_TEST_IP));
	assert_int_equal(src_port, 53);
	f->reply_len = rte_pktmbuf_pkt_len(m);
	assert_true(f->reply_len <= sizeof(f->reply));
	data = rte_pktmbuf_read(m, 0, f->reply_len, f->reply);
	memmove(f->reply, data, f->reply_len);
	f->replies++;
	rte_pktmbuf_free(m);
}

static const struct ws_udp_ops client_ops = { .datagram = client_datagram };

static int
fabric_setup(void **state)
{
	static const char *const a_sets[] = {
		"ip.addr=198.18.0.1/24", "port.mac=02:00:00:00:0a:01",
		"dns.port=0",
	};
	static const char *const b_sets[] = {
		"ip.addr=198.18.0.2/24", "port.mac=02:00:00:00:0b:02",
		"dns.zone=woshou.test", "dns.edns_size=4096",
		"dns.record1=@ A 198.18.0.2", "dns.record2=big TXT "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	};
	struct fabric *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->a_to_b = ws_test_ring(1024, 0);
	f->b_to_a = ws_test_ring(1024, 0);
	f->a = make_stack(a_sets, RTE_DIM(a_sets), f->b_to_a, f->a_to_b);
	f->b = make_stack(b_sets, RTE_DIM(b_sets), f->a_to_b, f->b_to_a);
	assert_int_equal(ws_dns_server_start(f->b, &ws_stack_config(f->b)->dns,
		&f->srv), 0);
	assert_non_null(f->srv);
	assert_int_equal(ws_stack_start_manual(f->a), 0);
	assert_int_equal(ws_stack_start_manual(f->b), 0);
	f->wa = ws_stack_worker(f->a, 0);
	f->wb = ws_stack_worker(f->b, 0);
	f->client = ws_udp_bind(f->wa, 40053, &client_ops, f);
	assert_non_null(f->client);
	*state = f;
	return 0;
}

static int
fabric_teardown(void **state)
{
	struct fabric *f = *state;

	ws_stack_destroy(f->a);
	ws_stack_destroy(f->b);
	ws_dns_server_free(f->srv);
	rte_ring_free(f->a_to_b);
	rte_ring_free(f->b_to_a);
	free(f);
	return 0;
}

/* A query for woshou.test A whose OPT pads it to 'total' octets. */
static void
t_padded_query(struct tmsg *m, uint16_t id, uint32_t total)
{
	t_query(m, id, 0, "woshou.test", WS_DNS_TYPE_A, 1232, 0);
	m->n -= 2;
	t_u16(m, (uint16_t)(total - m->n - 2));
	t_u16(m, 12);			/* Padding (RFC 7830) */
	t_u16(m, (uint16_t)(total - m->n - 2));
	assert_true(total <= sizeof(m->b));
	memset(m->b + m->n, 0, total - m->n);
	m->n = total;
}

/* Send 'm' from A to B:53 and wait for the one reply. */
static void
ask(struct fabric *f, const struct tmsg *m)
{
	unsigned int before = f->replies;

	assert_int_equal(ws_udp_send(f->client,
		rte_cpu_to_be_32(WS_TEST_IP), 53, m->b, m->n), 0);
	ws_test_poll_until_quiet(f->wa, f->wb);
	assert_int_equal(f->replies, before + 1);
}

static void
test_over_udp(void **state)
{
	struct fabric *f = *state;
	struct ws_dns_answer ans;
	struct ws_stats sb;
	struct tmsg m;

	/* A query answered in its own mbuf, grown into the tailroom. */
	t_query(&m, 0x5151, WS_DNS_F_RD, "WOSHOU.test", WS_DNS_TYPE_A, 1232,
		0);
	ask(f, &m);
	assert_int_equal(f->reply_len, m.n + 16);
	assert_int_equal(ws_dns_parse_response(f->reply, f->reply_len, &ans),
		0);
	assert_int_equal(ans.id, 0x5151);
	assert_int_equal(ans.n_addrs, 1);
	assert_memory_equal(&ans.addrs[0], "\xc6\x12\x00\x02", 4);
	ws_stack_stats(f->b, -1, &sb);
	assert_int_equal(sb.dns.answers, 1);
	assert_int_equal(sb.dns.reply_copied, 0);

	/* A limit of 4096 exceeds the mbuf: the reply goes in a new one. */
	t_query(&m, 0x5152, 0, "big.woshou.test", WS_DNS_TYPE_TXT, 4096, 0);
	ask(f, &m);
	assert_int_equal(f->reply_len, m.n + 2 + 10 + 241);
	ws_stack_stats(f->b, -1, &sb);
	assert_int_equal(sb.dns.reply_copied, 1);

	/*
	 * Queries in two IP fragments arrive as mbuf chains: one of 2040
	 * octets still fits one mbuf and is answered; one of 2500 cannot be
	 * made contiguous, and is dropped.
	 */
	t_padded_query(&m, 0x5153, 2040);
	ask(f, &m);
	assert_int_equal(ws_dns_parse_response(f->reply, f->reply_len, &ans),
		0);
	assert_int_equal(ans.id, 0x5153);
	assert_int_equal(ans.n_addrs, 1);
	t_padded_query(&m, 0x5154, 2500);
	assert_int_equal(ws_udp_send(f->client,
		rte_cpu_to_be_32(WS_TEST_IP), 53, m.b, m.n), 0);
	ws_test_poll_until_quiet(f->wa, f->wb);
	ws_stack_stats(f->b, -1, &sb);
	assert_int_equal(sb.dns.drop_too_long, 1);
	/* The big TXT, and the 2040 octets copied out of their chain. */
	assert_int_equal(sb.dns.reply_copied, 2);
	assert_int_equal(sb.dns.queries, 4);
	assert_int_equal(sb.dns.answers, 3);
	assert_int_equal(sb.ip.reasm_ok, 2);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_name_write),
	cmocka_unit_test(test_name_read_rfc1035),
	cmocka_unit_test(test_name_read_hostile),
	cmocka_unit_test(test_name_text),
	cmocka_unit_test(test_name_compare),
	cmocka_unit_test(test_build_query),
	cmocka_unit_test(test_parse_response),
	cmocka_unit_test(test_parse_cname_chain),
	cmocka_unit_test(test_parse_negative),
	cmocka_unit_test(test_txt_rdata),
	cmocka_unit_test(test_answer_cname_a),
	cmocka_unit_test(test_answer_aaaa_case),
	cmocka_unit_test(test_answer_txt),
	cmocka_unit_test(test_answer_ns),
	cmocka_unit_test(test_answer_soa),
	cmocka_unit_test(test_answer_nxdomain),
	cmocka_unit_test(test_answer_nodata),
	cmocka_unit_test(test_answer_cname_cases),
	cmocka_unit_test(test_answer_refused),
	cmocka_unit_test(test_answer_notimp),
	cmocka_unit_test(test_answer_formerr),
	cmocka_unit_test(test_answer_edns),
	cmocka_unit_test(test_answer_truncated),
	cmocka_unit_test(test_drops),
	cmocka_unit_test(test_hostile_counted),
	cmocka_unit_test(test_every_cut),
	cmocka_unit_test(test_in_place),
	cmocka_unit_test_setup_teardown(test_over_udp, fabric_setup,
		fabric_teardown),
};

int
main(void)
{
	ws_test_eal_init();
	return cmocka_run_group_tests(tests, zone_setup, zone_teardown);
}
