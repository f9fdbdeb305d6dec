/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Mobility Header path of the Home Agent: decode (common/mh), decide
 * (ha.c), write the binding (bcache.c), answer. RFC 6275 §9.2 for what a bad
 * Mobility Header gets, §9.3.1 for the Binding Error on an unknown Home
 * Address option, §10.3.1 for DAD before a first registration.
 */
#include "sig.h"

#include <errno.h>
#include <unistd.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <openssl/crypto.h>

#include "icmp6.h"
#include "clock.h"
#include "ndisc.h"
#include "tb.h"
#include "log.h"

#define SIG_DAD_MAX	1024 /* BUs waiting for DAD at once */
#define SIG_DAD_WAIT_MS 1000 /* RetransTimer × DupAddrDetectTransmits (RFC 4862 §5.1) */
#define SIG_HOP_LIMIT	64
#define SIG_SRC_SLOTS	4096 /* per-source buckets, direct-mapped by a keyed hash */

/* A BU's RFC 4285 verdict, kept with it while DAD runs. */
struct sig_auth {
	enum auth_result r;
	struct auth_key *key; /* the key whose MAC matched, else NULL */
};

struct sig_dad {
	struct mh_msg msg;
	struct sig_auth auth;
	uint8_t eth_src[6];
	uint64_t start_ms;
	bool conflict;
};

struct sig {
	const struct conf *c;
	struct bcache *bc;
	const struct sig_link_ops *ops;
	void *ops_arg;
	struct pkt_sock *sock;
	bool dad_enabled;
	struct ha_cfg cfg;
	struct ha_prefix prefixes[CONF_LIST_MAX];
	struct in6_addr addrs[CONF_LIST_MAX];
	/* BUs waiting for DAD, oldest first (all wait the same time). */
	struct sig_dad dad[SIG_DAD_MAX];
	unsigned int dad_head, dad_n;
	struct sig_counters n;
	struct auth_store auth;
	/* home_agent.rate_limits. A source whose slot another takes starts
	 * afresh: a collision can only be lenient, never lock a node out. */
	struct sig_src {
		struct in6_addr a;
		struct tb tb;
	} src[SIG_SRC_SLOTS];
	uint64_t seed;
	struct tb bu_tb, err_tb, mpa_tb;
};

/* What the engine and the limits take from @p c (at start and on SIGHUP). */
static void
sig_configure(struct sig *s, const struct conf *c)
{
	size_t i;

	s->c = c;
	s->dad_enabled = c->home_agent.dad;
	for (i = 0; i < c->home_agent.n_home_prefixes; i++) {
		s->prefixes[i].prefix = c->home_agent.home_prefixes[i].addr;
		s->prefixes[i].len = c->home_agent.home_prefixes[i].len;
		/* Our own Router Advertisements renew the prefixes: they never
		 * run out while we serve them. */
		s->prefixes[i].valid_until = HA_FOREVER;
		s->prefixes[i].preferred_until = HA_FOREVER;
	}
	for (i = 0; i < c->home_agent.n_addresses; i++)
		s->addrs[i] = c->home_agent.addresses[i].addr;
	s->cfg = (struct ha_cfg){
		.is_ha = c->node.role == CONF_ROLE_HA,
		.prefixes = s->prefixes,
		.n_prefixes = c->home_agent.n_home_prefixes,
		.addrs = s->addrs,
		.n_addrs = c->home_agent.n_addresses,
		.max_lifetime = c->home_agent.max_binding_lifetime,
		.hop_limit = SIG_HOP_LIMIT,
		.rules = c->home_agent.policy.rules,
		.n_rules = c->home_agent.policy.n_rules,
		.default_deny = c->home_agent.policy.default_action == CONF_ACTION_DENY,
	};
	tb_init(&s->bu_tb, c->home_agent.rate_limits.bu_total, clock_us());
	tb_init(&s->err_tb, c->home_agent.rate_limits.errors, clock_us());
	tb_init(&s->mpa_tb, c->home_agent.rate_limits.dhaad, clock_us());
	memset(s->src, 0, sizeof(s->src));
}

