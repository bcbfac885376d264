/* The VRRP worker: the runtime instances of the configuration, the edges
 * they share (raw sockets, netlink, announcement sockets, the VIP
 * monitor, the tracked objects' monitors, the notifier), sync groups,
 * reload as a diff, and status. */
#include "config.h"
#include "vrrp/vrrp_worker.h"
#include "vrrp/vrrp_dump.h"
#include "daemon/global_conf.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_noaccept.h"
#include "vrrp/vrrp_notify.h"
#include "vrrp/vrrp_runtime_track.h"
#include "vrrp/vrrp_socket.h"
#include "vrrp/vrrp_sync.h"
#include "vrrp/vrrp_vip.h"
#include "vrrp/vrrp_vmac.h"
#include "vrrp/vrrp_snmp_view.h"
#include "vrrp/vrrp_lvs_sync.h"
#include "vrrp/vrrp_worker_notify.h"
#include "ctl_proto.h"
#include "log.h"
#include "smtp_alert.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

struct vrrp_worker {
	struct vrrp_runtime rt;
	struct ptr_array instances;         /* struct vrrp_instance, in config order */
	struct ptr_array groups;            /* struct vrrp_sync_group */
	struct vrrp_vip_monitor *monitor;
	struct vrrp_worker_notify *notify;
	const struct global_config *global; /* of the configuration running */
};

/* ---- tracked objects ---------------------------------------------------------------- */

static void on_track_up(void *data, enum vrrp_track_kind kind, const char *name, bool up)
{
	struct vrrp_worker *vw = data;

	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_track_up(vw->instances.items[i], kind, name, up);
}

static void on_track_value(void *data, const char *name, int64_t value)
{
	struct vrrp_worker *vw = data;

	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_track_value(vw->instances.items[i], name, value);
}

static void on_link_changed(void *data, const char *name, int ifindex, bool present)
{
	struct vrrp_worker *vw = data;

	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_link_changed(vw->instances.items[i], name, ifindex, present);
}

static const struct vrrp_trackers_ops trackers_ops = {
	.up_changed = on_track_up,
	.value_changed = on_track_value,
	.link_changed = on_link_changed,
};

/* vrrp_script's "user [group]", else script_user (libvrrp cannot reach
 * global_defs itself: the worker answers for it). */
static bool script_user(void *data, const struct vrrp_script_config *conf, uid_t *uid, gid_t *gid)
{
	struct vrrp_worker *vw = data;
	struct script_check_policy p;
	char err[128];

	if (!global_script_policy_for(vw->global, conf->script.user, conf->script.group, true, &p,
				      err, sizeof(err))) {
		log_error("vrrp_script %s: %s", conf->name, err);
		return false;
	}
	*uid = p.uid;
	*gid = p.gid;
	return true;
}

/* ---- the VIP monitor ------------------------------------------------------------------- */

static void on_address_removed(void *data, int ifindex, const struct vigil_addr *addr)
{
	struct vrrp_worker *vw = data;

	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_address_removed(vw->instances.items[i], ifindex, addr);
}

static void on_resync(void *data)
{
	struct vrrp_worker *vw = data;

	log_warning("address notifications were lost; checking every master's VIPs");
	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_check_vips(vw->instances.items[i]);
}

static const struct vrrp_vip_monitor_ops monitor_ops = {
	.on_address_removed = on_address_removed,
	.on_resync = on_resync,
};

/* ---- the shared edges ------------------------------------------------------------------- */

/* Failures here leave the worker running: instances report what they
 * cannot do (no VIPs, no announcements) rather than the worker dying in
 * a restart loop. */
static void open_edges(struct vrrp_worker *vw, uv_loop_t *loop)
{
	int err = 0;

	vw->rt.loop = loop;
	vw->rt.sockets = vrrp_socket_set_new(loop);
	vw->rt.vip = vrrp_vip_open(&err);
	if (!vw->rt.vip)
		log_error("cannot open a netlink socket for virtual addresses: %s", strerror(-err));
	err = vrrp_announcer_open(&vw->rt.announcer);
	vw->rt.have_announcer = err == 0;
	if (err)
		log_error("cannot open the gratuitous ARP / NA sockets: %s", strerror(-err));
	vw->rt.vmacs = vrrp_vmac_set_new(&err);
	if (!vw->rt.vmacs)
		log_error("cannot open a netlink socket for VMAC interfaces: %s", strerror(-err));
	vw->monitor = vrrp_vip_monitor_start(loop, &monitor_ops, vw, &err);
	if (!vw->monitor)
		log_error("cannot watch address changes (VIPs removed by hand will not be restored): %s",
			  strerror(-err));
}

