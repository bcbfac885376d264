/* VRRP advertisements to bytes and back (see vrrp_packet.h).  Every read
 * is bounded by a length checked just before it; nothing here trusts a
 * count or length field until it has been compared with the buffer. */
#include "config.h"
#include "vrrp_packet.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#define VRRP_MCAST_GROUP4 0xe0000012u  /* 224.0.0.18, host order */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t addr_size(int family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

size_t vrrp_packet_length(uint8_t version, int family, unsigned naddrs)
{
	size_t len = VRRP_HEADER_LEN + (size_t)naddrs * addr_size(family);

	return version == 2 ? len + VRRP_AUTH_DATA_LEN : len;
}

/* ---- checksum (RFC 1071 one's complement sum) ---- */

/* Adds big-endian 16-bit words; an odd last byte counts as its high half. */
static uint64_t sum_bytes(uint64_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (i < len)
		sum += (uint64_t)p[i] << 8;
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header sum: RFC 8200 8.1 for IPv6 (32-bit length, next
 * header in the last byte), RFC 768's layout for IPv4. */
static uint64_t sum_pseudo(const struct vrrp_endpoints *ep, const struct in_addr *dst4,
			   size_t len)
{
	uint64_t sum;

	if (ep->family == AF_INET6) {
		sum = sum_bytes(0, ep->src.v6.s6_addr, 16);
		sum = sum_bytes(sum, ep->dst.v6.s6_addr, 16);
		return sum + (len >> 16) + (len & 0xffff) + VRRP_IPPROTO;
	}
	sum = sum_bytes(0, (const uint8_t *)&ep->src.v4, 4);
	sum = sum_bytes(sum, (const uint8_t *)dst4, 4);
	return sum + VRRP_IPPROTO + (len & 0xffff);
}

uint16_t vrrp_packet_checksum(const uint8_t *msg, size_t len, uint8_t version,
			      const struct vrrp_endpoints *ep, enum vrrp_csum_form form,
			      const struct in_addr *old_group)
{
	uint64_t sum = 0;
	struct in_addr group = { htonl(VRRP_MCAST_GROUP4) };

	/* The checksum field itself (bytes 6-7) counts as zero. */
	sum = sum_bytes(sum, msg, len < 6 ? len : 6);
	if (len > 8)
		sum = sum_bytes(sum, msg + 8, len - 8);
	if (version == 2 || !ep)
		return fold(sum);
	if (ep->family == AF_INET6 || form == VRRP_CSUM_PSEUDO_HEADER)
		return fold(sum + sum_pseudo(ep, &ep->dst.v4, len));
	if (form == VRRP_CSUM_OLD_UNICAST) {
		if (old_group && old_group->s_addr != 0)
			group = *old_group;
		return fold(sum + sum_pseudo(ep, &group, len));
	}
	return fold(sum);
}

void vrrp_packet_set_checksum(uint8_t *msg, size_t len, const struct vrrp_endpoints *ep,
			      const struct vrrp_packet_ctx *ctx)
{
	if (len < VRRP_HEADER_LEN)
		return;
	put16(msg + 6, vrrp_packet_checksum(msg, len, msg[0] >> 4, ep, ctx->csum_form,
					    &ctx->old_unicast_group));
}

/* ---- build ---- */

static bool v3_needs_endpoints(const struct vrrp_advert *adv, const struct vrrp_packet_ctx *ctx)
{
	return adv->version == 3 &&
	       (adv->family == AF_INET6 || ctx->csum_form != VRRP_CSUM_MESSAGE_ONLY);
}

static enum vrrp_build_error validate_fields(const struct vrrp_advert *adv,
					     const struct vrrp_packet_ctx *ctx)
{
	unsigned max_interval = adv->version == 2 ? VRRP_V2_INTERVAL_MAX : VRRP_V3_INTERVAL_MAX;

	if (adv->version != 2 && adv->version != 3)
		return VRRP_BUILD_BAD_VERSION;
	if (adv->type != VRRP_TYPE_ADVERT)
		return VRRP_BUILD_BAD_TYPE;
	if (adv->family != AF_INET && (adv->family != AF_INET6 || adv->version == 2))
		return VRRP_BUILD_BAD_FAMILY;
	if (v3_needs_endpoints(adv, ctx) && ctx->tx.family != adv->family)
		return VRRP_BUILD_BAD_FAMILY;
	if (adv->naddrs > VRRP_MAX_ADDRS || (adv->naddrs == 0 && !ctx->allow_no_addrs))
		return VRRP_BUILD_BAD_ADDR_COUNT;
	if (adv->interval == 0 || adv->interval > max_interval)
		return VRRP_BUILD_BAD_INTERVAL;
	if (adv->version == 2 && adv->auth_type > VRRP_AUTH_AH)
		return VRRP_BUILD_BAD_AUTH_TYPE;
	return VRRP_BUILD_OK;
}

enum vrrp_build_error vrrp_advert_validate(const struct vrrp_advert *adv,
					   const struct vrrp_packet_ctx *ctx, size_t len)
{
	enum vrrp_build_error err = validate_fields(adv, ctx);

	if (err != VRRP_BUILD_OK)
		return err;
	if (vrrp_packet_length(adv->version, adv->family, adv->naddrs) > len)
		return VRRP_BUILD_NO_SPACE;
	return VRRP_BUILD_OK;
}

static void write_header(const struct vrrp_advert *adv, uint8_t *buf)
{
	buf[0] = (uint8_t)(adv->version << 4 | adv->type);
	buf[1] = adv->vrid;
	buf[2] = adv->priority;
	buf[3] = (uint8_t)adv->naddrs;
	if (adv->version == 2) {
		buf[4] = adv->auth_type;
		buf[5] = (uint8_t)adv->interval;
	} else {
		put16(buf + 4, adv->interval & 0x0fff);   /* reserved nibble 0 */
	}
	put16(buf + 6, 0);
}

size_t vrrp_packet_build(const struct vrrp_advert *adv, const struct vrrp_packet_ctx *ctx,
			 uint8_t *buf, size_t len)
{
	size_t asize = addr_size(adv->family);
	size_t total, pos = VRRP_HEADER_LEN;

	if (vrrp_advert_validate(adv, ctx, len) != VRRP_BUILD_OK)
		return 0;
	total = vrrp_packet_length(adv->version, adv->family, adv->naddrs);
	write_header(adv, buf);
	for (unsigned i = 0; i < adv->naddrs; i++, pos += asize)
		memcpy(buf + pos, &adv->addrs[i], asize);
	if (adv->version == 2) {
		if (adv->auth_type == VRRP_AUTH_PASS)
			memcpy(buf + pos, adv->auth_data, VRRP_AUTH_DATA_LEN);
		else
			memset(buf + pos, 0, VRRP_AUTH_DATA_LEN);
	}
	put16(buf + 6, vrrp_packet_checksum(buf, total, adv->version,
					    v3_needs_endpoints(adv, ctx) ? &ctx->tx : NULL,
					    ctx->csum_form, &ctx->old_unicast_group));
	return total;
}

bool vrrp_packet_peek_vrid(const uint8_t *msg, size_t len, uint8_t *vrid)
{
	if (len < 2)
		return false;
	*vrid = msg[1];
	return true;
}

/* ---- parse ---- */

/* Which v3/IPv4 checksum form matches; VRRP_CSUM_FORM_COUNT for none.
 * The configured form is tried first, so it is the one reported when a
 * packet happens to satisfy two. */
static enum vrrp_csum_form match_v4_form(const uint8_t *pkt, size_t len,
					 const struct vrrp_rx_meta *meta,
					 const struct vrrp_packet_ctx *ctx)
{
	uint16_t got = get16(pkt + 6);
	enum vrrp_csum_form form = ctx->csum_form;

	if (form < VRRP_CSUM_FORM_COUNT &&
	    vrrp_packet_checksum(pkt, len, 3, &meta->ep, form, &ctx->old_unicast_group) == got)
		return form;
	if (!ctx->accept_any_csum_form)
		return VRRP_CSUM_FORM_COUNT;
	for (form = 0; form < VRRP_CSUM_FORM_COUNT; form++)
		if (vrrp_packet_checksum(pkt, len, 3, &meta->ep, form,
					 &ctx->old_unicast_group) == got)
			return form;
	return VRRP_CSUM_FORM_COUNT;
}

static bool checksum_ok(const uint8_t *pkt, size_t len, const struct vrrp_rx_meta *meta,
			const struct vrrp_packet_ctx *ctx, struct vrrp_advert *out)
{
	uint8_t version = pkt[0] >> 4;

	out->csum_form = VRRP_CSUM_PSEUDO_HEADER;
	if (version == 3 && meta->ep.family == AF_INET) {
		out->csum_form = match_v4_form(pkt, len, meta, ctx);
		return out->csum_form != VRRP_CSUM_FORM_COUNT;
	}
	if (version == 2)
		out->csum_form = VRRP_CSUM_MESSAGE_ONLY;
	return vrrp_packet_checksum(pkt, len, version, &meta->ep, VRRP_CSUM_PSEUDO_HEADER,
				    NULL) == get16(pkt + 6);
}

/* Constant time, so a peer cannot time its way to the password (little
 * secret in a clear-text scheme, but free). */
static bool same_auth_data(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < VRRP_AUTH_DATA_LEN; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* RFC 3768 7.1 (with RFC 2338's auth types): the type must be ours, a
 * password must match, and AH must have come through the AH layer. */
static enum vrrp_rx_verdict check_auth(const uint8_t *pkt, size_t len,
				       const struct vrrp_rx_meta *meta,
				       const struct vrrp_packet_ctx *ctx)
{
	uint8_t type = pkt[4];

	if (ctx->skip_auth)
		return VRRP_RX_OK;
	if (type != ctx->auth_type)
		return VRRP_RX_AUTH_TYPE_MISMATCH;
	if (type == VRRP_AUTH_PASS &&
	    !same_auth_data(pkt + len - VRRP_AUTH_DATA_LEN, ctx->auth_data))
		return VRRP_RX_AUTH_FAILED;
	if (type == VRRP_AUTH_AH && meta->protocol != VRRP_IPPROTO_AH)
		return VRRP_RX_AUTH_FAILED;
	return VRRP_RX_OK;
}

/* What can be said from the metadata before reading a byte. */
static enum vrrp_rx_verdict check_meta(const struct vrrp_rx_meta *meta,
				       const struct vrrp_packet_ctx *ctx)
{
	if (meta->ep.family != AF_INET && meta->ep.family != AF_INET6)
		return VRRP_RX_BAD_FAMILY;
	if (meta->protocol != VRRP_IPPROTO && meta->protocol != VRRP_IPPROTO_AH)
		return VRRP_RX_BAD_PROTOCOL;
	if ((meta->dst_multicast || ctx->ttl_255_on_unicast) && meta->ttl != VRRP_TTL)
		return VRRP_RX_BAD_TTL;
	return VRRP_RX_OK;
}

/* Version, type, protocol/version agreement, count and length. */
static enum vrrp_rx_verdict check_shape(const uint8_t *pkt, size_t len,
					const struct vrrp_rx_meta *meta,
					const struct vrrp_packet_ctx *ctx)
{
	uint8_t version = pkt[0] >> 4;
	bool ah_allowed = version == 2 && (ctx->skip_auth || ctx->auth_type == VRRP_AUTH_AH);

	if (version != 2 && version != 3)
		return VRRP_RX_BAD_VERSION;
	if ((ctx->version && version != ctx->version) ||
	    (version == 2 && meta->ep.family == AF_INET6))
		return VRRP_RX_BAD_VERSION;
	if (meta->protocol == VRRP_IPPROTO_AH && !ah_allowed)
		return VRRP_RX_BAD_PROTOCOL;
	if ((pkt[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_RX_BAD_TYPE;
	if (pkt[3] == 0 && !ctx->allow_no_addrs)
		return VRRP_RX_BAD_ADDR_COUNT;
	if (len != vrrp_packet_length(version, meta->ep.family, pkt[3]))
		return VRRP_RX_BAD_LENGTH;
	return VRRP_RX_OK;
}

/* v2: 8-bit seconds; v3: 12-bit centiseconds under 4 reserved bits,
 * which RFC 5798 5.2.7 says to ignore on receipt. */
static uint16_t wire_interval(const uint8_t *pkt)
{
	return pkt[0] >> 4 == 2 ? pkt[5] : get16(pkt + 4) & 0x0fff;
}

static void decode(const uint8_t *pkt, size_t len, int family, struct vrrp_advert *out)
{
	size_t asize = addr_size(family);

	out->version = pkt[0] >> 4;
	out->type = pkt[0] & 0x0f;
	out->vrid = pkt[1];
	out->priority = pkt[2];
	out->naddrs = pkt[3];
	out->family = family;
	out->checksum = get16(pkt + 6);
	out->auth_type = out->version == 2 ? pkt[4] : 0;
	out->interval = wire_interval(pkt);
	for (unsigned i = 0; i < out->naddrs; i++)
		memcpy(&out->addrs[i], pkt + VRRP_HEADER_LEN + i * asize, asize);
	memset(out->auth_data, 0, VRRP_AUTH_DATA_LEN);
	if (out->version == 2)
		memcpy(out->auth_data, pkt + len - VRRP_AUTH_DATA_LEN, VRRP_AUTH_DATA_LEN);
}

enum vrrp_rx_verdict vrrp_packet_parse(const uint8_t *pkt, size_t len,
				       const struct vrrp_rx_meta *meta,
				       const struct vrrp_packet_ctx *ctx, struct vrrp_advert *out)
{
	enum vrrp_rx_verdict verdict = check_meta(meta, ctx);

	if (verdict != VRRP_RX_OK)
		return verdict;
	if (len < VRRP_HEADER_LEN)
		return VRRP_RX_TOO_SHORT;
	verdict = check_shape(pkt, len, meta, ctx);
	if (verdict != VRRP_RX_OK)
		return verdict;
	if (!checksum_ok(pkt, len, meta, ctx, out))
		return VRRP_RX_BAD_CHECKSUM;
	if (wire_interval(pkt) == 0)
		return VRRP_RX_INTERVAL_ZERO;
	if (pkt[0] >> 4 == 2) {
		verdict = check_auth(pkt, len, meta, ctx);
		if (verdict != VRRP_RX_OK)
			return verdict;
	}
	decode(pkt, len, meta->ep.family, out);
	return VRRP_RX_OK;
}

/* ---- IPv4 header (what a raw IPv4 socket hands over) ---- */

enum vrrp_rx_verdict vrrp_packet_read_ipv4_header(const uint8_t *ip_packet, size_t len,
						  struct vrrp_rx_meta *meta, size_t *header_len,
						  size_t *total_len)
{
	if (len < 20)
		return VRRP_RX_TOO_SHORT;
	*header_len = (size_t)(ip_packet[0] & 0x0f) * 4;
	*total_len = get16(ip_packet + 2);
	if (ip_packet[0] >> 4 != 4 || *header_len < 20 || *total_len < *header_len)
		return VRRP_RX_BAD_IP_HEADER;
	if (*header_len > len || *total_len > len)
		return VRRP_RX_TOO_SHORT;
	/* More-fragments set or a fragment offset: not a whole datagram. */
	if (get16(ip_packet + 6) & 0x3fff)
		return VRRP_RX_BAD_IP_HEADER;
	memset(meta, 0, sizeof(*meta));
	meta->ep.family = AF_INET;
	meta->ttl = ip_packet[8];
	meta->protocol = ip_packet[9];
	memcpy(&meta->ep.src.v4, ip_packet + 12, 4);
	memcpy(&meta->ep.dst.v4, ip_packet + 16, 4);
	meta->dst_multicast = IN_MULTICAST(ntohl(meta->ep.dst.v4.s_addr));
	return VRRP_RX_OK;
}

enum vrrp_rx_verdict vrrp_packet_parse_ipv4(const uint8_t *ip_packet, size_t len,
					    const struct vrrp_packet_ctx *ctx,
					    struct vrrp_advert *out, struct vrrp_rx_meta *meta_out)
{
	struct vrrp_rx_meta meta;
	size_t header_len, total_len;
	enum vrrp_rx_verdict verdict = vrrp_packet_read_ipv4_header(ip_packet, len, &meta,
								    &header_len, &total_len);

	if (verdict != VRRP_RX_OK)
		return verdict;
	if (meta_out)
		*meta_out = meta;
	if (meta.protocol != VRRP_IPPROTO)
		return VRRP_RX_BAD_PROTOCOL;
	return vrrp_packet_parse(ip_packet + header_len, total_len - header_len, &meta, ctx, out);
}
