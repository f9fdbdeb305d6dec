/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home link: RFC 4861 as RFC 6275 §7 extends it, §10.4.1 (proxy ND),
 * §10.5 (DHAAD) and §10.3.1 (DAD for a mobile node). ICMPv6 goes through one
 * raw socket (the kernel checksums it); DAD probes, whose source is ::, are
 * written as whole frames on the home interface.
 */
#include "ndisc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include "icmp6.h"
#include "clock.h"
#include "ha.h"
#include "log.h"
#include "tb.h"
#include "pkt.h"

#define NDISC_HA_MAX	  128 /* other home agents remembered (a DHAAD reply lists 77) */
#define NDISC_FIRST_RA_MS 500

/* Counters, X-macro: fields and names from one list. */
#define NDISC_COUNTERS(X)                                                                          \
	X(ra_tx)                                                                                   \
	X(ra_solicited_tx)                                                                         \
	X(rs_rx)                                                                                   \
	X(ra_rx)                                                                                   \
	X(ns_rx)                                                                                   \
	X(na_rx)                                                                                   \
	X(dhaad_rx)                                                                                \
	X(dhaad_tx)                                                                                \
	X(dhaad_limited) /* DHAAD requests not answered: home_agent.rate_limits.dhaad */           \
	X(dad_ns_tx)                                                                               \
	X(na_unsolicited_tx)                                                                       \
	X(proxy_add)                                                                               \
	X(proxy_del)                                                                               \
	X(proxy_errors)                                                                            \
	X(bad_hop_limit) /* ND message not from the link (hop limit ≠ 255) */                    \
	X(malformed)                                                                               \
	X(tx_errors)

static const struct in6_addr ndisc_all_nodes = {
	{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};

struct ndisc_ha {
	struct in6_addr ll;   /* its link-local source address */
	struct in6_addr addr; /* its global address (a prefix option with R) */
	bool has_addr;
	uint16_t preference;
	uint64_t expiry_ms;
};

struct ndisc {
	const struct conf *c;
	struct nl *nl;
	struct sig *sig;
	int ifindex, fd, tfd;
	uint8_t mac[6];
	struct pkt_sock *tx;
	struct ndisc_ha ha[NDISC_HA_MAX];
	unsigned int n_ha;
	struct tb dhaad_tb;
	struct {
#define NDISC_FIELD(n) uint64_t n;
		NDISC_COUNTERS(NDISC_FIELD)
#undef NDISC_FIELD
	} n;
};

struct ndisc *
ndisc_new(const struct conf *c, struct nl *nl)
{
	struct ndisc *nd = calloc(1, sizeof(*nd));

	if (nd == NULL)
		return NULL;
	nd->c = c;
	nd->nl = nl;
	nd->fd = -1;
	nd->tfd = -1;
	tb_init(&nd->dhaad_tb, c->home_agent.rate_limits.dhaad, clock_us());
	return nd;
}

void
ndisc_close(struct ndisc *nd)
{
	if (nd->fd >= 0)
		close(nd->fd);
	if (nd->tfd >= 0)
		close(nd->tfd);
	nd->fd = nd->tfd = -1;
	if (nd->tx != NULL)
		pkt_close(nd->tx);
	free(nd->tx);
	nd->tx = NULL;
	nd->ifindex = 0;
}

void
ndisc_free(struct ndisc *nd)
{
	if (nd == NULL)
		return;
	ndisc_close(nd);
	free(nd);
}

void
ndisc_set_sig(struct ndisc *nd, struct sig *s)
{
	nd->sig = s;
}

bool
ndisc_is_open(const struct ndisc *nd)
{
	return nd->fd >= 0;
}

int
ndisc_ifindex(const struct ndisc *nd)
{
	return nd->ifindex;
}

int
ndisc_fd(const struct ndisc *nd)
{
	return nd->fd;
}

int
ndisc_timer_fd(const struct ndisc *nd)
{
	return nd->tfd;
}

/* Write "1" to /proc/sys/net/ipv6/conf/IFACE/KEY. */
static int
ndisc_sysctl(const char *ifname, const char *key, const char *val)
{
	char path[128];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static void
ndisc_arm(struct ndisc *nd, uint64_t ms)
{
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)(ms / 1000),
					      .tv_nsec = (long)(ms % 1000) * 1000000L}};

	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	timerfd_settime(nd->tfd, 0, &its, NULL);
}

