/* VRRPv3-MIB (RFC 6527): the operations, associated address and
 * statistics tables, the global error counters, and vrrpv3NewMaster /
 * vrrpv3ProtoError.  Every instance is listed, whatever its version and
 * family (the MIB's index carries the address type).  Read-only: rows
 * are the configuration's instances, RowStatus reads active(1). */
#include "config.h"
#include "snmp/snmp_subagent.h"
#include "snmp/snmp_vrrp_private.h"

#include <string.h>

/* vrrpv3MIB ::= { mib-2 207 } */
#define V3 1, 3, 6, 1, 2, 1, 207
static const oid ops_table_oid[] = { V3, 1, 1, 1, 1 };      /* vrrpv3OperationsEntry */
static const oid addr_table_oid[] = { V3, 1, 1, 2, 1 };     /* vrrpv3AssociatedIpAddrEntry */
static const oid stats_oid[] = { V3, 1, 2 };                /* vrrpv3Statistics */
static const oid new_master_oid[] = { V3, 0, 1 };
static const oid proto_error_oid[] = { V3, 0, 2 };

enum { RFC6527_INIT = 1, RFC6527_BACKUP = 2, RFC6527_MASTER = 3 };
enum { ROW_ACTIVE = 1, TRUTH_TRUE = 1, TRUTH_FALSE = 2 };

long snmp_vrrp_rfc6527_master_reason(enum vrrp_transition_reason r)
{
	switch (r) {
	case VRRP_REASON_MASTER_DOWN:
	case VRRP_REASON_PRIORITY_ZERO:
		return 3;       /* masterNoResponse */
	case VRRP_REASON_PREEMPTED:
		return 2;       /* preempted */
	default:
		return 1;       /* priority: owner, startup, a sync group, ... */
	}
}

long snmp_vrrp_rfc6527_error_reason(enum vrrp_rx_verdict v)
{
	switch (v) {
	case VRRP_RX_BAD_TTL: return 1;         /* ipTtlError */
	case VRRP_RX_BAD_VERSION: return 2;     /* versionError */
	case VRRP_RX_BAD_CHECKSUM: return 3;    /* checksumError */
	default: return 0;
	}
}

static long state_value(enum vrrp_state s)
{
	return s == VRRP_STATE_MASTER ? RFC6527_MASTER
	       : s == VRRP_STATE_BACKUP ? RFC6527_BACKUP : RFC6527_INIT;
}

/* entry.column.ifIndex.vrid.addrtype */
static void row_oid(struct snmp_oid *o, const oid *entry, size_t len, unsigned col, json_object *inst)
{
	snmp_oid_set(o, entry, len);
	snmp_oid_push(o, col);
	snmp_oid_push(o, snmp_vrrp_ifindex(snmp_vrrp_jstr(inst, "interface")));
	snmp_oid_push(o, (oid)snmp_vrrp_jint(inst, "vrid", 0));
	snmp_oid_push(o, (oid)snmp_vrrp_inet_type(snmp_vrrp_family_of(inst)));
}

static void put_addr(struct snmp_snap *s, const struct snmp_oid *o, const char *text)
{
	struct vigil_addr a;
	uint8_t b[16];

	if (snmp_vrrp_addr_of(text, &a))
		snmp_snap_bytes(s, o, ASN_OCTET_STR, b, snmp_vrrp_addr_bytes(&a, b));
	else
		snmp_snap_bytes(s, o, ASN_OCTET_STR, b, 0);
}

/* RFC 5798 7.3: 00-00-5E-00-01-{VRID} (IPv4), 00-00-5E-00-02-{VRID} (IPv6). */
static void put_vmac(struct snmp_snap *s, const struct snmp_oid *o, json_object *inst)
{
	uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0 };

	mac[4] = snmp_vrrp_family_of(inst) == AF_INET6 ? 2 : 1;
	mac[5] = (uint8_t)snmp_vrrp_jint(inst, "vrid", 0);
	snmp_snap_bytes(s, o, ASN_OCTET_STR, mac, sizeof(mac));
}

