/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mip6ha: the command line. Sends one command to mip6ha-cp's control socket
 * and prints the answer; exits with the command's status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf.h"
#include "ctl.h"
#include "mip6ha_version.h"

#define CLI_DEFAULT_SOCKET "/run/mip6ha/mip6ha.sock"

static const char cli_usage[] =
	"Usage: mip6ha [-s SOCKET | -c CONFIG] COMMAND... [--json]\n"
	"\n"
	"Talk to a running mip6ha-cp over its control socket (default\n" CLI_DEFAULT_SOCKET
	", or the control.socket of CONFIG).\n"
	"\n"
	"Commands:\n" CTL_COMMANDS "  help                       the daemon's command list\n"
	"\n"
	"Options:\n"
	"  -s SOCKET   control socket path\n"
	"  -c CONFIG   read the socket path from this configuration\n"
	"  --json      machine-readable output\n"
	"  -h, --help  this help;  -V, --version  the version\n"
	"\n"
	"Exit status: the command's (0 success, 1 failed, 2 usage), 3 when the daemon\n"
	"cannot be reached.\n";

static int
cli_connect(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "mip6ha: %s: socket path too long\n", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "mip6ha: %s: %s (is mip6ha-cp running?)\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Print the reply after its status line; @return that status. */
static int
cli_reply(int fd)
{
	char buf[4096];
	int status = -1, in_body = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		char *p = buf;
		size_t len = (size_t)r;

		if (!in_body) {
			char *nl = memchr(buf, '\n', len);

			if (nl == NULL)
				break;
			status = atoi(buf);
			in_body = 1;
			len -= (size_t)(nl + 1 - buf);
			p = nl + 1;
		}
		fwrite(p, 1, len, stdout);
	}
	if (status < 0) {
		fputs("mip6ha: no answer from mip6ha-cp\n", stderr);
		return 3;
	}
	return status;
}

static int
cli_send(const char *sock, int argc, char **argv)
{
	char line[CTL_LINE_MAX];
	size_t len = 0;
	int fd, i, n;

	for (i = 0; i < argc; i++) {
		n = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fputs("mip6ha: command too long\n", stderr);
			return 2;
		}
		len += (size_t)n;
	}
	line[len++] = '\n';
	fd = cli_connect(sock);
	if (fd < 0)
		return 3;
	if (write(fd, line, len) != (ssize_t)len) {
		perror("mip6ha: write");
		close(fd);
		return 3;
	}
	shutdown(fd, SHUT_WR);
	n = cli_reply(fd);
	close(fd);
	return n;
}

int
main(int argc, char **argv)
{
	char sock[CONF_PATH_MAX] = CLI_DEFAULT_SOCKET;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--json") != 0; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(cli_usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("mip6ha %s\n", MIP6HA_VERSION);
			return 0;
		}
		if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "-c")) && i + 1 < argc) {
			if (argv[i][1] == 's') {
				snprintf(sock, sizeof(sock), "%s", argv[++i]);
			} else {
				struct conf *c = conf_load(argv[++i], stderr);

				if (c == NULL)
					return 2;
				snprintf(sock, sizeof(sock), "%s", c->control.socket);
				conf_free(c);
			}
			continue;
		}
		fprintf(stderr, "mip6ha: bad option \"%s\"\n%s", argv[i], cli_usage);
		return 2;
	}
	if (i == argc) {
		fputs(cli_usage, stderr);
		return 2;
	}
	return cli_send(sock, argc - i, argv + i);
}
