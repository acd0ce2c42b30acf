/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * ws_lookup: look names up with the stack's own stub resolver, and connect
 * to one by name. A demonstration and the integration tests' client.
 *
 *   ws_lookup --config FILE [--set S.K=V]... [--wait] [--repeat]
 *             [--connect NAME:PORT [--send TEXT]] NAME[=KIND]...
 *             [-- EXTRA_EAL_ARGS]
 *
 * The stack comes up from the configuration ([resolver] servers must be
 * set for names that are not dotted quads) with no worker threads: this
 * program drives worker 0 itself from the main thread (ws_worker_poll), so
 * every resolver call is made on the worker's own thread, as the API asks.
 *
 * Each NAME is looked up (all at once), and when all are answered one line
 * per name is printed, in the order given:
 *   NAME A.B.C.D [A.B.C.D]...      addresses
 *   NAME NXDOMAIN | NODATA | TIMEOUT | ERROR
 * --repeat looks every name up once more after that, printing the lines
 * again: those answers come from the cache (see dns.res_hits).
 * --connect NAME:PORT then connects by name, sends TEXT (as given, byte
 * for byte), half-closes, and prints what the server sent back until it
 * closes, as "NAME:PORT REPLY TEXT" (bytes outside printable ASCII as
 * \xNN), or "NAME:PORT FAILED KIND" / "NAME:PORT CLOSED REASON".
 * --wait prints "ready" once the port is up and polls until a line (or
 * EOF) arrives on stdin: time to configure the kernel side of a tap.
 * At the end every dns.res_* counter of worker 0 is printed, one
 * "dns.NAME VALUE" per line.
 *
 * KIND is what NAME is expected to get: addr (the default), nxdomain,
 * nodata, timeout or error. Exit status: 0 when every lookup (of both
 * rounds) got its expected kind and the connection, if any, was made and
 * closed cleanly; 1 otherwise or on a runtime failure; 2 for bad usage or
 * configuration. With eal.huge = auto the EAL runs without hugepages.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "woshou.h"
#include "ws_app.h"
#include "ws_resolver_api.h"
#include "ws_services_config.h"
#include "ws_tcp_api.h"

#define EXIT_RUNTIME 1
#define EAL_ARGV_FIXED 64
#define EAL_ARGS_BUF 8192
#define REPLY_MAX 65536

enum kind { K_ADDR, K_NXDOMAIN, K_NODATA, K_TIMEOUT, K_ERROR, K_PENDING };

static const char *const kind_names[] = {
	[K_ADDR] = "addr",
	[K_NXDOMAIN] = "nxdomain",
	[K_NODATA] = "nodata",
	[K_TIMEOUT] = "timeout",
	[K_ERROR] = "error",
};

struct lookup {
	char name[256];
	enum kind expect;
	enum kind got;
	char line[512];			/* what is printed for it */
};

struct conn {
	char name[256];
	uint16_t port;
	const char *text;
	uint32_t text_len, sent;
	bool connected, shut, done, clean;
	char result[64];		/* FAILED ... / CLOSED ... */
	uint32_t len;
	char reply[REPLY_MAX];
};

struct options {
	struct ws_app_options app;	/* --config, --set */
	bool wait, repeat;
	const char *connect;
	const char *send;
	struct lookup *lookups;
	unsigned int n_lookups;
	char **eal_extra;
	unsigned int n_eal_extra;
};

static unsigned int pending;

static void
usage(FILE *f)
{
	fprintf(f, "Usage: ws_lookup --config FILE [--set S.K=V]... [--wait] "
		"[--repeat]\n"
		"                 [--connect NAME:PORT [--send TEXT]] "
		"NAME[=KIND]... [-- EAL_ARGS]\n"
		"Look names up with woshou's resolver (KIND: addr, nxdomain, "
		"nodata, timeout, error).\n");
}

static enum kind
kind_of_status(int status)
{
	switch (status) {
	case 0:
		return K_ADDR;
	case -ENOENT:
		return K_NXDOMAIN;
	case -ENODATA:
		return K_NODATA;
	case -ETIMEDOUT:
		return K_TIMEOUT;
	default:
		return K_ERROR;
	}
}

