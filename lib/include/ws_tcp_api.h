/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_TCP_API_H
#define WS_TCP_API_H

/*
 * The TCP application interface.
 *
 * Every connection belongs to one worker for its whole life. Callbacks run
 * on that worker, inside its poll loop, and every call below on a
 * connection must be made from that worker (from a callback, or from a
 * per-worker hook): there are no locks. Nothing blocks: a send takes what
 * fits, a close returns at once and the 'closed' callback follows.
 *
 * A callback may call anything here on its own connection, close and
 * abort included: the stack never calls back while the connection is
 * half-updated, and it keeps the memory until the callback returns.
 * Segments queued by calls made outside the receive path go out at the
 * worker loop's next transmit flush.
 *
 * Receiving is zero-copy: 'data' is handed a view of the received mbufs
 * and returns how many bytes (a prefix) it consumed. Bytes it leaves stay
 * in the connection's receive buffer, count against the advertised window
 * (that is the flow control), and are offered again, followed by any new
 * data, when more arrives or after ws_tcp_recv_resume().
 *
 * Errors: negative errno, or NULL plus rte_errno.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

struct ws_tcp_conn;
struct ws_worker;
struct ws_stack;

/* Why a connection ended (RFC 9293 MUST-12: a FIN close is not an abort). */
enum ws_tcp_close_reason {
	WS_TCP_CLOSED_NORMAL = 0,	/* both FINs exchanged and acknowledged */
	WS_TCP_CLOSED_RESET,		/* the peer reset the connection */
	WS_TCP_CLOSED_REFUSED,		/* active open answered with RST */
	WS_TCP_CLOSED_TIMEOUT,		/* retransmissions reached R2 */
	WS_TCP_CLOSED_KEEPALIVE,	/* keep-alive probes unanswered */
	WS_TCP_CLOSED_ABORTED,		/* we called ws_tcp_abort() */
	WS_TCP_CLOSED_UNREACHABLE,	/* ICMP hard error (RFC 1122 4.2.3.9) */
	WS_TCP_CLOSED_NOMEM,		/* out of buffers */
	WS_TCP_CLOSED_STOPPED,		/* the stack stopped: reset at the end of
					 * ws_stack_drain, or dropped by destroy */
};

/* RFC 9293 state names, in FreeBSD's tcp_fsm.h order. */
enum ws_tcp_state {
	WS_TCP_CLOSED = 0,
	WS_TCP_LISTEN,
	WS_TCP_SYN_SENT,
	WS_TCP_SYN_RECEIVED,
	WS_TCP_ESTABLISHED,
	WS_TCP_CLOSE_WAIT,
	WS_TCP_FIN_WAIT_1,
	WS_TCP_CLOSING,
	WS_TCP_LAST_ACK,
	WS_TCP_FIN_WAIT_2,
	WS_TCP_TIME_WAIT,
	WS_TCP_NSTATES,
};

/* "ESTABLISHED", ...; "?" for a bad value. */
const char *ws_tcp_state_name(enum ws_tcp_state state);

/* All optional; a NULL callback means "not interested". */
struct ws_tcp_ops {
	/*
	 * A passive open completed (ESTABLISHED). 'listen_arg' is what
	 * ws_tcp_listen() was given. Return 0 to keep the connection, or a
	 * negative value to refuse it (it is reset, and no 'closed' follows).
	 */
	int (*accepted)(struct ws_tcp_conn *c, void *listen_arg);
	/* An active open completed (ESTABLISHED). */
	void (*connected)(struct ws_tcp_conn *c);
	/*
	 * In-order bytes are readable: 'len' bytes starting 'off' bytes into
	 * the chain 'm' (which the stack still owns). Return how many were
	 * consumed, 0..len.
	 */
	uint32_t (*data)(struct ws_tcp_conn *c, const struct rte_mbuf *m,
			uint32_t off, uint32_t len);
	/* Send space opened up after a send took less than it was given. */
	void (*writable)(struct ws_tcp_conn *c);
	/* The peer sent FIN: no more data will come; we may still send. */
	void (*peer_closed)(struct ws_tcp_conn *c);
	/*
	 * The last call for this connection; it is gone when this returns.
	 * After a close we started it comes when TIME_WAIT begins (NORMAL):
	 * the 4-tuple lingers for 2 MSL without the application.
	 */
	void (*closed)(struct ws_tcp_conn *c, enum ws_tcp_close_reason why);
	/*
	 * No data arrived from the peer for the time given to
	 * ws_tcp_set_idle_timeout(). Without this callback the stack calls
	 * ws_tcp_close() instead. (Last, so that initialisers written
	 * before it stay valid.)
	 */
	void (*idle)(struct ws_tcp_conn *c);
	/*
	 * The stack is stopping (ws_stack_drain): finish what is in
	 * progress, start nothing new, then close (ws_tcp_shutdown or
	 * ws_tcp_close). Called once, for connections in ESTABLISHED or
	 * CLOSE_WAIT that the application has not closed. Without this
	 * callback the stack calls ws_tcp_close() at once: the queued data
	 * still goes out before the FIN. Whatever is not closed when the
	 * drain's time is up is reset ('closed' STOPPED).
	 */
	void (*drain)(struct ws_tcp_conn *c);
};

