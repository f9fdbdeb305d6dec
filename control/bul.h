/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The mobile node's Binding Update List (RFC 6275 §11.1, §11.7, §11.8): one
 * home registration, as a pure engine. Movements, Binding Acknowledgements,
 * Binding Refresh Requests, Binding Errors, DHAAD replies and the current
 * time go in; what to send and where the Home Address lives come out. No
 * sockets, so the unit tests drive it with a fake clock.
 */
#ifndef MIP6HA_BUL_H
#define MIP6HA_BUL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "mh.h"

/* RFC 6275 §13 and mip6d's defaults, in milliseconds. */
#define BUL_INITIAL_FIRST_REG_MS 1500  /**< InitialBindackTimeoutFirstReg */
#define BUL_INITIAL_MS		 1000  /**< INITIAL_BINDACK_TIMEOUT */
#define BUL_MAX_MS		 32000 /**< MAX_BINDACK_TIMEOUT */
#define BUL_DHAAD_MS		 3000  /**< INITIAL_DHAAD_TIMEOUT */
#define BUL_DHAAD_RETRIES	 4     /**< DHAAD_RETRIES, then every BUL_MAX_MS */
#define BUL_DEREG_RETRIES	 5     /**< then the binding is taken as gone */
#define BUL_DEREG_RETRIES_MAYBE	 2     /**< ... when we do not know of a binding */
#define BUL_MIN_GAP_MS		 334   /**< MAX_UPDATE_RATE: 3 BUs a second (§13) */

enum bul_state {
	BUL_HOME,	 /**< at home, nothing registered */
	BUL_DISCOVERING, /**< away, asking DHAAD for a Home Agent */
	BUL_REGISTERING, /**< away, BU sent, no binding yet for this CoA */
	BUL_BOUND,	 /**< away, the Home Agent holds the binding */
	BUL_DEREGISTERING,
	BUL_FAILED,   /**< refused with a status that retrying cannot change */
	BUL_DETACHED, /**< no usable address on the mobile interface yet */
};

enum bul_where {
	BUL_AT_HOME,
	BUL_AWAY,
	BUL_NOWHERE
};

/** Where the Home Address should be now. */
enum bul_hoa {
	BUL_HOA_KEEP,
	BUL_HOA_TUNNEL,	   /**< on the TUN device, HoA-sourced traffic into it */
	BUL_HOA_NONE,	   /**< back home, not yet deregistered (RFC 6275 §11.5.4) */
	BUL_HOA_INTERFACE, /**< on the mobile interface: at home */
};

struct bul {
	struct in6_addr hoa;
	uint8_t plen;		   /**< the home prefix length */
	struct in6_addr ha;	   /**< :: until DHAAD finds one */
	struct in6_addr coa;	   /**< the care-of address registered or being registered */
	struct in6_addr home_addr; /**< our other address on the home link, when home */
	enum bul_state state;
	bool pending;	       /**< a BU waits for its BA */
	bool registered_once;  /**< the HA held a binding of ours before */
	uint16_t seq;	       /**< last sent */
	uint16_t seq_first;    /**< first of the BUs the pending BA may answer */
	uint16_t lifetime;     /**< asked, 4-second units */
	uint32_t granted_s;    /**< lifetime in the last accepted BA */
	uint32_t timeout_ms;   /**< current back-off */
	uint32_t retrans;      /**< retransmissions of the pending BU */
	uint64_t next_us;      /**< retransmission, refresh or DHAAD deadline; 0 none */
	uint64_t last_tx_us;   /**< the last BU sent */
	uint64_t first_tx_us;  /**< the first BU of the pending registration */
	uint16_t resynced_seq; /**< the BU a 135 was last answered with */
	bool resynced;
	uint32_t dereg_retries; /**< before the node stays home anyway */
	uint64_t expires_us;	/**< of the binding at the HA; 0 none */
	uint8_t last_status;	/**< in the last BA */
	uint16_t dhaad_id;
	uint32_t dhaad_tries;
	/* The last handover, for `bul` and the handover benchmark. */
	uint64_t moved_us, bu_us, ba_us;
};

/** What the caller must do after a call. */
struct bul_out {
	bool send_bu;
	struct mh_bu bu;
	bool send_dhaad; /**< a DHAAD Request with dhaad_id from bul.coa */
	enum bul_hoa hoa;
	const char *log; /**< one line worth logging at info level, or NULL */
};

/** A fresh list for @p hoa/@p plen and Home Agent @p ha (:: discovers). */
void bul_init(struct bul *b, const struct in6_addr *hoa, uint8_t plen, const struct in6_addr *ha,
	      uint32_t lifetime_s);

/** The mobile interface now has @p addr (ignored for BUL_NOWHERE). */
void bul_move(struct bul *b, uint64_t now_us, enum bul_where where, const struct in6_addr *addr,
	      struct bul_out *out);

/** A Mobility Header from the Home Agent: BA, Binding Refresh Request or Binding Error. */
void bul_mh(struct bul *b, uint64_t now_us, const struct mh_msg *m, struct bul_out *out);

/** A DHAAD Reply listing @p ha first. */
void bul_dhaad_reply(struct bul *b, uint64_t now_us, uint16_t id, const struct in6_addr *ha,
		     struct bul_out *out);

/** Timers: retransmission, refresh, DHAAD retry. */
void bul_tick(struct bul *b, uint64_t now_us, struct bul_out *out);

/** True while traffic from the Home Address goes through the tunnel. */
bool bul_tunnelled(const struct bul *b);

const char *bul_state_name(enum bul_state s);

/** True when @p a is in the home prefix of @p b. */
bool bul_in_home_prefix(const struct bul *b, const struct in6_addr *a);

#endif
