/* smtp_alert: the message text (headers, CRLF, header injection, the Date
 * in English), and the queue on loopback: bounded against a refused
 * connection, every mail failed and counted; against a server that never
 * greets, closing ends the session at once and smtp_connect_timeout ends
 * it on the loop. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/global_conf.h"
#include "smtp_alert.h"
#include "xalloc.h"

static void test_format_headers_and_body(void **state)
{
	const char *to[] = { "a@example.com", "b@example.net" };
	char *m;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	m = smtp_alert_format("vigil@h", to, 2, "[r] VRRP Instance VI_1 - Entering MASTER state",
			      "line one\nline two", 1795806000, "<1.2.3@h>");
	assert_string_equal(m,
			    "Date: Fri, 27 Nov 2026 19:00:00 +0000\r\n"
			    "From: vigil@h\r\n"
			    "To: a@example.com, b@example.net\r\n"
			    "Subject: [r] VRRP Instance VI_1 - Entering MASTER state\r\n"
			    "Message-ID: <1.2.3@h>\r\n"
			    "X-Mailer: vigil\r\n"
			    "\r\n"
			    "line one\r\nline two\r\n");
	free(m);
}

/* A name with a line break must not add a header of its own. */
static void test_format_no_header_injection(void **state)
{
	const char *to[] = { "a@example.com" };
	char *m;

	(void)state;
	m = smtp_alert_format("x@h", to, 1, "evil\r\nBcc: victim@example.com", "b\r\n", 0, "<i@h>");
	assert_non_null(strstr(m, "Subject: evil  Bcc: victim@example.com\r\n"));
	assert_null(strstr(m, "\r\nBcc:"));
	assert_non_null(strstr(m, "\r\n\r\nb\r\n"));
	free(m);
}

static void test_disabled_without_server_or_recipients(void **state)
{
	struct global_config *g = global_config_new();
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	smtp_alert_configure(&loop, g);
	assert_false(smtp_alert_send("s", "b"));
	g->smtp_server = xstrdup("127.0.0.1");
	smtp_alert_configure(&loop, g);
	assert_false(smtp_alert_send("s", "b"));    /* no notification_email */
	smtp_alert_close();
	global_config_free(g);
	uv_loop_close(&loop);
}

/* Port 1 on loopback refuses at once: one session runs, SMTP_ALERT_QUEUE_MAX
 * wait, the next is dropped; the loop then fails them all. */
static void test_queue_bounded_and_failures_counted(void **state)
{
	struct global_config *g = global_config_new();
	struct smtp_alert_counters c0 = smtp_alert_counters(), c;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	g->smtp_server = xstrdup("127.0.0.1");
	g->smtp_port = 1;
	ptr_array_push(&g->notification_email, xstrdup("a@example.com"));
	smtp_alert_configure(&loop, g);
	for (int i = 0; i < SMTP_ALERT_QUEUE_MAX + 1; i++)
		assert_true(smtp_alert_vrrp("Instance", "VI_1", "MASTER"));
	assert_false(smtp_alert_quorum("[10.0.0.1]:tcp:80", false, 1, 0, 0));
	uv_run(&loop, UV_RUN_DEFAULT);   /* ends once no transfer is left */
	c = smtp_alert_counters();
	assert_int_equal(c.queued - c0.queued, SMTP_ALERT_QUEUE_MAX + 1);
	assert_int_equal(c.dropped - c0.dropped, 1);
	assert_int_equal(c.failed - c0.failed, SMTP_ALERT_QUEUE_MAX + 1);
	assert_int_equal(c.sent - c0.sent, 0);
	smtp_alert_close();
	global_config_free(g);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_no_email_faults(void **state)
{
	struct global_config *g = global_config_new();
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	g->smtp_server = xstrdup("127.0.0.1");
	g->smtp_port = 1;
	g->no_email_faults = true;
	ptr_array_push(&g->notification_email, xstrdup("a@example.com"));
	smtp_alert_configure(&loop, g);
	assert_false(smtp_alert_vrrp("Instance", "VI_1", "FAULT"));
	assert_true(smtp_alert_vrrp("Group", "G1", "BACKUP"));
	uv_run(&loop, UV_RUN_DEFAULT);
	smtp_alert_close();
	global_config_free(g);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void stall_tick(uv_timer_t *t)
{
	(void)t;
	smtp_alert_close();
}

/* A loopback listener nobody accepts from: connections complete, no 220. */
static int stalled_listener(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static struct global_config *stalled_config(uint16_t port, uint32_t timeout_s)
{
	struct global_config *g = global_config_new();

	g->smtp_server = xstrdup("127.0.0.1");
	g->smtp_port = port;
	g->smtp_connect_timeout_s = timeout_s;
	ptr_array_push(&g->notification_email, xstrdup("a@example.com"));
	return g;
}

/* A server that never greets: the session waits for its 220; closing the
 * alerter must end it, leaving no handle that would keep the loop alive. */
static void test_close_during_stalled_session(void **state)
{
	uint16_t port;
	int fd = stalled_listener(&port);
	struct global_config *g = stalled_config(port, 30);
	uv_loop_t loop;
	uv_timer_t timer;

	(void)state;
	uv_loop_init(&loop);
	smtp_alert_configure(&loop, g);
	assert_true(smtp_alert_vrrp("Instance", "VI_1", "MASTER"));
	assert_true(smtp_alert_vrrp("Instance", "VI_1", "BACKUP"));
	uv_timer_init(&loop, &timer);
	uv_timer_start(&timer, stall_tick, 200, 0);
	uv_unref((uv_handle_t *)&timer);
	uv_run(&loop, UV_RUN_DEFAULT);   /* returns only if nothing is left */
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	global_config_free(g);
	close(fd);
}

/* The same server with smtp_connect_timeout 1: each session gives up
 * after about a second, on the loop, and is counted as failed. */
static void test_stalled_session_times_out(void **state)
{
	uint16_t port;
	int fd = stalled_listener(&port);
	struct global_config *g = stalled_config(port, 1);
	struct smtp_alert_counters c0 = smtp_alert_counters(), c;
	uv_loop_t loop;
	uint64_t t0;

	(void)state;
	uv_loop_init(&loop);
	smtp_alert_configure(&loop, g);
	assert_true(smtp_alert_real_server("[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80", false,
					   "TCP_CHECK"));
	assert_true(smtp_alert_quorum("[10.0.0.1]:tcp:80", false, 1, 0, 0));
	t0 = uv_hrtime();
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_in_range((uv_hrtime() - t0) / 1000000, 1800, 4000);
	c = smtp_alert_counters();
	assert_int_equal(c.failed - c0.failed, 2);
	smtp_alert_close();
	assert_int_equal(uv_loop_close(&loop), 0);
	global_config_free(g);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_headers_and_body),
		cmocka_unit_test(test_format_no_header_injection),
		cmocka_unit_test(test_disabled_without_server_or_recipients),
		cmocka_unit_test(test_queue_bounded_and_failures_counted),
		cmocka_unit_test(test_no_email_faults),
		cmocka_unit_test(test_close_during_stalled_session),
		cmocka_unit_test(test_stalled_session_times_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
