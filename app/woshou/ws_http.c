/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * HTTP/1.1 request parsing and responses; the rules are in ws_http.h.
 *
 * The parser works a line at a time and remembers where the current line
 * starts and how far the search for its LF got, so a head that arrives a
 * byte at a time costs one pass over its bytes, not one per arrival.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ws_http.h"

#define SP ' '
#define HTAB '\t'

/* RFC 9110 5.6.2 tchar. */
static bool
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

void
ws_http_parser_init(struct ws_http_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->req.method = WS_HTTP_OTHER;
}

static enum ws_http_result
fail(struct ws_http_parser *p, uint16_t status)
{
	p->req.status = status;
	p->req.keep_alive = false;
	return WS_HTTP_ERROR;
}

/* The path part of an origin-form target, up to any query. */
static uint32_t
path_len(const char *t, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && t[i] != '?' && t[i] != '#'; i++)
		;
	return i;
}

/* Set req.path from the request-target; false when it has no path. */
static bool
target_path(struct ws_http_request *req, const char *t, uint32_t n)
{
	static const char root[] = "/";
	uint32_t skip, i;

	if (t[0] == '/') {
		req->path = t;
		req->path_len = path_len(t, n);
		return true;
	}
	/* absolute-form: a server MUST accept it (RFC 9112 3.2.2). */
	if (n > 7 && strncasecmp(t, "http://", 7) == 0)
		skip = 7;
	else if (n > 8 && strncasecmp(t, "https://", 8) == 0)
		skip = 8;
	else
		return false;
	for (i = skip; i < n && t[i] != '/' && t[i] != '?' && t[i] != '#';
			i++)
		;
	if (i == skip)
		return false;	/* no authority */
	if (i < n && t[i] == '/') {
		req->path = t + i;
		req->path_len = path_len(t + i, n - i);
	} else {
		req->path = root;
		req->path_len = 1;
	}
	return true;
}

/* method SP request-target SP HTTP-version, without the CRLF. */
static enum ws_http_result
request_line(struct ws_http_parser *p, const char *line, uint32_t n)
{
	struct ws_http_request *req = &p->req;
	uint32_t i, t, v;

	for (i = 0; i < n && is_tchar(line[i]); i++)
		;
	if (i == 0 || i == n || line[i] != SP)
		return fail(p, 400);
	if (i == 3 && memcmp(line, "GET", 3) == 0)
		req->method = WS_HTTP_GET;
	else if (i == 4 && memcmp(line, "HEAD", 4) == 0)
		req->method = WS_HTTP_HEAD;
	else
		req->method = WS_HTTP_OTHER;

	t = i + 1;
	for (i = t; i < n && (unsigned char)line[i] > 0x20 &&
			(unsigned char)line[i] < 0x7f; i++)
		;
	if (i == t || i == n || line[i] != SP)
		return fail(p, 400);

	v = i + 1;
	if (n - v != 8 || memcmp(line + v, "HTTP/", 5) != 0 ||
			!is_digit(line[v + 5]) || line[v + 6] != '.' ||
			!is_digit(line[v + 7]))
		return fail(p, 400);
	if (line[v + 5] != '1' || line[v + 7] > '1')
		return fail(p, 505);
	req->minor = (uint8_t)(line[v + 7] - '0');

	if (!target_path(req, line + t, i - t)) {
		req->path = NULL;
		req->path_len = 0;
		/* "*" and authority-form belong to OPTIONS and CONNECT. */
		if (req->method != WS_HTTP_OTHER)
			return fail(p, 400);
	}
	return WS_HTTP_NEED_MORE;
}

