/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * ARP: replies, learning and its refusals, every malformed-frame counter,
 * RFC 5227 probes, conflicts and announcements, and resolution for IPv4
 * output with its queue, retries, timeouts, aging and cache limits. Every
 * frame the stack sends is compared byte for byte, and every test ends
 * with no mbuf outstanding.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_arp.h>

#include "ws_arp.h"
#include "ws_test.h"

/*
 * Host order, our /24. Unsigned, so that the shift into bit 31 is defined
 * (RTE_IPV4 shifts its first argument as an int).
 */
#define HOST(n) RTE_IPV4(198u, 18, 0, (n))
#define OUR_IP HOST(2)		/* the harness's WS_TEST_IP */
#define PEER_IP HOST(1)		/* the harness's WS_TEST_PEER_IP */

#define OP_REQUEST 1
#define OP_REPLY 2

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr zero_mac;

static struct rte_ether_addr
mac_of(uint8_t n)
{
	struct rte_ether_addr m = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, n } };

	return m;
}

static int
arp_setup(void **state)
{
	struct ws_test_env *env;

	ws_test_setup(state);
	env = *state;
	env->cfg.arp.cache_entries = 64;
	env->cfg.arp.reachable_ms = 30000;
	env->cfg.arp.stale_ms = 60000;
	env->cfg.arp.queue_len = 4;
	env->cfg.arp.resolve_timeout_ms = 3000;
	env->cfg.arp.retry_ms = 1000;
	env->cfg.arp.gratuitous = false;
	ws_test_env_reinit(env);
	return 0;
}

static void
put_mac(uint8_t **p, const struct rte_ether_addr *mac)
{
	memcpy(*p, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	*p += RTE_ETHER_ADDR_LEN;
}

static void
put_ip(uint8_t **p, uint32_t ip)
{
	(*p)[0] = ip >> 24;
	(*p)[1] = ip >> 16;
	(*p)[2] = ip >> 8;
	(*p)[3] = ip;
	*p += 4;
}

/*
 * An Ethernet/IPv4 ARP frame written out byte by byte (independent of the
 * rte_arp_hdr layout the code uses); IPs in host order. 42 bytes.
 */
static size_t
arp_frame(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint16_t op,
		const struct rte_ether_addr *sha, uint32_t sip,
		const struct rte_ether_addr *tha, uint32_t tip)
{
	uint8_t *p = buf;

	put_mac(&p, eth_dst);
	put_mac(&p, eth_src);
	*p++ = 0x08; *p++ = 0x06;
	*p++ = 0x00; *p++ = 0x01;	/* Ethernet */
	*p++ = 0x08; *p++ = 0x00;	/* IPv4 */
	*p++ = 6; *p++ = 4;
	*p++ = op >> 8; *p++ = op & 0xff;
	put_mac(&p, sha);
	put_ip(&p, sip);
	put_mac(&p, tha);
	put_ip(&p, tip);
	return (size_t)(p - buf);
}

/* Feed an ARP frame from 'sha' (also the Ethernet source). */
static void
input_arp(struct ws_test_env *env, const struct rte_ether_addr *eth_dst,
		uint16_t op, const struct rte_ether_addr *sha, uint32_t sip,
		uint32_t tip)
{
	uint8_t buf[64];
	size_t len;

	len = arp_frame(buf, eth_dst, sha, op, sha, sip, &zero_mac, tip);
	ws_test_input(env, buf, len);
}

/* Captured frame i must be this ARP packet from us. */
static void
assert_captured_arp(struct ws_test_env *env, unsigned int i,
		const struct rte_ether_addr *eth_dst, uint16_t op,
		const struct rte_ether_addr *tha, uint32_t tip)
{
	uint8_t expect[64];
	size_t len;

	len = arp_frame(expect, eth_dst, &ws_test_mac, op, &ws_test_mac,
		OUR_IP, tha, tip);
	ws_test_assert_frame(env, i, expect, len);
}

/*
 * An IPv4 packet to 'dst' as IPv4 output hands it to ARP: no Ethernet
 * header, l2_len 0, l3_len set. Its bytes go to 'ip' when not NULL.
 */
static struct rte_mbuf *
ip_packet(struct ws_test_env *env, uint32_t dst, uint16_t id, uint8_t *ip,
		size_t *ip_len)
{
	const uint8_t payload[8] = { 'w', 'o', 's', 'h', 'o', 'u', 0, 1 };
	uint8_t frame[128];
	struct rte_mbuf *m;
	size_t len;

	len = ws_test_ipv4_frame(frame, OUR_IP, dst, IPPROTO_UDP, id, 0,
		payload, sizeof(payload)) - RTE_ETHER_HDR_LEN;
	m = ws_test_mbuf(env, frame + RTE_ETHER_HDR_LEN, len);
	m->l2_len = 0;
	m->l3_len = sizeof(struct rte_ipv4_hdr);
	if (ip != NULL) {
		memcpy(ip, frame + RTE_ETHER_HDR_LEN, len);
		*ip_len = len;
	}
	return m;
}

static void
resolve(struct ws_test_env *env, uint32_t dst, uint16_t id)
{
	ws_arp_resolve_output(&env->w, ip_packet(env, dst, id, NULL, NULL),
		rte_cpu_to_be_32(dst));
	ws_tx_flush(&env->w);
}

/* Captured frame i must be the IPv4 packet 'id' to 'dst' at 'mac'. */
static void
assert_captured_ip(struct ws_test_env *env, unsigned int i,
		const struct rte_ether_addr *mac, uint32_t dst, uint16_t id)
{
	uint8_t expect[256];
	size_t ip_len;
	struct rte_mbuf *m;

	ws_test_eth(expect, mac, &ws_test_mac, RTE_ETHER_TYPE_IPV4);
	m = ip_packet(env, dst, id, expect + RTE_ETHER_HDR_LEN, &ip_len);
	rte_pktmbuf_free(m);
	ws_test_assert_frame(env, i, expect, RTE_ETHER_HDR_LEN + ip_len);
}

static int
lookup(struct ws_test_env *env, uint32_t ip, struct rte_ether_addr *mac)
{
	return ws_arp_lookup(&env->w, rte_cpu_to_be_32(ip), mac);
}

static void
assert_clean(struct ws_test_env *env)
{
	ws_test_clear_captured(env);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

/*
 * 'held' packets still wait in the cache; fini (via reinit) must free
 * them.
 */
static void
assert_held_then_freed(struct ws_test_env *env, unsigned int held)
{
	ws_test_clear_captured(env);
	assert_int_equal(ws_test_mbufs_in_use(env), held);
	ws_test_env_reinit(env);
	assert_int_equal(ws_test_mbufs_in_use(env), 0);
}

static void
test_request_for_us_replied(void **state)
{
	struct ws_test_env *env = *state;
	/* The peer's request, padded to the Ethernet minimum. */
	uint8_t frame[60];
	static const uint8_t reply[42] = {
		0x02, 0, 0, 0, 0, 0x01,		/* to the requester */
		0x02, 0, 0, 0, 0, 0x02,		/* from us */
		0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4,
		0x00, 0x02,			/* reply */
		0x02, 0, 0, 0, 0, 0x02,		/* sender: us */
		198, 18, 0, 2,
		0x02, 0, 0, 0, 0, 0x01,		/* target: the requester */
		198, 18, 0, 1,
	};
	struct rte_ether_addr mac;

	memset(frame, 0xa5, sizeof(frame));
	arp_frame(frame, &bcast, &ws_test_peer_mac, OP_REQUEST,
		&ws_test_peer_mac, PEER_IP, &zero_mac, OUR_IP);
	ws_test_input(env, frame, sizeof(frame));

	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, reply, sizeof(reply));
	assert_int_equal(env->w.stats.arp.rx, 1);
	assert_int_equal(env->w.stats.arp.requests_rx, 1);
	assert_int_equal(env->w.stats.arp.replies_tx, 1);
	assert_int_equal(env->w.stats.arp.learned, 1);
	assert_int_equal(env->w.stats.eth.tx, 1);
	assert_int_equal(lookup(env, PEER_IP, &mac), 0);
	assert_memory_equal(&mac, &ws_test_peer_mac, sizeof(mac));
	assert_clean(env);
}

static void
test_unicast_request_replied(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr m9 = mac_of(9);

	input_arp(env, &ws_test_mac, OP_REQUEST, &m9, HOST(9), OUR_IP);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &m9, OP_REPLY, &m9, HOST(9));
	assert_int_equal(env->w.stats.arp.learned, 1);
	assert_clean(env);
}

