/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * woshou-gen: a traffic generator on the woshou stack.
 *
 *   syn-flood  spoofed-source SYNs at a rate, counting the SYN-ACKs and
 *              RSTs the target sends back to the spoofed sources
 *   http       real HTTP/1.1 clients over woshou's TCP, with latencies
 *   bulk       long TCP transfers to a sink, for throughput
 *   resist     an attack (a flood of spoofed SYNs, ACKs, RSTs, ...) and
 *              legitimate clients at once: how many clients still get in,
 *              every second (README, "resist")
 *
 * Everything that makes or counts traffic runs in the workers' poll and
 * foreign hooks (ws_worker_api.h); each worker has its own counters and
 * histograms, written only by that worker, so the fast path takes no lock.
 * The main thread reads the counters with relaxed loads once a second for
 * the progress line, and reads everything else after ws_stack_stop().
 *
 * Exit status: 0 ok, 1 target unreachable (no ARP answer, no answer to
 * any SYN, every HTTP request failed) or a runtime failure, 2 bad usage or
 * configuration.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_version.h>

#include "woshou.h"
#include "ws_app.h"
#include "ws_services_config.h"
#include "ws_tcp_api.h"
#include "ws_worker_api.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE WS_APP_EXIT_USAGE


#define GEN_BURST 32		/* SYNs built per allocation */
#define GEN_MAX_CATCHUP 64	/* SYNs one poll may send to catch up */
#define GEN_DEFAULT_DURATION 5.0
/* With --count and no --duration: still bounded in time. */
#define GEN_COUNT_DURATION_MAX 60.0
#define GEN_PROBE_WAIT_S 4.0	/* ARP resolve_timeout (3 s) and margin */
#define GEN_HDR_MAX 4096	/* HTTP response head we parse */
#define GEN_REQ_MAX 1024

/* Only the benchmarking range (RFC 2544) may be spoofed: 198.18.0.0/15. */
#define BENCH_NET 0xc6120000u
#define BENCH_MASK 0xfffe0000u

enum gen_mode {
	MODE_SYN_FLOOD = 1,
	MODE_HTTP,
	MODE_BULK,
	MODE_RESIST,
};

/* resist: what the attack sends. */
enum attack_kind {
	ATK_SYN,
	ATK_SYN_DATA,
	ATK_ACK,
	ATK_RST,
	ATK_FIN,
	ATK_SYNACK,
	ATK_N,		/* the kinds mix cycles through */
	ATK_MIX = ATK_N,
};

static const char *const attack_names[ATK_N + 1] = {
	"syn", "syn-data", "ack", "rst", "fin", "synack", "mix",
};

/* Options of the SYNs, SYN-ACKs and SYNs with data. */
/* MSS 1460, SACK permitted, timestamps, NOP, window scale 7: Linux order. */
#define SYN_OPT_LEN 20
/* What a SYN with data (--attack syn-data) carries. */
#define SYN_DATA_LEN 64

enum syn_opts {
	SYNOPT_LINUX,
	SYNOPT_NONE,
	SYNOPT_RANDOM,
};

static const char *const synopt_names[] = { "linux", "none", "random" };

enum phase_type {
	PHASE_RAMP,
	PHASE_HOLD,
	PHASE_STOP,
};

static const char *const phase_names[] = { "ramp", "hold", "stop" };

/* resist: one step of the attack plan; rates in packets per second. */
struct phase {
	enum phase_type type;
	uint64_t from;
	uint64_t to;
	double start;		/* seconds from the start of the run */
	double seconds;
	double cum;		/* packets the plan asked for before it */
};

#define RESIST_MAX_PHASES 32
#define RESIST_MAX_TIMEOUT_MS 60000
#define RESIST_DEFAULT_LEGIT_RATE 100

enum legit_kind {
	LEGIT_CONNECT,
	LEGIT_HTTP,
};

struct options {
	struct ws_app_options app;	/* --config, --set */
	enum gen_mode mode;
	bool json;
	const char *json_file;	/* NULL: stdout */
	uint32_t target;	/* network order */
	const char *target_text;
	uint16_t port;
	bool port_set;
	uint64_t rate;		/* packets per second; 0 = --max */
	uint64_t count;		/* 0 = none, run for the duration */
	double duration;
	bool duration_set;
	uint32_t src_net;	/* host order */
	uint8_t src_len;
	bool no_options;
	double wait;		/* syn-flood: seconds for late answers */
	double delay;		/* seconds between port up and traffic */
	const char *path;
	unsigned int concurrency;
	bool keepalive;
	bool receive;		/* bulk: read what the target sends */
	unsigned int timeout_ms;
	/* resist */
	enum attack_kind attack;
	enum syn_opts syn_opts;
	const char *sources_text;
	const char *allow_prefix;
	struct phase phases[RESIST_MAX_PHASES];
	unsigned int n_phases;
	bool max;
	enum legit_kind legit;
	uint64_t legit_rate;		/* new connections per second */
	unsigned int legit_conc;	/* 0: --legit-rate */
	bool csv;
	const char *csv_file;		/* NULL: stdout */
};

/* A log-linear histogram of microseconds: 16 linear steps per power of 2. */
#define HIST_SUB_BITS 4
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS (HIST_SUB * 60)

struct hist {
	uint64_t n;
	uint64_t max;
	uint64_t sum;
	uint64_t b[HIST_BUCKETS];
};

enum fail_reason {
	FAIL_REFUSED,
	FAIL_RESET,
	FAIL_TIMEOUT,
	FAIL_BAD_STATUS,
	FAIL_SHORT,
	FAIL_OTHER,
	FAIL_N,
};

static const char *const fail_names[FAIL_N] = {
	"refused", "reset", "timeout", "bad_status", "short_response", "other",
};

/* Written by the worker only; the main thread reads them relaxed. */
struct gen_counters {
	/* syn-flood */
	uint64_t sent;
	uint64_t syn_acks;
	uint64_t rsts;
	uint64_t other;
	uint64_t nombuf;
	/* http */
	uint64_t issued;
	uint64_t ok;
	uint64_t failed[FAIL_N];
	uint64_t connect_errors;
	uint64_t connections;
	uint64_t bytes;		/* http: received; bulk: sent or received */
	/* bulk: bytes of cleanly closed ones; received ones all count */
	uint64_t delivered;
	uint64_t active;
};

/*
 * resist: one second of the run on one worker. The counters are written by
 * the worker only (the main thread reads them relaxed for the progress
 * line); the quantiles are filled in when the second is retired, once no
 * attempt started in it can still be open.
 */
struct rs_sec {
	uint64_t offered;
	uint64_t sent;
	uint64_t synacks;
	uint64_t rsts;
	uint64_t attempts;
	uint64_t ok;
	uint64_t failed[FAIL_N];
	uint64_t hs_n;
	uint64_t hs_q[3];	/* p50, p99, p999 */
	uint64_t rsp_n;
	uint64_t rsp_q[3];
};

enum slot_state {
	SLOT_IDLE = 0,
	SLOT_CONNECTING,
	SLOT_BUSY,		/* request out, response being read */
	/*
	 * Response complete and the server said "Connection: close": wait
	 * for its FIN, so that TIME_WAIT (2 MSL) is the server's, as HTTP
	 * intends, and does not hold our ports.
	 */
	SLOT_DRAINING,
	SLOT_CLOSING,		/* closing or done; 'closed' to come */
};

struct gen_worker;

struct http_slot {
	struct gen_worker *gw;
	struct ws_tcp_conn *c;
	enum slot_state state;
	uint64_t t_start;	/* connect or request start, TSC */
	uint64_t deadline;	/* TSC */
	uint32_t req_off;	/* request bytes sent so far */
	bool peer_done;		/* FIN received */
	bool finished;		/* bulk receive: ended by the peer or by us */
	bool failed;		/* counted as a failure: once per attempt */
	bool server_close;	/* "Connection: close" in the response */
	bool hdr_done;
	bool has_len;
	int status;
	uint64_t body_left;
	uint64_t sent;		/* bulk: bytes taken by send, or received */
	uint64_t quota;		/* bulk: bytes; 0 = till the end */
	uint32_t hdr_len;
	uint32_t sec;		/* resist: the second the attempt started */
	uint32_t phase;		/* resist: the phase of that second */
	char hdr[GEN_HDR_MAX];
};

/*
 * A spoofed packet's IPv4 and TCP headers (options and data included) with
 * every field that changes per packet zero: IP ID, source address, source
 * port, sequence and acknowledgment numbers, TSval (and, for random
 * options, all 20 option bytes). 'sum' is the one's complement sum of the
 * TCP checksum (pseudo-header included) over the rest, so that a packet is
 * a copy, a few stores and a few additions instead of a header built field
 * by field and a checksum over all of it.
 */
#define PKT_TMPL_MAX (sizeof(struct rte_ipv4_hdr) + \
	sizeof(struct rte_tcp_hdr) + SYN_OPT_LEN + SYN_DATA_LEN)

struct pkt_tmpl {
	uint8_t b[PKT_TMPL_MAX];
	uint16_t len;		/* IPv4 total length */
	uint8_t how;		/* enum syn_opts when opt_len != 0 */
	uint8_t opt_len;	/* 0 or SYN_OPT_LEN */
	bool ack;		/* carries an acknowledgment number */
	uint32_t sum;
};

struct gen;

struct gen_worker {
	struct gen *g;
	struct ws_worker *w;
	unsigned int index;
	struct gen_counters cnt;
	/* syn-flood */
	uint64_t quota;		/* SYNs or requests; 0 = no cap */
	uint64_t rate;		/* its share of --rate; 0 = --max */
	uint64_t t0;		/* TSC the flood (after the probe) began */
	uint64_t paced;		/* SYNs sent since t0 */
	uint64_t rnd;		/* xorshift state */
	int phase;		/* 0 probe, 1 waiting, 2 flood, 3 done */
	uint64_t probe_deadline;
	uint64_t queued_before;
	uint64_t flushed_before;
	bool unreachable;
	uint32_t done;		/* set by the worker, read by main */
	uint64_t t_end;		/* TSC it was done; before 'done' */
	/* http */
	struct http_slot *slots;
	unsigned int n_slots;
	uint64_t next_check;
	char req[2][GEN_REQ_MAX];	/* [0] close, [1] keep-alive */
	uint32_t req_len[2];
	/* Connections take the stack's addresses (ip.addr_count) in turn. */
	uint32_t src_first;	/* host order */
	uint32_t n_src;
	uint32_t next_src;
	/*
	 * Warm-up: the first connection from each source address goes
	 * alone (warm_slot), until min(n_src, n_slots) have come up
	 * (warm_done). Meanwhile the server resolves that address by ARP,
	 * and for the very first we resolve the server, each side holding
	 * only a few packets; the others would wait out a 1 s RTO.
	 */
	struct http_slot *warm_slot;
	uint32_t warm_done;
	unsigned int next_open;	/* bulk: slots opened so far */
	struct hist h_connect;
	struct hist h_response;
	/* resist */
	bool rs_legit;		/* runs legitimate clients */
	bool rs_attack;		/* sends (a share of) the attack */
	uint32_t n_attack;	/* attack workers: the share is 1/n_attack */
	struct rs_sec *secs;	/* one per second of the run */
	uint32_t retired;	/* seconds before this one are final */
	struct hist *ring;	/* [2 * ring_len]: handshake, response */
	struct hist *ph_hist;	/* [2 * n_phases], the same per phase */
	uint64_t due;		/* attack packets the plan asked of it */
	uint32_t due_sec;	/* ... as of this second */
	uint64_t opened;	/* legit attempts --legit-rate asked for */
	uint64_t skipped;	/* ... that found no free slot */
	uint32_t mix;		/* the next kind of --attack mix */
} __rte_cache_aligned;

struct gen {
	struct options *opt;
	struct ws_stack *s;
	unsigned int n_workers;
	struct gen_worker *gw[WS_MAX_WORKERS];
	uint64_t hz;
	uint64_t begin;		/* TSC: traffic starts (after --delay) */
	uint64_t deadline;	/* TSC: stop starting new work */
	uint32_t stop;		/* main -> workers: wind down now */
	uint32_t src_base;	/* host order */
	uint32_t src_host_mask;
	uint16_t port_be;
	/* syn-flood and resist's attack: one template per kind (pkt_tmpl) */
	struct pkt_tmpl tmpl[ATK_N];
	/* resist */
	uint32_t n_secs;	/* records per worker: seconds, rounded up */
	uint32_t ring_len;	/* seconds an attempt may stay open, + margin */
	uint8_t *sec_phase;	/* [n_secs]: the phase of each second's start */
};

static const char *const mode_names[] = {
	[MODE_SYN_FLOOD] = "syn-flood",
	[MODE_HTTP] = "http",
	[MODE_BULK] = "bulk",
	[MODE_RESIST] = "resist",
};

static volatile sig_atomic_t quit;
/* Progress and summary: stdout, or stderr when the JSON goes there. */
static FILE *human;

static void
cnt_add(uint64_t *p, uint64_t n)
{
	__atomic_store_n(p, *p + n, __ATOMIC_RELAXED);
}

static uint64_t
cnt_get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint64_t
rnd_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* ---- histograms ---- */

static unsigned int
hist_index(uint64_t v)
{
	unsigned int msb;

	if (v < HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	if (msb - HIST_SUB_BITS + 1 >= HIST_BUCKETS / HIST_SUB)
		return HIST_BUCKETS - 1;
	return (msb - HIST_SUB_BITS + 1) * HIST_SUB +
		(unsigned int)((v >> (msb - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* The largest value of bucket i. */
static uint64_t
hist_upper(unsigned int i)
{
	unsigned int grp = i / HIST_SUB, sub = i % HIST_SUB, shift;

	if (grp == 0)
		return i;
	shift = grp - 1;
	return (((uint64_t)(HIST_SUB + sub) + 1) << shift) - 1;
}

static void
hist_add(struct hist *h, uint64_t v)
{
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
	h->b[hist_index(v)]++;
}

static void
hist_merge(struct hist *to, const struct hist *from)
{
	unsigned int i;

	to->n += from->n;
	to->sum += from->sum;
	if (from->max > to->max)
		to->max = from->max;
	for (i = 0; i < HIST_BUCKETS; i++)
		to->b[i] += from->b[i];
}

/* The q-quantile, as its bucket's upper bound (at most the maximum). */
static uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (h->n == 0)
		return 0;
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	v = hist_upper(i < HIST_BUCKETS ? i : HIST_BUCKETS - 1);
	return RTE_MIN(v, h->max);
}

static uint64_t
tsc_to_us(const struct gen *g, uint64_t t)
{
	return t * 1000000 / g->hz;
}

/* ---- usage ---- */

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: woshou-gen --config FILE [--set SECTION.KEY=VALUE]... "
		"[--json[=FILE]] MODE [OPTIONS]\n"
		"       woshou-gen --help | --version\n"
		"\n"
		"Generate traffic with the woshou stack on the port the "
		"configuration names.\n"
		"\n"
		"Modes:\n"
		"  syn-flood --target A.B.C.D --port N [--rate PPS | --max] "
		"[--sources PREFIX]\n"
		"            [--no-options] [--wait S]\n"
		"      SYNs from random addresses in PREFIX (default "
		"198.19.0.0/16, always\n"
		"      inside 198.18.0.0/15); counts the target's SYN-ACKs "
		"and RSTs to them.\n"
		"      Route PREFIX to this stack's address on the target "
		"so they come back.\n"
		"  http --target A.B.C.D [--port 80] [--path /] "
		"[--concurrency C] [--keepalive]\n"
		"       [--timeout MS]\n"
		"      HTTP/1.1 GET requests over real connections; "
		"latency percentiles.\n"
		"  bulk --target A.B.C.D --port N [--concurrency C] "
		"[--receive] [--timeout MS]\n"
		"      Connections that send zeros to a sink until the end "
		"(or --count bytes\n"
		"      in all), then close; throughput of what was "
		"delivered. With --receive,\n"
		"      they read what the target sends (a chargen, nc < "
		"file) instead.\n"
		"  resist --target A.B.C.D --port N [--attack KIND] "
		"[--syn-options linux|none|random]\n"
		"         [--sources PREFIX [--allow-prefix PREFIX]] "
		"[--rate PPS | --max | --phase P...]\n"
		"         [--legit connect|http] [--path /] "
		"[--legit-rate R | --legit-concurrency C]\n"
		"         [--timeout MS] [--csv[=FILE]]\n"
		"      An attack and legitimate clients at once, on the same "
		"port; every second:\n"
		"      attack packets offered and sent, the target's SYN-ACKs "
		"and RSTs to the\n"
		"      spoofed sources, legitimate attempts, successes, "
		"failures by reason and\n"
		"      latency; at the end success per phase, breaking points "
		"and recovery.\n"
		"      KIND: syn (default), syn-data, ack, rst, fin, synack, "
		"mix (each in turn).\n"
		"      A PREFIX outside 198.18.0.0/15 needs --allow-prefix "
		"naming it exactly.\n"
		"      Phases, in order, repeatable; the run lasts their sum:\n"
		"        --phase ramp:A-B:T   from A to B pps over T seconds\n"
		"        --phase hold:P:T     P pps for T seconds\n"
		"        --phase stop:T       no attack for T seconds\n"
		"      e.g. --phase ramp:0-50000:5 --phase hold:50000:3 "
		"--phase stop:2\n"
		"      Legitimate clients: connect (handshake, then close; "
		"default) or http (GET\n"
		"      PATH, Connection: close), --legit-rate new ones per "
		"second (default 100)\n"
		"      or --legit-concurrency at a time; --timeout for each "
		"whole attempt\n"
		"      (default 2000 ms, at most 60000).\n"
		"  http, bulk and resist's clients connect from each of the "
		"stack's addresses\n"
		"  in turn (ip.addr and the ip.addr_count - 1 after it).\n"
		"\n"
		"Before MODE:\n"
		"  -c, --config FILE       INI configuration "
		"(see drivers-config/net_tap.ini)\n"
		"  -s, --set S.K=VALUE     override a configuration key; "
		"repeatable\n"
		"  -h, --help              this text\n"
		"  -V, --version           versions\n"
		"\n"
		"After MODE, with the mode's options:\n"
		"      --duration S        run this long, up to 86400 "
		"(default 5; with --count,\n"
		"                          a limit of 60); SIGINT or "
		"SIGTERM ends it early,\n"
		"                          with its report\n"
		"      --count N           SYNs to send, requests to make, or "
		"bytes (bulk)\n"
		"      --json[=FILE]       the result as one JSON object on "
		"stdout (or FILE);\n"
		"                          also before MODE\n"
		"      --delay S           wait S seconds after the port is "
		"up before sending\n"
		"                          (to configure the kernel side of "
		"a tap meanwhile)\n"
		"\n"
		"Exit status: 0 ok, 1 target unreachable or runtime failure, "
		"2 bad usage or configuration.\n");
}

static uint64_t
parse_u64(const char *name, const char *text, uint64_t min, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
			v < min || v > max)
		ws_app_fail_usage("%s: '%s' is not a number in %" PRIu64
			"..%" PRIu64, name, text, min, max);
	return v;
}

static double
parse_seconds(const char *name, const char *text)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(v > 0) ||
			v > 86400)
		ws_app_fail_usage("%s: '%s' is not a number of seconds in "
			"(0, 86400]", name, text);
	return v;
}

