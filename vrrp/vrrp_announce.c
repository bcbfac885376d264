/* Gratuitous ARP and unsolicited neighbour advertisements: the pure
 * builders first, then the sockets that send what they build. */
#include "config.h"

#include "vrrp/vrrp_announce.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define ND_OPT_TLLA_LEN 8             /* type, length (in 8 octets), MAC */

/* Writers that keep the builders free of alignment and byte order worries. */
static uint8_t *put_u8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put_bytes(uint8_t *p, const void *src, size_t len)
{
	memcpy(p, src, len);
	return p + len;
}

size_t vrrp_announce_build_garp(uint8_t *buf, size_t len,
				const uint8_t mac[VRRP_ANNOUNCE_MAC_LEN], struct in_addr vip)
{
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t unknown[ETH_ALEN];
	uint8_t *p = buf;

	if (len < VRRP_GARP_FRAME_LEN)
		return 0;
	p = put_bytes(p, broadcast, ETH_ALEN);
	p = put_bytes(p, mac, ETH_ALEN);
	p = put_u16(p, ETHERTYPE_ARP);
	p = put_u16(p, ARPHRD_ETHER);
	p = put_u16(p, ETHERTYPE_IP);
	p = put_u8(p, ETH_ALEN);
	p = put_u8(p, sizeof(struct in_addr));
	p = put_u16(p, ARPOP_REQUEST);
	p = put_bytes(p, mac, ETH_ALEN);
	p = put_bytes(p, &vip, sizeof(vip));
	p = put_bytes(p, unknown, ETH_ALEN);
	p = put_bytes(p, &vip, sizeof(vip));
	return (size_t)(p - buf);
}

/* One's complement sum of 16-bit big-endian words (RFC 1071), an odd last
 * byte padded with zero. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

uint16_t vrrp_announce_icmp6_checksum(const uint8_t *msg, size_t len,
				      const struct in6_addr *src, const struct in6_addr *dst)
{
	/* RFC 8200 8.1: src, dst, upper-layer length (32 bits), 3 zero
	 * bytes, next header. */
	uint8_t tail[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			    (uint8_t)len, 0, 0, 0, IPPROTO_ICMPV6 };
	uint32_t sum = 0;

	sum = csum_add(sum, src->s6_addr, sizeof(src->s6_addr));
	sum = csum_add(sum, dst->s6_addr, sizeof(dst->s6_addr));
	sum = csum_add(sum, tail, sizeof(tail));
	sum = csum_add(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t vrrp_announce_build_na(uint8_t *buf, size_t len,
			      const uint8_t mac[VRRP_ANNOUNCE_MAC_LEN],
			      const struct in6_addr *vip, bool router,
			      const struct in6_addr *src, const struct in6_addr *dst)
{
	uint8_t flags = 0x20;                   /* override (RFC 4861 4.4) */
	uint8_t *p = buf;

	if (len < VRRP_NA_PACKET_LEN)
		return 0;
	if (router)
		flags |= 0x80;
	p = put_u8(p, ND_NEIGHBOR_ADVERT);
	p = put_u8(p, 0);                       /* code */
	p = put_u16(p, 0);                      /* checksum, filled below */
	p = put_u8(p, flags);
	p = put_bytes(p, "\0\0\0", 3);          /* reserved */
	p = put_bytes(p, vip->s6_addr, sizeof(vip->s6_addr));
	p = put_u8(p, ND_OPT_TARGET_LINKADDR);
	p = put_u8(p, ND_OPT_TLLA_LEN / 8);
	p = put_bytes(p, mac, ETH_ALEN);
	put_u16(buf + 2, vrrp_announce_icmp6_checksum(buf, VRRP_NA_PACKET_LEN, src, dst));
	return (size_t)(p - buf);
}

/* --- What an interface sends from --- */

static int lookup_mac(const char *ifname, uint8_t mac[VRRP_ANNOUNCE_MAC_LEN])
{
	struct ifreq ifr = { 0 };
	int fd, rc = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rc = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		rc = -EOPNOTSUPP;               /* ARP and ND options below assume Ethernet */
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, VRRP_ANNOUNCE_MAC_LEN);
	close(fd);
	return rc;
}

/* Parses one /proc/net/if_inet6 line ("ADDR IFINDEX PLEN SCOPE FLAGS NAME",
 * hex fields) into the address if it is a usable link-local address of
 * `ifindex`. */
