/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the YAML data ports, one exception tap each with the port's MAC (so
 * the kernel owns the HA's addresses, ND and ICMP on that link), and the
 * signalling tap that carries Mobility Header frames to and from mip6ha-cp.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "dp.h"

#define DP_RXD 1024
#define DP_TXD 1024
/* Frames the kernel queues on the signalling tap for us (its txqueuelen):
 * mip6ha-cp answers a batch of BUs with one sendmmsg(), and on a small
 * machine the worker that drains the tap may share the CPU with it. The
 * default of 1000 dropped BAs at 100k BU/s (./scripts/run-bench cp). */
#define DP_SIG_TXQLEN 16384
/* net_af_packet's default 2048-byte ring frames, less its headers. */
#define DP_AF_PACKET_MTU 1500

static int
dp_sysctl_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return -errno;
	rc = fputs(val, f) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* DESIGN.md §Configuration: the tap is the kernel's only view of the link, so
 * the interface under an af_packet port must not answer ND itself. */
static void
dp_disable_ipv6(const char *ifname, const char *why)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	rc = dp_sysctl_write(path, "1");
	if (rc == 0)
		printf("mip6ha-dp: IPv6 disabled on %s (%s)\n", ifname, why);
	else
		fprintf(stderr, "mip6ha-dp: warning: cannot disable IPv6 on %s: %s\n", ifname,
			strerror(-rc));
}

static void
dp_set_txqlen(const char *ifname, int len)
{
	struct ifreq ifr = {.ifr_qlen = len};
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCSIFTXQLEN, &ifr) != 0)
		fprintf(stderr, "mip6ha-dp: warning: cannot set txqueuelen %d on %s: %s\n", len,
			ifname, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * The kernel interface under an af_packet port must be up and must not filter
 * the multicast ND the HA answers through its tap (solicited-node groups of
 * the HA and of every proxied HoA). @return its MTU, or 0.
 */
static unsigned int
dp_iface_prepare(const char *ifname)
{
	struct ifreq ifr;
	unsigned int mtu = 0;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_ALLMULTI;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
			fprintf(stderr, "mip6ha-dp: warning: cannot set %s up and allmulti: %s\n",
				ifname, strerror(errno));
	}
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned int)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/* Split "vdev:net_pcap0,rx_pcap=a" into the device name and its arguments. */
static int
dp_vdev_create(const char *devargs, char *name, size_t len)
{
	const char *comma = strchr(devargs, ',');
	size_t n = comma != NULL ? (size_t)(comma - devargs) : strlen(devargs);

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(name, devargs, n);
	name[n] = '\0';
	return rte_vdev_init(name, comma != NULL ? comma + 1 : "");
}

static int
dp_port_open(struct dp *dp, const struct conf_port *cp, unsigned int i, uint16_t *port_id,
	     char *af_iface)
{
	char name[CONF_PATH_MAX], args[CONF_PATH_MAX + 32];
	const char *dev = cp->device;
	int rc;

	af_iface[0] = '\0';
	if (strncmp(dev, "af_packet:", 10) == 0) {
		snprintf(name, sizeof(name), "net_af_packet%u", i);
		snprintf(args, sizeof(args), "iface=%s,qpairs=%u", dev + 10, dp->n_workers);
		snprintf(af_iface, CONF_NAME_MAX, "%s", dev + 10);
		if (dp_iface_prepare(af_iface) > DP_AF_PACKET_MTU)
			fprintf(stderr,
				"mip6ha-dp: warning: %s: MTU above %u; af_packet frames are "
				"2048 bytes, larger packets arrive truncated\n",
				af_iface, DP_AF_PACKET_MTU);
		rc = rte_vdev_init(name, args);
	} else if (strncmp(dev, "vdev:", 5) == 0) {
		rc = dp_vdev_create(dev + 5, name, sizeof(name));
	} else if (strncmp(dev, "pci:", 4) == 0) {
		/* Probed by the EAL from the "-a BDF" main.c adds. */
		snprintf(name, sizeof(name), "%s", dev + 4);
		rc = 0;
	} else {
		fprintf(stderr, "mip6ha-dp: port %s: unknown device \"%s\"\n", cp->name, dev);
		return -EINVAL;
	}
	if (rc == 0)
		rc = rte_eth_dev_get_port_by_name(name, port_id);
	if (rc != 0)
		fprintf(stderr, "mip6ha-dp: port %s: cannot open device \"%s\" (%s)\n", cp->name,
			dev, rc < 0 ? strerror(-rc) : "probe failed");
	return rc < 0 ? rc : (rc > 0 ? -ENODEV : 0);
}

