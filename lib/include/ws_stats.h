/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_STATS_H
#define WS_STATS_H

/*
 * Per-module counters. Each list below is the one place a counter is named
 * and described: X(name, "what it counts"). The struct, the table of names
 * and descriptions (ws_stat_modules), aggregation, printing, telemetry
 * (/woshou/<module>/stats and its describe parameter), woshou-stat's
 * Prometheus HELP texts and README's counter reference
 * (scripts/gen-counter-doc) all come from it, so a counter can never be
 * added to one and forgotten in another.
 *
 * A description is one line of plain ASCII under 100 characters with no
 * double quote or backslash: it travels as a JSON string and as a
 * Prometheus HELP text unescaped. Gauges say so ("gauge: ...").
 *
 * Every counter is a plain uint64_t written only by the worker that owns the
 * block; readers on other threads accept a value that is one update behind.
 * "drop_*" counters name why a packet was dropped.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WS_STAT_FIELD(name, desc) uint64_t name;

/* The worker loop itself. */
#define WS_LOOP_STATS(X) \
	X(rx_pkts, "frames received from the port's rx queue") \
	X(rx_bytes, "bytes of the frames received from the port, Ethernet header included") \
	X(tx_pkts, "frames the port's tx queue accepted") \
	X(tx_bytes, "bytes of the frames the port's tx queue accepted") \
	X(tx_drop_full, "frames dropped on send: tx queue full, or no headroom for Ethernet") \
	X(polls, "rx polls of the port, one per turn of the loop") \
	X(empty_polls, "polls that got nothing from the port or from other workers") \
	X(busy_cycles, "TSC cycles spent in polls that received or sent packets") \
	X(idle_cycles, "TSC cycles in polls that moved nothing, rx_wait_us and idle sleeps") \
	X(rx_mbufs, "gauge: mbufs of the receive pool, the only one the port refills from") \
	X(rx_mbufs_in_use, "gauge: receive-pool mbufs out: in descriptors, held, in flight") \
	X(tx_mbufs, "gauge: mbufs of the pool the stack builds from (port.mbufs)") \
	X(tx_mbufs_in_use, "gauge: mbufs of that pool out: send buffers, segments in flight") \
	X(sndbuf_mbufs, "gauge: mbufs held by all TCP send buffers of the worker") \
	X(sndbuf_budget, "gauge: the most mbufs the send buffers may hold (tcp.sndbuf_worker_mbufs)")

/*
 * Steering between workers (ws_steer.h): packets handed to their owner and
 * taken from others, neighbours shared, and what full rings refused.
 */
#define WS_STEER_STATS(X) \
	X(handoff_tx, "packets handed to the worker that owns their connection or port") \
	X(handoff_rx, "packets taken from other workers for connections or ports we own") \
	X(drop_handoff_full, "packets dropped: the owner's hand-off ring was full") \
	X(neigh_tx, "ARP news (a neighbour's MAC) sent to the other workers") \
	X(neigh_rx, "ARP news received from the other workers and applied") \
	X(drop_neigh_full, "ARP news lost: another worker's neighbour ring was full")

#define WS_ETH_STATS(X) \
	X(rx, "frames received by Ethernet input") \
	X(tx, "frames sent with an Ethernet header we wrote") \
	X(drop_runt, "frames dropped: shorter than the 14-byte Ethernet header") \
	X(drop_dst_mac, "frames dropped: unicast to another MAC address") \
	X(drop_multicast, "frames dropped: to a multicast MAC (we join no group)") \
	X(drop_bad_src_mac, "frames dropped: group (multicast) source MAC (IEEE 802.3 3.2.3)") \
	X(drop_vlan, "frames dropped: VLAN or QinQ tagged (not supported)") \
	X(drop_ethertype, "frames dropped: EtherType neither IPv4 nor ARP")

