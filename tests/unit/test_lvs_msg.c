/* IPVS netlink attributes (lvs/lvs_msg.c): a message built for the kernel
 * parses back to the same struct, the wire layout is the kernel's (ports
 * in network order, 16-byte addresses), and dump replies with counters or
 * missing pieces are read or refused as they should be. */
#include "config.h"

#include "unit.h"

#include "lvs/lvs.h"
#include "lvs/lvs_msg.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#define FAKE_FAMILY 0x42

/* Field by field: structs may hold padding that no copy promises to keep. */
static void assert_service_eq(const struct lvs_service *a, const struct lvs_service *b)
{
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->protocol, b->protocol);
	assert_memory_equal(&a->addr, &b->addr, a->family == AF_INET6 ? 16 : 4);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->fwmark, b->fwmark);
	assert_string_equal(a->sched, b->sched);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->timeout, b->timeout);
	assert_int_equal(a->netmask, b->netmask);
	assert_string_equal(a->pe_name, b->pe_name);
}

static void assert_dest_eq(const struct lvs_dest *a, const struct lvs_dest *b)
{
	assert_int_equal(a->family, b->family);
	assert_memory_equal(&a->addr, &b->addr, a->family == AF_INET6 ? 16 : 4);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->conn_flags, b->conn_flags);
	assert_int_equal(a->weight, b->weight);
	assert_int_equal(a->u_threshold, b->u_threshold);
	assert_int_equal(a->l_threshold, b->l_threshold);
	assert_int_equal(a->tun_type, b->tun_type);
	assert_int_equal(a->tun_port, b->tun_port);
	assert_int_equal(a->tun_flags, b->tun_flags);
}

static void assert_daemon_eq(const struct lvs_sync_daemon *a, const struct lvs_sync_daemon *b)
{
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->ifname, b->ifname);
	assert_int_equal(a->syncid, b->syncid);
	assert_int_equal(a->sync_maxlen, b->sync_maxlen);
	assert_int_equal(a->mcast_port, b->mcast_port);
	assert_int_equal(a->mcast_ttl, b->mcast_ttl);
	assert_int_equal(a->mcast_family, b->mcast_family);
	assert_memory_equal(&a->mcast_group, &b->mcast_group,
			    a->mcast_family == AF_INET6 ? 16 : 4);
}

static struct nl_msg *msg_new(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, cmd, IPVS_GENL_VERSION));
	return msg;
}

/* The attributes inside the message's nest `cmd_attr`. */
static void nest_attrs(struct nl_msg *msg, int cmd_attr, struct nlattr **tb, int max)
{
	struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];

	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, top, IPVS_CMD_ATTR_MAX, NULL), 0);
	assert_non_null(top[cmd_attr]);
	assert_int_equal(nla_parse_nested(tb, max, top[cmd_attr], NULL), 0);
}

static struct lvs_service service_v4_full(void)
{
	struct lvs_service s = { .family = AF_INET, .protocol = IPPROTO_TCP, .port = 8080,
				 .flags = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED2,
				 .timeout = 300, .netmask = htonl(0xffffff00) };

	inet_pton(AF_INET, "10.1.2.3", &s.addr.v4);
	snprintf(s.sched, sizeof(s.sched), "mh");
	snprintf(s.pe_name, sizeof(s.pe_name), "sip");
	return s;
}

static void roundtrip_service(const struct lvs_service *in, bool full, struct lvs_service *out)
{
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_SERVICE);

	assert_int_equal(lvs_msg_put_service(msg, in, full), 0);
	assert_int_equal(lvs_msg_parse_service(nlmsg_hdr(msg), out), 0);
	nlmsg_free(msg);
}

static void test_service_v4_roundtrip(void **state)
{
	struct lvs_service in = service_v4_full(), out;

	(void)state;
	roundtrip_service(&in, true, &out);
	assert_service_eq(&in, &out);
}

