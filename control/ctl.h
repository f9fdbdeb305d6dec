/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The control socket: `mip6ha` connects, writes one command line, reads the
 * reply. The reply's first line is the command's exit status in decimal; the
 * rest is what the CLI prints.
 */
#ifndef MIP6HA_CTL_H
#define MIP6HA_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The command list, shared by the daemon's "help" and the CLI's --help. */
#define CTL_COMMANDS                                                                               \
	"  bc                         list the binding cache, with packets and bytes\n"            \
	"                             tunnelled to and from each mobile node\n"                    \
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
	"  stats                      protocol counters (BA and BE status histograms,\n"           \
	"                             discards, home link) and binding-table statistics\n"         \
	"  ha-list                    the Home Agents List: this HA and those heard on\n"          \
	"                             the home link, most preferred first\n"                       \
	"  bul                        a mobile node's Binding Update List: HoA, CoA, HA,\n"        \
	"                             state, lifetime, sequence, retransmissions, and the\n"       \
	"                             timing of the last handover\n"

#include "bcache.h"
#include "fib.h"

#define CTL_LINE_MAX 1024
#define CTL_ARGS_MAX 16

/** Bind and listen on @p path (creating its directory); -errno with a message. */
int ctl_listen(const char *path, char *err, size_t errlen);

/** What the commands reach. The printers may be NULL (not running yet);
 * a mobile node has no @p bc and no @p fib. */
struct ctl_ctx {
	struct bcache *bc;
	struct fib *fib;
	/** A mobile node's Binding Update List. */
	void (*bul)(void *arg, FILE *out, bool json);
	void *arg;
	/** Protocol counters, as "name":{...} members when @p json. */
	void (*stats)(void *arg, FILE *out, bool json);
	void (*ha_list)(void *arg, FILE *out, bool json);
	/** Binding @p id's packets and bytes to and from the MN since it was
	 * made (encap pkts, bytes, decap pkts, bytes); false without a dataplane. */
	bool (*traffic)(void *arg, uint32_t id, uint64_t out[4]);
};

/** Accept one client on @p lfd and answer its command. */
void ctl_serve(int lfd, const struct ctl_ctx *cx);

/** Split the request line @p line (changed in place) into words and run it. */
int ctl_request(const struct ctl_ctx *cx, char *line, FILE *out);

/** Run one command; its output goes to @p out. @return the exit status. */
int ctl_exec(const struct ctl_ctx *cx, int argc, char **argv, FILE *out);

#endif