static uint32_t
parse_addr(const char *name, const char *text)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text, &a) != 1)
		ws_app_fail_usage("%s: '%s' is not an IPv4 address A.B.C.D",
			name, text);
	return a.s_addr;
}

static void
parse_prefix(struct options *opt, const char *text)
{
	char buf[64], *slash;
	uint32_t addr, mask;
	uint64_t len;

	if (strlen(text) >= sizeof(buf))
		ws_app_fail_usage("--sources: '%s' is not a prefix A.B.C.D/LEN",
			text);
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash == NULL)
		ws_app_fail_usage("--sources: '%s' is not a prefix A.B.C.D/LEN",
			text);
	*slash = '\0';
	addr = ntohl(parse_addr("--sources", buf));
	len = parse_u64("--sources length", slash + 1, 1, 32);
	/* Random hosts need room: neither network nor broadcast address. */
	if (len > 30)
		ws_app_fail_usage("--sources: '%s' is longer than /30", text);
	mask = (uint32_t)(0xffffffffu << (32 - len));
	if ((addr & mask) != addr)
		ws_app_fail_usage("--sources: '%s' has host bits set", text);
	opt->src_net = addr;
	opt->src_len = (uint8_t)len;
	opt->sources_text = text;
}

/*
 * Only the benchmarking range may be spoofed, unless (resist) the user
 * names the very prefix again with --allow-prefix: a second, deliberate
 * statement that this network may be flooded.
 */
static void
check_sources(const struct options *opt)
{
	if (opt->src_len >= 15 && (opt->src_net & BENCH_MASK) == BENCH_NET)
		return;
	if (opt->mode == MODE_RESIST && opt->allow_prefix != NULL &&
			strcmp(opt->allow_prefix, opt->sources_text) == 0)
		return;
	if (opt->mode == MODE_RESIST)
		ws_app_fail_usage("--sources: '%s' is outside 198.18.0.0/15, "
			"the only range woshou-gen spoofs unless "
			"--allow-prefix names that prefix exactly",
			opt->sources_text);
	ws_app_fail_usage("--sources: '%s' is outside 198.18.0.0/15, "
		"the only range woshou-gen spoofs", opt->sources_text);
}

/* A whole number of packets per second for --phase. */
static uint64_t
parse_pps(const char *phase, const char *text, size_t len)
{
	char buf[32];

	if (len == 0 || len >= sizeof(buf))
		ws_app_fail_usage("--phase: '%s': a rate is missing or too "
			"long (see --help)", phase);
	memcpy(buf, text, len);
	buf[len] = '\0';
	return parse_u64("--phase rate", buf, 0, 100000000);
}

/* ramp:A-B:T, hold:P:T or stop:T (see usage()). */
static void
parse_phase(struct options *opt, const char *text)
{
	struct phase *ph;
	const char *a, *t, *dash;

	if (opt->n_phases == RESIST_MAX_PHASES)
		ws_app_fail_usage("--phase: at most %u phases",
			RESIST_MAX_PHASES);
	ph = &opt->phases[opt->n_phases];
	memset(ph, 0, sizeof(*ph));
	t = strrchr(text, ':');
	if (t == NULL)
		ws_app_fail_usage("--phase: '%s' is not ramp:A-B:T, hold:P:T "
			"or stop:T", text);
	ph->seconds = parse_seconds("--phase seconds", t + 1);
	if (strncmp(text, "ramp:", 5) == 0) {
		a = text + 5;
		dash = memchr(a, '-', (size_t)(t - a));
		if (dash == NULL)
			ws_app_fail_usage("--phase: '%s' is not ramp:A-B:T",
				text);
		ph->type = PHASE_RAMP;
		ph->from = parse_pps(text, a, (size_t)(dash - a));
		ph->to = parse_pps(text, dash + 1, (size_t)(t - dash - 1));
	} else if (strncmp(text, "hold:", 5) == 0) {
		a = text + 5;
		ph->type = PHASE_HOLD;
		ph->from = parse_pps(text, a, (size_t)(t - a));
		ph->to = ph->from;
	} else if (strncmp(text, "stop:", 5) == 0 && t == text + 4) {
		ph->type = PHASE_STOP;
	} else {
		ws_app_fail_usage("--phase: '%s' is not ramp:A-B:T, hold:P:T "
			"or stop:T", text);
	}
	opt->n_phases++;
}

/* An index into 'names', or a usage error naming the option. */
static unsigned int
parse_choice(const char *name, const char *text, const char *const *names,
		unsigned int n, const char *list)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(text, names[i]) == 0)
			return i;
	ws_app_fail_usage("%s: '%s' is not one of %s", name, text, list);
	return 0;
}

/*
 * The attack plan of a resist run: --phase as given, or one hold phase
 * at --rate (or --max) for --duration; the phases' start times and the
 * packets asked for before each.
 */
static void
resist_plan(struct options *opt, bool rate_set)
{
	struct phase *ph;
	double t = 0, cum = 0;
	unsigned int i;

	if (opt->n_phases == 0) {
		ph = &opt->phases[0];
		ph->type = rate_set || opt->max ? PHASE_HOLD : PHASE_STOP;
		ph->from = ph->to = opt->rate;
		ph->seconds = opt->duration;
		opt->n_phases = 1;
	}
	for (i = 0; i < opt->n_phases; i++) {
		ph = &opt->phases[i];
		ph->start = t;
		ph->cum = cum;
		t += ph->seconds;
		cum += (double)(ph->from + ph->to) / 2 * ph->seconds;
	}
	opt->duration = t;
}

/*
 * The path goes into the request line as it is, and into the JSON result:
 * nothing there may need quoting.
 */
static bool
path_ok(const char *p)
{
	size_t i;

	if (p[0] != '/' || strlen(p) > 512)
		return false;
	for (i = 0; p[i] != '\0'; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f ||
				p[i] == '"' || p[i] == '\\')
			return false;
	return true;
}

/* "--json FILE" as well as "--json=FILE", where FILE is not an option. */
static void
take_json(struct options *opt, int argc, char **argv, bool before_mode)
{
	opt->json = true;
	opt->json_file = NULL;
	if (optarg != NULL) {
		opt->json_file = optarg;
		return;
	}
	if (optind < argc && argv[optind][0] != '-' &&
			!(before_mode &&
			(strcmp(argv[optind], "syn-flood") == 0 ||
			strcmp(argv[optind], "http") == 0 ||
			strcmp(argv[optind], "bulk") == 0 ||
			strcmp(argv[optind], "resist") == 0)))
		opt->json_file = argv[optind++];
}

/* "--csv FILE" as well as "--csv=FILE", where FILE is not an option. */
static void
take_csv(struct options *opt, int argc, char **argv)
{
	opt->csv = true;
	opt->csv_file = optarg;
	if (optarg == NULL && optind < argc && argv[optind][0] != '-')
		opt->csv_file = argv[optind++];
}

enum {
	OPT_JSON = 256, OPT_TARGET, OPT_PORT, OPT_RATE, OPT_MAX, OPT_COUNT,
	OPT_DURATION, OPT_SOURCES, OPT_NO_OPTIONS, OPT_WAIT, OPT_PATH,
	OPT_CONCURRENCY, OPT_KEEPALIVE, OPT_TIMEOUT, OPT_DELAY, OPT_RECEIVE,
	OPT_ATTACK, OPT_SYN_OPTIONS, OPT_ALLOW_PREFIX, OPT_PHASE, OPT_LEGIT,
	OPT_LEGIT_RATE, OPT_LEGIT_CONC, OPT_CSV,
};

/* Whether option 'c' means something in 'mode': others are mistakes. */
static bool
option_applies(int c, enum gen_mode mode)
{
	switch (c) {
	case OPT_RATE:
	case OPT_MAX:
	case OPT_SOURCES:
		return mode == MODE_SYN_FLOOD || mode == MODE_RESIST;
	case OPT_NO_OPTIONS:
	case OPT_WAIT:
		return mode == MODE_SYN_FLOOD;
	case OPT_CONCURRENCY:
		return mode == MODE_HTTP || mode == MODE_BULK;
	case OPT_TIMEOUT:
		return mode != MODE_SYN_FLOOD;
	case OPT_PATH:
		return mode == MODE_HTTP || mode == MODE_RESIST;
	case OPT_KEEPALIVE:
		return mode == MODE_HTTP;
	case OPT_RECEIVE:
		return mode == MODE_BULK;
	case OPT_COUNT:
		return mode != MODE_RESIST;
	case OPT_ATTACK:
	case OPT_SYN_OPTIONS:
	case OPT_ALLOW_PREFIX:
	case OPT_PHASE:
	case OPT_LEGIT:
	case OPT_LEGIT_RATE:
	case OPT_LEGIT_CONC:
	case OPT_CSV:
		return mode == MODE_RESIST;
	default:
		return true;
	}
}

