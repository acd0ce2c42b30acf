/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_STEER_H
#define WS_STEER_H

/*
 * Which worker owns a packet, and getting it there.
 *
 * Ownership is one function for the whole stack, whatever the port does:
 * the Toeplitz hash of the flow with a symmetric key (0x6d5a repeated, so
 * both directions of a flow hash alike) indexes a redirection table of
 * workers. A port with RSS is programmed with the same key and table, so
 * its choice agrees and nothing has to move; on a port that cannot steer,
 * or whose choice cannot be predicted (net_tap, net_ring, net_null), the
 * worker that received a packet owned by another hands it over through the
 * owner's rte_ring, in bursts, bounded, drops counted.
 *
 * - TCP: the 4-tuple. Active opens pick a local port whose tuple maps to
 *   the connecting worker, so replies arrive where the connection lives.
 * - UDP: a port bound on one worker is owned by it (the resolver's
 *   ephemeral ports); a port bound on every worker (ws_udp_bind_all, a
 *   server) is served where the datagram arrives.
 * - ICMP errors: the owner of the flow they quote. Echo: where it arrives.
 * - Fragments are reassembled where they arrive (a NIC hashes them by
 *   addresses only) and the datagram then goes to its owner.
 * - ARP: every worker keeps its own cache; what one learns it publishes to
 *   the others as small messages over a second ring each, so the caches
 *   agree without a lock on the fast path.
 *
 * With the periodic key the Toeplitz hash of a tuple depends only on the
 * XOR of its 16-bit words (each word meets the same 32-bit key window), so
 * the fast path is two table lookups; ws_steer_toeplitz() is the general
 * definition the tables are built from and tested against.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "ws_config.h"
#include "ws_worker.h"

struct rte_ring;
struct ws_worker;

/* Longest RSS key among the NICs we know (i40e, ice: 52; ixgbe: 40). */
#define WS_STEER_KEY_MAX	52
/* Largest redirection table we mirror (i40e: 512, ice: 2048). */
#define WS_STEER_RETA_MAX	2048
/* The table used when the port has none. */
#define WS_STEER_RETA_SOFT	128

/* ws_steer_udp_owner(): no single worker owns the port. */
#define WS_STEER_ANY		0xffu

struct ws_steer {
	unsigned int n_workers;
	uint32_t reta_mask;			/* reta_size - 1 */
	uint16_t reta_size;			/* power of two */
	uint8_t key_len;
	bool hw;				/* the port hashes with key, reta */
	uint8_t key[WS_STEER_KEY_MAX];		/* as given to the port */
	uint8_t reta[WS_STEER_RETA_MAX];	/* entry -> worker */
	uint32_t l_hi[256], l_lo[256];		/* the hash of one 16-bit word */
	uint8_t *udp_owner;			/* 65536 ports; WS_STEER_ANY */
	struct rte_ring *handoff[WS_MAX_WORKERS];	/* packets, per owner */
	struct rte_ring *neigh[WS_MAX_WORKERS];	/* ARP news, per worker */
};

/* What one worker tells the others it learned about a neighbour. */
struct ws_neigh_msg {
	uint32_t addr;				/* network order */
	struct rte_ether_addr mac;
	uint8_t for_us;				/* the ARP targeted our address */
	uint8_t reserved;
};

/* Fill 'key' with 0x6d5a repeated ('len' even). */
void ws_steer_symmetric_key(uint8_t *key, unsigned int len);

/*
 * The Toeplitz hash of 'len' input bytes with 'key' (at least len + 4
 * bytes long), as Microsoft's RSS specification defines it.
 */
uint32_t ws_steer_toeplitz(const uint8_t *key, unsigned int key_len,
		const uint8_t *data, unsigned int len);

/*
 * Set up steering for 'n_workers' with a key of 'key_len' bytes (even,
 * 16..WS_STEER_KEY_MAX) and a table of 'reta_size' entries (a power of two,
 * up to WS_STEER_RETA_MAX) filled round robin. With more than one worker
 * also creates the rings ('ring_size' packets each, a power of two) on
 * 'socket', named after 'name', and the UDP port owners. 0 or negative
 * errno.
 */
int ws_steer_init(struct ws_steer *st, unsigned int n_workers,
		unsigned int key_len, unsigned int reta_size,
		unsigned int ring_size, int socket, const char *name);

/* Free the rings (and any packet still in them) and the tables. */
void ws_steer_fini(struct ws_steer *st);

