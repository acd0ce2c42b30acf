/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_prefetch.h>

#include "woshou.h"
#include "ws_eth.h"
#include "ws_ipv4.h"
#include "ws_resolver.h"
#include "ws_steer.h"
#include "ws_tcp.h"
#include "ws_udp.h"
#include "ws_worker.h"

/* Empty polls in a row before an idle worker may sleep. */
#define WS_IDLE_POLLS 100

static uint16_t
port_tx(struct ws_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_tx_burst(w->port_id, w->queue_id, pkts, n);
}

int
ws_worker_init(struct ws_worker *w, unsigned int index,
		const struct ws_config *cfg, const struct ws_iface *iface,
		struct rte_mempool *pool, struct rte_mempool *indirect_pool,
		const struct ws_clock *clock, struct ws_steer *steer, int socket)
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->index = index;
	/* Before the modules: what they bind is claimed for this worker. */
	w->steer = steer;
	w->lcore_id = cfg->workers.count > index ?
		cfg->workers.lcores[index] : 0;
	w->port_id = WS_PORT_NONE;
	w->queue_id = index;
	w->cfg = cfg;
	w->iface = iface;
	w->pool = pool;
	w->indirect_pool = indirect_pool;
	w->rx_pool = pool;
	w->clock = *clock;
	w->tx_fn = port_tx;
	w->tx_hold = (uint64_t)cfg->workers.tx_hold_us * clock->hz / 1000000;
	if (cfg->workers.tx_hold_us != 0 && w->tx_hold == 0)
		w->tx_hold = 1;
	w->now = ws_clock_read(&w->clock);

	ret = ws_arp_init(w, socket);
	if (ret < 0)
		return ret;
	ret = ws_ipv4_init(w, socket);
	if (ret < 0) {
		ws_arp_fini(w);
		return ret;
	}
	ws_icmp_init(w);
	ret = ws_tcp_init(w, socket);
	if (ret < 0)
		goto fail_tcp;
	ret = ws_udp_init(w, socket);
	if (ret < 0)
		goto fail_udp;
	ret = ws_resolver_init(w, socket);
	if (ret < 0)
		goto fail_resolver;
	return 0;

fail_resolver:
	ws_udp_fini(w);
fail_udp:
	ws_tcp_fini(w);
fail_tcp:
	ws_ipv4_fini(w);
	ws_arp_fini(w);
	return ret;
}

void
ws_worker_fini(struct ws_worker *w)
{
	uint16_t i;

	/* The port may be stopped: what TCP queues while closing is dropped. */
	ws_resolver_fini(w);
	ws_tcp_fini(w);
	ws_udp_fini(w);
	for (i = 0; i < WS_MAX_WORKERS; i++) {
		while (w->ho_n[i] > 0)
			rte_pktmbuf_free(w->ho_pkts[i][--w->ho_n[i]]);
	}
	w->ho_pending = 0;
	for (i = 0; i < w->tx_n; i++)
		rte_pktmbuf_free(w->tx_pkts[i]);
	w->tx_n = 0;
	ws_ipv4_fini(w);
	ws_arp_fini(w);
}

void
ws_tx_flush(struct ws_worker *w)
{
	uint16_t n = w->tx_n, sent, i;
	uint64_t bytes = 0;

	if (n == 0)
		return;
	w->tx_n = 0;
	for (i = 0; i < n; i++)
		bytes += w->tx_pkts[i]->pkt_len;
	sent = w->tx_fn(w, w->tx_pkts, n);
	for (i = sent; i < n; i++) {
		bytes -= w->tx_pkts[i]->pkt_len;
		rte_pktmbuf_free(w->tx_pkts[i]);
	}
	w->stats.loop.tx_pkts += sent;
	w->stats.loop.tx_bytes += bytes;
	w->stats.loop.tx_drop_full += n - sent;
}

void
ws_tx_flush_due(struct ws_worker *w)
{
	if (w->tx_n == 0)
		return;
	/* Unsigned: a clock that went back (a test's) flushes at once. */
	if (w->tx_hold == 0 || w->tx_n >= WS_BURST ||
			w->now - w->tx_since >= w->tx_hold)
		ws_tx_flush(w);
}

