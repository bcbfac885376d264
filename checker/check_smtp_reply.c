/* SMTP reply parsing; see check_smtp_reply.h. */
#include "config.h"
#include "checker/check_smtp_reply.h"

#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether the first n bytes of a line can still start a reply line: three
 * digits, then ' ', '-' or the end of the line.  Lets garbage be refused
 * as soon as it arrives instead of when a newline (or the timeout) does. */
static const char *line_start_problem(const char *p, size_t n)
{
	for (size_t i = 0; i < n && i < 3; i++)
		if (!is_digit(p[i]))
			return "a reply line does not start with a three-digit code";
	if (n > 3 && p[3] != ' ' && p[3] != '-' && p[3] != '\r' && p[3] != '\n')
		return "the reply code is not followed by a space or '-'";
	if (n > 0 && (p[0] < '1' || p[0] > '5'))
		return "the reply code is not between 100 and 599";
	return NULL;
}

static void copy_text(struct check_smtp_reply *out, const char *line, size_t n)
{
	size_t i, k = 0;

	/* printable characters only: it ends up in a log line */
	for (i = 4; i < n && k + 1 < sizeof(out->text); i++)
		out->text[k++] = (line[i] >= 0x20 && line[i] < 0x7f) ? line[i] : '?';
	out->text[k] = '\0';
}

static enum check_smtp_parse malformed(struct check_smtp_reply *out, const char *why)
{
	out->why = why;
	return CHECK_SMTP_REPLY_MALFORMED;
}

/* One whole line of n bytes (without its LF); fills out from the first
 * line, or says why the line is not part of a reply. */
static const char *take_line(const char *line, size_t n, int first, struct check_smtp_reply *out)
{
	const char *problem;
	int code;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n < 3)
		return "a reply line is shorter than its code";
	problem = line_start_problem(line, n);
	if (problem)
		return problem;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (first) {
		out->code = code;
		copy_text(out, line, n);
	} else if (code != out->code) {
		return "a continuation line has a different code";
	}
	return NULL;
}

enum check_smtp_parse check_smtp_reply_parse(const char *buf, size_t len,
					     struct check_smtp_reply *out)
{
	size_t pos = 0;
	int first = 1;

	memset(out, 0, sizeof(*out));
	for (;;) {
		const char *lf = memchr(buf + pos, '\n', len - pos);
		size_t n = lf ? (size_t)(lf - (buf + pos)) : len - pos;
		const char *problem;

		if (n > CHECK_SMTP_LINE_MAX)
			return malformed(out, "a reply line is too long");
		if (!lf) {
			problem = line_start_problem(buf + pos, n);
			return problem ? malformed(out, problem) : CHECK_SMTP_REPLY_INCOMPLETE;
		}
		problem = take_line(buf + pos, n, first, out);
		if (problem)
			return malformed(out, problem);
		first = 0;
		/* the separator after the code: '-' continues, anything else ends */
		if (!(n > 3 && buf[pos + 3] == '-')) {
			out->consumed = pos + n + 1;
			return CHECK_SMTP_REPLY_COMPLETE;
		}
		pos += n + 1;
	}
}