/* Tracking and notification: what instances need before they start. */
static void open_track_notify(struct vrrp_worker *vw, uv_loop_t *loop,
			      const struct vigil_config *cfg)
{
	vw->global = cfg->global;
	vw->rt.vc = cfg->vrrp;
	vw->rt.vmac_prefix = cfg->global->vmac_prefix;
	vw->notify = vrrp_worker_notify_new(loop, cfg);
	vw->rt.notifier = vrrp_worker_notifier(vw->notify);
	vw->rt.trackers = vrrp_trackers_new(loop, cfg->vrrp, &trackers_ops, script_user, vw);
	vw->rt.noaccept = vrrp_noaccept_new(&(struct vrrp_noaccept_settings){
		cfg->global->nftables_table, cfg->global->nftables_priority,
		cfg->global->nftables_counters });
	if (!vw->rt.noaccept)
		log_error("cannot open libnftables: no_accept will not be enforced");
}

static void close_edges(struct vrrp_worker *vw)
{
	/* Nothing is reported to instances once they are gone. */
	vrrp_trackers_free(vw->rt.trackers);
	vrrp_worker_notify_free(vw->notify);
	vrrp_noaccept_free(vw->rt.noaccept);
	if (vw->monitor)
		vrrp_vip_monitor_stop(vw->monitor);
	if (vw->rt.have_announcer)
		vrrp_announcer_close(&vw->rt.announcer);
	if (vw->rt.vip)
		vrrp_vip_close(vw->rt.vip);
	vrrp_vmac_set_free(vw->rt.vmacs);
	vrrp_socket_set_free(vw->rt.sockets);
}

/* ---- instances ----------------------------------------------------------------------- */

static void stop_instance(struct vrrp_instance *inst)
{
	vrrp_instance_shutdown(inst);
	vrrp_instance_free(inst);
}

static struct vrrp_instance *find_instance(const struct vrrp_worker *vw, const char *name)
{
	for (size_t i = 0; i < vw->instances.count; i++)
		if (strcmp(vrrp_instance_name(vw->instances.items[i]), name) == 0)
			return vw->instances.items[i];
	return NULL;
}

struct group_memo;
static void memo_state(struct vrrp_sync_group *g, const struct ptr_array *memo);

/* The groups of `cfg`, over the instances now in vw->instances.  A group
 * that existed before (same name, in `memo`) keeps the state it last
 * notified. */
static void build_groups(struct vrrp_worker *vw, const struct vigil_config *cfg,
			 const struct ptr_array *memo)
{
	for (size_t i = 0; i < cfg->vrrp->sync_groups.count; i++) {
		const struct vrrp_sync_group_config *gc = cfg->vrrp->sync_groups.items[i];
		struct vrrp_sync_group *g = vrrp_sync_group_new(&vw->rt, gc);

		if (memo)
			memo_state(g, memo);
		for (size_t j = 0; j < gc->members.count; j++) {
			const struct vrrp_name_ref *ref = gc->members.items[j];
			struct vrrp_instance *inst = find_instance(vw, ref->name);

			if (inst && !vrrp_instance_group(inst))
				vrrp_sync_group_add(g, inst);
		}
		ptr_array_push(&vw->groups, g);
	}
}

static void free_groups(struct vrrp_worker *vw)
{
	ptr_array_free(&vw->groups, (void (*)(void *))vrrp_sync_group_free);
}

/* After groups or tracking changed: every group brings its members'
 * FAULT in line, and so does every instance on its own (one that left a
 * group may have been held in FAULT by it). */
