/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A token bucket (RFC 4443 §2.4(f) suggests one for ICMPv6 errors): @p rate
 * tokens a second up to @p burst, one per packet. Time is whatever clock the
 * caller has (TSC cycles, microseconds), given with its ticks per second.
 * Header-only: the dataplane's per-packet paths inline it.
 */
#ifndef MIP6HA_TB_H
#define MIP6HA_TB_H

#include <stdbool.h>
#include <stdint.h>

struct tb {
	double tokens;
	uint64_t last; /**< the clock at the last take */
};

/** A full bucket at @p now. */
static inline void
tb_init(struct tb *b, double burst, uint64_t now)
{
	b->tokens = burst;
	b->last = now;
}

/**
 * Take one token at @p now (@p hz ticks a second): @return false when the
 * bucket is empty. @p rate 0 means no limit.
 */
static inline bool
tb_take(struct tb *b, uint64_t now, uint64_t hz, double rate, double burst)
{
	double t;

	if (rate <= 0.0)
		return true;
	t = b->tokens + (double)(now - b->last) * rate / (double)hz;
	b->last = now;
	b->tokens = t < burst ? t : burst;
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

#endif
