/* libFuzzer target: VRRPv2 adverts in IPsec AH (vrrp_ah.h) on arbitrary
 * bytes.  A crash, an out-of-bounds read (the input is copied into an
 * exactly sized buffer), undefined behaviour, an unnamed verdict, a
 * sequence counter that moves on a refused packet, or an accepted packet
 * whose rebuild is not accepted in turn is a bug.
 *
 * The first input byte is the mode: bit 0 rewrites the ICV (key "secret")
 * so mutated packets get past it to the checks behind, bit 1 picks the
 * RFC 2402 form (TTL zeroed) for that, bit 2 first rewrites the VRRP
 * checksum too, bits 3-7 are the receiver's last sequence number.  The
 * rest is a whole IPv4 packet.  Built by --enable-fuzzing (CC=clang-14);
 * seeds in tests/fuzz/corpus/vrrp_ah. */
#include "config.h"
#include "vrrp/vrrp_ah.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AH_AT 20                       /* no IP options in what is fixed */
#define MSG_AT (AH_AT + VRRP_AH_LEN)

static void setup(struct vrrp_packet_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->version = 2;
	ctx->auth_type = VRRP_AUTH_AH;
	ctx->allow_no_addrs = true;
	memcpy(ctx->auth_data, "secret\0\0", VRRP_AUTH_DATA_LEN);
}

/* The length the IP header claims, when the fix-ups can work on it. */
static size_t fixable_length(const uint8_t *pkt, size_t size)
{
	size_t total;

	if (size < MSG_AT || pkt[0] != 0x45)
		return 0;
	total = (size_t)(pkt[2] << 8 | pkt[3]);
	return total >= MSG_AT && total <= size ? total : 0;
}

/* An ICV computed here, apart from vrrp_ah.c, in either form. */
static void fix_icv(uint8_t *pkt, size_t total, bool zero_ttl)
{
	uint8_t *scratch = malloc(total);
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned digest_len = 0;

	if (!scratch)
		abort();
	memcpy(scratch, pkt, total);
	scratch[1] = 0;
	scratch[6] = scratch[7] = scratch[10] = scratch[11] = 0;
	if (zero_ttl)
		scratch[8] = 0;
	memset(scratch + AH_AT + 12, 0, VRRP_AH_ICV_LEN);
	if (HMAC(EVP_md5(), "secret", 6, scratch, total, digest, &digest_len))
		memcpy(pkt + AH_AT + 12, digest, VRRP_AH_ICV_LEN);
	free(scratch);
}

static void fix_up(uint8_t mode, uint8_t *pkt, size_t size, const struct vrrp_packet_ctx *ctx)
{
	size_t total = fixable_length(pkt, size);

	if (total == 0)
		return;
	if (mode & 4)
		vrrp_packet_set_checksum(pkt + MSG_AT, total - MSG_AT, NULL, ctx);
	if (mode & 1)
		fix_icv(pkt, total, mode & 2);
}

/* An accepted packet rebuilt from what it said must be accepted too, by
 * a receiver that has not seen its number. */
static void check_rebuild(const uint8_t *pkt, const struct vrrp_packet_ctx *ctx)
{
	struct vrrp_ah_tx tx = { .ttl = pkt[8], .ip_id = (uint16_t)(pkt[4] << 8 | pkt[5]) };
	struct vrrp_ah_seq seq = { 0 };
	size_t total = (size_t)(pkt[2] << 8 | pkt[3]);
	size_t hl = (size_t)(pkt[0] & 0x0f) * 4;
	uint8_t *buf = malloc(VRRP_AH_PACKET_MAX);
	struct vrrp_advert *adv = malloc(sizeof(*adv));
	size_t len;

	if (!buf || !adv)
		abort();
	memcpy(&tx.src, pkt + 12, 4);
	memcpy(&tx.dst, pkt + 16, 4);
	tx.seq = (uint32_t)pkt[hl + 8] << 24 | (uint32_t)pkt[hl + 9] << 16 |
		 (uint32_t)pkt[hl + 10] << 8 | pkt[hl + 11];
	seq.last = tx.seq - 1;
	len = vrrp_ah_build(ctx->auth_data, &tx, pkt + hl + VRRP_AH_LEN,
			    total - hl - VRRP_AH_LEN, buf, VRRP_AH_PACKET_MAX);
	if (len == 0 || vrrp_ah_parse_ipv4(buf, len, ctx, &seq, adv, NULL) != VRRP_RX_OK ||
	    seq.last != tx.seq)
		abort();
	free(adv);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_ah_seq seq;
	struct vrrp_advert *adv;
	enum vrrp_rx_verdict verdict;
	uint8_t *pkt;

	if (size < 1)
		return 0;
	setup(&ctx);
	seq.last = data[0] >> 3;
	size--;
	pkt = malloc(size ? size : 1);
	adv = malloc(sizeof(*adv));
	if (!pkt || !adv)
		abort();
	memcpy(pkt, data + 1, size);
	fix_up(data[0], pkt, size, &ctx);
	verdict = vrrp_ah_parse_ipv4(pkt, size, &ctx, &seq, adv, NULL);
	if ((unsigned)verdict >= VRRP_RX_VERDICT_COUNT || !vrrp_rx_verdict_names[verdict])
		abort();
	/* The counter moves only past an authentic, new number. */
	if (seq.last != (uint32_t)(data[0] >> 3) &&
	    (verdict == VRRP_RX_AH_ICV_MISMATCH || verdict == VRRP_RX_AH_REPLAY ||
	     verdict == VRRP_RX_AH_BAD_HEADER))
		abort();
	if (verdict == VRRP_RX_OK)
		check_rebuild(pkt, &ctx);
	free(adv);
	free(pkt);
	return 0;
}
