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
/**
 * Add (or delete) a permanent neighbour entry for @p a on @p ifindex with the
 * interface's own @p mac: the kernel's own packets to a bound Home Address
 * then go into the home tap, where the dataplane tunnels them.
 */
int nl_neigh_own(struct nl *n, int ifindex, const struct in6_addr *a, const uint8_t mac[6],
		 bool add);
int nl_addr_add(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen);

/** Remove @p a/@p plen from @p ifindex; an address not there is fine. @return 0 or -errno. */
int nl_addr_del(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen);

/** Add or delete the policy rule "from @p src lookup @p table" at @p prio. @return 0 or -errno. */
int nl_rule_from(struct nl *n, const struct in6_addr *src, uint32_t table, uint32_t prio, bool add);

/** Add or replace "default dev @p ifindex" in routing table @p table. @return 0 or -errno. */
int nl_route_default_dev(struct nl *n, uint32_t table, int ifindex);

/** A global IPv6 address of an interface, as the mobile node's watch sees it. */
struct nl_if_addr {
	struct in6_addr addr;
	bool usable;	  /**< neither tentative (unless optimistic) nor DAD-failed */
	uint32_t created; /**< the kernel's creation stamp, hundredths of a second */
};

/** Watch addresses, links and routes (libnl cache manager, events, no polling),
 * and count the times @p ifindex is seen down or without carrier. */
int nl_watch_start(struct nl *n, int ifindex, char *err, size_t errlen);
/** How many times the watched interface was seen down or without carrier. */
uint64_t nl_watch_link_downs(const struct nl *n);
/** True when @p ifindex is up and has carrier (IFF_UP and IFF_RUNNING). */
bool nl_watch_running(struct nl *n, int ifindex);
/** The watch's socket, for epoll; -1 when not watching. */
int nl_watch_fd(const struct nl *n);
/** Read what rtnetlink reported. @return true when anything changed since the last call. */
bool nl_watch_input(struct nl *n);
/** The global IPv6 addresses of @p ifindex, at most @p max. */
size_t nl_watch_addrs(struct nl *n, int ifindex, struct nl_if_addr *out, size_t max);

/** What nl_watch_prune() keeps; each returns true to keep. */
struct nl_prune {
	bool (*addr)(void *arg, const struct in6_addr *a);
	bool (*prefix)(void *arg, const struct in6_addr *p, uint8_t plen);
	bool (*router)(void *arg, const struct in6_addr *gw);
	void *arg;
};

/**
 * Remove from @p ifindex what the kernel autoconfigured for another link:
 * non-permanent global addresses, on-link prefix routes and default routes
 * through routers that @p keep does not keep. @return how many went.
 */
int nl_watch_prune(struct nl *n, int ifindex, const struct nl_prune *keep);

struct fib;

/** What the mirror wrote, for `stats`. */
struct nl_mirror_counters {
	uint64_t routes_set, routes_deleted, neighs_set, neighs_deleted, skipped, errors;
};

/**
 * Mirror the kernel's IPv6 routes and neighbours on the interfaces @p devs
 * (the dataplane's taps) into @p fib: a full copy now, then every change as
 * rtnetlink reports it (a libnl cache manager, no polling). Unicast routes
 * of the main table out of a tap become unicast routes, local-table routes to
 * the addresses of a tap become local routes; link-local and multicast
 * prefixes stay with the kernel, and so does everything not on a tap.
 * @return 0 or -errno with a message.
 */
int nl_mirror_start(struct nl *n, struct fib *fib, const char (*devs)[16], size_t n_devs, char *err,
		    size_t errlen);
/** The cache manager's socket, for epoll; -1 when the mirror is off. */
int nl_mirror_fd(const struct nl *n);
/** Apply what rtnetlink reported. */
void nl_mirror_input(struct nl *n);
const struct nl_mirror_counters *nl_mirror_counters(const struct nl *n);

#endif
