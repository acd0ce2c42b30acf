/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The configuration loader. Every key is named once, in a section's table
 * (struct ws_config_section) with its kind, default and bounds; defaults,
 * parsing, checking and printing are all driven from the tables, so a key
 * cannot be known to one and missing from another. The library's sections
 * are tables over struct ws_config; an application's registered sections
 * are tables of the same type over its own structs, and go through the
 * same code.
 *
 * Values are stored in an rte_cfgfile first (the file, then the --set
 * overrides on top), and only then converted. The file is read by our own
 * line scanner rather than rte_cfgfile_load(): that one skips a line
 * without '=' in silence, keeps repeated keys, knows only one comment
 * character and cannot say which line is wrong.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>

#include "ws_config.h"
#include "ws_config_priv.h"
#include "ws_dns.h"

/* Where a value came from, in error messages, when not the file. */
#define WS_CFG_SET_ORIGIN "--set"

_Static_assert(WS_CFG_NAME_LEN == CFG_NAME_LEN, "ws_config.h names");
_Static_assert(WS_CFG_VALUE_LEN == CFG_VALUE_LEN, "ws_config.h values");

/* Strings. */

static int
parse_string(const struct ws_config_key *k, const char *text, void *base,
		char *why, size_t why_len)
{
	if (strlen(text) >= k->size) {
		snprintf(why, why_len, "value longer than %zu characters",
			k->size - 1);
		return -EINVAL;
	}
	if ((k->flags & WS_CONFIG_NONEMPTY) && text[0] == '\0') {
		snprintf(why, why_len, "must not be empty");
		return -EINVAL;
	}
	strlcpy(ws_config_field(k, base), text, k->size);
	return 0;
}

static void
format_string(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	strlcpy(buf, ws_config_field_const(k, base), len);
}

/* Unsigned integers of any width. */

/*
 * Decimal digits at *p, advancing *p past them; saturates at UINT64_MAX so
 * an absurdly long number still reports as out of range. False when there
 * is no digit.
 */
static bool
scan_decimal(const char **p, uint64_t *value)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*p = s;
	*value = v;
	return true;
}

static int
parse_decimal(const char *text, uint64_t min, uint64_t max, uint64_t *value,
		char *why, size_t why_len)
{
	const char *end = text;

	if (text[0] == '\0') {
		snprintf(why, why_len, "value is empty");
		return -EINVAL;
	}
	if (!scan_decimal(&end, value) || *end != '\0') {
		snprintf(why, why_len, "'%s' is not a decimal number", text);
		return -EINVAL;
	}
	if (*value < min || *value > max) {
		snprintf(why, why_len, "%s is out of range %" PRIu64 "..%"
			PRIu64, text, min, max);
		return -EINVAL;
	}
	return 0;
}

static int
parse_unsigned(const struct ws_config_key *k, const char *text, void *base,
		char *why, size_t why_len)
{
	void *field = ws_config_field(k, base);
	uint64_t v;

	if (parse_decimal(text, k->min, k->max, &v, why, why_len) < 0)
		return -EINVAL;
	if ((k->flags & WS_CONFIG_POW2) && !rte_is_power_of_2((uint32_t)v)) {
		snprintf(why, why_len, "%s is not a power of two", text);
		return -EINVAL;
	}
	switch (k->size) {
	case sizeof(uint8_t):
		*(uint8_t *)field = (uint8_t)v;
		break;
	case sizeof(uint16_t):
		*(uint16_t *)field = (uint16_t)v;
		break;
	case sizeof(uint32_t):
		*(uint32_t *)field = (uint32_t)v;
		break;
	default:
		*(uint64_t *)field = v;
		break;
	}
	return 0;
}

static void
format_unsigned(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const void *field = ws_config_field_const(k, base);
	uint64_t v;

	switch (k->size) {
	case sizeof(uint8_t):
		v = *(const uint8_t *)field;
		break;
	case sizeof(uint16_t):
		v = *(const uint16_t *)field;
		break;
	case sizeof(uint32_t):
		v = *(const uint32_t *)field;
		break;
	default:
		v = *(const uint64_t *)field;
		break;
	}
	snprintf(buf, len, "%" PRIu64, v);
}

/* Booleans. */

static int
parse_bool(const struct ws_config_key *k, const char *text, void *base,
		char *why, size_t why_len)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	bool *field = ws_config_field(k, base);
	unsigned int i;

	for (i = 0; i < RTE_DIM(yes); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*field = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*field = false;
			return 0;
		}
	}
	snprintf(why, why_len, "'%s' is not yes/no/true/false/on/off/1/0",
		text);
	return -EINVAL;
}

static void
format_bool(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	strlcpy(buf, *(const bool *)ws_config_field_const(k, base) ?
		"yes" : "no", len);
}

/*
 * Enumerations (eal.huge, tcp.syncookies, ...): the key's 'names' table,
 * NULL-terminated, maps each text to the enum value of its index.
 */
static int
parse_enum(const struct ws_config_key *k, const char *text, void *base,
		char *why, size_t why_len)
{
	size_t used;
	unsigned int i;

	RTE_BUILD_BUG_ON(sizeof(enum ws_huge_mode) != sizeof(int));
	for (i = 0; k->names[i] != NULL; i++) {
		if (strcasecmp(text, k->names[i]) == 0) {
			*(int *)ws_config_field(k, base) = (int)i;
			return 0;
		}
	}
	used = (size_t)snprintf(why, why_len, "'%s' is not", text);
	for (i = 0; k->names[i] != NULL && used < why_len; i++)
		used += (size_t)snprintf(why + used, why_len - used, "%s%s",
			i == 0 ? " " : k->names[i + 1] == NULL ? " or " : ", ",
			k->names[i]);
	return -EINVAL;
}

static void
format_enum(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	int v = *(const int *)ws_config_field_const(k, base);
	int i;

	/* Only a value the names cover: data the loader never wrote. */
	for (i = 0; i < v && k->names[i] != NULL; i++)
		;
	strlcpy(buf, v >= 0 && k->names[i] != NULL ? k->names[v] : "", len);
}

/* What each kind but CUSTOM does with text and back. */
static const struct {
	int (*parse)(const struct ws_config_key *k, const char *text,
			void *base, char *why, size_t why_len);
	void (*format)(const struct ws_config_key *k, const void *base,
			char *buf, size_t len);
} kinds[] = {
	[WS_CONFIG_UINT] = { parse_unsigned, format_unsigned },
	[WS_CONFIG_BOOL] = { parse_bool, format_bool },
	[WS_CONFIG_STRING] = { parse_string, format_string },
	[WS_CONFIG_ENUM] = { parse_enum, format_enum },
};

/* One key's text into 'base': its kind's conversion, then its check. */
static int
parse_key(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	int ret;

	if (k->kind == WS_CONFIG_CUSTOM)
		ret = k->parse(k, text, base, cfg, why, why_len);
	else
		ret = kinds[k->kind].parse(k, text, base, why, why_len);
	if (ret == 0 && k->check != NULL)
		ret = k->check(k, text, base, cfg, why, why_len);
	return ret;
}

static void
format_key(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	if (k->kind == WS_CONFIG_CUSTOM)
		k->format(k, base, buf, len);
	else
		kinds[k->kind].format(k, base, buf, len);
}

bool
ws_config_next_word(const char **p, char *word, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	while (s[n] != '\0' && !isspace((unsigned char)s[n]))
		n++;
	if (n == 0 || n >= cap)
		return false;
	memcpy(word, s, n);
	word[n] = '\0';
	s += n;
	while (isspace((unsigned char)*s))
		s++;
	*p = s;
	return true;
}

static const char *const huge_names[] = {
	[WS_HUGE_AUTO] = "auto",
	[WS_HUGE_YES] = "yes",
	[WS_HUGE_NO] = "no",
	NULL,
};

static const char *const syncookies_names[] = {
	[WS_SYNCOOKIES_OFF] = "off",
	[WS_SYNCOOKIES_AUTO] = "auto",
	[WS_SYNCOOKIES_ALWAYS] = "always",
	NULL,
};

/* The names ws_tcp_cc_find knows, in enum ws_tcp_congestion's order. */
static const char *const congestion_names[] = {
	[WS_TCP_CONGESTION_CUBIC] = "cubic",
	[WS_TCP_CONGESTION_NEWRENO] = "newreno",
	NULL,
};

static const char *const bad_cookie_names[] = {
	[WS_BAD_COOKIE_RST] = "rst",
	[WS_BAD_COOKIE_DROP] = "drop",
	NULL,
};

/* Exactly six pairs of hex digits: the one form format_mac writes. */
static bool
mac_from_text(const char *text, struct rte_ether_addr *mac)
{
	const char *p = text;
	unsigned int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++, p += 3) {
		char pair[3] = { p[0], p[0] ? p[1] : '\0', '\0' };

		if (!isxdigit((unsigned char)pair[0]) ||
				!isxdigit((unsigned char)pair[1]) ||
				p[2] != (i + 1 < RTE_ETHER_ADDR_LEN ? ':' : '\0'))
			return false;
		mac->addr_bytes[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	return true;
}

/* A station's address: neither a group address nor all zeros. */
static int
check_unicast_mac(const char *text, const struct rte_ether_addr *mac,
		char *why, size_t why_len)
{
	if (rte_is_multicast_ether_addr(mac)) {
		snprintf(why, why_len, "%s is a multicast address", text);
		return -EINVAL;
	}
	if (rte_is_zero_ether_addr(mac)) {
		snprintf(why, why_len, "%s is all zeros", text);
		return -EINVAL;
	}
	return 0;
}

/* port.mac: the key's field is the whole [port], for mac_set. */

static int
parse_mac(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_port_config *port = ws_config_field(k, base);
	struct rte_ether_addr mac;

	if (strcasecmp(text, "auto") == 0) {
		port->mac_set = false;
		memset(&port->mac, 0, sizeof(port->mac));
		return 0;
	}
	if (!mac_from_text(text, &mac)) {
		snprintf(why, why_len, "'%s' is not auto or a MAC "
			"address aa:bb:cc:dd:ee:ff", text);
		return -EINVAL;
	}
	if (check_unicast_mac(text, &mac, why, why_len) < 0)
		return -EINVAL;
	port->mac = mac;
	port->mac_set = true;
	return 0;
}

static void
format_mac(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_port_config *port = ws_config_field_const(k, base);
	const uint8_t *b = port->mac.addr_bytes;

	if (!port->mac_set) {
		strlcpy(buf, "auto", len);
		return;
	}
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		b[0], b[1], b[2], b[3], b[4], b[5]);
}

