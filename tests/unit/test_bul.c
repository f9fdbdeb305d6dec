/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mobile node's Binding Update List against a fake clock. The expected
 * timers are RFC 6275 §13's constants written out (1.5 s first registration,
 * 1 s otherwise, doubling to 32 s; DHAAD 3 s doubling, 4 tries), not read
 * from bul.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "bul.h"

#define S  1000000ull /* microseconds */
#define MS 1000ull

static struct in6_addr hoa, ha, coa, coa2, home;

static struct in6_addr
addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static int
setup(void **state)
{
	(void)state;
	hoa = addr("2001:db8::beef");
	ha = addr("2001:db8::1");
	coa = addr("2001:db8:1::5");
	coa2 = addr("2001:db8:2::5");
	home = addr("2001:db8::77");
	return 0;
}

/* A BA from the HA, as the decoder would hand it over. */
static struct mh_msg
ba(uint8_t status, uint16_t seq, uint16_t lifetime)
{
	struct mh_msg m = {.type = MH_BA, .status = status, .seq = seq, .lifetime = lifetime};

	m.src = ha;
	m.final_dst = hoa;
	return m;
}

static void
away(struct bul *b, struct bul_out *o, uint64_t now)
{
	bul_init(b, &hoa, 64, &ha, 600);
	b->seq = 100;
	bul_move(b, now, BUL_AWAY, &coa, o);
}

/* Registered at 10 s and answered with @p m at once. */
static void
away_answered(struct bul *b, struct bul_out *o, struct mh_msg m)
{
	away(b, o, 10 * S);
	bul_mh(b, 10 * S, &m, o);
}

static void
test_first_registration(void **state)
{
	struct bul b;
	struct bul_out o;

	(void)state;
	away(&b, &o, 10 * S);
	assert_true(o.send_bu);
	assert_int_equal(o.hoa, BUL_HOA_TUNNEL);
	assert_int_equal(b.state, BUL_REGISTERING);
	assert_memory_equal(&o.bu.src, &coa, 16);
	assert_memory_equal(&o.bu.coa, &coa, 16);
	assert_memory_equal(&o.bu.hoa, &hoa, 16);
	assert_memory_equal(&o.bu.ha, &ha, 16);
	assert_int_equal(o.bu.seq, 101);
	assert_int_equal(o.bu.flags, MH_BU_A | MH_BU_H);
	assert_int_equal(o.bu.lifetime, 150); /* 600 s in 4 s units */
	assert_true(bul_tunnelled(&b));
	/* The same address again changes nothing. */
	bul_move(&b, 11 * S, BUL_AWAY, &coa, &o);
	assert_false(o.send_bu);
}

/* §11.8: 1.5, 3, 6, 12, 24, 32, 32 s between transmissions, each with a new
 * sequence number. */
static void
test_backoff(void **state)
{
	static const uint64_t gaps_ms[] = {1500, 3000, 6000, 12000, 24000, 32000, 32000};
	uint64_t now = 10 * S;
	struct bul b;
	struct bul_out o;
	size_t i;

	(void)state;
	away(&b, &o, now);
	for (i = 0; i < sizeof(gaps_ms) / sizeof(gaps_ms[0]); i++) {
		bul_tick(&b, now + gaps_ms[i] * MS - 1, &o);
		assert_false(o.send_bu);
		now += gaps_ms[i] * MS;
		bul_tick(&b, now, &o);
		assert_true(o.send_bu);
		assert_int_equal(o.bu.seq, 102 + i);
	}
	assert_int_equal(b.retrans, 7);
	/* A late BA to the first of them still completes the registration. */
	o = (struct bul_out){0};
	{
		struct mh_msg m = ba(0, 101, 150);

		bul_mh(&b, now, &m, &o);
	}
	assert_int_equal(b.state, BUL_BOUND);
}

/* Accepted: bound for the granted lifetime from the BU, refreshed at 80% of
 * it (or of a shorter Binding Refresh Advice) with a 1 s re-registration timer. */
