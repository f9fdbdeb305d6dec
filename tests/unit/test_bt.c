/* SPDX-License-Identifier: BSD-3-Clause */
/* Binding table: functional, cross-process and header-check tests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bt.h"
#include "shm.h"

static char name[64];
static char path[256];

static struct in6_addr
key(uint32_t i)
{
	struct in6_addr a;

	inet_pton(AF_INET6, "2001:db8::", &a);
	a.s6_addr[8] = 0x5a;
	a.s6_addr[12] = (uint8_t)(i >> 24);
	a.s6_addr[13] = (uint8_t)(i >> 16);
	a.s6_addr[14] = (uint8_t)(i >> 8);
	a.s6_addr[15] = (uint8_t)i;
	return a;
}

static struct bt_binding
binding(uint32_t i, uint16_t seq)
{
	struct bt_binding b = {.hoa = key(i), .lifetime = 100 + i, .expiry = 7 * i, .seq = seq};

	inet_pton(AF_INET6, "2001:db8:1::", &b.coa);
	memcpy(&b.coa.s6_addr[12], &i, 4);
	b.coa.s6_addr[10] = (uint8_t)seq;
	b.flags = BT_F_HOME | BT_F_ACK;
	return b;
}

static void
assert_binding_eq(const struct bt_binding *a, const struct bt_binding *b)
{
	assert_memory_equal(&a->hoa, &b->hoa, 16);
	assert_memory_equal(&a->coa, &b->coa, 16);
	assert_int_equal(a->lifetime, b->lifetime);
	assert_int_equal(a->expiry, b->expiry);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->ha_idx, b->ha_idx);
}

static struct bt *
create(uint32_t cap)
{
	char err[256];
	bool adopted = true;
	struct bt *t;

	bt_destroy(name);
	t = bt_create(name, cap, &adopted, err, sizeof(err));
	if (t == NULL)
		fail_msg("bt_create: %s", err);
	assert_false(adopted);
	snprintf(path, sizeof(path), "%s", bt_path(t, NULL));
	return t;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(name, sizeof(name), "bt-test-%d", (int)getpid());
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	bt_destroy(name);
	return 0;
}

/* A reader's copy stays valid exactly while bt_version() still equals copy.version. */
static void
test_version(void **state)
{
	struct bt *t = create(1024);
	struct bt_binding b = binding(5, 1), got, got2;
	struct in6_addr k = key(5);
	const struct in6_addr *keys[1] = {&k};
	uint32_t v, id32, g;
	int64_t id;

	(void)state;
	g = bt_insert_gen(bt_insert_gen_ptr(t));
	assert_int_not_equal(g, 0);
	id = bt_upsert(t, &b);
	assert_true(id >= 1);
	/* A new HoA moves the insertion counter; updates and deletes do not. */
	assert_int_not_equal(bt_insert_gen(bt_insert_gen_ptr(t)), g);
	g = bt_insert_gen(bt_insert_gen_ptr(t));
	assert_int_equal(bt_upsert(t, &b), id);
	assert_int_equal(bt_insert_gen(bt_insert_gen_ptr(t)), g);
	assert_int_equal(bt_lookup(t, &k, &got), id);
	v = got.version;
	assert_int_equal(v % 2, 0);
	assert_int_equal(bt_version(bt_entries(t), (uint32_t)id), v);
	/* The bulk lookup reports the same version. */
	assert_int_equal(bt_lookup_bulk(t, keys, 1, &id32, &got2), 1);
	assert_int_equal(got2.version, v);
	/* A reader that looks again without a write sees no change. */
	assert_int_equal(bt_lookup(t, &k, &got), id);
	assert_int_equal(bt_version(bt_entries(t), (uint32_t)id), v);
	/* Any write moves it: an update with the same content, ... */
	assert_int_equal(bt_upsert(t, &b), id);
	assert_int_not_equal(bt_version(bt_entries(t), (uint32_t)id), v);
	assert_int_equal(bt_lookup(t, &k, &got), id);
	assert_int_equal(bt_version(bt_entries(t), (uint32_t)id), got.version);
	v = got.version;
	/* ... a delete, ... */
	assert_int_equal(bt_delete(t, &k), 0);
	assert_int_not_equal(bt_version(bt_entries(t), (uint32_t)id), v);
	assert_int_equal(bt_insert_gen(bt_insert_gen_ptr(t)), g);
	/* ... and the id's reuse by another HoA, a new HoA again. */
	b = binding(6, 1);
	assert_int_equal(bt_upsert(t, &b), id);
	assert_int_not_equal(bt_version(bt_entries(t), (uint32_t)id), v);
	assert_int_not_equal(bt_insert_gen(bt_insert_gen_ptr(t)), g);
	bt_close(t);
}

