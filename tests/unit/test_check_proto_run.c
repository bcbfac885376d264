/* SMTP_CHECK, DNS_CHECK, MISC_CHECK and FILE_CHECK against the probe
 * contract, on the loopback: the result comes from the loop, never from
 * inside start(); a cancelled attempt never reports and leaves no handle
 * behind; bad input is refused by start() itself. */
#include "unit.h"

#include "checker/check_conf.h"
#include "checker/check_probe.h"
#include "script_run.h"
#include "vrrp/vrrp_conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

struct run {
	uv_loop_t loop;
	struct check_checker_config cfg;
	struct check_attempt attempt;
	uv_timer_t stopper;             /* ends a uv_run after a while */
	int calls;
	struct check_result result;
};

static void stop_loop(uv_timer_t *timer)
{
	uv_stop(timer->loop);
}

/* Runs the loop for `ms` (or until nothing is left to run). */
static void run_for(struct run *run, uint64_t ms)
{
	uv_timer_start(&run->stopper, stop_loop, ms, 0);
	uv_run(&run->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&run->stopper);
}

static void on_done(struct check_attempt *a, const struct check_result *r)
{
	struct run *run = a->data;

	run->calls++;
	run->result = *r;
}

static void run_init(struct run *run, enum check_type type)
{
	memset(run, 0, sizeof(*run));
	assert_int_equal(uv_loop_init(&run->loop), 0);
	uv_timer_init(&run->loop, &run->stopper);
	run->cfg.type = type;
	run->attempt.loop = &run->loop;
	run->attempt.cfg = &run->cfg;
	run->attempt.timeout_us = 2000000;
	run->attempt.done = on_done;
	run->attempt.data = run;
}

/* The loopback address and `port` as the attempt's target. */
static void run_target(struct run *run, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&run->attempt.target;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	run->attempt.target_len = sizeof(*sin);
}

/* Every handle closed: uv_loop_close fails while any remains. */
static void run_finish(struct run *run)
{
	uv_close((uv_handle_t *)&run->stopper, NULL);
	uv_run(&run->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&run->loop), 0);
}

/* A socket of `type` bound to a free loopback port (listening for TCP)
 * that never says anything; its port in *port. */
