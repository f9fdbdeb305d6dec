/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader. libyaml's event API builds a small tree of our own
 * (so aliases can be refused where they appear and nesting is bounded), then one
 * schema table drives loading, printing and comparing, so the three never drift.
 */
#include "conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#define CONF_FILE_MAX	(4u << 20)
#define CONF_DEPTH_MAX	32
#define CONF_ERRORS_MAX 100
#define CONF_FIELDS_MAX 16
#define CONF_QUOTE_MAX	64

enum ynode_type {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP,
	YN_BAD, /* an alias: already reported, skipped by the schema walk */
};

struct ynode {
	enum ynode_type type;
	bool plain;
	unsigned int line;
	unsigned int col;
	char *str; /* NUL-terminated, but a "\0" escape can put NULs before len */
	size_t len;
	struct ynode **kids; /* sequence items, or mapping keys and values alternating */
	size_t n;
	size_t cap;
};

struct conf_error {
	unsigned int line; /* 0 for errors about the whole file */
	unsigned int col;
	unsigned int seq;
	char *msg;
};

struct ctx {
	const char *path;
	FILE *errf;
	unsigned int nerr;
	int role; /* enum conf_role, or -1 while unknown */
	struct conf_error errs[CONF_ERRORS_MAX];
};

struct path {
	char s[160];
	size_t len;
};

struct qbuf {
	char s[CONF_QUOTE_MAX * 6 + 8];
};

enum ftype {
	FT_MAP,
	FT_LIST,
	FT_STR,
	FT_BOOL,
	FT_UINT,
	FT_ENUM,
	FT_ENDPOINT,
	FT_PREFIX,
	FT_ADDR,
};

enum freq {
	REQ_NO,
	REQ_ALWAYS,
	REQ_HA,
	REQ_MN,
};

#define FL_NONEMPTY 0x01u
#define FL_IFNAME   0x02u /* a Linux interface name */
#define FL_DEVICE   0x04u
#define FL_LCORES   0x08u
#define FL_SHMNAME  0x10u
#define FL_OPTIONAL 0x20u  /* a prefix that may be "" (unset) */
#define FL_NETWORK  0x40u  /* a prefix whose host bits must be zero */
#define FL_BARE	    0x80u  /* a prefix that may be a bare address (/128) */
#define FL_ZERO	    0x100u /* an integer that may also be 0 (unset) */

struct field {
	const char *key;
	enum ftype type;
	enum freq req;
	unsigned int flags;
	size_t off;   /* from the base of the enclosing struct */
	size_t size;  /* string buffer, integer width, or list element size */
	uint64_t min; /* integer range, or prefix length range */
	uint64_t max;
	const char *const *names; /* FT_ENUM, NULL-terminated, indexed by value */
	const struct field *sub;  /* FT_MAP: {0}-terminated fields; FT_LIST: the element */
	size_t n_off;		  /* FT_LIST: offset of the size_t count */
	void (*check)(struct ctx *x, const struct ynode *n, void *base);
};

