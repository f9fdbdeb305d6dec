/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The shared `fib` object: routes and neighbours for the dataplane's next hops.
 *
 * The control plane is the only writer (its libnl-3 mirror of the kernel's
 * tables on the taps, and `mip6ha fib ...` commands); the
 * dataplane's main lcore is the only reader. Interfaces are named by the kernel
 * name of their tap ("ha-core"), so the writer needs no DPDK port numbers.
 *
 * The whole table is published as one snapshot under a generation counter used
 * as a seqlock: odd while the writer changes it, even when it is stable. A
 * reader copies the table, re-reads the generation and retries on a change, so
 * it never builds a FIB from a half-written table.
 */
#ifndef MIP6HA_FIB_H
#define MIP6HA_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define FIB_ABI		 1
#define FIB_IFNAME_MAX	 16   /**< IFNAMSIZ */
#define FIB_CAPACITY_DEF 4096 /**< routes and neighbours, each */

enum fib_route_type {
	FIB_RT_UNICAST = 1,   /**< forward via gw (or on-link when gw is ::) out of dev */
	FIB_RT_LOCAL = 2,     /**< addressed to the node itself: the kernel (tap) */
	FIB_RT_BLACKHOLE = 3, /**< drop */
};

struct fib_route {
	struct in6_addr prefix;
	struct in6_addr gw; /**< :: = directly connected */
	uint8_t len;
	uint8_t type; /**< enum fib_route_type */
	char dev[FIB_IFNAME_MAX];
};

struct fib_neigh {
	struct in6_addr addr;
	uint8_t lladdr[6];
	char dev[FIB_IFNAME_MAX];
};

struct fib;

/** Create (or adopt, keeping its entries) the writer's object `<name>-fib`. */
struct fib *fib_create(const char *name, uint32_t capacity, char *err, size_t errlen);
/** Map an existing object read-only. */
struct fib *fib_attach(const char *name, char *err, size_t errlen);
void fib_close(struct fib *f);
void fib_destroy(const char *name);

/** Writer: add or replace the route for prefix/len. @return 0, -ENOSPC, -EINVAL. */
int fib_route_set(struct fib *f, const struct fib_route *r);
/** Writer: delete the route for prefix/len. @return 0 or -ENOENT. */
int fib_route_del(struct fib *f, const struct in6_addr *prefix, uint8_t len);
/** Writer: add or replace the neighbour addr on dev. @return 0, -ENOSPC, -EINVAL. */
int fib_neigh_set(struct fib *f, const struct fib_neigh *n);
/** Writer: delete the neighbour addr on dev. @return 0 or -ENOENT. */
int fib_neigh_del(struct fib *f, const struct in6_addr *addr, const char *dev);

/** Current generation (even when stable). */
uint64_t fib_generation(const struct fib *f);
uint32_t fib_capacity(const struct fib *f);

/**
 * Reader: copy a consistent snapshot of the table.
 *
 * @p routes and @p neighs must hold fib_capacity() entries each. Entries with
 * a bad type, prefix length or unterminated name are skipped and counted in
 * @p rejected (bad-input matrix S1: a corrupted object never reaches the FIB).
 * @return 0 with the generation in @p gen, -EAGAIN when the writer kept
 *	   changing the table, -EPROTO when the counts are out of range.
 */
int fib_snapshot(const struct fib *f, struct fib_route *routes, uint32_t *n_routes,
		 struct fib_neigh *neighs, uint32_t *n_neighs, uint64_t *gen, uint32_t *rejected);

/** Parse "aa:bb:cc:dd:ee:ff". @return 0 or -EINVAL. */
int fib_parse_lladdr(const char *s, uint8_t mac[6]);

#endif
