/* The VRRP part of the configuration: what the file said about VRRP
 * instances, sync groups, tracked objects (vrrp_script, track_file,
 * vrrp_track_process), GARP delay groups, static addresses/routes/rules,
 * linkbeat interfaces and interface up/down debouncing.
 *
 * These are plain config structs: the VRRP engine builds its runtime
 * objects from them, and a reload diffs two of them.  Values that default
 * to a global_defs setting (version, multicast group, GARP timings, strict
 * mode, ...) are resolved by vrrp_config_check(), so after a successful
 * load every field holds its effective value; a `set` flag records whether
 * the file said it explicitly. */
#ifndef VIGIL_VRRP_CONF_H
#define VIGIL_VRRP_CONF_H

#include "conf_diag.h"
#include "conf_parse.h"
#include "conf_value.h"
#include "vigil_config.h"
#include "vrrp/vrrp_packet.h"
#include "xalloc.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct config_load_options;

/* The name tables below end with a NULL, so conf_get_enum can use them. */

/* Optional values: `set` says the file gave it; `value` is effective after
 * vrrp_config_check (the global default when not set). */
struct vrrp_opt_bool { bool value, set; };
struct vrrp_opt_u32 { uint32_t value; bool set; };
struct vrrp_opt_us { uint64_t value_us; bool set; };

/* A name given in a list block (sync group members, track_group members). */
struct vrrp_name_ref {
	char *name;
	struct conf_where where;
};

/* A tracked object as an instance or sync group names it:
 * "NAME [weight N [reverse|noreverse]]". */
struct vrrp_track_ref {
	char *name;
	struct conf_where where;
	bool has_weight;         /* false: the tracked object's own weight */
	int32_t weight;
	bool reverse;
};

/* Script with an optional "username [groupname]" (NULL: script_user). */
struct vrrp_script_cmd {
	char *cmdline;
	char *user, *group;
	struct conf_where where;
};

enum vrrp_notify_kind {
	VRRP_NOTIFY_MASTER,
	VRRP_NOTIFY_BACKUP,
	VRRP_NOTIFY_FAULT,
	VRRP_NOTIFY_STOP,
	VRRP_NOTIFY_DELETED,
	VRRP_NOTIFY_ANY,                /* "notify": every transition */
	VRRP_NOTIFY_MASTER_RX_LOWER_PRI,
	VRRP_NOTIFY_COUNT
};
/* The keyword of each kind ("notify_master", ..., "notify"). */
extern const char *const vrrp_notify_keywords[VRRP_NOTIFY_COUNT];

/* What instances and sync groups share: notify scripts, alerts and the
 * objects they track.  It is the first member of both, so the shared
 * keyword handlers can fill either. */
struct vrrp_conf_common {
	struct vrrp_script_cmd *notify[VRRP_NOTIFY_COUNT];   /* NULL: none */
	bool notify_deleted;            /* send DELETED instead of FAULT on removal */
	struct vrrp_opt_bool smtp_alert;
	struct vrrp_opt_bool notify_priority_changes;
	struct ptr_array track_interfaces;   /* struct vrrp_track_ref */
	struct ptr_array track_scripts;
	struct ptr_array track_files;
	struct ptr_array track_processes;
};

enum vrrp_conf_state { VRRP_CONF_STATE_BACKUP, VRRP_CONF_STATE_MASTER, VRRP_CONF_STATE_COUNT };
extern const char *const vrrp_conf_state_names[VRRP_CONF_STATE_COUNT + 1];

/* enum vrrp_auth_type is the wire's, from vrrp_packet.h (NONE 0, PASS 1, AH 2). */
#define VRRP_AUTH_COUNT 3
extern const char *const vrrp_auth_type_names[VRRP_AUTH_COUNT + 1];

