/* VRRPv2 adverts inside an IPsec AH (see vrrp_ah.h for the layout and the
 * sequence number rules). */
#include "config.h"
#include "vrrp/vrrp_ah.h"

#include <arpa/inet.h>
#include "lib/late_crypto.h"
#include <string.h>

#define IP_OFF_TOS 1
#define IP_OFF_TOTAL_LEN 2
#define IP_OFF_ID 4
#define IP_OFF_FRAG 6
#define IP_OFF_TTL 8
#define IP_OFF_PROTOCOL 9
#define IP_OFF_CHECKSUM 10
#define IP_OFF_SRC 12
#define IP_OFF_DST 16

#define AH_OFF_NEXT 0
#define AH_OFF_PAYLOAD_LEN 1
#define AH_OFF_SPI 4
#define AH_OFF_SEQ 8
#define AH_OFF_ICV 12

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t key_length(const uint8_t key[VRRP_AUTH_DATA_LEN])
{
	size_t n = 0;

	while (n < VRRP_AUTH_DATA_LEN && key[n])
		n++;
	return n;
}

/* RFC 1071 over the IPv4 header (checksum field included as it stands). */
static uint16_t ip_header_checksum(const uint8_t *hdr)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < VRRP_AH_IP_HEADER_LEN; i += 2)
		sum += (uint32_t)(hdr[i] << 8 | hdr[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The ICV of pkt[0..len) (IP header, AH, message), computed in place: the
 * fields the ICV does not cover are zeroed first (and left so; callers
 * pass a scratch copy or fill those fields afterwards).  `zero_ttl`: the
 * RFC 2402 form (keepalived's for unicast); false: the TTL covered
 * (keepalived's for multicast).  False when OpenSSL fails. */
static bool compute_icv(const uint8_t key[VRRP_AUTH_DATA_LEN], uint8_t *pkt, size_t len,
			bool zero_ttl, uint8_t icv[VRRP_AH_ICV_LEN])
{
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned digest_len = 0;

	if (!late_lib_load(&late_crypto, "IPsec AH authentication"))
		return false;
	pkt[IP_OFF_TOS] = 0;
	put16(pkt + IP_OFF_FRAG, 0);
	put16(pkt + IP_OFF_CHECKSUM, 0);
	if (zero_ttl)
		pkt[IP_OFF_TTL] = 0;
	memset(pkt + VRRP_AH_IP_HEADER_LEN + AH_OFF_ICV, 0, VRRP_AH_ICV_LEN);
	if (!HMAC(EVP_md5(), key, (int)key_length(key), pkt, len, digest, &digest_len) ||
	    digest_len < VRRP_AH_ICV_LEN)
		return false;
	memcpy(icv, digest, VRRP_AH_ICV_LEN);
	return true;
}

void vrrp_ah_next(struct vrrp_ah_seq *seq, struct vrrp_ah_tx *tx)
{
	seq->last = seq->last == UINT32_MAX ? 1 : seq->last + 1;
	seq->ip_id = seq->ip_id == UINT16_MAX ? 1 : (uint16_t)(seq->ip_id + 1);
	tx->seq = seq->last;
	tx->ip_id = seq->ip_id;
}

/* ---- build ---- */

static void write_ip_header(const struct vrrp_ah_tx *tx, size_t total, uint8_t *p)
{
	memset(p, 0, VRRP_AH_IP_HEADER_LEN);
	p[0] = 0x45;                            /* version 4, 5 words */
	put16(p + IP_OFF_TOTAL_LEN, (uint16_t)total);
	put16(p + IP_OFF_ID, tx->ip_id);
	p[IP_OFF_TTL] = tx->ttl;
	p[IP_OFF_PROTOCOL] = VRRP_IPPROTO_AH;
	memcpy(p + IP_OFF_SRC, &tx->src, 4);
	memcpy(p + IP_OFF_DST, &tx->dst, 4);
}

static void write_ah(const struct vrrp_ah_tx *tx, uint8_t *p)
{
	memset(p, 0, VRRP_AH_LEN);
	p[AH_OFF_NEXT] = VRRP_IPPROTO;
	p[AH_OFF_PAYLOAD_LEN] = VRRP_AH_PAYLOAD_LEN_FIELD;
	memcpy(p + AH_OFF_SPI, &tx->src, 4);
	put32(p + AH_OFF_SEQ, tx->seq);
}

size_t vrrp_ah_build(const uint8_t key[VRRP_AUTH_DATA_LEN], const struct vrrp_ah_tx *tx,
		     const uint8_t *msg, size_t msg_len, uint8_t *buf, size_t len)
{
	size_t total = VRRP_AH_IP_HEADER_LEN + VRRP_AH_LEN + msg_len;
	uint8_t icv[VRRP_AH_ICV_LEN];

	if (msg_len == 0 || total > len || total > UINT16_MAX)
		return 0;
	write_ip_header(tx, total, buf);
	write_ah(tx, buf + VRRP_AH_IP_HEADER_LEN);
	memcpy(buf + VRRP_AH_IP_HEADER_LEN + VRRP_AH_LEN, msg, msg_len);
	/* TOS and the checksum are still 0 here, as the ICV wants them. */
	if (!compute_icv(key, buf, total, !IN_MULTICAST(ntohl(tx->dst.s_addr)), icv))
		return 0;
	memcpy(buf + VRRP_AH_IP_HEADER_LEN + AH_OFF_ICV, icv, VRRP_AH_ICV_LEN);
	buf[IP_OFF_TOS] = VRRP_AH_TOS;
	buf[IP_OFF_TTL] = tx->ttl;              /* compute_icv may have zeroed it */
	put16(buf + IP_OFF_CHECKSUM, ip_header_checksum(buf));
	return total;
}

/* ---- verify ---- */

/* Whether the ICV in pkt is right in either form (keepalived's first). */
static bool icv_matches(const uint8_t key[VRRP_AUTH_DATA_LEN], const uint8_t *pkt,
			size_t len)
{
	uint8_t scratch[VRRP_AH_PACKET_MAX];
	uint8_t icv[VRRP_AH_ICV_LEN];
	const uint8_t *got = pkt + VRRP_AH_IP_HEADER_LEN + AH_OFF_ICV;

	for (int zero_ttl = 0; zero_ttl <= 1; zero_ttl++) {
		memcpy(scratch, pkt, len);
		if (compute_icv(key, scratch, len, zero_ttl, icv) &&
		    CRYPTO_memcmp(icv, got, VRRP_AH_ICV_LEN) == 0)
			return true;
	}
	return false;
}

/* The AH itself: IP options would need RFC 2402's per-option rules to
 * know which bytes the ICV covers, and VRRP never sends any, so they are
 * refused with the malformed headers. */
static enum vrrp_rx_verdict check_ah_shape(const uint8_t *ah, size_t header_len,
					   size_t payload_len)
{
	if (header_len != VRRP_AH_IP_HEADER_LEN)
		return VRRP_RX_AH_BAD_HEADER;
	if (payload_len < VRRP_AH_LEN)
		return VRRP_RX_TOO_SHORT;
	if (ah[AH_OFF_NEXT] != VRRP_IPPROTO || ah[AH_OFF_PAYLOAD_LEN] != VRRP_AH_PAYLOAD_LEN_FIELD)
		return VRRP_RX_AH_BAD_HEADER;
	/* Longer than any v2 advert: not ours, and beyond the scratch copy. */
	if (header_len + payload_len > VRRP_AH_PACKET_MAX)
		return VRRP_RX_BAD_LENGTH;
	return VRRP_RX_OK;
}

/* ICV, then the sequence number, recorded once the ICV vouched for it. */
static enum vrrp_rx_verdict check_ah(const uint8_t *pkt, size_t total,
				     const struct vrrp_packet_ctx *ctx, struct vrrp_ah_seq *seq)
{
	uint32_t number = get32(pkt + VRRP_AH_IP_HEADER_LEN + AH_OFF_SEQ);

	if (!icv_matches(ctx->auth_data, pkt, total))
		return VRRP_RX_AH_ICV_MISMATCH;
	if (number <= seq->last)
		return VRRP_RX_AH_REPLAY;
	seq->last = number;
	return VRRP_RX_OK;
}

enum vrrp_rx_verdict vrrp_ah_parse_ipv4(const uint8_t *ip_packet, size_t len,
					const struct vrrp_packet_ctx *ctx, struct vrrp_ah_seq *seq,
					struct vrrp_advert *out, struct vrrp_rx_meta *meta_out)
{
	struct vrrp_rx_meta meta;
	size_t header_len, total;
	enum vrrp_rx_verdict verdict = vrrp_packet_read_ipv4_header(ip_packet, len, &meta,
								    &header_len, &total);

	if (verdict != VRRP_RX_OK)
		return verdict;
	if (meta_out)
		*meta_out = meta;
	if (meta.protocol != VRRP_IPPROTO_AH)
		return VRRP_RX_BAD_PROTOCOL;
	verdict = check_ah_shape(ip_packet + header_len, header_len, total - header_len);
	if (verdict == VRRP_RX_OK)
		verdict = check_ah(ip_packet, total, ctx, seq);
	if (verdict != VRRP_RX_OK)
		return verdict;
	return vrrp_packet_parse(ip_packet + header_len + VRRP_AH_LEN,
				 total - header_len - VRRP_AH_LEN, &meta, ctx, out);
}
