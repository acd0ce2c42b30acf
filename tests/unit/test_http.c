/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The HTTP parser and responses (app/woshou/ws_http.c), and the HTTP, echo and
 * discard services (app/woshou/ws_services.c) over a fake of the TCP application
 * API: the fake records what is sent, takes only as much as a configurable
 * send space, and keeps what 'data' leaves unconsumed to offer it again,
 * as the stack does. So the services' flow control, pipelining and
 * shutdown rules are tested without a TCP implementation.
 *
 * This program links DPDK but not libwoshou, whose ws_tcp_* functions
 * would clash with the fake's; it starts its own EAL (for the mempools
 * and mbufs the services use).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ws_http.h"
#include "ws_services.h"

#define MAX_REQ 8192
#define MAX_BODY 65536

#define SERVER "Server: woshou/" WS_VERSION "\r\n"

/* Parser */

static enum ws_http_result
parse_lim(struct ws_http_parser *p, const char *text, uint32_t max_request,
		uint32_t max_body)
{
	ws_http_parser_init(p);
	return ws_http_parse(p, text, (uint32_t)strlen(text), max_request,
		max_body);
}

static enum ws_http_result
parse(struct ws_http_parser *p, const char *text)
{
	return parse_lim(p, text, MAX_REQ, MAX_BODY);
}

static void
expect_error(const char *text, uint16_t status)
{
	struct ws_http_parser p;

	if (parse(&p, text) != WS_HTTP_ERROR)
		fail_msg("no error for: %s", text);
	if (p.req.status != status)
		fail_msg("status %u, not %u, for: %s", p.req.status, status,
			text);
	assert_false(p.req.keep_alive);
}

/* A complete request with these properties; head_len is the whole text. */
static void
expect_request(const char *text, enum ws_http_method method,
		const char *path, uint8_t minor, bool keep_alive)
{
	struct ws_http_parser p;

	if (parse(&p, text) != WS_HTTP_COMPLETE)
		fail_msg("not complete (status %u): %s", p.req.status, text);
	assert_int_equal(p.req.method, method);
	assert_int_equal(p.req.minor, minor);
	assert_int_equal(p.req.keep_alive, keep_alive);
	assert_int_equal(p.req.head_len, strlen(text));
	if (path == NULL) {
		assert_null(p.req.path);
	} else {
		assert_non_null(p.req.path);
		assert_int_equal(p.req.path_len, strlen(path));
		assert_memory_equal(p.req.path, path, strlen(path));
	}
}

static void
test_simple_get(void **state)
{
	static const char text[] = "GET / HTTP/1.1\r\nHost: 198.18.0.2\r\n\r\n";
	struct ws_http_parser p;

	(void)state;
	assert_int_equal(parse(&p, text), WS_HTTP_COMPLETE);
	assert_int_equal(p.req.method, WS_HTTP_GET);
	assert_int_equal(p.req.minor, 1);
	assert_true(p.req.keep_alive);
	assert_int_equal(p.req.status, 0);
	assert_ptr_equal(p.req.path, text + 4);
	assert_int_equal(p.req.path_len, 1);
	assert_int_equal(p.req.head_len, sizeof(text) - 1);
	assert_int_equal(p.req.content_length, 0);

	/* Bytes after the head are not part of it. */
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /b", 34, MAX_REQ, MAX_BODY), WS_HTTP_COMPLETE);
	assert_int_equal(p.req.head_len, 28);
	/* Asking again changes nothing. */
	assert_int_equal(ws_http_parse(&p, "", 0, MAX_REQ, MAX_BODY),
		WS_HTTP_COMPLETE);
	assert_int_equal(p.req.head_len, 28);

	/* Nothing yet, or a part: more is needed. */
	assert_int_equal(parse(&p, ""), WS_HTTP_NEED_MORE);
	assert_int_equal(parse(&p, "GET / HTTP/1.1\r\nHost: h\r\n"),
		WS_HTTP_NEED_MORE);
	assert_int_equal(parse(&p, "GET / HTTP/1.1\r\nHost: h\r\n\r"),
		WS_HTTP_NEED_MORE);
}

