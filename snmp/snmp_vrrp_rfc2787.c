/* VRRP-MIB (RFC 2787): vrrpOperTable, vrrpAssoIpAddrTable, the router
 * statistics, and vrrpTrapNewMaster / vrrpTrapAuthFailure.  The MIB's
 * addresses are IpAddress, so only IPv4 instances are listed (of either
 * VRRP version: a v3 instance over IPv4 has the same operational model).
 * Read-only; the authentication columns and the up time are not
 * exported (the status the tables are built from does not carry them). */
#include "config.h"
#include "snmp/snmp_subagent.h"
#include "snmp/snmp_vrrp_private.h"

#include <string.h>

/* vrrpMIB ::= { mib-2 68 } */
#define V2 1, 3, 6, 1, 2, 1, 68
static const oid operations_oid[] = { V2, 1 };               /* vrrpOperations */
static const oid statistics_oid[] = { V2, 2 };               /* vrrpStatistics */
static const oid oper_entry_oid[] = { V2, 1, 3, 1 };
static const oid asso_entry_oid[] = { V2, 1, 4, 1 };
static const oid stats_entry_oid[] = { V2, 2, 4, 1 };
static const oid trap_packet_src_oid[] = { V2, 1, 5, 0 };
static const oid trap_auth_error_type_oid[] = { V2, 1, 6, 0 };
static const oid new_master_oid[] = { V2, 0, 1 };
static const oid auth_failure_oid[] = { V2, 0, 2 };

enum { ROW_ACTIVE = 1, ADMIN_UP = 1, PROTOCOL_IP = 1, CNTL_ENABLED = 1, CNTL_DISABLED = 2 };

static bool listed(json_object *inst)
{
	return snmp_vrrp_family_of(inst) == AF_INET;
}

/* entry.column.ifIndex.vrid */
static void row_oid(struct snmp_oid *o, const oid *entry, size_t len, unsigned col,
		    const char *ifname, unsigned vrid)
{
	snmp_oid_set(o, entry, len);
	snmp_oid_push(o, col);
	snmp_oid_push(o, snmp_vrrp_ifindex(ifname));
	snmp_oid_push(o, vrid);
}

static void put_ip(struct snmp_snap *s, const struct snmp_oid *o, const char *text)
{
	struct vigil_addr a;
	uint8_t b[4] = { 0 };

	if (snmp_vrrp_addr_of(text, &a) && a.family == AF_INET)
		memcpy(b, &a.u.v4, 4);
	snmp_snap_bytes(s, o, ASN_IPADDRESS, b, 4);
}

static void oper_row(struct snmp_snap *s, json_object *inst)
{
	const char *ifname = snmp_vrrp_jstr(inst, "interface");
	unsigned vrid = (unsigned)snmp_vrrp_jint(inst, "vrid", 0);
	enum vrrp_state st = snmp_vrrp_state_of(snmp_vrrp_jstr(inst, "state"));
	const char *src = snmp_vrrp_jstr(inst, "source_address");
	uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, (uint8_t)vrid };
	uint64_t adv_s = ((uint64_t)snmp_vrrp_jint(inst, "advert_interval_us", 0) + 999999u) / 1000000u;
	struct snmp_oid o;

#define OPER(col) row_oid(&o, oper_entry_oid, OID_LENGTH(oper_entry_oid), (col), ifname, vrid)
	OPER(2), snmp_snap_bytes(s, &o, ASN_OCTET_STR, mac, sizeof(mac));
	OPER(3), snmp_snap_int(s, &o, st == VRRP_STATE_MASTER ? 3 : st == VRRP_STATE_BACKUP ? 2 : 1);
	OPER(4), snmp_snap_int(s, &o, ADMIN_UP);
	OPER(5), snmp_snap_int(s, &o, (long)snmp_vrrp_jint(inst, "effective_priority", 0));
	OPER(6), snmp_snap_int(s, &o, (long)json_object_array_length(snmp_vrrp_jarray(inst, "vips")));
	OPER(7), put_ip(s, &o, st == VRRP_STATE_MASTER ? src : snmp_vrrp_jstr(inst, "master_address"));
	OPER(8), put_ip(s, &o, src);
	OPER(11), snmp_snap_int(s, &o, (long)adv_s);
	OPER(14), snmp_snap_int(s, &o, PROTOCOL_IP);
	OPER(15), snmp_snap_int(s, &o, ROW_ACTIVE);
