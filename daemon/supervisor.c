#include "config.h"
#include "daemon/supervisor.h"
#include "daemon/config_load.h"
#include "daemon/global_conf.h"
#include "daemon/notify_systemd.h"
#include "ctl_proto.h"
#include "log.h"
#include "xalloc.h"

#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static bool supervisor_wants(const struct supervisor *sup, enum worker_kind kind)
{
	const bool *only = sup->args->only;

	if ((only[WORKER_VRRP] || only[WORKER_CHECKER]) && !only[kind])
		return false;
	return kind == WORKER_VRRP ? vigil_config_wants_vrrp(sup->cfg)
				   : vigil_config_wants_checker(sup->cfg);
}

/* How long stopping workers may take before SIGKILL (child_wait_time). */
static unsigned stop_wait_ms(const struct supervisor *sup)
{
	unsigned s = sup->cfg->global ? sup->cfg->global->child_wait_time_s : 0;

	return (s ? s : 5) * 1000;
}

static void supervisor_notify_status(const struct supervisor *sup)
{
	const struct child *c = sup->children;

	notify_status("%s worker %s, %s worker %s", worker_kind_names[c[0].kind],
		      child_state_name(&c[0]), worker_kind_names[c[1].kind], child_state_name(&c[1]));
}

static void start_worker(struct supervisor *sup, struct child *c)
{
	child_set_argv(c, vigild_args_worker_argv(sup->args, sup->exe, c->kind));
	child_start(c);
}

/* ---- stopping ---------------------------------------------------------------------- */

static void supervisor_finish(struct supervisor *sup)
{
	if (sup->finished)
		return;
	for (int k = 0; k < WORKER_KIND_COUNT; k++)
		if (child_alive(&sup->children[k]))
			return;
	sup->finished = true;
	for (int k = 0; k < WORKER_KIND_COUNT; k++)
		child_close(&sup->children[k]);
	for (int i = 0; i < SUPERVISOR_NSIGNALS; i++)
		uv_close((uv_handle_t *)&sup->signals[i], NULL);
}

void supervisor_stop(struct supervisor *sup, const char *why)
{
	if (sup->stopping)
		return;
	sup->stopping = true;
	log_notice("stopping (%s)", why);
	notify_stopping();
	supervisor_events_stopping(sup, why);
	control_server_close(sup->control);
	sup->control = NULL;
	supervisor_metrics_stop(sup);
	for (int k = 0; k < WORKER_KIND_COUNT; k++)
		child_stop(&sup->children[k], stop_wait_ms(sup));
	supervisor_finish(sup);
}

static void on_child_change(void *arg, struct child *c)
{
	struct supervisor *sup = arg;
	bool starting = false;

	supervisor_events_child_changed(sup, c);
	if (sup->stopping) {
		supervisor_finish(sup);
		return;
	}
	/* A worker stopped by one reload may be wanted again by the next. */
	if (c->state == CHILD_STOPPED && supervisor_wants(sup, c->kind))
		start_worker(sup, c);
	for (int k = 0; k < WORKER_KIND_COUNT; k++)
		starting |= sup->children[k].state == CHILD_STARTING;
	if (!sup->ready_sent && !starting) {
		sup->ready_sent = true;
		notify_ready();
	}
	supervisor_notify_status(sup);
}

/* ---- reloading ------------------------------------------------------------------------ */

static void on_worker_reloaded(void *arg, struct child *c, enum child_call_outcome outcome,
			       json_object *response)
{
	json_object *result, *errors;
	const char *error;
	bool malformed;
	const char *name = worker_kind_names[c->kind];

	if (outcome == CHILD_CALL_TIMEOUT) {
		log_warning("%s worker did not confirm the reload in time", name);
		return;
	}
	if (outcome != CHILD_CALL_ANSWERED)
		return;
	if (ctl_response_read(response, &result, &error, &malformed)) {
		log_info("%s worker reloaded", name);
		return;
	}
	log_error("%s worker kept its old configuration: %s", name, error ? error : "bad answer");
	if (json_object_object_get_ex(response, "errors", &errors))
		for (size_t i = 0; i < json_object_array_length(errors); i++)
			log_error("%s", json_object_get_string(json_object_array_get_idx(errors, i)));
}

