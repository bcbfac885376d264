/* The VRRP configuration as JSON (`vigild --dump-config`): every value the
 * file set or that was resolved from global_defs, addresses as strings,
 * times in seconds.  Secrets (auth_pass) are not dumped. */
#include "config.h"
#include "vrrp_conf_private.h"
#include "json_util.h"

#include <stdio.h>
#include <stdlib.h>

static json_object *str_json(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* Seconds as a JSON number written the way a person would ("0.05", not
 * 0.050000000000000003): microseconds are exact, so format them as such. */
static json_object *secs_json(uint64_t us)
{
	char text[32];
	size_t len;

	len = (size_t)snprintf(text, sizeof(text), "%llu.%06llu", (unsigned long long)(us / 1000000),
			       (unsigned long long)(us % 1000000));
	while (len > 0 && text[len - 1] == '0')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '.')
		text[--len] = '\0';
	return json_object_new_double_s((double)us / 1e6, text);
}

json_object *vrrp_addr_json(const struct vigil_addr *addr)
{
	return json_vigil_addr(addr);
}

static void add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}

static void add_bool(json_object *o, const char *key, bool value)
{
	add(o, key, json_object_new_boolean(value));
}

static void add_int(json_object *o, const char *key, int64_t value)
{
	add(o, key, json_object_new_int64(value));
}

/* "ADDR/LEN" always (the status view shows every VIP with its length). */
json_object *vrrp_ipaddress_string_json(const struct vrrp_ipaddress_config *ip)
{
	struct vigil_addr a = ip->addr;

	a.has_prefix = true;
	return vrrp_addr_json(&a);
}

static json_object *ipaddress_json(const struct vrrp_ipaddress_config *ip)
{
	static const char *const brd_modes[] = { NULL, NULL, "-", "+" };
	json_object *o = json_object_new_object();

	add(o, "address", vrrp_addr_json(&ip->addr));
	add(o, "dev", str_json(ip->dev));
	add(o, "brd", ip->brd_mode == VRRP_BRD_ADDR ? vrrp_addr_json(&ip->brd)
						     : str_json(brd_modes[ip->brd_mode]));
	add(o, "scope", ip->scope ? str_json(vrrp_addr_scope_names[ip->scope]) : NULL);
	add(o, "label", str_json(ip->label));
	add(o, "peer", ip->has_peer ? vrrp_addr_json(&ip->peer) : NULL);
	add_bool(o, "home", ip->home);
	add_bool(o, "nodad", ip->nodad);
	add_bool(o, "mngtmpaddr", ip->mngtmpaddr);
	add_bool(o, "noprefixroute", ip->noprefixroute);
	add_bool(o, "autojoin", ip->autojoin);
	add_bool(o, "no_track", ip->no_track);
	add_bool(o, "use_vmac", ip->use_vmac);
	if (!ip->has_preferred_lft)
		add(o, "preferred_lft", NULL);
	else if (ip->preferred_lft == VRRP_PREFERRED_LFT_FOREVER)
		add(o, "preferred_lft", json_object_new_string("forever"));
	else
		add_int(o, "preferred_lft", ip->preferred_lft);
	add(o, "track_group", str_json(ip->track_group));
	if (ip->moved_to_excluded)
		add_bool(o, "moved_from_virtual_ipaddress", true);
	add_int(o, "line", ip->where.line);
	return o;
}

static json_object *route_json(const struct vrrp_route_config *r)
{
	json_object *o = json_object_new_object();
	bool rule = r->kind == VRRP_RULE;

	add(o, "text", str_json(r->text));
	add(o, "family", json_object_new_string(r->family == AF_INET6 ? "inet6" : "inet"));
	add(o, "type", str_json(r->type));
	add(o, rule ? "to" : "destination", r->has_dst ? vrrp_addr_json(&r->dst) : NULL);
	add(o, rule ? "from" : "src", r->has_src ? vrrp_addr_json(&r->src) : NULL);
	if (!rule) {
		add(o, "via", r->has_via ? vrrp_addr_json(&r->via) : NULL);
		add_int(o, "nexthops", r->nexthops);
	}
	add(o, rule ? "iif" : "dev", str_json(r->dev));
	add(o, "table", str_json(r->table));
	add_bool(o, "no_track", r->no_track);
	add(o, "track_group", str_json(r->track_group));
	return o;
}

