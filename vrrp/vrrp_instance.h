/* The VRRP runtime of one vrrp_instance: built from its (plain) config,
 * it owns a state machine (vrrp_fsm.h) and carries out what the machine
 * asks through the edges: the shared raw socket (vrrp_socket.h), netlink
 * for the VIPs (vrrp_vip.h), gratuitous ARP / unsolicited NA
 * (vrrp_announce.h), and libuv timers.
 *
 * Tracked objects (vrrp_instance_track.c) move the effective priority
 * and hold the instance in FAULT; sync groups (vrrp_sync.h) move members
 * together; every transition is told to the notifier from the state
 * machine's one hook (vrrp_instance_notify.c).
 *
 * With use_vmac the instance runs on a VMAC (vrrp_vmac.h): its VIPs go
 * there, and so do its adverts unless vmac_xmit_base keeps them on the
 * base interface.
 *
 * Not implemented here yet (later work, never faked): AH
 * authentication, vrrp_strict extras. */
#ifndef VIGIL_VRRP_INSTANCE_H
#define VIGIL_VRRP_INSTANCE_H

#include "conf_value.h"
#include "vrrp/vrrp_announce.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_track.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <uv.h>

struct vrrp_socket_set;
struct vrrp_vip_ctx;
struct vrrp_vmac_set;
struct vrrp_trackers;
struct vrrp_notifier;
struct vrrp_sync_group;

/* What the instances of the worker share; the worker owns it. */
struct vrrp_runtime {
	uv_loop_t *loop;
	struct vrrp_socket_set *sockets;
	struct vrrp_vip_ctx *vip;           /* NULL: no netlink, VIPs cannot be set */
	struct vrrp_announcer announcer;
	bool have_announcer;                /* false: no GARP / NA can be sent */
	struct vrrp_vmac_set *vmacs;        /* NULL: no netlink, use_vmac cannot start */
	const char *vmac_prefix;            /* global vmac_prefix; NULL: "vrrp" */
	/* The configuration running: tracking looks tracked objects up in
	 * it (their weights); updated on reload. */
	const struct vrrp_config *vc;
	struct vrrp_trackers *trackers;     /* NULL: objects read as up / 0 */
	struct vrrp_notifier *notifier;     /* NULL: no notifications */
	struct vrrp_noaccept *noaccept;     /* NULL: no_accept cannot be enforced */
	/* vigild -V: a master stopping with the worker still resigns (priority
	 * 0 advert) but leaves its VIPs, routes and rules where they are. */
	bool keep_vips_at_stop;
	bool worker_stopping;               /* set once the worker's stop begins */
};

struct vrrp_instance;

/* Builds the runtime in INIT; nothing happens until start.  `conf` must
 * stay valid until the instance is freed or reconfigured. */
struct vrrp_instance *vrrp_instance_new(struct vrrp_runtime *rt,
					const struct vrrp_instance_config *conf);

/* Builds (or, on reload, rebuilds) the instance's tracking from rt->vc
 * and its sync group, seeded from rt->trackers.  Before start nothing is
 * fed to the machine; on a running instance the differences are. */
void vrrp_instance_track_init(struct vrrp_instance *inst);

/* A monitor's report (vrrp_runtime_track.h): updates the instance's
 * tracked objects of that kind and name, and feeds the machine what the
 * change amounts to (PRIORITY_CHANGED, FAULT, FAULT_CLEARED, through the
 * sync group when there is one). */
void vrrp_instance_track_up(struct vrrp_instance *inst, enum vrrp_track_kind kind,
			    const char *name, bool up);
void vrrp_instance_track_value(struct vrrp_instance *inst, const char *name, int64_t value);

/* A link appeared or disappeared (vrrp_runtime_track.h's link_changed).
 * use_vmac: its VMAC deleted behind vigil's back is made again (and the
 * instance is in FAULT while it cannot be); its base coming back brings
 * the VMAC back (vrrp_instance_vmac.c). */
void vrrp_instance_link_changed(struct vrrp_instance *inst, const char *name, int ifindex,
				bool present);

/* The operator's base priority (SNMP's vrrpInstanceBasePriority, 1..254,
 * not for an address owner): tracking adjusts it from now on, and the
 * machine gets the new effective priority at once.  The tracking's
 * rebuild at the next reload restores the configured priority.  The
 * base priority now: vrrp_instance_base_priority. */