/* Point entry i of the table at worker 'worker' (the port's table too). */
void ws_steer_set_reta(struct ws_steer *st, unsigned int i,
		unsigned int worker);

/*
 * The hash a NIC computes for an IPv4 packet from src to dst (network
 * order), with ports (network order) for TCP and UDP.
 */
static inline uint32_t
ws_steer_word_hash(const struct ws_steer *st, uint32_t x)
{
	return st->l_hi[(x >> 8) & 0xff] ^ st->l_lo[x & 0xff];
}

static inline uint32_t
ws_steer_hash_l3(const struct ws_steer *st, uint32_t src, uint32_t dst)
{
	uint32_t x = rte_be_to_cpu_32(src ^ dst);

	return ws_steer_word_hash(st, (x ^ (x >> 16)) & 0xffff);
}

static inline uint32_t
ws_steer_hash_l4(const struct ws_steer *st, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport)
{
	uint32_t x = rte_be_to_cpu_32(src ^ dst);

	x ^= x >> 16;
	x ^= rte_be_to_cpu_16(sport ^ dport);
	return ws_steer_word_hash(st, x & 0xffff);
}

static inline unsigned int
ws_steer_worker_of(const struct ws_steer *st, uint32_t hash)
{
	return st->reta[hash & st->reta_mask];
}

/* The worker owning the TCP flow between us and a peer (network order). */
static inline unsigned int
ws_steer_tcp_owner(const struct ws_steer *st, uint32_t raddr,
		uint32_t laddr, uint16_t rport, uint16_t lport)
{
	return ws_steer_worker_of(st,
		ws_steer_hash_l4(st, raddr, laddr, rport, lport));
}

/*
 * Active open: a local port (host order) in lo .. lo + n - 1 whose flow
 * from raddr:rport (network order) to laddr maps to 'worker' and that
 * 'in_use' (may be NULL) does not refuse. The search starts at lo +
 * (*cursor % n) and *cursor moves past the port returned, so successive
 * calls spread over the range. Returns the port, or -EADDRINUSE when none
 * is free.
 */
int ws_steer_pick_port(const struct ws_steer *st, unsigned int worker,
		uint32_t raddr, uint32_t laddr, uint16_t rport,
		uint16_t lo, uint32_t n, uint32_t *cursor,
		bool (*in_use)(void *arg, uint16_t port), void *arg);

/*
 * UDP ports bound on a single worker (host order). claim: 0, or
 * -EADDRINUSE when another worker owns it. release: only the owner's
 * release counts. owner: the worker, or WS_STEER_ANY.
 */
int ws_steer_udp_claim(struct ws_steer *st, uint16_t port,
		unsigned int worker);
void ws_steer_udp_release(struct ws_steer *st, uint16_t port,
		unsigned int worker);
unsigned int ws_steer_udp_owner(const struct ws_steer *st, uint16_t port);

/*
 * The worker that owns 'm', a validated IPv4 datagram as IP delivers it
 * (data at the Ethernet header, l2_len and l3_len set, the transport
 * header in the first segment). Packets of no flow give w->index.
 */
unsigned int ws_steer_owner(const struct ws_worker *w,
		const struct rte_mbuf *m);

bool ws_steer_away_slow(struct ws_worker *w, struct rte_mbuf *m);

/*
 * The delivery point's check: true when 'm' belongs to another worker and
 * was handed over (or dropped and counted); false when it is ours to
 * process. Packets taken from our own ring are always ours.
 */
static inline bool
ws_steer_away(struct ws_worker *w, struct rte_mbuf *m)
{
	if (likely(w->steer == NULL) || w->steered_in)
		return false;
	return ws_steer_away_slow(w, m);
}

/* Hand 'm' to worker 'owner': staged, sent with the burst. */
void ws_steer_handoff(struct ws_worker *w, unsigned int owner,
		struct rte_mbuf *m);

/* Send what is staged for other workers; what a full ring refuses is
 * freed and counted. */
void ws_steer_flush(struct ws_worker *w);

/*
 * Apply the neighbours other workers learned, then take a burst of
 * packets handed to this worker and deliver them. Returns the packets
 * taken. Only for a worker with steering (w->steer set).
 */
unsigned int ws_steer_drain(struct ws_worker *w);

/* Tell the other workers what ARP taught this one. */
void ws_steer_neigh_publish(struct ws_worker *w, uint32_t addr,
		const struct rte_ether_addr *mac, bool for_us);

#endif /* WS_STEER_H */
