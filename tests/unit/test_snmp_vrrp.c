/* snmp/: the MIB tables built from a VRRP status document, answered as
 * the subagent answers them (snmp_snap_answer), without a master agent:
 * values, index encoding, the families each MIB lists, and that a walk
 * by GETNEXT visits every instance once, in order. */
#include "unit.h"

#include "snmp/snmp_vrrp_private.h"

#define V3_OPS 1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1
#define V2_OPER 1, 3, 6, 1, 2, 1, 68, 1, 3, 1
#define KA_INST 1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 3, 1

/* Interface "lo" is ifIndex 1 in any namespace. */
static const char *status_text =
	"{\"instances\":["
	"{\"name\":\"VI_4\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"lo\",\"version\":3,"
	" \"priority\":150,\"effective_priority\":140,\"source_address\":\"10.0.0.1\","
	" \"master_address\":\"10.0.0.1\",\"vips\":[\"10.0.0.100/24\",\"10.0.0.101/32\"],"
	" \"advert_interval_us\":100000,"
	" \"tracking\":[{\"kind\":\"interface\",\"name\":\"lo\",\"weight\":0},"
	"  {\"kind\":\"track_interface\",\"name\":\"lo\",\"weight\":-10},"
	"  {\"kind\":\"track_script\",\"name\":\"chk\",\"weight\":5}],"
	" \"stats\":{\"became_master\":2,\"adverts_received\":7,\"drops\":{\"bad_ttl\":3}}},"
	"{\"name\":\"VI_6\",\"state\":\"BACKUP\",\"vrid\":52,\"interface\":\"lo\",\"version\":3,"
	" \"priority\":100,\"effective_priority\":100,\"master_address\":\"fd00::2\","
	" \"vips\":[\"fd00::100/64\"],\"advert_interval_us\":1000000,\"stats\":{}}"
	"],\"sync_groups\":[{\"name\":\"SG\",\"state\":\"MASTER\",\"members\":[\"VI_6\"]}]}";

struct fixture {
	struct snmp_vrrp sv;
	json_object *status;
	const struct snmp_vrrp_subtree *subtree;
};

static json_object *status_copy(void *data)
{
	return json_object_get(((struct fixture *)data)->status);
}

static void build(struct snmp_snap *s, void *data)
{
	struct fixture *f = data;

	f->subtree->build(s, &f->sv, f->status);
}

static struct snmp_snap *snap_of(struct fixture *f, const struct snmp_vrrp_mib_desc *d, size_t i)
{
	memset(f, 0, sizeof(*f));
	f->status = json_tokener_parse(status_text);
	assert_non_null(f->status);
	f->sv.status = status_copy;
	f->sv.status_data = f;
	f->sv.router_id = (char *)"rid";
	f->subtree = &d->subtrees[i];
	return snmp_snap_build(build, f);
}

static void done(struct fixture *f, struct snmp_snap *s)
{
	snmp_snap_free(s);
	json_object_put(f->status);
}

/* GET of `name`; returns the varbind (type ASN_NULL when absent). */
static netsnmp_variable_list *get(struct snmp_snap *s, const oid *name, size_t len, bool next)
{
	netsnmp_variable_list *vb = NULL;

	snmp_varlist_add_variable(&vb, name, len, ASN_NULL, NULL, 0);
	snmp_snap_answer(s, vb, next);
	return vb;
}

static long get_int(struct snmp_snap *s, const oid *name, size_t len)
{
	netsnmp_variable_list *vb = get(s, name, len, false);
	long v;

	assert_int_not_equal(vb->type, ASN_NULL);
	v = *vb->val.integer;
	snmp_free_varbind(vb);
	return v;
}

