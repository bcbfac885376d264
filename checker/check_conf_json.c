/* The LVS configuration as JSON: the `--dump-config` view (what the file
 * said, with addresses as strings and times in seconds) and the initial
 * `vigilctl status` view of the virtual servers. */
#include "config.h"
#include "check_conf_tables.h"
#include "json_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *seconds_json(uint64_t us)
{
	return json_object_new_double((double)us / 1e6);
}

static json_object *family_json(int family)
{
	return family == AF_INET ? json_object_new_string("inet") :
	       family == AF_INET6 ? json_object_new_string("inet6") : NULL;
}

/* Bytes as hex, with masked-out nibbles as 'X' (UDP_CHECK data). */
static json_object *hex_json(const uint8_t *data, const uint8_t *mask, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = xmalloc(len * 2 + 1);
	json_object *o;

	for (size_t i = 0; i < len; i++) {
		uint8_t m = mask ? mask[i] : 0xff;

		s[2 * i] = (m & 0xf0) ? digits[data[i] >> 4] : 'X';
		s[2 * i + 1] = (m & 0x0f) ? digits[data[i] & 0xf] : 'X';
	}
	s[len * 2] = '\0';
	o = json_object_new_string(s);
	free(s);
	return o;
}

static json_object *script_json(const struct check_script *s)
{
	json_object *o;

	if (!s)
		return NULL;
	o = json_object_new_object();
	add(o, "command", json_string_or_null(s->command));
	add(o, "user", json_string_or_null(s->user));
	add(o, "group", json_string_or_null(s->group));
	return o;
}

static json_object *fwd_json(const struct check_fwd *f)
{
	json_object *o = json_object_new_object();

	add(o, "method", json_object_new_string(check_fwd_method_names[f->method]));
	if (f->method == CHECK_FWD_TUN) {
		add(o, "tunnel_type", json_object_new_string(check_tunnel_type_names[f->tunnel]));
		if (f->tunnel == CHECK_TUN_GUE)
			add(o, "tunnel_port", json_object_new_int(f->tunnel_port));
		add(o, "checksum", json_string_or_null(check_tunnel_csum_names[f->csum]));
	}
	return o;
}

/* Only what this level set: the rest is inherited. */
static void defaults_json(json_object *o, const struct check_defaults *d)
{
	if (d->set & CHECK_SET_CONNECT_TIMEOUT)
		add(o, "connect_timeout", seconds_json(d->connect_timeout_us));
	if (d->set & CHECK_SET_DELAY_LOOP)
		add(o, "delay_loop", seconds_json(d->delay_loop_us));
	if (d->set & CHECK_SET_DELAY_BEFORE_RETRY)
		add(o, "delay_before_retry", seconds_json(d->delay_before_retry_us));
	if (d->set & CHECK_SET_WARMUP)
		add(o, "warmup", seconds_json(d->warmup_us));
	if (d->set & CHECK_SET_RETRY)
		add(o, "retry", json_object_new_int64(d->retry));
	if (d->set & CHECK_SET_ALPHA)
		add(o, "alpha", json_object_new_boolean(d->alpha));
	if (d->set & CHECK_SET_INHIBIT)
		add(o, "inhibit_on_failure", json_object_new_boolean(d->inhibit_on_failure));
	if (d->set & CHECK_SET_LOG_ALL_FAILURES)
		add(o, "log_all_failures", json_object_new_boolean(d->log_all_failures));
	if (d->set & CHECK_SET_RISE)
		add(o, "rise", json_object_new_int64(d->rise));
	if (d->set & CHECK_SET_FALL)
		add(o, "fall", json_object_new_int64(d->fall));
	if (d->virtualhost)
		add(o, "virtualhost", json_object_new_string(d->virtualhost));
}

static json_object *names_json(unsigned bits, const char *const *names)
{
	json_object *a = json_object_new_array();

	for (int i = 0; names[i]; i++)
		if (bits & (1u << i))
			json_object_array_add(a, json_object_new_string(names[i]));
	return a;
}

/* ---- checkers ---- */

static json_object *url_json(const struct check_url_config *u)
{
	json_object *o = json_object_new_object(), *codes = json_object_new_array();
	char buf[16];

	add(o, "path", json_string_or_null(u->path));
	add(o, "digest", json_string_or_null(u->digest));
	for (size_t i = 0; i < u->n_status; i++) {
		if (u->status[i].low == u->status[i].high)
			snprintf(buf, sizeof(buf), "%u", u->status[i].low);
		else
			snprintf(buf, sizeof(buf), "%u-%u", u->status[i].low, u->status[i].high);
		json_object_array_add(codes, json_object_new_string(buf));
	}
	if (u->n_status == 0)
		json_object_array_add(codes, json_object_new_string("200-299"));
	add(o, "status_code", codes);
	add(o, "virtualhost", json_string_or_null(u->virtualhost));
	add(o, "regex", json_string_or_null(u->regex));
	add(o, "regex_no_match", json_object_new_boolean(u->regex_no_match));
	add(o, "regex_options", names_json(u->regex_options, check_regex_option_names));
	if (u->regex_stack_max) {
		add(o, "regex_stack_start", json_object_new_int64(u->regex_stack_start));
		add(o, "regex_stack_max", json_object_new_int64(u->regex_stack_max));
	}
	add(o, "regex_min_offset", json_object_new_int64(u->regex_min_offset));
	add(o, "regex_max_offset", json_object_new_int64(u->regex_max_offset));
	return o;
}

