/* Unit tests for checker/check_ipvs_map.c: configuration text (loaded as
 * vigild -t would) to the kernel services and destinations vigil installs.
 * The expected values are the ones ipvsadm gives the kernel for the same
 * options (ipvsadm -Sn reads them back). */
#include "unit.h"

#include <arpa/inet.h>
#include <uv.h>
#include <linux/ip_vs.h>
#include <sys/socket.h>

#include "checker/check_conf.h"
#include "checker/check_ipvs.h"
#include "daemon/config_load.h"

#define F "ipvs.conf"
#define MAX_SVCS 64
#define H IP_VS_SVC_F_HASHED

struct loaded {
	struct conf_diags diags;
	struct vigil_config *cfg;
};

struct svcs {
	struct lvs_service s[MAX_SVCS];
	size_t n;
};

static void collect(const struct lvs_service *svc, void *arg)
{
	struct svcs *out = arg;

	assert_true(out->n < MAX_SVCS);
	out->s[out->n++] = *svc;
}

static void load_ok(struct loaded *l, const char *text)
{
	struct config_load_options opts = { .config_id = "test" };

	conf_diags_init(&l->diags);
	l->cfg = vigil_config_load_string(F, text, &opts, &l->diags);
	unit_assert_no_errors(&l->diags);
	assert_non_null(l->cfg);
}

static void unload(struct loaded *l)
{
	vigil_config_free(l->cfg);
	conf_diags_free(&l->diags);
}

static const struct check_vs_config *vs_at(const struct loaded *l, size_t i)
{
	assert_true(i < l->cfg->check->virtual_servers.count);
	return l->cfg->check->virtual_servers.items[i];
}

static const struct check_rs_config *rs_at(const struct check_vs_config *vs, size_t i)
{
	assert_true(i < vs->real_servers.count);
	return vs->real_servers.items[i];
}

/* The services of virtual server `i`; asserts the count returned. */
static void services(const struct loaded *l, size_t i, struct svcs *out)
{
	size_t n;

	out->n = 0;
	n = check_ipvs_services_of(l->cfg->check, vs_at(l, i), collect, out);
	assert_int_equal(n, out->n);
}

static void assert_addr_at(int family, const union lvs_addr *a, const char *want,
			   const char *file, int line)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family, a, buf, sizeof(buf));
	if (strcmp(buf, want) != 0) {
		print_error("address: expected %s, got %s\n", want, buf);
		_fail(file, line);
	}
}
#define assert_addr(fam, a, want) assert_addr_at((fam), (a), (want), __FILE__, __LINE__)

static uint32_t mask4(const char *dotted)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, dotted, &a), 1);
	return a.s_addr;
}

/* ---- services: protocols, addresses, families ---- */

