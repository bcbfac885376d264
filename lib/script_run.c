/* Running scripts through libuv: see script_run.h for the contract.
 *
 * A job moves through four phases:
 *   QUEUED   waiting in the runner's queue for a free slot (no handles);
 *   RUNNING  spawned: the process handle, a timer, maybe the output pipe;
 *   FAILING  never started (spawn error, queue full): a zero timer delivers
 *            the result from the loop, so `done` never runs inside
 *            script_run();
 *   CLOSING  the result was delivered (or dropped); handles are closing and
 *            the job is freed by the last close callback.
 * Every job with open handles is on the runner's `live` list, which is
 * how script_runner_close() finds them and knows when it may free itself. */
#include "config.h"
#include "script_run.h"

#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum job_phase { JOB_QUEUED, JOB_RUNNING, JOB_FAILING, JOB_CLOSING };

struct job_list {
	struct script_job *head, *tail;
};

struct script_job {
	struct script_runner *runner;
	struct script_job *prev, *next;     /* on runner->queue or runner->live */
	enum job_phase phase;
	char *name;
	char **argv, **env;
	uid_t uid;
	gid_t gid;
	bool set_user;
	uint64_t timeout_us, grace_us;
	size_t capture_max;
	script_done_cb *done;               /* may be NULL: nobody waits */
	void *arg;
	bool cancelled;

	uv_process_t proc;
	uv_pipe_t out;
	uv_timer_t timer;
	bool proc_open, out_open, timer_open, out_eof, term_sent;
	unsigned open_handles;
	uint64_t queued_ns, started_ns;
	char *output;
	size_t output_len;
	bool output_truncated;
	char read_buf[4096];
	struct script_result result;
};

struct script_runner {
	uv_loop_t *loop;
	unsigned max_running, max_queued;
	struct job_list queue, live;
	bool closing;                       /* no new jobs */
	bool draining;                      /* closing, but running and queued jobs finish */
	uv_timer_t drain_timer;             /* bounds the drain */
	bool drain_timer_open;
	struct script_runner_stats stats;
};

const char *const script_outcome_names[SCRIPT_OUTCOME_COUNT] = {
	[SCRIPT_EXITED] = "exited",
	[SCRIPT_SIGNALLED] = "signalled",
	[SCRIPT_TIMED_OUT] = "timed-out",
	[SCRIPT_SPAWN_FAILED] = "spawn-failed",
};

const char *script_outcome_name(enum script_outcome outcome)
{
	return (unsigned)outcome < SCRIPT_OUTCOME_COUNT ? script_outcome_names[outcome] : "?";
}

bool script_result_ok(const struct script_result *r)
{
	return r->outcome == SCRIPT_EXITED && r->exit_code == 0;
}

