/* Effective priority and FAULT from tracked objects; the rules are at the
 * top of vrrp_track.h. */
#include "config.h"
#include "vrrp/vrrp_track.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRIORITY_OWNER 255
#define PRIORITY_MAX_BACKUP 254
#define PRIORITY_MIN 1

const char *const vrrp_track_kind_names[VRRP_TRACK_KIND_COUNT] = {
	[VRRP_TRACK_OWN_INTERFACE] = "interface",
	[VRRP_TRACK_INTERFACE] = "track_interface",
	[VRRP_TRACK_SCRIPT] = "track_script",
	[VRRP_TRACK_FILE] = "track_file",
	[VRRP_TRACK_PROCESS] = "track_process",
};

const char *const vrrp_track_fault_names[VRRP_TRACK_FAULT_COUNT] = {
	[VRRP_TRACK_FAULT_NONE] = "none",
	[VRRP_TRACK_FAULT_DOWN] = "down",
	[VRRP_TRACK_FAULT_UP_REVERSED] = "up (reverse)",
	[VRRP_TRACK_FAULT_FILE_NONZERO] = "value not 0",
	[VRRP_TRACK_FAULT_FILE_ZERO] = "value 0 (reverse)",
	[VRRP_TRACK_FAULT_FILE_BELOW_MIN] = "value x weight below -253",
};

const char *vrrp_track_kind_name(enum vrrp_track_kind kind)
{
	return (unsigned)kind < VRRP_TRACK_KIND_COUNT ? vrrp_track_kind_names[kind] : "?";
}

const char *vrrp_track_fault_name(enum vrrp_track_fault fault)
{
	return (unsigned)fault < VRRP_TRACK_FAULT_COUNT ? vrrp_track_fault_names[fault] : "?";
}

/* keepalived forces tracking weights to 0 for the address owner and for
 * sync group members unless the group allows weights. */
static bool weights_ignored(const struct vrrp_track_policy *policy)
{
	return policy->base_priority == PRIORITY_OWNER ||
	       (policy->in_sync_group && !policy->sync_group_tracking_weight);
}

int32_t vrrp_track_effective_weight(const struct vrrp_track_policy *policy,
				    const struct vrrp_track_item *item)
{
	if (item->kind == VRRP_TRACK_OWN_INTERFACE || weights_ignored(policy))
		return 0;
	return item->weight;
}

static enum vrrp_track_fault eval_file(const struct vrrp_track_item *item, int32_t weight,
				       int64_t *adjustment)
{
	int64_t value = item->value, v;

	if (weight == 0) {
		if (item->reverse)
			return item->value == 0 ? VRRP_TRACK_FAULT_FILE_ZERO : VRRP_TRACK_FAULT_NONE;
		return item->value != 0 ? VRRP_TRACK_FAULT_FILE_NONZERO : VRRP_TRACK_FAULT_NONE;
	}
	/* Saturated to 32 bits, as weights are, so the product fits in 64. */
	if (value > INT32_MAX)
		value = INT32_MAX;
	else if (value < -INT32_MAX)
		value = -INT32_MAX;
	v = value * weight * (item->reverse ? -1 : 1);
	if (v < VRRP_TRACK_FILE_MIN_ADJUST)
		return VRRP_TRACK_FAULT_FILE_BELOW_MIN;
	*adjustment = v > VRRP_TRACK_FILE_MAX_ADJUST ? VRRP_TRACK_FILE_MAX_ADJUST : v;
	return VRRP_TRACK_FAULT_NONE;
}

/* Up/down objects: a positive weight counts while up, a negative one
 * while down; reverse flips the sign of what counts. */
static enum vrrp_track_fault eval_updown(const struct vrrp_track_item *item, int32_t weight,
					 int64_t *adjustment)
{
	if (weight == 0) {
		if (item->reverse && item->kind != VRRP_TRACK_OWN_INTERFACE)
			return item->up ? VRRP_TRACK_FAULT_UP_REVERSED : VRRP_TRACK_FAULT_NONE;
		return item->up ? VRRP_TRACK_FAULT_NONE : VRRP_TRACK_FAULT_DOWN;
	}
	if ((weight > 0) == item->up)
		*adjustment = item->reverse ? -(int64_t)weight : weight;
	return VRRP_TRACK_FAULT_NONE;
}

