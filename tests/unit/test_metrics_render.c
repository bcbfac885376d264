/* The Prometheus rendering (daemon/metrics_render.c) from status objects
 * shaped like `vigilctl status --json`: state values, counters, drops by
 * reason, sync groups, virtual and real servers, label escaping, and a
 * status with parts missing (a worker that did not answer). */
#include "config.h"

#include "unit.h"

#include "daemon/metrics_render.h"

static const char status_text[] =
	"{\"version\":\"9.9\",\"uptime_s\":42,\"reloads\":{\"count\":3},"
	"\"workers\":[{\"name\":\"vrrp\",\"state\":\"running\",\"restarts\":1},"
	"{\"name\":\"checker\",\"state\":\"stopped\",\"restarts\":0}],"
	"\"vrrp\":{\"instances\":[{\"name\":\"VI_\\\"x\\\\\",\"state\":\"MASTER\",\"vrid\":51,"
	"\"interface\":\"eth0\",\"priority\":100,\"effective_priority\":90,\"maintenance\":false,"
	"\"advert_interval_us\":100000,\"vips\":[\"10.0.0.1/24\",\"10.0.0.2/24\"],"
	"\"last_transition\":{\"time\":\"2024-05-01T12:00:00.250Z\"},"
	"\"stats\":{\"adverts_sent\":7,\"became_master\":2,\"drops\":{\"bad_ttl\":4,\"bad_checksum\":0}}},"
	"{\"name\":\"VI_2\",\"state\":\"FAULT\",\"vrid\":52,\"interface\":\"eth1\",\"stats\":{}}],"
	"\"sync_groups\":[{\"name\":\"SG1\",\"state\":\"BACKUP\"}]},"
	"\"virtual_servers\":[{\"address\":\"10.0.0.10\",\"port\":80,\"protocol\":\"TCP\","
	"\"quorum_ok\":true,\"installed\":false,\"real_servers\":[{\"address\":\"10.0.1.2\","
	"\"port\":8080,\"up\":false,\"weight\":4,\"active_connections\":5,\"inactive_connections\":1,\"configured_weight\":3,\"effective_weight\":0,\"checkers\":["
	"{\"last_check\":\"2026-11-27T10:00:01.000Z\",\"last_latency_ms\":1.5,\"failures\":5},"
	"{\"last_check\":\"2026-11-27T10:00:00.500Z\",\"last_latency_ms\":9,\"failures\":2},"
	"{\"last_check\":null,\"last_latency_ms\":null,\"failures\":0}]},"
	"{\"address\":\"10.0.1.3\",\"port\":8080,\"up\":true,\"active_connections\":2,"
	"\"inactive_connections\":null,\"checkers\":[]}]},"
	"{\"fwmark\":7,\"protocol\":\"TCP\",\"real_servers\":[]}]}";

static char *render(const char *json, size_t *len)
{
	json_object *st = json_tokener_parse(json);
	char *text;

	assert_non_null(st);
	text = metrics_render(st, len);
	json_object_put(st);
	return text;
}

static void assert_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
		p++;
	}
	fail_msg("line '%s' not in:\n%s", line, text);
}

static void test_process_and_vrrp(void **state)
{
	size_t len;
	char *t = render(status_text, &len);

	(void)state;
	assert_int_equal(strlen(t), len);
	assert_line(t, "vigil_build_info{version=\"9.9\"} 1");
	assert_line(t, "vigil_uptime_seconds 42");
	assert_line(t, "vigil_config_reloads_total 3");
	assert_line(t, "vigil_worker_up{worker=\"vrrp\"} 1");
	assert_line(t, "vigil_worker_up{worker=\"checker\"} 0");
	assert_line(t, "vigil_worker_restarts_total{worker=\"vrrp\"} 1");
	/* the instance name is escaped: VI_"x\ */
	assert_line(t, "vigil_vrrp_instance_state{vrrp_instance=\"VI_\\\"x\\\\\",interface=\"eth0\",vrid=\"51\"} 2");
	assert_line(t, "vigil_vrrp_instance_state{vrrp_instance=\"VI_2\",interface=\"eth1\",vrid=\"52\"} 3");
	assert_line(t, "vigil_vrrp_instance_effective_priority{vrrp_instance=\"VI_\\\"x\\\\\",interface=\"eth0\",vrid=\"51\"} 90");
	assert_line(t, "vigil_vrrp_instance_advert_interval_seconds{vrrp_instance=\"VI_\\\"x\\\\\",interface=\"eth0\",vrid=\"51\"} 0.1");
	assert_line(t, "vigil_vrrp_instance_vips{vrrp_instance=\"VI_2\",interface=\"eth1\",vrid=\"52\"} 0");
	assert_line(t, "vigil_vrrp_instance_last_transition_timestamp_seconds{vrrp_instance=\"VI_\\\"x\\\\\",interface=\"eth0\",vrid=\"51\"} 1714564800.25");
	assert_line(t, "vigil_vrrp_adverts_sent_total{vrrp_instance=\"VI_\\\"x\\\\\",interface=\"eth0\",vrid=\"51\"} 7");
	assert_line(t, "vigil_vrrp_adverts_dropped_total{vrrp_instance=\"VI_\\\"x\\\\\",interface=\"eth0\",vrid=\"51\",reason=\"bad_ttl\"} 4");
	assert_line(t, "vigil_vrrp_sync_group_state{group=\"SG1\"} 1");
	assert_line(t, "# TYPE vigil_vrrp_adverts_sent_total counter");
	/* a counter the instance does not report is left out, not invented */
	assert_null(strstr(t, "vigil_vrrp_adverts_sent_total{vrrp_instance=\"VI_2\""));
	free(t);
}