/* ip.addr and ip.gateway: their field is the whole [ip]. */

static uint32_t
prefix_mask(unsigned int prefix_len)
{
	return prefix_len == 0 ? 0 : ~0u << (32 - prefix_len);
}

/* The subnet's network address as text, for messages. */
static void
format_subnet(const struct ws_ip_config *ip, char *buf, size_t len)
{
	struct in_addr net;
	char addr[INET_ADDRSTRLEN];

	net.s_addr = ip->addr & htonl(prefix_mask(ip->prefix_len));
	inet_ntop(AF_INET, &net, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, ip->prefix_len);
}

/* A host address must be neither the subnet's network nor broadcast. */
static int
check_host_part(const char *text, uint32_t addr,
		const struct ws_ip_config *ip, char *why, size_t why_len)
{
	uint32_t host_mask = ~prefix_mask(ip->prefix_len);
	uint32_t host = ntohl(addr) & host_mask;
	char subnet[INET_ADDRSTRLEN + 4];

	if (host != 0 && host != host_mask)
		return 0;
	format_subnet(ip, subnet, sizeof(subnet));
	snprintf(why, why_len, "%s is the %s address of %s", text,
		host == 0 ? "network" : "broadcast", subnet);
	return -EINVAL;
}

/* Why 'addr' (host order) can be no host's address, or NULL. */
static const char *
special_address(uint32_t a)
{
	if ((a >> 24) == 0)
		return "is in 0/8 (this network)";
	if ((a >> 24) == 127)
		return "is loopback (127/8)";
	if ((a >> 28) == 0xe)
		return "is multicast (224/4)";
	if ((a >> 28) == 0xf)
		return "is reserved (240/4)";
	return NULL;
}

static int
parse_ip_addr(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_ip_config *ip = ws_config_field(k, base);
	char addr_text[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	struct in_addr in;
	uint64_t prefix;
	const char *reason;

	if (slash == NULL || (size_t)(slash - text) >= sizeof(addr_text)) {
		snprintf(why, why_len, "'%s' is not A.B.C.D/PREFIX", text);
		return -EINVAL;
	}
	memcpy(addr_text, text, slash - text);
	addr_text[slash - text] = '\0';
	if (inet_pton(AF_INET, addr_text, &in) != 1) {
		snprintf(why, why_len, "'%s' is not A.B.C.D/PREFIX", text);
		return -EINVAL;
	}
	if (parse_decimal(slash + 1, 1, 30, &prefix, why, why_len) < 0) {
		snprintf(why, why_len, "prefix length '%s' is not 1..30",
			slash + 1);
		return -EINVAL;
	}
	reason = special_address(ntohl(in.s_addr));
	if (reason != NULL) {
		snprintf(why, why_len, "%s %s", addr_text, reason);
		return -EINVAL;
	}
	ip->addr = in.s_addr;
	ip->prefix_len = (uint8_t)prefix;
	return check_host_part(addr_text, in.s_addr, ip, why, why_len);
}

static void
format_ip_addr(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_ip_config *ip = ws_config_field_const(k, base);
	struct in_addr in = { .s_addr = ip->addr };
	char addr[INET_ADDRSTRLEN];

	/* Unset (only defaults): empty, which loads back as "required". */
	if (ip->prefix_len == 0) {
		strlcpy(buf, "", len);
		return;
	}
	inet_ntop(AF_INET, &in, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, ip->prefix_len);
}

/* Parsed after ip.addr (table order), so it is checked against it. */
static int
parse_gateway(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_ip_config *ip = ws_config_field(k, base);
	uint32_t mask = htonl(prefix_mask(ip->prefix_len));
	struct in_addr in;
	char subnet[INET_ADDRSTRLEN + 4];

	if (text[0] == '\0') {
		ip->gateway = 0;
		return 0;
	}
	if (inet_pton(AF_INET, text, &in) != 1) {
		snprintf(why, why_len, "'%s' is not an IPv4 address A.B.C.D",
			text);
		return -EINVAL;
	}
	if ((in.s_addr & mask) != (ip->addr & mask)) {
		format_subnet(ip, subnet, sizeof(subnet));
		snprintf(why, why_len, "%s is outside %s", text, subnet);
		return -EINVAL;
	}
	if (in.s_addr == ip->addr) {
		snprintf(why, why_len, "%s is ip.addr itself", text);
		return -EINVAL;
	}
	if (check_host_part(text, in.s_addr, ip, why, why_len) < 0)
		return -EINVAL;
	ip->gateway = in.s_addr;
	return 0;
}

static void
format_gateway(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_ip_config *ip = ws_config_field_const(k, base);
	struct in_addr in = { .s_addr = ip->gateway };

	if (ip->gateway == 0)
		strlcpy(buf, "", len);
	else
		inet_ntop(AF_INET, &in, buf, len);
}

/*
 * ip.addr_count, checked after ip.addr and ip.gateway: the addresses from
 * ip.addr on must all be hosts of the subnet, and the gateway none of
 * them.
 */
static int
check_addr_count(const struct ws_config_key *k, const char *text,
		void *base, const struct ws_config *cfg, char *why,
		size_t why_len)
{
	const struct ws_ip_config *ip = &cfg->ip;
	uint32_t host_mask = ~prefix_mask(ip->prefix_len);
	uint32_t first = ntohl(ip->addr), last, gw;
	char subnet[INET_ADDRSTRLEN + 4];

	if (ip->prefix_len == 0)
		return 0;	/* no ip.addr: that is reported on its own */
	last = first + ip->addr_count - 1;
	if (ip->addr_count - 1 >= host_mask - (first & host_mask)) {
		format_subnet(ip, subnet, sizeof(subnet));
		snprintf(why, why_len, "%s addresses from ip.addr do not fit "
			"in %s before its broadcast address", text, subnet);
		return -EINVAL;
	}
	gw = ntohl(ip->gateway);
	if (ip->gateway != 0 && gw >= first && gw <= last) {
		snprintf(why, why_len, "ip.gateway is one of the %s addresses "
			"from ip.addr", text);
		return -EINVAL;
	}
	return 0;
}

/* workers.lcores: "1", "1,3", "1-3,5"; parsed after eal.main_lcore. */

static int
add_worker_lcore(struct ws_workers_config *w, uint64_t lcore,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	unsigned int i;

	if (lcore >= RTE_MAX_LCORE) {
		snprintf(why, why_len, "lcore %" PRIu64 " is out of range "
			"0..%u", lcore, RTE_MAX_LCORE - 1);
		return -EINVAL;
	}
	if (lcore == cfg->eal.main_lcore) {
		snprintf(why, why_len, "lcore %" PRIu64 " is eal.main_lcore",
			lcore);
		return -EINVAL;
	}
	for (i = 0; i < w->count; i++) {
		if (w->lcores[i] == lcore) {
			snprintf(why, why_len, "lcore %" PRIu64 " is listed "
				"twice", lcore);
			return -EINVAL;
		}
	}
	if (w->count == WS_MAX_WORKERS) {
		snprintf(why, why_len, "more than %u lcores", WS_MAX_WORKERS);
		return -EINVAL;
	}
	w->lcores[w->count++] = (unsigned int)lcore;
	return 0;
}

/*
 * "1", "1,3", "1-3,5": calls add() for each number in order, stopping at
 * the first it refuses (so a huge range is cheap).
 */
static int
scan_number_list(const char *text, const char *what,
		int (*add)(void *ctx, uint64_t v, char *why, size_t why_len),
		void *ctx, char *why, size_t why_len)
{
	const char *p = text;
	uint64_t first, last, v;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!scan_decimal(&p, &first))
			goto syntax;
		last = first;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '-') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (!scan_decimal(&p, &last))
				goto syntax;
			if (last < first) {
				snprintf(why, why_len, "range %" PRIu64 "-%"
					PRIu64 " runs backwards", first, last);
				return -EINVAL;
			}
			while (isspace((unsigned char)*p))
				p++;
		}
		for (v = first; v <= last; v++)
			if (add(ctx, v, why, why_len) < 0)
				return -EINVAL;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto syntax;
	}

syntax:
	snprintf(why, why_len, "'%s' is not a list of %s like 1,3-5", text,
		what);
	return -EINVAL;
}

struct lcore_list {
	struct ws_workers_config w;
	const struct ws_config *cfg;
};

static int
add_lcore(void *ctx, uint64_t v, char *why, size_t why_len)
{
	struct lcore_list *l = ctx;

	return add_worker_lcore(&l->w, v, l->cfg, why, why_len);
}

static int
parse_lcores(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_workers_config *w = ws_config_field(k, base);
	struct lcore_list l;
	int ret;

	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	ret = scan_number_list(text, "lcores", add_lcore, &l, why, why_len);
	if (ret < 0)
		return ret;
	w->count = l.w.count;
	memcpy(w->lcores, l.w.lcores, sizeof(l.w.lcores));
	return 0;
}

/* "1,3,5": the list as the parser reads it back. */
static void
format_number_list(const unsigned int *v, unsigned int n, char *buf,
		size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%u",
			i == 0 ? "" : ",", v[i]);
}

static void
format_lcores(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_workers_config *w = ws_config_field_const(k, base);

	format_number_list(w->lcores, w->count, buf, len);
}

/* workers.cpus: parsed after workers.lcores, one CPU per worker. */
static int
add_cpu(void *ctx, uint64_t v, char *why, size_t why_len)
{
	struct ws_workers_config *w = ctx;

	if (v >= RTE_MAX_LCORE) {
		snprintf(why, why_len, "CPU %" PRIu64 " is out of range 0..%u",
			v, RTE_MAX_LCORE - 1);
		return -EINVAL;
	}
	if (w->n_cpus == w->count) {
		snprintf(why, why_len, "more CPUs than the %u worker lcores",
			w->count);
		return -EINVAL;
	}
	w->cpus[w->n_cpus++] = (unsigned int)v;
	return 0;
}

static int
parse_cpus(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_workers_config *w = ws_config_field(k, base);
	int ret;

	w->n_cpus = 0;
	if (text[0] == '\0')
		return 0;
	ret = scan_number_list(text, "CPUs", add_cpu, w, why, why_len);
	if (ret == 0 && w->n_cpus != w->count) {
		snprintf(why, why_len, "%u CPUs for %u worker lcores: give "
			"one per lcore", w->n_cpus, w->count);
		ret = -EINVAL;
	}
	if (ret < 0)
		w->n_cpus = 0;
	return ret;
}

static void
format_cpus(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_workers_config *w = ws_config_field_const(k, base);

	format_number_list(w->cpus, w->n_cpus, buf, len);
}

