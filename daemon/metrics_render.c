/* The Prometheus exposition of vigild's status; see metrics_render.h.
 *
 * Each family is written whole (HELP, TYPE, then every sample) by walking
 * the status once per family: the format wants a family's samples
 * together, and walking a few thousand objects a few dozen times costs
 * less than a scrape's HTTP round trip. */
#include "config.h"
#include "daemon/metrics_render.h"
#include "daemon/metrics_render_private.h"
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
bool metrics_member_number(json_object *o, const char *key, double *out)
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

void metrics_family(struct out *o, const char *name, const char *type, const char *help)
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
void metrics_sample(struct out *o, const char *name, const char *const *labels, double value)
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

	metrics_family(o, "vigil_build_info", "gauge", "vigild's version, as a label; always 1.");
	metrics_sample(o, "vigil_build_info", version_labels, 1);
	if (metrics_member_number(st, "uptime_s", &v)) {
		metrics_family(o, "vigil_uptime_seconds", "gauge", "Seconds since vigild started.");
		metrics_sample(o, "vigil_uptime_seconds", NULL, v);
	}
	if (metrics_member_number(json_member(st, "reloads"), "count", &v)) {
		metrics_family(o, "vigil_config_reloads_total", "counter", "Configuration reloads asked for.");
		metrics_sample(o, "vigil_config_reloads_total", NULL, v);
	}
	metrics_family(o, "vigil_worker_up", "gauge", "1 while the worker process runs.");
	for (size_t i = 0; i < json_array_len(workers); i++) {
		json_object *w = json_object_array_get_idx(workers, i);
		const char *state = json_member_string(w, "state");
		const char *l[] = { "worker", json_member_string(w, "name"), NULL };

		metrics_sample(o, "vigil_worker_up", l, state && strcmp(state, "running") == 0);
	}
	metrics_family(o, "vigil_worker_restarts_total", "counter", "Times the worker was restarted.");
	for (size_t i = 0; i < json_array_len(workers); i++) {
		json_object *w = json_object_array_get_idx(workers, i);
		const char *l[] = { "worker", json_member_string(w, "name"), NULL };

		if (metrics_member_number(w, "restarts", &v))
			metrics_sample(o, "vigil_worker_restarts_total", l, v);
	}
}

/* What each process costs and what each worker mailed: one sample per
 * process ("parent" for the top level) or worker, read from `key` of its
 * entry or, with in_smtp, of its smtp_alert counters. */
struct worker_metric {
	const char *name, *type, *help, *key;
	bool in_smtp;
};

static const struct worker_metric process_table[] = {
	{ "vigil_process_resident_memory_bytes", "gauge", "Resident memory of the process.",
	  "rss_bytes", false },
	{ "vigil_process_cpu_seconds_total", "counter", "User and system CPU time of the process.",
	  "cpu_seconds", false },
};

static const struct worker_metric smtp_table[] = {
	{ "vigil_smtp_alert_mails_queued_total", "counter", "Alert mails formatted and queued.",
	  "queued", true },
	{ "vigil_smtp_alert_mails_sent_total", "counter", "Alert mails the SMTP server accepted.",
	  "sent", true },
	{ "vigil_smtp_alert_mails_failed_total", "counter",
	  "Alert mails whose SMTP session failed (not retried).", "failed", true },
	{ "vigil_smtp_alert_mails_dropped_total", "counter",
	  "Alert mails dropped because the queue was full.", "dropped", true },
};

static void worker_sample(struct out *o, const struct worker_metric *m, json_object *entry,
			  const char *label, const char *who)
{
	const char *l[] = { label, who, NULL };
	double v;

	if (metrics_member_number(m->in_smtp ? json_member(entry, "smtp_alert") : entry, m->key, &v))
		metrics_sample(o, m->name, l, v);
}

static void worker_table_metrics(struct out *o, json_object *st, const struct worker_metric *table,
				 size_t n, const char *label, bool with_parent)
{
	json_object *workers = json_member(st, "workers");

	for (size_t m = 0; m < n; m++) {
		metrics_family(o, table[m].name, table[m].type, table[m].help);
		if (with_parent)
			worker_sample(o, &table[m], st, label, "parent");
		for (size_t i = 0; i < json_array_len(workers); i++) {
			json_object *w = json_object_array_get_idx(workers, i);

			worker_sample(o, &table[m], w, label, json_member_string(w, "name"));
		}
	}
}

