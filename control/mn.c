/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Mobile Node role (node.role: mn), the seed experiment's laptop. The
 * kernel does SLAAC from the routers' advertisements; we watch its addresses
 * through netlink and feed movements to the Binding Update List (bul.c), and
 * carry out what it asks:
 *
 * - Binding Updates leave through an IPPROTO_RAW socket, whole packets we
 *   build (Home Address option included), so no CONFIG_IPV6_MIP6 is needed.
 * - Binding Acknowledgements carry a type 2 routing header, which a kernel
 *   without MIP6 drops: an AF_PACKET socket on the mobile interface reads them
 *   first (and the Router Advertisements, to time the handover).
 * - While away the Home Address lives on a TUN device, and a policy rule sends
 *   traffic from it into the TUN; we encapsulate it to the Home Agent (RFC
 *   2473, outer source the CoA) and write what the Home Agent tunnels to us,
 *   read from a raw socket of protocol 41, back into the TUN.
 * - At home the Home Address sits on the mobile interface, and the kernel
 *   answers Neighbor Discovery for it (unsolicited NA via ndisc_notify).
 */
#include "mn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "bul.h"
#include "clock.h"
#include "ctl.h"
#include "icmp6.h"
#include "ha.h"
#include "log.h"
#include "mh.h"
#include "nl.h"
#include "notify.h"
#include "vty.h"

#define MN_TABLE       0x6d36 /* "m6": the table of Home Address traffic while away */
#define MN_RULE_PRIO   1000
#define MN_PKT_MAX     2048
#define MN_ADDRS_MAX   32
#define MN_BURST       64
#define MN_OUTER       40 /* IPv6 header of the tunnel (no encapsulation limit option) */
#define MN_HOP_LIMIT   64
#define MN_DHAAD_LEN   8
#define MN_RA_PREFIXES 16
#define MN_RETRY_US    1000000 /* a failed netlink move of the HoA, again */
#define MN_RS_COUNT    4       /* Router Solicitations after the link returns, */
#define MN_RS_GAP_US   50000   /* 50 ms apart until a router answers */

/* Per-reason counters, for `mip6ha stats`. */
#define MN_COUNTERS(X)                                                                             \
	X(moves)                                                                                   \
	X(ra_rx)                                                                                   \
	X(rs_tx)                                                                                   \
	X(bu_tx)                                                                                   \
	X(ba_rx)                                                                                   \
	X(brr_rx)                                                                                  \
	X(be_rx)                                                                                   \
	X(mh_ignored)                                                                              \
	X(ba_unauthenticated) /* BAs without a valid RFC 4285 option, dropped */                   \
	X(dhaad_tx)                                                                                \
	X(dhaad_rx)                                                                                \
	X(encap)                                                                                   \
	X(encap_dropped)                                                                           \
	X(decap)                                                                                   \
	X(decap_refused)                                                                           \
	X(send_errors)

struct mn_counters {
#define MN_FIELD(name) uint64_t name;
	MN_COUNTERS(MN_FIELD)
#undef MN_FIELD
};

struct mn {
	const struct conf *c;
	struct nl *nl;
	struct bul b;
	struct ctl_ctx ctl;
	int ifindex, tun_ifindex;
	int ep, lfd, sfd, tun, raw, t41, pkt, icmp;
	enum bul_hoa hoa_at, hoa_want;
	uint64_t hoa_retry_us;
	/* RFC 6275 §11.5.1: after the link comes back (carrier or admin), an
	 * address counts only once a Router Advertisement has offered its
	 * prefix again; a new link's router does not offer the old one. */
	bool since_up, prune_due; /* prune_due: a new router spoke since */
	unsigned int rs_left;	  /* Router Solicitations still to send */
	uint64_t rs_next_us;
	uint64_t link_downs;
	struct in6_addr ra_prefix[MN_RA_PREFIXES], ra_router[MN_RA_PREFIXES];
	uint8_t ra_plen[MN_RA_PREFIXES];
	unsigned int n_ra_prefix, n_ra_router;
	uint64_t ra_us;	      /* last Router Advertisement on the mobile interface */
	uint64_t move_ra_us;  /* the one before the last movement */
	uint64_t first_in_us; /* first packet from the tunnel after the last BA */
	struct mn_counters n;
	struct vty *vty;
	struct auth_key key; /* mobile_node.auth; key.spi == 0: none */
	int64_t ts_offset;   /* the HA's clock less ours, learnt from a BA 144 */
	uint64_t last_ts;    /* the timestamp of the last BU sent */
};