enum vrrp_track_fault vrrp_track_item_eval(const struct vrrp_track_policy *policy,
					   const struct vrrp_track_item *item,
					   int64_t *adjustment)
{
	int32_t weight = vrrp_track_effective_weight(policy, item);

	*adjustment = 0;
	if (item->kind == VRRP_TRACK_FILE)
		return eval_file(item, weight, adjustment);
	return eval_updown(item, weight, adjustment);
}

static uint8_t clamp_priority(const struct vrrp_track_policy *policy, int64_t adjustment)
{
	int64_t p = (int64_t)policy->base_priority + adjustment;

	if (policy->base_priority == PRIORITY_OWNER)
		return PRIORITY_OWNER;
	if (p > PRIORITY_MAX_BACKUP)
		return PRIORITY_MAX_BACKUP;
	return p < PRIORITY_MIN ? PRIORITY_MIN : (uint8_t)p;
}

void vrrp_track_evaluate(const struct vrrp_track_policy *policy,
			 const struct vrrp_track_item *items, size_t count,
			 struct vrrp_track_result *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < count; i++) {
		int64_t adj;
		enum vrrp_track_fault f = vrrp_track_item_eval(policy, &items[i], &adj);

		out->adjustment += adj;
		if (f == VRRP_TRACK_FAULT_NONE)
			continue;
		if (!out->fault) {
			out->fault = true;
			out->fault_reason = f;
			out->fault_item = &items[i];
		}
		out->fault_count++;
	}
	out->effective_priority = clamp_priority(policy, out->adjustment);
}

void vrrp_track_set_evaluate(const struct vrrp_track_set *set, struct vrrp_track_result *out)
{
	vrrp_track_evaluate(&set->policy, set->items, set->count, out);
}

size_t vrrp_track_events(const struct vrrp_track_result *before,
			 const struct vrrp_track_result *after, struct vrrp_fsm_event events[2])
{
	size_t n = 0;
	bool priority_moved = before->effective_priority != after->effective_priority;

	if (after->fault && !before->fault)
		events[n++] = (struct vrrp_fsm_event){ .type = VRRP_EVENT_FAULT };
	if (priority_moved)
		events[n++] = (struct vrrp_fsm_event){
			.type = VRRP_EVENT_PRIORITY_CHANGED,
			.priority = after->effective_priority,
		};
	if (!after->fault && before->fault)
		events[n++] = (struct vrrp_fsm_event){ .type = VRRP_EVENT_FAULT_CLEARED };
	return n;
}

void vrrp_track_describe_fault(const struct vrrp_track_result *r, char *buf, size_t size)
{
	if (size == 0)
		return;
	if (!r->fault || !r->fault_item) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, "%s %s: %s", vrrp_track_kind_name(r->fault_item->kind),
		 r->fault_item->name, vrrp_track_fault_name(r->fault_reason));
}

/* ---- Sets ---- */

struct vrrp_track_item *vrrp_track_set_add(struct vrrp_track_set *set, enum vrrp_track_kind kind,
					   const char *name, int32_t weight, bool reverse)
{
	struct vrrp_track_item *item;

	set->items = xreallocarray(set->items, set->count + 1, sizeof(*set->items));
	item = &set->items[set->count++];
	*item = (struct vrrp_track_item){
		.kind = kind, .name = xstrdup(name), .weight = weight, .reverse = reverse,
		.up = true,
	};
	return item;
}

/* The object's own weight and reverse, for a reference that gives none.
 * An undefined name (the config check rejects it) tracks as weight 0. */
