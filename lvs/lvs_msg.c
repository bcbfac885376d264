/* IPVS generic netlink attributes <-> struct lvs_service / lvs_dest /
 * lvs_sync_daemon.  Byte orders follow the kernel: ports (service,
 * destination, GUE tunnel) travel in network order, the IPv4 netmask is
 * already in network order in the struct and goes as it is, every other
 * integer is native. */
#include "config.h"
#include "lvs_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <string.h>

uint32_t lvs_service_netmask(const struct lvs_service *svc)
{
	if (svc->netmask)
		return svc->netmask;
	return svc->family == AF_INET6 ? 128 : 0xffffffffu;
}

/* The kernel reads a union nf_inet_addr (16 bytes); a v4 address fills
 * the first four and the rest must be zero. */
static int put_addr(struct nl_msg *msg, int attr, int family, const union lvs_addr *addr)
{
	unsigned char raw[16] = { 0 };

	if (family == AF_INET6)
		memcpy(raw, &addr->v6, sizeof(addr->v6));
	else
		memcpy(raw, &addr->v4, sizeof(addr->v4));
	return nla_put(msg, attr, sizeof(raw), raw);
}

static int put_service_settings(struct nl_msg *msg, const struct lvs_service *svc)
{
	struct ip_vs_flags flags = { .flags = svc->flags, .mask = ~0u };

	if (nla_put_string(msg, IPVS_SVC_ATTR_SCHED_NAME, svc->sched) < 0 ||
	    nla_put(msg, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) < 0 ||
	    nla_put_u32(msg, IPVS_SVC_ATTR_TIMEOUT, svc->timeout) < 0 ||
	    nla_put_u32(msg, IPVS_SVC_ATTR_NETMASK, lvs_service_netmask(svc)) < 0)
		return -EMSGSIZE;
	if (svc->pe_name[0] && nla_put_string(msg, IPVS_SVC_ATTR_PE_NAME, svc->pe_name) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_service_key(struct nl_msg *msg, const struct lvs_service *svc)
{
	if (nla_put_u16(msg, IPVS_SVC_ATTR_AF, (uint16_t)svc->family) < 0)
		return -EMSGSIZE;
	if (svc->fwmark)
		return nla_put_u32(msg, IPVS_SVC_ATTR_FWMARK, svc->fwmark) < 0 ? -EMSGSIZE : 0;
	if (nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, svc->protocol) < 0 ||
	    put_addr(msg, IPVS_SVC_ATTR_ADDR, svc->family, &svc->addr) < 0 ||
	    nla_put_u16(msg, IPVS_SVC_ATTR_PORT, htons(svc->port)) < 0)
		return -EMSGSIZE;
	return 0;
}

int lvs_msg_put_service(struct nl_msg *msg, const struct lvs_service *svc, bool full)
{
	struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE);

	if (!nest || put_service_key(msg, svc) < 0 || (full && put_service_settings(msg, svc) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_dest_settings(struct nl_msg *msg, const struct lvs_dest *d)
{
	if (nla_put_u32(msg, IPVS_DEST_ATTR_FWD_METHOD, d->conn_flags & IP_VS_CONN_F_FWD_MASK) < 0 ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight) < 0 ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_U_THRESH, d->u_threshold) < 0 ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_L_THRESH, d->l_threshold) < 0)
		return -EMSGSIZE;
	/* Tunnel settings mean something only to a tunnelled destination;
	 * kernels before 5.2 do not know these attributes. */
	if ((d->conn_flags & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_TUNNEL)
		return 0;
	if (nla_put_u8(msg, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type) < 0 ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port)) < 0 ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags) < 0)
		return -EMSGSIZE;
	return 0;
}

int lvs_msg_put_dest(struct nl_msg *msg, const struct lvs_dest *d, bool full)
{
	struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_DEST);

	if (!nest || nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, (uint16_t)d->family) < 0 ||
	    put_addr(msg, IPVS_DEST_ATTR_ADDR, d->family, &d->addr) < 0 ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_PORT, htons(d->port)) < 0 ||
	    (full && put_dest_settings(msg, d) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_daemon_options(struct nl_msg *msg, const struct lvs_sync_daemon *d)
{
	if (d->sync_maxlen && nla_put_u16(msg, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d->sync_maxlen) < 0)
		return -EMSGSIZE;
	if (d->mcast_port && nla_put_u16(msg, IPVS_DAEMON_ATTR_MCAST_PORT, d->mcast_port) < 0)
		return -EMSGSIZE;
	if (d->mcast_ttl && nla_put_u8(msg, IPVS_DAEMON_ATTR_MCAST_TTL, d->mcast_ttl) < 0)
		return -EMSGSIZE;
	if (d->mcast_family == AF_INET &&
	    nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP, sizeof(d->mcast_group.v4),
		    &d->mcast_group.v4) < 0)
		return -EMSGSIZE;
	if (d->mcast_family == AF_INET6 &&
	    nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP6, sizeof(d->mcast_group.v6),
		    &d->mcast_group.v6) < 0)
		return -EMSGSIZE;
	return 0;
}

