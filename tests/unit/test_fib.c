/* SPDX-License-Identifier: BSD-3-Clause */
/* The shared fib: writer changes, the reader's snapshot, and a corrupted object. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fib.h"
#include "shm.h"

#define NAME "fibtest"

/*
 * The object's layout at FIB_ABI 1, written out by hand so the test can poke
 * the mapping the way a stray writer would: the header, then the generation
 * at byte 40, the counts, the array offsets; routes from byte 64.
 */
struct fib_shm_v1 {
	struct shm_hdr hdr;
	uint64_t gen;
	uint32_t n_routes;
	uint32_t n_neighs;
	uint32_t routes_off;
	uint32_t neighs_off;
};

static char dir[] = "/tmp/mip6ha-fib-test-XXXXXX";

/* Snapshot buffers, big enough for every capacity used here. */
#define CAP_MAX 16
static struct fib_route routes[CAP_MAX];
static struct fib_neigh neighs[CAP_MAX];
static uint32_t n_routes, n_neighs, rejected;
static uint64_t gen;

static struct in6_addr
addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad test address %s", s);
	return a;
}

static struct fib_route
route(const char *prefix, uint8_t len, uint8_t type, const char *gw, const char *dev)
{
	struct fib_route r;

	memset(&r, 0, sizeof(r));
	r.prefix = addr(prefix);
	r.len = len;
	r.type = type;
	if (gw != NULL)
		r.gw = addr(gw);
	snprintf(r.dev, sizeof(r.dev), "%s", dev);
	return r;
}

static struct fib_neigh
neigh(const char *a, const char *dev, uint8_t m0, uint8_t m5)
{
	struct fib_neigh n;

	memset(&n, 0, sizeof(n));
	n.addr = addr(a);
	n.lladdr[0] = m0;
	n.lladdr[1] = 0x00;
	n.lladdr[2] = 0x5e;
	n.lladdr[3] = 0x00;
	n.lladdr[4] = 0x53;
	n.lladdr[5] = m5;
	snprintf(n.dev, sizeof(n.dev), "%s", dev);
	return n;
}

static struct fib *
create(uint32_t cap)
{
	char err[256];
	struct fib *f;

	fib_destroy(NAME);
	f = fib_create(NAME, cap, err, sizeof(err));
	if (f == NULL)
		fail_msg("fib_create: %s", err);
	return f;
}

static struct fib *
attach(void)
{
	char err[256];
	struct fib *r = fib_attach(NAME, err, sizeof(err));

	if (r == NULL)
		fail_msg("fib_attach: %s", err);
	return r;
}

static int
snap(const struct fib *reader)
{
	n_routes = n_neighs = rejected = 12345;
	gen = 12345;
	return fib_snapshot(reader, routes, &n_routes, neighs, &n_neighs, &gen, &rejected);
}

/* The snapshot holds a route for prefix/len exactly equal to @p want. */
static void
assert_has_route(const struct fib_route *want)
{
	uint32_t i;

	for (i = 0; i < n_routes; i++) {
		const struct fib_route *r = &routes[i];

		if (r->len != want->len || memcmp(&r->prefix, &want->prefix, 16) != 0)
			continue;
		assert_int_equal(r->type, want->type);
		assert_memory_equal(&r->gw, &want->gw, 16);
		assert_string_equal(r->dev, want->dev);
		return;
	}
	fail_msg("route with len %u not in the snapshot", want->len);
}

static void
assert_has_neigh(const struct fib_neigh *want)
{
	uint32_t i;

	for (i = 0; i < n_neighs; i++) {
		const struct fib_neigh *n = &neighs[i];

		if (memcmp(&n->addr, &want->addr, 16) != 0 || strcmp(n->dev, want->dev) != 0)
			continue;
		assert_memory_equal(n->lladdr, want->lladdr, 6);
		return;
	}
	fail_msg("neighbour on %s not in the snapshot", want->dev);
}

/* A writable second mapping of the object, as a stray process would have. */
static struct fib_shm_v1 *
poke_map(size_t *size)
{
	char path[256];
	struct stat st;
	void *p;
	int fd;

	assert_int_equal(shm_path(path, sizeof(path), NAME, "fib", 0), 0);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(p != MAP_FAILED);
	*size = (size_t)st.st_size;
	return p;
}