#define WS_ARP_STATS(X) \
	X(rx, "ARP packets received") \
	X(requests_rx, "ARP requests received with a valid header") \
	X(replies_rx, "ARP replies received with a valid header") \
	X(requests_tx, "ARP requests sent to resolve or re-confirm a neighbour") \
	X(replies_tx, "ARP replies sent for our addresses, RFC 5227 probes included") \
	X(gratuitous_tx, "ARP announcements sent: at start and to defend our address (RFC 5227)") \
	X(learned, "neighbours added to the cache from ARP addressed to us") \
	X(updated, "cache entries confirmed or resolved by ARP from the neighbour (RFC 826)") \
	X(expired, "cache entries removed: unconfirmed for reachable_ms + stale_ms") \
	X(evicted, "cache entries evicted, least recently confirmed first, to make room") \
	X(refreshes, "unicast requests re-confirming a STALE entry (part of requests_tx)") \
	X(queued, "packets held while their next hop was being resolved") \
	X(queue_flushed, "held packets sent once their next hop was resolved") \
	X(drop_short, "ARP packets dropped: shorter than the ARP header") \
	X(drop_htype, "ARP packets dropped: hardware type not Ethernet") \
	X(drop_ptype, "ARP packets dropped: protocol type not IPv4") \
	X(drop_hlen, "ARP packets dropped: hardware address length not 6") \
	X(drop_plen, "ARP packets dropped: protocol address length not 4") \
	X(drop_op, "ARP packets dropped: opcode neither request nor reply") \
	X(drop_bad_sender, "ARP packets dropped: sender MAC zero or group, or IP not on-link") \
	X(drop_not_for_us, "ARP packets ignored: for others from an unknown sender, or our own echo") \
	X(drop_conflict, "ARP packets dropped: another host claims our address (we defend it)") \
	X(drop_cache_full, "neighbours not cached or packets dropped: cache bucket all resolving") \
	X(drop_queue_full, "oldest held packet dropped for a newer one (RFC 1122 2.3.2.2)") \
	X(drop_queue_timeout, "held packets dropped: no answer within resolve_timeout_ms") \
	X(drop_nombuf, "ARP requests or announcements not sent: mbuf pool empty")

#define WS_IP_STATS(X) \
	X(rx, "IPv4 packets received, before any check") \
	X(rx_options, "packets received with IP options (ignored, RFC 1122 3.2.1.8)") \
	X(tx, "IPv4 packets sent, each fragment counted") \
	X(tx_no_route, "packets not sent: off-link destination and no gateway") \
	X(tx_drop_nombuf, "datagrams not sent: no mbufs to fragment them") \
	X(drop_short, "packets dropped: shorter than their IPv4 header") \
	X(drop_version, "packets dropped: IP version not 4") \
	X(drop_ihl, "packets dropped: header length (IHL) under 20 bytes") \
	X(drop_len, "packets dropped: total length under the header or past the frame") \
	X(drop_cksum, "packets dropped: bad IPv4 header checksum") \
	X(drop_not_ours, "packets dropped: destination neither our address nor a broadcast") \
	X(drop_bad_src, "packets dropped: source 0/8, 127/8, 224/3, ours or a broadcast") \
	X(drop_proto, "packets dropped: protocol not ICMP, TCP or UDP (unreachable sent)") \
	X(frag_rx, "fragments received") \
	X(reasm_ok, "datagrams reassembled from fragments") \
	X(drop_frag_bad, "fragments dropped: empty, not a multiple of 8, or past 65535 (RFC 791)") \
	X(drop_reasm_invalid, "fragments dropped: overlap, duplicate, too many, or over 65535") \
	X(drop_reasm_nospace, "fragments dropped: reassembly table full") \
	X(drop_reasm_rx_reserve, "fragments dropped: holding them would eat the receive pool's reserve") \
	X(drop_reasm_timeout, "fragments dropped: their datagram incomplete at the timeout") \
	X(frag_tx, "fragments sent for datagrams over the MTU") \
	X(drop_frag_df, "datagrams not sent: over the MTU with Don't Fragment set") \
	X(drop_frag_fail, "datagrams not sent: fragmentation failed, not for want of mbufs") \
	X(drop_split_hdr, "packets dropped: TCP or UDP header could not be made contiguous")

