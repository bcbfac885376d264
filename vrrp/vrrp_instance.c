/* The runtime of one VRRP instance: life cycle, the state machine's ops
 * and its timers.  Sending is in vrrp_instance_tx.c, receiving in
 * vrrp_instance_rx.c, VIPs and announcements in vrrp_instance_vips.c,
 * status in vrrp_instance_status.c, reload in vrrp_instance_reload.c. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_sync.h"
#include "vrrp/vrrp_vmac.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* For the GARP pacing and hold timers, which stay on libuv's millisecond
 * timers: durations are rounded up, so a timer never fires early.  The
 * state machine's timers are precise ones (vrrp_timer.h). */
uint64_t vrrp_instance_us_to_ms(uint64_t us)
{
	return (us + 999) / 1000;
}

static struct vrrp_instance *of(struct vrrp_fsm *fsm)
{
	return fsm->ctx;
}

/* CLOCK_MONOTONIC, the clock the precise timers' deadlines are on. */
static uint64_t op_now_us(struct vrrp_fsm *fsm)
{
	(void)fsm;
	return vrrp_timer_now_us();
}

static void op_send_advert(struct vrrp_fsm *fsm, uint8_t priority)
{
	vrrp_instance_send_advert(of(fsm), priority);
}

static void op_send_priority_zero(struct vrrp_fsm *fsm)
{
	vrrp_instance_send_advert(of(fsm), 0);
}

static void op_add_vips(struct vrrp_fsm *fsm)
{
	vrrp_instance_add_vips(of(fsm));
}

static void op_remove_vips(struct vrrp_fsm *fsm)
{
	vrrp_instance_remove_vips(of(fsm));
}

static void op_send_gratuitous(struct vrrp_fsm *fsm)
{
	vrrp_instance_announce_start(of(fsm));
}

static const enum vrrp_event timer_events[VRRP_TIMER_COUNT] = {
	[VRRP_TIMER_ADVERT] = VRRP_EVENT_ADVERT_TIMER,
	[VRRP_TIMER_MASTER_DOWN] = VRRP_EVENT_MASTER_DOWN_TIMER,
	[VRRP_TIMER_PREEMPT_DELAY] = VRRP_EVENT_PREEMPT_DELAY_EXPIRED,
};

/* A sync group member whose master down timer runs out may have to wait
 * for the other members (vrrp_sync.h): the expiry is then kept back, the
 * machine still counting the timer as running, and the group delivers it
 * when the others want to take over too.  A restart or stop of the timer
 * (an advert heard, a transition) withdraws the wish. */
static void on_fsm_timer(struct vrrp_precise_timer *handle)
{
	struct vrrp_instance *inst = handle->data;
	enum vrrp_timer timer = (enum vrrp_timer)(handle - inst->timers);

	if (timer == VRRP_TIMER_MASTER_DOWN && inst->sync &&
	    !vrrp_sync_may_become_master(inst->sync, inst)) {
		if (!inst->wants_master)
			log_info("VRRP instance %s: master down; waiting for the other members "
				 "of sync group %s", inst->name, vrrp_sync_group_name(inst->sync));
		inst->wants_master = true;
		return;
	}
	vrrp_fsm_signal(&inst->fsm, timer_events[timer]);
}

/* The machine has just computed the deadline from op_now_us, the same
 * clock: arming that absolute time rather than the duration again keeps
 * the timer and the machine's timer_deadline_us the same instant.  A
 * timer that cannot be armed (it never fails for a valid timerfd) would
 * leave the machine waiting forever, so it is logged as an error. */
static void op_timer_start(struct vrrp_fsm *fsm, enum vrrp_timer timer, uint64_t duration_us)
{
	struct vrrp_instance *inst = of(fsm);
	uint64_t deadline = fsm->timer_deadline_us[timer];
	int err;

	if (timer == VRRP_TIMER_MASTER_DOWN)
		inst->wants_master = false;
	if (!deadline)
		deadline = vrrp_timer_now_us() + duration_us;
	err = vrrp_timer_start_at(&inst->timers[timer], deadline);
	if (err)
		log_error("VRRP instance %s: cannot arm the %s timer: %s", inst->name,
			  vrrp_timer_names[timer], strerror(-err));
}

static void op_timer_stop(struct vrrp_fsm *fsm, enum vrrp_timer timer)
{
	if (timer == VRRP_TIMER_MASTER_DOWN)
		of(fsm)->wants_master = false;
	vrrp_timer_stop(&of(fsm)->timers[timer]);
}

