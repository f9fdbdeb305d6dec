/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Binding Update generator of ./scripts/run-bench cp. It plays many mobile
 * nodes on one core: BUs (Home Address option, Alternate CoA option) leave in
 * sendmmsg() batches of an AF_PACKET socket, BAs come back through the same
 * socket in recvmmsg() batches, paced by the clock. Everything between, the
 * dataplane's port, its signalling tap, mip6ha-cp and back, is the system
 * under test.
 *
 *   bench_cp_gen IFACE HA_MAC HA COA SHM N run     the measurement, then RESULT
 *   bench_cp_gen IFACE HA_MAC HA COA SHM N ready   first BA for an adopted binding
 *   bench_cp_gen - - - - SHM N load                write N bindings into SHM
 *
 * HoA i is 2001:db8::a:0:i (i < N). `run`: register every HoA, wait 3 s, offer
 * refreshes round robin at rising rates (2 s each) and keep the highest rate at
 * which every BU got its BA; the ladder goes on past it until four rates in a
 * row lost BUs, so its rows show the saturation (bench/plots.sh). Then three rounds of: half that rate for 1 s (BA
 * latency, every MN back at COA), and 1000 handovers to COA+1 timed from
 * the BU sent to the new CoA readable with bt_lookup(), the call mip6ha-dp
 * makes for every packet; the RESULT takes the median round. `ready` sends a
 * refresh for adopted HoA 0 every millisecond until one is accepted and prints
 * the CLOCK_REALTIME nanoseconds of that BA. `load` plays the writer of the
 * existing shared table (mip6ha-cp must be stopped) to give a restart 1M
 * bindings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bt.h"
#include "mh.h"
#include "pkt.h"

#define GEN_HOP_LIMIT	  64
#define GEN_LIFETIME	  900 /* units of 4 s: one hour */
#define GEN_STEP_NS	  2000000000ull
#define GEN_DRAIN_NS	  300000000ull
#define GEN_PROBES	  1000
#define GEN_ROUNDS	  3
#define GEN_LAT_NS	  1000000000ull /* latency: 1 s a round */
#define GEN_PROBE_TIMEOUT 1000000000ull
#define GEN_SETTLE_S	  3
#define GEN_TICK_NS	  20000ull /* a batch at least every 20 us */
#define GEN_BU_LEN	  (14 + 40 + 24 + 40)

struct gen {
	struct pkt_sock sock;
	uint8_t ha_mac[6];
	struct in6_addr ha, coa;
	uint32_t n;
	uint16_t *seq;	    /* last sequence number sent per HoA */
	uint64_t *sent_ns;  /* when that BU left, CLOCK_REALTIME like the kernel's stamps */
	uint8_t *acked;	    /* its BA came back with status < 128 */
	uint64_t acks, bad; /* BAs matched; BAs with a status ≥ 128 */
	double *lat_us;	    /* latencies recorded while recording */
	size_t n_lat, cap_lat;
	bool recording;
	bool any_seq; /* a BA for any BU sent matches, not only the last */
};

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct in6_addr
gen_hoa(uint32_t i)
{
	struct in6_addr a;

	inet_pton(AF_INET6, "2001:db8::a:0:0", &a);
	a.s6_addr[12] = (uint8_t)(i >> 24);
	a.s6_addr[13] = (uint8_t)(i >> 16);
	a.s6_addr[14] = (uint8_t)(i >> 8);
	a.s6_addr[15] = (uint8_t)i;
	return a;
}

/* The BU as RFC 6275 §6.1.7 lays it out, after a Destination Options header
 * holding the Home Address option (§6.3) at 8n+6; flags A and H; an Alternate
 * Care-of Address option (§6.2.5) at 8n+6. */
