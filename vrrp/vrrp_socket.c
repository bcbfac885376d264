/* Raw VRRP sockets shared per (interface, family); see vrrp_socket.h. */
#include "config.h"
#include "vrrp/vrrp_socket.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VRRP_SOCKET_TTL 255
#define VRRP_RX_BUF 4096                /* larger than any VRRP packet we accept */
#define VRRP_RX_BATCH 64                /* reads per wake-up, so one busy socket cannot starve the loop */

struct vrrp_subscriber {
	vrrp_socket_rx_fn *fn;
	void *data;
};

struct vrrp_group_join {
	struct vigil_addr group;
	unsigned refs;
};

struct vrrp_socket {
	struct vrrp_socket_set *set;
	char ifname[IF_NAMESIZE];
	int ifindex;
	int family;
	int protocol;                           /* VRRP_SOCKET_IPPROTO or VRRP_SOCKET_IPPROTO_AH */
	int fd;
	unsigned refs;
	uv_poll_t poll;
	struct vrrp_subscriber readers[256];    /* by VRID */
	struct vrrp_group_join *joins;
	size_t njoins;
	uint64_t unclaimed;
};

struct vrrp_socket_set {
	uv_loop_t *loop;
	struct ptr_array sockets;               /* struct vrrp_socket, open ones */
	unsigned closing;                       /* poll handles not yet closed */
	bool freed;
};

struct vrrp_socket_set *vrrp_socket_set_new(uv_loop_t *loop)
{
	struct vrrp_socket_set *set = XNEW(struct vrrp_socket_set);

	set->loop = loop;
	return set;
}

static void set_maybe_free(struct vrrp_socket_set *set)
{
	if (set->freed && set->closing == 0 && set->sockets.count == 0) {
		ptr_array_free(&set->sockets, NULL);
		free(set);
	}
}

void vrrp_socket_set_free(struct vrrp_socket_set *set)
{
	if (!set)
		return;
	if (set->sockets.count)
		log_error("VRRP socket set freed with %zu sockets in use", set->sockets.count);
	set->freed = true;
	set_maybe_free(set);
}

/* ---- options --------------------------------------------------------------------- */

static int set_int_opt(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

static int setup_ipv4(int fd, int ifindex)
{
	struct ip_mreqn mif = { .imr_ifindex = ifindex };
	int rc;

	if ((rc = set_int_opt(fd, IPPROTO_IP, IP_TTL, VRRP_SOCKET_TTL)) ||
	    (rc = set_int_opt(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_SOCKET_TTL)) ||
	    (rc = set_int_opt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0)) ||
	    /* Only the groups this socket joined, not every group of the host. */
	    (rc = set_int_opt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0)))
		return rc;
	return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mif, sizeof(mif)) < 0 ? -errno : 0;
}

static int setup_ipv6(int fd, int ifindex)
{
	int rc;

	if ((rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_SOCKET_TTL)) ||
	    (rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_SOCKET_TTL)) ||
	    (rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0)) ||
	    (rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex)) ||
	    (rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)) ||
	    (rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)))
		return rc;
	/* No IPV6_CHECKSUM: the codec computes and checks the checksum, so a
	 * bad one reaches us and is counted instead of vanishing in the kernel. */
	return 0;
}

/* AH (IPv4 only): the ICV covers the IP header, so the sender writes it
 * whole (IP_HDRINCL) and the kernel must not choose the identification. */
static int setup_ah(int fd, int ifindex)
{
	int rc = setup_ipv4(fd, ifindex);

	return rc ? rc : set_int_opt(fd, IPPROTO_IP, IP_HDRINCL, 1);
}

static int open_raw(const char *ifname, int family, int protocol, int ifindex)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	int rc;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		rc = -errno;
	else if (protocol == VRRP_SOCKET_IPPROTO_AH)
		rc = family == AF_INET ? setup_ah(fd, ifindex) : -EAFNOSUPPORT;
	else
		rc = family == AF_INET ? setup_ipv4(fd, ifindex) : setup_ipv6(fd, ifindex);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* ---- receiving --------------------------------------------------------------------- */

static void addr_from_sockaddr(const struct sockaddr_storage *ss, struct vigil_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = ss->ss_family;
	if (ss->ss_family == AF_INET) {
		out->u.v4 = ((const struct sockaddr_in *)ss)->sin_addr;
		out->prefix_len = 32;
	} else {
		out->u.v6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
		out->prefix_len = 128;
	}
}

