/* What an instance's tracked objects make of it: its effective priority
 * and whether it is in FAULT, as a pure module (no I/O, no event loop).
 *
 * The monitors (vrrp_track_if, vrrp_track_file, vrrp_track_process and the
 * vrrp_script runner) report the state of each object; the runtime writes
 * it into the instance's struct vrrp_track_set and calls
 * vrrp_track_evaluate(), then vrrp_track_events() says which state machine
 * events (PRIORITY_CHANGED, FAULT, FAULT_CLEARED) the change amounts to.
 *
 * The rules, as keepalived.conf(5) gives them:
 *
 *  - An up/down object (interface, script, process) with weight 0 puts the
 *    instance in FAULT while it is down; with `reverse`, while it is up.
 *  - A positive weight is added while the object is up, a negative one is
 *    added (so the priority drops by its absolute value) while it is down;
 *    `reverse` negates the adjustment: a positive weight then lowers the
 *    priority while up, a negative one raises it while down.
 *  - A track_file with weight 0: a non-zero value is a fault, zero is OK
 *    (`reverse`: zero is the fault).  Otherwise the value times the weight
 *    (negated with `reverse`) is the adjustment; below -253 it is a fault
 *    instead, above 253 it counts as 253.
 *  - The effective priority is the configured one plus every adjustment,
 *    clamped to 1..254.  It is computed in FAULT too, so leaving FAULT
 *    starts from the current figure.
 *  - The address owner (priority 255) keeps 255, and a sync group member
 *    whose group lacks sync_group_tracking_weight keeps its configured
 *    priority: for both, keepalived sets every tracking weight to 0, so
 *    what would have moved the priority puts the instance in FAULT
 *    instead (vrrp_config_check warns about such weights).
 *  - A sync group's own track_* lists apply to every member: the runtime
 *    builds each member's set with the group, and the group moves its
 *    members together when one of them enters FAULT.
 *  - The instance's own interface is tracked too (kind
 *    VRRP_TRACK_OWN_INTERFACE, weight 0): its loss is a FAULT, unless
 *    the instance says dont_track_primary.
 *
 * A reference with its own "weight N [reverse]" uses those; one without
 * uses the tracked object's (vrrp_script, track_file, vrrp_track_process);
 * track_interface without a weight means weight 0. */
#ifndef VIGIL_VRRP_TRACK_H
#define VIGIL_VRRP_TRACK_H

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The highest and lowest adjustment a track_file may give before it is a
 * fault (below) or saturates (above). */
#define VRRP_TRACK_FILE_MAX_ADJUST 253
#define VRRP_TRACK_FILE_MIN_ADJUST (-253)

enum vrrp_track_kind {
	VRRP_TRACK_OWN_INTERFACE,       /* the instance's `interface` */
	VRRP_TRACK_INTERFACE,
	VRRP_TRACK_SCRIPT,
	VRRP_TRACK_FILE,
	VRRP_TRACK_PROCESS,
	VRRP_TRACK_KIND_COUNT
};
/* "interface", "track_interface", "track_script", "track_file",
 * "track_process": the words log lines and vigilctl use. */
extern const char *const vrrp_track_kind_names[VRRP_TRACK_KIND_COUNT];

/* Why an object holds the instance in FAULT. */
enum vrrp_track_fault {
	VRRP_TRACK_FAULT_NONE,
	VRRP_TRACK_FAULT_DOWN,          /* weight 0, down */
	VRRP_TRACK_FAULT_UP_REVERSED,   /* weight 0 reverse, up */
	VRRP_TRACK_FAULT_FILE_NONZERO,  /* track_file weight 0, value not 0 */
	VRRP_TRACK_FAULT_FILE_ZERO,     /* track_file weight 0 reverse, value 0 */
	VRRP_TRACK_FAULT_FILE_BELOW_MIN,  /* value x weight below -253 */
	VRRP_TRACK_FAULT_COUNT
};
/* "none", "down", "up (reverse)", "value not 0", "value 0 (reverse)",
 * "value x weight below -253". */
extern const char *const vrrp_track_fault_names[VRRP_TRACK_FAULT_COUNT];

