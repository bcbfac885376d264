/* The VRRP state machine: name tables, the (state, event) table, the
 * dispatcher and the one function that writes the state.  Advert handling
 * is in vrrp_fsm_advert.c, the shared actions in vrrp_fsm_actions.c. */
#include "config.h"
#include "vrrp_fsm_private.h"

#include "log.h"

#include <string.h>

const char *const vrrp_state_names[VRRP_STATE_COUNT] = {
	[VRRP_STATE_INIT] = "INIT",
	[VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER",
	[VRRP_STATE_FAULT] = "FAULT",
	[VRRP_STATE_STOP] = "STOP",
};

const char *const vrrp_event_names[VRRP_EVENT_COUNT] = {
	[VRRP_EVENT_STARTUP] = "startup",
	[VRRP_EVENT_SHUTDOWN] = "shutdown",
	[VRRP_EVENT_ADVERT_RECEIVED] = "advert received",
	[VRRP_EVENT_MASTER_DOWN_TIMER] = "master down timer",
	[VRRP_EVENT_ADVERT_TIMER] = "advert timer",
	[VRRP_EVENT_FAULT] = "fault",
	[VRRP_EVENT_FAULT_CLEARED] = "fault cleared",
	[VRRP_EVENT_PRIORITY_CHANGED] = "priority changed",
	[VRRP_EVENT_PREEMPT_DELAY_EXPIRED] = "preempt delay expired",
	[VRRP_EVENT_SYNC_MASTER] = "sync group master",
	[VRRP_EVENT_SYNC_BACKUP] = "sync group backup",
	[VRRP_EVENT_DEMOTE] = "demote",
	[VRRP_EVENT_MAINTENANCE_ON] = "maintenance on",
	[VRRP_EVENT_MAINTENANCE_OFF] = "maintenance off",
};

const char *const vrrp_transition_reason_names[VRRP_REASON_COUNT] = {
	[VRRP_REASON_NONE] = "none",
	[VRRP_REASON_STARTUP] = "startup",
	[VRRP_REASON_STARTUP_OWNER] = "startup as address owner",
	[VRRP_REASON_MASTER_DOWN] = "master down timer expired",
	[VRRP_REASON_PRIORITY_ZERO] = "priority 0 advert received",
	[VRRP_REASON_PREEMPTED] = "preempted lower priority master",
	[VRRP_REASON_HIGHER_PRIORITY] = "higher priority advert received",
	[VRRP_REASON_HIGHER_ADDRESS] = "equal priority advert from higher address",
	[VRRP_REASON_FAULT] = "fault",
	[VRRP_REASON_FAULT_CLEARED] = "fault cleared",
	[VRRP_REASON_FAULT_CLEARED_OWNER] = "fault cleared as address owner",
	[VRRP_REASON_SHUTDOWN] = "shutdown",
	[VRRP_REASON_SYNC_GROUP] = "sync group",
	[VRRP_REASON_DEMOTED] = "demoted by operator",
	[VRRP_REASON_MAINTENANCE] = "maintenance mode",
};

const char *const vrrp_timer_names[VRRP_TIMER_COUNT] = {
	[VRRP_TIMER_ADVERT] = "advert",
	[VRRP_TIMER_MASTER_DOWN] = "master down",
	[VRRP_TIMER_PREEMPT_DELAY] = "preempt delay",
};

const char *const vrrp_fsm_outcome_names[VRRP_FSM_OUTCOME_COUNT] = {
	[VRRP_FSM_HANDLED] = "handled",
	[VRRP_FSM_IGNORED] = "ignored in this state",
	[VRRP_FSM_TIMER_NOT_ARMED] = "timer not running",
	[VRRP_FSM_BAD_EVENT] = "unknown event",
};

static const char *name_of(const char *const *names, unsigned count, unsigned i)
{
	return i < count && names[i] ? names[i] : "?";
}

const char *vrrp_state_name(enum vrrp_state state)
{
	return name_of(vrrp_state_names, VRRP_STATE_COUNT, state);
}

const char *vrrp_event_name(enum vrrp_event event)
{
	return name_of(vrrp_event_names, VRRP_EVENT_COUNT, event);
}

const char *vrrp_transition_reason_name(enum vrrp_transition_reason reason)
{
	return name_of(vrrp_transition_reason_names, VRRP_REASON_COUNT, reason);
}

bool vrrp_fsm_is_owner(const struct vrrp_fsm *fsm)
{
	return fsm->conf.priority == 255;
}

void vrrp_fsm_change_state(struct vrrp_fsm *fsm, enum vrrp_state to,
			   enum vrrp_transition_reason reason)
{
	struct vrrp_transition t = {
		.time_us = fsm->ops->now_us(fsm), .reason = reason,
		.from = fsm->state, .to = to,
	};

	fsm->state = to;
	fsm->last_transition = t;
	fsm->stats.transitions++;
	log_info("VRRP instance %s: %s -> %s (%s)", fsm->conf.name ? fsm->conf.name : "?",
		 vrrp_state_name(t.from), vrrp_state_name(to), vrrp_transition_reason_name(reason));
	if (fsm->ops->state_changed)
		fsm->ops->state_changed(fsm, &fsm->last_transition);
}

/* ---- handlers for the lifecycle events; adverts are in vrrp_fsm_advert.c */

/* RFC 5798 §6.4.1: the address owner becomes master at once; everyone else
 * waits a Master_Down_Interval as backup. */
static void on_startup(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (vrrp_fsm_is_owner(fsm) && !fsm->maintenance)
		vrrp_fsm_become_master(fsm, VRRP_REASON_STARTUP_OWNER);
	else
		vrrp_fsm_start_as_backup(fsm, VRRP_REASON_STARTUP);
}

/* Undo what BACKUP or MASTER set up; a master says goodbye with priority 0
 * so a backup takes over after Skew_Time rather than a whole
 * Master_Down_Interval. */
static void leave_active_state(struct vrrp_fsm *fsm)
{
	if (fsm->state == VRRP_STATE_MASTER)
		vrrp_fsm_release_master(fsm, true);
	else if (fsm->state == VRRP_STATE_BACKUP)
		vrrp_fsm_leave_backup(fsm);
	fsm->has_master_address = false;
}

static void on_shutdown(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	leave_active_state(fsm);
	vrrp_fsm_change_state(fsm, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN);
}

static void on_fault(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	leave_active_state(fsm);
	vrrp_fsm_change_state(fsm, VRRP_STATE_FAULT, VRRP_REASON_FAULT);
}

/* Leaving FAULT is a restart: the same choice as at start-up. */
static void on_fault_cleared(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (vrrp_fsm_is_owner(fsm) && !fsm->maintenance)
		vrrp_fsm_become_master(fsm, VRRP_REASON_FAULT_CLEARED_OWNER);
	else
		vrrp_fsm_start_as_backup(fsm, VRRP_REASON_FAULT_CLEARED);
}

/* In maintenance the master is presumed gone but not replaced: the timer
 * runs again, so release finds it armed. */
static void on_master_down_timer(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (fsm->maintenance) {
		fsm->has_master_address = false;
		vrrp_fsm_restart_master_down(fsm);
		return;
	}
	vrrp_fsm_become_master(fsm, fsm->takeover_reason);
}

static void on_advert_timer(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	vrrp_fsm_send_advert(fsm);
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_ADVERT, fsm->conf.advert_interval_us);
}

