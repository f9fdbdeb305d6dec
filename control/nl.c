/* SPDX-License-Identifier: BSD-3-Clause */
#include "nl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fib.h"

#define NL_DEVS_MAX 64

struct nl {
	struct nl_sock *sk; /* requests: one at a time, acknowledged */
	/* The fib mirror. */
	struct nl_cache_mngr *mngr;
	struct nl_cache *routes, *neighs;
	struct fib *fib;
	/* The mobile node's watch of its interface. */
	struct nl_cache_mngr *watch;
	struct nl_cache *addrs, *links, *wroutes;
	bool changed;
	int watch_ifindex;
	uint64_t link_downs; /* times the watched link was seen not running */
	char devs[NL_DEVS_MAX][16];
	size_t n_devs;
	struct nl_mirror_counters n;
};

struct nl *
nl_new(char *err, size_t errlen)
{
	struct nl *n = calloc(1, sizeof(*n));
	int rc;

	if (n == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->sk = nl_socket_alloc();
	if (n->sk == NULL) {
		snprintf(err, errlen, "netlink: out of memory");
		free(n);
		return NULL;
	}
	rc = nl_connect(n->sk, NETLINK_ROUTE);
	if (rc < 0) {
		snprintf(err, errlen, "netlink: %s", nl_geterror(rc));
		nl_socket_free(n->sk);
		free(n);
		return NULL;
	}
	return n;
}

void
nl_free(struct nl *n)
{
	if (n == NULL)
		return;
	if (n->mngr != NULL)
		nl_cache_mngr_free(n->mngr);
	if (n->watch != NULL)
		nl_cache_mngr_free(n->watch);
	nl_socket_free(n->sk);
	free(n);
}

/* libnl's error codes back to errno, for callers that print strerror(). */
static int
nl_errno(int rc)
{
	switch (-rc) {
	case 0:
		return 0;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	default:
		return -EIO;
	}
}

/* Add or delete a neighbour entry for @p a on @p ifindex: a proxy entry
 * when @p mac is NULL, else a permanent one with that link-layer address. */
static int
nl_neigh_change(struct nl *n, int ifindex, const struct in6_addr *a, const uint8_t *mac, bool add)
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET6, a, sizeof(*a));
	struct nl_addr *ll = mac != NULL ? nl_addr_build(AF_LLC, mac, 6) : NULL;
	int rc = -NLE_NOMEM;

	if (ne == NULL || dst == NULL || (mac != NULL && ll == NULL))
		goto out;
	rtnl_neigh_set_ifindex(ne, ifindex);
	rtnl_neigh_set_family(ne, AF_INET6);
	rtnl_neigh_set_dst(ne, dst);
	if (mac != NULL) {
		rtnl_neigh_set_lladdr(ne, ll);
		rtnl_neigh_set_state(ne, NUD_PERMANENT);
	} else {
		rtnl_neigh_set_flags(ne, NTF_PROXY);
	}
	if (add)
		rc = rtnl_neigh_add(n->sk, ne, NLM_F_CREATE | NLM_F_REPLACE);
	else
		rc = rtnl_neigh_delete(n->sk, ne, 0);
out:
	nl_addr_put(ll);
	nl_addr_put(dst);
	rtnl_neigh_put(ne);
	return nl_errno(rc);
}

int
nl_proxy(struct nl *n, int ifindex, const struct in6_addr *a, bool add)
{
	return nl_neigh_change(n, ifindex, a, NULL, add);
}

int
nl_neigh_own(struct nl *n, int ifindex, const struct in6_addr *a, const uint8_t mac[6], bool add)
{
	return nl_neigh_change(n, ifindex, a, mac, add);
}

/* Add (NODAD; one already there is fine) or delete (one not there is fine)
 * @p a/@p plen on @p ifindex. */
static int
nl_addr_change(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen, bool add)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET6, a, sizeof(*a));
	int rc = -NLE_NOMEM;

	if (ra == NULL || local == NULL)
		goto out;
	nl_addr_set_prefixlen(local, plen);
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, AF_INET6);
	rtnl_addr_set_local(ra, local);
	rtnl_addr_set_prefixlen(ra, plen);
	if (add) {
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
		rc = rtnl_addr_add(n->sk, ra, NLM_F_CREATE | NLM_F_EXCL);
		if (rc == -NLE_EXIST)
			rc = 0;
	} else {
		rc = rtnl_addr_delete(n->sk, ra, 0);
		if (rc == -NLE_NOADDR || rc == -NLE_OBJ_NOTFOUND)
			rc = 0;
	}
