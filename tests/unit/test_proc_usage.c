/* /proc/PID/stat parsing (daemon/proc_usage.c): the fields after a
 * command name holding spaces and parentheses, short or foreign text, and
 * the JSON figures of this very process. */
#include "config.h"

#include "unit.h"

#include "daemon/proc_usage.h"

/* A real line's shape: pid, (comm), state, then numbers; utime 14 = 250,
 * stime 15 = 50, rss 24 = 1234; negative priority/nice as the kernel
 * prints them. */
static const char stat_line[] =
	"4242 (vig ild) (x)) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 -20 -5 3 0 "
	"123456 45678912 1234 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n";

static void test_parse_fields(void **state)
{
	struct proc_stat_fields f;

	(void)state;
	assert_true(proc_stat_parse(stat_line, &f));
	assert_int_equal(f.utime_ticks, 250);
	assert_int_equal(f.stime_ticks, 50);
	assert_int_equal(f.rss_pages, 1234);
}

static void test_parse_rejects(void **state)
{
	struct proc_stat_fields f;

	(void)state;
	assert_false(proc_stat_parse(NULL, &f));
	assert_false(proc_stat_parse("", &f));
	assert_false(proc_stat_parse("no parenthesis here 1 2 3", &f));
	/* cut before field 24 */
	assert_false(proc_stat_parse("1 (a) S 1 1 1 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 9 100", &f));
}

static void test_self_json(void **state)
{
	json_object *o = json_object_new_object(), *v;

	(void)state;
	proc_usage_add_json(o, getpid());
	assert_true(json_object_object_get_ex(o, "rss_bytes", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_true(json_object_get_int64(v) > 0);
	assert_true(json_object_object_get_ex(o, "cpu_seconds", &v));
	assert_true(json_object_is_type(v, json_type_double));
	assert_true(json_object_get_double(v) >= 0);
	json_object_put(o);
}

static void test_no_process(void **state)
{
	json_object *o = json_object_new_object(), *v;

	(void)state;
	proc_usage_add_json(o, 0);
	assert_true(json_object_object_get_ex(o, "rss_bytes", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "cpu_seconds", &v));
	assert_null(v);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_self_json),
		cmocka_unit_test(test_no_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
