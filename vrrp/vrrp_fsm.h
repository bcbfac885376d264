/* The VRRP state machine of one instance, as a pure module.
 *
 * It does no I/O: no sockets, no netlink, no event loop.  The runtime feeds
 * it events (vrrp_fsm_handle) and carries out the actions it asks for
 * through struct vrrp_fsm_ops: send an advert, add or remove the virtual
 * addresses, announce them, start or stop a timer.  Time comes from
 * ops->now_us, so tests drive it with a fake clock and recording ops.
 *
 * A table indexed by (state, event) picks the handler; a pair with no
 * handler is ignored (vrrp_fsm_handle says so), which is how stale or
 * meaningless events (an advert in FAULT, a master-down expiry in MASTER)
 * are dropped.  Exactly one function writes the state: it records the
 * transition (time, reason, from, to), counts it, logs it and calls the
 * one hook, ops->state_changed, that notify scripts, JSON events, SNMP
 * traps and metrics subscribe to.
 *
 * Protocol: RFC 3768 (VRRPv2) and RFC 5798 / RFC 9568 (VRRPv3; the
 * section numbers cited are RFC 5798's), with keepalived's extensions:
 * preempt_delay, nopreempt, a master re-asserting itself when it hears a
 * lower priority advert (lower_prio_no_advert turns that off) and
 * higher_prio_send_advert. */
#ifndef VIGIL_VRRP_FSM_H
#define VIGIL_VRRP_FSM_H

#include "conf_value.h"         /* struct vigil_addr */
#include "vrrp_timers.h"

#include <stdbool.h>
#include <stdint.h>

/* INIT is the RFC's Initialize state before start-up; an instance that was
 * running and was stopped reports STOP, as keepalived does. */
enum vrrp_state {
	VRRP_STATE_INIT,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_STOP,
	VRRP_STATE_COUNT
};
/* "INIT", "BACKUP", "MASTER", "FAULT", "STOP" (the JSON status values). */
extern const char *const vrrp_state_names[VRRP_STATE_COUNT];

enum vrrp_event {
	VRRP_EVENT_STARTUP,
	VRRP_EVENT_SHUTDOWN,
	VRRP_EVENT_ADVERT_RECEIVED,     /* a valid advert for this instance */
	VRRP_EVENT_MASTER_DOWN_TIMER,   /* VRRP_TIMER_MASTER_DOWN expired */
	VRRP_EVENT_ADVERT_TIMER,        /* VRRP_TIMER_ADVERT expired */
	VRRP_EVENT_FAULT,               /* tracking says down, interface down */
	VRRP_EVENT_FAULT_CLEARED,       /* every fault source is up again */
	VRRP_EVENT_PRIORITY_CHANGED,    /* tracking moved the effective priority */
	VRRP_EVENT_PREEMPT_DELAY_EXPIRED,  /* VRRP_TIMER_PREEMPT_DELAY expired */
	/* A vrrp_sync_group moves its members together: a BACKUP member
	 * follows one that became MASTER, a MASTER member follows one that
	 * yielded to BACKUP. */
	VRRP_EVENT_SYNC_MASTER,
	VRRP_EVENT_SYNC_BACKUP,
	/* The operator's failback control (vigilctl vrrp ...).  DEMOTE and
	 * MAINTENANCE_ON put the machine in maintenance: a MASTER hands over
	 * at once (priority 0 advert, VIPs removed, BACKUP), and while in
	 * maintenance nothing makes it MASTER: a master down expiry only
	 * re-arms the timer, every advert is accepted as if nopreempt, sync
	 * group moves to MASTER are refused, start-up and fault recovery go
	 * to BACKUP even for the address owner.  They differ only in the
	 * transition reason.  MAINTENANCE_OFF ends it; a BACKUP then re-arms
	 * its master down timer, so it takes over (or preempts a lower
	 * priority master) after Master_Down_Interval as usual.  How long a
	 * demote holds is the runtime's timer, which feeds MAINTENANCE_OFF. */
	VRRP_EVENT_DEMOTE,
	VRRP_EVENT_MAINTENANCE_ON,
	VRRP_EVENT_MAINTENANCE_OFF,
	VRRP_EVENT_COUNT
};
extern const char *const vrrp_event_names[VRRP_EVENT_COUNT];

