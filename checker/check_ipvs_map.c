/* What a virtual server means for the kernel's IPVS table (pure: no I/O).
 *
 * The values follow what ipvsadm and keepalived give the kernel, so a table
 * vigil installs reads back the same in `ipvsadm -Sn` as keepalived's:
 * netmask 255.255.255.255 (or /128) unless persistence_granularity says
 * otherwise, the scheduler flags as ipvsadm -b names them, the hashed flag
 * the kernel sets on every service anyway. */
#include "config.h"
#include "checker/check_ipvs.h"
#include "log.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <string.h>
#include <sys/socket.h>

/* An address range expands to one service per address; this bounds a
 * mistyped IPv6 range (a /64 would never end). */
#define CHECK_IPVS_RANGE_MAX 65536u

/* keepalived's persistence timeout when only the granularity is given. */
#define CHECK_IPVS_PERSISTENCE_DEFAULT 360u

/* ipvsadm -b: each keyword's kernel flag.  sh-* and mh-* reuse the
 * generic scheduler flags, as the kernel's sh and mh schedulers read them. */
static const uint32_t sched_flag_bits[CHECK_SCHED_F_COUNT] = {
	[CHECK_SCHED_F_HASHED] = IP_VS_SVC_F_HASHED,
	[CHECK_SCHED_F_FLAG1] = IP_VS_SVC_F_SCHED1,
	[CHECK_SCHED_F_FLAG2] = IP_VS_SVC_F_SCHED2,
	[CHECK_SCHED_F_FLAG3] = IP_VS_SVC_F_SCHED3,
	[CHECK_SCHED_F_SH_PORT] = IP_VS_SVC_F_SCHED_SH_PORT,
	[CHECK_SCHED_F_SH_FALLBACK] = IP_VS_SVC_F_SCHED_SH_FALLBACK,
	[CHECK_SCHED_F_MH_PORT] = IP_VS_SVC_F_SCHED2,
	[CHECK_SCHED_F_MH_FALLBACK] = IP_VS_SVC_F_SCHED1,
};

static const uint32_t fwd_conn_flags[CHECK_FWD_COUNT] = {
	[CHECK_FWD_NAT] = IP_VS_CONN_F_MASQ,
	[CHECK_FWD_DR] = IP_VS_CONN_F_DROUTE,
	[CHECK_FWD_TUN] = IP_VS_CONN_F_TUNNEL,
};

static const uint8_t tunnel_types[CHECK_TUN_COUNT] = {
	[CHECK_TUN_IPIP] = IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
	[CHECK_TUN_GUE] = IP_VS_CONN_F_TUNNEL_TYPE_GUE,
	[CHECK_TUN_GRE] = IP_VS_CONN_F_TUNNEL_TYPE_GRE,
};

static const uint16_t tunnel_csum_flags[CHECK_CSUM_COUNT] = {
	[CHECK_CSUM_DEFAULT] = IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
	[CHECK_CSUM_NOCSUM] = IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
	[CHECK_CSUM_CSUM] = IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
	[CHECK_CSUM_REMCSUM] = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
};

static const uint8_t protocol_numbers[CHECK_PROTO_COUNT] = {
	[CHECK_PROTO_TCP] = IPPROTO_TCP,
	[CHECK_PROTO_UDP] = IPPROTO_UDP,
	[CHECK_PROTO_SCTP] = IPPROTO_SCTP,
};

/* ---- service fields ---- */

static bool vs_persistent(const struct check_vs_config *vs)
{
	return vs->persistent || vs->has_granularity;
}

/* keepalived drops ops (one-packet scheduling) from a virtual server that
 * has addresses unless it is UDP; a fwmark-only one keeps it. */
static bool vs_keeps_ops(const struct check_config *cc, const struct check_vs_config *vs)
{
	const struct check_vsg_config *g;

	if (!vs->ops)
		return false;
	if (vs->protocol == CHECK_PROTO_UDP || vs->kind == CHECK_VS_FWMARK)
		return true;
	if (vs->kind == CHECK_VS_ADDR || !(g = check_config_find_group(cc, vs->group)))
		return false;
	for (size_t i = 0; i < g->entries.count; i++)
		if (((const struct check_vsg_entry *)g->entries.items[i])->kind == CHECK_VSG_ADDR)
			return false;
	return true;
}