/* Address scopes as `ip address` names them. */
enum vrrp_addr_scope {
	VRRP_SCOPE_DEFAULT, VRRP_SCOPE_GLOBAL, VRRP_SCOPE_SITE, VRRP_SCOPE_LINK,
	VRRP_SCOPE_HOST, VRRP_SCOPE_NOWHERE, VRRP_SCOPE_COUNT
};
extern const char *const vrrp_addr_scope_names[VRRP_SCOPE_COUNT + 1];

/* How "brd" was given: an address, or '-'/'+' (clear/set the host bits). */
enum vrrp_brd_mode { VRRP_BRD_NONE, VRRP_BRD_ADDR, VRRP_BRD_CLEAR, VRRP_BRD_SET };

#define VRRP_PREFERRED_LFT_FOREVER UINT32_MAX

/* One line of virtual_ipaddress, virtual_ipaddress_excluded or
 * static_ipaddress. */
struct vrrp_ipaddress_config {
	struct vigil_addr addr;
	struct conf_where where;
	char *dev;                      /* NULL: the instance's (or default) interface */
	enum vrrp_brd_mode brd_mode;
	struct vigil_addr brd;
	enum vrrp_addr_scope scope;
	char *label;
	bool has_peer;
	struct vigil_addr peer;
	bool home, nodad, mngtmpaddr, noprefixroute, autojoin;
	bool no_track, use_vmac;
	bool has_preferred_lft;
	uint32_t preferred_lft;         /* seconds or VRRP_PREFERRED_LFT_FOREVER */
	char *track_group;              /* static addresses only */
	bool moved_to_excluded;         /* a VIP of the other family, see the check */
};

/* One line of virtual_routes/static_routes or virtual_rules/static_rules.
 * The whole line is kept (words joined) for the engine to hand to netlink;
 * the simple parts are parsed so they can be checked and shown. */
enum vrrp_route_kind { VRRP_ROUTE, VRRP_RULE };
struct vrrp_route_config {
	enum vrrp_route_kind kind;
	struct conf_where where;
	char *text;                     /* the item's words, single-spaced */
	int family;                     /* AF_INET (default) or AF_INET6 */
	char *type;                     /* route: blackhole/unreachable/...; NULL: unicast */
	bool has_dst, has_src, has_via;
	struct vigil_addr dst;          /* route destination, or rule "to" */
	struct vigil_addr src;          /* route "src", or rule "from" */
	struct vigil_addr via;          /* route gateway ("via"/"gw") */
	char *dev;                      /* route "dev", or rule "iif" */
	char *table;                    /* number or name as written; NULL: main */
	uint32_t nexthops;              /* number of "nexthop" groups */
	bool no_track;
	char *track_group;
};

struct vrrp_unicast_peer_config {
	struct vigil_addr addr;
	struct conf_where where;
	int min_ttl, max_ttl;           /* -1: not given */
};

/* old_unicast_checksum: which VRRPv3 unicast IPv4 checksum form is sent. */
enum vrrp_old_csum {
	VRRP_OLD_CSUM_AUTO = 0,             /* not given: the RFC form, the old one if a peer sends it */
	VRRP_OLD_CSUM_ALWAYS,               /* given: the old form (keepalived before 1.3.6) */
	VRRP_OLD_CSUM_NEVER,                /* "never": the RFC form, whatever peers send */
};

struct vrrp_instance_config {
	struct vrrp_conf_common common;     /* must stay first */
	char *name;
	struct conf_where where;

	struct vrrp_opt_bool state_master;  /* value: initial state MASTER */
	struct conf_where state_where;
	char *interface;
	struct conf_where interface_where;
	uint32_t vrid;                      /* 0: not given */
	uint32_t priority;
	struct conf_where priority_where;
	struct vrrp_opt_u32 version;        /* resolved: global vrrp_version, 3 for IPv6 */
	struct conf_where version_where;
	struct vrrp_opt_us advert_int;      /* default 1 s */
	struct conf_where advert_int_where;
	bool nopreempt;
	struct conf_where nopreempt_where;
	struct vrrp_opt_us preempt_delay;   /* 0..1000 s */
	struct conf_where preempt_delay_where;
	int family;                         /* resolved in check; 0 while unknown */
	bool native_ipv6;

