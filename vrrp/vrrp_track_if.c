/* Link state from rtnetlink; see vrrp_track_if.h. */
#include "config.h"
#include "vrrp/vrrp_track_if.h"

#include "xalloc.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/rtnl.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A dump interrupted by changes (NLM_F_DUMP_INTR) is simply redone. */
#define DUMP_ATTEMPTS 5

struct link_entry {
	struct vrrp_track_if_link link;
	unsigned generation;            /* the last dump that listed it */
};

struct vrrp_track_if {
	uv_poll_t poll;
	struct nl_sock *sk;
	struct nl_cb *cb;               /* the socket's handlers, our reference */
	const struct vrrp_track_if_ops *ops;
	void *data;
	struct link_entry *links;
	size_t count;
	unsigned generation;            /* of the dump in progress or last done */
	bool dumping, dump_again;
	bool quiet;                     /* the initial dump: no callbacks */
	bool stopped;
	unsigned long resyncs;
};

bool vrrp_track_if_flags_up(unsigned flags)
{
	return (flags & IFF_UP) && (flags & IFF_RUNNING);
}

/* ---- The table ---- */

static struct link_entry *find_entry(const struct vrrp_track_if *mon, int ifindex)
{
	for (size_t i = 0; i < mon->count; i++)
		if (mon->links[i].link.ifindex == ifindex)
			return &mon->links[i];
	return NULL;
}

static void report(struct vrrp_track_if *mon, const struct vrrp_track_if_link *link)
{
	if (!mon->quiet && !mon->stopped)
		mon->ops->on_change(mon->data, link);
}

static void remove_entry(struct vrrp_track_if *mon, struct link_entry *e)
{
	struct vrrp_track_if_link gone = e->link;

	*e = mon->links[--mon->count];
	gone.present = false;
	gone.up = false;
	report(mon, &gone);
}

static struct link_entry *add_entry(struct vrrp_track_if *mon, int ifindex)
{
	struct link_entry *e;

	mon->links = xreallocarray(mon->links, mon->count + 1, sizeof(*mon->links));
	e = &mon->links[mon->count++];
	memset(e, 0, sizeof(*e));
	e->link.ifindex = ifindex;
	return e;
}

/* A link as the kernel describes it now: record it, report what changed. */
static void update_link(struct vrrp_track_if *mon, int ifindex, const char *name, unsigned flags)
{
	struct link_entry *e = find_entry(mon, ifindex);
	bool up = vrrp_track_if_flags_up(flags);
	bool renamed = e && strcmp(e->link.name, name) != 0;

	if (renamed) {
		remove_entry(mon, e);
		e = NULL;
	}
	if (!e) {
		e = add_entry(mon, ifindex);
		snprintf(e->link.name, sizeof(e->link.name), "%s", name);
		e->link.present = true;
		e->link.up = !up;       /* forces the report below */
	}
	e->generation = mon->generation;
	e->link.flags = flags;
	if (e->link.up == up)
		return;
	e->link.up = up;
	report(mon, &e->link);
}

/* Links the finished dump did not list are gone. */
static void sweep_links(struct vrrp_track_if *mon)
{
	for (size_t i = 0; i < mon->count;) {
		if (mon->links[i].generation != mon->generation)
			remove_entry(mon, &mon->links[i]);
		else
			i++;
	}
}

/* ---- Netlink ---- */

static int on_message(struct nl_msg *msg, void *arg)
{
	struct vrrp_track_if *mon = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;
	struct link_entry *e;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return NL_OK;
	if (nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_OK;
	ifi = nlmsg_data(nlh);
	/* AF_BRIDGE messages are about bridge ports, not the links. */
	if (ifi->ifi_family != AF_UNSPEC)
		return NL_OK;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		if ((e = find_entry(mon, ifi->ifi_index)))
			remove_entry(mon, e);
	} else if (tb[IFLA_IFNAME]) {
		update_link(mon, ifi->ifi_index, nla_get_string(tb[IFLA_IFNAME]), ifi->ifi_flags);
	}
	return NL_OK;
}

static int request_dump(struct vrrp_track_if *mon)
{
	int rc;

	mon->generation++;
	rc = nl_rtgen_request(mon->sk, RTM_GETLINK, AF_UNSPEC, NLM_F_DUMP);
	if (rc < 0)
		return -EIO;
	mon->dumping = true;
	return 0;
}

