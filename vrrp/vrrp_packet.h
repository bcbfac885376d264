/* The VRRP wire codec: build, parse, checksum and dump VRRP advertisements.
 * Pure: no sockets, no clocks, no logging, no allocation, so every function
 * can be unit-tested and fuzzed on its own.
 *
 *   VRRPv2  RFC 3768 (IPv4 only; auth types from RFC 2338 kept for
 *           keepalived compatibility)
 *   VRRPv3  RFC 5798, and RFC 9568 where it differs (the IPv4 checksum)
 *
 * Message layout (both versions; all fields in network order):
 *
 *   0      version(4) | type(4)
 *   1      VRID
 *   2      priority
 *   3      count of addresses
 *   4..5   v2: auth type (8) | advert interval in seconds (8)
 *          v3: reserved (4) | max advert interval in centiseconds (12)
 *   6..7   checksum
 *   8..    count addresses (4 bytes each for IPv4, 16 for IPv6)
 *   end    v2 only: 8 bytes of authentication data
 *
 * What is passed in and out: vrrp_packet_parse() takes the VRRP message
 * alone (what an IPv6 raw socket delivers); vrrp_packet_parse_ipv4() takes
 * a whole IPv4 packet (what an IPv4 raw socket delivers), checks the IP
 * header and parses the payload.  vrrp_packet_build() writes the VRRP
 * message only: the kernel writes the IP header (except for AH, where
 * vrrp_ah.h wraps the message in an IP header and AH of its own). */
#ifndef VIGIL_VRRP_PACKET_H
#define VIGIL_VRRP_PACKET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_IPPROTO 112               /* IANA protocol number of VRRP */
#define VRRP_IPPROTO_AH 51             /* IP AH, for v2 auth type 2 */
#define VRRP_TTL 255                   /* required TTL / hop limit (multicast) */
#define VRRP_HEADER_LEN 8
#define VRRP_AUTH_DATA_LEN 8           /* v2 trailing authentication data */
#define VRRP_MAX_ADDRS 255             /* the count field is 8 bits */
#define VRRP_TYPE_ADVERT 1             /* the only type either RFC defines */
#define VRRP_V2_INTERVAL_MAX 255       /* seconds, 8 bits */
#define VRRP_V3_INTERVAL_MAX 4095      /* centiseconds, 12 bits */
/* The largest message: v3, IPv6, 255 addresses (larger than most MTUs:
 * the caller passes a buffer no longer than the MTU allows). */
#define VRRP_PACKET_MAX_LEN (VRRP_HEADER_LEN + VRRP_MAX_ADDRS * 16)

/* VRRPv2 authentication types (RFC 2338 5.3.6; RFC 3768 dropped 1 and 2
 * but keepalived still speaks them). */
enum vrrp_auth_type {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,            /* 8-byte clear text password */
	VRRP_AUTH_AH = 2,              /* IP Authentication Header */
};

/* One IPv4 or IPv6 address in network byte order; the family is said by
 * whatever holds it. */
union vrrp_ip {
	struct in_addr v4;
	struct in6_addr v6;
};

/* Source and destination of a packet: what the checksum pseudo-header
 * covers. */
struct vrrp_endpoints {
	int family;                    /* AF_INET or AF_INET6 */
	union vrrp_ip src, dst;
};

/* How a VRRPv3-over-IPv4 checksum is computed.  v2 never uses a
 * pseudo-header and v3 over IPv6 always does; these forms only matter for
 * v3 over IPv4. */
enum vrrp_csum_form {
	/* RFC 5798 5.2.8: IPv4 pseudo-header (src, dst, 0, 112, length) plus
	 * the message.  What keepalived and FRR send by default. */
	VRRP_CSUM_PSEUDO_HEADER = 0,
	/* RFC 9568 5.2.8: the message only, like v2.  What several routers
	 * send; keepalived's `v3_checksum_as_v2` option. */
	VRRP_CSUM_MESSAGE_ONLY,
	/* keepalived before 1.3.6 on unicast: a pseudo-header whose
	 * destination is the multicast group, not the unicast peer
	 * (keepalived's `old_unicast_checksum`). */
	VRRP_CSUM_OLD_UNICAST,
	VRRP_CSUM_FORM_COUNT
};
extern const char *const vrrp_csum_form_names[VRRP_CSUM_FORM_COUNT];

