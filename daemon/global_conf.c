/* The global configuration: its top-level keywords, its lifetime, and the
 * script policy other modules ask it for.  The global_defs keywords are
 * split by theme over global_conf_defs.c (scripts, notification, SNMP,
 * vigil's own), global_conf_vrrp.c (VRRP and LVS defaults) and
 * global_conf_proc.c (processes); meaning checks are in
 * global_conf_check.c and the JSON dump in global_conf_json.c. */
#include "config.h"

#include "global_conf_private.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct conf_block global_defs_block = {
	.name = "global_defs",
	.tables = CONF_TABLES(global_defs_general_keywords, global_defs_vrrp_keywords,
			      global_defs_process_keywords),
};

/* The configuration's place is where global_defs first appears. */
static void handle_global_defs(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	if (!g->where.file)
		g->where = a->where;
}

#define NETNS_NOTE "running in a network namespace (use ip netns exec)"

const struct conf_keyword global_conf_keywords[] = {
	{ "global_defs", handle_global_defs, &global_defs_block, CONF_SUPPORTED, 0, 0, NULL, false },
	GLOBAL_KW_FIELD("instance", 1, 1),
	GLOBAL_KW_BOOL("use_pid_dir"),
	GLOBAL_KW_FIELD("child_wait_time", 1, 1),
	GLOBAL_KW_BOOL("linkbeat_use_polling"),
	GLOBAL_KW_NOT_YET("net_namespace", NETNS_NOTE),
	GLOBAL_KW_NOT_YET("net_namespace_ipvs", NETNS_NOTE),
	GLOBAL_KW_NOT_YET("namespace_with_ipsets", NETNS_NOTE),
	GLOBAL_KW_END,
};

/* keepalived's defaults, so a configuration means the same to both. */
static void set_vrrp_defaults(struct global_config *g)
{
	g->vrrp_version = 2;
	g->vrrp_mcast_group4.family = AF_INET;
	inet_pton(AF_INET, "224.0.0.18", &g->vrrp_mcast_group4.u.v4);
	g->vrrp_mcast_group4.prefix_len = 32;
	g->vrrp_mcast_group6.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::12", &g->vrrp_mcast_group6.u.v6);
	g->vrrp_mcast_group6.prefix_len = 128;
	g->vrrp_garp_master_delay_us = 5000000;
	g->vrrp_garp_master_repeat = 5;
	g->vrrp_garp_master_refresh_repeat = 1;
	g->vrrp_down_timer_adverts = 3;
	g->nftables_priority = -1;
}

static void set_lvs_defaults(struct global_config *g)
{
	g->lvs_sync_daemon.port = 8848;
	g->lvs_sync_daemon.group.family = AF_INET;
	inet_pton(AF_INET, "224.0.0.81", &g->lvs_sync_daemon.group.u.v4);
	g->lvs_sync_daemon.group.prefix_len = 32;
}

struct global_config *global_config_new(void)
{
	struct global_config *g = XNEW(struct global_config);
	char err[64];

	g->child_wait_time_s = 5;
	g->startup_script_timeout_s = g->shutdown_script_timeout_s = 10;
	g->smtp_port = 25;
	g->smtp_connect_timeout_s = 30;
	g->min_auto_priority_delay_us = 1000000;
	for (int i = 0; i < GLOBAL_PROC_COUNT; i++)
		g->proc[i].rlimit_rttime_us = 10000;
	g->json_version = 1;
	g->umask = 022;
	set_vrrp_defaults(g);
	set_lvs_defaults(g);
	snmp_socket_parse(SNMP_SOCKET_DEFAULT, &g->snmp_socket, err, sizeof(err));
	return g;
}

void global_config_free(struct global_config *g)
{
	if (!g)
		return;
	free(g->net_namespace);
	free(g->net_namespace_ipvs);
	free(g->instance);
	free(g->router_id);
	free(g->script_user);
	free(g->script_group);
	global_script_clear(&g->startup_script);
	global_script_clear(&g->shutdown_script);
	global_fifo_clear(&g->notify_fifo);
	global_fifo_clear(&g->vrrp_notify_fifo);
	global_fifo_clear(&g->lvs_notify_fifo);
	ptr_array_free(&g->notification_email, free);
	free(g->email_from);
	free(g->smtp_server);
	free(g->smtp_helo_name);
	free(g->process_name);
	for (int i = 0; i < GLOBAL_PROC_COUNT; i++) {
		free(g->proc[i].name);
		ptr_array_free(&g->proc[i].cpu_affinity, NULL);
	}
	free(g->vmac_prefix);
	free(g->vmac_addr_prefix);
	free(g->default_interface);
	free(g->nftables_table);
	free(g->lvs_sync_daemon.ifname);
	free(g->lvs_sync_daemon.vrrp_instance);
	snmp_socket_clear(&g->snmp_socket);
	free(g->control_socket);
	free(g->metrics_listen);
	free(g);
}

/* Who scripts run as when they name nobody: script_user, else
 * keepalived_script if that user exists, else the user vigild runs as. */
void global_script_policy(const struct global_config *g, bool check_host,
			  struct script_check_policy *out)
{
	char err[128];

	*out = (struct script_check_policy){
		.uid = geteuid(), .gid = getegid(), .user_name = NULL,
		.script_security = g->script_security, .check_host = check_host,
	};
	if (g->script_user) {
		out->user_name = g->script_user;
		if (check_host && !script_resolve_user(g->script_user, g->script_group, &out->uid,
						       &out->gid, err, sizeof(err)))
			out->uid = out->gid = 0;   /* reported by the check; be strict meanwhile */
		return;
	}
	if (check_host && getpwnam(GLOBAL_SCRIPT_USER_DEFAULT)) {
		out->user_name = GLOBAL_SCRIPT_USER_DEFAULT;
		script_resolve_user(GLOBAL_SCRIPT_USER_DEFAULT, NULL, &out->uid, &out->gid,
				    err, sizeof(err));
	}
}

bool global_script_policy_for(const struct global_config *g, const char *user, const char *group,
			      bool check_host, struct script_check_policy *out,
			      char *err, size_t err_len)
{
	global_script_policy(g, check_host, out);
	if (!user)
		return true;
	out->user_name = user;
	if (!check_host)
		return true;
	return script_resolve_user(user, group, &out->uid, &out->gid, err, err_len);
}

const char *global_control_socket(const struct global_config *g, const char *cmdline_path)
{
	if (cmdline_path)
		return cmdline_path;
	if (g && g->control_socket)
		return g->control_socket;
	return GLOBAL_CONTROL_SOCKET_DEFAULT;
}

bool global_smtp_alert_default(const struct global_config *g, enum global_smtp_scope scope,
			       bool fallback)
{
	bool scoped_set = scope == GLOBAL_SMTP_VRRP ? g->smtp_alert_vrrp_set
						    : g->smtp_alert_checker_set;
	bool scoped = scope == GLOBAL_SMTP_VRRP ? g->smtp_alert_vrrp : g->smtp_alert_checker;

	if (scoped_set)
		return scoped;
	return g->smtp_alert_set ? g->smtp_alert : fallback;
}
