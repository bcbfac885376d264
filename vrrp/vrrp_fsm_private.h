/* Shared between the files of the VRRP state machine (vrrp_fsm*.c); not
 * for the runtime, which goes through vrrp_fsm.h only. */
#ifndef VIGIL_VRRP_FSM_PRIVATE_H
#define VIGIL_VRRP_FSM_PRIVATE_H

#include "vrrp_fsm.h"

typedef void vrrp_fsm_handler(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev);

/* The only writer of fsm->state (vrrp_fsm.c). */
void vrrp_fsm_change_state(struct vrrp_fsm *fsm, enum vrrp_state to,
			   enum vrrp_transition_reason reason);

/* Actions (vrrp_fsm_actions.c).  Timer helpers keep timer_armed and
 * timer_deadline_us in step with what the runtime was asked to do; stopping
 * a timer that is not armed asks nothing. */
void vrrp_fsm_timer_start(struct vrrp_fsm *fsm, enum vrrp_timer timer, uint64_t duration_us);
void vrrp_fsm_timer_stop(struct vrrp_fsm *fsm, enum vrrp_timer timer);
void vrrp_fsm_send_advert(struct vrrp_fsm *fsm);
void vrrp_fsm_send_priority_zero(struct vrrp_fsm *fsm);
/* Skew_Time and Master_Down_Interval from the current effective priority
 * and Master_Adver_Interval. */
void vrrp_fsm_recompute_timers(struct vrrp_fsm *fsm);
/* Arms the master down timer for Master_Down_Interval; what its expiry
 * will be reported as goes back to a plain timeout. */
void vrrp_fsm_restart_master_down(struct vrrp_fsm *fsm);
/* The common transitions: the actions, then the state write. */
void vrrp_fsm_become_master(struct vrrp_fsm *fsm, enum vrrp_transition_reason reason);
void vrrp_fsm_start_as_backup(struct vrrp_fsm *fsm, enum vrrp_transition_reason reason);
void vrrp_fsm_leave_backup(struct vrrp_fsm *fsm);
/* Leaving MASTER: stop advertising, optionally say so with a priority 0
 * advert (shutdown, fault), then remove the VIPs. */
void vrrp_fsm_release_master(struct vrrp_fsm *fsm, bool send_priority_zero);

/* preempt_delay bookkeeping (vrrp_fsm_advert.c). */
void vrrp_fsm_preempt_delay_begin(struct vrrp_fsm *fsm);
void vrrp_fsm_preempt_delay_cancel(struct vrrp_fsm *fsm);

/* Table handlers for adverts (vrrp_fsm_advert.c). */
vrrp_fsm_handler vrrp_fsm_backup_advert;
vrrp_fsm_handler vrrp_fsm_master_advert;
vrrp_fsm_handler vrrp_fsm_backup_preempt_delay_expired;

#endif
