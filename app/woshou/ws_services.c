/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * HTTP, echo and discard on the TCP application API (see ws_services.h).
 *
 * Every callback runs on the worker that owns the connection, so the
 * per-connection state needs no locking, and the HTTP state pools are one
 * per worker lcore, found with rte_lcore_id() in 'accepted' and remembered
 * in the state for 'closed'. Single-producer, single-consumer pools with
 * no cache: only their own worker ever touches them.
 *
 * Receive flow control is the API's: 'data' returns how much it took, and
 * whatever it leaves stays in the stack's receive buffer (closing the
 * window) until 'writable' calls ws_tcp_recv_resume().
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ws_http.h"
#include "ws_services.h"

struct svc_lcore;

/* One HTTP connection; 'buf' holds [http] max_request bytes. */
struct http_conn {
	struct ws_http_parser parser;	/* over buf[0..len) */
	struct ws_http_response resp;	/* the response being sent */
	struct rte_mempool *pool;	/* this state goes back here */
	struct svc_lcore *home;		/* the worker's pool and counters */
	const struct ws_services *svc;
	uint64_t skip;			/* body bytes still to drop */
	uint64_t out_total;		/* bytes ever put in the send buffer */
	uint64_t out_total_idle;	/* out_total at the last idle period */
	uint32_t len;			/* request bytes in buf */
	uint32_t out_off;		/* bytes of resp already sent */
	bool out_pending;		/* resp not all in the send buffer */
	bool close_after;		/* shut down once resp is sent */
	bool closing;			/* shut down: input is dropped */
	bool peer_closed;		/* the peer's FIN arrived */
	bool holding;			/* we left bytes in the stack */
	char buf[];
};

/* A worker lcore's own pool and counter, on a cache line of their own. */
struct svc_lcore {
	struct rte_mempool *pool;
	uint64_t refused;
	uint64_t stalled;		/* responses abandoned: no progress */
} __rte_cache_aligned;

struct ws_services {
	uint32_t max_request;
	uint32_t max_body;
	uint32_t keepalive_ms;		/* idle connections close; 0 = off */
	/* [http|echo|discard] keepalive: TCP keep-alive on accepted ones */
	bool http_tcp_keepalive, echo_keepalive, discard_keepalive;
	unsigned int n_res;
	struct ws_http_resource res[WS_HTTP_MAX_ROUTES];
	void *files[WS_HTTP_MAX_ROUTES];	/* loaded file bodies */
	struct svc_lcore lcore[RTE_MAX_LCORE];
};

/* Copy 'len' bytes starting 'off' bytes into the chain 'm' to 'dst'. */
static void
chain_copy(const struct rte_mbuf *m, uint32_t off, uint32_t len, char *dst)
{
	uint32_t n;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; len > 0 && m != NULL; m = m->next, off = 0) {
		n = RTE_MIN(len, (uint32_t)m->data_len - off);
		memcpy(dst, rte_pktmbuf_mtod_offset(m, const char *, off), n);
		dst += n;
		len -= n;
	}
}

/* HTTP */

/* A response head and the start of its body are sent together up to this. */
#define HTTP_JOIN_MAX (WS_HTTP_HEAD_MAX + 2048)

/* Put as much of the current response as fits into the send buffer. */
static void
http_send(struct ws_tcp_conn *c, struct http_conn *hc)
{
	const struct ws_http_response *r = &hc->resp;
	uint32_t total = r->head_len + r->body_len, n, body_n;
	char joined[HTTP_JOIN_MAX];
	const char *p;
	int sent;

	while (hc->out_off < total) {
		if (hc->out_off < r->head_len) {
			/*
			 * The head with as much of the body as fits in one
			 * send: with nodelay each send is a segment, and a
			 * small page then goes out in one instead of two.
			 */
			n = r->head_len - hc->out_off;
			body_n = RTE_MIN(r->body_len,
				(uint32_t)sizeof(joined) - n);
			memcpy(joined, r->head + hc->out_off, n);
			if (body_n != 0)
				memcpy(joined + n, r->body, body_n);
			p = joined;
			n += body_n;
		} else {
			p = (const char *)r->body + (hc->out_off - r->head_len);
			n = total - hc->out_off;
		}
		sent = ws_tcp_send(c, p, n);
		if (sent < 0) {
			/* Reset or shut under us: 'closed' is on its way. */
			hc->out_pending = false;
			hc->closing = true;
			return;
		}
		hc->out_off += (uint32_t)sent;
		hc->out_total += (uint32_t)sent;
		if ((uint32_t)sent < n)
			return;		/* the rest in 'writable' */
	}
	hc->out_pending = false;
	if (hc->close_after) {
		ws_tcp_shutdown(c);
		hc->closing = true;
	}
}

