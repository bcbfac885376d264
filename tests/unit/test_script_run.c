/* lib/script_run: real processes spawned from a real libuv loop. */
#include "unit.h"

#include "script_run.h"

#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <uv.h>

struct fixture {
	uv_loop_t loop;
	struct script_runner *runner;
	char *dir;
};

/* What one job's callback saw. */
struct seen {
	int calls;
	struct script_result res;
	char output[256];
};

static void seen_done(const struct script_result *r, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->res = *r;
	snprintf(s->output, sizeof(s->output), "%s", r->output);
	s->res.output = s->output;
}

static bool watchdog_fired;

static void watchdog(uv_timer_t *t)
{
	(void)t;
	watchdog_fired = true;
}

/* Runs the loop until *count reaches `want` or `limit_ms` passes. */
static void run_until(uv_loop_t *loop, const int *count, int want, uint64_t limit_ms)
{
	uv_timer_t wd;

	watchdog_fired = false;
	uv_timer_init(loop, &wd);
	uv_timer_start(&wd, watchdog, limit_ms, 0);
	while (*count < want && !watchdog_fired)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&wd, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	assert_int_equal(*count, want);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	uv_loop_init(&f->loop);
	f->runner = script_runner_new(&f->loop, NULL);
	f->dir = unit_tmpdir_create();
	*state = f;
	return 0;
}

/* Every test ends with the runner closed, the loop empty and no child of
 * ours left unreaped. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->runner)
		script_runner_close(f->runner);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	unit_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct script_job *run_argv(struct fixture *f, const char *const *argv,
				   size_t capture, struct seen *s)
{
	struct script_job_options o = { .argv = argv, .capture_max = capture };
	return script_run(f->runner, &o, seen_done, s);
}

static void test_exit_codes(void **state)
{
	struct fixture *f = *state;
	struct seen ok = { 0 }, three = { 0 };
	char text[128];

	run_argv(f, (const char *const[]){ "/bin/true", NULL }, 0, &ok);
	run_argv(f, (const char *const[]){ "sh", "-c", "exit 3", NULL }, 0, &three);
	assert_int_equal(ok.calls + three.calls, 0);    /* never from script_run itself */
	run_until(&f->loop, &three.calls, 1, 5000);
	run_until(&f->loop, &ok.calls, 1, 5000);
	assert_int_equal(ok.res.outcome, SCRIPT_EXITED);
	assert_int_equal(ok.res.exit_code, 0);
	assert_true(script_result_ok(&ok.res));
	assert_true(ok.res.pid > 0);
	assert_int_equal(three.res.outcome, SCRIPT_EXITED);
	assert_int_equal(three.res.exit_code, 3);
	assert_false(script_result_ok(&three.res));
	script_result_describe(&three.res, text, sizeof(text));
	assert_string_equal(text, "exited with status 3");
	assert_string_equal(script_outcome_name(three.res.outcome), "exited");
}

static void test_signalled(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };
	char text[128];

	run_argv(f, (const char *const[]){ "sh", "-c", "kill -USR1 $$; sleep 5", NULL }, 0, &s);
	run_until(&f->loop, &s.calls, 1, 5000);
	assert_int_equal(s.res.outcome, SCRIPT_SIGNALLED);
	assert_int_equal(s.res.signal, SIGUSR1);
	assert_false(script_result_ok(&s.res));
	script_result_describe(&s.res, text, sizeof(text));
	assert_non_null(strstr(text, "killed by signal"));
}

static uint64_t now_ms(void)
{
	return uv_hrtime() / 1000000;
}