void
ws_config_mbufs(const struct ws_config *cfg, struct ws_mbuf_plan *p)
{
	const struct ws_port_config *pc = &cfg->port;
	uint32_t tx_min;

	p->rx_floor = pc->tx_desc + WS_MBUF_CACHE_HOLD + WS_MBUF_BURSTS;
	p->rx_min = pc->rx_desc + p->rx_floor + WS_MBUF_BURSTS;
	/* Room for rx_desc mbufs of received data on top. */
	p->rx_pool = pc->rx_mbufs != 0 ? pc->rx_mbufs :
		rte_align32pow2(p->rx_min + pc->rx_desc + 1) - 1;
	tx_min = pc->tx_desc + WS_MBUF_CACHE_HOLD + WS_MBUF_BURSTS +
		WS_MBUF_TX_RESERVE + WS_MBUF_SB_FLOOR;
	p->tx_min = tx_min;
	if (cfg->tcp.sndbuf_worker_mbufs != 0)
		p->sndbuf_budget = cfg->tcp.sndbuf_worker_mbufs;
	else
		p->sndbuf_budget = pc->mbufs > tx_min ? pc->mbufs - tx_min : 0;
}

/*
 * port.mbufs: what the transmit descriptors, a cache and the control
 * segments may take must leave room for send buffers. A smaller pool
 * started, and stopped answering as soon as the descriptors held it.
 */
static int
check_mbufs(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_mbuf_plan p;

	RTE_SET_USED(k);
	RTE_SET_USED(base);
	ws_config_mbufs(cfg, &p);
	if (cfg->port.mbufs <= p.tx_min) {
		snprintf(why, why_len, "%s is too small: at least %" PRIu32
			" needed (port.tx_desc %u + cache %u + bursts %u + "
			"reserve %u, plus send buffers)", text, p.tx_min + 1,
			cfg->port.tx_desc, WS_MBUF_CACHE_HOLD, WS_MBUF_BURSTS,
			WS_MBUF_TX_RESERVE + WS_MBUF_SB_FLOOR);
		return -EINVAL;
	}
	return 0;
}

/* port.rx_mbufs: the receive descriptors must never take the whole pool. */
static int
check_rx_mbufs(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_mbuf_plan p;

	RTE_SET_USED(k);
	RTE_SET_USED(base);
	ws_config_mbufs(cfg, &p);
	if (cfg->port.rx_mbufs != 0 && cfg->port.rx_mbufs < p.rx_min) {
		snprintf(why, why_len, "%s is too small: at least %" PRIu32
			" needed (port.rx_desc %u + port.tx_desc %u + cache %u"
			" + bursts %u + reserve %u), or 0 for auto", text,
			p.rx_min, cfg->port.rx_desc, cfg->port.tx_desc,
			WS_MBUF_CACHE_HOLD, WS_MBUF_BURSTS, WS_MBUF_BURSTS);
		return -EINVAL;
	}
	return 0;
}

/* tcp.sndbuf_worker_mbufs: within what port.mbufs leaves for it. */
static int
check_sndbuf_worker_mbufs(const struct ws_config_key *k, const char *text,
		void *base, const struct ws_config *cfg, char *why,
		size_t why_len)
{
	struct ws_mbuf_plan p;

	RTE_SET_USED(k);
	RTE_SET_USED(base);
	ws_config_mbufs(cfg, &p);
	if (cfg->port.mbufs - p.tx_min < p.sndbuf_budget) {
		snprintf(why, why_len, "%s is over what port.mbufs (%" PRIu32
			") leaves for send buffers: at most %" PRIu32 ", or 0 "
			"for auto", text, cfg->port.mbufs,
			cfg->port.mbufs - p.tx_min);
		return -EINVAL;
	}
	return 0;
}

/*
 * The most a buffer may grow to: what the largest window scale (14)
 * can advertise (RFC 7323 2.3), 65535 << 14 bytes, a little under 1 GiB.
 */
#define WS_TCP_BUF_MAX	1073725440u

/*
 * tcp.rcvbuf_max and tcp.sndbuf_max: parsed after rcvbuf and sndbuf, and
 * never below them (the ceiling a buffer grows toward).
 */
static int
check_buf_max(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	bool rcv = strcmp(k->name, "rcvbuf_max") == 0;
	uint32_t max = rcv ? cfg->tcp.rcvbuf_max : cfg->tcp.sndbuf_max;
	uint32_t start = rcv ? cfg->tcp.rcvbuf : cfg->tcp.sndbuf;
	const char *what = rcv ? "rcvbuf" : "sndbuf";

	RTE_SET_USED(base);
	if (max < start) {
		snprintf(why, why_len, "%s is below %s (%" PRIu32 "): "
			"raise %s_max too", text, what, start, what);
		return -EINVAL;
	}
	return 0;
}

/* tcp.rto_max_ms: parsed after rto_min_ms, and never below it. */
static int
check_rto_max(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	if (cfg->tcp.rto_max_ms < cfg->tcp.rto_min_ms) {
		snprintf(why, why_len, "%s is below rto_min_ms (%" PRIu32 ")",
			text, cfg->tcp.rto_min_ms);
		return -EINVAL;
	}
	return 0;
}

/*
 * arp.static: up to WS_ARP_STATIC_MAX ADDR=MAC pairs, space separated, each
 * ADDR a host of our subnet (ip.addr, parsed above it) other than our own
 * addresses. The worker's ARP cache holds them as PERMANENT entries: never
 * asked for, aged or replaced by what ARP says, so that traffic to them
 * goes out at once, e.g. into a sink port that answers nothing.
 */
static int
parse_arp_static(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_arp_config *a = ws_config_field(k, base);
	struct ws_arp_static st[WS_ARP_STATIC_MAX];
	const struct ws_ip_config *ip = &cfg->ip;
	uint32_t mask = htonl(prefix_mask(ip->prefix_len));
	char word[INET_ADDRSTRLEN + 1 + 18], subnet[INET_ADDRSTRLEN + 4];
	const char *p = text, *reason;
	struct rte_ether_addr mac;
	struct in_addr in;
	unsigned int n = 0, i;
	uint32_t first;
	char *eq;

	/* Padding too: configs compare equal with memcmp. */
	memset(st, 0, sizeof(st));
	while (isspace((unsigned char)*p))
		p++;
	while (*p != '\0') {
		if (!ws_config_next_word(&p, word, sizeof(word)) ||
				(eq = strchr(word, '=')) == NULL) {
			snprintf(why, why_len, "'%s' is not a list of "
				"A.B.C.D=aa:bb:cc:dd:ee:ff separated by spaces",
				text);
			return -EINVAL;
		}
		*eq = '\0';
		if (inet_pton(AF_INET, word, &in) != 1) {
			snprintf(why, why_len, "'%s' is not an IPv4 address "
				"A.B.C.D", word);
			return -EINVAL;
		}
		if (!mac_from_text(eq + 1, &mac)) {
			snprintf(why, why_len, "'%s' is not a MAC address "
				"aa:bb:cc:dd:ee:ff", eq + 1);
			return -EINVAL;
		}
		if (check_unicast_mac(eq + 1, &mac, why, why_len) < 0)
			return -EINVAL;
		if (n == WS_ARP_STATIC_MAX) {
			snprintf(why, why_len, "more than %u entries",
				WS_ARP_STATIC_MAX);
			return -EINVAL;
		}
		reason = special_address(ntohl(in.s_addr));
		first = ntohl(ip->addr);
		if (reason == NULL && ntohl(in.s_addr) - first < ip->addr_count)
			reason = "is one of our addresses";
		if (reason != NULL) {
			snprintf(why, why_len, "%s %s", word, reason);
			return -EINVAL;
		}
		if ((in.s_addr & mask) != (ip->addr & mask)) {
			format_subnet(ip, subnet, sizeof(subnet));
			snprintf(why, why_len, "%s is outside %s", word, subnet);
			return -EINVAL;
		}
		if (check_host_part(word, in.s_addr, ip, why, why_len) < 0)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (st[i].addr == in.s_addr) {
				snprintf(why, why_len, "%s is listed twice",
					word);
				return -EINVAL;
			}
		}
		st[n].addr = in.s_addr;
		st[n++].mac = mac;
	}
	/* Unused slots zeroed, so that configs compare equal with memcmp. */
	memset(a->statics, 0, sizeof(a->statics));
	memcpy(a->statics, st, n * sizeof(st[0]));
	a->n_static = n;
	return 0;
}

static void
format_arp_static(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_arp_config *a = ws_config_field_const(k, base);
	char addr[INET_ADDRSTRLEN];
	struct in_addr in;
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < a->n_static && used < len; i++) {
		const uint8_t *b = a->statics[i].mac.addr_bytes;

		in.s_addr = a->statics[i].addr;
		inet_ntop(AF_INET, &in, addr, sizeof(addr));
		used += snprintf(buf + used, len - used,
			"%s%s=%02x:%02x:%02x:%02x:%02x:%02x", i == 0 ? "" : " ",
			addr, b[0], b[1], b[2], b[3], b[4], b[5]);
	}
}

/*
 * resolver.servers: up to WS_RESOLVER_MAX_SERVERS IPv4 addresses, space
 * separated, that this host can reach: on the subnet, or through
 * ip.gateway (parsed above it).
 */
static int
check_server(const char *text, uint32_t addr, const struct ws_ip_config *ip,
		char *why, size_t why_len)
{
	uint32_t mask = htonl(prefix_mask(ip->prefix_len));
	char subnet[INET_ADDRSTRLEN + 4];
	const char *reason;

	reason = special_address(ntohl(addr));
	if (reason == NULL && addr == ip->addr)
		reason = "is ip.addr itself";
	if (reason != NULL) {
		snprintf(why, why_len, "%s %s", text, reason);
		return -EINVAL;
	}
	if ((addr & mask) == (ip->addr & mask))
		return check_host_part(text, addr, ip, why, why_len);
	if (ip->gateway == 0) {
		format_subnet(ip, subnet, sizeof(subnet));
		snprintf(why, why_len, "%s is outside %s and ip.gateway is "
			"empty", text, subnet);
		return -EINVAL;
	}
	return 0;
}