static void
test_methods(void **state)
{
	(void)state;
	expect_request("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_HEAD,
		"/x", 1, true);
	expect_request("POST /x HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_OTHER,
		"/x", 1, true);
	expect_request("DELETE / HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_OTHER,
		"/", 1, true);
	/* Methods are case-sensitive: "get" is some other method. */
	expect_request("get / HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_OTHER,
		"/", 1, true);
	expect_request("GETS / HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_OTHER,
		"/", 1, true);
	expect_request("HEA / HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_OTHER,
		"/", 1, true);
	/* Forms only other methods use: parsed, then answered 405. */
	expect_request("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_OTHER,
		NULL, 1, true);
	expect_request("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n",
		WS_HTTP_OTHER, NULL, 1, true);
	expect_error("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("HEAD h:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	/* A method is a token. */
	expect_error("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("GE\x80T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

static void
test_targets(void **state)
{
	(void)state;
	expect_request("GET /hello?x=1&y=/z HTTP/1.1\r\nHost: h\r\n\r\n",
		WS_HTTP_GET, "/hello", 1, true);
	expect_request("GET /a/b.html#frag HTTP/1.1\r\nHost: h\r\n\r\n",
		WS_HTTP_GET, "/a/b.html", 1, true);
	expect_request("GET /? HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_GET,
		"/", 1, true);
	/* No percent-decoding: paths match byte for byte. */
	expect_request("GET /%68ello HTTP/1.1\r\nHost: h\r\n\r\n", WS_HTTP_GET,
		"/%68ello", 1, true);
	/* absolute-form (RFC 9112 3.2.2). */
	expect_request("GET http://198.18.0.2/hello?q HTTP/1.1\r\n"
		"Host: 198.18.0.2\r\n\r\n", WS_HTTP_GET, "/hello", 1, true);
	expect_request("GET http://198.18.0.2 HTTP/1.1\r\nHost: h\r\n\r\n",
		WS_HTTP_GET, "/", 1, true);
	expect_request("GET http://198.18.0.2:80?q HTTP/1.1\r\nHost: h\r\n\r\n",
		WS_HTTP_GET, "/", 1, true);
	expect_request("HEAD HTTPS://h/x HTTP/1.1\r\nHost: h\r\n\r\n",
		WS_HTTP_HEAD, "/x", 1, true);
	expect_error("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("GET http:// HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("GET ftp://h/x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("GET hello HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	/* Only visible ASCII in a target. */
	expect_error("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

static void
test_request_line_errors(void **state)
{
	static const char *const bad[] = {
		"GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
		" GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /  HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /\tHTTP/1.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
		"GET / HTTP/1.1 x\r\nHost: h\r\n\r\n",
		"GET HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /\r\n\r\n",		/* HTTP/0.9 */
		"GET\r\n\r\n",
		"GET \r\n\r\n",
		"/ HTTP/1.1\r\n\r\n",
		"GET / http/1.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.\r\nHost: h\r\n\r\n",
		"GET / HTTP/11.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.10\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.x\r\nHost: h\r\n\r\n",
		"GET / HTTP/a.1\r\nHost: h\r\n\r\n",
		"GET / HTTP-1.1\r\nHost: h\r\n\r\n",
		"GET / HTTPS/1.1\r\nHost: h\r\n\r\n",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		expect_error(bad[i], 400);
}

static void
test_versions(void **state)
{
	(void)state;
	/* HTTP/1.0 needs no Host and closes unless asked not to. */
	expect_request("GET / HTTP/1.0\r\n\r\n", WS_HTTP_GET, "/", 0, false);
	expect_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		WS_HTTP_GET, "/", 0, true);
	expect_request("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n",
		WS_HTTP_GET, "/", 0, true);
	expect_request("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n"
		"\r\n", WS_HTTP_GET, "/", 0, false);
	expect_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
		"Connection: close\r\n\r\n", WS_HTTP_GET, "/", 0, false);
	expect_request("GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n",
		WS_HTTP_GET, "/", 0, false);
	/* HTTP/1.1 stays open unless "close" is listed. */
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
		WS_HTTP_GET, "/", 1, false);
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo ,\t"
		"CLOSE , bar\r\n\r\n", WS_HTTP_GET, "/", 1, false);
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: ,,close\r\n"
		"\r\n", WS_HTTP_GET, "/", 1, false);
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n"
		"\r\n", WS_HTTP_GET, "/", 1, true);
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n"
		"\r\n", WS_HTTP_GET, "/", 1, true);
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nConnection:\r\n\r\n",
		WS_HTTP_GET, "/", 1, true);

	expect_error("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
	expect_error("GET / HTTP/0.9\r\n\r\n", 505);
	expect_error("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505);
	expect_error("GET / HTTP/3.0\r\n\r\n", 505);
	expect_error("GET / HTTP/9.9\r\n\r\n", 505);
	/* Told at the request line, before any field. */
	{
		struct ws_http_parser p;

		assert_int_equal(parse(&p, "GET / HTTP/2.0\r\n"),
			WS_HTTP_ERROR);
		assert_int_equal(p.req.status, 505);
	}
}

static void
test_line_endings(void **state)
{
	(void)state;
	/* Bare LF anywhere, and CR not before LF, are 400. */
	expect_error("GET / HTTP/1.1\nHost: h\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: h\r\n\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHo\rst: h\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: h\rx\r\n\r\n", 400);
	expect_error("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_error("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	/* Empty lines before the request line are skipped (RFC 9112 2.2). */
	expect_request("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		WS_HTTP_GET, "/", 1, true);
	{
		struct ws_http_parser p;

		assert_int_equal(parse(&p, "\r\n\r\n"), WS_HTTP_NEED_MORE);
	}
}

static void
test_fields(void **state)
{
	static const char *const bad[] = {
		/* space before ':' */
		"GET / HTTP/1.1\r\nHost : h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost\t: h\r\n\r\n",
		/* obs-fold */
		"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\n\tfolded\r\n\r\n",
		"GET / HTTP/1.1\r\n Host: h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nBad(Name): x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01" "b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x7f" "b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nX-\x80: b\r\n\r\n",
		/* HTTP/1.1 needs exactly one Host. */
		"GET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nX-Host: h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n",
	};
	static const char nul_value[] = "GET / HTTP/1.1\r\nHost: h\r\n"
		"X-A: a\0b\r\n\r\n";
	struct ws_http_parser p;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		expect_error(bad[i], 400);
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, nul_value, sizeof(nul_value) - 1,
		MAX_REQ, MAX_BODY), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 400);

	/* Names in any case; optional whitespace of both kinds. */
	expect_request("GET / HTTP/1.1\r\nHOST:h\r\n\r\n", WS_HTTP_GET, "/", 1,
		true);
	expect_request("GET / HTTP/1.1\r\nhOsT: \t h \t \r\ncOnNeCtIoN:"
		"\tClOsE\t\r\n\r\n", WS_HTTP_GET, "/", 1, false);
	/* Empty Host is allowed; so are HTAB and obs-text in values. */
	expect_request("GET / HTTP/1.1\r\nHost:\r\n\r\n", WS_HTTP_GET, "/", 1,
		true);
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\tb \xff\xc3\xa9"
		"\r\nX-Empty:\r\n\r\n", WS_HTTP_GET, "/", 1, true);
	/* Every token character is fine in a name. */
	expect_request("GET / HTTP/1.1\r\nHost: h\r\n!#$%&'*+-.^_`|~09az: x\r\n"
		"\r\n", WS_HTTP_GET, "/", 1, true);
}

static void
expect_length(const char *value, uint32_t max_body, enum ws_http_result r,
		uint16_t status, uint64_t length)
{
	char text[256];
	struct ws_http_parser p;

	snprintf(text, sizeof(text), "POST / HTTP/1.1\r\nHost: h\r\n"
		"Content-Length: %s\r\n\r\n", value);
	assert_int_equal(parse_lim(&p, text, MAX_REQ, max_body), r);
	assert_int_equal(p.req.status, status);
	if (r == WS_HTTP_COMPLETE)
		assert_int_equal(p.req.content_length, length);
}

static void
test_content_length(void **state)
{
	static const char *const bad[] = {
		"", "+5", "-1", "5 5", "0x5", "5,5", "5, 5", "1e3", "five",
		"5;", "\"5\"",
	};
	struct ws_http_parser p;
	unsigned int i;

	(void)state;
	expect_length("0", MAX_BODY, WS_HTTP_COMPLETE, 0, 0);
	expect_length("5", MAX_BODY, WS_HTTP_COMPLETE, 0, 5);
	expect_length("  12  ", MAX_BODY, WS_HTTP_COMPLETE, 0, 12);
	expect_length("007", MAX_BODY, WS_HTTP_COMPLETE, 0, 7);
	expect_length("65536", MAX_BODY, WS_HTTP_COMPLETE, 0, 65536);
	expect_length("65537", MAX_BODY, WS_HTTP_ERROR, 413, 0);
	expect_length("99999999999999999999999999", MAX_BODY, WS_HTTP_ERROR,
		413, 0);
	expect_length("18446744073709551615", UINT32_MAX, WS_HTTP_ERROR, 413,
		0);
	expect_length("0", 0, WS_HTTP_COMPLETE, 0, 0);
	expect_length("1", 0, WS_HTTP_ERROR, 413, 0);
	for (i = 0; i < RTE_DIM(bad); i++)
		expect_length(bad[i], MAX_BODY, WS_HTTP_ERROR, 400, 0);

	/* One Content-Length only, even with the same value. */
	expect_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
		"content-length: 5\r\n\r\n", 400);
	/* 413 is told as soon as the field is read. */
	assert_int_equal(parse(&p, "POST / HTTP/1.1\r\nContent-Length: "
		"100000\r\n"), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 413);
	/* GET with a body is fine; the body is skipped by the caller. */
	expect_length("3", MAX_BODY, WS_HTTP_COMPLETE, 0, 3);
}

static void
test_transfer_encoding(void **state)
{
	(void)state;
	expect_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
		"chunked\r\n\r\n", 501);
	expect_error("GET / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: "
		"identity\r\n\r\n", 501);
	expect_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
		"Transfer-Encoding: chunked\r\n\r\n", 501);
	/* HTTP/1.0 has no transfer codings: faulty framing (6.1). */
	expect_error("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		400);
}

static void
test_expect_continue(void **state)
{
	(void)state;
	/* We never send 100: close after answering, body or not. */
	expect_request("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
		"Content-Length: 5\r\n\r\n", WS_HTTP_OTHER, "/", 1, false);
	expect_request("POST / HTTP/1.1\r\nHost: h\r\nexpect: 100-CONTINUE\r\n"
		"Content-Length: 5\r\n\r\n", WS_HTTP_OTHER, "/", 1, false);
	/* Without a body there is nothing to be unsure about. */
	expect_request("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
		"\r\n", WS_HTTP_GET, "/", 1, true);
	expect_request("POST / HTTP/1.1\r\nHost: h\r\nExpect: other\r\n"
		"Content-Length: 5\r\n\r\n", WS_HTTP_OTHER, "/", 1, true);
}

