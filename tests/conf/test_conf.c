/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the configuration loader: one test per error kind, each checking
 * the exact FILE:LINE:COLUMN prefix, then the shipped configs and the
 * print/load round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

#ifndef CONF_DATA_DIR
#error "CONF_DATA_DIR must name tests/conf/data"
#endif
#ifndef CONF_EXAMPLE_DIR
#error "CONF_EXAMPLE_DIR must name config/"
#endif

struct loaded {
	struct conf *c;
	char *err;
	size_t err_len;
	char path[512];
};

static void
load_path(struct loaded *l, const char *path)
{
	FILE *errf;

	memset(l, 0, sizeof(*l));
	(void)snprintf(l->path, sizeof(l->path), "%s", path);
	errf = open_memstream(&l->err, &l->err_len);
	assert_non_null(errf);
	l->c = conf_load(path, errf);
	assert_int_equal(fclose(errf), 0);
}

static void
write_tmp(char *path, size_t size, const char *text, size_t len)
{
	int fd;

	(void)snprintf(path, size, "/tmp/test_conf-XXXXXX.yaml");
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
load_bytes(struct loaded *l, const char *text, size_t len)
{
	char path[64];

	write_tmp(path, sizeof(path), text, len);
	load_path(l, path);
	unlink(path);
}

static void
load_text(struct loaded *l, const char *text)
{
	load_bytes(l, text, strlen(text));
}

static void
loaded_free(struct loaded *l)
{
	conf_free(l->c);
	free(l->err);
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* Some line of the error text starts with PATH:LINE:COL: and contains phrase. */
static bool
has_error(const struct loaded *l, unsigned int line, unsigned int col, const char *phrase)
{
	char prefix[600];
	const char *s = l->err;

	if (line)
		(void)snprintf(prefix, sizeof(prefix), "%s:%u:%u: ", l->path, line, col);
	else
		(void)snprintf(prefix, sizeof(prefix), "%s: ", l->path);
	while (s && *s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		char *one = strndup(s, len);
		bool found = !strncmp(one, prefix, strlen(prefix)) && strstr(one, phrase);

		free(one);
		if (found)
			return true;
		s += len + (eol != NULL);
	}
	print_error("no error \"%s...%s\" in:\n%s", prefix, phrase, l->err ? l->err : "");
	return false;
}

static void
expect_fail(const struct loaded *l, unsigned int line, unsigned int col, const char *phrase)
{
	assert_null(l->c);
	assert_true(has_error(l, line, col, phrase));
}

/* The one error the text has, at LINE:COL. */
static void
expect_only(const char *text, unsigned int line, unsigned int col, const char *phrase)
{
	struct loaded l;

	load_text(&l, text);
	expect_fail(&l, line, col, phrase);
	if (count_lines(l.err) != 1)
		print_error("expected one error line, got:\n%s", l.err);
	assert_int_equal(count_lines(l.err), 1);
	loaded_free(&l);
}

static void
expect_ok(struct loaded *l, const char *text)
{
	load_text(l, text);
	if (!l->c)
		print_error("unexpected errors:\n%s", l->err);
	assert_non_null(l->c);
	assert_int_equal(l->err_len, 0);
}

#define MN_OK "mobile_node: {interface: eth0, home_address: 2001:db8::beef/64}\n"

static void
test_unknown_key(void **state)
{
	(void)state;
	expect_only("node:\n  rolle: mn\n  role: mn\n" MN_OK, 2, 3,
		    "unknown key \"rolle\" in \"node\" (expected one of: role, name)");
	expect_only("node: {role: mn}\n" MN_OK "nodes: {}\n", 3, 1,
		    "unknown key \"nodes\" (expected one of: node, shm, control, dataplane, "
		    "home_agent, mobile_node)");
	expect_only("node: {role: mn}\n" MN_OK "dataplane:\n  ports:\n"
		    "    - {name: a, device: vdev:net_null0, tap: t0, mtu: 1500}\n",
		    5, 50, "unknown key \"mtu\" in \"dataplane.ports[0]\"");
}

static void
test_wrong_type(void **state)
{
	(void)state;
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: 2001:db8::1/64\n  home_prefixes: [2001:db8::/64]\n",
		    4, 14, "\"home_agent.addresses\": expected a sequence, got a scalar");
	expect_only("node: {role: [mn]}\n" MN_OK, 1, 14,
		    "\"node.role\": expected a scalar, got a sequence");
	expect_only("node: {role: mn}\n" MN_OK "shm: [mip6ha]\n", 3, 6,
		    "\"shm\": expected a mapping, got a sequence");
	expect_only("node: {role: mn}\n" MN_OK "dataplane: {enabled: maybe}\n", 3, 22,
		    "\"dataplane.enabled\": expected true or false, got \"maybe\"");
	expect_only("- node\n- shm\n", 1, 1, "expected a mapping at the top level, got a sequence");
}

static void
test_duplicate_key(void **state)
{
	(void)state;
	expect_only("node:\n  role: mn\n  role: mn\n" MN_OK, 3, 3,
		    "duplicate key \"role\" (first at 2:3)");
	expect_only("node: {role: mn}\n" MN_OK "node: {name: x}\n", 3, 1,
		    "duplicate key \"node\" (first at 1:1)");
}

static void
test_bad_address(void **state)
{
	(void)state;
	expect_only("node: {role: mn}\nmobile_node:\n  interface: eth0\n"
		    "  home_address: 2001:db8::beef/64\n  home_agent: 2001:db8::g\n",
		    5, 15, "\"mobile_node.home_agent\": bad IPv6 address \"2001:db8::g\"");
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: [2001:db8::1/64]\n  home_prefixes: [2001:db8::/64]\n"
		    "  auth: {keys: [{spi: 300, hoa: 192.0.2.1, key_file: k}]}\n",
		    6, 33, "\"home_agent.auth.keys[0].hoa\": bad IPv6 address \"192.0.2.1\"");
	expect_only("node: {role: mn}\n" MN_OK "control: {vty: \"[::1]:99999\"}\n", 3, 16,
		    "\"control.vty\": expected \"[IPV6-ADDRESS]:PORT\"");
}