static int
parse_servers(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	struct ws_resolver_config *r = ws_config_field(k, base);
	uint32_t servers[WS_RESOLVER_MAX_SERVERS];
	char word[INET_ADDRSTRLEN];
	const char *p = text;
	struct in_addr in;
	unsigned int n = 0, i;

	while (isspace((unsigned char)*p))
		p++;
	while (*p != '\0') {
		if (!ws_config_next_word(&p, word, sizeof(word)) ||
				inet_pton(AF_INET, word, &in) != 1) {
			snprintf(why, why_len, "'%s' is not a list of IPv4 "
				"addresses A.B.C.D separated by spaces", text);
			return -EINVAL;
		}
		if (n == WS_RESOLVER_MAX_SERVERS) {
			snprintf(why, why_len, "more than %u servers",
				WS_RESOLVER_MAX_SERVERS);
			return -EINVAL;
		}
		if (check_server(word, in.s_addr, &cfg->ip, why, why_len) < 0)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (servers[i] == in.s_addr) {
				snprintf(why, why_len, "%s is listed twice",
					word);
				return -EINVAL;
			}
		}
		servers[n++] = in.s_addr;
	}
	/* Unused slots zeroed, so that configs compare equal with memcmp. */
	memset(r->servers, 0, sizeof(r->servers));
	memcpy(r->servers, servers, n * sizeof(servers[0]));
	r->n_servers = n;
	return 0;
}

static void
format_servers(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const struct ws_resolver_config *r = ws_config_field_const(k, base);
	char addr[INET_ADDRSTRLEN];
	struct in_addr in;
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < r->n_servers && used < len; i++) {
		in.s_addr = r->servers[i];
		inet_ntop(AF_INET, &in, addr, sizeof(addr));
		used += snprintf(buf + used, len - used, "%s%s",
			i == 0 ? "" : " ", addr);
	}
}

/*
 * [dns] zone, mname and rname: domain names, stored as written; mname and
 * rname are relative to the zone (parsed above them) unless they end in a
 * dot.
 */
static int
check_dns_name(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	bool is_zone = k->offset == offsetof(struct ws_config, dns.zone);

	return ws_dns_config_name(text, is_zone ? NULL : cfg->dns.zone, why,
		why_len);
}

/*
 * dns.recordN = NAME [TTL] TYPE VALUE: numbered keys, as a name is not
 * one, parsed after zone and ttl, which they depend on. ws_dns.c has the
 * syntax.
 */
static int
parse_dns_record(const struct ws_config_key *k, const char *text,
		void *base, const struct ws_config *cfg, char *why,
		size_t why_len)
{
	unsigned int idx = (unsigned int)((k->offset -
		offsetof(struct ws_config, dns.records)) /
		sizeof(struct ws_dns_record));

	return ws_dns_config_record(&((struct ws_config *)base)->dns, idx,
		text, why, why_len);
}

static void
format_dns_record(const struct ws_config_key *k, const void *base,
		char *buf, size_t len)
{
	const struct ws_dns_record *r = ws_config_field_const(k, base);

	strlcpy(buf, r->text, len);
}
/* The library's schema. */

#define FIELD(member) WS_CONFIG_FIELD(struct ws_config, member)
#define UINT(def_text, lo, hi) \
	.kind = WS_CONFIG_UINT, .def = (def_text), .min = (lo), .max = (hi)
#define CUSTOM(parse_fn, format_fn) .parse = (parse_fn), .format = (format_fn)
#define DNS_RECORD(n) \
	{ "record" #n, WS_CONFIG_CUSTOM, "", FIELD(dns.records[(n) - 1]), \
		CUSTOM(parse_dns_record, format_dns_record), \
		.help = "NAME [TTL] TYPE VALUE; TYPE is A, AAAA, CNAME, NS or TXT" }

/*
 * Order matters: keys are parsed section by section, top to bottom, so a
 * key may be checked against one above it (gateway against addr, lcores
 * against main_lcore).
 */
static const struct ws_config_key eal_keys[] = {
	{ "file_prefix", WS_CONFIG_STRING, "woshou",
		FIELD(eal.file_prefix), .flags = WS_CONFIG_NONEMPTY,
		.help = "DPDK runtime directory name, one per running instance" },
	{ "vdev", WS_CONFIG_STRING, "", FIELD(eal.vdev),
		.help = "one virtual device (--vdev), e.g. net_tap0,iface=wsh0" },
	{ "allow", WS_CONFIG_STRING, "", FIELD(eal.allow),
		.help = "PCI addresses to use (-a each), space separated; "
			"empty = --no-pci" },
	{ "main_lcore", UINT("0", 0, RTE_MAX_LCORE - 1),
		FIELD(eal.main_lcore),
		.help = "lcore of the control thread" },
	{ "huge", WS_CONFIG_ENUM, "auto", FIELD(eal.huge),
		.names = huge_names,
		.help = "hugepages: auto (if any are free), yes, no" },
	{ "memory_mb", UINT("256", 0, 1048576), FIELD(eal.memory_mb),
		.help = "EAL memory (-m) in MiB, 0 = EAL default" },
	{ "log_level", WS_CONFIG_STRING, "", FIELD(eal.log_level),
		.help = "passed as --log-level=VALUE, e.g. *:info" },
	{ "extra", WS_CONFIG_STRING, "", FIELD(eal.extra),
		.help = "raw EAL arguments, split on whitespace" },
};

static const struct ws_config_key port_keys[] = {
	{ "device", WS_CONFIG_STRING, "", FIELD(port.device),
		.help = "ethdev name or PCI address, empty = first port" },
	{ "rx_desc", UINT("1024", 64, 16384), FIELD(port.rx_desc),
		.help = "receive descriptors per queue" },
	{ "tx_desc", UINT("1024", 64, 16384), FIELD(port.tx_desc),
		.help = "transmit descriptors per queue" },
	{ "mtu", UINT("1500", 68, 9000), FIELD(port.mtu),
		.help = "largest IP datagram sent in one frame" },
	{ "mac", WS_CONFIG_CUSTOM, "auto", FIELD(port),
		CUSTOM(parse_mac, format_mac),
		.help = "auto (the port's own) or aa:bb:cc:dd:ee:ff" },
	{ "promiscuous", WS_CONFIG_BOOL, "no", FIELD(port.promiscuous),
		.help = "receive frames for every MAC address" },
	{ "mbufs", UINT("8191", 1023, 1048575), FIELD(port.mbufs),
		.check = check_mbufs,
		.help = "packet buffers per worker for what the stack sends: "
		"send buffers, segments, replies" },
	{ "rx_mbufs", UINT("0", 0, 1048575), FIELD(port.rx_mbufs),
		.check = check_rx_mbufs,
		.help = "receive pool per worker, the only one the port refills "
		"from; 0 = auto (2 rx_desc + tx_desc + 512, to 2^n - 1)" },
	{ "rss", WS_CONFIG_BOOL, "yes", FIELD(port.rss),
		.help = "steer flows to workers with the port's RSS when it "
		"has it; no = in software only" },
};

static const struct ws_config_key ip_keys[] = {
	{ "addr", WS_CONFIG_CUSTOM, NULL, FIELD(ip),
		CUSTOM(parse_ip_addr, format_ip_addr),
		.help = "our address and prefix length, A.B.C.D/P (required)" },
	{ "gateway", WS_CONFIG_CUSTOM, "", FIELD(ip),
		CUSTOM(parse_gateway, format_gateway),
		.help = "next hop for other subnets, empty = none" },
	{ "addr_count", UINT("1", 1, 65536), FIELD(ip.addr_count),
		.check = check_addr_count,
		.help = "addresses we own: ip.addr and the ones after it "
		"(TCP and ping; a generator's sources)" },
	{ "ttl", UINT("64", 1, 255), FIELD(ip.ttl),
		.help = "time to live of datagrams we send" },
	{ "frag_entries", UINT("1024", 1, 65536),
		FIELD(ip.frag_entries),
		.help = "datagrams being reassembled at once, per worker" },
	{ "frag_timeout_ms", UINT("30000", 100, 120000),
		FIELD(ip.frag_timeout_ms),
		.help = "give up on an incomplete datagram after this" },
	{ "pmtu_min", UINT("552", 68, 9216), FIELD(ip.pmtu_min),
		.help = "lowest path MTU an ICMP fragmentation-needed may "
		"set; below it, TCP uses it and clears DF (Linux min_pmtu)" },
};

static const struct ws_config_key arp_keys[] = {
	{ "cache_entries", UINT("256", 16, 65536),
		FIELD(arp.cache_entries), .flags = WS_CONFIG_POW2,
		.help = "neighbour cache size per worker (power of two)" },
	{ "reachable_ms", UINT("30000", 1000, 3600000),
		FIELD(arp.reachable_ms),
		.help = "an entry is trusted this long" },
	{ "stale_ms", UINT("60000", 1000, 3600000),
		FIELD(arp.stale_ms),
		.help = "then refreshed, and removed after this" },
	{ "queue_len", UINT("4", 1, 16), FIELD(arp.queue_len),
		.help = "packets held per host while its MAC is resolved" },
	{ "resolve_timeout_ms", UINT("3000", 100, 60000),
		FIELD(arp.resolve_timeout_ms),
		.help = "held packets are dropped after this" },
	{ "retry_ms", UINT("1000", 100, 60000), FIELD(arp.retry_ms),
		.help = "at most one request per host per this" },
	{ "gratuitous", WS_CONFIG_BOOL, "yes", FIELD(arp.gratuitous),
		.help = "announce our address at start" },
	{ "static", WS_CONFIG_CUSTOM, "", FIELD(arp),
		CUSTOM(parse_arp_static, format_arp_static),
		.help = "neighbours with a fixed MAC, up to 4 "
			"A.B.C.D=aa:bb:cc:dd:ee:ff separated by spaces; never "
			"resolved, aged or replaced" },
};

static const struct ws_config_key icmp_keys[] = {
	{ "echo", WS_CONFIG_BOOL, "yes", FIELD(icmp.echo),
		.help = "answer ping" },
	{ "unreach_rate", UINT("100", 0, 1000000),
		FIELD(icmp.unreach_rate),
		.help = "destination unreachables per second per worker, 0 = never" },
	{ "unreach_burst", UINT("50", 1, 1000000),
		FIELD(icmp.unreach_burst),
		.help = "how many of those may go out back to back" },
};