/*
 * Accept connections to 'port' (host order) on every worker of the stack.
 * Call before ws_stack_start(). 0, -EEXIST, -ENOSPC or -EINVAL. Each
 * connection is accepted, and lives, on the worker that owns its 4-tuple
 * (ws_steer.h): the callbacks run there.
 */
int ws_tcp_listen(struct ws_stack *s, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg);

/* The same for one worker (tests; per-worker services). */
int ws_tcp_listen_worker(struct ws_worker *w, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg);

/*
 * Per-connection buffer sizes and MSS clamp, settled before the SYN or
 * SYN-ACK is built (Linux's SO_RCVBUF, SO_SNDBUF and TCP_MAXSEG set
 * before listen() or connect()). 0 in a field keeps the stack's default.
 *
 * rcvbuf  bytes of payload the receive buffer holds, and so the most
 *         window offered; 0: [tcp] rcvbuf, autotuned toward rcvbuf_max.
 *         A size given here is fixed (no autotuning), and our window
 *         scale is chosen for it rather than for rcvbuf_max (but for a
 *         SYN-cookie handshake: ws_tcp_listen_set_opts).
 * sndbuf  bytes of payload the send buffer holds; 0: [tcp] sndbuf,
 *         autotuned toward sndbuf_max. Fixed when given.
 * mss     the most we advertise in our SYN / SYN-ACK and the most we
 *         send with: the MSS is the least of this, the peer's and the
 *         MTU's (MTU - 40), less 12 with timestamps. 0: the MTU's.
 *
 * Bounds (else -EINVAL, nothing clamped): rcvbuf and sndbuf in
 * [WS_TCP_BUF_MIN_SEGS x (MTU - 40) .. the worker's [tcp] rcvbuf_max /
 * sndbuf_max]; mss in [48 .. MTU - 40]. A fixed receive buffer is not
 * limited by the receive pool as autotuning is (ws_rx_headroom): data
 * the pool cannot hold is still dropped on arrival.
 */
struct ws_tcp_conn_opts {
	uint32_t rcvbuf;
	uint32_t sndbuf;
	uint16_t mss;
};

/* The least buffer, in segments of the MTU's MSS (5840 B at MTU 1500). */
#define WS_TCP_BUF_MIN_SEGS	4

/*
 * ws_tcp_listen and ws_tcp_listen_worker whose connections get 'opts'
 * (NULL: the defaults). -EINVAL also for options out of bounds.
 */
int ws_tcp_listen_opts(struct ws_stack *s, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg,
		const struct ws_tcp_conn_opts *opts);
int ws_tcp_listen_worker_opts(struct ws_worker *w, uint16_t port,
		const struct ws_tcp_ops *ops, void *listen_arg,
		const struct ws_tcp_conn_opts *opts);

/*
 * Replace the options of the listener on 'port' (NULL: the defaults),
 * for SYNs that arrive from now on; connections already born keep
 * theirs, as Linux's TCP_MAXSEG or SO_RCVBUF set on a listening socket.
 * A cookie keeps the peer's options, not ours: one answered after the
 * change completes with the new ones, as in Linux. So that this never
 * leaves the two ends with different window scales, a SYN-cookie
 * handshake always offers the worker's scale (for rcvbuf_max), whatever
 * the listener's rcvbuf. 0, -ENOENT (no such listener) or -EINVAL. The
 * _worker form for one worker.
 */