out:
	nl_addr_put(local);
	rtnl_addr_put(ra);
	return nl_errno(rc);
}

int
nl_addr_add(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen)
{
	return nl_addr_change(n, ifindex, a, plen, true);
}

int
nl_addr_del(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen)
{
	return nl_addr_change(n, ifindex, a, plen, false);
}

int
nl_rule_from(struct nl *n, const struct in6_addr *src, uint32_t table, uint32_t prio, bool add)
{
	struct rtnl_rule *r = rtnl_rule_alloc();
	struct nl_addr *a = nl_addr_build(AF_INET6, src, sizeof(*src));
	int rc = -NLE_NOMEM;

	if (r == NULL || a == NULL)
		goto out;
	nl_addr_set_prefixlen(a, 128);
	rtnl_rule_set_family(r, AF_INET6);
	rtnl_rule_set_src(r, a);
	rtnl_rule_set_table(r, table);
	rtnl_rule_set_prio(r, prio);
	rtnl_rule_set_action(r, FR_ACT_TO_TBL);
	if (add) {
		rc = rtnl_rule_add(n->sk, r, NLM_F_CREATE | NLM_F_EXCL);
		if (rc == -NLE_EXIST)
			rc = 0;
	} else {
		rc = rtnl_rule_delete(n->sk, r, 0);
		if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NOADDR)
			rc = 0;
	}
out:
	nl_addr_put(a);
	rtnl_rule_put(r);
	return nl_errno(rc);
}

/* Add or replace "default dev @p ifindex" in @p table (no @p gw), or delete
 * "default via @p gw dev @p ifindex metric @p prio" that Router
 * Advertisements made. */
static int
nl_default_change(struct nl *n, uint32_t table, int ifindex, struct nl_addr *gw, uint32_t prio,
		  bool add)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET6, &in6addr_any, sizeof(in6addr_any));
	int rc = -NLE_NOMEM;

	if (r == NULL || nh == NULL || dst == NULL)
		goto out;
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(r, AF_INET6);
	rtnl_route_set_table(r, table);
	rtnl_route_set_dst(r, dst);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (gw != NULL)
		rtnl_route_nh_set_gateway(nh, gw);
	else
		rtnl_route_set_scope(r, RT_SCOPE_LINK);
	if (prio != 0)
		rtnl_route_set_priority(r, prio);
	if (!add) /* the kernel matches the protocol; libnl's default is "static" */
		rtnl_route_set_protocol(r, RTPROT_RA);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL; /* the route owns it */
	rc = add ? rtnl_route_add(n->sk, r, NLM_F_CREATE | NLM_F_REPLACE)
		 : rtnl_route_delete(n->sk, r, 0);
out:
	if (nh != NULL)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	rtnl_route_put(r);
	return nl_errno(rc);
}

int
nl_route_default_dev(struct nl *n, uint32_t table, int ifindex)
{
	return nl_default_change(n, table, ifindex, NULL, 0, true);
}

/* The tap name of @p ifindex when it is one the dataplane serves. */
static bool
nl_dev(const struct nl *n, int ifindex, char name[16])
{
	size_t i;

	if (ifindex <= 0 || if_indextoname((unsigned int)ifindex, name) == NULL)
		return false;
	for (i = 0; i < n->n_devs; i++)
		if (strncmp(n->devs[i], name, 16) == 0)
			return true;
	return false;
}

static bool
nl_addr6(struct nl_addr *a, struct in6_addr *out, uint8_t *plen)
{
	memset(out, 0, sizeof(*out));
	if (a == NULL || nl_addr_get_family(a) != AF_INET6)
		return false;
	if (nl_addr_get_len(a) == sizeof(*out))
		memcpy(out, nl_addr_get_binary_addr(a), sizeof(*out));
	if (plen != NULL)
		*plen = (uint8_t)nl_addr_get_prefixlen(a);
	return true;
}