static const struct ws_config_key workers_keys[] = {
	{ "lcores", WS_CONFIG_CUSTOM, "1", FIELD(workers),
		CUSTOM(parse_lcores, format_lcores),
		.help = "worker lcores, e.g. 1 or 1,3 or 1-3,5" },
	{ "cpus", WS_CONFIG_CUSTOM, "", FIELD(workers),
		CUSTOM(parse_cpus, format_cpus),
		.help = "the CPU each worker lcore runs on, in order, e.g. "
		"1,1; empty = CPU N for lcore N" },
	{ "handoff_ring", UINT("4096", 64, 65536),
		FIELD(workers.handoff_ring), .flags = WS_CONFIG_POW2,
		.help = "packets waiting for a worker from the others "
		"(power of two)" },
	{ "idle_sleep_us", UINT("0", 0, 100000),
		FIELD(workers.idle_sleep_us),
		.help = "after 100 polls in a row found nothing, sleep this "
		"long between polls: for workers sharing CPUs with other "
		"work; 0 = always spin" },
	{ "tx_hold_us", UINT("0", 0, 1000),
		FIELD(workers.tx_hold_us),
		.help = "hold outgoing frames in the worker until 32 are "
		"queued or the oldest has waited this long (us), so that one "
		"transmit call (a system call on net_af_xdp) carries many; "
		"0 = send at the end of every poll" },
	{ "rx_wait_us", UINT("0", 0, 1000),
		FIELD(workers.rx_wait_us),
		.help = "after a poll that received less than a burst of 32, "
		"start the next one this long (us) after it, so that it finds "
		"more and one transmit call carries its replies; 0 = poll "
		"again at once" },
};

static const struct ws_config_key control_keys[] = {
	{ "interval_ms", UINT("1000", 10, 60000),
		FIELD(control.interval_ms),
		.help = "counter aggregation period" },
	{ "telemetry", WS_CONFIG_BOOL, "yes",
		FIELD(control.telemetry),
		.help = "answer /woshou/... commands on the DPDK telemetry socket" },
	{ "conn_list_max", UINT("65536", 0, 16777216),
		FIELD(control.conn_list_max),
		.help = "connections /woshou/conn/list can show (0 = none)" },
	{ "print_stats", WS_CONFIG_BOOL, "no",
		FIELD(control.print_stats),
		.help = "print one line of counters per period" },
	{ "drain_ms", UINT("5000", 0, 3600000),
		FIELD(control.drain_ms),
		.help = "on SIGTERM or SIGINT, let responses finish and close "
		"with FIN for this long, then reset what is left (0 = reset "
		"at once); stops as soon as nothing is left" },
};

static const struct ws_config_key tcp_keys[] = {
	{ "max_connections", UINT("16384", 16, 1048576),
		FIELD(tcp.max_connections),
		.help = "connections (TCBs) per worker" },
	{ "rcvbuf", UINT("262144", 4096, 16777216), FIELD(tcp.rcvbuf),
		.help = "receive buffer (window) a connection starts with, "
		"bytes" },
	{ "rcvbuf_max", UINT("6291456", 4096, WS_TCP_BUF_MAX),
		FIELD(tcp.rcvbuf_max), .check = check_buf_max,
		.help = "autotuning grows a receive buffer up to this, as the "
		"application reads, >= rcvbuf (= rcvbuf: no autotuning); "
		"our window scale is chosen for it" },
	{ "sndbuf", UINT("262144", 4096, 16777216), FIELD(tcp.sndbuf),
		.help = "send buffer a connection starts with, bytes" },
	{ "sndbuf_max", UINT("4194304", 4096, WS_TCP_BUF_MAX),
		FIELD(tcp.sndbuf_max), .check = check_buf_max,
		.help = "autotuning grows a send buffer up to this, with the "
		"congestion window, >= sndbuf (= sndbuf: no autotuning)" },
	{ "sndbuf_worker_mbufs", UINT("0", 0, 1048575),
		FIELD(tcp.sndbuf_worker_mbufs),
		.check = check_sndbuf_worker_mbufs,
		.help = "mbufs all send buffers of a worker may hold; 0 = auto "
		"(port.mbufs - tx_desc - 1216)" },
	{ "msl_ms", UINT("30000", 100, 600000), FIELD(tcp.msl_ms),
		.help = "maximum segment lifetime; TIME_WAIT lasts twice this" },
	{ "rto_initial_ms", UINT("1000", 100, 60000),
		FIELD(tcp.rto_initial_ms),
		.help = "retransmission timeout before an RTT sample (RFC 6298: 1 s)" },
	{ "rto_min_ms", UINT("200", 10, 60000), FIELD(tcp.rto_min_ms),
		.help = "lower bound of the retransmission timeout" },
	{ "rto_max_ms", UINT("60000", 1000, 600000),
		FIELD(tcp.rto_max_ms), .check = check_rto_max,
		.help = "upper bound of the retransmission timeout, >= rto_min_ms" },
	{ "delack_ms", UINT("40", 1, 499), FIELD(tcp.delack_ms),
		.help = "delayed ACK timer, under 500 ms (RFC 9293 MUST-40)" },
	{ "syn_retries", UINT("6", 1, 255), FIELD(tcp.syn_retries),
		.help = "SYN retransmissions of an active open" },
	{ "synack_retries", UINT("5", 1, 255),
		FIELD(tcp.synack_retries),
		.help = "SYN-ACK retransmissions of a half-open connection" },
	{ "r1", UINT("3", 1, 255), FIELD(tcp.r1),
		.help = "retransmissions before the path is suspect (R1)" },
	{ "r2_ms", UINT("100000", 1000, 3600000), FIELD(tcp.r2_ms),
		.help = "give up retransmitting data after this (R2)" },
	{ "syn_r2_ms", UINT("180000", 1000, 3600000),
		FIELD(tcp.syn_r2_ms),
		.help = "give up retransmitting a SYN after this (R2 for SYN)" },
	{ "keepalive_idle_ms", UINT("7200000", 1000, 86400000),
		FIELD(tcp.keepalive_idle_ms),
		.help = "idle time before the first keep-alive (MUST-28: 2 h)" },
	{ "keepalive_interval_ms", UINT("75000", 1000, 3600000),
		FIELD(tcp.keepalive_interval_ms),
		.help = "time between unanswered keep-alive probes" },
	{ "keepalive_count", UINT("9", 1, 255),
		FIELD(tcp.keepalive_count),
		.help = "unanswered keep-alive probes before the connection drops" },
	{ "ooo_segments", UINT("64", 0, 4096), FIELD(tcp.ooo_segments),
		.help = "out-of-order segments kept per connection" },
	{ "ooo_worker_segments", UINT("8192", 0, 1048576),
		FIELD(tcp.ooo_worker_segments),
		.help = "out-of-order segments kept per worker, all connections" },
	{ "challenge_ack_per_s", UINT("100", 1, 1000000),
		FIELD(tcp.challenge_ack_per_s),
		.help = "challenge ACKs per second per worker, on average: each "
			"second's budget is half this plus a random part up to "
			"all of it (RFC 5961, CVE-2016-5696)" },
	{ "challenge_ack_interval_ms", UINT("500", 0, 60000),
		FIELD(tcp.challenge_ack_interval_ms),
		.help = "at most one challenge ACK per connection this often, "
			"0 = no per-connection limit" },
	{ "orphan_retries", UINT("8", 1, 255), FIELD(tcp.orphan_retries),
		.help = "zero-window probes a connection the application "
			"closed gets before it is reset" },
	{ "orphans_max", UINT("0", 0, 1048576), FIELD(tcp.orphans_max),
		.help = "orphans (closed by the application, not yet done) per "
			"worker; past it one closed with data unsent is reset "
			"at once; 0 = max_connections / 4" },
	{ "backlog", UINT("1024", 1, 1048576), FIELD(tcp.backlog),
		.help = "half-open connections per listener and worker" },
	{ "half_open_max", UINT("4096", 1, 1048576),
		FIELD(tcp.half_open_max),
		.help = "half-open connections per worker, all listeners" },
	{ "timestamps", WS_CONFIG_BOOL, "yes", FIELD(tcp.timestamps),
		.help = "offer timestamps (RFC 7323)" },
	{ "timestamps_strict", WS_CONFIG_BOOL, "yes",
		FIELD(tcp.timestamps_strict),
		.help = "once agreed, drop segments without a timestamp" },
	{ "tw_reuse", WS_CONFIG_BOOL, "yes", FIELD(tcp.tw_reuse),
		.help = "an active open may take over a TIME_WAIT 4-tuple of "
			"ours that used timestamps, 1 s after the peer last "
			"spoke (Linux's tcp_tw_reuse)" },
	{ "window_scaling", WS_CONFIG_BOOL, "yes",
		FIELD(tcp.window_scaling),
		.help = "offer window scaling (RFC 7323)" },
	{ "sack", WS_CONFIG_BOOL, "yes", FIELD(tcp.sack),
		.help = "offer selective acknowledgements (RFC 2018)" },
	{ "rack", WS_CONFIG_BOOL, "yes", FIELD(tcp.rack),
		.help = "detect losses of SACK peers by time (RACK, RFC 8985); "
			"no = three segments SACKed above (RFC 6675)" },
	{ "tlp", WS_CONFIG_BOOL, "yes", FIELD(tcp.tlp),
		.help = "tail loss probes for SACK peers (RFC 8985 7)" },
	{ "nodelay", WS_CONFIG_BOOL, "no", FIELD(tcp.nodelay),
		.help = "new connections start with Nagle off" },
	{ "syncookies", WS_CONFIG_ENUM, "auto",
		FIELD(tcp.syncookies), .names = syncookies_names,
		.help = "SYN cookies: off, auto (when the backlog is full), always" },
	{ "syncookie_bad_ack", WS_CONFIG_ENUM, "drop",
		FIELD(tcp.syncookie_bad_ack), .names = bad_cookie_names,
		.help = "an ACK with a bad cookie gets: drop (silence), or rst" },
	{ "congestion", WS_CONFIG_ENUM, "cubic",
		FIELD(tcp.congestion), .names = congestion_names,
		.help = "congestion control of new connections: cubic "
			"(RFC 9438) or newreno (RFC 5681); both with HyStart++ "
			"and byte counting in slow start" },
	{ "pacing", WS_CONFIG_BOOL, "no", FIELD(tcp.pacing),
		.help = "spread each window over the RTT (2x cwnd/srtt in slow "
			"start, 1.2x after) instead of sending it at once; "
			"1 ms granularity" },
};

