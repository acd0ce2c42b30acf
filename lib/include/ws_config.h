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
	uint32_t mbufs;			/* mbufs per worker in the pool */
};

struct ws_ip_config {
	uint32_t addr;			/* network byte order */
	uint8_t prefix_len;
	uint32_t gateway;		/* network byte order; 0 = none */
	uint8_t ttl;
	uint32_t frag_entries;		/* reassembly table: datagrams in flight */
	uint32_t frag_timeout_ms;
};

struct ws_arp_config {
	uint32_t cache_entries;		/* power of two */
	uint32_t reachable_ms;		/* entry is fresh this long */
	uint32_t stale_ms;		/* then refreshed; removed after this */
	uint32_t queue_len;		/* packets waiting per unresolved host */
	uint32_t resolve_timeout_ms;	/* drop waiting packets after this */
	uint32_t retry_ms;		/* at most one request per host per ... */
	bool gratuitous;		/* announce our address at start */
};

struct ws_icmp_config {
	bool echo;			/* answer echo requests */
	uint32_t unreach_rate;		/* errors per second per worker */
	uint32_t unreach_burst;
};

struct ws_workers_config {
	unsigned int lcores[WS_MAX_WORKERS];
	unsigned int count;
};

struct ws_control_config {
	uint32_t interval_ms;		/* aggregation period */
	bool print_stats;		/* one line of counters per interval */
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
};

/* Fill every field with its documented default. */
void ws_config_defaults(struct ws_config *cfg);

/*
 * Read 'path', apply the 'n_sets' overrides "section.key=value" on top, and
 * check every value. On error returns -EINVAL (or -ENOENT for a missing
 * file) and writes one line "FILE: [section] key: reason" into err.
 */
int ws_config_load(struct ws_config *cfg, const char *path,
		const char *const *sets, unsigned int n_sets,
		char *err, size_t err_len);

/* Print the effective configuration as an INI file that loads back. */
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

#endif /* WS_CONFIG_H */