static void
test_bad_prefix(void **state)
{
	(void)state;
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: [\"2001:db8::zz/64\"]\n  home_prefixes: [2001:db8::/64]\n",
		    4, 15, "\"home_agent.addresses[0]\": bad IPv6 prefix \"2001:db8::zz/64\"");
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: [2001:db8::1]\n  home_prefixes: [2001:db8::/64]\n",
		    4, 15, "\"home_agent.addresses[0]\": bad IPv6 prefix \"2001:db8::1\"");
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: [2001:db8::1/64]\n  home_prefixes: [2001:db8::1/64]\n",
		    5, 19, "host bits set in \"2001:db8::1/64\" (did you mean 2001:db8::/64?)");
	expect_only("node: {role: mn}\nmobile_node:\n  interface: eth0\n"
		    "  home_address: 2001:db8::beef/x\n",
		    4, 17, "\"mobile_node.home_address\": bad IPv6 prefix");
}

static void
test_prefix_length(void **state)
{
	(void)state;
	expect_only("node: {role: mn}\n" MN_OK "home_agent:\n  policy:\n"
		    "    rules: [{hoa: \"2001:db8::/129\", action: deny}]\n",
		    5, 19,
		    "\"home_agent.policy.rules[0].hoa\": prefix length 129 out of range 0..128");
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: [2001:db8::1/0]\n  home_prefixes: [2001:db8::/64]\n",
		    4, 15, "prefix length 0 out of range 1..128");
}

