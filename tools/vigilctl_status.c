/* `vigilctl status`: the status result as tables.  Fields a daemon does not
 * send (older or newer versions) print as "-" rather than failing. */
#include "config.h"
#include "tools/vigilctl.h"
#include "json_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A member as text: strings as they are, numbers and booleans printed,
 * null or missing as "-". */
static const char *field(json_object *o, const char *key, char *buf, size_t len)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	snprintf(buf, len, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return buf;
}

static void format_duration(int64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h%02" PRId64 "m", s / 86400,
			 s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m%02" PRId64 "s", s / 3600,
			 s % 3600 / 60, s % 60);
	else if (s >= 60)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRId64 "s", s);
}

/* rss_bytes in MiB with one decimal, "-" when unknown (null or missing). */
static const char *format_rss(json_object *o, char *buf, size_t len)
{
	json_object *v = json_member(o, "rss_bytes");

	if (!v)
		return "-";
	snprintf(buf, len, "%.1f", (double)json_object_get_int64(v) / (1024.0 * 1024.0));
	return buf;
}

/* cpu_seconds (user + system) with two decimals, "-" when unknown. */
static const char *format_cpu(json_object *o, char *buf, size_t len)
{
	json_object *v = json_member(o, "cpu_seconds");

	if (!v)
		return "-";
	snprintf(buf, len, "%.2f", json_object_get_double(v));
	return buf;
}

static void print_daemon(json_object *r, FILE *out)
{
	char b1[64], b2[64], b3[64], b4[32], up[32];
	json_object *reloads = json_member(r, "reloads"), *last = json_member(reloads, "last");

	format_duration(json_object_get_int64(json_member(r, "uptime_s")), up, sizeof(up));
	fprintf(out, "vigild %s, pid %s, up %s, rss %s MiB, cpu %s s\n",
		field(r, "version", b1, sizeof(b1)), field(r, "pid", b2, sizeof(b2)), up,
		format_rss(r, b3, sizeof(b3)), format_cpu(r, b4, sizeof(b4)));
	fprintf(out, "configuration: %s (id %s)\n", field(r, "config_file", b1, sizeof(b1)),
		field(r, "config_id", b2, sizeof(b2)));
	fprintf(out, "reloads: %s", field(reloads, "count", b3, sizeof(b3)));
	if (last)
		fprintf(out, ", last at %s: %s", field(last, "time", b1, sizeof(b1)),
			field(last, "result", b2, sizeof(b2)));
	fputc('\n', out);
	for (size_t i = 0; i < json_array_len(json_member(last, "errors")); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(json_member(last, "errors"), i));

		fprintf(out, "  %s\n", e ? e : "?");
	}
}

/* A worker's mail counters under its row, only once it queued any
 * (null smtp_alert: the worker did not answer). */
static void print_worker_mail(json_object *w, FILE *out)
{
	json_object *m = json_member(w, "smtp_alert");
	char b[4][32];

	if (!m || json_object_get_int64(json_member(m, "queued")) <= 0)
		return;
	fprintf(out, "  mail: queued %s, sent %s, failed %s, dropped %s\n",
		field(m, "queued", b[0], 32), field(m, "sent", b[1], 32),
		field(m, "failed", b[2], 32), field(m, "dropped", b[3], 32));
}

static void print_workers(json_object *r, FILE *out)
{
	json_object *workers = json_member(r, "workers");
	char b1[64], b2[64], b3[64], b4[32], b5[32], up[32];

	fprintf(out, "\n%-10s %-14s %-8s %-9s %-10s %-9s %s\n", "WORKER", "STATE", "PID",
		"RESTARTS", "UPTIME", "RSS(MiB)", "CPU(s)");
	for (size_t i = 0; i < json_array_len(workers); i++) {
		json_object *w = json_object_array_get_idx(workers, i);
		const char *state = field(w, "state", b2, sizeof(b2));

		if (strcmp(state, "running") == 0 || strcmp(state, "unresponsive") == 0)
			format_duration(json_object_get_int64(json_member(w, "uptime_s")), up, sizeof(up));
		else
			snprintf(up, sizeof(up), "-");
		fprintf(out, "%-10s %-14s %-8s %-9s %-10s %-9s %s\n", field(w, "name", b1, sizeof(b1)),
			state, field(w, "pid", b3, sizeof(b3)), field(w, "restarts", b1, sizeof(b1)),
			up, format_rss(w, b4, sizeof(b4)), format_cpu(w, b5, sizeof(b5)));
		print_worker_mail(w, out);
	}
}

/* The operator's hold: "-", "held" (until released) or "until HH:MM:SSZ"
 * (from the ISO time in held_until). */
