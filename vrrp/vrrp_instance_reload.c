/* Reload of one instance: compare the old and new configuration and say
 * how the runtime moves.
 *
 * In place (the instance keeps running, its state, timers and VIPs):
 *  - priority, as long as neither side is 255 (the address owner starts
 *    differently): fed to the machine as PRIORITY_CHANGED, so a master
 *    advertises the new value and a backup's Skew_Time follows;
 *  - garp_* / gna_interval: read each time an announcement is due;
 *  - skip_check_adv_addr, and anything else only the receive path or
 *    status reads (debug, ...), since the instance just points at the
 *    new configuration;
 *  - tracking (track_* lists, weights, dont_track_primary, sync group
 *    membership) and notify scripts: the worker rebuilds every running
 *    instance's track set after a reload and feeds the differences
 *    (priority, FAULT) to its machine; notify scripts are read from the
 *    configuration at each transition.
 * Recreated (SHUTDOWN with priority 0 and VIP removal, then a fresh
 * instance from INIT): everything else the runtime uses: interface, VRID,
 * version, family, VIPs and excluded VIPs, source, group, unicast peers,
 * authentication, use_vmac / vmac_xmit_base (a VMAC kept under the same
 * name and MAC is reused, not recreated), and also advert_int, nopreempt, preempt_delay,
 * lower_prio_no_advert and higher_prio_send_advert, because the state
 * machine copies its settings at init and has no call to change them
 * while running (a vrrp_fsm_reconfigure() would let these move in place). */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"

#include <string.h>

const char *const vrrp_instance_change_names[] = {
	[VRRP_CHANGE_NONE] = "unchanged",
	[VRRP_CHANGE_IN_PLACE] = "updated in place",
	[VRRP_CHANGE_RECREATE] = "restarted",
};

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool addr_eq(const struct vigil_addr *a, const struct vigil_addr *b)
{
	return vigil_addr_equal(a, b) && a->prefix_len == b->prefix_len;
}

/* Everything that shapes the address in the kernel. */
static bool ipaddress_eq(const void *x, const void *y)
{
	const struct vrrp_ipaddress_config *a = x, *b = y;

	return addr_eq(&a->addr, &b->addr) && str_eq(a->dev, b->dev) &&
	       a->brd_mode == b->brd_mode && addr_eq(&a->brd, &b->brd) && a->scope == b->scope &&
	       str_eq(a->label, b->label) && a->has_peer == b->has_peer &&
	       (!a->has_peer || addr_eq(&a->peer, &b->peer)) && a->home == b->home &&
	       a->nodad == b->nodad && a->mngtmpaddr == b->mngtmpaddr &&
	       a->noprefixroute == b->noprefixroute && a->autojoin == b->autojoin &&
	       a->has_preferred_lft == b->has_preferred_lft &&
	       a->preferred_lft == b->preferred_lft;
}

static bool ipaddresses_eq(const struct ptr_array *a, const struct ptr_array *b)
{
	return ptr_array_equal(a, b, ipaddress_eq);
}

static bool peers_eq(const struct ptr_array *a, const struct ptr_array *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct vrrp_unicast_peer_config *x = a->items[i], *y = b->items[i];

		if (!vigil_addr_equal(&x->addr, &y->addr))
			return false;
	}
	return true;
}

static bool optional_addr_eq(bool has_a, const struct vigil_addr *a, bool has_b,
			     const struct vigil_addr *b)
{
	return has_a == has_b && (!has_a || vigil_addr_equal(a, b));
}

/* Where and how the instance speaks. */
/* Routes and rules compared line by line, as written: a master installs
 * exactly its configured lines, so any change must go through a rebuild
 * that removes the old ones and adds the new ones. */
static bool routes_eq(const struct ptr_array *a, const struct ptr_array *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct vrrp_route_config *x = a->items[i], *y = b->items[i];

		if (!str_eq(x->text, y->text))
			return false;
	}
	return true;
}

/* The VMAC's name, MAC and where adverts go.  A rebuilt instance with
 * the same VMAC still keeps the interface (vrrp_vmac_hold_begin). */