static void
test_integer_range(void **state)
{
	(void)state;
	expect_only("node: {role: mn}\nmobile_node:\n  interface: eth0\n"
		    "  home_address: 2001:db8::beef/64\n  max_binding_lifetime: 262141\n",
		    5, 25,
		    "\"mobile_node.max_binding_lifetime\": expected an integer 0..262140, got "
		    "\"262141\"");
	expect_only(
		"node: {role: mn}\n" MN_OK "home_agent: {max_binding_lifetime: abc}\n", 3, 36,
		"\"home_agent.max_binding_lifetime\": expected an integer 0..262140, got \"abc\"");
	expect_only("node: {role: mn}\n" MN_OK "shm: {max_bindings: 0}\n", 3, 21,
		    "expected an integer 1..16777216, got \"0\"");
	expect_only("node: {role: mn}\n" MN_OK "shm: {max_bindings: -1}\n", 3, 21,
		    "expected an integer 1..16777216, got \"-1\"");
	expect_only("node: {role: mn}\n" MN_OK "shm: {max_bindings: 99999999999999999999999}\n", 3,
		    21, "expected an integer 1..16777216");
	expect_only("node: {role: mn}\n" MN_OK
		    "home_agent: {auth: {keys: [{spi: 255, hoa: \"::1\", key_file: k}]}}\n",
		    3, 34, "\"home_agent.auth.keys[0].spi\": expected an integer 256..4294967295");
	expect_only("node: {role: mn}\n" MN_OK "home_agent: {ra: {min_interval: 10}}\n", 3, 18,
		    "\"home_agent.ra\": min_interval 10 must be less than max_interval 10");
	expect_only("node: {role: mn}\n" MN_OK "home_agent: {preference: 65536}\n", 3, 26,
		    "expected an integer 0..65535");
}

static void
test_missing_required(void **state)
{
	struct loaded l;

	(void)state;
	expect_only("shm: {name: x}\n", 1, 1, "missing required key \"node.role\"");
	expect_only("node:\n  name: x\n", 2, 3, "missing required key \"node.role\"");
	expect_only("node:\n", 1, 6, "missing required key \"node.role\"");
	expect_only("node: {role: mn}\nmobile_node:\n  interface: eth0\n", 3, 3,
		    "missing required key \"mobile_node.home_address\" (required for role mn)");
	expect_only("node: {role: mn}\n" MN_OK "dataplane:\n  ports:\n"
		    "    - {name: a, device: vdev:net_null0}\n",
		    5, 7, "missing required key \"dataplane.ports[0].tap\"");
	expect_only("node: {role: ha}\nhome_agent:\n  interface: ha-home\n"
		    "  addresses: []\n  home_prefixes: [2001:db8::/64]\n",
		    4, 14, "\"home_agent.addresses\": must not be empty (required for role ha)");

	load_text(&l, "node: {role: ha}\n");
	expect_fail(&l, 1, 1,
		    "missing required key \"home_agent.interface\" (required for role ha)");
	expect_fail(&l, 1, 1, "missing required key \"home_agent.addresses\"");
	expect_fail(&l, 1, 1, "missing required key \"home_agent.home_prefixes\"");
	assert_int_equal(count_lines(l.err), 3);
	loaded_free(&l);
}

static void
test_empty_file(void **state)
{
	struct loaded l;

	(void)state;
	load_path(&l, CONF_DATA_DIR "/empty.yaml");
	expect_fail(&l, 1, 1, "empty configuration");
	assert_int_equal(count_lines(l.err), 1);
	loaded_free(&l);
	expect_only("# only a comment\n\n", 1, 1, "empty configuration");
	expect_only("---\n...\n", 2, 1, "empty configuration");
}

static void
test_not_yaml(void **state)
{
	struct loaded l;

	(void)state;
	load_path(&l, CONF_DATA_DIR "/not-yaml.ini");
	expect_fail(&l, 2, 1, "did not find expected <document start>");
	assert_int_equal(count_lines(l.err), 1);
	loaded_free(&l);
	expect_only("node: {role: ha\nshm: x\n", 2, 4,
		    "did not find expected ',' or '}' (while parsing a flow mapping at 1:7)");
	expect_only("node:\n  role: mn\n name: x\n", 3, 2, "did not find expected key");
	load_bytes(&l, "node: {role: mn}\n\x01\n", 19);
	expect_fail(&l, 2, 1, "control characters are not allowed");
	loaded_free(&l);
	load_bytes(&l, "node:\n  name: \xff\n", 16);
	expect_fail(&l, 2, 9, "invalid leading UTF-8 octet");
	loaded_free(&l);
	expect_only("node: {role: mn}\n" MN_OK "---\nnode: {role: ha}\n", 3, 1,
		    "more than one YAML document");
}

