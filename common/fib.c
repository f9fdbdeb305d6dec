/* SPDX-License-Identifier: BSD-3-Clause */
#include "fib.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shm.h"

#define FIB_CAPACITY_MAX (1u << 20)
#define FIB_SNAP_TRIES	 64

struct fib_shm {
	struct shm_hdr hdr;
	/* Seqlock: the writer makes it odd, changes the arrays, makes it even. */
	_Atomic uint64_t gen;
	uint32_t n_routes;
	uint32_t n_neighs;
	uint32_t routes_off;
	uint32_t neighs_off;
};

struct fib {
	struct shm_map map;
	struct fib_shm *s;
	struct fib_route *routes;
	struct fib_neigh *neighs;
	uint32_t cap;
};

static size_t
fib_shm_bytes(uint32_t cap)
{
	return sizeof(struct fib_shm) +
	       (size_t)cap * (sizeof(struct fib_route) + sizeof(struct fib_neigh));
}

static struct fib *
fib_fail(struct fib *f, int err)
{
	if (f != NULL) {
		shm_close(&f->map);
		free(f);
	}
	errno = err;
	return NULL;
}

static void
fib_bind(struct fib *f)
{
	f->s = f->map.base;
	f->cap = (uint32_t)f->s->hdr.capacity;
	f->routes = (struct fib_route *)((char *)f->map.base + f->s->routes_off);
	f->neighs = (struct fib_neigh *)((char *)f->map.base + f->s->neighs_off);
}

