/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mobility Header codec against packets we did not build with it: the
 * byte-exact BU and BA that Scapy 2.5 produced for
 * ../shared/spec/rfc6275-home-agent.md §1.18, and RFC 6275 §6.1 layouts
 * written out by hand, whose checksums ref_csum() (an independent RFC 1071
 * sum) fills in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "icmp6.h"
#include "mh.h"

/* HA 2001:db8:1::1, HoA 2001:db8:1::100, CoA 2001:db8:2::100. */
#define A_HA  0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define A_HOA 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
#define A_COA 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0

/* Scapy: IPv6(src=CoA,dst=HA)/IPv6ExtHdrDestOpt(HAO(HoA))/MIP6MH_BU(seq=1000,
 * flags A|H, mhtime=100, AltCoA(CoA)); checksum 0x6bc8. */
static const uint8_t bu_vec[] = {0x60, 0, 0, 0, 0, 0x38, 0x3c, 0x40, A_COA, A_HA,
				 /* Dest-Opt: NH 135, len 2, PadN(2), HAO */
				 0x87, 0x02, 0x01, 0x02, 0, 0, 0xc9, 0x10, A_HOA,
				 /* MH BU, Header Len 3 */
				 0x3b, 0x03, 0x05, 0x00, 0x6b, 0xc8, 0x03, 0xe8, 0xc0, 0x00, 0x00,
				 0x64,
				 /* PadN(0), Alternate CoA */
				 0x01, 0x00, 0x03, 0x10, A_COA};

/* Scapy: the BA (status 0, seq 1000, lifetime 100, K set) with RH2; 0x5c24. */
static const uint8_t ba_vec[] = {0x60,	0,    0,    0,	  0,	0x28, 0x2b, 0x40, A_HA,
				 A_COA, 0x87, 0x02, 0x02, 0x01, 0,    0,    0,	  0,
				 A_HOA, 0x3b, 0x01, 0x06, 0x00, 0x5c, 0x24, 0x00, 0x80,
				 0x03,	0xe8, 0x00, 0x64, 0x01, 0x02, 0,    0};

static const struct in6_addr ha = {{{A_HA}}}, hoa = {{{A_HOA}}}, coa = {{{A_COA}}};

/* RFC 1071 over the IPv6 pseudo-header, written apart from mh_csum(). */
static uint16_t
ref_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *p, size_t n)
{
	uint64_t s = 135 + n;
	size_t i;

	for (i = 0; i < 16; i += 2)
		s += (uint64_t)(src[i] * 256 + src[i + 1]) + (uint64_t)(dst[i] * 256 + dst[i + 1]);
	for (i = 0; i < n; i++)
		s += i % 2 ? p[i] : (uint64_t)p[i] * 256;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Give the MH at @p mh (@p n bytes) a valid checksum, HoA to HA. */
static void
fix_csum(uint8_t *mh, size_t n)
{
	uint16_t c;

	mh[4] = mh[5] = 0;
	c = ref_csum(hoa.s6_addr, ha.s6_addr, mh, n);
	mh[4] = (uint8_t)(c >> 8);
	mh[5] = (uint8_t)c;
}

static void
test_bu_vector(void **state)
{
	struct mh_msg m;

	(void)state;
	assert_int_equal(mh_decode(bu_vec, sizeof(bu_vec), &m), MH_OK);
	assert_int_equal(m.type, MH_BU);
	assert_int_equal(m.seq, 1000);
	assert_int_equal(m.flags, MH_BU_A | MH_BU_H);
	assert_int_equal(m.lifetime, 100);
	assert_true(m.has_hao && m.has_altcoa && !m.has_rh2 && !m.has_nonce && !m.has_auth);
	assert_memory_equal(&m.hoa, &hoa, 16);
	assert_memory_equal(&m.coa, &coa, 16);
	assert_memory_equal(&m.src, &coa, 16);
	assert_memory_equal(&m.dst, &ha, 16);
	assert_int_equal(m.mh_off, 64);
	assert_int_equal(m.mh_len, 32);
}

/* MH-1: 0x6bc7 is the checksum with the CoA as pseudo-source: wrong. */
static void
test_bu_checksum(void **state)
{
	uint8_t b[sizeof(bu_vec)];
	struct mh_msg m;

	(void)state;
	memcpy(b, bu_vec, sizeof(b));
	b[69] = 0xc7;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	b[68] = b[69] = 0;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
}

/* MH-2, MH-3, MH-4: BE status 2, then Parameter Problem at 64 and 65 (the
 * pointers TAHI HA_1_1_2 and HA_1_1_4 expect). */
static void
test_bu_header_errors(void **state)
{
	uint8_t b[sizeof(bu_vec)];
	struct mh_msg m;

	(void)state;
	memcpy(b, bu_vec, sizeof(b));
	b[66] = 0xff; /* MH Type */
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_BE_TYPE);

	memcpy(b, bu_vec, sizeof(b));
	b[64] = 58; /* Payload Proto: ICMPv6 */
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_PARAM_PROTO);
	assert_int_equal(m.param_ptr, 64);
}

