/* Sending adverts: the codec context an instance is configured for, and
 * one advert built and sent to the group or to each unicast peer. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static void ip_of(const struct vigil_addr *a, union vrrp_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == AF_INET)
		out->v4 = a->u.v4;
	else
		out->v6 = a->u.v6;
}

bool vrrp_instance_old_csum_applies(const struct vrrp_instance *inst)
{
	return inst->unicast && inst->conf->version.value == 3 && inst->conf->family == AF_INET;
}

/* The pre-1.3.6 form when old_unicast_checksum says so, or when a peer
 * sent it and "never" was not given. */
static enum vrrp_csum_form csum_form_sent(const struct vrrp_instance *inst)
{
	enum vrrp_old_csum old = inst->conf->old_unicast_checksum;

	if (!vrrp_instance_old_csum_applies(inst) || old == VRRP_OLD_CSUM_NEVER)
		return VRRP_CSUM_PSEUDO_HEADER;
	if (old == VRRP_OLD_CSUM_ALWAYS || inst->old_csum_from_peer)
		return VRRP_CSUM_OLD_UNICAST;
	return VRRP_CSUM_PSEUDO_HEADER;
}

/* How adverts are checked and built.  The v3/IPv4 checksum is sent with
 * the pseudo-header (what keepalived and FRR send) or in the old unicast
 * form (csum_form_sent), and every form is accepted, as keepalived
 * detects it per peer. */
void vrrp_instance_setup_packet_ctx(struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;
	struct vrrp_packet_ctx *ctx = &inst->pctx;

	memset(ctx, 0, sizeof(*ctx));
	ctx->version = (uint8_t)c->version.value;
	ctx->csum_form = csum_form_sent(inst);
	ctx->accept_any_csum_form = true;
	if (c->family == AF_INET && c->mcast_dst.family == AF_INET)
		ctx->old_unicast_group = c->mcast_dst.u.v4;
	/* keepalived runs (and advertises) instances without VIPs. */
	ctx->allow_no_addrs = true;
	/* keepalived checks TTL 255 on multicast only; unicast_peer's
	 * min_ttl/max_ttl are the unicast check. */
	ctx->ttl_255_on_unicast = false;
	if (c->version.value == 2 && c->auth_pass) {
		ctx->auth_type = (uint8_t)c->auth_type;         /* PASS or AH */
		/* NUL-padded, not NUL-terminated: 8 characters fill it. */
		memcpy(ctx->auth_data, c->auth_pass, strnlen(c->auth_pass, sizeof(ctx->auth_data)));
	}
	ctx->tx.family = c->family;
	ip_of(&inst->src, &ctx->tx.src);
}

/* The advert for `priority`: the instance's VIPs of its family (the check
 * moved the others to virtual_ipaddress_excluded). */
static void fill_advert(const struct vrrp_instance *inst, uint8_t priority,
			struct vrrp_advert *adv)
{
	const struct vrrp_instance_config *c = inst->conf;

	adv->version = (uint8_t)c->version.value;
	adv->type = VRRP_TYPE_ADVERT;
	adv->vrid = inst->vrid;
	adv->priority = priority;
	adv->interval = (uint16_t)vrrp_interval_to_wire(adv->version, c->advert_int.value_us);
	adv->family = c->family;
	adv->auth_type = inst->pctx.auth_type;
	memcpy(adv->auth_data, inst->pctx.auth_data, sizeof(adv->auth_data));
	adv->naddrs = 0;
	for (size_t i = 0; i < c->vips.count && adv->naddrs < VRRP_MAX_ADDRS; i++) {
		const struct vrrp_ipaddress_config *ip = c->vips.items[i];

		if (ip->addr.family == c->family)
			ip_of(&ip->addr, &adv->addrs[adv->naddrs++]);
	}
}

/* AH: the message inside an IP header and AH of our own making, with the
 * next sequence number (vrrp_ah.h). */
static int send_ah(struct vrrp_instance *inst, const uint8_t *msg, size_t len,
		   const struct vigil_addr *dst, int ttl)
{
	uint8_t packet[VRRP_AH_PACKET_MAX];
	struct vrrp_ah_tx tx = { .src = inst->src.u.v4, .dst = dst->u.v4,
				 .ttl = ttl >= 0 ? (uint8_t)ttl : VRRP_TTL };
	size_t total;

	vrrp_ah_next(&inst->ah, &tx);
	total = vrrp_ah_build(inst->pctx.auth_data, &tx, msg, len, packet, sizeof(packet));
	/* The buffer always fits: only OpenSSL refusing MD5 (FIPS mode) fails. */
	if (total == 0)
		return -EOPNOTSUPP;
	return vrrp_socket_send_ip(inst->sock, packet, total, dst);
}

static void send_one(struct vrrp_instance *inst, uint8_t *msg, size_t len,
		     const struct vigil_addr *dst)
{
	char where[VIGIL_ADDR_STRLEN];
	const struct vrrp_opt_u32 *ttl_opt = &inst->conf->unicast_ttl;
	int ttl = inst->unicast && ttl_opt->set ? (int)ttl_opt->value : -1;
	int rc = inst->pctx.auth_type == VRRP_AUTH_AH
		 ? send_ah(inst, msg, len, dst, ttl)
		 : vrrp_socket_send_ttl(inst->sock, msg, len, &inst->src, dst, ttl);

	if (rc == 0)
		return;
	inst->send_errors++;
	log_ratelimited(&inst->rl_send, LOG_WARNING,
			"VRRP instance %s: cannot send an advert to %s: %s (%llu send errors)",
			inst->name, vigil_addr_to_string(dst, where, sizeof(where)),
			strerror(-rc), (unsigned long long)inst->send_errors);
}

/* To the group, or to each unicast peer with the checksum redone for its
 * address (v3 covers the destination in the pseudo-header). */
void vrrp_instance_send_advert(struct vrrp_instance *inst, uint8_t priority)
{
	static struct vrrp_advert adv;          /* 4 KB: not on the stack */
	uint8_t msg[VRRP_PACKET_MAX_LEN];
	const struct vrrp_instance_config *c = inst->conf;
	size_t len;

	if (!inst->sock)
		return;
	memset(&adv, 0, sizeof(adv));
	fill_advert(inst, priority, &adv);
	ip_of(inst->unicast ? &((struct vrrp_unicast_peer_config *)c->unicast_peers.items[0])->addr
			    : &inst->group, &inst->pctx.tx.dst);
	len = vrrp_packet_build(&adv, &inst->pctx, msg, sizeof(msg));
	if (len == 0) {
		log_ratelimited(&inst->rl_send, LOG_ERR, "VRRP instance %s: cannot build an advert: %s",
				inst->name,
				vrrp_build_error_names[vrrp_advert_validate(&adv, &inst->pctx, sizeof(msg))]);
		return;
	}
	if (!inst->unicast) {
		send_one(inst, msg, len, &inst->group);
		return;
	}
	for (size_t i = 0; i < c->unicast_peers.count; i++) {
		const struct vrrp_unicast_peer_config *peer = c->unicast_peers.items[i];

		ip_of(&peer->addr, &inst->pctx.tx.dst);
		vrrp_packet_set_checksum(msg, len, &inst->pctx.tx, &inst->pctx);
		send_one(inst, msg, len, &peer->addr);
	}
}