static void read_ipv6_cmsgs(struct msghdr *msg, struct vrrp_rx_packet *pkt)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_HOPLIMIT) {
			int hops;

			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
			pkt->hop_limit = hops;
		} else if (c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			pkt->dst.family = AF_INET6;
			pkt->dst.u.v6 = info.ipi6_addr;
			pkt->dst.prefix_len = 128;
		}
	}
}

/* The VRID a packet claims: the second byte of the VRRP message, which
 * for IPv4 follows a header of IHL words, and on an AH socket the AH
 * (its second byte: its length in words, minus 2). */
static bool packet_vrid(const struct vrrp_socket *sock, const struct vrrp_rx_packet *pkt,
			uint8_t *vrid)
{
	size_t off = 0;

	if (pkt->family == AF_INET) {
		if (pkt->len < 1)
			return false;
		off = (size_t)(pkt->data[0] & 0x0f) * 4;
	}
	if (sock->protocol == VRRP_SOCKET_IPPROTO_AH) {
		if (pkt->len < off + 2)
			return false;
		off += ((size_t)pkt->data[off + 1] + 2) * 4;
	}
	if (pkt->len < off + 2)
		return false;
	*vrid = pkt->data[off + 1];
	return true;
}

static void dispatch(struct vrrp_socket *sock, const struct vrrp_rx_packet *pkt)
{
	uint8_t vrid;

	if (!packet_vrid(sock, pkt, &vrid) || !sock->readers[vrid].fn) {
		sock->unclaimed++;
		return;
	}
	sock->readers[vrid].fn(sock->readers[vrid].data, pkt);
}

/* One recvmsg; false when there is nothing more to read. */
static bool receive_one(struct vrrp_socket *sock)
{
	uint8_t buf[VRRP_RX_BUF];
	union { char buf[256]; struct cmsghdr align; } control;
	struct sockaddr_storage from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct vrrp_rx_packet pkt = { .data = buf, .family = sock->family, .hop_limit = -1 };
	ssize_t n = recvmsg(sock->fd, &msg, 0);

	if (n < 0)
		return errno == EINTR;
	/* A truncated datagram is passed on at the size read: the codec
	 * rejects it by its length fields. */
	pkt.len = (size_t)n;
	addr_from_sockaddr(&from, &pkt.src);
	if (sock->family == AF_INET6)
		read_ipv6_cmsgs(&msg, &pkt);
	dispatch(sock, &pkt);
	return true;
}

static void on_readable(uv_poll_t *handle, int status, int events)
{
	struct vrrp_socket *sock = handle->data;

	if (status < 0) {
		log_warning("VRRP socket on %s: poll error: %s", sock->ifname, uv_strerror(status));
		return;
	}
	/* A reader may release the last reference of this socket (a reload
	 * in a callback never happens, but stay safe): hold one meanwhile. */
	sock->refs++;
	for (int i = 0; i < VRRP_RX_BATCH && sock->fd >= 0 && receive_one(sock); i++)
		;
	vrrp_socket_release(sock);
}

/* ---- life cycle -------------------------------------------------------------------- */

static struct vrrp_socket *find_socket(struct vrrp_socket_set *set, const char *ifname,
				       int family, int protocol)
{
	for (size_t i = 0; i < set->sockets.count; i++) {
		struct vrrp_socket *s = set->sockets.items[i];

		if (s->family == family && s->protocol == protocol && strcmp(s->ifname, ifname) == 0)
			return s;
	}
	return NULL;
}

static struct vrrp_socket *open_socket(struct vrrp_socket_set *set, const char *ifname,
				       int family, int protocol, int *err)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct vrrp_socket *sock;
	int fd;

	if (ifindex <= 0 || strlen(ifname) >= IF_NAMESIZE) {
		*err = -ENODEV;
		return NULL;
	}
	fd = open_raw(ifname, family, protocol, ifindex);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	sock = XNEW(struct vrrp_socket);
	sock->set = set;
	strcpy(sock->ifname, ifname);
	sock->ifindex = ifindex;
	sock->family = family;
	sock->protocol = protocol;
	sock->fd = fd;
	uv_poll_init(set->loop, &sock->poll, fd);
	sock->poll.data = sock;
	uv_poll_start(&sock->poll, UV_READABLE, on_readable);
	ptr_array_push(&set->sockets, sock);
	return sock;
}

