/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding table. Layout of the shared object:
 *
 *   struct bt_shm (header, 4 KiB)
 *   struct bt_bucket[n_buckets]  64 bytes each: 8 tags, 8 ids
 *   struct bt_entry[capacity+1]  48 bytes each; id 0 is never used
 *
 * Memory ordering, single writer:
 * - An entry is written under its seqlock (version odd while written); a new
 *   entry is complete before its id is stored in a bucket with release.
 * - A cuckoo move copies a slot to its new bucket, then bumps change_cnt with
 *   release, and only then overwrites the old slot, as DPDK's rte_hash does in
 *   lock-free mode: a reader that saw the key in neither place saw the counter
 *   move and looks again.
 */
#include "bt.h"
#include "shm.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define BT_HDR_BYTES 4096u
#define BT_F_USED    0x80u /* entry holds a live binding; not a BU flag */
#define BT_BFS_MAX   2048u /* buckets a cuckoo search may visit */
#define BT_LOAD_NUM  100u  /* slots = capacity * BT_LOAD_NUM / BT_LOAD_DEN */
#define BT_LOAD_DEN  92u

struct bt_bucket {
	/* Slot i's 16-bit tag is bits 16*(i%4) of tags[i/4]: two loads match all 8. */
	_Atomic uint64_t tags[2];
	_Atomic uint32_t id[BT_BUCKET_SLOTS]; /* 0: empty */
	uint8_t pad[16];
} __attribute__((aligned(64)));

struct bt_entry {
	_Atomic uint32_t version; /* seqlock: odd while the writer writes */
	_Atomic uint32_t meta;	  /* flags | ha_idx << 8 | seq << 16 */
	_Atomic uint64_t hoa[2];
	_Atomic uint64_t coa[2];
	_Atomic uint32_t lifetime;
	_Atomic uint32_t expiry;
};

struct bt_shm {
	struct shm_hdr hdr;
	uint32_t n_buckets;
	uint32_t n_entries;
	uint64_t seed;
	uint64_t buckets_off;
	uint64_t entries_off;
	_Atomic uint64_t ha_addr[BT_HA_ADDRS_MAX][2];
	/* Written on every cuckoo move: its own cache line, away from the
	 * read-mostly fields above. */
	_Atomic uint32_t change_cnt __attribute__((aligned(64)));
	_Atomic uint32_t count;
	_Atomic uint64_t moves;
	/* Bumped after every insertion of a new HoA (never 0): see bt_insert_gen(). */
	_Atomic uint32_t ins_gen;
};

_Static_assert(sizeof(struct bt_bucket) == 64, "a bucket is one cache line");
_Static_assert(sizeof(struct bt_entry) == BT_ENTRY_BYTES, "entry layout is part of the ABI");
_Static_assert(offsetof(struct bt_entry, version) == 0, "bt_version() reads offset 0");
_Static_assert(sizeof(struct bt_shm) <= BT_HDR_BYTES, "header fits its page");

struct bt_slot {
	uint32_t bkt;
	uint32_t slot;
};

struct bt_bfs_node {
	uint32_t bkt;
	int32_t parent; /* index into the queue, -1 for a root */
	uint32_t slot;	/* slot in the parent bucket whose key moves here */
};

struct bt {
	struct shm_map map;
	struct bt_shm *s;
	struct bt_bucket *bkt;
	struct bt_entry *ent;
	uint32_t nb;
	uint32_t cap;
	uint64_t seed;
	/* Writer only. */
	uint32_t *free_ids;
	uint32_t n_free;
	struct bt_bfs_node *bfs;
};

/* ---- hashing ---- */

struct bt_key {
	uint64_t w[2];
};

static inline struct bt_key
bt_key_of(const struct in6_addr *a)
{
	struct bt_key k;

	memcpy(k.w, a, sizeof(k.w));
	return k;
}

static inline uint64_t
bt_hash(struct bt_key k, uint64_t seed)
{
	uint64_t h = ((k.w[0] ^ seed) * 0x9e3779b97f4a7c15ULL) ^
		     ((k.w[1] + seed) * 0xc2b2ae3d27d4eb4fULL);

	h ^= h >> 32;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return h;
}

/* Lemire's multiply-shift range reduction: any bucket count, no modulo. */
static inline uint32_t
bt_b1(uint64_t h, uint32_t nb)
{
	return (uint32_t)(((h & 0xffffffffULL) * nb) >> 32);
}