static void
gen_bu(struct gen *g, uint32_t i, const struct in6_addr *coa)
{
	struct in6_addr hoa = gen_hoa(i);
	uint8_t *f = pkt_reserve(&g->sock, GEN_BU_LEN), *ip, *mh;
	uint16_t seq = ++g->seq[i], csum;

	memcpy(f, g->ha_mac, 6);
	memcpy(f + 6, g->sock.mac, 6);
	f[12] = 0x86, f[13] = 0xdd;
	ip = f + 14;
	memset(ip, 0, 40 + 24 + 40);
	ip[0] = 0x60;
	ip[4] = 0, ip[5] = 24 + 40; /* payload length */
	ip[6] = 60;		    /* Destination Options */
	ip[7] = GEN_HOP_LIMIT;
	memcpy(ip + 8, coa, 16);
	memcpy(ip + 24, &g->ha, 16);
	ip[40] = 135, ip[41] = 2;  /* next: MH; 24 bytes */
	ip[42] = 1, ip[43] = 2;	   /* PadN, 2 bytes */
	ip[46] = 201, ip[47] = 16; /* Home Address option */
	memcpy(ip + 48, &hoa, 16);
	mh = ip + 64;
	mh[0] = 59, mh[1] = 4; /* no next header; (4 + 1) × 8 = 40 bytes */
	mh[2] = 5;	       /* Binding Update */
	mh[6] = (uint8_t)(seq >> 8), mh[7] = (uint8_t)seq;
	mh[8] = 0xc0; /* A, H */
	mh[10] = GEN_LIFETIME >> 8, mh[11] = GEN_LIFETIME & 0xff;
	mh[12] = 1, mh[13] = 4;	 /* PadN, 4 bytes: the option lands at 8n+6 */
	mh[18] = 3, mh[19] = 16; /* Alternate Care-of Address */
	memcpy(mh + 20, coa, 16);
	csum = mh_csum(&hoa, &g->ha, 135, mh, 40);
	mh[4] = (uint8_t)(csum >> 8), mh[5] = (uint8_t)csum;
	g->sent_ns[i] = now_ns(CLOCK_REALTIME);
	g->acked[i] = 0;
}

/* A BA: Ethernet, IPv6 → type 2 routing header (the HoA) → MH type 6. */
static void
gen_rx(struct gen *g)
{
	uint64_t at[PKT_BATCH], now = now_ns(CLOCK_REALTIME);
	int n = pkt_recv_stamped(&g->sock, at), k;

	for (k = 0; k < n; k++) {
		const uint8_t *ip = g->sock.frames[k] + 14, *rh, *mh;
		uint32_t i;
		uint16_t seq;

		if (g->sock.len[k] < 14 + 40 + 24 + 12 || ip[6] != 43)
			continue;
		rh = ip + 40;
		if (rh[2] != 2 || rh[0] != 135)
			continue;
		mh = rh + 24;
		if (mh[2] != 6)
			continue;
		i = (uint32_t)rh[20] << 24 | (uint32_t)rh[21] << 16 | (uint32_t)rh[22] << 8 |
		    rh[23];
		seq = (uint16_t)(mh[8] << 8 | mh[9]);
		if (i >= g->n || g->acked[i] ||
		    (g->any_seq ? (uint16_t)(g->seq[i] - seq) >= 0x8000 : seq != g->seq[i]))
			continue;
		if (mh[6] >= 128) {
			g->bad++;
			continue;
		}
		/* A BA's latency ends when it reached our link (the kernel's
		 * stamp), not when this process next ran. */
		if (at[k] == 0)
			at[k] = now;
		g->acked[i] = 1;
		g->acks++;
		if (g->recording && g->n_lat < g->cap_lat)
			g->lat_us[g->n_lat++] = (double)(at[k] - g->sent_ns[i]) / 1e3;
	}
}

/* Sleep in ppoll() until a frame arrives or @p until_ns (CLOCK_MONOTONIC), so
 * the generator leaves its core to the dataplane worker sharing it. */
static void
gen_wait(struct gen *g, uint64_t until_ns)
{
	uint64_t t = now_ns(CLOCK_MONOTONIC);
	struct pollfd pfd = {.fd = g->sock.fd, .events = POLLIN};
	struct timespec ts;

	if (until_ns <= t)
		return;
	ts.tv_sec = (time_t)((until_ns - t) / 1000000000u);
	ts.tv_nsec = (long)((until_ns - t) % 1000000000u);
	ppoll(&pfd, 1, &ts, NULL);
}

/* Offer @p rate BUs/s for @p dur_ns round robin from HoA *next, in batches
 * at most GEN_TICK_NS apart; then wait for the stragglers. @return BUs sent. */