static int
dp_port_start(struct dp *dp, struct dp_port *p, uint16_t n_rxq)
{
	struct rte_eth_conf pc;
	struct rte_eth_dev_info info;
	uint16_t nrxd = DP_RXD, ntxd = DP_TXD, q, mtu;
	int socket = rte_eth_dev_socket_id(p->port_id), rc;

	memset(&pc, 0, sizeof(pc));
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	if (n_rxq > info.max_rx_queues)
		n_rxq = info.max_rx_queues;
	if (info.max_tx_queues < dp->n_workers) {
		fprintf(stderr, "mip6ha-dp: %s: %u tx queues, %u workers need one each\n", p->name,
			info.max_tx_queues, dp->n_workers);
		return -ENOTSUP;
	}
	/* RSS spreads flows over the workers where the device can. */
	if (n_rxq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP) != 0) {
		pc.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		pc.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	rc = rte_eth_dev_configure(p->port_id, n_rxq, dp->n_workers, &pc);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrxd, &ntxd);
	for (q = 0; rc == 0 && q < n_rxq; q++)
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrxd, (unsigned int)socket, NULL,
					    dp->pool);
	for (q = 0; rc == 0 && q < dp->n_workers; q++)
		rc = rte_eth_tx_queue_setup(p->port_id, q, ntxd, (unsigned int)socket, NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		fprintf(stderr, "mip6ha-dp: %s: cannot start: %s\n", p->name, strerror(-rc));
		return rc;
	}
	p->n_rxq = n_rxq;
	rte_eth_macaddr_get(p->port_id, &p->mac);
	p->mtu = RTE_ETHER_MTU;
	if (rte_eth_dev_get_mtu(p->port_id, &mtu) == 0 && mtu >= DP_MIN_MTU)
		p->mtu = mtu;
	/* ND to solicited-node groups; af_packet has no such call (see above). */
	if (p->kind == DP_PORT_DATA && rte_eth_allmulticast_enable(p->port_id) != 0 &&
	    p->af_iface[0] == '\0')
		fprintf(stderr, "mip6ha-dp: warning: %s: cannot receive all multicast\n", p->name);
	return 0;
}

static int
dp_tap_open(struct dp *dp, struct dp_port *t, const char *vname, const char *ifname,
	    const struct rte_ether_addr *mac, uint16_t mtu)
{
	char args[128], macs[RTE_ETHER_ADDR_FMT_SIZE];
	int rc;

	if (mac != NULL) {
		rte_ether_format_addr(macs, sizeof(macs), mac);
		snprintf(args, sizeof(args), "iface=%s,mac=%s", ifname, macs);
	} else {
		snprintf(args, sizeof(args), "iface=%s", ifname);
	}
	rc = rte_vdev_init(vname, args);
	if (rc == 0)
		rc = rte_eth_dev_get_port_by_name(vname, &t->port_id);
	if (rc != 0) {
		fprintf(stderr, "mip6ha-dp: cannot create tap %s: %s\n", ifname,
			rc < 0 ? strerror(-rc) : "probe failed");
		return rc < 0 ? rc : -ENODEV;
	}
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	/* The signalling tap carries raw MH frames only: IPv6 off before the link
	 * comes up, so the kernel never sends its own MLD or RS on it. */
	if (mac == NULL) {
		dp_disable_ipv6(ifname, "signalling tap");
		dp_set_txqlen(ifname, DP_SIG_TXQLEN);
	}
	rc = dp_port_start(dp, t, dp->n_workers);
	if (rc == 0 && mtu != 0 && mtu != t->mtu && rte_eth_dev_set_mtu(t->port_id, mtu) == 0)
		t->mtu = mtu;
	return rc;
}

