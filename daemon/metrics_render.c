/* The Prometheus exposition of vigild's status; see metrics_render.h.
 *
 * Each family is written whole (HELP, TYPE, then every sample) by walking
 * the status once per family: the format wants a family's samples
 * together, and walking a few thousand objects a few dozen times costs
 * less than a scrape's HTTP round trip. */
#include "config.h"
#include "daemon/metrics_render.h"
#include "json_util.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const vrrp_state_names[] = { "INIT", "BACKUP", "MASTER", "FAULT", "STOP" };

int metrics_vrrp_state_value(const char *state)
{
	for (size_t i = 0; state && i < sizeof(vrrp_state_names) / sizeof(vrrp_state_names[0]); i++)
		if (strcmp(state, vrrp_state_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- reading the status ------------------------------------------------------- */

/* A number (or a boolean as 0/1); false when absent or null. */
static bool member_number(json_object *o, const char *key, double *out)
{
	json_object *v = json_member(o, key);

	if (!v)
		return false;
	if (json_object_is_type(v, json_type_boolean))
		*out = json_object_get_boolean(v) ? 1 : 0;
	else if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		*out = json_object_get_double(v);
	else
		return false;
	return true;
}

/* "2024-05-01T12:00:00.123Z" -> seconds since the epoch. */
static bool iso8601_seconds(const char *text, double *out)
{
	struct tm tm = { 0 };
	const char *rest = text ? strptime(text, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	double frac = 0;

	if (!rest)
		return false;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	*out = (double)timegm(&tm) + frac;
	return true;
}

/* ---- writing -------------------------------------------------------------------- */

struct out {
	FILE *f;
};

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	fprintf(o->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values escape backslash, double quote and newline. */
static void label_value(struct out *o, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', o->f);
		if (*v == '\n')
			fputs("\\n", o->f);
		else
			fputc(*v, o->f);
	}
}

/* labels: "k1", "v1", "k2", "v2", ..., NULL */
static void sample(struct out *o, const char *name, const char *const *labels, double value)
{
	fputs(name, o->f);
	if (labels && labels[0]) {
		fputc('{', o->f);
		for (size_t i = 0; labels[i]; i += 2) {
			fprintf(o->f, "%s%s=\"", i ? "," : "", labels[i]);
			label_value(o, labels[i + 1]);
			fputc('"', o->f);
		}
		fputc('}', o->f);
	}
	fprintf(o->f, " %.15g\n", value);
}

/* ---- the process ------------------------------------------------------------------- */

static void process_metrics(struct out *o, json_object *st)
{
	const char *version_labels[] = { "version", json_member_string(st, "version"), NULL };
	json_object *workers = json_member(st, "workers");
	double v;

	family(o, "vigil_build_info", "gauge", "vigild's version, as a label; always 1.");
	sample(o, "vigil_build_info", version_labels, 1);
	if (member_number(st, "uptime_s", &v)) {
		family(o, "vigil_uptime_seconds", "gauge", "Seconds since vigild started.");
		sample(o, "vigil_uptime_seconds", NULL, v);
	}
	if (member_number(json_member(st, "reloads"), "count", &v)) {
		family(o, "vigil_config_reloads_total", "counter", "Configuration reloads asked for.");
		sample(o, "vigil_config_reloads_total", NULL, v);
	}
	family(o, "vigil_worker_up", "gauge", "1 while the worker process runs.");
	for (size_t i = 0; i < json_array_len(workers); i++) {
		json_object *w = json_object_array_get_idx(workers, i);
		const char *state = json_member_string(w, "state");
		const char *l[] = { "worker", json_member_string(w, "name"), NULL };

		sample(o, "vigil_worker_up", l, state && strcmp(state, "running") == 0);
	}
	family(o, "vigil_worker_restarts_total", "counter", "Times the worker was restarted.");
	for (size_t i = 0; i < json_array_len(workers); i++) {
		json_object *w = json_object_array_get_idx(workers, i);
		const char *l[] = { "worker", json_member_string(w, "name"), NULL };

		if (member_number(w, "restarts", &v))
			sample(o, "vigil_worker_restarts_total", l, v);
	}
}

/* ---- VRRP ------------------------------------------------------------------------ */

/* One gauge per instance read from `key` of the instance (or of its stats). */
struct instance_metric {
	const char *name, *type, *help, *key;
	bool in_stats;
};

static const struct instance_metric instance_metrics[] = {
	{ "vigil_vrrp_instance_priority", "gauge", "Configured priority.", "priority", false },
	{ "vigil_vrrp_instance_effective_priority", "gauge",
	  "Priority after tracking weights (what adverts carry).", "effective_priority", false },
	{ "vigil_vrrp_instance_maintenance", "gauge",
	  "1 while held backup by vigilctl vrrp demote/maintenance.", "maintenance", false },
	{ "vigil_vrrp_instance_advert_interval_seconds", "gauge",
	  "Advertisement interval in use.", "advert_interval_us", false },
	{ "vigil_vrrp_adverts_sent_total", "counter", "Adverts sent.", "adverts_sent", true },
	{ "vigil_vrrp_adverts_received_total", "counter", "Valid adverts received.",
	  "adverts_received", true },
	{ "vigil_vrrp_became_master_total", "counter", "Transitions to MASTER.", "became_master", true },
	{ "vigil_vrrp_released_master_total", "counter", "Transitions out of MASTER.",
	  "released_master", true },
	{ "vigil_vrrp_priority_zero_sent_total", "counter", "Priority 0 adverts sent (resigning).",
	  "priority_zero_sent", true },
	{ "vigil_vrrp_priority_zero_received_total", "counter", "Priority 0 adverts received.",
	  "priority_zero_received", true },
	{ "vigil_vrrp_address_list_mismatch_total", "counter",
	  "Adverts whose address list differs from ours (accepted, logged).",
	  "address_list_mismatch", true },
	{ "vigil_vrrp_send_errors_total", "counter", "Adverts or announcements that could not be sent.",
	  "send_errors", true },
	{ "vigil_vrrp_vip_errors_total", "counter", "Virtual addresses that could not be set or removed.",
	  "vip_errors", true },
	{ "vigil_vrrp_vips_restored_total", "counter",
	  "Virtual addresses put back after being removed behind vigil's back.", "vips_restored", true },
	{ "vigil_vrrp_gratuitous_sent_total", "counter", "Gratuitous ARPs and unsolicited NAs sent.",
	  "gratuitous_sent", true },
	{ "vigil_vrrp_route_errors_total", "counter", "virtual_routes/virtual_rules failures.",
	  "route_errors", true },
	{ "vigil_vrrp_notifications_total", "counter", "Notifications handed to scripts and FIFOs.",
	  "notifications", true },
};

static json_object *vrrp_instances(json_object *st)
{
	return json_member(json_member(st, "vrrp"), "instances");
}

static void instance_labels(json_object *inst, const char *l[9], char vrid[8])
{
	double v = 0;

	member_number(inst, "vrid", &v);
	snprintf(vrid, 8, "%d", (int)v);
	l[0] = "vrrp_instance";   /* "instance" is the label Prometheus gives the target */
	l[1] = json_member_string(inst, "name");
	l[2] = "interface";
	l[3] = json_member_string(inst, "interface");
	l[4] = "vrid";
	l[5] = vrid;
	l[6] = NULL;
}

static void vrrp_state_metrics(struct out *o, json_object *instances)
{
	const char *l[9];
	char vrid[8];

	family(o, "vigil_vrrp_instance_state", "gauge",
	       "VRRP state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 4 STOP.");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);

		instance_labels(inst, l, vrid);
		sample(o, "vigil_vrrp_instance_state", l,
		       metrics_vrrp_state_value(json_member_string(inst, "state")));
	}
	family(o, "vigil_vrrp_instance_last_transition_timestamp_seconds", "gauge",
	       "When the instance last changed state (Unix time).");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);
		double when;

		instance_labels(inst, l, vrid);
		if (iso8601_seconds(json_member_string(json_member(inst, "last_transition"), "time"), &when))
			sample(o, "vigil_vrrp_instance_last_transition_timestamp_seconds", l, when);
	}
	family(o, "vigil_vrrp_instance_vips", "gauge", "Virtual addresses configured.");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);

		instance_labels(inst, l, vrid);
		sample(o, "vigil_vrrp_instance_vips", l, (double)json_array_len(json_member(inst, "vips")));
	}
}

