#include "config.h"
#include "daemon/child.h"
#include "daemon/worker.h"
#include "log.h"
#include "xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const child_state_names[CHILD_STATE_COUNT] = {
	[CHILD_STOPPED] = "stopped",
	[CHILD_STARTING] = "starting",
	[CHILD_RUNNING] = "running",
	[CHILD_BACKOFF] = "backoff",
	[CHILD_CONFIG_ERROR] = "config-error",
	/* Still shutting down, but no longer serving: stopped, to a reader. */
	[CHILD_STOPPING] = "stopped",
};

/* One spawned process and its channel.  It outlives the struct child's
 * interest in it (run->child NULL) until libuv has closed both handles. */
struct child_run {
	uv_process_t proc;
	uv_pipe_t ipc;
	struct child *child;
	struct ctl_linebuf in;
	int open_handles;
	bool ipc_closing;
};

struct child_call {
	uv_timer_t timer;
	uint64_t id;
	struct child *child;
	struct child_call *next;
	child_call_fn fn;
	void *arg;
};

struct child_write {
	uv_write_t req;
	char *text;
};

static const char *name_of(const struct child *c)
{
	return worker_kind_names[c->kind];
}

static void set_state(struct child *c, enum child_state state)
{
	c->state = state;
	if (c->on_change)
		c->on_change(c->change_arg, c);
}

/* ---- calls -------------------------------------------------------------------- */

static void on_call_timer_closed(uv_handle_t *handle)
{
	free(handle->data);
}

/* Removes a call from the list and reports its outcome. */
static void call_finish(struct child_call *call, enum child_call_outcome outcome,
			json_object *response)
{
	struct child *c = call->child;

	for (struct child_call **p = &c->calls; *p; p = &(*p)->next)
		if (*p == call) {
			*p = call->next;
			break;
		}
	uv_timer_stop(&call->timer);
	uv_close((uv_handle_t *)&call->timer, on_call_timer_closed);
	call->fn(call->arg, c, outcome, response);
}

static void on_call_timeout(uv_timer_t *timer)
{
	struct child_call *call = timer->data;
	struct child *c = call->child;

	if (!c->unresponsive)
		log_warning("%s worker (pid %ld) did not answer within %llu ms; reporting it unresponsive",
			    name_of(c), c->pid, (unsigned long long)uv_timer_get_repeat(timer));
	c->unresponsive = true;
	call_finish(call, CHILD_CALL_TIMEOUT, NULL);
}

static void fail_all_calls(struct child *c)
{
	while (c->calls)
		call_finish(c->calls, CHILD_CALL_GONE, NULL);
}

static void on_ipc_written(uv_write_t *req, int status)
{
	struct child_write *w = req->data;

	free(w->text);
	free(w);
}

static bool child_send(struct child *c, json_object *msg)
{
	struct child_write *w = XNEW(struct child_write);
	uv_buf_t buf;
	size_t len;

	w->text = ctl_format_line(msg, &len);
	w->req.data = w;
	buf = uv_buf_init(w->text, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->run->ipc, &buf, 1, on_ipc_written) < 0) {
		free(w->text);
		free(w);
		return false;
	}
	return true;
}

void child_call_request(struct child *c, json_object *request, unsigned timeout_ms,
			child_call_fn fn, void *arg)
{
	struct child_call *call;
	json_object *copy = NULL;

	if (!c->run || c->run->ipc_closing || c->state == CHILD_STOPPING) {
		fn(arg, c, CHILD_CALL_GONE, NULL);
		return;
	}
	call = XNEW(struct child_call);
	call->id = ++c->next_call_id;
	call->child = c;
	call->fn = fn;
	call->arg = arg;
	call->next = c->calls;
	c->calls = call;
	uv_timer_init(c->loop, &call->timer);
	call->timer.data = call;
	/* The repeat value only records the timeout for the log message. */
	uv_timer_start(&call->timer, on_call_timeout, timeout_ms, timeout_ms);
	json_object_deep_copy(request, &copy, NULL);
	json_object_object_add(copy, "id", json_object_new_uint64(call->id));
	if (!child_send(c, copy))
		call_finish(call, CHILD_CALL_GONE, NULL);
	json_object_put(copy);
}

void child_call(struct child *c, enum ctl_command cmd, unsigned timeout_ms,
		child_call_fn fn, void *arg)
{
	json_object *request = ctl_request_new(cmd);

	child_call_request(c, request, timeout_ms, fn, arg);
	json_object_put(request);
}

/* ---- messages from the worker ---------------------------------------------------- */

static void child_handle_message(struct child *c, json_object *msg)
{
	json_object *event, *id;

	c->unresponsive = false;
	if (json_object_object_get_ex(msg, "event", &event)) {
		if (strcmp(json_object_get_string(event), "ready") == 0) {
			if (c->state != CHILD_STARTING)
				return;
			log_info("%s worker running (pid %ld)", name_of(c), c->pid);
			set_state(c, CHILD_RUNNING);
		} else if (c->on_event) {
			c->on_event(c->change_arg, c, msg);
		}
		return;
	}
	if (!json_object_object_get_ex(msg, "id", &id))
		return;
	for (struct child_call *call = c->calls; call; call = call->next)
		if (call->id == json_object_get_uint64(id)) {
			call_finish(call, CHILD_CALL_ANSWERED, msg);
			return;
		}
	log_debug("%s worker answered a call that had already timed out", name_of(c));
}