/* The one hook.  The machine already logs every transition at info
 * ("VRRP instance VI_1: BACKUP -> MASTER (master down timer expired)");
 * here the transition gets its wall-clock time and detail for status,
 * goes to the notifier, and moves the sync group. */
static void op_state_changed(struct vrrp_fsm *fsm, const struct vrrp_transition *t)
{
	struct vrrp_instance *inst = of(fsm);

	inst->transition_wall_us = vrrp_instance_wall_us();
	free(inst->transition_detail);
	inst->transition_detail = inst->pending_detail;
	inst->pending_detail = NULL;
	if (inst->transition_detail)
		log_info("VRRP instance %s: %s", inst->name, inst->transition_detail);
	inst->wants_master = false;
	vrrp_instance_notify_transition(inst, t);
	if (inst->sync)
		vrrp_sync_member_changed(inst->sync, inst, t);
}

static const struct vrrp_fsm_ops instance_fsm_ops = {
	.now_us = op_now_us,
	.send_advert = op_send_advert,
	.send_advert_priority_zero = op_send_priority_zero,
	.add_vips = op_add_vips,
	.remove_vips = op_remove_vips,
	.send_gratuitous = op_send_gratuitous,
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.state_changed = op_state_changed,
};

/* ---- life cycle -------------------------------------------------------------------- */

static void init_fsm(struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;
	struct vrrp_fsm_config fc = {
		.name = inst->name,
		.version = c->version.value,
		.priority = (uint8_t)c->priority,
		.advert_interval_us = c->advert_int.value_us,
		.preempt = !c->nopreempt,
		.preempt_delay_us = c->preempt_delay.value_us,
		.primary_address = inst->src,
		.lower_prio_no_advert = c->lower_prio_no_advert.value,
		.higher_prio_send_advert = c->higher_prio_send_advert.value,
	};

	vrrp_fsm_init(&inst->fsm, &fc, &instance_fsm_ops, inst);
}

/* A timer that cannot be opened (out of file descriptors) is left
 * unopened; the instance then refuses to start (vrrp_instance_start). */
static void init_timers(struct vrrp_instance *inst)
{
	for (int i = 0; i < VRRP_TIMER_COUNT; i++) {
		int err = vrrp_timer_init(inst->rt->loop, &inst->timers[i], on_fsm_timer);

		inst->timers[i].data = inst;
		if (err) {
			inst->timer_error = err;
			continue;
		}
		inst->open_handles++;
	}
}

struct vrrp_instance *vrrp_instance_new(struct vrrp_runtime *rt,
					const struct vrrp_instance_config *conf)
{
	struct vrrp_instance *inst = XNEW(struct vrrp_instance);

	inst->rt = rt;
	inst->conf = conf;
	inst->name = xstrdup(conf->name);
	inst->unicast = conf->unicast_peers.count > 0;
	inst->vrid = (uint8_t)conf->vrid;
	inst->group = conf->mcast_dst;
	inst->rl_send = (struct log_ratelimit)LOG_RATELIMIT_INIT(10000, 3);
	init_timers(inst);
	init_fsm(inst);
	return inst;
}

const char *vrrp_instance_name(const struct vrrp_instance *inst)
{
	return inst->name;
}

const struct vrrp_instance_config *vrrp_instance_conf(const struct vrrp_instance *inst)
{
	return inst->conf;
}

bool vrrp_instance_failed(const struct vrrp_instance *inst)
{
	return inst->error != NULL;
}

struct vrrp_sync_group *vrrp_instance_group(const struct vrrp_instance *inst)
{
	return inst->sync;
}

void vrrp_instance_mark_deleted(struct vrrp_instance *inst)
{
	inst->deleted = true;
}

/* `err`: a negative errno to append, or 0. */
static bool start_failed(struct vrrp_instance *inst, const char *what, int err)
{
	free(inst->error);
	inst->error = err ? xasprintf("%s: %s", what, strerror(-err)) : xstrdup(what);
	log_error("VRRP instance %s cannot start: %s", inst->name, inst->error);
	return false;
}

static int find_source(struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;

	if (inst->unicast && c->has_unicast_src) {
		inst->src = c->unicast_src;
		return 0;
	}
	if (c->has_mcast_src) {
		inst->src = c->mcast_src;
		return 0;
	}
	return vrrp_socket_default_source(c->interface, c->family, &inst->src);
}