static void reconcile_all(struct vrrp_worker *vw)
{
	for (size_t i = 0; i < vw->groups.count; i++)
		vrrp_sync_group_reconcile(vw->groups.items[i]);
	for (size_t i = 0; i < vw->instances.count; i++)
		if (!vrrp_instance_group(vw->instances.items[i]))
			vrrp_instance_reconcile_fault(vw->instances.items[i]);
}

static void log_count(const struct vigil_config *cfg)
{
	size_t n = cfg->vrrp->instances.count;

	log_info("%zu VRRP instance%s configured", n, n == 1 ? "" : "s");
}

/* The state machines' timers are timerfds (vrrp_timer.h), which the
 * kernel may let expire late by this thread's timer slack (50 us by
 * default; kernels differ in whether timerfds get it): 1 ns makes the
 * deadlines exact, at the price of wake-ups the kernel can no longer
 * coalesce, a few per instance per advert interval.  It does not shorten
 * the slack of epoll_wait's own timeout (0.1 % of the timeout for a task
 * that is not real-time; the slack only sets a floor), so libuv's
 * millisecond timers (GARP pacing) stay as they were. */
static void tune_timers(void)
{
	if (prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) < 0)
		log_warning("VRRP: cannot set the timer slack: %s", strerror(errno));
}

/* Every instance is built and its tracking seeded before the first one
 * starts, so a sync group knows at once whether a member holds it in
 * FAULT. */
static void *vrrp_worker_start(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = XNEW(struct vrrp_worker);
	const struct ptr_array *confs = &cfg->vrrp->instances;

	log_count(cfg);
	tune_timers();
	smtp_alert_configure(loop, cfg->global);
	open_edges(vw, loop);
	open_track_notify(vw, loop, cfg);
	for (size_t i = 0; i < confs->count; i++)
		ptr_array_push(&vw->instances, vrrp_instance_new(&vw->rt, confs->items[i]));
	build_groups(vw, cfg, NULL);
	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_track_init(vw->instances.items[i]);
	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_start(vw->instances.items[i]);
	reconcile_all(vw);
	vrrp_lvs_sync_apply(cfg->global, &vw->instances);
	vrrp_snmp_view_start(loop, cfg, vrrp_worker_ops.status, vw);
	return vw;
}

/* ---- reload ---------------------------------------------------------------------------- */

static struct vrrp_instance *take_instance(struct ptr_array *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++) {
		struct vrrp_instance *inst = list->items[i];

		if (inst && strcmp(vrrp_instance_name(inst), name) == 0) {
			list->items[i] = NULL;
			return inst;
		}
	}
	return NULL;
}

/* The old instance of the same name moves over when the diff allows
 * (see vrrp_instance_reload.c for what moves in place); otherwise it
 * resigns and a new one is built, to start once the groups are in place. */
static struct vrrp_instance *carry_over(struct vrrp_worker *vw, struct vrrp_instance *old,
					const struct vrrp_instance_config *conf,
					struct ptr_array *fresh)
{
	enum vrrp_instance_change change = vrrp_instance_config_diff(vrrp_instance_conf(old), conf);
	struct vrrp_instance *inst;

	if (change != VRRP_CHANGE_RECREATE && !vrrp_instance_failed(old)) {
		vrrp_instance_reconfigure(old, conf);
		if (change == VRRP_CHANGE_IN_PLACE)
			log_info("VRRP instance %s: %s", conf->name, vrrp_instance_change_names[change]);
		return old;
	}
	log_info("VRRP instance %s: configuration changed; restarting it", conf->name);
	stop_instance(old);
	inst = vrrp_instance_new(&vw->rt, conf);
	ptr_array_push(fresh, inst);
	return inst;
}

/* A group's name and last notified state, across a reload. */
struct group_memo {
	char *name;
	enum vrrp_state state;
};

static void group_memo_free(void *p)
{
	free(((struct group_memo *)p)->name);
	free(p);
}

static void memo_state(struct vrrp_sync_group *g, const struct ptr_array *memo)
{
	for (size_t i = 0; i < memo->count; i++) {
		const struct group_memo *m = memo->items[i];

		if (strcmp(m->name, vrrp_sync_group_name(g)) == 0)
			vrrp_sync_group_set_state(g, m->state);
	}
}

/* Drops the groups (members detached, so the moves of a reload do not
 * drag other members along) and remembers their states. */
