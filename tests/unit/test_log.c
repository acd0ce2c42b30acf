/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The lib.woshou.<module> log types, the drop lines of ws_log.h (which
 * counter, which packet, at most WS_LOG_DROPS_PER_S a second per worker)
 * and the invariants that builds with RTE_ENABLE_ASSERT check.
 */

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_log.h>
#include <rte_tcp.h>

#include "ws_log.h"
#include "ws_tcp_priv.h"
#include "ws_test.h"

static struct ws_test_env *env;
static char logged[64 * 1024];
static FILE *log_stream;

static int
setup(void **state)
{
	int ret = ws_test_setup(state);

	if (ret != 0)
		return ret;
	env = *state;
	memset(logged, 0, sizeof(logged));
	log_stream = fmemopen(logged, sizeof(logged) - 1, "w");
	assert_non_null(log_stream);
	setvbuf(log_stream, NULL, _IONBF, 0);
	rte_openlog_stream(log_stream);
	return 0;
}

static int
teardown(void **state)
{
	rte_openlog_stream(NULL);
	fclose(log_stream);
	rte_log_set_level_pattern("lib.woshou.*", RTE_LOG_INFO);
	ws_log_refresh();
	return ws_test_teardown(state);
}

static unsigned int
count(const char *needle)
{
	unsigned int n = 0;
	const char *p = logged;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static void
test_types_registered(void **state)
{
	static const char *const names[] = {
		"lib.woshou.worker", "lib.woshou.stack", "lib.woshou.steer",
		"lib.woshou.eth", "lib.woshou.arp", "lib.woshou.ip",
		"lib.woshou.icmp", "lib.woshou.udp", "lib.woshou.tcp",
		"lib.woshou.dns", "lib.woshou.control",
	};
	const int *types[] = {
		&ws_logtype_worker, &ws_logtype_stack, &ws_logtype_steer,
		&ws_logtype_eth, &ws_logtype_arp, &ws_logtype_ip,
		&ws_logtype_icmp, &ws_logtype_udp, &ws_logtype_tcp,
		&ws_logtype_dns, &ws_logtype_control,
	};
	unsigned int i, j;

	(void)state;
	/* The glob that --log-level='lib.woshou.*:debug' uses. */
	assert_int_equal(rte_log_set_level_pattern("lib.woshou.*",
		RTE_LOG_DEBUG), 0);
	for (i = 0; i < RTE_DIM(names); i++) {
		/* Registering an existing name returns its type. */
		assert_int_equal(rte_log_register(names[i]), *types[i]);
		assert_true(*types[i] >= RTE_LOGTYPE_FIRST_EXT_ID);
		assert_int_equal(rte_log_get_level(*types[i]), RTE_LOG_DEBUG);
		for (j = 0; j < i; j++)
			assert_int_not_equal(*types[i], *types[j]);
	}
	rte_log_set_level_pattern("lib.woshou.*", RTE_LOG_INFO);
}

/* A frame whose summary the drop line prints: TCP SYN, 54 bytes. */
static struct rte_mbuf *
syn_frame(void)
{
	struct rte_tcp_hdr th = {
		.src_port = RTE_BE16(40000),
		.dst_port = RTE_BE16(80),
		.data_off = 5 << 4,
		.tcp_flags = RTE_TCP_SYN_FLAG,
	};
	uint8_t frame[128];
	size_t len = ws_test_ipv4_frame(frame, WS_TEST_PEER_IP, WS_TEST_IP,
		IPPROTO_TCP, 1, 0, &th, sizeof(th));

	return ws_test_mbuf(env, frame, len);
}

static void
test_drop_silent_at_info(void **state)
{
	struct rte_mbuf *m = syn_frame();

	(void)state;
	ws_log_refresh();
	assert_false(ws_log_drops);
	WS_DROP(&env->w, env->w.stats.tcp.drop_cksum, m);
	assert_int_equal(env->w.stats.tcp.drop_cksum, 1);
	assert_string_equal(logged, "");
	rte_pktmbuf_free(m);
}

static void
test_drop_line_names_counter_and_packet(void **state)
{
	struct rte_mbuf *m = syn_frame();

	(void)state;
	assert_int_equal(rte_log_set_level(ws_logtype_tcp, RTE_LOG_DEBUG), 0);
	ws_log_refresh();
	assert_true(ws_log_drops);
	WS_DROP(&env->w, env->w.stats.tcp.drop_cksum, m);
	assert_string_equal(logged, "woshou: tcp: worker 0: tcp.drop_cksum: "
		"198.18.0.1:40000 > 198.18.0.2:80 tcp [S] 54 bytes\n");
	/* Another module's drop: its type is still at INFO. */
	WS_DROP(&env->w, env->w.stats.ip.drop_cksum, m);
	assert_int_equal(count("woshou: "), 1);
	/* Without a frame, the counter alone. */
	WS_DROP(&env->w, env->w.stats.tcp.drop_nombuf, NULL);
	assert_non_null(strstr(logged,
		"woshou: tcp: worker 0: tcp.drop_nombuf\n"));
	rte_pktmbuf_free(m);
}

/*
 * What the summary says of frames it cannot read in full: too short for
 * Ethernet, not IPv4, an IPv4 header whose IHL is below 5 (no ports read
 * from where the header does not say they are), a UDP datagram.
 */
static void
test_drop_line_odd_frames(void **state)
{
	static const uint8_t udp[8] = { 0x13, 0x88, 0x00, 0x07, 0, 8, 0, 0 };
	uint8_t frame[128];
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	rte_log_set_level(ws_logtype_eth, RTE_LOG_DEBUG);
	rte_log_set_level(ws_logtype_ip, RTE_LOG_DEBUG);
	ws_log_refresh();

	memset(frame, 0xab, sizeof(frame));
	m = ws_test_mbuf(env, frame, 10);
	WS_DROP(&env->w, env->w.stats.eth.drop_runt, m);
	rte_pktmbuf_free(m);
	assert_non_null(strstr(logged, "eth.drop_runt: 10 bytes\n"));

	len = ws_test_eth(frame, &ws_test_mac, &ws_test_peer_mac,
		RTE_ETHER_TYPE_ARP);
	m = ws_test_mbuf(env, frame, len + 28);
	WS_DROP(&env->w, env->w.stats.eth.drop_ethertype, m);
	rte_pktmbuf_free(m);
	assert_non_null(strstr(logged, "eth.drop_ethertype: from "
		"02:00:00:00:00:01 type 0x0806 42 bytes\n"));

	len = ws_test_ipv4_frame(frame, WS_TEST_PEER_IP, WS_TEST_IP,
		IPPROTO_UDP, 1, 0, udp, sizeof(udp));
	m = ws_test_mbuf(env, frame, len);
	WS_DROP(&env->w, env->w.stats.ip.drop_cksum, m);
	rte_pktmbuf_free(m);
	assert_non_null(strstr(logged, "ip.drop_cksum: 198.18.0.1:5000 > "
		"198.18.0.2:7 udp 42 bytes\n"));

	frame[14] = 0x42;		/* IHL 2: 8 bytes, less than a header */
	m = ws_test_mbuf(env, frame, len);
	WS_DROP(&env->w, env->w.stats.ip.drop_ihl, m);
	rte_pktmbuf_free(m);
	assert_non_null(strstr(logged, "ip.drop_ihl: 198.18.0.1 > "
		"198.18.0.2 proto 17 42 bytes\n"));
}

static void
test_drop_lines_rate_limited(void **state)
{
	unsigned int i;

	(void)state;
	rte_log_set_level(ws_logtype_eth, RTE_LOG_DEBUG);
	ws_log_refresh();
	env->w.now = 5 * env->w.clock.hz;
	for (i = 0; i < 100; i++)
		WS_DROP(&env->w, env->w.stats.eth.drop_runt, NULL);
	assert_int_equal(env->w.stats.eth.drop_runt, 100);
	assert_int_equal(count("eth.drop_runt"), WS_LOG_DROPS_PER_S);
	/* A second later: one line that says how many were left out. */
	env->w.now += env->w.clock.hz;
	WS_DROP(&env->w, env->w.stats.eth.drop_runt, NULL);
	assert_int_equal(count("eth.drop_runt"), WS_LOG_DROPS_PER_S + 1);
	assert_non_null(strstr(logged, "eth.drop_runt (90 drop lines "
		"suppressed before this one)\n"));
}

/* Run 'fn' in a child: its wait status. */
static int
child_status(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		/* Keep the child's panic dump out of the test's output. */
		FILE *null = fopen("/dev/null", "w");

		rte_openlog_stream(null);
		if (null != NULL)
			dup2(fileno(null), STDERR_FILENO);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* Whether 'fn' died of SIGABRT (rte_panic), not of anything else. */
static bool
aborts(void (*fn)(void))
{
	int status = child_status(fn);

	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* Whether 'fn' returned: a crash is no pass. */
static bool
runs_clean(void (*fn)(void))
{
	int status = child_status(fn);

	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static struct ws_tcp_conn bad_conn;
/*
 * The worker a checked connection belongs to: ws_tcp_check() reads its
 * send-buffer total, so a connection without one dies of SIGSEGV, not of
 * the breach under test (AddressSanitizer reported the NULL read).
 */
static struct ws_tcp_worker bad_tw;

static void
release_unheld(void)
{
	memset(&bad_conn, 0, sizeof(bad_conn));
	bad_conn.in_use = 1;
	ws_tcp_conn_release(&bad_conn);
}

static void
check_snd_nxt_past_max(void)
{
	memset(&bad_conn, 0, sizeof(bad_conn));
	bad_conn.snd_una = 100;
	bad_conn.snd_nxt = 200;
	bad_conn.snd_max = 150;
	ws_tcp_check(&bad_conn);
}

static void
check_flight_past_buffer(void)
{
	memset(&bad_conn, 0, sizeof(bad_conn));
	bad_conn.snd_una = 100;
	bad_conn.snd_nxt = 200;
	bad_conn.snd_max = 200;
	bad_conn.tw = &bad_tw;
	bad_conn.sb_len = 0;		/* 100 bytes in flight, none held */
	ws_tcp_check(&bad_conn);
}

static void
check_good(void)
{
	memset(&bad_conn, 0, sizeof(bad_conn));
	bad_conn.snd_una = 100;
	bad_conn.snd_nxt = 101;		/* a SYN in flight */
	bad_conn.snd_max = 101;
	bad_conn.tw = &bad_tw;
	ws_tcp_check(&bad_conn);
}

static void
test_invariants_asserted(void **state)
{
	(void)state;
#ifdef RTE_ENABLE_ASSERT
	assert_true(runs_clean(check_good));
	assert_true(aborts(release_unheld));
	assert_true(aborts(check_snd_nxt_past_max));
	assert_true(aborts(check_flight_past_buffer));
#else
	/* Without asserts the same breaches pass unnoticed. */
	assert_true(runs_clean(check_good));
	assert_false(aborts(release_unheld));
	assert_false(aborts(check_snd_nxt_past_max));
	assert_false(aborts(check_flight_past_buffer));
	print_message("built without -Dasserts=true: invariants not "
		"checked\n");
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_registered),
		cmocka_unit_test_setup_teardown(test_drop_silent_at_info,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_drop_line_names_counter_and_packet, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_drop_line_odd_frames,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_lines_rate_limited,
			setup, teardown),
		cmocka_unit_test(test_invariants_asserted),
	};

	ws_test_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
