/* `vigilctl events`: the parent's fan-out of state changes.
 *
 * Workers build their events where the change happens and send them up the
 * IPC channel ({"event":"state","data":...}, daemon/worker.h); the parent
 * adds its own (workers, reloads, stopping).  Each event is formatted once
 * and queued to every subscriber whose classes match.
 *
 * An idle daemon pays nothing: with no subscriber the workers are told to
 * build no events at all, and the parent builds none of its own. */
#include "config.h"
#include "daemon/supervisor.h"
#include "ctl_proto.h"
#include "log.h"
#include "vigil_event.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A worker answers "events on/off" at once; nothing waits for it. */
#define EVENTS_SWITCH_TIMEOUT_MS 2000

struct supervisor_subscriber {
	struct supervisor_subscriber *next;
	struct supervisor *sup;
	struct control_stream *stream;
	unsigned classes;                /* enum vigil_event_class bits */
};

/* ---- telling the workers -------------------------------------------------------- */

static void on_switch_answered(void *arg, struct child *c, enum child_call_outcome outcome,
			       json_object *response)
{
	if (outcome == CHILD_CALL_TIMEOUT)
		log_debug("%s worker did not confirm the events switch", worker_kind_names[c->kind]);
}

static void switch_worker(struct supervisor *sup, struct child *c)
{
	json_object *request = ctl_request_new(CTL_CMD_EVENTS);

	json_object_object_add(request, "on", json_object_new_boolean(sup->n_subscribers > 0));
	child_call_request(c, request, EVENTS_SWITCH_TIMEOUT_MS, on_switch_answered, sup);
	json_object_put(request);
}

static void switch_workers(struct supervisor *sup)
{
	for (int k = 0; k < WORKER_KIND_COUNT; k++)
		if (sup->children[k].state == CHILD_RUNNING)
			switch_worker(sup, &sup->children[k]);
}

/* ---- fan-out ------------------------------------------------------------------------- */

static void send_overflow(struct supervisor_subscriber *sub)
{
	static struct log_ratelimit slow = LOG_RATELIMIT_INIT(10000, 1);
	json_object *ev = vigil_event_new(VIGIL_EVENT_OVERFLOW);
	size_t len;
	char *text;

	json_object_object_add(ev, "reason", json_object_new_string(
		"the subscriber fell too far behind; later events were not sent"));
	json_object_object_add(ev, "queue_limit_bytes",
			       json_object_new_int64(CONTROL_STREAM_QUEUE_MAX));
	text = ctl_format_line(ev, &len);
	log_ratelimited(&slow, LOG_WARNING, "events: disconnecting a subscriber that does not "
			"keep up (more than %u bytes behind)", CONTROL_STREAM_QUEUE_MAX);
	control_stream_finish(sub->stream, text, len);
	free(text);
	json_object_put(ev);
}

/* Sends `event` (borrowed) to every subscriber that wants its class. */
static void publish(struct supervisor *sup, json_object *event)
{
	struct supervisor_subscriber *sub, *next;
	size_t len;
	char *text;

	if (!sup->subscribers)
		return;
	text = ctl_format_line(event, &len);
	/* A subscriber dropped here unlinks itself: keep its successor first. */
	for (sub = sup->subscribers; sub; sub = next) {
		next = sub->next;
		if (vigil_event_matches(event, sub->classes)
		    && !control_stream_send(sub->stream, text, len))
			send_overflow(sub);
	}
	free(text);
}

/* ---- subscribing ----------------------------------------------------------------------- */

static void on_stream_closed(void *arg, struct control_stream *s)
{
	struct supervisor_subscriber *sub = arg;
	struct supervisor *sup = sub->sup;

	for (struct supervisor_subscriber **p = &sup->subscribers; *p; p = &(*p)->next)
		if (*p == sub) {
			*p = sub->next;
			break;
		}
	free(sub);
	if (--sup->n_subscribers == 0 && !sup->stopping)
		switch_workers(sup);
	log_debug("events: a subscriber left (%u left)", sup->n_subscribers);
}

/* The classes a request asks for ("types": absent means all); 0 with
 * `bad` naming the first unknown one. */
static unsigned requested_classes(json_object *request, const char **bad)
{
	json_object *types;
	unsigned mask = 0;

	*bad = NULL;
	if (!json_object_object_get_ex(request, "types", &types))
		return VIGIL_EVENT_CLASS_ALL;
	if (!json_object_is_type(types, json_type_array)) {
		*bad = json_object_get_string(types);
		return 0;
	}
	for (size_t i = 0; i < json_object_array_length(types); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(types, i));
		unsigned one = name ? vigil_event_class_by_name(name) : 0;

		if (!one) {
			*bad = name ? name : "null";
			return 0;
		}
		mask |= one;
	}
	return mask ? mask : VIGIL_EVENT_CLASS_ALL;
}

