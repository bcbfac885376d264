/* Unit tests of the configuration lexer and preprocessor (lib/conf_lex.h).
 *
 * Most tests lex a text held in memory (named "test.conf") and compare a
 * rendering of the tokens: words separated by spaces, quoted words as
 * <text>, braces as { and }, each EOL as a newline.  Include tests write
 * their files into a scratch directory. */
#include "config.h"
#include "unit.h"

#include "conf_lex.h"

#include <sys/time.h>

struct lexed {
	struct conf_tokens tokens;
	struct conf_diags diags;
	char *text;          /* the rendering */
	bool ok;
};

static char *render(const struct conf_tokens *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < t->count; i++) {
		const struct conf_token *tok = &t->items[i];
		bool first = i == 0 || t->items[i - 1].type == CONF_TOK_EOL;

		if (tok->type == CONF_TOK_EOL) {
			fputc('\n', f);
			continue;
		}
		if (!first)
			fputc(' ', f);
		if (tok->type == CONF_TOK_OPEN)
			fputc('{', f);
		else if (tok->type == CONF_TOK_CLOSE)
			fputc('}', f);
		else
			fprintf(f, tok->quoted ? "<%s>" : "%s", tok->text);
	}
	fclose(f);
	return buf;
}

static void lex_opts(struct lexed *l, const char *conf, size_t len,
		     const struct conf_read_options *opts)
{
	memset(l, 0, sizeof(*l));
	conf_diags_init(&l->diags);
	l->ok = conf_read_string("test.conf", conf, len, opts, &l->tokens, &l->diags);
	l->text = render(&l->tokens);
}

static void lex_id(struct lexed *l, const char *conf, const char *config_id)
{
	struct conf_read_options opts = { .config_id = config_id };

	lex_opts(l, conf, strlen(conf), &opts);
}

static void lex(struct lexed *l, const char *conf)
{
	lex_id(l, conf, "main");
}

static void lexed_free(struct lexed *l)
{
	conf_tokens_free(&l->tokens);
	conf_diags_free(&l->diags);
	free(l->text);
}

/* Lexes `conf` (config id "main"), expects no diagnostic at all and the
 * rendering `expected`. */
#define assert_lexes_to(conf, expected) do { \
		struct lexed l_; \
		lex(&l_, (conf)); \
		unit_assert_no_diags(&l_.diags); \
		assert_true(l_.ok); \
		assert_string_equal(l_.text, (expected)); \
		lexed_free(&l_); \
	} while (0)

/* --- tokens ------------------------------------------------------------- */

static void test_words_and_eol(void **state)
{
	struct lexed l;

	lex(&l, "a b\n\n\n  c   d  \n\n");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text, "a b\nc d\n");
	assert_int_equal(l.tokens.count, 6);
	assert_int_equal(l.tokens.items[0].type, CONF_TOK_WORD);
	assert_int_equal(l.tokens.items[0].where.line, 1);
	assert_string_equal(l.tokens.items[0].where.file, "test.conf");
	assert_int_equal(l.tokens.items[2].type, CONF_TOK_EOL);
	assert_int_equal(l.tokens.items[3].where.line, 4);
	assert_null(l.tokens.items[2].text);
	lexed_free(&l);
}

static void test_empty_input(void **state)
{
	assert_lexes_to("", "");
	assert_lexes_to("\n\n   \n\t\n", "");
	assert_lexes_to("# only a comment\n! and another\n", "");
}

static void test_braces_are_tokens(void **state)
{
	assert_lexes_to("vrrp_instance VI_1{\n state MASTER}\n}\n",
			"vrrp_instance VI_1 {\nstate MASTER }\n}\n");
	assert_lexes_to("a{b}c", "a { b } c\n");
	assert_lexes_to("notify \"x{y}z\"", "notify <x{y}z>\n");
}

static void test_quotes_join_words(void **state)
{
	assert_lexes_to("abcd\" efg h jkl \"mnop", "<abcd efg h jkl mnop>\n");
	assert_lexes_to("abcd \"efg h jkl\" mnop", "abcd <efg h jkl> mnop\n");
	assert_lexes_to("script '/bin/echo \"hi there\"'", "script </bin/echo \"hi there\">\n");
	assert_lexes_to("x \"it's\" ''", "x <it's> <>\n");
}

static void test_quoted_flag(void **state)
{
	struct lexed l;

	lex(&l, "a \"b\" c'd'");
	unit_assert_no_diags(&l.diags);
	assert_int_equal(l.tokens.count, 4);
	assert_false(l.tokens.items[0].quoted);
	assert_true(l.tokens.items[1].quoted);
	assert_true(l.tokens.items[2].quoted);
	assert_string_equal(l.tokens.items[2].text, "cd");
	lexed_free(&l);
}

static void test_escapes_in_quotes(void **state)
{
	struct lexed l;

	lex(&l, "\"\\a\\b\\E\\f\\n\\r\\t\\v\" \"\\101\\60\\0601\" \"\\x41\\x4a\\x7e7e\" "
		"\"\\cA\\c[\\c?\" \"\\\\ \\\" \\q\" '\\''");
	unit_assert_no_diags(&l.diags);
	assert_int_equal(l.tokens.count, 7);
	assert_string_equal(l.tokens.items[0].text, "\a\b\033\f\n\r\t\v");
	assert_string_equal(l.tokens.items[1].text, "A001");
	assert_string_equal(l.tokens.items[2].text, "AJ~");
	assert_string_equal(l.tokens.items[3].text, "\001\033\177");
	assert_string_equal(l.tokens.items[4].text, "\\ \" q");
	assert_string_equal(l.tokens.items[5].text, "'");
	lexed_free(&l);
}