#define WS_ICMP_STATS(X) \
	X(rx, "ICMP messages received") \
	X(echo_rx, "echo requests received and answered") \
	X(echo_tx, "echo replies sent") \
	X(echo_reply_rx, "echo replies received (nothing is done with them)") \
	X(errors_rx, "errors received (unreachable, time exceeded, parameter problem)") \
	X(unreach_tx, "destination unreachable errors sent (protocol or port)") \
	X(time_exceeded_tx, "time exceeded errors sent: reassembly timed out") \
	X(source_quench_ignored, "source quench messages received and ignored (RFC 6633)") \
	X(drop_short, "messages dropped: shorter than the 8-byte ICMP header") \
	X(drop_cksum, "messages dropped: bad ICMP checksum") \
	X(drop_echo_disabled, "echo requests dropped: [icmp] echo = no") \
	X(drop_broadcast_echo, "echo requests dropped: sent to a broadcast (no Smurf amplifier)") \
	X(drop_type, "messages dropped: type unknown to us (RFC 1122 3.2.2)") \
	X(drop_unreach_ratelimit, "errors not sent: over [icmp] unreach_rate and unreach_burst") \
	X(drop_unreach_forbidden, "errors not sent: about broadcast/multicast, fragments or errors") \
	X(drop_nombuf, "errors not sent: mbuf pool empty")

/*
 * TCP: cumulative counters, then one gauge per RFC 9293 state (st_*),
 * moved only by the single state-change function, and st_orphans.
 */
