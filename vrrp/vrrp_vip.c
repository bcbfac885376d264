/* Virtual addresses through rtnetlink: requests (add, delete, look up)
 * on one socket, notifications on another read from the libuv loop. */
#include "config.h"

#include "vrrp/vrrp_vip.h"

#include "xalloc.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/rtnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

struct vrrp_vip_ctx {
	struct nl_sock *sk;
	int last_errno;             /* the kernel's answer to the last request */
};

/* libnl folds the kernel's errno into its own codes (EADDRNOTAVAIL and
 * ENODEV both become "object not found"); keep the kernel's value. */
static int on_request_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vrrp_vip_ctx *ctx = arg;

	(void)who;
	ctx->last_errno = e->error;
	return NL_STOP;
}

struct vrrp_vip_ctx *vrrp_vip_open(int *err)
{
	struct vrrp_vip_ctx *ctx = XNEW(struct vrrp_vip_ctx);
	int rc = -ENOMEM;

	ctx->sk = nl_socket_alloc();
	if (ctx->sk) {
		rc = nl_connect(ctx->sk, NETLINK_ROUTE);
		rc = rc < 0 ? -EIO : 0;
	}
	if (rc == 0)
		nl_socket_modify_err_cb(ctx->sk, NL_CB_CUSTOM, on_request_error, ctx);
	if (rc < 0) {
		vrrp_vip_close(ctx);
		ctx = NULL;
	}
	if (err)
		*err = rc;
	return ctx;
}

void vrrp_vip_close(struct vrrp_vip_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->sk)
		nl_socket_free(ctx->sk);
	free(ctx);
}

int vrrp_vip_ifindex(const struct vrrp_ipaddress_config *ip, int default_ifindex)
{
	unsigned int index;

	if (!ip->dev)
		return default_ifindex > 0 ? default_ifindex : -ENODEV;
	index = if_nametoindex(ip->dev);
	return index ? (int)index : -ENODEV;
}

/* --- Building the request --- */

