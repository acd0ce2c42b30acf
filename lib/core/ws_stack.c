/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <numa.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "woshou.h"
#include "ws_control.h"
#include "ws_log.h"
#include "ws_steer.h"
#include "ws_telemetry.h"
#include "ws_worker.h"

/* Mbufs for fragmentation: one per fragment in flight, per worker. */
#define WS_INDIRECT_MBUFS 1023
#define WS_POOL_CACHE WS_MBUF_CACHE

struct ws_stack {
	struct ws_config cfg;
	struct ws_iface iface;
	uint16_t port_id;
	int socket;
	bool port_configured;
	bool port_started;
	bool workers_running;
	volatile sig_atomic_t drain_abort;	/* ws_stack_drain_abort() */
	unsigned int n_workers;
	struct ws_worker *workers[WS_MAX_WORKERS];
	struct rte_mempool *pools[WS_MAX_WORKERS];
	struct rte_mempool *rx_pools[WS_MAX_WORKERS];
	struct ws_mbuf_plan mbuf_plan;
	struct rte_mempool *indirect_pools[WS_MAX_WORKERS];
	struct ws_control *ctl;
	bool telemetry;			/* our commands answer for this stack */
	bool rss_wanted;		/* port configured for RSS: program it */
	unsigned int rss_key_len, reta_size;
	uint8_t rss_key[WS_STEER_KEY_MAX];
	struct ws_steer steer;		/* shared by the workers */
};

/* What we ask RSS to hash: TCP and UDP by ports, the rest by address. */
#define WS_RSS_HF (RTE_ETH_RSS_NONFRAG_IPV4_TCP | \
	RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV4_OTHER | \
	RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4)

static int
find_port(const struct ws_config *cfg, uint16_t *port_id)
{
	uint16_t pid;

	if (cfg->port.device[0] != '\0') {
		if (rte_eth_dev_get_port_by_name(cfg->port.device, port_id) != 0) {
			WS_LOG(ERR, stack, "no port named '%s' (check [eal] vdev/allow)",
				cfg->port.device);
			return -ENODEV;
		}
		return 0;
	}
	RTE_ETH_FOREACH_DEV(pid) {
		*port_id = pid;
		return 0;
	}
	WS_LOG(ERR, stack, "no DPDK port found (check [eal] vdev/allow)");
	return -ENODEV;
}

/* Warn when a worker's core sits on another NUMA node than the port. */
static void
check_numa(const struct ws_stack *s)
{
	unsigned int i;
	int node;

	if (numa_available() < 0 || s->socket == SOCKET_ID_ANY)
		return;
	for (i = 0; i < s->n_workers; i++) {
		node = numa_node_of_cpu(rte_lcore_to_cpu_id(
			s->cfg.workers.lcores[i]));
		if (node >= 0 && node != s->socket)
			WS_LOG(WARNING, stack, "worker lcore %u is on NUMA node %d, "
				"port %u on %d: every packet crosses nodes",
				s->cfg.workers.lcores[i], node, s->port_id,
				s->socket);
	}
}

/*
 * Two pools of direct mbufs per worker. The port refills its receive
 * descriptors from the receive pool only, and the stack builds what it
 * sends (send buffers, segments) from the other: with one pool, clients
 * that fill every send buffer and never read emptied it, and the worker
 * could then receive nothing, not even the RSTs that would have freed
 * the memory. A reserve counted inside one shared pool would do the same
 * only if every allocation site honoured it; separate pools make it true
 * by construction, and the NIC never competes with the stack. Received
 * data held past a burst stays within the receive pool's floor
 * (ws_rx_hold_ok), send buffers within a budget (tcp.sndbuf_worker_mbufs).
 */