static void
parse_mode_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "max", no_argument, NULL, OPT_MAX },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "sources", required_argument, NULL, OPT_SOURCES },
		{ "no-options", no_argument, NULL, OPT_NO_OPTIONS },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
		{ "keepalive", no_argument, NULL, OPT_KEEPALIVE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "receive", no_argument, NULL, OPT_RECEIVE },
		{ "attack", required_argument, NULL, OPT_ATTACK },
		{ "syn-options", required_argument, NULL, OPT_SYN_OPTIONS },
		{ "allow-prefix", required_argument, NULL, OPT_ALLOW_PREFIX },
		{ "phase", required_argument, NULL, OPT_PHASE },
		{ "legit", required_argument, NULL, OPT_LEGIT },
		{ "legit-rate", required_argument, NULL, OPT_LEGIT_RATE },
		{ "legit-concurrency", required_argument, NULL,
			OPT_LEGIT_CONC },
		{ "csv", optional_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool flood = opt->mode == MODE_SYN_FLOOD;
	bool bulk = opt->mode == MODE_BULK;
	bool resist = opt->mode == MODE_RESIST;
	bool rate_set = false, max_set = false, timeout_set = false;
	bool legit_rate_set = false;
	int c, idx;

	while ((c = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
		/* Options of another mode are mistakes, not no-ops. */
		if (c >= OPT_JSON && !option_applies(c, opt->mode))
			ws_app_fail_usage("option '--%s' does not apply to %s "
				"(see --help)", longopts[idx].name,
				mode_names[opt->mode]);
		switch (c) {
		case OPT_JSON:
			take_json(opt, argc, argv, false);
			break;
		case OPT_TARGET:
			opt->target = parse_addr("--target", optarg);
			opt->target_text = optarg;
			break;
		case OPT_PORT:
			opt->port = (uint16_t)parse_u64("--port", optarg, 1,
				65535);
			opt->port_set = true;
			break;
		case OPT_RATE:
			opt->rate = parse_u64("--rate", optarg, 1,
				100000000);
			rate_set = true;
			break;
		case OPT_MAX:
			max_set = true;
			break;
		case OPT_COUNT:
			opt->count = parse_u64("--count", optarg, 1,
				UINT64_C(1) << 40);
			break;
		case OPT_DURATION:
			opt->duration = parse_seconds("--duration", optarg);
			opt->duration_set = true;
			break;
		case OPT_SOURCES:
			parse_prefix(opt, optarg);
			break;
		case OPT_NO_OPTIONS:
			opt->no_options = true;
			break;
		case OPT_WAIT:
			opt->wait = parse_seconds("--wait", optarg);
			break;
		case OPT_DELAY:
			opt->delay = parse_seconds("--delay", optarg);
			break;
		case OPT_PATH:
			if (!path_ok(optarg))
				ws_app_fail_usage("--path: '%s' must start "
					"with '/', be at most 512 bytes and "
					"hold no blank, control character, "
					"'\"' or '\\'", optarg);
			opt->path = optarg;
			break;
		case OPT_CONCURRENCY:
			opt->concurrency = (unsigned int)parse_u64(
				"--concurrency", optarg, 1, 65536);
			break;
		case OPT_KEEPALIVE:
			opt->keepalive = true;
			break;
		case OPT_RECEIVE:
			opt->receive = true;
			break;
		case OPT_TIMEOUT:
			opt->timeout_ms = (unsigned int)parse_u64("--timeout",
				optarg, 1, resist ? RESIST_MAX_TIMEOUT_MS :
				600000);
			timeout_set = true;
			break;
		case OPT_ATTACK:
			opt->attack = (enum attack_kind)parse_choice("--attack",
				optarg, attack_names, ATK_N + 1, "syn, "
				"syn-data, ack, rst, fin, synack, mix");
			break;
		case OPT_SYN_OPTIONS:
			opt->syn_opts = (enum syn_opts)parse_choice(
				"--syn-options", optarg, synopt_names, 3,
				"linux, none, random");
			break;
		case OPT_ALLOW_PREFIX:
			opt->allow_prefix = optarg;
			break;
		case OPT_PHASE:
			parse_phase(opt, optarg);
			break;
		case OPT_LEGIT:
			opt->legit = strcmp(optarg, "http") == 0 ? LEGIT_HTTP :
				LEGIT_CONNECT;
			if (strcmp(optarg, "http") != 0 &&
					strcmp(optarg, "connect") != 0)
				ws_app_fail_usage("--legit: '%s' is not one "
					"of connect, http", optarg);
			break;
		case OPT_LEGIT_RATE:
			opt->legit_rate = parse_u64("--legit-rate", optarg, 1,
				1000000);
			legit_rate_set = true;
			break;
		case OPT_LEGIT_CONC:
			opt->legit_conc = (unsigned int)parse_u64(
				"--legit-concurrency", optarg, 1, 65536);
			break;
		case OPT_CSV:
			take_csv(opt, argc, argv);
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			ws_app_option_error(c, argv);
		}
	}
	if (optind < argc)
		ws_app_fail_usage("unexpected argument '%s' (see --help)",
			argv[optind]);
	if (opt->target_text == NULL)
		ws_app_fail_usage("--target A.B.C.D is required (see --help)");
	check_sources(opt);
	if (resist) {
		if (!opt->port_set)
			ws_app_fail_usage("--port N is required for resist");
		if ((rate_set || max_set) && opt->n_phases != 0)
			ws_app_fail_usage("--phase excludes --rate and --max");
		if (rate_set && max_set)
			ws_app_fail_usage("--rate and --max exclude each "
				"other");
		if (!rate_set && !max_set && opt->n_phases == 0)
			ws_app_fail_usage("resist needs --rate PPS, --max or "
				"--phase (--phase stop:T for no attack)");
		if (opt->n_phases != 0 && opt->duration_set)
			ws_app_fail_usage("--duration excludes --phase: the "
				"run lasts the sum of the phases");
		if (legit_rate_set && opt->legit_conc != 0)
			ws_app_fail_usage("--legit-rate and "
				"--legit-concurrency exclude each other");
		if (opt->legit_conc == 0 && !legit_rate_set)
			opt->legit_rate = RESIST_DEFAULT_LEGIT_RATE;
		if (!timeout_set)
			opt->timeout_ms = 2000;
		if (opt->json && opt->json_file == NULL && opt->csv &&
				opt->csv_file == NULL)
			ws_app_fail_usage("--json and --csv cannot both go to "
				"stdout: give one a FILE");
		if (max_set)
			opt->rate = 0;
		opt->max = max_set;
		if (!opt->duration_set)
			opt->duration = GEN_DEFAULT_DURATION;
		resist_plan(opt, rate_set);
		if (opt->duration > 86400)
			ws_app_fail_usage("--phase: the phases add up to more "
				"than 86400 s");
		return;
	}
	if (flood) {
		if (!opt->port_set)
			ws_app_fail_usage("--port N is required for syn-flood");
		if (rate_set && max_set)
			ws_app_fail_usage("--rate and --max exclude each "
				"other");
		if (!rate_set && !max_set)
			ws_app_fail_usage("syn-flood needs --rate PPS or "
				"--max");
		if (max_set)
			opt->rate = 0;
	} else if (bulk) {
		if (!opt->port_set)
			ws_app_fail_usage("--port N is required for bulk");
	} else if (!opt->port_set) {
		opt->port = 80;
	}
	if (!opt->duration_set)
		opt->duration = opt->count != 0 ? GEN_COUNT_DURATION_MAX :
			GEN_DEFAULT_DURATION;
}

/* --json before the mode. */
static void
own_option(int c, int argc, char **argv, void *ctx)
{
	if (c == OPT_JSON)
		take_json(ctx, argc, argv, true);
}

/* Exits for --help, --version and every usage error. */
static void
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option own[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const struct ws_app_cmdline cl = {
		.name = "woshou-gen", .hint = " (see --help)",
		.version = true, .usage = usage, .long_opts = own,
		.option = own_option, .ctx = opt,
	};
	const char *mode;
	int first;

	memset(opt, 0, sizeof(*opt));
	opt->src_net = 0xc6130000u;	/* 198.19.0.0/16 */
	opt->src_len = 16;
	opt->sources_text = "198.19.0.0/16";
	opt->path = "/";
	opt->concurrency = 1;
	opt->wait = 1.0;
	opt->timeout_ms = 5000;
	/* It stops at the mode, whose options follow it. */
	first = ws_app_parse_options(argc, argv, &cl, &opt->app);
	ws_app_require_config(&opt->app);
	if (first >= argc)
		ws_app_fail_usage("a mode is required: syn-flood, http, bulk "
			"or resist (see --help)");
	mode = argv[first];
	if (strcmp(mode, "syn-flood") == 0)
		opt->mode = MODE_SYN_FLOOD;
	else if (strcmp(mode, "http") == 0)
		opt->mode = MODE_HTTP;
	else if (strcmp(mode, "bulk") == 0)
		opt->mode = MODE_BULK;
	else if (strcmp(mode, "resist") == 0)
		opt->mode = MODE_RESIST;
	else
		ws_app_fail_usage("unknown mode '%s': syn-flood, http, bulk "
			"or resist", mode);
	/* Parse what follows the mode as a command line of its own. */
	argv += first;
	argc -= first;
	optind = 1;
	parse_mode_options(argc, argv, opt);
}

/* ---- EAL and stack ---- */

static void
start_eal(const struct ws_config *cfg, const char *prog)
{
	char why[256];
	int ret;

	if (ws_app_check_lcore_cpus(cfg, why, sizeof(why)) < 0)
		ws_app_fail_usage("%s", why);
	ret = ws_app_start_eal(cfg, prog, "woshou-gen", NULL, 0);
	if (ret == -EINVAL || ret == -ENOMEM)
		exit(EXIT_USAGE);
	if (ret < 0)
		exit(EXIT_RUNTIME);
}

static bool
gen_stopping(struct gen *g)
{
	return __atomic_load_n(&g->stop, __ATOMIC_RELAXED) != 0;
}

static void
worker_done(struct gen_worker *gw)
{
	if (gw->t_end == 0)
		gw->t_end = rte_rdtsc();
	__atomic_store_n(&gw->done, 1, __ATOMIC_RELEASE);
}

/*
 * resist: the second of the run 'tsc' falls in. What happens after the
 * last second (late answers, attempts finishing) counts in the last one,
 * so that the series always adds up to the totals.
 */
static uint32_t
rs_sec_of(const struct gen *g, uint64_t tsc)
{
	uint64_t sec;

	if (tsc <= g->begin)
		return 0;
	sec = (tsc - g->begin) / g->hz;
	return sec >= g->n_secs ? g->n_secs - 1 : (uint32_t)sec;
}

static struct rs_sec *
rs_rec(struct gen_worker *gw, uint64_t tsc)
{
	return &gw->secs[rs_sec_of(gw->g, tsc)];
}

/* ---- syn-flood ---- */

static const char syn_data[SYN_DATA_LEN] =
	"GET / HTTP/1.1\r\nHost: woshou-gen syn-data\r\n\r\n";

/* The 20 bytes of SYN options: Linux's, or (random) random values. */
static void
put_syn_options(uint8_t *o, enum syn_opts how, uint64_t r, uint64_t r2)
{
	uint16_t mss = 1460;
	uint8_t ws = 7;

	if (how == SYNOPT_RANDOM) {
		mss = (uint16_t)(536 + (r2 >> 40) % (9000 - 536 + 1));
		ws = (uint8_t)((r2 >> 56) % 15);
	}
	o[0] = 2;	/* MSS */
	o[1] = 4;
	o[2] = (uint8_t)(mss >> 8);
	o[3] = (uint8_t)(mss & 0xff);
	o[4] = 4;	/* SACK permitted */
	o[5] = 2;
	o[6] = 8;	/* timestamps */
	o[7] = 10;
	memcpy(&o[8], (const uint8_t *)&r2 + 4, 4);
	memset(&o[12], 0, 4);
	o[16] = 1;	/* NOP */
	o[17] = 3;	/* window scale */
	o[18] = 3;
	o[19] = ws;
	if (how != SYNOPT_RANDOM)
		return;
	/* Random: each of SACK-permitted and timestamps may be absent. */
	if (r & (1u << 20))
		memset(&o[4], 1, 2);
	if (r & (1u << 21))
		memset(&o[6], 1, 10);
}

/*
 * The template of 'kind' (struct pkt_tmpl): a spoofed packet from the
 * prefix to the target, with options as 'how' says for SYNs (with data
 * too) and SYN-ACKs; ACK, RST and FIN (with ACK, as a stray FIN of an
 * established connection) carry none.
 */
static void
pkt_template(struct gen *g, struct pkt_tmpl *t, enum attack_kind kind,
		enum syn_opts how)
{
	const struct options *opt = g->opt;
	bool syn = kind == ATK_SYN || kind == ATK_SYN_DATA ||
		kind == ATK_SYNACK;
	uint16_t opt_len = syn && how != SYNOPT_NONE ? SYN_OPT_LEN : 0;
	uint16_t tcp_len = sizeof(struct rte_tcp_hdr) + opt_len;
	uint16_t data_len = kind == ATK_SYN_DATA ? SYN_DATA_LEN : 0;
	uint16_t len = sizeof(struct rte_ipv4_hdr) + tcp_len + data_len;
	static const uint8_t flags[ATK_N] = {
		[ATK_SYN] = RTE_TCP_SYN_FLAG,
		[ATK_SYN_DATA] = RTE_TCP_SYN_FLAG,
		[ATK_ACK] = RTE_TCP_ACK_FLAG,
		[ATK_RST] = RTE_TCP_RST_FLAG,
		[ATK_FIN] = RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG,
		[ATK_SYNACK] = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
	};
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)t->b;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t *o = (uint8_t *)(th + 1);

	memset(t, 0, sizeof(*t));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->dst_addr = opt->target;
	th->dst_port = g->port_be;
	th->data_off = (uint8_t)((tcp_len / 4) << 4);
	th->tcp_flags = flags[kind];
	th->rx_win = rte_cpu_to_be_16(kind == ATK_RST ? 0 :
		syn ? 64240 : 502);
	/* Random options are written whole per packet; Linux's but TSval. */
	if (opt_len != 0 && how != SYNOPT_RANDOM)
		put_syn_options(o, how, 0, 0);
	if (data_len != 0)
		memcpy(o + opt_len, syn_data, data_len);
	t->len = len;
	t->how = (uint8_t)how;
	t->opt_len = (uint8_t)opt_len;
	/* Only what has ACK set carries an acknowledgment number. */
	t->ack = (flags[kind] & RTE_TCP_ACK_FLAG) != 0;
	/* The pseudo-header's source is zero here, as is the header's. */
	t->sum = (uint32_t)rte_ipv4_phdr_cksum(ip, 0) +
		rte_raw_cksum(th, tcp_len + data_len);
}

/* The two 16-bit words of a 32-bit field, as the checksum adds them. */
static inline uint32_t
sum32(uint32_t v)
{
	return (v & 0xffff) + (v >> 16);
}

/*
 * One spoofed packet from template 't': a random address of the prefix
 * and a random port, random sequence and acknowledgment numbers and TSval.
 * The TCP checksum is the template's sum plus the words written here, as
 * rte_ipv4_udptcp_cksum would compute it over the whole (the IPv4 header's
 * is the stack's, on output).
 */
