/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * ws_tcp_opts_parse on up to 40 bytes of options (more is cut: the header
 * cannot carry more). Checks what the callers rely on: the window scale
 * is clamped, SACK blocks are never more than WS_TCP_SACK_MAX, every
 * "present" bit has its value, and a second parse of the same bytes
 * agrees (the fast path for the timestamp layout and the walk must
 * give the same answer).
 */

#include <string.h>

#include "fuzz_common.h"
#include "ws_tcp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same options through the walk: a leading NOP NOP moved to the end. */
static void
check_walk_agrees(const uint8_t *p, unsigned int len,
		const struct ws_tcp_opts *fast)
{
	uint8_t buf[WS_TCP_OPT_MAX];
	struct ws_tcp_opts o;

	/* Only the 12-byte NOP NOP TS layout takes the fast path. */
	if (len != 12 || p[0] != TCPOPT_NOP || p[1] != TCPOPT_NOP ||
			p[2] != TCPOPT_TS || p[3] != 10)
		return;
	memcpy(buf, p + 2, 10);
	buf[10] = TCPOPT_NOP;
	buf[11] = TCPOPT_EOL;
	FUZZ_CHECK(ws_tcp_opts_parse(buf, 12, &o) == 0, "walk refused TS");
	FUZZ_CHECK(o.present == fast->present && o.tsval == fast->tsval &&
		o.tsecr == fast->tsecr, "fast path and walk disagree");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int len = size > WS_TCP_OPT_MAX ? WS_TCP_OPT_MAX :
		(unsigned int)size;
	struct ws_tcp_opts o, again;
	uint8_t copy[WS_TCP_OPT_MAX];
	int ret, ret2;

	/* An exact-size heap copy: ASan sees any read past 'len'. */
	memcpy(copy, data, len);
	memset(&o, 0xa5, sizeof(o));
	ret = ws_tcp_opts_parse(data, len, &o);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL, "unexpected return %d", ret);
	FUZZ_CHECK(o.n_sack <= WS_TCP_SACK_MAX, "%u SACK blocks", o.n_sack);
	if (o.present & WS_TCP_OPT_HAS_WS)
		FUZZ_CHECK(o.wscale <= WS_TCP_MAX_WSCALE, "wscale %u",
			o.wscale);
	if (o.present & WS_TCP_OPT_HAS_MSS)
		FUZZ_CHECK(o.mss != 0, "MSS option 0 taken");
	FUZZ_CHECK(((o.present & WS_TCP_OPT_HAS_SACK) != 0) ==
		(o.n_sack != 0), "SACK bit %u with %u blocks",
		o.present & WS_TCP_OPT_HAS_SACK, o.n_sack);
	/* Parsing is a pure function of the bytes. */
	memset(&again, 0x5a, sizeof(again));
	ret2 = ws_tcp_opts_parse(copy, len, &again);
	FUZZ_CHECK(ret2 == ret && again.present == o.present,
		"two parses of the same options differ");
	if (ret == 0)
		check_walk_agrees(copy, len, &o);
	return 0;
}
