/* SPDX-License-Identifier: BSD-3-Clause */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHM_HUGE_PAGE (2u << 20)

static int
shm_hugetlbfs_dir(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/mounts", "r");
	struct mntent *me;
	int found = 0;

	if (f == NULL)
		return 0;
	while ((me = getmntent(f)) != NULL) {
		/* Only the default 2 MiB size: sizes are rounded to it below. */
		if (strcmp(me->mnt_type, "hugetlbfs") != 0 || strstr(me->mnt_opts, "pagesize=1G"))
			continue;
		if (access(me->mnt_dir, W_OK | X_OK) != 0)
			continue;
		snprintf(buf, len, "%s", me->mnt_dir);
		found = 1;
		break;
	}
	endmntent(f);
	return found;
}

int
shm_path(char *buf, size_t len, const char *name, const char *suffix, int want_huge)
{
	char dir[200] = "/dev/shm";
	const char *env = getenv("MIP6HA_SHM_DIR");
	int n;

	if (env != NULL && env[0] != '\0')
		snprintf(dir, sizeof(dir), "%s", env);
	else if (want_huge && !shm_hugetlbfs_dir(dir, sizeof(dir)))
		return -ENOENT;
	n = snprintf(buf, len, "%s/%s-%s", dir, name, suffix);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int
shm_try_map(struct shm_map *m, const char *path, size_t size, int hugetlb, char *err, size_t errlen)
{
	struct stat st;
	int existed, rc;

	m->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (m->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (flock(m->fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		snprintf(err, errlen, "%s: another writer holds this object (%s)", path,
			 rc == -EBUSY ? "is another instance running?" : strerror(-rc));
		goto fail;
	}
	if (fstat(m->fd, &st) != 0)
		goto fail_errno;
	existed = st.st_size > 0;
	if (existed && (size_t)st.st_size != size) {
		rc = -EEXIST;
		snprintf(err, errlen,
			 "%s: existing object is %lld bytes, this configuration needs %zu "
			 "(capacity changed?); stop every process and remove it",
			 path, (long long)st.st_size, size);
		goto fail;
	}
	if (!existed && ftruncate(m->fd, (off_t)size) != 0)
		goto fail_errno;
	/* MAP_SHARED on hugetlbfs reserves the pages now: ENOMEM here, not SIGBUS later. */
	m->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED)
		goto fail_errno;
	m->size = size;
	m->writable = 1;
	m->hugetlb = hugetlb;
	snprintf(m->path, sizeof(m->path), "%s", path);
	return existed;
fail_errno:
	rc = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
fail:
	close(m->fd);
	m->fd = -1;
	return rc;
}

int
shm_open_writer(struct shm_map *m, const char *name, const char *suffix, size_t size, char *err,
		size_t errlen)
{
	char path[256], other[256];
	int rc;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (getenv("MIP6HA_SHM_DIR") == NULL &&
	    shm_path(path, sizeof(path), name, suffix, 1) == 0) {
		size_t hsize = (size + SHM_HUGE_PAGE - 1) & ~(size_t)(SHM_HUGE_PAGE - 1);
		struct stat st;

		/* An object already in /dev/shm is adopted there, not duplicated. */
		if (shm_path(other, sizeof(other), name, suffix, 0) == 0 && stat(other, &st) != 0) {
			rc = shm_try_map(m, path, hsize, 1, err, errlen);
			if (rc >= 0 || rc == -EBUSY || rc == -EEXIST)
				return rc;
			/* Not enough huge pages: fall back, leaving no empty file behind. */
			if (rc == -ENOMEM || rc == -EINVAL)
				unlink(path);
		}
	}
	rc = shm_path(path, sizeof(path), name, suffix, 0);
	if (rc < 0) {
		snprintf(err, errlen, "%s-%s: path too long", name, suffix);
		return rc;
	}
	return shm_try_map(m, path, size, 0, err, errlen);
}

int
shm_hdr_check(const struct shm_hdr *h, size_t mapped, enum shm_kind kind, uint32_t abi, char *err,
	      size_t errlen)
{
	if (mapped < sizeof(*h)) {
		snprintf(err, errlen, "object too small (%zu bytes)", mapped);
		return -EPROTO;
	}
	if (h->magic != SHM_MAGIC) {
		snprintf(err, errlen, "not a mip6ha object (bad magic 0x%016llx)",
			 (unsigned long long)h->magic);
		return -EPROTO;
	}
	if (h->kind != (uint32_t)kind) {
		snprintf(err, errlen, "object kind %u, expected %u", h->kind, (unsigned)kind);
		return -EPROTO;
	}
	if (h->abi != abi) {
		snprintf(err, errlen,
			 "ABI version %u, this binary speaks %u: run matching versions of "
			 "mip6ha-cp and mip6ha-dp",
			 h->abi, abi);
		return -EPROTO;
	}
	if (h->size > mapped) {
		snprintf(err, errlen, "header says %llu bytes, only %zu mapped",
			 (unsigned long long)h->size, mapped);
		return -EPROTO;
	}
	/* Pairs with the creator's release store of ready after initialisation. */
	if (atomic_load_explicit(&h->ready, memory_order_acquire) != 1) {
		snprintf(err, errlen, "object is not initialised yet");
		return -EAGAIN;
	}
	return 0;
}

static int
shm_map_ro(struct shm_map *m, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int rc;

	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	if (fstat(m->fd, &st) != 0 || st.st_size <= 0) {
		rc = st.st_size <= 0 ? -EPROTO : -errno;
		snprintf(err, errlen, "%s: empty or unreadable object", path);
		goto fail;
	}
	m->base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		rc = -errno;
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		goto fail;
	}
	m->size = (size_t)st.st_size;
	snprintf(m->path, sizeof(m->path), "%s", path);
	return 0;
fail:
	close(m->fd);
	m->fd = -1;
	return rc;
}

int
shm_open_reader(struct shm_map *m, const char *name, const char *suffix, enum shm_kind kind,
		uint32_t abi, char *err, size_t errlen)
{
	char path[256], msg[200];
	int rc = -ENOENT, huge;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	for (huge = 1; huge >= 0; huge--) {
		if (shm_path(path, sizeof(path), name, suffix, huge) != 0)
			continue;
		rc = shm_map_ro(m, path, err, errlen);
		if (rc == 0)
			break;
		if (rc != -ENOENT)
			return rc;
	}
	if (rc == -ENOENT) {
		snprintf(err, errlen, "%s-%s: no such shared object (is mip6ha-cp running?)", name,
			 suffix);
		return rc;
	}
	m->hugetlb = huge;
	rc = shm_hdr_check(m->base, m->size, kind, abi, msg, sizeof(msg));
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", m->path, msg);
		shm_close(m);
	}
	return rc;
}

void
shm_close(struct shm_map *m)
{
	if (m->base != NULL && m->base != MAP_FAILED)
		munmap(m->base, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->base = NULL;
	m->fd = -1;
}

void
shm_unlink_all(const char *name, const char *suffix)
{
	char path[256];
	int huge;

	for (huge = 1; huge >= 0; huge--)
		if (shm_path(path, sizeof(path), name, suffix, huge) == 0)
			unlink(path);
}
