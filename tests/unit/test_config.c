/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The configuration loader: defaults, every key of a full file, each kind
 * of error with its exact one-line message, --set overrides, the print ->
 * load round trip and the EAL argument vector.
 *
 * Each test runs inside its own mkdtemp directory, so files are named
 * relative to it and the messages read exactly as a user would see them.
 * Addresses outside 198.18.0.0/15 and loopback are built from their octets
 * (ip4()): they are parser input only, never traffic.
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ws_app.h"
#include "ws_config.h"
#include "ws_services_config.h"
#include "ws_test.h"

#define GOOD_ADDR "198.18.0.2/24"

/* woshou's [http], [echo] and [discard], registered for every test. */
static struct ws_services_config svc;

struct test_dir {
	char path[PATH_MAX];
	char old_cwd[PATH_MAX];
};

static int
enter_temp_dir(void **state)
{
	struct test_dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	snprintf(d->path, sizeof(d->path), "%s/ws_config.XXXXXX",
		getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(d->path));
	assert_non_null(getcwd(d->old_cwd, sizeof(d->old_cwd)));
	assert_int_equal(chdir(d->path), 0);
	*state = d;
	return 0;
}

static int
leave_temp_dir(void **state)
{
	struct test_dir *d = *state;
	struct dirent *e;
	DIR *dir;

	dir = opendir(".");
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlink(e->d_name) != 0)
			rmdir(e->d_name);
	}
	closedir(dir);
	assert_int_equal(chdir(d->old_cwd), 0);
	assert_int_equal(rmdir(d->path), 0);
	free(d);
	return 0;
}

static void
write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static uint32_t
be_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return rte_cpu_to_be_32(RTE_IPV4((uint32_t)a, b, c, d));
}

static int
load_text(const char *name, const char *text, const char *const *sets,
		unsigned int n_sets, struct ws_config *cfg, char *err)
{
	write_file(name, text);
	return ws_config_load(cfg, name, sets, n_sets, err, WS_CFG_ERR_LEN);
}

static void
load_good(const char *text, const char *const *sets, unsigned int n_sets,
		struct ws_config *cfg)
{
	char err[WS_CFG_ERR_LEN];
	int ret;

	ret = load_text("good.ini", text, sets, n_sets, cfg, err);
	if (ret != 0)
		fail_msg("load failed (%d): %s", ret, err);
}

/* A load that must fail with exactly 'expected', leaving cfg alone. */
static void
expect_error(const char *text, const char *const *sets, unsigned int n_sets,
		const char *expected)
{
	struct ws_services_config svc_before;
	struct ws_config cfg, before;
	char err[WS_CFG_ERR_LEN];

	memset(&cfg, 0xa5, sizeof(cfg));
	memcpy(&before, &cfg, sizeof(before));
	memset(&svc, 0xa5, sizeof(svc));
	memcpy(&svc_before, &svc, sizeof(svc));
	assert_int_equal(load_text("bad.ini", text, sets, n_sets, &cfg, err),
		-EINVAL);
	assert_string_equal(err, expected);
	assert_memory_equal(&cfg, &before, sizeof(cfg));
	assert_memory_equal(&svc, &svc_before, sizeof(svc));
}

/* A file with a valid [ip] and 'key = value' in 'section'. */
static void
file_with(char *buf, size_t len, const char *section, const char *key,
		const char *value)
{
	if (strcmp(section, "ip") == 0 && strcmp(key, "addr") == 0)
		snprintf(buf, len, "[ip]\naddr = %s\n", value);
	else if (strcmp(section, "ip") == 0)
		snprintf(buf, len, "[ip]\naddr = " GOOD_ADDR "\n%s = %s\n",
			key, value);
	else
		snprintf(buf, len, "[ip]\naddr = " GOOD_ADDR "\n[%s]\n%s = %s\n",
			section, key, value);
}

static void
expect_bad_value(const char *section, const char *key, const char *value,
		const char *reason)
{
	char text[1024], expected[WS_CFG_ERR_LEN];

	file_with(text, sizeof(text), section, key, value);
	snprintf(expected, sizeof(expected), "bad.ini: [%s] %s: %s", section,
		key, reason);
	expect_error(text, NULL, 0, expected);
}

static void
load_value(const char *section, const char *key, const char *value,
		struct ws_config *cfg)
{
	char text[1024];

	file_with(text, sizeof(text), section, key, value);
	load_good(text, NULL, 0, cfg);
}

static void
test_defaults(void **state)
{
	struct ws_config cfg;

	(void)state;
	memset(&svc, 0xa5, sizeof(svc));
	ws_config_defaults(&cfg);
	assert_string_equal(cfg.path, "");
	assert_string_equal(cfg.eal.file_prefix, "woshou");
	assert_string_equal(cfg.eal.vdev, "");
	assert_string_equal(cfg.eal.allow, "");
	assert_int_equal(cfg.eal.main_lcore, 0);
	assert_int_equal(cfg.eal.huge, WS_HUGE_AUTO);
	assert_int_equal(cfg.eal.memory_mb, 256);
	assert_string_equal(cfg.eal.log_level, "");
	assert_string_equal(cfg.eal.extra, "");
	assert_string_equal(cfg.port.device, "");
	assert_int_equal(cfg.port.rx_desc, 1024);
	assert_int_equal(cfg.port.tx_desc, 1024);
	assert_int_equal(cfg.port.mtu, 1500);
	assert_false(cfg.port.mac_set);
	assert_true(rte_is_zero_ether_addr(&cfg.port.mac));
	assert_false(cfg.port.promiscuous);
	assert_int_equal(cfg.port.mbufs, 8191);
	assert_int_equal(cfg.ip.addr, 0);
	assert_int_equal(cfg.ip.prefix_len, 0);
	assert_int_equal(cfg.ip.gateway, 0);
	assert_int_equal(cfg.ip.ttl, 64);
	assert_int_equal(cfg.ip.frag_entries, 1024);
	assert_int_equal(cfg.ip.frag_timeout_ms, 30000);
	assert_int_equal(cfg.ip.pmtu_min, 552);
	assert_int_equal(cfg.arp.cache_entries, 256);
	assert_int_equal(cfg.arp.reachable_ms, 30000);
	assert_int_equal(cfg.arp.stale_ms, 60000);
	assert_int_equal(cfg.arp.queue_len, 4);
	assert_int_equal(cfg.arp.resolve_timeout_ms, 3000);
	assert_int_equal(cfg.arp.retry_ms, 1000);
	assert_true(cfg.arp.gratuitous);
	assert_true(cfg.icmp.echo);
	assert_int_equal(cfg.icmp.unreach_rate, 100);
	assert_int_equal(cfg.icmp.unreach_burst, 50);
	assert_int_equal(cfg.workers.count, 1);
	assert_int_equal(cfg.workers.lcores[0], 1);
	assert_int_equal(cfg.control.interval_ms, 1000);
	assert_false(cfg.control.print_stats);
	assert_int_equal(cfg.control.drain_ms, 5000);
	assert_int_equal(cfg.tcp.max_connections, 16384);
	assert_int_equal(cfg.tcp.rcvbuf, 262144);
	assert_int_equal(cfg.tcp.sndbuf, 262144);
	/* Linux's tcp_rmem[2] and tcp_wmem[2]. */
	assert_int_equal(cfg.tcp.rcvbuf_max, 6291456);
	assert_int_equal(cfg.tcp.sndbuf_max, 4194304);
	assert_int_equal(cfg.tcp.msl_ms, 30000);
	assert_int_equal(cfg.tcp.rto_initial_ms, 1000);
	assert_int_equal(cfg.tcp.rto_min_ms, 200);
	assert_int_equal(cfg.tcp.rto_max_ms, 60000);
	assert_int_equal(cfg.tcp.delack_ms, 40);
	assert_int_equal(cfg.tcp.syn_retries, 6);
	assert_int_equal(cfg.tcp.synack_retries, 5);
	assert_int_equal(cfg.tcp.r1, 3);
	assert_int_equal(cfg.tcp.r2_ms, 100000);
	assert_int_equal(cfg.tcp.syn_r2_ms, 180000);
	assert_int_equal(cfg.tcp.keepalive_idle_ms, 7200000);
	assert_int_equal(cfg.tcp.keepalive_interval_ms, 75000);
	assert_int_equal(cfg.tcp.keepalive_count, 9);
	assert_int_equal(cfg.tcp.ooo_segments, 64);
	assert_int_equal(cfg.tcp.ooo_worker_segments, 8192);
	assert_int_equal(cfg.tcp.challenge_ack_per_s, 100);
	assert_int_equal(cfg.tcp.challenge_ack_interval_ms, 500);
	assert_int_equal(cfg.tcp.orphan_retries, 8);
	assert_int_equal(cfg.tcp.orphans_max, 0);
	assert_int_equal(cfg.tcp.backlog, 1024);
	assert_int_equal(cfg.tcp.half_open_max, 4096);
	assert_int_equal(cfg.tcp.syncookie_bad_ack, WS_BAD_COOKIE_DROP);
	assert_true(cfg.tcp.timestamps);
	assert_true(cfg.tcp.timestamps_strict);
	assert_true(cfg.tcp.tw_reuse);
	assert_true(cfg.tcp.window_scaling);
	assert_true(cfg.tcp.sack);
	assert_true(cfg.tcp.rack);
	assert_true(cfg.tcp.tlp);
	assert_false(cfg.tcp.nodelay);
	assert_int_equal(cfg.tcp.syncookies, WS_SYNCOOKIES_AUTO);
	assert_int_equal(cfg.tcp.congestion, WS_TCP_CONGESTION_CUBIC);
	assert_false(cfg.tcp.pacing);
	assert_int_equal(svc.http_port, 80);
	assert_int_equal(svc.echo_port, 7);
	assert_int_equal(svc.discard_port, 9);
	assert_int_equal(svc.http_max_request, 8192);
	assert_int_equal(svc.http_max_body, 65536);
	assert_int_equal(svc.http_keepalive_ms, 60000);
	assert_int_equal(svc.http_max_connections, 1024);
	assert_int_equal(svc.n_routes, 0);
	assert_false(svc.http_tcp_keepalive);
	assert_false(svc.echo_keepalive);
	assert_false(svc.discard_keepalive);
}

/* Only the required key: everything else is the default. */
static void
test_minimal_file(void **state)
{
	struct ws_services_config svc_loaded;
	struct ws_config cfg, expected;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	memcpy(&svc_loaded, &svc, sizeof(svc));
	ws_config_defaults(&expected);
	strcpy(expected.path, "good.ini");
	expected.ip.addr = be_ip(198, 18, 0, 2);
	expected.ip.prefix_len = 24;
	assert_memory_equal(&cfg, &expected, sizeof(cfg));
	assert_memory_equal(&svc_loaded, &svc, sizeof(svc));
}

static const char full_ini[] =
	"; every key, none at its default\n"
	"# both comment characters work\n"
	"\n"
	"[eal]\n"
	"file_prefix = ws_full\n"
	"vdev = net_tap0,iface=wsh9\n"
	"allow = 0000:00:04.0  0000:00:05.0\n"
	"main_lcore = 2\n"
	"huge = NO\n"
	"memory_mb = 0\n"
	"log_level = *:debug\n"
	"extra = --no-telemetry   --no-shconf\n"
	"   [ port ]   \r\n"
	"device=net_tap0\r\n"
	"rx_desc = 64\n"
	"tx_desc = 16384\n"
	"mtu = 9000\n"
	"mac = 02:AB:cd:00:00:01\n"
	"promiscuous = On\n"
	"mbufs = 1048575\n"
	"[ip]\n"
	"addr = 198.19.128.10/17\n"
	"gateway = 198.19.128.1\n"
	"ttl = 255\n"
	"frag_entries = 65536\n"
	"frag_timeout_ms = 100\n"
	"pmtu_min = 1280\n"
	"[arp]\n"
	"cache_entries = 65536\n"
	"reachable_ms = 1000\n"
	"stale_ms = 3600000\n"
	"queue_len = 16\n"
	"resolve_timeout_ms = 60000\n"
	"retry_ms = 100\n"
	"gratuitous = false\n"
	"[icmp]\n"
	"echo = 0\n"
	"unreach_rate = 0\n"
	"unreach_burst = 1000000\n"
	"[workers]\n"
	"lcores = 5, 0-1 ,3\n"
	"[control]\n"
	"interval_ms = 10\n"
	"print_stats = TRUE\n"
	"[tcp]\n"
	"max_connections = 1048576\n"
	"rcvbuf = 4096\n"
	"rcvbuf_max = 4096\n"
	"sndbuf = 16777216\n"
	"sndbuf_max = 1073725440\n"
	"msl_ms = 100\n"
	"rto_initial_ms = 60000\n"
	"rto_min_ms = 10\n"
	"rto_max_ms = 600000\n"
	"delack_ms = 499\n"
	"syn_retries = 255\n"
	"synack_retries = 1\n"
	"r1 = 1\n"
	"r2_ms = 3600000\n"
	"syn_r2_ms = 1000\n"
	"keepalive_idle_ms = 86400000\n"
	"keepalive_interval_ms = 1000\n"
	"keepalive_count = 255\n"
	"ooo_segments = 0\n"
	"ooo_worker_segments = 1048576\n"
	"challenge_ack_per_s = 1000000\n"
	"challenge_ack_interval_ms = 0\n"
	"orphan_retries = 255\n"
	"orphans_max = 1048576\n"
	"backlog = 1\n"
	"half_open_max = 1048576\n"
	"timestamps = no\n"
	"timestamps_strict = no\n"
	"tw_reuse = no\n"
	"window_scaling = off\n"
	"sack = false\n"
	"rack = no\n"
	"tlp = no\n"
	"nodelay = yes\n"
	"syncookies = ALWAYS\n"
	"syncookie_bad_ack = RST\n"
	"congestion = NewReno\n"
	"pacing = yes\n"
	"[http]\n"
	"port = 8080\n"
	"max_request = 1048576\n"
	"max_body = 0\n"
	"keepalive_ms = 0\n"
	"max_connections = 1\n"
	"keepalive = yes\n"
	"route1 = /index.html  text/html;charset=utf-8 \t inline:<p>a \\\\ b"
	"</p>\\r\\n\\t;# x=1\n"
	"route16 = /x application/json inline: {\"a\": 1}\n"
	"[echo]\n"
	"port = 0\n"
	"keepalive = no\n"
	"[discard]\n"
	"port = 65535\n"
	"keepalive = on\n";

