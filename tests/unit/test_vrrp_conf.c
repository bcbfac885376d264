/* The VRRP configuration: vrrp_instance, vrrp_sync_group, vrrp_script,
 * track_file, vrrp_track_process, garp_group, static_*, linkbeat and
 * interface debouncing.
 *
 * Configurations go through vigil_config_load_string() like vigild's, and
 * values are read back through the JSON dump (what `vigild --dump-config`
 * shows), so the tests see what an operator sees.  Errors are asserted
 * with their FILE:LINE. */
#include "config.h"

#include "unit.h"

#include "daemon/config_load.h"
#include "vrrp/vrrp_conf.h"

#include <json-c/json.h>

#define FILE_NAME "t.conf"

/* ---- helpers ------------------------------------------------------------ */

static struct vigil_config *load_opts(const char *text, bool check_host, struct conf_diags *d)
{
	struct config_load_options opts = { .config_id = "test", .check_host = check_host };

	conf_diags_init(d);
	return vigil_config_load_string(FILE_NAME, text, &opts, d);
}

/* The value at a dotted path ("instances.0.vrid") of `root` as plain JSON
 * text, newly allocated ("null" when absent). */
static char *json_at(json_object *root, const char *path)
{
	char *copy = strdup(path), *save = NULL;
	json_object *cur = root;

	for (char *seg = strtok_r(copy, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(cur, json_type_array))
			cur = json_object_array_get_idx(cur, (size_t)atoi(seg));
		else if (!json_object_object_get_ex(cur, seg, &cur))
			cur = NULL;
	}
	free(copy);
	if (!cur)
		return strdup("null");
	return strdup(json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A loaded configuration and its VRRP dump, for several assertions. */
struct loaded {
	struct conf_diags diags;
	struct vigil_config *cfg;
	json_object *json;
};

static void load_ok(struct loaded *l, const char *text)
{
	l->cfg = load_opts(text, false, &l->diags);
	if (!l->cfg)
		unit_print_diags(&l->diags);
	assert_non_null(l->cfg);
	l->json = vrrp_config_to_json(l->cfg->vrrp);
}

static void loaded_free(struct loaded *l)
{
	json_object_put(l->json);
	vigil_config_free(l->cfg);
	conf_diags_free(&l->diags);
}

#define want(l, path, expected) want_at((l)->json, (path), (expected), __LINE__)

static void want_at(json_object *root, const char *path, const char *expected, int line)
{
	char *got = json_at(root, path);

	if (strcmp(got, expected) != 0) {
		print_error("line %d: %s: expected %s, got %s\n", line, path, expected, got);
		free(got);
		fail();
	}
	free(got);
}

/* The text must fail to load with an error at t.conf:LINE containing `msg`. */
static void expect_error(const char *text, unsigned line, const char *msg)
{
	struct conf_diags d;
	struct vigil_config *cfg = load_opts(text, false, &d);

	if (cfg)
		unit_print_diags(&d);
	assert_null(cfg);
	unit_assert_error(&d, FILE_NAME, line, msg);
	conf_diags_free(&d);
}

/* The text must load, with a warning at t.conf:LINE containing `msg`. */
static void expect_warning(const char *text, unsigned line, const char *msg)
{
	struct conf_diags d;
	struct vigil_config *cfg = load_opts(text, false, &d);

	if (!cfg)
		unit_print_diags(&d);
	assert_non_null(cfg);
	unit_assert_warning(&d, FILE_NAME, line, msg);
	vigil_config_free(cfg);
	conf_diags_free(&d);
}

/* An instance (lines 1-6 with the '{' on line 1) plus `extra` lines before
 * the closing brace. */
#define INSTANCE(name, body)                    \
	"vrrp_instance " name " {\n"            \
	"    interface eth0\n"                  \
	"    virtual_router_id 51\n"            \
	"    priority 100\n"                    \
	"    virtual_ipaddress {\n"             \
	"        10.0.0.1/24\n"                 \
	"    }\n" body "}\n"
/* The lines of INSTANCE before `body`. */
#define INSTANCE_LINES 7

/* ---- instances: values and defaults ------------------------------------ */

static void test_instance_defaults(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", ""));
	unit_assert_no_diags(&l.diags);
	want(&l, "instances.0.name", "\"VI_1\"");
	want(&l, "instances.0.state", "\"BACKUP\"");
	want(&l, "instances.0.interface", "\"eth0\"");
	want(&l, "instances.0.virtual_router_id", "51");
	want(&l, "instances.0.priority", "100");
	want(&l, "instances.0.version", "2");
	want(&l, "instances.0.advert_int", "1");
	want(&l, "instances.0.family", "\"inet\"");
	want(&l, "instances.0.accept", "true");
	want(&l, "instances.0.mcast_dst_ip", "\"224.0.0.18\"");
	want(&l, "instances.0.virtual_ipaddress.0.address", "\"10.0.0.1/24\"");
	want(&l, "instances.0.down_timer_adverts", "3");
	want(&l, "instances.0.strict_mode", "false");
	assert_true(vigil_config_wants_vrrp(l.cfg));
	loaded_free(&l);
}

static void test_instance_values(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1",
		"    state MASTER\n"
		"    advert_int 3\n"
		"    nopreempt\n"
		"    preempt_delay 2.5\n"
		"    no_accept\n"
		"    dont_track_primary\n"
		"    mcast_src_ip 10.0.0.2\n"
		"    garp_master_delay 7\n"
		"    garp_master_repeat 2\n"
		"    garp_master_refresh 60\n"
		"    garp_master_refresh_repeat 3\n"
		"    garp_interval 0.001\n"
		"    gna_interval 0.002\n"
		"    down_timer_adverts 5\n"
		"    skip_check_adv_addr\n"
		"    promote_secondaries\n"
		"    debug 2\n"
		"    smtp_alert yes\n"
		"    notify_priority_changes on\n"));
	want(&l, "instances.0.state", "\"MASTER\"");
	want(&l, "instances.0.advert_int", "3");
	want(&l, "instances.0.nopreempt", "true");
	want(&l, "instances.0.preempt_delay", "2.5");
	want(&l, "instances.0.accept", "false");
	want(&l, "instances.0.dont_track_primary", "true");
	want(&l, "instances.0.mcast_src_ip", "\"10.0.0.2\"");
	want(&l, "instances.0.garp_master_delay", "7");
	want(&l, "instances.0.garp_master_repeat", "2");
	want(&l, "instances.0.garp_lower_prio_delay", "7");   /* follows master delay */
	want(&l, "instances.0.garp_lower_prio_repeat", "2");
	want(&l, "instances.0.garp_master_refresh", "60");
	want(&l, "instances.0.garp_master_refresh_repeat", "3");
	want(&l, "instances.0.garp_interval", "0.001");
	want(&l, "instances.0.gna_interval", "0.002");
	want(&l, "instances.0.down_timer_adverts", "5");
	want(&l, "instances.0.skip_check_adv_addr", "true");
	want(&l, "instances.0.promote_secondaries", "true");
	want(&l, "instances.0.debug", "2");
	want(&l, "instances.0.smtp_alert", "true");
	want(&l, "instances.0.notify_priority_changes", "true");
	/* nopreempt with state MASTER cannot work: said, not refused */
	unit_assert_warning(&l.diags, FILE_NAME, INSTANCE_LINES + 3, "nopreempt does not work");
	loaded_free(&l);
}

