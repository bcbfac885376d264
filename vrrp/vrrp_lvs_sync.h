/* global_defs' lvs_sync_daemon when it names a vrrp_instance: the kernel's
 * IPVS connection-sync daemon follows that instance's state.  While the
 * instance is MASTER only the master sync daemon runs; in any other state
 * (INIT, BACKUP, FAULT) only the backup one does.  Only the VRRP process
 * knows the state, so it owns the daemons in that case; the checker runs
 * them itself only when no instance is named (checker/check_ipvs.c).
 *
 * Ownership follows the form of the line, never both processes at once:
 * `lvs_sync_daemon IF INSTANCE ...` belongs to the VRRP process, the form
 * without an instance to the checker.  Both workers reload in parallel, so
 * when a reload switches the form the process giving the daemons up
 * forgets them without touching the kernel, and the one taking them over
 * first stops whatever daemons the kernel runs (vrrp_lvs_sync_take_over),
 * then starts its own: the outcome does not depend on which worker
 * reloads first.  A line removed altogether is stopped by its owner.
 *
 * One set of kernel daemons per network namespace, so the module keeps its
 * state per process, like vrrp_snmp_view: instances report transitions to
 * it without holding a pointer.  Without IPVS it says so once and does
 * nothing. */
#ifndef VIGIL_VRRP_LVS_SYNC_H
#define VIGIL_VRRP_LVS_SYNC_H

#include "xalloc.h"
#include "vrrp/vrrp_fsm.h"

#include "lvs/lvs.h"

struct global_config;
struct global_lvs_sync_daemon;
struct vrrp_instance;

/* The kernel daemon lvs_sync_daemon `c` describes in `role`; the sync id
 * is `default_syncid` when the line gives none (the followed instance's
 * VRID; 0 when no instance is named).  Also used by checker/check_ipvs.c. */
void vrrp_lvs_sync_daemon_fill(const struct global_lvs_sync_daemon *c, enum lvs_sync_state role,
			       uint32_t default_syncid, struct lvs_sync_daemon *d);

/* Taking the daemons over from the other process: stops both roles in
 * the kernel (the kernel keys a sync daemon by its role only), saying
 * nothing about roles that were not running. */
void vrrp_lvs_sync_take_over(struct lvs_handle *lvs, const char *ifname);

/* At worker start and after every reload, once the instances are in
 * place: takes the settings of `g` (stopping the daemons if they changed
 * or went away) and brings the daemons in line with the current state of
 * the named instance, found in `instances` (struct vrrp_instance *). */
void vrrp_lvs_sync_apply(const struct global_config *g, const struct ptr_array *instances);

/* From the instance's transition hook (vrrp_instance_notify.c).  A
 * transition to STOP changes nothing: the worker's stop or reload decides
 * what runs next. */
void vrrp_lvs_sync_transition(const struct vrrp_instance *inst, const struct vrrp_transition *t);

/* At worker stop: stops the daemon started here and closes IPVS. */
void vrrp_lvs_sync_stop(void);

#endif