static void test_service_v6_and_sctp_roundtrip(void **state)
{
	struct lvs_service v6 = { .family = AF_INET6, .protocol = IPPROTO_UDP, .port = 53,
				  .flags = IP_VS_SVC_F_ONEPACKET, .netmask = 64 };
	struct lvs_service sctp = { .family = AF_INET, .protocol = IPPROTO_SCTP, .port = 9000 };
	struct lvs_service out;

	(void)state;
	inet_pton(AF_INET6, "fd00::1:2", &v6.addr.v6);
	snprintf(v6.sched, sizeof(v6.sched), "wrr");
	roundtrip_service(&v6, true, &out);
	assert_service_eq(&v6, &out);
	inet_pton(AF_INET, "192.0.2.1", &sctp.addr.v4);
	snprintf(sctp.sched, sizeof(sctp.sched), "rr");
	roundtrip_service(&sctp, true, &out);
	/* netmask 0 travels as the full mask the kernel would store. */
	assert_int_equal(out.netmask, 0xffffffffu);
	out.netmask = 0;
	assert_service_eq(&sctp, &out);
}

static void test_service_fwmark_roundtrip(void **state)
{
	struct lvs_service fw = { .family = AF_INET6, .fwmark = 77, .timeout = 60 };
	struct lvs_service out;
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_SERVICE);

	(void)state;
	snprintf(fw.sched, sizeof(fw.sched), "lc");
	roundtrip_service(&fw, true, &out);
	assert_int_equal(out.family, AF_INET6);
	assert_int_equal(out.fwmark, 77);
	assert_int_equal(out.protocol, 0);
	assert_int_equal(out.port, 0);
	assert_int_equal(out.netmask, 128);
	assert_string_equal(out.sched, "lc");
	/* A fwmark key carries no protocol, address or port. */
	assert_int_equal(lvs_msg_put_service(msg, &fw, false), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_non_null(tb[IPVS_SVC_ATTR_FWMARK]);
	assert_null(tb[IPVS_SVC_ATTR_PROTOCOL]);
	assert_null(tb[IPVS_SVC_ATTR_ADDR]);
	assert_null(tb[IPVS_SVC_ATTR_PORT]);
	nlmsg_free(msg);
}

/* The bytes the kernel reads: port in network order, a 16-byte address
 * zero-padded for IPv4, flags with a full mask, settings only when full. */
static void test_service_wire_layout(void **state)
{
	struct lvs_service in = service_v4_full();
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_SERVICE);
	static const unsigned char addr[16] = { 10, 1, 2, 3 };
	struct ip_vs_flags flags;

	(void)state;
	assert_int_equal(lvs_msg_put_service(msg, &in, true), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u16(tb[IPVS_SVC_ATTR_AF]), AF_INET);
	assert_int_equal(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]), htons(8080));
	assert_int_equal(nla_len(tb[IPVS_SVC_ATTR_ADDR]), 16);
	assert_memory_equal(nla_data(tb[IPVS_SVC_ATTR_ADDR]), addr, 16);
	assert_int_equal(nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]), htonl(0xffffff00));
	memcpy(&flags, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(flags));
	assert_int_equal(flags.flags, IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED2);
	assert_int_equal(flags.mask, 0xffffffffu);
	assert_string_equal(nla_get_string(tb[IPVS_SVC_ATTR_PE_NAME]), "sip");
	nlmsg_free(msg);

	msg = msg_new(IPVS_CMD_DEL_SERVICE);
	in.pe_name[0] = '\0';
	assert_int_equal(lvs_msg_put_service(msg, &in, false), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_non_null(tb[IPVS_SVC_ATTR_ADDR]);
	assert_null(tb[IPVS_SVC_ATTR_SCHED_NAME]);
	assert_null(tb[IPVS_SVC_ATTR_FLAGS]);
	assert_null(tb[IPVS_SVC_ATTR_TIMEOUT]);
	assert_null(tb[IPVS_SVC_ATTR_NETMASK]);
	assert_null(tb[IPVS_SVC_ATTR_PE_NAME]);
	nlmsg_free(msg);
}

static void roundtrip_dest(const struct lvs_dest *in, int svc_family, struct lvs_dest *out)
{
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_DEST);
	struct lvs_service svc = { .family = svc_family, .protocol = IPPROTO_TCP, .port = 80 };

	assert_int_equal(lvs_msg_put_service(msg, &svc, false), 0);
	assert_int_equal(lvs_msg_put_dest(msg, in, true), 0);
	assert_int_equal(lvs_msg_parse_dest(nlmsg_hdr(msg), svc_family, out, NULL), 0);
	nlmsg_free(msg);
}

static void test_dest_v4_nat_roundtrip(void **state)
{
	struct lvs_dest in = { .family = AF_INET, .port = 8080, .conn_flags = IP_VS_CONN_F_MASQ,
			       .weight = 3, .u_threshold = 100, .l_threshold = 10 };
	struct lvs_dest out;

	(void)state;
	inet_pton(AF_INET, "10.2.2.2", &in.addr.v4);
	roundtrip_dest(&in, AF_INET, &out);
	assert_dest_eq(&in, &out);
}

