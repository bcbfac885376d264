/* Shared between the vrrp_instance*.c files and vrrp_sync.c only. */
#ifndef VIGIL_VRRP_INSTANCE_PRIVATE_H
#define VIGIL_VRRP_INSTANCE_PRIVATE_H

#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_notify.h"
#include "vrrp/vrrp_socket.h"
#include "vrrp/vrrp_timer.h"
#include "log.h"

#include <net/if.h>

#include "vrrp/vrrp_packet.h"
#include "vrrp/vrrp_ah.h"

/* Drops decided by the instance rather than the codec. */
enum vrrp_instance_drop {
	VRRP_DROP_NOT_FROM_PEER,        /* unicast: source is not a unicast_peer */
	VRRP_DROP_INTERVAL_MISMATCH,    /* v2: interval differs (RFC 3768 7.1) */
	VRRP_DROP_WE_ARE_OWNER,         /* we have priority 255 (RFC 5798 7.1) */
	VRRP_DROP_TTL_OUT_OF_RANGE,     /* unicast: TTL outside the peer's min_ttl..max_ttl */
	VRRP_DROP_COUNT
};
extern const char *const vrrp_instance_drop_names[VRRP_DROP_COUNT];

/* The announcements after becoming master (keepalived's GARP keywords):
 * a burst of garp_master_repeat rounds at once, another after
 * garp_master_delay, and garp_master_refresh_repeat rounds every
 * garp_master_refresh.  Rounds of a burst are paced by garp_interval
 * (IPv4) / gna_interval (IPv6). */
enum vrrp_garp_timer { VRRP_GARP_PACE, VRRP_GARP_DELAY, VRRP_GARP_REFRESH, VRRP_GARP_NA_RETRY,
		       VRRP_GARP_TIMERS };
/* Unsolicited NAs waiting for the interface's link-local address to
 * finish DAD (vrrp_instance_vips.c). */
struct vrrp_na_retry;

/* use_vmac: the VMAC an instance holds, from its start to its free
 * (vrrp_instance_vmac.c).  While the VMAC is lost (deleted behind our
 * back and not made again yet) the instance is held in FAULT for
 * `error`, and retry_timer retries every retry_ms. */
struct vrrp_instance_vmac {
	char name[IF_NAMESIZE];
	char *error;
	uv_timer_t *retry_timer;            /* NULL: no retry due */
	uint64_t retry_ms;
	uint64_t recreated;                 /* times made again */
	struct log_ratelimit rl;
};

/* What peers got wrong: the drop counters and their log rate limits,
 * allocated at the first drop or mismatch (vrrp_instance_rx.c), as most
 * instances never see one.  The counters are 64-bit: they feed SNMP
 * Counter64s and the metrics. */
struct vrrp_instance_rx_errors {
	uint64_t drops[VRRP_RX_VERDICT_COUNT];
	uint64_t instance_drops[VRRP_DROP_COUNT];
	uint64_t addr_list_mismatch;        /* counted and logged, not dropped */
	struct log_ratelimit rl_drop, rl_mismatch;
};

/* Fields are grouped by size as well as by concern, so the struct has no
 * padding holes: there is one per instance, and a worker may run
 * thousands.  Parts most instances never use (the VMAC, what peers got
 * wrong) are allocated when first needed, and the libuv timers that run
 * only now and then (GARP pacing, an operator's hold, VMAC retries) are
 * pointers, opened when started and closed when done
 * (vrrp_instance_timer_start / _close); tests/unit/test_vrrp_instance.c
 * guards the size. */
struct vrrp_instance {
	struct vrrp_runtime *rt;
	const struct vrrp_instance_config *conf;
	char *name;                         /* the FSM's log name (it keeps a pointer) */
	char *error;                        /* why it could not start; NULL: none */
	struct vrrp_fsm fsm;

	struct vrrp_socket *sock;
	/* The machine's timers, precise to microseconds (vrrp_timer.h). */
	struct vrrp_precise_timer timers[VRRP_TIMER_COUNT];
	/* The announcements' timers, each opened while it runs. */
	uv_timer_t *garp_timers[VRRP_GARP_TIMERS];
	struct vrrp_na_retry *na_retry;     /* NULL: none waiting */
	struct vrrp_instance_vmac *vmac;    /* NULL: no VMAC held */
	struct vrrp_instance_rx_errors *rx_errors; /* NULL: no drop yet */
	/* virtual_routes / virtual_rules: a netlink socket opened when the
	 * instance has any (vrrp_instance_vips.c). */
	struct vrrp_route_ctx *route_ctx;
	struct vrrp_sync_group *sync;       /* NULL: not in a sync group */
	/* Said of the next transition / the last one (NULL: the machine's
	 * reason name is all there is to say). */
	char *pending_detail, *transition_detail;
	/* The operator's hold (vrrp_instance_manual.c): a demote's timer
	 * feeds MAINTENANCE_OFF; held_until_wall_us is its realtime end
	 * (0: no timer; held until released, or not held at all). */
	uv_timer_t *hold_timer;
	uint64_t held_until_wall_us;

	uint64_t transition_wall_us;        /* realtime of the last transition */
	uint64_t send_errors, vip_errors, vips_restored, gratuitous_sent;
	uint64_t route_errors;              /* virtual_routes / virtual_rules */
	uint64_t notifications;             /* handed to the notifier */
	struct log_ratelimit rl_send, rl_route;

	/* Tracking: the objects as last reported, and what they made of
	 * the instance (track_result.fault: its own fault, without the
	 * group's). */
	struct vrrp_track_set track;
	struct vrrp_track_result track_result;