static void conf_err(struct ctx *x, unsigned int line, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Kept until the end so they can be printed in file order, like a compiler's. */
static void
conf_err(struct ctx *x, unsigned int line, unsigned int col, const char *fmt, ...)
{
	struct conf_error *e;
	va_list ap;
	int n;

	if (x->nerr++ >= CONF_ERRORS_MAX)
		return;
	e = &x->errs[x->nerr - 1];
	e->line = line;
	e->col = col;
	e->seq = x->nerr;
	va_start(ap, fmt);
	n = vasprintf(&e->msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		e->msg = NULL;
}

static int
error_cmp(const void *a, const void *b)
{
	const struct conf_error *ea = a, *eb = b;

	if (ea->line != eb->line)
		return ea->line < eb->line ? -1 : 1;
	if (ea->col != eb->col)
		return ea->col < eb->col ? -1 : 1;
	return ea->seq < eb->seq ? -1 : 1;
}

static void
conf_flush(struct ctx *x)
{
	unsigned int n = x->nerr < CONF_ERRORS_MAX ? x->nerr : CONF_ERRORS_MAX;

	qsort(x->errs, n, sizeof(x->errs[0]), error_cmp);
	for (unsigned int i = 0; i < n; i++) {
		const struct conf_error *e = &x->errs[i];

		if (e->line)
			(void)fprintf(x->errf, "%s:%u:%u: ", x->path, e->line, e->col);
		else
			(void)fprintf(x->errf, "%s: ", x->path);
		(void)fprintf(x->errf, "%s\n", e->msg ? e->msg : "out of memory");
		free(e->msg);
	}
	if (x->nerr > CONF_ERRORS_MAX)
		(void)fprintf(x->errf, "%s: %u more errors not shown\n", x->path,
			      x->nerr - CONF_ERRORS_MAX);
}

#define node_err(x, n, ...) conf_err((x), (n)->line, (n)->col, __VA_ARGS__)

/* Quote untrusted text for a message that must stay on one line. */
static const char *
quote(struct qbuf *q, const char *s, size_t len)
{
	size_t o = 0;

	q->s[o++] = '"';
	for (size_t i = 0; i < len && i < CONF_QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			q->s[o++] = '\\';
			q->s[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(q->s + o, sizeof(q->s) - o, "\\x%02x", ch);
		} else {
			q->s[o++] = (char)ch;
		}
	}
	q->s[o++] = '"';
	if (len > CONF_QUOTE_MAX) {
		memcpy(q->s + o, "...", 3);
		o += 3;
	}
	q->s[o] = '\0';
	return q->s;
}

static const char *
qnode(struct qbuf *q, const struct ynode *n)
{
	return quote(q, n->str, n->len);
}

static const char *
kind(const struct ynode *n)
{
	switch (n->type) {
	case YN_SCALAR:
		return "a scalar";
	case YN_SEQ:
		return "a sequence";
	case YN_MAP:
		return "a mapping";
	default:
		return "an alias";
	}
}

static void
node_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

static struct ynode *
node_new(enum ynode_type type, const yaml_mark_t *m)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (n) {
		n->type = type;
		n->line = (unsigned int)m->line + 1;
		n->col = (unsigned int)m->column + 1;
	}
	return n;
}

static struct ynode *
scalar_new(const yaml_event_t *ev)
{
	struct ynode *n = node_new(YN_SCALAR, &ev->start_mark);

	if (!n)
		return NULL;
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->str = malloc(n->len + 1);
	if (!n->str) {
		free(n);
		return NULL;
	}
	memcpy(n->str, ev->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	return n;
}

struct builder {
	struct ctx *x;
	struct ynode *root;
	struct ynode *stack[CONF_DEPTH_MAX];
	size_t depth;
	unsigned int docs;
	bool failed;
};

static bool
builder_attach(struct builder *b, struct ynode *n)
{
	struct ynode *parent;

	if (b->depth == 0) {
		b->root = n;
		return true;
	}
	parent = b->stack[b->depth - 1];
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct ynode **kids = realloc(parent->kids, cap * sizeof(struct ynode *));

		if (!kids) {
			node_free(n);
			return false;
		}
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = n;
	return true;
}

static bool
builder_fail(struct builder *b, const yaml_mark_t *m, const char *msg)
{
	conf_err(b->x, (unsigned int)m->line + 1, (unsigned int)m->column + 1, "%s", msg);
	b->failed = true;
	return false;
}

static bool
builder_event(struct builder *b, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n;
	struct qbuf q;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs == 1)
			return true;
		return builder_fail(b, m, "more than one YAML document (expected exactly one)");
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return true;
	case YAML_ALIAS_EVENT:
		conf_err(b->x, (unsigned int)m->line + 1, (unsigned int)m->column + 1,
			 "aliases are not supported (*%s): write the value out",
			 quote(&q, (const char *)ev->data.alias.anchor,
			       strlen((const char *)ev->data.alias.anchor)));
		n = node_new(YN_BAD, m);
		break;
	case YAML_SCALAR_EVENT:
		n = scalar_new(ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		n = node_new(YN_SEQ, m);
		break;
	case YAML_MAPPING_START_EVENT:
		n = node_new(YN_MAP, m);
		break;
	default:
		return true;
	}
	if (!n || !builder_attach(b, n))
		return builder_fail(b, m, "out of memory");
	if (n->type == YN_SEQ || n->type == YN_MAP) {
		if (b->depth == CONF_DEPTH_MAX)
			return builder_fail(b, m, "nested too deeply (more than 32 levels)");
		b->stack[b->depth++] = n;
	}
	return true;
}

static void
offset_to_mark(const unsigned char *buf, size_t len, size_t off, unsigned int *line,
	       unsigned int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void
parser_error(struct ctx *x, const yaml_parser_t *p, const unsigned char *buf, size_t len)
{
	unsigned int line = (unsigned int)p->problem_mark.line + 1;
	unsigned int col = (unsigned int)p->problem_mark.column + 1;
	const char *problem = p->problem ? p->problem : "not valid YAML";

	if (p->error == YAML_MEMORY_ERROR) {
		conf_err(x, 0, 0, "out of memory");
	} else if (p->error == YAML_READER_ERROR) {
		offset_to_mark(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			conf_err(x, line, col, "%s (0x%02x)", problem, (unsigned)p->problem_value);
		else
			conf_err(x, line, col, "%s", problem);
	} else if (p->context) {
		conf_err(x, line, col, "%s (%s at %u:%u)", problem, p->context,
			 (unsigned int)p->context_mark.line + 1,
			 (unsigned int)p->context_mark.column + 1);
	} else {
		conf_err(x, line, col, "%s", problem);
	}
}

static struct ynode *
tree_parse(struct ctx *x, const unsigned char *buf, size_t len)
{
	struct builder b = {.x = x};
	yaml_parser_t p;
	yaml_event_t ev;
	bool more = true;

	if (!yaml_parser_initialize(&p)) {
		conf_err(x, 0, 0, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, buf, len);
	while (more) {
		if (!yaml_parser_parse(&p, &ev)) {
			parser_error(x, &p, buf, len);
			b.failed = true;
			break;
		}
		more = builder_event(&b, &ev) && ev.type != YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (b.failed) {
		node_free(b.root);
		return NULL;
	}
	return b.root;
}

static unsigned char *
read_file(struct ctx *x, size_t *lenp)
{
	FILE *f = fopen(x->path, "rb");
	size_t len = 0, cap = 4096, n;
	unsigned char *buf, *nbuf;

	if (!f) {
		conf_err(x, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	do {
		if (buf && len == cap) {
			nbuf = realloc(buf, cap * 2);
			if (!nbuf)
				free(buf);
			buf = nbuf;
			cap *= 2;
		}
		if (!buf) {
			conf_err(x, 0, 0, "out of memory");
			goto fail;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0 && len <= CONF_FILE_MAX);
	if (ferror(f)) {
		conf_err(x, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (len > CONF_FILE_MAX) {
		conf_err(x, 0, 0, "file too large (more than %u bytes)", CONF_FILE_MAX);
		goto fail;
	}
	(void)fclose(f);
	*lenp = len;
	return buf;
fail:
	free(buf);
	(void)fclose(f);
	return NULL;
}

/* YAML's null spellings count as "not given" for sections, lists and strings. */
static const char *
scalar_text(const struct ynode *n)
{
	static const char *const nulls[] = {"~", "null", "Null", "NULL"};

	if (n->plain)
		for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
			if (!strcmp(n->str, nulls[i]))
				return "";
	return n->str;
}

static bool
is_null(const struct ynode *n)
{
	return n->type == YN_SCALAR && n->plain && !*scalar_text(n);
}

static bool
key_is(const struct ynode *k, const char *key)
{
	return k->type == YN_SCALAR && k->len == strlen(key) && !memcmp(k->str, key, k->len);
}

static const struct ynode *
map_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (key_is(map->kids[i], key))
			return map->kids[i + 1];
	return NULL;
}

static size_t
path_push(struct path *p, const char *key)
{
	size_t old = p->len;
	int n = snprintf(p->s + old, sizeof(p->s) - old, "%s%s", old ? "." : "", key);

	if (n > 0)
		p->len = old + (size_t)n < sizeof(p->s) ? old + (size_t)n : sizeof(p->s) - 1;
	return old;
}

static size_t
path_push_index(struct path *p, size_t i)
{
	size_t old = p->len;
	int n = snprintf(p->s + old, sizeof(p->s) - old, "[%zu]", i);

	if (n > 0)
		p->len = old + (size_t)n < sizeof(p->s) ? old + (size_t)n : sizeof(p->s) - 1;
	return old;
}

static void
path_pop(struct path *p, size_t old)
{
	p->len = old;
	p->s[old] = '\0';
}

static uint64_t
uint_load(const void *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static void
uint_store(void *p, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static bool
uint_parse(const char *s, uint64_t *v)
{
	size_t n = strspn(s, "0123456789");

	/* 19 digits always fit in 64 bits, and no range we use needs more. */
	if (n == 0 || n > 19 || s[n])
		return false;
	*v = strtoull(s, NULL, 10);
	return true;
}

static bool
ifname_ok(const char *s)
{
	if (strlen(s) >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static bool
device_ok(const char *s)
{
	static const char *const kinds[] = {"af_packet:", "pci:", "vdev:"};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i]);

		if (!strncmp(s, kinds[i], n) && s[n])
			return true;
	}
	return false;
}

static const char *
str_problem(const struct field *f, const char *s)
{
	if ((f->flags & FL_IFNAME) && !ifname_ok(s))
		return "expected an interface name (at most 15 bytes, no '/', ':' or spaces)";
	if ((f->flags & FL_DEVICE) && !device_ok(s))
		return "expected af_packet:IFACE, pci:BDF or vdev:DEVARGS";
	if ((f->flags & FL_LCORES) && s[strspn(s, "0123456789,-")])
		return "expected a CPU list such as \"0-1\" or \"0,2-3\"";
	if ((f->flags & FL_SHMNAME) &&
	    s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")])
		return "expected a name of letters, digits, '.', '_' and '-'";
	return NULL;
}

static void
parse_str(struct ctx *x, const struct field *f, const struct ynode *v, void *dst, const char *path)
{
	const char *s = scalar_text(v);
	size_t len = strlen(s);
	const char *problem;
	struct qbuf q;

	if (len >= f->size) {
		node_err(x, v, "\"%s\": too long (%zu bytes, at most %zu)", path, len, f->size - 1);
		return;
	}
	problem = str_problem(f, s);
	if (problem) {
		node_err(x, v, "\"%s\": %s, got %s", path, problem, quote(&q, s, len));
		return;
	}
	memset(dst, 0, f->size);
	memcpy(dst, s, len);
}

static void
parse_bool(struct ctx *x, const struct ynode *v, bool *dst, const char *path)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};
	const char *s = scalar_text(v);
	struct qbuf q;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*dst = true;
			return;
		}
		if (!strcasecmp(s, no[i])) {
			*dst = false;
			return;
		}
	}
	node_err(x, v, "\"%s\": expected true or false, got %s", path, qnode(&q, v));
}

static void
parse_uint(struct ctx *x, const struct field *f, const struct ynode *v, void *dst, const char *path)
{
	uint64_t u;
	struct qbuf q;

	if (!uint_parse(scalar_text(v), &u) ||
	    ((u < f->min || u > f->max) && !(u == 0 && (f->flags & FL_ZERO)))) {
		node_err(x, v, "\"%s\": expected %s%" PRIu64 "..%" PRIu64 ", got %s", path,
			 f->flags & FL_ZERO ? "0 or an integer " : "an integer ", f->min, f->max,
			 qnode(&q, v));
		return;
	}
	uint_store(dst, f->size, u);
}

static void
parse_enum(struct ctx *x, const struct field *f, const struct ynode *v, void *dst, const char *path)
{
	const char *s = scalar_text(v);
	char list[128];
	size_t o = 0;
	struct qbuf q;

	for (size_t i = 0; f->names[i]; i++) {
		if (!strcmp(s, f->names[i])) {
			uint_store(dst, f->size, i);
			return;
		}
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				      f->names[i]);
	}
	node_err(x, v, "\"%s\": expected one of %s, got %s", path, list, qnode(&q, v));
}

static bool
port_parse(const char *s, uint16_t *port)
{
	uint64_t u;

	if (!uint_parse(s, &u) || u < 1 || u > 65535)
		return false;
	*port = (uint16_t)u;
	return true;
}

static bool
endpoint_parse(const char *s, struct conf_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN];
	const char *h = s, *colon;
	size_t hl;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return false;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return false;
		hl = (size_t)(colon - s);
	}
	if (hl >= sizeof(host))
		return false;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET6, host, &ep->addr) != 1 || !port_parse(colon + 1, &ep->port))
		return false;
	ep->set = true;
	return true;
}

static void
parse_endpoint(struct ctx *x, const struct ynode *v, struct conf_endpoint *dst, const char *path)
{
	const char *s = scalar_text(v);
	struct conf_endpoint ep = {0};
	struct qbuf q;

	if (*s && !endpoint_parse(s, &ep)) {
		node_err(x, v,
			 "\"%s\": expected \"[IPV6-ADDRESS]:PORT\" with a port 1..65535, got %s",
			 path, qnode(&q, v));
		return;
	}
	*dst = ep;
}

static bool
host_bits_zero(const struct conf_prefix *p, struct in6_addr *net)
{
	bool zero = true;

	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = p->len >= 8 * (i + 1) ? 8 : p->len > 8 * i ? p->len - 8 * i : 0;
		uint8_t mask = (uint8_t)(0xff00u >> bits);

		net->s6_addr[i] = p->addr.s6_addr[i] & mask;
		if (net->s6_addr[i] != p->addr.s6_addr[i])
			zero = false;
	}
	return zero;
}

/* Returns false when the text is not ADDR/LEN (or ADDR where allowed) at all. */
static bool
prefix_split(const struct field *f, const char *s, struct conf_prefix *p, uint64_t *len)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);

	if ((!slash && !(f->flags & FL_BARE)) || hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET6, host, &p->addr) != 1)
		return false;
	*len = 128;
	return !slash || uint_parse(slash + 1, len);
}

