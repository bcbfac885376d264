/* SMTP replies (RFC 5321, 4.2): a pure parser, no I/O.
 *
 * A reply is one or more lines ending in CRLF (a bare LF is accepted too),
 * each starting with the same three-digit code; every line but the last
 * has '-' after the code, the last has ' ' or nothing:
 *
 *     250-mail.example.org
 *     250-SIZE 10240000
 *     250 HELP
 *
 * The SMTP check reads bytes as they come and asks the parser, after each
 * read, whether the buffer holds a whole reply yet. */
#ifndef VIGIL_CHECK_SMTP_REPLY_H
#define VIGIL_CHECK_SMTP_REPLY_H

#include <stddef.h>

/* RFC 5321 4.5.3.1.5 allows 512 octets per reply line; a little more is
 * tolerated, and a line longer than this is not SMTP. */
#define CHECK_SMTP_LINE_MAX 1024

enum check_smtp_parse {
	CHECK_SMTP_REPLY_INCOMPLETE,    /* no final line yet: read more */
	CHECK_SMTP_REPLY_COMPLETE,
	CHECK_SMTP_REPLY_MALFORMED,     /* not an SMTP reply; `why` says what */
};

struct check_smtp_reply {
	int code;                       /* 100..599 */
	size_t consumed;                /* bytes up to and including the final line's LF */
	char text[128];                 /* the first line's text after the code, for logs */
	const char *why;                /* MALFORMED: a static explanation */
};

/* Looks for one whole reply at the start of buf[0..len).  Accepts any
 * bytes; never reads past len. */
enum check_smtp_parse check_smtp_reply_parse(const char *buf, size_t len,
					     struct check_smtp_reply *out);

#endif
