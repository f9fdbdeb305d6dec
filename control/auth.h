/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * RFC 4285 Mobility Message Authentication between a mobile node and its Home
 * Agent: shared keys read from key files, the MN-HA authentication option's
 * Authenticator (HMAC-SHA-1 or HMAC-SHA-256 from libcrypto, first 96 bits)
 * over "care-of address | home address | Mobility Header up to the SPI" with
 * the MH checksum zero, compared in constant time, and the replay protection
 * of RFC 4285 §6 (timestamps within a window, or sequence numbers) per key.
 *
 * Both roles use it: the HA checks BUs and signs BAs, the MN signs BUs and
 * checks BAs. A key never leaves this module: no log line or config dump
 * prints it.
 */
#ifndef MIP6HA_AUTH_H
#define MIP6HA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "conf.h"
#include "mh.h"

#define AUTH_KEY_MIN 16 /**< octets (RFC 4285 §5: a 16-octet key at least) */
#define AUTH_KEY_MAX 64

/** The outcome of checking a message's RFC 4285 options. */
enum auth_result {
	AUTH_ABSENT, /**< no authentication option */
	AUTH_OK,
	AUTH_FAIL,    /**< BA 146: unknown SPI, wrong subtype or size, not last, wrong MAC */
	AUTH_NO_TS,   /**< BA 145: the key wants a replay protection option */
	AUTH_REPLAY,  /**< BA 144: timestamp outside the window or not newer */
	AUTH_OLD_SEQ, /**< BA 135: sequence number not newer than the key's last */
};

struct auth_key {
	uint32_t spi;
	struct in6_addr hoa; /**< the only Home Address this key may register */
	enum conf_auth_alg alg;
	enum conf_replay replay;
	uint8_t secret[AUTH_KEY_MAX];
	size_t len;
	/* Replay state: the newest accepted timestamp or sequence number. */
	bool seen;
	uint64_t last_ts;
	uint16_t last_seq;
};

struct auth_store {
	struct auth_key keys[CONF_LIST_MAX];
	size_t n;
	uint32_t window; /**< seconds */
};

/**
 * Read a key file: the secret as hexadecimal text (as `openssl rand -hex 32`
 * writes it; whitespace ignored), AUTH_KEY_MIN to AUTH_KEY_MAX octets. A file
 * that group or others may access is refused, as ssh refuses such keys.
 * @return the key length, or -1 with a message (never the key) in @p err.
 */
int auth_key_read(const char *path, uint8_t *key, size_t cap, char *err, size_t errlen);

/**
 * Load every key of home_agent.auth (role ha) into @p st. Each error goes to
 * @p errf as "path: message". @return the number of errors.
 */
int auth_store_load(struct auth_store *st, const struct conf *c, FILE *errf);

/** Load mobile_node.auth into @p k (its hoa is the Home Address). @return 0 or -1. */
int auth_mn_load(struct auth_key *k, const struct conf *c, FILE *errf);

struct auth_key *auth_by_spi(struct auth_store *st, uint32_t spi);
const struct auth_key *auth_by_hoa(const struct auth_store *st, const struct in6_addr *hoa);

/** The care-of and home address the Authenticator covers: a BU's Alternate
 * CoA (else source) and Home Address option; a BA's destination and type 2
 * routing header address. */
void auth_addrs(const struct mh_msg *m, struct in6_addr *coa, struct in6_addr *hoa);

/**
 * Check the Authenticator of the decoded message @p m (@p pkt, @p len as
 * mh_decode() took them) with @p k: the option must be the MN-HA subtype,
 * 96 bits of data, and the last bytes of the message.
 */
bool auth_verify(const struct auth_key *k, const uint8_t *pkt, size_t len, const struct mh_msg *m);

/**
 * The Home Agent's whole check of a BU: the key by SPI, the Authenticator,
 * then replay protection against @p now_ntp within @p st's window. On
 * AUTH_OK the key's replay state advances. @p key is set whenever the MAC
 * was right (AUTH_OK, AUTH_NO_TS, AUTH_REPLAY, AUTH_OLD_SEQ), else NULL.
 */
enum auth_result auth_check_bu(struct auth_store *st, const uint8_t *pkt, size_t len,
			       const struct mh_msg *m, uint64_t now_ntp, struct auth_key **key);

/**
 * Fill in the Authenticator of the message in @p pkt (@p len bytes, built by
 * mh_ba_encode() or mh_bu_encode() with its auth options on) and fix its
 * checksum. @return false when @p pkt does not decode or has no such option.
 */
bool auth_sign(const struct auth_key *k, uint8_t *pkt, size_t len);

/** Now as a 64-bit NTP timestamp (seconds since 1900, 32-bit fraction). */
uint64_t auth_ntp_now(void);

#endif
