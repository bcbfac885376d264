/* The checker runtime's part of `vigilctl status --json`, and the
 * operator's drain/enable of a real server (`vigilctl real-server`).
 * Field names follow check_config_status_json where they overlap. */
#include "config.h"
#include "checker/check_runtime_private.h"

#include "ctl_proto.h"
#include "json_util.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* "2026-11-27T18:30:00.123Z"; null before anything happened. */
static json_object *iso8601(uint64_t wall_us)
{
	char buf[40], out[48];
	time_t secs = (time_t)(wall_us / 1000000u);
	struct tm tm;

	if (!wall_us)
		return NULL;
	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%03uZ", buf, (unsigned)(wall_us % 1000000u / 1000u));
	return json_object_new_string(out);
}

/* ---- checkers ---- */

static json_object *outcomes_json(const struct check_schedule *s)
{
	json_object *o = json_object_new_object();

	for (int i = 0; i < CHECK_OUTCOME_COUNT; i++) {
		uint32_t n = check_sched_outcome_count(s, (enum check_outcome)i);

		if (n)
			add(o, check_outcome_name((enum check_outcome)i),
			    json_object_new_int64((int64_t)n));
	}
	return o;
}

static json_object *checker_json(const struct check_checker *c)
{
	const struct check_schedule *s = &c->sched;
	json_object *o = json_object_new_object();
	bool have = s->last.valid;
	struct check_sched_params p;

	check_checker_params(c, &p);
	add(o, "type", json_object_new_string(check_type_names[c->cfg->type]));
	add(o, "state", json_object_new_string(s->up ? "up" : "down"));
	add(o, "last_outcome", have ? json_object_new_string(check_outcome_name(s->last.outcome))
				    : NULL);
	add(o, "last_text", have ? json_object_new_string(check_sched_text(&s->last)) : NULL);
	add(o, "last_check", iso8601(have ? s->last.wall_us : 0));
	add(o, "last_latency_ms", have ? json_object_new_double((double)s->last.latency_us / 1000.0)
				       : NULL);
	add(o, "consecutive_successes", json_object_new_int64(s->successes));
	add(o, "consecutive_failures", json_object_new_int64(s->failures));
	add(o, "rise", json_object_new_int64(p.rise));
	add(o, "fall", json_object_new_int64(p.fall));
	add(o, "attempts", json_object_new_int64((int64_t)s->attempts));
	add(o, "failures", json_object_new_int64((int64_t)(s->attempts - s->oks)));
	add(o, "transitions", json_object_new_int64((int64_t)s->transitions));
	add(o, "outcomes", outcomes_json(s));
	add(o, "dynamic_weight", s->weight >= 0 ? json_object_new_int64(s->weight) : NULL);
	add(o, "suspended", json_object_new_boolean(c->suspended));
	return o;
}

/* ---- real servers ---- */

/* The newest last result (or last failure) over the checkers. */
static const struct check_sched_last *newest(const struct check_rs *rs, bool failure)
{
	const struct check_sched_last *best = NULL;

	for (size_t i = 0; i < rs->checkers.count; i++) {
		const struct check_checker *c = rs->checkers.items[i];
		const struct check_sched_last *l = failure ? check_sched_last_failure(&c->sched)
							       : &c->sched.last;

		if (l->valid && (!best || l->wall_us > best->wall_us))
			best = l;
	}
	return best;
}

static bool rs_checked(const struct check_rs *rs)
{
	for (size_t i = 0; i < rs->checkers.count; i++)
		if (!((const struct check_checker *)rs->checkers.items[i])->sched.last.valid)
			return false;
	return true;
}

static void rs_connections_json(json_object *o, const struct check_rs *rs)
{
	struct lvs_dest_stats st;
	bool known = check_rs_conn_stats(rs, &st);

	add(o, "active_connections", known ? json_object_new_int64(st.active_conns) : NULL);
	add(o, "inactive_connections", known ? json_object_new_int64(st.inactive_conns) : NULL);
}

static void rs_address_json(json_object *o, const struct check_rs *rs)
{
	add(o, "address", json_vigil_addr(&rs->cfg->addr));
	add(o, "port", rs->cfg->has_port ? json_object_new_int(rs->cfg->port) : NULL);
}