static void on_sync_master(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (!fsm->maintenance)
		vrrp_fsm_become_master(fsm, VRRP_REASON_SYNC_GROUP);
}

/* Like yielding to a higher priority advert, with no advert of our own:
 * the member that yielded already heard the new master, and a priority 0
 * here would only hurry the peer's members, which its own group moves. */
static void on_sync_backup(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	vrrp_fsm_release_master(fsm, false);
	vrrp_fsm_recompute_timers(fsm);
	vrrp_fsm_restart_master_down(fsm);
	vrrp_fsm_change_state(fsm, VRRP_STATE_BACKUP, VRRP_REASON_SYNC_GROUP);
}

/* Priority 0 is reserved for a master resigning; tracking that wants the
 * instance out signals FAULT instead, so it is never taken as a priority. */
static void on_priority_changed(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	fsm->effective_priority = ev->priority ? ev->priority : 1;
}

/* A backup's Skew_Time follows its priority.  The running master down
 * timer keeps its deadline: the next advert restarts it with the new
 * interval, as the RFC recomputes only on adverts. */
static void on_backup_priority_changed(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	on_priority_changed(fsm, ev);
	vrrp_fsm_recompute_timers(fsm);
}

/* ---- the operator's failback control (see enum vrrp_event) */

static void enter_maintenance(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	fsm->maintenance = true;
}

