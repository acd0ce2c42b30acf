/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The log types (RTE_LOG_DEFAULT_LOGTYPE is lib.woshou, set by the
 * library's build) and the per-drop debug lines of ws_log.h.
 */

#include <inttypes.h>
#include <stdio.h>

#include <arpa/inet.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ws_log.h"
#include "ws_worker.h"

RTE_LOG_REGISTER_SUFFIX(ws_logtype_worker, worker, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_stack, stack, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_steer, steer, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_eth, eth, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_arp, arp, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_ip, ip, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_icmp, icmp, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_udp, udp, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_tcp, tcp, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_dns, dns, INFO);
RTE_LOG_REGISTER_SUFFIX(ws_logtype_control, control, INFO);

bool ws_log_drops;

/*
 * The log type of each module of ws_stat_modules (the same order: both
 * follow WS_STATS_MODULES). The worker loop's counters log as
 * lib.woshou.worker.
 */
#define ws_logtype_loop ws_logtype_worker
#define WS_LOG_MODULE_TYPE(member, list) &ws_logtype_ ## member,
static const int *const module_logtype[] = {
	WS_STATS_MODULES(WS_LOG_MODULE_TYPE)
};

void
ws_log_refresh(void)
{
	static const int *const types[] = {
		&ws_logtype_worker, &ws_logtype_stack, &ws_logtype_steer,
		&ws_logtype_eth, &ws_logtype_arp, &ws_logtype_ip,
		&ws_logtype_icmp, &ws_logtype_udp, &ws_logtype_tcp,
		&ws_logtype_dns, &ws_logtype_control,
	};
	bool on = false;
	unsigned int i;

	for (i = 0; i < RTE_DIM(types); i++)
		on = on || rte_log_can_log(*types[i], RTE_LOG_DEBUG);
	ws_log_drops = on;
}

/*
 * "198.18.0.1:40000 > 198.18.0.2:80 tcp [S.] 60 bytes": what a reader
 * needs to find the packet in a capture. Reads only what the first
 * segment holds.
 */
static void
frame_summary(const struct rte_mbuf *m, char *buf, size_t len)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t have = rte_pktmbuf_data_len(m), ihl, l4;
	const struct rte_ether_hdr *eh = (const void *)p;
	const struct rte_ipv4_hdr *ip;
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	uint16_t sport = 0, dport = 0;
	uint8_t flags = 0;
	bool ports = false;

	if (have < sizeof(*eh)) {
		snprintf(buf, len, "%" PRIu32 " bytes", rte_pktmbuf_pkt_len(m));
		return;
	}
	if (eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			have < sizeof(*eh) + sizeof(*ip)) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac), &eh->src_addr);
		snprintf(buf, len, "from %s type 0x%04x %" PRIu32 " bytes",
			mac, rte_be_to_cpu_16(eh->ether_type),
			rte_pktmbuf_pkt_len(m));
		return;
	}
	ip = (const void *)(p + sizeof(*eh));
	inet_ntop(AF_INET, &ip->src_addr, src, sizeof(src));
	inet_ntop(AF_INET, &ip->dst_addr, dst, sizeof(dst));
	ihl = (ip->version_ihl & 0xf) * 4u;
	l4 = sizeof(*eh) + ihl;
	/* Ports only where the header says where they are. */
	if (ihl >= sizeof(*ip) && (ip->next_proto_id == IPPROTO_TCP ||
			ip->next_proto_id == IPPROTO_UDP) &&
			(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
			have >= l4 + 4) {
		const rte_be16_t *pp = (const void *)(p + l4);

		ports = true;
		sport = rte_be_to_cpu_16(pp[0]);
		dport = rte_be_to_cpu_16(pp[1]);
		if (ip->next_proto_id == IPPROTO_TCP &&
				have >= l4 + sizeof(struct rte_tcp_hdr))
			flags = ((const struct rte_tcp_hdr *)
				(p + l4))->tcp_flags;
	}
	if (!ports) {
		snprintf(buf, len, "%s > %s proto %u %" PRIu32 " bytes", src,
			dst, ip->next_proto_id, rte_pktmbuf_pkt_len(m));
	} else if (ip->next_proto_id == IPPROTO_UDP) {
		snprintf(buf, len, "%s:%u > %s:%u udp %" PRIu32 " bytes", src,
			sport, dst, dport, rte_pktmbuf_pkt_len(m));
	} else {
		snprintf(buf, len, "%s:%u > %s:%u tcp [%s%s%s%s%s] %" PRIu32
			" bytes", src, sport, dst, dport,
			(flags & RTE_TCP_SYN_FLAG) ? "S" : "",
			(flags & RTE_TCP_FIN_FLAG) ? "F" : "",
			(flags & RTE_TCP_RST_FLAG) ? "R" : "",
			(flags & RTE_TCP_PSH_FLAG) ? "P" : "",
			(flags & RTE_TCP_ACK_FLAG) ? "." : "",
			rte_pktmbuf_pkt_len(m));
	}
}

/* Whether this worker may log another drop line now (at most N a second). */
static bool
drop_rate_allows(struct ws_worker *w, uint32_t *suppressed)
{
	if (w->now - w->log_window >= w->clock.hz) {
		w->log_window = w->now;
		w->log_lines = 0;
	}
	if (w->log_lines >= WS_LOG_DROPS_PER_S) {
		w->log_suppressed++;
		return false;
	}
	w->log_lines++;
	*suppressed = w->log_suppressed;
	w->log_suppressed = 0;
	return true;
}

void
ws_log_drop(struct ws_worker *w, const uint64_t *counter,
		const struct rte_mbuf *m)
{
	const struct ws_stat_module *mod = NULL;
	const uint64_t *base = NULL;
	char what[160], extra[64];
	uint32_t suppressed;
	unsigned int i;
	int type;

	for (i = 0; i < ws_stat_n_modules && mod == NULL; i++) {
		base = ws_stat_values(&w->stats, &ws_stat_modules[i]);
		if (counter >= base && counter < base + ws_stat_modules[i].n)
			mod = &ws_stat_modules[i];
	}
	if (mod == NULL)
		return;
	type = *module_logtype[mod - ws_stat_modules];
	if (!rte_log_can_log(type, RTE_LOG_DEBUG) ||
			!drop_rate_allows(w, &suppressed))
		return;
	what[0] = '\0';
	if (m != NULL)
		frame_summary(m, what, sizeof(what));
	extra[0] = '\0';
	if (suppressed != 0)
		snprintf(extra, sizeof(extra), " (%" PRIu32 " drop lines "
			"suppressed before this one)", suppressed);
	rte_log(RTE_LOG_DEBUG, type, "woshou: %s: worker %u: %s.%s%s%s%s\n",
		mod->name, w->index, mod->name,
		mod->counters[counter - base].name,
		what[0] != '\0' ? ": " : "", what, extra);
}

void
ws_log_drop_free(struct rte_mbuf *m, struct ws_worker *w,
		const uint64_t *counter)
{
	ws_log_drop(w, counter, m);
	rte_pktmbuf_free(m);
}
