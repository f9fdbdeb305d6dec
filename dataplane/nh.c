/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Next hops. The main lcore copies the shared `fib` object when its generation
 * moves, builds a fresh rte_fib6 (the DIR-24-8 trie with 2-byte next hops: half
 * the memory of rte_lpm6's 64 MiB table, and two snapshots live at once during
 * a swap) and neighbour hash from the copy, publishes
 * the new snapshot with one release store and frees the old one only after an
 * RCU (QSBR) grace period, so a worker never sees a half-built table and never
 * takes a lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_fib6.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"

#define DP_NH_NONE 0x7fff /* the largest 2-byte next hop: no route */

struct dp_fib_copy {
	struct fib_route *routes;
	struct fib_neigh *neighs;
	uint32_t n_routes, n_neighs, rejected;
	uint64_t gen;
};

static uint64_t dp_fib_builds;

static int
dp_port_by_tap(const struct dp *dp, const char *dev)
{
	uint16_t i;

	for (i = 0; i < dp->n_data; i++)
		if (strncmp(dp->ports[i].ifname, dev, FIB_IFNAME_MAX) == 0 ||
		    strncmp(dp->ports[i].name, dev, FIB_IFNAME_MAX) == 0)
			return i;
	return -1;
}

static void
dp_fib_free(struct dp_fib *f)
{
	if (f == NULL)
		return;
	rte_fib6_free(f->fib6);
	rte_hash_free(f->neigh);
	rte_free(f->routes);
	rte_free(f->macs);
	rte_free(f);
}

static int
dp_fib_add_routes(const struct dp *dp, struct dp_fib *f, const struct dp_fib_copy *cp,
		  uint32_t *rejected)
{
	uint32_t i;

	for (i = 0; i < cp->n_routes; i++) {
		const struct fib_route *r = &cp->routes[i];
		struct dp_route *d = &f->routes[i];
		int port = r->type == FIB_RT_UNICAST ? dp_port_by_tap(dp, r->dev) : 0;

		if (port < 0) {
			(*rejected)++; /* a route out of an interface we do not drive */
			continue;
		}
		d->type = r->type;
		d->port = (uint16_t)port;
		d->gw = r->gw;
		d->has_gw = !IN6_IS_ADDR_UNSPECIFIED(&r->gw);
		if (rte_fib6_add(f->fib6, r->prefix.s6_addr, r->len, i) != 0)
			return -ENOSPC;
	}
	return 0;
}

static int
dp_fib_add_neighs(const struct dp *dp, struct dp_fib *f, const struct dp_fib_copy *cp,
		  uint32_t *rejected)
{
	uint32_t i;

	for (i = 0; i < cp->n_neighs; i++) {
		struct dp_neigh_key k;
		int port = dp_port_by_tap(dp, cp->neighs[i].dev);

		if (port < 0) {
			(*rejected)++;
			continue;
		}
		memset(&k, 0, sizeof(k));
		k.addr = cp->neighs[i].addr;
		k.port = (uint32_t)port;
		memcpy(&f->macs[i], cp->neighs[i].lladdr, RTE_ETHER_ADDR_LEN);
		if (rte_hash_add_key_data(f->neigh, &k, (void *)(uintptr_t)i) != 0)
			return -ENOSPC;
	}
	return 0;
}

/* A gateway's MAC once per snapshot, not once per packet. */
static void
dp_fib_resolve_gateways(struct dp_fib *f, uint32_t n_routes)
{
	uint32_t i;

	for (i = 0; i < n_routes; i++) {
		struct dp_route *r = &f->routes[i];
		struct dp_neigh_key k;
		void *data;

		if (r->type != FIB_RT_UNICAST || !r->has_gw)
			continue;
		memset(&k, 0, sizeof(k));
		k.addr = r->gw;
		k.port = r->port;
		r->gw_resolved = rte_hash_lookup_data(f->neigh, &k, &data) >= 0;
		if (r->gw_resolved)
			r->gw_mac = f->macs[(uintptr_t)data];
	}
}

