/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * TCP option parsing (RFC 9293 3.1/3.2, RFC 7323, RFC 2018). Options are
 * read byte by byte, so alignment does not matter (MUST-64), and every
 * read is bounded by the header length the caller checked.
 */

#include <errno.h>
#include <string.h>

#include "ws_tcp_priv.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

int
ws_tcp_opts_parse(const uint8_t *p, unsigned int len, struct ws_tcp_opts *o)
{
	unsigned int i = 0, olen, n;

	/*
	 * What nearly every segment of a timestamped connection carries
	 * (RFC 7323 appendix A's layout, as Linux and woshou send it):
	 * taken whole, without the walk or clearing the SACK blocks, which
	 * nothing reads while n_sack is 0.
	 */
	if (len == 12 && p[0] == TCPOPT_NOP && p[1] == TCPOPT_NOP &&
			p[2] == TCPOPT_TS && p[3] == 10) {
		o->present = WS_TCP_OPT_HAS_TS;
		o->wscale = 0;
		o->mss = 0;
		o->n_sack = 0;
		o->tsval = get32(&p[4]);
		o->tsecr = get32(&p[8]);
		return 0;
	}
	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i];

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		/* MUST-68: every other option has a length byte. */
		if (i + 1 >= len)
			return -EINVAL;
		olen = p[i + 1];
		/* MUST-7: a length that cannot advance or overruns. */
		if (olen < 2 || i + olen > len)
			return -EINVAL;
		switch (kind) {
		case TCPOPT_MSS:
			/*
			 * MSS 0 is read as no option (536, MUST-15), as
			 * Linux does: taken literally it would underflow
			 * the send MSS of an active or a passive open.
			 */
			if (olen == 4 && get16(&p[i + 2]) != 0) {
				o->mss = get16(&p[i + 2]);
				o->present |= WS_TCP_OPT_HAS_MSS;
			}
			break;
		case TCPOPT_WSCALE:
			if (olen == 3) {
				/* RFC 7323 2.3: more than 14 means 14. */
				o->wscale = RTE_MIN(p[i + 2],
					(uint8_t)WS_TCP_MAX_WSCALE);
				o->present |= WS_TCP_OPT_HAS_WS;
			}
			break;
		case TCPOPT_SACK_OK:
			if (olen == 2)
				o->present |= WS_TCP_OPT_HAS_SACK_OK;
			break;
		case TCPOPT_TS:
			if (olen == 10) {
				o->tsval = get32(&p[i + 2]);
				o->tsecr = get32(&p[i + 6]);
				o->present |= WS_TCP_OPT_HAS_TS;
			}
			break;
		case TCPOPT_SACK:
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				for (n = 0; n < (olen - 2) / 8 &&
						n < WS_TCP_SACK_MAX; n++) {
					const uint8_t *b = &p[i + 2 + 8 * n];

					o->sack[n][0] = get32(b);
					o->sack[n][1] = get32(b + 4);
				}
				o->n_sack = (uint8_t)n;
				o->present |= WS_TCP_OPT_HAS_SACK;
			}
			break;
		default:
			/* MUST-6: unknown options are skipped by length. */
			break;
		}
		i += olen;
	}
	return 0;
}
