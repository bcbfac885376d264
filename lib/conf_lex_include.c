/* 'include PATTERN' and its variants (keepalived.conf(5), DESCRIPTION).
 *
 * PATTERN may hold shell wildcards and csh-style braces; a relative pattern
 * is relative to the directory of the including file.  How strict an
 * include is comes from include_check (global_defs) plus the variant:
 *   readable  a matched file that cannot be read is an error
 *   match     a pattern without wildcards that matches nothing is an error
 *   wildcard  a pattern with wildcards that matches nothing is an error
 *   brace     a brace alternative that matches nothing is an error
 * includer = readable, includem/w/b = match/wildcard/brace (each with
 * readable), includea = all.  Plain 'include' with no include_check is
 * lenient, as keepalived is: problems are warnings and the file is skipped.
 * Include lines are recognised before conditions and substitution, as in
 * keepalived, so '@id include x' and 'include $DIR/x' do not work.
 *
 * Braces are expanded here rather than by glob(GLOB_BRACE) so that each
 * alternative's matches can be counted for the brace check. */
#include "config.h"
#include "conf_lex_impl.h"
#include "xalloc.h"

#include <ctype.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *keyword;
	unsigned checks;
} include_kinds[] = {
	{ "include", 0 },
	{ "includer", LEX_CHECK_READABLE },
	{ "includem", LEX_CHECK_MATCH | LEX_CHECK_READABLE },
	{ "includew", LEX_CHECK_WILDCARD | LEX_CHECK_READABLE },
	{ "includeb", LEX_CHECK_BRACE | LEX_CHECK_READABLE },
	{ "includea", LEX_CHECK_ALL },
};

/* `own` is what -NAME removes; `bits` what NAME and +NAME add. */
static const struct {
	const char *name;
	unsigned own, bits;
} include_check_names[] = {
	{ "readable", LEX_CHECK_READABLE, LEX_CHECK_READABLE },
	{ "match", LEX_CHECK_MATCH, LEX_CHECK_MATCH | LEX_CHECK_READABLE },
	{ "wildcard_match", LEX_CHECK_WILDCARD, LEX_CHECK_WILDCARD | LEX_CHECK_READABLE },
	{ "brace_match", LEX_CHECK_BRACE, LEX_CHECK_BRACE | LEX_CHECK_READABLE },
};

/* The '{' ... '}' span at or after `from` that has a comma at its own
 * level; false if there is none. */
static bool find_brace_group(const char *pat, size_t from, size_t *open, size_t *close)
{
	for (size_t i = from; pat[i]; i++) {
		int depth = 0;
		bool comma = false;

		if (pat[i] == '\\' && pat[i + 1]) {
			i++;
			continue;
		}
		if (pat[i] != '{')
			continue;
		for (size_t j = i; pat[j]; j++) {
			if (pat[j] == '\\' && pat[j + 1])
				j++;
			else if (pat[j] == '{')
				depth++;
			else if (pat[j] == ',' && depth == 1)
				comma = true;
			else if (pat[j] == '}' && --depth == 0) {
				if (!comma)
					break;
				*open = i;
				*close = j;
				return true;
			}
		}
	}
	return false;
}

static bool brace_expand_into(const char *pat, struct ptr_array *out)
{
	size_t open, close, start;
	int depth = 0;

	if (!find_brace_group(pat, 0, &open, &close)) {
		ptr_array_push(out, xstrdup(pat));
		return out->count <= LEX_MAX_INCLUDE_ALTERNATIVES;
	}
	start = open + 1;
	for (size_t j = open + 1; j <= close; j++) {
		if (pat[j] == '\\' && j + 1 < close) {
			j++;
		} else if (pat[j] == '{') {
			depth++;
		} else if ((pat[j] == ',' && depth == 0) || j == close) {
			char *alt = xasprintf("%.*s%.*s%s", (int)open, pat, (int)(j - start),
					      pat + start, pat + close + 1);
			bool ok = brace_expand_into(alt, out);

			free(alt);
			if (!ok)
				return false;
			start = j + 1;
		} else if (pat[j] == '}') {
			depth--;
		}
	}
	return true;
}

bool lex_brace_expand(const char *pattern, struct ptr_array *out)
{
	return brace_expand_into(pattern, out);
}

static bool has_wildcard(const char *pat)
{
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (strchr("*?[", *p))
			return true;
	}
	return false;
}

/* `alt` made relative to the including file's directory, with the
 * directory's own glob characters escaped. */
static char *include_glob_path(const struct lex_file *f, const char *alt)
{
	struct lex_buf b = { 0 };

	if (alt[0] == '/' || !f->dir || strcmp(f->dir, ".") == 0)
		return xstrdup(alt);
	for (const char *p = f->dir; *p; p++) {
		if (strchr("*?[]{}\\", *p))
			lex_buf_addc(&b, '\\');
		lex_buf_addc(&b, *p);
	}
	lex_buf_addc(&b, '/');
	lex_buf_add(&b, alt, strlen(alt));
	return b.s;
}

/* Reads every file `alt` matches; returns how many matched. */
static size_t include_alternative(struct lex *lx, const char *alt, unsigned checks,
				  struct conf_where where)
{
	char *path = include_glob_path(lex_current_file(lx), alt);
	glob_t g;
	size_t matched = 0;