static void
test_insert_update_delete(void **state)
{
	struct bt *t = create(1024);
	struct bt_binding b = binding(1, 1), got;
	struct in6_addr k = key(1);
	int64_t id;

	(void)state;
	assert_int_equal(bt_lookup(t, &k, &got), -ENOENT);
	id = bt_upsert(t, &b);
	assert_true(id >= 1);
	assert_int_equal(bt_count(t), 1);
	assert_int_equal(bt_lookup(t, &k, &got), id);
	assert_binding_eq(&got, &b);

	b = binding(1, 2);
	b.coa.s6_addr[0] = 0x30;
	assert_int_equal(bt_upsert(t, &b), id); /* update keeps the id */
	assert_int_equal(bt_count(t), 1);
	assert_int_equal(bt_lookup(t, &k, &got), id);
	assert_binding_eq(&got, &b);

	assert_int_equal(bt_delete(t, &k), 0);
	assert_int_equal(bt_count(t), 0);
	assert_int_equal(bt_lookup(t, &k, &got), -ENOENT);
	assert_int_equal(bt_delete(t, &k), -ENOENT);

	b = binding(1, 3);
	assert_true(bt_upsert(t, &b) >= 1);
	assert_int_equal(bt_lookup(t, &k, &got) > 0, 1);
	assert_binding_eq(&got, &b);
	bt_close(t);
}

static void
test_full_table(void **state)
{
	const uint32_t cap = 1000;
	struct bt *t = create(cap);
	struct bt_binding b, got;
	struct in6_addr k;
	uint32_t i;

	(void)state;
	for (i = 0; i < cap; i++) {
		b = binding(i, 0);
		assert_true(bt_upsert(t, &b) >= 1);
	}
	assert_int_equal(bt_count(t), cap);
	b = binding(cap, 0);
	assert_int_equal(bt_upsert(t, &b), -ENOSPC);
	assert_int_equal(bt_count(t), cap);
	/* Updating an existing key still works when full, and nothing was lost. */
	b = binding(5, 9);
	assert_true(bt_upsert(t, &b) >= 1);
	for (i = 0; i < cap; i++) {
		k = key(i);
		assert_true(bt_lookup(t, &k, &got) >= 1);
		b = binding(i, i == 5 ? 9 : 0);
		assert_binding_eq(&got, &b);
	}
	k = key(cap);
	assert_int_equal(bt_lookup(t, &k, NULL), -ENOENT);
	/* One delete makes room for exactly one more. */
	k = key(0);
	assert_int_equal(bt_delete(t, &k), 0);
	b = binding(cap, 0);
	assert_true(bt_upsert(t, &b) >= 1);
	b = binding(cap + 1, 0);
	assert_int_equal(bt_upsert(t, &b), -ENOSPC);
	bt_close(t);
}