static void
test_full_file(void **state)
{
	const struct rte_ether_addr mac = {
		.addr_bytes = { 0x02, 0xab, 0xcd, 0x00, 0x00, 0x01 } };
	struct ws_config cfg;

	(void)state;
	load_good(full_ini, NULL, 0, &cfg);
	assert_string_equal(cfg.path, "good.ini");
	assert_string_equal(cfg.eal.file_prefix, "ws_full");
	assert_string_equal(cfg.eal.vdev, "net_tap0,iface=wsh9");
	assert_string_equal(cfg.eal.allow, "0000:00:04.0  0000:00:05.0");
	assert_int_equal(cfg.eal.main_lcore, 2);
	assert_int_equal(cfg.eal.huge, WS_HUGE_NO);
	assert_int_equal(cfg.eal.memory_mb, 0);
	assert_string_equal(cfg.eal.log_level, "*:debug");
	assert_string_equal(cfg.eal.extra, "--no-telemetry   --no-shconf");
	assert_string_equal(cfg.port.device, "net_tap0");
	assert_int_equal(cfg.port.rx_desc, 64);
	assert_int_equal(cfg.port.tx_desc, 16384);
	assert_int_equal(cfg.port.mtu, 9000);
	assert_true(cfg.port.mac_set);
	assert_true(rte_is_same_ether_addr(&cfg.port.mac, &mac));
	assert_true(cfg.port.promiscuous);
	assert_int_equal(cfg.port.mbufs, 1048575);
	assert_int_equal(cfg.ip.addr, be_ip(198, 19, 128, 10));
	assert_int_equal(cfg.ip.prefix_len, 17);
	assert_int_equal(cfg.ip.gateway, be_ip(198, 19, 128, 1));
	assert_int_equal(cfg.ip.ttl, 255);
	assert_int_equal(cfg.ip.frag_entries, 65536);
	assert_int_equal(cfg.ip.frag_timeout_ms, 100);
	assert_int_equal(cfg.ip.pmtu_min, 1280);
	assert_int_equal(cfg.arp.cache_entries, 65536);
	assert_int_equal(cfg.arp.reachable_ms, 1000);
	assert_int_equal(cfg.arp.stale_ms, 3600000);
	assert_int_equal(cfg.arp.queue_len, 16);
	assert_int_equal(cfg.arp.resolve_timeout_ms, 60000);
	assert_int_equal(cfg.arp.retry_ms, 100);
	assert_false(cfg.arp.gratuitous);
	assert_false(cfg.icmp.echo);
	assert_int_equal(cfg.icmp.unreach_rate, 0);
	assert_int_equal(cfg.icmp.unreach_burst, 1000000);
	assert_int_equal(cfg.workers.count, 4);
	assert_int_equal(cfg.workers.lcores[0], 5);
	assert_int_equal(cfg.workers.lcores[1], 0);
	assert_int_equal(cfg.workers.lcores[2], 1);
	assert_int_equal(cfg.workers.lcores[3], 3);
	assert_int_equal(cfg.control.interval_ms, 10);
	assert_true(cfg.control.print_stats);
	assert_int_equal(cfg.tcp.max_connections, 1048576);
	assert_int_equal(cfg.tcp.rcvbuf, 4096);
	assert_int_equal(cfg.tcp.rcvbuf_max, 4096);
	assert_int_equal(cfg.tcp.sndbuf, 16777216);
	assert_int_equal(cfg.tcp.sndbuf_max, 1073725440);
	assert_int_equal(cfg.tcp.msl_ms, 100);
	assert_int_equal(cfg.tcp.rto_initial_ms, 60000);
	assert_int_equal(cfg.tcp.rto_min_ms, 10);
	assert_int_equal(cfg.tcp.rto_max_ms, 600000);
	assert_int_equal(cfg.tcp.delack_ms, 499);
	assert_int_equal(cfg.tcp.syn_retries, 255);
	assert_int_equal(cfg.tcp.synack_retries, 1);
	assert_int_equal(cfg.tcp.r1, 1);
	assert_int_equal(cfg.tcp.r2_ms, 3600000);
	assert_int_equal(cfg.tcp.syn_r2_ms, 1000);
	assert_int_equal(cfg.tcp.keepalive_idle_ms, 86400000);
	assert_int_equal(cfg.tcp.keepalive_interval_ms, 1000);
	assert_int_equal(cfg.tcp.keepalive_count, 255);
	assert_int_equal(cfg.tcp.ooo_segments, 0);
	assert_int_equal(cfg.tcp.ooo_worker_segments, 1048576);
	assert_int_equal(cfg.tcp.challenge_ack_per_s, 1000000);
	assert_int_equal(cfg.tcp.challenge_ack_interval_ms, 0);
	assert_int_equal(cfg.tcp.orphan_retries, 255);
	assert_int_equal(cfg.tcp.orphans_max, 1048576);
	assert_int_equal(cfg.tcp.backlog, 1);
	assert_int_equal(cfg.tcp.half_open_max, 1048576);
	assert_int_equal(cfg.tcp.syncookie_bad_ack, WS_BAD_COOKIE_RST);
	assert_false(cfg.tcp.timestamps);
	assert_false(cfg.tcp.timestamps_strict);
	assert_false(cfg.tcp.tw_reuse);
	assert_false(cfg.tcp.window_scaling);
	assert_false(cfg.tcp.sack);
	assert_false(cfg.tcp.rack);
	assert_false(cfg.tcp.tlp);
	assert_true(cfg.tcp.nodelay);
	assert_int_equal(cfg.tcp.syncookies, WS_SYNCOOKIES_ALWAYS);
	assert_int_equal(cfg.tcp.congestion, WS_TCP_CONGESTION_NEWRENO);
	assert_true(cfg.tcp.pacing);
	assert_int_equal(svc.http_port, 8080);
	assert_int_equal(svc.http_max_request, 1048576);
	assert_int_equal(svc.http_max_body, 0);
	assert_int_equal(svc.http_keepalive_ms, 0);
	assert_int_equal(svc.http_max_connections, 1);
	assert_int_equal(svc.n_routes, 16);
	assert_string_equal(svc.routes[0].path, "/index.html");
	assert_string_equal(svc.routes[0].content_type,
		"text/html;charset=utf-8");
	assert_string_equal(svc.routes[0].body,
		"<p>a \\ b</p>\r\n\t;# x=1");
	assert_string_equal(svc.routes[0].file, "");
	assert_string_equal(svc.routes[7].path, "");
	assert_string_equal(svc.routes[15].path, "/x");
	assert_string_equal(svc.routes[15].body, " {\"a\": 1}");
	assert_int_equal(svc.echo_port, 0);
	assert_int_equal(svc.discard_port, 65535);
	assert_true(svc.http_tcp_keepalive);
	assert_false(svc.echo_keepalive);
	assert_true(svc.discard_keepalive);
}

static void
test_unreadable_file(void **state)
{
	struct ws_config cfg;
	char err[WS_CFG_ERR_LEN];

	(void)state;
	assert_int_equal(ws_config_load(&cfg, "nofile.ini", NULL, 0, err,
		sizeof(err)), -ENOENT);
	assert_string_equal(err,
		"nofile.ini: cannot read: No such file or directory");

	assert_int_equal(mkdir("adir.ini", 0700), 0);
	assert_int_equal(ws_config_load(&cfg, "adir.ini", NULL, 0, err,
		sizeof(err)), -ENOENT);
	assert_string_equal(err, "adir.ini: cannot read: Is a directory");

	/* No error buffer: still the error code, and no crash. */
	assert_int_equal(ws_config_load(&cfg, "nofile.ini", NULL, 0, NULL, 0),
		-ENOENT);
}

static void
test_syntax_errors(void **state)
{
	char line[400];

	(void)state;
	expect_error("[ip]\naddr = " GOOD_ADDR "\nmtu\n", NULL, 0,
		"bad.ini:3: expected [section], key = value or a comment");
	expect_error("[port\n", NULL, 0,
		"bad.ini:1: expected [section], key = value or a comment");
	expect_error("[port] mtu = 1\n", NULL, 0,
		"bad.ini:1: expected [section], key = value or a comment");
	expect_error("\n[ ]\n", NULL, 0,
		"bad.ini:2: expected [section], key = value or a comment");
	expect_error("[port]\n = 1500\n", NULL, 0,
		"bad.ini:2: expected [section], key = value or a comment");
	/* An inline comment is not one: the value would be cut silently. */
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[port]\nmtu = 1500 ; big\n",
		NULL, 0, "bad.ini: [port] mtu: '1500 ; big' is not a decimal "
		"number");
	expect_error("mtu = 1500\n[port]\n", NULL, 0,
		"bad.ini:1: key 'mtu' before any [section]");
	expect_error("[port]\nmtu = 1500\n; again\nmtu=1400\n", NULL, 0,
		"bad.ini:4: key 'mtu' repeated in [port]");
	expect_error("[port]\nmtu = 1500\n[ip]\n[port]\n", NULL, 0,
		"bad.ini:4: section [port] repeated");

	snprintf(line, sizeof(line), "[eal]\nextra = %0256d\n", 0);
	expect_error(line, NULL, 0,
		"bad.ini:2: value longer than 255 characters");
	snprintf(line, sizeof(line), "[eal]\n%064d = 1\n", 0);
	expect_error(line, NULL, 0,
		"bad.ini:2: key longer than 63 characters");
	snprintf(line, sizeof(line), "[%064d]\n", 0);
	expect_error(line, NULL, 0,
		"bad.ini:1: section name longer than 63 characters");
}

static void
test_unknown_names(void **state)
{
	(void)state;
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[foo]\nbar = 1\n", NULL, 0,
		"bad.ini: [foo]: unknown section");
	expect_error("[foo]\n", NULL, 0, "bad.ini: [foo]: unknown section");
	expect_bad_value("port", "mtuu", "1500", "unknown key");
	/* Names are case-sensitive, like rte_cfgfile's. */
	expect_bad_value("port", "MTU", "1500", "unknown key");
}

static void
test_required(void **state)
{
	(void)state;
	expect_error("", NULL, 0, "bad.ini: [ip] addr: required");
	expect_error("[ip]\nttl = 3\n", NULL, 0, "bad.ini: [ip] addr: required");
	expect_error("[ip]\naddr =\n", NULL, 0, "bad.ini: [ip] addr: required");
}

static void
test_unsigned(void **state)
{
	struct ws_config cfg;

	(void)state;
	expect_bad_value("port", "mtu", "70000",
		"70000 is out of range 68..9000");
	expect_bad_value("port", "mtu", "67", "67 is out of range 68..9000");
	expect_bad_value("port", "mtu", "99999999999999999999999",
		"99999999999999999999999 is out of range 68..9000");
	expect_bad_value("port", "mtu", "-1", "'-1' is not a decimal number");
	expect_bad_value("port", "mtu", "+1500",
		"'+1500' is not a decimal number");
	expect_bad_value("port", "mtu", "1500x",
		"'1500x' is not a decimal number");
	expect_bad_value("port", "mtu", "1500 0",
		"'1500 0' is not a decimal number");
	expect_bad_value("port", "mtu", "0x5dc",
		"'0x5dc' is not a decimal number");
	expect_bad_value("port", "mtu", "", "value is empty");
	expect_bad_value("ip", "ttl", "256", "256 is out of range 1..255");
	expect_bad_value("ip", "ttl", "0", "0 is out of range 1..255");
	expect_bad_value("eal", "main_lcore", "128",
		"128 is out of range 0..127");
	expect_bad_value("icmp", "unreach_burst", "0",
		"0 is out of range 1..1000000");
	expect_bad_value("arp", "cache_entries", "100",
		"100 is not a power of two");
	expect_bad_value("arp", "cache_entries", "8", "8 is out of range "
		"16..65536");

	/* Bounds are inclusive; leading zeros are still decimal. */
	load_value("port", "mtu", "68", &cfg);
	assert_int_equal(cfg.port.mtu, 68);
	load_value("port", "mtu", "09000", &cfg);
	assert_int_equal(cfg.port.mtu, 9000);
	load_value("arp", "cache_entries", "16", &cfg);
	assert_int_equal(cfg.arp.cache_entries, 16);
	load_value("eal", "memory_mb", "1048576", &cfg);
	assert_int_equal(cfg.eal.memory_mb, 1048576);
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "yes", "YES", "true", "True",
		"on", "ON", "1" };
	static const char *const no[] = { "no", "No", "false", "FALSE",
		"off", "Off", "0" };
	struct ws_config cfg;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(yes); i++) {
		load_value("port", "promiscuous", yes[i], &cfg);
		assert_true(cfg.port.promiscuous);
		load_value("icmp", "echo", no[i], &cfg);
		assert_false(cfg.icmp.echo);
	}
	expect_bad_value("port", "promiscuous", "maybe",
		"'maybe' is not yes/no/true/false/on/off/1/0");
	expect_bad_value("port", "promiscuous", "2",
		"'2' is not yes/no/true/false/on/off/1/0");
	expect_bad_value("port", "promiscuous", "",
		"'' is not yes/no/true/false/on/off/1/0");
}

static void
test_strings(void **state)
{
	struct ws_config cfg;

	(void)state;
	expect_bad_value("eal", "file_prefix", "", "must not be empty");
	load_value("eal", "vdev", "", &cfg);
	assert_string_equal(cfg.eal.vdev, "");
	/* Everything after the first '=' is the value, '=' and ';' too. */
	load_value("eal", "vdev", "net_null0,no-rx=1;x", &cfg);
	assert_string_equal(cfg.eal.vdev, "net_null0,no-rx=1;x");
}

static void
test_huge(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_value("eal", "huge", "yes", &cfg);
	assert_int_equal(cfg.eal.huge, WS_HUGE_YES);
	load_value("eal", "huge", "no", &cfg);
	assert_int_equal(cfg.eal.huge, WS_HUGE_NO);
	load_value("eal", "huge", "Auto", &cfg);
	assert_int_equal(cfg.eal.huge, WS_HUGE_AUTO);
	expect_bad_value("eal", "huge", "sometimes",
		"'sometimes' is not auto, yes or no");
	expect_bad_value("eal", "huge", "1", "'1' is not auto, yes or no");
}

