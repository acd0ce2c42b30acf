/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/*
 * The configuration loader (lib/core/ws_config.c, with woshou's own
 * [http], [echo] and [discard] sections registered as the program does):
 * the input up to its first NUL is the INI file, what follows it is up to
 * 16 newline-separated --set overrides. Errors are fine; crashes are not,
 * and an error must come with its one-line reason. A configuration that
 * loads is printed (ws_config_print), must load again from what was
 * printed, and must then print the same: what --check-config shows is
 * what runs.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "ws_services_config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SETS 16

static struct ws_services_config services;
static int file_fd, print_fd;
static char file_path[64], print_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[WS_CFG_ERR_LEN];

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	/* The loader needs no EAL; the route files it reads need none. */
	FUZZ_CHECK(ws_services_config_register(&services, err,
		sizeof(err)) == 0, "register: %s", err);
	file_fd = memfd_create("ws_fuzz_config", 0);
	print_fd = memfd_create("ws_fuzz_printed", 0);
	FUZZ_CHECK(file_fd >= 0 && print_fd >= 0, "memfd_create");
	snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
	snprintf(print_path, sizeof(print_path), "/proc/self/fd/%d",
		print_fd);
	return 0;
}

static void
put_file(int fd, const void *data, size_t len)
{
	FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate");
	FUZZ_CHECK(len == 0 || pwrite(fd, data, len, 0) == (ssize_t)len,
		"pwrite");
}

/* ws_config_print of 'cfg' into a malloc'd string (*len bytes). */
static char *
print_config(const struct ws_config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	FUZZ_CHECK(f != NULL, "open_memstream");
	ws_config_print(f, cfg);
	fclose(f);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ws_config cfg, again;
	const char *sets[MAX_SETS];
	char err[WS_CFG_ERR_LEN], *copy, *p, *end, *nul;
	char *text, *text2, *skip, *skip2;
	size_t file_len, len, len2;
	unsigned int n_sets = 0;
	int ret;

	if (size > 65536)
		return 0;
	copy = malloc(size + 1);
	FUZZ_CHECK(copy != NULL, "malloc");
	memcpy(copy, data, size);
	copy[size] = '\0';
	nul = memchr(copy, '\0', size);
	file_len = nul != NULL ? (size_t)(nul - copy) : size;
	put_file(file_fd, copy, file_len);
	if (nul != NULL) {
		for (p = nul + 1, end = copy + size; p < end &&
				n_sets < MAX_SETS; ) {
			char *nl = memchr(p, '\n', (size_t)(end - p));

			if (nl != NULL)
				*nl = '\0';
			sets[n_sets++] = p;
			p = nl != NULL ? nl + 1 : end;
		}
	}

	ret = ws_config_load(&cfg, file_path, sets, n_sets, err, sizeof(err));
	if (ret != 0) {
		FUZZ_CHECK(ret < 0 && err[0] != '\0', "error %d without a "
			"reason", ret);
		free(copy);
		return 0;
	}
	text = print_config(&cfg, &len);
	put_file(print_fd, text, len);
	ret = ws_config_load(&again, print_path, NULL, 0, err, sizeof(err));
	if (ret != 0)
		fuzz_fail("printed configuration does not load: %s\n%s", err,
			text);
	text2 = print_config(&again, &len2);
	/* The first line names the file it came from: that differs. */
	skip = strchr(text, '\n');
	skip2 = strchr(text2, '\n');
	FUZZ_CHECK(skip != NULL && skip2 != NULL, "no header line");
	FUZZ_CHECK(len - (size_t)(skip - text) == len2 -
		(size_t)(skip2 - text2) && strcmp(skip, skip2) == 0,
		"printed configuration changes when loaded again:\n%s\n---\n%s",
		text, text2);
	free(text);
	free(text2);
	free(copy);
	return 0;
}