/* "GET /PATH HTTP/1.1" + a padding field, 'total' bytes in all. */
static void
padded_request(char *buf, size_t total, size_t path_len)
{
	char path[1024];
	int n;

	memset(path, 'p', path_len);
	path[path_len] = '\0';
	n = snprintf(buf, total + 1, "GET /%s HTTP/1.1\r\nHost: h\r\nX-Pad: ",
		path);
	assert_true(n > 0 && (size_t)n + 4 <= total);
	memset(buf + n, 'x', total - n - 4);
	memcpy(buf + total - 4, "\r\n\r\n", 5);
}

static void
test_limits(void **state)
{
	char buf[2048];
	struct ws_http_parser p;
	uint32_t max = 256, i;

	(void)state;
	/* A head of exactly max_request bytes is fine ... */
	padded_request(buf, max, 10);
	assert_int_equal(strlen(buf), max);
	assert_int_equal(parse_lim(&p, buf, max, 0), WS_HTTP_COMPLETE);
	assert_int_equal(p.req.head_len, max);
	/* ... one more is 431, whether or not the end is in sight. */
	padded_request(buf, max + 1, 10);
	assert_int_equal(parse_lim(&p, buf, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 431);
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, buf, max, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 431);
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, buf, max - 1, max, 0),
		WS_HTTP_NEED_MORE);
	/* The parser never needs more than max_request bytes. */
	assert_int_equal(ws_http_parse(&p, buf, max, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 431);

	/* A request line that alone does not fit is 414. */
	padded_request(buf, 600, 400);
	assert_int_equal(parse_lim(&p, buf, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 414);
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, buf, max, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 414);
	/* Its CRLF as the last two bytes allowed still fits. */
	padded_request(buf, 600, max - 2 - 14);
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, buf, max, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 431);

	/* Leading empty lines count too. */
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < max / 2; i++)
		memcpy(buf + 2 * i, "\r\n", 2);
	assert_int_equal(parse_lim(&p, buf, max, 0), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 414);
}

static void
test_sticky(void **state)
{
	static const char bad[] = "GET / HTTP/1.1\nHost: h\r\n\r\n";
	static const char good[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	struct ws_http_parser p;

	(void)state;
	assert_int_equal(parse(&p, bad), WS_HTTP_ERROR);
	assert_int_equal(ws_http_parse(&p, good, sizeof(good) - 1, MAX_REQ,
		MAX_BODY), WS_HTTP_ERROR);
	assert_int_equal(p.req.status, 400);
	ws_http_parser_init(&p);
	assert_int_equal(ws_http_parse(&p, good, sizeof(good) - 1, MAX_REQ,
		MAX_BODY), WS_HTTP_COMPLETE);
}

/* The parser's results, with the path as an offset, for comparison. */
struct outcome {
	enum ws_http_result r;
	enum ws_http_method method;
	uint16_t status;
	uint8_t minor;
	bool keep_alive;
	long path_off;
	uint32_t path_len;
	uint32_t head_len;
	uint64_t content_length;
};

static struct outcome
outcome_of(const struct ws_http_parser *p, enum ws_http_result r,
		const char *buf)
{
	struct outcome o;

	memset(&o, 0, sizeof(o));
	o.r = r;
	o.status = p->req.status;
	if (r == WS_HTTP_COMPLETE) {
		o.method = p->req.method;
		o.minor = p->req.minor;
		o.keep_alive = p->req.keep_alive;
		o.path_off = p->req.path == NULL ? -1 :
			(p->req.path >= buf && p->req.path < buf + 4096 ?
			p->req.path - buf : -2);
		o.path_len = p->req.path_len;
		o.head_len = p->req.head_len;
		o.content_length = p->req.content_length;
	}
	return o;
}

static void
assert_same(const struct outcome *a, const struct outcome *b, const char *text,
		size_t split)
{
	/* Field by field: padding of returned structs is not defined. */
	if (a->r != b->r || a->method != b->method ||
			a->status != b->status || a->minor != b->minor ||
			a->keep_alive != b->keep_alive ||
			a->path_off != b->path_off ||
			a->path_len != b->path_len ||
			a->head_len != b->head_len ||
			a->content_length != b->content_length)
		fail_msg("split at %zu differs (r %d/%d status %u/%u "
			"head %u/%u): %s", split, a->r, b->r, a->status,
			b->status, a->head_len, b->head_len, text);
}

/*
 * Parse 'text' whole, then in two calls split at every byte, then a byte
 * at a time: the same outcome every way, and NEED_MORE before the end.
 */
static void
check_splits(const char *text, uint32_t max_request)
{
	static char buf[4096];
	uint32_t n = (uint32_t)strlen(text), k;
	struct ws_http_parser p;
	struct outcome whole, got;
	enum ws_http_result r;

	assert_true(n <= sizeof(buf));
	memcpy(buf, text, n);
	ws_http_parser_init(&p);
	whole = outcome_of(&p, ws_http_parse(&p, buf, n, max_request,
		MAX_BODY), buf);
	assert_true(whole.r != WS_HTTP_NEED_MORE);

	for (k = 0; k <= n; k++) {
		ws_http_parser_init(&p);
		r = ws_http_parse(&p, buf, k, max_request, MAX_BODY);
		if (r == WS_HTTP_NEED_MORE)
			r = ws_http_parse(&p, buf, n, max_request, MAX_BODY);
		else if (whole.r == WS_HTTP_COMPLETE)
			assert_int_equal(k, n);	/* not complete early */
		got = outcome_of(&p, r, buf);
		assert_same(&whole, &got, text, k);
	}

	ws_http_parser_init(&p);
	for (k = 0; k <= n; k++) {
		r = ws_http_parse(&p, buf, k, max_request, MAX_BODY);
		if (r != WS_HTTP_NEED_MORE)
			break;
	}
	if (whole.r == WS_HTTP_COMPLETE)
		assert_int_equal(k, whole.head_len);
	got = outcome_of(&p, r, buf);
	assert_same(&whole, &got, text, k);
}

static void
test_splits(void **state)
{
	static const char *const requests[] = {
		"GET / HTTP/1.1\r\nHost: 198.18.0.2\r\n\r\n",
		"HEAD /hello?x=1 HTTP/1.1\r\nHost: h\r\n"
			"User-Agent: curl/7.88\r\nAccept: */*\r\n\r\n",
		"GET http://h/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"\r\n\r\nPOST /form HTTP/1.1\r\nHost: h\r\n"
			"Content-Length: 11\r\nConnection: close\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
		/* and errors, told at the same point every way */
		"GET / HTTP/1.1\nHost: h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\rx\r\n\r\n",
		"GET / HTTP/2.0\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
			"\r\n",
		"GET / HTTP/1.1\r\nHost : h\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
	};
	char big[600];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(requests); i++)
		check_splits(requests[i], MAX_REQ);
	/* Limits are reached at the same byte however the head arrives. */
	padded_request(big, 300, 10);
	check_splits(big, 256);
	padded_request(big, 256, 10);
	check_splits(big, 256);
	padded_request(big, 500, 300);
	check_splits(big, 256);
}