/* sleep 60 dies of SIGTERM when the timeout expires. */
static void test_timeout_term(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };
	struct script_job_options o = {
		.argv = (const char *const[]){ "sleep", "60", NULL },
		.timeout_us = 200000, .grace_us = 500000,
	};
	uint64_t start = now_ms();
	char text[128];

	script_run(f->runner, &o, seen_done, &s);
	run_until(&f->loop, &s.calls, 1, 3000);
	uint64_t took = now_ms() - start;
	assert_int_equal(s.res.outcome, SCRIPT_TIMED_OUT);
	assert_int_equal(s.res.signal, SIGTERM);
	assert_true(took >= 190 && took < 200 + 500);
	assert_true(s.res.run_time_us >= 190000);
	assert_int_equal(script_runner_stats(f->runner)->timed_out, 1);
	script_result_describe(&s.res, text, sizeof(text));
	assert_memory_equal(text, "timed out after 0.", 18);   /* 0.2xx s, more under load */
}

/* A script (and its child) ignoring SIGTERM is killed after the grace
 * period, and nothing of its process group survives. */
static void test_timeout_kill_group(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };
	struct script_job_options o = {
		.argv = (const char *const[]){ "sh", "-c", "trap '' TERM; sleep 60; sleep 60", NULL },
		.timeout_us = 150000, .grace_us = 250000,
	};
	uint64_t start = now_ms();

	script_run(f->runner, &o, seen_done, &s);
	run_until(&f->loop, &s.calls, 1, 3000);
	uint64_t took = now_ms() - start;
	assert_int_equal(s.res.outcome, SCRIPT_TIMED_OUT);
	assert_int_equal(s.res.signal, SIGKILL);
	assert_true(took >= 390 && took < 150 + 250 + 500);
	/* The orphaned grandchild is reaped by init, in its own time. */
	int tries = 0;
	while (kill(-s.res.pid, 0) == 0 && tries++ < 200)
		usleep(10000);
	assert_int_equal(kill(-s.res.pid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

static void test_output_capture(void **state)
{
	struct fixture *f = *state;
	struct seen both = { 0 }, none = { 0 };

	run_argv(f, (const char *const[]){ "sh", "-c", "echo out; echo err >&2", NULL }, 64, &both);
	run_argv(f, (const char *const[]){ "sh", "-c", "echo out", NULL }, 0, &none);
	run_until(&f->loop, &both.calls, 1, 5000);
	run_until(&f->loop, &none.calls, 1, 5000);
	assert_string_equal(both.output, "out\nerr\n");
	assert_int_equal(both.res.output_len, 8);
	assert_false(both.res.output_truncated);
	assert_string_equal(none.output, "");
	assert_int_equal(none.res.output_len, 0);
	assert_int_equal(none.res.exit_code, 0);
}

/* 200 kB of output, 10 bytes kept: the script is not blocked on a full
 * pipe and exits normally. */
static void test_output_bound(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };

	run_argv(f, (const char *const[]){ "sh", "-c",
		 "head -c 200000 /dev/zero | tr '\\0' x; echo done >&2", NULL }, 10, &s);
	run_until(&f->loop, &s.calls, 1, 5000);
	assert_int_equal(s.res.outcome, SCRIPT_EXITED);
	assert_int_equal(s.res.exit_code, 0);
	assert_int_equal(s.res.output_len, 10);
	assert_string_equal(s.output, "xxxxxxxxxx");
	assert_true(s.res.output_truncated);
}

static void test_run_as_nobody(void **state)
{
	struct fixture *f = *state;
	struct passwd *pw = getpwnam("nobody");
	struct seen uid = { 0 }, groups = { 0 };
	char want[64];

	if (!pw || geteuid() != 0)
		skip();
	struct script_job_options o = {
		.argv = (const char *const[]){ "id", "-u", NULL },
		.uid = pw->pw_uid, .gid = pw->pw_gid, .set_user = true, .capture_max = 64,
	};
	script_run(f->runner, &o, seen_done, &uid);
	o.argv = (const char *const[]){ "id", "-G", NULL };
	script_run(f->runner, &o, seen_done, &groups);
	run_until(&f->loop, &uid.calls, 1, 5000);
	run_until(&f->loop, &groups.calls, 1, 5000);
	snprintf(want, sizeof(want), "%u\n", (unsigned)pw->pw_uid);
	assert_string_equal(uid.output, want);
	snprintf(want, sizeof(want), "%u\n", (unsigned)pw->pw_gid);
	assert_string_equal(groups.output, want);   /* no supplementary groups */
}

/* Nothing of the daemon's environment leaks; extras come last. */
static void test_environment(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };
	struct script_job_options o = {
		.argv = (const char *const[]){ "env", NULL }, .capture_max = 200,
		.env_extra = (const char *const[]){ "VIGIL_X=1", NULL },
	};

	setenv("VIGIL_SECRET", "leak", 1);
	script_run(f->runner, &o, seen_done, &s);
	run_until(&f->loop, &s.calls, 1, 5000);
	assert_string_equal(s.output, "PATH=" SCRIPT_RUN_PATH "\nHOME=/\nVIGIL_X=1\n");
	unsetenv("VIGIL_SECRET");
}

