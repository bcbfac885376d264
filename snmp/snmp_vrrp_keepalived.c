/* KEEPALIVED-MIB: the global version and routerId, and the VRRP part:
 * vrrpSyncGroupTable, vrrpSyncGroupMemberTable, vrrpInstanceTable (the
 * columns the status carries), vrrpAddressTable (the VIPs),
 * vrrpTrackedInterfaceTable and vrrpTrackedScriptTable, with the
 * vrrpInstanceStateChange and vrrpSyncGroupStateChange notifications;
 * vrrpInstanceBasePriority is writable (the operator's base priority,
 * until a reload restores the configured one).
 * Instances and groups are numbered from 1 in configuration order, as
 * `vigilctl status` lists them; a reload that inserts one renumbers the
 * ones after it. */
#include "config.h"
#include "snmp/snmp_subagent.h"
#include "snmp/snmp_vrrp_private.h"
#include "snmp/snmp_set.h"

#include <string.h>

/* keepalived ::= { enterprises 9586 100 5 } */
#define KA 1, 3, 6, 1, 4, 1, 9586, 100, 5
static const oid version_oid[] = { KA, 1, 1 };
static const oid router_id_oid[] = { KA, 1, 2 };
static const oid vrrp_oid[] = { KA, 2 };
static const oid group_entry_oid[] = { KA, 2, 1, 1 };
static const oid member_entry_oid[] = { KA, 2, 2, 1 };
static const oid instance_entry_oid[] = { KA, 2, 3, 1 };
static const oid tracked_if_entry_oid[] = { KA, 2, 4, 1 };
static const oid tracked_script_entry_oid[] = { KA, 2, 5, 1 };
static const oid address_entry_oid[] = { KA, 2, 6, 1 };
static const oid group_trap_oid[] = { KA, 2, 10, 0, 1 };
static const oid instance_trap_oid[] = { KA, 2, 10, 0, 2 };

/* VrrpState: init(0), backup(1), master(2), fault(3), unknown(4),
 * shutdown(5), deleted(6). */
static long ka_state(enum vrrp_state s)
{
	static const long values[VRRP_STATE_COUNT] = {
		[VRRP_STATE_INIT] = 0, [VRRP_STATE_BACKUP] = 1, [VRRP_STATE_MASTER] = 2,
		[VRRP_STATE_FAULT] = 3, [VRRP_STATE_STOP] = 5,
	};

	return s < VRRP_STATE_COUNT ? values[s] : 4;
}

static void scalar(struct snmp_oid *o, const oid *base, size_t len)
{
	snmp_oid_set(o, base, len);
	snmp_oid_push(o, 0);
}

static void build_version(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	struct snmp_oid o;

	(void)sv;
	(void)status;
	scalar(&o, version_oid, OID_LENGTH(version_oid));
	snmp_snap_string(s, &o, PACKAGE_NAME " " PACKAGE_VERSION);
}

static void build_router_id(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	struct snmp_oid o;

	(void)status;
	scalar(&o, router_id_oid, OID_LENGTH(router_id_oid));
	snmp_snap_string(s, &o, sv->router_id);
}

/* entry.column.index[.index2] */
static void cell(struct snmp_oid *o, const oid *entry, size_t len, unsigned col, size_t i1, size_t i2)
{
	snmp_oid_set(o, entry, len);
	snmp_oid_push(o, col);
	snmp_oid_push(o, i1);
	if (i2)
		snmp_oid_push(o, i2);
}

/* The 1-based position of instance `name`, 0 when none. */
static size_t instance_index(json_object *insts, const char *name)
{
	for (size_t i = 0; name && i < json_object_array_length(insts); i++) {
		const char *n = snmp_vrrp_jstr(json_object_array_get_idx(insts, i), "name");

		if (n && strcmp(n, name) == 0)
			return i + 1;
	}
	return 0;
}