int ws_tcp_listen_set_opts(struct ws_stack *s, uint16_t port,
		const struct ws_tcp_conn_opts *opts);
int ws_tcp_listen_worker_set_opts(struct ws_worker *w, uint16_t port,
		const struct ws_tcp_conn_opts *opts);

/*
 * Active open from worker 'w' (on its thread) to 'dst' (network order)
 * port 'dst_port' (host order). 'connected' or 'closed' follows. NULL and
 * rte_errno (ENOMEM, EADDRINUSE, EINVAL; ESHUTDOWN once the stack
 * drains) when it cannot even start. With
 * several workers the local port is one whose 4-tuple 'w' owns, so the
 * replies come to 'w' (about 16384 / workers ports per destination).
 */
struct ws_tcp_conn *ws_tcp_connect(struct ws_worker *w, uint32_t dst,
		uint16_t dst_port, const struct ws_tcp_ops *ops, void *ctx);

/*
 * The same from 'src' (network order), one of the stack's addresses
 * (ip.addr and the ip.addr_count - 1 after it; 0 = ip.addr): each source
 * address has its own ephemeral ports. EINVAL when 'src' is not ours.
 */
struct ws_tcp_conn *ws_tcp_connect_from(struct ws_worker *w, uint32_t src,
		uint32_t dst, uint16_t dst_port, const struct ws_tcp_ops *ops,
		void *ctx);

/*
 * ws_tcp_connect_from (src 0: ip.addr) with 'opts' (NULL: the defaults;
 * struct ws_tcp_conn_opts above): they shape the SYN. EINVAL also for
 * options out of bounds.
 */
struct ws_tcp_conn *ws_tcp_connect_opts(struct ws_worker *w, uint32_t src,
		uint32_t dst, uint16_t dst_port, const struct ws_tcp_ops *ops,
		void *ctx, const struct ws_tcp_conn_opts *opts);

/*
 * Fix the receive buffer at 'bytes' (as SO_RCVBUF on a connected
 * socket): autotuning stops for it. Bounds as ws_tcp_conn_opts.rcvbuf
 * (else -EINVAL, c unchanged); -ENOTCONN once c is closed. The window
 * scale was settled by the handshake, so the window offered is at most
 * 65535 << that scale whatever the size. Shrinking never moves back a
 * window edge already advertised (RFC 9293 SHLD-14, RFC 7323 2.4): data
 * up to it is still accepted, and the window closes as the buffer
 * fills; growing opens the window at once when it was nearly closed.
 */
int ws_tcp_set_rcvbuf(struct ws_tcp_conn *c, uint32_t bytes);

/*
 * Fix the send buffer at 'bytes' (as SO_SNDBUF): autotuning stops for
 * it. Bounds and errors as ws_tcp_set_rcvbuf. Shrinking drops nothing
 * queued: sends take nothing more until the buffer has drained below
 * the new size ('writable' then follows as usual).
 */
int ws_tcp_set_sndbuf(struct ws_tcp_conn *c, uint32_t bytes);

/*
 * Copy up to 'len' bytes into the send buffer. Returns the number taken
 * (0 when the buffer is full; 'writable' follows), or -ENOTCONN before the
 * connection is established, -EPIPE after shutdown or close.
 */
int ws_tcp_send(struct ws_tcp_conn *c, const void *data, uint32_t len);

/*
 * Queue the data of the mbuf chain 'm' (no headers) without copying. On 0
 * the stack owns m; -ENOBUFS when it does not fit whole (m stays yours),
 * or the errors of ws_tcp_send.
 */
int ws_tcp_send_mbuf(struct ws_tcp_conn *c, struct rte_mbuf *m);

/* Bytes ws_tcp_send would take now. */
uint32_t ws_tcp_send_space(const struct ws_tcp_conn *c);

/* Offer held receive data to 'data' again (after the app caught up). */
void ws_tcp_recv_resume(struct ws_tcp_conn *c);

/* Send FIN after the queued data; receiving goes on. 0 or -ENOTCONN. */
int ws_tcp_shutdown(struct ws_tcp_conn *c);

/*
 * Shut down and stop receiving: data that arrives afterwards resets the
 * connection (RFC 9293 SHLD-3). Received data not yet consumed would be
 * lost, so it resets at once instead (RFC 2525 2.17); called from 'data',
 * that is judged after the callback returns its count. 'closed' follows.
 */
