/* PING_CHECK's ICMP / ICMPv6 echo messages (pure: no I/O).
 *
 * A request carries an identifier, a sequence number and a payload of
 * random bytes; a reply is ours when it echoes all three.  On an
 * unprivileged ICMP datagram socket the kernel replaces the identifier by
 * the socket's own (and only delivers replies carrying it), so the caller
 * then asks not to compare it.  An IPv4 raw socket delivers the IP header
 * in front of the ICMP message; the parser skips it. */
#ifndef VIGIL_CHECK_PING_PACKET_H
#define VIGIL_CHECK_PING_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK_PING_HEADER_LEN 8
#define CHECK_PING_PAYLOAD_LEN 24
#define CHECK_PING_PACKET_LEN (CHECK_PING_HEADER_LEN + CHECK_PING_PAYLOAD_LEN)

#define CHECK_ICMP_ECHO_REPLY 0
#define CHECK_ICMP_ECHO_REQUEST 8
#define CHECK_ICMP6_ECHO_REQUEST 128
#define CHECK_ICMP6_ECHO_REPLY 129

struct check_ping_echo {
	uint16_t id, seq;
	uint8_t payload[CHECK_PING_PAYLOAD_LEN];
};

/* Why a received message was not the awaited reply. */
enum check_ping_verdict {
	CHECK_PING_MATCH,
	CHECK_PING_TRUNCATED,         /* shorter than header + payload */
	CHECK_PING_BAD_IP_HEADER,     /* IPv4 header not IPv4 / length wrong */
	CHECK_PING_NOT_ECHO_REPLY,    /* another ICMP type (or code) */
	CHECK_PING_BAD_CHECKSUM,      /* IPv4 only: IPv6's needs the pseudo header */
	CHECK_PING_OTHER_ID,
	CHECK_PING_OTHER_SEQ,
	CHECK_PING_OTHER_PAYLOAD,     /* an older attempt's reply */
	CHECK_PING_VERDICT_COUNT
};
extern const char *const check_ping_verdict_names[CHECK_PING_VERDICT_COUNT];

/* The Internet checksum (RFC 1071) of data. */
uint16_t check_ping_checksum(const void *data, size_t len);

/* Writes an echo request for `family` (AF_INET or AF_INET6) into buf,
 * which holds at least CHECK_PING_PACKET_LEN bytes; returns its length.
 * IPv4's checksum is filled in; IPv6's is left 0 (the kernel computes it
 * over the pseudo header). */
size_t check_ping_build(int family, const struct check_ping_echo *echo, uint8_t *buf);

/* Whether buf (len bytes, from an IPv4 IP header when ip_header) is the
 * reply to `sent`; the identifier is compared only when check_id. */
enum check_ping_verdict check_ping_parse(int family, bool ip_header, bool check_id,
					 const struct check_ping_echo *sent, const uint8_t *buf,
					 size_t len);

#endif
