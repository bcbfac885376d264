/* virtual_server { ... } and real_server { ... } blocks, and sorry_server. */
#include "config.h"
#include "check_conf_tables.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define CHECK_FWMARK_MIN 1u
#define CHECK_WEIGHT_MAX 2147483647u          /* IPVS weights are non-negative ints */
#define CHECK_PERSISTENCE_DEFAULT 360u        /* 6 minutes */
#define CHECK_PERSISTENCE_MAX (31u * 86400u)  /* the longest IPVS accepts */

void check_rs_free(void *obj)
{
	struct check_rs_config *rs = obj;

	if (!rs)
		return;
	check_defaults_clear(&rs->defaults);
	check_script_free(rs->notify_up);
	check_script_free(rs->notify_down);
	free(rs->snmp_name);
	ptr_array_free(&rs->checkers, check_checker_free);
	free(rs);
}

void check_vs_free(void *obj)
{
	struct check_vs_config *vs = obj;

	if (!vs)
		return;
	check_defaults_clear(&vs->defaults);
	free(vs->group);
	free(vs->persistence_engine);
	free(vs->snmp_name);
	check_script_free(vs->quorum_up);
	check_script_free(vs->quorum_down);
	check_rs_free(vs->sorry);
	ptr_array_free(&vs->real_servers, check_rs_free);
	free(vs);
}

/* ---- virtual_server IP [PORT] | fwmark N | group NAME ---- */

static bool vs_parse_target(struct conf_parser *p, const struct conf_args *a,
			    struct check_vs_config *vs)
{
	if (strcmp(a->argv[1], "fwmark") == 0 || strcmp(a->argv[1], "group") == 0) {
		if (a->argc != 3) {
			conf_error(p, a, "virtual_server %s needs exactly one value", a->argv[1]);
			return false;
		}
		if (a->argv[1][0] == 'g') {
			vs->kind = CHECK_VS_GROUP;
			vs->group = xstrdup(a->argv[2]);
			return true;
		}
		vs->kind = CHECK_VS_FWMARK;
		return conf_get_u32(p, a, 2, CHECK_FWMARK_MIN, UINT32_MAX, &vs->fwmark);
	}
	vs->kind = CHECK_VS_ADDR;
	if (!conf_get_addr(p, a, 1, CONF_FAMILY_ANY, false, &vs->addr))
		return false;
	vs->has_port = a->argc > 2;
	return !vs->has_port || conf_get_port(p, a, 2, false, &vs->port);
}

static void *vs_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_config *cc = check_conf_of(p);
	struct check_vs_config *vs = XNEW(struct check_vs_config);

	vs->where = a->where;
	/* keepalived 2.2.7 makes a virtual server without `protocol` a UDP
	 * service (and logs it); the same file must build the same table. */
	vs->protocol = CHECK_PROTO_UDP;
	vs->sched = CHECK_SCHED_WLC;
	vs->fwd.method = CHECK_FWD_NAT;
	vs->quorum = 1;
	vs->ip_family = AF_UNSPEC;
	if (!vs_parse_target(p, a, vs)) {
		check_vs_free(vs);
		return NULL;
	}
	ptr_array_push(&cc->virtual_servers, vs);
	return vs;
}

static void kw_lvs_sched(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;
	int v;

	if (conf_get_enum(p, a, 1, check_sched_names, &v))
		vs->sched = v;
}

/* hashed, flag-1, ..., mh-fallback: the keyword is the flag's name. */
static void kw_sched_flag(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;

	for (int i = 0; i < CHECK_SCHED_F_COUNT; i++)
		if (strcmp(check_sched_flag_names[i], a->argv[0]) == 0)
			vs->sched_flags |= 1u << i;
}

static void kw_vs_bool(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;
	bool value;

	if (!conf_get_bool(p, a, 1, &value))
		return;
	if (strcmp(a->argv[0], "ops") == 0)
		vs->ops = value;
	else if (strcmp(a->argv[0], "ha_suspend") == 0)
		vs->ha_suspend = value;
	else if (strcmp(a->argv[0], "omega") == 0)
		vs->omega = value;
	else if (strcmp(a->argv[0], "sorry_server_inhibit") == 0)
		vs->sorry_inhibit = value;
	else {
		vs->smtp_alert = value;
		vs->smtp_alert_set = true;
	}
}

