/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Binding Update engine against RFC 6275 §9.5.1, §10.3.1 and §10.3.2
 * (../shared/spec/rfc6275-home-agent.md §1.4 - §1.8): every status it gives,
 * every silent discard, lifetime capping, deregistration, DAD, and where the
 * BA goes. Expected values are the RFC's numbers, written out here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "ha.h"

#define NOW 1000000u

static struct in6_addr ha_addrs[2];
static struct ha_prefix prefixes[1];
static struct ha_cfg cfg;
static struct mh_msg msg;
static struct bt_binding cur;
static struct ha_input in;
static struct ha_decision d;

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* A first home registration from a CoA, as the spec's §1.18 vector. */
static int
setup(void **state)
{
	(void)state;
	ha_addrs[0] = a6("2001:db8:1::1");
	ha_addrs[1] = a6("2001:db8:1::2");
	prefixes[0] = (struct ha_prefix){.prefix = a6("2001:db8:1::"),
					 .len = 64,
					 .valid_until = HA_FOREVER,
					 .preferred_until = HA_FOREVER};
	cfg = (struct ha_cfg){.is_ha = true,
			      .prefixes = prefixes,
			      .n_prefixes = 1,
			      .addrs = ha_addrs,
			      .n_addrs = 2,
			      .max_lifetime = 262140,
			      .hop_limit = 64};
	memset(&msg, 0, sizeof(msg));
	msg.type = MH_BU;
	msg.src = msg.coa = a6("2001:db8:2::100");
	msg.dst = ha_addrs[0];
	msg.hoa = a6("2001:db8:1::100");
	msg.has_hao = msg.has_altcoa = true;
	msg.seq = 1000;
	msg.flags = MH_BU_A | MH_BU_H;
	msg.lifetime = 100;
	memset(&cur, 0, sizeof(cur));
	cur.hoa = msg.hoa;
	cur.coa = a6("2001:db8:3::100");
	cur.seq = 15;
	cur.flags = BT_F_HOME | BT_F_ACK;
	in = (struct ha_input){.msg = &msg, .dad = HA_DAD_OK, .now = NOW};
	return 0;
}

static void
run(void)
{
	ha_bu(&cfg, &in, &d);
}

static void
expect_ba(uint8_t status, uint16_t seq)
{
	assert_false(d.discard);
	assert_true(d.send_ba);
	assert_int_equal(d.ba.status, status);
	assert_int_equal(d.ba.seq, seq);
}

static void
expect_discard(enum ha_discard why)
{
	assert_true(d.discard);
	assert_int_equal(d.why, why);
	assert_false(d.send_ba);
	assert_int_equal(d.op, HA_OP_NONE);
}

static void
test_accept(void **state)
{
	(void)state;
	run();
	expect_ba(0, 1000);
	assert_int_equal(d.op, HA_OP_UPSERT);
	assert_int_equal(d.ba.lifetime, 100);
	assert_int_equal(d.ba.flags, 0); /* K = 0 */
	assert_int_equal(d.ba.refresh, 50);
	/* §9.5.4: to the BU's source, through the HoA, from the HA address used. */
	assert_true(d.ba.rh2);
	assert_memory_equal(&d.ba.dst, &msg.src, 16);
	assert_memory_equal(&d.ba.hoa, &msg.hoa, 16);
	assert_memory_equal(&d.ba.src, &ha_addrs[0], 16);
	assert_int_equal(d.ba.hop_limit, 64);
	assert_memory_equal(&d.binding.hoa, &msg.hoa, 16);
	assert_memory_equal(&d.binding.coa, &msg.coa, 16);
	assert_int_equal(d.binding.lifetime, 400);
	assert_int_equal(d.binding.expiry, NOW + 400);
	assert_int_equal(d.binding.seq, 1000);
	assert_int_equal(d.binding.flags, BT_F_HOME | BT_F_ACK);
	assert_int_equal(d.binding.ha_idx, 0);
	assert_false(d.proxy_ll);
}

