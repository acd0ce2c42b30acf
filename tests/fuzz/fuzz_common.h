/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

/*
 * What the libFuzzer targets share: the EAL (started once per process,
 * without hugepages or devices), a failure that libFuzzer reports (abort,
 * so the input is saved as a crash), the Internet checksum, and a bare
 * worker without a port whose transmitted frames are counted and freed,
 * on a manual 1 MHz clock.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "ws_worker.h"

#define FUZZ_HZ 1000000ULL

/* Abort with a message: libFuzzer saves the input as a crash. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) \
		fuzz_fail(__VA_ARGS__); \
} while (0)

/* Start the EAL once (--no-huge --no-pci, quiet logs). */
void fuzz_eal_init(void);

/* The RFC 1071 checksum of 'len' bytes, folded, not inverted. */
uint32_t fuzz_sum(const void *data, size_t len, uint32_t sum);
uint16_t fuzz_fold(uint32_t sum);

/*
 * Abort unless every object of 'mp' is back in it: a leak leaves fewer,
 * a double free more. 'what' names the pool in the message.
 */
void fuzz_check_pool_full(const struct rte_mempool *mp, const char *what);

/* A bare worker: 198.18.0.2/24, peer 198.18.0.1, MTU 1500. */
struct fuzz_worker {
	struct ws_config cfg;
	struct ws_iface iface;
	struct ws_worker w;
	uint64_t ticks;
	struct rte_mempool *pool;
	struct rte_mempool *indirect_pool;
	uint64_t tx_frames;
};

#define FUZZ_IP 0xc6120002u	/* 198.18.0.2, host order */
#define FUZZ_PEER_IP 0xc6120001u	/* 198.18.0.1 */

/* Create the pools and a worker with ws_config_defaults() and 'cfg_fn'. */
void fuzz_worker_create(struct fuzz_worker *fw,
		void (*cfg_fn)(struct ws_config *cfg));

/*
 * Tear the worker down (everything it holds is freed), check both pools
 * are full, and start it again at the same clock value: the next input
 * starts from the same state.
 */
void fuzz_worker_reset(struct fuzz_worker *fw);

/* A new mbuf of the worker's pool holding 'len' bytes. */
struct rte_mbuf *fuzz_mbuf(struct rte_mempool *mp, const void *data,
		size_t len);

#endif /* FUZZ_COMMON_H */

/*
 * ws_config_load() of no file (an empty one) with 'sets'
 * ("section.key=value"); aborts with the loader's reason on failure.
 */
void fuzz_load_config(struct ws_config *cfg, const char *const *sets,
		unsigned int n_sets);

/* The zone the DNS targets serve (net_null.ini's, shortened). */
extern const char *const fuzz_dns_sets[];
extern const unsigned int fuzz_dns_n_sets;

/* MACs of our side and of the peer. */
extern const struct rte_ether_addr fuzz_mac, fuzz_peer_mac;

/*
 * An ARP request from 'sha'/'sip' for 'tip' (host order) into buf (at
 * least 42 bytes); returns the frame length.
 */
size_t fuzz_arp_request(uint8_t *buf, const struct rte_ether_addr *sha,
		uint32_t sip, uint32_t tip);

/* Ethernet header to us from the peer, 'type'; returns 14. */
size_t fuzz_eth(uint8_t *buf, uint16_t type);

/*
 * A 20-byte IPv4 header at 'ip' for 'payload_len' bytes, addresses in host
 * order, header checksum set.
 */
void fuzz_ipv4_hdr(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto,
		uint16_t id, uint16_t frag, uint16_t payload_len, uint8_t ttl);

/* The TCP or UDP checksum of the segment at 'l4' under the IPv4 'ip'. */
uint16_t fuzz_l4_cksum(const uint8_t *ip, const uint8_t *l4, uint16_t l4_len);
