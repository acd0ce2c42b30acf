/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_CONFIG_H
#define WS_CONFIG_H

/*
 * The typed configuration. An INI file (read with rte_cfgfile) is checked
 * against a schema: every key has a type, a default and bounds, so a value
 * the program reads is always valid. Errors name file, section, key and
 * reason in one line.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>

#define WS_MAX_WORKERS 16
#define WS_CFG_STR_LEN 256
#define WS_CFG_ERR_LEN 512

enum ws_huge_mode {
	WS_HUGE_AUTO = 0,	/* hugepages when some are free, else --no-huge */
	WS_HUGE_YES,		/* hugepages or fail */
	WS_HUGE_NO,		/* always --no-huge */
};

struct ws_eal_config {
	char file_prefix[WS_CFG_STR_LEN];
	char vdev[WS_CFG_STR_LEN];	/* one --vdev, empty for none */
	char allow[WS_CFG_STR_LEN];	/* PCI addresses, space separated;
					 * empty = --no-pci */
	unsigned int main_lcore;
	enum ws_huge_mode huge;
	unsigned int memory_mb;		/* -m, 0 = EAL default */
	char log_level[WS_CFG_STR_LEN];	/* --log-level, empty = default */
	char extra[WS_CFG_STR_LEN];	/* raw EAL arguments, space separated */
};

struct ws_port_config {
	char device[WS_CFG_STR_LEN];	/* ethdev name; empty = first port */
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;
	bool mac_set;			/* mac given, else the port's own */
	struct rte_ether_addr mac;
	bool promiscuous;
	uint32_t mbufs;			/* per worker: the stack's pool */
	uint32_t rx_mbufs;		/* per worker: receive pool; 0 = auto */
	bool rss;			/* steer with the port's RSS if it has it */
};

struct ws_ip_config {
	uint32_t addr;			/* network byte order */
	uint8_t prefix_len;
	uint32_t addr_count;		/* addr and the next addr_count - 1 */
	uint32_t gateway;		/* network byte order; 0 = none */
	uint8_t ttl;
	uint32_t frag_entries;		/* reassembly table: datagrams in flight */
	uint32_t frag_timeout_ms;
	uint32_t pmtu_min;		/* lowest path MTU ICMP may set (RFC 1191) */
};

/*
 * arp.static: neighbours whose MAC is configured, not resolved; four
 * always fit in one configuration value of 255 characters.
 */
#define WS_ARP_STATIC_MAX 4

struct ws_arp_static {
	uint32_t addr;			/* network byte order, on the subnet */
	struct rte_ether_addr mac;
};

struct ws_arp_config {
	uint32_t cache_entries;		/* power of two */
	uint32_t reachable_ms;		/* entry is fresh this long */
	uint32_t stale_ms;		/* then refreshed; removed after this */
	uint32_t queue_len;		/* packets waiting per unresolved host */
	uint32_t resolve_timeout_ms;	/* drop waiting packets after this */
	uint32_t retry_ms;		/* at most one request per host per ... */
	bool gratuitous;		/* announce our address at start */
	unsigned int n_static;		/* entries used in statics[] */
	struct ws_arp_static statics[WS_ARP_STATIC_MAX];
};

struct ws_icmp_config {
	bool echo;			/* answer echo requests */
	uint32_t unreach_rate;		/* errors per second per worker */
	uint32_t unreach_burst;
};

struct ws_workers_config {
	unsigned int lcores[WS_MAX_WORKERS];
	unsigned int count;
	unsigned int cpus[WS_MAX_WORKERS];	/* CPU of each worker lcore */
	unsigned int n_cpus;			/* 0: CPU N runs lcore N */
	uint32_t handoff_ring;		/* packets waiting per worker */
	uint32_t idle_sleep_us;		/* sleep after idle polls; 0 = spin */
	uint32_t tx_hold_us;		/* hold tx for a fuller burst; 0 = no */
	uint32_t rx_wait_us;		/* poll gap after a short burst; 0 = no */
};

