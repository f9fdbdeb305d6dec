/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker: rx burst -> parse -> one bulk binding lookup -> per packet
 * encapsulate (RFC 2473), decapsulate (RFC 6275 §10.4.5), route, or hand to the
 * kernel; no locks, no syscalls while traffic flows, every drop counted by
 * reason (stats.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"
#include "parse.h"

#define DP_ICMP_MPS	146  /* Mobile Prefix Solicitation */
#define DP_OPT_EXP_SKIP 0x1e /* RFC 4727 experiment, action 00: skip it */
#define DP_IDLE_SPIN	4    /* empty polls before yielding: a process sharing the CPU runs soon */
#define DP_IDLE_SLEEP	1024
#define DP_SLEEP_MAX_US 200
#define DP_TAP_POLL_US	50
#define DP_SIG_POLL_US	1000 /* the signalling tap on every loop this long after a BU */

static inline void
dp_punt(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, enum dp_event why)
{
	struct dp_port *p = &lc->dp->ports[pidx];
	uint16_t tap = p->kind == DP_PORT_DATA ? p->peer : pidx;

	dp_event(lc, why);
	dp_tx(lc, tap, m);
}

/* The kernel of @p data_pidx's tap forwards a frame we could not resolve. */
static void
dp_punt_to_kernel(struct dp_lcore *lc, uint16_t data_pidx, struct rte_mbuf *m, enum dp_event why)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&lc->dp->ports[data_pidx].mac, &eth->dst_addr);
	dp_punt(lc, data_pidx, m, why);
}

/*
 * Parse Ethernet and IPv6 of a frame from a data port. @return true when the
 * packet goes on to the lookup; false when it was dropped or punted here.
 */
static bool
dp_parse(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, struct dp_meta *meta)
{
	const struct dp_port *p = &lc->dp->ports[pidx];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m), plen;
	struct rte_ipv6_hdr *ip;
	int rc;

	if (len < RTE_ETHER_HDR_LEN || m->nb_segs != 1) {
		dp_drop(lc, m, DP_DROP_MALFORMED);
		return false;
	}
	if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &p->mac)) {
		dp_drop(lc, m, DP_DROP_OTHERHOST);
		return false;
	}
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		dp_punt(lc, pidx, m, DP_EV_PUNT_TAP); /* ARP, IPv4, LLDP: the kernel's */
		return false;
	}
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* F1: short, not version 6, or a payload length past the frame (also a
	 * jumbogram's 0, E9: no link we drive carries one). */
	if (len < DP_ENCAP_HDR ||
	    (ip->vtc_flow & rte_cpu_to_be_32(0xf0000000)) != rte_cpu_to_be_32(0x60000000) ||
	    plen == 0 || plen > len - DP_ENCAP_HDR) {
		dp_drop(lc, m, DP_DROP_MALFORMED);
		return false;
	}
	/* F2: trailing Ethernet padding is not payload. */
	if (plen < len - DP_ENCAP_HDR)
		rte_pktmbuf_trim(m, (uint16_t)(len - DP_ENCAP_HDR - plen));
	meta->ip = ip;
	rc = dp_parse_chain((const uint8_t *)ip, plen + (uint32_t)sizeof(*ip), meta);
	if (rc >= 0) {
		dp_drop(lc, m, (enum dp_drop)rc);
		return false;
	}
	/* Link-scoped and multicast destinations are never tunnelled (E2, E3):
	 * the kernel answers, or reports the MN's link-local unreachable. Nor is
	 * ND to a bound HoA: the kernel proxies for it (RFC 6275 §10.4.1). */
	if (dp_addr_multicast(ip->dst_addr) || dp_addr_linklocal(ip->dst_addr) ||
	    dp_is_nd(meta, plen + (uint32_t)sizeof(*ip)) ||
	    !rte_is_unicast_ether_addr(&eth->dst_addr)) {
		dp_punt(lc, pidx, m, DP_EV_PUNT_TAP);
		return false;
	}
	return true;
}

/*
 * The common case, decided from the first 55 bytes without a call: a unicast
 * frame to this port, IPv6 with the exact payload length, no extension header,
 * not ND, to a global unicast destination. Anything else takes dp_parse().
 */
static inline bool
dp_parse_fast(uint64_t port_mac, struct rte_mbuf *m, struct dp_meta *meta)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), w;
	uint64_t dst;
	uint16_t plen;
	uint8_t nh;

	if (len <= DP_ENCAP_HDR || m->nb_segs != 1)
		return false;
	memcpy(&dst, d, sizeof(dst));
	memcpy(&w, d + 12, sizeof(w));
	memcpy(&plen, d + 18, sizeof(plen));
	nh = d[20];
	/* Destination MAC, EtherType 0x86dd and version 6 (little-endian loads). */
	if (((dst ^ port_mac) & 0xffffffffffffULL) != 0 || (w & 0x00f0ffffu) != 0x0060dd86u ||
	    rte_be_to_cpu_16(plen) != len - DP_ENCAP_HDR)
		return false;
	if (nh == DP_NH_HOPOPT || nh == DP_NH_ROUTING || nh == DP_NH_FRAG || nh == DP_NH_DSTOPT ||
	    (nh == DP_NH_ICMPV6 && d[DP_ENCAP_HDR] >= 133 && d[DP_ENCAP_HDR] <= 137) ||
	    dp_addr_multicast(d + 38) || dp_addr_linklocal(d + 38))
		return false;
	meta->ip = (struct rte_ipv6_hdr *)(uintptr_t)(d + RTE_ETHER_HDR_LEN);
	meta->l4off = sizeof(struct rte_ipv6_hdr);
	meta->nh = nh;
	meta->flags = 0;
	meta->hao_off = 0;
	meta->tel_off = 0;
	meta->tel = 0;
	return true;
}

static uint32_t
dp_flow_label(const struct rte_ipv6_hdr *ip)
{
	uint32_t fl = rte_be_to_cpu_32(ip->vtc_flow) & RTE_IPV6_HDR_FL_MASK;
	uint64_t w[2], h;

	if (fl != 0)
		return fl;
	/* RFC 6438: a tunnel entry point gives flows distinct outer labels; the
	 * inner source's interface identifier and the destination's prefix are
	 * what this header can see cheaply. Never 0. */
	memcpy(&w[0], ip->src_addr + 8, 8);
	memcpy(&w[1], ip->dst_addr, 8);
	h = (w[0] ^ w[1]) * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h >> 44) | 1u;
}

/* The two slots a HoA may occupy (two choices keep collisions rare). */
static inline void
dp_cache_slots(const uint8_t *hoa, uint32_t *s1, uint32_t *s2)
{
	uint64_t w[2], x;

	memcpy(w, hoa, sizeof(w));
	x = w[0] ^ w[1];
	*s1 = (uint32_t)((x * 0x9e3779b97f4a7c15ULL) >> (64 - DP_CACHE_BITS));
	*s2 = (uint32_t)((x * 0xc2b2ae3d27d4eb4fULL) >> (64 - DP_CACHE_BITS));
}

