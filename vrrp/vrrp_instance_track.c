/* An instance's tracked objects: its struct vrrp_track_set (vrrp_track.h)
 * seeded from the worker's monitors and updated by their reports, and the
 * state machine events that follow.
 *
 * vrrp_track_events() gives the events in the order to feed them; a
 * PRIORITY_CHANGED goes straight to the machine, while FAULT and
 * FAULT_CLEARED go through vrrp_instance_reconcile_fault() (or the sync
 * group's reconcile), which compares what the machine is in with what
 * the instance's own tracking and its group's say, so the two sources of
 * FAULT never disagree. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"

#include "vrrp/vrrp_runtime_track.h"
#include "vrrp/vrrp_sync.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

void vrrp_instance_set_pending_detail(struct vrrp_instance *inst, const char *detail)
{
	free(inst->pending_detail);
	inst->pending_detail = detail ? xstrdup(detail) : NULL;
}

static const struct vrrp_sync_group_config *group_conf(const struct vrrp_instance *inst)
{
	return inst->sync ? vrrp_sync_group_conf(inst->sync) : NULL;
}

/* Builds the set; the result before any report is the configured
 * priority and no fault, which is what a fresh machine holds. */
static void build(struct vrrp_instance *inst)
{
	vrrp_track_set_build(&inst->track, inst->rt->vc, inst->conf, group_conf(inst));
	if (inst->rt->trackers)
		vrrp_trackers_seed(inst->rt->trackers, &inst->track);
}

/* "track_script chk: down", or, held by another member of the group,
 * "sync group SG: VI_2: interface eth1: down". */
static void fault_detail(const struct vrrp_instance *inst, char *buf, size_t len)
{
	const struct vrrp_instance *by = NULL;
	char why[160];

	if (inst->track_result.fault) {
		vrrp_track_describe_fault(&inst->track_result, buf, len);
		return;
	}
	if (inst->vmac_lost) {
		snprintf(buf, len, "%s", inst->vmac && inst->vmac->error ? inst->vmac->error
								      : "VMAC lost");
		return;
	}
	if (inst->sync && vrrp_sync_group_faulted(inst->sync, &by)) {
		vrrp_track_describe_fault(&by->track_result, why, sizeof(why));
		snprintf(buf, len, "sync group %s: %s: %s", vrrp_sync_group_name(inst->sync),
			 by->name, why);
		return;
	}
	buf[0] = '\0';
}

static bool fault_wanted(const struct vrrp_instance *inst)
{
	return inst->track_result.fault || inst->vmac_lost ||
	       (inst->sync && vrrp_sync_group_faulted(inst->sync, NULL));
}

void vrrp_instance_reconcile_fault(struct vrrp_instance *inst)
{
	char detail[256];
	bool want = fault_wanted(inst);

	if (!inst->started)
		return;
	if (want && inst->fsm.state != VRRP_STATE_FAULT) {
		fault_detail(inst, detail, sizeof(detail));
		vrrp_instance_set_pending_detail(inst, detail);
		vrrp_fsm_signal(&inst->fsm, VRRP_EVENT_FAULT);
	} else if (!want && inst->fsm.state == VRRP_STATE_FAULT) {
		vrrp_instance_set_pending_detail(inst, NULL);
		vrrp_fsm_signal(&inst->fsm, VRRP_EVENT_FAULT_CLEARED);
	}
}

void vrrp_instance_reconcile_scope(struct vrrp_instance *inst)
{
	if (inst->sync)
		vrrp_sync_group_reconcile(inst->sync);
	else
		vrrp_instance_reconcile_fault(inst);
}

/* notify_priority_changes: a FIFO line when a running instance's
 * priority moves. */
static void priority_notify(struct vrrp_instance *inst)
{
	if (!inst->conf->common.notify_priority_changes.value)
		return;
	if (inst->fsm.state == VRRP_STATE_MASTER)
		vrrp_instance_notify_event(inst, VRRP_NOTIFY_EV_MASTER_PRIORITY);
	else if (inst->fsm.state == VRRP_STATE_BACKUP)
		vrrp_instance_notify_event(inst, VRRP_NOTIFY_EV_BACKUP_PRIORITY);
}

/* Evaluates the set and feeds the machine what changed since the last
 * evaluation. */
