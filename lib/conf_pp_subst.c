/* '$NAME' and '${NAME}' substitution (keepalived.conf(5), "Parameter
 * substitution").
 *
 * '$NAME' is replaced only when followed by whitespace or the end of the
 * line, '${NAME}' anywhere.  Undefined names stay as they are.  Replacement
 * happens at use time and is recursive: a single-line value is expanded
 * where it lands, and a '$NAME' at the end of a value looks at what follows
 * the reference in the enclosing text to decide whether it is "followed by
 * whitespace".  A multi-line value is inserted as it is; the caller runs
 * its lines one at a time, because each may define parameters the next
 * one uses.  A definition that refers to itself, directly or through
 * others, is an error, and the work per line is bounded. */
#include "config.h"
#include "conf_lex_impl.h"
#include "xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SUBST_MAX_STEPS 100000   /* references replaced in one line */

struct subst {
	struct lex *lx;
	struct conf_where where;
	struct lex_buf *out;
	const char *stack[LEX_MAX_SUBST_DEPTH];
	unsigned depth;
	unsigned long steps;
	const char **multi;
	unsigned *nmulti;
	unsigned max_multi;
	bool failed;
};

static void subst_text(struct subst *s, const char *text, size_t len, char follow);

static void subst_fail(struct subst *s, const char *message, const char *name)
{
	if (!s->failed)
		conf_diag_error(s->lx->diags, s->where, "%s%s", message, name ? name : "");
	s->failed = true;
}

static void subst_add(struct subst *s, const char *text, size_t len)
{
	if (s->failed)
		return;
	if (s->out->len + len > LEX_MAX_LINE_BYTES) {
		conf_diag_error(s->lx->diags, s->where,
				"line is longer than %d bytes after substitution", LEX_MAX_LINE_BYTES);
		s->failed = true;
		return;
	}
	lex_buf_add(s->out, text, len);
}

static uint64_t lex_random(struct lex *lx)
{
	uint64_t x = lx->random_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	lx->random_state = x;
	return x;
}

/* "${_RANDOM [MIN [MAX]]}": `args` is what follows "_RANDOM". */
static void subst_random(struct subst *s, const char *args, size_t len)
{
	unsigned long long bound[2] = { 0, 32767 };
	char *copy = xstrndup(args, len), *p = copy, *end;
	char num[32];
	int n = 0;

	for (p = copy; *p && !s->failed; p = end) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (n == 2 || !isdigit((unsigned char)*p)) {
			subst_fail(s, "bad ${_RANDOM [MIN [MAX]]} arguments", NULL);
			break;
		}
		bound[n] = strtoull(p, &end, 10);
		if (bound[n] > UINT32_MAX || (*end && !isspace((unsigned char)*end)))
			subst_fail(s, "bad ${_RANDOM [MIN [MAX]]} arguments", NULL);
		n++;
	}
	free(copy);
	if (!s->failed && bound[0] > bound[1])
		subst_fail(s, "${_RANDOM MIN MAX} needs MIN <= MAX", NULL);
	if (s->failed)
		return;
	snprintf(num, sizeof(num), "%llu",
		 bound[0] + lex_random(s->lx) % (bound[1] - bound[0] + 1));
	subst_add(s, num, strlen(num));
}

static void subst_record_multi(struct subst *s, const char *name)
{
	for (unsigned i = 0; i < *s->nmulti; i++)
		if (strcmp(s->multi[i], name) == 0)
			return;
	if (*s->nmulti < s->max_multi)
		s->multi[(*s->nmulti)++] = name;
}