static void test_global_defaults_resolved(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "global_defs {\n"
		"    vrrp_version 3\n"
		"    vrrp_mcast_group4 224.0.0.99\n"
		"    vrrp_garp_master_delay 9\n"
		"    vrrp_strict\n"
		"    vrrp_check_unicast_src\n"
		"}\n" INSTANCE("VI_1", ""));
	want(&l, "instances.0.version", "3");
	want(&l, "instances.0.mcast_dst_ip", "\"224.0.0.99\"");
	want(&l, "instances.0.garp_master_delay", "9");
	want(&l, "instances.0.strict_mode", "true");
	want(&l, "instances.0.accept", "false");   /* strict, not the address owner */
	want(&l, "instances.0.lower_prio_no_advert", "true");
	want(&l, "instances.0.check_unicast_src", "true");
	loaded_free(&l);
}

static void test_ipv6_instance(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "vrrp_instance V6 {\n"
		"    interface eth0\n"
		"    virtual_router_id 7\n"
		"    advert_int 0.25\n"
		"    virtual_ipaddress {\n"
		"        fd00::1/64\n"
		"    }\n"
		"}\n");
	want(&l, "instances.0.family", "\"inet6\"");
	want(&l, "instances.0.version", "3");
	want(&l, "instances.0.advert_int", "0.25");
	want(&l, "instances.0.mcast_dst_ip", "\"ff02::12\"");
	loaded_free(&l);
}

static void test_ipv6_needs_version_3(void **state)
{
	(void)state;
	expect_error("vrrp_instance V6 {\n"
		     "    interface eth0\n"
		     "    virtual_router_id 7\n"
		     "    version 2\n"
		     "    virtual_ipaddress {\n"
		     "        fd00::1/64\n"
		     "    }\n"
		     "}\n", 4, "IPv6 instances need VRRP version 3");
}

static void test_advert_int_v2_whole_seconds(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    advert_int 0.5\n"), INSTANCE_LINES + 1,
		     "VRRPv2 intervals are whole seconds 1..255");
}

static void test_advert_int_v3_range(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "    version 3\n    advert_int 0.05\n"));
	want(&l, "instances.0.advert_int", "0.05");
	loaded_free(&l);
	expect_error(INSTANCE("VI_1", "    version 3\n    advert_int 41\n"), INSTANCE_LINES + 2,
		     "VRRPv3 intervals are 0.01..40.95");
	expect_error(INSTANCE("VI_1", "    version 3\n    advert_int 0.015\n"),
		     INSTANCE_LINES + 2, "in hundredths");
}

static void test_ranges(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    priority 0\n"), INSTANCE_LINES + 1,
		     "priority: '0' is out of range 1..255");
	expect_error(INSTANCE("VI_1", "    priority 256\n"), INSTANCE_LINES + 1,
		     "out of range 1..255");
	expect_error(INSTANCE("VI_1", "    virtual_router_id 256\n"), INSTANCE_LINES + 1,
		     "virtual_router_id: '256' is out of range 1..255");
	expect_error(INSTANCE("VI_1", "    version 4\n"), INSTANCE_LINES + 1, "out of range 2..3");
	expect_error(INSTANCE("VI_1", "    preempt_delay 1001\n"), INSTANCE_LINES + 1,
		     "preempt_delay");
	expect_error(INSTANCE("VI_1", "    state UP\n"), INSTANCE_LINES + 1,
		     "state: 'UP' is not one of BACKUP|MASTER");
	expect_error(INSTANCE("VI_1", "    down_timer_adverts 101\n"), INSTANCE_LINES + 1,
		     "out of range 1..100");
	expect_error(INSTANCE("VI_1", "    debug 5\n"), INSTANCE_LINES + 1, "out of range 0..4");
}

static void test_missing_interface_and_vrid(void **state)
{
	(void)state;
	expect_error("vrrp_instance VI_1 {\n"
		     "    virtual_router_id 1\n"
		     "}\n", 1, "vrrp_instance VI_1: no 'interface' given");
	expect_error("\nvrrp_instance VI_2 {\n"
		     "    interface eth0\n"
		     "}\n", 2, "vrrp_instance VI_2: no 'virtual_router_id' given");
}

static void test_duplicate_instance(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "") INSTANCE("VI_1", ""), INSTANCE_LINES + 2,
		     "vrrp_instance VI_1 already defined at t.conf:1");
}

static void test_unknown_keyword(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    priorty 100\n"), INSTANCE_LINES + 1,
		     "unknown keyword 'priorty' in vrrp_instance block");
}

static void test_instance_more_keywords(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1",
		"    nopreempt\n"
		"    preempt\n"
		"    garp_lower_prio_delay 4\n"
		"    garp_lower_prio_repeat 6\n"
		"    garp_extra_if all 100\n"
		"    lower_prio_no_advert no\n"
		"    higher_prio_send_advert yes\n"
		"    track_src_ip\n"
		"    unicast_fault_no_peer\n"
		"    linkbeat_use_polling\n"
		"    notify_deleted /bin/true\n"
		"    notify_master_rx_lower_pri /bin/true\n"));
	want(&l, "instances.0.nopreempt", "false");   /* "preempt" came later */
	want(&l, "instances.0.garp_lower_prio_delay", "4");
	want(&l, "instances.0.garp_lower_prio_repeat", "6");
	want(&l, "instances.0.garp_extra_if", "100");
	want(&l, "instances.0.garp_extra_if_all", "true");
	want(&l, "instances.0.lower_prio_no_advert", "false");
	want(&l, "instances.0.higher_prio_send_advert", "true");
	want(&l, "instances.0.track_src_ip", "true");
	want(&l, "instances.0.unicast_fault_no_peer", "true");
	want(&l, "instances.0.linkbeat_use_polling", "true");
	want(&l, "instances.0.notify_deleted", "true");
	want(&l, "instances.0.notify.notify_deleted.command", "\"/bin/true\"");
	want(&l, "instances.0.notify.notify_master_rx_lower_pri.command", "\"/bin/true\"");
	unit_assert_warning(&l.diags, FILE_NAME, INSTANCE_LINES + 10,
			    "'linkbeat_use_polling' is deprecated: linkbeat_interfaces");
	loaded_free(&l);
	expect_error(INSTANCE("VI_1", "    garp_extra_if all\n"), INSTANCE_LINES + 1,
		     "missing the interval after 'all'");
	expect_error(INSTANCE("VI_1", "    garp_master_repeat 0\n"), INSTANCE_LINES + 1,
		     "out of range 1..1000");
}

