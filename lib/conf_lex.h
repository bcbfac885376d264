/* The lexical and preprocessor layer of keepalived.conf.
 *
 * conf_read_file() turns a configuration file, with everything it includes,
 * into one flat stream of tokens, each carrying the file and line it came
 * from.  Everything textual happens here and nowhere else:
 *   - '#' and '!' comments (outside quotes), quoted strings
 *   - 'include PATTERN' with globs, relative to the including file's directory,
 *     include loops and excessive depth reported as errors
 *   - '@ID' / '@^ID' conditional lines, matched against the config id
 *   - '$NAME=value' definitions (multi-line with a trailing '\'), '$NAME' and
 *     '${NAME}' substitution, recursive definitions detected
 *   - '~SEQ(var, start, [step,] end)' and '~LST(var, v1, v2, ...)' line
 *     expansion, nestable
 * The keyword layer (conf_parse.h) sees only words, braces and line ends. */
#ifndef VIGIL_CONF_LEX_H
#define VIGIL_CONF_LEX_H

#include "conf_diag.h"

#include <stdbool.h>
#include <stddef.h>

enum conf_token_type {
	CONF_TOK_WORD,   /* a bare or quoted word */
	CONF_TOK_OPEN,   /* '{' */
	CONF_TOK_CLOSE,  /* '}' */
	CONF_TOK_EOL,    /* end of a logical line */
};

struct conf_token {
	enum conf_token_type type;
	bool quoted;             /* WORD came from "..." */
	char *text;              /* WORD: the word, quotes removed; else NULL */
	struct conf_where where;
};

struct conf_tokens {
	struct conf_token *items;
	size_t count, capacity;
};

struct conf_read_options {
	const char *config_id;       /* for @ID lines; NULL: the short host name */
	unsigned max_include_depth;  /* 0: the default (32) */
};

/* Reads PATH and what it includes.  Returns false when an error was
 * reported (the tokens are still filled as far as possible). */
bool conf_read_file(const char *path, const struct conf_read_options *opts,
		    struct conf_tokens *out, struct conf_diags *diags);

/* The same for text held in memory (tests, the fuzzer).  `name` is used in
 * diagnostics; relative includes resolve against the current directory. */
bool conf_read_string(const char *name, const char *text, size_t len,
		      const struct conf_read_options *opts,
		      struct conf_tokens *out, struct conf_diags *diags);

void conf_tokens_free(struct conf_tokens *t);

/* The default config id: the host name up to its first dot. */
void conf_default_config_id(char *buf, size_t len);

/* Bounds the number of lines multi-line definitions, ~SEQ and ~LST may
 * generate in one read (0: the default, 2,000,000).  Process-wide; the
 * fuzzer lowers it so that one input cannot take seconds. */
void conf_lex_set_max_generated_lines(size_t max_lines);

/* With `relative_only`, include patterns that are absolute or contain ".."
 * are refused (an error): the fuzzer must not wander the file system. */
void conf_lex_restrict_includes(bool relative_only);

#endif
