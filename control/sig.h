/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The Home Agent's signalling: Mobility Header frames in (from the signalling
 * tap, or the home interface without a dataplane), the BU engine (ha.h)
 * deciding, the binding cache written, and the answer out — a Binding
 * Acknowledgement only once the table holds the binding, a Binding Error, or
 * an ICMPv6 Parameter Problem. DAD before a first registration runs beside
 * other BUs: the BU waits in a queue while the home link is probed.
 */
#ifndef MIP6HA_SIG_H
#define MIP6HA_SIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "bcache.h"
#include "conf.h"
#include "ha.h"
#include "mh.h"
#include "pkt.h"

/* Protocol counters: one X-macro list gives the fields and their names. */
#define SIG_COUNTERS(X)                                                                            \
	X(rx_frames)	 /* frames read from the socket */                                         \
	X(rx_malformed)	 /* not a whole IPv6 packet */                                             \
	X(mh_discarded)	 /* bad checksum, truncated or malformed Mobility Header */                \
	X(bu_rx)	 /* Binding Updates decoded */                                             \
	X(bu_auth_ok)	 /* ... with a valid RFC 4285 Authenticator and replay check */            \
	X(ba_tx)	 /* Binding Acknowledgements sent */                                       \
	X(be_tx)	 /* Binding Errors sent */                                                 \
	X(param_prob_tx) /* ICMPv6 Parameter Problems sent */                                      \
	X(bu_discarded)	 /* silently discarded BUs (see discards) */                               \
	X(table_errors)	 /* the table refused a binding the engine accepted */                     \
	X(dad_started)	 /* Duplicate Address Detection runs */                                    \
	X(dad_failed)	 /* ... that found the address in use (status 134) */                      \
	X(dad_queue_full)                                                                          \
	X(mps_rx)	  /* Mobile Prefix Solicitations with a Home Address option */             \
	X(mpa_tx)	  /* Mobile Prefix Advertisements sent */                                  \
	X(mps_discarded)  /* ... from a Home Address with no home registration */                  \
	X(hao_discarded)  /* other packets with a Home Address option, no BE sent */               \
	X(rate_limited)	  /* Mobility Headers over home_agent.rate_limits (per source, total) */   \
	X(errors_limited) /* Binding Errors, Parameter Problems, BA 146 not sent: errors limit */  \
	X(mpa_limited)	  /* MPAs not sent: the dhaad limit */

struct sig_counters {
#define SIG_FIELD(n) uint64_t n;
	SIG_COUNTERS(SIG_FIELD)
#undef SIG_FIELD
	uint64_t ba_status[256];
	uint64_t be_status[3];
	uint64_t discard[HA_DISCARD_COUNT];
};

/** What the signalling asks of the home link (ndisc.c). */
struct sig_link_ops {
	/** Probe @p a with DAD (and its link-local when @p ll); sig_dad_conflict() reports a hit. */
	void (*dad_start)(void *arg, const struct in6_addr *a, bool ll);
};

struct sig;

struct sig *sig_new(const struct conf *c, struct bcache *bc, const struct sig_link_ops *ops,
		    void *ops_arg);
void sig_free(struct sig *s);

/** The counters in the Prometheus text format (mip6ha_signalling_..., BAs by status). */
void sig_print_prometheus(const struct sig *s, FILE *out);

/** Read home_agent.auth's key files. @return the number of errors, each printed to @p errf. */
int sig_load_keys(struct sig *s, FILE *errf);

/**
 * Take @p c (SIGHUP): policy, limits, prefixes, lifetimes and keys (a key
 * that did not change keeps its replay state). Bindings and BUs waiting for
 * DAD stay. @return 0, or -1 with each key error on @p errf and nothing
 * changed.
 */
int sig_reload(struct sig *s, const struct conf *c, FILE *errf);

/** Open the Mobility Header socket on @p ifname. @return 0 or -errno with a message. */
int sig_open(struct sig *s, const char *ifname, char *err, size_t errlen);
void sig_close(struct sig *s);
int sig_fd(const struct sig *s);
int sig_ifindex(const struct sig *s); /**< of the open socket, 0 if none */

/** Read and answer every frame waiting on the socket. */
void sig_input(struct sig *s);

/** Handle one IPv6 packet (@p len bytes) that came in a frame from @p eth_src to @p eth_dst. */
void sig_packet(struct sig *s, const uint8_t *ip, size_t len, const uint8_t eth_src[6],
		const uint8_t eth_dst[6]);

/** Time passes: expire bindings, finish DAD probes that heard no answer. */
void sig_tick(struct sig *s, uint64_t now_ms);

/** A neighbour on the home link claims @p a (a NA for it, or another's DAD NS). */
void sig_dad_conflict(struct sig *s, const struct in6_addr *a);

/** Milliseconds until the next DAD probe ends, or -1 with none running. */
int sig_dad_timeout_ms(const struct sig *s, uint64_t now_ms);

const struct sig_counters *sig_counters(const struct sig *s);
void sig_print_stats(const struct sig *s, FILE *out, bool json);

#endif
