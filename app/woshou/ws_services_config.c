/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * [http], [echo] and [discard]: the woshou program's sections, as tables
 * of the library's key type (see ws_services_config.h). The library knows
 * nothing of them; it loads, checks and prints them like its own.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "ws_services_config.h"

/*
 * Service ports (http, echo, discard, in registration order): two services
 * cannot listen on one port, so each is checked against those above it.
 */
static int
check_service_port(const struct ws_config_key *k, const char *text,
		void *base, const struct ws_config *cfg, char *why,
		size_t why_len)
{
	const struct ws_services_config *sv = base;
	const char *other = NULL;
	uint16_t port;

	port = *(const uint16_t *)ws_config_field(k, base);
	if (port == 0)
		return 0;
	if (k->offset == offsetof(struct ws_services_config, echo_port)) {
		if (port == sv->http_port)
			other = "[http] port";
	} else if (k->offset ==
			offsetof(struct ws_services_config, discard_port)) {
		if (port == sv->http_port)
			other = "[http] port";
		else if (port == sv->echo_port)
			other = "[echo] port";
	}
	if (other != NULL) {
		snprintf(why, why_len, "%s is also %s", text, other);
		return -EINVAL;
	}
	return 0;
}

/*
 * dns.port is UDP, where echo and discard listen too. Reported on dns.port,
 * as when the library owned these sections; it can only be checked once
 * both the library's [dns] and these are loaded.
 */
static int
check_dns_port(const void *data, const struct ws_config *cfg,
		const char **section, const char **key, char *why,
		size_t why_len)
{
	const struct ws_services_config *sv = data;
	uint16_t port = cfg->dns.port;

	if (port != 0 && (port == sv->echo_port || port == sv->discard_port)) {
		*section = "dns";
		*key = "port";
		snprintf(why, why_len, "%u is also [%s] port, which serves "
			"UDP too", port,
			port == sv->echo_port ? "echo" : "discard");
		return -EINVAL;
	}
	return 0;
}

/*
 * http.routeN = PATH TYPE inline:TEXT | PATH TYPE file:NAME
 *
 * Numbered keys rather than one key per path: INI keys are names, and a
 * path ('/', '.', '=') is not one. TEXT takes the backslash escapes \n,
 * \r, \t and \\, so a one-line value can carry a body with line breaks;
 * print writes them back the same way. NAME is relative to the config
 * file's directory unless absolute; it is made absolute here, so that
 * --check-config shows the file that will be served and its output loads
 * back from anywhere. The file must be readable now: a typo fails at
 * --check-config time, not at the first request.
 */

#define ROUTE_INLINE "inline:"
#define ROUTE_FILE "file:"

static unsigned int
route_index(const struct ws_config_key *k)
{
	return (unsigned int)((k->offset -
		offsetof(struct ws_services_config, routes)) /
		sizeof(struct ws_http_route));
}