static void
test_request_for_other_ignored(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac;

	input_arp(env, &bcast, OP_REQUEST, &ws_test_peer_mac,
		PEER_IP, HOST(3));
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.rx, 1);
	assert_int_equal(env->w.stats.arp.requests_rx, 1);
	assert_int_equal(env->w.stats.arp.drop_not_for_us, 1);
	assert_int_equal(env->w.stats.arp.learned, 0);
	assert_int_equal(lookup(env, PEER_IP, &mac), -ENOENT);
	assert_clean(env);
}

/*
 * ip.addr_count = 3: requests for .3 and .4 are answered from the address
 * asked; .5 is not ours. A sender using one of our addresses conflicts.
 */
static void
test_requests_for_each_of_our_addresses(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr m9 = mac_of(9), m10 = mac_of(10);
	uint8_t expect[64];
	size_t len;

	ws_iface_set_addrs(&env->iface, rte_cpu_to_be_32(OUR_IP), 3);
	input_arp(env, &bcast, OP_REQUEST, &m9, HOST(9), HOST(3));
	input_arp(env, &bcast, OP_REQUEST, &m9, HOST(9), HOST(4));
	/* From a host we do not know, or it would refresh its entry. */
	input_arp(env, &bcast, OP_REQUEST, &m10, HOST(10), HOST(5));
	assert_int_equal(env->n_captured, 2);
	len = arp_frame(expect, &m9, &ws_test_mac, OP_REPLY, &ws_test_mac,
		HOST(3), &m9, HOST(9));
	ws_test_assert_frame(env, 0, expect, len);
	len = arp_frame(expect, &m9, &ws_test_mac, OP_REPLY, &ws_test_mac,
		HOST(4), &m9, HOST(9));
	ws_test_assert_frame(env, 1, expect, len);
	assert_int_equal(env->w.stats.arp.replies_tx, 2);
	assert_int_equal(env->w.stats.arp.drop_not_for_us, 1);

	/* Another host claiming .4 is a conflict, as for ip.addr. */
	ws_test_clear_captured(env);
	input_arp(env, &bcast, OP_REQUEST, &m10, HOST(4), HOST(9));
	assert_int_equal(env->w.stats.arp.drop_conflict, 1);
	assert_clean(env);
}