static inline bool
dp_cache_same(const struct dp_cache_ent *e, const uint8_t *hoa)
{
	return dp_addr_eq(e->hoa, hoa);
}

/* Entry @p e is @p hoa's, resolved against this FIB. An empty entry never
 * matches: its epoch is 0, a FIB snapshot's never is. */
static inline bool
dp_cache_valid(const struct dp_lcore *lc, const struct dp_cache_ent *e, const uint8_t *hoa)
{
	return dp_cache_same(e, hoa) && e->epoch == lc->fib->epoch;
}

static inline bool
dp_cache_current(const struct dp_lcore *lc, const struct dp_cache_ent *e)
{
	return bt_version(lc->dp->bt_ents, e->id) == e->ver;
}

static inline bool
dp_cache_live(const struct dp_lcore *lc, const struct dp_cache_ent *e)
{
	return e->epoch == lc->fib->epoch && dp_cache_current(lc, e);
}

/* @p hoa's entry in slot @p s1 or @p s2 if resolved against this FIB, else
 * NULL; the binding's version is not checked yet. */
static inline const struct dp_cache_ent *
dp_cache_find(const struct dp_lcore *lc, uint32_t s1, uint32_t s2, const uint8_t *hoa)
{
	const struct dp_cache_ent *e = &lc->cache[s1];

	if (!dp_cache_valid(lc, e, hoa))
		e = &lc->cache[s2];
	return dp_cache_valid(lc, e, hoa) ? e : NULL;
}

/* @p hoa's cache entry if it holds the binding as it is now, else NULL. */
static inline const struct dp_cache_ent *
dp_cache_lookup(const struct dp_lcore *lc, const uint8_t *hoa)
{
	const struct dp_cache_ent *e;
	uint32_t s1, s2;

	dp_cache_slots(hoa, &s1, &s2);
	e = dp_cache_find(lc, s1, s2, hoa);
	return e != NULL && dp_cache_current(lc, e) ? e : NULL;
}

/* Where binding @p b goes: the slot it has, else a free or stale one, else a
 * victim (chosen by the id, so two HoAs do not keep evicting the same way). */
static struct dp_cache_ent *
dp_cache_place(struct dp_lcore *lc, const struct bt_binding *b, uint32_t id)
{
	struct dp_cache_ent *e1, *e2;
	uint32_t s1, s2;

	dp_cache_slots(b->hoa.s6_addr, &s1, &s2);
	e1 = &lc->cache[s1];
	e2 = &lc->cache[s2];
	if (dp_cache_same(e1, b->hoa.s6_addr))
		return e1;
	if (dp_cache_same(e2, b->hoa.s6_addr))
		return e2;
	if (!dp_cache_live(lc, e1))
		return e1;
	if (!dp_cache_live(lc, e2))
		return e2;
	return id & 1 ? e2 : e1;
}

/* Resolve binding @p b (id @p id, just read) into its cache entry. NULL when
 * its CoA has no route. */
static const struct dp_cache_ent *
dp_cache_fill(struct dp_lcore *lc, const struct bt_binding *b, uint32_t id)
{
	const struct dp *dp = lc->dp;
	struct dp_cache_ent *e;
	struct rte_ether_addr mac;
	uint16_t port;
	int rc;

	rc = dp_nh_lookup(lc->fib, b->coa.s6_addr, &port, &mac);
	if (rc < 0)
		return NULL;
	e = dp_cache_place(lc, b, id);
	memcpy(e->hoa, &b->hoa, sizeof(e->hoa));
	memcpy(e->coa, &b->coa, sizeof(e->coa));
	/* Unresolved: the kernel behind the egress tap resolves and forwards. */
	e->dmac = rc == 1 ? dp->ports[port].mac : mac;
	e->smac = dp->ports[port].mac;
	e->id = id;
	e->ver = b->version;
	e->epoch = lc->fib->epoch;
	e->port = port;
	e->ha_idx = b->ha_idx;
	e->punt = rc == 1;
	/* The kernel that resolves the next hop forwards, and decrements, once. */
	e->hlim = rc == 1 && dp->tunnel_hop_limit < 255 ? dp->tunnel_hop_limit + 1
							: dp->tunnel_hop_limit;
	return e;
}

/* Is @p dst a bound HoA? One lookup, then its cache entry in @p e (NULL: no
 * route to the CoA). */
static bool
dp_bound(struct dp_lcore *lc, const uint8_t *dst, const struct dp_cache_ent **e)
{
	struct bt_binding b;
	int64_t id = bt_lookup(lc->dp->bt, (const struct in6_addr *)(const void *)dst, &b);

	if (id <= 0)
		return false;
	*e = dp_cache_fill(lc, &b, (uint32_t)id);
	return true;
}

/* RFC 2473 §5.1: the option this packet's tunnel header carries, if any. */
static int
dp_encap_limit(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, const struct dp_meta *mt,
	       const struct dp_cache_ent *e)
{
	if (!(mt->flags & DP_M_TEL))
		return lc->dp->encap_limit;
	if (mt->tel == 0) {
		dp_icmp_error(lc, pidx, m, 4, 0, mt->tel_off, dp_ha_src(lc->dp, e->ha_idx));
		return -2;
	}
	return mt->tel - 1;
}

/*
 * RFC 2473 encapsulation of a packet to a bound HoA, from its cache entry
 * @p e (NULL: the CoA has no route). The inner hop limit is decremented first,
 * as a router's would be; the outer traffic class copies the inner one
 * (RFC 6040 normal mode), the flow label follows RFC 6438.
 */