static inline void
build_pkt(struct gen_worker *gw, struct rte_mbuf *m,
		const struct pkt_tmpl *t)
{
	struct gen *g = gw->g;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t *o = (uint8_t *)(th + 1);
	uint64_t r = rnd_next(&gw->rnd), r2 = rnd_next(&gw->rnd);
	uint32_t host, src, seq = (uint32_t)r2, ack, ts, sum;
	uint16_t sport;

	/* Neither the network nor the broadcast address of the prefix. */
	host = (uint32_t)r & g->src_host_mask;
	if (host == 0 || host == g->src_host_mask)
		host = 1;
	src = rte_cpu_to_be_32(g->src_base | host);
	sport = rte_cpu_to_be_16((uint16_t)(1024 +
		(uint16_t)(r >> 48) % (65536 - 1024)));
	/*
	 * A fresh mbuf: its data starts at the headroom, empty, with room
	 * for the whole template. Copies of a constant size are a few
	 * vector moves, not a call: 64 bytes hold all but the SYN with data.
	 */
	RTE_BUILD_BUG_ON(PKT_TMPL_MAX <= 64);
	memcpy(ip, t->b, 64);
	if (t->len > 64)
		memcpy((uint8_t *)ip + 64, t->b + 64, PKT_TMPL_MAX - 64);
	m->data_len = t->len;
	m->pkt_len = t->len;
	ip->packet_id = (uint16_t)(r >> 32);
	ip->src_addr = src;
	th->src_port = sport;
	th->sent_seq = seq;
	sum = t->sum + sum32(src) + sport + sum32(seq);
	if (t->ack) {
		ack = (uint32_t)(r2 >> 32) ^ (uint32_t)r;
		th->recv_ack = ack;
		sum += sum32(ack);
	}
	if (t->opt_len != 0) {
		if (t->how == SYNOPT_RANDOM) {
			put_syn_options(o, SYNOPT_RANDOM, r, r2);
			sum += rte_raw_cksum(o, SYN_OPT_LEN);
		} else {
			/* TSval: r2's upper half, as put_syn_options. */
			memcpy(&ts, (const uint8_t *)&r2 + 4, 4);
			memcpy(&o[8], &ts, 4);
			sum += sum32(ts);
		}
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	th->cksum = (uint16_t)~sum;
}

/* syn-flood's SYN, or the next packet of resist's attack. */
static void
build_syn(struct gen_worker *gw, struct rte_mbuf *m)
{
	const struct options *opt = gw->g->opt;
	enum attack_kind kind = ATK_SYN;

	if (opt->mode == MODE_RESIST) {
		kind = opt->attack;
		if (kind == ATK_MIX) {
			kind = (enum attack_kind)gw->mix;
			if (++gw->mix == ATK_N)
				gw->mix = 0;
		}
	}
	build_pkt(gw, m, &gw->g->tmpl[kind]);
}

/* Every kind's template: syn-flood uses ATK_SYN, resist what --attack says. */
static void
pkt_templates(struct gen *g)
{
	const struct options *opt = g->opt;
	enum syn_opts how = opt->mode == MODE_RESIST ? opt->syn_opts :
		opt->no_options ? SYNOPT_NONE : SYNOPT_LINUX;
	unsigned int k;

	for (k = 0; k < ATK_N; k++)
		pkt_template(g, &g->tmpl[k], (enum attack_kind)k, how);
}

static unsigned int
send_syns(struct gen_worker *gw, unsigned int n)
{
	struct rte_mbuf *pkts[GEN_BURST];
	unsigned int i;

	n = RTE_MIN(n, (unsigned int)GEN_BURST);
	if (rte_pktmbuf_alloc_bulk(ws_worker_mempool(gw->w), pkts, n) != 0) {
		cnt_add(&gw->cnt.nombuf, 1);
		return 0;
	}
	for (i = 0; i < n; i++) {
		build_syn(gw, pkts[i]);
		ws_worker_send_ipv4(gw->w, pkts[i]);
	}
	cnt_add(&gw->cnt.sent, n);
	if (gw->secs != NULL)
		cnt_add(&rs_rec(gw, rte_rdtsc())->sent, n);
	return n;
}

/*
 * Each worker has its own ARP cache, and holds only arp.queue_len packets
 * while it resolves: a flood would lose its first SYNs to that. So each
 * worker sends one SYN first and floods once the stack's counters say it
 * went out (sent at once, or held and flushed on the ARP reply).
 */
static void
flood_probe(struct gen_worker *gw, uint64_t now)
{
	struct gen *g = gw->g;
	struct ws_stats st;

	ws_stack_stats(g->s, (int)gw->index, &st);
	if (gw->phase == 0) {
		gw->queued_before = st.arp.queued;
		gw->flushed_before = st.arp.queue_flushed;
		gw->probe_deadline = now + (uint64_t)(GEN_PROBE_WAIT_S *
			(double)g->hz);
		if (send_syns(gw, 1) == 1) {
			gw->paced = 1;
			gw->phase = 1;
		}
		return;
	}
	/* Re-read after the send: queued changes there if ARP held it. */
	if (st.arp.queued == gw->queued_before ||
			st.arp.queue_flushed != gw->flushed_before) {
		gw->phase = 2;
		/* resist paces by its plan, from the start of the run. */
		if (g->opt->mode != MODE_RESIST) {
			gw->t0 = now;
			gw->paced = 0;
		}
		return;
	}
	if (now > gw->probe_deadline) {
		gw->unreachable = true;
		gw->phase = 3;
		/* A resist worker may have clients to look after still. */
		if (g->opt->mode != MODE_RESIST)
			worker_done(gw);
	}
}

static void
flood_poll(struct ws_worker *w, void *arg)
{
	struct gen_worker *gw = arg;
	struct gen *g = gw->g;
	uint64_t now = rte_rdtsc(), due, n, sent;

	RTE_SET_USED(w);
	if (gw->phase == 3 || now < g->begin)
		return;
	if (gen_stopping(g) || now >= g->deadline) {
		/* Stopped while the probe still waited for ARP. */
		if (gw->phase == 1) {
			struct ws_stats st;

			ws_stack_stats(g->s, (int)gw->index, &st);
			gw->unreachable = st.arp.queued != gw->queued_before &&
				st.arp.queue_flushed == gw->flushed_before;
		}
		gw->phase = 3;
		worker_done(gw);
		return;
	}
	if (gw->phase < 2) {
		flood_probe(gw, now);
		return;
	}
	sent = gw->cnt.sent;
	if (gw->quota != 0 && sent >= gw->quota) {
		gw->phase = 3;
		worker_done(gw);
		return;
	}
	if (gw->rate == 0) {
		n = GEN_BURST;
	} else {
		due = (now - gw->t0) * gw->rate / g->hz;
		if (due <= gw->paced)
			return;
		n = RTE_MIN(due - gw->paced, (uint64_t)GEN_MAX_CATCHUP);
	}
	if (gw->quota != 0)
		n = RTE_MIN(n, gw->quota - sent);
	while (n > 0) {
		uint64_t k = send_syns(gw, (unsigned int)n);

		if (k == 0)
			break;
		gw->paced += k;
		n -= k;
	}
	/* A worker that fell far behind does not try to catch up at once. */
	if (gw->rate != 0) {
		due = (now - gw->t0) * gw->rate / g->hz;
		if (due > gw->paced + 4 * GEN_MAX_CATCHUP)
			gw->paced = due - 4 * GEN_MAX_CATCHUP;
	}
}

/* The target's answers to our spoofed sources. */
static bool
flood_foreign(struct ws_worker *w, struct rte_mbuf *m, void *arg)
{
	struct gen_worker *gw = arg;
	struct gen *g = gw->g;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t dst;

	RTE_SET_USED(w);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		m->l2_len);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (ip->next_proto_id != IPPROTO_TCP ||
			ip->src_addr != g->opt->target ||
			(dst & ~g->src_host_mask) != g->src_base ||
			rte_pktmbuf_data_len(m) < m->l2_len + m->l3_len +
			sizeof(*th))
		return false;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
		m->l2_len + m->l3_len);
	if (th->src_port != g->port_be)
		return false;
	if ((th->tcp_flags & RTE_TCP_RST_FLAG) != 0) {
		cnt_add(&gw->cnt.rsts, 1);
		if (gw->secs != NULL)
			cnt_add(&rs_rec(gw, rte_rdtsc())->rsts, 1);
	} else if ((th->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
			(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) {
		cnt_add(&gw->cnt.syn_acks, 1);
		if (gw->secs != NULL)
			cnt_add(&rs_rec(gw, rte_rdtsc())->synacks, 1);
	} else {
		cnt_add(&gw->cnt.other, 1);
	}
	rte_pktmbuf_free(m);
	return true;
}

/* ---- http ---- */

static void slot_finish_response(struct http_slot *sl);

/* The first failure of an attempt counts; what follows from it does not. */
static void
slot_fail(struct http_slot *sl, enum fail_reason why)
{
	if (sl->failed)
		return;
	sl->failed = true;
	cnt_add(&sl->gw->cnt.failed[why], 1);
	/* resist: in the second the attempt started. */
	if (sl->gw->secs != NULL)
		cnt_add(&sl->gw->secs[sl->sec].failed[why], 1);
}

/*
 * resist: a latency sample (which: 0 handshake, 1 response) of the
 * attempt, in its second's histogram unless that second is final already
 * (it cannot be: attempts end within --timeout; but a stalled worker must
 * not write into a reused ring entry), and in its phase's.
 */
static void
rs_sample(struct http_slot *sl, unsigned int which, uint64_t us)
{
	struct gen_worker *gw = sl->gw;

	if (gw->secs == NULL)
		return;
	if (sl->sec >= gw->retired)
		hist_add(&gw->ring[(sl->sec % gw->g->ring_len) * 2 + which],
			us);
	hist_add(&gw->ph_hist[sl->phase * 2 + which], us);
}

/* A success: counted, in resist also in the second it started. */
static void
slot_ok(struct http_slot *sl)
{
	cnt_add(&sl->gw->cnt.ok, 1);
	if (sl->gw->secs != NULL)
		cnt_add(&sl->gw->secs[sl->sec].ok, 1);
}

/* Why a connection that ended before its work was done failed. */
static enum fail_reason
close_fail_reason(enum ws_tcp_close_reason why)
{
	switch (why) {
	case WS_TCP_CLOSED_REFUSED:
		return FAIL_REFUSED;
	case WS_TCP_CLOSED_RESET:
		return FAIL_RESET;
	case WS_TCP_CLOSED_TIMEOUT:
		return FAIL_TIMEOUT;
	case WS_TCP_CLOSED_NORMAL:
		return FAIL_SHORT;	/* the peer closed first */
	default:
		return FAIL_OTHER;
	}
}

static bool
warming_up(const struct gen_worker *gw)
{
	return gw->warm_done < RTE_MIN(gw->n_src, (uint32_t)gw->n_slots);
}

/* Whether a new connection may start now (see warm_slot). */
static bool
may_open(const struct gen_worker *gw)
{
	return !warming_up(gw) || gw->warm_slot == NULL;
}

/* 'sl' came up (true) or ended before it did. */
static void
warm_settle(struct http_slot *sl, bool up)
{
	struct gen_worker *gw = sl->gw;

	if (gw->warm_slot != sl)
		return;
	gw->warm_slot = NULL;
	/*
	 * resist: ARP has had its chance however the attempt ended; a
	 * target that fails every attempt must not hold the rest back.
	 */
	gw->warm_done += up || gw->g->opt->mode == MODE_RESIST;
}

/* 'connected', in either mode: the handshake counted; returns now. */
static uint64_t
slot_up(struct http_slot *sl)
{
	struct gen_worker *gw = sl->gw;
	uint64_t now = rte_rdtsc(), us = tsc_to_us(gw->g, now - sl->t_start);

	hist_add(&gw->h_connect, us);
	rs_sample(sl, 0, us);
	cnt_add(&gw->cnt.connections, 1);
	warm_settle(sl, true);
	return now;
}

/*
 * 'closed', in either mode: the slot is free for the next attempt. One
 * that ended before its work was done ('failed') fails with the reason
 * of the close.
 */
static void
slot_down(struct http_slot *sl, enum ws_tcp_close_reason why, bool failed)
{
	warm_settle(sl, false);
	if (failed)
		slot_fail(sl, close_fail_reason(why));
	sl->c = NULL;
	sl->state = SLOT_IDLE;
	cnt_add(&sl->gw->cnt.active, (uint64_t)-1);
}

static void
slot_send_request(struct http_slot *sl)
{
	struct gen_worker *gw = sl->gw;
	unsigned int k = gw->g->opt->keepalive ? 1 : 0;
	int n;

	n = ws_tcp_send(sl->c, gw->req[k] + sl->req_off,
		gw->req_len[k] - sl->req_off);
	if (n > 0)
		sl->req_off += (uint32_t)n;
}

static void
slot_begin_request(struct http_slot *sl, uint64_t now)
{
	struct gen *g = sl->gw->g;

	sl->state = SLOT_BUSY;
	sl->t_start = now;
	/* resist: --timeout bounds the whole attempt, from the SYN. */
	if (g->opt->mode != MODE_RESIST)
		sl->deadline = now + (uint64_t)g->opt->timeout_ms * g->hz /
			1000;
	sl->failed = false;	/* each request on a connection is an attempt */
	sl->req_off = 0;
	sl->hdr_done = false;
	sl->has_len = false;
	sl->server_close = false;
	sl->status = 0;
	sl->body_left = 0;
	sl->hdr_len = 0;
	slot_send_request(sl);
}

static void
on_connected(struct ws_tcp_conn *c)
{
	struct http_slot *sl = ws_tcp_ctx(c);
	uint64_t now = slot_up(sl);

	ws_tcp_set_nodelay(c, true);
	slot_begin_request(sl, now);
}

static void
on_writable(struct ws_tcp_conn *c)
{
	struct http_slot *sl = ws_tcp_ctx(c);

	if (sl->state == SLOT_BUSY)
		slot_send_request(sl);
}

/* Case-insensitive header lookup in the response head; NULL if absent. */
static const char *
find_header(const char *head, const char *name)
{
	size_t len = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p != NULL && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
			p += len + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

static bool
parse_head(struct http_slot *sl)
{
	const char *v;
	char *end;

	sl->hdr[sl->hdr_len] = '\0';
	if (strncmp(sl->hdr, "HTTP/1.", 7) != 0 || sl->hdr_len < 12)
		return false;
	sl->status = (int)strtol(sl->hdr + 9, &end, 10);
	if (end != sl->hdr + 12)
		return false;
	v = find_header(sl->hdr, "Content-Length");
	if (v != NULL) {
		sl->body_left = strtoull(v, &end, 10);
		sl->has_len = end != v;
	}
	v = find_header(sl->hdr, "Connection");
	sl->server_close = v != NULL && strncasecmp(v, "close", 5) == 0;
	/* HTTP/1.0 closes unless it says keep-alive. */
	if (sl->hdr[7] == '0' && (v == NULL ||
			strncasecmp(v, "keep-alive", 10) != 0))
		sl->server_close = true;
	/* 1xx, 204 and 304 have no body. */
	if (sl->status < 200 || sl->status == 204 || sl->status == 304) {
		sl->has_len = true;
		sl->body_left = 0;
	}
	return true;
}

/* Consume response bytes; true when the response is complete. */
static bool
slot_input(struct http_slot *sl, const uint8_t *p, uint32_t len)
{
	uint32_t i, take;

	if (!sl->hdr_done) {
		for (i = 0; i < len; i++) {
			if (sl->hdr_len >= GEN_HDR_MAX - 1)
				return false;
			sl->hdr[sl->hdr_len++] = (char)p[i];
			if (sl->hdr_len >= 4 && memcmp(sl->hdr + sl->hdr_len -
					4, "\r\n\r\n", 4) == 0)
				break;
		}
		if (i == len)
			return false;
		sl->hdr_done = true;
		if (!parse_head(sl)) {
			sl->status = -1;	/* not HTTP: a bad status */
			sl->has_len = true;
			sl->body_left = 0;
		}
		p += i + 1;
		len -= i + 1;
	}
	if (!sl->has_len)
		return false;	/* read until the server closes */
	take = (uint32_t)RTE_MIN((uint64_t)len, sl->body_left);
	sl->body_left -= take;
	return sl->body_left == 0;
}

static uint32_t
on_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct http_slot *sl = ws_tcp_ctx(c);
	uint32_t left = len, n;
	bool complete = false;

	cnt_add(&sl->gw->cnt.bytes, len);
	if (sl->state != SLOT_BUSY)
		return len;	/* unasked for: ignored */
	while (m != NULL && off >= rte_pktmbuf_data_len(m)) {
		off -= rte_pktmbuf_data_len(m);
		m = m->next;
	}
	while (m != NULL && left > 0 && !complete) {
		n = RTE_MIN(left, (uint32_t)rte_pktmbuf_data_len(m) - off);
		complete = slot_input(sl, rte_pktmbuf_mtod_offset(m,
			const uint8_t *, off), n);
		left -= n;
		off = 0;
		m = m->next;
	}
	if (complete)
		slot_finish_response(sl);
	else if (sl->hdr_len >= GEN_HDR_MAX - 1) {
		slot_fail(sl, FAIL_OTHER);
		sl->state = SLOT_CLOSING;
		ws_tcp_abort(c);
	}
	return len;
}

static bool
more_requests(struct gen_worker *gw)
{
	struct gen *g = gw->g;

	return !gen_stopping(g) && rte_rdtsc() < g->deadline &&
		(gw->quota == 0 || gw->cnt.issued < gw->quota);
}

static void
slot_finish_response(struct http_slot *sl)
{
	struct gen_worker *gw = sl->gw;
	uint64_t now = rte_rdtsc(), us = tsc_to_us(gw->g, now - sl->t_start);

	hist_add(&gw->h_response, us);
	rs_sample(sl, 1, us);
	if (sl->status >= 200 && sl->status < 300)
		slot_ok(sl);
	else
		slot_fail(sl, FAIL_BAD_STATUS);
	if (gw->g->opt->keepalive && !sl->server_close && !sl->peer_done &&
			more_requests(gw)) {
		cnt_add(&gw->cnt.issued, 1);
		slot_begin_request(sl, now);
		return;
	}
	if (sl->server_close && !sl->peer_done) {
		sl->state = SLOT_DRAINING;
		sl->deadline = now + (uint64_t)gw->g->opt->timeout_ms *
			gw->g->hz / 1000;
		return;
	}
	sl->state = SLOT_CLOSING;
	ws_tcp_close(sl->c);
}

static void
on_peer_closed(struct ws_tcp_conn *c)
{
	struct http_slot *sl = ws_tcp_ctx(c);

	sl->peer_done = true;
	if (sl->state == SLOT_BUSY) {
		if (sl->hdr_done && !sl->has_len) {
			slot_finish_response(sl);
			return;
		}
		slot_fail(sl, FAIL_SHORT);
	}
	if (sl->state != SLOT_CLOSING) {
		sl->state = SLOT_CLOSING;
		ws_tcp_close(c);
	}
}

static void
on_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct http_slot *sl = ws_tcp_ctx(c);

	slot_down(sl, why, sl->state == SLOT_CONNECTING ||
		sl->state == SLOT_BUSY);
}

static const struct ws_tcp_ops http_ops = {
	.connected = on_connected,
	.data = on_data,
	.writable = on_writable,
	.peer_closed = on_peer_closed,
	.closed = on_closed,
};

/* Abort what is in flight; a request cut short by the end is not failed. */
static void
http_abort_all(struct gen_worker *gw, bool timed_out_only, uint64_t now)
{
	struct http_slot *sl;
	unsigned int i;

	for (i = 0; i < gw->n_slots; i++) {
		sl = &gw->slots[i];
		if (sl->state == SLOT_IDLE)
			continue;
		if (timed_out_only) {
			if ((sl->state != SLOT_CONNECTING &&
					sl->state != SLOT_BUSY &&
					sl->state != SLOT_DRAINING) ||
					now < sl->deadline)
				continue;
			/* Its answer came: only the server's FIN did not. */
			if (sl->state == SLOT_DRAINING) {
				sl->state = SLOT_CLOSING;
				ws_tcp_close(sl->c);
				continue;
			}
			slot_fail(sl, FAIL_TIMEOUT);
		}
		sl->state = SLOT_CLOSING;
		ws_tcp_abort(sl->c);
	}
}

/*
 * Open slot 'sl''s connection, with its timeout starting now. False (and
 * counted as a connect error, the slot idle again) when the stack has no
 * port or TCB for it.
 */
static bool
slot_connect(struct ws_worker *w, struct http_slot *sl, uint64_t now,
		const struct ws_tcp_ops *ops)
{
	struct gen_worker *gw = sl->gw;
	const struct gen *g = gw->g;

	sl->t_start = now;
	sl->deadline = now + (uint64_t)g->opt->timeout_ms * g->hz / 1000;
	sl->state = SLOT_CONNECTING;
	sl->failed = false;
	if (gw->secs != NULL) {
		sl->sec = rs_sec_of(g, now);
		sl->phase = g->sec_phase[sl->sec];
	}
	sl->c = ws_tcp_connect_from(w, rte_cpu_to_be_32(gw->src_first +
		gw->next_src), g->opt->target, g->opt->port, ops, sl);
	if (++gw->next_src == gw->n_src)
		gw->next_src = 0;
	if (sl->c == NULL) {
		sl->state = SLOT_IDLE;
		cnt_add(&gw->cnt.connect_errors, 1);
		return false;
	}
	cnt_add(&gw->cnt.issued, 1);
	cnt_add(&gw->cnt.active, 1);
	if (gw->secs != NULL)
		cnt_add(&gw->secs[sl->sec].attempts, 1);
	if (warming_up(gw))
		gw->warm_slot = sl;
	return true;
}

/* An http worker's turn: reopen the slots that are free. */
static void
http_poll(struct ws_worker *w, struct gen_worker *gw, uint64_t now)
{
	struct gen *g = gw->g;
	struct http_slot *sl;
	unsigned int i;

	if (now >= gw->next_check) {
		gw->next_check = now + g->hz / 1000;
		http_abort_all(gw, true, now);
	}
	for (i = 0; i < gw->n_slots; i++) {
		sl = &gw->slots[i];
		if (sl->state != SLOT_IDLE)
			continue;
		if (!more_requests(gw) || !may_open(gw))
			break;
		sl->peer_done = false;
		/* Out of ports or TCBs: try again next poll. */
		if (!slot_connect(w, sl, now, &http_ops))
			break;
	}
	if (cnt_get(&gw->cnt.active) == 0 && !more_requests(gw))
		worker_done(gw);
}

