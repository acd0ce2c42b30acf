/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * libwoshou_packetdrill.so: woshou under packetdrill's --so_filename mode
 * (packetdrill_abi.h).
 *
 * One stack on a net_ring port lives inside the library, with one worker
 * that the adapter polls on the caller's thread. Datagrams from
 * packetdrill are wrapped in Ethernet and put on the port's receive ring;
 * frames the stack sends are taken from its transmit ring, ARP requests
 * answered here (any address: the peer and every gateway are "us"), and
 * IPv4 datagrams queued for netdev_receive with the virtual time they left.
 *
 * Time is virtual. The stack's clock is a manual one that only usleep,
 * netdev_receive (while it waits for the stack to send) and blocking
 * calls move forward, in steps of at most one timer-wheel tick (1 ms) with
 * a poll after each, so timers fire on time and a run of a minute of
 * script time takes well under a second.
 *
 * On top of the callback API (ws_tcp_api.h) sits a small socket layer:
 * descriptors, a per-listener accept queue, reads that pull from the
 * stack's receive buffer through ws_tcp_recv_resume() (so unread data
 * closes the window, as in a kernel), writes into the send buffer, and
 * errno values as Linux gives them.
 *
 * packetdrill makes system calls on its main thread, except those a
 * script marks as blocking ("+0...0.1 accept(...)"): they run on a thread
 * of its own while the main thread goes on injecting packets and
 * sleeping. Every entry point takes one lock. A call that has to wait on
 * the main thread moves the clock itself (nobody else can); on the other
 * thread it gives the lock up and leaves the clock to the main thread,
 * which lets it look at the stack before time moves on (sync_waiters,
 * settle_peers).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/sockios.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "packetdrill_abi.h"
#include "woshou.h"
#include "ws_clock.h"
#include "ws_config.h"
#include "ws_tcp_api.h"
#include "ws_worker.h"

#define PD_MAX_FDS 256			/* descriptors 3 .. 258 */
#define PD_FD_BASE 3
#define PD_ACCEPTQ_MAX 128u		/* per listener */
#define PD_MAX_LISTENS 64
#define PD_MAX_EPOLL 64			/* descriptors per epoll set */
#define PD_OUTQ 4096			/* datagrams from the stack, queued */
#define PD_FRAME_MAX 2048u
#define PD_RING 1024
#define PD_MAX_SETS 64
#define PD_IO_MAX (16u << 20)		/* one readv/writev/sendmsg */
/* The longest a blocking call or netdev_receive waits, virtual. */
#define PD_WAIT_DEFAULT_MS 300000
/*
 * A blocking call on a thread other than packetdrill's main one leaves
 * the clock to the main thread, unless nobody at all calls in for this
 * much real time (a script that ends with such a call).
 */
#define PD_QUIET_NS 1000000000
#define PD_MAX_PEERS 8

enum pd_kind {
	PD_TCP = 1,
	PD_EPOLL,
};

struct pd_listen;

struct pd_ep_item {
	int fd;
	uint32_t events;
	uint64_t data;
	uint64_t gen;			/* the socket's, when last reported */
};

struct pd_sock {
	enum pd_kind kind;
	int fd;				/* -1 while in an accept queue */
	bool nonblock;
	/* TCP. */
	uint32_t bind_addr;		/* network order */
	uint16_t bind_port;		/* host order; 0 = not bound */
	bool listening;
	struct pd_listen *lst;
	struct pd_sock *aq[PD_ACCEPTQ_MAX];
	unsigned int aq_n, aq_max;
	struct ws_tcp_conn *conn;	/* NULL before connect / after closed */
	bool connecting;		/* connect() started */
	bool established;		/* reached ESTABLISHED once */
	bool eof;			/* peer's FIN (or the end) */
	bool shut_rd, shut_wr;
	bool dead;			/* 'closed' came */
	int err;			/* pending error (SO_ERROR) */
	uint32_t avail;			/* bytes readable in the stack */
	/* Counts what would wake a kernel's waiters (new data, a new
	 * connection, the peer's FIN, the end, send space): EPOLLET. */
	uint64_t gen;
	uint32_t remote_addr;		/* network order */
	uint16_t remote_port;
	/* A read in progress: the data callback copies into this. */
	uint8_t *rd_buf;
	uint32_t rd_want, rd_got;
	bool rd_peek;
	/* Options. */
	bool nodelay, keepalive, reuseaddr;
	int keepidle, keepintvl, keepcnt;	/* 0 = configured */
	int rcvbuf, sndbuf, maxseg, user_timeout;
	bool linger_on;
	int linger;
	/* epoll. */
	struct pd_ep_item items[PD_MAX_EPOLL];
	unsigned int n_items;
};

/* One woshou listener (they are never removed) and who owns it now. */
struct pd_listen {
	uint16_t port;
	struct pd_sock *owner;
};

struct pd_frame {
	long long t;
	uint16_t len;
	uint8_t data[PD_FRAME_MAX];
};

static struct pd {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool up;
	uint64_t activity;		/* entries so far */
	pid_t main_tid;			/* packetdrill's main thread */
	pid_t peers[PD_MAX_PEERS];	/* the others that called in */
	unsigned int n_peers;
	unsigned int waiters;		/* threads in wait_round() */
	uint64_t rounds;		/* wait_round() calls so far */
	struct ws_stack *s;
	struct ws_worker *w;
	struct rte_ring *rx, *tx;
	struct rte_mempool *pool;
	uint32_t addr;			/* ours, network order */
	struct rte_ether_addr mac, peer_mac;
	/* The clock: vt_us virtual microseconds since start. */
	uint64_t vt_us, ticks, base, ms_ticks;
	unsigned int gtod_streak;
	uint64_t wait_max_us;
	uint64_t recv_waited_us;
	struct pd_frame *outq;
	unsigned int out_head, out_n;
	uint64_t out_dropped;
	struct pd_sock *fds[PD_MAX_FDS];
	struct pd_listen listens[PD_MAX_LISTENS];
	unsigned int n_listens;
	bool verbose;
	bool nodelay;		/* [tcp] nodelay: what a new socket starts with */
} pd = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* ------------------------------------------------------------------ */
/* Clock and wire.                                                     */

static void
set_ticks(void)
{
	/* Whole virtual milliseconds are whole wheel ticks. */
	pd.ticks = pd.base + pd.vt_us / 1000 * pd.ms_ticks +
		pd.vt_us % 1000 * pd.ms_ticks / 1000;
	pd.w->now = pd.ticks;
}

static bool
arp_answer(const uint8_t *f, uint32_t len)
{
	const struct rte_arp_hdr *a;
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *r;
	struct rte_mbuf *m;

	if (len < sizeof(*eh) + sizeof(*a))
		return false;
	a = (const struct rte_arp_hdr *)(f + sizeof(*eh));
	if (a->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
			a->arp_data.arp_tip == pd.addr ||
			a->arp_data.arp_tip == a->arp_data.arp_sip)
		return false;
	m = rte_pktmbuf_alloc(pd.pool);
	if (m == NULL)
		return false;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(*eh) + sizeof(*r));
	eh->dst_addr = pd.mac;
	eh->src_addr = pd.peer_mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	r = (struct rte_arp_hdr *)(eh + 1);
	*r = *a;
	r->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	r->arp_data.arp_sha = pd.peer_mac;
	r->arp_data.arp_sip = a->arp_data.arp_tip;
	r->arp_data.arp_tha = a->arp_data.arp_sha;
	r->arp_data.arp_tip = a->arp_data.arp_sip;
	if (rte_ring_enqueue(pd.rx, m) != 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/* pd.verbose: one line per TCP segment in or out, on stderr. */
static void
trace(const char *dir, const uint8_t *ip, uint32_t len)
{
	uint32_t ihl = (ip[0] & 0xfu) * 4;
	const uint8_t *th = ip + ihl;
	uint32_t tot;

	if (len < 20 || ip[9] != IPPROTO_TCP || len < ihl + 20)
		return;
	tot = (uint32_t)ip[2] << 8 | ip[3];
	fprintf(stderr, "woshou packetdrill: %10.6f %s flags %#04x seq %u "
		"ack %u win %u len %u\n", (double)pd.vt_us / 1e6, dir, th[13],
		(uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
		(uint32_t)th[6] << 8 | th[7],
		(uint32_t)th[8] << 24 | (uint32_t)th[9] << 16 |
		(uint32_t)th[10] << 8 | th[11],
		(uint32_t)th[14] << 8 | th[15],
		tot - ihl - (uint32_t)(th[12] >> 4) * 4);
}

/* Take what the stack sent; returns the ARP answers put on its rx ring. */
static unsigned int
drain_tx(void)
{
	struct rte_mbuf *pkts[32];
	unsigned int n, i, answers = 0;
	uint8_t f[PD_FRAME_MAX + RTE_ETHER_HDR_LEN];

	while ((n = rte_ring_dequeue_burst(pd.tx, (void **)pkts,
			RTE_DIM(pkts), NULL)) != 0) {
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m),
				(uint32_t)sizeof(f));
			const uint8_t *p = rte_pktmbuf_read(m, 0, len, f);
			uint16_t et;

			if (p != f)
				memcpy(f, p, len);
			rte_pktmbuf_free(m);
			if (len < RTE_ETHER_HDR_LEN)
				continue;
			et = rte_be_to_cpu_16(
				((struct rte_ether_hdr *)f)->ether_type);
			if (et == RTE_ETHER_TYPE_ARP) {
				answers += arp_answer(f, len);
			} else if (et == RTE_ETHER_TYPE_IPV4) {
				struct pd_frame *q;

				if (pd.out_n == PD_OUTQ) {
					/* Bounded: drop the oldest. */
					pd.out_head = (pd.out_head + 1) %
						PD_OUTQ;
					pd.out_n--;
					pd.out_dropped++;
				}
				q = &pd.outq[(pd.out_head + pd.out_n++) %
					PD_OUTQ];
				q->t = (long long)pd.vt_us;
				if (pd.verbose)
					trace("out", f + RTE_ETHER_HDR_LEN,
						len - RTE_ETHER_HDR_LEN);
				q->len = (uint16_t)RTE_MIN(len -
					RTE_ETHER_HDR_LEN, PD_FRAME_MAX);
				memcpy(q->data, f + RTE_ETHER_HDR_LEN, q->len);
			}
		}
	}
	return answers;
}

