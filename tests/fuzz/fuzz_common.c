/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "fuzz_common.h"

#define FUZZ_START_TICKS (1000 * FUZZ_HZ)	/* well away from zero */

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

const char *__lsan_default_suppressions(void);
const char *__ubsan_default_options(void);

/* Undefined behaviour is a finding like any other: stop at the first. */
const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/*
 * LeakSanitizer does not look inside DPDK's memory (scanning it all at
 * exit would take seconds), so what the stack keeps in malloc'd memory
 * reachable only from there looks leaked at exit: the stack is created
 * once and never destroyed. Leaks found during an input are still found.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:ws_control_create\nleak:ws_snap_store_create\n";
}

void
fuzz_eal_init(void)
{
	static int done;
	/*
	 * No hugepages, no shared config on disk, no devices: a fuzzer
	 * runs anywhere, next to anything, and several at once.
	 */
	char *argv[] = {
		"ws_fuzz", "--no-huge", "--no-shconf", "--no-pci",
		"--no-telemetry", "-m", "256", "-l", "0",
		"--log-level", "*:crit", "--file-prefix", "ws_fuzz", NULL,
	};

	if (done)
		return;
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		fuzz_fail("EAL init failed: %s", rte_strerror(rte_errno));
	done = 1;
}

uint32_t
fuzz_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t
fuzz_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
fuzz_check_pool_full(const struct rte_mempool *mp, const char *what)
{
	unsigned int avail = rte_mempool_avail_count(mp);

	FUZZ_CHECK(avail == mp->size, "%s pool %s: %u of %u objects back "
		"(%s)", what, mp->name, avail, mp->size,
		avail < mp->size ? "leak" : "double free");
}

struct rte_mbuf *
fuzz_mbuf(struct rte_mempool *mp, const void *data, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	char *p;

	FUZZ_CHECK(m != NULL, "no mbuf");
	p = rte_pktmbuf_append(m, (uint16_t)len);
	FUZZ_CHECK(p != NULL, "frame of %zu bytes does not fit an mbuf", len);
	memcpy(p, data, len);
	return m;
}

static uint16_t
count_tx(struct ws_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct fuzz_worker *fw = w->tx_ctx;
	uint16_t i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	fw->tx_frames += n;
	return n;
}

static void
worker_start(struct fuzz_worker *fw)
{
	struct ws_clock clock;

	fw->ticks = FUZZ_START_TICKS;
	ws_clock_init_manual(&clock, &fw->ticks, FUZZ_HZ);
	if (ws_worker_init(&fw->w, 0, &fw->cfg, &fw->iface, fw->pool,
			fw->indirect_pool, &clock, NULL, SOCKET_ID_ANY) != 0)
		fuzz_fail("worker init failed");
	fw->w.tx_fn = count_tx;
	fw->w.tx_ctx = fw;
}

void
fuzz_worker_create(struct fuzz_worker *fw,
		void (*cfg_fn)(struct ws_config *cfg))
{
	memset(fw, 0, sizeof(*fw));
	ws_config_defaults(&fw->cfg);
	fw->cfg.workers.count = 1;
	fw->cfg.workers.lcores[0] = 0;
	fw->cfg.ip.addr = rte_cpu_to_be_32(FUZZ_IP);
	fw->cfg.ip.prefix_len = 24;
	fw->cfg.port.mtu = 1500;
	/* Small tables: the worker starts again after every input. */
	fw->cfg.tcp.max_connections = 16;
	fw->cfg.tcp.ooo_worker_segments = 64;
	fw->cfg.arp.cache_entries = 16;
	if (cfg_fn != NULL)
		cfg_fn(&fw->cfg);
	fw->iface.mac = (struct rte_ether_addr){
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x02 } };
	ws_iface_set_addrs(&fw->iface, fw->cfg.ip.addr, 1);
	fw->iface.netmask = rte_cpu_to_be_32(0xffffff00);
	fw->iface.mtu = fw->cfg.port.mtu;
	fw->pool = rte_pktmbuf_pool_create("fuzz_pkt", 4095, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fw->indirect_pool = rte_pktmbuf_pool_create("fuzz_ind", 1023, 0, 0,
		0, SOCKET_ID_ANY);
	FUZZ_CHECK(fw->pool != NULL && fw->indirect_pool != NULL,
		"cannot create the pools: %s", rte_strerror(rte_errno));
	worker_start(fw);
}

