/* The VRRP configuration: its top-level keywords, the life cycle of
 * struct vrrp_config, lookups, and the small helpers every vrrp_conf*.c
 * file shares (names, script command lines, name lists). */
#include "config.h"
#include "vrrp_conf_private.h"

#include <stdlib.h>
#include <string.h>

const char *const vrrp_notify_keywords[VRRP_NOTIFY_COUNT] = {
	[VRRP_NOTIFY_MASTER] = "notify_master",
	[VRRP_NOTIFY_BACKUP] = "notify_backup",
	[VRRP_NOTIFY_FAULT] = "notify_fault",
	[VRRP_NOTIFY_STOP] = "notify_stop",
	[VRRP_NOTIFY_DELETED] = "notify_deleted",
	[VRRP_NOTIFY_ANY] = "notify",
	[VRRP_NOTIFY_MASTER_RX_LOWER_PRI] = "notify_master_rx_lower_pri",
};

const char *const vrrp_conf_state_names[VRRP_CONF_STATE_COUNT + 1] = {
	[VRRP_CONF_STATE_BACKUP] = "BACKUP",
	[VRRP_CONF_STATE_MASTER] = "MASTER",
};

const char *const vrrp_auth_type_names[VRRP_AUTH_COUNT + 1] = {
	[VRRP_AUTH_NONE] = "none",
	[VRRP_AUTH_PASS] = "PASS",
	[VRRP_AUTH_AH] = "AH",
};

const char *const vrrp_addr_scope_names[VRRP_SCOPE_COUNT + 1] = {
	[VRRP_SCOPE_DEFAULT] = "default",
	[VRRP_SCOPE_GLOBAL] = "global",
	[VRRP_SCOPE_SITE] = "site",
	[VRRP_SCOPE_LINK] = "link",
	[VRRP_SCOPE_HOST] = "host",
	[VRRP_SCOPE_NOWHERE] = "nowhere",
};

const char *const vrrp_param_match_names[VRRP_PARAM_MATCH_COUNT + 1] = {
	[VRRP_PARAM_MATCH_EXACT] = "exact",
	[VRRP_PARAM_MATCH_INITIAL] = "initial",
	[VRRP_PARAM_MATCH_PARTIAL] = "partial",
};

const char *const vrrp_linkbeat_type_names[VRRP_LINKBEAT_COUNT + 1] = {
	[VRRP_LINKBEAT_DEFAULT] = "default",
	[VRRP_LINKBEAT_MII] = "MII",
	[VRRP_LINKBEAT_ETHTOOL] = "ETHTOOL",
	[VRRP_LINKBEAT_IOCTL] = "IOCTL",
};