static void test_rfc6527_operations(void **state)
{
	static const oid status4[] = { V3_OPS, 6, 1, 51, 1 };
	static const oid prio4[] = { V3_OPS, 7, 1, 51, 1 };
	static const oid count4[] = { V3_OPS, 8, 1, 51, 1 };
	static const oid adv4[] = { V3_OPS, 9, 1, 51, 1 };
	static const oid status6[] = { V3_OPS, 6, 1, 52, 2 };
	static const oid wrong_family[] = { V3_OPS, 6, 1, 51, 2 };
	static const oid master6[] = { V3_OPS, 3, 1, 52, 2 };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_rfc6527_desc, 0);
	netsnmp_variable_list *vb;

	(void)state;
	assert_int_equal(get_int(s, status4, OID_LENGTH(status4)), 3);       /* master */
	assert_int_equal(get_int(s, prio4, OID_LENGTH(prio4)), 140);         /* effective */
	assert_int_equal(get_int(s, count4, OID_LENGTH(count4)), 2);
	assert_int_equal(get_int(s, adv4, OID_LENGTH(adv4)), 10);            /* centiseconds */
	assert_int_equal(get_int(s, status6, OID_LENGTH(status6)), 2);       /* backup */
	vb = get(s, wrong_family, OID_LENGTH(wrong_family), false);
	assert_int_equal(vb->type, ASN_NULL);
	snmp_free_varbind(vb);
	vb = get(s, master6, OID_LENGTH(master6), false);
	assert_int_equal(vb->type, ASN_OCTET_STR);
	assert_int_equal(vb->val_len, 16);
	assert_int_equal(vb->val.string[0], 0xfd);
	snmp_free_varbind(vb);
	done(&f, s);
}

/* GETNEXT from the subtree's root visits every instance once, in
 * increasing order, and stops at the end. */
static void test_walk_is_ordered(void **state)
{
	static const oid root[] = { V3_OPS };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_rfc6527_desc, 0);
	netsnmp_variable_list *vb = get(s, root, OID_LENGTH(root), true);
	oid last[MAX_OID_LEN];
	size_t last_len = 0, n = 0;

	(void)state;
	while (vb->type != ASN_NULL) {
		assert_true(n == 0 || snmp_oid_compare(last, last_len, vb->name, vb->name_length) < 0);
		memcpy(last, vb->name, vb->name_length * sizeof(oid));
		last_len = vb->name_length;
		n++;
		snmp_free_varbind(vb);
		vb = get(s, last, last_len, true);
	}
	snmp_free_varbind(vb);
	assert_int_equal(n, 2 * 8);     /* two rows of 8 columns */
	done(&f, s);
}

static void test_rfc6527_addresses_carry_the_vip(void **state)
{
	static const oid v4[] = { 1, 3, 6, 1, 2, 1, 207, 1, 1, 2, 1, 2, 1, 51, 1, 4, 10, 0, 0, 101 };
	static const oid v6[] = { 1, 3, 6, 1, 2, 1, 207, 1, 1, 2, 1, 2, 1, 52, 2, 16,
				  0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_rfc6527_desc, 1);

	(void)state;
	assert_int_equal(get_int(s, v4, OID_LENGTH(v4)), 1);     /* active */
	assert_int_equal(get_int(s, v6, OID_LENGTH(v6)), 1);
	done(&f, s);
}

static void test_rfc6527_statistics(void **state)
{
	static const oid transitions[] = { 1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 1, 1, 51, 1 };
	static const oid rcvd[] = { 1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 3, 1, 51, 1 };
	static const oid ttl[] = { 1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 5, 1, 51, 1 };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_rfc6527_desc, 2);
	netsnmp_variable_list *vb;

	(void)state;
	assert_int_equal(get_int(s, transitions, OID_LENGTH(transitions)), 2);
	vb = get(s, rcvd, OID_LENGTH(rcvd), false);
	assert_int_equal(vb->type, ASN_COUNTER64);
	assert_int_equal(vb->val.counter64->low, 7);
	snmp_free_varbind(vb);
	vb = get(s, ttl, OID_LENGTH(ttl), false);
	assert_int_equal(vb->val.counter64->low, 3);
	snmp_free_varbind(vb);
	done(&f, s);
}

/* VRRP-MIB: IpAddress only, so the IPv6 instance is not listed. */
static void test_rfc2787_lists_ipv4_only(void **state)
{
	static const oid state4[] = { V2_OPER, 3, 1, 51 };
	static const oid state6[] = { V2_OPER, 3, 1, 52 };
	static const oid asso[] = { 1, 3, 6, 1, 2, 1, 68, 1, 4, 1, 2, 1, 51, 10, 0, 0, 100 };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_rfc2787_desc, 0);
	netsnmp_variable_list *vb;

	(void)state;
	assert_int_equal(get_int(s, state4, OID_LENGTH(state4)), 3);
	assert_int_equal(get_int(s, asso, OID_LENGTH(asso)), 1);
	vb = get(s, state6, OID_LENGTH(state6), false);
	assert_int_equal(vb->type, ASN_NULL);
	snmp_free_varbind(vb);
	done(&f, s);
}