/* MASTER below 255 is allowed (it is only an initial state); the native_ipv6
 * hint makes an address-less instance IPv6. */
static void test_master_and_native_ipv6(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "    state MASTER\n    priority 50\n"));
	unit_assert_no_diags(&l.diags);
	want(&l, "instances.0.priority", "50");
	loaded_free(&l);
	load_ok(&l, "vrrp_instance V6 {\n    interface eth0\n    virtual_router_id 9\n"
		"    native_ipv6\n}\n");
	unit_assert_warning(&l.diags, FILE_NAME, 4, "'native_ipv6' is deprecated");
	want(&l, "instances.0.family", "\"inet6\"");
	want(&l, "instances.0.version", "3");
	loaded_free(&l);
	expect_error(INSTANCE("VI_1", "    native_ipv6\n"), 1,
		     "native_ipv6 but the first virtual address is IPv4");
}

/* ---- addresses ---------------------------------------------------------- */

static void test_vip_options(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1",
		"    virtual_ipaddress_excluded {\n"
		"        10.0.1.2/24 dev eth1 brd 10.0.1.255 scope link label eth1:1 no_track\n"
		"        10.0.1.3 brd + peer 10.0.1.9/32 noprefixroute autojoin\n"
		"        fd00::5/64 dev eth2 home -nodad mngtmpaddr preferred_lft forever\n"
		"    }\n"));
	want(&l, "instances.0.virtual_ipaddress_excluded.0.address", "\"10.0.1.2/24\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.dev", "\"eth1\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.brd", "\"10.0.1.255\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.scope", "\"link\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.label", "\"eth1:1\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.no_track", "true");
	want(&l, "instances.0.virtual_ipaddress_excluded.1.address", "\"10.0.1.3\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.1.brd", "\"+\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.1.peer", "\"10.0.1.9/32\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.1.noprefixroute", "true");
	want(&l, "instances.0.virtual_ipaddress_excluded.1.autojoin", "true");
	want(&l, "instances.0.virtual_ipaddress_excluded.2.home", "true");
	want(&l, "instances.0.virtual_ipaddress_excluded.2.nodad", "true");
	want(&l, "instances.0.virtual_ipaddress_excluded.2.mngtmpaddr", "true");
	want(&l, "instances.0.virtual_ipaddress_excluded.2.preferred_lft", "\"forever\"");
	loaded_free(&l);
}

static void test_vip_errors(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    virtual_ipaddress {\n        10.0.0.9/24 colour red\n"
			      "    }\n"), INSTANCE_LINES + 2, "unknown address option 'colour'");
	expect_error(INSTANCE("VI_1", "    virtual_ipaddress {\n        10.0.0.9/24 home\n"
			      "    }\n"), INSTANCE_LINES + 2, "'home' applies to IPv6 addresses only");
	expect_error(INSTANCE("VI_1", "    virtual_ipaddress {\n        10.0.0.9/33\n"
			      "    }\n"), INSTANCE_LINES + 2, "prefix length outside 0..32");
	expect_error(INSTANCE("VI_1", "    virtual_ipaddress {\n        10.0.0.9 dev\n"
			      "    }\n"), INSTANCE_LINES + 2, "'dev' needs a value");
	expect_error(INSTANCE("VI_1", "    virtual_ipaddress {\n        10.0.0.9 track_group G\n"
			      "    }\n"), INSTANCE_LINES + 2, "not allowed for virtual addresses");
	expect_error(INSTANCE("VI_1", "    virtual_ipaddress {\n        10.0.0.9 scope galaxy\n"
			      "    }\n"), INSTANCE_LINES + 2, "'galaxy' is not one of");
}

static void test_mixed_families_moved(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "    virtual_ipaddress {\n        fd00::9/64\n    }\n"));
	unit_assert_warning(&l.diags, FILE_NAME, INSTANCE_LINES + 2,
			    "moved to virtual_ipaddress_excluded");
	want(&l, "instances.0.virtual_ipaddress.1", "null");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.address", "\"fd00::9/64\"");
	want(&l, "instances.0.virtual_ipaddress_excluded.0.moved_from_virtual_ipaddress", "true");
	loaded_free(&l);
}

static void test_virtual_routes(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1",
		"    virtual_routes {\n"
		"        src 192.168.100.1 to 192.168.109.0/24 via 192.168.200.254 dev eth1\n"
		"        blackhole 192.168.114.0/24\n"
		"        0.0.0.0/0 gw 192.168.0.1 table 100\n"
		"        192.168.113.0/24 via 192.168.200.254 or 192.168.100.254 dev eth1 no_track\n"
		"        192.168.100.0/24 table 6909 nexthop via 192.168.101.1 dev wlan0 onlink"
		" weight 1 nexthop via 192.168.101.2 dev wlan0 onlink weight 2\n"
		"        2001:db8::/64 dev eth1 mtu lock 1000 protocol bird append\n"
		"    }\n"));
	want(&l, "instances.0.virtual_routes.0.src", "\"192.168.100.1\"");
	want(&l, "instances.0.virtual_routes.0.destination", "\"192.168.109.0/24\"");
	want(&l, "instances.0.virtual_routes.0.via", "\"192.168.200.254\"");
	want(&l, "instances.0.virtual_routes.0.dev", "\"eth1\"");
	want(&l, "instances.0.virtual_routes.1.type", "\"blackhole\"");
	want(&l, "instances.0.virtual_routes.1.destination", "\"192.168.114.0/24\"");
	want(&l, "instances.0.virtual_routes.2.via", "\"192.168.0.1\"");
	want(&l, "instances.0.virtual_routes.2.table", "\"100\"");
	want(&l, "instances.0.virtual_routes.3.no_track", "true");
	want(&l, "instances.0.virtual_routes.4.nexthops", "2");
	want(&l, "instances.0.virtual_routes.4.via", "null");
	want(&l, "instances.0.virtual_routes.5.family", "\"inet6\"");
	want(&l, "instances.0.virtual_routes.5.text",
	     "\"2001:db8::/64 dev eth1 mtu lock 1000 protocol bird append\"");
	loaded_free(&l);
}

