/* The receive path of an instance: the codec's verdict, the instance's
 * own checks (unicast peers, RFC mismatch rules), then ADVERT_RECEIVED.
 * Every drop is counted by reason and logged, rate-limited, at warning
 * with the sender's address: bad packets are a peer's problem, never
 * fatal. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_snmp_view.h"
#include "xalloc.h"

#include <string.h>
#include <sys/socket.h>

const char *const vrrp_instance_drop_names[VRRP_DROP_COUNT] = {
	[VRRP_DROP_NOT_FROM_PEER] = "not_from_peer",
	[VRRP_DROP_INTERVAL_MISMATCH] = "interval_mismatch",
	[VRRP_DROP_WE_ARE_OWNER] = "we_are_owner",
	[VRRP_DROP_TTL_OUT_OF_RANGE] = "ttl_out_of_range",
};

static const char *const instance_drop_descriptions[VRRP_DROP_COUNT] = {
	[VRRP_DROP_NOT_FROM_PEER] = "the source is not a configured unicast_peer",
	[VRRP_DROP_INTERVAL_MISMATCH] = "the advert interval differs from ours (VRRPv2)",
	[VRRP_DROP_WE_ARE_OWNER] = "we own the addresses (priority 255)",
	[VRRP_DROP_TTL_OUT_OF_RANGE] = "the TTL is outside the unicast_peer's min_ttl..max_ttl",
};

/* The counters of what peers got wrong, made at the first such packet. */
static struct vrrp_instance_rx_errors *rx_errors(struct vrrp_instance *inst)
{
	struct vrrp_instance_rx_errors *e = inst->rx_errors;

	if (!e) {
		e = inst->rx_errors = XNEW(struct vrrp_instance_rx_errors);
		e->rl_drop = (struct log_ratelimit)LOG_RATELIMIT_INIT(10000, 5);
		e->rl_mismatch = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 3);
	}
	return e;
}

static void log_drop(struct vrrp_instance *inst, const struct vrrp_rx_packet *pkt,
		     const char *why)
{
	char from[VIGIL_ADDR_STRLEN];

	log_ratelimited(&rx_errors(inst)->rl_drop, LOG_WARNING,
			"VRRP instance %s: packet from %s dropped: %s", inst->name,
			vigil_addr_to_string(&pkt->src, from, sizeof(from)), why);
}

static void drop_verdict(struct vrrp_instance *inst, const struct vrrp_rx_packet *pkt,
			 enum vrrp_rx_verdict verdict)
{
	rx_errors(inst)->drops[verdict]++;
	log_drop(inst, pkt, vrrp_rx_verdict_descriptions[verdict]);
	vrrp_snmp_view_drop(inst, &pkt->src, verdict);
}

static void drop_instance(struct vrrp_instance *inst, const struct vrrp_rx_packet *pkt,
			  enum vrrp_instance_drop why)
{
	rx_errors(inst)->instance_drops[why]++;
	log_drop(inst, pkt, instance_drop_descriptions[why]);
}

static void ip_of(const struct vigil_addr *a, union vrrp_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == AF_INET)
		out->v4 = a->u.v4;
	else
		out->v6 = a->u.v6;
}

/* IPv6 delivers the message alone; what the header said comes from the
 * kernel's ancillary data.  A missing hop limit reads as 0 and fails the
 * TTL check rather than passing it. */
static void ipv6_meta(const struct vrrp_rx_packet *pkt, struct vrrp_rx_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
	meta->ep.family = AF_INET6;
	ip_of(&pkt->src, &meta->ep.src);
	ip_of(&pkt->dst, &meta->ep.dst);
	meta->ttl = pkt->hop_limit >= 0 && pkt->hop_limit <= 255 ? (uint8_t)pkt->hop_limit : 0;
	meta->dst_multicast = IN6_IS_ADDR_MULTICAST(&pkt->dst.u.v6);
	meta->protocol = VRRP_IPPROTO;
}

static const struct vrrp_unicast_peer_config *find_peer(const struct vrrp_instance *inst,
							 const struct vigil_addr *src)
{
	const struct ptr_array *peers = &inst->conf->unicast_peers;

	for (size_t i = 0; i < peers->count; i++) {
		const struct vrrp_unicast_peer_config *peer = peers->items[i];

		if (vigil_addr_equal(&peer->addr, src))
			return peer;
	}
	return NULL;
}

/* unicast_peer's min_ttl / max_ttl: how many hops away the peer may be
 * (a packet from further off is someone else's, or forged). */
static bool ttl_in_range(const struct vrrp_unicast_peer_config *peer, uint8_t ttl)
{
	return (peer->min_ttl < 0 || ttl >= peer->min_ttl) &&
	       (peer->max_ttl < 0 || ttl <= peer->max_ttl);
}

/* Unicast: from a configured peer, at a TTL it may have. */
static bool peer_accepts(struct vrrp_instance *inst, const struct vrrp_rx_packet *pkt,
			 const struct vrrp_rx_meta *meta)
{
	const struct vrrp_unicast_peer_config *peer = find_peer(inst, &pkt->src);

	if (!peer) {
		drop_instance(inst, pkt, VRRP_DROP_NOT_FROM_PEER);
		return false;
	}
	if (!ttl_in_range(peer, meta->ttl)) {
		drop_instance(inst, pkt, VRRP_DROP_TTL_OUT_OF_RANGE);
		return false;
	}
	return true;
}

