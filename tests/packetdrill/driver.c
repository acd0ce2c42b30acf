/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The adapter checked without packetdrill (which Debian does not ship):
 * this loads libwoshou_packetdrill.so the way packetdrill does (dlopen,
 * dlsym "packetdrill_interface_init", one call with the flags) and runs
 * a few exchanges through the function pointers, building the peer's
 * datagrams itself and checking every datagram the stack sends, its
 * checksums and its virtual send time:
 *
 *   passive open (SYN -> SYN-ACK with MSS, SACK, timestamps, window
 *   scale), data in (read, delayed ACK at 40 ms), data out (write ->
 *   segment), close (FIN exchange, TIME_WAIT), SYN to a closed port ->
 *   RST, active open (non-blocking connect, SYN, SYN-ACK -> ACK, poll,
 *   SO_ERROR, TCP_INFO), the peer's RST -> ECONNRESET, and a blocking
 *   accept that packetdrill's main thread completes from another thread.
 *
 * Usage: pd_driver PATH/libwoshou_packetdrill.so. Exit 0 when all pass.
 */

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packetdrill_abi.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PD_DEEPBIND 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define PD_DEEPBIND 0
#endif
#endif
#ifndef PD_DEEPBIND
#define PD_DEEPBIND RTLD_DEEPBIND
#endif

#define OUR_IP "198.18.0.2"
#define PEER_IP "198.18.0.1"
#define PORT 8080
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static struct packetdrill_interface ifc;
static void *ud;
static unsigned int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, \
			#cond); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		failures++; \
		return -1; \
	} \
} while (0)

/* A segment as the stack sent it. */
struct seg {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win, sport, dport;
	uint32_t len;			/* payload */
	const uint8_t *payload;
	int mss, wscale;		/* -1: absent */
	bool sack_ok, ts;
	uint32_t tsval, tsecr;
	long long t;			/* virtual send time, us */
	uint8_t buf[2048];
};

static uint32_t
sum16(const void *p, size_t n, uint32_t s)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* Build and inject one IPv4/TCP datagram from the peer. */
static int
inject(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
		uint32_t ack, uint16_t win, const uint8_t *opts,
		unsigned int optlen, const void *data, unsigned int len)
{
	uint8_t b[4096], ph[12];
	unsigned int thl = 20 + optlen, tot = 20 + thl + len;
	uint32_t s;

	memset(b, 0, sizeof(b));
	b[0] = 0x45;
	wr16(b + 2, (uint16_t)tot);
	b[8] = 64;
	b[9] = IPPROTO_TCP;
	inet_pton(AF_INET, PEER_IP, b + 12);
	inet_pton(AF_INET, OUR_IP, b + 16);
	wr16(b + 10, fold(sum16(b, 20, 0)));
	wr16(b + 20, sport);
	wr16(b + 22, dport);
	wr32(b + 24, seq);
	wr32(b + 28, ack);
	b[32] = (uint8_t)(thl / 4 << 4);
	b[33] = flags;
	wr16(b + 34, win);
	if (optlen > 0)
		memcpy(b + 40, opts, optlen);
	if (len > 0)
		memcpy(b + 20 + thl, data, len);
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	wr16(ph + 10, (uint16_t)(thl + len));
	s = sum16(ph, sizeof(ph), 0);
	wr16(b + 36, fold(sum16(b + 20, thl + len, s)));
	return ifc.netdev_send(ud, b, tot);
}

