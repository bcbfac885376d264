/* vrrp_instance { ... }: one virtual router on one interface.
 *
 * Values are parsed and range-checked here; checks that need the whole
 * instance or the whole configuration (the version decides the advert_int
 * range, VRID collisions, references) are in vrrp_conf_check*.c. */
#include "config.h"
#include "vrrp_conf_private.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INST_OFF(field) offsetof(struct vrrp_instance_config, field)

static const struct vrrp_field instance_fields[] = {
	{ "virtual_router_id", VRRP_FIELD_U32, INST_OFF(vrid), 1, 255, 0 },
	{ "priority", VRRP_FIELD_U32, INST_OFF(priority), 1, 255, INST_OFF(priority_where) },
	{ "version", VRRP_FIELD_OPT_U32, INST_OFF(version), 2, 3, INST_OFF(version_where) },
	/* The version decides the real range; see the check. */
	{ "advert_int", VRRP_FIELD_OPT_US, INST_OFF(advert_int), 10000, VRRP_SECONDS(255),
	  INST_OFF(advert_int_where) },
	{ "nopreempt", VRRP_FIELD_FLAG, INST_OFF(nopreempt), 0, 0, INST_OFF(nopreempt_where) },
	{ "preempt_delay", VRRP_FIELD_OPT_US, INST_OFF(preempt_delay), 0, VRRP_SECONDS(1000),
	  INST_OFF(preempt_delay_where) },
	{ "dont_track_primary", VRRP_FIELD_FLAG, INST_OFF(dont_track_primary), 0, 0, 0 },
	{ "track_src_ip", VRRP_FIELD_FLAG, INST_OFF(track_src_ip), 0, 0, 0 },
	{ "check_unicast_src", VRRP_FIELD_OPT_BOOL, INST_OFF(check_unicast_src), 0, 0, 0 },
	{ "unicast_fault_no_peer", VRRP_FIELD_FLAG, INST_OFF(unicast_fault_no_peer), 0, 0, 0 },
	{ "unicast_ttl", VRRP_FIELD_OPT_U32, INST_OFF(unicast_ttl), 0, 255, 0 },
	{ "native_ipv6", VRRP_FIELD_FLAG, INST_OFF(native_ipv6), 0, 0, 0 },
	{ "vmac_xmit_base", VRRP_FIELD_FLAG, INST_OFF(vmac_xmit_base), 0, 0, 0 },
	{ "promote_secondaries", VRRP_FIELD_FLAG, INST_OFF(promote_secondaries), 0, 0, 0 },
	{ "garp_master_delay", VRRP_FIELD_OPT_US, INST_OFF(garp_master_delay), 0,
	  VRRP_SECONDS(86400), 0 },
	{ "garp_master_repeat", VRRP_FIELD_OPT_U32, INST_OFF(garp_master_repeat), 1, 1000, 0 },
	{ "garp_lower_prio_delay", VRRP_FIELD_OPT_US, INST_OFF(garp_lower_prio_delay), 0,
	  VRRP_SECONDS(86400), 0 },
	{ "garp_lower_prio_repeat", VRRP_FIELD_OPT_U32, INST_OFF(garp_lower_prio_repeat), 1, 1000,
	  0 },
	{ "garp_master_refresh", VRRP_FIELD_OPT_US, INST_OFF(garp_master_refresh), 0,
	  VRRP_SECONDS(86400), 0 },
	{ "garp_master_refresh_repeat", VRRP_FIELD_OPT_U32, INST_OFF(garp_master_refresh_repeat),
	  1, 1000, 0 },
	{ "garp_interval", VRRP_FIELD_OPT_US, INST_OFF(garp_interval), 0, VRRP_SECONDS(1), 0 },
	{ "gna_interval", VRRP_FIELD_OPT_US, INST_OFF(gna_interval), 0, VRRP_SECONDS(1), 0 },
	{ "down_timer_adverts", VRRP_FIELD_OPT_U32, INST_OFF(down_timer_adverts), 1, 100, 0 },
	{ "lower_prio_no_advert", VRRP_FIELD_OPT_BOOL, INST_OFF(lower_prio_no_advert), 0, 0, 0 },
	{ "higher_prio_send_advert", VRRP_FIELD_OPT_BOOL, INST_OFF(higher_prio_send_advert), 0,
	  0, 0 },
	{ "skip_check_adv_addr", VRRP_FIELD_OPT_BOOL, INST_OFF(skip_check_adv_addr), 0, 0, 0 },
	{ "strict_mode", VRRP_FIELD_OPT_BOOL, INST_OFF(strict_mode), 0, 0, 0 },
	{ "debug", VRRP_FIELD_U32, INST_OFF(debug), 0, 4, 0 },
	{ "linkbeat_use_polling", VRRP_FIELD_FLAG, INST_OFF(linkbeat_use_polling), 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static void instance_field(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	vrrp_conf_field(p, obj, a, instance_fields);
}

static void instance_state(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	int state;

	if (!conf_get_enum(p, a, 1, vrrp_conf_state_names, &state))
		return;
	inst->state_master.value = state == VRRP_CONF_STATE_MASTER;
	inst->state_master.set = true;
	inst->state_where = a->where;
}

static void instance_interface(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;

	if (conf_get_ifname(p, a, 1, &inst->interface))
		inst->interface_where = a->where;
}

static void instance_preempt(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;

	(void)p;
	(void)a;
	inst->nopreempt = false;   /* the default; kept for old configurations */
}

static void instance_accept(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;

	(void)p;
	inst->accept.value = strcmp(a->argv[0], "accept") == 0;
	inst->accept.set = true;
	inst->accept_where = a->where;
}

static void instance_src_ip(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	bool unicast = strcmp(a->argv[0], "unicast_src_ip") == 0;
	struct vigil_addr addr;

	if (!conf_get_addr(p, a, 1, CONF_FAMILY_ANY, false, &addr))
		return;
	if (unicast) {
		inst->unicast_src = addr;
		inst->has_unicast_src = true;
	} else {
		inst->mcast_src = addr;
		inst->has_mcast_src = true;
	}
	inst->src_where = a->where;
}

static void instance_mcast_dst(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	struct vigil_addr addr;

	if (!conf_get_addr(p, a, 1, CONF_FAMILY_ANY, false, &addr))
		return;
	inst->mcast_dst = addr;
	inst->has_mcast_dst = true;
	inst->mcast_dst_where = a->where;
}

/* "aa:bb:cc:dd:ee" or "aa:bb:cc:dd:ee:ff"; returns the octet count or 0. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	int n = 0;

	while (n < 6) {
		char *end;
		unsigned long v;

		if (!isxdigit((unsigned char)s[0]))
			return 0;
		v = strtoul(s, &end, 16);
		if (v > 255 || end - s > 2)
			return 0;
		mac[n++] = (uint8_t)v;
		if (*end == '\0')
			break;
		if (*end != ':')
			return 0;
		s = end + 1;
	}
	return n >= 5 ? n : 0;
}

/* use_vmac [NAME] [MAC]: a word that parses as a MAC is the MAC. */
static void instance_use_vmac(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;

	inst->use_vmac = true;
	inst->use_vmac_where = a->where;
	for (int i = 1; i < a->argc; i++) {
		int octets = parse_mac(a->argv[i], inst->vmac_mac);

		if (octets) {
			inst->has_vmac_mac = true;
			inst->vmac_mac_len = (uint8_t)octets;
		} else if (i == 1) {
			conf_get_ifname(p, a, i, &inst->vmac_name);
		} else {
			conf_error(p, a, "use_vmac: '%s' is not a MAC address (5 or 6 octets)",
				   a->argv[i]);
		}
	}
}

/* garp_extra_if [all] SECONDS */
static void instance_garp_extra_if(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	bool all = strcmp(a->argv[1], "all") == 0;
	uint32_t secs;

	if (all && a->argc < 3) {
		conf_error(p, a, "garp_extra_if: missing the interval after 'all'");
		return;
	}
	if (!all && a->argc > 2) {
		conf_error(p, a, "garp_extra_if: expected [all] SECONDS");
		return;
	}
	if (!conf_get_u32(p, a, all ? 2 : 1, 0, 86400, &secs))
		return;
	inst->has_garp_extra_if = true;
	inst->garp_extra_if_all = all;
	inst->garp_extra_if_s = secs;
}

/* authentication { auth_type PASS|AH  auth_pass SECRET } */
static void auth_type_kw(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	static const char *const names[] = { "PASS", "AH", NULL };
	int type;

	if (!conf_get_enum(p, a, 1, names, &type))
		return;
	inst->auth_type = type == 0 ? VRRP_AUTH_PASS : VRRP_AUTH_AH;
	inst->auth_where = a->where;
}

static void auth_pass_kw(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;

	if (strlen(a->argv[1]) > 8)
		conf_warning(p, a, "auth_pass: only the first 8 characters are used");
	if (inst->auth_type == VRRP_AUTH_NONE)
		inst->auth_where = a->where;
	free(inst->auth_pass);
	inst->auth_pass = xstrndup(a->argv[1], 8);
}

static const struct conf_keyword auth_keywords[] = {
	{ "auth_type", auth_type_kw, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "auth_pass", auth_pass_kw, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

const struct conf_block vrrp_authentication_block = {
	.name = "authentication",
	.tables = CONF_TABLES(auth_keywords),
};

/* List blocks: every line is one address, route, rule or peer. */
static void vip_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	struct vrrp_ipaddress_config *ip = vrrp_ipaddress_parse(p, a, false);

	if (ip)
		ptr_array_push(&inst->vips, ip);
}

static void evip_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	struct vrrp_ipaddress_config *ip = vrrp_ipaddress_parse(p, a, false);

	if (ip)
		ptr_array_push(&inst->evips, ip);
}

static void vroute_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	struct vrrp_route_config *r = vrrp_route_parse(p, a, VRRP_ROUTE, false);

	if (r)
		ptr_array_push(&inst->vroutes, r);
}

static void vrule_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	struct vrrp_route_config *r = vrrp_route_parse(p, a, VRRP_RULE, false);

	if (r)
		ptr_array_push(&inst->vrules, r);
}