static inline uint32_t
bt_b2(uint64_t h, uint32_t nb)
{
	uint32_t b1 = bt_b1(h, nb), b2 = (uint32_t)(((h >> 32) * nb) >> 32);

	if (b2 == b1)
		b2 = b1 + 1 == nb ? 0 : b1 + 1;
	return b2;
}

/* Tag bits come from another multiply so they do not repeat the bucket bits. */
static inline uint16_t
bt_tag(uint64_t h)
{
	return (uint16_t)((h * 0xd6e8feb86659fd93ULL) >> 48);
}

/* ---- sizing ---- */

static uint32_t
bt_n_buckets(uint32_t capacity)
{
	uint64_t slots = ((uint64_t)capacity * BT_LOAD_NUM + BT_LOAD_DEN - 1) / BT_LOAD_DEN;
	uint64_t nb = (slots + BT_BUCKET_SLOTS - 1) / BT_BUCKET_SLOTS;

	return nb < 2 ? 2 : (uint32_t)nb;
}

size_t
bt_shm_bytes(uint32_t capacity)
{
	return BT_HDR_BYTES + (size_t)bt_n_buckets(capacity) * sizeof(struct bt_bucket) +
	       ((size_t)capacity + 1) * sizeof(struct bt_entry);
}

static void
bt_bind(struct bt *t)
{
	t->s = t->map.base;
	t->nb = t->s->n_buckets;
	t->cap = t->s->n_entries - 1;
	t->seed = t->s->seed;
	t->bkt = (struct bt_bucket *)((char *)t->map.base + t->s->buckets_off);
	t->ent = (struct bt_entry *)((char *)t->map.base + t->s->entries_off);
}

/* ---- entries (seqlock) ---- */

/*
 * Copy entry @p e. Returns false when the copy is not of a live binding with
 * key @p k. The loop retries only while the writer is inside this entry.
 */
static inline bool
bt_entry_read(const struct bt_entry *e, struct bt_key k, struct bt_binding *out)
{
	uint32_t v1, v2, meta, life, exp;
	uint64_t h0, h1, c0, c1;

	for (;;) {
		/* Pairs with the writer's release store of the even version. */
		v1 = atomic_load_explicit(&e->version, memory_order_acquire);
		if (v1 & 1u)
			continue;
		meta = atomic_load_explicit(&e->meta, memory_order_relaxed);
		h0 = atomic_load_explicit(&e->hoa[0], memory_order_relaxed);
		h1 = atomic_load_explicit(&e->hoa[1], memory_order_relaxed);
		c0 = atomic_load_explicit(&e->coa[0], memory_order_relaxed);
		c1 = atomic_load_explicit(&e->coa[1], memory_order_relaxed);
		life = atomic_load_explicit(&e->lifetime, memory_order_relaxed);
		exp = atomic_load_explicit(&e->expiry, memory_order_relaxed);
		/* Keeps the loads above before the version re-read (seqlock reader). */
		atomic_thread_fence(memory_order_acquire);
		v2 = atomic_load_explicit(&e->version, memory_order_relaxed);
		if (v1 == v2)
			break;
	}
	if (h0 != k.w[0] || h1 != k.w[1] || !(meta & BT_F_USED))
		return false;
	if (out != NULL) {
		memcpy(&out->hoa, &k, sizeof(out->hoa));
		memcpy(out->coa.s6_addr, &c0, 8);
		memcpy(out->coa.s6_addr + 8, &c1, 8);
		out->lifetime = life;
		out->expiry = exp;
		out->seq = (uint16_t)(meta >> 16);
		out->flags = (uint8_t)(meta & 0xffu & ~BT_F_USED);
		out->ha_idx = (uint8_t)(meta >> 8);
		out->version = v1;
	}
	return true;
}