/* Poll until the stack is quiet: its answers to our answers included. */
static void
pump(void)
{
	unsigned int i;

	for (i = 0; i < 64; i++) {
		unsigned int n = ws_worker_poll(pd.w);

		if (drain_tx() == 0 && n == 0)
			break;
	}
}

/*
 * A blocking call on packetdrill's system-call thread waits in
 * wait_round(). Before time moves on, or before netdev_receive reports
 * that the stack sent nothing, that call gets to look at the stack as it
 * is now (and send what an ACK made room for, say): wake it and wait
 * until it has checked and gone back to waiting, or returned. Without
 * this the main thread could win the lock again and again and run the
 * clock ahead of it.
 */
static void
sync_waiters(void)
{
	uint64_t seen = pd.rounds;
	struct timespec ts;

	if (pd.waiters == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;		/* a bound, never expected to matter */
	pd.activity++;		/* the waiter's cue that time moves */
	pthread_cond_broadcast(&pd.cond);
	while (pd.waiters > 0 && pd.rounds == seen)
		if (pthread_cond_timedwait(&pd.cond, &pd.lock, &ts) != 0)
			break;
}

/* Move the clock to 'target', a tick at a time, polling after each. */
static void
advance_to(uint64_t target)
{
	while (pd.vt_us < target) {
		uint64_t next = (pd.vt_us / 1000 + 1) * 1000;

		sync_waiters();

		pd.vt_us = RTE_MIN(next, target);
		set_ticks();
		pump();
	}
}

/* The calling thread's id, cached. */
static pid_t
my_tid(void)
{
	static __thread pid_t tid;

	if (tid == 0)
		tid = (pid_t)syscall(SYS_gettid);
	return tid;
}

/* Threads other than packetdrill's main one that may call in. */
static void
note_peer(pid_t tid)
{
	unsigned int i;

	if (tid == pd.main_tid)
		return;
	for (i = 0; i < pd.n_peers; i++)
		if (pd.peers[i] == tid)
			return;
	if (pd.n_peers < PD_MAX_PEERS)
		pd.peers[pd.n_peers++] = tid;
}

static void
enter(void)
{
	pthread_mutex_lock(&pd.lock);
	pd.activity++;
	pd.gtod_streak = 0;
	note_peer(my_tid());
}

static void
leave(void)
{
	pthread_cond_broadcast(&pd.cond);
	pthread_mutex_unlock(&pd.lock);
}

/* Is one of the other threads running (not asleep), per /proc? */
static bool
peer_running(void)
{
	char path[64], buf[512], *p;
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < pd.n_peers; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
			(int)pd.peers[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;	/* gone */
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p != NULL && p[1] == ' ' && p[2] == 'R')
			return true;
	}
	return false;
}

/*
 * packetdrill runs a call its script marks as blocking ("+0...0.1
 * accept()") on a thread of its own and goes on with the script: that
 * call may not have reached us yet when the main thread asks to move the
 * clock (usleep) or for the stack's next segment (netdev_receive). Before
 * either, wait while another thread is running rather than asleep (in
 * wait_round(), or idle in packetdrill), a bounded real second at most.
 */
static void
settle_peers(void)
{
	struct timespec t0, now, nap = { 0, 20000 };

	if (pd.n_peers == 0 || my_tid() != pd.main_tid)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (peer_running()) {
		pthread_mutex_unlock(&pd.lock);
		nanosleep(&nap, NULL);
		pthread_mutex_lock(&pd.lock);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= 2)
			break;
	}
}

/*
 * One round of a blocking call's wait (lock held). On packetdrill's main
 * thread (a call the script did not mark as blocking) nobody else can
 * drive time: move the clock a tick. On another thread the main thread
 * drives it: wait until something happens, and move it only after
 * PD_QUIET_NS of real time with no call from anyone (packetdrill is not
 * going on, so it waits for this call).
 */
static void
wait_round(void)
{
	uint64_t seen = pd.activity;
	struct timespec ts;

	if (my_tid() == pd.main_tid) {
		advance_to((pd.vt_us / 1000 + 1) * 1000);
		return;
	}
	/* The caller has looked at the stack as it is now: say so. */
	pd.waiters++;
	pd.rounds++;
	pthread_cond_broadcast(&pd.cond);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += PD_QUIET_NS;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	/* Until someone calls in, or the quiet time is up. */
	while (pd.activity == seen && pthread_cond_timedwait(&pd.cond,
			&pd.lock, &ts) == 0)
		;
	pd.waiters--;
	if (pd.activity == seen)
		advance_to((pd.vt_us / 1000 + 1) * 1000);
	else
		pump();
}

/* ------------------------------------------------------------------ */
/* Descriptors.                                                        */

static int
fail(int e)
{
	errno = e;
	return -1;
}

static struct pd_sock *
sock_get(int fd)
{
	if (fd < PD_FD_BASE || fd >= PD_FD_BASE + PD_MAX_FDS)
		return NULL;
	return pd.fds[fd - PD_FD_BASE];
}

static struct pd_sock *
tcp_get(int fd, int *e)
{
	struct pd_sock *s = sock_get(fd);

	if (s == NULL) {
		*e = EBADF;
		return NULL;
	}
	if (s->kind != PD_TCP) {
		*e = ENOTSOCK;
		return NULL;
	}
	return s;
}

static int
fd_alloc(struct pd_sock *s)
{
	unsigned int i;

	for (i = 0; i < PD_MAX_FDS; i++) {
		if (pd.fds[i] == NULL) {
			pd.fds[i] = s;
			s->fd = (int)i + PD_FD_BASE;
			return s->fd;
		}
	}
	return -1;
}

static struct pd_sock *
sock_new(enum pd_kind kind)
{
	struct pd_sock *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->kind = kind;
	s->fd = -1;
	/* As the stack's own connections: TCP_NODELAY from [tcp] nodelay. */
	s->nodelay = pd.nodelay;
	return s;
}

/*
 * The woshou options for a socket's SO_RCVBUF, SO_SNDBUF and TCP_MAXSEG,
 * each within woshou's bounds (ws_tcp_conn_opts), where Linux too clamps
 * silently (to its SOCK_MIN_*BUF and [rw]mem_max):
 *   SO_RCVBUF=N  a receive buffer of N bytes of payload: N is the most
 *                window offered (Linux keeps 2N, about half of it for
 *                data: its window for N is about N);
 *   SO_SNDBUF=N  a send buffer of 2N bytes of payload (Linux's doubled
 *                sk_sndbuf, the skb overhead of full segments aside);
 *   TCP_MAXSEG=M the MSS clamp, at most the MTU's (Linux takes up to
 *                32767 and sends with the least of it and the path's).
 * 0 (never set): the stack's default.
 */
static void
sock_conn_opts(const struct pd_sock *s, struct ws_tcp_conn_opts *o)
{
	const struct ws_config *cfg = ws_stack_config(pd.s);
	uint32_t mtu_mss = pd.w->iface->mtu - 40u;
	uint64_t lo = WS_TCP_BUF_MIN_SEGS * mtu_mss, hi, v;

	memset(o, 0, sizeof(*o));
	if (s->rcvbuf > 0) {
		/* The worker's ceiling (ws_tcp_init: at least rcvbuf). */
		hi = RTE_MAX(cfg->tcp.rcvbuf_max, cfg->tcp.rcvbuf);
		v = RTE_MAX((uint64_t)s->rcvbuf, lo);
		o->rcvbuf = (uint32_t)RTE_MIN(v, hi);
	}
	if (s->sndbuf > 0) {
		hi = RTE_MAX(cfg->tcp.sndbuf_max, cfg->tcp.sndbuf);
		v = RTE_MAX(2 * (uint64_t)s->sndbuf, lo);
		o->sndbuf = (uint32_t)RTE_MIN(v, hi);
	}
	if (s->maxseg > 0)
		o->mss = (uint16_t)RTE_MIN((uint32_t)s->maxseg, mtu_mss);
}