struct sig *
sig_new(const struct conf *c, struct bcache *bc, const struct sig_link_ops *ops, void *ops_arg)
{
	struct sig *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->bc = bc;
	s->ops = ops;
	s->ops_arg = ops_arg;
	sig_configure(s, c);
	if (getrandom(&s->seed, sizeof(s->seed), 0) != sizeof(s->seed))
		s->seed = clock_us() ^ (uint64_t)getpid() << 32;
	return s;
}

/* The same key: SPI, secret, algorithm, replay method and Home Address. */
static bool
sig_same_key(const struct auth_key *a, const struct auth_key *b)
{
	return a != NULL && b != NULL && a->spi == b->spi && a->len == b->len && a->alg == b->alg &&
	       a->replay == b->replay && CRYPTO_memcmp(a->secret, b->secret, a->len) == 0 &&
	       memcmp(&a->hoa, &b->hoa, sizeof(a->hoa)) == 0;
}

/* Sequence-number replay protection survives a restart of mip6ha-cp: a key
 * whose Home Address is bound starts from the binding's number, so an old
 * BU replayed after the restart gets 135. */
static void
sig_seed_replay(struct sig *s)
{
	struct bt_binding b;

	for (size_t i = 0; i < s->auth.n; i++) {
		struct auth_key *k = &s->auth.keys[i];

		if (k->replay == CONF_REPLAY_SEQUENCE && !k->seen &&
		    bt_lookup(bcache_table(s->bc), &k->hoa, &b) > 0) {
			k->seen = true;
			k->last_seq = b.seq;
		}
	}
}

int
sig_reload(struct sig *s, const struct conf *c, FILE *errf)
{
	struct auth_store *st = calloc(1, sizeof(*st));
	uint32_t spi[SIG_DAD_MAX];
	struct sig_dad *d;
	unsigned int i;

	if (st == NULL || auth_store_load(st, c, errf) != 0) {
		if (st != NULL)
			explicit_bzero(st, sizeof(*st));
		free(st);
		return -1;
	}
	/* A key kept as it was keeps its replay state: a BU replayed across a
	 * reload still fails. */
	for (i = 0; i < st->n; i++) {
		const struct auth_key *old = auth_by_spi(&s->auth, st->keys[i].spi);

		if (sig_same_key(old, &st->keys[i])) {
			st->keys[i].seen = old->seen;
			st->keys[i].last_ts = old->last_ts;
			st->keys[i].last_seq = old->last_seq;
		}
	}
	/* BUs waiting for DAD point at keys by address: note the SPIs of those
	 * whose key stays as it was, then point them at the new keys; one whose
	 * key is gone or changed fails (146). */
	for (i = 0; i < s->dad_n; i++) {
		d = &s->dad[(s->dad_head + i) % SIG_DAD_MAX];
		spi[i] = 0;
		if (d->auth.key == NULL)
			continue;
		if (sig_same_key(d->auth.key, auth_by_spi(st, d->auth.key->spi)))
			spi[i] = d->auth.key->spi;
		else
			d->auth = (struct sig_auth){.r = AUTH_FAIL};
	}
	explicit_bzero(&s->auth, sizeof(s->auth));
	s->auth = *st;
	explicit_bzero(st, sizeof(*st));
	free(st);
	for (i = 0; i < s->dad_n; i++) {
		d = &s->dad[(s->dad_head + i) % SIG_DAD_MAX];
		if (spi[i] != 0)
			d->auth.key = auth_by_spi(&s->auth, spi[i]);
	}
	sig_seed_replay(s);
	sig_configure(s, c);
	return 0;
}

/* A token from @p b at rate @p rate a second (burst: one second's worth). */
static bool
sig_take(struct tb *b, uint32_t rate)
{
	return tb_take(b, clock_us(), 1000000, rate, rate);
}

/* home_agent.rate_limits on Mobility Headers: the source's bucket, then the
 * total one (RFC 6275 §11.8's MAX_UPDATE_RATE is 3 a second per node). */
