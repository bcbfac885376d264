/* snmp/: KEEPALIVED-MIB's checker tables and LVS scalars built from a
 * view of a parsed configuration (as checker/check_snmp_view.c describes
 * the runtime), answered as the subagent answers them, without a master
 * agent; and the SET phases of a writable column (snmp_set.c): checks
 * before any change, ACTION applies, UNDO puts back. */
#include "unit.h"

#include "daemon/config_load.h"
#include "snmp/snmp_checker_private.h"
#include "snmp/snmp_set.h"

#define F "snmp.conf"
#define VS_E 1, 3, 6, 1, 4, 1, 9586, 100, 5, 3, 3, 1
#define RS_E 1, 3, 6, 1, 4, 1, 9586, 100, 5, 3, 4, 1
#define MEMBER_E 1, 3, 6, 1, 4, 1, 9586, 100, 5, 3, 2, 1
#define CHECK 1, 3, 6, 1, 4, 1, 9586, 100, 5, 3

static const char *conf_text =
	"global_defs {\n  lvs_timeouts tcp 7200 udp 300\n  lvs_sync_daemon lo id 5 port 8849\n}\n"
	"virtual_server_group G {\n  fwmark 9\n  10.0.0.5-7 80\n}\n"
	"virtual_server 10.0.0.100 80 {\n  protocol TCP\n  lvs_sched wrr\n  lvs_method NAT\n"
	"  delay_loop 3\n  quorum 2\n  hysteresis 1\n  persistence_timeout 600\n"
	"  persistence_granularity 255.255.255.0\n  sorry_server 10.0.0.99 80\n"
	"  real_server 10.0.0.11 80 {\n    weight 4\n    retry 2\n    uthreshold 50\n"
	"    notify_down /bin/true\n    TCP_CHECK {\n    }\n  }\n"
	"  real_server 10.0.0.12 80 {\n    lvs_method TUN type gue port 6080\n  }\n}\n"
	"virtual_server fwmark 7 {\n  real_server 10.0.0.13 80 {\n  }\n}\n"
	"virtual_server group G {\n  protocol UDP\n  real_server 10.0.0.14 80 {\n  }\n}\n";

struct fixture {
	struct conf_diags diags;
	struct vigil_config *cfg;
	struct snmp_checker_view view;
	struct snmp_snap *snap;
};

/* The view check_snmp_view.c would give, all servers up, no IPVS. */
static void describe_vs(const struct check_vs_config *c, struct snmp_checker_vs *v)
{
	v->cfg = c;
	check_checker_effective(c, NULL, NULL, &v->eff);
	v->eff.set = c->defaults.set;
	v->quorum_ok = true;
	v->rs_total = v->rs_up = (unsigned)c->real_servers.count;
	v->nrs = c->real_servers.count + (c->sorry != NULL);
	v->rss = xcalloc(v->nrs + 1, sizeof(*v->rss));
	for (size_t j = 0; j < v->nrs; j++) {
		struct snmp_checker_rs *r = &v->rss[j];

		r->sorry = j == c->real_servers.count;
		r->cfg = r->sorry ? c->sorry : c->real_servers.items[j];
		r->alive = !r->sorry;
		r->weight = r->cfg->weight;
		r->fwd = check_rs_fwd(c, r->cfg);
		check_checker_effective(c, r->cfg, NULL, &r->eff);
		r->eff.set = c->defaults.set | r->cfg->defaults.set;
	}
}

static void build(struct snmp_snap *s, void *data)
{
	snmp_checker_build(s, data);
}

static void setup(struct fixture *f)
{
	struct config_load_options opts = { .config_id = "test" };
	const struct check_config *cc;

	memset(f, 0, sizeof(*f));
	conf_diags_init(&f->diags);
	f->cfg = vigil_config_load_string(F, conf_text, &opts, &f->diags);
	unit_assert_no_errors(&f->diags);
	cc = f->cfg->check;
	f->view.g = f->cfg->global;
	f->view.cc = cc;
	f->view.nvs = cc->virtual_servers.count;
	f->view.vss = xcalloc(f->view.nvs, sizeof(*f->view.vss));
	for (size_t i = 0; i < f->view.nvs; i++)
		describe_vs(cc->virtual_servers.items[i], &f->view.vss[i]);
	f->view.vss[0].rss[0].stats_known = true;
	f->view.vss[0].rss[0].stats.inbytes = 1ull << 40;
	f->snap = snmp_snap_build(build, &f->view);
}

static void teardown(struct fixture *f)
{
	snmp_snap_free(f->snap);
	snmp_checker_view_clear(&f->view);
	vigil_config_free(f->cfg);
	conf_diags_free(&f->diags);
}

/* The cell's varbind; type ASN_NULL when the row has no such column. */
static netsnmp_variable_list *get(struct fixture *f, const oid *name, size_t len)
{
	netsnmp_variable_list *vb = NULL;

	snmp_varlist_add_variable(&vb, name, len, ASN_NULL, NULL, 0);
	snmp_snap_answer(f->snap, vb, false);
	return vb;
}

