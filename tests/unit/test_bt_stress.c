/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding table concurrency stress: one writer doing mixed upserts and deletes
 * at >= 90% load (so cuckoo displacement happens all the time) while two
 * reader threads check every read.
 *
 * Every value encodes its key and a version, so a torn read (fields from two
 * writes) is detected; a set of pinned keys is updated but never deleted, so
 * any miss on them is a false negative. MIP6HA_STRESS_OPS sets the number of
 * writer operations (default 10M).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bt.h"

#define CAP	  65536u
#define UNIVERSE  (CAP + CAP / 16)
#define PINNED	  (CAP / 8)
#define BURST	  32
#define N_READERS 2

struct stress {
	struct bt *w;
	const struct bt *r;
	uint64_t ops;
	_Atomic int done;
	_Atomic uint64_t reads, hits, torn, false_neg;
	uint32_t min_count;
	uint64_t enospc;
};

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t
rng(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return mix(*s);
}

static struct in6_addr
key(uint32_t i)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0x20;
	a.s6_addr[1] = 0x01;
	memcpy(&a.s6_addr[8], &i, 4);
	return a;
}

static struct bt_binding
value(uint32_t i, uint32_t ver)
{
	struct bt_binding b = {.hoa = key(i)};
	uint64_t w0 = (uint64_t)i | (uint64_t)ver << 32, w1 = mix(w0);

	memcpy(b.coa.s6_addr, &w0, 8);
	memcpy(b.coa.s6_addr + 8, &w1, 8);
	b.lifetime = (uint32_t)(w1 >> 32);
	b.expiry = (uint32_t)mix(w1);
	b.seq = (uint16_t)ver;
	b.flags = (uint8_t)(ver & 0xf);
	b.ha_idx = (uint8_t)(i & 0xf);
	return b;
}

/* True when @p b is exactly what one upsert of key @p i wrote. */
static bool
consistent(uint32_t i, const struct bt_binding *b)
{
	struct in6_addr k = key(i);
	struct bt_binding want;
	uint64_t w0;

	memcpy(&w0, b->coa.s6_addr, 8);
	if ((uint32_t)w0 != i || memcmp(&b->hoa, &k, sizeof(k)) != 0)
		return false;
	want = value(i, (uint32_t)(w0 >> 32));
	return memcmp(&want.coa, &b->coa, 16) == 0 && want.lifetime == b->lifetime &&
	       want.expiry == b->expiry && want.seq == b->seq && want.flags == b->flags &&
	       want.ha_idx == b->ha_idx;
}

static void *
reader(void *arg)
{
	struct stress *s = arg;
	uint64_t seed = (uint64_t)(uintptr_t)&seed, reads = 0, hits = 0, torn = 0, fneg = 0;
	struct in6_addr k[BURST];
	const struct in6_addr *kp[BURST];
	struct bt_binding out[BURST];
	uint32_t idx[BURST], n, j;

	for (j = 0; j < BURST; j++)
		kp[j] = &k[j];
	for (n = 0; !atomic_load_explicit(&s->done, memory_order_relaxed); n++) {
		uint64_t found;

		for (j = 0; j < BURST; j++) {
			/* Half pinned keys, half from the whole churning universe. */
			idx[j] = (uint32_t)(rng(&seed) % (j & 1 ? UNIVERSE : PINNED));
			k[j] = key(idx[j]);
		}
		if (n % 8 == 7) {
			found = 0;
			for (j = 0; j < BURST; j++)
				if (bt_lookup(s->r, &k[j], &out[j]) > 0)
					found |= 1ULL << j;
		} else {
			found = bt_lookup_bulk(s->r, kp, BURST, NULL, out);
		}
		for (j = 0; j < BURST; j++) {
			bool hit = found & (1ULL << j);

			if (hit) {
				hits++;
				torn += !consistent(idx[j], &out[j]);
			} else if (idx[j] < PINNED) {
				fneg++;
			}
		}
		reads += BURST;
	}
	atomic_fetch_add(&s->reads, reads);
	atomic_fetch_add(&s->hits, hits);
	atomic_fetch_add(&s->torn, torn);
	atomic_fetch_add(&s->false_neg, fneg);
	return NULL;
}

