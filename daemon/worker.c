#include "config.h"
#include "daemon/worker.h"
#include "daemon/config_load.h"
#include "daemon/pidfile.h"
#include "ctl_proto.h"
#include "log.h"
#include "smtp_alert.h"
#include "vigil_event.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Signals a worker handles: TERM/INT stop it; the others are the parent's
 * business (reload arrives over IPC) and must not kill a worker that
 * receives one by accident. */
static const int worker_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
#define WORKER_NSIGNALS (sizeof(worker_signals) / sizeof(worker_signals[0]))

struct worker {
	uv_loop_t loop;
	const struct vigild_args *args;
	const struct worker_ops *ops;
	struct vigil_config *cfg;
	void *state;
	uv_pipe_t ipc;
	uv_shutdown_t ipc_shutdown;
	uv_signal_t signals[WORKER_NSIGNALS];
	struct ctl_linebuf in;
	struct pidfile pid;
	bool stopping;
};

struct worker_write {
	uv_write_t req;
	char *text;
	size_t len;
};

static void worker_stop(struct worker *w, const char *why);

static struct vigil_config *worker_load(const struct worker *w, struct conf_diags *diags)
{
	struct config_load_options opts = {
		.config_id = w->args->config_id,
		.check_host = true,
		.share_checkers = w->ops->kind == WORKER_CHECKER,
	};

	return vigil_config_load(w->args->config_file, &opts, diags);
}

/* ---- talking to the parent ------------------------------------------------ */

static void on_ipc_written(uv_write_t *req, int status)
{
	struct worker_write *ww = req->data;

	if (status < 0 && status != UV_ECANCELED)
		log_warning("cannot write to the parent: %s", uv_strerror(status));
	free(ww->text);
	xalloc_release_after(ww->len);
	free(ww);
}

static void worker_send(struct worker *w, json_object *msg)
{
	struct worker_write *ww;
	uv_buf_t buf;
	size_t len;

	if (w->stopping)
		return;
	ww = XNEW(struct worker_write);
	ww->text = ctl_format_line(msg, &len);
	ww->len = len;
	ww->req.data = ww;
	buf = uv_buf_init(ww->text, (unsigned)len);
	if (uv_write(&ww->req, (uv_stream_t *)&w->ipc, &buf, 1, on_ipc_written) < 0) {
		free(ww->text);
		free(ww);
	}
}

/* Events wait in the channel's write queue while the parent is slow (it
 * never should be: it only parses and forwards); past this they are
 * dropped rather than let a stalled parent grow the worker without end. */
#define WORKER_EVENT_QUEUE_MAX (1024u * 1024)

/* The vigil_event sink of a worker: {"event":"state","data":EVENT}. */
static void worker_event_sink(void *arg, json_object *event)
{
	static struct log_ratelimit dropping = LOG_RATELIMIT_INIT(10000, 1);
	static uint64_t dropped;
	struct worker *w = arg;
	json_object *msg;

	if (uv_stream_get_write_queue_size((uv_stream_t *)&w->ipc) > WORKER_EVENT_QUEUE_MAX) {
		dropped++;
		log_ratelimited(&dropping, LOG_WARNING, "the parent is not reading: %llu event%s "
				"dropped so far", (unsigned long long)dropped, dropped == 1 ? "" : "s");
		json_object_put(event);
		return;
	}
	msg = json_object_new_object();
	json_object_object_add(msg, "event", json_object_new_string("state"));
	json_object_object_add(msg, "data", event);
	worker_send(w, msg);
	json_object_put(msg);
}

/* {"command":"events","on":BOOL}: whether anyone subscribes. */
static json_object *worker_events_switch(json_object *request)
{
	json_object *on;

	if (!json_object_object_get_ex(request, "on", &on)
	    || !json_object_is_type(on, json_type_boolean))
		return ctl_response_error("events wants \"on\": true or false");
	vigil_event_set_enabled(json_object_get_boolean(on));
	return ctl_response_ok(NULL);
}

/* Answers a request, echoing its id; takes ownership of `response`. */
static void worker_answer(struct worker *w, json_object *request, json_object *response)
{
	json_object *id;

	if (json_object_object_get_ex(request, "id", &id))
		json_object_object_add(response, "id", json_object_get(id));
	worker_send(w, response);
	json_object_put(response);
}