/* The raw ICMPv6 socket: ND, DHAAD and MPS in; hop limit 255 out. */
static int
ndisc_socket(struct ndisc *nd)
{
	struct icmp6_filter f;
	int one = 1, zero = 0, hops = 255;
	size_t i;

	nd->fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (nd->fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_T_RS, &f);
	ICMP6_FILTER_SETPASS(ICMP6_T_RA, &f);
	ICMP6_FILTER_SETPASS(ICMP6_T_NS, &f);
	ICMP6_FILTER_SETPASS(ICMP6_T_NA, &f);
	ICMP6_FILTER_SETPASS(ICMP6_T_DHAAD_REQ, &f);
	if (setsockopt(nd->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) != 0 ||
	    setsockopt(nd->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) != 0 ||
	    setsockopt(nd->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) != 0 ||
	    setsockopt(nd->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) != 0 ||
	    /* RFC 4861 §6.1.2: a solicited RA to a unicast address too. */
	    setsockopt(nd->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) != 0 ||
	    setsockopt(nd->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) != 0 ||
	    setsockopt(nd->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &nd->ifindex,
		       sizeof(nd->ifindex)) != 0)
		return -errno;
	/* RFC 6275 §10.5: DHAAD requests come to the home agents anycast
	 * address of the home prefix. */
	for (i = 0; i < nd->c->home_agent.n_home_prefixes; i++) {
		const struct conf_prefix *p = &nd->c->home_agent.home_prefixes[i];
		struct ipv6_mreq mr = {.ipv6mr_multiaddr = icmp6_ha_anycast(&p->addr, p->len),
				       .ipv6mr_interface = (unsigned int)nd->ifindex};
		char a[INET6_ADDRSTRLEN];

		if (setsockopt(nd->fd, IPPROTO_IPV6, IPV6_JOIN_ANYCAST, &mr, sizeof(mr)) != 0 &&
		    errno != EADDRINUSE)
			log_warn("home agents anycast %s",
				 inet_ntop(AF_INET6, &mr.ipv6mr_multiaddr, a, sizeof(a)));
	}
	return 0;
}

int
ndisc_open(struct ndisc *nd, char *err, size_t errlen)
{
	const char *ifname = nd->c->home_agent.interface;
	size_t i;
	int rc;

	nd->ifindex = (int)if_nametoindex(ifname);
	if (nd->ifindex == 0) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		return -ENODEV;
	}
	/* The kernel answers Neighbor Solicitations for proxy entries only on
	 * a forwarding interface with proxy_ndp; a unicast one (to the HoA
	 * itself) only with the namespace-wide conf/all/proxy_ndp. */
	if ((rc = ndisc_sysctl(ifname, "forwarding", "1")) < 0 ||
	    (rc = ndisc_sysctl(ifname, "proxy_ndp", "1")) < 0 ||
	    (rc = ndisc_sysctl("all", "proxy_ndp", "1")) < 0) {
		snprintf(err, errlen, "%s: sysctl forwarding/proxy_ndp: %s", ifname, strerror(-rc));
		goto fail;
	}
	for (i = 0; i < nd->c->home_agent.n_addresses; i++) {
		const struct conf_prefix *a = &nd->c->home_agent.addresses[i];

		rc = nl_addr_add(nd->nl, nd->ifindex, &a->addr, a->len);
		if (rc < 0) {
			snprintf(err, errlen, "%s: adding a home agent address: %s", ifname,
				 strerror(-rc));
			goto fail;
		}
	}
	nd->tx = malloc(sizeof(*nd->tx));
	if (nd->tx == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rc = pkt_open(nd->tx, ifname, PKT_TX_ONLY, err, errlen);
	if (rc < 0)
		goto fail;
	memcpy(nd->mac, nd->tx->mac, 6);
	rc = ndisc_socket(nd);
	if (rc == 0) {
		nd->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		rc = nd->tfd < 0 ? -errno : 0;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: ICMPv6 socket: %s", ifname, strerror(-rc));
		goto fail;
	}
	if (nd->c->home_agent.ra.enabled)
		ndisc_arm(nd, NDISC_FIRST_RA_MS);
	return 0;
fail:
	ndisc_close(nd);
	return rc;
}

