/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 4285 MN-HA authentication (../shared/spec/rfc4285-auth.md):
 *   Authenticator = First(96, HMAC(key, CoA | HoA | MH Data)),
 * MH Data being the Mobility Header from its first byte up to and including
 * the option's SPI, with the checksum field zero.
 */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define AUTH_NTP_UNIX 2208988800u /* seconds from 1900 to 1970 */
#define AUTH_SPI_END  7		  /* type, length, subtype, SPI */
#define AUTH_FILE_MAX 1024

static int
auth_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
auth_key_read(const char *path, uint8_t *key, size_t cap, char *err, size_t errlen)
{
	char text[AUTH_FILE_MAX + 1];
	struct stat st;
	size_t n = 0;
	ssize_t got;
	int fd, hi = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key file is not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen,
			 "key file is accessible by group or others (mode %03o); chmod 600 it",
			 (unsigned int)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	got = read(fd, text, AUTH_FILE_MAX + 1);
	close(fd);
	if (got < 0 || got > AUTH_FILE_MAX) {
		snprintf(err, errlen, got < 0 ? "cannot read key file" : "key file is too long");
		return -1;
	}
	for (ssize_t i = 0; i < got; i++) {
		int v = auth_hex((unsigned char)text[i]);

		if (isspace((unsigned char)text[i]))
			continue;
		if (v < 0 || (hi < 0 && n == cap)) {
			snprintf(err, errlen,
				 v < 0 ? "key file must hold the key as hexadecimal text"
				       : "key is longer than %zu octets",
				 cap);
			explicit_bzero(text, sizeof(text));
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			key[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	explicit_bzero(text, sizeof(text));
	if (hi >= 0 || n < AUTH_KEY_MIN) {
		snprintf(err, errlen,
			 hi >= 0 ? "key has an odd number of hex digits"
				 : "key is shorter than %d octets (32 hex digits)",
			 AUTH_KEY_MIN);
		return -1;
	}
	return (int)n;
}

static int
auth_key_from(struct auth_key *k, const struct conf_key *ck, const struct in6_addr *hoa, FILE *errf)
{
	char err[128];
	int n;

	memset(k, 0, sizeof(*k));
	n = auth_key_read(ck->key_file, k->secret, sizeof(k->secret), err, sizeof(err));
	if (n < 0) {
		(void)fprintf(errf, "%s: %s\n", ck->key_file, err);
		return -1;
	}
	k->len = (size_t)n;
	k->spi = ck->spi;
	k->hoa = *hoa;
	k->alg = ck->algorithm;
	k->replay = ck->replay;
	return 0;
}

int
auth_store_load(struct auth_store *st, const struct conf *c, FILE *errf)
{
	int errors = 0;

	memset(st, 0, sizeof(*st));
	st->window = c->home_agent.auth.replay_window;
	for (size_t i = 0; i < c->home_agent.auth.n_keys; i++) {
		const struct conf_key *ck = &c->home_agent.auth.keys[i];

		if (auth_key_from(&st->keys[st->n], ck, &ck->hoa, errf) < 0)
			errors++;
		else
			st->n++;
	}
	return errors;
}

int
auth_mn_load(struct auth_key *k, const struct conf *c, FILE *errf)
{
	memset(k, 0, sizeof(*k));
	if (c->mobile_node.auth.spi == 0)
		return 0;
	return auth_key_from(k, &c->mobile_node.auth, &c->mobile_node.home_address.addr, errf);
}

struct auth_key *
auth_by_spi(struct auth_store *st, uint32_t spi)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->keys[i].spi == spi)
			return &st->keys[i];
	return NULL;
}

const struct auth_key *
auth_by_hoa(const struct auth_store *st, const struct in6_addr *hoa)
{
	for (size_t i = 0; i < st->n; i++)
		if (!memcmp(&st->keys[i].hoa, hoa, sizeof(*hoa)))
			return &st->keys[i];
	return NULL;
}

void
auth_addrs(const struct mh_msg *m, struct in6_addr *coa, struct in6_addr *hoa)
{
	if (m->type == MH_BA) {
		*coa = m->dst;
		*hoa = m->final_dst;
	} else {
		*coa = m->coa;
		*hoa = m->hoa;
	}
}

/* The Authenticator of the Mobility Header at @p mh whose option sits at
 * @p auth_off (RFC 4285 §5). */
static bool
auth_mac(const struct auth_key *k, const struct mh_msg *m, const uint8_t *mh,
	 uint8_t out[MH_AUTH_DATA])
{
	uint8_t data[32 + 8 * 256], md[EVP_MAX_MD_SIZE];
	size_t n = (size_t)m->auth_off + AUTH_SPI_END;
	unsigned int mdlen = 0;
	struct in6_addr coa, hoa;

	if (n > m->mh_len)
		return false;
	auth_addrs(m, &coa, &hoa);
	memcpy(data, &coa, 16);
	memcpy(data + 16, &hoa, 16);
	memcpy(data + 32, mh, n);
	data[32 + 4] = 0; /* the checksum */
	data[32 + 5] = 0;
	if (HMAC(k->alg == CONF_AUTH_HMAC_SHA256 ? EVP_sha256() : EVP_sha1(), k->secret,
		 (int)k->len, data, 32 + n, md, &mdlen) == NULL ||
	    mdlen < MH_AUTH_DATA)
		return false;
	memcpy(out, md, MH_AUTH_DATA);
	OPENSSL_cleanse(md, sizeof(md));
	return true;
}

bool
auth_verify(const struct auth_key *k, const uint8_t *pkt, size_t len, const struct mh_msg *m)
{
	const uint8_t *mh = pkt + m->mh_off;
	uint8_t mac[MH_AUTH_DATA];

	/* The option must end the message: padding after it would sit outside
	 * the MAC (RFC 4285 §5, "MUST be the last option"). */
	if (!m->has_auth || m->auth_subtype != MH_AUTH_MN_HA || m->auth_len != MH_AUTH_OPT - 2 ||
	    (size_t)m->auth_off + MH_AUTH_OPT != m->mh_len || (size_t)m->mh_off + m->mh_len > len ||
	    m->auth_spi != k->spi || !auth_mac(k, m, mh, mac))
		return false;
	return CRYPTO_memcmp(mac, mh + m->auth_off + AUTH_SPI_END, MH_AUTH_DATA) == 0;
}

/* RFC 4285 §6: a timestamp within the window of ours, and newer than the
 * last one accepted with this key, so a copy inside the window fails too. */
static enum auth_result
auth_replay(const struct auth_store *st, const struct auth_key *k, const struct mh_msg *m,
	    uint64_t now_ntp)
{
	uint64_t w = (uint64_t)st->window << 32;

	if (k->replay == CONF_REPLAY_SEQUENCE)
		return k->seen && !mh_seq_newer(m->seq, k->last_seq) ? AUTH_OLD_SEQ : AUTH_OK;
	if (!m->has_ts)
		return AUTH_NO_TS;
	if (m->ts + w < now_ntp || m->ts > now_ntp + w || (k->seen && m->ts <= k->last_ts))
		return AUTH_REPLAY;
	return AUTH_OK;
}

enum auth_result
auth_check_bu(struct auth_store *st, const uint8_t *pkt, size_t len, const struct mh_msg *m,
	      uint64_t now_ntp, struct auth_key **key)
{
	struct auth_key *k;
	enum auth_result r;

	*key = NULL;
	if (!m->has_auth)
		return AUTH_ABSENT;
	k = auth_by_spi(st, m->auth_spi);
	if (k == NULL || !auth_verify(k, pkt, len, m))
		return AUTH_FAIL;
	*key = k;
	r = auth_replay(st, k, m, now_ntp);
	if (r == AUTH_OK) {
		k->seen = true;
		k->last_ts = m->ts;
		k->last_seq = m->seq;
	}
	return r;
}

bool
auth_sign(const struct auth_key *k, uint8_t *pkt, size_t len)
{
	struct mh_msg m;
	uint8_t *mh;

	if (mh_decode(pkt, len, &m) != MH_OK || !m.has_auth ||
	    (size_t)m.auth_off + MH_AUTH_OPT != m.mh_len)
		return false;
	mh = pkt + m.mh_off;
	if (!auth_mac(k, &m, mh, mh + m.auth_off + AUTH_SPI_END))
		return false;
	mh[4] = 0;
	mh[5] = 0;
	/* The pseudo-header of RFC 6275 §6.1.1: the Home Address option's
	 * address as the source, the final destination. */
	uint16_t sum = mh_csum(&m.hoa, &m.final_dst, MH_PROTO, mh, m.mh_len);
	mh[4] = (uint8_t)(sum >> 8);
	mh[5] = (uint8_t)sum;
	return true;
}

uint64_t
auth_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + AUTH_NTP_UNIX) << 32 |
	       (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
}