/* Options a socket has for its connection, applied when it has one. */
static void
apply_opts(struct pd_sock *s)
{
	if (s->conn == NULL)
		return;
	ws_tcp_set_nodelay(s->conn, s->nodelay);
	ws_tcp_set_keepalive(s->conn, s->keepalive,
		(uint32_t)s->keepidle * 1000, (uint32_t)s->keepintvl * 1000,
		(uint32_t)s->keepcnt);
	ws_tcp_set_user_timeout(s->conn, (uint32_t)s->user_timeout);
}

/* ------------------------------------------------------------------ */
/* Callbacks (they run inside pump(), with the lock held).             */

static const struct ws_tcp_ops pd_ops;

static int
cb_accepted(struct ws_tcp_conn *c, void *arg)
{
	struct pd_listen *l = arg;
	struct pd_sock *ls = l->owner, *s;
	struct ws_tcp_info info;

	/* No socket listens any more, or its queue is full: refuse (RST). */
	if (ls == NULL || ls->aq_n >= ls->aq_max)
		return -1;
	s = sock_new(PD_TCP);
	if (s == NULL)
		return -1;
	ws_tcp_get_info(c, &info);
	s->conn = c;
	s->established = true;
	s->remote_addr = info.remote_addr;
	s->remote_port = info.remote_port;
	s->bind_addr = info.local_addr;
	s->bind_port = info.local_port;
	/* A child inherits its listener's options, as in Linux. */
	s->nodelay = ls->nodelay;
	s->keepalive = ls->keepalive;
	s->keepidle = ls->keepidle;
	s->keepintvl = ls->keepintvl;
	s->keepcnt = ls->keepcnt;
	s->user_timeout = ls->user_timeout;
	/* The buffers and MSS came with the listener's ws_tcp_conn_opts. */
	s->rcvbuf = ls->rcvbuf;
	s->sndbuf = ls->sndbuf;
	s->maxseg = ls->maxseg;
	s->linger_on = ls->linger_on;
	s->linger = ls->linger;
	ws_tcp_set_ctx(c, s);
	apply_opts(s);
	ls->aq[ls->aq_n++] = s;
	ls->gen++;
	return 0;
}

static void
cb_connected(struct ws_tcp_conn *c)
{
	struct pd_sock *s = ws_tcp_ctx(c);

	if (s != NULL) {
		s->established = true;
		s->gen++;
	}
}

static uint32_t
cb_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct pd_sock *s = ws_tcp_ctx(c);
	uint32_t take = 0;

	/* Closed by the application: nobody will read it. */
	if (s == NULL || s->shut_rd)
		return len;
	/* New data (not the offer again that a read asks for). */
	if (s->rd_buf == NULL && len > s->avail)
		s->gen++;
	if (s->rd_buf != NULL && s->rd_got < s->rd_want) {
		uint32_t done = 0;

		take = RTE_MIN(len, s->rd_want - s->rd_got);
		while (m != NULL && done < take) {
			if (off >= m->data_len) {
				off -= m->data_len;
			} else {
				uint32_t n = RTE_MIN(take - done,
					(uint32_t)m->data_len - off);

				memcpy(s->rd_buf + s->rd_got + done,
					rte_pktmbuf_mtod_offset(m, uint8_t *,
					off), n);
				done += n;
				off = 0;
			}
			m = m->next;
		}
		s->rd_got += take;
		if (s->rd_peek) {
			s->rd_want = s->rd_got;	/* one look only */
			s->avail = len;
			return 0;
		}
	}
	s->avail = len - take;
	return take;
}

static void
cb_peer_closed(struct ws_tcp_conn *c)
{
	struct pd_sock *s = ws_tcp_ctx(c);

	if (s != NULL) {
		s->eof = true;
		s->gen++;
	}
}

static void
cb_writable(struct ws_tcp_conn *c)
{
	struct pd_sock *s = ws_tcp_ctx(c);

	if (s != NULL)
		s->gen++;
}

static void
cb_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct pd_sock *s = ws_tcp_ctx(c);

	if (s == NULL)
		return;
	s->conn = NULL;
	s->dead = true;
	s->avail = 0;
	s->gen++;
	switch (why) {
	case WS_TCP_CLOSED_RESET:
		s->err = s->established ? ECONNRESET : ECONNREFUSED;
		break;
	case WS_TCP_CLOSED_REFUSED:
		s->err = ECONNREFUSED;
		break;
	case WS_TCP_CLOSED_TIMEOUT:
	case WS_TCP_CLOSED_KEEPALIVE:
		s->err = ETIMEDOUT;
		break;
	case WS_TCP_CLOSED_UNREACHABLE:
		s->err = EHOSTUNREACH;
		break;
	case WS_TCP_CLOSED_NOMEM:
		s->err = ENOMEM;
		break;
	case WS_TCP_CLOSED_STOPPED:
		s->err = ECONNRESET;
		break;
	default:
		break;
	}
	if (s->err != 0)
		s->eof = true;
}

static const struct ws_tcp_ops pd_ops = {
	.accepted = cb_accepted,
	.connected = cb_connected,
	.data = cb_data,
	.writable = cb_writable,
	.peer_closed = cb_peer_closed,
	.closed = cb_closed,
};

/* ------------------------------------------------------------------ */
/* Readiness, as Linux's tcp_poll() reports it.                        */

static uint32_t
sock_events(struct pd_sock *s)
{
	uint32_t ev = 0;

	if (s->kind != PD_TCP)
		return 0;
	if (s->listening)
		return s->aq_n > 0 ? (POLLIN | POLLRDNORM) : 0;
	if (!s->connecting && !s->established && s->conn == NULL &&
			!s->dead)
		return POLLOUT | POLLHUP;	/* a fresh socket */
	if ((s->dead && (s->shut_wr || s->err != 0 || s->eof)) ||
			(s->shut_wr && s->eof) || (s->dead &&
			!s->established))
		ev |= POLLHUP;
	if (s->eof || s->shut_rd || s->dead)
		ev |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (s->avail > 0)
		ev |= POLLIN | POLLRDNORM;
	if (s->established || s->dead) {
		if (s->shut_wr || s->dead || (s->conn != NULL &&
				ws_tcp_send_space(s->conn) > 0))
			ev |= POLLOUT | POLLWRNORM;
	}
	if (s->err != 0)
		ev |= POLLERR;
	return ev;
}

/* ------------------------------------------------------------------ */
/* Sockets.                                                            */

static int
pd_socket(void *ud, int domain, int type, int protocol)
{
	struct pd_sock *s;
	int fd;

	RTE_SET_USED(ud);
	if (domain != AF_INET)
		return fail(EAFNOSUPPORT);
	if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM ||
			(protocol != 0 && protocol != IPPROTO_TCP))
		return fail(EPROTONOSUPPORT);
	enter();
	s = sock_new(PD_TCP);
	if (s == NULL) {
		leave();
		return fail(ENOMEM);
	}
	s->nonblock = (type & SOCK_NONBLOCK) != 0;
	fd = fd_alloc(s);
	if (fd < 0)
		free(s);
	leave();
	return fd < 0 ? fail(EMFILE) : fd;
}

static int
pd_bind(void *ud, int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	struct pd_sock *s;
	int e = 0;

	RTE_SET_USED(ud);
	enter();
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	if (addr == NULL || len < sizeof(*sin) || sin->sin_family != AF_INET)
		e = EINVAL;
	else if (s->bind_port != 0 || s->connecting || s->listening)
		e = EINVAL;
	else if (sin->sin_addr.s_addr != INADDR_ANY &&
			sin->sin_addr.s_addr != pd.addr)
		e = EADDRNOTAVAIL;
	else if (sin->sin_port == 0)
		e = EOPNOTSUPP;	/* an ephemeral bind: not done here */
	else {
		s->bind_addr = sin->sin_addr.s_addr;
		s->bind_port = rte_be_to_cpu_16(sin->sin_port);
	}
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

static int
pd_listen(void *ud, int fd, int backlog)
{
	struct ws_tcp_conn_opts o;
	struct pd_listen *l = NULL;
	struct pd_sock *s;
	unsigned int i;
	int e = 0, ret;

	RTE_SET_USED(ud);
	enter();
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	if (s->connecting || s->established) {
		e = EINVAL;
		goto out;
	}
	/* Linux: the queue holds backlog + 1 (sk_acceptq_is_full). */
	if (backlog < 0)
		backlog = 0;
	s->aq_max = RTE_MIN((unsigned int)backlog + 1, PD_ACCEPTQ_MAX);
	if (s->listening)
		goto out;
	if (s->bind_port == 0) {
		e = EDESTADDRREQ;	/* listen on an ephemeral port: no */
		goto out;
	}
	sock_conn_opts(s, &o);
	for (i = 0; i < pd.n_listens; i++)
		if (pd.listens[i].port == s->bind_port)
			l = &pd.listens[i];
	if (l != NULL && l->owner != NULL) {
		e = EADDRINUSE;
		goto out;
	}
	if (l == NULL) {
		if (pd.n_listens == PD_MAX_LISTENS) {
			e = ENOBUFS;
			goto out;
		}
		l = &pd.listens[pd.n_listens];
		l->port = s->bind_port;
		ret = ws_tcp_listen_worker_opts(pd.w, l->port, &pd_ops, l,
			&o);
		if (ret < 0) {
			e = ret == -EEXIST ? EADDRINUSE : -ret;
			goto out;
		}
		pd.n_listens++;
	} else {
		/* A listener of an earlier socket: this one's options now. */
		ret = ws_tcp_listen_worker_set_opts(pd.w, l->port, &o);
		if (ret < 0) {
			e = -ret;
			goto out;
		}
	}
	l->owner = s;
	s->lst = l;
	s->listening = true;
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

static int
pd_accept(void *ud, int fd, struct sockaddr *addr, socklen_t *alen)
{
	uint64_t start = pd.vt_us;
	struct pd_sock *s, *c;
	int e = 0, nfd = -1;

	RTE_SET_USED(ud);
	enter();
	start = pd.vt_us;
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	if (!s->listening) {
		e = EINVAL;
		goto out;
	}
	pump();
	while (s->aq_n == 0) {
		if (s->nonblock) {
			e = EAGAIN;
			goto out;
		}
		if (pd.vt_us - start >= pd.wait_max_us) {
			e = EAGAIN;
			goto out;
		}
		wait_round();
		if (sock_get(fd) != s || !s->listening) {
			e = EBADF;
			goto out;
		}
	}
	c = s->aq[0];
	memmove(&s->aq[0], &s->aq[1], (s->aq_n - 1) * sizeof(s->aq[0]));
	s->aq_n--;
	nfd = fd_alloc(c);
	if (nfd < 0) {
		s->aq[s->aq_n++] = c;	/* keep it for a later accept */
		e = EMFILE;
		goto out;
	}
	if (addr != NULL && alen != NULL) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = rte_cpu_to_be_16(c->remote_port),
			.sin_addr.s_addr = c->remote_addr,
		};

		memcpy(addr, &sin, RTE_MIN((size_t)*alen, sizeof(sin)));
		*alen = sizeof(sin);
	}
out:
	leave();
	return e != 0 ? fail(e) : nfd;
}

