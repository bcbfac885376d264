/* The keyword engine: walks the token stream against keyword tables.
 *
 * The grammar is keepalived's: a line is a keyword and its arguments; a
 * keyword that owns a block is followed by '{' (on the same or a later line)
 * and the block's lines up to the matching '}'.  A list block hands each
 * line to an item handler instead.  Every problem is reported with its
 * location and parsing goes on, so `vigild -t` shows all of them at once. */
#include "config.h"
#include "conf_parse.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any real configuration, shallow enough that a crafted
 * file cannot exhaust the stack. */
#define CONF_MAX_BLOCK_DEPTH 16

struct conf_parser {
	const struct conf_tokens *tokens;
	size_t pos;
	struct conf_diags *diags;
	void *root;
	struct conf_where last_where;   /* of the line being handled */
};

/* One collected line: the words up to the end of line or a brace. */
struct conf_line {
	struct conf_args args;
	const char **argv;
	bool *quoted;
};

static const struct conf_token *peek(const struct conf_parser *p)
{
	return p->pos < p->tokens->count ? &p->tokens->items[p->pos] : NULL;
}

static bool peek_is(const struct conf_parser *p, enum conf_token_type type)
{
	const struct conf_token *t = peek(p);

	return t && t->type == type;
}

static void skip_eols(struct conf_parser *p)
{
	while (peek_is(p, CONF_TOK_EOL))
		p->pos++;
}