static const char *
mn_ntop(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static void
mn_ipv6(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh, size_t plen)
{
	memset(p, 0, 8);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = nh;
	p[7] = MN_HOP_LIMIT;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

/* A whole IPv6 packet out through the kernel's routing (IPPROTO_RAW). */
static void
mn_send(struct mn *mn, const uint8_t *p, size_t len)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6};

	memcpy(&to.sin6_addr, p + 24, 16);
	if (sendto(mn->raw, p, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		mn->n.send_errors++;
}

/* Move the Home Address where the Binding Update List says it belongs. */
static void
mn_place_hoa(struct mn *mn, enum bul_hoa where)
{
	const struct in6_addr *hoa = &mn->b.hoa;
	int rc = 0;

	if (where == BUL_HOA_KEEP)
		return;
	mn->hoa_want = where;
	if (where == mn->hoa_at)
		return;
	if (where == BUL_HOA_TUNNEL) {
		rc |= nl_addr_del(mn->nl, mn->ifindex, hoa, mn->b.plen);
		rc |= nl_addr_add(mn->nl, mn->tun_ifindex, hoa, 128);
		rc |= nl_rule_from(mn->nl, hoa, MN_TABLE, MN_RULE_PRIO, true);
	} else {
		rc |= nl_rule_from(mn->nl, hoa, MN_TABLE, MN_RULE_PRIO, false);
		rc |= nl_addr_del(mn->nl, mn->tun_ifindex, hoa, 128);
		if (where == BUL_HOA_INTERFACE)
			rc |= nl_addr_add(mn->nl, mn->ifindex, hoa, mn->b.plen);
		else
			rc |= nl_addr_del(mn->nl, mn->ifindex, hoa, mn->b.plen);
	}
	if (rc != 0) {
		/* Tried again from the loop, once a second. */
		log_warnx("moving the Home Address to the %s: a netlink request failed",
			  where == BUL_HOA_TUNNEL ? "tunnel" : "mobile interface");
		mn->hoa_retry_us = clock_us() + MN_RETRY_US;
		return;
	}
	mn->hoa_at = where;
}

static void
mn_send_dhaad(struct mn *mn)
{
	uint8_t p[MN_OUTER + MN_DHAAD_LEN] = {0}, *icmp = p + MN_OUTER;
	struct in6_addr any = icmp6_ha_anycast(&mn->b.hoa, mn->b.plen);
	uint16_t sum;

	mn_ipv6(p, &mn->b.coa, &any, IPPROTO_ICMPV6, MN_DHAAD_LEN);
	icmp[0] = ICMP6_T_DHAAD_REQ; /* RFC 6275 §6.5 */
	icmp[4] = (uint8_t)(mn->b.dhaad_id >> 8);
	icmp[5] = (uint8_t)mn->b.dhaad_id;
	sum = mh_csum(&mn->b.coa, &any, IPPROTO_ICMPV6, icmp, MN_DHAAD_LEN);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	mn_send(mn, p, sizeof(p));
	mn->n.dhaad_tx++;
}

/* Carry out what the Binding Update List asked. */
static void
mn_apply(struct mn *mn, const struct bul_out *out)
{
	char h[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];
	uint8_t p[MH_BU_MAX_PACKET];
	struct mh_bu bu = out->bu;
	size_t n;

	/* Before the BU: its answer may be quicker than the netlink requests. */
	mn_place_hoa(mn, out->hoa);
	if (out->send_bu && mn->key.spi != 0)
		bu.auth = (struct mh_auth_opts){
			.on = true,
			.spi = mn->key.spi,
			.has_ts = mn->key.replay == CONF_REPLAY_TIMESTAMP,
			.ts = auth_ntp_now() + (uint64_t)mn->ts_offset,
		};
	if (out->send_bu && mn->key.spi != 0)
		mn->last_ts = bu.auth.ts;
	if (out->send_bu && (n = mh_bu_encode(&bu, p, sizeof(p))) != 0 &&
	    (mn->key.spi == 0 || auth_sign(&mn->key, p, n))) {
		mn_send(mn, p, n);
		mn->n.bu_tx++;
	}
	if (out->send_dhaad)
		mn_send_dhaad(mn);
	if (out->log != NULL && (mn->b.state == BUL_HOME || mn->b.state == BUL_DEREGISTERING))
		log_info("%s: home address %s, address on the home link %s, home agent %s, seq %u",
			 out->log, mn_ntop(&mn->b.hoa, h), mn_ntop(&mn->b.home_addr, c),
			 mn_ntop(&mn->b.ha, a), mn->b.seq);
	else if (out->log != NULL)
		log_info("%s: home address %s, care-of address %s, home agent %s, seq %u", out->log,
			 mn_ntop(&mn->b.hoa, h), mn_ntop(&mn->b.coa, c), mn_ntop(&mn->b.ha, a),
			 mn->b.seq);
}

/* RFC 6275 §11.5.1: back on a link, ask its routers rather than wait for
 * their next advertisement (the kernel solicits only when the interface
 * itself came up, not after a carrier loss). The first may leave before the
 * link is ready again: a few, 50 ms apart, until a router speaks. */
static void
mn_solicit(struct mn *mn)
{
	static const uint8_t rs[8] = {ICMP6_T_RS};
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)mn->ifindex};
	uint64_t now = clock_us();

	if (mn->rs_left == 0 || now < mn->rs_next_us || mn->n_ra_router > 0 ||
	    !nl_watch_running(mn->nl, mn->ifindex))
		return;
	inet_pton(AF_INET6, "ff02::2", &to.sin6_addr);
	if (sendto(mn->icmp, rs, sizeof(rs), 0, (struct sockaddr *)&to, sizeof(to)) ==
	    (ssize_t)sizeof(rs))
		mn->n.rs_tx++;
	mn->rs_left--;
	mn->rs_next_us = now + MN_RS_GAP_US;
}