struct ws_control_config {
	uint32_t interval_ms;		/* aggregation period */
	bool print_stats;		/* one line of counters per interval */
	bool telemetry;			/* /woshou/... telemetry commands */
	uint32_t conn_list_max;		/* connections a snapshot may list */
	uint32_t drain_ms;		/* graceful stop: FINs, then RST after */
};

enum ws_tcp_syncookies {
	WS_SYNCOOKIES_OFF = 0,
	WS_SYNCOOKIES_AUTO,
	WS_SYNCOOKIES_ALWAYS,
};

/* What an ACK that fails the cookie check gets. */
enum ws_tcp_bad_cookie {
	WS_BAD_COOKIE_RST = 0,		/* RFC 9293 3.10.7.2: a reset */
	WS_BAD_COOKIE_DROP,		/* silence: no reflection at all */
};

/* [tcp] congestion: the algorithm new connections start with. */
enum ws_tcp_congestion {
	WS_TCP_CONGESTION_CUBIC = 0,	/* RFC 9438 */
	WS_TCP_CONGESTION_NEWRENO,	/* RFC 5681, RFC 6582 */
};

struct ws_tcp_config {
	uint32_t max_connections;	/* TCBs per worker */
	uint32_t rcvbuf;		/* bytes per connection (window) */
	uint32_t sndbuf;		/* bytes per connection */
	/* Autotuning grows rcvbuf and sndbuf up to these (>= them). */
	uint32_t rcvbuf_max;
	uint32_t sndbuf_max;
	uint32_t sndbuf_worker_mbufs;	/* all send buffers; 0 = auto */
	uint32_t msl_ms;		/* TIME_WAIT lasts 2 * msl_ms */
	uint32_t rto_initial_ms;	/* RFC 6298 (2.1): 1 s */
	uint32_t rto_min_ms;		/* RFC 6298 (2.4): 1 s; Linux 200 ms */
	uint32_t rto_max_ms;		/* RFC 6298 (2.5): >= 60 s */
	uint32_t delack_ms;		/* < 500 ms (MUST-40) */
	uint32_t syn_retries;		/* SYN retransmissions */
	uint32_t synack_retries;	/* SYN-ACK retransmissions */
	uint32_t r1;			/* retransmissions before soft advice */
	uint32_t r2_ms;			/* give up after this (>= 100 s) */
	uint32_t syn_r2_ms;		/* same for a SYN (>= 180 s, MUST-23) */
	uint32_t keepalive_idle_ms;	/* >= 2 h default (MUST-28) */
	uint32_t keepalive_interval_ms;
	uint32_t keepalive_count;
	uint32_t ooo_segments;		/* out-of-order segments per connection */
	uint32_t ooo_worker_segments;	/* ... and per worker */
	uint32_t challenge_ack_per_s;	/* RFC 5961 7: per worker, mean */
	uint32_t challenge_ack_interval_ms;	/* per connection; 0 = off */
	uint32_t orphan_retries;	/* persist probes of an orphan */
	uint32_t orphans_max;		/* per worker; 0 = max_connections/4 */
	uint32_t backlog;		/* half-open per listener, per worker */
	uint32_t half_open_max;		/* half-open per worker, all listeners */
	bool timestamps;		/* RFC 7323 */
	bool timestamps_strict;		/* drop segments missing a TS */
	bool tw_reuse;			/* active opens take over our TIME_WAIT */
	bool window_scaling;		/* RFC 7323 */
	bool sack;			/* RFC 2018 SACK-permitted */
	bool rack;			/* RACK loss detection (RFC 8985) */
	bool tlp;			/* tail loss probes (RFC 8985 7) */
	bool nodelay;			/* default for new connections */
	enum ws_tcp_syncookies syncookies;
	enum ws_tcp_bad_cookie syncookie_bad_ack;
	enum ws_tcp_congestion congestion;
	bool pacing;			/* spread cwnd over the RTT */
};

/* [dns]: the authoritative responder (ws_dns_server.c). */
#define WS_DNS_MAX_RECORDS 64		/* record1 .. record64 */
#define WS_DNS_CFG_NAME_MAX 255		/* a wire-form name (RFC 1035 2.3.4) */
#define WS_DNS_CFG_RDATA_MAX 256	/* the longest RDATA one line makes */