/* Send an ICMPv6 message out of the home interface (or routed, ifindex 0). */
static int
ndisc_send(struct ndisc *nd, const uint8_t *msg, size_t len, const struct in6_addr *dst,
	   const struct in6_addr *src, int ifindex)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *dst};
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)(uintptr_t)msg, .iov_len = len};
	struct msghdr mh = {.msg_name = &to,
			    .msg_namelen = sizeof(to),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;
	struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned int)ifindex};

	if (src != NULL)
		pi.ipi6_addr = *src;
	memset(u.buf, 0, sizeof(u.buf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (sendmsg(nd->fd, &mh, 0) < 0) {
		nd->n.tx_errors++;
		return -errno;
	}
	return 0;
}

size_t
ndisc_prefixes(const struct conf *c, struct icmp6_prefix *out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < c->home_agent.n_home_prefixes && n < max; i++) {
		const struct conf_prefix *p = &c->home_agent.home_prefixes[i];
		struct icmp6_prefix *o = &out[n++];

		*o = (struct icmp6_prefix){.addr = p->addr,
					   .len = p->len,
					   .flags = ICMP6_PIO_L | ICMP6_PIO_A,
					   .valid = ICMP6_PIO_VALID,
					   .preferred = ICMP6_PIO_PREFERRED};
		/* RFC 6275 §7.2: with R set the field holds our whole address. */
		for (j = 0; j < c->home_agent.n_addresses; j++)
			if (ha_addr_in_prefix(&c->home_agent.addresses[j].addr, &p->addr, p->len)) {
				o->addr = c->home_agent.addresses[j].addr;
				o->flags |= ICMP6_PIO_R;
				break;
			}
	}
	return n;
}

static void
ndisc_send_ra(struct ndisc *nd, const struct in6_addr *dst)
{
	const struct conf *c = nd->c;
	struct icmp6_ra ra = {
		.cur_hop_limit = 64,
		.flags = ICMP6_RA_H,
		.ha_info = true,
		.ha_preference = c->home_agent.preference,
		.ha_lifetime = (uint16_t)c->home_agent.ra.lifetime,
		.adv_interval_ms = c->home_agent.ra.max_interval * 1000u,
	};
	uint8_t buf[1024];
	uint32_t rl = 3 * c->home_agent.ra.max_interval; /* RFC 4861 §6.2.1 default */
	size_t len;

	ra.router_lifetime = (uint16_t)(rl > 9000 ? 9000 : rl);
	memcpy(ra.mac, nd->mac, 6);
	ra.n_prefixes = ndisc_prefixes(c, ra.prefixes, ICMP6_RA_PREFIX_MAX);
	len = icmp6_ra_encode(&ra, buf, sizeof(buf));
	if (len != 0 && ndisc_send(nd, buf, len, dst != NULL ? dst : &ndisc_all_nodes, NULL,
				   nd->ifindex) == 0) {
		if (dst != NULL)
			nd->n.ra_solicited_tx++;
		else
			nd->n.ra_tx++;
	}
}

void
ndisc_reload(struct ndisc *nd, const struct conf *c)
{
	bool was = nd->c->home_agent.ra.enabled;

	nd->c = c;
	/* New prefixes or intervals go out at once; a stopped timer restarts. */
	if (nd->tfd >= 0 && c->home_agent.ra.enabled)
		ndisc_arm(nd, was ? 1 : NDISC_FIRST_RA_MS);
	tb_init(&nd->dhaad_tb, c->home_agent.rate_limits.dhaad, clock_us());
}

