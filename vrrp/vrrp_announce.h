/* Announcing a virtual address to the LAN after becoming master:
 * gratuitous ARP for IPv4, unsolicited neighbour advertisement for IPv6,
 * so switches and neighbours move the address to our MAC at once.
 *
 * Two layers:
 *  - pure builders (vrrp_announce_build_garp/na): write the frame or
 *    packet into a buffer, no I/O, unit-tested byte for byte;
 *  - a thin sender (struct vrrp_announcer): the sockets, opened once
 *    (while privileged), and one call per announcement.
 *
 * Errors are returned as a negative errno value (0 is success), never
 * fatal, never logged here: the runtime decides what to say. */
#ifndef VIGIL_VRRP_ANNOUNCE_H
#define VIGIL_VRRP_ANNOUNCE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_ANNOUNCE_MAC_LEN 6
/* Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
#define VRRP_GARP_FRAME_LEN 42
/* ICMPv6 NA (24) + target link-layer address option (8); the IPv6 header
 * is the kernel's. */
#define VRRP_NA_PACKET_LEN 32

/* Builds a gratuitous ARP request: Ethernet broadcast from `mac`,
 * ARP op 1 (request), sender = target = `vip`, sender hardware = `mac`,
 * target hardware zero.  Requests rather than replies because every
 * stack updates its cache from them.  Returns the length written
 * (VRRP_GARP_FRAME_LEN), or 0 when `len` is too small. */
size_t vrrp_announce_build_garp(uint8_t *buf, size_t len,
				const uint8_t mac[VRRP_ANNOUNCE_MAC_LEN], struct in_addr vip);

/* Builds an unsolicited neighbour advertisement (RFC 4861 7.2.6): ICMPv6
 * type 136, override flag set, router flag when `router`, solicited flag
 * clear, target = `vip`, with a target link-layer address option holding
 * `mac`.  The checksum covers the pseudo-header of `src` -> `dst` (the
 * interface's link-local address -> ff02::1).  Returns the length written
 * (VRRP_NA_PACKET_LEN), or 0 when `len` is too small. */
size_t vrrp_announce_build_na(uint8_t *buf, size_t len,
			      const uint8_t mac[VRRP_ANNOUNCE_MAC_LEN],
			      const struct in6_addr *vip, bool router,
			      const struct in6_addr *src, const struct in6_addr *dst);

/* The ICMPv6 checksum of `len` bytes from `src` to `dst` (RFC 4443 2.3),
 * with the checksum field taken as it is in `msg`: 0 over a packet that
 * carries a valid checksum. */
uint16_t vrrp_announce_icmp6_checksum(const uint8_t *msg, size_t len,
				      const struct in6_addr *src, const struct in6_addr *dst);

/* What an announcement is sent from.  vrrp_announce_if_lookup() fills it
 * from the kernel; the runtime may then replace `mac` (a VMAC sent
 * through its base interface, vmac_xmit_base). */
struct vrrp_announce_if {
	int ifindex;
	uint8_t mac[VRRP_ANNOUNCE_MAC_LEN];
	bool has_link_local;            /* false: no usable (non-tentative) fe80:: yet */
	struct in6_addr link_local;     /* source of NAs */
	bool router;                    /* IPv6 forwarding on: NAs carry the R flag */
};

/* Fills `out` for interface `ifindex`.  0, or -ENODEV, or another
 * negative errno. */
int vrrp_announce_if_lookup(int ifindex, struct vrrp_announce_if *out);

/* The sockets: an AF_PACKET socket for ARP and a raw ICMPv6 socket with
 * hop limit 255 that receives nothing. */
struct vrrp_announcer {
	int packet_fd;
	int icmp6_fd;
};

/* Opens both sockets (needs CAP_NET_RAW).  0 or a negative errno; on
 * failure nothing stays open. */
int vrrp_announcer_open(struct vrrp_announcer *a);
void vrrp_announcer_close(struct vrrp_announcer *a);

/* Sends one gratuitous ARP for `vip` out of ifc->ifindex from ifc->mac. */
int vrrp_announce_garp(const struct vrrp_announcer *a, const struct vrrp_announce_if *ifc,
		       struct in_addr vip);

/* Sends one unsolicited NA for `vip` to ff02::1 out of ifc->ifindex from
 * ifc->link_local (-EADDRNOTAVAIL when the interface has none). */
int vrrp_announce_na(const struct vrrp_announcer *a, const struct vrrp_announce_if *ifc,
		     const struct in6_addr *vip);

#endif
