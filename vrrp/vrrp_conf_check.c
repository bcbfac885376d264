/* Meaning checks of each vrrp_instance, and the resolution of the values
 * that default to global_defs settings, so the dump shows what will run.
 *
 * Order matters: the address family comes from the addresses, the version
 * from the family and the globals, and the advert_int range from the
 * version.  Whole-configuration checks (references, VRID collisions,
 * scripts, interfaces on this host) are in vrrp_conf_check_refs.c. */
#include "config.h"
#include "xalloc.h"
#include "vrrp_conf_private.h"
#include "daemon/config_load.h"
#include "daemon/global_conf.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* The family of an instance: its first VIP's, else its addresses', else
 * native_ipv6, else IPv4. */
static int instance_family(const struct vrrp_instance_config *inst)
{
	if (inst->vips.count)
		return ((const struct vrrp_ipaddress_config *)inst->vips.items[0])->addr.family;
	if (inst->has_unicast_src)
		return inst->unicast_src.family;
	if (inst->has_mcast_src)
		return inst->mcast_src.family;
	if (inst->unicast_peers.count)
		return ((const struct vrrp_unicast_peer_config *)inst->unicast_peers.items[0])
			->addr.family;
	return inst->native_ipv6 ? AF_INET6 : AF_INET;
}

/* VRRP adverts carry addresses of one family: like keepalived, move the
 * VIPs of the other family to virtual_ipaddress_excluded, with a warning. */
static void move_other_family_vips(struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	size_t kept = 0;

	for (size_t i = 0; i < inst->vips.count; i++) {
		struct vrrp_ipaddress_config *ip = inst->vips.items[i];

		if (ip->addr.family == inst->family) {
			inst->vips.items[kept++] = ip;
			continue;
		}
		conf_diag_warning(diags, ip->where,
				  "vrrp_instance %s: %s virtual address in an %s instance; "
				  "moved to virtual_ipaddress_excluded", inst->name,
				  family_name(ip->addr.family), family_name(inst->family));
		ip->moved_to_excluded = true;
		ptr_array_push(&inst->evips, ip);
	}
	inst->vips.count = kept;
}

static void check_family(struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	inst->family = instance_family(inst);
	if (inst->native_ipv6 && inst->family != AF_INET6)
		conf_diag_error(diags, inst->where,
				"vrrp_instance %s: native_ipv6 but the first virtual address is IPv4",
				inst->name);
	move_other_family_vips(inst, diags);
}

static void check_version(struct vrrp_instance_config *inst, const struct global_config *g,
			  struct conf_diags *diags)
{
	if (!inst->version.set) {
		/* keepalived: IPv6 instances always run version 3. */
		inst->version.value = inst->family == AF_INET6 ? 3 : g->vrrp_version;
		return;
	}
	if (inst->version.value == 2 && inst->family == AF_INET6)
		conf_diag_error(diags, inst->version_where,
				"vrrp_instance %s: IPv6 instances need VRRP version 3 "
				"(VRRPv2 is IPv4 only)", inst->name);
}

/* VRRPv2 counts whole seconds (8 bits); VRRPv3 centiseconds (12 bits). */
static void check_advert_int(struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	uint64_t us = inst->advert_int.value_us;
	struct conf_where where = inst->advert_int.set ? inst->advert_int_where : inst->where;

	if (inst->version.value == 2) {
		if (us % 1000000 || us < 1000000 || us > VRRP_SECONDS(255))
			conf_diag_error(diags, where,
					"vrrp_instance %s: advert_int %g: VRRPv2 intervals are "
					"whole seconds 1..255", inst->name, us / 1e6);
		return;
	}
	if (us % 10000 || us < 10000 || us > 40950000)
		conf_diag_error(diags, where,
				"vrrp_instance %s: advert_int %g: VRRPv3 intervals are "
				"0.01..40.95 seconds in hundredths", inst->name, us / 1e6);
}

static bool addr_is_multicast(const struct vigil_addr *a)
{
	if (a->family == AF_INET)
		return (ntohl(a->u.v4.s_addr) >> 28) == 0xe;
	return a->u.v6.s6_addr[0] == 0xff;
}

static void check_mcast_dst(struct vrrp_instance_config *inst, const struct global_config *g,
			    struct conf_diags *diags)
{
	const struct vigil_addr *dst = &inst->mcast_dst;