/* ---- VRRP ------------------------------------------------------------------------ */

/* One gauge per instance read from `key` of the instance (or of its stats). */
struct instance_metric {
	const char *name, *type, *help, *key;
	bool in_stats;
};

static const struct instance_metric instance_metrics[] = {
	{ "vigil_vrrp_instance_priority", "gauge", "Base priority: the configured one, or the one last set over SNMP.", "priority", false },
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

	metrics_member_number(inst, "vrid", &v);
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

	metrics_family(o, "vigil_vrrp_instance_state", "gauge",
	       "VRRP state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 4 STOP.");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);

		instance_labels(inst, l, vrid);
		metrics_sample(o, "vigil_vrrp_instance_state", l,
		       metrics_vrrp_state_value(json_member_string(inst, "state")));
	}
	metrics_family(o, "vigil_vrrp_instance_last_transition_timestamp_seconds", "gauge",
	       "When the instance last changed state (Unix time).");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);
		double when;

		instance_labels(inst, l, vrid);
		if (iso8601_seconds(json_member_string(json_member(inst, "last_transition"), "time"), &when))
			metrics_sample(o, "vigil_vrrp_instance_last_transition_timestamp_seconds", l, when);
	}
	metrics_family(o, "vigil_vrrp_instance_vips", "gauge", "Virtual addresses configured.");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);

		instance_labels(inst, l, vrid);
		metrics_sample(o, "vigil_vrrp_instance_vips", l, (double)json_array_len(json_member(inst, "vips")));
	}
}

static void vrrp_table_metrics(struct out *o, json_object *instances)
{
	const char *l[9];
	char vrid[8];

	for (size_t m = 0; m < sizeof(instance_metrics) / sizeof(instance_metrics[0]); m++) {
		const struct instance_metric *im = &instance_metrics[m];

		metrics_family(o, im->name, im->type, im->help);
		for (size_t i = 0; i < json_array_len(instances); i++) {
			json_object *inst = json_object_array_get_idx(instances, i);
			json_object *from = im->in_stats ? json_member(inst, "stats") : inst;
			double v;

			instance_labels(inst, l, vrid);
			if (!metrics_member_number(from, im->key, &v))
				continue;
			if (strcmp(im->key, "advert_interval_us") == 0)
				v /= 1e6;
			metrics_sample(o, im->name, l, v);
		}
	}
}

/* Adverts dropped, by reason (the names the JSON and the log use). */
static void vrrp_drop_metrics(struct out *o, json_object *instances)
{
	const char *l[9];
	char vrid[8];

	metrics_family(o, "vigil_vrrp_adverts_dropped_total", "counter", "Adverts dropped, by reason.");
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
			metrics_sample(o, "vigil_vrrp_adverts_dropped_total", l, json_object_get_double(count));
		}
	}
}

static void sync_group_metrics(struct out *o, json_object *st)
{
	json_object *groups = json_member(json_member(st, "vrrp"), "sync_groups");

	metrics_family(o, "vigil_vrrp_sync_group_state", "gauge",
	       "Sync group state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 4 STOP.");
	for (size_t i = 0; i < json_array_len(groups); i++) {
		json_object *g = json_object_array_get_idx(groups, i);
		const char *l[] = { "group", json_member_string(g, "name"), NULL };

		metrics_sample(o, "vigil_vrrp_sync_group_state", l,
		       metrics_vrrp_state_value(json_member_string(g, "state")));
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
	worker_table_metrics(&o, status, process_table, sizeof(process_table) / sizeof(process_table[0]),
			     "process", true);
	worker_table_metrics(&o, status, smtp_table, sizeof(smtp_table) / sizeof(smtp_table[0]),
			     "worker", false);
	vrrp_state_metrics(&o, instances);
	vrrp_table_metrics(&o, instances);
	vrrp_drop_metrics(&o, instances);
	sync_group_metrics(&o, status);
	metrics_virtual_servers(&o, json_member(status, "virtual_servers"));
	metrics_real_servers(&o, json_member(status, "virtual_servers"));
	fclose(o.f);
	return text;
}
