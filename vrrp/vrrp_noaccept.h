/* no_accept (RFC 5798 Accept_Mode false, 6.4.3 and 8.3) through
 * nftables: a master that is not the address owner must not accept
 * packets addressed to its virtual addresses.  One table (family inet)
 * per VRRP worker holds two sets of VIPs and an input chain dropping what
 * is addressed to them; instances add their VIPs on becoming master and
 * remove them on leaving.  The edge only: which instance filters is the
 * caller's decision. */
#ifndef VIGIL_VRRP_NOACCEPT_H
#define VIGIL_VRRP_NOACCEPT_H

#include "conf_value.h"

#include <stdbool.h>
#include <stdint.h>

/* vigil's own default: keepalived's "keepalived" would collide with a
 * keepalived running on the same host. */
#define VRRP_NOACCEPT_TABLE_DEFAULT "vigil"

struct vrrp_noaccept_settings {
	const char *table;       /* NULL: VRRP_NOACCEPT_TABLE_DEFAULT */
	int32_t priority;        /* of the input hook (nftables_priority) */
	bool counters;           /* a counter on the drop rules (nftables_counters) */
};

struct vrrp_noaccept;

/* Removes a table of that name left by an earlier run (a crash or kill -9
 * leaves its VIPs filtered); the table itself is created by the first
 * add.  NULL only when libnftables has no context to give. */
struct vrrp_noaccept *vrrp_noaccept_new(const struct vrrp_noaccept_settings *s);
/* Removes the table if it was created, and frees.  NULL is fine. */
void vrrp_noaccept_free(struct vrrp_noaccept *na);

/* Drops / stops dropping packets to `addr` (its prefix is ignored).
 * 0, or -1 after logging nft's message. */
int vrrp_noaccept_add(struct vrrp_noaccept *na, const struct vigil_addr *addr);
int vrrp_noaccept_del(struct vrrp_noaccept *na, const struct vigil_addr *addr);

/* The table's name (for status and tests). */
const char *vrrp_noaccept_table(const struct vrrp_noaccept *na);

#endif