/* A refresh of an existing binding needs no DAD; to the second HA address. */
static void
test_refresh(void **state)
{
	(void)state;
	in.cur = &cur;
	in.dad = HA_DAD_NONE;
	msg.dst = ha_addrs[1];
	msg.flags |= MH_BU_L;
	run();
	expect_ba(0, 1000);
	assert_int_equal(d.op, HA_OP_UPSERT);
	assert_int_equal(d.binding.ha_idx, 1);
	assert_int_equal(d.binding.flags, BT_F_HOME | BT_F_ACK | BT_F_LINKLOCAL);
	assert_true(d.proxy_ll);
	assert_memory_equal(&d.ba.src, &ha_addrs[1], 16);
}

/* §10.3.1 #7: DAD first, retransmissions ignored meanwhile, 134 on failure. */
static void
test_dad(void **state)
{
	(void)state;
	in.dad = HA_DAD_NONE;
	run();
	assert_int_equal(d.op, HA_OP_DAD);
	assert_false(d.send_ba);
	assert_false(d.discard);
	in.dad = HA_DAD_RUNNING;
	run();
	expect_discard(HA_DISCARD_DAD_RUNNING);
	in.dad = HA_DAD_FAILED;
	run();
	expect_ba(134, 1000);
	assert_int_equal(d.op, HA_OP_NONE);
}

/* §10.3.1 #8: the lifetime is capped by the configuration and the prefix. */
static void
test_lifetime(void **state)
{
	(void)state;
	cfg.max_lifetime = 200;
	run();
	expect_ba(0, 1000);
	assert_int_equal(d.ba.lifetime, 50);
	assert_int_equal(d.binding.lifetime, 200);

	cfg.max_lifetime = 262140;
	msg.lifetime = 0xffff;
	run();
	assert_int_equal(d.ba.lifetime, 65535);
	assert_int_equal(d.binding.lifetime, 262140);

	/* Valid for 103 s more: 25 units, and status 1 (invalid at its end). */
	prefixes[0].valid_until = NOW + 103;
	run();
	expect_ba(1, 1000);
	assert_int_equal(d.ba.lifetime, 25);
	assert_int_equal(d.binding.lifetime, 100);
}

/* §10.3.1 #10: status 1 when the home prefix is or becomes deprecated. */
static void
test_prefix_discovery(void **state)
{
	(void)state;
	prefixes[0].preferred_until = NOW;
	run();
	expect_ba(1, 1000);
	prefixes[0].preferred_until = NOW + 399; /* 99 units < 100 */
	run();
	expect_ba(1, 1000);
	prefixes[0].preferred_until = NOW + 400;
	run();
	expect_ba(0, 1000);
}

static void
test_not_ha(void **state)
{
	(void)state;
	cfg.is_ha = false;
	run();
	expect_ba(131, 1000);
	assert_int_equal(d.op, HA_OP_NONE);
}

static void
test_not_home_subnet(void **state)
{
	(void)state;
	msg.hoa = a6("2001:db8:5::100");
	run();
	expect_ba(132, 1000);
	/* A prefix whose valid lifetime ended is no home prefix. */
	msg.hoa = a6("2001:db8:1::100");
	prefixes[0].valid_until = NOW;
	run();
	expect_ba(132, 1000);
}

/* §10.3.2: deregistration without a binding: 133, both forms. */
static void
test_dereg_unknown(void **state)
{
	(void)state;
	msg.lifetime = 0;
	run();
	expect_ba(133, 1000);
	msg.lifetime = 100;
	msg.coa = msg.src = msg.hoa;
	msg.has_hao = false;
	run();
	expect_ba(133, 1000);
	assert_false(d.ba.rh2); /* from home: straight to the HoA */
	assert_int_equal(d.op, HA_OP_NONE);
}

