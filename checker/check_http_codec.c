/* HTTP/1.x request building and streaming response parsing; see
 * check_http_codec.h.
 *
 * The parser is a table of per-state byte handlers.  Line states count
 * bytes toward the line and header limits; the body states hand whole
 * spans of the fed buffer to the callback instead of single bytes. */
#include "config.h"
#include "checker/check_http_codec.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum check_http_state {
	ST_VERSION,             /* "HTTP/1." so far: `match` bytes */
	ST_MINOR,               /* the x of HTTP/1.x */
	ST_VERSION_SP,
	ST_CODE,                /* three digits */
	ST_CODE_END,            /* SP, or the end of the line (no reason) */
	ST_REASON,
	ST_LINE_START,          /* a header or trailer line, or the empty line */
	ST_NAME,
	ST_VALUE_OWS,           /* whitespace before a value */
	ST_VALUE,
	ST_LF,                  /* CR seen: LF must follow */
	ST_CHUNK_SIZE,
	ST_CHUNK_SIZE_WS,       /* whitespace after the size: ';' or the end */
	ST_CHUNK_EXT,           /* ignored up to the end of the line */
	ST_CHUNK_DATA_END,      /* the line end after a chunk's data */
	ST_BODY_LENGTH,
	ST_BODY_CLOSE,
	ST_CHUNK_DATA,
	ST_DONE,
	ST_ERROR,
	ST_ABORTED,
};

/* What the line ending now was; decides where the parser goes next. */
enum check_http_line { LINE_STATUS, LINE_HEADER, LINE_EMPTY, LINE_CHUNK_SIZE, LINE_DATA_END };

enum check_http_header { HDR_CONTENT_LENGTH, HDR_TRANSFER_ENCODING, HDR_OTHER };

static const char *const check_http_header_names[] = {
	[HDR_CONTENT_LENGTH] = "content-length",
	[HDR_TRANSFER_ENCODING] = "transfer-encoding",
};

#define CHECK_HTTP_VERSION_PREFIX "HTTP/1."
#define CHECK_HTTP_CHUNKED "chunked"
#define CHECK_HTTP_TE_MISMATCH 0xffu    /* `match`: this coding is not chunked */

/* ---- the request ---- */

/* Whether `s` would break the request apart (or, for the path, its
 * request line: a space would end the path early). */
static bool check_http_unsafe(const char *s, bool space_too)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (space_too && c == ' '))
			return true;
	}
	return false;
}