const struct conf_keyword vrrp_conf_keywords[] = {
	{ "vrrp_instance", NULL, &vrrp_instance_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "vrrp_sync_group", NULL, &vrrp_sync_group_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "vrrp_script", NULL, &vrrp_script_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "track_file", NULL, &vrrp_track_file_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "vrrp_track_file", NULL, &vrrp_track_file_block, CONF_DEPRECATED, 1, 1, "track_file", false },
	{ "vrrp_track_process", NULL, &vrrp_track_process_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "track_process", NULL, &vrrp_track_process_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "garp_group", NULL, &vrrp_garp_group_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "static_ipaddress", NULL, &vrrp_static_ipaddress_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "static_routes", NULL, &vrrp_static_routes_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "static_rules", NULL, &vrrp_static_rules_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "track_group", NULL, &vrrp_track_group_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "linkbeat_interfaces", NULL, &vrrp_linkbeat_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "interface_up_down_delays", NULL, &vrrp_if_delays_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "bfd_instance", NULL, &vrrp_bfd_instance_block, CONF_NOT_YET, 1, 1,
	  "BFD (RFC 5880) is not implemented in vigil", false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

struct vrrp_config *vrrp_config_new(void)
{
	return XNEW(struct vrrp_config);
}

void vrrp_config_free(struct vrrp_config *vc)
{
	if (!vc)
		return;
	ptr_array_free(&vc->instances, vrrp_instance_config_free);
	ptr_array_free(&vc->sync_groups, vrrp_sync_group_config_free);
	ptr_array_free(&vc->scripts, vrrp_script_config_free);
	ptr_array_free(&vc->track_files, vrrp_track_file_config_free);
	ptr_array_free(&vc->track_processes, vrrp_track_process_config_free);
	ptr_array_free(&vc->garp_groups, vrrp_garp_group_config_free);
	ptr_array_free(&vc->static_addresses, vrrp_ipaddress_config_free);
	ptr_array_free(&vc->static_routes, vrrp_route_config_free);
	ptr_array_free(&vc->static_rules, vrrp_route_config_free);
	ptr_array_free(&vc->track_groups, vrrp_track_group_config_free);
	ptr_array_free(&vc->linkbeat_interfaces, vrrp_linkbeat_config_free);
	ptr_array_free(&vc->if_delays, vrrp_if_delay_config_free);
	free(vc);
}

bool vrrp_config_is_empty(const struct vrrp_config *vc)
{
	return !vc || vc->instances.count == 0;
}

struct vrrp_config *vrrp_conf_of(struct conf_parser *p)
{
	struct vigil_config *cfg = conf_parser_root(p);

	if (!cfg->vrrp)
		cfg->vrrp = vrrp_config_new();
	return cfg->vrrp;
}

/* A linear search by name: configurations hold tens of objects, and the
 * lookups run once per reference at load time. */
#define VRRP_FIND(array, type)                                          \
	for (size_t i = 0; i < (array).count; i++) {                    \
		type *item = (array).items[i];                          \
		if (strcmp(item->name, name) == 0)                      \
			return item;                                    \
	}                                                               \
	return NULL

struct vrrp_instance_config *vrrp_config_find_instance(const struct vrrp_config *vc,
							const char *name)
{
	VRRP_FIND(vc->instances, struct vrrp_instance_config);
}

struct vrrp_script_config *vrrp_config_find_script(const struct vrrp_config *vc, const char *name)
{
	VRRP_FIND(vc->scripts, struct vrrp_script_config);
}

struct vrrp_track_file_config *vrrp_config_find_track_file(const struct vrrp_config *vc,
							   const char *name)
{
	VRRP_FIND(vc->track_files, struct vrrp_track_file_config);
}

struct vrrp_track_process_config *vrrp_config_find_track_process(const struct vrrp_config *vc,
								 const char *name)
{
	VRRP_FIND(vc->track_processes, struct vrrp_track_process_config);
}

struct vrrp_track_group_config *vrrp_config_find_track_group(const struct vrrp_config *vc,
							     const char *name)
{
	VRRP_FIND(vc->track_groups, struct vrrp_track_group_config);
}

bool vrrp_conf_name_free(struct conf_parser *p, const struct conf_args *a, const char *kind,
			 const struct conf_where *found)
{
	if (!found)
		return true;
	conf_error(p, a, "%s %s already defined at %s:%u", kind, a->argv[1],
		   found->file ? found->file : "?", found->line);
	return false;
}

struct vrrp_name_ref *vrrp_name_ref_new(const char *name, struct conf_where where)
{
	struct vrrp_name_ref *ref = XNEW(struct vrrp_name_ref);

	ref->name = xstrdup(name);
	ref->where = where;
	return ref;
}

void vrrp_name_ref_free(void *ref)
{
	struct vrrp_name_ref *r = ref;

	if (r)
		free(r->name);
	free(r);
}

static void add_name(struct conf_parser *p, struct ptr_array *names,
		     const struct conf_args *a, const char *name)
{
	for (size_t i = 0; i < names->count; i++) {
		struct vrrp_name_ref *ref = names->items[i];

		if (strcmp(ref->name, name) == 0) {
			conf_warning(p, a, "%s listed twice (first at line %u); ignored",
				     name, ref->where.line);
			return;
		}
	}
	ptr_array_push(names, vrrp_name_ref_new(name, a->where));
}

/* A name list ('group { VI_1 VI_2 }'): every word is a name, whether the
 * names are one per line or several on a line, as keepalived reads them. */
void vrrp_conf_name_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	for (int i = 0; i < a->argc; i++)
		add_name(p, obj, a, a->argv[i]);
}

struct vrrp_script_cmd *vrrp_script_cmd_parse(const struct conf_args *a)
{
	struct vrrp_script_cmd *cmd = XNEW(struct vrrp_script_cmd);

	cmd->cmdline = xstrdup(a->argv[1]);
	if (a->argc > 2)
		cmd->user = xstrdup(a->argv[2]);
	if (a->argc > 3)
		cmd->group = xstrdup(a->argv[3]);
	cmd->where = a->where;
	return cmd;
}

void vrrp_script_cmd_free(struct vrrp_script_cmd *cmd)
{
	if (!cmd)
		return;
	free(cmd->cmdline);
	free(cmd->user);
	free(cmd->group);
	free(cmd);
}

