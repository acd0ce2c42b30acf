/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "ws_test.h"

/*
 * The lists of ws_stats.h as the X-macros give them, independently of the
 * table ws_stats.c builds from them.
 */
#define LISTED(name, desc) { #name, desc },
#define DEF_LISTED(member, LIST) \
	static const struct ws_stat_desc listed_##member[] = { LIST(LISTED) };
WS_STATS_MODULES(DEF_LISTED)
#undef DEF_LISTED
#undef LISTED

static const struct {
	const char *module;
	const struct ws_stat_desc *counters;
	unsigned int n;
} listed[] = {
#define MODULE_LISTED(member, LIST) \
	{ #member, listed_##member, RTE_DIM(listed_##member) },
	WS_STATS_MODULES(MODULE_LISTED)
#undef MODULE_LISTED
};

/* The name with '_' read as ' ': "drop cksum" says nothing more. */
static bool
says_only_its_name(const char *name, const char *desc)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (desc[i] != (name[i] == '_' ? ' ' : name[i]))
			return false;
	return desc[i] == '\0';
}

/* What is wrong with a counter's name or description, or NULL. */
static const char *
desc_problem(const struct ws_stat_desc *c)
{
	size_t len, j;

	/* A telemetry key and a Prometheus metric name. */
	if (c->name[0] == '\0' || strspn(c->name,
			"abcdefghijklmnopqrstuvwxyz0123456789_") !=
			strlen(c->name))
		return "name not [a-z0-9_]+";
	if (c->desc == NULL || c->desc[0] == '\0')
		return "no description";
	len = strlen(c->desc);
	if (len >= 100)
		return "description of 100 characters or more";
	if (strcmp(c->desc, c->name) == 0 || says_only_its_name(c->name, c->desc))
		return "description only repeats the name";
	/* One line that JSON and a Prometheus HELP line carry unescaped. */
	for (j = 0; j < len; j++) {
		if (c->desc[j] < 0x20 || c->desc[j] >= 0x7f)
			return "not printable ASCII";
		if (c->desc[j] == '"' || c->desc[j] == '\\')
			return "a double quote or backslash";
	}
	if (c->desc[0] == ' ' || c->desc[len - 1] == ' ')
		return "leading or trailing space";
	/*
	 * The TCP state gauges and the loop's mbuf gauges say they are
	 * gauges; nothing else does.
	 */
	if ((strncmp(c->name, "st_", 3) == 0 ||
			strstr(c->name, "mbufs") != NULL ||
			strcmp(c->name, "sndbuf_budget") == 0) !=
			(strncmp(c->desc, "gauge: ", 7) == 0))
		return "a gauge must say 'gauge: ', and only a gauge";
	return NULL;
}

static void
test_add_sums_every_module(void **state)
{
	struct ws_stats a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.loop.rx_pkts = 1;
	a.icmp.echo_tx = 5;
	b.loop.rx_pkts = 2;
	b.eth.drop_vlan = 3;
	b.arp.learned = 4;
	b.ip.reasm_ok = 6;
	b.icmp.echo_tx = 7;
	ws_stats_add(&a, &b);
	assert_int_equal(a.loop.rx_pkts, 3);
	assert_int_equal(a.eth.drop_vlan, 3);
	assert_int_equal(a.arp.learned, 4);
	assert_int_equal(a.ip.reasm_ok, 6);
	assert_int_equal(a.icmp.echo_tx, 12);
}

static void
test_print_names_nonzero_counters(void **state)
{
	struct ws_stats s;
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	(void)state;
	memset(&s, 0, sizeof(s));
	s.eth.drop_vlan = 2;
	s.icmp.echo_rx = 20;
	assert_int_equal(ws_stats_print(f, &s, "  "), 2);
	fclose(f);
	assert_string_equal(buf, "  eth.drop_vlan 2\n  icmp.echo_rx 20\n");
}

static void
test_every_counter_is_described(void **state)
{
	const struct ws_stat_desc *c;
	const char *why;
	unsigned int i, k, j;

	(void)state;
	for (i = 0; i < RTE_DIM(listed); i++) {
		for (k = 0; k < listed[i].n; k++) {
			c = &listed[i].counters[k];
			why = desc_problem(c);
			if (why != NULL)
				fail_msg("%s.%s: %s", listed[i].module,
					c->name, why);
			for (j = 0; j < k; j++)
				if (strcmp(c->name,
						listed[i].counters[j].name) == 0)
					fail_msg("%s.%s: listed twice",
						listed[i].module, c->name);
		}
	}
}