static int
pd_connect(void *ud, int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	struct ws_tcp_conn_opts o;
	uint64_t start;
	struct pd_sock *s;
	int e = 0;

	RTE_SET_USED(ud);
	enter();
	start = pd.vt_us;
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	if (addr == NULL || len < sizeof(*sin) || sin->sin_family != AF_INET) {
		e = addr != NULL && len >= sizeof(sa_family_t) &&
			sin->sin_family != AF_INET ? EAFNOSUPPORT : EINVAL;
		goto out;
	}
	if (s->listening) {
		e = EISCONN;
		goto out;
	}
	if (s->established && !s->dead) {
		e = EISCONN;
		goto out;
	}
	if (s->connecting && !s->established && !s->dead) {
		e = s->nonblock ? EALREADY : EALREADY;
		goto out;
	}
	if (s->connecting && s->dead) {
		/* The outcome of a non-blocking connect, reported once. */
		e = s->err != 0 ? s->err : ECONNABORTED;
		s->err = 0;
		goto out;
	}
	if (s->connecting && s->established) {
		e = EISCONN;
		goto out;
	}
	if (s->bind_port != 0) {
		/* woshou picks the local port of an active open itself. */
		e = EADDRNOTAVAIL;
		goto out;
	}
	sock_conn_opts(s, &o);
	s->conn = ws_tcp_connect_opts(pd.w, 0, sin->sin_addr.s_addr,
		rte_be_to_cpu_16(sin->sin_port), &pd_ops, s, &o);
	if (s->conn == NULL) {
		e = rte_errno == EADDRINUSE ? EADDRNOTAVAIL : rte_errno;
		if (e == 0)
			e = ENOMEM;
		goto out;
	}
	s->connecting = true;
	s->remote_addr = sin->sin_addr.s_addr;
	s->remote_port = rte_be_to_cpu_16(sin->sin_port);
	apply_opts(s);
	pump();
	if (s->nonblock) {
		if (!s->established)
			e = EINPROGRESS;
		goto out;
	}
	while (!s->established && !s->dead) {
		if (pd.vt_us - start >= pd.wait_max_us) {
			e = ETIMEDOUT;
			goto out;
		}
		wait_round();
	}
	if (s->dead && !s->established) {
		e = s->err != 0 ? s->err : ECONNREFUSED;
		s->err = 0;
	}
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

/* Read up to 'len' bytes into 'buf' (lock held). */
static ssize_t
do_recv(int fd, void *buf, size_t len, int flags)
{
	uint64_t start = pd.vt_us;
	size_t total = 0;	/* what earlier passes of MSG_WAITALL read */
	bool nonblock;
	struct pd_sock *s;
	int e = 0;

	s = tcp_get(fd, &e);
	if (s == NULL)
		return fail(e);
	nonblock = s->nonblock || (flags & MSG_DONTWAIT) != 0;
	if (s->listening || (!s->connecting && !s->established))
		return fail(ENOTCONN);
	if (len == 0)
		return 0;
	/* A kernel finds a bad buffer when it copies: NULL is the one a
	 * library can tell. */
	if (buf == NULL)
		return fail(EFAULT);
	pump();
	for (;;) {
		if (s->avail > 0 && s->conn != NULL && !s->shut_rd) {
			uint32_t want = (uint32_t)RTE_MIN(len,
				(size_t)UINT32_MAX);

			s->rd_buf = buf;
			s->rd_want = want;
			s->rd_got = 0;
			s->rd_peek = (flags & MSG_PEEK) != 0;
			ws_tcp_recv_resume(s->conn);
			s->rd_buf = NULL;
			pump();
			if (s->rd_got > 0 && !((flags & MSG_WAITALL) &&
					s->rd_got < len && !s->rd_peek &&
					s->conn != NULL && !s->eof)) {
				return (ssize_t)(total + s->rd_got);
			}
			if (s->rd_got > 0) {
				/* MSG_WAITALL: the rest, later. */
				buf = (uint8_t *)buf + s->rd_got;
				len -= s->rd_got;
				total += s->rd_got;
				start = pd.vt_us;
				continue;
			}
		}
		/* A kernel returns what MSG_WAITALL got before the end. */
		if (total > 0 && (s->err != 0 || s->eof || s->shut_rd ||
				s->dead || nonblock ||
				pd.vt_us - start >= pd.wait_max_us))
			return (ssize_t)total;
		if (s->err != 0) {
			e = s->err;
			s->err = 0;
			return fail(e);
		}
		if (s->eof || s->shut_rd || s->dead)
			return 0;
		if (nonblock)
			return fail(EAGAIN);
		if (pd.vt_us - start >= pd.wait_max_us)
			return fail(EAGAIN);
		wait_round();
		if (sock_get(fd) != s)
			return fail(EBADF);
	}
}

/* Write 'len' bytes from 'buf' (lock held). */
static ssize_t
do_send(int fd, const void *buf, size_t len, int flags)
{
	uint64_t start = pd.vt_us;
	size_t done = 0;
	bool nonblock;
	struct pd_sock *s;
	int e = 0, n;

	s = tcp_get(fd, &e);
	if (s == NULL)
		return fail(e);
	nonblock = s->nonblock || (flags & MSG_DONTWAIT) != 0;
	if (s->listening || (!s->connecting && !s->established))
		return fail(ENOTCONN);
	if (buf == NULL && len > 0)
		return fail(EFAULT);
	for (;;) {
		if (s->err != 0) {
			e = s->err;
			s->err = 0;
			return done > 0 ? (ssize_t)done : fail(e);
		}
		if (s->shut_wr || s->dead)
			return done > 0 ? (ssize_t)done : fail(EPIPE);
		if (s->conn != NULL && s->established) {
			n = ws_tcp_send(s->conn, (const uint8_t *)buf + done,
				(uint32_t)RTE_MIN(len - done,
				(size_t)INT32_MAX));
			if (n < 0)
				return done > 0 ? (ssize_t)done :
					fail(n == -EPIPE ? EPIPE : -n);
			done += (size_t)n;
			pump();
			if (done == len)
				return (ssize_t)done;
		}
		if (nonblock) {
			if (done > 0)
				return (ssize_t)done;
			return fail(EAGAIN);
		}
		if (pd.vt_us - start >= pd.wait_max_us)
			return done > 0 ? (ssize_t)done : fail(EAGAIN);
		wait_round();
		if (sock_get(fd) != s)
			return done > 0 ? (ssize_t)done : fail(EBADF);
	}
}

static ssize_t
pd_recv(void *ud, int fd, void *buf, size_t len, int flags)
{
	ssize_t r;

	RTE_SET_USED(ud);
	enter();
	r = do_recv(fd, buf, len, flags);
	leave();
	return r;
}

static ssize_t
pd_read(void *ud, int fd, void *buf, size_t len)
{
	return pd_recv(ud, fd, buf, len, 0);
}

static ssize_t
pd_recvfrom(void *ud, int fd, void *buf, size_t len, int flags,
		struct sockaddr *src, socklen_t *alen)
{
	/* A connected stream reports no source address (Linux). */
	RTE_SET_USED(src);
	if (alen != NULL)
		*alen = 0;
	return pd_recv(ud, fd, buf, len, flags);
}

/* An iovec array as a kernel checks it: 0 and its total, or an errno. */
static int
iov_check(const struct iovec *iov, int iovcnt, size_t *total)
{
	int i;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return EINVAL;
	if (iov == NULL && iovcnt > 0)
		return EFAULT;
	*total = 0;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_base == NULL && iov[i].iov_len > 0)
			return EFAULT;
		*total += iov[i].iov_len;
	}
	return 0;
}