/* True when @p a is in a prefix a Router Advertisement offered since the
 * link last came up (or no such filter is on yet). */
static bool
mn_offered(void *arg, const struct in6_addr *a)
{
	const struct mn *mn = arg;
	unsigned int i;

	if (!mn->since_up)
		return true;
	for (i = 0; i < mn->n_ra_prefix; i++)
		if (ha_addr_in_prefix(a, &mn->ra_prefix[i], mn->ra_plen[i]))
			return true;
	return false;
}

static bool
mn_offered_prefix(void *arg, const struct in6_addr *p, uint8_t plen)
{
	const struct mn *mn = arg;
	unsigned int i;

	for (i = 0; i < mn->n_ra_prefix; i++)
		if (mn->ra_plen[i] == plen && ha_addr_in_prefix(p, &mn->ra_prefix[i], plen))
			return true;
	return false;
}

static bool
mn_heard_router(void *arg, const struct in6_addr *gw)
{
	const struct mn *mn = arg;
	unsigned int i;

	for (i = 0; i < mn->n_ra_router; i++)
		if (memcmp(gw, &mn->ra_router[i], 16) == 0)
			return true;
	return false;
}

/* After the link came back and a router spoke: what the kernel configured
 * from the previous link's routers goes (its addresses, on-link prefixes and
 * default routes would send our BUs into the void), as a node that detects
 * movement forgets the old link (RFC 6275 §11.5.1). */
static void
mn_prune(struct mn *mn)
{
	const struct nl_prune keep = {.addr = mn_offered,
				      .prefix = mn_offered_prefix,
				      .router = mn_heard_router,
				      .arg = mn};
	int n;

	if (!mn->prune_due)
		return;
	mn->prune_due = false;
	n = nl_watch_prune(mn->nl, mn->ifindex, &keep);
	if (n > 0)
		log_debug("%d addresses and routes of the previous link removed", n);
}

/* Where are we? A usable address in the home prefix means home; else the
 * newest other global address is the care-of address (the current one while
 * it lasts). After the link comes back, only addresses in prefixes offered
 * again count. */