static void
parse_lookup(const char *arg, struct lookup *l)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq == NULL ? strlen(arg) : (size_t)(eq - arg);
	unsigned int k;

	if (len == 0 || len >= sizeof(l->name))
		ws_app_fail_usage("bad name '%s'", arg);
	memcpy(l->name, arg, len);
	l->name[len] = '\0';
	l->expect = K_ADDR;
	if (eq == NULL)
		return;
	for (k = 0; k < RTE_DIM(kind_names); k++)
		if (strcmp(eq + 1, kind_names[k]) == 0)
			break;
	if (k == RTE_DIM(kind_names))
		ws_app_fail_usage("'%s': KIND is addr, nxdomain, nodata, timeout or "
			"error", arg);
	l->expect = (enum kind)k;
}

enum { OPT_WAIT = 256, OPT_REPEAT, OPT_CONNECT, OPT_SEND };

static void
own_option(int c, int argc, char **argv, void *ctx)
{
	struct options *opt = ctx;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	switch (c) {
	case OPT_WAIT:
		opt->wait = true;
		break;
	case OPT_REPEAT:
		opt->repeat = true;
		break;
	case OPT_CONNECT:
		opt->connect = optarg;
		break;
	case OPT_SEND:
		opt->send = optarg;
		break;
	}
}

static void
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option own[] = {
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "repeat", no_argument, NULL, OPT_REPEAT },
		{ "connect", required_argument, NULL, OPT_CONNECT },
		{ "send", required_argument, NULL, OPT_SEND },
		{ NULL, 0, NULL, 0 },
	};
	const struct ws_app_cmdline cl = {
		.name = "ws_lookup", .usage = usage, .long_opts = own,
		.option = own_option, .ctx = opt,
	};
	unsigned int i;

	memset(opt, 0, sizeof(*opt));
	opt->lookups = calloc(argc, sizeof(*opt->lookups));
	if (opt->lookups == NULL)
		ws_app_fail_usage("out of memory");
	i = (unsigned int)ws_app_parse_options(argc, argv, &cl, &opt->app);
	/* Names up to "--"; EAL arguments after it. */
	for (; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		parse_lookup(argv[i], &opt->lookups[opt->n_lookups++]);
	}
	opt->eal_extra = &argv[i];
	opt->n_eal_extra = (unsigned int)argc - i;
	ws_app_require_config(&opt->app);
	if (opt->n_lookups == 0 && opt->connect == NULL)
		ws_app_fail_usage("nothing to do: give NAMEs or --connect");
	if (opt->send != NULL && opt->connect == NULL)
		ws_app_fail_usage("--send needs --connect");
}

static void
start_eal(const struct ws_config *cfg, const char *prog,
		const struct options *opt)
{
	unsigned int argv_max = EAL_ARGV_FIXED + opt->n_eal_extra;
	static char buf[EAL_ARGS_BUF];
	char **eal_argv;
	int eal_argc;

	eal_argv = calloc(argv_max, sizeof(*eal_argv));
	if (eal_argv == NULL)
		ws_app_fail_usage("out of memory");
	eal_argc = ws_config_eal_args(cfg, prog, 0,
		(const char *const *)opt->eal_extra, opt->n_eal_extra,
		eal_argv, argv_max, buf, sizeof(buf));
	if (eal_argc < 0)
		ws_app_fail_usage("EAL arguments: %s", strerror(-eal_argc));
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "ws_lookup: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(EXIT_RUNTIME);
	}
}

/* One turn of the worker; a short nap when it had nothing to do. */
static void
poll_once(struct ws_worker *w)
{
	static const struct timespec nap = { .tv_nsec = 100000 };

	if (ws_worker_poll(w) == 0)
		nanosleep(&nap, NULL);
}

static void
wait_for_stdin(struct ws_worker *w)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char line[256];

	printf("ready\n");
	fflush(stdout);
	while (poll(&pfd, 1, 0) == 0)
		poll_once(w);
	if (fgets(line, sizeof(line), stdin) == NULL)
		clearerr(stdin);
}

/* Lookups. */

