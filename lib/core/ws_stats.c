/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <fnmatch.h>
#include <inttypes.h>
#include <string.h>

#include "ws_stats.h"

/*
 * The table every reader walks (adding, printing, the drop total,
 * telemetry), generated once from the lists, so that none of them needs
 * an X-macro of its own.
 */
#define DESC_ENTRY(name, desc) { #name, desc },
#define DEF_COUNTERS(member, LIST) \
	static const struct ws_stat_desc member##_counters[] = { \
		LIST(DESC_ENTRY) \
	};
WS_STATS_MODULES(DEF_COUNTERS)
#undef DEF_COUNTERS
#undef DESC_ENTRY

/* The blocks are read as arrays of uint64_t: nothing else may be in them. */
#define CHECK_BLOCK(member, LIST) \
	_Static_assert(sizeof(((struct ws_stats *)0)->member) == \
		sizeof(member##_counters) / sizeof(member##_counters[0]) * \
		sizeof(uint64_t), #member " counters are not all uint64_t");
WS_STATS_MODULES(CHECK_BLOCK)
#undef CHECK_BLOCK

#define BLOCK_SIZE(member, LIST) + sizeof(((struct ws_stats *)0)->member)
_Static_assert(sizeof(struct ws_stats) == 0 WS_STATS_MODULES(BLOCK_SIZE),
	"struct ws_stats holds something besides the modules' counters");
#undef BLOCK_SIZE

#define MODULE_ENTRY(member, LIST) { #member, \
	offsetof(struct ws_stats, member), \
	sizeof(member##_counters) / sizeof(member##_counters[0]), \
	member##_counters },
const struct ws_stat_module ws_stat_modules[] = {
	WS_STATS_MODULES(MODULE_ENTRY)
};
#undef MODULE_ENTRY

const unsigned int ws_stat_n_modules =
	sizeof(ws_stat_modules) / sizeof(ws_stat_modules[0]);

const struct ws_stat_module *
ws_stat_module_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ws_stat_n_modules; i++)
		if (strcmp(ws_stat_modules[i].name, name) == 0)
			return &ws_stat_modules[i];
	return NULL;
}

void
ws_stats_add(struct ws_stats *dst, const struct ws_stats *src)
{
	uint64_t *d = (uint64_t *)(void *)dst;
	const uint64_t *s = (const uint64_t *)(const void *)src;
	size_t i;

	/* Every module is only counters (checked above), and so is the whole. */
	for (i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

uint64_t
ws_stats_sum(const struct ws_stats *s, const char *pattern)
{
	const struct ws_stat_module *m;
	const uint64_t *v;
	uint64_t sum = 0;
	unsigned int i, k;

	for (i = 0; i < ws_stat_n_modules; i++) {
		m = &ws_stat_modules[i];
		v = ws_stat_values(s, m);
		for (k = 0; k < m->n; k++)
			if (fnmatch(pattern, m->counters[k].name, 0) == 0)
				sum += v[k];
	}
	return sum;
}

unsigned int
ws_stats_print(FILE *f, const struct ws_stats *s, const char *indent)
{
	const struct ws_stat_module *m;
	const uint64_t *v;
	unsigned int lines = 0, i, k;

	for (i = 0; i < ws_stat_n_modules; i++) {
		m = &ws_stat_modules[i];
		v = ws_stat_values(s, m);
		for (k = 0; k < m->n; k++) {
			if (v[k] == 0)
				continue;
			fprintf(f, "%s%s.%s %" PRIu64 "\n", indent, m->name,
				m->counters[k].name, v[k]);
			lines++;
		}
	}
	return lines;
}