static void drop_groups(struct vrrp_worker *vw, struct ptr_array *memo)
{
	for (size_t i = 0; i < vw->groups.count; i++) {
		struct group_memo *m = XNEW(struct group_memo);

		m->name = xstrdup(vrrp_sync_group_name(vw->groups.items[i]));
		m->state = vrrp_sync_group_state(vw->groups.items[i]);
		ptr_array_push(memo, m);
	}
	free_groups(vw);
}

static void reload_edges(struct vrrp_worker *vw, const struct vigil_config *cfg)
{
	vw->global = cfg->global;
	vw->rt.vc = cfg->vrrp;
	vw->rt.vmac_prefix = cfg->global->vmac_prefix;
	if (!vrrp_worker_notify_same(vw->notify, cfg)) {
		log_info("notify FIFOs or script settings changed; restarting the notifier");
		vrrp_worker_notify_free(vw->notify);
		vw->notify = vrrp_worker_notify_new(vw->rt.loop, cfg);
		vw->rt.notifier = vrrp_worker_notifier(vw->notify);
	}
	vrrp_trackers_reload(vw->rt.trackers, cfg->vrrp);
}

/* Removed instances resign first (priority 0, VIPs removed), so a
 * renamed instance on the same VRID finds its socket slot free. */
static void remove_gone(struct vrrp_worker *vw, const struct vigil_config *cfg)
{
	for (size_t i = 0; i < vw->instances.count; i++) {
		struct vrrp_instance *inst = vw->instances.items[i];

		if (!vrrp_config_find_instance(cfg->vrrp, vrrp_instance_name(inst))) {
			log_info("VRRP instance %s: removed from the configuration", vrrp_instance_name(inst));
			vrrp_instance_mark_deleted(inst);
			stop_instance(inst);
			vw->instances.items[i] = NULL;
		}
	}
}

/* The edges move first (trackers and notifier kept where unchanged), the
 * groups are dropped, instances are removed, carried over or rebuilt,
 * then the new groups bind their members, every instance's tracking is
 * rebuilt from the new configuration (running ones are fed what
 * differs), the new instances start and the groups bring FAULT in line. */
static void vrrp_worker_reload(void *state, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = state;
	const struct ptr_array *confs = &cfg->vrrp->instances;
	struct ptr_array next = { 0 }, fresh = { 0 }, memo = { 0 };

	log_count(cfg);
	smtp_alert_configure(vw->rt.loop, cfg->global);
	/* An instance rebuilt with the same VMAC keeps the interface: its
	 * release parks it, the new instance takes it back. */
	if (vw->rt.vmacs)
		vrrp_vmac_hold_begin(vw->rt.vmacs);
	reload_edges(vw, cfg);
	drop_groups(vw, &memo);
	remove_gone(vw, cfg);
	for (size_t i = 0; i < confs->count; i++) {
		const struct vrrp_instance_config *conf = confs->items[i];
		struct vrrp_instance *inst = take_instance(&vw->instances, conf->name);

		if (inst)
			inst = carry_over(vw, inst, conf, &fresh);
		else
			ptr_array_push(&fresh, inst = vrrp_instance_new(&vw->rt, conf));
		ptr_array_push(&next, inst);
	}
	ptr_array_free(&vw->instances, NULL);
	vw->instances = next;
	build_groups(vw, cfg, &memo);
	ptr_array_free(&memo, group_memo_free);
	for (size_t i = 0; i < vw->instances.count; i++)
		vrrp_instance_track_init(vw->instances.items[i]);
	for (size_t i = 0; i < fresh.count; i++)
		vrrp_instance_start(fresh.items[i]);
	ptr_array_free(&fresh, NULL);
	if (vw->rt.vmacs)
		vrrp_vmac_hold_end(vw->rt.vmacs);
	reconcile_all(vw);
	vrrp_lvs_sync_apply(cfg->global, &vw->instances);
	vrrp_snmp_view_reload(vw->rt.loop, cfg, vrrp_worker_ops.status, vw);
}

/* ---- status and stop ------------------------------------------------------------------- */

