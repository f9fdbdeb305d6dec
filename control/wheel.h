/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Binding expiry on a hashed timing wheel of one-second slots: O(1) to arm,
 * move or cancel a binding's timer, and a tick visits only the slot whose
 * second has come, never the whole table. Timers are keyed by the binding
 * table's stable id. Pure: the caller passes the time, so tests use a fake
 * clock.
 */
#ifndef MIP6HA_WHEEL_H
#define MIP6HA_WHEEL_H

#include <stdbool.h>
#include <stdint.h>

#define WHEEL_SLOTS 4096u /**< seconds per revolution (a power of two) */

struct wheel;

/** A wheel for ids 1 .. @p max_id whose clock starts at @p now. */
struct wheel *wheel_new(uint32_t max_id, uint32_t now);
void wheel_free(struct wheel *w);

/** Arm (or move) the timer of @p id to fire at @p expiry (seconds). */
void wheel_set(struct wheel *w, uint32_t id, uint32_t expiry);
/** Cancel the timer of @p id, if armed. */
void wheel_cancel(struct wheel *w, uint32_t id);
bool wheel_armed(const struct wheel *w, uint32_t id);
uint32_t wheel_count(const struct wheel *w);

/**
 * Advance the clock to @p now and call @p fire for every timer whose expiry
 * is ≤ @p now, once; a fired timer is disarmed before @p fire runs, so it may
 * re-arm. @return the number fired.
 */
unsigned int wheel_advance(struct wheel *w, uint32_t now, void (*fire)(uint32_t id, void *arg),
			   void *arg);

#endif