static void test_spawn_failure(void **state)
{
	struct fixture *f = *state;
	struct seen missing = { 0 }, noexec = { 0 }, empty = { 0 };
	char *plain = unit_write_file(f->dir, "plain.sh", "#!/bin/sh\nexit 0\n");
	char text[128];

	chmod(plain, 0644);
	run_argv(f, (const char *const[]){ "/nonexistent/script.sh", NULL }, 0, &missing);
	run_argv(f, (const char *const[]){ plain, NULL }, 16, &noexec);
	run_argv(f, (const char *const[]){ NULL }, 0, &empty);
	assert_int_equal(missing.calls + noexec.calls + empty.calls, 0);
	run_until(&f->loop, &missing.calls, 1, 5000);
	run_until(&f->loop, &noexec.calls, 1, 5000);
	run_until(&f->loop, &empty.calls, 1, 5000);
	assert_int_equal(missing.res.outcome, SCRIPT_SPAWN_FAILED);
	assert_int_equal(missing.res.error, ENOENT);
	assert_int_equal(missing.res.pid, 0);
	assert_int_equal(noexec.res.outcome, SCRIPT_SPAWN_FAILED);
	assert_int_equal(noexec.res.error, EACCES);
	assert_int_equal(empty.res.error, EINVAL);
	script_result_describe(&missing.res, text, sizeof(text));
	assert_string_equal(text, "could not start: No such file or directory");
	assert_int_equal(script_runner_stats(f->runner)->spawn_failed, 2);
	assert_int_equal(script_runner_stats(f->runner)->running, 0);
	free(plain);
}

/* Five 200 ms scripts with two slots: three waves, never more than two
 * at once, started in the order they were asked for. */
