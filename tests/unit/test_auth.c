/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 4285 authentication against packets we did not build: the vectors below
 * are Scapy 2.5's (MIP6OptReplayProtection, MIP6OptMsgAuth) with the
 * Authenticator from Python's hmac module, as ../shared/spec/rfc4285-auth.md
 * shows (the generator is in the comment of each). Then the Home Agent's
 * check: unknown SPI, wrong key, replay, missing timestamp, sequence numbers,
 * and the key files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "auth.h"
#include "mh.h"

/* coa 2001:db8:1::5, hoa 2001:db8::beef, ha 2001:db8::1 */
#define TS   0xe9a1b2c312345678ull
#define SEC  (1ull << 32)
#define SPI1 300
#define SPI2 301

/* key1 = bytes(range(1, 21)), HMAC-SHA-1, SPI 300:
 * IPv6(src=coa,dst=ha)/IPv6ExtHdrDestOpt([HAO(hoa)])/
 * MIP6MH_BU(seq=7, flags="AH", mhtime=100, options=[PadN(b""), AltCoA(coa),
 * PadN(b""), MIP6OptReplayProtection(timestamp=TS), Pad1(),
 * MIP6OptMsgAuth(subtype=1, mspi=300)]), Authenticator =
 * hmac.new(key1, coa + hoa + mh[:-12], sha1).digest()[:12]. */
static const uint8_t bu_sha1[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x58, 0x3c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x87, 0x02, 0x01, 0x02, 0x00,
	0x00, 0xc9, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xbe, 0xef, 0x3b, 0x07, 0x05, 0x00, 0xe8, 0xa2, 0x00, 0x07, 0xc0, 0x00, 0x00,
	0x64, 0x01, 0x00, 0x03, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x0a, 0x08, 0xe9, 0xa1, 0xb2, 0xc3, 0x12,
	0x34, 0x56, 0x78, 0x00, 0x09, 0x11, 0x01, 0x00, 0x00, 0x01, 0x2c, 0xdc, 0x2d, 0x98, 0x54,
	0xe7, 0x4c, 0xef, 0x18, 0xf8, 0x88, 0x64, 0x2f,
};

/* key2 = bytes(range(0x40, 0x60)), HMAC-SHA-256, SPI 301, no timestamp:
 * options [PadN(b""), AltCoA(coa), PadN(b"\0\0\0"), MIP6OptMsgAuth(mspi=301)]. */
static const uint8_t bu_sha256[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x50, 0x3c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x87, 0x02, 0x01, 0x02, 0x00,
	0x00, 0xc9, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xbe, 0xef, 0x3b, 0x06, 0x05, 0x00, 0xed, 0x81, 0x00, 0x07, 0xc0, 0x00, 0x00,
	0x64, 0x01, 0x00, 0x03, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x03, 0x00, 0x00, 0x00, 0x09, 0x11, 0x01, 0x00,
	0x00, 0x01, 0x2d, 0x26, 0x96, 0x2e, 0x46, 0xbb, 0x20, 0xfd, 0x7a, 0x24, 0x3a, 0x80, 0x2e,
};

/* The Home Agent's answer to bu_sha1, signed with key1:
 * IPv6(src=ha,dst=coa)/IPv6ExtHdrRouting(type=2, addresses=[hoa])/
 * MIP6MH_BA(status=0, seq=7, mhtime=100, options=[BRAdvice(50), PadN(b""),
 * ReplayProtection(TS), Pad1(), MsgAuth(mspi=300)]). */
static const uint8_t ba_sha1[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x48, 0x2b, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x87, 0x02,
	0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbe, 0xef, 0x3b, 0x05, 0x06, 0x00, 0xcd, 0x9f,
	0x00, 0x00, 0x00, 0x07, 0x00, 0x64, 0x02, 0x02, 0x00, 0x32, 0x01, 0x00, 0x0a, 0x08,
	0xe9, 0xa1, 0xb2, 0xc3, 0x12, 0x34, 0x56, 0x78, 0x00, 0x09, 0x11, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x77, 0xbf, 0xbf, 0x93, 0xba, 0x1d, 0x3f, 0x6e, 0x4f, 0xfc, 0x30, 0x76,
};

static struct in6_addr coa, hoa, ha;

static void
key_init(struct auth_key *k, uint32_t spi, enum conf_auth_alg alg, enum conf_replay replay,
	 uint8_t first, size_t len)
{
	memset(k, 0, sizeof(*k));
	k->spi = spi;
	k->hoa = hoa;
	k->alg = alg;
	k->replay = replay;
	k->len = len;
	for (size_t i = 0; i < len; i++)
		k->secret[i] = (uint8_t)(first + i);
}