static void
lookup_done(struct ws_worker *w, const char *name, int status,
		const uint32_t *addrs, unsigned int n, void *arg)
{
	static const char *const words[] = {
		[K_NXDOMAIN] = "NXDOMAIN", [K_NODATA] = "NODATA",
		[K_TIMEOUT] = "TIMEOUT", [K_ERROR] = "ERROR",
	};
	struct lookup *l = arg;
	char addr[INET_ADDRSTRLEN];
	size_t used;
	unsigned int i;

	RTE_SET_USED(w);
	RTE_SET_USED(name);
	l->got = kind_of_status(status);
	used = (size_t)snprintf(l->line, sizeof(l->line), "%s", l->name);
	if (l->got != K_ADDR)
		snprintf(l->line + used, sizeof(l->line) - used, " %s",
			words[l->got]);
	for (i = 0; i < n && used < sizeof(l->line); i++) {
		inet_ntop(AF_INET, &addrs[i], addr, sizeof(addr));
		used += (size_t)snprintf(l->line + used,
			sizeof(l->line) - used, " %s", addr);
	}
	pending--;
}

/* One round over every name; true when each got what it expected. */
static bool
lookup_round(struct ws_worker *w, struct lookup *lookups, unsigned int n)
{
	unsigned int i;
	bool ok = true;
	int ret;

	for (i = 0; i < n; i++) {
		lookups[i].got = K_PENDING;
		pending++;
		ret = ws_resolve(w, lookups[i].name, lookup_done, &lookups[i]);
		if (ret < 0) {
			pending--;
			lookups[i].got = K_ERROR;
			snprintf(lookups[i].line, sizeof(lookups[i].line),
				"%s ERROR %s", lookups[i].name,
				strerror(-ret));
		}
	}
	while (pending != 0)
		poll_once(w);
	for (i = 0; i < n; i++) {
		printf("%s\n", lookups[i].line);
		ok &= lookups[i].got == lookups[i].expect;
	}
	fflush(stdout);
	return ok;
}

/* Connecting by name. */

static void
conn_push(struct ws_tcp_conn *c, struct conn *k)
{
	int n;

	if (k->sent < k->text_len) {
		n = ws_tcp_send(c, k->text + k->sent, k->text_len - k->sent);
		if (n > 0)
			k->sent += (uint32_t)n;
	}
	if (k->sent == k->text_len && !k->shut) {
		k->shut = true;
		ws_tcp_shutdown(c);
	}
}

static void
conn_connected(struct ws_tcp_conn *c)
{
	struct conn *k = ws_tcp_ctx(c);

	k->connected = true;
	conn_push(c, k);
}

static void
conn_writable(struct ws_tcp_conn *c)
{
	conn_push(c, ws_tcp_ctx(c));
}

static uint32_t
conn_data(struct ws_tcp_conn *c, const struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct conn *k = ws_tcp_ctx(c);
	uint32_t n = RTE_MIN(len, REPLY_MAX - k->len);
	const void *p;

	/* Beyond REPLY_MAX the reply is cut, not held up. */
	if (n != 0) {
		p = rte_pktmbuf_read(m, off, n, k->reply + k->len);
		if (p != k->reply + k->len)
			memcpy(k->reply + k->len, p, n);
		k->len += n;
	}
	return len;
}

static void
conn_peer_closed(struct ws_tcp_conn *c)
{
	ws_tcp_close(c);
}

static void
conn_closed(struct ws_tcp_conn *c, enum ws_tcp_close_reason why)
{
	static const char *const reasons[] = {
		[WS_TCP_CLOSED_NORMAL] = "NORMAL",
		[WS_TCP_CLOSED_RESET] = "RESET",
		[WS_TCP_CLOSED_REFUSED] = "REFUSED",
		[WS_TCP_CLOSED_TIMEOUT] = "TIMEOUT",
		[WS_TCP_CLOSED_KEEPALIVE] = "KEEPALIVE",
		[WS_TCP_CLOSED_ABORTED] = "ABORTED",
		[WS_TCP_CLOSED_UNREACHABLE] = "UNREACHABLE",
		[WS_TCP_CLOSED_NOMEM] = "NOMEM",
		[WS_TCP_CLOSED_STOPPED] = "STOPPED",
	};
	struct conn *k = ws_tcp_ctx(c);

	k->clean = why == WS_TCP_CLOSED_NORMAL && k->connected;
	snprintf(k->result, sizeof(k->result), "CLOSED %s",
		(unsigned int)why < RTE_DIM(reasons) && reasons[why] != NULL ?
		reasons[why] : "?");
	k->done = true;
}