static void
mn_locate(struct mn *mn)
{
	struct nl_if_addr as[MN_ADDRS_MAX];
	const struct in6_addr *home = NULL, *coa = NULL;
	uint64_t downs = nl_watch_link_downs(mn->nl);
	uint32_t newest = 0;
	struct bul_out out;
	size_t i, k;

	if (downs != mn->link_downs) {
		mn->since_up = true;
		mn->rs_left = MN_RS_COUNT;
		mn->rs_next_us = 0;
		mn->n_ra_prefix = mn->n_ra_router = 0;
		mn->link_downs = downs;
	}
	mn_solicit(mn);
	mn_prune(mn);
	k = nl_watch_addrs(mn->nl, mn->ifindex, as, MN_ADDRS_MAX);
	for (i = 0; i < k; i++) {
		if (!as[i].usable || memcmp(&as[i].addr, &mn->b.hoa, 16) == 0 ||
		    !mn_offered(mn, &as[i].addr))
			continue;
		if (bul_in_home_prefix(&mn->b, &as[i].addr)) {
			home = &as[i].addr;
		} else if (memcmp(&as[i].addr, &mn->b.coa, 16) == 0 && mn->b.state != BUL_HOME) {
			coa = &as[i].addr;
			newest = UINT32_MAX;
		} else if (coa == NULL || as[i].created > newest) {
			coa = &as[i].addr;
			newest = as[i].created;
		}
	}
	if (home != NULL)
		bul_move(&mn->b, clock_us(), BUL_AT_HOME, home, &out);
	else if (coa != NULL)
		bul_move(&mn->b, clock_us(), BUL_AWAY, coa, &out);
	else
		return;
	if (out.send_bu || out.send_dhaad || out.hoa != BUL_HOA_KEEP) {
		mn->n.moves++;
		mn->move_ra_us = mn->ra_us;
		mn->first_in_us = 0;
	}
	mn_apply(mn, &out);
}

/* The prefixes of a Router Advertisement (@p ra, @p len bytes of ICMPv6). */
static void
mn_ra_prefixes(struct mn *mn, const uint8_t *ra, size_t len)
{
	mn->n_ra_prefix +=
		icmp6_ra_prefixes(ra, len, mn->ra_prefix + mn->n_ra_prefix,
				  mn->ra_plen + mn->n_ra_prefix, MN_RA_PREFIXES - mn->n_ra_prefix);
}

/* HoA-sourced packets from the TUN, encapsulated to the Home Agent. */
static void
mn_tun_input(struct mn *mn)
{
	uint8_t p[MN_OUTER + MN_PKT_MAX];
	ssize_t r;
	int i;

	for (i = 0; i < MN_BURST; i++) {
		r = read(mn->tun, p + MN_OUTER, MN_PKT_MAX);
		if (r <= 0)
			return;
		if (!bul_tunnelled(&mn->b) || r < 40 || (p[MN_OUTER] >> 4) != 6 ||
		    memcmp(p + MN_OUTER + 8, &mn->b.hoa, 16) != 0) {
			mn->n.encap_dropped++;
			continue;
		}
		mn_ipv6(p, &mn->b.coa, &mn->b.ha, IPPROTO_IPV6, (size_t)r);
		mn_send(mn, p, MN_OUTER + (size_t)r);
		mn->n.encap++;
	}
}

/* RFC 4285 on a BA: signed with our key; with timestamps, it echoes the
 * last BU's, or (144) carries the Home Agent's time for the BU that waits,
 * which the next BUs then follow. A replayed BA fails either way. */
static bool
mn_ba_signed(struct mn *mn, const uint8_t *p, size_t len, const struct mh_msg *m)
{
	if (!auth_verify(&mn->key, p, len, m))
		return false;
	if (mn->key.replay != CONF_REPLAY_TIMESTAMP)
		return true;
	if (m->status != 144)
		return m->has_ts && m->ts == mn->last_ts;
	if (!m->has_ts || !mn->b.pending || m->seq != mn->b.seq)
		return false;
	mn->ts_offset = (int64_t)(m->ts - auth_ntp_now());
	log_warnx("the Home Agent's clock is %+.1f s from ours: BUs follow its time",
		  (double)mn->ts_offset / 4294967296.0);
	return true;
}

/* A Mobility Header from the Home Agent: a BA (to our Home Address, through
 * a type 2 routing header or directly), a Binding Refresh Request or a
 * Binding Error. */
static void
mn_mh(struct mn *mn, const uint8_t *p, size_t len)
{
	struct bul_out out;
	struct mh_msg m;

	if (mh_decode(p, len, &m) != MH_OK)
		return;
	if (memcmp(&m.src, &mn->b.ha, 16) != 0 ||
	    (m.type == MH_BA && memcmp(&m.final_dst, &mn->b.hoa, 16) != 0)) {
		mn->n.mh_ignored++;
		return;
	}
	/* RFC 4285: with a key, only a BA it signed counts (a BRR or a BE
	 * carries no authentication option and changes nothing for good). */
	if (m.type == MH_BA && mn->key.spi != 0 && !mn_ba_signed(mn, p, len, &m)) {
		mn->n.ba_unauthenticated++;
		return;
	}
	mn->n.ba_rx += m.type == MH_BA;
	mn->n.brr_rx += m.type == MH_BRR;
	mn->n.be_rx += m.type == MH_BE;
	bul_mh(&mn->b, clock_us(), &m, &out);
	mn_apply(mn, &out);
}

