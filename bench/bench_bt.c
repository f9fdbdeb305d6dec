/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding-table benchmark: our table against DPDK's rte_hash in lock-free
 * read/write mode (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF), same keys, same
 * bursts of 32, both in hugepage memory, measured in the same run.
 *
 * For each N: a table of capacity N*10/9 (90% load) filled with N uniformly
 * random HoAs, then bursts of 32 keys drawn uniformly from them, read from a
 * sequential stream (as if just parsed from packet headers). Runs of ours
 * and rte_hash alternate; the median of the runs is reported.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "bt.h"

#define BURST	   32
#define STREAM	   (1u << 21) /* lookups per run */
#define RUNS	   5
#define WRITE_RATE 100000 /* upserts per second during the "under writes" run */

struct bench_keys {
	struct in6_addr *set;	 /* the N keys in the tables */
	struct in6_addr *stream; /* STREAM keys drawn from set */
	uint32_t n;
};

struct writer_arg {
	struct bt *t;
	const struct bench_keys *k;
	_Atomic int stop;
	uint64_t done;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
rnd(uint64_t *s)
{
	uint64_t x = (*s += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int
keys_make(struct bench_keys *k, uint32_t n, uint64_t seed)
{
	uint32_t i;

	k->n = n;
	k->set = malloc(sizeof(*k->set) * n);
	k->stream = malloc(sizeof(*k->stream) * STREAM);
	if (k->set == NULL || k->stream == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t w[2] = {rnd(&seed), rnd(&seed)};

		memcpy(&k->set[i], w, sizeof(w));
	}
	for (i = 0; i < STREAM; i++)
		k->stream[i] = k->set[rnd(&seed) % n];
	return 0;
}

static void
keys_free(struct bench_keys *k)
{
	free(k->set);
	free(k->stream);
}

static struct bt_binding
bench_binding(const struct in6_addr *hoa, uint32_t i)
{
	struct bt_binding b = {.hoa = *hoa, .lifetime = 3600, .seq = (uint16_t)i};

	memcpy(&b.coa, hoa, sizeof(b.coa));
	b.coa.s6_addr[0] ^= 0xff;
	return b;
}

/* ns per lookup of one pass over the stream; @p found must equal STREAM. */
static double
run_ours(const struct bt *t, const struct bench_keys *k, uint64_t *found)
{
	static struct bt_binding out[BURST];
	const struct in6_addr *kp[BURST];
	uint64_t t0, hits = 0;
	uint32_t i, j;

	t0 = now_ns();
	for (i = 0; i < STREAM; i += BURST) {
		for (j = 0; j < BURST; j++)
			kp[j] = &k->stream[i + j];
		hits += (uint64_t)__builtin_popcountll(bt_lookup_bulk(t, kp, BURST, NULL, out));
	}
	*found = hits;
	return (double)(now_ns() - t0) / STREAM;
}

static double
run_rte(const struct rte_hash *h, const struct bench_keys *k, uint64_t *found)
{
	const void *kp[BURST];
	void *data[BURST];
	uint64_t t0, hits = 0, mask;
	uint32_t i, j;

	t0 = now_ns();
	for (i = 0; i < STREAM; i += BURST) {
		for (j = 0; j < BURST; j++)
			kp[j] = &k->stream[i + j];
		rte_hash_lookup_bulk_data(h, kp, BURST, &mask, data);
		hits += (uint64_t)__builtin_popcountll(mask);
	}
	*found = hits;
	return (double)(now_ns() - t0) / STREAM;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* 100 upserts every millisecond, sleeping in between as a control plane would. */
static int
writer_main(void *arg)
{
	struct writer_arg *w = arg;
	uint64_t seed = 99, i = 0;
	struct timespec next;
	unsigned int j;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		for (j = 0; j < WRITE_RATE / 1000; j++, i++) {
			struct bt_binding b =
				bench_binding(&w->k->set[rnd(&seed) % w->k->n], (uint32_t)i);

			b.coa.s6_addr[15] ^= (uint8_t)i;
			bt_upsert(w->t, &b);
		}
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	w->done = i;
	return 0;
}

struct row {
	uint32_t n;
	double ours, rte, under_writes, load_s;
	size_t shm_bytes;
	uint32_t capacity;
};

static struct bt *
fill_ours(const char *name, const struct bench_keys *k, uint32_t cap, double *load_s)
{
	char err[256];
	bool adopted;
	struct bt *t;
	uint64_t t0;
	uint32_t i;

	bt_destroy(name);
	t = bt_create(name, cap, &adopted, err, sizeof(err));
	if (t == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	t0 = now_ns();
	for (i = 0; i < k->n; i++) {
		struct bt_binding b = bench_binding(&k->set[i], i);

		if (bt_upsert(t, &b) < 1) {
			fprintf(stderr, "bench: our table refused key %u of %u\n", i, k->n);
			exit(1);
		}
	}
	*load_s = (double)(now_ns() - t0) / 1e9;
	return t;
}

static struct rte_hash *
fill_rte(const struct bench_keys *k, uint32_t cap)
{
	struct rte_hash_parameters p = {
		.name = "bench_rte_hash",
		.entries = cap,
		.key_len = sizeof(struct in6_addr),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash *h = rte_hash_create(&p);
	uint32_t i;

	if (h == NULL) {
		fprintf(stderr, "bench: rte_hash_create: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	for (i = 0; i < k->n; i++)
		if (rte_hash_add_key_data(h, &k->set[i], (void *)(uintptr_t)(i + 1)) != 0) {
			fprintf(stderr, "bench: rte_hash refused key %u of %u\n", i, k->n);
			exit(1);
		}
	return h;
}

static void
check_found(const char *who, uint64_t found)
{
	if (found != STREAM) {
		fprintf(stderr, "bench: %s found %" PRIu64 " of %u keys\n", who, found, STREAM);
		exit(1);
	}
}

static void
measure(struct row *r, bool with_writes)
{
	struct bench_keys k;
	double ours[RUNS], rte[RUNS], uw[RUNS];
	struct rte_hash *h;
	struct bt *t;
	uint64_t found;
	int i;

	r->capacity = (uint32_t)((uint64_t)r->n * 10 / 9 + 1);
	if (keys_make(&k, r->n, 0x5eed + r->n) != 0) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	t = fill_ours("bench-bt", &k, r->capacity, &r->load_s);
	if (r->n == 1000) {
		bool huge;
		const char *path = bt_path(t, &huge);

		printf("  our table: %s (%s)\n", path, huge ? "hugetlbfs" : "NOT hugepages");
	}
	r->shm_bytes = bt_shm_bytes(r->capacity);
	h = fill_rte(&k, r->capacity);
	run_ours(t, &k, &found); /* warm up both */
	run_rte(h, &k, &found);
	for (i = 0; i < RUNS; i++) {
		ours[i] = run_ours(t, &k, &found);
		check_found("bt", found);
		rte[i] = run_rte(h, &k, &found);
		check_found("rte_hash", found);
	}
	r->ours = median(ours, RUNS);
	r->rte = median(rte, RUNS);
	r->under_writes = 0;
	if (with_writes && rte_lcore_count() > 1) {
		struct writer_arg w = {.t = t, .k = &k};
		unsigned int lc = rte_get_next_lcore(rte_lcore_id(), 1, 0);

		rte_eal_remote_launch(writer_main, &w, lc);
		for (i = 0; i < RUNS; i++) {
			uw[i] = run_ours(t, &k, &found);
			check_found("bt under writes", found);
		}
		atomic_store(&w.stop, 1);
		rte_eal_wait_lcore(lc);
		r->under_writes = median(uw, RUNS);
		printf("  (writer thread: %" PRIu64 " updates during the run)\n", w.done);
	}
	rte_hash_free(h);
	bt_close(t);
	bt_destroy("bench-bt");
	keys_free(&k);
}

static double
writer_throughput(uint32_t n)
{
	struct bench_keys k;
	double load_s;
	struct bt *t;
	uint64_t t0;
	uint32_t i;

	if (keys_make(&k, n, 7) != 0)
		exit(1);
	t = fill_ours("bench-bt", &k, n + n / 9 + 1, &load_s);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		struct bt_binding b = bench_binding(&k.set[i], i + 1);

		bt_upsert(t, &b);
	}
	bt_close(t);
	bt_destroy("bench-bt");
	keys_free(&k);
	return n / ((double)(now_ns() - t0) / 1e9);
}

int
main(int argc, char **argv)
{
	static struct row rows[] = {{.n = 1000}, {.n = 100000}, {.n = 1u << 20}, {.n = 4u << 20}};
	const size_t n_rows = sizeof(rows) / sizeof(rows[0]);
	const struct row *m1 = &rows[2];
	double ups;
	FILE *csv;
	size_t i;
	int used = rte_eal_init(argc, argv);

	if (used < 0) {
		fprintf(stderr, "bench: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("binding table vs rte_hash (LF), burst %d, %u lookups a run, median of %d runs\n",
	       BURST, STREAM, RUNS);
	for (i = 0; i < n_rows; i++) {
		printf("measuring N = %u ...\n", rows[i].n);
		fflush(stdout);
		measure(&rows[i], rows[i].n == (1u << 20));
	}
	ups = writer_throughput(1u << 20);

	printf("\n%10s %10s %12s %12s %8s %14s %10s %10s\n", "bindings", "capacity", "bt ns/lkp",
	       "rte_hash ns", "ratio", "bt+writes ns", "load s", "B/binding");
	for (i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];

		printf("%10u %10u %12.2f %12.2f %8.3f %14s %10.3f %10.1f\n", r->n, r->capacity,
		       r->ours, r->rte, r->ours / r->rte, "", r->load_s,
		       (double)r->shm_bytes / r->capacity);
		if (r->under_writes > 0)
			printf("%10s %10s %12s %12s %8s %14.2f  (%d upserts/s on another lcore)\n",
			       "", "", "", "", "", r->under_writes, WRITE_RATE);
	}
	printf("writer: %.0f upserts/s (updates of 1M existing bindings)\n", ups);

	mkdir("bench/results", 0755);
	csv = fopen("bench/results/bt.csv", "w");
	if (csv != NULL) {
		fprintf(csv, "bindings,capacity,bt_ns,rte_hash_ns,ratio,bt_ns_under_writes,"
			     "load_s,bytes_per_binding\n");
		for (i = 0; i < n_rows; i++)
			fprintf(csv, "%u,%u,%.3f,%.3f,%.4f,%.3f,%.4f,%.2f\n", rows[i].n,
				rows[i].capacity, rows[i].ours, rows[i].rte,
				rows[i].ours / rows[i].rte, rows[i].under_writes, rows[i].load_s,
				(double)rows[i].shm_bytes / rows[i].capacity);
		fclose(csv);
	}
	/* Bytes per binding at the default capacity an operator provisions. */
	printf("RESULT bt lookup_ns_1m=%.2f rte_hash_ns_1m=%.2f ratio_1m=%.3f "
	       "lookup_ns_1m_under_writes=%.2f load_1m_s=%.3f bytes_per_binding=%.1f\n",
	       m1->ours, m1->rte, m1->ours / m1->rte, m1->under_writes, m1->load_s,
	       (double)bt_shm_bytes(1u << 20) / (1u << 20));
	rte_eal_cleanup();
	return 0;
}
