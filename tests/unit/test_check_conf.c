/* Unit tests for the LVS configuration (checker/check_conf*.c): every
 * configuration goes through vigil_config_load_string() as vigild -t would,
 * values are asserted through the JSON dump, and every error path through
 * its FILE:LINE and message.  Line numbers in the comments (/ * 3 * /) are
 * the lines of the configuration text. */
#include "unit.h"

#include <json-c/json.h>

#include "checker/check_conf.h"
#include "daemon/config_load.h"
#include "daemon/global_conf.h"

#define F "lvs.conf"

/* ---- loading and JSON helpers ---- */

struct loaded {
	struct conf_diags diags;
	struct vigil_config *cfg;
	json_object *json;            /* check_config_to_json(cfg->check) */
};

static void load_opts(struct loaded *l, const char *text, bool check_host)
{
	struct config_load_options opts = { .config_id = "test", .check_host = check_host };

	conf_diags_init(&l->diags);
	l->cfg = vigil_config_load_string(F, text, &opts, &l->diags);
	l->json = l->cfg ? check_config_to_json(l->cfg->check) : NULL;
}

static void load(struct loaded *l, const char *text)
{
	load_opts(l, text, false);
}

/* Loads text that must be accepted without errors. */
#define load_ok(l, text) do { \
	load((l), (text)); \
	unit_assert_no_errors(&(l)->diags); \
	assert_non_null((l)->json); \
} while (0)

static void unload(struct loaded *l)
{
	json_object_put(l->json);
	vigil_config_free(l->cfg);
	conf_diags_free(&l->diags);
}

/* "virtual_servers.0.real_servers.1.weight": object keys and array
 * indexes.  Returns false when a step is missing (a JSON null is found). */
static bool jfind(json_object *root, const char *path, json_object **out)
{
	char buf[256], *save = NULL;
	json_object *o = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *step = strtok_r(buf, ".", &save); step; step = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array)) {
			size_t i = strtoul(step, NULL, 10);

			if (i >= json_object_array_length(o))
				return false;
			o = json_object_array_get_idx(o, i);
		} else if (!json_object_is_type(o, json_type_object) ||
			   !json_object_object_get_ex(o, step, &o)) {
			return false;
		}
	}
	*out = o;
	return true;
}

static json_object *jget_at(json_object *root, const char *path, const char *file, int line)
{
	json_object *o = NULL;

	if (!jfind(root, path, &o)) {
		print_error("JSON path %s not found in %s\n", path,
			    json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
		_fail(file, line);
	}
	return o;
}

static void jstr_at(json_object *root, const char *path, const char *want, const char *file,
		    int line)
{
	json_object *o = jget_at(root, path, file, line);

	if (!o || !json_object_is_type(o, json_type_string) ||
	    strcmp(json_object_get_string(o), want) != 0) {
		print_error("%s: expected \"%s\", got %s\n", path, want,
			    o ? json_object_to_json_string(o) : "null");
		_fail(file, line);
	}
}

static void jint_at(json_object *root, const char *path, int64_t want, const char *file,
		    int line)
{
	json_object *o = jget_at(root, path, file, line);

	if (!o || !json_object_is_type(o, json_type_int) || json_object_get_int64(o) != want) {
		print_error("%s: expected %lld, got %s\n", path, (long long)want,
			    o ? json_object_to_json_string(o) : "null");
		_fail(file, line);
	}
}

static void jdbl_at(json_object *root, const char *path, double want, const char *file,
		    int line)
{
	json_object *o = jget_at(root, path, file, line);

	if (!o || !json_object_is_type(o, json_type_double) ||
	    json_object_get_double(o) < want - 1e-9 || json_object_get_double(o) > want + 1e-9) {
		print_error("%s: expected %g, got %s\n", path, want,
			    o ? json_object_to_json_string(o) : "null");
		_fail(file, line);
	}
}

static void jbool_at(json_object *root, const char *path, bool want, const char *file,
		     int line)
{
	json_object *o = jget_at(root, path, file, line);

	if (!o || !json_object_is_type(o, json_type_boolean) ||
	    json_object_get_boolean(o) != want) {
		print_error("%s: expected %s, got %s\n", path, want ? "true" : "false",
			    o ? json_object_to_json_string(o) : "null");
		_fail(file, line);
	}
}

static void jnull_at(json_object *root, const char *path, const char *file, int line)
{
	json_object *o = jget_at(root, path, file, line);

	if (o) {
		print_error("%s: expected null, got %s\n", path, json_object_to_json_string(o));
		_fail(file, line);
	}
}

static void jabsent_at(json_object *root, const char *path, const char *file, int line)
{
	json_object *o;

	if (jfind(root, path, &o)) {
		print_error("%s: expected no such member\n", path);
		_fail(file, line);
	}
}

#define jstr(l, path, want) jstr_at((l)->json, (path), (want), __FILE__, __LINE__)
#define jint(l, path, want) jint_at((l)->json, (path), (want), __FILE__, __LINE__)
#define jdbl(l, path, want) jdbl_at((l)->json, (path), (want), __FILE__, __LINE__)
#define jbool(l, path, want) jbool_at((l)->json, (path), (want), __FILE__, __LINE__)
#define jnull(l, path) jnull_at((l)->json, (path), __FILE__, __LINE__)
#define jabsent(l, path) jabsent_at((l)->json, (path), __FILE__, __LINE__)
#define jlen(l, path) json_object_array_length(jget_at((l)->json, (path), __FILE__, __LINE__))

#define VS0 "virtual_servers.0"
#define RS0 "virtual_servers.0.real_servers.0"
#define CK0 "virtual_servers.0.real_servers.0.checkers.0"

/* ---- virtual server forms ---- */

static void test_minimal_vs(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 8080 {\n"
		"    TCP_CHECK {\n"
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	/* keepalived 2.2.7's default protocol is UDP (the checker logs it) */
	jstr(&l, VS0 ".kind", "address");
	jstr(&l, VS0 ".address", "10.0.0.1");
	jint(&l, VS0 ".port", 80);
	jnull(&l, VS0 ".fwmark");
	jnull(&l, VS0 ".group");
	jstr(&l, VS0 ".protocol", "UDP");
	jstr(&l, VS0 ".scheduler", "wlc");
	jstr(&l, VS0 ".forwarding.method", "NAT");
	jint(&l, VS0 ".quorum", 1);
	jint(&l, VS0 ".hysteresis", 0);
	jnull(&l, VS0 ".persistence_timeout");
	jstr(&l, RS0 ".address", "10.0.1.1");
	jint(&l, RS0 ".port", 8080);
	jint(&l, RS0 ".weight", 1);
	jint(&l, RS0 ".line", 2);
	jstr(&l, RS0 ".forwarding.method", "NAT");
	jstr(&l, CK0 ".type", "TCP_CHECK");
	assert_false(check_config_is_empty(l.cfg->check));
	assert_true(vigil_config_wants_checker(l.cfg));
	unload(&l);
}

static void test_no_lvs_is_empty(void **state)
{
	struct loaded l;

	load_ok(&l, "global_defs {\n}\n");
	assert_true(check_config_is_empty(l.cfg->check));
	assert_false(vigil_config_wants_checker(l.cfg));
	assert_int_equal(jlen(&l, "virtual_servers"), 0);
	assert_int_equal(jlen(&l, "virtual_server_groups"), 0);
	unload(&l);
}

static void test_vs_fwmark_and_ipv6(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server fwmark 42 {\n"
		"  real_server 10.0.1.1 {\n"
		"  }\n"
		"}\n"
		"virtual_server fd00::1 443 {\n"
		"  real_server fd00::10 443 {\n"
		"  }\n"
		"}\n");
	jstr(&l, VS0 ".kind", "fwmark");
	jint(&l, VS0 ".fwmark", 42);
	jnull(&l, VS0 ".address");
	jnull(&l, VS0 ".port");
	jnull(&l, RS0 ".port");
	jstr(&l, "virtual_servers.1.address", "fd00::1");
	jstr(&l, "virtual_servers.1.real_servers.0.address", "fd00::10");
	unload(&l);
}

static void test_vs_bad_target(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.300 80 {\n"   /* 1 */
		"}\n"
		"virtual_server fwmark 0 {\n"        /* 3 */
		"}\n"
		"virtual_server 10.0.0.1 70000 {\n"  /* 5 */
		"}\n"
		"virtual_server group {\n"           /* 7 */
		"}\n");
	assert_null(l.cfg);
	unit_assert_error(&l.diags, F, 1, "virtual_server: '10.0.0.300' is not an IP address");
	unit_assert_error(&l.diags, F, 3, "virtual_server: '0' is out of range");
	unit_assert_error(&l.diags, F, 5, "'70000' is out of range 0..65535");
	unit_assert_error(&l.diags, F, 7, "virtual_server group needs exactly one value");
	unload(&l);
}

static void test_vs_port_needs_persistence(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 {\n"        /* 1 */
		"}\n"
		"virtual_server 10.0.0.2 {\n"        /* 3 */
		"  persistence_timeout\n"
		"}\n");
	unit_assert_error(&l.diags, F, 1, "port may only be left out");
	unit_assert_errors(&l.diags, 1);
	unload(&l);
}

static void test_vs_scheduler_names(void **state)
{
	for (int i = 0; check_sched_names[i]; i++) {
		char text[256];
		struct loaded l;

		snprintf(text, sizeof(text), "virtual_server 10.0.0.1 80 {\n lvs_sched %s\n}\n",
			 check_sched_names[i]);
		load_ok(&l, text);
		jstr(&l, VS0 ".scheduler", check_sched_names[i]);
		unload(&l);
	}
	assert_int_equal(CHECK_SCHED_COUNT, 14);
}

static void test_vs_scheduler_errors_and_lb_algo(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  lvs_sched fastest\n"              /* 2 */
		"}\n");
	unit_assert_error(&l.diags, F, 2, "lvs_sched: 'fastest' is not one of rr|wrr");
	unload(&l);

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  lb_algo rr\n"                     /* 2 */
		"  lb_kind DR\n"                     /* 3 */
		"}\n");
	unit_assert_no_diags(&l.diags);       /* the old names are plain synonyms */
	jstr(&l, VS0 ".scheduler", "rr");
	jstr(&l, VS0 ".forwarding.method", "DR");
	unload(&l);
}