	if (!inst->has_mcast_dst) {
		inst->mcast_dst = inst->family == AF_INET6 ? g->vrrp_mcast_group6
							   : g->vrrp_mcast_group4;
		return;
	}
	if (dst->family != inst->family)
		conf_diag_error(diags, inst->mcast_dst_where,
				"vrrp_instance %s: mcast_dst_ip is %s in an %s instance", inst->name,
				family_name(dst->family), family_name(inst->family));
	else if (!addr_is_multicast(dst))
		conf_diag_error(diags, inst->mcast_dst_where,
				"vrrp_instance %s: mcast_dst_ip is not a multicast address",
				inst->name);
	else if (dst->family == AF_INET6 && (dst->u.v6.s6_addr[1] & 0x0f) != 2)
		conf_diag_error(diags, inst->mcast_dst_where,
				"vrrp_instance %s: an IPv6 mcast_dst_ip must be link-local (ffX2::)",
				inst->name);
}

static void check_addresses(const struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	if (inst->has_unicast_src && inst->unicast_src.family != inst->family)
		conf_diag_error(diags, inst->src_where, "vrrp_instance %s: unicast_src_ip is %s "
				"in an %s instance", inst->name,
				family_name(inst->unicast_src.family), family_name(inst->family));
	if (inst->has_mcast_src && inst->mcast_src.family != inst->family)
		conf_diag_error(diags, inst->src_where, "vrrp_instance %s: mcast_src_ip is %s "
				"in an %s instance", inst->name,
				family_name(inst->mcast_src.family), family_name(inst->family));
	for (size_t i = 0; i < inst->unicast_peers.count; i++) {
		const struct vrrp_unicast_peer_config *peer = inst->unicast_peers.items[i];

		if (peer->addr.family != inst->family)
			conf_diag_error(diags, peer->where,
					"vrrp_instance %s: unicast_peer is %s in an %s instance",
					inst->name, family_name(peer->addr.family),
					family_name(inst->family));
	}
}

static void check_auth(struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	if (inst->auth_pass && inst->auth_type == VRRP_AUTH_NONE) {
		conf_diag_error(diags, inst->auth_where,
				"vrrp_instance %s: auth_pass given without auth_type", inst->name);
		return;
	}
	if (inst->auth_type != VRRP_AUTH_NONE && !inst->auth_pass)
		conf_diag_error(diags, inst->auth_where, "vrrp_instance %s: auth_type %s needs an "
				"auth_pass", inst->name,
				inst->auth_type == VRRP_AUTH_AH ? "AH" : "PASS");
	/* keepalived ignores it too, but an AH instance would otherwise run
	 * unauthenticated: the operator meant a v2 instance, or none. */
	if (inst->auth_type == VRRP_AUTH_AH && inst->version.value == 3) {
		conf_diag_error(diags, inst->auth_where, "vrrp_instance %s: AH authentication is "
				"VRRPv2 only (RFC 2338); VRRPv3 has none", inst->name);
		return;
	}
	if (inst->auth_type != VRRP_AUTH_NONE && inst->version.value == 3) {
		conf_diag_warning(diags, inst->auth_where,
				  "vrrp_instance %s: VRRPv3 has no authentication; ignored",
				  inst->name);
		inst->auth_type = VRRP_AUTH_NONE;
	}
}

/* vrrp_strict: what RFC 3768/5798 compliance forbids (keepalived.conf(5)). */
static void check_strict(const struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	const char *n = inst->name;

	if (!inst->vips.count)
		conf_diag_error(diags, inst->where, "vrrp_instance %s: strict mode needs at least "
				"one virtual_ipaddress", n);
	if (inst->unicast_peers.count)
		conf_diag_error(diags, inst->unicast_peer_where,
				"vrrp_instance %s: strict mode does not allow unicast_peer", n);
	if (inst->state_master.value && inst->priority != 255)
		conf_diag_error(diags, inst->state_where, "vrrp_instance %s: strict mode allows "
				"state MASTER only with priority 255", n);
	if (inst->auth_type != VRRP_AUTH_NONE)
		conf_diag_error(diags, inst->auth_where,
				"vrrp_instance %s: strict mode does not allow authentication", n);
	if (inst->preempt_delay.set && inst->preempt_delay.value_us)
		conf_diag_error(diags, inst->preempt_delay_where,
				"vrrp_instance %s: strict mode does not allow preempt_delay", n);
	if (inst->accept.set && inst->accept.value && inst->version.value == 2)
		conf_diag_error(diags, inst->accept_where, "vrrp_instance %s: strict mode does not "
				"allow accept with VRRPv2", n);
	if (inst->vmac_xmit_base)
		conf_diag_error(diags, inst->use_vmac_where,
				"vrrp_instance %s: strict mode does not allow vmac_xmit_base", n);
	if (inst->higher_prio_send_advert.set && inst->higher_prio_send_advert.value)
		conf_diag_error(diags, inst->where, "vrrp_instance %s: strict mode does not allow "
				"higher_prio_send_advert", n);
}