void
ndisc_timer(struct ndisc *nd)
{
	const struct conf *c = nd->c;
	uint64_t exp, lo = c->home_agent.ra.min_interval * 1000ull,
		      hi = c->home_agent.ra.max_interval * 1000ull;

	if (read(nd->tfd, &exp, sizeof(exp)) < 0 && errno == EAGAIN)
		return;
	if (!c->home_agent.ra.enabled)
		return;
	ndisc_send_ra(nd, NULL);
	/* RFC 4861 §6.2.4: uniformly random between the two intervals. */
	ndisc_arm(nd, lo + (hi > lo ? (uint64_t)random() % (hi - lo) : 0));
}

/* RFC 6275 §10.5.1: a Home Agents List entry from an RA with the H flag. */
static void
ndisc_learn(struct ndisc *nd, const struct in6_addr *src, const uint8_t *p, size_t len)
{
	struct icmp6_ra_info ri;
	struct ndisc_ha *h = NULL;
	uint32_t life;
	unsigned int i;

	if (!icmp6_ra_decode(p, len, &ri)) {
		nd->n.malformed++;
		return;
	}
	if (!(ri.flags & ICMP6_RA_H))
		return;
	for (i = 0; i < nd->n_ha; i++)
		if (memcmp(&nd->ha[i].ll, src, sizeof(*src)) == 0)
			h = &nd->ha[i];
	life = ri.has_ha_info ? ri.ha_lifetime : ri.router_lifetime;
	if (life == 0) {
		if (h != NULL)
			*h = nd->ha[--nd->n_ha];
		return;
	}
	if (h == NULL) {
		if (nd->n_ha == NDISC_HA_MAX)
			return;
		h = &nd->ha[nd->n_ha++];
		memset(h, 0, sizeof(*h));
		h->ll = *src;
	}
	h->preference = ri.has_ha_info ? ri.ha_preference : 0;
	h->expiry_ms = clock_ms() + (uint64_t)life * 1000u;
	if (ri.n_addrs > 0) {
		h->addr = ri.addrs[0];
		h->has_addr = true;
	}
}

static void
ndisc_expire_has(struct ndisc *nd)
{
	uint64_t now = clock_ms();
	unsigned int i = 0;

	while (i < nd->n_ha)
		if (nd->ha[i].expiry_ms <= now)
			nd->ha[i] = nd->ha[--nd->n_ha];
		else
			i++;
}

struct ndisc_pref {
	struct in6_addr addr;
	uint16_t preference;
	unsigned int order;
};