static void kw_vs_lvs_method(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;

	check_fwd_parse(p, a, strcmp(a->argv[0], "sorry_server_lvs_method") == 0 ?
			&vs->sorry_fwd : &vs->fwd);
}

/* persistence_timeout [SECONDS]: with no value, keepalived's 6 minutes. */
static void kw_persistence_timeout(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;
	uint32_t t = CHECK_PERSISTENCE_DEFAULT;

	if (a->argc > 1 && !conf_get_u32(p, a, 1, 1, CHECK_PERSISTENCE_MAX, &t))
		return;
	vs->persistent = true;
	vs->persistence_timeout = t;
}

/* An IPv4 netmask as a prefix length, or -1 if the mask is not contiguous. */
static int netmask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int len = 0;

	while (len < 32 && (m & (0x80000000u >> len)))
		len++;
	if (len < 32 && (m << len) != 0)
		return -1;
	return len;
}

/* persistence_granularity: an IPv4 netmask (255.255.255.0) or, for IPv6, a
 * prefix length (64). */
static void kw_persistence_granularity(struct conf_parser *p, void *obj,
				       const struct conf_args *a)
{
	struct check_vs_config *vs = obj;
	struct in_addr mask;
	uint32_t len;
	int prefix;

	if (strchr(a->argv[1], '.')) {
		prefix = inet_pton(AF_INET, a->argv[1], &mask) == 1 ? netmask_prefix(mask) : -1;
		if (prefix < 0) {
			conf_error(p, a, "persistence_granularity: '%s' is not a netmask",
				   a->argv[1]);
			return;
		}
		vs->granularity_family = AF_INET;
		vs->granularity_prefix = prefix;
	} else {
		if (!conf_get_u32(p, a, 1, 1, 128, &len))
			return;
		vs->granularity_family = AF_INET6;
		vs->granularity_prefix = len;
	}
	vs->has_granularity = true;
}

static void kw_vs_string(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;

	if (strcmp(a->argv[0], "persistence_engine") == 0)
		check_set_string(&vs->persistence_engine, a->argv[1]);
	else
		check_set_string(&vs->snmp_name, a->argv[1]);
}

static void kw_protocol(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;
	int v;

	if (conf_get_enum(p, a, 1, check_protocol_names, &v)) {
		vs->protocol = v;
		vs->protocol_set = true;
	}
}

static void kw_quorum(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;

	if (strcmp(a->argv[0], "quorum") == 0)
		conf_get_u32(p, a, 1, 1, CHECK_WEIGHT_MAX, &vs->quorum);
	else
		conf_get_u32(p, a, 1, 0, CHECK_WEIGHT_MAX, &vs->hysteresis);
}

static void kw_quorum_script(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;

	check_script_parse(a, strcmp(a->argv[0], "quorum_up") == 0 ?
			   &vs->quorum_up : &vs->quorum_down);
}

static void kw_ip_family(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	static const char *const names[] = { "inet", "inet6", NULL };
	struct check_vs_config *vs = obj;
	int v;

	if (!conf_get_enum(p, a, 1, names, &v))
		return;
	vs->ip_family = v == 0 ? AF_INET : AF_INET6;
}

/* ---- real servers ---- */

/* IP [PORT] of a real or sorry server into a new object. */
static struct check_rs_config *rs_new(struct conf_parser *p, const struct conf_args *a)
{
	struct check_rs_config *rs = XNEW(struct check_rs_config);

	rs->where = a->where;
	rs->weight = 1;
	if (!conf_get_addr(p, a, 1, CONF_FAMILY_ANY, false, &rs->addr) ||
	    (a->argc > 2 && !conf_get_port(p, a, 2, false, &rs->port))) {
		check_rs_free(rs);
		return NULL;
	}
	rs->has_port = a->argc > 2;
	return rs;
}

static void kw_sorry_server(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vs_config *vs = obj;
	struct check_rs_config *rs = rs_new(p, a);

	if (!rs)
		return;
	if (vs->sorry) {
		conf_error(p, a, "sorry_server: a second sorry server (the first is at line %u)",
			   vs->sorry->where.line);
		check_rs_free(rs);
		return;
	}
	vs->sorry = rs;
}

static void *rs_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_vs_config *vs = parent;
	struct check_rs_config *rs = rs_new(p, a);

	if (rs)
		ptr_array_push(&vs->real_servers, rs);
	return rs;
}

static void kw_weight(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_rs_config *rs = obj;

	conf_get_u32(p, a, 1, 0, CHECK_WEIGHT_MAX, &rs->weight);
}