/* Why a transition happened; the same words appear in the log, vigilctl,
 * JSON and SNMP. */
enum vrrp_transition_reason {
	VRRP_REASON_NONE,               /* no transition yet */
	VRRP_REASON_STARTUP,
	VRRP_REASON_STARTUP_OWNER,
	VRRP_REASON_MASTER_DOWN,
	VRRP_REASON_PRIORITY_ZERO,
	VRRP_REASON_PREEMPTED,
	VRRP_REASON_HIGHER_PRIORITY,
	VRRP_REASON_HIGHER_ADDRESS,
	VRRP_REASON_FAULT,
	VRRP_REASON_FAULT_CLEARED,
	VRRP_REASON_FAULT_CLEARED_OWNER,
	VRRP_REASON_SHUTDOWN,
	VRRP_REASON_SYNC_GROUP,         /* followed another member of its sync group */
	VRRP_REASON_DEMOTED,            /* vigilctl vrrp demote */
	VRRP_REASON_MAINTENANCE,        /* vigilctl vrrp maintenance */
	VRRP_REASON_COUNT
};
extern const char *const vrrp_transition_reason_names[VRRP_REASON_COUNT];

/* The timers the runtime runs for the machine; each expiry comes back as
 * the matching event. */
enum vrrp_timer {
	VRRP_TIMER_ADVERT,              /* MASTER: time to send the next advert */
	VRRP_TIMER_MASTER_DOWN,         /* BACKUP: the master is presumed dead */
	VRRP_TIMER_PREEMPT_DELAY,       /* BACKUP: preempt_delay has passed */
	VRRP_TIMER_COUNT
};
extern const char *const vrrp_timer_names[VRRP_TIMER_COUNT];

/* What vrrp_fsm_handle did with an event. */
enum vrrp_fsm_outcome {
	VRRP_FSM_HANDLED,
	VRRP_FSM_IGNORED,               /* no handler for (state, event) */
	VRRP_FSM_TIMER_NOT_ARMED,       /* a timer event for a timer not running */
	VRRP_FSM_BAD_EVENT,             /* event number out of range */
	VRRP_FSM_OUTCOME_COUNT
};
extern const char *const vrrp_fsm_outcome_names[VRRP_FSM_OUTCOME_COUNT];

/* Per instance counters kept by the machine.  Packet drop counters belong
 * to the receive path, not here. */
struct vrrp_stats {
	uint64_t adverts_sent;          /* including priority 0 ones */
	uint64_t adverts_received;      /* valid adverts handed to the machine */
	uint64_t became_master;
	uint64_t released_master;       /* left MASTER for any reason */
	uint64_t priority_zero_sent;
	uint64_t priority_zero_received;
	uint64_t transitions;
	uint64_t events_ignored;        /* IGNORED or TIMER_NOT_ARMED outcomes */
};

/* The settings the machine needs, built by the runtime from the
 * instance's configuration. */
struct vrrp_fsm_config {
	const char *name;               /* for log lines; not copied */
	unsigned version;               /* 2 or 3 */
	uint8_t priority;               /* configured 1..255; 255: address owner */
	uint64_t advert_interval_us;    /* Advertisement_Interval */
	bool preempt;                   /* false: nopreempt */
	uint64_t preempt_delay_us;      /* 0: none; only with preempt */
	struct vigil_addr primary_address;  /* ours: the equal-priority tie-break */
	bool lower_prio_no_advert;      /* MASTER: do not re-assert (RFC behaviour) */
	bool higher_prio_send_advert;   /* MASTER: advert once before yielding */
};

/* An advert as the receive path decoded it. */
struct vrrp_advert_info {
	uint8_t priority;
	uint64_t interval_us;           /* the advertised interval (v3: adopted) */
	struct vigil_addr source;       /* the sender's primary address */
};

struct vrrp_fsm_event {
	enum vrrp_event type;
	struct vrrp_advert_info advert;     /* ADVERT_RECEIVED */
	uint8_t priority;                   /* PRIORITY_CHANGED: the new effective one */
};

struct vrrp_transition {
	uint64_t time_us;               /* ops->now_us() when it happened; 0: never */
	enum vrrp_transition_reason reason;
	enum vrrp_state from, to;
};

struct vrrp_fsm;

