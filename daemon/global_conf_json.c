/* The global configuration as JSON (vigild --dump-config, vigilctl).  Keys
 * are the configuration keywords, values the effective ones (defaults
 * included), so a dump answers "what will vigil do" without the man page. */
#include "config.h"

#include "global_conf_private.h"
#include "json_util.h"

#include <stdint.h>
#include <stdio.h>

static json_object *script_json(const struct global_script *s)
{
	if (!s->cmdline)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "command", json_object_new_string(s->cmdline));
	json_object_object_add(o, "user", json_string_or_null(s->user));
	json_object_object_add(o, "group", json_string_or_null(s->group));
	return o;
}

static json_object *fifo_json(const struct global_fifo *f)
{
	if (!f->path)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(f->path));
	json_object_object_add(o, "user", json_string_or_null(f->user));
	json_object_object_add(o, "group", json_string_or_null(f->group));
	json_object_object_add(o, "script", script_json(&f->script));
	return o;
}

static json_object *strings_json(const struct ptr_array *list)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < list->count; i++)
		json_object_array_add(arr, json_object_new_string(list->items[i]));
	return arr;
}

static json_object *cpus_json(const struct ptr_array *cpus)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < cpus->count; i++)
		json_object_array_add(arr, json_object_new_int64((int64_t)(uintptr_t)cpus->items[i]));
	return arr;
}

static void add_scripts(const struct global_config *g, json_object *o)
{
	json_object *user = NULL;

	if (g->script_user) {
		user = json_object_new_object();
		json_object_object_add(user, "user", json_object_new_string(g->script_user));
		json_object_object_add(user, "group", json_string_or_null(g->script_group));
	}
	json_object_object_add(o, "script_user", user);
	json_object_object_add(o, "startup_script", script_json(&g->startup_script));
	json_object_object_add(o, "shutdown_script", script_json(&g->shutdown_script));
	json_object_object_add(o, "notify_fifo", fifo_json(&g->notify_fifo));
	json_object_object_add(o, "vrrp_notify_fifo", fifo_json(&g->vrrp_notify_fifo));
	json_object_object_add(o, "lvs_notify_fifo", fifo_json(&g->lvs_notify_fifo));
}

static void add_email(const struct global_config *g, json_object *o)
{
	json_object *smtp = NULL;

	json_object_object_add(o, "notification_email", strings_json(&g->notification_email));
	if (g->smtp_server) {
		smtp = json_object_new_object();
		json_object_object_add(smtp, "host", json_object_new_string(g->smtp_server));
		json_object_object_add(smtp, "port", json_object_new_int(g->smtp_port));
	}
	json_object_object_add(o, "smtp_server", smtp);
}

static void add_processes(const struct global_config *g, json_object *o)
{
	json_object_object_add(o, "max_auto_priority", json_object_new_int(g->max_auto_priority));
	json_object_object_add(o, "vrrp_cpu_affinity",
			       cpus_json(&g->proc[GLOBAL_PROC_VRRP].cpu_affinity));
	json_object_object_add(o, "checker_cpu_affinity",
			       cpus_json(&g->proc[GLOBAL_PROC_CHECKER].cpu_affinity));
}

static void add_vrrp(const struct global_config *g, json_object *o)
{
	json_object_object_add(o, "vrrp_mcast_group4", json_vigil_addr(&g->vrrp_mcast_group4));
	json_object_object_add(o, "vrrp_mcast_group6", json_vigil_addr(&g->vrrp_mcast_group6));
	json_object_object_add(o, "vmac_prefix", json_string_or_null(g->vmac_prefix));
	json_object_object_add(o, "vmac_addr_prefix", json_string_or_null(g->vmac_addr_prefix));
	json_object_object_add(o, "default_interface", json_string_or_null(g->default_interface));
	json_object_object_add(o, "nftables", json_string_or_null(g->nftables_table));
	json_object_object_add(o, "dynamic_interfaces", json_object_new_boolean(g->dynamic_interfaces));
	json_object_object_add(o, "allow_if_changes", json_object_new_boolean(g->allow_if_changes));
}

static json_object *sync_daemon_json(const struct global_lvs_sync_daemon *d)
{
	if (!d->ifname)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "interface", json_object_new_string(d->ifname));
	json_object_object_add(o, "vrrp_instance", json_string_or_null(d->vrrp_instance));
	json_object_object_add(o, "id", d->has_sync_id ? json_object_new_int64(d->sync_id) : NULL);
	json_object_object_add(o, "maxlen", d->maxlen ? json_object_new_int64(d->maxlen) : NULL);
	json_object_object_add(o, "port", json_object_new_int(d->port));
	json_object_object_add(o, "ttl", d->ttl ? json_object_new_int64(d->ttl) : NULL);
	json_object_object_add(o, "group", json_vigil_addr(&d->group));
	return o;
}

static void add_lvs(const struct global_config *g, json_object *o)
{
	static const char *const flush_names[] = { "no", "all", "vs" };
	json_object *timeouts = NULL;

	json_object_object_add(o, "lvs_flush_on_stop",
			       json_object_new_string(flush_names[g->lvs_flush_on_stop]));
	if (g->has_lvs_timeouts) {
		timeouts = json_object_new_object();
		json_object_object_add(timeouts, "tcp", json_object_new_int64(g->lvs_timeout_tcp_s));
		json_object_object_add(timeouts, "tcpfin", json_object_new_int64(g->lvs_timeout_tcpfin_s));
		json_object_object_add(timeouts, "udp", json_object_new_int64(g->lvs_timeout_udp_s));
	}
	json_object_object_add(o, "lvs_timeouts", timeouts);
	json_object_object_add(o, "lvs_sync_daemon", sync_daemon_json(&g->lvs_sync_daemon));
}

static void add_misc(const struct global_config *g, json_object *o)
{
	char umask_text[8];

	snprintf(umask_text, sizeof(umask_text), "%04o", g->umask);
	json_object_object_add(o, "umask", json_object_new_string(umask_text));
	json_object_object_add(o, "snmp_socket", snmp_socket_to_json(&g->snmp_socket));
	json_object_object_add(o, "control_socket",
			       json_object_new_string(global_control_socket(g, NULL)));
	json_object_object_add(o, "metrics_listen", json_string_or_null(g->metrics_listen));
}

json_object *global_config_to_json(const struct global_config *g)
{
	json_object *o = json_object_new_object();

	global_fields_to_json(g, o);
	add_scripts(g, o);
	add_email(g, o);
	add_processes(g, o);
	add_vrrp(g, o);
	add_lvs(g, o);
	add_misc(g, o);
	return o;
}