static void on_run_handle_closed(uv_handle_t *handle)
{
	struct child_run *run = handle->data;

	if (--run->open_handles == 0) {
		ctl_linebuf_free(&run->in);
		free(run);
	}
}

static void run_close_ipc(struct child_run *run)
{
	if (run->ipc_closing)
		return;
	run->ipc_closing = true;
	uv_close((uv_handle_t *)&run->ipc, on_run_handle_closed);
}

static void on_ipc_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	static char chunk[64 * 1024];

	*buf = uv_buf_init(chunk, sizeof(chunk));
}

static void on_ipc_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct child_run *run = stream->data;
	const char *why;
	json_object *msg;
	char *line;

	if (nread < 0 || !run->child) {
		run_close_ipc(run);
		return;
	}
	if (!ctl_linebuf_append(&run->in, buf->base, (size_t)nread)) {
		log_error("%s worker sent an oversized message; closing its channel",
			  name_of(run->child));
		run_close_ipc(run);
		return;
	}
	while (run->child && (line = ctl_linebuf_next(&run->in))) {
		size_t len = strlen(line);

		msg = ctl_parse_object(line, &why);
		if (msg)
			child_handle_message(run->child, msg);
		else
			log_warning("malformed message from the %s worker: %s", name_of(run->child), why);
		json_object_put(msg);
		free(line);
		xalloc_release_after(len);
	}
}

/* ---- life and death ----------------------------------------------------------------- */

static void describe_exit(char *buf, size_t len, int64_t exit_status, int term_signal)
{
	if (term_signal)
		snprintf(buf, len, "was killed by signal %d (%s)", term_signal, strsignal(term_signal));
	else
		snprintf(buf, len, "exited with status %lld", (long long)exit_status);
}

static void on_backoff_done(uv_timer_t *timer)
{
	struct child *c = timer->data;

	c->restarts++;
	log_info("restarting the %s worker (restart %u)", name_of(c), c->restarts);
	if (!child_start(c))
		return;
}

/* Schedules the next start after the current backoff, then doubles it. */
static void schedule_restart(struct child *c)
{
	uint64_t delay = c->backoff_ms;

	c->backoff_ms = delay * 2 > CHILD_BACKOFF_MAX_MS ? CHILD_BACKOFF_MAX_MS : delay * 2;
	uv_timer_start(&c->timer, on_backoff_done, delay, 0);
	set_state(c, CHILD_BACKOFF);
}

/* A worker killed before it could clean up leaves its pid file behind;
 * remove it if it still names the dead process (nobody else can hold it:
 * the next worker is not started yet). */
static void remove_stale_pid_file(const struct child *c)
{
	char buf[32] = "";
	FILE *f;

	if (!c->pid_file || !(f = fopen(c->pid_file, "re")))
		return;
	if (fgets(buf, sizeof(buf), f) && strtol(buf, NULL, 10) == c->pid)
		unlink(c->pid_file);
	fclose(f);
}

static void child_died(struct child *c, int64_t exit_status, int term_signal)
{
	uint64_t ran_ms = uv_now(c->loop) - c->started_ms;
	char how[128];

	describe_exit(how, sizeof(how), exit_status, term_signal);
	snprintf(c->last_exit, sizeof(c->last_exit), "%s", how);
	remove_stale_pid_file(c);
	if (c->state == CHILD_STOPPING) {
		log_info("%s worker (pid %ld) stopped: %s", name_of(c), c->pid, how);
		uv_timer_stop(&c->timer);
		c->pid = 0;
		set_state(c, CHILD_STOPPED);
		return;
	}
	if (!term_signal && exit_status == WORKER_EXIT_CONFIG) {
		log_error("%s worker (pid %ld) could not load the configuration (exit status %d); "
			  "not restarting it until a reload fixes the configuration",
			  name_of(c), c->pid, WORKER_EXIT_CONFIG);
		c->pid = 0;
		set_state(c, CHILD_CONFIG_ERROR);
		return;
	}
	if (ran_ms >= CHILD_HEALTHY_MS)
		c->backoff_ms = CHILD_BACKOFF_MIN_MS;
	log_error("%s worker (pid %ld) %s after %.1f s; restarting in %.1f s", name_of(c), c->pid,
		  how, (double)ran_ms / 1000, (double)c->backoff_ms / 1000);
	c->pid = 0;
	schedule_restart(c);
}