static void
test_unreadable(void **state)
{
	struct loaded l;
	char path[64];

	(void)state;
	load_path(&l, CONF_DATA_DIR "/no-such-file.yaml");
	expect_fail(&l, 0, 0, "cannot open: No such file or directory");
	assert_int_equal(count_lines(l.err), 1);
	loaded_free(&l);

	load_path(&l, CONF_DATA_DIR);
	expect_fail(&l, 0, 0, "cannot read: Is a directory");
	loaded_free(&l);

	/* root reads a mode 000 file anyway, so that case needs an ordinary user. */
	if (geteuid() == 0)
		return;
	write_tmp(path, sizeof(path), "node: {role: mn}\n", 17);
	assert_int_equal(chmod(path, 0), 0);
	load_path(&l, path);
	unlink(path);
	expect_fail(&l, 0, 0, "cannot open: Permission denied");
	loaded_free(&l);
}

static void
test_many_errors(void **state)
{
	struct loaded l;

	(void)state;
	load_path(&l, CONF_DATA_DIR "/many-errors.yaml");
	expect_fail(&l, 5, 3, "unknown key \"nmae\" in \"node\"");
	expect_fail(&l, 7, 17, "\"shm.max_bindings\": expected an integer 1..16777216, got \"0\"");
	expect_fail(&l, 10, 15,
		    "\"home_agent.addresses[0]\": prefix length 129 out of range 1..128");
	expect_fail(&l, 11, 19, "\"home_agent.home_prefixes[0]\": host bits set");
	expect_fail(&l, 12, 15, "\"home_agent.preference\": expected an integer 0..65535");
	expect_fail(&l, 13, 17, "\"home_agent.ra.enabled\": expected true or false");
	assert_int_equal(count_lines(l.err), 6);
	loaded_free(&l);
}

static void
test_error_limit(void **state)
{
	char *text = NULL, *p;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct loaded l;

	(void)state;
	assert_non_null(f);
	(void)fputs("node: {role: mn}\n" MN_OK, f);
	for (int i = 0; i < 150; i++)
		(void)fprintf(f, "bad%d: 1\n", i);
	assert_int_equal(fclose(f), 0);
	load_text(&l, text);
	expect_fail(&l, 3, 1, "unknown key \"bad0\"");
	assert_int_equal(count_lines(l.err), 101);
	p = strstr(l.err, "50 more errors not shown");
	assert_non_null(p);
	loaded_free(&l);
	free(text);
}

static void
test_alias(void **state)
{
	(void)state;
	expect_only("node: {role: &r mn}\nmobile_node: {interface: *r, "
		    "home_address: 2001:db8::beef/64}\n",
		    2, 26, "aliases are not supported (*\"r\")");
	expect_only("node: {role: mn}\n" MN_OK "*x : y\n", 3, 1, "aliases are not supported");
}

