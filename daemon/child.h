/* The parent's handle on one worker process: spawning it (vigild
 * re-executed with --worker=KIND, fd 3 an IPC socketpair), restarting it
 * with exponential backoff when it dies, stopping it with a bounded wait,
 * and calls to it that always come back, answered or timed out, so a
 * stalled worker can never block the parent. */
#ifndef VIGIL_CHILD_H
#define VIGIL_CHILD_H

#include "daemon/daemon_args.h"
#include "ctl_proto.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

/* Restart delays: doubling from MIN to MAX; a worker that ran HEALTHY ms
 * before dying starts again from MIN. */
#define CHILD_BACKOFF_MIN_MS 500
#define CHILD_BACKOFF_MAX_MS 30000
#define CHILD_HEALTHY_MS 60000

enum child_state {
	CHILD_STOPPED,         /* not wanted, or not started yet */
	CHILD_STARTING,        /* spawned, not yet reported ready */
	CHILD_RUNNING,
	CHILD_BACKOFF,         /* died; waiting to be restarted */
	CHILD_CONFIG_ERROR,    /* exited WORKER_EXIT_CONFIG: waits for a reload */
	CHILD_STOPPING,        /* sent SIGTERM, waiting for it to exit */
	CHILD_STATE_COUNT,
};
/* Names used by the status JSON and vigilctl. */
extern const char *const child_state_names[CHILD_STATE_COUNT];

enum child_call_outcome { CHILD_CALL_ANSWERED, CHILD_CALL_TIMEOUT, CHILD_CALL_GONE };

struct child;
struct child_run;
struct child_call;

/* `response` is borrowed, non-NULL only when answered. */
typedef void (*child_call_fn)(void *arg, struct child *c, enum child_call_outcome outcome,
			      json_object *response);
/* The child's state changed (started, died, stopped, ...). */
typedef void (*child_change_fn)(void *arg, struct child *c);
/* The worker sent an unsolicited message other than "ready" (`msg`
 * borrowed), e.g. {"event":"state","data":...} for `vigilctl events`. */
typedef void (*child_event_fn)(void *arg, struct child *c, json_object *msg);

struct child {
	enum worker_kind kind;
	uv_loop_t *loop;
	char **argv;                  /* owned; set with child_set_argv */
	char **env;                   /* borrowed; NULL: the parent's */
	const char *pid_file;         /* borrowed; the worker's own pid file */
	enum child_state state;
	bool unresponsive;            /* the last call timed out */
	long pid;                     /* 0: no process */
	unsigned restarts;
	uint64_t started_ms;          /* loop time the current process was spawned */
	uint64_t backoff_ms;          /* the delay before the next restart */
	uv_timer_t timer;             /* restart delay, or kill deadline when stopping */
	struct child_run *run;        /* the live process, NULL if none */
	struct child_call *calls;     /* unanswered calls */
	uint64_t next_call_id;
	child_change_fn on_change;
	void *change_arg;
	child_event_fn on_event;      /* NULL: ignored; called with change_arg */
	char last_exit[128];          /* how the last process ended; "": none yet */
};

void child_init(struct child *c, uv_loop_t *loop, enum worker_kind kind,
		child_change_fn on_change, void *arg);
/* The command line for the next spawn (takes ownership). */
void child_set_argv(struct child *c, char **argv);
/* Spawns the worker now, cancelling a pending restart (the backoff delay
 * itself keeps growing if it dies again soon); false if spawning failed
 * (then it is retried with backoff). */
bool child_start(struct child *c);
/* Stops it: SIGTERM, SIGKILL after wait_ms; it is not restarted. */
void child_stop(struct child *c, unsigned wait_ms);
/* A process exists (starting, running or stopping). */
bool child_alive(const struct child *c);
/* Sends a request; `fn` is called exactly once, possibly before this
 * returns (no process to ask). */
void child_call(struct child *c, enum ctl_command cmd, unsigned timeout_ms,
		child_call_fn fn, void *arg);
/* The same with a whole request ({"command":...} and its arguments;
 * borrowed: the "id" is added to a copy). */
void child_call_request(struct child *c, json_object *request, unsigned timeout_ms,
			child_call_fn fn, void *arg);
/* "running", "unresponsive", "backoff", ... */
const char *child_state_name(const struct child *c);
/* {"name","pid","state","restarts","uptime_s"} */
json_object *child_status_json(const struct child *c);
/* Releases the child's own handles; call once no process is left. */
void child_close(struct child *c);

#endif