static int
http_setup(struct gen_worker *gw, unsigned int slots)
{
	const struct options *opt = gw->g->opt;
	char host[INET_ADDRSTRLEN + 8];
	unsigned int i, k;
	int n;

	gw->n_slots = slots;
	if (slots == 0)
		return 0;
	gw->slots = rte_zmalloc("woshou_gen_slots",
		sizeof(*gw->slots) * slots, RTE_CACHE_LINE_SIZE);
	if (gw->slots == NULL)
		return -ENOMEM;
	for (i = 0; i < slots; i++)
		gw->slots[i].gw = gw;
	/* RFC 9110 7.2: the port goes in Host unless it is the default. */
	if (opt->port == 80)
		snprintf(host, sizeof(host), "%s", opt->target_text);
	else
		snprintf(host, sizeof(host), "%s:%u", opt->target_text,
			opt->port);
	for (k = 0; k < 2; k++) {
		n = snprintf(gw->req[k], GEN_REQ_MAX, "GET %s HTTP/1.1\r\n"
			"Host: %s\r\nUser-Agent: woshou-gen/%s\r\n"
			"Connection: %s\r\n\r\n", opt->path, host, WS_VERSION,
			k ? "keep-alive" : "close");
		if (n < 0 || n >= GEN_REQ_MAX)
			return -E2BIG;
		gw->req_len[k] = (uint32_t)n;
	}
	return 0;
}

/* ---- bulk ---- */

#define BULK_CHUNK 65536

/* What bulk sends: the content does not matter, so zeros. */
static const uint8_t bulk_zeros[BULK_CHUNK];

static void
bulk_close(struct http_slot *sl)
{
	sl->state = SLOT_CLOSING;
	ws_tcp_close(sl->c);
}

/*
 * Time or --count is up. A sender closes after its queued data; a
 * receiver resets, since a FIN would not stop the source from sending,
 * and everything it read so far has counted already.
 */
static void
bulk_end(struct http_slot *sl)
{
	if (!sl->gw->g->opt->receive) {
		bulk_close(sl);
		return;
	}
	sl->finished = true;
	sl->state = SLOT_CLOSING;
	ws_tcp_abort(sl->c);
}

/* Fill the send buffer; 'writable' calls again once it has room. */
static void
bulk_pump(struct http_slot *sl)
{
	struct gen_worker *gw = sl->gw;
	uint32_t want;
	int n;

	while (sl->state == SLOT_BUSY) {
		want = BULK_CHUNK;
		if (sl->quota != 0)
			want = (uint32_t)RTE_MIN((uint64_t)want,
				sl->quota - sl->sent);
		if (want == 0) {
			bulk_close(sl);
			return;
		}
		n = ws_tcp_send(sl->c, bulk_zeros, want);
		if (n <= 0)
			return;
		sl->sent += (uint32_t)n;
		cnt_add(&gw->cnt.bytes, (uint64_t)n);
		if ((uint32_t)n < want)
			return;
	}
}

static void
bulk_connected(struct ws_tcp_conn *c)
{
	struct http_slot *sl = ws_tcp_ctx(c);
	uint64_t now = slot_up(sl);

	sl->state = SLOT_BUSY;
	/* Past the end already (a slow handshake): close at once. */
	if (now >= sl->gw->g->deadline)
		bulk_end(sl);
	else if (!sl->gw->g->opt->receive)
		bulk_pump(sl);
}

static void
bulk_writable(struct ws_tcp_conn *c)
{
	bulk_pump(ws_tcp_ctx(c));
}

/*
 * Received data is consumed and counted (--receive), or dropped: a sink
 * sends nothing worth keeping.
 */
static uint32_t
bulk_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct http_slot *sl = ws_tcp_ctx(c);

	RTE_SET_USED(m);
	RTE_SET_USED(off);
	if (!sl->gw->g->opt->receive || sl->state != SLOT_BUSY)
		return len;
	sl->sent += len;
	cnt_add(&sl->gw->cnt.bytes, len);
	if (sl->quota != 0 && sl->sent >= sl->quota)
		bulk_end(sl);
	return len;
}

static void
bulk_peer_closed(struct ws_tcp_conn *c)
{
	struct http_slot *sl = ws_tcp_ctx(c);

	if (sl->state != SLOT_BUSY)
		return;
	if (sl->gw->g->opt->receive) {
		/* The source has sent everything. */
		sl->finished = true;
	} else {
		/* The sink stopped reading before we were done. */
		slot_fail(sl, FAIL_SHORT);
	}
	bulk_close(sl);
}

static void
bulk_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct http_slot *sl = ws_tcp_ctx(c);
	struct gen_worker *gw = sl->gw;
	bool clean;

	if (gw->g->opt->receive) {
		/* What was received was delivered, however it ended. */
		cnt_add(&gw->cnt.delivered, sl->sent);
		clean = sl->finished;
	} else {
		/* Both FINs acknowledged: every byte reached the sink. */
		clean = sl->state == SLOT_CLOSING &&
			why == WS_TCP_CLOSED_NORMAL && !sl->failed;
		if (clean)
			cnt_add(&gw->cnt.delivered, sl->sent);
	}
	if (clean)
		cnt_add(&gw->cnt.ok, 1);
	/* Our own aborts were counted where they were made. */
	slot_down(sl, why, !clean && (sl->state != SLOT_CLOSING ||
		why != WS_TCP_CLOSED_ABORTED));
}

static const struct ws_tcp_ops bulk_ops = {
	.connected = bulk_connected,
	.data = bulk_data,
	.writable = bulk_writable,
	.peer_closed = bulk_peer_closed,
	.closed = bulk_closed,
};

/*
 * Each slot is one connection for the whole run: opened at the start,
 * closed (FIN after the queued data) at the end or when its share of
 * --count has gone, and not reopened.
 */
static void
bulk_poll(struct ws_worker *w, struct gen_worker *gw, uint64_t now)
{
	struct gen *g = gw->g;
	struct http_slot *sl;
	unsigned int i;

	/* Each slot opens once, not reopened; the first ones warm up. */
	while (gw->next_open < gw->n_slots && now < g->deadline &&
			may_open(gw)) {
		sl = &gw->slots[gw->next_open++];
		if (!slot_connect(w, sl, now, &bulk_ops))
			slot_fail(sl, FAIL_OTHER);
	}
	if (now >= gw->next_check) {
		gw->next_check = now + g->hz / 1000;
		for (i = 0; i < gw->n_slots; i++) {
			sl = &gw->slots[i];
			if (sl->state == SLOT_CONNECTING &&
					now >= sl->deadline) {
				slot_fail(sl, FAIL_TIMEOUT);
				sl->state = SLOT_CLOSING;
				ws_tcp_abort(sl->c);
			} else if (sl->state == SLOT_BUSY &&
					now >= g->deadline) {
				bulk_end(sl);
			}
		}
	}
	if (cnt_get(&gw->cnt.active) == 0 &&
			(gw->next_open == gw->n_slots || now >= g->deadline))
		worker_done(gw);
}

/*
 * The poll hook of an http or bulk worker: nothing while the traffic has
 * not begun, and once the run is stopping, what is in flight aborted and
 * the worker done.
 */
static void
slots_poll(struct ws_worker *w, void *arg)
{
	struct gen_worker *gw = arg;
	struct gen *g = gw->g;
	uint64_t now = rte_rdtsc();

	if (gw->done || (now < g->begin && !gen_stopping(g)))
		return;
	if (gen_stopping(g)) {
		http_abort_all(gw, false, now);
		worker_done(gw);
	} else if (g->opt->mode == MODE_BULK) {
		bulk_poll(w, gw, now);
	} else {
		http_poll(w, gw, now);
	}
}

/* ---- resist ---- */

/* Attack packets the plan asks for in its first 't' seconds, in all. */
static double
rs_planned(const struct options *opt, double t)
{
	const struct phase *ph;
	double dt;
	unsigned int i;

	for (i = 0; i < opt->n_phases; i++) {
		ph = &opt->phases[i];
		if (t < ph->start + ph->seconds) {
			dt = t > ph->start ? t - ph->start : 0;
			return ph->cum + (double)ph->from * dt +
				((double)ph->to - (double)ph->from) * dt * dt /
				(2 * ph->seconds);
		}
	}
	ph = &opt->phases[opt->n_phases - 1];
	return ph->cum + (double)(ph->from + ph->to) / 2 * ph->seconds;
}

/*
 * An attack worker's turn: its share of what the plan asked for so far,
 * less what it sent, in bursts of at most GEN_MAX_CATCHUP (so that on a
 * shared worker the clients get their turn between bursts). Like
 * syn-flood it probes ARP with one packet first, once the plan asks for
 * any. What it cannot send in time is dropped from the plan, not sent
 * late: 'offered' keeps it, 'sent' does not.
 */
static void
rs_attack(struct gen_worker *gw, uint64_t now)
{
	struct gen *g = gw->g;
	uint32_t upto = now >= g->deadline ? g->n_secs : rs_sec_of(g, now);
	uint64_t due, n, k;

	if (gw->phase == 3)
		return;
	/*
	 * What the plan asked for up to each second boundary passed (the
	 * end of the plan at the end), in the second it was asked for.
	 */
	for (; !g->opt->max && gw->due_sec < upto; gw->due_sec++) {
		due = (uint64_t)(rs_planned(g->opt, gw->due_sec + 1) /
			gw->n_attack);
		if (due > gw->due) {
			cnt_add(&gw->secs[gw->due_sec].offered, due - gw->due);
			gw->due = due;
		}
	}
	if (now >= g->deadline) {
		gw->phase = 3;
		return;
	}
	if (g->opt->max)
		due = gw->paced + GEN_BURST;
	else
		due = (uint64_t)(rs_planned(g->opt, (double)(now - g->begin) /
			(double)g->hz) / gw->n_attack);
	if (due > gw->due) {
		cnt_add(&rs_rec(gw, now)->offered, due - gw->due);
		gw->due = due;
	}
	if (gw->phase < 2) {
		if (due > 0)
			flood_probe(gw, now);
		return;
	}
	if (due <= gw->paced)
		return;
	n = RTE_MIN(due - gw->paced, (uint64_t)GEN_MAX_CATCHUP);
	while (n > 0) {
		k = send_syns(gw, (unsigned int)n);
		if (k == 0)
			break;
		gw->paced += k;
		n -= k;
	}
	if (due > gw->paced + 4 * GEN_MAX_CATCHUP)
		gw->paced = due - 4 * GEN_MAX_CATCHUP;
}

/* --legit connect: the handshake is the success; then close at once. */
static void
rs_connected(struct ws_tcp_conn *c)
{
	struct http_slot *sl = ws_tcp_ctx(c);
	struct gen *g = sl->gw->g;
	uint64_t now = slot_up(sl);

	slot_ok(sl);
	sl->state = SLOT_CLOSING;
	sl->deadline = now + (uint64_t)g->opt->timeout_ms * g->hz / 1000;
	ws_tcp_close(c);
}

static uint32_t
rs_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	RTE_SET_USED(c);
	RTE_SET_USED(m);
	RTE_SET_USED(off);
	return len;	/* a banner or whatever the server says: ignored */
}

static const struct ws_tcp_ops rs_connect_ops = {
	.connected = rs_connected,
	.data = rs_data,
	.closed = on_closed,
};

/*
 * The quantiles of the seconds before 'upto' are final: no attempt that
 * started in them is still open. Their ring entries are free for later
 * seconds.
 */
static void
rs_retire(struct gen_worker *gw, uint32_t upto)
{
	struct gen *g = gw->g;
	struct rs_sec *rec;
	struct hist *h;
	unsigned int k;

	for (; gw->retired < upto; gw->retired++) {
		rec = &gw->secs[gw->retired];
		h = &gw->ring[(gw->retired % g->ring_len) * 2];
		rec->hs_n = h[0].n;
		rec->rsp_n = h[1].n;
		for (k = 0; k < 3; k++) {
			static const double q[3] = { 0.5, 0.99, 0.999 };

			rec->hs_q[k] = hist_quantile(&h[0], q[k]);
			rec->rsp_q[k] = hist_quantile(&h[1], q[k]);
		}
		memset(h, 0, 2 * sizeof(*h));
	}
}

/* A free slot for --legit-rate, from where the last search ended. */
static struct http_slot *
rs_free_slot(struct gen_worker *gw)
{
	unsigned int i, k;

	for (i = 0; i < gw->n_slots; i++) {
		k = gw->next_open++;
		if (gw->next_open == gw->n_slots)
			gw->next_open = 0;
		if (gw->slots[k].state == SLOT_IDLE)
			return &gw->slots[k];
	}
	return NULL;
}

/*
 * The legitimate clients' turn: time out what is overdue, then start new
 * attempts: --legit-rate paced from the start of the run (open loop: an
 * attempt is due whether or not earlier ones came back), or one in each
 * free slot of --legit-concurrency (closed loop).
 */
static void
rs_legit(struct ws_worker *w, struct gen_worker *gw, uint64_t now)
{
	struct gen *g = gw->g;
	const struct options *opt = g->opt;
	const struct ws_tcp_ops *ops = opt->legit == LEGIT_HTTP ?
		&http_ops : &rs_connect_ops;
	struct http_slot *sl;
	uint64_t due;
	unsigned int i;

	if (now >= gw->next_check) {
		gw->next_check = now + g->hz / 1000;
		http_abort_all(gw, true, now);
		/*
		 * A close that does not complete (a server that never
		 * sends its FIN) must not hold the slot for ever: the
		 * attempt has counted already.
		 */
		for (i = 0; i < gw->n_slots; i++) {
			sl = &gw->slots[i];
			if (sl->state == SLOT_CLOSING && now >= sl->deadline +
					(uint64_t)opt->timeout_ms * g->hz /
					1000) {
				/* Once: 'closed' may come later. */
				sl->deadline = now + 3600 * g->hz;
				ws_tcp_abort(sl->c);
			}
		}
	}
	if (now >= g->deadline)
		return;
	if (opt->legit_conc != 0) {
		for (i = 0; i < gw->n_slots; i++) {
			sl = &gw->slots[i];
			if (sl->state != SLOT_IDLE)
				continue;
			if (!may_open(gw))
				break;
			sl->peer_done = false;
			if (!slot_connect(w, sl, now, ops))
				break;
		}
		return;
	}
	/* In two parts: a day of TSC ticks times the rate overflows. */
	due = (now - g->begin) / g->hz * opt->legit_rate +
		(now - g->begin) % g->hz * opt->legit_rate / g->hz + 1;
	/*
	 * Those due while the first connection from an address warmed up,
	 * or while the worker was off its CPU, go now; but more than a
	 * second's worth at once would measure the burst, not the target.
	 */
	if (due - gw->opened > RTE_MAX(opt->legit_rate, (uint64_t)64)) {
		gw->skipped += due - gw->opened -
			RTE_MAX(opt->legit_rate, (uint64_t)64);
		gw->opened = due - RTE_MAX(opt->legit_rate, (uint64_t)64);
	}
	while (gw->opened < due && may_open(gw)) {
		sl = rs_free_slot(gw);
		if (sl == NULL) {
			/* Every slot busy: these attempts are not made. */
			gw->skipped += due - gw->opened;
			gw->opened = due;
			break;
		}
		gw->opened++;
		sl->peer_done = false;
		/* No port or TCB: counted as a connect error, not made. */
		if (!slot_connect(w, sl, now, ops))
			break;
	}
}

/* The poll hook of every resist worker: clients, attack, or both. */
static void
resist_poll(struct ws_worker *w, void *arg)
{
	struct gen_worker *gw = arg;
	struct gen *g = gw->g;
	uint64_t now = rte_rdtsc();
	uint32_t cur;

	if (gw->done || (now < g->begin && !gen_stopping(g)))
		return;
	if (gen_stopping(g)) {
		/* Cut off: what is open is 'unfinished', not failed. */
		if (gw->rs_legit)
			http_abort_all(gw, false, now);
		worker_done(gw);
		return;
	}
	if (gw->rs_legit) {
		cur = rs_sec_of(g, now);
		if (cur + 2 > g->ring_len)
			rs_retire(gw, cur + 2 - g->ring_len);
		rs_legit(w, gw, now);
	}
	if (gw->rs_attack)
		rs_attack(gw, now);
	if (now >= g->deadline && (!gw->rs_legit ||
			cnt_get(&gw->cnt.active) == 0))
		worker_done(gw);
}

/*
 * Worker 0 runs the clients, the others the attack; a single worker runs
 * both. Every worker counts the target's answers that reach it.
 */
