/* global_defs, the script checker and the snmp_socket syntax.
 *
 * Configurations go through vigil_config_load_string() like vigild's, and
 * values are read back through the JSON dump, so the tests see what an
 * operator sees.  Script checks run on real files under a private
 * directory, with owners and modes set here (the tests run as root). */
#include "config.h"

#include "tests/unit/unit.h"

#include "daemon/config_load.h"
#include "daemon/global_conf.h"
#include "daemon/global_conf_private.h"
#include "lib/script_check.h"
#include "snmp/snmp_socket.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

static struct vigil_config *load(const char *text, bool check_host, struct conf_diags *diags)
{
	struct config_load_options opts = { .config_id = "test", .check_host = check_host };

	conf_diags_init(diags);
	return vigil_config_load_string("t.conf", text, &opts, diags);
}

static bool has_diag(const struct conf_diags *diags, const char *expected)
{
	char line[2048];

	for (size_t i = 0; i < diags->count; i++) {
		conf_diag_format(&diags->items[i], line, sizeof(line));
		if (strcmp(line, expected) == 0)
			return true;
	}
	return false;
}

static void print_diags(const struct conf_diags *diags)
{
	conf_diags_print(diags, stderr);
}

/* Loads `text` (without host checks) and returns global[key] as JSON text. */
static char *value_of(const char *text, const char *key)
{
	struct conf_diags diags;
	struct vigil_config *cfg = load(text, false, &diags);
	char *out;

	if (!cfg)
		print_diags(&diags);
	assert_non_null(cfg);
	assert_int_equal(diags.errors, 0);
	json_object *g = global_config_to_json(cfg->global);
	json_object *v = json_object_object_get(g, key);
	out = strdup(v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "null");
	json_object_put(g);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
	return out;
}

static void want_value(const char *text, const char *key, const char *expected)
{
	char *got = value_of(text, key);

	if (strcmp(got, expected) != 0)
		fprintf(stderr, "%s: expected %s, got %s\n", key, expected, got);
	assert_string_equal(got, expected);
	free(got);
}

/* One global_defs line, its value read back. */
static void want_defs_value(const char *line, const char *key, const char *expected)
{
	char text[1024];

	snprintf(text, sizeof(text), "global_defs {\n  %s\n}\n", line);
	want_value(text, key, expected);
}

/* Loads `text` and requires the diagnostic `expected` ("t.conf:N: error:
 * ..."); an error must fail the load, a warning must not. */
