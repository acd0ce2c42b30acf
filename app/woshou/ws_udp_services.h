/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_UDP_SERVICES_H
#define WS_UDP_SERVICES_H

/*
 * The woshou program's own UDP services, built on ws_udp_api.h alone, on
 * the same ports as their TCP twins (RFC 862 and RFC 863 define both):
 *
 *  - echo ([echo] port): each datagram goes back to its sender byte for
 *    byte, built in the buffer it arrived in. Datagrams from the port of
 *    a service that answers whatever it gets (echo, daytime, quote of the
 *    day, chargen, time, or our own echo port) are refused: two such
 *    services would bounce one spoofed datagram between them for ever.
 *  - discard ([discard] port): datagrams are dropped.
 *
 * Port 0 turns a service off. Neither keeps state per datagram.
 */

#include <stdint.h>
#include <stdio.h>

#include "ws_services_config.h"

struct ws_stack;
struct ws_udp_services;

/*
 * Bind the enabled services on every worker of 's'. Call between
 * ws_stack_create() and ws_stack_start(). NULL and rte_errno on failure
 * (a message on stderr names what failed).
 */
struct ws_udp_services *ws_udp_services_start(struct ws_stack *s,
		const struct ws_services_config *sc);

/*
 * Print the services' non-zero counters as "services.NAME VALUE" lines,
 * each prefixed with 'indent', as ws_stats_print() does the stack's.
 */
void ws_udp_services_print(FILE *f, const struct ws_udp_services *svc,
		const char *indent);

/*
 * Free the services. Call after ws_stack_destroy(), which unbinds the
 * sockets. NULL is fine.
 */
void ws_udp_services_free(struct ws_udp_services *svc);

#endif /* WS_UDP_SERVICES_H */
