/* The pure IPVS planner (lvs_plan_build) and the table helpers it stands
 * on: which operations, in which order, for kernel / wanted / before. */
#include "config.h"

#include "unit.h"

#include "lvs/lvs.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>

/* ---- building tables ---- */

static struct lvs_service svc_make(int family, uint16_t protocol, const char *addr, uint16_t port,
				   const char *sched)
{
	struct lvs_service s = { .family = family, .protocol = protocol, .port = port };

	assert_int_equal(inet_pton(family, addr, &s.addr), 1);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static struct lvs_service svc_tcp(const char *addr, uint16_t port)
{
	return svc_make(strchr(addr, ':') ? AF_INET6 : AF_INET, IPPROTO_TCP, addr, port, "wlc");
}

static struct lvs_service svc_fwmark(int family, uint32_t mark)
{
	struct lvs_service s = { .family = family, .fwmark = mark };

	snprintf(s.sched, sizeof(s.sched), "rr");
	return s;
}

static struct lvs_dest dest_make(const char *addr, uint16_t port, uint32_t fwd, int32_t weight)
{
	struct lvs_dest d = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET, .port = port,
			      .conn_flags = fwd, .weight = weight };

	assert_int_equal(inet_pton(d.family, addr, &d.addr), 1);
	return d;
}

/* A table with one service and up to four destinations. */
static struct lvs_table_service *table_with(struct lvs_table *t, const struct lvs_service *svc,
					    const struct lvs_dest *dests, size_t n)
{
	struct lvs_table_service *ts = lvs_table_add_service(t, svc);

	for (size_t i = 0; i < n; i++)
		lvs_table_add_dest(ts, &dests[i]);
	return ts;
}

struct fixture {
	struct lvs_table kernel, wanted, before;
	struct lvs_plan plan;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	lvs_table_init(&f->kernel);
	lvs_table_init(&f->wanted);
	lvs_table_init(&f->before);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lvs_table_free(&f->kernel);
	lvs_table_free(&f->wanted);
	lvs_table_free(&f->before);
	lvs_plan_free(&f->plan);
	free(f);
	return 0;
}

static void plan(struct fixture *f, bool with_before)
{
	lvs_plan_free(&f->plan);
	lvs_plan_build(&f->kernel, &f->wanted, with_before ? &f->before : NULL, &f->plan);
}

/* "add_service TCP 10.0.0.1:80 | add_dest TCP 10.0.0.1:80 -> 10.0.0.2:80 | ..." */
static void plan_text(const struct lvs_plan *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n_ops && used < len; i++) {
		char svc[80], dest[64] = "";
		const struct lvs_op *op = &p->ops[i];

		lvs_service_describe(&op->svc, svc, sizeof(svc));
		if (op->kind >= LVS_OP_ADD_DEST)
			lvs_dest_describe(&op->dest, dest, sizeof(dest));
		used += (size_t)snprintf(buf + used, len - used, "%s%s %s%s%s", i ? " | " : "",
					 lvs_op_kind_names[op->kind], svc, dest[0] ? " -> " : "",
					 dest);
	}
}

static void assert_plan(const struct fixture *f, const char *expected)
{
	char text[2048];

	plan_text(&f->plan, text, sizeof(text));
	if (strcmp(text, expected) != 0) {
		print_error("plan:     %s\nexpected: %s\n", text, expected);
		fail();
	}
}

/* ---- table helpers ---- */

static void test_describe(void **state)
{
	struct lvs_service v4 = svc_tcp("10.0.0.1", 80);
	struct lvs_service v6 = svc_make(AF_INET6, IPPROTO_UDP, "fd00::1", 53, "rr");
	struct lvs_service sctp = svc_make(AF_INET, IPPROTO_SCTP, "10.0.0.1", 9, "rr");
	struct lvs_service fw4 = svc_fwmark(AF_INET, 7), fw6 = svc_fwmark(AF_INET6, 8);
	struct lvs_dest d6 = dest_make("fd00::2", 8080, IP_VS_CONN_F_MASQ, 1);
	char buf[80];

	(void)state;
	lvs_service_describe(&v4, buf, sizeof(buf));
	assert_string_equal(buf, "TCP 10.0.0.1:80");
	lvs_service_describe(&v6, buf, sizeof(buf));
	assert_string_equal(buf, "UDP [fd00::1]:53");
	lvs_service_describe(&sctp, buf, sizeof(buf));
	assert_string_equal(buf, "SCTP 10.0.0.1:9");
	lvs_service_describe(&fw4, buf, sizeof(buf));
	assert_string_equal(buf, "FWM 7");
	lvs_service_describe(&fw6, buf, sizeof(buf));
	assert_string_equal(buf, "FWM 8 (IPv6)");
	lvs_dest_describe(&d6, buf, sizeof(buf));
	assert_string_equal(buf, "[fd00::2]:8080");
}