	if (glob(path, 0, NULL, &g) == 0) {
		matched = g.gl_pathc;
		for (size_t i = 0; i < g.gl_pathc && !lx->aborted; i++)
			lex_read_path(lx, g.gl_pathv[i], where, !(checks & LEX_CHECK_READABLE));
		globfree(&g);
	}
	free(path);
	return matched;
}

static void include_pattern(struct lex *lx, const char *keyword, const char *pattern,
			    unsigned checks, struct conf_where where)
{
	struct ptr_array alts = { 0 };
	size_t total = 0;
	bool reported = false;

	if (!lex_brace_expand(pattern, &alts)) {
		conf_diag_error(lx->diags, where, "%s %s: braces expand to more than %d patterns",
				keyword, pattern, LEX_MAX_INCLUDE_ALTERNATIVES);
		ptr_array_free(&alts, free);
		return;
	}
	for (size_t i = 0; i < alts.count; i++) {
		const char *alt = alts.items[i];
		size_t n;

		if (lex_relative_includes_only && (alt[0] == '/' || strstr(alt, ".."))) {
			conf_diag_error(lx->diags, where,
					"%s %s: only relative paths without '..' are allowed here",
					keyword, alt);
			reported = true;
			continue;
		}
		n = include_alternative(lx, alt, checks, where);

		if (n == 0 && alts.count > 1 && (checks & LEX_CHECK_BRACE)) {
			conf_diag_error(lx->diags, where, "%s %s: %s matches no file", keyword,
					pattern, alt);
			reported = true;
		}
		total += n;
	}
	if (total == 0 && !reported) {
		unsigned needed = has_wildcard(pattern) ? LEX_CHECK_WILDCARD : LEX_CHECK_MATCH;

		conf_diag_add(lx->diags, checks & needed ? CONF_ERROR : CONF_WARNING, where,
			      "%s %s matches no file", keyword, pattern);
	}
	ptr_array_free(&alts, free);
}

/* include_check [OPTIONS]: NAME sets the checks (the first plain name
 * starts from none), +NAME adds, -NAME removes; no option means all. */
static void include_check_line(struct lex *lx, char **words, size_t nwords,
			       struct conf_where where)
{
	struct lex_file *f = lex_current_file(lx);
	unsigned value = f->include_check;
	bool reset = false;

	for (size_t i = 0; i < nwords; i++) {
		const char *word = words[i];
		char sign = word[0] == '+' || word[0] == '-' ? word[0] : 0;
		size_t k, nnames = sizeof(include_check_names) / sizeof(include_check_names[0]);

		for (k = 0; k < nnames; k++)
			if (strcmp(word + (sign != 0), include_check_names[k].name) == 0)
				break;
		if (k == nnames) {
			conf_diag_error(lx->diags, where, "include_check: unknown check '%s'", word);
		} else if (sign == '-') {
			value &= ~include_check_names[k].own;
		} else {
			if (!sign && !reset)
				value = 0;
			reset = reset || !sign;
			value |= include_check_names[k].bits;
		}
	}
	f->include_check = nwords == 0 ? LEX_CHECK_ALL : value;
}

static int include_kind(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(include_kinds) / sizeof(include_kinds[0]); i++)
		if (strlen(include_kinds[i].keyword) == len &&
		    memcmp(include_kinds[i].keyword, word, len) == 0)
			return (int)i;
	return -1;
}

static void include_line(struct lex *lx, int kind, char **words, size_t nwords,
			 struct conf_where where)
{
	const char *keyword = include_kinds[kind].keyword;
	unsigned checks = lex_current_file(lx)->include_check | include_kinds[kind].checks;

	if (nwords == 0) {
		conf_diag_error(lx->diags, where, "%s needs a file name", keyword);
		return;
	}
	if (lx->nfiles > lx->max_include_depth) {
		conf_diag_error(lx->diags, where, "%s nested more than %u files deep", keyword,
				lx->max_include_depth);
		return;
	}
	for (size_t i = 0; i < nwords && !lx->aborted; i++)
		include_pattern(lx, keyword, words[i], checks, where);
}

/* Splits the words after the keyword: whitespace separates, quotes group
 * and are removed.  Braces stay in the word (they are glob braces here). */
static size_t include_words(const char *p, char ***words)
{
	size_t n = 0;

	*words = NULL;
	for (;;) {
		struct lex_buf w = { 0 };
		char quote = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		lex_buf_add(&w, "", 0);
		for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (quote ? *p == quote : (*p == '"' || *p == '\''))
				quote = quote ? 0 : *p;
			else
				lex_buf_addc(&w, *p);
		}
		*words = xreallocarray(*words, n + 1, sizeof(char *));
		(*words)[n++] = w.s;
	}
}

bool lex_try_include(struct lex *lx, const char *line, struct conf_where where)
{
	const char *p = line;
	char **words;
	size_t len, nwords;
	int kind;

	while (isspace((unsigned char)*p))
		p++;
	len = strcspn(p, " \t\v\f\r");
	kind = include_kind(p, len);
	if (kind < 0 && !(len == 13 && memcmp(p, "include_check", 13) == 0))
		return false;
	nwords = include_words(p + len, &words);
	if (kind < 0)
		include_check_line(lx, words, nwords, where);
	else
		include_line(lx, kind, words, nwords, where);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	/* include_check is the reader's own setting, wherever it stands, so
	 * like an include it never reaches the keyword layer. */
	return true;
}