static void test_escape_nul_is_error(void **state)
{
	struct lexed l;

	lex(&l, "ok\nx \"a\\0b\" \"\\x00\"\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 2, "NUL byte");
	lexed_free(&l);
}

static void test_escapes_outside_quotes(void **state)
{
	assert_lexes_to("a\\\"b c\\#d e\\!f g\\{h\\} \\\\", "a\"b c#d e!f g{h} \\\n");
	/* any other backslash is kept: script arguments survive */
	assert_lexes_to("grep \\d+ x\\y", "grep \\d+ x\\y\n");
}

static void test_unterminated_quote(void **state)
{
	struct lexed l;

	lex(&l, "a\nb \"c d\ne 'f\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 2, "unterminated quoted string");
	unit_assert_error(&l.diags, "test.conf", 3, "unterminated quoted string (missing ')");
	assert_int_equal(l.diags.errors, 2);
	assert_string_equal(l.text, "a\nb <c d>\ne <f>\n");
	lexed_free(&l);
}

static void test_comments(void **state)
{
	assert_lexes_to("a b # c d\ne!f\n\"g#h\" 'i!j' k#l\n# x\n  ! y\nm",
			"a b\ne\n<g#h> <i!j> k\nm\n");
}

static void test_line_numbers_after_comments(void **state)
{
	struct lexed l;

	lex(&l, "# one\n\n! three\nfour # x\n");
	assert_int_equal(l.tokens.count, 2);
	assert_int_equal(l.tokens.items[0].where.line, 4);
	lexed_free(&l);
}

static void test_crlf(void **state)
{
	assert_lexes_to("a b\r\nc {\r\n}\r\n", "a b\nc {\n}\n");
}

static void test_nul_bytes(void **state)
{
	static const char text[] = "a\0b\nc\n\0";
	struct lexed l;

	lex_opts(&l, text, sizeof(text) - 1, &(struct conf_read_options){ .config_id = "x" });
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "NUL byte");
	unit_assert_error(&l.diags, "test.conf", 3, "NUL byte");
	assert_string_equal(l.text, "a b\nc\n");
	lexed_free(&l);
}

static void test_very_long_line(void **state)
{
	size_t n = 300000;
	char *text = malloc(n + 16);
	struct lexed l;

	memcpy(text, "key ", 4);
	memset(text + 4, 'x', n);
	strcpy(text + 4 + n, " {");
	lex(&l, text);
	unit_assert_no_diags(&l.diags);
	assert_int_equal(l.tokens.count, 4);
	assert_int_equal(strlen(l.tokens.items[1].text), n);
	lexed_free(&l);
	free(text);
}

static void test_binary_garbage(void **state)
{
	unsigned char buf[4096];
	uint32_t x = 12345;

	for (int round = 0; round < 50; round++) {
		struct lexed l;

		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (unsigned char)(x >> 16);
		}
		lex_opts(&l, (const char *)buf, sizeof(buf), NULL);
		for (size_t i = 0; i < l.tokens.count; i++)
			assert_true(l.tokens.items[i].type == CONF_TOK_EOL ||
				    l.tokens.items[i].where.line >= 1);
		lexed_free(&l);
	}
}

static void test_undefined_reference_stays_one_word(void **state)
{
	assert_lexes_to("a ${UNDEF_PARAMETER}b $UNDEF c",
			"a ${UNDEF_PARAMETER}b $UNDEF c\n");
	assert_lexes_to("x ${not valid} y", "x $ { not valid } y\n");
}

/* --- conditional lines -------------------------------------------------- */

static const char conditional_conf[] =
	"global_defs {\n"
	"    @main   router_id main_router\n"
	"    @backup router_id backup_router\n"
	"}\n"
	"unicast_peer {\n"
	"    @^main    1.2.3.4\n"
	"    @^backup  1.2.3.5\n"
	"}\n";

static void test_conditional_lines(void **state)
{
	struct lexed l;

	lex_id(&l, conditional_conf, "main");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text, "global_defs {\nrouter_id main_router\n}\n"
				    "unicast_peer {\n1.2.3.5\n}\n");
	assert_int_equal(l.tokens.items[4].where.line, 2);
	lexed_free(&l);

	lex_id(&l, conditional_conf, "other");
	assert_string_equal(l.text, "global_defs {\n}\nunicast_peer {\n1.2.3.4\n1.2.3.5\n}\n");
	lexed_free(&l);
}

static void test_conditional_default_id(void **state)
{
	char id[256], *conf;
	struct lexed l;

	conf_default_config_id(id, sizeof(id));
	assert_true(id[0] != '\0');
	assert_null(strchr(id, '.'));
	assert_true(asprintf(&conf, "@%s yes\n@^%s no\n${_INSTANCE}\n", id, id) > 0);
	lex_opts(&l, conf, strlen(conf), NULL);
	unit_assert_no_diags(&l.diags);
	assert_true(strncmp(l.text, "yes\n", 4) == 0);
	assert_string_equal(l.text + 4, strcat(strcpy(conf, id), "\n"));
	lexed_free(&l);
	free(conf);
}

