/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mip6ha-cp: the control plane. One epoll loop; owns the shared binding table
 * and the shared fib. After a Mobility Header the loop polls instead of
 * sleeping for control.busy_poll_us (yielding the CPU each empty pass), and
 * while adopted bindings' proxy entries go back it runs in steps between
 * events.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "auth.h"
#include "bcache.h"
#include "conf.h"
#include "ctl.h"
#include "fib.h"
#include "clock.h"
#include "log.h"
#include "mn.h"
#include "mip6ha_version.h"
#include "metrics.h"
#include "ndisc.h"
#include "notify.h"
#include "vty.h"
#include "nl.h"
#include "sig.h"
#include "stats.h"

#define CP_DEFAULT_CONFIG MIP6HA_CONFIG
#define EXIT_CONFIG	  2
#define CP_REPLAY_STEP	  32 /* adopted bindings' proxy entries per loop pass */

static const char cp_usage[] =
	"Usage: mip6ha-cp [-d] [-s] [-c FILE]\n"
	"       mip6ha-cp -n FILE\n"
	"\n"
	"The mip6ha control plane: a Mobile IPv6 Home Agent (RFC 6275) that keeps the\n"
	"binding cache in shared memory for the mip6ha-dp dataplane, or a mobile node;\n"
	"either answers the mip6ha(8) command line on its control socket.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE        run with this configuration (default " CP_DEFAULT_CONFIG ")\n"
	"  -n, --check-config FILE  check FILE, print \"FILE: OK\" or every error, and exit\n"
	"  -d, --debug              log at debug level, whatever control.log_level says\n"
	"  -s, --syslog             log to syslog (facility daemon) instead of stderr\n"
	"  -h, --help               print this help and exit\n"
	"  -V, --version            print the version and exit\n"
	"\n"
	"Exit status: 0 on success or clean shutdown (SIGTERM, SIGINT), 1 on a runtime\n"
	"error, 2 on a usage or configuration error (key files included).\n"
	"\n"
	"Signals: SIGTERM and SIGINT stop it; bindings and fib stay in shared memory\n"
	"for the next start. SIGHUP (Home Agent) reads FILE again: a valid one applies\n"
	"without dropping a binding (policy, rate limits, keys, prefixes, lifetimes,\n"
	"Router Advertisements, log level); one with errors, or one that changes\n"
	"node, shm, control.socket, dataplane, home_agent.interface or\n"
	"home_agent.addresses (a restart), is refused, every error logged.\n"
	"\n"
	"As a Home Agent (node.role: ha) it reads Mobility Headers on the dataplane's\n"
	"signalling tap mip6ha-sig (on home_agent.interface itself when\n"
	"dataplane.enabled is false), answers Binding Updates after RFC 6275 §9.5.1\n"
	"and §10.3 (DAD first for a new Home Address), expires bindings, proxies\n"
	"Neighbor Discovery for away Home Addresses, advertises the home link\n"
	"(H flag, Home Agent Information), answers DHAAD and Mobile Prefix\n"
	"Solicitations, sends Binding Error 1 for a Home Address option it has no\n"
	"binding for, and mirrors the kernel's routes and neighbours on the taps into\n"
	"the dataplane's fib. BUs may be required to carry RFC 4285 authentication\n"
	"(home_agent.auth) and pass home_agent.policy; home_agent.rate_limits bound\n"
	"what floods can cost. It sets forwarding and proxy_ndp on the home interface,\n"
	"conf/all/proxy_ndp, and adds home_agent.addresses there when missing; for\n"
	"every away Home Address it adds a proxy neighbour entry and a permanent one\n"
	"with the home interface's own MAC, through which the host's own packets to\n"
	"the mobile node reach the dataplane's tunnel.\n"
	"\n"
	"As a mobile node (node.role: mn) it watches mobile_node.interface through\n"
	"netlink: a global address in the home prefix means home, another one (from\n"
	"the kernel's SLAAC, so accept_ra must be on) is the care-of address. Away, it\n"
	"moves the Home Address to the TUN device mobile_node.tunnel, adds the rule\n"
	"\"from HOA lookup 27958\" (default route: the TUN), registers with a Binding\n"
	"Update (Home Address and Alternate Care-of Address options; retransmitted\n"
	"after 1.5 s, 1 s for a refresh, doubling to 32 s; refreshed at 80% of the\n"
	"lifetime or on a Binding Refresh Request) and tunnels the Home Address's\n"
	"traffic to the Home Agent in user space (RFC 2473). Home again, it\n"
	"deregisters, then puts the Home Address back on the interface (unsolicited\n"
	"NA: it sets ndisc_notify). mobile_node.home_agent \"::\" finds the Home Agent\n"
	"with DHAAD. With mobile_node.auth it signs its BUs (RFC 4285) and drops BAs\n"
	"not signed with its key. It needs no Mobile IPv6 or ip6_tunnel support in\n"
	"the kernel.\n"
	"\n"
	"Either role serves the mip6d-style vty on control.vty (default [::1]:7777:\n"
	"telnet, then help, bc, bul, stats, hal, quit); a Home Agent also serves\n"
	"Prometheus metrics on control.metrics (GET /metrics).\n"
	"\n"
	"The binding table and the fib (routes and neighbours for the dataplane) are\n"
	"created in hugetlbfs when it is mounted, else in /dev/shm, and adopted with\n"
	"all their entries when mip6ha-cp restarts.\n";

