/* SPDX-License-Identifier: BSD-3-Clause */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shm.h"

#define DP_X_NAME(e, n) n,
const char *const dp_drop_names[DP_DROP_MAX] = {DP_DROP_REASONS(DP_X_NAME)};
const char *const dp_event_names[DP_EV_MAX] = {DP_EVENTS(DP_X_NAME)};
#undef DP_X_NAME

struct stats_shm {
	struct shm_hdr hdr; /**< capacity = max bindings */
	uint32_t n_lcores;
	uint32_t n_ports;
	uint32_t dp_pid;
	uint32_t fib_rejected;
	_Atomic uint64_t heartbeat_ns; /**< CLOCK_MONOTONIC of the last live check */
	_Atomic uint64_t fib_gen;      /**< fib generation the workers use */
	uint64_t started_ns;	       /**< CLOCK_REALTIME of the dataplane's start */
	char port_names[STATS_PORTS_MAX][STATS_NAME_MAX];
	struct stats_lcore lcores[STATS_LCORES_MAX];
	/* then struct stats_binding bindings[n_lcores][capacity + 1] */
};

struct stats {
	struct shm_map map;
	struct stats_shm *s;
	struct stats_binding *bindings;
};

static size_t
stats_bytes(uint32_t n_lcores, uint32_t max_bindings)
{
	return sizeof(struct stats_shm) +
	       (size_t)n_lcores * (max_bindings + 1u) * sizeof(struct stats_binding);
}

static struct stats *
stats_fail(struct stats *st, int err)
{
	if (st != NULL) {
		shm_close(&st->map);
		free(st);
	}
	errno = err;
	return NULL;
}

static void
stats_bind(struct stats *st)
{
	st->s = st->map.base;
	st->bindings = (struct stats_binding *)(st->s + 1);
}