/* Like a shutdown, the priority 0 advert lets the best backup take over
 * after its Skew_Time; unlike one, this node stays on as a BACKUP that
 * will not take mastership back while held. */
static void hand_over(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	fsm->maintenance = true;
	vrrp_fsm_release_master(fsm, true);
	vrrp_fsm_recompute_timers(fsm);
	vrrp_fsm_restart_master_down(fsm);
	vrrp_fsm_change_state(fsm, VRRP_STATE_BACKUP, ev->type == VRRP_EVENT_DEMOTE
			      ? VRRP_REASON_DEMOTED : VRRP_REASON_MAINTENANCE);
}

static void leave_maintenance(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	fsm->maintenance = false;
}

/* Back to the RFC's rules: a full Master_Down_Interval from now, in which
 * a live master of higher priority is accepted and a lower one is not. */
static void backup_leave_maintenance(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (!fsm->maintenance)
		return;
	fsm->maintenance = false;
	vrrp_fsm_restart_master_down(fsm);
}

/* The transition table.  An empty cell is an ignored (state, event) pair:
 *  - STARTUP only from INIT or STOP (a restart); SHUTDOWN from STOP;
 *  - adverts outside BACKUP/MASTER (not running, or in FAULT);
 *  - timer events outside the state that runs the timer (late expiries);
 *  - FAULT in FAULT or STOP, FAULT_CLEARED outside FAULT.
 * A MASTER whose effective priority moves just advertises the new value
 * with its next advert.  The sync events apply only where they move the
 * member (SYNC_MASTER in BACKUP, SYNC_BACKUP in MASTER).  The operator's
 * events apply everywhere but in STOP (a restart begins a new machine). */
static vrrp_fsm_handler *const vrrp_fsm_table[VRRP_STATE_COUNT][VRRP_EVENT_COUNT] = {
	[VRRP_STATE_INIT] = {
		[VRRP_EVENT_STARTUP] = on_startup,
		[VRRP_EVENT_SHUTDOWN] = on_shutdown,
		[VRRP_EVENT_FAULT] = on_fault,
		[VRRP_EVENT_PRIORITY_CHANGED] = on_priority_changed,
		[VRRP_EVENT_DEMOTE] = enter_maintenance,
		[VRRP_EVENT_MAINTENANCE_ON] = enter_maintenance,
		[VRRP_EVENT_MAINTENANCE_OFF] = leave_maintenance,
	},
	[VRRP_STATE_BACKUP] = {
		[VRRP_EVENT_SHUTDOWN] = on_shutdown,
		[VRRP_EVENT_ADVERT_RECEIVED] = vrrp_fsm_backup_advert,
		[VRRP_EVENT_MASTER_DOWN_TIMER] = on_master_down_timer,
		[VRRP_EVENT_FAULT] = on_fault,
		[VRRP_EVENT_PRIORITY_CHANGED] = on_backup_priority_changed,
		[VRRP_EVENT_PREEMPT_DELAY_EXPIRED] = vrrp_fsm_backup_preempt_delay_expired,
		[VRRP_EVENT_SYNC_MASTER] = on_sync_master,
		[VRRP_EVENT_DEMOTE] = enter_maintenance,
		[VRRP_EVENT_MAINTENANCE_ON] = enter_maintenance,
		[VRRP_EVENT_MAINTENANCE_OFF] = backup_leave_maintenance,
	},
	[VRRP_STATE_MASTER] = {
		[VRRP_EVENT_SHUTDOWN] = on_shutdown,
		[VRRP_EVENT_ADVERT_RECEIVED] = vrrp_fsm_master_advert,
		[VRRP_EVENT_ADVERT_TIMER] = on_advert_timer,
		[VRRP_EVENT_FAULT] = on_fault,
		[VRRP_EVENT_PRIORITY_CHANGED] = on_priority_changed,
		[VRRP_EVENT_SYNC_BACKUP] = on_sync_backup,
		[VRRP_EVENT_DEMOTE] = hand_over,
		[VRRP_EVENT_MAINTENANCE_ON] = hand_over,
		[VRRP_EVENT_MAINTENANCE_OFF] = leave_maintenance,
	},
	[VRRP_STATE_FAULT] = {
		[VRRP_EVENT_SHUTDOWN] = on_shutdown,
		[VRRP_EVENT_FAULT_CLEARED] = on_fault_cleared,
		[VRRP_EVENT_PRIORITY_CHANGED] = on_priority_changed,
		[VRRP_EVENT_DEMOTE] = enter_maintenance,
		[VRRP_EVENT_MAINTENANCE_ON] = enter_maintenance,
		[VRRP_EVENT_MAINTENANCE_OFF] = leave_maintenance,
	},
	[VRRP_STATE_STOP] = {
		[VRRP_EVENT_STARTUP] = on_startup,
		[VRRP_EVENT_PRIORITY_CHANGED] = on_priority_changed,
	},
};

