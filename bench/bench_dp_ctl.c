/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side of the dataplane benchmark (scripts/run-bench dp): it plays
 * mip6ha-cp's role as the writer of the shared binding table and fib, loads N
 * bindings fast, and measures how soon a new binding is used: the delay from
 * bt_upsert() to the dataplane's first packet encapsulated for it.
 *
 *   bench_dp_ctl NAME CAPACITY N TAP
 * Bindings: HoA 2001:db8::1:H:L -> CoA 2001:db8:c::1:H:L for i = H<<16|L < N.
 * Routes (out of TAP): 2001:db8:c::/48 and 2001:db8:99::/48 via 2001:db8:f::fe
 * (neighbour 02:00:00:00:00:fe); 2001:db8::/64 blackhole, so packets to a HoA
 * not bound yet cost nothing. Then reads commands on stdin:
 *   probe I COUNT   bind HoA(I) COUNT times, print "bind_us p50=.. p99=.. max=.."
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bt.h"
#include "fib.h"
#include "stats.h"

#define PROBE_MAX     1000
#define PROBE_TIMEOUT 1000000000ull

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
addr_of(struct in6_addr *a, uint16_t third, uint32_t i)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0x20;
	a->s6_addr[1] = 0x01;
	a->s6_addr[2] = 0x0d;
	a->s6_addr[3] = 0xb8;
	a->s6_addr[4] = (uint8_t)(third >> 8);
	a->s6_addr[5] = (uint8_t)third;
	a->s6_addr[11] = 1;
	a->s6_addr[12] = (uint8_t)(i >> 24);
	a->s6_addr[13] = (uint8_t)(i >> 16);
	a->s6_addr[14] = (uint8_t)(i >> 8);
	a->s6_addr[15] = (uint8_t)i;
}

static void
binding_of(struct bt_binding *b, uint32_t i)
{
	memset(b, 0, sizeof(*b));
	addr_of(&b->hoa, 0, i);
	addr_of(&b->coa, 0xc, i);
	b->lifetime = 3600;
	b->expiry = (uint32_t)time(NULL) + 3600;
	b->seq = 1;
	b->flags = BT_F_HOME | BT_F_ACK;
}

static int
route(struct fib *f, const char *prefix, uint8_t len, uint8_t type, const char *tap)
{
	struct fib_route r;

	memset(&r, 0, sizeof(r));
	inet_pton(AF_INET6, prefix, &r.prefix);
	r.len = len;
	r.type = type;
	if (type == FIB_RT_UNICAST)
		inet_pton(AF_INET6, "2001:db8:f::fe", &r.gw);
	snprintf(r.dev, sizeof(r.dev), "%s", tap);
	return fib_route_set(f, &r);
}