static void test_keys(void **state)
{
	struct lvs_service a = svc_tcp("10.0.0.1", 80), b = a;
	struct lvs_dest d = dest_make("10.0.0.2", 80, 0, 1), e = d;

	(void)state;
	/* Bytes past a v4 address do not count; settings are not the key. */
	memset((char *)&b.addr + 4, 0xaa, sizeof(b.addr) - 4);
	snprintf(b.sched, sizeof(b.sched), "rr");
	b.flags = IP_VS_SVC_F_PERSISTENT;
	assert_true(lvs_service_same_key(&a, &b));
	b.port = 81;
	assert_false(lvs_service_same_key(&a, &b));
	b = a;
	b.protocol = IPPROTO_UDP;
	assert_false(lvs_service_same_key(&a, &b));
	/* A fwmark service is its mark and family, whatever else it holds. */
	struct lvs_service f1 = svc_fwmark(AF_INET, 7), f2 = f1, f6 = svc_fwmark(AF_INET6, 7);
	f2.port = 99;
	assert_true(lvs_service_same_key(&f1, &f2));
	assert_false(lvs_service_same_key(&f1, &f6));
	assert_false(lvs_service_same_key(&f1, &a));
	e.weight = 9;
	e.conn_flags = IP_VS_CONN_F_DROUTE;
	assert_true(lvs_dest_same_key(&d, &e));
	e.port = 81;
	assert_false(lvs_dest_same_key(&d, &e));
	e = dest_make("::ffff:10.0.0.2", 80, 0, 1);
	assert_false(lvs_dest_same_key(&d, &e));
}

static void test_table_find(void **state)
{
	struct fixture *f = *state;
	struct lvs_service a = svc_tcp("10.0.0.1", 80), b = svc_tcp("10.0.0.1", 443);
	struct lvs_dest d[2] = { dest_make("10.0.0.2", 80, 0, 1), dest_make("10.0.0.3", 80, 0, 1) };
	struct lvs_dest other = dest_make("10.0.0.4", 80, 0, 1);

	/* Enough entries to make both arrays grow past their first size. */
	for (uint16_t port = 1000; port < 1020; port++) {
		struct lvs_service s = svc_tcp("10.9.9.9", port);
		struct lvs_table_service *ts = lvs_table_add_service(&f->kernel, &s);

		for (uint16_t p = 1; p <= 9; p++) {
			struct lvs_dest x = dest_make("10.8.8.8", p, 0, p);
			lvs_table_add_dest(ts, &x);
		}
	}
	table_with(&f->kernel, &a, d, 2);
	assert_int_equal(f->kernel.n_services, 21);
	const struct lvs_table_service *ts = lvs_table_find(&f->kernel, &a);
	assert_non_null(ts);
	assert_int_equal(ts->n_dests, 2);
	assert_null(lvs_table_find(&f->kernel, &b));
	assert_ptr_equal(lvs_table_find_dest(ts, &d[1]), &ts->dests[1]);
	assert_null(lvs_table_find_dest(ts, &other));
	struct lvs_service s = svc_tcp("10.9.9.9", 1019);
	ts = lvs_table_find(&f->kernel, &s);
	assert_non_null(ts);
	assert_int_equal(ts->n_dests, 9);
	assert_int_equal(ts->dests[8].weight, 9);
}

static void test_op_names(void **state)
{
	(void)state;
	for (int i = 0; i < LVS_OP_KIND_COUNT; i++)
		assert_non_null(lvs_op_kind_names[i]);
	assert_string_equal(lvs_op_kind_names[LVS_OP_EDIT_DEST], "edit_dest");
}

/* ---- planning ---- */

