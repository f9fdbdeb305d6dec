/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * ICMPv6 messages of the Home Agent, pure and bounded: Neighbor Discovery
 * (RFC 4861) as RFC 6275 §7 and §10.4.1 extend it (the H flag, the Home Agent
 * Information and Advertisement Interval options, prefixes with the R flag),
 * DHAAD and Mobile Prefix Discovery (RFC 6275 §6.5 - §6.8), and Parameter
 * Problem (RFC 4443 §3.4). Builders that write a whole IPv6 packet fill in
 * the checksum; the ones that write the ICMPv6 message alone (for a raw
 * socket, which checksums itself) leave it zero.
 */
#ifndef MIP6HA_ICMP6_H
#define MIP6HA_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum icmp6_type {
	ICMP6_T_PARAM_PROB = 4,
	ICMP6_T_RS = 133,
	ICMP6_T_RA = 134,
	ICMP6_T_NS = 135,
	ICMP6_T_NA = 136,
	ICMP6_T_DHAAD_REQ = 144,
	ICMP6_T_DHAAD_REP = 145,
	ICMP6_T_MPS = 146,
	ICMP6_T_MPA = 147,
};

enum icmp6_nd_opt {
	ICMP6_OPT_SLLAO = 1,
	ICMP6_OPT_TLLAO = 2,
	ICMP6_OPT_PREFIX = 3,
	ICMP6_OPT_MTU = 5,
	ICMP6_OPT_ADV_INTERVAL = 7, /**< RFC 6275 §7.3 */
	ICMP6_OPT_HA_INFO = 8,	    /**< RFC 6275 §7.4 */
};

#define ICMP6_RA_H	    0x20 /**< RA flags: Home Agent (RFC 6275 §7.1) */
#define ICMP6_PIO_L	    0x80
#define ICMP6_PIO_A	    0x40
#define ICMP6_PIO_R	    0x20 /**< Router Address (RFC 6275 §7.2) */
#define ICMP6_NA_R	    0x80
#define ICMP6_NA_S	    0x40
#define ICMP6_NA_O	    0x20
#define ICMP6_MIN_MTU	    1280
#define ICMP6_DHAAD_MAX	    77 /**< addresses in a reply that fits 1280 bytes */
#define ICMP6_RA_PREFIX_MAX 16
#define ICMP6_PIO_VALID	    86400 /**< prefix lifetimes we advertise (radvd's defaults) */
#define ICMP6_PIO_PREFERRED 14400

/** A prefix to advertise, with the Router Address flag's full address. */
struct icmp6_prefix {
	struct in6_addr addr; /**< R set: the HA's whole address; else the prefix */
	uint8_t len;
	uint8_t flags; /**< ICMP6_PIO_* */
	uint32_t valid, preferred;
};

/** A Router Advertisement of a Home Agent. */
struct icmp6_ra {
	uint8_t cur_hop_limit;
	uint8_t flags; /**< ICMP6_RA_H, M (0x80), O (0x40) */
	uint16_t router_lifetime;
	uint8_t mac[6]; /**< Source Link-Layer Address option */
	bool ha_info;	/**< add the Home Agent Information option */
	uint16_t ha_preference;
	uint16_t ha_lifetime;
	uint32_t adv_interval_ms; /**< 0: no Advertisement Interval option */
	struct icmp6_prefix prefixes[ICMP6_RA_PREFIX_MAX];
	size_t n_prefixes;
};

/** The ICMPv6 body of @p ra (checksum 0). @return its length, 0 if @p cap is short. */
size_t icmp6_ra_encode(const struct icmp6_ra *ra, uint8_t *buf, size_t cap);

/** What a received Router Advertisement says about a Home Agent. */
struct icmp6_ra_info {
	uint8_t flags;
	uint16_t router_lifetime;
	bool has_ha_info;
	uint16_t ha_preference;
	uint16_t ha_lifetime;
	struct in6_addr addrs[ICMP6_RA_PREFIX_MAX]; /**< prefixes with the R flag */
	size_t n_addrs;
};

/** Parse the ICMPv6 body of a Router Advertisement. @return false if malformed. */
bool icmp6_ra_decode(const uint8_t *p, size_t len, struct icmp6_ra_info *out);

/**
 * The on-link or autonomous prefixes (RFC 4861 §4.6.2: type 3, length 4, L or
 * A set) of the Router Advertisement @p ra (@p len bytes of ICMPv6), at most
 * @p cap, into @p prefix and @p plen (capped at 128). The walk stops at an
 * option of length 0 or one that runs past the end. @return how many.
 */
size_t icmp6_ra_prefixes(const uint8_t *ra, size_t len, struct in6_addr *prefix, uint8_t *plen,
			 size_t cap);

/**
 * A whole IPv6 packet: a Neighbor Solicitation for Duplicate Address
 * Detection of @p target (source ::, to its solicited-node group, no options).
 */
size_t icmp6_ns_dad(const struct in6_addr *target, uint8_t *buf, size_t cap);

/** The ICMPv6 body of a Neighbor Advertisement for @p target with a TLLAO. */
size_t icmp6_na_encode(const struct in6_addr *target, uint8_t flags, const uint8_t mac[6],
		       uint8_t *buf, size_t cap);

/** The ICMPv6 body of a DHAAD Reply (RFC 6275 §6.6) listing @p n addresses (≤ 77). */
size_t icmp6_dhaad_rep(uint16_t id, const struct in6_addr *addrs, size_t n, uint8_t *buf,
		       size_t cap);

/** The ICMPv6 body of a Mobile Prefix Advertisement (RFC 6275 §6.8). */
size_t icmp6_mpa(uint16_t id, const struct icmp6_prefix *p, size_t n, uint8_t *buf, size_t cap);

/**
 * A whole IPv6 packet: that advertisement from @p src to the mobile node's
 * care-of address @p coa with a type 2 routing header carrying @p hoa
 * (RFC 6275 §10.6.2), checksummed. @return its length, 0 if @p cap is short.
 */
size_t icmp6_mpa_packet(const struct in6_addr *src, const struct in6_addr *coa,
			const struct in6_addr *hoa, uint16_t id, const struct icmp6_prefix *p,
			size_t n, uint8_t hop_limit, uint8_t *buf, size_t cap);

/**
 * A whole IPv6 packet: Parameter Problem code @p code pointing at @p ptr of
 * the invoking packet @p inv, of which as much follows as fits 1280 bytes.
 */
size_t icmp6_param_problem(const struct in6_addr *src, const struct in6_addr *dst, uint8_t code,
			   uint32_t ptr, const uint8_t *inv, size_t inv_len, uint8_t hop_limit,
			   uint8_t *buf, size_t cap);

/** ff02::1:ffXX:XXXX of @p a (RFC 4291 §2.7.1). */
struct in6_addr icmp6_solicited_node(const struct in6_addr *a);

/** The home agents anycast address of a prefix (RFC 2526; fdff:ffff:ffff:fffe on a /64). */
struct in6_addr icmp6_ha_anycast(const struct in6_addr *prefix, uint8_t len);

#endif