struct stats *
stats_create(const char *name, uint32_t n_lcores, uint32_t n_ports, uint32_t max_bindings,
	     char *err, size_t errlen)
{
	struct stats *st;
	size_t size = stats_bytes(n_lcores, max_bindings);
	struct timespec ts;
	int rc;

	if (n_lcores == 0 || n_lcores > STATS_LCORES_MAX || n_ports > STATS_PORTS_MAX) {
		snprintf(err, errlen, "stats: %u lcores, %u ports: out of range", n_lcores,
			 n_ports);
		return stats_fail(NULL, EINVAL);
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return stats_fail(NULL, ENOMEM);
	rc = shm_open_writer(&st->map, name, "stats", size, err, errlen);
	if (rc == -EEXIST) {
		/* Counters of a dataplane with another geometry: start afresh. */
		stats_destroy(name);
		rc = shm_open_writer(&st->map, name, "stats", size, err, errlen);
	}
	if (rc < 0)
		return stats_fail(st, -rc);
	stats_bind(st);
	if (rc == 1 && (st->s->hdr.magic != SHM_MAGIC || st->s->hdr.abi != STATS_ABI ||
			st->s->n_lcores != n_lcores || st->s->hdr.capacity != max_bindings))
		memset(st->map.base, 0, size);
	atomic_store_explicit(&st->s->hdr.ready, 0, memory_order_relaxed);
	st->s->hdr.magic = SHM_MAGIC;
	st->s->hdr.abi = STATS_ABI;
	st->s->hdr.kind = SHM_KIND_STATS;
	st->s->hdr.size = size;
	st->s->hdr.capacity = max_bindings;
	st->s->n_lcores = n_lcores;
	st->s->n_ports = n_ports;
	st->s->dp_pid = (uint32_t)getpid();
	st->s->hdr.writer_pid = (uint32_t)getpid();
	clock_gettime(CLOCK_REALTIME, &ts);
	st->s->started_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	/* Pairs with the reader's acquire load in shm_hdr_check(). */
	atomic_store_explicit(&st->s->hdr.ready, 1, memory_order_release);
	return st;
}

struct stats *
stats_attach(const char *name, char *err, size_t errlen)
{
	struct stats *st = calloc(1, sizeof(*st));
	const struct stats_shm *s;
	int rc;

	if (st == NULL)
		return stats_fail(NULL, ENOMEM);
	rc = shm_open_reader(&st->map, name, "stats", SHM_KIND_STATS, STATS_ABI, err, errlen);
	if (rc != 0)
		return stats_fail(st, -rc);
	s = st->map.base;
	if (st->map.size < sizeof(*s) || s->n_lcores == 0 || s->n_lcores > STATS_LCORES_MAX ||
	    s->n_ports > STATS_PORTS_MAX || s->hdr.capacity > (1u << 24) ||
	    stats_bytes(s->n_lcores, (uint32_t)s->hdr.capacity) > st->map.size) {
		snprintf(err, errlen, "%s: inconsistent stats geometry", st->map.path);
		return stats_fail(st, EPROTO);
	}
	stats_bind(st);
	return st;
}

void
stats_close(struct stats *st)
{
	if (st != NULL)
		stats_fail(st, errno);
}

void
stats_destroy(const char *name)
{
	shm_unlink_all(name, "stats");
}

void
stats_set_port_name(struct stats *st, uint32_t idx, const char *name)
{
	if (idx < STATS_PORTS_MAX)
		snprintf(st->s->port_names[idx], STATS_NAME_MAX, "%s", name);
}

struct stats_lcore *
stats_lcore(struct stats *st, uint32_t lcore)
{
	return &st->s->lcores[lcore];
}

struct stats_binding *
stats_bindings(struct stats *st, uint32_t lcore)
{
	return st->bindings + (size_t)lcore * (st->s->hdr.capacity + 1);
}

void
stats_heartbeat(struct stats *st, uint64_t now_ns, uint64_t fib_gen, uint32_t fib_rejected)
{
	st->s->fib_rejected = fib_rejected;
	atomic_store_explicit(&st->s->fib_gen, fib_gen, memory_order_relaxed);
	atomic_store_explicit(&st->s->heartbeat_ns, now_ns, memory_order_relaxed);
}

static uint64_t
stats_get(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* One counter of lcore @p l; @p off locates it in struct stats_lcore. */
static uint64_t
stats_lcore_get(const struct stats *st, uint32_t l, size_t off)
{
	return stats_get(
		(const _Atomic uint64_t *)(const void *)((const char *)&st->s->lcores[l] + off));
}

/* One counter summed over the lcores; @p off locates it in struct stats_lcore. */
static uint64_t
stats_sum(const struct stats *st, size_t off)
{
	uint64_t sum = 0;
	uint32_t l;

	for (l = 0; l < st->s->n_lcores; l++)
		sum += stats_lcore_get(st, l, off);
	return sum;
}

uint64_t
stats_drop(const struct stats *st, enum dp_drop d)
{
	return stats_sum(st, offsetof(struct stats_lcore, drop) + d * sizeof(uint64_t));
}

uint64_t
stats_event(const struct stats *st, enum dp_event e)
{
	return stats_sum(st, offsetof(struct stats_lcore, event) + e * sizeof(uint64_t));
}

static uint64_t
stats_hist(const struct stats *st, uint32_t b)
{
	return stats_sum(st, offsetof(struct stats_lcore, burst_hist) + b * sizeof(uint64_t));
}

uint64_t
stats_burst_pct_ns(const struct stats *st, double pct)
{
	uint64_t hist[STATS_HIST_BUCKETS], total = 0, acc = 0;
	uint32_t b;

	for (b = 0; b < STATS_HIST_BUCKETS; b++) {
		hist[b] = stats_hist(st, b);
		total += hist[b];
	}
	if (total == 0)
		return 0;
	for (b = 0; b < STATS_HIST_BUCKETS; b++) {
		acc += hist[b];
		if ((double)acc >= pct / 100.0 * (double)total)
			break;
	}
	/* Upper edge of the bucket: never flatter than measured. */
	return (uint64_t)(b + 1) * STATS_HIST_NS;
}

void
stats_binding_sum(const struct stats *st, uint32_t id, uint64_t out[4])
{
	uint32_t l;

	out[0] = out[1] = out[2] = out[3] = 0;
	if (id > st->s->hdr.capacity)
		return;
	for (l = 0; l < st->s->n_lcores; l++) {
		const struct stats_binding *b =
			st->bindings + (size_t)l * (st->s->hdr.capacity + 1) + id;

		out[0] += stats_get(&b->encap_pkts);
		out[1] += stats_get(&b->encap_bytes);
		out[2] += stats_get(&b->decap_pkts);
		out[3] += stats_get(&b->decap_bytes);
	}
}

static uint64_t
stats_port_sum(const struct stats *st, uint32_t p, size_t off)
{
	return stats_sum(st,
			 offsetof(struct stats_lcore, port) + p * sizeof(struct stats_port) + off);
}

static uint64_t
stats_heartbeat_age_ms(const struct stats *st)
{
	struct timespec ts;
	uint64_t now, hb = stats_get(&st->s->heartbeat_ns);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return hb == 0 || now < hb ? UINT64_MAX : (now - hb) / 1000000u;
}

static void
stats_print_text(const struct stats *st, FILE *out)
{
	uint64_t age = stats_heartbeat_age_ms(st);
	uint32_t p, i;

	fprintf(out, "dataplane pid %u, %u lcores, fib generation %" PRIu64 " (%u rejected)\n",
		st->s->dp_pid, st->s->n_lcores, stats_get(&st->s->fib_gen), st->s->fib_rejected);
	if (age == UINT64_MAX)
		fputs("heartbeat: never\n", out);
	else
		fprintf(out, "heartbeat: %" PRIu64 " ms ago\n", age);
	fprintf(out, "burst latency p50 %" PRIu64 " ns, p99 %" PRIu64 " ns\n",
		stats_burst_pct_ns(st, 50), stats_burst_pct_ns(st, 99));
	fprintf(out, "%-16s %12s %14s %12s %14s %10s\n", "port", "rx_pkts", "rx_bytes", "tx_pkts",
		"tx_bytes", "tx_drops");
	for (p = 0; p < st->s->n_ports; p++)
		fprintf(out,
			"%-16s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64 " %10" PRIu64
			"\n",
			st->s->port_names[p],
			stats_port_sum(st, p, offsetof(struct stats_port, rx_pkts)),
			stats_port_sum(st, p, offsetof(struct stats_port, rx_bytes)),
			stats_port_sum(st, p, offsetof(struct stats_port, tx_pkts)),
			stats_port_sum(st, p, offsetof(struct stats_port, tx_bytes)),
			stats_port_sum(st, p, offsetof(struct stats_port, drops)));
	fputs("events:\n", out);
	for (i = 0; i < DP_EV_MAX; i++)
		fprintf(out, "  %-18s %" PRIu64 "\n", dp_event_names[i],
			stats_event(st, (enum dp_event)i));
	fputs("drops:\n", out);
	for (i = 0; i < DP_DROP_MAX; i++)
		fprintf(out, "  %-18s %" PRIu64 "\n", dp_drop_names[i],
			stats_drop(st, (enum dp_drop)i));
}

/* Raw burst-latency histogram, so a reader can take percentiles of a delta. */
static void
stats_print_hist(const struct stats *st, FILE *out)
{
	uint32_t b;

	fprintf(out, "{\"bucket_ns\":%u,\"counts\":[", STATS_HIST_NS);
	for (b = 0; b < STATS_HIST_BUCKETS; b++)
		fprintf(out, "%s%" PRIu64, b ? "," : "", stats_hist(st, b));
	fputs("]}", out);
}

static void
stats_print_json(const struct stats *st, FILE *out)
{
	uint64_t age = stats_heartbeat_age_ms(st);
	uint32_t p, i;

	fprintf(out,
		"{\"pid\":%u,\"lcores\":%u,\"fib_generation\":%" PRIu64
		",\"fib_rejected\":%u,\"heartbeat_age_ms\":%" PRId64 ",\"burst_p99_ns\":%" PRIu64
		",\"ports\":[",
		st->s->dp_pid, st->s->n_lcores, stats_get(&st->s->fib_gen), st->s->fib_rejected,
		age == UINT64_MAX ? (int64_t)-1 : (int64_t)age, stats_burst_pct_ns(st, 99));
	for (p = 0; p < st->s->n_ports; p++)
		fprintf(out,
			"%s{\"name\":\"%s\",\"rx_pkts\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
			",\"tx_pkts\":%" PRIu64 ",\"tx_bytes\":%" PRIu64 ",\"tx_drops\":%" PRIu64
			"}",
			p ? "," : "", st->s->port_names[p],
			stats_port_sum(st, p, offsetof(struct stats_port, rx_pkts)),
			stats_port_sum(st, p, offsetof(struct stats_port, rx_bytes)),
			stats_port_sum(st, p, offsetof(struct stats_port, tx_pkts)),
			stats_port_sum(st, p, offsetof(struct stats_port, tx_bytes)),
			stats_port_sum(st, p, offsetof(struct stats_port, drops)));
	fputs("],\"burst_hist_ns\":", out);
	stats_print_hist(st, out);
	fputs(",\"events\":{", out);
	for (i = 0; i < DP_EV_MAX; i++)
		fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", dp_event_names[i],
			stats_event(st, (enum dp_event)i));
	fputs("},\"drops\":{", out);
	for (i = 0; i < DP_DROP_MAX; i++)
		fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", dp_drop_names[i],
			stats_drop(st, (enum dp_drop)i));
	fputs("}}\n", out);
}

