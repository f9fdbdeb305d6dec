/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 errors the tunnel entry point itself must send (RFC 2473 §7: Packet
 * Too Big; §5.1: Parameter Problem on an exhausted encapsulation limit) and
 * the relay of errors about its tunnel packets back to the original source
 * (RFC 2473 §8). All of them go through a per-worker token bucket (RFC 4443
 * §2.4(f)) so the HA is never an amplifier.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "dp.h"

#define DP_ICMP_HL	  64
#define DP_ICMP_HDR	  8
#define DP_ICMP_QUOTE_MAX (DP_MIN_MTU - sizeof(struct rte_ipv6_hdr) - DP_ICMP_HDR)
#define ICMP6_DST_UNREACH 1
#define ICMP6_PKT_TOO_BIG 2
#define ICMP6_TIME_EXCEED 3
#define ICMP6_PARAM_PROB  4
#define ICMP6_DU_ADDR	  3

static bool
dp_icmp_token(struct dp_lcore *lc)
{
	/* icmp_rate 0 sends none (conf: "0 disables them"). */
	if (lc->dp->icmp_rate <= 0.0 || !tb_take(&lc->icmp_tb, rte_rdtsc(), lc->dp->tsc_hz,
						 lc->dp->icmp_rate, lc->dp->icmp_burst)) {
		stats_add(&lc->st->drop[DP_DROP_RATE_LIMITED], 1);
		return false;
	}
	return true;
}

/* A new frame: Ethernet (left for the caller), IPv6, ICMPv6, quoted bytes. */
static struct rte_mbuf *
dp_icmp_build(struct dp_lcore *lc, const uint8_t *src, const uint8_t *dst, uint8_t type,
	      uint8_t code, uint32_t param, const uint8_t *quote, uint32_t qlen)
{
	struct rte_mbuf *n = rte_pktmbuf_alloc(lc->dp->pool);
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t ck;

	if (n == NULL) {
		stats_add(&lc->st->drop[DP_DROP_NO_MBUF], 1);
		return NULL;
	}
	if (qlen > DP_ICMP_QUOTE_MAX)
		qlen = DP_ICMP_QUOTE_MAX;
	ip = (struct rte_ipv6_hdr *)(rte_pktmbuf_mtod(n, uint8_t *) + RTE_ETHER_HDR_LEN);
	if (rte_pktmbuf_append(n, (uint16_t)(DP_ENCAP_HDR + DP_ICMP_HDR + qlen)) == NULL) {
		rte_pktmbuf_free(n);
		stats_add(&lc->st->drop[DP_DROP_NO_MBUF], 1);
		return NULL;
	}
	ip->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(DP_ICMP_HDR + qlen));
	ip->proto = 58;
	ip->hop_limits = DP_ICMP_HL;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)(param >> 24);
	icmp[5] = (uint8_t)(param >> 16);
	icmp[6] = (uint8_t)(param >> 8);
	icmp[7] = (uint8_t)param;
	memcpy(icmp + DP_ICMP_HDR, quote, qlen);
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	return n;
}

/*
 * RFC 4443 §2.4(e): never an error about an error, a multicast or unspecified
 * source. memcmp, not IN6_IS_ADDR_UNSPECIFIED: behind Ethernet the address is
 * only 2-byte aligned.
 */
static bool
dp_icmp_may_answer(const struct rte_ipv6_hdr *ip, uint32_t len)
{
	static const uint8_t zero[16];
	const uint8_t *payload = (const uint8_t *)(ip + 1);

	return ip->src_addr[0] != 0xff && memcmp(ip->src_addr, zero, sizeof(zero)) != 0 &&
	       !(ip->proto == 58 && len > sizeof(*ip) && payload[0] < 128);
}

void
dp_icmp_error(struct dp_lcore *lc, uint16_t in_pidx, struct rte_mbuf *m, uint8_t type, uint8_t code,
	      uint32_t param, const struct in6_addr *src)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *), *ne;
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	uint32_t qlen = rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN;
	struct rte_mbuf *n;

	if (!dp_icmp_may_answer(ip, qlen))
		return;
	if (!dp_icmp_token(lc))
		return;
	n = dp_icmp_build(lc, src->s6_addr, ip->src_addr, type, code, param, (const uint8_t *)ip,
			  qlen);
	if (n == NULL)
		return;
	/* Back the way the packet came: its previous hop is our next hop. */
	ne = rte_pktmbuf_mtod(n, struct rte_ether_hdr *);
	rte_ether_addr_copy(&eth->src_addr, &ne->dst_addr);
	rte_ether_addr_copy(&lc->dp->ports[in_pidx].mac, &ne->src_addr);
	ne->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	stats_add(&lc->st->event[type == ICMP6_PKT_TOO_BIG ? DP_EV_PTB_SENT : DP_EV_PP_SENT], 1);
	dp_tx(lc, in_pidx, n);
}