static void
test_id_reuse(void **state)
{
	struct bt *t = create(64);
	struct bt_binding a = binding(1, 1), b = binding(2, 2), got;
	struct in6_addr ka = key(1), kb = key(2);
	uint32_t ids[2];
	const struct in6_addr *keys[2] = {&ka, &kb};
	int64_t id_a, id_b;

	(void)state;
	id_a = bt_upsert(t, &a);
	assert_int_equal(bt_delete(t, &ka), 0);
	id_b = bt_upsert(t, &b);
	assert_int_equal(id_a, id_b); /* the freed id is handed out again */
	assert_int_equal(bt_lookup(t, &ka, &got), -ENOENT);
	assert_int_equal(bt_lookup(t, &kb, &got), id_b);
	assert_binding_eq(&got, &b);
	assert_int_equal(bt_lookup_bulk(t, keys, 2, ids, NULL), 2);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], id_b);
	bt_close(t);
}

static void
test_bulk(void **state)
{
	struct bt *t = create(4096);
	struct in6_addr k[BT_BURST_MAX];
	const struct in6_addr *kp[BT_BURST_MAX];
	struct bt_binding out[BT_BURST_MAX], b;
	uint32_t ids[BT_BURST_MAX], i;
	uint64_t hits, want = 0;

	(void)state;
	for (i = 0; i < 3000; i += 2) {
		b = binding(i, (uint16_t)i);
		assert_true(bt_upsert(t, &b) >= 1);
	}
	for (i = 0; i < BT_BURST_MAX; i++) {
		k[i] = key(i * 37 % 3000);
		kp[i] = &k[i];
		if ((i * 37 % 3000) % 2 == 0)
			want |= 1ULL << i;
	}
	hits = bt_lookup_bulk(t, kp, BT_BURST_MAX, ids, out);
	assert_int_equal(hits, want);
	for (i = 0; i < BT_BURST_MAX; i++) {
		if (!(want & (1ULL << i))) {
			assert_int_equal(ids[i], 0);
			continue;
		}
		b = binding(i * 37 % 3000, (uint16_t)(i * 37 % 3000));
		assert_binding_eq(&out[i], &b);
		assert_int_equal(bt_lookup(t, &k[i], NULL), ids[i]);
	}
	bt_close(t);
}

/* 1M bindings in a table of 1,165,085: 90% load. */
static void
test_million_at_90pct(void **state)
{
	const uint32_t n = 1u << 20, cap = (uint32_t)((uint64_t)n * 10 / 9) + 1;
	struct bt *t = create(cap);
	struct bt_binding b, got;
	struct in6_addr k;
	uint32_t i;

	(void)state;
	for (i = 0; i < n; i++) {
		b = binding(i, (uint16_t)i);
		if (bt_upsert(t, &b) < 1)
			fail_msg("insert %u of %u failed", i, n);
	}
	assert_int_equal(bt_count(t), n);
	assert_true(bt_moves(t) > 0); /* the load forced cuckoo displacement */
	for (i = 0; i < n; i++) {
		k = key(i);
		if (bt_lookup(t, &k, &got) < 1)
			fail_msg("key %u missing", i);
		b = binding(i, (uint16_t)i);
		assert_binding_eq(&got, &b);
	}
	for (i = n; i < n + 100000; i++) {
		k = key(i);
		assert_int_equal(bt_lookup(t, &k, NULL), -ENOENT);
	}
	bt_close(t);
}