static json_object *worker_reload(struct worker *w)
{
	struct conf_diags diags;
	struct vigil_config *cfg;
	json_object *response;

	conf_diags_init(&diags);
	cfg = worker_load(w, &diags);
	if (!cfg) {
		log_error("reload: the configuration no longer loads; keeping the running one");
		conf_diags_log(&diags);
		response = ctl_response_refused(&diags);
	} else {
		if (w->ops->reload)
			w->ops->reload(w->state, cfg);
		vigil_config_free(w->cfg);
		w->cfg = cfg;
		/* Parsing leaves the token stream's memory free but mapped. */
		malloc_trim(0);
		log_info("configuration reloaded");
		response = ctl_response_ok(json_object_new_object());
		json_object_object_add(json_object_object_get(response, "result"), "result",
				       json_object_new_string("ok"));
	}
	conf_diags_free(&diags);
	return response;
}

/* The process's mail counters ride along with every status answer (one
 * alerter per worker process); the parent files them under the worker's
 * entry in the status. */
static json_object *smtp_alert_json(void)
{
	struct smtp_alert_counters c = smtp_alert_counters();
	json_object *o = json_object_new_object();

	json_object_object_add(o, "queued", json_object_new_int64((int64_t)c.queued));
	json_object_object_add(o, "sent", json_object_new_int64((int64_t)c.sent));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)c.failed));
	json_object_object_add(o, "dropped", json_object_new_int64((int64_t)c.dropped));
	return o;
}

static json_object *worker_status(struct worker *w)
{
	json_object *status = w->ops->status(w->state, w->cfg);

	if (json_object_is_type(status, json_type_object))
		json_object_object_add(status, "smtp_alert", smtp_alert_json());
	return status;
}

static void worker_handle_line(struct worker *w, const char *line)
{
	const char *why;
	json_object *request = ctl_parse_object(line, &why);
	enum ctl_command cmd;

	if (!request) {
		log_warning("malformed message from the parent: %s", why);
		return;
	}
	cmd = ctl_request_command(request, &why);
	if (cmd == CTL_CMD_STATUS)
		worker_answer(w, request, ctl_response_ok(worker_status(w)));
	else if (cmd == CTL_CMD_RELOAD)
		worker_answer(w, request, worker_reload(w));
	else if (cmd == CTL_CMD_EVENTS)
		worker_answer(w, request, worker_events_switch(request));
	else if (cmd == CTL_CMD_STOP) {
		worker_answer(w, request, ctl_response_ok(NULL));
		worker_stop(w, "the parent asked");
	} else if (cmd != CTL_CMD_INVALID && w->ops->command)
		worker_answer(w, request, w->ops->command(w->state, request));
	else
		worker_answer(w, request, ctl_response_error(cmd == CTL_CMD_INVALID ? why
							     : "not a command of this worker"));
	json_object_put(request);
}

static void on_ipc_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	static char chunk[16 * 1024];

	*buf = uv_buf_init(chunk, sizeof(chunk));
}

static void on_ipc_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct worker *w = stream->data;
	char *line;

	if (nread < 0) {
		/* The parent died or closed the channel: nobody supervises us. */
		worker_stop(w, "the parent went away");
		return;
	}
	if (!ctl_linebuf_append(&w->in, buf->base, (size_t)nread)) {
		log_error("message from the parent too long; stopping");
		worker_stop(w, "protocol error");
		return;
	}
	while (!w->stopping && (line = ctl_linebuf_next(&w->in))) {
		worker_handle_line(w, line);
		free(line);
	}
}

/* ---- lifetime ------------------------------------------------------------------ */

static void on_signal(uv_signal_t *handle, int signum)
{
	struct worker *w = handle->data;

	if (signum == SIGTERM || signum == SIGINT)
		worker_stop(w, strsignal(signum));
	else
		log_debug("signal %s ignored (the parent handles it)", strsignal(signum));
}

static void on_ipc_shut(uv_shutdown_t *req, int status)
{
	uv_close((uv_handle_t *)req->handle, NULL);
}

static void worker_stop(struct worker *w, const char *why)
{
	if (w->stopping)
		return;
	log_info("stopping (%s)", why);
	w->stopping = true;
	vigil_event_set_sink(NULL, NULL);
	if (w->ops->stop)
		w->ops->stop(w->state);
	for (size_t i = 0; i < WORKER_NSIGNALS; i++)
		uv_close((uv_handle_t *)&w->signals[i], NULL);
	uv_read_stop((uv_stream_t *)&w->ipc);
	/* Let answers already queued reach the parent before closing. */
	if (uv_shutdown(&w->ipc_shutdown, (uv_stream_t *)&w->ipc, on_ipc_shut) < 0)
		uv_close((uv_handle_t *)&w->ipc, NULL);
}