static void
test_reply_to_us_learned(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac, m9 = mac_of(9);

	input_arp(env, &ws_test_mac, OP_REPLY, &m9, HOST(9), OUR_IP);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.replies_rx, 1);
	assert_int_equal(env->w.stats.arp.learned, 1);
	assert_int_equal(lookup(env, HOST(9), &mac), 0);
	assert_memory_equal(&mac, &m9, sizeof(mac));
	assert_clean(env);
}

static void
test_gratuitous_unknown_not_learned(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac, m7 = mac_of(7);

	/* Both forms of gratuitous ARP: request and reply. */
	input_arp(env, &bcast, OP_REQUEST, &m7, HOST(7), HOST(7));
	input_arp(env, &bcast, OP_REPLY, &m7, HOST(7), HOST(7));
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.drop_not_for_us, 2);
	assert_int_equal(env->w.stats.arp.learned, 0);
	assert_int_equal(lookup(env, HOST(7), &mac), -ENOENT);
	assert_clean(env);
}

static void
test_gratuitous_known_updated(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac, moved = mac_of(0x11);

	ws_test_learn_peer(env);
	assert_int_equal(env->w.stats.arp.learned, 1);
	/* The peer moved to another NIC and says so (RFC 826 merge). */
	input_arp(env, &bcast, OP_REQUEST, &moved, PEER_IP,
		PEER_IP);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.updated, 1);
	assert_int_equal(env->w.stats.arp.learned, 1);
	assert_int_equal(env->w.stats.arp.drop_not_for_us, 0);
	assert_int_equal(lookup(env, PEER_IP, &mac), 0);
	assert_memory_equal(&mac, &moved, sizeof(mac));
	assert_clean(env);
}

enum field {
	F_NONE, F_SHORT, F_HTYPE, F_PTYPE, F_HLEN, F_PLEN, F_OP, F_SHA, F_SIP,
};

struct malformed {
	const char *what;
	enum field field;
	uint32_t value;			/* host order; MACs: last byte */
	size_t counter;			/* offset in struct ws_arp_stats */
};

#define ARP_COUNTER(name) offsetof(struct ws_arp_stats, name)

static const struct malformed malformed_cases[] = {
	{ "short", F_SHORT, 0, ARP_COUNTER(drop_short) },
	{ "htype 6", F_HTYPE, 6, ARP_COUNTER(drop_htype) },
	{ "ptype IPv6", F_PTYPE, 0x86dd, ARP_COUNTER(drop_ptype) },
	{ "hlen 8", F_HLEN, 8, ARP_COUNTER(drop_hlen) },
	{ "plen 16", F_PLEN, 16, ARP_COUNTER(drop_plen) },
	{ "op 0", F_OP, 0, ARP_COUNTER(drop_op) },
	{ "op 3 (RARP)", F_OP, 3, ARP_COUNTER(drop_op) },
	{ "multicast sha", F_SHA, 0x01, ARP_COUNTER(drop_bad_sender) },
	{ "broadcast sha", F_SHA, 0xff, ARP_COUNTER(drop_bad_sender) },
	{ "zero sha", F_SHA, 0x00, ARP_COUNTER(drop_bad_sender) },
	{ "limited broadcast sip", F_SIP, UINT32_MAX,
		ARP_COUNTER(drop_bad_sender) },
	{ "subnet broadcast sip", F_SIP, HOST(255),
		ARP_COUNTER(drop_bad_sender) },
	{ "off-subnet sip", F_SIP, RTE_IPV4(198u, 19, 0, 1),
		ARP_COUNTER(drop_bad_sender) },
};

static void
test_malformed_dropped(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac;
	unsigned int i;

	for (i = 0; i < RTE_DIM(malformed_cases); i++) {
		const struct malformed *mc = &malformed_cases[i];
		struct ws_arp_stats *st = &env->w.stats.arp;
		uint8_t frame[64];
		size_t len;

		len = arp_frame(frame, &bcast, &ws_test_peer_mac, OP_REQUEST,
			&ws_test_peer_mac, PEER_IP, &zero_mac,
			OUR_IP);
		switch (mc->field) {
		case F_SHORT:
			len--;
			break;
		case F_HTYPE:
			frame[14] = mc->value >> 8;
			frame[15] = mc->value;
			break;
		case F_PTYPE:
			frame[16] = mc->value >> 8;
			frame[17] = mc->value;
			break;
		case F_HLEN:
			frame[18] = mc->value;
			break;
		case F_PLEN:
			frame[19] = mc->value;
			break;
		case F_OP:
			frame[20] = mc->value >> 8;
			frame[21] = mc->value;
			break;
		case F_SHA:
			/* First byte sets the group bit, or all bytes. */
			if (mc->value == 0x01)
				frame[22] = 0x01;
			else
				memset(frame + 22, mc->value, 6);
			break;
		case F_SIP:
			frame[28] = mc->value >> 24;
			frame[29] = mc->value >> 16;
			frame[30] = mc->value >> 8;
			frame[31] = mc->value;
			break;
		default:
			break;
		}
		memset(st, 0, sizeof(*st));
		ws_test_input(env, frame, len);
		if (*(uint64_t *)((char *)st + mc->counter) != 1)
			fail_msg("%s: not counted", mc->what);
		assert_int_equal(st->rx, 1);
		assert_int_equal(st->learned + st->updated + st->replies_tx, 0);
		assert_int_equal(env->n_captured, 0);
		assert_int_equal(env->w.arp.used, 0);
		assert_int_equal(lookup(env, PEER_IP, &mac), -ENOENT);
		assert_clean(env);
	}
}