static void
bt_entry_write(struct bt_entry *e, const struct bt_binding *b, uint32_t used)
{
	uint32_t v = atomic_load_explicit(&e->version, memory_order_relaxed);
	uint64_t w[2];

	atomic_store_explicit(&e->version, v + 1, memory_order_relaxed);
	/* Orders the odd version before the field stores (pairs with the reader's
	 * acquire fence before it re-reads the version). */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->meta,
			      (uint32_t)((b->flags & ~BT_F_USED) | used) |
				      ((uint32_t)b->ha_idx << 8) | ((uint32_t)b->seq << 16),
			      memory_order_relaxed);
	memcpy(w, &b->hoa, sizeof(w));
	atomic_store_explicit(&e->hoa[0], w[0], memory_order_relaxed);
	atomic_store_explicit(&e->hoa[1], w[1], memory_order_relaxed);
	memcpy(w, &b->coa, sizeof(w));
	atomic_store_explicit(&e->coa[0], w[0], memory_order_relaxed);
	atomic_store_explicit(&e->coa[1], w[1], memory_order_relaxed);
	atomic_store_explicit(&e->lifetime, b->lifetime, memory_order_relaxed);
	atomic_store_explicit(&e->expiry, b->expiry, memory_order_relaxed);
	/* Pairs with the reader's acquire load of the version. */
	atomic_store_explicit(&e->version, v + 2, memory_order_release);
}

/* ---- buckets ---- */

#if defined(__SSE2__)
/* Bit i set for each slot i of @p b whose tag equals @p tag: compare all eight
 * 16-bit tags at once (SSE2 is part of the x86-64 baseline). */
static inline uint32_t
bt_tag_match(const struct bt_bucket *b, uint16_t tag)
{
	__m128i tags =
		_mm_set_epi64x((long long)atomic_load_explicit(&b->tags[1], memory_order_relaxed),
			       (long long)atomic_load_explicit(&b->tags[0], memory_order_relaxed));
	__m128i eq = _mm_cmpeq_epi16(tags, _mm_set1_epi16((short)tag));

	return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(eq, _mm_setzero_si128())) & 0xffu;
}
#else
/* High bit of each 16-bit lane of @p x that is zero (exact, no false positives). */
static inline uint64_t
bt_zero_lanes(uint64_t x)
{
	const uint64_t lo15 = 0x7fff7fff7fff7fffULL;

	return ~(((x & lo15) + lo15) | x | lo15);
}

/* Gathers bits 15, 31, 47 and 63 of @p y into bits 0..3. */
static inline uint32_t
bt_lanes_to_mask(uint64_t y)
{
	return (uint32_t)((((y >> 15) * 0x0001000200040008ULL) >> 48) & 0xfu);
}

/* Bit i set for each slot i of @p b whose tag equals @p tag (portable SWAR). */
static inline uint32_t
bt_tag_match(const struct bt_bucket *b, uint16_t tag)
{
	uint64_t pat = tag * 0x0001000100010001ULL;
	uint64_t x0 = atomic_load_explicit(&b->tags[0], memory_order_relaxed) ^ pat;
	uint64_t x1 = atomic_load_explicit(&b->tags[1], memory_order_relaxed) ^ pat;

	return bt_lanes_to_mask(bt_zero_lanes(x0)) | bt_lanes_to_mask(bt_zero_lanes(x1)) << 4;
}
#endif

static inline uint16_t
bt_slot_tag(const struct bt_bucket *b, unsigned int i)
{
	return (uint16_t)(atomic_load_explicit(&b->tags[i / 4], memory_order_relaxed) >>
			  (16 * (i % 4)));
}

/* Look for @p k among the slots of bucket @p b whose tags match (@p mask). */
static inline uint32_t
bt_bucket_find(const struct bt *t, const struct bt_bucket *b, uint32_t mask, struct bt_key k,
	       struct bt_binding *out)
{
	while (mask != 0) {
		unsigned int i = (unsigned int)__builtin_ctz(mask);
		/* Pairs with the writer's release store of the id: the entry it
		 * names is complete. */
		uint32_t id = atomic_load_explicit(&b->id[i], memory_order_acquire);

		mask &= mask - 1;
		if (id != 0 && id <= t->cap && bt_entry_read(&t->ent[id], k, out))
			return id;
	}
	return 0;
}

static int64_t
bt_lookup_key(const struct bt *t, struct bt_key k, uint64_t h, struct bt_binding *out)
{
	const struct bt_bucket *p = &t->bkt[bt_b1(h, t->nb)];
	const struct bt_bucket *q = &t->bkt[bt_b2(h, t->nb)];
	uint16_t tag = bt_tag(h);
	uint32_t c1, c2, id;

	do {
		/* Pairs with the writer's release store of change_cnt after a move. */
		c1 = atomic_load_explicit(&t->s->change_cnt, memory_order_acquire);
		id = bt_bucket_find(t, p, bt_tag_match(p, tag), k, out);
		if (id == 0)
			id = bt_bucket_find(t, q, bt_tag_match(q, tag), k, out);
		if (id != 0)
			return id;
		/* Keeps the slot reads above before the counter re-read. */
		atomic_thread_fence(memory_order_acquire);
		c2 = atomic_load_explicit(&t->s->change_cnt, memory_order_relaxed);
	} while (c1 != c2);
	return -ENOENT;
}

