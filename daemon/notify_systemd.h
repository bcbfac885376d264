/* Telling systemd (Type=notify) what the daemon is doing.  Every call is a
 * no-op when NOTIFY_SOCKET is not set, i.e. when not run by systemd. */
#ifndef VIGIL_NOTIFY_SYSTEMD_H
#define VIGIL_NOTIFY_SYSTEMD_H

void notify_ready(void);
/* RELOADING=1 with the CLOCK_MONOTONIC time systemd asks for. */
void notify_reloading(void);
void notify_stopping(void);
/* A one-line status shown by `systemctl status`. */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
