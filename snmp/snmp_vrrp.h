/* The VRRP worker's MIBs: VRRP-MIB (RFC 2787), VRRPv3-MIB (RFC 6527) and
 * KEEPALIVED-MIB's global and VRRP parts, with their notifications.
 *
 * The worker hands over a status function (its `vigilctl status` JSON,
 * vrrp_worker.c); the tables are built from it on demand (snmp_snap.h),
 * so SNMP reads exactly what vigilctl shows and needs no hooks into the
 * runtime's objects.  Transitions and dropped packets arrive as events
 * (vrrp/vrrp_snmp_view.c) and become notifications. */
#ifndef VIGIL_SNMP_VRRP_H
#define VIGIL_SNMP_VRRP_H

#include "daemon/global_conf.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_packet.h"
#include "snmp/snmp_write.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <uv.h>

/* The worker's status JSON ({"instances":[...],"sync_groups":[...]}), new. */
typedef json_object *snmp_vrrp_status_fn(void *data);

/* KEEPALIVED-MIB's vrrpInstanceBasePriority, instance `i` (from 0, as
 * the status lists them): whether it exists and may take the priority
 * (1..254, checked before), and setting it (*old: the priority replaced). */
struct snmp_vrrp_writes {
	enum snmp_write_verdict (*priority_check)(void *data, size_t i, long priority);
	enum snmp_write_verdict (*priority_apply)(void *data, size_t i, long priority, long *old);
};

/* Whether global_defs asks the VRRP worker for SNMP at all. */
bool snmp_vrrp_wanted(const struct global_config *g);

struct snmp_vrrp;
/* Starts the subagent and registers the MIBs global_defs enables. */
struct snmp_vrrp *snmp_vrrp_start(uv_loop_t *loop, const struct global_config *g,
				  snmp_vrrp_status_fn *status, const struct snmp_vrrp_writes *writes,
				  void *data);
/* Follows a reload: the MIBs and traps enabled now (the socket of the
 * running subagent stays; a new snmp_socket needs a restart). */
void snmp_vrrp_reload(struct snmp_vrrp *sv, const struct global_config *g);
void snmp_vrrp_stop(struct snmp_vrrp *sv);

/* A transition, as the notifications need it. */
struct snmp_vrrp_transition {
	const char *instance;
	const char *interface;
	uint8_t vrid;
	int version;                        /* 2 or 3 */
	int family;                         /* AF_INET / AF_INET6 */
	enum vrrp_state from, to;
	enum vrrp_state initial;            /* configured: BACKUP or MASTER */
	enum vrrp_transition_reason reason;
	const struct vigil_addr *master;    /* NULL: none known */
};
void snmp_vrrp_transition(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t);

/* A sync group's new state (KEEPALIVED-MIB's vrrpSyncGroupStateChange). */
void snmp_vrrp_group_transition(struct snmp_vrrp *sv, const char *group, enum vrrp_state state);

/* A packet an instance dropped, for the error notifications. */
struct snmp_vrrp_drop {
	const char *instance;
	const char *interface;
	uint8_t vrid;
	int version;
	int family;
	enum vrrp_rx_verdict verdict;
	const struct vigil_addr *src;
};
void snmp_vrrp_drop(struct snmp_vrrp *sv, const struct snmp_vrrp_drop *d);

#endif
