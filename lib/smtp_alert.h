/* E-mail alerts (global_defs smtp_server, notification_email ...) sent
 * through libcurl's SMTP on the process's uv loop (checker/check_curl.h).
 *
 * One alerter per process: the VRRP and checker workers configure it from
 * global_defs at start and on reload, and ask for a mail on a state
 * change.  Mails are formatted at once and queued (at most
 * SMTP_ALERT_QUEUE_MAX); one SMTP session runs at a time, so nothing here
 * ever waits for the server.  A failed or dropped mail is logged
 * (rate-limited) and counted, never retried.
 *
 * Whether an object wants mail (its smtp_alert and the global defaults) is
 * the caller's decision; this module only adds router_id to the subject
 * and honours no_email_faults for smtp_alert_vrrp. */
#ifndef VIGIL_SMTP_ALERT_H
#define VIGIL_SMTP_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

struct global_config;

#define SMTP_ALERT_QUEUE_MAX 64

struct smtp_alert_counters {
	unsigned long queued, sent, failed, dropped;
};

/* (Re)reads global_defs; mail is enabled when smtp_server and at least one
 * notification_email are given.  Mails already queued are kept.  LOOP
 * NULL (a reload) keeps the loop given before. */
void smtp_alert_configure(uv_loop_t *loop, const struct global_config *g);

/* Stops the session in flight and drops the queue (process stop). */
void smtp_alert_close(void);

/* Queues "[router_id] SUBJECT" with BODY (lines separated by "\n").
 * Returns false when mail is disabled or the queue is full. */
bool smtp_alert_send(const char *subject, const char *body);

/* A VRRP instance (kind "Instance") or sync group ("Group") entered STATE
 * ("MASTER", "BACKUP", "FAULT"); FAULT is not mailed with no_email_faults. */
bool smtp_alert_vrrp(const char *kind, const char *name, const char *state);

/* The checker mails keep keepalived 2.2.7's subjects, which operators
 * filter on: "Realserver RS of virtual server VS - UP|DOWN" and
 * "Virtualserver VS - UP|DOWN" (the caller names the servers the way
 * keepalived does, e.g. "[10.0.0.2]:tcp:80", "FWM 7"). */

/* A real server of a virtual server went up or down; CHECK names the
 * checker that decided it ("TCP_CHECK"), NULL when none did. */
bool smtp_alert_real_server(const char *rs_name, const char *vs_name, bool up,
			    const char *check);

/* A virtual server's quorum was gained or lost, with the figures that
 * decided it: its live weight against quorum and hysteresis. */
bool smtp_alert_quorum(const char *vs_name, bool ok, uint32_t quorum, uint32_t hysteresis,
		       uint64_t live_weight);

struct smtp_alert_counters smtp_alert_counters(void);

/* The message as sent (pure, for tests): headers, an empty line and the
 * body, every line ended by CRLF.  TO holds N_TO addresses. */
char *smtp_alert_format(const char *from, const char *const *to, size_t n_to,
			const char *subject, const char *body, time_t when,
			const char *message_id);

#endif