static void ops_row(struct snmp_snap *s, json_object *inst)
{
	struct snmp_oid o;
	enum vrrp_state st = snmp_vrrp_state_of(snmp_vrrp_jstr(inst, "state"));
	const char *src = snmp_vrrp_jstr(inst, "source_address");
	const char *master = st == VRRP_STATE_MASTER ? src : snmp_vrrp_jstr(inst, "master_address");
	uint64_t adv_cs = (uint64_t)snmp_vrrp_jint(inst, "advert_interval_us", 0) / 10000u;

#define OPS(col) row_oid(&o, ops_table_oid, OID_LENGTH(ops_table_oid), (col), inst)
	OPS(3), put_addr(s, &o, master);
	OPS(4), put_addr(s, &o, src);
	OPS(5), put_vmac(s, &o, inst);
	OPS(6), snmp_snap_int(s, &o, state_value(st));
	OPS(7), snmp_snap_uint(s, &o, ASN_UNSIGNED,
			       (unsigned long)snmp_vrrp_jint(inst, "effective_priority", 0));
	OPS(8), snmp_snap_int(s, &o, (long)json_object_array_length(snmp_vrrp_jarray(inst, "vips")));
	OPS(9), snmp_snap_int(s, &o, (long)adv_cs);
	OPS(13), snmp_snap_int(s, &o, ROW_ACTIVE);
#undef OPS
}

static void build_ops(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	json_object *insts = snmp_vrrp_jarray(status, "instances");

	(void)sv;
	for (size_t i = 0; i < json_object_array_length(insts); i++)
		ops_row(s, json_object_array_get_idx(insts, i));
}

/* vrrpv3AssociatedIpAddrRowStatus, indexed by the VIP as well.  Only
 * VIPs of the instance's family fit its row. */
static void build_addrs(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	json_object *insts = snmp_vrrp_jarray(status, "instances");

	(void)sv;
	for (size_t i = 0; i < json_object_array_length(insts); i++) {
		json_object *inst = json_object_array_get_idx(insts, i);
		json_object *vips = snmp_vrrp_jarray(inst, "vips");
		int family = snmp_vrrp_family_of(inst);

		for (size_t j = 0; j < json_object_array_length(vips); j++) {
			struct vigil_addr a;
			struct snmp_oid o;
			uint8_t b[16];

			if (!snmp_vrrp_addr_of(json_object_get_string(json_object_array_get_idx(vips, j)), &a)
			    || a.family != family)
				continue;
			row_oid(&o, addr_table_oid, OID_LENGTH(addr_table_oid), 2, inst);
			snmp_oid_push_bytes(&o, b, snmp_vrrp_addr_bytes(&a, b), false);
			snmp_snap_int(s, &o, ROW_ACTIVE);
		}
	}
}

static uint64_t sum_drops(json_object *insts, const char *key)
{
	uint64_t n = 0;

	for (size_t i = 0; i < json_object_array_length(insts); i++)
		n += snmp_vrrp_jdrop(json_object_array_get_idx(insts, i), key);
	return n;
}

static void stats_row(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *inst)
{
	static const oid entry[] = { V3, 1, 2, 5, 1 };
	struct snmp_vrrp_memo *m = snmp_vrrp_memo(sv, snmp_vrrp_jstr(inst, "name"), false);
	enum vrrp_state st = snmp_vrrp_state_of(snmp_vrrp_jstr(inst, "state"));
	struct snmp_oid o;

#define ST(col) row_oid(&o, entry, OID_LENGTH(entry), (col), inst)
	ST(1), snmp_snap_uint(s, &o, ASN_COUNTER, snmp_vrrp_jstat(inst, "became_master"));
	ST(2), snmp_snap_int(s, &o, m && st == VRRP_STATE_MASTER ? m->new_master_reason : 0);
	ST(3), snmp_snap_counter64(s, &o, snmp_vrrp_jstat(inst, "adverts_received"));
	ST(4), snmp_snap_counter64(s, &o, snmp_vrrp_jdrop(inst, "interval_mismatch")
					  + snmp_vrrp_jdrop(inst, "interval_zero"));
	ST(5), snmp_snap_counter64(s, &o, snmp_vrrp_jdrop(inst, "bad_ttl")
					  + snmp_vrrp_jdrop(inst, "ttl_out_of_range"));
	ST(6), snmp_snap_int(s, &o, m ? m->proto_err_reason : 0);
	ST(7), snmp_snap_counter64(s, &o, snmp_vrrp_jstat(inst, "priority_zero_received"));
	ST(8), snmp_snap_counter64(s, &o, snmp_vrrp_jstat(inst, "priority_zero_sent"));
	ST(9), snmp_snap_counter64(s, &o, snmp_vrrp_jdrop(inst, "bad_type"));
	ST(10), snmp_snap_counter64(s, &o, snmp_vrrp_jstat(inst, "address_list_mismatch"));
	ST(11), snmp_snap_counter64(s, &o, snmp_vrrp_jdrop(inst, "bad_length")
					   + snmp_vrrp_jdrop(inst, "too_short"));
	ST(12), snmp_snap_uint(s, &o, ASN_TIMETICKS, 0);
	/* vrrpv3StatisticsRefreshRate: how old a value read may be (ms). */
	ST(13), snmp_snap_uint(s, &o, ASN_UNSIGNED, SNMP_SNAP_MAX_AGE_MS);
#undef ST
}

