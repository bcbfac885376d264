/* Unit tests of the control protocol framing (lib/ctl_proto.h): lines out
 * of arbitrary chunks, the size limit, request and response shapes. */
#include "config.h"
#include "unit.h"

#include "ctl_proto.h"

static void test_lines_from_chunks(void **state)
{
	struct ctl_linebuf lb;
	char *line;

	ctl_linebuf_init(&lb, 100);
	assert_true(ctl_linebuf_append(&lb, "{\"a\"", 4));
	assert_null(ctl_linebuf_next(&lb));
	assert_true(ctl_linebuf_append(&lb, ":1}\r\n{\"b\":2}\nrest", 18));
	line = ctl_linebuf_next(&lb);
	assert_string_equal(line, "{\"a\":1}");
	free(line);
	line = ctl_linebuf_next(&lb);
	assert_string_equal(line, "{\"b\":2}");
	free(line);
	assert_null(ctl_linebuf_next(&lb));
	assert_true(ctl_linebuf_append(&lb, "\n", 1));
	line = ctl_linebuf_next(&lb);
	assert_string_equal(line, "rest");
	free(line);
	ctl_linebuf_free(&lb);
}

/* A large message taken out leaves no large buffer behind (a status of
 * thousands of real servers is megabytes); a small one keeps its buffer
 * for the next. */
static void test_large_line_frees_buffer(void **state)
{
	const size_t big_len = 1024 * 1024;
	char *big = malloc(big_len + 1), *line;
	struct ctl_linebuf lb;

	assert_non_null(big);
	memset(big, 'x', big_len);
	big[big_len] = '\n';
	ctl_linebuf_init(&lb, 2 * big_len);
	assert_true(ctl_linebuf_append(&lb, big, big_len + 1));
	assert_true(lb.cap > big_len);
	line = ctl_linebuf_next(&lb);
	assert_int_equal(strlen(line), big_len);
	free(line);
	assert_null(lb.data);
	assert_int_equal(lb.cap, 0);
	/* and it works as before afterwards */
	assert_true(ctl_linebuf_append(&lb, "{}\n", 3));
	line = ctl_linebuf_next(&lb);
	assert_string_equal(line, "{}");
	free(line);
	assert_non_null(lb.data);          /* small: kept for the next line */
	ctl_linebuf_free(&lb);
	free(big);
}

static void test_line_limit(void **state)
{
	struct ctl_linebuf lb;
	char big[64];
	char *line;

	memset(big, 'x', sizeof(big));
	ctl_linebuf_init(&lb, 16);
	/* exactly the limit is fine */
	assert_true(ctl_linebuf_append(&lb, big, 16));
	assert_true(ctl_linebuf_append(&lb, "\n", 1));
	line = ctl_linebuf_next(&lb);
	assert_int_equal(strlen(line), 16);
	free(line);
	/* one more byte without a newline is not */
	assert_false(ctl_linebuf_append(&lb, big, 17));
	assert_true(lb.overflow);
	assert_false(ctl_linebuf_append(&lb, "\n", 1));
	assert_null(ctl_linebuf_next(&lb));
	ctl_linebuf_free(&lb);

	/* a long line arriving whole with its newline is caught when taken out */
	ctl_linebuf_init(&lb, 16);
	big[40] = '\n';
	assert_true(ctl_linebuf_append(&lb, big, 41));
	assert_null(ctl_linebuf_next(&lb));
	assert_true(lb.overflow);
	ctl_linebuf_free(&lb);
}

static void test_parse_object(void **state)
{
	const char *why = NULL;
	json_object *o;

	assert_null(ctl_parse_object("not json", &why));
	assert_non_null(why);
	why = NULL;
	assert_null(ctl_parse_object("[1,2]", &why));
	assert_string_equal(why, "not a JSON object");
	o = ctl_parse_object("{\"command\":\"status\"}", &why);
	assert_non_null(o);
	json_object_put(o);
}

static void test_request_command(void **state)
{
	const char *why = NULL;
	json_object *o;

	for (int i = 0; i < CTL_CMD_COUNT; i++) {
		o = ctl_request_new((enum ctl_command)i);
		assert_int_equal(ctl_request_command(o, &why), i);
		json_object_put(o);
	}
	o = ctl_parse_object("{\"command\":\"frob\"}", &why);
	assert_int_equal(ctl_request_command(o, &why), CTL_CMD_INVALID);
	assert_string_equal(why, "unknown command");
	json_object_put(o);
	o = ctl_parse_object("{\"command\":5}", &why);
	assert_int_equal(ctl_request_command(o, &why), CTL_CMD_INVALID);
	json_object_put(o);
}

static void test_format_line(void **state)
{
	json_object *o = ctl_request_new(CTL_CMD_STOP);
	size_t len;
	char *line = ctl_format_line(o, &len);

	assert_string_equal(line, "{\"command\":\"stop\"}\n");
	assert_int_equal(len, strlen(line));
	free(line);
	json_object_put(o);
}

static void test_responses(void **state)
{
	json_object *result, *resp, *errors;
	const char *error;
	bool malformed;
	struct conf_diags diags;
	struct conf_where where = { .file = "x.conf", .line = 3 };

	resp = ctl_response_ok(NULL);
	assert_true(ctl_response_read(resp, &result, &error, &malformed));
	assert_true(json_object_is_type(result, json_type_object));
	json_object_put(resp);

	resp = ctl_response_error("nope");
	assert_false(ctl_response_read(resp, &result, &error, &malformed));
	assert_false(malformed);
	assert_string_equal(error, "nope");
	json_object_put(resp);

	resp = json_object_new_object();
	assert_false(ctl_response_read(resp, &result, &error, &malformed));
	assert_true(malformed);
	json_object_put(resp);

	conf_diags_init(&diags);
	conf_diag_error(&diags, where, "bad %s", "thing");
	conf_diag_warning(&diags, where, "only a warning");
	conf_diag_error(&diags, where, "worse");
	resp = ctl_response_refused(&diags);
	assert_false(ctl_response_read(resp, &result, &error, &malformed));
	assert_string_equal(error, "configuration refused: 2 errors");
	assert_true(json_object_object_get_ex(resp, "errors", &errors));
	assert_int_equal(json_object_array_length(errors), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(errors, 0)),
			    "x.conf:3: error: bad thing");
	json_object_put(resp);
	conf_diags_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_from_chunks),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_large_line_frees_buffer),
		cmocka_unit_test(test_parse_object),
		cmocka_unit_test(test_request_command),
		cmocka_unit_test(test_format_line),
		cmocka_unit_test(test_responses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