struct vrrp_socket *vrrp_socket_acquire_proto(struct vrrp_socket_set *set, const char *ifname,
					      int family, int protocol, int *err)
{
	struct vrrp_socket *sock = find_socket(set, ifname, family, protocol);
	int dummy;

	if (!err)
		err = &dummy;
	if (!sock)
		sock = open_socket(set, ifname, family, protocol, err);
	if (sock)
		sock->refs++;
	return sock;
}

struct vrrp_socket *vrrp_socket_acquire(struct vrrp_socket_set *set, const char *ifname,
					int family, int *err)
{
	return vrrp_socket_acquire_proto(set, ifname, family, VRRP_SOCKET_IPPROTO, err);
}

static void on_poll_closed(uv_handle_t *handle)
{
	struct vrrp_socket *sock = handle->data;
	struct vrrp_socket_set *set = sock->set;

	close(sock->fd);
	free(sock->joins);
	free(sock);
	set->closing--;
	set_maybe_free(set);
}

static void forget_socket(struct vrrp_socket_set *set, struct vrrp_socket *sock)
{
	for (size_t i = 0; i < set->sockets.count; i++) {
		if (set->sockets.items[i] == sock) {
			set->sockets.items[i] = set->sockets.items[--set->sockets.count];
			return;
		}
	}
}

void vrrp_socket_release(struct vrrp_socket *sock)
{
	if (!sock || --sock->refs > 0)
		return;
	forget_socket(sock->set, sock);
	sock->set->closing++;
	uv_poll_stop(&sock->poll);
	uv_close((uv_handle_t *)&sock->poll, on_poll_closed);
}

int vrrp_socket_ifindex(const struct vrrp_socket *sock)
{
	return sock->ifindex;
}

int vrrp_socket_allow_foreign_source(struct vrrp_socket *sock)
{
	if (sock->family != AF_INET6)
		return 0;
	return set_int_opt(sock->fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);
}

uint64_t vrrp_socket_unclaimed(const struct vrrp_socket *sock)
{
	return sock->unclaimed;
}

int vrrp_socket_subscribe(struct vrrp_socket *sock, uint8_t vrid, vrrp_socket_rx_fn *fn,
			  void *data)
{
	if (sock->readers[vrid].fn)
		return -EBUSY;
	sock->readers[vrid] = (struct vrrp_subscriber){ .fn = fn, .data = data };
	return 0;
}

void vrrp_socket_unsubscribe(struct vrrp_socket *sock, uint8_t vrid)
{
	sock->readers[vrid] = (struct vrrp_subscriber){ 0 };
}

/* ---- multicast membership ------------------------------------------------------------ */

static struct vrrp_group_join *find_join(struct vrrp_socket *sock, const struct vigil_addr *g)
{
	for (size_t i = 0; i < sock->njoins; i++)
		if (vigil_addr_equal(&sock->joins[i].group, g))
			return &sock->joins[i];
	return NULL;
}

static int membership(struct vrrp_socket *sock, const struct vigil_addr *group, bool join)
{
	int rc;

	if (group->family == AF_INET) {
		struct ip_mreqn m = { .imr_multiaddr = group->u.v4, .imr_ifindex = sock->ifindex };

		rc = setsockopt(sock->fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
				&m, sizeof(m));
	} else {
		struct ipv6_mreq m = { .ipv6mr_multiaddr = group->u.v6,
				       .ipv6mr_interface = (unsigned)sock->ifindex };

		rc = setsockopt(sock->fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
				&m, sizeof(m));
	}
	return rc < 0 ? -errno : 0;
}

int vrrp_socket_join(struct vrrp_socket *sock, const struct vigil_addr *group)
{
	struct vrrp_group_join *j = find_join(sock, group);
	int rc;

	if (group->family != sock->family)
		return -EAFNOSUPPORT;
	if (j) {
		j->refs++;
		return 0;
	}
	rc = membership(sock, group, true);
	if (rc < 0)
		return rc;
	sock->joins = xreallocarray(sock->joins, sock->njoins + 1, sizeof(*sock->joins));
	sock->joins[sock->njoins++] = (struct vrrp_group_join){ .group = *group, .refs = 1 };
	return 0;
}

void vrrp_socket_leave(struct vrrp_socket *sock, const struct vigil_addr *group)
{
	struct vrrp_group_join *j = find_join(sock, group);

	if (!j || --j->refs > 0)
		return;
	membership(sock, group, false);
	*j = sock->joins[--sock->njoins];
}

/* ---- sending ------------------------------------------------------------------------- */

/* Appends one control message to msg (its buffer is big enough: see
 * SEND_CONTROL_LEN). */
