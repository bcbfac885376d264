/* Unit tests for the keyword engine (lib/conf_parse.c) and the value
 * helpers (lib/conf_value.c).  Tokens are built by a tiny local splitter so
 * these tests do not depend on the lexer. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"
#include "conf_value.h"
#include "xalloc.h"

/* ---- a minimal tokenizer: words, braces and newlines ------------------- */

static void push_token(struct conf_tokens *t, enum conf_token_type type, const char *text,
		       size_t len, unsigned line)
{
	struct conf_token *tok;

	if (t->count == t->capacity) {
		t->capacity = t->capacity ? t->capacity * 2 : 32;
		t->items = xreallocarray(t->items, t->capacity, sizeof(*t->items));
	}
	tok = &t->items[t->count++];
	memset(tok, 0, sizeof(*tok));
	tok->type = type;
	tok->text = text ? xstrndup(text, len) : NULL;
	tok->where.file = conf_intern_filename("test.conf");
	tok->where.line = line;
}

static void split(const char *text, struct conf_tokens *t)
{
	unsigned line = 1;

	memset(t, 0, sizeof(*t));
	for (const char *c = text; *c;) {
		if (*c == '\n') {
			push_token(t, CONF_TOK_EOL, NULL, 0, line++);
			c++;
		} else if (*c == ' ' || *c == '\t') {
			c++;
		} else if (*c == '{' || *c == '}') {
			push_token(t, *c == '{' ? CONF_TOK_OPEN : CONF_TOK_CLOSE, NULL, 0, line);
			c++;
		} else {
			size_t n = strcspn(c, " \t\n{}");
			push_token(t, CONF_TOK_WORD, c, n, line);
			c += n;
		}
	}
	push_token(t, CONF_TOK_EOL, NULL, 0, line);
}

static void free_tokens(struct conf_tokens *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->items[i].text);
	free(t->items);
}

/* ---- a test grammar ------------------------------------------------------ */

struct test_item {
	char name[32];
	unsigned priority;
	int items;
	char last_item[64];
	bool closed;
	bool flag;
};

struct test_root {
	unsigned calls;
	char last_args[128];
	struct test_item objs[4];
	int nobjs;
	unsigned deprecated_calls, notyet_calls;
	unsigned long long number;
};

static void kw_record(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct test_root *r = obj;
	char *joined = conf_join_args(a, 0);

	r->calls++;
	snprintf(r->last_args, sizeof(r->last_args), "%s", joined);
	free(joined);
}

static void kw_deprecated(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	((struct test_root *)obj)->deprecated_calls++;
}

static void kw_notyet(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	((struct test_root *)obj)->notyet_calls++;
}

static void kw_number(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct test_root *r = obj;

	conf_get_uint(p, a, 1, 1, 255, &r->number);
}

static void item_priority(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct test_item *it = obj;
	uint32_t v;

	if (conf_get_u32(p, a, 1, 1, 255, &v))
		it->priority = v;
}

static void item_flag(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	((struct test_item *)obj)->flag = true;
}

static void list_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct test_item *it = obj;
	char *joined = conf_join_args(a, 0);

	it->items++;
	snprintf(it->last_item, sizeof(it->last_item), "%s", joined);
	free(joined);
}

static void *open_instance(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct test_root *r = parent;
	struct test_item *it;

	if (strcmp(a->argv[1], "refuse") == 0) {
		conf_error(p, a, "instance refused");
		return NULL;
	}
	it = &r->objs[r->nobjs++ % 4];
	snprintf(it->name, sizeof(it->name), "%s", a->argv[1]);
	return it;
}

static void close_instance(struct conf_parser *p, void *obj, struct conf_where opened)
{
	((struct test_item *)obj)->closed = true;
}

static const struct conf_block list_block = {
	.name = "items", .item = list_item,
};

static const struct conf_keyword mixed_keywords[] = {
	{ "flag", item_flag, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL },
};

static const struct conf_block mixed_block = {
	.name = "mixed", .tables = CONF_TABLES(mixed_keywords), .item = list_item,
};

static const struct conf_block nest_block;
static const struct conf_keyword nest_keywords[] = {
	{ "nest", NULL, &nest_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL },
};
static const struct conf_block nest_block = {
	.name = "nest", .tables = CONF_TABLES(nest_keywords),
};