/* Answer the request (or error) at the start of buf and drop it. */
static void
http_answer(struct ws_tcp_conn *c, struct http_conn *hc,
		enum ws_http_result r)
{
	const struct ws_http_request *req = &hc->parser.req;
	uint32_t used, drop;

	ws_http_respond(&hc->parser, r, hc->svc->res, hc->svc->n_res,
		&hc->resp);
	if (r == WS_HTTP_COMPLETE) {
		/* The body is read and ignored; what follows it stays. */
		used = req->head_len;
		drop = (uint32_t)RTE_MIN(req->content_length,
			(uint64_t)(hc->len - used));
		hc->skip = req->content_length - drop;
		used += drop;
		memmove(hc->buf, hc->buf + used, hc->len - used);
		hc->len -= used;
	} else {
		hc->len = 0;
	}
	ws_http_parser_init(&hc->parser);
	hc->close_after = !hc->resp.keep_alive;
	hc->out_off = 0;
	hc->out_pending = true;
	http_send(c, hc);
}

/*
 * Take bytes from the chain (none when m is NULL) and answer every
 * complete request, in order, until a response does not fit in the send
 * buffer. Returns the bytes taken.
 */
static uint32_t
http_input(struct ws_tcp_conn *c, struct http_conn *hc,
		const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	const struct ws_services *svc = hc->svc;
	enum ws_http_result r;
	uint32_t consumed = 0, n;

	for (;;) {
		if (hc->closing)
			return len;	/* after our FIN: read and drop */
		if (hc->out_pending)
			return consumed;
		if (hc->skip > 0) {
			if (consumed == len)
				return consumed;
			n = (uint32_t)RTE_MIN(hc->skip,
				(uint64_t)(len - consumed));
			hc->skip -= n;
			consumed += n;
			continue;
		}
		r = ws_http_parse(&hc->parser, hc->buf, hc->len,
			svc->max_request, svc->max_body);
		if (r != WS_HTTP_NEED_MORE) {
			http_answer(c, hc, r);
			continue;
		}
		if (consumed == len)
			return consumed;
		/* Never zero: a full buffer is a parse error, not NEED_MORE. */
		n = RTE_MIN(svc->max_request - hc->len, len - consumed);
		chain_copy(m, off + consumed, n, hc->buf + hc->len);
		hc->len += n;
		consumed += n;
	}
}

/*
 * After the peer's FIN, shut down once every complete request has been
 * answered and sent: a client may half-close right after its requests.
 */
static void
http_maybe_finish(struct ws_tcp_conn *c, struct http_conn *hc)
{
	if (hc->peer_closed && !hc->closing && !hc->out_pending &&
			!hc->holding) {
		ws_tcp_shutdown(c);
		hc->closing = true;
	}
}

static int
http_accepted(struct ws_tcp_conn *c, void *listen_arg)
{
	struct ws_services *svc = listen_arg;
	unsigned int lcore = rte_lcore_id();
	struct http_conn *hc;
	struct svc_lcore *l;
	void *obj;

	if (lcore >= RTE_MAX_LCORE || svc->lcore[lcore].pool == NULL)
		return -EINVAL;		/* not one of our workers */
	l = &svc->lcore[lcore];
	if (rte_mempool_get(l->pool, &obj) < 0) {
		l->refused++;
		return -ENOMEM;
	}
	hc = obj;
	memset(hc, 0, offsetof(struct http_conn, buf));
	hc->pool = l->pool;
	hc->home = l;
	hc->svc = svc;
	ws_http_parser_init(&hc->parser);
	ws_tcp_set_ctx(c, hc);
	/*
	 * Head and body go in two sends; with Nagle the body would wait for
	 * the ACK of the head, which the peer delays.
	 */
	ws_tcp_set_nodelay(c, true);
	ws_tcp_set_idle_timeout(c, svc->keepalive_ms);
	if (svc->http_tcp_keepalive)
		ws_tcp_set_keepalive(c, true, 0, 0, 0);
	return 0;
}