static inline __attribute__((always_inline)) void
dp_encap(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, const struct dp_meta *mt,
	 const struct dp_cache_ent *e)
{
	struct dp *dp = lc->dp;
	struct rte_ipv6_hdr *ip = mt->ip, *o;
	struct rte_ether_hdr *eth;
	uint32_t inner = rte_be_to_cpu_16(ip->payload_len) + (uint32_t)sizeof(*ip), over, tc;
	int tel;

	if (e == NULL) {
		/* Back into the tap it came from would loop through the kernel. */
		if (dp->ports[pidx].kind != DP_PORT_DATA)
			dp_drop(lc, m, DP_DROP_NO_ROUTE);
		else
			dp_punt(lc, pidx, m, DP_EV_PUNT_NO_ROUTE);
		return;
	}
	if (dp_addr_eq(ip->src_addr, e->coa)) {
		dp_drop(lc, m, DP_DROP_ENCAP_LOOP); /* E7 */
		return;
	}
	if (ip->hop_limits <= 1) {
		dp_punt(lc, pidx, m, DP_EV_PUNT_HOPLIMIT); /* E1: Time Exceeded by the kernel */
		return;
	}
	tel = dp_encap_limit(lc, pidx, m, mt, e);
	if (tel == -2) {
		dp_drop(lc, m, DP_DROP_ENCAP_LIMIT); /* E4 */
		return;
	}
	over = (uint32_t)sizeof(*o) + (tel >= 0 ? 8u : 0u);
	if (inner + over > dp->ports[e->port].mtu) {
		/* RFC 2473 §7.1 (E5): never a silent drop. */
		uint32_t tmtu = dp->ports[e->port].mtu - over;

		dp_icmp_error(lc, pidx, m, 2, 0, tmtu > DP_MIN_MTU ? tmtu : DP_MIN_MTU,
			      dp_ha_src(dp, e->ha_idx));
		dp_drop(lc, m, DP_DROP_TOO_BIG);
		return;
	}
	ip->hop_limits--;
	tc = (rte_be_to_cpu_32(ip->vtc_flow) >> RTE_IPV6_HDR_TC_SHIFT) & 0xff;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, (uint16_t)over);
	if (eth == NULL) {
		dp_drop(lc, m, DP_DROP_NO_HEADROOM);
		return;
	}
	o = (struct rte_ipv6_hdr *)(eth + 1);
	eth->dst_addr = e->dmac;
	eth->src_addr = e->smac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	o->vtc_flow =
		rte_cpu_to_be_32(0x60000000u | tc << RTE_IPV6_HDR_TC_SHIFT | dp_flow_label(ip));
	o->payload_len = rte_cpu_to_be_16((uint16_t)(inner + over - sizeof(*o)));
	o->proto = DP_NH_IPV6;
	o->hop_limits = e->hlim;
	memcpy(o->src_addr, dp_ha_src(dp, e->ha_idx), 16);
	memcpy(o->dst_addr, e->coa, 16);
	if (tel >= 0) {
		/* Destination Options: Tunnel Encapsulation Limit, then PadN(1). */
		uint8_t *d = (uint8_t *)(o + 1);

		o->proto = DP_NH_DSTOPT;
		d[0] = DP_NH_IPV6;
		d[1] = 0;
		d[2] = DP_OPT_TEL;
		d[3] = 1;
		d[4] = (uint8_t)tel;
		d[5] = 1;
		d[6] = 1;
		d[7] = 0;
	}
	dp_event(lc, DP_EV_ENCAP);
	stats_add(&lc->bst[e->id].encap_pkts, 1);
	stats_add(&lc->bst[e->id].encap_bytes, inner);
	if (e->punt)
		dp_punt(lc, e->port, m, DP_EV_PUNT_NO_NEIGH);
	else
		dp_tx(lc, e->port, m);
}

static inline struct dp_nh_ent *
dp_nhc_slot(const struct dp_lcore *lc, const uint8_t *dst)
{
	uint64_t w[2];

	memcpy(w, dst, sizeof(w));
	return &lc->nhc[((w[0] ^ w[1]) * 0x9e3779b97f4a7c15ULL) >> 52];
}

/* @p dst's entry, taken over (nothing known yet) if it held another address. */
static inline struct dp_nh_ent *
dp_nhc_claim(struct dp_lcore *lc, const uint8_t *dst)
{
	struct dp_nh_ent *e = dp_nhc_slot(lc, dst);

	if (!dp_addr_eq(e->dst, dst)) {
		memcpy(e->dst, dst, 16);
		e->epoch = 0;
		e->unbound_gen = 0;
	}
	return e;
}

/* dp_nh_lookup() through a small per-worker cache keyed by destination. */
static int
dp_nh_cached(struct dp_lcore *lc, const uint8_t *dst, uint16_t *port, struct rte_ether_addr *mac)
{
	struct dp_nh_ent *e = dp_nhc_claim(lc, dst);

	if (e->epoch != lc->fib->epoch) {
		e->rc = (int8_t)dp_nh_lookup(lc->fib, dst, &e->port, &e->mac);
		e->epoch = lc->fib->epoch;
	}
	*port = e->port;
	*mac = e->mac;
	return e->rc;
}

/* @p dst was looked up and missed since the last insertion into the table. */
static inline bool
dp_known_unbound(const struct dp_lcore *lc, const uint8_t *dst)
{
	const struct dp_nh_ent *e = dp_nhc_slot(lc, dst);

	return e->unbound_gen == lc->gen && dp_addr_eq(e->dst, dst);
}

/* Remember that a lookup of @p dst in this burst missed. */
static inline void
dp_note_unbound(struct dp_lcore *lc, const uint8_t *dst)
{
	dp_nhc_claim(lc, dst)->unbound_gen = lc->gen;
}

/* Plain IPv6 routing through the FIB snapshot. */
static void
dp_forward(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, const struct dp_meta *mt,
	   bool src_checked)
{
	struct rte_ipv6_hdr *ip = mt->ip;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr mac;
	uint16_t port;
	int rc = dp_nh_cached(lc, ip->dst_addr, &port, &mac);

	/* RFC 4291: link-local, multicast or unspecified sources stay on their link. */
	if (!src_checked && dp_addr_bad_src(ip->src_addr)) {
		dp_punt(lc, pidx, m, DP_EV_PUNT_TAP);
		return;
	}
	if (rc == -3) {
		dp_drop(lc, m, DP_DROP_BLACKHOLE);
		return;
	}
	if (rc == -1 || rc == -2) {
		dp_punt(lc, pidx, m, rc == -1 ? DP_EV_PUNT_NO_ROUTE : DP_EV_PUNT_TAP);
		return;
	}
	/* The kernel sends Time Exceeded and Packet Too Big for routed traffic. */
	if (ip->hop_limits <= 1 ||
	    rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN > lc->dp->ports[port].mtu) {
		dp_punt(lc, pidx, m, DP_EV_PUNT_HOPLIMIT);
		return;
	}
	if (rc == 1) {
		dp_punt_to_kernel(lc, port, m, DP_EV_PUNT_NO_NEIGH);
		return;
	}
	ip->hop_limits--;
	rte_ether_addr_copy(&mac, &eth->dst_addr);
	rte_ether_addr_copy(&lc->dp->ports[port].mac, &eth->src_addr);
	dp_event(lc, DP_EV_FORWARD);
	dp_tx(lc, port, m);
}

struct dp_dec {
	struct rte_mbuf *m;
	struct dp_meta outer;
	struct dp_meta inner;
};

/* Checks on the inner packet that need no lookup (D2, D4, D5): parse.h. */
static bool
dp_decap_pre(struct dp_lcore *lc, struct dp_dec *d)
{
	const uint8_t *ob = (const uint8_t *)d->outer.ip;
	uint32_t olen = rte_be_to_cpu_16(d->outer.ip->payload_len) + 40u, off = 0;
	int rc = dp_inner_check(ob, olen, &d->outer, &d->inner, &off);

	if (rc >= 0) {
		dp_drop(lc, d->m, (enum dp_drop)rc);
		return false;
	}
	d->inner.ip = (struct rte_ipv6_hdr *)(uintptr_t)(ob + off);
	return true;
}

