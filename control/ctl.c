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
	"commands:\n"
	"  bc                         list the binding cache\n"
	"  bc add HOA COA [LIFETIME]  add or update a binding (seconds, default 3600)\n"
	"  bc del HOA                 delete a binding\n"
	"  stats                      binding-table statistics\n"
	"  help                       this text\n"
	"append --json for machine-readable output\n";

struct ctl_list {
	FILE *out;
	uint32_t now;
	bool json;
	bool first;
};

static int
ctl_list_one(uint32_t id, const struct bt_binding *b, void *arg)
{
	struct ctl_list *l = arg;
	char line[512];

	bt_fmt_binding(line, sizeof(line), id, b, l->now, l->json);
	fprintf(l->out, "%s%s%s", l->json && !l->first ? "," : "", line, l->json ? "" : "\n");
	l->first = false;
	return 0;
}

static int
ctl_bc_list(struct bcache *bc, FILE *out, bool json)
{
	struct ctl_list l = {out, (uint32_t)time(NULL), json, true};

	if (json)
		fputs("{\"bindings\":[", out);
	else
		fprintf(out, "%s\n", bt_fmt_header());
	bt_iterate(bcache_table(bc), ctl_list_one, &l);
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

static int
ctl_stats(struct bcache *bc, FILE *out, bool json)
{
	const struct bt *t = bcache_table(bc);
	bool huge;
	const char *path = bt_path(t, &huge);

	if (json)
		fprintf(out,
			"{\"bindings\":%u,\"capacity\":%u,\"cuckoo_moves\":%llu,"
			"\"shm\":\"%s\",\"hugetlbfs\":%s}\n",
			bt_count(t), bt_capacity(t), (unsigned long long)bt_moves(t), path,
			huge ? "true" : "false");
	else
		fprintf(out,
			"bindings      %u\ncapacity      %u\ncuckoo moves  %llu\nshm           %s "
			"(%s)\n",
			bt_count(t), bt_capacity(t), (unsigned long long)bt_moves(t), path,
			huge ? "hugetlbfs" : "4 KiB pages");
	return 0;
}

int
ctl_exec(struct bcache *bc, int argc, char **argv, FILE *out)
{
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
	if (strcmp(argv[0], "bc") == 0) {
		if (n == 1)
			return ctl_bc_list(bc, out, json);
		if (strcmp(argv[1], "add") == 0)
			return ctl_bc_add(bc, n - 2, argv + 2, out);
		if (strcmp(argv[1], "del") == 0)
			return ctl_bc_del(bc, n - 2, argv + 2, out);
	}
	if (strcmp(argv[0], "stats") == 0 && n == 1)
		return ctl_stats(bc, out, json);
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
ctl_serve(int lfd, struct bcache *bc)
{
	struct timeval tv = {.tv_sec = 1};
	char line[CTL_LINE_MAX], *argv[CTL_ARGS_MAX], *body = NULL;
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
	status = ctl_exec(bc, ctl_split(line, argv), argv, out);
	fclose(out);
	dprintf(fd, "%d\n%s", status, body);
	free(body);
	close(fd);
}