static void test_vs_scheduler_flags(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  lvs_sched sh\n"
		"  sh-port\n"
		"  sh-fallback\n"
		"  flag-3\n"
		"  hashed\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	assert_int_equal(jlen(&l, VS0 ".scheduler_flags"), 4);
	jstr(&l, VS0 ".scheduler_flags.0", "hashed");
	jstr(&l, VS0 ".scheduler_flags.1", "flag-3");
	jstr(&l, VS0 ".scheduler_flags.2", "sh-port");
	jstr(&l, VS0 ".scheduler_flags.3", "sh-fallback");
	unload(&l);

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"     /* 1 */
		"  protocol TCP\n"
		"  lvs_sched rr\n"
		"  mh-port\n"
		"  ops\n"
		"}\n");
	unit_assert_warning(&l.diags, F, 1, "mh-port/mh-fallback only affect the mh scheduler");
	unit_assert_warning(&l.diags, F, 1, "ops (one-packet scheduling) only applies to UDP");
	jbool(&l, VS0 ".ops", true);
	unload(&l);
}

static void test_vs_lvs_method_tunnel(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  lvs_method TUN type gue port 6080 csum\n"
		"  real_server 10.0.1.1 80 {\n"
		"  }\n"
		"  real_server 10.0.1.2 80 {\n"
		"    lvs_method TUN type gre nocsum\n"
		"  }\n"
		"  real_server 10.0.1.3 80 {\n"
		"    lvs_method DR\n"
		"  }\n"
		"}\n");
	jstr(&l, VS0 ".forwarding.method", "TUN");
	jstr(&l, VS0 ".forwarding.tunnel_type", "gue");
	jint(&l, VS0 ".forwarding.tunnel_port", 6080);
	jstr(&l, VS0 ".forwarding.checksum", "csum");
	jstr(&l, RS0 ".forwarding.tunnel_type", "gue");   /* inherited */
	jstr(&l, VS0 ".real_servers.1.forwarding.tunnel_type", "gre");
	jstr(&l, VS0 ".real_servers.1.forwarding.checksum", "nocsum");
	jstr(&l, VS0 ".real_servers.2.forwarding.method", "DR");
	unload(&l);
}

static void test_vs_lvs_method_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  lvs_method TUN type gue\n"                 /* 2 */
		"  lvs_method TUN type gre remcsum\n"         /* 3 */
		"  lvs_method NAT type ipip\n"                /* 4 */
		"  lvs_method TUN csum\n"                     /* 5 */
		"  lvs_method TUN type vxlan\n"               /* 6 */
		"  lvs_method TUN type ipip nocsum extra\n"   /* 7 */
		"  lvs_method FULLNAT\n"                      /* 8 */
		"}\n");
	unit_assert_error(&l.diags, F, 2, "lvs_method: tunnel type gue needs 'port NUM'");
	unit_assert_error(&l.diags, F, 3, "remcsum is not supported with tunnel type gre");
	unit_assert_error(&l.diags, F, 4, "options after NAT are only for TUN");
	unit_assert_error(&l.diags, F, 5, "csum needs tunnel type gue or gre");
	unit_assert_error(&l.diags, F, 6, "'vxlan' is not one of ipip|gue|gre");
	unit_assert_error(&l.diags, F, 7, "unexpected 'extra'");
	unit_assert_error(&l.diags, F, 8, "'FULLNAT' is not one of NAT|DR|TUN");
	unit_assert_errors(&l.diags, 7);
	unload(&l);
}

static void test_vs_persistence(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  persistence_timeout\n"
		"  persistence_granularity 255.255.255.0\n"
		"  persistence_engine sip\n"
		"}\n"
		"virtual_server fd00::1 80 {\n"
		"  persistence_timeout 900\n"
		"  persistence_granularity 64\n"
		"}\n");
	jint(&l, VS0 ".persistence_timeout", 360);
	jstr(&l, VS0 ".persistence_granularity.family", "inet");
	jint(&l, VS0 ".persistence_granularity.prefix", 24);
	jstr(&l, VS0 ".persistence_engine", "sip");
	jint(&l, "virtual_servers.1.persistence_timeout", 900);
	jstr(&l, "virtual_servers.1.persistence_granularity.family", "inet6");
	jint(&l, "virtual_servers.1.persistence_granularity.prefix", 64);
	unload(&l);
}

static void test_vs_persistence_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  persistence_timeout 0\n"                   /* 2 */
		"  persistence_timeout 99999999\n"            /* 3 */
		"  persistence_granularity 255.0.255.0\n"     /* 4 */
		"  persistence_granularity 129\n"             /* 5 */
		"}\n"
		"virtual_server fd00::1 80 {\n"               /* 7 */
		"  persistence_granularity 255.255.0.0\n"
		"}\n");
	unit_assert_error(&l.diags, F, 2, "persistence_timeout: '0' is out of range 1..2678400");
	unit_assert_error(&l.diags, F, 3, "persistence_timeout: '99999999' is out of range");
	unit_assert_error(&l.diags, F, 4, "'255.0.255.0' is not a netmask");
	unit_assert_error(&l.diags, F, 5, "persistence_granularity: '129' is out of range 1..128");
	unit_assert_error(&l.diags, F, 7, "persistence_granularity is an IPv4 mask but the "
			  "service is IPv6");
	unit_assert_errors(&l.diags, 5);
	unload(&l);
}

static void test_vs_misc_options(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 53 {\n"
		"  protocol UDP\n"
		"  ops\n"
		"  ha_suspend\n"
		"  omega\n"
		"  alpha\n"
		"  smtp_alert no\n"
		"  snmp_name dns-vip\n"
		"  virtualhost www.example.com\n"
		"  inhibit_on_failure\n"
		"  quorum 2\n"
		"  hysteresis 1\n"
		"  real_server 10.0.1.1 53 {\n"
		"    weight 2\n"
		"  }\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	jstr(&l, VS0 ".protocol", "UDP");
	jbool(&l, VS0 ".ops", true);
	jbool(&l, VS0 ".ha_suspend", true);
	jbool(&l, VS0 ".omega", true);
	jbool(&l, VS0 ".alpha", true);
	jbool(&l, VS0 ".smtp_alert", false);
	jstr(&l, VS0 ".snmp_name", "dns-vip");
	jstr(&l, VS0 ".virtualhost", "www.example.com");
	jbool(&l, VS0 ".inhibit_on_failure", true);
	jint(&l, VS0 ".quorum", 2);
	jint(&l, VS0 ".hysteresis", 1);
	unload(&l);
}

static void test_vs_protocol_error(void **state)
{
	struct loaded l;

	load(&l, "virtual_server 10.0.0.1 80 {\n  protocol ICMP\n}\n");
	unit_assert_error(&l.diags, F, 2, "protocol: 'ICMP' is not one of TCP|UDP|SCTP");
	unload(&l);
}

static void test_vs_quorum_scripts(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  quorum_up \"/bin/echo quorum up\" nobody nogroup\n"
		"  quorum_down /bin/true\n"
		"  real_server 10.0.1.1 80 {\n"
		"  }\n"
		"}\n");
	jstr(&l, VS0 ".quorum_up.command", "/bin/echo quorum up");
	jstr(&l, VS0 ".quorum_up.user", "nobody");
	jstr(&l, VS0 ".quorum_up.group", "nogroup");
	jstr(&l, VS0 ".quorum_down.command", "/bin/true");
	jnull(&l, VS0 ".quorum_down.user");
	unload(&l);
}