static bool vmac_eq(const struct vrrp_instance_config *a, const struct vrrp_instance_config *b)
{
	return a->use_vmac == b->use_vmac && str_eq(a->vmac_name, b->vmac_name) &&
	       a->has_vmac_mac == b->has_vmac_mac && a->vmac_mac_len == b->vmac_mac_len &&
	       memcmp(a->vmac_mac, b->vmac_mac, sizeof(a->vmac_mac)) == 0 &&
	       a->vmac_xmit_base == b->vmac_xmit_base;
}

static bool identity_eq(const struct vrrp_instance_config *a,
			const struct vrrp_instance_config *b)
{
	return str_eq(a->interface, b->interface) && a->vrid == b->vrid &&
	       a->version.value == b->version.value && a->family == b->family &&
	       ipaddresses_eq(&a->vips, &b->vips) && ipaddresses_eq(&a->evips, &b->evips) &&
	       optional_addr_eq(a->has_mcast_src, &a->mcast_src, b->has_mcast_src, &b->mcast_src) &&
	       optional_addr_eq(a->has_unicast_src, &a->unicast_src, b->has_unicast_src,
				&b->unicast_src) &&
	       vigil_addr_equal(&a->mcast_dst, &b->mcast_dst) &&
	       peers_eq(&a->unicast_peers, &b->unicast_peers) && a->auth_type == b->auth_type &&
	       str_eq(a->auth_pass, b->auth_pass) && vmac_eq(a, b) &&
	       routes_eq(&a->vroutes, &b->vroutes) && routes_eq(&a->vrules, &b->vrules);
}

/* What the state machine copied at init. */
static bool fsm_settings_eq(const struct vrrp_instance_config *a,
			    const struct vrrp_instance_config *b)
{
	return a->advert_int.value_us == b->advert_int.value_us &&
	       a->nopreempt == b->nopreempt &&
	       a->preempt_delay.value_us == b->preempt_delay.value_us &&
	       a->lower_prio_no_advert.value == b->lower_prio_no_advert.value &&
	       a->higher_prio_send_advert.value == b->higher_prio_send_advert.value &&
	       (a->priority == 255) == (b->priority == 255);
}

static bool in_place_eq(const struct vrrp_instance_config *a,
			const struct vrrp_instance_config *b)
{
	return a->priority == b->priority &&
	       a->garp_master_delay.value_us == b->garp_master_delay.value_us &&
	       a->garp_master_repeat.value == b->garp_master_repeat.value &&
	       a->garp_master_refresh.value_us == b->garp_master_refresh.value_us &&
	       a->garp_master_refresh_repeat.value == b->garp_master_refresh_repeat.value &&
	       a->garp_interval.value_us == b->garp_interval.value_us &&
	       a->gna_interval.value_us == b->gna_interval.value_us &&
	       a->skip_check_adv_addr.value == b->skip_check_adv_addr.value &&
	       a->accept.value == b->accept.value;
}

enum vrrp_instance_change vrrp_instance_config_diff(const struct vrrp_instance_config *a,
						    const struct vrrp_instance_config *b)
{
	if (!identity_eq(a, b) || !fsm_settings_eq(a, b))
		return VRRP_CHANGE_RECREATE;
	return in_place_eq(a, b) ? VRRP_CHANGE_NONE : VRRP_CHANGE_IN_PLACE;
}

/* The priority goes through tracking: the new configured priority plus
 * the tracked objects' adjustments is what the machine gets.  The worker
 * rebuilds the tracking (vrrp_instance_track_init) once the sync groups
 * of the new configuration are in place. */
void vrrp_instance_reconfigure(struct vrrp_instance *inst,
			       const struct vrrp_instance_config *conf)
{
	uint32_t old_priority = inst->conf->priority;

	inst->conf = conf;
	if (conf->priority != old_priority)
		log_info("VRRP instance %s: priority %u -> %u", inst->name, old_priority,
			 conf->priority);
	vrrp_instance_noaccept_update(inst);
}
