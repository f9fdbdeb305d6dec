/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The binding cache of the Home Agent: the only writer of the shared binding
 * table (DESIGN.md §The binding table). Everything that changes a binding goes
 * through here.
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

/** Create or adopt the shared table named by the configuration. */
struct bcache *bcache_open(const struct conf *c, char *err, size_t errlen);
void bcache_close(struct bcache *bc);

/**
 * Register @p hoa at @p coa for @p lifetime seconds (capped by the configured
 * maximum). @return the binding id, -ENOSPC (table full) or -EINVAL.
 */
int64_t bcache_update(struct bcache *bc, const struct in6_addr *hoa, const struct in6_addr *coa,
		      uint32_t lifetime, uint8_t flags);
int bcache_delete(struct bcache *bc, const struct in6_addr *hoa);

/** The table, for readers in this process (CLI listings). */
const struct bt *bcache_table(const struct bcache *bc);
bool bcache_adopted(const struct bcache *bc);

#endif
