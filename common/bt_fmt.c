/* SPDX-License-Identifier: BSD-3-Clause */
#include "bt_fmt.h"

#include <arpa/inet.h>
#include <stdio.h>

const char *
bt_fmt_header(void)
{
	return "ID       HOA                                      COA                        "
	       "              FLAGS  SEQ    LIFETIME   EXPIRES";
}

void
bt_fmt_flags(uint8_t flags, char out[5])
{
	out[0] = flags & BT_F_ACK ? 'A' : '-';
	out[1] = flags & BT_F_HOME ? 'H' : '-';
	out[2] = flags & BT_F_LINKLOCAL ? 'L' : '-';
	out[3] = flags & BT_F_KEYMGMT ? 'K' : '-';
	out[4] = '\0';
}

int
bt_fmt_binding(char *buf, size_t len, uint32_t id, const struct bt_binding *b, uint32_t now,
	       bool json)
{
	char hoa[INET6_ADDRSTRLEN], coa[INET6_ADDRSTRLEN], flags[5];
	long left = (long)b->expiry - (long)now;

	inet_ntop(AF_INET6, &b->hoa, hoa, sizeof(hoa));
	inet_ntop(AF_INET6, &b->coa, coa, sizeof(coa));
	bt_fmt_flags(b->flags, flags);
	if (left < 0)
		left = 0;
	if (json)
		return snprintf(buf, len,
				"{\"id\":%u,\"hoa\":\"%s\",\"coa\":\"%s\",\"flags\":\"%s\","
				"\"seq\":%u,\"lifetime\":%u,\"expires_in\":%ld,\"ha_idx\":%u}",
				id, hoa, coa, flags, b->seq, b->lifetime, left, b->ha_idx);
	return snprintf(buf, len, "%-8u %-40s %-40s %-6s %-6u %-10u %ld", id, hoa, coa, flags,
			b->seq, b->lifetime, left);
}