static void
parse_prefix(struct ctx *x, const struct field *f, const struct ynode *v, void *dst,
	     const char *path)
{
	const char *s = scalar_text(v);
	struct conf_prefix p = {0};
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr net;
	uint64_t len;
	struct qbuf q;

	if (!*s && (f->flags & FL_OPTIONAL)) {
		memcpy(dst, &p, sizeof(p));
		return;
	}
	if (!prefix_split(f, s, &p, &len)) {
		node_err(x, v, "\"%s\": bad IPv6 prefix %s (expected ADDRESS/LENGTH%s)", path,
			 qnode(&q, v), f->flags & FL_BARE ? " or ADDRESS" : "");
		return;
	}
	if (len < f->min || len > f->max) {
		node_err(x, v,
			 "\"%s\": prefix length %" PRIu64 " out of range %" PRIu64 "..%" PRIu64,
			 path, len, f->min, f->max);
		return;
	}
	p.len = (uint8_t)len;
	if ((f->flags & FL_NETWORK) && !host_bits_zero(&p, &net)) {
		node_err(x, v, "\"%s\": host bits set in %s (did you mean %s/%u?)", path,
			 qnode(&q, v), inet_ntop(AF_INET6, &net, buf, sizeof(buf)), p.len);
		return;
	}
	memcpy(dst, &p, sizeof(p));
}

