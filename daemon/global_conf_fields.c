/* The simple global keywords as data: where each value lives, its kind and
 * its range.  One handler stores them, one function dumps them. */
#include "config.h"

#include "global_conf_private.h"

#include <stdlib.h>
#include <string.h>

#define GF(name, kind, field, min, max) \
	{ name, GLOBAL_FIELD_##kind, offsetof(struct global_config, field), 0, min, max, false }
#define GF_SET(name, kind, field, set, min, max) \
	{ name, GLOBAL_FIELD_##kind, offsetof(struct global_config, field), \
	  offsetof(struct global_config, set), min, max, false }
#define GF_ALIAS(name, kind, field) \
	{ name, GLOBAL_FIELD_##kind, offsetof(struct global_config, field), 0, 0, 0, true }
#define GF_BOOL(name, field) GF(name, BOOL, field, 0, 0)
#define SECONDS(s) ((long long)(s) * 1000000LL)
#define PROC(kind, member) proc[GLOBAL_PROC_##kind].member

const struct global_field global_fields[] = {
	/* the daemon as a whole (top level) */
	GF("instance", STRING, instance, 0, 0),
	GF_BOOL("use_pid_dir", use_pid_dir),
	GF("child_wait_time", U32, child_wait_time_s, 1, 3600),
	GF_BOOL("linkbeat_use_polling", linkbeat_use_polling),

	/* scripts and notification */
	GF("router_id", STRING, router_id, 0, 0),
	GF_BOOL("enable_script_security", script_security),
	GF("startup_script_timeout", U32, startup_script_timeout_s, 1, 1000),
	GF("shutdown_script_timeout", U32, shutdown_script_timeout_s, 1, 1000),
	GF_BOOL("fifo_write_vrrp_states_on_reload", fifo_write_vrrp_states_on_reload),
	GF_BOOL("vrrp_notify_priority_changes", vrrp_notify_priority_changes),
	GF("notification_email_from", STRING, email_from, 0, 0),
	GF("smtp_helo_name", STRING, smtp_helo_name, 0, 255),
	GF("smtp_connect_timeout", U32, smtp_connect_timeout_s, 1, 3600),
	GF_SET("smtp_alert", BOOL, smtp_alert, smtp_alert_set, 0, 0),
	GF_SET("smtp_alert_vrrp", BOOL, smtp_alert_vrrp, smtp_alert_vrrp_set, 0, 0),
	GF_SET("smtp_alert_checker", BOOL, smtp_alert_checker, smtp_alert_checker_set, 0, 0),
	GF_BOOL("checker_log_all_failures", checker_log_all_failures),
	GF_BOOL("no_email_faults", no_email_faults),
	GF_BOOL("no_checker_emails", no_checker_emails),
	GF_BOOL("rs_init_notifies", rs_init_notifies),

	/* SNMP */
	GF_BOOL("enable_snmp_vrrp", snmp_vrrp),
	GF_ALIAS("enable_snmp_keepalived", BOOL, snmp_vrrp),
	GF_BOOL("enable_snmp_checker", snmp_checker),
	GF_BOOL("enable_snmp_rfcv2", snmp_rfcv2),
	GF_BOOL("enable_snmp_rfcv3", snmp_rfcv3),
	GF_BOOL("enable_traps", snmp_traps),

	/* processes */
	GF_BOOL("process_names", process_names),
	GF("process_name", STRING, process_name, 0, 0),
	GF("vrrp_process_name", STRING, PROC(VRRP, name), 0, 0),
	GF("checker_process_name", STRING, PROC(CHECKER, name), 0, 0),
	GF_SET("vrrp_priority", I32, PROC(VRRP, nice), PROC(VRRP, has_nice), -20, 19),
	GF_SET("checker_priority", I32, PROC(CHECKER, nice), PROC(CHECKER, has_nice), -20, 19),
	GF_BOOL("vrrp_no_swap", PROC(VRRP, no_swap)),
	GF_BOOL("checker_no_swap", PROC(CHECKER, no_swap)),
	GF("vrrp_rt_priority", U32, PROC(VRRP, rt_priority), 1, 99),
	GF("checker_rt_priority", U32, PROC(CHECKER, rt_priority), 1, 99),
	GF("vrrp_rlimit_rttime", U32, PROC(VRRP, rlimit_rttime_us), 2, UINT32_MAX),
	GF("checker_rlimit_rttime", U32, PROC(CHECKER, rlimit_rttime_us), 2, UINT32_MAX),
	GF("min_auto_priority_delay", U32, min_auto_priority_delay_us, 1, 10000000),

	/* VRRP defaults */
	GF("vrrp_version", U32, vrrp_version, 2, 3),
	GF("vrrp_garp_master_delay", US, vrrp_garp_master_delay_us, 0, SECONDS(86400)),
	GF("vrrp_garp_master_repeat", U32, vrrp_garp_master_repeat, 1, 1000),
	GF_SET("vrrp_garp_lower_prio_delay", US, vrrp_garp_lower_prio_delay_us,
	       has_garp_lower_prio_delay, 0, SECONDS(86400)),
	GF_SET("vrrp_garp_lower_prio_repeat", U32, vrrp_garp_lower_prio_repeat,
	       has_garp_lower_prio_repeat, 1, 1000),
	GF("vrrp_garp_master_refresh", US, vrrp_garp_master_refresh_us, 0, SECONDS(86400)),
	GF("vrrp_garp_master_refresh_repeat", U32, vrrp_garp_master_refresh_repeat, 1, 1000),
	GF("vrrp_garp_interval", US, vrrp_garp_interval_us, 0, SECONDS(1)),
	GF("vrrp_gna_interval", US, vrrp_gna_interval_us, 0, SECONDS(1)),
	GF_BOOL("vrrp_min_garp", vrrp_min_garp),
	GF("vrrp_down_timer_adverts", U32, vrrp_down_timer_adverts, 1, 100),
	GF_SET("vrrp_lower_prio_no_advert", BOOL, vrrp_lower_prio_no_advert,
	       has_lower_prio_no_advert, 0, 0),
	GF_BOOL("vrrp_higher_prio_send_advert", vrrp_higher_prio_send_advert),
	GF_BOOL("vrrp_strict", vrrp_strict),
	GF_BOOL("vrrp_check_unicast_src", vrrp_check_unicast_src),
	GF_BOOL("vrrp_skip_check_adv_addr", vrrp_skip_check_adv_addr),
	GF("vrrp_startup_delay", US, vrrp_startup_delay_us, 0, SECONDS(3600)),
	GF_BOOL("log_unknown_vrids", log_unknown_vrids),
	GF("nftables_priority", I32, nftables_priority, -1000, 1000),
	GF_BOOL("nftables_counters", nftables_counters),

	/* LVS */
	GF_BOOL("lvs_flush", lvs_flush),

	/* misc */
	GF("json_version", U32, json_version, 1, 2),
	{ NULL, 0, 0, 0, 0, 0, false },
};

const struct global_field *global_field_find(const char *name)
{
	for (const struct global_field *f = global_fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static bool store_string(struct conf_parser *p, const struct conf_args *a,
			 const struct global_field *f, char **dst)
{
	if (f->max && strlen(a->argv[1]) > (size_t)f->max) {
		conf_error(p, a, "%s: '%s' is longer than %lld characters", a->argv[0], a->argv[1],
			   f->max);
		return false;
	}
	free(*dst);
	*dst = xstrdup(a->argv[1]);
	return true;
}

static bool store_field(struct conf_parser *p, const struct conf_args *a,
			const struct global_field *f, void *dst)
{
	switch (f->kind) {
	case GLOBAL_FIELD_BOOL:
		return conf_get_bool(p, a, 1, dst);
	case GLOBAL_FIELD_U32:
		return conf_get_u32(p, a, 1, (uint32_t)f->min, (uint32_t)f->max, dst);
	case GLOBAL_FIELD_I32:
		return conf_get_i32(p, a, 1, (int32_t)f->min, (int32_t)f->max, dst);
	case GLOBAL_FIELD_US:
		return conf_get_seconds_us(p, a, 1, (uint64_t)f->min, (uint64_t)f->max, dst);
	case GLOBAL_FIELD_STRING:
		return store_string(p, a, f, dst);
	}
	return false;
}

void global_set_field(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	const struct global_field *f = global_field_find(a->argv[0]);
	char *base = (char *)global_of(obj);

	if (!f) {
		conf_error(p, a, "%s: vigil has no storage for this keyword (a bug)", a->argv[0]);
		return;
	}
	if (store_field(p, a, f, base + f->offset) && f->set_offset)
		*(bool *)(base + f->set_offset) = true;
}

static json_object *field_to_json(const struct global_field *f, const char *base)
{
	const void *src = base + f->offset;

	switch (f->kind) {
	case GLOBAL_FIELD_BOOL:
		return json_object_new_boolean(*(const bool *)src);
	case GLOBAL_FIELD_U32:
		return json_object_new_int64(*(const uint32_t *)src);
	case GLOBAL_FIELD_I32:
		return json_object_new_int(*(const int32_t *)src);
	case GLOBAL_FIELD_US:
		return json_object_new_double((double)*(const uint64_t *)src / 1e6);
	case GLOBAL_FIELD_STRING:
		return *(char *const *)src ? json_object_new_string(*(char *const *)src) : NULL;
	}
	return NULL;
}

/* Every field under its keyword; a value with a "set" flag that was not
 * given is dumped as its effective default all the same. */
void global_fields_to_json(const struct global_config *g, json_object *out)
{
	for (const struct global_field *f = global_fields; f->name; f++)
		if (!f->alias)
			json_object_object_add(out, f->name, field_to_json(f, (const char *)g));
}
