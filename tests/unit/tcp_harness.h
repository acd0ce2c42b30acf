/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef TCP_HARNESS_H
#define TCP_HARNESS_H

/*
 * What the TCP test programs (test_tcp_*.c) share: TCP driven segment by
 * segment on top of ws_test.h. Segments built by hand go in through the
 * worker's input path, the segments the stack sends are captured and
 * checked field by field (or byte by byte), time moves only when a test
 * moves it. Every test ends with no mbuf left. Tests are named after the
 * requirement labels they check (/work/shared/reference/requirements.md
 * A.1-A.9).
 *
 * The peer is 198.18.0.1:40000, we are 198.18.0.2:80 (listening) or an
 * ephemeral port (active opens). The names are short and unprefixed
 * because the tests are made of little else.
 */

#include <stdbool.h>
#include <string.h>
#include <netinet/in.h>

#include "ws_tcp_priv.h"
#include "ws_test.h"

#define US_IP WS_TEST_IP		/* host order */
#define PEER_IP WS_TEST_PEER_IP		/* host order */

#define LPORT 80
#define PPORT 40000
#define PISN 1000u		/* the peer's ISN */
#define MSL_MS 1000
#define DELACK_MS 40
#define RTO_MS 1000
#define CHACK 5			/* challenge ACKs per second (mean) */
#define CHACK_INTERVAL_MS 500	/* ... and per connection */
#define ORPHAN_RETRIES 8

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* ------------------------------------------------------------------ */
/* A recording application.                                            */

enum app_idle_mode { IDLE_COUNT, IDLE_CLOSE, IDLE_ABORT };

struct app {
	struct ws_tcp_conn *conn;
	unsigned int accepted, connected, peer_closed, closed, writable;
	int closed_reason;
	uint8_t rx[1 << 17];
	uint32_t rx_len;
	uint32_t consume_max;
	int accept_ret;
	bool close_in_data, abort_in_data, close_in_peer_closed;
	enum ws_tcp_state state_in_closed;
	unsigned int idle;
	enum app_idle_mode idle_mode;
};

/* What the application saw; tcp_setup resets it. */
extern struct app app;

/* Forget what the application saw; it consumes everything again. */
void app_reset(void);

/* Fail unless the application heard 'closed' once, for 'why'. */
void expect_closed(enum ws_tcp_close_reason why);

/* The recording callbacks (arg: &app). */
extern const struct ws_tcp_ops app_ops;

/* The same without 'idle': the stack closes an idle connection itself. */
extern const struct ws_tcp_ops app_ops_no_idle;

/* ------------------------------------------------------------------ */
/* Environment.                                                        */

/* The TCP (and ARP, ICMP, IPv4) settings every TCP test starts from. */
void tcp_configure(struct ws_test_env *env);

/*
 * cmocka setup/teardown: a ws_test env configured by tcp_configure, the
 * peer's MAC learnt, 'app' reset and listening on LPORT.
 */
int tcp_setup(void **state);
int tcp_teardown(void **state);

#define TCP_TEST(fn) cmocka_unit_test_setup_teardown(fn, tcp_setup, \
	tcp_teardown)

/* The worker's TCP counters. */
static inline struct ws_tcp_stats *
st(struct ws_test_env *env)
{
	return &env->w.stats.tcp;
}

/* Move the clock by 'ms' and run the timers there. */
void elapse(struct ws_test_env *env, uint64_t ms);

/*
 * Nothing is sent for 'ms' less a millisecond; then the clock reaches
 * 'ms' and the timers run (what they send is the caller's to check).
 */
void quiet_until(struct ws_test_env *env, uint64_t ms);

/* ------------------------------------------------------------------ */
/* Segments from the peer.                                             */

struct pseg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	const uint8_t *opts;
	unsigned int olen;		/* multiple of 4 unless testing */
	const void *data;
	unsigned int dlen;
	int doff_override;		/* words; 0 = computed */
	bool bad_cksum;
};

/* The TCP checksum over the pseudo-header (host-order addresses). */
uint16_t tcp_cksum(uint32_t src, uint32_t dst, const uint8_t *tcp,
		size_t len);

/* Segment 's' as TCP bytes into 't' (checksummed); returns its length. */
size_t build_tcp(uint8_t *t, uint32_t src, uint32_t dst,
		const struct pseg *s);

/* Segment 's' from the peer in a frame in a new mbuf. */
struct rte_mbuf *seg_mbuf(struct ws_test_env *env, const struct pseg *s);

/* Feed segment 's' from the peer, as one burst. */
void send_seg(struct ws_test_env *env, const struct pseg *s);

/* The common case: peer port to our listening port, no options. */
void peer(struct ws_test_env *env, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t wnd, const void *data,
		unsigned int dlen);