static const struct ws_config_key dns_keys[] = {
	{ "port", UINT("53", 0, 65535), FIELD(dns.port),
		.help = "UDP port of the authoritative DNS responder, 0 = off" },
	{ "zone", WS_CONFIG_STRING, "", FIELD(dns.zone),
		.check = check_dns_name,
		.help = "the zone served, e.g. woshou.test; empty = off" },
	{ "ttl", UINT("3600", 0, INT32_MAX), FIELD(dns.ttl),
		.help = "TTL of the SOA, NS and records without their own" },
	{ "edns_size", UINT("1232", 512, 4096), FIELD(dns.edns_size),
		.help = "EDNS0 UDP payload size offered; no reply is larger" },
	{ "mname", WS_CONFIG_STRING, "", FIELD(dns.mname),
		.check = check_dns_name,
		.help = "SOA MNAME, the primary server, relative to the zone "
			"unless it ends in a dot; empty = ns1" },
	{ "rname", WS_CONFIG_STRING, "", FIELD(dns.rname),
		.check = check_dns_name,
		.help = "SOA RNAME, the admin's mailbox as a name, likewise; "
			"empty = hostmaster" },
	{ "serial", UINT("1", 0, UINT32_MAX), FIELD(dns.serial),
		.help = "SOA SERIAL" },
	{ "refresh", UINT("3600", 0, INT32_MAX), FIELD(dns.refresh),
		.help = "SOA REFRESH, seconds" },
	{ "retry", UINT("900", 0, INT32_MAX), FIELD(dns.retry),
		.help = "SOA RETRY, seconds" },
	{ "expire", UINT("604800", 0, INT32_MAX), FIELD(dns.expire),
		.help = "SOA EXPIRE, seconds" },
	{ "minimum", UINT("300", 0, INT32_MAX), FIELD(dns.minimum),
		.help = "SOA MINIMUM: TTL of negative answers (RFC 2308)" },
	DNS_RECORD(1), DNS_RECORD(2), DNS_RECORD(3), DNS_RECORD(4),
	DNS_RECORD(5), DNS_RECORD(6), DNS_RECORD(7), DNS_RECORD(8),
	DNS_RECORD(9), DNS_RECORD(10), DNS_RECORD(11), DNS_RECORD(12),
	DNS_RECORD(13), DNS_RECORD(14), DNS_RECORD(15), DNS_RECORD(16),
	DNS_RECORD(17), DNS_RECORD(18), DNS_RECORD(19), DNS_RECORD(20),
	DNS_RECORD(21), DNS_RECORD(22), DNS_RECORD(23), DNS_RECORD(24),
	DNS_RECORD(25), DNS_RECORD(26), DNS_RECORD(27), DNS_RECORD(28),
	DNS_RECORD(29), DNS_RECORD(30), DNS_RECORD(31), DNS_RECORD(32),
	DNS_RECORD(33), DNS_RECORD(34), DNS_RECORD(35), DNS_RECORD(36),
	DNS_RECORD(37), DNS_RECORD(38), DNS_RECORD(39), DNS_RECORD(40),
	DNS_RECORD(41), DNS_RECORD(42), DNS_RECORD(43), DNS_RECORD(44),
	DNS_RECORD(45), DNS_RECORD(46), DNS_RECORD(47), DNS_RECORD(48),
	DNS_RECORD(49), DNS_RECORD(50), DNS_RECORD(51), DNS_RECORD(52),
	DNS_RECORD(53), DNS_RECORD(54), DNS_RECORD(55), DNS_RECORD(56),
	DNS_RECORD(57), DNS_RECORD(58), DNS_RECORD(59), DNS_RECORD(60),
	DNS_RECORD(61), DNS_RECORD(62), DNS_RECORD(63), DNS_RECORD(64),
};

static const struct ws_config_key resolver_keys[] = {
	{ "servers", WS_CONFIG_CUSTOM, "", FIELD(resolver),
		CUSTOM(parse_servers, format_servers),
		.help = "DNS servers, up to 4 IPv4 addresses separated by "
			"spaces; empty = no resolver" },
	{ "port", UINT("53", 1, 65535), FIELD(resolver.port),
		.help = "the servers' UDP port" },
	{ "timeout_ms", UINT("2000", 10, 60000),
		FIELD(resolver.timeout_ms),
		.help = "wait this long for a reply before the next server" },
	{ "attempts", UINT("2", 1, 16), FIELD(resolver.attempts),
		.help = "rounds over all the servers before a lookup fails" },
	{ "cache_entries", UINT("256", 16, 65536),
		FIELD(resolver.cache_entries), .flags = WS_CONFIG_POW2,
		.help = "names cached per worker (power of two); the least "
			"recently used goes when full" },
	{ "max_pending", UINT("64", 1, 4096),
		FIELD(resolver.max_pending),
		.help = "lookups waiting for an answer per worker" },
	{ "max_ttl", UINT("86400", 1, 604800),
		FIELD(resolver.max_ttl),
		.help = "seconds an answer is cached at most, whatever its TTL" },
	{ "max_neg_ttl", UINT("3600", 1, 86400),
		FIELD(resolver.max_neg_ttl),
		.help = "seconds a negative answer is cached at most (RFC 2308)" },
	{ "neg_ttl", UINT("5", 0, 86400), FIELD(resolver.neg_ttl),
		.help = "seconds a negative answer without SOA is cached, "
			"0 = not at all" },
};
#undef DNS_RECORD
#undef CUSTOM
#undef UINT
#undef FIELD

#define LIB_SECTION(s) { .name = #s, .keys = s##_keys, \
	.n_keys = RTE_DIM(s##_keys) }

/* The library's sections, over struct ws_config (their data is NULL). */
static const struct ws_config_section lib_sections[] = {
	LIB_SECTION(eal), LIB_SECTION(port), LIB_SECTION(ip),
	LIB_SECTION(arp), LIB_SECTION(icmp), LIB_SECTION(workers),
	LIB_SECTION(control), LIB_SECTION(tcp), LIB_SECTION(dns),
	LIB_SECTION(resolver),
};

#undef LIB_SECTION

#define N_LIB_SECTIONS RTE_DIM(lib_sections)

/* The applications' sections, in the order they were registered. */
static struct ws_config_section app_sections[WS_CONFIG_MAX_SECTIONS];
static unsigned int n_app_sections;

static unsigned int
n_sections(void)
{
	return N_LIB_SECTIONS + n_app_sections;
}

/* Section i of all: the library's first, then the registered ones. */
static const struct ws_config_section *
section_at(unsigned int i)
{
	return i < N_LIB_SECTIONS ? &lib_sections[i] :
		&app_sections[i - N_LIB_SECTIONS];
}

static const struct ws_config_section *
find_section(const char *name)
{
	unsigned int i;

	for (i = 0; i < n_sections(); i++)
		if (strcmp(section_at(i)->name, name) == 0)
			return section_at(i);
	return NULL;
}

static const struct ws_config_key *
find_key(const struct ws_config_section *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_keys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return &s->keys[i];
	return NULL;
}

/*
 * Where each section's keys write: the library's into 'cfg', a registered
 * section's into app[i] (its own data, or a scratch copy during a load;
 * sections that share data share it).
 */
struct bases {
	struct ws_config *cfg;
	void *app[WS_CONFIG_MAX_SECTIONS];
	bool owner[WS_CONFIG_MAX_SECTIONS];	/* the first with its data */
};

static void *
section_base(const struct bases *b, unsigned int i)
{
	return i < N_LIB_SECTIONS ? (void *)b->cfg :
		b->app[i - N_LIB_SECTIONS];
}

/* The registered section before 'i' with the same data, or i itself. */
static unsigned int
data_owner(unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (app_sections[j].data == app_sections[i].data)
			return j;
	return i;
}

/* Bases that are the data itself (defaults, print). */
static void
bases_direct(struct bases *b, struct ws_config *cfg)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->cfg = cfg;
	for (i = 0; i < n_app_sections; i++) {
		b->app[i] = app_sections[i].data;
		b->owner[i] = data_owner(i) == i;
	}
}

static void
bases_free(struct bases *b)
{
	unsigned int i;

	for (i = 0; i < n_app_sections; i++)
		if (b->owner[i])
			free(b->app[i]);
}

/* Bases that are zeroed scratch copies, for a load that may fail. */
static int
bases_scratch(struct bases *b, struct ws_config *cfg)
{
	unsigned int i, owner;

	memset(b, 0, sizeof(*b));
	b->cfg = cfg;
	for (i = 0; i < n_app_sections; i++) {
		owner = data_owner(i);
		if (owner < i) {
			b->app[i] = b->app[owner];
			continue;
		}
		b->app[i] = calloc(1, app_sections[i].size);
		if (b->app[i] == NULL) {
			bases_free(b);
			return -ENOMEM;
		}
		b->owner[i] = true;
	}
	return 0;
}

/* A successful load's scratch copies into the sections' data. */
static void
bases_commit(const struct bases *b)
{
	unsigned int i;

	for (i = 0; i < n_app_sections; i++)
		if (b->owner[i])
			memcpy(app_sections[i].data, b->app[i],
				app_sections[i].size);
}

/*
 * Every key at its default. Whole structs are zeroed first so that they
 * compare equal with memcmp; a default the parser refuses (a bug in a
 * table) leaves its field zero, and the load reports it.
 */
static void
apply_defaults(const struct bases *b)
{
	const struct ws_config_section *s;
	char why[WS_CFG_ERR_LEN];
	unsigned int i, j;

	memset(b->cfg, 0, sizeof(*b->cfg));
	for (i = 0; i < n_app_sections; i++)
		if (b->owner[i])
			memset(b->app[i], 0, app_sections[i].size);
	for (i = 0; i < n_sections(); i++) {
		s = section_at(i);
		for (j = 0; j < s->n_keys; j++)
			if (s->keys[j].def != NULL)
				parse_key(&s->keys[j], s->keys[j].def,
					section_base(b, i), b->cfg, why,
					sizeof(why));
	}
}

void
ws_config_defaults(struct ws_config *cfg)
{
	struct bases b;

	bases_direct(&b, cfg);
	apply_defaults(&b);
}

