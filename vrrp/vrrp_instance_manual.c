/* The operator's failback control of one instance (`vigilctl vrrp demote |
 * maintenance | release`): the state machine's maintenance events, and
 * the timer that ends a demote's hold.  What the events do is the
 * machine's (vrrp_fsm.h); how long a hold lasts is decided here. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

const char *const vrrp_manual_action_names[VRRP_MANUAL_COUNT] = {
	[VRRP_MANUAL_DEMOTE] = "demote",
	[VRRP_MANUAL_MAINTENANCE] = "maintenance",
	[VRRP_MANUAL_RELEASE] = "release",
};

uint64_t vrrp_instance_wall_us(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000;
}

/* The demote's hold ran out: the instance follows the RFC again, so with
 * a higher priority and preempt it takes mastership back after a
 * Master_Down_Interval. */
static void on_hold_expired(uv_timer_t *handle)
{
	struct vrrp_instance *inst = handle->data;

	vrrp_instance_manual_stop(inst);
	log_info("VRRP instance %s: the demote hold has ended; back to normal election",
		 inst->name);
	vrrp_fsm_signal(&inst->fsm, VRRP_EVENT_MAINTENANCE_OFF);
}

/* The hold timer is opened for a demote's hold only (most instances
 * never have one) and closed when it ends. */
void vrrp_instance_manual_stop(struct vrrp_instance *inst)
{
	vrrp_instance_timer_close(&inst->hold_timer);
	inst->held_until_wall_us = 0;
}

static void start_hold(struct vrrp_instance *inst, uint64_t hold_ms)
{
	uv_update_time(inst->rt->loop);
	vrrp_instance_timer_start(inst, &inst->hold_timer, on_hold_expired, hold_ms, 0);
	inst->held_until_wall_us = vrrp_instance_wall_us() + hold_ms * 1000u;
}

static void describe_hold(uint64_t hold_ms, char *buf, size_t len)
{
	if (hold_ms)
		snprintf(buf, len, "held for %" PRIu64 " s", hold_ms / 1000);
	else
		snprintf(buf, len, "held until released");
}

/* DEMOTE or MAINTENANCE_ON; a MASTER hands over with a transition the
 * log and status explain. */
static void hold(struct vrrp_instance *inst, enum vrrp_event event, uint64_t hold_ms,
		 char *note, size_t note_len)
{
	enum vrrp_state before = inst->fsm.state;
	char how[48], detail[96];

	describe_hold(hold_ms, how, sizeof(how));
	snprintf(detail, sizeof(detail), "%s (vigilctl), %s",
		 event == VRRP_EVENT_DEMOTE ? "demoted" : "maintenance mode", how);
	if (before == VRRP_STATE_MASTER)
		vrrp_instance_set_pending_detail(inst, detail);
	vrrp_fsm_signal(&inst->fsm, event);
	vrrp_instance_set_pending_detail(inst, NULL);
	if (!inst->fsm.maintenance) {
		snprintf(note, note_len, "not running (%s): nothing to hold",
			 vrrp_state_name(inst->fsm.state));
		return;
	}
	if (hold_ms)
		start_hold(inst, hold_ms);
	if (before == VRRP_STATE_MASTER)
		snprintf(note, note_len, "handed over (priority 0 sent); %s", how);
	else
		snprintf(note, note_len, "was %s, not master: %s", vrrp_state_name(before), how);
	log_notice("VRRP instance %s: %s by the operator: %s", inst->name,
		   event == VRRP_EVENT_DEMOTE ? "demoted" : "maintenance", note);
}

static void release(struct vrrp_instance *inst, char *note, size_t note_len)
{
	bool was_held = inst->fsm.maintenance;

	vrrp_fsm_signal(&inst->fsm, VRRP_EVENT_MAINTENANCE_OFF);
	snprintf(note, note_len, "%s", was_held ? "released" : "was not held");
	if (was_held)
		log_notice("VRRP instance %s: released by the operator", inst->name);
}

const char *vrrp_instance_manual(struct vrrp_instance *inst, enum vrrp_manual_action action,
				 uint64_t hold_ms, char *note, size_t note_len)
{
	/* The last command decides how long the hold lasts. */
	vrrp_instance_manual_stop(inst);
	switch (action) {
	case VRRP_MANUAL_DEMOTE:
		hold(inst, VRRP_EVENT_DEMOTE, hold_ms, note, note_len);
		break;
	case VRRP_MANUAL_MAINTENANCE:
		hold(inst, VRRP_EVENT_MAINTENANCE_ON, 0, note, note_len);
		break;
	case VRRP_MANUAL_RELEASE:
	case VRRP_MANUAL_COUNT:
		release(inst, note, note_len);
		break;
	}
	return note;
}
