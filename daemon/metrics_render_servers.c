/* The virtual and real server part of the Prometheus exposition (see
 * metrics_render.h): one family per figure, labelled by the virtual
 * server as keepalived names it and by the real server's address:port. */
#include "config.h"
#include "daemon/metrics_render_private.h"
#include "json_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void vs_label(json_object *vs, char *buf, size_t len)
{
	const char *addr = json_member_string(vs, "address"), *proto = json_member_string(vs, "protocol");
	const char *group = json_member_string(vs, "group");
	double port = 0, fwmark = 0;

	metrics_member_number(vs, "port", &port);
	metrics_member_number(vs, "fwmark", &fwmark);
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

	metrics_member_number(rs, "port", &port);
	snprintf(buf, len, "%s:%u", addr ? addr : "?", (unsigned)port);
}

/* Where a figure comes from: the server's own member, the sum over a
 * real server's checkers, its checker that ran last, or the sum over a
 * virtual server's real servers. */
enum server_source { FROM_SERVER, FROM_CHECKERS_SUM, FROM_NEWEST_CHECKER, FROM_REAL_SERVERS_SUM };

struct server_metric {
	const char *name, *type, *help, *key;
	enum server_source source;
	double scale;                   /* 0: 1 */
};

static const struct server_metric vs_metrics[] = {
	{ "vigil_virtual_server_quorum_ok", "gauge", "1 while the alive weight meets the quorum.",
	  "quorum_ok" },
	{ "vigil_virtual_server_installed", "gauge", "1 while the service is in the kernel's IPVS table.",
	  "installed" },
	{ "vigil_virtual_server_active_connections", "gauge",
	  "IPVS active connections over its real servers.", "active_connections", FROM_REAL_SERVERS_SUM },
	{ "vigil_virtual_server_inactive_connections", "gauge",
	  "IPVS inactive connections over its real servers.", "inactive_connections",
	  FROM_REAL_SERVERS_SUM },
};

static const struct server_metric rs_metrics[] = {
	{ "vigil_real_server_up", "gauge", "1 while the health checks pass.", "up" },
	{ "vigil_real_server_weight", "gauge", "Weight in IPVS now (0 while drained or inhibited).",
	  "effective_weight" },
	{ "vigil_real_server_configured_weight", "gauge", "Weight from the configuration.",
	  "configured_weight" },
	{ "vigil_real_server_drained", "gauge", "1 while drained by vigilctl.", "drained" },
	{ "vigil_real_server_check_latency_seconds", "gauge", "Duration of the last check.",
	  "last_latency_ms", FROM_NEWEST_CHECKER, 1e-3 },
	{ "vigil_real_server_check_failures_total", "counter", "Failed check attempts.",
	  "failures", FROM_CHECKERS_SUM, 0 },
	{ "vigil_real_server_active_connections", "gauge", "IPVS active connections.",
	  "active_connections" },
	{ "vigil_real_server_inactive_connections", "gauge", "IPVS inactive connections.",
	  "inactive_connections" },
};

/* The checker whose last attempt is the newest (ISO 8601 UTC times
 * compare as text); NULL when none has run. */
static json_object *newest_checker(json_object *checkers)
{
	json_object *best = NULL;
	const char *best_time = NULL;

	for (size_t i = 0; i < json_array_len(checkers); i++) {
		json_object *c = json_object_array_get_idx(checkers, i);
		const char *when = json_member_string(c, "last_check");

		if (when && (!best_time || strcmp(when, best_time) > 0)) {
			best = c;
			best_time = when;
		}
	}
	return best;
}

/* The sum of `key` over the array's objects; false when none has it. */
static bool sum_over(json_object *list, const char *key, double *out)
{
	bool found = false;
	double v;

	*out = 0;
	for (size_t i = 0; i < json_array_len(list); i++)
		if (metrics_member_number(json_object_array_get_idx(list, i), key, &v)) {
			*out += v;
			found = true;
		}
	return found;
}

void metrics_virtual_servers(struct out *o, json_object *list)
{
	char vs[128];

	for (size_t m = 0; m < sizeof(vs_metrics) / sizeof(vs_metrics[0]); m++) {
		metrics_family(o, vs_metrics[m].name, vs_metrics[m].type, vs_metrics[m].help);
		for (size_t i = 0; i < json_array_len(list); i++) {
			json_object *v = json_object_array_get_idx(list, i);
			const char *l[] = { "virtual_server", vs, NULL };
			double x;

			vs_label(v, vs, sizeof(vs));
			if (vs_metrics[m].source == FROM_REAL_SERVERS_SUM
			    ? sum_over(json_member(v, "real_servers"), vs_metrics[m].key, &x)
			    : metrics_member_number(v, vs_metrics[m].key, &x))
				metrics_sample(o, vs_metrics[m].name, l, x);
		}
	}
}

static bool rs_number(json_object *rs, const struct server_metric *m, double *out)
{
	json_object *checkers = json_member(rs, "checkers");
	bool found;

	if (m->source == FROM_SERVER)
		found = metrics_member_number(rs, m->key, out);
	else if (m->source == FROM_NEWEST_CHECKER)
		found = metrics_member_number(newest_checker(checkers), m->key, out);
	else
		found = sum_over(checkers, m->key, out);
	if (found && m->scale)
		*out *= m->scale;
	return found;
}

void metrics_real_servers(struct out *o, json_object *list)
{
	char vs[128], rs[96];

	for (size_t m = 0; m < sizeof(rs_metrics) / sizeof(rs_metrics[0]); m++) {
		metrics_family(o, rs_metrics[m].name, rs_metrics[m].type, rs_metrics[m].help);
		for (size_t i = 0; i < json_array_len(list); i++) {
			json_object *v = json_object_array_get_idx(list, i);
			json_object *reals = json_member(v, "real_servers");

			vs_label(v, vs, sizeof(vs));
			for (size_t r = 0; r < json_array_len(reals); r++) {
				json_object *s = json_object_array_get_idx(reals, r);
				const char *l[] = { "virtual_server", vs, "real_server", rs, NULL };
				double x;

				rs_label(s, rs, sizeof(rs));
				if (rs_number(s, &rs_metrics[m], &x))
					metrics_sample(o, rs_metrics[m].name, l, x);
			}
		}
	}
}