/* An advertisement as values.  `interval` is in the unit of its version:
 * whole seconds (1..255) for v2, centiseconds (1..4095) for v3. */
struct vrrp_advert {
	uint8_t version;               /* 2 or 3 */
	uint8_t type;                  /* VRRP_TYPE_ADVERT */
	uint8_t vrid;                  /* 1..255 (0 is parsed, never ours) */
	uint8_t priority;              /* 0 = stopping, 255 = address owner */
	uint16_t interval;
	int family;                    /* AF_INET, or AF_INET6 (v3 only) */
	uint8_t auth_type;             /* v2: enum vrrp_auth_type; v3: 0 */
	uint8_t auth_data[VRRP_AUTH_DATA_LEN];   /* v2 PASS: NUL-padded password */
	uint16_t naddrs;               /* 0..VRRP_MAX_ADDRS */
	union vrrp_ip addrs[VRRP_MAX_ADDRS];
	/* Filled by parse only. */
	uint16_t checksum;             /* as received, host order */
	/* The checksum form that matched: for v3/IPv4 any of the three; v2
	 * is always message_only and v3/IPv6 pseudo_header. */
	enum vrrp_csum_form csum_form;
};

/* What the instance is configured for: how to send and what to accept. */
struct vrrp_packet_ctx {
	/* parse: 2 or 3 rejects the other version (BAD_VERSION); 0 takes
	 * either (tools, fuzzing). */
	uint8_t version;
	/* v3 over IPv4: the form sent, and the one form accepted unless
	 * accept_any_csum_form. */
	enum vrrp_csum_form csum_form;
	/* parse: also accept the other v3/IPv4 forms, and say in
	 * out->csum_form which one matched (keepalived's auto-detection). */
	bool accept_any_csum_form;
	/* The multicast group the VRRP_CSUM_OLD_UNICAST form puts in the
	 * pseudo-header: mcast_dst_ip, or 224.0.0.18 when left 0. */
	struct in_addr old_unicast_group;
	/* parse, v2: the authentication type and data to require (what is
	 * sent is what the advert says). */
	uint8_t auth_type;
	uint8_t auth_data[VRRP_AUTH_DATA_LEN];
	bool skip_auth;                /* parse: do not check auth (tools) */
	/* Accept and build adverts with no addresses (RFC 5798 5.2.5 says the
	 * minimum is 1; keepalived runs instances without VIPs). */
	bool allow_no_addrs;
	/* parse: also require TTL/hop limit 255 on unicast (the RFCs require
	 * it always; keepalived checks only multicast and lets unicast_peer
	 * min_ttl/max_ttl decide). */
	bool ttl_255_on_unicast;
	/* build: source and destination for the v3 pseudo-header; unused for
	 * v2 and for VRRP_CSUM_MESSAGE_ONLY. */
	struct vrrp_endpoints tx;
};

/* What the receive path knows about a packet besides its bytes. */
struct vrrp_rx_meta {
	struct vrrp_endpoints ep;      /* family, source, destination */
	uint8_t ttl;                   /* IPv4 TTL or IPv6 hop limit */
	bool dst_multicast;
	/* VRRP_IPPROTO, or VRRP_IPPROTO_AH when the caller has verified and
	 * removed an AH header (v2 auth type 2). */
	uint8_t protocol;
};

/* Why a packet was dropped.  The names are shared by the log, vigilctl
 * JSON, SNMP and metrics: append only, never renumber. */
