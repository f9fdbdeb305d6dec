/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mip6d-style vty (vty.h): nonblocking TCP clients on the daemon's epoll
 * set, a line buffer in and an output buffer out for each.
 */
#include "vty.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bcache.h"
#include "log.h"

#define VTY_CLIENTS 64
#define VTY_LINE    1024
#define VTY_OUT_MAX (16u << 20) /* a client's unsent output; more is cut */
#define VTY_PROMPT  "mip6ha> "

struct vty_client {
	int fd; /* -1: free */
	char in[VTY_LINE];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool quit; /* close once the output is sent */
	bool want_out;
};

struct vty {
	int lfd, ep;
	const struct ctl_ctx *cx;
	struct vty_client c[VTY_CLIENTS];
};

static const char vty_help[] = "Commands:\n"
			       "  bc      the binding cache (a Home Agent)\n"
			       "  bul     the Binding Update List (a mobile node)\n"
			       "  stats   protocol counters\n"
			       "  hal     the Home Agents List (a Home Agent)\n"
			       "  help    this list\n"
			       "  quit    close the session\n";

struct vty *
vty_open(const struct conf_endpoint *at, int ep, const struct ctl_ctx *cx, char *err, size_t errlen)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(at->port)};
	struct epoll_event ev = {.events = EPOLLIN};
	struct vty *v = calloc(1, sizeof(*v));
	char a[INET6_ADDRSTRLEN];
	int one = 1;

	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (int i = 0; i < VTY_CLIENTS; i++)
		v->c[i].fd = -1;
	v->ep = ep;
	v->cx = cx;
	sa.sin6_addr = at->addr;
	inet_ntop(AF_INET6, &at->addr, a, sizeof(a));
	v->lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->lfd < 0 || setsockopt(v->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(v->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(v->lfd, 16) != 0) {
		snprintf(err, errlen, "[%s]:%u: %s", a, at->port, strerror(errno));
		if (v->lfd >= 0)
			close(v->lfd);
		free(v);
		return NULL;
	}
	ev.data.fd = v->lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, v->lfd, &ev) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		close(v->lfd);
		free(v);
		return NULL;
	}
	return v;
}

static void
vty_drop(struct vty *v, struct vty_client *c)
{
	epoll_ctl(v->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Queue @p len bytes of @p s for the client, within VTY_OUT_MAX. */
static void
vty_put(struct vty_client *c, const char *s, size_t len)
{
	static const char cut[] = "\n% output cut: use `mip6ha` on the control socket\n";
	size_t room = VTY_OUT_MAX - (c->out_len - c->out_off);
	char *n;

	if (len == 0 || c->out_len - c->out_off >= VTY_OUT_MAX)
		return; /* nothing to add (realloc to 0 would free the buffer) */
	if (len > room) {
		vty_put(c, s, room > sizeof(cut) ? room - sizeof(cut) : 0);
		s = cut;
		len = sizeof(cut) - 1;
	}
	if (c->out_off > 0 && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	n = realloc(c->out, c->out_len + len);
	if (n == NULL)
		return;
	memcpy(n + c->out_len, s, len);
	c->out = n;
	c->out_len += len;
}

/* Send what is queued; ask for EPOLLOUT while some remains. @return false
 * when the client is gone. */
static bool
vty_flush(struct vty *v, struct vty_client *c)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = c->fd};
	bool want;

	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (w <= 0)
			return false;
		c->out_off += (size_t)w;
	}
	want = c->out_off < c->out_len;
	if (!want && c->quit)
		return false;
	if (want != c->want_out) {
		ev.events = want ? EPOLLIN | EPOLLOUT : EPOLLIN;
		epoll_ctl(v->ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = want;
	}
	return true;
}

struct vty_bc {
	const struct bt *t;
	FILE *out;
	uint32_t now;
};

/* One binding as mip6d's vty printed it. */
static int
vty_bc_one(uint32_t id, const struct bt_binding *b, void *arg)
{
	struct vty_bc *l = arg;
	char h[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];
	struct in6_addr ha = bt_ha_addr(l->t, b->ha_idx);

	(void)id;
	fprintf(l->out,
		"hoa %s status registered\n coa %s flags %c%c%c%c\n local %s\n lifetime %u / "
		"%u seq %u\n",
		inet_ntop(AF_INET6, &b->hoa, h, sizeof(h)),
		inet_ntop(AF_INET6, &b->coa, c, sizeof(c)), b->flags & BT_F_ACK ? 'A' : '-',
		b->flags & BT_F_HOME ? 'H' : '-', b->flags & BT_F_LINKLOCAL ? 'L' : '-',
		b->flags & BT_F_KEYMGMT ? 'K' : '-', inet_ntop(AF_INET6, &ha, a, sizeof(a)),
		b->expiry > l->now ? b->expiry - l->now : 0, b->lifetime, b->seq);
	return 0;
}

/* Run one command line; its output goes to @p out. @return false on quit. */
static bool
vty_command(struct vty *v, char *line, FILE *out)
{
	const struct ctl_ctx *cx = v->cx;
	char *cmd = strtok(line, " \t");

	if (cmd == NULL)
		return true;
	if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit"))
		return false;
	if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
		fputs(vty_help, out);
	} else if (!strcmp(cmd, "bc")) {
		struct vty_bc l = {.out = out, .now = (uint32_t)time(NULL)};

		if (cx->bc == NULL) {
			fputs("% bc: this node is a mobile node; it keeps no binding cache\n", out);
			return true;
		}
		l.t = bcache_table(cx->bc);
		bt_iterate(l.t, vty_bc_one, &l);
	} else if (!strcmp(cmd, "bul")) {
		if (cx->bul != NULL)
			cx->bul(cx->arg, out, false);
		else
			fputs("% bul: this node is a Home Agent; it keeps no Binding Update List\n",
			      out);
	} else if (!strcmp(cmd, "stats")) {
		if (cx->stats != NULL)
			cx->stats(cx->arg, out, false);
	} else if (!strcmp(cmd, "hal")) {
		if (cx->ha_list != NULL)
			cx->ha_list(cx->arg, out, false);
		else
			fputs("% hal: no Home Agents List (a mobile node, or the home link is not "
			      "up "
			      "yet)\n",
			      out);
	} else {
		fprintf(out, "%% Unknown command: %s (try help)\n", cmd);
	}
	return true;
}