/* RFC 6040 §4.2 decapsulation: CE outside marks ECT inside, drops Not-ECT. */
static bool
dp_decap_ecn(struct rte_ipv6_hdr *outer, struct rte_ipv6_hdr *in)
{
	uint32_t ov = rte_be_to_cpu_32(outer->vtc_flow), iv = rte_be_to_cpu_32(in->vtc_flow);

	/* Figure 4: an ECT(1) outer turns an ECT(0) inner into ECT(1). */
	if (((ov >> RTE_IPV6_HDR_TC_SHIFT) & 3) == 1 && ((iv >> RTE_IPV6_HDR_TC_SHIFT) & 3) == 2)
		in->vtc_flow = rte_cpu_to_be_32((iv & ~(3u << RTE_IPV6_HDR_TC_SHIFT)) |
						1u << RTE_IPV6_HDR_TC_SHIFT);
	if (((ov >> RTE_IPV6_HDR_TC_SHIFT) & 3) != 3)
		return true;
	if (((iv >> RTE_IPV6_HDR_TC_SHIFT) & 3) == 0)
		return false;
	in->vtc_flow = rte_cpu_to_be_32(iv | 3u << RTE_IPV6_HDR_TC_SHIFT);
	return true;
}

/* Accepted reverse-tunnel packet: strip the outer header and route the inner.
 * The inner source's binding: CoA @p coa, HA address @p ha_idx, id @p sid. The
 * inner destination, when bound (@p dst_bound), is tunnelled again with @p de. */
static void
dp_decap_one(struct dp_lcore *lc, uint16_t pidx, struct dp_dec *d, const uint8_t *coa,
	     uint8_t ha_idx, uint32_t sid, bool dst_bound, const struct dp_cache_ent *de)
{
	struct rte_ipv6_hdr *in = d->inner.ip;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(d->m, struct rte_ether_hdr *), *ne;
	struct rte_ether_addr smac = eth->src_addr;
	uint32_t ilen = rte_be_to_cpu_16(in->payload_len) + 40u;
	uint16_t strip = (uint16_t)(d->outer.l4off);

	if (!dp_addr_eq(coa, d->outer.ip->src_addr) ||
	    !dp_addr_eq(dp_ha_src(lc->dp, ha_idx), d->outer.ip->dst_addr)) {
		dp_drop(lc, d->m, DP_DROP_SPOOFED); /* D1, D3 */
		return;
	}
	if (dp_addr_eq(in->dst_addr, in->src_addr)) {
		dp_drop(lc, d->m, DP_DROP_DECAP_LOOP); /* D6 */
		return;
	}
	if (!dp_decap_ecn(d->outer.ip, in)) {
		dp_drop(lc, d->m, DP_DROP_ECN_CE_NOT_ECT); /* D10 */
		return;
	}
	stats_add(&lc->bst[sid].decap_pkts, 1);
	stats_add(&lc->bst[sid].decap_bytes, ilen);
	dp_event(lc, DP_EV_DECAP);
	rte_pktmbuf_adj(d->m, strip);
	rte_pktmbuf_trim(d->m, (uint16_t)(rte_pktmbuf_data_len(d->m) - RTE_ETHER_HDR_LEN - ilen));
	ne = rte_pktmbuf_mtod(d->m, struct rte_ether_hdr *);
	ne->src_addr = smac;
	rte_ether_addr_copy(&lc->dp->ports[pidx].mac, &ne->dst_addr);
	ne->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	d->inner.ip = (struct rte_ipv6_hdr *)(ne + 1);
	if (dst_bound) {
		dp_event(lc, DP_EV_HAIRPIN); /* D6: another MN served here */
		dp_encap(lc, pidx, d->m, &d->inner, de);
	} else if (dp_addr_multicast(in->dst_addr) || dp_addr_linklocal(in->dst_addr)) {
		dp_punt(lc, pidx, d->m, DP_EV_PUNT_TAP);
	} else {
		dp_forward(lc, pidx, d->m, &d->inner, true); /* dp_decap_pre() did */
	}
}

/*
 * The common reverse tunnel in one pass: outer and inner headers without
 * extension headers, the inner source in the binding cache (@p se, found by
 * dp_cache_find() for plain outer headers only; NULL: not there), the inner
 * destination a correspondent (known unbound) with a resolved next hop. The
 * same checks as dp_decap_pre(), dp_decap_one() and dp_forward() in the same
 * order of outcome. @return false, with nothing changed, for anything else.
 */
static inline bool
dp_decap_fast(struct dp_lcore *lc, struct dp_dec *d, const struct dp_cache_ent *se)
{
	struct rte_ipv6_hdr *o = d->outer.ip, *in = o + 1;
	uint32_t avail = rte_be_to_cpu_16(o->payload_len), ilen;
	const struct dp_nh_ent *ne;
	struct rte_ether_hdr *eth;
	uint8_t nh;

	/* A cache entry was looked for only where the outer header is plain and
	 * a whole inner header follows (dp_decap_burst()). */
	if (se == NULL || !dp_cache_current(lc, se) || d->outer.flags != 0 ||
	    (in->vtc_flow & rte_cpu_to_be_32(0xf0000000)) != rte_cpu_to_be_32(0x60000000))
		return false;
	ilen = rte_be_to_cpu_16(in->payload_len) + (uint32_t)sizeof(*in);
	nh = in->proto;
	if (ilen > avail || ilen == sizeof(*in) || nh == DP_NH_HOPOPT || nh == DP_NH_ROUTING ||
	    nh == DP_NH_FRAG || nh == DP_NH_DSTOPT || nh == DP_NH_IPV6 || nh == DP_NH_IPIP ||
	    in->hop_limits <= 1 || dp_addr_bad_src(in->src_addr) ||
	    dp_addr_multicast(in->dst_addr) || dp_addr_linklocal(in->dst_addr))
		return false;
	ne = dp_nhc_slot(lc, in->dst_addr);
	if (ne->unbound_gen != lc->gen || ne->epoch != lc->fib->epoch || ne->rc != 0 ||
	    !dp_addr_eq(ne->dst, in->dst_addr) || ilen > lc->dp->ports[ne->port].mtu)
		return false;
	if (!dp_addr_eq(se->coa, o->src_addr) ||
	    !dp_addr_eq(dp_ha_src(lc->dp, se->ha_idx), o->dst_addr)) {
		dp_drop(lc, d->m, DP_DROP_SPOOFED); /* D1, D3 */
		return true;
	}
	/* No D6 check: the destination is unbound, the source bound. */
	if (!dp_decap_ecn(o, in)) {
		dp_drop(lc, d->m, DP_DROP_ECN_CE_NOT_ECT); /* D10 */
		return true;
	}
	stats_add(&lc->bst[se->id].decap_pkts, 1);
	stats_add(&lc->bst[se->id].decap_bytes, ilen);
	dp_event(lc, DP_EV_DECAP);
	dp_event(lc, DP_EV_FORWARD);
	in->hop_limits--;
	d->m->data_off += (uint16_t)sizeof(*o);
	d->m->data_len = (uint16_t)(RTE_ETHER_HDR_LEN + ilen);
	d->m->pkt_len = d->m->data_len;
	eth = rte_pktmbuf_mtod(d->m, struct rte_ether_hdr *);
	eth->dst_addr = ne->mac;
	eth->src_addr = lc->dp->ports[ne->port].mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	dp_tx(lc, ne->port, d->m);
	return true;
}

