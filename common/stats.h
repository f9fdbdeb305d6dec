/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The shared `stats` object: the dataplane's counters (DESIGN.md §The picture).
 *
 * The dataplane is the only writer; each counter has exactly one writing lcore,
 * so a counter update is a relaxed load and store (no locked instruction on the
 * hot path) and a reader sees every 64-bit value whole. The control plane and
 * `mip6ha-dp --stats` map it read-only.
 */
#ifndef MIP6HA_STATS_H
#define MIP6HA_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_ABI	   3
#define STATS_LCORES_MAX   16
#define STATS_PORTS_MAX	   32 /**< data ports, their taps and the signalling tap */
#define STATS_NAME_MAX	   16
#define STATS_HIST_BUCKETS 64
#define STATS_HIST_NS	   250 /**< width of one burst-latency histogram bucket */

/*
 * Why a packet was dropped: one list yields the enum and the counter names
 * (as VPP's ipip node does). Tests assert on these names.
 */
#define DP_DROP_REASONS(X)                                                                         \
	X(MALFORMED, "malformed")	      /* short frame, bad version or payload length */     \
	X(EXT_CHAIN, "ext_chain")	      /* header runs past the packet, chain too long */    \
	X(OTHERHOST, "otherhost")	      /* unicast frame for another MAC */                  \
	X(NOT_IPV6, "not_ipv6")		      /* non-IPv6 frame from a tap or to the signal tap */ \
	X(RH0, "rh0")			      /* routing header type 0 (RFC 5095) */               \
	X(BAD_RH2, "bad_rh2")		      /* type 2 routing header not for a mobile node */    \
	X(HAO_DUP, "hao_dup")		      /* two Home Address options */                       \
	X(SPOOFED, "spoofed")		      /* reverse tunnel: CoA or HA address mismatch */     \
	X(UNKNOWN_HOA, "unknown_hoa")	      /* reverse tunnel: inner source not bound */         \
	X(BAD_INNER_SRC, "bad_inner_src")     /* reverse tunnel: inner source not unicast */       \
	X(NESTED_TUNNEL, "nested_tunnel")     /* reverse tunnel: inner is a tunnel again */        \
	X(TUNNEL_FRAGMENT, "tunnel_fragment") /* reverse tunnel arrived fragmented (policy) */     \
	X(DECAP_LOOP, "decap_loop")	      /* reverse tunnel: inner dst is the sender's HoA */  \
	X(ENCAP_LOOP, "encap_loop")	      /* to a HoA from its own CoA */                      \
	X(ECN_CE_NOT_ECT, "ecn_ce_not_ect")   /* RFC 6040: CE outer, Not-ECT inner */              \
	X(ENCAP_LIMIT, "encap_limit")	      /* Tunnel Encapsulation Limit 0 (PP sent) */         \
	X(TOO_BIG, "too_big")		      /* over the tunnel MTU (Packet Too Big sent) */      \
	X(NO_ROUTE, "no_route")		      /* signalling frame with no route */                 \
	X(BLACKHOLE, "blackhole")	      /* blackhole route */                                \
	X(ICMP_BAD_QUOTE, "icmp_bad_quote")   /* ICMP error about a tunnel packet we never sent */ \
	X(ICMP_NO_RELAY, "icmp_no_relay")     /* ICMP error that RFC 2473 §8 does not relay */    \
	X(RATE_LIMITED, "rate_limited")	      /* ICMP error suppressed by the token bucket */      \
	X(SIG_RATE, "sig_rate")		      /* Mobility Header over the signalling rate */       \
	X(NO_MBUF, "no_mbuf")		      /* mbuf pool empty */                                \
	X(NO_HEADROOM, "no_headroom")	      /* no room for the outer header */                   \
	X(TX_FULL, "tx_full")		      /* the device did not take the packet */