static json_object *rs_json(const struct check_rs *rs)
{
	json_object *o = json_object_new_object(), *checkers = json_object_new_array();
	const struct check_sched_last *last = newest(rs, false), *fail = newest(rs, true);
	int64_t w = check_rs_wanted_weight(rs);
	bool in = w >= 0 && check_vs_real_servers_in(rs->vs->sorry != NULL, rs->vs->quorum_ok);

	rs_address_json(o, rs);
	add(o, "weight", json_object_new_int64(check_rs_base_weight(rs)));
	add(o, "configured_weight", json_object_new_int64(rs->cfg->weight));
	add(o, "dynamic_weight", json_object_new_int64(rs->weight));
	add(o, "effective_weight", json_object_new_int64(in ? w : 0));
	add(o, "in_ipvs_table", json_object_new_boolean(in));
	add(o, "up", json_object_new_boolean(rs->up));
	add(o, "checked", json_object_new_boolean(rs_checked(rs)));
	add(o, "drained", json_object_new_boolean(rs->drained));
	add(o, "drain_complete", json_object_new_boolean(rs->drained && rs->drain_done));
	add(o, "last_check", iso8601(last ? last->wall_us : 0));
	add(o, "last_failure_reason",
	    fail ? json_object_new_string(check_outcome_name(fail->outcome)) : NULL);
	add(o, "last_failure_text", fail ? json_object_new_string(check_sched_text(fail)) : NULL);
	add(o, "last_failure_time", iso8601(fail ? fail->wall_us : 0));
	rs_connections_json(o, rs);
	for (size_t i = 0; i < rs->checkers.count; i++)
		json_object_array_add(checkers, checker_json(rs->checkers.items[i]));
	add(o, "checkers", checkers);
	return o;
}

static json_object *sorry_json(const struct check_vs *vs)
{
	json_object *o;
	int64_t w;

	if (!vs->sorry)
		return NULL;
	w = check_vs_sorry_weight(true, vs->quorum_ok, vs->sorry->cfg->weight, vs->cfg->sorry_inhibit);
	o = json_object_new_object();
	rs_address_json(o, vs->sorry);
	add(o, "weight", json_object_new_int64(vs->sorry->cfg->weight));
	add(o, "active", json_object_new_boolean(!vs->quorum_ok));
	add(o, "inhibit", json_object_new_boolean(vs->cfg->sorry_inhibit));
	add(o, "effective_weight", json_object_new_int64(w < 0 ? 0 : w));
	add(o, "in_ipvs_table", json_object_new_boolean(w >= 0));
	return o;
}

/* ---- virtual servers ---- */

static void vs_target_json(json_object *o, const struct check_vs_config *c)
{
	add(o, "address", c->kind == CHECK_VS_ADDR ? json_vigil_addr(&c->addr) : NULL);
	add(o, "port", c->kind == CHECK_VS_ADDR && c->has_port ? json_object_new_int(c->port) : NULL);
	add(o, "fwmark", c->kind == CHECK_VS_FWMARK ? json_object_new_int64(c->fwmark) : NULL);
	add(o, "group", json_string_or_null(c->kind == CHECK_VS_GROUP ? c->group : NULL));
	add(o, "protocol", json_object_new_string(check_protocol_names[c->protocol]));
	add(o, "scheduler", json_object_new_string(check_sched_names[c->sched]));
	add(o, "forwarding", json_object_new_string(check_fwd_method_names[c->fwd.method]));
}

struct installed_ctx {
	const struct check_ipvs *ipvs;
	size_t n, installed;
};

static void count_installed(const struct lvs_service *svc, void *arg)
{
	struct installed_ctx *t = arg;

	t->n++;
	if (check_ipvs_installed(t->ipvs, svc))
		t->installed++;
}

