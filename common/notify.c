/* SPDX-License-Identifier: BSD-3-Clause */
#include "notify.h"

#include <stdint.h>
#include <time.h>

#ifdef MIP6HA_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

void
notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

void
notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_watchdog(void)
{
	static int64_t last_s = -1;
	static int enabled = -1;
	struct timespec ts;
	uint64_t usec;

	if (enabled < 0)
		enabled = sd_watchdog_enabled(0, &usec) > 0;
	if (!enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((int64_t)ts.tv_sec == last_s)
		return;
	last_s = (int64_t)ts.tv_sec;
	sd_notify(0, "WATCHDOG=1");
}

bool
notify_supported(void)
{
	return true;
}

#else

void
notify_ready(const char *status)
{
	(void)status;
}

void
notify_status(const char *status)
{
	(void)status;
}

void
notify_reloading(void)
{
}

void
notify_stopping(void)
{
}

void
notify_watchdog(void)
{
}

bool
notify_supported(void)
{
	return false;
}

#endif