static void
test_probe_answered_not_learned(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr prober = mac_of(0x33);

	/* RFC 5227 probe for our address: sender IP 0. */
	input_arp(env, &bcast, OP_REQUEST, &prober, 0, OUR_IP);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &prober, OP_REPLY, &prober, 0);
	assert_int_equal(env->w.stats.arp.replies_tx, 1);
	assert_int_equal(env->w.stats.arp.learned, 0);
	assert_int_equal(env->w.arp.used, 0);
	assert_clean(env);

	/* A probe for someone else's address is none of our business. */
	input_arp(env, &bcast, OP_REQUEST, &prober, 0, HOST(3));
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.drop_not_for_us, 1);
	assert_int_equal(env->w.arp.used, 0);
	assert_clean(env);
}

static void
test_conflict_defended_once_per_10s(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr squatter = mac_of(0x66);
	static const uint8_t announcement[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0, 0, 0, 0, 0x02,
		0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4,
		0x00, 0x01,			/* request */
		0x02, 0, 0, 0, 0, 0x02,		/* sender: us */
		198, 18, 0, 2,
		0, 0, 0, 0, 0, 0,		/* target MAC: none */
		198, 18, 0, 2,			/* target: us again */
	};

	input_arp(env, &bcast, OP_REQUEST, &squatter, OUR_IP, OUR_IP);
	assert_int_equal(env->w.stats.arp.drop_conflict, 1);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, announcement, sizeof(announcement));
	assert_int_equal(env->w.stats.arp.gratuitous_tx, 1);
	assert_int_equal(env->w.arp.used, 0);
	assert_clean(env);

	ws_test_advance_ms(env, 9999);
	input_arp(env, &ws_test_mac, OP_REPLY, &squatter, OUR_IP,
		OUR_IP);
	assert_int_equal(env->w.stats.arp.drop_conflict, 2);
	assert_int_equal(env->n_captured, 0);
	assert_clean(env);

	ws_test_advance_ms(env, 1);
	input_arp(env, &bcast, OP_REQUEST, &squatter, OUR_IP, HOST(3));
	assert_int_equal(env->w.stats.arp.drop_conflict, 3);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, announcement, sizeof(announcement));
	assert_int_equal(env->w.stats.arp.gratuitous_tx, 2);
	assert_clean(env);
}

static void
test_own_announcement_echo_ignored(void **state)
{
	struct ws_test_env *env = *state;

	input_arp(env, &bcast, OP_REQUEST, &ws_test_mac, OUR_IP,
		OUR_IP);
	assert_int_equal(env->w.stats.arp.drop_conflict, 0);
	assert_int_equal(env->w.stats.arp.drop_not_for_us, 1);
	assert_int_equal(env->n_captured, 0);
	assert_clean(env);
}

static void
test_resolve_queues_then_flushes_in_order(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr m9 = mac_of(9);
	static const uint8_t request[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0, 0, 0, 0, 0x02,
		0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4,
		0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x02,
		198, 18, 0, 2,
		0, 0, 0, 0, 0, 0,
		198, 18, 0, 9,
	};

	resolve(env, HOST(9), 1);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, request, sizeof(request));
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	assert_int_equal(env->w.stats.arp.queued, 1);
	ws_test_clear_captured(env);

	/* Within retry_ms: queued, and no second request. */
	ws_test_advance_ms(env, 100);
	resolve(env, HOST(9), 2);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	assert_int_equal(env->w.stats.arp.queued, 2);

	input_arp(env, &ws_test_mac, OP_REPLY, &m9, HOST(9), OUR_IP);
	assert_int_equal(env->n_captured, 2);
	assert_captured_ip(env, 0, &m9, HOST(9), 1);
	assert_captured_ip(env, 1, &m9, HOST(9), 2);
	assert_int_equal(env->w.stats.arp.queue_flushed, 2);
	assert_int_equal(env->w.stats.arp.updated, 1);
	assert_int_equal(env->w.stats.arp.learned, 0);
	ws_test_clear_captured(env);

	/* Resolved: straight out. */
	resolve(env, HOST(9), 3);
	assert_int_equal(env->n_captured, 1);
	assert_captured_ip(env, 0, &m9, HOST(9), 3);
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	assert_clean(env);
}

