/* Unit tests of the event objects behind `vigilctl events`
 * (lib/vigil_event.h): the time stamp, the type and class tables, the
 * --type filter, and that an event reaches the sink only when someone
 * listens. */
#include "config.h"
#include "unit.h"

#include "vigil_event.h"

#include <regex.h>

static void test_time_format(void **state)
{
	struct timespec ts = { .tv_sec = 1796247001, .tv_nsec = 123999999 };
	char buf[48];

	vigil_event_format_time(&ts, buf, sizeof(buf));
	/* Milliseconds truncated, never rounded up into the next second. */
	assert_string_equal(buf, "2026-12-02T21:30:01.123Z");
	ts.tv_nsec = 999999999;
	vigil_event_format_time(&ts, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-02T21:30:01.999Z");
	ts.tv_nsec = 0;
	vigil_event_format_time(&ts, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-02T21:30:01.000Z");
}

static void test_new_event_has_time_and_type(void **state)
{
	json_object *ev = vigil_event_new(VIGIL_EVENT_REAL_SERVER);
	json_object *type, *time;
	regex_t re;

	assert_true(json_object_object_get_ex(ev, "type", &type));
	assert_string_equal(json_object_get_string(type), "real_server");
	assert_true(json_object_object_get_ex(ev, "time", &time));
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
				 "\\.[0-9]{3}Z$", REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, json_object_get_string(time), 0, NULL, 0), 0);
	regfree(&re);
	json_object_put(ev);
}

static void test_every_type_has_a_name_and_class(void **state)
{
	for (int t = 0; t < VIGIL_EVENT_TYPE_COUNT; t++) {
		assert_non_null(vigil_event_type_names[t]);
		assert_int_not_equal(vigil_event_class_of(vigil_event_type_names[t]), 0);
	}
	assert_int_equal(vigil_event_class_of("vrrp_instance"), VIGIL_EVENT_CLASS_VRRP);
	assert_int_equal(vigil_event_class_of("virtual_server"), VIGIL_EVENT_CLASS_CHECKER);
	assert_int_equal(vigil_event_class_of("worker"), VIGIL_EVENT_CLASS_PROCESS);
	assert_int_equal(vigil_event_class_of("nonsense"), 0);
	assert_int_equal(vigil_event_class_of(NULL), 0);
}

static void test_class_names(void **state)
{
	assert_int_equal(vigil_event_class_by_name("vrrp"), VIGIL_EVENT_CLASS_VRRP);
	assert_int_equal(vigil_event_class_by_name("checker"), VIGIL_EVENT_CLASS_CHECKER);
	assert_int_equal(vigil_event_class_by_name("process"), VIGIL_EVENT_CLASS_PROCESS);
	assert_int_equal(vigil_event_class_by_name("all"), VIGIL_EVENT_CLASS_ALL);
	assert_int_equal(vigil_event_class_by_name("VRRP"), 0);
	assert_int_equal(vigil_event_class_by_name(""), 0);
}

static void test_filter(void **state)
{
	json_object *vrrp = vigil_event_new(VIGIL_EVENT_VRRP_SYNC_GROUP);
	json_object *overflow = vigil_event_new(VIGIL_EVENT_OVERFLOW);
	json_object *untyped = json_object_new_object();

	assert_true(vigil_event_matches(vrrp, VIGIL_EVENT_CLASS_VRRP));
	assert_true(vigil_event_matches(vrrp, VIGIL_EVENT_CLASS_ALL));
	assert_false(vigil_event_matches(vrrp, VIGIL_EVENT_CLASS_CHECKER | VIGIL_EVENT_CLASS_PROCESS));
	/* Whatever a subscriber filters, it must learn that it missed events. */
	assert_true(vigil_event_matches(overflow, VIGIL_EVENT_CLASS_CHECKER));
	assert_false(vigil_event_matches(untyped, VIGIL_EVENT_CLASS_ALL));
	json_object_put(vrrp);
	json_object_put(overflow);
	json_object_put(untyped);
}

static void count_sink(void *arg, json_object *event)
{
	(*(int *)arg)++;
	json_object_put(event);
}

static void test_sink_only_when_enabled(void **state)
{
	int received = 0;

	vigil_event_set_sink(NULL, NULL);
	vigil_event_set_enabled(true);
	assert_false(vigil_event_wanted());
	vigil_event_emit(vigil_event_new(VIGIL_EVENT_RELOAD));   /* dropped, not leaked */
	vigil_event_set_sink(count_sink, &received);
	vigil_event_set_enabled(false);
	assert_false(vigil_event_wanted());
	vigil_event_emit(vigil_event_new(VIGIL_EVENT_RELOAD));
	assert_int_equal(received, 0);
	vigil_event_set_enabled(true);
	assert_true(vigil_event_wanted());
	vigil_event_emit(vigil_event_new(VIGIL_EVENT_RELOAD));
	vigil_event_emit(vigil_event_new(VIGIL_EVENT_WORKER));
	assert_int_equal(received, 2);
	vigil_event_set_sink(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_new_event_has_time_and_type),
		cmocka_unit_test(test_every_type_has_a_name_and_class),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_sink_only_when_enabled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