/* recordN = NAME [TTL] TYPE VALUE, checked and converted. */
struct ws_dns_record {
	char text[WS_CFG_STR_LEN];	/* as written; empty = unused slot */
	uint16_t type;			/* A, AAAA, CNAME, NS or TXT */
	uint16_t rdlen;
	uint32_t ttl;			/* its own, else [dns] ttl */
	uint8_t owner[WS_DNS_CFG_NAME_MAX];	/* absolute, wire form */
	uint8_t rdata[WS_DNS_CFG_RDATA_MAX];	/* wire form; a name in it
						 * absolute, uncompressed */
};

struct ws_dns_config {
	uint16_t port;			/* 0 = off */
	uint16_t edns_size;		/* EDNS0 payload we offer and send */
	char zone[WS_CFG_STR_LEN];	/* the apex, e.g. woshou.test;
					 * empty = off */
	uint32_t ttl;			/* records without one of their own,
					 * and the SOA */
	char mname[WS_CFG_STR_LEN];	/* SOA MNAME as written, relative to
					 * the zone; empty = ns1 */
	char rname[WS_CFG_STR_LEN];	/* SOA RNAME likewise; empty =
					 * hostmaster */
	uint32_t serial;
	uint32_t refresh;
	uint32_t retry;
	uint32_t expire;
	uint32_t minimum;		/* RFC 2308: the negative TTL */
	unsigned int n_records;		/* slots used: records[0..n_records-1];
					 * an empty text is an unused slot */
	struct ws_dns_record records[WS_DNS_MAX_RECORDS];
};

/* [resolver]: the stub resolver (ws_resolver.c). */
#define WS_RESOLVER_MAX_SERVERS 4

struct ws_resolver_config {
	unsigned int n_servers;		/* 0 = no resolver */
	uint32_t servers[WS_RESOLVER_MAX_SERVERS];	/* network byte order */
	uint16_t port;			/* the servers' port */
	uint32_t timeout_ms;		/* wait for a reply to one query */
	uint32_t attempts;		/* rounds over all the servers */
	uint32_t cache_entries;		/* names cached per worker (power of 2) */
	uint32_t max_pending;		/* unanswered lookups per worker */
	uint32_t max_ttl;		/* seconds: cap on cached answers */
	uint32_t max_neg_ttl;		/* seconds: cap on negative answers */
	uint32_t neg_ttl;		/* seconds: negative answer without SOA;
					 * 0 = not cached */
};

struct ws_config {
	char path[WS_CFG_STR_LEN];	/* file the config was read from */
	struct ws_eal_config eal;
	struct ws_port_config port;
	struct ws_ip_config ip;
	struct ws_arp_config arp;
	struct ws_icmp_config icmp;
	struct ws_workers_config workers;
	struct ws_control_config control;
	struct ws_tcp_config tcp;
	struct ws_dns_config dns;
	struct ws_resolver_config resolver;
};

/*
 * The schema: a section is a table of typed keys, each with a default and
 * bounds, that writes into a struct of its owner's. The library's own
 * sections ([eal] .. [resolver]) are such tables over struct ws_config; a
 * program that embeds the stack registers its own sections the same way
 * (ws_config_register_section), and its keys then behave exactly like the
 * library's: defaults, bounds, --set, the unknown-key and unknown-section
 * errors, the one-line "FILE: [section] key: reason" messages and
 * ws_config_print.
 */

#define WS_CFG_NAME_LEN 64	/* section and key names, NUL included */
#define WS_CFG_VALUE_LEN 256	/* a value's text, NUL included */

enum ws_config_kind {
	WS_CONFIG_UINT = 0,	/* unsigned, 1, 2, 4 or 8 bytes, in min..max */
	WS_CONFIG_BOOL,		/* bool: yes/no/true/false/on/off/1/0 */
	WS_CONFIG_STRING,	/* char[size], NUL-terminated */
	WS_CONFIG_ENUM,		/* int: the index of the text in names[] */
	WS_CONFIG_CUSTOM,	/* parse and format below do it all */
};