/* A BU of Header Len 0 (8 bytes): Parameter Problem at its Header Len. */
static void
test_bu_short(void **state)
{
	uint8_t b[72];
	struct mh_msg m;

	(void)state;
	memcpy(b, bu_vec, 64);
	b[5] = 32; /* payload: Dest-Opt 24 + MH 8 */
	memcpy(b + 64, (const uint8_t[]){0x3b, 0x00, 0x05, 0x00, 0, 0, 0x03, 0xe8}, 8);
	fix_csum(b + 64, 8);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_PARAM_LEN);
	assert_int_equal(m.param_ptr, 65);
}

/* MH-5 and the IPv6 framing: every truncation is a silent discard. */
static void
test_bu_truncated(void **state)
{
	uint8_t b[sizeof(bu_vec)];
	struct mh_msg m;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(bu_vec); n++)
		assert_int_equal(mh_decode(bu_vec, n, &m), MH_ERR_DISCARD);
	memcpy(b, bu_vec, sizeof(b));
	b[65] = 4; /* Header Len past the payload */
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	memcpy(b, bu_vec, sizeof(b));
	b[0] = 0x40; /* not version 6 */
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	memcpy(b, bu_vec, sizeof(b));
	b[6] = 44; /* a Fragment header instead of Dest-Opt */
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
}

/* The mobility options (RFC 6275 §6.2): bad lengths, repeats and overruns
 * discard; unknown options are skipped. */
static void
test_bu_options(void **state)
{
	static const uint8_t nonce[] = {0x04, 0x04, 0, 1, 0, 2, 0x01, 0x0c};
	uint8_t b[sizeof(bu_vec)];
	struct mh_msg m;

	(void)state;
	memcpy(b, bu_vec, sizeof(b));
	b[79] = 15; /* an Alternate CoA of 15 bytes, padded by a Pad1 */
	b[95] = 0;
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);

	memcpy(b, bu_vec, sizeof(b));
	b[79] = 0x12; /* its length runs past the MH */
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);

	memcpy(b, bu_vec, sizeof(b));
	b[76] = 0x20; /* PadN(0) turned into an unknown option: skipped */
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_OK);
	assert_true(m.has_altcoa);

	/* Nonce Indices, then PadN(12): recorded, and the CoA is the source. */
	memcpy(b, bu_vec, sizeof(b));
	memcpy(b + 76, nonce, sizeof(nonce));
	memset(b + 84, 0, 12);
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_OK);
	assert_true(m.has_nonce);
	assert_false(m.has_altcoa);
	assert_memory_equal(&m.coa, &coa, 16);

	/* Nonce Indices twice, then PadN(6): a repeated singleton. */
	memcpy(b + 82, nonce, 6);
	memcpy(b + 88, (const uint8_t[]){0x01, 0x06, 0, 0, 0, 0, 0, 0}, 8);
	fix_csum(b + 64, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
}

/* Without the Home Address option the source is the HoA and the checksum's
 * pseudo-source (a BU sent from home). */
static void
test_bu_from_home(void **state)
{
	uint8_t b[40 + 32];
	struct mh_msg m;

	(void)state;
	memcpy(b, bu_vec, 40);
	b[5] = 32;
	b[6] = 135;
	memcpy(b + 8, &hoa, 16);
	memcpy(b + 40, bu_vec + 64, 32);
	memcpy(b + 40 + 16, &hoa, 16); /* Alternate CoA = HoA: deregistration */
	fix_csum(b + 40, 32);
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_OK);
	assert_false(m.has_hao);
	assert_memory_equal(&m.hoa, &hoa, 16);
	assert_memory_equal(&m.coa, &hoa, 16);
}