/* What the Home Agent tunnels to us (RFC 2473 §3.6: the kernel took the outer
 * header off): only from our Home Agent, only to our Home Address. A
 * Mobility Header in it (a Binding Refresh Request goes to the Home
 * Address, §9.5.5) is ours, not the kernel's. */
static void
mn_t41_input(struct mn *mn)
{
	uint8_t p[MN_PKT_MAX];
	struct sockaddr_in6 from;
	socklen_t fl;
	ssize_t r;
	int i;

	for (i = 0; i < MN_BURST; i++) {
		fl = sizeof(from);
		r = recvfrom(mn->t41, p, sizeof(p), MSG_TRUNC, (struct sockaddr *)&from, &fl);
		if (r <= 0)
			return;
		if (r < 40 || (size_t)r > sizeof(p) || (p[0] >> 4) != 6 ||
		    memcmp(&from.sin6_addr, &mn->b.ha, 16) != 0 ||
		    memcmp(p + 24, &mn->b.hoa, 16) != 0 || !bul_tunnelled(&mn->b)) {
			mn->n.decap_refused++;
			continue;
		}
		if (p[6] == MH_PROTO && memcmp(p + 8, &mn->b.ha, 16) == 0) {
			mn_mh(mn, p, (size_t)r);
			continue;
		}
		if (write(mn->tun, p, (size_t)r) == r)
			mn->n.decap++;
		if (mn->first_in_us == 0 && mn->b.ba_us != 0)
			mn->first_in_us = clock_us();
	}
}

/* When the kernel received the frame of @p msg (SO_TIMESTAMPNS, wall clock),
 * on our monotonic clock; now when it has no stamp. */
static uint64_t
mn_stamp(struct msghdr *msg)
{
	struct cmsghdr *c;
	struct timespec ts, now;
	uint64_t mono = clock_us(), at, wall;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		clock_gettime(CLOCK_REALTIME, &now);
		wall = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
		at = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
		return wall >= at && wall - at < mono ? mono - (wall - at) : mono;
	}
	return mono;
}

