/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

/* Placeholder until the resolver lands. */

#include <errno.h>

#include "ws_resolver.h"
#include "ws_worker.h"

int
ws_resolver_init(struct ws_worker *w, int socket)
{
	RTE_SET_USED(w);
	RTE_SET_USED(socket);
	return 0;
}

void
ws_resolver_fini(struct ws_worker *w)
{
	RTE_SET_USED(w);
}

void
ws_resolver_timer(struct ws_worker *w)
{
	RTE_SET_USED(w);
}

int
ws_resolve(struct ws_worker *w, const char *name, ws_resolve_cb cb,
		void *arg)
{
	RTE_SET_USED(w);
	RTE_SET_USED(name);
	RTE_SET_USED(cb);
	RTE_SET_USED(arg);
	return -ENOTCONN;
}