int64_t
bt_lookup(const struct bt *t, const struct in6_addr *hoa, struct bt_binding *out)
{
	struct bt_key k = bt_key_of(hoa);

	return bt_lookup_key(t, k, bt_hash(k, t->seed), out);
}

static inline void
bt_prefetch(const void *p)
{
	__builtin_prefetch(p, 0, 3);
}

static inline void
bt_prefetch_entry(const struct bt *t, uint32_t id)
{
	const char *e = (const char *)&t->ent[id];

	/* 48-byte entries straddle a line boundary every other time. */
	bt_prefetch(e);
	bt_prefetch(e + sizeof(struct bt_entry) - 1);
}

/* The rest of a lookup after the first candidate of bucket 1 failed. */
static uint32_t
bt_lookup_rest(const struct bt *t, struct bt_key k, uint64_t h, uint32_t m1, struct bt_binding *out)
{
	const struct bt_bucket *q = &t->bkt[bt_b2(h, t->nb)];
	uint32_t id = 0;

	if (m1 & (m1 - 1))
		id = bt_bucket_find(t, &t->bkt[bt_b1(h, t->nb)], m1 & (m1 - 1), k, out);
	if (id == 0)
		id = bt_bucket_find(t, q, bt_tag_match(q, bt_tag(h)), k, out);
	return id;
}

uint64_t
bt_lookup_bulk(const struct bt *t, const struct in6_addr *const *keys, unsigned int n,
	       uint32_t *ids, struct bt_binding *out)
{
	struct bt_key k[BT_BURST_MAX];
	uint64_t h[BT_BURST_MAX], hits = 0, miss;
	uint32_t m1[BT_BURST_MAX], cand[BT_BURST_MAX], c1, c2, id;
	const struct bt_bucket *b[BT_BURST_MAX];
	unsigned int i;

	if (n > BT_BURST_MAX)
		n = BT_BURST_MAX;
	/* Pairs with the writer's release store of change_cnt after a move. */
	c1 = atomic_load_explicit(&t->s->change_cnt, memory_order_acquire);
	for (i = 0; i < n; i++) {
		k[i] = bt_key_of(keys[i]);
		h[i] = bt_hash(k[i], t->seed);
		b[i] = &t->bkt[bt_b1(h[i], t->nb)];
		bt_prefetch(b[i]);
		bt_prefetch(&t->bkt[bt_b2(h[i], t->nb)]);
	}
	for (i = 0; i < n; i++) {
		uint32_t m;

		m1[i] = bt_tag_match(b[i], bt_tag(h[i]));
		m = m1[i];
		if (m == 0) {
			b[i] = &t->bkt[bt_b2(h[i], t->nb)];
			m = bt_tag_match(b[i], bt_tag(h[i]));
		}
		cand[i] = 0;
		if (m != 0) {
			/* Pairs with the writer's release store of the id. */
			cand[i] = atomic_load_explicit(&b[i]->id[__builtin_ctz(m)],
						       memory_order_acquire);
			bt_prefetch_entry(t, cand[i]);
		}
	}
	for (i = 0; i < n; i++) {
		struct bt_binding *o = out != NULL ? &out[i] : NULL;

		id = cand[i];
		if (id == 0 || id > t->cap || !bt_entry_read(&t->ent[id], k[i], o))
			id = bt_lookup_rest(t, k[i], h[i], m1[i], o);
		hits |= (uint64_t)(id != 0) << i;
		if (ids != NULL)
			ids[i] = id;
	}
	miss = ~hits & (n == 64 ? ~0ULL : (1ULL << n) - 1);
	if (miss == 0)
		return hits;
	/* Keeps the slot reads above before the counter re-read. */
	atomic_thread_fence(memory_order_acquire);
	c2 = atomic_load_explicit(&t->s->change_cnt, memory_order_relaxed);
	if (c1 == c2)
		return hits;
	/* A key moved during the burst: look the misses up again, one by one. */
	for (; miss != 0; miss &= miss - 1) {
		unsigned int j = (unsigned int)__builtin_ctzll(miss);
		int64_t r = bt_lookup_key(t, k[j], h[j], out != NULL ? &out[j] : NULL);

		if (r > 0)
			hits |= 1ULL << j;
		if (ids != NULL)
			ids[j] = r > 0 ? (uint32_t)r : 0;
	}
	return hits;
}

