/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 builders and the Router Advertisement parser. Layouts: RFC 4861 §4,
 * RFC 6275 §6.5 - §6.8 and §7, RFC 4443 §3.4.
 */
#include "icmp6.h"

#include <string.h>

#include "mh.h"

#define ICMP6_NH 58

static void
icmp6_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
icmp6_put32(uint8_t *p, uint32_t v)
{
	icmp6_put16(p, (uint16_t)(v >> 16));
	icmp6_put16(p + 2, (uint16_t)v);
}

static uint16_t
icmp6_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An IPv6 header for @p plen bytes of ICMPv6. */
static void
icmp6_ip6(uint8_t *b, const struct in6_addr *src, const struct in6_addr *dst, size_t plen,
	  uint8_t hlim)
{
	memset(b, 0, MH_IPV6_HDR);
	b[0] = 0x60;
	icmp6_put16(b + 4, (uint16_t)plen);
	b[6] = ICMP6_NH;
	b[7] = hlim;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
}

static void
icmp6_fill_csum(uint8_t *b, size_t plen)
{
	struct in6_addr s, d;

	memcpy(&s, b + 8, 16);
	memcpy(&d, b + 24, 16);
	icmp6_put16(b + MH_IPV6_HDR + 2, mh_csum(&s, &d, ICMP6_NH, b + MH_IPV6_HDR, plen));
}

struct in6_addr
icmp6_solicited_node(const struct in6_addr *a)
{
	struct in6_addr s = {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff}}};

	memcpy(s.s6_addr + 13, a->s6_addr + 13, 3);
	return s;
}

struct in6_addr
icmp6_ha_anycast(const struct in6_addr *prefix, uint8_t len)
{
	struct in6_addr a = *prefix;
	unsigned int i;

	for (i = len; i < 128; i++)
		a.s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	a.s6_addr[15] = 0xfe; /* anycast ID 126 in the last 7 bits */
	if (len == 64)
		a.s6_addr[8] &= (uint8_t)~0x02; /* EUI-64 format: the u bit is 0 */
	return a;
}

static size_t
icmp6_prefix_opt(uint8_t *o, const struct icmp6_prefix *p)
{
	memset(o, 0, 32);
	o[0] = ICMP6_OPT_PREFIX;
	o[1] = 4;
	o[2] = p->len;
	o[3] = p->flags;
	icmp6_put32(o + 4, p->valid);
	icmp6_put32(o + 8, p->preferred);
	memcpy(o + 16, &p->addr, 16);
	return 32;
}

size_t
icmp6_ra_encode(const struct icmp6_ra *ra, uint8_t *buf, size_t cap)
{
	size_t need = 16 + 8 + 32 * ra->n_prefixes + (ra->ha_info ? 8 : 0) +
		      (ra->adv_interval_ms ? 8 : 0);
	size_t off = 16, i;

	if (cap < need || ra->n_prefixes > ICMP6_RA_PREFIX_MAX)
		return 0;
	memset(buf, 0, need);
	buf[0] = ICMP6_T_RA;
	buf[4] = ra->cur_hop_limit;
	buf[5] = ra->flags;
	icmp6_put16(buf + 6, ra->router_lifetime);
	buf[off] = ICMP6_OPT_SLLAO;
	buf[off + 1] = 1;
	memcpy(buf + off + 2, ra->mac, 6);
	off += 8;
	for (i = 0; i < ra->n_prefixes; i++)
		off += icmp6_prefix_opt(buf + off, &ra->prefixes[i]);
	if (ra->adv_interval_ms) {
		buf[off] = ICMP6_OPT_ADV_INTERVAL;
		buf[off + 1] = 1;
		icmp6_put32(buf + off + 4, ra->adv_interval_ms);
		off += 8;
	}
	if (ra->ha_info) {
		buf[off] = ICMP6_OPT_HA_INFO;
		buf[off + 1] = 1;
		icmp6_put16(buf + off + 4, ra->ha_preference);
		icmp6_put16(buf + off + 6, ra->ha_lifetime);
		off += 8;
	}
	return off;
}

bool
icmp6_ra_decode(const uint8_t *p, size_t len, struct icmp6_ra_info *out)
{
	size_t off = 16;

	memset(out, 0, sizeof(*out));
	if (len < 16 || p[0] != ICMP6_T_RA || p[1] != 0)
		return false;
	out->flags = p[5];
	out->router_lifetime = icmp6_get16(p + 6);
	while (off < len) {
		size_t olen;

		if (off + 2 > len || p[off + 1] == 0)
			return false; /* RFC 4861 §4.6: a zero length is invalid */
		olen = (size_t)p[off + 1] * 8;
		if (off + olen > len)
			return false;
		if (p[off] == ICMP6_OPT_HA_INFO && olen == 8) {
			out->has_ha_info = true;
			out->ha_preference = icmp6_get16(p + off + 4);
			out->ha_lifetime = icmp6_get16(p + off + 6);
		} else if (p[off] == ICMP6_OPT_PREFIX && olen == 32 && (p[off + 3] & ICMP6_PIO_R) &&
			   out->n_addrs < ICMP6_RA_PREFIX_MAX) {
			memcpy(&out->addrs[out->n_addrs++], p + off + 16, 16);
		}
		off += olen;
	}
	return true;
}

