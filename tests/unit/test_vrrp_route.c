/* virtual_routes / virtual_rules lines to netlink request values
 * (vrrp_route_spec_parse): lines go through the configuration loader as
 * vigild's do, then through the pure half of vrrp_route. */
#include "config.h"

#include "unit.h"

#include "daemon/config_load.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_route.h"

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

struct parsed {
	struct conf_diags diags;
	struct vigil_config *cfg;
	struct vrrp_route_spec spec;
	char err[160];
	int rc;
};

/* Parses `line` as the only line of a virtual_routes (kind VRRP_ROUTE) or
 * virtual_rules block, then into p->spec. */
static void parse(struct parsed *p, enum vrrp_route_kind kind, const char *line)
{
	struct config_load_options opts = { .config_id = "test" };
	const struct vrrp_instance_config *inst;
	char *text;

	if (asprintf(&text, "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
		     " priority 100\n virtual_ipaddress {\n  10.0.0.1/24\n }\n"
		     " %s {\n  %s\n }\n}\n",
		     kind == VRRP_ROUTE ? "virtual_routes" : "virtual_rules", line) < 0)
		abort();
	conf_diags_init(&p->diags);
	p->cfg = vigil_config_load_string("t.conf", text, &opts, &p->diags);
	free(text);
	if (!p->cfg)
		unit_print_diags(&p->diags);
	assert_non_null(p->cfg);
	inst = p->cfg->vrrp->instances.items[0];
	const struct ptr_array *list = kind == VRRP_ROUTE ? &inst->vroutes : &inst->vrules;
	assert_int_equal(list->count, 1);
	p->rc = vrrp_route_spec_parse(list->items[0], &p->spec, p->err, sizeof(p->err));
}

static void parsed_free(struct parsed *p)
{
	vrrp_route_spec_free(&p->spec);
	vigil_config_free(p->cfg);
	conf_diags_free(&p->diags);
}

static void assert_addr(const struct vigil_addr *a, const char *text, int prefix_len)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(a->family, &a->u, buf, sizeof(buf)));
	assert_string_equal(buf, text);
	assert_int_equal(a->prefix_len, prefix_len);
}

static void test_route_via_dev(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, VRRP_ROUTE, "10.9.0.0/24 via 10.0.0.254 dev eth0 metric 7 scope link "
			      "protocol 99 onlink mtu 1400");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.family, AF_INET);
	assert_int_equal(p.spec.type, RTN_UNICAST);
	assert_true(p.spec.has_dst);
	assert_addr(&p.spec.dst, "10.9.0.0", 24);
	assert_true(p.spec.has_via);
	assert_addr(&p.spec.via, "10.0.0.254", 32);
	assert_string_equal(p.spec.dev, "eth0");
	assert_int_equal(p.spec.table, RT_TABLE_MAIN);
	assert_true(p.spec.has_priority);
	assert_int_equal(p.spec.priority, 7);
	assert_true(p.spec.has_scope);
	assert_int_equal(p.spec.scope, RT_SCOPE_LINK);
	assert_int_equal(p.spec.protocol, 99);
	assert_true(p.spec.onlink);
	assert_true(p.spec.has_metric[VRRP_RTM_MTU]);
	assert_int_equal(p.spec.metric[VRRP_RTM_MTU], 1400);
	assert_false(p.spec.has_metric[VRRP_RTM_ADVMSS]);
	parsed_free(&p);
}

/* The scope `ip route add` would give each kind of route. */
static void test_route_default_scope(void **state)
{
	static const struct {
		const char *line;
		uint8_t scope;
	} cases[] = {
		{ "10.9.0.0/24 via 10.0.0.254", RT_SCOPE_UNIVERSE },
		{ "10.9.0.0/24 dev eth0", RT_SCOPE_LINK },
		{ "blackhole 10.7.0.0/24", RT_SCOPE_UNIVERSE },
		{ "local 10.7.0.1/32 dev eth0", RT_SCOPE_HOST },
		{ "broadcast 10.7.0.255/32 dev eth0", RT_SCOPE_LINK },
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(&p, VRRP_ROUTE, cases[i].line);
		assert_int_equal(p.rc, 0);
		assert_false(p.spec.has_scope);
		if (vrrp_route_default_scope(&p.spec) != cases[i].scope)
			fail_msg("%s: scope %u, expected %u", cases[i].line,
				 vrrp_route_default_scope(&p.spec), cases[i].scope);
		parsed_free(&p);
	}
}

