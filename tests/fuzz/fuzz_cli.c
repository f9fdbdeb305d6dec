/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the control socket's request parser and commands
 * (control/ctl.c) on any request line, against a real binding table and fib
 * in shared memory (unlinked at once: nothing is left behind).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcache.h"
#include "conf.h"
#include "ctl.h"
#include "fib.h"
#include "shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct ctl_ctx cx;
static struct conf *conf; /* kept for the table's life */
static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char name[64], yaml[256], path[] = "/tmp/mip6ha-fuzz-XXXXXX", err[256];
	FILE *f;
	int fd;

	(void)argc;
	(void)argv;
	snprintf(name, sizeof(name), "mip6ha-fuzz-%d", (int)getpid());
	snprintf(yaml, sizeof(yaml),
		 "node: {role: ha}\nshm: {name: %s, max_bindings: 64}\n"
		 "home_agent: {interface: lo, addresses: [2001:db8::1/64], "
		 "home_prefixes: [2001:db8::/64]}\n",
		 name);
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL)
		abort();
	fputs(yaml, f);
	fclose(f);
	conf = conf_load(path, stderr);
	unlink(path);
	if (conf == NULL)
		abort();
	cx.bc = bcache_open(conf, err, sizeof(err));
	cx.fib = fib_create(name, 64, err, sizeof(err));
	if (cx.bc == NULL || cx.fib == NULL) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	shm_unlink_all(name, "bindings");
	shm_unlink_all(name, "fib");
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_LINE_MAX];

	if (size >= sizeof(line))
		size = sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	(void)ctl_request(&cx, line, devnull);
	return 0;
}