static void
test_mac(void **state)
{
	static const char *const malformed[] = {
		"02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
		"02:00:00:00:00:0g", "2:00:00:00:00:01", "020000000001",
		"02:00:00:00:00:", "02:00:00:00:00:1", "",
	};
	const struct rte_ether_addr expected = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe } };
	char reason[200];
	struct ws_config cfg;
	unsigned int i;

	(void)state;
	load_value("port", "mac", "02:00:00:00:00:FE", &cfg);
	assert_true(cfg.port.mac_set);
	assert_true(rte_is_same_ether_addr(&cfg.port.mac, &expected));
	load_value("port", "mac", "AUTO", &cfg);
	assert_false(cfg.port.mac_set);

	expect_bad_value("port", "mac", "01:00:5e:00:00:01",
		"01:00:5e:00:00:01 is a multicast address");
	expect_bad_value("port", "mac", "ff:ff:ff:ff:ff:ff",
		"ff:ff:ff:ff:ff:ff is a multicast address");
	expect_bad_value("port", "mac", "00:00:00:00:00:00",
		"00:00:00:00:00:00 is all zeros");
	for (i = 0; i < RTE_DIM(malformed); i++) {
		snprintf(reason, sizeof(reason), "'%s' is not auto or a MAC "
			"address aa:bb:cc:dd:ee:ff", malformed[i]);
		expect_bad_value("port", "mac", malformed[i], reason);
	}
}

/*
 * ip.addr a.b.c.d/24 must fail with "a.b.c.d 'why'"; built from octets so
 * that no address outside the benchmark range is written out.
 */
static void
expect_bad_host(unsigned int a, unsigned int b, unsigned int c,
		unsigned int d, const char *why)
{
	char host[INET_ADDRSTRLEN], value[40], reason[120];

	snprintf(host, sizeof(host), "%u.%u.%u.%u", a, b, c, d);
	snprintf(value, sizeof(value), "%s/24", host);
	snprintf(reason, sizeof(reason), "%s %s", host, why);
	expect_bad_value("ip", "addr", value, reason);
}

static void
test_ip_addr(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_value("ip", "addr", "198.18.0.1/30", &cfg);
	assert_int_equal(cfg.ip.addr, be_ip(198, 18, 0, 1));
	assert_int_equal(cfg.ip.prefix_len, 30);
	load_value("ip", "addr", "198.19.255.254/15", &cfg);
	assert_int_equal(cfg.ip.prefix_len, 15);

	expect_bad_value("ip", "addr", "198.18.0.2",
		"'198.18.0.2' is not A.B.C.D/PREFIX");
	expect_bad_value("ip", "addr", "198.18.0/24",
		"'198.18.0/24' is not A.B.C.D/PREFIX");
	expect_bad_value("ip", "addr", "198.18.0.256/24",
		"'198.18.0.256/24' is not A.B.C.D/PREFIX");
	expect_bad_value("ip", "addr", "198.18.0.2 /24",
		"'198.18.0.2 /24' is not A.B.C.D/PREFIX");
	expect_bad_value("ip", "addr", "wsh0/24", "'wsh0/24' is not "
		"A.B.C.D/PREFIX");
	expect_bad_value("ip", "addr", "198.18.0.2/0",
		"prefix length '0' is not 1..30");
	expect_bad_value("ip", "addr", "198.18.0.2/31",
		"prefix length '31' is not 1..30");
	expect_bad_value("ip", "addr", "198.18.0.2/",
		"prefix length '' is not 1..30");
	expect_bad_value("ip", "addr", "198.18.0.2/24x",
		"prefix length '24x' is not 1..30");

	expect_bad_host(0, 1, 2, 3, "is in 0/8 (this network)");
	expect_bad_host(127, 0, 0, 1, "is loopback (127/8)");
	expect_bad_host(224, 0, 0, 5, "is multicast (224/4)");
	expect_bad_host(239, 255, 255, 1, "is multicast (224/4)");
	expect_bad_host(240, 0, 0, 1, "is reserved (240/4)");
	expect_bad_host(255, 255, 255, 254, "is reserved (240/4)");

	expect_bad_value("ip", "addr", "198.18.0.0/24",
		"198.18.0.0 is the network address of 198.18.0.0/24");
	expect_bad_value("ip", "addr", "198.18.0.255/24",
		"198.18.0.255 is the broadcast address of 198.18.0.0/24");
	expect_bad_value("ip", "addr", "198.19.255.255/15",
		"198.19.255.255 is the broadcast address of 198.18.0.0/15");
	expect_bad_value("ip", "addr", "198.18.0.4/30",
		"198.18.0.4 is the network address of 198.18.0.4/30");
}

/* ip.addr and the addresses after it, all hosts of the subnet. */
static void
test_addr_count(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	assert_int_equal(cfg.ip.addr_count, 1);
	load_value("ip", "addr_count", "4", &cfg);
	assert_int_equal(cfg.ip.addr_count, 4);
	/* 198.18.0.2 .. 198.18.0.254: the whole rest of the /24. */
	load_value("ip", "addr_count", "253", &cfg);
	assert_int_equal(cfg.ip.addr_count, 253);

	expect_bad_value("ip", "addr_count", "254", "254 addresses from "
		"ip.addr do not fit in 198.18.0.0/24 before its broadcast "
		"address");
	expect_bad_value("ip", "addr_count", "0", "0 is out of range 1..65536");
	expect_bad_value("ip", "addr_count", "65537",
		"65537 is out of range 1..65536");
	/* Checked against the gateway whatever the order in the file. */
	expect_error("[ip]\naddr_count = 3\ngateway = 198.18.0.4\naddr = "
		GOOD_ADDR "\n", NULL, 0, "bad.ini: [ip] addr_count: ip.gateway "
		"is one of the 3 addresses from ip.addr");
	load_good("[ip]\naddr_count = 2\ngateway = 198.18.0.4\naddr = "
		GOOD_ADDR "\n", NULL, 0, &cfg);
	assert_int_equal(cfg.ip.addr_count, 2);
}

static void
test_gateway(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_value("ip", "gateway", "198.18.0.1", &cfg);
	assert_int_equal(cfg.ip.gateway, be_ip(198, 18, 0, 1));
	load_value("ip", "gateway", "", &cfg);
	assert_int_equal(cfg.ip.gateway, 0);

	expect_bad_value("ip", "gateway", "198.19.0.1",
		"198.19.0.1 is outside 198.18.0.0/24");
	expect_bad_value("ip", "gateway", "198.18.0.2",
		"198.18.0.2 is ip.addr itself");
	expect_bad_value("ip", "gateway", "198.18.0.255",
		"198.18.0.255 is the broadcast address of 198.18.0.0/24");
	expect_bad_value("ip", "gateway", "198.18.0.0",
		"198.18.0.0 is the network address of 198.18.0.0/24");
	expect_bad_value("ip", "gateway", "198.18.0.1/24",
		"'198.18.0.1/24' is not an IPv4 address A.B.C.D");
	expect_bad_value("ip", "gateway", "router",
		"'router' is not an IPv4 address A.B.C.D");
	/* Checked against addr whatever the order in the file. */
	expect_error("[ip]\ngateway = 198.19.0.1\naddr = " GOOD_ADDR "\n",
		NULL, 0, "bad.ini: [ip] gateway: 198.19.0.1 is outside "
		"198.18.0.0/24");
}

static void
test_lcores(void **state)
{
	static const char *const syntax[] = {
		"", "1,", ",1", "a", "1-", "1--2", "1;2", "1 2", "-1",
	};
	char reason[120];
	struct ws_config cfg;
	unsigned int i;

	(void)state;
	load_value("workers", "lcores", "1-3,5", &cfg);
	assert_int_equal(cfg.workers.count, 4);
	assert_int_equal(cfg.workers.lcores[2], 3);
	assert_int_equal(cfg.workers.lcores[3], 5);
	load_value("workers", "lcores", "127", &cfg);
	assert_int_equal(cfg.workers.lcores[0], 127);
	load_value("workers", "lcores", "1-16", &cfg);
	assert_int_equal(cfg.workers.count, WS_MAX_WORKERS);

	for (i = 0; i < RTE_DIM(syntax); i++) {
		snprintf(reason, sizeof(reason), "'%s' is not a list of "
			"lcores like 1,3-5", syntax[i]);
		expect_bad_value("workers", "lcores", syntax[i], reason);
	}
	expect_bad_value("workers", "lcores", "1,3,1",
		"lcore 1 is listed twice");
	expect_bad_value("workers", "lcores", "1-4,2",
		"lcore 2 is listed twice");
	expect_bad_value("workers", "lcores", "1-17",
		"more than 16 lcores");
	expect_bad_value("workers", "lcores", "3-1",
		"range 3-1 runs backwards");
	expect_bad_value("workers", "lcores", "1,128",
		"lcore 128 is out of range 0..127");
	expect_bad_value("workers", "lcores", "1-99999999999",
		"more than 16 lcores");
	expect_bad_value("workers", "lcores", "0,1",
		"lcore 0 is eal.main_lcore");
	/* The default list clashes with main_lcore = 1 too. */
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[eal]\nmain_lcore = 1\n",
		NULL, 0, "bad.ini: [workers] lcores: lcore 1 is "
		"eal.main_lcore");
}

static void
test_set_overrides(void **state)
{
	static const char *const sets[] = {
		"port.mtu=9000",
		"icmp.echo=no",			/* section not in the file */
		"eal.vdev=net_null0,no-rx=1",	/* '=' inside the value */
		"ip.ttl = 7 ",
		"ip.ttl=8",			/* the last one wins */
		"eal.extra=",
		"workers.lcores=1-2",
	};
	struct ws_config cfg;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\nttl = 3\n[port]\nmtu = 1500\n"
		"[eal]\nextra = --no-pci\n", sets, RTE_DIM(sets), &cfg);
	assert_int_equal(cfg.port.mtu, 9000);
	assert_false(cfg.icmp.echo);
	assert_string_equal(cfg.eal.vdev, "net_null0,no-rx=1");
	assert_int_equal(cfg.ip.ttl, 8);
	assert_string_equal(cfg.eal.extra, "");
	assert_int_equal(cfg.workers.count, 2);

	/* A required key can come from --set alone. */
	{
		const char *only[] = { "ip.addr=198.18.1.1/16" };

		load_good("", only, 1, &cfg);
		assert_int_equal(cfg.ip.addr, be_ip(198, 18, 1, 1));
	}
}

static void
test_set_errors(void **state)
{
	static const char *const malformed[] = {
		"portmtu=1", "port.mtu", ".mtu=1", "port.=1", "=1", "",
		"port=x.y",
	};
	const char *sets[2];
	char expected[WS_CFG_ERR_LEN];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(malformed); i++) {
		sets[0] = malformed[i];
		snprintf(expected, sizeof(expected),
			"--set %s: expected SECTION.KEY=VALUE", malformed[i]);
		expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1, expected);
	}
	sets[0] = "port.mtu=70000";
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
		"--set: [port] mtu: 70000 is out of range 68..9000");
	sets[0] = "port.mtuu=1500";
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
		"--set: [port] mtuu: unknown key");
	sets[0] = "foo.bar=1";
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
		"--set: [foo]: unknown section");
	sets[0] = "ip.addr=";
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
		"--set: [ip] addr: required");
	sets[0] = "eal.extra=a\nb";
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
		"--set: [eal] extra: value contains a line break");
	/* A good --set does not excuse a bad file value, nor the reverse. */
	sets[0] = "port.mtu=1500";
	expect_error("[ip]\naddr = " GOOD_ADDR "\nttl = 0\n", sets, 1,
		"bad.ini: [ip] ttl: 0 is out of range 1..255");
	/* The file is checked before the overrides. */
	sets[0] = "nodot";
	expect_error("[ip\n", sets, 1,
		"bad.ini:1: expected [section], key = value or a comment");
}

/* print, load what it printed: the same structs, every byte. */
static void
check_round_trip(const struct ws_config *cfg)
{
	struct ws_services_config svc_printed;
	struct ws_config again;
	char err[WS_CFG_ERR_LEN];
	FILE *f;

	f = fopen("printed.ini", "w");
	assert_non_null(f);
	ws_config_print(f, cfg);
	assert_int_equal(fclose(f), 0);
	memcpy(&svc_printed, &svc, sizeof(svc));
	memset(&svc, 0, sizeof(svc));
	if (ws_config_load(&again, "printed.ini", NULL, 0, err,
			sizeof(err)) != 0)
		fail_msg("printed config does not load: %s", err);
	memcpy(again.path, cfg->path, sizeof(again.path));
	assert_memory_equal(&again, cfg, sizeof(again));
	assert_memory_equal(&svc, &svc_printed, sizeof(svc));
}

/* [http|echo|discard] keepalive: TCP keep-alive per service, off by default. */
static void
test_service_keepalive(void **state)
{
	static const char *const sets[] = { "echo.keepalive=yes" };
	struct ws_config cfg;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", sets, RTE_DIM(sets), &cfg);
	assert_true(svc.echo_keepalive);
	assert_false(svc.http_tcp_keepalive);
	assert_false(svc.discard_keepalive);
	load_value("http", "keepalive", "yes", &cfg);
	assert_true(svc.http_tcp_keepalive);
	assert_false(svc.echo_keepalive);
	load_value("discard", "keepalive", "true", &cfg);
	assert_true(svc.discard_keepalive);
	check_round_trip(&cfg);
	expect_bad_value("echo", "keepalive", "60000",
		"'60000' is not yes/no/true/false/on/off/1/0");
}

static void
test_print_round_trip(void **state)
{
	static const char *const sets[] = {
		"eal.extra=--a=b ; --c # d",
		"port.mac=auto",
		"ip.gateway=",
	};
	struct ws_config cfg;

	(void)state;
	load_good(full_ini, NULL, 0, &cfg);
	check_round_trip(&cfg);
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	check_round_trip(&cfg);
	load_good(full_ini, sets, RTE_DIM(sets), &cfg);
	assert_string_equal(cfg.eal.extra, "--a=b ; --c # d");
	check_round_trip(&cfg);
}

static void
test_print_format(void **state)
{
	struct ws_config cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	ws_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(text, "\n[eal]\n"));
	assert_non_null(strstr(text, "\nfile_prefix = woshou\n"));
	assert_non_null(strstr(text, "\nvdev =\n"));
	assert_non_null(strstr(text, "\naddr = 198.18.0.2/24\n"));
	assert_non_null(strstr(text, "\nmac = auto\n"));
	assert_non_null(strstr(text, "\nhuge = auto\n"));
	assert_non_null(strstr(text, "\nlcores = 1\n"));
	assert_non_null(strstr(text, "\nprint_stats = no\n"));
	free(text);
}