	struct vrrp_packet_ctx pctx;
	struct vigil_addr group;            /* multicast: the group joined */
	struct vigil_addr src;              /* what we send from: our primary address */
	/* auth_type AH: the sequence number and IP identification counters
	 * (vrrp_ah.h; sent and received adverts share them). */
	struct vrrp_ah_seq ah;
	int ifindex;                        /* the socket's: where adverts go */
	/* The VIPs go on the VMAC's ifindex with use_vmac, else the
	 * socket's. */
	int vip_ifindex;
	int timer_error;                    /* a negative errno: one did not open */
	unsigned open_handles;              /* closed one by one before the free */
	unsigned garp_rounds_left;          /* of the burst being paced */
	uint8_t vrid;
	bool started;
	bool unicast;                       /* unicast_peer given */
	bool subscribed, joined;
	/* A peer sent the pre-1.3.6 unicast checksum and we answer in kind
	 * (old_unicast_checksum not "never"; vrrp_instance_rx.c). */
	bool old_csum_from_peer;
	/* The VMAC disappeared and is not back yet (vrrp_instance_vmac.c). */
	bool vmac_lost;
	bool vips_installed;                /* we added the VIPs and have not removed them */
	bool noaccept_active;               /* its VIPs are in the no_accept sets */
	bool track_built;
	/* The master down timer ran out, but the sync group holds the
	 * takeover until every member wants it (vrrp_sync.c). */
	bool wants_master;
	bool deleted;                       /* removed by a reload */
};

/* vrrp_instance.c: libuv timers opened when started and closed when done.
 * Start opens *slot when it is NULL (handle->data is the instance) and
 * (re)starts it as uv_timer_start does; close stops it and closes it,
 * setting *slot to NULL at once (nothing to do when it is already NULL).
 * An open timer counts in open_handles until its close completes, so an
 * instance freed meanwhile outlives it. */
void vrrp_instance_timer_start(struct vrrp_instance *inst, uv_timer_t **slot, uv_timer_cb cb,
			       uint64_t timeout_ms, uint64_t repeat_ms);
void vrrp_instance_timer_close(uv_timer_t **slot);

/* vrrp_instance_track.c */
/* Feeds the tracked state to a machine in INIT, before STARTUP. */
void vrrp_instance_track_start(struct vrrp_instance *inst);
/* The detail recorded with the next transition (copied; NULL: none). */
void vrrp_instance_set_pending_detail(struct vrrp_instance *inst, const char *detail);
/* Reconciles FAULT through the sync group when there is one. */
void vrrp_instance_reconcile_scope(struct vrrp_instance *inst);
json_object *vrrp_instance_tracking_json(const struct vrrp_instance *inst);
void vrrp_instance_track_free(struct vrrp_instance *inst);

/* vrrp_instance_notify.c: the notifications of a transition, and of a
 * master hearing a lower priority advert. */
void vrrp_instance_notify_transition(struct vrrp_instance *inst, const struct vrrp_transition *t);
void vrrp_instance_notify_event(struct vrrp_instance *inst, enum vrrp_notify_event event);


/* vrrp_instance_tx.c */
void vrrp_instance_setup_packet_ctx(struct vrrp_instance *inst);
/* Whether adverts could use the old unicast checksum (v3, IPv4, unicast). */
bool vrrp_instance_old_csum_applies(const struct vrrp_instance *inst);
void vrrp_instance_send_advert(struct vrrp_instance *inst, uint8_t priority);

/* vrrp_instance_rx.c */
vrrp_socket_rx_fn vrrp_instance_receive;

/* vrrp_instance_vips.c */
void vrrp_instance_add_vips(struct vrrp_instance *inst);
void vrrp_instance_remove_vips(struct vrrp_instance *inst);
void vrrp_instance_remove_stale_vips(struct vrrp_instance *inst);
/* A master's VMAC was made again: its VIPs and routes go back on it. */
void vrrp_instance_reinstall_vips(struct vrrp_instance *inst);
/* After a reload changed accept / no_accept: a master's VIPs go into or
 * out of the no_accept sets. */
void vrrp_instance_noaccept_update(struct vrrp_instance *inst);
void vrrp_instance_announce_start(struct vrrp_instance *inst);
void vrrp_instance_announce_stop(struct vrrp_instance *inst);
/* Closes the routes' netlink socket (at free). */
void vrrp_instance_routes_free(struct vrrp_instance *inst);

/* vrrp_instance.c: the advert socket, on the VMAC or the interface.
 * Open returns 0, or a negative errno with *what saying which step
 * failed (-EADDRINUSE: another instance runs the VRID there). */
int vrrp_instance_open_socket(struct vrrp_instance *inst, const char **what);
void vrrp_instance_close_socket(struct vrrp_instance *inst);

/* vrrp_instance_vmac.c */
/* The VMAC `name` was acquired at start, on `ifindex`. */
void vrrp_instance_vmac_init(struct vrrp_instance *inst, const char *name, int ifindex);
/* Stops the retries (stop, shutdown). */
void vrrp_instance_vmac_stop(struct vrrp_instance *inst);
/* Lets the VMAC go (at free): retries stopped, the name released. */
void vrrp_instance_vmac_free(struct vrrp_instance *inst);

/* vrrp_instance_manual.c */
/* Ends a demote's hold timer (a new command, shutdown, free). */
void vrrp_instance_manual_stop(struct vrrp_instance *inst);
/* Realtime now, in microseconds. */
uint64_t vrrp_instance_wall_us(void);

/* Round up to whole milliseconds for libuv; see vrrp_instance.c. */
uint64_t vrrp_instance_us_to_ms(uint64_t us);

#endif