static void add_cmsg(struct msghdr *msg, int level, int type, const void *data, size_t size)
{
	struct cmsghdr *c = (struct cmsghdr *)(void *)((char *)msg->msg_control +
						       msg->msg_controllen);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(size);
	memcpy(CMSG_DATA(c), data, size);
	msg->msg_controllen += CMSG_SPACE(size);
}

#define SEND_CONTROL_LEN (CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)))

/* The source goes in a PKTINFO control message, so one socket sends for
 * instances with different source addresses; a TTL other than the
 * socket's goes in one too (unicast_ttl), for the same reason. */
static void fill_ipv4_send(struct vrrp_socket *sock, struct msghdr *msg,
			   const struct vigil_addr *src, int ttl)
{
	struct in_pktinfo info = { .ipi_ifindex = sock->ifindex, .ipi_spec_dst = src->u.v4 };

	add_cmsg(msg, IPPROTO_IP, IP_PKTINFO, &info, sizeof(info));
	if (ttl >= 0)
		add_cmsg(msg, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

static void fill_ipv6_send(struct vrrp_socket *sock, struct msghdr *msg,
			   const struct vigil_addr *src, int ttl)
{
	struct in6_pktinfo info = { .ipi6_addr = src->u.v6, .ipi6_ifindex = (unsigned)sock->ifindex };

	add_cmsg(msg, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof(info));
	if (ttl >= 0)
		add_cmsg(msg, IPPROTO_IPV6, IPV6_HOPLIMIT, &ttl, sizeof(ttl));
}

int vrrp_socket_send_ttl(struct vrrp_socket *sock, const uint8_t *msg, size_t len,
			 const struct vigil_addr *src, const struct vigil_addr *dst, int ttl)
{
	union { char buf[SEND_CONTROL_LEN]; struct cmsghdr align; } control;
	struct sockaddr_storage to;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf, .msg_controllen = 0 };

	if (src->family != sock->family || dst->family != sock->family)
		return -EAFNOSUPPORT;
	if (ttl > 255)
		return -EINVAL;
	memset(&to, 0, sizeof(to));
	memset(&control, 0, sizeof(control));
	if (sock->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&to;

		sin->sin_family = AF_INET;
		sin->sin_addr = dst->u.v4;
		mh.msg_namelen = sizeof(*sin);
		fill_ipv4_send(sock, &mh, src, ttl);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = dst->u.v6;
		sin6->sin6_scope_id = (uint32_t)sock->ifindex;
		mh.msg_namelen = sizeof(*sin6);
		fill_ipv6_send(sock, &mh, src, ttl);
	}
	return sendmsg(sock->fd, &mh, 0) < 0 ? -errno : 0;
}

int vrrp_socket_send(struct vrrp_socket *sock, const uint8_t *msg, size_t len,
		     const struct vigil_addr *src, const struct vigil_addr *dst)
{
	return vrrp_socket_send_ttl(sock, msg, len, src, dst, -1);
}

/* The header says source, TTL and all; the socket is bound to its
 * interface, and IP_MULTICAST_IF picks it for the group. */
int vrrp_socket_send_ip(struct vrrp_socket *sock, const uint8_t *packet, size_t len,
			const struct vigil_addr *dst)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	if (sock->protocol != VRRP_SOCKET_IPPROTO_AH || dst->family != AF_INET)
		return -EAFNOSUPPORT;
	to.sin_addr = dst->u.v4;
	return sendto(sock->fd, packet, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno
											: 0;
}

/* ---- default source address ---------------------------------------------------------- */

static bool usable_source(const struct ifaddrs *ifa, const char *ifname, int family)
{
	if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family || strcmp(ifa->ifa_name, ifname))
		return false;
	if (family == AF_INET6)
		return IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr);
	return true;
}

int vrrp_socket_default_source(const char *ifname, int family, struct vigil_addr *out)
{
	struct ifaddrs *list;
	int rc = -EADDRNOTAVAIL;

	if (if_nametoindex(ifname) == 0)
		return -ENODEV;
	if (getifaddrs(&list) < 0)
		return -errno;
	/* The kernel lists an interface's primary IPv4 address before its
	 * secondaries (VIPs in the same subnet are secondaries). */
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		if (usable_source(ifa, ifname, family)) {
			addr_from_sockaddr((const struct sockaddr_storage *)(const void *)ifa->ifa_addr,
					   out);
			rc = 0;
			break;
		}
	}
	freeifaddrs(list);
	return rc;
}