/* Each numeric key of the new sections at and beyond its bounds. */
static void
test_tcp_bounds(void **state)
{
	static const struct {
		const char *section, *key;
		uint64_t min, max;
	} keys[] = {
		{ "ip", "pmtu_min", 68, 9216 },
		{ "tcp", "max_connections", 16, 1048576 },
		/* Their largest needs a larger ceiling: see below. */
		{ "tcp", "rcvbuf", 4096, 16777216 },
		{ "tcp", "sndbuf", 4096, 16777216 },
		/* Loaded at the default rcvbuf and sndbuf, their floors. */
		{ "tcp", "rcvbuf_max", 262144, 1073725440 },
		{ "tcp", "sndbuf_max", 262144, 1073725440 },
		{ "tcp", "msl_ms", 100, 600000 },
		{ "tcp", "rto_initial_ms", 100, 60000 },
		{ "tcp", "rto_min_ms", 10, 60000 },
		/* Loaded at 60000, as it cannot be below rto_min_ms. */
		{ "tcp", "rto_max_ms", 60000, 600000 },
		{ "tcp", "delack_ms", 1, 499 },
		{ "tcp", "syn_retries", 1, 255 },
		{ "tcp", "synack_retries", 1, 255 },
		{ "tcp", "r1", 1, 255 },
		{ "tcp", "r2_ms", 1000, 3600000 },
		{ "tcp", "syn_r2_ms", 1000, 3600000 },
		{ "tcp", "keepalive_idle_ms", 1000, 86400000 },
		{ "tcp", "keepalive_interval_ms", 1000, 3600000 },
		{ "tcp", "keepalive_count", 1, 255 },
		{ "control", "drain_ms", 0, 3600000 },
		{ "tcp", "ooo_segments", 0, 4096 },
		{ "tcp", "ooo_worker_segments", 0, 1048576 },
		{ "tcp", "challenge_ack_per_s", 1, 1000000 },
		{ "tcp", "challenge_ack_interval_ms", 0, 60000 },
		{ "tcp", "orphan_retries", 1, 255 },
		{ "tcp", "orphans_max", 0, 1048576 },
		{ "tcp", "backlog", 1, 1048576 },
		{ "tcp", "half_open_max", 1, 1048576 },
		{ "http", "port", 0, 65535 },
		{ "http", "max_request", 256, 1048576 },
		{ "http", "max_body", 0, 16777216 },
		{ "http", "keepalive_ms", 0, 3600000 },
		{ "http", "max_connections", 1, 1048576 },
		{ "echo", "port", 0, 65535 },
		{ "discard", "port", 0, 65535 },
	};
	char value[32], reason[128], range[64];
	struct ws_config cfg;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(keys); i++) {
		/*
		 * rto_max_ms is checked against rto_min_ms, the buffer
		 * ceilings against their buffers: see below.
		 */
		uint64_t lo = strcmp(keys[i].key, "rto_max_ms") == 0 ?
			1000 : strstr(keys[i].key, "buf_max") != NULL ?
			4096 : keys[i].min;
		bool needs_max = strcmp(keys[i].key, "rcvbuf") == 0 ||
			strcmp(keys[i].key, "sndbuf") == 0;

		snprintf(range, sizeof(range), "%" PRIu64 "..%" PRIu64, lo,
			keys[i].max);
		snprintf(value, sizeof(value), "%" PRIu64, keys[i].max + 1);
		snprintf(reason, sizeof(reason), "%s is out of range %s",
			value, range);
		expect_bad_value(keys[i].section, keys[i].key, value, reason);
		if (lo > 0) {
			snprintf(value, sizeof(value), "%" PRIu64, lo - 1);
			snprintf(reason, sizeof(reason),
				"%s is out of range %s", value, range);
			expect_bad_value(keys[i].section, keys[i].key, value,
				reason);
		}
		snprintf(value, sizeof(value), "%" PRIu64, keys[i].min);
		load_value(keys[i].section, keys[i].key, value, &cfg);
		snprintf(value, sizeof(value), "%" PRIu64, keys[i].max);
		if (!needs_max)
			load_value(keys[i].section, keys[i].key, value, &cfg);
	}
	/*
	 * A buffer above its default ceiling needs the ceiling raised; a
	 * ceiling below its buffer is one line naming both.
	 */
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nrcvbuf = 16777216\n",
		NULL, 0, "bad.ini: [tcp] rcvbuf_max: 6291456 is below rcvbuf "
		"(16777216): raise rcvbuf_max too");
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nsndbuf = 16777216\n",
		NULL, 0, "bad.ini: [tcp] sndbuf_max: 4194304 is below sndbuf "
		"(16777216): raise sndbuf_max too");
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nrcvbuf = 524288\n"
		"rcvbuf_max = 524287\n", NULL, 0, "bad.ini: [tcp] rcvbuf_max: "
		"524287 is below rcvbuf (524288): raise rcvbuf_max too");
	{
		const char *sets[] = { "tcp.sndbuf_max=65536" };

		expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
			"--set: [tcp] sndbuf_max: 65536 is "
			"below sndbuf (262144): raise sndbuf_max too");
	}
	load_good("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nrcvbuf = 16777216\n"
		"rcvbuf_max = 16777216\nsndbuf = 16777216\n"
		"sndbuf_max = 33554432\n", NULL, 0, &cfg);
	assert_int_equal(cfg.tcp.rcvbuf, 16777216);
	assert_int_equal(cfg.tcp.rcvbuf_max, 16777216);
	assert_int_equal(cfg.tcp.sndbuf, 16777216);
	assert_int_equal(cfg.tcp.sndbuf_max, 33554432);
	expect_bad_value("tcp", "delack_ms", "500",
		"500 is out of range 1..499");
	expect_bad_value("tcp", "nodelay", "maybe",
		"'maybe' is not yes/no/true/false/on/off/1/0");
	expect_bad_value("tcp", "timestamps_strict", "2",
		"'2' is not yes/no/true/false/on/off/1/0");
	expect_bad_value("tcp", "tw_reuse", "loopback",
		"'loopback' is not yes/no/true/false/on/off/1/0");
}

/*
 * The mbuf plan (issue 16, item 8): a pool the descriptors, a cache and
 * the control reserve could take whole is refused, naming the keys and
 * the minimum (port.mbufs = 1023 with 1024 descriptors used to start and
 * never answer ARP); so are a receive pool under its descriptors and a
 * send-buffer budget past what port.mbufs leaves.
 */
static void
test_mbuf_plan(void **state)
{
	struct ws_mbuf_plan p;
	struct ws_config cfg;

	(void)state;
	load_value("port", "mbufs", "8191", &cfg);
	assert_int_equal(cfg.port.rx_mbufs, 0);
	assert_int_equal(cfg.tcp.sndbuf_worker_mbufs, 0);
	ws_config_mbufs(&cfg, &p);
	/* 1024 + 1024 + 384 + 64 + 64, then 1024 more, to 2^12 - 1. */
	assert_int_equal(p.rx_min, 2560);
	assert_int_equal(p.rx_pool, 4095);
	assert_int_equal(p.rx_floor, 1024 + 384 + 64);
	/* 1024 + 384 + 64 + 512 + 256. */
	assert_int_equal(p.tx_min, 2240);
	assert_int_equal(p.sndbuf_budget, 8191 - 2240);

	expect_bad_value("port", "mbufs", "1023", "1023 is too small: at "
		"least 2241 needed (port.tx_desc 1024 + cache 384 + bursts 64 "
		"+ reserve 768, plus send buffers)");
	expect_bad_value("port", "mbufs", "2240", "2240 is too small: at "
		"least 2241 needed (port.tx_desc 1024 + cache 384 + bursts 64 "
		"+ reserve 768, plus send buffers)");
	load_value("port", "mbufs", "2241", &cfg);
	ws_config_mbufs(&cfg, &p);
	assert_int_equal(p.sndbuf_budget, 1);

	expect_bad_value("port", "rx_mbufs", "2559", "2559 is too small: at "
		"least 2560 needed (port.rx_desc 1024 + port.tx_desc 1024 + "
		"cache 384 + bursts 64 + reserve 64), or 0 for auto");
	load_value("port", "rx_mbufs", "2560", &cfg);
	ws_config_mbufs(&cfg, &p);
	assert_int_equal(p.rx_pool, 2560);

	load_value("tcp", "sndbuf_worker_mbufs", "5951", &cfg);
	ws_config_mbufs(&cfg, &p);
	assert_int_equal(p.sndbuf_budget, 5951);
	expect_bad_value("tcp", "sndbuf_worker_mbufs", "5952", "5952 is over "
		"what port.mbufs (8191) leaves for send buffers: at most 5951, "
		"or 0 for auto");
	/* Smaller descriptors, smaller minimums. */
	load_good("[ip]\naddr = " GOOD_ADDR "\n[port]\nrx_desc = 64\n"
		"tx_desc = 64\nmbufs = 1281\nrx_mbufs = 640\n", NULL, 0, &cfg);
	ws_config_mbufs(&cfg, &p);
	assert_int_equal(p.rx_min, 64 + 64 + 384 + 64 + 64);
	assert_int_equal(p.sndbuf_budget, 1281 - (64 + 384 + 64 + 768));
}

static void
test_tcp_rto(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nrto_min_ms = 1000\n"
		"rto_max_ms = 1000\n", NULL, 0, &cfg);
	assert_int_equal(cfg.tcp.rto_min_ms, 1000);
	assert_int_equal(cfg.tcp.rto_max_ms, 1000);
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nrto_min_ms = 5000\n"
		"rto_max_ms = 4999\n", NULL, 0, "bad.ini: [tcp] rto_max_ms: "
		"4999 is below rto_min_ms (5000)");
	/* Whatever the order in the file, and against the default too. */
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[tcp]\nrto_max_ms = 1000\n"
		"rto_min_ms = 2000\n", NULL, 0, "bad.ini: [tcp] rto_max_ms: "
		"1000 is below rto_min_ms (2000)");
	expect_bad_value("tcp", "rto_max_ms", "199",
		"199 is out of range 1000..600000");
	{
		const char *sets[] = { "tcp.rto_min_ms=2000" };

		expect_error("[ip]\naddr = " GOOD_ADDR "\n[tcp]\n"
			"rto_max_ms = 1500\n", sets, 1, "bad.ini: [tcp] "
			"rto_max_ms: 1500 is below rto_min_ms (2000)");
	}
	load_value("tcp", "rto_min_ms", "60000", &cfg);
	assert_int_equal(cfg.tcp.rto_max_ms, 60000);
}

static void
test_tcp_syncookies(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_value("tcp", "syncookies", "off", &cfg);
	assert_int_equal(cfg.tcp.syncookies, WS_SYNCOOKIES_OFF);
	load_value("tcp", "syncookies", "Always", &cfg);
	assert_int_equal(cfg.tcp.syncookies, WS_SYNCOOKIES_ALWAYS);
	load_value("tcp", "syncookies", "AUTO", &cfg);
	assert_int_equal(cfg.tcp.syncookies, WS_SYNCOOKIES_AUTO);
	expect_bad_value("tcp", "syncookies", "yes",
		"'yes' is not off, auto or always");
	expect_bad_value("tcp", "syncookies", "",
		"'' is not off, auto or always");
	load_value("tcp", "syncookie_bad_ack", "drop", &cfg);
	assert_int_equal(cfg.tcp.syncookie_bad_ack, WS_BAD_COOKIE_DROP);
	load_value("tcp", "syncookie_bad_ack", "RST", &cfg);
	assert_int_equal(cfg.tcp.syncookie_bad_ack, WS_BAD_COOKIE_RST);
	expect_bad_value("tcp", "syncookie_bad_ack", "silent",
		"'silent' is not rst or drop");
}

/* [tcp] congestion names the algorithms ws_tcp_cc_find knows. */
static void
test_tcp_congestion(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_value("tcp", "congestion", "newreno", &cfg);
	assert_int_equal(cfg.tcp.congestion, WS_TCP_CONGESTION_NEWRENO);
	load_value("tcp", "congestion", "CUBIC", &cfg);
	assert_int_equal(cfg.tcp.congestion, WS_TCP_CONGESTION_CUBIC);
	expect_bad_value("tcp", "congestion", "bbr",
		"'bbr' is not cubic or newreno");
	expect_bad_value("tcp", "congestion", "",
		"'' is not cubic or newreno");
	load_value("tcp", "pacing", "yes", &cfg);
	assert_true(cfg.tcp.pacing);
	expect_bad_value("tcp", "pacing", "fast",
		"'fast' is not yes/no/true/false/on/off/1/0");
}

static void
test_service_ports(void **state)
{
	static const char *const off[] = {
		"http.port=0", "echo.port=0", "discard.port=0",
	};
	const char *sets[2];
	struct ws_config cfg;

	(void)state;
	expect_bad_value("echo", "port", "80", "80 is also [http] port");
	expect_bad_value("discard", "port", "80", "80 is also [http] port");
	expect_bad_value("discard", "port", "7", "7 is also [echo] port");
	/* The later key is the one blamed, whatever the file order. */
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[discard]\nport = 8080\n"
		"[http]\nport = 8080\n", NULL, 0,
		"bad.ini: [discard] port: 8080 is also [http] port");
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[http]\nport = 9\n", NULL, 0,
		"bad.ini: [discard] port: 9 is also [http] port");
	sets[0] = "echo.port=9";
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", sets, 1,
		"bad.ini: [discard] port: 9 is also [echo] port");
	/* A port that is off clashes with nothing. */
	sets[0] = "echo.port=0";
	sets[1] = "http.port=7";
	load_good("[ip]\naddr = " GOOD_ADDR "\n", sets, 2, &cfg);
	assert_int_equal(svc.http_port, 7);
	load_good("[ip]\naddr = " GOOD_ADDR "\n", off, RTE_DIM(off), &cfg);
	assert_int_equal(svc.http_port, 0);
	assert_int_equal(svc.echo_port, 0);
	assert_int_equal(svc.discard_port, 0);
}

