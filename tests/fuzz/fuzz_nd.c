/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the ICMPv6 and Neighbor Discovery option parsers (common/icmp6.c)
 * on any ICMPv6 body: the Router Advertisement decoder the Home Agent uses
 * for other home agents' RAs, and the prefix walk the mobile node uses.
 */
#include <stddef.h>
#include <stdint.h>

#include "icmp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp6_ra_info ra;
	struct in6_addr prefix[8];
	uint8_t plen[8];

	(void)icmp6_ra_decode(data, size, &ra);
	(void)icmp6_ra_prefixes(data, size, prefix, plen, 8);
	return 0;
}