/* The key files the configuration names: readable, private, well formed.
 * @return the number of errors, each on stderr (never a key). */
static int
cp_check_keys(const struct conf *c, FILE *errf)
{
	struct auth_store *st;
	struct auth_key k;
	int errors;

	if (c->node.role == CONF_ROLE_MN) {
		errors = auth_mn_load(&k, c, errf) < 0;
		explicit_bzero(&k, sizeof(k));
		return errors;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return 1;
	errors = auth_store_load(st, c, errf);
	explicit_bzero(st, sizeof(*st));
	free(st);
	return errors;
}

static int
cp_check_config(const char *path)
{
	struct conf *c = conf_load(path, stderr);

	if (c == NULL)
		return EXIT_CONFIG;
	if (cp_check_keys(c, stderr) != 0) {
		conf_free(c);
		return EXIT_CONFIG;
	}
	printf("%s: OK\n", path);
	conf_free(c);
	return 0;
}

static int
cp_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Everything the loop serves. */
struct cp {
	struct conf *c; /**< replaced by a reload (SIGHUP) */
	struct vty *vty;
	struct metrics *metrics;
	double started; /**< CLOCK_REALTIME seconds */
	bool debug;	/**< --debug: the log level stays debug across reloads */
	struct bcache *bc;
	struct fib *fib;
	struct nl *nl;
	struct sig *sig;
	struct ndisc *nd;
	struct ctl_ctx ctl;
	const char *sig_if;
	int ep, lfd, sfd, tick;
	bool sig_open, nd_open;
	bool sig_waiting_logged, nd_waiting_logged;
	char status[192]; /**< the last STATUS= sent to the service manager */
	/* The dataplane's per-binding counters, read-only, and what they read
	 * when each binding was made (ids are reused). */
	struct stats *stats;
	uint64_t (*base)[4];
	uint64_t replay_start_ms; /* proxy entries being replayed since; 0: not */
};

/* The dataplane's stats object, (re)attached when it is there. */
static struct stats *
cp_stats(struct cp *cp, bool fresh)
{
	char err[256];

	if (fresh && cp->stats != NULL) {
		stats_close(cp->stats);
		cp->stats = NULL;
	}
	if (cp->stats == NULL)
		cp->stats = stats_attach(cp->c->shm.name, err, sizeof(err));
	return cp->stats;
}

static bool
cp_traffic(void *arg, uint32_t id, uint64_t out[4])
{
	struct cp *cp = arg;
	struct stats *st = cp_stats(cp, id == 0);
	unsigned int i;

	if (st == NULL)
		return false;
	if (id == 0)
		return true;
	stats_binding_sum(st, id, out);
	for (i = 0; i < 4 && cp->base != NULL; i++)
		/* A restarted dataplane counts from zero again. */
		out[i] = out[i] >= cp->base[id][i] ? out[i] - cp->base[id][i] : out[i];
	return true;
}

/* Every binding change: the home link follows, and a new binding's counters
 * start from what its id counted for an earlier binding. */
struct cp_prom {
	struct cp *cp;
	FILE *out;
	uint32_t left; /* control.metrics_max_bindings still to print */
};

/* One binding's traffic, both ways (label hoa). */
static int
cp_prom_binding(uint32_t id, const struct bt_binding *b, void *arg)
{
	struct cp_prom *p = arg;
	char h[INET6_ADDRSTRLEN];
	uint64_t t[4];

	if (p->left == 0)
		return 1;
	p->left--;
	if (!cp_traffic(p->cp, id, t))
		return 1;
	inet_ntop(AF_INET6, &b->hoa, h, sizeof(h));
	fprintf(p->out,
		"mip6ha_binding_packets_total{hoa=\"%s\",direction=\"to_mn\"} %llu\n"
		"mip6ha_binding_packets_total{hoa=\"%s\",direction=\"from_mn\"} %llu\n"
		"mip6ha_binding_bytes_total{hoa=\"%s\",direction=\"to_mn\"} %llu\n"
		"mip6ha_binding_bytes_total{hoa=\"%s\",direction=\"from_mn\"} %llu\n",
		h, (unsigned long long)t[0], h, (unsigned long long)t[2], h,
		(unsigned long long)t[1], h, (unsigned long long)t[3]);
	return 0;
}

/* GET /metrics: the control plane's, the home link's, the dataplane's and
 * per binding (at most control.metrics_max_bindings of them). */
static void
cp_metrics(void *arg, FILE *out)
{
	struct cp *cp = arg;
	const struct bt *t = bcache_table(cp->bc);
	struct cp_prom p = {cp, out, cp->c->control.metrics_max_bindings};
	struct stats *st = cp_stats(cp, false);

	fprintf(out,
		"# HELP mip6ha_cp_start_time_seconds When mip6ha-cp started, seconds since the "
		"epoch.\n# TYPE mip6ha_cp_start_time_seconds gauge\n"
		"mip6ha_cp_start_time_seconds %.0f\n"
		"# HELP mip6ha_bindings Bindings in the binding cache.\n"
		"# TYPE mip6ha_bindings gauge\nmip6ha_bindings %u\n"
		"# HELP mip6ha_bindings_capacity Bindings the table holds at most "
		"(shm.max_bindings).\n# TYPE mip6ha_bindings_capacity gauge\n"
		"mip6ha_bindings_capacity %u\n",
		cp->started, bt_count(t), bt_capacity(t));
	sig_print_prometheus(cp->sig, out);
	if (cp->nd_open)
		ndisc_print_prometheus(cp->nd, out);
	if (st == NULL)
		return;
	stats_print_prometheus(st, out);
	fputs("# HELP mip6ha_binding_packets_total Packets tunnelled to (to_mn) and from "
	      "(from_mn) a mobile node.\n# TYPE mip6ha_binding_packets_total counter\n"
	      "# HELP mip6ha_binding_bytes_total Bytes tunnelled to and from a mobile node.\n"
	      "# TYPE mip6ha_binding_bytes_total counter\n",
	      out);
	bt_iterate(t, cp_prom_binding, &p);
}

static void
cp_binding_event(void *arg, enum bcache_event ev, uint32_t id, const struct bt_binding *b)
{
	struct cp *cp = arg;

	ndisc_binding(cp->nd, ev, b);
	if (ev == BCACHE_ADD && cp->base != NULL && cp_stats(cp, false) != NULL)
		stats_binding_sum(cp->stats, id, cp->base[id]);
}

static const struct sig_link_ops cp_link_ops = {.dad_start = ndisc_dad_start};

static void
cp_watch(struct cp *cp, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	if (fd >= 0 && epoll_ctl(cp->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		fatal("epoll_ctl");
}

static void
cp_print_mirror(const struct cp *cp, FILE *out, bool json)
{
	const struct nl_mirror_counters *m = nl_mirror_counters(cp->nl);

	fprintf(out,
		json ? ",\"kernel_mirror\":{\"routes_set\":%llu,\"routes_deleted\":%llu,"
		       "\"neighs_set\":%llu,\"neighs_deleted\":%llu,\"skipped\":%llu,"
		       "\"errors\":%llu,\"fib_generation\":%llu}"
		     : "kernel mirror\n  routes_set             %llu\n  routes_deleted         "
		       "%llu\n"
		       "  neighs_set             %llu\n  neighs_deleted         %llu\n"
		       "  skipped                %llu\n  errors                 %llu\n"
		       "  fib_generation         %llu\n",
		(unsigned long long)m->routes_set, (unsigned long long)m->routes_deleted,
		(unsigned long long)m->neighs_set, (unsigned long long)m->neighs_deleted,
		(unsigned long long)m->skipped, (unsigned long long)m->errors,
		(unsigned long long)fib_generation(cp->fib));
}

static void
cp_print_stats(void *arg, FILE *out, bool json)
{
	struct cp *cp = arg;

	sig_print_stats(cp->sig, out, json);
	if (json)
		fputc(',', out);
	ndisc_print_stats(cp->nd, out, json);
	cp_print_mirror(cp, out, json);
}

static void
cp_print_ha_list(void *arg, FILE *out, bool json)
{
	struct cp *cp = arg;

	ndisc_print_ha_list(cp->nd, out, json);
}

/*
 * The interfaces come and go with the dataplane (it makes the taps): open
 * what is missing, reopen what was recreated (its index changed). Called at
 * start and every second.
 */
static void
cp_links(struct cp *cp)
{
	char err[256];
	int idx;

	idx = (int)if_nametoindex(cp->sig_if);
	if (cp->sig_open && idx != sig_ifindex(cp->sig)) {
		log_warnx("%s went away or was recreated: reopening", cp->sig_if);
		sig_close(cp->sig);
		cp->sig_open = false;
	}
	if (!cp->sig_open && idx != 0) {
		if (sig_open(cp->sig, cp->sig_if, err, sizeof(err)) == 0) {
			cp->sig_open = true;
			cp_watch(cp, sig_fd(cp->sig));
			log_info("signalling on %s", cp->sig_if);
		} else {
			log_warnx("signalling: %s", err);
		}
	} else if (!cp->sig_open && !cp->sig_waiting_logged) {
		log_info("waiting for %s (made by mip6ha-dp)", cp->sig_if);
		cp->sig_waiting_logged = true;
	}
	idx = (int)if_nametoindex(cp->c->home_agent.interface);
	if (cp->nd_open && idx != ndisc_ifindex(cp->nd)) {
		log_warnx("%s went away or was recreated: reopening", cp->c->home_agent.interface);
		ndisc_close(cp->nd);
		cp->nd_open = false;
	}
	if (!cp->nd_open && idx != 0) {
		if (ndisc_open(cp->nd, err, sizeof(err)) == 0) {
			cp->nd_open = true;
			cp_watch(cp, ndisc_fd(cp->nd));
			cp_watch(cp, ndisc_timer_fd(cp->nd));
			cp->ctl.ha_list = cp_print_ha_list;
			/* Proxy entries for every binding, on this (new)
			 * interface: in steps between BUs (cp_loop). */
			bcache_replay(cp->bc);
			cp->replay_start_ms = clock_ms();
			log_info("home link %s: %s", cp->c->home_agent.interface,
				 cp->c->home_agent.ra.enabled ? "advertising"
							      : "router advertisements off");
		} else {
			log_warnx("home link: %s", err);
		}
	} else if (!cp->nd_open && !cp->nd_waiting_logged) {
		log_info("waiting for %s", cp->c->home_agent.interface);
		cp->nd_waiting_logged = true;
	}
}

/* The first key of @p a and @p b whose change needs a restart, else NULL:
 * the shared objects, the sockets, the processes' interfaces and the HA's
 * own addresses (mip6ha-dp reads them at its start). */
static const char *
cp_fixed_change(const struct conf *a, const struct conf *b)
{
#define CP_SAME(f) (memcmp(&a->f, &b->f, sizeof(a->f)) == 0)
	if (!CP_SAME(node))
		return "node";
	if (!CP_SAME(shm))
		return "shm";
	if (!CP_SAME(control.socket))
		return "control.socket";
	if (!CP_SAME(dataplane))
		return "dataplane";
	if (!CP_SAME(home_agent.interface))
		return "home_agent.interface";
	if (!CP_SAME(home_agent.addresses) || !CP_SAME(home_agent.n_addresses))
		return "home_agent.addresses";
#undef CP_SAME
	return NULL;
}

/* Log each line of @p text (the loader's errors) at warning level. */
static void
cp_log_lines(char *text)
{
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
		log_warnx("reload: %s", line);
}

/*
 * The service manager's view (sd_notify; nothing without systemd): READY=1
 * when @p ready (the control socket, vty and metrics listen and the binding
 * table is open, or a reload is done), and the STATUS= line whenever it
 * changes (the tick calls this every second).
 */
static void
cp_notify(struct cp *cp, bool ready)
{
	char status[sizeof(cp->status)];

	snprintf(status, sizeof(status), "Home Agent on %s: %u bindings%s%s%s",
		 cp->c->home_agent.interface, bt_count(bcache_table(cp->bc)),
		 cp->nd_open ? "" : "; waiting for the home interface",
		 cp->sig_open ? "" : "; waiting for ", cp->sig_open ? "" : cp->sig_if);
	if (ready)
		notify_ready(status);
	else if (strcmp(status, cp->status) != 0)
		notify_status(status);
	memcpy(cp->status, status, sizeof(status));
}

/*
 * SIGHUP: load the file again. A valid one replaces the running
 * configuration without touching a binding; one with errors, or with a change
 * only a restart can make, leaves it as it is and every error is logged.
 */
static void
cp_reload(struct cp *cp)
{
	const char *path = cp->c->path, *fixed = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *errf = open_memstream(&text, &len);
	struct conf *n;
	int bad = 0;

	if (errf == NULL) {
		log_warn("SIGHUP: cannot reload");
		return;
	}
	notify_reloading();
	n = conf_load(path, errf);
	if (n != NULL)
		bad = cp_check_keys(n, errf);
	if (n != NULL && bad == 0)
		fixed = cp_fixed_change(cp->c, n);
	if (n != NULL && bad == 0 && fixed == NULL && sig_reload(cp->sig, n, errf) != 0)
		bad = 1;
	fclose(errf);
	if (n == NULL || bad != 0 || fixed != NULL) {
		cp_log_lines(text);
		if (fixed != NULL)
			log_warnx("SIGHUP: %s: %s changed, which needs a restart of mip6ha-cp and "
				  "mip6ha-dp; the running configuration stays",
				  path, fixed);
		else
			log_warnx("SIGHUP: %s has errors; the running configuration stays", path);
		free(text);
		conf_free(n);
		notify_ready("reload refused; the running configuration stays");
		return;
	}
	free(text);
	ndisc_reload(cp->nd, n);
	bcache_set_max_lifetime(cp->bc, n->home_agent.max_binding_lifetime);
	if (!cp->debug)
		log_set_level((enum log_level)n->control.log_level);
	cp->sig_if = n->dataplane.enabled ? CONF_SIG_TAP : n->home_agent.interface;
	conf_free(cp->c);
	cp->c = n;
	log_info("SIGHUP: reloaded %s; %u bindings kept", n->path, bt_count(bcache_table(cp->bc)));
	cp_notify(cp, true);
}

static bool
cp_event(struct cp *cp, int fd)
{
	struct signalfd_siginfo si;
	uint64_t exp;

	if (fd == cp->lfd) {
		ctl_serve(cp->lfd, &cp->ctl);
	} else if (cp->sig_open && fd == sig_fd(cp->sig)) {
		sig_input(cp->sig);
	} else if (cp->nd_open && fd == ndisc_fd(cp->nd)) {
		ndisc_input(cp->nd);
	} else if (cp->nd_open && fd == ndisc_timer_fd(cp->nd)) {
		ndisc_timer(cp->nd);
	} else if (fd == nl_mirror_fd(cp->nl)) {
		nl_mirror_input(cp->nl);
	} else if (vty_event(cp->vty, fd)) {
		/* a vty client, handled */
	} else if (fd == cp->tick) {
		if (read(cp->tick, &exp, sizeof(exp)) > 0)
			cp_links(cp);
		metrics_tick(cp->metrics);
		cp_notify(cp, false);
		notify_watchdog();
	} else if (metrics_event(cp->metrics, fd)) {
		/* an HTTP request, answered */
	} else if (fd == cp->sfd) {
		if (read(cp->sfd, &si, sizeof(si)) != sizeof(si))
			return true;
		if (si.ssi_signo == SIGHUP) {
			cp_reload(cp);
			return true;
		}
		log_info("signal %u: shutting down, bindings and fib stay in shared memory",
			 si.ssi_signo);
		notify_stopping();
		return false;
	}
	return true;
}

static int
cp_loop(struct cp *cp)
{
	struct itimerspec sec = {.it_interval = {.tv_sec = 1}, .it_value = {.tv_sec = 1}};
	struct epoll_event evs[16];
	uint64_t busy_until = 0; /* clock_us() until which we poll, not sleep */
	int i, n, timeout;

	cp->ep = epoll_create1(EPOLL_CLOEXEC);
	cp->tick = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (cp->ep < 0 || cp->tick < 0 || timerfd_settime(cp->tick, 0, &sec, NULL) != 0)
		fatal("epoll/timerfd");
	cp_watch(cp, cp->lfd);
	cp_watch(cp, cp->sfd);
	cp_watch(cp, cp->tick);
	cp_watch(cp, nl_mirror_fd(cp->nl));
	cp->vty = vty_start(cp->c, cp->ep, &cp->ctl);
	cp->metrics = metrics_start(cp->c, cp->ep, cp_metrics, cp);
	cp_links(cp);
	cp_notify(cp, true);
	for (;;) {
		/* Expiry is in whole seconds; DAD probes end on the millisecond. */
		sig_tick(cp->sig, clock_ms());
		timeout = sig_dad_timeout_ms(cp->sig, clock_ms());
		if (cp->replay_start_ms != 0 || (busy_until != 0 && clock_us() < busy_until))
			timeout = 0;
		else
			busy_until = 0;
		n = epoll_wait(cp->ep, evs, 16, timeout);
		if (n < 0 && errno != EINTR)
			fatal("epoll_wait");
		if (n == 0 && busy_until != 0)
			sched_yield(); /* the dataplane worker may share this CPU */
		for (i = 0; i < n; i++) {
			if (cp->sig_open && evs[i].data.fd == sig_fd(cp->sig) &&
			    cp->c->control.busy_poll_us > 0)
				busy_until = clock_us() + cp->c->control.busy_poll_us;
			if (!cp_event(cp, evs[i].data.fd))
				goto out;
		}
		if (cp->replay_start_ms != 0 && !bcache_replay_step(cp->bc, CP_REPLAY_STEP)) {
			log_info("proxy entries for the %u bindings in the table: done in %llu ms",
				 bt_count(bcache_table(cp->bc)),
				 (unsigned long long)(clock_ms() - cp->replay_start_ms));
			cp->replay_start_ms = 0;
		}
	}
out:
	close(cp->tick);
	close(cp->ep);
	return 0;
}

/* The dataplane forwards by the kernel's routes and neighbours on its taps. */
static void
cp_mirror(struct cp *cp)
{
	char devs[CONF_LIST_MAX][16], err[256];
	size_t i;

	for (i = 0; i < cp->c->dataplane.n_ports; i++)
		snprintf(devs[i], sizeof(devs[i]), "%s", cp->c->dataplane.ports[i].tap);
	if (nl_mirror_start(cp->nl, cp->fib, (const char(*)[16])devs, i, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("mirroring the kernel's routes and neighbours on %zu taps into the fib "
		 "(generation %llu)",
		 i, (unsigned long long)fib_generation(cp->fib));
}

static int
cp_run_mn(struct conf *c)
{
	char err[512];
	struct nl *nl = nl_new(err, sizeof(err));
	int sfd = cp_signals(), lfd, rc;

	if (nl == NULL)
		fatalx("%s", err);
	lfd = ctl_listen(c->control.socket, err, sizeof(err));
	if (lfd < 0 || sfd < 0)
		fatalx("control socket: %s", lfd < 0 ? err : "signalfd failed");
	log_info("listening on %s", c->control.socket);
	rc = mn_run(c, nl, sfd, lfd);
	close(lfd);
	unlink(c->control.socket);
	nl_free(nl);
	conf_free(c);
	return rc;
}

static int
cp_run(const char *path, bool debug, bool use_syslog)
{
	struct conf *c = conf_load(path, stderr);
	struct cp cp = {0};
	char err[512];
	int rc;

	if (c == NULL || cp_check_keys(c, stderr) != 0) {
		conf_free(c);
		return EXIT_CONFIG;
	}
	cp.c = c;
	cp.debug = debug;
	cp.started = (double)time(NULL);
	log_init("mip6ha-cp", debug ? LOG_LEVEL_DEBUG : (enum log_level)c->control.log_level);
	if (use_syslog)
		log_to_syslog();
	if (c->node.role == CONF_ROLE_MN)
		return cp_run_mn(c);
	cp.bc = bcache_open(c, err, sizeof(err));
	if (cp.bc == NULL)
		fatalx("binding table: %s", err);
	log_info("binding table %s: %s, capacity %u, %u bindings", c->shm.name,
		 bcache_adopted(cp.bc) ? "adopted" : "created", bt_capacity(bcache_table(cp.bc)),
		 bt_count(bcache_table(cp.bc)));
	cp.fib = fib_create(c->shm.name, FIB_CAPACITY_DEF, err, sizeof(err));
	if (cp.fib == NULL)
		fatalx("fib: %s", err);
	log_info("fib %s: capacity %u routes and %u neighbours, generation %llu", c->shm.name,
		 fib_capacity(cp.fib), fib_capacity(cp.fib),
		 (unsigned long long)fib_generation(cp.fib));
	cp.nl = nl_new(err, sizeof(err));
	if (cp.nl == NULL)
		fatalx("%s", err);
	if (c->dataplane.enabled && c->dataplane.mirror_kernel)
		cp_mirror(&cp);
	else if (c->dataplane.enabled)
		log_info("dataplane.mirror_kernel is false: only 'mip6ha fib' writes the fib");
	cp.nd = ndisc_new(c, cp.nl);
	cp.sig = cp.nd != NULL ? sig_new(c, cp.bc, &cp_link_ops, cp.nd) : NULL;
	if (cp.nd == NULL || cp.sig == NULL)
		fatalx("out of memory");
	if (sig_load_keys(cp.sig, stderr) != 0)
		fatalx("home_agent.auth.keys: a key file changed since start");
	ndisc_set_sig(cp.nd, cp.sig);
	cp.base = calloc((size_t)bt_capacity(bcache_table(cp.bc)) + 1, sizeof(*cp.base));
	bcache_set_hook(cp.bc, cp_binding_event, &cp);
	/* With a dataplane, Mobility Headers come on its signalling tap; without
	 * one, straight from the home link. */
	cp.sig_if = c->dataplane.enabled ? CONF_SIG_TAP : c->home_agent.interface;
	cp.ctl = (struct ctl_ctx){.bc = cp.bc,
				  .fib = cp.fib,
				  .arg = &cp,
				  .stats = cp_print_stats,
				  .traffic = cp_traffic};
	cp.sfd = cp_signals();
	cp.lfd = ctl_listen(c->control.socket, err, sizeof(err));
	if (cp.lfd < 0 || cp.sfd < 0)
		fatalx("control socket: %s", cp.lfd < 0 ? err : "signalfd failed");
	log_info("listening on %s", c->control.socket);
	rc = cp_loop(&cp);
	vty_close(cp.vty);
	metrics_stop(cp.metrics);
	c = cp.c; /* a reload may have replaced it */
	close(cp.lfd);
	unlink(c->control.socket);
	sig_free(cp.sig);
	ndisc_free(cp.nd);
	if (cp.stats != NULL)
		stats_close(cp.stats);
	free(cp.base);
	nl_free(cp.nl);
	fib_close(cp.fib);
	bcache_close(cp.bc);
	conf_free(c);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", required_argument, NULL, 'n'},
		{"debug", no_argument, NULL, 'd'},
		{"syslog", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = CP_DEFAULT_CONFIG;
	bool debug = false, use_syslog = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:n:dshV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			return cp_check_config(optarg);
		case 'd':
			debug = true;
			break;
		case 's':
			use_syslog = true;
			break;
		case 'h':
			fputs(cp_usage, stdout);
			return 0;
		case 'V':
			printf("mip6ha-cp %s (sd_notify: %s)\n", MIP6HA_VERSION,
			       notify_supported() ? "libsystemd" : "no");
			return 0;
		default:
			fputs(cp_usage, stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mip6ha-cp: unexpected argument \"%s\"\n%s", argv[optind],
			cp_usage);
		return EXIT_CONFIG;
	}
	return cp_run(config, debug, use_syslog);
}