static void test_vs_quorum_unreachable_warns(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"     /* 1 */
		"  quorum 5\n"
		"  real_server 10.0.1.1 80 {\n"
		"    weight 2\n"
		"  }\n"
		"  real_server 10.0.1.2 80 {\n"
		"  }\n"
		"}\n");
	unit_assert_warning(&l.diags, F, 1, "quorum 5 is more than the total weight 3 of its 2 "
			    "real server(s)");
	unit_assert_counts(&l.diags, 0, 1);
	unload(&l);

	load(&l, "virtual_server 10.0.0.1 80 {\n  quorum 0\n}\n");
	unit_assert_error(&l.diags, F, 2, "quorum: '0' is out of range 1..");
	unload(&l);
}

static void test_vs_duplicates(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"     /* 1 */
		"}\n"
		"virtual_server 10.0.0.1 80 {\n"     /* 3 */
		"}\n"
		"virtual_server 10.0.0.1 80 {\n"     /* 5: another protocol: fine */
		"  protocol TCP\n"
		"}\n"
		"virtual_server fwmark 7 {\n"        /* 8 */
		"}\n"
		"virtual_server fwmark 7 {\n"        /* 10 */
		"}\n");
	unit_assert_error(&l.diags, F, 3, "virtual_server 10.0.0.1 port 80 UDP is already "
			  "defined at line 1");
	unit_assert_error(&l.diags, F, 10, "virtual_server fwmark 7 is already defined at line 8");
	unit_assert_errors(&l.diags, 2);
	unload(&l);
}

/* ---- sorry server ---- */

static void test_sorry_server(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  sorry_server 10.0.9.9 8080\n"
		"  sorry_server_inhibit\n"
		"  sorry_server_lvs_method DR\n"
		"}\n");
	jstr(&l, VS0 ".sorry_server.address", "10.0.9.9");
	jint(&l, VS0 ".sorry_server.port", 8080);
	jbool(&l, VS0 ".sorry_server.inhibit", true);
	jstr(&l, VS0 ".sorry_server.forwarding.method", "DR");
	unload(&l);
}

static void test_sorry_server_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  sorry_server fd00::9 80\n"        /* 2: wrong family */
		"  sorry_server 10.0.0.9 80\n"       /* 3: a second one */
		"}\n"
		"virtual_server 10.0.0.2 80 {\n"
		"  sorry_server fd00::9 80\n"        /* 6: tunnelled: fine */
		"  sorry_server_lvs_method TUN\n"
		"}\n");
	unit_assert_error(&l.diags, F, 2, "sorry_server fd00::9 is IPv6 but the virtual server "
			  "(line 1) is IPv4");
	unit_assert_error(&l.diags, F, 3, "a second sorry server (the first is at line 2)");
	unit_assert_errors(&l.diags, 2);
	unload(&l);
}

/* ---- real servers ---- */

static void test_rs_options(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    weight 100\n"
		"    notify_up /bin/true\n"
		"    notify_down \"/bin/echo down\" nobody\n"
		"    uthreshold 1000\n"
		"    lthreshold 10\n"
		"    smtp_alert\n"
		"    snmp_name web1\n"
		"    virtualhost rs.example.com\n"
		"    alpha no\n"
		"    inhibit_on_failure yes\n"
		"  }\n"
		"}\n");
	jint(&l, RS0 ".weight", 100);
	jstr(&l, RS0 ".notify_up.command", "/bin/true");
	jstr(&l, RS0 ".notify_down.command", "/bin/echo down");
	jstr(&l, RS0 ".notify_down.user", "nobody");
	jnull(&l, RS0 ".notify_down.group");
	jint(&l, RS0 ".uthreshold", 1000);
	jint(&l, RS0 ".lthreshold", 10);
	jbool(&l, RS0 ".smtp_alert", true);
	jstr(&l, RS0 ".snmp_name", "web1");
	jstr(&l, RS0 ".virtualhost", "rs.example.com");
	jbool(&l, RS0 ".alpha", false);
	jbool(&l, RS0 ".inhibit_on_failure", true);
	unload(&l);
}

static void test_rs_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    weight -1\n"                    /* 3 */
		"    weight 2147483648\n"            /* 4 */
		"    colour blue\n"                  /* 5 */
		"  }\n"
		"  real_server 10.0.1.2 80 {\n"      /* 7 */
		"    uthreshold 10\n"
		"    lthreshold 20\n"
		"  }\n"
		"  real_server 10.0.1.1 80 {\n"      /* 11: duplicate */
		"  }\n"
		"  real_server fd00::1 80 {\n"       /* 13: wrong family */
		"  }\n"
		"  real_server fd00::2 80 {\n"       /* 15: tunnelled: fine */
		"    lvs_method TUN\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 3, "weight: '-1' is not a whole number");
	unit_assert_error(&l.diags, F, 4, "weight: '2147483648' is out of range 0..2147483647");
	unit_assert_error(&l.diags, F, 5, "unknown keyword 'colour' in real_server block");
	unit_assert_error(&l.diags, F, 7, "lthreshold 20 is more than uthreshold 10");
	unit_assert_error(&l.diags, F, 11, "real_server 10.0.1.1 port 80 is already in this "
			  "virtual server at line 2");
	unit_assert_error(&l.diags, F, 13, "real_server fd00::1 is IPv6 but the virtual server "
			  "(line 1) is IPv4; only tunnelled (lvs_method TUN) servers may differ");
	unit_assert_errors(&l.diags, 6);
	unload(&l);
}

static void test_fwmark_families(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server fwmark 1 {\n"        /* 1 */
		"  real_server 10.0.1.1 80 {\n"
		"  }\n"
		"  real_server fd00::1 80 {\n"       /* 4: mixed, not tunnelled */
		"  }\n"
		"}\n"
		"virtual_server fwmark 2 {\n"        /* 7 */
		"  ip_family inet6\n"
		"  real_server 10.0.1.1 80 {\n"      /* 9 */
		"  }\n"
		"}\n"
		"virtual_server fwmark 3 {\n"
		"  ip_family inet6\n"
		"  real_server 10.0.1.1 80 {\n"      /* 14: tunnelled: fine */
		"    lvs_method TUN\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 4, "real_server fd00::1 is IPv6 but the virtual server "
			  "(line 1) is IPv4");
	unit_assert_error(&l.diags, F, 9, "real_server 10.0.1.1 is IPv4 but the virtual server "
			  "(line 7) is IPv6");
	unit_assert_errors(&l.diags, 2);
	unload(&l);
}

/* ---- virtual_server_group ---- */

static void test_group(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server_group web {\n"
		"  10.0.0.1 80\n"
		"  10.0.0.10-20 80\n"
		"  192.168.200.250-192.168.201.10 8080\n"
		"  192.168.202.8/29 443\n"
		"  fwmark 5\n"
		"  fwmark 6 inet6\n"
		"  10.0.0.99\n"
		"}\n"
		"virtual_server group web {\n"
		"  real_server 10.0.1.1 80 {\n"
		"  }\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	jstr(&l, "virtual_server_groups.0.name", "web");
	assert_int_equal(jlen(&l, "virtual_server_groups.0.entries"), 7);
	jstr(&l, "virtual_server_groups.0.entries.0.address", "10.0.0.1");
	jabsent(&l, "virtual_server_groups.0.entries.0.last");
	jint(&l, "virtual_server_groups.0.entries.0.port", 80);
	jstr(&l, "virtual_server_groups.0.entries.1.address", "10.0.0.10");
	jstr(&l, "virtual_server_groups.0.entries.1.last", "10.0.0.20");
	jstr(&l, "virtual_server_groups.0.entries.2.last", "192.168.201.10");
	jint(&l, "virtual_server_groups.0.entries.2.port", 8080);
	jstr(&l, "virtual_server_groups.0.entries.3.address", "192.168.202.8");
	jstr(&l, "virtual_server_groups.0.entries.3.last", "192.168.202.15");
	jint(&l, "virtual_server_groups.0.entries.4.fwmark", 5);
	jnull(&l, "virtual_server_groups.0.entries.4.family");
	jstr(&l, "virtual_server_groups.0.entries.5.family", "inet6");
	jnull(&l, "virtual_server_groups.0.entries.6.port");
	jstr(&l, VS0 ".group", "web");
	jnull(&l, VS0 ".address");
	unload(&l);
}

static void test_group_ipv6_ranges(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server_group v6 {\n"
		"  fd00::1-ff 80\n"
		"  fd00::1:0/112 80\n"
		"  fd00::a-fd00::1:0 80\n"
		"}\n");
	jstr(&l, "virtual_server_groups.0.entries.0.last", "fd00::ff");
	jstr(&l, "virtual_server_groups.0.entries.1.address", "fd00::1:0");
	jstr(&l, "virtual_server_groups.0.entries.1.last", "fd00::1:ffff");
	jstr(&l, "virtual_server_groups.0.entries.2.last", "fd00::1:0");
	unload(&l);
}

static void test_group_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server_group g {\n"
		"  10.0.0.20-10 80\n"                /* 2: reversed */
		"  10.0.0.1-300 80\n"                /* 3: malformed */
		"  10.0.0.1/33 80\n"                 /* 4 */
		"  banana 80\n"                      /* 5 */
		"  10.0.0.1 http\n"                  /* 6 */
		"  fwmark 5 ipx\n"                   /* 7 */
		"  fwmark\n"                         /* 8 */
		"  10.0.0.1 80 90\n"                 /* 9 */
		"  10.0.1.1-10.0.0.1 80\n"           /* 10: reversed */
		"  10.0.0.9/29 80\n"                 /* 11: host bits: warning */
		"}\n"
		"virtual_server_group g {\n"         /* 13: duplicate name */
		"}\n");
	unit_assert_error(&l.diags, F, 2, "range '10.0.0.20-10' ends before it starts");
	unit_assert_error(&l.diags, F, 3, "'10.0.0.1-300' is not an address, range");
	unit_assert_error(&l.diags, F, 4, "'10.0.0.1/33' is not an address, range");
	unit_assert_error(&l.diags, F, 5, "'banana' is not an address, range");
	unit_assert_error(&l.diags, F, 6, "'http' is not a whole number");
	unit_assert_error(&l.diags, F, 7, "'ipx' is not one of inet|inet6");
	unit_assert_error(&l.diags, F, 8, "expected 'fwmark N [inet|inet6]'");
	unit_assert_error(&l.diags, F, 9, "expected 'ADDRESS|RANGE [PORT]'");
	unit_assert_error(&l.diags, F, 10, "range '10.0.1.1-10.0.0.1' ends before it starts");
	unit_assert_warning(&l.diags, F, 11, "has host bits set; the range starts at 10.0.0.8");
	unit_assert_error(&l.diags, F, 13, "virtual_server_group g is already defined at line 1");
	unit_assert_errors(&l.diags, 10);
	unload(&l);
}