/*
 * RFC 6275 §10.4.5: forward only if the inner source is bound to the outer
 * source. Inner sources come from the worker's cache when it has them; the
 * rest, and every inner destination neither the cache nor the negative cache
 * can vouch for (another MN's HoA or not), go to one bulk lookup.
 */
static void
dp_decap_burst(struct dp_lcore *lc, uint16_t pidx, struct dp_dec *dec, unsigned int n)
{
	const struct in6_addr *keys[2 * DP_BURST];
	struct bt_binding b[2 * DP_BURST];
	uint32_t ids[2 * DP_BURST];
	const struct dp_cache_ent *se[DP_BURST], *de[DP_BURST];
	uint8_t sk[DP_BURST], dk[DP_BURST];
	uint32_t s1[DP_BURST], s2[DP_BURST];
	bool plain[DP_BURST];
	unsigned int i, k = 0, nk = 0;
	uint64_t hit = 0;

	/* Fetch the inner sources' cache entries, then their bindings' versions and
	 * counters, a burst at a time, before the packets need them. */
	for (i = 0; i < n; i++) {
		const struct rte_ipv6_hdr *in = dec[i].outer.ip + 1;

		plain[i] = dec[i].outer.l4off == sizeof(*in) &&
			   rte_be_to_cpu_16(dec[i].outer.ip->payload_len) > sizeof(*in);
		if (!plain[i])
			continue;
		dp_cache_slots(in->src_addr, &s1[i], &s2[i]);
		rte_prefetch0(&lc->cache[s1[i]]);
		rte_prefetch0(&lc->cache[s2[i]]);
	}
	for (i = 0; i < n; i++) {
		const struct rte_ipv6_hdr *in = dec[i].outer.ip + 1;

		se[i] = plain[i] ? dp_cache_find(lc, s1[i], s2[i], in->src_addr) : NULL;
		if (se[i] != NULL) {
			rte_prefetch0((const char *)lc->dp->bt_ents +
				      (size_t)se[i]->id * BT_ENTRY_BYTES);
			rte_prefetch0(&lc->bst[se[i]->id]);
		}
	}
	/* In order: once one packet needs the general path, the rest take it too. */
	for (i = 0; i < n && dp_decap_fast(lc, &dec[i], se[i]); i++)
		;
	dec += i;
	n -= i;
	for (i = 0; i < n; i++)
		if (dp_decap_pre(lc, &dec[i]) && k++ != i)
			dec[k - 1] = dec[i];
	for (i = 0; i < k; i++) {
		const struct rte_ipv6_hdr *in = dec[i].inner.ip;

		se[i] = dp_cache_lookup(lc, in->src_addr);
		sk[i] = dk[i] = UINT8_MAX;
		if (se[i] == NULL) {
			sk[i] = (uint8_t)nk;
			keys[nk++] = (const struct in6_addr *)(const void *)in->src_addr;
		}
		/* Known unbound first (traffic to correspondents): an insertion since
		 * the miss would have moved the counter, so no binding can exist. */
		de[i] = NULL;
		if (!dp_known_unbound(lc, in->dst_addr)) {
			de[i] = dp_cache_lookup(lc, in->dst_addr);
			if (de[i] == NULL) {
				dk[i] = (uint8_t)nk;
				keys[nk++] = (const struct in6_addr *)(const void *)in->dst_addr;
			}
		}
	}
	if (nk != 0)
		hit = bt_lookup_bulk(lc->dp->bt, keys, nk, ids, b);
	for (i = 0; i < k; i++)
		if (dk[i] != UINT8_MAX && !(hit >> dk[i] & 1))
			dp_note_unbound(lc, dec[i].inner.ip->dst_addr);
	for (i = 0; i < k; i++) {
		const struct rte_ipv6_hdr *in = dec[i].inner.ip;
		const struct bt_binding *sb =
			se[i] == NULL && (hit >> sk[i] & 1) ? &b[sk[i]] : NULL;
		uint32_t sid = sb != NULL ? ids[sk[i]] : 0;
		struct bt_binding one;
		bool dst_bound = de[i] != NULL;
		int64_t r;

		/* A fill for an earlier packet of this burst, or for this one's
		 * destination, may have taken the slot of an entry found above: then
		 * look it up again (without a fill). */
		if (de[i] != NULL && !dp_cache_same(de[i], in->dst_addr)) {
			dst_bound = dp_bound(lc, in->dst_addr, &de[i]);
		} else if (de[i] == NULL && dk[i] != UINT8_MAX && (hit >> dk[i] & 1)) {
			dst_bound = true;
			de[i] = dp_cache_fill(lc, &b[dk[i]], ids[dk[i]]);
		}
		if (se[i] != NULL && !dp_cache_same(se[i], in->src_addr)) {
			se[i] = NULL;
			r = bt_lookup(lc->dp->bt,
				      (const struct in6_addr *)(const void *)in->src_addr, &one);
			sb = r > 0 ? &one : NULL;
			sid = r > 0 ? (uint32_t)r : 0;
		}
		if (se[i] == NULL && sb == NULL) {
			dp_drop(lc, dec[i].m, DP_DROP_UNKNOWN_HOA); /* D2 */
			continue;
		}
		if (se[i] != NULL) {
			dp_decap_one(lc, pidx, &dec[i], se[i]->coa, se[i]->ha_idx, se[i]->id,
				     dst_bound, de[i]);
			continue;
		}
		/* Cached for the next packet (not when its CoA has no route). */
		if (dp_cache_fill(lc, sb, sid) != NULL)
			dp_event(lc, DP_EV_CACHE_MISS);
		/* That fill may have taken the slot of de[i]. */
		if (dst_bound && de[i] != NULL && !dp_cache_same(de[i], in->dst_addr))
			dst_bound = dp_bound(lc, in->dst_addr, &de[i]);
		dp_decap_one(lc, pidx, &dec[i], sb->coa.s6_addr, sb->ha_idx, sid, dst_bound, de[i]);
	}
}