static int
group_setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	/* Keep the objects out of /dev/shm and hugetlbfs. */
	return setenv("MIP6HA_SHM_DIR", dir, 1);
}

static int
group_teardown(void **state)
{
	(void)state;
	fib_destroy(NAME);
	return rmdir(dir);
}

static int
teardown(void **state)
{
	(void)state;
	fib_destroy(NAME);
	return 0;
}

static void
test_layout(void **state)
{
	(void)state;
	/* A change here is an ABI change: bump FIB_ABI and update fib_shm_v1. */
	assert_int_equal(FIB_ABI, 1);
	assert_int_equal(sizeof(struct shm_hdr), 40);
	assert_int_equal(sizeof(struct fib_shm_v1), 64);
	assert_int_equal(sizeof(struct fib_route), 52);
	assert_int_equal(sizeof(struct fib_neigh), 40);
}

static void
test_route_set_replace_delete(void **state)
{
	struct fib *f = create(8), *rd;
	struct fib_route a = route("2001:db8:5::", 48, FIB_RT_UNICAST, "2001:db8::1", "ha-core");
	struct fib_route b = route("::", 0, FIB_RT_BLACKHOLE, NULL, "");
	struct fib_route a2 = route("2001:db8:5::", 48, FIB_RT_UNICAST, "2001:db8::2", "ha-home");
	struct fib_route c = route("2001:db8:7::", 48, FIB_RT_LOCAL, NULL, "");
	struct in6_addr other_spelling = addr("2001:db8:5:ffff::1");

	(void)state;
	assert_int_equal(fib_capacity(f), 8);
	assert_int_equal(fib_generation(f), 0);
	assert_int_equal(fib_route_set(f, &a), 0);
	assert_int_equal(fib_generation(f), 2);
	assert_int_equal(fib_route_set(f, &b), 0);
	assert_int_equal(fib_generation(f), 4);
	assert_int_equal(fib_route_set(f, &a2), 0); /* replaces a */
	assert_int_equal(fib_generation(f), 6);
	assert_int_equal(fib_route_set(f, &c), 0);
	assert_int_equal(fib_generation(f), 8);

	rd = attach();
	assert_int_equal(fib_capacity(rd), 8);
	assert_int_equal(snap(rd), 0);
	assert_int_equal(gen, 8);
	assert_int_equal(rejected, 0);
	assert_int_equal(n_neighs, 0);
	assert_int_equal(n_routes, 3);
	assert_has_route(&a2);
	assert_has_route(&b);
	assert_has_route(&c);

	/* Delete matches the first len bits: any spelling of the prefix. */
	assert_int_equal(fib_route_del(f, &other_spelling, 48), 0);
	assert_int_equal(fib_generation(f), 10);
	assert_int_equal(fib_route_del(f, &a.prefix, 48), -ENOENT);
	assert_int_equal(fib_route_del(f, &b.prefix, 1), -ENOENT); /* ::/1 is not ::/0 */
	assert_int_equal(fib_generation(f), 10);
	assert_int_equal(snap(rd), 0);
	assert_int_equal(gen, 10);
	assert_int_equal(n_routes, 2);
	assert_has_route(&b);
	assert_has_route(&c);
	fib_close(rd);
	fib_close(f);
}

static void
test_host_bits_cleared(void **state)
{
	struct fib *f = create(8), *rd;
	struct fib_route r48 = route("2001:db8:5:1234::abcd", 48, FIB_RT_UNICAST, NULL, "ha-core");
	struct fib_route r61 = route("2001:db8:0:ffff::", 61, FIB_RT_BLACKHOLE, NULL, "");
	struct fib_route r0 = route("ffff::1", 0, FIB_RT_LOCAL, NULL, "");
	struct fib_route r128 = route("2001:db8::ff", 128, FIB_RT_UNICAST, NULL, "ha-home");

	(void)state;
	assert_int_equal(fib_route_set(f, &r48), 0);
	assert_int_equal(fib_route_set(f, &r61), 0);
	assert_int_equal(fib_route_set(f, &r0), 0);
	assert_int_equal(fib_route_set(f, &r128), 0);
	rd = attach();
	assert_int_equal(snap(rd), 0);
	assert_int_equal(n_routes, 4);
	r48.prefix = addr("2001:db8:5::");
	r61.prefix = addr("2001:db8:0:fff8::");
	r0.prefix = addr("::");
	assert_has_route(&r48);
	assert_has_route(&r61);
	assert_has_route(&r0);
	assert_has_route(&r128); /* a /128 keeps every bit */

	/* Another spelling of 2001:db8:5::/48 replaces the route, not adds one. */
	r48 = route("2001:db8:5:9::", 48, FIB_RT_UNICAST, "fe80::1", "ha-home");
	assert_int_equal(fib_route_set(f, &r48), 0);
	assert_int_equal(snap(rd), 0);
	assert_int_equal(n_routes, 4);
	r48.prefix = addr("2001:db8:5::");
	assert_has_route(&r48);
	fib_close(rd);
	fib_close(f);
}