enum vrrp_rx_verdict {
	VRRP_RX_OK = 0,
	VRRP_RX_TOO_SHORT,             /* shorter than the part being read */
	VRRP_RX_BAD_IP_HEADER,         /* IPv4 version, IHL or total length */
	VRRP_RX_BAD_PROTOCOL,          /* IP protocol not 112 (or AH unverified) */
	VRRP_RX_BAD_FAMILY,            /* meta family not AF_INET/AF_INET6 */
	VRRP_RX_BAD_TTL,               /* TTL / hop limit not 255 */
	VRRP_RX_BAD_VERSION,           /* not 2/3, not ours, or v2 over IPv6 */
	VRRP_RX_BAD_TYPE,              /* not an advertisement */
	VRRP_RX_BAD_ADDR_COUNT,        /* count 0 (not allowed by ctx) */
	VRRP_RX_BAD_LENGTH,            /* length does not match the count */
	VRRP_RX_BAD_CHECKSUM,
	VRRP_RX_INTERVAL_ZERO,         /* advert interval 0 */
	VRRP_RX_AUTH_TYPE_MISMATCH,    /* v2 auth type is not the configured one */
	VRRP_RX_AUTH_FAILED,           /* v2 password differs, or AH not verified */
	/* IPsec AH (RFC 2402, v2 auth type 2; vrrp_ah.h): */
	VRRP_RX_AH_BAD_HEADER,         /* AH header malformed, or IP options */
	VRRP_RX_AH_ICV_MISMATCH,       /* HMAC-MD5-96 differs: other key or altered */
	VRRP_RX_AH_REPLAY,             /* sequence number not above the last one */
	VRRP_RX_VERDICT_COUNT
};
/* Short snake_case names ("bad_ttl"), for JSON keys and metric labels. */
extern const char *const vrrp_rx_verdict_names[VRRP_RX_VERDICT_COUNT];
/* One-line explanations, for log messages. */
extern const char *const vrrp_rx_verdict_descriptions[VRRP_RX_VERDICT_COUNT];
const char *vrrp_rx_verdict_name(enum vrrp_rx_verdict verdict);

/* Why an advert could not be built (a bug or a config the checks let
 * through; never peer-caused). */
enum vrrp_build_error {
	VRRP_BUILD_OK = 0,
	VRRP_BUILD_BAD_VERSION,
	VRRP_BUILD_BAD_TYPE,
	VRRP_BUILD_BAD_FAMILY,         /* unknown, v2 with IPv6, or tx family differs */
	VRRP_BUILD_BAD_ADDR_COUNT,
	VRRP_BUILD_BAD_INTERVAL,       /* 0 or above the version's maximum */
	VRRP_BUILD_BAD_AUTH_TYPE,
	VRRP_BUILD_NO_SPACE,           /* the buffer is too small */
	VRRP_BUILD_ERROR_COUNT
};
extern const char *const vrrp_build_error_names[VRRP_BUILD_ERROR_COUNT];

/* Length of a message of this version, family and address count. */
size_t vrrp_packet_length(uint8_t version, int family, unsigned naddrs);

/* Whether `adv` can be encoded with `ctx` into `len` bytes. */
enum vrrp_build_error vrrp_advert_validate(const struct vrrp_advert *adv,
					   const struct vrrp_packet_ctx *ctx, size_t len);

/* Writes the message for `adv` into buf, checksum included (for v3 it
 * covers ctx->tx as the pseudo-header, in the form ctx->csum_form);
 * returns its length, or 0 when vrrp_advert_validate() says it cannot.
 * Reserved bits are written as 0, and v2 auth data as adv->auth_data for
 * PASS, zeros otherwise. */
size_t vrrp_packet_build(const struct vrrp_advert *adv, const struct vrrp_packet_ctx *ctx,
			 uint8_t *buf, size_t len);

/* The checksum field value for the message msg[0..len) with its checksum
 * bytes taken as zero.  `ep` is needed for v3 (ignored for v2 and for
 * VRRP_CSUM_MESSAGE_ONLY); `old_group` only for VRRP_CSUM_OLD_UNICAST.
 * Returns it in host order. */
uint16_t vrrp_packet_checksum(const uint8_t *msg, size_t len, uint8_t version,
			      const struct vrrp_endpoints *ep, enum vrrp_csum_form form,
			      const struct in_addr *old_group);

/* Recomputes the checksum of a built message in place, for sending the
 * same advert to another destination (one unicast peer after another). */
void vrrp_packet_set_checksum(uint8_t *msg, size_t len, const struct vrrp_endpoints *ep,
			      const struct vrrp_packet_ctx *ctx);

/* The VRID of a message, to find its instance before the full parse;
 * false when there are fewer than 2 bytes. */
bool vrrp_packet_peek_vrid(const uint8_t *msg, size_t len, uint8_t *vrid);

/* Checks and decodes one VRRP message (no IP header), in the order of the
 * receive rules of RFC 3768 7.1 / RFC 5798 7.1: protocol, TTL, version,
 * type, count, length, checksum, interval, auth.  Fills `out` only on
 * VRRP_RX_OK (contents unspecified otherwise).  Never reads outside
 * pkt[0..len). */
