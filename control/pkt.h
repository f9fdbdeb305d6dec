/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Batched AF_PACKET sockets: the Mobility Header path (on the signalling tap,
 * or on the home interface when there is no dataplane) and the frames the
 * Home Agent writes on the home link itself (DAD probes from ::). Frames are
 * whole Ethernet frames; a batch is one recvmmsg() or sendmmsg().
 */
#ifndef MIP6HA_PKT_H
#define MIP6HA_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_BATCH     64
#define PKT_FRAME_MAX 2048
#define PKT_ETH_HDR   14

struct pkt_sock {
	int fd;
	int ifindex;
	uint8_t mac[6];
	char ifname[16];
	/* The receive batch: frames[i] holds len[i] bytes. */
	uint8_t frames[PKT_BATCH][PKT_FRAME_MAX];
	uint32_t len[PKT_BATCH];
	/* The send batch, flushed by pkt_flush(). */
	uint8_t out[PKT_BATCH][PKT_FRAME_MAX];
	uint32_t out_len[PKT_BATCH];
	unsigned int n_out;
	uint64_t tx_errors;
};

enum pkt_mode {
	/** Receive frames whose first Next Header can lead to a Mobility Header
	 * (135, Destination Options, Hop-by-Hop, Routing), and send. */
	PKT_MH,
	/** Send only: a socket filter drops everything that arrives. */
	PKT_TX_ONLY,
};

/** Open a socket on @p ifname. @return 0, or -errno with a message in @p err. */
int pkt_open(struct pkt_sock *s, const char *ifname, enum pkt_mode mode, char *err, size_t errlen);
void pkt_close(struct pkt_sock *s);

/** Read up to PKT_BATCH frames without blocking. @return how many, or -errno. */
int pkt_recv(struct pkt_sock *s);
/** The same, with each frame's kernel receive time (CLOCK_REALTIME ns, 0 when
 * missing) in @p stamps; the socket needs SO_TIMESTAMPNS. */
int pkt_recv_stamped(struct pkt_sock *s, uint64_t *stamps);

/**
 * A frame to send: reserve room for @p len bytes (Ethernet header included),
 * flushing first when the batch is full. @return the buffer, or NULL when
 * @p len exceeds PKT_FRAME_MAX.
 */
uint8_t *pkt_reserve(struct pkt_sock *s, size_t len);

/** Send what pkt_reserve() gave out. @return frames sent. */
unsigned int pkt_flush(struct pkt_sock *s);

#endif