int ws_tcp_close(struct ws_tcp_conn *c);

/* Send RST now and drop everything; 'closed' (ABORTED) follows at once. */
void ws_tcp_abort(struct ws_tcp_conn *c);

void ws_tcp_set_ctx(struct ws_tcp_conn *c, void *ctx);
void *ws_tcp_ctx(const struct ws_tcp_conn *c);

/* Turn Nagle off (true) or on (MUST-17). */
void ws_tcp_set_nodelay(struct ws_tcp_conn *c, bool nodelay);

/*
 * The congestion control of this connection: "cubic" (RFC 9438) or
 * "newreno" (RFC 5681, RFC 6582); new connections get [tcp] congestion.
 * Callable at any time. Before the handshake completes it only picks
 * the algorithm. Later the switch keeps cwnd, ssthresh and any loss
 * recovery in progress, and resets the algorithm's own state (CUBIC
 * starts a new curve from the current cwnd, with W_max unknown).
 * 0; -ENOENT for a name no algorithm has (c unchanged); -ENOTCONN once
 * the connection is closed.
 */
int ws_tcp_set_congestion(struct ws_tcp_conn *c, const char *name);

/* The name of the connection's congestion control ("cubic", ...). */
const char *ws_tcp_congestion(const struct ws_tcp_conn *c);

/*
 * Pace new data over the RTT (default [tcp] pacing): at 2x cwnd/srtt in
 * slow start and 1.2x cwnd/srtt after, in bursts of at most 2 ms of that
 * rate (and at least 2 segments), the timer wheel's 1 ms ticks between.
 */
void ws_tcp_set_pacing(struct ws_tcp_conn *c, bool on);

/* Keep-alive on or off (MUST-24); 0 keeps the configured values. */
void ws_tcp_set_keepalive(struct ws_tcp_conn *c, bool on, uint32_t idle_ms,
		uint32_t interval_ms, uint32_t count);

/* R2 for this connection (MUST-21); 0 restores the configured value. */
void ws_tcp_set_user_timeout(struct ws_tcp_conn *c, uint32_t r2_ms);

/*
 * An application idle timer: when no data has arrived from the peer for
 * 'ms' milliseconds (0 = off, the default), the stack calls 'idle', or,
 * without one, closes the connection as ws_tcp_close() does (FIN; RST if
 * received data is still unread). Each arrival of new data starts the
 * count again, and so does this call. After 'idle' returns with the
 * connection still open and not closed by the application, the count
 * starts over: another 'ms' of silence calls it again, until it is set
 * to 0. It stops for good at ws_tcp_close(). Resolution: 1 ms.
 */
void ws_tcp_set_idle_timeout(struct ws_tcp_conn *c, uint32_t ms);

struct ws_tcp_info {
	enum ws_tcp_state state;
	uint32_t local_addr, remote_addr;	/* network order */
	uint16_t local_port, remote_port;	/* host order */
	uint32_t srtt_us, rto_ms;
	uint32_t snd_mss, cwnd, ssthresh, snd_wnd, rcv_wnd;
	uint32_t unacked, unsent, held;		/* bytes */
	uint64_t retransmits;
	bool timestamps, sack, window_scaling;
	uint32_t rttvar_us;
	/* Bytes: in the network now (RFC 6675 pipe), SACKed, marked lost. */
	uint32_t in_flight, sacked, lost;
	uint64_t retrans_bytes;			/* retransmitted, ever */
	const char *ca_state;			/* ws_tcp_ca_state_name() */
	const char *cc;				/* the algorithm: "newreno", ... */
	uint32_t rcvbuf, sndbuf;		/* the buffers, as autotuned or
						 * fixed */
	uint16_t rcv_mss;			/* the MSS we advertised */
	bool rcvbuf_fixed, sndbuf_fixed;	/* set: no autotuning */
};

void ws_tcp_get_info(const struct ws_tcp_conn *c, struct ws_tcp_info *info);

/*
 * Where loss recovery stands, by its number (ws_conn_entry.ca_state):
 * "open", "disorder", "recovery", "loss"; "?" for another.
 */
const char *ws_tcp_ca_state_name(unsigned int ca_state);

/* The worker that owns the connection. */
struct ws_worker *ws_tcp_worker(const struct ws_tcp_conn *c);

#endif /* WS_TCP_API_H */
