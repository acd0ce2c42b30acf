/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The stub resolver driven datagram by datagram: queries are captured off
 * the worker's tx and checked byte by byte, replies are built here by hand
 * (not with ws_dns.c's builder, so that the two check each other) and fed
 * through the whole input path, and time moves only when a test moves it.
 * Every test ends with no mbuf left.
 *
 * We are 198.18.0.2; the servers are 198.18.0.1 (the harness's peer) and
 * 198.18.0.3, both learned through ARP before the test starts. Names are
 * under .test (RFC 6761): parser input only.
 */

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_arp.h>

#include "ws_dns.h"
#include "ws_resolver.h"
#include "ws_tcp_api.h"
#include "ws_test.h"

#define IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))
#define US_IP IPV4(198, 18, 0, 2)
#define SRV1 IPV4(198, 18, 0, 1)
#define SRV3 IPV4(198, 18, 0, 3)
#define OTHER_IP IPV4(198, 18, 0, 9)
#define DNS_PORT 53
#define TIMEOUT_MS 1000

#define ETH_LEN 14
#define IP_LEN 20
#define UDP_LEN 8
#define DNS_OFF (ETH_LEN + IP_LEN + UDP_LEN)

static const struct rte_ether_addr srv3_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 } };

/* ------------------------------------------------------------------ */
/* A recording application.                                            */

#define MAX_CALLS 64

struct call {
	char name[256];
	int status;
	unsigned int n;
	uint32_t addrs[WS_RESOLVE_MAX_ADDRS];	/* host order */
	void *arg;
};

static struct app {
	struct call calls[MAX_CALLS];
	unsigned int n_calls;
	/* Called back from inside a callback: the name to look up again. */
	const char *again;
	int again_ret;
	unsigned int connected, closed, failed;
	int fail_status;
	struct ws_tcp_conn *conn;
} app;

static void
app_cb(struct ws_worker *w, const char *name, int status,
		const uint32_t *addrs, unsigned int n, void *arg)
{
	struct call *c;
	unsigned int i;

	assert_true(app.n_calls < MAX_CALLS);
	c = &app.calls[app.n_calls++];
	strcpy(c->name, name);
	c->status = status;
	c->n = n;
	for (i = 0; i < n; i++)
		c->addrs[i] = rte_be_to_cpu_32(addrs[i]);
	c->arg = arg;
	if (app.again != NULL) {
		const char *again = app.again;

		app.again = NULL;
		app.again_ret = ws_resolve(w, again, app_cb, arg);
	}
}

static void
app_connected(struct ws_tcp_conn *c)
{
	app.connected++;
	app.conn = c;
}

static void
app_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	(void)c;
	(void)why;
	app.closed++;
	app.conn = NULL;
}

static void
app_failed(struct ws_worker *w, const char *name, int status, void *ctx)
{
	(void)w;
	assert_ptr_equal(ctx, &app);
	assert_true(app.n_calls < MAX_CALLS);
	strcpy(app.calls[app.n_calls++].name, name);
	app.failed++;
	app.fail_status = status;
}

static const struct ws_tcp_ops app_ops = {
	.connected = app_connected,
	.closed = app_closed,
};

/* ------------------------------------------------------------------ */
/* Environment.                                                        */

/* Teach the worker the MAC of 'ip' with an ARP request from it. */
static void
learn(struct ws_test_env *env, uint32_t ip, const struct rte_ether_addr *mac)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	uint8_t frame[64];
	size_t off = ws_test_eth(frame, &bcast, mac, RTE_ETHER_TYPE_ARP);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(frame + off);

	memset(arp, 0, sizeof(*arp));
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = *mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(ip);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(US_IP);
	ws_test_input(env, frame, off + sizeof(*arp));
	ws_test_clear_captured(env);
}

/* Apply env->cfg (resolver settings changed by a test) afresh. */
static void
restart(struct ws_test_env *env)
{
	ws_test_env_reinit(env);
	ws_test_learn_peer(env);
	learn(env, SRV3, &srv3_mac);
	memset(&app, 0, sizeof(app));
}

static void
configure(struct ws_test_env *env, unsigned int n_servers)
{
	struct ws_resolver_config *r = &env->cfg.resolver;

	r->n_servers = n_servers;
	r->servers[0] = rte_cpu_to_be_32(SRV1);
	r->servers[1] = n_servers > 1 ? rte_cpu_to_be_32(SRV3) : 0;
	r->port = DNS_PORT;
	r->timeout_ms = TIMEOUT_MS;
	r->attempts = 2;
	r->cache_entries = 16;
	r->max_pending = 8;
	r->max_ttl = 86400;
	r->max_neg_ttl = 3600;
	r->neg_ttl = 5;
	env->cfg.arp.reachable_ms = 3600000;
	env->cfg.arp.stale_ms = 3600000;
}

static int
setup_one(void **state)
{
	int ret = ws_test_setup(state);

	if (ret != 0)
		return ret;
	configure(*state, 1);
	restart(*state);
	return 0;
}

static int
setup_two(void **state)
{
	int ret = ws_test_setup(state);

	if (ret != 0)
		return ret;
	configure(*state, 2);
	restart(*state);
	return 0;
}

static struct ws_dns_stats *
st(struct ws_test_env *env)
{
	return &env->w.stats.dns;
}

/* ------------------------------------------------------------------ */
/* Queries as sent.                                                    */

