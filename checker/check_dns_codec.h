/* DNS messages for DNS_CHECK (RFC 1035): a pure codec, no I/O.
 *
 * The check sends one standard query (opcode QUERY, RD set, class IN,
 * one question, a random id) and judges the answer.  What makes a reply
 * acceptable, and why:
 *
 *  - it must be ours: the same id and the QR (response) bit set.  A
 *    datagram that fails this is not an answer at all (a stray or late
 *    packet); the check ignores it and keeps waiting, as keepalived does.
 *  - opcode QUERY, rcode NOERROR: keepalived's rule; any other rcode
 *    (NXDOMAIN, SERVFAIL, REFUSED...) means the server is not serving the
 *    name and fails the check.
 *  - the question echoed back (same name, ignoring case, type and class):
 *    a server answering something else is broken.
 *  - the whole message well formed: every record (names, compression
 *    pointers, lengths) inside the datagram.
 *
 * The answer section may be empty: keepalived requires no answer records
 * (a NOERROR reply with no data, e.g. an A query for a name that only has
 * MX, still shows a working server), so neither does vigil.  The TC bit
 * is accepted for the same reason: a truncated answer is still an answer. */
#ifndef VIGIL_CHECK_DNS_CODEC_H
#define VIGIL_CHECK_DNS_CODEC_H

#include "checker/check_conf.h"

#include <stddef.h>
#include <stdint.h>

#define CHECK_DNS_HEADER_LEN 12
#define CHECK_DNS_NAME_WIRE_MAX 255     /* RFC 1035 2.3.4 */
#define CHECK_DNS_LABEL_MAX 63
/* header + the longest name + type and class */
#define CHECK_DNS_QUERY_MAX (CHECK_DNS_HEADER_LEN + CHECK_DNS_NAME_WIRE_MAX + 4)
#define CHECK_DNS_PORT 53
#define CHECK_DNS_CLASS_IN 1

/* The RR type number of a configured type (A 1, NS 2, CNAME 5, SOA 6,
 * MX 15, TXT 16, AAAA 28). */
uint16_t check_dns_qtype(enum check_dns_type type);

/* Writes `name` in wire form (length-prefixed labels, then a zero byte)
 * into out[0..cap).  "." and "" are the root; a trailing dot is optional.
 * Returns the length, or -1 for an empty label ("a..b"), a label over 63
 * bytes, a name over 255 bytes in wire form, or too small a buffer. */
int check_dns_encode_name(const char *name, uint8_t *out, size_t cap);

/* A whole query; returns its length or -1 (bad name, small buffer). */
int check_dns_build_query(uint16_t id, uint16_t qtype, const char *name, uint8_t *out,
			  size_t cap);

/* Verdicts on a reply; names in check_dns_verdict_names[]. */
enum check_dns_verdict {
	CHECK_DNS_OK,
	CHECK_DNS_SHORT,                /* less than a header */
	CHECK_DNS_WRONG_ID,             /* not ours: ignore */
	CHECK_DNS_NOT_RESPONSE,         /* QR clear: not ours either */
	CHECK_DNS_BAD_OPCODE,
	CHECK_DNS_RCODE,                /* rcode not NOERROR (in info->rcode) */
	CHECK_DNS_BAD_QUESTION,         /* question missing or different */
	CHECK_DNS_MALFORMED,            /* a record or name runs off the end, bad pointer */
	CHECK_DNS_VERDICT_COUNT
};
extern const char *const check_dns_verdict_names[CHECK_DNS_VERDICT_COUNT];
const char *check_dns_verdict_name(enum check_dns_verdict v);

struct check_dns_reply_info {
	uint16_t id;
	int opcode, rcode;
	bool truncated;                 /* TC */
	uint16_t qdcount, ancount, nscount, arcount;
};

/* Judges `reply` against the `query` this side sent (as built by
 * check_dns_build_query).  Fills info as far as the header goes. */
enum check_dns_verdict check_dns_check_reply(const uint8_t *query, size_t query_len,
					     const uint8_t *reply, size_t reply_len,
					     struct check_dns_reply_info *info);

/* "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", or "RCODE<n>". */
const char *check_dns_rcode_name(int rcode, char *buf, size_t len);

#endif
