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
