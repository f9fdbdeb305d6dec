/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Control-plane logging, after OpenBSD's log.c: warn variants append
 * strerror(errno), x variants do not; fatal* exit 1.
 */
#ifndef MIP6HA_LOG_H
#define MIP6HA_LOG_H

#include <stdnoreturn.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/** @p prog prefixes every line; messages above @p level are dropped. */
void log_init(const char *prog, enum log_level level);
void log_set_level(enum log_level level);
/** From now on, to syslog (facility daemon) instead of stderr. */
void log_to_syslog(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
