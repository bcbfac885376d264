/* Link state of every interface, for track_interface and an instance's
 * own interface, from rtnetlink (libnl-route-3).
 *
 * One netlink socket joins RTNLGRP_LINK, takes a full dump of the links
 * when started (synchronously: the table is complete when start returns)
 * and is then read from the libuv loop through uv_poll.  An interface is
 * up, as keepalived counts it, when it is administratively up (IFF_UP) and
 * the kernel says it is operational (IFF_RUNNING: carrier present and not
 * dormant); `ip link set X down`, a cable pulled and a veth whose peer is
 * down all read as down.
 *
 * If the kernel drops notifications (socket overrun), the monitor dumps
 * the links again and reports whatever differs, links gone included, so a
 * consumer never has to resynchronise by itself. */
#ifndef VIGIL_VRRP_TRACK_IF_H
#define VIGIL_VRRP_TRACK_IF_H

#include <net/if.h>
#include <stdbool.h>
#include <uv.h>

struct vrrp_track_if_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned flags;                 /* IFF_* as the kernel gave them */
	bool up;                        /* IFF_UP and IFF_RUNNING */
	bool present;                   /* false: the interface is gone */
};

struct vrrp_track_if_ops {
	/* A link appeared, went up or down, or disappeared.  A renamed link is
	 * reported as its old name gone, then its new name present, so
	 * consumers that track names need nothing else. */
	void (*on_change)(void *data, const struct vrrp_track_if_link *link);
};

/* Whether IFF_* flags mean up as tracking counts it. */
bool vrrp_track_if_flags_up(unsigned flags);

struct vrrp_track_if;

/* Subscribes, dumps the links and starts watching.  `ops` and `data` must
 * outlive the monitor.  No callback is made for the initial dump.  NULL
 * on failure, with *err (if not NULL) a negative errno. */
struct vrrp_track_if *vrrp_track_if_start(uv_loop_t *loop, const struct vrrp_track_if_ops *ops,
					  void *data, int *err);

/* The link as last reported (NULL: no such interface). */
const struct vrrp_track_if_link *vrrp_track_if_find(const struct vrrp_track_if *mon, int ifindex);
const struct vrrp_track_if_link *vrrp_track_if_find_name(const struct vrrp_track_if *mon,
							 const char *name);
/* Up by name; an interface that does not exist is down. */
bool vrrp_track_if_is_up(const struct vrrp_track_if *mon, const char *name);

/* How many times notifications were lost and the links dumped again. */
unsigned long vrrp_track_if_resyncs(const struct vrrp_track_if *mon);

/* Stops; no callback after this returns.  Memory is released once libuv
 * has closed the poll handle (a loop iteration). */
void vrrp_track_if_stop(struct vrrp_track_if *mon);

#endif