typedef json_object *(*item_json_fn)(const void *item);

static json_object *array_json(const struct ptr_array *items, item_json_fn fn)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < items->count; i++)
		json_object_array_add(a, fn(items->items[i]));
	return a;
}

static json_object *ipaddress_item(const void *item) { return ipaddress_json(item); }
static json_object *route_item(const void *item) { return route_json(item); }

static json_object *name_item(const void *item)
{
	return json_object_new_string(((const struct vrrp_name_ref *)item)->name);
}

static json_object *track_ref_item(const void *item)
{
	const struct vrrp_track_ref *ref = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(ref->name));
	add(o, "weight", ref->has_weight ? json_object_new_int64(ref->weight) : NULL);
	add_bool(o, "reverse", ref->reverse);
	return o;
}

static json_object *script_cmd_json(const struct vrrp_script_cmd *cmd)
{
	json_object *o;

	if (!cmd)
		return NULL;
	o = json_object_new_object();
	add(o, "command", str_json(cmd->cmdline));
	add(o, "user", str_json(cmd->user));
	add(o, "group", str_json(cmd->group));
	return o;
}

/* Notify scripts, alerts and tracking: the same for instances and groups. */
static void add_common(json_object *o, const struct vrrp_conf_common *c)
{
	json_object *notify = json_object_new_object();

	for (int k = 0; k < VRRP_NOTIFY_COUNT; k++)
		add(notify, vrrp_notify_keywords[k], script_cmd_json(c->notify[k]));
	add(o, "notify", notify);
	add_bool(o, "notify_deleted", c->notify_deleted);
	add_bool(o, "smtp_alert", c->smtp_alert.value);
	add_bool(o, "notify_priority_changes", c->notify_priority_changes.value);
	add(o, "track_interface", array_json(&c->track_interfaces, track_ref_item));
	add(o, "track_script", array_json(&c->track_scripts, track_ref_item));
	add(o, "track_file", array_json(&c->track_files, track_ref_item));
	add(o, "track_process", array_json(&c->track_processes, track_ref_item));
}

static json_object *peer_item(const void *item)
{
	const struct vrrp_unicast_peer_config *peer = item;
	json_object *o = json_object_new_object();

	add(o, "address", vrrp_addr_json(&peer->addr));
	add(o, "min_ttl", peer->min_ttl >= 0 ? json_object_new_int(peer->min_ttl) : NULL);
	add(o, "max_ttl", peer->max_ttl >= 0 ? json_object_new_int(peer->max_ttl) : NULL);
	return o;
}

/* old_unicast_checksum, by enum vrrp_old_csum. */
static const char *const old_csum_names[] = {
	[VRRP_OLD_CSUM_AUTO] = "auto", [VRRP_OLD_CSUM_ALWAYS] = "always",
	[VRRP_OLD_CSUM_NEVER] = "never",
};

static void add_addressing(json_object *o, const struct vrrp_instance_config *inst)
{
	add(o, "family", json_object_new_string(inst->family == AF_INET6 ? "inet6" : "inet"));
	add(o, "virtual_ipaddress", array_json(&inst->vips, ipaddress_item));
	add(o, "virtual_ipaddress_excluded", array_json(&inst->evips, ipaddress_item));
	add(o, "virtual_routes", array_json(&inst->vroutes, route_item));
	add(o, "virtual_rules", array_json(&inst->vrules, route_item));
	add(o, "mcast_src_ip", inst->has_mcast_src ? vrrp_addr_json(&inst->mcast_src) : NULL);
	add(o, "unicast_src_ip", inst->has_unicast_src ? vrrp_addr_json(&inst->unicast_src)
						       : NULL);
	add(o, "mcast_dst_ip", inst->mcast_dst.family ? vrrp_addr_json(&inst->mcast_dst) : NULL);
	add(o, "unicast_peer", array_json(&inst->unicast_peers, peer_item));
	add_bool(o, "check_unicast_src", inst->check_unicast_src.value);
	add_bool(o, "unicast_fault_no_peer", inst->unicast_fault_no_peer);
	add(o, "unicast_ttl", inst->unicast_ttl.set ? json_object_new_int64(inst->unicast_ttl.value)
						    : NULL);
	add(o, "old_unicast_checksum",
	    json_object_new_string(old_csum_names[inst->old_unicast_checksum]));
	add_bool(o, "track_src_ip", inst->track_src_ip);
	add_bool(o, "dont_track_primary", inst->dont_track_primary);
}