static void
test_table_is_the_lists(void **state)
{
	const struct ws_stat_module *m;
	struct ws_stats s;
	unsigned int i, k;

	(void)state;
	assert_int_equal(ws_stat_n_modules, RTE_DIM(listed));
	for (i = 0; i < ws_stat_n_modules; i++) {
		m = &ws_stat_modules[i];
		assert_string_equal(m->name, listed[i].module);
		assert_ptr_equal(ws_stat_module_find(m->name), m);
		assert_int_equal(m->n, listed[i].n);
		for (k = 0; k < m->n; k++) {
			assert_string_equal(m->counters[k].name,
				listed[i].counters[k].name);
			assert_string_equal(m->counters[k].desc,
				listed[i].counters[k].desc);
		}
	}
	assert_null(ws_stat_module_find("nope"));
	assert_null(ws_stat_module_find(""));

	/* Counter k of a module's table is the struct's k-th field. */
	memset(&s, 0, sizeof(s));
	s.tcp.drop_cksum = 7;
	s.loop.sndbuf_budget = 8;
	s.dns.reply_copied = 9;
	m = ws_stat_module_find("tcp");
	for (k = 0; strcmp(m->counters[k].name, "drop_cksum") != 0; k++)
		;
	assert_int_equal(ws_stat_values(&s, m)[k], 7);
	m = ws_stat_module_find("loop");
	assert_int_equal(ws_stat_values(&s, m)[m->n - 1], 8);
	m = ws_stat_module_find("dns");
	assert_int_equal(ws_stat_values(&s, m)[m->n - 1], 9);
}

/*
 * "/woshou/<module>/stats,describe" answers every counter's description
 * in one dictionary: it must fit DPDK's reply (16 KiB, silently cut
 * beyond), its entry count and its string length. The JSON as DPDK
 * 22.11 writes it: {"/woshou/tcp/stats":{"rx":"...","tx":"..."}}.
 */
static void
test_describe_reply_fits_one_telemetry_reply(void **state)
{
	const struct ws_stat_module *m;
	size_t json, largest = 0;
	unsigned int i, k;

	(void)state;
	for (i = 0; i < ws_stat_n_modules; i++) {
		m = &ws_stat_modules[i];
		assert_true(m->n <= RTE_TEL_MAX_DICT_ENTRIES);
		json = strlen("{\"/woshou//stats\":{}}") + strlen(m->name);
		for (k = 0; k < m->n; k++) {
			assert_true(strlen(m->counters[k].desc) <
				RTE_TEL_MAX_STRING_LEN);
			json += strlen(m->counters[k].name) +
				strlen(m->counters[k].desc) +
				strlen("\"\":\"\",");
		}
		print_message("/woshou/%s/stats,describe: %zu bytes\n",
			m->name, json);
		largest = RTE_MAX(largest, json);
	}
	assert_true(largest < 16 * 1024);
}

static void
test_sum_by_name_pattern(void **state)
{
	struct ws_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.eth.drop_vlan = 1;
	s.tcp.drop_cksum = 2;
	s.tcp.ooo_drop_full = 4;
	s.ip.tx_drop_nombuf = 8;
	s.loop.tx_drop_full = 16;
	s.tcp.rx = 32;
	assert_int_equal(ws_stats_sum(&s, "drop_*"), 3);
	assert_int_equal(ws_stats_sum(&s, "*drop*"), 31);
	assert_int_equal(ws_stats_drops(&s), 19);
	assert_int_equal(ws_stats_sum(&s, "nothing"), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_add_sums_every_module),
	cmocka_unit_test(test_print_names_nonzero_counters),
	cmocka_unit_test(test_every_counter_is_described),
	cmocka_unit_test(test_table_is_the_lists),
	cmocka_unit_test(test_describe_reply_fits_one_telemetry_reply),
	cmocka_unit_test(test_sum_by_name_pattern),
};

WS_TEST_MAIN(tests)
