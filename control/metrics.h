/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Prometheus metrics (control.metrics, e.g. [::1]:9477): GET /metrics in the
 * text exposition format (version 0.0.4), served by GNU libmicrohttpd on the
 * daemon's own epoll loop (no thread: MHD's epoll descriptor joins the set
 * and MHD_run() does the work), so the counters are read where they are
 * written.
 */
#ifndef MIP6HA_METRICS_H
#define MIP6HA_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "conf.h"

struct metrics;

/** Writes the body of /metrics. */
typedef void (*metrics_fn)(void *arg, FILE *out);

/**
 * Serve control.metrics of @p c, when set, through the epoll set @p ep; a
 * failure to listen is logged and the daemon runs without it.
 * @return the server, or NULL.
 */
struct metrics *metrics_start(const struct conf *c, int ep, metrics_fn fn, void *arg);

/** An event on @p fd: @return true when it was the server's. */
bool metrics_event(struct metrics *m, int fd);

/** Idle connections time out: call once a second. */
void metrics_tick(struct metrics *m);

void metrics_stop(struct metrics *m);

#endif