struct sent {
	uint32_t dst;			/* host order */
	uint16_t sport, dport;
	uint16_t id;
	uint8_t ip[IP_LEN + UDP_LEN];	/* headers, for an ICMP quote */
	char qname[256];		/* as on the wire, dotted */
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Text of an uncompressed wire name (the only kind we send). */
static void
wire_to_text(const uint8_t *p, char *out)
{
	size_t n = 0;

	while (*p != 0) {
		if (n != 0)
			out[n++] = '.';
		memcpy(out + n, p + 1, *p);
		n += *p;
		p += *p + 1;
	}
	out[n] = '\0';
}

/* Captured frame i as a DNS query; fails the test if it is not one. */
static struct sent
sent_query(struct ws_test_env *env, unsigned int i)
{
	uint8_t f[1600];
	size_t len = ws_test_captured(env, i, f, sizeof(f));
	const uint8_t *ip = f + ETH_LEN, *udp = ip + IP_LEN;
	struct sent s;

	assert_true(len >= DNS_OFF + 12);
	assert_int_equal(get16(f + 12), RTE_ETHER_TYPE_IPV4);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[9], IPPROTO_UDP);
	assert_int_equal((uint32_t)get16(ip + 12) << 16 | get16(ip + 14), US_IP);
	s.dst = (uint32_t)get16(ip + 16) << 16 | get16(ip + 18);
	s.sport = get16(udp);
	s.dport = get16(udp + 2);
	s.id = get16(udp + UDP_LEN);
	memcpy(s.ip, ip, sizeof(s.ip));
	wire_to_text(udp + UDP_LEN + 12, s.qname);
	return s;
}

/* ------------------------------------------------------------------ */
/* Replies from a server.                                              */

struct rr_a {
	uint32_t ttl;
	uint32_t addr;			/* host order */
};

struct reply {
	uint16_t id;
	uint8_t rcode;
	bool tc;
	const char *qname;
	uint16_t qtype;
	const struct rr_a *answers;
	unsigned int n_answers;
	bool soa;			/* an SOA in the authority section */
	uint32_t soa_ttl, soa_minimum;
};

static size_t
name_to_wire(const char *name, uint8_t *out)
{
	const char *dot;
	size_t n = 0, l;

	while (*name != '\0') {
		dot = strchr(name, '.');
		l = dot == NULL ? strlen(name) : (size_t)(dot - name);
		out[n++] = (uint8_t)l;
		memcpy(out + n, name, l);
		n += l;
		name += l + (dot != NULL);
	}
	out[n++] = 0;
	return n;
}

static size_t
build_reply(const struct reply *r, uint8_t *m)
{
	size_t n = 12, i;

	put16(m, r->id);
	m[2] = 0x81 | (r->tc ? 0x02 : 0);	/* QR, RD */
	m[3] = 0x80 | r->rcode;			/* RA */
	put16(m + 4, 1);
	put16(m + 6, (uint16_t)r->n_answers);
	put16(m + 8, r->soa ? 1 : 0);
	put16(m + 10, 0);
	n += name_to_wire(r->qname, m + n);
	put16(m + n, r->qtype != 0 ? r->qtype : 1);
	put16(m + n + 2, 1);
	n += 4;
	for (i = 0; i < r->n_answers; i++) {
		put16(m + n, 0xc00c);		/* the question's name */
		put16(m + n + 2, 1);
		put16(m + n + 4, 1);
		put32(m + n + 6, r->answers[i].ttl);
		put16(m + n + 10, 4);
		put32(m + n + 12, r->answers[i].addr);
		n += 16;
	}
	if (r->soa) {
		m[n++] = 0;			/* owner: the root zone */
		put16(m + n, 6);
		put16(m + n + 2, 1);
		put32(m + n + 4, r->soa_ttl);
		put16(m + n + 8, 22);
		n += 10;
		m[n++] = 0;			/* MNAME */
		m[n++] = 0;			/* RNAME */
		put32(m + n, 1);		/* serial */
		put32(m + n + 4, 3600);
		put32(m + n + 8, 600);
		put32(m + n + 12, 86400);
		put32(m + n + 16, r->soa_minimum);
		n += 20;
	}
	return n;
}

static uint16_t
udp_cksum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
	uint8_t buf[2048];
	uint16_t ck;

	put32(buf, src);
	put32(buf + 4, dst);
	buf[8] = 0;
	buf[9] = IPPROTO_UDP;
	put16(buf + 10, (uint16_t)len);
	memcpy(buf + 12, udp, len);
	ck = ws_test_cksum(buf, 12 + len);
	return ck == 0 ? 0xffff : ck;
}

/* A UDP datagram src:sport -> us:dport carrying 'data', through input. */
static void
feed_udp(struct ws_test_env *env, uint32_t src, uint16_t sport,
		uint16_t dport, const void *data, size_t len)
{
	uint8_t udp[1600], frame[1700];
	size_t flen;

	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(UDP_LEN + len));
	put16(udp + 6, 0);
	memcpy(udp + UDP_LEN, data, len);
	put16(udp + 6, udp_cksum(src, US_IP, udp, UDP_LEN + len));
	flen = ws_test_ipv4_frame(frame, src, US_IP, IPPROTO_UDP, 7, 0, udp,
		UDP_LEN + len);
	ws_test_input(env, frame, flen);
}

/* The reply to query 's' from the server it went to. */
static void
answer(struct ws_test_env *env, const struct sent *s, struct reply *r)
{
	uint8_t m[1024];
	size_t len;

	r->id = s->id;
	if (r->qname == NULL)
		r->qname = s->qname;
	len = build_reply(r, m);
	feed_udp(env, s->dst, DNS_PORT, s->sport, m, len);
}

static void
answer_addr(struct ws_test_env *env, const struct sent *s, uint32_t addr,
		uint32_t ttl)
{
	struct rr_a a = { .ttl = ttl, .addr = addr };
	struct reply r = { .answers = &a, .n_answers = 1 };

	answer(env, s, &r);
}

/* Resolve 'name', expecting a query to go out now: returns it. */
static struct sent
resolve_sent(struct ws_test_env *env, const char *name)
{
	unsigned int before = env->n_captured;

	assert_int_equal(ws_resolve(&env->w, name, app_cb, &app), 0);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, before + 1);
	return sent_query(env, before);
}

static void
assert_call(unsigned int i, const char *name, int status, unsigned int n)
{
	assert_true(i < app.n_calls);
	assert_string_equal(app.calls[i].name, name);
	assert_int_equal(app.calls[i].status, status);
	assert_int_equal(app.calls[i].n, n);
}

/* ------------------------------------------------------------------ */
/* Tests.                                                              */

