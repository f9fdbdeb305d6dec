/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The token bucket (common/tb.h) against a clock we move by hand: the burst,
 * the refill rate, the cap at the burst, and rate 0 as "no limit".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tb.h"

#define HZ 1000000u /* microseconds */

static int
takes(struct tb *b, uint64_t now, double rate, double burst, int tries)
{
	int n = 0;

	for (int i = 0; i < tries; i++)
		n += tb_take(b, now, HZ, rate, burst);
	return n;
}

static void
test_burst_and_rate(void **state)
{
	struct tb b;

	(void)state;
	tb_init(&b, 10, 0);
	assert_int_equal(takes(&b, 0, 100, 10, 50), 10);       /* the burst */
	assert_int_equal(takes(&b, 50000, 100, 10, 50), 5);    /* 50 ms at 100/s */
	assert_int_equal(takes(&b, 60000, 100, 10, 50), 1);    /* 10 ms more */
	assert_int_equal(takes(&b, 5000000, 100, 10, 50), 10); /* never above the burst */
	assert_int_equal(takes(&b, 5000000, 100, 10, 50), 0);
}

static void
test_unlimited(void **state)
{
	struct tb b;

	(void)state;
	tb_init(&b, 0, 0);
	assert_int_equal(takes(&b, 0, 0, 0, 1000), 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_and_rate),
		cmocka_unit_test(test_unlimited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
