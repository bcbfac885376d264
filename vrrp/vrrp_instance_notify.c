/* What an instance tells the notifier: every transition, from the state
 * machine's one hook (vrrp_instance.c calls us there), and the events
 * that are not transitions (a master hearing a lower priority advert,
 * priority changes for the FIFOs).  The notifier runs the scripts through
 * its runner, so nothing here waits for them. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_snmp_view.h"
#include "vrrp/vrrp_mail.h"
#include "vrrp/vrrp_lvs_sync.h"
#include "vrrp/vrrp_event.h"

/* keepalived: an instance removed by a reload is reported as FAULT, or
 * DELETED when notify_deleted asks for it, rather than STOP. */
static enum vrrp_notify_event final_event(const struct vrrp_instance *inst,
					  enum vrrp_notify_event event)
{
	if (event != VRRP_NOTIFY_EV_STOP || !inst->deleted)
		return event;
	return inst->conf->common.notify_deleted ? VRRP_NOTIFY_EV_DELETED : VRRP_NOTIFY_EV_FAULT;
}

void vrrp_instance_notify_event(struct vrrp_instance *inst, enum vrrp_notify_event event)
{
	struct vrrp_notification what = {
		.target = VRRP_NOTIFY_INSTANCE, .name = inst->name, .event = event,
		.priority = inst->fsm.effective_priority,
	};

	if (!inst->rt->notifier)
		return;
	inst->notifications++;
	vrrp_notifier_notify(inst->rt->notifier, &inst->conf->common, &what);
}

void vrrp_instance_notify_transition(struct vrrp_instance *inst, const struct vrrp_transition *t)
{
	enum vrrp_notify_event event;

	vrrp_snmp_view_transition(inst, t);
	vrrp_event_instance(inst, t);
	vrrp_lvs_sync_transition(inst, t);
	vrrp_mail_transition("Instance", inst->name, &inst->conf->common, t->to);
	if (vrrp_notify_event_for_state(t->to, &event))
		vrrp_instance_notify_event(inst, final_event(inst, event));
}