int check_http_request_build(char *buf, size_t len, enum check_http_protocol protocol,
			     const char *path, const char *host, const char *user_agent)
{
	const char *slash;
	int n;

	if (!path || !*path)
		path = "/";
	if (!host || !user_agent || check_http_unsafe(path, true) ||
	    check_http_unsafe(host, false) || check_http_unsafe(user_agent, false))
		return -EINVAL;
	slash = path[0] == '/' ? "" : "/";
	n = snprintf(buf, len,
		     "GET %s%s HTTP/1.%c\r\nUser-Agent: %s\r\nHost: %s\r\nAccept: */*\r\n%s\r\n",
		     slash, path, protocol == CHECK_HTTP_1_1 ? '1' : '0', user_agent, host,
		     protocol == CHECK_HTTP_1_0 ? "" : "Connection: close\r\n");
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

/* ---- the response: helpers ---- */

static void check_http_fail(struct check_http_parser *p, const char *why)
{
	p->state = ST_ERROR;
	p->why = why;
}

static bool check_http_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool check_http_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static char check_http_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int check_http_hex(char c)
{
	c = check_http_lower(c);
	if (check_http_is_digit(c))
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Ends the current line on LF, or waits for it after CR; false for
 * anything else. */
static bool check_http_line_end(struct check_http_parser *p, char c, enum check_http_line kind);

void check_http_parser_init(struct check_http_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = ST_VERSION;
	p->header = HDR_OTHER;
}

/* ---- the status line ---- */

static void check_http_on_version(struct check_http_parser *p, char c)
{
	if (c == CHECK_HTTP_VERSION_PREFIX[p->match]) {
		if (++p->match == sizeof(CHECK_HTTP_VERSION_PREFIX) - 1)
			p->state = ST_MINOR;
	} else if (p->match == sizeof("HTTP/") - 1 && check_http_is_digit(c)) {
		check_http_fail(p, "not an HTTP/1.x status line (another major version)");
	} else {
		check_http_fail(p, "not an HTTP status line");
	}
}

static void check_http_on_minor(struct check_http_parser *p, char c)
{
	if (!check_http_is_digit(c)) {
		check_http_fail(p, "not an HTTP status line (bad version)");
		return;
	}
	p->version_minor = c - '0';
	p->state = ST_VERSION_SP;
}

static void check_http_on_version_sp(struct check_http_parser *p, char c)
{
	if (c != ' ') {
		check_http_fail(p, "not an HTTP status line (no space after the version)");
		return;
	}
	p->state = ST_CODE;
}

static void check_http_on_code(struct check_http_parser *p, char c)
{
	if (!check_http_is_digit(c)) {
		check_http_fail(p, "the status code is not three digits");
		return;
	}
	p->number = p->number * 10 + (uint64_t)(c - '0');
	if (++p->digits < 3)
		return;
	if (p->number < 100) {
		check_http_fail(p, "the status code is not between 100 and 999");
		return;
	}
	p->state = ST_CODE_END;
}

static void check_http_on_code_end(struct check_http_parser *p, char c)
{
	if (c == ' ')
		p->state = ST_REASON;
	else if (!check_http_line_end(p, c, LINE_STATUS))
		check_http_fail(p, "the status code is not three digits");
}

static void check_http_on_reason(struct check_http_parser *p, char c)
{
	unsigned char u = (unsigned char)c;

	if (check_http_line_end(p, c, LINE_STATUS))
		return;
	if ((u < 0x20 && c != '\t') || u == 0x7f)
		check_http_fail(p, "a control character in the status line");
}

/* ---- header lines (and trailer lines: the same grammar, all ignored) ---- */

static void check_http_on_line_start(struct check_http_parser *p, char c)
{
	if (check_http_line_end(p, c, LINE_EMPTY))
		return;
	if (check_http_is_ows(c)) {
		check_http_fail(p, "a folded header line (obsolete line folding)");
		return;
	}
	if (c == ':') {
		check_http_fail(p, "a header line without a name");
		return;
	}
	p->header = HDR_OTHER;
	if (!p->in_trailer) {
		for (int h = 0; h < HDR_OTHER; h++)
			if (check_http_header_names[h][0] == check_http_lower(c))
				p->header = h;
	}
	p->match = 1;
	p->state = ST_NAME;
}

static void check_http_on_name(struct check_http_parser *p, char c)
{
	if (c == '\r' || c == '\n') {
		check_http_fail(p, "a header line without ':'");
		return;
	}
	if (check_http_is_ows(c)) {
		check_http_fail(p, "whitespace in a header name");
		return;
	}
	if (c == ':') {
		if (p->header != HDR_OTHER && check_http_header_names[p->header][p->match] != '\0')
			p->header = HDR_OTHER;
		p->match = 0;
		p->value_ws = p->te_element = false;
		p->state = ST_VALUE_OWS;
	} else if (p->header != HDR_OTHER && c != '\0' &&
		   check_http_header_names[p->header][p->match] == check_http_lower(c)) {
		p->match++;
	} else {
		p->header = HDR_OTHER;
	}
}

static void check_http_on_length_byte(struct check_http_parser *p, char c)
{
	if (check_http_is_ows(c)) {
		p->value_ws = true;
		return;
	}
	if (!check_http_is_digit(c) || p->value_ws) {
		check_http_fail(p, "a Content-Length that is not a number");
		return;
	}
	if (p->number > (UINT64_MAX - 9) / 10) {
		check_http_fail(p, "a Content-Length too large");
		return;
	}
	p->number = p->number * 10 + (uint64_t)(c - '0');
	p->digits++;
}

/* One coding of a Transfer-Encoding list has ended: remember whether it
 * was "chunked" (only the last one counts). */
static void check_http_te_element_end(struct check_http_parser *p)
{
	if (p->te_element)
		p->te_chunked = p->match == sizeof(CHECK_HTTP_CHUNKED) - 1;
	p->te_element = p->value_ws = false;
	p->match = 0;
}

static void check_http_on_te_byte(struct check_http_parser *p, char c)
{
	if (c == ',') {
		check_http_te_element_end(p);
		return;
	}
	if (check_http_is_ows(c)) {
		p->value_ws = p->te_element;
		return;
	}
	p->te_element = true;
	if (!p->value_ws && p->match < sizeof(CHECK_HTTP_CHUNKED) - 1 &&
	    CHECK_HTTP_CHUNKED[p->match] == check_http_lower(c))
		p->match++;
	else
		p->match = CHECK_HTTP_TE_MISMATCH;
}

static void check_http_on_value(struct check_http_parser *p, char c)
{
	if (check_http_line_end(p, c, LINE_HEADER))
		return;
	p->state = ST_VALUE;
	if (p->header == HDR_CONTENT_LENGTH)
		check_http_on_length_byte(p, c);
	else if (p->header == HDR_TRANSFER_ENCODING)
		check_http_on_te_byte(p, c);
}

static void check_http_on_value_ows(struct check_http_parser *p, char c)
{
	if (!check_http_is_ows(c))
		check_http_on_value(p, c);
}

/* ---- chunked framing ---- */

static void check_http_on_chunk_size(struct check_http_parser *p, char c)
{
	int digit = check_http_hex(c);

	if (digit >= 0) {
		if (p->number > UINT64_MAX >> 4) {
			check_http_fail(p, "a chunk size too large");
			return;
		}
		p->number = p->number << 4 | (uint64_t)digit;
		p->digits++;
		return;
	}
	if (p->digits == 0) {
		check_http_fail(p, "a chunk size without digits");
		return;
	}
	if (c == ';')
		p->state = ST_CHUNK_EXT;
	else if (check_http_is_ows(c))
		p->state = ST_CHUNK_SIZE_WS;
	else if (!check_http_line_end(p, c, LINE_CHUNK_SIZE))
		check_http_fail(p, "a chunk size that is not hexadecimal");
}

static void check_http_on_chunk_size_ws(struct check_http_parser *p, char c)
{
	if (c == ';')
		p->state = ST_CHUNK_EXT;
	else if (!check_http_is_ows(c) && !check_http_line_end(p, c, LINE_CHUNK_SIZE))
		check_http_fail(p, "a chunk size that is not hexadecimal");
}

static void check_http_on_chunk_ext(struct check_http_parser *p, char c)
{
	check_http_line_end(p, c, LINE_CHUNK_SIZE);
}

static void check_http_on_chunk_data_end(struct check_http_parser *p, char c)
{
	if (!check_http_line_end(p, c, LINE_DATA_END))
		check_http_fail(p, "chunk data not followed by a line end");
}

/* ---- line ends: where each kind of line leads ---- */

static void check_http_status_done(struct check_http_parser *p)
{
	if (p->number == 101) {
		check_http_fail(p, "101 Switching Protocols in answer to a GET");
		return;
	}
	p->interim = p->number < 200;
	if (!p->interim)
		p->status = (int)p->number;
	p->state = ST_LINE_START;
}

static void check_http_header_done(struct check_http_parser *p)
{
	p->state = ST_LINE_START;
	if (p->header == HDR_TRANSFER_ENCODING) {
		check_http_te_element_end(p);
		p->has_te = true;
	} else if (p->header == HDR_CONTENT_LENGTH) {
		if (p->digits == 0) {
			check_http_fail(p, "an empty Content-Length");
			return;
		}
		if (p->has_length && p->content_length != p->number) {
			check_http_fail(p, "conflicting Content-Length values");
			return;
		}
		p->has_length = true;
		p->content_length = p->number;
	}
}

/* The final response's headers have ended: how is its body framed?
 * (RFC 9112 section 6.3, for a response to a GET) */
static void check_http_headers_done(struct check_http_parser *p)
{
	p->headers_done = true;
	if (p->status == 204 || p->status == 304)
		p->state = ST_DONE;
	else if (p->has_te && p->te_chunked)
		p->chunked = true, p->state = ST_CHUNK_SIZE;
	else if (p->has_te)
		p->close_delimited = true, p->state = ST_BODY_CLOSE;
	else if (p->has_length)
		p->state = p->content_length ? ST_BODY_LENGTH : ST_DONE;
	else
		p->close_delimited = true, p->state = ST_BODY_CLOSE;
}

static void check_http_empty_line(struct check_http_parser *p)
{
	if (p->in_trailer) {
		p->state = ST_DONE;
	} else if (p->interim) {
		/* a 1xx: its headers are not the response's; its status line follows */
		p->interim = false;
		p->has_length = p->has_te = p->te_chunked = false;
		p->match = 0;
		p->state = ST_VERSION;
	} else {
		check_http_headers_done(p);
	}
}

static void check_http_chunk_size_done(struct check_http_parser *p)
{
	p->content_length = p->number;
	p->state = p->number ? ST_CHUNK_DATA : ST_LINE_START;
	p->in_trailer = p->number == 0;
}

static void check_http_line_done(struct check_http_parser *p, enum check_http_line kind)
{
	p->line_len = 0;
	switch (kind) {
	case LINE_STATUS: check_http_status_done(p); break;
	case LINE_HEADER: check_http_header_done(p); break;
	case LINE_EMPTY: check_http_empty_line(p); break;
	case LINE_CHUNK_SIZE: check_http_chunk_size_done(p); break;
	case LINE_DATA_END: p->state = ST_CHUNK_SIZE; break;
	}
	p->number = 0;          /* each line reads its own number */
	p->digits = 0;
}

static bool check_http_line_end(struct check_http_parser *p, char c, enum check_http_line kind)
{
	if (c == '\n')
		check_http_line_done(p, kind);
	else if (c == '\r')
		p->line_kind = (uint8_t)kind, p->state = ST_LF;
	else
		return false;
	return true;
}

static void check_http_on_lf(struct check_http_parser *p, char c)
{
	if (c != '\n') {
		check_http_fail(p, "a CR not followed by LF");
		return;
	}
	check_http_line_done(p, (enum check_http_line)p->line_kind);
}

/* ---- feeding ---- */

typedef void check_http_step_fn(struct check_http_parser *p, char c);

/* The byte-at-a-time states, indexed by enum check_http_state. */
static check_http_step_fn *const check_http_steps[] = {
	[ST_VERSION] = check_http_on_version,
	[ST_MINOR] = check_http_on_minor,
	[ST_VERSION_SP] = check_http_on_version_sp,
	[ST_CODE] = check_http_on_code,
	[ST_CODE_END] = check_http_on_code_end,
	[ST_REASON] = check_http_on_reason,
	[ST_LINE_START] = check_http_on_line_start,
	[ST_NAME] = check_http_on_name,
	[ST_VALUE_OWS] = check_http_on_value_ows,
	[ST_VALUE] = check_http_on_value,
	[ST_LF] = check_http_on_lf,
	[ST_CHUNK_SIZE] = check_http_on_chunk_size,
	[ST_CHUNK_SIZE_WS] = check_http_on_chunk_size_ws,
	[ST_CHUNK_EXT] = check_http_on_chunk_ext,
	[ST_CHUNK_DATA_END] = check_http_on_chunk_data_end,
};

/* One byte of a line: counted against the limits, then parsed. */
static void check_http_step(struct check_http_parser *p, char c)
{
	if (!p->headers_done || p->in_trailer) {
		if (++p->header_bytes > CHECK_HTTP_HEADERS_MAX) {
			check_http_fail(p, "the header section is too long");
			return;
		}
	}
	if (++p->line_len > CHECK_HTTP_LINE_MAX) {
		check_http_fail(p, "a line is too long");
		return;
	}
	check_http_steps[p->state](p, c);
}

/* Hands the body bytes at the start of data[0..len) to the callback in
 * one call; returns how many (the state is ST_ABORTED when the callback
 * said stop). */
static size_t check_http_body_span(struct check_http_parser *p, const char *data, size_t len,
				   check_http_body_cb *on_body, void *ctx)
{
	size_t n = len;

	if (p->state != ST_BODY_CLOSE && p->content_length < n)
		n = (size_t)p->content_length;
	p->body_bytes += n;
	if (p->state != ST_BODY_CLOSE) {
		p->content_length -= n;
		if (p->content_length == 0)
			p->state = p->state == ST_CHUNK_DATA ? ST_CHUNK_DATA_END : ST_DONE;
	}
	if (on_body && on_body(ctx, data, n) < 0) {
		p->state = ST_ABORTED;
		p->why = "the body callback stopped the parse";
	}
	return n;
}

static bool check_http_in_body(const struct check_http_parser *p)
{
	return p->state == ST_BODY_LENGTH || p->state == ST_BODY_CLOSE ||
	       p->state == ST_CHUNK_DATA;
}

static enum check_http_parse check_http_result(const struct check_http_parser *p)
{
	switch (p->state) {
	case ST_DONE: return CHECK_HTTP_PARSE_DONE;
	case ST_ERROR: return CHECK_HTTP_PARSE_ERROR;
	case ST_ABORTED: return CHECK_HTTP_PARSE_ABORTED;
	default: return CHECK_HTTP_PARSE_MORE;
	}
}

enum check_http_parse check_http_parser_feed(struct check_http_parser *p, const char *data,
					     size_t len, size_t *consumed,
					     check_http_body_cb *on_body, void *ctx)
{
	size_t i = 0;

	while (i < len && check_http_result(p) == CHECK_HTTP_PARSE_MORE) {
		if (check_http_in_body(p)) {
			i += check_http_body_span(p, data + i, len - i, on_body, ctx);
			continue;
		}
		check_http_step(p, data[i]);
		if (p->state != ST_ERROR)
			i++;
	}
	*consumed = i;
	return check_http_result(p);
}

/* What the connection's close cut short, for `why`. */
static const char *check_http_eof_why(const struct check_http_parser *p)
{
	if (p->state == ST_VERSION && p->match == 0 && p->header_bytes == 0)
		return "connection closed before the status line";
	if (p->state <= ST_REASON || (p->state == ST_LF && p->line_kind == LINE_STATUS))
		return "connection closed in the status line";
	if (!p->headers_done)
		return "connection closed in the headers";
	if (p->state == ST_BODY_LENGTH)
		return "connection closed in the body (fewer bytes than its Content-Length)";
	if (p->in_trailer)
		return "connection closed in the chunked body's trailer section";
	return "connection closed in a chunk of the body";
}

enum check_http_parse check_http_parser_eof(struct check_http_parser *p)
{
	if (check_http_result(p) != CHECK_HTTP_PARSE_MORE)
		return check_http_result(p);
	if (p->state == ST_BODY_CLOSE)
		p->state = ST_DONE;
	else
		check_http_fail(p, check_http_eof_why(p));
	return check_http_result(p);
}