#undef OPER
}

static void asso_rows(struct snmp_snap *s, json_object *inst)
{
	json_object *vips = snmp_vrrp_jarray(inst, "vips");

	for (size_t j = 0; j < json_object_array_length(vips); j++) {
		struct vigil_addr a;
		struct snmp_oid o;

		if (!snmp_vrrp_addr_of(json_object_get_string(json_object_array_get_idx(vips, j)), &a)
		    || a.family != AF_INET)
			continue;
		row_oid(&o, asso_entry_oid, OID_LENGTH(asso_entry_oid), 2,
			snmp_vrrp_jstr(inst, "interface"), (unsigned)snmp_vrrp_jint(inst, "vrid", 0));
		/* IpAddress index parts are the 4 bytes, without a length. */
		snmp_oid_push_bytes(&o, (const uint8_t *)&a.u.v4, 4, true);
		snmp_snap_int(s, &o, ROW_ACTIVE);
	}
}

static void build_operations(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	json_object *insts = snmp_vrrp_jarray(status, "instances");
	struct snmp_oid o;

	snmp_oid_set(&o, operations_oid, OID_LENGTH(operations_oid));
	snmp_oid_push(&o, 1), snmp_oid_push(&o, 0);
	snmp_snap_int(s, &o, 2);        /* vrrpNodeVersion: the RFC 2338 protocol */
	snmp_oid_set(&o, operations_oid, OID_LENGTH(operations_oid));
	snmp_oid_push(&o, 2), snmp_oid_push(&o, 0);
	snmp_snap_int(s, &o, sv->traps ? CNTL_ENABLED : CNTL_DISABLED);
	for (size_t i = 0; i < json_object_array_length(insts); i++) {
		json_object *inst = json_object_array_get_idx(insts, i);

		if (listed(inst)) {
			oper_row(s, inst);
			asso_rows(s, inst);
		}
	}
}

static uint64_t drops(json_object *inst, const char *const *keys)
{
	uint64_t n = 0;

	for (; *keys; keys++)
		n += snmp_vrrp_jdrop(inst, *keys);
	return n;
}

static const char *const auth_failures[] = { "auth_failed", "ah_bad_header", "ah_icv_mismatch",
					     "ah_replay", NULL };
static const char *const interval_errors[] = { "interval_mismatch", "interval_zero", NULL };
static const char *const ttl_errors[] = { "bad_ttl", "ttl_out_of_range", NULL };
static const char *const length_errors[] = { "bad_length", "too_short", NULL };

static void stats_row(struct snmp_snap *s, json_object *inst)
{
	const char *ifname = snmp_vrrp_jstr(inst, "interface");
	unsigned vrid = (unsigned)snmp_vrrp_jint(inst, "vrid", 0);
	struct snmp_oid o;

#define STAT(col, v) (row_oid(&o, stats_entry_oid, OID_LENGTH(stats_entry_oid), (col), ifname, vrid), \
		      snmp_snap_uint(s, &o, ASN_COUNTER, (unsigned long)(v)))
	STAT(1, snmp_vrrp_jstat(inst, "became_master"));
	STAT(2, snmp_vrrp_jstat(inst, "adverts_received"));
	STAT(3, drops(inst, interval_errors));
	STAT(4, drops(inst, auth_failures));
	STAT(5, drops(inst, ttl_errors));
	STAT(6, snmp_vrrp_jstat(inst, "priority_zero_received"));
	STAT(7, snmp_vrrp_jstat(inst, "priority_zero_sent"));
	STAT(8, snmp_vrrp_jdrop(inst, "bad_type"));
	STAT(9, snmp_vrrp_jstat(inst, "address_list_mismatch"));
	STAT(10, 0);    /* an unknown auth type fails as a mismatch (column 11) */
	STAT(11, snmp_vrrp_jdrop(inst, "auth_type_mismatch"));
	STAT(12, drops(inst, length_errors));