static void group_rows(struct snmp_snap *s, json_object *status)
{
	json_object *groups = snmp_vrrp_jarray(status, "sync_groups");
	json_object *insts = snmp_vrrp_jarray(status, "instances");
	struct snmp_oid o;

	for (size_t g = 0; g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g);
		json_object *members = snmp_vrrp_jarray(grp, "members");

		cell(&o, group_entry_oid, OID_LENGTH(group_entry_oid), 2, g + 1, 0);
		snmp_snap_string(s, &o, snmp_vrrp_jstr(grp, "name"));
		cell(&o, group_entry_oid, OID_LENGTH(group_entry_oid), 3, g + 1, 0);
		snmp_snap_int(s, &o, ka_state(snmp_vrrp_state_of(snmp_vrrp_jstr(grp, "state"))));
		for (size_t m = 0; m < json_object_array_length(members); m++) {
			const char *name = json_object_get_string(json_object_array_get_idx(members, m));
			size_t idx = instance_index(insts, name);

			if (!idx)
				continue;
			cell(&o, member_entry_oid, OID_LENGTH(member_entry_oid), 2, g + 1, idx);
			snmp_snap_string(s, &o, name);
		}
	}
}

static void instance_row(struct snmp_snap *s, json_object *inst, size_t idx)
{
	int version = (int)snmp_vrrp_jint(inst, "version", 2);
	uint64_t adv_us = (uint64_t)snmp_vrrp_jint(inst, "advert_interval_us", 0);
	const char *group = snmp_vrrp_jstr(inst, "sync_group");
	struct snmp_oid o;

#define COL(c) cell(&o, instance_entry_oid, OID_LENGTH(instance_entry_oid), (c), idx, 0)
	COL(2), snmp_snap_string(s, &o, snmp_vrrp_jstr(inst, "name"));
	COL(3), snmp_snap_uint(s, &o, ASN_UNSIGNED, (unsigned long)snmp_vrrp_jint(inst, "vrid", 0));
	COL(4), snmp_snap_int(s, &o, ka_state(snmp_vrrp_state_of(snmp_vrrp_jstr(inst, "state"))));
	COL(7), snmp_snap_int(s, &o, (long)snmp_vrrp_jint(inst, "priority", 0));
	COL(8), snmp_snap_int(s, &o, (long)snmp_vrrp_jint(inst, "effective_priority", 0));
	COL(10), snmp_snap_string(s, &o, snmp_vrrp_jstr(inst, "interface"));
	/* Seconds for VRRPv2, centiseconds for VRRPv3 (the MIB's units). */
	COL(12), snmp_snap_uint(s, &o, ASN_UNSIGNED,
				(unsigned long)(version == 3 ? adv_us / 10000u : adv_us / 1000000u));
	if (group) {
		COL(18);
		snmp_snap_string(s, &o, group);
	}
	COL(30), snmp_snap_int(s, &o, version == 3 ? 3 : 2);
#undef COL
}

static void address_rows(struct snmp_snap *s, json_object *inst, size_t idx)
{
	json_object *vips = snmp_vrrp_jarray(inst, "vips");
	bool master = snmp_vrrp_state_of(snmp_vrrp_jstr(inst, "state")) == VRRP_STATE_MASTER;
	struct snmp_oid o;

	for (size_t j = 0; j < json_object_array_length(vips); j++) {
		struct vigil_addr a;
		uint8_t b[16];

		if (!snmp_vrrp_addr_of(json_object_get_string(json_object_array_get_idx(vips, j)), &a))
			continue;
#define ACOL(c) cell(&o, address_entry_oid, OID_LENGTH(address_entry_oid), (c), idx, j + 1)
		ACOL(2), snmp_snap_int(s, &o, snmp_vrrp_inet_type(a.family));
		ACOL(3), snmp_snap_bytes(s, &o, ASN_OCTET_STR, b, snmp_vrrp_addr_bytes(&a, b));
		ACOL(5), snmp_snap_uint(s, &o, ASN_UNSIGNED, a.prefix_len);
		ACOL(8), snmp_snap_string(s, &o, snmp_vrrp_jstr(inst, "interface"));
		ACOL(10), snmp_snap_int(s, &o, master ? 1 : 2);         /* set(1), unset(2) */
		ACOL(11), snmp_snap_int(s, &o, 1);                      /* advertised(1) */
#undef ACOL
	}
}