/* The next datagram from the stack, parsed and checked. */
static int
next_seg(struct seg *g)
{
	size_t n;
	int tries;
	uint8_t *ip = g->buf, *th, *o, ph[12];
	unsigned int ihl, tot, thl, i;

	memset(g, 0, sizeof(*g));
	/* netdev_receive moves the clock on while it waits; -1 = again. */
	for (tries = 0; tries < 100000; tries++) {
		n = sizeof(g->buf);
		if (ifc.netdev_receive(ud, g->buf, &n, &g->t) == 0)
			break;
	}
	CHECK(n > 0, "no datagram from the stack");
	ihl = (ip[0] & 0xf) * 4u;
	tot = (unsigned int)ip[2] << 8 | ip[3];
	CHECK((ip[0] >> 4) == 4 && tot == n && ihl >= 20, "IPv4 header");
	CHECK(fold(sum16(ip, ihl, 0)) == 0, "IP checksum");
	CHECK(ip[9] == IPPROTO_TCP, "protocol %u", ip[9]);
	th = ip + ihl;
	thl = (th[12] >> 4) * 4u;
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	wr16(ph + 10, (uint16_t)(tot - ihl));
	CHECK(fold(sum16(th, tot - ihl, sum16(ph, 12, 0))) == 0,
		"TCP checksum");
	g->sport = (uint16_t)(th[0] << 8 | th[1]);
	g->dport = (uint16_t)(th[2] << 8 | th[3]);
	g->seq = rd32(th + 4);
	g->ack = rd32(th + 8);
	g->flags = th[13];
	g->win = (uint16_t)(th[14] << 8 | th[15]);
	g->len = tot - ihl - thl;
	g->payload = th + thl;
	g->mss = g->wscale = -1;
	o = th + 20;
	for (i = 0; i < thl - 20;) {
		uint8_t k = o[i];

		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		CHECK(i + 1 < thl - 20 && o[i + 1] >= 2, "option length");
		if (k == 2)
			g->mss = o[i + 2] << 8 | o[i + 3];
		else if (k == 3)
			g->wscale = o[i + 2];
		else if (k == 4)
			g->sack_ok = true;
		else if (k == 8) {
			g->ts = true;
			g->tsval = rd32(o + i + 2);
			g->tsecr = rd32(o + i + 6);
		}
		i += o[i + 1];
	}
	return 0;
}

static long long
now_us(void)
{
	struct timeval tv;

	ifc.gettimeofday(ud, &tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int
listener(uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int fd = ifc.socket(ud, AF_INET, SOCK_STREAM, IPPROTO_TCP), one = 1;

	CHECK(fd >= 0, "socket: %s", strerror(errno));
	CHECK(ifc.setsockopt(ud, fd, SOL_SOCKET, SO_REUSEADDR, &one,
		sizeof(one)) == 0, "SO_REUSEADDR");
	inet_pton(AF_INET, OUR_IP, &sin.sin_addr);
	CHECK(ifc.bind(ud, fd, (struct sockaddr *)&sin, sizeof(sin)) == 0,
		"bind: %s", strerror(errno));
	CHECK(ifc.listen(ud, fd, 4) == 0, "listen: %s", strerror(errno));
	return fd;
}

/* SYN options: MSS 1460, SACK permitted, timestamps, window scale 7. */
static const uint8_t syn_opts[] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
	1, 3, 3, 7,
};

static uint8_t ts_opts[12] = { 1, 1, 8, 10 };

static const uint8_t *
ts(uint32_t val, uint32_t ecr)
{
	wr32(ts_opts + 4, val);
	wr32(ts_opts + 8, ecr);
	return ts_opts;
}

struct conn {
	int fd;
	uint16_t pport;
	uint32_t pseq;		/* the peer's next sequence number */
	uint32_t sseq;		/* the stack's next */
	uint32_t stsval;	/* the stack's latest TSval */
};

/* Passive open on 'lfd': SYN, SYN-ACK checked, ACK, accept. */
static int
passive_open(int lfd, struct conn *c, uint16_t pport)
{
	struct sockaddr_in sin;
	socklen_t alen = sizeof(sin);
	char ip[INET_ADDRSTRLEN];
	struct seg g;

	c->pport = pport;
	c->pseq = 1000;
	CHECK(inject(pport, PORT, TH_SYN, c->pseq, 0, 65535, syn_opts,
		sizeof(syn_opts), NULL, 0) == 0, "inject SYN");
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == (TH_SYN | TH_ACK), "SYN-ACK flags %#x", g.flags);
	CHECK(g.ack == c->pseq + 1, "SYN-ACK ack %u", g.ack);
	CHECK(g.sport == PORT && g.dport == pport, "SYN-ACK ports");
	CHECK(g.mss == 1460, "SYN-ACK MSS %d", g.mss);
	CHECK(g.sack_ok && g.ts && g.wscale >= 0, "SYN-ACK options");
	CHECK(g.tsecr == 1, "SYN-ACK TSecr %u (the SYN's TSval)", g.tsecr);
	c->pseq++;
	c->sseq = g.seq + 1;
	c->stsval = g.tsval;
	CHECK(ifc.accept(ud, lfd, NULL, NULL) == -1 && errno == EAGAIN,
		"accept before the handshake completes (non-blocking)");
	CHECK(inject(pport, PORT, TH_ACK, c->pseq, c->sseq, 1024,
		ts(10, c->stsval), 12, NULL, 0) == 0, "inject ACK");
	c->fd = ifc.accept(ud, lfd, (struct sockaddr *)&sin, &alen);
	CHECK(c->fd >= 0, "accept: %s", strerror(errno));
	inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip));
	CHECK(strcmp(ip, PEER_IP) == 0 && ntohs(sin.sin_port) == pport,
		"accept address %s:%u", ip, ntohs(sin.sin_port));
	return 0;
}