static void test_servers(void **state)
{
	size_t len;
	char *t = render(status_text, &len);

	(void)state;
	assert_line(t, "vigil_virtual_server_quorum_ok{virtual_server=\"TCP 10.0.0.10:80\"} 1");
	assert_line(t, "vigil_virtual_server_installed{virtual_server=\"TCP 10.0.0.10:80\"} 0");
	/* sums over the real servers that have the figure; none: no sample */
	assert_line(t, "vigil_virtual_server_active_connections{virtual_server=\"TCP 10.0.0.10:80\"} 7");
	assert_line(t, "vigil_virtual_server_inactive_connections{virtual_server=\"TCP 10.0.0.10:80\"} 1");
	assert_null(strstr(t, "vigil_virtual_server_active_connections{virtual_server=\"fwmark 7\"}"));
	assert_line(t, "vigil_real_server_up{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.2:8080\"} 0");
	assert_line(t, "vigil_real_server_weight{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.2:8080\"} 0");
	assert_line(t, "vigil_real_server_configured_weight{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.2:8080\"} 3");
	assert_line(t, "vigil_real_server_check_latency_seconds{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.2:8080\"} 0.0015");
	/* the sum over its checkers; the latency of the one that ran last */
	assert_line(t, "vigil_real_server_check_failures_total{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.2:8080\"} 7");
	/* no checker, or none has run: no sample rather than a made-up 0 */
	assert_null(strstr(t, "vigil_real_server_check_latency_seconds{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.3:8080\"}"));
	assert_null(strstr(t, "vigil_real_server_check_failures_total{virtual_server=\"TCP 10.0.0.10:80\",real_server=\"10.0.1.3:8080\"}"));
	free(t);
}

/* Process figures of the parent and each worker, and each worker's mail
 * counters (a worker that did not answer has none). */
static const char process_text[] =
	"{\"version\":\"1\",\"rss_bytes\":1048576,\"cpu_seconds\":0.25,\"workers\":["
	"{\"name\":\"vrrp\",\"state\":\"running\",\"rss_bytes\":2097152,\"cpu_seconds\":1.5,"
	"\"smtp_alert\":{\"queued\":4,\"sent\":3,\"failed\":1,\"dropped\":0}},"
	"{\"name\":\"checker\",\"state\":\"unresponsive\",\"rss_bytes\":null,"
	"\"cpu_seconds\":null,\"smtp_alert\":null}]}";

static void test_process_figures_and_mail(void **state)
{
	size_t len;
	char *t = render(process_text, &len);

	(void)state;
	assert_line(t, "# TYPE vigil_process_resident_memory_bytes gauge");
	assert_line(t, "vigil_process_resident_memory_bytes{process=\"parent\"} 1048576");
	assert_line(t, "vigil_process_resident_memory_bytes{process=\"vrrp\"} 2097152");
	assert_line(t, "# TYPE vigil_process_cpu_seconds_total counter");
	assert_line(t, "vigil_process_cpu_seconds_total{process=\"parent\"} 0.25");
	assert_line(t, "vigil_process_cpu_seconds_total{process=\"vrrp\"} 1.5");
	assert_line(t, "vigil_smtp_alert_mails_queued_total{worker=\"vrrp\"} 4");
	assert_line(t, "vigil_smtp_alert_mails_sent_total{worker=\"vrrp\"} 3");
	assert_line(t, "vigil_smtp_alert_mails_failed_total{worker=\"vrrp\"} 1");
	assert_line(t, "vigil_smtp_alert_mails_dropped_total{worker=\"vrrp\"} 0");
	assert_line(t, "# TYPE vigil_smtp_alert_mails_sent_total counter");
	/* unknown figures are left out, not reported as 0 */
	assert_null(strstr(t, "{process=\"checker\"}"));
	assert_null(strstr(t, "vigil_smtp_alert_mails_sent_total{worker=\"checker\"}"));
	assert_null(strstr(t, "vigil_smtp_alert_mails_failed_total{worker=\"checker\"}"));
	free(t);
}

/* A parent whose workers did not answer: vrrp and virtual_servers null. */
static void test_partial_status(void **state)
{
	size_t len;
	char *t = render("{\"version\":\"1\",\"vrrp\":null,\"virtual_servers\":null,\"workers\":[]}",
			 &len);

	(void)state;
	assert_line(t, "vigil_build_info{version=\"1\"} 1");
	assert_line(t, "# TYPE vigil_vrrp_instance_state gauge");
	assert_null(strstr(t, "vigil_vrrp_instance_state{"));
	free(t);
}

static void test_state_values(void **state)
{
	(void)state;
	assert_int_equal(metrics_vrrp_state_value("INIT"), 0);
	assert_int_equal(metrics_vrrp_state_value("BACKUP"), 1);
	assert_int_equal(metrics_vrrp_state_value("MASTER"), 2);
	assert_int_equal(metrics_vrrp_state_value("FAULT"), 3);
	assert_int_equal(metrics_vrrp_state_value("STOP"), 4);
	assert_int_equal(metrics_vrrp_state_value("bogus"), -1);
	assert_int_equal(metrics_vrrp_state_value(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process_and_vrrp),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_partial_status),
		cmocka_unit_test(test_process_figures_and_mail),
		cmocka_unit_test(test_state_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