/* Mobility Headers from the Home Agent, and Router Advertisements' times. */
static void
mn_pkt_input(struct mn *mn, bool *relocate)
{
	uint8_t p[MN_PKT_MAX], cbuf[CMSG_SPACE(sizeof(struct timespec))];
	struct sockaddr_ll sll;
	struct iovec iov = {.iov_base = p, .iov_len = sizeof(p)};
	struct msghdr msg = {.msg_name = &sll, .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r;
	int i;

	for (i = 0; i < MN_BURST; i++) {
		msg.msg_namelen = sizeof(sll);
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		r = recvmsg(mn->pkt, &msg, 0);
		if (r <= 0)
			return;
		if (sll.sll_pkttype == PACKET_OUTGOING || r < 41)
			continue;
		if (p[6] == IPPROTO_ICMPV6 && p[40] == ICMP6_T_RA) {
			mn->ra_us = mn_stamp(&msg);
			mn->n.ra_rx++;
			if (mn->since_up && mn->n_ra_router < MN_RA_PREFIXES &&
			    !mn_heard_router(mn, (const struct in6_addr *)(p + 8))) {
				memcpy(&mn->ra_router[mn->n_ra_router++], p + 8, 16);
				mn->prune_due = true;
				mn_ra_prefixes(mn, p + 40, (size_t)r - 40);
				*relocate = true;
			}
			continue;
		}
		if (p[6] == IPPROTO_ROUTING || p[6] == MH_PROTO)
			mn_mh(mn, p, (size_t)r);
	}
}

static void
mn_icmp_input(struct mn *mn)
{
	uint8_t p[MN_PKT_MAX];
	struct in6_addr ha;
	struct bul_out out;
	ssize_t r;

	r = recv(mn->icmp, p, sizeof(p), 0);
	if (r < MN_DHAAD_LEN + 16 || p[0] != ICMP6_T_DHAAD_REP || p[1] != 0)
		return;
	mn->n.dhaad_rx++;
	memcpy(&ha, p + MN_DHAAD_LEN, 16); /* the most preferred first (§10.5) */
	bul_dhaad_reply(&mn->b, clock_us(), (uint16_t)(p[4] << 8 | p[5]), &ha, &out);
	mn_apply(mn, &out);
}

static double
mn_ms(uint64_t from, uint64_t to)
{
	return from != 0 && to >= from ? (double)(to - from) / 1000.0 : -1.0;
}

static void
mn_print_bul(void *arg, FILE *out, bool json)
{
	struct mn *mn = arg;
	const struct bul *b = &mn->b;
	char h[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];
	uint64_t now = clock_us();
	long left = b->expires_us > now ? (long)((b->expires_us - now) / 1000000u) : 0;
	double ra_bu = mn_ms(mn->move_ra_us, b->bu_us);
	double bu_ba = mn_ms(b->bu_us, b->ba_us), ba_in = mn_ms(b->ba_us, mn->first_in_us);

	mn_ntop(&b->hoa, h);
	mn_ntop(b->state == BUL_HOME || b->state == BUL_DEREGISTERING ? &b->home_addr : &b->coa, c);
	mn_ntop(&b->ha, a);
	if (json) {
		fprintf(out,
			"{\"bul\":[{\"hoa\":\"%s\",\"coa\":\"%s\",\"ha\":\"%s\",\"state\":\"%s\","
			"\"lifetime\":%ld,\"granted\":%u,\"seq\":%u,\"retransmissions\":%u,"
			"\"last_status\":%u,\"ra_to_bu_ms\":%.3f,"
			"\"bu_to_ba_ms\":%.3f,\"ba_to_first_packet_ms\":%.3f}]}\n",
			h, c, a, bul_state_name(b->state), left, b->granted_s, b->seq, b->retrans,
			b->last_status, ra_bu, bu_ba, ba_in);
		return;
	}
	fprintf(out, "hoa %s status %s\n", h, bul_state_name(b->state));
	if (b->state == BUL_HOME || b->state == BUL_DEREGISTERING)
		fprintf(out, " home link address %s\n", c);
	else
		fprintf(out, " coa %s flags AH\n", c);
	fprintf(out, " ha %s\n", a);
	fprintf(out, " lifetime %ld / %u seq %u retransmissions %u last status %u (%s)\n", left,
		b->granted_s, b->seq, b->retrans, b->last_status,
		mh_ba_status_name(b->last_status));
	if (bu_ba < 0)
		return;
	fprintf(out, " last handover: RA to BU %.3f ms, BU to BA %.3f ms", ra_bu, bu_ba);
	if (ba_in >= 0)
		fprintf(out, ", BA to first tunnelled packet %.3f ms", ba_in);
	fputc('\n', out);
}

static void
mn_print_stats(void *arg, FILE *out, bool json)
{
	struct mn *mn = arg;
	bool first = true;

	fputs(json ? "\"mobile_node\":{" : "mobile node\n", out);
#define MN_PRINT(name)                                                                             \
	if (json)                                                                                  \
		fprintf(out, "%s\"" #name "\":%llu", first ? "" : ",",                             \
			(unsigned long long)mn->n.name);                                           \
	else                                                                                       \
		fprintf(out, "  %-15s %llu\n", #name, (unsigned long long)mn->n.name);             \
	first = false;
	MN_COUNTERS(MN_PRINT)
#undef MN_PRINT
	if (json)
		fputc('}', out);
}

static int
mn_tun_open(struct mn *mn, const char *name, int mtu)
{
	struct ifreq ifr = {0};
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%.*s", IFNAMSIZ - 1, name);
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(fd, TUNSETIFF, &ifr) != 0)
		goto fail;
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) != 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		goto fail;
	close(s);
	mn->tun_ifindex = (int)if_nametoindex(name);
	return fd;
fail:
	if (s >= 0)
		close(s);
	close(fd);
	return -1;
}

/* Write @p val to /proc/sys/net/ipv6/conf/@p ifname/@p key. */
static void
mn_sysctl(const char *ifname, const char *key, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	f = fopen(path, "w");
	if (f == NULL || fputs(val, f) < 0 || fclose(f) != 0)
		log_warn("%s", path);
}

static int
mn_sysctl_get(const char *ifname, const char *key)
{
	char path[128];
	int v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	f = fopen(path, "r");
	if (f != NULL) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int
mn_mtu(const char *ifname)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = 1500;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%.*s", IFNAMSIZ - 1, ifname);
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	if (s >= 0)
		close(s);
	return mtu;
}