static int
test_passive_data_close(void)
{
	uint8_t in[100], out[500], got[1000];
	long long t0;
	struct conn c;
	struct seg g;
	int lfd, fl;

	lfd = listener(PORT);
	if (lfd < 0)
		return -1;
	fl = ifc.fcntl(ud, lfd, F_GETFL, 0);
	CHECK(ifc.fcntl(ud, lfd, F_SETFL, fl | O_NONBLOCK) == 0, "fcntl");
	if (passive_open(lfd, &c, 40000) != 0)
		return -1;

	/* Data in: readable at once, acknowledged by the delayed ACK. */
	memset(in, 'a', sizeof(in));
	t0 = now_us();
	CHECK(inject(c.pport, PORT, TH_ACK | TH_PSH, c.pseq, c.sseq, 1024,
		ts(11, c.stsval), 12, in, sizeof(in)) == 0, "inject data");
	c.pseq += sizeof(in);
	CHECK(ifc.read(ud, c.fd, got, sizeof(got)) == (ssize_t)sizeof(in),
		"read: %s", strerror(errno));
	CHECK(memcmp(got, in, sizeof(in)) == 0, "bytes read");
	CHECK(ifc.fcntl(ud, c.fd, F_SETFL, O_NONBLOCK) == 0, "fcntl");
	CHECK(ifc.read(ud, c.fd, got, sizeof(got)) == -1 && errno == EAGAIN,
		"read with nothing there");
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == TH_ACK && g.len == 0 && g.ack == c.pseq,
		"delayed ACK flags %#x ack %u", g.flags, g.ack);
	CHECK(g.t - t0 >= 40000 && g.t - t0 <= 42000,
		"delayed ACK after %lld us (40 ms)", g.t - t0);

	/* A datagram larger than one mbuf (packetdrill injects GRO-sized
	 * ones): all of it arrives. */
	{
		static uint8_t big[2500];

		memset(big, 'g', sizeof(big));
		CHECK(inject(c.pport, PORT, TH_ACK | TH_PSH, c.pseq, c.sseq,
			1024, ts(12, c.stsval), 12, big, sizeof(big)) == 0,
			"inject 2500 bytes: %s", strerror(errno));
		c.pseq += sizeof(big);
		CHECK(ifc.read(ud, c.fd, got, sizeof(got)) ==
			(ssize_t)sizeof(got) && memcmp(got, big,
			sizeof(got)) == 0, "read the first 1000");
		CHECK(ifc.recv(ud, c.fd, got, sizeof(got), MSG_PEEK) ==
			(ssize_t)sizeof(got), "peek");
		CHECK(ifc.read(ud, c.fd, got, sizeof(got)) ==
			(ssize_t)sizeof(got), "read the next 1000");
		CHECK(ifc.read(ud, c.fd, got, sizeof(got)) == 500 &&
			memcmp(got, big, 500) == 0, "read the last 500");
		if (next_seg(&g) != 0)
			return -1;
		CHECK(g.flags == TH_ACK && g.ack == c.pseq,
			"ACK of 2500 bytes: ack %u", g.ack);
	}

	/* Data out. */
	memset(out, 'b', sizeof(out));
	CHECK(ifc.write(ud, c.fd, out, sizeof(out)) == (ssize_t)sizeof(out),
		"write: %s", strerror(errno));
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.len == sizeof(out) && g.seq == c.sseq &&
		memcmp(g.payload, out, sizeof(out)) == 0 &&
		(g.flags & TH_ACK), "data segment len %u seq %u", g.len,
		g.seq);
	c.sseq += g.len;
	CHECK(inject(c.pport, PORT, TH_ACK, c.pseq, c.sseq, 1024,
		ts(12, g.tsval), 12, NULL, 0) == 0, "inject ACK");

	CHECK(ifc.write(ud, c.fd, NULL, 10) == -1 && errno == EFAULT,
		"write from NULL");
	CHECK(ifc.read(ud, c.fd, NULL, 10) == -1 && errno == EFAULT,
		"read into NULL");

	/* We close: FIN; the peer's FIN; our ACK of it (TIME_WAIT). */
	CHECK(ifc.close(ud, c.fd) == 0, "close");
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == (TH_FIN | TH_ACK) && g.seq == c.sseq,
		"FIN flags %#x seq %u", g.flags, g.seq);
	c.sseq++;
	CHECK(inject(c.pport, PORT, TH_FIN | TH_ACK, c.pseq, c.sseq, 1024,
		ts(13, g.tsval), 12, NULL, 0) == 0, "inject FIN");
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == TH_ACK && g.ack == c.pseq + 1 && g.seq == c.sseq,
		"ACK of FIN flags %#x ack %u", g.flags, g.ack);
	CHECK(ifc.close(ud, c.fd) == -1 && errno == EBADF, "double close");

	/* A SYN to a port nobody listens on: RST, ACK of the SYN. */
	CHECK(inject(40001, 9, TH_SYN, 5000, 0, 65535, syn_opts,
		sizeof(syn_opts), NULL, 0) == 0, "inject SYN");
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == (TH_RST | TH_ACK) && g.seq == 0 && g.ack == 5001 &&
		g.sport == 9 && g.dport == 40001, "RST flags %#x ack %u",
		g.flags, g.ack);
	CHECK(ifc.close(ud, lfd) == 0, "close listener");
	return 0;
}