	struct ptr_array vips, evips;       /* struct vrrp_ipaddress_config */
	struct ptr_array vroutes, vrules;   /* struct vrrp_route_config */

	bool has_mcast_src, has_unicast_src;
	struct vigil_addr mcast_src, unicast_src;
	struct conf_where src_where;
	bool has_mcast_dst;                 /* false: resolved from vrrp_mcast_group4/6 */
	struct vigil_addr mcast_dst;
	struct conf_where mcast_dst_where;
	struct ptr_array unicast_peers;     /* struct vrrp_unicast_peer_config */
	struct conf_where unicast_peer_where;
	struct vrrp_opt_bool check_unicast_src;
	bool unicast_fault_no_peer;
	struct vrrp_opt_u32 unicast_ttl;    /* not set: the kernel's default */
	enum vrrp_old_csum old_unicast_checksum;
	bool track_src_ip;
	bool dont_track_primary;

	enum vrrp_auth_type auth_type;
	char *auth_pass;
	struct conf_where auth_where;
	struct vrrp_opt_bool accept;        /* resolved: !strict || priority 255 */
	struct conf_where accept_where;

	bool use_vmac;
	char *vmac_name;                    /* NULL: vrrp.VRID */
	bool has_vmac_mac;
	uint8_t vmac_mac[6];
	uint8_t vmac_mac_len;               /* 5: the VRID is the last octet */
	bool vmac_xmit_base;
	struct conf_where use_vmac_where;
	bool promote_secondaries;

	struct vrrp_opt_us garp_master_delay, garp_lower_prio_delay, garp_master_refresh;
	struct vrrp_opt_u32 garp_master_repeat, garp_lower_prio_repeat, garp_master_refresh_repeat;
	struct vrrp_opt_us garp_interval, gna_interval;
	bool has_garp_extra_if;
	bool garp_extra_if_all;
	uint32_t garp_extra_if_s;
	struct vrrp_opt_u32 down_timer_adverts;
	struct vrrp_opt_bool lower_prio_no_advert, higher_prio_send_advert;
	struct vrrp_opt_bool strict_mode, skip_check_adv_addr;
	uint32_t debug;
	bool linkbeat_use_polling;
};

struct vrrp_sync_group_config {
	struct vrrp_conf_common common;     /* must stay first */
	char *name;
	struct conf_where where;
	struct ptr_array members;           /* struct vrrp_name_ref */
	bool has_group;
	bool sync_group_tracking_weight;
	bool global_tracking;
};

struct vrrp_script_config {
	char *name;
	struct conf_where where;
	struct vrrp_script_cmd script;      /* cmdline NULL: missing (an error) */
	uint64_t interval_us;               /* default 1 s */
	bool has_timeout;
	uint64_t timeout_us;                /* default: the interval */
	int32_t weight;                     /* -253..253, default 0 */
	bool reverse;
	uint32_t rise, fall;                /* default 1 */
	bool init_fail;
};

struct vrrp_track_file_config {
	char *name;
	struct conf_where where;
	char *path;
	struct conf_where path_where;
	int32_t weight;                     /* default 1 */
	bool reverse;
	bool init_file;
	int32_t init_value;
	bool init_overwrite;
};

enum vrrp_param_match { VRRP_PARAM_MATCH_EXACT, VRRP_PARAM_MATCH_INITIAL,
	VRRP_PARAM_MATCH_PARTIAL, VRRP_PARAM_MATCH_COUNT };
extern const char *const vrrp_param_match_names[VRRP_PARAM_MATCH_COUNT + 1];

struct vrrp_track_process_config {
	char *name;
	struct conf_where where;
	struct ptr_array argv;              /* char *: the process then its parameters */
	bool has_param_match;               /* "param_match" given (no params: none allowed) */
	enum vrrp_param_match param_match;
	int32_t weight;                     /* -254..254, default 1 */
	bool reverse;
	uint32_t quorum;                    /* default 1 */
	uint32_t quorum_max;                /* default UINT32_MAX: no maximum */
	uint64_t fork_delay_us, terminate_delay_us;
	bool full_command;
};