static bool
name_is(const char *name, uint32_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Connection: a comma separated list of options. */
static void
connection_options(struct ws_http_parser *p, const char *v, uint32_t n)
{
	uint32_t i = 0, start, end;

	while (i < n) {
		while (i < n && (v[i] == SP || v[i] == HTAB || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == SP || v[end - 1] == HTAB))
			end--;
		if (name_is(v + start, end - start, "close"))
			p->conn_close = 1;
		else if (name_is(v + start, end - start, "keep-alive"))
			p->conn_keep_alive = 1;
	}
}

static enum ws_http_result
content_length(struct ws_http_parser *p, const char *v, uint32_t n,
		uint32_t max_body)
{
	uint64_t len = 0;
	uint32_t i;

	if (p->has_length)
		return fail(p, 400);
	p->has_length = 1;
	if (n == 0)
		return fail(p, 400);
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i]))
			return fail(p, 400);
		/* Saturate: any overflow is far above max_body anyway. */
		if (len <= (UINT64_MAX - 9) / 10)
			len = len * 10 + (uint64_t)(v[i] - '0');
		else
			len = UINT64_MAX;
	}
	if (len > max_body)
		return fail(p, 413);
	p->req.content_length = len;
	return WS_HTTP_NEED_MORE;
}

/* field-name ":" OWS field-value OWS, without the CRLF. */
static enum ws_http_result
field_line(struct ws_http_parser *p, const char *line, uint32_t n,
		uint32_t max_body)
{
	uint32_t name_len, i, v, e;

	/* A space before the colon, or a leading one (obs-fold), is 400. */
	for (name_len = 0; name_len < n && is_tchar(line[name_len]);
			name_len++)
		;
	if (name_len == 0 || name_len == n || line[name_len] != ':')
		return fail(p, 400);
	for (v = name_len + 1; v < n && (line[v] == SP || line[v] == HTAB);
			v++)
		;
	for (e = n; e > v && (line[e - 1] == SP || line[e - 1] == HTAB); e--)
		;
	/* NUL, CR, LF and the other controls (RFC 9110 5.5); not obs-text. */
	for (i = v; i < e; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != HTAB) || c == 0x7f)
			return fail(p, 400);
	}

	if (name_is(line, name_len, "content-length"))
		return content_length(p, line + v, e - v, max_body);
	if (name_is(line, name_len, "transfer-encoding"))
		return fail(p, p->req.minor == 0 ? 400 : 501);
	if (name_is(line, name_len, "host")) {
		if (++p->n_host > 1)
			return fail(p, 400);
	} else if (name_is(line, name_len, "connection")) {
		connection_options(p, line + v, e - v);
	} else if (name_is(line, name_len, "expect")) {
		if (name_is(line + v, e - v, "100-continue"))
			p->expect_continue = 1;
	}
	return WS_HTTP_NEED_MORE;
}

/* The blank line after the fields. */
static enum ws_http_result
head_done(struct ws_http_parser *p)
{
	struct ws_http_request *req = &p->req;

	if (req->minor == 1 && p->n_host == 0)
		return fail(p, 400);
	if (req->minor == 1)
		req->keep_alive = !p->conn_close;
	else
		req->keep_alive = p->conn_keep_alive && !p->conn_close;
	if (p->expect_continue && req->content_length > 0)
		req->keep_alive = false;
	req->head_len = p->pos;
	return WS_HTTP_COMPLETE;
}

enum ws_http_result
ws_http_parse(struct ws_http_parser *p, const char *buf, uint32_t len,
		uint32_t max_request, uint32_t max_body)
{
	const char *line, *lf;
	enum ws_http_result r;
	uint32_t end, n;

	if (p->req.status != 0)
		return WS_HTTP_ERROR;
	if (p->req.head_len != 0)
		return WS_HTTP_COMPLETE;
	for (;;) {
		lf = p->scan < len ?
			memchr(buf + p->scan, '\n', len - p->scan) : NULL;
		if (lf == NULL) {
			p->scan = len;
			if (len >= max_request)
				return fail(p, p->in_fields ? 431 : 414);
			return WS_HTTP_NEED_MORE;
		}
		end = (uint32_t)(lf - buf);
		if (end + 1 > max_request)
			return fail(p, p->in_fields ? 431 : 414);
		line = buf + p->pos;
		n = end - p->pos;
		if (n == 0 || line[n - 1] != '\r')
			return fail(p, 400);	/* bare LF */
		n--;
		if (memchr(line, '\r', n) != NULL)
			return fail(p, 400);	/* bare CR */
		p->pos = end + 1;
		p->scan = p->pos;

		if (!p->in_fields) {
			if (n == 0)
				continue;	/* blank lines before it */
			r = request_line(p, line, n);
			p->in_fields = 1;
		} else if (n == 0) {
			return head_done(p);
		} else {
			r = field_line(p, line, n, max_body);
		}
		if (r != WS_HTTP_NEED_MORE)
			return r;
	}
}

