/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bt_fmt.h"
#include "log.h"

#define CTL_DEFAULT_LIFETIME 3600

static const char ctl_usage[] =
	"commands:\n" CTL_COMMANDS "  help                       this text\n"
	"append --json for machine-readable output\n";

struct ctl_list {
	const struct ctl_ctx *cx;
	FILE *out;
	uint32_t now;
	bool json;
	bool first;
};

static int
ctl_list_one(uint32_t id, const struct bt_binding *b, void *arg)
{
	struct ctl_list *l = arg;
	uint64_t t[4];
	bool traffic = l->cx->traffic != NULL && l->cx->traffic(l->cx->arg, id, t);
	char line[512];
	int n = bt_fmt_binding(line, sizeof(line), id, b, l->now, l->json);

	/* The dataplane's counters join the table's fields. */
	if (traffic && l->json && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n - 1, sizeof(line) - (size_t)n + 1,
			 ",\"to_mn_pkts\":%llu,\"to_mn_bytes\":%llu,\"from_mn_pkts\":%llu,"
			 "\"from_mn_bytes\":%llu}",
			 (unsigned long long)t[0], (unsigned long long)t[1],
			 (unsigned long long)t[2], (unsigned long long)t[3]);
	else if (traffic && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " %10llu %12llu %10llu %12llu",
			 (unsigned long long)t[0], (unsigned long long)t[1],
			 (unsigned long long)t[2], (unsigned long long)t[3]);
	fprintf(l->out, "%s%s%s", l->json && !l->first ? "," : "", line, l->json ? "" : "\n");
	l->first = false;
	return 0;
}

static int
ctl_bc_list(const struct ctl_ctx *cx, FILE *out, bool json)
{
	struct ctl_list l = {cx, out, (uint32_t)time(NULL), json, true};
	uint64_t t[4];

	if (json)
		fputs("{\"bindings\":[", out);
	else if (cx->traffic != NULL && cx->traffic(cx->arg, 0, t))
		fprintf(out, "%s %10s %12s %10s %12s\n", bt_fmt_header(), "TO-MN-PKT",
			"TO-MN-BYTES", "FROM-MN-PKT", "FROM-MN-BYTES");
	else
		fprintf(out, "%s\n", bt_fmt_header());
	bt_iterate(bcache_table(cx->bc), ctl_list_one, &l);
	if (json)
		fputs("]}\n", out);
	return 0;
}

static int
ctl_addr(const char *s, struct in6_addr *a, FILE *out)
{
	if (inet_pton(AF_INET6, s, a) == 1)
		return 0;
	fprintf(out, "error: \"%s\" is not an IPv6 address\n", s);
	return -1;
}

static int
ctl_bc_add(struct bcache *bc, int argc, char **argv, FILE *out)
{
	struct in6_addr hoa, coa;
	unsigned long life = CTL_DEFAULT_LIFETIME;
	char *end;
	int64_t id;

	if (argc < 2 || argc > 3) {
		fputs("usage: bc add HOA COA [LIFETIME]\n", out);
		return 2;
	}
	if (ctl_addr(argv[0], &hoa, out) || ctl_addr(argv[1], &coa, out))
		return 2;
	if (argc == 3) {
		errno = 0;
		life = strtoul(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || argv[2][0] == '-' || life > UINT32_MAX) {
			fprintf(out, "error: lifetime \"%s\" is not a number of seconds\n",
				argv[2]);
			return 2;
		}
	}
	id = bcache_update(bc, &hoa, &coa, (uint32_t)life, BT_F_HOME);
	if (id == -ENOSPC) {
		fputs("error: binding table full\n", out);
		return 1;
	}
	if (id < 0) {
		fprintf(out, "error: %s\n", strerror((int)-id));
		return 1;
	}
	fprintf(out, "binding %lld: %s -> %s\n", (long long)id, argv[0], argv[1]);
	return 0;
}

static int
ctl_bc_del(struct bcache *bc, int argc, char **argv, FILE *out)
{
	struct in6_addr hoa;

	if (argc != 1) {
		fputs("usage: bc del HOA\n", out);
		return 2;
	}
	if (ctl_addr(argv[0], &hoa, out))
		return 2;
	if (bcache_delete(bc, &hoa) != 0) {
		fprintf(out, "error: no binding for %s\n", argv[0]);
		return 1;
	}
	fprintf(out, "binding for %s deleted\n", argv[0]);
	return 0;
}

