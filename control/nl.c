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
#include <netlink/route/neighbour.h>

struct nl {
	struct nl_sock *sk; /* requests: one at a time, acknowledged */
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

int
nl_proxy(struct nl *n, int ifindex, const struct in6_addr *a, bool add)
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET6, a, sizeof(*a));
	int rc = -NLE_NOMEM;

	if (ne == NULL || dst == NULL)
		goto out;
	rtnl_neigh_set_ifindex(ne, ifindex);
	rtnl_neigh_set_family(ne, AF_INET6);
	rtnl_neigh_set_dst(ne, dst);
	rtnl_neigh_set_flags(ne, NTF_PROXY);
	if (add)
		rc = rtnl_neigh_add(n->sk, ne, NLM_F_CREATE | NLM_F_REPLACE);
	else
		rc = rtnl_neigh_delete(n->sk, ne, 0);
out:
	nl_addr_put(dst);
	rtnl_neigh_put(ne);
	return nl_errno(rc);
}

int
nl_addr_add(struct nl *n, int ifindex, const struct in6_addr *a, uint8_t plen)
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
	rtnl_addr_set_flags(ra, IFA_F_NODAD);
	rc = rtnl_addr_add(n->sk, ra, NLM_F_CREATE | NLM_F_EXCL);
	if (rc == -NLE_EXIST)
		rc = 0;
out:
	nl_addr_put(local);
	rtnl_addr_put(ra);
	return nl_errno(rc);
}
