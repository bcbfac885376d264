/* '~SEQ(var, start, step, end)', '~SEQx(...)' and '~LST(var, v1, v2, ...)'
 * (keepalived.conf(5), "Sequence blocks" and "List blocks"): the rest of
 * the line is processed once per value with $var set to it.  The rest may
 * itself start with another ~SEQ or ~LST, which nests.
 *
 * SEQ: with three arguments the step is left out, with two the start too;
 * the step defaults to 1 or -1 towards END, the start to 1 if END > 0,
 * -1 if END < 0 and 0 if END is 0.  Numbers are decimal or 0x-hex and may
 * be negative.  A zero step is an error; a step away from END makes no
 * lines (a warning).  The variable's previous definition, if any, is put
 * back afterwards. */
#include "config.h"
#include "conf_lex_impl.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parsed argument list: items separated by commas; an item is a word or
 * a '{a, b}' group. */
struct seq_item {
	char **values;
	size_t count;
};

struct seq_args {
	struct seq_item *items;
	size_t count;
};

static void seq_args_free(struct seq_args *a)
{
	for (size_t i = 0; i < a->count; i++) {
		for (size_t j = 0; j < a->items[i].count; j++)
			free(a->items[i].values[j]);
		free(a->items[i].values);
	}
	free(a->items);
	memset(a, 0, sizeof(*a));
}