/* The absolute name of 'name' in the current (test) directory. */
static void
here(const char *name, char *out, size_t len)
{
	char cwd[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_true((size_t)snprintf(out, len, "%s/%s", cwd, name) < len);
}

static void
test_routes(void **state)
{
	char text[1024], path[PATH_MAX];
	struct ws_config cfg;
	FILE *f;

	(void)state;
	write_file("page.html", "<h1>woshou</h1>\n");
	assert_int_equal(mkdir("sub", 0700), 0);
	write_file("sub/in_sub.txt", "x");

	/* Inline, with escapes; gaps are unused slots. */
	load_good("[ip]\naddr = " GOOD_ADDR "\n[http]\n"
		"route1 = / text/html inline:<h1>woshou</h1>\\n\n"
		"route3 = /hello text/plain inline:hello from woshou\\n\n"
		"route4 = /e text/plain inline:\n", NULL, 0, &cfg);
	assert_int_equal(svc.n_routes, 4);
	assert_string_equal(svc.routes[0].path, "/");
	assert_string_equal(svc.routes[0].content_type, "text/html");
	assert_string_equal(svc.routes[0].body, "<h1>woshou</h1>\n");
	assert_string_equal(svc.routes[1].path, "");
	assert_string_equal(svc.routes[2].body, "hello from woshou\n");
	assert_string_equal(svc.routes[3].path, "/e");
	assert_string_equal(svc.routes[3].body, "");

	/* A file next to the config, made absolute. */
	load_value("http", "route2", "/p text/html file:page.html", &cfg);
	here("page.html", path, sizeof(path));
	assert_string_equal(svc.routes[1].file, path);
	assert_string_equal(svc.routes[1].body, "");
	assert_int_equal(svc.n_routes, 2);
	load_value("http", "route1", "/p text/html file:./sub/../page.html",
		&cfg);
	assert_string_equal(svc.routes[0].file, path);
	assert_true((size_t)snprintf(text, sizeof(text),
		"/abs text/html file:%s", path) < sizeof(text));
	load_value("http", "route1", text, &cfg);
	assert_string_equal(svc.routes[0].file, path);

	/* Relative to the config file's directory, not the current one. */
	write_file("sub/cfg.ini", "[ip]\naddr = " GOOD_ADDR "\n[http]\n"
		"route1 = /s text/plain file:in_sub.txt\n");
	assert_int_equal(ws_config_load(&cfg, "sub/cfg.ini", NULL, 0, text,
		sizeof(text)), 0);
	here("sub/in_sub.txt", path, sizeof(path));
	assert_string_equal(svc.routes[0].file, path);
	assert_int_equal(ws_config_load(&cfg, "sub/cfg.ini",
		(const char *const []){ "http.route2=/t text/plain "
		"file:in_sub.txt" }, 1, text, sizeof(text)), 0);
	assert_string_equal(svc.routes[1].file, path);
	assert_int_equal(ws_config_load(&cfg, "sub/cfg.ini",
		(const char *const []){ "http.route2=/t text/plain "
		"file:page.html" }, 1, text, sizeof(text)), -EINVAL);
	assert_string_equal(text, "--set: [http] route2: file 'page.html': "
		"No such file or directory");

	/* 16 MiB is the largest file. */
	f = fopen("big.bin", "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), WS_HTTP_MAX_FILE), 0);
	assert_int_equal(fclose(f), 0);
	load_value("http", "route1", "/big application/octet-stream "
		"file:big.bin", &cfg);
	assert_int_equal(truncate("big.bin", WS_HTTP_MAX_FILE + 1), 0);
	expect_bad_value("http", "route1", "/big application/octet-stream "
		"file:big.bin", "file 'big.bin' is larger than 16777216 bytes");

	/* The directory teardown removes only plain files and empty ones. */
	assert_int_equal(unlink("sub/in_sub.txt"), 0);
	assert_int_equal(unlink("sub/cfg.ini"), 0);
	assert_int_equal(rmdir("sub"), 0);
}

static void
test_route_errors(void **state)
{
	static const char *const shape[] = {
		"x", "/", "/ text/html", "/ text/html body:x",
		"/ text/html inline", "/ text/html File:x.html",
		"/  inline:x",
	};
	char reason[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(shape); i++) {
		snprintf(reason, sizeof(reason), "'%s' is not PATH TYPE "
			"inline:TEXT or PATH TYPE file:NAME", shape[i]);
		expect_bad_value("http", "route1", shape[i], reason);
	}
	expect_bad_value("http", "route1", "hello text/plain inline:x",
		"path 'hello' does not start with '/'");
	expect_bad_value("http", "route2", "/a?b text/plain inline:x",
		"path '/a?b' may not contain '?'");
	expect_bad_value("http", "route2", "/a#b text/plain inline:x",
		"path '/a#b' may not contain '#'");
	expect_bad_value("http", "route2", "/a\x80 text/plain inline:x",
		"path '/a\x80' may not contain '\x80'");
	expect_bad_value("http", "route3", "/ html inline:x",
		"type 'html' is not a media type like text/html");
	expect_bad_value("http", "route3", "/ text/h\x01 inline:x",
		"type 'text/h\x01' is not a media type like text/html");
	expect_bad_value("http", "route1", "/ text/plain inline:a\\qb",
		"unknown escape '\\q' in inline text (\\n \\r \\t \\\\)");
	expect_bad_value("http", "route1", "/ text/plain inline:abc\\",
		"inline text ends with a lone '\\'");
	expect_bad_value("http", "route1", "/ text/plain file:",
		"file: needs a file name");
	expect_bad_value("http", "route1", "/ text/plain file:nope.html",
		"file 'nope.html': No such file or directory");
	assert_int_equal(mkdir("adir", 0700), 0);
	expect_bad_value("http", "route1", "/ text/plain file:adir",
		"file 'adir' is not a regular file");
	expect_bad_value("http", "route17", "/ text/plain inline:x",
		"unknown key");
	expect_bad_value("http", "route0", "/ text/plain inline:x",
		"unknown key");
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[http]\n"
		"route2 = / text/plain inline:a\n"
		"route5 = / text/html inline:b\n", NULL, 0,
		"bad.ini: [http] route5: path / is also route2");
}

static void
test_route_round_trip(void **state)
{
	static const char *const sets[] = {
		"http.route1=/ text/html inline:<h1>woshou</h1>\\r\\n\\t\\\\x",
		"http.route9=/f text/plain file:f.txt",
		"http.route16=/a/b.c application/x-y;q=1 inline:  a  b",
	};
	struct ws_config cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	write_file("f.txt", "file\n");
	load_good(full_ini, sets, RTE_DIM(sets), &cfg);
	assert_string_equal(svc.routes[0].body,
		"<h1>woshou</h1>\r\n\t\\x");
	assert_string_equal(svc.routes[15].body, "  a  b");
	check_round_trip(&cfg);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	ws_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(text, "\nroute1 = / text/html "
		"inline:<h1>woshou</h1>\\r\\n\\t\\\\x\n"));
	assert_non_null(strstr(text, "\nroute2 =\n"));
	assert_non_null(strstr(text, "\nroute16 = /a/b.c application/x-y;q=1 "
		"inline:  a  b\n"));
	assert_non_null(strstr(text, "\n[tcp]\n"));
	assert_non_null(strstr(text, "\nsyncookies = always\n"));
	assert_non_null(strstr(text, "[1000..600000] (default 60000)\n"
		"rto_max_ms = 600000\n"));
	assert_non_null(strstr(text, "\n[echo]\n"));
	assert_non_null(strstr(text, "\n[discard]\n"));
	free(text);
}

#define ARGV_MAX 64

static void
expect_argv(char **argv, int argc, const char *const *expected)
{
	int i;

	for (i = 0; expected[i] != NULL; i++) {
		assert_true(i < argc);
		assert_string_equal(argv[i], expected[i]);
	}
	assert_int_equal(argc, i);
	assert_null(argv[argc]);
}

static int
eal_args(const struct ws_config *cfg, unsigned long free_pages,
		const char *const *extra, unsigned int n_extra, char **argv)
{
	static char buf[4096];

	return ws_config_eal_args(cfg, "woshou", free_pages, extra, n_extra,
		argv, ARGV_MAX, buf, sizeof(buf));
}

/* [workers] cpus, handoff_ring, idle_sleep_us and [port] rss. */
static void
test_worker_cpus_and_steering(void **state)
{
	static const char *const two_on_one[] = {
		"workers.lcores=1,2", "workers.cpus=1,1",
	};
	static const char *const cpus_short[] = {
		"workers.lcores=1,2,3", "workers.cpus=1,0",
	};
	static const char *const cpus_long[] = {
		"workers.lcores=1", "workers.cpus=1,0",
	};
	static const char *const lcore_map[] = {
		"woshou", "--lcores", "0@0,1@1,2@1", "--main-lcore", "0",
		"--file-prefix", "woshou", "--no-huge", "-m", "256",
		"--no-pci", NULL,
	};
	struct ws_config cfg;
	char *argv[ARGV_MAX];

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	assert_int_equal(cfg.workers.n_cpus, 0);
	assert_int_equal(cfg.workers.handoff_ring, 4096);
	assert_int_equal(cfg.workers.idle_sleep_us, 0);
	assert_true(cfg.port.rss);

	/* Two workers sharing CPU 1: lcore@cpu pairs for the EAL. */
	load_good("[ip]\naddr = " GOOD_ADDR "\n", two_on_one,
		RTE_DIM(two_on_one), &cfg);
	assert_int_equal(cfg.workers.count, 2);
	assert_int_equal(cfg.workers.n_cpus, 2);
	assert_int_equal(cfg.workers.cpus[0], 1);
	assert_int_equal(cfg.workers.cpus[1], 1);
	cfg.eal.huge = WS_HUGE_NO;
	expect_argv(argv, eal_args(&cfg, 0, NULL, 0, argv), lcore_map);

	expect_error("[ip]\naddr = " GOOD_ADDR "\n", cpus_short,
		RTE_DIM(cpus_short), "--set: [workers] cpus: 2 CPUs "
		"for 3 worker lcores: give one per lcore");
	expect_error("[ip]\naddr = " GOOD_ADDR "\n", cpus_long,
		RTE_DIM(cpus_long), "--set: [workers] cpus: more CPUs "
		"than the 1 worker lcores");
	expect_bad_value("workers", "cpus", "1,x",
		"'1,x' is not a list of CPUs like 1,3-5");
	expect_bad_value("workers", "cpus", "128",
		"CPU 128 is out of range 0..127");

	load_value("workers", "handoff_ring", "64", &cfg);
	assert_int_equal(cfg.workers.handoff_ring, 64);
	expect_bad_value("workers", "handoff_ring", "100",
		"100 is not a power of two");
	expect_bad_value("workers", "handoff_ring", "32",
		"32 is out of range 64..65536");
	load_value("workers", "idle_sleep_us", "20", &cfg);
	assert_int_equal(cfg.workers.idle_sleep_us, 20);
	load_value("port", "rss", "no", &cfg);
	assert_false(cfg.port.rss);
}

static void
test_eal_args_huge(void **state)
{
	static const char *const no_huge[] = {
		"woshou", "-l", "0,1", "--main-lcore", "0", "--file-prefix",
		"woshou", "--no-huge", "-m", "256", "--no-pci", NULL,
	};
	static const char *const huge[] = {
		"woshou", "-l", "0,1", "--main-lcore", "0", "--file-prefix",
		"woshou", "-m", "256", "--no-pci", NULL,
	};
	struct ws_config cfg;
	char *argv[ARGV_MAX];

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	assert_int_equal(cfg.eal.huge, WS_HUGE_AUTO);
	expect_argv(argv, eal_args(&cfg, 0, NULL, 0, argv), no_huge);
	expect_argv(argv, eal_args(&cfg, 100, NULL, 0, argv), huge);

	cfg.eal.huge = WS_HUGE_NO;
	expect_argv(argv, eal_args(&cfg, 100, NULL, 0, argv), no_huge);
	/* huge = yes with none free: the EAL is left to fail, loudly. */
	cfg.eal.huge = WS_HUGE_YES;
	expect_argv(argv, eal_args(&cfg, 0, NULL, 0, argv), huge);
}

static void
test_eal_args_everything(void **state)
{
	static const char *const sets[] = {
		"eal.main_lcore=1",
		"workers.lcores=0,2-3",
		"eal.file_prefix=ws_t",
		"eal.memory_mb=0",
		"eal.vdev=net_tap0,iface=wsh0",
		"eal.allow= 0000:00:04.0   0000:01:00.1 ",
		"eal.log_level=*:debug",
		"eal.extra=--no-telemetry  --no-shconf",
		"eal.huge=no",
	};
	static const char *const caller[] = { "--no-pci", "-d", "x y" };
	static const char *const expected[] = {
		"woshou", "-l", "1,0,2,3", "--main-lcore", "1",
		"--file-prefix", "ws_t", "--no-huge",
		"--vdev", "net_tap0,iface=wsh0",
		"-a", "0000:00:04.0", "-a", "0000:01:00.1",
		"--log-level=*:debug", "--no-telemetry", "--no-shconf",
		"--no-pci", "-d", "x y", NULL,
	};
	struct ws_config cfg;
	char *argv[ARGV_MAX];

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", sets, RTE_DIM(sets), &cfg);
	expect_argv(argv, eal_args(&cfg, 0, caller, RTE_DIM(caller), argv),
		expected);
}

static void
test_eal_args_no_space(void **state)
{
	struct ws_config cfg;
	char *argv[ARGV_MAX];
	char buf[256];
	int argc;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	argc = ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv, ARGV_MAX,
		buf, sizeof(buf));
	assert_int_equal(argc, 11);

	/* argc arguments and the terminating NULL, exactly. */
	assert_int_equal(ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv,
		argc + 1, buf, sizeof(buf)), argc);
	assert_int_equal(ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv,
		argc, buf, sizeof(buf)), -ENOSPC);
	assert_int_equal(ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv,
		0, buf, sizeof(buf)), -ENOSPC);
	/* "woshou -l 0,1 ... --no-pci": 76 bytes with the NULs. */
	assert_int_equal(ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv,
		ARGV_MAX, buf, 76), argc);
	assert_int_equal(ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv,
		ARGV_MAX, buf, 75), -ENOSPC);
	assert_int_equal(ws_config_eal_args(&cfg, "woshou", 0, NULL, 0, argv,
		ARGV_MAX, buf, 0), -ENOSPC);
}

