/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Mobility Header wire format (RFC 6275 §6.1, §6.2, §6.3, §6.4): bounded,
 * allocation-free decoding of an IPv6 packet that carries a Mobility Header
 * (with its Home Address option and type 2 routing header), and encoding of
 * the messages a Home Agent sends (Binding Acknowledgement, Binding Error).
 *
 * Nothing here trusts the input: every length is checked before it is used,
 * multi-byte fields are copied out with memcpy (options may be misaligned),
 * and the outcome of a bad packet is one of the RFC's answers (silent
 * discard, Binding Error status 2, Parameter Problem) named by enum mh_err.
 */
#ifndef MIP6HA_MH_H
#define MIP6HA_MH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MH_PROTO	 135 /**< IPv6 Next Header value of the Mobility Header */
#define MH_NO_NEXT	 59  /**< Payload Proto: IPPROTO_NONE */
#define MH_OPT_HAO	 201 /**< Home Address destination option (0xC9) */
#define MH_IPV6_HDR	 40
#define MH_HAO_HDR	 24	 /**< Dest-Opt header: PadN(2) + HAO, as MNs send it */
#define MH_RH2_HDR	 24	 /**< type 2 routing header */
#define MH_MAX_LIFETIME	 0xffffu /**< in 4-second units */
#define MH_AUTH_DATA	 12	 /**< RFC 4285 Authenticator: 96 bits */
#define MH_AUTH_OPT	 19	 /**< the whole option: type, length, subtype, SPI, data */
#define MH_BA_MAX_PACKET (MH_IPV6_HDR + MH_RH2_HDR + 48) /**< BA with RH2, BRA and RFC 4285 */
#define MH_BE_PACKET	 (MH_IPV6_HDR + 24)

/** Mobility Header types (RFC 6275 §6.1.2 - §6.1.9). */
enum mh_type {
	MH_BRR = 0,
	MH_HOTI = 1,
	MH_COTI = 2,
	MH_HOT = 3,
	MH_COT = 4,
	MH_BU = 5,
	MH_BA = 6,
	MH_BE = 7,
	MH_TYPE_MAX = MH_BE,
};

/** Binding Update flags (RFC 6275 §6.1.7), in the 16-bit flags field. */
enum mh_bu_flag {
	MH_BU_A = 0x8000,
	MH_BU_H = 0x4000,
	MH_BU_L = 0x2000,
	MH_BU_K = 0x1000,
};

#define MH_BA_K 0x80 /**< Binding Acknowledgement Key Management Mobility Capability */

/** Mobility options (RFC 6275 §6.2, RFC 4285, RFC 4283). */
enum mh_opt {
	MH_OPT_PAD1 = 0,
	MH_OPT_PADN = 1,
	MH_OPT_BRA = 2,
	MH_OPT_ALTCOA = 3,
	MH_OPT_NONCE = 4,
	MH_OPT_BAD = 5,
	MH_OPT_MNID = 8,
	MH_OPT_AUTH = 9,
	MH_OPT_MESGID = 10,
};

/** RFC 4285 §5 subtype of the authentication option between mobile node and home agent. */
#define MH_AUTH_MN_HA 1

/** What became of a packet that mh_decode() did not accept. */
enum mh_err {
	MH_OK = 0,
	MH_ERR_DISCARD,	    /**< silently discard (bad checksum, truncated, malformed) */
	MH_ERR_BE_TYPE,	    /**< Binding Error status 2: unknown MH Type (§9.2) */
	MH_ERR_PARAM_PROTO, /**< Parameter Problem code 0 at Payload Proto (§9.2) */
	MH_ERR_PARAM_LEN,   /**< Parameter Problem code 0 at Header Len (§9.2) */
};

/** Binding Error status values (RFC 6275 §6.1.9). */
enum mh_be_status {
	MH_BE_UNKNOWN_HAO = 1,
	MH_BE_UNKNOWN_TYPE = 2,
};