/* "PREFIX/LEN", host bits cleared as the table stores them, so replies and
 * listings show one spelling. */
static int
ctl_prefix(const char *s, struct in6_addr *p, uint8_t *len, FILE *out)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	unsigned long l;
	char *end;
	unsigned int i;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf) || slash[1] < '0' || slash[1] > '9')
		goto bad;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	errno = 0;
	l = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || l > 128 || inet_pton(AF_INET6, buf, p) != 1)
		goto bad;
	*len = (uint8_t)l;
	for (i = *len; i < 128; i++)
		p->s6_addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	return 0;
bad:
	fprintf(out, "error: \"%s\" is not an IPv6 prefix (PREFIX/LEN, LEN 0..128)\n", s);
	return -1;
}

/* The names the kernel's dev_valid_name() accepts: nothing else can be a tap. */
static int
ctl_ifname(const char *s, char dev[FIB_IFNAME_MAX], FILE *out)
{
	size_t n = strlen(s);

	if (n == 0 || n >= FIB_IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/:") != NULL) {
		fprintf(out,
			"error: \"%s\" is not an interface name (1..%d characters, no / or :)\n", s,
			FIB_IFNAME_MAX - 1);
		return -1;
	}
	memset(dev, 0, FIB_IFNAME_MAX);
	memcpy(dev, s, n);
	return 0;
}

static const char *
ctl_rt_type(uint8_t type)
{
	switch (type) {
	case FIB_RT_UNICAST:
		return "unicast";
	case FIB_RT_LOCAL:
		return "local";
	case FIB_RT_BLACKHOLE:
		return "blackhole";
	}
	return "?";
}