static uint64_t
gen_offer(struct gen *g, double rate, uint64_t dur_ns, uint32_t *next)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), t, sent = 0, due;

	for (;;) {
		t = now_ns(CLOCK_MONOTONIC);
		if (t - t0 >= dur_ns)
			break;
		due = (uint64_t)((double)(t - t0) * rate / 1e9) + 1;
		while (sent < due) {
			gen_bu(g, *next, &g->coa);
			*next = (*next + 1) % g->n;
			sent++;
			if (g->sock.n_out == 32)
				pkt_flush(&g->sock);
		}
		pkt_flush(&g->sock);
		gen_rx(g);
		gen_wait(g, t + GEN_TICK_NS);
		gen_rx(g);
	}
	t = now_ns(CLOCK_MONOTONIC);
	while (now_ns(CLOCK_MONOTONIC) - t < GEN_DRAIN_NS) {
		gen_wait(g, now_ns(CLOCK_MONOTONIC) + GEN_TICK_NS);
		gen_rx(g);
	}
	return sent;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* p50, p99 and max of @p v (sorted in place); zeros when empty. */
static void
percentiles(double *v, size_t n, double *p50, double *p99, double *max)
{
	*p50 = *p99 = *max = 0;
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_double);
	*p50 = v[n / 2];
	*p99 = v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	*max = v[n - 1];
}

static int
gen_register(struct gen *g)
{
	uint32_t i, left = g->n, round;

	for (round = 0; round < 5 && left > 0; round++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);
		uint32_t sent = 0;

		for (i = 0; i < g->n; i++) {
			if (round > 0 && g->acked[i])
				continue;
			/* 20k/s: well under any rate we measure. */
			while ((now_ns(CLOCK_MONOTONIC) - t0) * 20000 / 1000000000u < sent) {
				gen_wait(g, t0 + (uint64_t)sent * 50000u);
				gen_rx(g);
			}
			gen_bu(g, i, &g->coa);
			pkt_flush(&g->sock);
			sent++;
			gen_rx(g);
		}
		t0 = now_ns(CLOCK_MONOTONIC);
		while (now_ns(CLOCK_MONOTONIC) - t0 < 2 * GEN_DRAIN_NS) {
			gen_wait(g, now_ns(CLOCK_MONOTONIC) + GEN_TICK_NS);
			gen_rx(g);
		}
		for (left = 0, i = 0; i < g->n; i++)
			left += !g->acked[i];
	}
	printf("registered %u of %u mobile nodes\n", g->n - left, g->n);
	return left == 0 ? 0 : -1;
}

/* GEN_PROBES handovers, one MN at a time (a different one each, 7919 being
 * prime), from COA (where gen_offer() keeps every MN) to COA+1: from the BU
 * leaving to its new CoA in bt_lookup(), the call mip6ha-dp makes per packet,
 * into g->lat_us. @return how many were seen within GEN_PROBE_TIMEOUT. */
static size_t
gen_probes(struct gen *g, const struct bt *t)
{
	size_t i;

	g->n_lat = 0;
	for (i = 0; i < GEN_PROBES; i++) {
		uint32_t h = (uint32_t)(i * 7919u % g->n);
		struct in6_addr hoa = gen_hoa(h), coa = g->coa;
		struct bt_binding b;
		uint64_t t0;

		coa.s6_addr[15]++;
		gen_bu(g, h, &coa);
		pkt_flush(&g->sock);
		t0 = g->sent_ns[h];
		for (;;) {
			uint64_t t1 = now_ns(CLOCK_REALTIME);

			if (bt_lookup(t, &hoa, &b) >= 0 && memcmp(&b.coa, &coa, 16) == 0) {
				g->lat_us[g->n_lat++] = (double)(t1 - t0) / 1e3;
				break;
			}
			if (t1 - t0 > GEN_PROBE_TIMEOUT)
				break;
			sched_yield(); /* to a dataplane worker sharing this CPU */
		}
		t0 = now_ns(CLOCK_MONOTONIC);
		while (!g->acked[h] && now_ns(CLOCK_MONOTONIC) - t0 < GEN_PROBE_TIMEOUT) {
			gen_wait(g, now_ns(CLOCK_MONOTONIC) + GEN_TICK_NS);
			gen_rx(g);
		}
	}
	return g->n_lat;
}

