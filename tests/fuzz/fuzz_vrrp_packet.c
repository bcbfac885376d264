/* libFuzzer target: the VRRP wire codec on arbitrary bytes, as a raw
 * socket would hand them over.  A crash, an out-of-bounds read (the input
 * is copied into an exactly sized buffer so ASan sees one), undefined
 * behaviour, or an advert that parses but does not rebuild to the same
 * bytes is a bug.
 *
 * The first input byte picks the receive context: bits 0-1 the version
 * (any, 2, 3, 3), bit 2 PASS auth ("secret"), bit 3 an IPv4 rather than an
 * IPv6 source for a bare message, bits 4-5 the v3/IPv4 checksum form
 * (bit 5 also allows empty address lists), bit 6 accept any form, bit 7 skip auth.  The rest is the
 * packet: a whole IPv4 packet when it starts with version nibble 4, a bare
 * VRRP message otherwise.  Each input is parsed as it is, then again with
 * its checksum made right, so that the checks after the checksum (and the
 * rebuild) see mutated packets too.
 * Built by --enable-fuzzing (CC=clang-14); seeds in
 * tests/fuzz/corpus/vrrp_packet. */
#include "config.h"
#include "vrrp/vrrp_packet.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t dst6[16] = { 0xff, 0x02, [15] = 0x12 };

static void setup(uint8_t mode, struct vrrp_packet_ctx *ctx, struct vrrp_rx_meta *meta)
{
	static const uint8_t versions[] = { 0, 2, 3, 3 };

	ctx->version = versions[mode & 3];
	ctx->csum_form = (enum vrrp_csum_form)(((mode >> 4) & 3) % VRRP_CSUM_FORM_COUNT);
	ctx->accept_any_csum_form = mode & 0x40;
	ctx->skip_auth = mode & 0x80;
	ctx->auth_type = (mode >> 2) & 1 ? VRRP_AUTH_PASS : VRRP_AUTH_NONE;
	memcpy(ctx->auth_data, "secret\0\0", VRRP_AUTH_DATA_LEN);
	ctx->allow_no_addrs = mode & 0x20;
	meta->ttl = VRRP_TTL;
	meta->protocol = VRRP_IPPROTO;
	meta->dst_multicast = true;
	if (mode & 8) {
		meta->ep.family = AF_INET;
		meta->ep.src.v4.s_addr = htonl(0xc0000201);     /* 192.0.2.1 */
		meta->ep.dst.v4.s_addr = htonl(0xe0000012);     /* 224.0.0.18 */
	} else {
		meta->ep.family = AF_INET6;
		memcpy(&meta->ep.src.v6, src6, 16);
		memcpy(&meta->ep.dst.v6, dst6, 16);
	}
}

/* What parsed must build back to the same bytes, apart from what the
 * codec normalises (v3 reserved bits, v2 auth data unless PASS); when
 * nothing was normalised the checksum must come out the same too. */
static void check_rebuild(const struct vrrp_advert *adv, const struct vrrp_packet_ctx *rx_ctx,
			  const struct vrrp_rx_meta *meta, const uint8_t *pkt, size_t len)
{
	struct vrrp_packet_ctx ctx = *rx_ctx;
	uint8_t buf[VRRP_PACKET_MAX_LEN];
	char line[VRRP_ADVERT_FORMAT_LEN];
	size_t addr_bytes = vrrp_packet_length(3, adv->family, adv->naddrs) - VRRP_HEADER_LEN;

	vrrp_advert_format(adv, line, sizeof(line));
	if (adv->version == 2 && adv->auth_type > VRRP_AUTH_AH)
		return;         /* parsed with skip_auth; not ours to send */
	ctx.tx = meta->ep;
	ctx.csum_form = adv->csum_form;
	ctx.allow_no_addrs = true;
	if (vrrp_packet_build(adv, &ctx, buf, sizeof(buf)) != len)
		abort();
	if (memcmp(buf, pkt, 4) != 0 || buf[5] != pkt[5] ||
	    memcmp(buf + 8, pkt + 8, addr_bytes) != 0)
		abort();
	if ((buf[4] & 0x0f) != (pkt[4] & 0x0f) || (adv->version == 2 && buf[4] != pkt[4]))
		abort();
	if (buf[4] == pkt[4] && memcmp(buf + 8, pkt + 8, len - 8) == 0 &&
	    memcmp(buf + 6, pkt + 6, 2) != 0)
		abort();
}

/* Parses pkt[0..size) as a whole IPv4 packet or a bare message; with
 * fix_checksum, first rewrites the VRRP checksum as the context expects,
 * so mutated fields get past the checksum to the checks behind it. */
static void parse_one(uint8_t *pkt, size_t size, const struct vrrp_packet_ctx *ctx,
		      struct vrrp_rx_meta *meta, bool fix_checksum)
{
	struct vrrp_advert *adv = malloc(sizeof(*adv));
	enum vrrp_rx_verdict verdict;
	size_t hl = 0, len = size;

	if (!adv)
		abort();
	if (size > 0 && pkt[0] >> 4 == 4) {
		if (fix_checksum && size >= 20) {
			hl = (size_t)(pkt[0] & 0x0f) * 4;
			len = (size_t)(pkt[2] << 8 | pkt[3]);
			if (hl < 20 || len < hl || len > size)
				goto out;
			meta->ep.family = AF_INET;
			memcpy(&meta->ep.src.v4, pkt + 12, 4);
			memcpy(&meta->ep.dst.v4, pkt + 16, 4);
			vrrp_packet_set_checksum(pkt + hl, len - hl, &meta->ep, ctx);
		}
		verdict = vrrp_packet_parse_ipv4(pkt, size, ctx, adv, meta);
		hl = (size_t)(pkt[0] & 0x0f) * 4;
		len = verdict == VRRP_RX_OK ? (size_t)(pkt[2] << 8 | pkt[3]) : 0;
	} else {
		if (fix_checksum)
			vrrp_packet_set_checksum(pkt, size, &meta->ep, ctx);
		verdict = vrrp_packet_parse(pkt, size, meta, ctx, adv);
	}
	if ((unsigned)verdict >= VRRP_RX_VERDICT_COUNT || !vrrp_rx_verdict_names[verdict])
		abort();
	if (verdict == VRRP_RX_OK)
		check_rebuild(adv, ctx, meta, pkt + hl, len - hl);
out:
	free(adv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_packet_ctx ctx = { 0 };
	struct vrrp_rx_meta meta = { 0 };
	uint8_t *pkt;

	if (size < 1)
		return 0;
	setup(data[0], &ctx, &meta);
	size--;
	pkt = malloc(size ? size : 1);
	if (!pkt)
		abort();
	memcpy(pkt, data + 1, size);
	parse_one(pkt, size, &ctx, &meta, false);
	parse_one(pkt, size, &ctx, &meta, true);
	free(pkt);
	return 0;
}