static void
test_list_too_long(void **state)
{
	char text[8192];
	size_t o;
	struct loaded l;

	(void)state;
	o = (size_t)snprintf(text, sizeof(text),
			     "node: {role: mn}\n" MN_OK "dataplane:\n  eal_args: [");
	for (int i = 0; i < CONF_LIST_MAX; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s-a%d", i ? ", " : "", i);
	(void)snprintf(text + o, sizeof(text) - o, "]\n");
	expect_ok(&l, text);
	assert_int_equal(l.c->dataplane.n_eal_args, CONF_LIST_MAX);
	assert_string_equal(l.c->dataplane.eal_args[63], "-a63");
	loaded_free(&l);

	(void)snprintf(text + o, sizeof(text) - o, ", -a64]\n");
	expect_only(text, 4, 13, "\"dataplane.eal_args\": too many entries (65, at most 64)");
}

static void
test_bad_strings(void **state)
{
	char text[4096], name[CONF_NAME_MAX + 1];
	struct loaded l;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	(void)snprintf(text, sizeof(text), "node: {role: mn, name: %s}\n" MN_OK, name);
	expect_only(text, 1, 24, "\"node.name\": too long (64 bytes, at most 63)");
	name[CONF_NAME_MAX - 1] = '\0';
	(void)snprintf(text, sizeof(text), "node: {role: mn, name: %s}\n" MN_OK, name);
	expect_ok(&l, text);
	assert_string_equal(l.c->node.name, name);
	loaded_free(&l);

	expect_only("node: {role: mn, name: \"a\\0b\"}\n" MN_OK, 1, 24,
		    "\"node.name\": contains a NUL byte");
	expect_only(
		"node: {role: mn}\n" MN_OK "dataplane: {ports: [{name: a, device: eth0, "
		"tap: t}]}\n",
		3, 39,
		"\"dataplane.ports[0].device\": expected af_packet:IFACE, pci:BDF or vdev:DEVARGS, "
		"got \"eth0\"");
	expect_only("node: {role: mn}\nmobile_node: {interface: \"\", home_address: "
		    "2001:db8::beef/64}\n",
		    2, 26, "\"mobile_node.interface\": must not be empty (required for role mn)");
	expect_only("node: {role: mn}\n" MN_OK "dataplane: {ports: [{name: a, device: vdev:x, "
		    "tap: t}, {name: a, device: vdev:y, tap: u}]}\n",
		    3, 56, "\"dataplane.ports[1]\": duplicate port name \"a\"");
}

static void
test_hostile_input(void **state)
{
	size_t big = 5u << 20;
	char *text = malloc(big + 1);
	struct loaded l;

	(void)state;
	/* An explicit return, not assert_non_null(): gcc's -Warray-bounds under
	 * ASan otherwise assumes text may be NULL below. */
	if (text == NULL) {
		fail();
		return;
	}
	memset(text, '[', 100000);
	text[100000] = '\0';
	expect_only(text, 1, 33, "nested too deeply");

	memcpy(text, "node: {role: mn, name: ", 23);
	memset(text + 23, 'x', 1u << 20);
	memcpy(text + 23 + (1u << 20), "}\n" MN_OK, sizeof("}\n" MN_OK));
	expect_only(text, 1, 24, "too long (1048576 bytes, at most 63)");

	memset(text, '#', big);
	load_bytes(&l, text, big);
	expect_fail(&l, 0, 0, "file too large");
	loaded_free(&l);
	free(text);
}

static void
check_example(const struct conf *c)
{
	struct in6_addr a;

	assert_int_equal(c->node.role, CONF_ROLE_HA);
	assert_string_equal(c->node.name, "denali");
	assert_int_equal(c->shm.max_bindings, 1048576);
	assert_string_equal(c->control.socket, "/run/mip6ha/mip6ha.sock");
	assert_true(c->control.vty.set);
	assert_int_equal(c->control.vty.port, 7777);
	assert_int_equal(c->control.metrics.port, 9477);
	assert_int_equal(c->dataplane.n_ports, 2);
	assert_string_equal(c->dataplane.ports[0].device, "af_packet:veth-home");
	assert_string_equal(c->dataplane.ports[1].tap, "ha-core");
	assert_int_equal(c->home_agent.n_addresses, 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &a), 1);
	assert_memory_equal(&c->home_agent.addresses[0].addr, &a, sizeof(a));
	assert_int_equal(c->home_agent.addresses[0].len, 64);
	assert_int_equal(c->home_agent.home_prefixes[0].len, 64);
	assert_int_equal(c->home_agent.ra.max_interval, 10);
	assert_int_equal(c->home_agent.policy.n_rules, 1);
	assert_int_equal(c->home_agent.policy.rules[0].hoa.len, 128);
	assert_int_equal(c->home_agent.auth.n_keys, 0);
	assert_int_equal(c->mobile_node.max_binding_lifetime, 262140);
}

static void
test_example(void **state)
{
	struct loaded l;

	(void)state;
	load_path(&l, CONF_EXAMPLE_DIR "/mip6ha.yaml");
	if (!l.c) {
		/* cmocka's fail() is not marked noreturn, so the analyser needs the return. */
		fail_msg("%s", l.err);
		return;
	}
	assert_int_equal(l.err_len, 0);
	check_example(l.c);
	assert_string_equal(l.c->path, CONF_EXAMPLE_DIR "/mip6ha.yaml");
	loaded_free(&l);
}