static void on_process_exit(uv_process_t *proc, int64_t exit_status, int term_signal)
{
	struct child_run *run = proc->data;
	struct child *c = run->child;

	uv_close((uv_handle_t *)&run->proc, on_run_handle_closed);
	run->child = NULL;
	if (!c)
		return;
	c->run = NULL;
	/* Unread answers after death are of no use; the channel goes too. */
	run_close_ipc(run);
	c->unresponsive = false;
	fail_all_calls(c);
	child_died(c, exit_status, term_signal);
}

static int spawn_run(struct child *c, struct child_run *run)
{
	uv_stdio_container_t stdio[WORKER_IPC_FD + 1];
	uv_process_options_t opts;

	memset(&opts, 0, sizeof(opts));
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = 1;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = 2;
	stdio[WORKER_IPC_FD].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
	stdio[WORKER_IPC_FD].data.stream = (uv_stream_t *)&run->ipc;
	opts.exit_cb = on_process_exit;
	opts.file = c->argv[0];
	opts.args = c->argv;
	opts.env = c->env;
	opts.stdio = stdio;
	opts.stdio_count = WORKER_IPC_FD + 1;
	/* Its own session: a Ctrl-C at the terminal reaches the parent only,
	 * which then stops the workers in order. */
	opts.flags = UV_PROCESS_DETACHED;
	return uv_spawn(c->loop, &run->proc, &opts);
}

bool child_start(struct child *c)
{
	struct child_run *run = XNEW(struct child_run);
	int r;

	uv_timer_stop(&c->timer);
	run->open_handles = 2;
	ctl_linebuf_init(&run->in, CTL_RESPONSE_MAX);
	uv_pipe_init(c->loop, &run->ipc, 0);
	run->ipc.data = run;
	run->proc.data = run;
	r = spawn_run(c, run);
	if (r < 0) {
		log_error("cannot start the %s worker (%s): %s", name_of(c), c->argv[0], uv_strerror(r));
		uv_close((uv_handle_t *)&run->proc, on_run_handle_closed);
		run_close_ipc(run);
		schedule_restart(c);
		return false;
	}
	run->child = c;
	c->run = run;
	c->pid = run->proc.pid;
	c->started_ms = uv_now(c->loop);
	c->unresponsive = false;
	uv_read_start((uv_stream_t *)&run->ipc, on_ipc_alloc, on_ipc_read);
	log_debug("%s worker spawned (pid %ld)", name_of(c), c->pid);
	set_state(c, CHILD_STARTING);
	return true;
}

static void on_kill_deadline(uv_timer_t *timer)
{
	struct child *c = timer->data;

	if (!c->run)
		return;
	log_warning("%s worker (pid %ld) did not stop in time; killing it", name_of(c), c->pid);
	uv_process_kill(&c->run->proc, SIGKILL);
}

void child_stop(struct child *c, unsigned wait_ms)
{
	uv_timer_stop(&c->timer);
	if (!c->run) {
		c->backoff_ms = CHILD_BACKOFF_MIN_MS;
		if (c->state != CHILD_STOPPED)
			set_state(c, CHILD_STOPPED);
		return;
	}
	if (c->state == CHILD_STOPPING)
		return;
	log_info("stopping the %s worker (pid %ld)", name_of(c), c->pid);
	c->backoff_ms = CHILD_BACKOFF_MIN_MS;
	uv_process_kill(&c->run->proc, SIGTERM);
	uv_timer_start(&c->timer, on_kill_deadline, wait_ms, 0);
	fail_all_calls(c);
	set_state(c, CHILD_STOPPING);
}

/* ---- the rest ------------------------------------------------------------------------ */

void child_init(struct child *c, uv_loop_t *loop, enum worker_kind kind,
		child_change_fn on_change, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->loop = loop;
	c->on_change = on_change;
	c->change_arg = arg;
	c->backoff_ms = CHILD_BACKOFF_MIN_MS;
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
}

void child_set_argv(struct child *c, char **argv)
{
	vigild_argv_free(c->argv);
	c->argv = argv;
}

bool child_alive(const struct child *c)
{
	return c->run != NULL;
}

const char *child_state_name(const struct child *c)
{
	if (c->state == CHILD_RUNNING && c->unresponsive)
		return "unresponsive";
	return child_state_names[c->state];
}

json_object *child_status_json(const struct child *c)
{
	json_object *o = json_object_new_object();
	bool up = c->state == CHILD_RUNNING || c->state == CHILD_STARTING;

	json_object_object_add(o, "name", json_object_new_string(name_of(c)));
	json_object_object_add(o, "pid", c->pid ? json_object_new_int64(c->pid) : NULL);
	json_object_object_add(o, "state", json_object_new_string(child_state_name(c)));
	json_object_object_add(o, "restarts", json_object_new_int64(c->restarts));
	json_object_object_add(o, "uptime_s", json_object_new_int64(
		up ? (int64_t)((uv_now(c->loop) - c->started_ms) / 1000) : 0));
	return o;
}

void child_close(struct child *c)
{
	uv_close((uv_handle_t *)&c->timer, NULL);
	vigild_argv_free(c->argv);
	c->argv = NULL;
}