/* [resolver]: defaults, the numeric keys at their bounds, the round trip. */
static void
test_resolver_keys(void **state)
{
	static const struct {
		const char *key;
		uint64_t min, max;
	} keys[] = {
		{ "port", 1, 65535 },
		{ "timeout_ms", 10, 60000 },
		{ "attempts", 1, 16 },
		{ "cache_entries", 16, 65536 },
		{ "max_pending", 1, 4096 },
		{ "max_ttl", 1, 604800 },
		{ "max_neg_ttl", 1, 86400 },
		{ "neg_ttl", 0, 86400 },
	};
	char value[32], reason[128];
	struct ws_config cfg;
	unsigned int i;

	(void)state;
	ws_config_defaults(&cfg);
	assert_int_equal(cfg.resolver.n_servers, 0);
	assert_int_equal(cfg.resolver.servers[0], 0);
	assert_int_equal(cfg.resolver.port, 53);
	assert_int_equal(cfg.resolver.timeout_ms, 2000);
	assert_int_equal(cfg.resolver.attempts, 2);
	assert_int_equal(cfg.resolver.cache_entries, 256);
	assert_int_equal(cfg.resolver.max_pending, 64);
	assert_int_equal(cfg.resolver.max_ttl, 86400);
	assert_int_equal(cfg.resolver.max_neg_ttl, 3600);
	assert_int_equal(cfg.resolver.neg_ttl, 5);

	for (i = 0; i < RTE_DIM(keys); i++) {
		snprintf(value, sizeof(value), "%" PRIu64, keys[i].max + 1);
		snprintf(reason, sizeof(reason), "%s is out of range %" PRIu64
			"..%" PRIu64, value, keys[i].min, keys[i].max);
		expect_bad_value("resolver", keys[i].key, value, reason);
		if (keys[i].min > 0) {
			snprintf(value, sizeof(value), "%" PRIu64,
				keys[i].min - 1);
			snprintf(reason, sizeof(reason), "%s is out of range %"
				PRIu64 "..%" PRIu64, value, keys[i].min,
				keys[i].max);
			expect_bad_value("resolver", keys[i].key, value,
				reason);
		}
		snprintf(value, sizeof(value), "%" PRIu64, keys[i].min);
		load_value("resolver", keys[i].key, value, &cfg);
		snprintf(value, sizeof(value), "%" PRIu64, keys[i].max);
		load_value("resolver", keys[i].key, value, &cfg);
	}
	expect_bad_value("resolver", "cache_entries", "100",
		"100 is not a power of two");

	load_good("[ip]\naddr = " GOOD_ADDR "\n[resolver]\n"
		"servers = 198.18.0.1 198.18.0.53\nport = 5353\n"
		"timeout_ms = 250\nattempts = 3\ncache_entries = 1024\n"
		"max_pending = 7\nmax_ttl = 60\nmax_neg_ttl = 30\n"
		"neg_ttl = 0\n", NULL, 0, &cfg);
	assert_int_equal(cfg.resolver.n_servers, 2);
	assert_int_equal(cfg.resolver.port, 5353);
	assert_int_equal(cfg.resolver.timeout_ms, 250);
	assert_int_equal(cfg.resolver.attempts, 3);
	assert_int_equal(cfg.resolver.cache_entries, 1024);
	assert_int_equal(cfg.resolver.max_pending, 7);
	assert_int_equal(cfg.resolver.max_ttl, 60);
	assert_int_equal(cfg.resolver.max_neg_ttl, 30);
	assert_int_equal(cfg.resolver.neg_ttl, 0);
	check_round_trip(&cfg);
}

static void
expect_bad_server(unsigned int a, unsigned int b, unsigned int c,
		unsigned int d, const char *why)
{
	char host[INET_ADDRSTRLEN], reason[120];

	snprintf(host, sizeof(host), "%u.%u.%u.%u", a, b, c, d);
	snprintf(reason, sizeof(reason), "%s %s", host, why);
	expect_bad_value("resolver", "servers", host, reason);
}

/* arp.static: up to 4 neighbours of our subnet with a fixed MAC. */
static void
test_arp_static(void **state)
{
	const struct rte_ether_addr m1 = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe } };
	char many[200], file[400];
	struct ws_config cfg;
	char *text = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	(void)state;
	ws_config_defaults(&cfg);
	assert_int_equal(cfg.arp.n_static, 0);
	load_value("arp", "static", "198.18.0.1=02:00:00:00:00:FE", &cfg);
	assert_int_equal(cfg.arp.n_static, 1);
	assert_int_equal(cfg.arp.statics[0].addr, be_ip(198, 18, 0, 1));
	assert_true(rte_is_same_ether_addr(&cfg.arp.statics[0].mac, &m1));
	load_value("arp", "static", " 198.18.0.1=02:00:00:00:00:fe\t"
		"198.18.0.254=0a:1b:2c:3d:4e:5f ", &cfg);
	assert_int_equal(cfg.arp.n_static, 2);
	assert_int_equal(cfg.arp.statics[1].addr, be_ip(198, 18, 0, 254));
	check_round_trip(&cfg);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	ws_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(text, "\nstatic = 198.18.0.1=02:00:00:00:00:fe "
		"198.18.0.254=0a:1b:2c:3d:4e:5f\n"));
	free(text);
	load_value("arp", "static", "", &cfg);
	assert_int_equal(cfg.arp.n_static, 0);

	/* Four of the longest, and not five. */
	many[0] = '\0';
	for (i = 0; i < 4; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			"%s198.19.255.%u=02:00:00:00:00:%02x", i ? " " : "",
			250 + i, i + 1);
	snprintf(file, sizeof(file), "[ip]\naddr = 198.18.0.2/15\n"
		"[arp]\nstatic = %s\n", many);
	load_good(file, NULL, 0, &cfg);
	assert_int_equal(cfg.arp.n_static, 4);
	check_round_trip(&cfg);
	expect_bad_value("arp", "static", "198.18.0.1=02:00:00:00:00:01 "
		"198.18.0.3=02:00:00:00:00:01 198.18.0.4=02:00:00:00:00:01 "
		"198.18.0.5=02:00:00:00:00:01 198.18.0.6=02:00:00:00:00:01",
		"more than 4 entries");

	expect_bad_value("arp", "static", "198.18.0.1",
		"'198.18.0.1' is not a list of A.B.C.D=aa:bb:cc:dd:ee:ff "
		"separated by spaces");
	expect_bad_value("arp", "static", "peer=02:00:00:00:00:01",
		"'peer' is not an IPv4 address A.B.C.D");
	expect_bad_value("arp", "static", "198.18.0.1=02-00-00-00-00-01",
		"'02-00-00-00-00-01' is not a MAC address aa:bb:cc:dd:ee:ff");
	expect_bad_value("arp", "static", "198.18.0.1=ff:ff:ff:ff:ff:ff",
		"ff:ff:ff:ff:ff:ff is a multicast address");
	expect_bad_value("arp", "static", "198.18.0.1=00:00:00:00:00:00",
		"00:00:00:00:00:00 is all zeros");
	expect_bad_value("arp", "static", "198.19.0.1=02:00:00:00:00:01",
		"198.19.0.1 is outside 198.18.0.0/24");
	expect_bad_value("arp", "static", "198.18.0.2=02:00:00:00:00:01",
		"198.18.0.2 is one of our addresses");
	expect_bad_value("arp", "static", "198.18.0.255=02:00:00:00:00:01",
		"198.18.0.255 is the broadcast address of 198.18.0.0/24");
	expect_bad_value("arp", "static", "198.18.0.1=02:00:00:00:00:01 "
		"198.18.0.1=02:00:00:00:00:02", "198.18.0.1 is listed twice");
	/* ip.addr_count's addresses are ours too, whatever the file's order. */
	expect_error("[arp]\nstatic = 198.18.0.4=02:00:00:00:00:01\n[ip]\n"
		"addr_count = 3\naddr = " GOOD_ADDR "\n", NULL, 0,
		"bad.ini: [arp] static: 198.18.0.4 is one of our addresses");
}

/* resolver.servers: addresses this host can reach, at most four. */
static void
test_resolver_servers(void **state)
{
	static const char *const sets[] = {
		"resolver.servers=198.18.0.7",
	};
	struct ws_config cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	load_value("resolver", "servers", "198.18.0.1", &cfg);
	assert_int_equal(cfg.resolver.n_servers, 1);
	assert_int_equal(cfg.resolver.servers[0], be_ip(198, 18, 0, 1));
	assert_int_equal(cfg.resolver.servers[1], 0);
	load_value("resolver", "servers",
		"  198.18.0.1   198.18.0.3\t198.18.0.4 198.18.0.254 ", &cfg);
	assert_int_equal(cfg.resolver.n_servers, 4);
	assert_int_equal(cfg.resolver.servers[1], be_ip(198, 18, 0, 3));
	assert_int_equal(cfg.resolver.servers[3], be_ip(198, 18, 0, 254));
	check_round_trip(&cfg);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	ws_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(text, "\n[resolver]\n"));
	assert_non_null(strstr(text, "\nservers = 198.18.0.1 198.18.0.3 "
		"198.18.0.4 198.18.0.254\n"));
	free(text);
	load_value("resolver", "servers", "", &cfg);
	assert_int_equal(cfg.resolver.n_servers, 0);

	/* Through the gateway when off the subnet. */
	load_good("[ip]\naddr = " GOOD_ADDR "\ngateway = 198.18.0.1\n"
		"[resolver]\nservers = 198.19.0.53\n", NULL, 0, &cfg);
	assert_int_equal(cfg.resolver.servers[0], be_ip(198, 19, 0, 53));
	load_good("[ip]\naddr = " GOOD_ADDR "\n[resolver]\n"
		"servers = 198.18.0.1 198.18.0.3\n", sets, RTE_DIM(sets), &cfg);
	assert_int_equal(cfg.resolver.n_servers, 1);
	assert_int_equal(cfg.resolver.servers[0], be_ip(198, 18, 0, 7));
	assert_int_equal(cfg.resolver.servers[1], 0);

	expect_bad_value("resolver", "servers", "198.18.0.1,198.18.0.3",
		"'198.18.0.1,198.18.0.3' is not a list of IPv4 addresses "
		"A.B.C.D separated by spaces");
	expect_bad_value("resolver", "servers", "ns.ws.test",
		"'ns.ws.test' is not a list of IPv4 addresses A.B.C.D "
		"separated by spaces");
	expect_bad_value("resolver", "servers", "198.18.0.1 198.18.0.300",
		"'198.18.0.1 198.18.0.300' is not a list of IPv4 addresses "
		"A.B.C.D separated by spaces");
	expect_bad_value("resolver", "servers",
		"198.18.0.1 198.18.0.3 198.18.0.4 198.18.0.5 198.18.0.6",
		"more than 4 servers");
	expect_bad_value("resolver", "servers", "198.18.0.3 198.18.0.3",
		"198.18.0.3 is listed twice");
	expect_bad_value("resolver", "servers", "198.18.0.2",
		"198.18.0.2 is ip.addr itself");
	expect_bad_value("resolver", "servers", "198.18.0.255",
		"198.18.0.255 is the broadcast address of 198.18.0.0/24");
	expect_bad_value("resolver", "servers", "198.18.0.0",
		"198.18.0.0 is the network address of 198.18.0.0/24");
	expect_bad_value("resolver", "servers", "198.19.0.53",
		"198.19.0.53 is outside 198.18.0.0/24 and ip.gateway is empty");
	expect_bad_server(127, 0, 0, 53, "is loopback (127/8)");
	expect_bad_server(0, 1, 2, 3, "is in 0/8 (this network)");
	expect_bad_server(224, 0, 0, 251, "is multicast (224/4)");
	expect_bad_server(255, 255, 255, 255, "is reserved (240/4)");
}

/* [dns]: a zone with a file of its own around every key. */
#define DNS_FILE "[ip]\naddr = " GOOD_ADDR "\n[dns]\nzone = woshou.test\n"

static void
expect_bad_dns(const char *lines, const char *key, const char *reason)
{
	char text[2048], expected[WS_CFG_ERR_LEN];

	snprintf(text, sizeof(text), DNS_FILE "%s", lines);
	snprintf(expected, sizeof(expected), "bad.ini: [dns] %s: %s", key,
		reason);
	expect_error(text, NULL, 0, expected);
}

static void
load_good_dns_line(const char *line)
{
	char text[2048];
	struct ws_config cfg;

	snprintf(text, sizeof(text), DNS_FILE "%s", line);
	load_good(text, NULL, 0, &cfg);
}

static void
expect_wire(const uint8_t *got, const char *want, size_t len)
{
	assert_memory_equal(got, want, len);
}

static void
test_dns_records(void **state)
{
	static const char *const sets[] = {
		"dns.record2=new A 198.18.0.9",
		"dns.zone=Other.Test",
	};
	const struct ws_dns_record *r;
	struct ws_config cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	assert_int_equal(cfg.dns.port, 53);
	assert_string_equal(cfg.dns.zone, "");
	assert_int_equal(cfg.dns.ttl, 3600);
	assert_int_equal(cfg.dns.edns_size, 1232);
	assert_string_equal(cfg.dns.mname, "");
	assert_string_equal(cfg.dns.rname, "");
	assert_int_equal(cfg.dns.serial, 1);
	assert_int_equal(cfg.dns.refresh, 3600);
	assert_int_equal(cfg.dns.retry, 900);
	assert_int_equal(cfg.dns.expire, 604800);
	assert_int_equal(cfg.dns.minimum, 300);
	assert_int_equal(cfg.dns.n_records, 0);

	load_good("[ip]\naddr = " GOOD_ADDR "\n[dns]\nport = 5353\n"
		"zone = Woshou.Test.\nttl = 60\nedns_size = 4096\n"
		"mname = ns.example.\nrname = admin\nserial = 4294967295\n"
		"refresh = 1\nretry = 2\nexpire = 3\nminimum = 0\n"
		"record1 = @ A 198.18.0.2\n"
		"record3 = www 300 cname @\n"
		"record4 = WWW2.woshou.test. AAAA 2001:2::1\n"
		"record5 = @ TXT   \"a b\" \"c\\\"\"\n"
		"record6 = t txt bare  words;# here\n"
		"record7 = @ NS ns1\n"
		"record8 = x.y.z 0 A 198.18.0.3\n"
		"record64 = ext CNAME host.example.\n", NULL, 0, &cfg);
	assert_int_equal(cfg.dns.port, 5353);
	assert_string_equal(cfg.dns.zone, "Woshou.Test.");
	assert_int_equal(cfg.dns.edns_size, 4096);
	assert_string_equal(cfg.dns.mname, "ns.example.");
	assert_string_equal(cfg.dns.rname, "admin");
	assert_int_equal(cfg.dns.serial, UINT32_MAX);
	assert_int_equal(cfg.dns.minimum, 0);
	assert_int_equal(cfg.dns.n_records, 64);
	r = &cfg.dns.records[0];
	assert_string_equal(r->text, "@ A 198.18.0.2");
	assert_int_equal(r->type, 1);
	assert_int_equal(r->ttl, 60);
	expect_wire(r->owner, "\6Woshou\4Test", 13);
	assert_int_equal(r->rdlen, 4);
	expect_wire(r->rdata, "\xc6\x12\x00\x02", 4);
	assert_string_equal(cfg.dns.records[1].text, "");
	r = &cfg.dns.records[2];
	assert_int_equal(r->type, 5);
	assert_int_equal(r->ttl, 300);
	expect_wire(r->owner, "\3www\6Woshou\4Test", 17);
	assert_int_equal(r->rdlen, 13);
	expect_wire(r->rdata, "\6Woshou\4Test", 13);
	r = &cfg.dns.records[3];
	assert_int_equal(r->type, 28);
	expect_wire(r->owner, "\4WWW2\6woshou\4test", 18);
	assert_int_equal(r->rdlen, 16);
	expect_wire(r->rdata, "\x20\x01\0\x02\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	r = &cfg.dns.records[4];
	assert_int_equal(r->type, 16);
	assert_int_equal(r->rdlen, 7);
	expect_wire(r->rdata, "\3a b\2c\"", 7);
	r = &cfg.dns.records[5];
	assert_int_equal(r->rdlen, 19);
	expect_wire(r->rdata, "\22bare  words;# here", 19);
	r = &cfg.dns.records[6];
	assert_int_equal(r->type, 2);
	expect_wire(r->rdata, "\3ns1\6Woshou\4Test", 17);
	r = &cfg.dns.records[7];
	assert_int_equal(r->ttl, 0);
	expect_wire(r->owner, "\1x\1y\1z\6Woshou\4Test", 19);
	r = &cfg.dns.records[63];
	expect_wire(r->rdata, "\4host\7example", 14);
	check_round_trip(&cfg);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	ws_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(text, "\n[dns]\n"));
	assert_non_null(strstr(text,
		"\nrecord5 = @ TXT   \"a b\" \"c\\\"\"\n"));
	assert_non_null(strstr(text, "\nrecord2 =\n"));
	assert_non_null(strstr(text, "\nrecord64 = ext CNAME host.example.\n"));
	free(text);

	/* Relative names follow the zone, whichever key set it. */
	load_good(DNS_FILE "record1 = @ A 198.18.0.2\n", sets, RTE_DIM(sets),
		&cfg);
	expect_wire(cfg.dns.records[0].owner, "\5Other\4Test", 12);
	expect_wire(cfg.dns.records[1].owner, "\3new\5Other\4Test", 16);
	assert_int_equal(cfg.dns.n_records, 2);
}

