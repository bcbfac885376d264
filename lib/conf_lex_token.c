/* The innermost layer of the lexer: comments, quoted strings, escapes, and
 * turning one fully processed line into WORD / OPEN / CLOSE / EOL tokens.
 *
 * Quoting follows keepalived.conf(5): " and ' delimit quoted text, the
 * quote characters are removed and the text joins the word around it
 * ('ab" c"d' is the one word "ab cd").  Inside quotes the shell-like escapes
 * \a \b \E \f \n \r \t \v \nnn \xHH.. \cC work and \C is C.  Outside quotes
 * only \" \' \# \! \{ \} and \\ are escapes (so that a quote, comment or
 * brace character can be written literally); any other backslash is kept, so
 * that script arguments such as regular expressions survive unchanged. */
#include "config.h"
#include "conf_lex_impl.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void lex_buf_add(struct lex_buf *b, const char *s, size_t n)
{
	b->s = xgrow_bytes(b->s, &b->cap, b->len + n + 1, 64);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void lex_buf_addc(struct lex_buf *b, char c)
{
	lex_buf_add(b, &c, 1);
}

void lex_buf_free(struct lex_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

static bool is_space(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* Characters a backslash makes literal outside quotes. */
static bool is_outside_escape(char c)
{
	return c != '\0' && strchr("\"'#!{}\\", c) != NULL;
}

void lex_strip_comment(char *line)
{
	char quote = 0;

	for (char *p = line; *p; p++) {
		if (*p == '\\' && (quote ? p[1] != '\0' : is_outside_escape(p[1]))) {
			p++;
		} else if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '#' || *p == '!') {
			*p = '\0';
			return;
		}
	}
}

void lex_tokens_push(struct conf_tokens *t, enum conf_token_type type, char *text,
		     bool quoted, struct conf_where where)
{
	struct conf_token *tok;

	if (t->count == t->capacity) {
		t->capacity = t->capacity ? t->capacity * 2 : 256;
		t->items = xreallocarray(t->items, t->capacity, sizeof(*t->items));
	}
	tok = &t->items[t->count++];
	tok->type = type;
	tok->quoted = quoted;
	tok->text = text;
	tok->where = where;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the escape after a backslash at *pp (inside quotes); returns the
 * byte and advances *pp past the escape. */
static unsigned char decode_escape(const char **pp)
{
	static const char simple_from[] = "abEfnrtv";
	static const char simple_to[] = "\a\b\033\f\n\r\t\v";
	const char *p = *pp;
	const char *hit = strchr(simple_from, *p);
	unsigned value = 0;
	int digits = 0;

	if (hit && *p) {
		*pp = p + 1;
		return (unsigned char)simple_to[hit - simple_from];
	}
	if (*p >= '0' && *p <= '7') {
		for (; digits < 3 && *p >= '0' && *p <= '7'; digits++, p++)
			value = value * 8 + (unsigned)(*p - '0');
	} else if (*p == 'x' && hex_value(p[1]) >= 0) {
		for (p++; hex_value(*p) >= 0; p++)
			value = (value * 16 + (unsigned)hex_value(*p)) & 0xff;
	} else if (*p == 'c' && p[1] != '\0') {
		value = p[1] == '?' ? 0x7f : ((unsigned char)p[1] & 0x1f);
		p += 2;
	} else {
		value = (unsigned char)*p++;
	}
	*pp = p;
	return (unsigned char)value;
}

struct word_scan {
	const char *p;
	struct lex_buf word;
	bool quoted;
	bool error;
	struct conf_where where;
	struct conf_diags *diags;
};

/* A quoted part of a word, starting at the opening quote. */
static void scan_quoted(struct word_scan *ws)
{
	char quote = *ws->p++;

	ws->quoted = true;
	while (*ws->p && *ws->p != quote) {
		unsigned char c;

		if (*ws->p != '\\' || ws->p[1] == '\0') {
			lex_buf_addc(&ws->word, *ws->p++);
			continue;
		}
		ws->p++;
		c = decode_escape(&ws->p);
		if (c == 0) {
			conf_diag_error(ws->diags, ws->where, "escape sequence makes a NUL byte");
			ws->error = true;
			continue;
		}
		lex_buf_addc(&ws->word, (char)c);
	}
	if (*ws->p == quote) {
		ws->p++;
	} else {
		conf_diag_error(ws->diags, ws->where, "unterminated quoted string (missing %c)", quote);
		ws->error = true;
	}
}

/* An undefined ${NAME} stays in the text (keepalived.conf(5)); its braces
 * are part of the word, not a block.  Returns its length or 0. */
static size_t undefined_reference_len(const char *p)
{
	size_t n;

	if (p[0] != '$' || p[1] != '{')
		return 0;
	n = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && p[2 + n] == '}' ? n + 3 : 0;
}

static void scan_word(struct word_scan *ws)
{
	while (*ws->p && !is_space(*ws->p) && *ws->p != '{' && *ws->p != '}') {
		size_t ref = undefined_reference_len(ws->p);

		if (*ws->p == '"' || *ws->p == '\'') {
			scan_quoted(ws);
		} else if (*ws->p == '\\' && is_outside_escape(ws->p[1])) {
			lex_buf_addc(&ws->word, ws->p[1]);
			ws->p += 2;
		} else if (ref) {
			lex_buf_add(&ws->word, ws->p, ref);
			ws->p += ref;
		} else {
			lex_buf_addc(&ws->word, *ws->p++);
		}
	}
}

bool lex_tokenize(const char *line, struct conf_where where, struct conf_tokens *out,
		  struct conf_diags *diags)
{
	struct word_scan ws = { .p = line, .where = where, .diags = diags };
	size_t before = out->count;

	while (*ws.p) {
		if (is_space(*ws.p)) {
			ws.p++;
		} else if (*ws.p == '{' || *ws.p == '}') {
			lex_tokens_push(out, *ws.p == '{' ? CONF_TOK_OPEN : CONF_TOK_CLOSE, NULL,
					false, where);
			ws.p++;
		} else {
			memset(&ws.word, 0, sizeof(ws.word));
			ws.quoted = false;
			scan_word(&ws);
			lex_tokens_push(out, CONF_TOK_WORD,
					ws.word.s ? ws.word.s : xstrdup(""), ws.quoted, where);
		}
	}
	if (out->count > before)
		lex_tokens_push(out, CONF_TOK_EOL, NULL, false, where);
	return !ws.error;
}