static uint32_t
http_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct http_conn *hc = ws_tcp_ctx(c);
	uint32_t consumed;

	if (hc == NULL)
		return len;
	consumed = http_input(c, hc, m, off, len);
	hc->holding = consumed < len;
	http_maybe_finish(c, hc);
	return consumed;
}

static void
http_writable(struct ws_tcp_conn *c)
{
	struct http_conn *hc = ws_tcp_ctx(c);

	if (hc == NULL)
		return;
	if (hc->out_pending) {
		http_send(c, hc);
		if (hc->out_pending)
			return;
	}
	/* Pipelined requests already in buf, then what the stack holds. */
	http_input(c, hc, NULL, 0, 0);
	if (!hc->out_pending && hc->holding)
		ws_tcp_recv_resume(c);
	http_maybe_finish(c, hc);
}

static void
http_peer_closed(struct ws_tcp_conn *c)
{
	struct http_conn *hc = ws_tcp_ctx(c);

	if (hc == NULL)
		return;
	hc->peer_closed = true;
	http_maybe_finish(c, hc);
}

/*
 * [http] keepalive_ms without a byte from the peer. A response still
 * going out to a peer that reads slowly is activity: keep it. But one that
 * made no progress for a whole period (nothing more went into the send
 * buffer: the peer's window stayed shut) is abandoned, as nginx's
 * send_timeout does: a peer that keeps answering zero-window probes would
 * otherwise hold the connection and its send buffer for ever (Sockstress).
 * The close makes it an orphan, which [tcp] orphan_retries and
 * orphans_max bound. Anything else closes too: between requests that is
 * the keep-alive timeout itself, and a partial request that stalled for
 * as long would otherwise hold the connection forever (there is no
 * separate request timeout). After our FIN the close also bounds
 * FIN_WAIT_2 and hands a FIN still queued behind a shut window to the
 * orphan limits.
 */
static void
http_idle(struct ws_tcp_conn *c)
{
	struct http_conn *hc = ws_tcp_ctx(c);

	if (hc != NULL && (hc->out_pending || hc->holding)) {
		if (hc->out_total != hc->out_total_idle) {
			hc->out_total_idle = hc->out_total;
			return;	/* the stack asks again after another period */
		}
		hc->home->stalled++;
	}
	ws_tcp_close(c);
}

/*
 * The stack is stopping: the response going out is finished, then FIN;
 * no new one starts (requests read but not answered yet stay so, and
 * what arrives after the FIN is dropped). An idle connection gets its
 * FIN at once.
 */
static void
http_drain(struct ws_tcp_conn *c)
{
	struct http_conn *hc = ws_tcp_ctx(c);

	if (hc == NULL) {
		ws_tcp_close(c);
		return;
	}
	if (hc->closing)
		return;
	if (hc->out_pending) {
		hc->close_after = true;	/* http_send shuts down after it */
		return;
	}
	ws_tcp_shutdown(c);
	hc->closing = true;
}

static void
http_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	struct http_conn *hc = ws_tcp_ctx(c);

	RTE_SET_USED(why);
	if (hc == NULL)
		return;
	ws_tcp_set_ctx(c, NULL);
	rte_mempool_put(hc->pool, hc);
}

static const struct ws_tcp_ops http_ops = {
	.accepted = http_accepted,
	.data = http_data,
	.writable = http_writable,
	.peer_closed = http_peer_closed,
	.closed = http_closed,
	.idle = http_idle,
	.drain = http_drain,
};

/*
 * Echo (RFC 862). Its whole state is three flags, kept in the context
 * pointer itself, so it needs no memory at all.
 */

#define ECHO_HOLDING 0x1u	/* we left received bytes in the stack */
#define ECHO_PEER_CLOSED 0x2u
#define ECHO_SHUT 0x4u		/* our FIN is queued */

static uintptr_t
echo_flags(const struct ws_tcp_conn *c)
{
	return (uintptr_t)ws_tcp_ctx(c);
}

static void
echo_set_flags(struct ws_tcp_conn *c, uintptr_t f)
{
	ws_tcp_set_ctx(c, (void *)f);
}

