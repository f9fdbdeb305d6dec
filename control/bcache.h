/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The binding cache of the Home Agent: the only writer of the shared binding
 * table (DESIGN.md §The binding table). Everything that changes a binding goes
 * through here, and so does every binding's expiry: a timer per binding on a
 * timing wheel, rebuilt from the table's expiry times when a restarted control
 * plane adopts it.
 */
#ifndef MIP6HA_BCACHE_H
#define MIP6HA_BCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "bt.h"
#include "conf.h"

struct bcache;

enum bcache_event {
	BCACHE_ADD,    /**< a new binding */
	BCACHE_UPDATE, /**< an existing binding changed (a new CoA, a refresh) */
	BCACHE_DELETE, /**< deregistered or deleted by an operator */
	BCACHE_EXPIRE, /**< its lifetime ran out */
	BCACHE_ADOPT,  /**< found in the table at start (bcache_replay()) */
};

/** Told of every change after the table holds it (proxy ND follows this);
 * @p id is the binding's id in the table. */
typedef void bcache_hook_fn(void *arg, enum bcache_event ev, uint32_t id,
			    const struct bt_binding *b);

/** Create or adopt the shared table named by the configuration. */
struct bcache *bcache_open(const struct conf *c, char *err, size_t errlen);
void bcache_close(struct bcache *bc);

void bcache_set_hook(struct bcache *bc, bcache_hook_fn *fn, void *arg);
/**
 * Start calling the hook with BCACHE_ADOPT for every binding in the table, in
 * steps, so that a restart with a million bindings answers BUs at once while
 * their proxy entries are put back.
 */
void bcache_replay(struct bcache *bc);
/** Replay up to @p budget bindings. @return true while some are left. */
bool bcache_replay_step(struct bcache *bc, unsigned int budget);

/**
 * Write @p b as it is (lifetime, expiry, sequence number, flags) and arm its
 * expiry. @return the binding id, -ENOSPC (table full) or -EINVAL.
 */
int64_t bcache_put(struct bcache *bc, const struct bt_binding *b);

/**
 * Register @p hoa at @p coa for @p lifetime seconds (capped by the configured
 * maximum), as an operator's `bc add`: the sequence number stays.
 * @return the binding id, -ENOSPC (table full) or -EINVAL.
 */
int64_t bcache_update(struct bcache *bc, const struct in6_addr *hoa, const struct in6_addr *coa,
		      uint32_t lifetime, uint8_t flags);
int bcache_delete(struct bcache *bc, const struct in6_addr *hoa);

/** Remove every binding whose expiry is ≤ @p now. @return how many. */
unsigned int bcache_expire(struct bcache *bc, uint32_t now);

/** The table, for readers in this process (CLI listings). */
const struct bt *bcache_table(const struct bcache *bc);
bool bcache_adopted(const struct bcache *bc);
uint32_t bcache_timers(const struct bcache *bc);

/** home_agent.max_binding_lifetime after a reload: caps `bc add` from now on. */
void bcache_set_max_lifetime(struct bcache *bc, uint32_t seconds);

#endif