static void want_diag_host(const char *text, bool check_host, const char *expected)
{
	struct conf_diags diags;
	struct vigil_config *cfg = load(text, check_host, &diags);
	bool found = has_diag(&diags, expected);

	if (!found) {
		fprintf(stderr, "expected: %s\ngot:\n", expected);
		print_diags(&diags);
	}
	assert_true(found);
	if (strstr(expected, ": error: "))
		assert_null(cfg);
	else
		assert_non_null(cfg);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

static void want_diag(const char *text, const char *expected)
{
	want_diag_host(text, false, expected);
}

static void want_defs_error(const char *line, const char *message)
{
	char text[1024], expected[1024];

	snprintf(text, sizeof(text), "global_defs {\n  %s\n}\n", line);
	snprintf(expected, sizeof(expected), "t.conf:2: error: %s", message);
	want_diag(text, expected);
}

/* ---- defaults and simple values ----------------------------------------- */

static void test_defaults(void **state)
{
	(void)state;
	want_value("", "vrrp_version", "2");
	want_value("", "vrrp_mcast_group4", "\"224.0.0.18\"");
	want_value("", "vrrp_mcast_group6", "\"ff02::12\"");
	want_value("", "vrrp_garp_master_delay", "5.0");
	want_value("", "vrrp_garp_master_repeat", "5");
	want_value("", "vrrp_garp_lower_prio_repeat", "5");
	want_value("", "smtp_connect_timeout", "30");
	want_value("", "startup_script_timeout", "10");
	want_value("", "control_socket", "\"/run/vigil/vigild.sock\"");
	want_value("", "umask", "\"0022\"");
	want_value("", "json_version", "1");
	want_value("", "router_id", "null");
	want_value("", "notification_email", "[]");
}

static void test_router_id(void **state)
{
	(void)state;
	want_defs_value("router_id LVS_DEVEL", "router_id", "\"LVS_DEVEL\"");
	want_defs_error("router_id", "'router_id' needs 1 argument, 0 given");
	want_defs_error("router_id a b", "'router_id' takes at most 1 argument, 2 given");
}

static void test_script_user(void **state)
{
	(void)state;
	want_defs_value("script_user nobody nogroup", "script_user",
			  "{\"user\":\"nobody\",\"group\":\"nogroup\"}");
	want_defs_value("script_user nobody", "script_user", "{\"user\":\"nobody\",\"group\":null}");
	want_defs_value("enable_script_security", "enable_script_security", "true");
	want_value("", "enable_script_security", "false");
	/* unknown users are a host matter: fine without host checks */
	want_defs_value("script_user no_such_user_xyz", "script_user",
			  "{\"user\":\"no_such_user_xyz\",\"group\":null}");
	want_diag_host("global_defs {\n script_user no_such_user_xyz\n}\n", true,
			 "t.conf:2: error: script_user: user 'no_such_user_xyz' does not exist");
	want_diag_host("global_defs {\n\n script_user nobody no_such_group_xyz\n}\n", true,
			 "t.conf:3: error: script_user: group 'no_such_group_xyz' does not exist");
}

static void test_dynamic_interfaces(void **state)
{
	(void)state;
	want_defs_value("dynamic_interfaces", "dynamic_interfaces", "true");
	want_defs_value("dynamic_interfaces", "allow_if_changes", "false");
	want_defs_value("dynamic_interfaces allow_if_changes", "allow_if_changes", "true");
	want_defs_error("dynamic_interfaces sometimes",
			  "dynamic_interfaces: 'sometimes' is not 'allow_if_changes'");
}

static void test_email(void **state)
{
	(void)state;
	const char *text = "global_defs {\n"
			   "  notification_email {\n"
			   "    admin@example.com\n"
			   "    ops@example.com\n"
			   "  }\n"
			   "  notification_email_from vigil@example.com\n"
			   "  smtp_helo_name mx.example.com\n"
			   "}\n";
	want_value(text, "notification_email", "[\"admin@example.com\",\"ops@example.com\"]");
	want_value(text, "notification_email_from", "\"vigil@example.com\"");
	want_value(text, "smtp_helo_name", "\"mx.example.com\"");
	want_diag("global_defs {\n notification_email {\n  root\n }\n}\n",
		    "t.conf:3: warning: notification_email: 'root' has no '@'; is it an address?");
}

static void test_smtp_server(void **state)
{
	(void)state;
	want_defs_value("smtp_server 192.0.2.25", "smtp_server", "{\"host\":\"192.0.2.25\",\"port\":25}");
	want_defs_value("smtp_server 2001:db8::25 587", "smtp_server",
			  "{\"host\":\"2001:db8::25\",\"port\":587}");
	want_defs_value("smtp_server mail.example.com 2525", "smtp_server",
			  "{\"host\":\"mail.example.com\",\"port\":2525}");
	want_defs_error("smtp_server bad..host",
			  "smtp_server: 'bad..host' is neither an IP address nor a host name");
	want_defs_error("smtp_server 192.0.2.25 70000",
			  "smtp_server: '70000' is out of range 1..65535");
	want_defs_value("smtp_connect_timeout 5", "smtp_connect_timeout", "5");
	want_defs_error("smtp_connect_timeout 0", "smtp_connect_timeout: '0' is out of range 1..3600");
	want_defs_value("smtp_alert_vrrp off", "smtp_alert_vrrp", "false");
	want_defs_value("smtp_alert", "smtp_alert", "true");
	want_defs_error("smtp_alert perhaps",
			  "smtp_alert: 'perhaps' is not one of on|off|true|false|yes|no");
}

static void test_fifos(void **state)
{
	(void)state;
	const char *text = "global_defs {\n"
			   "  vrrp_notify_fifo /run/vigil/vrrp.fifo nobody nogroup\n"
			   "  vrrp_notify_fifo_script \"/usr/bin/logger -t vigil\" nobody\n"
			   "}\n";
	want_value(text, "vrrp_notify_fifo",
		     "{\"path\":\"/run/vigil/vrrp.fifo\",\"user\":\"nobody\",\"group\":\"nogroup\","
		     "\"script\":{\"command\":\"/usr/bin/logger -t vigil\",\"user\":\"nobody\","
		     "\"group\":null}}");
	want_value(text, "notify_fifo", "null");
	want_defs_error("lvs_notify_fifo relative.fifo",
			  "lvs_notify_fifo: 'relative.fifo' is not an absolute path");
	want_diag("global_defs {\n notify_fifo /run/a.fifo\n lvs_notify_fifo /run/a.fifo\n}\n",
		    "t.conf:3: error: lvs_notify_fifo: '/run/a.fifo' is already used by notify_fifo");
	want_diag("global_defs {\n notify_fifo_script /bin/true\n}\n",
		    "t.conf:2: warning: notify_fifo_script without notify_fifo: the script is not run");
}

static void test_fifo_owner_checked_on_host(void **state)
{
	(void)state;
	want_diag_host("global_defs {\n notify_fifo /run/vigil-test.fifo no_such_user_xyz\n}\n",
			 true, "t.conf:2: error: notify_fifo: user 'no_such_user_xyz' does not exist");
}

static void test_process_settings(void **state)
{
	(void)state;
	want_defs_value("max_auto_priority", "max_auto_priority", "99");
	want_defs_value("max_auto_priority -1", "max_auto_priority", "-1");
	want_value("", "max_auto_priority", "0");
	want_defs_error("max_auto_priority 100", "max_auto_priority: '100' is out of range -1..99");
	want_defs_value("vrrp_priority -20", "vrrp_priority", "-20");
	want_defs_error("checker_priority 20", "checker_priority: '20' is out of range -20..19");
	want_defs_value("vrrp_rt_priority 50", "vrrp_rt_priority", "50");
	want_defs_error("checker_rt_priority 0", "checker_rt_priority: '0' is out of range 1..99");
	want_defs_value("vrrp_no_swap", "vrrp_no_swap", "true");
	want_defs_value("checker_rlimit_rttime 20000", "checker_rlimit_rttime", "20000");
	want_defs_error("vrrp_rlimit_rttime 1", "vrrp_rlimit_rttime: '1' is out of range 2..4294967295");
	want_defs_value("vrrp_cpu_affinity 0 2 3", "vrrp_cpu_affinity", "[0,2,3]");
	want_defs_error("checker_cpu_affinity 1 x", "checker_cpu_affinity: 'x' is not a whole number");
	want_defs_value("min_auto_priority_delay 500000", "min_auto_priority_delay", "500000");
}

static void test_process_names(void **state)
{
	(void)state;
	want_defs_value("process_names", "process_names", "true");
	want_defs_value("process_name vigil-main", "process_name", "\"vigil-main\"");
	want_defs_value("vrrp_process_name vigil-vrrp", "vrrp_process_name", "\"vigil-vrrp\"");
	want_defs_value("checker_process_name vigil-chk", "checker_process_name", "\"vigil-chk\"");
	want_diag("global_defs {\n process_name a_very_long_process_name\n}\n",
		    "t.conf:1: warning: process name 'a_very_long_process_name' will be cut to 15 "
		    "characters");
}

static void test_vrrp_version(void **state)
{
	(void)state;
	want_defs_value("vrrp_version 3", "vrrp_version", "3");
	want_defs_error("vrrp_version 4", "vrrp_version: '4' is out of range 2..3");
	want_defs_error("vrrp_version two", "vrrp_version: 'two' is not a whole number");
}

static void test_mcast_groups(void **state)
{
	(void)state;
	want_defs_value("vrrp_mcast_group4 239.1.2.3", "vrrp_mcast_group4", "\"239.1.2.3\"");
	want_defs_value("vrrp_mcast_group6 ff05::101", "vrrp_mcast_group6", "\"ff05::101\"");
	want_defs_error("vrrp_mcast_group4 192.0.2.1",
			  "vrrp_mcast_group4: '192.0.2.1' is not a multicast address (224.0.0.0/4)");
	want_defs_error("vrrp_mcast_group6 2001:db8::1",
			  "vrrp_mcast_group6: '2001:db8::1' is not a multicast address (ff00::/8)");
	want_defs_error("vrrp_mcast_group4 ff02::12",
			  "vrrp_mcast_group4: 'ff02::12' is not an IPv4 address");
	want_defs_error("vrrp_mcast_group6 224.0.0.18",
			  "vrrp_mcast_group6: '224.0.0.18' is not an IPv6 address");
}

static void test_garp(void **state)
{
	(void)state;
	want_defs_value("vrrp_garp_master_delay 10", "vrrp_garp_master_delay", "10.0");
	/* the lower-priority values default to the master ones */
	want_defs_value("vrrp_garp_master_delay 10", "vrrp_garp_lower_prio_delay", "10.0");
	want_value("global_defs {\n vrrp_garp_master_repeat 2\n vrrp_garp_lower_prio_repeat 7\n}\n",
		     "vrrp_garp_lower_prio_repeat", "7");
	want_defs_value("vrrp_garp_master_refresh 60", "vrrp_garp_master_refresh", "60.0");
	want_defs_value("vrrp_garp_master_refresh_repeat 2", "vrrp_garp_master_refresh_repeat", "2");
	want_defs_value("vrrp_garp_interval 0.001", "vrrp_garp_interval", "0.001");
	want_defs_value("vrrp_gna_interval 0.25", "vrrp_gna_interval", "0.25");
	want_defs_error("vrrp_garp_interval 2",
			  "vrrp_garp_interval: '2' is out of range 0..1 seconds");
	want_defs_error("vrrp_garp_master_repeat 0",
			  "vrrp_garp_master_repeat: '0' is out of range 1..1000");
	want_defs_value("vrrp_min_garp", "vrrp_min_garp", "true");
	want_defs_value("vrrp_min_garp", "vrrp_garp_master_repeat", "1");
	want_defs_value("vrrp_min_garp", "vrrp_garp_master_delay", "0.0");
	want_defs_value("vrrp_min_garp no", "vrrp_garp_master_repeat", "5");
	want_value("global_defs {\n vrrp_min_garp\n vrrp_garp_master_repeat 3\n}\n",
		   "vrrp_garp_master_repeat", "3");
	want_defs_value("vrrp_down_timer_adverts 10", "vrrp_down_timer_adverts", "10");
	want_defs_error("vrrp_down_timer_adverts 101",
			  "vrrp_down_timer_adverts: '101' is out of range 1..100");
}

static void test_vrrp_flags(void **state)
{
	(void)state;
	want_value("", "vrrp_lower_prio_no_advert", "false");
	want_defs_value("vrrp_strict", "vrrp_lower_prio_no_advert", "true");
	want_value("global_defs {\n vrrp_strict\n vrrp_lower_prio_no_advert false\n}\n",
		     "vrrp_lower_prio_no_advert", "false");
	want_defs_value("vrrp_higher_prio_send_advert yes", "vrrp_higher_prio_send_advert", "true");
	want_defs_value("vrrp_check_unicast_src", "vrrp_check_unicast_src", "true");
	want_defs_value("vrrp_skip_check_adv_addr", "vrrp_skip_check_adv_addr", "true");
	want_defs_value("vrrp_startup_delay 5.5", "vrrp_startup_delay", "5.5");
	want_defs_value("log_unknown_vrids", "log_unknown_vrids", "true");
	want_defs_value("vmac_prefix vm", "vmac_prefix", "\"vm\"");
	want_defs_error("vmac_prefix abcdefghijkl",
			  "vmac_prefix: 'abcdefghijkl' is longer than 11 characters (PREFIX.VRID must "
			  "fit an interface name)");
	want_defs_value("default_interface eth1", "default_interface", "\"eth1\"");
}

static void test_lvs_timeouts(void **state)
{
	(void)state;
	want_defs_value("lvs_timeouts tcp 900 udp 300", "lvs_timeouts",
			  "{\"tcp\":900,\"tcpfin\":0,\"udp\":300}");
	want_value("", "lvs_timeouts", "null");
	want_defs_error("lvs_timeouts tcp 900 udp", "lvs_timeouts: give pairs of tcp|tcpfin|udp SECONDS");
	want_defs_error("lvs_timeouts sctp 10", "lvs_timeouts: 'sctp' is not one of tcp|tcpfin|udp");
	want_defs_error("lvs_timeouts tcp 0", "lvs_timeouts: '0' is out of range 1..2678400");
}

static void test_lvs_sync_daemon(void **state)
{
	(void)state;
	want_defs_value("lvs_sync_daemon eth0 id 5 maxlen 1400 port 9000 ttl 3 group 239.0.0.9",
			  "lvs_sync_daemon",
			  "{\"interface\":\"eth0\",\"vrrp_instance\":null,\"id\":5,\"maxlen\":1400,"
			  "\"port\":9000,\"ttl\":3,\"group\":\"239.0.0.9\"}");
	want_defs_value("lvs_sync_daemon eth0", "lvs_sync_daemon",
			  "{\"interface\":\"eth0\",\"vrrp_instance\":null,\"id\":null,\"maxlen\":null,"
			  "\"port\":8848,\"ttl\":null,\"group\":\"224.0.0.81\"}");
	want_defs_error("lvs_sync_daemon eth0 id 256", "lvs_sync_daemon: '256' is out of range 0..255");
	want_defs_error("lvs_sync_daemon eth0 group 192.0.2.1",
			  "lvs_sync_daemon: group '192.0.2.1' is not a multicast address");
	want_defs_error("lvs_sync_daemon eth0 ttl", "lvs_sync_daemon: 'ttl' needs a value");
	/* the instance must exist */
	want_diag("global_defs {\n  lvs_sync_daemon eth0 inst VI_MISSING\n}\n",
		    "t.conf:2: error: lvs_sync_daemon: no vrrp_instance 'VI_MISSING'");
	want_diag("global_defs {\n  lvs_sync_daemon eth0 VI_OLDSTYLE id 3\n}\n",
		    "t.conf:2: error: lvs_sync_daemon: no vrrp_instance 'VI_OLDSTYLE'");
}

static void test_lvs_sync_daemon_instance(void **state)
{
	(void)state;
	want_value("vrrp_instance VI_1 {\n  state BACKUP\n  interface lo\n  virtual_router_id 51\n"
		   "  priority 100\n  virtual_ipaddress {\n    192.0.2.1/32\n  }\n}\n"
		   "global_defs {\n  lvs_sync_daemon lo VI_1 id 51\n}\n",
		   "lvs_sync_daemon",
		   "{\"interface\":\"lo\",\"vrrp_instance\":\"VI_1\",\"id\":51,\"maxlen\":null,"
		   "\"port\":8848,\"ttl\":null,\"group\":\"224.0.0.81\"}");
}

/* Host checks: a missing interface is worth a warning, not a failure
 * (it may appear later); dynamic_interfaces silences it. */
static void test_interfaces_on_host(void **state)
{
	struct conf_diags diags;
	(void)state;
	want_diag_host("global_defs {\n router_id x\n default_interface nosuchif0\n}\n", true,
		       "t.conf:3: warning: default_interface: interface 'nosuchif0' does not exist "
		       "on this host");
	want_diag_host("global_defs {\n lvs_sync_daemon nosuchif0\n}\n", true,
		       "t.conf:2: warning: lvs_sync_daemon: interface 'nosuchif0' does not exist on "
		       "this host");
	struct vigil_config *cfg = load("global_defs {\n dynamic_interfaces\n"
					" default_interface nosuchif0\n}\n", true, &diags);
	assert_non_null(cfg);
	assert_int_equal(diags.count, 0);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
	cfg = load("global_defs {\n default_interface lo\n}\n", true, &diags);
	assert_non_null(cfg);
	assert_int_equal(diags.count, 0);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

static void test_lvs_flush(void **state)
{
	(void)state;
	want_value("", "lvs_flush_on_stop", "\"no\"");
	want_defs_value("lvs_flush_on_stop", "lvs_flush_on_stop", "\"all\"");
	want_defs_value("lvs_flush_on_stop VS", "lvs_flush_on_stop", "\"vs\"");
	want_defs_error("lvs_flush_on_stop RS", "lvs_flush_on_stop: 'RS' is not 'VS'");
	want_defs_value("lvs_flush", "lvs_flush", "true");
}

/* The smtp_alert defaults: global_defs lines, then what a vrrp_instance
 * without its own smtp_alert gets. */
struct smtp_case {
	const char *defs;
	bool vrrp, vs, rs;      /* defaults for instances, virtual servers, real servers */
};

static bool instance_smtp_alert(const struct vigil_config *cfg)
{
	json_object *root = vigil_config_to_json(cfg), *vrrp, *insts, *value;
	bool on;

	assert_true(json_object_object_get_ex(root, "vrrp", &vrrp));
	assert_true(json_object_object_get_ex(vrrp, "instances", &insts));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(insts, 0), "smtp_alert",
					      &value));
	on = json_object_get_boolean(value);
	json_object_put(root);
	return on;
}