static int
create_pools(struct ws_stack *s)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t frame = s->cfg.port.mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	uint16_t data_room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
		frame + RTE_PKTMBUF_HEADROOM);
	unsigned int i;

	ws_config_mbufs(&s->cfg, &s->mbuf_plan);
	for (i = 0; i < s->n_workers; i++) {
		snprintf(name, sizeof(name), "ws_rx_%u_%u", s->port_id, i);
		s->rx_pools[i] = rte_pktmbuf_pool_create(name,
			s->mbuf_plan.rx_pool, WS_POOL_CACHE, 0, data_room,
			s->socket);
		if (s->rx_pools[i] == NULL) {
			WS_LOG(ERR, stack, "receive mbuf pool of %u on socket "
				"%d: %s", s->mbuf_plan.rx_pool, s->socket,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
		/* Named by port, so several stacks can share one process. */
		snprintf(name, sizeof(name), "ws_pkt_%u_%u", s->port_id, i);
		s->pools[i] = rte_pktmbuf_pool_create(name, s->cfg.port.mbufs,
			WS_POOL_CACHE, 0, data_room, s->socket);
		if (s->pools[i] == NULL) {
			WS_LOG(ERR, stack, "mbuf pool of %u on socket %d: %s",
				s->cfg.port.mbufs, s->socket,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
		snprintf(name, sizeof(name), "ws_ind_%u_%u", s->port_id, i);
		s->indirect_pools[i] = rte_pktmbuf_pool_create(name,
			WS_INDIRECT_MBUFS, 32, 0, 0, s->socket);
		if (s->indirect_pools[i] == NULL) {
			WS_LOG(ERR, stack, "indirect mbuf pool: %s",
				rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	return 0;
}

static int
configure_port(struct ws_stack *s)
{
	const struct ws_port_config *pc = &s->cfg.port;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	struct ws_offload *off = &s->iface.offload;
	uint16_t nq = s->n_workers, rxd = pc->rx_desc, txd = pc->tx_desc, q;
	bool promiscuous = pc->promiscuous;
	int ret;

	ret = rte_eth_dev_info_get(s->port_id, &info);
	if (ret != 0) {
		WS_LOG(ERR, stack, "port %u: device info: %s", s->port_id,
			rte_strerror(-ret));
		return ret;
	}
	if (nq > info.max_rx_queues || nq > info.max_tx_queues) {
		WS_LOG(ERR, stack, "port %u (%s) has %u rx / %u tx queues, "
			"%u workers need one each", s->port_id, info.driver_name,
			info.max_rx_queues, info.max_tx_queues, nq);
		return -EINVAL;
	}
	if (pc->mtu > info.max_mtu || pc->mtu < info.min_mtu) {
		WS_LOG(ERR, stack, "port %u (%s): mtu %u outside %u..%u", s->port_id,
			info.driver_name, pc->mtu, info.min_mtu, info.max_mtu);
		return -EINVAL;
	}

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = pc->mtu;
	/*
	 * RSS only where the port hashes TCP with a key we choose and a
	 * table we write; anything else is steered in software.
	 */
	s->rss_key_len = 40;
	s->reta_size = WS_STEER_RETA_SOFT;
	if (nq > 1 && pc->rss &&
			(info.flow_type_rss_offloads &
			 RTE_ETH_RSS_NONFRAG_IPV4_TCP) != 0 &&
			info.reta_size > 0 &&
			info.reta_size <= WS_STEER_RETA_MAX &&
			info.hash_key_size >= 16 &&
			info.hash_key_size <= WS_STEER_KEY_MAX) {
		s->rss_wanted = true;
		s->rss_key_len = info.hash_key_size & ~1u;
		s->reta_size = info.reta_size;
		ws_steer_symmetric_key(s->rss_key, s->rss_key_len);
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = s->rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = (uint8_t)s->rss_key_len;
		conf.rx_adv_conf.rss_conf.rss_hf = WS_RSS_HF &
			info.flow_type_rss_offloads;
	}
	/* Checksums the port can do, it does; the rest is software. */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		off->rx_ip_cksum = true;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		off->tx_ip_cksum = true;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		off->tx_udp_cksum = true;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		off->tx_tcp_cksum = true;
	}
	/* Fragments and reassembled datagrams are mbuf chains. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	else
		WS_LOG(WARNING, stack, "port %u (%s) cannot send mbuf chains: "
			"IP fragments will be dropped", s->port_id,
			info.driver_name);

	ret = rte_eth_dev_configure(s->port_id, nq, nq, &conf);
	if (ret != 0 && s->rss_wanted) {
		WS_LOG(NOTICE, stack, "port %u (%s) refused RSS (%s): steering in "
			"software", s->port_id, info.driver_name,
			rte_strerror(-ret));
		s->rss_wanted = false;
		s->rss_key_len = 40;
		s->reta_size = WS_STEER_RETA_SOFT;
		memset(&conf.rx_adv_conf, 0, sizeof(conf.rx_adv_conf));
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
		ret = rte_eth_dev_configure(s->port_id, nq, nq, &conf);
	}
	if (ret != 0) {
		WS_LOG(ERR, stack, "port %u: configure: %s", s->port_id,
			rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(s->port_id, &rxd, &txd);
	if (ret != 0)
		return ret;

	rxconf = info.default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (q = 0; q < nq; q++) {
		ret = rte_eth_rx_queue_setup(s->port_id, q, rxd, s->socket,
			&rxconf, s->rx_pools[q]);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(s->port_id, q, txd,
				s->socket, &txconf);
		if (ret != 0) {
			WS_LOG(ERR, stack, "port %u: queue %u setup: %s", s->port_id,
				q, rte_strerror(-ret));
			return ret;
		}
	}

	ret = rte_eth_macaddr_get(s->port_id, &s->iface.mac);
	if (ret != 0)
		return ret;
	if (pc->mac_set) {
		ret = rte_eth_dev_default_mac_addr_set(s->port_id,
			(struct rte_ether_addr *)(uintptr_t)&pc->mac);
		if (ret == -ENOTSUP) {
			/*
			 * Virtual ports (net_ring, net_null) keep their own
			 * address: answer on the configured one in software
			 * and let the port deliver every frame to us.
			 */
			WS_LOG(NOTICE, stack, "port %u cannot change its MAC; using %02X:%02X:%02X:%02X:%02X:%02X in software",
				s->port_id, RTE_ETHER_ADDR_BYTES(&pc->mac));
			promiscuous = true;
		} else if (ret != 0) {
			WS_LOG(ERR, stack, "port %u: cannot set MAC: %s", s->port_id,
				rte_strerror(-ret));
			return ret;
		}
		s->iface.mac = pc->mac;
	}
	if (promiscuous) {
		ret = rte_eth_promiscuous_enable(s->port_id);
		if (ret != 0)
			WS_LOG(WARNING, stack, "port %u: promiscuous mode: %s",
				s->port_id, rte_strerror(-ret));
	}
	WS_LOG(INFO, stack, "port %u (%s): %u queue(s), mtu %u, offloads rx-ip:%d "
		"tx-ip:%d tx-udp:%d tx-tcp:%d", s->port_id, info.driver_name,
		nq, pc->mtu, off->rx_ip_cksum, off->tx_ip_cksum,
		off->tx_udp_cksum, off->tx_tcp_cksum);
	return 0;
}

static uint32_t
prefix_to_mask(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

struct ws_stack *
ws_stack_create(const struct ws_config *cfg)
{
	char name[16];
	struct ws_stack *s;
	struct ws_clock clock;
	unsigned int i;
	int ret;

	/* The EAL has applied --log-level by now. */
	ws_log_refresh();

	if (cfg->workers.count == 0 || cfg->workers.count > WS_MAX_WORKERS) {
		rte_errno = EINVAL;
		return NULL;
	}
	s = rte_zmalloc("ws_stack", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->cfg = *cfg;
	s->n_workers = cfg->workers.count;

	ret = find_port(cfg, &s->port_id);
	if (ret < 0)
		goto fail;
	s->socket = rte_eth_dev_socket_id(s->port_id);
	if (s->socket < 0)
		s->socket = (int)rte_socket_id();
	check_numa(s);

	ws_iface_set_addrs(&s->iface, cfg->ip.addr, cfg->ip.addr_count);
	s->iface.netmask = prefix_to_mask(cfg->ip.prefix_len);
	s->iface.gateway = cfg->ip.gateway;
	s->iface.mtu = cfg->port.mtu;

	ret = create_pools(s);
	if (ret < 0)
		goto fail;
	s->port_configured = true;
	ret = configure_port(s);
	if (ret < 0)
		goto fail;

	snprintf(name, sizeof(name), "%u", s->port_id);
	ret = ws_steer_init(&s->steer, s->n_workers, s->rss_key_len,
		s->reta_size, cfg->workers.handoff_ring, s->socket, name);
	if (ret < 0) {
		WS_LOG(ERR, stack, "steering between %u workers: %s", s->n_workers,
			rte_strerror(-ret));
		goto fail;
	}

	ws_clock_init_tsc(&clock);
	for (i = 0; i < s->n_workers; i++) {
		s->workers[i] = rte_zmalloc_socket("ws_worker",
			sizeof(struct ws_worker), RTE_CACHE_LINE_SIZE, s->socket);
		if (s->workers[i] == NULL) {
			ret = -ENOMEM;
			goto fail;
		}
		ret = ws_worker_init(s->workers[i], i, &s->cfg, &s->iface,
			s->pools[i], s->indirect_pools[i], &clock,
			s->n_workers > 1 ? &s->steer : NULL, s->socket);
		if (ret < 0) {
			rte_free(s->workers[i]);
			s->workers[i] = NULL;
			goto fail;
		}
		s->workers[i]->port_id = s->port_id;
		s->workers[i]->queue_id = i;
		s->workers[i]->rx_pool = s->rx_pools[i];
		s->workers[i]->rx_floor = s->mbuf_plan.rx_floor;
		/* The default ops keep free mbufs in a ring: count that. */
		if (strncmp(rte_mempool_get_ops(s->rx_pools[i]->ops_index)->name,
				"ring", 4) == 0)
			s->workers[i]->rx_ring = s->rx_pools[i]->pool_data;
	}
	s->ctl = ws_control_create(s);
	if (s->ctl == NULL) {
		ret = -rte_errno;
		goto fail;
	}
	if (cfg->control.telemetry) {
		ret = ws_telemetry_attach(s);
		if (ret == 0) {
			s->telemetry = true;
		} else if (ret != -EBUSY) {
			WS_LOG(ERR, control, "telemetry commands: %s",
				rte_strerror(-ret));
			goto fail;
		}
	}
	return s;

fail:
	ws_stack_destroy(s);
	rte_errno = -ret;
	return NULL;
}

static int
worker_main(void *arg)
{
	struct ws_worker *w = arg;

	if (w->index == 0 && w->cfg->arp.gratuitous) {
		w->now = ws_clock_read(&w->clock);
		ws_arp_announce(w);
		ws_tx_flush(w);
	}
	return ws_worker_loop(w);
}

/*
 * Write our table into the port, so its choice of queue is the one the
 * stack computes. Until it is written the port's own default spreads
 * flows; the software check catches what lands wrong either way.
 */
static void
program_reta(struct ws_stack *s)
{
	struct rte_eth_rss_reta_entry64 reta[WS_STEER_RETA_MAX /
		RTE_ETH_RETA_GROUP_SIZE];
	unsigned int i;
	int ret;

	memset(reta, 0, sizeof(reta));
	for (i = 0; i < s->steer.reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
			1ULL << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
			RTE_ETH_RETA_GROUP_SIZE] = s->steer.reta[i];
	}
	ret = rte_eth_dev_rss_reta_update(s->port_id, reta,
		s->steer.reta_size);
	if (ret != 0) {
		WS_LOG(NOTICE, stack, "port %u: cannot write the RSS table (%s): "
			"steering in software", s->port_id,
			rte_strerror(-ret));
		s->steer.hw = false;
		return;
	}
	s->steer.hw = true;
}

static int
start_port(struct ws_stack *s)
{
	int ret;

	ret = rte_eth_dev_start(s->port_id);
	if (ret != 0) {
		WS_LOG(ERR, stack, "port %u: start: %s", s->port_id,
			rte_strerror(-ret));
		return ret;
	}
	s->port_started = true;
	rte_eth_dev_set_link_up(s->port_id);
	if (s->rss_wanted)
		program_reta(s);
	WS_LOG(INFO, stack, "port %u: %u worker(s), steering %s (key 0x6d5a x %u, "
		"table of %u)", s->port_id, s->n_workers,
		s->n_workers == 1 ? "not needed" :
		s->steer.hw ? "by the port's RSS" : "in software",
		s->steer.key_len / 2, s->steer.reta_size);
	ws_control_started(s->ctl);
	return 0;
}

int
ws_stack_start_manual(struct ws_stack *s)
{
	unsigned int i;
	int ret;

	ret = start_port(s);
	if (ret != 0)
		return ret;
	for (i = 0; i < s->n_workers; i++) {
		struct ws_worker *w = s->workers[i];

		w->now = ws_clock_read(&w->clock);
		if (w->index == 0 && w->cfg->arp.gratuitous) {
			ws_arp_announce(w);
			ws_tx_flush(w);
		}
	}
	return 0;
}

int
ws_stack_start(struct ws_stack *s)
{
	unsigned int i;
	int ret;

	for (i = 0; i < s->n_workers; i++) {
		unsigned int lc = s->workers[i]->lcore_id;

		if (!rte_lcore_is_enabled(lc) || lc == rte_get_main_lcore()) {
			WS_LOG(ERR, stack, "worker lcore %u is not an EAL worker lcore",
				lc);
			return -EINVAL;
		}
	}
	ret = start_port(s);
	if (ret != 0)
		return ret;

	for (i = 0; i < s->n_workers; i++) {
		s->workers[i]->stop = false;
		ret = rte_eal_remote_launch(worker_main, s->workers[i],
			s->workers[i]->lcore_id);
		if (ret != 0) {
			WS_LOG(ERR, stack, "launch on lcore %u: %s",
				s->workers[i]->lcore_id, rte_strerror(-ret));
			ws_stack_stop(s);
			return ret;
		}
		s->workers_running = true;
	}
	return 0;
}

void
ws_stack_stop(struct ws_stack *s)
{
	unsigned int i;

	if (s->workers_running) {
		for (i = 0; i < s->n_workers; i++)
			s->workers[i]->stop = true;
		for (i = 0; i < s->n_workers; i++)
			rte_eal_wait_lcore(s->workers[i]->lcore_id);
		s->workers_running = false;
	}
	if (s->port_started) {
		rte_eth_dev_stop(s->port_id);
		s->port_started = false;
	}
}

/* A worker that has not answered a drain this long after drain_ms is stopped. */
#define WS_DRAIN_SLACK_MS 1000

int
ws_stack_drain(struct ws_stack *s, uint32_t drain_ms)
{
	bool manual = s->port_started && !s->workers_running;
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc(), limit;
	struct ws_stats total;
	unsigned int i, done;
	int ret = 0;

	if (!s->workers_running && !manual) {
		ws_stack_stop(s);
		return 0;
	}
	/* Each worker drains its own connections, in its own poll. */
	for (i = 0; i < s->n_workers; i++) {
		s->workers[i]->drain_ms = drain_ms;
		__atomic_store_n(&s->workers[i]->drain_req, true,
			__ATOMIC_RELEASE);
	}
	limit = start + ((uint64_t)drain_ms + WS_DRAIN_SLACK_MS) * hz / 1000;
	for (;;) {
		done = 0;
		for (i = 0; i < s->n_workers; i++) {
			struct ws_worker *w = s->workers[i];

			if (s->drain_abort)
				w->drain_now = true;
			if (manual)
				ws_worker_poll(w);
			done += __atomic_load_n(&w->drain_done,
				__ATOMIC_ACQUIRE);
		}
		if (done == s->n_workers)
			break;
		if (rte_rdtsc() >= limit) {
			WS_LOG(WARNING, stack, "drain: %u of %u worker(s) did not "
				"finish in %u ms: stopping them", s->n_workers - done,
				s->n_workers, drain_ms + WS_DRAIN_SLACK_MS);
			ret = -ETIMEDOUT;
			break;
		}
		if (!manual)
			rte_delay_us_sleep(200);
	}
	ws_stack_stop(s);
	ws_stack_stats(s, -1, &total);
	WS_LOG(INFO, stack, "drained in %" PRIu64 " ms: %" PRIu64 " FIN, %" PRIu64
		" reset, %" PRIu64 " refused (tcp.drain_fin, drain_rst, "
		"drain_refused)", (rte_rdtsc() - start) * 1000 / hz,
		total.tcp.drain_fin, total.tcp.drain_rst,
		total.tcp.drain_refused);
	return ret;
}

void
ws_stack_drain_abort(struct ws_stack *s)
{
	s->drain_abort = 1;
}

void
ws_stack_destroy(struct ws_stack *s)
{
	unsigned int i;

	if (s == NULL)
		return;
	if (s->telemetry) {
		ws_telemetry_detach(s);
		s->telemetry = false;
	}
	ws_stack_stop(s);
	ws_control_free(s->ctl, s);
	s->ctl = NULL;
	for (i = 0; i < s->n_workers; i++) {
		if (s->workers[i] != NULL) {
			ws_worker_fini(s->workers[i]);
			rte_free(s->workers[i]);
		}
	}
	ws_steer_fini(&s->steer);
	if (s->port_configured)
		rte_eth_dev_close(s->port_id);
	for (i = 0; i < s->n_workers; i++) {
		rte_mempool_free(s->pools[i]);
		rte_mempool_free(s->rx_pools[i]);
		rte_mempool_free(s->indirect_pools[i]);
	}
	rte_free(s);
}

struct ws_control *
ws_stack_control(const struct ws_stack *s)
{
	return s->ctl;
}

const struct ws_steer *
ws_stack_steer(const struct ws_stack *s)
{
	return &s->steer;
}

bool
ws_stack_workers_running(const struct ws_stack *s)
{
	return s->workers_running;
}

unsigned int
ws_stack_worker_count(const struct ws_stack *s)
{
	return s->n_workers;
}

struct ws_worker *
ws_stack_worker(const struct ws_stack *s, unsigned int i)
{
	return i < s->n_workers ? s->workers[i] : NULL;
}

int
ws_stack_stats(const struct ws_stack *s, int worker, struct ws_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (worker >= (int)s->n_workers)
		return -EINVAL;
	for (i = 0; i < s->n_workers; i++)
		if (worker < 0 || (unsigned int)worker == i)
			ws_stats_add(out, &s->workers[i]->stats);
	return 0;
}

void
ws_stack_mac(const struct ws_stack *s, struct rte_ether_addr *mac)
{
	*mac = s->iface.mac;
}

uint16_t
ws_stack_port(const struct ws_stack *s)
{
	return s->port_id;
}

const struct ws_config *
ws_stack_config(const struct ws_stack *s)
{
	return &s->cfg;
}