void script_result_describe(const struct script_result *r, char *buf, size_t len)
{
	switch (r->outcome) {
	case SCRIPT_EXITED:
		snprintf(buf, len, "exited with status %d", r->exit_code);
		break;
	case SCRIPT_SIGNALLED:
		snprintf(buf, len, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
		break;
	case SCRIPT_TIMED_OUT:
		snprintf(buf, len, "timed out after %llu.%03llu s",
			 (unsigned long long)(r->run_time_us / 1000000),
			 (unsigned long long)(r->run_time_us / 1000 % 1000));
		break;
	default:
		snprintf(buf, len, "could not start: %s", strerror(r->error));
		break;
	}
}

/* ---- lists ---------------------------------------------------------------- */

static void list_append(struct job_list *l, struct script_job *job)
{
	job->prev = l->tail;
	job->next = NULL;
	if (l->tail)
		l->tail->next = job;
	else
		l->head = job;
	l->tail = job;
}

static void list_remove(struct job_list *l, struct script_job *job)
{
	if (job->prev)
		job->prev->next = job->next;
	else
		l->head = job->next;
	if (job->next)
		job->next->prev = job->prev;
	else
		l->tail = job->prev;
	job->prev = job->next = NULL;
}

/* ---- jobs ----------------------------------------------------------------- */

static char **strv_dup(const char *const *v, size_t extra_slots)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	char **copy = xcalloc(n + extra_slots + 1, sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(v[i]);
	return copy;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The minimal environment: ours, then the caller's additions. */
static char **job_env(const char *const *extra)
{
	static const char *const base[] = { "PATH=" SCRIPT_RUN_PATH, "HOME=/", NULL };
	size_t n = 0;

	while (extra && extra[n])
		n++;
	char **env = strv_dup(base, n);
	for (size_t i = 0; i < n; i++)
		env[2 + i] = xstrdup(extra[i]);
	return env;
}

static struct script_job *job_new(struct script_runner *r, const struct script_job_options *o,
				  script_done_cb *done, void *arg)
{
	struct script_job *job = XNEW(struct script_job);

	job->runner = r;
	job->name = xstrdup(o->name ? o->name : (o->argv && o->argv[0] ? o->argv[0] : "script"));
	job->argv = strv_dup(o->argv, 0);
	job->env = job_env(o->env_extra);
	job->uid = o->uid;
	job->gid = o->gid;
	job->set_user = o->set_user;
	job->timeout_us = o->timeout_us;
	job->grace_us = o->grace_us ? o->grace_us : SCRIPT_RUN_GRACE_DEFAULT_US;
	job->capture_max = o->capture_max;
	job->done = done;
	job->arg = arg;
	job->queued_ns = uv_hrtime();
	return job;
}

static void job_free(struct script_job *job)
{
	strv_free(job->argv);
	strv_free(job->env);
	free(job->output);
	free(job->name);
	free(job);
}

static void runner_timer_closed(uv_handle_t *h)
{
	free(h->data);
}

static void runner_free_if_idle(struct script_runner *r)
{
	if (!r->closing || r->live.head || r->queue.head)
		return;
	if (r->drain_timer_open) {
		r->drain_timer_open = false;
		uv_close((uv_handle_t *)&r->drain_timer, runner_timer_closed);
	} else if (!uv_is_closing((uv_handle_t *)&r->drain_timer)) {
		free(r);
	}
}

static void job_handle_closed(uv_handle_t *h)
{
	struct script_job *job = h->data;
	struct script_runner *r = job->runner;

	if (--job->open_handles > 0)
		return;
	list_remove(&r->live, job);
	job_free(job);
	runner_free_if_idle(r);
}

static void job_close_handle(struct script_job *job, uv_handle_t *h, bool *open)
{
	if (!*open)
		return;
	*open = false;
	uv_close(h, job_handle_closed);
}

static uint64_t ms_from_us(uint64_t us)
{
	uint64_t ms = (us + 999) / 1000;
	return ms ? ms : 1;
}

static void runner_pump(struct script_runner *r);

/* Delivers the result (unless cancelled), lets the handles go, and gives
 * the freed slot to the next queued job. */
static void job_complete(struct script_job *job)
{
	struct script_runner *r = job->runner;
	script_done_cb *done = job->done;

	job->phase = JOB_CLOSING;
	job->done = NULL;
	if (job->output)
		job->output[job->output_len] = '\0';
	job->result.output = job->output ? job->output : "";
	job->result.output_len = job->output_len;
	job->result.output_truncated = job->output_truncated;
	if (done)
		done(&job->result, job->arg);
	job_close_handle(job, (uv_handle_t *)&job->out, &job->out_open);
	job_close_handle(job, (uv_handle_t *)&job->proc, &job->proc_open);
	job_close_handle(job, (uv_handle_t *)&job->timer, &job->timer_open);
	runner_pump(r);
}

static void job_timer_init(struct script_job *job)
{
	uv_timer_init(job->runner->loop, &job->timer);
	job->timer.data = job;
	job->timer_open = true;
	job->open_handles++;
}

static void job_timer_fired(uv_timer_t *t);

/* The job never ran: report `error` from the loop, not from the caller's
 * stack. */
static void job_fail_later(struct script_job *job, int error)
{
	job->phase = JOB_FAILING;
	job->result.outcome = SCRIPT_SPAWN_FAILED;
	job->result.error = error;
	job->result.queued_us = (uv_hrtime() - job->queued_ns) / 1000;
	if (!job->timer_open)
		job_timer_init(job);
	uv_timer_start(&job->timer, job_timer_fired, 0, 0);
}

/* ---- output --------------------------------------------------------------- */

static void output_add(struct script_job *job, const char *data, size_t n)
{
	size_t room = job->capture_max - job->output_len;

	if (n > room) {
		job->output_truncated = true;
		n = room;
	}
	memcpy(job->output + job->output_len, data, n);
	job->output_len += n;
}

static void output_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct script_job *job = h->data;

	(void)suggested;
	*buf = uv_buf_init(job->read_buf, sizeof(job->read_buf));
}

static void output_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct script_job *job = s->data;

	if (n > 0) {
		output_add(job, buf->base, (size_t)n);
	} else if (n < 0) {
		job->out_eof = true;
		uv_read_stop(s);
	}
}

