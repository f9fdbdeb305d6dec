/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The /metrics endpoint (metrics.h) on GNU libmicrohttpd in external epoll
 * mode.
 */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "log.h"

struct metrics {
	struct MHD_Daemon *d;
	int fd; /* MHD's epoll descriptor, in our set */
	metrics_fn fn;
	void *arg;
};

static enum MHD_Result
metrics_answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	       const char *version, const char *upload, size_t *upload_len, void **state)
{
	static const char missing[] = "only GET /metrics here\n";
	struct metrics *m = cls;
	struct MHD_Response *r;
	enum MHD_Result rc;
	char *body = NULL;
	size_t len = 0;
	FILE *out;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (strcmp(method, "GET") != 0 || strcmp(url, "/metrics") != 0) {
		r = MHD_create_response_from_buffer(sizeof(missing) - 1, (void *)(uintptr_t)missing,
						    MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		rc = MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, r);
		MHD_destroy_response(r);
		return rc;
	}
	out = open_memstream(&body, &len);
	if (out == NULL)
		return MHD_NO;
	m->fn(m->arg, out);
	fclose(out);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

struct metrics *
metrics_start(const struct conf *c, int ep, metrics_fn fn, void *arg)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
				  .sin6_port = htons(c->control.metrics.port),
				  .sin6_addr = c->control.metrics.addr};
	struct epoll_event ev = {.events = EPOLLIN};
	const union MHD_DaemonInfo *info;
	char a[INET6_ADDRSTRLEN];
	struct metrics *m;

	if (!c->control.metrics.set)
		return NULL;
	inet_ntop(AF_INET6, &sa.sin6_addr, a, sizeof(a));
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->fn = fn;
	m->arg = arg;
	m->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_IPv6, c->control.metrics.port, NULL, NULL,
				metrics_answer, m, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64, MHD_OPTION_END);
	info = m->d != NULL ? MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (info == NULL) {
		log_warnx("metrics: cannot listen on [%s]:%u; running without them", a,
			  c->control.metrics.port);
		if (m->d != NULL)
			MHD_stop_daemon(m->d);
		free(m);
		return NULL;
	}
	m->fd = info->epoll_fd;
	ev.data.fd = m->fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, m->fd, &ev) != 0) {
		MHD_stop_daemon(m->d);
		free(m);
		return NULL;
	}
	log_info("metrics on http://[%s]:%u/metrics", a, c->control.metrics.port);
	return m;
}

bool
metrics_event(struct metrics *m, int fd)
{
	if (m == NULL || fd != m->fd)
		return false;
	MHD_run(m->d);
	return true;
}

void
metrics_tick(struct metrics *m)
{
	if (m != NULL)
		MHD_run(m->d);
}

void
metrics_stop(struct metrics *m)
{
	if (m == NULL)
		return;
	MHD_stop_daemon(m->d);
	free(m);
}