static void
test_request_from_pending_host_flushes(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr m9 = mac_of(9);

	resolve(env, HOST(9), 1);
	ws_test_clear_captured(env);
	/* Its request for us answers ours: send what waited, then reply. */
	input_arp(env, &bcast, OP_REQUEST, &m9, HOST(9), OUR_IP);
	assert_int_equal(env->n_captured, 2);
	assert_captured_ip(env, 0, &m9, HOST(9), 1);
	assert_captured_arp(env, 1, &m9, OP_REPLY, &m9, HOST(9));
	assert_int_equal(env->w.stats.arp.updated, 1);
	assert_int_equal(env->w.stats.arp.queue_flushed, 1);
	assert_clean(env);
}

static void
test_queue_overflow_drops_oldest(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr m9 = mac_of(9);
	uint16_t id;

	env->cfg.arp.queue_len = 3;
	ws_test_env_reinit(env);
	for (id = 1; id <= 5; id++)
		resolve(env, HOST(9), id);
	assert_int_equal(env->w.stats.arp.queued, 5);
	assert_int_equal(env->w.stats.arp.drop_queue_full, 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	ws_test_clear_captured(env);

	input_arp(env, &ws_test_mac, OP_REPLY, &m9, HOST(9), OUR_IP);
	assert_int_equal(env->n_captured, 3);
	assert_captured_ip(env, 0, &m9, HOST(9), 3);
	assert_captured_ip(env, 1, &m9, HOST(9), 4);
	assert_captured_ip(env, 2, &m9, HOST(9), 5);
	assert_clean(env);
}

static void
test_queue_len_capped(void **state)
{
	struct ws_test_env *env = *state;
	unsigned int id;

	env->cfg.arp.queue_len = 1000;
	ws_test_env_reinit(env);
	for (id = 1; id <= WS_ARP_QUEUE_MAX + 2; id++)
		resolve(env, HOST(9), (uint16_t)id);
	assert_int_equal(env->w.stats.arp.drop_queue_full, 2);
	assert_held_then_freed(env, WS_ARP_QUEUE_MAX);
}

static void
test_retry_then_timeout(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac;

	resolve(env, HOST(9), 1);
	resolve(env, HOST(9), 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	ws_test_clear_captured(env);

	ws_test_advance_ms(env, 500);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);

	ws_test_advance_ms(env, 600);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &bcast, OP_REQUEST, &zero_mac, HOST(9));
	assert_int_equal(env->w.stats.arp.requests_tx, 2);
	ws_test_clear_captured(env);

	ws_test_advance_ms(env, 1000);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &bcast, OP_REQUEST, &zero_mac, HOST(9));
	assert_int_equal(env->w.stats.arp.requests_tx, 3);
	ws_test_clear_captured(env);

	/* Past resolve_timeout_ms: the waiting packets go, no request. */
	ws_test_advance_ms(env, 1000);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.drop_queue_timeout, 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 3);
	assert_int_equal(env->w.arp.used, 0);
	assert_int_equal(lookup(env, HOST(9), &mac), -ENOENT);
	assert_clean(env);

	/* A later packet starts over with a fresh request. */
	resolve(env, HOST(9), 3);
	assert_int_equal(env->n_captured, 1);
	assert_int_equal(env->w.stats.arp.requests_tx, 4);
	assert_held_then_freed(env, 1);
}

static void
test_retry_from_output_path(void **state)
{
	struct ws_test_env *env = *state;

	resolve(env, HOST(9), 1);
	ws_test_advance_ms(env, 999);
	resolve(env, HOST(9), 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	ws_test_advance_ms(env, 1);
	resolve(env, HOST(9), 3);
	assert_int_equal(env->w.stats.arp.requests_tx, 2);
	assert_int_equal(env->n_captured, 2);
	assert_captured_arp(env, 1, &bcast, OP_REQUEST, &zero_mac, HOST(9));
	assert_held_then_freed(env, 3);
}

static void
test_stale_refresh_then_expire(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac;

	ws_test_learn_peer(env);
	resolve(env, PEER_IP, 1);
	assert_int_equal(env->n_captured, 1);
	assert_captured_ip(env, 0, &ws_test_peer_mac, PEER_IP, 1);
	assert_int_equal(env->w.stats.arp.requests_tx, 0);
	ws_test_clear_captured(env);

	/* Still REACHABLE just before reachable_ms. */
	ws_test_advance_ms(env, 29950);
	ws_test_run_timers(env);
	resolve(env, PEER_IP, 2);
	assert_int_equal(env->n_captured, 1);
	assert_int_equal(env->w.stats.arp.refreshes, 0);
	ws_test_clear_captured(env);

	/* STALE: still used, plus one unicast request to confirm it. */
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(lookup(env, PEER_IP, &mac), 0);
	resolve(env, PEER_IP, 3);
	assert_int_equal(env->n_captured, 2);
	assert_captured_arp(env, 0, &ws_test_peer_mac, OP_REQUEST, &zero_mac,
		PEER_IP);
	assert_captured_ip(env, 1, &ws_test_peer_mac, PEER_IP, 3);
	assert_int_equal(env->w.stats.arp.refreshes, 1);
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	ws_test_clear_captured(env);

	resolve(env, PEER_IP, 4);
	assert_int_equal(env->n_captured, 1);
	assert_int_equal(env->w.stats.arp.refreshes, 1);
	ws_test_clear_captured(env);

	/* One request per retry_ms, even for refreshes. */
	ws_test_advance_ms(env, 1000);
	resolve(env, PEER_IP, 5);
	assert_int_equal(env->n_captured, 2);
	assert_int_equal(env->w.stats.arp.refreshes, 2);
	ws_test_clear_captured(env);

	/* No answer: gone reachable_ms + stale_ms after the last one. */
	ws_test_advance_ms(env, 58900);
	ws_test_run_timers(env);
	assert_int_equal(env->w.stats.arp.expired, 0);
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.expired, 1);
	assert_int_equal(lookup(env, PEER_IP, &mac), -ENOENT);
	assert_int_equal(env->w.arp.used, 0);
	assert_clean(env);
}

