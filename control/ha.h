/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The Home Agent's Binding Update engine (RFC 6275 §9.5.1, §10.3.1, §10.3.2):
 * a decoded BU, the binding it concerns and the current time in; what to do
 * out (reply with a BA, write or delete the binding, start DAD, proxy ND).
 * No sockets, no clock, no table access: the daemon looks things up, calls
 * ha_bu() and carries the decision out, so every rule is unit-tested alone.
 */
#ifndef MIP6HA_HA_H
#define MIP6HA_HA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "auth.h"
#include "bt.h"
#include "conf.h"
#include "mh.h"

#define HA_FOREVER UINT32_MAX /**< a prefix lifetime that never ends */

/** BA status values the engine gives (RFC 6275 §6.1.8). */
enum ha_status {
	HA_ACCEPTED = 0,
	HA_ACCEPTED_PD = 1, /**< prefix discovery necessary */
	HA_UNSPECIFIED = 128,
	HA_PROHIBITED = 129,
	HA_NO_RESOURCES = 130,
	HA_NOT_SUPPORTED = 131,
	HA_NOT_HOME_SUBNET = 132,
	HA_NOT_HA_FOR_MN = 133,
	HA_DAD_REFUSED = 134, /**< Duplicate Address Detection failed */
	HA_SEQ_OUT_OF_WINDOW = 135,
	HA_REG_TYPE_CHANGE = 139,
	HA_ID_MISMATCH = 144,  /**< RFC 4285: replay check failed */
	HA_MESG_ID_REQD = 145, /**< RFC 4285: replay protection option missing */
	HA_AUTH_FAIL = 146,    /**< RFC 4285: authentication failed */
};

/* Why a BU was silently discarded: one X-macro list gives the enum and the
 * counter names (RFC 6275 §9.5.1 "MUST be silently discarded"). */
#define HA_DISCARDS(X)                                                                             \
	X(NOT_BU, "not_bu")		      /* not a Binding Update */                           \
	X(UNAUTHENTICATED, "unauthenticated") /* no RFC 4285 option where one is required */       \
	X(BAD_HOA, "bad_hoa")		      /* HoA not unicast routable (§9.5.1) */             \
	X(NOT_HOME_REG, "not_home_reg")	      /* H = 0: no route optimisation here */              \
	X(RR_OPTION, "rr_option")	      /* Nonce Indices or BAD in a home BU */              \
	X(NO_HAO, "no_hao")		      /* registration without a Home Address option */     \
	X(BAD_COA, "bad_coa")		      /* CoA not unicast routable, or ours */              \
	X(ALTCOA_MISMATCH, "altcoa_mismatch") /* Alternate CoA is not the source */                \
	X(COA_IS_HOA, "coa_is_hoa")	      /* CoA is a HoA served here: a tunnel loop */        \
	X(RH2, "rh2")			      /* a BU never carries a type 2 routing header */     \
	X(DAD_RUNNING, "dad_running")	      /* a retransmission while DAD runs */

enum ha_discard {
#define HA_DISCARD_ENUM(e, s) HA_DISCARD_##e,
	HA_DISCARDS(HA_DISCARD_ENUM)
#undef HA_DISCARD_ENUM
	HA_DISCARD_COUNT,
};

const char *ha_discard_name(enum ha_discard d);

/** A home prefix and its lifetimes, absolute (CLOCK_REALTIME seconds). */
struct ha_prefix {
	struct in6_addr prefix;
	uint8_t len;
	uint32_t valid_until;	  /**< HA_FOREVER: infinite */
	uint32_t preferred_until; /**< HA_FOREVER: infinite */
};

/** What the engine knows of the configuration. */
struct ha_cfg {
	bool is_ha; /**< false: every home registration gets 131 */
	const struct ha_prefix *prefixes;
	size_t n_prefixes;
	const struct in6_addr *addrs; /**< the HA's own addresses */
	size_t n_addrs;
	uint32_t max_lifetime; /**< seconds */
	uint8_t hop_limit;     /**< of the BAs */
	/* home_agent.policy: the first rule whose prefix holds the HoA decides. */
	const struct conf_rule *rules;
	size_t n_rules;
	bool default_deny;
};

/** The state of Duplicate Address Detection for a BU's HoA (§10.3.1). */
enum ha_dad {
	HA_DAD_NONE,	/**< not started */
	HA_DAD_RUNNING, /**< started for an earlier copy of this BU */
	HA_DAD_OK,
	HA_DAD_FAILED,
};

/** What the daemon learns about the BU before asking the engine. */
struct ha_input {
	const struct mh_msg *msg;
	const struct bt_binding *cur; /**< the HoA's binding, NULL if none */
	bool coa_is_hoa;	      /**< the CoA is itself a bound HoA */
	bool table_full;
	enum ha_dad dad;
	uint32_t now; /**< CLOCK_REALTIME seconds */
	/* RFC 4285, as auth_check_bu() found it. */
	enum auth_result auth;
	bool auth_required;		/**< auth.required, or a key names this HoA */
	const struct in6_addr *key_hoa; /**< the HoA of the key that signed it */
	uint16_t key_seq;		/**< AUTH_OLD_SEQ: the key's last sequence number */
};

enum ha_op {
	HA_OP_NONE,
	HA_OP_UPSERT, /**< write @ref ha_decision.binding, then send the BA */
	HA_OP_DELETE, /**< delete the HoA's binding, then send the BA */
	HA_OP_DAD,    /**< start DAD for the HoA; ask again when it ends */
};

/** The engine's answer. */
struct ha_decision {
	bool discard; /**< silently: count @ref why, send nothing */
	enum ha_discard why;
	enum ha_op op;
	struct bt_binding binding; /**< HA_OP_UPSERT */
	bool send_ba;
	struct mh_ba ba;
	bool proxy_ll; /**< L = 1: proxy (and DAD) the HoA's link-local too */
};

/**
 * Decide what to do with a Binding Update. The order of the checks is the
 * RFC's (RFC 6275 §9.5.1, then §10.3.1 or §10.3.2), so the status of a BU
 * that fails several is the first's.
 */
void ha_bu(const struct ha_cfg *cfg, const struct ha_input *in, struct ha_decision *d);

/** Is @p a inside @p prefix / @p len? */
bool ha_addr_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix, uint8_t len);

/** RFC 4291 unicast routable: not multicast, link-local, ::, ::1 or v4-mapped. */
bool ha_addr_routable(const struct in6_addr *a);

#endif
