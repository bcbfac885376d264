/* Checks that look across the whole VRRP configuration: names that must
 * resolve, instances in at most one sync group, tracking weights that will
 * be ignored, VRID collisions, scripts, and (on this host) interfaces. */
#include "config.h"
#include "vrrp_conf_private.h"
#include "daemon/config_load.h"
#include "daemon/global_conf.h"
#include "script_check.h"

#include <stdio.h>
#include <string.h>

static const char *where_file(struct conf_where w)
{
	return w.file ? w.file : "?";
}

/* Each tracked name must be defined. */
static void check_track_list(const struct vrrp_config *vc, const struct ptr_array *refs,
			     const char *keyword, const char *owner, struct conf_diags *diags)
{
	for (size_t i = 0; i < refs->count; i++) {
		const struct vrrp_track_ref *ref = refs->items[i];
		bool found;
		const char *kind;

		if (strcmp(keyword, "track_script") == 0) {
			found = vrrp_config_find_script(vc, ref->name);
			kind = "vrrp_script";
		} else if (strcmp(keyword, "track_file") == 0) {
			found = vrrp_config_find_track_file(vc, ref->name);
			kind = "track_file";
		} else {
			found = vrrp_config_find_track_process(vc, ref->name);
			kind = "vrrp_track_process";
		}
		if (!found)
			conf_diag_error(diags, ref->where, "%s: %s: %s %s is not defined", owner,
					keyword, kind, ref->name);
	}
}

static void check_common_refs(const struct vrrp_config *vc, const struct vrrp_conf_common *c,
			      const char *owner, struct conf_diags *diags)
{
	check_track_list(vc, &c->track_scripts, "track_script", owner, diags);
	check_track_list(vc, &c->track_files, "track_file", owner, diags);
	check_track_list(vc, &c->track_processes, "track_process", owner, diags);
}

/* The weight a reference will use: its own, else the tracked object's. */
static int32_t ref_weight(const struct vrrp_config *vc, const struct vrrp_track_ref *ref,
			  const char *keyword)
{
	const struct vrrp_script_config *s;
	const struct vrrp_track_file_config *f;
	const struct vrrp_track_process_config *t;

	if (ref->has_weight || strcmp(keyword, "track_interface") == 0)
		return ref->has_weight ? ref->weight : 0;
	if (strcmp(keyword, "track_script") == 0)
		return (s = vrrp_config_find_script(vc, ref->name)) ? s->weight : 0;
	if (strcmp(keyword, "track_file") == 0)
		return (f = vrrp_config_find_track_file(vc, ref->name)) ? f->weight : 0;
	return (t = vrrp_config_find_track_process(vc, ref->name)) ? t->weight : 0;
}

/* Weighted tracking cannot change the address owner's priority, nor (without
 * sync_group_tracking_weight) a sync group member's: say so where the weight
 * comes from. */
static void warn_weights(const struct vrrp_config *vc, const struct vrrp_instance_config *inst,
			 const char *why, struct conf_diags *diags)
{
	static const char *const keywords[] = { "track_interface", "track_script", "track_file",
		"track_process" };
	const struct ptr_array *lists[] = { &inst->common.track_interfaces,
		&inst->common.track_scripts, &inst->common.track_files,
		&inst->common.track_processes };

	for (size_t l = 0; l < 4; l++) {
		for (size_t i = 0; i < lists[l]->count; i++) {
			const struct vrrp_track_ref *ref = lists[l]->items[i];

			if (ref_weight(vc, ref, keywords[l]) != 0)
				conf_diag_warning(diags, ref->where, "vrrp_instance %s: %s %s: "
						  "weight ignored (%s)", inst->name, keywords[l],
						  ref->name, why);
		}
	}
}

/* An instance may be in one sync group only: look for `m` in the groups
 * before group number `gi`. */
static void check_member_unique(const struct vrrp_config *vc, size_t gi,
				const struct vrrp_name_ref *m, struct conf_diags *diags)
{
	for (size_t hi = 0; hi < gi; hi++) {
		const struct vrrp_sync_group_config *h = vc->sync_groups.items[hi];

		for (size_t k = 0; k < h->members.count; k++) {
			const struct vrrp_name_ref *o = h->members.items[k];

			if (strcmp(o->name, m->name) == 0)
				conf_diag_error(diags, m->where, "vrrp_instance %s is already in "
						"vrrp_sync_group %s at %s:%u", m->name, h->name,
						where_file(o->where), o->where.line);
		}
	}
}

static void check_sync_members(const struct vrrp_config *vc, struct conf_diags *diags)
{
	for (size_t gi = 0; gi < vc->sync_groups.count; gi++) {
		const struct vrrp_sync_group_config *g = vc->sync_groups.items[gi];

		if (g->members.count == 1)
			conf_diag_warning(diags, g->where, "vrrp_sync_group %s has only one "
					  "instance", g->name);
		for (size_t mi = 0; mi < g->members.count; mi++) {
			const struct vrrp_name_ref *m = g->members.items[mi];
			struct vrrp_instance_config *inst = vrrp_config_find_instance(vc, m->name);

			if (!inst) {
				conf_diag_error(diags, m->where, "vrrp_sync_group %s: vrrp_instance "
						"%s is not defined", g->name, m->name);
				continue;
			}
			check_member_unique(vc, gi, m, diags);
			if (!g->sync_group_tracking_weight)
				warn_weights(vc, inst, "sync group member without "
					     "sync_group_tracking_weight", diags);
		}
	}
}