static void test_empty_kernel_adds_service_then_dests(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("10.0.0.1", 80);
	struct lvs_dest d[2] = { dest_make("10.0.0.2", 80, IP_VS_CONN_F_MASQ, 1),
				 dest_make("10.0.0.3", 80, IP_VS_CONN_F_DROUTE, 2) };

	table_with(&f->wanted, &s, d, 2);
	plan(f, false);
	assert_plan(f, "add_service TCP 10.0.0.1:80 | add_dest TCP 10.0.0.1:80 -> 10.0.0.2:80 | "
		    "add_dest TCP 10.0.0.1:80 -> 10.0.0.3:80");
	assert_int_equal(f->plan.ops[2].dest.weight, 2);
	assert_int_equal(f->plan.ops[2].dest.conn_flags, IP_VS_CONN_F_DROUTE);
	assert_string_equal(f->plan.ops[0].svc.sched, "wlc");
}

/* Start-up: the kernel already holds exactly what is wanted (as the kernel
 * reports it: HASHED set, full netmask, counters running). */
static void test_adopt_identical_is_no_op(void **state)
{
	struct fixture *f = *state;
	struct lvs_service want = svc_tcp("10.0.0.1", 80), have = want;
	struct lvs_dest d = dest_make("10.0.0.2", 80, IP_VS_CONN_F_MASQ, 1);
	struct lvs_dest_stats k = { .active_conns = 5, .inbytes = 1234 };

	have.flags |= IP_VS_SVC_F_HASHED;
	have.netmask = 0xffffffff;
	table_with(&f->wanted, &want, &d, 1);
	lvs_table_add_counted_dest(lvs_table_add_service(&f->kernel, &have), &d, &k);
	plan(f, false);
	assert_plan(f, "");
	plan(f, true);
	assert_plan(f, "");
}

static void test_adopt_edits_in_place_never_readds(void **state)
{
	struct fixture *f = *state;
	struct lvs_service want = svc_tcp("10.0.0.1", 80), have = want;
	struct lvs_dest d[2] = { dest_make("10.0.0.2", 80, IP_VS_CONN_F_MASQ, 5),
				 dest_make("10.0.0.3", 80, IP_VS_CONN_F_MASQ, 1) };
	struct lvs_dest k[2] = { d[0], d[1] };

	snprintf(have.sched, sizeof(have.sched), "rr");
	k[0].weight = 1;
	table_with(&f->wanted, &want, d, 2);
	table_with(&f->kernel, &have, k, 2);
	plan(f, false);
	assert_plan(f, "edit_service TCP 10.0.0.1:80 | edit_dest TCP 10.0.0.1:80 -> 10.0.0.2:80");
	assert_int_equal(f->plan.ops[1].dest.weight, 5);
	assert_string_equal(f->plan.ops[0].svc.sched, "wlc");
}

static void test_service_setting_changes_edit(void **state)
{
	struct fixture *f = *state;
	struct lvs_service base = svc_tcp("10.0.0.1", 80);
	struct lvs_service variants[6];

	for (int i = 0; i < 6; i++)
		variants[i] = base;
	snprintf(variants[0].sched, sizeof(variants[0].sched), "sh");
	variants[1].flags = IP_VS_SVC_F_PERSISTENT;
	variants[2].flags = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED3;
	variants[3].timeout = 300;
	variants[4].netmask = htonl(0xffffff00);
	snprintf(variants[5].pe_name, sizeof(variants[5].pe_name), "sip");
	for (int i = 0; i < 6; i++) {
		lvs_table_free(&f->kernel);
		lvs_table_free(&f->wanted);
		lvs_table_add_service(&f->kernel, &base);
		lvs_table_add_service(&f->wanted, &variants[i]);
		plan(f, true);
		assert_plan(f, "edit_service TCP 10.0.0.1:80");
		/* And back: the kernel holding the variant, base wanted. */
		lvs_table_free(&f->kernel);
		lvs_table_free(&f->wanted);
		lvs_table_add_service(&f->kernel, &variants[i]);
		lvs_table_add_service(&f->wanted, &base);
		plan(f, false);
		assert_plan(f, "edit_service TCP 10.0.0.1:80");
	}
}

/* An IPv6 service with netmask 0 means /128, as the kernel reports it. */
static void test_ipv6_full_prefix_equals_zero(void **state)
{
	struct fixture *f = *state;
	struct lvs_service want = svc_tcp("fd00::1", 443), have = want;

	have.netmask = 128;
	lvs_table_add_service(&f->kernel, &have);
	lvs_table_add_service(&f->wanted, &want);
	plan(f, false);
	assert_plan(f, "");
	f->wanted.services[0].svc.netmask = 64;
	plan(f, false);
	assert_plan(f, "edit_service TCP [fd00::1]:443");
	assert_int_equal(f->plan.ops[0].svc.netmask, 64);
}