static void test_route_errors(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    virtual_routes {\n"
			      "        10.1.0.0/16 via 10.0.0.1 frobnicate\n    }\n"),
		     INSTANCE_LINES + 2, "unknown route option 'frobnicate'");
	expect_error(INSTANCE("VI_1", "    virtual_routes {\n"
			      "        10.1.0.0/16 via fd00::1\n    }\n"),
		     INSTANCE_LINES + 2, "mixes IPv4 and IPv6");
	expect_error(INSTANCE("VI_1", "    virtual_routes {\n        via 10.0.0.1\n    }\n"),
		     INSTANCE_LINES + 2, "the route has no destination");
	expect_error(INSTANCE("VI_1", "    virtual_rules {\n        from 10.0.0.0/8 wibble 3\n"
			      "    }\n"), INSTANCE_LINES + 2, "unknown rule option 'wibble'");
}

static void test_virtual_rules(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1",
		"    virtual_rules {\n"
		"        from 192.168.2.0/24 table 1\n"
		"        to 192.168.2.0/24 table 1 no_track\n"
		"        from 192.168.28.0/24 to 192.168.29.0/26 table small iif p33p1 oif wlan0"
		" tos 22 fwmark 24/12 preference 39 realms 30/20 goto 40\n"
		"        to 1:2:3:4:5:6:7:0/112 from 7:6:5:4:3:2::/96 table 6908 uidrange 10000-19999\n"
		"    }\n"));
	want(&l, "instances.0.virtual_rules.0.from", "\"192.168.2.0/24\"");
	want(&l, "instances.0.virtual_rules.0.table", "\"1\"");
	want(&l, "instances.0.virtual_rules.1.to", "\"192.168.2.0/24\"");
	want(&l, "instances.0.virtual_rules.1.no_track", "true");
	want(&l, "instances.0.virtual_rules.2.iif", "\"p33p1\"");
	want(&l, "instances.0.virtual_rules.2.table", "\"small\"");
	want(&l, "instances.0.virtual_rules.3.family", "\"inet6\"");
	loaded_free(&l);
}

/* ---- unicast ------------------------------------------------------------ */

static void test_unicast_peers(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1",
		"    unicast_src_ip 10.0.0.2\n"
		"    unicast_ttl 10\n"
		"    unicast_peer {\n"
		"        10.0.0.3\n"
		"        10.0.0.4 min_ttl 250 max_ttl 255\n"
		"    }\n"));
	want(&l, "instances.0.unicast_src_ip", "\"10.0.0.2\"");
	want(&l, "instances.0.unicast_ttl", "10");
	want(&l, "instances.0.unicast_peer.0.address", "\"10.0.0.3\"");
	want(&l, "instances.0.unicast_peer.0.min_ttl", "null");
	want(&l, "instances.0.unicast_peer.1.min_ttl", "250");
	want(&l, "instances.0.unicast_peer.1.max_ttl", "255");
	/* min_ttl/max_ttl turn on check_unicast_src */
	want(&l, "instances.0.check_unicast_src", "true");
	loaded_free(&l);
}

static void test_unicast_errors(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    unicast_peer {\n        10.0.0.3\n        fd00::3\n"
			      "    }\n"), INSTANCE_LINES + 3, "unicast_peer is IPv6 in an IPv4 instance");
	expect_error(INSTANCE("VI_1", "    unicast_peer {\n        10.0.0.3 min_ttl 9 max_ttl 3\n"
			      "    }\n"), INSTANCE_LINES + 2, "min_ttl 9 is above max_ttl 3");
	expect_error(INSTANCE("VI_1", "    unicast_peer {\n        10.0.0.3 ttl 9\n    }\n"),
		     INSTANCE_LINES + 2, "unknown option 'ttl'");
	expect_error(INSTANCE("VI_1", "    unicast_src_ip fd00::2\n"), INSTANCE_LINES + 1,
		     "unicast_src_ip is IPv6 in an IPv4 instance");
}

static void test_mcast_dst(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "    mcast_dst_ip 224.0.0.77\n"));
	want(&l, "instances.0.mcast_dst_ip", "\"224.0.0.77\"");
	loaded_free(&l);
	expect_error(INSTANCE("VI_1", "    mcast_dst_ip 10.0.0.77\n"), INSTANCE_LINES + 1,
		     "not a multicast address");
	expect_error("vrrp_instance V6 {\n    interface eth0\n    virtual_router_id 7\n"
		     "    mcast_dst_ip ff05::12\n    virtual_ipaddress {\n        fd00::1\n"
		     "    }\n}\n", 4, "must be link-local");
}

/* ---- VRID collisions ---------------------------------------------------- */

static void test_vrid_collision_multicast(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "") INSTANCE("VI_2", ""), INSTANCE_LINES + 2,
		     "vrrp_instance VI_2: virtual_router_id 51 on eth0 (IPv4, multicast) is "
		     "already used by vrrp_instance VI_1 at t.conf:1");
}

static void test_vrid_no_collision(void **state)
{
	struct loaded l;

	(void)state;
	/* other interface */
	load_ok(&l, INSTANCE("VI_1", "")
		"vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 51\n}\n");
	loaded_free(&l);
	/* other family */
	load_ok(&l, INSTANCE("VI_1", "")
		"vrrp_instance VI_2 {\n    interface eth0\n    virtual_router_id 51\n"
		"    virtual_ipaddress {\n        fd00::1\n    }\n}\n");
	loaded_free(&l);
	/* other multicast group */
	load_ok(&l, INSTANCE("VI_1", "") INSTANCE("VI_2", "    mcast_dst_ip 224.0.0.77\n"));
	loaded_free(&l);
	/* unicast with distinct peers */
	load_ok(&l, INSTANCE("VI_1", "    unicast_peer {\n        10.0.0.3\n    }\n")
		INSTANCE("VI_2", "    unicast_peer {\n        10.0.0.4\n    }\n"));
	loaded_free(&l);
}

static void test_vrid_collision_unicast(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    unicast_peer {\n        10.0.0.3\n    }\n")
		     INSTANCE("VI_2", "    unicast_peer {\n        10.0.0.3\n    }\n"),
		     INSTANCE_LINES + 5, "unicast with a common peer");
}

/* ---- authentication, strict mode, vmac ---------------------------------- */

static void test_authentication(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "    authentication {\n        auth_type PASS\n"
			     "        auth_pass 123456789\n    }\n"));
	want(&l, "instances.0.auth_type", "\"PASS\"");
	unit_assert_warning(&l.diags, FILE_NAME, INSTANCE_LINES + 3, "only the first 8 characters");
	/* the secret is not dumped */
	want(&l, "instances.0.auth_pass", "null");
	loaded_free(&l);
	expect_error(INSTANCE("VI_1", "    authentication {\n        auth_type PASS\n    }\n"),
		     INSTANCE_LINES + 2, "auth_type PASS needs an auth_pass");
	expect_error(INSTANCE("VI_1", "    authentication {\n        auth_pass secret\n    }\n"),
		     INSTANCE_LINES + 2, "auth_pass given without auth_type");
	expect_error(INSTANCE("VI_1", "    authentication {\n        auth_type KERBEROS\n    }\n"),
		     INSTANCE_LINES + 2, "not one of PASS|AH");
	expect_warning(INSTANCE("VI_1", "    version 3\n    authentication {\n"
				"        auth_type PASS\n        auth_pass secret\n    }\n"),
		       INSTANCE_LINES + 3, "VRRPv3 has no authentication; ignored");
	expect_error(INSTANCE("VI_1", "    version 3\n    authentication {\n"
			      "        auth_type AH\n        auth_pass secret\n    }\n"),
		     INSTANCE_LINES + 3, "AH authentication is VRRPv2 only");
	expect_error(INSTANCE("VI_1", "    authentication {\n        auth_type AH\n    }\n"),
		     INSTANCE_LINES + 2, "auth_type AH needs an auth_pass");
}