/* Key flags. */
#define WS_CONFIG_POW2		0x1	/* UINT: a power of two */
#define WS_CONFIG_NONEMPTY	0x2	/* STRING: not empty */

struct ws_config_key;

/*
 * Text to value, for a CUSTOM key; or, as 'check', a further test of a
 * value its kind has already stored. 'base' is the struct the key's offset
 * points into: the section's data, or for the library's own keys the
 * struct ws_config being loaded. 'cfg' is the library's configuration as
 * far as it is converted: all of it when an application's key is parsed
 * (its path names the file being loaded). 'text' is the value as written,
 * for messages. 0, or -EINVAL with the reason, without the key's name, in
 * 'why'.
 */
typedef int (*ws_config_parse_t)(const struct ws_config_key *k,
		const char *text, void *base, const struct ws_config *cfg,
		char *why, size_t why_len);

/* Value to text that parses back to the same value (CUSTOM keys). */
typedef void (*ws_config_format_t)(const struct ws_config_key *k,
		const void *base, char *buf, size_t len);

struct ws_config_key {
	const char *name;
	enum ws_config_kind kind;
	const char *def;		/* default as text; NULL = required */
	uint64_t min;			/* UINT bounds, inclusive; printed */
	uint64_t max;			/* ... when max is not 0 */
	size_t offset;			/* the field in 'base' ... */
	size_t size;			/* ... and its size */
	const char *const *names;	/* ENUM: value i is names[i], NULL
					 * terminated */
	unsigned int flags;		/* WS_CONFIG_POW2, ... */
	ws_config_parse_t parse;	/* CUSTOM */
	ws_config_format_t format;	/* CUSTOM */
	ws_config_parse_t check;	/* optional, after the kind's own */
	const char *help;		/* one line, printed above the key */
};

/* .offset and .size of 'member' of 'type', for a key table. */
#define WS_CONFIG_FIELD(type, member) \
	.offset = offsetof(type, member), \
	.size = sizeof(((type *)NULL)->member)

/* The field a key writes in 'base'. */
static inline void *
ws_config_field(const struct ws_config_key *k, void *base)
{
	return (char *)base + k->offset;
}

static inline const void *
ws_config_field_const(const struct ws_config_key *k, const void *base)
{
	return (const char *)base + k->offset;
}

/*
 * A check across sections, run once every key of every section is
 * converted (an application's keys after the library's). 'data' is the
 * section's data as loaded, 'cfg' the library's whole configuration. 0,
 * or -EINVAL with the key to blame in *section and *key (any section's,
 * the library's too) and the reason in 'why'.
 */
typedef int (*ws_config_check_t)(const void *data,
		const struct ws_config *cfg, const char **section,
		const char **key, char *why, size_t why_len);

struct ws_config_section {
	const char *name;		/* [name] */
	const struct ws_config_key *keys;	/* parsed in this order */
	unsigned int n_keys;
	void *data;			/* the struct the offsets point into */
	size_t size;			/* ... and its size */
	ws_config_check_t check;	/* optional */
};

#define WS_CONFIG_MAX_SECTIONS 32	/* an application may register */

/*
 * Add an application's section to every later load, print and defaults.
 * Section and key names are 1..63 of A-Z a-z 0-9 _. The section is
 * copied; its key table, names and 'data' must outlive the registration.
 * Sections sharing 'data' (with the same size) are loaded together, so a
 * key may be checked against another section's key registered before it.
 * A load writes 'data' only when it succeeds: the whole struct, zeroed
 * and then set key by key. An unsigned key named "port" shows in
 * /woshou/info as SECTION_port.
 *
 * 0; -EEXIST when the library or an earlier registration owns the name;
 * -EINVAL for a malformed section or key (a bad default included);
 * -ENOSPC past WS_CONFIG_MAX_SECTIONS. The reason is written to 'err'.
 * Not thread-safe: register before loading, from one thread.
 */
int ws_config_register_section(const struct ws_config_section *s,
		char *err, size_t err_len);