/* The query, byte for byte, but for the random IP ID, port and DNS ID. */
static void
test_query_on_wire(void **state)
{
	struct ws_test_env *env = *state;
	static const uint8_t dns[] = {
		0, 0,			/* ID: copied from the capture */
		0x01, 0x00,		/* RD */
		0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 2, 'w', 's', 4, 't', 'e', 's', 't', 0,
		0, 1,			/* A */
		0, 1,			/* IN */
	};
	uint8_t expect[DNS_OFF + sizeof(dns)], got[1600];
	uint8_t *ip = expect + ETH_LEN, *udp = ip + IP_LEN;
	size_t len;
	struct sent s;

	/* Case and a final dot do not matter; the name goes out lowered. */
	s = resolve_sent(env, "WWW.Ws.TEST.");
	len = ws_test_captured(env, 0, got, sizeof(got));
	assert_int_equal(len, sizeof(expect));

	ws_test_eth(expect, &ws_test_peer_mac, &ws_test_mac,
		RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, IP_LEN);
	ip[0] = 0x45;
	put16(ip + 2, IP_LEN + UDP_LEN + sizeof(dns));
	/* IP ID and DF are UDP's to choose; never a fragment. */
	memcpy(ip + 4, got + ETH_LEN + 4, 4);
	assert_int_equal(ip[6] & ~0x40, 0);
	assert_int_equal(ip[7], 0);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	put32(ip + 12, US_IP);
	put32(ip + 16, SRV1);
	ws_test_ip_recksum(ip);
	put16(udp, s.sport);
	put16(udp + 2, DNS_PORT);
	put16(udp + 4, UDP_LEN + sizeof(dns));
	put16(udp + 6, 0);
	memcpy(udp + UDP_LEN, dns, sizeof(dns));
	put16(udp + UDP_LEN, s.id);
	put16(udp + 6, udp_cksum(US_IP, SRV1, udp, UDP_LEN + sizeof(dns)));
	assert_memory_equal(got, expect, sizeof(expect));

	/* An ephemeral source port. */
	assert_true(s.sport >= 1024);
	assert_int_equal(st(env)->res_queries, 1);
	assert_int_equal(st(env)->res_misses, 1);
	assert_int_equal(st(env)->res_sent, 1);
	assert_int_equal(app.n_calls, 0);
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 60);
	ws_test_assert_no_leak(env);
}

/*
 * IDs are drawn at random (RFC 5452 9.2), not counted: of 32 in a row,
 * hardly two are consecutive, and their high octets spread (a counter
 * fails both; chance fails them with p < 1e-6).
 */
static void
test_random_ids(void **state)
{
	struct ws_test_env *env = *state;
	bool high[256] = { false };
	unsigned int i, sequential = 0, spread = 0;
	uint16_t ids[32];
	char name[32];

	env->cfg.resolver.max_pending = 32;
	restart(env);
	for (i = 0; i < RTE_DIM(ids); i++) {
		snprintf(name, sizeof(name), "h%u.ws.test", i);
		ids[i] = resolve_sent(env, name).id;
		if (i > 0 && (uint16_t)(ids[i] - ids[i - 1]) <= 1)
			sequential++;
		if (!high[ids[i] >> 8])
			spread++;
		high[ids[i] >> 8] = true;
	}
	assert_true(sequential <= 1);
	assert_true(spread >= 16);
	ws_test_assert_no_leak(env);
}

static void
test_answer_and_cache_hit(void **state)
{
	struct ws_test_env *env = *state;
	struct rr_a a[] = {
		{ 300, IPV4(198, 18, 1, 1) },
		{ 200, IPV4(198, 18, 1, 2) },
	};
	struct reply r = { .answers = a, .n_answers = 2 };
	struct sent s;

	s = resolve_sent(env, "www.ws.test");
	answer(env, &s, &r);
	assert_int_equal(app.n_calls, 1);
	assert_call(0, "www.ws.test", 0, 2);
	assert_int_equal(app.calls[0].addrs[0], IPV4(198, 18, 1, 1));
	assert_int_equal(app.calls[0].addrs[1], IPV4(198, 18, 1, 2));
	assert_ptr_equal(app.calls[0].arg, &app);
	assert_int_equal(st(env)->res_answers, 1);
	assert_int_equal(st(env)->res_bad_reply, 0);

	/* From the cache, before ws_resolve returns, with no traffic. */
	ws_test_clear_captured(env);
	ws_test_advance_ms(env, 199 * 1000);
	assert_int_equal(ws_resolve(&env->w, "WWW.ws.test.", app_cb, NULL),
		0);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(app.n_calls, 2);
	assert_call(1, "www.ws.test", 0, 2);
	assert_int_equal(app.calls[1].addrs[1], IPV4(198, 18, 1, 2));
	assert_null(app.calls[1].arg);
	assert_int_equal(st(env)->res_hits, 1);
	assert_int_equal(st(env)->res_sent, 1);

	/* The answer dies with its smallest TTL: 200 s. */
	ws_test_advance_ms(env, 1000);
	s = resolve_sent(env, "www.ws.test");
	assert_int_equal(st(env)->res_expired, 1);
	assert_int_equal(st(env)->res_sent, 2);
	assert_int_equal(app.n_calls, 2);
	answer_addr(env, &s, IPV4(198, 18, 1, 3), 60);
	assert_call(2, "www.ws.test", 0, 1);
	assert_int_equal(app.calls[2].addrs[0], IPV4(198, 18, 1, 3));
	ws_test_assert_no_leak(env);
}

/* A TTL of 0 is not cached; a long one is cut to max_ttl. */
static void
test_ttl_zero_and_cap(void **state)
{
	struct ws_test_env *env = *state;
	struct sent s;

	env->cfg.resolver.max_ttl = 10;
	restart(env);
	s = resolve_sent(env, "zero.ws.test");
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 0);
	assert_call(0, "zero.ws.test", 0, 1);
	s = resolve_sent(env, "zero.ws.test");
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 0);
	assert_int_equal(st(env)->res_hits, 0);
	assert_int_equal(st(env)->res_sent, 2);

	s = resolve_sent(env, "long.ws.test");
	answer_addr(env, &s, IPV4(198, 18, 1, 2), 604800);
	ws_test_advance_ms(env, 9999);
	assert_int_equal(ws_resolve(&env->w, "long.ws.test", app_cb, &app),
		0);
	assert_int_equal(st(env)->res_hits, 1);
	ws_test_advance_ms(env, 1);
	resolve_sent(env, "long.ws.test");
	assert_int_equal(st(env)->res_expired, 1);
	ws_test_assert_no_leak(env);
}