const void *
bt_entries(const struct bt *t)
{
	return t->ent;
}

const void *
bt_insert_gen_ptr(const struct bt *t)
{
	return &t->s->ins_gen;
}

/* ---- writer ---- */

static bool
bt_find_slot(const struct bt *t, struct bt_key k, uint64_t h, struct bt_slot *where)
{
	uint32_t bk[2] = {bt_b1(h, t->nb), bt_b2(h, t->nb)};
	unsigned int j;

	for (j = 0; j < 2; j++) {
		uint32_t mask = bt_tag_match(&t->bkt[bk[j]], bt_tag(h));
		uint32_t id = bt_bucket_find(t, &t->bkt[bk[j]], mask, k, NULL);

		if (id != 0) {
			unsigned int i;

			for (i = 0; i < BT_BUCKET_SLOTS; i++)
				if (atomic_load_explicit(&t->bkt[bk[j]].id[i],
							 memory_order_relaxed) == id)
					break;
			where->bkt = bk[j];
			where->slot = i;
			return true;
		}
	}
	return false;
}

static int
bt_empty_slot(const struct bt_bucket *b)
{
	int i;

	for (i = 0; i < BT_BUCKET_SLOTS; i++)
		if (atomic_load_explicit(&b->id[i], memory_order_relaxed) == 0)
			return i;
	return -1;
}

static void
bt_slot_set(struct bt_bucket *b, unsigned int i, uint16_t tag, uint32_t id)
{
	unsigned int sh = 16 * (i % 4);
	uint64_t w = atomic_load_explicit(&b->tags[i / 4], memory_order_relaxed);

	/* Single writer: a plain read-modify-write of the word is enough. */
	w = (w & ~(0xffffULL << sh)) | (uint64_t)tag << sh;
	atomic_store_explicit(&b->tags[i / 4], w, memory_order_relaxed);
	/* Pairs with the reader's acquire load of the id. */
	atomic_store_explicit(&b->id[i], id, memory_order_release);
}

/* The bucket that key in slot @p i of bucket @p bkt would move to. */
static uint32_t
bt_alt_bucket(const struct bt *t, uint32_t bkt, unsigned int i)
{
	uint32_t id = atomic_load_explicit(&t->bkt[bkt].id[i], memory_order_relaxed);
	const struct bt_entry *e = &t->ent[id];
	struct bt_key k = {{atomic_load_explicit(&e->hoa[0], memory_order_relaxed),
			    atomic_load_explicit(&e->hoa[1], memory_order_relaxed)}};
	uint64_t h = bt_hash(k, t->seed);
	uint32_t b1 = bt_b1(h, t->nb);

	return b1 == bkt ? bt_b2(h, t->nb) : b1;
}

