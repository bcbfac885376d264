/* KEEPALIVED-MIB's checker notifications: realServerStateChange and
 * virtualServerQuorumStateChange, with the virtual server's identifying
 * columns the MIB adds for its type.  Each varbind's value is taken from
 * a snapshot of that one virtual server built as the tables are, so a
 * notification never says what a walk would not. */
#include "config.h"
#include "snmp/snmp_checker_private.h"

#include <string.h>

static const oid rs_trap_oid[] = { SNMP_CHECKER_CHECK, 5, 0, 1 };
static const oid quorum_trap_oid[] = { SNMP_CHECKER_CHECK, 5, 0, 2 };
static const oid router_id_oid[] = { SNMP_CHECKER_KA, 1, 2, 0 };

/* virtualServerEntry columns */
enum { VS_TYPE = 2, VS_GROUP = 3, VS_FWMARK = 4, VS_ADDR_TYPE = 5, VS_ADDR = 6, VS_PORT = 7,
       VS_PROTOCOL = 8, VS_RS_TOTAL = 20, VS_RS_UP = 21, VS_QUORUM = 22, VS_QUORUM_STATUS = 23 };
/* realServerEntry columns */
enum { RS_ADDR_TYPE = 3, RS_ADDR = 4, RS_PORT = 5, RS_STATUS = 6 };

struct trap {
	const struct snmp_snap *snap;
	netsnmp_variable_list *vars;
	size_t vs, rs;                      /* from 1 */
};

/* Appends the cell's value from the snapshot (nothing when the row has
 * no such column). */
static void add_cell(struct trap *t, const oid *entry, unsigned col, bool rs_row)
{
	netsnmp_variable_list vb;
	struct snmp_oid o;

	memset(&vb, 0, sizeof(vb));
	snmp_checker_cell(&o, entry, col, t->vs, rs_row ? t->rs : 0);
	snmp_set_var_objid(&vb, o.id, o.len);
	if (snmp_snap_answer(t->snap, &vb, false))
		snmp_varlist_add_variable(&t->vars, vb.name, vb.name_length, vb.type, vb.val.string,
					  vb.val_len);
	snmp_free_var_internals(&vb);
}

static void add_vs(struct trap *t, const unsigned *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add_cell(t, snmp_checker_vs_entry_oid, cols[i], false);
}

static void add_router_id(struct snmp_checker *sc, struct trap *t)
{
	snmp_varlist_add_variable(&t->vars, router_id_oid, OID_LENGTH(router_id_oid), ASN_OCTET_STR,
				  sc->router_id, strlen(sc->router_id));
}

/* What the MIB adds by virtualServerType: the group's name, the fwmark,
 * or the address and port (the columns a row of that type has). */
static void add_identity(struct trap *t)
{
	static const unsigned cols[] = { VS_GROUP, VS_FWMARK, VS_ADDR_TYPE, VS_ADDR, VS_PORT };

	add_vs(t, cols, sizeof(cols) / sizeof(cols[0]));
}

static void build_one(struct snmp_snap *s, void *data)
{
	snmp_checker_build(s, data);
}

void snmp_checker_rs_trap(struct snmp_checker *sc, const struct snmp_checker_view *v, size_t vs,
			  size_t rs)
{
	static const unsigned rs_cols[] = { RS_ADDR_TYPE, RS_ADDR, RS_PORT, RS_STATUS };
	static const unsigned vs_cols[] = { VS_TYPE, VS_PROTOCOL, VS_RS_UP, VS_RS_TOTAL };
	struct trap t = { .vs = vs + 1, .rs = rs + 1 };
	struct snmp_snap *snap;

	if (!sc || !sc->traps || !sc->reg)
		return;
	snap = snmp_snap_build(build_one, (void *)v);
	t.snap = snap;
	for (size_t i = 0; i < sizeof(rs_cols) / sizeof(rs_cols[0]); i++)
		add_cell(&t, snmp_checker_rs_entry_oid, rs_cols[i], true);
	add_vs(&t, vs_cols, sizeof(vs_cols) / sizeof(vs_cols[0]));
	add_router_id(sc, &t);
	add_identity(&t);
	snmp_snap_free(snap);
	snmp_subagent_notify(rs_trap_oid, OID_LENGTH(rs_trap_oid), t.vars);
}

void snmp_checker_quorum_trap(struct snmp_checker *sc, const struct snmp_checker_view *v,
			      size_t vs)
{
	static const unsigned vs_cols[] = { VS_TYPE, VS_PROTOCOL, VS_QUORUM_STATUS, VS_QUORUM,
					    VS_RS_UP, VS_RS_TOTAL };
	struct trap t = { .vs = vs + 1 };
	struct snmp_snap *snap;

	if (!sc || !sc->traps || !sc->reg)
		return;
	snap = snmp_snap_build(build_one, (void *)v);
	t.snap = snap;
	add_vs(&t, vs_cols, sizeof(vs_cols) / sizeof(vs_cols[0]));
	add_router_id(sc, &t);
	add_identity(&t);
	snmp_snap_free(snap);
	snmp_subagent_notify(quorum_trap_oid, OID_LENGTH(quorum_trap_oid), t.vars);
}
