/* libFuzzer target: the SMTP reply parser and the DNS reply checker on
 * arbitrary bytes, as a server (or anyone spoofing one) could send them.
 * A crash, an out-of-bounds read (the input is copied into an exactly
 * sized buffer so ASan sees one), a hang (a compression loop) or an
 * answer inconsistent with itself is a bug.
 *
 * The first input byte picks the target: even, the SMTP parser on the
 * rest; odd, the DNS checker on the rest against a query for
 * "example.com" of type A (its id is copied from the reply when bit 1 is
 * set, so the checks past the id are reached).
 * Built by --enable-fuzzing (CC=clang-14). */
#include "config.h"
#include "checker/check_dns_codec.h"
#include "checker/check_smtp_reply.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_smtp(const uint8_t *data, size_t size)
{
	struct check_smtp_reply r;
	char *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	if (check_smtp_reply_parse(buf, size, &r) == CHECK_SMTP_REPLY_COMPLETE) {
		/* a whole reply: its code is valid and it lies inside the input */
		if (r.code < 100 || r.code > 599 || r.consumed == 0 || r.consumed > size ||
		    buf[r.consumed - 1] != '\n')
			abort();
	}
	free(buf);
}

static void fuzz_dns(uint8_t mode, const uint8_t *data, size_t size)
{
	uint8_t query[CHECK_DNS_QUERY_MAX];
	struct check_dns_reply_info info;
	int qlen = check_dns_build_query(0x1234, 1, "example.com", query, sizeof(query));
	uint8_t *reply = malloc(size ? size : 1);
	enum check_dns_verdict v;

	if (qlen < 0)
		abort();
	memcpy(reply, data, size);
	if ((mode & 2) && size >= 2)
		memcpy(query, reply, 2);
	v = check_dns_check_reply(query, (size_t)qlen, reply, size, &info);
	if ((unsigned)v >= CHECK_DNS_VERDICT_COUNT || (v == CHECK_DNS_OK && info.rcode != 0))
		abort();
	free(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_dns(data[0], data + 1, size - 1);
	else
		fuzz_smtp(data + 1, size - 1);
	return 0;
}
