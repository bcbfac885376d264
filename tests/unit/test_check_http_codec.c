/* HTTP_GET's HTTP/1.x codec (checker/check_http_codec.c): the request
 * bytes, and the streaming response parser fed whole, byte by byte and
 * split at every position. */
#include "unit.h"

#include "checker/check_http_codec.h"

/* ---- the request ---- */

static void test_request_protocols(void **state)
{
	char buf[512];
	int n;

	(void)state;
	n = check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_0, "/health", "10.0.0.2:8080",
				     "vigil");
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "GET /health HTTP/1.0\r\nUser-Agent: vigil\r\n"
			    "Host: 10.0.0.2:8080\r\nAccept: */*\r\n\r\n");
	check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_0C, "/", "h", "ua/1");
	assert_string_equal(buf, "GET / HTTP/1.0\r\nUser-Agent: ua/1\r\nHost: h\r\n"
			    "Accept: */*\r\nConnection: close\r\n\r\n");
	check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "x?a=1", "[fd00::2]:80", "u a");
	assert_string_equal(buf, "GET /x?a=1 HTTP/1.1\r\nUser-Agent: u a\r\nHost: [fd00::2]:80\r\n"
			    "Accept: */*\r\nConnection: close\r\n\r\n");
	/* no path, or an empty one: "/" */
	check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, NULL, "h", "u");
	assert_memory_equal(buf, "GET / HTTP/1.1\r\n", 16);
	check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "", "h", "u");
	assert_memory_equal(buf, "GET / HTTP/1.1\r\n", 16);
}

static void test_request_limits(void **state)
{
	const char *want = "GET / HTTP/1.0\r\nUser-Agent: u\r\nHost: h\r\nAccept: */*\r\n\r\n";
	size_t n = strlen(want);
	char buf[128];

	(void)state;
	/* exactly enough room takes the NUL too; one byte less does not fit */
	assert_int_equal(check_http_request_build(buf, n + 1, CHECK_HTTP_1_0, "/", "h", "u"), n);
	assert_string_equal(buf, want);
	assert_int_equal(check_http_request_build(buf, n, CHECK_HTTP_1_0, "/", "h", "u"), -ENOSPC);
	assert_int_equal(check_http_request_build(buf, 0, CHECK_HTTP_1_0, "/", "h", "u"), -ENOSPC);
	assert_int_equal(check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "/a\r\nX: y",
						  "h", "u"), -EINVAL);
	assert_int_equal(check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "/a b", "h",
						  "u"), -EINVAL);
	assert_int_equal(check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "/", "h\n",
						  "u"), -EINVAL);
	assert_int_equal(check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "/", "h",
						  "u\x7f"), -EINVAL);
	assert_int_equal(check_http_request_build(buf, sizeof(buf), CHECK_HTTP_1_1, "/", "h",
						  "u\t"), -EINVAL);
}

/* ---- the response ---- */

struct parse_run {
	enum check_http_parse result;
	size_t consumed;                /* over every feed */
	struct check_http_parser p;
	char body[4096];
	size_t body_len;
	size_t calls;                   /* body callback calls */
	int abort_after;                /* the callback refuses its Nth call (0: never) */
};

static int on_body(void *ctx, const char *data, size_t len)
{
	struct parse_run *r = ctx;

	assert_true(len > 0);
	assert_true(r->body_len + len <= sizeof(r->body));
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	if (++r->calls == (size_t)r->abort_after)
		return -1;
	return 0;
}

/* Feeds `len` bytes in pieces of `piece` (0: all at once), stopping at the
 * first result other than MORE; then eof when `eof` and still MORE. */
static void parse_pieces(struct parse_run *r, const char *text, size_t len, size_t piece,
			 bool eof)
{
	int abort_after = r->abort_after;

	memset(r, 0, sizeof(*r));
	r->abort_after = abort_after;
	check_http_parser_init(&r->p);
	r->result = CHECK_HTTP_PARSE_MORE;
	for (size_t off = 0; off < len && r->result == CHECK_HTTP_PARSE_MORE;) {
		size_t n = piece && piece < len - off ? piece : len - off, used = 12345;

		r->result = check_http_parser_feed(&r->p, text + off, n, &used, on_body, r);
		assert_true(used <= n);
		if (r->result == CHECK_HTTP_PARSE_MORE)
			assert_int_equal(used, n);
		r->consumed += used;
		off += n;
	}
	if (eof && r->result == CHECK_HTTP_PARSE_MORE)
		r->result = check_http_parser_eof(&r->p);
	assert_int_equal(r->p.body_bytes, r->body_len);
}