void
ws_tx(struct ws_worker *w, struct rte_mbuf *m)
{
	if (unlikely(w->tx_n == WS_BURST))
		ws_tx_flush(w);
	if (w->tx_n == 0)
		w->tx_since = w->now;
	w->tx_pkts[w->tx_n++] = m;
}

void
ws_worker_input(struct ws_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n && i < 2; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + 2 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		w->stats.loop.rx_pkts++;
		w->stats.loop.rx_bytes += pkts[i]->pkt_len;
		ws_eth_input(w, pkts[i]);
	}
	/* One ACK per connection for the whole burst (RFC 9293 MUST-58). */
	ws_tcp_flush(w);
	ws_tx_flush_due(w);
	if (w->ho_pending != 0)
		ws_steer_flush(w);
}

void
ws_worker_timers(struct ws_worker *w)
{
	ws_arp_timer(w);
	ws_ipv4_timer(w);
	ws_tcp_timer(w);
	ws_resolver_timer(w);
}

void
ws_worker_publish(struct ws_worker *w, uint32_t req)
{
	uint32_t want = __atomic_load_n(&w->pub_want, __ATOMIC_RELAXED);
	struct ws_loop_stats *ls = &w->stats.loop;
	uint32_t budget = 0;

	/* Gauges, read here: once per snapshot, not per packet. */
	ls->tx_mbufs = w->pool->size;
	ls->tx_mbufs_in_use = rte_mempool_in_use_count(w->pool);
	if (w->rx_pool != w->pool) {
		ls->rx_mbufs = w->rx_pool->size;
		ls->rx_mbufs_in_use = rte_mempool_in_use_count(w->rx_pool);
	}
	if (w->tcp != NULL)
		ls->sndbuf_mbufs = ws_tcp_sndbuf_mbufs(w, &budget);
	ls->sndbuf_budget = budget;
	w->pub_stats = w->stats;
	/* A handful at most: always copied, so floods show without asking. */
	w->pub_listener_n = ws_tcp_dump_listeners(w, w->pub_listeners,
		RTE_DIM(w->pub_listeners));
	w->pub_conn_n = 0;
	w->pub_conn_truncated = false;
	if ((want & WS_SNAP_WANT_CONNS) != 0 && w->pub_conns != NULL)
		w->pub_conn_n = ws_tcp_dump(w, w->pub_conns, w->pub_conn_cap,
			&w->pub_conn_truncated);
	w->pub_neigh_n = 0;
	if ((want & WS_SNAP_WANT_NEIGH) != 0 && w->pub_neigh != NULL)
		w->pub_neigh_n = ws_arp_dump(w, w->pub_neigh,
			w->pub_neigh_cap);
	__atomic_store_n(&w->pub_ack, req, __ATOMIC_RELEASE);
}

unsigned int
ws_worker_poll(struct ws_worker *w)
{
	struct rte_mbuf *pkts[WS_BURST];
	uint32_t req;
	uint16_t n;

	w->now = ws_clock_read(&w->clock);
	n = rte_eth_rx_burst(w->port_id, w->queue_id, pkts, WS_BURST);
	w->stats.loop.polls++;
	if (n != 0)
		ws_worker_input(w, pkts, n);
	/* What other workers received for connections we own. */
	if (w->steer != NULL)
		n += ws_steer_drain(w);
	if (n == 0)
		w->stats.loop.empty_polls++;
	if (w->poll_hook != NULL)
		w->poll_hook(w, w->poll_arg);
	ws_worker_timers(w);
	if (unlikely(__atomic_load_n(&w->drain_req, __ATOMIC_ACQUIRE)) &&
			w->drain_phase != WS_DRAIN_DONE)
		ws_worker_drain(w);
	ws_tx_flush_due(w);
	if (w->ho_pending != 0)
		ws_steer_flush(w);
	/* Between bursts, so the copy is one consistent instant. */
	req = __atomic_load_n(&w->pub_req, __ATOMIC_ACQUIRE);
	if (unlikely(req != w->pub_ack))
		ws_worker_publish(w, req);
	return n;
}

