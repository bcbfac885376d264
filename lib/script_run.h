/* Running scripts from the event loop without ever blocking it.
 *
 * A script is an argv (split from the configured command line with
 * script_split_argv; no shell is involved) started with uv_spawn:
 *
 *  - as the given uid/gid, with the supplementary groups cleared (libuv
 *    calls setgroups(0, NULL) whenever it is asked to change uid or gid);
 *  - in its own session and process group, so a timeout can signal the
 *    script and everything it started;
 *  - with stdin on /dev/null, the current directory "/", and a minimal
 *    environment: PATH=SCRIPT_RUN_PATH and HOME=/, then the caller's extra
 *    "NAME=value" strings (nothing of the daemon's own environment leaks
 *    through); a bare program name is looked up on that PATH;
 *  - with stdout and stderr either discarded (/dev/null) or captured
 *    together, interleaved as a terminal would show them, keeping only the
 *    first capture_max bytes.  Output written after the script itself has
 *    exited (by a background child it left) is not captured.
 *
 * A timeout sends SIGTERM to the process group, then SIGKILL after a grace
 * period; once a timed-out script has exited its group gets a SIGKILL too,
 * so nothing it started lingers.
 *
 * A runner caps how many scripts run at once and queues the rest in order,
 * so a flood of events cannot fork-bomb the host; the queue is bounded
 * too.  The completion callback is always called from the loop, never from
 * inside script_run(), exactly once per job unless the job is cancelled. */
#ifndef VIGIL_SCRIPT_RUN_H
#define VIGIL_SCRIPT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#define SCRIPT_RUN_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SCRIPT_RUN_GRACE_DEFAULT_US 1000000ULL     /* SIGTERM -> SIGKILL */

/* How a run ended; names in script_outcome_names[] for logs and JSON. */
enum script_outcome {
	SCRIPT_EXITED,          /* exit_code holds the status */
	SCRIPT_SIGNALLED,       /* signal holds the signal that killed it */
	SCRIPT_TIMED_OUT,       /* the timeout expired; signal: how it finally died */
	SCRIPT_SPAWN_FAILED,    /* error holds the errno (ENOENT, EACCES, EAGAIN: queue full) */
	SCRIPT_OUTCOME_COUNT
};
extern const char *const script_outcome_names[SCRIPT_OUTCOME_COUNT];
const char *script_outcome_name(enum script_outcome outcome);

struct script_result {
	enum script_outcome outcome;
	int exit_code;              /* SCRIPT_EXITED */
	int signal;                 /* SCRIPT_SIGNALLED, SCRIPT_TIMED_OUT (0: exited by itself) */
	int error;                  /* SCRIPT_SPAWN_FAILED: a positive errno */
	pid_t pid;                  /* 0 when it never started */
	uint64_t run_time_us;       /* from spawn to exit */
	uint64_t queued_us;         /* time spent waiting for a free slot */
	/* Captured output (NUL-terminated; valid during the callback only). */
	const char *output;
	size_t output_len;
	bool output_truncated;      /* the script wrote more than capture_max */
};

/* Exited with status 0. */
bool script_result_ok(const struct script_result *r);
/* "exited with status 1", "killed by signal 9 (Killed)", "timed out after
 * 2.000 s", "could not start: No such file or directory". */
void script_result_describe(const struct script_result *r, char *buf, size_t len);

struct script_runner;
struct script_job;

typedef void script_done_cb(const struct script_result *result, void *arg);

struct script_job_options {
	const char *name;               /* for log lines ("notify_master VI_1"); copied */
	const char *const *argv;        /* NULL-terminated; argv[0] is the program; copied */
	uid_t uid;                      /* run as; ignored unless set_user */
	gid_t gid;
	bool set_user;                  /* false: run as the daemon's own user */
	uint64_t timeout_us;            /* 0: no timeout */
	uint64_t grace_us;              /* 0: SCRIPT_RUN_GRACE_DEFAULT_US */
	size_t capture_max;             /* 0: discard stdout and stderr */
	const char *const *env_extra;   /* "NAME=value", NULL-terminated, may be NULL; copied */
};

struct script_runner_options {
	unsigned max_running;           /* 0: SCRIPT_RUNNER_MAX_RUNNING_DEFAULT */
	unsigned max_queued;            /* 0: SCRIPT_RUNNER_MAX_QUEUED_DEFAULT */
};
#define SCRIPT_RUNNER_MAX_RUNNING_DEFAULT 32U
#define SCRIPT_RUNNER_MAX_QUEUED_DEFAULT 1024U

struct script_runner_stats {
	uint64_t started;               /* spawned successfully */
	uint64_t spawn_failed;
	uint64_t rejected;              /* the queue was full */
	uint64_t timed_out;
	uint64_t cancelled;
	unsigned running, queued;       /* now */
	unsigned peak_running, peak_queued;
};

struct script_runner *script_runner_new(uv_loop_t *loop, const struct script_runner_options *opts);

/* Shutdown: queued jobs are dropped and running ones killed (SIGKILL to
 * their process groups), all without callbacks.  The runner frees itself
 * once libuv has reaped the processes and closed the handles, so the loop
 * must keep running a little (uv_run until it returns). */
void script_runner_close(struct script_runner *runner);

/* Graceful shutdown (e.g. notify_stop scripts at exit): no new jobs are
 * accepted and no callback is called any more, but running and queued jobs
 * go on until they end or grace_us passes, when the rest are killed as by
 * script_runner_close.  The runner frees itself afterwards. */
void script_runner_close_after(struct script_runner *runner, uint64_t grace_us);

const struct script_runner_stats *script_runner_stats(const struct script_runner *runner);

/* Starts a script now, or queues it if max_running are running.  Returns
 * the job (for script_job_cancel); `done` is called once when it ends,
 * including when it could not start.  `done` may start new jobs. */
struct script_job *script_run(struct script_runner *runner, const struct script_job_options *opts,
			      script_done_cb *done, void *arg);

/* The caller no longer wants the result: `done` will not be called; a
 * running script is killed (SIGKILL to its group) and reaped; a queued one
 * is dropped.  The job pointer is invalid afterwards.  Not to be called
 * from the job's own `done` (the job is already over then). */
void script_job_cancel(struct script_job *job);

/* The caller no longer wants the result but the script may finish: `done`
 * will not be called; the job runs on (until its timeout). */
void script_job_detach(struct script_job *job);

#endif