static struct dp_fib *
dp_fib_build(const struct dp *dp, const struct dp_fib_copy *cp, uint32_t *rejected)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_fib6_conf fc = {
		.type = RTE_FIB6_TRIE,
		.default_nh = DP_NH_NONE,
		.max_routes = (int)cp->n_routes + 16,
		.trie = {.nh_sz = RTE_FIB6_TRIE_2B, .num_tbl8 = (cp->n_routes + 16) * 16},
	};
	struct rte_hash_parameters hp = {
		.entries = cp->n_neighs * 2 + 64,
		.key_len = sizeof(struct dp_neigh_key),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};
	struct dp_fib *f;

	if (cp->n_routes >= DP_NH_NONE) {
		*rejected += cp->n_routes;
		return NULL; /* 2-byte next hops: DP_NH_NONE routes at most */
	}
	f = rte_zmalloc("dp_fib", sizeof(*f), 0);
	if (f == NULL)
		return NULL;
	dp_fib_builds++;
	snprintf(name, sizeof(name), "fib%llu", (unsigned long long)dp_fib_builds);
	f->fib6 = rte_fib6_create(name, (int)rte_socket_id(), &fc);
	snprintf(name, sizeof(name), "nb%llu", (unsigned long long)dp_fib_builds);
	hp.name = name;
	f->neigh = rte_hash_create(&hp);
	f->routes = rte_zmalloc("dp_routes", (cp->n_routes + 1) * sizeof(*f->routes), 0);
	f->macs = rte_zmalloc("dp_macs", (cp->n_neighs + 1) * sizeof(*f->macs), 0);
	if (f->fib6 == NULL || f->neigh == NULL || f->routes == NULL || f->macs == NULL ||
	    dp_fib_add_routes(dp, f, cp, rejected) != 0 ||
	    dp_fib_add_neighs(dp, f, cp, rejected) != 0) {
		dp_fib_free(f);
		return NULL;
	}
	dp_fib_resolve_gateways(f, cp->n_routes);
	f->gen = cp->gen;
	/* Never 0, so an empty cache slot never matches. */
	f->epoch = (uint16_t)(dp_fib_builds % 65535 + 1);
	return f;
}

/* Start with no routes (everything to the kernel) rather than not at all;
 * housekeeping retries when the shared generation moves. */
static int
dp_fib_empty(struct dp *dp)
{
	struct dp_fib_copy empty;
	uint32_t rejected = 0;
	struct dp_fib *f;

	memset(&empty, 0, sizeof(empty));
	f = dp_fib_build(dp, &empty, &rejected);
	if (f == NULL)
		return -ENOMEM;
	atomic_store_explicit(&dp->fib, f, memory_order_release);
	return 0;
}