/* A reload that removes the last virtual server reloads a running checker
 * instead of stopping it, as keepalived 2.2.7 keeps its checker process
 * (seen in the VM tier).  The reload is what takes the removed virtual
 * servers out of the kernel (a stop keeps them with -I), and the sync
 * daemons are then settled by the usual hand-over (vrrp_lvs_sync.h):
 * without an instance the checker keeps them running, as keepalived does;
 * with one it forgets them for the VRRP worker.  Stopping it instead would
 * stop both daemons whenever its stop came after the VRRP worker's
 * take-over. */
static bool supervisor_keeps_idle_checker(const struct supervisor *sup, const struct child *c)
{
	const bool *only = sup->args->only;

	if (c->kind != WORKER_CHECKER || (only[WORKER_VRRP] && !only[WORKER_CHECKER]))
		return false;
	return c->state == CHILD_RUNNING || c->state == CHILD_STARTING;
}

/* Starts, reloads or stops each worker to match the (new) configuration. */
static void apply_workers(struct supervisor *sup, bool reload)
{
	for (int k = 0; k < WORKER_KIND_COUNT; k++) {
		struct child *c = &sup->children[k];
		bool wanted = supervisor_wants(sup, c->kind) ||
			      (reload && supervisor_keeps_idle_checker(sup, c));

		if (!wanted) {
			if (c->state != CHILD_STOPPED)
				child_stop(c, stop_wait_ms(sup));
		} else if (c->state == CHILD_STOPPED || c->state == CHILD_CONFIG_ERROR
			   || (reload && c->state == CHILD_BACKOFF)) {
			/* A reload is an operator's cue to try again now. */
			start_worker(sup, c);
		} else if (reload && (c->state == CHILD_RUNNING || c->state == CHILD_STARTING)) {
			child_call(c, CTL_CMD_RELOAD, SUPERVISOR_RELOAD_TIMEOUT_MS,
				   on_worker_reloaded, sup);
		}
		/* stopping: see on_child_change. */
	}
}

static void record_reload(struct supervisor *sup, bool ok, const struct conf_diags *diags)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_put(sup->last_reload);
	sup->last_reload = json_object_new_object();
	json_object_object_add(sup->last_reload, "time", json_object_new_string(stamp));
	json_object_object_add(sup->last_reload, "result",
			       json_object_new_string(ok ? "ok" : "refused"));
	json_object_object_add(sup->last_reload, "errors", ctl_diag_errors_json(diags));
	sup->reload_count++;
}

/* Settings the running parent cannot change under its clients. */
/* The parent keeps only global_defs: the workers parse the file again
 * themselves, and a large configuration's VRRP and checker parts would
 * otherwise sit in the parent for nothing.  Trimming gives the freed heap
 * back to the kernel. */
static struct vigil_config *keep_global_only(struct vigil_config *cfg)
{
	vigil_config_drop_modules(cfg);
	malloc_trim(0);
	return cfg;
}

static void warn_fixed_settings(const struct supervisor *sup, const struct vigil_config *cfg)
{
	char *path = vigild_absolute_path(global_control_socket(cfg->global,
								 sup->args->control_socket));

	if (strcmp(path, sup->control_path) != 0)
		log_warning("control socket changed to %s: it takes effect when vigild restarts; "
			    "still serving %s", path, sup->control_path);
	free(path);
}

bool supervisor_reload(struct supervisor *sup, struct conf_diags *diags)
{
	struct config_load_options opts = { .config_id = sup->args->config_id, .check_host = true };
	struct vigil_config *cfg;

	notify_reloading();
	log_notice("reloading the configuration from %s", sup->args->config_file);
	cfg = vigil_config_load(sup->args->config_file, &opts, diags);
	record_reload(sup, cfg != NULL, diags);
	supervisor_events_reload(sup, cfg != NULL, diags);
	conf_diags_log(diags);
	if (!cfg) {
		log_error("configuration reload refused (%u error%s); the running configuration stays",
			  diags->errors, diags->errors == 1 ? "" : "s");
	} else {
		warn_fixed_settings(sup, cfg);
		vigil_config_free(sup->cfg);
		sup->cfg = keep_global_only(cfg);
		supervisor_metrics_apply(sup);
		apply_workers(sup, true);
		log_notice("configuration reloaded");
	}
	notify_ready();
	supervisor_notify_status(sup);
	return cfg != NULL;
}

