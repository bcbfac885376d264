/* VRRP state changes as `vigilctl events` lines (lib/vigil_event.h).
 * Called from the one transition hook (vrrp_instance_notify.c) and the
 * sync group's state change (vrrp_sync.c), where notify scripts and SNMP
 * traps fire, so an event never disagrees with them.  Both return at
 * once when nobody subscribes. */
#ifndef VIGIL_VRRP_EVENT_H
#define VIGIL_VRRP_EVENT_H

#include "vrrp/vrrp_fsm.h"

struct vrrp_instance;

/* {"type":"vrrp_instance","instance","vrid","from","to","reason","cause",
 *  "priority","effective_priority","master_address"} */
void vrrp_event_instance(const struct vrrp_instance *inst, const struct vrrp_transition *t);
/* {"type":"vrrp_sync_group","group","from","to"} */
void vrrp_event_group(const char *group, enum vrrp_state from, enum vrrp_state to);

#endif