static void
set_error(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

void
ws_config_foreach_uint(const char *key,
		void (*fn)(void *ctx, const char *section, uint64_t value),
		void *ctx)
{
	const struct ws_config_section *s;
	const struct ws_config_key *k;
	char text[WS_CFG_VALUE_LEN];
	unsigned int i;

	for (i = 0; i < n_app_sections; i++) {
		s = &app_sections[i];
		k = find_key(s, key);
		if (k == NULL || k->kind != WS_CONFIG_UINT)
			continue;
		/* The same reading as print's: one place knows the widths. */
		format_unsigned(k, s->data, text, sizeof(text));
		fn(ctx, s->name, strtoull(text, NULL, 10));
	}
}

/* Registration. */

/*
 * A section or key name: what an INI line, --set S.K=V and a telemetry
 * dictionary key (SECTION_port in /woshou/info) can all carry.
 */
static bool
name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || strlen(name) >= WS_CFG_NAME_LEN)
		return false;
	for (i = 0; name[i] != '\0'; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

/* The shape of one key of 's', and its default. NULL when it is fine. */
static const char *
key_problem(const struct ws_config_section *s, const struct ws_config_key *k,
		char *why, size_t why_len)
{
	static const size_t uint_max_bits[] = { 0, 8, 16, 0, 32, 0, 0, 0, 64 };
	const struct ws_config_key *before;
	void *scratch;
	int ret;

	if (!name_ok(k->name))
		return "key name is not 1..63 of A-Z a-z 0-9 _";
	for (before = s->keys; before < k; before++)
		if (strcmp(before->name, k->name) == 0)
			return "key named twice";
	if (k->size == 0 || k->offset + k->size > s->size)
		return "field outside the section's data";
	switch (k->kind) {
	case WS_CONFIG_UINT:
		if (k->size > 8 || uint_max_bits[k->size] == 0)
			return "unsigned field is not 1, 2, 4 or 8 bytes";
		if (k->max == 0 || k->min > k->max)
			return "unsigned bounds are not min <= max, max > 0";
		if (k->size < 8 && k->max >> uint_max_bits[k->size] != 0)
			return "unsigned max does not fit the field";
		break;
	case WS_CONFIG_BOOL:
		if (k->size != sizeof(bool))
			return "bool field is not a bool";
		break;
	case WS_CONFIG_STRING:
		break;
	case WS_CONFIG_ENUM:
		if (k->size != sizeof(int) || k->names == NULL ||
				k->names[0] == NULL)
			return "enum field is not an int with names";
		break;
	case WS_CONFIG_CUSTOM:
		if (k->parse == NULL || k->format == NULL)
			return "custom key without parse and format";
		/* Its default may depend on other keys: checked by loads. */
		return NULL;
	default:
		return "unknown kind";
	}
	if (k->def == NULL)
		return NULL;
	scratch = calloc(1, s->size);
	if (scratch == NULL)
		return "out of memory";
	ret = kinds[k->kind].parse(k, k->def, scratch, why, why_len);
	free(scratch);
	return ret < 0 ? why : NULL;
}

int
ws_config_register_section(const struct ws_config_section *s, char *err,
		size_t err_len)
{
	char why[WS_CFG_ERR_LEN];
	const char *problem;
	unsigned int i;

	set_error(err, err_len, "%s", "");
	if (s == NULL || !name_ok(s->name)) {
		set_error(err, err_len, "[%s]: section name is not 1..63 of "
			"A-Z a-z 0-9 _", s != NULL && s->name != NULL ?
			s->name : "(null)");
		return -EINVAL;
	}
	for (i = 0; i < n_sections(); i++) {
		if (strcmp(section_at(i)->name, s->name) != 0)
			continue;
		set_error(err, err_len, "[%s]: section already %s", s->name,
			i < N_LIB_SECTIONS ? "belongs to the library" :
			"registered");
		return -EEXIST;
	}
	if (s->keys == NULL || s->n_keys == 0 || s->data == NULL ||
			s->size == 0) {
		set_error(err, err_len, "[%s]: section needs keys and data",
			s->name);
		return -EINVAL;
	}
	for (i = 0; i < n_app_sections; i++) {
		if (app_sections[i].data == s->data &&
				app_sections[i].size != s->size) {
			set_error(err, err_len, "[%s]: shares its data with "
				"[%s] at another size", s->name,
				app_sections[i].name);
			return -EINVAL;
		}
	}
	for (i = 0; i < s->n_keys; i++) {
		problem = key_problem(s, &s->keys[i], why, sizeof(why));
		if (problem != NULL) {
			set_error(err, err_len, "[%s] %s: %s", s->name,
				s->keys[i].name != NULL ? s->keys[i].name :
				"(null)", problem);
			return -EINVAL;
		}
	}
	if (n_app_sections == WS_CONFIG_MAX_SECTIONS) {
		set_error(err, err_len, "[%s]: more than %u sections "
			"registered", s->name, WS_CONFIG_MAX_SECTIONS);
		return -ENOSPC;
	}
	app_sections[n_app_sections++] = *s;
	return 0;
}

int
ws_config_unregister_section(const char *name)
{
	unsigned int i;

	for (i = 0; name != NULL && i < n_app_sections; i++) {
		if (strcmp(app_sections[i].name, name) != 0)
			continue;
		memmove(&app_sections[i], &app_sections[i + 1],
			(n_app_sections - i - 1) * sizeof(app_sections[0]));
		n_app_sections--;
		return 0;
	}
	return -ENOENT;
}

/* Trim whitespace at both ends, in place. */
static char *
strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* The names of one line of INI text; NULL reason when the line is fine. */
static const char *
check_lengths(const char *section, const char *key, const char *value)
{
	if (section != NULL && strlen(section) >= CFG_NAME_LEN)
		return "section name longer than 63 characters";
	if (key != NULL && strlen(key) >= CFG_NAME_LEN)
		return "key longer than 63 characters";
	if (value != NULL && strlen(value) >= CFG_VALUE_LEN)
		return "value longer than 255 characters";
	return NULL;
}

/*
 * One line of the file into 'ini'. Comments are whole lines starting with
 * ';' or '#', so any value, ';' and '#' included, reads back as printed.
 */
static int
scan_line(struct rte_cfgfile *ini, char *line, const char *path,
		unsigned int lineno, char *section, char *err, size_t err_len)
{
	const char *reason;
	char *s = strip(line), *end, *key, *value;

	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL || end[1] != '\0')
			goto syntax;
		*end = '\0';
		s = strip(s + 1);
		if (*s == '\0')
			goto syntax;
		reason = check_lengths(s, NULL, NULL);
		if (reason != NULL) {
			set_error(err, err_len, "%s:%u: %s", path, lineno,
				reason);
			return -EINVAL;
		}
		if (rte_cfgfile_has_section(ini, s)) {
			set_error(err, err_len, "%s:%u: section [%s] repeated",
				path, lineno, s);
			return -EINVAL;
		}
		strlcpy(section, s, CFG_NAME_LEN);
		return rte_cfgfile_add_section(ini, s);
	}
	end = strchr(s, '=');
	if (end == NULL)
		goto syntax;
	*end = '\0';
	key = strip(s);
	value = strip(end + 1);
	if (*key == '\0')
		goto syntax;
	if (section[0] == '\0') {
		set_error(err, err_len, "%s:%u: key '%s' before any [section]",
			path, lineno, key);
		return -EINVAL;
	}
	reason = check_lengths(NULL, key, value);
	if (reason != NULL) {
		set_error(err, err_len, "%s:%u: %s", path, lineno, reason);
		return -EINVAL;
	}
	if (rte_cfgfile_has_entry(ini, section, key)) {
		set_error(err, err_len, "%s:%u: key '%s' repeated in [%s]",
			path, lineno, key, section);
		return -EINVAL;
	}
	return rte_cfgfile_add_entry(ini, section, key, value);

syntax:
	set_error(err, err_len, "%s:%u: expected [section], key = value "
		"or a comment", path, lineno);
	return -EINVAL;
}

static int
read_file(struct rte_cfgfile *ini, const char *path, char *err,
		size_t err_len)
{
	char section[CFG_NAME_LEN] = "";
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		set_error(err, err_len, "%s: cannot read: %s", path,
			strerror(errno));
		return -ENOENT;
	}
	errno = 0;
	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		ret = scan_line(ini, line, path, ++lineno, section, err,
			err_len);
		if (ret == -ENOMEM)
			set_error(err, err_len, "%s: out of memory", path);
	}
	/* A directory opens fine and fails on the first read. */
	if (ret == 0 && ferror(f)) {
		set_error(err, err_len, "%s: cannot read: %s", path,
			strerror(errno));
		ret = -ENOENT;
	}
	free(line);
	fclose(f);
	return ret;
}

/* Copy 'len' bytes of 'src', trimmed, into the CFG_NAME_LEN 'dst'. */
static bool
copy_name(char *dst, const char *src, size_t len)
{
	char name[CFG_NAME_LEN];

	if (len >= sizeof(name))
		return false;
	memcpy(name, src, len);
	name[len] = '\0';
	strlcpy(dst, strip(name), CFG_NAME_LEN);
	return dst[0] != '\0';
}

/*
 * Split "section.key=value" into its parts (section and key CFG_NAME_LEN
 * buffers, value points into 'arg'). False when it has another shape.
 */
static bool
split_set(const char *arg, char *section, char *key, const char **value)
{
	const char *dot = strchr(arg, '.');
	const char *eq = strchr(arg, '=');

	if (dot == NULL || eq == NULL || dot > eq ||
			!copy_name(section, arg, dot - arg) ||
			!copy_name(key, dot + 1, eq - dot - 1))
		return false;
	*value = eq + 1;
	return true;
}

