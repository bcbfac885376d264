/* Notifications of the VRRP worker: which MIBs' notifications an event
 * makes, and the rate limit on the peer-caused ones.
 *
 * A transition to MASTER sends vrrpTrapNewMaster (VRRP-MIB) and
 * vrrpv3NewMaster with its reason (VRRPv3-MIB); every transition sends
 * KEEPALIVED-MIB's vrrpInstanceStateChange (and a sync group's new state
 * vrrpSyncGroupStateChange); each when its MIB is enabled
 * and enable_traps is set.  Dropped packets that mean an authentication
 * failure send vrrpTrapAuthFailure, those that RFC 6527 names (TTL,
 * version, checksum) vrrpv3ProtoError, at most SNMP_VRRP_ERROR_TRAPS per
 * SNMP_VRRP_ERROR_WINDOW_MS so a flood of bad packets cannot flood the
 * managers; the counters in the tables still count every one. */
#include "config.h"
#include "snmp/snmp_vrrp_private.h"

#include <string.h>
#include <time.h>

#define SNMP_VRRP_ERROR_TRAPS 5
#define SNMP_VRRP_ERROR_WINDOW_MS 10000u

struct snmp_vrrp_memo *snmp_vrrp_memo(struct snmp_vrrp *sv, const char *name, bool create)
{
	struct snmp_vrrp_memo *m;

	for (size_t i = 0; name && i < sv->memos.count; i++) {
		m = sv->memos.items[i];
		if (strcmp(m->name, name) == 0)
			return m;
	}
	if (!create || !name)
		return NULL;
	m = XNEW(struct snmp_vrrp_memo);
	m->name = xstrdup(name);
	ptr_array_push(&sv->memos, m);
	return m;
}

void snmp_vrrp_transition(struct snmp_vrrp *sv, const struct snmp_vrrp_transition *t)
{
	if (!sv)
		return;
	if (t->to == VRRP_STATE_MASTER)
		snmp_vrrp_memo(sv, t->instance, true)->new_master_reason =
			snmp_vrrp_rfc6527_master_reason(t->reason);
	if (!sv->traps)
		return;
	if (t->to == VRRP_STATE_MASTER && sv->enabled[SNMP_VRRP_MIB_RFC2787])
		snmp_vrrp_rfc2787_new_master(sv, t);
	if (t->to == VRRP_STATE_MASTER && sv->enabled[SNMP_VRRP_MIB_RFC6527])
		snmp_vrrp_rfc6527_new_master(sv, t);
	if (sv->enabled[SNMP_VRRP_MIB_KEEPALIVED])
		snmp_vrrp_keepalived_state_change(sv, t);
}

void snmp_vrrp_group_transition(struct snmp_vrrp *sv, const char *group, enum vrrp_state state)
{
	if (sv && sv->traps && sv->enabled[SNMP_VRRP_MIB_KEEPALIVED])
		snmp_vrrp_keepalived_group_change(sv, group, state);
}

static bool is_auth_failure(enum vrrp_rx_verdict v)
{
	return v == VRRP_RX_AUTH_TYPE_MISMATCH || v == VRRP_RX_AUTH_FAILED
	       || v == VRRP_RX_AH_BAD_HEADER || v == VRRP_RX_AH_ICV_MISMATCH
	       || v == VRRP_RX_AH_REPLAY;
}

static bool error_trap_allowed(struct snmp_vrrp *sv)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	if (now - sv->error_trap_window_ms >= SNMP_VRRP_ERROR_WINDOW_MS) {
		sv->error_trap_window_ms = now;
		sv->error_traps_in_window = 0;
	}
	return sv->error_traps_in_window++ < SNMP_VRRP_ERROR_TRAPS;
}

void snmp_vrrp_drop(struct snmp_vrrp *sv, const struct snmp_vrrp_drop *d)
{
	long reason;
	bool auth;

	if (!sv)
		return;
	reason = snmp_vrrp_rfc6527_error_reason(d->verdict);
	auth = is_auth_failure(d->verdict);
	if (reason)
		snmp_vrrp_memo(sv, d->instance, true)->proto_err_reason = reason;
	if (!sv->traps || !(reason || auth) || !error_trap_allowed(sv))
		return;
	if (auth && sv->enabled[SNMP_VRRP_MIB_RFC2787])
		snmp_vrrp_rfc2787_auth_failure(sv, d);
	if (reason && sv->enabled[SNMP_VRRP_MIB_RFC6527])
		snmp_vrrp_rfc6527_proto_error(sv, d);
}
