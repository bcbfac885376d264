/* Internals shared by the files of the configuration lexer:
 *   conf_lex.c          reading files, splitting lines, the public API
 *   conf_lex_include.c  'include' and its variants, brace and glob expansion
 *   conf_lex_token.c    comments, quotes, escapes; a line into tokens
 *   conf_pp.c           one logical line: '@' conditions, '$' definitions
 *   conf_pp_subst.c     '$NAME' / '${NAME}' substitution
 *   conf_pp_seq.c       '~SEQ' and '~LST' line generation
 * Nothing here is for other modules: they use conf_lex.h. */
#ifndef VIGIL_CONF_LEX_IMPL_H
#define VIGIL_CONF_LEX_IMPL_H

#include "conf_lex.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Limits that keep hostile or mistaken input from hanging or exhausting
 * memory; each one reached is reported as an error with its location. */
#define LEX_DEFAULT_INCLUDE_DEPTH 32
#define LEX_DEFAULT_MAX_GENERATED 2000000   /* lines made by macros, ~SEQ, ~LST */
#define LEX_MAX_EXPANSION_DEPTH   64        /* nested macro / ~SEQ levels */
#define LEX_MAX_SUBST_DEPTH       32        /* nested single-line definitions */
#define LEX_MAX_LINE_BYTES        (1024 * 1024)  /* a line after substitution */
#define LEX_MAX_FILE_BYTES        (64 * 1024 * 1024)
#define LEX_MAX_INCLUDE_ALTERNATIVES 1024   /* brace expansion results */

/* include_check bits (keepalived's names). */
enum {
	LEX_CHECK_READABLE = 1u << 0,
	LEX_CHECK_MATCH    = 1u << 1,
	LEX_CHECK_WILDCARD = 1u << 2,
	LEX_CHECK_BRACE    = 1u << 3,
	LEX_CHECK_ALL      = 0xf,
};

/* A growable string. */
struct lex_buf {
	char *s;
	size_t len, cap;
};
void lex_buf_add(struct lex_buf *b, const char *s, size_t n);
void lex_buf_addc(struct lex_buf *b, char c);
void lex_buf_free(struct lex_buf *b);

struct lex_def {
	char *name;
	char *value;        /* a multi-line value keeps its lines joined by '\n' */
	bool multiline;
};

/* One file being read: an entry of the include stack. */
struct lex_file {
	const char *name;             /* interned; what tokens and messages name */
	char *dir;                    /* for relative includes; NULL: the cwd */
	char *pwd;                    /* absolute directory, for ${_PWD} */
	dev_t dev;
	ino_t ino;
	bool has_inode;               /* false for text held in memory */
	unsigned include_check;       /* saved per file, as keepalived does */
};

struct lex {
	struct conf_tokens *out;
	struct conf_diags *diags;
	char config_id[256];
	unsigned max_include_depth;
	size_t max_generated;

	struct lex_def *defs;
	size_t ndefs, capdefs;

	struct lex_file *files;       /* the include stack, [0] is the main file */
	size_t nfiles, capfiles;

	/* A multi-line definition still being collected. */
	struct lex_def *pending;
	struct lex_buf pending_value;
	struct conf_where pending_where;
	bool pending_discard;         /* its '@ID' did not match: drop it at the end */

	/* Names of multi-line definitions being expanded, for recursion. */
	char *expanding[LEX_MAX_EXPANSION_DEPTH];
	unsigned nexpanding;

	size_t generated;             /* lines made by expansion so far */
	bool aborted;                 /* a global limit was reached: stop expanding */
	uint64_t random_state;
};

/* conf_lex.c */
extern bool lex_relative_includes_only;   /* conf_lex_restrict_includes() */
void lex_read_text(struct lex *lx, char *text, size_t len);
bool lex_read_path(struct lex *lx, const char *path, struct conf_where from, bool quiet_errors);
struct lex_file *lex_current_file(struct lex *lx);

/* conf_lex_include.c: a raw line starting with an include keyword (or
 * include_check) is handled here; returns true when the line was consumed. */
bool lex_try_include(struct lex *lx, const char *line, struct conf_where where);
/* Brace expansion ("a{b,c}d" -> "abd", "acd"); false if too many results. */
struct ptr_array;
bool lex_brace_expand(const char *pattern, struct ptr_array *out);

/* conf_lex_token.c */
void lex_strip_comment(char *line);
/* Splits a processed line into tokens appended to `out`, then one EOL if any
 * token was added.  Returns false on a syntax error (already reported). */
bool lex_tokenize(const char *line, struct conf_where where, struct conf_tokens *out,
		  struct conf_diags *diags);
void lex_tokens_push(struct conf_tokens *t, enum conf_token_type type, char *text,
		     bool quoted, struct conf_where where);

/* conf_pp.c */
void pp_line(struct lex *lx, const char *line, struct conf_where where, unsigned depth);
void pp_pending_add(struct lex *lx, const char *line);
void pp_pending_finish(struct lex *lx, bool at_eof);
struct lex_def *pp_lookup(struct lex *lx, const char *name, size_t len);
void pp_define(struct lex *lx, const char *name, const char *value, bool multiline);
void pp_undefine(struct lex *lx, const char *name);
bool pp_valid_name(const char *s, size_t len);
size_t pp_name_len(const char *s);
bool pp_count_generated(struct lex *lx, struct conf_where where);
void lex_defs_free(struct lex *lx);

/* conf_pp_subst.c: expands the line into `out`.  Multi-line values are
 * inserted unexpanded (their lines must be processed one at a time) and
 * their names appended to `multi` (up to `max_multi`).  Returns false after
 * reporting an error. */
bool pp_substitute(struct lex *lx, const char *line, struct conf_where where,
		   struct lex_buf *out, const char **multi, unsigned *nmulti, unsigned max_multi);

/* conf_pp_seq.c: if the line starts with ~SEQ / ~SEQx / ~LST, runs it and
 * returns true. */
bool pp_try_sequence(struct lex *lx, const char *line, struct conf_where where, unsigned depth);

#endif
