/* UDP_CHECK reply matching (see check_udp_match.h). */
#include "config.h"
#include "checker/check_udp_match.h"

const char *const check_udp_verdict_names[CHECK_UDP_VERDICT_COUNT] = {
	[CHECK_UDP_MATCH] = "match",
	[CHECK_UDP_TOO_SHORT] = "too-short",
	[CHECK_UDP_TOO_LONG] = "too-long",
	[CHECK_UDP_MISMATCH] = "mismatch",
};

void check_udp_expect_from_config(const struct check_checker_config *c,
				  struct check_udp_expect *out)
{
	out->data = c->udp.reply_len ? c->udp.reply : NULL;
	out->mask = c->udp.reply_len ? c->udp.reply_mask : NULL;
	out->len = c->udp.reply_len;
	out->min_len = c->udp.min_reply_length;
	out->max_len = c->udp.max_reply_length;
}

enum check_udp_verdict check_udp_match(const struct check_udp_expect *e, const uint8_t *reply,
				       size_t have, size_t reply_len, size_t *offset)
{
	size_t n = e->data ? e->len : 0;

	if (reply_len < e->min_len)
		return CHECK_UDP_TOO_SHORT;
	if (reply_len > e->max_len)
		return CHECK_UDP_TOO_LONG;
	if (n > have)
		n = have;
	for (size_t i = 0; i < n; i++) {
		uint8_t m = e->mask ? e->mask[i] : 0xff;

		if ((reply[i] & m) != (e->data[i] & m)) {
			if (offset)
				*offset = i;
			return CHECK_UDP_MISMATCH;
		}
	}
	return CHECK_UDP_MATCH;
}