static void vrrp_table_metrics(struct out *o, json_object *instances)
{
	const char *l[9];
	char vrid[8];

	for (size_t m = 0; m < sizeof(instance_metrics) / sizeof(instance_metrics[0]); m++) {
		const struct instance_metric *im = &instance_metrics[m];

		family(o, im->name, im->type, im->help);
		for (size_t i = 0; i < json_array_len(instances); i++) {
			json_object *inst = json_object_array_get_idx(instances, i);
			json_object *from = im->in_stats ? json_member(inst, "stats") : inst;
			double v;

			instance_labels(inst, l, vrid);
			if (!member_number(from, im->key, &v))
				continue;
			if (strcmp(im->key, "advert_interval_us") == 0)
				v /= 1e6;
			sample(o, im->name, l, v);
		}
	}
}

/* Adverts dropped, by reason (the names the JSON and the log use). */
static void vrrp_drop_metrics(struct out *o, json_object *instances)
{
	const char *l[9];
	char vrid[8];

	family(o, "vigil_vrrp_adverts_dropped_total", "counter", "Adverts dropped, by reason.");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);
		json_object *drops = json_member(json_member(inst, "stats"), "drops");

		instance_labels(inst, l, vrid);
		if (!drops || !json_object_is_type(drops, json_type_object))
			continue;
		json_object_object_foreach(drops, reason, count) {
			l[6] = "reason";
			l[7] = reason;
			l[8] = NULL;
			sample(o, "vigil_vrrp_adverts_dropped_total", l, json_object_get_double(count));
		}
	}
}

