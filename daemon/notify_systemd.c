#include "config.h"
#include "daemon/notify_systemd.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "daemon/late_systemd.h"
#include <time.h>

/* A failed notification is worth a debug line, never more: the daemon works
 * the same without systemd. */
static void send_state(const char *state)
{
	int r;

	/* Nobody listens without $NOTIFY_SOCKET: then libsystemd is not even
	 * loaded. */
	if (!getenv("NOTIFY_SOCKET") || !late_lib_load(&late_systemd, "notifications to systemd"))
		return;
	r = sd_notify(0, state);
	if (r < 0)
		log_debug("sd_notify(%s) failed: error %d", state, -r);
}

void notify_ready(void)
{
	send_state("READY=1");
}

void notify_reloading(void)
{
	struct timespec now;
	char state[96];

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)now.tv_sec * 1000000ULL + (unsigned long long)now.tv_nsec / 1000);
	send_state(state);
}

void notify_stopping(void)
{
	send_state("STOPPING=1");
}

void notify_status(const char *fmt, ...)
{
	char state[512];
	va_list ap;
	int n = snprintf(state, sizeof(state), "STATUS=");

	va_start(ap, fmt);
	vsnprintf(state + n, sizeof(state) - (size_t)n, fmt, ap);
	va_end(ap);
	send_state(state);
}
