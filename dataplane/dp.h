/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * mip6ha-dp internals shared by its modules (DESIGN.md §The dataplane):
 * port.c (EAL ports and taps), nh.c (FIB snapshots published with RCU),
 * fwd.c (the burst loop: classify, encap, decap, punt), icmp.c (ICMPv6 errors
 * the dataplane must originate or relay), main.c (start-up and shutdown).
 */
#ifndef MIP6HA_DP_H
#define MIP6HA_DP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "bt.h"
#include "conf.h"
#include "fib.h"
#include "stats.h"
#include "tb.h"

#define DP_BURST       32
#define DP_TX_MAX      (2 * DP_BURST) /**< a burst plus the errors it may cause */
#define DP_PORTS_MAX   STATS_PORTS_MAX
#define DP_WORKERS_MAX (STATS_LCORES_MAX - 1)
#define DP_CACHE_BITS  18
#define DP_CACHE_SIZE  (1u << DP_CACHE_BITS) /**< binding cache entries per worker (16 MiB) */
#define DP_MIN_MTU     1280
#define DP_ENCAP_HDR   (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr))
#define DP_SIG_TAP     CONF_SIG_TAP

enum dp_port_kind {
	DP_PORT_DATA,
	DP_PORT_TAP, /**< a data port's exception tap */
	DP_PORT_SIG, /**< the signalling tap */
};

struct dp_port {
	enum dp_port_kind kind;
	uint16_t port_id; /**< DPDK port */
	uint16_t peer;	  /**< DATA: its tap's index; TAP: its data port's index */
	uint16_t n_rxq;
	uint16_t mtu;
	struct rte_ether_addr mac;
	char name[CONF_NAME_MAX];     /**< YAML name, "tap:NAME" or "sig" */
	char ifname[CONF_NAME_MAX];   /**< kernel name of the tap (DATA and TAP) */
	char af_iface[CONF_NAME_MAX]; /**< af_packet: the kernel interface below */
};

/** A route as the workers use it: the data port and next hop resolved. */
struct dp_route {
	struct in6_addr gw;
	uint8_t type; /**< enum fib_route_type */
	uint8_t has_gw;
	uint16_t port;		      /**< data port index */
	uint8_t gw_resolved;	      /**< has_gw: the gateway's MAC is known */
	struct rte_ether_addr gw_mac; /**< resolved when the snapshot was built */
};

/** An immutable FIB snapshot; replaced whole and freed after an RCU grace period. */
struct dp_fib {
	struct rte_fib6 *fib6;	/**< DIR-24-8 trie; next hop = index into routes */
	struct rte_hash *neigh; /**< struct dp_neigh_key -> index into macs */
	struct dp_route *routes;
	struct rte_ether_addr *macs;
	uint64_t gen;
	uint16_t epoch; /**< low bits of a rebuild counter, never 0: cache tag */
};

struct dp_neigh_key {
	struct in6_addr addr;
	uint32_t port;
};

/**
 * The per-worker binding cache: a bound HoA -> its binding as last read, with
 * the outer headers' parts resolved (next hop MACs, egress port). Direct
 * mapped by HoA; one cache line. An entry is used only while the binding's
 * version in the shared table still equals @c ver (bt_version(): one load) and
 * the FIB snapshot is the one it was resolved against, so a changed, deleted
 * or new binding is seen by the next packet.
 */
struct dp_cache_ent {
	uint64_t hoa[2];
	uint8_t coa[16];
	struct rte_ether_addr dmac; /**< next hop, or the port's own MAC when punted */
	struct rte_ether_addr smac;
	uint32_t id;	/**< binding id, 0 = empty */
	uint32_t ver;	/**< bt_version() of the binding when resolved */
	uint16_t epoch; /**< FIB snapshot it was resolved against */
	uint16_t port;	/**< egress data port */
	uint8_t ha_idx;
	uint8_t punt; /**< next hop unresolved: the kernel forwards it */
	uint8_t hlim; /**< outer hop limit */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct dp_cache_ent) == 64, "one cache line");

/** One destination, per worker: its resolved next hop, and whether it is known
 * not to be a bound HoA. */
struct dp_nh_ent {
	uint8_t dst[16];
	uint32_t unbound_gen; /**< not bound while bt_insert_gen() is this; 0: unknown */
	uint16_t epoch;	      /**< FIB snapshot it was resolved against, 0 = not yet */
	uint16_t port;
	int8_t rc; /**< dp_nh_lookup()'s answer */
	struct rte_ether_addr mac;
} __attribute__((aligned(32)));

#define DP_NHC_SIZE 4096

struct dp_txq {
	uint16_t n;
	struct rte_mbuf *pkts[DP_TX_MAX];
};

struct dp;

/** One worker's state; touched by its lcore only. */
struct dp_lcore {
	struct dp *dp;
	unsigned int lcore_id;
	uint16_t widx; /**< worker index: queue number and stats slot */
	uint16_t n_rx;
	struct {
		uint16_t pidx;
		uint16_t queue;
	} rx[DP_PORTS_MAX];
	struct stats_lcore *st;
	struct stats_binding *bst;
	const struct dp_fib *fib; /**< snapshot in use for this burst */
	uint32_t gen;		  /**< bt_insert_gen() read before this burst's lookups */
	uint16_t last_epoch;	  /**< to notice the epoch counter wrapping */
	struct tb icmp_tb;	  /**< RFC 4443 §2.4(f) */
	struct tb sig_known_tb;	  /**< Mobility Headers of known Home Addresses to mip6ha-cp */
	struct tb sig_other_tb;	  /**< ... of any other */
	struct dp_cache_ent *cache;
	struct dp_nh_ent *nhc; /**< next-hop cache for routed and decapsulated traffic */
	bool sig_sent;	       /**< a Mobility Header went to mip6ha-cp in this loop */
	struct dp_txq txq[DP_PORTS_MAX];
};