static void
test_lab(void **state)
{
	struct loaded l;
	struct in6_addr a;

	(void)state;
	load_path(&l, CONF_EXAMPLE_DIR "/lab/ha.yaml");
	assert_non_null(l.c);
	assert_int_equal(l.c->node.role, CONF_ROLE_HA);
	assert_int_equal(l.c->control.log_level, CONF_LOG_DEBUG);
	assert_int_equal(l.c->dataplane.n_eal_args, 3);
	assert_string_equal(l.c->dataplane.eal_args[0], "--no-huge");
	assert_string_equal(l.c->dataplane.ports[1].tap, "ha-core");
	assert_string_equal(l.c->home_agent.interface, "ha-home");
	assert_int_equal(l.c->home_agent.ra.max_interval, 3);
	assert_int_equal(l.c->home_agent.ra.lifetime, 1800);
	loaded_free(&l);

	load_path(&l, CONF_EXAMPLE_DIR "/lab/mn.yaml");
	assert_non_null(l.c);
	assert_int_equal(l.c->node.role, CONF_ROLE_MN);
	assert_string_equal(l.c->node.name, "raven");
	assert_string_equal(l.c->mobile_node.interface, "eth0");
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::beef", &a), 1);
	assert_memory_equal(&l.c->mobile_node.home_address.addr, &a, sizeof(a));
	assert_int_equal(l.c->mobile_node.home_address.len, 64);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &a), 1);
	assert_memory_equal(&l.c->mobile_node.home_agent, &a, sizeof(a));
	loaded_free(&l);
}

static void
test_mn_defaults(void **state)
{
	struct loaded l;
	const struct conf *c;

	(void)state;
	load_path(&l, CONF_DATA_DIR "/mn-minimal.yaml");
	c = l.c;
	assert_non_null(c);
	assert_int_equal(c->node.role, CONF_ROLE_MN);
	assert_string_equal(c->node.name, "");
	assert_string_equal(c->shm.name, "mip6ha");
	assert_int_equal(c->shm.max_bindings, 1048576);
	assert_string_equal(c->control.socket, "/run/mip6ha/mip6ha.sock");
	assert_int_equal(c->control.log_level, CONF_LOG_INFO);
	/* Issue 7: the vty is on by default, on loopback port 7777. */
	assert_true(c->control.vty.set);
	assert_true(IN6_IS_ADDR_LOOPBACK(&c->control.vty.addr));
	assert_int_equal(c->control.vty.port, 7777);
	assert_false(c->control.metrics.set);
	assert_true(c->dataplane.enabled);
	assert_string_equal(c->dataplane.lcores, "0-1");
	assert_int_equal(c->dataplane.poll_mode, CONF_POLL_ADAPTIVE);
	assert_int_equal(c->dataplane.n_eal_args, 0);
	assert_int_equal(c->dataplane.n_ports, 0);
	assert_int_equal(c->home_agent.max_binding_lifetime, 262140);
	assert_int_equal(c->home_agent.preference, 0);
	assert_true(c->home_agent.ra.enabled);
	assert_int_equal(c->home_agent.ra.min_interval, 1);
	assert_int_equal(c->home_agent.ra.max_interval, 10);
	assert_int_equal(c->home_agent.ra.lifetime, 1800);
	assert_int_equal(c->home_agent.policy.default_action, CONF_ACTION_ALLOW);
	assert_false(c->home_agent.auth.required);
	assert_memory_equal(&c->mobile_node.home_agent, &in6addr_any, sizeof(in6addr_any));
	assert_int_equal(c->mobile_node.max_binding_lifetime, 262140);
	assert_string_equal(conf_role_name(c->node.role), "mn");
	assert_string_equal(conf_log_level_name(c->control.log_level), "info");
	loaded_free(&l);
}