void
stats_print(const struct stats *st, FILE *out, bool json)
{
	if (json)
		stats_print_json(st, out);
	else
		stats_print_text(st, out);
}

/* A family of per-lcore counters, one series per name and lcore: the array
 * of @p n counters at @p off in struct stats_lcore. */
static void
stats_prom_lcores(const struct stats *st, FILE *out, const char *family, const char *help,
		  const char *label, const char *const *names, uint32_t n, size_t off)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s counter\n", family, help, family);
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t l = 0; l < st->s->n_lcores; l++)
			fprintf(out, "%s{%s=\"%s\",lcore=\"%u\"} %" PRIu64 "\n", family, label,
				names[i], l, stats_lcore_get(st, l, off + i * sizeof(uint64_t)));
}

void
stats_print_prometheus(const struct stats *st, FILE *out)
{
	static const struct {
		const char *name, *field;
		size_t off;
	} pf[] = {
		{"mip6ha_dp_port_received_packets_total", "received packets",
		 offsetof(struct stats_port, rx_pkts)},
		{"mip6ha_dp_port_received_bytes_total", "received bytes",
		 offsetof(struct stats_port, rx_bytes)},
		{"mip6ha_dp_port_sent_packets_total", "sent packets",
		 offsetof(struct stats_port, tx_pkts)},
		{"mip6ha_dp_port_sent_bytes_total", "sent bytes",
		 offsetof(struct stats_port, tx_bytes)},
		{"mip6ha_dp_port_send_drops_total", "packets the device refused to send",
		 offsetof(struct stats_port, drops)},
	};
	uint64_t age = stats_heartbeat_age_ms(st);
	uint32_t l, p, f;

	fputs("# HELP mip6ha_dp_up 1 when the dataplane's heartbeat is under 1 s old.\n"
	      "# TYPE mip6ha_dp_up gauge\n",
	      out);
	fprintf(out, "mip6ha_dp_up %d\n", age != UINT64_MAX && age < 1000);
	fputs("# HELP mip6ha_dp_heartbeat_age_seconds Age of the dataplane's last liveness check.\n"
	      "# TYPE mip6ha_dp_heartbeat_age_seconds gauge\n",
	      out);
	if (age == UINT64_MAX)
		fputs("mip6ha_dp_heartbeat_age_seconds +Inf\n", out);
	else
		fprintf(out, "mip6ha_dp_heartbeat_age_seconds %.3f\n", (double)age / 1000.0);
	fputs("# HELP mip6ha_dp_start_time_seconds When mip6ha-dp started, seconds since the "
	      "epoch.\n"
	      "# TYPE mip6ha_dp_start_time_seconds gauge\n",
	      out);
	fprintf(out, "mip6ha_dp_start_time_seconds %.3f\n", (double)st->s->started_ns / 1e9);
	fputs("# HELP mip6ha_dp_fib_generation The fib generation the workers use.\n"
	      "# TYPE mip6ha_dp_fib_generation gauge\n",
	      out);
	fprintf(out, "mip6ha_dp_fib_generation %" PRIu64 "\n", stats_get(&st->s->fib_gen));
	for (f = 0; f < sizeof(pf) / sizeof(pf[0]); f++) {
		fprintf(out,
			"# HELP %s Dataplane port %s, per port and worker lcore.\n# TYPE %s "
			"counter\n",
			pf[f].name, pf[f].field, pf[f].name);
		for (p = 0; p < st->s->n_ports; p++)
			for (l = 0; l < st->s->n_lcores; l++)
				fprintf(out, "%s{port=\"%s\",lcore=\"%u\"} %" PRIu64 "\n",
					pf[f].name, st->s->port_names[p], l,
					stats_lcore_get(st, l,
							offsetof(struct stats_lcore, port) +
								p * sizeof(struct stats_port) +
								pf[f].off));
	}
	stats_prom_lcores(st, out, "mip6ha_dp_drops_total",
			  "Packets the dataplane dropped, by reason and worker lcore.", "reason",
			  dp_drop_names, DP_DROP_MAX, offsetof(struct stats_lcore, drop));
	stats_prom_lcores(st, out, "mip6ha_dp_events_total",
			  "What the dataplane did with packets, by kind and worker lcore.", "event",
			  dp_event_names, DP_EV_MAX, offsetof(struct stats_lcore, event));
}