/* Move keys along the BFS path ending in node @p last, whose bucket has a free slot. */
static struct bt_slot
bt_shift_path(struct bt *t, int32_t last, int free_slot)
{
	int32_t n = last;
	unsigned int dst_slot = (unsigned int)free_slot;

	while (t->bfs[n].parent >= 0) {
		const struct bt_bfs_node *node = &t->bfs[n];
		struct bt_bucket *src = &t->bkt[t->bfs[node->parent].bkt];
		struct bt_bucket *dst = &t->bkt[node->bkt];

		bt_slot_set(dst, dst_slot, bt_slot_tag(src, node->slot),
			    atomic_load_explicit(&src->id[node->slot], memory_order_relaxed));
		/* The key is now in both buckets. Tell readers before its old slot
		 * is reused: pairs with their acquire loads of change_cnt. */
		atomic_store_explicit(
			&t->s->change_cnt,
			atomic_load_explicit(&t->s->change_cnt, memory_order_relaxed) + 1,
			memory_order_release);
		/* Keeps the next slot store after the counter store. */
		atomic_thread_fence(memory_order_release);
		atomic_store_explicit(&t->s->moves,
				      atomic_load_explicit(&t->s->moves, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		dst_slot = node->slot;
		n = node->parent;
	}
	return (struct bt_slot){t->bfs[n].bkt, dst_slot};
}

/* A path that visits a bucket twice would move one slot twice: refuse it. */
static bool
bt_on_path(const struct bt *t, int32_t n, uint32_t bkt)
{
	for (; n >= 0; n = t->bfs[n].parent)
		if (t->bfs[n].bkt == bkt)
			return true;
	return false;
}

/*
 * Breadth-first search for the shortest cuckoo path from one of @p roots to a
 * bucket with a free slot; shifts the keys along it and returns the slot it
 * freed in a root bucket.
 */
static int
bt_make_room(struct bt *t, const uint32_t roots[2], struct bt_slot *where)
{
	uint32_t head = 0, tail = 0;

	t->bfs[tail++] = (struct bt_bfs_node){roots[0], -1, 0};
	t->bfs[tail++] = (struct bt_bfs_node){roots[1], -1, 0};
	while (head < tail) {
		uint32_t cur = head++;
		unsigned int i;

		for (i = 0; i < BT_BUCKET_SLOTS && tail < BT_BFS_MAX; i++) {
			uint32_t alt = bt_alt_bucket(t, t->bfs[cur].bkt, i);
			int free_slot;

			if (bt_on_path(t, (int32_t)cur, alt))
				continue;
			free_slot = bt_empty_slot(&t->bkt[alt]);
			t->bfs[tail] = (struct bt_bfs_node){alt, (int32_t)cur, i};
			if (free_slot >= 0) {
				*where = bt_shift_path(t, (int32_t)tail, free_slot);
				return 0;
			}
			tail++;
		}
	}
	return -ENOSPC;
}

static int
bt_place(struct bt *t, uint64_t h, uint32_t id)
{
	uint32_t roots[2] = {bt_b1(h, t->nb), bt_b2(h, t->nb)};
	struct bt_slot where;
	unsigned int j;

	for (j = 0; j < 2; j++) {
		int i = bt_empty_slot(&t->bkt[roots[j]]);

		if (i >= 0) {
			bt_slot_set(&t->bkt[roots[j]], (unsigned int)i, bt_tag(h), id);
			return 0;
		}
	}
	if (bt_make_room(t, roots, &where) != 0)
		return -ENOSPC;
	bt_slot_set(&t->bkt[where.bkt], where.slot, bt_tag(h), id);
	return 0;
}

int64_t
bt_upsert(struct bt *t, const struct bt_binding *b)
{
	struct bt_key k = bt_key_of(&b->hoa);
	uint64_t h = bt_hash(k, t->seed);
	struct bt_slot where;
	uint32_t id, gen;

	if (t->free_ids == NULL)
		return -EPERM;
	if (bt_find_slot(t, k, h, &where)) {
		id = atomic_load_explicit(&t->bkt[where.bkt].id[where.slot], memory_order_relaxed);
		bt_entry_write(&t->ent[id], b, BT_F_USED);
		return id;
	}
	if (t->n_free == 0)
		return -ENOSPC;
	id = t->free_ids[--t->n_free];
	/* The entry is complete before bt_place() publishes its id. */
	bt_entry_write(&t->ent[id], b, BT_F_USED);
	if (bt_place(t, h, id) != 0) {
		bt_entry_write(&t->ent[id], b, 0);
		t->free_ids[t->n_free++] = id;
		return -ENOSPC;
	}
	atomic_store_explicit(&t->s->count,
			      atomic_load_explicit(&t->s->count, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	gen = atomic_load_explicit(&t->s->ins_gen, memory_order_relaxed) + 1;
	/* After the slot's release store above: a reader that sees the new value
	 * finds the new key (pairs with the acquire load in bt_insert_gen()). */
	atomic_store_explicit(&t->s->ins_gen, gen == 0 ? 1 : gen, memory_order_release);
	return id;
}

int
bt_delete(struct bt *t, const struct in6_addr *hoa)
{
	struct bt_key k = bt_key_of(hoa);
	uint64_t h = bt_hash(k, t->seed);
	struct bt_binding old;
	struct bt_slot where;
	uint32_t id;

	if (t->free_ids == NULL)
		return -EPERM;
	if (!bt_find_slot(t, k, h, &where))
		return -ENOENT;
	id = atomic_load_explicit(&t->bkt[where.bkt].id[where.slot], memory_order_relaxed);
	bt_slot_set(&t->bkt[where.bkt], where.slot, 0, 0);
	/* A reader still holding the id sees the entry no longer used (or, once
	 * reused, holding another key) and never returns it for this HoA. */
	bt_entry_read(&t->ent[id], k, &old);
	bt_entry_write(&t->ent[id], &old, 0);
	t->free_ids[t->n_free++] = id;
	atomic_store_explicit(&t->s->count,
			      atomic_load_explicit(&t->s->count, memory_order_relaxed) - 1,
			      memory_order_relaxed);
	return 0;
}

int
bt_set_ha_addr(struct bt *t, unsigned int idx, const struct in6_addr *addr)
{
	uint64_t w[2];

	if (idx >= BT_HA_ADDRS_MAX || t->free_ids == NULL)
		return -EINVAL;
	memcpy(w, addr, sizeof(w));
	atomic_store_explicit(&t->s->ha_addr[idx][0], w[0], memory_order_relaxed);
	atomic_store_explicit(&t->s->ha_addr[idx][1], w[1], memory_order_relaxed);
	return 0;
}

struct in6_addr
bt_ha_addr(const struct bt *t, unsigned int idx)
{
	struct in6_addr a;
	uint64_t w[2] = {0, 0};

	if (idx < BT_HA_ADDRS_MAX) {
		w[0] = atomic_load_explicit(&t->s->ha_addr[idx][0], memory_order_relaxed);
		w[1] = atomic_load_explicit(&t->s->ha_addr[idx][1], memory_order_relaxed);
	}
	memcpy(&a, w, sizeof(a));
	return a;
}

/* ---- create, adopt, attach ---- */

static void
bt_init_shm(struct bt *t, uint32_t capacity)
{
	struct bt_shm *s = t->map.base;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	s->hdr.magic = SHM_MAGIC;
	s->hdr.abi = BT_ABI;
	s->hdr.kind = SHM_KIND_BINDINGS;
	s->hdr.size = t->map.size;
	s->hdr.capacity = capacity;
	s->n_buckets = bt_n_buckets(capacity);
	s->n_entries = capacity + 1;
	/* A per-table seed: HoAs chosen by others cannot be aimed at one bucket. */
	s->seed = ((uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 16) *
		  0x9e3779b97f4a7c15ULL;
	atomic_store_explicit(&s->ins_gen, 1, memory_order_relaxed);
	s->buckets_off = BT_HDR_BYTES;
	s->entries_off = BT_HDR_BYTES + (uint64_t)s->n_buckets * sizeof(struct bt_bucket);
}

/* Rebuild the writer's free-id stack from the entries in use. */
static int
bt_writer_init(struct bt *t)
{
	uint32_t id, used = 0;

	t->free_ids = malloc(sizeof(*t->free_ids) * t->cap);
	t->bfs = malloc(sizeof(*t->bfs) * BT_BFS_MAX);
	if (t->free_ids == NULL || t->bfs == NULL)
		return -ENOMEM;
	t->n_free = 0;
	/* Highest ids first on the stack's bottom: new bindings get low ids. */
	for (id = t->cap; id >= 1; id--) {
		if (atomic_load_explicit(&t->ent[id].meta, memory_order_relaxed) & BT_F_USED)
			used++;
		else
			t->free_ids[t->n_free++] = id;
	}
	atomic_store_explicit(&t->s->count, used, memory_order_relaxed);
	return 0;
}

static struct bt *
bt_fail(struct bt *t, int err)
{
	if (t != NULL) {
		free(t->free_ids);
		free(t->bfs);
		shm_close(&t->map);
		free(t);
	}
	errno = err;
	return NULL;
}

struct bt *
bt_create(const char *name, uint32_t capacity, bool *adopted, char *err, size_t errlen)
{
	struct bt *t;
	char msg[200];
	int rc;

	if (capacity == 0 || capacity > BT_CAPACITY_MAX) {
		snprintf(err, errlen, "capacity %u out of range 1..%u", capacity, BT_CAPACITY_MAX);
		return bt_fail(NULL, EINVAL);
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return bt_fail(NULL, ENOMEM);
	rc = shm_open_writer(&t->map, name, "bindings", bt_shm_bytes(capacity), err, errlen);
	if (rc < 0)
		return bt_fail(t, -rc);
	*adopted = rc == 1;
	if (*adopted) {
		const struct bt_shm *s = t->map.base;

		rc = shm_hdr_check(&s->hdr, t->map.size, SHM_KIND_BINDINGS, BT_ABI, msg,
				   sizeof(msg));
		if (rc == 0 && s->hdr.capacity != capacity) {
			snprintf(msg, sizeof(msg), "capacity %llu, configured %u",
				 (unsigned long long)s->hdr.capacity, capacity);
			rc = -EEXIST;
		}
		if (rc != 0) {
			snprintf(err, errlen,
				 "%s: cannot adopt: %s; stop every process and remove it",
				 t->map.path, msg);
			return bt_fail(t, -rc);
		}
	} else {
		bt_init_shm(t, capacity);
	}
	bt_bind(t);
	if (bt_writer_init(t) != 0)
		return bt_fail(t, ENOMEM);
	t->s->hdr.writer_pid = (uint32_t)getpid();
	/* Pairs with the reader's acquire load in shm_hdr_check(). */
	atomic_store_explicit(&t->s->hdr.ready, 1, memory_order_release);
	return t;
}

struct bt *
bt_attach(const char *name, char *err, size_t errlen)
{
	struct bt *t = calloc(1, sizeof(*t));
	const struct bt_shm *s;
	int rc;

	if (t == NULL)
		return bt_fail(NULL, ENOMEM);
	rc = shm_open_reader(&t->map, name, "bindings", SHM_KIND_BINDINGS, BT_ABI, err, errlen);
	if (rc != 0)
		return bt_fail(t, -rc);
	s = t->map.base;
	/* Never trust offsets from shared memory further than the mapping. */
	if (s->n_entries == 0 || s->n_buckets < 2 ||
	    s->buckets_off + (uint64_t)s->n_buckets * sizeof(struct bt_bucket) > s->entries_off ||
	    s->entries_off + (uint64_t)s->n_entries * sizeof(struct bt_entry) > t->map.size) {
		snprintf(err, errlen, "%s: inconsistent table geometry", t->map.path);
		return bt_fail(t, EPROTO);
	}
	bt_bind(t);
	return t;
}

void
bt_close(struct bt *t)
{
	if (t != NULL)
		bt_fail(t, errno);
}

void
bt_destroy(const char *name)
{
	shm_unlink_all(name, "bindings");
}

int
bt_iterate(const struct bt *t, int (*fn)(uint32_t id, const struct bt_binding *b, void *arg),
	   void *arg)
{
	uint32_t id;

	for (id = 1; id <= t->cap; id++) {
		const struct bt_entry *e = &t->ent[id];
		struct bt_key k;
		struct bt_binding b;
		int rc;

		if (!(atomic_load_explicit(&e->meta, memory_order_relaxed) & BT_F_USED))
			continue;
		k.w[0] = atomic_load_explicit(&e->hoa[0], memory_order_relaxed);
		k.w[1] = atomic_load_explicit(&e->hoa[1], memory_order_relaxed);
		if (!bt_entry_read(e, k, &b))
			continue; /* changed under us: skip, as a later snapshot would */
		rc = fn(id, &b, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
bt_get(const struct bt *t, uint32_t id, struct bt_binding *out)
{
	const struct bt_entry *e;
	struct bt_key k;

	if (id == 0 || id > t->cap)
		return -ENOENT;
	e = &t->ent[id];
	if (!(atomic_load_explicit(&e->meta, memory_order_relaxed) & BT_F_USED))
		return -ENOENT;
	k.w[0] = atomic_load_explicit(&e->hoa[0], memory_order_relaxed);
	k.w[1] = atomic_load_explicit(&e->hoa[1], memory_order_relaxed);
	return bt_entry_read(e, k, out) ? 0 : -EAGAIN;
}

uint32_t
bt_count(const struct bt *t)
{
	return atomic_load_explicit(&t->s->count, memory_order_relaxed);
}

uint32_t
bt_capacity(const struct bt *t)
{
	return t->cap;
}

uint64_t
bt_moves(const struct bt *t)
{
	return atomic_load_explicit(&t->s->moves, memory_order_relaxed);
}

const void *
bt_shm_base(const struct bt *t)
{
	return t->map.base;
}

const char *
bt_path(const struct bt *t, bool *hugetlb)
{
	if (hugetlb != NULL)
		*hugetlb = t->map.hugetlb;
	return t->map.path;
}
