/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mobile node's Binding Update List: RFC 6275 §11.5 (movement, returning
 * home), §11.7.1 (home registration), §11.7.3 (Binding Acknowledgement),
 * §11.8 (retransmission). Each BU, retransmissions included, carries a new
 * Sequence Number (§11.7.1: greater than the previous BU's); a BA answers the
 * registration when its number is one of those sent for it.
 */
#include "bul.h"

#include <string.h>

#include "ha.h"

#define BUL_US_PER_MS 1000u
#define BUL_US_PER_S  1000000u
#define BUL_HOP_LIMIT 64

static const char *const bul_state_names[] = {
	[BUL_HOME] = "home",
	[BUL_DISCOVERING] = "discovering",
	[BUL_REGISTERING] = "registering",
	[BUL_BOUND] = "bound",
	[BUL_DEREGISTERING] = "deregistering",
	[BUL_FAILED] = "failed",
	[BUL_DETACHED] = "detached",
};

const char *
bul_state_name(enum bul_state s)
{
	return (unsigned int)s <= BUL_DETACHED ? bul_state_names[s] : "?";
}

void
bul_init(struct bul *b, const struct in6_addr *hoa, uint8_t plen, const struct in6_addr *ha,
	 uint32_t lifetime_s)
{
	memset(b, 0, sizeof(*b));
	b->hoa = *hoa;
	b->plen = plen;
	b->ha = *ha;
	b->state = BUL_DETACHED;
	b->lifetime =
		(uint16_t)(lifetime_s / 4 > MH_MAX_LIFETIME ? MH_MAX_LIFETIME : lifetime_s / 4);
}

bool
bul_in_home_prefix(const struct bul *b, const struct in6_addr *a)
{
	return ha_addr_in_prefix(a, &b->hoa, b->plen);
}

bool
bul_tunnelled(const struct bul *b)
{
	return b->state == BUL_REGISTERING || b->state == BUL_BOUND;
}

static void
bul_out_reset(struct bul_out *out)
{
	memset(out, 0, sizeof(*out));
	out->hoa = BUL_HOA_KEEP;
}

/* Nothing left to send or wait for: @p state with no timer running; at home
 * the HoA goes back on the interface. */
static void
bul_settle(struct bul *b, enum bul_state state, const char *log, struct bul_out *out)
{
	b->state = state;
	b->pending = false;
	b->next_us = 0;
	b->expires_us = 0;
	if (state == BUL_HOME)
		out->hoa = BUL_HOA_INTERFACE;
	out->log = log;
}

/* Send the next BU of this registration; @p fresh starts a registration. */
static void
bul_send(struct bul *b, uint64_t now, bool fresh, struct bul_out *out)
{
	bool dereg = b->state == BUL_DEREGISTERING;

	b->seq++;
	if (fresh) {
		b->seq_first = b->seq;
		b->retrans = 0;
		b->first_tx_us = now;
	}
	b->pending = true;
	b->last_tx_us = now;
	if (b->bu_us == 0)
		b->bu_us = now;
	b->next_us = now + (uint64_t)b->timeout_ms * BUL_US_PER_MS;
	out->send_bu = true;
	out->bu = (struct mh_bu){
		/* §11.5.4: from home, the BU comes from the home address, which
		 * is its care-of address too. */
		.src = dereg ? b->hoa : b->coa,
		.coa = dereg ? b->hoa : b->coa,
		.ha = b->ha,
		.hoa = b->hoa,
		.seq = b->seq,
		.flags = MH_BU_A | MH_BU_H,
		.lifetime = dereg ? 0 : b->lifetime,
		.hop_limit = BUL_HOP_LIMIT,
	};
}

static void
bul_dhaad(struct bul *b, uint64_t now, struct bul_out *out)
{
	uint32_t wait =
		b->dhaad_tries < BUL_DHAAD_RETRIES ? BUL_DHAAD_MS << b->dhaad_tries : BUL_MAX_MS;

	b->dhaad_id++;
	b->dhaad_tries++;
	b->next_us = now + (uint64_t)wait * BUL_US_PER_MS;
	out->send_dhaad = true;
}

/* Register the CoA, finding a Home Agent first when none is configured. */
static void
bul_register(struct bul *b, uint64_t now, bool bound, struct bul_out *out)
{
	b->pending = false;
	b->expires_us = 0;
	if (IN6_IS_ADDR_UNSPECIFIED(&b->ha)) {
		b->state = BUL_DISCOVERING;
		b->dhaad_tries = 0;
		bul_dhaad(b, now, out);
		out->log = "away from home: looking for a Home Agent (DHAAD)";
		return;
	}
	b->state = BUL_REGISTERING;
	/* §11.8: a first registration waits longer, for the HA's DAD. */
	b->timeout_ms = bound ? BUL_INITIAL_MS : BUL_INITIAL_FIRST_REG_MS;
	bul_send(b, now, true, out);
	out->log = "away from home: registering the care-of address";
}

static void
bul_away(struct bul *b, uint64_t now, const struct in6_addr *coa, struct bul_out *out)
{
	bool same = memcmp(coa, &b->coa, sizeof(*coa)) == 0;
	bool bound = b->state == BUL_BOUND || b->state == BUL_DEREGISTERING;

	if (same && (b->state == BUL_REGISTERING || b->state == BUL_BOUND ||
		     b->state == BUL_DISCOVERING || b->state == BUL_FAILED))
		return;
	b->coa = *coa;
	b->moved_us = now;
	b->bu_us = b->ba_us = 0;
	out->hoa = BUL_HOA_TUNNEL;
	bul_register(b, now, bound, out);
}

static void
bul_home(struct bul *b, uint64_t now, const struct in6_addr *addr, struct bul_out *out)
{
	bool registered = b->state == BUL_BOUND || b->state == BUL_REGISTERING;
	/* Started at home, or refused after an earlier binding: the Home Agent
	 * may still hold one, so ask it to let go, but do not wait long. */
	bool maybe = b->state == BUL_DETACHED || (b->state == BUL_FAILED && b->registered_once);

	if (b->state == BUL_HOME || b->state == BUL_DEREGISTERING) {
		b->home_addr = *addr;
		return;
	}
	b->home_addr = *addr;
	b->moved_us = now;
	b->bu_us = b->ba_us = 0;
	b->expires_us = 0;
	if ((!registered && !maybe) || IN6_IS_ADDR_UNSPECIFIED(&b->ha)) {
		bul_settle(b, BUL_HOME, "at home", out);
		return;
	}
	/* §11.5.4: deregister first; the HoA stays off the home link until the BA. */
	b->state = BUL_DEREGISTERING;
	b->dereg_retries = registered ? BUL_DEREG_RETRIES : BUL_DEREG_RETRIES_MAYBE;
	b->timeout_ms = BUL_INITIAL_MS;
	out->hoa = BUL_HOA_NONE;
	bul_send(b, now, true, out);
	out->log = registered ? "back home: deregistering" : "at home: deregistering any binding";
}

void
bul_move(struct bul *b, uint64_t now_us, enum bul_where where, const struct in6_addr *addr,
	 struct bul_out *out)
{
	bul_out_reset(out);
	if (where == BUL_AWAY)
		bul_away(b, now_us, addr, out);
	else if (where == BUL_AT_HOME)
		bul_home(b, now_us, addr, out);
}

/* The registration is over: at home or bound. */
static void
bul_done(struct bul *b, uint64_t now, const struct mh_msg *m, struct bul_out *out)
{
	uint32_t refresh_s;

	b->ba_us = now;
	if (b->state == BUL_DEREGISTERING) {
		bul_settle(b, BUL_HOME,
			   m->status < 128 ? "deregistered: at home"
					   : "deregistration refused: at home anyway",
			   out);
		return;
	}
	b->pending = false;
	b->state = BUL_BOUND;
	b->registered_once = true;
	b->granted_s = (uint32_t)m->lifetime * 4;
	/* §11.7.3: the lifetime runs from the BU; the registration's first one
	 * is the safe guess when retransmissions went out. */
	b->expires_us = b->first_tx_us + (uint64_t)b->granted_s * BUL_US_PER_S;
	/* §11.7.1: refresh before expiry, sooner when the HA advises it (§6.2.4). */
	refresh_s = b->granted_s;
	if (m->has_bra && m->refresh != 0 && (uint32_t)m->refresh * 4 < refresh_s)
		refresh_s = (uint32_t)m->refresh * 4;
	b->next_us = refresh_s > 0 ? b->first_tx_us + (uint64_t)refresh_s * BUL_US_PER_S * 4 / 5
				   : now + (uint64_t)BUL_INITIAL_MS * BUL_US_PER_MS;
	out->log = "registered";
}

static void
bul_ba(struct bul *b, uint64_t now, const struct mh_msg *m, struct bul_out *out)
{
	if (!b->pending)
		return;
	if (m->status == 135) {
		/* §11.7.3: the BA carries the last number the HA accepted. Once
		 * per BU we send, and never faster than MAX_UPDATE_RATE. */
		if (b->resynced && b->resynced_seq == b->seq)
			return;
		b->seq = m->seq;
		b->seq_first = (uint16_t)(m->seq + 1);
		out->log = "sequence number out of window: resynchronised";
		if (now < b->last_tx_us + (uint64_t)BUL_MIN_GAP_MS * BUL_US_PER_MS) {
			b->next_us = b->last_tx_us + (uint64_t)BUL_MIN_GAP_MS * BUL_US_PER_MS;
			b->resynced = false;
			return;
		}
		bul_send(b, now, false, out);
		b->resynced = true;
		b->resynced_seq = b->seq;
		return;
	}
	if ((uint16_t)(m->seq - b->seq_first) > (uint16_t)(b->seq - b->seq_first))
		return; /* an answer to an earlier registration */
	b->last_status = m->status;
	if (m->status == 128 || m->status == 130 || m->status == 144) {
		/* 144 (RFC 4285 §6): our timestamp missed the HA's window; the
		 * node corrects its clock from the BA's and the next BU agrees. */
		out->log = m->status == 144
				   ? "replay check failed: retrying with the Home Agent's time"
				   : "Home Agent cannot take the binding now: retrying";
		return; /* the retransmission timer keeps running */
	}
	if (m->status < 128 || b->state == BUL_DEREGISTERING) {
		bul_done(b, now, m, out);
		return;
	}
	/* 129, 131 - 134, 139 and the rest: retrying cannot change them. */
	bul_settle(b, BUL_FAILED, "registration refused", out);
}

void
bul_mh(struct bul *b, uint64_t now_us, const struct mh_msg *m, struct bul_out *out)
{
	bul_out_reset(out);
	switch (m->type) {
	case MH_BA:
		bul_ba(b, now_us, m, out);
		break;
	case MH_BRR: /* §11.7.4 */
		if (b->state == BUL_BOUND && !b->pending) {
			b->timeout_ms = BUL_INITIAL_MS;
			bul_send(b, now_us, true, out);
			out->log = "Binding Refresh Request: refreshing";
		}
		break;
	case MH_BE: /* §11.3.6: status 1, the HA has no binding for us */
		if (m->status == MH_BE_UNKNOWN_TYPE && b->pending) {
			/* It does not know BUs: no Home Agent (§9.2). */
			bul_settle(b, b->state == BUL_DEREGISTERING ? BUL_HOME : BUL_FAILED,
				   "Binding Error 2: the home agent does not know Binding Updates",
				   out);
			break;
		}
		if (m->status == MH_BE_UNKNOWN_HAO &&
		    memcmp(&m->coa, &b->hoa, sizeof(b->hoa)) == 0 && b->state == BUL_BOUND) {
			b->state = BUL_REGISTERING;
			b->timeout_ms = BUL_INITIAL_FIRST_REG_MS;
			bul_send(b, now_us, true, out);
			out->log = "Binding Error: the Home Agent lost the binding, registering";
		}
		break;
	default:
		break;
	}
}

void
bul_dhaad_reply(struct bul *b, uint64_t now_us, uint16_t id, const struct in6_addr *ha,
		struct bul_out *out)
{
	bul_out_reset(out);
	if (b->state != BUL_DISCOVERING || id != b->dhaad_id || IN6_IS_ADDR_UNSPECIFIED(ha))
		return;
	b->ha = *ha;
	bul_register(b, now_us, false, out);
	out->log = "Home Agent discovered: registering";
}

void
bul_tick(struct bul *b, uint64_t now_us, struct bul_out *out)
{
	bul_out_reset(out);
	if (b->expires_us != 0 && now_us >= b->expires_us) {
		b->expires_us = 0;
		if (b->state == BUL_BOUND) {
			b->state = BUL_REGISTERING;
			out->log = "binding expired before a refresh was acknowledged";
			if (!b->pending) {
				b->timeout_ms = BUL_INITIAL_FIRST_REG_MS;
				bul_send(b, now_us, true, out);
				return;
			}
		}
	}
	if (b->next_us == 0 || now_us < b->next_us)
		return;
	if (b->state == BUL_DISCOVERING) {
		bul_dhaad(b, now_us, out);
		return;
	}
	if (!b->pending) { /* a bound entry's refresh */
		b->timeout_ms = BUL_INITIAL_MS;
		bul_send(b, now_us, true, out);
		return;
	}
	if (b->state == BUL_DEREGISTERING && b->retrans >= b->dereg_retries) {
		bul_settle(b, BUL_HOME, "no answer to the deregistration: at home anyway", out);
		return;
	}
	b->retrans++;
	b->timeout_ms = b->timeout_ms * 2 > BUL_MAX_MS ? BUL_MAX_MS : b->timeout_ms * 2;
	bul_send(b, now_us, false, out);
}