static void
test_dereg(void **state)
{
	(void)state;
	in.cur = &cur;
	msg.lifetime = 0;
	run();
	expect_ba(0, 1000);
	assert_int_equal(d.op, HA_OP_DELETE);
	assert_int_equal(d.ba.lifetime, 0);
	assert_int_equal(d.ba.refresh, 0);
	assert_true(d.ba.rh2);
}

/* §9.5.1: 135 carries the last accepted number, sent even with A = 0, and
 * the binding is not touched; checked before everything but the HoA. */
static void
test_seq_window(void **state)
{
	static const uint16_t stale[] = {15, 14, 32783, 0, 65535};
	size_t i;

	(void)state;
	in.cur = &cur;
	msg.flags = MH_BU_H;
	for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		msg.seq = stale[i];
		run();
		expect_ba(135, 15);
		assert_int_equal(d.op, HA_OP_NONE);
	}
	msg.seq = 32782;
	run();
	expect_ba(0, 32782);
	/* A stale deregistration too, and one from a foreign prefix. */
	msg.seq = 15;
	msg.lifetime = 0;
	run();
	expect_ba(135, 15);
	msg.hoa = a6("2001:db8:5::100");
	run();
	expect_ba(135, 15);
}

static void
test_type_change(void **state)
{
	(void)state;
	cur.flags = BT_F_ACK; /* not a home registration */
	in.cur = &cur;
	run();
	expect_ba(139, 1000);
	assert_int_equal(d.op, HA_OP_NONE);
}

static void
test_table_full(void **state)
{
	(void)state;
	in.table_full = true;
	run();
	expect_ba(130, 1000);
	in.cur = &cur; /* an existing binding is updated in place */
	run();
	expect_ba(0, 1000);
}

static void
test_discards(void **state)
{
	static const char *const bad_hoa[] = {"fe80::1", "ff02::1", "::", "::1",
					      "::ffff:192.0.2.1"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_hoa) / sizeof(bad_hoa[0]); i++) {
		setup(NULL);
		msg.hoa = a6(bad_hoa[i]);
		in.cur = &cur; /* even before the sequence number */
		msg.seq = 15;
		run();
		expect_discard(HA_DISCARD_BAD_HOA);
	}
	setup(NULL);
	msg.flags = MH_BU_A;
	run();
	expect_discard(HA_DISCARD_NOT_HOME_REG);
	/* Matrix B5: H = 0 for a HoA with a home binding would change its type. */
	in.cur = &cur;
	run();
	expect_ba(139, 1000);
	assert_int_equal(d.op, HA_OP_NONE);
	setup(NULL);
	msg.has_nonce = true;
	run();
	expect_discard(HA_DISCARD_RR_OPTION);
	setup(NULL);
	msg.has_bad = true;
	run();
	expect_discard(HA_DISCARD_RR_OPTION);
	setup(NULL);
	msg.has_rh2 = true;
	run();
	expect_discard(HA_DISCARD_RH2);
	setup(NULL);
	msg.coa = a6("2001:db8:4::100"); /* Alternate CoA not the source */
	run();
	expect_discard(HA_DISCARD_ALTCOA_MISMATCH);
	/* Matrix O4: an Alternate CoA equal to the HoA deregisters. */
	setup(NULL);
	msg.coa = msg.hoa;
	in.cur = &cur;
	run();
	expect_ba(0, 1000);
	assert_int_equal(d.op, HA_OP_DELETE);
	setup(NULL);
	msg.has_hao = false;
	run();
	expect_discard(HA_DISCARD_NO_HAO);
	setup(NULL);
	msg.coa = msg.src = a6("ff0e::1");
	run();
	expect_discard(HA_DISCARD_BAD_COA);
	setup(NULL);
	msg.coa = msg.src = ha_addrs[1];
	run();
	expect_discard(HA_DISCARD_BAD_COA);
	setup(NULL);
	in.coa_is_hoa = true;
	run();
	expect_discard(HA_DISCARD_COA_IS_HOA);
	setup(NULL);
	msg.type = MH_BA;
	run();
	expect_discard(HA_DISCARD_NOT_BU);
	assert_string_equal(ha_discard_name(HA_DISCARD_COA_IS_HOA), "coa_is_hoa");
}