static void connection_json(json_object *o, const struct check_checker_config *c)
{
	if (c->has_connect_ip)
		add(o, "connect_ip", json_vigil_addr(&c->connect_ip));
	if (c->has_connect_port)
		add(o, "connect_port", json_object_new_int(c->connect_port));
	if (c->has_bindto)
		add(o, "bindto", json_vigil_addr(&c->bindto));
	if (c->has_bind_port)
		add(o, "bind_port", json_object_new_int(c->bind_port));
	if (c->bind_if)
		add(o, "bind_if", json_object_new_string(c->bind_if));
	if (c->has_fwmark)
		add(o, "fwmark", json_object_new_int64(c->fwmark));
}

static json_object *checker_json(const struct check_checker_config *c);

static void http_json(json_object *o, const struct check_checker_config *c)
{
	json_object *urls = json_object_new_array();

	add(o, "http_protocol",
	    json_object_new_string(check_http_protocol_names[c->http.protocol]));
	add(o, "fast_recovery", json_object_new_boolean(c->http.fast_recovery));
	if (c->type == CHECK_TYPE_SSL_GET)
		add(o, "enable_sni", json_object_new_boolean(c->http.enable_sni));
	for (size_t i = 0; i < c->http.urls.count; i++)
		json_object_array_add(urls, url_json(c->http.urls.items[i]));
	add(o, "urls", urls);
}

static void smtp_json(json_object *o, const struct check_checker_config *c)
{
	json_object *hosts = json_object_new_array();

	add(o, "helo_name", json_string_or_null(c->smtp.helo_name));
	for (size_t i = 0; i < c->smtp.hosts.count; i++)
		json_object_array_add(hosts, checker_json(c->smtp.hosts.items[i]));
	add(o, "hosts", hosts);
}

static void udp_json(json_object *o, const struct check_checker_config *c)
{
	add(o, "payload", c->udp.payload ? hex_json(c->udp.payload, NULL, c->udp.payload_len)
					 : NULL);
	add(o, "require_reply", json_object_new_boolean(c->udp.require_reply));
	add(o, "reply", c->udp.reply_len ? hex_json(c->udp.reply, c->udp.reply_mask,
						    c->udp.reply_len) : NULL);
	add(o, "min_reply_length", json_object_new_int64(c->udp.min_reply_length));
	add(o, "max_reply_length", json_object_new_int64(c->udp.max_reply_length));
}

static void misc_json(json_object *o, const struct check_checker_config *c)
{
	const struct check_script *s = c->misc.path;

	add(o, "misc_path", json_string_or_null(s ? s->command : NULL));
	add(o, "user", json_string_or_null(s ? s->user : NULL));
	add(o, "group", json_string_or_null(s ? s->group : NULL));
	add(o, "misc_timeout", c->misc.timeout_us ? seconds_json(c->misc.timeout_us) : NULL);
	add(o, "misc_dynamic", json_object_new_boolean(c->misc.dynamic));
}

static void type_json(json_object *o, const struct check_checker_config *c)
{
	switch (c->type) {
	case CHECK_TYPE_HTTP_GET:
	case CHECK_TYPE_SSL_GET:
		http_json(o, c);
		break;
	case CHECK_TYPE_SMTP:
		smtp_json(o, c);
		break;
	case CHECK_TYPE_DNS:
		add(o, "query_type", json_object_new_string(check_dns_type_names[c->dns.type]));
		add(o, "name", json_object_new_string(c->dns.name ? c->dns.name : "."));
		break;
	case CHECK_TYPE_UDP:
		udp_json(o, c);
		break;
	case CHECK_TYPE_MISC:
		misc_json(o, c);
		break;
	case CHECK_TYPE_FILE:
		add(o, "track_file", json_string_or_null(c->file.track_file));
		add(o, "dynamic", json_object_new_boolean(c->file.dynamic));
		add(o, "weight", c->file.weight_set ? json_object_new_int(c->file.weight) : NULL);
		add(o, "reverse", json_object_new_boolean(c->file.reverse));
		break;
	default:
		break;
	}
}