static void test_tcp_service_defaults(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	/* No `protocol`: UDP, as keepalived 2.2.7 builds it (seen in the VM). */
	load_ok(&l, "virtual_server 192.168.1.10 80 {\n"
		    "  real_server 10.0.0.2 8080 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.s[0].family, AF_INET);
	assert_int_equal(s.s[0].protocol, IPPROTO_UDP);
	assert_addr(AF_INET, &s.s[0].addr, "192.168.1.10");
	assert_int_equal(s.s[0].port, 80);
	assert_int_equal(s.s[0].fwmark, 0);
	assert_string_equal(s.s[0].sched, "wlc");
	assert_int_equal(s.s[0].flags, H);
	assert_int_equal(s.s[0].timeout, 0);
	assert_int_equal(s.s[0].netmask, 0xffffffffu);
	assert_string_equal(s.s[0].pe_name, "");
	unload(&l);
}

static void test_udp_and_sctp_services(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server 192.168.1.10 53 {\n  protocol UDP\n  lvs_sched rr\n"
		    "  real_server 10.0.0.2 53 {\n  }\n}\n"
		    "virtual_server 192.168.1.10 3868 {\n  protocol SCTP\n  lvs_sched sh\n"
		    "  real_server 10.0.0.2 3868 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.s[0].protocol, IPPROTO_UDP);
	assert_int_equal(s.s[0].port, 53);
	assert_string_equal(s.s[0].sched, "rr");
	services(&l, 1, &s);
	assert_int_equal(s.s[0].protocol, IPPROTO_SCTP);
	assert_int_equal(s.s[0].port, 3868);
	assert_string_equal(s.s[0].sched, "sh");
	unload(&l);
}

/* ops is one-packet scheduling: keepalived drops it from a virtual server
 * with addresses unless it is UDP; fwmark services keep it. */
static void test_ops_udp_or_fwmark(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server_group marks {\n  fwmark 4\n}\n"
		    "virtual_server_group mixed {\n  10.0.5.1 80\n  fwmark 5\n}\n"
		    "virtual_server 192.168.1.10 53 {\n  protocol UDP\n  ops\n"
		    "  real_server 10.0.0.2 53 {\n  }\n}\n"
		    "virtual_server 192.168.1.10 80 {\n  protocol TCP\n  ops\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n"
		    "virtual_server fwmark 3 {\n  ops\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n"
		    "virtual_server group marks {\n  ops\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n"
		    "virtual_server group mixed {\n  protocol TCP\n  ops\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_ONEPACKET);
	services(&l, 1, &s);
	assert_int_equal(s.s[0].flags, H);
	services(&l, 2, &s);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_ONEPACKET);
	services(&l, 3, &s);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_ONEPACKET);
	services(&l, 4, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.s[0].flags, H);     /* the group has an address: TCP drops it */
	assert_int_equal(s.s[1].flags, H);
	unload(&l);
}