static uint32_t vs_flags(const struct check_config *cc, const struct check_vs_config *vs)
{
	uint32_t flags = IP_VS_SVC_F_HASHED;   /* the kernel adds it to every service */

	for (int i = 0; i < CHECK_SCHED_F_COUNT; i++)
		if (vs->sched_flags & (1u << i))
			flags |= sched_flag_bits[i];
	if (vs_persistent(vs))
		flags |= IP_VS_SVC_F_PERSISTENT;
	if (vs_keeps_ops(cc, vs))
		flags |= IP_VS_SVC_F_ONEPACKET;
	return flags;
}

/* The -M mask: IPv4 as a mask in network order, IPv6 as a prefix length.
 * A granularity of the other family (a mixed group) leaves the default. */
static uint32_t vs_netmask(const struct check_vs_config *vs, int family)
{
	unsigned prefix = family == AF_INET ? 32 : 128;

	if (vs->has_granularity && vs->granularity_family == family)
		prefix = vs->granularity_prefix;
	if (family == AF_INET6)
		return prefix;
	return htonl(prefix == 0 ? 0 : 0xffffffffu << (32 - prefix));
}

/* Everything but the key, which the caller sets. */
static void svc_fill(const struct check_config *cc, const struct check_vs_config *vs,
		     int family, struct lvs_service *svc)
{
	svc->family = family;
	snprintf(svc->sched, sizeof(svc->sched), "%s", check_sched_names[vs->sched]);
	svc->flags = vs_flags(cc, vs);
	if (vs_persistent(vs))
		svc->timeout = vs->persistent ? vs->persistence_timeout
					      : CHECK_IPVS_PERSISTENCE_DEFAULT;
	svc->netmask = vs_netmask(vs, family);
	if (vs->persistence_engine)
		snprintf(svc->pe_name, sizeof(svc->pe_name), "%s", vs->persistence_engine);
}

/* ---- the family of a fwmark service ---- */

static const struct check_fwd *server_fwd(const struct check_vs_config *vs,
					  const struct check_rs_config *rs)
{
	if (rs == vs->sorry)
		return vs->sorry_fwd.set ? &vs->sorry_fwd : &vs->fwd;
	return check_rs_fwd(vs, rs);
}

/* What the real and sorry servers say: a non-tunnelled server fixes the
 * family; with all of them tunnelled, their common family; else AF_UNSPEC. */
static int servers_family(const struct check_vs_config *vs)
{
	int common = AF_UNSPEC;
	bool mixed = false;

	for (size_t i = 0; i <= vs->real_servers.count; i++) {
		const struct check_rs_config *rs = i < vs->real_servers.count ?
						   vs->real_servers.items[i] : vs->sorry;

		if (!rs)
			continue;
		if (server_fwd(vs, rs)->method != CHECK_FWD_TUN)
			return rs->addr.family;
		if (common != AF_UNSPEC && common != rs->addr.family)
			mixed = true;
		common = rs->addr.family;
	}
	return mixed ? AF_UNSPEC : common;
}

/* keepalived's order: ip_family, then the granularity's family, then the
 * servers', then the group's addresses', else IPv4. */
static int fwmark_family(const struct check_vs_config *vs, const struct check_vsg_config *g)
{
	int family;

	if (vs->ip_family != AF_UNSPEC)
		return vs->ip_family;
	if (vs->has_granularity)
		return vs->granularity_family;
	family = servers_family(vs);
	if (family != AF_UNSPEC)
		return family;
	for (size_t i = 0; g && i < g->entries.count; i++) {
		const struct check_vsg_entry *e = g->entries.items[i];

		if (e->kind == CHECK_VSG_ADDR)
			return e->first.family;
	}
	return AF_INET;
}

/* ---- expansion ---- */

static void addr_copy(union lvs_addr *to, const struct vigil_addr *from)
{
	memset(to, 0, sizeof(*to));
	if (from->family == AF_INET)
		to->v4 = from->u.v4;
	else
		to->v6 = from->u.v6;
}