static void
writer(struct stress *s, uint32_t *ver, uint8_t *present)
{
	uint64_t seed = 12345, op;
	const uint32_t low = CAP * 9 / 10;

	s->min_count = CAP;
	for (op = 0; op < s->ops; op++) {
		uint32_t i = (uint32_t)(rng(&seed) % UNIVERSE), count = bt_count(s->w);
		struct bt_binding b;
		struct in6_addr k;

		if (present[i] && i >= PINNED && count > low && (rng(&seed) & 1)) {
			k = key(i);
			assert_int_equal(bt_delete(s->w, &k), 0);
			present[i] = 0;
		} else {
			b = value(i, ++ver[i]);
			if (bt_upsert(s->w, &b) > 0)
				present[i] = 1;
			else
				s->enospc++;
		}
		count = bt_count(s->w);
		if (count < s->min_count)
			s->min_count = count;
	}
}

static void
test_stress(void **state)
{
	static struct stress s;
	const char *env = getenv("MIP6HA_STRESS_OPS");
	uint32_t *ver = calloc(UNIVERSE, sizeof(*ver));
	uint8_t *present = calloc(UNIVERSE, 1);
	pthread_t th[N_READERS];
	char name[64], err[256];
	bool adopted;
	uint32_t i;
	uint64_t moves0;

	(void)state;
	assert_non_null(ver);
	assert_non_null(present);
	snprintf(name, sizeof(name), "bt-stress-%d", (int)getpid());
	bt_destroy(name);
	s.w = bt_create(name, CAP, &adopted, err, sizeof(err));
	if (s.w == NULL)
		fail_msg("bt_create: %s", err);
	s.r = bt_attach(name, err, sizeof(err)); /* a separate read-only mapping */
	if (s.r == NULL)
		fail_msg("bt_attach: %s", err);
	s.ops = env != NULL ? strtoull(env, NULL, 10) : 10000000ULL;
	/* Pinned keys first, then fill to 95%. */
	for (i = 0; i < UNIVERSE && bt_count(s.w) < CAP * 95 / 100; i++) {
		struct bt_binding b = value(i, ++ver[i]);

		assert_true(bt_upsert(s.w, &b) > 0);
		present[i] = 1;
	}
	moves0 = bt_moves(s.w);
	for (i = 0; i < N_READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, &s), 0);
	writer(&s, ver, present);
	atomic_store(&s.done, 1);
	for (i = 0; i < N_READERS; i++)
		pthread_join(th[i], NULL);

	printf("writer ops %llu, cuckoo moves %llu, min load %.1f%%, table-full %llu\n"
	       "reads %llu, hits %llu, torn reads %llu, false negatives %llu\n",
	       (unsigned long long)s.ops, (unsigned long long)(bt_moves(s.w) - moves0),
	       100.0 * s.min_count / CAP, (unsigned long long)s.enospc, (unsigned long long)s.reads,
	       (unsigned long long)s.hits, (unsigned long long)s.torn,
	       (unsigned long long)s.false_neg);
	assert_int_equal(s.torn, 0);
	assert_int_equal(s.false_neg, 0);
	assert_true(s.min_count >= CAP * 9 / 10);
	assert_true(bt_moves(s.w) - moves0 > s.ops / 1000); /* displacement really happened */
	assert_true(s.reads > 0 && s.hits > 0);
	/* Every key the writer believes present is there with its last version. */
	for (i = 0; i < UNIVERSE; i++) {
		struct in6_addr k = key(i);
		struct bt_binding got, want = value(i, ver[i]);
		int64_t id = bt_lookup(s.r, &k, &got);

		assert_int_equal(id > 0, present[i]);
		if (id > 0)
			assert_memory_equal(&got.coa, &want.coa, 16);
	}
	bt_close((struct bt *)(uintptr_t)s.r);
	bt_close(s.w);
	bt_destroy(name);
	free(ver);
	free(present);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests_name("bt_stress", tests, NULL, NULL);
}
