/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The dataplane's packet parsing on plain buffers: the IPv6 extension-header
 * walk with its bounds (bad-input matrix F3, F4, F11), the Home Address and
 * Tunnel Encapsulation Limit options, the address classes, and the checks a
 * reverse-tunnelled packet's inner header must pass before any lookup (D2,
 * D4, D5). No DPDK: fwd.c inlines it per packet and the libFuzzer harness
 * (tests/fuzz/fuzz_dp.c) runs it on whatever the fuzzer makes.
 */
#ifndef MIP6HA_DP_PARSE_H
#define MIP6HA_DP_PARSE_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "stats.h"

struct rte_ipv6_hdr; /* fwd.c's view of the packet; never dereferenced here */

#define DP_IPV6_HDR   40
#define DP_EXT_MAX    8 /**< extension headers walked before giving up (F11) */
#define DP_NH_HOPOPT  0
#define DP_NH_IPIP    4
#define DP_NH_IPV6    41
#define DP_NH_ROUTING 43
#define DP_NH_FRAG    44
#define DP_NH_ICMPV6  58
#define DP_NH_DSTOPT  60
#define DP_NH_MH      135
#define DP_OPT_TEL    4
#define DP_OPT_HAO    201

enum dp_meta_flag {
	DP_M_HBH = 1u << 0,
	DP_M_FRAG = 1u << 1, /**< a Fragment header */
	DP_M_RH2 = 1u << 2,
	DP_M_TEL = 1u << 3,
	DP_M_HAO = 1u << 4,
};

/** What parsing found out about one IPv6 packet. */
struct dp_meta {
	struct rte_ipv6_hdr *ip;
	uint16_t l4off;	  /**< from the IPv6 header to the upper-layer header */
	uint16_t tel_off; /**< from the IPv6 header to the TEL value */
	uint16_t hao_off; /**< ... to the Home Address option's address (length 16), else 0 */
	uint8_t nh;	  /**< upper-layer protocol (44: non-first fragment) */
	uint8_t flags;
	uint8_t tel;
};

static inline bool
dp_addr_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

static inline bool
dp_addr_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* Addresses that can never be a Home Address (bad-input matrix D2, F6):
 * multicast, link-local, IPv4-mapped, :: and ::1. */
static inline bool
dp_addr_bad_src(const uint8_t *a)
{
	uint64_t hi, lo;

	if (dp_addr_multicast(a) || dp_addr_linklocal(a))
		return true;
	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	if (hi != 0)
		return false;
	/* ::ffff:0:0/96 (the loads are little-endian), ::, ::1 */
	return (lo & 0xffffffffULL) == 0xffff0000ULL || lo == 0 || lo == htobe64(1);
}

/* Destination options: find the Tunnel Encapsulation Limit and the Home
 * Address option, refusing options that run past the header (F3, F4). */
static inline int
dp_parse_dstopt(const uint8_t *base, uint32_t off, uint32_t hlen, struct dp_meta *m)
{
	uint32_t o = off + 2, end = off + hlen;

	while (o < end) {
		uint8_t type = base[o], len;

		if (type == 0) { /* Pad1 */
			o++;
			continue;
		}
		if (o + 2 > end || o + 2 + base[o + 1] > end)
			return DP_DROP_EXT_CHAIN;
		len = base[o + 1];
		/* As Linux's ip6_tnl_parse_tlv_enc_lim(): in any Destination
		 * Options header of the chain. */
		if (type == DP_OPT_TEL && len == 1) {
			m->flags |= DP_M_TEL;
			m->tel = base[o + 2];
			m->tel_off = (uint16_t)(o + 2);
		} else if (type == DP_OPT_HAO) {
			if (m->flags & DP_M_HAO)
				return DP_DROP_HAO_DUP;
			m->flags |= DP_M_HAO;
			m->hao_off = len == 16 ? (uint16_t)(o + 2) : 0;
		}
		o += 2u + len;
	}
	return -1;
}

/*
 * Walk the extension-header chain of the IPv6 packet at @p base (@p len bytes,
 * header included) with a hard cap (F11). @return -1 or a drop reason.
 */
