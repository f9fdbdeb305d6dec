/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mip6ha-cp: the control plane. One epoll loop; owns the shared binding table
 * and the shared fib.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "bcache.h"
#include "conf.h"
#include "ctl.h"
#include "fib.h"
#include "log.h"
#include "mip6ha_version.h"

#define CP_DEFAULT_CONFIG "/etc/mip6ha/mip6ha.yaml"
#define EXIT_CONFIG	  2

static const char cp_usage[] =
	"Usage: mip6ha-cp [-d] [-c FILE]\n"
	"       mip6ha-cp -n FILE\n"
	"\n"
	"The mip6ha control plane: a Mobile IPv6 Home Agent (RFC 6275) that keeps the\n"
	"binding cache in shared memory for the mip6ha-dp dataplane and answers the\n"
	"mip6ha(8) command line on its control socket.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE        run with this configuration (default " CP_DEFAULT_CONFIG ")\n"
	"  -n, --check-config FILE  check FILE, print \"FILE: OK\" or every error, and exit\n"
	"  -d, --debug              log at debug level, whatever control.log_level says\n"
	"  -h, --help               print this help and exit\n"
	"  -V, --version            print the version and exit\n"
	"\n"
	"Exit status: 0 on success or clean shutdown (SIGTERM, SIGINT), 1 on a runtime\n"
	"error, 2 on a usage or configuration error.\n"
	"\n"
	"The binding table and the fib (routes and neighbours for the dataplane) are\n"
	"created in hugetlbfs when it is mounted, else in /dev/shm, and adopted with\n"
	"all their entries when mip6ha-cp restarts.\n";

static int
cp_check_config(const char *path)
{
	struct conf *c = conf_load(path, stderr);

	if (c == NULL)
		return EXIT_CONFIG;
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

static int
cp_loop(struct bcache *bc, struct fib *fib, int lfd, int sfd)
{
	struct epoll_event ev = {.events = EPOLLIN}, evs[8];
	int ep = epoll_create1(EPOLL_CLOEXEC), i, n;

	if (ep < 0)
		fatal("epoll_create1");
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 8, -1);
		if (n < 0 && errno != EINTR)
			fatal("epoll_wait");
		for (i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (evs[i].data.fd == lfd) {
				ctl_serve(lfd, bc, fib);
				continue;
			}
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				log_info("SIGHUP: configuration reload is not implemented yet");
				continue;
			}
			log_info("signal %u: shutting down, bindings and fib stay in shared memory",
				 si.ssi_signo);
			close(ep);
			return 0;
		}
	}
}

static int
cp_run(const char *path, bool debug)
{
	struct conf *c = conf_load(path, stderr);
	struct bcache *bc;
	struct fib *fib;
	char err[512];
	int lfd, sfd, rc;

	if (c == NULL)
		return EXIT_CONFIG;
	log_init("mip6ha-cp", debug ? LOG_LEVEL_DEBUG : (enum log_level)c->control.log_level);
	if (c->node.role != CONF_ROLE_HA)
		log_warnx("node.role is %s: only the Home Agent role is implemented yet",
			  conf_role_name(c->node.role));
	bc = bcache_open(c, err, sizeof(err));
	if (bc == NULL)
		fatalx("binding table: %s", err);
	log_info("binding table %s: %s, capacity %u, %u bindings", c->shm.name,
		 bcache_adopted(bc) ? "adopted" : "created", bt_capacity(bcache_table(bc)),
		 bt_count(bcache_table(bc)));
	fib = fib_create(c->shm.name, FIB_CAPACITY_DEF, err, sizeof(err));
	if (fib == NULL)
		fatalx("fib: %s", err);
	log_info("fib %s: capacity %u routes and %u neighbours, generation %llu", c->shm.name,
		 fib_capacity(fib), fib_capacity(fib), (unsigned long long)fib_generation(fib));
	sfd = cp_signals();
	lfd = ctl_listen(c->control.socket, err, sizeof(err));
	if (lfd < 0 || sfd < 0)
		fatalx("control socket: %s", lfd < 0 ? err : "signalfd failed");
	log_info("listening on %s", c->control.socket);
	rc = cp_loop(bc, fib, lfd, sfd);
	close(lfd);
	unlink(c->control.socket);
	fib_close(fib);
	bcache_close(bc);
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
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = CP_DEFAULT_CONFIG;
	bool debug = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:n:dhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			return cp_check_config(optarg);
		case 'd':
			debug = true;
			break;
		case 'h':
			fputs(cp_usage, stdout);
			return 0;
		case 'V':
			printf("mip6ha-cp %s\n", MIP6HA_VERSION);
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
	return cp_run(config, debug);
}