#undef STAT
}

static void build_statistics(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	json_object *insts = snmp_vrrp_jarray(status, "instances");
	uint64_t checksum = 0, version = 0;
	struct snmp_oid o;

	(void)sv;
	for (size_t i = 0; i < json_object_array_length(insts); i++) {
		json_object *inst = json_object_array_get_idx(insts, i);

		checksum += snmp_vrrp_jdrop(inst, "bad_checksum");
		version += snmp_vrrp_jdrop(inst, "bad_version");
		if (listed(inst))
			stats_row(s, inst);
	}
#define GLOBAL(n, v) (snmp_oid_set(&o, statistics_oid, OID_LENGTH(statistics_oid)), \
		      snmp_oid_push(&o, (n)), snmp_oid_push(&o, 0), \
		      snmp_snap_uint(s, &o, ASN_COUNTER, (unsigned long)(v)))
	GLOBAL(1, checksum);
	GLOBAL(2, version);
	GLOBAL(3, 0);   /* adverts for a VRID no instance runs are not counted */
#undef GLOBAL
}

static const struct snmp_vrrp_subtree subtrees[] = {
	{ "vrrpOperations", operations_oid, OID_LENGTH(operations_oid), build_operations },
	{ "vrrpStatistics", statistics_oid, OID_LENGTH(statistics_oid), build_statistics },
};
const struct snmp_vrrp_mib_desc snmp_vrrp_rfc2787_desc = { subtrees, sizeof(subtrees) / sizeof(subtrees[0]) };

/* ---- notifications ---- */

void snmp_vrrp_rfc2787_new_master(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t)
{
	netsnmp_variable_list *vars = NULL;
	struct snmp_oid o;
	uint8_t b[4] = { 0 };

	(void)sv;
	if (t->family != AF_INET)
		return;
	if (t->master && t->master->family == AF_INET)
		memcpy(b, &t->master->u.v4, 4);
	row_oid(&o, oper_entry_oid, OID_LENGTH(oper_entry_oid), 7, t->interface, t->vrid);
	snmp_varlist_add_variable(&vars, o.id, o.len, ASN_IPADDRESS, b, 4);
	snmp_subagent_notify(new_master_oid, OID_LENGTH(new_master_oid), vars);
}

/* vrrpTrapAuthErrorType: invalidAuthType(1), authTypeMismatch(2), authFailure(3). */
void snmp_vrrp_rfc2787_auth_failure(struct snmp_vrrp *sv, const struct snmp_vrrp_drop *d)
{
	netsnmp_variable_list *vars = NULL;
	long type = d->verdict == VRRP_RX_AUTH_TYPE_MISMATCH ? 2 : 3;
	uint8_t b[4] = { 0 };

	(void)sv;
	if (d->family != AF_INET)
		return;
	if (d->src && d->src->family == AF_INET)
		memcpy(b, &d->src->u.v4, 4);
	snmp_varlist_add_variable(&vars, trap_packet_src_oid, OID_LENGTH(trap_packet_src_oid),
				  ASN_IPADDRESS, b, 4);
	snmp_varlist_add_variable(&vars, trap_auth_error_type_oid,
				  OID_LENGTH(trap_auth_error_type_oid), ASN_INTEGER, &type, sizeof(type));
	snmp_subagent_notify(auth_failure_oid, OID_LENGTH(auth_failure_oid), vars);
}