static int
test_active_open_reset(void)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(5001),
	};
	struct tcp_info ti;
	socklen_t len;
	struct pollfd p;
	uint8_t synack_opts[20];
	char b[10];
	int fd, err;
	struct seg g;
	uint32_t pseq = 777000;

	inet_pton(AF_INET, PEER_IP, &sin.sin_addr);
	fd = ifc.socket(ud, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(fd >= 0, "socket");
	CHECK(ifc.connect(ud, fd, (struct sockaddr *)&sin, sizeof(sin)) ==
		-1 && errno == EINPROGRESS, "connect: %s", strerror(errno));
	CHECK(ifc.connect(ud, fd, (struct sockaddr *)&sin, sizeof(sin)) ==
		-1 && errno == EALREADY, "second connect: %s",
		strerror(errno));
	/* ARP is answered inside: the SYN is the first datagram. */
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == TH_SYN && g.dport == 5001 && g.mss == 1460 &&
		g.sack_ok && g.ts && g.wscale >= 0, "SYN flags %#x",
		g.flags);
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	CHECK(ifc.poll(ud, &p, 1, 0) == 0, "poll before the SYN-ACK");
	memcpy(synack_opts, syn_opts, sizeof(synack_opts));
	wr32(synack_opts + 8, 500);		/* TSval */
	wr32(synack_opts + 12, g.tsval);	/* TSecr */
	CHECK(inject(5001, g.sport, TH_SYN | TH_ACK, pseq, g.seq + 1, 65535,
		synack_opts, sizeof(synack_opts), NULL, 0) == 0,
		"inject SYN-ACK");
	pseq++;
	{
		uint32_t seq = g.seq + 1;
		uint16_t lport = g.sport;

		if (next_seg(&g) != 0)
			return -1;
		CHECK(g.flags == TH_ACK && g.ack == pseq && g.seq == seq &&
			g.len == 0, "ACK of SYN-ACK flags %#x", g.flags);
		CHECK(ifc.poll(ud, &p, 1, 0) == 1 && p.revents == POLLOUT,
			"poll: revents %#x", p.revents);
		len = sizeof(err);
		CHECK(ifc.getsockopt(ud, fd, SOL_SOCKET, SO_ERROR, &err,
			&len) == 0 && err == 0, "SO_ERROR %d", err);
		len = sizeof(ti);
		CHECK(ifc.getsockopt(ud, fd, IPPROTO_TCP, TCP_INFO, &ti,
			&len) == 0 && ti.tcpi_state == 1 &&
			ti.tcpi_snd_mss == 1448, "TCP_INFO state %u mss %u",
			ti.tcpi_state, ti.tcpi_snd_mss);
		/* The peer resets: the next read says so, once. */
		CHECK(inject(5001, lport, TH_RST, pseq, 0, 0, NULL, 0, NULL,
			0) == 0, "inject RST");
	}
	CHECK(ifc.read(ud, fd, b, sizeof(b)) == -1 && errno == ECONNRESET,
		"read after RST: %s", strerror(errno));
	CHECK(ifc.read(ud, fd, b, sizeof(b)) == 0, "read after that");
	CHECK(ifc.write(ud, fd, b, sizeof(b)) == -1 && errno == EPIPE,
		"write after RST: %s", strerror(errno));
	CHECK(ifc.close(ud, fd) == 0, "close");
	return 0;
}