static int
resist_setup(struct gen_worker *gw, unsigned int n)
{
	struct gen *g = gw->g;
	const struct options *opt = g->opt;
	const struct ws_config *cfg = ws_stack_config(g->s);
	uint64_t slots;
	int ret;

	gw->rs_legit = gw->index == 0;
	gw->rs_attack = n == 1 || gw->index > 0;
	gw->n_attack = n > 1 ? n - 1 : 1;
	if (!gw->rs_attack)
		gw->phase = 3;
	gw->secs = calloc(g->n_secs, sizeof(*gw->secs));
	gw->ring = calloc(2 * (size_t)g->ring_len, sizeof(*gw->ring));
	gw->ph_hist = calloc(2 * (size_t)opt->n_phases,
		sizeof(*gw->ph_hist));
	if (gw->secs == NULL || gw->ring == NULL || gw->ph_hist == NULL)
		return -ENOMEM;
	if (gw->rs_legit) {
		/*
		 * Open loop: an attempt holds its slot for at most
		 * --timeout, and its close for as long again.
		 */
		slots = opt->legit_conc;
		if (slots == 0)
			slots = opt->legit_rate * 2 * opt->timeout_ms / 1000 +
				64;
		slots = RTE_MIN(slots, (uint64_t)cfg->tcp.max_connections);
		ret = http_setup(gw, (unsigned int)slots);
		if (ret < 0)
			return ret;
	}
	ret = ws_worker_set_poll_hook(gw->w, resist_poll, gw);
	if (ret == 0)
		ret = ws_worker_set_foreign_hook(gw->w, flood_foreign, gw);
	return ret;
}

/* ---- main ---- */

static uint64_t
sum_counter(struct gen *g, size_t off)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < g->n_workers; i++)
		t += cnt_get((const uint64_t *)((const char *)&g->gw[i]->cnt +
			off));
	return t;
}

#define SUM(g, field) sum_counter(g, offsetof(struct gen_counters, field))

static uint64_t
sum_failed(struct gen *g)
{
	uint64_t t = 0;
	unsigned int r;

	for (r = 0; r < FAIL_N; r++)
		t += sum_counter(g, offsetof(struct gen_counters, failed) +
			r * sizeof(uint64_t));
	return t;
}

static bool
all_done(struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->n_workers; i++)
		if (__atomic_load_n(&g->gw[i]->done, __ATOMIC_ACQUIRE) == 0)
			return false;
	return true;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress(struct gen *g, double t, double dt, uint64_t *last_a,
		uint64_t *last_b)
{
	uint64_t a, b;

	if (g->opt->mode == MODE_SYN_FLOOD) {
		a = SUM(g, sent);
		b = SUM(g, syn_acks) + SUM(g, rsts);
		fprintf(human, "[%6.1fs] sent %" PRIu64 " (%.0f/s), answers %"
			PRIu64 " (%.0f/s: syn-ack %" PRIu64 ", rst %" PRIu64
			")\n", t, a, (double)(a - *last_a) / dt, b,
			(double)(b - *last_b) / dt, SUM(g, syn_acks),
			SUM(g, rsts));
	} else if (g->opt->mode == MODE_BULK) {
		a = SUM(g, bytes);
		b = sum_failed(g);
		fprintf(human, "[%6.1fs] sent %" PRIu64 " bytes (%.1f Mbit/s), "
			"connections %" PRIu64 ", failed %" PRIu64 "\n", t, a,
			(double)(a - *last_a) * 8 / dt / 1e6, SUM(g, active),
			b);
	} else {
		a = SUM(g, ok);
		b = sum_failed(g);
		fprintf(human, "[%6.1fs] ok %" PRIu64 " (%.0f/s), failed %"
			PRIu64 " (%.0f/s), active %" PRIu64 "\n", t, a,
			(double)(a - *last_a) / dt, b,
			(double)(b - *last_b) / dt, SUM(g, active));
	}
	fflush(human);
	*last_a = a;
	*last_b = b;
}

static void rs_progress(const struct gen *g, uint32_t k);

/*
 * The main thread's loop: a progress line each second, until the workers
 * are done, the time is up, or a signal; then (syn-flood) a little longer
 * for the last answers. Returns the seconds the traffic ran.
 */
static double
run_loop(struct gen *g)
{
	struct timespec nap = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	double t0 = now_s(), t, last = t0, end = 0, ran;
	uint64_t t_end;
	unsigned int i;
	uint64_t la = 0, lb = 0;
	uint32_t next_sec = 0, n;
	bool resist = g->opt->mode == MODE_RESIST;

	while (!quit) {
		nanosleep(&nap, NULL);
		t = now_s();
		/*
		 * resist: a line for each second once it is over, and the
		 * workers have seen that (the last of its attack counted).
		 */
		while (resist && next_sec < g->n_secs && rte_rdtsc() >=
				g->begin + (uint64_t)(next_sec + 1) * g->hz +
				g->hz / 20)
			rs_progress(g, next_sec++);
		if (t - last >= 1.0) {
			if (!resist)
				progress(g, t - t0, t - last, &la, &lb);
			last = t;
			/* Keeps scripts/woshou-stat working meanwhile. */
			ws_stack_snapshot(g->s, 0, 100);
		}
		if (end == 0 && all_done(g))
			end = t;
		/* Whatever happens, the run ends: stop the stragglers. */
		if (t - t0 > g->opt->duration +
				(double)g->opt->timeout_ms / 1000 + 5)
			break;
		if (end != 0 && (g->opt->mode != MODE_SYN_FLOOD ||
				t - end >= g->opt->wait ||
				SUM(g, syn_acks) + SUM(g, rsts) >=
				SUM(g, sent)))
			break;
	}
	/*
	 * The workers' own clock: the main thread shares a CPU and may wake
	 * late, which would shorten or stretch the run as it sees it.
	 */
	t_end = 0;
	for (i = 0; i < g->n_workers; i++)
		if (end != 0 && g->gw[i]->t_end > t_end)
			t_end = g->gw[i]->t_end;
	if (t_end == 0)
		t_end = rte_rdtsc();
	ran = t_end > g->begin ? (double)(t_end - g->begin) /
		(double)g->hz : 0;
	if (resist) {
		/*
		 * The plan's length, or less when a signal cut it short;
		 * the attempts that finish after it count in its seconds.
		 */
		t_end = RTE_MIN(rte_rdtsc(), g->deadline);
		ran = t_end > g->begin ? (double)(t_end - g->begin) /
			(double)g->hz : 0;
		n = quit ? (uint32_t)ceil(ran - 1e-9) : g->n_secs;
		n = RTE_MIN(n, g->n_secs);
		n = RTE_MAX(n, 1u);
		while (next_sec < n)
			rs_progress(g, next_sec++);
	}
	/* Tell the workers (http: abort what is open), let them see it. */
	__atomic_store_n(&g->stop, 1, __ATOMIC_RELAXED);
	t = now_s();
	while (!all_done(g) && now_s() - t < 2.0)
		nanosleep(&nap, NULL);
	return ran;
}

static FILE *
json_open(const struct options *opt)
{
	FILE *f;

	if (opt->json_file == NULL)
		return stdout;
	f = fopen(opt->json_file, "w");
	if (f == NULL)
		fprintf(stderr, "woshou-gen: cannot write %s: %s\n",
			opt->json_file, strerror(errno));
	return f;
}

static void
json_close(const struct options *opt, FILE *f)
{
	if (f != stdout)
		fclose(f);
	else
		fflush(f);
	RTE_SET_USED(opt);
}

static int
report_flood(struct gen *g, double ran, const struct ws_stats *st)
{
	const struct options *opt = g->opt;
	uint64_t sent = SUM(g, sent), sa = SUM(g, syn_acks);
	uint64_t rst = SUM(g, rsts), other = SUM(g, other);
	bool unreachable = false;
	char src[INET_ADDRSTRLEN];
	struct in_addr a;
	unsigned int i;
	const char *why = NULL;
	double ratio = sent ? (double)(sa + rst) / (double)sent : 0;
	FILE *f;

	for (i = 0; i < g->n_workers; i++)
		unreachable |= g->gw[i]->unreachable;
	a.s_addr = htonl(opt->src_net);
	inet_ntop(AF_INET, &a, src, sizeof(src));
	if (unreachable)
		why = "no ARP answer";
	else if (sent != 0 && sa + rst == 0)
		why = "no SYN-ACK or RST came back";
	if (ran <= 0)
		ran = 1e-9;
	fprintf(human, "syn-flood %s:%u from %s/%u, %u worker(s), %.3f s\n",
		opt->target_text, opt->port, src, opt->src_len, g->n_workers,
		ran);
	fprintf(human, "  sent      %" PRIu64 " SYNs (%.0f/s)\n", sent,
		(double)sent / ran);
	fprintf(human, "  syn-acks  %" PRIu64 " (%.0f/s, %.2f%% of sent)\n",
		sa, (double)sa / ran, sent ? 100.0 * (double)sa /
		(double)sent : 0.0);
	fprintf(human, "  rsts      %" PRIu64 "\n", rst);
	if (other != 0)
		fprintf(human, "  other     %" PRIu64 "\n", other);
	if (SUM(g, nombuf) != 0)
		fprintf(human, "  no mbufs  %" PRIu64 " times\n",
			SUM(g, nombuf));
	if (st->loop.tx_drop_full != 0)
		fprintf(human, "  tx drops  %" PRIu64 " (transmit ring full)\n",
			st->loop.tx_drop_full);
	if (st->arp.drop_queue_full + st->arp.drop_queue_timeout != 0)
		fprintf(human, "  arp drops %" PRIu64 "\n",
			st->arp.drop_queue_full + st->arp.drop_queue_timeout);
	fflush(human);
	if (why != NULL)
		fprintf(stderr, "woshou-gen: target %s unreachable: %s\n",
			opt->target_text, why);
	if (opt->json) {
		f = json_open(opt);
		if (f == NULL)
			return EXIT_RUNTIME;
		fprintf(f, "{\"mode\":\"syn-flood\",\"target\":\"%s\","
			"\"port\":%u,\"sources\":\"%s/%u\",\"options\":%s,"
			"\"workers\":%u,\"rate_limit\":%" PRIu64 ","
			"\"duration_s\":%.6f,\"sent\":%" PRIu64 ","
			"\"syn_acks\":%" PRIu64 ",\"rsts\":%" PRIu64 ","
			"\"other\":%" PRIu64 ",\"answers\":%" PRIu64 ","
			"\"answer_ratio\":%.6f,\"sent_pps\":%.1f,"
			"\"answers_pps\":%.1f,\"nombuf\":%" PRIu64 ","
			"\"arp_drops\":%" PRIu64 ",\"tx_drops\":%" PRIu64 ","
			"\"unreachable\":%s,"
			"\"error\":%s%s%s}\n",
			opt->target_text, opt->port, src, opt->src_len,
			opt->no_options ? "false" : "true", g->n_workers,
			opt->rate, ran, sent, sa, rst, other, sa + rst, ratio,
			(double)sent / ran, (double)(sa + rst) / ran,
			SUM(g, nombuf), st->arp.drop_queue_full +
			st->arp.drop_queue_timeout, st->loop.tx_drop_full,
			why != NULL ? "true" : "false",
			why != NULL ? "\"" : "", why != NULL ? why : "null",
			why != NULL ? "\"" : "");
		json_close(opt, f);
	}
	return why != NULL ? EXIT_RUNTIME : EXIT_SUCCESS;
}

static void
json_hist(FILE *f, const char *name, const struct hist *h)
{
	fprintf(f, "\"%s\":{\"count\":%" PRIu64 ",\"p50\":%" PRIu64
		",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
		",\"mean\":%.1f}", name, h->n, hist_quantile(h, 0.5),
		hist_quantile(h, 0.99), hist_quantile(h, 0.999), h->max,
		h->n ? (double)h->sum / (double)h->n : 0.0);
}

static void
print_hist(const char *name, const struct hist *h)
{
	fprintf(human, "  %-9s p50 %" PRIu64 " us, p99 %" PRIu64
		" us, p999 %" PRIu64 " us, max %" PRIu64 " us (%" PRIu64
		" samples)\n", name, hist_quantile(h, 0.5),
		hist_quantile(h, 0.99), hist_quantile(h, 0.999), h->max, h->n);
}

static int
report_http(struct gen *g, double ran)
{
	const struct options *opt = g->opt;
	static struct hist hc, hr;
	uint64_t ok = SUM(g, ok), failed = sum_failed(g), fr[FAIL_N];
	uint64_t issued = SUM(g, issued), unfinished;
	unsigned int i, r;
	FILE *f;

	for (i = 0; i < g->n_workers; i++) {
		hist_merge(&hc, &g->gw[i]->h_connect);
		hist_merge(&hr, &g->gw[i]->h_response);
	}
	for (r = 0; r < FAIL_N; r++)
		fr[r] = sum_counter(g, offsetof(struct gen_counters, failed) +
			r * sizeof(uint64_t));
	unfinished = issued > ok + failed ? issued - ok - failed : 0;
	if (ran <= 0)
		ran = 1e-9;
	fprintf(human, "http GET http://%s:%u%s, concurrency %u%s, "
		"%u source address(es), %u worker(s), %.3f s\n",
		opt->target_text, opt->port, opt->path, opt->concurrency,
		opt->keepalive ? ", keep-alive" : "", g->gw[0]->n_src,
		g->n_workers, ran);
	fprintf(human, "  requests  %" PRIu64 " ok, %" PRIu64 " failed "
		"(%.0f ok/s) over %" PRIu64 " connections\n", ok, failed,
		(double)ok / ran, SUM(g, connections));
	if (failed != 0) {
		fprintf(human, "  failures ");
		for (r = 0; r < FAIL_N; r++)
			if (fr[r] != 0)
				fprintf(human, " %s %" PRIu64, fail_names[r],
					fr[r]);
		fputc('\n', human);
	}
	if (unfinished != 0)
		fprintf(human, "  unfinished %" PRIu64 " (cut off at the "
			"end)\n", unfinished);
	print_hist("connect", &hc);
	print_hist("response", &hr);
	fflush(human);
	if (ok == 0 && failed != 0)
		fprintf(stderr, "woshou-gen: target %s:%u unreachable: every "
			"request failed\n", opt->target_text, opt->port);
	if (opt->json) {
		f = json_open(opt);
		if (f == NULL)
			return EXIT_RUNTIME;
		fprintf(f, "{\"mode\":\"http\",\"target\":\"%s\",\"port\":%u,"
			"\"path\":\"%s\",\"concurrency\":%u,"
			"\"keepalive\":%s,\"sources\":%u,\"workers\":%u,"
			"\"duration_s\":%.6f,"
			"\"requests\":%" PRIu64 ",\"successes\":%" PRIu64 ","
			"\"failures\":%" PRIu64 ",\"failure_reasons\":{",
			opt->target_text, opt->port, opt->path,
			opt->concurrency, opt->keepalive ? "true" : "false",
			g->gw[0]->n_src, g->n_workers, ran, issued, ok, failed);
		for (r = 0; r < FAIL_N; r++)
			fprintf(f, "%s\"%s\":%" PRIu64, r ? "," : "",
				fail_names[r], fr[r]);
		fprintf(f, "},\"unfinished\":%" PRIu64 ",\"connections\":%"
			PRIu64 ",\"connect_errors\":%" PRIu64 ","
			"\"bytes\":%" PRIu64 ",\"requests_per_s\":%.1f,"
			"\"latency_us\":{", unfinished, SUM(g, connections),
			SUM(g, connect_errors), SUM(g, bytes),
			(double)ok / ran);
		json_hist(f, "connect", &hc);
		fputc(',', f);
		json_hist(f, "response", &hr);
		fprintf(f, "}}\n");
		json_close(opt, f);
	}
	return ok == 0 && failed != 0 ? EXIT_RUNTIME : EXIT_SUCCESS;
}