static void
test_bound_and_refresh(void **state)
{
	struct mh_msg m = ba(0, 101, 100); /* 400 s */
	struct bul b;
	struct bul_out o;

	(void)state;
	away(&b, &o, 10 * S);
	bul_mh(&b, 10 * S + 3 * MS, &m, &o);
	assert_int_equal(b.state, BUL_BOUND);
	assert_int_equal(b.granted_s, 400);
	assert_int_equal(b.expires_us, 410 * S);
	assert_int_equal(b.ba_us - b.bu_us, 3 * MS);
	bul_tick(&b, 10 * S + 320 * S - 1, &o);
	assert_false(o.send_bu);
	bul_tick(&b, 10 * S + 320 * S, &o);
	assert_true(o.send_bu);
	assert_int_equal(o.bu.seq, 102);
	assert_int_equal(b.state, BUL_BOUND); /* still bound while refreshing */
	bul_tick(&b, 331 * S - 1, &o);
	assert_false(o.send_bu);
	bul_tick(&b, 331 * S, &o);
	assert_true(o.send_bu); /* 1 s later, re-registration timer */
	/* Unanswered until the binding expires: registering again. */
	bul_tick(&b, 410 * S, &o);
	assert_int_equal(b.state, BUL_REGISTERING);

	/* A Binding Refresh Advice of 40 s (10 units): refresh at 32 s. */
	away(&b, &o, 10 * S);
	m = ba(0, 101, 100);
	m.has_bra = true;
	m.refresh = 10;
	bul_mh(&b, 10 * S, &m, &o);
	bul_tick(&b, 42 * S - 1, &o);
	assert_false(o.send_bu);
	bul_tick(&b, 42 * S, &o);
	assert_true(o.send_bu);
}

/* 135 carries the HA's last accepted number: the next BU goes above it. */
static void
test_status_135(void **state)
{
	struct mh_msg m = ba(135, 40000, 0);
	struct bul b;
	struct bul_out o;

	(void)state;
	away(&b, &o, 10 * S);
	/* Within 1/3 s of the last BU (MAX_UPDATE_RATE, 3 a second): later. */
	bul_mh(&b, 10 * S + 100 * MS, &m, &o);
	assert_false(o.send_bu);
	bul_tick(&b, 10 * S + 333 * MS, &o);
	assert_false(o.send_bu);
	bul_tick(&b, 10 * S + 334 * MS, &o);
	assert_true(o.send_bu);
	assert_int_equal(o.bu.seq, 40001);
	assert_int_equal(b.state, BUL_REGISTERING);
	/* Later: at once, and a second 135 for the same BU changes nothing. */
	m = ba(135, 50000, 0);
	bul_mh(&b, 11 * S, &m, &o);
	assert_true(o.send_bu);
	assert_int_equal(o.bu.seq, 50001);
	bul_mh(&b, 12 * S, &m, &o);
	assert_false(o.send_bu);
	m = ba(135, 40000, 0);
	bul_mh(&b, 12 * S, &m, &o);
	assert_false(o.send_bu);
	m = ba(0, 101, 150); /* the old number no longer answers */
	bul_mh(&b, 10 * S, &m, &o);
	assert_int_equal(b.state, BUL_REGISTERING);
	m = ba(0, 50001, 150);
	bul_mh(&b, 12 * S, &m, &o);
	assert_int_equal(b.state, BUL_BOUND);
}

/* 134, 129, 132 (and 133), 145, 146: stop; 128, 130 and 144 (RFC 4285: the
 * timestamp missed the HA's window; the next BU carries a corrected one):
 * keep retrying. */
static void
test_refusals(void **state)
{
	static const uint8_t stop[] = {129, 131, 132, 133, 134, 139, 145, 146};
	static const uint8_t retry[] = {128, 130, 144};
	struct bul b;
	struct bul_out o;
	struct mh_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(stop); i++) {
		m = ba(stop[i], 101, 0);
		away_answered(&b, &o, m);
		assert_int_equal(b.state, BUL_FAILED);
		assert_int_equal(b.last_status, stop[i]);
		bul_tick(&b, 100 * S, &o);
		assert_false(o.send_bu);
		bul_move(&b, 100 * S, BUL_AWAY, &coa, &o);
		assert_false(o.send_bu);
		bul_move(&b, 100 * S, BUL_AWAY, &coa2, &o); /* a new CoA tries again */
		assert_true(o.send_bu);
	}
	for (i = 0; i < sizeof(retry); i++) {
		m = ba(retry[i], 101, 0);
		away_answered(&b, &o, m);
		assert_int_equal(b.state, BUL_REGISTERING);
		bul_tick(&b, 10 * S + 1500 * MS, &o);
		assert_true(o.send_bu);
	}
}

