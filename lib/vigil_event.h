/* State-change events for `vigilctl events`: one JSON object per change,
 *
 *   {"time":"2026-11-27T21:50:01.123Z","type":"vrrp_instance",...}
 *
 * "time" is ISO-8601 UTC with milliseconds (the wall clock when the change
 * happened, taken where it happened); "type" names the object, and the
 * rest is its identity and new state (doc/monitoring.md lists the fields).
 *
 * The code that sees a change builds the object and hands it to
 * vigil_event_emit(); where it goes is up to the process: a worker sends
 * it to the parent (daemon/worker.c), the parent fans it out to the
 * subscribers (daemon/supervisor_events.c).  Building costs a few
 * allocations, so callers ask vigil_event_wanted() first: with nobody
 * subscribed an idle daemon builds nothing. */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum vigil_event_type {
	VIGIL_EVENT_VRRP_INSTANCE,
	VIGIL_EVENT_VRRP_SYNC_GROUP,
	VIGIL_EVENT_REAL_SERVER,
	VIGIL_EVENT_VIRTUAL_SERVER,
	VIGIL_EVENT_WORKER,          /* a worker process started, died, stopped */
	VIGIL_EVENT_RELOAD,
	VIGIL_EVENT_DAEMON,          /* vigild itself is stopping */
	VIGIL_EVENT_OVERFLOW,        /* the last line to a subscriber that fell behind */
	VIGIL_EVENT_TYPE_COUNT,
};
/* "vrrp_instance", "real_server", ... as in the "type" member. */
extern const char *const vigil_event_type_names[VIGIL_EVENT_TYPE_COUNT];

/* Coarser classes, for `vigilctl events --type`: a bit each. */
enum vigil_event_class {
	VIGIL_EVENT_CLASS_VRRP = 1u << 0,
	VIGIL_EVENT_CLASS_CHECKER = 1u << 1,
	VIGIL_EVENT_CLASS_PROCESS = 1u << 2,
	VIGIL_EVENT_CLASS_ALL = 7u,
};

/* "vrrp" -> VIGIL_EVENT_CLASS_VRRP, ...; 0 for an unknown name. */
unsigned vigil_event_class_by_name(const char *name);
/* The class of an event's "type" string; overflow belongs to every class
 * (a subscriber must always learn it missed events); 0 if unknown. */
unsigned vigil_event_class_of(const char *type);
/* Whether an event (its "type" member) passes a class mask. */
bool vigil_event_matches(json_object *event, unsigned class_mask);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf (at least 25 bytes). */
void vigil_event_format_time(const struct timespec *ts, char *buf, size_t len);
/* {"time":NOW,"type":NAME}: add the rest with json_object_object_add. */
json_object *vigil_event_new(enum vigil_event_type type);

/* Where events go in this process: `sink` takes ownership of each one. */
typedef void vigil_event_sink_fn(void *arg, json_object *event);
void vigil_event_set_sink(vigil_event_sink_fn *sink, void *arg);
/* Switched by whoever knows about subscribers (the parent tells workers). */
void vigil_event_set_enabled(bool enabled);
/* A sink is set and someone listens: worth building an event. */
bool vigil_event_wanted(void);
/* Hands the event (owned) to the sink, or drops it. */
void vigil_event_emit(json_object *event);

#endif