static const struct conf_keyword instance_keywords[] = {
	{ "priority", item_priority, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "flag", item_flag, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "items", NULL, &list_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "mixed", NULL, &mixed_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL },
};

static const struct conf_block instance_block = {
	.name = "instance", .tables = CONF_TABLES(instance_keywords),
	.open = open_instance, .close = close_instance,
};

static const struct conf_block optional_block = {
	.name = "optional", .tables = CONF_TABLES(instance_keywords),
	.open = open_instance,
};

static const struct conf_keyword root_keywords_a[] = {
	{ "record", kw_record, NULL, CONF_SUPPORTED, 0, CONF_ARGS_ANY, NULL, false },
	{ "two", kw_record, NULL, CONF_SUPPORTED, 2, 2, NULL, false },
	{ "range", kw_record, NULL, CONF_SUPPORTED, 1, 3, NULL, false },
	{ "none", kw_record, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "number", kw_number, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ NULL },
};

static const struct conf_keyword root_keywords_b[] = {
	{ "instance", NULL, &instance_block, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "optional", NULL, &optional_block, CONF_SUPPORTED, 1, 1, NULL, true },
	{ "old_name", kw_deprecated, NULL, CONF_DEPRECATED, 0, 1, "use new_name", false },
	{ "later", kw_notyet, NULL, CONF_NOT_YET, 0, CONF_ARGS_ANY, "planned", false },
	{ "later_block", kw_notyet, &instance_block, CONF_NOT_YET, 0, CONF_ARGS_ANY, NULL, false },
	{ "legacy", kw_notyet, NULL, CONF_NO_EFFECT, 0, 1, "the kernel does this", false },
	{ "nest", NULL, &nest_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL },
};

static const struct conf_block root_block = {
	.name = NULL, .tables = CONF_TABLES(root_keywords_a, root_keywords_b),
};

/* ---- helpers --------------------------------------------------------------- */

static bool parse_text(const char *text, struct test_root *root, struct conf_diags *d)
{
	struct conf_tokens t;
	bool ok;

	memset(root, 0, sizeof(*root));
	conf_diags_init(d);
	split(text, &t);
	ok = conf_parse(&t, &root_block, root, d);
	free_tokens(&t);
	return ok;
}

/* True when some diagnostic has this level, line and message fragment. */
static bool has_diag(const struct conf_diags *d, enum conf_level level, unsigned line,
		     const char *fragment)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct conf_diag *g = &d->items[i];

		if (g->level == level && g->where.line == line && strstr(g->message, fragment))
			return true;
	}
	return false;
}

static void dump_diags(const struct conf_diags *d)
{
	conf_diags_print(d, stderr);
}

#define ASSERT_DIAG(d, level, line, frag)                                            \
	do {                                                                         \
		if (!has_diag((d), (level), (line), (frag))) {                       \
			dump_diags(d);                                               \
			fail_msg("no %s at line %u containing '%s'",                  \
				 (level) == CONF_ERROR ? "error" : "warning", (line), (frag)); \
		}                                                                    \
	} while (0)

/* ---- engine tests ------------------------------------------------------------ */

static void test_keyword_gets_its_arguments(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("record a b c\n", &r, &d));
	assert_int_equal(r.calls, 1);
	assert_string_equal(r.last_args, "record a b c");
	assert_int_equal(d.count, 0);
	conf_diags_free(&d);
}

static void test_keywords_found_in_every_table(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("record x\ninstance one {\n}\n", &r, &d));
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.nobjs, 1);
	conf_diags_free(&d);
}