/* §11.5.4: home, the BU comes from the home address with CoA = HoA and
 * lifetime 0; the HoA stays off the link until the BA. */
static void
test_return_home(void **state)
{
	struct mh_msg m = ba(0, 101, 150);
	struct bul b;
	struct bul_out o;
	int i;

	(void)state;
	away_answered(&b, &o, m);
	bul_move(&b, 20 * S, BUL_AT_HOME, &home, &o);
	assert_true(o.send_bu);
	assert_int_equal(o.hoa, BUL_HOA_NONE);
	assert_int_equal(b.state, BUL_DEREGISTERING);
	assert_memory_equal(&o.bu.src, &hoa, 16);
	assert_memory_equal(&o.bu.coa, &hoa, 16);
	assert_int_equal(o.bu.lifetime, 0);
	assert_false(bul_tunnelled(&b));
	m = ba(0, o.bu.seq, 0);
	bul_mh(&b, 20 * S, &m, &o);
	assert_int_equal(b.state, BUL_HOME);
	assert_int_equal(o.hoa, BUL_HOA_INTERFACE);
	/* The old binding's expiry is no timer any more. */
	assert_int_equal(b.expires_us, 0);
	assert_int_equal(b.next_us, 0);

	/* No answer: 1, 2, 4, 8, 16 s, then home anyway. */
	m = ba(0, 101, 150);
	away_answered(&b, &o, m);
	bul_move(&b, 20 * S, BUL_AT_HOME, &home, &o);
	for (i = 0; i < 5; i++) {
		bul_tick(&b, 20 * S + (uint64_t)((1000 << (i + 1)) - 1000) * MS, &o);
		assert_true(o.send_bu);
	}
	bul_tick(&b, 20 * S + 63 * S, &o);
	assert_false(o.send_bu);
	assert_int_equal(b.state, BUL_HOME);
	assert_int_equal(o.hoa, BUL_HOA_INTERFACE);

	/* Started at home: the HA may hold a binding from before; deregister,
	 * but retry only twice (0, 1, 3 s), home anyway at 7 s. */
	bul_init(&b, &hoa, 64, &ha, 600);
	bul_move(&b, 0, BUL_AT_HOME, &home, &o);
	assert_true(o.send_bu);
	assert_int_equal(o.hoa, BUL_HOA_NONE);
	bul_tick(&b, 1 * S, &o);
	assert_true(o.send_bu);
	bul_tick(&b, 3 * S, &o);
	assert_true(o.send_bu);
	bul_tick(&b, 7 * S, &o);
	assert_false(o.send_bu);
	assert_int_equal(o.hoa, BUL_HOA_INTERFACE);
	assert_int_equal(b.state, BUL_HOME);
	/* ... answered with 133 (no binding there): home. */
	bul_init(&b, &hoa, 64, &ha, 600);
	bul_move(&b, 0, BUL_AT_HOME, &home, &o);
	m = ba(133, o.bu.seq, 0);
	bul_mh(&b, 0, &m, &o);
	assert_int_equal(b.state, BUL_HOME);
	assert_int_equal(o.hoa, BUL_HOA_INTERFACE);
	/* No Home Agent known ("::"): home at once. */
	bul_init(&b, &hoa, 64, &in6addr_any, 600);
	bul_move(&b, 1, BUL_AT_HOME, &home, &o);
	assert_false(o.send_bu);
	assert_int_equal(o.hoa, BUL_HOA_INTERFACE);
}

/* A refused registration, an expired binding, a zero lifetime: never a
 * deadline in the past left standing (the daemon would spin on it). */