static void test_strict_mode(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    strict_mode\n    unicast_peer {\n        10.0.0.3\n"
			      "    }\n"), INSTANCE_LINES + 3, "strict mode does not allow unicast_peer");
	expect_error(INSTANCE("VI_1", "    strict_mode on\n    state MASTER\n"), INSTANCE_LINES + 2,
		     "strict mode allows state MASTER only with priority 255");
	expect_error("global_defs {\n    vrrp_strict\n}\n"
		     INSTANCE("VI_1", "    preempt_delay 3\n"), 3 + INSTANCE_LINES + 1,
		     "strict mode does not allow preempt_delay");
}

static void test_use_vmac(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "    use_vmac vrrp.51 00:00:5e:00:01\n    vmac_xmit_base\n"));
	want(&l, "instances.0.use_vmac", "true");
	want(&l, "instances.0.vmac_name", "\"vrrp.51\"");
	want(&l, "instances.0.vmac_mac", "\"00:00:5e:00:01\"");
	want(&l, "instances.0.vmac_xmit_base", "true");
	loaded_free(&l);
	/* unicast with a VMAC sends from the base interface */
	load_ok(&l, INSTANCE("VI_1", "    use_vmac\n    unicast_peer {\n        10.0.0.3\n    }\n"));
	want(&l, "instances.0.vmac_xmit_base", "true");
	unit_assert_warning(&l.diags, FILE_NAME, INSTANCE_LINES + 1, "needs vmac_xmit_base");
	loaded_free(&l);
	expect_error(INSTANCE("VI_1", "    use_vmac vrrp.51 zz:00\n"), INSTANCE_LINES + 1,
		     "'zz:00' is not a MAC address");
	/* VRID 51 on two interfaces: both default to vrrp.51. */
	expect_error(INSTANCE("VI_1", "    use_vmac\n")
		     "vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 51\n"
		     "    use_vmac\n    virtual_ipaddress {\n        10.0.1.1/24\n    }\n}\n",
		     INSTANCE_LINES + 2 + 4, "VMAC vrrp.51 is vrrp_instance VI_1's too");
	load_ok(&l, INSTANCE("VI_1", "    use_vmac\n")
		"vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 51\n"
		"    use_vmac vm51b\n    virtual_ipaddress {\n        10.0.1.1/24\n    }\n}\n");
	loaded_free(&l);
}

/* ---- tracking ----------------------------------------------------------- */

#define SCRIPT_CHK                               \
	"vrrp_script chk {\n"                    \
	"    script \"/bin/true arg\"\n"          \
	"    interval 2\n"                       \
	"    weight -20 reverse\n"               \
	"    rise 3\n"                           \
	"    fall 4\n"                           \
	"    user nobody nogroup\n"              \
	"    init_fail\n"                        \
	"}\n"

static void test_vrrp_script(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, SCRIPT_CHK);
	want(&l, "scripts.0.name", "\"chk\"");
	want(&l, "scripts.0.script", "\"/bin/true arg\"");
	want(&l, "scripts.0.interval", "2");
	want(&l, "scripts.0.timeout", "2");   /* defaults to the interval */
	want(&l, "scripts.0.weight", "-20");
	want(&l, "scripts.0.reverse", "true");
	want(&l, "scripts.0.rise", "3");
	want(&l, "scripts.0.fall", "4");
	want(&l, "scripts.0.user", "\"nobody\"");
	want(&l, "scripts.0.group", "\"nogroup\"");
	want(&l, "scripts.0.init_fail", "true");
	assert_false(vigil_config_wants_vrrp(l.cfg));   /* no instance: no worker */
	loaded_free(&l);
}

static void test_vrrp_script_errors(void **state)
{
	(void)state;
	expect_error("vrrp_script chk {\n    interval 2\n}\n", 1, "vrrp_script chk: no 'script'");
	expect_error("vrrp_script chk {\n    script /bin/true\n    weight 254\n}\n", 3,
		     "weight: '254' is out of range -253..253");
	expect_error("vrrp_script chk {\n    script /bin/true\n    weight 2 sideways\n}\n", 3,
		     "'sideways' is not one of");
	expect_error("vrrp_script chk {\n    script /bin/true\n    rise 0\n}\n", 3,
		     "out of range 1..");
	expect_error("vrrp_script chk {\n    script bin/check\n}\n", 2, "relative path");
}

static void test_track_refs(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, SCRIPT_CHK
		"track_file tf {\n    file /run/tf\n    weight 5 reverse\n    init_file 3 overwrite\n}\n"
		"vrrp_track_process tp {\n    process haproxy -f \"/etc/x y.cfg\"\n"
		"    param_match partial\n    quorum 2\n    quorum_max 4\n    delay 0.5\n"
		"    full_command\n}\n"
		INSTANCE("VI_1",
			 "    track_interface {\n        eth1\n        eth2 weight -10 reverse\n    }\n"
			 "    track_script {\n        chk weight 30\n    }\n"
			 "    track_file {\n        tf\n    }\n"
			 "    track_process {\n        tp weight 7 noreverse\n    }\n"));
	want(&l, "track_files.0.file", "\"/run/tf\"");
	want(&l, "track_files.0.weight", "5");
	want(&l, "track_files.0.reverse", "true");
	want(&l, "track_files.0.init_file", "3");
	want(&l, "track_files.0.init_overwrite", "true");
	want(&l, "track_processes.0.process", "[\"haproxy\",\"-f\",\"/etc/x y.cfg\"]");
	want(&l, "track_processes.0.param_match", "\"partial\"");
	want(&l, "track_processes.0.quorum", "2");
	want(&l, "track_processes.0.quorum_max", "4");
	want(&l, "track_processes.0.fork_delay", "0.5");
	want(&l, "track_processes.0.terminate_delay", "0.5");
	want(&l, "track_processes.0.full_command", "true");
	want(&l, "instances.0.track_interface.0.name", "\"eth1\"");
	want(&l, "instances.0.track_interface.0.weight", "null");
	want(&l, "instances.0.track_interface.1.weight", "-10");
	want(&l, "instances.0.track_interface.1.reverse", "true");
	want(&l, "instances.0.track_script.0.weight", "30");
	want(&l, "instances.0.track_file.0.name", "\"tf\"");
	want(&l, "instances.0.track_process.0.weight", "7");
	want(&l, "instances.0.track_process.0.reverse", "false");
	loaded_free(&l);
}