static void test_dest_setting_changes_edit(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("10.0.0.1", 80);
	struct lvs_dest base = dest_make("10.0.0.2", 80, IP_VS_CONN_F_TUNNEL, 1);
	struct lvs_dest variants[7];

	for (int i = 0; i < 7; i++)
		variants[i] = base;
	variants[0].weight = 0;
	variants[1].conn_flags = IP_VS_CONN_F_DROUTE;
	variants[2].u_threshold = 100;
	variants[3].l_threshold = 10;
	variants[4].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	variants[5].tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	variants[6].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	variants[6].tun_port = 6080;
	for (int i = 0; i < 7; i++) {
		lvs_table_free(&f->kernel);
		lvs_table_free(&f->wanted);
		table_with(&f->kernel, &s, &base, 1);
		table_with(&f->wanted, &s, &variants[i], 1);
		plan(f, false);
		assert_plan(f, "edit_dest TCP 10.0.0.1:80 -> 10.0.0.2:80");
		assert_true(lvs_dest_same_key(&f->plan.ops[0].dest, &variants[i]));
		assert_int_equal(f->plan.ops[0].dest.conn_flags, variants[i].conn_flags);
		assert_int_equal(f->plan.ops[0].dest.weight, variants[i].weight);
		assert_int_equal(f->plan.ops[0].dest.u_threshold, variants[i].u_threshold);
		assert_int_equal(f->plan.ops[0].dest.l_threshold, variants[i].l_threshold);
		assert_int_equal(f->plan.ops[0].dest.tun_type, variants[i].tun_type);
		assert_int_equal(f->plan.ops[0].dest.tun_port, variants[i].tun_port);
		assert_int_equal(f->plan.ops[0].dest.tun_flags, variants[i].tun_flags);
	}
	/* A different GUE port is an edit too. */
	struct lvs_dest gue2 = variants[6];
	gue2.tun_port = 6081;
	lvs_table_free(&f->kernel);
	lvs_table_free(&f->wanted);
	table_with(&f->kernel, &s, &variants[6], 1);
	table_with(&f->wanted, &s, &gue2, 1);
	plan(f, false);
	assert_plan(f, "edit_dest TCP 10.0.0.1:80 -> 10.0.0.2:80");
}

/* Tunnel settings of a destination that does not tunnel (and the port of
 * a non-GUE tunnel) mean nothing to the kernel: no edit for them. */
static void test_irrelevant_tunnel_fields_ignored(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("10.0.0.1", 80);
	struct lvs_dest dr = dest_make("10.0.0.2", 80, IP_VS_CONN_F_DROUTE, 1), dr_k = dr;
	struct lvs_dest ipip = dest_make("10.0.0.3", 80, IP_VS_CONN_F_TUNNEL, 1), ipip_k = ipip;

	dr_k.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	dr_k.tun_port = 5555;
	dr_k.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
	ipip_k.tun_port = 7777;
	struct lvs_dest want[2] = { dr, ipip }, have[2] = { dr_k, ipip_k };
	table_with(&f->kernel, &s, have, 2);
	table_with(&f->wanted, &s, want, 2);
	plan(f, false);
	assert_plan(f, "");
}

static void test_unwanted_dests_deleted_after_adds(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("10.0.0.1", 80);
	struct lvs_dest keep = dest_make("10.0.0.2", 80, 0, 1);
	struct lvs_dest gone = dest_make("10.0.0.9", 80, 0, 1);
	struct lvs_dest fresh = dest_make("10.0.0.3", 80, 0, 1);
	struct lvs_dest have[2] = { gone, keep }, want[2] = { keep, fresh };

	table_with(&f->kernel, &s, have, 2);
	table_with(&f->wanted, &s, want, 2);
	plan(f, false);
	assert_plan(f, "add_dest TCP 10.0.0.1:80 -> 10.0.0.3:80 | "
		    "del_dest TCP 10.0.0.1:80 -> 10.0.0.9:80");
	/* The same with a "before" table: destinations converge either way. */
	lvs_table_add_service(&f->before, &s);
	plan(f, true);
	assert_plan(f, "add_dest TCP 10.0.0.1:80 -> 10.0.0.3:80 | "
		    "del_dest TCP 10.0.0.1:80 -> 10.0.0.9:80");
}