static int
gen_run(struct gen *g, const char *shm)
{
	static const double rates[] = {25e3,  50e3,  75e3,  100e3, 110e3, 120e3, 130e3, 140e3,
				       150e3, 175e3, 200e3, 250e3, 300e3, 400e3, 500e3, 700e3};
	struct bt *t;
	char err[256];
	double best = 0, p50, pmax, lat_rate, ba_p99[GEN_ROUNDS], dp_p99[GEN_ROUNDS];
	char what[64];
	uint32_t next = 0;
	size_t r, fails = 0, n;

	if (gen_register(g) != 0)
		return 1;
	/* Let the registrations' side effects settle (10k proxy entries and
	 * unsolicited NAs, the kernel mirror's events): without this pause the
	 * first step lost 0.1-0.3% of its BUs, before mip6ha-cp read them. */
	sleep(GEN_SETTLE_S);
	printf("\n%-10s %10s %10s %10s %8s\n", "offered/s", "sent", "BAs", "lost", "status>=128");
	for (r = 0; r < sizeof(rates) / sizeof(rates[0]) && fails < 4; r++) {
		uint64_t a0 = g->acks, b0 = g->bad,
			 sent = gen_offer(g, rates[r], GEN_STEP_NS, &next);
		uint64_t acks = g->acks - a0, lost = sent - acks;
		bool ok = lost == 0 && (double)sent >= 0.98 * rates[r] * GEN_STEP_NS / 1e9;

		printf("%-10.0f %10llu %10llu %10llu %8llu%s\n", rates[r], (unsigned long long)sent,
		       (unsigned long long)acks, (unsigned long long)lost,
		       (unsigned long long)(g->bad - b0), ok ? "" : "  <- loss");
		fflush(stdout);
		if (ok) {
			best = rates[r];
			fails = 0;
		} else {
			fails++;
		}
	}
	if (best == 0)
		return fprintf(stderr, "no rate without loss\n"), 1;

	/* CP_BENCH_LAT_RATE: another rate for the latency (to compare runs). */
	lat_rate =
		getenv("CP_BENCH_LAT_RATE") != NULL ? atof(getenv("CP_BENCH_LAT_RATE")) : best / 2;
	g->cap_lat = (size_t)(lat_rate * GEN_LAT_NS / 1e9) + GEN_PROBES + 64;
	g->lat_us = malloc(g->cap_lat * sizeof(*g->lat_us));
	t = bt_attach(shm, err, sizeof(err));
	if (g->lat_us == NULL || t == NULL)
		return fprintf(stderr, "%s\n", t == NULL ? err : "out of memory"), 1;
	/* This machine is shared and noisy: each figure is the median of
	 * GEN_ROUNDS rounds, every round printed. */
	printf("\n%-6s %-40s %8s %10s %10s %10s\n", "round", "latency", "samples", "p50 us",
	       "p99 us", "max us");
	for (r = 0; r < GEN_ROUNDS; r++) {
		g->n_lat = 0;
		g->recording = true;
		gen_offer(g, lat_rate, GEN_LAT_NS, &next);
		g->recording = false;
		percentiles(g->lat_us, g->n_lat, &p50, &ba_p99[r], &pmax);
		snprintf(what, sizeof(what), "BU -> BA at %.0f BU/s (%.2f of max)", lat_rate,
			 lat_rate / best);
		printf("%-6zu %-40s %8zu %10.1f %10.1f %10.1f\n", r + 1, what, g->n_lat, p50,
		       ba_p99[r], pmax);
		n = gen_probes(g, t);
		percentiles(g->lat_us, g->n_lat, &p50, &dp_p99[r], &pmax);
		printf("%-6zu %-40s %8zu %10.1f %10.1f %10.1f\n", r + 1,
		       "BU -> new CoA in the dataplane's lookup", n, p50, dp_p99[r], pmax);
		fflush(stdout);
		if (n != GEN_PROBES)
			dp_p99[r] = 1e9; /* a probe never seen counts as infinitely late */
	}
	bt_close(t);
	qsort(ba_p99, GEN_ROUNDS, sizeof(double), cmp_double);
	qsort(dp_p99, GEN_ROUNDS, sizeof(double), cmp_double);
	printf("RESULT_PART bu_per_s=%.0f ba_p99_us=%.1f bu_to_dp_p99_us=%.1f\n", best,
	       ba_p99[GEN_ROUNDS / 2], dp_p99[GEN_ROUNDS / 2]);
	return 0;
}