static void test_dest_v6_tunnel_roundtrip(void **state)
{
	struct lvs_dest in = { .family = AF_INET6, .port = 443, .conn_flags = IP_VS_CONN_F_TUNNEL,
			       .weight = 0, .tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE,
			       .tun_port = 6080,
			       .tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
					    IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM };
	struct lvs_dest out;

	(void)state;
	inet_pton(AF_INET6, "fd00::2:3", &in.addr.v6);
	roundtrip_dest(&in, AF_INET6, &out);
	assert_dest_eq(&in, &out);
	/* An IPv4 tunnel destination under an IPv6 service keeps its family. */
	in.family = AF_INET;
	memset(&in.addr, 0, sizeof(in.addr));
	inet_pton(AF_INET, "10.3.3.3", &in.addr.v4);
	in.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	in.tun_port = 0;
	roundtrip_dest(&in, AF_INET6, &out);
	assert_dest_eq(&in, &out);
}

static void test_dest_wire_layout(void **state)
{
	struct lvs_dest dr = { .family = AF_INET, .port = 80, .conn_flags = IP_VS_CONN_F_DROUTE,
			       .weight = 2, .tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE,
			       .tun_port = 99 };
	struct lvs_dest tun = dr;
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_DEST);

	(void)state;
	inet_pton(AF_INET, "10.2.2.2", &dr.addr.v4);
	assert_int_equal(lvs_msg_put_dest(msg, &dr, true), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_DEST, tb, IPVS_DEST_ATTR_MAX);
	assert_int_equal(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]), htons(80));
	assert_int_equal(nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]), IP_VS_CONN_F_DROUTE);
	assert_int_equal(nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]), AF_INET);
	assert_int_equal(nla_len(tb[IPVS_DEST_ATTR_ADDR]), 16);
	/* Tunnel attributes only for a tunnelled destination. */
	assert_null(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	assert_null(tb[IPVS_DEST_ATTR_TUN_PORT]);
	nlmsg_free(msg);

	tun.conn_flags = IP_VS_CONN_F_TUNNEL;
	msg = msg_new(IPVS_CMD_NEW_DEST);
	assert_int_equal(lvs_msg_put_dest(msg, &tun, true), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_DEST, tb, IPVS_DEST_ATTR_MAX);
	assert_int_equal(nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]), IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]), htons(99));
	nlmsg_free(msg);

	/* DEL_DEST wants the key only. */
	msg = msg_new(IPVS_CMD_DEL_DEST);
	assert_int_equal(lvs_msg_put_dest(msg, &tun, false), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_DEST, tb, IPVS_DEST_ATTR_MAX);
	assert_non_null(tb[IPVS_DEST_ATTR_ADDR]);
	assert_null(tb[IPVS_DEST_ATTR_WEIGHT]);
	assert_null(tb[IPVS_DEST_ATTR_FWD_METHOD]);
	nlmsg_free(msg);
}

/* A dump entry as the kernel sends it: no ADDR_FAMILY on old kernels,
 * counters in STATS64 (or only STATS), connection counts. */
static struct nl_msg *dump_dest_msg(bool stats64, bool with_family)
{
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_DEST);
	struct nlattr *dest = nla_nest_start(msg, IPVS_CMD_ATTR_DEST), *st;
	unsigned char addr[16] = { 0xfd, [15] = 7 };

	if (with_family)
		nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET6);
	nla_put(msg, IPVS_DEST_ATTR_ADDR, sizeof(addr), addr);
	nla_put_u16(msg, IPVS_DEST_ATTR_PORT, htons(25));
	/* The kernel reports every conn flag; only the method is kept. */
	nla_put_u32(msg, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_DROUTE);
	nla_put_u32(msg, IPVS_DEST_ATTR_WEIGHT, 4);
	nla_put_u32(msg, IPVS_DEST_ATTR_ACTIVE_CONNS, 11);
	nla_put_u32(msg, IPVS_DEST_ATTR_INACT_CONNS, 12);
	nla_put_u32(msg, IPVS_DEST_ATTR_PERSIST_CONNS, 13);
	st = nla_nest_start(msg, stats64 ? IPVS_DEST_ATTR_STATS64 : IPVS_DEST_ATTR_STATS);
	if (stats64) {
		nla_put_u64(msg, IPVS_STATS_ATTR_CONNS, 5000000000ull);
		nla_put_u64(msg, IPVS_STATS_ATTR_INPKTS, 21);
		nla_put_u64(msg, IPVS_STATS_ATTR_OUTPKTS, 22);
	} else {
		nla_put_u32(msg, IPVS_STATS_ATTR_CONNS, 20);
		nla_put_u32(msg, IPVS_STATS_ATTR_INPKTS, 21);
		nla_put_u32(msg, IPVS_STATS_ATTR_OUTPKTS, 22);
	}
	nla_put_u64(msg, IPVS_STATS_ATTR_INBYTES, 6000000000ull);
	nla_put_u64(msg, IPVS_STATS_ATTR_OUTBYTES, 24);
	nla_nest_end(msg, st);
	nla_nest_end(msg, dest);
	return msg;
}