static void check_preempt(const struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	if (inst->nopreempt && inst->state_master.value)
		conf_diag_warning(diags, inst->nopreempt_where, "vrrp_instance %s: nopreempt does "
				  "not work when the initial state is MASTER", inst->name);
	else if (inst->nopreempt && inst->priority == 255)
		conf_diag_warning(diags, inst->nopreempt_where, "vrrp_instance %s: nopreempt has no "
				  "effect for the address owner (priority 255)", inst->name);
	if (inst->preempt_delay.value_us && inst->state_master.value)
		conf_diag_warning(diags, inst->preempt_delay_where, "vrrp_instance %s: "
				  "preempt_delay does not work when the initial state is MASTER",
				  inst->name);
}

static void check_vmac(struct vrrp_instance_config *inst, struct conf_diags *diags)
{
	if (inst->vmac_xmit_base && !inst->use_vmac)
		conf_diag_warning(diags, inst->where, "vrrp_instance %s: vmac_xmit_base has no "
				  "effect without use_vmac", inst->name);
	if (inst->use_vmac && inst->unicast_peers.count && !inst->vmac_xmit_base) {
		conf_diag_warning(diags, inst->use_vmac_where, "vrrp_instance %s: use_vmac with "
				  "unicast peers needs vmac_xmit_base; set", inst->name);
		inst->vmac_xmit_base = true;
	}
}

/* The interface name the runtime gives the VMAC (vrrp_vmac.h). */
static void vmac_name_of(const struct vrrp_instance_config *inst, const char *prefix,
			 char *out, size_t len)
{
	if (inst->vmac_name)
		snprintf(out, len, "%s", inst->vmac_name);
	else
		snprintf(out, len, "%s.%u", prefix ? prefix : "vrrp", inst->vrid);
}

/* Two instances on one VMAC cannot both run: the same VRID on two
 * interfaces, or on one interface for IPv4 and IPv6, gets the same
 * default name. */
static void check_vmac_names(const struct vrrp_config *vc, const struct global_config *g,
			     struct conf_diags *diags)
{
	for (size_t j = 1; j < vc->instances.count; j++) {
		const struct vrrp_instance_config *y = vc->instances.items[j];
		char ny[64], nx[64];

		if (!y->use_vmac)
			continue;
		vmac_name_of(y, g->vmac_prefix, ny, sizeof(ny));
		for (size_t i = 0; i < j; i++) {
			const struct vrrp_instance_config *x = vc->instances.items[i];

			if (!x->use_vmac)
				continue;
			vmac_name_of(x, g->vmac_prefix, nx, sizeof(nx));
			if (strcmp(nx, ny) != 0)
				continue;
			conf_diag_error(diags, y->use_vmac_where, "vrrp_instance %s: VMAC %s is "
					"vrrp_instance %s's too; name one (use_vmac NAME)", y->name,
					ny, x->name);
			break;
		}
	}
}

#define INHERIT(field, member, value) \
	do { if (!inst->field.set) inst->field.member = (value); } while (0)