/* Refresh adopted HoA 0 until a BA accepts one. */
static int
gen_ready(struct gen *g)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), last = 0;

	g->any_seq = true; /* while it replays proxy entries a BA may take > 1 ms */
	while (!g->acked[0]) {
		uint64_t t = now_ns(CLOCK_MONOTONIC);

		if (t - t0 > 60 * 1000000000ull)
			return fprintf(stderr, "no BA within 60 s\n"), 1;
		if (t - last > 1000000) {
			gen_bu(g, 0, &g->coa); /* sequence 1, 2, ...: newer than the adopted 0 */
			pkt_flush(&g->sock);
			last = t;
		}
		gen_wait(g, t + 100000);
		gen_rx(g);
	}
	printf("%llu\n", (unsigned long long)now_ns(CLOCK_REALTIME));
	return 0;
}

static int
gen_load(const char *shm, uint32_t n)
{
	char err[256];
	bool adopted;
	struct bt *t = bt_attach(shm, err, sizeof(err));
	struct bt_binding b = {.lifetime = 3600, .flags = BT_F_ACK | BT_F_HOME};
	uint32_t i, cap;

	if (t == NULL)
		return fprintf(stderr, "%s\n", err), 1;
	cap = bt_capacity(t); /* the writer must open it with the same capacity */
	bt_close(t);
	t = bt_create(shm, cap, &adopted, err, sizeof(err));
	if (t == NULL)
		return fprintf(stderr, "%s\n", err), 1;
	b.expiry = (uint32_t)(now_ns(CLOCK_REALTIME) / 1000000000u) + 3600;
	inet_pton(AF_INET6, "2001:db8:2::5", &b.coa);
	for (i = 0; i < n; i++) {
		b.hoa = gen_hoa(i);
		if (bt_upsert(t, &b) < 0)
			return fprintf(stderr, "table full at %u\n", i), 1;
	}
	printf("loaded %u bindings (%u in the table)\n", n, bt_count(t));
	bt_close(t);
	return 0;
}

int
main(int argc, char **argv)
{
	struct gen g = {0};
	char err[256];
	unsigned int m[6];

	if (argc != 8) {
		fprintf(stderr, "usage: %s IFACE HA_MAC HA COA SHM N run|ready|load\n", argv[0]);
		return 2;
	}
	g.n = (uint32_t)strtoul(argv[6], NULL, 10);
	if (g.n == 0 || (strcmp(argv[7], "run") == 0 && (g.n < GEN_PROBES || g.n % 7919 == 0)))
		return fprintf(stderr, "N must be > 0 (at least %d and prime to 7919 for run)\n",
			       GEN_PROBES),
		       2;
	if (strcmp(argv[7], "load") == 0)
		return gen_load(argv[5], g.n);
	if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
	    inet_pton(AF_INET6, argv[3], &g.ha) != 1 || inet_pton(AF_INET6, argv[4], &g.coa) != 1)
		return fprintf(stderr, "bad HA_MAC, HA or COA\n"), 2;
	for (int k = 0; k < 6; k++)
		g.ha_mac[k] = (uint8_t)m[k];
	g.seq = calloc(g.n, sizeof(*g.seq));
	g.sent_ns = calloc(g.n, sizeof(*g.sent_ns));
	g.acked = calloc(g.n, 1);
	if (g.seq == NULL || g.sent_ns == NULL || g.acked == NULL)
		return 1;
	prctl(PR_SET_TIMERSLACK, 1UL); /* ppoll() wakes on time, not 50 us late */
	if (pkt_open(&g.sock, argv[1], PKT_MH, err, sizeof(err)) != 0)
		return fprintf(stderr, "%s\n", err), 1;
	if (setsockopt(g.sock.fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){1}, sizeof(int)) != 0)
		return perror("SO_TIMESTAMPNS"), 1;
	if (strcmp(argv[7], "ready") == 0)
		return gen_ready(&g);
	return gen_run(&g, argv[5]);
}
