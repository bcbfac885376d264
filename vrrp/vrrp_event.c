#include "config.h"
#include "vrrp/vrrp_event.h"
#include "vrrp/vrrp_instance_private.h"
#include "json_util.h"
#include "vigil_event.h"

static void add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}

void vrrp_event_instance(const struct vrrp_instance *inst, const struct vrrp_transition *t)
{
	const struct vrrp_fsm *fsm = &inst->fsm;
	json_object *ev;

	if (!vigil_event_wanted())
		return;
	ev = vigil_event_new(VIGIL_EVENT_VRRP_INSTANCE);
	add(ev, "instance", json_object_new_string(inst->name));
	add(ev, "vrid", json_object_new_int(inst->vrid));
	add(ev, "from", json_object_new_string(vrrp_state_name(t->from)));
	add(ev, "to", json_object_new_string(vrrp_state_name(t->to)));
	/* As in status: the detail when there is one ("track_script chk:
	 * down"), the machine's reason always as "cause". */
	add(ev, "reason", json_object_new_string(inst->transition_detail
						 ? inst->transition_detail
						 : vrrp_transition_reason_name(t->reason)));
	add(ev, "cause", json_object_new_string(vrrp_transition_reason_name(t->reason)));
	add(ev, "priority", json_object_new_int(fsm->conf.priority));
	add(ev, "effective_priority", json_object_new_int(fsm->effective_priority));
	add(ev, "master_address", fsm->has_master_address
				  ? json_vigil_addr(&fsm->master_address) : NULL);
	vigil_event_emit(ev);
}

void vrrp_event_group(const char *group, enum vrrp_state from, enum vrrp_state to)
{
	json_object *ev;

	if (!vigil_event_wanted())
		return;
	ev = vigil_event_new(VIGIL_EVENT_VRRP_SYNC_GROUP);
	add(ev, "group", json_object_new_string(group));
	add(ev, "from", json_object_new_string(vrrp_state_name(from)));
	add(ev, "to", json_object_new_string(vrrp_state_name(to)));
	vigil_event_emit(ev);
}
