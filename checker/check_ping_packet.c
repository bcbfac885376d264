/* ICMP / ICMPv6 echo build and parse (see check_ping_packet.h). */
#include "config.h"
#include "checker/check_ping_packet.h"

#include <string.h>
#include <sys/socket.h>

const char *const check_ping_verdict_names[CHECK_PING_VERDICT_COUNT] = {
	[CHECK_PING_MATCH] = "match",
	[CHECK_PING_TRUNCATED] = "truncated",
	[CHECK_PING_BAD_IP_HEADER] = "bad-ip-header",
	[CHECK_PING_NOT_ECHO_REPLY] = "not-echo-reply",
	[CHECK_PING_BAD_CHECKSUM] = "bad-checksum",
	[CHECK_PING_OTHER_ID] = "other-id",
	[CHECK_PING_OTHER_SEQ] = "other-seq",
	[CHECK_PING_OTHER_PAYLOAD] = "other-payload",
};

uint16_t check_ping_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t check_ping_build(int family, const struct check_ping_echo *echo, uint8_t *buf)
{
	memset(buf, 0, CHECK_PING_HEADER_LEN);
	buf[0] = family == AF_INET6 ? CHECK_ICMP6_ECHO_REQUEST : CHECK_ICMP_ECHO_REQUEST;
	put16(buf + 4, echo->id);
	put16(buf + 6, echo->seq);
	memcpy(buf + CHECK_PING_HEADER_LEN, echo->payload, CHECK_PING_PAYLOAD_LEN);
	if (family != AF_INET6)
		put16(buf + 2, check_ping_checksum(buf, CHECK_PING_PACKET_LEN));
	return CHECK_PING_PACKET_LEN;
}

/* Skips an IPv4 header: the ICMP message starts at *icmp. */
static enum check_ping_verdict check_ping_skip_ip(const uint8_t **buf, size_t *len)
{
	size_t ihl;

	if (*len < 20)
		return CHECK_PING_TRUNCATED;
	ihl = (size_t)((*buf)[0] & 0x0f) * 4;
	if ((*buf)[0] >> 4 != 4 || ihl < 20 || ihl > *len)
		return CHECK_PING_BAD_IP_HEADER;
	*buf += ihl;
	*len -= ihl;
	return CHECK_PING_MATCH;
}

enum check_ping_verdict check_ping_parse(int family, bool ip_header, bool check_id,
					 const struct check_ping_echo *sent, const uint8_t *buf,
					 size_t len)
{
	uint8_t reply_type = family == AF_INET6 ? CHECK_ICMP6_ECHO_REPLY : CHECK_ICMP_ECHO_REPLY;
	enum check_ping_verdict v;

	if (ip_header && family != AF_INET6 && (v = check_ping_skip_ip(&buf, &len)) != CHECK_PING_MATCH)
		return v;
	if (len < CHECK_PING_HEADER_LEN)
		return CHECK_PING_TRUNCATED;
	if (buf[0] != reply_type || buf[1] != 0)
		return CHECK_PING_NOT_ECHO_REPLY;
	if (len < CHECK_PING_PACKET_LEN)
		return CHECK_PING_TRUNCATED;
	if (family != AF_INET6 && check_ping_checksum(buf, len) != 0)
		return CHECK_PING_BAD_CHECKSUM;
	if (check_id && get16(buf + 4) != sent->id)
		return CHECK_PING_OTHER_ID;
	if (get16(buf + 6) != sent->seq)
		return CHECK_PING_OTHER_SEQ;
	if (memcmp(buf + CHECK_PING_HEADER_LEN, sent->payload, CHECK_PING_PAYLOAD_LEN) != 0)
		return CHECK_PING_OTHER_PAYLOAD;
	return CHECK_PING_MATCH;
}
