/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The Home Agent on its home link (RFC 6275 §7, §10.4.1, §10.5): Router
 * Advertisements with the H flag and replies to Router Solicitations, the
 * Home Agents List learnt from other home agents' advertisements, Dynamic
 * Home Agent Address Discovery, proxy Neighbor Discovery for away Home
 * Addresses (kernel proxy entries) with an unsolicited advertisement after a
 * registration, and DAD probes on a mobile node's behalf.
 */
#ifndef MIP6HA_NDISC_H
#define MIP6HA_NDISC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "bcache.h"
#include "conf.h"
#include "icmp6.h"
#include "nl.h"
#include "sig.h"

struct ndisc;

struct ndisc *ndisc_new(const struct conf *c, struct nl *nl);
void ndisc_free(struct ndisc *nd);

/** Where DAD verdicts go. */
void ndisc_set_sig(struct ndisc *nd, struct sig *s);

/**
 * Set up the home interface (forwarding and proxy_ndp on, the HA addresses
 * added) and open the sockets. @return 0, or -errno with a message (-ENODEV
 * while the interface does not exist yet: the dataplane makes the tap).
 */
int ndisc_open(struct ndisc *nd, char *err, size_t errlen);
/** Close the sockets (the interface went away); the Home Agents List stays. */
void ndisc_close(struct ndisc *nd);
bool ndisc_is_open(const struct ndisc *nd);
/** The home interface's index, 0 before ndisc_open(). */
int ndisc_ifindex(const struct ndisc *nd);

int ndisc_fd(const struct ndisc *nd);	    /**< ICMPv6 in: RS, RA, NS, NA, DHAAD */
int ndisc_timer_fd(const struct ndisc *nd); /**< the next unsolicited RA */
void ndisc_input(struct ndisc *nd);
void ndisc_timer(struct ndisc *nd);

/** Take @p c (SIGHUP): prefixes, RA intervals and limits; an RA goes out at once. */
void ndisc_reload(struct ndisc *nd, const struct conf *c);

/** A binding changed: proxy entries follow, and a new one is announced. */
void ndisc_binding(struct ndisc *nd, enum bcache_event ev, const struct bt_binding *b);

/** sig_link_ops.dad_start. */
void ndisc_dad_start(void *nd, const struct in6_addr *a, bool ll);

void ndisc_print_ha_list(struct ndisc *nd, FILE *out, bool json);
void ndisc_print_stats(const struct ndisc *nd, FILE *out, bool json);

/**
 * The home prefixes as our Router Advertisements and Mobile Prefix
 * Advertisements carry them: L and A, lifetimes 86400/14400 s, and R with the
 * HA's whole address where it has one in the prefix. @return how many (≤ max).
 */
size_t ndisc_prefixes(const struct conf *c, struct icmp6_prefix *out, size_t max);

/** The home link's counters in the Prometheus text format (mip6ha_home_link_...). */
void ndisc_print_prometheus(const struct ndisc *nd, FILE *out);

#endif