static void kw_rs_lvs_method(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_rs_config *rs = obj;

	check_fwd_parse(p, a, &rs->fwd);
}

static void kw_notify(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_rs_config *rs = obj;

	check_script_parse(a, strcmp(a->argv[0], "notify_up") == 0 ?
			   &rs->notify_up : &rs->notify_down);
}

static void kw_threshold(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_rs_config *rs = obj;

	conf_get_u32(p, a, 1, 0, UINT32_MAX,
		     a->argv[0][0] == 'u' ? &rs->uthreshold : &rs->lthreshold);
}

static void kw_rs_smtp_alert(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_rs_config *rs = obj;

	if (conf_get_bool(p, a, 1, &rs->smtp_alert))
		rs->smtp_alert_set = true;
}

static void kw_rs_snmp_name(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_rs_config *rs = obj;

	check_set_string(&rs->snmp_name, a->argv[1]);
}

static const struct conf_keyword rs_keywords[] = {
	{ "weight", kw_weight, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "lvs_method", kw_rs_lvs_method, NULL, CONF_SUPPORTED, 1, 7, NULL },
	{ "lb_kind", kw_rs_lvs_method, NULL, CONF_SUPPORTED, 1, 7, NULL },  /* old name */
	{ "notify_up", kw_notify, NULL, CONF_SUPPORTED, 1, 3, NULL },
	{ "notify_down", kw_notify, NULL, CONF_SUPPORTED, 1, 3, NULL },
	{ "uthreshold", kw_threshold, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "lthreshold", kw_threshold, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "smtp_alert", kw_rs_smtp_alert, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "snmp_name", kw_rs_snmp_name, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

/* Its checkers are all there: the list's spare slots go. */
static void rs_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct check_rs_config *rs = obj;

	(void)p;
	(void)opened;
	ptr_array_fit(&rs->checkers);
}

static const struct conf_block rs_block = {
	.name = "real_server",
	.tables = CONF_TABLES(rs_keywords, check_defaults_keywords, check_inhibit_keywords,
			      check_rise_fall_keywords, check_virtualhost_keywords,
			      check_checker_type_keywords),
	.open = rs_open,
	.close = rs_close,
};

static const struct conf_keyword vs_keywords[] = {
	{ "lvs_sched", kw_lvs_sched, NULL, CONF_SUPPORTED, 1, 1, NULL },
	/* lb_algo and lb_kind: the old names, still in keepalived's own samples */
	{ "lb_algo", kw_lvs_sched, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "hashed", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "flag-1", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "flag-2", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "flag-3", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "sh-port", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "sh-fallback", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "mh-port", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "mh-fallback", kw_sched_flag, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "ops", kw_vs_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "lvs_method", kw_vs_lvs_method, NULL, CONF_SUPPORTED, 1, 7, NULL },
	{ "lb_kind", kw_vs_lvs_method, NULL, CONF_SUPPORTED, 1, 7, NULL },
	{ "persistence_engine", kw_vs_string, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "persistence_timeout", kw_persistence_timeout, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "persistence_granularity", kw_persistence_granularity, NULL, CONF_SUPPORTED, 1, 1,
	  NULL },
	{ "protocol", kw_protocol, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "ha_suspend", kw_vs_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "smtp_alert", kw_vs_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "snmp_name", kw_vs_string, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "omega", kw_vs_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "quorum", kw_quorum, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "hysteresis", kw_quorum, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "quorum_up", kw_quorum_script, NULL, CONF_SUPPORTED, 1, 3, NULL },
	{ "quorum_down", kw_quorum_script, NULL, CONF_SUPPORTED, 1, 3, NULL },
	{ "ip_family", kw_ip_family, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "sorry_server", kw_sorry_server, NULL, CONF_SUPPORTED, 1, 2, NULL },
	{ "sorry_server_inhibit", kw_vs_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "sorry_server_lvs_method", kw_vs_lvs_method, NULL, CONF_SUPPORTED, 1, 7, NULL },
	{ "real_server", NULL, &rs_block, CONF_SUPPORTED, 1, 2, NULL },
	{ NULL },
};

const struct conf_block check_vs_block = {
	.name = "virtual_server",
	.tables = CONF_TABLES(vs_keywords, check_defaults_keywords, check_inhibit_keywords,
			      check_virtualhost_keywords),
	.open = vs_open,
};