/* The next address, big-endian; false after the last one (wrapped). */
static bool addr_next(union lvs_addr *a, int family)
{
	uint8_t *b = family == AF_INET ? (uint8_t *)&a->v4 : a->v6.s6_addr;
	size_t n = family == AF_INET ? 4 : 16;

	while (n-- > 0)
		if (++b[n] != 0)
			return true;
	return false;
}

static size_t expand_range(const struct check_config *cc, const struct check_vs_config *vs,
			   const struct check_vsg_entry *e,
			   check_ipvs_service_cb *fn, void *arg)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(60000, 1);
	struct lvs_service svc = { 0 };
	union lvs_addr last;
	size_t n = 0;

	svc_fill(cc, vs, e->first.family, &svc);
	svc.protocol = protocol_numbers[vs->protocol];
	svc.port = e->has_port ? e->port : 0;
	addr_copy(&svc.addr, &e->first);
	addr_copy(&last, &e->last);
	for (;;) {
		fn(&svc, arg);
		n++;
		if (memcmp(&svc.addr, &last, sizeof(last)) == 0 || !addr_next(&svc.addr, svc.family))
			break;
		if (n == CHECK_IPVS_RANGE_MAX) {
			log_ratelimited(&rl, LOG_ERR, "%s:%u: virtual_server_group range holds more "
					"than %u addresses; only the first %u are installed",
					e->where.file, e->where.line, CHECK_IPVS_RANGE_MAX,
					CHECK_IPVS_RANGE_MAX);
			break;
		}
	}
	return n;
}

static size_t expand_group(const struct check_config *cc, const struct check_vs_config *vs,
			   const struct check_vsg_config *g,
			   check_ipvs_service_cb *fn, void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < g->entries.count; i++) {
		const struct check_vsg_entry *e = g->entries.items[i];
		struct lvs_service svc = { 0 };

		if (e->kind == CHECK_VSG_ADDR) {
			n += expand_range(cc, vs, e, fn, arg);
			continue;
		}
		svc_fill(cc, vs, e->family != AF_UNSPEC ? e->family : fwmark_family(vs, g), &svc);
		svc.fwmark = e->fwmark;
		fn(&svc, arg);
		n++;
	}
	return n;
}

size_t check_ipvs_services_of(const struct check_config *cc, const struct check_vs_config *vs,
			      check_ipvs_service_cb *fn, void *arg)
{
	struct lvs_service svc = { 0 };
	const struct check_vsg_config *g;

	switch (vs->kind) {
	case CHECK_VS_ADDR:
		svc_fill(cc, vs, vs->addr.family, &svc);
		svc.protocol = protocol_numbers[vs->protocol];
		addr_copy(&svc.addr, &vs->addr);
		svc.port = vs->has_port ? vs->port : 0;
		break;
	case CHECK_VS_FWMARK:
		svc_fill(cc, vs, fwmark_family(vs, NULL), &svc);
		svc.fwmark = vs->fwmark;
		break;
	case CHECK_VS_GROUP:
		g = check_config_find_group(cc, vs->group);
		return g ? expand_group(cc, vs, g, fn, arg) : 0;
	}
	fn(&svc, arg);
	return 1;
}

/* ---- destinations ---- */

void check_ipvs_dest_of(const struct check_vs_config *vs, const struct check_rs_config *rs,
			const struct lvs_service *svc, int32_t weight, struct lvs_dest *out)
{
	const struct check_fwd *fwd = server_fwd(vs, rs);

	memset(out, 0, sizeof(*out));
	out->family = rs->addr.family;
	addr_copy(&out->addr, &rs->addr);
	out->port = rs->has_port ? rs->port : svc->port;
	out->conn_flags = fwd_conn_flags[fwd->method];
	out->weight = weight;
	out->u_threshold = rs->uthreshold;
	out->l_threshold = rs->lthreshold;
	if (fwd->method == CHECK_FWD_TUN) {
		out->tun_type = tunnel_types[fwd->tunnel];
		out->tun_port = fwd->tunnel == CHECK_TUN_GUE ? fwd->tunnel_port : 0;
		out->tun_flags = tunnel_csum_flags[fwd->csum];
	}
}