static void
conn_failed(struct ws_worker *w, const char *name, int status, void *ctx)
{
	static const char *const words[] = {
		[K_NXDOMAIN] = "NXDOMAIN", [K_NODATA] = "NODATA",
		[K_TIMEOUT] = "TIMEOUT", [K_ERROR] = "ERROR",
	};
	struct conn *k = ctx;

	RTE_SET_USED(w);
	RTE_SET_USED(name);
	snprintf(k->result, sizeof(k->result), "FAILED %s",
		words[kind_of_status(status)]);
	k->done = true;
}

static const struct ws_tcp_ops conn_ops = {
	.connected = conn_connected,
	.data = conn_data,
	.writable = conn_writable,
	.peer_closed = conn_peer_closed,
	.closed = conn_closed,
};

static void
print_escaped(const char *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			putchar(ch);
		else
			printf("\\x%02x", ch);
	}
}

static bool
connect_by_name(struct ws_worker *w, const char *target, const char *text)
{
	static struct conn k;
	const char *colon = strrchr(target, ':');
	char *end;
	unsigned long port;
	int ret;

	if (colon == NULL || colon == target ||
			(size_t)(colon - target) >= sizeof(k.name))
		ws_app_fail_usage("--connect wants NAME:PORT, not '%s'", target);
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port > UINT16_MAX)
		ws_app_fail_usage("--connect: bad port in '%s'", target);
	memcpy(k.name, target, colon - target);
	k.port = (uint16_t)port;
	k.text = text != NULL ? text : "";
	k.text_len = (uint32_t)strlen(k.text);

	ret = ws_tcp_connect_name(w, k.name, k.port, &conn_ops, &k,
		conn_failed);
	if (ret < 0) {
		printf("%s FAILED %s\n", target, strerror(-ret));
		return false;
	}
	while (!k.done)
		poll_once(w);
	if (k.connected) {
		printf("%s REPLY ", target);
		print_escaped(k.reply, k.len);
		putchar('\n');
	}
	printf("%s %s\n", target, k.result);
	fflush(stdout);
	return k.clean;
}

static void
print_counters(const struct ws_stack *s)
{
	const struct ws_stat_module *dns = ws_stat_module_find("dns");
	const uint64_t *v;
	struct ws_stats st;
	unsigned int i;

	ws_stack_stats(s, 0, &st);
	v = ws_stat_values(&st, dns);
	for (i = 0; i < dns->n; i++)
		if (strncmp(dns->counters[i].name, "res_", 4) == 0)
			printf("dns.%s %" PRIu64 "\n", dns->counters[i].name,
				v[i]);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static struct ws_services_config services;	/* unused */
	char err[WS_CFG_ERR_LEN];
	struct options opt;
	struct ws_config cfg;
	struct ws_stack *s;
	struct ws_worker *w;
	bool ok = true;
	int ret;

	parse_options(argc, argv, &opt);
	/* woshou's sections too: the driver configs have them. */
	if (ws_services_config_register(&services, err, sizeof(err)) < 0)
		ws_app_fail_usage("%s", err);
	ws_app_load_config(&opt.app, &cfg);
	start_eal(&cfg, argv[0], &opt);
	s = ws_stack_create(&cfg);
	if (s == NULL) {
		fprintf(stderr, "ws_lookup: cannot create the stack: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return EXIT_RUNTIME;
	}
	ret = ws_stack_start_manual(s);
	if (ret < 0) {
		fprintf(stderr, "ws_lookup: cannot start the stack: %s\n",
			rte_strerror(-ret));
		ws_stack_destroy(s);
		rte_eal_cleanup();
		return EXIT_RUNTIME;
	}
	w = ws_stack_worker(s, 0);
	if (opt.wait)
		wait_for_stdin(w);

	if (opt.n_lookups != 0) {
		ok &= lookup_round(w, opt.lookups, opt.n_lookups);
		if (opt.repeat)
			ok &= lookup_round(w, opt.lookups, opt.n_lookups);
	}
	if (opt.connect != NULL)
		ok &= connect_by_name(w, opt.connect, opt.send);
	print_counters(s);

	ws_stack_stop(s);
	ws_stack_destroy(s);
	rte_eal_cleanup();
	free(opt.app.sets);
	free(opt.lookups);
	return ok ? EXIT_SUCCESS : EXIT_RUNTIME;
}
