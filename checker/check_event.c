#include "config.h"
#include "checker/check_event.h"
#include "checker/check_runtime_private.h"
#include "vigil_event.h"

#include <stdio.h>

static void add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}

/* Why a real server is down: its first failing checker's last failure,
 * as status shows it.  NULL when up (or no checker says why). */
static json_object *down_reason(const struct check_rs *rs)
{
	char text[256];

	if (rs->up)
		return NULL;
	for (size_t i = 0; i < rs->checkers.count; i++) {
		const struct check_checker *c = rs->checkers.items[i];
		const struct check_sched_last *last = check_sched_last_failure(&c->sched);

		if (c->sched.up || !last->valid)
			continue;
		snprintf(text, sizeof(text), "%s: %s%s%s", check_type_names[c->cfg->type],
			 check_outcome_name(last->outcome), check_sched_text(last)[0] ? ": " : "",
			 check_sched_text(last));
		return json_object_new_string(text);
	}
	return NULL;
}

/* {"time","type":"real_server","virtual_server","real_server","up"}. */
static json_object *rs_event_new(const struct check_rs *rs)
{
	char name[160];
	json_object *ev = vigil_event_new(VIGIL_EVENT_REAL_SERVER);

	check_vs_name(rs->vs, name, sizeof(name));
	add(ev, "virtual_server", json_object_new_string(name));
	check_rs_name(rs, name, sizeof(name));
	add(ev, "real_server", json_object_new_string(name));
	add(ev, "up", json_object_new_boolean(rs->up));
	return ev;
}

void check_event_real_server(const struct check_rs *rs)
{
	json_object *ev;

	if (!vigil_event_wanted())
		return;
	ev = rs_event_new(rs);
	add(ev, "weight", json_object_new_int64(rs->weight));
	add(ev, "reason", down_reason(rs));
	vigil_event_emit(ev);
}

void check_event_rs_weight(const struct check_rs *rs, int64_t previous, const char *reason)
{
	json_object *ev;

	if (!vigil_event_wanted())
		return;
	ev = rs_event_new(rs);
	add(ev, "weight", json_object_new_int64(rs->effective_weight));
	add(ev, "previous_weight", json_object_new_int64(previous));
	add(ev, "reason", json_object_new_string(reason));
	vigil_event_emit(ev);
}

void check_event_quorum(const struct check_vs *vs)
{
	char name[160];
	json_object *ev;

	if (!vigil_event_wanted())
		return;
	ev = vigil_event_new(VIGIL_EVENT_VIRTUAL_SERVER);
	check_vs_name(vs, name, sizeof(name));
	add(ev, "virtual_server", json_object_new_string(name));
	add(ev, "quorum", json_object_new_string(vs->quorum_ok ? "gained" : "lost"));
	add(ev, "live_weight", json_object_new_uint64(check_vs_live_weight(vs)));
	add(ev, "quorum_weight", json_object_new_uint64(vs->cfg->quorum));
	vigil_event_emit(ev);
}