static int on_dump_done(struct nl_msg *msg, void *arg)
{
	struct vrrp_track_if *mon = arg;

	(void)msg;
	if (!mon->dumping)
		return NL_STOP;
	mon->dumping = false;
	sweep_links(mon);
	if (mon->dump_again && !mon->stopped) {
		mon->dump_again = false;
		request_dump(mon);
	}
	return NL_STOP;
}

/* Notifications were lost: dump again (after the one running, if any). */
static void resync(struct vrrp_track_if *mon)
{
	mon->resyncs++;
	if (mon->dumping)
		mon->dump_again = true;
	else
		request_dump(mon);
}

static void on_readable(uv_poll_t *handle, int status, int events)
{
	struct vrrp_track_if *mon = handle->data;
	int rc;

	(void)status;
	(void)events;
	do
		rc = nl_recvmsgs_report(mon->sk, mon->cb);
	while (rc > 0 && !mon->stopped);
	/* ENOBUFS comes out of libnl as NLE_NOMEM. */
	if ((rc == -NLE_NOMEM || rc == -NLE_DUMP_INTR) && !mon->stopped)
		resync(mon);
}

static int open_socket(struct vrrp_track_if *mon)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return -ENOMEM;
	mon->sk = sk;
	/* Notifications carry no sequence number of ours; dumps need no ack. */
	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_message, mon);
	nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_dump_done, mon);
	if (nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(sk, RTNLGRP_LINK, 0) < 0)
		return -EIO;
	/* Room for a burst (many links changing at once); an overrun is
	 * still caught and resynchronised. */
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_enable_msg_peek(sk);
	mon->cb = nl_socket_get_cb(sk);
	return 0;
}

/* The first dump, read to its end on the still blocking socket. */
static int initial_dump(struct vrrp_track_if *mon)
{
	int rc = -EIO;

	mon->quiet = true;
	for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
		rc = request_dump(mon);
		while (rc >= 0 && mon->dumping)
			rc = nl_recvmsgs_report(mon->sk, mon->cb);
		if (rc != -NLE_DUMP_INTR)
			break;
		mon->dumping = false;
	}
	mon->quiet = false;
	return rc < 0 ? -EIO : 0;
}

static void release(struct vrrp_track_if *mon)
{
	if (mon->cb)
		nl_cb_put(mon->cb);
	if (mon->sk)
		nl_socket_free(mon->sk);
	free(mon->links);
	free(mon);
}

static void on_closed(uv_handle_t *handle)
{
	release(handle->data);
}

struct vrrp_track_if *vrrp_track_if_start(uv_loop_t *loop, const struct vrrp_track_if_ops *ops,
					  void *data, int *err)
{
	struct vrrp_track_if *mon = XNEW(struct vrrp_track_if);
	int rc;

	mon->ops = ops;
	mon->data = data;
	rc = open_socket(mon);
	if (rc == 0)
		rc = initial_dump(mon);
	if (rc == 0 && nl_socket_set_nonblocking(mon->sk) < 0)
		rc = -EIO;
	if (rc == 0)
		rc = uv_poll_init(loop, &mon->poll, nl_socket_get_fd(mon->sk));
	if (rc < 0) {
		release(mon);           /* libuv holds nothing yet */
		mon = NULL;
	} else {
		mon->poll.data = mon;
		rc = uv_poll_start(&mon->poll, UV_READABLE, on_readable);
		if (rc < 0) {
			uv_close((uv_handle_t *)&mon->poll, on_closed);
			mon = NULL;
		}
	}
	if (err)
		*err = rc;
	return mon;
}

const struct vrrp_track_if_link *vrrp_track_if_find(const struct vrrp_track_if *mon, int ifindex)
{
	const struct link_entry *e = find_entry(mon, ifindex);

	return e ? &e->link : NULL;
}

const struct vrrp_track_if_link *vrrp_track_if_find_name(const struct vrrp_track_if *mon,
							 const char *name)
{
	for (size_t i = 0; i < mon->count; i++)
		if (strcmp(mon->links[i].link.name, name) == 0)
			return &mon->links[i].link;
	return NULL;
}

bool vrrp_track_if_is_up(const struct vrrp_track_if *mon, const char *name)
{
	const struct vrrp_track_if_link *link = vrrp_track_if_find_name(mon, name);

	return link && link->up;
}

unsigned long vrrp_track_if_resyncs(const struct vrrp_track_if *mon)
{
	return mon->resyncs;
}

void vrrp_track_if_stop(struct vrrp_track_if *mon)
{
	if (!mon)
		return;
	mon->stopped = true;        /* a callback may be stopping us mid-batch */
	uv_poll_stop(&mon->poll);
	uv_close((uv_handle_t *)&mon->poll, on_closed);
}