/* The packet socket takes what can be a Mobility Header (behind a routing
 * header or straight) and Router Advertisements; offsets from the IPv6 header. */
static struct sock_filter mn_pkt_code[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ROUTING, 4, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MH_PROTO, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP6_T_RA, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};
static const struct sock_fprog mn_pkt_prog = {
	.len = sizeof(mn_pkt_code) / sizeof(mn_pkt_code[0]),
	.filter = mn_pkt_code,
};

static void
mn_sockets(struct mn *mn)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6)};
	struct icmp6_filter f;
	int one = 1, hops = 255; /* RFC 4861 §6.3.7: a Router Solicitation's */

	mn->raw = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	mn->t41 = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IPV6);
	/* Protocol 0 until bound: nothing from other interfaces queues up. */
	mn->pkt = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mn->icmp = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (mn->raw < 0 || mn->t41 < 0 || mn->pkt < 0 || mn->icmp < 0)
		fatal("sockets (root or CAP_NET_RAW needed)");
	sll.sll_ifindex = mn->ifindex;
	if (setsockopt(mn->pkt, SOL_SOCKET, SO_ATTACH_FILTER, &mn_pkt_prog, sizeof(mn_pkt_prog)) !=
		    0 ||
	    bind(mn->pkt, (struct sockaddr *)&sll, sizeof(sll)) != 0 ||
	    setsockopt(mn->pkt, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) != 0)
		fatal("AF_PACKET on %s", mn->c->mobile_node.interface);
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_T_DHAAD_REP, &f);
	if (setsockopt(mn->icmp, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) != 0 ||
	    setsockopt(mn->icmp, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) != 0)
		fatal("ICMPv6 socket options");
}

static void
mn_watch(struct mn *mn, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	if (epoll_ctl(mn->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		fatal("epoll_ctl");
}

/* Until the next timer of the list, in milliseconds; -1 for none. */
static int
mn_timeout(const struct mn *mn)
{
	uint64_t next = mn->b.next_us, now = clock_us();

	if (mn->b.expires_us != 0 && (next == 0 || mn->b.expires_us < next))
		next = mn->b.expires_us;
	if (mn->hoa_want != mn->hoa_at && (next == 0 || mn->hoa_retry_us < next))
		next = mn->hoa_retry_us;
	if (mn->rs_left > 0 && mn->n_ra_router == 0 && (next == 0 || mn->rs_next_us < next))
		next = mn->rs_next_us;
	if (next == 0)
		return -1;
	return next <= now ? 0 : (int)((next - now + 999) / 1000);
}

static int
mn_loop(struct mn *mn)
{
	struct epoll_event evs[8];
	struct signalfd_siginfo si;
	struct bul_out out;
	bool relocate = false;
	int i, n;

	for (;;) {
		int timeout = mn_timeout(mn);

		/* Wake at least once a second for the service manager's watchdog. */
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		n = epoll_wait(mn->ep, evs, 8, timeout);
		if (n < 0 && errno != EINTR)
			fatal("epoll_wait");
		notify_watchdog();
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == mn->sfd) {
				if (read(mn->sfd, &si, sizeof(si)) == sizeof(si) &&
				    si.ssi_signo != SIGHUP) {
					log_info("signal %u: exiting; the binding stays at the "
						 "Home Agent",
						 si.ssi_signo);
					notify_stopping();
					return 0;
				}
			} else if (fd == mn->lfd) {
				ctl_serve(mn->lfd, &mn->ctl);
			} else if (vty_event(mn->vty, fd)) {
				/* a vty client, handled */
			} else if (fd == nl_watch_fd(mn->nl)) {
				/* The RA that made the address is queued already. */
				if (nl_watch_input(mn->nl)) {
					mn_pkt_input(mn, &relocate);
					relocate = true;
				}
			} else if (fd == mn->tun) {
				mn_tun_input(mn);
			} else if (fd == mn->t41) {
				mn_t41_input(mn);
			} else if (fd == mn->pkt) {
				mn_pkt_input(mn, &relocate);
			} else if (fd == mn->icmp) {
				mn_icmp_input(mn);
			}
		}
		if (relocate)
			mn_locate(mn);
		relocate = false;
		bul_tick(&mn->b, clock_us(), &out);
		mn_apply(mn, &out);
		if (mn->hoa_want != mn->hoa_at && clock_us() >= mn->hoa_retry_us)
			mn_place_hoa(mn, mn->hoa_want);
		mn_solicit(mn);
	}
}