static int
echo_accepted(struct ws_tcp_conn *c, void *listen_arg)
{
	const struct ws_services *svc = listen_arg;

	echo_set_flags(c, 0);
	/* Echo small writes back at once rather than after an ACK. */
	ws_tcp_set_nodelay(c, true);
	if (svc != NULL && svc->echo_keepalive)
		ws_tcp_set_keepalive(c, true, 0, 0, 0);
	return 0;
}

static uint32_t
echo_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	uintptr_t f = echo_flags(c);
	uint32_t consumed = 0, n;
	int sent;

	if (f & ECHO_SHUT)
		return len;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; consumed < len && m != NULL; m = m->next, off = 0) {
		n = RTE_MIN(len - consumed, (uint32_t)m->data_len - off);
		sent = ws_tcp_send(c, rte_pktmbuf_mtod_offset(m,
			const char *, off), n);
		if (sent < 0) {
			echo_set_flags(c, f | ECHO_SHUT);
			return len;
		}
		consumed += (uint32_t)sent;
		if ((uint32_t)sent < n)
			break;
	}
	if (consumed < len)
		f |= ECHO_HOLDING;
	else
		f &= ~(uintptr_t)ECHO_HOLDING;
	if ((f & ECHO_PEER_CLOSED) && !(f & ECHO_HOLDING)) {
		ws_tcp_shutdown(c);
		f |= ECHO_SHUT;
	}
	echo_set_flags(c, f);
	return consumed;
}

static void
echo_writable(struct ws_tcp_conn *c)
{
	if (echo_flags(c) & ECHO_HOLDING)
		ws_tcp_recv_resume(c);
}

static void
echo_peer_closed(struct ws_tcp_conn *c)
{
	uintptr_t f = echo_flags(c) | ECHO_PEER_CLOSED;

	/* With bytes still to echo, echo_data() shuts down after them. */
	if (!(f & (ECHO_HOLDING | ECHO_SHUT))) {
		ws_tcp_shutdown(c);
		f |= ECHO_SHUT;
	}
	echo_set_flags(c, f);
}

static const struct ws_tcp_ops echo_ops = {
	.accepted = echo_accepted,
	.data = echo_data,
	.writable = echo_writable,
	.peer_closed = echo_peer_closed,
};

/* Discard (RFC 863). */

static uint32_t
discard_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	RTE_SET_USED(c);
	RTE_SET_USED(m);
	RTE_SET_USED(off);
	return len;
}

static void
discard_peer_closed(struct ws_tcp_conn *c)
{
	ws_tcp_shutdown(c);
}

static int
discard_accepted(struct ws_tcp_conn *c, void *listen_arg)
{
	const struct ws_services *svc = listen_arg;

	if (svc != NULL && svc->discard_keepalive)
		ws_tcp_set_keepalive(c, true, 0, 0, 0);
	return 0;
}

static const struct ws_tcp_ops discard_ops = {
	.accepted = discard_accepted,
	.data = discard_data,
	.peer_closed = discard_peer_closed,
};

/* Setup */

/* Read a route's whole file; the config loader checked it already. */
static int
load_file(const char *path, void **data, uint32_t *len)
{
	struct stat st;
	ssize_t got;
	size_t done = 0;
	char *buf;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
			st.st_size > WS_HTTP_MAX_FILE) {
		close(fd);
		return -EINVAL;
	}
	/* One byte more, so that an empty file is not a NULL body. */
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		got = read(fd, buf + done, (size_t)st.st_size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			/* An error, or the file shrank under us. */
			ret = got < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)got;
	}
	close(fd);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*data = buf;
	*len = (uint32_t)done;
	return 0;
}

static int
load_routes(struct ws_services *svc, const struct ws_services_config *sc)
{
	const struct ws_http_route *r;
	struct ws_http_resource *res;
	unsigned int i;
	int ret;

	for (i = 0; i < sc->n_routes && i < WS_HTTP_MAX_ROUTES; i++) {
		r = &sc->routes[i];
		if (r->path[0] == '\0')
			continue;	/* an unused slot */
		res = &svc->res[svc->n_res];
		res->path = r->path;
		res->content_type = r->content_type;
		if (r->file[0] != '\0') {
			ret = load_file(r->file, &svc->files[svc->n_res],
				&res->body_len);
			if (ret < 0) {
				fprintf(stderr, "woshou: [http] route%u: "
					"cannot read %s: %s\n", i + 1,
					r->file, strerror(-ret));
				return ret;
			}
			res->body = svc->files[svc->n_res];
		} else {
			res->body = r->body;
			res->body_len = (uint32_t)strlen(r->body);
		}
		svc->n_res++;
	}
	return 0;
}