struct dp {
	const struct conf *conf;
	struct bt *bt;
	const void *bt_ents; /**< bt_entries(bt), for bt_version() */
	const void *bt_gen;  /**< bt_insert_gen_ptr(bt), for bt_insert_gen() */
	struct fib *fib_shm;
	struct stats *stats;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *rcu;
	_Atomic(struct dp_fib *) fib; /**< published by the main lcore */
	struct dp_port ports[DP_PORTS_MAX];
	uint16_t n_ports;
	uint16_t n_data;
	uint16_t sig; /**< index of the signalling tap */
	uint16_t n_workers;
	struct in6_addr ha_addr[BT_HA_ADDRS_MAX];
	unsigned int n_ha_addr;
	uint8_t tunnel_hop_limit;
	int encap_limit;  /**< -1: no Tunnel Encapsulation Limit option on output */
	double icmp_rate; /**< ICMP errors per second per worker */
	double icmp_burst;
	double sig_rate;       /**< dataplane.signalling_rate, per worker */
	double sig_known_rate; /**< dataplane.signalling_known_rate */
	/* Home Addresses that may register: keys and /128 allow rules. */
	struct in6_addr admit[2 * CONF_LIST_MAX];
	unsigned int n_admit;
	uint64_t tsc_hz;
	uint64_t hist_cycles;	 /**< TSC cycles in one burst-latency histogram bucket */
	uint64_t hist_mul;	 /**< 2^32 / hist_cycles: a bucket without a division */
	uint32_t fib_rejected;	 /**< entries the last rebuild skipped */
	uint64_t fib_failed_gen; /**< generation whose rebuild failed: not retried */
	bool busy_poll;
	volatile bool quit;
	struct dp_lcore *lcores[DP_WORKERS_MAX];
};

/* port.c */
int dp_ports_init(struct dp *dp);
void dp_ports_stop(struct dp *dp);

/* nh.c */
int dp_fib_init(struct dp *dp);
/** Main lcore: rebuild when the shared generation moved. @return 1 rebuilt, 0, -errno. */
int dp_fib_refresh(struct dp *dp, bool force);
void dp_fib_fini(struct dp *dp);
/**
 * Next hop for @p dst in @p f: 0 with port and MAC, 1 unresolved (the kernel of
 * port @p port resolves it), -1 no route, -2 local, -3 blackhole.
 */
int dp_nh_lookup(const struct dp_fib *f, const uint8_t *dst, uint16_t *port,
		 struct rte_ether_addr *mac);
/** True when @p dst is on-link: its route has no gateway. */
bool dp_nh_onlink(const struct dp_fib *f, const uint8_t *dst);

/* fwd.c */
int dp_worker_main(void *arg);
void dp_lcore_flush(struct dp_lcore *lc);

/* icmp.c */
/** Send an ICMPv6 error about @p m (still holding its Ethernet header) back where it came from. */
void dp_icmp_error(struct dp_lcore *lc, uint16_t in_pidx, struct rte_mbuf *m, uint8_t type,
		   uint8_t code, uint32_t param, const struct in6_addr *src);
/** RFC 2473 §8: relay an ICMPv6 error about one of our tunnel packets. @return true if consumed. */
bool dp_icmp_tunnel_error(struct dp_lcore *lc, uint16_t in_pidx, struct rte_mbuf *m,
			  uint32_t l4off);

static inline void
dp_tx(struct dp_lcore *lc, uint16_t pidx, struct rte_mbuf *m)
{
	struct dp_txq *q = &lc->txq[pidx];

	if (q->n == DP_TX_MAX) {
		stats_add(&lc->st->drop[DP_DROP_TX_FULL], 1);
		rte_pktmbuf_free(m);
		return;
	}
	q->pkts[q->n++] = m;
}

static inline void
dp_drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop why)
{
	stats_add(&lc->st->drop[why], 1);
	rte_pktmbuf_free(m);
}

static inline void
dp_event(struct dp_lcore *lc, enum dp_event e)
{
	stats_add(&lc->st->event[e], 1);
}

/** The HA address a binding names; a corrupted index falls back to the first. */
static inline const struct in6_addr *
dp_ha_src(const struct dp *dp, uint8_t idx)
{
	return &dp->ha_addr[idx < dp->n_ha_addr ? idx : 0];
}

/** Two IPv6 addresses (any alignment) are equal: two 64-bit compares. */
static inline bool
dp_addr_eq(const void *a, const void *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static inline bool
dp_is_ha_addr(const struct dp *dp, const uint8_t *a)
{
	unsigned int i;

	for (i = 0; i < dp->n_ha_addr; i++)
		if (dp_addr_eq(&dp->ha_addr[i], a))
			return true;
	return false;
}

#endif
