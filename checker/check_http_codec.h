/* HTTP/1.x for HTTP_GET: a pure codec, no I/O.
 *
 * HTTP_GET speaks plain HTTP itself instead of through libcurl: a check
 * is one GET on a fresh connection, and curl's general machinery cost
 * several times keepalived's CPU and memory per check (doc/design.md).
 * SSL_GET stays on libcurl.
 *
 * The request is built in one piece.  The response is fed in pieces as
 * it arrives and parsed as a stream, byte by byte, with no buffering:
 * the parser keeps only what a check needs (the status, the framing of
 * the body) and hands the body's bytes, de-chunked, to a callback.  Any
 * bytes at all are accepted, never read past `len`, and a malformed
 * response is reported with a static reason. */
#ifndef VIGIL_CHECK_HTTP_CODEC_H
#define VIGIL_CHECK_HTTP_CODEC_H

#include "checker/check_conf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that keep a hostile or broken server from holding a check:
 * the status line and each header line, and the whole header section
 * (interim 1xx responses included). */
#define CHECK_HTTP_LINE_MAX 8192
#define CHECK_HTTP_HEADERS_MAX 65536

/* Builds the request for `path` (sent as given; "/" when NULL or empty,
 * a '/' is prepended to a path without one):
 *
 *     GET PATH HTTP/1.0|1.1
 *     User-Agent: USER_AGENT
 *     Host: HOST
 *     Accept: * / *            (without the spaces)
 *     Connection: close        (1.0C and 1.1)
 *
 * with CRLF line ends and an empty line.  HOST is the virtualhost, or the
 * target as "10.0.0.2:8080" / "[fd00::2]:8080".  Returns the length
 * written (a NUL follows it), or -ENOSPC when `len` is too small, or
 * -EINVAL when path, host or user_agent holds a control character (CR
 * and LF among them) that would break the request apart, or the path a
 * space (it would end the request line's path early), or host or
 * user_agent is NULL. */
int check_http_request_build(char *buf, size_t len, enum check_http_protocol protocol,
			     const char *path, const char *host, const char *user_agent);

enum check_http_parse {
	CHECK_HTTP_PARSE_MORE,          /* everything fed was consumed: feed more */
	CHECK_HTTP_PARSE_DONE,          /* the response is complete */
	CHECK_HTTP_PARSE_ERROR,         /* not HTTP, or broken: `why` */
	CHECK_HTTP_PARSE_ABORTED,       /* the body callback returned < 0 */
};

/* Receives body bytes (de-chunked) in order; returns 0, or < 0 to stop. */
typedef int check_http_body_cb(void *ctx, const char *data, size_t len);

/* The parser's state; only the fields marked "read" are for callers. */
struct check_http_parser {
	/* read: valid once the final (non-1xx) status line is parsed */
	int status;                     /* 100..999, 0 before */
	int version_minor;              /* HTTP/1.x's x */
	bool headers_done;              /* the final response's header section ended */
	uint64_t body_bytes;            /* body bytes passed to the callback */
	const char *why;                /* ERROR: a static explanation */
	/* private */
	uint8_t state;                  /* enum check_http_state (check_http_codec.c) */
	uint8_t line_kind;              /* after a CR: which kind of line it ends */
	uint8_t header;                 /* which known header is being read */
	uint8_t match;                  /* bytes matched of "HTTP/1.", a header name, "chunked" */
	uint32_t line_len;              /* bytes of the current line so far */
	uint32_t header_bytes;          /* bytes of header sections so far (trailers too) */
	uint32_t digits;                /* digits of `number` so far */
	bool interim;                   /* in a 1xx response's headers */
	bool in_trailer;                /* after the last chunk */
	bool value_ws;                  /* whitespace after a value's token */
	bool te_element;                /* the current Transfer-Encoding coding is not empty */
	bool has_te, te_chunked;        /* Transfer-Encoding seen; its last coding is chunked */
	bool has_length, chunked, close_delimited;
	uint64_t content_length;        /* Content-Length, then the body bytes left (or chunk's) */
	uint64_t number;                /* number being read (status, length, chunk size) */
};

/* Prepares a parser for the response to one GET. */
void check_http_parser_init(struct check_http_parser *p);

/* Feeds the next `len` bytes of the response.  Sets *consumed to the
 * bytes used: all of them for MORE, up to the end of the response for
 * DONE (what follows is not the response's and is ignored), up to the
 * offending byte for ERROR, and up to the end of the span the callback
 * refused for ABORTED (that span is counted in body_bytes).  `on_body` may
 * be NULL (the body is then only counted).  After DONE, ERROR or ABORTED
 * the parser must not be fed again (if it is, it consumes nothing and
 * returns the same result). */
enum check_http_parse check_http_parser_feed(struct check_http_parser *p, const char *data,
					     size_t len, size_t *consumed,
					     check_http_body_cb *on_body, void *ctx);

/* The server closed the connection: DONE when that ends the response
 * (a body delimited by the close, as HTTP/1.0 allows), ERROR otherwise
 * (`why` says what was cut short: no status line, headers, body or
 * chunk). */
enum check_http_parse check_http_parser_eof(struct check_http_parser *p);

#endif
