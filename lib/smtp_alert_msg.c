/* The text of an alert mail (see smtp_alert.h): pure formatting, no I/O.
 *
 * Headers are those a mail client needs to show and thread the alert:
 * Date (RFC 5322, local time with its offset), From, To, Subject,
 * Message-ID and X-Mailer.  The body's lines end in CRLF; curl escapes a
 * leading dot itself. */
#include "config.h"
#include "smtp_alert.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Header values come from the configuration and object names; a CR or LF
 * there would start a header of its own, so they become spaces. */
static void put_header(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s: ", name);
	for (const char *c = value; *c; c++)
		fputc(*c == '\r' || *c == '\n' ? ' ' : *c, f);
	fputs("\r\n", f);
}

static void put_date(FILE *f, time_t when)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char zone[8];

	/* day and month names by hand: RFC 5322 wants English whatever the locale */
	localtime_r(&when, &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	fprintf(f, "Date: %s, %02d %s %04d %02d:%02d:%02d %s\r\n", days[tm.tm_wday % 7],
		tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		tm.tm_sec, zone);
}

static void put_body(FILE *f, const char *body)
{
	for (const char *c = body; *c; c++) {
		if (*c == '\r')
			continue;
		if (*c == '\n')
			fputc('\r', f);
		fputc(*c, f);
	}
	if (*body && body[strlen(body) - 1] != '\n')
		fputs("\r\n", f);
}

char *smtp_alert_format(const char *from, const char *const *to, size_t n_to,
			const char *subject, const char *body, time_t when,
			const char *message_id)
{
	char *buf = NULL, *to_line = NULL;
	size_t len = 0, to_len = 0;
	FILE *f = open_memstream(&to_line, &to_len);

	if (!f)
		abort();
	for (size_t i = 0; i < n_to; i++)
		fprintf(f, "%s%s", i ? ", " : "", to[i]);
	fclose(f);
	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	put_date(f, when);
	put_header(f, "From", from);
	put_header(f, "To", to_line);
	put_header(f, "Subject", subject);
	put_header(f, "Message-ID", message_id);
	put_header(f, "X-Mailer", "vigil");
	fputs("\r\n", f);
	put_body(f, body);
	fclose(f);
	free(to_line);
	return buf;
}