static size_t addr_len(int family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

static struct nl_addr *to_nl_addr(const struct vigil_addr *a, int prefix_len)
{
	struct nl_addr *n = nl_addr_build(a->family, &a->u, addr_len(a->family));

	if (n)
		nl_addr_set_prefixlen(n, prefix_len);
	return n;
}

/* "brd +" / "brd -" set or clear the host bits, as `ip address` does,
 * and like it only where there are host bits to speak of (/30 and
 * shorter). */
static bool broadcast_of(const struct vrrp_ipaddress_config *ip, struct vigil_addr *out)
{
	uint32_t mask, host;

	if (ip->addr.family != AF_INET || ip->brd_mode == VRRP_BRD_NONE)
		return false;
	if (ip->brd_mode == VRRP_BRD_ADDR) {
		*out = ip->brd;
		return true;
	}
	if (ip->addr.prefix_len > 30)
		return false;
	mask = ip->addr.prefix_len ? ~0u << (32 - ip->addr.prefix_len) : 0;
	host = ntohl(ip->addr.u.v4.s_addr);
	*out = ip->addr;
	out->u.v4.s_addr = htonl(ip->brd_mode == VRRP_BRD_SET ? host | ~mask : host & mask);
	return true;
}

/* The scope given on the line; with none, libnl chooses as `ip address`
 * does (host for 127.0.0.0/8, global otherwise). */
static void set_scope(struct rtnl_addr *ra, enum vrrp_addr_scope scope)
{
	static const int values[VRRP_SCOPE_COUNT] = {
		[VRRP_SCOPE_GLOBAL] = RT_SCOPE_UNIVERSE,
		[VRRP_SCOPE_SITE] = RT_SCOPE_SITE,
		[VRRP_SCOPE_LINK] = RT_SCOPE_LINK,
		[VRRP_SCOPE_HOST] = RT_SCOPE_HOST,
		[VRRP_SCOPE_NOWHERE] = RT_SCOPE_NOWHERE,
	};

	if (scope != VRRP_SCOPE_DEFAULT && (unsigned int)scope < VRRP_SCOPE_COUNT)
		rtnl_addr_set_scope(ra, values[scope]);
}

/* IPv6 VIPs skip duplicate address detection always (the address must
 * work the moment we become master; the old master has let it go), as
 * keepalived does; `nodad` on the line asks the same. */
static unsigned int address_flags(const struct vrrp_ipaddress_config *ip)
{
	unsigned int flags = 0;

	if (ip->nodad || ip->addr.family == AF_INET6)
		flags |= IFA_F_NODAD;
	if (ip->home)
		flags |= IFA_F_HOMEADDRESS;
	if (ip->mngtmpaddr)
		flags |= IFA_F_MANAGETEMPADDR;
	if (ip->noprefixroute)
		flags |= IFA_F_NOPREFIXROUTE;
	if (ip->autojoin)
		flags |= IFA_F_MCAUTOJOIN;
	return flags;
}

/* An IPv6 VIP is deprecated from birth (preferred lifetime 0) unless the
 * line says otherwise, so the kernel never picks it as the source of
 * this host's own connections. */
static void set_lifetimes(struct rtnl_addr *ra, const struct vrrp_ipaddress_config *ip)
{
	uint32_t preferred;

	if (ip->has_preferred_lft)
		preferred = ip->preferred_lft;
	else if (ip->addr.family == AF_INET6)
		preferred = 0;
	else
		return;
	rtnl_addr_set_valid_lifetime(ra, VRRP_PREFERRED_LFT_FOREVER);
	rtnl_addr_set_preferred_lifetime(ra, preferred);
}

static int set_nl_addr(struct rtnl_addr *ra, const struct vigil_addr *a, int prefix_len,
		       int (*setter)(struct rtnl_addr *, struct nl_addr *))
{
	struct nl_addr *n = to_nl_addr(a, prefix_len);
	int rc;

	if (!n)
		return -ENOMEM;
	rc = setter(ra, n);
	nl_addr_put(n);
	return rc < 0 ? -EINVAL : 0;
}

/* What identifies the address to the kernel: interface, local address,
 * prefix length and peer.  Enough for a delete. */
static int fill_identity(struct rtnl_addr *ra, const struct vrrp_ipaddress_config *ip, int ifindex)
{
	int rc;

	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, ip->addr.family);
	rc = set_nl_addr(ra, &ip->addr, ip->addr.prefix_len, rtnl_addr_set_local);
	if (rc == 0 && ip->has_peer)
		rc = set_nl_addr(ra, &ip->peer, ip->peer.prefix_len, rtnl_addr_set_peer);
	return rc;
}

/* Everything else `ip address add` would send. */
static int fill_options(struct rtnl_addr *ra, const struct vrrp_ipaddress_config *ip)
{
	struct vigil_addr brd;
	int rc = 0;

	if (broadcast_of(ip, &brd))
		rc = set_nl_addr(ra, &brd, 32, rtnl_addr_set_broadcast);
	if (rc == 0 && ip->label && ip->addr.family == AF_INET)
		rc = rtnl_addr_set_label(ra, ip->label) < 0 ? -EINVAL : 0;
	set_scope(ra, ip->scope);
	rtnl_addr_set_flags(ra, address_flags(ip));
	set_lifetimes(ra, ip);
	return rc;
}

/* --- Requests --- */

typedef int nl_addr_request_fn(struct nl_sock *, struct rtnl_addr *, int);

/* Sends one request and returns the kernel's errno, with `ignored` (the
 * "already so" answer) counted as success. */
static int run_request(struct vrrp_vip_ctx *ctx, nl_addr_request_fn *request,
		       struct rtnl_addr *ra, int nl_flags, int ignored)
{
	int rc;

	ctx->last_errno = 0;
	rc = request(ctx->sk, ra, nl_flags);
	if (rc >= 0)
		return 0;
	rc = ctx->last_errno ? ctx->last_errno : -EIO;
	return rc == -ignored ? 0 : rc;
}