static bool parse_inet6_line(const char *line, int ifindex, struct in6_addr *out)
{
	char hex[33];
	unsigned int index, plen, scope, flags;

	if (sscanf(line, "%32s %x %x %x %x", hex, &index, &plen, &scope, &flags) != 5)
		return false;
	/* scope 0x20: link; flags 0x40 tentative, 0x08 DAD failed (the
	 * kernel refuses them as a source). */
	if ((int)index != ifindex || scope != 0x20 || (flags & (0x40 | 0x08)))
		return false;
	for (int i = 0; i < 16; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return false;
		out->s6_addr[i] = (uint8_t)byte;
	}
	return true;
}

/* /proc/net/if_inet6 is per network namespace and, unlike getifaddrs(),
 * shows whether an address is still tentative. */
static bool lookup_link_local(int ifindex, struct in6_addr *out)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/net/if_inet6", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = parse_inet6_line(line, ifindex, out);
	fclose(f);
	return found;
}

static bool lookup_forwarding(const char *ifname)
{
	char path[128];
	int value = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", ifname);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fscanf(f, "%d", &value) != 1)
		value = 0;
	fclose(f);
	return value != 0;
}

int vrrp_announce_if_lookup(int ifindex, struct vrrp_announce_if *out)
{
	char ifname[IF_NAMESIZE];
	int rc;

	memset(out, 0, sizeof(*out));
	if (ifindex <= 0 || !if_indextoname((unsigned int)ifindex, ifname))
		return -ENODEV;
	rc = lookup_mac(ifname, out->mac);
	if (rc < 0)
		return rc;
	out->ifindex = ifindex;
	out->has_link_local = lookup_link_local(ifindex, &out->link_local);
	out->router = lookup_forwarding(ifname);
	return 0;
}

/* --- Sending --- */

static int open_icmp6_socket(void)
{
	struct icmp6_filter filter;
	int hops = 255, off = 0, on = 1;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);

	if (fd < 0)
		return -errno;
	/* Send only: a socket that queued every ICMPv6 packet would fill up
	 * and cost a copy of each one. */
	ICMP6_FILTER_SETBLOCKALL(&filter);
	/* RFC 4861 7.1.2: receivers drop an NA whose hop limit is not 255. */
	/* IPV6_FREEBIND: a VMAC has no link-local address of its own, and
	 * its NAs leave with its base interface's (vrrp_vmac.h). */
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int vrrp_announcer_open(struct vrrp_announcer *a)
{
	int fd;

	a->packet_fd = a->icmp6_fd = -1;
	/* Protocol 0: the socket sends but is bound to no ethertype, so it
	 * receives nothing. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	a->packet_fd = fd;
	fd = open_icmp6_socket();
	if (fd < 0) {
		vrrp_announcer_close(a);
		return fd;
	}
	a->icmp6_fd = fd;
	return 0;
}

void vrrp_announcer_close(struct vrrp_announcer *a)
{
	if (a->packet_fd >= 0)
		close(a->packet_fd);
	if (a->icmp6_fd >= 0)
		close(a->icmp6_fd);
	a->packet_fd = a->icmp6_fd = -1;
}

static int sent_all(ssize_t n, size_t len)
{
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int vrrp_announce_garp(const struct vrrp_announcer *a, const struct vrrp_announce_if *ifc,
		       struct in_addr vip)
{
	uint8_t frame[VRRP_GARP_FRAME_LEN];
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifc->ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	size_t len = vrrp_announce_build_garp(frame, sizeof(frame), ifc->mac, vip);

	if (a->packet_fd < 0)
		return -EBADF;
	return sent_all(sendto(a->packet_fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)),
			len);
}

/* The source address and interface go in IPV6_PKTINFO, so one socket
 * serves every interface. */
static ssize_t send_icmp6(int fd, const uint8_t *msg, size_t len, int ifindex,
			  const struct in6_addr *src, const struct sockaddr_in6 *to)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control = { 0 };
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = sizeof(*to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo info = { .ipi6_addr = *src, .ipi6_ifindex = (unsigned int)ifindex };

	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(cm), &info, sizeof(info));
	return sendmsg(fd, &mh, 0);
}

int vrrp_announce_na(const struct vrrp_announcer *a, const struct vrrp_announce_if *ifc,
		     const struct in6_addr *vip)
{
	uint8_t pkt[VRRP_NA_PACKET_LEN];
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_addr = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } },   /* all nodes */
		.sin6_scope_id = (uint32_t)ifc->ifindex,
	};
	size_t len;

	if (a->icmp6_fd < 0)
		return -EBADF;
	if (!ifc->has_link_local)
		return -EADDRNOTAVAIL;
	len = vrrp_announce_build_na(pkt, sizeof(pkt), ifc->mac, vip, ifc->router,
				     &ifc->link_local, &to.sin6_addr);
	return sent_all(send_icmp6(a->icmp6_fd, pkt, len, ifc->ifindex, &ifc->link_local, &to),
			len);
}