static void test_track_ref_errors(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "    track_script {\n        nosuch\n    }\n"),
		     INSTANCE_LINES + 2, "track_script: vrrp_script nosuch is not defined");
	expect_error(INSTANCE("VI_1", "    track_file {\n        nofile\n    }\n"),
		     INSTANCE_LINES + 2, "track_file: track_file nofile is not defined");
	expect_error(INSTANCE("VI_1", "    track_process {\n        noproc\n    }\n"),
		     INSTANCE_LINES + 2, "vrrp_track_process noproc is not defined");
	expect_error(INSTANCE("VI_1", "    track_interface {\n        eth1 weight 300\n    }\n"),
		     INSTANCE_LINES + 2, "out of range -253..253");
	expect_error(INSTANCE("VI_1", "    track_interface {\n        eth1 heavy\n    }\n"),
		     INSTANCE_LINES + 2, "expected 'NAME [weight N [reverse]]'");
}

static void test_track_objects_errors(void **state)
{
	(void)state;
	expect_error("track_file tf {\n    weight 2\n}\n", 1, "track_file tf: no 'file' given");
	expect_error("vrrp_track_process tp {\n    quorum 1\n}\n", 1, "no 'process' given");
	expect_error("vrrp_track_process tp {\n    process x\n    quorum 3\n    quorum_max 2\n}\n",
		     1, "quorum_max 2 is below quorum 3");
	expect_error("vrrp_track_process tp {\n    process x\n    weight 255\n}\n", 3,
		     "out of range -254..254");
	expect_error("vrrp_track_process tp {\n    process x\n    param_match fuzzy\n}\n", 3,
		     "'fuzzy' is not one of initial|partial");
	expect_error("track_file tf {\n    file /x\n    init_file 3 keep\n}\n", 3,
		     "expected [VALUE] [overwrite]");
}

static void test_deprecated_track_file_keyword(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "vrrp_track_file tf {\n    file /run/tf\n}\n");
	unit_assert_warning(&l.diags, FILE_NAME, 1, "'vrrp_track_file' is deprecated: track_file");
	want(&l, "track_files.0.name", "\"tf\"");
	loaded_free(&l);
}

static void test_address_owner_weights(void **state)
{
	(void)state;
	expect_warning(SCRIPT_CHK INSTANCE("VI_1", "    priority 255\n    track_script {\n"
					   "        chk\n    }\n"), 9 + INSTANCE_LINES + 3,
		       "weight ignored (priority 255 is the address owner's)");
}

/* ---- sync groups -------------------------------------------------------- */

static void test_sync_group(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "")
		"vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 52\n}\n"
		"vrrp_sync_group G1 {\n"
		"    group {\n        VI_1\n        VI_2\n    }\n"
		"    notify_master \"/bin/echo master\" nobody\n"
		"    notify /bin/true\n"
		"    notify_deleted\n"
		"    smtp_alert false\n"
		"    sync_group_tracking_weight\n"
		"}\n");
	want(&l, "sync_groups.0.name", "\"G1\"");
	want(&l, "sync_groups.0.group", "[\"VI_1\",\"VI_2\"]");
	want(&l, "sync_groups.0.notify.notify_master.command", "\"/bin/echo master\"");
	want(&l, "sync_groups.0.notify.notify_master.user", "\"nobody\"");
	want(&l, "sync_groups.0.notify.notify.command", "\"/bin/true\"");
	want(&l, "sync_groups.0.notify.notify_backup", "null");
	want(&l, "sync_groups.0.notify_deleted", "true");
	want(&l, "sync_groups.0.smtp_alert", "false");
	want(&l, "sync_groups.0.sync_group_tracking_weight", "true");
	loaded_free(&l);
}

static void test_sync_group_names_on_one_line(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "")
		"vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 52\n}\n"
		"vrrp_sync_group G1 {\n    group { VI_1 VI_2 }\n}\n");
	want(&l, "sync_groups.0.group", "[\"VI_1\",\"VI_2\"]");
	loaded_free(&l);
}

static void test_default_interface_fills_instance(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "global_defs {\n    default_interface eth7\n}\n"
		"vrrp_instance VI_1 {\n    virtual_router_id 5\n}\n");
	want(&l, "instances.0.interface", "\"eth7\"");
	loaded_free(&l);
}

static void test_sync_group_errors(void **state)
{
	(void)state;
	expect_error(INSTANCE("VI_1", "") "vrrp_sync_group G {\n    group {\n        VI_1\n"
		     "        VI_9\n    }\n}\n", INSTANCE_LINES + 1 + 4,
		     "vrrp_sync_group G: vrrp_instance VI_9 is not defined");
	expect_error(INSTANCE("VI_1", "")
		     "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n}\n"
		     "vrrp_sync_group H {\n    group {\n        VI_1\n    }\n}\n",
		     INSTANCE_LINES + 1 + 8,
		     "vrrp_instance VI_1 is already in vrrp_sync_group G at t.conf:11");
	expect_error("vrrp_sync_group G {\n    notify /bin/true\n}\n", 1,
		     "no 'group { ... }' of instances");
}

static void test_sync_group_weights_warning(void **state)
{
	(void)state;
	expect_warning(SCRIPT_CHK INSTANCE("VI_1", "    track_script {\n        chk\n    }\n")
		       "vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 52\n}\n"
		       "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n",
		       9 + INSTANCE_LINES + 2, "without sync_group_tracking_weight");
}

/* ---- top-level blocks --------------------------------------------------- */

static void test_static_blocks(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", "")
		"track_group GROUP1 {\n    group {\n        VI_1\n    }\n}\n"
		"static_ipaddress {\n"
		"    192.168.1.1/24 dev eth0 scope global track_group GROUP1\n"
		"}\n"
		"static_routes {\n"
		"    192.168.2.0/24 via 192.168.1.100 dev eth0 track_group GROUP1\n"
		"}\n"
		"static_rules {\n"
		"    from 192.168.2.0/24 table 1 track_group GROUP1\n"
		"}\n");
	want(&l, "track_groups.0.name", "\"GROUP1\"");
	want(&l, "track_groups.0.group", "[\"VI_1\"]");
	want(&l, "static_addresses.0.address", "\"192.168.1.1/24\"");
	want(&l, "static_addresses.0.scope", "\"global\"");
	want(&l, "static_addresses.0.track_group", "\"GROUP1\"");
	want(&l, "static_routes.0.via", "\"192.168.1.100\"");
	want(&l, "static_routes.0.track_group", "\"GROUP1\"");
	want(&l, "static_rules.0.from", "\"192.168.2.0/24\"");
	loaded_free(&l);
}

