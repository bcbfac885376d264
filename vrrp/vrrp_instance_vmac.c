/* use_vmac while running: a VMAC that disappears behind vigil's back
 * (`ip link del vrrp.51`, another tool, or its base interface deleted,
 * which takes its macvlans with it) is made again.
 *
 * Without this a master would go on "holding" VIPs that went with the
 * interface, and send adverts on a socket bound to a dead ifindex, so
 * the backups would take over while nothing answers for the VIPs.
 *
 * The worker's link monitor reports every link that comes or goes
 * (vrrp_runtime_track.h).  A disappearance is ours to repair only when
 * its ifindex is the VMAC we hold: vigil's own deletions (stop, a reload
 * dropping or replacing the instance) happen after the instance let go
 * of the name, or concern another ifindex (a stale macvlan replaced at
 * start), so they are never mistaken for the operator's.
 *
 * Repair: the same name, MAC, mode and sysctls (vrrp_vmac_reacquire),
 * the advert socket opened again on the new ifindex, and, when MASTER,
 * the VIPs put back and announced as on becoming master, and an advert
 * at once so the backups hear no gap.  While it fails (the base is gone,
 * the name taken) the instance is in FAULT with the reason, and retries
 * with a backoff (1 s doubling to 30 s) and when its base reappears. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_vmac.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define VMAC_RETRY_FIRST_MS 1000
#define VMAC_RETRY_MAX_MS 30000

static void on_retry_timer(uv_timer_t *handle);

void vrrp_instance_vmac_init(struct vrrp_instance *inst, const char *name, int ifindex)
{
	struct vrrp_instance_vmac *v = XNEW(struct vrrp_instance_vmac);

	snprintf(v->name, sizeof(v->name), "%s", name);
	/* One line per failed attempt would repeat every 30 s forever while
	 * a base stays gone: a few, then one a minute at most. */
	v->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 3);
	inst->vmac = v;
	inst->vip_ifindex = ifindex;
}

void vrrp_instance_vmac_stop(struct vrrp_instance *inst)
{
	if (!inst->vmac)
		return;
	vrrp_instance_timer_close(&inst->vmac->retry_timer);
	inst->vmac->retry_ms = 0;
}

/* Once released, the name is no longer ours: link reports about it are
 * not repaired (repairs() sees no VMAC). */
void vrrp_instance_vmac_free(struct vrrp_instance *inst)
{
	struct vrrp_instance_vmac *v = inst->vmac;

	if (!v)
		return;
	vrrp_instance_vmac_stop(inst);
	if (inst->rt->vmacs)
		vrrp_vmac_release(inst->rt->vmacs, v->name);
	free(v->error);
	free(v);
	inst->vmac = NULL;
}

static void vmac_mac(const struct vrrp_instance *inst, uint8_t mac[VRRP_VMAC_MAC_LEN])
{
	const struct vrrp_instance_config *c = inst->conf;

	vrrp_vmac_mac(c->family, inst->vrid, c->has_vmac_mac ? c->vmac_mac : NULL,
		      c->has_vmac_mac ? c->vmac_mac_len : 0, mac);
}

/* The interface again, then a socket bound to its new ifindex (the old
 * socket is bound to the dead one; with vmac_xmit_base it is reopened
 * too, as a base that was deleted has a new ifindex as well). */
static int rebuild(struct vrrp_instance *inst, const char **what)
{
	uint8_t mac[VRRP_VMAC_MAC_LEN];
	enum vrrp_vmac_setup setup;
	int ifindex;

	vmac_mac(inst, mac);
	*what = "cannot recreate it";
	ifindex = vrrp_vmac_reacquire(inst->rt->vmacs, inst->vmac->name, mac, &setup);
	if (ifindex == -ENODEV)
		*what = "its base interface is gone";
	if (ifindex < 0)
		return ifindex;
	inst->vip_ifindex = ifindex;
	vrrp_instance_close_socket(inst);
	return vrrp_instance_open_socket(inst, what);
}

/* A master takes its place again as on becoming master: VIPs (and the
 * routes through the VMAC), gratuitous ARPs / unsolicited NAs from the
 * new VMAC, and an advert now rather than at the next interval. */
static void resume(struct vrrp_instance *inst)
{
	if (inst->fsm.state != VRRP_STATE_MASTER)
		return;
	vrrp_instance_reinstall_vips(inst);
	vrrp_instance_announce_start(inst);
	vrrp_instance_send_advert(inst, inst->fsm.effective_priority);
}

static void succeeded(struct vrrp_instance *inst)
{
	struct vrrp_instance_vmac *v = inst->vmac;

	log_notice("VRRP instance %s: VMAC %s recreated (ifindex %d)", inst->name,
		   v->name, inst->vip_ifindex);
	v->recreated++;
	inst->vmac_lost = false;
	free(v->error);
	v->error = NULL;
	vrrp_instance_vmac_stop(inst);
	resume(inst);
	vrrp_instance_reconcile_scope(inst);
}

static void failed(struct vrrp_instance *inst, const char *what, int err)
{
	struct vrrp_instance_vmac *v = inst->vmac;

	inst->vmac_lost = true;
	free(v->error);
	v->error = xasprintf("VMAC %s: %s: %s", v->name, what, strerror(-err));
	v->retry_ms = v->retry_ms ? v->retry_ms * 2 : VMAC_RETRY_FIRST_MS;
	if (v->retry_ms > VMAC_RETRY_MAX_MS)
		v->retry_ms = VMAC_RETRY_MAX_MS;
	log_ratelimited(&v->rl, LOG_WARNING, "VRRP instance %s: %s; retrying in %llu ms",
			inst->name, v->error, (unsigned long long)v->retry_ms);
	vrrp_instance_timer_start(inst, &v->retry_timer, on_retry_timer, v->retry_ms, 0);
	vrrp_instance_reconcile_scope(inst);
}

static void recover(struct vrrp_instance *inst)
{
	const char *what = NULL;
	int err = rebuild(inst, &what);

	if (err)
		failed(inst, what, err);
	else
		succeeded(inst);
}

/* Each attempt arms the next retry or stops them; with nothing to
 * repair any more, the timer is closed. */
static void on_retry_timer(uv_timer_t *handle)
{
	struct vrrp_instance *inst = handle->data;

	if (inst->started && inst->vmac_lost)
		recover(inst);
	else
		vrrp_instance_vmac_stop(inst);
}

/* Only a running instance that holds a VMAC repairs it, never during
 * the worker's stop or after a reload removed the instance. */
static bool repairs(const struct vrrp_instance *inst)
{
	return inst->started && inst->vmac && inst->rt->vmacs && !inst->deleted &&
	       !inst->rt->worker_stopping;
}

void vrrp_instance_link_changed(struct vrrp_instance *inst, const char *name, int ifindex,
				bool present)
{
	if (!repairs(inst))
		return;
	if (!present && !inst->vmac_lost && ifindex == inst->vip_ifindex) {
		log_warning("VRRP instance %s: VMAC %s (ifindex %d) was deleted behind our back; "
			    "recreating it", inst->name, inst->vmac->name, ifindex);
		inst->vmac_lost = true;
		recover(inst);
	} else if (present && inst->vmac_lost && strcmp(name, inst->conf->interface) == 0) {
		log_info("VRRP instance %s: base interface %s is back; recreating VMAC %s",
			 inst->name, name, inst->vmac->name);
		recover(inst);
	}
}