static void
nl_route_obj(struct nl *n, struct rtnl_route *r, bool del)
{
	struct fib_route fr = {0};
	struct rtnl_nexthop *nh;
	uint32_t table = rtnl_route_get_table(r);
	uint8_t type = rtnl_route_get_type(r);

	if (rtnl_route_get_family(r) != AF_INET6 ||
	    !nl_addr6(rtnl_route_get_dst(r), &fr.prefix, &fr.len))
		return;
	/* Link-local and multicast stay on their link: the dataplane punts them. */
	if (fr.prefix.s6_addr[0] == 0xff ||
	    (fr.prefix.s6_addr[0] == 0xfe && (fr.prefix.s6_addr[1] & 0xc0) == 0x80)) {
		n->n.skipped++;
		return;
	}
	if (table == RT_TABLE_LOCAL && type == RTN_LOCAL)
		fr.type = FIB_RT_LOCAL;
	else if (table == RT_TABLE_MAIN && type == RTN_UNICAST)
		fr.type = FIB_RT_UNICAST;
	else
		return;
	/* Only what the taps carry: the rest of the host is not ours to route
	 * (a blackhole goes in with `mip6ha fib route add PREFIX blackhole`). */
	nh = rtnl_route_nexthop_n(r, 0);
	if (nh == NULL || !nl_dev(n, rtnl_route_nh_get_ifindex(nh), fr.dev)) {
		n->n.skipped++;
		return;
	}
	if (fr.type == FIB_RT_UNICAST)
		nl_addr6(rtnl_route_nh_get_gateway(nh), &fr.gw, NULL);
	else
		memset(fr.dev, 0, sizeof(fr.dev));
	if (del) {
		if (fib_route_del(n->fib, &fr.prefix, fr.len) == 0)
			n->n.routes_deleted++;
	} else if (fib_route_set(n->fib, &fr) == 0) {
		n->n.routes_set++;
	} else {
		n->n.errors++;
	}
}

static bool
nl_dev_mac_is(const char *dev, const uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool is = false;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (fd >= 0 && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		is = memcmp(ifr.ifr_hwaddr.sa_data, mac, 6) == 0;
	if (fd >= 0)
		close(fd);
	return is;
}

static void
nl_neigh_obj(struct nl *n, struct rtnl_neigh *ne, bool del)
{
	struct fib_neigh fn = {0};
	struct nl_addr *ll = rtnl_neigh_get_lladdr(ne);
	int state = rtnl_neigh_get_state(ne);

	if (rtnl_neigh_get_family(ne) != AF_INET6 || (rtnl_neigh_get_flags(ne) & NTF_PROXY) ||
	    !nl_addr6(rtnl_neigh_get_dst(ne), &fn.addr, NULL) ||
	    !nl_dev(n, rtnl_neigh_get_ifindex(ne), fn.dev))
		return;
	/* Only a resolved neighbour is a next hop; the kernel resolves the rest. */
	if (!del && (ll == NULL || nl_addr_get_len(ll) != 6 ||
		     (state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP | NUD_NONE)) != 0))
		del = true;
	if (del) {
		if (fib_neigh_del(n->fib, &fn.addr, fn.dev) == 0)
			n->n.neighs_deleted++;
		return;
	}
	memcpy(fn.lladdr, nl_addr_get_binary_addr(ll), 6);
	/* Our own entries for bound Home Addresses (nl_neigh_own()) point at
	 * the tap itself: no next hop for the dataplane. They are permanent, so
	 * only permanent entries cost the look at the tap's MAC. */
	if ((state & NUD_PERMANENT) && nl_dev_mac_is(fn.dev, fn.lladdr))
		return;
	if (fib_neigh_set(n->fib, &fn) == 0)
		n->n.neighs_set++;
	else
		n->n.errors++;
}

static void
nl_change(struct nl_cache *cache, struct nl_object *obj, int action, void *arg)
{
	struct nl *n = arg;
	bool del = action == NL_ACT_DEL;

	(void)cache;
	if (strcmp(nl_object_get_type(obj), "route/route") == 0)
		nl_route_obj(n, (struct rtnl_route *)obj, del);
	else if (strcmp(nl_object_get_type(obj), "route/neigh") == 0)
		nl_neigh_obj(n, (struct rtnl_neigh *)obj, del);
}

static void
nl_copy_one(struct nl_object *obj, void *arg)
{
	nl_change(NULL, obj, NL_ACT_NEW, arg);
}

