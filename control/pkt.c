/* SPDX-License-Identifier: BSD-3-Clause */
#include "pkt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/*
 * Ethernet type IPv6, and a first Next Header that can lead to a Mobility
 * Header: 135 itself, Hop-by-Hop (0), Routing (43), Destination Options (60).
 * Frames this host sent itself (PACKET_OUTGOING) are dropped too.
 */
static struct sock_filter pkt_mh_filter[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 8, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, PKT_ETH_HDR + 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 60, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 43, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, PKT_FRAME_MAX),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static struct sock_filter pkt_none_filter[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

int
pkt_open(struct pkt_sock *s, const char *ifname, enum pkt_mode mode, char *err, size_t errlen)
{
	struct sock_fprog prog = {
		.len = mode == PKT_MH ? sizeof(pkt_mh_filter) / sizeof(pkt_mh_filter[0]) : 1,
		.filter = mode == PKT_MH ? pkt_mh_filter : pkt_none_filter,
	};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6)};
	struct ifreq ifr = {0};
	int rc, buf = 4 << 20;

	memset(s, 0, offsetof(struct pkt_sock, frames));
	s->n_out = 0;
	s->fd = -1;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = (int)if_nametoindex(ifname);
	if (s->ifindex == 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", ifname, strerror(errno));
		return rc;
	}
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (s->fd < 0)
		goto fail;
	if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0)
		goto fail;
	/* Bursts of BUs must queue, not drop, while the loop works. */
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	sll.sll_ifindex = s->ifindex;
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		goto fail;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s->fd, SIOCGIFHWADDR, &ifr) != 0)
		goto fail;
	memcpy(s->mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
fail:
	rc = -errno;
	snprintf(err, errlen, "%s: AF_PACKET: %s", ifname, strerror(errno));
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return rc;
}

void
pkt_close(struct pkt_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int
pkt_recv(struct pkt_sock *s)
{
	return pkt_recv_stamped(s, NULL);
}

int
pkt_recv_stamped(struct pkt_sock *s, uint64_t *stamps)
{
	static _Thread_local char ctl[PKT_BATCH][CMSG_SPACE(sizeof(struct timespec))];
	struct mmsghdr msgs[PKT_BATCH];
	struct iovec iov[PKT_BATCH];
	int i, n;

	for (i = 0; i < PKT_BATCH; i++) {
		iov[i].iov_base = s->frames[i];
		iov[i].iov_len = PKT_FRAME_MAX;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (stamps != NULL) {
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
	}
	n = recvmmsg(s->fd, msgs, PKT_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct cmsghdr *c;
		struct timespec ts;

		/* A frame cut at PKT_FRAME_MAX is reported whole by MSG_TRUNC
		 * only with the flag; without it the length is what was copied. */
		s->len[i] = msgs[i].msg_len;
		if (stamps == NULL)
			continue;
		stamps[i] = 0;
		c = CMSG_FIRSTHDR(&msgs[i].msg_hdr);
		if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			stamps[i] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		}
	}
	return n;
}

uint8_t *
pkt_reserve(struct pkt_sock *s, size_t len)
{
	if (len > PKT_FRAME_MAX)
		return NULL;
	if (s->n_out == PKT_BATCH)
		pkt_flush(s);
	s->out_len[s->n_out] = (uint32_t)len;
	return s->out[s->n_out++];
}

unsigned int
pkt_flush(struct pkt_sock *s)
{
	struct mmsghdr msgs[PKT_BATCH];
	struct iovec iov[PKT_BATCH];
	unsigned int i, sent = 0;
	int n;

	for (i = 0; i < s->n_out; i++) {
		iov[i].iov_base = s->out[i];
		iov[i].iov_len = s->out_len[i];
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < s->n_out) {
		n = sendmmsg(s->fd, msgs + sent, s->n_out - sent, 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			/* The frames are lost; the protocol's retransmissions recover. */
			s->tx_errors += s->n_out - sent;
			break;
		}
		sent += (unsigned int)n;
	}
	s->n_out = 0;
	return sent;
}