static char *trim_copy(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static void item_add(struct seq_item *item, const char *s, size_t len)
{
	item->values = xreallocarray(item->values, item->count + 1, sizeof(char *));
	item->values[item->count++] = trim_copy(s, len);
}

/* Splits "a, {b, c}, d" into items.  Returns false on a malformed group. */
static bool seq_split(const char *p, struct seq_args *a)
{
	for (;;) {
		struct seq_item item = { 0 };
		size_t len;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '{') {
			const char *close = strchr(p, '}');

			if (!close)
				return false;
			for (p++; p <= close; p += len + 1) {
				len = strcspn(p, ",}");
				item_add(&item, p, len);
			}
			p = close + 1;
			while (isspace((unsigned char)*p))
				p++;
		} else {
			len = strcspn(p, ",");
			item_add(&item, p, len);
			p += len;
		}
		a->items = xreallocarray(a->items, a->count + 1, sizeof(*a->items));
		a->items[a->count++] = item;
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

struct seq_saved {
	char *name;
	char *value;      /* NULL: was not defined */
	bool multiline;
};

static void seq_save(struct lex *lx, const char *name, struct seq_saved *saved)
{
	struct lex_def *def = pp_lookup(lx, name, strlen(name));

	saved->name = xstrdup(name);
	saved->value = def ? xstrdup(def->value) : NULL;
	saved->multiline = def && def->multiline;
}

static void seq_restore(struct lex *lx, struct seq_saved *saved)
{
	if (saved->value)
		pp_define(lx, saved->name, saved->value, saved->multiline);
	else
		pp_undefine(lx, saved->name);
	free(saved->name);
	free(saved->value);
}

static bool seq_number(const char *s, long long *v)
{
	const char *digits = s + (*s == '-' || *s == '+');
	int base = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') ? 16 : 10;
	char *end;

	if (!isxdigit((unsigned char)digits[base == 16 ? 2 : 0]))
		return false;
	errno = 0;
	*v = strtoll(s, &end, base);
	return errno == 0 && *end == '\0';
}

struct seq_range {
	long long start, step, end;
	bool hex;
};

/* Reads (VAR, [START, [STEP,]] END); returns false after reporting. */
static bool seq_parse(struct lex *lx, const struct seq_args *a, struct seq_range *r,
		      struct conf_where where)
{
	long long n[3];
	size_t count = a->count - 1;

	for (size_t i = 0; i < a->count; i++)
		if (a->items[i].count != 1)
			goto bad;
	if (count < 1 || count > 3 || !pp_valid_name(a->items[0].values[0],
						      strlen(a->items[0].values[0])))
		goto bad;
	for (size_t i = 0; i < count; i++) {
		if (!seq_number(a->items[i + 1].values[0], &n[i])) {
			conf_diag_error(lx->diags, where, "~SEQ: '%s' is not a number",
					a->items[i + 1].values[0]);
			return false;
		}
	}
	r->end = n[count - 1];
	r->start = count >= 2 ? n[0] : (r->end > 0 ? 1 : r->end < 0 ? -1 : 0);
	r->step = count == 3 ? n[1] : (r->end >= r->start ? 1 : -1);
	if (r->step == 0) {
		conf_diag_error(lx->diags, where, "~SEQ: the step must not be 0");
		return false;
	}
	return true;
bad:
	conf_diag_error(lx->diags, where, "~SEQ needs (VARIABLE, [START, [STEP,]] END)");
	return false;
}

static void seq_format(char *buf, size_t len, long long v, bool hex)
{
	unsigned long long magnitude = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	if (hex)
		snprintf(buf, len, "%s%llx", v < 0 ? "-" : "", magnitude);
	else
		snprintf(buf, len, "%lld", v);
}

static void seq_run(struct lex *lx, const char *var, const struct seq_range *r, const char *rest,
		    struct conf_where where, unsigned depth)
{
	struct seq_saved saved;
	long long v = r->start;
	char text[32];

	if (r->step > 0 ? r->start > r->end : r->start < r->end) {
		conf_diag_warning(lx->diags, where, "~SEQ produces no lines (the step leads away from the end)");
		return;
	}
	seq_save(lx, var, &saved);
	while (r->step > 0 ? v <= r->end : v >= r->end) {
		if (!pp_count_generated(lx, where))
			break;
		seq_format(text, sizeof(text), v, r->hex);
		pp_define(lx, var, text, false);
		pp_line(lx, rest, where, depth + 1);
		if (lx->aborted || __builtin_add_overflow(v, r->step, &v))
			break;
	}
	seq_restore(lx, &saved);
}

/* Checks ({VARS...}, {VALUES...}, ...); returns false after reporting. */
static bool lst_check(struct lex *lx, const struct seq_args *a, struct conf_where where)
{
	const struct seq_item *vars = &a->items[0];

	if (a->count < 2) {
		conf_diag_error(lx->diags, where, "~LST needs a variable and at least one value");
		return false;
	}
	for (size_t i = 0; i < vars->count; i++) {
		if (!pp_valid_name(vars->values[i], strlen(vars->values[i]))) {
			conf_diag_error(lx->diags, where, "~LST: invalid variable name '%s'",
					vars->values[i]);
			return false;
		}
	}
	for (size_t i = 1; i < a->count; i++) {
		if (a->items[i].count != vars->count) {
			conf_diag_error(lx->diags, where,
					"~LST: value %zu has %zu fields for %zu variables", i,
					a->items[i].count, vars->count);
			return false;
		}
	}
	return true;
}

static void lst_run(struct lex *lx, const struct seq_args *a, const char *rest,
		    struct conf_where where, unsigned depth)
{
	const struct seq_item *vars = &a->items[0];
	struct seq_saved *saved = xcalloc(vars->count, sizeof(*saved));

	for (size_t v = 0; v < vars->count; v++)
		seq_save(lx, vars->values[v], &saved[v]);
	for (size_t i = 1; i < a->count && pp_count_generated(lx, where); i++) {
		for (size_t v = 0; v < vars->count; v++)
			pp_define(lx, vars->values[v], a->items[i].values[v], false);
		pp_line(lx, rest, where, depth + 1);
	}
	for (size_t v = vars->count; v-- > 0;)
		seq_restore(lx, &saved[v]);
	free(saved);
}

/* The text between '(' and its ')', substituted; NULL after reporting. */
static char *seq_arguments(struct lex *lx, const char *open, const char **rest,
			   const char *what, struct conf_where where)
{
	const char *close = strchr(open, ')');
	struct lex_buf out = { 0 };
	const char *multi[1];
	unsigned nmulti = 0;
	char *raw;

	if (!close) {
		conf_diag_error(lx->diags, where, "%s: missing ')'", what);
		return NULL;
	}
	*rest = close + 1;
	raw = xstrndup(open + 1, (size_t)(close - open - 1));
	if (!pp_substitute(lx, raw, where, &out, multi, &nmulti, 1) || nmulti) {
		if (nmulti)
			conf_diag_error(lx->diags, where, "%s: arguments use a multi-line definition", what);
		lex_buf_free(&out);
		out.s = NULL;
	}
	free(raw);
	return out.s;
}

bool pp_try_sequence(struct lex *lx, const char *line, struct conf_where where, unsigned depth)
{
	bool hex = strncmp(line, "~SEQx(", 6) == 0;
	bool seq = hex || strncmp(line, "~SEQ(", 5) == 0;
	const char *what = hex ? "~SEQx" : seq ? "~SEQ" : "~LST";
	struct seq_args args = { 0 };
	struct seq_range range;
	const char *rest;
	char *text;

	if (!seq && strncmp(line, "~LST(", 5) != 0)
		return false;
	text = seq_arguments(lx, strchr(line, '('), &rest, what, where);
	if (!text)
		return true;
	if (!seq_split(text, &args)) {
		conf_diag_error(lx->diags, where, "%s: malformed {...} group", what);
	} else if (seq && seq_parse(lx, &args, &range, where)) {
		range.hex = hex;
		seq_run(lx, args.items[0].values[0], &range, rest, where, depth);
	} else if (!seq && lst_check(lx, &args, where)) {
		lst_run(lx, &args, rest, where, depth);
	}
	seq_args_free(&args);
	free(text);
	return true;
}
