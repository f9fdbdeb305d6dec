/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The Mobile Node role of mip6ha-cp (node.role: mn).
 */
#ifndef MIP6HA_MN_H
#define MIP6HA_MN_H

#include "conf.h"

struct nl;

/**
 * Run as a mobile node until SIGTERM or SIGINT: watch the mobile interface,
 * keep the home registration, tunnel the Home Address's traffic.
 *
 * @param sfd  a signalfd for SIGTERM, SIGINT and SIGHUP
 * @param lfd  the listening control socket
 * @return the exit status
 */
int mn_run(const struct conf *c, struct nl *nl, int sfd, int lfd);

#endif