static void resolve_timers(struct vrrp_instance_config *inst, const struct global_config *g)
{
	INHERIT(garp_master_delay, value_us, g->vrrp_garp_master_delay_us);
	INHERIT(garp_master_repeat, value, g->vrrp_garp_master_repeat);
	INHERIT(garp_lower_prio_delay, value_us, g->has_garp_lower_prio_delay
		? g->vrrp_garp_lower_prio_delay_us : inst->garp_master_delay.value_us);
	INHERIT(garp_lower_prio_repeat, value, g->has_garp_lower_prio_repeat
		? g->vrrp_garp_lower_prio_repeat : inst->garp_master_repeat.value);
	INHERIT(garp_master_refresh, value_us, g->vrrp_garp_master_refresh_us);
	INHERIT(garp_master_refresh_repeat, value, g->vrrp_garp_master_refresh_repeat);
	INHERIT(garp_interval, value_us, g->vrrp_garp_interval_us);
	INHERIT(gna_interval, value_us, g->vrrp_gna_interval_us);
	INHERIT(down_timer_adverts, value, g->vrrp_down_timer_adverts);
}

static void resolve_flags(struct vrrp_instance_config *inst, const struct global_config *g)
{
	bool ttl_checks = false;

	INHERIT(strict_mode, value, g->vrrp_strict);
	INHERIT(accept, value, !inst->strict_mode.value || inst->priority == 255);
	/* Strict mode implies RFC behaviour for lower-priority adverts. */
	INHERIT(lower_prio_no_advert, value, g->vrrp_lower_prio_no_advert ||
		inst->strict_mode.value);
	INHERIT(higher_prio_send_advert, value, g->vrrp_higher_prio_send_advert);
	INHERIT(skip_check_adv_addr, value, g->vrrp_skip_check_adv_addr);
	for (size_t i = 0; i < inst->unicast_peers.count; i++) {
		const struct vrrp_unicast_peer_config *peer = inst->unicast_peers.items[i];

		ttl_checks |= peer->min_ttl >= 0 || peer->max_ttl >= 0;
	}
	/* min_ttl/max_ttl turn on check_unicast_src (keepalived.conf(5)). */
	INHERIT(check_unicast_src, value, g->vrrp_check_unicast_src || ttl_checks);
	INHERIT(common.smtp_alert, value, global_smtp_alert_default(g, GLOBAL_SMTP_VRRP, false));
	INHERIT(common.notify_priority_changes, value, g->vrrp_notify_priority_changes);
}

static void check_instance(struct vrrp_instance_config *inst, const struct global_config *g,
			   struct conf_diags *diags)
{
	/* keepalived falls back to global_defs' default_interface. */
	if (!inst->interface && g->default_interface)
		inst->interface = xstrdup(g->default_interface);
	if (!inst->interface)
		conf_diag_error(diags, inst->where,
				"vrrp_instance %s: no 'interface' given (and no default_interface)",
				inst->name);
	if (!inst->vrid)
		conf_diag_error(diags, inst->where, "vrrp_instance %s: no 'virtual_router_id' given",
				inst->name);
	check_family(inst, diags);
	check_version(inst, g, diags);
	check_advert_int(inst, diags);
	check_mcast_dst(inst, g, diags);
	check_addresses(inst, diags);
	check_auth(inst, diags);
	resolve_timers(inst, g);
	resolve_flags(inst, g);
	if (inst->strict_mode.value)
		check_strict(inst, diags);
	check_preempt(inst, diags);
	check_vmac(inst, diags);
}

static void resolve_sync_group(struct vrrp_sync_group_config *grp, const struct global_config *g)
{
	if (!grp->common.smtp_alert.set)
		grp->common.smtp_alert.value =
			global_smtp_alert_default(g, GLOBAL_SMTP_VRRP, false);
	if (!grp->common.notify_priority_changes.set)
		grp->common.notify_priority_changes.value = g->vrrp_notify_priority_changes;
}

void vrrp_config_check(struct vigil_config *cfg, const struct config_load_options *opts,
		       struct conf_diags *diags)
{
	struct vrrp_config *vc = cfg->vrrp;
	const struct global_config *g = cfg->global;

	if (!vc || !g)
		return;
	for (size_t i = 0; i < vc->instances.count; i++)
		check_instance(vc->instances.items[i], g, diags);
	for (size_t i = 0; i < vc->sync_groups.count; i++)
		resolve_sync_group(vc->sync_groups.items[i], g);
	vrrp_check_references(vc, diags);
	vrrp_check_vrid_collisions(vc, diags);
	check_vmac_names(vc, g, diags);
	vrrp_check_scripts(cfg, opts, diags);
	if (opts->check_host)
		vrrp_check_interfaces(cfg, diags);
}