/* ---- signals ---------------------------------------------------------------------------- */

static void on_signal(uv_signal_t *handle, int signum)
{
	struct supervisor *sup = handle->data;
	struct conf_diags diags;

	if (signum == SIGTERM || signum == SIGINT) {
		supervisor_stop(sup, strsignal(signum));
	} else if (signum == SIGHUP) {
		if (sup->stopping)
			return;
		conf_diags_init(&diags);
		supervisor_reload(sup, &diags);
		conf_diags_free(&diags);
	} else if (!supervisor_dump_signal(sup, signum)) {
		/* STATS_CLEAR: vigil's counters are never reset; the signal
		 * must not kill the daemon either. */
		log_debug("signal %d (%s) ignored", signum, strsignal(signum));
	}
}

static void watch_signals(struct supervisor *sup)
{
	const int signums[SUPERVISOR_NSIGNALS] = {
		SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGRTMIN + 2, SIGRTMAX - 1,
	};

	for (int i = 0; i < SUPERVISOR_NSIGNALS; i++) {
		uv_signal_init(&sup->loop, &sup->signals[i]);
		sup->signals[i].data = sup;
		uv_signal_start(&sup->signals[i], on_signal, signums[i]);
	}
}

static void stop_signal_mask(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

void supervisor_block_signals(void)
{
	sigset_t set;

	stop_signal_mask(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* ---- set-up ---------------------------------------------------------------------------- */

/* The workers' environment: ours, minus NOTIFY_SOCKET (only the parent
 * talks to systemd). */
static char **worker_environment(void)
{
	size_t n = 0, out = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0)
			env[out++] = environ[i];
	env[out] = NULL;
	return env;
}

static char *own_executable(void)
{
	char path[4096];
	size_t len = sizeof(path);

	if (uv_exepath(path, &len) < 0)
		return xstrdup("/proc/self/exe");
	return xstrdup(path);
}

static void supervisor_init(struct supervisor *sup, const struct vigild_args *args,
			    struct vigil_config *cfg)
{
	memset(sup, 0, sizeof(*sup));
	uv_loop_init(&sup->loop);
	sup->args = args;
	sup->cfg = keep_global_only(cfg);
	sup->exe = own_executable();
	sup->env = worker_environment();
	sup->started_ms = uv_now(&sup->loop);
	for (int k = 0; k < WORKER_KIND_COUNT; k++) {
		child_init(&sup->children[k], &sup->loop, (enum worker_kind)k, on_child_change, sup);
		sup->children[k].env = sup->env;
		sup->children[k].pid_file = args->worker_pid_file[k];
		sup->children[k].on_event = supervisor_events_child_message;
	}
	watch_signals(sup);
}

static void unblock_signals(void)
{
	sigset_t set;

	stop_signal_mask(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void supervisor_free(struct supervisor *sup)
{
	if (uv_loop_close(&sup->loop) != 0)
		log_debug("event loop closed with handles still open");
	vigil_config_free(sup->cfg);
	json_object_put(sup->last_reload);
	free(sup->env);
	free(sup->exe);
	free(sup->control_path);
}

int supervisor_run(const struct vigild_args *args, struct vigil_config *cfg,
		   int control_fd, const char *control_path)
{
	struct supervisor sup;

	supervisor_init(&sup, args, cfg);
	sup.control_path = xstrdup(control_path);
	sup.control = control_server_start(&sup.loop, control_fd, control_path,
					   supervisor_handle_request, &sup);
	unblock_signals();
	log_notice("started (pid %ld), configuration %s, control socket %s", (long)getpid(),
		   args->config_file, control_path);
	supervisor_metrics_apply(&sup);
	apply_workers(&sup, false);
	if (!sup.ready_sent && !child_alive(&sup.children[0]) && !child_alive(&sup.children[1])) {
		sup.ready_sent = true;
		notify_ready();
		supervisor_notify_status(&sup);
	}
	uv_run(&sup.loop, UV_RUN_DEFAULT);
	supervisor_free(&sup);
	log_notice("stopped");
	return 0;
}
