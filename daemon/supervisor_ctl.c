/* The control-socket commands.  `status` asks every running worker for its
 * part with a short timeout and answers with whatever came back, so one
 * stalled worker delays the answer by at most SUPERVISOR_STATUS_TIMEOUT_MS. */
#include "config.h"
#include "daemon/supervisor.h"
#include "daemon/config_load.h"
#include "daemon/proc_usage.h"
#include "ctl_proto.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <unistd.h>

/* One status collection waiting for the workers' answers. */
struct status_query {
	struct supervisor *sup;
	supervisor_status_cb *done;
	void *arg;
	json_object *result;
	json_object *smtp_alert[WORKER_KIND_COUNT];   /* each worker's answer */
	int pending;
};

/* The status document's schema (doc/status.schema.json, doc/status-json.md):
 * the minor number grows when fields are added, the major one when a field
 * is removed, renamed or changes meaning. */
#define SUPERVISOR_STATUS_SCHEMA_VERSION "1.0"

static json_object *reloads_json(const struct supervisor *sup)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "count", json_object_new_int64(sup->reload_count));
	json_object_object_add(o, "last", json_object_get(sup->last_reload));
	return o;
}

static json_object *status_base(const struct supervisor *sup)
{
	json_object *o = json_object_new_object();
	const char *id = sup->cfg->config_id;

	json_object_object_add(o, "schema_version",
			       json_object_new_string(SUPERVISOR_STATUS_SCHEMA_VERSION));
	json_object_object_add(o, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	proc_usage_add_json(o, getpid());
	json_object_object_add(o, "config_file", json_object_new_string(sup->args->config_file));
	json_object_object_add(o, "config_id", id ? json_object_new_string(id) : NULL);
	json_object_object_add(o, "uptime_s", json_object_new_int64(
		(int64_t)((uv_now(&sup->loop) - sup->started_ms) / 1000)));
	json_object_object_add(o, "reloads", reloads_json(sup));
	json_object_object_add(o, "vrrp", NULL);
	json_object_object_add(o, "virtual_servers", NULL);
	json_object_object_add(o, "ipvs", NULL);
	return o;
}

static void copy_member(json_object *to, json_object *from, const char *key)
{
	json_object *value;

	if (json_object_object_get_ex(from, key, &value))
		json_object_object_add(to, key, json_object_get(value));
}

/* A worker's entry: the child's state, what the process costs, and the
 * mail counters it answered with (null when it did not answer). */
static json_object *worker_json(const struct child *c, json_object *smtp_alert)
{
	json_object *o = child_status_json(c);

	proc_usage_add_json(o, c->pid);
	json_object_object_add(o, "smtp_alert", smtp_alert);
	return o;
}

static void status_reply(struct status_query *q)
{
	json_object *workers = json_object_new_array();

	/* After the calls, so a worker that just timed out shows as such. */
	for (int k = 0; k < WORKER_KIND_COUNT; k++)
		json_object_array_add(workers, worker_json(&q->sup->children[k], q->smtp_alert[k]));
	json_object_object_add(q->result, "workers", workers);
	q->done(q->result, q->arg);
	free(q);
}

/* Moves the worker's "smtp_alert" out of its answer (which the parent
 * otherwise files as it is) into the query. */
static void take_smtp_alert(struct status_query *q, enum worker_kind kind, json_object *result)
{
	json_object *counters;

	if (!json_object_object_get_ex(result, "smtp_alert", &counters))
		return;
	json_object_put(q->smtp_alert[kind]);
	q->smtp_alert[kind] = json_object_get(counters);
	json_object_object_del(result, "smtp_alert");
}

static void on_worker_status(void *arg, struct child *c, enum child_call_outcome outcome,
			     json_object *response)
{
	struct status_query *q = arg;
	json_object *result;
	const char *error;
	bool malformed;

	if (outcome == CHILD_CALL_ANSWERED
	    && ctl_response_read(response, &result, &error, &malformed) && result) {
		take_smtp_alert(q, c->kind, result);
		if (c->kind == WORKER_VRRP) {
			json_object_object_add(q->result, "vrrp", json_object_get(result));
		} else {
			copy_member(q->result, result, "virtual_servers");
			copy_member(q->result, result, "ipvs");
		}
	}
	if (--q->pending == 0)
		status_reply(q);
}

void supervisor_status_collect(struct supervisor *sup, supervisor_status_cb *done, void *arg)
{
	struct status_query *q = XNEW(struct status_query);

	q->sup = sup;
	q->done = done;
	q->arg = arg;
	q->result = status_base(sup);
	/* Held while asking, so answers that come back at once cannot
	 * finish the query early. */
	q->pending = 1;
	for (int k = 0; k < WORKER_KIND_COUNT; k++) {
		struct child *c = &sup->children[k];

		if (c->state != CHILD_RUNNING)
			continue;
		q->pending++;
		child_call(c, CTL_CMD_STATUS, SUPERVISOR_STATUS_TIMEOUT_MS, on_worker_status, q);
	}
	if (--q->pending == 0)
		status_reply(q);
}

static void on_status_collected(json_object *status, void *arg)
{
	control_request_reply(arg, ctl_response_ok(status));
}

static void handle_status(struct supervisor *sup, struct control_request *req)
{
	supervisor_status_collect(sup, on_status_collected, req);
}

static void handle_reload(struct supervisor *sup, struct control_request *req)
{
	struct conf_diags diags;
	json_object *result;

	conf_diags_init(&diags);
	if (supervisor_reload(sup, &diags)) {
		result = json_object_new_object();
		json_object_object_add(result, "result", json_object_new_string("ok"));
		control_request_reply(req, ctl_response_ok(result));
	} else {
		control_request_reply(req, ctl_response_refused(&diags));
	}
	conf_diags_free(&diags);
}

/* A vrrp command changes state, so the worker is given longer than a
 * status query before the operator is told it did not answer. */
#define SUPERVISOR_VRRP_TIMEOUT_MS 5000

static void on_worker_vrrp(void *arg, struct child *c, enum child_call_outcome outcome,
			   json_object *response)
{
	struct control_request *req = arg;

	if (outcome == CHILD_CALL_ANSWERED) {
		json_object *copy = NULL;

		json_object_deep_copy(response, &copy, NULL);
		json_object_object_del(copy, "id");
		control_request_reply(req, copy);
	} else {
		control_request_reply(req, ctl_response_error(outcome == CHILD_CALL_TIMEOUT
			? "the VRRP worker did not answer in time"
			: "the VRRP worker went away before answering"));
	}
}

/* {"command":"vrrp",...}: the VRRP worker checks the arguments and
 * answers; the parent only forwards. */
static void handle_vrrp(struct supervisor *sup, struct control_request *req,
			json_object *request)
{
	struct child *c = &sup->children[WORKER_VRRP];

	if (c->state != CHILD_RUNNING) {
		control_request_reply(req, ctl_response_error(vigil_config_wants_vrrp(sup->cfg)
			? "no VRRP worker running (it is starting or restarting)"
			: "no VRRP worker running: the configuration has no vrrp_instance"));
		return;
	}
	child_call_request(c, request, SUPERVISOR_VRRP_TIMEOUT_MS, on_worker_vrrp, req);
}

static void on_worker_checker(void *arg, struct child *c, enum child_call_outcome outcome,
			      json_object *response)
{
	struct control_request *req = arg;
	json_object *copy = NULL;

	if (outcome != CHILD_CALL_ANSWERED) {
		control_request_reply(req, ctl_response_error(outcome == CHILD_CALL_TIMEOUT
			? "the checker worker did not answer in time"
			: "the checker worker went away before answering"));
		return;
	}
	json_object_deep_copy(response, &copy, NULL);
	json_object_object_del(copy, "id");
	control_request_reply(req, copy);
}

/* {"command":"real_server",...}: drain/enable, answered by the checker
 * worker; the parent only forwards. */
static void handle_real_server(struct supervisor *sup, struct control_request *req,
			       json_object *request)
{
	struct child *c = &sup->children[WORKER_CHECKER];

	if (c->state != CHILD_RUNNING) {
		control_request_reply(req, ctl_response_error(vigil_config_wants_checker(sup->cfg)
			? "no checker worker running (it is starting or restarting)"
			: "no checker worker running: the configuration has no virtual_server"));
		return;
	}
	child_call_request(c, request, SUPERVISOR_VRRP_TIMEOUT_MS, on_worker_checker, req);
}

static void handle_stop(struct supervisor *sup, struct control_request *req)
{
	json_object *result = json_object_new_object();

	json_object_object_add(result, "result", json_object_new_string("stopping"));
	/* vigilctl waits for this process to be gone. */
	json_object_object_add(result, "pid", json_object_new_int64(getpid()));
	control_request_reply(req, ctl_response_ok(result));
	supervisor_stop(sup, "asked on the control socket");
}

void supervisor_handle_request(void *arg, struct control_request *req,
			       enum ctl_command cmd, json_object *request)
{
	struct supervisor *sup = arg;

	if (sup->stopping) {
		control_request_reply(req, ctl_response_error("vigild is stopping"));
		return;
	}
	log_debug("control: %s", ctl_command_names[cmd]);
	switch (cmd) {
	case CTL_CMD_STATUS: handle_status(sup, req); break;
	case CTL_CMD_RELOAD: handle_reload(sup, req); break;
	case CTL_CMD_STOP: handle_stop(sup, req); break;
	case CTL_CMD_VRRP: handle_vrrp(sup, req, request); break;
	case CTL_CMD_REAL_SERVER: handle_real_server(sup, req, request); break;
	case CTL_CMD_EVENTS: supervisor_events_subscribe(sup, req, request); break;
	default: control_request_reply(req, ctl_response_error("unknown command")); break;
	}
}