static void object_weight(const struct vrrp_config *vc, enum vrrp_track_kind kind,
			  const char *name, int32_t *weight, bool *reverse)
{
	const struct vrrp_script_config *s;
	const struct vrrp_track_file_config *f;
	const struct vrrp_track_process_config *t;

	*weight = 0;
	*reverse = false;
	if (kind == VRRP_TRACK_SCRIPT && (s = vrrp_config_find_script(vc, name))) {
		*weight = s->weight;
		*reverse = s->reverse;
	} else if (kind == VRRP_TRACK_FILE && (f = vrrp_config_find_track_file(vc, name))) {
		*weight = f->weight;
		*reverse = f->reverse;
	} else if (kind == VRRP_TRACK_PROCESS && (t = vrrp_config_find_track_process(vc, name))) {
		*weight = t->weight;
		*reverse = t->reverse;
	}
}

static void add_refs(struct vrrp_track_set *set, const struct vrrp_config *vc,
		     const struct ptr_array *refs, enum vrrp_track_kind kind, bool from_group)
{
	for (size_t i = 0; i < refs->count; i++) {
		const struct vrrp_track_ref *ref = refs->items[i];
		int32_t weight = ref->weight;
		bool reverse = ref->reverse;
		struct vrrp_track_item *item;

		if (!ref->has_weight)
			object_weight(vc, kind, ref->name, &weight, &reverse);
		item = vrrp_track_set_add(set, kind, ref->name, weight, reverse);
		item->from_sync_group = from_group;
		if (kind == VRRP_TRACK_SCRIPT) {
			const struct vrrp_script_config *s = vrrp_config_find_script(vc, ref->name);

			item->up = !(s && s->init_fail);
		}
	}
}

static void add_common(struct vrrp_track_set *set, const struct vrrp_config *vc,
		       const struct vrrp_conf_common *c, bool from_group)
{
	add_refs(set, vc, &c->track_interfaces, VRRP_TRACK_INTERFACE, from_group);
	add_refs(set, vc, &c->track_scripts, VRRP_TRACK_SCRIPT, from_group);
	add_refs(set, vc, &c->track_files, VRRP_TRACK_FILE, from_group);
	add_refs(set, vc, &c->track_processes, VRRP_TRACK_PROCESS, from_group);
}

void vrrp_track_set_build(struct vrrp_track_set *set, const struct vrrp_config *vc,
			  const struct vrrp_instance_config *inst,
			  const struct vrrp_sync_group_config *group)
{
	memset(set, 0, sizeof(*set));
	set->policy.base_priority = (uint8_t)inst->priority;
	set->policy.in_sync_group = group != NULL;
	set->policy.sync_group_tracking_weight = group && group->sync_group_tracking_weight;
	/* dont_track_primary: keepalived ignores faults of the interface. */
	if (inst->interface && !inst->dont_track_primary)
		vrrp_track_set_add(set, VRRP_TRACK_OWN_INTERFACE, inst->interface, 0, false);
	add_common(set, vc, &inst->common, false);
	if (group)
		add_common(set, vc, &group->common, true);
}

void vrrp_track_set_free(struct vrrp_track_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->items[i].name);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

static bool kind_matches(enum vrrp_track_kind wanted, enum vrrp_track_kind have)
{
	return wanted == have ||
	       (wanted == VRRP_TRACK_INTERFACE && have == VRRP_TRACK_OWN_INTERFACE);
}

size_t vrrp_track_set_update_up(struct vrrp_track_set *set, enum vrrp_track_kind kind,
				const char *name, bool up)
{
	size_t changed = 0;

	for (size_t i = 0; i < set->count; i++) {
		struct vrrp_track_item *item = &set->items[i];

		if (!kind_matches(kind, item->kind) || strcmp(item->name, name) != 0 ||
		    item->up == up)
			continue;
		item->up = up;
		changed++;
	}
	return changed;
}

size_t vrrp_track_set_update_value(struct vrrp_track_set *set, const char *name, int64_t value)
{
	size_t changed = 0;

	for (size_t i = 0; i < set->count; i++) {
		struct vrrp_track_item *item = &set->items[i];

		if (item->kind != VRRP_TRACK_FILE || strcmp(item->name, name) != 0 ||
		    item->value == value)
			continue;
		item->value = value;
		changed++;
	}
	return changed;
}
