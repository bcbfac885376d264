/* One logical line of keepalived.conf through the preprocessor, in the
 * order keepalived.conf(5) implies:
 *   1. '@ID' / '@^ID': keep the rest of the line only if the config id
 *      matches (does not match);
 *   2. '$NAME=value': a definition (a trailing '\' starts a multi-line one);
 *   3. '~SEQ(...)' / '~LST(...)': the rest of the line, once per value;
 *   4. substitution of '$NAME' and '${NAME}'.  When that changed the line,
 *      the result (split at the lines of multi-line values) goes through
 *      all the steps again: a value may hold '@main', a definition or
 *      further references.  Otherwise the line is tokenized.
 * Lines made by expansion carry the location of the line that used them. */
#include "config.h"
#include "conf_lex_impl.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_space(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

size_t pp_name_len(const char *s)
{
	size_t n = 0;

	while (is_name_char(s[n]))
		n++;
	return n;
}

bool pp_valid_name(const char *s, size_t len)
{
	if (len == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

struct lex_def *pp_lookup(struct lex *lx, const char *name, size_t len)
{
	for (size_t i = 0; i < lx->ndefs; i++)
		if (strlen(lx->defs[i].name) == len && memcmp(lx->defs[i].name, name, len) == 0)
			return &lx->defs[i];
	return NULL;
}

void pp_define(struct lex *lx, const char *name, const char *value, bool multiline)
{
	struct lex_def *def = pp_lookup(lx, name, strlen(name));

	if (!def) {
		if (lx->ndefs == lx->capdefs) {
			lx->capdefs = lx->capdefs ? lx->capdefs * 2 : 16;
			lx->defs = xreallocarray(lx->defs, lx->capdefs, sizeof(*lx->defs));
		}
		def = &lx->defs[lx->ndefs++];
		def->name = xstrdup(name);
		def->value = NULL;
	}
	free(def->value);
	def->value = xstrdup(value);
	def->multiline = multiline;
}

void pp_undefine(struct lex *lx, const char *name)
{
	struct lex_def *def = pp_lookup(lx, name, strlen(name));

	if (!def)
		return;
	free(def->name);
	free(def->value);
	*def = lx->defs[--lx->ndefs];
}

void lex_defs_free(struct lex *lx)
{
	for (size_t i = 0; i < lx->ndefs; i++) {
		free(lx->defs[i].name);
		free(lx->defs[i].value);
	}
	free(lx->defs);
	lx->defs = NULL;
	lx->ndefs = lx->capdefs = 0;
	if (lx->pending) {
		free(lx->pending->name);
		free(lx->pending);
		lx->pending = NULL;
	}
	lex_buf_free(&lx->pending_value);
}

bool pp_count_generated(struct lex *lx, struct conf_where where)
{
	if (lx->aborted)
		return false;
	if (++lx->generated <= lx->max_generated)
		return true;
	conf_diag_error(lx->diags, where,
			"configuration expands to more than %zu lines (~SEQ, ~LST or multi-line definitions)",
			lx->max_generated);
	lx->aborted = true;
	return false;
}

/* '@ID rest' or '@^ID rest': returns the rest when the line applies to this
 * config id, NULL when it does not (or is malformed, reported). */
static const char *pp_condition(struct lex *lx, const char *p, struct conf_where where,
				const char **rest)
{
	bool negate = p[1] == '^';
	const char *id = p + (negate ? 2 : 1);
	size_t len = 0;
	bool match;

	while (id[len] && !isspace((unsigned char)id[len]))
		len++;
	if (len == 0) {
		conf_diag_error(lx->diags, where, "'%s' must be followed by a config id",
				negate ? "@^" : "@");
		return NULL;
	}
	match = strlen(lx->config_id) == len && memcmp(lx->config_id, id, len) == 0;
	*rest = id + len;
	return match != negate ? id + len : NULL;
}

static char *trimmed_copy(const char *s)
{
	size_t len;

	s = skip_space(s);
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static void pp_start_multiline(struct lex *lx, const char *name, char *value,
			       struct conf_where where)
{
	size_t len = strlen(value) - 1;   /* without the backslash */

	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	lx->pending = XNEW(struct lex_def);
	lx->pending->name = xstrdup(name);
	lx->pending_where = where;
	lex_buf_free(&lx->pending_value);
	lex_buf_add(&lx->pending_value, value, len);
}

/* '$NAME=value' with `name`/`nlen` and `value` after the '='. */
static void pp_definition(struct lex *lx, const char *name, size_t nlen, const char *value,
			  struct conf_where where, unsigned depth)
{
	char *key = xstrndup(name, nlen);
	char *val = trimmed_copy(value);
	size_t vlen = strlen(val);

	if (key[0] == '_')
		conf_diag_warning(lx->diags, where,
				  "parameter names starting with '_' are reserved: $%s", key);
	if (vlen > 0 && val[vlen - 1] == '\\') {
		if (depth == 0)
			pp_start_multiline(lx, key, val, where);
		else
			conf_diag_error(lx->diags, where,
					"multi-line definition of $%s inside an expansion", key);
	} else {
		pp_define(lx, key, val, false);
	}
	free(key);
	free(val);
}

/* A line starting with '$': a definition, a malformed one (reported), or a
 * reference (returns false: substitution handles it). */
static bool pp_try_definition(struct lex *lx, const char *p, struct conf_where where,
			      unsigned depth)
{
	size_t n = pp_name_len(p + 1);
	const char *after = p + 1 + n;
	size_t word = strcspn(p, " \t\r\v\f");

	if (*after == '=') {
		if (!pp_valid_name(p + 1, n)) {
			conf_diag_error(lx->diags, where, "invalid parameter name '%.*s' in definition",
					(int)n, p + 1);
			return true;
		}
		pp_definition(lx, p + 1, n, after + 1, where, depth);
		return true;
	}
	if (n > 0 && isspace((unsigned char)*after) && *skip_space(after) == '=') {
		conf_diag_error(lx->diags, where, "no space allowed before '=' in definition of $%.*s",
				(int)n, p + 1);
		return true;
	}
	if (p[1] != '{' && memchr(p, '=', word)) {
		size_t bad = (size_t)((const char *)memchr(p, '=', word) - (p + 1));

		conf_diag_error(lx->diags, where, "invalid parameter name '%.*s' in definition",
				(int)bad, p + 1);
		return true;
	}
	return false;
}

/* Adds one physical line to the multi-line definition being collected. */
void pp_pending_add(struct lex *lx, const char *line)
{
	size_t len = strlen(line);
	bool more = len > 0 && line[len - 1] == '\\';

	if (*skip_space(line) == '\0')
		return;      /* blank lines inside a definition are skipped */
	if (more)
		len--;
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	if (len > 0 || !more) {
		if (lx->pending_value.len > 0)
			lex_buf_addc(&lx->pending_value, '\n');
		lex_buf_add(&lx->pending_value, line, len);
	}
	if (!more)
		pp_pending_finish(lx, false);
}

void pp_pending_finish(struct lex *lx, bool at_eof)
{
	struct lex_def *def = lx->pending;

	if (at_eof)
		conf_diag_warning(lx->diags, lx->pending_where,
				  "multi-line definition of $%s runs to the end of the file",
				  def->name);
	lx->pending = NULL;
	if (!lx->pending_discard)
		pp_define(lx, def->name, lx->pending_value.s ? lx->pending_value.s : "", true);
	lx->pending_discard = false;
	free(def->name);
	free(def);
	lex_buf_free(&lx->pending_value);
}

static bool pp_expanding(struct lex *lx, const char *name)
{
	for (unsigned i = 0; i < lx->nexpanding; i++)
		if (strcmp(lx->expanding[i], name) == 0)
			return true;
	return false;
}

/* Runs the lines a substitution produced through the preprocessor again,
 * with the multi-line definitions it used marked as being expanded. */
static void pp_reprocess(struct lex *lx, char *text, struct conf_where where, unsigned depth,
			 const char **multi, unsigned nmulti)
{
	unsigned saved = lx->nexpanding;
	char *line = text;

	for (unsigned i = 0; i < nmulti; i++) {
		if (pp_expanding(lx, multi[i])) {
			conf_diag_error(lx->diags, where, "recursive definition of $%s",
					multi[i]);
			line = NULL;
			break;
		}
		/* a copy: the lines may redefine or undefine the name */
		if (lx->nexpanding < LEX_MAX_EXPANSION_DEPTH)
			lx->expanding[lx->nexpanding++] = xstrdup(multi[i]);
	}
	while (line && !lx->aborted) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (nmulti == 0 || pp_count_generated(lx, where))
			pp_line(lx, line, where, depth + 1);
		line = nl ? nl + 1 : NULL;
	}
	while (lx->nexpanding > saved)
		free(lx->expanding[--lx->nexpanding]);
}

static void pp_expand_and_emit(struct lex *lx, const char *line, struct conf_where where,
			       unsigned depth)
{
	struct lex_buf out = { 0 };
	const char *multi[LEX_MAX_EXPANSION_DEPTH];
	unsigned nmulti = 0;

	if (pp_substitute(lx, line, where, &out, multi, &nmulti, LEX_MAX_EXPANSION_DEPTH)) {
		if (strcmp(out.s, line) == 0)
			lex_tokenize(line, where, lx->out, lx->diags);
		else
			pp_reprocess(lx, out.s, where, depth, multi, nmulti);
	}
	lex_buf_free(&out);
}

/* A line dropped by its '@ID' may start a multi-line definition: its
 * continuation lines belong to it and are dropped with it. */
static void pp_skip_definition(struct lex *lx, const char *rest, struct conf_where where,
			       unsigned depth)
{
	size_t n;

	rest = skip_space(rest);
	if (depth > 0 || *rest != '$')
		return;
	n = pp_name_len(rest + 1);
	if (rest[1 + n] != '=' || rest[strlen(rest) - 1] != '\\')
		return;
	lx->pending = XNEW(struct lex_def);
	lx->pending->name = xstrndup(rest + 1, n);
	lx->pending_where = where;
	lx->pending_discard = true;
}

void pp_line(struct lex *lx, const char *line, struct conf_where where, unsigned depth)
{
	const char *p = skip_space(line);

	if (lx->aborted || *p == '\0')
		return;
	if (depth > LEX_MAX_EXPANSION_DEPTH) {
		conf_diag_error(lx->diags, where,
				"expansion nested more than %d deep (recursive definition?)",
				LEX_MAX_EXPANSION_DEPTH);
		lx->aborted = true;
		return;
	}
	if (*p == '@') {
		const char *rest = p;

		p = pp_condition(lx, p, where, &rest);
		if (!p) {
			pp_skip_definition(lx, rest, where, depth);
			return;
		}
		p = skip_space(p);
		if (*p == '\0')
			return;
	}
	if (*p == '$' && pp_try_definition(lx, p, where, depth))
		return;
	if (pp_try_sequence(lx, p, where, depth))
		return;
	pp_expand_and_emit(lx, p, where, depth);
}
