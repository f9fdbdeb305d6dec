/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Text and JSON renderings of bindings, shared by every program that lists the
 * binding table (mip6ha-cp's `bc`, mip6ha-dp --show-bindings).
 */
#ifndef MIP6HA_BT_FMT_H
#define MIP6HA_BT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bt.h"

/** Column headings matching bt_fmt_binding()'s text lines. */
const char *bt_fmt_header(void);

/** mip6d-style flags: "AHLK" with '-' for each flag not set. */
void bt_fmt_flags(uint8_t flags, char out[5]);

/**
 * One binding as a text line (no newline) or a JSON object, with the time
 * left computed against @p now (CLOCK_REALTIME seconds).
 * @return the length snprintf() would write
 */
int bt_fmt_binding(char *buf, size_t len, uint32_t id, const struct bt_binding *b, uint32_t now,
		   bool json);

#endif