#define DP_EVENTS(X)                                                                               \
	X(ENCAP, "encap")		  /* tunnelled to a CoA */                                 \
	X(DECAP, "decap")		  /* reverse tunnel accepted */                            \
	X(HAIRPIN, "hairpin")		  /* decapsulated and tunnelled to another CoA */          \
	X(FORWARD, "forward")		  /* routed without a tunnel */                            \
	X(PUNT_TAP, "punt_tap")		  /* to a port's tap (the kernel) */                       \
	X(PUNT_SIG, "punt_sig")		  /* Mobility Header to the signalling tap */              \
	X(PUNT_HOPLIMIT, "punt_hoplimit") /* hop limit ran out: the kernel sends Time Exceeded */  \
	X(PUNT_NO_ROUTE, "punt_no_route") /* no route: the kernel decides */                       \
	X(PUNT_NO_NEIGH, "punt_no_neigh") /* next hop unresolved: the kernel resolves it */        \
	X(FROM_TAP, "from_tap")		  /* kernel frames sent out of a port */                   \
	X(FROM_SIG, "from_sig")		  /* control-plane frames routed out */                    \
	X(PTB_SENT, "ptb_sent")		  /* ICMPv6 Packet Too Big generated */                    \
	X(PP_SENT, "pp_sent")		  /* ICMPv6 Parameter Problem generated */                 \
	X(ICMP_RELAYED, "icmp_relayed")	  /* RFC 2473 §8 error relayed to the inner source */     \
	X(FRAGMENTED, "fragmented")	  /* tunnel packets fragmented (outer) */                  \
	X(CACHE_MISS, "cache_miss")	  /* bound HoA not in the worker's cache: table lookup */

#define DP_X_ENUM(e, n) DP_DROP_##e,
enum dp_drop {
	DP_DROP_REASONS(DP_X_ENUM) DP_DROP_MAX
};
#undef DP_X_ENUM
#define DP_X_ENUM(e, n) DP_EV_##e,
enum dp_event {
	DP_EVENTS(DP_X_ENUM) DP_EV_MAX
};
#undef DP_X_ENUM

extern const char *const dp_drop_names[DP_DROP_MAX];
extern const char *const dp_event_names[DP_EV_MAX];

struct stats_port {
	_Atomic uint64_t rx_pkts;
	_Atomic uint64_t rx_bytes;
	_Atomic uint64_t tx_pkts;
	_Atomic uint64_t tx_bytes;
	_Atomic uint64_t drops; /**< tx the device refused */
};

/** One lcore's counters, written by that lcore only. */
struct stats_lcore {
	_Atomic uint64_t loops;	 /**< poll iterations: the main lcore's liveness probe */
	_Atomic uint64_t bursts; /**< non-empty bursts */
	_Atomic uint64_t drop[DP_DROP_MAX];
	_Atomic uint64_t event[DP_EV_MAX];
	_Atomic uint64_t burst_hist[STATS_HIST_BUCKETS]; /**< last bucket: longer */
	struct stats_port port[STATS_PORTS_MAX];
} __attribute__((aligned(64)));

/** Per binding id, per lcore. */
struct stats_binding {
	_Atomic uint64_t encap_pkts;
	_Atomic uint64_t encap_bytes;
	_Atomic uint64_t decap_pkts;
	_Atomic uint64_t decap_bytes;
};

struct stats;

/** Dataplane: create (or re-create with a new geometry) `<name>-stats`. */
struct stats *stats_create(const char *name, uint32_t n_lcores, uint32_t n_ports,
			   uint32_t max_bindings, char *err, size_t errlen);
/** Any reader: map read-only. */
struct stats *stats_attach(const char *name, char *err, size_t errlen);
void stats_close(struct stats *s);
void stats_destroy(const char *name);

/** Writer: name a port slot ("home", "tap:ha-home", "sig"). */
void stats_set_port_name(struct stats *s, uint32_t idx, const char *name);
struct stats_lcore *stats_lcore(struct stats *s, uint32_t lcore);
/** Writer: the lcore's binding counters, indexed by binding id (1..max). */
struct stats_binding *stats_bindings(struct stats *s, uint32_t lcore);
/** Writer: liveness (CLOCK_MONOTONIC ns), set by the main lcore. */
void stats_heartbeat(struct stats *s, uint64_t now_ns, uint64_t fib_gen, uint32_t fib_rejected);

static inline void
stats_add(_Atomic uint64_t *c, uint64_t v)
{
	/* Single writer per counter: relaxed load and store, no lock prefix. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

/** Sum over lcores of a drop reason or an event, for tests and the CLI. */
uint64_t stats_drop(const struct stats *s, enum dp_drop d);
uint64_t stats_event(const struct stats *s, enum dp_event e);
/** Burst latency percentile in ns from the lcores' histograms (0 when empty). */
uint64_t stats_burst_pct_ns(const struct stats *s, double pct);

/** Reader: one binding's counters summed over lcores. */
void stats_binding_sum(const struct stats *s, uint32_t id, uint64_t out[4]);

/** Print everything (text or JSON) as `mip6ha-dp --stats` shows it. */
void stats_print(const struct stats *s, FILE *out, bool json);

/** The dataplane's counters in the Prometheus text format (mip6ha_dp_...). */
void stats_print_prometheus(const struct stats *s, FILE *out);

#endif