/* An interface name as a JSON string: the kernel allows '"' and '\' in names. */
static void
ctl_json_dev(FILE *out, const char *dev)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < FIB_IFNAME_MAX && dev[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)dev[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* One route in the words of `fib route add`, or as a JSON object. */
static void
ctl_route_print(FILE *out, const struct fib_route *r, bool json)
{
	char p[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];
	bool via = memcmp(&r->gw, &in6addr_any, sizeof(r->gw)) != 0;

	inet_ntop(AF_INET6, &r->prefix, p, sizeof(p));
	inet_ntop(AF_INET6, &r->gw, gw, sizeof(gw));
	if (json) {
		fprintf(out, "{\"prefix\":\"%s/%u\",\"type\":\"%s\"", p, r->len,
			ctl_rt_type(r->type));
		if (r->type == FIB_RT_UNICAST) {
			if (via)
				fprintf(out, ",\"gw\":\"%s\"", gw);
			fputs(",\"dev\":", out);
			ctl_json_dev(out, r->dev);
		}
		fputc('}', out);
	} else if (r->type != FIB_RT_UNICAST) {
		fprintf(out, "%s/%u %s", p, r->len, ctl_rt_type(r->type));
	} else {
		fprintf(out, "%s/%u%s%s dev %.*s", p, r->len, via ? " via " : "", via ? gw : "",
			FIB_IFNAME_MAX, r->dev);
	}
}

static void
ctl_neigh_print(FILE *out, const struct fib_neigh *nb, bool json)
{
	char a[INET6_ADDRSTRLEN], mac[18];
	const uint8_t *m = nb->lladdr;

	inet_ntop(AF_INET6, &nb->addr, a, sizeof(a));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	if (json) {
		fprintf(out, "{\"addr\":\"%s\",\"lladdr\":\"%s\",\"dev\":", a, mac);
		ctl_json_dev(out, nb->dev);
		fputc('}', out);
	} else {
		fprintf(out, "%s lladdr %s dev %.*s", a, mac, FIB_IFNAME_MAX, nb->dev);
	}
}

static int
ctl_fib_list(const struct fib *fib, FILE *out, bool json)
{
	uint32_t cap = fib_capacity(fib), nr, nn, rejected, i;
	struct fib_route *routes = calloc(cap, sizeof(*routes));
	struct fib_neigh *neighs = calloc(cap, sizeof(*neighs));
	uint64_t gen;
	int rc = -ENOMEM;

	if (routes != NULL && neighs != NULL)
		rc = fib_snapshot(fib, routes, &nr, neighs, &nn, &gen, &rejected);
	if (rc != 0) {
		fprintf(out, "error: fib snapshot: %s\n", strerror(-rc));
		goto out;
	}
	if (json)
		fprintf(out, "{\"generation\":%llu,\"capacity\":%u,\"rejected\":%u,\"routes\":[",
			(unsigned long long)gen, cap, rejected);
	else
		fprintf(out,
			"generation %llu, %u routes, %u neighbours, %u rejected (capacity %u)\n",
			(unsigned long long)gen, nr, nn, rejected, cap);
	for (i = 0; i < nr; i++) {
		fputs(json ? (i ? "," : "") : "route ", out);
		ctl_route_print(out, &routes[i], json);
		fputs(json ? "" : "\n", out);
	}
	fputs(json ? "],\"neighbours\":[" : "", out);
	for (i = 0; i < nn; i++) {
		fputs(json ? (i ? "," : "") : "neigh ", out);
		ctl_neigh_print(out, &neighs[i], json);
		fputs(json ? "" : "\n", out);
	}
	fputs(json ? "]}\n" : "", out);
out:
	free(routes);
	free(neighs);
	return rc == 0 ? 0 : 1;
}

/* The runtime outcome of a fib change: 0, or a one-line error and status 1. */
static int
ctl_fib_status(const struct fib *fib, int rc, const char *what, const char *arg, FILE *out)
{
	if (rc == -ENOSPC)
		fprintf(out, "error: fib full: %u %ss\n", fib_capacity(fib), what);
	else if (rc == -ENOENT)
		fprintf(out, "error: no %s %s\n", what, arg);
	else if (rc < 0)
		fprintf(out, "error: %s %s: %s\n", what, arg, strerror(-rc));
	return rc < 0 ? 1 : 0;
}

static int
ctl_fib_route_add(struct fib *fib, int argc, char **argv, FILE *out)
{
	struct fib_route r = {.type = FIB_RT_UNICAST};
	const char *gw = NULL, *dev = NULL;

	if (argc == 2 && strcmp(argv[1], "local") == 0) {
		r.type = FIB_RT_LOCAL;
	} else if (argc == 2 && strcmp(argv[1], "blackhole") == 0) {
		r.type = FIB_RT_BLACKHOLE;
	} else if (argc == 3 && strcmp(argv[1], "dev") == 0) {
		dev = argv[2];
	} else if (argc == 5 && strcmp(argv[1], "via") == 0 && strcmp(argv[3], "dev") == 0) {
		gw = argv[2];
		dev = argv[4];
	} else {
		fputs("usage: fib route add PREFIX/LEN [via GW] dev IFNAME\n"
		      "       fib route add PREFIX/LEN local|blackhole\n",
		      out);
		return 2;
	}
	if (ctl_prefix(argv[0], &r.prefix, &r.len, out) ||
	    (gw != NULL && ctl_addr(gw, &r.gw, out)) ||
	    (dev != NULL && ctl_ifname(dev, r.dev, out)))
		return 2;
	if (ctl_fib_status(fib, fib_route_set(fib, &r), "route", argv[0], out))
		return 1;
	fputs("route ", out);
	ctl_route_print(out, &r, false);
	fputc('\n', out);
	return 0;
}

static int
ctl_fib_route_del(struct fib *fib, int argc, char **argv, FILE *out)
{
	char what[INET6_ADDRSTRLEN + 4];
	struct in6_addr p;
	uint8_t len;

	if (argc != 1) {
		fputs("usage: fib route del PREFIX/LEN\n", out);
		return 2;
	}
	if (ctl_prefix(argv[0], &p, &len, out))
		return 2;
	inet_ntop(AF_INET6, &p, what, sizeof(what));
	snprintf(what + strlen(what), sizeof(what) - strlen(what), "/%u", len);
	if (ctl_fib_status(fib, fib_route_del(fib, &p, len), "route", what, out))
		return 1;
	fprintf(out, "route %s deleted\n", what);
	return 0;
}

static int
ctl_fib_neigh_add(struct fib *fib, int argc, char **argv, FILE *out)
{
	struct fib_neigh nb = {0};

	if (argc != 5 || strcmp(argv[1], "lladdr") != 0 || strcmp(argv[3], "dev") != 0) {
		fputs("usage: fib neigh add ADDR lladdr aa:bb:cc:dd:ee:ff dev IFNAME\n", out);
		return 2;
	}
	if (ctl_addr(argv[0], &nb.addr, out))
		return 2;
	if (fib_parse_lladdr(argv[2], nb.lladdr) != 0) {
		fprintf(out, "error: \"%s\" is not a link-layer address (aa:bb:cc:dd:ee:ff)\n",
			argv[2]);
		return 2;
	}
	if (ctl_ifname(argv[4], nb.dev, out))
		return 2;
	if (ctl_fib_status(fib, fib_neigh_set(fib, &nb), "neighbour", argv[0], out))
		return 1;
	fputs("neigh ", out);
	ctl_neigh_print(out, &nb, false);
	fputc('\n', out);
	return 0;
}

static int
ctl_fib_neigh_del(struct fib *fib, int argc, char **argv, FILE *out)
{
	struct in6_addr a;
	char dev[FIB_IFNAME_MAX], what[INET6_ADDRSTRLEN + FIB_IFNAME_MAX + 8];

	if (argc != 3 || strcmp(argv[1], "dev") != 0) {
		fputs("usage: fib neigh del ADDR dev IFNAME\n", out);
		return 2;
	}
	if (ctl_addr(argv[0], &a, out) || ctl_ifname(argv[2], dev, out))
		return 2;
	snprintf(what, sizeof(what), "%s dev %s", argv[0], dev);
	if (ctl_fib_status(fib, fib_neigh_del(fib, &a, dev), "neighbour", what, out))
		return 1;
	fprintf(out, "neighbour %s deleted\n", what);
	return 0;
}

/* `fib ...` after the word fib. */
static int
ctl_fib(struct fib *fib, int argc, char **argv, FILE *out, bool json)
{
	if (argc == 0)
		return ctl_fib_list(fib, out, json);
	if (argc >= 2 && strcmp(argv[0], "route") == 0) {
		if (strcmp(argv[1], "add") == 0)
			return ctl_fib_route_add(fib, argc - 2, argv + 2, out);
		if (strcmp(argv[1], "del") == 0)
			return ctl_fib_route_del(fib, argc - 2, argv + 2, out);
	}
	if (argc >= 2 && strcmp(argv[0], "neigh") == 0) {
		if (strcmp(argv[1], "add") == 0)
			return ctl_fib_neigh_add(fib, argc - 2, argv + 2, out);
		if (strcmp(argv[1], "del") == 0)
			return ctl_fib_neigh_del(fib, argc - 2, argv + 2, out);
	}
	fputs("usage: fib [route add|del ... | neigh add|del ...] ('help' for the syntax)\n", out);
	return 2;
}

static int
ctl_stats(const struct ctl_ctx *cx, FILE *out, bool json)
{
	const struct bt *t;
	const char *path;
	bool huge;

	if (cx->bc == NULL) { /* a mobile node: its own counters only */
		if (json)
			fputc('{', out);
		if (cx->stats != NULL)
			cx->stats(cx->arg, out, json);
		if (json)
			fputs("}\n", out);
		return 0;
	}
	t = bcache_table(cx->bc);
	path = bt_path(t, &huge);
	if (json) {
		fputc('{', out);
		if (cx->stats != NULL) {
			cx->stats(cx->arg, out, true);
			fputc(',', out);
		}
		fprintf(out,
			"\"binding_table\":{\"bindings\":%u,\"capacity\":%u,\"timers\":%u,"
			"\"cuckoo_moves\":%llu,\"shm\":\"%s\",\"hugetlbfs\":%s}}\n",
			bt_count(t), bt_capacity(t), bcache_timers(cx->bc),
			(unsigned long long)bt_moves(t), path, huge ? "true" : "false");
		return 0;
	}
	if (cx->stats != NULL)
		cx->stats(cx->arg, out, false);
	fprintf(out,
		"binding table\n  bindings      %u\n  capacity      %u\n  timers        %u\n"
		"  cuckoo moves  %llu\n  shm           %s (%s)\n",
		bt_count(t), bt_capacity(t), bcache_timers(cx->bc), (unsigned long long)bt_moves(t),
		path, huge ? "hugetlbfs" : "4 KiB pages");
	return 0;
}

static int
ctl_ha_list(const struct ctl_ctx *cx, FILE *out, bool json)
{
	if (cx->ha_list == NULL) {
		fputs("error: the home link is not up yet\n", out);
		return 1;
	}
	cx->ha_list(cx->arg, out, json);
	return 0;
}

int
ctl_exec(const struct ctl_ctx *cx, int argc, char **argv, FILE *out)
{
	struct bcache *bc = cx->bc;
	bool json = false;
	int i, n = 0;

	/* --json may stand anywhere; take it out before dispatching. */
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			argv[n++] = argv[i];
	}
	if (n == 0 || strcmp(argv[0], "help") == 0) {
		fputs(ctl_usage, out);
		return n == 0 ? 2 : 0;
	}
	if (strcmp(argv[0], "bul") == 0 && n == 1) {
		if (cx->bul == NULL) {
			fputs("error: no Binding Update List: this node is a Home Agent\n", out);
			return 1;
		}
		cx->bul(cx->arg, out, json);
		return 0;
	}
	if (bc == NULL && (strcmp(argv[0], "bc") == 0 || strcmp(argv[0], "fib") == 0 ||
			   strcmp(argv[0], "ha-list") == 0)) {
		fprintf(out, "error: \"%s\": this node is a mobile node (try bul)\n", argv[0]);
		return 1;
	}
	if (strcmp(argv[0], "bc") == 0) {
		if (n == 1)
			return ctl_bc_list(cx, out, json);
		if (strcmp(argv[1], "add") == 0)
			return ctl_bc_add(bc, n - 2, argv + 2, out);
		if (strcmp(argv[1], "del") == 0)
			return ctl_bc_del(bc, n - 2, argv + 2, out);
	}
	if (strcmp(argv[0], "fib") == 0)
		return ctl_fib(cx->fib, n - 1, argv + 1, out, json);
	if (strcmp(argv[0], "stats") == 0 && n == 1)
		return ctl_stats(cx, out, json);
	if (strcmp(argv[0], "ha-list") == 0 && n == 1)
		return ctl_ha_list(cx, out, json);
	fprintf(out, "error: unknown command \"%s\"\n%s", argv[0], ctl_usage);
	return 2;
}

