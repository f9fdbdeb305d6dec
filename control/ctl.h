/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The control socket: `mip6ha` connects, writes one command line, reads the
 * reply. The reply's first line is the command's exit status in decimal; the
 * rest is what the CLI prints.
 */
#ifndef MIP6HA_CTL_H
#define MIP6HA_CTL_H

#include <stdio.h>

/* The command list, shared by the daemon's "help" and the CLI's --help. */
#define CTL_COMMANDS                                                                               \
	"  bc                         list the binding cache\n"                                    \
	"  bc add HOA COA [LIFETIME]  add or update a binding (seconds, default 3600)\n"           \
	"  bc del HOA                 delete a binding\n"                                          \
	"  fib                        list the dataplane's routes and neighbours\n"                \
	"  fib route add PREFIX/LEN [via GW] dev IFNAME\n"                                         \
	"                             add or replace a route; on-link without via\n"               \
	"  fib route add PREFIX/LEN local|blackhole\n"                                             \
	"                             a route to this node (its tap), or one that drops\n"         \
	"  fib route del PREFIX/LEN   delete a route\n"                                            \
	"  fib neigh add ADDR lladdr MAC dev IFNAME\n"                                             \
	"                             add or replace a neighbour; MAC aa:bb:cc:dd:ee:ff\n"         \
	"  fib neigh del ADDR dev IFNAME\n"                                                        \
	"                             delete a neighbour\n"                                        \
	"  stats                      binding-table statistics\n"

#include "bcache.h"
#include "fib.h"

#define CTL_LINE_MAX 1024
#define CTL_ARGS_MAX 16

/** Bind and listen on @p path (creating its directory); -errno with a message. */
int ctl_listen(const char *path, char *err, size_t errlen);

/** Accept one client on @p lfd and answer its command. */
void ctl_serve(int lfd, struct bcache *bc, struct fib *fib);

/** Run one command; its output goes to @p out. @return the exit status. */
int ctl_exec(struct bcache *bc, struct fib *fib, int argc, char **argv, FILE *out);

#endif
