/* The global part of the configuration: `global_defs { ... }` and the few
 * top-level keywords about the daemon as a whole (net_namespace, instance,
 * use_pid_dir, child_wait_time, ...).
 *
 * struct global_config is what the file said, with keepalived's defaults
 * filled in by global_config_new(); nothing here touches the host except
 * global_config_check() when asked to (config_load_options.check_host). */
#ifndef VIGIL_GLOBAL_CONF_H
#define VIGIL_GLOBAL_CONF_H

#include "conf_parse.h"
#include "conf_value.h"
#include "script_check.h"
#include "vigil_config.h"
#include "xalloc.h"
#include "snmp/snmp_socket.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct config_load_options;

#define GLOBAL_CONTROL_SOCKET_DEFAULT "/run/vigil/vigild.sock"
#define GLOBAL_SCRIPT_USER_DEFAULT "keepalived_script"

/* A script with an optional "user [group]" to run it as (NULL: script_user). */
struct global_script {
	char *cmdline;               /* NULL: not configured */
	char *user, *group;
	struct conf_where where;
};

/* A notify FIFO and the script that reads it. */
struct global_fifo {
	char *path;                  /* NULL: not configured */
	char *user, *group;          /* owner of the FIFO when vigil creates it */
	struct conf_where where;
	struct global_script script;
};

/* Priorities of a worker process (vrrp, checker, bfd). */
struct global_process {
	char *name;                  /* process_name / vrrp_process_name / ... */
	bool has_nice;
	int nice;                    /* *_priority, -20..19 */
	bool no_swap;
	uint32_t rt_priority;        /* 0: not real-time */
	uint32_t rlimit_rttime_us;   /* 0: default (10000) */
	struct ptr_array cpu_affinity;  /* unsigned CPU numbers, stored as (void *)(uintptr_t)cpu */
};

enum global_process_kind { GLOBAL_PROC_VRRP, GLOBAL_PROC_CHECKER, GLOBAL_PROC_BFD, GLOBAL_PROC_COUNT };

enum global_lvs_flush_on_stop { GLOBAL_FLUSH_ON_STOP_NONE, GLOBAL_FLUSH_ON_STOP_ALL, GLOBAL_FLUSH_ON_STOP_VS };

struct global_lvs_sync_daemon {
	char *ifname;                /* NULL: not configured */
	char *vrrp_instance;         /* NULL: run both master and backup */
	bool has_sync_id;
	uint32_t sync_id;            /* 0..255 */
	uint32_t maxlen;             /* 0: kernel default */
	uint16_t port;               /* default 8848 */
	uint32_t ttl;                /* 0: kernel default */
	struct vigil_addr group;     /* default 224.0.0.81 */
	struct conf_where where;
};

struct global_config {
	struct conf_where where;     /* the first global_defs line (file NULL: none) */

	/* top level: the daemon as a whole */
	char *net_namespace, *net_namespace_ipvs;
	bool namespace_with_ipsets;
	char *instance;
	bool use_pid_dir;
	uint32_t child_wait_time_s;
	bool linkbeat_use_polling;

	char *router_id;             /* NULL: the host name */

	/* scripts */
	char *script_user, *script_group;   /* NULL: keepalived_script if it exists, else root */
	struct conf_where script_user_where;
	bool script_security;
	struct global_script startup_script, shutdown_script;
	uint32_t startup_script_timeout_s, shutdown_script_timeout_s;
	struct global_fifo notify_fifo, vrrp_notify_fifo, lvs_notify_fifo;
	bool fifo_write_vrrp_states_on_reload;
	bool vrrp_notify_priority_changes;

	/* e-mail */
	struct ptr_array notification_email;  /* char * */
	char *email_from;
	char *smtp_server;           /* host name or address; NULL: no e-mail */
	uint16_t smtp_port;
	struct conf_where smtp_server_where;
	char *smtp_helo_name;
	uint32_t smtp_connect_timeout_s;
	bool smtp_alert, smtp_alert_vrrp, smtp_alert_checker;
	/* Whether each was given: an explicit "no" overrides a wider "yes"
	 * (see global_smtp_alert_default), an absent one does not. */
	bool smtp_alert_set, smtp_alert_vrrp_set, smtp_alert_checker_set;
	bool checker_log_all_failures, no_email_faults, no_checker_emails;

	/* worker processes */
	bool process_names;          /* the default names were asked for */
	char *process_name;          /* the parent */
	struct global_process proc[GLOBAL_PROC_COUNT];
	int max_auto_priority;       /* -1..99, 0: off */
	uint32_t min_auto_priority_delay_us;

