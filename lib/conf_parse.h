/* The keyword layer: table-driven parsing of the token stream.
 *
 * Each module describes its blocks as static tables of struct conf_keyword.
 * The engine walks the tokens, finds each keyword in the current block's
 * tables, checks the argument count, and calls the keyword's handler with
 * the object the block is filling.  Values go through the range-checked
 * helpers in conf_value.h.  Errors never stop the walk: each one is added to
 * the diagnostics with its FILE:LINE, and parsing goes on with the next line. */
#ifndef VIGIL_CONF_PARSE_H
#define VIGIL_CONF_PARSE_H

#include "conf_diag.h"
#include "conf_lex.h"

#include <stdbool.h>

struct conf_parser;

/* One keyword line: argv[0] is the keyword itself. */
struct conf_args {
	int argc;
	const char *const *argv;
	const bool *quoted;          /* quoted[i]: argv[i] was a quoted string */
	struct conf_where where;
};

typedef void (*conf_keyword_fn)(struct conf_parser *p, void *obj, const struct conf_args *a);
/* Creates (or finds) the object a block fills; NULL means the block is
 * skipped (the function reported why). */
typedef void *(*conf_block_open_fn)(struct conf_parser *p, void *parent, const struct conf_args *a);
/* Runs when the block's '}' is reached: checks that need the whole block. */
typedef void (*conf_block_close_fn)(struct conf_parser *p, void *obj, struct conf_where opened);

enum conf_support {
	CONF_SUPPORTED,     /* parsed, checked and used */
	CONF_NOT_YET,       /* a keepalived keyword vigil does not implement yet:
			     * warning "... not implemented yet; ignored", block skipped */
	CONF_DEPRECATED,    /* still accepted, warning names the replacement (note) */
	CONF_NO_EFFECT,     /* accepted for compatibility but means nothing to vigil:
			     * a warning says so and why (note) */
};

#define CONF_ARGS_ANY 255

struct conf_block;

struct conf_keyword {
	const char *name;
	conf_keyword_fn handler;          /* may be NULL for a pure block opener */
	const struct conf_block *block;   /* non-NULL: the keyword opens '{ ... }' */
	enum conf_support support;
	unsigned char min_args, max_args; /* not counting the keyword itself */
	const char *note;                 /* deprecated: the replacement; not-yet/no-effect: why */
	bool block_optional;              /* the '{ ... }' may be left out */
};

struct conf_block {
	const char *name;                             /* for messages */
	const struct conf_keyword *const *tables;     /* NULL-terminated list of {NULL}-ended tables */
	conf_block_open_fn open;                      /* NULL: the block fills the parent's object */
	conf_block_close_fn close;
	/* A list block ('virtual_ipaddress { ... }'): every line is an item,
	 * handed whole to `item` (argv[0] is the first word of the line).
	 * With `tables` too, a line whose first word is a keyword is a keyword
	 * line and every other line an item. */
	conf_keyword_fn item;
};

#define CONF_TABLES(...) ((const struct conf_keyword *const[]){ __VA_ARGS__, NULL })

/* Parses the tokens against `root`, filling `root_obj`.  Returns false when
 * any error was reported. */
bool conf_parse(const struct conf_tokens *tokens, const struct conf_block *root,
		void *root_obj, struct conf_diags *diags);

/* For handlers: report against the current line (or a given place). */
void conf_error(struct conf_parser *p, const struct conf_args *a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_warning(struct conf_parser *p, const struct conf_args *a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct conf_diags *conf_parser_diags(struct conf_parser *p);
/* The object of the enclosing root block (struct vigil_config *). */
void *conf_parser_root(struct conf_parser *p);

/* Looks a keyword up in a block's tables (NULL if unknown); used by the
 * engine and by tests that check every keepalived keyword is known. */
const struct conf_keyword *conf_block_find(const struct conf_block *b, const char *name);

#endif