static void hold_marker(json_object *in, char *buf, size_t len)
{
	const char *until = json_object_get_string(json_member(in, "held_until"));

	if (!json_object_get_boolean(json_member(in, "maintenance")))
		snprintf(buf, len, "-");
	else if (until && strlen(until) >= 19)
		snprintf(buf, len, "until %.8sZ", until + 11);
	else
		snprintf(buf, len, "held");
}

static void print_vrrp(json_object *r, FILE *out)
{
	json_object *vrrp = json_member(r, "vrrp"), *instances = json_member(vrrp, "instances");
	char b[7][64];

	if (!vrrp || json_array_len(instances) == 0)
		return;
	fprintf(out, "\n%-20s %-8s %-12s %-5s %-9s %-16s %s\n", "VRRP INSTANCE", "STATE",
		"INTERFACE", "VRID", "PRIORITY", "MAINTENANCE", "MASTER");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *in = json_object_array_get_idx(instances, i);

		hold_marker(in, b[6], 64);
		fprintf(out, "%-20s %-8s %-12s %-5s %-9s %-16s %s\n", field(in, "name", b[0], 64),
			field(in, "state", b[1], 64), field(in, "interface", b[2], 64),
			field(in, "vrid", b[3], 64), field(in, "effective_priority", b[4], 64),
			b[6], field(in, "master_address", b[5], 64));
	}
}

/* "ADDRESS:PORT", "fwmark N" or "group NAME". */
static void vs_name(json_object *vs, char *buf, size_t len)
{
	char a[64], p[16];

	if (json_member(vs, "fwmark"))
		snprintf(buf, len, "fwmark %s", field(vs, "fwmark", a, sizeof(a)));
	else if (json_member(vs, "group"))
		snprintf(buf, len, "group %s", field(vs, "group", a, sizeof(a)));
	else
		snprintf(buf, len, "%s:%s", field(vs, "address", a, sizeof(a)),
			 field(vs, "port", p, sizeof(p)));
}

/* "up", "down", "-" (not known yet), with ", drained" when the operator
 * drained it. */
static void rs_state(json_object *rs, char *buf, size_t len)
{
	json_object *up = json_member(rs, "up");

	snprintf(buf, len, "%s%s", !up ? "-" : json_object_get_boolean(up) ? "up" : "down",
		 json_object_get_boolean(json_member(rs, "drained")) ? ",drained" : "");
}

/* The real servers of a virtual server, indented under it. */
static void print_real_servers(json_object *vs, FILE *out)
{
	json_object *rss = json_member(vs, "real_servers");
	char name[160], state[32], b[4][64];

	for (size_t j = 0; j < json_array_len(rss); j++) {
		json_object *rs = json_object_array_get_idx(rss, j);

		if (json_member(rs, "port"))
			snprintf(name, sizeof(name), "%s:%s", field(rs, "address", b[0], 64),
				 field(rs, "port", b[1], 64));
		else
			snprintf(name, sizeof(name), "%s", field(rs, "address", b[0], 64));
		rs_state(rs, state, sizeof(state));
		fprintf(out, "  -> %-24s %-13s weight %-4s effective %-4s last failure: %s\n", name,
			state, field(rs, "weight", b[1], 64), field(rs, "effective_weight", b[2], 64),
			field(rs, "last_failure_reason", b[3], 64));
	}
}

static void print_virtual_servers(json_object *r, FILE *out)
{
	json_object *vss = json_member(r, "virtual_servers"), *ipvs = json_member(r, "ipvs");
	char name[160], b[4][64];

	if (ipvs)
		fprintf(out, "\nIPVS: %s (%s)\n",
			json_object_get_boolean(json_member(ipvs, "available")) ? "available" : "not available",
			field(ipvs, "version", b[0], 64));
	if (json_array_len(vss) == 0)
		return;
	fprintf(out, "\n%-28s %-9s %-6s %-10s %-9s %s\n", "VIRTUAL SERVER", "PROTOCOL", "SCHED",
		"INSTALLED", "QUORUM", "REAL SERVERS");
	for (size_t i = 0; i < json_array_len(vss); i++) {
		json_object *vs = json_object_array_get_idx(vss, i);

		vs_name(vs, name, sizeof(name));
		fprintf(out, "%-28s %-9s %-6s %-10s %-9s %zu\n", name,
			field(vs, "protocol", b[0], 64), field(vs, "scheduler", b[1], 64),
			field(vs, "installed", b[2], 64), field(vs, "quorum_ok", b[3], 64),
			json_array_len(json_member(vs, "real_servers")));
		print_real_servers(vs, out);
	}
}

void vigilctl_print_status(json_object *result, FILE *out)
{
	print_daemon(result, out);
	print_workers(result, out);
	print_vrrp(result, out);
	print_virtual_servers(result, out);
}