/** A decoded Mobility Header packet. Addresses as on the wire. */
struct mh_msg {
	struct in6_addr src; /**< IPv6 source (the CoA for a BU from away) */
	struct in6_addr dst; /**< IPv6 destination (an HA address) */
	struct in6_addr hoa; /**< the Home Address option's, else src */
	struct in6_addr coa; /**< Alternate Care-of Address option's, else src; BE: its HoA field */
	bool has_hao;	     /**< the packet carried a Home Address option */
	bool has_rh2;	     /**< ... a type 2 routing header */
	bool has_altcoa;     /**< ... an Alternate Care-of Address option */
	bool has_nonce;	     /**< ... Nonce Indices (never in a home registration) */
	bool has_bad;	     /**< ... Binding Authorization Data */
	bool has_auth;	     /**< ... an RFC 4285 authentication option */
	bool has_ts;	     /**< ... a Mobility Message Replay Protection option */
	uint8_t type;	     /**< enum mh_type */
	uint16_t mh_off;     /**< Mobility Header offset in the packet */
	uint16_t mh_len;     /**< its length, (Header Len + 1) * 8 */
	uint16_t opt_off;    /**< first mobility option, from the MH start */
	uint16_t auth_off;   /**< RFC 4285 option, from the MH start (has_auth) */
	uint8_t auth_len;    /**< ... its Option Length (17 for 96 bits of data) */
	uint8_t auth_subtype;
	uint32_t auth_spi;
	uint64_t ts;	    /**< the replay option's 64-bit NTP timestamp (has_ts) */
	uint16_t seq;	    /**< BU, BA: Sequence # */
	uint16_t flags;	    /**< BU: enum mh_bu_flag */
	uint16_t lifetime;  /**< BU, BA: 4-second units */
	uint16_t param_ptr; /**< MH_ERR_PARAM_*: offset of the field in the packet */
	uint16_t refresh;   /**< BRA option's Refresh Interval (4 s units), 0 if none */
	bool has_bra;
	struct in6_addr final_dst; /**< the type 2 routing header's address, else dst */
	uint8_t status;		   /**< BA, BE: Status */
	uint8_t ba_flags;	   /**< BA: MH_BA_K */
};

/**
 * Decode the IPv6 packet @p pkt (@p len bytes from the IPv6 header) whose
 * upper layer is a Mobility Header, possibly behind a Destination Options
 * header with a Home Address option and a type 2 routing header. Verifies the
 * checksum with the pseudo-header RFC 6275 §6.1.1 names (source = the Home
 * Address, destination = the final one), the Header Len and the option
 * walk (§6.2.1). @return MH_OK and @p m filled, or what to do instead.
 */
enum mh_err mh_decode(const uint8_t *pkt, size_t len, struct mh_msg *m);

/**
 * The headers of @p pkt up to its upper layer, if that is not a Mobility
 * Header (a bad one is discarded silently, never answered): @return true
 * when they are well formed and carry a Home Address option (src, dst, hoa
 * and has_hao of @p m filled). For the Binding Error status 1 a packet with
 * an unknown Home Address gets (RFC 6275 §9.3.1).
 */
bool mh_decode_hao(const uint8_t *pkt, size_t len, struct mh_msg *m);

/**
 * Decode @p pkt as a Mobile Prefix Solicitation (ICMPv6 146, RFC 6275 §6.7)
 * behind the same extension headers mh_decode() walks: fills src, dst, hoa
 * (the Home Address option's, else src), has_hao and coa (src) of @p m and
 * the Identifier. The checksum's pseudo-header takes the Home Address.
 * @return false when it is not a well-formed MPS.
 */
bool mh_decode_mps(const uint8_t *pkt, size_t len, struct mh_msg *m, uint16_t *id);

/**
 * An IPv6 header from @p src to @p dst whose upper layer @p nh has
 * @p upper_len bytes, with a type 2 routing header carrying @p hoa first when
 * @p hoa is not NULL (RFC 6275 §6.4). @p buf needs MH_IPV6_HDR +
 * MH_RH2_HDR bytes. @return the headers' length (where the upper layer goes).
 */
