#include "config.h"
#include "conf_diag.h"
#include "log.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void conf_diags_init(struct conf_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void conf_diags_free(struct conf_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->items[i].message);
	free(d->items);
	conf_diags_init(d);
}

void conf_diag_add(struct conf_diags *d, enum conf_level level, struct conf_where where,
		   const char *fmt, ...)
{
	struct conf_diag *diag;
	va_list ap;

	if (d->count == d->capacity) {
		d->capacity = d->capacity ? d->capacity * 2 : 16;
		d->items = xreallocarray(d->items, d->capacity, sizeof(*d->items));
	}
	diag = &d->items[d->count++];
	diag->level = level;
	diag->where = where;
	va_start(ap, fmt);
	if (vasprintf(&diag->message, fmt, ap) < 0)
		diag->message = xstrdup("(out of memory formatting message)");
	va_end(ap);
	if (level == CONF_ERROR)
		d->errors++;
	else
		d->warnings++;
}

void conf_diag_format(const struct conf_diag *diag, char *buf, size_t len)
{
	const char *level = diag->level == CONF_ERROR ? "error" : "warning";

	if (diag->where.file && diag->where.line)
		snprintf(buf, len, "%s:%u: %s: %s", diag->where.file, diag->where.line,
			 level, diag->message);
	else if (diag->where.file)
		snprintf(buf, len, "%s: %s: %s", diag->where.file, level, diag->message);
	else
		snprintf(buf, len, "%s: %s", level, diag->message);
}

void conf_diags_print(const struct conf_diags *d, FILE *out)
{
	char line[2048];

	for (size_t i = 0; i < d->count; i++) {
		conf_diag_format(&d->items[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}

/* The log line carries the level already, so it is left out of the text. */
void conf_diags_log(const struct conf_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct conf_diag *diag = &d->items[i];
		int priority = diag->level == CONF_ERROR ? LOG_ERR : LOG_WARNING;

		if (diag->where.file && diag->where.line)
			log_msg(priority, "%s:%u: %s", diag->where.file, diag->where.line,
				diag->message);
		else if (diag->where.file)
			log_msg(priority, "%s: %s", diag->where.file, diag->message);
		else
			log_msg(priority, "%s", diag->message);
	}
}

const char *conf_intern_filename(const char *name)
{
	static char **names;
	static size_t count;

	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return names[i];
	names = xreallocarray(names, count + 1, sizeof(*names));
	names[count] = xstrdup(name);
	return names[count++];
}