static void
test_no_stale_deadline(void **state)
{
	struct mh_msg m = ba(0, 101, 150);
	struct bul b;
	struct bul_out o;

	(void)state;
	away_answered(&b, &o, m);
	bul_move(&b, 20 * S, BUL_AWAY, &coa2, &o);
	m = ba(129, o.bu.seq, 0);
	bul_mh(&b, 20 * S, &m, &o);
	assert_int_equal(b.state, BUL_FAILED);
	assert_int_equal(b.expires_us, 0);
	assert_int_equal(b.next_us, 0);
	/* Granted 0 s: re-register after 1 s rather than never. */
	m = ba(0, 101, 0);
	away_answered(&b, &o, m);
	bul_tick(&b, 11 * S, &o);
	assert_true(o.send_bu);
	/* A Refresh Advice of 0 is no advice. */
	away(&b, &o, 10 * S);
	m = ba(0, 101, 150);
	m.has_bra = true;
	m.refresh = 0;
	bul_mh(&b, 10 * S, &m, &o);
	assert_int_equal(b.next_us, 10 * S + 480 * S);
	/* Binding Error 2 to our BU: no Home Agent there. */
	m = (struct mh_msg){.type = MH_BE, .status = MH_BE_UNKNOWN_TYPE};
	away_answered(&b, &o, m);
	assert_int_equal(b.state, BUL_FAILED);
	assert_int_equal(b.next_us, 0);
}

static void
test_brr_and_be(void **state)
{
	struct mh_msg m = ba(0, 101, 150);
	struct bul b;
	struct bul_out o;

	(void)state;
	away_answered(&b, &o, m);
	m = (struct mh_msg){.type = MH_BRR};
	bul_mh(&b, 20 * S, &m, &o);
	assert_true(o.send_bu);
	assert_int_equal(o.bu.seq, 102);
	m = ba(0, 102, 150);
	bul_mh(&b, 20 * S, &m, &o);
	m = (struct mh_msg){.type = MH_BE, .status = MH_BE_UNKNOWN_HAO};
	m.coa = coa; /* about another address: ignored */
	bul_mh(&b, 30 * S, &m, &o);
	assert_false(o.send_bu);
	m.coa = hoa;
	bul_mh(&b, 30 * S, &m, &o);
	assert_true(o.send_bu);
	assert_int_equal(b.state, BUL_REGISTERING);
}

/* "::" as the HA: DHAAD at 0, 3, 9, 21, 45 s, then every 32 s (§11.4.1). */
static void
test_dhaad(void **state)
{
	static const uint64_t at_s[] = {3, 9, 21, 45, 77};
	struct bul b;
	struct bul_out o;
	uint16_t id;
	size_t i;

	(void)state;
	bul_init(&b, &hoa, 64, &in6addr_any, 600);
	bul_move(&b, 0, BUL_AWAY, &coa, &o);
	assert_true(o.send_dhaad);
	assert_false(o.send_bu);
	assert_int_equal(b.state, BUL_DISCOVERING);
	for (i = 0; i < sizeof(at_s) / sizeof(at_s[0]); i++) {
		bul_tick(&b, at_s[i] * S - 1, &o);
		assert_false(o.send_dhaad);
		bul_tick(&b, at_s[i] * S, &o);
		assert_true(o.send_dhaad);
	}
	id = b.dhaad_id;
	bul_dhaad_reply(&b, 80 * S, (uint16_t)(id - 1), &ha, &o);
	assert_false(o.send_bu);
	bul_dhaad_reply(&b, 80 * S, id, &ha, &o);
	assert_true(o.send_bu);
	assert_memory_equal(&o.bu.ha, &ha, 16);
	assert_int_equal(b.state, BUL_REGISTERING);
}

static void
test_home_prefix(void **state)
{
	struct bul b;
	struct in6_addr a = addr("2001:db8::ffff"), o1 = addr("2001:db8:0:1::1");

	(void)state;
	bul_init(&b, &hoa, 64, &ha, 600);
	assert_true(bul_in_home_prefix(&b, &a));
	assert_false(bul_in_home_prefix(&b, &o1));
	assert_false(bul_in_home_prefix(&b, &coa));
	b.plen = 48;
	assert_true(bul_in_home_prefix(&b, &o1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_registration, setup),
		cmocka_unit_test_setup(test_backoff, setup),
		cmocka_unit_test_setup(test_bound_and_refresh, setup),
		cmocka_unit_test_setup(test_status_135, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_return_home, setup),
		cmocka_unit_test_setup(test_brr_and_be, setup),
		cmocka_unit_test_setup(test_no_stale_deadline, setup),
		cmocka_unit_test_setup(test_dhaad, setup),
		cmocka_unit_test_setup(test_home_prefix, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
