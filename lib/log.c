#include "config.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct log_options log_opts = {
	.ident = "vigild", .target = LOG_TO_CONSOLE, .facility = LOG_DAEMON,
};
static char log_ident[64] = "vigild";

void log_init(const struct log_options *opts)
{
	log_opts = *opts;
	log_set_ident(opts->ident);
}

void log_set_ident(const char *ident)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_opts.ident = log_ident;
	if (log_opts.target != LOG_TO_CONSOLE) {
		closelog();
		openlog(log_ident, LOG_PID | LOG_NDELAY, log_opts.facility);
	}
}

void log_finalise(void)
{
	if (log_opts.target != LOG_TO_CONSOLE)
		closelog();
}

static const char *level_name(int priority)
{
	static const char *const names[] = {
		[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
		[LOG_ERR] = "error", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};
	return names[priority & LOG_PRIMASK];
}

static void log_console(int priority, const char *text)
{
	struct timespec now;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s: %s: %s\n", stamp, now.tv_nsec / 1000000,
		log_ident, level_name(priority), text);
	fflush(stderr);
}

static void log_vmsg(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void log_vmsg(int priority, const char *fmt, va_list ap)
{
	char text[2048];

	if ((priority & LOG_PRIMASK) == LOG_DEBUG && !log_opts.detail)
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	if (log_opts.target != LOG_TO_SYSLOG)
		log_console(priority, text);
	if (log_opts.target != LOG_TO_CONSOLE)
		syslog(priority, "%s", text);
}

void log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
}

static uint64_t monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

void log_ratelimited(struct log_ratelimit *rl, int priority, const char *fmt, ...)
{
	uint64_t now = monotonic_ms();
	va_list ap;

	if (now - rl->window_start_ms >= rl->interval_ms) {
		if (rl->suppressed)
			log_msg(priority, "%llu similar messages suppressed",
				(unsigned long long)rl->suppressed);
		rl->window_start_ms = now;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window >= rl->burst) {
		rl->suppressed++;
		return;
	}
	rl->in_window++;
	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
}

int log_facility_from_number(int n)
{
	static const int local[] = {
		LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
		LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
	};
	if (n < 0 || n > 7)
		return -1;
	return local[n];
}