int
mn_run(const struct conf *c, struct nl *nl, int sfd, int lfd)
{
	struct mn mn = {.c = c,
			.nl = nl,
			.sfd = sfd,
			.lfd = lfd,
			.hoa_at = BUL_HOA_KEEP,
			.hoa_want = BUL_HOA_KEEP};
	const char *ifname = c->mobile_node.interface;
	char err[256], h[INET6_ADDRSTRLEN];
	int rc;

	mn.ifindex = (int)if_nametoindex(ifname);
	if (mn.ifindex == 0)
		fatalx("mobile_node.interface %s: no such interface", ifname);
	if (auth_mn_load(&mn.key, c, stderr) < 0)
		fatalx("mobile_node.auth: cannot read the key");
	bul_init(&mn.b, &c->mobile_node.home_address.addr, c->mobile_node.home_address.len,
		 &c->mobile_node.home_agent, c->mobile_node.max_binding_lifetime);
	/* A restarted node need not guess its last number: a 135 resynchronises. */
	mn.b.seq = (uint16_t)(clock_us() ^ (uint64_t)getpid());
	mn.b.dhaad_id = (uint16_t)(clock_us() >> 7 ^ (uint64_t)getpid() << 3);
	/* RFC 2473 §6.7: the tunnel's MTU is the link's less our header. */
	rc = mn_mtu(ifname) - MN_OUTER;
	mn.tun = mn_tun_open(&mn, c->mobile_node.tunnel, rc > MN_PKT_MAX ? MN_PKT_MAX : rc);
	if (mn.tun < 0)
		fatal("TUN device %s", c->mobile_node.tunnel);
	rc = nl_route_default_dev(nl, MN_TABLE, mn.tun_ifindex);
	if (rc != 0)
		fatalx("route table %d: %s", MN_TABLE, strerror(-rc));
	/* RFC 6275 §11.5.4: an unsolicited NA when the HoA comes home. */
	mn_sysctl(ifname, "ndisc_notify", "1");
	/* The care-of address comes from the kernel's SLAAC. */
	rc = mn_sysctl_get(ifname, "accept_ra");
	if (rc == 0 || (rc == 1 && mn_sysctl_get(ifname, "forwarding") == 1) ||
	    mn_sysctl_get(ifname, "autoconf") == 0)
		log_warnx("%s: accept_ra %d, forwarding %d, autoconf %d: the kernel will not "
			  "autoconfigure care-of addresses (want accept_ra 1, or 2 when "
			  "forwarding, and autoconf 1)",
			  ifname, rc, mn_sysctl_get(ifname, "forwarding"),
			  mn_sysctl_get(ifname, "autoconf"));
	mn_sockets(&mn);
	mn.ep = epoll_create1(EPOLL_CLOEXEC);
	if (mn.ep < 0 || nl_watch_start(nl, mn.ifindex, err, sizeof(err)) != 0)
		fatalx("%s", mn.ep < 0 ? "epoll_create1 failed" : err);
	mn.ctl = (struct ctl_ctx){.arg = &mn, .stats = mn_print_stats, .bul = mn_print_bul};
	mn.vty = vty_start(c, mn.ep, &mn.ctl);
	mn_watch(&mn, sfd);
	mn_watch(&mn, lfd);
	mn_watch(&mn, nl_watch_fd(nl));
	mn_watch(&mn, mn.tun);
	mn_watch(&mn, mn.t41);
	mn_watch(&mn, mn.pkt);
	mn_watch(&mn, mn.icmp);
	log_info("mobile node on %s: home address %s/%u, tunnel %s, home agent %s", ifname,
		 mn_ntop(&mn.b.hoa, h), mn.b.plen, c->mobile_node.tunnel,
		 IN6_IS_ADDR_UNSPECIFIED(&mn.b.ha) ? "to discover (DHAAD)" : "configured");
	mn.link_downs = nl_watch_link_downs(nl);
	mn_locate(&mn);
	notify_ready("mobile node: registering");
	rc = mn_loop(&mn);
	nl_rule_from(nl, &mn.b.hoa, MN_TABLE, MN_RULE_PRIO, false);
	close(mn.tun);
	close(mn.raw);
	close(mn.t41);
	close(mn.pkt);
	close(mn.icmp);
	vty_close(mn.vty);
	close(mn.ep);
	return rc;
}