static void
test_cross_process(void **state)
{
	struct bt *t = create(256);
	int to_child[2], to_parent[2], status;
	struct bt_binding b = binding(42, 7);
	char c = 'x';
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(to_parent), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		struct bt *r = bt_attach(name, err, sizeof(err));
		struct in6_addr k = key(42);
		struct bt_binding got;

		if (r == NULL || write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(10);
		/* Written by the parent after we attached. */
		if (bt_lookup(r, &k, &got) < 1)
			_exit(11);
		if (memcmp(&got.coa, &b.coa, 16) != 0 || got.seq != 7 || bt_count(r) != 1)
			_exit(12);
		_exit(0);
	}
	assert_int_equal(read(to_parent[0], &c, 1), 1);
	assert_true(bt_upsert(t, &b) >= 1);
	assert_int_equal(write(to_child[1], &c, 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	bt_close(t);
}

static void
test_reader_mapping_is_read_only(void **state)
{
	struct bt *t = create(256);
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		struct bt *r = bt_attach(name, err, sizeof(err));
		volatile char *p;

		if (r == NULL)
			_exit(10);
		/* cmocka catches SIGSEGV to report a test failure: let it kill us. */
		signal(SIGSEGV, SIG_DFL);
		p = (volatile char *)(uintptr_t)bt_shm_base(r);
		p[4096] = 1; /* must fault: SIGSEGV */
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	bt_close(t);
}

/* Rewrite one header field through a writable mapping of the object file. */
static void
poke_header(size_t off, const void *val, size_t len)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	void *p;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	/* mmap, not pwrite: hugetlbfs files cannot be written with write(2). */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	memcpy((char *)p + off, val, len);
	munmap(p, (size_t)st.st_size);
	close(fd);
}

static void
test_attach_refuses_mismatch(void **state)
{
	struct bt *t = create(256), *r;
	uint32_t abi = BT_ABI + 1;
	uint64_t magic = 0x1234;
	char err[256], want[32];

	(void)state;
	bt_close(t);
	poke_header(offsetof(struct shm_hdr, abi), &abi, sizeof(abi));
	r = bt_attach(name, err, sizeof(err));
	assert_null(r);
	assert_int_equal(errno, EPROTO);
	snprintf(want, sizeof(want), "ABI version %u", BT_ABI + 1);
	assert_non_null(strstr(err, want));

	abi = BT_ABI;
	poke_header(offsetof(struct shm_hdr, abi), &abi, sizeof(abi));
	poke_header(offsetof(struct shm_hdr, magic), &magic, sizeof(magic));
	assert_null(bt_attach(name, err, sizeof(err)));
	assert_non_null(strstr(err, "not a mip6ha object"));

	bt_destroy(name);
	assert_null(bt_attach(name, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "no such shared object"));
}

static void
test_single_writer_and_adopt(void **state)
{
	struct bt *t = create(512), *t2;
	struct bt_binding b = binding(3, 3), got;
	struct in6_addr k = key(3);
	bool adopted = false;
	char err[256];

	(void)state;
	assert_true(bt_upsert(t, &b) >= 1);
	t2 = bt_create(name, 512, &adopted, err, sizeof(err));
	assert_null(t2);
	assert_int_equal(errno, EBUSY);
	assert_non_null(strstr(err, "another writer"));
	bt_close(t);

	/* A restarted writer adopts what is there; a different capacity is refused. */
	assert_null(bt_create(name, 1024, &adopted, err, sizeof(err)));
	t = bt_create(name, 512, &adopted, err, sizeof(err));
	assert_non_null(t);
	assert_true(adopted);
	assert_int_equal(bt_count(t), 1);
	assert_true(bt_lookup(t, &k, &got) >= 1);
	assert_binding_eq(&got, &b);
	b = binding(4, 4);
	assert_true(bt_upsert(t, &b) >= 1);
	assert_int_equal(bt_count(t), 2);
	bt_close(t);
}

static int
count_cb(uint32_t id, const struct bt_binding *b, void *arg)
{
	uint32_t *n = arg;

	assert_true(id >= 1);
	assert_int_equal(b->seq, b->lifetime - 100);
	(*n)++;
	return 0;
}

static void
test_iterate(void **state)
{
	struct bt *t = create(300);
	struct bt_binding b;
	struct in6_addr k;
	uint32_t i, n = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		b = binding(i, (uint16_t)i);
		assert_true(bt_upsert(t, &b) >= 1);
	}
	for (i = 0; i < 200; i += 4) {
		k = key(i);
		assert_int_equal(bt_delete(t, &k), 0);
	}
	assert_int_equal(bt_iterate(t, count_cb, &n), 0);
	assert_int_equal(n, 150);
	assert_int_equal(bt_count(t), 150);
	assert_int_equal(bt_capacity(t), 300);
	bt_close(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_update_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_million_at_90pct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cross_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_mapping_is_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refuses_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_writer_and_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iterate, setup, teardown),
	};

	return cmocka_run_group_tests_name("bt", tests, NULL, NULL);
}