static void
test_pipelined_parse(void **state)
{
	static const char text[] =
		"GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		"POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
		"HEAD /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	static const char *const paths[] = { "/a", "/b", "/c" };
	static const enum ws_http_method methods[] = {
		WS_HTTP_GET, WS_HTTP_OTHER, WS_HTTP_HEAD,
	};
	struct ws_http_parser p;
	uint32_t off = 0, len = sizeof(text) - 1;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		ws_http_parser_init(&p);
		assert_int_equal(ws_http_parse(&p, text + off, len - off,
			MAX_REQ, MAX_BODY), WS_HTTP_COMPLETE);
		assert_int_equal(p.req.method, methods[i]);
		assert_int_equal(p.req.path_len, 2);
		assert_memory_equal(p.req.path, paths[i], 2);
		assert_int_equal(p.req.keep_alive, i < 2);
		off += p.req.head_len + (uint32_t)p.req.content_length;
	}
	assert_int_equal(off, len);
}

/* Responses */

static const char page[] = "<h1>woshou</h1>\n";
static const char hello[] = "hello from woshou\n";

static const struct ws_http_resource resources[] = {
	{ "/", "text/html", page, sizeof(page) - 1 },
	{ "/hello", "text/plain", hello, sizeof(hello) - 1 },
	{ "/empty", "application/octet-stream", "", 0 },
};

#define RESP_HELLO \
	"HTTP/1.1 200 OK\r\n" SERVER \
	"Content-Type: text/plain\r\nContent-Length: 18\r\n" \
	"Connection: keep-alive\r\n\r\nhello from woshou\n"
#define RESP_ROOT \
	"HTTP/1.1 200 OK\r\n" SERVER \
	"Content-Type: text/html\r\nContent-Length: 16\r\n" \
	"Connection: keep-alive\r\n\r\n<h1>woshou</h1>\n"
#define RESP_404 \
	"HTTP/1.1 404 Not Found\r\n" SERVER \
	"Content-Type: text/plain\r\nContent-Length: 14\r\n" \
	"Connection: keep-alive\r\n\r\n404 Not Found\n"
#define RESP_405 \
	"HTTP/1.1 405 Method Not Allowed\r\n" SERVER \
	"Allow: GET, HEAD\r\n" \
	"Content-Type: text/plain\r\nContent-Length: 23\r\n" \
	"Connection: keep-alive\r\n\r\n405 Method Not Allowed\n"
#define RESP_400 \
	"HTTP/1.1 400 Bad Request\r\n" SERVER \
	"Content-Type: text/plain\r\nContent-Length: 16\r\n" \
	"Connection: close\r\n\r\n400 Bad Request\n"
#define RESP_431 \
	"HTTP/1.1 431 Request Header Fields Too Large\r\n" SERVER \
	"Content-Type: text/plain\r\nContent-Length: 36\r\n" \
	"Connection: close\r\n\r\n431 Request Header Fields Too Large\n"

/* The response to 'text' (one request), head and body, as a string. */
static void
respond_to(const char *text, uint32_t max_request, uint32_t max_body,
		char *out, size_t cap)
{
	struct ws_http_response resp;
	struct ws_http_parser p;
	enum ws_http_result r;

	r = parse_lim(&p, text, max_request, max_body);
	assert_true(r != WS_HTTP_NEED_MORE);
	ws_http_respond(&p, r, resources, RTE_DIM(resources), &resp);
	assert_true(resp.head_len + resp.body_len < cap);
	assert_int_equal(strlen(resp.head), resp.head_len);
	memcpy(out, resp.head, resp.head_len);
	if (resp.body_len > 0)
		memcpy(out + resp.head_len, resp.body, resp.body_len);
	out[resp.head_len + resp.body_len] = '\0';
	if (resp.body == NULL)
		assert_int_equal(resp.body_len, 0);
}

static void
expect_response(const char *request, const char *response)
{
	char out[1024];

	respond_to(request, MAX_REQ, MAX_BODY, out, sizeof(out));
	assert_string_equal(out, response);
}