static ssize_t
recv_iov(int fd, const struct iovec *iov, int iovcnt, int flags)
{
	size_t total = 0, off = 0;
	uint8_t *tmp;
	ssize_t r;
	int i, e;

	e = iov_check(iov, iovcnt, &total);
	if (e != 0)
		return fail(e);
	if (total > PD_IO_MAX)
		total = PD_IO_MAX;
	tmp = malloc(total + 1);
	if (tmp == NULL)
		return fail(ENOMEM);
	enter();
	r = do_recv(fd, tmp, total, flags);
	leave();
	for (i = 0; r > 0 && i < iovcnt && off < (size_t)r; i++) {
		size_t n = RTE_MIN(iov[i].iov_len, (size_t)r - off);

		memcpy(iov[i].iov_base, tmp + off, n);
		off += n;
	}
	free(tmp);
	return r;
}

static ssize_t
pd_readv(void *ud, int fd, const struct iovec *iov, int iovcnt)
{
	RTE_SET_USED(ud);
	return recv_iov(fd, iov, iovcnt, 0);
}

static ssize_t
pd_recvmsg(void *ud, int fd, struct msghdr *msg, int flags)
{
	RTE_SET_USED(ud);
	if (msg == NULL)
		return fail(EFAULT);
	msg->msg_namelen = 0;
	msg->msg_controllen = 0;
	msg->msg_flags = 0;
	return recv_iov(fd, msg->msg_iov, (int)msg->msg_iovlen, flags);
}

static ssize_t
pd_send(void *ud, int fd, const void *buf, size_t len, int flags)
{
	ssize_t r;

	RTE_SET_USED(ud);
	enter();
	r = do_send(fd, buf, len, flags);
	leave();
	return r;
}

static ssize_t
pd_write(void *ud, int fd, const void *buf, size_t len)
{
	return pd_send(ud, fd, buf, len, 0);
}

static ssize_t
pd_sendto(void *ud, int fd, const void *buf, size_t len, int flags,
		const struct sockaddr *dst, socklen_t alen)
{
	/* A connected stream ignores the address (Linux: EISCONN only for
	 * some families; TCP ignores it). */
	RTE_SET_USED(dst);
	RTE_SET_USED(alen);
	return pd_send(ud, fd, buf, len, flags);
}

static ssize_t
send_iov(int fd, const struct iovec *iov, int iovcnt, int flags)
{
	size_t total = 0, off = 0;
	uint8_t *tmp;
	ssize_t r;
	int i, e;

	e = iov_check(iov, iovcnt, &total);
	if (e != 0)
		return fail(e);
	if (total > PD_IO_MAX)
		return fail(EMSGSIZE);
	tmp = malloc(total + 1);
	if (tmp == NULL)
		return fail(ENOMEM);
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > 0)
			memcpy(tmp + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	enter();
	r = do_send(fd, tmp, total, flags);
	leave();
	free(tmp);
	return r;
}

static ssize_t
pd_writev(void *ud, int fd, const struct iovec *iov, int iovcnt)
{
	RTE_SET_USED(ud);
	return send_iov(fd, iov, iovcnt, 0);
}

static ssize_t
pd_sendmsg(void *ud, int fd, const struct msghdr *msg, int flags)
{
	RTE_SET_USED(ud);
	if (msg == NULL)
		return fail(EFAULT);
	return send_iov(fd, msg->msg_iov, (int)msg->msg_iovlen, flags);
}

static int
pd_fcntl(void *ud, int fd, int cmd, ...)
{
	struct pd_sock *s;
	va_list ap;
	long arg;
	int r = 0;

	RTE_SET_USED(ud);
	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	enter();
	s = sock_get(fd);
	if (s == NULL) {
		leave();
		return fail(EBADF);
	}
	switch (cmd) {
	case F_GETFL:
		r = O_RDWR | (s->nonblock ? O_NONBLOCK : 0);
		break;
	case F_SETFL:
		s->nonblock = (arg & O_NONBLOCK) != 0;
		break;
	case F_GETFD:
	case F_SETFD:
		break;
	default:
		leave();
		return fail(EINVAL);
	}
	leave();
	return r;
}

