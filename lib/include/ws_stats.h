/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_STATS_H
#define WS_STATS_H

/*
 * Per-module counters. Each list below is the one place a counter is named:
 * the struct, aggregation, printing and (later) telemetry are all generated
 * from it, so a counter can never be added to one and forgotten in another.
 *
 * Every counter is a plain uint64_t written only by the worker that owns the
 * block; readers on other threads accept a value that is one update behind.
 * "drop_*" counters name why a packet was dropped.
 */

#include <stdint.h>
#include <stdio.h>

#define WS_STAT_FIELD(name) uint64_t name;

/* The worker loop itself. */
#define WS_LOOP_STATS(X) \
	X(rx_pkts) X(rx_bytes) X(tx_pkts) X(tx_bytes) \
	X(tx_drop_full) X(polls) X(empty_polls) \
	X(busy_cycles) X(idle_cycles)

/*
 * Steering between workers (ws_steer.h): packets handed to their owner and
 * taken from others, neighbours shared, and what full rings refused.
 */
#define WS_STEER_STATS(X) \
	X(handoff_tx) X(handoff_rx) X(drop_handoff_full) \
	X(neigh_tx) X(neigh_rx) X(drop_neigh_full)

#define WS_ETH_STATS(X) \
	X(rx) X(tx) \
	X(drop_runt) X(drop_dst_mac) X(drop_multicast) X(drop_bad_src_mac) \
	X(drop_vlan) X(drop_ethertype)

#define WS_ARP_STATS(X) \
	X(rx) X(requests_rx) X(replies_rx) X(requests_tx) X(replies_tx) \
	X(gratuitous_tx) X(learned) X(updated) X(expired) X(evicted) \
	X(refreshes) \
	X(queued) X(queue_flushed) \
	X(drop_short) X(drop_htype) X(drop_ptype) X(drop_hlen) X(drop_plen) \
	X(drop_op) X(drop_bad_sender) X(drop_not_for_us) X(drop_conflict) \
	X(drop_cache_full) X(drop_queue_full) X(drop_queue_timeout) \
	X(drop_nombuf)

#define WS_IP_STATS(X) \
	X(rx) X(rx_options) X(tx) X(tx_no_route) X(tx_drop_nombuf) \
	X(drop_short) X(drop_version) X(drop_ihl) X(drop_len) X(drop_cksum) \
	X(drop_not_ours) X(drop_bad_src) X(drop_proto) \
	X(frag_rx) X(reasm_ok) X(drop_frag_bad) X(drop_reasm_invalid) \
	X(drop_reasm_nospace) X(drop_reasm_timeout) \
	X(frag_tx) X(drop_frag_df) X(drop_frag_fail) X(drop_split_hdr)

#define WS_ICMP_STATS(X) \
	X(rx) X(echo_rx) X(echo_tx) X(echo_reply_rx) X(errors_rx) \
	X(unreach_tx) X(time_exceeded_tx) X(source_quench_ignored) \
	X(drop_short) X(drop_cksum) X(drop_echo_disabled) \
	X(drop_broadcast_echo) X(drop_type) \
	X(drop_unreach_ratelimit) X(drop_unreach_forbidden) X(drop_nombuf)

/*
 * TCP: cumulative counters, then one gauge per RFC 9293 state (st_*),
 * moved only by the single state-change function.
 */
#define WS_TCP_STATS(X) \
	X(rx) X(tx) \
	X(drop_short) X(drop_bad_doff) X(drop_cksum) X(drop_broadcast) \
	X(drop_port_zero) X(bad_opts_rx) X(drop_bad_opts) \
	X(rst_no_conn) X(rst_tx) X(rst_rx) \
	X(syn_rx) X(drop_listen_ack) X(drop_listen_other) X(drop_backlog) \
	X(drop_half_open) X(drop_table_full) X(drop_nombuf) \
	X(synack_tx) X(cookie_synack_tx) X(cookie_synack_copied) \
	X(cookie_validated) X(cookie_bad_hash) X(cookie_too_old) \
	X(cookie_bad_index) X(cookie_ack_unchecked) X(accept_overflow) \
	X(cookie_mode_on) X(cookie_mode_off) \
	X(active_opens) X(passive_opens) X(simultaneous_opens) \
	X(established) X(transitions) X(conn_refused_by_app) \
	X(conn_reset) X(conn_refused) X(conn_timeout) \
	X(conn_keepalive_dead) X(conn_aborted) \
	X(drop_unacceptable) X(drop_paws) X(drop_no_ts) X(drop_no_ack) \
	X(drop_ack_unsent) X(drop_ack_old) \
	X(rst_challenged) X(syn_challenged) \
	X(challenge_ack_tx) X(challenge_ack_limited) X(invalid_ack_limited) \
	X(drop_data_after_close) X(dup_data_rx) X(drop_rb_segs) \
	X(rb_coalesced) \
	X(data_segs_rx) X(data_bytes_rx) X(data_segs_tx) X(data_bytes_tx) \
	X(acks_tx) X(delayed_acks) X(fin_rx) X(dupacks_rx) X(dupacks_tx) \
	X(ooo_queued) X(ooo_dup) X(ooo_drop_full) \
	X(rto_expired) X(retransmits) X(syn_retransmits) \
	X(synack_retransmits) X(fast_retransmits) X(partial_ack_rtx) \
	X(r1_reached) X(rtt_samples) X(persist_probes) X(keepalive_probes) \
	X(time_wait_expired) X(time_wait_reused) X(time_wait_recycled) \
	X(fin_wait_2_timeout) X(idle_timeouts) \
	X(icmp_hard) X(icmp_soft) X(icmp_pmtu) X(drop_icmp_unmatched) \
	X(st_closed) X(st_listen) X(st_syn_sent) X(st_syn_received) \
	X(st_established) X(st_close_wait) X(st_fin_wait_1) X(st_closing) \
	X(st_last_ack) X(st_fin_wait_2) X(st_time_wait)