static void vs_installed_json(json_object *o, const struct check_vs *vs)
{
	struct installed_ctx t = { .ipvs = vs->rt->ipvs };
	bool available = check_ipvs_available(vs->rt->ipvs);
	const char *why = NULL;

	check_ipvs_services_of(vs->rt->cfg->check, vs->cfg, count_installed, &t);
	if (!available)
		why = "IPVS is not available in this kernel";
	else if (t.n == 0)
		why = "the virtual server stands for no kernel service";
	else if (t.installed < t.n)
		why = "not (yet) in the kernel's table as wanted";
	add(o, "installed", json_object_new_boolean(why == NULL));
	add(o, "not_installed_reason", json_string_or_null(why));
	add(o, "services", json_object_new_int64((int64_t)t.n));
}

json_object *check_vs_status_json(struct check_vs *vs)
{
	json_object *o = json_object_new_object(), *rss = json_object_new_array();
	char name[160];

	check_vs_name(vs, name, sizeof(name));
	add(o, "name", json_object_new_string(name));
	vs_target_json(o, vs->cfg);
	add(o, "quorum", json_object_new_int64(vs->cfg->quorum));
	add(o, "hysteresis", json_object_new_int64(vs->cfg->hysteresis));
	add(o, "live_weight", json_object_new_int64((int64_t)check_vs_live_weight(vs)));
	add(o, "quorum_ok", json_object_new_boolean(vs->quorum_ok));
	add(o, "ha_suspend", json_object_new_boolean(vs->cfg->ha_suspend));
	add(o, "suspended", json_object_new_boolean(vs->suspended));
	vs_installed_json(o, vs);
	add(o, "sorry_server", sorry_json(vs));
	for (size_t i = 0; i < vs->rss.count; i++)
		json_object_array_add(rss, rs_json(vs->rss.items[i]));
	add(o, "real_servers", rss);
	return o;
}

json_object *check_runtime_status(struct check_runtime *rt)
{
	json_object *status = json_object_new_object(), *ipvs = json_object_new_object();
	json_object *vss = json_object_new_array();

	/* Counters as they are now, not as of the last table change. */
	if (check_ipvs_available(rt->ipvs))
		check_ipvs_refresh(rt->ipvs);
	for (size_t i = 0; i < rt->vss.count; i++)
		json_object_array_add(vss, check_vs_status_json(rt->vss.items[i]));
	add(ipvs, "available", json_object_new_boolean(check_ipvs_available(rt->ipvs)));
	add(ipvs, "version", json_object_new_string(check_ipvs_version(rt->ipvs)));
	check_ipvs_forget_counters(rt->ipvs);
	add(status, "virtual_servers", vss);
	add(status, "ipvs", ipvs);
	return status;
}

/* ---- manual control ---- */

/* "ADDR", "ADDR:PORT" or "[ADDR6]:PORT" split into host and port (NULL
 * when none); false when malformed. */
static bool split_host_port(const char *in, char *host, size_t len, const char **port)
{
	const char *colon = strrchr(in, ':');

	*port = NULL;
	if (in[0] == '[') {
		const char *close = strchr(in, ']');

		if (!close || (close[1] && close[1] != ':') || (size_t)(close - in - 1) >= len)
			return false;
		snprintf(host, len, "%.*s", (int)(close - in - 1), in + 1);
		*port = close[1] ? close + 2 : NULL;
		return true;
	}
	if (colon && strchr(in, ':') == colon) {      /* one colon: IPv4 with a port */
		if ((size_t)(colon - in) >= len)
			return false;
		snprintf(host, len, "%.*s", (int)(colon - in), in);
		*port = colon + 1;
		return true;
	}
	snprintf(host, len, "%s", in);
	return true;
}

/* An address with an optional port in the form check_rs_name and
 * check_vs_name print. */
static bool canonical_address(const char *in, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN + 2], text[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *port;
	unsigned long p = 0;
	int family;
	char *end;

	if (!split_host_port(in, host, sizeof(host), &port))
		return false;
	family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, host, bin) != 1 || !inet_ntop(family, bin, text, sizeof(text)))
		return false;
	if (port && (p = strtoul(port, &end, 10), *end || end == port || p > 65535))
		return false;
	if (!port)
		snprintf(out, len, "%s", text);
	else if (family == AF_INET6)
		snprintf(out, len, "[%s]:%lu", text, p);
	else
		snprintf(out, len, "%s:%lu", text, p);
	return true;
}

