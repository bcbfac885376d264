/* The actions of the VRRP state machine and the transitions several
 * handlers share.  Everything the outside world sees goes through ops. */
#include "config.h"
#include "vrrp_fsm_private.h"

void vrrp_fsm_timer_start(struct vrrp_fsm *fsm, enum vrrp_timer timer, uint64_t duration_us)
{
	fsm->timer_armed[timer] = true;
	fsm->timer_deadline_us[timer] = fsm->ops->now_us(fsm) + duration_us;
	fsm->ops->timer_start(fsm, timer, duration_us);
}

void vrrp_fsm_timer_stop(struct vrrp_fsm *fsm, enum vrrp_timer timer)
{
	if (!fsm->timer_armed[timer])
		return;
	fsm->timer_armed[timer] = false;
	fsm->timer_deadline_us[timer] = 0;
	fsm->ops->timer_stop(fsm, timer);
}

void vrrp_fsm_send_advert(struct vrrp_fsm *fsm)
{
	fsm->stats.adverts_sent++;
	fsm->ops->send_advert(fsm, fsm->effective_priority);
}

void vrrp_fsm_send_priority_zero(struct vrrp_fsm *fsm)
{
	fsm->stats.adverts_sent++;
	fsm->stats.priority_zero_sent++;
	fsm->ops->send_advert_priority_zero(fsm);
}

void vrrp_fsm_recompute_timers(struct vrrp_fsm *fsm)
{
	unsigned version = fsm->conf.version;
	/* v2 has no Master_Adver_Interval: the configured interval is used,
	 * and master_adver_interval_us never moves from it. */
	uint64_t interval = fsm->master_adver_interval_us;

	fsm->skew_time_us = vrrp_skew_time_us(version, fsm->effective_priority, interval);
	fsm->master_down_interval_us =
		vrrp_master_down_interval_us(version, fsm->effective_priority, interval);
}

void vrrp_fsm_restart_master_down(struct vrrp_fsm *fsm)
{
	fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_MASTER_DOWN, fsm->master_down_interval_us);
}

/* RFC 5798 §6.4.1/§6.4.2 "transition to Master": the VIPs go in first so
 * the node already answers for them when the advert and the gratuitous
 * announcements draw traffic to it. */
void vrrp_fsm_become_master(struct vrrp_fsm *fsm, enum vrrp_transition_reason reason)
{
	vrrp_fsm_leave_backup(fsm);
	fsm->ops->add_vips(fsm);
	vrrp_fsm_send_advert(fsm);
	fsm->ops->send_gratuitous(fsm);
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_ADVERT, fsm->conf.advert_interval_us);
	fsm->master_address = fsm->conf.primary_address;
	fsm->has_master_address = true;
	fsm->stats.became_master++;
	vrrp_fsm_change_state(fsm, VRRP_STATE_MASTER, reason);
}

/* Entering BACKUP without a master known (start-up, fault recovery):
 * Master_Adver_Interval starts as our own interval (RFC 5798 §6.4.1).  With
 * preempt_delay, the first timeout is also delayed by it, as keepalived
 * documents ("3.5 s normally, about 5.5 s with preempt_delay 2"), so a node
 * whose network is still settling does not grab the VIPs early. */
void vrrp_fsm_start_as_backup(struct vrrp_fsm *fsm, enum vrrp_transition_reason reason)
{
	bool delay = fsm->conf.preempt && fsm->conf.preempt_delay_us > 0;

	fsm->master_adver_interval_us = fsm->conf.advert_interval_us;
	fsm->has_master_address = false;
	vrrp_fsm_recompute_timers(fsm);
	fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_MASTER_DOWN,
			     fsm->master_down_interval_us +
			     (delay ? fsm->conf.preempt_delay_us : 0));
	if (delay)
		vrrp_fsm_preempt_delay_begin(fsm);
	vrrp_fsm_change_state(fsm, VRRP_STATE_BACKUP, reason);
}

void vrrp_fsm_leave_backup(struct vrrp_fsm *fsm)
{
	vrrp_fsm_timer_stop(fsm, VRRP_TIMER_MASTER_DOWN);
	vrrp_fsm_preempt_delay_cancel(fsm);
	fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
}

/* RFC 5798 §6.4.3 shutdown: cancel the Adver_Timer, then send priority 0. */
void vrrp_fsm_release_master(struct vrrp_fsm *fsm, bool send_priority_zero)
{
	vrrp_fsm_timer_stop(fsm, VRRP_TIMER_ADVERT);
	if (send_priority_zero)
		vrrp_fsm_send_priority_zero(fsm);
	fsm->ops->remove_vips(fsm);
	fsm->has_master_address = false;
	fsm->stats.released_master++;
}
