/* VMAC interfaces (use_vmac): a macvlan on the instance's interface
 * carrying the RFC 5798 7.3 virtual router MAC, 00-00-5E-00-01-{VRID}
 * for IPv4 and 00-00-5E-00-02-{VRID} for IPv6 (or the configured one),
 * so the MAC of the virtual addresses moves with the master and no
 * neighbour has to relearn it after a failover.
 *
 * The macvlan is in private mode.  Besides keeping the VMACs of one base
 * apart, this makes a backup hear the master: a multicast frame whose
 * source MAC is that of a local private macvlan is handed to that
 * macvlan alone, so the master's adverts (sent from the virtual MAC,
 * which the backup's VMAC carries too) reach the backup's VMAC and not
 * its base interface.  Adverts are therefore read on the VMAC unless
 * vmac_xmit_base moves them to the base.
 *
 * What the kernel is told so a VMAC behaves (all through procfs sysctls,
 * set before the interface comes up):
 *  - VMAC arp_ignore=1: answer ARP only for its own addresses.  Every
 *    router of the group has the same VMAC MAC; without this a backup's
 *    VMAC would answer for the host's real address with the shared MAC.
 *  - base arp_ignore=1: the base must not answer for a VIP held on the
 *    VMAC (Linux answers for any local address by default), or
 *    neighbours would learn the base MAC for the VIP.
 *  - VMAC and base arp_announce=2: an ARP request carries the sending
 *    interface's own address, never a VIP with the base MAC (the master
 *    asking for a client in the VIP's name from the base would repoint
 *    the client's entry for the VIP to the base MAC).
 *  - arp_filter is left alone: arp_ignore already decides which
 *    interface answers, and with a VIP in the base's subnet the route
 *    back to the asker may go through either interface, so arp_filter
 *    could silence the one that should answer.
 *  - VMAC rp_filter=0: packets for a VIP arrive on the VMAC while the
 *    route back to the sender goes through the base; strict reverse path
 *    filtering would drop them (net.ipv4.conf.all.rp_filter still wins
 *    if it is 1: a warning says so).
 *  - VMAC IPv6 addr_gen_mode=1 (none): no link-local address from the
 *    shared MAC, hence no DAD or router solicitation sent from a backup
 *    with the master's MAC, and no neighbour answer from it.  IPv6
 *    adverts and NAs leave the VMAC with the base interface's link-local
 *    address as their source (the socket is allowed a non-local source),
 *    so each router keeps a distinct address in the election.
 * The base's original arp_ignore / arp_announce are put back when its
 * last VMAC is deleted.
 *
 * Not done (keepalived does it with firewall rules): keeping IGMP / MLD
 * reports off the VMAC.  A backup joining the VRRP group there reports
 * from the shared MAC, so a switch may send the master's traffic to it
 * until the next advert; a warning names the IPv4 knob that stops it.
 *
 * An interface of the wanted name found at start is reused when it is a
 * private macvlan on the same base with the same MAC (a crash or kill -9
 * left it, or a reload keeps it), replaced when it is another macvlan,
 * and refused when it is anything else.
 *
 * Errors are negative errno values; nothing here logs but the warnings
 * above, the caller says what failed. */
#ifndef VIGIL_VRRP_VMAC_H
#define VIGIL_VRRP_VMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_VMAC_MAC_LEN 6

/* The VMACs of one worker and its netlink socket. */
struct vrrp_vmac_set;

struct vrrp_vmac_set *vrrp_vmac_set_new(int *err);
/* Deletes what is still held or parked. */
void vrrp_vmac_set_free(struct vrrp_vmac_set *set);
/* From now on interfaces are let go of but not deleted (vigild -V at
 * stop: the VIPs they carry stay, and a restart reuses them). */
void vrrp_vmac_set_keep_links(struct vrrp_vmac_set *set);

/* The RFC 5798 MAC for `vrid` and family, or the configured one
 * (`conf_len` 6; 5: the VRID is the last octet; 0: none configured). */
void vrrp_vmac_mac(int family, uint8_t vrid, const uint8_t *conf_mac, size_t conf_len,
		   uint8_t out[VRRP_VMAC_MAC_LEN]);

/* The default name: PREFIX.VRID (prefix NULL: "vrrp"), in `out`. */
void vrrp_vmac_default_name(const char *prefix, uint8_t vrid, char *out, size_t len);

enum vrrp_vmac_setup {
	VRRP_VMAC_CREATED,
	VRRP_VMAC_REUSED,           /* found as wanted (a crash left it, or a reload kept it) */
	VRRP_VMAC_REPLACED,         /* a macvlan of that name but other settings */
	VRRP_VMAC_SETUP_COUNT
};
extern const char *const vrrp_vmac_setup_names[VRRP_VMAC_SETUP_COUNT];

/* Makes interface `name` a private macvlan on `base` with `mac`, set up
 * as above and up.  Returns its ifindex, or a negative errno (-EBUSY:
 * another holder has the name; -EEXIST: the name is taken by an
 * interface that is not a macvlan; -ENODEV: no base).  Each success
 * needs a vrrp_vmac_release. */
int vrrp_vmac_acquire(struct vrrp_vmac_set *set, const char *name, const char *base,
		      const uint8_t mac[VRRP_VMAC_MAC_LEN], enum vrrp_vmac_setup *setup);
/* The held interface `name` disappeared (`ip link del`, or deleted with
 * its base): makes it again on the same base with `mac`, with the same
 * settings, and brings it up.  Returns its new ifindex or a negative
 * errno (-ENODEV: the base is gone; -ENOENT: `name` is not held).  The
 * name stays held either way: retry, or release as usual. */
int vrrp_vmac_reacquire(struct vrrp_vmac_set *set, const char *name,
			const uint8_t mac[VRRP_VMAC_MAC_LEN], enum vrrp_vmac_setup *setup);
/* Deletes it, or parks it while the set is held (a reload in progress). */
void vrrp_vmac_release(struct vrrp_vmac_set *set, const char *name);

/* A reload: releases park their VMAC until vrrp_vmac_hold_end(), which
 * deletes the parked ones nobody acquired again meanwhile. */
void vrrp_vmac_hold_begin(struct vrrp_vmac_set *set);
void vrrp_vmac_hold_end(struct vrrp_vmac_set *set);

#endif