static void
parse_addr(struct ctx *x, const struct ynode *v, void *dst, const char *path)
{
	struct in6_addr a;
	struct qbuf q;

	if (inet_pton(AF_INET6, scalar_text(v), &a) != 1) {
		node_err(x, v, "\"%s\": bad IPv6 address %s", path, qnode(&q, v));
		return;
	}
	memcpy(dst, &a, sizeof(a));
}

static bool
required_now(const struct ctx *x, const struct field *f)
{
	return f->req == REQ_ALWAYS || (f->req == REQ_HA && x->role == CONF_ROLE_HA) ||
	       (f->req == REQ_MN && x->role == CONF_ROLE_MN);
}

static const char *
role_note(const struct field *f)
{
	switch (f->req) {
	case REQ_HA:
		return " (required for role ha)";
	case REQ_MN:
		return " (required for role mn)";
	default:
		return "";
	}
}

static void
parse_scalar(struct ctx *x, const struct field *f, const struct ynode *v, void *dst,
	     const char *path)
{
	if (memchr(v->str, '\0', v->len)) {
		node_err(x, v, "\"%s\": contains a NUL byte", path);
		return;
	}
	if (!*scalar_text(v) && (required_now(x, f) || (f->flags & FL_NONEMPTY))) {
		node_err(x, v, "\"%s\": must not be empty%s", path, role_note(f));
		return;
	}
	switch (f->type) {
	case FT_STR:
		parse_str(x, f, v, dst, path);
		break;
	case FT_BOOL:
		parse_bool(x, v, dst, path);
		break;
	case FT_UINT:
		parse_uint(x, f, v, dst, path);
		break;
	case FT_ENUM:
		parse_enum(x, f, v, dst, path);
		break;
	case FT_ENDPOINT:
		parse_endpoint(x, v, dst, path);
		break;
	case FT_PREFIX:
		parse_prefix(x, f, v, dst, path);
		break;
	default:
		parse_addr(x, v, dst, path);
		break;
	}
}

static void
report_missing(struct ctx *x, const struct field *fields, const struct ynode *const *seen,
	       const struct ynode *at, struct path *p)
{
	for (size_t i = 0; fields[i].key; i++) {
		const struct field *f = &fields[i];
		size_t old;

		if (seen && seen[i])
			continue;
		old = path_push(p, f->key);
		if (f->type == FT_MAP)
			report_missing(x, f->sub, NULL, at, p);
		else if (required_now(x, f))
			node_err(x, at, "missing required key \"%s\"%s", p->s, role_note(f));
		path_pop(p, old);
	}
}

static void
unknown_key(struct ctx *x, const struct field *fields, const struct ynode *k, const struct path *p)
{
	char list[256];
	size_t o = 0;
	struct qbuf q;

	list[0] = '\0';
	for (size_t i = 0; fields[i].key && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				      fields[i].key);
	if (p->len)
		node_err(x, k, "unknown key %s in \"%s\" (expected one of: %s)", qnode(&q, k), p->s,
			 list);
	else
		node_err(x, k, "unknown key %s (expected one of: %s)", qnode(&q, k), list);
}

static int
field_index(const struct field *fields, const struct ynode *k)
{
	for (int i = 0; fields[i].key; i++)
		if (key_is(k, fields[i].key))
			return i;
	return -1;
}

static void walk_value(struct ctx *x, const struct field *f, const struct ynode *v, void *base,
		       struct path *p);

static void
walk_map(struct ctx *x, const struct field *fields, const struct ynode *map, void *base,
	 struct path *p)
{
	const struct ynode *seen[CONF_FIELDS_MAX] = {0};

	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->kids[i];
		int idx = field_index(fields, k);
		size_t old;

		if (k->type == YN_BAD)
			continue;
		if (k->type != YN_SCALAR) {
			node_err(x, k, "a mapping key must be a scalar, got %s", kind(k));
			continue;
		}
		if (idx < 0) {
			unknown_key(x, fields, k, p);
			continue;
		}
		if (seen[idx]) {
			node_err(x, k, "duplicate key \"%s\" (first at %u:%u)", fields[idx].key,
				 seen[idx]->line, seen[idx]->col);
			continue;
		}
		seen[idx] = k;
		old = path_push(p, fields[idx].key);
		walk_value(x, &fields[idx], map->kids[i + 1], base, p);
		path_pop(p, old);
	}
	report_missing(x, fields, seen, map, p);
}

static void
walk_list(struct ctx *x, const struct field *f, const struct ynode *v, void *base, struct path *p)
{
	size_t *count = (size_t *)((char *)base + f->n_off);
	unsigned int before = x->nerr;

	*count = 0;
	if (!is_null(v) && v->type != YN_SEQ) {
		node_err(x, v, "\"%s\": expected a sequence, got %s", p->s, kind(v));
		return;
	}
	if (v->n > CONF_LIST_MAX) {
		node_err(x, v, "\"%s\": too many entries (%zu, at most %d)", p->s, v->n,
			 CONF_LIST_MAX);
		return;
	}
	if (v->n == 0 && required_now(x, f)) {
		node_err(x, v, "\"%s\": must not be empty%s", p->s, role_note(f));
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		size_t old = path_push_index(p, i);

		walk_value(x, f->sub, v->kids[i], (char *)base + f->off + i * f->size, p);
		path_pop(p, old);
	}
	*count = v->n;
	if (f->check && x->nerr == before)
		f->check(x, v, base);
}

static void
walk_value(struct ctx *x, const struct field *f, const struct ynode *v, void *base, struct path *p)
{
	unsigned int before = x->nerr;

	if (v->type == YN_BAD)
		return;
	if (f->type == FT_LIST) {
		walk_list(x, f, v, base, p);
	} else if (f->type == FT_MAP) {
		if (is_null(v))
			report_missing(x, f->sub, NULL, v, p);
		else if (v->type != YN_MAP)
			node_err(x, v, "\"%s\": expected a mapping, got %s", p->s, kind(v));
		else
			walk_map(x, f->sub, v, (char *)base + f->off, p);
		if (f->check && v->type == YN_MAP && x->nerr == before)
			f->check(x, v, (char *)base + f->off);
	} else if (v->type != YN_SCALAR) {
		node_err(x, v, "\"%s\": expected a scalar, got %s", p->s, kind(v));
	} else {
		parse_scalar(x, f, v, (char *)base + f->off, p->s);
	}
}

