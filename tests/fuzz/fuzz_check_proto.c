/* libFuzzer target: the SMTP reply parser, the DNS reply checker and the
 * HTTP/1.x response parser on arbitrary bytes, as a server (or anyone
 * spoofing one) could send them.
 * A crash, an out-of-bounds read (the input is copied into an exactly
 * sized buffer so ASan sees one), a hang (a compression loop) or an
 * answer inconsistent with itself is a bug.
 *
 * The first input byte picks the target: odd, the DNS checker on the rest
 * against a query for "example.com" of type A (its id is copied from the
 * reply when bit 1 is set, so the checks past the id are reached); bits
 * 1-0 clear, the SMTP parser on the rest; bits 1-0 = 10, the HTTP parser
 * on the rest, fed whole and then in pieces of 1 + (first byte >> 2)
 * bytes: both runs must agree (one target, not three: each costs CI time).
 * Built by --enable-fuzzing (CC=clang-14). */
#include "config.h"
#include "checker/check_dns_codec.h"
#include "checker/check_http_codec.h"
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

/* One HTTP parse of the whole input, fed `piece` bytes at a time (and an
 * eof when the parser still wants more). */
struct fuzz_http_run {
	enum check_http_parse result;
	size_t consumed;
	uint64_t body_bytes;            /* as counted by the callback */
	char last;
	struct check_http_parser p;
};

static int fuzz_http_body(void *ctx, const char *data, size_t len)
{
	struct fuzz_http_run *run = ctx;

	if (len == 0)
		abort();        /* spans are never empty */
	run->body_bytes += len;
	run->last = data[len - 1];      /* ASan checks the span's end is in the input */
	return 0;
}

/* Checks what one feed may return: never more than fed, everything for
 * MORE, and DONE/ERROR/ABORTED final. */
static void fuzz_http_feed(struct fuzz_http_run *run, const char *data, size_t len)
{
	size_t used = len + 1, again = 1;

	run->result = check_http_parser_feed(&run->p, data, len, &used, fuzz_http_body, run);
	if (used > len || (run->result == CHECK_HTTP_PARSE_MORE && used != len))
		abort();
	run->consumed += used;
	if (run->result != CHECK_HTTP_PARSE_MORE &&
	    (check_http_parser_feed(&run->p, data, len, &again, fuzz_http_body, run) !=
	     run->result || again != 0))
		abort();
}

static void fuzz_http_run(struct fuzz_http_run *run, const char *buf, size_t size, size_t piece)
{
	memset(run, 0, sizeof(*run));
	check_http_parser_init(&run->p);
	run->result = CHECK_HTTP_PARSE_MORE;
	for (size_t off = 0; off < size && run->result == CHECK_HTTP_PARSE_MORE;) {
		size_t n = size - off < piece ? size - off : piece;

		fuzz_http_feed(run, buf + off, n);
		off += n;
	}
	if (run->result == CHECK_HTTP_PARSE_MORE)
		run->result = check_http_parser_eof(&run->p);
	if (run->result == CHECK_HTTP_PARSE_MORE || check_http_parser_eof(&run->p) != run->result)
		abort();
}

/* What one run must hold by itself: the body within the input, counted
 * once, and a status once the headers are done. */
static void fuzz_http_check(const struct fuzz_http_run *run, size_t size)
{
	if (run->consumed > size || run->p.body_bytes != run->body_bytes ||
	    run->p.body_bytes > run->consumed)
		abort();
	if (run->p.headers_done && (run->p.status < 100 || run->p.status > 999))
		abort();
	if (run->result == CHECK_HTTP_PARSE_ERROR && !run->p.why)
		abort();
}

static void fuzz_http(uint8_t mode, const uint8_t *data, size_t size)
{
	struct fuzz_http_run whole, pieces;
	char *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	fuzz_http_run(&whole, buf, size, size ? size : 1);
	fuzz_http_run(&pieces, buf, size, 1 + (mode >> 2));
	fuzz_http_check(&whole, size);
	fuzz_http_check(&pieces, size);
	if (whole.result != pieces.result || whole.consumed != pieces.consumed ||
	    whole.body_bytes != pieces.body_bytes || whole.p.status != pieces.p.status)
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_dns(data[0], data + 1, size - 1);
	else if (data[0] & 2)
		fuzz_http(data[0], data + 1, size - 1);
	else
		fuzz_smtp(data + 1, size - 1);
	return 0;
}