#define WS_TCP_STATS(X) \
	X(rx, "segments received, before any check") \
	X(tx, "segments sent: data, ACKs, SYNs, SYN-ACKs, FINs and RSTs") \
	X(drop_short, "segments dropped: shorter than the TCP header, or header split") \
	X(drop_bad_doff, "segments dropped: data offset under 5 words or past the segment") \
	X(drop_cksum, "segments dropped: bad TCP checksum (RFC 9293 MUST-3)") \
	X(drop_broadcast, "segments dropped: to a broadcast address (MUST-57)") \
	X(drop_port_zero, "segments dropped: source or destination port 0") \
	X(bad_opts_rx, "segments received with malformed options (MUST-5)") \
	X(drop_bad_opts, "SYNs and SYN-ACKs dropped: malformed options (MUST-7)") \
	X(rst_no_conn, "segments for no connection or listener, answered with RST") \
	X(rst_tx, "RSTs sent") \
	X(rst_rx, "RSTs accepted: each closed a connection") \
	X(syn_rx, "SYNs received by a listener") \
	X(drop_listen_ack, "ACKs to a listener not taken as a cookie ACK, answered with RST") \
	X(drop_listen_other, "segments to a listener with no SYN, ACK or RST, dropped") \
	X(drop_listen_rst, "RSTs to a listener, ignored (RFC 9293 3.10.7.2)") \
	X(drop_backlog, "SYNs dropped: the listener's backlog of half-open connections full") \
	X(drop_half_open, "SYNs dropped: the worker's half_open_max reached") \
	X(drop_table_full, "SYNs dropped or connects failed: connection table full") \
	X(drop_nombuf, "segments not sent, or data not buffered: mbuf pool empty") \
	X(synack_tx, "SYN-ACKs sent for new half-open connections (not cookies)") \
	X(cookie_synack_tx, "SYN-ACKs sent with a SYN cookie, keeping no state") \
	X(cookie_synack_copied, "cookie SYN-ACKs built in a new mbuf: the SYN's was not reusable") \
	X(cookie_validated, "ACKs with a valid SYN cookie: connection created") \
	X(cookie_bad_hash, "cookie ACKs rejected: the MAC does not match (forged or stale)") \
	X(cookie_too_old, "cookie ACKs rejected: cookie not of the current or previous period") \
	X(cookie_bad_index, "cookie ACKs rejected: MSS index out of range") \
	X(cookie_ack_unchecked, "ACKs to a listener that sent no cookie lately: RST, not checked") \
	X(accept_overflow, "valid cookie ACKs dropped: connection table full") \
	X(cookie_mode_on, "times a listener began answering SYNs with cookies (auto mode)") \
	X(cookie_mode_off, "times a listener went back to stateful SYN-ACKs (auto mode)") \
	X(active_opens, "connections we opened (SYN sent)") \
	X(passive_opens, "connections accepted by a listener (handshake completed)") \
	X(simultaneous_opens, "SYNs without ACK received in SYN_SENT (MUST-10)") \
	X(established, "transitions into ESTABLISHED") \
	X(transitions, "connection state changes, any state to any other") \
	X(conn_refused_by_app, "accepted connections the application refused: reset") \
	X(conn_reset, "connections closed by the peer's RST") \
	X(conn_refused, "connection attempts refused by the peer's RST") \
	X(conn_timeout, "connections closed by timeout: retransmission, SYN or FIN_WAIT_2") \
	X(conn_keepalive_dead, "connections closed: keep-alive probes unanswered") \
	X(conn_aborted, "connections we aborted: application abort or refusal, data after close") \
	X(drop_unacceptable, "segments dropped: outside the receive window (RFC 9293 3.10.7.4)") \
	X(drop_paws, "segments dropped: timestamp older than TS.Recent (PAWS, RFC 7323 5.3)") \
	X(drop_no_ts, "segments dropped: no timestamp after both agreed to send them (RFC 7323)") \
	X(no_ts_accepted, "segments without a timestamp accepted: [tcp] timestamps_strict = no") \
	X(drop_no_ack, "segments dropped: no ACK flag on a synchronized connection") \
	X(drop_ack_unsent, "segments dropped: they acknowledge data not yet sent") \
	X(drop_ack_old, "segments dropped: ACK below SND.UNA - MAX.SND.WND (RFC 5961 5.2)") \
	X(rst_challenged, "in-window RSTs not at RCV.NXT: challenge ACK (RFC 5961 3.2)") \
	X(syn_challenged, "SYNs on a synchronized connection: challenge ACK (RFC 5961 4.2)") \
	X(challenge_ack_tx, "challenge ACKs sent (RFC 5961)") \
	X(challenge_ack_limited, "challenge ACKs not sent: over the per-worker budget of this second (randomised, RFC 5961 7)") \
	X(challenge_ack_conn_limited, "challenge ACKs not sent: one already sent on the connection within challenge_ack_interval_ms") \
	X(invalid_ack_limited, "ACKs to invalid segments not sent: per-connection rate limit") \
	X(drop_data_after_close, "data received after the application closed: reset (SHLD-3)") \
	X(dup_data_rx, "segments with only data already received: ACKed again") \
	X(drop_rb_segs, "in-order segments refused: receive buffer at its mbuf limit") \
	X(drop_rx_reserve, "segments refused: holding their data would eat the receive pool's reserve") \
	X(sndbuf_budget_full, "sends cut short or refused: the worker's send-buffer mbuf budget is spent") \
	X(sndbuf_pressure_limited, "sends cut short past half the budget: more than the peer's window queued") \
	X(sndbuf_wakeups, "writable callbacks from the poll loop once the send-buffer budget had room") \
	X(rb_coalesced, "small in-order segments copied into the receive buffer's last mbuf") \
	X(rcvbuf_grown, "receive-buffer growth steps (autotuning: the application read more per RTT than before)") \
	X(rcvbuf_pool_limited, "receive-buffer growth cut short: the receive pool had no room for the larger window") \
	X(sndbuf_grown, "send-buffer growth steps (autotuning: the buffer, not cwnd, held the application back)") \
	X(sndbuf_grow_limited, "send-buffer growth cut short: past half the worker's send budget") \
	X(data_segs_rx, "segments with in-window data received, out-of-order ones included") \
	X(data_bytes_rx, "bytes of in-window data received") \
	X(data_segs_tx, "segments with data sent, retransmissions included") \
	X(data_bytes_tx, "bytes of data sent, retransmissions included") \
	X(acks_tx, "pure ACKs sent") \
	X(delayed_acks, "ACKs sent when the delayed-ACK timer fired") \
	X(fin_rx, "FINs received in order (the first of each connection)") \
	X(dupacks_rx, "duplicate ACKs received (RFC 5681)") \
	X(dupacks_tx, "duplicate ACKs sent at once for out-of-order data (RFC 5681 4.2)") \
	X(ooo_queued, "out-of-order segments held until the gap fills") \
	X(ooo_dup, "out-of-order segments dropped: their data already held") \
	X(ooo_drop_full, "out-of-order segments dropped: [tcp] ooo_segments held already") \
	X(ooo_pruned, "out-of-order segments given up to make room in the receive pool for in-order data") \
	X(rto_expired, "retransmission timeouts (RFC 6298)") \
	X(retransmits, "data or FIN segments retransmitted: timeout, fast or partial ACK") \
	X(syn_retransmits, "SYNs retransmitted on timeout") \
	X(synack_retransmits, "SYN-ACKs retransmitted: timeout, or the peer repeated its SYN") \
	X(fast_retransmits, "fast retransmits after three duplicate ACKs (RFC 5681)") \
	X(partial_ack_rtx, "retransmits on a partial ACK during recovery (RFC 6582)") \
	X(cwnd_app_limited, "ACKs that did not grow cwnd: less than half of it was in flight (RFC 7661)") \
	X(hystart_exits, "slow starts HyStart++ ended on a rising RTT, no loss (RFC 9406)") \
	X(paced_waits, "sends held back by pacing until the pacing timer (tcp.pacing)") \
	X(newreno_recoveries, "NewReno fast recoveries (peers without SACK, RFC 6582)") \
	X(sack_recoveries, "recovery episodes driven by the SACK scoreboard (RFC 6675, PRR RFC 6937)") \
	X(rack_lost, "segments RACK marked lost (RFC 8985)") \
	X(tlp_probes, "tail loss probes sent (RFC 8985 7)") \
	X(tlp_recoveries, "losses a tail loss probe repaired without a timeout") \
	X(undos, "congestion events undone: retransmissions proved spurious (D-SACK, timestamps)") \
	X(dsack_rx, "D-SACK blocks received (RFC 2883)") \
	X(dsack_tx, "D-SACK blocks sent for duplicate segments (RFC 2883)") \
	X(spurious_retransmits, "retransmissions proved unnecessary by D-SACK or timestamps") \
	X(retransmit_bytes, "bytes retransmitted (data and FIN)") \
	X(sack_blocks_invalid, "SACK blocks ignored: outside SND.UNA..SND.MAX or empty") \
	X(sack_rec_exhausted, "segments merged into the previous scoreboard record: the worker's record pool was empty") \
	X(r1_reached, "connections whose retransmissions reached R1 (RFC 9293 MUST-20)") \
	X(rtt_samples, "round-trip time samples taken (RFC 6298, RFC 7323)") \
	X(persist_probes, "zero-window probes sent (persist timer)") \
	X(keepalive_probes, "keep-alive probes sent") \
	X(time_wait_expired, "TIME_WAIT connections ended after 2 MSL") \
	X(time_wait_reused, "TIME_WAIT connections taken over by a new SYN (RFC 6191)") \
	X(time_wait_recycled, "TIME_WAIT connections freed early: connection table full") \
	X(tw_reused, "TIME_WAIT tuples of ours taken over by an active open ([tcp] tw_reuse)") \
	X(tw_reuse_refused, "TIME_WAIT tuples an active open passed over: no timestamps, peer heard < 1 s ago, or tw_reuse = no") \
	X(connect_no_port, "active opens refused (EADDRINUSE): no local port free or reusable for the destination") \
	X(fin_wait_2_timeout, "FIN_WAIT_2 connections closed: the peer never sent its FIN") \
	X(orphan_reset_retries, "orphans reset: orphan_retries zero-window probes answered, data still unsent") \
	X(orphan_reset_limit, "connections reset when closed with data unsent: orphans_max orphans already") \
	X(idle_timeouts, "application idle timeouts fired") \
	X(drain_fin, "FINs queued while the stack drained (ws_stack_drain): its own or the app's") \
	X(drain_rst, "connections a drain reset: handshakes, unread data, or drain_ms ran out first") \
	X(drain_refused, "SYNs and ACKs to a listener while draining: answered with RST, no cookie checked") \
	X(icmp_hard, "connection attempts aborted by ICMP protocol or port unreachable") \
	X(icmp_soft, "ICMP errors about a connection that do not abort it (MUST-56)") \
	X(icmp_pmtu, "ICMP fragmentation-needed about a connection: MSS may drop (RFC 1191)") \
	X(icmp_pmtu_below_floor, "of icmp_pmtu, those reporting an MTU below [ip] pmtu_min: clamped to it, DF off") \
	X(drop_icmp_pmtu_no_df, "ICMP fragmentation-needed ignored: the quoted segment had no DF") \
	X(mss_clamped, "send MSS raised to 48 bytes: the peer's MSS or the path MTU was below") \
	X(drop_icmp_unmatched, "ICMP errors ignored: no connection, or sequence not in flight") \
	X(st_closed, "gauge: connections in CLOSED, just allocated or ended but not freed") \
	X(st_listen, "gauge: listeners (LISTEN)") \
	X(st_syn_sent, "gauge: connections in SYN_SENT") \
	X(st_syn_received, "gauge: connections in SYN_RECEIVED (half-open)") \
	X(st_established, "gauge: connections in ESTABLISHED") \
	X(st_close_wait, "gauge: connections in CLOSE_WAIT") \
	X(st_fin_wait_1, "gauge: connections in FIN_WAIT_1") \
	X(st_closing, "gauge: connections in CLOSING") \
	X(st_last_ack, "gauge: connections in LAST_ACK") \
	X(st_fin_wait_2, "gauge: connections in FIN_WAIT_2") \
	X(st_time_wait, "gauge: connections in TIME_WAIT") \
	X(st_orphans, "gauge: connections the application closed, not yet in TIME_WAIT or CLOSED")