static void
print_banner(const struct gen *g)
{
	const struct ws_config *cfg = ws_stack_config(g->s);
	char addr_text[64];
	char mac_text[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr mac;

	ws_app_format_addrs(cfg, addr_text, sizeof(addr_text));
	ws_stack_mac(g->s, &mac);
	rte_ether_format_addr(mac_text, sizeof(mac_text), &mac);
	/* The banner the tests wait for: "mac MAC on port". */
	fprintf(human, "woshou-gen %s: %s mac %s on port %u, %u "
		"worker(s); %s %s %s, traffic in %.1f s\n", WS_VERSION,
		addr_text, mac_text,
		ws_stack_port(g->s), g->n_workers, mode_names[g->opt->mode],
		g->opt->receive ? "from" : "to", g->opt->target_text,
		g->opt->delay);
	fflush(human);
}

static int
report_bulk(struct gen *g, double ran, const struct ws_stats *st)
{
	const struct options *opt = g->opt;
	uint64_t sent = SUM(g, bytes), dl = SUM(g, delivered);
	uint64_t ok = SUM(g, ok), failed = sum_failed(g), fr[FAIL_N];
	static struct hist hc;
	unsigned int i, r;
	FILE *f;

	for (i = 0; i < g->n_workers; i++)
		hist_merge(&hc, &g->gw[i]->h_connect);
	for (r = 0; r < FAIL_N; r++)
		fr[r] = sum_counter(g, offsetof(struct gen_counters, failed) +
			r * sizeof(uint64_t));
	if (ran <= 0)
		ran = 1e-9;
	fprintf(human, "bulk %s %s:%u, %u connection(s), %u worker(s), "
		"%.3f s\n", opt->receive ? "from" : "to", opt->target_text,
		opt->port, opt->concurrency, g->n_workers, ran);
	if (opt->receive)
		fprintf(human, "  received  %" PRIu64 " bytes (%.1f Mbit/s)\n",
			dl, (double)dl * 8 / ran / 1e6);
	else
		fprintf(human, "  sent      %" PRIu64 " bytes, delivered %"
			PRIu64 " (%.1f Mbit/s)\n", sent, dl,
			(double)dl * 8 / ran / 1e6);
	fprintf(human, "  connections %" PRIu64 " closed cleanly, %" PRIu64
		" failed", ok, failed);
	for (r = 0; r < FAIL_N; r++)
		if (fr[r] != 0)
			fprintf(human, " (%s %" PRIu64 ")", fail_names[r],
				fr[r]);
	fprintf(human, "; tcp retransmits %" PRIu64 "\n",
		st->tcp.retransmits);
	print_hist("connect", &hc);
	fflush(human);
	if (ok == 0)
		fprintf(stderr, "woshou-gen: target %s:%u unreachable: no "
			"transfer completed\n", opt->target_text, opt->port);
	if (opt->json) {
		f = json_open(opt);
		if (f == NULL)
			return EXIT_RUNTIME;
		fprintf(f, "{\"mode\":\"bulk\",\"direction\":\"%s\","
			"\"target\":\"%s\",\"port\":%u,"
			"\"concurrency\":%u,\"workers\":%u,\"duration_s\":%.6f,"
			"\"sent_bytes\":%" PRIu64 ","
			"\"delivered_bytes\":%" PRIu64 ",\"mbit_per_s\":%.3f,"
			"\"successes\":%" PRIu64 ","
			"\"failures\":%" PRIu64 ",\"failure_reasons\":{",
			opt->receive ? "receive" : "send", opt->target_text,
			opt->port, opt->concurrency, g->n_workers, ran,
			opt->receive ? 0 : sent, dl,
			(double)dl * 8 / ran / 1e6, ok, failed);
		for (r = 0; r < FAIL_N; r++)
			fprintf(f, "%s\"%s\":%" PRIu64, r ? "," : "",
				fail_names[r], fr[r]);
		fprintf(f, "},\"tcp_retransmits\":%" PRIu64 ","
			"\"latency_us\":{", st->tcp.retransmits);
		json_hist(f, "connect", &hc);
		fprintf(f, "}}\n");
		json_close(opt, f);
	}
	return ok == 0 ? EXIT_RUNTIME : EXIT_SUCCESS;
}

/* ---- resist: the report ---- */

/* The phase in force at 't' seconds into the run. */
static unsigned int
rs_phase_at(const struct options *opt, double t)
{
	unsigned int i = 0;

	while (i + 1 < opt->n_phases && opt->phases[i + 1].start <= t + 1e-9)
		i++;
	return i;
}

/* Records for every second and the phase of each; before the workers. */
static int
resist_prepare(struct gen *g)
{
	const struct options *opt = g->opt;
	uint32_t k;

	g->n_secs = (uint32_t)ceil(opt->duration - 1e-9);
	if (g->n_secs == 0)
		g->n_secs = 1;
	g->ring_len = (opt->timeout_ms + 999) / 1000 + 3;
	g->sec_phase = calloc(g->n_secs, 1);
	if (g->sec_phase == NULL)
		return -ENOMEM;
	for (k = 0; k < g->n_secs; k++)
		g->sec_phase[k] = (uint8_t)rs_phase_at(opt, k);
	return 0;
}

static uint64_t
rs_failed(const struct rs_sec *r)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < FAIL_N; i++)
		t += r->failed[i];
	return t;
}

/* Second k's counters over the workers, read relaxed (while running). */
static void
rs_sum(const struct gen *g, uint32_t k, struct rs_sec *out)
{
	const struct rs_sec *r;
	unsigned int i, f;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < g->n_workers; i++) {
		r = &g->gw[i]->secs[k];
		out->offered += cnt_get(&r->offered);
		out->sent += cnt_get(&r->sent);
		out->synacks += cnt_get(&r->synacks);
		out->rsts += cnt_get(&r->rsts);
		out->attempts += cnt_get(&r->attempts);
		out->ok += cnt_get(&r->ok);
		for (f = 0; f < FAIL_N; f++)
			out->failed[f] += cnt_get(&r->failed[f]);
	}
}

/* The progress line of second k (legitimate attempts may be pending). */
static void
rs_progress(const struct gen *g, uint32_t k)
{
	struct rs_sec r;
	uint64_t failed, done;

	rs_sum(g, k, &r);
	failed = rs_failed(&r);
	done = r.ok + failed;
	fprintf(human, "[%4us] phase %u %-4s attack sent %" PRIu64 "/%"
		PRIu64 ", target syn-ack %" PRIu64 " rst %" PRIu64
		"; legit %" PRIu64 " ok %" PRIu64 " failed %" PRIu64,
		k + 1, g->sec_phase[k],
		phase_names[g->opt->phases[g->sec_phase[k]].type], r.sent,
		r.offered, r.synacks, r.rsts, r.attempts, r.ok, failed);
	if (r.attempts > done)
		fprintf(human, " pending %" PRIu64, r.attempts - done);
	if (done != 0)
		fprintf(human, " (%.1f%%)", 100.0 * (double)r.ok /
			(double)done);
	fputc('\n', human);
	fflush(human);
}

/* ok / (ok + failed), or -1 with no finished attempt. */
static double
rs_rate(uint64_t ok, uint64_t failed)
{
	return ok + failed == 0 ? -1 : (double)ok / (double)(ok + failed);
}

static void
json_rate(FILE *f, const char *name, double v)
{
	if (v < 0)
		fprintf(f, "\"%s\":null", name);
	else
		fprintf(f, "\"%s\":%.6f", name, v);
}

/* {"p50":..,"p99":..,"p999":..}, nulls without a sample. */
static void
json_q(FILE *f, const char *name, uint64_t n, const uint64_t *q)
{
	if (n == 0)
		fprintf(f, "\"%s\":{\"p50\":null,\"p99\":null,\"p999\":null}",
			name);
	else
		fprintf(f, "\"%s\":{\"p50\":%" PRIu64 ",\"p99\":%" PRIu64
			",\"p999\":%" PRIu64 "}", name, q[0], q[1], q[2]);
}

static void
hist_q(const struct hist *h, uint64_t *q)
{
	q[0] = hist_quantile(h, 0.5);
	q[1] = hist_quantile(h, 0.99);
	q[2] = hist_quantile(h, 0.999);
}

/* The counter keys of a series entry, of the totals and of a phase. */
static void
json_counters(FILE *f, const struct rs_sec *r)
{
	uint64_t failed = rs_failed(r);
	unsigned int i;

	fprintf(f, "\"attack_offered\":%" PRIu64 ",\"attack_sent\":%" PRIu64
		",\"target_synacks\":%" PRIu64 ",\"target_rsts\":%" PRIu64
		",\"legit_attempts\":%" PRIu64 ",\"legit_ok\":%" PRIu64
		",\"legit_failed\":%" PRIu64 ",\"legit_unfinished\":%" PRIu64
		",\"legit_fail_reasons\":{", r->offered, r->sent, r->synacks,
		r->rsts, r->attempts, r->ok, failed,
		r->attempts - r->ok - failed);
	for (i = 0; i < FAIL_N; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", fail_names[i],
			r->failed[i]);
	fputc('}', f);
}

static void
rs_add(struct rs_sec *to, const struct rs_sec *from)
{
	unsigned int i;

	to->offered += from->offered;
	to->sent += from->sent;
	to->synacks += from->synacks;
	to->rsts += from->rsts;
	to->attempts += from->attempts;
	to->ok += from->ok;
	for (i = 0; i < FAIL_N; i++)
		to->failed[i] += from->failed[i];
}

struct rs_result {
	uint32_t n;		/* seconds reported */
	struct rs_sec *sec;	/* [n], summed over the workers */
	struct rs_sec total;
	struct rs_sec phase[RESIST_MAX_PHASES];
	struct hist ph_hist[2 * RESIST_MAX_PHASES];
	struct hist hs, rsp;
	double ran;
	bool interrupted;
	bool unreachable;
	int64_t below_99;	/* attack pps; -1: never */
	int64_t below_50;
	uint32_t below_99_t, below_50_t;
	double recovery;	/* seconds; -1: not measurable */
	double attack_end;	/* -1: no stop phase after the attack */
	uint64_t skipped, connect_errors;
};

/*
 * Breaking points: the first second whose finished attempts succeeded
 * less than 99% (50%) of the time, and its attack rate (what was sent in
 * that second). Recovery: from the end of the attack (the start of the
 * stop phases that end the plan) to the end of the first second after it
 * back at 99% or more; 0 when no second ever fell below 99%.
 */
static void
rs_breaking(const struct options *opt, struct rs_result *res)
{
	unsigned int i, last_attack = 0;
	bool attack = false;
	double rate;
	uint32_t k;

	res->below_99 = res->below_50 = -1;
	res->recovery = res->attack_end = -1;
	for (k = 0; k < res->n; k++) {
		rate = rs_rate(res->sec[k].ok, rs_failed(&res->sec[k]));
		if (rate < 0)
			continue;
		if (rate < 0.99 && res->below_99 < 0) {
			res->below_99 = (int64_t)res->sec[k].sent;
			res->below_99_t = k + 1;
		}
		if (rate < 0.5 && res->below_50 < 0) {
			res->below_50 = (int64_t)res->sec[k].sent;
			res->below_50_t = k + 1;
		}
	}
	for (i = 0; i < opt->n_phases; i++)
		if (opt->phases[i].type != PHASE_STOP) {
			attack = true;
			last_attack = i;
		}
	if (!attack || last_attack + 1 == opt->n_phases)
		return;
	res->attack_end = opt->phases[last_attack + 1].start;
	if (res->below_99 < 0) {
		res->recovery = 0;
		return;
	}
	for (k = 0; k < res->n; k++) {
		if ((double)k + 1e-9 < res->attack_end)
			continue;
		rate = rs_rate(res->sec[k].ok, rs_failed(&res->sec[k]));
		if (rate >= 0.99) {
			res->recovery = (double)(k + 1) - res->attack_end;
			return;
		}
	}
}

/* Everything the workers counted, once they have stopped. */
static int
rs_collect(struct gen *g, struct rs_result *res)
{
	struct gen_worker *gw;
	struct rs_sec r;
	unsigned int i, p;
	uint32_t k;

	/* The partial second an interruption ends in is reported too. */
	res->n = g->n_secs;
	if (res->interrupted) {
		res->n = (uint32_t)ceil(res->ran - 1e-9);
		res->n = RTE_MAX(res->n, 1u);
		res->n = RTE_MIN(res->n, g->n_secs);
	}
	res->sec = calloc(g->n_secs, sizeof(*res->sec));
	if (res->sec == NULL)
		return -ENOMEM;
	for (i = 0; i < g->n_workers; i++) {
		gw = g->gw[i];
		rs_retire(gw, g->n_secs);
		res->unreachable |= gw->unreachable;
		res->skipped += gw->skipped;
		res->connect_errors += gw->cnt.connect_errors;
		hist_merge(&res->hs, &gw->h_connect);
		hist_merge(&res->rsp, &gw->h_response);
		for (p = 0; p < 2 * g->opt->n_phases; p++)
			hist_merge(&res->ph_hist[p], &gw->ph_hist[p]);
		/* One worker runs the clients: its quantiles are theirs. */
		for (k = 0; k < g->n_secs && gw->rs_legit; k++) {
			res->sec[k].hs_n = gw->secs[k].hs_n;
			res->sec[k].rsp_n = gw->secs[k].rsp_n;
			memcpy(res->sec[k].hs_q, gw->secs[k].hs_q,
				sizeof(res->sec[k].hs_q));
			memcpy(res->sec[k].rsp_q, gw->secs[k].rsp_q,
				sizeof(res->sec[k].rsp_q));
		}
	}
	for (k = 0; k < g->n_secs; k++) {
		rs_sum(g, k, &r);
		/* After an interruption: into the last second reported. */
		rs_add(&res->sec[RTE_MIN(k, res->n - 1)], &r);
		rs_add(&res->total, &r);
		rs_add(&res->phase[g->sec_phase[RTE_MIN(k, res->n - 1)]], &r);
	}
	rs_breaking(g->opt, res);
	return 0;
}

static void
rs_json(const struct gen *g, const struct rs_result *res, FILE *f)
{
	const struct options *opt = g->opt;
	const struct phase *ph;
	const struct rs_sec *r;
	char src[INET_ADDRSTRLEN];
	struct in_addr a;
	uint64_t q[3];
	unsigned int i;
	uint32_t k;

	a.s_addr = htonl(opt->src_net);
	inet_ntop(AF_INET, &a, src, sizeof(src));
	fprintf(f, "{\"mode\":\"resist\",\"target\":\"%s\",\"port\":%u,"
		"\"duration_s\":%.6f,\"interrupted\":%s,\"workers\":%u,"
		"\"attack\":{\"kind\":\"%s\",\"syn_options\":\"%s\","
		"\"sources\":\"%s/%u\",\"max\":%s,\"unreachable\":%s,"
		"\"plan\":[", opt->target_text, opt->port, res->ran,
		res->interrupted ? "true" : "false", g->n_workers,
		attack_names[opt->attack], synopt_names[opt->syn_opts], src,
		opt->src_len, opt->max ? "true" : "false",
		res->unreachable ? "true" : "false");
	for (i = 0; i < opt->n_phases; i++) {
		ph = &opt->phases[i];
		fprintf(f, "%s{\"phase\":%u,\"type\":\"%s\",\"from_pps\":%"
			PRIu64 ",\"to_pps\":%" PRIu64 ",\"start_s\":%.3f,"
			"\"seconds\":%.3f}", i ? "," : "", i,
			phase_names[ph->type], ph->from, ph->to, ph->start,
			ph->seconds);
	}
	fprintf(f, "]},\"legit\":{\"kind\":\"%s\",", opt->legit ==
		LEGIT_HTTP ? "http" : "connect");
	if (opt->legit == LEGIT_HTTP)
		fprintf(f, "\"path\":\"%s\",", opt->path);
	if (opt->legit_conc != 0)
		fprintf(f, "\"rate\":null,\"concurrency\":%u,",
			opt->legit_conc);
	else
		fprintf(f, "\"rate\":%" PRIu64 ",\"concurrency\":null,",
			opt->legit_rate);
	fprintf(f, "\"timeout_ms\":%u,\"skipped\":%" PRIu64 ","
		"\"connect_errors\":%" PRIu64 "},\"series\":[",
		opt->timeout_ms, res->skipped, res->connect_errors);
	for (k = 0; k < res->n; k++) {
		r = &res->sec[k];
		fprintf(f, "%s{\"t\":%u,\"phase\":%u,", k ? "," : "", k + 1,
			g->sec_phase[k]);
		json_counters(f, r);
		fputc(',', f);
		json_q(f, "handshake_us", r->hs_n, r->hs_q);
		fputc(',', f);
		json_q(f, "response_us", r->rsp_n, r->rsp_q);
		fputc('}', f);
	}
	fprintf(f, "],\"totals\":{");
	json_counters(f, &res->total);
	hist_q(&res->hs, q);
	fputc(',', f);
	json_q(f, "handshake_us", res->hs.n, q);
	hist_q(&res->rsp, q);
	fputc(',', f);
	json_q(f, "response_us", res->rsp.n, q);
	fprintf(f, "},\"phases\":[");
	for (i = 0; i < opt->n_phases; i++) {
		r = &res->phase[i];
		fprintf(f, "%s{\"phase\":%u,\"type\":\"%s\",", i ? "," : "",
			i, phase_names[opt->phases[i].type]);
		json_counters(f, r);
		fputc(',', f);
		json_rate(f, "success_rate", rs_rate(r->ok, rs_failed(r)));
		hist_q(&res->ph_hist[2 * i], q);
		fputc(',', f);
		json_q(f, "handshake_us", res->ph_hist[2 * i].n, q);
		hist_q(&res->ph_hist[2 * i + 1], q);
		fputc(',', f);
		json_q(f, "response_us", res->ph_hist[2 * i + 1].n, q);
		fputc('}', f);
	}
	fputs("],", f);
	json_rate(f, "success_rate", rs_rate(res->total.ok,
		rs_failed(&res->total)));
	fputs(",\"breaking_points\":{", f);
	if (res->below_99 < 0)
		fputs("\"below_99_pps\":null,\"below_99_t\":null,", f);
	else
		fprintf(f, "\"below_99_pps\":%" PRId64 ",\"below_99_t\":%u,",
			res->below_99, res->below_99_t);
	if (res->below_50 < 0)
		fputs("\"below_50_pps\":null,\"below_50_t\":null,", f);
	else
		fprintf(f, "\"below_50_pps\":%" PRId64 ",\"below_50_t\":%u,",
			res->below_50, res->below_50_t);
	if (res->recovery < 0)
		fputs("\"recovery_s\":null", f);
	else
		fprintf(f, "\"recovery_s\":%.3f", res->recovery);
	if (res->attack_end < 0)
		fputs(",\"attack_end_s\":null}}\n", f);
	else
		fprintf(f, ",\"attack_end_s\":%.3f}}\n", res->attack_end);
}