static void
test_stale_confirmed_by_reply(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	ws_test_advance_ms(env, 30000);
	ws_test_run_timers(env);
	resolve(env, PEER_IP, 1);
	assert_int_equal(env->w.stats.arp.refreshes, 1);
	ws_test_clear_captured(env);

	input_arp(env, &ws_test_mac, OP_REPLY, &ws_test_peer_mac,
		PEER_IP, OUR_IP);
	assert_int_equal(env->w.stats.arp.updated, 1);
	/* REACHABLE again: no request, however long since the last. */
	ws_test_advance_ms(env, 20000);
	ws_test_run_timers(env);
	resolve(env, PEER_IP, 2);
	assert_int_equal(env->n_captured, 1);
	assert_captured_ip(env, 0, &ws_test_peer_mac, PEER_IP, 2);
	assert_int_equal(env->w.stats.arp.refreshes, 1);
	/* And it lives a full reachable_ms + stale_ms from the reply. */
	ws_test_advance_ms(env, 69900);
	ws_test_run_timers(env);
	assert_int_equal(env->w.stats.arp.expired, 0);
	ws_test_advance_ms(env, 100);
	ws_test_run_timers(env);
	assert_int_equal(env->w.stats.arp.expired, 1);
	assert_clean(env);
}

static void
test_cache_full(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac, m11 = mac_of(11), m16 = mac_of(16);
	uint8_t n;

	/* Four slots: one bucket, whatever the hash. */
	env->cfg.arp.cache_entries = 4;
	ws_test_env_reinit(env);
	for (n = 11; n <= 14; n++)
		resolve(env, HOST(n), n);
	assert_int_equal(env->w.stats.arp.requests_tx, 4);
	assert_int_equal(env->w.arp.used, 4);
	ws_test_clear_captured(env);

	/* All four wait for answers: a fifth host finds no room. */
	resolve(env, HOST(15), 15);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.drop_cache_full, 1);
	assert_int_equal(env->w.stats.arp.requests_tx, 4);
	assert_int_equal(env->w.stats.arp.queued, 4);

	/* A request for us is still answered, just not learned. */
	input_arp(env, &bcast, OP_REQUEST, &m16, HOST(16), OUR_IP);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &m16, OP_REPLY, &m16, HOST(16));
	assert_int_equal(env->w.stats.arp.drop_cache_full, 2);
	assert_int_equal(env->w.stats.arp.learned, 0);
	assert_int_equal(lookup(env, HOST(16), &mac), -ENOENT);
	ws_test_clear_captured(env);

	/* Once .11 is resolved it has nothing queued and can be evicted. */
	input_arp(env, &ws_test_mac, OP_REPLY, &m11, HOST(11), OUR_IP);
	assert_int_equal(env->n_captured, 1);
	ws_test_clear_captured(env);
	resolve(env, HOST(15), 15);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &bcast, OP_REQUEST, &zero_mac, HOST(15));
	assert_int_equal(env->w.stats.arp.evicted, 1);
	assert_int_equal(env->w.arp.used, 4);
	assert_int_equal(lookup(env, HOST(11), &mac), -ENOENT);
	assert_held_then_freed(env, 4);
}

static void
test_eviction_takes_least_recently_confirmed(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac, m;
	uint8_t n;

	env->cfg.arp.cache_entries = 4;
	ws_test_env_reinit(env);
	for (n = 11; n <= 14; n++) {
		m = mac_of(n);
		input_arp(env, &ws_test_mac, OP_REPLY, &m, HOST(n),
			OUR_IP);
		ws_test_advance_ms(env, 10);
	}
	/* .11 confirmed again: .12 is now the oldest. */
	m = mac_of(11);
	input_arp(env, &ws_test_mac, OP_REPLY, &m, HOST(11), OUR_IP);
	m = mac_of(15);
	input_arp(env, &ws_test_mac, OP_REPLY, &m, HOST(15), OUR_IP);
	assert_int_equal(env->w.stats.arp.learned, 5);
	assert_int_equal(env->w.stats.arp.evicted, 1);
	assert_int_equal(lookup(env, HOST(12), &mac), -ENOENT);
	assert_int_equal(lookup(env, HOST(11), &mac), 0);
	assert_int_equal(lookup(env, HOST(15), &mac), 0);
	assert_clean(env);
}

