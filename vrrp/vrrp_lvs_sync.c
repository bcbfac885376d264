/* The IPVS sync daemon following a VRRP instance (see vrrp_lvs_sync.h).
 *
 * What the configuration asks for is kept apart from what was started:
 * the settings say which instance to follow and how to run a daemon, the
 * "running" record says which daemon this process started and with what
 * parameters, so stopping it names the same interface and a changed
 * setting (or a new VRID, the default sync id) restarts it. */
#include "config.h"
#include "vrrp/vrrp_lvs_sync.h"
#include "vrrp/vrrp_instance_private.h"
#include "daemon/global_conf.h"
#include "lvs/lvs.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static struct {
	char *instance;                  /* followed; NULL: nothing to do here */
	struct global_lvs_sync_daemon conf;   /* a copy: ifname ours, vrrp_instance NULL */
	struct lvs_handle *lvs;          /* NULL: not open, or IPVS unavailable */
	bool unavailable_logged;
	bool started;                    /* a daemon of ours runs: */
	struct lvs_sync_daemon running;  /* its role and parameters */
} follow;

static const char *role_name(enum lvs_sync_state role)
{
	return role == LVS_SYNC_MASTER ? "master" : "backup";
}

void vrrp_lvs_sync_daemon_fill(const struct global_lvs_sync_daemon *c, enum lvs_sync_state role,
			       uint32_t default_syncid, struct lvs_sync_daemon *d)
{
	memset(d, 0, sizeof(*d));
	d->state = role;
	snprintf(d->ifname, sizeof(d->ifname), "%s", c->ifname);
	d->syncid = c->has_sync_id ? c->sync_id : default_syncid;
	d->sync_maxlen = (uint16_t)c->maxlen;
	d->mcast_port = c->port;
	d->mcast_ttl = (uint8_t)c->ttl;
	d->mcast_family = c->group.family ? c->group.family : AF_UNSPEC;
	if (c->group.family == AF_INET)
		d->mcast_group.v4 = c->group.u.v4;
	else if (c->group.family == AF_INET6)
		d->mcast_group.v6 = c->group.u.v6;
}

void vrrp_lvs_sync_take_over(struct lvs_handle *lvs, const char *ifname)
{
	static const enum lvs_sync_state roles[] = { LVS_SYNC_MASTER, LVS_SYNC_BACKUP };
	int rc;

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		rc = lvs_sync_daemon_stop(lvs, roles[i], ifname);
		if (rc == 0)
			log_info("lvs_sync_daemon: taking over: stopped the %s daemon "
				 "already running", role_name(roles[i]));
		else if (rc != -ESRCH)
			log_error("lvs_sync_daemon: taking over: cannot stop the %s daemon: %s",
				  role_name(roles[i]), strerror(-rc));
	}
}

static void daemon_stop(void)
{
	int rc;

	if (!follow.started)
		return;
	rc = lvs_sync_daemon_stop(follow.lvs, follow.running.state, follow.running.ifname);
	if (rc < 0 && rc != -ESRCH)
		log_error("lvs_sync_daemon: cannot stop the %s daemon on %s: %s",
			  role_name(follow.running.state), follow.running.ifname, strerror(-rc));
	else
		log_info("lvs_sync_daemon: %s daemon on %s stopped",
			 role_name(follow.running.state), follow.running.ifname);
	follow.started = false;
}

/* One daemon at a time: the other role's is stopped first.  A daemon of
 * that role already in the kernel (EEXIST) is taken over as ours. */
static void daemon_set(enum lvs_sync_state role, uint8_t vrid)
{
	struct lvs_sync_daemon want;
	int rc;

	if (!follow.lvs)
		return;
	vrrp_lvs_sync_daemon_fill(&follow.conf, role, vrid, &want);
	if (follow.started && memcmp(&want, &follow.running, sizeof(want)) == 0)
		return;
	daemon_stop();
	rc = lvs_sync_daemon_start(follow.lvs, &want);
	if (rc < 0 && rc != -EEXIST) {
		log_error("lvs_sync_daemon: cannot start the %s daemon on %s: %s",
			  role_name(role), want.ifname, strerror(-rc));
		return;
	}
	log_info("lvs_sync_daemon: %s daemon running on %s (syncid %u, following %s)",
		 role_name(role), want.ifname, want.syncid, follow.instance);
	follow.started = true;
	memcpy(&follow.running, &want, sizeof(want));   /* padding too: compared whole */
}