static void
csv_q(FILE *f, uint64_t n, const uint64_t *q)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (n == 0)
			fputc(',', f);
		else
			fprintf(f, ",%" PRIu64, q[i]);
}

/* The series, one row a second; an empty field for a missing quantile. */
static void
rs_csv(const struct gen *g, const struct rs_result *res, FILE *f)
{
	const struct rs_sec *r;
	unsigned int i;
	uint32_t k;

	fputs("t,phase,attack_offered,attack_sent,target_synacks,"
		"target_rsts,legit_attempts,legit_ok,legit_failed,"
		"legit_unfinished", f);
	for (i = 0; i < FAIL_N; i++)
		fprintf(f, ",fail_%s", fail_names[i]);
	fputs(",handshake_p50_us,handshake_p99_us,handshake_p999_us,"
		"response_p50_us,response_p99_us,response_p999_us\n", f);
	for (k = 0; k < res->n; k++) {
		r = &res->sec[k];
		fprintf(f, "%u,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, k + 1,
			g->sec_phase[k], r->offered, r->sent, r->synacks,
			r->rsts, r->attempts, r->ok, rs_failed(r),
			r->attempts - r->ok - rs_failed(r));
		for (i = 0; i < FAIL_N; i++)
			fprintf(f, ",%" PRIu64, r->failed[i]);
		csv_q(f, r->hs_n, r->hs_q);
		csv_q(f, r->rsp_n, r->rsp_q);
		fputc('\n', f);
	}
}

static void
rs_pct(char *buf, size_t len, double rate)
{
	if (rate < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f%%", 100 * rate);
}

/* The summary: a table of the phases, failures, breaking points. */
static void
rs_human(const struct gen *g, const struct rs_result *res)
{
	const struct options *opt = g->opt;
	const struct phase *ph;
	const struct rs_sec *r;
	char src[INET_ADDRSTRLEN], pps[48], pct[16];
	struct in_addr a;
	uint64_t q[3];
	unsigned int i;

	a.s_addr = htonl(opt->src_net);
	inet_ntop(AF_INET, &a, src, sizeof(src));
	fprintf(human, "resist %s:%u, attack %s (%s options) from %s/%u, "
		"legit %s ", opt->target_text, opt->port,
		attack_names[opt->attack], synopt_names[opt->syn_opts], src,
		opt->src_len, opt->legit == LEGIT_HTTP ? "http" : "connect");
	if (opt->legit_conc != 0)
		fprintf(human, "concurrency %u", opt->legit_conc);
	else
		fprintf(human, "%" PRIu64 "/s", opt->legit_rate);
	fprintf(human, ", timeout %u ms, %u worker(s), %.3f s%s\n",
		opt->timeout_ms, g->n_workers, res->ran,
		res->interrupted ? " (interrupted)" : "");
	fprintf(human, "  %-5s %-4s %-15s %6s %10s %10s %8s %8s %8s %7s "
		"%8s %10s\n", "phase", "type", "pps", "secs", "sent",
		"syn-acks", "rsts", "attempts", "ok", "failed", "success",
		"hs p99 us");
	for (i = 0; i <= opt->n_phases; i++) {
		if (i < opt->n_phases) {
			ph = &opt->phases[i];
			r = &res->phase[i];
			if (opt->max)
				snprintf(pps, sizeof(pps), "max");
			else if (ph->type == PHASE_RAMP)
				snprintf(pps, sizeof(pps), "%" PRIu64 "-%"
					PRIu64, ph->from, ph->to);
			else
				snprintf(pps, sizeof(pps), "%" PRIu64,
					ph->from);
			hist_q(&res->ph_hist[2 * i], q);
			rs_pct(pct, sizeof(pct), rs_rate(r->ok,
				rs_failed(r)));
			fprintf(human, "  %-5u %-4s %-15s %6.1f", i,
				phase_names[ph->type], pps, ph->seconds);
		} else {
			r = &res->total;
			hist_q(&res->hs, q);
			rs_pct(pct, sizeof(pct), rs_rate(r->ok,
				rs_failed(r)));
			fprintf(human, "  %-5s %-4s %-15s %6.1f", "all", "",
				"", res->ran);
		}
		fprintf(human, " %10" PRIu64 " %10" PRIu64 " %8" PRIu64
			" %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %8s ",
			r->sent, r->synacks, r->rsts, r->attempts, r->ok,
			rs_failed(r), pct);
		if ((i < opt->n_phases ? res->ph_hist[2 * i].n :
				res->hs.n) == 0)
			fprintf(human, "%10s\n", "-");
		else
			fprintf(human, "%10" PRIu64 "\n", q[1]);
	}
	r = &res->total;
	if (rs_failed(r) != 0) {
		fprintf(human, "  failures ");
		for (i = 0; i < FAIL_N; i++)
			if (r->failed[i] != 0)
				fprintf(human, " %s %" PRIu64, fail_names[i],
					r->failed[i]);
		fputc('\n', human);
	}
	if (r->attempts - r->ok - rs_failed(r) != 0)
		fprintf(human, "  unfinished %" PRIu64 " (cut off at the end)"
			"\n", r->attempts - r->ok - rs_failed(r));
	if (res->skipped + res->connect_errors != 0)
		fprintf(human, "  not attempted: %" PRIu64 " (no free slot), %"
			PRIu64 " (no local port or TCB)\n", res->skipped,
			res->connect_errors);
	print_hist("handshake", &res->hs);
	if (opt->legit == LEGIT_HTTP)
		print_hist("response", &res->rsp);
	fprintf(human, "  breaking points: below 99%% ");
	if (res->below_99 < 0)
		fprintf(human, "never");
	else
		fprintf(human, "at %" PRId64 " pps (second %u)", res->below_99,
			res->below_99_t);
	fprintf(human, ", below 50%% ");
	if (res->below_50 < 0)
		fprintf(human, "never");
	else
		fprintf(human, "at %" PRId64 " pps (second %u)", res->below_50,
			res->below_50_t);
	if (res->attack_end < 0)
		fprintf(human, "; recovery: no stop phase after the attack\n");
	else if (res->below_99 < 0)
		fprintf(human, "; never below 99%%, nothing to recover from\n");
	else if (res->recovery < 0)
		fprintf(human, "; not recovered %.1f s after the attack "
			"stopped\n", res->ran - res->attack_end);
	else
		fprintf(human, "; recovered %.1f s after the attack "
			"stopped\n", res->recovery);
	fflush(human);
}

static FILE *
out_open(const char *file)
{
	FILE *f;

	if (file == NULL)
		return stdout;
	f = fopen(file, "w");
	if (f == NULL)
		fprintf(stderr, "woshou-gen: cannot write %s: %s\n", file,
			strerror(errno));
	return f;
}

static int
report_resist(struct gen *g, double ran, bool interrupted)
{
	const struct options *opt = g->opt;
	static struct rs_result res;
	int ret = EXIT_SUCCESS;
	FILE *f;

	res.ran = ran;
	res.interrupted = interrupted;
	if (rs_collect(g, &res) < 0) {
		fprintf(stderr, "woshou-gen: out of memory for the report\n");
		return EXIT_RUNTIME;
	}
	rs_human(g, &res);
	if (res.unreachable)
		fprintf(stderr, "woshou-gen: target %s unreachable: no ARP "
			"answer\n", opt->target_text);
	else if (res.total.ok == 0 && rs_failed(&res.total) != 0)
		fprintf(stderr, "woshou-gen: target %s:%u unreachable: every "
			"legitimate attempt failed\n", opt->target_text,
			opt->port);
	if (res.unreachable || (res.total.ok == 0 &&
			rs_failed(&res.total) != 0))
		ret = EXIT_RUNTIME;
	if (opt->json) {
		f = out_open(opt->json_file);
		if (f == NULL)
			ret = EXIT_RUNTIME;
		else {
			rs_json(g, &res, f);
			json_close(opt, f);
		}
	}
	if (opt->csv) {
		f = out_open(opt->csv_file);
		if (f == NULL)
			ret = EXIT_RUNTIME;
		else {
			rs_csv(g, &res, f);
			if (f != stdout)
				fclose(f);
			else
				fflush(f);
		}
	}
	free(res.sec);
	return ret;
}

static struct ws_stack *
create_stack(const struct ws_config *cfg)
{
	struct ws_stack *s;

	s = ws_stack_create(cfg);
	if (s == NULL) {
		fprintf(stderr, "woshou-gen: cannot create the stack: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		exit(EXIT_RUNTIME);
	}
	return s;
}

/* Slots of this worker, each with its share of --count bytes. */
static int
bulk_setup(struct gen_worker *gw, unsigned int n)
{
	const struct options *opt = gw->g->opt;
	unsigned int i, first = 0, k;
	int ret;

	for (k = 0; k < gw->index; k++)
		first += opt->concurrency / n + (k < opt->concurrency % n);
	ret = http_setup(gw, opt->concurrency / n +
		(gw->index < opt->concurrency % n));
	if (ret < 0)
		return ret;
	/* Connection number first + i takes its share of the bytes. */
	for (i = 0; i < gw->n_slots; i++)
		if (opt->count != 0)
			gw->slots[i].quota = opt->count / opt->concurrency +
				(first + i < opt->count % opt->concurrency);
	if (gw->n_slots == 0)
		gw->done = 1;
	return 0;
}

/* Per-worker state and hooks, set before the workers start. */
static int
setup_workers(struct gen *g)
{
	const struct options *opt = g->opt;
	struct gen_worker *gw;
	unsigned int i, n = g->n_workers;
	int ret;

	for (i = 0; i < n; i++) {
		gw = rte_zmalloc("woshou_gen_worker", sizeof(*gw),
			RTE_CACHE_LINE_SIZE);
		if (gw == NULL)
			return -ENOMEM;
		g->gw[i] = gw;
		gw->g = g;
		gw->index = i;
		gw->w = ws_stack_worker(g->s, i);
		gw->src_first = rte_be_to_cpu_32(ws_worker_addr(gw->w));
		gw->n_src = ws_worker_addr_count(gw->w);
		/* Workers start on different addresses. */
		gw->next_src = i % gw->n_src;
		gw->rnd = rte_rdtsc() ^ ((uint64_t)(i + 1) << 56) ^
			(uint64_t)getpid() << 20;
		if (gw->rnd == 0)
			gw->rnd = 1;
		/* Shares: the first (count % n) workers take one more. */
		if (opt->count != 0)
			gw->quota = opt->count / n + (i < opt->count % n);
		if (opt->mode == MODE_RESIST) {
			ret = resist_setup(gw, n);
		} else if (opt->mode == MODE_SYN_FLOOD) {
			gw->rate = opt->rate / n + (i < opt->rate % n);
			/* A worker with no share of the rate or count idles. */
			if ((opt->rate != 0 && gw->rate == 0) ||
					(opt->count != 0 && gw->quota == 0)) {
				gw->phase = 3;
				gw->done = 1;
			}
			ret = ws_worker_set_poll_hook(gw->w, flood_poll, gw);
			if (ret == 0)
				ret = ws_worker_set_foreign_hook(gw->w,
					flood_foreign, gw);
		} else if (opt->mode == MODE_BULK) {
			ret = bulk_setup(gw, n);
			if (ret == 0)
				ret = ws_worker_set_poll_hook(gw->w,
					slots_poll, gw);
		} else {
			ret = http_setup(gw, opt->concurrency / n +
				(i < opt->concurrency % n));
			if (ret == 0 && (gw->n_slots == 0 ||
					(opt->count != 0 && gw->quota == 0)))
				gw->done = 1;
			if (ret == 0)
				ret = ws_worker_set_poll_hook(gw->w,
					slots_poll, gw);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void
free_workers(struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->n_workers; i++) {
		if (g->gw[i] == NULL)
			continue;
		rte_free(g->gw[i]->slots);
		free(g->gw[i]->secs);
		free(g->gw[i]->ring);
		free(g->gw[i]->ph_hist);
		rte_free(g->gw[i]);
	}
}

int
main(int argc, char **argv)
{
	static struct ws_services_config services;	/* unused */
	char err[WS_CFG_ERR_LEN];
	struct options opt;
	struct ws_config cfg;
	struct ws_stats st;
	struct gen g;
	uint32_t mask;
	double ran;
	int ret;

	parse_options(argc, argv, &opt);
	/* woshou's sections too: a config written for it loads here. */
	if (ws_services_config_register(&services, err, sizeof(err)) < 0)
		ws_app_fail_usage("%s", err);
	ws_app_load_config(&opt.app, &cfg);
	if (opt.mode != MODE_SYN_FLOOD && opt.concurrency >
			cfg.tcp.max_connections * cfg.workers.count)
		ws_app_fail_usage("--concurrency %u is more than "
			"tcp.max_connections (%u per worker) allows",
			opt.concurrency, cfg.tcp.max_connections);
	/* resist's clients all run on worker 0. */
	if (opt.legit_conc > cfg.tcp.max_connections)
		ws_app_fail_usage("--legit-concurrency %u is more than "
			"tcp.max_connections (%u) allows", opt.legit_conc,
			cfg.tcp.max_connections);
	human = (opt.json && opt.json_file == NULL) ||
		(opt.csv && opt.csv_file == NULL) ? stderr : stdout;
	start_eal(&cfg, argv[0]);
	ws_app_catch_signals(&quit);

	memset(&g, 0, sizeof(g));
	g.opt = &opt;
	g.hz = rte_get_tsc_hz();
	mask = (uint32_t)(0xffffffffu << (32 - opt.src_len));
	g.src_base = opt.src_net & mask;
	g.src_host_mask = ~mask;
	g.port_be = rte_cpu_to_be_16(opt.port);
	pkt_templates(&g);
	g.s = create_stack(&cfg);
	g.n_workers = ws_stack_worker_count(g.s);
	ret = opt.mode == MODE_RESIST ? resist_prepare(&g) : 0;
	if (ret == 0)
		ret = setup_workers(&g);
	if (ret < 0) {
		fprintf(stderr, "woshou-gen: cannot set up the workers: %s\n",
			rte_strerror(-ret));
		goto fail;
	}
	g.begin = rte_rdtsc() + (uint64_t)(opt.delay * (double)g.hz);
	g.deadline = g.begin + (uint64_t)(opt.duration * (double)g.hz);
	ret = ws_stack_start(g.s);
	if (ret < 0) {
		fprintf(stderr, "woshou-gen: cannot start the stack: %s\n",
			rte_strerror(-ret));
		goto fail;
	}
	print_banner(&g);
	while (!quit && rte_rdtsc() < g.begin)
		rte_delay_us_sleep(10000);
	ran = run_loop(&g);
	ws_stack_stop(g.s);
	ws_stack_stats(g.s, -1, &st);
	if (opt.mode == MODE_SYN_FLOOD)
		ret = report_flood(&g, ran, &st);
	else if (opt.mode == MODE_BULK)
		ret = report_bulk(&g, ran, &st);
	else if (opt.mode == MODE_RESIST)
		ret = report_resist(&g, ran, quit != 0);
	else
		ret = report_http(&g, ran);
	/* After the stack: its last 'closed' callbacks use the slots. */
	ws_stack_destroy(g.s);
	free_workers(&g);
	free(g.sec_phase);
	rte_eal_cleanup();
	free(opt.app.sets);
	return ret;
fail:
	ws_stack_destroy(g.s);
	free_workers(&g);
	rte_eal_cleanup();
	return EXIT_RUNTIME;
}
