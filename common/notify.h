/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Readiness, status and watchdog for a service manager (systemd's sd_notify
 * protocol, through libsystemd). Without libsystemd at build time, or without
 * $NOTIFY_SOCKET at run time (not started as a Type=notify unit), every call
 * does nothing. The one part of common/ that may link a library: it is built
 * apart (notify_dep), so the others stay libc-only.
 */
#ifndef MIP6HA_NOTIFY_H
#define MIP6HA_NOTIFY_H

#include <stdbool.h>

/** READY=1 with a STATUS= line: the service has started. */
void notify_ready(const char *status);

/** STATUS= only: what the service is waiting for or doing. */
void notify_status(const char *status);

/** RELOADING=1 before a configuration reload; notify_ready() after it. */
void notify_reloading(void);

/** STOPPING=1: shutting down. */
void notify_stopping(void);

/**
 * WATCHDOG=1, at most once a second whatever the call rate: call it from the
 * main loop while the service is healthy (for mip6ha-dp: while every worker
 * polls). A no-op unless the unit sets WatchdogSec=.
 */
void notify_watchdog(void);

/** @return true when built with libsystemd (for --version). */
bool notify_supported(void);

#endif