static int
create_pools(struct ws_services *svc, const struct ws_config *cfg,
		const struct ws_services_config *sc)
{
	static unsigned int seq;	/* unique names across restarts */
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int i, lcore, n;
	size_t size;

	n = RTE_MIN(cfg->tcp.max_connections, sc->http_max_connections);
	size = sizeof(struct http_conn) + sc->http_max_request;
	for (i = 0; i < cfg->workers.count; i++) {
		lcore = cfg->workers.lcores[i];
		if (lcore >= RTE_MAX_LCORE || svc->lcore[lcore].pool != NULL)
			continue;
		snprintf(name, sizeof(name), "ws_http%u_%u", seq, lcore);
		svc->lcore[lcore].pool = rte_mempool_create(name, n, size, 0,
			0, NULL, NULL, NULL, NULL,
			(int)rte_lcore_to_socket_id(lcore),
			RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
		if (svc->lcore[lcore].pool == NULL) {
			fprintf(stderr, "woshou: cannot create %u HTTP "
				"connection states of %zu bytes for lcore %u: "
				"%s\n", n, size, lcore,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	seq++;
	return 0;
}

static int
listen_on(struct ws_stack *s, const char *name, uint16_t port,
		const struct ws_tcp_ops *ops, void *arg)
{
	int ret;

	if (port == 0)
		return 0;
	ret = ws_tcp_listen(s, port, ops, arg);
	if (ret < 0)
		fprintf(stderr, "woshou: cannot listen for %s on port %u: "
			"%s\n", name, port, strerror(-ret));
	return ret;
}

struct ws_services *
ws_services_start(struct ws_stack *s, const struct ws_config *cfg,
		const struct ws_services_config *sc)
{
	struct ws_services *svc;
	int ret = 0;

	svc = rte_zmalloc("ws_services", sizeof(*svc), RTE_CACHE_LINE_SIZE);
	if (svc == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	svc->max_request = sc->http_max_request;
	svc->max_body = sc->http_max_body;
	svc->keepalive_ms = sc->http_keepalive_ms;
	svc->http_tcp_keepalive = sc->http_tcp_keepalive;
	svc->echo_keepalive = sc->echo_keepalive;
	svc->discard_keepalive = sc->discard_keepalive;
	if (sc->http_port != 0) {
		ret = load_routes(svc, sc);
		if (ret == 0)
			ret = create_pools(svc, cfg, sc);
		if (ret == 0)
			ret = listen_on(s, "http", sc->http_port, &http_ops,
				svc);
	}
	if (ret == 0)
		ret = listen_on(s, "echo", sc->echo_port, &echo_ops, svc);
	if (ret == 0)
		ret = listen_on(s, "discard", sc->discard_port, &discard_ops,
			svc);
	if (ret < 0) {
		ws_services_free(svc);
		rte_errno = -ret;
		return NULL;
	}
	return svc;
}

void
ws_services_free(struct ws_services *svc)
{
	unsigned int i;

	if (svc == NULL)
		return;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		rte_mempool_free(svc->lcore[i].pool);
	for (i = 0; i < WS_HTTP_MAX_ROUTES; i++)
		free(svc->files[i]);
	rte_free(svc);
}

/* The per-lcore counter at offset 'field' of svc_lcore, over every lcore. */
static uint64_t
lcore_sum(const struct ws_services *svc, size_t field)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++)
		n += *(const uint64_t *)((const char *)&svc->lcore[i] + field);
	return n;
}

uint64_t
ws_services_refused(const struct ws_services *svc)
{
	return lcore_sum(svc, offsetof(struct svc_lcore, refused));
}

uint64_t
ws_services_stalled(const struct ws_services *svc)
{
	return lcore_sum(svc, offsetof(struct svc_lcore, stalled));
}
