/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The woshou program: load the configuration, start the EAL and the stack,
 * run the control loop until SIGINT or SIGTERM, then drain (connections
 * finish and close with FIN for up to [control] drain_ms; a second signal
 * resets them at once), print the final counters and shut down.
 *
 * Exit status: 0 after a clean stop (or --help, --version,
 * --check-config), 1 when the EAL or the stack fails, 2 for a bad command
 * line or configuration.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "woshou.h"
#include "ws_app.h"
#include "ws_dns_server.h"
#include "ws_services.h"
#include "ws_udp_services.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE WS_APP_EXIT_USAGE

struct options {
	struct ws_app_options app;	/* --config, --set */
	bool check_config;
	char **eal_extra;	/* after "--" */
	unsigned int n_eal_extra;
};

static volatile sig_atomic_t quit;
static struct ws_services_config services;	/* [http], [echo], [discard] */
static struct ws_udp_services *udp_svc;	/* freed after the stack */
static struct ws_dns_server *dns_server;	/* likewise */
static bool pdump_ready;	/* dpdk-dumpcap can attach */

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: woshou --config FILE [--set SECTION.KEY=VALUE]... "
		"[-- EXTRA_EAL_ARGS]\n"
		"       woshou --config FILE [--set ...]... --check-config\n"
		"       woshou --help | --version\n"
		"\n"
		"Run the woshou TCP/IP stack on the DPDK port the configuration "
		"names.\n"
		"\n"
		"  -c, --config FILE       INI configuration "
		"(see drivers-config/net_tap.ini)\n"
		"  -s, --set S.K=VALUE     override key K of section [S]; "
		"repeatable\n"
		"      --check-config      print the effective configuration "
		"and exit\n"
		"  -h, --help              this text\n"
		"  -V, --version           woshou and DPDK versions\n"
		"\n"
		"EAL arguments come from the [eal] section; anything after "
		"'--' is added\n"
		"to them. Ctrl-C (SIGINT) or SIGTERM stops the stack: "
		"connections finish\n"
		"and close for up to [control] drain_ms (a second signal "
		"resets them at once),\n"
		"then the counters are printed.\n"
		"Exit status: 0 ok, 1 runtime failure, 2 bad usage or "
		"configuration.\n");
}

enum { OPT_CHECK_CONFIG = 256 };

static void
own_option(int c, int argc, char **argv, void *ctx)
{
	struct options *opt = ctx;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	if (c == OPT_CHECK_CONFIG)
		opt->check_config = true;
}

/* Exits for --help, --version and every usage error. */
static void
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option own[] = {
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{ NULL, 0, NULL, 0 },
	};
	const struct ws_app_cmdline cl = {
		.name = "woshou", .hint = " (see --help)", .version = true,
		.usage = usage, .long_opts = own, .option = own_option,
		.ctx = opt,
	};
	int first;

	memset(opt, 0, sizeof(*opt));
	first = ws_app_parse_options(argc, argv, &cl, &opt->app);
	if (first < argc && strcmp(argv[first - 1], "--") != 0)
		ws_app_fail_usage("unexpected argument '%s' (EAL arguments go "
			"after --)", argv[first]);
	opt->eal_extra = &argv[first];
	opt->n_eal_extra = (unsigned int)(argc - first);
	ws_app_require_config(&opt->app);
}

/* The library's sections, and the services' on top: one file for both. */
static void
load_config(const struct options *opt, struct ws_config *cfg)
{
	char err[WS_CFG_ERR_LEN];

	if (ws_services_config_register(&services, err, sizeof(err)) < 0)
		ws_app_fail_usage("%s", err);
	ws_app_load_config(&opt->app, cfg);
}

static void
start_eal(const struct ws_config *cfg, const char *prog,
		const struct options *opt)
{
	char why[256];
	int ret;

	if (ws_app_check_lcore_cpus(cfg, why, sizeof(why)) < 0)
		ws_app_fail_usage("%s", why);
	ret = ws_app_start_eal(cfg, prog, "woshou",
		(const char *const *)opt->eal_extra, opt->n_eal_extra);
	if (ret == -EINVAL || ret == -ENOMEM)
		exit(EXIT_USAGE);
	if (ret < 0)
		exit(EXIT_RUNTIME);
	/*
	 * dpdk-dumpcap attaches as a secondary process, which needs the
	 * primary's memory shared through hugepages.
	 */
	if (rte_eal_has_hugepages() &&
			rte_eal_process_type() == RTE_PROC_PRIMARY) {
		if (rte_pdump_init() == 0)
			pdump_ready = true;
		else
			fprintf(stderr, "woshou: packet capture unavailable: "
				"%s\n", rte_strerror(rte_errno));
	}
}