/* RFC 2308: NXDOMAIN and NODATA are cached for min(SOA TTL, MINIMUM). */
static void
test_negative_caching(void **state)
{
	struct ws_test_env *env = *state;
	struct reply nx = { .rcode = WS_DNS_RCODE_NXDOMAIN, .soa = true,
		.soa_ttl = 60, .soa_minimum = 20 };
	struct reply nodata = { .soa = true, .soa_ttl = 30,
		.soa_minimum = 7200 };
	struct sent s;

	s = resolve_sent(env, "nx.ws.test");
	answer(env, &s, &nx);
	assert_call(0, "nx.ws.test", -ENOENT, 0);
	assert_int_equal(st(env)->res_nxdomain, 1);

	s = resolve_sent(env, "nodata.ws.test");
	answer(env, &s, &nodata);
	assert_call(1, "nodata.ws.test", -ENODATA, 0);
	assert_int_equal(st(env)->res_nodata, 1);
	ws_test_clear_captured(env);

	ws_test_advance_ms(env, 19999);
	assert_int_equal(ws_resolve(&env->w, "nx.ws.test", app_cb, &app), 0);
	assert_int_equal(ws_resolve(&env->w, "nodata.ws.test", app_cb, &app),
		0);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	assert_call(2, "nx.ws.test", -ENOENT, 0);
	assert_call(3, "nodata.ws.test", -ENODATA, 0);
	assert_int_equal(st(env)->res_neg_hits, 2);

	ws_test_advance_ms(env, 1);
	s = resolve_sent(env, "nx.ws.test");
	assert_string_equal(s.qname, "nx.ws.test");
	answer(env, &s, &nx);
	ws_test_advance_ms(env, 9999);
	assert_int_equal(ws_resolve(&env->w, "nodata.ws.test", app_cb, &app),
		0);
	assert_int_equal(st(env)->res_neg_hits, 3);
	ws_test_advance_ms(env, 1);
	resolve_sent(env, "nodata.ws.test");
	ws_test_assert_no_leak(env);
}

/* Without an SOA: neg_ttl, capped by max_neg_ttl; 0 caches nothing. */
static void
test_negative_without_soa(void **state)
{
	struct ws_test_env *env = *state;
	struct reply nx = { .rcode = WS_DNS_RCODE_NXDOMAIN };
	struct reply nx_soa = { .rcode = WS_DNS_RCODE_NXDOMAIN, .soa = true,
		.soa_ttl = 86400, .soa_minimum = 86400 };
	struct sent s;

	s = resolve_sent(env, "nx.ws.test");
	answer(env, &s, &nx);
	ws_test_advance_ms(env, 4999);
	assert_int_equal(ws_resolve(&env->w, "nx.ws.test", app_cb, &app), 0);
	assert_int_equal(st(env)->res_neg_hits, 1);
	ws_test_advance_ms(env, 1);
	s = resolve_sent(env, "nx.ws.test");
	answer(env, &s, &nx);

	env->cfg.resolver.neg_ttl = 0;
	env->cfg.resolver.max_neg_ttl = 100;
	restart(env);
	s = resolve_sent(env, "nx.ws.test");
	answer(env, &s, &nx);
	s = resolve_sent(env, "nx.ws.test");
	answer(env, &s, &nx_soa);
	ws_test_advance_ms(env, 99999);
	assert_int_equal(ws_resolve(&env->w, "nx.ws.test", app_cb, &app), 0);
	assert_int_equal(st(env)->res_neg_hits, 1);
	ws_test_advance_ms(env, 1);
	resolve_sent(env, "nx.ws.test");
	assert_int_equal(st(env)->res_sent, 3);
	ws_test_assert_no_leak(env);
}

/*
 * Two servers, attempts = 2: the same query to .1, .3, .1, .3, one
 * timeout apart, then -ETIMEDOUT.
 */
static void
test_retries_rotate_then_timeout(void **state)
{
	struct ws_test_env *env = *state;
	static const uint32_t order[] = { SRV1, SRV3, SRV1, SRV3 };
	struct sent first, s;
	unsigned int i;

	first = resolve_sent(env, "slow.ws.test");
	assert_int_equal(first.dst, SRV1);
	for (i = 1; i < RTE_DIM(order); i++) {
		ws_test_advance_ms(env, TIMEOUT_MS - 1);
		ws_test_run_timers(env);
		assert_int_equal(env->n_captured, i);
		ws_test_advance_ms(env, 1);
		ws_test_run_timers(env);
		assert_int_equal(env->n_captured, i + 1);
		s = sent_query(env, i);
		assert_int_equal(s.dst, order[i]);
		assert_int_equal(s.id, first.id);
		assert_int_equal(s.sport, first.sport);
		assert_string_equal(s.qname, "slow.ws.test");
	}
	assert_int_equal(app.n_calls, 0);
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, RTE_DIM(order));
	assert_int_equal(app.n_calls, 1);
	assert_call(0, "slow.ws.test", -ETIMEDOUT, 0);
	assert_int_equal(st(env)->res_sent, 4);
	assert_int_equal(st(env)->res_retries, 3);
	assert_int_equal(st(env)->res_timeouts, 1);

	/* Nothing was cached, and nothing more happens. */
	ws_test_advance_ms(env, 10 * TIMEOUT_MS);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, RTE_DIM(order));
	resolve_sent(env, "slow.ws.test");
	ws_test_assert_no_leak(env);
}

/*
 * A server that times out hands the first turn to the next one; a late
 * answer from a server already given up on is still good, and the server
 * that answered is asked first from then on.
 */
