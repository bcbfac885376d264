/* Shared by the snmp_vrrp*.c files only. */
#ifndef VIGIL_SNMP_VRRP_PRIVATE_H
#define VIGIL_SNMP_VRRP_PRIVATE_H

#include "snmp/snmp_snap.h"
#include "snmp/late_snmp.h"
#include "snmp/snmp_subagent.h"
#include "snmp/snmp_vrrp.h"
#include "log.h"
#include "xalloc.h"

/* The MIBs the VRRP worker can export. */
enum snmp_vrrp_mib {
	SNMP_VRRP_MIB_KEEPALIVED,           /* enable_snmp_vrrp */
	SNMP_VRRP_MIB_RFC2787,              /* enable_snmp_rfcv2 */
	SNMP_VRRP_MIB_RFC6527,              /* enable_snmp_rfcv3 */
	SNMP_VRRP_MIB_COUNT
};
extern const char *const snmp_vrrp_mib_names[SNMP_VRRP_MIB_COUNT];

/* One registered subtree of a MIB. */
struct snmp_vrrp_subtree {
	const char *name;
	const oid *root;
	size_t root_len;
	void (*build)(struct snmp_snap *s, struct snmp_vrrp *sv, json_object *status);
	/* Writable objects' SET phases (snmp_snap_set_fn); NULL: read-only. */
	int (*set)(struct snmp_vrrp *sv, int mode, netsnmp_variable_list *vb);
};

struct snmp_vrrp_mib_desc {
	const struct snmp_vrrp_subtree *subtrees;
	size_t count;
};
extern const struct snmp_vrrp_mib_desc snmp_vrrp_rfc2787_desc;
extern const struct snmp_vrrp_mib_desc snmp_vrrp_rfc6527_desc;
extern const struct snmp_vrrp_mib_desc snmp_vrrp_keepalived_desc;

#define SNMP_VRRP_MAX_SUBTREES 8

struct snmp_vrrp_reg {
	struct snmp_vrrp *sv;
	const struct snmp_vrrp_subtree *subtree;
	struct snmp_snap_reg *reg;
};

/* What only events tell, per instance name: the RFC 6527 reasons. */
struct snmp_vrrp_memo {
	char *name;
	long new_master_reason;             /* vrrpv3StatisticsNewMasterReason */
	long proto_err_reason;              /* vrrpv3StatisticsProtoErrReason */
};

struct snmp_vrrp {
	struct snmp_subagent *agent;
	snmp_vrrp_status_fn *status;
	const struct snmp_vrrp_writes *writes;
	void *status_data;
	bool enabled[SNMP_VRRP_MIB_COUNT];
	bool traps;
	char *router_id;                    /* global router_id, else the host name */
	char *socket;                       /* the running subagent's snmp_socket */
	struct snmp_vrrp_reg regs[SNMP_VRRP_MIB_COUNT][SNMP_VRRP_MAX_SUBTREES];
	struct ptr_array memos;             /* struct snmp_vrrp_memo */
	uint64_t error_trap_window_ms;      /* error notifications: rate limit */
	unsigned error_traps_in_window;
};

/* The memo of an instance, created when `create`; NULL otherwise. */
struct snmp_vrrp_memo *snmp_vrrp_memo(struct snmp_vrrp *sv, const char *name, bool create);
/* RFC 6527's reasons for a transition to MASTER and for a drop (0: none). */
long snmp_vrrp_rfc6527_master_reason(enum vrrp_transition_reason r);
long snmp_vrrp_rfc6527_error_reason(enum vrrp_rx_verdict v);

/* ---- reading the status JSON (snmp_vrrp_json.c) ---- */
const char *snmp_vrrp_jstr(json_object *o, const char *key);       /* NULL: absent */
int64_t snmp_vrrp_jint(json_object *o, const char *key, int64_t dflt);
uint64_t snmp_vrrp_jstat(json_object *inst, const char *key);      /* stats.KEY */
uint64_t snmp_vrrp_jdrop(json_object *inst, const char *key);      /* stats.drops.KEY */
json_object *snmp_vrrp_jarray(json_object *o, const char *key);    /* never NULL */
/* "MASTER" ... -> enum vrrp_state; VRRP_STATE_COUNT when unknown. */
enum vrrp_state snmp_vrrp_state_of(const char *name);
/* "10.0.0.1" or "10.0.0.1/24" -> address; false when not one. */
bool snmp_vrrp_addr_of(const char *text, struct vigil_addr *out);
/* The family an instance runs (of its VIPs, else its addresses). */
int snmp_vrrp_family_of(json_object *inst);
/* The interface's index, 0 when it is gone. */
unsigned snmp_vrrp_ifindex(const char *ifname);
/* The address's bytes (4 or 16); returns the length. */
size_t snmp_vrrp_addr_bytes(const struct vigil_addr *a, uint8_t out[16]);
/* RFC 4001 InetAddressType: ipv4(1), ipv6(2). */
long snmp_vrrp_inet_type(int family);

/* ---- notifications (snmp_vrrp_traps.c) ---- */
void snmp_vrrp_rfc2787_new_master(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t);
void snmp_vrrp_rfc2787_auth_failure(struct snmp_vrrp *sv, const struct snmp_vrrp_drop *d);
void snmp_vrrp_rfc6527_new_master(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t);
void snmp_vrrp_rfc6527_proto_error(struct snmp_vrrp *sv, const struct snmp_vrrp_drop *d);
void snmp_vrrp_keepalived_state_change(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t);
void snmp_vrrp_keepalived_group_change(struct snmp_vrrp *sv, const char *group,
				       enum vrrp_state state);

#endif
