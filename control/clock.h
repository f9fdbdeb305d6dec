/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The control plane's clock for timeouts (DAD, Home Agents List lifetimes,
 * busy polling): CLOCK_MONOTONIC in milliseconds or microseconds. Binding expiry uses CLOCK_REALTIME
 * seconds instead, because it is stored in the shared table and outlives
 * the process.
 */
#ifndef MIP6HA_CLOCK_H
#define MIP6HA_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/** The same clock in microseconds, for short busy-poll windows. */
static inline uint64_t
clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
