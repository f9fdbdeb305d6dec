/* SPDX-License-Identifier: BSD-3-Clause */
#include "bcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "wheel.h"

struct bcache {
	struct bt *bt;
	struct wheel *wheel;
	bool adopted;
	uint32_t max_lifetime;
	bcache_hook_fn *hook;
	void *hook_arg;
	uint32_t replay_next; /* the next id bcache_replay_step() visits; 0: none */
};

static int
bcache_arm(uint32_t id, const struct bt_binding *b, void *arg)
{
	struct bcache *bc = arg;

	wheel_set(bc->wheel, id, b->expiry);
	return 0;
}

struct bcache *
bcache_open(const struct conf *c, char *err, size_t errlen)
{
	struct bcache *bc = calloc(1, sizeof(*bc));
	size_t i;

	if (bc == NULL)
		return NULL;
	bc->bt = bt_create(c->shm.name, c->shm.max_bindings, &bc->adopted, err, errlen);
	if (bc->bt == NULL) {
		free(bc);
		return NULL;
	}
	/* A second in the past: what is already due fires at the first tick. */
	bc->wheel = wheel_new(bt_capacity(bc->bt), (uint32_t)time(NULL) - 1);
	if (bc->wheel == NULL) {
		snprintf(err, errlen, "timers for %u bindings: out of memory", bt_capacity(bc->bt));
		bt_close(bc->bt);
		free(bc);
		return NULL;
	}
	bc->max_lifetime = c->home_agent.max_binding_lifetime;
	/* ha_idx 0 is the first configured HA address: the outer source of tunnels. */
	for (i = 0; i < c->home_agent.n_addresses && i < BT_HA_ADDRS_MAX; i++)
		bt_set_ha_addr(bc->bt, (unsigned int)i, &c->home_agent.addresses[i].addr);
	/* Adoption: every binding's timer from its absolute expiry; those that
	 * ran out while nobody watched go at the first tick. */
	bt_iterate(bc->bt, bcache_arm, bc);
	return bc;
}

void
bcache_close(struct bcache *bc)
{
	if (bc == NULL)
		return;
	wheel_free(bc->wheel);
	bt_close(bc->bt);
	free(bc);
}

void
bcache_set_hook(struct bcache *bc, bcache_hook_fn *fn, void *arg)
{
	bc->hook = fn;
	bc->hook_arg = arg;
}

static void
bcache_tell(struct bcache *bc, enum bcache_event ev, uint32_t id, const struct bt_binding *b)
{
	if (bc->hook != NULL)
		bc->hook(bc->hook_arg, ev, id, b);
}

void
bcache_replay(struct bcache *bc)
{
	bc->replay_next = 1;
}

bool
bcache_replay_step(struct bcache *bc, unsigned int budget)
{
	uint32_t cap = bt_capacity(bc->bt), visits = budget * 16;
	struct bt_binding b;

	/* Ids are visited in order: a binding written meanwhile had its own
	 * event; one deleted meanwhile is simply not found. */
	while (bc->replay_next != 0 && budget > 0 && visits-- > 0) {
		uint32_t id = bc->replay_next;

		bc->replay_next = id < cap ? id + 1 : 0;
		if (bt_get(bc->bt, id, &b) == 0) {
			bcache_tell(bc, BCACHE_ADOPT, id, &b);
			budget--;
		}
	}
	return bc->replay_next != 0;
}

int64_t
bcache_put(struct bcache *bc, const struct bt_binding *b)
{
	uint32_t before = bt_count(bc->bt);
	int64_t id = bt_upsert(bc->bt, b);

	if (id <= 0)
		return id;
	wheel_set(bc->wheel, (uint32_t)id, b->expiry);
	/* One writer: the count grows exactly when the HoA was new. */
	bcache_tell(bc, bt_count(bc->bt) > before ? BCACHE_ADD : BCACHE_UPDATE, (uint32_t)id, b);
	return id;
}

int64_t
bcache_update(struct bcache *bc, const struct in6_addr *hoa, const struct in6_addr *coa,
	      uint32_t lifetime, uint8_t flags)
{
	struct bt_binding b = {.hoa = *hoa, .coa = *coa, .flags = flags};
	struct bt_binding old;

	if (lifetime > bc->max_lifetime)
		lifetime = bc->max_lifetime;
	b.lifetime = lifetime;
	b.expiry = (uint32_t)time(NULL) + lifetime;
	if (bt_lookup(bc->bt, hoa, &old) > 0)
		b.seq = old.seq;
	return bcache_put(bc, &b);
}

int
bcache_delete(struct bcache *bc, const struct in6_addr *hoa)
{
	struct bt_binding old;
	int64_t id = bt_lookup(bc->bt, hoa, &old);
	int rc;

	if (id <= 0)
		return -ENOENT;
	rc = bt_delete(bc->bt, hoa);
	if (rc == 0) {
		wheel_cancel(bc->wheel, (uint32_t)id);
		bcache_tell(bc, BCACHE_DELETE, (uint32_t)id, &old);
	}
	return rc;
}

struct bcache_tick {
	struct bcache *bc;
	uint32_t now;
};

static void
bcache_fire(uint32_t id, void *arg)
{
	struct bcache_tick *t = arg;
	struct bt_binding b;

	if (bt_get(t->bc->bt, id, &b) != 0)
		return;
	if ((int32_t)(b.expiry - t->now) > 0) {
		wheel_set(t->bc->wheel, id, b.expiry); /* refreshed: not due yet */
		return;
	}
	if (bt_delete(t->bc->bt, &b.hoa) == 0)
		bcache_tell(t->bc, BCACHE_EXPIRE, id, &b);
}

unsigned int
bcache_expire(struct bcache *bc, uint32_t now)
{
	struct bcache_tick t = {.bc = bc, .now = now};

	return wheel_advance(bc->wheel, now, bcache_fire, &t);
}

const struct bt *
bcache_table(const struct bcache *bc)
{
	return bc->bt;
}

bool
bcache_adopted(const struct bcache *bc)
{
	return bc->adopted;
}

uint32_t
bcache_timers(const struct bcache *bc)
{
	return wheel_count(bc->wheel);
}

void
bcache_set_max_lifetime(struct bcache *bc, uint32_t seconds)
{
	bc->max_lifetime = seconds;
}
