/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The binding table: Home Address -> binding, in shared memory.
 *
 * One writer (the control plane), any number of lock-free readers in any
 * process (dataplane lcores, the CLI). A bucketized cuckoo hash (two candidate
 * buckets of 8 slots, 16-bit tags) maps the 128-bit HoA to a stable id;
 * entries[id] holds the binding under its own version counter (a seqlock).
 * Readers take no lock, register nowhere and make no system call: they check
 * the entry's version and that entries[id].hoa equals their key, so an id
 * reused after a delete is never misread, and re-read the table's change
 * counter before reporting a miss, so a key moved by cuckoo displacement is
 * never reported missing.
 */
#ifndef MIP6HA_BT_H
#define MIP6HA_BT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define BT_ABI		2
#define BT_BURST_MAX	64 /**< keys per bt_lookup_bulk() call */
#define BT_HA_ADDRS_MAX 16 /**< HA addresses a binding's ha_idx can name */
#define BT_CAPACITY_MAX (1u << 24)
#define BT_BUCKET_SLOTS 8

/** Binding flags: the BU flags the HA keeps (RFC 6275 §6.1.7). */
enum bt_flag {
	BT_F_ACK = 1u << 0,	  /**< A */
	BT_F_HOME = 1u << 1,	  /**< H: home registration */
	BT_F_LINKLOCAL = 1u << 2, /**< L: link-local address compatibility */
	BT_F_KEYMGMT = 1u << 3,	  /**< K */
};

/** A binding as readers see it. */
struct bt_binding {
	struct in6_addr hoa;
	struct in6_addr coa;
	uint32_t lifetime; /**< granted lifetime, seconds */
	uint32_t expiry;   /**< CLOCK_REALTIME seconds; survives restarts */
	uint16_t seq;	   /**< sequence number of the last accepted BU */
	uint8_t flags;	   /**< enum bt_flag */
	uint8_t ha_idx;	   /**< index into bt_ha_addr() */
	/** Reader copies only: the entry's version when copied (see bt_version()).
	 * bt_upsert() ignores it. */
	uint32_t version;
};

#define BT_ENTRY_BYTES 48 /**< shared entry size: part of the ABI */

struct bt;

/**
 * Create the shared table @p name-bindings, or adopt the one already there.
 *
 * @param capacity  the most bindings it will hold (1 .. BT_CAPACITY_MAX)
 * @param adopted   set to true when an existing table was adopted
 * @param err	    a message when NULL is returned
 * @return the writer handle, or NULL with errno set (EBUSY: another writer;
 *	   EEXIST/EPROTO: an incompatible object is in the way)
 */
struct bt *bt_create(const char *name, uint32_t capacity, bool *adopted, char *err, size_t errlen);

/** Map @p name-bindings read-only; NULL with errno and a message on mismatch. */
struct bt *bt_attach(const char *name, char *err, size_t errlen);

/** Unmap; the shared object stays. */
void bt_close(struct bt *t);

/** Remove the shared object of table @p name. */
void bt_destroy(const char *name);

/** @return the table size in bytes (the whole shared object). */
size_t bt_shm_bytes(uint32_t capacity);

/**
 * Insert or replace the binding for b->hoa (writer only).
 * @return its id (≥ 1), -ENOSPC when the table is full, -EINVAL for a bad key.
 */
int64_t bt_upsert(struct bt *t, const struct bt_binding *b);

/** Remove the binding for @p hoa (writer only). @return 0 or -ENOENT. */
int bt_delete(struct bt *t, const struct in6_addr *hoa);

/** Set HA address @p idx (writer only). */
int bt_set_ha_addr(struct bt *t, unsigned int idx, const struct in6_addr *addr);

/** HA address @p idx, as set by the writer. */
struct in6_addr bt_ha_addr(const struct bt *t, unsigned int idx);

/**
 * Look one HoA up.
 * @return the binding's id (≥ 1) with a consistent copy in @p out, or -ENOENT.
 */
int64_t bt_lookup(const struct bt *t, const struct in6_addr *hoa, struct bt_binding *out);

/**
 * Look up to BT_BURST_MAX HoAs up at once, prefetching every bucket of the
 * burst before touching any.
 * @param ids  per key: the id, or 0 on a miss (may be NULL)
 * @param out  per key: the binding when found (may be NULL)
 * @return a bit mask of the keys found (bit i for keys[i])
 */
uint64_t bt_lookup_bulk(const struct bt *t, const struct in6_addr *const *keys, unsigned int n,
			uint32_t *ids, struct bt_binding *out);

/** Base of the entry array, for bt_version(). */
const void *bt_entries(const struct bt *t);

/**
 * The version of entry @p id (1 .. capacity): it changes on every write to the
 * entry (upsert, delete, reuse of the id) and is odd while one is under way.
 * A reader that kept a copy of binding @p id (from bt_lookup() or
 * bt_lookup_bulk()) knows the copy is still the binding when this equals
 * copy.version: one load instead of a lookup.
 */
static inline uint32_t
bt_version(const void *entries, uint32_t id)
{
	const _Atomic uint32_t *v =
		(const _Atomic uint32_t *)(const void *)((const char *)entries +
							 (size_t)id * BT_ENTRY_BYTES);

	/* Pairs with the writer's release store of the even version. */
	return atomic_load_explicit(v, memory_order_acquire);
}

/** The insertion counter's address, for bt_insert_gen(). */
const void *bt_insert_gen_ptr(const struct bt *t);

/**
 * The table's insertion counter: it changes (never to 0) after every insertion
 * of a new HoA, not on updates or deletes. A reader that read it as G before
 * a lookup that missed knows the key is still missing while it is still G:
 * a negative answer it can keep without looking again.
 */
static inline uint32_t
bt_insert_gen(const void *gen_ptr)
{
	/* Pairs with the writer's release store after it published the key. */
	return atomic_load_explicit((const _Atomic uint32_t *)gen_ptr, memory_order_acquire);
}

/**
 * Call @p fn for each binding, in id order, with a consistent copy.
 * Stops early and returns @p fn's value when it is non-zero.
 */
int bt_iterate(const struct bt *t, int (*fn)(uint32_t id, const struct bt_binding *b, void *arg),
	       void *arg);

/** Bindings in the table now. */
/**
 * The binding with id @p id (ids are stable while the binding lives).
 * @return 0, -ENOENT when the id is free, -EAGAIN when it changed under a
 * reader (the writer never sees this).
 */
int bt_get(const struct bt *t, uint32_t id, struct bt_binding *out);

uint32_t bt_count(const struct bt *t);

/** The most bindings the table holds. */
uint32_t bt_capacity(const struct bt *t);

/** Cuckoo displacements done by the writer since creation (for tests and stats). */
uint64_t bt_moves(const struct bt *t);

/** Start of the shared mapping (tests check that a reader's is read-only). */
const void *bt_shm_base(const struct bt *t);

/** Path of the shared object backing @p t, and whether it is in hugetlbfs. */
const char *bt_path(const struct bt *t, bool *hugetlb);

#endif