int lvs_msg_put_daemon(struct nl_msg *msg, const struct lvs_sync_daemon *d, bool full)
{
	struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_DAEMON);

	if (!nest || nla_put_u32(msg, IPVS_DAEMON_ATTR_STATE, (uint32_t)d->state) < 0)
		return -EMSGSIZE;
	if (d->ifname[0] && nla_put_string(msg, IPVS_DAEMON_ATTR_MCAST_IFN, d->ifname) < 0)
		return -EMSGSIZE;
	if (full && (nla_put_u32(msg, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid) < 0 ||
		     put_daemon_options(msg, d) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int lvs_msg_put_timeouts(struct nl_msg *msg, uint32_t tcp_s, uint32_t tcpfin_s, uint32_t udp_s)
{
	if (tcp_s && nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP, tcp_s) < 0)
		return -EMSGSIZE;
	if (tcpfin_s && nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, tcpfin_s) < 0)
		return -EMSGSIZE;
	if (udp_s && nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_UDP, udp_s) < 0)
		return -EMSGSIZE;
	return 0;
}

/* ---- parsing ---- */

static struct nla_policy cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON] = { .type = NLA_NESTED },
};

static struct nla_policy svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR] = { .minlen = 4 },
	[IPVS_SVC_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { .type = NLA_STRING },
	[IPVS_SVC_ATTR_FLAGS] = { .minlen = sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_PE_NAME] = { .type = NLA_STRING },
	[IPVS_SVC_ATTR_STATS64] = { .type = NLA_NESTED },
};

static struct nla_policy dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { .minlen = 4 },
	[IPVS_DEST_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_STATS64] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_TUN_TYPE] = { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS] = { .type = NLA_U16 },
};

static struct nla_policy daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN] = { .type = NLA_STRING },
	[IPVS_DAEMON_ATTR_SYNC_ID] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6] = { .minlen = sizeof(struct in6_addr) },
	[IPVS_DAEMON_ATTR_MCAST_PORT] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL] = { .type = NLA_U8 },
};

/* The nest `cmd_attr` of the message, parsed with `policy` into tb. */
static int parse_nest(struct nlmsghdr *nlh, int cmd_attr, struct nlattr **tb, int max,
		      struct nla_policy *policy)
{
	struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, top, IPVS_CMD_ATTR_MAX, cmd_policy) < 0 || !top[cmd_attr])
		return -EINVAL;
	if (nla_parse_nested(tb, max, top[cmd_attr], policy) < 0)
		return -EINVAL;
	return 0;
}

static int get_addr(const struct nlattr *a, int family, union lvs_addr *out)
{
	size_t need = family == AF_INET6 ? sizeof(out->v6) : sizeof(out->v4);

	if (!a || (size_t)nla_len(a) < need)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, nla_data(a), need);
	return 0;
}

static int get_family(const struct nlattr *a, int fallback, int *out)
{
	*out = a ? nla_get_u16(a) : fallback;
	return *out == AF_INET || *out == AF_INET6 ? 0 : -EINVAL;
}

static void get_service_settings(struct nlattr **tb, struct lvs_service *out)
{
	if (tb[IPVS_SVC_ATTR_SCHED_NAME])
		nla_strlcpy(out->sched, tb[IPVS_SVC_ATTR_SCHED_NAME], sizeof(out->sched));
	if (tb[IPVS_SVC_ATTR_PE_NAME])
		nla_strlcpy(out->pe_name, tb[IPVS_SVC_ATTR_PE_NAME], sizeof(out->pe_name));
	if (tb[IPVS_SVC_ATTR_FLAGS]) {
		struct ip_vs_flags flags;

		memcpy(&flags, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(flags));
		out->flags = flags.flags & flags.mask;
	}
	if (tb[IPVS_SVC_ATTR_TIMEOUT])
		out->timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	if (tb[IPVS_SVC_ATTR_NETMASK])
		out->netmask = nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
}

int lvs_msg_parse_service(struct nlmsghdr *nlh, struct lvs_service *out)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nest(nlh, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX, svc_policy) < 0 ||
	    !tb[IPVS_SVC_ATTR_AF] || get_family(tb[IPVS_SVC_ATTR_AF], 0, &out->family) < 0)
		return -EINVAL;
	if (tb[IPVS_SVC_ATTR_FWMARK] && nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK])) {
		out->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	} else {
		if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_PORT] ||
		    get_addr(tb[IPVS_SVC_ATTR_ADDR], out->family, &out->addr) < 0)
			return -EINVAL;
		out->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		out->port = ntohs(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	}
	get_service_settings(tb, out);
	return 0;
}

