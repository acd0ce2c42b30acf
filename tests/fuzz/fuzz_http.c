/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The HTTP/1.1 request parser of app/woshou (ws_http.c), as the service
 * drives it: requests arrive in pieces, several may be pipelined. Byte 0
 * picks max_request and max_body, byte 1 the size of the pieces; the rest
 * is the byte stream. Each request is parsed twice, incrementally (piece
 * by piece, as the service does) and in one go, and both must give the
 * same answer; a complete request's path lies inside its head (or is
 * the static "/"), the head
 * inside the bytes given, the parser never waits for more than
 * max_request bytes, and the response head fits its buffer.
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ws_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ws_http_resource routes[] = {
	{ "/", "text/plain", "hello\n", 6 },
	{ "/index.html", "text/html", "<p>hi</p>\n", 10 },
	{ "/empty", NULL, "", 0 },
};

static void
check_complete(const struct ws_http_parser *p, const char *buf, uint32_t len)
{
	const struct ws_http_request *r = &p->req;

	FUZZ_CHECK(r->head_len <= len, "head %u of %u bytes", r->head_len,
		len);
	/* An absolute-form target without a path is "/" (static). */
	if (r->path != NULL && !(r->path_len == 1 && r->path[0] == '/'))
		FUZZ_CHECK(r->path >= buf && r->path + r->path_len <=
			buf + r->head_len, "path outside the head");
	FUZZ_CHECK(r->minor <= 1, "HTTP/1.%u accepted", r->minor);
}

static void
respond(const struct ws_http_parser *p, enum ws_http_result res)
{
	struct ws_http_response out;

	ws_http_respond(p, res, routes, RTE_DIM(routes), &out);
	FUZZ_CHECK(out.head_len > 0 && out.head_len <= sizeof(out.head),
		"response head of %u", out.head_len);
	FUZZ_CHECK(out.status >= 200 && out.status <= 599, "status %u",
		out.status);
	if (res == WS_HTTP_ERROR)
		FUZZ_CHECK(!out.keep_alive, "error %u keeps the connection",
			out.status);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t max_req[] = { 256, 1024, 8192, 65536 };
	static const uint32_t max_body[] = { 0, 16, 65536, 16777216 };
	struct ws_http_parser inc, whole;
	enum ws_http_result r_inc, r_whole;
	uint32_t mr, mb, step, start = 0, len, total, n;
	char *buf;

	if (size < 2 || size > 200000)
		return 0;
	mr = max_req[data[0] & 3];
	mb = max_body[(data[0] >> 2) & 3];
	step = 1u + data[1] % 97u;
	total = (uint32_t)size - 2;
	buf = malloc(total + 1);
	FUZZ_CHECK(buf != NULL, "malloc");
	memcpy(buf, data + 2, total);

	/* At most 64 pipelined requests: keeps each input fast. */
	for (n = 0; n < 64 && start < total; n++) {
		const char *b = buf + start;
		uint32_t avail = total - start;

		ws_http_parser_init(&inc);
		r_inc = WS_HTTP_NEED_MORE;
		for (len = RTE_MIN(step, avail); ; len = RTE_MIN(len + step,
				avail)) {
			r_inc = ws_http_parse(&inc, b, len, mr, mb);
			if (r_inc != WS_HTTP_NEED_MORE || len == avail)
				break;
		}
		ws_http_parser_init(&whole);
		r_whole = ws_http_parse(&whole, b, avail, mr, mb);
		FUZZ_CHECK(r_inc == r_whole, "in pieces of %u: %d, whole: %d",
			step, r_inc, r_whole);
		if (r_inc == WS_HTTP_NEED_MORE) {
			FUZZ_CHECK(avail < mr, "waits for more after %u bytes "
				"(max_request %u)", avail, mr);
			break;
		}
		if (r_inc == WS_HTTP_ERROR) {
			FUZZ_CHECK(inc.req.status == whole.req.status,
				"errors %u and %u", inc.req.status,
				whole.req.status);
			respond(&inc, r_inc);
			break;
		}
		check_complete(&inc, b, len);
		FUZZ_CHECK(inc.req.head_len == whole.req.head_len &&
			inc.req.path_len == whole.req.path_len &&
			inc.req.method == whole.req.method &&
			inc.req.keep_alive == whole.req.keep_alive &&
			inc.req.content_length == whole.req.content_length,
			"pieces and whole disagree");
		respond(&inc, r_inc);
		if (inc.req.content_length > avail - inc.req.head_len)
			break;
		start += inc.req.head_len + (uint32_t)inc.req.content_length;
	}
	free(buf);
	return 0;
}
