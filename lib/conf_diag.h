/* Configuration diagnostics: every problem found while reading, parsing or
 * checking a configuration, with its location, printed as
 *   FILE:LINE: error: message
 * Diagnostics accumulate; nothing stops at the first one. */
#ifndef VIGIL_CONF_DIAG_H
#define VIGIL_CONF_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum conf_level { CONF_WARNING, CONF_ERROR };

/* Where something was said in the configuration.  `file` is interned
 * (conf_intern_filename) and lives as long as the process. */
struct conf_where {
	const char *file;
	unsigned line;
};

struct conf_diag {
	enum conf_level level;
	struct conf_where where;   /* file NULL: not tied to a file */
	char *message;
};

struct conf_diags {
	struct conf_diag *items;
	size_t count, capacity;
	unsigned errors, warnings;
};

void conf_diags_init(struct conf_diags *d);
void conf_diags_free(struct conf_diags *d);

void conf_diag_add(struct conf_diags *d, enum conf_level level, struct conf_where where,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define conf_diag_error(d, w, ...)   conf_diag_add((d), CONF_ERROR, (w), __VA_ARGS__)
#define conf_diag_warning(d, w, ...) conf_diag_add((d), CONF_WARNING, (w), __VA_ARGS__)

/* "FILE:LINE: error: message" (or "error: message" without a file). */
void conf_diag_format(const struct conf_diag *diag, char *buf, size_t len);
void conf_diags_print(const struct conf_diags *d, FILE *out);
/* Each diagnostic through the logger, errors at LOG_ERR, warnings at LOG_WARNING. */
void conf_diags_log(const struct conf_diags *d);

/* File names are interned once and never freed: a configuration names a
 * bounded set of files, and every struct conf_where may point at them. */
const char *conf_intern_filename(const char *name);

#endif
