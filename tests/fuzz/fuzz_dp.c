/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the dataplane's classifier on plain buffers (dataplane/parse.h):
 * the extension-header walk of any IPv6 packet, the ND test, and for a
 * packet carrying IPv6 (a reverse tunnel) the inner header's checks.
 */
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_meta outer = {0}, inner = {0};
	uint32_t len, off;

	if (size < DP_IPV6_HDR || (data[0] >> 4) != 6)
		return 0;
	/* As dp_parse(): the payload length must fit the buffer. */
	len = (uint32_t)(data[4] << 8 | data[5]) + DP_IPV6_HDR;
	if (len > size || len == DP_IPV6_HDR)
		return 0;
	outer.ip = (struct rte_ipv6_hdr *)(uintptr_t)data;
	if (dp_parse_chain(data, len, &outer) >= 0)
		return 0;
	(void)dp_is_nd(&outer, len);
	(void)dp_addr_bad_src(data + 8);
	if (outer.hao_off != 0 && outer.hao_off + 16u > len)
		__builtin_trap(); /* the option must lie inside the packet */
	if (outer.nh == DP_NH_IPV6)
		(void)dp_inner_check(data, len, &outer, &inner, &off);
	return 0;
}