static void test_concurrency_cap(void **state)
{
	struct fixture *f = *state;
	struct script_runner_options ro = { .max_running = 2 };
	struct seen s[5] = { { 0 } };
	int total = 0;
	uint64_t start = now_ms();

	script_runner_close(f->runner);
	f->runner = script_runner_new(&f->loop, &ro);
	for (int i = 0; i < 5; i++) {
		run_argv(f, (const char *const[]){ "sleep", "0.2", NULL }, 0, &s[i]);
		assert_true(script_runner_stats(f->runner)->running <= 2);
	}
	assert_int_equal(script_runner_stats(f->runner)->queued, 3);
	while (total < 5 && now_ms() - start < 5000) {
		uv_run(&f->loop, UV_RUN_ONCE);
		total = s[0].calls + s[1].calls + s[2].calls + s[3].calls + s[4].calls;
		assert_true(script_runner_stats(f->runner)->running <= 2);
	}
	assert_int_equal(total, 5);
	assert_true(now_ms() - start >= 590);
	assert_int_equal(script_runner_stats(f->runner)->peak_running, 2);
	assert_int_equal(script_runner_stats(f->runner)->peak_queued, 3);
	assert_true(s[4].res.queued_us >= 390000);
	assert_true(s[0].res.queued_us < 100000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(s[i].res.exit_code, 0);
}

/* One slot, one queue place: the third request is refused with EAGAIN. */
static void test_queue_full(void **state)
{
	struct fixture *f = *state;
	struct script_runner_options ro = { .max_running = 1, .max_queued = 1 };
	struct seen s[3] = { { 0 } };

	script_runner_close(f->runner);
	f->runner = script_runner_new(&f->loop, &ro);
	for (int i = 0; i < 3; i++)
		run_argv(f, (const char *const[]){ "/bin/true", NULL }, 0, &s[i]);
	run_until(&f->loop, &s[2].calls, 1, 5000);
	assert_int_equal(s[2].res.outcome, SCRIPT_SPAWN_FAILED);
	assert_int_equal(s[2].res.error, EAGAIN);
	run_until(&f->loop, &s[1].calls, 1, 5000);
	assert_int_equal(s[0].calls, 1);
	assert_int_equal(s[1].res.outcome, SCRIPT_EXITED);
	assert_int_equal(script_runner_stats(f->runner)->rejected, 1);
}

/* A cancelled job is killed and reaped, and its callback never runs. */
static void test_cancel(void **state)
{
	struct fixture *f = *state;
	struct seen running = { 0 }, queued = { 0 }, later = { 0 };
	struct script_runner_options ro = { .max_running = 1 };

	script_runner_close(f->runner);
	f->runner = script_runner_new(&f->loop, &ro);
	struct script_job *a = run_argv(f, (const char *const[]){ "sleep", "60", NULL }, 0, &running);
	struct script_job *b = run_argv(f, (const char *const[]){ "sleep", "60", NULL }, 0, &queued);
	run_argv(f, (const char *const[]){ "/bin/true", NULL }, 0, &later);
	uint64_t start = now_ms();
	script_job_cancel(b);
	script_job_cancel(a);
	run_until(&f->loop, &later.calls, 1, 3000);
	assert_true(now_ms() - start < 1000);
	assert_int_equal(running.calls + queued.calls, 0);
	assert_int_equal(later.res.exit_code, 0);
	assert_int_equal(script_runner_stats(f->runner)->cancelled, 2);
}

/* Closing with scripts running and queued: no callbacks, everything
 * killed, the loop drains (teardown checks for zombies). */
static void test_close_while_running(void **state)
{
	struct fixture *f = *state;
	struct seen s[4] = { { 0 } };
	struct script_runner_options ro = { .max_running = 2 };

	script_runner_close(f->runner);
	f->runner = script_runner_new(&f->loop, &ro);
	for (int i = 0; i < 4; i++)
		run_argv(f, (const char *const[]){ "sleep", "60", NULL }, 0, &s[i]);
	uint64_t start = now_ms();
	script_runner_close(f->runner);
	f->runner = NULL;
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_true(now_ms() - start < 2000);
	for (int i = 0; i < 4; i++)
		assert_int_equal(s[i].calls, 0);
}

/* A callback may start the next script (how trackers chain runs). */
struct chain {
	struct fixture *f;
	int calls;
};

static void chain_done(const struct script_result *r, void *arg)
{
	struct chain *c = arg;
	struct script_job_options o = { .argv = (const char *const[]){ "/bin/true", NULL } };

	assert_int_equal(r->exit_code, 0);
	if (++c->calls < 3)
		script_run(c->f->runner, &o, chain_done, c);
}

static void test_chain_from_callback(void **state)
{
	struct fixture *f = *state;
	struct chain c = { .f = f };
	struct script_job_options o = { .argv = (const char *const[]){ "/bin/true", NULL } };

	script_run(f->runner, &o, chain_done, &c);
	run_until(&f->loop, &c.calls, 3, 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signalled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_kill_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_as_nobody, setup, teardown),
		cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawn_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrency_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_from_callback, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