static void test_unknown_top_level_keyword(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("record\nbogus 1 2\nrecord\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 2, "unknown keyword 'bogus'");
	assert_int_equal(r.calls, 2);    /* parsing went on */
	conf_diags_free(&d);
}

static void test_unknown_keyword_in_block_names_block(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("instance a {\n  prio 5\n}\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 2, "unknown keyword 'prio' in instance block");
	conf_diags_free(&d);
}

static void test_unknown_keyword_with_block_is_skipped(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("mystery {\n priority 3\n inner {\n }\n}\nrecord z\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "unknown keyword 'mystery'");
	assert_int_equal(d.errors, 1);
	assert_int_equal(r.calls, 1);
	conf_diags_free(&d);
}

static void test_too_few_arguments(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("two x\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'two' needs 2 arguments, 1 given");
	assert_int_equal(r.calls, 0);
	conf_diags_free(&d);
	assert_false(parse_text("range\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'range' needs at least 1 argument, 0 given");
	conf_diags_free(&d);
}

static void test_too_many_arguments(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("range 1 2 3 4\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'range' takes at most 3 arguments, 4 given");
	conf_diags_free(&d);
	assert_false(parse_text("none x\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'none' takes no arguments, 1 given");
	conf_diags_free(&d);
}

static void test_block_open_and_close(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("instance VI_1 {\n priority 100\n flag\n}\n", &r, &d));
	assert_int_equal(r.nobjs, 1);
	assert_string_equal(r.objs[0].name, "VI_1");
	assert_int_equal(r.objs[0].priority, 100);
	assert_true(r.objs[0].flag);
	assert_true(r.objs[0].closed);
	conf_diags_free(&d);
}

static void test_brace_on_next_line(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("instance VI_1\n\n{\n priority 7\n}\n", &r, &d));
	assert_int_equal(r.objs[0].priority, 7);
	conf_diags_free(&d);
}

static void test_block_on_one_line(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("instance a { priority 9 }\nrecord\n", &r, &d));
	assert_int_equal(r.objs[0].priority, 9);
	assert_int_equal(r.calls, 1);
	conf_diags_free(&d);
}

static void test_missing_block(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("instance a\nrecord\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'instance' needs a block");
	assert_int_equal(r.calls, 1);
	conf_diags_free(&d);
}

static void test_optional_block_may_be_absent(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("optional a\noptional b {\n priority 4\n}\n", &r, &d));
	assert_int_equal(r.nobjs, 1);
	assert_int_equal(r.objs[0].priority, 4);
	conf_diags_free(&d);
}

static void test_unexpected_block(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("record x {\n priority 1\n}\nrecord y\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'record' does not take a block");
	assert_string_equal(r.last_args, "record y");
	assert_int_equal(d.errors, 1);
	conf_diags_free(&d);
}

static void test_not_yet_warns_and_skips(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("later 1 2\nlater_block x {\n bogus\n}\n", &r, &d));
	ASSERT_DIAG(&d, CONF_WARNING, 1, "'later' is not implemented yet by vigil; ignored: planned");
	ASSERT_DIAG(&d, CONF_WARNING, 2, "'later_block' is not implemented yet");
	assert_int_equal(r.notyet_calls, 0);
	assert_int_equal(r.nobjs, 0);
	assert_int_equal(d.errors, 0);
	conf_diags_free(&d);
}

static void test_deprecated_warns_and_runs(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("old_name\n", &r, &d));
	ASSERT_DIAG(&d, CONF_WARNING, 1, "'old_name' is deprecated: use new_name");
	assert_int_equal(r.deprecated_calls, 1);
	conf_diags_free(&d);
}

static void test_no_effect_warns_and_skips(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("legacy on\n", &r, &d));
	ASSERT_DIAG(&d, CONF_WARNING, 1, "'legacy' has no effect in vigil; ignored: the kernel does this");
	assert_int_equal(r.notyet_calls, 0);
	conf_diags_free(&d);
}

static void test_list_block_items(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("instance a {\n items {\n 10.0.0.1/24\n 10.0.0.2 dev eth0\n }\n}\n",
			       &r, &d));
	assert_int_equal(r.objs[0].items, 2);
	assert_string_equal(r.objs[0].last_item, "10.0.0.2 dev eth0");
	conf_diags_free(&d);
}