/* Forget a registered section. 0, or -ENOENT when none has that name. */
int ws_config_unregister_section(const char *name);

/*
 * A helper for CUSTOM parsers: the next blank-separated word at *p, of at
 * most 'cap' - 1 characters, into 'word'; *p moves past it and the blanks
 * after it. False when there is none or it is too long.
 */
bool ws_config_next_word(const char **p, char *word, size_t cap);

/*
 * Fill every field of 'cfg' with its documented default, and every
 * registered section's data with its own.
 */
void ws_config_defaults(struct ws_config *cfg);

/*
 * Read 'path', apply the 'n_sets' overrides "section.key=value" on top (a
 * key set twice takes the later value), and check every value, the
 * registered sections' too. On error returns -EINVAL (or -ENOENT for a
 * missing file), writes one line "FILE: [section] key: reason" into err
 * and leaves 'cfg' and every section's data as they were.
 */
int ws_config_load(struct ws_config *cfg, const char *path,
		const char *const *sets, unsigned int n_sets,
		char *err, size_t err_len);

/*
 * Print the effective configuration, the registered sections after the
 * library's, as an INI file that loads back.
 */
void ws_config_print(FILE *f, const struct ws_config *cfg);

/*
 * Build the EAL argument vector for this config: program name, lcores,
 * memory mode, vdev/allow, then 'extra' and the caller's own extra
 * arguments. 'hugepages_free' is the number of free hugepages seen on the
 * host (WS_HUGE_AUTO decides from it). Returns argc, or -ENOSPC when
 * 'argv_max' is too small. Strings live in 'buf'.
 */
int ws_config_eal_args(const struct ws_config *cfg, const char *prog,
		unsigned long hugepages_free,
		const char *const *extra, unsigned int n_extra,
		char **argv, unsigned int argv_max, char *buf, size_t buf_len);

/*
 * How a worker's mbufs are shared out (ws_config_mbufs()). Two pools per
 * worker: the port refills its rx descriptors from the receive pool and
 * from nothing else, so what the stack holds to send can never starve
 * reception; everything the stack builds (send buffers, segments, ARP
 * and ICMP replies it cannot make in place) comes from port.mbufs.
 */
#define WS_MBUF_CACHE		256	/* per-lcore mempool cache */
#define WS_MBUF_CACHE_HOLD	384	/* what one cache may hold (1.5x) */
#define WS_MBUF_BURSTS		64	/* two bursts being processed */
#define WS_MBUF_TX_RESERVE	512	/* ACKs, RSTs, control segments */
/*
 * Send-buffer mbufs past the budget, for connections that hold fewer than
 * WS_TCP_SB_MIN_MBUFS: a new client still gets its answer while others
 * pin the budget (Linux's tcp_wmem[0] under memory pressure).
 */
#define WS_MBUF_SB_FLOOR	256

struct ws_mbuf_plan {
	uint32_t rx_pool;	/* receive pool: rx_mbufs, or auto */
	uint32_t rx_min;	/* least receive pool that cannot starve */
	/*
	 * Received data (receive buffers, out-of-order queues, reassembly)
	 * is held only while the receive pool keeps more than this free:
	 * what the tx ring (replies built in the received mbuf), a cache
	 * and two bursts may still take.
	 */
	uint32_t rx_floor;
	uint32_t tx_min;	/* least port.mbufs */
	uint32_t sndbuf_budget;	/* mbufs all send buffers may hold */
};

/*
 * The plan for 'cfg' (its [port] and [tcp] sections): per worker,
 *   rx_min  = rx_desc + tx_desc + cache + 2 bursts + 2 bursts of reserve
 *   rx_pool = rx_mbufs, or (auto) rx_min + rx_desc rounded up to 2^n - 1
 *   tx_min  = tx_desc + cache + 2 bursts + WS_MBUF_TX_RESERVE +
 *             WS_MBUF_SB_FLOOR
 *   sndbuf_budget = sndbuf_worker_mbufs, or (auto) mbufs - tx_min
 */
void ws_config_mbufs(const struct ws_config *cfg, struct ws_mbuf_plan *p);

#endif /* WS_CONFIG_H */