/* The global counters (vrrpv3RouterVrIdErrors: adverts for a VRID no
 * instance runs are not counted by the engine, so it reads 0) and the
 * statistics table. */
static void build_stats(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	json_object *insts = snmp_vrrp_jarray(status, "instances");
	struct snmp_oid o;

#define SC(n) (snmp_oid_set(&o, stats_oid, OID_LENGTH(stats_oid)), snmp_oid_push(&o, (n)), \
	       snmp_oid_push(&o, 0))
	SC(1), snmp_snap_counter64(s, &o, sum_drops(insts, "bad_checksum"));
	SC(2), snmp_snap_counter64(s, &o, sum_drops(insts, "bad_version"));
	SC(3), snmp_snap_counter64(s, &o, 0);
	SC(4), snmp_snap_uint(s, &o, ASN_TIMETICKS, 0);
#undef SC
	for (size_t i = 0; i < json_object_array_length(insts); i++)
		stats_row(s, sv, json_object_array_get_idx(insts, i));
}

static const struct snmp_vrrp_subtree subtrees[] = {
	{ "vrrpv3OperationsTable", ops_table_oid, OID_LENGTH(ops_table_oid), build_ops },
	{ "vrrpv3AssociatedIpAddrTable", addr_table_oid, OID_LENGTH(addr_table_oid), build_addrs },
	{ "vrrpv3Statistics", stats_oid, OID_LENGTH(stats_oid), build_stats },
};
const struct snmp_vrrp_mib_desc snmp_vrrp_rfc6527_desc = { subtrees, sizeof(subtrees) / sizeof(subtrees[0]) };

/* ---- notifications ---- */

static void var_at(netsnmp_variable_list **vars, const oid *entry, size_t len, unsigned col,
		   const char *ifname, uint8_t vrid, int family, u_char type, const void *v, size_t vlen)
{
	struct snmp_oid o;

	snmp_oid_set(&o, entry, len);
	snmp_oid_push(&o, col);
	snmp_oid_push(&o, snmp_vrrp_ifindex(ifname));
	snmp_oid_push(&o, vrid);
	snmp_oid_push(&o, (oid)snmp_vrrp_inet_type(family));
	snmp_varlist_add_variable(vars, o.id, o.len, type, v, vlen);
}

void snmp_vrrp_rfc6527_new_master(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t)
{
	static const oid stats_entry[] = { V3, 1, 2, 5, 1 };
	netsnmp_variable_list *vars = NULL;
	long reason = snmp_vrrp_rfc6527_master_reason(t->reason);
	uint8_t b[16];
	size_t blen = t->master ? snmp_vrrp_addr_bytes(t->master, b) : 0;

	(void)sv;
	var_at(&vars, ops_table_oid, OID_LENGTH(ops_table_oid), 3, t->interface, t->vrid, t->family,
	       ASN_OCTET_STR, b, blen);
	var_at(&vars, stats_entry, OID_LENGTH(stats_entry), 2, t->interface, t->vrid, t->family,
	       ASN_INTEGER, &reason, sizeof(reason));
	snmp_subagent_notify(new_master_oid, OID_LENGTH(new_master_oid), vars);
}

void snmp_vrrp_rfc6527_proto_error(struct snmp_vrrp *sv, const struct snmp_vrrp_drop *d)
{
	static const oid stats_entry[] = { V3, 1, 2, 5, 1 };
	netsnmp_variable_list *vars = NULL;
	long reason = snmp_vrrp_rfc6527_error_reason(d->verdict);

	(void)sv;
	var_at(&vars, stats_entry, OID_LENGTH(stats_entry), 6, d->interface, d->vrid, d->family,
	       ASN_INTEGER, &reason, sizeof(reason));
	snmp_subagent_notify(proto_error_oid, OID_LENGTH(proto_error_oid), vars);
}