static int
ndisc_pref_cmp(const void *a, const void *b)
{
	const struct ndisc_pref *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference > y->preference ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The home agents on the link, this one included, most preferred first. */
static size_t
ndisc_ha_sorted(struct ndisc *nd, struct ndisc_pref *out, size_t cap)
{
	size_t n = 0, i;

	ndisc_expire_has(nd);
	for (i = 0; i < nd->c->home_agent.n_addresses && n < cap; i++, n++) {
		out[n].addr = nd->c->home_agent.addresses[i].addr;
		out[n].preference = nd->c->home_agent.preference;
		out[n].order = (unsigned int)n;
	}
	for (i = 0; i < nd->n_ha && n < cap; i++)
		if (nd->ha[i].has_addr) {
			out[n].addr = nd->ha[i].addr;
			out[n].preference = nd->ha[i].preference;
			out[n].order = (unsigned int)n;
			n++;
		}
	qsort(out, n, sizeof(*out), ndisc_pref_cmp);
	return n;
}

/* RFC 6275 §10.5: the reply lists the home agents by preference, from one
 * of our own addresses (never the anycast one), at most 77 of them. */
static void
ndisc_dhaad(struct ndisc *nd, const struct in6_addr *src, const uint8_t *p, size_t len)
{
	struct ndisc_pref hs[CONF_LIST_MAX + NDISC_HA_MAX];
	struct in6_addr addrs[ICMP6_DHAAD_MAX];
	uint8_t buf[8 + 16 * ICMP6_DHAAD_MAX];
	size_t n, i, blen;

	nd->n.dhaad_rx++;
	/* home_agent.rate_limits.dhaad: no amplifier for spoofed requests. */
	if (!tb_take(&nd->dhaad_tb, clock_us(), 1000000, nd->c->home_agent.rate_limits.dhaad,
		     nd->c->home_agent.rate_limits.dhaad)) {
		nd->n.dhaad_limited++;
		return;
	}
	if (len < 8 || p[1] != 0 || nd->c->home_agent.n_addresses == 0 || src->s6_addr[0] == 0xff ||
	    IN6_IS_ADDR_UNSPECIFIED(src)) {
		nd->n.malformed++;
		return;
	}
	n = ndisc_ha_sorted(nd, hs, sizeof(hs) / sizeof(hs[0]));
	if (n > ICMP6_DHAAD_MAX)
		n = ICMP6_DHAAD_MAX;
	for (i = 0; i < n; i++)
		addrs[i] = hs[i].addr;
	blen = icmp6_dhaad_rep((uint16_t)(p[4] << 8 | p[5]), addrs, n, buf, sizeof(buf));
	if (blen != 0 &&
	    ndisc_send(nd, buf, blen, src, &nd->c->home_agent.addresses[0].addr, 0) == 0)
		nd->n.dhaad_tx++;
}

static void
ndisc_dispatch(struct ndisc *nd, const struct in6_addr *src, const uint8_t *p, size_t len,
	       int ifindex, int hlim)
{
	struct in6_addr target;

	if (len < 4)
		return;
	if (p[0] == ICMP6_T_DHAAD_REQ) {
		ndisc_dhaad(nd, src, p, len);
		return;
	}
	/* RFC 4861 §6.1, §7.1: ND from the home link only, hop limit 255. */
	if (ifindex != nd->ifindex)
		return;
	if (hlim != 255) {
		nd->n.bad_hop_limit++;
		return;
	}
	switch (p[0]) {
	case ICMP6_T_RS:
		nd->n.rs_rx++;
		if (nd->c->home_agent.ra.enabled)
			ndisc_send_ra(nd, IN6_IS_ADDR_UNSPECIFIED(src) ? NULL : src);
		break;
	case ICMP6_T_RA:
		nd->n.ra_rx++;
		ndisc_learn(nd, src, p, len);
		break;
	case ICMP6_T_NS:
	case ICMP6_T_NA:
		if (len < 24) {
			nd->n.malformed++;
			return;
		}
		memcpy(&target, p + 8, 16);
		if (p[0] == ICMP6_T_NA)
			nd->n.na_rx++;
		else
			nd->n.ns_rx++;
		/* §10.3.1: someone answers for the address, or probes it too. */
		if (nd->sig != NULL && (p[0] == ICMP6_T_NA || IN6_IS_ADDR_UNSPECIFIED(src)))
			sig_dad_conflict(nd->sig, &target);
		break;
	default:
		break;
	}
}

void
ndisc_input(struct ndisc *nd)
{
	uint8_t buf[2048];
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct sockaddr_in6 from;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t r;

	for (;;) {
		int ifindex = 0, hlim = -1;

		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof(u.b);
		r = recvmsg(nd->fd, &mh, MSG_DONTWAIT);
		if (r < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != IPPROTO_IPV6)
				continue;
			if (cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
			} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
				memcpy(&hlim, CMSG_DATA(cm), sizeof(hlim));
			}
		}
		ndisc_dispatch(nd, &from.sin6_addr, buf, (size_t)r, ifindex, hlim);
	}
}

/* fe80::/64 with the interface identifier of @p a. */
static struct in6_addr
ndisc_ll_of(const struct in6_addr *a)
{
	struct in6_addr ll = {{{0xfe, 0x80}}};

	memcpy(ll.s6_addr + 8, a->s6_addr + 8, 8);
	return ll;
}