static int
pd_ioctl(void *ud, int fd, unsigned long req, ...)
{
	struct ws_tcp_info info;
	struct pd_sock *s;
	va_list ap;
	int *p, e = 0;

	RTE_SET_USED(ud);
	va_start(ap, req);
	p = va_arg(ap, int *);
	va_end(ap);
	enter();
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	pump();
	switch (req) {
	case FIONREAD:		/* SIOCINQ */
		if (s->listening)
			e = EINVAL;
		else
			*p = (int)s->avail;
		break;
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (s->conn == NULL) {
			*p = 0;
			break;
		}
		ws_tcp_get_info(s->conn, &info);
		*p = (int)(req == SIOCOUTQ ? info.unacked + info.unsent +
			info.held : info.unsent + info.held);
		break;
	case FIONBIO:
		s->nonblock = *p != 0;
		break;
	default:
		e = ENOTTY;
		break;
	}
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

static void
close_sock(struct pd_sock *s)
{
	unsigned int i;

	if (s->kind == PD_TCP && s->listening) {
		/* Connections nobody accepted are reset, as Linux does. */
		for (i = 0; i < s->aq_n; i++) {
			struct pd_sock *c = s->aq[i];

			if (c->conn != NULL) {
				ws_tcp_set_ctx(c->conn, NULL);
				ws_tcp_abort(c->conn);
			}
			free(c);
		}
		s->aq_n = 0;
		/* woshou's listener stays; new SYNs are refused at accept. */
		s->lst->owner = NULL;
	} else if (s->kind == PD_TCP && s->conn != NULL) {
		struct ws_tcp_conn *c = s->conn;

		ws_tcp_set_ctx(c, NULL);
		if (s->linger_on && s->linger == 0)
			ws_tcp_abort(c);
		else
			ws_tcp_close(c);
	}
	free(s);
}

static int
pd_close(void *ud, int fd)
{
	struct pd_sock *s;
	unsigned int i, j;

	RTE_SET_USED(ud);
	enter();
	s = sock_get(fd);
	if (s == NULL) {
		leave();
		return fail(EBADF);
	}
	pd.fds[fd - PD_FD_BASE] = NULL;
	/* Out of every epoll set, as the last reference closes. */
	for (i = 0; i < PD_MAX_FDS; i++) {
		struct pd_sock *ep = pd.fds[i];

		if (ep == NULL || ep->kind != PD_EPOLL)
			continue;
		for (j = 0; j < ep->n_items; j++) {
			if (ep->items[j].fd == fd) {
				ep->items[j] = ep->items[--ep->n_items];
				break;
			}
		}
	}
	close_sock(s);
	pump();
	leave();
	return 0;
}

static int
pd_shutdown(void *ud, int fd, int how)
{
	struct pd_sock *s;
	int e = 0;

	RTE_SET_USED(ud);
	enter();
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
		e = EINVAL;
		goto out;
	}
	if (s->listening || (!s->connecting && !s->established)) {
		e = ENOTCONN;
		goto out;
	}
	if (how != SHUT_WR)
		s->shut_rd = true;
	if (how != SHUT_RD && !s->shut_wr) {
		s->shut_wr = true;
		if (s->conn != NULL)
			ws_tcp_shutdown(s->conn);
	}
	pump();
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

/* ------------------------------------------------------------------ */
/* Socket options.                                                     */

static int
opt_int(const void *v, socklen_t len, int *out)
{
	if (v == NULL || len < sizeof(int))
		return -EINVAL;
	memcpy(out, v, sizeof(int));
	return 0;
}

/* Linux's numbering of TCP states (tcp_states.h), for TCP_INFO. */
static uint8_t
linux_state(enum ws_tcp_state st)
{
	static const uint8_t map[WS_TCP_NSTATES] = {
		[WS_TCP_CLOSED] = 7, [WS_TCP_LISTEN] = 10,
		[WS_TCP_SYN_SENT] = 2, [WS_TCP_SYN_RECEIVED] = 3,
		[WS_TCP_ESTABLISHED] = 1, [WS_TCP_CLOSE_WAIT] = 8,
		[WS_TCP_FIN_WAIT_1] = 4, [WS_TCP_CLOSING] = 11,
		[WS_TCP_LAST_ACK] = 9, [WS_TCP_FIN_WAIT_2] = 5,
		[WS_TCP_TIME_WAIT] = 6,
	};

	return (unsigned int)st < WS_TCP_NSTATES ? map[st] : 7;
}

static uint8_t
linux_ca_state(const char *name)
{
	if (name == NULL || strcmp(name, "open") == 0)
		return 0;
	if (strcmp(name, "disorder") == 0)
		return 1;
	if (strcmp(name, "recovery") == 0)
		return 3;
	if (strcmp(name, "loss") == 0)
		return 4;
	return 0;
}

static void
fill_tcp_info(struct pd_sock *s, struct tcp_info *ti)
{
	struct ws_tcp_info in;
	uint32_t mss;

	memset(ti, 0, sizeof(*ti));
	if (s->listening) {
		ti->tcpi_state = 10;
		return;
	}
	if (s->conn == NULL) {
		ti->tcpi_state = 7;
		return;
	}
	ws_tcp_get_info(s->conn, &in);
	mss = in.snd_mss != 0 ? in.snd_mss : 536;
	ti->tcpi_state = linux_state(in.state);
	ti->tcpi_ca_state = linux_ca_state(in.ca_state);
	ti->tcpi_options = (in.timestamps ? TCPI_OPT_TIMESTAMPS : 0) |
		(in.sack ? TCPI_OPT_SACK : 0) |
		(in.window_scaling ? TCPI_OPT_WSCALE : 0);
	ti->tcpi_rto = in.rto_ms * 1000;
	ti->tcpi_snd_mss = in.snd_mss;
	ti->tcpi_rcv_mss = in.snd_mss;
	ti->tcpi_unacked = (in.unacked + mss - 1) / mss;
	ti->tcpi_sacked = (in.sacked + mss - 1) / mss;
	ti->tcpi_lost = (in.lost + mss - 1) / mss;
	ti->tcpi_rtt = in.srtt_us;
	ti->tcpi_rttvar = in.rttvar_us;
	ti->tcpi_snd_ssthresh = in.ssthresh >= 0x7fffffffu / 2 ?
		0x7fffffffu : in.ssthresh / mss;
	ti->tcpi_snd_cwnd = in.cwnd / mss;
	ti->tcpi_advmss = in.rcv_mss;
	ti->tcpi_rcv_space = in.rcv_wnd;
	ti->tcpi_total_retrans = (uint32_t)in.retransmits;
}

static int
put_int(void *v, socklen_t *len, int val)
{
	if (v == NULL || len == NULL || *len < sizeof(int))
		return -EINVAL;
	memcpy(v, &val, sizeof(int));
	*len = sizeof(int);
	return 0;
}

static int
pd_getsockopt(void *ud, int fd, int level, int name, void *v,
		socklen_t *len)
{
	struct ws_tcp_info in;
	struct pd_sock *s;
	int e = 0, r = 0;

	RTE_SET_USED(ud);
	enter();
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	pump();
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR:
			r = put_int(v, len, s->err);
			if (r == 0)
				s->err = 0;
			break;
		case SO_REUSEADDR:
			r = put_int(v, len, s->reuseaddr);
			break;
		case SO_KEEPALIVE:
			r = put_int(v, len, s->keepalive);
			break;
		case SO_TYPE:
			r = put_int(v, len, SOCK_STREAM);
			break;
		case SO_RCVBUF:
		case SO_SNDBUF:
			if (name == SO_RCVBUF ? s->rcvbuf : s->sndbuf) {
				/* Linux reports twice what was set. */
				r = put_int(v, len, 2 * (name == SO_RCVBUF ?
					s->rcvbuf : s->sndbuf));
				break;
			}
			if (s->conn != NULL)
				ws_tcp_get_info(s->conn, &in);
			else
				in.rcvbuf = ws_stack_config(pd.s)->tcp.rcvbuf,
				in.sndbuf = ws_stack_config(pd.s)->tcp.sndbuf;
			r = put_int(v, len, (int)(name == SO_RCVBUF ?
				in.rcvbuf : in.sndbuf));
			break;
		case SO_LINGER: {
			struct linger lg = { s->linger_on, s->linger };

			if (v == NULL || len == NULL || *len < sizeof(lg)) {
				r = -EINVAL;
				break;
			}
			memcpy(v, &lg, sizeof(lg));
			*len = sizeof(lg);
			break;
		}
		default:
			r = -ENOPROTOOPT;
			break;
		}
	} else if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
			r = put_int(v, len, s->nodelay);
			break;
		case TCP_MAXSEG:
			if (s->conn != NULL) {
				ws_tcp_get_info(s->conn, &in);
				r = put_int(v, len, (int)in.snd_mss);
			} else {
				r = put_int(v, len, s->maxseg != 0 ?
					s->maxseg : 536);
			}
			break;
		case TCP_KEEPIDLE:
			r = put_int(v, len, s->keepidle != 0 ? s->keepidle :
				(int)(ws_stack_config(pd.s)->
				tcp.keepalive_idle_ms / 1000));
			break;
		case TCP_KEEPINTVL:
			r = put_int(v, len, s->keepintvl != 0 ?
				s->keepintvl : (int)(ws_stack_config(pd.s)->
				tcp.keepalive_interval_ms / 1000));
			break;
		case TCP_KEEPCNT:
			r = put_int(v, len, s->keepcnt != 0 ? s->keepcnt :
				(int)ws_stack_config(pd.s)->
				tcp.keepalive_count);
			break;
		case TCP_USER_TIMEOUT:
			r = put_int(v, len, s->user_timeout);
			break;
		case TCP_INFO: {
			struct tcp_info ti;

			if (v == NULL || len == NULL) {
				r = -EINVAL;
				break;
			}
			fill_tcp_info(s, &ti);
			*len = RTE_MIN(*len, (socklen_t)sizeof(ti));
			memcpy(v, &ti, *len);
			break;
		}
		case TCP_CONGESTION: {
			const char *cc = s->conn != NULL ?
				ws_tcp_congestion(s->conn) :
				"cubic";
			size_t n;

			if (v == NULL || len == NULL) {
				r = -EINVAL;
				break;
			}
			n = RTE_MIN((size_t)*len, strlen(cc) + 1);
			memcpy(v, cc, n);
			*len = (socklen_t)n;
			break;
		}
		default:
			r = -ENOPROTOOPT;
			break;
		}
	} else {
		r = -ENOPROTOOPT;
	}
	e = -r;
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

/*
 * SO_RCVBUF, SO_SNDBUF or TCP_MAXSEG ('name') just set on s: a listener
 * gives it to the connections it accepts from now on, a connection takes
 * a buffer size at once; before either, listen() or connect() takes it.
 */
static int
sock_apply_sizes(struct pd_sock *s, int name)
{
	struct ws_tcp_conn_opts o;

	sock_conn_opts(s, &o);
	if (s->listening && s->lst != NULL)
		return ws_tcp_listen_worker_set_opts(pd.w, s->lst->port, &o);
	if (s->conn == NULL || name == TCP_MAXSEG)
		return 0;
	return name == SO_RCVBUF ? ws_tcp_set_rcvbuf(s->conn, o.rcvbuf) :
		ws_tcp_set_sndbuf(s->conn, o.sndbuf);
}

static int
pd_setsockopt(void *ud, int fd, int level, int name, const void *v,
		socklen_t len)
{
	struct pd_sock *s;
	int e = 0, r = 0, val = 0;

	RTE_SET_USED(ud);
	enter();
	s = tcp_get(fd, &e);
	if (s == NULL)
		goto out;
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger lg;

		if (v == NULL || len < sizeof(lg)) {
			r = -EINVAL;
		} else {
			memcpy(&lg, v, sizeof(lg));
			s->linger_on = lg.l_onoff != 0;
			s->linger = lg.l_linger;
		}
	} else if (level == IPPROTO_TCP && name == TCP_CONGESTION) {
		char cc[32];
		size_t n = RTE_MIN((size_t)len, sizeof(cc) - 1);

		if (v == NULL) {
			r = -EINVAL;
		} else {
			memcpy(cc, v, n);
			cc[n] = '\0';
			if (s->conn == NULL)
				r = strcmp(cc, "cubic") == 0 ||
					strcmp(cc, "newreno") == 0 ? 0 :
					-ENOENT;
			else
				r = ws_tcp_set_congestion(s->conn, cc);
		}
	} else if ((r = opt_int(v, len, &val)) != 0) {
		/* r set */
	} else if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
		case SO_REUSEPORT:
			s->reuseaddr = val != 0;
			break;
		case SO_KEEPALIVE:
			s->keepalive = val != 0;
			break;
		case SO_RCVBUF:
		case SO_SNDBUF:
			/* Applied below (sock_conn_opts); read back doubled. */
			if (name == SO_RCVBUF)
				s->rcvbuf = RTE_MAX(val, 1);
			else
				s->sndbuf = RTE_MAX(val, 1);
			r = sock_apply_sizes(s, name);
			break;
		default:
			r = -ENOPROTOOPT;
			break;
		}
	} else if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
			s->nodelay = val != 0;
			break;
		case TCP_MAXSEG:
			/*
			 * Linux's bounds. Before connect() or on a listener
			 * it clamps the SYN's (SYN-ACK's) MSS; on a
			 * connection, as in Linux, it changes nothing more.
			 */
			if (val < 88 || val > 32767) {
				r = -EINVAL;
			} else {
				s->maxseg = val;
				r = sock_apply_sizes(s, name);
			}
			break;
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
			if (val < 1 || val > 32767) {
				r = -EINVAL;
				break;
			}
			if (name == TCP_KEEPIDLE)
				s->keepidle = val;
			else
				s->keepintvl = val;
			break;
		case TCP_KEEPCNT:
			if (val < 1 || val > 127)
				r = -EINVAL;
			else
				s->keepcnt = val;
			break;
		case TCP_USER_TIMEOUT:
			if (val < 0)
				r = -EINVAL;
			else
				s->user_timeout = val;
			break;
		default:
			r = -ENOPROTOOPT;
			break;
		}
	} else {
		r = -ENOPROTOOPT;
	}
	if (r == 0) {
		apply_opts(s);
		pump();
	}
	e = -r;
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