static int change(struct vrrp_vip_ctx *ctx, const struct vrrp_ipaddress_config *ip,
		  int default_ifindex, bool add)
{
	struct rtnl_addr *ra;
	int ifindex = vrrp_vip_ifindex(ip, default_ifindex);
	int rc;

	if (ifindex < 0)
		return ifindex;
	if (ip->addr.family != AF_INET && ip->addr.family != AF_INET6)
		return -EAFNOSUPPORT;
	ra = rtnl_addr_alloc();
	if (!ra)
		return -ENOMEM;
	rc = fill_identity(ra, ip, ifindex);
	if (rc == 0 && add)
		rc = fill_options(ra, ip);
	if (rc == 0 && add)
		rc = run_request(ctx, rtnl_addr_add, ra, NLM_F_EXCL, EEXIST);
	else if (rc == 0)
		rc = run_request(ctx, rtnl_addr_delete, ra, 0, EADDRNOTAVAIL);
	rtnl_addr_put(ra);
	return rc;
}

int vrrp_vip_add(struct vrrp_vip_ctx *ctx, const struct vrrp_ipaddress_config *ip,
		 int default_ifindex)
{
	return change(ctx, ip, default_ifindex, true);
}

int vrrp_vip_del(struct vrrp_vip_ctx *ctx, const struct vrrp_ipaddress_config *ip,
		 int default_ifindex)
{
	return change(ctx, ip, default_ifindex, false);
}

/* --- Reading address messages (dumps and notifications) --- */

static struct nla_policy ifaddr_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS] = { .minlen = sizeof(struct in_addr) },
	[IFA_LOCAL] = { .minlen = sizeof(struct in_addr) },
};

/* The interface and address an RTM_NEWADDR/RTM_DELADDR message is about.
 * IFA_LOCAL is this host's address where there is one (IPv4); IFA_ADDRESS
 * is the peer then, and the local address otherwise (IPv6). */
static bool parse_ifaddr(struct nlmsghdr *nlh, int *ifindex, struct vigil_addr *out)
{
	struct nlattr *tb[IFA_MAX + 1];
	struct ifaddrmsg *ifa = nlmsg_data(nlh);
	struct nlattr *which;

	if (nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, ifaddr_policy) < 0)
		return false;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return false;
	which = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!which || (size_t)nla_len(which) < addr_len(ifa->ifa_family))
		return false;
	memset(out, 0, sizeof(*out));
	out->family = ifa->ifa_family;
	memcpy(&out->u, nla_data(which), addr_len(ifa->ifa_family));
	out->prefix_len = ifa->ifa_prefixlen;
	out->has_prefix = true;
	*ifindex = (int)ifa->ifa_index;
	return true;
}

static bool same_address(const struct vigil_addr *x, const struct vigil_addr *y)
{
	return x->family == y->family &&
	       memcmp(&x->u, &y->u, addr_len(x->family)) == 0;
}

struct presence_query {
	int ifindex;
	const struct vigil_addr *addr;
	bool found;
};

static int on_dump_entry(struct nl_msg *msg, void *arg)
{
	struct presence_query *q = arg;
	struct vigil_addr a;
	int ifindex;

	if (parse_ifaddr(nlmsg_hdr(msg), &ifindex, &a) && ifindex == q->ifindex &&
	    same_address(&a, q->addr))
		q->found = true;
	return NL_OK;
}

int vrrp_vip_present(struct vrrp_vip_ctx *ctx, int ifindex, const struct vigil_addr *addr)
{
	struct ifaddrmsg req = { .ifa_family = (uint8_t)addr->family,
				 .ifa_index = (uint32_t)ifindex };
	struct presence_query q = { .ifindex = ifindex, .addr = addr };
	struct nl_cb *socket_cb = nl_socket_get_cb(ctx->sk), *cb;
	int rc;

	/* A copy of the socket's handlers (the error one included) with our
	 * own for the entries; nl_socket_get_cb() took a reference. */
	cb = nl_cb_clone(socket_cb);
	nl_cb_put(socket_cb);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_dump_entry, &q);
	ctx->last_errno = 0;
	rc = nl_send_simple(ctx->sk, RTM_GETADDR, NLM_F_DUMP, &req, sizeof(req));
	if (rc >= 0)
		rc = nl_recvmsgs(ctx->sk, cb);
	nl_cb_put(cb);
	if (rc < 0)
		return ctx->last_errno ? ctx->last_errno : -EIO;
	return q.found ? 1 : 0;
}