enum vrrp_rx_verdict vrrp_packet_parse(const uint8_t *pkt, size_t len,
				       const struct vrrp_rx_meta *meta,
				       const struct vrrp_packet_ctx *ctx, struct vrrp_advert *out);

/* The same for a whole IPv4 packet: checks version 4, IHL >= 5, the total
 * length against len, protocol 112 (an AH packet is BAD_PROTOCOL here: the
 * AH layer verifies and strips it, then calls vrrp_packet_parse), TTL 255
 * when the destination is multicast, then parses the payload.  `meta_out`
 * (may be NULL) receives what the header said, filled whenever the header
 * itself could be read. */
/* The IPv4 header checks of vrrp_packet_parse_ipv4 alone (version 4, IHL
 * >= 5, total length within len, not a fragment), for a caller that
 * handles the payload itself (the AH layer).  Fills meta (protocol, TTL,
 * addresses; family AF_INET), *header_len and *total_len on VRRP_RX_OK. */
enum vrrp_rx_verdict vrrp_packet_read_ipv4_header(const uint8_t *ip_packet, size_t len,
						  struct vrrp_rx_meta *meta, size_t *header_len,
						  size_t *total_len);

enum vrrp_rx_verdict vrrp_packet_parse_ipv4(const uint8_t *ip_packet, size_t len,
					    const struct vrrp_packet_ctx *ctx,
					    struct vrrp_advert *out, struct vrrp_rx_meta *meta_out);

/* What the instance expects of a well-formed advert. */
struct vrrp_expect {
	uint8_t vrid;
	uint8_t version;
	uint16_t interval;             /* unit of `version` */
	bool we_are_owner;             /* our priority is 255 */
	int family;
	uint16_t naddrs;
	const union vrrp_ip *addrs;    /* order does not matter */
};

/* Differences between a parsed advert and what the instance expects:
 * not codec verdicts, because what follows is the instance's decision. */
enum vrrp_mismatch {
	/* The VRID is not this instance's: RFC 3768 7.1 / RFC 5798 7.1 say
	 * discard (it is another router's advert, not an error). */
	VRRP_MISMATCH_VRID = 1u << 0,
	/* We own the addresses (priority 255): RFC 5798 7.1 says discard. */
	VRRP_MISMATCH_WE_ARE_OWNER = 1u << 1,
	/* Count or list of addresses differs: RFC 3768 7.1 / RFC 5798 7.1
	 * say log it, and drop it unless the sender's priority is 255;
	 * keepalived logs and keeps it. */
	VRRP_MISMATCH_ADDRS = 1u << 2,
	/* Interval differs: for v2, RFC 3768 7.1 says discard and log;
	 * for v3 it is not an error: a backup adopts the master's interval
	 * (RFC 5798 6.4.2). */
	VRRP_MISMATCH_INTERVAL = 1u << 3,
};
#define VRRP_MISMATCH_KINDS 4
/* Names by bit position ("vrid", "we_are_owner", "addrs", "interval"). */
extern const char *const vrrp_mismatch_names[VRRP_MISMATCH_KINDS];

/* The vrrp_mismatch bits that apply (0 when all is as expected). */
unsigned vrrp_advert_check_against(const struct vrrp_advert *rx,
				   const struct vrrp_expect *expect);
/* Whether the RFCs say to discard an advert with these mismatches (the
 * rules quoted above); an instance may be laxer, as keepalived is about
 * addresses. */
bool vrrp_mismatch_rfc_discards(unsigned mismatches, const struct vrrp_advert *rx);

/* The advert interval in microseconds, whatever the version. */
uint64_t vrrp_advert_interval_us(const struct vrrp_advert *adv);

/* One line describing `adv`, for debug logs and tools, e.g.
 * "v3 vrid 51 prio 100 intvl 100cs addrs 2: 192.0.2.1 192.0.2.2".  The
 * password is never printed.  Always NUL-terminated; a line that does not
 * fit ends in "...".  Returns buf. */
char *vrrp_advert_format(const struct vrrp_advert *adv, char *buf, size_t len);
#define VRRP_ADVERT_FORMAT_LEN 256     /* enough for a few addresses */

#endif