/* The Home Address option: exactly one, of 16 bytes. */
static void
test_hao(void **state)
{
	uint8_t b[sizeof(bu_vec)];
	struct mh_msg m;

	(void)state;
	memcpy(b, bu_vec, sizeof(b));
	b[47] = 15;
	b[63] = 0;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	/* An unknown option whose top bits say "discard" (RFC 8200 §4.2). */
	memcpy(b, bu_vec, sizeof(b));
	b[42] = 0x41;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	/* One that says "skip": the checksum then takes the CoA as source. */
	memcpy(b, bu_vec, sizeof(b));
	b[46] = 0x3e;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	b[69] = 0xc7;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_OK);
	assert_false(m.has_hao);
	assert_memory_equal(&m.hoa, &coa, 16);
}

/* The BA of the §1.18 vector, as we send it: K = 0. */
static const struct mh_ba ba_spec = {
	.src = {{{A_HA}}}, .rh2 = true, .seq = 1000, .lifetime = 100, .hop_limit = 64};

static void
test_ba_vector(void **state)
{
	struct mh_ba ba = ba_spec;
	uint8_t b[MH_BA_MAX_PACKET];

	(void)state;
	ba.dst = coa;
	ba.hoa = hoa;
	ba.flags = MH_BA_K; /* as Scapy's default */
	assert_int_equal(mh_ba_encode(&ba, b, sizeof(b)), sizeof(ba_vec));
	assert_memory_equal(b, ba_vec, sizeof(ba_vec));
	assert_int_equal(mh_ba_encode(&ba, b, sizeof(ba_vec) - 1), 0);
}

/* K = 0 moves the checksum by 0x0080: 0x5ca4, by hand. */
static void
test_ba_no_k(void **state)
{
	struct mh_ba ba = ba_spec;
	uint8_t b[MH_BA_MAX_PACKET];

	(void)state;
	ba.dst = coa;
	ba.hoa = hoa;
	assert_int_equal(mh_ba_encode(&ba, b, sizeof(b)), sizeof(ba_vec));
	assert_int_equal(b[64 + 4], 0x5c);
	assert_int_equal(b[64 + 5], 0xa4);
	assert_int_equal(b[64 + 7], 0);
}

/* From home: no RH2, the checksum over the HoA as destination; with Binding
 * Refresh Advice (type 2, length 2) in place of the PadN. */
static void
test_ba_home_bra(void **state)
{
	struct mh_ba ba = {.src = ha,
			   .dst = hoa,
			   .hoa = hoa,
			   .status = 135,
			   .seq = 7,
			   .lifetime = 0,
			   .refresh = 0x1234,
			   .hop_limit = 255};
	const uint8_t want[] = {0x60, 0, 0, 0,	 0, 16, 135, 255, A_HA, A_HOA, 0x3b, 1,	   6,
				0,    0, 0, 135, 0, 0,	7,   0,	  0,	2,     2,    0x12, 0x34};
	uint8_t b[MH_BA_MAX_PACKET];
	uint16_t c;

	(void)state;
	assert_int_equal(mh_ba_encode(&ba, b, sizeof(b)), sizeof(want));
	c = ref_csum(ha.s6_addr, hoa.s6_addr, want + 40, 16); /* over a zero checksum */
	assert_int_equal(b[44], c >> 8);
	assert_int_equal(b[45], c & 0xff);
	b[44] = b[45] = 0;
	assert_memory_equal(b, want, sizeof(want));
}

/* Binding Error (RFC 6275 §6.1.9): Header Len 2, status, the HoA. */
static void
test_be(void **state)
{
	const uint8_t want[] = {0x60, 0, 0, 0, 0, 24, 135, 64, A_HA, A_COA,
				0x3b, 2, 7, 0, 0, 0,  2,   0,  A_HOA};
	uint8_t b[MH_BE_PACKET];
	uint16_t c;

	(void)state;
	assert_int_equal(mh_be_encode(&ha, &coa, &hoa, MH_BE_UNKNOWN_TYPE, 64, b, sizeof(b)),
			 sizeof(want));
	c = ref_csum(ha.s6_addr, coa.s6_addr, want + 40, 24);
	assert_int_equal(b[44], c >> 8);
	assert_int_equal(b[45], c & 0xff);
	b[44] = b[45] = 0;
	assert_memory_equal(b, want, sizeof(want));
}

/* The mobile node's side: its BU is Scapy's byte for byte, and the BA and
 * Binding Error it receives decode to their fields. */
