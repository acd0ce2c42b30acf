/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* STUB: replaced by the config loader. */
#include <errno.h>
#include <string.h>
#include "ws_config.h"

void ws_config_defaults(struct ws_config *cfg) { memset(cfg, 0, sizeof(*cfg)); }
int ws_config_load(struct ws_config *cfg, const char *path, const char *const *sets, unsigned int n_sets, char *err, size_t err_len) { (void)cfg; (void)path; (void)sets; (void)n_sets; (void)err; (void)err_len; return -EINVAL; }
void ws_config_print(FILE *f, const struct ws_config *cfg) { (void)f; (void)cfg; }
int ws_config_eal_args(const struct ws_config *cfg, const char *prog, unsigned long hugepages_free, const char *const *extra, unsigned int n_extra, char **argv, unsigned int argv_max, char *buf, size_t buf_len) { (void)cfg; (void)prog; (void)hugepages_free; (void)extra; (void)n_extra; (void)argv; (void)argv_max; (void)buf; (void)buf_len; return -ENOSPC; }