int
dp_ports_init(struct dp *dp)
{
	const struct conf *c = dp->conf;
	char vname[64];
	unsigned int i;
	int rc;

	if (2 * c->dataplane.n_ports + 1 > DP_PORTS_MAX) {
		fprintf(stderr, "mip6ha-dp: at most %u ports\n", (DP_PORTS_MAX - 1) / 2);
		return -EINVAL;
	}
	dp->n_data = (uint16_t)c->dataplane.n_ports;
	for (i = 0; i < c->dataplane.n_ports; i++) {
		const struct conf_port *cp = &c->dataplane.ports[i];
		struct dp_port *p = &dp->ports[i], *t = &dp->ports[dp->n_data + i];

		p->kind = DP_PORT_DATA;
		p->peer = (uint16_t)(dp->n_data + i);
		snprintf(p->name, sizeof(p->name), "%s", cp->name);
		snprintf(p->ifname, sizeof(p->ifname), "%s", cp->tap);
		rc = dp_port_open(dp, cp, i, &p->port_id, p->af_iface);
		if (rc == 0)
			rc = dp_port_start(dp, p, dp->n_workers);
		if (rc != 0)
			return rc;
		if (p->af_iface[0] != '\0' && p->mtu > DP_AF_PACKET_MTU)
			p->mtu = DP_AF_PACKET_MTU;
		/* Bad-input matrix E6: rather than fragment the outer header, every
		 * link must carry a 1280-byte packet plus our header whole. */
		if (p->mtu < DP_MIN_MTU + 48) {
			fprintf(stderr,
				"mip6ha-dp: port %s: MTU %u is under %u (1280 + a tunnel header "
				"with its encapsulation limit option)\n",
				p->name, p->mtu, DP_MIN_MTU + 48);
			return -EINVAL;
		}
		if (p->af_iface[0] != '\0')
			dp_disable_ipv6(p->af_iface,
					"af_packet port: the tap is the kernel's view");
		t->kind = DP_PORT_TAP;
		t->peer = (uint16_t)i;
		snprintf(t->name, sizeof(t->name), "tap:%s", cp->tap);
		snprintf(vname, sizeof(vname), "net_tap%u", i);
		rc = dp_tap_open(dp, t, vname, cp->tap, &p->mac, p->mtu);
		if (rc != 0)
			return rc;
		rte_ether_format_addr(vname, sizeof(vname), &p->mac);
		printf("mip6ha-dp: port %s (%s, %s, mtu %u, %u rx queues) with tap %s\n", p->name,
		       cp->device, vname, p->mtu, p->n_rxq, cp->tap);
	}
	dp->sig = (uint16_t)(2 * dp->n_data);
	dp->n_ports = (uint16_t)(dp->sig + 1);
	dp->ports[dp->sig].kind = DP_PORT_SIG;
	snprintf(dp->ports[dp->sig].name, sizeof(dp->ports[dp->sig].name), "sig");
	rc = dp_tap_open(dp, &dp->ports[dp->sig], "net_tap_sig", DP_SIG_TAP, NULL, 0);
	if (rc != 0)
		return rc;
	for (i = 0; i < dp->n_ports; i++)
		stats_set_port_name(dp->stats, i, dp->ports[i].name);
	return 0;
}

void
dp_ports_stop(struct dp *dp)
{
	uint16_t i;

	for (i = 0; i < dp->n_ports; i++) {
		rte_eth_dev_stop(dp->ports[i].port_id);
		rte_eth_dev_close(dp->ports[i].port_id);
	}
}