	/* VRRP defaults */
	uint32_t vrrp_version;       /* 2 or 3 */
	struct vigil_addr vrrp_mcast_group4, vrrp_mcast_group6;
	uint64_t vrrp_garp_master_delay_us;
	uint32_t vrrp_garp_master_repeat;
	bool has_garp_lower_prio_delay, has_garp_lower_prio_repeat;
	uint64_t vrrp_garp_lower_prio_delay_us;
	uint32_t vrrp_garp_lower_prio_repeat;
	uint64_t vrrp_garp_master_refresh_us;
	uint32_t vrrp_garp_master_refresh_repeat;
	uint64_t vrrp_garp_interval_us, vrrp_gna_interval_us;
	bool vrrp_min_garp;
	uint32_t vrrp_down_timer_adverts;
	bool has_lower_prio_no_advert;
	bool vrrp_lower_prio_no_advert, vrrp_higher_prio_send_advert;
	bool vrrp_strict, vrrp_check_unicast_src, vrrp_skip_check_adv_addr;
	uint64_t vrrp_startup_delay_us;
	bool log_unknown_vrids;
	char *vmac_prefix, *vmac_addr_prefix;
	bool dynamic_interfaces, allow_if_changes;
	char *default_interface;
	struct conf_where default_interface_where;
	/* no_accept's nftables table (vrrp/vrrp_noaccept.h) */
	char *nftables_table;        /* NULL: "vigil" */
	int32_t nftables_priority;   /* of the input hook; default -1 */
	bool nftables_counters;

	/* LVS */
	bool lvs_flush;
	enum global_lvs_flush_on_stop lvs_flush_on_stop;
	bool has_lvs_timeouts;
	uint32_t lvs_timeout_tcp_s, lvs_timeout_tcpfin_s, lvs_timeout_udp_s;  /* 0: unchanged */
	struct global_lvs_sync_daemon lvs_sync_daemon;
	bool rs_init_notifies;

	/* SNMP */
	bool has_snmp_socket;
	struct snmp_socket snmp_socket;
	bool snmp_vrrp, snmp_checker, snmp_rfcv2, snmp_rfcv3, snmp_traps;

	/* misc */
	uint32_t json_version;       /* 1 or 2 */
	bool has_umask;
	uint32_t umask;              /* file creation mask (the -u option wins) */

	/* vigil extensions */
	char *control_socket;        /* NULL: GLOBAL_CONTROL_SOCKET_DEFAULT (--control-socket wins) */
	char *metrics_listen;        /* "ADDRESS:PORT"; NULL: no metrics endpoint */
	struct vigil_addr metrics_addr;
	uint16_t metrics_port;
};

/* Top-level keywords (global_defs, net_namespace, ...), {NULL}-ended. */
extern const struct conf_keyword global_conf_keywords[];
/* The global_defs block itself (for tests that look keywords up). */
extern const struct conf_block global_defs_block;

struct global_config *global_config_new(void);
void global_config_free(struct global_config *g);
void global_config_check(struct vigil_config *cfg, const struct config_load_options *opts,
			 struct conf_diags *diags);
json_object *global_config_to_json(const struct global_config *g);

/* The policy scripts without their own user run under: script_user (or
 * keepalived_script, or root), enable_script_security, and whether to look
 * at the host.  Unknown users leave root; global_config_check reports them. */
void global_script_policy(const struct global_config *g, bool check_host,
			  struct script_check_policy *out);
/* The policy for a script that names its own "user [group]" (user NULL:
 * the global one).  Returns false (with a message in err) if the user or
 * group does not exist on this host. */
bool global_script_policy_for(const struct global_config *g, const char *user, const char *group,
			      bool check_host, struct script_check_policy *out,
			      char *err, size_t err_len);

/* The effective control socket path: the command line's, else the
 * configuration's, else the default. */
const char *global_control_socket(const struct global_config *g, const char *cmdline_path);

/* Whose smtp_alert default is asked for. */
enum global_smtp_scope { GLOBAL_SMTP_VRRP, GLOBAL_SMTP_CHECKER };

/* The smtp_alert of an object that does not set its own (keepalived.conf(5)):
 * smtp_alert_vrrp / smtp_alert_checker if given, else smtp_alert if given,
 * else `fallback` (no for VRRP instances, sync groups and virtual servers,
 * yes for real servers).  So `smtp_alert yes` with `smtp_alert_vrrp no`
 * mails about real servers but not about VRRP; an object's own smtp_alert
 * still beats all of them. */
bool global_smtp_alert_default(const struct global_config *g, enum global_smtp_scope scope,
			       bool fallback);

/* Names for JSON and messages. */
extern const char *const global_process_kind_names[GLOBAL_PROC_COUNT];

#endif