/* A Home Address mip6ha-cp knows: bound, or one that may register (a key or a
 * /128 allow rule in the configuration). */
static bool
dp_sig_known(struct dp_lcore *lc, const uint8_t *hoa)
{
	const struct dp *dp = lc->dp;

	for (unsigned int i = 0; i < dp->n_admit; i++)
		if (memcmp(dp->admit[i].s6_addr, hoa, 16) == 0)
			return true;
	return bt_lookup(dp->bt, (const struct in6_addr *)(const void *)hoa, NULL) > 0;
}

/* To mip6ha-cp on the signalling tap; its answer is awaited (DP_SIG_POLL_US).
 * Two token buckets keep a flood from spoofed sources and random Home
 * Addresses from taking the worker's time (a tap write is a system call) or
 * mip6ha-cp's: one for Home Addresses it knows (the Home Address option's,
 * else the source: a node at home), one for the rest, so that a node with a
 * key still registers while the other bucket is empty. */
static void
dp_to_sig(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_meta *mt)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN);
	const uint8_t *hoa = (mt->flags & DP_M_HAO) && mt->hao_off != 0 ? ip + mt->hao_off : ip + 8;
	bool known = dp_sig_known(lc, hoa);

	if (!tb_take(known ? &lc->sig_known_tb : &lc->sig_other_tb, rte_rdtsc(), lc->dp->tsc_hz,
		     known ? lc->dp->sig_known_rate : lc->dp->sig_rate,
		     known ? lc->dp->sig_known_rate : lc->dp->sig_rate)) {
		dp_drop(lc, m, DP_DROP_SIG_RATE);
		return;
	}
	dp_event(lc, DP_EV_PUNT_SIG);
	lc->sig_sent = true;
	dp_tx(lc, lc->dp->sig, m);
}

static bool
dp_is_mps(const struct rte_mbuf *m, const struct dp_meta *mt)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN);
	uint32_t len = (uint32_t)(ip[4] << 8 | ip[5]) + 40u;

	return mt->l4off < len && ip[mt->l4off] == DP_ICMP_MPS;
}

/*
 * Any other packet with a Home Address option to the HA (RFC 6275 §9.3.1),
 * such as the Echo Request conformance tests probe a binding with. The kernel
 * has no code for the option. With a binding for that Home Address at the
 * packet's source, do what a Mobile IPv6 stack does before the upper layer:
 * the Home Address becomes the source (the upper-layer checksum already
 * covers it) and the option one to skip, then the kernel answers the Home
 * Address, through the tunnel. Without one, mip6ha-cp sends Binding Error 1.
 * Not padding: Linux refuses more than 7 bytes of it in a row (as RFC 4942
 * advises); an experimental option (RFC 4727) whose type says "skip" instead.
 */
static void
dp_hao_to_ha(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, struct dp_meta *mt)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN);
	struct bt_binding b;

	if (mt->hao_off != 0 &&
	    bt_lookup(lc->dp->bt, (const struct in6_addr *)(const void *)(ip + mt->hao_off), &b) >
		    0 &&
	    memcmp(b.coa.s6_addr, ip + 8, 16) == 0) {
		memcpy(ip + 8, ip + mt->hao_off, 16);
		ip[mt->hao_off - 2] = DP_OPT_EXP_SKIP; /* same length */
		memset(ip + mt->hao_off, 0, 16);
		dp_punt(lc, pidx, m, DP_EV_PUNT_TAP);
		return;
	}
	dp_to_sig(lc, m, mt);
}

/* Not to a bound HoA: the HA's own traffic, signalling, or plain routing. */
static void
dp_classify(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m, struct dp_meta *mt,
	    struct dp_dec *dec, unsigned int *n_dec)
{
	if (dp_is_ha_addr(lc->dp, mt->ip->dst_addr)) {
		if (mt->flags & DP_M_RH2) {
			dp_drop(lc, m, DP_DROP_BAD_RH2); /* F8: the HA is no mobile node */
			return;
		}
		if (mt->nh == DP_NH_IPV6) {
			dec[*n_dec].m = m;
			dec[*n_dec].outer = *mt;
			(*n_dec)++;
			return;
		}
		if (mt->nh == DP_NH_MH) {
			dp_to_sig(lc, m, mt);
			return;
		}
		/* A Mobile Prefix Solicitation comes with a Home Address option
		 * the kernel has no code for (RFC 6275 §6.7): mip6ha-cp answers. */
		if (mt->nh == DP_NH_ICMPV6 && (mt->flags & DP_M_HAO) && dp_is_mps(m, mt)) {
			dp_to_sig(lc, m, mt);
			return;
		}
		if (mt->flags & DP_M_HAO) {
			dp_hao_to_ha(lc, pidx, m, mt);
			return;
		}
		if (mt->nh == DP_NH_ICMPV6 && dp_icmp_tunnel_error(lc, pidx, m, mt->l4off))
			return;
		dp_punt(lc, pidx, m, DP_EV_PUNT_TAP);
		return;
	}
	if (mt->nh == DP_NH_MH) {
		dp_to_sig(lc, m, mt);
		return;
	}
	dp_forward(lc, pidx, m, mt, false);
}

#ifdef MIP6HA_DP_CEILING
/*
 * The benchmark's speed-of-light build (bench/mip6ha-dp-ceiling, never
 * installed): every frame gets a fixed 54-byte header and leaves by the port it
 * came from. No parse, lookup, check or counter per packet; what is left is
 * this worker loop and the PMD, the most any encapsulation on it can reach.
 */
static void
dp_ceiling(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf **pkts, uint16_t n)
{
	static const uint8_t hdr[DP_ENCAP_HDR] = {2, 0, 0, 0, 0,	  1,	2,    0,
						  0, 0, 0, 2, 0x86,	  0xdd, 0x60, 0,
						  0, 0, 0, 0, DP_NH_IPV6, 64};
	uint16_t i;

	for (i = 0; i < n; i++) {
		char *h = rte_pktmbuf_prepend(pkts[i], DP_ENCAP_HDR);

		if (h == NULL) {
			dp_drop(lc, pkts[i], DP_DROP_NO_HEADROOM);
			continue;
		}
		memcpy(h, hdr, sizeof(hdr));
		dp_tx(lc, pidx, pkts[i]);
	}
}
#endif

/*
 * A burst from a data port: parse, then find each destination in the worker's
 * binding cache (revalidated against the shared table's version, one load),
 * and look every miss up in one bulk lookup.
 */