static enum lvs_sync_state role_for(enum vrrp_state state)
{
	return state == VRRP_STATE_MASTER ? LVS_SYNC_MASTER : LVS_SYNC_BACKUP;
}

static bool same_settings(const struct global_lvs_sync_daemon *c)
{
	const struct global_lvs_sync_daemon *o = &follow.conf;

	return follow.instance && c->ifname && c->vrrp_instance &&
	       strcmp(follow.instance, c->vrrp_instance) == 0 &&
	       strcmp(o->ifname, c->ifname) == 0 && o->has_sync_id == c->has_sync_id &&
	       o->sync_id == c->sync_id && o->maxlen == c->maxlen && o->port == c->port &&
	       o->ttl == c->ttl && memcmp(&o->group, &c->group, sizeof(o->group)) == 0;
}

/* `hand_over`: the checker owns the daemons from now on (the line lost
 * its instance), so ours is forgotten, not stopped: stopping it could
 * stop the one the checker has just started. */
static void settings_drop(bool hand_over)
{
	if (hand_over && follow.started)
		log_info("lvs_sync_daemon: the %s daemon on %s is the checker's from now on",
			 role_name(follow.running.state), follow.running.ifname);
	if (hand_over)
		follow.started = false;
	daemon_stop();
	free(follow.instance);
	free(follow.conf.ifname);
	follow.instance = NULL;
	follow.conf.ifname = NULL;
}

static void settings_take(const struct global_lvs_sync_daemon *c)
{
	char err[128];

	follow.conf = *c;
	follow.conf.ifname = xstrdup(c->ifname);
	follow.conf.vrrp_instance = NULL;
	follow.instance = xstrdup(c->vrrp_instance);
	if (follow.lvs)
		return;
	follow.lvs = lvs_open(err, sizeof(err));
	if (!follow.lvs && !follow.unavailable_logged) {
		log_warning("lvs_sync_daemon: IPVS is unavailable (%s); no sync daemon will run",
			    err);
		follow.unavailable_logged = true;
	}
}

static const struct vrrp_instance *find_instance(const struct ptr_array *instances,
						 const char *name)
{
	for (size_t i = 0; i < instances->count; i++) {
		const struct vrrp_instance *inst = instances->items[i];

		if (inst && strcmp(vrrp_instance_name(inst), name) == 0)
			return inst;
	}
	return NULL;
}

void vrrp_lvs_sync_apply(const struct global_config *g, const struct ptr_array *instances)
{
	const struct global_lvs_sync_daemon *c = &g->lvs_sync_daemon;
	const struct vrrp_instance *inst;

	if (!same_settings(c)) {
		bool was_ours = follow.instance != NULL;

		settings_drop(c->ifname && !c->vrrp_instance);
		if (!c->ifname || !c->vrrp_instance) {
			vrrp_lvs_sync_stop();
			return;
		}
		settings_take(c);
		if (!was_ours && follow.lvs)
			vrrp_lvs_sync_take_over(follow.lvs, follow.conf.ifname);
	}
	inst = find_instance(instances, follow.instance);
	if (!inst) {
		/* vigild -t refuses this; a running worker just says so. */
		log_warning("lvs_sync_daemon: no vrrp_instance %s; no sync daemon runs",
			    follow.instance);
		daemon_stop();
		return;
	}
	daemon_set(role_for(inst->fsm.state), inst->vrid);
}

void vrrp_lvs_sync_transition(const struct vrrp_instance *inst, const struct vrrp_transition *t)
{
	if (!follow.instance || t->to == VRRP_STATE_STOP ||
	    strcmp(vrrp_instance_name(inst), follow.instance) != 0)
		return;
	daemon_set(role_for(t->to), inst->vrid);
}

void vrrp_lvs_sync_stop(void)
{
	settings_drop(false);
	if (follow.lvs)
		lvs_close(follow.lvs);
	follow.lvs = NULL;
}