static void
ra_check(struct ctx *x, const struct ynode *n, void *base)
{
	const struct conf *c = base;

	/*
	 * RFC 4861 §6.2.1 also caps MinRtrAdvInterval at 0.75 * MaxRtrAdvInterval;
	 * only the order is enforced so a lab can advertise almost evenly.
	 */
	if (c->home_agent.ra.min_interval >= c->home_agent.ra.max_interval)
		node_err(x, n,
			 "\"home_agent.ra\": min_interval %" PRIu32
			 " must be less than max_interval %" PRIu32,
			 c->home_agent.ra.min_interval, c->home_agent.ra.max_interval);
}

static void
ports_check(struct ctx *x, const struct ynode *n, void *base)
{
	const struct conf *c = base;
	const struct conf_port *pt = c->dataplane.ports;
	struct qbuf q;

	for (size_t i = 0; i < c->dataplane.n_ports; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(pt[i].name, pt[j].name))
				node_err(x, n->kids[i],
					 "\"dataplane.ports[%zu]\": duplicate port name %s (also "
					 "ports[%zu])",
					 i, quote(&q, pt[i].name, strlen(pt[i].name)), j);
			if (!strcmp(pt[i].tap, pt[j].tap))
				node_err(x, n->kids[i],
					 "\"dataplane.ports[%zu]\": duplicate tap %s (also "
					 "ports[%zu])",
					 i, quote(&q, pt[i].tap, strlen(pt[i].tap)), j);
		}
	}
}

static void
keys_check(struct ctx *x, const struct ynode *n, void *base)
{
	const struct conf *c = base;
	const struct conf_key *k = c->home_agent.auth.keys;

	for (size_t i = 0; i < c->home_agent.auth.n_keys; i++)
		for (size_t j = 0; j < i; j++)
			if (k[i].spi == k[j].spi)
				node_err(x, n->kids[i],
					 "\"home_agent.auth.keys[%zu]\": duplicate spi %" PRIu32
					 " (also keys[%zu])",
					 i, k[i].spi, j);
}

static void
mn_auth_check(struct ctx *x, const struct ynode *n, void *base)
{
	const struct conf_key *k = &((const struct conf *)base)->mobile_node.auth;

	if ((k->spi != 0) != (k->key_file[0] != 0))
		node_err(x, n, "\"mobile_node.auth\": spi and key_file go together");
}

#define MSIZE(T, m) sizeof(((T *)0)->m)
#define ESIZE(T, m) sizeof((((T *)0)->m)[0])
#define F_STR(T, k, m, fl, rq)                                                                     \
	{                                                                                          \
		.key = (k), .type = FT_STR, .off = offsetof(T, m), .size = MSIZE(T, m),            \
		.flags = (fl), .req = (rq)                                                         \
	}
#define F_UINT(T, k, m, lo, hi, rq)                                                                \
	{                                                                                          \
		.key = (k), .type = FT_UINT, .off = offsetof(T, m), .size = MSIZE(T, m),           \
		.min = (lo), .max = (hi), .req = (rq)                                              \
	}
#define F_UINT0(T, k, m, lo, hi)                                                                   \
	{                                                                                          \
		.key = (k), .type = FT_UINT, .off = offsetof(T, m), .size = MSIZE(T, m),           \
		.min = (lo), .max = (hi), .flags = FL_ZERO, .req = REQ_NO                          \
	}
#define F_BOOL(T, k, m)                                                                            \
	{                                                                                          \
		.key = (k), .type = FT_BOOL, .off = offsetof(T, m), .size = MSIZE(T, m)            \
	}
#define F_ENUM(T, k, m, nm, rq)                                                                    \
	{                                                                                          \
		.key = (k), .type = FT_ENUM, .off = offsetof(T, m), .size = MSIZE(T, m),           \
		.names = (nm), .req = (rq)                                                         \
	}
#define F_ENDPOINT(T, k, m)                                                                        \
	{                                                                                          \
		.key = (k), .type = FT_ENDPOINT, .off = offsetof(T, m), .size = MSIZE(T, m)        \
	}
#define F_PREFIX(T, k, m, lo, fl, rq)                                                              \
	{                                                                                          \
		.key = (k), .type = FT_PREFIX, .off = offsetof(T, m), .size = MSIZE(T, m),         \
		.min = (lo), .max = 128, .flags = (fl), .req = (rq)                                \
	}
#define F_ADDR(T, k, m, rq)                                                                        \
	{                                                                                          \
		.key = (k), .type = FT_ADDR, .off = offsetof(T, m), .size = MSIZE(T, m),           \
		.req = (rq)                                                                        \
	}
#define F_MAP(k, s, chk)                                                                           \
	{                                                                                          \
		.key = (k), .type = FT_MAP, .sub = (s), .check = (chk)                             \
	}
#define F_LIST(T, k, m, cnt, el, rq, chk)                                                          \
	{                                                                                          \
		.key = (k), .type = FT_LIST, .off = offsetof(T, m), .size = ESIZE(T, m),           \
		.n_off = offsetof(T, cnt), .sub = (el), .req = (rq), .check = (chk)                \
	}

static const char *const role_names[] = {"ha", "mn", NULL};
static const char *const log_level_names[] = {"error", "warn", "info", "debug", NULL};
static const char *const poll_mode_names[] = {"adaptive", "busy", NULL};
static const char *const action_names[] = {"allow", "deny", NULL};
static const char *const auth_alg_names[] = {"hmac-sha1", "hmac-sha256", NULL};
static const char *const replay_names[] = {"timestamp", "sequence", NULL};

static const struct field node_fields[] = {
	F_ENUM(struct conf, "role", node.role, role_names, REQ_ALWAYS),
	F_STR(struct conf, "name", node.name, 0, REQ_NO),
	{0},
};

static const struct field shm_fields[] = {
	F_STR(struct conf, "name", shm.name, FL_NONEMPTY | FL_SHMNAME, REQ_NO),
	F_UINT(struct conf, "max_bindings", shm.max_bindings, 1, 16777216, REQ_NO),
	{0},
};

static const struct field control_fields[] = {
	F_STR(struct conf, "socket", control.socket, FL_NONEMPTY, REQ_NO),
	F_ENUM(struct conf, "log_level", control.log_level, log_level_names, REQ_NO),
	F_UINT(struct conf, "busy_poll_us", control.busy_poll_us, 0, 100000, REQ_NO),
	F_ENDPOINT(struct conf, "vty", control.vty),
	F_ENDPOINT(struct conf, "metrics", control.metrics),
	F_UINT(struct conf, "metrics_max_bindings", control.metrics_max_bindings, 0, 16777216,
	       REQ_NO),
	{0},
};