int
ctl_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[sizeof(sun.sun_path)];
	char *slash;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			rc = -errno;
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return rc;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* The table's writer lock already proved no other instance runs: a socket
	 * file left here is stale. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, 16) != 0)
		goto fail;
	chmod(path, 0660);
	return fd;
fail:
	rc = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Split @p line on blanks in place. */
static int
ctl_split(char *line, char **argv)
{
	char *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL && argc < CTL_ARGS_MAX;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	return argc;
}

void
ctl_serve(int lfd, const struct ctl_ctx *cx)
{
	struct timeval tv = {.tv_sec = 1};
	char line[CTL_LINE_MAX], *body = NULL;
	size_t got = 0, blen = 0;
	ssize_t r;
	FILE *out;
	int fd, status;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* A client that never finishes its line must not stall the daemon. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < sizeof(line) - 1 && memchr(line, '\n', got) == NULL) {
		r = read(fd, line + got, sizeof(line) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	line[got] = '\0';
	out = open_memstream(&body, &blen);
	if (out == NULL) {
		close(fd);
		return;
	}
	status = ctl_request(cx, line, out);
	fclose(out);
	dprintf(fd, "%d\n%s", status, body);
	free(body);
	close(fd);
}

int
ctl_request(const struct ctl_ctx *cx, char *line, FILE *out)
{
	char *argv[CTL_ARGS_MAX];

	return ctl_exec(cx, ctl_split(line, argv), argv, out);
}