/* UDP (RFC 768). */
#define WS_UDP_STATS(X) \
	X(rx) X(rx_bytes) X(tx) X(tx_bytes) X(delivered) \
	X(drop_short) X(drop_len) X(drop_cksum) X(drop_broadcast) \
	X(drop_port_zero) X(no_port) X(unreach_tx) \
	X(drop_nombuf) X(drop_too_big) X(bind_fail) \
	X(icmp_errors) X(icmp_soft) X(drop_icmp_unmatched)

/*
 * DNS: the authoritative responder (queries by type, answers by rcode,
 * malformed messages by reason) and the stub resolver (res_*).
 */
#define WS_DNS_STATS(X) \
	X(queries) X(q_a) X(q_aaaa) X(q_cname) X(q_ns) X(q_soa) X(q_txt) \
	X(q_any) X(q_other) \
	X(answers) X(rcode_noerror) X(rcode_nxdomain) X(rcode_refused) \
	X(rcode_formerr) X(rcode_notimp) X(rcode_servfail) \
	X(truncated) X(edns) X(compressed_names) \
	X(drop_short) X(drop_response) X(drop_counts) X(drop_label_long) \
	X(drop_name_long) X(drop_ptr_loop) X(drop_ptr_bad) \
	X(drop_truncated) X(drop_label_type) X(drop_nombuf) \
	X(res_queries) X(res_hits) X(res_neg_hits) X(res_misses) \
	X(res_sent) X(res_retries) X(res_timeouts) X(res_answers) \
	X(res_nxdomain) X(res_errors) X(res_bad_reply) X(res_cache_full) \
	X(res_pending_full) X(res_nodata) X(res_literal) X(res_coalesced) \
	X(res_truncated) X(res_unreachable) X(res_expired) \
	X(rcode_badvers) X(drop_opt) X(drop_too_long) X(reply_copied)

struct ws_loop_stats { WS_LOOP_STATS(WS_STAT_FIELD) };
struct ws_steer_stats { WS_STEER_STATS(WS_STAT_FIELD) };
struct ws_tcp_stats { WS_TCP_STATS(WS_STAT_FIELD) };
struct ws_eth_stats { WS_ETH_STATS(WS_STAT_FIELD) };
struct ws_arp_stats { WS_ARP_STATS(WS_STAT_FIELD) };
struct ws_ip_stats { WS_IP_STATS(WS_STAT_FIELD) };
struct ws_icmp_stats { WS_ICMP_STATS(WS_STAT_FIELD) };
struct ws_udp_stats { WS_UDP_STATS(WS_STAT_FIELD) };
struct ws_dns_stats { WS_DNS_STATS(WS_STAT_FIELD) };

/* All modules of one worker, or their sum over all workers. */
struct ws_stats {
	struct ws_loop_stats loop;
	struct ws_steer_stats steer;
	struct ws_eth_stats eth;
	struct ws_arp_stats arp;
	struct ws_ip_stats ip;
	struct ws_icmp_stats icmp;
	struct ws_udp_stats udp;
	struct ws_dns_stats dns;
	struct ws_tcp_stats tcp;
};

/* The modules in print order; X(member, LIST-macro). */
#define WS_STATS_MODULES(X) \
	X(loop, WS_LOOP_STATS) X(steer, WS_STEER_STATS) \
	X(eth, WS_ETH_STATS) X(arp, WS_ARP_STATS) \
	X(ip, WS_IP_STATS) X(icmp, WS_ICMP_STATS) X(udp, WS_UDP_STATS) \
	X(dns, WS_DNS_STATS) X(tcp, WS_TCP_STATS)

/* dst += src, every counter of every module. */
void ws_stats_add(struct ws_stats *dst, const struct ws_stats *src);

/*
 * Print every non-zero counter as "module.counter value", one per line,
 * each line prefixed with 'indent'. Returns the number of lines printed.
 */
unsigned int ws_stats_print(FILE *f, const struct ws_stats *s,
		const char *indent);

#endif /* WS_STATS_H */
