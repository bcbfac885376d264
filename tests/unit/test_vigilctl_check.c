/* `vigilctl check` (tools/vigilctl_nagios.c): the plugin code and line for
 * status results: all well, a FAULT, an instance not in the expected
 * state, a real server down, a virtual server below quorum, failed and
 * starting workers, maintenance, and --expect parsing. */
#include "config.h"

#include "unit.h"

#include "tools/vigilctl.h"

static int evaluate(const char *json, const char *const *expects, size_t n, char *line,
		    size_t len)
{
	struct vigilctl_check_expect ex[4];
	json_object *st = json_tokener_parse(json);
	FILE *f = fmemopen(line, len, "w");
	int code;

	assert_non_null(st);
	for (size_t i = 0; i < n; i++)
		assert_true(vigilctl_check_parse_expect(expects[i], &ex[i]));
	code = vigilctl_check_evaluate(st, ex, n, f);
	fclose(f);
	json_object_put(st);
	return code;
}

#define WORKERS "\"workers\":[{\"name\":\"vrrp\",\"state\":\"running\"}," \
		"{\"name\":\"checker\",\"state\":\"stopped\"}]"
#define INST(name, state) "{\"name\":\"" name "\",\"state\":\"" state "\"}"

static void test_all_well(void **state)
{
	char line[512];

	(void)state;
	assert_int_equal(evaluate("{" WORKERS ",\"vrrp\":{\"instances\":[" INST("A", "MASTER") ","
				  INST("B", "BACKUP") "]}}", NULL, 0, line, sizeof(line)), 0);
	assert_string_equal(line, "VIGIL OK - 1 master, 1 backup, 0 real servers up | masters=1 "
			    "backups=1 faults=0 other=0 maintenance=0 rs_up=0 rs_down=0 "
			    "vs_below_quorum=0\n");
}

static void test_fault_and_expect(void **state)
{
	const char *const want_master[] = { "A=master" };
	const char *const want_missing[] = { "Z=BACKUP" };
	char line[512];

	(void)state;
	assert_int_equal(evaluate("{" WORKERS ",\"vrrp\":{\"instances\":[" INST("A", "FAULT") "]}}",
				  NULL, 0, line, sizeof(line)), 2);
	assert_non_null(strstr(line, "VIGIL CRITICAL - A is FAULT |"));
	assert_int_equal(evaluate("{" WORKERS ",\"vrrp\":{\"instances\":[" INST("A", "BACKUP") "]}}",
				  want_master, 1, line, sizeof(line)), 2);
	assert_non_null(strstr(line, "A is BACKUP"));
	assert_int_equal(evaluate("{" WORKERS ",\"vrrp\":{\"instances\":[" INST("A", "MASTER") "]}}",
				  want_master, 1, line, sizeof(line)), 0);
	assert_int_equal(evaluate("{" WORKERS ",\"vrrp\":{\"instances\":[]}}", want_missing, 1,
				  line, sizeof(line)), 2);
	assert_non_null(strstr(line, "no instance Z"));
}

static void test_servers(void **state)
{
	char line[512];

	(void)state;
	assert_int_equal(evaluate("{" WORKERS ",\"virtual_servers\":[{\"address\":\"10.0.0.10\","
				  "\"quorum_ok\":true,\"real_servers\":[{\"address\":\"10.0.1.1\","
				  "\"up\":true},{\"address\":\"10.0.1.2\",\"up\":false}]}]}",
				  NULL, 0, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "VIGIL WARNING - real server 10.0.1.2 down"));
	assert_non_null(strstr(line, "rs_up=1 rs_down=1"));
	assert_int_equal(evaluate("{" WORKERS ",\"virtual_servers\":[{\"address\":\"10.0.0.10\","
				  "\"quorum_ok\":false,\"real_servers\":[]}]}",
				  NULL, 0, line, sizeof(line)), 2);
	assert_non_null(strstr(line, "virtual server 10.0.0.10 below quorum"));
}

static void test_workers_and_maintenance(void **state)
{
	char line[512];

	(void)state;
	assert_int_equal(evaluate("{\"workers\":[{\"name\":\"vrrp\",\"state\":\"config-error\"}]}",
				  NULL, 0, line, sizeof(line)), 2);
	assert_non_null(strstr(line, "vrrp worker config-error"));
	assert_int_equal(evaluate("{\"workers\":[{\"name\":\"vrrp\",\"state\":\"starting\"}]}",
				  NULL, 0, line, sizeof(line)), 1);
	assert_int_equal(evaluate("{" WORKERS ",\"vrrp\":{\"instances\":[{\"name\":\"A\","
				  "\"state\":\"BACKUP\",\"maintenance\":true}]}}",
				  NULL, 0, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "A held backup by an operator"));
}

static void test_parse_expect(void **state)
{
	struct vigilctl_check_expect ex;

	(void)state;
	assert_true(vigilctl_check_parse_expect("VI_1=backup", &ex));
	assert_string_equal(ex.instance, "VI_1");
	assert_string_equal(ex.state, "BACKUP");
	assert_false(vigilctl_check_parse_expect("VI_1", &ex));
	assert_false(vigilctl_check_parse_expect("=MASTER", &ex));
	assert_false(vigilctl_check_parse_expect("VI_1=LEADER", &ex));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_well),
		cmocka_unit_test(test_fault_and_expect),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_workers_and_maintenance),
		cmocka_unit_test(test_parse_expect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