/* Route a relayed error to its destination through the FIB snapshot. */
static void
dp_icmp_route(struct dp_lcore *lc, struct rte_mbuf *n)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(n, struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	struct rte_ether_addr mac;
	uint16_t port;
	int rc = dp_nh_lookup(lc->fib, ip->dst_addr, &port, &mac);

	if (rc == -2) {
		/* To the HA itself (kernel traffic to a HoA): any tap reaches it. */
		port = 0;
		rc = 1;
	}
	if (rc < 0) {
		dp_drop(lc, n, DP_DROP_NO_ROUTE);
		return;
	}
	rte_ether_addr_copy(rc == 1 ? &lc->dp->ports[port].mac : &mac, &eth->dst_addr);
	rte_ether_addr_copy(&lc->dp->ports[port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	dp_event(lc, DP_EV_ICMP_RELAYED);
	dp_tx(lc, rc == 1 ? lc->dp->ports[port].peer : port, n);
}

/*
 * Which error the original source gets (RFC 2473 §8.1-8.3). @return the type
 * with code and parameter set, or 0 for no relay.
 */
static uint8_t
dp_icmp_relay_kind(const uint8_t *icmp, const uint8_t *q, uint32_t olen, uint32_t inner_len,
		   uint8_t *code, uint32_t *param)
{
	uint32_t ptr = (uint32_t)icmp[4] << 24 | (uint32_t)icmp[5] << 16 | (uint32_t)icmp[6] << 8 |
		       icmp[7];

	*code = ICMP6_DU_ADDR;
	*param = 0;
	switch (icmp[0]) {
	case ICMP6_DST_UNREACH:
	case ICMP6_TIME_EXCEED:
		return ICMP6_DST_UNREACH;
	case ICMP6_PKT_TOO_BIG:
		/* The tunnel MTU is the path MTU less our header, never below 1280. */
		*param = ptr > olen + DP_MIN_MTU ? ptr - olen : DP_MIN_MTU;
		*code = 0;
		return inner_len > *param ? ICMP6_PKT_TOO_BIG : 0;
	case ICMP6_PARAM_PROB:
		/* Only an exhausted encapsulation limit in our own option. */
		if (olen > sizeof(struct rte_ipv6_hdr) && ptr == 44 && q[ptr] == 0 && q[42] == 4)
			return ICMP6_DST_UNREACH;
		return 0;
	default:
		return 0;
	}
}

bool
dp_icmp_tunnel_error(struct dp_lcore *lc, uint16_t in_pidx, struct rte_mbuf *m, uint32_t l4off)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, RTE_ETHER_HDR_LEN);
	const uint8_t *icmp = (const uint8_t *)ip + l4off, *q = icmp + DP_ICMP_HDR, *in;
	uint32_t len = rte_be_to_cpu_16(ip->payload_len) + 40u, qlen, olen, ilen, param;
	struct bt_binding b;
	struct rte_mbuf *n;
	uint8_t type, code;

	(void)in_pidx;
	if (l4off + DP_ICMP_HDR > len || icmp[0] < ICMP6_DST_UNREACH || icmp[0] > ICMP6_PARAM_PROB)
		return false;
	qlen = len - l4off - DP_ICMP_HDR;
	/* Not about a tunnel packet: the kernel's own traffic, its business. */
	if (qlen < sizeof(*ip) || (q[6] != 41 && q[6] != 60))
		return qlen >= sizeof(*ip) ? false : (dp_drop(lc, m, DP_DROP_ICMP_BAD_QUOTE), true);
	olen = q[6] == 60 ? sizeof(*ip) + 8u : sizeof(*ip);
	/* Our tunnel headers carry Destination Options only before a tunnel. */
	if (q[6] == 60 && (qlen < olen || q[40] != 41)) {
		dp_drop(lc, m, DP_DROP_ICMP_BAD_QUOTE);
		return true;
	}
	/* I6, I7: a quote cut inside the inner header, or a tunnel packet we never sent. */
	if (qlen < olen + sizeof(*ip) || !dp_is_ha_addr(lc->dp, q + 8) ||
	    bt_lookup(lc->dp->bt, (const struct in6_addr *)(const void *)(q + olen + 24), &b) <=
		    0 ||
	    memcmp(&b.coa, q + 24, 16) != 0) {
		dp_drop(lc, m, DP_DROP_ICMP_BAD_QUOTE);
		return true;
	}
	in = q + olen;
	ilen = ((uint32_t)in[4] << 8 | in[5]) + 40u;
	type = dp_icmp_relay_kind(icmp, q, olen, ilen, &code, &param);
	/* I5, a Packet Too Big the inner packet fits, or an error about an error. */
	if (type == 0 || !dp_icmp_may_answer((const void *)in, qlen - olen)) {
		dp_drop(lc, m, DP_DROP_ICMP_NO_RELAY);
		return true;
	}
	if (!dp_icmp_token(lc)) { /* I8 */
		rte_pktmbuf_free(m);
		return true;
	}
	n = dp_icmp_build(lc, q + 8, in + 8, type, code, param, in, qlen - olen);
	rte_pktmbuf_free(m);
	if (n != NULL)
		dp_icmp_route(lc, n);
	return true;
}