/* ------------------------------------------------------------------ */
/* poll and epoll.                                                     */

static int
pd_poll(void *ud, struct pollfd *fds, nfds_t nfds, int timeout)
{
	uint64_t start;
	int ready;
	nfds_t i;

	RTE_SET_USED(ud);
	enter();
	start = pd.vt_us;
	pump();
	for (;;) {
		ready = 0;
		for (i = 0; i < nfds; i++) {
			struct pd_sock *s = sock_get(fds[i].fd);

			fds[i].revents = 0;
			if (fds[i].fd < 0)
				continue;
			if (s == NULL)
				fds[i].revents = POLLNVAL;
			else
				fds[i].revents = (short)(sock_events(s) &
					((uint32_t)(uint16_t)fds[i].events |
					POLLERR | POLLHUP));
			if (fds[i].revents != 0)
				ready++;
		}
		if (ready > 0 || timeout == 0)
			break;
		if (timeout > 0 &&
				pd.vt_us - start >= (uint64_t)timeout * 1000)
			break;
		if (pd.vt_us - start >= pd.wait_max_us)
			break;
		wait_round();
	}
	leave();
	return ready;
}

static int
pd_epoll_create(void *ud, int size)
{
	struct pd_sock *s;
	int fd;

	RTE_SET_USED(ud);
	if (size <= 0)
		return fail(EINVAL);
	enter();
	s = sock_new(PD_EPOLL);
	fd = s != NULL ? fd_alloc(s) : -1;
	if (fd < 0)
		free(s);
	leave();
	return fd < 0 ? fail(s == NULL ? ENOMEM : EMFILE) : fd;
}

static int
pd_epoll_ctl(void *ud, int epfd, int op, int fd, struct epoll_event *ev)
{
	struct pd_sock *ep, *s;
	unsigned int i;
	int e = 0;

	RTE_SET_USED(ud);
	enter();
	ep = sock_get(epfd);
	s = sock_get(fd);
	if (ep == NULL || s == NULL) {
		e = EBADF;
		goto out;
	}
	if (ep->kind != PD_EPOLL || fd == epfd) {
		e = EINVAL;
		goto out;
	}
	for (i = 0; i < ep->n_items; i++)
		if (ep->items[i].fd == fd)
			break;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (i < ep->n_items)
			e = EEXIST;
		else if (ev == NULL)
			e = EFAULT;
		else if (ep->n_items == PD_MAX_EPOLL)
			e = ENOSPC;
		else
			ep->items[ep->n_items++] = (struct pd_ep_item){
				fd, ev->events, ev->data.u64, UINT64_MAX };
		break;
	case EPOLL_CTL_MOD:
		if (i == ep->n_items)
			e = ENOENT;
		else if (ev == NULL)
			e = EFAULT;
		else {
			ep->items[i].events = ev->events;
			ep->items[i].data = ev->data.u64;
			ep->items[i].gen = UINT64_MAX;
		}
		break;
	case EPOLL_CTL_DEL:
		if (i == ep->n_items)
			e = ENOENT;
		else
			ep->items[i] = ep->items[--ep->n_items];
		break;
	default:
		e = EINVAL;
		break;
	}
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

static int
pd_epoll_wait(void *ud, int epfd, struct epoll_event *events,
		int maxevents, int timeout)
{
	struct pd_sock *ep;
	uint64_t start;
	unsigned int i;
	int n = 0;

	RTE_SET_USED(ud);
	if (maxevents <= 0 || events == NULL)
		return fail(EINVAL);
	enter();
	start = pd.vt_us;
	ep = sock_get(epfd);
	if (ep == NULL || ep->kind != PD_EPOLL) {
		leave();
		return fail(ep == NULL ? EBADF : EINVAL);
	}
	pump();
	for (;;) {
		for (i = 0; i < ep->n_items && n < maxevents; i++) {
			struct pd_ep_item *it = &ep->items[i];
			struct pd_sock *s = sock_get(it->fd);
			uint32_t got;

			if (s == NULL)
				continue;
			/* Edge-triggered: only after something happened
			 * since the last report (then all that is ready, as
			 * Linux reports it). */
			if ((it->events & EPOLLET) && it->gen == s->gen)
				continue;
			got = sock_events(s) & (it->events | EPOLLERR |
				EPOLLHUP);
			if (got == 0)
				continue;
			events[n].events = got;
			events[n].data.u64 = it->data;
			it->gen = s->gen;
			n++;
			if (it->events & EPOLLONESHOT)
				it->events = 0;
		}
		if (n > 0 || timeout == 0)
			break;
		if (timeout > 0 &&
				pd.vt_us - start >= (uint64_t)timeout * 1000)
			break;
		if (pd.vt_us - start >= pd.wait_max_us)
			break;
		wait_round();
		ep = sock_get(epfd);
		if (ep == NULL)
			break;
	}
	leave();
	return n;
}

static int
pd_pipe(void *ud, int fds[2])
{
	RTE_SET_USED(ud);
	RTE_SET_USED(fds);
	return fail(ENOSYS);
}

static int
pd_splice(void *ud, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out,
		size_t len, unsigned int flags)
{
	RTE_SET_USED(ud);
	RTE_SET_USED(fd_in);
	RTE_SET_USED(off_in);
	RTE_SET_USED(fd_out);
	RTE_SET_USED(off_out);
	RTE_SET_USED(len);
	RTE_SET_USED(flags);
	return fail(ENOSYS);
}

/* ------------------------------------------------------------------ */
/* The wire and the clock, for packetdrill.                            */

static int
pd_netdev_send(void *ud, const void *buf, size_t count)
{
	const uint8_t *ip = buf;
	struct rte_mbuf *m, *seg, *last;
	struct rte_ether_hdr eh;
	size_t off = 0, total = count + sizeof(eh);
	int e = 0;

	RTE_SET_USED(ud);
	if (count < sizeof(struct rte_ipv4_hdr) || (ip[0] >> 4) != 4)
		return fail(EAFNOSUPPORT);	/* IPv4 only */
	if (count > UINT16_MAX)
		return fail(EMSGSIZE);
	enter();
	eh.dst_addr = pd.mac;
	eh.src_addr = pd.peer_mac;
	eh.ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	/*
	 * packetdrill injects what a GRO receive path would hand a kernel
	 * (segments of several MSS): larger than one mbuf, that becomes a
	 * chain, as a NIC with scatter-gather would give it.
	 */
	m = last = NULL;
	while (off < total) {
		uint16_t n;
		uint8_t *p;

		seg = rte_pktmbuf_alloc(pd.pool);
		if (seg == NULL) {
			rte_pktmbuf_free(m);
			e = ENOBUFS;
			goto out;
		}
		n = (uint16_t)RTE_MIN(total - off,
			(size_t)rte_pktmbuf_tailroom(seg));
		p = (uint8_t *)rte_pktmbuf_append(seg, n);
		if (off < sizeof(eh)) {
			/* The first segment holds every header. */
			memcpy(p, &eh, sizeof(eh));
			memcpy(p + sizeof(eh), ip, n - sizeof(eh));
		} else {
			memcpy(p, ip + off - sizeof(eh), n);
		}
		off += n;
		if (m == NULL) {
			m = seg;
		} else {
			last->next = seg;
			m->nb_segs++;
			m->pkt_len += n;
		}
		last = seg;
	}
	if (pd.verbose)
		trace("in ", buf, (uint32_t)count);
	if (rte_ring_enqueue(pd.rx, m) != 0) {
		rte_pktmbuf_free(m);
		e = ENOBUFS;
		goto out;
	}
	pump();
out:
	leave();
	return e != 0 ? fail(e) : 0;
}

static int
pd_netdev_receive(void *ud, void *buf, size_t *count, long long *t)
{
	struct pd_frame *q;
	unsigned int i;

	RTE_SET_USED(ud);
	enter();
	pump();
	/*
	 * packetdrill asks again at once when there is nothing, expecting
	 * the stack to make progress meanwhile: move the clock on, up to
	 * 10 ms a call, and give up (count 0) after the wait limit.
	 */
	if (pd.out_n == 0) {
		settle_peers();
		pump();
		sync_waiters();
	}
	for (i = 0; pd.out_n == 0 && i < 10; i++) {
		advance_to((pd.vt_us / 1000 + 1) * 1000);
		pd.recv_waited_us += 1000;
	}
	if (pd.out_n == 0) {
		int r = -1;

		if (pd.recv_waited_us >= pd.wait_max_us) {
			fprintf(stderr, "woshou packetdrill: the stack sent "
				"nothing for %" PRIu64 " ms of virtual "
				"time\n", pd.recv_waited_us / 1000);
			pd.recv_waited_us = 0;
			*count = 0;
			r = 0;
		}
		leave();
		if (r < 0)
			errno = EAGAIN;
		return r;
	}
	pd.recv_waited_us = 0;
	q = &pd.outq[pd.out_head];
	pd.out_head = (pd.out_head + 1) % PD_OUTQ;
	pd.out_n--;
	*count = RTE_MIN(*count, (size_t)q->len);
	memcpy(buf, q->data, *count);
	*t = q->t;
	leave();
	return 0;
}