#define GET_INT(f, ...) get_int((f), (const oid[]){ __VA_ARGS__ }, \
				sizeof((const oid[]){ __VA_ARGS__ }) / sizeof(oid))
#define ABSENT(f, ...) absent((f), (const oid[]){ __VA_ARGS__ }, \
			      sizeof((const oid[]){ __VA_ARGS__ }) / sizeof(oid))

static long get_int(struct fixture *f, const oid *name, size_t len)
{
	netsnmp_variable_list *vb = get(f, name, len);
	long v;

	assert_int_not_equal(vb->type, ASN_NULL);
	v = vb->type == ASN_COUNTER64 ? (long)vb->val.counter64->high : *vb->val.integer;
	snmp_free_varbind(vb);
	return v;
}

static bool absent(struct fixture *f, const oid *name, size_t len)
{
	netsnmp_variable_list *vb = get(f, name, len);
	bool none = vb->type == ASN_NULL;

	snmp_free_varbind(vb);
	return none;
}

static void test_virtual_servers(void **state)
{
	static const oid addr[] = { VS_E, 6, 1 };
	struct fixture f;
	netsnmp_variable_list *vb;

	(void)state;
	setup(&f);
	assert_int_equal(GET_INT(&f, VS_E, 2, 1), 2);          /* ip */
	assert_int_equal(GET_INT(&f, VS_E, 7, 1), 80);
	assert_int_equal(GET_INT(&f, VS_E, 8, 1), 1);          /* tcp */
	assert_int_equal(GET_INT(&f, VS_E, 9, 1), 2);          /* wrr */
	assert_int_equal(GET_INT(&f, VS_E, 13, 1), 1);         /* persistence on */
	assert_int_equal(GET_INT(&f, VS_E, 14, 1), 600);
	assert_int_equal(GET_INT(&f, VS_E, 16, 1), 3);         /* delay_loop */
	assert_int_equal(GET_INT(&f, VS_E, 22, 1), 2);         /* quorum */
	assert_int_equal(GET_INT(&f, VS_E, 26, 1), 1);         /* hysteresis */
	assert_true(ABSENT(&f, VS_E, 4, 1));                   /* no fwmark */
	assert_true(ABSENT(&f, VS_E, 57, 1));                  /* retry: not given here */
	vb = get(&f, addr, OID_LENGTH(addr));
	assert_int_equal(vb->val_len, 4);
	assert_int_equal(vb->val.string[3], 100);
	snmp_free_varbind(vb);
	assert_int_equal(GET_INT(&f, VS_E, 2, 2), 1);          /* fwmark */
	assert_int_equal(GET_INT(&f, VS_E, 4, 2), 7);
	assert_int_equal(GET_INT(&f, VS_E, 8, 2), 4);          /* none */
	assert_true(ABSENT(&f, VS_E, 6, 2));
	assert_int_equal(GET_INT(&f, VS_E, 2, 3), 3);          /* group */
	assert_int_equal(GET_INT(&f, VS_E, 8, 3), 2);          /* udp */
	teardown(&f);
}

static void test_real_servers_and_groups(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	assert_int_equal(GET_INT(&f, RS_E, 2, 1, 1), 1);       /* regular */
	assert_int_equal(GET_INT(&f, RS_E, 7, 1, 1), 4);       /* weight */
	assert_int_equal(GET_INT(&f, RS_E, 8, 1, 1), 50);      /* uthreshold */
	assert_int_equal(GET_INT(&f, RS_E, 43, 1, 1), 2);      /* retry at its level */
	assert_int_equal(GET_INT(&f, RS_E, 46, 1, 1), 3);      /* delay_loop inherited */
	assert_int_equal(GET_INT(&f, RS_E, 20, 1, 1), 1 << 8); /* in bytes: high word */
	assert_true(ABSENT(&f, RS_E, 8, 1, 2));
	assert_true(ABSENT(&f, RS_E, 14, 1, 2));               /* no IPVS counters */
	assert_int_equal(GET_INT(&f, RS_E, 40, 1, 2), 3);      /* tun */
	assert_int_equal(GET_INT(&f, RS_E, 52, 1, 2), 2);      /* gue */
	assert_int_equal(GET_INT(&f, RS_E, 53, 1, 2), 6080);
	assert_int_equal(GET_INT(&f, RS_E, 2, 1, 3), 2);       /* the sorry server, last */
	assert_int_equal(GET_INT(&f, RS_E, 6, 1, 3), 2);       /* dead: quorum holds */
	assert_int_equal(GET_INT(&f, MEMBER_E, 2, 1, 1), 1);   /* fwmark */
	assert_int_equal(GET_INT(&f, MEMBER_E, 3, 1, 1), 9);
	assert_int_equal(GET_INT(&f, MEMBER_E, 2, 1, 2), 3);   /* range */
	assert_int_equal(GET_INT(&f, MEMBER_E, 8, 1, 2), 80);
	assert_true(ABSENT(&f, MEMBER_E, 5, 1, 2));            /* a range has no single address */
	teardown(&f);
}

