/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Shared-memory objects shared by the control plane and the dataplane.
 *
 * Every object starts with struct shm_hdr. The writer creates the object in
 * hugetlbfs when it is mounted (TLB reach at 1M bindings) and falls back to
 * /dev/shm; a reader maps it read-only and refuses it, with a message saying
 * why, when the header does not match what the reader was built for.
 */
#ifndef MIP6HA_SHM_H
#define MIP6HA_SHM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SHM_MAGIC 0x4148364d5049444dULL /* "MDIPM6HA" little-endian */

enum shm_kind {
	SHM_KIND_BINDINGS = 1,
	SHM_KIND_FIB = 2,
	SHM_KIND_STATS = 3,
};

/** The first bytes of every shared object. Written once by the creator. */
struct shm_hdr {
	uint64_t magic;
	uint32_t abi;	   /**< ABI version of this kind's layout */
	uint32_t kind;	   /**< enum shm_kind */
	uint64_t size;	   /**< bytes of the whole object */
	uint64_t capacity; /**< kind-specific: bindings, routes, ... */
	/* Set last with a release store once the object is initialised; a reader
	 * that loads 0 with acquire sees a half-built object and refuses it. */
	_Atomic uint32_t ready;
	uint32_t writer_pid;
};

/** A mapping of one shared object. */
struct shm_map {
	void *base;
	size_t size;
	int fd;
	int writable;
	int hugetlb; /**< 1 when backed by hugetlbfs */
	char path[256];
};

/**
 * Path of object @p name-@p suffix: in $MIP6HA_SHM_DIR when set, else the first
 * hugetlbfs mount when @p want_huge, else /dev/shm.
 */
int shm_path(char *buf, size_t len, const char *name, const char *suffix, int want_huge);

/**
 * Open or create a writable object and take its single-writer lock.
 *
 * Tries hugetlbfs first (size rounded up to the huge page), then /dev/shm.
 * An existing object is kept (the caller checks its header and adopts it or
 * refuses it); a new one is zero-filled.
 * @return 0, 1 when the object already existed, or -errno (-EBUSY: another
 *	   process holds the writer lock) with a message in @p err.
 */
int shm_open_writer(struct shm_map *m, const char *name, const char *suffix, size_t size, char *err,
		    size_t errlen);

/**
 * Map an existing object read-only (PROT_READ) and check its header.
 * @return 0 or -errno with a message in @p err naming the object and the mismatch.
 */
int shm_open_reader(struct shm_map *m, const char *name, const char *suffix, enum shm_kind kind,
		    uint32_t abi, char *err, size_t errlen);

/** Check a header against what the caller expects; message in @p err. */
int shm_hdr_check(const struct shm_hdr *h, size_t mapped, enum shm_kind kind, uint32_t abi,
		  char *err, size_t errlen);

void shm_close(struct shm_map *m);

/** Remove the object's file(s) from hugetlbfs and /dev/shm. */
void shm_unlink_all(const char *name, const char *suffix);

#endif
