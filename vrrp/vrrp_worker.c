/* The VRRP worker: the runtime instances of the configuration, the edges
 * they share (raw sockets, netlink, announcement sockets, the VIP
 * monitor), reload as a diff, and status. */
#include "config.h"
#include "vrrp/vrrp_worker.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_socket.h"
#include "vrrp/vrrp_vip.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct vrrp_worker {
	struct vrrp_runtime rt;
	struct ptr_array instances;         /* struct vrrp_instance, in config order */
	struct vrrp_vip_monitor *monitor;
};

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
	vw->monitor = vrrp_vip_monitor_start(loop, &monitor_ops, vw, &err);
	if (!vw->monitor)
		log_error("cannot watch address changes (VIPs removed by hand will not be restored): %s",
			  strerror(-err));
}

static void close_edges(struct vrrp_worker *vw)
{
	if (vw->monitor)
		vrrp_vip_monitor_stop(vw->monitor);
	if (vw->rt.have_announcer)
		vrrp_announcer_close(&vw->rt.announcer);
	if (vw->rt.vip)
		vrrp_vip_close(vw->rt.vip);
	vrrp_socket_set_free(vw->rt.sockets);
}

/* ---- instances ----------------------------------------------------------------------- */

static struct vrrp_instance *start_instance(struct vrrp_worker *vw,
					    const struct vrrp_instance_config *conf)
{
	struct vrrp_instance *inst = vrrp_instance_new(&vw->rt, conf);

	vrrp_instance_start(inst);
	return inst;
}

static void stop_instance(struct vrrp_instance *inst)
{
	vrrp_instance_shutdown(inst);
	vrrp_instance_free(inst);
}

static void log_count(const struct vigil_config *cfg)
{
	size_t n = cfg->vrrp->instances.count;

	log_info("%zu VRRP instance%s configured", n, n == 1 ? "" : "s");
}

static void *vrrp_worker_start(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = XNEW(struct vrrp_worker);
	const struct ptr_array *confs = &cfg->vrrp->instances;

	log_count(cfg);
	open_edges(vw, loop);
	for (size_t i = 0; i < confs->count; i++)
		ptr_array_push(&vw->instances, start_instance(vw, confs->items[i]));
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
 * resigns and a new one starts. */
static struct vrrp_instance *carry_over(struct vrrp_worker *vw, struct vrrp_instance *old,
					const struct vrrp_instance_config *old_conf,
					const struct vrrp_instance_config *conf)
{
	enum vrrp_instance_change change = vrrp_instance_config_diff(old_conf, conf);

	if (change != VRRP_CHANGE_RECREATE && !vrrp_instance_failed(old)) {
		vrrp_instance_reconfigure(old, conf);
		if (change == VRRP_CHANGE_IN_PLACE)
			log_info("VRRP instance %s: %s", conf->name, vrrp_instance_change_names[change]);
		return old;
	}
	log_info("VRRP instance %s: configuration changed; restarting it", conf->name);
	stop_instance(old);
	return start_instance(vw, conf);
}

/* Removed instances resign first (priority 0, VIPs removed), so a
 * renamed instance on the same VRID finds its socket slot free. */
static void vrrp_worker_reload(void *state, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = state;
	const struct ptr_array *confs = &cfg->vrrp->instances;
	struct ptr_array old = vw->instances, next = { 0 };

	log_count(cfg);
	for (size_t i = 0; i < old.count; i++) {
		struct vrrp_instance *inst = old.items[i];

		if (!vrrp_config_find_instance(cfg->vrrp, vrrp_instance_name(inst))) {
			log_info("VRRP instance %s: removed from the configuration", vrrp_instance_name(inst));
			stop_instance(inst);
			old.items[i] = NULL;
		}
	}
	for (size_t i = 0; i < confs->count; i++) {
		const struct vrrp_instance_config *conf = confs->items[i];
		struct vrrp_instance *inst = take_instance(&old, conf->name);

		ptr_array_push(&next, inst ? carry_over(vw, inst, vrrp_instance_conf(inst), conf)
					   : start_instance(vw, conf));
	}
	ptr_array_free(&old, NULL);
	vw->instances = next;
}

/* ---- status and stop ------------------------------------------------------------------- */

/* Sync groups are parsed but not run yet: their members are listed, the
 * state is INIT, and "implemented": false says why. */
static json_object *sync_group_json(const struct vrrp_sync_group_config *g)
{
	json_object *o = json_object_new_object();
	json_object *members = json_object_new_array();

	for (size_t i = 0; i < g->members.count; i++)
		json_object_array_add(members, json_object_new_string(
			((const struct vrrp_name_ref *)g->members.items[i])->name));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "state", json_object_new_string("INIT"));
	json_object_object_add(o, "implemented", json_object_new_boolean(false));
	json_object_object_add(o, "members", members);
	return o;
}

static json_object *vrrp_worker_status(void *state, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = state;
	json_object *o = json_object_new_object();
	json_object *instances = json_object_new_array();
	json_object *groups = json_object_new_array();

	for (size_t i = 0; i < vw->instances.count; i++)
		json_object_array_add(instances, vrrp_instance_status_json(vw->instances.items[i]));
	for (size_t i = 0; i < cfg->vrrp->sync_groups.count; i++)
		json_object_array_add(groups, sync_group_json(cfg->vrrp->sync_groups.items[i]));
	json_object_object_add(o, "instances", instances);
	json_object_object_add(o, "sync_groups", groups);
	return o;
}

/* Called by the worker's stop path (SIGTERM, `vigilctl stop`, parent
 * gone) before it exits: every instance resigns (priority 0 advert, VIPs
 * removed) synchronously, then the handles close and the loop ends. */
static void vrrp_worker_stop(void *state)
{
	struct vrrp_worker *vw = state;

	for (size_t i = 0; i < vw->instances.count; i++)
		stop_instance(vw->instances.items[i]);
	ptr_array_free(&vw->instances, NULL);
	close_edges(vw);
	free(vw);
}

const struct worker_ops vrrp_worker_ops = {
	.kind = WORKER_VRRP,
	.start = vrrp_worker_start,
	.reload = vrrp_worker_reload,
	.status = vrrp_worker_status,
	.stop = vrrp_worker_stop,
};
