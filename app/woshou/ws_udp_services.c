/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * UDP echo (RFC 862) and discard (RFC 863). The only state is a counter
 * per worker lcore, found with rte_lcore_id() in the callbacks.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "woshou.h"
#include "ws_udp_api.h"
#include "ws_udp_services.h"

struct udp_svc_lcore {
	uint64_t echo_loops_refused;
} __rte_cache_aligned;

struct ws_udp_services {
	uint16_t echo_port;
	struct udp_svc_lcore lcore[RTE_MAX_LCORE];
};

/*
 * Services that answer any datagram (RFC 862 echo, RFC 867 daytime,
 * RFC 865 quote of the day, RFC 864 chargen, RFC 868 time): a reply to
 * one of them is answered again, and so on.
 */
static bool
echo_source_loops(const struct ws_udp_services *svc, uint16_t src_port)
{
	switch (src_port) {
	case 7:
	case 13:
	case 17:
	case 19:
	case 37:
		return true;
	default:
		return src_port == svc->echo_port;
	}
}

static void
echo_datagram(struct ws_udp_sock *s, struct rte_mbuf *m, uint32_t src_addr,
		uint16_t src_port)
{
	struct ws_udp_services *svc = ws_udp_arg(s);
	unsigned int lcore = rte_lcore_id();

	if (echo_source_loops(svc, src_port)) {
		if (lcore < RTE_MAX_LCORE)
			svc->lcore[lcore].echo_loops_refused++;
		rte_pktmbuf_free(m);
		return;
	}
	/* Failures are counted by UDP (drop_nombuf, ...). */
	ws_udp_send_mbuf(s, src_addr, src_port, m);
}

static void
discard_datagram(struct ws_udp_sock *s, struct rte_mbuf *m,
		uint32_t src_addr, uint16_t src_port)
{
	RTE_SET_USED(s);
	RTE_SET_USED(src_addr);
	RTE_SET_USED(src_port);
	rte_pktmbuf_free(m);
}

static const struct ws_udp_ops echo_ops = { .datagram = echo_datagram };
static const struct ws_udp_ops discard_ops = { .datagram = discard_datagram };

static int
bind_on(struct ws_stack *s, const char *name, uint16_t port,
		const struct ws_udp_ops *ops, void *arg)
{
	int ret;

	if (port == 0)
		return 0;
	ret = ws_udp_bind_all(s, port, ops, arg);
	if (ret < 0)
		fprintf(stderr, "woshou: cannot bind UDP %s on port %u: %s\n",
			name, port, strerror(-ret));
	return ret;
}

struct ws_udp_services *
ws_udp_services_start(struct ws_stack *s, const struct ws_services_config *sc)
{
	struct ws_udp_services *svc;
	int ret;

	svc = rte_zmalloc("ws_udp_services", sizeof(*svc),
		RTE_CACHE_LINE_SIZE);
	if (svc == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	svc->echo_port = sc->echo_port;
	/*
	 * Discard's sockets keep no pointer to svc, and a failed
	 * ws_udp_bind_all leaves none bound: nothing points to svc once
	 * it is freed.
	 */
	ret = bind_on(s, "discard", sc->discard_port, &discard_ops, NULL);
	if (ret == 0)
		ret = bind_on(s, "echo", sc->echo_port, &echo_ops, svc);
	if (ret < 0) {
		rte_free(svc);
		rte_errno = -ret;
		return NULL;
	}
	return svc;
}

void
ws_udp_services_print(FILE *f, const struct ws_udp_services *svc,
		const char *indent)
{
	uint64_t refused = 0;
	unsigned int i;

	if (svc == NULL)
		return;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		refused += svc->lcore[i].echo_loops_refused;
	if (refused != 0)
		fprintf(f, "%sservices.udp_echo_loops_refused %" PRIu64 "\n",
			indent, refused);
}

void
ws_udp_services_free(struct ws_udp_services *svc)
{
	rte_free(svc);
}