static void test_conditional_without_id(void **state)
{
	struct lexed l;

	lex(&l, "a\n@ router_id x\n@^\n@main\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 2, "'@' must be followed by a config id");
	unit_assert_error(&l.diags, "test.conf", 3, "'@^' must be followed");
	assert_int_equal(l.diags.errors, 2);
	assert_string_equal(l.text, "a\n");
	lexed_free(&l);
}

/* --- parameter definitions and substitution ----------------------------- */

static void test_definition_simple(void **state)
{
	assert_lexes_to("$PRIORITY=240\npriority $PRIORITY\n", "priority 240\n");
	assert_lexes_to("  $A=1 2  3  \nx $A\n", "x 1 2 3\n");
	assert_lexes_to("$B=10.2\n${B}.100/32 ${B}\n", "10.2.100/32 10.2\n");
}

static void test_reference_needs_whitespace(void **state)
{
	assert_lexes_to("$P=1\nx $P.5 $Px $P\ty\n", "x $P.5 $Px 1 y\n");
}

static void test_definition_use_time(void **state)
{
	assert_lexes_to("$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n"
			"$ADDRESS_BASE_SUB=0\n"
			"${ADDRESS_BASE}.100/32\n"
			"$ADDRESS_BASE_SUB=10\n"
			"${ADDRESS_BASE}.100/32\n",
			"10.2.0.100/32\n10.2.10.100/32\n");
	/* after substitution, '$SUB' in "10.2.$SUB" is followed by '.' */
	assert_lexes_to("$BASE=10.2.$SUB\n$SUB=0\n${BASE}.1 $BASE\n",
			"10.2.$SUB.1 10.2.0\n");
}

static void test_definition_empty_and_redefined(void **state)
{
	assert_lexes_to("$A=\nx $A y\n$A=z\nx $A y\n$A=\n$A\n", "x y\nx z y\n");
}

static void test_definition_with_condition(void **state)
{
	static const char conf[] = "@main $PRIORITY=240\n@backup $PRIORITY=200\n"
				   "vrrp_instance VI_0 {\n priority $PRIORITY\n}\n";
	struct lexed l;

	lex_id(&l, conf, "main");
	assert_string_equal(l.text, "vrrp_instance VI_0 {\npriority 240\n}\n");
	lexed_free(&l);
	lex_id(&l, conf, "backup");
	assert_string_equal(l.text, "vrrp_instance VI_0 {\npriority 200\n}\n");
	lexed_free(&l);
}

static void test_condition_from_substitution(void **state)
{
	static const char conf[] = "$IF_MAIN=@main\n$IF_MAIN priority 240\nend\n";
	struct lexed l;

	lex_id(&l, conf, "main");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text, "priority 240\nend\n");
	assert_int_equal(l.tokens.items[0].where.line, 2);
	lexed_free(&l);
	lex_id(&l, conf, "backup");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text, "end\n");
	lexed_free(&l);
}

