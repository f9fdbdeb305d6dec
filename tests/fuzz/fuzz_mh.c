/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the Mobility Header and option parser (common/mh.c) on any IPv6
 * packet, then what the Home Agent and the mobile node run on a decoded
 * message: the RFC 4285 check with a key, and the Home Address option and
 * Mobile Prefix Solicitation decoders for what mh_decode() refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth.h"
#include "mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct auth_store st = {.n = 1, .window = 7};
	struct auth_key *k;
	struct mh_msg m;
	uint16_t id;

	if (st.keys[0].len == 0) {
		st.keys[0].spi = 300;
		st.keys[0].len = 20;
		memset(st.keys[0].secret, 0x5a, 20);
	}
	if (mh_decode(data, size, &m) == MH_OK) {
		(void)auth_check_bu(&st, data, size, &m, 0xe9a1b2c312345678ull, &k);
		st.keys[0].alg = m.seq & 1 ? CONF_AUTH_HMAC_SHA256 : CONF_AUTH_HMAC_SHA1;
		st.keys[0].replay = m.seq & 2 ? CONF_REPLAY_SEQUENCE : CONF_REPLAY_TIMESTAMP;
		(void)auth_verify(&st.keys[0], data, size, &m);
		return 0;
	}
	(void)mh_decode_mps(data, size, &m, &id);
	(void)mh_decode_hao(data, size, &m);
	return 0;
}
