/* vrrp_sync_group at run time: members move together.
 *
 * keepalived.conf(5): "transition of one instance will be reflected to
 * others group members", and tracking weights of members count as 0
 * unless sync_group_tracking_weight (vrrp_track.h applies that).  What
 * vigil does, member by member:
 *
 *  - FAULT: while any member's own tracking holds it in FAULT, every
 *    member is in FAULT (a master among them resigns with priority 0);
 *    when the last such fault clears, they all leave FAULT together.
 *  - MASTER: a member becomes master only when every other member wants
 *    to as well (its master down timer ran out too) or one already is: a
 *    member whose timer runs out first waits, so a partition of one LAN
 *    does not make the group flap (keepalived's "prefer backup").  When
 *    one member becomes master, the others still in BACKUP follow at once.
 *  - BACKUP: a master member that yields to a higher priority advert takes
 *    the other master members to BACKUP with it (no priority 0: the peer
 *    whose member won moves its own group).
 *
 *  - The operator's demote / maintenance / release (vigilctl vrrp) name
 *    one member but apply to every member (the VRRP worker does this), so
 *    a group is never half held: a master member hands over, the others
 *    follow it to BACKUP, and none of them takes mastership while held.
 *
 * Members that could not start are left out.  The group's state is FAULT
 * if a member is, else MASTER if one is, else BACKUP if one is; when it
 * changes to one of these, the group's notify_* / notify scripts run with
 * type GROUP and priority 0, and a GROUP line goes to the notify FIFOs.
 *
 * Reload rebuilds the groups from the new configuration (members keep
 * their states), then brings FAULT in line with the new membership; a
 * group keeps its last notified state when its name stays, so a reload
 * alone sends no group notification. */
#ifndef VIGIL_VRRP_SYNC_H
#define VIGIL_VRRP_SYNC_H

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"

#include <json-c/json.h>
#include <stdbool.h>

struct vrrp_runtime;
struct vrrp_instance;
struct vrrp_sync_group;

/* `conf` must stay valid until the group is freed or given a new one. */
struct vrrp_sync_group *vrrp_sync_group_new(struct vrrp_runtime *rt,
					    const struct vrrp_sync_group_config *conf);
/* Detaches its members (they keep running, ungrouped). */
void vrrp_sync_group_free(struct vrrp_sync_group *g);
void vrrp_sync_group_add(struct vrrp_sync_group *g, struct vrrp_instance *inst);
const char *vrrp_sync_group_name(const struct vrrp_sync_group *g);
const struct vrrp_sync_group_config *vrrp_sync_group_conf(const struct vrrp_sync_group *g);
/* Its members, in configuration order (for the operator's commands,
 * which apply to the whole group). */
size_t vrrp_sync_group_size(const struct vrrp_sync_group *g);
struct vrrp_instance *vrrp_sync_group_member(const struct vrrp_sync_group *g, size_t i);
/* For reload: the state last notified, so a rebuilt group does not
 * notify what the old one already did. */
enum vrrp_state vrrp_sync_group_state(const struct vrrp_sync_group *g);
void vrrp_sync_group_set_state(struct vrrp_sync_group *g, enum vrrp_state state);

/* Whether a member's own tracking holds the group in FAULT; *by (may be
 * NULL) is the first such member. */
bool vrrp_sync_group_faulted(const struct vrrp_sync_group *g, const struct vrrp_instance **by);
/* Brings every member's FAULT in line with the group's, then lets BACKUP
 * members follow a MASTER one. */
void vrrp_sync_group_reconcile(struct vrrp_sync_group *g);

/* The state machine hook of a member: moves the others (see above). */
void vrrp_sync_member_changed(struct vrrp_sync_group *g, struct vrrp_instance *inst,
			      const struct vrrp_transition *t);
/* A member's master down timer ran out: may it become master now?  False:
 * it waits (marked as wanting to) until the others want to as well. */
bool vrrp_sync_may_become_master(struct vrrp_sync_group *g, const struct vrrp_instance *inst);

/* {"name","state","implemented":true,"members":[...],"fault_member"} */
json_object *vrrp_sync_group_status_json(const struct vrrp_sync_group *g);

#endif
