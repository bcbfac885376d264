/* VRRP sockets: one raw IPPROTO_VRRP (112) socket per (interface, family),
 * shared by every instance on that interface and demultiplexed by VRID;
 * instances with AH authentication share an IPPROTO_AH (51) one instead.
 *
 * The socket is bound to its interface (SO_BINDTODEVICE), sends with TTL /
 * hop limit 255 (multicast and unicast, unless a send asks for another),
 * does not loop its own multicast back, and is read from the libuv loop
 * with uv_poll.  The source address
 * of each packet is given per send (IP_PKTINFO / IPV6_PKTINFO), so
 * instances with different mcast_src_ip / unicast_src_ip share a socket.
 *
 * What a reader gets: for IPv4 the whole IP packet (a raw IPv4 socket
 * delivers the header, which vrrp_packet_parse_ipv4 checks); for IPv6 the
 * VRRP message with the source, destination (IPV6_PKTINFO) and hop limit
 * (IPV6_HOPLIMIT) the kernel reported.
 *
 * Errors are negative errno values; nothing here logs except the socket
 * set's own failures, which instances turn into messages with their name. */
#ifndef VIGIL_VRRP_SOCKET_H
#define VIGIL_VRRP_SOCKET_H

#include "conf_value.h"         /* struct vigil_addr */

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define VRRP_SOCKET_IPPROTO 112
/* IPsec AH (VRRPv2 auth type 2), IPv4 only: the socket receives protocol
 * 51 and sends whole IP packets (IP_HDRINCL) with vrrp_socket_send_ip. */
#define VRRP_SOCKET_IPPROTO_AH 51

/* One received packet as the socket saw it. */
struct vrrp_rx_packet {
	const uint8_t *data;            /* IPv4: the IP packet; IPv6: the VRRP message */
	size_t len;
	int family;
	struct vigil_addr src;          /* the sender (from the kernel's address) */
	struct vigil_addr dst;          /* IPv6 only (IPV6_PKTINFO); IPv4: in the header */
	int hop_limit;                  /* IPv6 only; -1 when the kernel did not say */
};

typedef void vrrp_socket_rx_fn(void *data, const struct vrrp_rx_packet *pkt);

/* All the sockets of the VRRP worker. */
struct vrrp_socket_set;
struct vrrp_socket;

struct vrrp_socket_set *vrrp_socket_set_new(uv_loop_t *loop);
/* Every socket must have been released; the memory goes once libuv has
 * closed the poll handles. */
void vrrp_socket_set_free(struct vrrp_socket_set *set);

/* The socket for (ifname, family), opened on first use; each acquire needs
 * a release.  NULL with *err = -ENODEV when the interface does not exist,
 * or another negative errno. */
struct vrrp_socket *vrrp_socket_acquire(struct vrrp_socket_set *set, const char *ifname,
					int family, int *err);
void vrrp_socket_release(struct vrrp_socket *sock);
/* The same for another IP protocol (VRRP_SOCKET_IPPROTO_AH): a socket of
 * its own per (interface, family, protocol); readers get the IP packet. */
struct vrrp_socket *vrrp_socket_acquire_proto(struct vrrp_socket_set *set, const char *ifname,
					      int family, int protocol, int *err);

int vrrp_socket_ifindex(const struct vrrp_socket *sock);

/* IPv6: lets sends use a source address that is not on the socket's
 * interface (IPV6_FREEBIND): a VMAC sends with its base's link-local
 * address.  0 or a negative errno. */
int vrrp_socket_allow_foreign_source(struct vrrp_socket *sock);

/* Joins / leaves a multicast group on the socket's interface; joins are
 * counted, so instances sharing a group join and leave independently. */
int vrrp_socket_join(struct vrrp_socket *sock, const struct vigil_addr *group);
void vrrp_socket_leave(struct vrrp_socket *sock, const struct vigil_addr *group);

/* Packets whose VRID is `vrid` go to fn(data, pkt).  -EBUSY when another
 * reader has that VRID on this socket. */
int vrrp_socket_subscribe(struct vrrp_socket *sock, uint8_t vrid, vrrp_socket_rx_fn *fn,
			  void *data);
void vrrp_socket_unsubscribe(struct vrrp_socket *sock, uint8_t vrid);

/* Packets no reader took: too short to carry a VRID, or a VRID nobody
 * here runs (another router's; the RFCs say discard silently). */
uint64_t vrrp_socket_unclaimed(const struct vrrp_socket *sock);

/* Sends one VRRP message (no IP header) from `src` to `dst`; 0 or a
 * negative errno (a full socket buffer is -EAGAIN). */
int vrrp_socket_send(struct vrrp_socket *sock, const uint8_t *msg, size_t len,
		     const struct vigil_addr *src, const struct vigil_addr *dst);
/* The same with the TTL / hop limit `ttl` (0..255) for this packet alone
 * (unicast_ttl); -1: the socket's 255. */
int vrrp_socket_send_ttl(struct vrrp_socket *sock, const uint8_t *msg, size_t len,
			 const struct vigil_addr *src, const struct vigil_addr *dst, int ttl);

/* Sends a whole IPv4 packet, header included (an AH socket only); 0 or a
 * negative errno. */
int vrrp_socket_send_ip(struct vrrp_socket *sock, const uint8_t *packet, size_t len,
			const struct vigil_addr *dst);

/* The address an instance sends from when the configuration names none:
 * the interface's first IPv4 address (its primary), or its first IPv6
 * link-local address.  0, -ENODEV, or -EADDRNOTAVAIL when it has none. */
int vrrp_socket_default_source(const char *ifname, int family, struct vigil_addr *out);

#endif