static void test_group_references(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server group nowhere {\n"   /* 1 */
		"}\n"
		"virtual_server_group empty {\n"     /* 3 */
		"}\n"
		"virtual_server group empty {\n"
		"}\n"
		"virtual_server group empty {\n"     /* 7: same group and protocol */
		"}\n");
	unit_assert_error(&l.diags, F, 1, "group 'nowhere' is not defined by any "
			  "virtual_server_group");
	unit_assert_warning(&l.diags, F, 3, "virtual_server_group empty has no addresses");
	unit_assert_error(&l.diags, F, 7, "virtual_server group empty UDP is already defined "
			  "at line 5");
	unit_assert_errors(&l.diags, 2);
	unload(&l);
}

static void test_group_family_check(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server_group g6 {\n"
		"  fd00::1 80\n"
		"}\n"
		"virtual_server group g6 {\n"        /* 4 */
		"  real_server 10.0.1.1 80 {\n"      /* 5 */
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 5, "real_server 10.0.1.1 is IPv4 but the virtual server "
			  "(line 4) is IPv6");
	unload(&l);
}

/* ---- inherited settings ---- */

static void test_inheritance(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  delay_loop 10\n"
		"  virtualhost vs.example.com\n"
		"  real_server 10.0.1.1 80 {\n"
		"    retry 5\n"
		"    delay_before_retry 0.5\n"
		"    TCP_CHECK {\n"
		"      connect_timeout 2.25\n"
		"    }\n"
		"    HTTP_GET {\n"
		"      url {\n"
		"        path /\n"
		"      }\n"
		"    }\n"
		"  }\n"
		"}\n");
	jdbl(&l, VS0 ".delay_loop", 10.0);
	jabsent(&l, RS0 ".delay_loop");          /* the dump shows what each level said */
	jint(&l, RS0 ".retry", 5);
	jdbl(&l, CK0 ".connect_timeout", 2.25);
	jdbl(&l, CK0 ".effective.connect_timeout", 2.25);
	jdbl(&l, CK0 ".effective.delay_loop", 10.0);
	jint(&l, CK0 ".effective.retry", 5);
	jdbl(&l, CK0 ".effective.delay_before_retry", 0.5);
	jdbl(&l, CK0 ".effective.warmup", 10.0);        /* defaults to delay_loop */
	jint(&l, CK0 ".effective.rise", 1);
	jint(&l, CK0 ".effective.fall", 6);             /* retry + 1 */
	jbool(&l, CK0 ".effective.alpha", false);
	jstr(&l, CK0 ".effective.virtualhost", "vs.example.com");
	jdbl(&l, RS0 ".checkers.1.effective.connect_timeout", 5.0);
	unload(&l);
}

static void test_type_defaults(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  delay_loop 20\n"
		"  real_server 10.0.1.1 80 {\n"
		"    HTTP_GET {\n"
		"      url {\n"
		"        path /\n"
		"      }\n"
		"    }\n"
		"    DNS_CHECK {\n"
		"    }\n"
		"    MISC_CHECK {\n"
		"      misc_path /bin/true\n"
		"    }\n"
		"    PING_CHECK {\n"
		"    }\n"
		"  }\n"
		"}\n");
	jdbl(&l, RS0 ".checkers.0.effective.delay_before_retry", 3.0);
	jint(&l, RS0 ".checkers.0.effective.retry", 1);
	jdbl(&l, RS0 ".checkers.1.effective.delay_before_retry", 20.0);
	jint(&l, RS0 ".checkers.1.effective.retry", 3);
	jint(&l, RS0 ".checkers.2.effective.retry", 0);
	jint(&l, RS0 ".checkers.2.effective.fall", 1);
	jdbl(&l, RS0 ".checkers.3.effective.delay_before_retry", 1.0);
	jdbl(&l, RS0 ".checkers.3.effective.delay_loop", 20.0);
	unload(&l);
}

static void test_rise_fall(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    rise 3\n"
		"    fall 2\n"
		"    TCP_CHECK {\n"
		"      fall 4\n"
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	jint(&l, RS0 ".rise", 3);
	jint(&l, RS0 ".fall", 2);
	jint(&l, CK0 ".fall", 4);
	jint(&l, CK0 ".effective.rise", 3);
	jint(&l, CK0 ".effective.fall", 4);
	unload(&l);

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  rise 2\n"                         /* 2: not at the virtual server */
		"  real_server 10.0.1.1 80 {\n"
		"    rise 0\n"                       /* 4 */
		"    fall 101\n"                     /* 5 */
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 2, "unknown keyword 'rise' in virtual_server block");
	unit_assert_error(&l.diags, F, 4, "rise: '0' is out of range 1..100");
	unit_assert_error(&l.diags, F, 5, "fall: '101' is out of range 1..100");
	unload(&l);
}

static void test_timer_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  delay_loop 0\n"                   /* 2 */
		"  connect_timeout soon\n"           /* 3 */
		"  warmup 90000\n"                   /* 4 */
		"  retry 2000000\n"                  /* 5 */
		"  alpha maybe\n"                    /* 6 */
		"}\n");
	unit_assert_error(&l.diags, F, 2, "delay_loop: '0' is out of range");
	unit_assert_error(&l.diags, F, 3, "connect_timeout: 'soon' is not a time in seconds");
	unit_assert_error(&l.diags, F, 4, "warmup: '90000' is out of range 0..86400 seconds");
	unit_assert_error(&l.diags, F, 5, "retry: '2000000' is out of range 0..1000000");
	unit_assert_error(&l.diags, F, 6, "alpha: 'maybe' is not one of on|off");
	unload(&l);
}

/* ---- checkers ---- */

static void test_tcp_connection_options(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    TCP_CHECK {\n"
		"      connect_ip 10.0.2.1\n"
		"      connect_port 8081\n"
		"      bindto 10.0.3.1\n"
		"      bind_port 5000\n"
		"      bind_if eth0\n"
		"      fwmark 9\n"
		"      log_all_failures\n"
		"      warmup 0\n"
		"    }\n"
		"  }\n"
		"}\n");
	jstr(&l, CK0 ".connect_ip", "10.0.2.1");
	jint(&l, CK0 ".connect_port", 8081);
	jstr(&l, CK0 ".bindto", "10.0.3.1");
	jint(&l, CK0 ".bind_port", 5000);
	jstr(&l, CK0 ".bind_if", "eth0");
	jint(&l, CK0 ".fwmark", 9);
	jbool(&l, CK0 ".log_all_failures", true);
	jdbl(&l, CK0 ".effective.warmup", 0.0);
	jint(&l, CK0 ".line", 3);
	unload(&l);
}

