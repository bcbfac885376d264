/* The VRRP worker's side of SNMP (snmp/snmp_vrrp.h does the MIBs): the
 * subagent's life with the worker's, and the events the notifications
 * are made of.  Built without SNMP (configure --disable-snmp), every
 * function does nothing.
 *
 * One subagent per process (net-snmp's state is global), so the current
 * one is kept here; instances report to it without holding a pointer. */
#ifndef VIGIL_VRRP_SNMP_VIEW_H
#define VIGIL_VRRP_SNMP_VIEW_H

#include "vigil_config.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_packet.h"

#include <json-c/json.h>
#include <uv.h>

struct vrrp_instance;

/* The worker's status function (its worker_ops.status, called with a
 * NULL configuration): what the MIB tables are built from. */
typedef json_object *vrrp_snmp_view_status_fn(void *state, const struct vigil_config *cfg);

/* Starts the subagent when global_defs asks for any VRRP MIB; a reload
 * follows the new settings (starting it when first asked for). */
void vrrp_snmp_view_start(uv_loop_t *loop, const struct vigil_config *cfg,
			  vrrp_snmp_view_status_fn *status, void *data);
void vrrp_snmp_view_reload(uv_loop_t *loop, const struct vigil_config *cfg,
			   vrrp_snmp_view_status_fn *status, void *data);
void vrrp_snmp_view_stop(void);

/* From the instance's transition hook (vrrp_instance_notify.c). */
void vrrp_snmp_view_transition(const struct vrrp_instance *inst, const struct vrrp_transition *t);
/* From a sync group's state change (vrrp_sync.c). */
void vrrp_snmp_view_group(const char *group, enum vrrp_state state);
/* From the instance's drop path (vrrp_instance_rx.c). */
void vrrp_snmp_view_drop(const struct vrrp_instance *inst, const struct vigil_addr *src,
			 enum vrrp_rx_verdict verdict);

#endif