static void test_keepalived_instances_and_groups(void **state)
{
	static const oid name2[] = { KA_INST, 2, 2 };
	static const oid state1[] = { KA_INST, 4, 1 };
	static const oid state2[] = { KA_INST, 4, 2 };
	static const oid member[] = { 1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 2, 1, 2, 1, 2 };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_keepalived_desc, 2);
	netsnmp_variable_list *vb;

	(void)state;
	vb = get(s, name2, OID_LENGTH(name2), false);
	assert_int_equal(vb->type, ASN_OCTET_STR);
	assert_memory_equal(vb->val.string, "VI_6", 4);
	snmp_free_varbind(vb);
	assert_int_equal(get_int(s, state1, OID_LENGTH(state1)), 2);        /* master */
	assert_int_equal(get_int(s, state2, OID_LENGTH(state2)), 1);        /* backup */
	vb = get(s, member, OID_LENGTH(member), false);                     /* SG's VI_6 */
	assert_int_equal(vb->type, ASN_OCTET_STR);
	snmp_free_varbind(vb);
	done(&f, s);
}

/* The instance's own interface is not a tracked one; scripts are
 * numbered from 1 per instance. */
static void test_keepalived_tracked_tables(void **state)
{
	static const oid if_weight[] = { 1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 4, 1, 2, 1, 1 };
	static const oid script_weight[] = { 1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 5, 1, 3, 1, 1 };
	static const oid if_root[] = { 1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 4 };
	struct fixture f;
	struct snmp_snap *s = snap_of(&f, &snmp_vrrp_keepalived_desc, 2);
	netsnmp_variable_list *vb;
	size_t n = 0;

	(void)state;
	assert_int_equal(get_int(s, if_weight, OID_LENGTH(if_weight)), -10);
	assert_int_equal(get_int(s, script_weight, OID_LENGTH(script_weight)), 5);
	vb = get(s, if_root, OID_LENGTH(if_root), true);
	while (vb->type != ASN_NULL && snmp_oidtree_compare(if_root, OID_LENGTH(if_root),
							   vb->name, vb->name_length) == 0) {
		netsnmp_variable_list *next = get(s, vb->name, vb->name_length, true);

		n++;
		snmp_free_varbind(vb);
		vb = next;
	}
	snmp_free_varbind(vb);
	assert_int_equal(n, 2);         /* one tracked interface: name, weight */
	done(&f, s);
}

static void test_reasons(void **state)
{
	(void)state;
	assert_int_equal(snmp_vrrp_rfc6527_master_reason(VRRP_REASON_MASTER_DOWN), 3);
	assert_int_equal(snmp_vrrp_rfc6527_master_reason(VRRP_REASON_PREEMPTED), 2);
	assert_int_equal(snmp_vrrp_rfc6527_master_reason(VRRP_REASON_STARTUP_OWNER), 1);
	assert_int_equal(snmp_vrrp_rfc6527_error_reason(VRRP_RX_BAD_TTL), 1);
	assert_int_equal(snmp_vrrp_rfc6527_error_reason(VRRP_RX_BAD_VERSION), 2);
	assert_int_equal(snmp_vrrp_rfc6527_error_reason(VRRP_RX_BAD_CHECKSUM), 3);
	assert_int_equal(snmp_vrrp_rfc6527_error_reason(VRRP_RX_AUTH_FAILED), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6527_operations),
		cmocka_unit_test(test_walk_is_ordered),
		cmocka_unit_test(test_rfc6527_addresses_carry_the_vip),
		cmocka_unit_test(test_rfc6527_statistics),
		cmocka_unit_test(test_rfc2787_lists_ipv4_only),
		cmocka_unit_test(test_keepalived_instances_and_groups),
		cmocka_unit_test(test_keepalived_tracked_tables),
		cmocka_unit_test(test_reasons),
	};

	/* vigild loads net-snmp when SNMP is enabled; these tests call it directly */
	if (!late_lib_load(&late_snmp, "the SNMP unit tests"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