/* What the script wrote just before exiting may still sit in the pipe;
 * read it now (the descriptor is non-blocking) rather than wait for an
 * EOF that a background child holding the pipe could delay for ever. */
static void output_drain(struct script_job *job)
{
	uv_os_fd_t fd;
	ssize_t n;

	if (!job->out_open || job->out_eof || uv_fileno((uv_handle_t *)&job->out, &fd) != 0)
		return;
	while ((n = read(fd, job->read_buf, sizeof(job->read_buf))) > 0)
		output_add(job, job->read_buf, (size_t)n);
	uv_read_stop((uv_stream_t *)&job->out);
}

/* ---- processes ------------------------------------------------------------ */

static void job_signal_group(struct script_job *job, int sig)
{
	if (job->result.pid > 0)
		kill(-job->result.pid, sig);
}

static void job_exited(uv_process_t *proc, int64_t exit_status, int term_signal)
{
	struct script_job *job = proc->data;
	struct script_runner *r = job->runner;
	struct script_result *res = &job->result;

	uv_timer_stop(&job->timer);
	output_drain(job);
	res->run_time_us = (uv_hrtime() - job->started_ns) / 1000;
	res->signal = term_signal;
	if (job->term_sent) {
		res->outcome = SCRIPT_TIMED_OUT;
		r->stats.timed_out++;
	} else if (term_signal) {
		res->outcome = SCRIPT_SIGNALLED;
	} else {
		res->outcome = SCRIPT_EXITED;
		res->exit_code = (int)exit_status;
	}
	if (job->term_sent || job->cancelled)
		job_signal_group(job, SIGKILL);   /* whatever it left behind */
	r->stats.running--;
	log_debug("script %s (pid %d): %s", job->name, (int)res->pid,
		  script_outcome_name(res->outcome));
	job_complete(job);
}

static void job_timer_fired(uv_timer_t *t)
{
	struct script_job *job = t->data;

	if (job->phase == JOB_FAILING) {
		job_complete(job);
		return;
	}
	if (!job->term_sent) {
		log_debug("script %s (pid %d) timed out: SIGTERM", job->name, (int)job->result.pid);
		job->term_sent = true;
		job_signal_group(job, SIGTERM);
		uv_timer_start(&job->timer, job_timer_fired, ms_from_us(job->grace_us), 0);
		return;
	}
	log_debug("script %s (pid %d) ignored SIGTERM: SIGKILL", job->name, (int)job->result.pid);
	job_signal_group(job, SIGKILL);
}

/* The output pipe: stdout and stderr share the write end, which the child
 * inherits; we read the other end through libuv. */
