/* What the VRRP state machine does with a received advert (RFC 5798
 * §6.4.2 Backup, §6.4.3 Master; RFC 3768 §6.4.2/§6.4.3 for v2), and the
 * preempt_delay bookkeeping that decides whether a backup may preempt. */
#include "config.h"
#include "vrrp_fsm_private.h"

#include <string.h>
#include <sys/socket.h>

/* Addresses compared as unsigned numbers in network byte order, which is
 * what memcmp over the big-endian bytes gives.  >0: `a` is higher. */
static int addr_compare(const struct vigil_addr *a, const struct vigil_addr *b)
{
	if (a->family == AF_INET)
		return memcmp(&a->u.v4, &b->u.v4, sizeof(a->u.v4));
	return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6));
}

static bool advert_is_ours(const struct vrrp_fsm *fsm, const struct vrrp_advert_info *ad)
{
	const struct vigil_addr *mine = &fsm->conf.primary_address;

	return ad->priority == fsm->effective_priority && ad->source.family == mine->family &&
	       addr_compare(&ad->source, mine) == 0;
}

/* v3 backups follow the master's interval; v2 has one configured interval
 * (a mismatch is dropped by the receive path), and an interval of 0 is
 * invalid, so it is never adopted. */
static void adopt_interval(struct vrrp_fsm *fsm, const struct vrrp_advert_info *ad)
{
	if (fsm->conf.version == 3 && ad->interval_us > 0)
		fsm->master_adver_interval_us = ad->interval_us;
}

void vrrp_fsm_preempt_delay_begin(struct vrrp_fsm *fsm)
{
	fsm->preempt_delay = VRRP_PREEMPT_DELAY_RUNNING;
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_PREEMPT_DELAY, fsm->conf.preempt_delay_us);
}

void vrrp_fsm_preempt_delay_cancel(struct vrrp_fsm *fsm)
{
	fsm->preempt_delay = VRRP_PREEMPT_DELAY_IDLE;
	vrrp_fsm_timer_stop(fsm, VRRP_TIMER_PREEMPT_DELAY);
}

/* keepalived's preempt_delay: a lower priority master is tolerated for
 * preempt_delay after start-up, or after first hearing it; a higher or
 * equal priority master ends the wait (see backup_accepts). */
static bool preempt_delay_holds(struct vrrp_fsm *fsm)
{
	if (fsm->conf.preempt_delay_us == 0)
		return false;
	switch (fsm->preempt_delay) {
	case VRRP_PREEMPT_DELAY_IDLE:
		vrrp_fsm_preempt_delay_begin(fsm);
		return true;
	case VRRP_PREEMPT_DELAY_RUNNING:
		return true;
	case VRRP_PREEMPT_DELAY_ELAPSED:
		break;
	}
	return false;
}

/* RFC: "If Preempt_Mode is False, or if the Priority in the ADVERTISEMENT
 * is greater than or equal to the local Priority" the master is accepted;
 * otherwise the advert is discarded, unless preempt_delay still holds. */
static bool backup_accepts(struct vrrp_fsm *fsm, const struct vrrp_advert_info *ad)
{
	/* In maintenance any master is better than none from us. */
	if (!fsm->conf.preempt || fsm->maintenance)
		return true;
	if (ad->priority >= fsm->effective_priority) {
		vrrp_fsm_preempt_delay_cancel(fsm);
		return true;
	}
	return preempt_delay_holds(fsm);
}

/* The master resigned: take over after Skew_Time only, so the backup with
 * the highest priority gets there first. */
static void backup_master_resigned(struct vrrp_fsm *fsm)
{
	fsm->has_master_address = false;
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_MASTER_DOWN, fsm->skew_time_us);
	fsm->takeover_reason = VRRP_REASON_PRIORITY_ZERO;
}

void vrrp_fsm_backup_advert(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	const struct vrrp_advert_info *ad = &ev->advert;

	if (ad->priority == 0) {
		backup_master_resigned(fsm);
		return;
	}
	fsm->master_address = ad->source;
	fsm->has_master_address = true;
	if (!backup_accepts(fsm, ad)) {
		/* Discarded: the master down timer keeps running and its
		 * expiry makes us master. */
		fsm->takeover_reason = VRRP_REASON_PREEMPTED;
		return;
	}
	adopt_interval(fsm, ad);
	vrrp_fsm_recompute_timers(fsm);
	vrrp_fsm_restart_master_down(fsm);
}

/* The preempt delay ran out: the next lower priority advert is discarded,
 * and the master down timer, last reset by the master we tolerated, runs
 * out.  Taking over right now would preempt sooner than the RFC allows. */
void vrrp_fsm_backup_preempt_delay_expired(struct vrrp_fsm *fsm,
					   const struct vrrp_fsm_event *ev)
{
	fsm->preempt_delay = VRRP_PREEMPT_DELAY_ELAPSED;
}

/* RFC 5798 §6.4.3: a higher priority, or an equal priority from a higher
 * primary address, wins.  Addresses of another family cannot be compared
 * and do not win. */
static enum vrrp_transition_reason master_yield_reason(const struct vrrp_fsm *fsm,
						       const struct vrrp_advert_info *ad)
{
	const struct vigil_addr *mine = &fsm->conf.primary_address;

	if (ad->priority > fsm->effective_priority)
		return VRRP_REASON_HIGHER_PRIORITY;
	if (ad->priority < fsm->effective_priority || ad->source.family != mine->family)
		return VRRP_REASON_NONE;
	return addr_compare(&ad->source, mine) > 0 ? VRRP_REASON_HIGHER_ADDRESS
						   : VRRP_REASON_NONE;
}

/* Send an advert now and restart the advert timer from it. */
static void master_reassert(struct vrrp_fsm *fsm)
{
	vrrp_fsm_send_advert(fsm);
	vrrp_fsm_timer_start(fsm, VRRP_TIMER_ADVERT, fsm->conf.advert_interval_us);
}

static void master_yield(struct vrrp_fsm *fsm, const struct vrrp_advert_info *ad,
			 enum vrrp_transition_reason reason)
{
	if (fsm->conf.higher_prio_send_advert)
		vrrp_fsm_send_advert(fsm);
	vrrp_fsm_release_master(fsm, false);
	adopt_interval(fsm, ad);
	vrrp_fsm_recompute_timers(fsm);
	vrrp_fsm_restart_master_down(fsm);
	fsm->master_address = ad->source;
	fsm->has_master_address = true;
	vrrp_fsm_change_state(fsm, VRRP_STATE_BACKUP, reason);
}

/* Priority 0: the RFC's "send an ADVERTISEMENT, reset the Adver_Timer" so
 * backups see at once that a master remains.  A lower priority master: we
 * re-assert (keepalived's default) so it hears us and steps down, unless
 * lower_prio_no_advert asks for the RFC's silent discard. */
void vrrp_fsm_master_advert(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	const struct vrrp_advert_info *ad = &ev->advert;
	enum vrrp_transition_reason reason;

	if (ad->priority == 0) {
		master_reassert(fsm);
		return;
	}
	reason = master_yield_reason(fsm, ad);
	if (reason != VRRP_REASON_NONE) {
		master_yield(fsm, ad, reason);
		return;
	}
	if (!advert_is_ours(fsm, ad) && !fsm->conf.lower_prio_no_advert)
		master_reassert(fsm);
}