/* The services listen before the workers start, so no SYN finds none. */
static struct ws_stack *
start_stack(const struct ws_config *cfg, struct ws_services **svc)
{
	struct ws_stack *s;
	int ret;

	s = ws_stack_create(cfg);
	if (s == NULL) {
		fprintf(stderr, "woshou: cannot create the stack: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		exit(EXIT_RUNTIME);
	}
	*svc = ws_services_start(s, cfg, &services);
	if (*svc != NULL)
		udp_svc = ws_udp_services_start(s, &services);
	if (*svc == NULL || udp_svc == NULL) {
		fprintf(stderr, "woshou: cannot start the services: %s\n",
			rte_strerror(rte_errno));
		ws_stack_destroy(s);
		ws_services_free(*svc);
		rte_eal_cleanup();
		exit(EXIT_RUNTIME);
	}
	ret = ws_dns_server_start(s, &cfg->dns, &dns_server);
	if (ret < 0)
		fprintf(stderr, "woshou: cannot start the DNS responder: %s\n",
			rte_strerror(-ret));
	else if ((ret = ws_stack_start(s)) < 0)
		fprintf(stderr, "woshou: cannot start the stack: %s\n",
			rte_strerror(-ret));
	if (ret < 0) {
		ws_stack_destroy(s);
		ws_services_free(*svc);
		ws_udp_services_free(udp_svc);
		ws_dns_server_free(dns_server);
		rte_eal_cleanup();
		exit(EXIT_RUNTIME);
	}
	return s;
}

static void
print_banner(const struct ws_stack *s)
{
	const struct ws_config *cfg = ws_stack_config(s);
	char addr_text[64];
	char mac_text[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr mac;

	ws_app_format_addrs(cfg, addr_text, sizeof(addr_text));
	ws_stack_mac(s, &mac);
	rte_ether_format_addr(mac_text, sizeof(mac_text), &mac);
	printf("woshou %s: %s mac %s on port %u, %u worker(s); "
		"Ctrl-C to stop\n", WS_VERSION, addr_text, mac_text,
		ws_stack_port(s), ws_stack_worker_count(s));
	printf("services: http %u, echo %u, discard %u (0 = off)\n",
		services.http_port, services.echo_port, services.discard_port);
	if (cfg->control.telemetry)
		printf("telemetry: %s/dpdk_telemetry.v2; "
			"scripts/woshou-stat --prefix %s\n",
			rte_eal_get_runtime_dir(), cfg->eal.file_prefix);
	if (pdump_ready)
		printf("capture: dpdk-dumpcap --file-prefix=%s -i %u\n",
			cfg->eal.file_prefix, ws_stack_port(s));
	fflush(stdout);
}

static void
stop_stack(struct ws_stack *s, struct ws_services *svc)
{
	struct ws_stats total;
	uint64_t refused, stalled;

	/* Peers hear FIN (or RST), never silence. */
	ws_stack_drain(s, ws_stack_config(s)->control.drain_ms);
	/*
	 * No drain left to cut short: a later signal must not reach the
	 * stack, which is destroyed below (AddressSanitizer caught a second
	 * SIGTERM writing into the freed stack).
	 */
	ws_app_drain_on_signal(NULL);
	refused = ws_services_refused(svc);
	stalled = ws_services_stalled(svc);
	ws_stack_stats(s, -1, &total);
	printf("final counters:\n");
	ws_stats_print(stdout, &total, "  ");
	if (refused != 0)
		printf("  services.http_refused_no_state %" PRIu64 "\n",
			refused);
	if (stalled != 0)
		printf("  services.http_stalled_closed %" PRIu64 "\n",
			stalled);
	ws_udp_services_print(stdout, udp_svc, "  ");
	fflush(stdout);
	/* After the stack: its last 'closed' callbacks free into the pools. */
	ws_stack_destroy(s);
	ws_services_free(svc);
	ws_udp_services_free(udp_svc);
	ws_dns_server_free(dns_server);
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct ws_services *svc;
	struct ws_config cfg;
	struct ws_stack *s;

	parse_options(argc, argv, &opt);
	load_config(&opt, &cfg);
	if (opt.check_config) {
		ws_config_print(stdout, &cfg);
		return EXIT_SUCCESS;
	}
	start_eal(&cfg, argv[0], &opt);
	ws_app_catch_signals(&quit);
	s = start_stack(&cfg, &svc);
	/* The first SIGINT or SIGTERM ends the control loop; the next the drain. */
	ws_app_drain_on_signal(s);
	print_banner(s);
	ws_control_run(s, &quit, stdout);
	stop_stack(s, svc);
	if (pdump_ready)
		rte_pdump_uninit();
	rte_eal_cleanup();
	free(opt.app.sets);
	return EXIT_SUCCESS;
}