static const struct field eal_arg_elem = {.type = FT_STR, .size = CONF_EAL_ARG_MAX};

static const struct field port_fields[] = {
	F_STR(struct conf_port, "name", name, 0, REQ_ALWAYS),
	F_STR(struct conf_port, "device", device, FL_DEVICE, REQ_ALWAYS),
	F_STR(struct conf_port, "tap", tap, FL_IFNAME, REQ_ALWAYS),
	{0},
};

static const struct field port_elem = F_MAP(NULL, port_fields, NULL);

static const struct field dataplane_fields[] = {
	F_BOOL(struct conf, "enabled", dataplane.enabled),
	F_STR(struct conf, "lcores", dataplane.lcores, FL_NONEMPTY | FL_LCORES, REQ_NO),
	F_LIST(struct conf, "eal_args", dataplane.eal_args, dataplane.n_eal_args, &eal_arg_elem,
	       REQ_NO, NULL),
	F_ENUM(struct conf, "poll_mode", dataplane.poll_mode, poll_mode_names, REQ_NO),
	F_UINT(struct conf, "tunnel_hop_limit", dataplane.tunnel_hop_limit, 1, 255, REQ_NO),
	F_UINT(struct conf, "encap_limit", dataplane.encap_limit, 0, CONF_ENCAP_LIMIT_NONE, REQ_NO),
	F_UINT(struct conf, "icmp_rate", dataplane.icmp_rate, 0, 1000000, REQ_NO),
	F_UINT(struct conf, "icmp_burst", dataplane.icmp_burst, 1, 100000, REQ_NO),
	F_UINT(struct conf, "signalling_rate", dataplane.signalling_rate, 0, 10000000, REQ_NO),
	F_UINT(struct conf, "signalling_known_rate", dataplane.signalling_known_rate, 0, 10000000,
	       REQ_NO),
	F_UINT(struct conf, "mbufs", dataplane.mbufs, 0, 16777216, REQ_NO),
	F_BOOL(struct conf, "mirror_kernel", dataplane.mirror_kernel),
	F_LIST(struct conf, "ports", dataplane.ports, dataplane.n_ports, &port_elem, REQ_NO,
	       ports_check),
	{0},
};

static const struct field address_elem = {.type = FT_PREFIX, .min = 1, .max = 128};
static const struct field home_prefix_elem = {
	.type = FT_PREFIX, .min = 1, .max = 128, .flags = FL_NETWORK};

static const struct field ra_fields[] = {
	F_BOOL(struct conf, "enabled", home_agent.ra.enabled),
	F_UINT(struct conf, "min_interval", home_agent.ra.min_interval, 1, 1800, REQ_NO),
	F_UINT(struct conf, "max_interval", home_agent.ra.max_interval, 1, 1800, REQ_NO),
	F_UINT(struct conf, "lifetime", home_agent.ra.lifetime, 0, 65535, REQ_NO),
	{0},
};

static const struct field rule_fields[] = {
	F_PREFIX(struct conf_rule, "hoa", hoa, 0, FL_BARE, REQ_ALWAYS),
	F_ENUM(struct conf_rule, "action", action, action_names, REQ_ALWAYS),
	F_UINT0(struct conf_rule, "status", status, 128, 255),
	{0},
};

static const struct field rule_elem = F_MAP(NULL, rule_fields, NULL);

static const struct field policy_fields[] = {
	F_ENUM(struct conf, "default", home_agent.policy.default_action, action_names, REQ_NO),
	F_LIST(struct conf, "rules", home_agent.policy.rules, home_agent.policy.n_rules, &rule_elem,
	       REQ_NO, NULL),
	{0},
};

static const struct field rate_fields[] = {
	F_UINT(struct conf, "bu_per_source", home_agent.rate_limits.bu_per_source, 0, 10000000,
	       REQ_NO),
	F_UINT(struct conf, "bu_total", home_agent.rate_limits.bu_total, 0, 10000000, REQ_NO),
	F_UINT(struct conf, "errors", home_agent.rate_limits.errors, 0, 10000000, REQ_NO),
	F_UINT(struct conf, "dhaad", home_agent.rate_limits.dhaad, 0, 10000000, REQ_NO),
	{0},
};

/* RFC 4285: SPIs 0-255 are reserved. */
static const struct field key_fields[] = {
	F_UINT(struct conf_key, "spi", spi, 256, 4294967295u, REQ_ALWAYS),
	F_ADDR(struct conf_key, "hoa", hoa, REQ_ALWAYS),
	F_STR(struct conf_key, "key_file", key_file, 0, REQ_ALWAYS),
	F_ENUM(struct conf_key, "algorithm", algorithm, auth_alg_names, REQ_NO),
	F_ENUM(struct conf_key, "replay", replay, replay_names, REQ_NO),
	{0},
};

/* The mobile node's own key: its Home Address is mobile_node.home_address. */
static const struct field mn_auth_fields[] = {
	F_UINT0(struct conf, "spi", mobile_node.auth.spi, 256, 4294967295u),
	F_STR(struct conf, "key_file", mobile_node.auth.key_file, 0, REQ_NO),
	F_ENUM(struct conf, "algorithm", mobile_node.auth.algorithm, auth_alg_names, REQ_NO),
	F_ENUM(struct conf, "replay", mobile_node.auth.replay, replay_names, REQ_NO),
	{0},
};

static const struct field key_elem = F_MAP(NULL, key_fields, NULL);

static const struct field auth_fields[] = {
	F_BOOL(struct conf, "required", home_agent.auth.required),
	F_UINT(struct conf, "replay_window", home_agent.auth.replay_window, 1, 3600, REQ_NO),
	F_LIST(struct conf, "keys", home_agent.auth.keys, home_agent.auth.n_keys, &key_elem, REQ_NO,
	       keys_check),
	{0},
};

/* RFC 6275 §6.1.7: the lifetime field counts 4-second units in 16 bits. */
static const struct field home_agent_fields[] = {
	F_STR(struct conf, "interface", home_agent.interface, FL_IFNAME, REQ_HA),
	F_LIST(struct conf, "addresses", home_agent.addresses, home_agent.n_addresses,
	       &address_elem, REQ_HA, NULL),
	F_LIST(struct conf, "home_prefixes", home_agent.home_prefixes, home_agent.n_home_prefixes,
	       &home_prefix_elem, REQ_HA, NULL),
	F_UINT(struct conf, "max_binding_lifetime", home_agent.max_binding_lifetime, 0, 262140,
	       REQ_NO),
	F_UINT(struct conf, "preference", home_agent.preference, 0, 65535, REQ_NO),
	F_BOOL(struct conf, "dad", home_agent.dad),
	F_MAP("ra", ra_fields, ra_check),
	F_MAP("policy", policy_fields, NULL),
	F_MAP("rate_limits", rate_fields, NULL),
	F_MAP("auth", auth_fields, NULL),
	{0},
};

