/* IPVS generic netlink attributes <-> vigil's plain types.  Pure: it
 * builds and reads struct nl_msg contents and never touches a socket, so
 * a message built here can be parsed back by the unit tests.
 *
 * Kernel 6.1 layout: a request carries IPVS_CMD_ATTR_SERVICE (and, for a
 * destination, IPVS_CMD_ATTR_DEST) as nested attributes; dump replies carry
 * the same nests, destinations with their counters in IPVS_DEST_ATTR_STATS64
 * (or the older 32-bit IPVS_DEST_ATTR_STATS). */
#ifndef VIGIL_LVS_MSG_H
#define VIGIL_LVS_MSG_H

#include "lvs.h"

#include <netlink/msg.h>
#include <stdbool.h>

/* The service flags user space chooses; the kernel adds IP_VS_SVC_F_HASHED
 * to every service it holds, so it is never a difference worth an edit. */
#define LVS_SVC_FLAGS_SETTABLE 0x003du   /* PERSISTENT|ONEPACKET|SCHED1..3 */

/* The persistence granularity as the kernel stores it: 0 in `netmask`
 * means "one client address" (255.255.255.255 / 128). */
uint32_t lvs_service_netmask(const struct lvs_service *svc);

/* Append IPVS_CMD_ATTR_SERVICE.  `full` adds the settings NEW/SET need
 * (scheduler, flags, timeout, netmask, pe); without it only the key, as
 * DEL_SERVICE and the destination commands want.  0 or -EMSGSIZE. */
int lvs_msg_put_service(struct nl_msg *msg, const struct lvs_service *svc, bool full);
/* Append IPVS_CMD_ATTR_DEST; `full` as above (forwarding, weight,
 * thresholds, tunnel settings).  0 or -EMSGSIZE. */
int lvs_msg_put_dest(struct nl_msg *msg, const struct lvs_dest *d, bool full);
/* Append IPVS_CMD_ATTR_DAEMON for NEW_DAEMON (every field) or DEL_DAEMON
 * (`full` false: state and interface). */
int lvs_msg_put_daemon(struct nl_msg *msg, const struct lvs_sync_daemon *d, bool full);
/* Append the IPVS_CMD_ATTR_TIMEOUT_* attributes that are nonzero. */
int lvs_msg_put_timeouts(struct nl_msg *msg, uint32_t tcp_s, uint32_t tcpfin_s, uint32_t udp_s);

/* Read the service of a generic netlink message (a GET_SERVICE dump entry
 * or a request built above).  0, or -EINVAL when the key is incomplete or
 * an attribute has the wrong size. */
int lvs_msg_parse_service(struct nlmsghdr *nlh, struct lvs_service *out);
/* Read the destination of a GET_DEST dump entry; a destination without
 * IPVS_DEST_ATTR_ADDR_FAMILY takes `svc_family`; its counters into `stats`
 * unless NULL.  0 or -EINVAL. */
int lvs_msg_parse_dest(struct nlmsghdr *nlh, int svc_family, struct lvs_dest *out,
		       struct lvs_dest_stats *stats);
/* Read IPVS_CMD_ATTR_DAEMON (a GET_DAEMON entry or a request built above). */
int lvs_msg_parse_daemon(struct nlmsghdr *nlh, struct lvs_sync_daemon *out);

#endif