static void
test_dns_record_errors(void **state)
{
	char label[65], name[256], line[300], reason[300];

	(void)state;
	expect_bad_value("dns", "record1", "@ A 198.18.0.1",
		"a record needs [dns] zone");
	expect_bad_dns("record1 = www A 198.18.0\n", "record1",
		"'198.18.0' is not an IPv4 address A.B.C.D");
	expect_bad_dns("record1 = www A 198.18.0.1 x\n", "record1",
		"'198.18.0.1 x' is not an IPv4 address A.B.C.D");
	expect_bad_dns("record2 = www AAAA 198.18.0.1\n", "record2",
		"'198.18.0.1' is not an IPv6 address");
	expect_bad_dns("record1 = www A\n", "record1",
		"'www A' is not NAME [TTL] TYPE VALUE");
	expect_bad_dns("record1 = www 300\n", "record1",
		"'www 300' is not NAME [TTL] TYPE VALUE");
	expect_bad_dns("record1 = www MX 10 mail\n", "record1",
		"type 'MX' is not A, AAAA, CNAME, NS or TXT");
	expect_bad_dns("record1 = www 2147483648 A 198.18.0.1\n", "record1",
		"TTL '2147483648' is not 0..2147483647");
	expect_bad_dns("record1 = www 30s A 198.18.0.1\n", "record1",
		"TTL '30s' is not 0..2147483647");
	expect_bad_dns("record9 = www.other.test. A 198.18.0.1\n", "record9",
		"name 'www.other.test.' is outside the zone woshou.test");
	expect_bad_dns("record1 = test. A 198.18.0.1\n", "record1",
		"name 'test.' is outside the zone woshou.test");
	expect_bad_dns("record1 = a..b A 198.18.0.1\n", "record1",
		"name 'a..b' is not a domain name (empty label or bad escape)");
	memset(label, 'l', 64);
	label[64] = '\0';
	snprintf(line, sizeof(line), "record1 = %s A 198.18.0.1\n", label);
	snprintf(reason, sizeof(reason), "name '%s' has a label over 63 "
		"octets", label);
	expect_bad_dns(line, "record1", reason);
	expect_bad_dns("record1 = * A 198.18.0.1\n", "record1",
		"name '*': wildcards are not served");
	expect_bad_dns("record1 = @ CNAME www\n", "record1",
		"CNAME at the zone apex, which has SOA and NS");
	expect_bad_dns("record1 = www NS ns1\n", "record1",
		"NS for 'www' would delegate it; only the apex (@) may have "
		"NS");
	expect_bad_dns("record1 = www CNAME a b\n", "record1",
		"CNAME target 'a b' is not one name");
	expect_bad_dns("record1 = www CNAME a..b\n", "record1",
		"target 'a..b' is not a domain name (empty label or bad "
		"escape)");
	expect_bad_dns("record1 = t TXT \"abc\n", "record1",
		"TXT value \"abc: unbalanced quotes, a bad escape or no blank "
		"between strings");

	/* Against the records above: CNAME and other data, TTLs, twins. */
	expect_bad_dns("record1 = www A 198.18.0.1\nrecord2 = www CNAME @\n",
		"record2", "CNAME alongside other data for www (record1)");
	expect_bad_dns("record3 = www CNAME @\nrecord7 = WWW TXT x\n",
		"record7", "CNAME alongside other data for WWW (record3)");
	expect_bad_dns("record1 = www CNAME @\n"
		"record2 = www.woshou.test. CNAME ns\n", "record2",
		"CNAME alongside other data for www.woshou.test. (record1)");
	expect_bad_dns("record1 = www A 198.18.0.1\n"
		"record2 = www 60 A 198.18.0.3\n", "record2",
		"TTL 60 differs from record1's 3600 for the same name and type "
		"(RFC 2181 5.2)");
	expect_bad_dns("record1 = www A 198.18.0.1\n"
		"record3 = www.WOSHOU.test. A 198.18.0.1\n", "record3",
		"same as record1");
	expect_error(DNS_FILE "record1 = www A 198.18.0.1\n",
		(const char *const []){ "dns.record2=www CNAME @" }, 1,
		"--set: [dns] record2: CNAME alongside other data for www "
		"(record1)");

	/* The zone and the SOA names. */
	expect_bad_value("dns", "zone", ".",
		"the root zone is not served; name a zone like woshou.test");
	expect_bad_value("dns", "zone", "a..test",
		"zone 'a..test' is not a domain name (empty label or bad "
		"escape)");
	snprintf(line, sizeof(line), "%.64s.test", label);
	snprintf(reason, sizeof(reason), "zone '%.69s' has a label over 63 "
		"octets", line);
	expect_bad_value("dns", "zone", line, reason);
	snprintf(line, sizeof(line), "mname = %s\n", label);
	snprintf(reason, sizeof(reason), "name '%s' has a label over 63 "
		"octets", label);
	expect_bad_dns(line, "mname", reason);
	/* 243 characters: a name alone, too long below woshou.test. */
	memset(label, 'm', 60);
	label[60] = '\0';
	snprintf(name, sizeof(name), "%.60s.%.60s.%.60s.%.60s", label, label,
		label, label);
	snprintf(line, sizeof(line), "rname = %s\n", name);
	snprintf(reason, sizeof(reason), "name '%.243s' is longer than 255 "
		"octets", name);
	expect_bad_dns(line, "rname", reason);
	snprintf(line, sizeof(line), "rname = %s.\n", name);
	load_good_dns_line(line);
	expect_bad_value("dns", "port", "7",
		"7 is also [echo] port, which serves UDP too");
	expect_bad_value("dns", "port", "9",
		"9 is also [discard] port, which serves UDP too");
	expect_bad_value("dns", "edns_size", "511",
		"511 is out of range 512..4096");
	expect_bad_value("dns", "record65", "@ A 198.18.0.1", "unknown key");
	expect_bad_value("dns", "record0", "@ A 198.18.0.1", "unknown key");
}

/*
 * An application's own section, registered through the public API: one
 * key of each kind, a key check that reads the library's values, and a
 * section check across sections. [app_more] shares the struct.
 */
enum app_mode { APP_SLOW, APP_FAST };

struct app_cfg {
	uint16_t port;
	uint32_t window;
	bool on;
	char name[16];
	enum app_mode mode;
	uint32_t pair[2];		/* "A/B" */
	uint32_t limit;
	uint16_t other_port;		/* [app_more] port */
};

static struct app_cfg app;

static const char *const app_mode_names[] = { "slow", "fast", NULL };

static int
parse_pair(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	uint32_t *pair = ws_config_field(k, base);
	unsigned int a, b;
	char end;

	if (sscanf(text, "%u/%u%c", &a, &b, &end) != 2) {
		snprintf(why, why_len, "'%s' is not A/B", text);
		return -EINVAL;
	}
	pair[0] = a;
	pair[1] = b;
	return 0;
}

static void
format_pair(const struct ws_config_key *k, const void *base, char *buf,
		size_t len)
{
	const uint32_t *pair = ws_config_field_const(k, base);

	snprintf(buf, len, "%u/%u", pair[0], pair[1]);
}

/* A key check against a library key, converted before any app key. */
static int
check_limit(const struct ws_config_key *k, const char *text, void *base,
		const struct ws_config *cfg, char *why, size_t why_len)
{
	const struct app_cfg *a = base;

	if (a->limit > cfg->tcp.max_connections) {
		snprintf(why, why_len, "%s is above tcp.max_connections (%u)",
			text, cfg->tcp.max_connections);
		return -EINVAL;
	}
	return 0;
}

/* After every section: blames the library's [dns] port. */
static int
check_app(const void *data, const struct ws_config *cfg,
		const char **section, const char **key, char *why,
		size_t why_len)
{
	const struct app_cfg *a = data;

	if (cfg->dns.port != 0 && cfg->dns.port == a->port) {
		*section = "dns";
		*key = "port";
		snprintf(why, why_len, "%u is also [app] port", a->port);
		return -EINVAL;
	}
	return 0;
}

#define APP_FIELD(m) WS_CONFIG_FIELD(struct app_cfg, m)

static const struct ws_config_key app_keys[] = {
	{ "port", WS_CONFIG_UINT, "8000", .min = 1, .max = 65535,
		APP_FIELD(port), .help = "the app's port" },
	{ "window", WS_CONFIG_UINT, "64", .min = 16, .max = 1024,
		APP_FIELD(window), .flags = WS_CONFIG_POW2,
		.help = "a power of two" },
	{ "on", WS_CONFIG_BOOL, "no", APP_FIELD(on), .help = "a switch" },
	{ "name", WS_CONFIG_STRING, "app", APP_FIELD(name),
		.flags = WS_CONFIG_NONEMPTY, .help = "a name" },
	{ "mode", WS_CONFIG_ENUM, "slow", APP_FIELD(mode),
		.names = app_mode_names, .help = "slow or fast" },
	{ "pair", WS_CONFIG_CUSTOM, "1/2", APP_FIELD(pair),
		.parse = parse_pair, .format = format_pair, .help = "A/B" },
	{ "limit", WS_CONFIG_UINT, "100", .min = 0, .max = 1000000,
		APP_FIELD(limit), .check = check_limit,
		.help = "at most tcp.max_connections" },
};

/* In [app_more], checked against [app] port, registered before it. */
static int
check_other_port(const struct ws_config_key *k, const char *text,
		void *base, const struct ws_config *cfg, char *why,
		size_t why_len)
{
	const struct app_cfg *a = base;

	if (a->other_port == a->port) {
		snprintf(why, why_len, "%s is also [app] port", text);
		return -EINVAL;
	}
	return 0;
}

static const struct ws_config_key app_more_keys[] = {
	{ "port", WS_CONFIG_UINT, "8001", .min = 1, .max = 65535,
		APP_FIELD(other_port), .check = check_other_port },
};

#undef APP_FIELD

static const struct ws_config_section app_section = {
	.name = "app", .keys = app_keys, .n_keys = RTE_DIM(app_keys),
	.data = &app, .size = sizeof(app), .check = check_app,
};

static const struct ws_config_section app_more_section = {
	.name = "app_more", .keys = app_more_keys,
	.n_keys = RTE_DIM(app_more_keys), .data = &app, .size = sizeof(app),
};

static int
app_setup(void **state)
{
	char err[WS_CFG_ERR_LEN];

	enter_temp_dir(state);
	if (ws_config_register_section(&app_section, err, sizeof(err)) != 0 ||
			ws_config_register_section(&app_more_section, err,
				sizeof(err)) != 0)
		fail_msg("register: %s", err);
	return 0;
}

static int
app_teardown(void **state)
{
	assert_int_equal(ws_config_unregister_section("app_more"), 0);
	assert_int_equal(ws_config_unregister_section("app"), 0);
	return leave_temp_dir(state);
}

/* A load that must fail with 'expected', leaving the app's data alone. */
static void
expect_app_error(const char *text, const char *const *sets,
		unsigned int n_sets, const char *expected)
{
	struct app_cfg before;

	memset(&app, 0x5a, sizeof(app));
	memcpy(&before, &app, sizeof(before));
	expect_error(text, sets, n_sets, expected);
	assert_memory_equal(&app, &before, sizeof(app));
}

static void
test_app_defaults(void **state)
{
	struct ws_config cfg;

	(void)state;
	memset(&app, 0x5a, sizeof(app));
	ws_config_defaults(&cfg);
	assert_int_equal(app.port, 8000);
	assert_int_equal(app.window, 64);
	assert_false(app.on);
	assert_string_equal(app.name, "app");
	assert_int_equal(app.mode, APP_SLOW);
	assert_int_equal(app.pair[0], 1);
	assert_int_equal(app.pair[1], 2);
	assert_int_equal(app.limit, 100);
	assert_int_equal(app.other_port, 8001);

	memset(&app, 0x5a, sizeof(app));
	load_good("[ip]\naddr = " GOOD_ADDR "\n", NULL, 0, &cfg);
	assert_int_equal(app.port, 8000);
	assert_string_equal(app.name, "app");
	assert_int_equal(app.pair[1], 2);
}

static void
test_app_keys(void **state)
{
	struct ws_config cfg;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n[app]\nport = 65535\n"
		"window = 1024\non = Yes\nname = fifteen-chars-x\nmode = FAST\n"
		"pair = 7/9\nlimit = 16384\n[app_more]\nport = 1\n", NULL, 0,
		&cfg);
	assert_int_equal(app.port, 65535);
	assert_int_equal(app.window, 1024);
	assert_true(app.on);
	assert_string_equal(app.name, "fifteen-chars-x");
	assert_int_equal(app.mode, APP_FAST);
	assert_int_equal(app.pair[0], 7);
	assert_int_equal(app.pair[1], 9);
	assert_int_equal(app.limit, 16384);
	assert_int_equal(app.other_port, 1);
	/* The library's keys still load beside them. */
	assert_int_equal(cfg.ip.prefix_len, 24);
}

