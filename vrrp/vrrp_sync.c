/* vrrp_sync_group at run time; the rules are at the top of vrrp_sync.h.
 *
 * Every move a group makes is an event fed to a member's own state
 * machine (FAULT, FAULT_CLEARED, MASTER_DOWN_TIMER, SYNC_MASTER,
 * SYNC_BACKUP), so the machine stays the only writer of a state and its
 * one hook sees every transition.  Moves made while the group is already
 * moving its members (`moving`) do not start new rounds: each round is
 * decided once, from the member that started it. */
#include "config.h"
#include "vrrp/vrrp_sync.h"
#include "vrrp/vrrp_mail.h"

#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_snmp_view.h"
#include "vrrp/vrrp_event.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

struct vrrp_sync_group {
	struct vrrp_runtime *rt;
	const struct vrrp_sync_group_config *conf;
	char *name;
	struct ptr_array members;           /* struct vrrp_instance, not owned */
	enum vrrp_state state;              /* as last notified */
	bool moving;
};

struct vrrp_sync_group *vrrp_sync_group_new(struct vrrp_runtime *rt,
					    const struct vrrp_sync_group_config *conf)
{
	struct vrrp_sync_group *g = XNEW(struct vrrp_sync_group);

	g->rt = rt;
	g->conf = conf;
	g->name = xstrdup(conf->name);
	g->state = VRRP_STATE_INIT;
	return g;
}

void vrrp_sync_group_free(struct vrrp_sync_group *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->members.count; i++)
		((struct vrrp_instance *)g->members.items[i])->sync = NULL;
	ptr_array_free(&g->members, NULL);
	free(g->name);
	free(g);
}

void vrrp_sync_group_add(struct vrrp_sync_group *g, struct vrrp_instance *inst)
{
	inst->sync = g;
	ptr_array_push(&g->members, inst);
}

const char *vrrp_sync_group_name(const struct vrrp_sync_group *g)
{
	return g->name;
}

const struct vrrp_sync_group_config *vrrp_sync_group_conf(const struct vrrp_sync_group *g)
{
	return g->conf;
}

size_t vrrp_sync_group_size(const struct vrrp_sync_group *g)
{
	return g->members.count;
}

struct vrrp_instance *vrrp_sync_group_member(const struct vrrp_sync_group *g, size_t i)
{
	return g->members.items[i];
}

enum vrrp_state vrrp_sync_group_state(const struct vrrp_sync_group *g)
{
	return g->state;
}

void vrrp_sync_group_set_state(struct vrrp_sync_group *g, enum vrrp_state state)
{
	g->state = state;
}

static struct vrrp_instance *member(const struct vrrp_sync_group *g, size_t i)
{
	return g->members.items[i];
}

/* Members that run: one that could not start takes no part. */
static bool running(const struct vrrp_instance *m)
{
	return m->started;
}

bool vrrp_sync_group_faulted(const struct vrrp_sync_group *g, const struct vrrp_instance **by)
{
	for (size_t i = 0; i < g->members.count; i++) {
		const struct vrrp_instance *m = member(g, i);

		if (running(m) && (m->track_result.fault || m->vmac_lost)) {
			if (by)
				*by = m;
			return true;
		}
	}
	return false;
}

/* ---- the group's own state and notifications ------------------------------------- */

static bool any_in(const struct vrrp_sync_group *g, enum vrrp_state state)
{
	for (size_t i = 0; i < g->members.count; i++)
		if (running(member(g, i)) && member(g, i)->fsm.state == state)
			return true;
	return false;
}