/* --- The monitor --- */

struct vrrp_vip_monitor {
	uv_poll_t poll;
	struct nl_sock *sk;
	struct nl_cb *cb;           /* the socket's handlers, our reference */
	const struct vrrp_vip_monitor_ops *ops;
	void *data;
	bool stopped;               /* no callback once the owner has said stop */
};

static int on_notification(struct nl_msg *msg, void *arg)
{
	struct vrrp_vip_monitor *mon = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vigil_addr a;
	int ifindex;

	if (mon->stopped)
		return NL_STOP;
	if (!parse_ifaddr(nlh, &ifindex, &a))
		return NL_OK;
	if (nlh->nlmsg_type == RTM_DELADDR)
		mon->ops->on_address_removed(mon->data, ifindex, &a);
	else if (nlh->nlmsg_type == RTM_NEWADDR && mon->ops->on_address_added)
		mon->ops->on_address_added(mon->data, ifindex, &a);
	return NL_OK;
}

/* Reads until the socket is empty.  ENOBUFS (libnl: NLE_NOMEM) means the
 * kernel dropped notifications it could not queue. */
static void on_monitor_readable(uv_poll_t *handle, int status, int events)
{
	struct vrrp_vip_monitor *mon = handle->data;
	int rc;

	(void)status;
	(void)events;
	do
		rc = nl_recvmsgs_report(mon->sk, mon->cb);
	while (rc > 0 && !mon->stopped);
	if (rc == -NLE_NOMEM && !mon->stopped && mon->ops->on_resync)
		mon->ops->on_resync(mon->data);
}

static int monitor_socket(struct vrrp_vip_monitor *mon)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return -ENOMEM;
	mon->sk = sk;
	/* Notifications carry no sequence number of ours. */
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_notification, mon);
	if (nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(sk, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0) < 0 ||
	    nl_socket_set_nonblocking(sk) < 0)
		return -EIO;
	/* Room for a burst (an interface going down drops all its addresses
	 * at once); an overrun is still reported through on_resync. */
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_enable_msg_peek(sk);
	mon->cb = nl_socket_get_cb(sk);
	return 0;
}

static void on_monitor_closed(uv_handle_t *handle)
{
	struct vrrp_vip_monitor *mon = handle->data;

	nl_cb_put(mon->cb);
	nl_socket_free(mon->sk);
	free(mon);
}

struct vrrp_vip_monitor *vrrp_vip_monitor_start(uv_loop_t *loop,
						const struct vrrp_vip_monitor_ops *ops,
						void *data, int *err)
{
	struct vrrp_vip_monitor *mon = XNEW(struct vrrp_vip_monitor);
	int rc;

	mon->ops = ops;
	mon->data = data;
	rc = monitor_socket(mon);
	if (rc == 0)
		rc = uv_poll_init(loop, &mon->poll, nl_socket_get_fd(mon->sk));
	if (rc < 0) {
		/* libuv holds nothing yet: free here. */
		if (mon->cb)
			nl_cb_put(mon->cb);
		if (mon->sk)
			nl_socket_free(mon->sk);
		free(mon);
		mon = NULL;
	} else {
		mon->poll.data = mon;
		rc = uv_poll_start(&mon->poll, UV_READABLE, on_monitor_readable);
	}
	if (rc < 0 && mon) {
		uv_close((uv_handle_t *)&mon->poll, on_monitor_closed);
		mon = NULL;
	}
	if (err)
		*err = rc;
	return mon;
}

void vrrp_vip_monitor_stop(struct vrrp_vip_monitor *mon)
{
	if (!mon)
		return;
	mon->stopped = true;        /* a callback may be stopping us mid-batch */
	uv_poll_stop(&mon->poll);
	uv_close((uv_handle_t *)&mon->poll, on_monitor_closed);
}