/* What the operator typed, as check_vs_name / check_rs_name print it:
 * an address (see above), "fwmark N" or "group NAME". */
static bool canonical_name(const char *in, char *out, size_t len)
{
	unsigned long mark;
	char *end;

	if (strncmp(in, "group ", 6) == 0) {
		snprintf(out, len, "%s", in);
		return true;
	}
	if (strncmp(in, "fwmark ", 7) == 0) {
		mark = strtoul(in + 7, &end, 10);
		if (*end || end == in + 7)
			return false;
		snprintf(out, len, "fwmark %lu", mark);
		return true;
	}
	return canonical_address(in, out, len);
}

static struct check_vs *find_vs(struct check_runtime *rt, const char *want)
{
	char name[160];

	for (size_t i = 0; i < rt->vss.count; i++) {
		check_vs_name(rt->vss.items[i], name, sizeof(name));
		if (strcmp(name, want) == 0)
			return rt->vss.items[i];
	}
	return NULL;
}

static struct check_rs *find_rs(struct check_vs *vs, const char *want)
{
	char name[96];

	for (size_t i = 0; i < vs->rss.count; i++) {
		check_rs_name(vs->rss.items[i], name, sizeof(name));
		if (strcmp(name, want) == 0)
			return vs->rss.items[i];
	}
	return NULL;
}

static const char *string_member(json_object *req, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void apply_action(struct check_rs *rs, bool drain)
{
	char name[96];

	check_rs_name(rs, name, sizeof(name));
	if (rs->drained != drain)
		log_notice("real server %s: %s by the operator", name, drain ? "drained" : "enabled");
	rs->drained = drain;
	rs->drain_done = false;
	/* check_rs_update tells subscribers when the effective weight moved. */
	rs->weight_cause = drain ? "drain" : "enable";
	check_rs_update(rs, false);
	check_vs_update(rs->vs);
	check_runtime_changed(rs->vs->rt);
	if (drain)
		check_runtime_drain_poll(rs->vs->rt);
}

static json_object *action_result(struct check_rs *rs, const char *action)
{
	json_object *o = json_object_new_object();
	char vs_name[160], rs_name[96];

	check_vs_name(rs->vs, vs_name, sizeof(vs_name));
	check_rs_name(rs, rs_name, sizeof(rs_name));
	add(o, "action", json_object_new_string(action));
	add(o, "virtual_server", json_object_new_string(vs_name));
	add(o, "real_server", json_object_new_string(rs_name));
	add(o, "result", rs_json(rs));
	return o;
}

json_object *check_runtime_command(struct check_runtime *rt, json_object *req)
{
	const char *action = string_member(req, "action");
	const char *vs_in = string_member(req, "virtual_server");
	const char *rs_in = string_member(req, "real_server");
	char vs_want[160], rs_want[96], msg[320];
	struct check_vs *vs;
	struct check_rs *rs;

	if (!action || (strcmp(action, "drain") != 0 && strcmp(action, "enable") != 0))
		return ctl_response_error("\"action\" must be drain or enable");
	if (!vs_in || !canonical_name(vs_in, vs_want, sizeof(vs_want)))
		return ctl_response_error("\"virtual_server\" must be ADDRESS:PORT, ADDRESS, "
					  "\"fwmark N\" or \"group NAME\"");
	if (!rs_in || !canonical_name(rs_in, rs_want, sizeof(rs_want)))
		return ctl_response_error("\"real_server\" must be ADDRESS:PORT or ADDRESS");
	vs = find_vs(rt, vs_want);
	if (!vs) {
		snprintf(msg, sizeof(msg), "no such virtual server: %s", vs_in);
		return ctl_response_error(msg);
	}
	rs = find_rs(vs, rs_want);
	if (!rs) {
		snprintf(msg, sizeof(msg), "no real server %s in virtual server %s", rs_in, vs_want);
		return ctl_response_error(msg);
	}
	apply_action(rs, strcmp(action, "drain") == 0);
	return ctl_response_ok(action_result(rs, action));
}