static int
apply_sets(struct rte_cfgfile *ini, const char *const *sets,
		unsigned int n_sets, char *err, size_t err_len)
{
	char section[CFG_NAME_LEN], key[CFG_NAME_LEN], text[CFG_VALUE_LEN];
	const char *value, *reason;
	unsigned int i;
	int ret;

	for (i = 0; i < n_sets; i++) {
		if (!split_set(sets[i], section, key, &value)) {
			set_error(err, err_len, "--set %s: expected "
				"SECTION.KEY=VALUE", sets[i]);
			return -EINVAL;
		}
		reason = check_lengths(NULL, NULL, value);
		if (reason == NULL && strpbrk(value, "\r\n") != NULL)
			reason = "value contains a line break";
		if (reason != NULL) {
			set_error(err, err_len, WS_CFG_SET_ORIGIN ": [%s] %s: %s",
				section, key, reason);
			return -EINVAL;
		}
		/* Stripped like a value from the file, so print matches. */
		strlcpy(text, value, sizeof(text));
		value = strip(text);
		if (!rte_cfgfile_has_section(ini, section)) {
			ret = rte_cfgfile_add_section(ini, section);
			if (ret < 0)
				return ret;
		}
		if (rte_cfgfile_has_entry(ini, section, key))
			ret = rte_cfgfile_set_entry(ini, section, key, value);
		else
			ret = rte_cfgfile_add_entry(ini, section, key, value);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Where section.key (key NULL: any key of section) was last set. */
static const char *
origin(const char *path, const char *const *sets, unsigned int n_sets,
		const char *section, const char *key)
{
	char s[CFG_NAME_LEN], k[CFG_NAME_LEN];
	const char *value;
	unsigned int i;

	for (i = 0; i < n_sets; i++)
		if (split_set(sets[i], s, k, &value) &&
				strcmp(s, section) == 0 &&
				(key == NULL || strcmp(k, key) == 0))
			return WS_CFG_SET_ORIGIN;
	return path;
}

/* Every section and key present must be one the schema knows. */
static int
check_names_known(struct rte_cfgfile *ini, const char *path,
		const char *const *sets, unsigned int n_sets, char *err,
		size_t err_len)
{
	char section[CFG_NAME_LEN];
	const struct ws_config_section *s;
	struct rte_cfgfile_entry *entries;
	int n_sections, n, i, j, ret = 0;

	n_sections = rte_cfgfile_num_sections(ini, NULL, 0);
	for (i = 0; i < n_sections && ret == 0; i++) {
		n = rte_cfgfile_section_num_entries_by_index(ini, section, i);
		s = find_section(section);
		if (s == NULL) {
			set_error(err, err_len, "%s: [%s]: unknown section",
				origin(path, sets, n_sets, section, NULL),
				section);
			return -EINVAL;
		}
		if (n <= 0)
			continue;
		entries = calloc(n, sizeof(*entries));
		if (entries == NULL)
			return -ENOMEM;
		n = rte_cfgfile_section_entries_by_index(ini, i, section,
			entries, n);
		for (j = 0; j < n; j++) {
			if (find_key(s, entries[j].name) != NULL)
				continue;
			set_error(err, err_len, "%s: [%s] %s: unknown key",
				origin(path, sets, n_sets, section,
					entries[j].name),
				section, entries[j].name);
			ret = -EINVAL;
			break;
		}
		free(entries);
	}
	return ret;
}

/*
 * Convert every key, section by section in table order, from the INI or
 * its default; then run the sections' own checks, which see it all.
 */
static int
convert(struct rte_cfgfile *ini, const struct bases *b, const char *path,
		const char *const *sets, unsigned int n_sets, char *err,
		size_t err_len)
{
	char why[WS_CFG_ERR_LEN];
	const struct ws_config_section *s;
	const struct ws_config_key *k;
	const char *text, *blame_section, *blame_key;
	unsigned int i, j;

	for (i = 0; i < n_sections(); i++) {
		s = section_at(i);
		for (j = 0; j < s->n_keys; j++) {
			k = &s->keys[j];
			text = rte_cfgfile_get_entry(ini, s->name, k->name);
			if (text == NULL || (k->def == NULL && text[0] == '\0'))
				text = k->def;
			if (text == NULL) {
				set_error(err, err_len, "%s: [%s] %s: required",
					origin(path, sets, n_sets, s->name,
						k->name), s->name, k->name);
				return -EINVAL;
			}
			/* Defaults too: they may clash with a key above. */
			if (parse_key(k, text, section_base(b, i), b->cfg, why,
					sizeof(why)) < 0) {
				set_error(err, err_len, "%s: [%s] %s: %s",
					origin(path, sets, n_sets, s->name,
						k->name), s->name, k->name,
					why);
				return -EINVAL;
			}
		}
	}
	for (i = 0; i < n_sections(); i++) {
		s = section_at(i);
		if (s->check == NULL)
			continue;
		blame_section = s->name;
		blame_key = s->keys[0].name;
		if (s->check(section_base(b, i), b->cfg, &blame_section,
				&blame_key, why, sizeof(why)) < 0) {
			set_error(err, err_len, "%s: [%s] %s: %s",
				origin(path, sets, n_sets, blame_section,
					blame_key), blame_section, blame_key,
				why);
			return -EINVAL;
		}
	}
	return 0;
}

int
ws_config_load(struct ws_config *cfg, const char *path,
		const char *const *sets, unsigned int n_sets,
		char *err, size_t err_len)
{
	struct ws_config tmp;
	struct rte_cfgfile *ini;
	struct bases b;
	int ret;

	set_error(err, err_len, "%s", "");
	ini = rte_cfgfile_create(CFG_FLAG_EMPTY_VALUES);
	if (ini == NULL || bases_scratch(&b, &tmp) < 0) {
		if (ini != NULL)
			rte_cfgfile_close(ini);
		set_error(err, err_len, "%s: out of memory", path);
		return -ENOMEM;
	}
	apply_defaults(&b);
	/* Set first: a key's parser may name files relative to it. */
	strlcpy(tmp.path, path, sizeof(tmp.path));
	ret = read_file(ini, path, err, err_len);
	if (ret == 0)
		ret = apply_sets(ini, sets, n_sets, err, err_len);
	if (ret == 0)
		ret = check_names_known(ini, path, sets, n_sets, err, err_len);
	if (ret == 0)
		ret = convert(ini, &b, path, sets, n_sets, err, err_len);
	rte_cfgfile_close(ini);
	if (ret == -ENOMEM)
		set_error(err, err_len, "%s: out of memory", path);
	if (ret == 0) {
		/* memcpy, not assignment: the padding stays zero. */
		memcpy(cfg, &tmp, sizeof(*cfg));
		bases_commit(&b);
	}
	bases_free(&b);
	return ret;
}

void
ws_config_print(FILE *f, const struct ws_config *cfg)
{
	char value[WS_CFG_VALUE_LEN];
	const struct ws_config_section *s;
	const struct ws_config_key *k;
	struct bases b;
	unsigned int i, j;

	/* Printing writes nothing: the cast only fits the shared type. */
	bases_direct(&b, (struct ws_config *)(uintptr_t)cfg);
	fprintf(f, "; woshou effective configuration%s%s\n",
		cfg->path[0] != '\0' ? " of " : "", cfg->path);
	for (i = 0; i < n_sections(); i++) {
		s = section_at(i);
		fprintf(f, "\n[%s]\n", s->name);
		for (j = 0; j < s->n_keys; j++) {
			k = &s->keys[j];
			fprintf(f, ";%s%s", k->help != NULL ? " " : "",
				k->help != NULL ? k->help : "");
			/* Only numeric keys have bounds. */
			if (k->max != 0)
				fprintf(f, " [%" PRIu64 "..%" PRIu64 "]",
					k->min, k->max);
			if (k->def != NULL)
				fprintf(f, " (default %s)", k->def[0] != '\0' ?
					k->def : "empty");
			format_key(k, section_base(&b, i), value,
				sizeof(value));
			fprintf(f, "\n%s =%s%s\n", k->name,
				value[0] != '\0' ? " " : "", value);
		}
	}
}

/* An argv under construction; strings are copied into 'buf'. */
struct eal_argv {
	char **argv;
	unsigned int argc;
	unsigned int max;
	char *buf;
	size_t used;
	size_t len;
	bool full;
};

static void __rte_format_printf(2, 3)
push_arg(struct eal_argv *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* One slot stays for the terminating NULL. */
	if (a->full || a->argc + 1 >= a->max) {
		a->full = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->buf + a->used, a->len - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= a->len - a->used) {
		a->full = true;
		return;
	}
	a->argv[a->argc++] = a->buf + a->used;
	a->used += (size_t)n + 1;
}

/* Each whitespace separated word of 'words', optionally after 'option'. */
static void
push_words(struct eal_argv *a, const char *option, const char *words)
{
	const char *p = words;
	size_t n;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return;
		for (n = 0; p[n] != '\0' && !isspace((unsigned char)p[n]); n++)
			;
		if (option != NULL)
			push_arg(a, "%s", option);
		push_arg(a, "%.*s", (int)n, p);
		p += n;
	}
}

int
ws_config_eal_args(const struct ws_config *cfg, const char *prog,
		unsigned long hugepages_free,
		const char *const *extra, unsigned int n_extra,
		char **argv, unsigned int argv_max, char *buf, size_t buf_len)
{
	struct eal_argv a = {
		.argv = argv, .max = argv_max, .buf = buf, .len = buf_len,
	};
	char lcores[WS_MAX_WORKERS * 12 + 16];
	size_t used;
	unsigned int i;
	bool no_huge;

	/* With CPUs given, lcore@cpu pairs: several lcores may share one. */
	if (cfg->workers.n_cpus > 0)
		used = snprintf(lcores, sizeof(lcores), "%u@%u",
			cfg->eal.main_lcore, cfg->eal.main_lcore);
	else
		used = snprintf(lcores, sizeof(lcores), "%u",
			cfg->eal.main_lcore);
	for (i = 0; i < cfg->workers.count && used < sizeof(lcores); i++) {
		if (cfg->workers.n_cpus > 0)
			used += snprintf(lcores + used, sizeof(lcores) - used,
				",%u@%u", cfg->workers.lcores[i],
				cfg->workers.cpus[i]);
		else
			used += snprintf(lcores + used, sizeof(lcores) - used,
				",%u", cfg->workers.lcores[i]);
	}

	/*
	 * With huge=yes and none free the hugepage arguments still go out:
	 * the EAL then fails saying why, which beats silently running
	 * without.
	 */
	no_huge = cfg->eal.huge == WS_HUGE_NO ||
		(cfg->eal.huge == WS_HUGE_AUTO && hugepages_free == 0);

	push_arg(&a, "%s", prog);
	push_arg(&a, cfg->workers.n_cpus > 0 ? "--lcores" : "-l");
	push_arg(&a, "%s", lcores);
	push_arg(&a, "--main-lcore");
	push_arg(&a, "%u", cfg->eal.main_lcore);
	push_arg(&a, "--file-prefix");
	push_arg(&a, "%s", cfg->eal.file_prefix);
	/* 22.11 refuses --in-memory together with --no-huge. */
	if (no_huge)
		push_arg(&a, "--no-huge");
	if (cfg->eal.memory_mb > 0) {
		push_arg(&a, "-m");
		push_arg(&a, "%u", cfg->eal.memory_mb);
	}
	if (cfg->eal.vdev[0] != '\0') {
		push_arg(&a, "--vdev");
		push_arg(&a, "%s", cfg->eal.vdev);
	}
	/*
	 * Without an allow list the EAL would probe every PCI device, the
	 * host's own NIC included (a bifurcated driver takes it even while
	 * the kernel uses it): PCI devices are used only when listed.
	 */
	if (cfg->eal.allow[0] == '\0')
		push_arg(&a, "--no-pci");
	push_words(&a, "-a", cfg->eal.allow);
	if (cfg->eal.log_level[0] != '\0')
		push_arg(&a, "--log-level=%s", cfg->eal.log_level);
	push_words(&a, NULL, cfg->eal.extra);
	for (i = 0; i < n_extra; i++)
		push_arg(&a, "%s", extra[i]);

	if (a.full)
		return -ENOSPC;
	argv[a.argc] = NULL;
	return (int)a.argc;
}