static void test_dest_dump_stats(void **state)
{
	struct lvs_dest out;
	struct lvs_dest_stats st;
	struct nl_msg *msg = dump_dest_msg(true, false);
	char text[64];

	(void)state;
	/* No ADDR_FAMILY: the service's family (IPv6 here) applies. */
	assert_int_equal(lvs_msg_parse_dest(nlmsg_hdr(msg), AF_INET6, &out, &st), 0);
	lvs_dest_describe(&out, text, sizeof(text));
	assert_string_equal(text, "[fd00::7]:25");
	assert_int_equal(out.conn_flags, IP_VS_CONN_F_DROUTE);
	assert_int_equal(out.weight, 4);
	assert_int_equal(st.active_conns, 11);
	assert_int_equal(st.inactive_conns, 12);
	assert_int_equal(st.persist_conns, 13);
	assert_true(st.conns == 5000000000ull);
	assert_int_equal(st.inpkts, 21);
	assert_int_equal(st.outpkts, 22);
	assert_true(st.inbytes == 6000000000ull);
	assert_int_equal(st.outbytes, 24);
	nlmsg_free(msg);

	msg = dump_dest_msg(false, true);
	assert_int_equal(lvs_msg_parse_dest(nlmsg_hdr(msg), AF_INET, &out, &st), 0);
	assert_int_equal(out.family, AF_INET6);
	assert_int_equal(st.conns, 20);
	assert_true(st.inbytes == 6000000000ull);
	nlmsg_free(msg);
}

static void test_malformed_entries_refused(void **state)
{
	struct lvs_service svc;
	struct lvs_dest dest;
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_SERVICE);
	struct nlattr *nest;
	uint32_t v4 = htonl(0x0a000001);

	(void)state;
	/* No nest at all. */
	assert_int_equal(lvs_msg_parse_service(nlmsg_hdr(msg), &svc), -EINVAL);
	assert_int_equal(lvs_msg_parse_dest(nlmsg_hdr(msg), AF_INET, &dest, NULL), -EINVAL);
	/* No family. */
	nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put_u16(msg, IPVS_SVC_ATTR_PORT, htons(80));
	nla_put(msg, IPVS_SVC_ATTR_ADDR, sizeof(v4), &v4);
	nla_nest_end(msg, nest);
	assert_int_equal(lvs_msg_parse_service(nlmsg_hdr(msg), &svc), -EINVAL);
	nlmsg_free(msg);

	/* IPv6 with a 4-byte address. */
	msg = msg_new(IPVS_CMD_NEW_SERVICE);
	nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(msg, IPVS_SVC_ATTR_AF, AF_INET6);
	nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put_u16(msg, IPVS_SVC_ATTR_PORT, htons(80));
	nla_put(msg, IPVS_SVC_ATTR_ADDR, sizeof(v4), &v4);
	nla_nest_end(msg, nest);
	assert_int_equal(lvs_msg_parse_service(nlmsg_hdr(msg), &svc), -EINVAL);
	nlmsg_free(msg);

	/* IPv4 without a port; an unknown family. */
	msg = msg_new(IPVS_CMD_NEW_SERVICE);
	nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(msg, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put(msg, IPVS_SVC_ATTR_ADDR, sizeof(v4), &v4);
	nla_nest_end(msg, nest);
	assert_int_equal(lvs_msg_parse_service(nlmsg_hdr(msg), &svc), -EINVAL);
	nlmsg_free(msg);
	msg = msg_new(IPVS_CMD_NEW_DEST);
	nest = nla_nest_start(msg, IPVS_CMD_ATTR_DEST);
	nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, 99);
	nla_put(msg, IPVS_DEST_ATTR_ADDR, sizeof(v4), &v4);
	nla_put_u16(msg, IPVS_DEST_ATTR_PORT, htons(80));
	nla_nest_end(msg, nest);
	assert_int_equal(lvs_msg_parse_dest(nlmsg_hdr(msg), AF_INET, &dest, NULL), -EINVAL);
	nlmsg_free(msg);
}