static json_object *vrrp_worker_status(void *state, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = state;
	json_object *o = json_object_new_object();
	json_object *instances = json_object_new_array();
	json_object *groups = json_object_new_array();

	for (size_t i = 0; i < vw->instances.count; i++)
		json_object_array_add(instances, vrrp_instance_status_json(vw->instances.items[i]));
	for (size_t i = 0; i < vw->groups.count; i++)
		json_object_array_add(groups, vrrp_sync_group_status_json(vw->groups.items[i]));
	json_object_object_add(o, "instances", instances);
	json_object_object_add(o, "sync_groups", groups);
	json_object_object_add(o, "vrrp_scripts", vrrp_trackers_status_json(vw->rt.trackers));
	return o;
}

struct vrrp_instance *vrrp_worker_instance_at(void *state, size_t i)
{
	struct vrrp_worker *vw = state;

	return i < vw->instances.count ? vw->instances.items[i] : NULL;
}

/* ---- the operator's failback control (vigilctl vrrp) ----------------------------- */

/* A demote's hold: long enough for any maintenance window, short enough
 * that milliseconds fit libuv comfortably. */
#define VRRP_WORKER_HOLD_DEFAULT_S 10
#define VRRP_WORKER_HOLD_MAX_S 31536000

static bool manual_action_of(json_object *req, enum vrrp_manual_action *action)
{
	json_object *v;

	if (!json_object_object_get_ex(req, "action", &v) || !json_object_is_type(v, json_type_string))
		return false;
	for (int i = 0; i < VRRP_MANUAL_COUNT; i++)
		if (strcmp(json_object_get_string(v), vrrp_manual_action_names[i]) == 0) {
			*action = (enum vrrp_manual_action)i;
			return true;
		}
	return false;
}

/* "hold_s": whole seconds, 0 (until released) to a year; absent: the default. */
static bool manual_hold_of(json_object *req, uint64_t *hold_ms)
{
	json_object *v;
	int64_t s;

	if (!json_object_object_get_ex(req, "hold_s", &v) || !v) {
		*hold_ms = VRRP_WORKER_HOLD_DEFAULT_S * 1000u;
		return true;
	}
	if (!json_object_is_type(v, json_type_int))
		return false;
	s = json_object_get_int64(v);
	if (s < 0 || s > VRRP_WORKER_HOLD_MAX_S)
		return false;
	*hold_ms = (uint64_t)s * 1000u;
	return true;
}

/* The instances a command names: "all", or one instance with the other
 * members of its sync group (a group is never half held). */
static bool manual_targets(const struct vrrp_worker *vw, const char *name, struct ptr_array *out)
{
	struct vrrp_instance *inst;
	struct vrrp_sync_group *g;

	if (strcmp(name, "all") == 0) {
		for (size_t i = 0; i < vw->instances.count; i++)
			ptr_array_push(out, vw->instances.items[i]);
		return true;
	}
	inst = find_instance(vw, name);
	if (!inst)
		return false;
	ptr_array_push(out, inst);
	g = vrrp_instance_group(inst);
	for (size_t i = 0; g && i < vrrp_sync_group_size(g); i++)
		if (vrrp_sync_group_member(g, i) != inst)
			ptr_array_push(out, vrrp_sync_group_member(g, i));
	return true;
}

static json_object *manual_apply(struct ptr_array *targets, enum vrrp_manual_action action,
				 uint64_t hold_ms)
{
	json_object *result = json_object_new_object(), *list = json_object_new_array();
	char note[160];

	for (size_t i = 0; i < targets->count; i++) {
		struct vrrp_instance *inst = targets->items[i];
		json_object *o = json_object_new_object();

		vrrp_instance_manual(inst, action, hold_ms, note, sizeof(note));
		json_object_object_add(o, "name", json_object_new_string(vrrp_instance_name(inst)));
		json_object_object_add(o, "result", json_object_new_string(note));
		json_object_array_add(list, o);
	}
	json_object_object_add(result, "action",
			       json_object_new_string(vrrp_manual_action_names[action]));
	json_object_object_add(result, "instances", list);
	return result;
}

/* {"command":"vrrp","action":"dump","format":"json"|"stats"|"data"}:
 * keepalived's dump files (vrrp_dump.h), for the parent's signals. */
