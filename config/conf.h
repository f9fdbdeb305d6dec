/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * mip6ha configuration: libyaml in, this plain struct out.
 *
 * One YAML file serves every process (DESIGN.md §Configuration). No libyaml type
 * leaves config/: callers see only the structs below. Errors are reported as
 * "FILE:LINE:COLUMN: message", every one of them, never just the first.
 */
#ifndef MIP6HA_CONF_H
#define MIP6HA_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define CONF_NAME_MAX	      64
#define CONF_PATH_MAX	      256
#define CONF_LIST_MAX	      64 /**< addresses, prefixes, ports, rules, keys, eal_args */
#define CONF_EAL_ARG_MAX      256
#define CONF_ENCAP_LIMIT_NONE 256
#define CONF_SIG_TAP                                                                               \
	"mip6ha-sig" /**< the dataplane's signalling tap */ /**< no Tunnel Encapsulation Limit option (mip6d's choice) */

enum conf_role {
	CONF_ROLE_HA,
	CONF_ROLE_MN,
};

enum conf_log_level {
	CONF_LOG_ERROR,
	CONF_LOG_WARN,
	CONF_LOG_INFO,
	CONF_LOG_DEBUG,
};

enum conf_poll_mode {
	CONF_POLL_ADAPTIVE,
	CONF_POLL_BUSY,
};

enum conf_action {
	CONF_ACTION_ALLOW,
	CONF_ACTION_DENY,
};

/** An IPv6 address with a prefix length (128 for a plain address). */
struct conf_prefix {
	struct in6_addr addr;
	uint8_t len;
};

/** "[addr]:port" or "addr:port"; set == false when the key is absent or empty. */
struct conf_endpoint {
	bool set;
	struct in6_addr addr;
	uint16_t port;
};

struct conf_port {
	char name[CONF_NAME_MAX];
	char device[CONF_PATH_MAX]; /**< "af_packet:IFACE", "pci:BDF" or "vdev:DEVARGS" */
	char tap[CONF_NAME_MAX];
};

/** RFC 4285 authenticator algorithms; both are truncated to 96 bits. */
enum conf_auth_alg {
	CONF_AUTH_HMAC_SHA1, /**< the RFC's */
	CONF_AUTH_HMAC_SHA256,
};

/** RFC 4285 §6 replay protection. */
enum conf_replay {
	CONF_REPLAY_TIMESTAMP, /**< Mobility Message Replay Protection option */
	CONF_REPLAY_SEQUENCE,  /**< the BU's sequence number, per key */
};

struct conf_rule {
	struct conf_prefix hoa; /**< a HoA (/128) or a prefix */
	enum conf_action action;
	uint32_t status; /**< BA status of a deny, 128..255; 0 means 129 */
};

struct conf_key {
	uint32_t spi; /**< 0: none (mobile_node.auth left out) */
	struct in6_addr hoa;
	char key_file[CONF_PATH_MAX];
	enum conf_auth_alg algorithm;
	enum conf_replay replay;
};

struct conf {
	char path[CONF_PATH_MAX]; /**< the file it was loaded from */

	struct {
		enum conf_role role; /**< required */
		char name[CONF_NAME_MAX];
	} node;

	struct {
		char name[CONF_NAME_MAX]; /**< default "mip6ha" */
		uint32_t max_bindings;	  /**< default 1048576, 1 .. 16777216 */
	} shm;

	struct {
		char socket[CONF_PATH_MAX]; /**< default /run/mip6ha/mip6ha.sock */
		enum conf_log_level log_level;
		uint32_t busy_poll_us; /**< default 200, 0 .. 100000 */
		struct conf_endpoint vty;
		struct conf_endpoint metrics;
		uint32_t metrics_max_bindings; /**< bindings with their own series, default 1000 */
	} control;

	struct {
		bool enabled;		    /**< default true */
		char lcores[CONF_NAME_MAX]; /**< default "0-1" */
		char eal_args[CONF_LIST_MAX][CONF_EAL_ARG_MAX];
		size_t n_eal_args;
		enum conf_poll_mode poll_mode;
		uint32_t tunnel_hop_limit; /**< outer hop limit, default 64 */
		uint32_t encap_limit;	   /**< RFC 2473 option on output; CONF_ENCAP_LIMIT_NONE */
		uint32_t icmp_rate;	   /**< ICMPv6 errors per second per worker, default 100 */
		uint32_t icmp_burst;	   /**< token bucket depth, default 10 */
		uint32_t signalling_rate;  /**< MH/s per worker to mip6ha-cp, unknown HoAs */
		uint32_t signalling_known_rate; /**< ... bound or keyed HoAs */
		uint32_t mbufs;	    /**< packet buffers; 0 (default) sizes them from the rings */
		bool mirror_kernel; /**< copy the kernel's routes on the taps into the fib */
		struct conf_port ports[CONF_LIST_MAX];
		size_t n_ports;
	} dataplane;

	struct {
		char interface[CONF_NAME_MAX];
		struct conf_prefix addresses[CONF_LIST_MAX];
		size_t n_addresses;
		struct conf_prefix home_prefixes[CONF_LIST_MAX];
		size_t n_home_prefixes;
		uint32_t max_binding_lifetime; /**< seconds, default 262140 */
		uint16_t preference;
		bool dad; /**< DAD for a HoA before its first registration (default true) */
		struct {
			bool enabled;
			uint32_t min_interval; /**< seconds */
			uint32_t max_interval;
			uint32_t lifetime;
		} ra;
		struct {
			enum conf_action default_action;
			struct conf_rule rules[CONF_LIST_MAX];
			size_t n_rules;
		} policy;
		struct {
			uint32_t bu_per_source; /**< BUs/s from one source, default 10 */
			uint32_t bu_total;	/**< BUs/s from all, default 50000 */
			uint32_t errors;	/**< BE, Param Problem, BA 146 /s, default 100 */
			uint32_t dhaad;		/**< DHAAD replies and MPAs /s, default 100 */
		} rate_limits;			/**< 0: no limit */
		struct {
			bool required;
			uint32_t replay_window; /**< seconds, default 7 (RFC 4285 §6) */
			struct conf_key keys[CONF_LIST_MAX];
			size_t n_keys;
		} auth;
	} home_agent;

	struct {
		char interface[CONF_NAME_MAX];
		char tunnel[CONF_NAME_MAX]; /**< the TUN device of the Home Address */
		struct conf_prefix home_address;
		struct in6_addr home_agent; /**< :: means discover with DHAAD */
		uint32_t max_binding_lifetime;
		struct conf_key auth; /**< signs BUs when spi != 0 (hoa unused) */
	} mobile_node;
};

/**
 * Load and validate a configuration file.
 *
 * @param path  the YAML file
 * @param errf  where every error goes, one "path:line:col: message" a line
 * @return a new struct conf, or NULL with all errors printed to @p errf
 */
struct conf *conf_load(const char *path, FILE *errf);

/** Print @p c as YAML that conf_load() accepts and turns into an equal struct. */
void conf_print(const struct conf *c, FILE *out);

/** True when two loaded configurations hold the same values (path excluded). */
bool conf_equal(const struct conf *a, const struct conf *b);

void conf_free(struct conf *c);

/** Name of an enum value as written in YAML ("ha", "info", ...). */
const char *conf_role_name(enum conf_role r);
const char *conf_log_level_name(enum conf_log_level l);

#endif