/* "ADDR [min_ttl N] [max_ttl N]" */
static bool peer_option(struct conf_parser *p, const struct conf_args *a, int i,
			struct vrrp_unicast_peer_config *peer)
{
	uint32_t ttl;

	if (i + 1 >= a->argc) {
		conf_error(p, a, "unicast_peer: %s needs a value", a->argv[i]);
		return false;
	}
	if (!conf_get_u32(p, a, i + 1, 0, 255, &ttl))
		return false;
	if (strcmp(a->argv[i], "min_ttl") == 0)
		peer->min_ttl = (int)ttl;
	else
		peer->max_ttl = (int)ttl;
	return true;
}

/* "old_unicast_checksum [never]" */
static void instance_old_unicast_checksum(struct conf_parser *p, void *obj,
					  const struct conf_args *a)
{
	static const char *const never[] = { "never", NULL };
	struct vrrp_instance_config *inst = obj;
	int idx;

	if (a->argc == 1)
		inst->old_unicast_checksum = VRRP_OLD_CSUM_ALWAYS;
	else if (conf_get_enum(p, a, 1, never, &idx))
		inst->old_unicast_checksum = VRRP_OLD_CSUM_NEVER;
}

static void unicast_peer_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_instance_config *inst = obj;
	struct vrrp_unicast_peer_config peer = { .where = a->where, .min_ttl = -1, .max_ttl = -1 };

	if (!conf_get_addr(p, a, 0, CONF_FAMILY_ANY, false, &peer.addr))
		return;
	for (int i = 1; i < a->argc; i += 2) {
		if (strcmp(a->argv[i], "min_ttl") != 0 && strcmp(a->argv[i], "max_ttl") != 0) {
			conf_error(p, a, "unicast_peer: unknown option '%s' (min_ttl, max_ttl)",
				   a->argv[i]);
			return;
		}
		if (!peer_option(p, a, i, &peer))
			return;
	}
	if (peer.min_ttl >= 0 && peer.max_ttl >= 0 && peer.min_ttl > peer.max_ttl) {
		conf_error(p, a, "unicast_peer: min_ttl %d is above max_ttl %d", peer.min_ttl,
			   peer.max_ttl);
		return;
	}
	if (!inst->unicast_peers.count)
		inst->unicast_peer_where = a->where;
	ptr_array_push(&inst->unicast_peers, memcpy(xmalloc(sizeof(peer)), &peer, sizeof(peer)));
}