void
fuzz_worker_reset(struct fuzz_worker *fw)
{
	ws_worker_fini(&fw->w);
	fuzz_check_pool_full(fw->pool, "packet");
	fuzz_check_pool_full(fw->indirect_pool, "indirect");
	worker_start(fw);
}

void
fuzz_load_config(struct ws_config *cfg, const char *const *sets,
		unsigned int n_sets)
{
	char path[] = "/tmp/ws_fuzz_cfg_XXXXXX", err[WS_CFG_ERR_LEN];
	int fd = mkstemp(path);

	FUZZ_CHECK(fd >= 0, "mkstemp failed");
	close(fd);
	if (ws_config_load(cfg, path, sets, n_sets, err, sizeof(err)) != 0) {
		unlink(path);
		fuzz_fail("config: %s", err);
	}
	unlink(path);
}

const char *const fuzz_dns_sets[] = {
	"ip.addr=198.18.0.2/24",
	"dns.zone=woshou.test",
	"dns.record1=@ A 198.18.0.2",
	"dns.record2=@ AAAA 2001:2::2",
	"dns.record3=@ NS ns1",
	"dns.record4=ns1 A 198.18.0.2",
	"dns.record5=www CNAME @",
	"dns.record6=peer 60 A 198.18.0.1",
	"dns.record7=@ TXT \"woshou, a kernel-bypass TCP/IP stack\"",
	"dns.record8=loop CNAME loop2",
	"dns.record9=loop2 CNAME loop",
	"dns.record10=out CNAME example.org.",
	"dns.record11=multi A 198.18.0.10",
	"dns.record12=multi A 198.18.0.11",
	"dns.record13=a.b.c.deep A 198.18.0.12",
	("dns.record14=long TXT \"0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef0123456789abcdef\" \"second\""),
};
const unsigned int fuzz_dns_n_sets = RTE_DIM(fuzz_dns_sets);

const struct rte_ether_addr fuzz_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
const struct rte_ether_addr fuzz_peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t
fuzz_eth(uint8_t *buf, uint16_t type)
{
	memcpy(buf, &fuzz_mac, 6);
	memcpy(buf + 6, &fuzz_peer_mac, 6);
	put16(buf + 12, type);
	return 14;
}

size_t
fuzz_arp_request(uint8_t *buf, const struct rte_ether_addr *sha,
		uint32_t sip, uint32_t tip)
{
	memset(buf, 0xff, 6);
	memcpy(buf + 6, sha, 6);
	put16(buf + 12, RTE_ETHER_TYPE_ARP);
	put16(buf + 14, 1);		/* Ethernet */
	put16(buf + 16, RTE_ETHER_TYPE_IPV4);
	buf[18] = 6;
	buf[19] = 4;
	put16(buf + 20, 1);		/* request */
	memcpy(buf + 22, sha, 6);
	put32(buf + 28, sip);
	memset(buf + 32, 0, 6);
	put32(buf + 38, tip);
	return 42;
}

void
fuzz_ipv4_hdr(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto,
		uint16_t id, uint16_t frag, uint16_t payload_len, uint8_t ttl)
{
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + payload_len));
	put16(ip + 4, id);
	put16(ip + 6, frag);
	ip[8] = ttl;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, (uint16_t)~fuzz_fold(fuzz_sum(ip, 20, 0)));
}

uint16_t
fuzz_l4_cksum(const uint8_t *ip, const uint8_t *l4, uint16_t l4_len)
{
	uint32_t sum = fuzz_sum(ip + 12, 8, 0);
	uint16_t ck;

	sum += ip[9];
	sum += l4_len;
	ck = (uint16_t)~fuzz_fold(fuzz_sum(l4, l4_len, sum));
	/* UDP sends 0 as all ones (RFC 768); TCP never sees the difference. */
	return ck == 0 ? 0xffff : ck;
}