/* packetdrill's "+0...0.1 accept()": the call blocks on one thread while
 * the main thread injects the handshake. */
static int blocking_fd, blocking_ret, blocking_errno;

static void *
blocking_accept(void *arg)
{
	(void)arg;
	blocking_ret = ifc.accept(ud, blocking_fd, NULL, NULL);
	blocking_errno = errno;
	return NULL;
}

static int
test_blocking_accept(void)
{
	long long t0;
	pthread_t th;
	struct seg g;
	int lfd = listener(8081);

	if (lfd < 0)
		return -1;
	blocking_fd = lfd;
	t0 = now_us();
	CHECK(pthread_create(&th, NULL, blocking_accept, NULL) == 0,
		"thread");
	ifc.usleep(ud, 100000);
	CHECK(inject(41000, 8081, TH_SYN, 1, 0, 65535, syn_opts,
		sizeof(syn_opts), NULL, 0) == 0, "inject SYN");
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == (TH_SYN | TH_ACK), "SYN-ACK");
	ifc.usleep(ud, 50000);
	CHECK(inject(41000, 8081, TH_ACK, 2, g.seq + 1, 1024,
		ts(1, g.tsval), 12, NULL, 0) == 0, "inject ACK");
	pthread_join(th, NULL);
	CHECK(blocking_ret >= 0, "blocking accept: %s",
		strerror(blocking_errno));
	/* The main thread drove the clock: 150 ms, not more. */
	CHECK(now_us() - t0 >= 150000 && now_us() - t0 < 155000,
		"virtual time %lld us", now_us() - t0);
	CHECK(ifc.close(ud, blocking_ret) == 0, "close");
	/* Our close sends FIN. */
	if (next_seg(&g) != 0)
		return -1;
	CHECK(g.flags == (TH_FIN | TH_ACK), "FIN flags %#x", g.flags);
	CHECK(ifc.close(ud, lfd) == 0, "close listener");
	return 0;
}

int
main(int argc, char **argv)
{
	packetdrill_interface_init_t init;
	void *h;

	if (argc != 2) {
		fprintf(stderr, "usage: %s libwoshou_packetdrill.so\n", argv[0]);
		return 2;
	}
	/* As packetdrill's so_testing.c opens it; the sanitizer runtimes
	 * refuse RTLD_DEEPBIND, so their builds go without. */
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE |
		PD_DEEPBIND);
	if (h == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	init = (packetdrill_interface_init_t)(uintptr_t)dlsym(h,
		"packetdrill_interface_init");
	if (init == NULL) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	init("tcp.delack_ms=40,tcp.rto_min_ms=200", &ifc);
	ud = ifc.userdata;
	if (ifc.free == NULL || ifc.socket == NULL || ifc.netdev_send == NULL ||
			ifc.netdev_receive == NULL || ifc.usleep == NULL ||
			ifc.gettimeofday == NULL || ifc.epoll_wait == NULL ||
			ifc.splice == NULL) {
		fprintf(stderr, "FAIL: an interface function is missing\n");
		return 1;
	}
	test_passive_data_close();
	test_active_open_reset();
	test_blocking_accept();
	ifc.free(ud);
	dlclose(h);
	printf("packetdrill driver: %u failure(s)\n", failures);
	return failures == 0 ? 0 : 1;
}
