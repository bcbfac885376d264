/* The parent process: it holds the running configuration, starts the
 * workers that configuration needs, restarts them when they die, reloads on
 * SIGHUP or `vigilctl reload`, answers the control socket, and stops
 * everything in order on SIGTERM/SIGINT or `vigilctl stop`.
 *
 * supervisor.c is the lifecycle (start, signals, reload, stop);
 * supervisor_ctl.c the control-socket commands and the status report. */
#ifndef VIGIL_SUPERVISOR_H
#define VIGIL_SUPERVISOR_H

#include "daemon/child.h"
#include "daemon/control.h"
#include "daemon/daemon_args.h"
#include "vigil_config.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

/* How long a status request waits for a worker before reporting it
 * unresponsive, and a reload for its answer. */
#define SUPERVISOR_STATUS_TIMEOUT_MS 1000
#define SUPERVISOR_RELOAD_TIMEOUT_MS 30000

/* Signals the parent handles. */
enum { SUPERVISOR_NSIGNALS = 7 };

struct supervisor {
	uv_loop_t loop;
	const struct vigild_args *args;
	struct vigil_config *cfg;
	char *exe;                       /* this binary, re-executed for workers */
	char **env;                      /* the workers' environment */
	struct child children[WORKER_KIND_COUNT];
	struct control_server *control;
	char *control_path;
	uv_signal_t signals[SUPERVISOR_NSIGNALS];
	uint64_t started_ms;
	unsigned reload_count;
	json_object *last_reload;        /* {"time","result","errors"}; NULL: none yet */
	bool ready_sent;
	bool stopping;
	bool finished;                   /* every handle closed or closing */
	struct metrics_http *metrics;    /* the Prometheus endpoint, or NULL */
	char *metrics_listen;            /* what it listens on */
	/* `vigilctl events` (supervisor_events.c) */
	struct supervisor_subscriber *subscribers;
	unsigned n_subscribers;
	enum child_state event_state[WORKER_KIND_COUNT];   /* as last reported */
};

/* Holds back TERM, INT and HUP until the parent's handlers are in place
 * (supervisor_run), so an early signal is acted on, not fatal. */
void supervisor_block_signals(void);

/* Runs the parent until it is stopped; takes ownership of `cfg` and the
 * listening control socket `control_fd`.  Returns the exit status. */
int supervisor_run(const struct vigild_args *args, struct vigil_config *cfg,
		   int control_fd, const char *control_path);

/* Validates the configuration file again and, when it loads, swaps it in
 * and brings the workers in line.  Diagnostics go to `diags`. */
bool supervisor_reload(struct supervisor *sup, struct conf_diags *diags);
void supervisor_stop(struct supervisor *sup, const char *why);

/* supervisor_ctl.c: the whole status (`vigilctl status --json`): the
 * parent's part now, the workers' when they answer (each within
 * SUPERVISOR_STATUS_TIMEOUT_MS).  `done` gets the object (its own
 * reference) from the loop. */
typedef void supervisor_status_cb(json_object *status, void *arg);
void supervisor_status_collect(struct supervisor *sup, supervisor_status_cb *done, void *arg);

/* supervisor_metrics.c: start, move or stop the metrics endpoint as the
 * configuration says (start-up, reload); stop it (shutdown). */
void supervisor_metrics_apply(struct supervisor *sup);
void supervisor_metrics_stop(struct supervisor *sup);

/* supervisor_dump.c: SIGUSR1/SIGUSR2/SIGRTMIN+2 write keepalived's data,
 * stats and JSON files; false for any other signal. */
bool supervisor_dump_signal(struct supervisor *sup, int signum);

/* supervisor_events.c: `vigilctl events`.  The `events` command turns the
 * client's connection into a stream of event lines (lib/vigil_event.h);
 * the workers' events and the parent's own (workers starting and dying,
 * reloads, stopping) go to every subscriber whose classes match.  A
 * subscriber more than CONTROL_STREAM_QUEUE_MAX behind gets a last
 * {"type":"overflow"} line and is disconnected. */
#define SUPERVISOR_EVENTS_MAX_SUBSCRIBERS (CONTROL_MAX_CONNECTIONS / 2)
void supervisor_events_subscribe(struct supervisor *sup, struct control_request *req,
				 json_object *request);
/* A child_event_fn (arg: the supervisor). */
void supervisor_events_child_message(void *arg, struct child *c, json_object *msg);
/* From on_child_change, supervisor_reload and supervisor_stop. */
void supervisor_events_child_changed(struct supervisor *sup, struct child *c);
void supervisor_events_reload(struct supervisor *sup, bool ok, const struct conf_diags *diags);
void supervisor_events_stopping(struct supervisor *sup, const char *why);

/* supervisor_ctl.c: the control-socket handler (arg: the supervisor). */
void supervisor_handle_request(void *arg, struct control_request *req,
			       enum ctl_command cmd, json_object *request);

#endif