static void test_connection_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    TCP_CHECK {\n"                  /* 3 */
		"      connect_ip fd00::1\n"
		"      bindto 10.0.3.1\n"
		"      connect_port 0\n"             /* 6 */
		"      bind_if eth0/1\n"             /* 7 */
		"    }\n"
		"    TCP_CHECK {\n"                  /* 9 */
		"      bindto fe80::1\n"
		"    }\n"
		"    TCP_CHECK {\n"
		"      inhibit_on_failure\n"         /* 13: a real server option */
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 3, "TCP_CHECK: bindto is IPv4 but connect_ip is IPv6");
	unit_assert_error(&l.diags, F, 6, "connect_port: '0' is out of range 1..65535");
	unit_assert_error(&l.diags, F, 7, "'eth0/1' is not a valid interface name");
	unit_assert_error(&l.diags, F, 9, "bindto is an IPv6 link-local address, so bind_if is "
			  "needed");
	unit_assert_error(&l.diags, F, 13, "unknown keyword 'inhibit_on_failure' in TCP_CHECK");
	unit_assert_errors(&l.diags, 5);
	unload(&l);
}

static void test_http_get(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    HTTP_GET {\n"
		"      http_protocol 1.1\n"
		"      fast_recovery\n"
		"      virtualhost chk.example.com\n"
		"      url {\n"
		"        path /health\n"
		"        digest 9B3A0C85A887A256D6939DA88AABD8CD\n"
		"        status_code 200-299 400-499 503\n"
		"        virtualhost url.example.com\n"
		"        regex \"^OK\"\n"
		"        regex_no_match\n"
		"        regex_options caseless multiline\n"
		"        regex_stack 32768 65536\n"
		"        regex_min_offset 2\n"
		"        regex_max_offset 100\n"
		"      }\n"
		"      url {\n"
		"        path /\n"
		"      }\n"
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	jstr(&l, CK0 ".type", "HTTP_GET");
	jstr(&l, CK0 ".http_protocol", "1.1");
	jbool(&l, CK0 ".fast_recovery", true);
	jstr(&l, CK0 ".virtualhost", "chk.example.com");
	jabsent(&l, CK0 ".enable_sni");
	jstr(&l, CK0 ".urls.0.path", "/health");
	jstr(&l, CK0 ".urls.0.digest", "9b3a0c85a887a256d6939da88aabd8cd");
	assert_int_equal(jlen(&l, CK0 ".urls.0.status_code"), 3);
	jstr(&l, CK0 ".urls.0.status_code.0", "200-299");
	jstr(&l, CK0 ".urls.0.status_code.1", "400-499");
	jstr(&l, CK0 ".urls.0.status_code.2", "503");
	jstr(&l, CK0 ".urls.0.virtualhost", "url.example.com");
	jstr(&l, CK0 ".urls.0.regex", "^OK");
	jbool(&l, CK0 ".urls.0.regex_no_match", true);
	jstr(&l, CK0 ".urls.0.regex_options.0", "caseless");
	jstr(&l, CK0 ".urls.0.regex_options.1", "multiline");
	jint(&l, CK0 ".urls.0.regex_stack_start", 32768);
	jint(&l, CK0 ".urls.0.regex_stack_max", 65536);
	jint(&l, CK0 ".urls.0.regex_min_offset", 2);
	jint(&l, CK0 ".urls.0.regex_max_offset", 100);
	jstr(&l, CK0 ".urls.1.status_code.0", "200-299");   /* the default */
	jnull(&l, CK0 ".urls.1.digest");
	unload(&l);
}

static void test_http_url_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    HTTP_GET {\n"
		"      http_protocol 2\n"                           /* 4 */
		"      url {\n"                                     /* 5: no path */
		"        digest 9b3a0c85\n"                         /* 6 */
		"        digest 9b3a0c85a887a256d6939da88aabd8cg\n" /* 7 */
		"        status_code 299-200\n"                     /* 8 */
		"        status_code 200 700\n"                     /* 9 */
		"        status_code 2xx\n"                         /* 10 */
		"        regex_options shiny\n"                     /* 11 */
		"        regex_stack 100 10\n"                      /* 12 */
		"        regex_min_offset 50\n"
		"        regex_max_offset 10\n"
		"      }\n"
		"    }\n"
		"    HTTP_GET {\n"                                  /* 17: no url */
		"      enable_sni\n"                                /* 18: SSL_GET only */
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 4, "http_protocol: '2' is not one of 1.0|1.0C|1.1");
	unit_assert_error(&l.diags, F, 5, "url: 'path' is missing");
	unit_assert_error(&l.diags, F, 5, "url: regex_min_offset 50 is beyond regex_max_offset 10");
	unit_assert_error(&l.diags, F, 6, "digest: '9b3a0c85' is not an MD5 digest (32 hex "
			  "digits)");
	unit_assert_error(&l.diags, F, 7, "is not an MD5 digest");
	unit_assert_error(&l.diags, F, 8, "status_code: '299-200' is not a status code 100-599");
	unit_assert_error(&l.diags, F, 9, "status_code: '700' is not a status code");
	unit_assert_error(&l.diags, F, 10, "status_code: '2xx' is not a status code");
	unit_assert_error(&l.diags, F, 11, "regex_options: 'shiny' is not one of");
	unit_assert_error(&l.diags, F, 12, "regex_stack: start 100 is larger than max 10");
	unit_assert_error(&l.diags, F, 17, "HTTP_GET: needs at least one url");
	unit_assert_error(&l.diags, F, 18, "unknown keyword 'enable_sni' in HTTP_GET block");
	unit_assert_errors(&l.diags, 12);
	unload(&l);
}

/* In the checker worker (share_checkers) equal checker blocks become one
 * object: the twin of each real server's first and second checker is
 * found, a block that differs in one option is not shared, and freeing
 * the configuration frees each object once (ASan in the second build). */
static const struct check_checker_config *checker_at(const struct loaded *l, size_t vs,
						     size_t rs, size_t i)
{
	const struct check_vs_config *v = l->cfg->check->virtual_servers.items[vs];
	const struct check_rs_config *r = v->real_servers.items[rs];

	return r->checkers.items[i];
}

static void test_equal_checkers_shared_in_the_worker(void **state)
{
	const char *text =
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    TCP_CHECK {\n      connect_timeout 2\n    }\n"
		"    HTTP_GET {\n      url {\n        path /a\n      }\n    }\n  }\n"
		"  real_server 10.0.1.2 80 {\n"
		"    TCP_CHECK {\n      connect_timeout 2\n    }\n"
		"    HTTP_GET {\n      url {\n        path /a\n      }\n    }\n  }\n"
		"  real_server 10.0.1.3 80 {\n"
		"    TCP_CHECK {\n      connect_timeout 3\n    }\n"
		"    HTTP_GET {\n      url {\n        path /b\n      }\n    }\n  }\n"
		"}\n"
		"virtual_server 10.0.0.2 80 {\n"
		"  real_server 10.0.1.4 80 {\n"
		"    TCP_CHECK {\n      connect_timeout 3\n    }\n"
		"    HTTP_GET {\n      url {\n        path /b\n      }\n"
		"      connect_port 8080\n    }\n  }\n"
		"}\n";
	struct config_load_options opts = { .config_id = "test", .share_checkers = true };
	struct loaded l;

	(void)state;
	conf_diags_init(&l.diags);
	l.cfg = vigil_config_load_string(F, text, &opts, &l.diags);
	unit_assert_no_errors(&l.diags);
	l.json = NULL;
	assert_ptr_equal(checker_at(&l, 0, 0, 0), checker_at(&l, 0, 1, 0));
	assert_ptr_equal(checker_at(&l, 0, 0, 1), checker_at(&l, 0, 1, 1));
	assert_ptr_not_equal(checker_at(&l, 0, 1, 0), checker_at(&l, 0, 2, 0));
	assert_ptr_not_equal(checker_at(&l, 0, 1, 1), checker_at(&l, 0, 2, 1));
	/* across virtual servers too, but not with a different connect_port */
	assert_ptr_equal(checker_at(&l, 0, 2, 0), checker_at(&l, 1, 0, 0));
	assert_ptr_not_equal(checker_at(&l, 0, 2, 1), checker_at(&l, 1, 0, 1));
	assert_int_equal(checker_at(&l, 1, 0, 1)->connect_port, 8080);
	unload(&l);

	/* elsewhere (the parent's dump names each block's line): no sharing */
	load_ok(&l, text);
	assert_ptr_not_equal(checker_at(&l, 0, 0, 0), checker_at(&l, 0, 1, 0));
	unload(&l);
}

/* Real servers whose HTTP_GET url lists are equal share the url objects
 * (memory: one url per list, not per real server); a different list does
 * not, the dump is the same, and the checks, made before the sharing,
 * still name each url's own line. */
static const struct check_checker_config *nth_checker(const struct loaded *l, size_t rs)
{
	const struct check_vs_config *vs = l->cfg->check->virtual_servers.items[0];
	const struct check_rs_config *r = vs->real_servers.items[rs];

	return r->checkers.items[0];
}