/* vrrpTrackedInterfaceTable (instance.ifIndex: name, weight) and
 * vrrpTrackedScriptTable (instance.n: name, weight), from the instance's
 * tracking list; weights are the effective ones. */
static void tracked_rows(struct snmp_snap *s, json_object *inst, size_t idx)
{
	json_object *items = snmp_vrrp_jarray(inst, "tracking");
	size_t scripts = 0;
	struct snmp_oid o;

	for (size_t j = 0; j < json_object_array_length(items); j++) {
		json_object *it = json_object_array_get_idx(items, j);
		const char *kind = snmp_vrrp_jstr(it, "kind"), *name = snmp_vrrp_jstr(it, "name");
		long weight = (long)snmp_vrrp_jint(it, "weight", 0);
		unsigned ifindex;

		if (!kind || !name)
			continue;
		if (strcmp(kind, "track_interface") == 0 && (ifindex = snmp_vrrp_ifindex(name))) {
			cell(&o, tracked_if_entry_oid, OID_LENGTH(tracked_if_entry_oid), 1, idx, ifindex);
			snmp_snap_string(s, &o, name);
			cell(&o, tracked_if_entry_oid, OID_LENGTH(tracked_if_entry_oid), 2, idx, ifindex);
			snmp_snap_int(s, &o, weight);
		} else if (strcmp(kind, "track_script") == 0) {
			scripts++;
			cell(&o, tracked_script_entry_oid, OID_LENGTH(tracked_script_entry_oid), 2, idx,
			     scripts);
			snmp_snap_string(s, &o, name);
			cell(&o, tracked_script_entry_oid, OID_LENGTH(tracked_script_entry_oid), 3, idx,
			     scripts);
			snmp_snap_int(s, &o, weight);
		}
	}
}

static void build_vrrp(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status)
{
	json_object *insts = snmp_vrrp_jarray(status, "instances");

	(void)sv;
	group_rows(s, status);
	for (size_t i = 0; i < json_object_array_length(insts); i++) {
		instance_row(s, json_object_array_get_idx(insts, i), i + 1);
		address_rows(s, json_object_array_get_idx(insts, i), i + 1);
		tracked_rows(s, json_object_array_get_idx(insts, i), i + 1);
	}
}

/* ---- vrrpInstanceBasePriority (read-write) ---- */

static const oid base_priority_column[] = { KA, 2, 3, 1, 7 };

/* The index: the instance's position from 1. */
static bool instance_of(const oid *index, size_t len, size_t *i)
{
	if (len != 1 || index[0] < 1)
		return false;
	*i = (size_t)index[0] - 1;
	return true;
}

static enum snmp_write_verdict priority_check(void *data, const oid *index, size_t len,
					      long value)
{
	struct snmp_vrrp *sv = data;
	size_t i;

	if (!instance_of(index, len, &i) || !sv->writes)
		return SNMP_WRITE_NO_SUCH_ROW;
	return sv->writes->priority_check(sv->status_data, i, value);
}

static enum snmp_write_verdict priority_apply(void *data, const oid *index, size_t len,
					      long value, long *old)
{
	struct snmp_vrrp *sv = data;
	size_t i;

	if (!instance_of(index, len, &i) || !sv->writes)
		return SNMP_WRITE_FAILED;
	return sv->writes->priority_apply(sv->status_data, i, value, old);
}

/* 255 belongs to the address owner, 0 to an instance resigning: an
 * operator moves a backup-capable instance within 1..254. */
static const struct snmp_set_int priority_col = {
	.min = 1, .max = 254, .check = priority_check, .apply = priority_apply,
};