static void test_static_errors(void **state)
{
	(void)state;
	expect_error("static_ipaddress {\n    192.168.1.1/24 track_group NOPE\n}\n", 2,
		     "track_group NOPE is not defined");
	expect_error("static_ipaddress {\n    192.168.1.1/24 no_track\n}\n", 2,
		     "'no_track' is not allowed for static addresses");
	expect_error("static_routes {\n    192.168.2.0/24 dev eth0 no_track\n}\n", 2,
		     "'no_track' applies to virtual routes and rules only");
	expect_error("track_group G {\n    group {\n        VI_X\n    }\n}\n", 3,
		     "track_group G: vrrp_instance VI_X is not defined");
}

static void test_linkbeat_and_delays(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "linkbeat_interfaces {\n    eth2\n    enp2s0 ETHTOOL\n}\n"
		"interface_up_down_delays {\n    eth0 0.5\n    eth1 1 2.5\n}\n");
	want(&l, "linkbeat_interfaces.0.interface", "\"eth2\"");
	want(&l, "linkbeat_interfaces.0.type", "\"default\"");
	want(&l, "linkbeat_interfaces.1.type", "\"ETHTOOL\"");
	want(&l, "interface_up_down_delays.0.down_delay", "0.5");
	want(&l, "interface_up_down_delays.0.up_delay", "0.5");
	want(&l, "interface_up_down_delays.1.up_delay", "2.5");
	loaded_free(&l);
	expect_error("linkbeat_interfaces {\n    eth2 CARRIER\n}\n", 2,
		     "'CARRIER' is not one of MII|ETHTOOL|IOCTL");
	expect_error("interface_up_down_delays {\n    eth0 256\n}\n", 2, "out of range 0..255");
}

static void test_garp_group(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "garp_group {\n    garp_interval 0.001\n    gna_interval 0.5\n"
		"    interfaces {\n        eth0\n        eth1\n    }\n}\n");
	want(&l, "garp_groups.0.garp_interval", "0.001");
	want(&l, "garp_groups.0.gna_interval", "0.5");
	want(&l, "garp_groups.0.interfaces", "[\"eth0\",\"eth1\"]");
	loaded_free(&l);
	expect_error("garp_group {\n    interface eth0\n    interfaces {\n        eth1\n    }\n}\n", 1,
		     "use either 'interface' or 'interfaces', not both");
	expect_error("garp_group {\n    garp_interval 0.1\n}\n", 1,
		     "no 'interface' or 'interfaces' given");
}

static void test_not_yet_keywords(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, "bfd_instance B {\n    neighbor_ip 10.0.0.9\n}\n"
		INSTANCE("VI_1", "    vrf blue\n    track_bfd {\n        B\n    }\n"));
	unit_assert_warning(&l.diags, FILE_NAME, 1, "'bfd_instance' is not implemented yet");
	unit_assert_warning(&l.diags, FILE_NAME, 3 + INSTANCE_LINES + 1,
			    "'vrf' is not implemented yet");
	unit_assert_warning(&l.diags, FILE_NAME, 3 + INSTANCE_LINES + 2,
			    "'track_bfd' is not implemented yet");
	loaded_free(&l);
}

/* ---- host checks -------------------------------------------------------- */

static void test_host_interfaces(void **state)
{
	struct conf_diags d;
	struct vigil_config *cfg;

	(void)state;
	cfg = load_opts("vrrp_instance VI_1 {\n    interface lo\n    virtual_router_id 1\n}\n",
			true, &d);
	if (!cfg)
		unit_print_diags(&d);
	assert_non_null(cfg);
	vigil_config_free(cfg);
	conf_diags_free(&d);

	cfg = load_opts("vrrp_instance VI_1 {\n    interface nosuchif0\n    virtual_router_id 1\n"
			"    track_interface {\n        nosuchif1\n    }\n}\n", true, &d);
	assert_null(cfg);
	unit_assert_error(&d, FILE_NAME, 2, "interface: interface nosuchif0 does not exist");
	unit_assert_error(&d, FILE_NAME, 5, "track_interface: interface nosuchif1 does not exist");
	conf_diags_free(&d);

	cfg = load_opts("global_defs {\n    dynamic_interfaces\n}\n"
			"vrrp_instance VI_1 {\n    interface nosuchif0\n    virtual_router_id 1\n}\n",
			true, &d);
	if (!cfg)
		unit_print_diags(&d);
	assert_non_null(cfg);
	unit_assert_warning(&d, FILE_NAME, 5, "dynamic_interfaces");
	vigil_config_free(cfg);
	conf_diags_free(&d);
}

static void test_host_scripts(void **state)
{
	struct conf_diags d;
	struct vigil_config *cfg;

	(void)state;
	cfg = load_opts(INSTANCE("VI_1", "    notify_master /nonexistent/notify.sh\n"), true, &d);
	assert_null(cfg);
	unit_assert_error(&d, FILE_NAME, INSTANCE_LINES + 1, "notify_master:");
	conf_diags_free(&d);
	/* without host checks only the syntax is looked at */
	cfg = load_opts(INSTANCE("VI_1", "    notify_master /nonexistent/notify.sh\n"), false, &d);
	assert_non_null(cfg);
	vigil_config_free(cfg);
	conf_diags_free(&d);
}

/* ---- status view and the keyword inventory ------------------------------ */

/* Emptiness decides whether the VRRP worker is started at all. */
static void test_is_empty(void **state)
{
	struct loaded l;

	(void)state;
	load_ok(&l, INSTANCE("VI_1", ""));
	assert_false(vrrp_config_is_empty(l.cfg->vrrp));
	loaded_free(&l);
	assert_true(vrrp_config_is_empty(NULL));
}

struct keyword_place {
	const struct conf_block *block;
	const char *keyword;
};

/* Every keyword of keepalived.conf(5) from "Linkbeat interfaces" to
 * "Interface up/down status change debouncing", in the block it belongs in. */