static void test_route_types_and_tables(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, VRRP_ROUTE, "blackhole 10.7.0.0/24");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.type, RTN_BLACKHOLE);
	assert_addr(&p.spec.dst, "10.7.0.0", 24);
	assert_false(p.spec.has_via);
	assert_null(p.spec.dev);
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "10.8.0.0/24 dev eth0 table 100");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.table, 100);
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "unreachable 10.6.0.0/16 table local");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.type, RTN_UNREACHABLE);
	assert_int_equal(p.spec.table, RT_TABLE_LOCAL);
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "src 10.0.0.1 to 10.5.0.0/24 via 10.0.0.254 table 70000");
	assert_int_equal(p.rc, 0);
	assert_true(p.spec.has_src);
	assert_addr(&p.spec.src, "10.0.0.1", 32);
	assert_addr(&p.spec.dst, "10.5.0.0", 24);
	assert_int_equal(p.spec.table, 70000);
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "2001:db8:1::/64 via 2001:db8::1");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.family, AF_INET6);
	assert_addr(&p.spec.dst, "2001:db8:1::", 64);
	parsed_free(&p);
}

/* What libnl cannot say is refused, naming the word. */
static void test_route_unsupported(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, VRRP_ROUTE, "10.4.0.0/24 via 10.0.0.254 or 10.0.0.253");
	assert_int_equal(p.rc, -EOPNOTSUPP);
	assert_non_null(strstr(p.err, "'or'"));
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "10.4.0.0/24 nexthop via 10.0.0.254 nexthop via 10.0.0.253");
	assert_int_equal(p.rc, -EOPNOTSUPP);
	assert_non_null(strstr(p.err, "nexthop"));
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "10.4.0.0/24 dev eth0 mtu lock 1400");
	assert_int_equal(p.rc, -EOPNOTSUPP);
	assert_non_null(strstr(p.err, "mtu lock"));
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "10.4.0.0/24 dev eth0 congctl cubic");
	assert_int_equal(p.rc, -EOPNOTSUPP);
	assert_non_null(strstr(p.err, "'congctl'"));
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "10.4.0.0/24 dev eth0 table mytable");
	assert_int_equal(p.rc, -EOPNOTSUPP);
	assert_non_null(strstr(p.err, "mytable"));
	parsed_free(&p);

	parse(&p, VRRP_ROUTE, "10.4.0.0/24 dev eth0 scope galaxy");
	assert_int_equal(p.rc, -EINVAL);
	assert_non_null(strstr(p.err, "galaxy"));
	parsed_free(&p);
}

static void test_rule_table(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, VRRP_RULE, "from 10.0.0.100/32 table 100 priority 100");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.kind, VRRP_RULE);
	assert_int_equal(p.spec.type, FR_ACT_TO_TBL);
	assert_true(p.spec.has_src);
	assert_addr(&p.spec.src, "10.0.0.100", 32);
	assert_false(p.spec.has_dst);
	assert_int_equal(p.spec.table, 100);
	assert_true(p.spec.has_priority);
	assert_int_equal(p.spec.priority, 100);
	parsed_free(&p);

	parse(&p, VRRP_RULE, "to 10.2.0.0/16 fwmark 0x10/0xff iif eth0 oif eth1 lookup 5 "
			     "tos 4 preference 9");
	assert_int_equal(p.rc, 0);
	assert_addr(&p.spec.dst, "10.2.0.0", 16);
	assert_true(p.spec.has_fwmark);
	assert_int_equal(p.spec.fwmark, 0x10);
	assert_true(p.spec.has_fwmask);
	assert_int_equal(p.spec.fwmask, 0xff);
	assert_string_equal(p.spec.dev, "eth0");
	assert_string_equal(p.spec.oif, "eth1");
	assert_int_equal(p.spec.table, 5);
	assert_int_equal(p.spec.tos, 4);
	assert_int_equal(p.spec.priority, 9);
	parsed_free(&p);
}

static void test_rule_actions(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, VRRP_RULE, "from 10.3.0.0/24 prohibit");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.type, FR_ACT_PROHIBIT);
	parsed_free(&p);

	parse(&p, VRRP_RULE, "from 10.3.0.0/24 goto 200 priority 10");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.spec.type, FR_ACT_GOTO);
	assert_int_equal(p.spec.goto_target, 200);
	parsed_free(&p);

	parse(&p, VRRP_RULE, "from 10.3.0.0/24 fwmark 12x table 3");
	assert_int_equal(p.rc, -EINVAL);
	assert_non_null(strstr(p.err, "fwmark"));
	parsed_free(&p);

	parse(&p, VRRP_RULE, "from 10.3.0.0/24 not table 3");
	assert_int_equal(p.rc, -EOPNOTSUPP);
	assert_non_null(strstr(p.err, "'not'"));
	parsed_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_via_dev),
		cmocka_unit_test(test_route_default_scope),
		cmocka_unit_test(test_route_types_and_tables),
		cmocka_unit_test(test_route_unsupported),
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_rule_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
