/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_HTTP_H
#define WS_HTTP_H

/*
 * A small HTTP/1.1 server core (RFC 9110, RFC 9112): an incremental request
 * parser over a byte buffer and a response builder. Pure functions, no
 * DPDK and no allocation, so that every path can be unit-tested and the
 * services can keep a parser per connection in a fixed-size slot.
 *
 * What is accepted, and what each refusal is:
 *
 *  - request-line: method SP request-target SP HTTP-version CRLF, single
 *    spaces. A method is a token; GET and HEAD are served, any other
 *    (valid) method gets 405 with "Allow: GET, HEAD".
 *  - request-target: origin-form (/path?query) or absolute-form
 *    (http://host/path); the path without its query is what routes match,
 *    byte for byte (no percent-decoding). GET or HEAD with another form
 *    ("*", authority) is 400.
 *  - HTTP-version: HTTP/1.0 and HTTP/1.1. Any other well-formed version is
 *    505; a malformed one is 400.
 *  - Lines end with CRLF. A bare LF, or a CR not followed by LF, is 400:
 *    RFC 9112 2.2 allows accepting a bare LF, but a server that frames
 *    lines differently from a proxy in front of it is a request-smuggling
 *    risk, and every real client sends CRLF. Empty lines before the
 *    request-line are skipped (RFC 9112 2.2).
 *  - field lines: token ":" OWS value OWS. Whitespace before the colon
 *    and obs-fold continuation lines are 400 (RFC 9112 5.1, 5.2); so are
 *    NUL and other control characters in a value (RFC 9110 5.5).
 *  - Host: HTTP/1.1 without one, or any request with two, is 400
 *    (RFC 9112 3.2, a MUST).
 *  - Content-Length: 1*DIGIT only, one field line only; anything else is
 *    400, a value above max_body is 413. The body is read and ignored.
 *  - Transfer-Encoding (chunked or any other): 501 for HTTP/1.1, 400 for
 *    HTTP/1.0 (RFC 9112 6.1). Request bodies are never needed here, so
 *    chunked decoding is not worth its smuggling surface.
 *  - Request line and fields together over max_request bytes: 431, or 414
 *    when the request line alone does not fit.
 *  - Connection: HTTP/1.1 stays open unless "close" is listed; HTTP/1.0
 *    closes unless "keep-alive" is listed. A request with a body and
 *    "Expect: 100-continue" closes after its response: we never send 100,
 *    so whether the client then sends the body is not known.
 *  - Every error response closes the connection.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_HTTP_SERVER "woshou/" WS_VERSION

/* Longest response head ws_http_respond() builds. */
#define WS_HTTP_HEAD_MAX 320

enum ws_http_method {
	WS_HTTP_GET = 0,
	WS_HTTP_HEAD,
	WS_HTTP_OTHER,
};

enum ws_http_result {
	WS_HTTP_NEED_MORE = 0,	/* no complete request head yet */
	WS_HTTP_COMPLETE,	/* p->req holds a request */
	WS_HTTP_ERROR,		/* p->req.status holds the error status */
};

struct ws_http_request {
	enum ws_http_method method;
	uint8_t minor;			/* HTTP/1.minor */
	bool keep_alive;		/* the connection stays open after */
	uint16_t status;		/* on WS_HTTP_ERROR: 400, 413, ... */
	const char *path;		/* inside the parsed buffer ... */
	uint32_t path_len;		/* ... without query; NULL for "*" */
	uint32_t head_len;		/* request line, fields, CRLF CRLF */
	uint64_t content_length;	/* body bytes after the head */
};

struct ws_http_parser {
	uint32_t pos;			/* start of the line being read */
	uint32_t scan;			/* the LF search resumes here */
	uint8_t in_fields;		/* the request line is done */
	uint8_t n_host;
	uint8_t has_length;
	uint8_t conn_close;
	uint8_t conn_keep_alive;
	uint8_t expect_continue;
	struct ws_http_request req;
};

/* Ready the parser for a new request (at offset 0 of its buffer). */
void ws_http_parser_init(struct ws_http_parser *p);

/*
 * Parse the request at the start of 'buf'. Call again with the same bytes
 * plus more after WS_HTTP_NEED_MORE: what was scanned is not scanned again,
 * and req.path points into 'buf', so the bytes may not move until the
 * request is answered. After WS_HTTP_COMPLETE the next request starts at
 * req.head_len + req.content_length; call ws_http_parser_init() for it.
 *
 * The parser never asks for more than 'max_request' bytes: once 'len'
 * reaches it without a complete head, the answer is 414 or 431.
 */
enum ws_http_result ws_http_parse(struct ws_http_parser *p, const char *buf,
		uint32_t len, uint32_t max_request, uint32_t max_body);

/* A path the server answers, and what with. */
struct ws_http_resource {
	const char *path;
	const char *content_type;
	const void *body;
	uint32_t body_len;
};

/* A response: 'head' then 'body_len' bytes of 'body'. */
struct ws_http_response {
	uint16_t status;
	bool keep_alive;
	const void *body;		/* NULL when there is none (HEAD) */
	uint32_t body_len;
	uint32_t head_len;
	char head[WS_HTTP_HEAD_MAX];
};

/*
 * The response to what ws_http_parse() returned ('result' COMPLETE or
 * ERROR, and p->req): 200 from a resource whose path matches, 404 for
 * none, 405 for methods other than GET and HEAD, or the parser's error,
 * which always closes. Error bodies are short text/plain lines. A HEAD
 * response has the GET response's Content-Length and no body. 'out->body'
 * points at the resource's (or a static) bytes.
 */
void ws_http_respond(const struct ws_http_parser *p,
		enum ws_http_result result,
		const struct ws_http_resource *res, unsigned int n_res,
		struct ws_http_response *out);

/*
 * Write a response head: status line, Server, Content-Type (when not
 * NULL), Content-Length, Connection, Allow for 405, blank line. No Date
 * (RFC 9110 6.6.1 lets a server without a clock omit it; here it keeps
 * responses byte-for-byte reproducible). Returns the length, or -ENOSPC.
 */
int ws_http_head(char *buf, size_t cap, uint16_t status,
		const char *content_type, uint64_t content_length,
		bool keep_alive);

/* "OK", "Not Found", ...; "Unknown" for a status not used here. */
const char *ws_http_reason(uint16_t status);

#endif /* WS_HTTP_H */