static struct nla_policy stats_policy[IPVS_STATS_ATTR_MAX + 1] = {
	[IPVS_STATS_ATTR_CONNS] = { .minlen = 4 },
	[IPVS_STATS_ATTR_INPKTS] = { .minlen = 4 },
	[IPVS_STATS_ATTR_OUTPKTS] = { .minlen = 4 },
	[IPVS_STATS_ATTR_INBYTES] = { .minlen = 8 },
	[IPVS_STATS_ATTR_OUTBYTES] = { .minlen = 8 },
};

/* A counter of either width: STATS holds u32 packet/connection counts,
 * STATS64 holds everything as u64. */
static uint64_t get_counter(const struct nlattr *a)
{
	if (!a)
		return 0;
	return nla_len(a) >= 8 ? nla_get_u64(a) : nla_get_u32(a);
}

static void get_dest_stats(struct nlattr **tb, struct lvs_dest_stats *st)
{
	struct nlattr *nest = tb[IPVS_DEST_ATTR_STATS64] ? tb[IPVS_DEST_ATTR_STATS64]
							 : tb[IPVS_DEST_ATTR_STATS];
	struct nlattr *s[IPVS_STATS_ATTR_MAX + 1];

	if (tb[IPVS_DEST_ATTR_ACTIVE_CONNS])
		st->active_conns = nla_get_u32(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	if (tb[IPVS_DEST_ATTR_INACT_CONNS])
		st->inactive_conns = nla_get_u32(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	if (tb[IPVS_DEST_ATTR_PERSIST_CONNS])
		st->persist_conns = nla_get_u32(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	if (!nest || nla_parse_nested(s, IPVS_STATS_ATTR_MAX, nest, stats_policy) < 0)
		return;
	st->conns = get_counter(s[IPVS_STATS_ATTR_CONNS]);
	st->inpkts = get_counter(s[IPVS_STATS_ATTR_INPKTS]);
	st->outpkts = get_counter(s[IPVS_STATS_ATTR_OUTPKTS]);
	st->inbytes = get_counter(s[IPVS_STATS_ATTR_INBYTES]);
	st->outbytes = get_counter(s[IPVS_STATS_ATTR_OUTBYTES]);
}

static void get_dest_settings(struct nlattr **tb, struct lvs_dest *out)
{
	if (tb[IPVS_DEST_ATTR_FWD_METHOD])
		out->conn_flags = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) & IP_VS_CONN_F_FWD_MASK;
	if (tb[IPVS_DEST_ATTR_WEIGHT])
		out->weight = (int32_t)nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	if (tb[IPVS_DEST_ATTR_U_THRESH])
		out->u_threshold = nla_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	if (tb[IPVS_DEST_ATTR_L_THRESH])
		out->l_threshold = nla_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	if (tb[IPVS_DEST_ATTR_TUN_TYPE])
		out->tun_type = nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (tb[IPVS_DEST_ATTR_TUN_PORT])
		out->tun_port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
	if (tb[IPVS_DEST_ATTR_TUN_FLAGS])
		out->tun_flags = nla_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
}

int lvs_msg_parse_dest(struct nlmsghdr *nlh, int svc_family, struct lvs_dest *out,
		       struct lvs_dest_stats *stats)
{
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nest(nlh, IPVS_CMD_ATTR_DEST, tb, IPVS_DEST_ATTR_MAX, dest_policy) < 0 ||
	    get_family(tb[IPVS_DEST_ATTR_ADDR_FAMILY], svc_family, &out->family) < 0 ||
	    get_addr(tb[IPVS_DEST_ATTR_ADDR], out->family, &out->addr) < 0 ||
	    !tb[IPVS_DEST_ATTR_PORT])
		return -EINVAL;
	out->port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	get_dest_settings(tb, out);
	if (stats) {
		memset(stats, 0, sizeof(*stats));
		get_dest_stats(tb, stats);
	}
	return 0;
}

static void get_daemon_options(struct nlattr **tb, struct lvs_sync_daemon *out)
{
	if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
		out->sync_maxlen = nla_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_PORT])
		out->mcast_port = nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_TTL])
		out->mcast_ttl = nla_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		out->mcast_family = AF_INET;
		memcpy(&out->mcast_group.v4, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]),
		       sizeof(out->mcast_group.v4));
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		out->mcast_family = AF_INET6;
		memcpy(&out->mcast_group.v6, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]),
		       sizeof(out->mcast_group.v6));
	}
}

int lvs_msg_parse_daemon(struct nlmsghdr *nlh, struct lvs_sync_daemon *out)
{
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nest(nlh, IPVS_CMD_ATTR_DAEMON, tb, IPVS_DAEMON_ATTR_MAX, daemon_policy) < 0 ||
	    !tb[IPVS_DAEMON_ATTR_STATE])
		return -EINVAL;
	out->state = (enum lvs_sync_state)nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_IFN])
		nla_strlcpy(out->ifname, tb[IPVS_DAEMON_ATTR_MCAST_IFN], sizeof(out->ifname));
	if (tb[IPVS_DAEMON_ATTR_SYNC_ID])
		out->syncid = nla_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	get_daemon_options(tb, out);
	return 0;
}