static void parse(struct parse_run *r, const char *text, bool eof)
{
	parse_pieces(r, text, strlen(text), 0, eof);
}

/* Parses `text` whole, byte by byte, and split in two at every position:
 * the same result, status, body and consumed count each time. */
static void assert_same_every_split(const char *text, enum check_http_parse want,
				    const char *body, bool eof)
{
	size_t len = strlen(text);
	struct parse_run whole = { 0 }, r = { 0 };

	parse(&whole, text, eof);
	assert_int_equal(whole.result, want);
	if (body) {
		assert_int_equal(whole.body_len, strlen(body));
		assert_memory_equal(whole.body, body, whole.body_len);
	}
	for (size_t piece = 1; piece <= len; piece++) {
		parse_pieces(&r, text, len, piece, eof);
		assert_int_equal(r.result, whole.result);
		assert_int_equal(r.consumed, whole.consumed);
		assert_int_equal(r.p.status, whole.p.status);
		assert_int_equal(r.body_len, whole.body_len);
		assert_memory_equal(r.body, whole.body, r.body_len);
	}
}

static void test_content_length(void **state)
{
	const char *text = "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\n\r\nhello";
	struct parse_run r = { 0 }, bytes = { 0 };

	(void)state;
	parse(&r, text, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.p.status, 200);
	assert_int_equal(r.p.version_minor, 1);
	assert_true(r.p.headers_done);
	assert_int_equal(r.consumed, strlen(text));
	assert_int_equal(r.calls, 1);           /* one span, not byte by byte */
	assert_memory_equal(r.body, "hello", 5);
	parse_pieces(&bytes, text, strlen(text), 1, false);
	assert_int_equal(bytes.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(bytes.body_len, 5);
	assert_memory_equal(bytes.body, "hello", 5);
	assert_same_every_split(text, CHECK_HTTP_PARSE_DONE, "hello", false);
	/* names are case-insensitive, values may be padded, duplicates may agree */
	assert_same_every_split("HTTP/1.0 404 Not Found\r\ncOnTeNt-LeNgTh:\t 3 \r\n"
				"content-length: 3\r\n\r\nabc", CHECK_HTTP_PARSE_DONE, "abc", false);
	assert_same_every_split("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
				CHECK_HTTP_PARSE_DONE, "", false);
}

static void test_extra_bytes_not_consumed(void **state)
{
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	char text[128];
	struct parse_run r = { 0 };
	size_t used = 99;

	(void)state;
	snprintf(text, sizeof(text), "%sHTTP/1.1 500 X\r\n\r\n", resp);
	parse(&r, text, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.consumed, strlen(resp));
	assert_int_equal(r.body_len, 2);
	/* fed again after DONE: nothing more is taken */
	assert_int_equal(check_http_parser_feed(&r.p, "more", 4, &used, on_body, &r),
			 CHECK_HTTP_PARSE_DONE);
	assert_int_equal(used, 0);
	/* the end of the headers of a 204 is the end of the response */
	parse(&r, "HTTP/1.1 204 No Content\r\n\r\nxyz", false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.consumed, strlen("HTTP/1.1 204 No Content\r\n\r\n"));
}

static void test_chunked(void **state)
{
	const char *text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n"
			   "Content-Length: 999\r\n\r\n"
			   "5;name=value\r\nhello\r\n"
			   "1A \r\nabcdefghijklmnopqrstuvwxyz\r\n"
			   "0;last\r\nX-Trailer: yes\r\nY: z\r\n\r\n";
	struct parse_run r = { 0 };

	(void)state;
	assert_same_every_split(text, CHECK_HTTP_PARSE_DONE, "helloabcdefghijklmnopqrstuvwxyz",
				false);
	parse(&r, text, false);
	assert_int_equal(r.consumed, strlen(text));
	assert_int_equal(r.calls, 2);
	/* bare LFs, and no trailers */
	assert_same_every_split("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n",
				CHECK_HTTP_PARSE_DONE, "abc", false);
}

static void test_close_delimited(void **state)
{
	struct parse_run r = { 0 };

	(void)state;
	assert_same_every_split("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it\r\n",
				CHECK_HTTP_PARSE_DONE, "all of it\r\n", true);
	parse(&r, "HTTP/1.0 200 OK\r\n\r\nbody", false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_MORE);
	assert_int_equal(check_http_parser_eof(&r.p), CHECK_HTTP_PARSE_DONE);
	/* a Transfer-Encoding without chunked last is delimited by the close,
	 * whatever Content-Length says */
	assert_same_every_split("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n"
				"Content-Length: 1\r\n\r\nzzz", CHECK_HTTP_PARSE_DONE, "zzz", true);
	/* a known name followed by NULs is another name (found by the fuzzer:
	 * the NUL once matched the end of "transfer-encoding") */
	static const char nul_name[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding\0\0: chunked\r\n"
				       "Content-Length\0: 9\r\n\r\nabc";
	parse_pieces(&r, nul_name, sizeof(nul_name) - 1, 0, true);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.body_len, 3);
	/* an empty body */
	parse(&r, "HTTP/1.0 200 OK\r\n\r\n", true);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.body_len, 0);
}