static json_object *subscribed_json(unsigned mask)
{
	static const char *const names[] = { "vrrp", "checker", "process" };
	json_object *list = json_object_new_array();
	json_object *result = json_object_new_object();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (mask & vigil_event_class_by_name(names[i]))
			json_object_array_add(list, json_object_new_string(names[i]));
	json_object_object_add(result, "subscribed", list);
	return result;
}

void supervisor_events_subscribe(struct supervisor *sup, struct control_request *req,
				 json_object *request)
{
	struct supervisor_subscriber *sub;
	const char *bad;
	unsigned mask = requested_classes(request, &bad);
	char message[160];

	if (!mask) {
		snprintf(message, sizeof(message), "unknown event type \"%.60s\" "
			 "(vrrp, checker, process or all)", bad);
		control_request_reply(req, ctl_response_error(message));
		return;
	}
	if (sup->n_subscribers >= SUPERVISOR_EVENTS_MAX_SUBSCRIBERS) {
		snprintf(message, sizeof(message), "too many event subscribers (limit %d)",
			 SUPERVISOR_EVENTS_MAX_SUBSCRIBERS);
		control_request_reply(req, ctl_response_error(message));
		return;
	}
	sub = XNEW(struct supervisor_subscriber);
	sub->sup = sup;
	sub->classes = mask;
	sub->stream = control_request_stream(req, ctl_response_ok(subscribed_json(mask)),
					     on_stream_closed, sub);
	if (!sub->stream) {
		free(sub);
		return;
	}
	sub->next = sup->subscribers;
	sup->subscribers = sub;
	if (sup->n_subscribers++ == 0)
		switch_workers(sup);
	log_debug("events: a subscriber joined (%u now)", sup->n_subscribers);
}

/* ---- the events ---------------------------------------------------------------------------- */

void supervisor_events_child_message(void *arg, struct child *c, json_object *msg)
{
	struct supervisor *sup = arg;
	json_object *event, *data;

	if (!json_object_object_get_ex(msg, "event", &event)
	    || strcmp(json_object_get_string(event), "state") != 0)
		return;
	if (json_object_object_get_ex(msg, "data", &data) && json_object_is_type(data, json_type_object))
		publish(sup, data);
	else
		log_debug("%s worker sent an event without data", worker_kind_names[c->kind]);
}

/* States a process ends in: the event says how it ended. */
static bool ended(enum child_state state)
{
	return state == CHILD_BACKOFF || state == CHILD_CONFIG_ERROR || state == CHILD_STOPPED;
}

void supervisor_events_child_changed(struct supervisor *sup, struct child *c)
{
	enum child_state from = sup->event_state[c->kind];
	json_object *ev;

	sup->event_state[c->kind] = c->state;
	if (c->state == CHILD_RUNNING)
		switch_worker(sup, c);
	if (!sup->subscribers || from == c->state)
		return;
	ev = vigil_event_new(VIGIL_EVENT_WORKER);
	json_object_object_add(ev, "worker", json_object_new_string(worker_kind_names[c->kind]));
	json_object_object_add(ev, "from", json_object_new_string(child_state_names[from]));
	json_object_object_add(ev, "state", json_object_new_string(child_state_names[c->state]));
	json_object_object_add(ev, "pid", c->pid ? json_object_new_int64(c->pid) : NULL);
	json_object_object_add(ev, "restarts", json_object_new_int64(c->restarts));
	if (ended(c->state) && c->last_exit[0])
		json_object_object_add(ev, "exit", json_object_new_string(c->last_exit));
	publish(sup, ev);
	json_object_put(ev);
}

void supervisor_events_reload(struct supervisor *sup, bool ok, const struct conf_diags *diags)
{
	json_object *ev;

	if (!sup->subscribers)
		return;
	ev = vigil_event_new(VIGIL_EVENT_RELOAD);
	json_object_object_add(ev, "result", json_object_new_string(ok ? "ok" : "refused"));
	json_object_object_add(ev, "errors", ctl_diag_errors_json(diags));
	json_object_object_add(ev, "reloads", json_object_new_int64(sup->reload_count));
	publish(sup, ev);
	json_object_put(ev);
}

void supervisor_events_stopping(struct supervisor *sup, const char *why)
{
	json_object *ev;

	if (!sup->subscribers)
		return;
	ev = vigil_event_new(VIGIL_EVENT_DAEMON);
	json_object_object_add(ev, "state", json_object_new_string("stopping"));
	json_object_object_add(ev, "reason", json_object_new_string(why));
	publish(sup, ev);
	json_object_put(ev);
}