static void add_vmac(json_object *o, const struct vrrp_instance_config *inst)
{
	char mac[24] = "";
	int used = 0;

	for (int i = 0; i < inst->vmac_mac_len; i++)
		used += snprintf(mac + used, sizeof(mac) - (size_t)used, "%s%02x", i ? ":" : "",
				 inst->vmac_mac[i]);
	add_bool(o, "use_vmac", inst->use_vmac);
	add(o, "vmac_name", str_json(inst->vmac_name));
	add(o, "vmac_mac", inst->has_vmac_mac ? json_object_new_string(mac) : NULL);
	add_bool(o, "vmac_xmit_base", inst->vmac_xmit_base);
}

static void add_garp(json_object *o, const struct vrrp_instance_config *inst)
{
	add(o, "garp_master_delay", secs_json(inst->garp_master_delay.value_us));
	add_int(o, "garp_master_repeat", inst->garp_master_repeat.value);
	add(o, "garp_lower_prio_delay", secs_json(inst->garp_lower_prio_delay.value_us));
	add_int(o, "garp_lower_prio_repeat", inst->garp_lower_prio_repeat.value);
	add(o, "garp_master_refresh", secs_json(inst->garp_master_refresh.value_us));
	add_int(o, "garp_master_refresh_repeat", inst->garp_master_refresh_repeat.value);
	add(o, "garp_interval", secs_json(inst->garp_interval.value_us));
	add(o, "gna_interval", secs_json(inst->gna_interval.value_us));
	add(o, "garp_extra_if", inst->has_garp_extra_if
		? json_object_new_int64(inst->garp_extra_if_s) : NULL);
	add_bool(o, "garp_extra_if_all", inst->garp_extra_if_all);
}

static void add_protocol(json_object *o, const struct vrrp_instance_config *inst)
{
	add(o, "state", json_object_new_string(inst->state_master.value ? "MASTER" : "BACKUP"));
	add(o, "interface", str_json(inst->interface));
	add_int(o, "virtual_router_id", inst->vrid);
	add_int(o, "priority", inst->priority);
	add_int(o, "version", inst->version.value);
	add(o, "advert_int", secs_json(inst->advert_int.value_us));
	add_bool(o, "nopreempt", inst->nopreempt);
	add(o, "preempt_delay", secs_json(inst->preempt_delay.value_us));
	add_bool(o, "accept", inst->accept.value);
	add(o, "auth_type", json_object_new_string(vrrp_auth_type_names[inst->auth_type]));
	add_bool(o, "promote_secondaries", inst->promote_secondaries);
	add_int(o, "down_timer_adverts", inst->down_timer_adverts.value);
	add_bool(o, "lower_prio_no_advert", inst->lower_prio_no_advert.value);
	add_bool(o, "higher_prio_send_advert", inst->higher_prio_send_advert.value);
	add_bool(o, "strict_mode", inst->strict_mode.value);
	add_bool(o, "skip_check_adv_addr", inst->skip_check_adv_addr.value);
	add_int(o, "debug", inst->debug);
	add_bool(o, "linkbeat_use_polling", inst->linkbeat_use_polling);
}

static json_object *instance_item(const void *item)
{
	const struct vrrp_instance_config *inst = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(inst->name));
	add_protocol(o, inst);
	add_addressing(o, inst);
	add_vmac(o, inst);
	add_garp(o, inst);
	add_common(o, &inst->common);
	return o;
}

static json_object *sync_group_item(const void *item)
{
	const struct vrrp_sync_group_config *g = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(g->name));
	add(o, "group", array_json(&g->members, name_item));
	add_bool(o, "sync_group_tracking_weight", g->sync_group_tracking_weight);
	add_bool(o, "global_tracking", g->global_tracking);
	add_common(o, &g->common);
	return o;
}

