/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * getopt_long() for the EAL inside libwoshou_packetdrill.so.
 *
 * packetdrill dlopen()s the adapter with RTLD_DEEPBIND, so the DPDK
 * libraries the adapter pulls in bind 'optind' and 'optarg' to libc's own
 * copies, while libc's getopt_long() works on the copies that the
 * packetdrill executable holds (copy relocations): the EAL's argument
 * parser then reads a NULL optarg and crashes. Defining the getopt family
 * here, in the object that heads that lookup scope, gives the EAL one
 * consistent set. Loaded without RTLD_DEEPBIND (our driver), libc's
 * definitions come first and these go unused.
 *
 * Enough for the EAL: short options ("x", "x:", "x::"), long options
 * ("--name", "--name=value", "--name value"), no argument permutation
 * (parsing stops at the first non-option, as with a leading '+').
 */

#include <getopt.h>
#include <stdint.h>
#include <string.h>

char *optarg;
int optind = 1, opterr = 1, optopt;

static int nextchar;	/* within a cluster of short options */

static int
long_opt(int argc, char *const argv[], const struct option *lo,
		int *longindex)
{
	const char *name = argv[optind] + 2, *eq = strchr(name, '=');
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	int i, found = -1;

	for (i = 0; lo != NULL && lo[i].name != NULL; i++) {
		if (strncmp(lo[i].name, name, len) != 0)
			continue;
		if (strlen(lo[i].name) == len) {
			found = i;
			break;
		}
		found = found == -1 ? i : -2;	/* a prefix of several */
	}
	optind++;
	if (found < 0) {
		optopt = 0;
		return '?';
	}
	if (longindex != NULL)
		*longindex = found;
	optarg = NULL;
	if (lo[found].has_arg == no_argument) {
		if (eq != NULL)
			return '?';
	} else if (eq != NULL) {
		optarg = (char *)(uintptr_t)(eq + 1);
	} else if (lo[found].has_arg == required_argument) {
		if (optind >= argc)
			return '?';
		optarg = argv[optind++];
	}
	if (lo[found].flag != NULL) {
		*lo[found].flag = lo[found].val;
		return 0;
	}
	return lo[found].val;
}

int
getopt_long(int argc, char *const argv[], const char *shortopts,
		const struct option *longopts, int *longindex)
{
	const char *arg, *spec;
	int c;

	if (optind == 0) {
		optind = 1;
		nextchar = 0;
	}
	optarg = NULL;
	if (nextchar == 0) {
		if (optind >= argc || argv[optind] == NULL ||
				argv[optind][0] != '-' ||
				argv[optind][1] == '\0')
			return -1;
		if (strcmp(argv[optind], "--") == 0) {
			optind++;
			return -1;
		}
		if (argv[optind][1] == '-')
			return long_opt(argc, argv, longopts, longindex);
		nextchar = 1;
	}
	arg = argv[optind];
	c = (unsigned char)arg[nextchar++];
	if (shortopts[0] == '+' || shortopts[0] == '-' || shortopts[0] == ':')
		shortopts++;
	spec = c != ':' ? strchr(shortopts, c) : NULL;
	if (spec == NULL) {
		optopt = c;
		if (arg[nextchar] == '\0') {
			optind++;
			nextchar = 0;
		}
		return '?';
	}
	if (spec[1] == ':') {
		if (arg[nextchar] != '\0') {
			optarg = (char *)(uintptr_t)(arg + nextchar);
		} else if (spec[2] != ':') {
			if (optind + 1 >= argc) {
				optopt = c;
				optind++;
				nextchar = 0;
				return '?';
			}
			optarg = argv[++optind];
		}
		optind++;
		nextchar = 0;
	} else if (arg[nextchar] == '\0') {
		optind++;
		nextchar = 0;
	}
	return c;
}

int
getopt_long_only(int argc, char *const argv[], const char *shortopts,
		const struct option *longopts, int *longindex)
{
	return getopt_long(argc, argv, shortopts, longopts, longindex);
}

int
getopt(int argc, char *const argv[], const char *shortopts)
{
	return getopt_long(argc, argv, shortopts, NULL, NULL);
}