static void sync_group_metrics(struct out *o, json_object *st)
{
	json_object *groups = json_member(json_member(st, "vrrp"), "sync_groups");

	family(o, "vigil_vrrp_sync_group_state", "gauge",
	       "Sync group state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 4 STOP.");
	for (size_t i = 0; i < json_array_len(groups); i++) {
		json_object *g = json_object_array_get_idx(groups, i);
		const char *l[] = { "group", json_member_string(g, "name"), NULL };

		sample(o, "vigil_vrrp_sync_group_state", l,
		       metrics_vrrp_state_value(json_member_string(g, "state")));
	}
}

/* ---- virtual and real servers --------------------------------------------------- */

static void vs_label(json_object *vs, char *buf, size_t len)
{
	const char *addr = json_member_string(vs, "address"), *proto = json_member_string(vs, "protocol");
	const char *group = json_member_string(vs, "group");
	double port = 0, fwmark = 0;

	member_number(vs, "port", &port);
	member_number(vs, "fwmark", &fwmark);
	if (group)
		snprintf(buf, len, "group %s", group);
	else if (fwmark > 0)
		snprintf(buf, len, "fwmark %u", (unsigned)fwmark);
	else
		snprintf(buf, len, "%s %s:%u", proto ? proto : "TCP", addr ? addr : "?",
			 (unsigned)port);
}

static void rs_label(json_object *rs, char *buf, size_t len)
{
	const char *addr = json_member_string(rs, "address");
	double port = 0;

	member_number(rs, "port", &port);
	snprintf(buf, len, "%s:%u", addr ? addr : "?", (unsigned)port);
}

struct server_metric {
	const char *name, *type, *help, *key;
};

static const struct server_metric vs_metrics[] = {
	{ "vigil_virtual_server_quorum_ok", "gauge", "1 while the alive weight meets the quorum.",
	  "quorum_ok" },
	{ "vigil_virtual_server_installed", "gauge", "1 while the service is in the kernel's IPVS table.",
	  "installed" },
};

static const struct server_metric rs_metrics[] = {
	{ "vigil_real_server_up", "gauge", "1 while the health checks pass.", "up" },
	{ "vigil_real_server_weight", "gauge", "Weight in IPVS now (0 while drained or inhibited).",
	  "effective_weight" },
	{ "vigil_real_server_configured_weight", "gauge", "Weight from the configuration.", "weight" },
	{ "vigil_real_server_drained", "gauge", "1 while drained by vigilctl.", "drained" },
	{ "vigil_real_server_check_latency_seconds", "gauge", "Duration of the last check.",
	  "last_check_latency_us" },
	{ "vigil_real_server_check_failures_total", "counter", "Failed check attempts.",
	  "check_failures" },
	{ "vigil_real_server_active_connections", "gauge", "IPVS active connections.",
	  "active_connections" },
	{ "vigil_real_server_inactive_connections", "gauge", "IPVS inactive connections.",
	  "inactive_connections" },
};

static void vs_metrics_out(struct out *o, json_object *list)
{
	char vs[128];

	for (size_t m = 0; m < sizeof(vs_metrics) / sizeof(vs_metrics[0]); m++) {
		family(o, vs_metrics[m].name, vs_metrics[m].type, vs_metrics[m].help);
		for (size_t i = 0; i < json_array_len(list); i++) {
			json_object *v = json_object_array_get_idx(list, i);
			const char *l[] = { "virtual_server", vs, NULL };
			double x;

			vs_label(v, vs, sizeof(vs));
			if (member_number(v, vs_metrics[m].key, &x))
				sample(o, vs_metrics[m].name, l, x);
		}
	}
}

static void rs_metrics_out(struct out *o, json_object *list)
{
	char vs[128], rs[96];

	for (size_t m = 0; m < sizeof(rs_metrics) / sizeof(rs_metrics[0]); m++) {
		family(o, rs_metrics[m].name, rs_metrics[m].type, rs_metrics[m].help);
		for (size_t i = 0; i < json_array_len(list); i++) {
			json_object *v = json_object_array_get_idx(list, i);
			json_object *reals = json_member(v, "real_servers");

			vs_label(v, vs, sizeof(vs));
			for (size_t r = 0; r < json_array_len(reals); r++) {
				json_object *s = json_object_array_get_idx(reals, r);
				const char *l[] = { "virtual_server", vs, "real_server", rs, NULL };
				double x;

				rs_label(s, rs, sizeof(rs));
				if (!member_number(s, rs_metrics[m].key, &x))
					continue;
				if (strstr(rs_metrics[m].key, "_us"))
					x /= 1e6;
				sample(o, rs_metrics[m].name, l, x);
			}
		}
	}
}

char *metrics_render(json_object *status, size_t *len)
{
	struct out o;
	char *text = NULL;
	json_object *instances = vrrp_instances(status);

	o.f = open_memstream(&text, len);
	if (!o.f)
		xalloc_die();
	process_metrics(&o, status);
	vrrp_state_metrics(&o, instances);
	vrrp_table_metrics(&o, instances);
	vrrp_drop_metrics(&o, instances);
	sync_group_metrics(&o, status);
	vs_metrics_out(&o, json_member(status, "virtual_servers"));
	rs_metrics_out(&o, json_member(status, "virtual_servers"));
	fclose(o.f);
	return text;
}
