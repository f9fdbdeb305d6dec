/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mobility Header decoding and encoding (RFC 6275 §6, §9.2). Offsets below are
 * RFC 6275 §6.1 layouts; every read is bounds-checked first.
 */
#include "mh.h"

#include <string.h>

#define MH_NH_HOPOPT  0
#define MH_NH_ROUTING 43
#define MH_NH_FRAG    44
#define MH_NH_DSTOPT  60
#define MH_NH_ICMPV6  58
#define MH_EXT_MAX    8
#define MH_BA_LEN     16 /**< BA (12) + PadN(2) or Binding Refresh Advice (4) */
#define MH_BU_LEN     32 /**< BU (12) + PadN(0) + Alternate Care-of Address (18) */
#define MH_TS_OPT     10 /**< Mobility Message Replay Protection option, whole */
#define MH_BE_LEN     24

static uint16_t
mh_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
mh_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t
mh_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
mh_put32(uint8_t *p, uint32_t v)
{
	mh_put16(p, (uint16_t)(v >> 16));
	mh_put16(p + 2, (uint16_t)v);
}

static uint32_t
mh_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += mh_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t
mh_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh, const uint8_t *data,
	size_t len)
{
	uint32_t sum = 0;

	sum = mh_sum(sum, src->s6_addr, 16);
	sum = mh_sum(sum, dst->s6_addr, 16);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
	sum = mh_sum(sum, data, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The Destination Options header at @p o (@p hlen bytes): the Home Address
 * option, once (RFC 6275 §6.3); unknown options per RFC 8200 §4.2. */
static enum mh_err
mh_dstopt(const uint8_t *o, size_t hlen, struct mh_msg *m)
{
	size_t i = 2;

	while (i < hlen) {
		uint8_t type = o[i], olen;

		if (type == 0) {
			i++;
			continue;
		}
		if (i + 2 > hlen || i + 2 + o[i + 1] > hlen)
			return MH_ERR_DISCARD;
		olen = o[i + 1];
		if (type == MH_OPT_HAO) {
			if (olen != 16 || m->has_hao)
				return MH_ERR_DISCARD;
			memcpy(&m->hoa, o + i + 2, 16);
			m->has_hao = true;
		} else if (type != 1 && (type & 0xc0) != 0) {
			return MH_ERR_DISCARD; /* "discard" action bits set */
		}
		i += 2u + olen;
	}
	return MH_OK;
}

#define MH_UPPER_NOT_MH 256 /* mh_walk(): any upper layer but the Mobility Header */

/* The extension headers before the upper layer @p upper (the Mobility Header,
 * ICMPv6 or MH_UPPER_NOT_MH): @return its offset, or 0. */
static size_t
mh_walk(const uint8_t *pkt, size_t len, struct mh_msg *m, struct in6_addr *final_dst,
	unsigned int upper)
{
	size_t off = MH_IPV6_HDR, hlen;
	uint8_t nh = pkt[6];
	int n;

	for (n = 0; n < MH_EXT_MAX && nh != upper; n++) {
		/* The first header that is no extension header we walk. */
		if (upper == MH_UPPER_NOT_MH && nh != MH_NH_HOPOPT && nh != MH_NH_DSTOPT &&
		    nh != MH_NH_ROUTING)
			return nh == MH_PROTO ? 0 : off;
		if (off + 8 > len)
			return 0;
		hlen = ((size_t)pkt[off + 1] + 1) * 8;
		if (off + hlen > len)
			return 0;
		switch (nh) {
		case MH_NH_HOPOPT:
			if (off != MH_IPV6_HDR)
				return 0;
			break;
		case MH_NH_DSTOPT:
			if (mh_dstopt(pkt + off, hlen, m) != MH_OK)
				return 0;
			break;
		case MH_NH_ROUTING:
			/* Only type 2, one address (RFC 6275 §6.4); the final
			 * destination is the address in it. */
			if (pkt[off + 2] != 2 || pkt[off + 1] != 2 || pkt[off + 3] > 1 ||
			    m->has_rh2)
				return 0;
			m->has_rh2 = true;
			if (pkt[off + 3] == 1)
				memcpy(final_dst, pkt + off + 8, 16);
			break;
		default:
			return 0; /* fragments (not reassembled here) and anything else */
		}
		nh = pkt[off];
		off += hlen;
	}
	return nh == upper ? off : 0;
}

/* Minimum Header Len per type (RFC 6275 §6.1.2 - §6.1.9). */
static unsigned int
mh_min_hlen(uint8_t type)
{
	static const uint8_t min[MH_TYPE_MAX + 1] = {0, 1, 1, 2, 2, 1, 1, 2};

	return min[type];
}

/* Where the options of each type start, from the MH start. */
static uint16_t
mh_opt_start(uint8_t type)
{
	static const uint8_t start[MH_TYPE_MAX + 1] = {8, 16, 16, 24, 24, 12, 12, 24};

	return start[type];
}

/* RFC 6275 §6.2.1: walk the mobility options. Known options with a wrong
 * length and repeated ones make the message malformed (as UMIP's
 * mh_opt_len_chk() and mh_opts_dup_ok[]); unknown ones are skipped. */
static enum mh_err
mh_options(const uint8_t *mh, struct mh_msg *m)
{
	static const uint8_t want[] = {
		[MH_OPT_BRA] = 2,  [MH_OPT_ALTCOA] = 16, [MH_OPT_NONCE] = 4,
		[MH_OPT_BAD] = 12, [MH_OPT_MESGID] = 8,
	};
	uint32_t seen = 0;
	size_t i = m->opt_off;

	while (i < m->mh_len) {
		uint8_t type = mh[i], olen;

		if (type == MH_OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > m->mh_len || i + 2 + mh[i + 1] > m->mh_len)
			return MH_ERR_DISCARD;
		olen = mh[i + 1];
		if (type < sizeof(want) && want[type] != 0 && olen != want[type])
			return MH_ERR_DISCARD;
		if (type != MH_OPT_PADN && type < 32) {
			if (seen & (1u << type))
				return MH_ERR_DISCARD;
			seen |= 1u << type;
		}
		switch (type) {
		case MH_OPT_BRA:
			m->has_bra = true;
			m->refresh = mh_get16(mh + i + 2);
			break;
		case MH_OPT_ALTCOA:
			memcpy(&m->coa, mh + i + 2, 16);
			m->has_altcoa = true;
			break;
		case MH_OPT_NONCE:
			m->has_nonce = true;
			break;
		case MH_OPT_BAD:
			m->has_bad = true;
			break;
		case MH_OPT_AUTH:
			if (olen < 5) /* subtype and SPI at least (RFC 4285 §5) */
				return MH_ERR_DISCARD;
			m->has_auth = true;
			m->auth_off = (uint16_t)i;
			m->auth_len = olen;
			m->auth_subtype = mh[i + 2];
			m->auth_spi = mh_get32(mh + i + 3);
			break;
		case MH_OPT_MESGID:
			m->has_ts = true;
			m->ts = (uint64_t)mh_get32(mh + i + 2) << 32 | mh_get32(mh + i + 6);
			break;
		default:
			break;
		}
		i += 2u + olen;
	}
	return MH_OK;
}

/* The IPv6 header and the extension headers up to @p upper: fills src, dst,
 * the HAO and RH2 facts of @p m and the final destination. @return the upper
 * layer's offset, 0 if malformed; *len becomes the packet's own length (the
 * link layer may have padded it). */
static size_t
mh_open(const uint8_t *pkt, size_t *len, struct mh_msg *m, struct in6_addr *final_dst,
	unsigned int upper)
{
	size_t plen;

	memset(m, 0, sizeof(*m));
	if (*len < MH_IPV6_HDR || (pkt[0] >> 4) != 6)
		return 0;
	plen = mh_get16(pkt + 4);
	if (plen == 0 || MH_IPV6_HDR + plen > *len)
		return 0;
	*len = MH_IPV6_HDR + plen;
	memcpy(&m->src, pkt + 8, 16);
	memcpy(&m->dst, pkt + 24, 16);
	*final_dst = m->dst;
	return mh_walk(pkt, *len, m, final_dst, upper);
}

enum mh_err
mh_decode(const uint8_t *pkt, size_t len, struct mh_msg *m)
{
	struct in6_addr final_dst;
	const uint8_t *mh;
	size_t off;

	off = mh_open(pkt, &len, m, &final_dst, MH_PROTO);
	if (off == 0 || off + 8 > len)
		return MH_ERR_DISCARD;
	mh = pkt + off;
	m->final_dst = final_dst;
	m->mh_off = (uint16_t)off;
	m->mh_len = (uint16_t)(((size_t)mh[1] + 1) * 8);
	/* §6.1.1: the MH is the last header and fills the payload exactly. */
	if (off + m->mh_len != len)
		return MH_ERR_DISCARD;
	if (!m->has_hao)
		m->hoa = m->src;
	/* MH-1: the pseudo-header takes the Home Address as source. */
	if (mh_csum(&m->hoa, &final_dst, MH_PROTO, mh, m->mh_len) != 0)
		return MH_ERR_DISCARD;
	m->type = mh[2];
	if (m->type > MH_TYPE_MAX)
		return MH_ERR_BE_TYPE;
	if (mh[0] != MH_NO_NEXT) {
		m->param_ptr = (uint16_t)off;
		return MH_ERR_PARAM_PROTO;
	}
	if (mh[1] < mh_min_hlen(m->type)) {
		m->param_ptr = (uint16_t)(off + 1);
		return MH_ERR_PARAM_LEN;
	}
	m->coa = m->src;
	m->opt_off = mh_opt_start(m->type);
	switch (m->type) {
	case MH_BU:
		m->seq = mh_get16(mh + 6);
		m->flags = mh_get16(mh + 8);
		m->lifetime = mh_get16(mh + 10);
		break;
	case MH_BA: /* §6.1.8 */
		m->status = mh[6];
		m->ba_flags = mh[7];
		m->seq = mh_get16(mh + 8);
		m->lifetime = mh_get16(mh + 10);
		break;
	case MH_BE: /* §6.1.9: the Home Address it is about */
		m->status = mh[6];
		memcpy(&m->coa, mh + 8, 16);
		break;
	default:
		break;
	}
	return mh_options(mh, m);
}

bool
mh_decode_hao(const uint8_t *pkt, size_t len, struct mh_msg *m)
{
	struct in6_addr final_dst;

	return mh_open(pkt, &len, m, &final_dst, MH_UPPER_NOT_MH) != 0 && m->has_hao;
}

bool
mh_decode_mps(const uint8_t *pkt, size_t len, struct mh_msg *m, uint16_t *id)
{
	struct in6_addr final_dst;
	const uint8_t *icmp;
	size_t off;

	off = mh_open(pkt, &len, m, &final_dst, MH_NH_ICMPV6);
	/* Type 146, code 0, 8 bytes at least (RFC 6275 §6.7); Reserved is
	 * not checked (matrix N9: a non-zero one still gets an answer). */
	if (off == 0 || off + 8 > len || pkt[off] != 146 || pkt[off + 1] != 0)
		return false;
	icmp = pkt + off;
	m->hoa = m->has_hao ? m->hoa : m->src;
	/* RFC 6275 §6.3: upper layers see the Home Address as the source. */
	if (mh_csum(&m->hoa, &final_dst, MH_NH_ICMPV6, icmp, len - off) != 0)
		return false;
	m->coa = m->src;
	*id = mh_get16(icmp + 4);
	return true;
}

static void
mh_ipv6(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
	uint16_t plen, uint8_t hop_limit)
{
	memset(p, 0, 8);
	p[0] = 0x60;
	mh_put16(p + 4, plen);
	p[6] = nh;
	p[7] = hop_limit;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

size_t
mh_ipv6_rh2(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst,
	    const struct in6_addr *hoa, uint8_t nh, size_t upper_len, uint8_t hop_limit)
{
	size_t rh = hoa != NULL ? MH_RH2_HDR : 0;

	mh_ipv6(buf, src, dst, hoa != NULL ? MH_NH_ROUTING : nh, (uint16_t)(rh + upper_len),
		hop_limit);
	if (hoa != NULL) {
		uint8_t *r = buf + MH_IPV6_HDR;

		memset(r, 0, MH_RH2_HDR);
		r[0] = nh;
		r[1] = 2;
		r[2] = 2;
		r[3] = 1; /* Segments Left */
		memcpy(r + 8, hoa, 16);
	}
	return MH_IPV6_HDR + rh;
}

/* Where the next option starts when it must be at 8n + @p at (RFC 6275 §6.2). */
static size_t
mh_aligned(size_t off, unsigned int at)
{
	return off + (at + 8 - off % 8) % 8;
}

/* Pad from @p off so that the next option starts at 8n + @p at. */
static size_t
mh_pad_to(uint8_t *mh, size_t off, unsigned int at)
{
	size_t need = mh_aligned(off, at) - off;

	if (need == 1) {
		mh[off] = MH_OPT_PAD1;
	} else if (need > 1) {
		mh[off] = MH_OPT_PADN;
		mh[off + 1] = (uint8_t)(need - 2);
		memset(mh + off + 2, 0, need - 2);
	}
	return off + need;
}

/* Append the RFC 4285 options of @p a at @p off: the replay protection
 * option at 8n+2, then the authentication option at 8n+5 so that it ends the
 * message on 8 octets (../shared/spec/rfc4285-auth.md). @return the new end. */
static size_t
mh_auth_append(uint8_t *mh, size_t off, const struct mh_auth_opts *a)
{
	if (!a->on)
		return off;
	if (a->has_ts) {
		off = mh_pad_to(mh, off, 2);
		mh[off] = MH_OPT_MESGID;
		mh[off + 1] = 8;
		mh_put32(mh + off + 2, (uint32_t)(a->ts >> 32));
		mh_put32(mh + off + 6, (uint32_t)a->ts);
		off += MH_TS_OPT;
	}
	off = mh_pad_to(mh, off, 5);
	mh[off] = MH_OPT_AUTH;
	mh[off + 1] = MH_AUTH_OPT - 2;
	mh[off + 2] = MH_AUTH_MN_HA;
	mh_put32(mh + off + 3, a->spi);
	memset(mh + off + 7, 0, MH_AUTH_DATA);
	return off + MH_AUTH_OPT;
}

/* The length of a message of @p base bytes once @p a is appended. */
static size_t
mh_auth_len(size_t base, const struct mh_auth_opts *a)
{
	if (!a->on)
		return base;
	if (a->has_ts)
		base = mh_aligned(base, 2) + MH_TS_OPT;
	return mh_aligned(base, 5) + MH_AUTH_OPT;
}

size_t
mh_ba_encode(const struct mh_ba *ba, uint8_t *buf, size_t cap)
{
	size_t len = mh_auth_len(MH_BA_LEN, &ba->auth);
	size_t rh = ba->rh2 ? MH_RH2_HDR : 0, total = MH_IPV6_HDR + rh + len;
	uint8_t *mh = buf + MH_IPV6_HDR + rh;

	if (cap < total)
		return 0;
	mh_ipv6_rh2(buf, &ba->src, &ba->dst, ba->rh2 ? &ba->hoa : NULL, MH_PROTO, len,
		    ba->hop_limit);
	memset(mh, 0, len);
	mh[0] = MH_NO_NEXT;
	mh[1] = (uint8_t)(len / 8 - 1);
	mh[2] = MH_BA;
	mh[6] = ba->status;
	mh[7] = ba->flags;
	mh_put16(mh + 8, ba->seq);
	mh_put16(mh + 10, ba->lifetime);
	if (ba->refresh != 0) {
		mh[12] = MH_OPT_BRA; /* at 12: the 2n alignment it asks for */
		mh[13] = 2;
		mh_put16(mh + 14, ba->refresh);
	} else {
		mh[12] = MH_OPT_PADN;
		mh[13] = 2;
	}
	mh_auth_append(mh, MH_BA_LEN, &ba->auth);
	mh_put16(mh + 4, mh_csum(&ba->src, ba->rh2 ? &ba->hoa : &ba->dst, MH_PROTO, mh, len));
	return total;
}

size_t
mh_bu_encode(const struct mh_bu *bu, uint8_t *buf, size_t cap)
{
	size_t len = mh_auth_len(MH_BU_LEN, &bu->auth);
	uint8_t *o = buf + MH_IPV6_HDR, *mh = o + MH_HAO_HDR;

	if (cap < MH_IPV6_HDR + MH_HAO_HDR + len)
		return 0;
	mh_ipv6(buf, &bu->src, &bu->ha, MH_NH_DSTOPT, MH_HAO_HDR + len, bu->hop_limit);
	memset(o, 0, MH_HAO_HDR + len);
	o[0] = MH_PROTO;
	o[1] = MH_HAO_HDR / 8 - 1;
	o[2] = MH_OPT_PADN; /* PadN(2): the option at 8n+6 */
	o[3] = 2;
	o[6] = MH_OPT_HAO;
	o[7] = 16;
	memcpy(o + 8, &bu->hoa, 16);
	mh[0] = MH_NO_NEXT;
	mh[1] = (uint8_t)(len / 8 - 1);
	mh[2] = MH_BU;
	mh_put16(mh + 6, bu->seq);
	mh_put16(mh + 8, bu->flags);
	mh_put16(mh + 10, bu->lifetime);
	mh[12] = MH_OPT_PADN; /* PadN(0): the Alternate CoA at 8n+6 */
	mh[14] = MH_OPT_ALTCOA;
	mh[15] = 16;
	memcpy(mh + 16, &bu->coa, 16);
	mh_auth_append(mh, MH_BU_LEN, &bu->auth);
	mh_put16(mh + 4, mh_csum(&bu->hoa, &bu->ha, MH_PROTO, mh, len));
	return MH_IPV6_HDR + MH_HAO_HDR + len;
}

size_t
mh_be_encode(const struct in6_addr *src, const struct in6_addr *dst, const struct in6_addr *hoa,
	     uint8_t status, uint8_t hop_limit, uint8_t *buf, size_t cap)
{
	uint8_t *mh = buf + MH_IPV6_HDR;

	if (cap < MH_BE_PACKET)
		return 0;
	mh_ipv6(buf, src, dst, MH_PROTO, MH_BE_LEN, hop_limit);
	memset(mh, 0, MH_BE_LEN);
	mh[0] = MH_NO_NEXT;
	mh[1] = MH_BE_LEN / 8 - 1;
	mh[2] = MH_BE;
	mh[6] = status;
	memcpy(mh + 8, hoa, 16);
	mh_put16(mh + 4, mh_csum(src, dst, MH_PROTO, mh, MH_BE_LEN));
	return MH_BE_PACKET;
}

const char *
mh_ba_status_name(unsigned int status)
{
	switch (status) {
	case 0:
		return "accepted";
	case 1:
		return "accepted_prefix_discovery";
	case 128:
		return "unspecified";
	case 129:
		return "prohibited";
	case 130:
		return "insufficient_resources";
	case 131:
		return "home_registration_not_supported";
	case 132:
		return "not_home_subnet";
	case 133:
		return "not_home_agent";
	case 134:
		return "dad_failed";
	case 135:
		return "sequence_out_of_window";
	case 139:
		return "registration_type_change";
	case 144:
		return "id_mismatch";
	case 145:
		return "mesg_id_required";
	case 146:
		return "auth_failed";
	default:
		return "unknown";
	}
}