static void report(struct conf_parser *p, enum conf_level level, struct conf_where where,
		   const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void report(struct conf_parser *p, enum conf_level level, struct conf_where where,
		   const char *fmt, va_list ap)
{
	char *message;

	if (vasprintf(&message, fmt, ap) < 0)
		message = NULL;
	conf_diag_add(p->diags, level, where, "%s", message ? message : "(no memory)");
	free(message);
}

void conf_error(struct conf_parser *p, const struct conf_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(p, CONF_ERROR, a ? a->where : p->last_where, fmt, ap);
	va_end(ap);
}

void conf_warning(struct conf_parser *p, const struct conf_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(p, CONF_WARNING, a ? a->where : p->last_where, fmt, ap);
	va_end(ap);
}

struct conf_diags *conf_parser_diags(struct conf_parser *p)
{
	return p->diags;
}

void *conf_parser_root(struct conf_parser *p)
{
	return p->root;
}

const struct conf_keyword *conf_block_find(const struct conf_block *b, const char *name)
{
	if (!b->tables)
		return NULL;
	for (const struct conf_keyword *const *table = b->tables; *table; table++)
		for (const struct conf_keyword *kw = *table; kw->name; kw++)
			if (strcmp(kw->name, name) == 0)
				return kw;
	return NULL;
}

/* Collects the words of the current line; stops before EOL or a brace. */
static void collect_line(struct conf_parser *p, struct conf_line *line)
{
	size_t start = p->pos, n = 0;

	while (peek_is(p, CONF_TOK_WORD)) {
		p->pos++;
		n++;
	}
	line->argv = xcalloc(n + 1, sizeof(*line->argv));
	line->quoted = xcalloc(n + 1, sizeof(*line->quoted));
	for (size_t i = 0; i < n; i++) {
		line->argv[i] = p->tokens->items[start + i].text;
		line->quoted[i] = p->tokens->items[start + i].quoted;
	}
	line->args.argc = (int)n;
	line->args.argv = line->argv;
	line->args.quoted = line->quoted;
	line->args.where = p->tokens->items[start].where;
	p->last_where = line->args.where;
}

static void free_line(struct conf_line *line)
{
	free(line->argv);
	free(line->quoted);
}

/* The current token is '{': consume up to and including its matching '}'. */
static void skip_block(struct conf_parser *p)
{
	struct conf_where opened = peek(p)->where;
	unsigned depth = 0;

	for (const struct conf_token *t; (t = peek(p)); p->pos++) {
		if (t->type == CONF_TOK_OPEN)
			depth++;
		else if (t->type == CONF_TOK_CLOSE && --depth == 0) {
			p->pos++;
			return;
		}
	}
	conf_diag_error(p->diags, opened, "block opened here is not closed with '}'");
}

/* After a keyword's words: is a '{' next, possibly after line ends? */
static bool block_follows(struct conf_parser *p, bool may_skip_lines)
{
	size_t save = p->pos;

	if (may_skip_lines)
		skip_eols(p);
	if (peek_is(p, CONF_TOK_OPEN))
		return true;
	p->pos = save;
	return false;
}

static void parse_block_body(struct conf_parser *p, const struct conf_block *block, void *obj,
			     struct conf_where opened, unsigned depth);

static bool check_arg_count(struct conf_parser *p, const struct conf_keyword *kw,
			    const struct conf_args *a)
{
	int given = a->argc - 1;

	if (given < kw->min_args) {
		conf_error(p, a, "'%s' needs %s%u argument%s, %d given", kw->name,
			   kw->max_args == kw->min_args ? "" : "at least ", kw->min_args,
			   kw->min_args == 1 ? "" : "s", given);
		return false;
	}
	if (kw->max_args != CONF_ARGS_ANY && given > kw->max_args) {
		if (kw->max_args == 0)
			conf_error(p, a, "'%s' takes no arguments, %d given", kw->name, given);
		else
			conf_error(p, a, "'%s' takes at most %u argument%s, %d given", kw->name,
				   kw->max_args, kw->max_args == 1 ? "" : "s", given);
		return false;
	}
	return true;
}

/* Says what vigil does with a keyword it knows but does not (fully) use.
 * Returns true when the handler should still run. */
static bool announce_support(struct conf_parser *p, const struct conf_keyword *kw,
			     const struct conf_args *a)
{
	const char *sep = kw->note ? ": " : "";
	const char *note = kw->note ? kw->note : "";

	switch (kw->support) {
	case CONF_SUPPORTED:
		return true;
	case CONF_DEPRECATED:
		conf_warning(p, a, "'%s' is deprecated%s%s", kw->name, sep, note);
		return true;
	case CONF_NOT_YET:
		conf_warning(p, a, "'%s' is not implemented yet by vigil; ignored%s%s",
			     kw->name, sep, note);
		return false;
	case CONF_NO_EFFECT:
		conf_warning(p, a, "'%s' has no effect in vigil; ignored%s%s", kw->name, sep, note);
		return false;
	}
	return false;
}

static void enter_block(struct conf_parser *p, const struct conf_keyword *kw, void *obj,
			const struct conf_args *a, unsigned depth)
{
	void *child = obj;

	if (depth + 1 >= CONF_MAX_BLOCK_DEPTH) {
		conf_error(p, a, "blocks nested more than %d deep", CONF_MAX_BLOCK_DEPTH);
		skip_block(p);
		return;
	}
	if (kw->block->open)
		child = kw->block->open(p, obj, a);
	if (!child) {
		skip_block(p);
		return;
	}
	p->pos++;  /* the '{' */
	parse_block_body(p, kw->block, child, a->where, depth + 1);
}

static void handle_keyword(struct conf_parser *p, const struct conf_keyword *kw, void *obj,
			   const struct conf_args *a, unsigned depth)
{
	bool has_block = block_follows(p, kw->block != NULL);
	bool usable = check_arg_count(p, kw, a);

	if (usable)
		usable = announce_support(p, kw, a);
	if (has_block && !kw->block) {
		conf_error(p, a, "'%s' does not take a block", kw->name);
		skip_block(p);
		return;
	}
	if (kw->block && !has_block && !kw->block_optional && usable) {
		conf_error(p, a, "'%s' needs a block '{ ... }'", kw->name);
		return;
	}
	if (!usable) {
		if (has_block)
			skip_block(p);
		return;
	}
	if (kw->handler)
		kw->handler(p, obj, a);
	if (has_block)
		enter_block(p, kw, obj, a, depth);
}

static void report_unknown(struct conf_parser *p, const struct conf_block *block,
			   const struct conf_args *a)
{
	if (block->name)
		conf_error(p, a, "unknown keyword '%s' in %s block", a->argv[0], block->name);
	else
		conf_error(p, a, "unknown keyword '%s'", a->argv[0]);
}

static void handle_line(struct conf_parser *p, const struct conf_block *block, void *obj,
			const struct conf_args *a, unsigned depth)
{
	const struct conf_keyword *kw = conf_block_find(block, a->argv[0]);

	if (kw) {
		handle_keyword(p, kw, obj, a, depth);
		return;
	}
	if (block->item) {
		if (block_follows(p, false)) {
			conf_error(p, a, "unexpected block after '%s' in %s block",
				   a->argv[0], block->name);
			skip_block(p);
			return;
		}
		block->item(p, obj, a);
		return;
	}
	report_unknown(p, block, a);
	if (block_follows(p, false))
		skip_block(p);
}

/* Parses lines until the matching '}' (or the end, for the root). */
static void parse_block_body(struct conf_parser *p, const struct conf_block *block, void *obj,
			     struct conf_where opened, unsigned depth)
{
	for (;;) {
		const struct conf_token *t;
		struct conf_line line;

		skip_eols(p);
		t = peek(p);
		if (!t) {
			if (depth > 0)
				conf_diag_error(p->diags, opened,
						"%s block opened here is not closed with '}'",
						block->name ? block->name : "a");
			break;
		}
		if (t->type == CONF_TOK_CLOSE) {
			p->pos++;
			if (depth > 0)
				break;
			conf_diag_error(p->diags, t->where, "'}' without a matching '{'");
			continue;
		}
		if (t->type == CONF_TOK_OPEN) {
			conf_diag_error(p->diags, t->where, "'{' without a keyword before it");
			skip_block(p);
			continue;
		}
		collect_line(p, &line);
		handle_line(p, block, obj, &line.args, depth);
		free_line(&line);
	}
	if (block->close)
		block->close(p, obj, opened);
}

bool conf_parse(const struct conf_tokens *tokens, const struct conf_block *root,
		void *root_obj, struct conf_diags *diags)
{
	struct conf_parser p = {
		.tokens = tokens, .diags = diags, .root = root_obj,
	};
	unsigned errors_before = diags->errors;

	parse_block_body(&p, root, root_obj, (struct conf_where){ 0 }, 0);
	return diags->errors == errors_before;
}