/* Every whole line in the client's buffer. */
static void
vty_lines(struct vty *v, struct vty_client *c)
{
	char *nl;

	while (!c->quit && (nl = memchr(c->in, '\n', c->in_len)) != NULL) {
		size_t n = (size_t)(nl - c->in) + 1;
		char line[VTY_LINE], *text = NULL;
		size_t tlen = 0, k = 0;
		FILE *out;

		/* Printable characters only: telnet's \r and option bytes go. */
		for (size_t i = 0; i + 1 < n; i++)
			if (c->in[i] >= 0x20 && c->in[i] < 0x7f)
				line[k++] = c->in[i];
		line[k] = '\0';
		memmove(c->in, c->in + n, c->in_len - n);
		c->in_len -= n;
		out = open_memstream(&text, &tlen);
		if (out == NULL)
			continue;
		c->quit = !vty_command(v, line, out);
		if (!c->quit)
			fputs(VTY_PROMPT, out);
		fclose(out);
		vty_put(c, text, tlen);
		free(text);
	}
	if (c->in_len == sizeof(c->in)) {
		static const char msg[] = "% line too long\n" VTY_PROMPT;

		c->in_len = 0;
		vty_put(c, msg, sizeof(msg) - 1);
	}
}

static void
vty_accept(struct vty *v)
{
	static const char hello[] = "mip6ha vty (help lists the commands)\n" VTY_PROMPT;
	static const char busy[] = "% too many vty sessions\n";
	struct epoll_event ev = {.events = EPOLLIN};
	int fd, i;

	while ((fd = accept4(v->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < VTY_CLIENTS && v->c[i].fd >= 0; i++)
			;
		if (i == VTY_CLIENTS) {
			(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		ev.data.fd = fd;
		if (epoll_ctl(v->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			continue;
		}
		v->c[i].fd = fd;
		vty_put(&v->c[i], hello, sizeof(hello) - 1);
		if (!vty_flush(v, &v->c[i]))
			vty_drop(v, &v->c[i]);
	}
}

bool
vty_event(struct vty *v, int fd)
{
	struct vty_client *c = NULL;
	ssize_t r;

	if (v == NULL)
		return false;
	if (fd == v->lfd) {
		vty_accept(v);
		return true;
	}
	for (int i = 0; i < VTY_CLIENTS && c == NULL; i++)
		if (v->c[i].fd == fd)
			c = &v->c[i];
	if (c == NULL)
		return false;
	for (;;) {
		r = recv(fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (r <= 0) {
			vty_drop(v, c);
			return true;
		}
		c->in_len += (size_t)r;
		vty_lines(v, c);
		if (c->quit)
			break;
	}
	if (!vty_flush(v, c))
		vty_drop(v, c);
	return true;
}

void
vty_close(struct vty *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < VTY_CLIENTS; i++)
		if (v->c[i].fd >= 0)
			vty_drop(v, &v->c[i]);
	close(v->lfd);
	free(v);
}

struct vty *
vty_start(const struct conf *c, int ep, const struct ctl_ctx *cx)
{
	char a[INET6_ADDRSTRLEN], err[256];
	struct vty *v;

	if (!c->control.vty.set)
		return NULL;
	v = vty_open(&c->control.vty, ep, cx, err, sizeof(err));
	if (v == NULL)
		log_warnx("vty: %s; running without it", err);
	else
		log_info("vty on [%s]:%u", inet_ntop(AF_INET6, &c->control.vty.addr, a, sizeof(a)),
			 c->control.vty.port);
	return v;
}