static void
test_neigh_set_replace_delete(void **state)
{
	struct fib *f = create(8), *rd;
	struct fib_neigh core = neigh("2001:db8::1", "ha-core", 0x00, 0x01);
	struct fib_neigh home = neigh("2001:db8::1", "ha-home", 0x00, 0x02);
	struct fib_neigh core2 = neigh("2001:db8::1", "ha-core", 0x02, 0x03);
	struct in6_addr a = addr("2001:db8::1");

	(void)state;
	assert_int_equal(fib_neigh_set(f, &core), 0);
	assert_int_equal(fib_neigh_set(f, &home), 0); /* same address, other link */
	assert_int_equal(fib_neigh_set(f, &core2), 0);
	assert_int_equal(fib_generation(f), 6);
	rd = attach();
	assert_int_equal(snap(rd), 0);
	assert_int_equal(gen, 6);
	assert_int_equal(n_routes, 0);
	assert_int_equal(n_neighs, 2);
	assert_has_neigh(&core2);
	assert_has_neigh(&home);

	assert_int_equal(fib_neigh_del(f, &a, "ha-home"), 0);
	assert_int_equal(fib_neigh_del(f, &a, "ha-home"), -ENOENT);
	assert_int_equal(fib_neigh_del(f, &a, "ha-x"), -ENOENT);
	assert_int_equal(fib_generation(f), 8);
	assert_int_equal(snap(rd), 0);
	assert_int_equal(n_neighs, 1);
	assert_has_neigh(&core2);
	fib_close(rd);
	fib_close(f);
}

static void
test_capacity(void **state)
{
	struct fib *f = create(4);
	static const char *const p[] = {
		"2001:db8:1::", "2001:db8:2::", "2001:db8:3::", "2001:db8:4::", "2001:db8:5::"};
	static const char *const a[] = {"fe80::1", "fe80::2", "fe80::3", "fe80::4", "fe80::5"};
	struct fib_route r;
	struct fib_neigh n;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		r = route(p[i], 48, FIB_RT_UNICAST, NULL, "ha-core");
		assert_int_equal(fib_route_set(f, &r), 0);
		n = neigh(a[i], "ha-core", 0, (uint8_t)i);
		assert_int_equal(fib_neigh_set(f, &n), 0);
	}
	assert_int_equal(fib_generation(f), 16);
	r = route(p[4], 48, FIB_RT_UNICAST, NULL, "ha-core");
	assert_int_equal(fib_route_set(f, &r), -ENOSPC);
	n = neigh(a[4], "ha-core", 0, 4);
	assert_int_equal(fib_neigh_set(f, &n), -ENOSPC);
	n = neigh(a[0], "ha-home", 0, 4); /* a new (addr, dev) pair */
	assert_int_equal(fib_neigh_set(f, &n), -ENOSPC);
	assert_int_equal(fib_generation(f), 16); /* a refused change is no change */

	/* Replacing at capacity needs no new slot. */
	r = route(p[0], 48, FIB_RT_BLACKHOLE, NULL, "");
	assert_int_equal(fib_route_set(f, &r), 0);
	n = neigh(a[0], "ha-core", 2, 9);
	assert_int_equal(fib_neigh_set(f, &n), 0);
	assert_int_equal(fib_generation(f), 20);
	fib_close(f);
}