static int
pd_usleep(void *ud, useconds_t us)
{
	RTE_SET_USED(ud);
	enter();
	settle_peers();
	advance_to(pd.vt_us + us);
	leave();
	return 0;
}

static int
pd_gettimeofday(void *ud, struct timeval *tv, struct timezone *tz)
{
	RTE_SET_USED(ud);
	RTE_SET_USED(tz);
	pthread_mutex_lock(&pd.lock);
	pd.activity++;
	/*
	 * packetdrill spins on the clock for the last few microseconds
	 * before an event: time passes, a microsecond a call, once it reads
	 * the clock over and over with nothing else in between.
	 */
	if (++pd.gtod_streak > 2)
		advance_to(pd.vt_us + 1);
	if (tv != NULL) {
		tv->tv_sec = (time_t)(pd.vt_us / 1000000);
		tv->tv_usec = (suseconds_t)(pd.vt_us % 1000000);
	}
	pthread_cond_broadcast(&pd.cond);
	pthread_mutex_unlock(&pd.lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Life.                                                               */

static void
pd_free(void *ud)
{
	unsigned int i;

	RTE_SET_USED(ud);
	enter();
	for (i = 0; i < PD_MAX_FDS; i++) {
		if (pd.fds[i] != NULL) {
			close_sock(pd.fds[i]);
			pd.fds[i] = NULL;
		}
	}
	pump();
	ws_stack_destroy(pd.s);
	pd.s = NULL;
	pd.w = NULL;
	rte_ring_free(pd.rx);
	rte_ring_free(pd.tx);
	rte_mempool_free(pd.pool);
	free(pd.outq);
	pd.outq = NULL;
	pd.up = false;
	leave();
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "woshou packetdrill: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void
eal_init_once(void)
{
	static bool done;
	char prefix[64];
	int saved;
	char *argv[] = {
		"ws_packetdrill", "--no-huge", "--no-shconf", "--no-pci",
		"--no-telemetry", "-m", "256", "-l", "0",
		"--log-level", "*:error", "--file-prefix", prefix, NULL,
	};

	if (done)
		return;
	/* One prefix per process: runs in parallel never meet. */
	snprintf(prefix, sizeof(prefix), "ws_pd_%d", (int)getpid());
	/* The EAL parses with getopt: start it afresh (packetdrill parsed
	 * its own command line already), and leave it as it was. */
	saved = optind;
	optind = 0;
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		die("EAL init: %s", rte_strerror(rte_errno));
	optind = saved;
	done = true;
}

/*
 * The flags: woshou --set overrides (SECTION.KEY=VALUE) separated by
 * spaces or commas, and the adapter's own pd.wait_ms=N (how long, in
 * virtual ms, a blocking call or netdev_receive waits) and pd.verbose.
 */
static void
start(const char *flags)
{
	static const char *const base[] = {
		"ip.addr=198.18.0.2/24",
		"port.mac=02:00:00:00:00:02",
		"port.mbufs=4095",
		"workers.lcores=1",
		"control.telemetry=no",
		"arp.gratuitous=no",
		"tcp.max_connections=1024",
	};
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE], dev[RTE_ETH_NAME_MAX_LEN];
	char dev_set[64 + RTE_ETH_NAME_MAX_LEN], err[WS_CFG_ERR_LEN];
	char path[] = "/tmp/ws_pd_cfg_XXXXXX";
	const char *sets[PD_MAX_SETS];
	struct ws_config cfg;
	struct ws_clock clk;
	char *copy = NULL, *tok, *save = NULL;
	unsigned int n = 0, i;
	uint64_t hz;
	int port, fd;

	pd.wait_max_us = (uint64_t)PD_WAIT_DEFAULT_MS * 1000;
	for (i = 0; i < RTE_DIM(base); i++)
		sets[n++] = base[i];
	if (flags != NULL) {
		copy = strdup(flags);
		for (tok = strtok_r(copy, " ,\t\n", &save); tok != NULL;
				tok = strtok_r(NULL, " ,\t\n", &save)) {
			if (strncmp(tok, "pd.wait_ms=", 11) == 0) {
				char *end;
				unsigned long v = strtoul(tok + 11, &end, 10);

				if (*end != '\0' || v == 0 || v > 86400000)
					die("bad %s (1..86400000)", tok);
				pd.wait_max_us = (uint64_t)v * 1000;
				continue;
			}
			if (strcmp(tok, "pd.verbose") == 0) {
				pd.verbose = true;
				continue;
			}
			if (n == PD_MAX_SETS - 1)
				die("too many settings in --so_flags");
			sets[n++] = tok;
		}
	}
	eal_init_once();

	snprintf(name, sizeof(name), "pd_rx%u", seq);
	pd.rx = rte_ring_create(name, PD_RING, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "pd_tx%u", seq);
	pd.tx = rte_ring_create(name, PD_RING, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "pd_pool%u", seq);
	pd.pool = rte_pktmbuf_pool_create(name, 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pd.rx == NULL || pd.tx == NULL || pd.pool == NULL)
		die("rings and pool: %s", rte_strerror(rte_errno));
	snprintf(name, sizeof(name), "pd_ring%u", seq++);
	port = rte_eth_from_rings(name, &pd.rx, 1, &pd.tx, 1, SOCKET_ID_ANY);
	if (port < 0 || rte_eth_dev_get_name_by_port((uint16_t)port, dev) != 0)
		die("ring port: %s", rte_strerror(rte_errno));
	snprintf(dev_set, sizeof(dev_set), "port.device=%s", dev);
	sets[n++] = dev_set;

	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp: %s", strerror(errno));
	close(fd);
	if (ws_config_load(&cfg, path, sets, n, err, sizeof(err)) != 0) {
		unlink(path);
		die("--so_flags: %s", err);
	}
	unlink(path);
	free(copy);
	pd.nodelay = cfg.tcp.nodelay;
	pd.s = ws_stack_create(&cfg);
	if (pd.s == NULL)
		die("stack: %s", rte_strerror(rte_errno));
	pd.w = ws_stack_worker(pd.s, 0);
	pd.addr = cfg.ip.addr;
	ws_stack_mac(pd.s, &pd.mac);
	pd.peer_mac = (struct rte_ether_addr){
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

	/*
	 * The manual clock carries on from the TSC the stack was created
	 * with (its timer wheel started there), and one virtual millisecond
	 * is exactly one tick of that wheel.
	 */
	hz = pd.w->clock.hz;
	pd.ms_ticks = hz / 1000;
	pd.base = (rte_rdtsc() / pd.ms_ticks + 1) * pd.ms_ticks;
	pd.vt_us = 0;
	ws_clock_init_manual(&clk, &pd.ticks, hz);
	pd.w->clock = clk;
	set_ticks();
	if (ws_stack_start_manual(pd.s) != 0)
		die("start");
	pd.outq = calloc(PD_OUTQ, sizeof(*pd.outq));
	if (pd.outq == NULL)
		die("out of memory");
	pd.out_head = pd.out_n = 0;
	pd.out_dropped = 0;
	pd.n_listens = 0;
	pd.recv_waited_us = 0;
	pd.up = true;
	pump();
}

/*
 * packetdrill's system-call thread exists before it loads us (the EAL's
 * threads come later and never call in): note it now, so that the first
 * blocking call is waited for too.
 */
static void
note_threads(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	pd.main_tid = my_tid();
	pd.n_peers = 0;
	if (dir == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		pid_t tid = (pid_t)atoi(d->d_name);

		if (tid > 0)
			note_peer(tid);
	}
	closedir(dir);
}

void
packetdrill_interface_init(const char *flags,
		struct packetdrill_interface *ifc)
{
	pthread_mutex_lock(&pd.lock);
	if (pd.up)
		die("one instance at a time");
	note_threads();
	start(flags);
	pthread_mutex_unlock(&pd.lock);

	memset(ifc, 0, sizeof(*ifc));
	ifc->userdata = &pd;
	ifc->free = pd_free;
	ifc->socket = pd_socket;
	ifc->bind = pd_bind;
	ifc->listen = pd_listen;
	ifc->accept = pd_accept;
	ifc->connect = pd_connect;
	ifc->read = pd_read;
	ifc->readv = pd_readv;
	ifc->recv = pd_recv;
	ifc->recvfrom = pd_recvfrom;
	ifc->recvmsg = pd_recvmsg;
	ifc->write = pd_write;
	ifc->writev = pd_writev;
	ifc->send = pd_send;
	ifc->sendto = pd_sendto;
	ifc->sendmsg = pd_sendmsg;
	ifc->fcntl = pd_fcntl;
	ifc->ioctl = pd_ioctl;
	ifc->close = pd_close;
	ifc->shutdown = pd_shutdown;
	ifc->getsockopt = pd_getsockopt;
	ifc->setsockopt = pd_setsockopt;
	ifc->poll = pd_poll;
	ifc->netdev_send = pd_netdev_send;
	ifc->netdev_receive = pd_netdev_receive;
	ifc->usleep = pd_usleep;
	ifc->gettimeofday = pd_gettimeofday;
	ifc->epoll_create = pd_epoll_create;
	ifc->epoll_ctl = pd_epoll_ctl;
	ifc->epoll_wait = pd_epoll_wait;
	ifc->pipe = pd_pipe;
	ifc->splice = pd_splice;
}