/* A timestamps option (NOP NOP TS) into 'o' (12 bytes). */
void ts_opt(uint8_t *o, uint32_t tsval, uint32_t tsecr);

/*
 * A full SYN as Linux sends it, from PPORT to LPORT, ISN PISN, window
 * 64240: MSS 1460, SACK-permitted, TS 0x11223344/0, NOP, WS 7.
 */
extern const struct pseg full_syn;

/* ------------------------------------------------------------------ */
/* Segments we sent.                                                   */

struct cseg {
	uint16_t ip_id, ip_frag;	/* IPv4 ID; flags and fragment offset */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t opts[40];
	unsigned int olen;
	uint8_t data[2048];
	unsigned int dlen;
	struct ws_tcp_opts o;
};

/*
 * What the stack sent, including what API calls queued outside an input
 * burst (the worker loop flushes those after its timers).
 */
unsigned int ncap(struct ws_test_env *env);

/* Captured frame i as a TCP segment; checks both checksums. */
void cap(struct ws_test_env *env, unsigned int i, struct cseg *c);

/* Exactly one segment was sent; return it and clear the capture. */
void only(struct ws_test_env *env, struct cseg *c);

/* Nothing was sent. */
void expect_none(struct ws_test_env *env);

/* Exactly one pure ACK <SEQ=seq><ACK=ack> was sent. */
void expect_ack(struct ws_test_env *env, uint32_t seq, uint32_t ack);

/*
 * Fail unless captured frame i is exactly the segment whose TCP header
 * and payload are the 'len' bytes of 'tcp' (checksum left zero: it is
 * filled in here), from us to the peer in an IPv4 header with ID 'ip_id'
 * and DF (RFC 1191).
 */
void expect_tcp_frame(struct ws_test_env *env, unsigned int i,
		uint8_t *tcp, size_t len, uint16_t ip_id);

/*
 * Fail unless captured frame i is exactly our SYN-ACK to full_syn: ISS
 * 'iss', window 65535 (unscaled in a SYN), Linux's option layout (MSS
 * 1460, SACK-permitted, TS 'tsval'/0x11223344, NOP, WS 3), IP ID 'ip_id'.
 */
void expect_full_synack_frame(struct ws_test_env *env, unsigned int i,
		uint32_t iss, uint32_t tsval, uint16_t ip_id);

/* ------------------------------------------------------------------ */
/* Connections.                                                        */

/* The 4-tuple from the peer's 'rport' to our 'lport'. */
struct ws_tcp_key tcp_key(uint16_t lport, uint16_t rport);

/* The TCB for the peer's 'rport' and our 'lport', or NULL. */
struct ws_tcp_conn *lookup(struct ws_test_env *env, uint16_t lport,
		uint16_t rport);

/*
 * A SYN from PPORT to LPORT, ISN PISN, window 'wnd', with the 'olen'
 * bytes of options 'opts': exactly one segment answers, in 'reply'.
 */
void send_syn(struct ws_test_env *env, const uint8_t *opts,
		unsigned int olen, uint16_t wnd, struct cseg *reply);

/*
 * A SYN from the peer's 'sport' to LPORT, ISN PISN, no options: exactly
 * one SYN-ACK acknowledges it. Returns the SYN-ACK's sequence.
 */
uint32_t syn_from(struct ws_test_env *env, uint16_t sport, uint16_t wnd);

/*
 * An active open to the peer's PPORT: returns the connection, in
 * SYN_SENT, and its SYN, the only segment sent, in 'syn'.
 */
struct ws_tcp_conn *connect_peer(struct ws_test_env *env, struct cseg *syn);

/* The ACK from 'sport' to LPORT that completes syn_from's handshake. */
void ack_from(struct ws_test_env *env, uint16_t sport, uint32_t iss,
		uint16_t wnd);

/* From the peer's 'sport' to LPORT: flags at 'seq', acking 'ack', window 'wnd'. */
void seg_from(struct ws_test_env *env, uint16_t sport, uint32_t seq,
		uint32_t ack, uint8_t flags, uint16_t wnd);

/*
 * Passive open from PPORT offering MSS 1460 and no other option (no
 * TS/WS/SACK): returns our ISS. The connection is ESTABLISHED and
 * accepted.
 */
uint32_t establish(struct ws_test_env *env);

/* Clean up an ESTABLISHED connection by abort; no leak. */
void finish(struct ws_test_env *env);

/*
 * Our FIN is out: the peer's FIN at 'seq', acknowledging up to 'ack',
 * gets one ACK, the application hears NORMAL, and once TIME_WAIT's 2 MSL
 * are over nothing is left.
 */
void peer_fin_closes(struct ws_test_env *env, uint32_t seq, uint32_t ack);

#endif /* TCP_HARNESS_H */