size_t
icmp6_ns_dad(const struct in6_addr *target, uint8_t *buf, size_t cap)
{
	static const struct in6_addr any;
	struct in6_addr dst = icmp6_solicited_node(target);
	uint8_t *m = buf + MH_IPV6_HDR;

	if (cap < MH_IPV6_HDR + 24)
		return 0;
	icmp6_ip6(buf, &any, &dst, 24, 255);
	memset(m, 0, 24);
	m[0] = ICMP6_T_NS;
	memcpy(m + 8, target, 16);
	icmp6_fill_csum(buf, 24);
	return MH_IPV6_HDR + 24;
}

size_t
icmp6_na_encode(const struct in6_addr *target, uint8_t flags, const uint8_t mac[6], uint8_t *buf,
		size_t cap)
{
	if (cap < 32)
		return 0;
	memset(buf, 0, 32);
	buf[0] = ICMP6_T_NA;
	buf[4] = flags;
	memcpy(buf + 8, target, 16);
	buf[24] = ICMP6_OPT_TLLAO;
	buf[25] = 1;
	memcpy(buf + 26, mac, 6);
	return 32;
}

size_t
icmp6_dhaad_rep(uint16_t id, const struct in6_addr *addrs, size_t n, uint8_t *buf, size_t cap)
{
	if (n > ICMP6_DHAAD_MAX)
		n = ICMP6_DHAAD_MAX;
	if (cap < 8 + 16 * n)
		return 0;
	memset(buf, 0, 8);
	buf[0] = ICMP6_T_DHAAD_REP;
	icmp6_put16(buf + 4, id);
	memcpy(buf + 8, addrs, 16 * n);
	return 8 + 16 * n;
}

size_t
icmp6_mpa(uint16_t id, const struct icmp6_prefix *p, size_t n, uint8_t *buf, size_t cap)
{
	size_t off = 8, i;

	if (cap < 8 + 32 * n)
		return 0;
	memset(buf, 0, 8);
	buf[0] = ICMP6_T_MPA;
	icmp6_put16(buf + 4, id);
	for (i = 0; i < n; i++)
		off += icmp6_prefix_opt(buf + off, &p[i]);
	return off;
}

size_t
icmp6_mpa_packet(const struct in6_addr *src, const struct in6_addr *coa, const struct in6_addr *hoa,
		 uint16_t id, const struct icmp6_prefix *p, size_t n, uint8_t hop_limit,
		 uint8_t *buf, size_t cap)
{
	size_t hdr = MH_IPV6_HDR + MH_RH2_HDR, plen;

	if (cap < hdr || (plen = icmp6_mpa(id, p, n, buf + hdr, cap - hdr)) == 0)
		return 0;
	mh_ipv6_rh2(buf, src, coa, hoa, ICMP6_NH, plen, hop_limit);
	/* The pseudo-header's destination is the final one: the Home Address. */
	icmp6_put16(buf + hdr + 2, mh_csum(src, hoa, ICMP6_NH, buf + hdr, plen));
	return hdr + plen;
}

size_t
icmp6_param_problem(const struct in6_addr *src, const struct in6_addr *dst, uint8_t code,
		    uint32_t ptr, const uint8_t *inv, size_t inv_len, uint8_t hop_limit,
		    uint8_t *buf, size_t cap)
{
	size_t room = ICMP6_MIN_MTU - MH_IPV6_HDR - 8, plen;

	if (inv_len > room)
		inv_len = room;
	plen = 8 + inv_len;
	if (cap < MH_IPV6_HDR + plen)
		return 0;
	icmp6_ip6(buf, src, dst, plen, hop_limit);
	buf[MH_IPV6_HDR] = ICMP6_T_PARAM_PROB;
	buf[MH_IPV6_HDR + 1] = code;
	icmp6_put16(buf + MH_IPV6_HDR + 2, 0);
	icmp6_put32(buf + MH_IPV6_HDR + 4, ptr);
	memcpy(buf + MH_IPV6_HDR + 8, inv, inv_len);
	icmp6_fill_csum(buf, plen);
	return MH_IPV6_HDR + plen;
}

size_t
icmp6_ra_prefixes(const uint8_t *ra, size_t len, struct in6_addr *prefix, uint8_t *plen, size_t cap)
{
	size_t off = 16, olen, n = 0;

	while (off + 2 <= len && ra[off + 1] != 0 && n < cap) {
		olen = (size_t)ra[off + 1] * 8;
		if (off + olen > len)
			break;
		if (ra[off] == ICMP6_OPT_PREFIX && olen == 32 &&
		    (ra[off + 3] & (ICMP6_PIO_A | ICMP6_PIO_L))) {
			memcpy(&prefix[n], ra + off + 16, 16);
			plen[n++] = ra[off + 2] > 128 ? 128 : ra[off + 2];
		}
		off += olen;
	}
	return n;
}