bool vrrp_fsm_handles(enum vrrp_state state, enum vrrp_event event)
{
	return (unsigned)state < VRRP_STATE_COUNT && (unsigned)event < VRRP_EVENT_COUNT &&
	       vrrp_fsm_table[state][event] != NULL;
}

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *conf,
		   const struct vrrp_fsm_ops *ops, void *ctx)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->conf = *conf;
	fsm->ops = ops;
	fsm->ctx = ctx;
	fsm->state = VRRP_STATE_INIT;       /* initial value, not a transition */
	fsm->effective_priority = conf->priority ? conf->priority : 1;
	fsm->master_adver_interval_us = conf->advert_interval_us;
	fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
	vrrp_fsm_recompute_timers(fsm);
}

/* The timer an expiry event belongs to, or VRRP_TIMER_COUNT for the
 * events that are not expiries. */
static enum vrrp_timer event_timer(enum vrrp_event type)
{
	switch (type) {
	case VRRP_EVENT_MASTER_DOWN_TIMER: return VRRP_TIMER_MASTER_DOWN;
	case VRRP_EVENT_ADVERT_TIMER: return VRRP_TIMER_ADVERT;
	case VRRP_EVENT_PREEMPT_DELAY_EXPIRED: return VRRP_TIMER_PREEMPT_DELAY;
	default: return VRRP_TIMER_COUNT;
	}
}

/* An expiry is only believed for a timer the machine has running; the
 * timer is then no longer running. */
static bool consume_timer(struct vrrp_fsm *fsm, enum vrrp_event type)
{
	enum vrrp_timer timer = event_timer(type);

	if (timer == VRRP_TIMER_COUNT)
		return true;
	if (!fsm->timer_armed[timer])
		return false;
	fsm->timer_armed[timer] = false;
	fsm->timer_deadline_us[timer] = 0;
	return true;
}

static enum vrrp_fsm_outcome not_handled(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev,
					 enum vrrp_fsm_outcome outcome)
{
	fsm->stats.events_ignored++;
	log_debug("VRRP instance %s: %s in %s: %s", fsm->conf.name ? fsm->conf.name : "?",
		  vrrp_event_name(ev->type), vrrp_state_name(fsm->state),
		  vrrp_fsm_outcome_names[outcome]);
	return outcome;
}

enum vrrp_fsm_outcome vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	vrrp_fsm_handler *handler;

	if ((unsigned)ev->type >= VRRP_EVENT_COUNT)
		return VRRP_FSM_BAD_EVENT;
	if (ev->type == VRRP_EVENT_ADVERT_RECEIVED) {
		fsm->stats.adverts_received++;
		if (ev->advert.priority == 0)
			fsm->stats.priority_zero_received++;
	}
	handler = vrrp_fsm_table[fsm->state][ev->type];
	if (!handler)
		return not_handled(fsm, ev, VRRP_FSM_IGNORED);
	if (!consume_timer(fsm, ev->type))
		return not_handled(fsm, ev, VRRP_FSM_TIMER_NOT_ARMED);
	handler(fsm, ev);
	return VRRP_FSM_HANDLED;
}

enum vrrp_fsm_outcome vrrp_fsm_signal(struct vrrp_fsm *fsm, enum vrrp_event type)
{
	struct vrrp_fsm_event ev = { .type = type };

	return vrrp_fsm_handle(fsm, &ev);
}

enum vrrp_fsm_outcome vrrp_fsm_advert(struct vrrp_fsm *fsm, const struct vrrp_advert_info *ad)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EVENT_ADVERT_RECEIVED, .advert = *ad };

	return vrrp_fsm_handle(fsm, &ev);
}

enum vrrp_fsm_outcome vrrp_fsm_set_priority(struct vrrp_fsm *fsm, uint8_t effective_priority)
{
	struct vrrp_fsm_event ev = {
		.type = VRRP_EVENT_PRIORITY_CHANGED, .priority = effective_priority,
	};

	return vrrp_fsm_handle(fsm, &ev);
}