static void check_track_group_refs(const struct vrrp_config *vc, const struct ptr_array *items,
				   bool addresses, struct conf_diags *diags)
{
	for (size_t i = 0; i < items->count; i++) {
		const char *group;
		struct conf_where where;

		if (addresses) {
			const struct vrrp_ipaddress_config *ip = items->items[i];

			group = ip->track_group;
			where = ip->where;
		} else {
			const struct vrrp_route_config *r = items->items[i];

			group = r->track_group;
			where = r->where;
		}
		if (group && !vrrp_config_find_track_group(vc, group))
			conf_diag_error(diags, where, "track_group %s is not defined", group);
	}
}

static void check_track_groups(const struct vrrp_config *vc, struct conf_diags *diags)
{
	for (size_t gi = 0; gi < vc->track_groups.count; gi++) {
		const struct vrrp_track_group_config *g = vc->track_groups.items[gi];

		for (size_t mi = 0; mi < g->members.count; mi++) {
			const struct vrrp_name_ref *m = g->members.items[mi];

			if (!vrrp_config_find_instance(vc, m->name))
				conf_diag_error(diags, m->where, "track_group %s: vrrp_instance %s "
						"is not defined", g->name, m->name);
		}
	}
	check_track_group_refs(vc, &vc->static_addresses, true, diags);
	check_track_group_refs(vc, &vc->static_routes, false, diags);
	check_track_group_refs(vc, &vc->static_rules, false, diags);
}

void vrrp_check_references(const struct vrrp_config *vc, struct conf_diags *diags)
{
	char owner[128];

	for (size_t i = 0; i < vc->instances.count; i++) {
		const struct vrrp_instance_config *inst = vc->instances.items[i];

		snprintf(owner, sizeof(owner), "vrrp_instance %s", inst->name);
		check_common_refs(vc, &inst->common, owner, diags);
		if (inst->priority == 255)
			warn_weights(vc, inst, "priority 255 is the address owner's", diags);
	}
	for (size_t i = 0; i < vc->sync_groups.count; i++) {
		const struct vrrp_sync_group_config *g = vc->sync_groups.items[i];

		snprintf(owner, sizeof(owner), "vrrp_sync_group %s", g->name);
		check_common_refs(vc, &g->common, owner, diags);
	}
	check_sync_members(vc, diags);
	check_track_groups(vc, diags);
}

/* ---- VRID collisions ----
 * Two instances share a socket, and so must not share a VRID, when they
 * use the same interface and family and are both multicast to the same
 * group, or both unicast with a peer in common (keepalived.conf(5),
 * virtual_router_id). */

static bool peers_overlap(const struct vrrp_instance_config *x,
			  const struct vrrp_instance_config *y)
{
	for (size_t i = 0; i < x->unicast_peers.count; i++) {
		const struct vrrp_unicast_peer_config *px = x->unicast_peers.items[i];

		for (size_t j = 0; j < y->unicast_peers.count; j++) {
			const struct vrrp_unicast_peer_config *py = y->unicast_peers.items[j];

			if (vigil_addr_equal(&px->addr, &py->addr))
				return true;
		}
	}
	return false;
}

/* Why x and y collide, or NULL when they do not. */
static const char *vrid_collision(const struct vrrp_instance_config *x,
				  const struct vrrp_instance_config *y)
{
	bool x_unicast = x->unicast_peers.count > 0, y_unicast = y->unicast_peers.count > 0;

	if (!x->vrid || x->vrid != y->vrid || x->family != y->family || !x->interface ||
	    !y->interface || strcmp(x->interface, y->interface) != 0 || x_unicast != y_unicast)
		return NULL;
	if (!x_unicast)
		return vigil_addr_equal(&x->mcast_dst, &y->mcast_dst) ? "multicast" : NULL;
	return peers_overlap(x, y) ? "unicast with a common peer" : NULL;
}

void vrrp_check_vrid_collisions(const struct vrrp_config *vc, struct conf_diags *diags)
{
	for (size_t j = 1; j < vc->instances.count; j++) {
		const struct vrrp_instance_config *y = vc->instances.items[j];

		for (size_t i = 0; i < j; i++) {
			const struct vrrp_instance_config *x = vc->instances.items[i];
			const char *why = vrid_collision(x, y);

			if (!why)
				continue;
			conf_diag_error(diags, y->where, "vrrp_instance %s: virtual_router_id %u on %s "
					"(%s, %s) is already used by vrrp_instance %s at %s:%u",
					y->name, y->vrid, y->interface,
					y->family == AF_INET6 ? "IPv6" : "IPv4", why, x->name,
					where_file(x->where), x->where.line);
			break;
		}
	}
}