static void subst_value(struct subst *s, const struct lex_def *def, char follow)
{
	if (def->multiline) {
		subst_record_multi(s, def->name);
		subst_add(s, def->value, strlen(def->value));
		return;
	}
	for (unsigned i = 0; i < s->depth; i++) {
		if (strcmp(s->stack[i], def->name) == 0) {
			subst_fail(s, "recursive definition of $", def->name);
			return;
		}
	}
	if (s->depth == LEX_MAX_SUBST_DEPTH) {
		subst_fail(s, "definitions nested too deeply at $", def->name);
		return;
	}
	s->stack[s->depth++] = def->name;
	subst_text(s, def->value, strlen(def->value), follow);
	s->depth--;
}

static bool subst_predefined(struct subst *s, const char *name, size_t len)
{
	static const struct { const char *name; const char *text; } fixed[] = {
		{ "_HASH", "#" }, { "_BANG", "!" },
	};
	const char *text = NULL;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strlen(fixed[i].name) == len && memcmp(fixed[i].name, name, len) == 0)
			text = fixed[i].text;
	if (len == 4 && memcmp(name, "_PWD", 4) == 0)
		text = lex_current_file(s->lx)->pwd;
	else if (len == 9 && memcmp(name, "_INSTANCE", 9) == 0)
		text = s->lx->config_id;
	if (!text)
		return false;
	subst_add(s, text, strlen(text));
	return true;
}

/* Replaces the reference to `name` if it is defined; `next` is the
 * character after the reference.  Returns false to leave it as it is. */
static bool subst_name(struct subst *s, const char *name, size_t len, char next, bool braced)
{
	struct lex_def *def;

	if (len >= 7 && memcmp(name, "_RANDOM", 7) == 0 &&
	    (len == 7 || (braced && isspace((unsigned char)name[7])))) {
		subst_random(s, name + 7, len - 7);
		return true;
	}
	if (!pp_valid_name(name, len))
		return false;
	def = pp_lookup(s->lx, name, len);
	if (def) {
		subst_value(s, def, next);
		return true;
	}
	return subst_predefined(s, name, len);
}

/* A '$' at `p` (with `avail` bytes of text): returns how many bytes the
 * reference replaced, 0 when it is not a defined reference. */
static size_t subst_reference(struct subst *s, const char *p, size_t avail, char follow)
{
	size_t n = 0;
	char next;

	if (++s->steps > SUBST_MAX_STEPS) {
		subst_fail(s, "too many substitutions in one line", NULL);
		return 0;
	}
	if (avail >= 2 && p[1] == '{') {
		const char *close = memchr(p + 2, '}', avail - 2);

		if (!close)
			return 0;
		n = (size_t)(close - (p + 2));
		next = (size_t)(close + 1 - p) < avail ? close[1] : follow;
		return subst_name(s, p + 2, n, next, true) ? n + 3 : 0;
	}
	while (1 + n < avail && (isalnum((unsigned char)p[1 + n]) || p[1 + n] == '_'))
		n++;
	next = 1 + n < avail ? p[1 + n] : follow;
	if (n == 0 || (next != '\0' && !isspace((unsigned char)next)))
		return 0;
	return subst_name(s, p + 1, n, next, false) ? n + 1 : 0;
}

static void subst_text(struct subst *s, const char *text, size_t len, char follow)
{
	size_t i = 0;

	while (i < len && !s->failed) {
		const char *dollar = memchr(text + i, '$', len - i);
		size_t run = dollar ? (size_t)(dollar - (text + i)) : len - i;
		size_t used;

		subst_add(s, text + i, run);
		i += run;
		if (i == len)
			break;
		used = subst_reference(s, text + i, len - i, follow);
		if (used == 0)
			subst_add(s, "$", 1);
		i += used ? used : 1;
	}
}

bool pp_substitute(struct lex *lx, const char *line, struct conf_where where,
		   struct lex_buf *out, const char **multi, unsigned *nmulti, unsigned max_multi)
{
	struct subst s = {
		.lx = lx, .where = where, .out = out,
		.multi = multi, .nmulti = nmulti, .max_multi = max_multi,
	};

	lex_buf_add(out, "", 0);
	subst_text(&s, line, strlen(line), '\0');
	return !s.failed;
}