static void test_http_equal_url_lists_are_shared(void **state)
{
	const char *text =
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    HTTP_GET {\n      url {\n        path /a\n        status_code 200\n      }\n"
		"      url {\n        path /b\n      }\n    }\n"
		"  }\n"
		"  real_server 10.0.1.2 80 {\n"
		"    HTTP_GET {\n      url {\n        path /a\n        status_code 200\n      }\n"
		"      url {\n        path /b\n      }\n    }\n"
		"  }\n"
		"  real_server 10.0.1.3 80 {\n"
		"    HTTP_GET {\n      url {\n        path /a\n        status_code 201\n      }\n"
		"      url {\n        path /b\n      }\n    }\n"
		"  }\n"
		"}\n";
	const char *bad =
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    HTTP_GET {\n"
		"      url {\n"                                   /* 4: no path */
		"      }\n    }\n  }\n"
		"  real_server 10.0.1.2 80 {\n"
		"    HTTP_GET {\n"
		"      url {\n"                                   /* 10: no path */
		"      }\n    }\n  }\n"
		"}\n";
	const struct check_checker_config *a, *b, *c;
	struct loaded l;

	(void)state;
	load_ok(&l, text);
	a = nth_checker(&l, 0);
	b = nth_checker(&l, 1);
	c = nth_checker(&l, 2);
	assert_ptr_equal(a->http.urls.items[0], b->http.urls.items[0]);
	assert_ptr_equal(a->http.urls.items[1], b->http.urls.items[1]);
	assert_ptr_not_equal(a->http.urls.items[0], c->http.urls.items[0]);
	assert_ptr_not_equal(a->http.urls.items[1], c->http.urls.items[1]);
	jstr(&l, "virtual_servers.0.real_servers.1.checkers.0.urls.0.status_code.0", "200");
	jstr(&l, "virtual_servers.0.real_servers.1.checkers.0.urls.1.path", "/b");
	jstr(&l, "virtual_servers.0.real_servers.2.checkers.0.urls.0.status_code.0", "201");
	unload(&l);

	load(&l, bad);
	unit_assert_error(&l.diags, F, 4, "url: 'path' is missing");
	unit_assert_error(&l.diags, F, 10, "url: 'path' is missing");
	unit_assert_errors(&l.diags, 2);
	unload(&l);
}

static void test_ssl_get_and_ssl_block(void **state)
{
	struct loaded l;

	load_ok(&l,
		"SSL {\n"
		"  password s3cret\n"
		"  ca /etc/ssl/ca.pem\n"
		"  certificate /etc/ssl/client.pem\n"
		"  key /etc/ssl/client.key\n"
		"}\n"
		"virtual_server 10.0.0.1 443 {\n"
		"  real_server 10.0.1.1 443 {\n"
		"    SSL_GET {\n"
		"      enable_sni\n"
		"      url {\n"
		"        path /\n"
		"        status_code 200\n"
		"      }\n"
		"    }\n"
		"  }\n"
		"}\n");
	jstr(&l, CK0 ".type", "SSL_GET");
	jbool(&l, CK0 ".enable_sni", true);
	jstr(&l, CK0 ".http_protocol", "1.0");
	jbool(&l, "ssl.password_set", true);
	jabsent(&l, "ssl.password");        /* a secret never appears in a dump */
	jstr(&l, "ssl.ca", "/etc/ssl/ca.pem");
	jstr(&l, "ssl.certificate", "/etc/ssl/client.pem");
	jstr(&l, "ssl.key", "/etc/ssl/client.key");
	unload(&l);
}

static void test_smtp_check(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 25 {\n"
		"  real_server 10.0.1.1 25 {\n"
		"    SMTP_CHECK {\n"
		"      helo_name \"mail.example.com\"\n"
		"      connect_timeout 3\n"
		"      host {\n"                     /* 6 */
		"        connect_ip 10.0.1.2\n"
		"        connect_port 587\n"
		"      }\n"
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_no_diags(&l.diags);
	jstr(&l, CK0 ".type", "SMTP_CHECK");
	jstr(&l, CK0 ".helo_name", "mail.example.com");
	jdbl(&l, CK0 ".connect_timeout", 3.0);
	jstr(&l, CK0 ".hosts.0.connect_ip", "10.0.1.2");
	jint(&l, CK0 ".hosts.0.connect_port", 587);
	unload(&l);
}

static void test_dns_check(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 53 {\n"
		"  protocol UDP\n"
		"  real_server 10.0.1.1 53 {\n"
		"    DNS_CHECK {\n"
		"      type AAAA\n"
		"      name example.com\n"
		"    }\n"
		"    DNS_CHECK {\n"
		"    }\n"
		"  }\n"
		"}\n");
	jstr(&l, CK0 ".query_type", "AAAA");
	jstr(&l, CK0 ".name", "example.com");
	jstr(&l, RS0 ".checkers.1.query_type", "SOA");
	jstr(&l, RS0 ".checkers.1.name", ".");
	unload(&l);

	load(&l,
		"virtual_server 10.0.0.1 53 {\n"
		"  real_server 10.0.1.1 53 {\n"
		"    DNS_CHECK {\n"
		"      type PTR\n"                   /* 4 */
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 4, "type: 'PTR' is not one of A|NS|CNAME|SOA|MX|TXT|AAAA");
	unload(&l);
}

static void test_udp_check(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 53 {\n"
		"  real_server 10.0.1.1 53 {\n"
		"    UDP_CHECK {\n"
		"      payload Ab12f 3 456 546443123\n"
		"      require_reply 01x2 X\n"
		"      min_reply_length 2\n"
		"      max_reply_length 512\n"
		"    }\n"
		"    UDP_CHECK {\n"
		"      require_reply\n"
		"    }\n"
		"  }\n"
		"}\n");
	/* the man page's own example: AB 12 0F 03 45 06 54 64 43 12 03 */
	jstr(&l, CK0 ".payload", "ab120f0345065464431203");
	jbool(&l, CK0 ".require_reply", true);
	jstr(&l, CK0 ".reply", "01X20X");
	jint(&l, CK0 ".min_reply_length", 2);
	jint(&l, CK0 ".max_reply_length", 512);
	jbool(&l, RS0 ".checkers.1.require_reply", true);
	jnull(&l, RS0 ".checkers.1.reply");
	jnull(&l, RS0 ".checkers.1.payload");
	jint(&l, RS0 ".checkers.1.max_reply_length", 255);
	unload(&l);
}

static void test_udp_check_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 53 {\n"
		"  real_server 10.0.1.1 53 {\n"
		"    UDP_CHECK {\n"
		"      payload 12 xz\n"              /* 4: no wildcards in a payload */
		"      require_reply 1g\n"           /* 5 */
		"      min_reply_length 100\n"
		"      max_reply_length 10\n"        /* 7 */
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 4, "payload: 'x' is not a hex digit");
	unit_assert_error(&l.diags, F, 5, "require_reply: 'g' is not a hex digit");
	unit_assert_error(&l.diags, F, 7, "min_reply_length 100 is more than max_reply_length 10");
	unit_assert_errors(&l.diags, 3);
	unload(&l);
}

static void test_misc_check(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    MISC_CHECK {\n"
		"      misc_path /usr/bin/test -e /etc/hostname\n"
		"      misc_timeout 5\n"
		"      misc_dynamic\n"
		"      user nobody nogroup\n"
		"      alpha\n"
		"      retry 2\n"
		"    }\n"
		"  }\n"
		"}\n");
	jstr(&l, CK0 ".type", "MISC_CHECK");
	jstr(&l, CK0 ".misc_path", "/usr/bin/test -e /etc/hostname");
	jdbl(&l, CK0 ".misc_timeout", 5.0);
	jbool(&l, CK0 ".misc_dynamic", true);
	jstr(&l, CK0 ".user", "nobody");
	jstr(&l, CK0 ".group", "nogroup");
	jbool(&l, CK0 ".alpha", true);
	jint(&l, CK0 ".effective.retry", 2);
	unload(&l);
}

static void test_misc_check_errors(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    MISC_CHECK {\n"                 /* 3: no misc_path */
		"      user nobody\n"
		"      connect_ip 10.0.0.1\n"        /* 5: no connection options */
		"      misc_timeout 0\n"             /* 6 */
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 3, "MISC_CHECK: 'misc_path' is missing");
	unit_assert_error(&l.diags, F, 5, "unknown keyword 'connect_ip' in MISC_CHECK block");
	unit_assert_error(&l.diags, F, 6, "misc_timeout: '0' is out of range");
	unit_assert_errors(&l.diags, 3);
	unload(&l);
}

static void test_file_check(void **state)
{
	struct loaded l;

	load_ok(&l,
		"track_file weightfile {\n"
		"  file /run/weight\n"
		"}\n"
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    FILE_CHECK {\n"
		"      track_file weightfile\n"
		"      dynamic\n"
		"      weight -5 reverse\n"
		"    }\n"
		"    FILE_CHECK {\n"
		"      track_file weightfile\n"
		"    }\n"
		"  }\n"
		"}\n");
	jstr(&l, CK0 ".track_file", "weightfile");
	jbool(&l, CK0 ".dynamic", true);
	jint(&l, CK0 ".weight", -5);
	jbool(&l, CK0 ".reverse", true);
	jnull(&l, RS0 ".checkers.1.weight");        /* the track_file's */
	jbool(&l, RS0 ".checkers.1.dynamic", false);
	unload(&l);

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    FILE_CHECK {\n"                 /* 3: no track_file */
		"      weight 5 backwards\n"         /* 4 */
		"      delay_loop 3\n"               /* 5: no standard options */
		"      weight 2147483648\n"          /* 6 */
		"    }\n"
		"    FILE_CHECK {\n"                 /* 8: undefined track_file */
		"      track_file nowhere\n"
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 3, "FILE_CHECK: 'track_file' is missing");
	unit_assert_error(&l.diags, F, 4, "weight: expected 'reverse' after the weight");
	unit_assert_error(&l.diags, F, 5, "unknown keyword 'delay_loop' in FILE_CHECK block");
	unit_assert_error(&l.diags, F, 6, "weight: '2147483648' is out of range");
	unit_assert_error(&l.diags, F, 8, "FILE_CHECK: track_file 'nowhere' is not defined by "
			  "any track_file block");
	unit_assert_errors(&l.diags, 5);
	unload(&l);
}

static void test_bfd_check_not_yet(void **state)
{
	struct loaded l;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    BFD_CHECK {\n"                  /* 3 */
		"      name bfd1\n"
		"    }\n"
		"    PING_CHECK {\n"
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_warning(&l.diags, F, 3, "'BFD_CHECK' is not implemented yet by vigil");
	unit_assert_counts(&l.diags, 0, 1);
	assert_int_equal(jlen(&l, RS0 ".checkers"), 1);
	jstr(&l, CK0 ".type", "PING_CHECK");
	unload(&l);
}

/* ---- scripts (lib/script_check.h) ---- */

static void test_script_syntax_checked(void **state)
{
	struct loaded l;

	load(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  quorum_up \"/bin/echo 'unterminated\"\n"     /* 2 */
		"  real_server 10.0.1.1 80 {\n"
		"    notify_down \"/bin/echo \\\"\"\n"           /* 4 */
		"    MISC_CHECK {\n"
		"      misc_path \"/bin/true 'x\"\n"            /* 6 */
		"    }\n"
		"  }\n"
		"}\n");
	unit_assert_error(&l.diags, F, 2, "quorum_up");
	unit_assert_error(&l.diags, F, 6, "misc_path");
	unload(&l);
}

/* ---- host checks ---- */

static void test_bind_if_host_check(void **state)
{
	static const char text[] =
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    TCP_CHECK {\n"
		"      bind_if lo\n"
		"    }\n"
		"    TCP_CHECK {\n"
		"      bind_if vigil-none0\n"        /* 7 */
		"    }\n"
		"  }\n"
		"}\n";
	static const char dynamic[] =
		"global_defs {\n"
		"  dynamic_interfaces\n"
		"}\n"
		"virtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.1.1 80 {\n"
		"    TCP_CHECK {\n"
		"      bind_if vigil-none0\n"        /* 7 */
		"    }\n"
		"  }\n"
		"}\n";
	struct loaded l;

	load_opts(&l, text, true);
	unit_assert_error(&l.diags, F, 7, "bind_if: interface 'vigil-none0' does not exist");
	unit_assert_errors(&l.diags, 1);
	unload(&l);

	load_opts(&l, dynamic, true);
	unit_assert_warning(&l.diags, F, 7, "interface 'vigil-none0' does not exist (yet; "
			    "dynamic_interfaces is set)");
	unit_assert_no_errors(&l.diags);
	unload(&l);

	load_opts(&l, text, false);        /* without host checks: not looked at */
	unit_assert_no_diags(&l.diags);
	unload(&l);
}

static void test_ssl_files_host_check(void **state)
{
	char *dir = unit_tmpdir_create();
	char *ca = unit_write_file(dir, "ca.pem", "not really a certificate\n");
	char text[1024];
	struct loaded l;

	snprintf(text, sizeof(text),
		 "SSL {\n"
		 "  ca %s\n"
		 "  certificate %s/missing.pem\n"     /* 3 */
		 "  key %s/missing.key\n"             /* 4 */
		 "}\n", ca, dir, dir);
	load_opts(&l, text, true);
	unit_assert_error(&l.diags, F, 3, "certificate: cannot read");
	unit_assert_error(&l.diags, F, 4, "key: cannot read");
	unit_assert_errors(&l.diags, 2);
	unload(&l);
	load_ok(&l, text);                 /* without host checks: not looked at */
	unload(&l);
	free(ca);
	unit_tmpdir_remove(dir);
}

/* ---- status JSON ---- */

static void test_status_json(void **state)
{
	struct loaded l;
	json_object *status, *saved;

	load_ok(&l,
		"virtual_server 10.0.0.1 80 {\n"
		"  lvs_sched rr\n"
		"  lvs_method DR\n"
		"  real_server 10.0.1.1 8080 {\n"
		"    weight 3\n"
		"  }\n"
		"}\n"
		"virtual_server fwmark 4 {\n"
		"}\n");
	status = check_config_status_json(l.cfg->check, false);
	saved = l.json;
	l.json = status;
	assert_int_equal(json_object_array_length(status), 2);
	jstr(&l, "0.address", "10.0.0.1");
	jint(&l, "0.port", 80);
	jstr(&l, "0.protocol", "UDP");
	jnull(&l, "0.fwmark");
	jnull(&l, "0.group");
	jstr(&l, "0.scheduler", "rr");
	jstr(&l, "0.forwarding", "DR");
	jnull(&l, "0.quorum_ok");
	jbool(&l, "0.installed", false);
	jstr(&l, "0.not_installed_reason", "IPVS is not available in this kernel");
	jstr(&l, "0.real_servers.0.address", "10.0.1.1");
	jint(&l, "0.real_servers.0.port", 8080);
	jint(&l, "0.real_servers.0.weight", 3);
	jnull(&l, "0.real_servers.0.up");
	jnull(&l, "0.real_servers.0.last_check");
	jnull(&l, "0.real_servers.0.last_failure_reason");
	jint(&l, "1.fwmark", 4);
	jnull(&l, "1.address");
	assert_int_equal(jlen(&l, "1.real_servers"), 0);
	json_object_put(status);
	status = check_config_status_json(l.cfg->check, true);
	l.json = status;
	jstr(&l, "0.not_installed_reason", "health checks have not run yet");
	json_object_put(status);
	l.json = saved;
	unload(&l);
}

static void test_full_dump_has_check_section(void **state)
{
	struct loaded l;
	json_object *all;

	load_ok(&l, "virtual_server 10.0.0.1 80 {\n}\n");
	all = vigil_config_to_json(l.cfg);
	jstr_at(all, "check.virtual_servers.0.address", "10.0.0.1", __FILE__, __LINE__);
	json_object_put(all);
	unload(&l);
}

/* ---- fixtures ---- */

static void test_fixture_full(void **state)
{
	struct config_load_options opts = { .config_id = "test" };
	char *path = unit_data_path("check/full.conf");
	struct loaded l;

	conf_diags_init(&l.diags);
	l.cfg = vigil_config_load(path, &opts, &l.diags);
	unit_assert_no_errors(&l.diags);
	assert_non_null(l.cfg);
	l.json = check_config_to_json(l.cfg->check);
	assert_int_equal(jlen(&l, "virtual_servers"), 3);
	jstr(&l, "virtual_server_groups.0.name", "web_vips");
	jstr(&l, VS0 ".group", "web_vips");
	jstr(&l, VS0 ".scheduler", "wrr");
	assert_int_equal(jlen(&l, VS0 ".real_servers"), 2);
	jstr(&l, RS0 ".checkers.0.type", "HTTP_GET");
	jstr(&l, "virtual_servers.1.real_servers.0.checkers.0.type", "SMTP_CHECK");
	jint(&l, "virtual_servers.2.fwmark", 100);
	free(path);
	unload(&l);
}

static void test_fixture_errors(void **state)
{
	struct config_load_options opts = { .config_id = "test" };
	char *path = unit_data_path("check/errors.conf");
	struct conf_diags d;

	conf_diags_init(&d);
	assert_null(vigil_config_load(path, &opts, &d));
	unit_assert_error(&d, "errors.conf", 7, "status_code: '600' is not a status code");
	unit_assert_error(&d, "errors.conf", 11, "'10.1.0.300' is not an IP address");
	unit_assert_error(&d, "errors.conf", 14, "group 'missing' is not defined");
	unit_assert_errors(&d, 3);
	conf_diags_free(&d);
	free(path);
}

/* ---- every keyword of keepalived.conf(5) "LVS CONFIGURATION" is known ---- */

static const struct conf_block *sub_block(const struct conf_block *b, const char *name)
{
	const struct conf_keyword *kw = conf_block_find(b, name);

	assert_non_null(kw);
	assert_non_null(kw->block);
	return kw->block;
}

static void assert_known(const struct conf_block *b, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		if (!conf_block_find(b, names[i])) {
			print_error("'%s' is not in the %s block\n", names[i], b->name);
			fail();
		}
	}
}

static const char *const top_kw[] = { "virtual_server_group", "virtual_server", "SSL", NULL };
static const char *const vs_kw[] = {
	"lvs_sched", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port",
	"mh-fallback", "ops", "lvs_method", "persistence_engine", "persistence_timeout",
	"persistence_granularity", "protocol", "ha_suspend", "smtp_alert", "virtualhost",
	"snmp_name", "alpha", "omega", "quorum", "hysteresis", "quorum_up", "quorum_down",
	"ip_family", "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method",
	"connect_timeout", "retry", "delay_before_retry", "warmup", "delay_loop",
	"inhibit_on_failure", "real_server", NULL
};
static const char *const rs_kw[] = {
	"weight", "lvs_method", "notify_up", "notify_down", "uthreshold", "lthreshold",
	"smtp_alert", "virtualhost", "snmp_name", "alpha", "connect_timeout", "retry",
	"delay_before_retry", "warmup", "delay_loop", "inhibit_on_failure", "HTTP_GET",
	"SSL_GET", "TCP_CHECK", "SMTP_CHECK", "DNS_CHECK", "MISC_CHECK", "BFD_CHECK",
	"UDP_CHECK", "PING_CHECK", "FILE_CHECK", NULL
};
static const char *const checker_kw[] = {
	"connect_ip", "connect_port", "bindto", "bind_if", "bind_port", "fwmark", "alpha",
	"connect_timeout", "retry", "delay_before_retry", "warmup", "delay_loop",
	"log_all_failures", NULL
};
/* MISC_CHECK: "only has options alpha onwards" */
static const char *const misc_kw[] = {
	"alpha", "connect_timeout", "retry", "delay_before_retry", "warmup", "delay_loop",
	"log_all_failures", "misc_path", "misc_timeout", "misc_dynamic", "user", NULL
};
static const char *const http_kw[] = { "http_protocol", "fast_recovery", "url", NULL };
static const char *const url_kw[] = {
	"path", "digest", "status_code", "virtualhost", "regex", "regex_no_match",
	"regex_options", "regex_stack", "regex_min_offset", "regex_max_offset", NULL
};
static const char *const ssl_get_kw[] = { "enable_sni", NULL };
static const char *const smtp_kw[] = { "helo_name", NULL };
static const char *const dns_kw[] = { "type", "name", NULL };
static const char *const udp_kw[] = {
	"payload", "require_reply", "min_reply_length", "max_reply_length", NULL
};
static const char *const file_kw[] = { "track_file", "dynamic", "weight", NULL };
static const char *const ssl_kw[] = { "password", "ca", "certificate", "key", NULL };
static const char *const vigil_ext_kw[] = { "rise", "fall", NULL };
/* older keepalived names still found in configurations */
static const char *const vs_compat_kw[] = { "lb_algo", "lb_kind", "hashed", NULL };
static const char *const rs_compat_kw[] = { "lb_kind", NULL };
static const char *const smtp_compat_kw[] = { "host", NULL };

static void test_every_man_page_keyword_is_known(void **state)
{
	const struct conf_block *root = &vigil_config_root_block;
	const struct conf_block *vs = sub_block(root, "virtual_server");
	const struct conf_block *rs = sub_block(vs, "real_server");
	static const char *const std_checkers[] = {
		"HTTP_GET", "SSL_GET", "TCP_CHECK", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK",
		"PING_CHECK", NULL
	};

	assert_known(root, top_kw);
	assert_known(vs, vs_kw);
	assert_known(rs, rs_kw);
	assert_known(rs, vigil_ext_kw);
	assert_known(vs, vs_compat_kw);
	assert_known(rs, rs_compat_kw);
	assert_known(sub_block(rs, "SMTP_CHECK"), smtp_compat_kw);
	for (int i = 0; std_checkers[i]; i++) {
		assert_known(sub_block(rs, std_checkers[i]), checker_kw);
		assert_known(sub_block(rs, std_checkers[i]), vigil_ext_kw);
	}
	assert_known(sub_block(rs, "MISC_CHECK"), misc_kw);
	assert_known(sub_block(rs, "HTTP_GET"), http_kw);
	assert_known(sub_block(rs, "SSL_GET"), http_kw);
	assert_known(sub_block(rs, "SSL_GET"), ssl_get_kw);
	assert_known(sub_block(sub_block(rs, "HTTP_GET"), "url"), url_kw);
	assert_known(sub_block(sub_block(rs, "SSL_GET"), "url"), url_kw);
	assert_known(sub_block(rs, "SMTP_CHECK"), smtp_kw);
	assert_known(sub_block(rs, "DNS_CHECK"), dns_kw);
	assert_known(sub_block(rs, "UDP_CHECK"), udp_kw);
	assert_known(sub_block(rs, "FILE_CHECK"), file_kw);
	assert_known(sub_block(root, "SSL"), ssl_kw);
	assert_int_equal(conf_block_find(rs, "BFD_CHECK")->support, CONF_NOT_YET);
	assert_non_null(conf_block_find(rs, "BFD_CHECK")->note);
	/* man page options that are not the checker's own stay out */
	assert_null(conf_block_find(sub_block(rs, "FILE_CHECK"), "connect_ip"));
	assert_null(conf_block_find(sub_block(rs, "MISC_CHECK"), "bindto"));
}

/* Every keyword the tables hold is SUPPORTED unless it says why not. */
static void check_notes(const struct conf_block *b, unsigned depth)
{
	if (!b->tables || depth > 6)
		return;
	for (const struct conf_keyword *const *t = b->tables; *t; t++) {
		for (const struct conf_keyword *kw = *t; kw->name; kw++) {
			if (kw->support != CONF_SUPPORTED && !kw->note) {
				print_error("'%s' in %s is not SUPPORTED and has no note\n",
					    kw->name, b->name);
				fail();
			}
			if (kw->block)
				check_notes(kw->block, depth + 1);
		}
	}
}

static void test_unsupported_keywords_have_notes(void **state)
{
	for (const struct conf_keyword *kw = check_conf_keywords; kw->name; kw++)
		if (kw->block)
			check_notes(kw->block, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_vs),
		cmocka_unit_test(test_no_lvs_is_empty),
		cmocka_unit_test(test_vs_fwmark_and_ipv6),
		cmocka_unit_test(test_vs_bad_target),
		cmocka_unit_test(test_vs_port_needs_persistence),
		cmocka_unit_test(test_vs_scheduler_names),
		cmocka_unit_test(test_vs_scheduler_errors_and_lb_algo),
		cmocka_unit_test(test_vs_scheduler_flags),
		cmocka_unit_test(test_vs_lvs_method_tunnel),
		cmocka_unit_test(test_vs_lvs_method_errors),
		cmocka_unit_test(test_vs_persistence),
		cmocka_unit_test(test_vs_persistence_errors),
		cmocka_unit_test(test_vs_misc_options),
		cmocka_unit_test(test_vs_protocol_error),
		cmocka_unit_test(test_vs_quorum_scripts),
		cmocka_unit_test(test_vs_quorum_unreachable_warns),
		cmocka_unit_test(test_vs_duplicates),
		cmocka_unit_test(test_sorry_server),
		cmocka_unit_test(test_sorry_server_errors),
		cmocka_unit_test(test_rs_options),
		cmocka_unit_test(test_rs_errors),
		cmocka_unit_test(test_fwmark_families),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_group_ipv6_ranges),
		cmocka_unit_test(test_group_errors),
		cmocka_unit_test(test_group_references),
		cmocka_unit_test(test_group_family_check),
		cmocka_unit_test(test_inheritance),
		cmocka_unit_test(test_type_defaults),
		cmocka_unit_test(test_rise_fall),
		cmocka_unit_test(test_timer_errors),
		cmocka_unit_test(test_tcp_connection_options),
		cmocka_unit_test(test_connection_errors),
		cmocka_unit_test(test_http_get),
		cmocka_unit_test(test_http_url_errors),
		cmocka_unit_test(test_http_equal_url_lists_are_shared),
		cmocka_unit_test(test_equal_checkers_shared_in_the_worker),
		cmocka_unit_test(test_ssl_get_and_ssl_block),
		cmocka_unit_test(test_smtp_check),
		cmocka_unit_test(test_dns_check),
		cmocka_unit_test(test_udp_check),
		cmocka_unit_test(test_udp_check_errors),
		cmocka_unit_test(test_misc_check),
		cmocka_unit_test(test_misc_check_errors),
		cmocka_unit_test(test_file_check),
		cmocka_unit_test(test_bfd_check_not_yet),
		cmocka_unit_test(test_script_syntax_checked),
		cmocka_unit_test(test_bind_if_host_check),
		cmocka_unit_test(test_ssl_files_host_check),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_full_dump_has_check_section),
		cmocka_unit_test(test_fixture_full),
		cmocka_unit_test(test_fixture_errors),
		cmocka_unit_test(test_every_man_page_keyword_is_known),
		cmocka_unit_test(test_unsupported_keywords_have_notes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
