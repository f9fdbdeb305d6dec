/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding expiry (control/wheel.c, control/bcache.c) against a fake clock:
 * timers fire at their second and not before, a refresh moves them, a delete
 * cancels them, a jump of many revolutions fires everything due once, and a
 * control plane that adopts the shared table rebuilds every timer from the
 * bindings' absolute expiry times and expires what ran out while it was down.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "bcache.h"
#include "wheel.h"

static uint32_t fired[64];
static unsigned int n_fired;

static void
on_fire(uint32_t id, void *arg)
{
	(void)arg;
	if (n_fired < 64)
		fired[n_fired++] = id;
}

static void
test_wheel_fires_on_time(void **state)
{
	struct wheel *w = wheel_new(100, 1000);

	(void)state;
	n_fired = 0;
	wheel_set(w, 1, 1005);
	wheel_set(w, 2, 1005 + WHEEL_SLOTS); /* same slot, one revolution later */
	wheel_set(w, 3, 1010);
	assert_int_equal(wheel_count(w), 3);
	assert_int_equal(wheel_advance(w, 1004, on_fire, NULL), 0);
	assert_int_equal(wheel_advance(w, 1005, on_fire, NULL), 1);
	assert_int_equal(fired[0], 1);
	assert_false(wheel_armed(w, 1));
	assert_true(wheel_armed(w, 2));
	/* A refresh moves the timer: 3 no longer fires at 1010. */
	wheel_set(w, 3, 1020);
	assert_int_equal(wheel_advance(w, 1015, on_fire, NULL), 0);
	wheel_cancel(w, 3);
	assert_int_equal(wheel_advance(w, 1030, on_fire, NULL), 0);
	assert_int_equal(wheel_advance(w, 1005 + WHEEL_SLOTS - 1, on_fire, NULL), 0);
	assert_int_equal(wheel_advance(w, 1005 + WHEEL_SLOTS, on_fire, NULL), 1);
	assert_int_equal(fired[1], 2);
	assert_int_equal(wheel_count(w), 0);
	wheel_free(w);
}

static void
test_wheel_jump(void **state)
{
	struct wheel *w = wheel_new(100, 1000);
	uint32_t id;

	(void)state;
	n_fired = 0;
	for (id = 1; id <= 50; id++)
		wheel_set(w, id, 1000 + id * 997); /* spread over 12 revolutions */
	wheel_set(w, 60, 500);			   /* in the past: fires at the next advance */
	assert_int_equal(wheel_advance(w, 1001, on_fire, NULL), 1);
	assert_int_equal(fired[0], 60);
	/* A suspended host: ten revolutions at once fire exactly the due ones. */
	assert_int_equal(wheel_advance(w, 1000 + 10 * WHEEL_SLOTS, on_fire, NULL),
			 10 * WHEEL_SLOTS / 997);
	assert_int_equal(wheel_count(w), 50 - 10 * WHEEL_SLOTS / 997);
	assert_int_equal(wheel_advance(w, 1000 + 51 * 997, on_fire, NULL),
			 50 - 10 * WHEEL_SLOTS / 997);
	assert_int_equal(wheel_count(w), 0);
	wheel_free(w);
}

static struct conf conf;
static int events[BCACHE_ADOPT + 1];

static void
hook(void *arg, enum bcache_event ev, uint32_t id, const struct bt_binding *b)
{
	(void)arg;
	(void)b;
	assert_true(id > 0);
	events[ev]++;
}

static struct bt_binding
binding(const char *hoa, uint32_t expiry)
{
	struct bt_binding b = {.lifetime = 100, .expiry = expiry, .seq = 7, .flags = BT_F_HOME};

	assert_int_equal(inet_pton(AF_INET6, hoa, &b.hoa), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:2::5", &b.coa), 1);
	return b;
}

static void
test_adoption(void **state)
{
	uint32_t now = (uint32_t)time(NULL);
	struct bt_binding b1 = binding("2001:db8::1", now + 30),
			  b2 = binding("2001:db8::2", now + 3),
			  b3 = binding("2001:db8::3", now - 5), out;
	struct bcache *bc;
	char err[256];

	(void)state;
	snprintf(conf.shm.name, sizeof(conf.shm.name), "test-bcache-%d", (int)getpid());
	conf.shm.max_bindings = 64;
	conf.home_agent.max_binding_lifetime = 3600;
	bt_destroy(conf.shm.name);
	bc = bcache_open(&conf, err, sizeof(err));
	assert_non_null(bc);
	assert_false(bcache_adopted(bc));
	bcache_set_hook(bc, hook, NULL);
	assert_true(bcache_put(bc, &b1) > 0);
	assert_true(bcache_put(bc, &b2) > 0);
	assert_true(bcache_put(bc, &b3) > 0);
	b1.seq = 8;
	assert_true(bcache_put(bc, &b1) > 0);
	assert_int_equal(events[BCACHE_ADD], 3);
	assert_int_equal(events[BCACHE_UPDATE], 1);
	assert_int_equal(bcache_timers(bc), 3);
	bcache_close(bc); /* the control plane stops; the table stays */

	bc = bcache_open(&conf, err, sizeof(err));
	assert_non_null(bc);
	assert_true(bcache_adopted(bc));
	bcache_set_hook(bc, hook, NULL);
	bcache_replay(bc);
	assert_int_equal(events[BCACHE_ADOPT], 0); /* in steps, from the loop */
	assert_true(bcache_replay_step(bc, 2));
	assert_int_equal(events[BCACHE_ADOPT], 2);
	while (bcache_replay_step(bc, 2))
		;
	assert_int_equal(events[BCACHE_ADOPT], 3);
	assert_false(bcache_replay_step(bc, 2)); /* done: nothing twice */
	assert_int_equal(events[BCACHE_ADOPT], 3);
	assert_int_equal(bcache_timers(bc), 3);
	/* The one that ran out while nobody watched goes at the first tick. */
	assert_int_equal(bcache_expire(bc, now), 1);
	assert_int_equal(events[BCACHE_EXPIRE], 1);
	assert_true(bt_lookup(bcache_table(bc), &b3.hoa, NULL) < 0);
	assert_int_equal(bcache_expire(bc, now + 2), 0);
	assert_int_equal(bcache_expire(bc, now + 3), 1);
	assert_true(bt_lookup(bcache_table(bc), &b2.hoa, NULL) < 0);
	/* The survivor kept its sequence number through the restart. */
	assert_true(bt_lookup(bcache_table(bc), &b1.hoa, &out) > 0);
	assert_int_equal(out.seq, 8);
	assert_int_equal(bcache_delete(bc, &b1.hoa), 0);
	assert_int_equal(events[BCACHE_DELETE], 1);
	assert_int_equal(bcache_timers(bc), 0);
	assert_int_equal(bcache_expire(bc, now + 60), 0);
	bcache_close(bc);
	bt_destroy(conf.shm.name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wheel_fires_on_time),
		cmocka_unit_test(test_wheel_jump),
		cmocka_unit_test(test_adoption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
