/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mip6ha-dp: the DPDK dataplane (DESIGN.md §The dataplane). Start-up: config,
 * the shared objects (waiting for the control plane's binding table), EAL,
 * ports and taps, workers; the main lcore then keeps the FIB snapshot current
 * and the heartbeat beating until SIGTERM/SIGINT, when workers stop, drain
 * their tx queues and the process exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/file.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "bt.h"
#include "bt_fmt.h"
#include "conf.h"
#include "dp.h"
#include "mip6ha_version.h"
#include "notify.h"

#define DP_DEFAULT_CONFIG MIP6HA_CONFIG
#define EXIT_CONFIG	  2
#define DP_EAL_ARGS_MAX	  (CONF_LIST_MAX * 2 + 16)
#define DP_TICK_NS	  1000000L

static volatile sig_atomic_t dp_signalled;

static const char dp_usage[] =
	"Usage: mip6ha-dp [-c FILE]\n"
	"       mip6ha-dp [-c FILE] --show-bindings [--json]\n"
	"       mip6ha-dp [-c FILE] --stats [--json]\n"
	"       mip6ha-dp -n FILE\n"
	"\n"
	"The mip6ha dataplane: a DPDK poll-mode Home Agent worker. It tunnels traffic\n"
	"for bound Home Addresses to their care-of addresses (RFC 2473), accepts the\n"
	"reverse tunnel only from the registered care-of address (RFC 6275 §10.4.5),\n"
	"hands Mobility Header frames (and Mobile Prefix Solicitations, and packets\n"
	"with a Home Address option not bound at their source) to mip6ha-cp on the\n"
	"tap " DP_SIG_TAP " and everything else for the Home Agent to the kernel\n"
	"through one tap per port.\n"
	"It maps the binding table and the fib that mip6ha-cp writes read-only and\n"
	"writes its counters to the stats object.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE        configuration (default " DP_DEFAULT_CONFIG ")\n"
	"  -n, --check-config FILE  check FILE, print \"FILE: OK\" or every error, and exit\n"
	"  -b, --show-bindings      attach to the binding table read-only, print it, exit\n"
	"  -s, --stats              print the running dataplane's counters and exit\n"
	"  -j, --json               with --show-bindings or --stats: JSON output\n"
	"  -h, --help               print this help and exit\n"
	"  -V, --version            print the version (and DPDK's) and exit\n"
	"\n"
	"EAL arguments come from dataplane.lcores and dataplane.eal_args in FILE.\n"
	"SIGTERM or SIGINT: stop, drain the transmit queues, exit 0.\n"
	"Exit status: 0 success, 1 runtime error, 2 usage or configuration error.\n";

static int
dp_print_one(uint32_t id, const struct bt_binding *b, void *arg)
{
	char line[512];
	bool *json_first = arg;

	bt_fmt_binding(line, sizeof(line), id, b, (uint32_t)time(NULL), json_first[0]);
	if (json_first[0])
		printf("%s%s", json_first[1] ? "" : ",", line);
	else
		puts(line);
	json_first[1] = false;
	return 0;
}

static int
dp_show_bindings(const struct conf *c, bool json)
{
	char err[512];
	struct bt *t = bt_attach(c->shm.name, err, sizeof(err));
	bool state[2] = {json, true};

	if (t == NULL) {
		fprintf(stderr, "mip6ha-dp: %s\n", err);
		return 1;
	}
	if (json) {
		printf("{\"count\":%u,\"capacity\":%u,\"bindings\":[", bt_count(t), bt_capacity(t));
	} else {
		printf("binding table %s (read-only): %u of %u bindings\n", bt_path(t, NULL),
		       bt_count(t), bt_capacity(t));
		puts(bt_fmt_header());
	}
	bt_iterate(t, dp_print_one, state);
	if (json)
		puts("]}");
	bt_close(t);
	return 0;
}

struct dp_bstat_arg {
	const struct stats *st;
	bool json;
	bool first;
};

static int
dp_print_bstat(uint32_t id, const struct bt_binding *b, void *arg)
{
	struct dp_bstat_arg *a = arg;
	char hoa[INET6_ADDRSTRLEN];
	uint64_t v[4];

	stats_binding_sum(a->st, id, v);
	inet_ntop(AF_INET6, &b->hoa, hoa, sizeof(hoa));
	if (a->json)
		printf("%s{\"id\":%u,\"hoa\":\"%s\",\"encap_pkts\":%" PRIu64
		       ",\"encap_bytes\":%" PRIu64 ",\"decap_pkts\":%" PRIu64
		       ",\"decap_bytes\":%" PRIu64 "}",
		       a->first ? "" : ",", id, hoa, v[0], v[1], v[2], v[3]);
	else
		printf("  %-40s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64 "\n", hoa,
		       v[0], v[1], v[2], v[3]);
	a->first = false;
	return 0;
}

static int
dp_show_stats(const struct conf *c, bool json)
{
	char err[512];
	struct stats *st = stats_attach(c->shm.name, err, sizeof(err));
	struct bt *t;
	struct dp_bstat_arg a = {st, json, true};

	if (st == NULL) {
		fprintf(stderr, "mip6ha-dp: %s\n", err);
		return 1;
	}
	if (json)
		fputs("{\"dataplane\":", stdout);
	stats_print(st, stdout, json);
	t = bt_attach(c->shm.name, err, sizeof(err));
	if (json)
		fputs(",\"bindings\":[", stdout);
	else if (t != NULL)
		printf("bindings:\n  %-40s %12s %14s %12s %14s\n", "hoa", "encap_pkts",
		       "encap_bytes", "decap_pkts", "decap_bytes");
	if (t != NULL)
		bt_iterate(t, dp_print_bstat, &a);
	if (json)
		puts("]}");
	bt_close(t);
	stats_close(st);
	return 0;
}

static void
dp_on_signal(int sig)
{
	dp_signalled = sig;
}

static bool
dp_has_arg(const struct conf *c, const char *prefix)
{
	size_t i;

	for (i = 0; i < c->dataplane.n_eal_args; i++)
		if (strncmp(c->dataplane.eal_args[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* EAL arguments: lcores and a file prefix of our own, then the operator's. */
static int
dp_eal_init(const struct conf *c)
{
	static char prefix[CONF_NAME_MAX + 32];
	char *argv[DP_EAL_ARGS_MAX];
	int argc = 0, rc;
	bool pci = false;
	size_t i;

	argv[argc++] = (char *)(uintptr_t) "mip6ha-dp";
	argv[argc++] = (char *)(uintptr_t) "-l";
	argv[argc++] = (char *)(uintptr_t)c->dataplane.lcores;
	if (!dp_has_arg(c, "--file-prefix") && !dp_has_arg(c, "--in-memory")) {
		snprintf(prefix, sizeof(prefix), "--file-prefix=mip6ha-dp-%s", c->shm.name);
		argv[argc++] = prefix;
	}
	/* No hugepage files left behind by a killed dataplane. */
	if (!dp_has_arg(c, "--in-memory") && !dp_has_arg(c, "--no-huge") &&
	    !dp_has_arg(c, "--huge-unlink"))
		argv[argc++] = (char *)(uintptr_t) "--huge-unlink";
	for (i = 0; i < c->dataplane.n_ports; i++)
		if (strncmp(c->dataplane.ports[i].device, "pci:", 4) == 0) {
			argv[argc++] = (char *)(uintptr_t) "-a";
			argv[argc++] = (char *)(uintptr_t)(c->dataplane.ports[i].device + 4);
			pci = true;
		}
	if (!pci && !dp_has_arg(c, "-a") && !dp_has_arg(c, "--allow"))
		argv[argc++] = (char *)(uintptr_t) "--no-pci";
	for (i = 0; i < c->dataplane.n_eal_args; i++)
		argv[argc++] = (char *)(uintptr_t)c->dataplane.eal_args[i];
	argv[argc] = NULL;
	rc = rte_eal_init(argc, argv);
	if (rc < 0)
		fprintf(stderr, "mip6ha-dp: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
	return rc < 0 ? -1 : 0;
}

/* Start in either order (DESIGN.md): wait for mip6ha-cp's binding table. */
static struct bt *
dp_wait_bindings(const struct conf *c)
{
	char err[512];
	bool said = false;

	while (!dp_signalled) {
		struct bt *t = bt_attach(c->shm.name, err, sizeof(err));

		if (t != NULL)
			return t;
		if (errno != ENOENT) {
			fprintf(stderr, "mip6ha-dp: %s\n", err);
			return NULL;
		}
		if (!said) {
			printf("mip6ha-dp: waiting for mip6ha-cp to create the binding table "
			       "(%s)\n",
			       err);
			fflush(stdout);
			notify_status("waiting for mip6ha-cp to create the binding table");
		}
		said = true;
		usleep(100000);
	}
	return NULL;
}

static uint64_t
dp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
dp_setup_lcores(struct dp *dp)
{
	unsigned int lcore, w = 0;
	uint16_t p, q;

	RTE_LCORE_FOREACH_WORKER (lcore) {
		struct dp_lcore *lc;

		if (w == dp->n_workers)
			break;
		lc = rte_zmalloc_socket("dp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
					(int)rte_lcore_to_socket_id(lcore));
		if (lc == NULL)
			return -ENOMEM;
		lc->cache =
			rte_zmalloc_socket("dp_cache", DP_CACHE_SIZE * sizeof(*lc->cache),
					   RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lcore));
		lc->nhc =
			rte_zmalloc_socket("dp_nhc", DP_NHC_SIZE * sizeof(*lc->nhc),
					   RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lcore));
		if (lc->cache == NULL || lc->nhc == NULL)
			return -ENOMEM;
		lc->dp = dp;
		lc->lcore_id = lcore;
		lc->widx = (uint16_t)w;
		lc->st = stats_lcore(dp->stats, w);
		lc->bst = stats_bindings(dp->stats, w);
		tb_init(&lc->icmp_tb, dp->icmp_burst, rte_rdtsc());
		tb_init(&lc->sig_known_tb, dp->sig_known_rate, rte_rdtsc());
		tb_init(&lc->sig_other_tb, dp->sig_rate, rte_rdtsc());
		/* Queue q of every port belongs to worker q mod n_workers. */
		for (p = 0; p < dp->n_ports; p++)
			for (q = (uint16_t)w; q < dp->ports[p].n_rxq;
			     q = (uint16_t)(q + dp->n_workers)) {
				lc->rx[lc->n_rx].pidx = p;
				lc->rx[lc->n_rx].queue = q;
				lc->n_rx++;
			}
		dp->lcores[w++] = lc;
	}
	return 0;
}

static void
dp_housekeep(struct dp *dp, uint64_t *last_loops, uint64_t *last_fib_try)
{
	uint64_t now = dp_now_ns();
	const struct dp_fib *f;
	bool alive = true;
	char err[256];
	uint16_t w;

	if (dp->fib_shm == NULL && now - *last_fib_try > 1000000000u) {
		*last_fib_try = now;
		dp->fib_shm = fib_attach(dp->conf->shm.name, err, sizeof(err));
	}
	dp_fib_refresh(dp, false);
	/* The heartbeat moves only while every worker keeps polling. */
	for (w = 0; w < dp->n_workers; w++) {
		uint64_t l = atomic_load_explicit(&dp->lcores[w]->st->loops, memory_order_relaxed);

		if (l == last_loops[w])
			alive = false;
		last_loops[w] = l;
	}
	f = atomic_load_explicit(&dp->fib, memory_order_relaxed);
	if (alive) {
		stats_heartbeat(dp->stats, now, f != NULL ? f->gen : 0, dp->fib_rejected);
		notify_watchdog();
	}
}

static int
dp_run(struct dp *dp)
{
	uint64_t last_loops[DP_WORKERS_MAX] = {0}, last_fib_try = 0;
	struct timespec tick = {0, DP_TICK_NS};
	uint16_t w;

	for (w = 0; w < dp->n_workers; w++)
		if (rte_eal_remote_launch(dp_worker_main, dp->lcores[w], dp->lcores[w]->lcore_id) !=
		    0) {
			fprintf(stderr, "mip6ha-dp: cannot launch lcore %u\n",
				dp->lcores[w]->lcore_id);
			dp->quit = true;
			break;
		}
	printf("mip6ha-dp: forwarding with %u worker(s)\n", dp->n_workers);
	fflush(stdout);
	if (!dp->quit) {
		char status[96];

		snprintf(status, sizeof(status), "forwarding: %u port(s), %u worker(s)",
			 (unsigned int)dp->conf->dataplane.n_ports, dp->n_workers);
		notify_ready(status);
	}
	while (!dp->quit) {
		nanosleep(&tick, NULL);
		if (dp_signalled)
			dp->quit = true;
		else
			dp_housekeep(dp, last_loops, &last_fib_try);
	}
	notify_stopping();
	rte_eal_mp_wait_lcore();
	return 0;
}

/*
 * One mip6ha-dp per shm.name, decided before it touches a port, a tap or EAL:
 * a second one would take the same interfaces. The lock goes with the
 * process, so a killed dataplane never blocks its restart. @return the
 * lock's descriptor, or -1 with the reason on stderr.
 */
static int
dp_lock(const struct conf *c)
{
	char path[CONF_NAME_MAX + 32], pid[16] = "";
	int fd;

	snprintf(path, sizeof(path), "/dev/shm/%s-dp.lock", c->shm.name);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "mip6ha-dp: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

		pid[n > 0 ? n : 0] = 0;
		pid[strcspn(pid, "\n")] = 0;
		fprintf(stderr,
			"mip6ha-dp: another mip6ha-dp (pid %s) runs for shm.name \"%s\": "
			"another writer holds this object (%s); stop it first\n",
			pid[0] ? pid : "?", c->shm.name, path);
		close(fd);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		fprintf(stderr, "mip6ha-dp: %s: %s\n", path, strerror(errno));
	return fd;
}

static int
dp_start(const struct conf *c)
{
	struct dp dp;
	char err[512];
	unsigned int n_lcores, n_mbufs;
	size_t i;
	int rc = 1;

	memset(&dp, 0, sizeof(dp));
	dp.conf = c;
	dp.tunnel_hop_limit = (uint8_t)c->dataplane.tunnel_hop_limit;
	dp.encap_limit = c->dataplane.encap_limit == CONF_ENCAP_LIMIT_NONE
				 ? -1
				 : (int)c->dataplane.encap_limit;
	dp.icmp_rate = c->dataplane.icmp_rate;
	dp.icmp_burst = c->dataplane.icmp_burst;
	dp.sig_rate = c->dataplane.signalling_rate;
	dp.sig_known_rate = c->dataplane.signalling_known_rate;
	for (i = 0; i < c->home_agent.auth.n_keys; i++)
		dp.admit[dp.n_admit++] = c->home_agent.auth.keys[i].hoa;
	for (i = 0; i < c->home_agent.policy.n_rules; i++)
		if (c->home_agent.policy.rules[i].action == CONF_ACTION_ALLOW &&
		    c->home_agent.policy.rules[i].hoa.len == 128)
			dp.admit[dp.n_admit++] = c->home_agent.policy.rules[i].hoa.addr;
	dp.busy_poll = c->dataplane.poll_mode == CONF_POLL_BUSY;
	for (i = 0; i < c->home_agent.n_addresses && i < BT_HA_ADDRS_MAX; i++)
		dp.ha_addr[dp.n_ha_addr++] = c->home_agent.addresses[i].addr;
	if (!c->dataplane.enabled || c->dataplane.n_ports == 0) {
		fprintf(stderr, "mip6ha-dp: %s: %s\n", c->path,
			!c->dataplane.enabled ? "dataplane.enabled is false"
					      : "no dataplane.ports configured");
		return EXIT_CONFIG;
	}
	if (dp_lock(c) < 0)
		return 1;
	dp.bt = dp_wait_bindings(c);
	if (dp.bt == NULL)
		return dp_signalled ? 0 : 1;
	dp.bt_ents = bt_entries(dp.bt);
	dp.bt_gen = bt_insert_gen_ptr(dp.bt);
	dp.fib_shm = fib_attach(c->shm.name, err, sizeof(err));
	if (dp_eal_init(c) != 0)
		goto out;
	dp.tsc_hz = rte_get_tsc_hz();
	dp.hist_cycles = RTE_MAX(dp.tsc_hz * STATS_HIST_NS / 1000000000u, (uint64_t)1);
	dp.hist_mul = ((uint64_t)1 << 32) / dp.hist_cycles;
	n_lcores = rte_lcore_count();
	if (n_lcores < 2) {
		fprintf(stderr,
			"mip6ha-dp: dataplane.lcores \"%s\" gives %u lcore; need a main "
			"lcore and at least one worker\n",
			c->dataplane.lcores, n_lcores);
		goto out_eal;
	}
	dp.n_workers = (uint16_t)(n_lcores - 1 < DP_WORKERS_MAX ? n_lcores - 1 : DP_WORKERS_MAX);
	dp.stats = stats_create(c->shm.name, dp.n_workers, 2 * (uint32_t)c->dataplane.n_ports + 1,
				bt_capacity(dp.bt), err, sizeof(err));
	if (dp.stats == NULL) {
		fprintf(stderr, "mip6ha-dp: %s\n", err);
		goto out_eal;
	}
	n_mbufs = c->dataplane.mbufs;
	if (n_mbufs == 0)
		n_mbufs = (2 * (unsigned int)c->dataplane.n_ports + 1) * dp.n_workers * 2048u +
			  dp.n_workers * 1024u + 4095u;
	dp.pool = rte_pktmbuf_pool_create("dp_mbufs", n_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	if (dp.pool == NULL) {
		fprintf(stderr, "mip6ha-dp: cannot allocate mbufs: %s\n", rte_strerror(rte_errno));
		goto out_stats;
	}
	if (dp_ports_init(&dp) != 0 || dp_fib_init(&dp) != 0 || dp_setup_lcores(&dp) != 0)
		goto out_ports;
	rc = dp_run(&dp);
	printf("mip6ha-dp: stopped (signal %d)\n", (int)dp_signalled);
out_ports:
	dp_ports_stop(&dp);
	dp_fib_fini(&dp);
	for (i = 0; i < DP_WORKERS_MAX; i++)
		if (dp.lcores[i] != NULL) {
			rte_free(dp.lcores[i]->cache);
			rte_free(dp.lcores[i]->nhc);
			rte_free(dp.lcores[i]);
		}
out_stats:
	stats_close(dp.stats);
out_eal:
	rte_eal_cleanup();
out:
	fib_close(dp.fib_shm);
	bt_close(dp.bt);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", required_argument, NULL, 'n'},
		{"show-bindings", no_argument, NULL, 'b'},
		{"stats", no_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *path = DP_DEFAULT_CONFIG, *check = NULL;
	bool show = false, json = false, stats = false;
	struct conf *c;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:n:bsjhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = optarg;
			break;
		case 'b':
			show = true;
			break;
		case 's':
			stats = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(dp_usage, stdout);
			return 0;
		case 'V':
			printf("mip6ha-dp %s (%s)\n", MIP6HA_VERSION, rte_version());
			return 0;
		default:
			fputs(dp_usage, stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mip6ha-dp: unexpected argument \"%s\"\n%s", argv[optind],
			dp_usage);
		return EXIT_CONFIG;
	}
	c = conf_load(check != NULL ? check : path, stderr);
	if (c == NULL)
		return EXIT_CONFIG;
	signal(SIGINT, dp_on_signal);
	signal(SIGTERM, dp_on_signal);
	if (check != NULL) {
		printf("%s: OK\n", check);
		rc = 0;
	} else if (show) {
		rc = dp_show_bindings(c, json);
	} else if (stats) {
		rc = dp_show_stats(c, json);
	} else {
		setvbuf(stdout, NULL, _IOLBF, 0);
		rc = dp_start(c);
	}
	conf_free(c);
	return rc;
}