static void
test_late_answer_and_preference(void **state)
{
	struct ws_test_env *env = *state;
	struct sent s1, s3, x;

	s1 = resolve_sent(env, "a.ws.test");
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	s3 = sent_query(env, 1);
	assert_int_equal(s3.dst, SRV3);
	x = resolve_sent(env, "x.ws.test");
	assert_int_equal(x.dst, SRV3);
	answer_addr(env, &x, IPV4(198, 18, 1, 9), 60);
	assert_call(0, "x.ws.test", 0, 1);
	answer_addr(env, &s1, IPV4(198, 18, 1, 1), 60);
	assert_call(1, "a.ws.test", 0, 1);

	/* .1 answered last: it is first. Now it times out, .3 answers. */
	s1 = resolve_sent(env, "b.ws.test");
	assert_int_equal(s1.dst, SRV1);
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	s3 = sent_query(env, 4);
	assert_int_equal(s3.dst, SRV3);
	answer_addr(env, &s3, IPV4(198, 18, 1, 2), 60);
	assert_call(2, "b.ws.test", 0, 1);

	s3 = resolve_sent(env, "c.ws.test");
	assert_int_equal(s3.dst, SRV3);
	answer_addr(env, &s3, IPV4(198, 18, 1, 3), 60);
	assert_int_equal(st(env)->res_bad_reply, 0);
	ws_test_assert_no_leak(env);
}

/* Error RCODEs and TC=1 move on to the next server at once. */
static void
test_server_errors(void **state)
{
	struct ws_test_env *env = *state;
	struct reply fail = { .rcode = WS_DNS_RCODE_SERVFAIL };
	struct reply refused = { .rcode = WS_DNS_RCODE_REFUSED };
	struct reply tc = { .tc = true };
	unsigned int i;
	struct sent s;

	s = resolve_sent(env, "err.ws.test");
	answer(env, &s, &fail);
	assert_int_equal(env->n_captured, 2);
	s = sent_query(env, 1);
	assert_int_equal(s.dst, SRV3);
	answer(env, &s, &tc);
	s = sent_query(env, 2);
	assert_int_equal(s.dst, SRV1);
	answer(env, &s, &refused);
	s = sent_query(env, 3);
	assert_int_equal(s.dst, SRV3);
	assert_int_equal(app.n_calls, 0);
	answer(env, &s, &tc);
	assert_int_equal(env->n_captured, 4);
	assert_call(0, "err.ws.test", -EIO, 0);
	assert_int_equal(st(env)->res_errors, 4);
	assert_int_equal(st(env)->res_truncated, 2);
	assert_int_equal(st(env)->res_timeouts, 0);

	/* An error, then silence: still -EIO, the more telling. */
	s = resolve_sent(env, "err2.ws.test");
	answer(env, &s, &fail);
	for (i = 0; i < 3; i++) {
		assert_int_equal(app.n_calls, 1);
		ws_test_advance_ms(env, TIMEOUT_MS);
		ws_test_run_timers(env);
	}
	assert_int_equal(env->n_captured, 8);
	assert_call(1, "err2.ws.test", -EIO, 0);
	/*
	 * A late failure from a server already given up on is noted, but the
	 * wait for the current one goes on.
	 */
	s = resolve_sent(env, "err3.ws.test");
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 10);
	answer(env, &s, &fail);
	assert_int_equal(env->n_captured, 10);
	assert_int_equal(app.n_calls, 2);
	assert_int_equal(st(env)->res_errors, 6);
	s = sent_query(env, 9);
	assert_int_equal(s.dst, sent_query(env, 8).dst == SRV1 ? SRV3 : SRV1);
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 60);
	assert_call(2, "err3.ws.test", 0, 1);

	/* Failures are not cached. */
	resolve_sent(env, "err.ws.test");
	ws_test_assert_no_leak(env);
}

/* Replies that do not match the query are dropped and counted. */
static void
test_spoofed_replies(void **state)
{
	struct ws_test_env *env = *state;
	struct rr_a a = { 60, IPV4(198, 18, 66, 6) };
	struct reply r = { .answers = &a, .n_answers = 1 };
	uint8_t m[512];
	struct sent s, bad;
	size_t len;

	s = resolve_sent(env, "victim.ws.test");

	/* Wrong ID. */
	bad = s;
	bad.id = s.id ^ 0x0101;
	answer(env, &bad, &r);
	assert_int_equal(st(env)->res_bad_reply, 1);
	/* Not from a server. */
	bad = s;
	bad.dst = OTHER_IP;
	answer(env, &bad, &r);
	assert_int_equal(st(env)->res_bad_reply, 2);
	/* From a server the query did not go to (yet). */
	bad = s;
	bad.dst = SRV3;
	answer(env, &bad, &r);
	assert_int_equal(st(env)->res_bad_reply, 3);
	/* Not from port 53. */
	r.id = s.id;
	r.qname = s.qname;
	len = build_reply(&r, m);
	feed_udp(env, SRV1, 5353, s.sport, m, len);
	assert_int_equal(st(env)->res_bad_reply, 4);
	/* Another question: name, then type. */
	r.qname = "other.ws.test";
	answer(env, &s, &r);
	assert_int_equal(st(env)->res_bad_reply, 5);
	r.qname = NULL;
	r.qtype = 28;
	answer(env, &s, &r);
	assert_int_equal(st(env)->res_bad_reply, 6);
	/* Malformed: cut inside the answer, and shorter than a header. */
	r.qtype = 0;
	r.id = s.id;
	r.qname = s.qname;
	len = build_reply(&r, m);
	feed_udp(env, SRV1, DNS_PORT, s.sport, m, len - 3);
	assert_int_equal(st(env)->res_bad_reply, 7);
	feed_udp(env, SRV1, DNS_PORT, s.sport, m, 11);
	assert_int_equal(st(env)->res_bad_reply, 8);
	/* A query (QR=0) echoed back. */
	m[2] &= 0x7f;
	feed_udp(env, SRV1, DNS_PORT, s.sport, m, len);
	assert_int_equal(st(env)->res_bad_reply, 9);
	assert_int_equal(app.n_calls, 0);

	/* The real one still counts, once. */
	a.addr = IPV4(198, 18, 1, 1);
	r.qname = NULL;
	answer(env, &s, &r);
	assert_call(0, "victim.ws.test", 0, 1);
	assert_int_equal(app.calls[0].addrs[0], IPV4(198, 18, 1, 1));
	answer(env, &s, &r);
	assert_int_equal(app.n_calls, 1);
	assert_int_equal(st(env)->res_bad_reply, 10);
	assert_int_equal(st(env)->res_answers, 1);
	ws_test_assert_no_leak(env);
}