size_t mh_ipv6_rh2(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst,
		   const struct in6_addr *hoa, uint8_t nh, size_t upper_len, uint8_t hop_limit);

/** RFC 6275 §9.5.1: is @p seq newer than @p last, modulo 2^16? */
static inline bool
mh_seq_newer(uint16_t seq, uint16_t last)
{
	uint16_t d = (uint16_t)(seq - last);

	return d != 0 && d < 0x8000;
}

/** The Internet checksum of an upper-layer payload of IPv6 (RFC 8200 §8.1). */
uint16_t mh_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
		 const uint8_t *data, size_t len);

/**
 * RFC 4285 options to append last: the Mobility Message Replay Protection
 * option when @ref has_ts, then the MN-HA authentication option with a zero
 * Authenticator, padded so that it ends the message on 8 octets. The
 * Authenticator is filled in afterwards (auth_sign(), which has the key).
 */
struct mh_auth_opts {
	bool on;
	bool has_ts;
	uint32_t spi;
	uint64_t ts;
};

/** What mh_ba_encode() sends. */
struct mh_ba {
	struct in6_addr src; /**< the HA address the BU was sent to */
	struct in6_addr dst; /**< the BU's IPv6 source */
	struct in6_addr hoa; /**< RH2 address when @ref rh2 */
	bool rh2;	     /**< the BU came from a CoA: route through the HoA */
	uint8_t status;
	uint8_t flags; /**< MH_BA_K */
	uint16_t seq;
	uint16_t lifetime; /**< 4-second units */
	uint16_t refresh;  /**< Binding Refresh Advice, 4 s units; 0 = none */
	uint8_t hop_limit;
	struct mh_auth_opts auth;
};

/**
 * Build the IPv6 packet of a Binding Acknowledgement (with a type 2 routing
 * header when the BU came from a CoA, RFC 6275 §9.5.4) into @p buf.
 * @return its length, or 0 when @p cap is too small.
 */
size_t mh_ba_encode(const struct mh_ba *ba, uint8_t *buf, size_t cap);

/**
 * Build a Binding Error (RFC 6275 §6.1.9) from @p src to @p dst about @p hoa
 * (:: when the offending packet had no Home Address option).
 * @return its length, or 0 when @p cap is too small.
 */
/** A mobile node's home registration (RFC 6275 §11.7.1). */
struct mh_bu {
	struct in6_addr src; /**< IPv6 source: the CoA, or at home the address there */
	struct in6_addr coa; /**< Alternate Care-of Address option; the HoA deregisters */
	struct in6_addr ha;  /**< destination */
	struct in6_addr hoa; /**< Home Address option */
	uint16_t seq;
	uint16_t flags;	   /**< enum mh_bu_flag */
	uint16_t lifetime; /**< 4-second units; 0 deregisters */
	uint8_t hop_limit;
	struct mh_auth_opts auth;
};

#define MH_BU_PACKET	 (MH_IPV6_HDR + MH_HAO_HDR + 32) /**< without RFC 4285 options */
#define MH_BU_MAX_PACKET (MH_IPV6_HDR + MH_HAO_HDR + 64) /**< with both */

/**
 * A Binding Update as a mobile node sends it: IPv6 from the CoA, a Destination
 * Options header with PadN and the Home Address option (8n+6), the BU with
 * PadN(0) and the Alternate Care-of Address option; the checksum's
 * pseudo-header takes the Home Address (§6.1.1), then the RFC 4285 options of
 * @ref mh_bu.auth. @return its length, or 0 when @p cap is short.
 */
size_t mh_bu_encode(const struct mh_bu *bu, uint8_t *buf, size_t cap);

size_t mh_be_encode(const struct in6_addr *src, const struct in6_addr *dst,
		    const struct in6_addr *hoa, uint8_t status, uint8_t hop_limit, uint8_t *buf,
		    size_t cap);

/** The name of a BA status (RFC 6275 §6.1.8, RFC 4285), "unknown" otherwise. */
const char *mh_ba_status_name(unsigned int status);

#endif