static void test_interim_and_no_body(void **state)
{
	struct parse_run r = { 0 };

	(void)state;
	assert_same_every_split("HTTP/1.1 100 Continue\r\n\r\n"
				"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\nContent-Length: 7\r\n\r\n"
				"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
				CHECK_HTTP_PARSE_DONE, "ok", false);
	parse(&r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	      false);
	assert_int_equal(r.p.status, 200);
	/* before the final status line, no status */
	parse(&r, "HTTP/1.1 100 Continue\r\n\r\n", false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_MORE);
	assert_int_equal(r.p.status, 0);
	assert_false(r.p.headers_done);
	/* 204 and 304 end with their headers, whatever Content-Length says */
	assert_same_every_split("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
				CHECK_HTTP_PARSE_DONE, "", false);
	parse(&r, "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.p.status, 304);
	/* an empty reason, with or without its space, and a bare LF */
	parse(&r, "HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.p.status, 503);
	parse(&r, "HTTP/1.0 999\nContent-Length: 0\n\n", false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	assert_int_equal(r.p.status, 999);
	assert_int_equal(r.p.version_minor, 0);
}

/* Each malformed response fails with a reason, at the offending byte. */
static void assert_error_at(const char *text, const char *offending, const char *why_part)
{
	struct parse_run r = { 0 };

	parse(&r, text, false);
	if (r.result != CHECK_HTTP_PARSE_ERROR)
		fail_msg("\"%s\": %d, not ERROR", text, r.result);
	assert_non_null(r.p.why);
	if (why_part && !strstr(r.p.why, why_part))
		fail_msg("\"%s\": why \"%s\" lacks \"%s\"", text, r.p.why, why_part);
	if (offending)
		assert_int_equal(r.consumed, strstr(text, offending) - text);
	/* byte by byte: the same */
	parse_pieces(&r, text, strlen(text), 1, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_ERROR);
}

static void test_status_line_errors(void **state)
{
	(void)state;
	assert_error_at("SSH-2.0-OpenSSH\r\n", "S", "not an HTTP status line");
	assert_error_at("http/1.1 200 OK\r\n", "h", "not an HTTP status line");
	assert_error_at("HTTP/2 200\r\n", "2", "version");
	assert_error_at("HTTP/1.x 200 OK\r\n", "x", NULL);
	assert_error_at("HTTP/1.1  200 OK\r\n", " 200", NULL);
	assert_error_at("HTTP/1.1 20 OK\r\n", " OK", "three digits");
	assert_error_at("HTTP/1.1 2000 OK\r\n", "0 OK", "three digits");
	assert_error_at("HTTP/1.1 099 Low\r\n", "9 Low", "between 100 and 999");
	assert_error_at("HTTP/1.1 200 O\001K\r\n", "\001", "control character");
	assert_error_at("HTTP/1.1 101 Switching Protocols\r\n\r\n", "\n\r\n", "101");
	assert_error_at("HTTP/1.1 200 OK\rX", "X", "CR not followed by LF");
}

static void test_header_errors(void **state)
{
	(void)state;
	assert_error_at("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "\r\n\r\n", "without ':'");
	assert_error_at("HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n", "  folded", "fold");
	assert_error_at("HTTP/1.1 200 OK\r\n: x\r\n\r\n", ": x", "without a name");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n", " :", "whitespace");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "x", "not a number");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "-1\r", "not a number");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "2\r", "not a number");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "\n\r\n", "empty");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
			"9\r", "too large");
	assert_error_at("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab",
			"\n\r\nab", "conflicting");
}

static void test_chunk_errors(void **state)
{
	const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	char text[256];

	(void)state;
	snprintf(text, sizeof(text), "%sxyz\r\n", head);
	assert_error_at(text, "xyz", "without digits");
	snprintf(text, sizeof(text), "%s;ext\r\n", head);
	assert_error_at(text, ";ext", "without digits");
	snprintf(text, sizeof(text), "%s1g\r\n", head);
	assert_error_at(text, "g\r", "not hexadecimal");
	snprintf(text, sizeof(text), "%s10000000000000000\r\n", head);
	assert_error_at(text, "0\r", "too large");
	snprintf(text, sizeof(text), "%s2\r\nabc\r\n", head);
	assert_error_at(text, "c\r", "not followed by a line end");
	snprintf(text, sizeof(text), "%s0\r\nbadtrailer\r\n\r\n", head);
	assert_error_at(text, NULL, "without ':'");
	snprintf(text, sizeof(text), "%s0\r\n folded\r\n\r\n", head);
	assert_error_at(text, " folded", "fold");
}

static void test_limits(void **state)
{
	size_t len = CHECK_HTTP_HEADERS_MAX + 100;
	char *text = malloc(len + 1);
	struct parse_run r = { 0 };
	size_t off;

	(void)state;
	/* one header line of CHECK_HTTP_LINE_MAX bytes is fine, one more is not */
	off = (size_t)sprintf(text, "HTTP/1.1 200 OK\r\nX: ");
	memset(text + off, 'v', CHECK_HTTP_LINE_MAX - 5);
	strcpy(text + off + CHECK_HTTP_LINE_MAX - 5, "\r\nContent-Length: 0\r\n\r\n");
	parse(&r, text, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_DONE);
	memset(text + off, 'v', CHECK_HTTP_LINE_MAX - 4);
	strcpy(text + off + CHECK_HTTP_LINE_MAX - 4, "\r\nContent-Length: 0\r\n\r\n");
	parse(&r, text, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_ERROR);
	assert_string_equal(r.p.why, "a line is too long");
	/* many short lines: the header section as a whole is too long */
	off = (size_t)sprintf(text, "HTTP/1.1 200 OK\r\n");
	while (off + 8 < len)
		off += (size_t)sprintf(text + off, "A: bcd\r\n");
	parse(&r, text, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_ERROR);
	assert_string_equal(r.p.why, "the header section is too long");
	assert_int_equal(r.consumed, CHECK_HTTP_HEADERS_MAX);
	free(text);
}

static void assert_eof_error(const char *text, const char *why_part)
{
	struct parse_run r = { 0 };

	parse(&r, text, true);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_ERROR);
	if (!strstr(r.p.why, why_part))
		fail_msg("\"%s\": why \"%s\" lacks \"%s\"", text, r.p.why, why_part);
	/* the ERROR is final */
	assert_int_equal(check_http_parser_eof(&r.p), CHECK_HTTP_PARSE_ERROR);
}

static void test_eof_errors(void **state)
{
	(void)state;
	assert_eof_error("", "before the status line");
	assert_eof_error("HTTP/1.", "in the status line");
	assert_eof_error("HTTP/1.1 200 OK\r", "in the status line");
	assert_eof_error("HTTP/1.1 200 OK\r\nServer: x", "in the headers");
	assert_eof_error("HTTP/1.1 100 Continue\r\n\r\n", "in the status line");
	assert_eof_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", "in the body");
	assert_eof_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "in the body");
	assert_eof_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
			 "in a chunk");
	assert_eof_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "in a chunk");
	assert_eof_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n",
			 "trailer");
}

static void test_callback_abort(void **state)
{
	const char *text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
	struct parse_run r = { .abort_after = 2 };

	(void)state;
	parse(&r, text, false);
	assert_int_equal(r.result, CHECK_HTTP_PARSE_ABORTED);
	assert_int_equal(r.calls, 2);
	assert_int_equal(r.p.body_bytes, 6);
	/* consumed ends with the refused span */
	assert_int_equal(r.consumed, strstr(text, "\r\n0\r\n") - text);
	assert_int_equal(check_http_parser_eof(&r.p), CHECK_HTTP_PARSE_ABORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_protocols),
		cmocka_unit_test(test_request_limits),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_extra_bytes_not_consumed),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_close_delimited),
		cmocka_unit_test(test_interim_and_no_body),
		cmocka_unit_test(test_status_line_errors),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_chunk_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_eof_errors),
		cmocka_unit_test(test_callback_abort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