static void
test_mn_bu_encode(void **state)
{
	struct mh_bu bu = {.src = coa,
			   .coa = coa,
			   .ha = ha,
			   .hoa = hoa,
			   .seq = 1000,
			   .flags = MH_BU_A | MH_BU_H,
			   .lifetime = 100,
			   .hop_limit = 64};
	uint8_t b[MH_BU_PACKET + 8];

	(void)state;
	assert_int_equal(mh_bu_encode(&bu, b, MH_BU_PACKET - 1), 0);
	assert_int_equal(mh_bu_encode(&bu, b, sizeof(b)), sizeof(bu_vec));
	assert_memory_equal(b, bu_vec, sizeof(bu_vec));
}

static void
test_mn_ba_decode(void **state)
{
	uint8_t b[sizeof(ba_vec)];
	struct mh_msg m;
	uint16_t c;

	(void)state;
	assert_int_equal(mh_decode(ba_vec, sizeof(ba_vec), &m), MH_OK);
	assert_int_equal(m.type, MH_BA);
	assert_int_equal(m.status, 0);
	assert_int_equal(m.ba_flags, MH_BA_K);
	assert_int_equal(m.seq, 1000);
	assert_int_equal(m.lifetime, 100);
	assert_true(m.has_rh2);
	assert_memory_equal(&m.src, &ha, 16);
	assert_memory_equal(&m.dst, &coa, 16);
	assert_memory_equal(&m.final_dst, &hoa, 16);
	/* Status 135 (byte 6 of the MH, at 64 + 6): the checksum fails first,
	 * then with the sum made again (pseudo-header to the HoA) it reads back. */
	memcpy(b, ba_vec, sizeof(b));
	b[70] = 135;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_ERR_DISCARD);
	b[68] = b[69] = 0;
	c = ref_csum(ha.s6_addr, hoa.s6_addr, b + 64, 16);
	b[68] = (uint8_t)(c >> 8);
	b[69] = (uint8_t)c;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_OK);
	assert_int_equal(m.status, 135);
}

static void
test_mn_be_decode(void **state)
{
	uint8_t b[] = {0x60, 0, 0, 0, 0, 24, 135, 64, A_HA, A_COA,
		       0x3b, 2, 7, 0, 0, 0,  1,	  0,  A_HOA};
	uint16_t c = ref_csum(ha.s6_addr, coa.s6_addr, b + 40, 24);
	struct mh_msg m;

	(void)state;
	b[44] = (uint8_t)(c >> 8);
	b[45] = (uint8_t)c;
	assert_int_equal(mh_decode(b, sizeof(b), &m), MH_OK);
	assert_int_equal(m.type, MH_BE);
	assert_int_equal(m.status, MH_BE_UNKNOWN_HAO);
	assert_memory_equal(&m.coa, &hoa, 16);
}

/* RFC 6275 §9.5.1 and TAHI: 16 (last, received, newer?) vectors. */
/* Scapy 2.5: IPv6(src="2001:db8:2::5", dst="2001:db8::1", hlim=64) /
 * IPv6ExtHdrDestOpt(options=[HAO(hoa="2001:db8::beef")]) / ICMPv6MPSol(id=0x1234). */
static const char mps_hex[] =
	"6000000000203c4020010db800020000000000000000000520010db800000000000000000000"
	"00013a0201020000c91020010db800000000000000000000beef9200412612340000";
/* Scapy 2.5: IPv6(src="2001:db8::1", dst="2001:db8:2::5", hlim=64) /
 * IPv6ExtHdrRouting(type=2, segleft=1, addresses=["2001:db8::beef"]) /
 * ICMPv6MPAdv(id=0x1234, flags=0) / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1,
 * A=1, R=1, validlifetime=86400, preferredlifetime=14400, prefix="2001:db8::1"). */