/* One tracked object as one instance sees it. */
struct vrrp_track_item {
	enum vrrp_track_kind kind;
	char *name;                     /* owned by the set */
	int32_t weight;                 /* resolved from the reference or the object */
	bool reverse;
	bool from_sync_group;           /* listed by the instance's sync group */
	/* The state the monitors last reported. */
	bool up;                        /* all kinds but VRRP_TRACK_FILE */
	int64_t value;                  /* VRRP_TRACK_FILE: the number read */
};

/* Whether weights move the priority at all (see the top of this file). */
struct vrrp_track_policy {
	uint8_t base_priority;          /* configured, 1..255 */
	bool in_sync_group;
	bool sync_group_tracking_weight;
};

struct vrrp_track_set {
	struct vrrp_track_policy policy;
	struct vrrp_track_item *items;
	size_t count;
};

/* What the tracked objects make of the instance. */
struct vrrp_track_result {
	uint8_t effective_priority;
	int64_t adjustment;             /* the sum applied, before clamping */
	bool fault;
	unsigned fault_count;           /* objects holding it in FAULT */
	enum vrrp_track_fault fault_reason;   /* of the first of them */
	const struct vrrp_track_item *fault_item;   /* NULL when no fault */
};

/* The weight an item actually applies under `policy`: 0 where keepalived
 * ignores weights (address owner, sync group member without
 * sync_group_tracking_weight). */
int32_t vrrp_track_effective_weight(const struct vrrp_track_policy *policy,
				    const struct vrrp_track_item *item);

/* One item's contribution: its adjustment, or a fault reason (then the
 * adjustment is 0). */
enum vrrp_track_fault vrrp_track_item_eval(const struct vrrp_track_policy *policy,
					   const struct vrrp_track_item *item,
					   int64_t *adjustment);

/* The effective priority and fault state of `items` under `policy`. */
void vrrp_track_evaluate(const struct vrrp_track_policy *policy,
			 const struct vrrp_track_item *items, size_t count,
			 struct vrrp_track_result *out);
void vrrp_track_set_evaluate(const struct vrrp_track_set *set, struct vrrp_track_result *out);

/* The events that take the state machine from `before` to `after`, in the
 * order to feed them: a priority change goes in while the machine is in
 * FAULT (after FAULT, before FAULT_CLEARED), so an instance leaving FAULT
 * starts with its new priority.  Returns how many (0..2) were written to
 * `events`. */
size_t vrrp_track_events(const struct vrrp_track_result *before,
			 const struct vrrp_track_result *after, struct vrrp_fsm_event events[2]);

/* "track_interface eth1: down", "track_file tf1: value x weight below -253",
 * or "" when there is no fault.  Always NUL-terminates. */
void vrrp_track_describe_fault(const struct vrrp_track_result *r, char *buf, size_t size);

/* Builds the set of an instance from the configuration: its own
 * interface (when it has one), its track_* lists, then those of `group`
 * (NULL: none).  Initial states: up, value 0, except scripts with
 * init_fail (down); the runtime writes each monitor's initial report
 * before starting the machine. */
void vrrp_track_set_build(struct vrrp_track_set *set, const struct vrrp_config *vc,
			  const struct vrrp_instance_config *inst,
			  const struct vrrp_sync_group_config *group);
void vrrp_track_set_free(struct vrrp_track_set *set);

/* Appends one item (name copied); for the builder and for tests. */
struct vrrp_track_item *vrrp_track_set_add(struct vrrp_track_set *set, enum vrrp_track_kind kind,
					   const char *name, int32_t weight, bool reverse);

/* Record a monitor's report in every item of that kind and name (an object
 * may be listed by the instance and by its group).  `kind`
 * VRRP_TRACK_INTERFACE also updates VRRP_TRACK_OWN_INTERFACE items.
 * Returns how many items changed. */
size_t vrrp_track_set_update_up(struct vrrp_track_set *set, enum vrrp_track_kind kind,
				const char *name, bool up);
size_t vrrp_track_set_update_value(struct vrrp_track_set *set, const char *name, int64_t value);

const char *vrrp_track_kind_name(enum vrrp_track_kind kind);
const char *vrrp_track_fault_name(enum vrrp_track_fault fault);

#endif