static char *
print_to_string(const struct conf *c)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	conf_print(c, f);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void
roundtrip(const char *path)
{
	struct loaded a, b;
	char *t1, *t2, *t3;

	load_path(&a, path);
	if (!a.c)
		print_error("%s", a.err);
	assert_non_null(a.c);
	t1 = print_to_string(a.c);
	t2 = print_to_string(a.c);
	assert_string_equal(t1, t2);
	load_text(&b, t1);
	if (!b.c)
		print_error("%s\nin:\n%s", b.err, t1);
	assert_non_null(b.c);
	assert_true(conf_equal(a.c, b.c));
	t3 = print_to_string(b.c);
	assert_string_equal(t1, t3);
	loaded_free(&a);
	loaded_free(&b);
	free(t1);
	free(t2);
	free(t3);
}

static void
test_roundtrip(void **state)
{
	(void)state;
	roundtrip(CONF_EXAMPLE_DIR "/mip6ha.yaml");
	roundtrip(CONF_EXAMPLE_DIR "/lab/ha.yaml");
	roundtrip(CONF_EXAMPLE_DIR "/lab/mn.yaml");
	roundtrip(CONF_DATA_DIR "/mn-minimal.yaml");
	roundtrip(CONF_DATA_DIR "/ha-block.yaml");
}

static void
test_roundtrip_strings(void **state)
{
	static const char text[] =
		"node: {role: mn, name: \"q\\\"b\\\\t\\tc\\x01\\u00e9\\u0085\\u0080\\ufeff\"}\n"
		"control: {socket: '/tmp/a b#c: d'}\n" MN_OK;
	char path[64];

	(void)state;
	write_tmp(path, sizeof(path), text, sizeof(text) - 1);
	roundtrip(path);
	unlink(path);
}

static void
test_flow_equals_block(void **state)
{
	struct loaded a, b;

	(void)state;
	load_path(&a, CONF_DATA_DIR "/ha-block.yaml");
	load_path(&b, CONF_DATA_DIR "/ha-flow.yaml");
	assert_non_null(a.c);
	assert_non_null(b.c);
	assert_true(conf_equal(a.c, b.c));
	assert_int_equal(a.c->home_agent.policy.default_action, CONF_ACTION_DENY);
	assert_int_equal(a.c->home_agent.policy.rules[1].hoa.len, 48);
	assert_int_equal(a.c->home_agent.auth.keys[0].spi, 4294967295u);
	assert_true(a.c->home_agent.auth.required);
	assert_false(a.c->home_agent.ra.enabled);
	loaded_free(&a);
	loaded_free(&b);
}

static void
test_equal_sees_changes(void **state)
{
	struct loaded a, b;

	(void)state;
	load_path(&a, CONF_EXAMPLE_DIR "/mip6ha.yaml");
	load_path(&b, CONF_EXAMPLE_DIR "/mip6ha.yaml");
	assert_true(conf_equal(a.c, b.c));
	(void)snprintf(b.c->path, sizeof(b.c->path), "elsewhere");
	assert_true(conf_equal(a.c, b.c));
	b.c->dataplane.ports[1].tap[0] = 'X';
	assert_false(conf_equal(a.c, b.c));
	b.c->dataplane.ports[1].tap[0] = a.c->dataplane.ports[1].tap[0];
	b.c->home_agent.ra.lifetime++;
	assert_false(conf_equal(a.c, b.c));
	b.c->home_agent.ra.lifetime--;
	b.c->mobile_node.home_agent.s6_addr[15] ^= 1;
	assert_false(conf_equal(a.c, b.c));
	b.c->mobile_node.home_agent.s6_addr[15] ^= 1;
	b.c->home_agent.n_addresses = 0;
	assert_false(conf_equal(a.c, b.c));
	b.c->home_agent.n_addresses = 1;
	b.c->control.metrics.set = false;
	assert_false(conf_equal(a.c, b.c));
	b.c->control.metrics.set = true;
	assert_true(conf_equal(a.c, b.c));
	loaded_free(&a);
	loaded_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_bad_address),
		cmocka_unit_test(test_bad_prefix),
		cmocka_unit_test(test_prefix_length),
		cmocka_unit_test(test_integer_range),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_not_yaml),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_error_limit),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_list_too_long),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_lab),
		cmocka_unit_test(test_mn_defaults),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_strings),
		cmocka_unit_test(test_flow_equals_block),
		cmocka_unit_test(test_equal_sees_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