static bool vmac_failed(struct vrrp_instance *inst, const char *name, int err)
{
	char what[96];

	if (err == -EBUSY)
		snprintf(what, sizeof(what), "VMAC %s is used by another instance", name);
	else if (err == -EEXIST)
		snprintf(what, sizeof(what), "%s exists and is not a macvlan; not touching it", name);
	else
		snprintf(what, sizeof(what), "cannot set up VMAC %s", name);
	return start_failed(inst, what, err == -EBUSY || err == -EEXIST ? 0 : err);
}

/* use_vmac: the VMAC (vrrp_vmac.h) comes first, as the socket may be
 * bound to it and the VIPs go on it. */
static bool setup_vmac(struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;
	uint8_t mac[VRRP_VMAC_MAC_LEN];
	char name[IF_NAMESIZE];
	enum vrrp_vmac_setup setup;
	int ifindex;

	if (!c->use_vmac)
		return true;
	if (c->vmac_name && strlen(c->vmac_name) >= sizeof(name))
		return start_failed(inst, "the VMAC name is too long for an interface", 0);
	if (c->vmac_name)
		memcpy(name, c->vmac_name, strlen(c->vmac_name) + 1);
	else
		vrrp_vmac_default_name(inst->rt->vmac_prefix, inst->vrid, name, sizeof(name));
	if (!inst->rt->vmacs)
		return start_failed(inst, "no netlink socket: cannot set up its VMAC", 0);
	vrrp_vmac_mac(c->family, inst->vrid, c->has_vmac_mac ? c->vmac_mac : NULL,
		      c->has_vmac_mac ? c->vmac_mac_len : 0, mac);
	ifindex = vrrp_vmac_acquire(inst->rt->vmacs, name, c->interface, mac, &setup);
	if (ifindex < 0)
		return vmac_failed(inst, name, ifindex);
	vrrp_instance_vmac_init(inst, name, ifindex);
	log_info("VRRP instance %s: VMAC %s (%02x:%02x:%02x:%02x:%02x:%02x) on %s %s%s",
		 inst->name, name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], c->interface,
		 vrrp_vmac_setup_names[setup], c->vmac_xmit_base ? "; adverts on the base" : "");
	return true;
}

/* keepalived's per-address use_vmac (a VMAC on the address's own dev)
 * is not run: said once at start rather than pretended. */
static void warn_address_vmac(const struct vrrp_instance *inst)
{
	const struct ptr_array *lists[] = { &inst->conf->vips, &inst->conf->evips };

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->count; i++) {
			const struct vrrp_ipaddress_config *ip = lists[l]->items[i];

			if (ip->use_vmac && (ip->dev || !inst->conf->use_vmac)) {
				log_warning("VRRP instance %s: use_vmac on an address is not "
					    "implemented; its addresses go on their own interface",
					    inst->name);
				return;
			}
		}
	}
}

/* Adverts go on the VMAC unless vmac_xmit_base.  An IPv6 advert leaving
 * the VMAC has the base's link-local source, which is not the VMAC's
 * (vrrp_vmac.h says why it has none). */
int vrrp_instance_open_socket(struct vrrp_instance *inst, const char **what)
{
	const struct vrrp_instance_config *c = inst->conf;
	bool on_vmac = inst->vmac && !c->vmac_xmit_base;
	int err = 0;

	/* AH adverts are IP protocol 51, on a socket of their own. */
	inst->sock = vrrp_socket_acquire_proto(inst->rt->sockets,
					       on_vmac ? inst->vmac->name : c->interface, c->family,
					       c->auth_type == VRRP_AUTH_AH ? VRRP_SOCKET_IPPROTO_AH
									: VRRP_SOCKET_IPPROTO,
					       &err);
	*what = "cannot open a VRRP socket";
	if (!inst->sock)
		return err ? err : -EIO;
	inst->ifindex = vrrp_socket_ifindex(inst->sock);
	if (!inst->vmac)
		inst->vip_ifindex = inst->ifindex;
	*what = "cannot send from the base's address on the VMAC";
	if (on_vmac && c->family == AF_INET6 && (err = vrrp_socket_allow_foreign_source(inst->sock)))
		return err;
	*what = "another instance runs this VRID on this interface";
	if (vrrp_socket_subscribe(inst->sock, inst->vrid, vrrp_instance_receive, inst))
		return -EADDRINUSE;
	inst->subscribed = true;
	*what = "cannot join the VRRP multicast group";
	if (!inst->unicast && (err = vrrp_socket_join(inst->sock, &inst->group)))
		return err;
	inst->joined = !inst->unicast;
	return 0;
}