int
dp_fib_init(struct dp *dp)
{
	size_t sz = rte_rcu_qsbr_get_memsize(DP_WORKERS_MAX + 1);

	dp->rcu = rte_zmalloc("dp_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (dp->rcu == NULL || rte_rcu_qsbr_init(dp->rcu, DP_WORKERS_MAX + 1) != 0)
		return -ENOMEM;
	if (dp_fib_refresh(dp, true) >= 0)
		return 0;
	return dp_fib_empty(dp);
}

static int
dp_fib_copy(const struct dp *dp, struct dp_fib_copy *cp)
{
	uint32_t cap = dp->fib_shm != NULL ? fib_capacity(dp->fib_shm) : 0;
	int rc;

	memset(cp, 0, sizeof(*cp));
	if (dp->fib_shm == NULL)
		return 0;
	cp->routes = calloc(cap, sizeof(*cp->routes));
	cp->neighs = calloc(cap, sizeof(*cp->neighs));
	if (cp->routes == NULL || cp->neighs == NULL)
		return -ENOMEM;
	rc = fib_snapshot(dp->fib_shm, cp->routes, &cp->n_routes, cp->neighs, &cp->n_neighs,
			  &cp->gen, &cp->rejected);
	return rc;
}

int
dp_fib_refresh(struct dp *dp, bool force)
{
	struct dp_fib *old = atomic_load_explicit(&dp->fib, memory_order_relaxed), *nf;
	struct dp_fib_copy cp;
	uint32_t rejected;
	int rc;

	if (!force && old != NULL &&
	    (dp->fib_shm == NULL || fib_generation(dp->fib_shm) == old->gen ||
	     fib_generation(dp->fib_shm) == dp->fib_failed_gen))
		return 0;
	rc = dp_fib_copy(dp, &cp);
	rejected = cp.rejected;
	nf = rc == 0 ? dp_fib_build(dp, &cp, &rejected) : NULL;
	free(cp.routes);
	free(cp.neighs);
	if (nf == NULL) {
		/* Bad-input matrix S1: keep the last good snapshot, count, say it once
		 * per generation, and wait for the next one rather than spin. */
		dp->fib_rejected++;
		/* A writer too busy to copy (-EAGAIN) is retried on the next tick. */
		if (rc == -EAGAIN)
			return rc;
		dp->fib_failed_gen = rc == 0 ? cp.gen : fib_generation(dp->fib_shm);
		fprintf(stderr,
			"mip6ha-dp: fib generation %llu not applied (%s); keeping generation "
			"%llu\n",
			(unsigned long long)dp->fib_failed_gen,
			rc < 0 ? strerror(-rc) : "out of memory: raise EAL -m",
			(unsigned long long)(old != NULL ? old->gen : 0));
		return rc < 0 ? rc : -ENOMEM;
	}
	dp->fib_rejected = rejected;
	/* Pairs with the workers' acquire load at the start of a burst. */
	atomic_store_explicit(&dp->fib, nf, memory_order_release);
	if (old != NULL) {
		/* Every worker has finished any burst that could hold @old. */
		rte_rcu_qsbr_synchronize(dp->rcu, RTE_QSBR_THRID_INVALID);
		dp_fib_free(old);
	}
	return 1;
}

void
dp_fib_fini(struct dp *dp)
{
	dp_fib_free(atomic_exchange_explicit(&dp->fib, NULL, memory_order_acq_rel));
	rte_free(dp->rcu);
}

int
dp_nh_lookup(const struct dp_fib *f, const uint8_t *dst, uint16_t *port, struct rte_ether_addr *mac)
{
	const struct dp_route *r;
	struct dp_neigh_key k;
	uint64_t idx;
	void *data;

	/* The trie's API takes non-const arguments it only reads. */
	rte_fib6_lookup_bulk((struct rte_fib6 *)(uintptr_t)f->fib6,
			     (uint8_t(*)[RTE_FIB6_IPV6_ADDR_SIZE])(uintptr_t)dst, &idx, 1);
	if (idx == DP_NH_NONE)
		return -1;
	r = &f->routes[idx];
	if (r->type == FIB_RT_LOCAL)
		return -2;
	if (r->type == FIB_RT_BLACKHOLE)
		return -3;
	*port = r->port;
	if (r->has_gw) {
		if (!r->gw_resolved)
			return 1;
		*mac = r->gw_mac;
		return 0;
	}
	memset(&k, 0, sizeof(k));
	memcpy(&k.addr, dst, 16);
	k.port = r->port;
	if (rte_hash_lookup_data(f->neigh, &k, &data) < 0)
		return 1;
	*mac = f->macs[(uintptr_t)data];
	return 0;
}

bool
dp_nh_onlink(const struct dp_fib *f, const uint8_t *dst)
{
	uint64_t idx;

	rte_fib6_lookup_bulk((struct rte_fib6 *)(uintptr_t)f->fib6,
			     (uint8_t(*)[RTE_FIB6_IPV6_ADDR_SIZE])(uintptr_t)dst, &idx, 1);
	return idx != DP_NH_NONE && f->routes[idx].type == FIB_RT_UNICAST && !f->routes[idx].has_gw;
}