static void
store_init(struct auth_store *st)
{
	memset(st, 0, sizeof(*st));
	st->window = 7;
	key_init(&st->keys[0], SPI1, CONF_AUTH_HMAC_SHA1, CONF_REPLAY_TIMESTAMP, 1, 20);
	key_init(&st->keys[1], SPI2, CONF_AUTH_HMAC_SHA256, CONF_REPLAY_SEQUENCE, 0x40, 32);
	st->n = 2;
}

static int
setup(void **state)
{
	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::5", &coa);
	inet_pton(AF_INET6, "2001:db8::beef", &hoa);
	inet_pton(AF_INET6, "2001:db8::1", &ha);
	return 0;
}

static struct mh_bu
bu_init(void)
{
	return (struct mh_bu){.src = coa,
			      .coa = coa,
			      .ha = ha,
			      .hoa = hoa,
			      .seq = 7,
			      .flags = MH_BU_A | MH_BU_H,
			      .lifetime = 100,
			      .hop_limit = 64};
}

/* Our encoder and signer give Scapy's bytes, both algorithms, with and
 * without the timestamp option. */
static void
test_bu_sign(void **state)
{
	struct auth_store st;
	struct mh_bu bu = bu_init();
	uint8_t b[MH_BU_MAX_PACKET];
	size_t n;

	(void)state;
	store_init(&st);
	bu.auth = (struct mh_auth_opts){.on = true, .has_ts = true, .spi = SPI1, .ts = TS};
	n = mh_bu_encode(&bu, b, sizeof(b));
	assert_int_equal(n, sizeof(bu_sha1));
	assert_true(auth_sign(&st.keys[0], b, n));
	assert_memory_equal(b, bu_sha1, n);

	bu.auth = (struct mh_auth_opts){.on = true, .spi = SPI2};
	assert_int_equal(mh_bu_encode(&bu, b, sizeof(bu_sha256) - 1), 0);
	n = mh_bu_encode(&bu, b, sizeof(b));
	assert_int_equal(n, sizeof(bu_sha256));
	assert_true(auth_sign(&st.keys[1], b, n));
	assert_memory_equal(b, bu_sha256, n);
}

static void
test_ba_sign(void **state)
{
	struct auth_store st;
	struct mh_ba ba = {.src = ha,
			   .dst = coa,
			   .hoa = hoa,
			   .rh2 = true,
			   .seq = 7,
			   .lifetime = 100,
			   .refresh = 50,
			   .hop_limit = 64,
			   .auth = {.on = true, .has_ts = true, .spi = SPI1, .ts = TS}};
	uint8_t b[MH_BA_MAX_PACKET];
	struct mh_msg m;
	size_t n;

	(void)state;
	store_init(&st);
	n = mh_ba_encode(&ba, b, sizeof(b));
	assert_int_equal(n, sizeof(ba_sha1));
	assert_true(auth_sign(&st.keys[0], b, n));
	assert_memory_equal(b, ba_sha1, n);
	/* The mobile node's side: Scapy's BA decodes and verifies. */
	assert_int_equal(mh_decode(ba_sha1, sizeof(ba_sha1), &m), MH_OK);
	assert_true(m.has_auth && m.has_ts);
	assert_int_equal(m.auth_spi, SPI1);
	assert_true(m.ts == TS);
	assert_true(auth_verify(&st.keys[0], ba_sha1, sizeof(ba_sha1), &m));
	assert_false(auth_verify(&st.keys[1], ba_sha1, sizeof(ba_sha1), &m));
}

/* A wrong key, a flipped Authenticator bit, a flipped covered byte. */
static void
test_verify(void **state)
{
	struct auth_store st;
	struct auth_key wrong;
	uint8_t b[sizeof(bu_sha1)];
	struct mh_msg m;

	(void)state;
	store_init(&st);
	assert_int_equal(mh_decode(bu_sha1, sizeof(bu_sha1), &m), MH_OK);
	assert_true(auth_verify(&st.keys[0], bu_sha1, sizeof(bu_sha1), &m));
	key_init(&wrong, SPI1, CONF_AUTH_HMAC_SHA1, CONF_REPLAY_TIMESTAMP, 2, 20);
	assert_false(auth_verify(&wrong, bu_sha1, sizeof(bu_sha1), &m));
	key_init(&wrong, SPI1, CONF_AUTH_HMAC_SHA256, CONF_REPLAY_TIMESTAMP, 1, 20);
	assert_false(auth_verify(&wrong, bu_sha1, sizeof(bu_sha1), &m));
	memcpy(b, bu_sha1, sizeof(b));
	b[sizeof(b) - 1] ^= 1;
	assert_false(auth_verify(&st.keys[0], b, sizeof(b), &m));
	memcpy(b, bu_sha1, sizeof(b));
	b[64 + 7] ^= 1; /* the sequence number's low byte */
	assert_false(auth_verify(&st.keys[0], b, sizeof(b), &m));
	/* The checksum is outside the MAC (RFC 4285 §5: computed as zero). */
	memcpy(b, bu_sha1, sizeof(b));
	b[64 + 4] ^= 0xff;
	assert_true(auth_verify(&st.keys[0], b, sizeof(b), &m));
}

