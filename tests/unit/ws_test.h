/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TEST_H
#define WS_TEST_H

/*
 * Shared harness for the cmocka unit tests: an EAL without hugepages or
 * devices, and one worker with no port whose transmitted frames are
 * captured, driven by a manual clock of 1 MHz (one tick = 1 us).
 *
 * The worker is 198.18.0.2/24 at 02:00:00:00:00:02, MTU 1500, no gateway,
 * no checksum offloads; the peer is 198.18.0.1 at 02:00:00:00:00:01.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "ws_worker.h"

#define WS_TEST_HZ 1000000ULL
#define WS_TEST_CAPTURE_MAX 512

#define WS_TEST_IP RTE_IPV4(198u, 18, 0, 2)	/* host order */
#define WS_TEST_PEER_IP RTE_IPV4(198u, 18, 0, 1)	/* host order */

/* An address in host order (RTE_IPV4 of an int literal overflows it). */
#define WS_TEST_IPV4(a, b, c, d) ((uint32_t)(a) << 24 | \
	(uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* How long ws_test_ip_configure's reassembly entries live. */
#define WS_TEST_FRAG_TIMEOUT_MS 1000

extern const struct rte_ether_addr ws_test_mac;
extern const struct rte_ether_addr ws_test_peer_mac;

struct ws_test_env {
	struct ws_config cfg;
	struct ws_iface iface;
	struct ws_worker w;
	uint64_t ticks;				/* the manual clock */
	struct rte_mempool *pool;
	struct rte_mempool *indirect_pool;
	struct rte_mbuf *captured[WS_TEST_CAPTURE_MAX];
	unsigned int n_captured;
	uint16_t tx_accept;			/* frames tx takes per burst */
};

/* Start the EAL once per process (--no-huge --in-memory --no-pci). */
void ws_test_eal_init(void);

struct rte_ring;
struct ws_stack;

/*
 * A ring of 'size' slots with a name of its own (rte_ring_create
 * 'flags'); fails the test if it cannot be made.
 */
struct rte_ring *ws_test_ring(unsigned int size, unsigned int flags);

/*
 * Poll worker a, then b, until neither receives anything for four rounds
 * in a row; fails the test after 100000 rounds.
 */
void ws_test_poll_until_quiet(struct ws_worker *a, struct ws_worker *b);

/*
 * A whole stack on a net_ring port whose queue q receives from rx[q] and
 * sends to tx[q] (n queues: one per worker, so 'sets' must list as many
 * workers.lcores). Configured by 'sets' ("section.key=value", ip.addr
 * among them) alone, with port.device set here; created, not started.
 * Any failure fails the test.
 */
struct ws_stack *ws_test_ring_stack(struct rte_ring **rx, struct rte_ring **tx,
		unsigned int n, const char *const *sets, unsigned int n_sets);

/*
 * cmocka group setup/teardown: *state becomes a fresh ws_test_env.
 * Tests may change env->cfg / env->iface and call ws_test_env_reinit().
 */
int ws_test_setup(void **state);
int ws_test_teardown(void **state);
void ws_test_env_reinit(struct ws_test_env *env);

/*
 * What the IPv4 layer tests start from: TTL 64, 'frag_entries'
 * reassembly entries that expire after WS_TEST_FRAG_TIMEOUT_MS, echo
 * answered, unreachables at 'unreach_rate' a second in bursts of
 * 'unreach_burst', and no ARP refresh traffic while tests move the clock
 * by seconds. The worker is restarted with them (and a new IP ID key).
 */
void ws_test_ip_configure(struct ws_test_env *env, uint32_t frag_entries,
		uint32_t unreach_rate, uint32_t unreach_burst);

/*
 * cmocka setup: ws_test_setup, ws_test_ip_configure with 64 entries,
 * 100 unreachables a second in bursts of 50, and the peer's MAC learnt.
 */
int ws_test_ip_setup(void **state);

/* 'len' (at most 65536) bytes of a fixed pattern (i * 13 + 1). */
const uint8_t *ws_test_pattern(size_t len);

/* Move the clock forward by 'ms' and refresh w->now. */
void ws_test_advance_ms(struct ws_test_env *env, uint64_t ms);

/* A new mbuf holding a copy of 'len' bytes. */
struct rte_mbuf *ws_test_mbuf(struct ws_test_env *env, const void *data,
		size_t len);

/* Feed one frame (copied) through the worker's input path. */
void ws_test_input(struct ws_test_env *env, const void *frame, size_t len);

/* Feed one mbuf (consumed) through the worker's input path. */
void ws_test_input_mbuf(struct ws_test_env *env, struct rte_mbuf *m);

/*
 * Teach the worker the peer's MAC the way a real peer would: feed an ARP
 * request from the peer (198.18.0.1, ws_test_peer_mac) for our address,
 * then discard the reply it produced. Needs the ARP module.
 */
void ws_test_learn_peer(struct ws_test_env *env);

/* Run the worker's periodic timers at the current time and flush tx. */
void ws_test_run_timers(struct ws_test_env *env);

/*
 * Captured frame i linearised into 'buf' (up to 'cap' bytes); returns the
 * frame length. Fails the test if there is no such frame.
 */
size_t ws_test_captured(struct ws_test_env *env, unsigned int i,
		uint8_t *buf, size_t cap);

/*
 * The IPv4 ID of captured frame i (Ethernet, then IPv4). IDs are secret
 * per destination (ws_ipv4_ident), so tests read them from what was sent.
 */
uint16_t ws_test_ip_id(struct ws_test_env *env, unsigned int i);

/* Free every captured frame. */
void ws_test_clear_captured(struct ws_test_env *env);

/* Mbufs of the packet pool not in the pool: a leak check. */
unsigned int ws_test_mbufs_in_use(struct ws_test_env *env);

/*
 * Free the captured frames, then fail unless every mbuf of both pools
 * (packets and fragmentation's indirect ones) is back.
 */
void ws_test_assert_no_leak(struct ws_test_env *env);

/* Fail unless captured frame i is exactly the 'len' bytes of 'expect'. */
void ws_test_assert_frame(struct ws_test_env *env, unsigned int i,
		const void *expect, size_t len);

/* Recompute the header checksum of the IPv4 header at 'ip' (after edits). */
void ws_test_ip_recksum(uint8_t *ip);

/*
 * Frame builders, into 'buf'; each returns the frame length.
 * Ethernet: dst, src, type; then the L3 bytes.
 */
size_t ws_test_eth(uint8_t *buf, const struct rte_ether_addr *dst,
		const struct rte_ether_addr *src, uint16_t type);

/*
 * An Ethernet + IPv4 frame from 'src' to 'dst' (host order) carrying
 * 'payload'; valid header checksum; frag_off in host order (flags and
 * offset in 8-byte units), id as given. Returns the frame length.
 */
size_t ws_test_ipv4_frame(uint8_t *buf, uint32_t src, uint32_t dst,
		uint8_t proto, uint16_t id, uint16_t frag_off,
		const void *payload, size_t payload_len);

/* An ICMP echo request (valid checksum) as an IPv4 payload into 'buf'. */
size_t ws_test_icmp_echo(uint8_t *buf, uint8_t type, uint16_t ident,
		uint16_t seq, const void *data, size_t data_len);

/* The RFC 1071 Internet checksum of 'len' bytes (for expected values). */
uint16_t ws_test_cksum(const void *data, size_t len);

/* Run the tests with EAL started; returns the cmocka result. */
#define WS_TEST_MAIN(tests) \
	int main(void) \
	{ \
		ws_test_eal_init(); \
		return cmocka_run_group_tests(tests, NULL, NULL); \
	}

#endif /* WS_TEST_H */