static void test_service_dropped_since_before_is_deleted(void **state)
{
	struct fixture *f = *state;
	struct lvs_service kept = svc_tcp("10.0.0.1", 80), dropped = svc_tcp("10.0.0.1", 443);
	struct lvs_service vanished = svc_tcp("10.0.0.1", 8080);
	struct lvs_dest d = dest_make("10.0.0.2", 443, 0, 1);

	lvs_table_add_service(&f->kernel, &kept);
	table_with(&f->kernel, &dropped, &d, 1);
	lvs_table_add_service(&f->before, &kept);
	lvs_table_add_service(&f->before, &dropped);
	lvs_table_add_service(&f->before, &vanished);   /* not in the kernel any more */
	lvs_table_add_service(&f->wanted, &kept);
	plan(f, true);
	assert_plan(f, "del_service TCP 10.0.0.1:443");
	/* At start-up (no before) nothing vigil does not want is deleted. */
	plan(f, false);
	assert_plan(f, "");
}

static void test_foreign_services_untouched(void **state)
{
	struct fixture *f = *state;
	struct lvs_service mine = svc_tcp("10.0.0.1", 80), theirs = svc_tcp("10.0.0.50", 80);
	struct lvs_service their_fw = svc_fwmark(AF_INET, 9);
	struct lvs_dest d = dest_make("10.0.0.2", 80, 0, 1);

	table_with(&f->kernel, &theirs, &d, 1);
	table_with(&f->kernel, &their_fw, &d, 1);
	table_with(&f->wanted, &mine, &d, 1);
	table_with(&f->before, &mine, &d, 1);
	plan(f, true);
	assert_plan(f, "add_service TCP 10.0.0.1:80 | add_dest TCP 10.0.0.1:80 -> 10.0.0.2:80");
	plan(f, false);
	assert_plan(f, "add_service TCP 10.0.0.1:80 | add_dest TCP 10.0.0.1:80 -> 10.0.0.2:80");
	/* Wanting nothing, with an empty before: still untouched. */
	lvs_table_free(&f->wanted);
	lvs_table_free(&f->before);
	plan(f, true);
	assert_plan(f, "");
}

static void test_order_deletions_first_then_per_service(void **state)
{
	struct fixture *f = *state;
	struct lvs_service a = svc_tcp("10.0.0.1", 80), b = svc_fwmark(AF_INET6, 7);
	struct lvs_service old = svc_tcp("10.0.0.1", 25);
	struct lvs_dest d4 = dest_make("10.0.0.2", 80, 0, 1), stale = dest_make("10.0.0.8", 80, 0, 1);
	struct lvs_dest d6 = dest_make("fd00::2", 0, IP_VS_CONN_F_MASQ, 1);

	table_with(&f->kernel, &a, &stale, 1);
	lvs_table_add_service(&f->kernel, &old);
	lvs_table_add_service(&f->before, &old);
	table_with(&f->wanted, &a, &d4, 1);
	table_with(&f->wanted, &b, &d6, 1);
	plan(f, true);
	assert_plan(f, "del_service TCP 10.0.0.1:25 | "
		    "add_dest TCP 10.0.0.1:80 -> 10.0.0.2:80 | "
		    "del_dest TCP 10.0.0.1:80 -> 10.0.0.8:80 | "
		    "add_service FWM 7 (IPv6) | add_dest FWM 7 (IPv6) -> [fd00::2]:0");
}

/* A fwmark of one family is not the same service as that mark in the
 * other family. */
static void test_fwmark_families_are_distinct(void **state)
{
	struct fixture *f = *state;
	struct lvs_service fw4 = svc_fwmark(AF_INET, 7), fw6 = svc_fwmark(AF_INET6, 7);

	lvs_table_add_service(&f->kernel, &fw4);
	lvs_table_add_service(&f->wanted, &fw6);
	lvs_table_add_service(&f->before, &fw4);
	plan(f, true);
	assert_plan(f, "del_service FWM 7 | add_service FWM 7 (IPv6)");
}

