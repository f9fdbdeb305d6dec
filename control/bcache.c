/* SPDX-License-Identifier: BSD-3-Clause */
#include "bcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

struct bcache {
	struct bt *bt;
	bool adopted;
	uint32_t max_lifetime;
};

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
	bc->max_lifetime = c->home_agent.max_binding_lifetime;
	/* ha_idx 0 is the first configured HA address: the outer source of tunnels. */
	for (i = 0; i < c->home_agent.n_addresses && i < BT_HA_ADDRS_MAX; i++)
		bt_set_ha_addr(bc->bt, (unsigned int)i, &c->home_agent.addresses[i].addr);
	return bc;
}

void
bcache_close(struct bcache *bc)
{
	if (bc == NULL)
		return;
	bt_close(bc->bt);
	free(bc);
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
	return bt_upsert(bc->bt, &b);
}

int
bcache_delete(struct bcache *bc, const struct in6_addr *hoa)
{
	return bt_delete(bc->bt, hoa);
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