/* ICMP port unreachable from a server: the next server at once. */
static void
test_icmp_unreachable(void **state)
{
	struct ws_test_env *env = *state;
	uint8_t icmp[8 + IP_LEN + UDP_LEN], frame[128];
	uint16_t ck;
	size_t len;
	struct sent s;

	s = resolve_sent(env, "gone.ws.test");
	memset(icmp, 0, sizeof(icmp));
	icmp[0] = 3;			/* destination unreachable */
	icmp[1] = 3;			/* port unreachable */
	memcpy(icmp + 8, s.ip, sizeof(s.ip));
	ck = ws_test_cksum(icmp, sizeof(icmp));
	put16(icmp + 2, ck);
	len = ws_test_ipv4_frame(frame, SRV1, US_IP, IPPROTO_ICMP, 9, 0, icmp,
		sizeof(icmp));
	ws_test_input(env, frame, len);
	ws_tx_flush(&env->w);
	assert_int_equal(st(env)->res_unreachable, 1);
	assert_int_equal(env->n_captured, 2);
	s = sent_query(env, 1);
	assert_int_equal(s.dst, SRV3);
	/* .3 is preferred now. */
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 60);
	s = resolve_sent(env, "next.ws.test");
	assert_int_equal(s.dst, SRV3);
	ws_test_assert_no_leak(env);
}

/* Concurrent lookups of one name share one query. */
static void
test_coalescing(void **state)
{
	struct ws_test_env *env = *state;
	int x;
	struct sent s;

	s = resolve_sent(env, "shared.ws.test");
	assert_int_equal(ws_resolve(&env->w, "SHARED.ws.test", app_cb, &x),
		0);
	assert_int_equal(ws_resolve(&env->w, "shared.ws.test.", app_cb, NULL),
		0);
	ws_test_advance_ms(env, TIMEOUT_MS - 1);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 1);
	assert_int_equal(st(env)->res_coalesced, 2);
	assert_int_equal(st(env)->res_misses, 3);
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 60);
	assert_int_equal(app.n_calls, 3);
	assert_call(0, "shared.ws.test", 0, 1);
	assert_call(1, "shared.ws.test", 0, 1);
	assert_call(2, "shared.ws.test", 0, 1);
	/* In the order they asked. */
	assert_ptr_equal(app.calls[0].arg, &app);
	assert_ptr_equal(app.calls[1].arg, &x);
	assert_null(app.calls[2].arg);
	assert_int_equal(app.calls[2].addrs[0], IPV4(198, 18, 1, 1));
	assert_int_equal(st(env)->res_sent, 1);
	ws_test_assert_no_leak(env);
}

/* The cache holds cache_entries names; the least recently used goes. */
static void
test_cache_eviction(void **state)
{
	struct ws_test_env *env = *state;
	char name[32];
	unsigned int i;
	struct sent s;

	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "n%u.ws.test", i);
		s = resolve_sent(env, name);
		answer_addr(env, &s, IPV4(198, 18, 2, i), 300);
	}
	assert_int_equal(st(env)->res_cache_full, 0);
	/* n0 is used again, so n1 is the least recently used. */
	assert_int_equal(ws_resolve(&env->w, "n0.ws.test", app_cb, &app), 0);
	s = resolve_sent(env, "n16.ws.test");
	answer_addr(env, &s, IPV4(198, 18, 2, 16), 300);
	assert_int_equal(st(env)->res_cache_full, 1);
	ws_test_clear_captured(env);

	assert_int_equal(ws_resolve(&env->w, "n0.ws.test", app_cb, &app), 0);
	assert_int_equal(ws_resolve(&env->w, "n2.ws.test", app_cb, &app), 0);
	assert_int_equal(ws_resolve(&env->w, "n16.ws.test", app_cb, &app), 0);
	assert_int_equal(st(env)->res_hits, 4);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	s = resolve_sent(env, "n1.ws.test");
	assert_int_equal(st(env)->res_misses, 18);

	/* Expired entries are reused without counting an eviction. */
	answer_addr(env, &s, IPV4(198, 18, 2, 1), 300);
	assert_int_equal(st(env)->res_cache_full, 2);
	ws_test_advance_ms(env, 300 * 1000);
	s = resolve_sent(env, "fresh.ws.test");
	answer_addr(env, &s, IPV4(198, 18, 3, 1), 300);
	assert_int_equal(st(env)->res_cache_full, 2);
	ws_test_assert_no_leak(env);
}

/* At most max_pending calls wait; coalesced ones count too. */
static void
test_pending_bound(void **state)
{
	struct ws_test_env *env = *state;
	struct sent s1;

	env->cfg.resolver.max_pending = 2;
	restart(env);
	s1 = resolve_sent(env, "p1.ws.test");
	resolve_sent(env, "p2.ws.test");
	assert_int_equal(ws_resolve(&env->w, "p3.ws.test", app_cb, &app),
		-ENOSPC);
	assert_int_equal(ws_resolve(&env->w, "p1.ws.test", app_cb, &app),
		-ENOSPC);
	assert_int_equal(st(env)->res_pending_full, 2);
	/* Dotted quads need no slot. */
	assert_int_equal(ws_resolve(&env->w, "198.18.5.5", app_cb, &app), 0);
	assert_call(0, "198.18.5.5", 0, 1);

	answer_addr(env, &s1, IPV4(198, 18, 1, 1), 60);
	assert_call(1, "p1.ws.test", 0, 1);
	resolve_sent(env, "p3.ws.test");
	assert_int_equal(st(env)->res_sent, 3);
	ws_test_assert_no_leak(env);
}