static void test_duplicates_in_wanted_planned_once(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("10.0.0.1", 80), s2 = s;
	struct lvs_dest d = dest_make("10.0.0.2", 80, 0, 1), d2 = d;

	snprintf(s2.sched, sizeof(s2.sched), "rr");
	d2.weight = 7;
	struct lvs_dest dests[2] = { d, d2 };
	table_with(&f->wanted, &s, dests, 2);
	table_with(&f->wanted, &s2, &d, 1);
	plan(f, false);
	assert_plan(f, "add_service TCP 10.0.0.1:80 | add_dest TCP 10.0.0.1:80 -> 10.0.0.2:80");
	assert_string_equal(f->plan.ops[0].svc.sched, "wlc");
	assert_int_equal(f->plan.ops[1].dest.weight, 1);
}

/* A service vigil wants again after somebody deleted it is added back. */
static void test_wanted_service_missing_from_kernel_is_added(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_make(AF_INET, IPPROTO_UDP, "10.0.0.1", 53, "rr");

	lvs_table_add_service(&f->wanted, &s);
	lvs_table_add_service(&f->before, &s);
	plan(f, true);
	assert_plan(f, "add_service UDP 10.0.0.1:53");
}

/* Mixed families under one service (an IPv4 tunnel destination of an IPv6
 * service) are keyed by their own family. */
static void test_mixed_family_dest(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("fd00::1", 80);
	struct lvs_dest d = dest_make("10.0.0.2", 80, IP_VS_CONN_F_TUNNEL, 1);

	table_with(&f->kernel, &s, &d, 1);
	table_with(&f->wanted, &s, &d, 1);
	plan(f, false);
	assert_plan(f, "");
	f->wanted.services[0].dests[0].weight = 3;
	plan(f, false);
	assert_plan(f, "edit_dest TCP [fd00::1]:80 -> 10.0.0.2:80");
}

/* Counters sit beside their destinations, found by the same key; a table
 * trimmed or stripped of its destinations keeps what it should. */
static void test_counters_trim_and_drop(void **state)
{
	struct fixture *f = *state;
	struct lvs_service s = svc_tcp("10.0.0.1", 80);
	struct lvs_dest d[5];
	struct lvs_dest_stats st = { 0 };
	struct lvs_table_service *ts = lvs_table_add_service(&f->kernel, &s);

	for (int i = 0; i < 5; i++) {
		d[i] = dest_make("10.0.0.2", (uint16_t)(8000 + i), IP_VS_CONN_F_MASQ, 1);
		st.active_conns = (uint32_t)(100 + i);
		lvs_table_add_counted_dest(ts, &d[i], &st);
	}
	assert_int_equal(ts->cap_dests, 8);
	assert_int_equal(lvs_table_find_stats(ts, &d[3])->active_conns, 103);
	lvs_table_trim(&f->kernel);
	ts = &f->kernel.services[0];
	assert_int_equal(ts->cap_dests, 5);
	assert_int_equal(f->kernel.cap_services, 1);
	assert_int_equal(lvs_table_find_stats(ts, &d[4])->active_conns, 104);
	assert_int_equal(lvs_table_find_dest(ts, &d[0])->port, 8000);

	/* no counters in a table built for planning */
	table_with(&f->wanted, &s, d, 2);
	assert_null(lvs_table_find_stats(&f->wanted.services[0], &d[0]));
	assert_non_null(lvs_table_find_dest(&f->wanted.services[0], &d[0]));

	lvs_table_drop_dests(&f->kernel);
	assert_int_equal(f->kernel.n_services, 1);
	assert_non_null(lvs_table_find(&f->kernel, &s));
	assert_null(lvs_table_find_dest(&f->kernel.services[0], &d[0]));
	assert_null(lvs_table_find_stats(&f->kernel.services[0], &d[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_keys),
		cmocka_unit_test_setup_teardown(test_table_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_trim_and_drop, setup, teardown),
		cmocka_unit_test(test_op_names),
		cmocka_unit_test_setup_teardown(test_empty_kernel_adds_service_then_dests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_adopt_identical_is_no_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt_edits_in_place_never_readds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_service_setting_changes_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_full_prefix_equals_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dest_setting_changes_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irrelevant_tunnel_fields_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwanted_dests_deleted_after_adds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_service_dropped_since_before_is_deleted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_foreign_services_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_deletions_first_then_per_service, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fwmark_families_are_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_in_wanted_planned_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wanted_service_missing_from_kernel_is_added,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_family_dest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