static json_object *script_item(const void *item)
{
	const struct vrrp_script_config *s = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(s->name));
	add(o, "script", str_json(s->script.cmdline));
	add(o, "user", str_json(s->script.user));
	add(o, "group", str_json(s->script.group));
	add(o, "interval", secs_json(s->interval_us));
	add(o, "timeout", secs_json(s->timeout_us));
	add_int(o, "weight", s->weight);
	add_bool(o, "reverse", s->reverse);
	add_int(o, "rise", s->rise);
	add_int(o, "fall", s->fall);
	add_bool(o, "init_fail", s->init_fail);
	return o;
}

static json_object *track_file_item(const void *item)
{
	const struct vrrp_track_file_config *t = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(t->name));
	add(o, "file", str_json(t->path));
	add_int(o, "weight", t->weight);
	add_bool(o, "reverse", t->reverse);
	add(o, "init_file", t->init_file ? json_object_new_int64(t->init_value) : NULL);
	add_bool(o, "init_overwrite", t->init_overwrite);
	return o;
}

static json_object *string_item(const void *item)
{
	return json_object_new_string(item);
}

static json_object *track_process_item(const void *item)
{
	const struct vrrp_track_process_config *t = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(t->name));
	add(o, "process", array_json(&t->argv, string_item));
	add(o, "param_match", t->has_param_match
		? json_object_new_string(vrrp_param_match_names[t->param_match]) : NULL);
	add_int(o, "weight", t->weight);
	add_bool(o, "reverse", t->reverse);
	add_int(o, "quorum", t->quorum);
	add(o, "quorum_max", t->quorum_max == UINT32_MAX ? NULL
		: json_object_new_int64(t->quorum_max));
	add(o, "fork_delay", secs_json(t->fork_delay_us));
	add(o, "terminate_delay", secs_json(t->terminate_delay_us));
	add_bool(o, "full_command", t->full_command);
	return o;
}

static json_object *garp_group_item(const void *item)
{
	const struct vrrp_garp_group_config *g = item;
	json_object *o = json_object_new_object();

	add(o, "garp_interval", g->garp_interval.set ? secs_json(g->garp_interval.value_us) : NULL);
	add(o, "gna_interval", g->gna_interval.set ? secs_json(g->gna_interval.value_us) : NULL);
	add(o, "interface", str_json(g->interface));
	add(o, "interfaces", array_json(&g->interfaces, name_item));
	return o;
}

static json_object *track_group_item(const void *item)
{
	const struct vrrp_track_group_config *g = item;
	json_object *o = json_object_new_object();

	add(o, "name", str_json(g->name));
	add(o, "group", array_json(&g->members, name_item));
	return o;
}

static json_object *linkbeat_item(const void *item)
{
	const struct vrrp_linkbeat_config *lb = item;
	json_object *o = json_object_new_object();

	add(o, "interface", str_json(lb->ifname));
	add(o, "type", json_object_new_string(vrrp_linkbeat_type_names[lb->type]));
	return o;
}

static json_object *if_delay_item(const void *item)
{
	const struct vrrp_if_delay_config *d = item;
	json_object *o = json_object_new_object();

	add(o, "interface", str_json(d->ifname));
	add(o, "down_delay", secs_json(d->down_delay_us));
	add(o, "up_delay", secs_json(d->up_delay_us));
	return o;
}

json_object *vrrp_config_to_json(const struct vrrp_config *vc)
{
	json_object *o = json_object_new_object();
	static const struct vrrp_config empty;

	if (!vc)
		vc = &empty;
	add(o, "instances", array_json(&vc->instances, instance_item));
	add(o, "sync_groups", array_json(&vc->sync_groups, sync_group_item));
	add(o, "scripts", array_json(&vc->scripts, script_item));
	add(o, "track_files", array_json(&vc->track_files, track_file_item));
	add(o, "track_processes", array_json(&vc->track_processes, track_process_item));
	add(o, "garp_groups", array_json(&vc->garp_groups, garp_group_item));
	add(o, "static_addresses", array_json(&vc->static_addresses, ipaddress_item));
	add(o, "static_routes", array_json(&vc->static_routes, route_item));
	add(o, "static_rules", array_json(&vc->static_rules, route_item));
	add(o, "track_groups", array_json(&vc->track_groups, track_group_item));
	add(o, "linkbeat_interfaces", array_json(&vc->linkbeat_interfaces, linkbeat_item));
	add(o, "interface_up_down_delays", array_json(&vc->if_delays, if_delay_item));
	return o;
}