static void test_daemon_roundtrip(void **state)
{
	struct lvs_sync_daemon in = { .state = LVS_SYNC_MASTER, .ifname = "eth1", .syncid = 42,
				      .sync_maxlen = 1400, .mcast_port = 8850, .mcast_ttl = 3,
				      .mcast_family = AF_INET };
	struct lvs_sync_daemon out;
	struct nl_msg *msg = msg_new(IPVS_CMD_NEW_DAEMON);

	(void)state;
	inet_pton(AF_INET, "239.1.2.3", &in.mcast_group.v4);
	assert_int_equal(lvs_msg_put_daemon(msg, &in, true), 0);
	assert_int_equal(lvs_msg_parse_daemon(nlmsg_hdr(msg), &out), 0);
	assert_daemon_eq(&in, &out);
	nlmsg_free(msg);

	in.state = LVS_SYNC_BACKUP;
	in.mcast_family = AF_INET6;
	memset(&in.mcast_group, 0, sizeof(in.mcast_group));
	inet_pton(AF_INET6, "ff02::81", &in.mcast_group.v6);
	msg = msg_new(IPVS_CMD_NEW_DAEMON);
	assert_int_equal(lvs_msg_put_daemon(msg, &in, true), 0);
	assert_int_equal(lvs_msg_parse_daemon(nlmsg_hdr(msg), &out), 0);
	assert_daemon_eq(&in, &out);
	nlmsg_free(msg);

	/* Kernel defaults stay unsent; a stop carries state and interface. */
	struct lvs_sync_daemon plain = { .state = LVS_SYNC_MASTER, .ifname = "eth0", .syncid = 1 };
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];
	msg = msg_new(IPVS_CMD_NEW_DAEMON);
	assert_int_equal(lvs_msg_put_daemon(msg, &plain, true), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_DAEMON, tb, IPVS_DAEMON_ATTR_MAX);
	assert_null(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	assert_null(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	assert_null(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	assert_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	assert_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]);
	nlmsg_free(msg);
	msg = msg_new(IPVS_CMD_DEL_DAEMON);
	assert_int_equal(lvs_msg_put_daemon(msg, &plain, false), 0);
	nest_attrs(msg, IPVS_CMD_ATTR_DAEMON, tb, IPVS_DAEMON_ATTR_MAX);
	assert_int_equal(nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]), IP_VS_STATE_MASTER);
	assert_string_equal(nla_get_string(tb[IPVS_DAEMON_ATTR_MCAST_IFN]), "eth0");
	assert_null(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	nlmsg_free(msg);
}

static void test_timeouts_only_nonzero(void **state)
{
	struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];
	struct nl_msg *msg = msg_new(IPVS_CMD_SET_CONFIG);

	(void)state;
	assert_int_equal(lvs_msg_put_timeouts(msg, 100, 0, 30), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, top, IPVS_CMD_ATTR_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(top[IPVS_CMD_ATTR_TIMEOUT_TCP]), 100);
	assert_null(top[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
	assert_int_equal(nla_get_u32(top[IPVS_CMD_ATTR_TIMEOUT_UDP]), 30);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_v4_roundtrip),
		cmocka_unit_test(test_service_v6_and_sctp_roundtrip),
		cmocka_unit_test(test_service_fwmark_roundtrip),
		cmocka_unit_test(test_service_wire_layout),
		cmocka_unit_test(test_dest_v4_nat_roundtrip),
		cmocka_unit_test(test_dest_v6_tunnel_roundtrip),
		cmocka_unit_test(test_dest_wire_layout),
		cmocka_unit_test(test_dest_dump_stats),
		cmocka_unit_test(test_malformed_entries_refused),
		cmocka_unit_test(test_daemon_roundtrip),
		cmocka_unit_test(test_timeouts_only_nonzero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