static void test_ipv6_service_with_granularity(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server fd00::100 443 {\n  persistence_timeout 120\n"
		    "  persistence_granularity 64\n"
		    "  real_server fd00::2 443 {\n  }\n}\n"
		    "virtual_server fd00::101 443 {\n  real_server fd00::2 443 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.s[0].family, AF_INET6);
	assert_addr(AF_INET6, &s.s[0].addr, "fd00::100");
	assert_int_equal(s.s[0].port, 443);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(s.s[0].timeout, 120);
	assert_int_equal(s.s[0].netmask, 64);
	services(&l, 1, &s);
	assert_int_equal(s.s[0].netmask, 128);   /* IPv6 default: a prefix length */
	assert_int_equal(s.s[0].flags, H);
	unload(&l);
}

/* A fwmark service has no protocol, address or port; its family comes from
 * ip_family, else the servers. */
static void test_fwmark_families(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server fwmark 7 {\n  persistence_timeout 60\n"
		    "  real_server 10.0.0.2 {\n  }\n}\n"
		    "virtual_server fwmark 8 {\n  persistence_timeout 60\n"
		    "  real_server fd00::2 {\n  }\n}\n"
		    "virtual_server fwmark 9 {\n  lvs_method TUN\n  ip_family inet6\n"
		    "  real_server 10.0.0.2 {\n  }\n}\n"
		    "virtual_server fwmark 10 {\n  lvs_method TUN\n"
		    "  real_server fd00::2 {\n  }\n  real_server fd00::3 {\n  }\n}\n"
		    "virtual_server fwmark 11 {\n  lvs_method TUN\n"
		    "  real_server fd00::2 {\n  }\n  real_server 10.0.0.3 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.s[0].fwmark, 7);
	assert_int_equal(s.s[0].family, AF_INET);
	assert_int_equal(s.s[0].protocol, 0);
	assert_int_equal(s.s[0].port, 0);
	assert_int_equal(s.s[0].netmask, 0xffffffffu);
	services(&l, 1, &s);
	assert_int_equal(s.s[0].family, AF_INET6);
	assert_int_equal(s.s[0].netmask, 128);
	services(&l, 2, &s);
	assert_int_equal(s.s[0].family, AF_INET6);       /* ip_family wins */
	services(&l, 3, &s);
	assert_int_equal(s.s[0].family, AF_INET6);       /* all tunnelled, all IPv6 */
	services(&l, 4, &s);
	assert_int_equal(s.s[0].family, AF_INET);        /* tunnelled, mixed: IPv4 */
	unload(&l);
}

/* ---- groups ---- */

static void test_group_ranges_and_fwmarks(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server_group web {\n"
		    "  10.1.0.1-3 80\n"
		    "  10.1.0.254-10.1.1.1 8080\n"
		    "  10.2.0.9/30 443\n"
		    "  10.3.0.1\n"
		    "  fwmark 5\n"
		    "}\n"
		    "virtual_server group web {\n  protocol UDP\n  persistence_timeout 30\n"
		    "  real_server 10.0.0.2 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.n, 3 + 4 + 4 + 1 + 1);
	assert_addr(AF_INET, &s.s[0].addr, "10.1.0.1");
	assert_addr(AF_INET, &s.s[2].addr, "10.1.0.3");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(s.s[i].port, 80);
		assert_int_equal(s.s[i].protocol, IPPROTO_UDP);
		assert_int_equal(s.s[i].timeout, 30);
		assert_int_equal(s.s[i].flags, H | IP_VS_SVC_F_PERSISTENT);
	}
	assert_addr(AF_INET, &s.s[3].addr, "10.1.0.254");   /* across an octet */
	assert_addr(AF_INET, &s.s[4].addr, "10.1.0.255");
	assert_addr(AF_INET, &s.s[5].addr, "10.1.1.0");
	assert_addr(AF_INET, &s.s[6].addr, "10.1.1.1");
	assert_int_equal(s.s[6].port, 8080);
	assert_addr(AF_INET, &s.s[7].addr, "10.2.0.8");     /* the /30 block */
	assert_addr(AF_INET, &s.s[10].addr, "10.2.0.11");
	assert_int_equal(s.s[10].port, 443);
	assert_addr(AF_INET, &s.s[11].addr, "10.3.0.1");
	assert_int_equal(s.s[11].port, 0);                  /* no port: persistent, port 0 */
	assert_int_equal(s.s[12].fwmark, 5);
	assert_int_equal(s.s[12].family, AF_INET);
	assert_int_equal(s.s[12].protocol, 0);
	unload(&l);
}

static void test_group_ipv6_range_and_fwmark_family(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server_group six {\n"
		    "  fd00::a-c 80\n"
		    "  fwmark 6 inet6\n"
		    "  fwmark 12\n"
		    "}\n"
		    "virtual_server group six {\n"
		    "  real_server fd00::2 80 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.s[0].family, AF_INET6);
	assert_addr(AF_INET6, &s.s[0].addr, "fd00::a");
	assert_addr(AF_INET6, &s.s[1].addr, "fd00::b");
	assert_addr(AF_INET6, &s.s[2].addr, "fd00::c");
	assert_int_equal(s.s[2].netmask, 128);
	assert_int_equal(s.s[3].fwmark, 6);
	assert_int_equal(s.s[3].family, AF_INET6);
	assert_int_equal(s.s[4].fwmark, 12);
	assert_int_equal(s.s[4].family, AF_INET6);     /* from the real server */
	unload(&l);
}

/* Each service of a group carries its own port to the real servers that
 * have none. */
static void test_group_dest_ports_follow_each_service(void **state)
{
	struct loaded l;
	struct svcs s;
	struct lvs_dest d;
	const struct check_vs_config *vs;

	(void)state;
	load_ok(&l, "virtual_server_group g {\n  10.1.0.1 80\n  10.1.0.2 8080\n}\n"
		    "virtual_server group g {\n"
		    "  real_server 10.0.0.2 {\n  }\n}\n");
	vs = vs_at(&l, 0);
	services(&l, 0, &s);
	assert_int_equal(s.n, 2);
	check_ipvs_dest_of(vs, rs_at(vs, 0), &s.s[0], 1, &d);
	assert_int_equal(d.port, 80);
	check_ipvs_dest_of(vs, rs_at(vs, 0), &s.s[1], 1, &d);
	assert_int_equal(d.port, 8080);
	unload(&l);
}

static void test_unknown_group_has_no_services(void **state)
{
	struct loaded l;
	struct svcs s = { .n = 0 };
	struct check_vs_config vs;
	char missing[] = "missing";

	(void)state;
	load_ok(&l, "virtual_server_group g {\n  10.1.0.1 80\n}\n");
	memset(&vs, 0, sizeof(vs));
	vs.kind = CHECK_VS_GROUP;
	vs.group = missing;
	assert_int_equal(check_ipvs_services_of(l.cfg->check, &vs, collect, &s), 0);
	assert_int_equal(s.n, 0);
	unload(&l);
}

/* ---- scheduler flags and persistence ---- */

static void test_sched_flags(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server 10.0.0.1 80 {\n  lvs_sched sh\n  sh-port\n  sh-fallback\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 81 {\n  lvs_sched mh\n  mh-port\n"
		    "  real_server 10.0.0.2 81 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 82 {\n  lvs_sched mh\n  mh-fallback\n"
		    "  real_server 10.0.0.2 82 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 83 {\n  lvs_sched rr\n  flag-1\n  flag-3\n  hashed\n"
		    "  real_server 10.0.0.2 83 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_string_equal(s.s[0].sched, "sh");
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_SCHED_SH_PORT |
			 IP_VS_SVC_F_SCHED_SH_FALLBACK);
	services(&l, 1, &s);
	assert_string_equal(s.s[0].sched, "mh");
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_SCHED2);
	services(&l, 2, &s);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_SCHED1);
	services(&l, 3, &s);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED3);
	unload(&l);
}

static void test_persistence(void **state)
{
	struct loaded l;
	struct svcs s;

	(void)state;
	load_ok(&l, "virtual_server 10.0.0.1 80 {\n  persistence_timeout 600\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 81 {\n  persistence_timeout\n"
		    "  persistence_granularity 255.255.255.0\n"
		    "  real_server 10.0.0.2 81 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 82 {\n  persistence_granularity 255.255.0.0\n"
		    "  real_server 10.0.0.2 82 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 5060 {\n  protocol UDP\n  persistence_timeout 30\n"
		    "  persistence_engine sip\n  real_server 10.0.0.2 5060 {\n  }\n}\n");
	services(&l, 0, &s);
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(s.s[0].timeout, 600);
	assert_int_equal(s.s[0].netmask, 0xffffffffu);
	services(&l, 1, &s);
	assert_int_equal(s.s[0].timeout, 360);              /* keepalived's 6 minutes */
	assert_int_equal(s.s[0].netmask, mask4("255.255.255.0"));
	services(&l, 2, &s);
	/* Only a granularity: keepalived makes the service persistent with
	 * its default timeout. */
	assert_int_equal(s.s[0].flags, H | IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(s.s[0].timeout, 360);
	assert_int_equal(s.s[0].netmask, mask4("255.255.0.0"));
	services(&l, 3, &s);
	assert_string_equal(s.s[0].pe_name, "sip");
	unload(&l);
}

/* ---- destinations ---- */

static void test_dest_nat_weight_thresholds(void **state)
{
	struct loaded l;
	struct svcs s;
	struct lvs_dest d;
	const struct check_vs_config *vs;

	(void)state;
	load_ok(&l, "virtual_server 10.0.0.1 80 {\n"
		    "  real_server 10.0.0.2 8080 {\n    weight 5\n    uthreshold 100\n"
		    "    lthreshold 10\n  }\n"
		    "  real_server 10.0.0.3 {\n  }\n}\n");
	vs = vs_at(&l, 0);
	services(&l, 0, &s);
	check_ipvs_dest_of(vs, rs_at(vs, 0), &s.s[0], 5, &d);
	assert_int_equal(d.family, AF_INET);
	assert_addr(AF_INET, &d.addr, "10.0.0.2");
	assert_int_equal(d.port, 8080);
	assert_int_equal(d.conn_flags, IP_VS_CONN_F_MASQ);
	assert_int_equal(d.weight, 5);
	assert_int_equal(d.u_threshold, 100);
	assert_int_equal(d.l_threshold, 10);
	assert_int_equal(d.tun_type, 0);
	check_ipvs_dest_of(vs, rs_at(vs, 1), &s.s[0], 0, &d);
	assert_int_equal(d.port, 80);       /* the service's port */
	assert_int_equal(d.weight, 0);      /* the caller's weight (inhibited) */
	assert_int_equal(d.u_threshold, 0);
	unload(&l);
}

static void test_dest_methods_and_inheritance(void **state)
{
	struct loaded l;
	struct svcs s;
	struct lvs_dest d;
	const struct check_vs_config *vs;

	(void)state;
	load_ok(&l, "virtual_server 10.0.0.1 80 {\n  lvs_method DR\n"
		    "  real_server 10.0.0.2 80 {\n  }\n"
		    "  real_server 10.0.0.3 80 {\n    lvs_method NAT\n  }\n"
		    "  real_server 10.0.0.4 80 {\n    lvs_method TUN\n  }\n"
		    "  real_server 10.0.0.5 80 {\n    lvs_method TUN type gue port 6080 csum\n  }\n"
		    "  real_server 10.0.0.6 80 {\n    lvs_method TUN type gre nocsum\n  }\n"
		    "  real_server 10.0.0.7 80 {\n    lvs_method TUN type gue port 6081 remcsum\n"
		    "  }\n}\n");
	vs = vs_at(&l, 0);
	services(&l, 0, &s);
	check_ipvs_dest_of(vs, rs_at(vs, 0), &s.s[0], 1, &d);
	assert_int_equal(d.conn_flags, IP_VS_CONN_F_DROUTE);     /* inherited */
	check_ipvs_dest_of(vs, rs_at(vs, 1), &s.s[0], 1, &d);
	assert_int_equal(d.conn_flags, IP_VS_CONN_F_MASQ);
	check_ipvs_dest_of(vs, rs_at(vs, 2), &s.s[0], 1, &d);
	assert_int_equal(d.conn_flags, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(d.tun_type, IP_VS_CONN_F_TUNNEL_TYPE_IPIP);
	assert_int_equal(d.tun_port, 0);
	assert_int_equal(d.tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM);
	check_ipvs_dest_of(vs, rs_at(vs, 3), &s.s[0], 1, &d);
	assert_int_equal(d.tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(d.tun_port, 6080);
	assert_int_equal(d.tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	check_ipvs_dest_of(vs, rs_at(vs, 4), &s.s[0], 1, &d);
	assert_int_equal(d.tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GRE);
	assert_int_equal(d.tun_port, 0);
	assert_int_equal(d.tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM);
	check_ipvs_dest_of(vs, rs_at(vs, 5), &s.s[0], 1, &d);
	assert_int_equal(d.tun_port, 6081);
	assert_int_equal(d.tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	unload(&l);
}

static void test_sorry_server_method(void **state)
{
	struct loaded l;
	struct svcs s;
	struct lvs_dest d;
	const struct check_vs_config *vs;

	(void)state;
	load_ok(&l, "virtual_server 10.0.0.1 80 {\n  lvs_method DR\n"
		    "  sorry_server 10.0.0.9 8080\n"
		    "  real_server 10.0.0.2 80 {\n  }\n}\n"
		    "virtual_server 10.0.0.1 81 {\n  lvs_method DR\n"
		    "  sorry_server 10.0.0.9\n  sorry_server_lvs_method TUN type gre\n"
		    "  real_server 10.0.0.2 81 {\n  }\n}\n");
	vs = vs_at(&l, 0);
	services(&l, 0, &s);
	check_ipvs_dest_of(vs, vs->sorry, &s.s[0], 1, &d);
	assert_addr(AF_INET, &d.addr, "10.0.0.9");
	assert_int_equal(d.port, 8080);
	assert_int_equal(d.conn_flags, IP_VS_CONN_F_DROUTE);     /* the VS's method */
	vs = vs_at(&l, 1);
	services(&l, 1, &s);
	check_ipvs_dest_of(vs, vs->sorry, &s.s[0], 1, &d);
	assert_int_equal(d.port, 81);
	assert_int_equal(d.conn_flags, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(d.tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GRE);
	unload(&l);
}

static void test_fwmark_dest_port(void **state)
{
	struct loaded l;
	struct svcs s;
	struct lvs_dest d;
	const struct check_vs_config *vs;

	(void)state;
	load_ok(&l, "virtual_server fwmark 3 {\n  persistence_timeout 60\n"
		    "  real_server fd00::2 {\n  }\n  real_server fd00::3 8443 {\n  }\n}\n");
	vs = vs_at(&l, 0);
	services(&l, 0, &s);
	check_ipvs_dest_of(vs, rs_at(vs, 0), &s.s[0], 1, &d);
	assert_int_equal(d.family, AF_INET6);
	assert_addr(AF_INET6, &d.addr, "fd00::2");
	assert_int_equal(d.port, 0);
	check_ipvs_dest_of(vs, rs_at(vs, 1), &s.s[0], 1, &d);
	assert_int_equal(d.port, 8443);
	unload(&l);
}

/* ---- coordination without IPVS (the build host's kernel has none) ---- */

/* Every call works and changes nothing; the wanted table is consumed. */
static void test_without_ipvs_every_call_is_safe(void **state)
{
	struct loaded l;
	struct svcs s;
	struct check_ipvs *ci;
	struct lvs_table wanted;
	struct lvs_dest d;
	struct lvs_dest_stats st;
	uv_loop_t loop;
	const struct check_vs_config *vs;

	(void)state;
	load_ok(&l, "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n  }\n}\n");
	vs = vs_at(&l, 0);
	services(&l, 0, &s);
	check_ipvs_dest_of(vs, rs_at(vs, 0), &s.s[0], 1, &d);
	assert_int_equal(uv_loop_init(&loop), 0);
	ci = check_ipvs_new(&loop, l.cfg);
	if (check_ipvs_available(ci)) {
		check_ipvs_close(ci, l.cfg);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
		unload(&l);
		skip();   /* this kernel has IPVS: the VM tier covers it */
	}
	assert_true(strlen(check_ipvs_version(ci)) > 0);
	lvs_table_init(&wanted);
	lvs_table_add_dest(lvs_table_add_service(&wanted, &s.s[0]), &d);
	check_ipvs_want(ci, &wanted);
	assert_int_equal(wanted.n_services, 0);          /* consumed */
	assert_false(check_ipvs_installed(ci, &s.s[0]));
	assert_false(check_ipvs_dest_stats(ci, &s.s[0], &d, &st));
	assert_int_equal(check_ipvs_refresh(ci), -ENOTSUP);
	check_ipvs_reconfigure(ci, l.cfg);
	check_ipvs_close(ci, l.cfg);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);   /* no handle left behind */
	assert_int_equal(uv_loop_close(&loop), 0);
	unload(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_service_defaults),
		cmocka_unit_test(test_udp_and_sctp_services),
		cmocka_unit_test(test_ops_udp_or_fwmark),
		cmocka_unit_test(test_ipv6_service_with_granularity),
		cmocka_unit_test(test_fwmark_families),
		cmocka_unit_test(test_group_ranges_and_fwmarks),
		cmocka_unit_test(test_group_ipv6_range_and_fwmark_family),
		cmocka_unit_test(test_group_dest_ports_follow_each_service),
		cmocka_unit_test(test_unknown_group_has_no_services),
		cmocka_unit_test(test_sched_flags),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_dest_nat_weight_thresholds),
		cmocka_unit_test(test_dest_methods_and_inheritance),
		cmocka_unit_test(test_sorry_server_method),
		cmocka_unit_test(test_fwmark_dest_port),
		cmocka_unit_test(test_without_ipvs_every_call_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