static json_object *checker_json(const struct check_checker_config *c)
{
	json_object *o = json_object_new_object();

	add(o, "type", json_object_new_string(check_type_names[c->type]));
	add(o, "line", json_object_new_int64(c->where.line));
	connection_json(o, c);
	defaults_json(o, &c->defaults);
	type_json(o, c);
	return o;
}

/* The checker with everything inherited and defaulted resolved. */
static json_object *effective_json(const struct check_vs_config *vs,
				   const struct check_rs_config *rs,
				   const struct check_checker_config *c)
{
	struct check_defaults d;
	json_object *o = json_object_new_object();

	check_checker_effective(vs, rs, c, &d);
	defaults_json(o, &d);
	if (!d.virtualhost)
		add(o, "virtualhost", NULL);
	return o;
}

/* ---- servers ---- */

static void server_address_json(json_object *o, const struct check_rs_config *rs)
{
	add(o, "address", json_vigil_addr(&rs->addr));
	add(o, "port", rs->has_port ? json_object_new_int(rs->port) : NULL);
}

static json_object *rs_json(const struct check_vs_config *vs, const struct check_rs_config *rs)
{
	json_object *o = json_object_new_object(), *checkers = json_object_new_array();

	server_address_json(o, rs);
	add(o, "line", json_object_new_int64(rs->where.line));
	add(o, "weight", json_object_new_int64(rs->weight));
	add(o, "forwarding", fwd_json(check_rs_fwd(vs, rs)));
	add(o, "notify_up", script_json(rs->notify_up));
	add(o, "notify_down", script_json(rs->notify_down));
	add(o, "uthreshold", json_object_new_int64(rs->uthreshold));
	add(o, "lthreshold", json_object_new_int64(rs->lthreshold));
	add(o, "smtp_alert", rs->smtp_alert_set ? json_object_new_boolean(rs->smtp_alert) : NULL);
	add(o, "snmp_name", json_string_or_null(rs->snmp_name));
	defaults_json(o, &rs->defaults);
	for (size_t i = 0; i < rs->checkers.count; i++) {
		json_object *c = checker_json(rs->checkers.items[i]);

		add(c, "effective", effective_json(vs, rs, rs->checkers.items[i]));
		json_object_array_add(checkers, c);
	}
	add(o, "checkers", checkers);
	return o;
}

static json_object *sorry_json(const struct check_vs_config *vs)
{
	json_object *o;

	if (!vs->sorry)
		return NULL;
	o = json_object_new_object();
	server_address_json(o, vs->sorry);
	add(o, "forwarding", fwd_json(vs->sorry_fwd.set ? &vs->sorry_fwd : &vs->fwd));
	add(o, "inhibit", json_object_new_boolean(vs->sorry_inhibit));
	return o;
}

/* address/port, fwmark or group: the others are null. */
static void vs_target_json(json_object *o, const struct check_vs_config *vs)
{
	add(o, "address", vs->kind == CHECK_VS_ADDR ? json_vigil_addr(&vs->addr) : NULL);
	add(o, "port", vs->kind == CHECK_VS_ADDR && vs->has_port ?
	    json_object_new_int(vs->port) : NULL);
	add(o, "fwmark", vs->kind == CHECK_VS_FWMARK ? json_object_new_int64(vs->fwmark) : NULL);
	add(o, "group", json_string_or_null(vs->kind == CHECK_VS_GROUP ? vs->group : NULL));
	add(o, "protocol", json_object_new_string(check_protocol_names[vs->protocol]));
	add(o, "scheduler", json_object_new_string(check_sched_names[vs->sched]));
}

static void vs_persistence_json(json_object *o, const struct check_vs_config *vs)
{
	json_object *g = NULL;

	add(o, "persistence_timeout",
	    vs->persistent ? json_object_new_int64(vs->persistence_timeout) : NULL);
	if (vs->has_granularity) {
		g = json_object_new_object();
		add(g, "family", family_json(vs->granularity_family));
		add(g, "prefix", json_object_new_int(vs->granularity_prefix));
	}
	add(o, "persistence_granularity", g);
	add(o, "persistence_engine", json_string_or_null(vs->persistence_engine));
}