static int set_vrrp(struct snmp_vrrp *sv, int mode, netsnmp_variable_list *vb)
{
	if (!snmp_set_in_column(vb, base_priority_column, OID_LENGTH(base_priority_column)))
		return snmp_set_not_writable(mode);
	return snmp_set_int_phase(&priority_col, sv, mode, vb, base_priority_column,
				  OID_LENGTH(base_priority_column));
}

static const struct snmp_vrrp_subtree subtrees[] = {
	{ "keepalivedVersion", version_oid, OID_LENGTH(version_oid), build_version, NULL },
	{ "keepalivedRouterId", router_id_oid, OID_LENGTH(router_id_oid), build_router_id, NULL },
	{ "keepalivedVrrp", vrrp_oid, OID_LENGTH(vrrp_oid), build_vrrp, set_vrrp },
};
const struct snmp_vrrp_mib_desc snmp_vrrp_keepalived_desc = { subtrees, sizeof(subtrees) / sizeof(subtrees[0]) };

/* ---- notifications ---- */

static void add_string(netsnmp_variable_list **vars, const struct snmp_oid *o, const char *v)
{
	snmp_varlist_add_variable(vars, o->id, o->len, ASN_OCTET_STR, v, strlen(v));
}

static void add_router_id(struct snmp_vrrp *sv, netsnmp_variable_list **vars)
{
	struct snmp_oid o;

	scalar(&o, router_id_oid, OID_LENGTH(router_id_oid));
	add_string(vars, &o, sv->router_id);
}

/* vrrpInstanceStateChange: name, new state, configured initial state,
 * routerId; the instance's index is its position in the status. */
void snmp_vrrp_keepalived_state_change(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t)
{
	json_object *status = sv->status(sv->status_data);
	size_t idx = instance_index(snmp_vrrp_jarray(status, "instances"), t->instance);
	netsnmp_variable_list *vars = NULL;
	long to = ka_state(t->to), initial = ka_state(t->initial);
	struct snmp_oid o;

	json_object_put(status);
	if (!idx)
		return;
	cell(&o, instance_entry_oid, OID_LENGTH(instance_entry_oid), 2, idx, 0);
	add_string(&vars, &o, t->instance);
	cell(&o, instance_entry_oid, OID_LENGTH(instance_entry_oid), 4, idx, 0);
	snmp_varlist_add_variable(&vars, o.id, o.len, ASN_INTEGER, &to, sizeof(to));
	cell(&o, instance_entry_oid, OID_LENGTH(instance_entry_oid), 5, idx, 0);
	snmp_varlist_add_variable(&vars, o.id, o.len, ASN_INTEGER, &initial, sizeof(initial));
	add_router_id(sv, &vars);
	snmp_subagent_notify(instance_trap_oid, OID_LENGTH(instance_trap_oid), vars);
}

/* vrrpSyncGroupStateChange: name, state, routerId. */
void snmp_vrrp_keepalived_group_change(struct snmp_vrrp *sv, const char *group,
				       enum vrrp_state state)
{
	json_object *status = sv->status(sv->status_data);
	json_object *groups = snmp_vrrp_jarray(status, "sync_groups");
	netsnmp_variable_list *vars = NULL;
	long value = ka_state(state);
	size_t idx = 0;
	struct snmp_oid o;

	for (size_t g = 0; !idx && g < json_object_array_length(groups); g++) {
		const char *name = snmp_vrrp_jstr(json_object_array_get_idx(groups, g), "name");

		if (name && strcmp(name, group) == 0)
			idx = g + 1;
	}
	json_object_put(status);
	if (!idx)
		return;
	cell(&o, group_entry_oid, OID_LENGTH(group_entry_oid), 2, idx, 0);
	add_string(&vars, &o, group);
	cell(&o, group_entry_oid, OID_LENGTH(group_entry_oid), 3, idx, 0);
	snmp_varlist_add_variable(&vars, o.id, o.len, ASN_INTEGER, &value, sizeof(value));
	add_router_id(sv, &vars);
	snmp_subagent_notify(group_trap_oid, OID_LENGTH(group_trap_oid), vars);
}