struct fib *
fib_create(const char *name, uint32_t capacity, char *err, size_t errlen)
{
	struct fib *f;
	char msg[200];
	int rc;

	if (capacity == 0 || capacity > FIB_CAPACITY_MAX) {
		snprintf(err, errlen, "fib capacity %u out of range 1..%u", capacity,
			 FIB_CAPACITY_MAX);
		return fib_fail(NULL, EINVAL);
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return fib_fail(NULL, ENOMEM);
	rc = shm_open_writer(&f->map, name, "fib", fib_shm_bytes(capacity), err, errlen);
	if (rc < 0)
		return fib_fail(f, -rc);
	if (rc == 1) {
		const struct fib_shm *s = f->map.base;

		rc = shm_hdr_check(&s->hdr, f->map.size, SHM_KIND_FIB, FIB_ABI, msg, sizeof(msg));
		if (rc == 0 && s->hdr.capacity != capacity) {
			snprintf(msg, sizeof(msg), "capacity %llu, expected %u",
				 (unsigned long long)s->hdr.capacity, capacity);
			rc = -EEXIST;
		}
		if (rc == 0 && (s->n_routes > capacity || s->n_neighs > capacity)) {
			snprintf(msg, sizeof(msg), "%u routes, %u neighbours: over capacity %u",
				 s->n_routes, s->n_neighs, capacity);
			rc = -EPROTO;
		}
		if (rc != 0) {
			snprintf(err, errlen,
				 "%s: cannot adopt: %s; stop every process and remove it",
				 f->map.path, msg);
			return fib_fail(f, -rc);
		}
	} else {
		struct fib_shm *s = f->map.base;

		s->hdr.magic = SHM_MAGIC;
		s->hdr.abi = FIB_ABI;
		s->hdr.kind = SHM_KIND_FIB;
		s->hdr.size = fib_shm_bytes(capacity);
		s->hdr.capacity = capacity;
		s->routes_off = sizeof(*s);
		s->neighs_off = (uint32_t)(sizeof(*s) + capacity * sizeof(struct fib_route));
	}
	fib_bind(f);
	/* A writer killed mid-change left the generation odd: the arrays are whole
	 * entries only (each change is one slot), so closing the section repairs it. */
	if (atomic_load_explicit(&f->s->gen, memory_order_relaxed) & 1)
		atomic_fetch_add_explicit(&f->s->gen, 1, memory_order_release);
	f->s->hdr.writer_pid = (uint32_t)getpid();
	/* Pairs with the reader's acquire load in shm_hdr_check(). */
	atomic_store_explicit(&f->s->hdr.ready, 1, memory_order_release);
	return f;
}

struct fib *
fib_attach(const char *name, char *err, size_t errlen)
{
	struct fib *f = calloc(1, sizeof(*f));
	const struct fib_shm *s;
	uint64_t cap;
	int rc;

	if (f == NULL)
		return fib_fail(NULL, ENOMEM);
	rc = shm_open_reader(&f->map, name, "fib", SHM_KIND_FIB, FIB_ABI, err, errlen);
	if (rc != 0)
		return fib_fail(f, -rc);
	s = f->map.base;
	cap = s->hdr.capacity;
	if (cap == 0 || cap > FIB_CAPACITY_MAX || s->routes_off < sizeof(*s) ||
	    s->routes_off + cap * sizeof(struct fib_route) > s->neighs_off ||
	    s->neighs_off + cap * sizeof(struct fib_neigh) > f->map.size) {
		snprintf(err, errlen, "%s: inconsistent fib geometry", f->map.path);
		return fib_fail(f, EPROTO);
	}
	fib_bind(f);
	return f;
}

void
fib_close(struct fib *f)
{
	if (f != NULL)
		fib_fail(f, errno);
}

void
fib_destroy(const char *name)
{
	shm_unlink_all(name, "fib");
}

uint64_t
fib_generation(const struct fib *f)
{
	/* Pairs with the writer's release in fib_write_end(). */
	return atomic_load_explicit(&f->s->gen, memory_order_acquire);
}

uint32_t
fib_capacity(const struct fib *f)
{
	return f->cap;
}

static void
fib_write_begin(struct fib *f)
{
	atomic_fetch_add_explicit(&f->s->gen, 1, memory_order_relaxed);
	/* The odd generation must be visible before any array store: a reader that
	 * sees a new entry then also sees the generation it must retry on. */
	atomic_thread_fence(memory_order_release);
}

static void
fib_write_end(struct fib *f)
{
	/* Pairs with the reader's acquire fence: the stores above come first. */
	atomic_fetch_add_explicit(&f->s->gen, 1, memory_order_release);
}

static bool
fib_prefix_eq(const struct in6_addr *a, const struct in6_addr *b, uint8_t len)
{
	unsigned int full = len / 8, rem = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rem == 0 || ((a->s6_addr[full] ^ b->s6_addr[full]) & (0xff00 >> rem)) == 0;
}

static bool
fib_dev_ok(const char *dev)
{
	return dev[0] != '\0' && memchr(dev, '\0', FIB_IFNAME_MAX) != NULL;
}

int
fib_route_set(struct fib *f, const struct fib_route *r)
{
	struct fib_route clean = *r;
	uint32_t i, n = f->s->n_routes;

	if (r->len > 128 || r->type < FIB_RT_UNICAST || r->type > FIB_RT_BLACKHOLE ||
	    (r->type == FIB_RT_UNICAST && !fib_dev_ok(r->dev)))
		return -EINVAL;
	/* Host bits cleared: two spellings of one prefix are one route. */
	for (i = r->len; i < 128; i++)
		clean.prefix.s6_addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	for (i = 0; i < n; i++)
		if (f->routes[i].len == r->len &&
		    fib_prefix_eq(&f->routes[i].prefix, &clean.prefix, r->len))
			break;
	if (i == n && n == f->cap)
		return -ENOSPC;
	fib_write_begin(f);
	f->routes[i] = clean;
	if (i == n)
		f->s->n_routes = n + 1;
	fib_write_end(f);
	return 0;
}

int
fib_route_del(struct fib *f, const struct in6_addr *prefix, uint8_t len)
{
	uint32_t i, n = f->s->n_routes;

	for (i = 0; i < n; i++)
		if (f->routes[i].len == len && fib_prefix_eq(&f->routes[i].prefix, prefix, len))
			break;
	if (i == n)
		return -ENOENT;
	fib_write_begin(f);
	f->routes[i] = f->routes[n - 1];
	f->s->n_routes = n - 1;
	fib_write_end(f);
	return 0;
}

static uint32_t
fib_neigh_find(const struct fib *f, const struct in6_addr *addr, const char *dev)
{
	uint32_t i;

	for (i = 0; i < f->s->n_neighs; i++)
		if (memcmp(&f->neighs[i].addr, addr, sizeof(*addr)) == 0 &&
		    strncmp(f->neighs[i].dev, dev, FIB_IFNAME_MAX) == 0)
			break;
	return i;
}

int
fib_neigh_set(struct fib *f, const struct fib_neigh *nb)
{
	uint32_t i, n = f->s->n_neighs;

	if (!fib_dev_ok(nb->dev))
		return -EINVAL;
	i = fib_neigh_find(f, &nb->addr, nb->dev);
	if (i == n && n == f->cap)
		return -ENOSPC;
	fib_write_begin(f);
	f->neighs[i] = *nb;
	if (i == n)
		f->s->n_neighs = n + 1;
	fib_write_end(f);
	return 0;
}

int
fib_neigh_del(struct fib *f, const struct in6_addr *addr, const char *dev)
{
	uint32_t n = f->s->n_neighs, i = fib_neigh_find(f, addr, dev);

	if (i == n)
		return -ENOENT;
	fib_write_begin(f);
	f->neighs[i] = f->neighs[n - 1];
	f->s->n_neighs = n - 1;
	fib_write_end(f);
	return 0;
}

static uint32_t
fib_filter(struct fib_route *routes, uint32_t *n_routes, struct fib_neigh *neighs,
	   uint32_t *n_neighs)
{
	uint32_t i, k = 0, rejected = 0;

	for (i = 0; i < *n_routes; i++) {
		const struct fib_route *r = &routes[i];

		if (r->len > 128 || r->type < FIB_RT_UNICAST || r->type > FIB_RT_BLACKHOLE ||
		    (r->type == FIB_RT_UNICAST && !fib_dev_ok(r->dev)))
			rejected++;
		else
			routes[k++] = *r;
	}
	*n_routes = k;
	for (i = k = 0; i < *n_neighs; i++) {
		if (!fib_dev_ok(neighs[i].dev))
			rejected++;
		else
			neighs[k++] = neighs[i];
	}
	*n_neighs = k;
	return rejected;
}

int
fib_snapshot(const struct fib *f, struct fib_route *routes, uint32_t *n_routes,
	     struct fib_neigh *neighs, uint32_t *n_neighs, uint64_t *gen, uint32_t *rejected)
{
	int tries;

	for (tries = 0; tries < FIB_SNAP_TRIES; tries++) {
		/* Pairs with the writer's release in fib_write_end(). */
		uint64_t g = atomic_load_explicit(&f->s->gen, memory_order_acquire);
		uint32_t nr = f->s->n_routes, nn = f->s->n_neighs;

		if (g & 1)
			continue;
		if (nr > f->cap || nn > f->cap)
			return -EPROTO;
		memcpy(routes, f->routes, nr * sizeof(*routes));
		memcpy(neighs, f->neighs, nn * sizeof(*neighs));
		/* Order the copies before the re-check, as a seqlock reader must. */
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&f->s->gen, memory_order_relaxed) != g)
			continue;
		*n_routes = nr;
		*n_neighs = nn;
		*gen = g;
		*rejected = fib_filter(routes, n_routes, neighs, n_neighs);
		return 0;
	}
	return -EAGAIN;
}

int
fib_parse_lladdr(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	/* %x alone would take a sign, "0x" or blanks: "-1:..." must not become ff. */
	if (s[strspn(s, "0123456789abcdefABCDEF:")] != '\0')
		return -EINVAL;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}