static inline int
dp_parse_chain(const uint8_t *base, uint32_t len, struct dp_meta *m)
{
	uint32_t off = DP_IPV6_HDR, hlen;
	uint8_t nh = base[6];
	int n, rc;

	m->flags = 0;
	m->hao_off = 0;
	for (n = 0; n <= DP_EXT_MAX; n++) {
		if (nh != DP_NH_HOPOPT && nh != DP_NH_ROUTING && nh != DP_NH_FRAG &&
		    nh != DP_NH_DSTOPT)
			break;
		if (off + 8 > len)
			return DP_DROP_EXT_CHAIN;
		hlen = nh == DP_NH_FRAG ? 8u : (base[off + 1] + 1u) * 8u;
		if (off + hlen > len)
			return DP_DROP_EXT_CHAIN;
		switch (nh) {
		case DP_NH_HOPOPT:
			if (off != DP_IPV6_HDR)
				return DP_DROP_EXT_CHAIN; /* RFC 8200 §4.3: first only */
			m->flags |= DP_M_HBH;
			break;
		case DP_NH_ROUTING:
			if (base[off + 2] == 0)
				return DP_DROP_RH0;
			if (base[off + 2] == 2) {
				if (base[off + 1] != 2 || base[off + 3] != 1)
					return DP_DROP_BAD_RH2;
				m->flags |= DP_M_RH2;
			}
			break;
		case DP_NH_FRAG:
			m->flags |= DP_M_FRAG;
			/* A non-first fragment carries no header chain to follow. */
			if ((((uint32_t)base[off + 2] << 8 | base[off + 3]) & 0xfff8u) != 0) {
				m->nh = DP_NH_FRAG;
				m->l4off = (uint16_t)(off + hlen);
				return -1;
			}
			break;
		default:
			rc = dp_parse_dstopt(base, off, hlen, m);
			if (rc >= 0)
				return rc;
			break;
		}
		nh = base[off];
		off += hlen;
	}
	if (n > DP_EXT_MAX)
		return DP_DROP_EXT_CHAIN;
	m->nh = nh;
	m->l4off = (uint16_t)off;
	return -1;
}

/* RFC 4861 messages (RS..Redirect) are link-scoped whatever their destination:
 * a tunnel would take them off their link (their hop limit must be 255). */
static inline bool
dp_is_nd(const struct dp_meta *m, uint32_t len)
{
	const uint8_t *l4 = (const uint8_t *)m->ip + m->l4off;

	return m->nh == DP_NH_ICMPV6 && m->l4off < len && l4[0] >= 133 && l4[0] <= 137;
}

/*
 * A reverse-tunnelled packet (outer header at @p ob, @p olen bytes, parsed
 * into @p outer with next header 41): the inner header's checks that need no
 * lookup: not a fragment (D7), a whole IPv6 header with a payload that fits
 * and is not empty (D4), a source that can be a Home Address (D2), a
 * well-formed chain, no tunnel inside (D5). On success @p inner holds the
 * inner chain and *@p inner_off the inner header's offset in @p ob.
 * @return -1, or the drop reason.
 */
static inline int
dp_inner_check(const uint8_t *ob, uint32_t olen, const struct dp_meta *outer, struct dp_meta *inner,
	       uint32_t *inner_off)
{
	uint32_t avail, ilen;
	const uint8_t *in;
	int rc;

	if (outer->flags & DP_M_FRAG)
		return DP_DROP_TUNNEL_FRAGMENT;
	if (outer->l4off > olen)
		return DP_DROP_MALFORMED;
	avail = olen - outer->l4off;
	in = ob + outer->l4off;
	if (avail < DP_IPV6_HDR || (in[0] >> 4) != 6)
		return DP_DROP_MALFORMED;
	ilen = (uint32_t)(in[4] << 8 | in[5]) + DP_IPV6_HDR;
	if (ilen > avail || ilen == DP_IPV6_HDR)
		return DP_DROP_MALFORMED;
	if (dp_addr_bad_src(in + 8))
		return DP_DROP_BAD_INNER_SRC;
	rc = dp_parse_chain(in, ilen, inner);
	if (rc >= 0)
		return rc;
	if (inner->nh == DP_NH_IPV6 || inner->nh == DP_NH_IPIP)
		return DP_DROP_NESTED_TUNNEL;
	*inner_off = outer->l4off;
	return -1;
}

#endif
