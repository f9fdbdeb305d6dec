/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The kernel, through rtnetlink (libnl-3): the only file that uses libnl.
 * Proxy neighbour entries for away Home Addresses, the HA's addresses on the
 * home interface, and (nl_mirror_*) the routes and neighbours of the taps
 * copied into the shared fib for the dataplane.
 */
#ifndef MIP6HA_NL_H
#define MIP6HA_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct nl;

struct nl *nl_new(char *err, size_t errlen);
void nl_free(struct nl *n);

/** Add or remove a proxy neighbour entry (NTF_PROXY) for @p a on @p ifindex. @return 0 or -errno. */
int nl_proxy(struct nl *n, int ifindex, const struct in6_addr *a, bool add);

/** Add @p a/@p plen to @p ifindex without DAD; an address already there is fine. @return 0 or -errno. */
int nl_addr_add(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen);

#endif
