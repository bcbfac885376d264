/* Small helpers shared by the cmocka unit tests (header only: each test
 * program includes it once).
 *
 *   unit_tmpdir_create() / unit_tmpdir_remove()   a scratch directory
 *   unit_write_file(dir, "sub/x.conf", text)      a fixture file (parents made)
 *   unit_data_path("lex/main.conf")               $VIGIL_TEST_DATA/...
 *   unit_assert_error(diags, "x.conf", 3, "text") a diagnostic is present
 *   unit_assert_warning(...), unit_assert_no_errors(diags), unit_assert_no_diags(diags)
 *
 * A failing diagnostic assertion prints every diagnostic there was, so the
 * test log shows what the code said instead. */
#ifndef VIGIL_TESTS_UNIT_H
#define VIGIL_TESTS_UNIT_H

#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_diag.h"

#define UNIT_ANY_LINE UINT_MAX

static inline char *unit_tmpdir_create(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (asprintf(&dir, "%s/vigil-unit-XXXXXX", base && *base ? base : "/tmp") < 0)
		abort();
	if (!mkdtemp(dir)) {
		print_error("mkdtemp %s: %s\n", dir, strerror(errno));
		fail();
	}
	return dir;
}

static inline int unit_rm_entry(const char *path, const struct stat *st, int type,
				struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	remove(path);   /* keep going on failure: leftovers in /tmp are harmless */
	return 0;
}

/* Removes the directory and everything in it, and frees `dir`. */
static inline void unit_tmpdir_remove(char *dir)
{
	if (!dir)
		return;
	nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* Makes every missing parent directory of `path`. */
static inline void unit_make_parents(const char *path)
{
	char *copy = strdup(path);

	for (char *p = copy + 1; p && *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(copy, 0755);
		*p = '/';
	}
	free(copy);
}

/* Writes `content` to dir/rel (parents created); returns the full path,
 * to be freed by the caller. */
static inline char *unit_write_file(const char *dir, const char *rel, const char *content)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		abort();
	unit_make_parents(path);
	f = fopen(path, "w");
	if (!f) {
		print_error("cannot write %s: %s\n", path, strerror(errno));
		fail();
	}
	fputs(content, f);
	fclose(f);
	return path;
}

/* $VIGIL_TEST_DATA/rel (tests/unit/data when run by hand from the source
 * tree); to be freed by the caller. */
static inline char *unit_data_path(const char *rel)
{
	const char *base = getenv("VIGIL_TEST_DATA");
	char *path;

	if (asprintf(&path, "%s/%s", base && *base ? base : "tests/unit/data", rel) < 0)
		abort();
	return path;
}

static inline void unit_print_diags(const struct conf_diags *d)
{
	char line[2048];

	for (size_t i = 0; i < d->count; i++) {
		conf_diag_format(&d->items[i], line, sizeof(line));
		print_message("  diag: %s\n", line);
	}
}

/* `expected` matches a file name equal to it or ending in "/expected". */
static inline bool unit_file_matches(const char *file, const char *expected)
{
	size_t flen, elen;

	if (!expected)
		return true;
	if (!file)
		return false;
	flen = strlen(file);
	elen = strlen(expected);
	if (strcmp(file, expected) == 0)
		return true;
	return flen > elen && file[flen - elen - 1] == '/' &&
	       strcmp(file + flen - elen, expected) == 0;
}

/* The first diagnostic of `level` at file:line whose message contains
 * `substring`; file NULL and line UNIT_ANY_LINE match anything. */
static inline const struct conf_diag *unit_find_diag(const struct conf_diags *d,
						     enum conf_level level, const char *file,
						     unsigned line, const char *substring)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct conf_diag *diag = &d->items[i];

		if (diag->level == level && unit_file_matches(diag->where.file, file) &&
		    (line == UNIT_ANY_LINE || diag->where.line == line) &&
		    (!substring || strstr(diag->message, substring)))
			return diag;
	}
	return NULL;
}

static inline void unit_check_diag(const struct conf_diags *d, enum conf_level level,
				   const char *file, unsigned line, const char *substring,
				   const char *src, int src_line)
{
	if (unit_find_diag(d, level, file, line, substring))
		return;
	print_error("expected %s at %s:%u containing \"%s\"; got:\n",
		    level == CONF_ERROR ? "error" : "warning", file ? file : "*", line,
		    substring ? substring : "");
	unit_print_diags(d);
	_fail(src, src_line);
}

static inline void unit_check_count(const struct conf_diags *d, unsigned errors,
				    unsigned warnings, bool check_warnings,
				    const char *src, int src_line)
{
	if (d->errors == errors && (!check_warnings || d->warnings == warnings))
		return;
	if (check_warnings)
		print_error("expected %u error(s) and %u warning(s), got %u and %u:\n", errors,
			    warnings, d->errors, d->warnings);
	else
		print_error("expected %u error(s), got %u:\n", errors, d->errors);
	unit_print_diags(d);
	_fail(src, src_line);
}

#define unit_assert_error(d, file, line, substring) \
	unit_check_diag((d), CONF_ERROR, (file), (line), (substring), __FILE__, __LINE__)
#define unit_assert_warning(d, file, line, substring) \
	unit_check_diag((d), CONF_WARNING, (file), (line), (substring), __FILE__, __LINE__)
#define unit_assert_no_errors(d) unit_check_count((d), 0, 0, false, __FILE__, __LINE__)
#define unit_assert_no_diags(d) unit_check_count((d), 0, 0, true, __FILE__, __LINE__)
#define unit_assert_counts(d, e, w) unit_check_count((d), (e), (w), true, __FILE__, __LINE__)
#define unit_assert_errors(d, n) unit_check_count((d), (n), 0, false, __FILE__, __LINE__)

#endif