static void
test_app_errors(void **state)
{
	(void)state;
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nport = 0\n",
		NULL, 0, "bad.ini: [app] port: 0 is out of range 1..65535");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nport = 65536\n",
		NULL, 0, "bad.ini: [app] port: 65536 is out of range 1..65535");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nport = 8x\n",
		NULL, 0, "bad.ini: [app] port: '8x' is not a decimal number");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nwindow = 100\n",
		NULL, 0, "bad.ini: [app] window: 100 is not a power of two");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\non = maybe\n",
		NULL, 0, "bad.ini: [app] on: 'maybe' is not "
		"yes/no/true/false/on/off/1/0");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\n"
		"name = sixteen-chars-xx\n", NULL, 0,
		"bad.ini: [app] name: value longer than 15 characters");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nname =\n",
		NULL, 0, "bad.ini: [app] name: must not be empty");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nmode = medium\n",
		NULL, 0, "bad.ini: [app] mode: 'medium' is not slow or fast");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\npair = 7-9\n",
		NULL, 0, "bad.ini: [app] pair: '7-9' is not A/B");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nlimit = 20000\n",
		NULL, 0, "bad.ini: [app] limit: 20000 is above "
		"tcp.max_connections (16384)");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app]\nnope = 1\n",
		NULL, 0, "bad.ini: [app] nope: unknown key");
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[app_more]\n"
		"port = 8000\n", NULL, 0,
		"bad.ini: [app_more] port: 8000 is also [app] port");
	/* The section's check runs last and may blame a library key. */
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n[dns]\nport = 8000\n",
		NULL, 0, "bad.ini: [dns] port: 8000 is also [app] port");
	/* The library's errors come first, as its sections are first. */
	expect_app_error("[app]\nport = 0\n", NULL, 0,
		"bad.ini: [ip] addr: required");
}

static void
test_app_set(void **state)
{
	static const char *const sets[] = {
		"app.port=9000",
		"app.mode=fast",
		"app.port=9001",		/* the last one wins */
		"app_more.port=9000",
	};
	const char *bad[1];
	struct ws_config cfg;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n[app]\nport = 1\nname = x\n",
		sets, RTE_DIM(sets), &cfg);
	assert_int_equal(app.port, 9001);
	assert_int_equal(app.mode, APP_FAST);
	assert_string_equal(app.name, "x");
	assert_int_equal(app.other_port, 9000);

	bad[0] = "app.port=0";
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n", bad, 1,
		"--set: [app] port: 0 is out of range 1..65535");
	bad[0] = "app.nope=1";
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n", bad, 1,
		"--set: [app] nope: unknown key");
	bad[0] = "dns.port=8000";
	expect_app_error("[ip]\naddr = " GOOD_ADDR "\n", bad, 1,
		"--set: [dns] port: 8000 is also [app] port");
}

static void
test_app_print_round_trip(void **state)
{
	static const char *const sets[] = {
		"app.on=on", "app.name=a;b # c", "app.pair=0/4294967295",
		"app.mode=fast",
	};
	struct ws_config cfg, again;
	char err[WS_CFG_ERR_LEN];
	struct app_cfg loaded;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	load_good("[ip]\naddr = " GOOD_ADDR "\n", sets, RTE_DIM(sets), &cfg);
	memcpy(&loaded, &app, sizeof(app));
	f = open_memstream(&text, &len);
	assert_non_null(f);
	ws_config_print(f, &cfg);
	fclose(f);
	/* After the library's sections, with help, bounds and default. */
	assert_non_null(strstr(text, "\n[resolver]\n"));
	assert_true(strstr(text, "\n[app]\n") > strstr(text, "\n[resolver]\n"));
	assert_non_null(strstr(text, "\n; the app's port [1..65535] "
		"(default 8000)\nport = 8000\n"));
	assert_non_null(strstr(text, "\n; a switch (default no)\non = yes\n"));
	assert_non_null(strstr(text, "\nname = a;b # c\n"));
	assert_non_null(strstr(text, "\nmode = fast\n"));
	assert_non_null(strstr(text, "\npair = 0/4294967295\n"));
	assert_non_null(strstr(text, "\n[app_more]\n; [1..65535] "
		"(default 8001)\nport = 8001\n"));
	free(text);

	/* Printed, zeroed, loaded back: the same bytes. */
	f = fopen("printed.ini", "w");
	assert_non_null(f);
	ws_config_print(f, &cfg);
	assert_int_equal(fclose(f), 0);
	memset(&app, 0, sizeof(app));
	if (ws_config_load(&again, "printed.ini", NULL, 0, err,
			sizeof(err)) != 0)
		fail_msg("printed config does not load: %s", err);
	assert_memory_equal(&app, &loaded, sizeof(app));
	memcpy(again.path, cfg.path, sizeof(again.path));
	assert_memory_equal(&again, &cfg, sizeof(cfg));
}

static void
test_app_register_refused(void **state)
{
	static const struct ws_config_key bad_default[] = {
		{ "port", WS_CONFIG_UINT, "0", .min = 1, .max = 65535,
			WS_CONFIG_FIELD(struct app_cfg, port) },
	};
	static const struct ws_config_key bad_width[] = {
		{ "port", WS_CONFIG_UINT, "1", .min = 1, .max = 65536,
			WS_CONFIG_FIELD(struct app_cfg, port) },
	};
	static const struct ws_config_key twice[] = {
		{ "port", WS_CONFIG_UINT, "1", .min = 1, .max = 65535,
			WS_CONFIG_FIELD(struct app_cfg, port) },
		{ "port", WS_CONFIG_BOOL, "no",
			WS_CONFIG_FIELD(struct app_cfg, on) },
	};
	static const struct ws_config_key bad_name[] = {
		{ "a key", WS_CONFIG_BOOL, "no",
			WS_CONFIG_FIELD(struct app_cfg, on) },
	};
	struct ws_config_section s = app_section;
	char err[WS_CFG_ERR_LEN];
	struct ws_config cfg;

	(void)state;
	assert_int_equal(ws_config_register_section(&app_section, err,
		sizeof(err)), -EEXIST);
	assert_string_equal(err, "[app]: section already registered");
	s.name = "tcp";
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EEXIST);
	assert_string_equal(err, "[tcp]: section already belongs to the "
		"library");
	s.name = "http";
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EEXIST);
	assert_string_equal(err, "[http]: section already registered");

	s.name = "new";
	s.keys = bad_default;
	s.n_keys = RTE_DIM(bad_default);
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "[new] port: 0 is out of range 1..65535");
	s.keys = bad_width;
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "[new] port: unsigned max does not fit "
		"the field");
	s.keys = twice;
	s.n_keys = RTE_DIM(twice);
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "[new] port: key named twice");
	s.keys = bad_name;
	s.n_keys = RTE_DIM(bad_name);
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	s.keys = app_keys;
	s.n_keys = RTE_DIM(app_keys);
	s.size = sizeof(app) - 1;
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "[new]: shares its data with [app] at "
		"another size");
	s.size = sizeof(app);
	s.name = "a.b";
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	s.name = "new";
	s.data = NULL;
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)),
		-EINVAL);
	assert_int_equal(ws_config_register_section(NULL, NULL, 0), -EINVAL);

	/* None of the refused ones exists; a forgotten one is unknown. */
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[new]\nport = 1\n", NULL, 0,
		"bad.ini: [new]: unknown section");
	assert_int_equal(ws_config_unregister_section("new"), -ENOENT);
	assert_int_equal(ws_config_unregister_section("tcp"), -ENOENT);
	assert_int_equal(ws_config_unregister_section("app_more"), 0);
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[app_more]\nport = 1\n",
		NULL, 0, "bad.ini: [app_more]: unknown section");
	load_good("[ip]\naddr = " GOOD_ADDR "\n[app]\nport = 2\n", NULL, 0,
		&cfg);
	assert_int_equal(app.port, 2);
	assert_int_equal(ws_config_register_section(&app_more_section, err,
		sizeof(err)), 0);
}

/*
 * The registry is bounded: once WS_CONFIG_MAX_SECTIONS sections are
 * registered the next is refused with -ENOSPC and a reason, and nothing
 * already registered is disturbed; unregistering makes room again.
 */
static void
test_app_register_full(void **state)
{
	static char names[WS_CONFIG_MAX_SECTIONS + 1][16];
	struct ws_config_section s = app_section;
	char err[WS_CFG_ERR_LEN];
	struct ws_config cfg;
	unsigned int n, i;
	int ret = 0;

	(void)state;
	for (n = 0; n <= WS_CONFIG_MAX_SECTIONS; n++) {
		snprintf(names[n], sizeof(names[n]), "full%u", n);
		s.name = names[n];
		ret = ws_config_register_section(&s, err, sizeof(err));
		if (ret != 0)
			break;
	}
	/* app, app_more and woshou's three are there already. */
	assert_true(n < WS_CONFIG_MAX_SECTIONS);
	assert_int_equal(ret, -ENOSPC);
	assert_non_null(strstr(err, "sections registered"));
	/* Every registered one is a known section. */
	load_good("[ip]\naddr = " GOOD_ADDR "\n[full0]\nport = 4\n", NULL, 0,
		&cfg);
	expect_error("[ip]\naddr = " GOOD_ADDR "\n[full99]\nport = 4\n",
		NULL, 0, "bad.ini: [full99]: unknown section");
	for (i = 0; i < n; i++)
		assert_int_equal(ws_config_unregister_section(names[i]), 0);
	s.name = names[n];
	assert_int_equal(ws_config_register_section(&s, err, sizeof(err)), 0);
	assert_int_equal(ws_config_unregister_section(names[n]), 0);
}

/* The programs' shared command line, as woshou reads it. */
struct own_opts {
	int check;
	const char *json;
};

static void
own_option(int c, int argc, char **argv, void *ctx)
{
	struct own_opts *o = ctx;

	if (c == 256)
		o->check++;
	else if (c == 'j')
		o->json = optarg;
}

static void
no_usage(FILE *f)
{
	(void)f;
	fail_msg("no --help here");
}

static void
test_app_cmdline(void **state)
{
	static const struct option own[] = {
		{ "check", no_argument, NULL, 256 },
		{ "json", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char *argv[] = {
		"prog", "--set", "ip.ttl=7", "-c", "good.ini", "--check",
		"-s", "app.port=1", "-jout", "--set=ip.ttl=9",
		"-s", "app.port=2", "--", "--not-ours", NULL,
	};
	int argc = (int)RTE_DIM(argv) - 1;
	struct own_opts o = { 0 };
	const struct ws_app_cmdline cl = {
		.name = "prog", .usage = no_usage, .short_opts = "j:",
		.long_opts = own, .option = own_option, .ctx = &o,
	};
	struct ws_app_options opt;
	struct ws_config cfg;

	(void)state;
	assert_int_equal(ws_app_parse_options(argc, argv, &cl, &opt), 13);
	assert_string_equal(opt.config, "good.ini");
	assert_int_equal(opt.n_sets, 4);
	assert_string_equal(opt.sets[0], "ip.ttl=7");
	assert_string_equal(opt.sets[3], "app.port=2");
	assert_int_equal(o.check, 1);
	assert_string_equal(o.json, "out");
	/* The last --set of a key wins, the file's value under them all. */
	write_file("good.ini", "[ip]\naddr = " GOOD_ADDR "\nttl = 3\n"
		"[app]\nport = 5\n");
	ws_app_load_config(&opt, &cfg);
	assert_int_equal(cfg.ip.ttl, 9);
	assert_int_equal(app.port, 2);
	free(opt.sets);

	/* Parsed again from the start; it stops at the first non-option. */
	argv[1] = "-c";
	argv[2] = "x.ini";
	argv[3] = "mode";
	assert_int_equal(ws_app_parse_options(argc, argv, &cl, &opt), 3);
	assert_string_equal(opt.config, "x.ini");
	assert_int_equal(opt.n_sets, 0);
	ws_app_require_config(&opt);
	free(opt.sets);
}

#define DIR_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, enter_temp_dir, leave_temp_dir)
#define APP_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, app_setup, app_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_defaults),
	DIR_TEST(test_minimal_file),
	DIR_TEST(test_full_file),
	DIR_TEST(test_unreadable_file),
	DIR_TEST(test_syntax_errors),
	DIR_TEST(test_unknown_names),
	DIR_TEST(test_required),
	DIR_TEST(test_unsigned),
	DIR_TEST(test_bool),
	DIR_TEST(test_strings),
	DIR_TEST(test_service_keepalive),
	DIR_TEST(test_huge),
	DIR_TEST(test_mac),
	DIR_TEST(test_ip_addr),
	DIR_TEST(test_addr_count),
	DIR_TEST(test_gateway),
	DIR_TEST(test_lcores),
	DIR_TEST(test_worker_cpus_and_steering),
	DIR_TEST(test_set_overrides),
	DIR_TEST(test_set_errors),
	DIR_TEST(test_tcp_bounds),
	DIR_TEST(test_tcp_rto),
	DIR_TEST(test_mbuf_plan),
	DIR_TEST(test_tcp_syncookies),
	DIR_TEST(test_tcp_congestion),
	DIR_TEST(test_service_ports),
	DIR_TEST(test_routes),
	DIR_TEST(test_route_errors),
	DIR_TEST(test_route_round_trip),
	DIR_TEST(test_print_round_trip),
	DIR_TEST(test_print_format),
	DIR_TEST(test_dns_records),
	DIR_TEST(test_dns_record_errors),
	DIR_TEST(test_resolver_keys),
	DIR_TEST(test_resolver_servers),
	DIR_TEST(test_arp_static),
	DIR_TEST(test_eal_args_huge),
	DIR_TEST(test_eal_args_everything),
	DIR_TEST(test_eal_args_no_space),
	APP_TEST(test_app_defaults),
	APP_TEST(test_app_keys),
	APP_TEST(test_app_errors),
	APP_TEST(test_app_set),
	APP_TEST(test_app_print_round_trip),
	APP_TEST(test_app_register_refused),
	APP_TEST(test_app_register_full),
	APP_TEST(test_app_cmdline),
};

int
main(void)
{
	char err[WS_CFG_ERR_LEN];

	ws_test_eal_init();
	if (ws_services_config_register(&svc, err, sizeof(err)) != 0) {
		fprintf(stderr, "register: %s\n", err);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