static const struct field mobile_node_fields[] = {
	F_STR(struct conf, "interface", mobile_node.interface, FL_IFNAME, REQ_MN),
	F_STR(struct conf, "tunnel", mobile_node.tunnel, FL_IFNAME, REQ_NO),
	F_PREFIX(struct conf, "home_address", mobile_node.home_address, 1, FL_OPTIONAL, REQ_MN),
	F_ADDR(struct conf, "home_agent", mobile_node.home_agent, REQ_NO),
	F_UINT(struct conf, "max_binding_lifetime", mobile_node.max_binding_lifetime, 0, 262140,
	       REQ_NO),
	F_MAP("auth", mn_auth_fields, mn_auth_check),
	{0},
};

static const struct field root_fields[] = {
	F_MAP("node", node_fields, NULL),
	F_MAP("shm", shm_fields, NULL),
	F_MAP("control", control_fields, NULL),
	F_MAP("dataplane", dataplane_fields, NULL),
	F_MAP("home_agent", home_agent_fields, NULL),
	F_MAP("mobile_node", mobile_node_fields, NULL),
	{0},
};

_Static_assert(sizeof(home_agent_fields) / sizeof(home_agent_fields[0]) <= CONF_FIELDS_MAX,
	       "walk_map's seen[] is too small");
_Static_assert(sizeof(enum conf_role) == sizeof(uint32_t) &&
		       sizeof(enum conf_log_level) == sizeof(uint32_t) &&
		       sizeof(enum conf_poll_mode) == sizeof(uint32_t) &&
		       sizeof(enum conf_action) == sizeof(uint32_t) &&
		       sizeof(enum conf_auth_alg) == sizeof(uint32_t) &&
		       sizeof(enum conf_replay) == sizeof(uint32_t),
	       "enums are stored as 32-bit integers");

static void
conf_defaults(struct conf *c)
{
	strcpy(c->shm.name, "mip6ha");
	c->shm.max_bindings = 1048576;
	strcpy(c->control.socket, "/run/mip6ha/mip6ha.sock");
	c->control.log_level = CONF_LOG_INFO;
	c->control.busy_poll_us = 200;
	c->control.metrics_max_bindings = 1000;
	c->control.vty =
		(struct conf_endpoint){.set = true, .addr = IN6ADDR_LOOPBACK_INIT, .port = 7777};
	c->dataplane.enabled = true;
	c->dataplane.mirror_kernel = true;
	strcpy(c->dataplane.lcores, "0-1");
	c->dataplane.poll_mode = CONF_POLL_ADAPTIVE;
	c->dataplane.tunnel_hop_limit = 64;
	c->dataplane.encap_limit = CONF_ENCAP_LIMIT_NONE;
	c->dataplane.icmp_rate = 100;
	c->dataplane.icmp_burst = 10;
	c->dataplane.signalling_rate = 20000;
	c->dataplane.signalling_known_rate = 100000;
	c->home_agent.max_binding_lifetime = 262140;
	c->home_agent.preference = 0;
	c->home_agent.dad = true;
	c->home_agent.ra.enabled = true;
	c->home_agent.ra.min_interval = 1;
	c->home_agent.ra.max_interval = 10;
	c->home_agent.ra.lifetime = 1800;
	c->home_agent.policy.default_action = CONF_ACTION_ALLOW;
	c->home_agent.auth.required = false;
	c->home_agent.auth.replay_window = 7;
	c->home_agent.rate_limits.bu_per_source = 10;
	c->home_agent.rate_limits.bu_total = 50000;
	c->home_agent.rate_limits.errors = 100;
	c->home_agent.rate_limits.dhaad = 100;
	c->mobile_node.home_agent = in6addr_any;
	strcpy(c->mobile_node.tunnel, "mip6ha-mn");
	c->mobile_node.max_binding_lifetime = 262140;
}

/* The role decides which keys are required, wherever node: sits in the file. */
static int
find_role(const struct ynode *root)
{
	const struct ynode *role = map_get(map_get(root, "node"), "role");

	for (int i = 0; role && role->type == YN_SCALAR && role_names[i]; i++)
		if (key_is(role, role_names[i]))
			return i;
	return -1;
}

static void
walk_root(struct ctx *x, const struct ynode *root, struct conf *c)
{
	struct path p = {.len = 0};

	if (is_null(root)) {
		node_err(x, root, "empty configuration");
		return;
	}
	if (root->type != YN_MAP) {
		node_err(x, root, "expected a mapping at the top level, got %s", kind(root));
		return;
	}
	x->role = find_role(root);
	walk_map(x, root_fields, root, c, &p);
}

static struct conf *
load(struct ctx *x)
{
	unsigned char *buf;
	struct ynode *root;
	struct conf *c;
	size_t len;

	if (strlen(x->path) >= CONF_PATH_MAX) {
		conf_err(x, 0, 0, "path too long (at most %d bytes)", CONF_PATH_MAX - 1);
		return NULL;
	}
	buf = read_file(x, &len);
	if (!buf)
		return NULL;
	root = tree_parse(x, buf, len);
	free(buf);
	if (!root) {
		if (!x->nerr)
			conf_err(x, 1, 1, "empty configuration");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		conf_err(x, 0, 0, "out of memory");
	} else {
		conf_defaults(c);
		memcpy(c->path, x->path, strlen(x->path) + 1);
		walk_root(x, root, c);
	}
	node_free(root);
	if (x->nerr) {
		free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_load(const char *path, FILE *errf)
{
	struct ctx *x = calloc(1, sizeof(*x));
	struct conf *c;

	if (!x) {
		(void)fprintf(errf ? errf : stderr, "%s: out of memory\n", path);
		return NULL;
	}
	x->path = path;
	x->errf = errf ? errf : stderr;
	x->role = -1;
	c = load(x);
	conf_flush(x);
	free(x);
	return c;
}

static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	uint32_t c = len == 1 ? s[0] : s[0] & (0x7fu >> len);

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	*cp = c;
	return len;
}

/* Double-quoted, escaping what YAML does not allow raw (YAML 1.1 §5.1). */
static void
print_str(FILE *out, const char *s, size_t size)
{
	size_t n = strnlen(s, size);
	uint32_t cp;

	(void)fputc('"', out);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);

		if (len == 0) {
			cp = (unsigned char)s[i];
			len = 1;
		}
		if (cp == '"' || cp == '\\')
			(void)fprintf(out, "\\%c", (char)cp);
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xfeff || cp == 0xfffe ||
			 cp == 0xffff)
			(void)fprintf(out, cp > 0xffff ? "\\U%08" PRIx32 : "\\u%04" PRIx32, cp);
		else
			(void)fwrite(s + i, 1, len, out);
		i += len;
	}
	(void)fputc('"', out);
}