static bool vrrp_worker_is_dump(json_object *req)
{
	json_object *action;

	return json_object_object_get_ex(req, "action", &action)
	       && json_object_is_type(action, json_type_string)
	       && strcmp(json_object_get_string(action), "dump") == 0;
}

static json_object *vrrp_worker_dump(struct vrrp_worker *vw, json_object *req)
{
	json_object *format, *status, *result;
	const char *f;
	char *text = NULL;

	if (!json_object_object_get_ex(req, "format", &format)
	    || !json_object_is_type(format, json_type_string))
		return ctl_response_error("\"format\" must be json, stats or data");
	f = json_object_get_string(format);
	status = vrrp_worker_status(vw, NULL);
	result = json_object_new_object();
	if (strcmp(f, "json") == 0)
		json_object_object_add(result, "content", vrrp_dump_json(status, vw->rt.vc));
	else if (strcmp(f, "stats") == 0)
		text = vrrp_dump_stats(status);
	else if (strcmp(f, "data") == 0)
		text = vrrp_dump_data(status, vw->rt.vc, vw->global);
	json_object_put(status);
	if (text) {
		json_object_object_add(result, "content", json_object_new_string(text));
		free(text);
	}
	if (!json_object_object_length(result)) {
		json_object_put(result);
		return ctl_response_error("\"format\" must be json, stats or data");
	}
	return ctl_response_ok(result);
}

/* {"command":"vrrp","action":"demote"|"maintenance"|"release",
 *  "instance":NAME|"all","hold_s":N}.  Each instance's answer says what
 * was done; an instance that is not master is held, not refused. */
static json_object *vrrp_worker_command(void *state, json_object *req)
{
	struct vrrp_worker *vw = state;
	enum vrrp_manual_action action;
	struct ptr_array targets = { 0 };
	json_object *name, *response;
	uint64_t hold_ms;
	char msg[160];

	if (vrrp_worker_is_dump(req))
		return vrrp_worker_dump(vw, req);
	if (!manual_action_of(req, &action))
		return ctl_response_error("\"action\" must be demote, maintenance or release");
	if (!json_object_object_get_ex(req, "instance", &name)
	    || !json_object_is_type(name, json_type_string))
		return ctl_response_error("\"instance\" must name a VRRP instance, or all");
	if (!manual_hold_of(req, &hold_ms))
		return ctl_response_error("\"hold_s\" must be a whole number of seconds, 0 to 31536000");
	if (!manual_targets(vw, json_object_get_string(name), &targets)) {
		snprintf(msg, sizeof(msg), "no such VRRP instance: %s", json_object_get_string(name));
		return ctl_response_error(msg);
	}
	response = ctl_response_ok(manual_apply(&targets, action, hold_ms));
	ptr_array_free(&targets, NULL);
	return response;
}

/* Called by the worker's stop path (SIGTERM, `vigilctl stop`, parent
 * gone) before it exits: every instance resigns (priority 0 advert, VIPs
 * removed) synchronously, then the handles close and the loop ends. */
static bool keep_vips_at_stop;

void vrrp_worker_keep_vips_at_stop(bool keep)
{
	keep_vips_at_stop = keep;
}

static void vrrp_worker_stop(void *state)
{
	struct vrrp_worker *vw = state;

	vw->rt.worker_stopping = true;
	vw->rt.keep_vips_at_stop = keep_vips_at_stop;
	if (vw->rt.keep_vips_at_stop)
		vrrp_vmac_set_keep_links(vw->rt.vmacs);
	free_groups(vw);
	for (size_t i = 0; i < vw->instances.count; i++)
		stop_instance(vw->instances.items[i]);
	ptr_array_free(&vw->instances, NULL);
	vrrp_lvs_sync_stop();
	vrrp_snmp_view_stop();
	smtp_alert_close();
	close_edges(vw);
	free(vw);
}

const struct worker_ops vrrp_worker_ops = {
	.kind = WORKER_VRRP,
	.start = vrrp_worker_start,
	.reload = vrrp_worker_reload,
	.status = vrrp_worker_status,
	.command = vrrp_worker_command,
	.stop = vrrp_worker_stop,
};