bool
ws_worker_drain(struct ws_worker *w)
{
	if (w->drain_phase == WS_DRAIN_DONE)
		return true;
	if (w->drain_phase == WS_DRAIN_NONE) {
		w->drain_phase = WS_DRAIN_ACTIVE;
		w->drain_deadline = w->now +
			(uint64_t)w->drain_ms * w->clock.hz / 1000;
		ws_tcp_drain_begin(w, w->drain_ms == 0);
	}
	/* Checked every poll while draining: O(1), the state gauges. */
	if (w->drain_ms != 0 && !w->drain_now &&
			w->now < w->drain_deadline && !ws_tcp_drain_idle(w))
		return false;
	ws_tcp_drain_end(w);
	ws_tx_flush(w);
	w->drain_phase = WS_DRAIN_DONE;
	__atomic_store_n(&w->drain_done, true, __ATOMIC_RELEASE);
	return true;
}

int
ws_worker_loop(void *arg)
{
	struct ws_worker *w = arg;
	uint32_t sleep_us = w->cfg->workers.idle_sleep_us;
	uint64_t rx_wait = (uint64_t)w->cfg->workers.rx_wait_us *
		rte_get_tsc_hz() / 1000000;
	unsigned int n = WS_BURST, idle = 0;
	uint64_t prev, cur, tx, start = 0;

	prev = rte_rdtsc();
	while (!w->stop) {
		/*
		 * Receive batching (rx_wait_us): after a poll that found less
		 * than a burst, the next one starts rx_wait after it, so that
		 * it finds more and its fixed costs (on net_af_xdp the
		 * sendto() of its replies) are shared. The wait is idle time:
		 * the worker does nothing in it. Adds at most rx_wait to the
		 * latency of a packet.
		 */
		if (rx_wait != 0 && n < WS_BURST) {
			cur = prev;
			while (cur - start < rx_wait && !w->stop) {
				rte_pause();
				cur = rte_rdtsc();
			}
			w->stats.loop.idle_cycles += cur - prev;
			prev = cur;
		}
		start = prev;
		tx = w->stats.loop.tx_pkts + w->stats.loop.tx_drop_full;
		n = ws_worker_poll(w);

		/*
		 * A poll is busy if it received or sent packets (a held burst
		 * goes out, with its system call on net_af_xdp, in a poll
		 * that may have received nothing); idle polls are the
		 * headroom.
		 */
		cur = rte_rdtsc();
		if (n != 0 || w->stats.loop.tx_pkts +
				w->stats.loop.tx_drop_full != tx) {
			w->stats.loop.busy_cycles += cur - prev;
			idle = 0;
		} else {
			w->stats.loop.idle_cycles += cur - prev;
			/*
			 * A worker that shares its CPU (a small VM, CI) gives
			 * it back while nothing comes; one with a core of its
			 * own never sleeps (idle_sleep_us = 0).
			 */
			if (sleep_us != 0 && ++idle >= WS_IDLE_POLLS &&
					w->tx_n == 0) {
				rte_delay_us_sleep(sleep_us);
				prev = cur;
				cur = rte_rdtsc();
				w->stats.loop.idle_cycles += cur - prev;
			}
		}
		prev = cur;
	}
	ws_tx_flush(w);
	return 0;
}

int
ws_worker_set_poll_hook(struct ws_worker *w, ws_poll_hook_fn fn, void *arg)
{
	if (w == NULL)
		return -EINVAL;
	w->poll_hook = fn;
	w->poll_arg = arg;
	return 0;
}

int
ws_worker_set_foreign_hook(struct ws_worker *w, ws_foreign_hook_fn fn,
		void *arg)
{
	if (w == NULL)
		return -EINVAL;
	w->foreign_hook = fn;
	w->foreign_arg = arg;
	return 0;
}

unsigned int
ws_worker_index(const struct ws_worker *w)
{
	return w->index;
}

struct rte_mempool *
ws_worker_mempool(const struct ws_worker *w)
{
	return w->pool;
}

uint32_t
ws_worker_addr(const struct ws_worker *w)
{
	return w->iface->addr;
}

uint32_t
ws_worker_addr_count(const struct ws_worker *w)
{
	return w->iface->n_addrs;
}

void
ws_worker_send_ipv4(struct ws_worker *w, struct rte_mbuf *m)
{
	m->l2_len = 0;
	m->l3_len = rte_ipv4_hdr_len(rte_pktmbuf_mtod(m,
		const struct rte_ipv4_hdr *));
	ws_ipv4_output(w, m);
}