static bool job_open_output(struct script_job *job, int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		return false;
	uv_pipe_init(job->runner->loop, &job->out, 0);
	job->out.data = job;
	job->out_open = true;
	job->open_handles++;
	if (uv_pipe_open(&job->out, fds[0]) != 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	job->output = xmalloc(job->capture_max + 1);
	return true;
}

static void job_stdio(uv_stdio_container_t stdio[3], int out_fd)
{
	stdio[0].flags = UV_IGNORE;          /* libuv puts /dev/null there */
	for (int i = 1; i < 3; i++) {
		stdio[i].flags = out_fd >= 0 ? UV_INHERIT_FD : UV_IGNORE;
		stdio[i].data.fd = out_fd;
	}
}

static int job_spawn(struct script_job *job, int out_fd)
{
	uv_stdio_container_t stdio[3];
	uv_process_options_t o = {
		.exit_cb = job_exited, .file = job->argv[0], .args = job->argv,
		.env = job->env, .cwd = "/", .stdio_count = 3, .stdio = stdio,
		.flags = UV_PROCESS_DETACHED,     /* own session: a group to signal */
		.uid = job->uid, .gid = job->gid,
	};

	if (job->set_user)
		o.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
	job_stdio(stdio, out_fd);
	job->proc.data = job;
	int rc = uv_spawn(job->runner->loop, &job->proc, &o);
	job->proc_open = true;                /* closed even when the spawn failed */
	job->open_handles++;
	return rc;
}

static void job_start(struct script_job *job)
{
	struct script_runner *r = job->runner;
	int fds[2] = { -1, -1 };

	list_append(&r->live, job);
	job_timer_init(job);
	job->result.queued_us = (uv_hrtime() - job->queued_ns) / 1000;
	if (!job->argv[0] || !job->argv[0][0]) {
		job_fail_later(job, EINVAL);
		return;
	}
	if (job->capture_max && !job_open_output(job, fds)) {
		job_fail_later(job, errno ? errno : EMFILE);
		return;
	}
	job->started_ns = uv_hrtime();
	int rc = job_spawn(job, fds[1]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (rc != 0) {
		r->stats.spawn_failed++;
		log_debug("script %s: cannot start %s: %s", job->name, job->argv[0], uv_strerror(rc));
		job_fail_later(job, -rc);
		return;
	}
	job->phase = JOB_RUNNING;
	job->result.pid = job->proc.pid;
	r->stats.started++;
	if (++r->stats.running > r->stats.peak_running)
		r->stats.peak_running = r->stats.running;
	if (job->out_open)
		uv_read_start((uv_stream_t *)&job->out, output_alloc, output_read);
	if (job->timeout_us)
		uv_timer_start(&job->timer, job_timer_fired, ms_from_us(job->timeout_us), 0);
	log_debug("script %s started (pid %d)", job->name, (int)job->result.pid);
}

static void runner_pump(struct script_runner *r)
{
	while ((!r->closing || r->draining) && r->queue.head && r->stats.running < r->max_running) {
		struct script_job *job = r->queue.head;

		list_remove(&r->queue, job);
		r->stats.queued--;
		job_start(job);
	}
}

/* ---- the public API ------------------------------------------------------- */

struct script_runner *script_runner_new(uv_loop_t *loop, const struct script_runner_options *opts)
{
	struct script_runner *r = XNEW(struct script_runner);

	r->loop = loop;
	r->max_running = opts && opts->max_running ? opts->max_running
						   : SCRIPT_RUNNER_MAX_RUNNING_DEFAULT;
	r->max_queued = opts && opts->max_queued ? opts->max_queued
						 : SCRIPT_RUNNER_MAX_QUEUED_DEFAULT;
	return r;
}

const struct script_runner_stats *script_runner_stats(const struct script_runner *runner)
{
	return &runner->stats;
}

struct script_job *script_run(struct script_runner *r, const struct script_job_options *opts,
			      script_done_cb *done, void *arg)
{
	struct script_job *job = job_new(r, opts, done, arg);

	if (!r->closing && !r->queue.head && r->stats.running < r->max_running) {
		job_start(job);
	} else if (!r->closing && r->stats.queued < r->max_queued) {
		list_append(&r->queue, job);
		if (++r->stats.queued > r->stats.peak_queued)
			r->stats.peak_queued = r->stats.queued;
	} else {
		r->stats.rejected++;
		list_append(&r->live, job);
		job_fail_later(job, r->closing ? ECANCELED : EAGAIN);
	}
	return job;
}

void script_job_cancel(struct script_job *job)
{
	struct script_runner *r = job->runner;

	if (job->cancelled || job->phase == JOB_CLOSING)
		return;                  /* already cancelled, or over */
	job->cancelled = true;
	job->done = NULL;
	r->stats.cancelled++;
	if (job->phase == JOB_QUEUED) {
		list_remove(&r->queue, job);
		r->stats.queued--;
		job_free(job);
	} else if (job->phase == JOB_RUNNING) {
		job_signal_group(job, SIGKILL);   /* reaped by job_exited */
	}
}

void script_job_detach(struct script_job *job)
{
	job->done = NULL;
}

static void drain_expired(uv_timer_t *t)
{
	struct script_runner *r = t->data;

	log_warning("%u script(s) still running at shutdown; killing them",
		    r->stats.running + r->stats.queued);
	script_runner_close(r);
}

void script_runner_close_after(struct script_runner *r, uint64_t grace_us)
{
	struct script_job *job;

	if (!r->queue.head && !r->live.head) {
		script_runner_close(r);
		return;
	}
	r->closing = true;
	r->draining = true;
	for (job = r->queue.head; job; job = job->next)
		job->done = NULL;
	for (job = r->live.head; job; job = job->next)
		job->done = NULL;
	uv_timer_init(r->loop, &r->drain_timer);
	r->drain_timer.data = r;
	r->drain_timer_open = true;
	uv_timer_start(&r->drain_timer, drain_expired, ms_from_us(grace_us), 0);
	/* The timer must not keep the loop alive by itself: jobs do. */
	uv_unref((uv_handle_t *)&r->drain_timer);
}

void script_runner_close(struct script_runner *r)
{
	struct script_job *job, *next;

	r->closing = true;
	r->draining = false;
	for (job = r->queue.head; job; job = next) {
		next = job->next;
		script_job_cancel(job);
	}
	for (job = r->live.head; job; job = job->next)
		script_job_cancel(job);
	runner_free_if_idle(r);
}