/* A cache manager (events, no polling) holding the caches of @p types,
 * each change reported to @p cb. @return 0, or -errno with a message. */
static int
nl_mngr_open(struct nl_cache_mngr **m, const char *const *types, struct nl_cache **caches[],
	     size_t n, change_func_t cb, void *arg, char *err, size_t errlen)
{
	size_t i;
	int rc = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE, m);

	for (i = 0; rc == 0 && i < n; i++)
		rc = nl_cache_mngr_add(*m, types[i], cb, arg, caches[i]);
	if (rc < 0) {
		snprintf(err, errlen, "netlink cache manager: %s", nl_geterror(rc));
		if (*m != NULL)
			nl_cache_mngr_free(*m);
		*m = NULL;
		return nl_errno(rc);
	}
	return 0;
}

int
nl_mirror_start(struct nl *n, struct fib *fib, const char (*devs)[16], size_t n_devs, char *err,
		size_t errlen)
{
	static const char *const types[] = {"route/route", "route/neigh"};
	struct nl_cache **caches[] = {&n->routes, &n->neighs};
	int rc;

	n->fib = fib;
	n->n_devs = n_devs < NL_DEVS_MAX ? n_devs : NL_DEVS_MAX;
	memcpy(n->devs, devs, n->n_devs * sizeof(n->devs[0]));
	rc = nl_mngr_open(&n->mngr, types, caches, 2, nl_change, n, err, errlen);
	if (rc < 0)
		return rc;
	/* The manager reports changes only: copy what is there now. */
	nl_cache_foreach(n->routes, nl_copy_one, n);
	nl_cache_foreach(n->neighs, nl_copy_one, n);
	return 0;
}

int
nl_mirror_fd(const struct nl *n)
{
	return n->mngr != NULL ? nl_cache_mngr_get_fd(n->mngr) : -1;
}

void
nl_mirror_input(struct nl *n)
{
	if (n->mngr != NULL && nl_cache_mngr_data_ready(n->mngr) < 0)
		n->n.errors++;
}

const struct nl_mirror_counters *
nl_mirror_counters(const struct nl *n)
{
	return &n->n;
}

static void
nl_watch_change(struct nl_cache *cache, struct nl_object *obj, int action, void *arg)
{
	struct nl *n = arg;
	unsigned int up = IFF_UP | IFF_RUNNING;

	(void)cache;
	n->changed = true;
	/* A carrier loss and its return can come in one read: count the loss
	 * here, where each event is seen. */
	if (strcmp(nl_object_get_type(obj), "route/link") == 0 &&
	    rtnl_link_get_ifindex((struct rtnl_link *)obj) == n->watch_ifindex &&
	    (action == NL_ACT_DEL || (rtnl_link_get_flags((struct rtnl_link *)obj) & up) != up))
		n->link_downs++;
}

int
nl_watch_start(struct nl *n, int ifindex, char *err, size_t errlen)
{
	static const char *const types[] = {"route/addr", "route/link", "route/route"};
	struct nl_cache **caches[] = {&n->addrs, &n->links, &n->wroutes};

	n->watch_ifindex = ifindex;
	n->changed = true;
	return nl_mngr_open(&n->watch, types, caches, 3, nl_watch_change, n, err, errlen);
}

int
nl_watch_fd(const struct nl *n)
{
	return n->watch != NULL ? nl_cache_mngr_get_fd(n->watch) : -1;
}

bool
nl_watch_input(struct nl *n)
{
	bool changed;

	if (n->watch != NULL && nl_cache_mngr_data_ready(n->watch) < 0) {
		/* An overrun (ENOBUFS): the caches missed events, read them
		 * whole again. */
		nl_cache_refill(n->sk, n->addrs);
		nl_cache_refill(n->sk, n->links);
		nl_cache_refill(n->sk, n->wroutes);
		n->changed = true;
	}
	changed = n->changed;
	n->changed = false;
	return changed;
}