/* Actions, implemented by the runtime (or a test).  Every member is
 * required except state_changed.  The machine calls them synchronously,
 * in the order the RFC lists the actions, and writes the state after the
 * actions of a transition, so the hook sees VIPs already added/removed. */
struct vrrp_fsm_ops {
	uint64_t (*now_us)(struct vrrp_fsm *fsm);       /* monotonic clock */
	void (*send_advert)(struct vrrp_fsm *fsm, uint8_t priority);
	void (*send_advert_priority_zero)(struct vrrp_fsm *fsm);
	void (*add_vips)(struct vrrp_fsm *fsm);
	void (*remove_vips)(struct vrrp_fsm *fsm);
	/* Gratuitous ARP / unsolicited NA for the VIPs; repeats and refreshes
	 * (garp_master_repeat, garp_master_refresh, ...) are the runtime's. */
	void (*send_gratuitous)(struct vrrp_fsm *fsm);
	/* (Re)start a timer; starting a running one replaces its deadline. */
	void (*timer_start)(struct vrrp_fsm *fsm, enum vrrp_timer timer, uint64_t duration_us);
	void (*timer_stop)(struct vrrp_fsm *fsm, enum vrrp_timer timer);
	/* The hook: called once per transition, after the state is written. */
	void (*state_changed)(struct vrrp_fsm *fsm, const struct vrrp_transition *t);
};

/* Whether preempt_delay currently holds preemption back. */
enum vrrp_preempt_delay_state {
	VRRP_PREEMPT_DELAY_IDLE,        /* no delay running */
	VRRP_PREEMPT_DELAY_RUNNING,     /* lower priority masters are tolerated */
	VRRP_PREEMPT_DELAY_ELAPSED,     /* a lower priority master is preempted */
};

/* The machine of one instance.  Fields are for reading (status, tests);
 * only the functions below change them. */
struct vrrp_fsm {
	struct vrrp_fsm_config conf;
	const struct vrrp_fsm_ops *ops;
	void *ctx;                          /* the runtime's, untouched */

	enum vrrp_state state;
	uint8_t effective_priority;
	uint64_t master_adver_interval_us;  /* v3: learnt from the master */
	uint64_t skew_time_us;
	uint64_t master_down_interval_us;
	enum vrrp_preempt_delay_state preempt_delay;
	/* What a master-down expiry will be reported as: a plain timeout, the
	 * master's priority 0 advert, or preemption of a lower priority master. */
	enum vrrp_transition_reason takeover_reason;
	bool timer_armed[VRRP_TIMER_COUNT];
	uint64_t timer_deadline_us[VRRP_TIMER_COUNT];

	/* Held out of MASTER by the operator (DEMOTE, MAINTENANCE_ON). */
	bool maintenance;
	bool has_master_address;            /* false: no master known */
	struct vigil_addr master_address;   /* ours while MASTER */
	struct vrrp_transition last_transition;
	struct vrrp_stats stats;
};

/* Sets up a machine in INIT; no action is taken until STARTUP.  `conf` is
 * copied (conf->name is not).  The effective priority starts at the
 * configured one. */
void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *conf,
		   const struct vrrp_fsm_ops *ops, void *ctx);

/* Feeds one event to the machine. */
enum vrrp_fsm_outcome vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev);

/* Conveniences over vrrp_fsm_handle. */
enum vrrp_fsm_outcome vrrp_fsm_signal(struct vrrp_fsm *fsm, enum vrrp_event type);
enum vrrp_fsm_outcome vrrp_fsm_advert(struct vrrp_fsm *fsm, const struct vrrp_advert_info *ad);
enum vrrp_fsm_outcome vrrp_fsm_set_priority(struct vrrp_fsm *fsm, uint8_t effective_priority);

/* Whether the table has a handler for (state, event). */
bool vrrp_fsm_handles(enum vrrp_state state, enum vrrp_event event);

/* Configured priority 255: the instance owns the virtual addresses. */
bool vrrp_fsm_is_owner(const struct vrrp_fsm *fsm);

/* Name lookups that never return NULL ("?" when out of range). */
const char *vrrp_state_name(enum vrrp_state state);
const char *vrrp_event_name(enum vrrp_event event);
const char *vrrp_transition_reason_name(enum vrrp_transition_reason reason);

#endif