static bool
sig_admit(struct sig *s, const uint8_t *ip)
{
	const struct conf *c = s->c;
	uint64_t w[2], h = s->seed;
	struct sig_src *e;

	if (c->home_agent.rate_limits.bu_per_source != 0) {
		memcpy(w, ip + 8, 16);
		for (int i = 0; i < 2; i++) {
			h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
			h ^= h >> 29;
		}
		e = &s->src[h & (SIG_SRC_SLOTS - 1)];
		if (memcmp(&e->a, ip + 8, 16) != 0) {
			memcpy(&e->a, ip + 8, 16);
			tb_init(&e->tb, c->home_agent.rate_limits.bu_per_source, clock_us());
		}
		if (!sig_take(&e->tb, c->home_agent.rate_limits.bu_per_source))
			return false;
	}
	return sig_take(&s->bu_tb, c->home_agent.rate_limits.bu_total);
}

/* An error-class answer (Binding Error, Parameter Problem, BA 146) may go:
 * RFC 4443 §2.4(f), and no reflection of a spoofed flood. */
static bool
sig_error_ok(struct sig *s)
{
	if (sig_take(&s->err_tb, s->c->home_agent.rate_limits.errors))
		return true;
	s->n.errors_limited++;
	return false;
}

int
sig_load_keys(struct sig *s, FILE *errf)
{
	int errors = auth_store_load(&s->auth, s->c, errf);

	sig_seed_replay(s);
	return errors;
}

void
sig_free(struct sig *s)
{
	if (s == NULL)
		return;
	sig_close(s);
	free(s);
}

void
sig_close(struct sig *s)
{
	if (s->sock != NULL)
		pkt_close(s->sock);
	free(s->sock);
	s->sock = NULL;
}