static int
setup_fib(const char *name, const char *tap)
{
	char err[256];
	struct fib_neigh n;
	struct fib *f;

	fib_destroy(name);
	f = fib_create(name, FIB_CAPACITY_DEF, err, sizeof(err));
	if (f == NULL) {
		fprintf(stderr, "bench_dp_ctl: %s\n", err);
		return -1;
	}
	memset(&n, 0, sizeof(n));
	inet_pton(AF_INET6, "2001:db8:f::fe", &n.addr);
	fib_parse_lladdr("02:00:00:00:00:fe", n.lladdr);
	snprintf(n.dev, sizeof(n.dev), "%s", tap);
	if (route(f, "2001:db8:c::", 48, FIB_RT_UNICAST, tap) != 0 ||
	    route(f, "2001:db8:99::", 48, FIB_RT_UNICAST, tap) != 0 ||
	    route(f, "2001:db8::", 64, FIB_RT_BLACKHOLE, tap) != 0 || fib_neigh_set(f, &n) != 0) {
		fprintf(stderr, "bench_dp_ctl: cannot write the fib\n");
		return -1;
	}
	/* Stays mapped until exit: the dataplane reads it. */
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t
encap_count(const char *name, uint32_t id)
{
	static struct stats *st;
	char err[256];
	uint64_t v[4];

	if (st == NULL)
		st = stats_attach(name, err, sizeof(err));
	if (st == NULL)
		return 0;
	stats_binding_sum(st, id, v);
	return v[0];
}

/* One bind: the ns until HoA(i)'s counter moves (PROBE_TIMEOUT or more: it
 * did not), then unbind. 0: the table refused it. */
static uint64_t
probe_once(struct bt *t, const char *name, const struct bt_binding *b)
{
	uint64_t t0 = now_ns(), t1 = t0, before;
	int64_t id = bt_upsert(t, b);

	if (id <= 0)
		return 0;
	before = encap_count(name, (uint32_t)id);
	while (encap_count(name, (uint32_t)id) == before && (t1 = now_ns()) - t0 < PROBE_TIMEOUT)
		;
	bt_delete(t, &b->hoa);
	return t1 - t0 > 0 ? t1 - t0 : 1;
}

/* Bind HoA(i) @n times; each time wait until its counter moves, then unbind. */
static void
probe(struct bt *t, const char *name, uint32_t i, unsigned int n)
{
	uint64_t d[PROBE_MAX], v;
	unsigned int k, got = 0;
	struct bt_binding b;
	cpu_set_t cpus;

	binding_of(&b, i);
	/* On CPU 0 only, so it never takes the worker's CPU (lcore 1) from it. Not
	 * real-time: that starved the main lcore and the kernel on CPU 0 and made
	 * the first binds wait up to a second for them. Delays include any
	 * preemption of this poller, so they can only be overstated. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) != 0)
		fprintf(stderr, "bench_dp_ctl: cannot pin to CPU 0: %s\n", strerror(errno));
	/* Unmeasured: the first bind maps this process's pages of the table and
	 * the counters (page faults), which is no forwarding delay. */
	probe_once(t, name, &b);
	usleep(2000);
	for (k = 0; k < n && k < PROBE_MAX; k++) {
		v = probe_once(t, name, &b);
		if (v == 0)
			break;
		if (v < PROBE_TIMEOUT)
			d[got++] = v;
		usleep(2000);
	}
	if (got == 0) {
		printf("bind_us none\n");
		return;
	}
	qsort(d, got, sizeof(d[0]), cmp_u64);
	printf("bind_us n=%u p50=%.2f p99=%.2f max=%.2f\n", got, (double)d[got / 2] / 1000.0,
	       (double)d[(got * 99) / 100 < got ? (got * 99) / 100 : got - 1] / 1000.0,
	       (double)d[got - 1] / 1000.0);
}

int
main(int argc, char **argv)
{
	char err[256], line[128];
	struct bt_binding b;
	uint64_t t0;
	uint32_t cap, n, i;
	unsigned int pi, pn;
	bool adopted;
	struct bt *t;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_dp_ctl NAME CAPACITY N TAP\n");
		return 2;
	}
	cap = (uint32_t)strtoul(argv[2], NULL, 10);
	n = (uint32_t)strtoul(argv[3], NULL, 10);
	bt_destroy(argv[1]);
	t = bt_create(argv[1], cap, &adopted, err, sizeof(err));
	if (t == NULL || setup_fib(argv[1], argv[4]) != 0) {
		fprintf(stderr, "bench_dp_ctl: %s\n", err);
		return 1;
	}
	inet_pton(AF_INET6, "2001:db8::1", &b.hoa);
	bt_set_ha_addr(t, 0, &b.hoa);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		binding_of(&b, i);
		if (bt_upsert(t, &b) <= 0) {
			fprintf(stderr, "bench_dp_ctl: table full at %u\n", i);
			return 1;
		}
	}
	printf("ready bindings=%u load_s=%.3f\n", bt_count(t), (double)(now_ns() - t0) / 1e9);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sscanf(line, "probe %u %u", &pi, &pn) == 2)
			probe(t, argv[1], pi, pn);
		else if (strncmp(line, "quit", 4) == 0)
			break;
		else
			printf("error: unknown command\n");
		fflush(stdout);
	}
	bt_close(t);
	return 0;
}
