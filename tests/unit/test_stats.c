/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#include <stdio.h>
#include <string.h>

#include "ws_test.h"

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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_add_sums_every_module),
	cmocka_unit_test(test_print_names_nonzero_counters),
};

WS_TEST_MAIN(tests)
