/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_IPV4_H
#define WS_IPV4_H

/*
 * IPv4 (RFC 791, RFC 1122 3.2.1 and 3.3.2): header validation, delivery to
 * the protocol modules, reassembly with DPDK's rte_ip_frag, and output with
 * next-hop choice and fragmentation (rte_ipv4_fragment_packet).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

struct ws_worker;

/*
 * Reassembly state of one worker. The death row is empty between calls:
 * what rte_ip_frag puts there is counted and freed at once.
 */
struct ws_ipv4_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
	uint64_t next_expire;		/* ticks: next expiry sweep */
};

/*
 * IPv4 identification (RFC 6864, RFC 7739). A datagram that may be
 * fragmented takes its ID from one of WS_IPV4_IDENTS counters, chosen by a
 * keyed hash of (destination, source, protocol), and the ID is that hash
 * plus the counter: a peer sees a sequence of its own, and no third party
 * can watch a global counter (idle scans, nmap's TI=I). A counter left
 * unused for some milliseconds jumps by a random amount below that many,
 * as Linux's ip_idents_reserve does, so that an attacker who shares a
 * bucket with a victim cannot count the victim's datagrams exactly. The
 * key is random per worker and per start; nothing here is shared.
 */
#define WS_IPV4_IDENTS 2048		/* a power of two */
#define WS_IPV4_IDENT_KEY_BYTES 16	/* crypto_shorthash_KEYBYTES */

struct ws_ipv4_ident {
	uint8_t key[WS_IPV4_IDENT_KEY_BYTES];
	uint64_t ms_div;		/* clock ticks per millisecond */
	uint32_t stamp[WS_IPV4_IDENTS];	/* ms: each counter's last use */
	uint16_t ctr[WS_IPV4_IDENTS];
};

/* Reassembly table on 'socket' and a fresh ID key; 0, -ENOMEM or -EIO. */
int ws_ipv4_init(struct ws_worker *w, int socket);
void ws_ipv4_fini(struct ws_worker *w);

/*
 * Input: 'm' starts at the Ethernet header, m->l2_len set. Validates the
 * header, reassembles fragments, sets m->l3_len and dispatches by protocol.
 * Consumes m.
 */
void ws_ipv4_input(struct ws_worker *w, struct rte_mbuf *m);

/*
 * The second half of input: a whole, validated datagram (data at the
 * Ethernet header, l2_len and l3_len set) goes to its transport, or to
 * the worker that owns it (ws_steer.h). Consumes m.
 */
void ws_ipv4_deliver(struct ws_worker *w, struct rte_mbuf *m);

/*
 * Output: 'm' starts at a complete IPv4 header (l2_len is ignored, l3_len
 * must be set); total_length must match the packet. Fills in the header
 * checksum (in software or by offload), fragments when larger than the MTU,
 * picks the next hop (on-link or the gateway) and hands each frame to ARP.
 * Consumes m.
 */
void ws_ipv4_output(struct ws_worker *w, struct rte_mbuf *m);

/*
 * The ID of the next datagram from 'src' to 'dst' (network order) of
 * 'proto' that may be fragmented; advances that counter.
 */
uint16_t ws_ipv4_ident(struct ws_worker *w, uint32_t src, uint32_t dst,
		uint8_t proto);

/*
 * Initialise a 20-byte header at 'ip' from us to 'dst' (network order) for
 * 'payload_len' bytes of protocol 'proto'; the checksum is left to output.
 * DF is clear and the ID is ws_ipv4_ident's.
 */
void ws_ipv4_fill_header(struct ws_worker *w, struct rte_ipv4_hdr *ip,
		uint32_t dst, uint8_t proto, uint16_t payload_len);

/* The same from 'src', one of our addresses (ip.addr_count). */
void ws_ipv4_fill_header_src(struct ws_worker *w, struct rte_ipv4_hdr *ip,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len);

/*
 * The same for an atomic datagram (RFC 6864): DF set, so never
 * fragmented, with the caller's 'id' (TCP: its own per-connection count,
 * or 0 outside a connection, as Linux).
 */
void ws_ipv4_fill_header_df(struct ws_worker *w, struct rte_ipv4_hdr *ip,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id);

/* True if 'addr' (network order) is a limited or our subnet broadcast. */
bool ws_ipv4_is_broadcast(const struct ws_worker *w, uint32_t addr);

/*
 * Periodic work, cheap until about a second has passed since the last
 * sweep: frees reassembly entries that timed out (drop_reasm_timeout, one
 * per fragment) and sends time exceeded (RFC 1122 3.3.2) for those whose
 * first fragment had arrived.
 */
void ws_ipv4_timer(struct ws_worker *w);

#endif /* WS_IPV4_H */