/* UDP (RFC 768). */
#define WS_UDP_STATS(X) \
	X(rx, "datagrams received, before any check") \
	X(rx_bytes, "payload bytes delivered to sockets") \
	X(tx, "datagrams sent") \
	X(tx_bytes, "payload bytes sent") \
	X(delivered, "datagrams delivered to a bound socket") \
	X(drop_short, "datagrams dropped: shorter than the 8-byte UDP header") \
	X(drop_len, "datagrams dropped: length field under 8 or past the IP payload") \
	X(drop_cksum, "datagrams dropped: bad checksum (RFC 1122 4.1.3.4)") \
	X(drop_broadcast, "datagrams dropped: to a broadcast address or in a link broadcast") \
	X(drop_port_zero, "datagrams dropped: source or destination port 0") \
	X(no_port, "datagrams dropped: no socket bound to the port") \
	X(unreach_tx, "port unreachable errors sent for no_port (RFC 1122 4.1.3.1)") \
	X(drop_nombuf, "datagrams not sent: mbuf pool empty") \
	X(drop_too_big, "datagrams not sent: payload over the UDP maximum") \
	X(bind_fail, "binds refused: port taken or another worker's, or no free socket") \
	X(icmp_errors, "ICMP errors received about a datagram of one of our sockets") \
	X(icmp_soft, "of icmp_errors, the soft ones: not port, protocol or admin unreachable") \
	X(drop_icmp_unmatched, "ICMP errors ignored: they quote no datagram of our sockets")