size_t
nl_watch_addrs(struct nl *n, int ifindex, struct nl_if_addr *out, size_t max)
{
	struct nl_object *o;
	size_t k = 0;

	for (o = nl_cache_get_first(n->addrs); o != NULL && k < max; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		unsigned int fl = (unsigned int)rtnl_addr_get_flags(a);

		if (rtnl_addr_get_family(a) != AF_INET6 || rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		    !nl_addr6(rtnl_addr_get_local(a), &out[k].addr, NULL))
			continue;
		/* RFC 4429: an optimistic address may be used while DAD runs. */
		out[k].usable = !(fl & IFA_F_DADFAILED) &&
				(!(fl & IFA_F_TENTATIVE) || (fl & IFA_F_OPTIMISTIC));
		out[k].created = rtnl_addr_get_create_time(a);
		k++;
	}
	return k;
}

uint64_t
nl_watch_link_downs(const struct nl *n)
{
	return n->link_downs;
}

/* An on-link prefix route the kernel made from Router Advertisements on
 * @p ifindex in the main table. */
static bool
nl_ra_prefix_route(struct rtnl_route *r, int ifindex, struct in6_addr *dst, uint8_t *plen)
{
	struct rtnl_nexthop *nh;
	uint8_t proto = rtnl_route_get_protocol(r);

	if (rtnl_route_get_family(r) != AF_INET6 || rtnl_route_get_table(r) != RT_TABLE_MAIN ||
	    (proto != RTPROT_RA && proto != RTPROT_KERNEL) || rtnl_route_get_nnexthops(r) != 1 ||
	    rtnl_route_get_type(r) != RTN_UNICAST)
		return false;
	nh = rtnl_route_nexthop_n(r, 0);
	return rtnl_route_nh_get_ifindex(nh) == ifindex && rtnl_route_nh_get_gateway(nh) == NULL &&
	       nl_addr6(rtnl_route_get_dst(r), dst, plen) && *plen > 0 &&
	       !IN6_IS_ADDR_LINKLOCAL(dst) && !IN6_IS_ADDR_MULTICAST(dst);
}

/* The default routes through routers on @p ifindex that @p keep does not
 * keep (the kernel may report them as one route with several next hops). */
static int
nl_prune_defaults(struct nl *n, int ifindex, struct rtnl_route *r, const struct nl_prune *keep)
{
	struct in6_addr dst, gw;
	uint8_t plen;
	int i, gone = 0;

	if (rtnl_route_get_family(r) != AF_INET6 || rtnl_route_get_table(r) != RT_TABLE_MAIN ||
	    rtnl_route_get_protocol(r) != RTPROT_RA ||
	    !nl_addr6(rtnl_route_get_dst(r), &dst, &plen) || plen != 0)
		return 0;
	for (i = 0; i < rtnl_route_get_nnexthops(r); i++) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);
		struct nl_addr *g = rtnl_route_nh_get_gateway(nh);

		if (rtnl_route_nh_get_ifindex(nh) != ifindex || !nl_addr6(g, &gw, NULL) ||
		    keep->router(keep->arg, &gw))
			continue;
		gone += nl_default_change(n, RT_TABLE_MAIN, ifindex, g, rtnl_route_get_priority(r),
					  false) == 0;
	}
	return gone;
}

int
nl_watch_prune(struct nl *n, int ifindex, const struct nl_prune *keep)
{
	struct nl_object *o;
	struct in6_addr dst;
	uint8_t plen;
	int gone = 0;

	for (o = nl_cache_get_first(n->addrs); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_family(a) != AF_INET6 || rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		    (rtnl_addr_get_flags(a) & IFA_F_PERMANENT) ||
		    !nl_addr6(rtnl_addr_get_local(a), &dst, NULL) || keep->addr(keep->arg, &dst))
			continue;
		gone += rtnl_addr_delete(n->sk, a, 0) == 0;
	}
	for (o = nl_cache_get_first(n->wroutes); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;

		if (nl_ra_prefix_route(r, ifindex, &dst, &plen)) {
			if (!keep->prefix(keep->arg, &dst, plen))
				gone += rtnl_route_delete(n->sk, r, 0) == 0;
		} else {
			gone += nl_prune_defaults(n, ifindex, r, keep);
		}
	}
	return gone;
}

bool
nl_watch_running(struct nl *n, int ifindex)
{
	struct rtnl_link *l = rtnl_link_get(n->links, ifindex);
	unsigned int up = IFF_UP | IFF_RUNNING;
	bool running;

	if (l == NULL)
		return false;
	running = (rtnl_link_get_flags(l) & up) == up;
	rtnl_link_put(l);
	return running;
}
