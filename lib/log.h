/* Logging: syslog or the console, levels chosen by who must act.
 *
 * error/warning: an operator must act.  notice/info: state changes.
 * debug: detail, shown only with -D.  Peer-caused problems go through
 * log_ratelimited() so a flood of bad packets cannot flood the log. */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

enum log_target { LOG_TO_SYSLOG, LOG_TO_CONSOLE, LOG_TO_BOTH };

struct log_options {
	const char *ident;          /* "vigild", "vigild/vrrp", ... */
	enum log_target target;
	int facility;               /* LOG_DAEMON, LOG_LOCAL0..7 */
	bool detail;                /* -D: also log debug messages */
};

void log_init(const struct log_options *opts);
void log_set_ident(const char *ident);
void log_finalise(void);

void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)

/* A rate limit for one kind of peer-caused message: at most `burst`
 * lines per `interval_ms`; the suppressed count is reported with the next
 * line that gets through. */
struct log_ratelimit {
	uint32_t interval_ms;
	uint32_t burst;
	uint64_t window_start_ms;
	uint32_t in_window;
	uint64_t suppressed;
};
#define LOG_RATELIMIT_INIT(ms, n) { .interval_ms = (ms), .burst = (n) }

void log_ratelimited(struct log_ratelimit *rl, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* -S N: 0..7 -> LOG_LOCAL0..7; returns -1 when N is out of range. */
int log_facility_from_number(int n);

#endif