void vrrp_instance_set_base_priority(struct vrrp_instance *inst, uint8_t priority);
uint8_t vrrp_instance_base_priority(const struct vrrp_instance *inst);

/* Brings FAULT in line with the instance's own tracking and its sync
 * group's: feeds FAULT or FAULT_CLEARED when the machine disagrees. */
void vrrp_instance_reconcile_fault(struct vrrp_instance *inst);

/* The sync group it belongs to (NULL: none); vrrp_sync.c sets it. */
struct vrrp_sync_group *vrrp_instance_group(const struct vrrp_instance *inst);

/* Removed by a reload: its final notification says FAULT, or DELETED
 * with notify_deleted, rather than STOP (keepalived's rule). */
void vrrp_instance_mark_deleted(struct vrrp_instance *inst);

/* Removes VIPs a previous run may have left, opens and joins the socket,
 * feeds the tracked objects' state (priority, FAULT), then STARTUP.  False (logged, and shown in status as "error")
 * when the instance cannot run; it stays in INIT. */
bool vrrp_instance_start(struct vrrp_instance *inst);

/* SHUTDOWN: a master sends priority 0 and removes its VIPs.  The state
 * becomes STOP.  Safe on an instance that never started. */
void vrrp_instance_shutdown(struct vrrp_instance *inst);

/* Closes the handles; the memory goes once libuv has closed them. */
void vrrp_instance_free(struct vrrp_instance *inst);

const char *vrrp_instance_name(const struct vrrp_instance *inst);
/* The configuration it runs. */
const struct vrrp_instance_config *vrrp_instance_conf(const struct vrrp_instance *inst);
/* vrrp_instance_start() failed: it never ran. */
bool vrrp_instance_failed(const struct vrrp_instance *inst);

/* The operator's failback control (`vigilctl vrrp`), for this instance
 * alone (the worker spreads a command over a sync group):
 *  - DEMOTE: a MASTER hands over now (priority 0 advert, VIPs removed,
 *    BACKUP); in any state the instance is then held out of MASTER for
 *    hold_ms (0: until RELEASE), so the peer is not preempted straight
 *    back; when the hold ends it follows the RFC again;
 *  - MAINTENANCE: the same, held until RELEASE;
 *  - RELEASE: ends a hold at once.
 * The last command decides: a demote replaces an indefinite hold by its
 * own, a maintenance cancels a demote's timer.  Returns what it did, for
 * the operator ("handed over; held for 10 s", "was BACKUP: held until
 * released", "released", "was not held"). */
enum vrrp_manual_action {
	VRRP_MANUAL_DEMOTE,
	VRRP_MANUAL_MAINTENANCE,
	VRRP_MANUAL_RELEASE,
	VRRP_MANUAL_COUNT
};
/* "demote", "maintenance", "release" (the control protocol's words). */
extern const char *const vrrp_manual_action_names[VRRP_MANUAL_COUNT];
const char *vrrp_instance_manual(struct vrrp_instance *inst, enum vrrp_manual_action action,
				 uint64_t hold_ms, char *note, size_t note_len);

/* The instance's object in `vigilctl status --json`. */
json_object *vrrp_instance_status_json(const struct vrrp_instance *inst);

/* Reload: how an instance moves from config `a` to config `b`. */
enum vrrp_instance_change {
	VRRP_CHANGE_NONE,           /* nothing the runtime uses differs */
	VRRP_CHANGE_IN_PLACE,       /* vrrp_instance_reconfigure() applies it */
	VRRP_CHANGE_RECREATE,       /* shut down, then a new instance */
};
extern const char *const vrrp_instance_change_names[];
enum vrrp_instance_change vrrp_instance_config_diff(const struct vrrp_instance_config *a,
						    const struct vrrp_instance_config *b);
/* Points the instance at `conf` (which diff said is NONE or IN_PLACE
 * from the current one) and applies what changed. */
void vrrp_instance_reconfigure(struct vrrp_instance *inst,
			       const struct vrrp_instance_config *conf);

/* The VIP monitor saw `addr` leave interface `ifindex`: a MASTER puts
 * its own VIP back and says so at warning. */
void vrrp_instance_address_removed(struct vrrp_instance *inst, int ifindex,
				   const struct vigil_addr *addr);
/* Notifications were lost: a MASTER checks every VIP and restores any
 * missing. */
void vrrp_instance_check_vips(struct vrrp_instance *inst);

#endif
