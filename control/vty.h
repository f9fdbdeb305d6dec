/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The mip6d-style vty (control.vty, default [::1]:7777): a line protocol on
 * TCP for operators who poked UMIP's mip6d with telnet. Commands: help, bc,
 * bul, stats, hal, quit. Output close to mip6d's (bc: "hoa H status
 * registered", " coa C flags AH--", " lifetime x / y seq n"). Many clients at
 * once, each with its own buffers, on the daemon's epoll loop; a slow client
 * never blocks the daemon (its output waits for EPOLLOUT).
 */
#ifndef MIP6HA_VTY_H
#define MIP6HA_VTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ctl.h"

struct vty;

/**
 * Listen on @p at and serve @p cx's tables and printers through the epoll
 * set @p ep. @return the vty, or NULL with a message in @p err.
 */
struct vty *vty_open(const struct conf_endpoint *at, int ep, const struct ctl_ctx *cx, char *err,
		     size_t errlen);

/** An event on @p fd: @return true when @p fd is the vty's (and was handled). */
bool vty_event(struct vty *v, int fd);

void vty_close(struct vty *v);

/**
 * control.vty of @p c, when set: vty_open() with a log line either way. A
 * failure to listen (another process may hold the port) is a warning; the
 * daemon runs without a vty. @return the vty or NULL.
 */
struct vty *vty_start(const struct conf *c, int ep, const struct ctl_ctx *cx);

#endif