static void
test_many_hosts_bounded_table(void **state)
{
	struct ws_test_env *env = *state;
	const unsigned int hosts = 1000;
	struct rte_ether_addr mac, m = mac_of(0);
	unsigned int i, found = 0, calls = 0;
	uint64_t after_one;

	env->iface.netmask = rte_cpu_to_be_32(0xffff0000);
	env->cfg.arp.cache_entries = 4096;
	ws_test_env_reinit(env);
	for (i = 0; i < hosts; i++) {
		m.addr_bytes[4] = (uint8_t)(i >> 8);
		m.addr_bytes[5] = (uint8_t)i;
		input_arp(env, &ws_test_mac, OP_REPLY, &m,
			RTE_IPV4(198u, 18, 1 + i / 250, 1 + i % 250),
			OUR_IP);
	}
	assert_int_equal(env->w.stats.arp.learned, hosts);
	assert_int_equal(env->w.arp.used,
		hosts - env->w.stats.arp.evicted);
	for (i = 0; i < hosts; i++)
		if (lookup(env, RTE_IPV4(198u, 18, 1 + i / 250, 1 + i % 250),
				&mac) == 0)
			found++;
	assert_int_equal(found, env->w.arp.used);

	/* Expiry walks the table a bounded chunk per call. */
	ws_test_advance_ms(env, 90000);
	ws_test_run_timers(env);
	after_one = env->w.stats.arp.expired;
	assert_true(after_one > 0);
	assert_true(after_one < found);
	while (env->w.arp.used > 0 && calls++ < 16)
		ws_test_run_timers(env);
	assert_int_equal(env->w.stats.arp.expired, found);
	assert_true(calls <= 8);
	assert_clean(env);
}

static void
test_broadcast_next_hop(void **state)
{
	struct ws_test_env *env = *state;

	resolve(env, UINT32_MAX, 1);
	resolve(env, HOST(255), 2);
	assert_int_equal(env->n_captured, 2);
	assert_captured_ip(env, 0, &bcast, UINT32_MAX, 1);
	assert_captured_ip(env, 1, &bcast, HOST(255), 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 0);
	assert_int_equal(env->w.arp.used, 0);
	assert_clean(env);
}

static const uint8_t announcement_frame[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0, 0, 0, 0, 0x02,
	0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 6, 4,
	0x00, 0x01,
	0x02, 0, 0, 0, 0, 0x02,
	198, 18, 0, 2,
	0, 0, 0, 0, 0, 0,
	198, 18, 0, 2,
};

static void
test_announce_frame(void **state)
{
	struct ws_test_env *env = *state;

	ws_arp_announce(&env->w);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, announcement_frame,
		sizeof(announcement_frame));
	assert_int_equal(env->w.stats.arp.gratuitous_tx, 1);
	ws_test_clear_captured(env);

	/* Without 'gratuitous' there is no second one. */
	ws_test_advance_ms(env, 5000);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	assert_clean(env);
}

static void
test_second_announcement(void **state)
{
	struct ws_test_env *env = *state;

	env->cfg.arp.gratuitous = true;
	ws_test_env_reinit(env);
	ws_arp_announce(&env->w);
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	ws_test_clear_captured(env);

	ws_test_advance_ms(env, 1999);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 1);
	ws_test_assert_frame(env, 0, announcement_frame,
		sizeof(announcement_frame));
	assert_int_equal(env->w.stats.arp.gratuitous_tx, 2);
	ws_test_clear_captured(env);

	ws_test_advance_ms(env, 10000);
	ws_test_run_timers(env);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.gratuitous_tx, 2);
	assert_clean(env);
}

static void
test_no_mbuf_for_request(void **state)
{
	struct ws_test_env *env = *state;
	static struct rte_mbuf *hoard[4096];
	struct rte_mbuf *pkt1, *pkt2;
	unsigned int n = 0, i;

	pkt1 = ip_packet(env, HOST(9), 1, NULL, NULL);
	pkt2 = ip_packet(env, HOST(9), 2, NULL, NULL);
	while (n < RTE_DIM(hoard) &&
			(hoard[n] = rte_pktmbuf_alloc(env->pool)) != NULL)
		n++;
	assert_true(n < RTE_DIM(hoard));

	ws_arp_announce(&env->w);
	ws_arp_resolve_output(&env->w, pkt1, rte_cpu_to_be_32(HOST(9)));
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 0);
	assert_int_equal(env->w.stats.arp.drop_nombuf, 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 0);
	assert_int_equal(env->w.stats.arp.gratuitous_tx, 0);
	assert_int_equal(env->w.stats.arp.queued, 1);

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(hoard[i]);
	/* The failed request does not count against retry_ms. */
	ws_arp_resolve_output(&env->w, pkt2, rte_cpu_to_be_32(HOST(9)));
	ws_tx_flush(&env->w);
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &bcast, OP_REQUEST, &zero_mac, HOST(9));
	assert_int_equal(env->w.stats.arp.requests_tx, 1);
	assert_held_then_freed(env, 2);
}

