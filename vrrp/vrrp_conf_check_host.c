/* Checks of the VRRP configuration against the host: scripts (through the
 * shared lib/script_check rules, so every module agrees on what is safe)
 * and the interfaces instances use. */
#include "config.h"
#include "vrrp_conf_private.h"
#include "daemon/config_load.h"
#include "daemon/global_conf.h"
#include "script_check.h"

#include <net/if.h>

/* A script with its optional own user: the user must exist, then the usual
 * checks (syntax always; the file system only with check_host). */
static void check_script_cmd(const struct global_config *g, const struct vrrp_script_cmd *cmd,
			     const char *keyword, bool check_host, struct conf_diags *diags)
{
	struct script_check_policy policy;
	char err[160];

	if (!cmd || !cmd->cmdline)
		return;
	if (!global_script_policy_for(g, cmd->user, cmd->group, check_host, &policy, err,
				      sizeof(err))) {
		conf_diag_error(diags, cmd->where, "%s: %s", keyword, err);
		return;
	}
	script_check(cmd->cmdline, keyword, cmd->where, &policy, diags);
}

static void check_notify_scripts(const struct global_config *g, const struct vrrp_conf_common *c,
				 bool check_host, struct conf_diags *diags)
{
	for (int k = 0; k < VRRP_NOTIFY_COUNT; k++)
		check_script_cmd(g, c->notify[k], vrrp_notify_keywords[k], check_host, diags);
}

void vrrp_check_scripts(const struct vigil_config *cfg, const struct config_load_options *opts,
			struct conf_diags *diags)
{
	const struct vrrp_config *vc = cfg->vrrp;

	for (size_t i = 0; i < vc->scripts.count; i++) {
		const struct vrrp_script_config *s = vc->scripts.items[i];

		check_script_cmd(cfg->global, &s->script, "script", opts->check_host, diags);
	}
	for (size_t i = 0; i < vc->instances.count; i++) {
		const struct vrrp_instance_config *inst = vc->instances.items[i];

		check_notify_scripts(cfg->global, &inst->common, opts->check_host, diags);
	}
	for (size_t i = 0; i < vc->sync_groups.count; i++) {
		const struct vrrp_sync_group_config *g = vc->sync_groups.items[i];

		check_notify_scripts(cfg->global, &g->common, opts->check_host, diags);
	}
}

/* A missing interface is an error, unless dynamic_interfaces says
 * interfaces may come and go (then vigil waits for it: a warning). */
static void check_ifname(const char *ifname, const char *what, struct conf_where where,
			 bool dynamic, struct conf_diags *diags)
{
	if (!ifname || if_nametoindex(ifname) != 0)
		return;
	conf_diag_add(diags, dynamic ? CONF_WARNING : CONF_ERROR, where,
		      "%s: interface %s does not exist%s", what, ifname,
		      dynamic ? " (dynamic_interfaces: waiting for it)" : "");
}

static void check_address_devs(const struct ptr_array *addrs, const char *what, bool dynamic,
			       struct conf_diags *diags)
{
	for (size_t i = 0; i < addrs->count; i++) {
		const struct vrrp_ipaddress_config *ip = addrs->items[i];

		check_ifname(ip->dev, what, ip->where, dynamic, diags);
	}
}

static void check_instance_interfaces(const struct vrrp_instance_config *inst, bool dynamic,
				      struct conf_diags *diags)
{
	check_ifname(inst->interface, "interface", inst->interface_where, dynamic, diags);
	for (size_t i = 0; i < inst->common.track_interfaces.count; i++) {
		const struct vrrp_track_ref *ref = inst->common.track_interfaces.items[i];

		check_ifname(ref->name, "track_interface", ref->where, dynamic, diags);
	}
	check_address_devs(&inst->vips, "virtual_ipaddress", dynamic, diags);
	check_address_devs(&inst->evips, "virtual_ipaddress_excluded", dynamic, diags);
}

void vrrp_check_interfaces(const struct vigil_config *cfg, struct conf_diags *diags)
{
	const struct vrrp_config *vc = cfg->vrrp;
	bool dynamic = cfg->global->dynamic_interfaces;

	for (size_t i = 0; i < vc->instances.count; i++)
		check_instance_interfaces(vc->instances.items[i], dynamic, diags);
	for (size_t i = 0; i < vc->sync_groups.count; i++) {
		const struct vrrp_sync_group_config *g = vc->sync_groups.items[i];

		for (size_t j = 0; j < g->common.track_interfaces.count; j++) {
			const struct vrrp_track_ref *ref = g->common.track_interfaces.items[j];

			check_ifname(ref->name, "track_interface", ref->where, dynamic, diags);
		}
	}
	check_address_devs(&vc->static_addresses, "static_ipaddress", dynamic, diags);
	for (size_t i = 0; i < vc->garp_groups.count; i++) {
		const struct vrrp_garp_group_config *g = vc->garp_groups.items[i];

		check_ifname(g->interface, "garp_group", g->where, dynamic, diags);
	}
}