int
sig_open(struct sig *s, const char *ifname, char *err, size_t errlen)
{
	int rc;

	sig_close(s);
	s->sock = malloc(sizeof(*s->sock));
	if (s->sock == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = pkt_open(s->sock, ifname, PKT_MH, err, errlen);
	if (rc < 0)
		sig_close(s);
	return rc;
}

int
sig_fd(const struct sig *s)
{
	return s->sock != NULL ? s->sock->fd : -1;
}

int
sig_ifindex(const struct sig *s)
{
	return s->sock != NULL ? s->sock->ifindex : 0;
}

/* Queue an IPv6 packet of @p len bytes (already written at the returned
 * frame + 14) to @p eth_dst. */
static uint8_t *
sig_frame(struct sig *s, const uint8_t eth_dst[6], size_t len)
{
	uint8_t *f = pkt_reserve(s->sock, PKT_ETH_HDR + len);

	if (f == NULL)
		return NULL;
	memcpy(f, eth_dst, 6);
	memcpy(f + 6, s->sock->mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	return f + PKT_ETH_HDR;
}

/* A BA, signed with the key that signed the BU (RFC 4285 §5). With
 * timestamps it carries the BU's, or ours when refusing it with 144 (§6). */
static void
sig_send_ba(struct sig *s, const struct mh_ba *ba_in, const struct mh_msg *m,
	    const struct sig_auth *a, const uint8_t eth_dst[6])
{
	uint8_t buf[MH_BA_MAX_PACKET], *f;
	struct mh_ba ba = *ba_in;
	size_t len;

	if (a->key != NULL) {
		ba.auth.on = true;
		ba.auth.spi = a->key->spi;
		ba.auth.has_ts = m->has_ts || ba.status == HA_ID_MISMATCH;
		ba.auth.ts = ba.status == HA_ID_MISMATCH ? auth_ntp_now() : m->ts;
	}
	if (ba.status == HA_AUTH_FAIL && !sig_error_ok(s))
		return;
	len = mh_ba_encode(&ba, buf, sizeof(buf));
	if (len == 0 || (a->key != NULL && !auth_sign(a->key, buf, len)) || s->sock == NULL ||
	    (f = sig_frame(s, eth_dst, len)) == NULL)
		return;
	memcpy(f, buf, len);
	s->n.ba_tx++;
	s->n.ba_status[ba.status]++;
}

static void
sig_send_be(struct sig *s, const struct mh_msg *m, uint8_t status, const uint8_t eth_dst[6])
{
	static const struct in6_addr any;
	uint8_t buf[MH_BE_PACKET], *f;
	size_t len;

	/* §9.3.1: the BE goes to the packet's source, about its Home Address
	 * option's address (:: without one); never to a multicast source. */
	if (s->sock == NULL || m->src.s6_addr[0] == 0xff || !sig_error_ok(s))
		return;
	len = mh_be_encode(&m->dst, &m->src, m->has_hao ? &m->hoa : &any, status, SIG_HOP_LIMIT,
			   buf, sizeof(buf));
	if (len == 0 || (f = sig_frame(s, eth_dst, len)) == NULL)
		return;
	memcpy(f, buf, len);
	s->n.be_tx++;
	s->n.be_status[status < 3 ? status : 0]++;
}

static void
sig_send_param(struct sig *s, const struct mh_msg *m, const uint8_t *ip, size_t len,
	       const uint8_t eth_dst[6])
{
	uint8_t buf[ICMP6_MIN_MTU], *f;
	size_t n;

	/* RFC 4443 §2.4 (e): never about a packet to or from a multicast address. */
	if (s->sock == NULL || m->src.s6_addr[0] == 0xff || m->dst.s6_addr[0] == 0xff ||
	    !sig_error_ok(s))
		return;
	n = icmp6_param_problem(&m->dst, &m->src, 0, m->param_ptr, ip, len, SIG_HOP_LIMIT, buf,
				sizeof(buf));
	if (n == 0 || (f = sig_frame(s, eth_dst, n)) == NULL)
		return;
	memcpy(f, buf, n);
	s->n.param_prob_tx++;
}

static struct sig_dad *
sig_dad_find(struct sig *s, const struct in6_addr *hoa)
{
	unsigned int i;

	for (i = 0; i < s->dad_n; i++) {
		struct sig_dad *d = &s->dad[(s->dad_head + i) % SIG_DAD_MAX];

		if (memcmp(&d->msg.hoa, hoa, sizeof(*hoa)) == 0)
			return d;
	}
	return NULL;
}

/* Start DAD for the BU @p m (the queue has room); its BA waits for the verdict. */
static void
sig_dad_start(struct sig *s, const struct mh_msg *m, const struct sig_auth *a,
	      const uint8_t eth_src[6])
{
	struct sig_dad *e = &s->dad[(s->dad_head + s->dad_n++) % SIG_DAD_MAX];

	e->msg = *m;
	e->auth = *a;
	memcpy(e->eth_src, eth_src, 6);
	e->start_ms = clock_ms();
	e->conflict = false;
	s->n.dad_started++;
	if (s->ops != NULL && s->ops->dad_start != NULL)
		s->ops->dad_start(s->ops_arg, &m->hoa, (m->flags & MH_BU_L) != 0);
}

/* Carry the engine's decision out: the table first, then the answer. */
static void
sig_act(struct sig *s, const struct mh_msg *m, const struct sig_auth *a,
	const struct ha_decision *d, const uint8_t eth_src[6])
{
	struct mh_ba ba;
	int64_t id;

	if (d->discard) {
		s->n.bu_discarded++;
		s->n.discard[d->why]++;
		return;
	}
	ba = d->ba;
	switch (d->op) {
	case HA_OP_DAD:
		sig_dad_start(s, m, a, eth_src);
		return;
	case HA_OP_UPSERT:
		id = bcache_put(s->bc, &d->binding);
		if (id <= 0) {
			/* Lost a race with an operator's `bc add` filling the table. */
			s->n.table_errors++;
			ba.status = HA_NO_RESOURCES;
			ba.lifetime = 0;
			ba.refresh = 0;
		}
		break;
	case HA_OP_DELETE:
		bcache_delete(s->bc, &m->hoa);
		break;
	case HA_OP_NONE:
		break;
	}
	if (d->send_ba)
		sig_send_ba(s, &ba, m, a, eth_src);
}

/* Ask the engine about @p m with what the table knows. */
static void
sig_decide(struct sig *s, const struct mh_msg *m, const struct sig_auth *a, enum ha_dad dad,
	   const uint8_t eth_src[6])
{
	const struct bt *t = bcache_table(s->bc);
	struct bt_binding cur;
	struct ha_decision d;
	struct ha_input in = {
		.msg = m,
		.table_full = bt_count(t) >= bt_capacity(t),
		.now = (uint32_t)time(NULL),
		.dad = dad,
		.auth = a->r,
		.auth_required = s->c->home_agent.auth.required || auth_by_hoa(&s->auth, &m->hoa),
		.key_hoa = a->key != NULL ? &a->key->hoa : NULL,
		.key_seq = a->key != NULL ? a->key->last_seq : 0,
	};

	if (bt_lookup(t, &m->hoa, &cur) > 0)
		in.cur = &cur;
	in.coa_is_hoa = bt_lookup(t, &m->coa, NULL) > 0;
	if (in.dad == HA_DAD_NONE && in.cur == NULL) {
		if (!s->dad_enabled)
			in.dad = HA_DAD_OK;
		else if (sig_dad_find(s, &m->hoa) != NULL)
			in.dad = HA_DAD_RUNNING;
	}
	ha_bu(&s->cfg, &in, &d);
	if (d.op == HA_OP_DAD && s->dad_n == SIG_DAD_MAX) {
		/* No room to wait for DAD: Insufficient resources, as for a
		 * full table; the mobile node retries later. */
		s->n.dad_queue_full++;
		in.table_full = true;
		ha_bu(&s->cfg, &in, &d);
	}
	sig_act(s, m, a, &d, eth_src);
}

/* RFC 6275 §10.6.2: a Mobile Prefix Solicitation from a mobile node away
 * (Home Address option) with a home registration gets the home prefixes, as
 * our Router Advertisements carry them, at its care-of address with a type 2
 * routing header. Anything else gets nothing (matrix N9). */
static void
sig_mps(struct sig *s, const struct mh_msg *m, uint16_t id, const uint8_t eth_src[6])
{
	struct icmp6_prefix p[CONF_LIST_MAX];
	uint8_t buf[MH_IPV6_HDR + MH_RH2_HDR + 8 + 32 * CONF_LIST_MAX], *f;
	struct bt_binding b;
	size_t n, len;

	if (!m->has_hao || bt_lookup(bcache_table(s->bc), &m->hoa, &b) <= 0 ||
	    !(b.flags & BT_F_HOME)) {
		s->n.mps_discarded++;
		return;
	}
	s->n.mps_rx++;
	if (!sig_take(&s->mpa_tb, s->c->home_agent.rate_limits.dhaad)) {
		s->n.mpa_limited++;
		return;
	}
	n = ndisc_prefixes(s->c, p, CONF_LIST_MAX);
	len = icmp6_mpa_packet(&m->dst, &b.coa, &m->hoa, id, p, n, SIG_HOP_LIMIT, buf, sizeof(buf));
	if (len == 0 || s->sock == NULL || (f = sig_frame(s, eth_src, len)) == NULL)
		return;
	memcpy(f, buf, len);
	s->n.mpa_tx++;
}

/* RFC 6275 §9.3.1: a packet other than a BU whose Home Address option names
 * no binding at that source is dropped, with Binding Error 1 to its source;
 * one with a Home Address that cannot be one is dropped silently (matrix F6). */
static void
sig_hao(struct sig *s, const struct mh_msg *m, const uint8_t eth_src[6])
{
	struct bt_binding b;

	if (!ha_addr_routable(&m->hoa) || !ha_addr_routable(&m->src)) {
		s->n.hao_discarded++;
		return;
	}
	if (bt_lookup(bcache_table(s->bc), &m->hoa, &b) > 0 &&
	    memcmp(&b.coa, &m->src, sizeof(b.coa)) == 0) {
		s->n.hao_discarded++; /* bound meanwhile: the dataplane takes the next */
		return;
	}
	sig_send_be(s, m, MH_BE_UNKNOWN_HAO, eth_src);
}

void
sig_packet(struct sig *s, const uint8_t *ip, size_t len, const uint8_t eth_src[6],
	   const uint8_t eth_dst[6])
{
	struct mh_msg m;
	struct sig_auth a;
	enum mh_err e;
	uint16_t id;

	(void)eth_dst;
	if (len >= MH_IPV6_HDR && !sig_admit(s, ip)) {
		s->n.rate_limited++;
		return;
	}
	e = mh_decode(ip, len, &m);
	switch (e) {
	case MH_OK:
		break;
	case MH_ERR_DISCARD:
		if (mh_decode_mps(ip, len, &m, &id)) {
			sig_mps(s, &m, id, eth_src);
			return;
		}
		if (!mh_decode_hao(ip, len, &m)) {
			s->n.mh_discarded++;
			return;
		}
		sig_hao(s, &m, eth_src);
		return;
	case MH_ERR_BE_TYPE:
		sig_send_be(s, &m, MH_BE_UNKNOWN_TYPE, eth_src);
		return;
	case MH_ERR_PARAM_PROTO:
	case MH_ERR_PARAM_LEN:
		sig_send_param(s, &m, ip, len, eth_src);
		return;
	}
	if (m.type != MH_BU) {
		/* A BA, BE, BRR or return-routability message: a home agent
		 * without route optimisation solicits none of them (matrix M7 - M9). */
		s->n.bu_discarded++;
		s->n.discard[HA_DISCARD_NOT_BU]++;
		return;
	}
	s->n.bu_rx++;
	/* With auth.required a Home Address without a key can never register:
	 * no HMAC is spent on it (a flood of random Home Addresses). */
	if (s->c->home_agent.auth.required && auth_by_hoa(&s->auth, &m.hoa) == NULL)
		a = (struct sig_auth){.r = AUTH_ABSENT};
	else
		a.r = auth_check_bu(&s->auth, ip, len, &m, auth_ntp_now(), &a.key);
	if (a.r == AUTH_OK)
		s->n.bu_auth_ok++;
	sig_decide(s, &m, &a, HA_DAD_NONE, eth_src);
}

void
sig_input(struct sig *s)
{
	int i, n;

	do {
		n = pkt_recv(s->sock);
		for (i = 0; i < n; i++) {
			const uint8_t *f = s->sock->frames[i];

			s->n.rx_frames++;
			if (s->sock->len[i] < PKT_ETH_HDR + MH_IPV6_HDR || f[12] != 0x86 ||
			    f[13] != 0xdd) {
				s->n.rx_malformed++;
				continue;
			}
			sig_packet(s, f + PKT_ETH_HDR, s->sock->len[i] - PKT_ETH_HDR, f + 6, f);
		}
		pkt_flush(s->sock);
	} while (n == PKT_BATCH);
}

void
sig_dad_conflict(struct sig *s, const struct in6_addr *a)
{
	static const uint8_t ll[8] = {0xfe, 0x80};
	bool is_ll = memcmp(a->s6_addr, ll, sizeof(ll)) == 0;
	unsigned int i;

	/* The HoA itself, or with L = 1 its link-local address: fe80:: and
	 * the same interface identifier (RFC 6275 §10.3.1). */
	for (i = 0; i < s->dad_n; i++) {
		struct sig_dad *d = &s->dad[(s->dad_head + i) % SIG_DAD_MAX];

		if (memcmp(&d->msg.hoa, a, sizeof(*a)) == 0 ||
		    (is_ll && (d->msg.flags & MH_BU_L) &&
		     memcmp(d->msg.hoa.s6_addr + 8, a->s6_addr + 8, 8) == 0))
			d->conflict = true;
	}
}

int
sig_dad_timeout_ms(const struct sig *s, uint64_t now_ms)
{
	uint64_t end;

	if (s->dad_n == 0)
		return -1;
	end = s->dad[s->dad_head].start_ms + SIG_DAD_WAIT_MS;
	return end > now_ms ? (int)(end - now_ms) : 0;
}

void
sig_tick(struct sig *s, uint64_t now_ms)
{
	bcache_expire(s->bc, (uint32_t)time(NULL));
	while (s->dad_n > 0) {
		struct sig_dad d = s->dad[s->dad_head];

		if (d.start_ms + SIG_DAD_WAIT_MS > now_ms)
			break;
		s->dad_head = (s->dad_head + 1) % SIG_DAD_MAX;
		s->dad_n--;
		if (d.conflict)
			s->n.dad_failed++;
		/* Decide again: the table may have changed while we waited. */
		sig_decide(s, &d.msg, &d.auth, d.conflict ? HA_DAD_FAILED : HA_DAD_OK, d.eth_src);
	}
	if (s->sock != NULL)
		pkt_flush(s->sock);
}

const struct sig_counters *
sig_counters(const struct sig *s)
{
	return &s->n;
}

void
sig_print_stats(const struct sig *s, FILE *out, bool json)
{
	const struct sig_counters *n = &s->n;
	const char *sep = "";
	unsigned int i;

	if (json) {
		fputs("\"signalling\":{", out);
#define SIG_JSON(f) fprintf(out, "\"" #f "\":%llu,", (unsigned long long)n->f);
		SIG_COUNTERS(SIG_JSON)
#undef SIG_JSON
		fprintf(out, "\"dad_running\":%u,\"ba_status\":{", s->dad_n);
		for (i = 0; i < 256; i++)
			if (n->ba_status[i] != 0) {
				fprintf(out, "%s\"%u\":%llu", sep, i,
					(unsigned long long)n->ba_status[i]);
				sep = ",";
			}
		fprintf(out, "},\"be_status\":{\"1\":%llu,\"2\":%llu},\"discards\":{",
			(unsigned long long)n->be_status[1], (unsigned long long)n->be_status[2]);
		for (i = 0; i < HA_DISCARD_COUNT; i++)
			fprintf(out, "%s\"%s\":%llu", i ? "," : "", ha_discard_name(i),
				(unsigned long long)n->discard[i]);
		fputs("}}", out);
		return;
	}
	fputs("signalling\n", out);
#define SIG_TEXT(f) fprintf(out, "  %-22s %llu\n", #f, (unsigned long long)n->f);
	SIG_COUNTERS(SIG_TEXT)
#undef SIG_TEXT
	fprintf(out, "  %-22s %u\n", "dad_running", s->dad_n);
	fputs("binding acknowledgements by status\n", out);
	for (i = 0; i < 256; i++)
		if (n->ba_status[i] != 0)
			fprintf(out, "  %3u %-28s %llu\n", i, mh_ba_status_name(i),
				(unsigned long long)n->ba_status[i]);
	fprintf(out,
		"binding errors by status\n  1 unknown home address option %llu\n"
		"  2 unrecognized MH type        %llu\n",
		(unsigned long long)n->be_status[1], (unsigned long long)n->be_status[2]);
	fputs("binding updates discarded\n", out);
	for (i = 0; i < HA_DISCARD_COUNT; i++)
		fprintf(out, "  %-22s %llu\n", ha_discard_name(i),
			(unsigned long long)n->discard[i]);
}

void
sig_print_prometheus(const struct sig *s, FILE *out)
{
	unsigned int i;

#define SIG_PROM(f)                                                                                \
	fprintf(out,                                                                               \
		"# HELP mip6ha_signalling_" #f "_total mip6ha-cp signalling counter " #f           \
		".\n# TYPE mip6ha_signalling_" #f "_total counter\nmip6ha_signalling_" #f          \
		"_total %llu\n",                                                                   \
		(unsigned long long)s->n.f);
	SIG_COUNTERS(SIG_PROM)
#undef SIG_PROM
	fputs("# HELP mip6ha_binding_acks_total Binding Acknowledgements sent, by status.\n"
	      "# TYPE mip6ha_binding_acks_total counter\n",
	      out);
	for (i = 0; i < 256; i++)
		if (i == 0 || s->n.ba_status[i] != 0)
			fprintf(out, "mip6ha_binding_acks_total{status=\"%u\",name=\"%s\"} %llu\n",
				i, mh_ba_status_name(i), (unsigned long long)s->n.ba_status[i]);
	fputs("# HELP mip6ha_binding_errors_total Binding Errors sent, by status.\n"
	      "# TYPE mip6ha_binding_errors_total counter\n",
	      out);
	for (i = 1; i < 3; i++)
		fprintf(out, "mip6ha_binding_errors_total{status=\"%u\"} %llu\n", i,
			(unsigned long long)s->n.be_status[i]);
	fputs("# HELP mip6ha_binding_update_discards_total Binding Updates discarded silently, by "
	      "reason.\n# TYPE mip6ha_binding_update_discards_total counter\n",
	      out);
	for (i = 0; i < HA_DISCARD_COUNT; i++)
		fprintf(out, "mip6ha_binding_update_discards_total{reason=\"%s\"} %llu\n",
			ha_discard_name((enum ha_discard)i), (unsigned long long)s->n.discard[i]);
}