static bool open_socket(struct vrrp_instance *inst)
{
	const char *what = NULL;
	int err = vrrp_instance_open_socket(inst, &what);

	if (err)
		return start_failed(inst, what, err == -EADDRINUSE ? 0 : err);
	return true;
}

void vrrp_instance_close_socket(struct vrrp_instance *inst)
{
	if (!inst->sock)
		return;
	if (inst->subscribed)
		vrrp_socket_unsubscribe(inst->sock, inst->vrid);
	if (inst->joined)
		vrrp_socket_leave(inst->sock, &inst->group);
	vrrp_socket_release(inst->sock);
	inst->sock = NULL;
	inst->subscribed = inst->joined = false;
}

bool vrrp_instance_start(struct vrrp_instance *inst)
{
	int err;

	if (inst->timer_error)
		return start_failed(inst, "cannot open its timers", inst->timer_error);
	err = find_source(inst);
	if (err)
		return start_failed(inst, "no source address on the interface", err);
	if (!setup_vmac(inst) || !open_socket(inst))
		return false;
	warn_address_vmac(inst);
	init_fsm(inst);
	vrrp_instance_setup_packet_ctx(inst);
	vrrp_instance_remove_stale_vips(inst);
	inst->started = true;
	/* The tracked state first: an instance that starts with a tracked
	 * object down goes INIT -> FAULT, never MASTER for a moment. */
	vrrp_instance_track_start(inst);
	if (inst->fsm.state == VRRP_STATE_INIT)
		vrrp_fsm_signal(&inst->fsm, VRRP_EVENT_STARTUP);
	return true;
}

void vrrp_instance_shutdown(struct vrrp_instance *inst)
{
	if (!inst->started)
		return;
	vrrp_instance_manual_stop(inst);
	vrrp_instance_vmac_stop(inst);
	vrrp_fsm_signal(&inst->fsm, VRRP_EVENT_SHUTDOWN);
	inst->started = false;
}

static void handle_closed(struct vrrp_instance *inst)
{
	if (--inst->open_handles > 0)
		return;
	vrrp_instance_track_free(inst);
	free(inst->pending_detail);
	free(inst->transition_detail);
	free(inst->error);
	free(inst->rx_errors);
	free(inst->name);
	free(inst);
}

static void on_timer_closed(struct vrrp_precise_timer *timer)
{
	handle_closed(timer->data);
}

/* The GARP timers, the hold timer and the VMAC retry timer: allocated
 * only while they run, so an idle instance holds a pointer for each. */
static void on_lazy_timer_closed(uv_handle_t *handle)
{
	struct vrrp_instance *inst = handle->data;

	free(handle);
	handle_closed(inst);
}

void vrrp_instance_timer_start(struct vrrp_instance *inst, uv_timer_t **slot, uv_timer_cb cb,
			       uint64_t timeout_ms, uint64_t repeat_ms)
{
	if (!*slot) {
		*slot = XNEW(uv_timer_t);
		uv_timer_init(inst->rt->loop, *slot);
		(*slot)->data = inst;
		inst->open_handles++;
	}
	uv_timer_start(*slot, cb, timeout_ms, repeat_ms);
}

void vrrp_instance_timer_close(uv_timer_t **slot)
{
	if (!*slot)
		return;
	uv_close((uv_handle_t *)*slot, on_lazy_timer_closed);
	*slot = NULL;
}

/* The free holds one count of its own while it closes the handles, so
 * an instance with none open (its timers failed to open) is freed too. */
void vrrp_instance_free(struct vrrp_instance *inst)
{
	if (!inst)
		return;
	inst->open_handles++;
	vrrp_instance_announce_stop(inst);
	vrrp_instance_manual_stop(inst);
	vrrp_instance_routes_free(inst);
	vrrp_instance_close_socket(inst);
	vrrp_instance_vmac_free(inst);
	for (int i = 0; i < VRRP_TIMER_COUNT; i++)
		if (vrrp_timer_is_open(&inst->timers[i]))
			vrrp_timer_close(&inst->timers[i], on_timer_closed);
	handle_closed(inst);
}