static void
dp_rx_data(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_meta meta[DP_BURST];
	const struct in6_addr *keys[DP_BURST];
	const struct dp_cache_ent *ce[DP_BURST];
	struct bt_binding b[DP_BURST];
	uint32_t ids[DP_BURST], s1[DP_BURST], s2[DP_BURST];
	uint8_t miss[DP_BURST];
	struct dp_dec dec[DP_BURST];
	struct rte_mbuf *ms[DP_BURST];
	unsigned int i, nk = 0, nm = 0, n_dec = 0;
	uint64_t hit, bound = 0, port_mac = 0;

#ifdef MIP6HA_DP_CEILING
	dp_ceiling(lc, pidx, pkts, n);
	return;
#endif
	memcpy(&port_mac, &lc->dp->ports[pidx].mac, RTE_ETHER_ADDR_LEN);
	/* Before any lookup: a miss below is then known to hold while it is unchanged. */
	lc->gen = bt_insert_gen(lc->dp->bt_gen);
	for (i = 0; i < n; i++) {
		if (dp_parse_fast(port_mac, pkts[i], &meta[nk])) {
			/* A reverse tunnel: the HA's address is no HoA, no lookup. */
			if (meta[nk].nh == DP_NH_IPV6 &&
			    dp_is_ha_addr(lc->dp, meta[nk].ip->dst_addr)) {
				dec[n_dec].m = pkts[i];
				dec[n_dec++].outer = meta[nk];
				continue;
			}
		} else if (!dp_parse(lc, pidx, pkts[i], &meta[nk])) {
			continue;
		}
		ms[nk] = pkts[i];
		dp_cache_slots(meta[nk].ip->dst_addr, &s1[nk], &s2[nk]);
		rte_prefetch0(&lc->cache[s1[nk]]);
		rte_prefetch0(&lc->cache[s2[nk]]);
		nk++;
	}
	if (nk == 0)
		goto decap;
	/* Cached: fetch the binding's version and counters before they are needed. */
	for (i = 0; i < nk; i++) {
		ce[i] = dp_cache_find(lc, s1[i], s2[i], meta[i].ip->dst_addr);
		if (ce[i] != NULL) {
			rte_prefetch0((const char *)lc->dp->bt_ents +
				      (size_t)ce[i]->id * BT_ENTRY_BYTES);
			rte_prefetch0(&lc->bst[ce[i]->id]);
		}
	}
	for (i = 0; i < nk; i++)
		if (ce[i] == NULL || !dp_cache_current(lc, ce[i])) {
			ce[i] = NULL;
			/* The HA's own addresses (reverse tunnels, signalling) are no HoA;
			 * nor is what missed since the table last grew. */
			if (dp_is_ha_addr(lc->dp, meta[i].ip->dst_addr) ||
			    dp_known_unbound(lc, meta[i].ip->dst_addr))
				continue;
			keys[nm] = (const struct in6_addr *)(void *)meta[i].ip->dst_addr;
			miss[nm++] = (uint8_t)i;
		}
	if (nm != 0) {
		hit = bt_lookup_bulk(lc->dp->bt, keys, nm, ids, b);
		for (i = 0; i < nm; i++)
			if (!(hit >> i & 1))
				dp_note_unbound(lc, (const uint8_t *)(const void *)keys[i]);
		for (; hit != 0; hit &= hit - 1) {
			unsigned int j = (unsigned int)__builtin_ctzll(hit);

			/* NULL (no route to the CoA): dp_encap() says what happens. */
			ce[miss[j]] = dp_cache_fill(lc, &b[j], ids[j]);
			dp_event(lc, DP_EV_CACHE_MISS);
			bound |= 1ULL << miss[j];
		}
	}
	for (i = 0; i < nk; i++) {
		/* A fill above for another HoA of this burst may have taken the slot. */
		if (ce[i] != NULL && !dp_cache_same(ce[i], meta[i].ip->dst_addr))
			bound = (bound & ~(1ULL << i)) |
				(uint64_t)dp_bound(lc, meta[i].ip->dst_addr, &ce[i]) << i;
		if ((bound >> i & 1) || ce[i] != NULL)
			dp_encap(lc, pidx, ms[i], &meta[i], ce[i]);
		else
			dp_classify(lc, pidx, ms[i], &meta[i], dec, &n_dec);
	}
decap:
	if (n_dec != 0)
		dp_decap_burst(lc, pidx, dec, n_dec);
}

/*
 * Frames from an exception tap leave by its port. Kernel traffic to a bound
 * HoA is tunnelled like any other (ND excepted: it is link-scoped).
 */
static void
dp_rx_tap(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t out = lc->dp->ports[pidx].peer, i;
	const struct dp_cache_ent *e = NULL;
	struct dp_meta mt = {0}; /* zeroed: GCC cannot tell tel is read only once set */

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

		dp_event(lc, DP_EV_FROM_TAP);
		if (rte_pktmbuf_data_len(m) >= DP_ENCAP_HDR && m->nb_segs == 1 &&
		    eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) &&
		    !dp_addr_multicast(ip->dst_addr) && !dp_addr_linklocal(ip->dst_addr) &&
		    rte_be_to_cpu_16(ip->payload_len) + DP_ENCAP_HDR <= rte_pktmbuf_data_len(m) &&
		    dp_bound(lc, ip->dst_addr, &e)) {
			uint32_t len = rte_be_to_cpu_16(ip->payload_len) + 40u;

			mt.ip = ip;
			/* Errors about it (Packet Too Big) go back to the kernel: pidx. */
			if (dp_parse_chain((const uint8_t *)ip, len, &mt) < 0 &&
			    ip->hop_limits > 1 && !dp_is_nd(&mt, len)) {
				dp_encap(lc, pidx, m, &mt, e);
				continue;
			}
		}
		dp_tx(lc, out, m);
	}
}

/* Frames mip6ha-cp wrote on the signalling tap, routed by their destination. */
static void
dp_rx_sig(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i, port;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
		struct rte_ether_addr mac;
		int rc;

		if (rte_pktmbuf_data_len(m) < DP_ENCAP_HDR || m->nb_segs != 1 ||
		    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
			dp_drop(lc, m, DP_DROP_NOT_IPV6);
			continue;
		}
		dp_event(lc, DP_EV_FROM_SIG);
		rc = dp_nh_lookup(lc->fib, ip->dst_addr, &port, &mac);
		if (rc < 0) {
			dp_drop(lc, m, DP_DROP_NO_ROUTE);
			continue;
		}
		/* mip6ha-cp addressed the frame to the link-layer source of
		 * what it answers. For an on-link destination we have not
		 * resolved, that is the node itself: RFC 6275 §10.3.2, a mobile
		 * node back on the home link is reached at the address its BU
		 * came from, without waiting for Neighbor Discovery. */
		if (rc == 1 && (!rte_is_unicast_ether_addr(&eth->dst_addr) ||
				rte_is_zero_ether_addr(&eth->dst_addr) ||
				!dp_nh_onlink(lc->fib, ip->dst_addr))) {
			rte_ether_addr_copy(&lc->dp->ports[port].mac, &eth->src_addr);
			dp_punt_to_kernel(lc, port, m, DP_EV_PUNT_NO_NEIGH);
			continue;
		}
		rte_ether_addr_copy(&lc->dp->ports[port].mac, &eth->src_addr);
		if (rc == 0)
			rte_ether_addr_copy(&mac, &eth->dst_addr);
		dp_tx(lc, port, m);
	}
}

