/* The tracked objects of the VRRP worker: one set of monitors shared by
 * every instance, reporting changes by kind and name.
 *
 *  - one link monitor (vrrp_track_if) for every interface, whether an
 *    instance's own or listed in track_interface;
 *  - one vrrp_script tracker per vrrp_script that some instance or sync
 *    group tracks (keepalived runs a script only when something tracks
 *    it), all sharing one script runner;
 *  - one track_file watcher per track_file that something tracks;
 *  - one process monitor (vrrp_track_process) for every tracked
 *    vrrp_track_process.
 *
 * Instances keep their own view (struct vrrp_track_set): they are seeded
 * from vrrp_trackers_seed() when built, then updated from the callbacks.
 *
 * Reload (vrrp_trackers_reload): a script tracker or file watcher whose
 * settings did not change is kept with its state, so an instance held in
 * FAULT by a failing script does not flap while the new configuration
 * comes in; changed or new ones start afresh, ones no longer tracked are
 * stopped.  The process monitor is recreated when the tracked process
 * set changed (its first scan is synchronous, so states are current at
 * once); the link monitor is kept. */
#ifndef VIGIL_VRRP_RUNTIME_TRACK_H
#define VIGIL_VRRP_RUNTIME_TRACK_H

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_track.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

struct vrrp_trackers_ops {
	/* An interface, script or process went up or down (kind
	 * VRRP_TRACK_INTERFACE for interfaces, own or tracked). */
	void (*up_changed)(void *data, enum vrrp_track_kind kind, const char *name, bool up);
	/* A track_file's value changed. */
	void (*value_changed)(void *data, const char *name, int64_t value);
	/* Any link appeared or disappeared (`present`), tracked or not, with
	 * its ifindex: a VMAC deleted behind vigil's back, or its base coming
	 * back, is seen here.  Called before up_changed.  NULL: not wanted. */
	void (*link_changed)(void *data, const char *name, int ifindex, bool present);
};

/* Who a vrrp_script runs as: filled by the worker from global_defs
 * (global_script_policy_for).  False: the user does not exist; the
 * script is then not run and stays in its initial state. */
typedef bool vrrp_trackers_user_fn(void *data, const struct vrrp_script_config *conf,
				   uid_t *uid, gid_t *gid);

struct vrrp_trackers;

/* Starts what `vc` tracks.  `ops`, `data` and `user` must outlive it.
 * Monitors that cannot start are logged; their objects then read as up
 * (interfaces, processes) so that a missing monitor does not hold every
 * instance in FAULT. */
struct vrrp_trackers *vrrp_trackers_new(uv_loop_t *loop, const struct vrrp_config *vc,
					const struct vrrp_trackers_ops *ops,
					vrrp_trackers_user_fn *user, void *data);
void vrrp_trackers_reload(struct vrrp_trackers *t, const struct vrrp_config *vc);
/* Stops every monitor; no callback afterwards. */
void vrrp_trackers_free(struct vrrp_trackers *t);

/* Writes the current state of every object into `set`'s items. */
void vrrp_trackers_seed(const struct vrrp_trackers *t, struct vrrp_track_set *set);

/* [...]: each running vrrp_script tracker's status. */
json_object *vrrp_trackers_status_json(const struct vrrp_trackers *t);

#endif