/* Dotted quads, bad names, and no server configured. */
static void
test_literals_and_bad_names(void **state)
{
	struct ws_test_env *env = *state;
	char long_label[80], long_name[300];
	unsigned int i;

	assert_int_equal(ws_resolve(&env->w, "198.18.0.77", app_cb, &app), 0);
	assert_int_equal(app.n_calls, 1);
	assert_call(0, "198.18.0.77", 0, 1);
	assert_int_equal(app.calls[0].addrs[0], IPV4(198, 18, 0, 77));
	assert_int_equal(st(env)->res_literal, 1);

	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".test");
	for (i = 0; i + 2 < 256; i += 2)
		memcpy(long_name + i, "a.", 2);
	strcpy(long_name + i, "test");
	assert_int_equal(ws_resolve(&env->w, NULL, app_cb, &app), -EINVAL);
	assert_int_equal(ws_resolve(&env->w, "", app_cb, &app), -EINVAL);
	assert_int_equal(ws_resolve(&env->w, ".", app_cb, &app), -EINVAL);
	assert_int_equal(ws_resolve(&env->w, "a..test", app_cb, &app),
		-EINVAL);
	assert_int_equal(ws_resolve(&env->w, long_label, app_cb, &app),
		-EINVAL);
	assert_int_equal(ws_resolve(&env->w, long_name, app_cb, &app),
		-EINVAL);
	assert_int_equal(ws_resolve(&env->w, "ok.test", NULL, &app), -EINVAL);
	assert_int_equal(app.n_calls, 1);
	/* 63 octets is fine. */
	long_label[63] = '.';
	strcpy(long_label + 64, "test");
	resolve_sent(env, long_label);

	/* No servers: names fail at once, dotted quads still work. */
	env->cfg.resolver.n_servers = 0;
	restart(env);
	assert_int_equal(ws_resolve(&env->w, "www.ws.test", app_cb, &app),
		-ENOTCONN);
	assert_int_equal(ws_resolve(&env->w, "198.18.0.1", app_cb, &app), 0);
	assert_call(0, "198.18.0.1", 0, 1);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	ws_test_assert_no_leak(env);
}

/* A callback may look the same name up again: the cache has it. */
static void
test_callback_reentry(void **state)
{
	struct ws_test_env *env = *state;
	struct sent s;

	s = resolve_sent(env, "again.ws.test");
	app.again = "again.ws.test";
	app.again_ret = 1;
	answer_addr(env, &s, IPV4(198, 18, 1, 1), 60);
	assert_int_equal(app.again_ret, 0);
	assert_int_equal(app.n_calls, 2);
	assert_call(1, "again.ws.test", 0, 1);
	assert_int_equal(st(env)->res_hits, 1);

	/* After a failure the name is asked afresh. */
	s = resolve_sent(env, "fail.ws.test");
	app.again = "fail.ws.test";
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	assert_call(2, "fail.ws.test", -ETIMEDOUT, 0);
	assert_int_equal(app.again_ret, 0);
	assert_int_equal(env->n_captured, 4);
	s = sent_query(env, 3);
	assert_string_equal(s.qname, "fail.ws.test");
	ws_test_assert_no_leak(env);
}

/* Shutting down answers what waits with -ECANCELED. */
static void
test_fini_cancels(void **state)
{
	struct ws_test_env *env = *state;

	resolve_sent(env, "a.ws.test");
	assert_int_equal(ws_resolve(&env->w, "a.ws.test", app_cb, NULL), 0);
	resolve_sent(env, "b.ws.test");
	app.again = "c.ws.test";
	app.again_ret = 1;
	ws_resolver_fini(&env->w);
	assert_int_equal(app.n_calls, 3);
	assert_call(0, "a.ws.test", -ECANCELED, 0);
	assert_call(1, "a.ws.test", -ECANCELED, 0);
	assert_call(2, "b.ws.test", -ECANCELED, 0);
	assert_int_equal(app.again_ret, -ENOTCONN);
	assert_null(env->w.resolver);
	ws_test_assert_no_leak(env);
	/* Idempotent: the worker's own fini calls it again. */
	ws_resolver_fini(&env->w);
}

static void
assert_syn_to(struct ws_test_env *env, unsigned int i, uint32_t dst,
		uint16_t port)
{
	uint8_t f[1600];
	const uint8_t *ip = f + ETH_LEN, *tcp = ip + IP_LEN;

	ws_test_captured(env, i, f, sizeof(f));
	assert_int_equal(ip[9], IPPROTO_TCP);
	assert_int_equal((uint32_t)get16(ip + 16) << 16 | get16(ip + 18), dst);
	assert_int_equal(get16(tcp + 2), port);
	assert_int_equal(tcp[13], 0x02);	/* SYN alone */
}

/* The peer's SYN-ACK to the SYN captured as frame i. */
static void
feed_synack(struct ws_test_env *env, unsigned int i)
{
	uint8_t f[1600], seg[20], ph[12 + sizeof(seg)], frame[128];
	const uint8_t *tcp = f + ETH_LEN + IP_LEN;
	size_t len;

	ws_test_captured(env, i, f, sizeof(f));
	memset(seg, 0, sizeof(seg));
	memcpy(seg, tcp + 2, 2);		/* ports swapped */
	memcpy(seg + 2, tcp, 2);
	put32(seg + 4, 5000);
	put32(seg + 8, ((uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6)) + 1);
	seg[12] = 5 << 4;
	seg[13] = 0x12;				/* SYN, ACK */
	put16(seg + 14, 65535);
	put32(ph, SRV1);
	put32(ph + 4, US_IP);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	put16(ph + 10, sizeof(seg));
	memcpy(ph + 12, seg, sizeof(seg));
	put16(seg + 16, ws_test_cksum(ph, sizeof(ph)));
	len = ws_test_ipv4_frame(frame, SRV1, US_IP, IPPROTO_TCP, 11, 0, seg,
		sizeof(seg));
	ws_test_input(env, frame, len);
}