void
dp_lcore_flush(struct dp_lcore *lc)
{
	uint16_t p;

	for (p = 0; p < lc->dp->n_ports; p++) {
		struct dp_txq *q = &lc->txq[p];
		struct stats_port *sp = &lc->st->port[p];
		uint64_t bytes = 0;
		uint16_t sent, i;

		if (q->n == 0)
			continue;
		for (i = 0; i < q->n; i++)
			bytes += rte_pktmbuf_pkt_len(q->pkts[i]);
		sent = rte_eth_tx_burst(lc->dp->ports[p].port_id, lc->widx, q->pkts, q->n);
		for (i = sent; i < q->n; i++) {
			bytes -= rte_pktmbuf_pkt_len(q->pkts[i]);
			rte_pktmbuf_free(q->pkts[i]);
		}
		stats_add(&sp->tx_pkts, sent);
		stats_add(&sp->tx_bytes, bytes);
		if (sent != q->n) {
			stats_add(&sp->drops, (uint64_t)(q->n - sent));
			stats_add(&lc->st->drop[DP_DROP_TX_FULL], (uint64_t)(q->n - sent));
		}
		q->n = 0;
	}
}

static void
dp_rx_dispatch(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf **pkts, uint16_t n)
{
	struct stats_port *sp = &lc->st->port[pidx];
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	stats_add(&sp->rx_pkts, n);
	stats_add(&sp->rx_bytes, bytes);
	switch (lc->dp->ports[pidx].kind) {
	case DP_PORT_DATA:
		dp_rx_data(lc, pidx, pkts, n);
		break;
	case DP_PORT_TAP:
		dp_rx_tap(lc, pidx, pkts, n);
		break;
	case DP_PORT_SIG:
		dp_rx_sig(lc, pkts, n);
		break;
	}
}

/* Adaptive polling (DESIGN.md §The dataplane): spin, then yield, then sleep
 * outside the RCU read side, and spin again on the first packet. Yielding
 * rather than pausing lets a process that shares the core run at once (on a
 * small machine mip6ha-cp, woken by the BU this worker just handed it) instead
 * of waiting for the scheduler to end our time slice; alone on its core the
 * worker gets the CPU straight back. */
static void
dp_idle(struct dp_lcore *lc, unsigned int *idle)
{
	struct timespec ts = {0, 0};
	unsigned int us;

	if (++*idle < DP_IDLE_SPIN)
		return;
	if (*idle < DP_IDLE_SLEEP) {
		sched_yield();
		return;
	}
	us = 1u << ((*idle - DP_IDLE_SLEEP) / 64 < 8 ? (*idle - DP_IDLE_SLEEP) / 64 : 8);
	ts.tv_nsec = (long)(us < DP_SLEEP_MAX_US ? us : DP_SLEEP_MAX_US) * 1000;
	rte_rcu_qsbr_thread_offline(lc->dp->rcu, lc->widx);
	nanosleep(&ts, NULL);
	rte_rcu_qsbr_thread_online(lc->dp->rcu, lc->widx);
}

static void
dp_hist(struct dp_lcore *lc, uint64_t cycles)
{
	/* Bursts past the last bucket (over 2^32 cycles too) land in it. */
	uint64_t b = cycles >> 32 ? STATS_HIST_BUCKETS : (cycles * lc->dp->hist_mul) >> 32;

	stats_add(&lc->st->burst_hist[b < STATS_HIST_BUCKETS ? b : STATS_HIST_BUCKETS - 1], 1);
}

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp *dp = lc->dp;
	struct rte_mbuf *pkts[DP_BURST];
	uint64_t tap_tsc = 0, now = 0, tap_gap = dp->tsc_hz / 1000000 * DP_TAP_POLL_US;
	uint64_t sig_until = 0, sig_gap = dp->tsc_hz / 1000000 * DP_SIG_POLL_US;
	unsigned int idle = 0, r;
	bool got_prev = false, poll_taps;

	rte_rcu_qsbr_thread_register(dp->rcu, lc->widx);
	rte_rcu_qsbr_thread_online(dp->rcu, lc->widx);
	while (!dp->quit) {
		bool got = false;

		/* Pairs with the main lcore's release store in dp_fib_refresh(). */
		lc->fib = atomic_load_explicit(&dp->fib, memory_order_acquire);
		if (lc->fib->epoch < lc->last_epoch) {
			/* The 16-bit tag wrapped: entries that old could match again. */
			memset(lc->cache, 0, DP_CACHE_SIZE * sizeof(*lc->cache));
			memset(lc->nhc, 0, DP_NHC_SIZE * sizeof(*lc->nhc));
		}
		lc->last_epoch = lc->fib->epoch;
		/* Under load, the time the last burst ended will do: no extra rdtsc. */
		poll_taps = !got_prev || now - tap_tsc > tap_gap;
		if (poll_taps)
			tap_tsc = got_prev ? now : rte_rdtsc();
		for (r = 0; r < lc->n_rx; r++) {
			uint16_t p = lc->rx[r].pidx, n;
			uint64_t t0;

			/* A tap read is a system call: under load, taps are polled every
			 * DP_TAP_POLL_US only, so the exception path costs the fast path
			 * nothing while still answering ND and ICMP within that time.
			 * The signalling tap is polled on every loop while a BA may be
			 * on its way back: a BU's answer does not wait for the gap. */
			if (dp->ports[p].kind != DP_PORT_DATA && !poll_taps &&
			    !(dp->ports[p].kind == DP_PORT_SIG && now < sig_until))
				continue;
			n = rte_eth_rx_burst(dp->ports[p].port_id, lc->rx[r].queue, pkts, DP_BURST);
			if (n == 0)
				continue;
			t0 = rte_rdtsc();
			got = true;
			stats_add(&lc->st->bursts, 1);
			dp_rx_dispatch(lc, p, pkts, n);
			dp_lcore_flush(lc);
			now = rte_rdtsc();
			dp_hist(lc, now - t0);
		}
		if (lc->sig_sent) {
			sig_until = now + sig_gap;
			lc->sig_sent = false;
		}
		stats_add(&lc->st->loops, 1);
		rte_rcu_qsbr_quiescent(dp->rcu, lc->widx);
		got_prev = got;
		if (got)
			idle = 0;
		else if (!dp->busy_poll)
			dp_idle(lc, &idle);
	}
	dp_lcore_flush(lc);
	rte_rcu_qsbr_thread_offline(dp->rcu, lc->widx);
	rte_rcu_qsbr_thread_unregister(dp->rcu, lc->widx);
	return 0;
}