static json_object *vs_json(const struct check_vs_config *vs)
{
	json_object *o = json_object_new_object(), *rss = json_object_new_array();

	add(o, "kind", json_object_new_string(check_vs_kind_names[vs->kind]));
	vs_target_json(o, vs);
	add(o, "line", json_object_new_int64(vs->where.line));
	add(o, "scheduler_flags", names_json(vs->sched_flags, check_sched_flag_names));
	add(o, "ops", json_object_new_boolean(vs->ops));
	add(o, "forwarding", fwd_json(&vs->fwd));
	vs_persistence_json(o, vs);
	add(o, "ha_suspend", json_object_new_boolean(vs->ha_suspend));
	add(o, "omega", json_object_new_boolean(vs->omega));
	add(o, "smtp_alert", vs->smtp_alert_set ? json_object_new_boolean(vs->smtp_alert) : NULL);
	add(o, "snmp_name", json_string_or_null(vs->snmp_name));
	add(o, "quorum", json_object_new_int64(vs->quorum));
	add(o, "hysteresis", json_object_new_int64(vs->hysteresis));
	add(o, "quorum_up", script_json(vs->quorum_up));
	add(o, "quorum_down", script_json(vs->quorum_down));
	add(o, "ip_family", family_json(vs->ip_family));
	add(o, "sorry_server", sorry_json(vs));
	defaults_json(o, &vs->defaults);
	for (size_t i = 0; i < vs->real_servers.count; i++)
		json_object_array_add(rss, rs_json(vs, vs->real_servers.items[i]));
	add(o, "real_servers", rss);
	return o;
}

static json_object *vsg_entry_json(const struct check_vsg_entry *e)
{
	json_object *o = json_object_new_object();

	if (e->kind == CHECK_VSG_FWMARK) {
		add(o, "fwmark", json_object_new_int64(e->fwmark));
		add(o, "family", family_json(e->family));
		return o;
	}
	add(o, "address", json_vigil_addr(&e->first));
	if (!vigil_addr_equal(&e->first, &e->last))
		add(o, "last", json_vigil_addr(&e->last));
	add(o, "port", e->has_port ? json_object_new_int(e->port) : NULL);
	return o;
}

static json_object *vsg_json(const struct check_vsg_config *g)
{
	json_object *o = json_object_new_object(), *entries = json_object_new_array();

	add(o, "name", json_object_new_string(g->name));
	for (size_t i = 0; i < g->entries.count; i++)
		json_object_array_add(entries, vsg_entry_json(g->entries.items[i]));
	add(o, "entries", entries);
	return o;
}

static json_object *ssl_json(const struct check_ssl_config *ssl)
{
	json_object *o;

	if (!ssl->present)
		return NULL;
	o = json_object_new_object();
	/* the password is a secret: say only whether there is one */
	add(o, "password_set", json_object_new_boolean(ssl->password != NULL));
	add(o, "ca", json_string_or_null(ssl->ca));
	add(o, "certificate", json_string_or_null(ssl->certificate));
	add(o, "key", json_string_or_null(ssl->key));
	return o;
}

json_object *check_rs_config_to_json(const struct check_vs_config *vs,
				     const struct check_rs_config *rs)
{
	return rs_json(vs, rs);
}

json_object *check_ssl_config_to_json(const struct check_ssl_config *ssl)
{
	return ssl_json(ssl);
}

json_object *check_config_to_json(const struct check_config *cc)
{
	json_object *o = json_object_new_object();
	json_object *groups = json_object_new_array(), *vss = json_object_new_array();

	for (size_t i = 0; cc && i < cc->groups.count; i++)
		json_object_array_add(groups, vsg_json(cc->groups.items[i]));
	for (size_t i = 0; cc && i < cc->virtual_servers.count; i++)
		json_object_array_add(vss, vs_json(cc->virtual_servers.items[i]));
	add(o, "virtual_server_groups", groups);
	add(o, "virtual_servers", vss);
	add(o, "ssl", cc ? ssl_json(&cc->ssl) : NULL);
	return o;
}

/* ---- status before the checker engine has run ---- */

static json_object *rs_status_json(const struct check_rs_config *rs)
{
	json_object *o = json_object_new_object();

	server_address_json(o, rs);
	add(o, "weight", json_object_new_int64(rs->weight));
	add(o, "up", NULL);                    /* not checked yet */
	add(o, "last_check", NULL);
	add(o, "last_failure_reason", NULL);
	return o;
}

json_object *check_config_status_json(const struct check_config *cc, bool ipvs_available)
{
	json_object *vss = json_object_new_array();

	for (size_t i = 0; cc && i < cc->virtual_servers.count; i++) {
		const struct check_vs_config *vs = cc->virtual_servers.items[i];
		json_object *o = json_object_new_object(), *rss = json_object_new_array();

		vs_target_json(o, vs);
		add(o, "forwarding",
		    json_object_new_string(check_fwd_method_names[vs->fwd.method]));
		add(o, "quorum_ok", NULL);             /* unknown until checks run */
		add(o, "installed", json_object_new_boolean(false));
		add(o, "not_installed_reason", json_object_new_string(
			    ipvs_available ? "health checks have not run yet"
					   : "IPVS is not available in this kernel"));
		for (size_t j = 0; j < vs->real_servers.count; j++)
			json_object_array_add(rss, rs_status_json(vs->real_servers.items[j]));
		add(o, "real_servers", rss);
		json_object_array_add(vss, o);
	}
	return vss;
}