static int silent_server(int type, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A port nothing listens on (bound then closed at once). */
static uint16_t closed_port(int type)
{
	uint16_t port;

	close(silent_server(type, &port));
	return port;
}

static void cancel_after(struct run *run, uint64_t ms)
{
	run_for(run, ms);
	assert_int_equal(run->calls, 0);
	check_probe_cancel(&run->attempt);
	run_finish(run);
	assert_int_equal(run->calls, 0);
}

static void test_smtp_refused_reported_from_the_loop(void **state)
{
	struct run run;

	(void)state;
	run_init(&run, CHECK_TYPE_SMTP);
	run_target(&run, closed_port(SOCK_STREAM));
	assert_int_equal(check_probe_start(&run.attempt), 0);
	assert_int_equal(run.calls, 0);
	run_finish(&run);
	assert_int_equal(run.calls, 1);
	assert_int_equal(run.result.outcome, CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(run.result.detail, ECONNREFUSED);
}

static void test_smtp_silent_server_times_out_and_cancels(void **state)
{
	struct run run;
	uint16_t port;
	int fd = silent_server(SOCK_STREAM, &port);

	(void)state;
	run_init(&run, CHECK_TYPE_SMTP);
	run_target(&run, port);
	run.attempt.timeout_us = 100000;
	assert_int_equal(check_probe_start(&run.attempt), 0);
	run_finish(&run);
	assert_int_equal(run.calls, 1);
	assert_int_equal(run.result.outcome, CHECK_FAIL_TIMEOUT);
	assert_true(run.result.latency_us >= 100000);
	assert_non_null(strstr(run.result.text, "greeting"));

	run_init(&run, CHECK_TYPE_SMTP);
	run_target(&run, port);
	assert_int_equal(check_probe_start(&run.attempt), 0);
	cancel_after(&run, 30);
	close(fd);
}

static void test_dns_refused_timeout_and_cancel(void **state)
{
	struct run run;
	uint16_t port;
	int fd = silent_server(SOCK_DGRAM, &port);

	(void)state;
	run_init(&run, CHECK_TYPE_DNS);
	run_target(&run, closed_port(SOCK_DGRAM));
	assert_int_equal(check_probe_start(&run.attempt), 0);
	assert_int_equal(run.calls, 0);
	run_finish(&run);
	assert_int_equal(run.calls, 1);
	assert_int_equal(run.result.outcome, CHECK_FAIL_CONNECT_REFUSED);

	run_init(&run, CHECK_TYPE_DNS);
	run_target(&run, port);
	run.attempt.timeout_us = 100000;
	assert_int_equal(check_probe_start(&run.attempt), 0);
	run_finish(&run);
	assert_int_equal(run.result.outcome, CHECK_FAIL_TIMEOUT);

	run_init(&run, CHECK_TYPE_DNS);
	run_target(&run, port);
	assert_int_equal(check_probe_start(&run.attempt), 0);
	cancel_after(&run, 30);
	close(fd);
}

static void test_dns_bad_name_refused_by_start(void **state)
{
	struct run run;

	(void)state;
	run_init(&run, CHECK_TYPE_DNS);
	run_target(&run, 53);
	run.cfg.dns.name = (char *)"a..b";
	assert_int_equal(check_probe_start(&run.attempt), -EINVAL);
	run_finish(&run);
	assert_int_equal(run.calls, 0);
}

static void test_misc_runs_and_cancels(void **state)
{
	struct check_script script = { .command = (char *)"/bin/sh -c 'exit 5'" };
	struct run run;

	(void)state;
	run_init(&run, CHECK_TYPE_MISC);
	run.cfg.misc.path = &script;
	run.cfg.misc.dynamic = true;
	/* no script runner: start refuses */
	assert_int_equal(check_probe_start(&run.attempt), -EINVAL);
	run.attempt.scripts = script_runner_new(&run.loop, NULL);
	assert_int_equal(check_probe_start(&run.attempt), 0);
	assert_int_equal(run.calls, 0);
	run_for(&run, 5000);
	assert_int_equal(run.calls, 1);
	assert_int_equal(run.result.outcome, CHECK_OK);
	assert_int_equal(run.result.weight, 3);

	script.command = (char *)"/bin/sleep 5";
	run.calls = 0;
	assert_int_equal(check_probe_start(&run.attempt), 0);
	run_for(&run, 50);
	assert_int_equal(run.calls, 0);
	check_probe_cancel(&run.attempt);
	script_runner_close(run.attempt.scripts);
	run_finish(&run);
	assert_int_equal(run.calls, 0);
}

static void test_file_reads_and_cancels(void **state)
{
	char *dir = unit_tmpdir_create();
	char *path;
	struct vrrp_track_file_config tf = { .name = (char *)"tf", .weight = 0 };
	struct run run;

	(void)state;
	path = unit_write_file(dir, "value", "1\n");
	tf.path = path;
	run_init(&run, CHECK_TYPE_FILE);
	/* not resolved to a track_file: start refuses */
	assert_int_equal(check_probe_start(&run.attempt), -ENOENT);
	run.attempt.track_file = &tf;
	assert_int_equal(check_probe_start(&run.attempt), 0);
	assert_int_equal(run.calls, 0);
	run_for(&run, 5000);
	assert_int_equal(run.calls, 1);
	assert_int_equal(run.result.outcome, CHECK_FAIL_FILE);
	assert_int_equal(run.result.detail, 1);

	run.calls = 0;
	assert_int_equal(check_probe_start(&run.attempt), 0);
	check_probe_cancel(&run.attempt);
	run_finish(&run);
	assert_int_equal(run.calls, 0);
	free(path);
	unit_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_refused_reported_from_the_loop),
		cmocka_unit_test(test_smtp_silent_server_times_out_and_cancels),
		cmocka_unit_test(test_dns_refused_timeout_and_cancel),
		cmocka_unit_test(test_dns_bad_name_refused_by_start),
		cmocka_unit_test(test_misc_runs_and_cancels),
		cmocka_unit_test(test_file_reads_and_cancels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