/* Statuses this server sends, with the body of their error responses. */
static const struct {
	uint16_t status;
	const char *reason;
	const char *body;
} statuses[] = {
	{ 200, "OK", NULL },
	{ 400, "Bad Request", "400 Bad Request\n" },
	{ 404, "Not Found", "404 Not Found\n" },
	{ 405, "Method Not Allowed", "405 Method Not Allowed\n" },
	{ 413, "Content Too Large", "413 Content Too Large\n" },
	{ 414, "URI Too Long", "414 URI Too Long\n" },
	{ 431, "Request Header Fields Too Large",
		"431 Request Header Fields Too Large\n" },
	{ 501, "Not Implemented", "501 Not Implemented\n" },
	{ 505, "HTTP Version Not Supported",
		"505 HTTP Version Not Supported\n" },
};

const char *
ws_http_reason(uint16_t status)
{
	unsigned int i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].reason;
	return "Unknown";
}

static const char *
error_body(uint16_t status)
{
	unsigned int i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status && statuses[i].body != NULL)
			return statuses[i].body;
	return "error\n";
}

int
ws_http_head(char *buf, size_t cap, uint16_t status,
		const char *content_type, uint64_t content_length,
		bool keep_alive)
{
	int n;

	n = snprintf(buf, cap,
		"HTTP/1.1 %u %s\r\n"
		"Server: " WS_HTTP_SERVER "\r\n"
		"%s"
		"%s%s%s"
		"Content-Length: %" PRIu64 "\r\n"
		"Connection: %s\r\n"
		"\r\n",
		status, ws_http_reason(status),
		status == 405 ? "Allow: GET, HEAD\r\n" : "",
		content_type != NULL ? "Content-Type: " : "",
		content_type != NULL ? content_type : "",
		content_type != NULL ? "\r\n" : "",
		content_length, keep_alive ? "keep-alive" : "close");
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

void
ws_http_respond(const struct ws_http_parser *p, enum ws_http_result result,
		const struct ws_http_resource *res, unsigned int n_res,
		struct ws_http_response *out)
{
	const struct ws_http_request *req = &p->req;
	const char *type = "text/plain";
	const void *body = NULL;
	uint32_t body_len = 0;
	unsigned int i;
	int n;

	out->keep_alive = req->keep_alive;
	if (result != WS_HTTP_COMPLETE) {
		out->status = req->status != 0 ? req->status : 400;
		out->keep_alive = false;
	} else if (req->method == WS_HTTP_OTHER) {
		out->status = 405;
	} else {
		out->status = 404;
		for (i = 0; i < n_res; i++) {
			if (strlen(res[i].path) == req->path_len &&
					memcmp(res[i].path, req->path,
						req->path_len) == 0) {
				out->status = 200;
				type = res[i].content_type;
				body = res[i].body;
				body_len = res[i].body_len;
				break;
			}
		}
	}
	if (out->status != 200) {
		body = error_body(out->status);
		body_len = (uint32_t)strlen(body);
	}
	n = ws_http_head(out->head, sizeof(out->head), out->status, type,
		body_len, out->keep_alive);
	if (n < 0) {
		/* Only an absurd content type gets here: send it without. */
		n = ws_http_head(out->head, sizeof(out->head), out->status,
			NULL, body_len, out->keep_alive);
	}
	out->head_len = (uint32_t)n;
	if (req->method == WS_HTTP_HEAD) {
		out->body = NULL;
		out->body_len = 0;
	} else {
		out->body = body;
		out->body_len = body_len;
	}
}