static void test_list_item_with_block_is_error(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("instance a {\n items {\n x {\n y\n }\n z\n }\n}\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 3, "unexpected block after 'x' in items block");
	assert_int_equal(r.objs[0].items, 1);
	conf_diags_free(&d);
}

static void test_mixed_block_keywords_and_items(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_true(parse_text("instance a {\n mixed {\n flag\n item one\n }\n}\n", &r, &d));
	assert_true(r.objs[0].flag);
	assert_int_equal(r.objs[0].items, 1);
	assert_string_equal(r.objs[0].last_item, "item one");
	conf_diags_free(&d);
}

static void test_unclosed_block_reported_at_opening(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("record\ninstance a {\n priority 5\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 2, "instance block opened here is not closed");
	conf_diags_free(&d);
}

static void test_unmatched_close(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("record\n}\nrecord\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 2, "'}' without a matching '{'");
	assert_int_equal(r.calls, 2);
	conf_diags_free(&d);
}

static void test_open_without_keyword(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("{\n record\n}\nrecord\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "'{' without a keyword");
	assert_int_equal(r.calls, 1);
	conf_diags_free(&d);
}

static void test_nesting_depth_is_bounded(void **state)
{
	char text[4096] = "";
	struct test_root r;
	struct conf_diags d;

	for (int i = 0; i < 40; i++)
		strcat(text, "nest {\n");
	for (int i = 0; i < 40; i++)
		strcat(text, "}\n");
	assert_false(parse_text(text, &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 16, "nested more than 16 deep");
	assert_int_equal(d.errors, 1);
	conf_diags_free(&d);
}

static void test_refused_open_skips_block(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("instance refuse {\n bogus\n}\nrecord\n", &r, &d));
	ASSERT_DIAG(&d, CONF_ERROR, 1, "instance refused");
	assert_int_equal(d.errors, 1);
	assert_int_equal(r.calls, 1);
	conf_diags_free(&d);
}

static void test_errors_accumulate(void **state)
{
	struct test_root r;
	struct conf_diags d;

	assert_false(parse_text("bogus1\ntwo\ninstance a {\n priority 0\n priority 300\n}\nnumber x\n",
				&r, &d));
	assert_int_equal(d.errors, 5);
	ASSERT_DIAG(&d, CONF_ERROR, 4, "priority: '0' is out of range 1..255");
	ASSERT_DIAG(&d, CONF_ERROR, 5, "priority: '300' is out of range 1..255");
	ASSERT_DIAG(&d, CONF_ERROR, 7, "number: 'x' is not a whole number");
	conf_diags_free(&d);
}

static void test_block_finder(void **state)
{
	assert_non_null(conf_block_find(&root_block, "instance"));
	assert_non_null(conf_block_find(&root_block, "record"));
	assert_null(conf_block_find(&root_block, "priority"));
	assert_non_null(conf_block_find(&instance_block, "priority"));
	assert_null(conf_block_find(&list_block, "anything"));
}

/* ---- value helpers -------------------------------------------------------------- */

/* Value helpers need a parser for reporting: run them inside a handler. */
typedef bool (*value_fn)(struct conf_parser *p, const struct conf_args *a, void *out);
static value_fn current_value_fn;
static void *current_value_out;
static bool current_value_ok;

static void kw_value(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	current_value_ok = current_value_fn(p, a, current_value_out);
}

static const struct conf_keyword value_keywords[] = {
	{ "v", kw_value, NULL, CONF_SUPPORTED, 0, CONF_ARGS_ANY, NULL, false },
	{ NULL },
};
static const struct conf_block value_root = { .tables = CONF_TABLES(value_keywords) };

static bool run_value(const char *line, value_fn fn, void *out, char *message, size_t len)
{
	struct conf_tokens t;
	struct conf_diags d;

	conf_diags_init(&d);
	split(line, &t);
	current_value_fn = fn;
	current_value_out = out;
	current_value_ok = false;
	conf_parse(&t, &value_root, NULL, &d);
	free_tokens(&t);
	snprintf(message, len, "%s", d.count ? d.items[0].message : "");
	assert_int_equal(current_value_ok, d.errors == 0);
	conf_diags_free(&d);
	return current_value_ok;
}

static bool v_u32(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_u32(p, a, 1, 1, 255, out);
}

static bool v_i32(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_i32(p, a, 1, -253, 253, out);
}

static bool v_bool(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_bool(p, a, 1, out);
}

static bool v_seconds(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_seconds_us(p, a, 1, 10000, 40950000, out);
}

static bool v_addr(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_addr(p, a, 1, CONF_FAMILY_ANY, true, out);
}

static bool v_addr4(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_addr(p, a, 1, CONF_FAMILY_V4, false, out);
}

static bool v_enum(struct conf_parser *p, const struct conf_args *a, void *out)
{
	static const char *const names[] = { "rr", "wrr", "lc", NULL };
	return conf_get_enum(p, a, 1, names, out);
}

static bool v_port(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_port(p, a, 1, true, out);
}

static bool v_ifname(struct conf_parser *p, const struct conf_args *a, void *out)
{
	return conf_get_ifname(p, a, 1, out);
}

static void test_value_unsigned(void **state)
{
	char msg[256];
	uint32_t v = 0;

	assert_true(run_value("v 255\n", v_u32, &v, msg, sizeof(msg)));
	assert_int_equal(v, 255);
	assert_false(run_value("v 256\n", v_u32, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '256' is out of range 1..255");
	assert_false(run_value("v -1\n", v_u32, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '-1' is not a whole number");
	assert_false(run_value("v 12abc\n", v_u32, &v, msg, sizeof(msg)));
	assert_false(run_value("v 99999999999999999999999\n", v_u32, &v, msg, sizeof(msg)));
	assert_false(run_value("v\n", v_u32, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: a value is missing");
}

static void test_value_signed(void **state)
{
	char msg[256];
	int32_t v = 0;

	assert_true(run_value("v -253\n", v_i32, &v, msg, sizeof(msg)));
	assert_int_equal(v, -253);
	assert_true(run_value("v +10\n", v_i32, &v, msg, sizeof(msg)));
	assert_int_equal(v, 10);
	assert_false(run_value("v -254\n", v_i32, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '-254' is out of range -253..253");
	assert_false(run_value("v --1\n", v_i32, &v, msg, sizeof(msg)));
}

static void test_value_bool(void **state)
{
	char msg[256];
	bool v = false;

	assert_true(run_value("v\n", v_bool, &v, msg, sizeof(msg)));
	assert_true(v);
	assert_true(run_value("v off\n", v_bool, &v, msg, sizeof(msg)));
	assert_false(v);
	assert_true(run_value("v YES\n", v_bool, &v, msg, sizeof(msg)));
	assert_true(v);
	assert_false(run_value("v maybe\n", v_bool, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: 'maybe' is not one of on|off|true|false|yes|no");
}

static void test_value_seconds(void **state)
{
	char msg[256];
	uint64_t v = 0;

	assert_true(run_value("v 1\n", v_seconds, &v, msg, sizeof(msg)));
	assert_int_equal(v, 1000000);
	assert_true(run_value("v 0.01\n", v_seconds, &v, msg, sizeof(msg)));
	assert_int_equal(v, 10000);
	assert_true(run_value("v .5\n", v_seconds, &v, msg, sizeof(msg)));
	assert_int_equal(v, 500000);
	assert_true(run_value("v 40.95\n", v_seconds, &v, msg, sizeof(msg)));
	assert_int_equal(v, 40950000);
	assert_false(run_value("v 0.001\n", v_seconds, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '0.001' is out of range 0.01..40.95 seconds");
	assert_false(run_value("v 1.0000001\n", v_seconds, &v, msg, sizeof(msg)));
	assert_false(run_value("v 1.\n", v_seconds, &v, msg, sizeof(msg)));
	assert_false(run_value("v -1\n", v_seconds, &v, msg, sizeof(msg)));
	assert_false(run_value("v 1s\n", v_seconds, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '1s' is not a time in seconds (e.g. 3 or 0.25)");
}

static void test_value_address(void **state)
{
	char msg[256], text[VIGIL_ADDR_STRLEN];
	struct vigil_addr v;

	assert_true(run_value("v 10.1.2.3/24\n", v_addr, &v, msg, sizeof(msg)));
	assert_int_equal(v.family, AF_INET);
	assert_int_equal(v.prefix_len, 24);
	assert_string_equal(vigil_addr_to_string(&v, text, sizeof(text)), "10.1.2.3/24");
	assert_true(run_value("v fd00::1\n", v_addr, &v, msg, sizeof(msg)));
	assert_int_equal(v.family, AF_INET6);
	assert_int_equal(v.prefix_len, 128);
	assert_false(v.has_prefix);
	assert_false(run_value("v 10.1.2.3/33\n", v_addr, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '10.1.2.3/33' has a prefix length outside 0..32");
	assert_false(run_value("v fd00::1/129\n", v_addr, &v, msg, sizeof(msg)));
	assert_false(run_value("v 10.1.2\n", v_addr, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '10.1.2' is not an IP address");
	assert_false(run_value("v fd00::1\n", v_addr4, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: 'fd00::1' is not an IPv4 address");
	assert_false(run_value("v 10.0.0.1/8\n", v_addr4, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: '10.0.0.1/8' must not have a prefix length");
}

static void test_value_enum(void **state)
{
	char msg[256];
	int v = -1;

	assert_true(run_value("v WRR\n", v_enum, &v, msg, sizeof(msg)));
	assert_int_equal(v, 1);
	assert_false(run_value("v fifo\n", v_enum, &v, msg, sizeof(msg)));
	assert_string_equal(msg, "v: 'fifo' is not one of rr|wrr|lc");
}

static void test_value_port_and_ifname(void **state)
{
	char msg[256];
	uint16_t port = 0;
	char *name = NULL;

	assert_true(run_value("v 65535\n", v_port, &port, msg, sizeof(msg)));
	assert_int_equal(port, 65535);
	assert_false(run_value("v 0\n", v_port, &port, msg, sizeof(msg)));
	assert_false(run_value("v 65536\n", v_port, &port, msg, sizeof(msg)));
	assert_true(run_value("v eth0\n", v_ifname, &name, msg, sizeof(msg)));
	assert_string_equal(name, "eth0");
	assert_false(run_value("v a_name_far_too_long\n", v_ifname, &name, msg, sizeof(msg)));
	assert_string_equal(msg, "v: interface name 'a_name_far_too_long' must be 1..15 characters");
	assert_false(run_value("v a/b\n", v_ifname, &name, msg, sizeof(msg)));
	free(name);
}

static void test_diag_format(void **state)
{
	struct conf_diags d;
	char buf[256];

	conf_diags_init(&d);
	conf_diag_error(&d, ((struct conf_where){ conf_intern_filename("/etc/x.conf"), 12 }),
			"bad %s", "thing");
	conf_diag_warning(&d, ((struct conf_where){ NULL, 0 }), "general");
	conf_diag_format(&d.items[0], buf, sizeof(buf));
	assert_string_equal(buf, "/etc/x.conf:12: error: bad thing");
	conf_diag_format(&d.items[1], buf, sizeof(buf));
	assert_string_equal(buf, "warning: general");
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 1);
	assert_ptr_equal(conf_intern_filename("/etc/x.conf"), d.items[0].where.file);
	conf_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyword_gets_its_arguments),
		cmocka_unit_test(test_keywords_found_in_every_table),
		cmocka_unit_test(test_unknown_top_level_keyword),
		cmocka_unit_test(test_unknown_keyword_in_block_names_block),
		cmocka_unit_test(test_unknown_keyword_with_block_is_skipped),
		cmocka_unit_test(test_too_few_arguments),
		cmocka_unit_test(test_too_many_arguments),
		cmocka_unit_test(test_block_open_and_close),
		cmocka_unit_test(test_brace_on_next_line),
		cmocka_unit_test(test_block_on_one_line),
		cmocka_unit_test(test_missing_block),
		cmocka_unit_test(test_optional_block_may_be_absent),
		cmocka_unit_test(test_unexpected_block),
		cmocka_unit_test(test_not_yet_warns_and_skips),
		cmocka_unit_test(test_deprecated_warns_and_runs),
		cmocka_unit_test(test_no_effect_warns_and_skips),
		cmocka_unit_test(test_list_block_items),
		cmocka_unit_test(test_list_item_with_block_is_error),
		cmocka_unit_test(test_mixed_block_keywords_and_items),
		cmocka_unit_test(test_unclosed_block_reported_at_opening),
		cmocka_unit_test(test_unmatched_close),
		cmocka_unit_test(test_open_without_keyword),
		cmocka_unit_test(test_nesting_depth_is_bounded),
		cmocka_unit_test(test_refused_open_skips_block),
		cmocka_unit_test(test_errors_accumulate),
		cmocka_unit_test(test_block_finder),
		cmocka_unit_test(test_value_unsigned),
		cmocka_unit_test(test_value_signed),
		cmocka_unit_test(test_value_bool),
		cmocka_unit_test(test_value_seconds),
		cmocka_unit_test(test_value_address),
		cmocka_unit_test(test_value_enum),
		cmocka_unit_test(test_value_port_and_ifname),
		cmocka_unit_test(test_diag_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
