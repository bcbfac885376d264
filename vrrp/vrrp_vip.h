/* Virtual addresses through netlink (libnl-route-3): add, delete and look
 * up one virtual_ipaddress line on an interface, and watch the kernel's
 * address notifications so the VRRP runtime can put back a VIP removed
 * behind vigil's back while master.
 *
 * This is the only VRRP code that talks rtnetlink about addresses; the
 * state machine sees it through these few calls.
 *
 * Errors are returned as a negative errno value (0 is success) so callers
 * can log strerror(-rc); nothing here is fatal and nothing here logs.
 * Adding an address already present and deleting an absent one succeed:
 * the runtime asks for a state, not for a change.
 *
 * Options honoured from struct vrrp_ipaddress_config, as `ip address add`
 * and keepalived use them: prefix length, brd (address, '+' or '-'),
 * scope, label, peer, home, nodad, mngtmpaddr, noprefixroute, autojoin,
 * preferred_lft.  IPv6 VIPs get preferred_lft 0 unless the line says
 * otherwise (as keepalived does), so the kernel never picks a VIP as the
 * source of a connection, and always IFA_F_NODAD, so a new master can use
 * the address at once instead of after a second of DAD.
 * no_track and use_vmac are for the runtime (tracking, which interface),
 * not for the kernel. */
#ifndef VIGIL_VRRP_VIP_H
#define VIGIL_VRRP_VIP_H

#include "conf_value.h"
#include "vrrp/vrrp_conf.h"

#include <stdbool.h>
#include <uv.h>

/* A netlink route socket for address requests; one per worker. */
struct vrrp_vip_ctx;

/* Opens the socket.  NULL on failure, with *err (if not NULL) set to a
 * negative errno. */
struct vrrp_vip_ctx *vrrp_vip_open(int *err);
void vrrp_vip_close(struct vrrp_vip_ctx *ctx);

/* The interface an address line goes on: its own `dev` when given,
 * otherwise default_ifindex (the instance's interface, or its VMAC).
 * Returns the ifindex, or -ENODEV when `dev` names no interface. */
int vrrp_vip_ifindex(const struct vrrp_ipaddress_config *ip, int default_ifindex);

/* Adds the address with its options on the interface chosen as
 * vrrp_vip_ifindex() says.  0 when added or already there. */
int vrrp_vip_add(struct vrrp_vip_ctx *ctx, const struct vrrp_ipaddress_config *ip,
		 int default_ifindex);

/* Deletes it.  0 when deleted or not there. */
int vrrp_vip_del(struct vrrp_vip_ctx *ctx, const struct vrrp_ipaddress_config *ip,
		 int default_ifindex);

/* Whether `addr` (prefix length ignored) is on interface `ifindex`:
 * 1 yes, 0 no, negative errno on failure. */
int vrrp_vip_present(struct vrrp_vip_ctx *ctx, int ifindex, const struct vigil_addr *addr);

/* What the monitor reports.  Every change is reported, vigil's own ones
 * too: the runtime knows which removals it made itself. */
struct vrrp_vip_monitor_ops {
	/* An address (with its prefix length) left interface `ifindex`. */
	void (*on_address_removed)(void *data, int ifindex, const struct vigil_addr *addr);
	/* An address appeared; NULL when not wanted. */
	void (*on_address_added)(void *data, int ifindex, const struct vigil_addr *addr);
	/* The kernel dropped notifications (socket overrun): some changes
	 * were missed, so the runtime should check its VIPs with
	 * vrrp_vip_present().  NULL when not wanted. */
	void (*on_resync)(void *data);
};

/* A libnl socket subscribed to RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR,
 * read from the libuv loop (uv_poll on its file descriptor). */
struct vrrp_vip_monitor;

/* Starts watching.  `ops` and `data` must outlive the monitor.  NULL on
 * failure, with *err (if not NULL) set to a negative errno. */
struct vrrp_vip_monitor *vrrp_vip_monitor_start(uv_loop_t *loop,
						const struct vrrp_vip_monitor_ops *ops,
						void *data, int *err);
/* Stops watching; no callback is made after this returns.  The memory is
 * released once libuv has closed the poll handle (a loop iteration). */
void vrrp_vip_monitor_stop(struct vrrp_vip_monitor *mon);

#endif