static void
test_responses(void **state)
{
	char big[1024];
	char out[1024];

	(void)state;
	expect_response("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n", RESP_HELLO);
	expect_response("GET / HTTP/1.1\r\nHost: h\r\n\r\n", RESP_ROOT);
	expect_response("GET /?q=1 HTTP/1.1\r\nHost: h\r\n\r\n", RESP_ROOT);
	expect_response("GET /nope HTTP/1.1\r\nHost: h\r\n\r\n", RESP_404);
	expect_response("GET /hello/ HTTP/1.1\r\nHost: h\r\n\r\n", RESP_404);
	expect_response("GET /HELLO HTTP/1.1\r\nHost: h\r\n\r\n", RESP_404);
	expect_response("POST /hello HTTP/1.1\r\nHost: h\r\n\r\n", RESP_405);
	expect_response("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", RESP_405);
	expect_response("GET / HTTP/1.1\nHost: h\r\n\r\n", RESP_400);

	/* HEAD: the GET response's head, no body. */
	expect_response("HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n",
		"HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 18\r\n"
		"Connection: keep-alive\r\n\r\n");
	expect_response("HEAD /nope HTTP/1.1\r\nHost: h\r\n\r\n",
		"HTTP/1.1 404 Not Found\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 14\r\n"
		"Connection: keep-alive\r\n\r\n");
	/* An error after a HEAD request line has no body either. */
	expect_response("HEAD / HTTP/1.1\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 16\r\n"
		"Connection: close\r\n\r\n");
	expect_response("GET /empty HTTP/1.1\r\nHost: h\r\n\r\n",
		"HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: application/octet-stream\r\n"
		"Content-Length: 0\r\nConnection: keep-alive\r\n\r\n");

	/* Always HTTP/1.1 (RFC 9110 6.2); Connection as decided. */
	expect_response("GET /hello HTTP/1.0\r\n\r\n",
		"HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 18\r\n"
		"Connection: close\r\n\r\nhello from woshou\n");
	expect_response("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		RESP_HELLO);
	expect_response("GET /nope HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
		"\r\n", "HTTP/1.1 404 Not Found\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 14\r\n"
		"Connection: close\r\n\r\n404 Not Found\n");

	/* Every error closes. */
	expect_response("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 65537\r\n"
		"\r\n", "HTTP/1.1 413 Content Too Large\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 22\r\n"
		"Connection: close\r\n\r\n413 Content Too Large\n");
	expect_response("GET / HTTP/2.0\r\nHost: h\r\n\r\n",
		"HTTP/1.1 505 HTTP Version Not Supported\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 31\r\n"
		"Connection: close\r\n\r\n505 HTTP Version Not Supported\n");
	expect_response("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
		"chunked\r\n\r\n", "HTTP/1.1 501 Not Implemented\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 20\r\n"
		"Connection: close\r\n\r\n501 Not Implemented\n");
	padded_request(big, 300, 10);
	respond_to(big, 256, MAX_BODY, out, sizeof(out));
	assert_string_equal(out, RESP_431);
	padded_request(big, 600, 300);
	respond_to(big, 256, MAX_BODY, out, sizeof(out));
	assert_string_equal(out, "HTTP/1.1 414 URI Too Long\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 17\r\n"
		"Connection: close\r\n\r\n414 URI Too Long\n");
}

static void
test_head_builder(void **state)
{
	char buf[WS_HTTP_HEAD_MAX];
	int n;

	(void)state;
	n = ws_http_head(buf, sizeof(buf), 200, NULL, 0, true);
	assert_string_equal(buf, "HTTP/1.1 200 OK\r\n" SERVER
		"Content-Length: 0\r\nConnection: keep-alive\r\n\r\n");
	assert_int_equal(n, strlen(buf));
	n = ws_http_head(buf, sizeof(buf), 200, "image/png",
		UINT64_MAX, false);
	assert_string_equal(buf, "HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: image/png\r\n"
		"Content-Length: 18446744073709551615\r\n"
		"Connection: close\r\n\r\n");
	/* Exactly enough room, and one byte less. */
	assert_int_equal(ws_http_head(buf, (size_t)n + 1, 200, "image/png",
		UINT64_MAX, false), n);
	assert_int_equal(ws_http_head(buf, (size_t)n, 200, "image/png",
		UINT64_MAX, false), -ENOSPC);
	assert_string_equal(ws_http_reason(404), "Not Found");
	assert_string_equal(ws_http_reason(299), "Unknown");
}

/*
 * The fake TCP API. One connection at a time per struct; 'rx' is what the
 * stack holds (received, not yet consumed), offered to 'data' as a chain
 * of 'seg'-byte mbufs after a 5-byte header that 'off' skips.
 */

#define FAKE_OUT_MAX (1u << 20)
#define FAKE_RX_MAX 65536
#define FAKE_HDR 5

struct ws_tcp_conn {
	void *ctx;
	const struct ws_tcp_ops *ops;
	char *out;			/* everything sent */
	uint32_t out_len;
	uint32_t space;			/* what ws_tcp_send takes now */
	char rx[FAKE_RX_MAX];
	uint32_t rx_len;
	uint32_t seg;			/* bytes per mbuf */
	unsigned int sends;		/* calls that took something */
	unsigned int shutdowns;
	unsigned int closes;
	unsigned int resumes;
	uint32_t idle_ms;		/* ws_tcp_set_idle_timeout */
	bool nodelay;
	bool keepalive;			/* ws_tcp_set_keepalive */
	bool dead;			/* sends fail */
};

struct fake_listener {
	uint16_t port;
	const struct ws_tcp_ops *ops;
	void *arg;
};

static struct fake_listener listeners[8];
static unsigned int n_listeners;
static int listen_ret;
static struct rte_mempool *mbuf_pool;

int
ws_tcp_listen(struct ws_stack *s, uint16_t port, const struct ws_tcp_ops *ops,
		void *listen_arg)
{
	(void)s;
	if (listen_ret < 0)
		return listen_ret;
	assert_true(n_listeners < RTE_DIM(listeners));
	listeners[n_listeners].port = port;
	listeners[n_listeners].ops = ops;
	listeners[n_listeners].arg = listen_arg;
	n_listeners++;
	return 0;
}

int
ws_tcp_send(struct ws_tcp_conn *c, const void *data, uint32_t len)
{
	uint32_t n = RTE_MIN(len, c->space);

	if (c->dead)
		return -EPIPE;
	assert_true(c->shutdowns == 0);		/* no data after FIN */
	assert_true(c->out_len + n <= FAKE_OUT_MAX);
	memcpy(c->out + c->out_len, data, n);
	c->out_len += n;
	c->space -= n;
	c->sends += n != 0;
	return (int)n;
}

int
ws_tcp_shutdown(struct ws_tcp_conn *c)
{
	c->shutdowns++;
	return 0;
}

int
ws_tcp_close(struct ws_tcp_conn *c)
{
	c->closes++;
	return 0;
}

void
ws_tcp_set_idle_timeout(struct ws_tcp_conn *c, uint32_t ms)
{
	c->idle_ms = ms;
}

void
ws_tcp_set_keepalive(struct ws_tcp_conn *c, bool on, uint32_t idle_ms,
		uint32_t interval_ms, uint32_t count)
{
	/* The services take the [tcp] keepalive_* timers: all 0. */
	assert_int_equal(idle_ms, 0);
	assert_int_equal(interval_ms, 0);
	assert_int_equal(count, 0);
	c->keepalive = on;
}

void
ws_tcp_set_ctx(struct ws_tcp_conn *c, void *ctx)
{
	c->ctx = ctx;
}

void *
ws_tcp_ctx(const struct ws_tcp_conn *c)
{
	return c->ctx;
}

void
ws_tcp_set_nodelay(struct ws_tcp_conn *c, bool nodelay)
{
	c->nodelay = nodelay;
}

/* Offer what the fake stack holds; returns what 'data' consumed. */
static uint32_t
offer(struct ws_tcp_conn *c)
{
	struct rte_mbuf *head, *m, *last;
	uint32_t done = 0, n, took;
	char *p;

	if (c->rx_len == 0)
		return 0;
	head = rte_pktmbuf_alloc(mbuf_pool);
	assert_non_null(head);
	p = rte_pktmbuf_append(head, FAKE_HDR);
	memset(p, '#', FAKE_HDR);
	last = head;
	while (done < c->rx_len) {
		n = RTE_MIN(c->seg, c->rx_len - done);
		m = rte_pktmbuf_alloc(mbuf_pool);
		assert_non_null(m);
		p = rte_pktmbuf_append(m, (uint16_t)n);
		assert_non_null(p);
		memcpy(p, c->rx + done, n);
		assert_int_equal(rte_pktmbuf_chain(head, m), 0);
		last = m;
		done += n;
	}
	(void)last;
	took = c->ops->data(c, head, FAKE_HDR, c->rx_len);
	rte_pktmbuf_free(head);
	assert_true(took <= c->rx_len);
	memmove(c->rx, c->rx + took, c->rx_len - took);
	c->rx_len -= took;
	return took;
}

void
ws_tcp_recv_resume(struct ws_tcp_conn *c)
{
	c->resumes++;
	offer(c);
}

/* Bytes arrive: held with what the stack already had, then offered. */
static uint32_t
arrive(struct ws_tcp_conn *c, const void *data, uint32_t len)
{
	assert_true(c->rx_len + len <= FAKE_RX_MAX);
	memcpy(c->rx + c->rx_len, data, len);
	c->rx_len += len;
	return offer(c);
}

static uint32_t
arrive_str(struct ws_tcp_conn *c, const char *text)
{
	return arrive(c, text, (uint32_t)strlen(text));
}

/* Services */

struct svc_env {
	struct ws_config cfg;
	struct ws_services_config sc;
	struct ws_services *svc;
	char file[256];
	char *file_body;
	uint32_t file_len;
};

static const struct fake_listener *
listener(uint16_t port)
{
	unsigned int i;

	for (i = 0; i < n_listeners; i++)
		if (listeners[i].port == port)
			return &listeners[i];
	return NULL;
}

static void
svc_config(struct ws_config *cfg, struct ws_services_config *sc)
{
	memset(cfg, 0, sizeof(*cfg));
	memset(sc, 0, sizeof(*sc));
	cfg->workers.count = 1;
	cfg->workers.lcores[0] = rte_lcore_id();
	cfg->tcp.max_connections = 16;
	sc->http_port = 80;
	sc->echo_port = 7;
	sc->discard_port = 9;
	sc->http_max_request = MAX_REQ;
	sc->http_max_body = MAX_BODY;
	sc->http_keepalive_ms = 60000;
	sc->http_max_connections = 4;
	sc->n_routes = 4;
	strcpy(sc->routes[0].path, "/");
	strcpy(sc->routes[0].content_type, "text/html");
	strcpy(sc->routes[0].body, page);
	/* routes[1] is an unused slot */
	strcpy(sc->routes[2].path, "/hello");
	strcpy(sc->routes[2].content_type, "text/plain");
	strcpy(sc->routes[2].body, hello);
	strcpy(sc->routes[3].path, "/big");
	strcpy(sc->routes[3].content_type, "application/octet-stream");
}

static int
svc_setup(void **state)
{
	struct svc_env *env = calloc(1, sizeof(*env));
	uint32_t i;
	FILE *f;
	int fd;

	assert_non_null(env);
	svc_config(&env->cfg, &env->sc);
	/* A 100000-byte file for /big, written where the test runs. */
	snprintf(env->file, sizeof(env->file), "%s/ws_http_big.XXXXXX",
		getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(env->file);
	assert_true(fd >= 0);
	env->file_len = 100000;
	env->file_body = malloc(env->file_len);
	assert_non_null(env->file_body);
	for (i = 0; i < env->file_len; i++)
		env->file_body[i] = (char)('a' + i % 26);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(env->file_body, 1, env->file_len, f),
		env->file_len);
	assert_int_equal(fclose(f), 0);
	strcpy(env->sc.routes[3].file, env->file);

	n_listeners = 0;
	listen_ret = 0;
	env->svc = ws_services_start((struct ws_stack *)env, &env->cfg,
		&env->sc);
	assert_non_null(env->svc);
	*state = env;
	return 0;
}

static int
svc_teardown(void **state)
{
	struct svc_env *env = *state;

	ws_services_free(env->svc);
	unlink(env->file);
	free(env->file_body);
	free(env);
	return 0;
}

static struct ws_tcp_conn *
conn_new(uint16_t port, uint32_t space, uint32_t seg)
{
	const struct fake_listener *l = listener(port);
	struct ws_tcp_conn *c = calloc(1, sizeof(*c));

	assert_non_null(l);
	assert_non_null(c);
	c->out = malloc(FAKE_OUT_MAX);
	assert_non_null(c->out);
	c->ops = l->ops;
	c->space = space;
	c->seg = seg;
	if (c->ops->accepted != NULL)
		assert_int_equal(c->ops->accepted(c, l->arg), 0);
	return c;
}

static void
conn_free(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	if (c->ops->closed != NULL) {
		c->ops->closed(c, why);
		assert_null(c->ctx);	/* the state went back */
	}
	free(c->out);
	free(c);
}

/* Grow the send space and tell the connection, as the stack would. */
static void
make_room(struct ws_tcp_conn *c, uint32_t space)
{
	c->space += space;
	if (c->ops->writable != NULL)
		c->ops->writable(c);
}

static void
assert_out(struct ws_tcp_conn *c, const char *expected)
{
	size_t n = strlen(expected);

	if (c->out_len != n || memcmp(c->out, expected, n) != 0)
		fail_msg("sent %u bytes:\n%.*s\nexpected %zu:\n%s", c->out_len,
			(int)c->out_len, c->out, n, expected);
}

static void
test_svc_listeners(void **state)
{
	struct svc_env *env = *state;
	struct ws_services_config sc;
	struct ws_config cfg;
	struct ws_services *svc;

	assert_int_equal(n_listeners, 3);
	assert_non_null(listener(80));
	assert_non_null(listener(7));
	assert_non_null(listener(9));
	assert_ptr_equal(listener(80)->arg, env->svc);
	assert_ptr_not_equal(listener(80)->ops, listener(7)->ops);
	assert_ptr_not_equal(listener(7)->ops, listener(9)->ops);

	/* Port 0 is off. */
	svc_config(&cfg, &sc);
	sc.http_port = 0;
	sc.discard_port = 0;
	n_listeners = 0;
	svc = ws_services_start(NULL, &cfg, &sc);
	assert_non_null(svc);
	assert_int_equal(n_listeners, 1);
	assert_int_equal(listeners[0].port, 7);
	ws_services_free(svc);

	/* A listener the stack refuses fails the start. */
	svc_config(&cfg, &sc);
	listen_ret = -EEXIST;
	svc = ws_services_start(NULL, &cfg, &sc);
	assert_null(svc);
	assert_int_equal(rte_errno, EEXIST);
	listen_ret = 0;

	/* So does a route file that went away. */
	svc_config(&cfg, &sc);
	strcpy(sc.routes[3].file, "/nonexistent/ws_http_file");
	svc = ws_services_start(NULL, &cfg, &sc);
	assert_null(svc);
	assert_int_equal(rte_errno, ENOENT);
	ws_services_free(NULL);
}

static void
test_svc_http_basic(void **state)
{
	struct ws_tcp_conn *c = conn_new(80, 1 << 20, 1500);
	static const char req[] = "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n";

	(void)state;
	assert_true(c->nodelay);
	assert_int_equal(arrive_str(c, req), sizeof(req) - 1);
	assert_out(c, RESP_HELLO);
	/* Head and body in one send: with nodelay, one segment. */
	assert_int_equal(c->sends, 1);
	assert_int_equal(c->shutdowns, 0);
	/* The peer's FIN after answered requests: we close too. */
	c->ops->peer_closed(c);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
}

static void
test_svc_http_pipelined(void **state)
{
	static const char reqs[] =
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n"
		"HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n"
		"POST /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
		"abcde"
		"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
		/* after the close: ignored */
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char expected[] = RESP_ROOT
		"HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 18\r\n"
		"Connection: keep-alive\r\n\r\n"
		RESP_405 RESP_404
		"HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: text/plain\r\nContent-Length: 18\r\n"
		"Connection: close\r\n\r\nhello from woshou\n";
	uint32_t n = sizeof(reqs) - 1, k, i;
	struct ws_tcp_conn *c;

	(void)state;
	/* All at once, in 7-byte mbufs. */
	c = conn_new(80, 1 << 20, 7);
	assert_int_equal(arrive(c, reqs, n), n);
	assert_out(c, expected);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* Split in two at every byte. */
	for (k = 1; k < n; k++) {
		c = conn_new(80, 1 << 20, 1500);
		arrive(c, reqs, k);
		arrive(c, reqs + k, n - k);
		assert_int_equal(c->rx_len, 0);
		assert_out(c, expected);
		assert_int_equal(c->shutdowns, 1);
		conn_free(c, WS_TCP_CLOSED_NORMAL);
	}

	/* A byte at a time, one byte per mbuf. */
	c = conn_new(80, 1 << 20, 1);
	for (i = 0; i < n; i++)
		arrive(c, reqs + i, 1);
	assert_out(c, expected);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
}

/*
 * Send space of 'step' bytes at a time: nothing lost, nothing reordered.
 * Requests that fit in the connection's buffer are taken at once; those
 * that arrive while a response is waiting for room stay in the stack.
 */
static void
test_svc_http_send_full(void **state)
{
	static const char reqs[] =
		"GET /hello HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char later[] = "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char expected[] = RESP_HELLO RESP_ROOT RESP_404
		RESP_HELLO;
	static const uint32_t steps[] = { 1, 10, 97, 200 };
	struct ws_tcp_conn *c;
	unsigned int i, rounds;

	(void)state;
	for (i = 0; i < RTE_DIM(steps); i++) {
		c = conn_new(80, steps[i], 1500);
		assert_int_equal(arrive(c, reqs, sizeof(reqs) - 1),
			sizeof(reqs) - 1);
		assert_int_equal(c->out_len, steps[i]);
		assert_int_equal(arrive(c, later, sizeof(later) - 1), 0);
		assert_int_equal(c->rx_len, sizeof(later) - 1);
		for (rounds = 0; c->out_len < sizeof(expected) - 1; rounds++) {
			assert_true(rounds < 10000);
			make_room(c, steps[i]);
		}
		assert_out(c, expected);
		assert_int_equal(c->rx_len, 0);
		assert_true(c->resumes > 0);
		assert_int_equal(c->shutdowns, 0);
		conn_free(c, WS_TCP_CLOSED_NORMAL);
	}
}

static void
test_svc_http_file(void **state)
{
	struct svc_env *env = *state;
	struct ws_tcp_conn *c;
	char head[256];
	unsigned int rounds;
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n" SERVER
		"Content-Type: application/octet-stream\r\n"
		"Content-Length: %u\r\nConnection: keep-alive\r\n\r\n",
		env->file_len);
	c = conn_new(80, 1000, 1500);
	arrive_str(c, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
	for (rounds = 0; c->out_len < n + env->file_len; rounds++) {
		assert_true(rounds < 1000);
		make_room(c, 4096);
	}
	assert_int_equal(c->out_len, n + env->file_len);
	assert_memory_equal(c->out, head, n);
	assert_memory_equal(c->out + n, env->file_body, env->file_len);

	/* HEAD: the length only. */
	c->out_len = 0;
	c->space = 1 << 20;
	arrive_str(c, "HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(c->out_len, n);
	assert_memory_equal(c->out, head, n);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
}

static void
test_svc_http_errors_close(void **state)
{
	struct ws_tcp_conn *c;
	char big[MAX_REQ + 100];
	/* An error answers, shuts down, and drops what follows. */
	static const char two[] = "GET / HTTP/1.1\nHost: h\r\n\r\n"
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n";

	(void)state;
	c = conn_new(80, 1 << 20, 1500);
	assert_int_equal(arrive_str(c, two), sizeof(two) - 1);
	assert_out(c, RESP_400);
	assert_int_equal(c->shutdowns, 1);
	assert_int_equal(arrive_str(c, "more"), 4);
	assert_int_equal(c->shutdowns, 1);
	c->ops->peer_closed(c);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* A head that fills the whole buffer is 431, whatever follows. */
	c = conn_new(80, 1 << 20, 1500);
	padded_request(big, sizeof(big) - 1, 10);
	assert_int_equal(arrive(c, big, sizeof(big) - 1), sizeof(big) - 1);
	assert_out(c, RESP_431);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* The error response itself may have to wait for room. */
	c = conn_new(80, 3, 1500);
	arrive_str(c, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(c->shutdowns, 0);
	make_room(c, 1 << 20);
	assert_out(c, RESP_400);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
}

static void
test_svc_http_body_skipped(void **state)
{
	struct ws_tcp_conn *c;

	(void)state;
	/* A body split over many arrivals is skipped, not parsed. */
	c = conn_new(80, 1 << 20, 3);
	arrive_str(c, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 32\r\n"
		"\r\nGET /hello HTTP");
	assert_out(c, RESP_405);
	arrive_str(c, "/1.1\r\nHost: h\r\n\r\n");
	arrive_str(c, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_out(c, RESP_405 RESP_ROOT);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
}

static void
test_svc_http_half_close(void **state)
{
	struct ws_tcp_conn *c;

	(void)state;
	/* Requests, then FIN at once: all answered before our FIN. */
	c = conn_new(80, 20, 1500);
	arrive_str(c, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n");
	c->ops->peer_closed(c);
	assert_int_equal(c->shutdowns, 0);
	while (c->out_len < strlen(RESP_HELLO RESP_404))
		make_room(c, 20);
	assert_out(c, RESP_HELLO RESP_404);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* FIN in the middle of a request: no answer, just our FIN. */
	c = conn_new(80, 1 << 20, 1500);
	arrive_str(c, "GET /hello HTTP/1.1\r\nHo");
	c->ops->peer_closed(c);
	assert_int_equal(c->out_len, 0);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_RESET);
}

/* The stack's idle timer expired, as ws_tcp.c reports it. */
static void
idle(struct ws_tcp_conn *c)
{
	assert_int_equal(c->closes, 0);		/* no 'idle' after a close */
	assert_non_null(c->ops->idle);
	c->ops->idle(c);
}

static void
test_svc_http_idle(void **state)
{
	struct svc_env *env = *state;
	struct ws_tcp_conn *c;
	struct ws_services_config sc;
	struct ws_config cfg;
	struct ws_services *svc;

	/* keepalive_ms is the idle timeout; between requests it closes. */
	c = conn_new(80, 1 << 20, 1500);
	assert_int_equal(c->idle_ms, 60000);
	arrive_str(c, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_out(c, RESP_HELLO);
	idle(c);
	assert_int_equal(c->closes, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* Before any request too. */
	c = conn_new(80, 1 << 20, 1500);
	idle(c);
	assert_int_equal(c->closes, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* A response still going out keeps it; once sent, idle closes. */
	c = conn_new(80, 10, 1500);
	arrive_str(c, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
	idle(c);
	assert_int_equal(c->closes, 0);
	make_room(c, 1 << 20);
	assert_out(c, RESP_HELLO);
	idle(c);
	assert_int_equal(c->closes, 1);
	assert_int_equal(c->shutdowns, 0);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/*
	 * Sockstress: a response that made no progress for a whole period
	 * (the peer's window stays shut) is abandoned and counted; one that
	 * crept forward since the last period is kept.
	 */
	c = conn_new(80, 10, 1500);
	arrive_str(c, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
	idle(c);
	make_room(c, 5);
	idle(c);
	assert_int_equal(c->closes, 0);
	idle(c);
	assert_int_equal(c->closes, 1);
	assert_int_equal(ws_services_stalled(env->svc), 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* A request stalled half-way for as long closes as well. */
	c = conn_new(80, 1 << 20, 1500);
	arrive_str(c, "GET /hello HTTP/1.1\r\nHo");
	idle(c);
	assert_int_equal(c->out_len, 0);
	assert_int_equal(c->closes, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* keepalive_ms = 0: no timer. */
	svc_config(&cfg, &sc);
	sc.http_keepalive_ms = 0;
	n_listeners = 0;
	svc = ws_services_start(NULL, &cfg, &sc);
	assert_non_null(svc);
	c = conn_new(80, 1 << 20, 1500);
	assert_int_equal(c->idle_ms, 0);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
	ws_services_free(svc);
}

static void
test_svc_http_pool(void **state)
{
	struct svc_env *env = *state;
	const struct fake_listener *l = listener(80);
	struct ws_tcp_conn *c[5];
	struct ws_services_config sc;
	struct ws_config cfg;
	struct ws_services *svc;
	unsigned int i;

	/* http_max_connections = 4 states, then refusals. */
	for (i = 0; i < 4; i++)
		c[i] = conn_new(80, 1 << 20, 1500);
	c[4] = calloc(1, sizeof(*c[4]));
	assert_non_null(c[4]);
	c[4]->ops = l->ops;
	assert_true(l->ops->accepted(c[4], l->arg) < 0);
	assert_true(l->ops->accepted(c[4], l->arg) < 0);
	assert_int_equal(ws_services_refused(env->svc), 2);
	/* A refused connection has no state: its callbacks are harmless. */
	assert_null(c[4]->ctx);
	l->ops->closed(c[4], WS_TCP_CLOSED_RESET);
	free(c[4]);

	/* A state that comes back is used again, and is clean. */
	arrive_str(c[0], "GET /hello HTTP/1.1\r\nHost: h\r\n\r\nGET /he");
	conn_free(c[0], WS_TCP_CLOSED_RESET);
	c[0] = conn_new(80, 1 << 20, 1500);
	arrive_str(c[0], "llo HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_out(c[0], RESP_400);
	for (i = 0; i < 4; i++)
		conn_free(c[i], WS_TCP_CLOSED_NORMAL);

	/* tcp.max_connections caps the pool too. */
	svc_config(&cfg, &sc);
	cfg.tcp.max_connections = 2;
	sc.n_routes = 3;
	n_listeners = 0;
	svc = ws_services_start(NULL, &cfg, &sc);
	assert_non_null(svc);
	l = listener(80);
	for (i = 0; i < 3; i++) {
		c[i] = calloc(1, sizeof(*c[i]));
		assert_non_null(c[i]);
		c[i]->ops = l->ops;
	}
	assert_int_equal(l->ops->accepted(c[0], l->arg), 0);
	assert_int_equal(l->ops->accepted(c[1], l->arg), 0);
	assert_true(l->ops->accepted(c[2], l->arg) < 0);
	for (i = 0; i < 3; i++) {
		l->ops->closed(c[i], WS_TCP_CLOSED_NORMAL);
		free(c[i]);
	}
	ws_services_free(svc);

	/* A connection on an lcore that is no worker is refused. */
	svc_config(&cfg, &sc);
	cfg.workers.lcores[0] = rte_lcore_id() + 1;
	sc.n_routes = 3;
	n_listeners = 0;
	svc = ws_services_start(NULL, &cfg, &sc);
	assert_non_null(svc);
	l = listener(80);
	c[0] = calloc(1, sizeof(*c[0]));
	assert_non_null(c[0]);
	assert_true(l->ops->accepted(c[0], l->arg) < 0);
	free(c[0]);
	ws_services_free(svc);
}

static void
test_svc_echo(void **state)
{
	static const char text[] = "The quick brown fox jumps over the dog";
	uint32_t n = sizeof(text) - 1;
	struct ws_tcp_conn *c;

	(void)state;
	/* Room for all: echoed at once, segment by segment. */
	c = conn_new(7, 1 << 20, 4);
	assert_true(c->nodelay);
	assert_int_equal(arrive(c, text, n), n);
	assert_int_equal(c->out_len, n);
	assert_memory_equal(c->out, text, n);
	c->ops->peer_closed(c);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* Room for 10: 10 taken, the rest held until 'writable'. */
	c = conn_new(7, 10, 3);
	assert_int_equal(arrive(c, text, n), 10);
	assert_int_equal(c->rx_len, n - 10);
	/* FIN while bytes are held: our FIN waits for them. */
	c->ops->peer_closed(c);
	assert_int_equal(c->shutdowns, 0);
	make_room(c, 20);
	assert_int_equal(c->resumes, 1);
	assert_int_equal(c->out_len, 30);
	assert_int_equal(c->shutdowns, 0);
	make_room(c, 100);
	assert_int_equal(c->out_len, n);
	assert_memory_equal(c->out, text, n);
	assert_int_equal(c->rx_len, 0);
	assert_int_equal(c->shutdowns, 1);
	/* Nothing held: 'writable' does not resume. */
	make_room(c, 100);
	assert_int_equal(c->resumes, 2);
	conn_free(c, WS_TCP_CLOSED_NORMAL);

	/* No room at all: nothing taken. */
	c = conn_new(7, 0, 1500);
	assert_int_equal(arrive(c, text, n), 0);
	make_room(c, n);
	assert_int_equal(c->out_len, n);
	assert_int_equal(c->rx_len, 0);
	/* A send that fails (reset under us) drops the data. */
	c->dead = true;
	assert_int_equal(arrive(c, text, n), n);
	conn_free(c, WS_TCP_CLOSED_RESET);
}

static void
test_svc_discard(void **state)
{
	static const char text[] = "discard me";
	struct ws_tcp_conn *c;

	(void)state;
	c = conn_new(9, 1 << 20, 3);
	assert_int_equal(arrive(c, text, sizeof(text) - 1), sizeof(text) - 1);
	assert_int_equal(c->out_len, 0);
	assert_int_equal(c->rx_len, 0);
	c->ops->peer_closed(c);
	assert_int_equal(c->shutdowns, 1);
	conn_free(c, WS_TCP_CLOSED_NORMAL);
}

/*
 * [http|echo|discard] keepalive = yes: every accepted connection of that
 * service, and only of that one, has TCP keep-alive on.
 */
static void
test_svc_keepalive(void **state)
{
	static const uint16_t ports[] = { 80, 7, 9 };
	struct svc_env *env = *state;
	struct ws_services_config sc;
	struct ws_services *svc;
	struct ws_config cfg;
	struct ws_tcp_conn *c;
	unsigned int i, on;

	/* Off by default (svc_setup's config). */
	for (i = 0; i < RTE_DIM(ports); i++) {
		c = conn_new(ports[i], 1 << 20, 1500);
		assert_false(c->keepalive);
		conn_free(c, WS_TCP_CLOSED_NORMAL);
	}
	ws_services_free(env->svc);
	env->svc = NULL;
	for (on = 0; on < RTE_DIM(ports); on++) {
		svc_config(&cfg, &sc);
		sc.n_routes = 3;
		sc.http_tcp_keepalive = on == 0;
		sc.echo_keepalive = on == 1;
		sc.discard_keepalive = on == 2;
		n_listeners = 0;
		svc = ws_services_start(NULL, &cfg, &sc);
		assert_non_null(svc);
		for (i = 0; i < RTE_DIM(ports); i++) {
			c = conn_new(ports[i], 1 << 20, 1500);
			assert_int_equal(c->keepalive, i == on);
			conn_free(c, WS_TCP_CLOSED_NORMAL);
		}
		ws_services_free(svc);
	}
}

#define SVC_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, svc_setup, svc_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_simple_get),
	cmocka_unit_test(test_methods),
	cmocka_unit_test(test_targets),
	cmocka_unit_test(test_request_line_errors),
	cmocka_unit_test(test_versions),
	cmocka_unit_test(test_line_endings),
	cmocka_unit_test(test_fields),
	cmocka_unit_test(test_content_length),
	cmocka_unit_test(test_transfer_encoding),
	cmocka_unit_test(test_expect_continue),
	cmocka_unit_test(test_limits),
	cmocka_unit_test(test_sticky),
	cmocka_unit_test(test_splits),
	cmocka_unit_test(test_pipelined_parse),
	cmocka_unit_test(test_responses),
	cmocka_unit_test(test_head_builder),
	SVC_TEST(test_svc_listeners),
	SVC_TEST(test_svc_http_basic),
	SVC_TEST(test_svc_http_pipelined),
	SVC_TEST(test_svc_http_send_full),
	SVC_TEST(test_svc_http_file),
	SVC_TEST(test_svc_http_errors_close),
	SVC_TEST(test_svc_http_body_skipped),
	SVC_TEST(test_svc_http_half_close),
	SVC_TEST(test_svc_http_idle),
	SVC_TEST(test_svc_http_pool),
	SVC_TEST(test_svc_echo),
	SVC_TEST(test_svc_discard),
	SVC_TEST(test_svc_keepalive),
};

int
main(void)
{
	/* As the shared harness does; see tests/unit/ws_test.c. */
	char *argv[] = {
		"test_http", "--no-huge", "--no-shconf", "--no-pci",
		"--no-telemetry", "-m", "256", "-l", "0",
		"--log-level", "*:error", "--file-prefix", "ws_unit_http", NULL,
	};

	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	mbuf_pool = rte_pktmbuf_pool_create("http_test_mbufs", 8191, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mbuf_pool == NULL) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