/*
 * DNS: the authoritative responder (queries by type, answers by rcode,
 * malformed messages by reason) and the stub resolver (res_*).
 */
#define WS_DNS_STATS(X) \
	X(queries, "messages received by the DNS server, dropped ones included") \
	X(q_a, "queries for A records") \
	X(q_aaaa, "queries for AAAA records") \
	X(q_cname, "queries for CNAME records") \
	X(q_ns, "queries for NS records") \
	X(q_soa, "queries for SOA records") \
	X(q_txt, "queries for TXT records") \
	X(q_any, "queries for ANY (type 255)") \
	X(q_other, "queries for any other type") \
	X(answers, "replies built and handed to UDP") \
	X(rcode_noerror, "replies with rcode NOERROR") \
	X(rcode_nxdomain, "replies with rcode NXDOMAIN: no such name in the zone") \
	X(rcode_refused, "replies with rcode REFUSED: name outside our zone") \
	X(rcode_formerr, "replies with rcode FORMERR: malformed query") \
	X(rcode_notimp, "replies with rcode NOTIMP: opcode other than QUERY") \
	X(rcode_servfail, "replies with rcode SERVFAIL or another not counted above") \
	X(truncated, "replies cut to header and question with TC set: over the UDP size") \
	X(edns, "queries with an EDNS OPT record (RFC 6891)") \
	X(compressed_names, "names written as compression pointers in replies") \
	X(drop_short, "queries under the 12-byte header (dropped) or cut in a field (FORMERR)") \
	X(drop_response, "messages dropped: a response (QR set) where a query belongs") \
	X(drop_counts, "queries answered FORMERR: QDCOUNT not 1, or counts past the message") \
	X(drop_label_long, "queries answered FORMERR: a label over 63 octets") \
	X(drop_name_long, "queries answered FORMERR: a name over 255 octets") \
	X(drop_ptr_loop, "queries answered FORMERR: compression pointer loop") \
	X(drop_ptr_bad, "queries answered FORMERR: compression pointer forward or out of range") \
	X(drop_truncated, "queries answered FORMERR: message ends inside a name or record") \
	X(drop_label_type, "queries answered FORMERR: reserved label type") \
	X(drop_nombuf, "queries dropped: no mbuf for a contiguous copy or for the reply") \
	X(res_queries, "resolver lookups asked for by the application") \
	X(res_hits, "lookups answered with addresses from the cache") \
	X(res_neg_hits, "lookups answered from a cached NXDOMAIN or NODATA") \
	X(res_misses, "lookups not in the cache: a query sent or joined") \
	X(res_sent, "resolver queries sent to a server, retries included") \
	X(res_retries, "resolver queries sent again: timeout, error reply or ICMP unreachable") \
	X(res_timeouts, "lookups failed: every attempt timed out") \
	X(res_answers, "lookups resolved with addresses from a server") \
	X(res_nxdomain, "lookups a server answered NXDOMAIN") \
	X(res_errors, "server replies with an error rcode or TC set: next server tried") \
	X(res_bad_reply, "resolver datagrams ignored: unknown ID, server or question (RFC 5452)") \
	X(res_cache_full, "cached outcomes evicted before they expired: cache full") \
	X(res_pending_full, "lookups refused: [resolver] max_pending already waiting") \
	X(res_nodata, "lookups a server answered with no A record (NODATA)") \
	X(res_literal, "lookups of a dotted-quad address, answered without a query") \
	X(res_coalesced, "lookups joined to a query for the same name in flight") \
	X(res_truncated, "server replies with TC set (counted in res_errors too)") \
	X(res_unreachable, "ICMP errors received about a query to a server") \
	X(res_expired, "cache entries found expired by a lookup and removed") \
	X(rcode_badvers, "replies with rcode BADVERS: EDNS version not 0 (RFC 6891)") \
	X(drop_opt, "queries answered FORMERR: a bad or second EDNS OPT record") \
	X(drop_too_long, "queries dropped: too long to copy into one mbuf") \
	X(reply_copied, "replies built in a new mbuf: the query's was chained, shared or small")

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

