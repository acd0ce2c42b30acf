/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <inttypes.h>

#include "ws_stats.h"

void
ws_stats_add(struct ws_stats *dst, const struct ws_stats *src)
{
#define ADD_FIELD(name) d->name += s->name;
#define ADD_MODULE(member, LIST) { \
		__typeof__(dst->member) *d = &dst->member; \
		const __typeof__(src->member) *s = &src->member; \
		LIST(ADD_FIELD) \
	}
	WS_STATS_MODULES(ADD_MODULE)
#undef ADD_MODULE
#undef ADD_FIELD
}

unsigned int
ws_stats_print(FILE *f, const struct ws_stats *src, const char *indent)
{
	unsigned int lines = 0;

#define PRINT_FIELD(name) \
	if (s->name != 0) { \
		fprintf(f, "%s%s.%s %" PRIu64 "\n", indent, module, #name, \
			s->name); \
		lines++; \
	}
#define PRINT_MODULE(member, LIST) { \
		const char *module = #member; \
		const __typeof__(src->member) *s = &src->member; \
		LIST(PRINT_FIELD) \
	}
	WS_STATS_MODULES(PRINT_MODULE)
#undef PRINT_MODULE
#undef PRINT_FIELD
	return lines;
}
