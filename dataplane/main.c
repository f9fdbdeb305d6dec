/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mip6ha-dp: the DPDK dataplane. For now it validates its configuration and
 * attaches to the shared binding table read-only, as its workers will.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_version.h>

#include "bt.h"
#include "bt_fmt.h"
#include "conf.h"
#include "mip6ha_version.h"

#define DP_DEFAULT_CONFIG "/etc/mip6ha/mip6ha.yaml"
#define EXIT_CONFIG	  2

static const char dp_usage[] =
	"Usage: mip6ha-dp [-c FILE] [--show-bindings [--json]]\n"
	"       mip6ha-dp -n FILE\n"
	"\n"
	"The mip6ha dataplane: a DPDK poll-mode worker that tunnels traffic for bound\n"
	"Home Addresses (RFC 2473) using the binding table that mip6ha-cp writes in\n"
	"shared memory, which it maps read-only.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE        configuration (default " DP_DEFAULT_CONFIG ")\n"
	"  -n, --check-config FILE  check FILE, print \"FILE: OK\" or every error, and exit\n"
	"  -b, --show-bindings      attach to the binding table read-only, print it, exit\n"
	"  -j, --json               with --show-bindings: JSON output\n"
	"  -h, --help               print this help and exit\n"
	"  -V, --version            print the version (and DPDK's) and exit\n"
	"\n"
	"Exit status: 0 success, 1 runtime error, 2 usage or configuration error.\n"
	"Packet forwarding is not implemented yet: see README, \"Not implemented yet\".\n";

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

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", required_argument, NULL, 'n'},
		{"show-bindings", no_argument, NULL, 'b'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *path = DP_DEFAULT_CONFIG, *check = NULL;
	bool show = false, json = false;
	struct conf *c;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:n:bjhV", opts, NULL)) != -1) {
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
	if (check != NULL) {
		printf("%s: OK\n", check);
		rc = 0;
	} else if (show) {
		rc = dp_show_bindings(c, json);
	} else {
		fputs("mip6ha-dp: packet forwarding is not implemented yet; "
		      "use --show-bindings to read the binding table\n",
		      stderr);
		rc = 1;
	}
	conf_free(c);
	return rc;
}