static void test_definition_recursive(void **state)
{
	struct lexed l;

	lex(&l, "$A=x $A\nok\nuse $A\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 3, "recursive definition of $A");
	assert_string_equal(l.text, "ok\n");
	lexed_free(&l);

	lex(&l, "$A=${B}\n$B=1${C}\n$C=${A}\n\n${A}\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 5, "recursive definition of $A");
	assert_int_equal(l.diags.errors, 1);
	lexed_free(&l);
}

static void test_definition_bad(void **state)
{
	struct lexed l;

	lex(&l, "$1X=foo\n$A-B=c\n$=x\n$A =1\n$OK=1\nx $OK\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "invalid parameter name '1X'");
	unit_assert_error(&l.diags, "test.conf", 2, "invalid parameter name 'A-B'");
	unit_assert_error(&l.diags, "test.conf", 3, "invalid parameter name ''");
	unit_assert_error(&l.diags, "test.conf", 4, "no space allowed before '='");
	assert_int_equal(l.diags.errors, 4);
	assert_string_equal(l.text, "x 1\n");
	lexed_free(&l);
}

static void test_definition_reserved_name(void **state)
{
	struct lexed l;

	lex(&l, "$_MINE=1\nx ${_MINE}\n");
	assert_true(l.ok);
	unit_assert_warning(&l.diags, "test.conf", 1, "reserved");
	assert_string_equal(l.text, "x 1\n");
	lexed_free(&l);
}

static void test_predefined(void **state)
{
	char cwd[PATH_MAX], *expected;
	struct lexed l;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	lex(&l, "p ${_PWD}/x $_PWD\ni ${_INSTANCE}\nh ${_HASH}x ${_BANG}y # gone\n");
	unit_assert_no_diags(&l.diags);
	assert_true(asprintf(&expected, "p %s/x %s\ni main\nh #x !y\n", cwd, cwd) > 0);
	assert_string_equal(l.text, expected);
	free(expected);
	lexed_free(&l);
}

static void test_random(void **state)
{
	struct lexed l;

	lex(&l, "~SEQ(I, 1, 200) ${_RANDOM 5 7} ${_RANDOM} ${_RANDOM 30000} ${_RANDOM 9 9}\n");
	unit_assert_no_diags(&l.diags);
	assert_int_equal(l.tokens.count, 200 * 5);
	for (size_t i = 0; i < l.tokens.count; i += 5) {
		long a = atol(l.tokens.items[i].text), b = atol(l.tokens.items[i + 1].text);
		long c = atol(l.tokens.items[i + 2].text);

		assert_in_range(a, 5, 7);
		assert_in_range(b, 0, 32767);
		assert_in_range(c, 30000, 32767);
		assert_string_equal(l.tokens.items[i + 3].text, "9");
	}
	lexed_free(&l);
}

static void test_random_bad(void **state)
{
	struct lexed l;

	lex(&l, "a ${_RANDOM x}\nb ${_RANDOM 9 2}\nc ${_RANDOM 1 2 3}\nd ${_RANDOM -1}\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "bad ${_RANDOM");
	unit_assert_error(&l.diags, "test.conf", 2, "MIN <= MAX");
	unit_assert_error(&l.diags, "test.conf", 3, "bad ${_RANDOM");
	unit_assert_error(&l.diags, "test.conf", 4, "bad ${_RANDOM");
	assert_string_equal(l.text, "");
	lexed_free(&l);
}

static void test_substitution_blowup_bounded(void **state)
{
	char conf[4096];
	size_t len = 0;
	struct lexed l;

	/* each level doubles: 2^30 references if nothing stopped it */
	len += (size_t)snprintf(conf + len, sizeof(conf) - len, "$A0=\n");
	for (int i = 1; i <= 30; i++)
		len += (size_t)snprintf(conf + len, sizeof(conf) - len, "$A%d=${A%d}${A%d}\n",
					i, i - 1, i - 1);
	snprintf(conf + len, sizeof(conf) - len, "x ${A30}\nx ${A10}\n");
	lex(&l, conf);
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 32, "too many substitutions");
	assert_int_equal(l.diags.errors, 1);
	assert_string_equal(l.text, "x\n");
	lexed_free(&l);

	/* and by depth */
	len = 0;
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(conf + len, sizeof(conf) - len, "$D%d=${D%d}\n", i, i + 1);
	snprintf(conf + len, sizeof(conf) - len, "$D40=end\nx ${D0}\n");
	lex(&l, conf);
	unit_assert_error(&l.diags, "test.conf", 42, "definitions nested too deeply");
	lexed_free(&l);

	/* and by size: 2^20 copies of 64 bytes */
	len = (size_t)snprintf(conf, sizeof(conf), "$B0=%064d\n", 0);
	for (int i = 1; i <= 20; i++)
		len += (size_t)snprintf(conf + len, sizeof(conf) - len, "$B%d=${B%d}${B%d}\n",
					i, i - 1, i - 1);
	snprintf(conf + len, sizeof(conf) - len, "x ${B20}\n");
	lex(&l, conf);
	unit_assert_error(&l.diags, "test.conf", 22, "longer than");
	lexed_free(&l);
}

/* --- multi-line definitions --------------------------------------------- */

static const char multiline_conf[] =
	"$INSTANCE= \\\n"                          /* 1 */
	"vrrp_instance VI_${NUM} { \\\n"
	"    interface eth0.${NUM} \\\n"
	"    @high priority 130 \\\n"
	"    @low priority 120 \\\n"                /* 5 */
	"    virtual_ipaddress { \\\n"
	"        10.0.${NUM}.254/24 \\\n"
	"    } \\\n"
	"}\n"
	"\n"                                        /* 10 */
	"$NUM=0\n"
	"$INSTANCE\n"
	"\n"
	"$NUM=1\n"
	"$INSTANCE\n";                              /* 15 */

static void test_multiline_definition(void **state)
{
	struct lexed l;

	lex_id(&l, multiline_conf, "high");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text,
		"vrrp_instance VI_0 {\ninterface eth0.0\npriority 130\nvirtual_ipaddress {\n"
		"10.0.0.254/24\n}\n}\n"
		"vrrp_instance VI_1 {\ninterface eth0.1\npriority 130\nvirtual_ipaddress {\n"
		"10.0.1.254/24\n}\n}\n");
	/* expanded lines are located at the line that used the definition */
	assert_int_equal(l.tokens.items[0].where.line, 12);
	assert_int_equal(l.tokens.items[l.tokens.count - 1].where.line, 15);
	lexed_free(&l);
}

static void test_multiline_nested(void **state)
{
	assert_lexes_to("$RS= \\\n"
			"real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\\n"
			"   weight 1 \\\n"
			"\n"
			"   notify_up \"/x.sh ${VS_NUM}.${RS_NUM} UP\" \\\n"
			"}\n"
			"$VS= \\\n"
			"virtual_server 10.0.${VS_NUM}.4 80 { \\\n"
			"   $RS_NUM=1 \\\n"
			"   $RS \\\n"
			"   $RS_NUM=2 \\\n"
			"   $RS \\\n"
			"}\n"
			"$VS_NUM=0\n"
			"$VS\n"
			"$VS_NUM=1\n"
			"$VS\n",
			"virtual_server 10.0.0.4 80 {\n"
			"real_server 192.168.0.1 80 {\nweight 1\nnotify_up </x.sh 0.1 UP>\n}\n"
			"real_server 192.168.0.2 80 {\nweight 1\nnotify_up </x.sh 0.2 UP>\n}\n}\n"
			"virtual_server 10.0.1.4 80 {\n"
			"real_server 192.168.1.1 80 {\nweight 1\nnotify_up </x.sh 1.1 UP>\n}\n"
			"real_server 192.168.1.2 80 {\nweight 1\nnotify_up </x.sh 1.2 UP>\n}\n}\n");
}

static void test_multiline_inline_use(void **state)
{
	assert_lexes_to("$M= \\\n b \\\n c\na $M d\n", "a b\nc d\n");
	assert_lexes_to("$M=first \\\n second \\ # comment\n third\n$M\n",
			"first\nsecond\nthird\n");
	/* a comment hides a trailing backslash: the definition ends there */
	assert_lexes_to("$M=first \\\n second # \\\n third\n$M\n",
			"third\nfirst\nsecond\n");
}

static void test_multiline_recursive(void **state)
{
	struct lexed l;

	lex(&l, "$M= \\\n a \\\n $M\nb\n$M\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 5, "recursive definition of $M");
	assert_string_equal(l.text, "b\na\n");
	lexed_free(&l);

	lex(&l, "$P= \\\n p \\\n $Q\n$Q= \\\n q \\\n $P\n$P\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 7, "recursive definition of $P");
	lexed_free(&l);
}

static void test_multiline_conditional(void **state)
{
	static const char conf[] = "@main $M= \\\n main1 \\\n main2\n"
				   "@^main $M= \\\n other1 \\\n other2\n$M\n";
	struct lexed l;

	lex_id(&l, conf, "main");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text, "main1\nmain2\n");
	lexed_free(&l);
	lex_id(&l, conf, "backup");
	unit_assert_no_diags(&l.diags);
	assert_string_equal(l.text, "other1\nother2\n");
	lexed_free(&l);
}

static void test_multiline_to_eof(void **state)
{
	struct lexed l;

	lex(&l, "x\n$M= \\\n a \\\n");
	assert_true(l.ok);
	unit_assert_warning(&l.diags, "test.conf", 2, "runs to the end of the file");
	lexed_free(&l);
}

/* --- ~SEQ ----------------------------------------------------------------- */

static void test_seq_basic(void **state)
{
	assert_lexes_to("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n",
			"ip_address 10.0.0.1\nip_address 10.0.1.1\nip_address 10.0.2.1\n"
			"ip_address 10.0.3.1\n");
	assert_lexes_to("~SEQ(I, 0, 2, 5) $I\n", "0\n2\n4\n");
}

static void test_seq_hex(void **state)
{
	static const char expected[] = "ip fe80::20:90:1\nip fe80::20:a0:1\nip fe80::20:b0:1\n"
				       "ip fe80::20:c0:1\n";

	assert_lexes_to("~SEQx(SUBNET, 144, 16, 192) ip fe80::20:${SUBNET}:1\n", expected);
	assert_lexes_to("~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip fe80::20:${SUBNET}:1\n", expected);
}

static void test_seq_defaults_and_negative(void **state)
{
	assert_lexes_to("~SEQ(X, 3) $X\n", "1\n2\n3\n");
	assert_lexes_to("~SEQ(X, -2) $X\n", "-1\n-2\n");
	assert_lexes_to("~SEQ(X, 0) $X\n", "0\n");
	assert_lexes_to("~SEQ(X, 5, 3) $X\n", "5\n4\n3\n");
	assert_lexes_to("~SEQ(X, -1, -7, -15) $X\n", "-1\n-8\n-15\n");
	assert_lexes_to("~SEQx(X, 0x12, -1, 0x10) $X\n", "12\n11\n10\n");
}

static void test_seq_nested(void **state)
{
	assert_lexes_to("virtual_ipaddress {\n"
			"  ~SEQx(AD2, 0x90, 0x10, 0xa0) ~SEQx(AD1, 0x12, -1, 0x11) fe81::${AD2}:${AD1}\n"
			"}\n",
			"virtual_ipaddress {\nfe81::90:12\nfe81::90:11\nfe81::a0:12\nfe81::a0:11\n}\n");
}

static void test_seq_with_multiline(void **state)
{
	assert_lexes_to("$VI= \\\n vrrp_instance v${IF}.${ID} { \\\n  virtual_router_id ${ID} \\\n }\n"
			"~SEQ(IF,0,1) ~SEQ(ID,1,2) $VI\n",
			"vrrp_instance v0.1 {\nvirtual_router_id 1\n}\n"
			"vrrp_instance v0.2 {\nvirtual_router_id 2\n}\n"
			"vrrp_instance v1.1 {\nvirtual_router_id 1\n}\n"
			"vrrp_instance v1.2 {\nvirtual_router_id 2\n}\n");
}

static void test_seq_variable_restored(void **state)
{
	assert_lexes_to("$X=orig\n~SEQ(X,1,2) a $X\nb $X\n~SEQ(Y,1,1) c $Y\nd $Y\n",
			"a 1\na 2\nb orig\nc 1\nd $Y\n");
}

static void test_seq_arguments_substituted(void **state)
{
	assert_lexes_to("$N=3\n~SEQ(I, ${N}) $I\n", "1\n2\n3\n");
}

static void test_seq_errors(void **state)
{
	struct lexed l;

	lex(&l, "~SEQ(X, 1, 0, 3) a\n~SEQ(X, a, 3) b\n~SEQ(X) c\n~SEQ(1X, 3) d\n"
		"~SEQ(X, 1, 2 e\n~SEQ(X, 1, 2, 3, 4) f\n~SEQ({X,Y}, 3) g\n"
		"~SEQ(X, 99999999999999999999) h\nok\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "step must not be 0");
	unit_assert_error(&l.diags, "test.conf", 2, "'a' is not a number");
	unit_assert_error(&l.diags, "test.conf", 3, "~SEQ needs (VARIABLE");
	unit_assert_error(&l.diags, "test.conf", 4, "~SEQ needs (VARIABLE");
	unit_assert_error(&l.diags, "test.conf", 5, "missing ')'");
	unit_assert_error(&l.diags, "test.conf", 6, "~SEQ needs (VARIABLE");
	unit_assert_error(&l.diags, "test.conf", 7, "~SEQ needs (VARIABLE");
	unit_assert_error(&l.diags, "test.conf", 8, "is not a number");
	assert_int_equal(l.diags.errors, 8);
	assert_string_equal(l.text, "ok\n");
	lexed_free(&l);
}

static void test_seq_away_from_end(void **state)
{
	struct lexed l;

	lex(&l, "~SEQ(X, 5, 1, 3) a\n");
	assert_true(l.ok);
	unit_assert_warning(&l.diags, "test.conf", 1, "produces no lines");
	assert_string_equal(l.text, "");
	lexed_free(&l);
}

static void test_seq_line_limit(void **state)
{
	struct lexed l;

	conf_lex_set_max_generated_lines(1000);
	lex(&l, "a\n~SEQ(X, 1, 10) ~SEQ(Y, 1, 10) ~SEQ(Z, 1, 100) w\n~SEQ(X, 1, 5) v\n");
	conf_lex_set_max_generated_lines(0);
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 2, "expands to more than 1000 lines");
	assert_int_equal(l.diags.errors, 1);
	assert_true(l.tokens.count < 2100);
	lexed_free(&l);

	/* the default bound: no hang, one error (empty lines keep it cheap) */
	lex(&l, "~SEQ(X, 0, 1, 9223372036854775807) ~SEQ(Y, 1, 1000000)\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "expands to more than 2000000 lines");
	lexed_free(&l);
}

static void test_seq_extremes(void **state)
{
	assert_lexes_to("~SEQ(X, 9223372036854775806, 9223372036854775807) $X\n",
			"9223372036854775806\n9223372036854775807\n");
	assert_lexes_to("~SEQx(X, -0x2, 1, -0x1) $X\n", "-2\n-1\n");
}

/* --- ~LST ----------------------------------------------------------------- */

static void test_lst_basic(void **state)
{
	assert_lexes_to("~LST(V, a, b c, d) x $V\n", "x a\nx b c\nx d\n");
	assert_lexes_to("~LST({IP, IP1}, {10,1},{20,4},{5,6},{12,8}) 192.168.${IP}.${IP1}\n",
			"192.168.10.1\n192.168.20.4\n192.168.5.6\n192.168.12.8\n");
}

static void test_lst_nested_and_combined(void **state)
{
	assert_lexes_to("~LST(IP, 1, 2) ~LST(IP1, 5,6,7) 192.169.${IP}.${IP1}\n",
			"192.169.1.5\n192.169.1.6\n192.169.1.7\n"
			"192.169.2.5\n192.169.2.6\n192.169.2.7\n");
	assert_lexes_to("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,172) 192.${IP2}.${IP}.${IP1}\n",
			"192.168.10.1\n192.170.10.1\n192.172.10.1\n"
			"192.168.20.4\n192.170.20.4\n192.172.20.4\n");
}

static void test_lst_errors(void **state)
{
	struct lexed l;

	lex(&l, "~LST(V) a\n~LST({A,B}, {1,2}, {3}) b\n~LST(1V, x) c\n~LST({A,B}, {1,2) d\n"
		"~LST(V, x e\n~LST({A} junk, 1) f\nok\n");
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "at least one value");
	unit_assert_error(&l.diags, "test.conf", 2, "value 2 has 1 fields for 2 variables");
	unit_assert_error(&l.diags, "test.conf", 3, "invalid variable name '1V'");
	unit_assert_error(&l.diags, "test.conf", 4, "malformed {...} group");
	unit_assert_error(&l.diags, "test.conf", 5, "~LST: missing ')'");
	unit_assert_error(&l.diags, "test.conf", 6, "malformed {...} group");
	assert_int_equal(l.diags.errors, 6);
	assert_string_equal(l.text, "ok\n");
	lexed_free(&l);
}

/* --- includes ------------------------------------------------------------- */

struct files {
	char *dir;
	struct conf_tokens tokens;
	struct conf_diags diags;
	char *text;
	bool ok;
};

static void read_main(struct files *f, const char *main_rel, unsigned max_depth)
{
	char *path;
	struct conf_read_options opts = { .config_id = "main", .max_include_depth = max_depth };

	if (asprintf(&path, "%s/%s", f->dir, main_rel) < 0)
		abort();
	conf_diags_init(&f->diags);
	memset(&f->tokens, 0, sizeof(f->tokens));
	f->ok = conf_read_file(path, &opts, &f->tokens, &f->diags);
	f->text = render(&f->tokens);
	free(path);
}

static void files_reset(struct files *f)
{
	conf_tokens_free(&f->tokens);
	conf_diags_free(&f->diags);
	free(f->text);
	f->text = NULL;
}

static void write_file(struct files *f, const char *rel, const char *content)
{
	free(unit_write_file(f->dir, rel, content));
}

static int files_setup(void **state)
{
	struct files *f = calloc(1, sizeof(*f));

	f->dir = unit_tmpdir_create();
	*state = f;
	return 0;
}

static int files_teardown(void **state)
{
	struct files *f = *state;

	files_reset(f);
	unit_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void test_include_relative(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf", "a\ninclude sub/b.conf\nc\n");
	write_file(f, "sub/b.conf", "\nb1 {\ninclude c.conf # relative to sub/\n}\n");
	write_file(f, "sub/c.conf", "c1 ${_PWD}\n");
	read_main(f, "main.conf", 0);
	unit_assert_no_diags(&f->diags);
	assert_int_equal(f->tokens.count, 12);
	assert_string_equal(f->tokens.items[2].text, "b1");
	assert_true(unit_file_matches(f->tokens.items[2].where.file, "sub/b.conf"));
	assert_int_equal(f->tokens.items[2].where.line, 2);
	assert_string_equal(f->tokens.items[5].text, "c1");
	assert_true(unit_file_matches(f->tokens.items[5].where.file, "sub/c.conf"));
	assert_int_equal(f->tokens.items[5].where.line, 1);
	/* ${_PWD} is the absolute directory of the file using it */
	assert_non_null(strstr(f->tokens.items[6].text, "/sub"));
	assert_int_equal(f->tokens.items[6].text[0], '/');
	assert_string_equal(f->tokens.items[10].text, "c");
	assert_true(unit_file_matches(f->tokens.items[10].where.file, "main.conf"));
	assert_int_equal(f->tokens.items[10].where.line, 3);
}

static void test_include_glob_and_braces(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf", "include conf.d/*.conf\ninclude \"{x,y/{p,q}}.inc\"\n");
	write_file(f, "conf.d/20.conf", "twenty\n");
	write_file(f, "conf.d/10.conf", "ten\n");
	write_file(f, "conf.d/skip.txt", "skip\n");
	write_file(f, "x.inc", "x\n");
	write_file(f, "y/p.inc", "yp\n");
	write_file(f, "y/q.inc", "yq\n");
	read_main(f, "main.conf", 0);
	unit_assert_no_diags(&f->diags);
	assert_string_equal(f->text, "ten\ntwenty\nx\nyp\nyq\n");
}

static void test_include_no_match(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf",
		   "include none.conf\n"          /* 1: warning only */
		   "include none/*.conf\n"        /* 2: warning */
		   "includer none.conf\n"         /* 3: warning (readable only) */
		   "includem none.conf\n"         /* 4: error */
		   "includem none/*.conf\n"       /* 5: warning (wildcard) */
		   "includew none/*.conf\n"       /* 6: error */
		   "includeb {a,b}.conf\n"        /* 7: two errors */
		   "includea none.conf\n"         /* 8: error */
		   "ok\n");
	write_file(f, "a.conf", "a\n");
	write_file(f, "b.conf", "b\n");
	write_file(f, "c.conf", "c\n");
	read_main(f, "main.conf", 0);
	assert_false(f->ok);
	unit_assert_warning(&f->diags, "main.conf", 1, "include none.conf matches no file");
	unit_assert_warning(&f->diags, "main.conf", 2, "matches no file");
	unit_assert_warning(&f->diags, "main.conf", 3, "matches no file");
	unit_assert_error(&f->diags, "main.conf", 4, "includem none.conf matches no file");
	unit_assert_warning(&f->diags, "main.conf", 5, "matches no file");
	unit_assert_error(&f->diags, "main.conf", 6, "includew none/*.conf matches no file");
	unit_assert_error(&f->diags, "main.conf", 8, "includea none.conf matches no file");
	assert_int_equal(f->diags.errors, 3);
	assert_string_equal(f->text, "a\nb\nok\n");
	files_reset(f);

	write_file(f, "main.conf", "includeb {a,missing,c}.conf\n");
	read_main(f, "main.conf", 0);
	unit_assert_error(&f->diags, "main.conf", 1, "missing.conf matches no file");
	assert_int_equal(f->diags.errors, 1);
	assert_string_equal(f->text, "a\nc\n");
}

static void test_include_unreadable(void **state)
{
	struct files *f = *state;

	char *dir;

	/* a directory is never readable as a file, even by root */
	write_file(f, "main.conf", "include d*\nincluder d*\nincludea dir\n");
	assert_true(asprintf(&dir, "%s/dir", f->dir) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	read_main(f, "main.conf", 0);
	unit_assert_warning(&f->diags, "main.conf", 1, "not a regular file");
	unit_assert_error(&f->diags, "main.conf", 2, "not a regular file");
	unit_assert_error(&f->diags, "main.conf", 3, "not a regular file");
	assert_int_equal(f->diags.errors, 2);
}

static void test_include_loop(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf", "m\ninclude main.conf\nincludea a.conf\nend\n");
	write_file(f, "a.conf", "a\n\ninclude b.conf\n");
	write_file(f, "b.conf", "b\ninclude a.conf\n");
	read_main(f, "main.conf", 0);
	assert_false(f->ok);
	unit_assert_error(&f->diags, "main.conf", 2, "include loop");
	unit_assert_error(&f->diags, "b.conf", 2, "include loop: ");
	unit_assert_error(&f->diags, "b.conf", 2, "a.conf is already being read");
	assert_int_equal(f->diags.errors, 2);
	assert_string_equal(f->text, "m\na\nb\nend\n");
}

static void test_include_depth(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf", "include 1.conf\n");
	write_file(f, "1.conf", "one\ninclude 2.conf\n");
	write_file(f, "2.conf", "two\n\ninclude 3.conf\n");
	write_file(f, "3.conf", "three\n");
	read_main(f, "main.conf", 2);
	assert_false(f->ok);
	unit_assert_error(&f->diags, "2.conf", 3, "include nested more than 2 files deep");
	assert_string_equal(f->text, "one\ntwo\n");
	files_reset(f);
	read_main(f, "main.conf", 3);
	unit_assert_no_diags(&f->diags);
	assert_string_equal(f->text, "one\ntwo\nthree\n");
}

static void test_include_syntax(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf", "x\nincludea\ninclude a.conf 'b c.conf'\n"
				   "@main include a.conf\n");
	write_file(f, "a.conf", "a\n");
	write_file(f, "b c.conf", "bc\n");
	read_main(f, "main.conf", 0);
	unit_assert_error(&f->diags, "main.conf", 2, "includea needs a file name");
	/* include lines are recognised before conditions, as in keepalived */
	assert_string_equal(f->text, "x\na\nbc\ninclude a.conf\n");
}

static void test_include_check(void **state)
{
	struct files *f = *state;

	write_file(f, "main.conf", "include_check match\ninclude none.conf\ninclude sub.conf\n"
				   "include_check bogus -match\ninclude none2.conf\n");
	write_file(f, "sub.conf", "include_check\ninclude none/*.x\n");
	read_main(f, "main.conf", 0);
	unit_assert_error(&f->diags, "main.conf", 2, "include none.conf matches no file");
	unit_assert_error(&f->diags, "sub.conf", 2, "matches no file");
	unit_assert_error(&f->diags, "main.conf", 4, "unknown check 'bogus'");
	/* the included file's setting did not leak back; -match removed it */
	unit_assert_warning(&f->diags, "main.conf", 5, "matches no file");
	assert_int_equal(f->diags.errors, 3);
	/* the reader consumes the keyword: the keyword layer never sees it */
	assert_string_equal(f->text, "");
}

static void test_include_restricted(void **state)
{
	struct lexed l;

	conf_lex_restrict_includes(true);
	lex(&l, "include /etc/passwd\ninclude ../x.conf\nincludea {x,/etc/y}.conf\n");
	conf_lex_restrict_includes(false);
	assert_false(l.ok);
	unit_assert_error(&l.diags, "test.conf", 1, "only relative paths");
	unit_assert_error(&l.diags, "test.conf", 2, "only relative paths");
	unit_assert_error(&l.diags, "test.conf", 3, "/etc/y.conf: only relative paths");
	unit_assert_error(&l.diags, "test.conf", 3, "x.conf matches no file");
	assert_int_equal(l.diags.errors, 4);
	assert_int_equal(l.tokens.count, 0);
	lexed_free(&l);
}

static void test_include_device_not_opened(void **state)
{
	struct lexed l;

	lex(&l, "include /dev/null\nincludea /dev/zero\nx\n");
	unit_assert_warning(&l.diags, "test.conf", 1, "/dev/null: not a regular file");
	unit_assert_error(&l.diags, "test.conf", 2, "/dev/zero: not a regular file");
	assert_string_equal(l.text, "x\n");
	lexed_free(&l);
}

static void test_main_file_missing(void **state)
{
	struct files *f = *state;

	read_main(f, "nonexistent.conf", 0);
	assert_false(f->ok);
	unit_assert_error(&f->diags, "nonexistent.conf", 0, "cannot read");
	assert_int_equal(f->tokens.count, 0);
}

static void test_data_fixture(void **state)
{
	char *path = unit_data_path("lex/main.conf");
	struct conf_tokens tokens = { 0 };
	struct conf_diags diags;
	struct conf_read_options opts = { .config_id = "lb1" };
	char *text;

	conf_diags_init(&diags);
	assert_true(conf_read_file(path, &opts, &tokens, &diags));
	unit_assert_no_diags(&diags);
	text = render(&tokens);
	assert_string_equal(text,
		"global_defs {\nrouter_id lb1\n}\n"
		"vrrp_instance VI_1 {\nstate MASTER\npriority 150\nvirtual_ipaddress {\n"
		"10.0.0.1/24\n10.0.1.1/24\n}\n}\n"
		"vrrp_instance VI_2 {\nstate BACKUP\npriority 100\nvirtual_ipaddress {\n"
		"10.0.0.2/24\n10.0.1.2/24\n}\n}\n");
	for (size_t i = 0; i < tokens.count; i++)
		if (tokens.items[i].type == CONF_TOK_WORD &&
		    strcmp(tokens.items[i].text, "global_defs") == 0)
			assert_true(unit_file_matches(tokens.items[i].where.file,
						      "conf.d/global.conf"));
	free(text);
	conf_tokens_free(&tokens);
	conf_diags_free(&diags);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_eol),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_braces_are_tokens),
		cmocka_unit_test(test_quotes_join_words),
		cmocka_unit_test(test_quoted_flag),
		cmocka_unit_test(test_escapes_in_quotes),
		cmocka_unit_test(test_escape_nul_is_error),
		cmocka_unit_test(test_escapes_outside_quotes),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_line_numbers_after_comments),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_very_long_line),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_undefined_reference_stays_one_word),
		cmocka_unit_test(test_conditional_lines),
		cmocka_unit_test(test_conditional_default_id),
		cmocka_unit_test(test_conditional_without_id),
		cmocka_unit_test(test_definition_simple),
		cmocka_unit_test(test_reference_needs_whitespace),
		cmocka_unit_test(test_definition_use_time),
		cmocka_unit_test(test_definition_empty_and_redefined),
		cmocka_unit_test(test_definition_with_condition),
		cmocka_unit_test(test_condition_from_substitution),
		cmocka_unit_test(test_definition_recursive),
		cmocka_unit_test(test_definition_bad),
		cmocka_unit_test(test_definition_reserved_name),
		cmocka_unit_test(test_predefined),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_random_bad),
		cmocka_unit_test(test_substitution_blowup_bounded),
		cmocka_unit_test(test_multiline_definition),
		cmocka_unit_test(test_multiline_nested),
		cmocka_unit_test(test_multiline_inline_use),
		cmocka_unit_test(test_multiline_recursive),
		cmocka_unit_test(test_multiline_conditional),
		cmocka_unit_test(test_multiline_to_eof),
		cmocka_unit_test(test_seq_basic),
		cmocka_unit_test(test_seq_hex),
		cmocka_unit_test(test_seq_defaults_and_negative),
		cmocka_unit_test(test_seq_nested),
		cmocka_unit_test(test_seq_with_multiline),
		cmocka_unit_test(test_seq_variable_restored),
		cmocka_unit_test(test_seq_arguments_substituted),
		cmocka_unit_test(test_seq_errors),
		cmocka_unit_test(test_seq_away_from_end),
		cmocka_unit_test(test_seq_line_limit),
		cmocka_unit_test(test_seq_extremes),
		cmocka_unit_test(test_lst_basic),
		cmocka_unit_test(test_lst_nested_and_combined),
		cmocka_unit_test(test_lst_errors),
		cmocka_unit_test_setup_teardown(test_include_relative, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_glob_and_braces, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_no_match, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_unreadable, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_loop, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_depth, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_syntax, files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_include_check, files_setup, files_teardown),
		cmocka_unit_test(test_include_restricted),
		cmocka_unit_test(test_include_device_not_opened),
		cmocka_unit_test_setup_teardown(test_main_file_missing, files_setup, files_teardown),
		cmocka_unit_test(test_data_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
