/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the YAML configuration loader (config/conf.c, libyaml) on any
 * file; what it accepts must print and load again to an equal struct.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* A file holding @p size bytes of @p data: a memfd, named through /proc. */
static int
write_file(const void *data, size_t size, char *path, size_t cap)
{
	int fd = memfd_create("mip6ha-fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], path2[64], *text = NULL;
	size_t tlen = 0;
	struct conf *c, *again;
	FILE *out;
	int fd, fd2;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	fd = write_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	c = conf_load(path, devnull);
	close(fd);
	if (c == NULL)
		return 0;
	out = open_memstream(&text, &tlen);
	conf_print(c, out);
	fclose(out);
	fd2 = write_file(text, tlen, path2, sizeof(path2));
	again = fd2 >= 0 ? conf_load(path2, devnull) : NULL;
	if (fd2 >= 0)
		close(fd2);
	if (again == NULL || !conf_equal(c, again))
		__builtin_trap(); /* print and load disagree */
	conf_free(again);
	conf_free(c);
	free(text);
	return 0;
}