static enum vrrp_state group_state(const struct vrrp_sync_group *g)
{
	static const enum vrrp_state order[] = {
		VRRP_STATE_FAULT, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_STATE_STOP,
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (any_in(g, order[i]))
			return order[i];
	return VRRP_STATE_INIT;
}

/* Sync groups have no STOP notification (keepalived: "stop only applies
 * to instances") and no priority of their own. */
static void update_state(struct vrrp_sync_group *g)
{
	enum vrrp_state now = group_state(g);
	struct vrrp_notification what = { .target = VRRP_NOTIFY_GROUP, .name = g->name };

	if (now == g->state)
		return;
	log_info("VRRP sync group %s: %s -> %s", g->name, vrrp_state_name(g->state),
		 vrrp_state_name(now));
	vrrp_event_group(g->name, g->state, now);
	g->state = now;
	vrrp_snmp_view_group(g->name, now);
	vrrp_mail_transition("Group", g->name, &g->conf->common, now);
	if (now == VRRP_STATE_STOP || now == VRRP_STATE_INIT || !g->rt->notifier)
		return;
	if (vrrp_notify_event_for_state(now, &what.event))
		vrrp_notifier_notify(g->rt->notifier, &g->conf->common, &what);
}

/* ---- moving the members ----------------------------------------------------------------- */

static void feed(struct vrrp_instance *m, enum vrrp_event event, const char *detail)
{
	vrrp_instance_set_pending_detail(m, detail);
	vrrp_fsm_signal(&m->fsm, event);
}

/* BACKUP members follow `leader` to MASTER: those that already wanted to
 * by their own timer, as a timeout; the others as the group's move. */
static void follow_master(struct vrrp_sync_group *g, const struct vrrp_instance *leader)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "sync group %s: %s became MASTER", g->name, leader->name);
	for (size_t i = 0; i < g->members.count; i++) {
		struct vrrp_instance *m = member(g, i);

		if (m == leader || !running(m) || m->fsm.state != VRRP_STATE_BACKUP)
			continue;
		if (m->wants_master)
			feed(m, VRRP_EVENT_MASTER_DOWN_TIMER, NULL);
		else
			feed(m, VRRP_EVENT_SYNC_MASTER, detail);
	}
}

static void follow_backup(struct vrrp_sync_group *g, const struct vrrp_instance *leader)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "sync group %s: %s became BACKUP", g->name, leader->name);
	for (size_t i = 0; i < g->members.count; i++) {
		struct vrrp_instance *m = member(g, i);

		if (m != leader && running(m) && m->fsm.state == VRRP_STATE_MASTER)
			feed(m, VRRP_EVENT_SYNC_BACKUP, detail);
	}
}

static const struct vrrp_instance *first_master(const struct vrrp_sync_group *g)
{
	for (size_t i = 0; i < g->members.count; i++)
		if (running(member(g, i)) && member(g, i)->fsm.state == VRRP_STATE_MASTER)
			return member(g, i);
	return NULL;
}

void vrrp_sync_group_reconcile(struct vrrp_sync_group *g)
{
	bool outer = !g->moving;
	const struct vrrp_instance *leader;

	g->moving = true;
	for (size_t i = 0; i < g->members.count; i++)
		vrrp_instance_reconcile_fault(member(g, i));
	/* An address owner leaves FAULT straight to MASTER. */
	if ((leader = first_master(g)))
		follow_master(g, leader);
	if (outer) {
		g->moving = false;
		update_state(g);
	}
}

void vrrp_sync_member_changed(struct vrrp_sync_group *g, struct vrrp_instance *inst,
			      const struct vrrp_transition *t)
{
	if (g->moving)
		return;
	g->moving = true;
	if (t->to == VRRP_STATE_FAULT) {
		for (size_t i = 0; i < g->members.count; i++)
			vrrp_instance_reconcile_fault(member(g, i));
	} else if (t->to == VRRP_STATE_MASTER) {
		follow_master(g, inst);
	} else if (t->to == VRRP_STATE_BACKUP && t->from == VRRP_STATE_MASTER) {
		follow_backup(g, inst);
	}
	g->moving = false;
	update_state(g);
}

bool vrrp_sync_may_become_master(struct vrrp_sync_group *g, const struct vrrp_instance *inst)
{
	if (first_master(g))
		return true;
	for (size_t i = 0; i < g->members.count; i++) {
		const struct vrrp_instance *m = member(g, i);

		if (m != inst && running(m) && m->fsm.state == VRRP_STATE_BACKUP && !m->wants_master)
			return false;
	}
	return true;
}

json_object *vrrp_sync_group_status_json(const struct vrrp_sync_group *g)
{
	json_object *o = json_object_new_object();
	json_object *members = json_object_new_array();
	const struct vrrp_instance *by = NULL;

	for (size_t i = 0; i < g->members.count; i++)
		json_object_array_add(members, json_object_new_string(member(g, i)->name));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "state", json_object_new_string(vrrp_state_name(group_state(g))));
	json_object_object_add(o, "implemented", json_object_new_boolean(true));
	json_object_object_add(o, "members", members);
	json_object_object_add(o, "fault_member", vrrp_sync_group_faulted(g, &by)
				? json_object_new_string(by->name) : NULL);
	return o;
}
