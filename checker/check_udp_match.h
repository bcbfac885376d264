/* UDP_CHECK's judgement of a reply (pure: no I/O).
 *
 * With require_reply, a reply must be min_reply_length..max_reply_length
 * bytes long, and when require_reply gave data, the reply's first
 * min(reply length, data length) bytes must equal the data wherever the
 * mask has 1 bits (an X digit in the configuration is a 0 nibble). */
#ifndef VIGIL_CHECK_UDP_MATCH_H
#define VIGIL_CHECK_UDP_MATCH_H

#include "checker/check_conf.h"

#include <stddef.h>
#include <stdint.h>

enum check_udp_verdict {
	CHECK_UDP_MATCH,
	CHECK_UDP_TOO_SHORT,          /* under min_reply_length */
	CHECK_UDP_TOO_LONG,           /* over max_reply_length */
	CHECK_UDP_MISMATCH,           /* differs from require_reply's data */
	CHECK_UDP_VERDICT_COUNT
};
extern const char *const check_udp_verdict_names[CHECK_UDP_VERDICT_COUNT];

struct check_udp_expect {
	const uint8_t *data;          /* NULL / len 0: any content */
	const uint8_t *mask;          /* NULL: every bit matters */
	size_t len;
	uint32_t min_len, max_len;
};

/* The expectation a UDP_CHECK configuration states. */
void check_udp_expect_from_config(const struct check_checker_config *c,
				  struct check_udp_expect *out);

/* `reply_len` is the datagram's real length; only its first `have` bytes
 * (have <= reply_len) are in `reply`.  On CHECK_UDP_MISMATCH, *offset is
 * the first differing byte. */
enum check_udp_verdict check_udp_match(const struct check_udp_expect *e, const uint8_t *reply,
				       size_t have, size_t reply_len, size_t *offset);

#endif