/* One counter as the table lists it. */
struct ws_stat_desc {
	const char *name;		/* "drop_cksum" */
	const char *desc;		/* one line, for people */
};

/*
 * One module's counters, in the order of its struct's fields: counter i
 * is the i-th uint64_t of the block at 'offset' in struct ws_stats.
 */
struct ws_stat_module {
	const char *name;		/* "tcp": the member of struct ws_stats */
	size_t offset;
	unsigned int n;
	const struct ws_stat_desc *counters;
};

/* Every module, in print order (WS_STATS_MODULES). */
extern const struct ws_stat_module ws_stat_modules[];
extern const unsigned int ws_stat_n_modules;

/* The module called 'name' ("tcp"), or NULL. */
const struct ws_stat_module *ws_stat_module_find(const char *name);

/* The counters of module 'm' in 's', m->n of them. */
static inline const uint64_t *
ws_stat_values(const struct ws_stats *s, const struct ws_stat_module *m)
{
	return (const uint64_t *)(const void *)((const char *)s + m->offset);
}

/* dst += src, every counter of every module. */
void ws_stats_add(struct ws_stats *dst, const struct ws_stats *src);

/*
 * The sum of every counter, of any module, whose name matches the shell
 * pattern 'pattern' (fnmatch(3): "drop_*", "*drop*").
 */
uint64_t ws_stats_sum(const struct ws_stats *s, const char *pattern);

/*
 * Print every non-zero counter as "module.counter value", one per line,
 * each line prefixed with 'indent'. Returns the number of lines printed.
 */
unsigned int ws_stats_print(FILE *f, const struct ws_stats *s,
		const char *indent);

#endif /* WS_STATS_H */
