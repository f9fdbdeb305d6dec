/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flood of ./scripts/run-bench security: Binding Updates from spoofed
 * sources for random Home Addresses, as fast as asked, out of an AF_PACKET
 * socket in sendmmsg() batches. 65536 different frames are built first (a
 * random source in 2001:db8:66::/48, which is also the Alternate CoA, and a
 * random Home Address in the home prefix 2001:db8::/64, each BU with a valid
 * checksum and no authentication), then sent round robin, paced by the clock.
 *
 *   bench_flood IFACE DST_MAC HA RATE SECONDS [data N]
 *
 * With "data N" it sends the correspondent's traffic instead: UDP from
 * 2001:db8:f::99 to the N bound Home Addresses 2001:db8::a:0:i (as
 * bench_cp_gen loads them) round robin; HA is unused. RATE 0 sends as fast
 * as the socket takes them. Prints "offered N in S s: R BU/s" (or pkt/s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mh.h"

#define FRAMES 65536u
#define BATCH  64u
#define ETH    14u

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An IPv6/UDP packet of MH_BU_PACKET bytes from the correspondent to HoA @p i. */
static void
data_frame(uint8_t *p, unsigned int i)
{
	static const char tag[] = "mip6ha-spray";
	struct in6_addr src, dst;

	memset(p, 0, MH_BU_PACKET);
	inet_pton(AF_INET6, "2001:db8:f::99", &src);
	inet_pton(AF_INET6, "2001:db8::a:0:0", &dst);
	dst.s6_addr[14] = (uint8_t)(i >> 8);
	dst.s6_addr[15] = (uint8_t)i;
	p[0] = 0x60;
	p[5] = MH_BU_PACKET - 40;
	p[6] = 17;
	p[7] = 64;
	memcpy(p + 8, &src, 16);
	memcpy(p + 24, &dst, 16);
	p[40] = 0x30; /* ports 12345 -> 9 */
	p[41] = 0x39;
	p[43] = 9;
	p[45] = MH_BU_PACKET - 40;
	memcpy(p + 48, tag, sizeof(tag) - 1);
}

int
main(int argc, char **argv)
{
	static uint8_t frames[FRAMES][ETH + MH_BU_PACKET];
	struct sockaddr_ll sll = {.sll_family = AF_PACKET};
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned int mac[6], i, n;
	double rate, secs, t0, t;
	uint64_t sent = 0;
	struct ifreq ifr;
	struct mh_bu bu;
	int fd;

	if ((argc != 6 && argc != 8) || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1],
					       &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "usage: %s IFACE DST_MAC HA RATE SECONDS [data N]\n", argv[0]);
		return 2;
	}
	rate = atof(argv[4]);
	secs = atof(argv[5]);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		perror(argv[1]);
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	sll.sll_protocol = htons(0x86dd);
	memset(&bu, 0, sizeof(bu));
	inet_pton(AF_INET6, argv[3], &bu.ha);
	bu.flags = MH_BU_A | MH_BU_H;
	bu.lifetime = 100;
	bu.hop_limit = 64;
	for (i = 0; i < FRAMES; i++) {
		uint64_t r = next(), h = next();

		inet_pton(AF_INET6, "2001:db8:66::", &bu.src);
		memcpy(bu.src.s6_addr + 6, &r, 8);
		bu.src.s6_addr[14] = (uint8_t)i;
		bu.src.s6_addr[15] = (uint8_t)(i >> 8);
		bu.coa = bu.src;
		inet_pton(AF_INET6, "2001:db8::", &bu.hoa);
		memcpy(bu.hoa.s6_addr + 8, &h, 8);
		bu.seq = (uint16_t)r;
		for (n = 0; n < 6; n++)
			frames[i][n] = (uint8_t)mac[n];
		memcpy(frames[i] + 6, ifr.ifr_hwaddr.sa_data, 6);
		frames[i][12] = 0x86;
		frames[i][13] = 0xdd;
		if (argc == 8) {
			data_frame(frames[i] + ETH, i % (unsigned int)atoi(argv[7]));
			continue;
		}
		if (mh_bu_encode(&bu, frames[i] + ETH, MH_BU_PACKET) != MH_BU_PACKET)
			return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
		iov[i].iov_len = ETH + MH_BU_PACKET;
	}
	t0 = now_s();
	for (;;) {
		int r;

		t = now_s() - t0;
		if (t >= secs)
			break;
		if (rate > 0 && (double)sent >= rate * t) {
			struct timespec ts = {0, 20000};

			nanosleep(&ts, NULL);
			continue;
		}
		for (i = 0; i < BATCH; i++)
			iov[i].iov_base = frames[(sent + i) % FRAMES];
		r = sendmmsg(fd, msgs, BATCH, 0);
		if (r < 0 && errno != ENOBUFS && errno != EAGAIN) {
			perror("sendmmsg");
			return 1;
		}
		if (r > 0)
			sent += (uint64_t)r;
	}
	t = now_s() - t0;
	printf("offered %llu in %.2f s: %.0f %s\n", (unsigned long long)sent, t, (double)sent / t,
	       argc == 8 ? "pkt/s" : "BU/s");
	close(fd);
	return 0;
}