static void apply(struct vrrp_instance *inst)
{
	struct vrrp_track_result before = inst->track_result;
	struct vrrp_fsm_event events[2];
	size_t n;

	vrrp_track_set_evaluate(&inst->track, &inst->track_result);
	if (!inst->started)
		return;
	n = vrrp_track_events(&before, &inst->track_result, events);
	for (size_t i = 0; i < n; i++) {
		if (events[i].type != VRRP_EVENT_PRIORITY_CHANGED) {
			vrrp_instance_reconcile_scope(inst);
			continue;
		}
		log_info("VRRP instance %s: effective priority %u -> %u", inst->name,
			 before.effective_priority, events[i].priority);
		vrrp_fsm_handle(&inst->fsm, &events[i]);
		priority_notify(inst);
	}
}

void vrrp_instance_track_init(struct vrrp_instance *inst)
{
	struct vrrp_track_result before = inst->track_result;

	if (inst->track_built)
		vrrp_track_set_free(&inst->track);
	build(inst);
	if (!inst->track_built) {
		/* The machine starts from the configured priority. */
		before = (struct vrrp_track_result){ .effective_priority = inst->fsm.effective_priority };
		inst->track_built = true;
	}
	inst->track_result = before;
	apply(inst);
}

void vrrp_instance_track_start(struct vrrp_instance *inst)
{
	if (!inst->track_built)
		vrrp_instance_track_init(inst);
	if (inst->track_result.effective_priority != inst->fsm.effective_priority)
		vrrp_fsm_set_priority(&inst->fsm, inst->track_result.effective_priority);
	vrrp_instance_reconcile_fault(inst);
}

void vrrp_instance_track_up(struct vrrp_instance *inst, enum vrrp_track_kind kind,
			    const char *name, bool up)
{
	if (inst->track_built && vrrp_track_set_update_up(&inst->track, kind, name, up))
		apply(inst);
}

void vrrp_instance_track_value(struct vrrp_instance *inst, const char *name, int64_t value)
{
	if (inst->track_built && vrrp_track_set_update_value(&inst->track, name, value))
		apply(inst);
}

void vrrp_instance_set_base_priority(struct vrrp_instance *inst, uint8_t priority)
{
	log_notice("VRRP instance %s: base priority %u -> %u set by the operator", inst->name,
		   vrrp_instance_base_priority(inst), priority);
	if (!inst->track_built)
		vrrp_instance_track_init(inst);
	inst->track.policy.base_priority = priority;
	apply(inst);
}

uint8_t vrrp_instance_base_priority(const struct vrrp_instance *inst)
{
	return inst->track_built ? inst->track.policy.base_priority : (uint8_t)inst->conf->priority;
}

void vrrp_instance_track_free(struct vrrp_instance *inst)
{
	if (inst->track_built)
		vrrp_track_set_free(&inst->track);
	inst->track_built = false;
}

/* [{"kind","name","up","weight","value"}]: "up" for a track_file means
 * its value does not hold the instance in FAULT; "weight" is what it
 * applies (0 where keepalived ignores weights); "value" is the file's
 * number, null for the other kinds. */
json_object *vrrp_instance_tracking_json(const struct vrrp_instance *inst)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < inst->track.count; i++) {
		const struct vrrp_track_item *it = &inst->track.items[i];
		json_object *o = json_object_new_object();
		int64_t adj;
		bool ok = vrrp_track_item_eval(&inst->track.policy, it, &adj) == VRRP_TRACK_FAULT_NONE;

		json_object_object_add(o, "kind", json_object_new_string(vrrp_track_kind_name(it->kind)));
		json_object_object_add(o, "name", json_object_new_string(it->name));
		json_object_object_add(o, "up", json_object_new_boolean(
					       it->kind == VRRP_TRACK_FILE ? ok : it->up));
		json_object_object_add(o, "weight", json_object_new_int(
					       vrrp_track_effective_weight(&inst->track.policy, it)));
		json_object_object_add(o, "value", it->kind == VRRP_TRACK_FILE
				       ? json_object_new_int64(it->value) : NULL);
		json_object_object_add(o, "from_sync_group", json_object_new_boolean(it->from_sync_group));
		json_object_array_add(a, o);
	}
	return a;
}