/* The addresses we advertise, to compare with what a peer advertises. */
static uint16_t expected_addrs(const struct vrrp_instance *inst, union vrrp_ip *addrs)
{
	const struct vrrp_instance_config *c = inst->conf;
	uint16_t n = 0;

	for (size_t i = 0; i < c->vips.count && n < VRRP_MAX_ADDRS; i++) {
		const struct vrrp_ipaddress_config *ip = c->vips.items[i];

		if (ip->addr.family == c->family)
			ip_of(&ip->addr, &addrs[n++]);
	}
	return n;
}

/* RFC 3768 7.1 / RFC 5798 7.1 beyond the codec.  An address list that
 * differs is counted and logged but kept, as keepalived does (a peer
 * mid-reload differs for a moment); false: drop. */
static bool instance_accepts(struct vrrp_instance *inst, const struct vrrp_rx_packet *pkt,
			     const struct vrrp_advert *adv)
{
	static union vrrp_ip addrs[VRRP_MAX_ADDRS];
	const struct vrrp_instance_config *c = inst->conf;
	struct vrrp_expect expect = {
		.vrid = inst->vrid, .version = (uint8_t)c->version.value,
		.interval = (uint16_t)vrrp_interval_to_wire(c->version.value, c->advert_int.value_us),
		.we_are_owner = c->priority == 255, .family = c->family, .addrs = addrs,
	};
	unsigned mismatch;
	char from[VIGIL_ADDR_STRLEN];

	expect.naddrs = expected_addrs(inst, addrs);
	mismatch = vrrp_advert_check_against(adv, &expect);
	if (mismatch & VRRP_MISMATCH_WE_ARE_OWNER) {
		drop_instance(inst, pkt, VRRP_DROP_WE_ARE_OWNER);
		return false;
	}
	if ((mismatch & VRRP_MISMATCH_INTERVAL) && adv->version == 2) {
		drop_instance(inst, pkt, VRRP_DROP_INTERVAL_MISMATCH);
		return false;
	}
	if ((mismatch & VRRP_MISMATCH_ADDRS) && !c->skip_check_adv_addr.value) {
		struct vrrp_instance_rx_errors *e = rx_errors(inst);

		e->addr_list_mismatch++;
		log_ratelimited(&e->rl_mismatch, LOG_WARNING,
				"VRRP instance %s: advert from %s lists other addresses than ours "
				"(kept; %llu so far)", inst->name,
				vigil_addr_to_string(&pkt->src, from, sizeof(from)),
				(unsigned long long)e->addr_list_mismatch);
	}
	return true;
}

/* notify_master_rx_lower_pri: still master after another node advertised
 * a lower (non-zero) priority, i.e. someone else believes it is master
 * too (keepalived's hook for restoring external state, e.g. cloud
 * addresses, after a partition). */
static bool master_heard_lower(const struct vrrp_instance *inst,
			       const struct vrrp_advert_info *info)
{
	return inst->fsm.state == VRRP_STATE_MASTER && info->priority > 0 &&
	       info->priority < inst->fsm.effective_priority &&
	       !vigil_addr_equal(&info->source, &inst->src);
}

/* A peer still on the pre-1.3.6 unicast checksum would reject ours: unless
 * old_unicast_checksum says "never" (or already says to), we send its form
 * from now on, as keepalived does. */
static void follow_old_csum(struct vrrp_instance *inst, const struct vrrp_rx_packet *pkt,
			    const struct vrrp_advert *adv)
{
	char from[VIGIL_ADDR_STRLEN];

	if (adv->csum_form != VRRP_CSUM_OLD_UNICAST || inst->old_csum_from_peer ||
	    !vrrp_instance_old_csum_applies(inst) ||
	    inst->conf->old_unicast_checksum != VRRP_OLD_CSUM_AUTO)
		return;
	inst->old_csum_from_peer = true;
	inst->pctx.csum_form = VRRP_CSUM_OLD_UNICAST;
	log_notice("VRRP instance %s: %s sends the old (pre-1.3.6) unicast checksum; "
		   "sending it too", inst->name, vigil_addr_to_string(&pkt->src, from, sizeof(from)));
}

void vrrp_instance_receive(void *data, const struct vrrp_rx_packet *pkt)
{
	static struct vrrp_advert adv;          /* 4 KB: not on the stack */
	struct vrrp_instance *inst = data;
	struct vrrp_rx_meta meta;
	enum vrrp_rx_verdict verdict;
	struct vrrp_advert_info info;

	if (!inst->started)
		return;
	if (pkt->family == AF_INET && inst->pctx.auth_type == VRRP_AUTH_AH) {
		verdict = vrrp_ah_parse_ipv4(pkt->data, pkt->len, &inst->pctx, &inst->ah, &adv,
					     &meta);
	} else if (pkt->family == AF_INET) {
		verdict = vrrp_packet_parse_ipv4(pkt->data, pkt->len, &inst->pctx, &adv, &meta);
	} else {
		ipv6_meta(pkt, &meta);
		verdict = vrrp_packet_parse(pkt->data, pkt->len, &meta, &inst->pctx, &adv);
	}
	if (verdict != VRRP_RX_OK) {
		drop_verdict(inst, pkt, verdict);
		return;
	}
	if (inst->unicast && !peer_accepts(inst, pkt, &meta))
		return;
	if (!instance_accepts(inst, pkt, &adv))
		return;
	follow_old_csum(inst, pkt, &adv);
	info = (struct vrrp_advert_info){
		.priority = adv.priority, .interval_us = vrrp_advert_interval_us(&adv),
		.source = pkt->src,
	};
	vrrp_fsm_advert(&inst->fsm, &info);
	if (master_heard_lower(inst, &info))
		vrrp_instance_notify_event(inst, VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI);
}