struct vrrp_garp_group_config {
	struct conf_where where;
	struct vrrp_opt_us garp_interval, gna_interval;
	char *interface;
	struct ptr_array interfaces;        /* struct vrrp_name_ref */
	bool has_interfaces;
};

/* static track_group: instances that track static addresses/routes/rules. */
struct vrrp_track_group_config {
	char *name;
	struct conf_where where;
	struct ptr_array members;           /* struct vrrp_name_ref */
};

enum vrrp_linkbeat_type { VRRP_LINKBEAT_DEFAULT, VRRP_LINKBEAT_MII, VRRP_LINKBEAT_ETHTOOL,
	VRRP_LINKBEAT_IOCTL, VRRP_LINKBEAT_COUNT };
extern const char *const vrrp_linkbeat_type_names[VRRP_LINKBEAT_COUNT + 1];

struct vrrp_linkbeat_config {
	char *ifname;
	struct conf_where where;
	enum vrrp_linkbeat_type type;
};

struct vrrp_if_delay_config {
	char *ifname;
	struct conf_where where;
	uint64_t down_delay_us, up_delay_us;   /* 0..255 s */
};

struct vrrp_config {
	struct ptr_array instances;         /* struct vrrp_instance_config */
	struct ptr_array sync_groups;       /* struct vrrp_sync_group_config */
	struct ptr_array scripts;           /* struct vrrp_script_config */
	struct ptr_array track_files;       /* struct vrrp_track_file_config */
	struct ptr_array track_processes;   /* struct vrrp_track_process_config */
	struct ptr_array garp_groups;       /* struct vrrp_garp_group_config */
	struct ptr_array static_addresses;  /* struct vrrp_ipaddress_config */
	struct ptr_array static_routes;     /* struct vrrp_route_config */
	struct ptr_array static_rules;      /* struct vrrp_route_config */
	struct ptr_array track_groups;      /* struct vrrp_track_group_config */
	struct ptr_array linkbeat_interfaces;  /* struct vrrp_linkbeat_config */
	struct ptr_array if_delays;         /* struct vrrp_if_delay_config */
};

/* Top-level keywords (vrrp_instance, vrrp_sync_group, ...), {NULL}-ended.
 * Handlers get the struct vigil_config * root. */
extern const struct conf_keyword vrrp_conf_keywords[];
/* The blocks, for tests that look keywords up. */
extern const struct conf_block vrrp_instance_block, vrrp_sync_group_block,
	vrrp_script_block, vrrp_track_file_block, vrrp_track_process_block,
	vrrp_garp_group_block, vrrp_authentication_block, vrrp_bfd_instance_block,
	vrrp_track_group_block;

struct vrrp_config *vrrp_config_new(void);
void vrrp_config_free(struct vrrp_config *vc);

/* Meaning checks after parsing (references, VRID collisions, versions,
 * families, host checks when opts->check_host) and resolution of the
 * defaults that come from global_defs. */
void vrrp_config_check(struct vigil_config *cfg, const struct config_load_options *opts,
		       struct conf_diags *diags);

json_object *vrrp_config_to_json(const struct vrrp_config *vc);
/* No instances: no VRRP worker is needed. */
bool vrrp_config_is_empty(const struct vrrp_config *vc);

/* Lookups by name (NULL when absent). */
struct vrrp_instance_config *vrrp_config_find_instance(const struct vrrp_config *vc,
							const char *name);
struct vrrp_script_config *vrrp_config_find_script(const struct vrrp_config *vc, const char *name);
struct vrrp_track_file_config *vrrp_config_find_track_file(const struct vrrp_config *vc,
							   const char *name);
struct vrrp_track_process_config *vrrp_config_find_track_process(const struct vrrp_config *vc,
								 const char *name);

#endif