static void test_every_keyword_known(void **state)
{
	static const char *const root_kw[] = {
		"linkbeat_interfaces", "track_group", "static_ipaddress", "static_routes",
		"static_rules", "track_file", "vrrp_track_file", "vrrp_track_process",
		"bfd_instance", "vrrp_script", "vrrp_sync_group", "garp_group", "vrrp_instance",
		"interface_up_down_delays", NULL };
	static const char *const instance_kw[] = {
		"state", "interface", "vrf", "use_vmac", "use_vmac_addr", "vmac_xmit_base",
		"use_ipvlan", "native_ipv6", "dont_track_primary", "track_interface",
		"track_script", "track_file", "track_process", "track_bfd", "mcast_src_ip",
		"unicast_src_ip", "mcast_dst_ip", "track_src_ip", "version", "check_unicast_src",
		"unicast_peer", "unicast_fault_no_peer", "unicast_ttl", "old_unicast_checksum",
		"garp_master_delay", "garp_master_repeat", "garp_lower_prio_delay",
		"garp_lower_prio_repeat", "garp_master_refresh", "garp_master_refresh_repeat",
		"garp_extra_if", "down_timer_adverts", "lower_prio_no_advert",
		"higher_prio_send_advert", "virtual_router_id", "priority", "advert_int",
		"authentication", "virtual_ipaddress", "virtual_ipaddress_excluded",
		"promote_secondaries", "virtual_routes", "virtual_rules", "accept", "no_accept",
		"nopreempt", "preempt", "preempt_delay", "skip_check_adv_addr", "strict_mode",
		"debug", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify",
		"notify_master_rx_lower_pri", "notify_priority_changes", "smtp_alert",
		"kernel_rx_buf_size", "linkbeat_use_polling", NULL };
	static const char *const sync_kw[] = {
		"group", "track_interface", "track_script", "track_file", "track_process",
		"track_bfd", "notify_master", "notify_backup", "notify_fault", "notify_stop",
		"notify_deleted", "notify", "notify_priority_changes", "smtp_alert",
		"global_tracking", "sync_group_tracking_weight", NULL };
	static const char *const script_kw[] = {
		"script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail",
		NULL };
	static const char *const file_kw[] = { "file", "weight", "init_file", NULL };
	static const char *const process_kw[] = {
		"process", "param_match", "weight", "quorum", "quorum_max", "fork_delay",
		"terminate_delay", "delay", "full_command", NULL };
	static const char *const bfd_kw[] = {
		"neighbor_ip", "neighbour_ip", "source_ip", "min_rx", "min_tx", "idle_tx",
		"multiplier", "passive", "ttl", "hoplimit", "max_hops", "weight", "vrrp",
		"checker", NULL };
	static const char *const garp_kw[] = {
		"garp_interval", "gna_interval", "interface", "interfaces", NULL };
	static const char *const auth_kw[] = { "auth_type", "auth_pass", NULL };
	static const char *const track_group_kw[] = { "group", NULL };
	const struct { const struct conf_block *block; const char *const *names; } sets[] = {
		{ &vigil_config_root_block, root_kw }, { &vrrp_instance_block, instance_kw },
		{ &vrrp_sync_group_block, sync_kw }, { &vrrp_script_block, script_kw },
		{ &vrrp_track_file_block, file_kw }, { &vrrp_track_process_block, process_kw },
		{ &vrrp_bfd_instance_block, bfd_kw }, { &vrrp_garp_group_block, garp_kw },
		{ &vrrp_authentication_block, auth_kw }, { &vrrp_track_group_block, track_group_kw },
	};
	unsigned missing = 0;

	(void)state;
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		for (const char *const *kw = sets[s].names; *kw; kw++) {
			if (conf_block_find(sets[s].block, *kw))
				continue;
			print_error("%s: keyword '%s' unknown\n",
				    sets[s].block->name ? sets[s].block->name : "top level", *kw);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/* A full example in the man page's spirit loads without errors. */
static void test_fixture_file(void **state)
{
	char *path = unit_data_path("vrrp/full.conf");
	struct config_load_options opts = { .config_id = "test", .check_host = false };
	struct conf_diags d;
	struct vigil_config *cfg;
	json_object *json;

	(void)state;
	conf_diags_init(&d);
	cfg = vigil_config_load(path, &opts, &d);
	if (!cfg)
		unit_print_diags(&d);
	assert_non_null(cfg);
	json = vrrp_config_to_json(cfg->vrrp);
	want_at(json, "instances.0.name", "\"VI_1\"", __LINE__);
	want_at(json, "instances.1.family", "\"inet6\"", __LINE__);
	want_at(json, "sync_groups.0.group", "[\"VI_1\",\"VI_6\"]", __LINE__);
	want_at(json, "scripts.0.name", "\"chk_haproxy\"", __LINE__);
	json_object_put(json);
	vigil_config_free(cfg);
	conf_diags_free(&d);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instance_defaults),
		cmocka_unit_test(test_instance_values),
		cmocka_unit_test(test_global_defaults_resolved),
		cmocka_unit_test(test_ipv6_instance),
		cmocka_unit_test(test_ipv6_needs_version_3),
		cmocka_unit_test(test_advert_int_v2_whole_seconds),
		cmocka_unit_test(test_advert_int_v3_range),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_missing_interface_and_vrid),
		cmocka_unit_test(test_duplicate_instance),
		cmocka_unit_test(test_unknown_keyword),
		cmocka_unit_test(test_instance_more_keywords),
		cmocka_unit_test(test_master_and_native_ipv6),
		cmocka_unit_test(test_vip_options),
		cmocka_unit_test(test_vip_errors),
		cmocka_unit_test(test_mixed_families_moved),
		cmocka_unit_test(test_virtual_routes),
		cmocka_unit_test(test_route_errors),
		cmocka_unit_test(test_virtual_rules),
		cmocka_unit_test(test_unicast_peers),
		cmocka_unit_test(test_unicast_errors),
		cmocka_unit_test(test_mcast_dst),
		cmocka_unit_test(test_vrid_collision_multicast),
		cmocka_unit_test(test_vrid_no_collision),
		cmocka_unit_test(test_vrid_collision_unicast),
		cmocka_unit_test(test_authentication),
		cmocka_unit_test(test_strict_mode),
		cmocka_unit_test(test_use_vmac),
		cmocka_unit_test(test_vrrp_script),
		cmocka_unit_test(test_vrrp_script_errors),
		cmocka_unit_test(test_track_refs),
		cmocka_unit_test(test_track_ref_errors),
		cmocka_unit_test(test_track_objects_errors),
		cmocka_unit_test(test_deprecated_track_file_keyword),
		cmocka_unit_test(test_address_owner_weights),
		cmocka_unit_test(test_sync_group),
		cmocka_unit_test(test_sync_group_names_on_one_line),
		cmocka_unit_test(test_default_interface_fills_instance),
		cmocka_unit_test(test_sync_group_errors),
		cmocka_unit_test(test_sync_group_weights_warning),
		cmocka_unit_test(test_static_blocks),
		cmocka_unit_test(test_static_errors),
		cmocka_unit_test(test_linkbeat_and_delays),
		cmocka_unit_test(test_garp_group),
		cmocka_unit_test(test_not_yet_keywords),
		cmocka_unit_test(test_host_interfaces),
		cmocka_unit_test(test_host_scripts),
		cmocka_unit_test(test_is_empty),
		cmocka_unit_test(test_every_keyword_known),
		cmocka_unit_test(test_fixture_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