static void
ndisc_send_dad(struct ndisc *nd, const struct in6_addr *a)
{
	uint8_t pkt[MH_IPV6_HDR + 24], *f;
	size_t len = icmp6_ns_dad(a, pkt, sizeof(pkt));
	struct in6_addr g = icmp6_solicited_node(a);

	if (nd->tx == NULL || len == 0 || (f = pkt_reserve(nd->tx, PKT_ETH_HDR + len)) == NULL)
		return;
	/* RFC 2464 §7: 33:33 and the group's last four bytes. */
	f[0] = 0x33;
	f[1] = 0x33;
	memcpy(f + 2, g.s6_addr + 12, 4);
	memcpy(f + 6, nd->mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memcpy(f + PKT_ETH_HDR, pkt, len);
	if (pkt_flush(nd->tx) == 1)
		nd->n.dad_ns_tx++;
	else
		nd->n.tx_errors++;
}

void
ndisc_dad_start(void *arg, const struct in6_addr *a, bool ll)
{
	struct ndisc *nd = arg;
	struct in6_addr lla = ndisc_ll_of(a);

	ndisc_send_dad(nd, a);
	if (ll)
		ndisc_send_dad(nd, &lla);
}

/* Proxy ND for @p a on the home link, and the kernel's own route to it. */
static void
ndisc_proxy(struct ndisc *nd, const struct in6_addr *a, bool add)
{
	char s[INET6_ADDRSTRLEN];
	int rc;

	if (nd->ifindex == 0)
		return;
	rc = nl_proxy(nd->nl, nd->ifindex, a, add);
	if (rc == 0 || (!add && rc == -ENOENT)) {
		if (add)
			nd->n.proxy_add++;
		else
			nd->n.proxy_del++;
		/* The HA host's own packets to an away HoA (replies to the
		 * mobile node, an operator's ping) must reach the dataplane's
		 * tunnel: a permanent neighbour entry with the interface's own
		 * MAC sends them into the home tap instead of soliciting a node
		 * that is not on the link. */
		rc = nl_neigh_own(nd->nl, nd->ifindex, a, nd->mac, add);
		if (rc == 0 || (!add && rc == -ENOENT))
			return;
	}
	nd->n.proxy_errors++;
	log_warnx("neighbour %s %s on %s: %s", add ? "add" : "delete",
		  inet_ntop(AF_INET6, a, s, sizeof(s)), nd->c->home_agent.interface, strerror(-rc));
}

/* RFC 6275 §10.4.1: tell the link the HoA's packets now go to us. */
static void
ndisc_announce(struct ndisc *nd, const struct in6_addr *a)
{
	uint8_t buf[32];
	size_t len = icmp6_na_encode(a, ICMP6_NA_O, nd->mac, buf, sizeof(buf));

	if (nd->fd >= 0 && len != 0 &&
	    ndisc_send(nd, buf, len, &ndisc_all_nodes, NULL, nd->ifindex) == 0)
		nd->n.na_unsolicited_tx++;
}

void
ndisc_binding(struct ndisc *nd, enum bcache_event ev, const struct bt_binding *b)
{
	struct in6_addr ll = ndisc_ll_of(&b->hoa);
	bool add = ev == BCACHE_ADD || ev == BCACHE_ADOPT;

	if (ev == BCACHE_UPDATE)
		return; /* a new CoA: the link already sends the HoA's packets here */
	ndisc_proxy(nd, &b->hoa, add);
	if (b->flags & BT_F_LINKLOCAL)
		ndisc_proxy(nd, &ll, add);
	if (ev == BCACHE_ADD) {
		ndisc_announce(nd, &b->hoa);
		if (b->flags & BT_F_LINKLOCAL)
			ndisc_announce(nd, &ll);
	}
}

void
ndisc_print_ha_list(struct ndisc *nd, FILE *out, bool json)
{
	struct ndisc_pref hs[CONF_LIST_MAX + NDISC_HA_MAX];
	uint64_t now = clock_ms();
	size_t n, i, j;
	char a[INET6_ADDRSTRLEN], l[INET6_ADDRSTRLEN];

	n = ndisc_ha_sorted(nd, hs, sizeof(hs) / sizeof(hs[0]));
	if (json)
		fputc('[', out);
	else
		fprintf(out, "%-40s %10s %9s  %s\n", "ADDRESS", "PREFERENCE", "LIFETIME",
			"LINK-LOCAL");
	for (i = 0; i < n; i++) {
		const struct ndisc_ha *h = NULL;
		long life = -1;

		for (j = 0; j < nd->n_ha; j++)
			if (nd->ha[j].has_addr &&
			    memcmp(&nd->ha[j].addr, &hs[i].addr, sizeof(hs[i].addr)) == 0)
				h = &nd->ha[j];
		if (h != NULL)
			life = (long)((h->expiry_ms - now) / 1000u);
		inet_ntop(AF_INET6, &hs[i].addr, a, sizeof(a));
		if (h != NULL)
			inet_ntop(AF_INET6, &h->ll, l, sizeof(l));
		if (json)
			fprintf(out,
				"%s{\"address\":\"%s\",\"preference\":%u,\"lifetime\":%ld,"
				"\"self\":%s,\"link_local\":\"%s\"}",
				i ? "," : "", a, hs[i].preference,
				h != NULL ? life : (long)nd->c->home_agent.ra.lifetime,
				h == NULL ? "true" : "false", h != NULL ? l : "");
		else
			fprintf(out, "%-40s %10u %9ld  %s\n", a, hs[i].preference,
				h != NULL ? life : (long)nd->c->home_agent.ra.lifetime,
				h != NULL ? l : "(this home agent)");
	}
	if (json)
		fputs("]\n", out);
}

void
ndisc_print_stats(const struct ndisc *nd, FILE *out, bool json)
{
	if (json) {
		fputs("\"home_link\":{", out);
#define NDISC_JSON(f) fprintf(out, "\"" #f "\":%llu,", (unsigned long long)nd->n.f);
		NDISC_COUNTERS(NDISC_JSON)
#undef NDISC_JSON
		fprintf(out, "\"home_agents\":%u}", nd->n_ha);
		return;
	}
	fputs("home link\n", out);
#define NDISC_TEXT(f) fprintf(out, "  %-22s %llu\n", #f, (unsigned long long)nd->n.f);
	NDISC_COUNTERS(NDISC_TEXT)
#undef NDISC_TEXT
	fprintf(out, "  %-22s %u\n", "home_agents", nd->n_ha);
}

/* A home link counter's Prometheus name: ND abbreviations spelt out (promtool
 * reads "ns" as nanoseconds). */
static void
ndisc_prom_counter(FILE *out, const char *field, uint64_t v)
{
	static const char *const words[][2] = {{"ns", "neighbor_solicitations"},
					       {"na", "neighbor_advertisements"},
					       {"ra", "router_advertisements"},
					       {"rs", "router_solicitations"}};
	char name[128] = "mip6ha_home_link", tok[32];
	const char *p = field;

	while (*p != '\0') {
		size_t n = strcspn(p, "_"), i;
		const char *w = tok;

		snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (!strcmp(tok, words[i][0]))
				w = words[i][1];
		strncat(name, "_", sizeof(name) - strlen(name) - 1);
		strncat(name, w, sizeof(name) - strlen(name) - 1);
		p += n + (p[n] == '_');
	}
	fprintf(out,
		"# HELP %s_total mip6ha-cp home link counter %s (RAs, RS, DHAAD, DAD, proxy "
		"ND).\n# TYPE %s_total counter\n%s_total %llu\n",
		name, field, name, name, (unsigned long long)v);
}

void
ndisc_print_prometheus(const struct ndisc *nd, FILE *out)
{
#define NDISC_PROM(f) ndisc_prom_counter(out, #f, nd->n.f);
	NDISC_COUNTERS(NDISC_PROM)
#undef NDISC_PROM
	fprintf(out,
		"# HELP mip6ha_home_agents Home agents known on the home link, this one "
		"included.\n# TYPE mip6ha_home_agents gauge\nmip6ha_home_agents %u\n",
		nd->n_ha + 1);
}