/* RFC 4285 §6 with timestamps: inside the window once, then never again. */
static void
test_check_timestamp(void **state)
{
	struct auth_store st;
	struct auth_key *k;
	struct mh_msg m;

	(void)state;
	assert_int_equal(mh_decode(bu_sha1, sizeof(bu_sha1), &m), MH_OK);
	store_init(&st);
	assert_int_equal(auth_check_bu(&st, bu_sha1, sizeof(bu_sha1), &m, TS + 6 * SEC, &k),
			 AUTH_OK);
	assert_ptr_equal(k, &st.keys[0]);
	/* The same BU again, replayed inside the window. */
	assert_int_equal(auth_check_bu(&st, bu_sha1, sizeof(bu_sha1), &m, TS + 6 * SEC, &k),
			 AUTH_REPLAY);
	assert_ptr_equal(k, &st.keys[0]);
	store_init(&st);
	assert_int_equal(auth_check_bu(&st, bu_sha1, sizeof(bu_sha1), &m, TS + 8 * SEC, &k),
			 AUTH_REPLAY);
	assert_int_equal(auth_check_bu(&st, bu_sha1, sizeof(bu_sha1), &m, TS - 8 * SEC, &k),
			 AUTH_REPLAY);
	assert_false(st.keys[0].seen);
	/* An SPI we do not know. */
	st.keys[0].spi = 999;
	assert_int_equal(auth_check_bu(&st, bu_sha1, sizeof(bu_sha1), &m, TS, &k), AUTH_FAIL);
	assert_null(k);
	/* A key that wants timestamps gets a BU without one: 145. */
	store_init(&st);
	st.keys[1].replay = CONF_REPLAY_TIMESTAMP;
	assert_int_equal(mh_decode(bu_sha256, sizeof(bu_sha256), &m), MH_OK);
	assert_int_equal(auth_check_bu(&st, bu_sha256, sizeof(bu_sha256), &m, TS, &k), AUTH_NO_TS);
	assert_ptr_equal(k, &st.keys[1]);
}

/* Sequence-number replay protection: remembered per key, so it holds after
 * the binding is gone too. */
static void
test_check_sequence(void **state)
{
	struct auth_store st;
	struct auth_key *k;
	struct mh_msg m;

	(void)state;
	store_init(&st);
	assert_int_equal(mh_decode(bu_sha256, sizeof(bu_sha256), &m), MH_OK);
	assert_int_equal(auth_check_bu(&st, bu_sha256, sizeof(bu_sha256), &m, 0, &k), AUTH_OK);
	assert_int_equal(st.keys[1].last_seq, 7);
	assert_int_equal(auth_check_bu(&st, bu_sha256, sizeof(bu_sha256), &m, 0, &k), AUTH_OLD_SEQ);
	m.has_auth = false;
	assert_int_equal(auth_check_bu(&st, bu_sha256, sizeof(bu_sha256), &m, 0, &k), AUTH_ABSENT);
}

static int
key_file(const char *text, mode_t mode, char *path)
{
	FILE *f;

	strcpy(path, "/tmp/test_auth-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return chmod(path, mode);
}

static void
test_key_files(void **state)
{
	static const struct {
		const char *text;
		mode_t mode;
		int want;
		const char *err;
	} cases[] = {
		{"0102030405060708090a0b0c0d0e0f1011121314\n", 0600, 20, ""},
		{" 0102030405060708 090A0B0C0D0E0F10\n\n", 0400, 16, ""},
		{"0102030405060708090a0b0c0d0e0f1011121314\n", 0644, -1, "chmod 600"},
		{"0102030405060708090a0b0c0d0e0f1011121314\n", 0640, -1, "chmod 600"},
		{"0102030405060708090a0b0c0d0e0f\n", 0600, -1, "shorter than 16"},
		{"0102030405060708090a0b0c0d0e0f101\n", 0600, -1, "odd number"},
		{"secret-passphrase-that-is-long-enough\n", 0600, -1, "hexadecimal"},
	};
	uint8_t key[AUTH_KEY_MAX];
	char path[64], err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(key_file(cases[i].text, cases[i].mode, path), 0);
		err[0] = 0;
		assert_int_equal(auth_key_read(path, key, sizeof(key), err, sizeof(err)),
				 cases[i].want);
		assert_non_null(strstr(err, cases[i].err));
		if (cases[i].want > 0)
			assert_int_equal(key[cases[i].want - 1], cases[i].want);
		unlink(path);
	}
	assert_int_equal(auth_key_read("/nonexistent/key", key, sizeof(key), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bu_sign),	       cmocka_unit_test(test_ba_sign),
		cmocka_unit_test(test_verify),	       cmocka_unit_test(test_check_timestamp),
		cmocka_unit_test(test_check_sequence), cmocka_unit_test(test_key_files),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