static int
route_unescape(const char *text, char *out, size_t cap, char *why,
		size_t why_len)
{
	size_t n = 0;
	char c;

	for (; *text != '\0'; text++) {
		c = *text;
		if (c == '\\') {
			switch (*++text) {
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case '\\':
				c = '\\';
				break;
			case '\0':
				snprintf(why, why_len, "inline text ends "
					"with a lone '\\'");
				return -EINVAL;
			default:
				snprintf(why, why_len, "unknown escape "
					"'\\%c' in inline text (\\n \\r \\t "
					"\\\\)", *text);
				return -EINVAL;
			}
		}
		/* Unescaping only shrinks, so the field always has room. */
		if (n + 1 < cap)
			out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* The absolute name of a readable regular file for 'name'. */
static int
route_file(const char *name, const struct ws_config *cfg, char *out,
		size_t cap, char *why, size_t why_len)
{
	char joined[PATH_MAX], resolved[PATH_MAX];
	const char *slash = strrchr(cfg->path, '/');
	struct stat st;
	int n;

	if (name[0] == '/' || slash == NULL)
		n = snprintf(joined, sizeof(joined), "%s", name);
	else
		n = snprintf(joined, sizeof(joined), "%.*s/%s",
			(int)(slash - cfg->path), cfg->path, name);
	if (n < 0 || (size_t)n >= sizeof(joined)) {
		snprintf(why, why_len, "file '%s': name too long", name);
		return -EINVAL;
	}
	if (realpath(joined, resolved) == NULL || stat(resolved, &st) != 0) {
		snprintf(why, why_len, "file '%s': %s", name, strerror(errno));
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "file '%s' is not a regular file", name);
		return -EINVAL;
	}
	if (st.st_size > WS_HTTP_MAX_FILE) {
		snprintf(why, why_len, "file '%s' is larger than %u bytes",
			name, WS_HTTP_MAX_FILE);
		return -EINVAL;
	}
	if (access(resolved, R_OK) != 0) {
		snprintf(why, why_len, "file '%s': %s", name, strerror(errno));
		return -EINVAL;
	}
	if (strlen(resolved) >= cap) {
		snprintf(why, why_len, "file '%s': absolute name longer than "
			"%zu characters", name, cap - 1);
		return -EINVAL;
	}
	strlcpy(out, resolved, cap);
	return 0;
}

static int
parse_route(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_services_config *sv = base;
	unsigned int i, idx = route_index(k);
	struct ws_http_route r;
	const char *p = text;
	const char *c;

	memset(&r, 0, sizeof(r));
	if (text[0] == '\0') {
		/* Zeroed, so that configs compare equal with memcmp. */
		memset(&sv->routes[idx], 0, sizeof(sv->routes[idx]));
		return 0;
	}
	if (!ws_config_next_word(&p, r.path, sizeof(r.path)) ||
			!ws_config_next_word(&p, r.content_type,
				sizeof(r.content_type)) ||
			(strncmp(p, ROUTE_INLINE, strlen(ROUTE_INLINE)) != 0 &&
			strncmp(p, ROUTE_FILE, strlen(ROUTE_FILE)) != 0)) {
		snprintf(why, why_len, "'%s' is not PATH TYPE inline:TEXT or "
			"PATH TYPE file:NAME", text);
		return -EINVAL;
	}
	if (r.path[0] != '/') {
		snprintf(why, why_len, "path '%s' does not start with '/'",
			r.path);
		return -EINVAL;
	}
	/* Requests are matched on the path alone, without a query. */
	for (c = r.path; *c != '\0'; c++) {
		if (*c == '?' || *c == '#' || *c < 0x21 || *c > 0x7e) {
			snprintf(why, why_len, "path '%s' may not contain "
				"'%c'", r.path, *c);
			return -EINVAL;
		}
	}
	for (c = r.content_type; *c != '\0'; c++)
		if (*c < 0x21 || *c > 0x7e)
			break;
	if (*c != '\0' || strchr(r.content_type, '/') == NULL) {
		snprintf(why, why_len, "type '%s' is not a media type like "
			"text/html", r.content_type);
		return -EINVAL;
	}
	if (strncmp(p, ROUTE_INLINE, strlen(ROUTE_INLINE)) == 0) {
		if (route_unescape(p + strlen(ROUTE_INLINE), r.body,
				sizeof(r.body), why, why_len) < 0)
			return -EINVAL;
	} else {
		p += strlen(ROUTE_FILE);
		if (*p == '\0') {
			snprintf(why, why_len, "file: needs a file name");
			return -EINVAL;
		}
		if (route_file(p, cfg, r.file, sizeof(r.file), why,
				why_len) < 0)
			return -EINVAL;
		/* As printed, it must still fit in one value. */
		if (strlen(r.path) + strlen(r.content_type) +
				strlen(" " ROUTE_FILE " ") + strlen(r.file) >=
				WS_CFG_VALUE_LEN) {
			snprintf(why, why_len, "value longer than %d "
				"characters with the file name made absolute "
				"(%s)", WS_CFG_VALUE_LEN - 1, r.file);
			return -EINVAL;
		}
	}
	for (i = 0; i < idx; i++) {
		if (strcmp(sv->routes[i].path, r.path) == 0) {
			snprintf(why, why_len, "path %s is also route%u",
				r.path, i + 1);
			return -EINVAL;
		}
	}
	sv->routes[idx] = r;
	if (sv->n_routes < idx + 1)
		sv->n_routes = idx + 1;
	return 0;
}

static void
format_route(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_http_route *r = ws_config_field_const(k, base);
	const char *b;
	size_t used;

	buf[0] = '\0';
	if (r->path[0] == '\0')
		return;
	if (r->file[0] != '\0') {
		snprintf(buf, len, "%s %s " ROUTE_FILE "%s", r->path,
			r->content_type, r->file);
		return;
	}
	used = snprintf(buf, len, "%s %s " ROUTE_INLINE, r->path,
		r->content_type);
	for (b = r->body; *b != '\0' && used + 3 < len; b++) {
		const char *esc = *b == '\n' ? "\\n" : *b == '\r' ? "\\r" :
			*b == '\t' ? "\\t" : *b == '\\' ? "\\\\" : NULL;

		if (esc != NULL) {
			memcpy(buf + used, esc, 2);
			used += 2;
		} else {
			buf[used++] = *b;
		}
	}
	if (used < len)
		buf[used] = '\0';
}

/* The sections. */

#define FIELD(member) WS_CONFIG_FIELD(struct ws_services_config, member)
#define UINT(def_text, lo, hi) \
	.kind = WS_CONFIG_UINT, .def = (def_text), .min = (lo), .max = (hi)
#define PORT(def_text, member, what) \
	{ "port", UINT(def_text, 0, 65535), FIELD(member), \
		.check = check_service_port, .help = what }
/* Reaps clients that vanished without a FIN or RST (RFC 9293 3.8.4). */
#define KEEPALIVE(member) \
	{ "keepalive", WS_CONFIG_BOOL, "no", FIELD(member), \
		.help = "TCP keep-alive probes on every accepted connection, " \
			"timed by [tcp] keepalive_idle_ms, _interval_ms and " \
			"_count" }
#define ROUTE(n) \
	{ "route" #n, WS_CONFIG_CUSTOM, "", FIELD(routes[(n) - 1]), \
		.parse = parse_route, .format = format_route, \
		.help = "PATH TYPE inline:TEXT or PATH TYPE file:NAME" }

static const struct ws_config_key http_keys[] = {
	PORT("80", http_port, "HTTP/1.1 server port, 0 = off"),
	{ "max_request", UINT("8192", 256, 1048576),
		FIELD(http_max_request),
		.help = "request line and headers, bytes; more is 431" },
	{ "max_body", UINT("65536", 0, 16777216), FIELD(http_max_body),
		.help = "request body (read and ignored), bytes; more is 413" },
	{ "keepalive_ms", UINT("60000", 0, 3600000), FIELD(http_keepalive_ms),
		.help = "close HTTP connections idle this long, 0 = never" },
	{ "max_connections", UINT("1024", 1, 1048576),
		FIELD(http_max_connections),
		.help = "HTTP connections per worker (at most tcp.max_connections)" },
	KEEPALIVE(http_tcp_keepalive),
	ROUTE(1), ROUTE(2), ROUTE(3), ROUTE(4),
	ROUTE(5), ROUTE(6), ROUTE(7), ROUTE(8),
	ROUTE(9), ROUTE(10), ROUTE(11), ROUTE(12),
	ROUTE(13), ROUTE(14), ROUTE(15), ROUTE(16),
};

static const struct ws_config_key echo_keys[] = {
	PORT("7", echo_port, "echo (RFC 862) port, 0 = off"),
	KEEPALIVE(echo_keepalive),
};

static const struct ws_config_key discard_keys[] = {
	PORT("9", discard_port, "discard (RFC 863) port, 0 = off"),
	KEEPALIVE(discard_keepalive),
};

#undef ROUTE
#undef KEEPALIVE
#undef PORT
#undef UINT
#undef FIELD

static const char *const section_names[] = { "http", "echo", "discard" };

int
ws_services_config_register(struct ws_services_config *sc, char *err,
		size_t err_len)
{
	/* In this order: each port is checked against those above it. */
	const struct ws_config_section sections[] = {
		{ .name = section_names[0], .keys = http_keys,
			.n_keys = RTE_DIM(http_keys) },
		{ .name = section_names[1], .keys = echo_keys,
			.n_keys = RTE_DIM(echo_keys) },
		{ .name = section_names[2], .keys = discard_keys,
			.n_keys = RTE_DIM(discard_keys),
			.check = check_dns_port },
	};
	struct ws_config_section s;
	unsigned int i;
	int ret;

	RTE_BUILD_BUG_ON(RTE_DIM(sections) != RTE_DIM(section_names));
	for (i = 0; i < RTE_DIM(sections); i++) {
		s = sections[i];
		s.data = sc;
		s.size = sizeof(*sc);
		ret = ws_config_register_section(&s, err, err_len);
		if (ret < 0) {
			while (i-- > 0)
				ws_config_unregister_section(section_names[i]);
			return ret;
		}
	}
	return 0;
}

void
ws_services_config_unregister(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(section_names); i++)
		ws_config_unregister_section(section_names[i]);
}