static bool worker_open_ipc(struct worker *w)
{
	struct stat st;
	json_object *ready;

	if (fstat(WORKER_IPC_FD, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		log_error("fd %d is not a channel to the parent; --worker is for vigild's own use",
			  WORKER_IPC_FD);
		return false;
	}
	fcntl(WORKER_IPC_FD, F_SETFD, FD_CLOEXEC);
	uv_pipe_init(&w->loop, &w->ipc, 0);
	w->ipc.data = w;
	if (uv_pipe_open(&w->ipc, WORKER_IPC_FD) < 0
	    || uv_read_start((uv_stream_t *)&w->ipc, on_ipc_alloc, on_ipc_read) < 0) {
		log_error("cannot read from the parent's channel");
		uv_close((uv_handle_t *)&w->ipc, NULL);
		return false;
	}
	ready = json_object_new_object();
	json_object_object_add(ready, "event", json_object_new_string("ready"));
	json_object_object_add(ready, "pid", json_object_new_int((int)getpid()));
	worker_send(w, ready);
	json_object_put(ready);
	/* On until the parent says whether anyone subscribes (it does as soon
	 * as it sees "ready"): a restarted worker's first transitions happen
	 * before that answer could arrive, and a subscriber wants them. */
	vigil_event_set_sink(worker_event_sink, w);
	vigil_event_set_enabled(true);
	return true;
}

static void worker_watch_signals(struct worker *w)
{
	for (size_t i = 0; i < WORKER_NSIGNALS; i++) {
		uv_signal_init(&w->loop, &w->signals[i]);
		w->signals[i].data = w;
		uv_signal_start(&w->signals[i], on_signal, worker_signals[i]);
	}
}

static bool worker_take_pidfile(struct worker *w)
{
	const char *path = w->args->worker_pid_file[w->ops->kind];
	char err[512];
	pid_t holder;

	switch (pidfile_take(&w->pid, path, &holder, err, sizeof(err))) {
	case PIDFILE_TAKEN:
		if (pidfile_write(&w->pid, err, sizeof(err)))
			return true;
		pidfile_release(&w->pid);
		break;
	case PIDFILE_BUSY:
		snprintf(err, sizeof(err), "another %s worker is running (pid %ld, pid file %s)",
			 worker_kind_names[w->ops->kind], (long)holder, path);
		break;
	case PIDFILE_ERROR:
		break;
	}
	log_error("%s", err);
	return false;
}

/* Loads the configuration and takes the pid file; returns 0 or the exit status. */
static int worker_prepare(struct worker *w)
{
	struct conf_diags diags;

	conf_diags_init(&diags);
	w->cfg = worker_load(w, &diags);
	if (!w->cfg) {
		log_error("cannot load the configuration %s:", w->args->config_file);
		conf_diags_log(&diags);
	}
	conf_diags_free(&diags);
	if (!w->cfg)
		return WORKER_EXIT_CONFIG;
	if (!worker_take_pidfile(w)) {
		vigil_config_free(w->cfg);
		return 1;
	}
	return 0;
}

/* A worker's descriptors grow with the configuration (a socket per running
 * check, 10,000 real servers and more): the soft limit goes up to the hard
 * one, as root's usually allows 1,048,576 against a soft 1,024. */
static void raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warning("cannot raise the open file limit: %s", strerror(errno));
	}
}

static void worker_init_log(const struct vigild_args *args, enum worker_kind kind)
{
	char ident[32];
	struct log_options opts = {
		.ident = ident, .target = args->log_target,
		.facility = args->log_facility, .detail = args->log_detail,
	};

	snprintf(ident, sizeof(ident), "vigild/%s", worker_kind_names[kind]);
	log_init(&opts);
}

int worker_main(const struct vigild_args *args, const struct worker_ops *ops)
{
	struct worker w = { .args = args, .ops = ops };
	int status;

	worker_init_log(args, ops->kind);
	/* Like every process vigild starts: gone with the parent. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	status = worker_prepare(&w);
	if (status)
		return status;
	uv_loop_init(&w.loop);
	ctl_linebuf_init(&w.in, CTL_REQUEST_MAX);
	if (worker_open_ipc(&w)) {
		worker_watch_signals(&w);
		raise_file_limit();
		w.state = ops->start ? ops->start(&w.loop, w.cfg) : NULL;
		malloc_trim(0);
		log_info("started (pid %ld)", (long)getpid());
		uv_run(&w.loop, UV_RUN_DEFAULT);
	} else {
		status = 1;
		uv_run(&w.loop, UV_RUN_DEFAULT);
	}
	uv_loop_close(&w.loop);
	ctl_linebuf_free(&w.in);
	vigil_config_free(w.cfg);
	pidfile_release(&w.pid);
	log_finalise();
	return status;
}
