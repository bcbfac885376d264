/* Shared between the vrrp_conf*.c files only: the keyword tables each file
 * contributes and the small parsing helpers they have in common. */
#ifndef VIGIL_VRRP_CONF_PRIVATE_H
#define VIGIL_VRRP_CONF_PRIVATE_H

#include "vrrp_conf.h"

/* vrrp_conf.c */
/* The VRRP part of the root, created on first use. */
struct vrrp_config *vrrp_conf_of(struct conf_parser *p);
/* Reports "KIND NAME already defined at FILE:LINE" when `found` is not
 * NULL; returns true when the name is free. */
bool vrrp_conf_name_free(struct conf_parser *p, const struct conf_args *a, const char *kind,
			 const struct conf_where *found);
struct vrrp_name_ref *vrrp_name_ref_new(const char *name, struct conf_where where);
void vrrp_name_ref_free(void *ref);
void vrrp_script_cmd_free(struct vrrp_script_cmd *cmd);
/* "CMDLINE [username [groupname]]" from argv[1..]. */
struct vrrp_script_cmd *vrrp_script_cmd_parse(const struct conf_args *a);
/* A list block whose items are bare names, pushed onto the ptr_array at
 * `obj` (the block's open function points `obj` at it). */
void vrrp_conf_name_item(struct conf_parser *p, void *obj, const struct conf_args *a);

/* vrrp_conf_field.c: simple scalar keywords described by a table, so a
 * block's many flags and numbers need no handler each. */
enum vrrp_field_type {
	VRRP_FIELD_FLAG,        /* bool, no argument: true */
	VRRP_FIELD_BOOL,        /* bool, optional yes/no argument */
	VRRP_FIELD_OPT_BOOL,    /* struct vrrp_opt_bool, optional argument */
	VRRP_FIELD_U32,         /* uint32_t in [min, max] */
	VRRP_FIELD_OPT_U32,     /* struct vrrp_opt_u32 in [min, max] */
	VRRP_FIELD_US,          /* uint64_t microseconds; min/max in microseconds */
	VRRP_FIELD_OPT_US,      /* struct vrrp_opt_us */
};

struct vrrp_field {
	const char *keyword;
	enum vrrp_field_type type;
	size_t offset;
	uint64_t min, max;
	size_t where_offset;    /* nonzero: a struct conf_where to record the line in */
};

#define VRRP_SECONDS(s) ((uint64_t)(s) * 1000000u)

/* Sets the field named by argv[0] in `obj` from `fields` ({NULL}-ended). */
void vrrp_conf_field(struct conf_parser *p, void *obj, const struct conf_args *a,
		     const struct vrrp_field *fields);

/* "N [reverse|noreverse|no_reverse]" with N at argv[idx], in [min, max]. */
bool vrrp_conf_weight(struct conf_parser *p, const struct conf_args *a, int idx, int32_t min,
		      int32_t max, int32_t *weight, bool *reverse);

/* vrrp_conf_instance.c */
void *vrrp_instance_open(struct conf_parser *p, void *parent, const struct conf_args *a);
void vrrp_instance_config_free(void *inst);

/* vrrp_conf_track.c: vrrp_sync_group and the keywords instances and sync
 * groups share; vrrp_conf_tracked.c: vrrp_script, track_file,
 * vrrp_track_process. */
extern const struct conf_keyword vrrp_conf_common_keywords[];
void vrrp_conf_common_free(struct vrrp_conf_common *c);
void *vrrp_sync_group_open(struct conf_parser *p, void *parent, const struct conf_args *a);
void *vrrp_script_open(struct conf_parser *p, void *parent, const struct conf_args *a);
void *vrrp_track_file_open(struct conf_parser *p, void *parent, const struct conf_args *a);
void *vrrp_track_process_open(struct conf_parser *p, void *parent, const struct conf_args *a);
void vrrp_sync_group_config_free(void *g);
void vrrp_script_config_free(void *s);
void vrrp_track_file_config_free(void *t);
void vrrp_track_process_config_free(void *t);

/* vrrp_conf_addr.c: address, route and rule items. */
/* Parses one address line; `is_static` allows track_group and forbids
 * no_track/use_vmac.  Returns NULL after reporting an error. */
struct vrrp_ipaddress_config *vrrp_ipaddress_parse(struct conf_parser *p, const struct conf_args *a,
						    bool is_static);
struct vrrp_route_config *vrrp_route_parse(struct conf_parser *p, const struct conf_args *a,
					   enum vrrp_route_kind kind, bool is_static);
void vrrp_ipaddress_config_free(void *addr);
void vrrp_route_config_free(void *route);

/* vrrp_conf_static.c: static_*, track_group, linkbeat_interfaces,
 * interface_up_down_delays, garp_group, bfd_instance. */
extern const struct conf_block vrrp_static_ipaddress_block, vrrp_static_routes_block,
	vrrp_static_rules_block, vrrp_linkbeat_block, vrrp_if_delays_block;
void vrrp_garp_group_config_free(void *g);
void vrrp_track_group_config_free(void *g);
void vrrp_linkbeat_config_free(void *l);
void vrrp_if_delay_config_free(void *d);
struct vrrp_track_group_config *vrrp_config_find_track_group(const struct vrrp_config *vc,
							     const char *name);

/* vrrp_conf_check_refs.c: whole-configuration checks. */
void vrrp_check_references(const struct vrrp_config *vc, struct conf_diags *diags);
void vrrp_check_vrid_collisions(const struct vrrp_config *vc, struct conf_diags *diags);
void vrrp_check_scripts(const struct vigil_config *cfg, const struct config_load_options *opts,
			struct conf_diags *diags);
void vrrp_check_interfaces(const struct vigil_config *cfg, struct conf_diags *diags);

/* vrrp_conf_json.c helpers used by the status dump. */
json_object *vrrp_addr_json(const struct vigil_addr *addr);
json_object *vrrp_ipaddress_string_json(const struct vrrp_ipaddress_config *ip);

#endif