static void want_smtp_defaults(const struct smtp_case *c)
{
	struct conf_diags diags;
	char *text = xasprintf("global_defs {\n%s\n}\n"
			       "vrrp_instance V {\n interface lo\n virtual_router_id 1\n"
			       " priority 100\n virtual_ipaddress {\n  10.1.1.1\n }\n}\n",
			       c->defs);
	struct vigil_config *cfg = load(text, false, &diags);

	if (!cfg)
		print_diags(&diags);
	assert_non_null(cfg);
	if (global_smtp_alert_default(cfg->global, GLOBAL_SMTP_VRRP, false) != c->vrrp
	    || global_smtp_alert_default(cfg->global, GLOBAL_SMTP_CHECKER, false) != c->vs
	    || global_smtp_alert_default(cfg->global, GLOBAL_SMTP_CHECKER, true) != c->rs)
		fail_msg("smtp_alert defaults wrong for: %s", c->defs);
	assert_int_equal(instance_smtp_alert(cfg), c->vrrp);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
	free(text);
}

static void test_smtp_alert_precedence(void **state)
{
	static const struct smtp_case cases[] = {
		{ "", false, false, true },
		{ "smtp_alert", true, true, true },
		{ "smtp_alert no", false, false, false },
		{ "smtp_alert yes\nsmtp_alert_vrrp no", false, true, true },
		{ "smtp_alert yes\nsmtp_alert_checker no", true, false, false },
		{ "smtp_alert_checker no\nsmtp_alert yes", true, false, false },
		{ "smtp_alert no\nsmtp_alert_vrrp yes", true, false, false },
		{ "smtp_alert_vrrp yes", true, false, true },
		{ "smtp_alert_checker yes", false, true, true },
		{ "smtp_alert_checker no", false, false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		want_smtp_defaults(&cases[i]);
}

static void test_snmp_keywords(void **state)
{
	(void)state;
	want_value("", "snmp_socket",
		     "{\"address\":\"unix:/var/agentx/master\",\"transport\":\"unix\","
		     "\"path\":\"/var/agentx/master\"}");
	want_defs_value("snmp_socket udp:192.0.2.1:705", "snmp_socket",
			  "{\"address\":\"udp:192.0.2.1:705\",\"transport\":\"udp\","
			  "\"host\":\"192.0.2.1\",\"port\":705}");
	want_defs_error("snmp_socket unix:relative",
			  "snmp_socket: a unix socket needs an absolute path: 'unix:relative'");
	want_defs_value("enable_snmp_rfc", "enable_snmp_rfcv2", "true");
	want_defs_value("enable_snmp_rfc", "enable_snmp_rfcv3", "true");
	want_defs_value("enable_snmp_rfcv3", "enable_snmp_rfcv2", "false");
	want_defs_value("enable_snmp_checker", "enable_snmp_checker", "true");
	want_defs_value("enable_traps", "enable_traps", "true");
	want_defs_value("enable_snmp_keepalived", "enable_snmp_vrrp", "true");
	want_diag("global_defs {\n enable_snmp_keepalived\n}\n",
		    "t.conf:2: warning: 'enable_snmp_keepalived' is deprecated: use enable_snmp_vrrp");
}

static void test_snmp_socket_syntax(void **state)
{
	static const struct {
		const char *text, *canonical;
	} good[] = {
		{ "unix:/var/agentx/master", "unix:/var/agentx/master" },
		{ "/run/agentx.sock", "unix:/run/agentx.sock" },
		{ "tcp:localhost:7050", "tcp:localhost:7050" },
		{ "udp:1.2.3.4", "udp:1.2.3.4:705" },
		{ "tcp:705", "tcp:localhost:705" },
		{ "agent.example.com:1705", "tcp:agent.example.com:1705" },
		{ "tcp6:[::1]:705", "tcp6:[::1]:705" },
		{ "udp6:2001:db8::1", "udp6:[2001:db8::1]:705" },
		{ "UDP:10.0.0.1:161", "udp:10.0.0.1:161" },
	};
	static const char *const bad[] = {
		"", "unix:", "tcp:host:0", "tcp:host:65536", "tcp:host:x", "tcp:::1",
		"tcp6:[::1", "tcp6:[::1]x", "udp:bad host", "tcp:a:b:c", "udp6:[zz::1]:705",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct snmp_socket s;
		char err[128];
		assert_true(snmp_socket_parse(good[i].text, &s, err, sizeof(err)));
		char *text = snmp_socket_to_string(&s);
		assert_string_equal(text, good[i].canonical);
		free(text);
		snmp_socket_clear(&s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snmp_socket s;
		char err[128] = "";
		if (snmp_socket_parse(bad[i], &s, err, sizeof(err)))
			fprintf(stderr, "accepted bad snmp_socket '%s'\n", bad[i]);
		assert_false(snmp_socket_parse(bad[i], &s, err, sizeof(err)));
		assert_true(err[0] != '\0');
		assert_null(s.host);
		assert_null(s.path);
	}
}

static void test_not_yet_keywords(void **state)
{
	struct conf_diags diags;
	(void)state;
	want_diag("global_defs {\n enable_dbus\n}\n",
		    "t.conf:2: warning: 'enable_dbus' is not implemented yet by vigil; ignored: vigil "
		    "has no D-Bus interface; use vigilctl");
	want_diag("net_namespace blue\n",
		    "t.conf:1: warning: 'net_namespace' is not implemented yet by vigil; ignored: "
		    "running in a network namespace (use ip netns exec)");
	want_diag("global_defs {\n reload_check_config /tmp/x.log\n}\n",
		    "t.conf:2: warning: 'reload_check_config' has no effect in vigil; ignored: vigil "
		    "always checks a new configuration before applying it");
	/* a not-yet keyword never fails a load */
	struct vigil_config *cfg = load("global_defs {\n vrrp_iptables in out\n nftables_ifindex\n"
					" bfd_priority -5\n}\n", false, &diags);
	assert_non_null(cfg);
	assert_int_equal(diags.errors, 0);
	assert_int_equal(diags.warnings, 3);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

/* no_accept's nftables table: name, hook priority, counters. */
static void test_nftables(void **state)
{
	(void)state;
	want_defs_value("router_id x", "nftables", "null");
	want_defs_value("router_id x", "nftables_priority", "-1");
	want_defs_value("nftables", "nftables", "null");
	want_defs_value("nftables vigil_2", "nftables", "\"vigil_2\"");
	want_defs_value("nftables_priority -5", "nftables_priority", "-5");
	want_defs_value("nftables_counters", "nftables_counters", "true");
	want_defs_error("nftables 'x; flush ruleset'", "nftables: 'x; flush ruleset' is not a table "
			"name (letters, digits and '_', not starting with a digit, at most 64 "
			"characters)");
	want_defs_error("nftables 2abc", "nftables: '2abc' is not a table name (letters, digits "
			"and '_', not starting with a digit, at most 64 characters)");
}

static void test_unknown_keyword(void **state)
{
	(void)state;
	want_diag("global_defs {\n router_id x\n no_such_thing 1\n}\n",
		    "t.conf:3: error: unknown keyword 'no_such_thing' in global_defs block");
}

static void test_json_version(void **state)
{
	(void)state;
	want_defs_value("json_version 2", "json_version", "2");
	want_defs_error("json_version 3", "json_version: '3' is out of range 1..2");
}

static void test_umask(void **state)
{
	(void)state;
	want_defs_value("umask 077", "umask", "\"0077\"");
	want_defs_value("umask 0x12", "umask", "\"0022\"");
	want_defs_value("umask 18", "umask", "\"0022\"");
	want_defs_value("umask IWGRP|IWOTH", "umask", "\"0022\"");
	want_defs_value("umask IWGRP | IWOTH | IXOTH", "umask", "\"0023\"");
}

static void test_umask_errors(void **state)
{
	(void)state;
	want_defs_error("umask 01000",
			  "umask: '01000' is neither a number 0..0777 nor BITS like IWGRP|IWOTH");
	want_defs_error("umask IWGRP|IXALL",
			  "umask: 'IWGRP|IXALL' is neither a number 0..0777 nor BITS like IWGRP|IWOTH");
}

static void test_top_level(void **state)
{
	(void)state;
	want_value("instance blue\nuse_pid_dir\nchild_wait_time 20\nlinkbeat_use_polling\n",
		     "instance", "\"blue\"");
	want_value("use_pid_dir\n", "use_pid_dir", "true");
	want_value("child_wait_time 20\n", "child_wait_time", "20");
	want_value("linkbeat_use_polling\n", "linkbeat_use_polling", "true");
	want_diag("child_wait_time 0\n", "t.conf:1: error: child_wait_time: '0' is out of range 1..3600");
}

static void test_control_socket(void **state)
{
	struct conf_diags diags;
	(void)state;
	want_defs_value("control_socket /run/vigil/other.sock", "control_socket",
			  "\"/run/vigil/other.sock\"");
	want_defs_error("control_socket vigil.sock",
			  "control_socket: 'vigil.sock' is not an absolute path");
	struct vigil_config *cfg = load("global_defs {\n control_socket /run/c.sock\n}\n", false,
					&diags);
	assert_non_null(cfg);
	/* the command line wins over the file, the file over the default */
	assert_string_equal(global_control_socket(cfg->global, "/tmp/cli.sock"), "/tmp/cli.sock");
	assert_string_equal(global_control_socket(cfg->global, NULL), "/run/c.sock");
	assert_string_equal(global_control_socket(NULL, NULL), GLOBAL_CONTROL_SOCKET_DEFAULT);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

static void test_metrics_listen(void **state)
{
	(void)state;
	want_defs_value("metrics_listen 127.0.0.1:9650", "metrics_listen", "\"127.0.0.1:9650\"");
	want_defs_value("metrics_listen [::1]:9650", "metrics_listen", "\"[::1]:9650\"");
	want_value("", "metrics_listen", "null");
	want_defs_error("metrics_listen 9650",
			  "metrics_listen: '9650' is not ADDRESS:PORT ([ADDRESS]:PORT for IPv6)");
	want_defs_error("metrics_listen ::1:9650",
			  "metrics_listen: '::1:9650' is not ADDRESS:PORT ([ADDRESS]:PORT for IPv6)");
	want_defs_error("metrics_listen 127.0.0.1:0", "metrics_listen: '0' is out of range 1..65535");
	want_defs_error("metrics_listen localhost:9650",
			  "metrics_listen: 'localhost' is not an IP address");
	want_defs_error("metrics_listen [127.0.0.1]:9650",
			  "metrics_listen: brackets go around IPv6 addresses only: '[127.0.0.1]:9650'");
}

static void test_script_timeouts(void **state)
{
	(void)state;
	want_defs_value("startup_script_timeout 1000", "startup_script_timeout", "1000");
	want_defs_error("shutdown_script_timeout 1001",
			  "shutdown_script_timeout: '1001' is out of range 1..1000");
	want_defs_value("startup_script \"/bin/echo hello\" nobody", "startup_script",
			  "{\"command\":\"/bin/echo hello\",\"user\":\"nobody\",\"group\":null}");
	want_defs_error("shutdown_script \"\"", "shutdown_script: the script is empty");
}

/* ---- the keyword list against the man page ------------------------------- */

/* Every keyword keepalived.conf(5) documents under "Global definitions"
 * (inside global_defs), in the man page's order. */
static const char *const man_global_defs[] = {
	"tmp_config_directory", "config_save_dir", "process_names", "process_name",
	"vrrp_process_name", "checker_process_name", "bfd_process_name", "startup_script",
	"startup_script_timeout", "shutdown_script", "shutdown_script_timeout",
	"notification_email", "notification_email_from", "smtp_server", "smtp_helo_name",
	"smtp_connect_timeout", "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker",
	"checker_log_all_failures", "no_email_faults", "router_id", "vrrp_mcast_group4",
	"vrrp_mcast_group6", "default_interface", "lvs_sync_daemon", "lvs_timeouts", "lvs_flush",
	"lvs_flush_on_stop", "vrrp_garp_master_delay", "vrrp_garp_master_repeat",
	"vrrp_garp_lower_prio_delay", "vrrp_down_timer_adverts", "vrrp_garp_lower_prio_repeat",
	"vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat", "vrrp_garp_interval",
	"vrrp_gna_interval", "vrrp_min_garp", "vrrp_garp_extra_if", "vrrp_lower_prio_no_advert",
	"vrrp_higher_prio_send_advert", "vrrp_version", "nftables", "nftables_priority",
	"nftables_counters", "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority",
	"nftables_ipvs_start_fwmark", "vrrp_iptables", "vrrp_ipsets", "disable_local_igmp",
	"vrrp_check_unicast_src", "vrrp_skip_check_adv_addr", "vrrp_strict",
	"vrrp_notify_priority_changes", "max_auto_priority", "min_auto_priority_delay",
	"vrrp_priority", "checker_priority", "bfd_priority", "vrrp_no_swap", "checker_no_swap",
	"bfd_no_swap", "vrrp_cpu_affinity", "checker_cpu_affinity", "bfd_cpu_affinity",
	"vrrp_rt_priority", "checker_rt_priority", "bfd_rt_priority", "vrrp_rlimit_rttime",
	"checker_rlimit_rttime", "bfd_rlimit_rttime", "snmp_socket", "enable_snmp_vrrp",
	"enable_snmp_checker", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
	"enable_traps", "enable_dbus", "dbus_service_name", "script_user",
	"enable_script_security", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo",
	"vrrp_notify_fifo_script", "lvs_notify_fifo", "lvs_notify_fifo_script",
	"fifo_write_vrrp_states_on_reload", "dynamic_interfaces", "vrrp_netlink_cmd_rcv_bufs",
	"vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
	"vrrp_netlink_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs",
	"lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs",
	"lvs_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs",
	"process_monitor_rcv_bufs_force", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier",
	"rs_init_notifies", "no_checker_emails", "umask", "vrrp_startup_delay",
	"log_unknown_vrids", "vmac_prefix", "vmac_addr_prefix", "random_seed",
	"reload_check_config", "include_check", "reload_time_file", "reload_repeat",
	"reload_file", "data_use_instance",
};

/* The ones the section documents outside global_defs, at the top level. */
static const char *const man_global_top_level[] = {
	"global_defs", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance",
	"use_pid_dir", "linkbeat_use_polling", "child_wait_time",
};

static void test_every_man_page_keyword_is_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(man_global_defs) / sizeof(man_global_defs[0]); i++) {
		if (!conf_block_find(&global_defs_block, man_global_defs[i]))
			fprintf(stderr, "global_defs lacks '%s'\n", man_global_defs[i]);
		assert_non_null(conf_block_find(&global_defs_block, man_global_defs[i]));
	}
	for (size_t i = 0; i < sizeof(man_global_top_level) / sizeof(man_global_top_level[0]); i++)
		assert_non_null(conf_block_find(&vigil_config_root_block, man_global_top_level[i]));
}

/* Keywords handled by the shared field handler must have storage, and
 * every field must be set by some keyword's handler. */
static void test_field_table_consistent(void **state)
{
	const struct conf_keyword *const *tables = global_defs_block.tables;
	(void)state;
	for (const struct conf_keyword *const *t = tables; *t; t++)
		for (const struct conf_keyword *kw = *t; kw->name; kw++)
			if (kw->handler == global_set_field)
				assert_non_null(global_field_find(kw->name));
	for (const struct global_field *f = global_fields; f->name; f++) {
		const struct conf_keyword *kw = conf_block_find(&global_defs_block, f->name);
		if (!kw)
			kw = conf_block_find(&vigil_config_root_block, f->name);
		assert_non_null(kw);
		assert_non_null(kw->handler);
	}
}

/* Every value the field table stores appears in the dump under its keyword. */
static void test_supported_keywords_are_dumped(void **state)
{
	struct conf_diags diags;
	struct vigil_config *cfg = load("", false, &diags);
	(void)state;
	assert_non_null(cfg);
	json_object *g = global_config_to_json(cfg->global);
	for (const struct global_field *f = global_fields; f->name; f++) {
		if (f->alias)
			continue;
		if (!json_object_object_get_ex(g, f->name, NULL))
			fprintf(stderr, "'%s' missing from the dump\n", f->name);
		assert_true(json_object_object_get_ex(g, f->name, NULL));
	}
	json_object_put(g);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

/* ---- the script checker ------------------------------------------------- */

struct script_dir {
	char base[64];
};

static char *path_in(const struct script_dir *d, const char *name)
{
	static char buf[4][256];
	static int next;
	char *out = buf[next++ % 4];

	snprintf(out, sizeof(buf[0]), "%s/%s", d->base, name);
	return out;
}

static void make_file(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
	close(fd);
	assert_int_equal(chown(path, uid, gid), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void make_dir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chown(path, uid, gid), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Always under /tmp, whatever TMPDIR says: the safety checks look at every
 * directory above a script, so the tests need root-owned parents. */
static int script_setup(void **state)
{
	struct script_dir *d = calloc(1, sizeof(*d));

	snprintf(d->base, sizeof(d->base), "/tmp/vigil-sc-XXXXXX");
	if (!mkdtemp(d->base) || chmod(d->base, 0755) != 0)
		return -1;
	*state = d;
	return 0;
}

static int script_teardown(void **state)
{
	struct script_dir *d = *state;

	unit_tmpdir_remove(strdup(d->base));
	free(d);
	return 0;
}

static const struct script_check_policy root_policy = {
	.uid = 0, .gid = 0, .user_name = "root", .check_host = true,
};

static uid_t nobody_uid(void)
{
	struct passwd *pw = getpwnam("nobody");
	return pw ? pw->pw_uid : 65534;
}

static struct script_check_policy nobody_policy(void)
{
	struct passwd *pw = getpwnam("nobody");
	return (struct script_check_policy){
		.uid = pw->pw_uid, .gid = pw->pw_gid, .user_name = "nobody", .check_host = true,
	};
}

static enum script_check_result inspect(const char *cmdline, const struct script_check_policy *p,
					char *why, size_t why_len)
{
	return script_check_inspect(cmdline, p, NULL, 0, why, why_len);
}

static void test_split_argv(void **state)
{
	(void)state;
	char **argv = script_split_argv("  /bin/x a 'b c' \"d \\\"e\\\"\" f\\ g 'h'\"i\"");
	assert_non_null(argv);
	assert_string_equal(argv[0], "/bin/x");
	assert_string_equal(argv[1], "a");
	assert_string_equal(argv[2], "b c");
	assert_string_equal(argv[3], "d \"e\"");
	assert_string_equal(argv[4], "f g");
	assert_string_equal(argv[5], "hi");
	assert_null(argv[6]);
	script_argv_free(argv);
	assert_null(script_split_argv("/bin/x 'open"));
	assert_null(script_split_argv("/bin/x \"open"));
	assert_null(script_split_argv("/bin/x trailing\\"));
	argv = script_split_argv("   ");
	assert_non_null(argv);
	assert_null(argv[0]);
	script_argv_free(argv);
}

static void test_script_syntax_without_host(void **state)
{
	struct script_check_policy p = { .check_host = false };
	char why[256];
	(void)state;
	assert_int_equal(inspect("/does/not/exist arg", &p, why, sizeof(why)), SCRIPT_CHECK_OK);
	assert_int_equal(inspect("", &p, why, sizeof(why)), SCRIPT_CHECK_EMPTY);
	assert_int_equal(inspect("'/bin/x", &p, why, sizeof(why)), SCRIPT_CHECK_BAD_QUOTING);
	assert_int_equal(inspect("./x.sh", &p, why, sizeof(why)), SCRIPT_CHECK_NOT_FOUND);
	assert_string_equal(why, "'./x.sh' is a relative path; give the program's absolute path");
	for (int i = 0; i < SCRIPT_CHECK_RESULT_COUNT; i++)
		assert_non_null(script_check_result_names[i]);
}

static void test_script_ok_as_root(void **state)
{
	struct script_dir *d = *state;
	char why[512];
	struct conf_diags diags;

	make_file(path_in(d, "ok.sh"), 0755, 0, 0);
	assert_int_equal(inspect(path_in(d, "ok.sh"), &root_policy, why, sizeof(why)), SCRIPT_CHECK_OK);
	assert_string_equal(why, "");
	conf_diags_init(&diags);
	assert_true(script_check(path_in(d, "ok.sh"), "notify", (struct conf_where){ "t.conf", 4 },
				 &root_policy, &diags));
	assert_int_equal(diags.count, 0);
	conf_diags_free(&diags);
}

static void test_script_not_found(void **state)
{
	struct script_dir *d = *state;
	struct conf_diags diags;
	char expected[512];

	conf_diags_init(&diags);
	assert_false(script_check(path_in(d, "missing.sh"), "notify_master",
				  (struct conf_where){ "t.conf", 7 }, &root_policy, &diags));
	snprintf(expected, sizeof(expected),
		 "t.conf:7: error: notify_master: %s: No such file or directory", path_in(d, "missing.sh"));
	assert_true(has_diag(&diags, expected));
	conf_diags_free(&diags);
	assert_int_equal(inspect("no-such-program-vigil-xyz", &root_policy, NULL, 0),
			 SCRIPT_CHECK_NOT_FOUND);
}

static void test_script_found_on_path(void **state)
{
	char path[PATH_MAX];
	(void)state;
	assert_int_equal(script_check_inspect("sh -c true", &root_policy, path, sizeof(path), NULL, 0),
			 SCRIPT_CHECK_OK);
	assert_true(path[0] == '/');
	assert_non_null(strstr(path, "/sh"));
}

static void test_script_not_regular(void **state)
{
	struct script_dir *d = *state;
	char why[512], expected[512];

	make_dir(path_in(d, "adir"), 0755, 0, 0);
	assert_int_equal(inspect(path_in(d, "adir"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_NOT_REGULAR);
	snprintf(expected, sizeof(expected), "%s is not a regular file", path_in(d, "adir"));
	assert_string_equal(why, expected);
}

static void test_script_not_executable(void **state)
{
	struct script_dir *d = *state;
	struct script_check_policy nobody = nobody_policy();
	char why[512], expected[512];

	make_file(path_in(d, "noexec.sh"), 0644, 0, 0);
	assert_int_equal(inspect(path_in(d, "noexec.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_NOT_EXECUTABLE);
	snprintf(expected, sizeof(expected), "%s is not executable by user 'root'",
		 path_in(d, "noexec.sh"));
	assert_string_equal(why, expected);
	/* executable by its owner only: root may run it, nobody may not */
	make_file(path_in(d, "owner.sh"), 0700, 0, 0);
	assert_int_equal(inspect(path_in(d, "owner.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_OK);
	assert_int_equal(inspect(path_in(d, "owner.sh"), &nobody, why, sizeof(why)),
			 SCRIPT_CHECK_NOT_EXECUTABLE);
	snprintf(expected, sizeof(expected), "%s is not executable by user 'nobody'",
		 path_in(d, "owner.sh"));
	assert_string_equal(why, expected);
}

static void test_script_dir_not_searchable(void **state)
{
	struct script_dir *d = *state;
	struct script_check_policy nobody = nobody_policy();
	char why[512], expected[512];

	make_dir(path_in(d, "private"), 0700, 0, 0);
	make_file(path_in(d, "private/x.sh"), 0755, 0, 0);
	assert_int_equal(inspect(path_in(d, "private/x.sh"), &nobody, why, sizeof(why)),
			 SCRIPT_CHECK_NOT_EXECUTABLE);
	snprintf(expected, sizeof(expected), "directory %s is not searchable by user 'nobody'",
		 path_in(d, "private"));
	assert_string_equal(why, expected);
}

static void test_script_owned_by_non_root(void **state)
{
	struct script_dir *d = *state;
	struct script_check_policy strict = root_policy;
	struct conf_diags diags;
	char expected[512];

	strict.script_security = true;
	make_file(path_in(d, "theirs.sh"), 0755, nobody_uid(), 0);
	/* without enable_script_security: a warning, the script still runs */
	conf_diags_init(&diags);
	assert_true(script_check(path_in(d, "theirs.sh"), "notify_backup",
				 (struct conf_where){ "t.conf", 9 }, &root_policy, &diags));
	snprintf(expected, sizeof(expected),
		 "t.conf:9: warning: notify_backup: %s runs as root but %s is owned by uid %u, not "
		 "root; set enable_script_security to refuse unsafe scripts",
		 path_in(d, "theirs.sh"), path_in(d, "theirs.sh"), (unsigned)nobody_uid());
	assert_true(has_diag(&diags, expected));
	conf_diags_free(&diags);
	/* with it: an error, the script is disabled */
	conf_diags_init(&diags);
	assert_false(script_check(path_in(d, "theirs.sh"), "notify_backup",
				  (struct conf_where){ "t.conf", 9 }, &strict, &diags));
	snprintf(expected, sizeof(expected),
		 "t.conf:9: error: notify_backup: %s runs as root but %s is owned by uid %u, not "
		 "root; enable_script_security refuses to run it",
		 path_in(d, "theirs.sh"), path_in(d, "theirs.sh"), (unsigned)nobody_uid());
	assert_true(has_diag(&diags, expected));
	conf_diags_free(&diags);
}

static void test_script_in_writable_dir(void **state)
{
	struct script_dir *d = *state;
	char why[512], expected[512];

	make_dir(path_in(d, "open"), 0777, 0, 0);
	make_file(path_in(d, "open/x.sh"), 0755, 0, 0);
	assert_int_equal(inspect(path_in(d, "open/x.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_UNSAFE);
	snprintf(expected, sizeof(expected), "%s runs as root but %s is world-writable",
		 path_in(d, "open/x.sh"), path_in(d, "open"));
	assert_string_equal(why, expected);
	/* the sticky bit (as on /tmp) stops others replacing root's file */
	make_dir(path_in(d, "sticky"), 01777, 0, 0);
	make_file(path_in(d, "sticky/x.sh"), 0755, 0, 0);
	assert_int_equal(inspect(path_in(d, "sticky/x.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_OK);
}

static void test_script_group_writable(void **state)
{
	struct script_dir *d = *state;
	struct passwd *pw = getpwnam("nobody");
	char why[512], expected[512];

	make_file(path_in(d, "grp.sh"), 0775, 0, pw->pw_gid);
	assert_int_equal(inspect(path_in(d, "grp.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_UNSAFE);
	snprintf(expected, sizeof(expected), "%s runs as root but %s is writable by group %u",
		 path_in(d, "grp.sh"), path_in(d, "grp.sh"), (unsigned)pw->pw_gid);
	assert_string_equal(why, expected);
	/* group-writable by root's group is fine */
	make_file(path_in(d, "rootgrp.sh"), 0775, 0, 0);
	assert_int_equal(inspect(path_in(d, "rootgrp.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_OK);
	/* world-writable file */
	make_file(path_in(d, "world.sh"), 0757, 0, 0);
	assert_int_equal(inspect(path_in(d, "world.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_UNSAFE);
}

static void test_script_symlink_in_unsafe_dir(void **state)
{
	struct script_dir *d = *state;
	char why[512], expected[512];

	make_file(path_in(d, "real.sh"), 0755, 0, 0);
	make_dir(path_in(d, "links"), 0777, 0, 0);
	assert_int_equal(symlink(path_in(d, "real.sh"), path_in(d, "links/l.sh")), 0);
	assert_int_equal(inspect(path_in(d, "links/l.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_UNSAFE);
	snprintf(expected, sizeof(expected), "%s runs as root but %s is world-writable",
		 path_in(d, "links/l.sh"), path_in(d, "links"));
	assert_string_equal(why, expected);
	/* and a safe link to an unsafe target */
	make_file(path_in(d, "bad_target.sh"), 0755, nobody_uid(), 0);
	assert_int_equal(symlink(path_in(d, "bad_target.sh"), path_in(d, "good_link.sh")), 0);
	assert_int_equal(inspect(path_in(d, "good_link.sh"), &root_policy, why, sizeof(why)),
			 SCRIPT_CHECK_UNSAFE);
}

static void test_script_unprivileged_user_not_unsafe(void **state)
{
	struct script_dir *d = *state;
	struct script_check_policy nobody = nobody_policy();
	char why[512];

	make_file(path_in(d, "mine.sh"), 0755, nobody_uid(), 0);
	assert_int_equal(inspect(path_in(d, "mine.sh"), &nobody, why, sizeof(why)), SCRIPT_CHECK_OK);
}

static void test_resolve_user(void **state)
{
	uid_t uid;
	gid_t gid;
	char err[128];
	(void)state;
	assert_true(script_resolve_user("nobody", NULL, &uid, &gid, err, sizeof(err)));
	assert_int_equal(uid, nobody_uid());
	assert_true(script_resolve_user("root", "nogroup", &uid, &gid, err, sizeof(err)));
	assert_int_equal(uid, 0);
	assert_int_not_equal(gid, 0);
	assert_false(script_resolve_user("no_such_user_xyz", NULL, &uid, &gid, err, sizeof(err)));
	assert_string_equal(err, "user 'no_such_user_xyz' does not exist");
}

/* startup_script goes through the checker with the script's own user. */
static void test_startup_script_checked(void **state)
{
	struct script_dir *d = *state;
	char text[512], expected[512];

	make_file(path_in(d, "start.sh"), 0644, 0, 0);
	snprintf(text, sizeof(text), "global_defs {\n startup_script \"%s arg\"\n}\n",
		 path_in(d, "start.sh"));
	snprintf(expected, sizeof(expected),
		 "t.conf:2: error: startup_script: %s is not executable by user 'root'",
		 path_in(d, "start.sh"));
	/* no script_user: runs as vigild's user (root here), unless keepalived_script exists */
	if (!getpwnam(GLOBAL_SCRIPT_USER_DEFAULT))
		want_diag_host(text, true, expected);
	snprintf(text, sizeof(text), "global_defs {\n shutdown_script %s root\n}\n",
		 path_in(d, "start.sh"));
	snprintf(expected, sizeof(expected),
		 "t.conf:2: error: shutdown_script: %s is not executable by user 'root'",
		 path_in(d, "start.sh"));
	want_diag_host(text, true, expected);
	snprintf(text, sizeof(text), "global_defs {\n shutdown_script %s no_such_user_xyz\n}\n",
		 path_in(d, "start.sh"));
	want_diag_host(text, true,
			 "t.conf:2: error: shutdown_script: user 'no_such_user_xyz' does not exist");
}

static void test_script_security_from_config(void **state)
{
	struct script_dir *d = *state;
	char text[512], expected[512];

	make_file(path_in(d, "notify.sh"), 0755, nobody_uid(), 0);
	snprintf(text, sizeof(text),
		 "global_defs {\n enable_script_security\n notify_fifo /run/vigil-t.fifo\n"
		 " notify_fifo_script %s root\n}\n", path_in(d, "notify.sh"));
	snprintf(expected, sizeof(expected),
		 "t.conf:4: error: notify_fifo_script: %s runs as root but %s is owned by uid %u, "
		 "not root; enable_script_security refuses to run it",
		 path_in(d, "notify.sh"), path_in(d, "notify.sh"), (unsigned)nobody_uid());
	want_diag_host(text, true, expected);
}

static void test_script_policy(void **state)
{
	struct conf_diags diags;
	struct script_check_policy p;
	char err[128];
	(void)state;
	struct vigil_config *cfg = load("global_defs {\n script_user nobody\n enable_script_security\n}\n",
					false, &diags);
	assert_non_null(cfg);
	global_script_policy(cfg->global, true, &p);
	assert_int_equal(p.uid, nobody_uid());
	assert_true(p.script_security);
	assert_string_equal(p.user_name, "nobody");
	assert_true(global_script_policy_for(cfg->global, "root", NULL, true, &p, err, sizeof(err)));
	assert_int_equal(p.uid, 0);
	assert_false(global_script_policy_for(cfg->global, "no_such_user_xyz", NULL, true, &p, err,
					      sizeof(err)));
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_router_id),
		cmocka_unit_test(test_script_user),
		cmocka_unit_test(test_dynamic_interfaces),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_smtp_server),
		cmocka_unit_test(test_fifos),
		cmocka_unit_test(test_fifo_owner_checked_on_host),
		cmocka_unit_test(test_process_settings),
		cmocka_unit_test(test_process_names),
		cmocka_unit_test(test_vrrp_version),
		cmocka_unit_test(test_mcast_groups),
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_vrrp_flags),
		cmocka_unit_test(test_lvs_timeouts),
		cmocka_unit_test(test_lvs_sync_daemon),
		cmocka_unit_test(test_lvs_sync_daemon_instance),
		cmocka_unit_test(test_interfaces_on_host),
		cmocka_unit_test(test_lvs_flush),
		cmocka_unit_test(test_smtp_alert_precedence),
		cmocka_unit_test(test_snmp_keywords),
		cmocka_unit_test(test_snmp_socket_syntax),
		cmocka_unit_test(test_not_yet_keywords),
		cmocka_unit_test(test_unknown_keyword),
		cmocka_unit_test(test_json_version),
		cmocka_unit_test(test_nftables),
		cmocka_unit_test(test_umask),
		cmocka_unit_test(test_umask_errors),
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_control_socket),
		cmocka_unit_test(test_metrics_listen),
		cmocka_unit_test(test_script_timeouts),
		cmocka_unit_test(test_every_man_page_keyword_is_known),
		cmocka_unit_test(test_field_table_consistent),
		cmocka_unit_test(test_supported_keywords_are_dumped),
		cmocka_unit_test(test_split_argv),
		cmocka_unit_test(test_script_syntax_without_host),
		cmocka_unit_test(test_script_found_on_path),
		cmocka_unit_test(test_resolve_user),
		cmocka_unit_test(test_script_policy),
		cmocka_unit_test_setup_teardown(test_script_ok_as_root, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_not_found, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_not_regular, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_not_executable, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_dir_not_searchable, script_setup,
						script_teardown),
		cmocka_unit_test_setup_teardown(test_script_owned_by_non_root, script_setup,
						script_teardown),
		cmocka_unit_test_setup_teardown(test_script_in_writable_dir, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_group_writable, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_symlink_in_unsafe_dir, script_setup,
						script_teardown),
		cmocka_unit_test_setup_teardown(test_script_unprivileged_user_not_unsafe, script_setup,
						script_teardown),
		cmocka_unit_test_setup_teardown(test_startup_script_checked, script_setup, script_teardown),
		cmocka_unit_test_setup_teardown(test_script_security_from_config, script_setup,
						script_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