static void
test_timer_idle_until_due(void **state)
{
	struct ws_test_env *env = *state;

	ws_test_learn_peer(env);
	/* Far past every limit, but the clock has not reached next_scan. */
	ws_test_advance_ms(env, 200000);
	env->w.arp.next_scan = env->w.now + 1;
	ws_test_run_timers(env);
	assert_int_equal(env->w.stats.arp.expired, 0);
	ws_test_advance_ms(env, 1);
	ws_test_run_timers(env);
	assert_int_equal(env->w.stats.arp.expired, 1);
	assert_clean(env);
}

/*
 * arp.static: PERMANENT entries from the start. Traffic goes out at once
 * with no request; an ARP claiming another MAC, aging far past
 * reachable_ms + stale_ms, and a cache full of other hosts leave them alone.
 */
static void
test_static_entries(void **state)
{
	struct ws_test_env *env = *state;
	struct rte_ether_addr mac, m7 = mac_of(7), m9 = mac_of(9),
		other = mac_of(99);
	uint8_t n;

	env->cfg.arp.cache_entries = 16;
	env->cfg.arp.n_static = 2;
	env->cfg.arp.statics[0].addr = rte_cpu_to_be_32(HOST(7));
	env->cfg.arp.statics[0].mac = m7;
	env->cfg.arp.statics[1].addr = rte_cpu_to_be_32(HOST(9));
	env->cfg.arp.statics[1].mac = m9;
	ws_test_env_reinit(env);
	assert_int_equal(env->w.arp.used, 2);
	assert_int_equal(lookup(env, HOST(7), &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &m7));

	resolve(env, HOST(7), 1);
	resolve(env, HOST(9), 2);
	assert_int_equal(env->n_captured, 2);
	assert_captured_ip(env, 0, &m7, HOST(7), 1);
	assert_captured_ip(env, 1, &m9, HOST(9), 2);
	assert_int_equal(env->w.stats.arp.requests_tx, 0);
	assert_int_equal(env->w.stats.arp.queued, 0);
	ws_test_clear_captured(env);

	/* A reply and a request from it with another MAC change nothing. */
	input_arp(env, &ws_test_mac, OP_REPLY, &other, HOST(7), OUR_IP);
	input_arp(env, &bcast, OP_REQUEST, &other, HOST(7), OUR_IP);
	assert_int_equal(env->w.stats.arp.updated, 0);
	assert_int_equal(env->w.stats.arp.learned, 0);
	/* The request is still answered, to the MAC it came from. */
	assert_int_equal(env->n_captured, 1);
	assert_captured_arp(env, 0, &other, OP_REPLY, &other, HOST(7));
	ws_test_clear_captured(env);
	assert_int_equal(lookup(env, HOST(7), &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &m7));

	/* Other hosts fill the cache and evict each other, never these. */
	for (n = 20; n < 60; n++) {
		struct rte_ether_addr mn = mac_of(n);

		input_arp(env, &ws_test_mac, OP_REPLY, &mn, HOST(n), OUR_IP);
	}
	assert_true(env->w.stats.arp.evicted > 0);
	/* Past reachable_ms + stale_ms: the learned ones expire. */
	for (n = 0; n < 20; n++) {
		ws_test_advance_ms(env, 10000);
		ws_test_run_timers(env);
	}
	assert_true(env->w.stats.arp.expired > 0);
	assert_int_equal(env->w.arp.used, 2);
	resolve(env, HOST(9), 3);
	assert_int_equal(env->n_captured, 1);
	assert_captured_ip(env, 0, &m9, HOST(9), 3);
	assert_int_equal(env->w.stats.arp.requests_tx, 0);
	assert_clean(env);
}

#define ARP_TEST(fn) cmocka_unit_test_setup_teardown(fn, arp_setup, \
	ws_test_teardown)

static const struct CMUnitTest tests[] = {
	ARP_TEST(test_request_for_us_replied),
	ARP_TEST(test_unicast_request_replied),
	ARP_TEST(test_request_for_other_ignored),
	ARP_TEST(test_requests_for_each_of_our_addresses),
	ARP_TEST(test_reply_to_us_learned),
	ARP_TEST(test_gratuitous_unknown_not_learned),
	ARP_TEST(test_gratuitous_known_updated),
	ARP_TEST(test_malformed_dropped),
	ARP_TEST(test_probe_answered_not_learned),
	ARP_TEST(test_conflict_defended_once_per_10s),
	ARP_TEST(test_own_announcement_echo_ignored),
	ARP_TEST(test_resolve_queues_then_flushes_in_order),
	ARP_TEST(test_request_from_pending_host_flushes),
	ARP_TEST(test_queue_overflow_drops_oldest),
	ARP_TEST(test_queue_len_capped),
	ARP_TEST(test_retry_then_timeout),
	ARP_TEST(test_retry_from_output_path),
	ARP_TEST(test_stale_refresh_then_expire),
	ARP_TEST(test_stale_confirmed_by_reply),
	ARP_TEST(test_cache_full),
	ARP_TEST(test_eviction_takes_least_recently_confirmed),
	ARP_TEST(test_many_hosts_bounded_table),
	ARP_TEST(test_broadcast_next_hop),
	ARP_TEST(test_announce_frame),
	ARP_TEST(test_second_announcement),
	ARP_TEST(test_no_mbuf_for_request),
	ARP_TEST(test_timer_idle_until_due),
	ARP_TEST(test_static_entries),
};

WS_TEST_MAIN(tests)