/* lvsSyncDaemon and lvsTimeouts: what global_defs says, no more. */
static void test_lvs_scalars(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	assert_int_equal(GET_INT(&f, CHECK, 6, 1, 0), 1);      /* enabled */
	assert_int_equal(GET_INT(&f, CHECK, 6, 4, 0), 5);      /* id */
	assert_int_equal(GET_INT(&f, CHECK, 6, 6, 0), 8849);   /* port */
	assert_true(ABSENT(&f, CHECK, 6, 3, 0));               /* no vrrp_instance */
	assert_int_equal(GET_INT(&f, CHECK, 7, 1, 0), 7200);
	assert_true(ABSENT(&f, CHECK, 7, 2, 0));               /* tcpfin: the kernel's */
	assert_int_equal(GET_INT(&f, CHECK, 7, 3, 0), 300);
	teardown(&f);
}

/* ---- the SET phases ---- */

static long cell_value = 10;

static enum snmp_write_verdict fake_check(void *data, const oid *index, size_t len, long v)
{
	(void)data, (void)v;
	return len == 1 && index[0] == 1 ? SNMP_WRITE_OK : SNMP_WRITE_NO_SUCH_ROW;
}

static enum snmp_write_verdict fake_apply(void *data, const oid *index, size_t len, long v,
					  long *old)
{
	(void)data, (void)index, (void)len;
	*old = cell_value;
	cell_value = v;
	return SNMP_WRITE_OK;
}

static const struct snmp_set_int fake_col = { 0, 100, fake_check, fake_apply };
static const oid column[] = { 1, 3, 6, 1, 4, 1, 99999, 1, 7 };

static int phase(int mode, oid row, u_char type, long v)
{
	netsnmp_variable_list *vb = NULL;
	oid name[] = { 1, 3, 6, 1, 4, 1, 99999, 1, 7, row };
	int err;

	snmp_varlist_add_variable(&vb, name, OID_LENGTH(name), type,
				  type == ASN_INTEGER ? (const void *)&v : "x",
				  type == ASN_INTEGER ? sizeof(v) : 1);
	err = snmp_set_int_phase(&fake_col, NULL, mode, vb, column, OID_LENGTH(column));
	snmp_free_varbind(vb);
	return err;
}

static void test_set_phases(void **state)
{
	(void)state;
	assert_int_equal(phase(MODE_SET_RESERVE1, 1, ASN_OCTET_STR, 0), SNMP_ERR_WRONGTYPE);
	assert_int_equal(phase(MODE_SET_RESERVE1, 1, ASN_INTEGER, 101), SNMP_ERR_WRONGVALUE);
	assert_int_equal(phase(MODE_SET_RESERVE1, 1, ASN_INTEGER, -1), SNMP_ERR_WRONGVALUE);
	assert_int_equal(phase(MODE_SET_RESERVE2, 2, ASN_INTEGER, 5), SNMP_ERR_NOCREATION);
	assert_int_equal(cell_value, 10);                      /* nothing changed yet */
	assert_int_equal(phase(MODE_SET_RESERVE1, 1, ASN_INTEGER, 5), SNMP_ERR_NOERROR);
	assert_int_equal(phase(MODE_SET_RESERVE2, 1, ASN_INTEGER, 5), SNMP_ERR_NOERROR);
	assert_int_equal(phase(MODE_SET_ACTION, 1, ASN_INTEGER, 5), SNMP_ERR_NOERROR);
	assert_int_equal(cell_value, 5);
	assert_int_equal(phase(MODE_SET_UNDO, 1, ASN_INTEGER, 5), SNMP_ERR_NOERROR);
	assert_int_equal(cell_value, 10);                      /* put back */
	assert_int_equal(phase(MODE_SET_RESERVE1, 1, ASN_INTEGER, 7), SNMP_ERR_NOERROR);
	assert_int_equal(phase(MODE_SET_ACTION, 1, ASN_INTEGER, 7), SNMP_ERR_NOERROR);
	assert_int_equal(phase(MODE_SET_COMMIT, 1, ASN_INTEGER, 7), SNMP_ERR_NOERROR);
	assert_int_equal(phase(MODE_SET_UNDO, 1, ASN_INTEGER, 7), SNMP_ERR_NOERROR);
	assert_int_equal(cell_value, 7);                       /* committed: nothing to undo */
	assert_int_equal(snmp_set_not_writable(MODE_SET_RESERVE1), SNMP_ERR_NOTWRITABLE);
	assert_int_equal(snmp_set_not_writable(MODE_SET_FREE), SNMP_ERR_NOERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virtual_servers),
		cmocka_unit_test(test_real_servers_and_groups),
		cmocka_unit_test(test_lvs_scalars),
		cmocka_unit_test(test_set_phases),
	};

	/* vigild loads net-snmp when SNMP is enabled; these tests call it directly */
	if (!late_lib_load(&late_snmp, "the SNMP unit tests"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