/* RFC 4285 before anything else: required and absent is a silent discard
 * with no DAD; each failed check has its status (144, 145, 146), and 135 for
 * a sequence number the key has seen. */
static void
test_auth(void **state)
{
	(void)state;
	in.dad = HA_DAD_NONE;
	in.auth_required = true;
	run();
	expect_discard(HA_DISCARD_UNAUTHENTICATED);
	in.auth = AUTH_FAIL;
	run();
	expect_ba(146, 1000);
	assert_int_equal(d.op, HA_OP_NONE);
	in.auth = AUTH_NO_TS;
	run();
	expect_ba(145, 1000);
	in.auth = AUTH_REPLAY;
	run();
	expect_ba(144, 1000);
	in.auth = AUTH_OLD_SEQ;
	in.key_seq = 2000;
	run();
	expect_ba(135, 2000);
	assert_int_equal(d.op, HA_OP_NONE);
	/* Authenticated, and not required: both go on to DAD. */
	in.auth = AUTH_OK;
	run();
	assert_int_equal(d.op, HA_OP_DAD);
	in.auth = AUTH_ABSENT;
	in.auth_required = false;
	run();
	assert_int_equal(d.op, HA_OP_DAD);
}

/* A key registers its own Home Address only (matrix B2), then policy rules
 * in order, then the default (B4). */
static void
test_policy(void **state)
{
	struct in6_addr other = a6("2001:db8:1::200");
	struct conf_rule rules[3] = {
		{.hoa = {.addr = a6("2001:db8:1::100"), .len = 128}, .action = CONF_ACTION_ALLOW},
		{.hoa = {.addr = a6("2001:db8:1::"), .len = 120},
		 .action = CONF_ACTION_DENY,
		 .status = 133},
		{.hoa = {.addr = a6("2001:db8:1::"), .len = 64}, .action = CONF_ACTION_DENY},
	};

	(void)state;
	in.auth = AUTH_OK;
	in.key_hoa = &other;
	run();
	expect_ba(129, 1000);
	assert_int_equal(d.op, HA_OP_NONE);
	in.key_hoa = &msg.hoa;
	run();
	expect_ba(0, 1000);
	cfg.rules = rules;
	cfg.n_rules = 3;
	run();
	expect_ba(0, 1000); /* the first rule allows ::100 */
	msg.hoa = a6("2001:db8:1::5");
	in.key_hoa = NULL;
	run();
	expect_ba(133, 1000); /* the second, with its own status */
	assert_int_equal(d.op, HA_OP_NONE);
	msg.hoa = a6("2001:db8:1::1:5");
	run();
	expect_ba(129, 1000); /* the third, 129 by default */
	cfg.n_rules = 0;
	cfg.default_deny = true;
	run();
	expect_ba(129, 1000);
	cfg.default_deny = false;
	run();
	expect_ba(0, 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_accept, setup),
		cmocka_unit_test_setup(test_refresh, setup),
		cmocka_unit_test_setup(test_dad, setup),
		cmocka_unit_test_setup(test_lifetime, setup),
		cmocka_unit_test_setup(test_prefix_discovery, setup),
		cmocka_unit_test_setup(test_not_ha, setup),
		cmocka_unit_test_setup(test_not_home_subnet, setup),
		cmocka_unit_test_setup(test_dereg_unknown, setup),
		cmocka_unit_test_setup(test_dereg, setup),
		cmocka_unit_test_setup(test_seq_window, setup),
		cmocka_unit_test_setup(test_type_change, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_discards, setup),
		cmocka_unit_test_setup(test_auth, setup),
		cmocka_unit_test_setup(test_policy, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