static void
abort_conn(struct ws_test_env *env)
{
	assert_non_null(app.conn);
	ws_tcp_abort(app.conn);
	ws_tx_flush(&env->w);
}

static void
test_connect_by_name(void **state)
{
	struct ws_test_env *env = *state;
	struct rr_a a[] = { { 60, SRV1 }, { 60, SRV3 } };
	struct reply r = { .answers = a, .n_answers = 2 };
	struct ws_tcp_info info;
	struct sent s;

	assert_int_equal(ws_tcp_connect_name(&env->w, "web.ws.test", 8080,
		&app_ops, &app, app_failed), 0);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	s = sent_query(env, 0);
	assert_string_equal(s.qname, "web.ws.test");
	/* The answer sends the SYN to its first address. */
	answer(env, &s, &r);
	assert_int_equal(env->n_captured, 2);
	assert_syn_to(env, 1, SRV1, 8080);
	assert_int_equal(app.failed, 0);
	assert_int_equal(env->w.stats.tcp.active_opens, 1);

	/* The SYN-ACK completes it, with our ctx. */
	feed_synack(env, 1);
	assert_int_equal(app.connected, 1);
	assert_ptr_equal(ws_tcp_ctx(app.conn), &app);
	ws_tcp_get_info(app.conn, &info);
	assert_int_equal(info.state, WS_TCP_ESTABLISHED);
	assert_int_equal(info.remote_addr, rte_cpu_to_be_32(SRV1));
	assert_int_equal(info.remote_port, 8080);
	abort_conn(env);
	assert_int_equal(app.closed, 1);
	ws_test_clear_captured(env);

	/* Cached now: the SYN goes out at once. */
	assert_int_equal(ws_tcp_connect_name(&env->w, "WEB.ws.test", 8081,
		&app_ops, &app, app_failed), 0);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	assert_syn_to(env, 0, SRV1, 8081);
	ws_test_clear_captured(env);

	/* A dotted quad needs no server. */
	assert_int_equal(ws_tcp_connect_name(&env->w, "198.18.0.3", 8082,
		&app_ops, &app, app_failed), 0);
	ws_tx_flush(&env->w);
	assert_syn_to(env, 0, SRV3, 8082);
	assert_int_equal(app.failed, 0);
	assert_int_equal(env->w.stats.tcp.active_opens, 3);

	/* The connections die with the worker (reinit below). */
	ws_test_clear_captured(env);
	ws_test_env_reinit(env);
	ws_test_assert_no_leak(env);
}

static void
test_connect_by_name_failures(void **state)
{
	struct ws_test_env *env = *state;
	struct reply nx = { .rcode = WS_DNS_RCODE_NXDOMAIN };
	struct sent s;

	assert_int_equal(ws_tcp_connect_name(&env->w, "nx.ws.test", 80,
		&app_ops, &app, app_failed), 0);
	ws_tx_flush(&env->w);
	s = sent_query(env, 0);
	answer(env, &s, &nx);
	assert_int_equal(app.failed, 1);
	assert_int_equal(app.fail_status, -ENOENT);
	assert_string_equal(app.calls[0].name, "nx.ws.test");
	assert_int_equal(env->n_captured, 1);

	/* From the negative cache: 'failed' before the return. */
	assert_int_equal(ws_tcp_connect_name(&env->w, "nx.ws.test", 80,
		&app_ops, &app, app_failed), 0);
	assert_int_equal(app.failed, 2);
	assert_int_equal(app.fail_status, -ENOENT);

	/* Timeout. */
	assert_int_equal(ws_tcp_connect_name(&env->w, "slow.ws.test", 80,
		&app_ops, &app, app_failed), 0);
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	ws_test_advance_ms(env, TIMEOUT_MS);
	ws_test_run_timers(env);
	assert_int_equal(app.failed, 3);
	assert_int_equal(app.fail_status, -ETIMEDOUT);

	/* Refused before anything starts: nothing follows. */
	assert_int_equal(ws_tcp_connect_name(&env->w, "a..b", 80, &app_ops,
		&app, app_failed), -EINVAL);
	assert_int_equal(ws_tcp_connect_name(&env->w, "ok.ws.test", 80, NULL,
		&app, app_failed), -EINVAL);
	assert_int_equal(ws_tcp_connect_name(&env->w, "ok.ws.test", 80,
		&app_ops, &app, NULL), -EINVAL);

	/* Shutdown: 'failed' with -ECANCELED. */
	assert_int_equal(ws_tcp_connect_name(&env->w, "late.ws.test", 80,
		&app_ops, &app, app_failed), 0);
	ws_tx_flush(&env->w);
	ws_resolver_fini(&env->w);
	assert_int_equal(app.failed, 4);
	assert_int_equal(app.fail_status, -ECANCELED);
	assert_int_equal(app.connected, 0);
	assert_int_equal(env->w.stats.tcp.active_opens, 0);
	ws_test_assert_no_leak(env);
}

#define ONE(fn) cmocka_unit_test_setup_teardown(fn, setup_one, \
	ws_test_teardown)
#define TWO(fn) cmocka_unit_test_setup_teardown(fn, setup_two, \
	ws_test_teardown)

static const struct CMUnitTest tests[] = {
	ONE(test_query_on_wire),
	ONE(test_random_ids),
	ONE(test_answer_and_cache_hit),
	ONE(test_ttl_zero_and_cap),
	ONE(test_negative_caching),
	ONE(test_negative_without_soa),
	TWO(test_retries_rotate_then_timeout),
	TWO(test_late_answer_and_preference),
	TWO(test_server_errors),
	TWO(test_spoofed_replies),
	TWO(test_icmp_unreachable),
	ONE(test_coalescing),
	ONE(test_cache_eviction),
	ONE(test_pending_bound),
	ONE(test_literals_and_bad_names),
	ONE(test_callback_reentry),
	ONE(test_fini_cancels),
	ONE(test_connect_by_name),
	ONE(test_connect_by_name_failures),
};

WS_TEST_MAIN(tests)
