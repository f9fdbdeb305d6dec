/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Binding Update engine: RFC 6275 §9.5.1 (checks common to every BU), then
 * §10.3.1 (primary care-of address registration) or §10.3.2 (deregistration),
 * in the RFC's order. ../shared/spec/rfc6275-home-agent.md §1.4 - §1.7 is the
 * checklist each step cites.
 */
#include "ha.h"

#include <string.h>

static const char *const ha_discard_names[] = {
#define HA_DISCARD_NAME(e, s) s,
	HA_DISCARDS(HA_DISCARD_NAME)
#undef HA_DISCARD_NAME
};

const char *
ha_discard_name(enum ha_discard d)
{
	return d < HA_DISCARD_COUNT ? ha_discard_names[d] : "unknown";
}

static bool
ha_addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

bool
ha_addr_routable(const struct in6_addr *a)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t zero[15];

	if (a->s6_addr[0] == 0xff || (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80))
		return false;
	if (memcmp(a->s6_addr, v4mapped, sizeof(v4mapped)) == 0)
		return false;
	/* :: and ::1 */
	return !(memcmp(a->s6_addr, zero, sizeof(zero)) == 0 && a->s6_addr[15] <= 1);
}

bool
ha_addr_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix, uint8_t len)
{
	unsigned int full = len / 8, rest = len % 8;

	if (memcmp(a->s6_addr, prefix->s6_addr, full) != 0)
		return false;
	return rest == 0 ||
	       ((a->s6_addr[full] ^ prefix->s6_addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* The home prefix @p hoa is on-link for and that is still valid, else NULL. */
static const struct ha_prefix *
ha_home_prefix(const struct ha_cfg *cfg, const struct in6_addr *hoa, uint32_t now)
{
	size_t i;

	for (i = 0; i < cfg->n_prefixes; i++)
		if (ha_addr_in_prefix(hoa, &cfg->prefixes[i].prefix, cfg->prefixes[i].len) &&
		    cfg->prefixes[i].valid_until > now)
			return &cfg->prefixes[i];
	return NULL;
}

static bool
ha_is_own(const struct ha_cfg *cfg, const struct in6_addr *a, uint8_t *idx)
{
	size_t i;

	for (i = 0; i < cfg->n_addrs; i++)
		if (ha_addr_eq(&cfg->addrs[i], a)) {
			if (idx != NULL)
				*idx = (uint8_t)i;
			return true;
		}
	return false;
}

static void
ha_discard(struct ha_decision *d, enum ha_discard why)
{
	d->discard = true;
	d->why = why;
}

/* A BA to the BU's source, through its Home Address when it came from a CoA
 * (§9.5.4), from the address it was sent to; the HA sends one whatever the A
 * bit (§10.3.1). */
static void
ha_reply(const struct ha_cfg *cfg, const struct mh_msg *m, struct ha_decision *d, uint8_t status,
	 uint16_t seq)
{
	d->send_ba = true;
	memset(&d->ba, 0, sizeof(d->ba));
	d->ba.src = m->dst;
	d->ba.dst = m->src;
	d->ba.hoa = m->hoa;
	d->ba.rh2 = !ha_addr_eq(&m->src, &m->hoa);
	d->ba.status = status;
	d->ba.seq = seq;
	d->ba.hop_limit = cfg->hop_limit;
}

/* RFC 6275 §10.3.2. */
static void
ha_dereg(const struct ha_cfg *cfg, const struct ha_input *in, struct ha_decision *d)
{
	const struct mh_msg *m = in->msg;

	if (in->cur == NULL || !(in->cur->flags & BT_F_HOME)) {
		ha_reply(cfg, m, d, HA_NOT_HA_FOR_MN, m->seq);
		return;
	}
	d->op = HA_OP_DELETE;
	ha_reply(cfg, m, d, HA_ACCEPTED, m->seq);
}

/* Lifetime granted, in 4-second units (§10.3.1 #8): at most what was asked
 * for, the configured maximum and the home prefix's remaining valid lifetime. */
static uint16_t
ha_units(const struct ha_cfg *cfg, const struct ha_input *in, const struct ha_prefix *p)
{
	uint32_t s = (uint32_t)in->msg->lifetime * 4;

	if (s > cfg->max_lifetime)
		s = cfg->max_lifetime;
	if (p->valid_until != HA_FOREVER && s > p->valid_until - in->now)
		s = p->valid_until - in->now;
	return (uint16_t)(s / 4 != 0 ? s / 4 : 1);
}

/* §10.3.1 #10: status 1 when the prefix is deprecated, becomes deprecated
 * during the binding or invalid at its end (compared in 4-second units). */
static uint8_t
ha_accept_status(const struct ha_prefix *p, uint32_t now, uint16_t units)
{
	if (p->preferred_until != HA_FOREVER &&
	    (p->preferred_until <= now || (p->preferred_until - now) / 4 < units))
		return HA_ACCEPTED_PD;
	if (p->valid_until != HA_FOREVER && (p->valid_until - now) / 4 <= units)
		return HA_ACCEPTED_PD;
	return HA_ACCEPTED;
}

/* RFC 6275 §10.3.1, after the common checks. */
static void
ha_register(const struct ha_cfg *cfg, const struct ha_input *in, struct ha_decision *d)
{
	const struct mh_msg *m = in->msg;
	const struct ha_prefix *p;
	struct bt_binding *b = &d->binding;
	uint16_t units;

	if (!cfg->is_ha) {
		ha_reply(cfg, m, d, HA_NOT_SUPPORTED, m->seq);
		return;
	}
	p = ha_home_prefix(cfg, &m->hoa, in->now);
	if (p == NULL) {
		ha_reply(cfg, m, d, HA_NOT_HOME_SUBNET, m->seq);
		return;
	}
	if (!m->has_hao) {
		ha_discard(d, HA_DISCARD_NO_HAO);
		return;
	}
	if (!ha_addr_routable(&m->coa) || ha_is_own(cfg, &m->coa, NULL)) {
		ha_discard(d, HA_DISCARD_BAD_COA);
		return;
	}
	if (in->coa_is_hoa) {
		ha_discard(d, HA_DISCARD_COA_IS_HOA);
		return;
	}
	if (in->cur == NULL && in->table_full) {
		ha_reply(cfg, m, d, HA_NO_RESOURCES, m->seq);
		return;
	}
	d->proxy_ll = (m->flags & MH_BU_L) != 0;
	if (in->cur == NULL) {
		/* #7: DAD before a first registration, never twice at once. */
		switch (in->dad) {
		case HA_DAD_NONE:
			d->op = HA_OP_DAD;
			return;
		case HA_DAD_RUNNING:
			ha_discard(d, HA_DISCARD_DAD_RUNNING);
			return;
		case HA_DAD_FAILED:
			ha_reply(cfg, m, d, HA_DAD_REFUSED, m->seq);
			return;
		case HA_DAD_OK:
			break;
		}
	}
	units = ha_units(cfg, in, p);
	memset(b, 0, sizeof(*b));
	b->hoa = m->hoa;
	b->coa = m->coa;
	b->lifetime = (uint32_t)units * 4;
	b->expiry = in->now + b->lifetime;
	b->seq = m->seq;
	b->flags = (uint8_t)(BT_F_HOME | (m->flags & MH_BU_A ? BT_F_ACK : 0) |
			     (m->flags & MH_BU_L ? BT_F_LINKLOCAL : 0));
	ha_is_own(cfg, &m->dst, &b->ha_idx);
	d->op = HA_OP_UPSERT;
	ha_reply(cfg, m, d, ha_accept_status(p, in->now, units), m->seq);
	d->ba.lifetime = units;
	/* K = 0: no IKE here (§10.3.1 #10). The binding is volatile, so Binding
	 * Refresh Advice may ask for a refresh halfway (§6.2.4). */
	d->ba.refresh = units >= 2 ? units / 2 : 0;
}

/* RFC 4285 first, so that nothing unauthenticated reaches any state, DAD or
 * ND: @return false when it decided (discard or a BA), true to go on. */
static bool
ha_authenticated(const struct ha_cfg *cfg, const struct ha_input *in, struct ha_decision *d)
{
	const struct mh_msg *m = in->msg;

	switch (in->auth) {
	case AUTH_ABSENT:
		if (!in->auth_required)
			return true;
		ha_discard(d, HA_DISCARD_UNAUTHENTICATED);
		return false;
	case AUTH_OK:
		return true;
	case AUTH_FAIL:
		ha_reply(cfg, m, d, HA_AUTH_FAIL, m->seq);
		return false;
	case AUTH_NO_TS:
		ha_reply(cfg, m, d, HA_MESG_ID_REQD, m->seq);
		return false;
	case AUTH_REPLAY:
		ha_reply(cfg, m, d, HA_ID_MISMATCH, m->seq);
		return false;
	case AUTH_OLD_SEQ:
		ha_reply(cfg, m, d, HA_SEQ_OUT_OF_WINDOW, in->key_seq);
		return false;
	}
	return false;
}

/* Authorisation: a key registers its own HoA only; then home_agent.policy
 * (mip6d's BindingAclPolicy), first matching rule, else the default.
 * @return the refusing status, or 0. */
static uint8_t
ha_policy(const struct ha_cfg *cfg, const struct ha_input *in)
{
	const struct mh_msg *m = in->msg;

	if (in->key_hoa != NULL && !ha_addr_eq(in->key_hoa, &m->hoa))
		return HA_PROHIBITED;
	for (size_t i = 0; i < cfg->n_rules; i++) {
		const struct conf_rule *r = &cfg->rules[i];

		if (!ha_addr_in_prefix(&m->hoa, &r->hoa.addr, r->hoa.len))
			continue;
		if (r->action == CONF_ACTION_ALLOW)
			return 0;
		return r->status != 0 ? (uint8_t)r->status : HA_PROHIBITED;
	}
	return cfg->default_deny ? HA_PROHIBITED : 0;
}

void
ha_bu(const struct ha_cfg *cfg, const struct ha_input *in, struct ha_decision *d)
{
	const struct mh_msg *m = in->msg;
	uint8_t refused;

	memset(d, 0, sizeof(*d));
	if (m->type != MH_BU) {
		ha_discard(d, HA_DISCARD_NOT_BU);
		return;
	}
	if (!ha_authenticated(cfg, in, d))
		return;
	/* §9.5.1 in order: the Home Address, then the sequence number. */
	if (!ha_addr_routable(&m->hoa)) {
		ha_discard(d, HA_DISCARD_BAD_HOA);
		return;
	}
	refused = ha_policy(cfg, in);
	if (refused != 0) {
		ha_reply(cfg, m, d, refused, m->seq);
		return;
	}
	if (in->cur != NULL && !mh_seq_newer(m->seq, in->cur->seq)) {
		/* The last accepted number, sent even with A = 0; binding untouched. */
		ha_reply(cfg, m, d, HA_SEQ_OUT_OF_WINDOW, in->cur->seq);
		return;
	}
	if (!(m->flags & MH_BU_H)) {
		/* No route optimisation here (§9.5.1): a correspondent registration
		 * is dropped, unless it would turn a home binding into one (139). */
		if (in->cur != NULL && (in->cur->flags & BT_F_HOME))
			ha_reply(cfg, m, d, HA_REG_TYPE_CHANGE, m->seq);
		else
			ha_discard(d, HA_DISCARD_NOT_HOME_REG);
		return;
	}
	if (m->has_nonce || m->has_bad) {
		ha_discard(d, HA_DISCARD_RR_OPTION);
		return;
	}
	if (in->cur != NULL && !(in->cur->flags & BT_F_HOME)) {
		ha_reply(cfg, m, d, HA_REG_TYPE_CHANGE, m->seq);
		return;
	}
	if (m->has_rh2) {
		ha_discard(d, HA_DISCARD_RH2); /* §6.1: only a BA carries one */
		return;
	}
	/* The Alternate CoA is what ESP protects; the header's source must agree
	 * (checklist §1.4 #10, local policy), unless it names the HoA: that is a
	 * deregistration (bad-input matrix O4). */
	if (m->has_altcoa && !ha_addr_eq(&m->coa, &m->src) && !ha_addr_eq(&m->coa, &m->hoa)) {
		ha_discard(d, HA_DISCARD_ALTCOA_MISMATCH);
		return;
	}
	if (m->lifetime == 0 || ha_addr_eq(&m->coa, &m->hoa))
		ha_dereg(cfg, in, d);
	else
		ha_register(cfg, in, d);
}