static const struct conf_block vip_block = { .name = "virtual_ipaddress", .item = vip_item };
static const struct conf_block evip_block = {
	.name = "virtual_ipaddress_excluded", .item = evip_item };
static const struct conf_block vroutes_block = { .name = "virtual_routes", .item = vroute_item };
static const struct conf_block vrules_block = { .name = "virtual_rules", .item = vrule_item };
static const struct conf_block unicast_peer_block = {
	.name = "unicast_peer", .item = unicast_peer_item };

#define FIELD(name, min, max) { name, instance_field, NULL, CONF_SUPPORTED, min, max, NULL, false }

static const struct conf_keyword instance_keywords[] = {
	{ "state", instance_state, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "interface", instance_interface, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	FIELD("virtual_router_id", 1, 1),
	FIELD("priority", 1, 1),
	FIELD("advert_int", 1, 1),
	FIELD("version", 1, 1),
	FIELD("nopreempt", 0, 0),
	{ "preempt", instance_preempt, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	FIELD("preempt_delay", 1, 1),
	{ "accept", instance_accept, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "no_accept", instance_accept, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "virtual_ipaddress", NULL, &vip_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "virtual_ipaddress_excluded", NULL, &evip_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "virtual_routes", NULL, &vroutes_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "virtual_rules", NULL, &vrules_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "mcast_src_ip", instance_src_ip, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "unicast_src_ip", instance_src_ip, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "mcast_dst_ip", instance_mcast_dst, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "unicast_peer", NULL, &unicast_peer_block, CONF_SUPPORTED, 0, 0, NULL, false },
	FIELD("check_unicast_src", 0, 1),
	FIELD("unicast_fault_no_peer", 0, 0),
	FIELD("unicast_ttl", 1, 1),
	{ "old_unicast_checksum", instance_old_unicast_checksum, NULL, CONF_SUPPORTED, 0, 1, NULL,
	  false },
	FIELD("track_src_ip", 0, 0),
	FIELD("dont_track_primary", 0, 0),
	{ "authentication", NULL, &vrrp_authentication_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "use_vmac", instance_use_vmac, NULL, CONF_SUPPORTED, 0, 2, NULL, false },
	FIELD("vmac_xmit_base", 0, 0),
	FIELD("promote_secondaries", 0, 0),
	FIELD("garp_master_delay", 1, 1),
	FIELD("garp_master_repeat", 1, 1),
	FIELD("garp_lower_prio_delay", 1, 1),
	FIELD("garp_lower_prio_repeat", 1, 1),
	FIELD("garp_master_refresh", 1, 1),
	FIELD("garp_master_refresh_repeat", 1, 1),
	FIELD("garp_interval", 1, 1),
	FIELD("gna_interval", 1, 1),
	{ "garp_extra_if", instance_garp_extra_if, NULL, CONF_SUPPORTED, 1, 2, NULL, false },
	FIELD("down_timer_adverts", 1, 1),
	FIELD("lower_prio_no_advert", 0, 1),
	FIELD("higher_prio_send_advert", 0, 1),
	FIELD("skip_check_adv_addr", 0, 1),
	FIELD("strict_mode", 0, 1),
	FIELD("debug", 1, 1),
	{ "native_ipv6", instance_field, NULL, CONF_DEPRECATED, 0, 0,
	  "the family of the virtual addresses (IPv6 VIPs make an IPv6 instance)", false },
	{ "linkbeat_use_polling", instance_field, NULL, CONF_DEPRECATED, 0, 0,
	  "linkbeat_interfaces", false },
	{ "vrf", NULL, NULL, CONF_NOT_YET, 1, 1, "VRF binding is not implemented", false },
	{ "use_vmac_addr", NULL, NULL, CONF_NOT_YET, 0, 0,
	  "per-address VMACs are not implemented; use use_vmac", false },
	{ "use_ipvlan", NULL, NULL, CONF_NOT_YET, 0, 3, "ipvlan interfaces are not implemented", false },
	{ "kernel_rx_buf_size", NULL, NULL, CONF_NOT_YET, 0, 1,
	  "the kernel's default receive buffer is used", false },
	/* Gone from keepalived's man page but still in its samples and in old
	 * deployments: recognised so such files get a pointer, not an error. */
	{ "lvs_sync_daemon_interface", NULL, NULL, CONF_NOT_YET, 1, 1,
	  "the old form of global_defs' lvs_sync_daemon INTERFACE INSTANCE", false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

const struct conf_block vrrp_instance_block = {
	.name = "vrrp_instance",
	.tables = CONF_TABLES(instance_keywords, vrrp_conf_common_keywords),
	.open = vrrp_instance_open,
};

void *vrrp_instance_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_instance_config *old = vrrp_config_find_instance(vc, a->argv[1]);
	struct vrrp_instance_config *inst;

	(void)parent;
	if (!vrrp_conf_name_free(p, a, "vrrp_instance", old ? &old->where : NULL))
		return NULL;
	inst = XNEW(struct vrrp_instance_config);
	inst->name = xstrdup(a->argv[1]);
	inst->where = a->where;
	inst->priority = 100;
	inst->advert_int.value_us = VRRP_SECONDS(1);
	ptr_array_push(&vc->instances, inst);
	return inst;
}

void vrrp_instance_config_free(void *obj)
{
	struct vrrp_instance_config *inst = obj;

	if (!inst)
		return;
	vrrp_conf_common_free(&inst->common);
	free(inst->name);
	free(inst->interface);
	ptr_array_free(&inst->vips, vrrp_ipaddress_config_free);
	ptr_array_free(&inst->evips, vrrp_ipaddress_config_free);
	ptr_array_free(&inst->vroutes, vrrp_route_config_free);
	ptr_array_free(&inst->vrules, vrrp_route_config_free);
	ptr_array_free(&inst->unicast_peers, free);
	free(inst->auth_pass);
	free(inst->vmac_name);
	free(inst);
}