static const char mpa_hex[] =
	"6000000000402b4020010db800000000000000000000000120010db8000200000000000000000005"
	"3a0202010000000020010db800000000000000000000beef930044a612340000030440e000015180"
	"000038400000000020010db8000000000000000000000001";

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	for (; s[0] != 0 && s[1] != 0; s += 2) {
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void
test_mps(void **state)
{
	struct in6_addr h, c;
	struct mh_msg m;
	uint8_t b[128];
	size_t n = unhex(mps_hex, b);
	uint16_t id = 0;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::beef", &h);
	inet_pton(AF_INET6, "2001:db8:2::5", &c);
	assert_true(mh_decode_mps(b, n, &m, &id));
	assert_int_equal(id, 0x1234);
	assert_true(m.has_hao);
	assert_memory_equal(&m.hoa, &h, 16);
	assert_memory_equal(&m.src, &c, 16);
	assert_int_equal(mh_decode(b, n, &m), MH_ERR_DISCARD); /* no Mobility Header */
	/* ICMPv6 at n - 8: type, code, checksum 0x4126, id, Reserved. */
	b[n - 2] = 1;	 /* Reserved 0x0100 is not checked (matrix N9) ... */
	b[n - 6] = 0x40; /* ... with the checksum 0x0100 less, by hand */
	assert_true(mh_decode_mps(b, n, &m, &id));
	b[n - 5] ^= 1; /* a wrong checksum */
	assert_false(mh_decode_mps(b, n, &m, &id));
	b[n - 5] ^= 1;
	b[n - 7] = 1; /* code 1 */
	assert_false(mh_decode_mps(b, n, &m, &id));
	assert_false(mh_decode_mps(b, n - 1, &m, &id)); /* truncated */
}

/* Binding Error 1 material (RFC 6275 §9.3.1): a Home Address option before an
 * upper layer that is not a Mobility Header. */
static void
test_hao_other(void **state)
{
	struct in6_addr h;
	struct mh_msg m;
	uint8_t b[128];
	size_t n = unhex(mps_hex, b);

	(void)state;
	inet_pton(AF_INET6, "2001:db8::beef", &h);
	assert_true(mh_decode_hao(b, n, &m)); /* ICMPv6 behind the HAO */
	assert_memory_equal(&m.hoa, &h, 16);
	b[n - 8] = 128; /* an Echo Request: the checksum is not this function's */
	assert_true(mh_decode_hao(b, n, &m));
	b[47] = 15; /* the HAO 15 bytes long: malformed, no Binding Error */
	assert_false(mh_decode_hao(b, n, &m));
	/* A BU is no such packet: a bad one is discarded, never answered. */
	assert_false(mh_decode_hao(bu_vec, sizeof(bu_vec), &m));
	/* No HAO (an option to skip in its place): nothing to say about. */
	b[47] = 16;
	b[46] = 0x1e;
	assert_false(mh_decode_hao(b, n, &m));
}

static void
test_mpa(void **state)
{
	struct in6_addr src, dst, h;
	struct icmp6_prefix p = {.len = 64,
				 .flags = ICMP6_PIO_L | ICMP6_PIO_A | ICMP6_PIO_R,
				 .valid = 86400,
				 .preferred = 14400};
	uint8_t want[160], b[160];
	size_t n = unhex(mpa_hex, want);

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1", &src);
	inet_pton(AF_INET6, "2001:db8:2::5", &dst);
	inet_pton(AF_INET6, "2001:db8::beef", &h);
	p.addr = src;
	assert_int_equal(icmp6_mpa_packet(&src, &dst, &h, 0x1234, &p, 1, 64, b, sizeof(b)), n);
	assert_memory_equal(b, want, n);
	assert_int_equal(icmp6_mpa_packet(&src, &dst, &h, 0x1234, &p, 1, 64, b, n - 1), 0);
}

static void
test_seq(void **state)
{
	static const struct {
		uint16_t last, seq;
		bool newer;
	} v[] = {
		{15, 16, true},	    {15, 32782, true},	   {15, 14, false},
		{15, 15, false},    {15, 32783, false},	   {32783, 32784, true},
		{32783, 14, true},  {32783, 32782, false}, {32783, 32783, false},
		{32783, 15, false}, {15, 0, false},	   {15, 65535, false},
		{65535, 0, true},   {65535, 32766, true},  {65535, 32767, false},
		{0, 32768, false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(mh_seq_newer(v[i].seq, v[i].last), v[i].newer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bu_vector),
		cmocka_unit_test(test_bu_checksum),
		cmocka_unit_test(test_bu_header_errors),
		cmocka_unit_test(test_bu_short),
		cmocka_unit_test(test_bu_truncated),
		cmocka_unit_test(test_bu_options),
		cmocka_unit_test(test_bu_from_home),
		cmocka_unit_test(test_hao),
		cmocka_unit_test(test_ba_vector),
		cmocka_unit_test(test_ba_no_k),
		cmocka_unit_test(test_ba_home_bra),
		cmocka_unit_test(test_be),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_mps),
		cmocka_unit_test(test_mpa),
		cmocka_unit_test(test_hao_other),
		cmocka_unit_test(test_mn_bu_encode),
		cmocka_unit_test(test_mn_ba_decode),
		cmocka_unit_test(test_mn_be_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
