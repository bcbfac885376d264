/* IPsec Authentication Header for VRRPv2 (auth type 2): RFC 2338 5.3.6.3
 * names RFC 2402's AH with HMAC-MD5-96.  There is no key exchange and no
 * security association: the key is auth_pass, and the layout below is what
 * Debian's keepalived 2.2.7 sends and accepts (checked on the wire).
 * Pure: no sockets, no clocks, no logging; OpenSSL computes the HMAC.
 *
 * Packet layout (network order):
 *
 *   IPv4 header (20 bytes, no options, built by vigil: the ICV covers it)
 *     TOS 0xc0, total length, identification (a per-instance counter,
 *     never 0: the kernel would replace 0, after the ICV covered it), no
 *     flags, TTL 255 (or unicast_ttl), protocol 51, checksum, src, dst
 *   AH (24 bytes)
 *     0      next header: 112 (VRRP)
 *     1      payload length: 4 (AH length in 32-bit words, minus 2)
 *     2..3   reserved, 0
 *     4..7   SPI: the sender's IPv4 address (as keepalived sends; not
 *            checked on receipt: the ICV covers it and the source)
 *     8..11  sequence number
 *     12..23 ICV: HMAC-MD5 truncated to its first 96 bits
 *   the VRRPv2 message: auth type 2, authentication data 0, its checksum
 *   as for any v2 advert
 *
 * The ICV: HMAC-MD5 keyed with the password (its first 8 characters) over
 * the IP header with TOS, flags / fragment offset and header checksum
 * zeroed, the AH with a zero ICV, then the VRRP message.  RFC 2402
 * 3.3.3.1.1.1 zeroes the TTL too.  keepalived does so for unicast adverts
 * but keeps the TTL (255) in the ICV of multicast ones, and rejects the
 * other form in each case; vigil sends as keepalived does and accepts
 * either form.
 *
 * Sequence numbers: RFC 2402 3.3.3 counts from 1 per security
 * association and rejects a number already seen; VRRP has no association
 * whose start would reset both ends.  keepalived keeps one counter per
 * instance, the highest number it sent or accepted: each advert it sends
 * carries counter + 1, and an advert is accepted only above the counter.
 * A router that starts (from 0) or takes over (a backup) thus continues
 * above what it last heard, and a restarted master whose low numbers are
 * refused catches up from the first advert it hears.  vigil does the same
 * (struct vrrp_ah_seq), so either daemon can follow the other. */
#ifndef VIGIL_VRRP_AH_H
#define VIGIL_VRRP_AH_H

#include "vrrp/vrrp_packet.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_AH_IP_HEADER_LEN 20
#define VRRP_AH_LEN 24
#define VRRP_AH_ICV_LEN 12
#define VRRP_AH_PAYLOAD_LEN_FIELD 4    /* (24 / 4) - 2 */
#define VRRP_AH_TOS 0xc0               /* internetwork control, as keepalived sends */
/* The largest AH packet: the two headers and a v2 message with 255 IPv4
 * addresses. */
#define VRRP_AH_PACKET_MAX (VRRP_AH_IP_HEADER_LEN + VRRP_AH_LEN + VRRP_HEADER_LEN + \
			    VRRP_MAX_ADDRS * 4 + VRRP_AUTH_DATA_LEN)

/* One instance's sequence numbers (see above). */
struct vrrp_ah_seq {
	uint32_t last;                 /* highest sent or accepted; 0: none yet */
	uint16_t ip_id;                /* the last IP identification sent */
};

/* What the IP header of one packet says besides the fixed fields. */
struct vrrp_ah_tx {
	struct in_addr src, dst;
	uint8_t ttl;
	uint16_t ip_id;                /* not 0 */
	uint32_t seq;
};

/* The sequence number and IP identification for the next packet sent,
 * both recorded as used.  The counter goes from 2^32 - 1 back to 1 (136
 * years of 1 s adverts). */
void vrrp_ah_next(struct vrrp_ah_seq *seq, struct vrrp_ah_tx *tx);

/* Writes the whole IPv4 packet carrying the VRRP message msg[0..msg_len)
 * (built with auth type 2) into buf: IP header, AH with its ICV keyed by
 * key (NUL-padded, 8 bytes: the instance's auth_data; the TTL in it when
 * tx->dst is multicast), the message.
 * Returns its length, or 0 when it does not fit in len bytes, the message
 * is empty or the HMAC could not be computed. */
size_t vrrp_ah_build(const uint8_t key[VRRP_AUTH_DATA_LEN], const struct vrrp_ah_tx *tx,
		     const uint8_t *msg, size_t msg_len, uint8_t *buf, size_t len);

/* Checks one received IPv4 packet as vrrp_packet_parse_ipv4 does, with the
 * AH in between: IP header; protocol 51 (else BAD_PROTOCOL); no IP options
 * and a well-formed AH (else AH_BAD_HEADER); the ICV keyed by
 * ctx->auth_data (else AH_ICV_MISMATCH); a sequence number above
 * seq->last (else AH_REPLAY), which then becomes seq->last; then the VRRP
 * message with meta protocol 51.  `meta_out` as for
 * vrrp_packet_parse_ipv4. */
enum vrrp_rx_verdict vrrp_ah_parse_ipv4(const uint8_t *ip_packet, size_t len,
					const struct vrrp_packet_ctx *ctx, struct vrrp_ah_seq *seq,
					struct vrrp_advert *out, struct vrrp_rx_meta *meta_out);

#endif