static void
print_prefix(FILE *out, const struct field *f, const struct conf_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	if ((f->flags & FL_OPTIONAL) && p->len < f->min)
		(void)fputs("\"\"", out);
	else
		(void)fprintf(out, "\"%s/%u\"", inet_ntop(AF_INET6, &p->addr, buf, sizeof(buf)),
			      p->len);
}

static void
print_scalar(FILE *out, const struct field *f, const void *v)
{
	const struct conf_endpoint *ep = v;
	char buf[INET6_ADDRSTRLEN];

	switch (f->type) {
	case FT_STR:
		print_str(out, v, f->size);
		break;
	case FT_BOOL:
		(void)fputs(*(const bool *)v ? "true" : "false", out);
		break;
	case FT_UINT:
		(void)fprintf(out, "%" PRIu64, uint_load(v, f->size));
		break;
	case FT_ENUM:
		for (size_t i = 0; f->names[i]; i++)
			if (i == uint_load(v, f->size))
				(void)fputs(f->names[i], out);
		break;
	case FT_ENDPOINT:
		if (ep->set)
			(void)fprintf(out, "\"[%s]:%u\"",
				      inet_ntop(AF_INET6, &ep->addr, buf, sizeof(buf)), ep->port);
		else
			(void)fputs("\"\"", out);
		break;
	case FT_PREFIX:
		print_prefix(out, f, v);
		break;
	default:
		(void)fprintf(out, "\"%s\"", inet_ntop(AF_INET6, v, buf, sizeof(buf)));
		break;
	}
}

static size_t
list_count(const struct field *f, const void *base)
{
	size_t n;

	memcpy(&n, (const char *)base + f->n_off, sizeof(n));
	return n < CONF_LIST_MAX ? n : CONF_LIST_MAX;
}

static void print_map(FILE *out, const struct field *fields, const void *base, int indent,
		      bool dash);

static void
print_list(FILE *out, const struct field *f, const void *base, int indent)
{
	size_t n = list_count(f, base);
	const char *items = (const char *)base + f->off;

	if (n == 0) {
		(void)fputs(" []\n", out);
		return;
	}
	if (f->sub->type != FT_MAP) {
		(void)fputs(" [", out);
		for (size_t i = 0; i < n; i++) {
			(void)fputs(i ? ", " : "", out);
			print_scalar(out, f->sub, items + i * f->size);
		}
		(void)fputs("]\n", out);
		return;
	}
	(void)fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		print_map(out, f->sub->sub, items + i * f->size, indent + 4, true);
}

static void
print_map(FILE *out, const struct field *fields, const void *base, int indent, bool dash)
{
	for (size_t i = 0; fields[i].key; i++) {
		const struct field *f = &fields[i];

		if (dash && i == 0)
			(void)fprintf(out, "%*s- %s:", indent - 2, "", f->key);
		else
			(void)fprintf(out, "%*s%s:", indent, "", f->key);
		if (f->type == FT_MAP) {
			(void)fputc('\n', out);
			print_map(out, f->sub, (const char *)base + f->off, indent + 2, false);
		} else if (f->type == FT_LIST) {
			print_list(out, f, base, indent);
		} else {
			(void)fputc(' ', out);
			print_scalar(out, f, (const char *)base + f->off);
			(void)fputc('\n', out);
		}
	}
}

void
conf_print(const struct conf *c, FILE *out)
{
	(void)fputs("# mip6ha configuration: every key, defaults included\n", out);
	print_map(out, root_fields, c, 0, false);
}

static bool
scalar_equal(const struct field *f, const void *a, const void *b)
{
	const struct conf_endpoint *ea = a, *eb = b;
	const struct conf_prefix *pa = a, *pb = b;

	switch (f->type) {
	case FT_STR:
		return strncmp(a, b, f->size) == 0;
	case FT_BOOL:
		return *(const bool *)a == *(const bool *)b;
	case FT_UINT:
	case FT_ENUM:
		return uint_load(a, f->size) == uint_load(b, f->size);
	case FT_ENDPOINT:
		return ea->set == eb->set &&
		       (!ea->set ||
			(ea->port == eb->port && !memcmp(&ea->addr, &eb->addr, sizeof(ea->addr))));
	case FT_PREFIX:
		return pa->len == pb->len && !memcmp(&pa->addr, &pb->addr, sizeof(pa->addr));
	default:
		return !memcmp(a, b, sizeof(struct in6_addr));
	}
}

static bool
map_equal(const struct field *fields, const void *a, const void *b)
{
	for (size_t i = 0; fields[i].key; i++) {
		const struct field *f = &fields[i];
		const char *fa = (const char *)a + f->off, *fb = (const char *)b + f->off;
		size_t n = 0;

		if (f->type == FT_MAP) {
			if (!map_equal(f->sub, fa, fb))
				return false;
			continue;
		}
		if (f->type != FT_LIST) {
			if (!scalar_equal(f, fa, fb))
				return false;
			continue;
		}
		n = list_count(f, a);
		if (n != list_count(f, b))
			return false;
		for (size_t j = 0; j < n; j++) {
			const char *ea = fa + j * f->size, *eb = fb + j * f->size;

			if (f->sub->type == FT_MAP ? !map_equal(f->sub->sub, ea, eb)
						   : !scalar_equal(f->sub, ea, eb))
				return false;
		}
	}
	return true;
}

bool
conf_equal(const struct conf *a, const struct conf *b)
{
	return map_equal(root_fields, a, b);
}

void
conf_free(struct conf *c)
{
	free(c);
}

const char *
conf_role_name(enum conf_role r)
{
	return (unsigned int)r < 2 ? role_names[r] : "?";
}

const char *
conf_log_level_name(enum conf_log_level l)
{
	return (unsigned int)l < 4 ? log_level_names[l] : "?";
}