static void
test_invalid_input(void **state)
{
	struct fib *f = create(4), *rd;
	struct fib_route r;
	struct fib_neigh n;
	char err[256];
	uint8_t mac[6];

	(void)state;
	r = route("2001:db8::", 129, FIB_RT_BLACKHOLE, NULL, "");
	assert_int_equal(fib_route_set(f, &r), -EINVAL);
	r = route("2001:db8::", 32, 0, NULL, "ha-core");
	assert_int_equal(fib_route_set(f, &r), -EINVAL);
	r = route("2001:db8::", 32, 4, NULL, "ha-core");
	assert_int_equal(fib_route_set(f, &r), -EINVAL);
	r = route("2001:db8::", 32, FIB_RT_UNICAST, "fe80::1", ""); /* unicast needs a dev */
	assert_int_equal(fib_route_set(f, &r), -EINVAL);
	memset(r.dev, 'x', sizeof(r.dev)); /* no NUL */
	assert_int_equal(fib_route_set(f, &r), -EINVAL);
	n = neigh("fe80::1", "", 0, 1);
	assert_int_equal(fib_neigh_set(f, &n), -EINVAL);
	memset(n.dev, 'y', sizeof(n.dev));
	assert_int_equal(fib_neigh_set(f, &n), -EINVAL);
	assert_int_equal(fib_generation(f), 0);
	rd = attach();
	assert_int_equal(snap(rd), 0);
	assert_int_equal(n_routes, 0);
	assert_int_equal(n_neighs, 0);
	fib_close(rd);
	fib_close(f);

	errno = 0;
	assert_null(fib_create(NAME "-0", 0, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(fib_create(NAME "-big", (1u << 20) + 1, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);

	assert_int_equal(fib_parse_lladdr("00:00:5E:00:53:af", mac), 0);
	assert_memory_equal(mac, "\x00\x00\x5e\x00\x53\xaf", 6);
	assert_int_equal(fib_parse_lladdr("a:b:c:d:e:f", mac), 0);
	assert_memory_equal(mac, "\x0a\x0b\x0c\x0d\x0e\x0f", 6);
	assert_int_equal(fib_parse_lladdr("00:00:5e:00:53", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr("00:00:5e:00:53:01:", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr("00:00:5e:00:53:100", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr("00::5e:00:53:01", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr("-1:00:5e:00:53:01", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr("0x:00:5e:00:53:01", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr(" 0:00:5e:00:53:01", mac), -EINVAL);
	assert_int_equal(fib_parse_lladdr("", mac), -EINVAL);
}

/* Bad input matrix S1: a corrupted object never reaches the FIB. */
static void
test_corrupt_entries_rejected(void **state)
{
	struct fib *f = create(8), *rd;
	struct fib_route good = route("2001:db8:5::", 48, FIB_RT_UNICAST, "fe80::1", "ha-core");
	struct fib_route hole = route("2001:db8:6::", 48, FIB_RT_BLACKHOLE, NULL, "");
	struct fib_neigh nb = neigh("fe80::1", "ha-core", 0, 1);
	struct fib_route *pr;
	struct fib_neigh *pn;
	struct fib_shm_v1 *s;
	size_t size;

	(void)state;
	assert_int_equal(fib_route_set(f, &good), 0);
	assert_int_equal(fib_neigh_set(f, &nb), 0);
	s = poke_map(&size);
	assert_int_equal(s->routes_off, 64);
	assert_int_equal(s->neighs_off, 64 + 8 * 52);
	assert_int_equal(s->n_routes, 1);
	assert_int_equal(s->n_neighs, 1);
	pr = (struct fib_route *)((char *)s + 64);
	pn = (struct fib_neigh *)((char *)s + 64 + 8 * 52);
	pr[1] = route("2001:db8:7::", 48, 9, NULL, "ha-core");		    /* bad type */
	pr[2] = route("2001:db8:8::", 48, FIB_RT_UNICAST, NULL, "ha-core"); /* len 200 */
	pr[2].len = 200;
	pr[3] = route("2001:db8:9::", 48, FIB_RT_UNICAST, NULL, "");
	memset(pr[3].dev, 'z', sizeof(pr[3].dev)); /* dev without NUL */
	pr[4] = hole;				   /* a valid entry after the bad ones */
	pn[1] = neigh("fe80::2", "", 0, 2);
	memset(pn[1].dev, 'z', sizeof(pn[1].dev));
	s->n_routes = 5;
	s->n_neighs = 2;

	rd = attach();
	assert_int_equal(snap(rd), 0);
	assert_int_equal(gen, 4);
	assert_int_equal(rejected, 4);
	assert_int_equal(n_routes, 2);
	assert_int_equal(n_neighs, 1);
	assert_has_route(&good);
	assert_has_route(&hole);
	assert_has_neigh(&nb);
	munmap(s, size);
	fib_close(rd);
	fib_close(f);
}

static void
test_counts_out_of_range(void **state)
{
	struct fib *f = create(4), *rd;
	struct fib_shm_v1 *s;
	size_t size;

	(void)state;
	rd = attach();
	s = poke_map(&size);
	s->n_routes = 5;
	assert_int_equal(snap(rd), -EPROTO);
	s->n_routes = 0;
	s->n_neighs = 5;
	assert_int_equal(snap(rd), -EPROTO);
	s->n_neighs = 0xffffffff;
	assert_int_equal(snap(rd), -EPROTO);
	s->n_neighs = 4; /* exactly capacity is in range (entries zeroed: rejected) */
	assert_int_equal(snap(rd), 0);
	assert_int_equal(n_neighs, 0);
	assert_int_equal(rejected, 4);
	s->n_neighs = 0;
	/* A generation stuck odd is a writer that never finishes: give up. */
	s->gen = 7;
	assert_int_equal(snap(rd), -EAGAIN);
	munmap(s, size);
	fib_close(rd);
	fib_close(f);
}

static void
test_adopt_repairs_odd_generation(void **state)
{
	struct fib *f = create(4), *rd;
	struct fib_route r = route("2001:db8:5::", 48, FIB_RT_LOCAL, NULL, "");
	struct fib_shm_v1 *s;
	char err[256];
	size_t size;

	(void)state;
	assert_int_equal(fib_route_set(f, &r), 0);
	fib_close(f);
	/* As if the writer was killed between begin and end of a change. */
	s = poke_map(&size);
	s->gen = 3;
	f = fib_create(NAME, 4, err, sizeof(err));
	if (f == NULL)
		fail_msg("fib_create (adopt): %s", err);
	assert_int_equal(fib_generation(f), 4);
	assert_int_equal(s->gen, 4);
	rd = attach();
	assert_int_equal(snap(rd), 0);
	assert_int_equal(n_routes, 1);
	assert_has_route(&r);
	fib_close(rd);
	fib_close(f);

	/* Adopting with another capacity is refused with a message. */
	assert_null(fib_create(NAME, 5, err, sizeof(err)));
	munmap(s, size);
}

static void
test_attach_refuses_mismatch(void **state)
{
	struct fib *f;
	struct fib_shm_v1 *s;
	char err[256];
	size_t size;

	(void)state;
	errno = 0;
	assert_null(fib_attach(NAME, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "no such shared object"));

	f = create(4);
	s = poke_map(&size);
	s->hdr.abi = 2;
	errno = 0;
	assert_null(fib_attach(NAME, err, sizeof(err)));
	assert_int_equal(errno, EPROTO);
	assert_non_null(strstr(err, "ABI version 2"));
	s->hdr.abi = 1;
	s->neighs_off = 64 + 4 * 52 - 1; /* the arrays would overlap */
	errno = 0;
	assert_null(fib_attach(NAME, err, sizeof(err)));
	assert_int_equal(errno, EPROTO);
	assert_non_null(strstr(err, "inconsistent fib geometry"));
	munmap(s, size);
	fib_close(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test_teardown(test_route_set_replace_delete, teardown),
		cmocka_unit_test_teardown(test_host_bits_cleared, teardown),
		cmocka_unit_test_teardown(test_neigh_set_replace_delete, teardown),
		cmocka_unit_test_teardown(test_capacity, teardown),
		cmocka_unit_test_teardown(test_invalid_input, teardown),
		cmocka_unit_test_teardown(test_corrupt_entries_rejected, teardown),
		cmocka_unit_test_teardown(test_counts_out_of_range, teardown),
		cmocka_unit_test_teardown(test_adopt_repairs_odd_generation, teardown),
		cmocka_unit_test_teardown(test_attach_refuses_mismatch, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
