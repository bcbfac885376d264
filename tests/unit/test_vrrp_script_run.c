/* vrrp/vrrp_script_run: the hysteresis alone, then real trackers running
 * a script whose exit status comes from a file the test rewrites. */
#include "unit.h"

#include "vrrp/vrrp_script_run.h"

#include <signal.h>
#include <sys/wait.h>
#include <uv.h>

/* ---- the pure hysteresis -------------------------------------------------- */

/* Feeds a string of results ('+' success, '-' failure) and returns the
 * states after each as a string of 'I', 'U', 'D'. */
static const char *feed(struct vrrp_script_hysteresis *h, const char *results)
{
	static char states[64];
	size_t i;

	for (i = 0; results[i] && i < sizeof(states) - 1; i++) {
		vrrp_script_hysteresis_step(h, results[i] == '+');
		states[i] = "IUD"[h->state];
	}
	states[i] = '\0';
	return states;
}

static void test_hysteresis_sequences(void **state)
{
	struct vrrp_script_hysteresis h;

	(void)state;
	vrrp_script_hysteresis_init(&h, 2, 3, false);
	assert_int_equal(h.state, VRRP_SCRIPT_INIT);
	assert_string_equal(feed(&h, "+--+---++-+"), "UUUUUUDDUUU");
	vrrp_script_hysteresis_init(&h, 2, 3, false);
	assert_string_equal(feed(&h, "-+-++"), "DDDDU");
	assert_int_equal(h.reason, VRRP_SCRIPT_REASON_ROSE);

	vrrp_script_hysteresis_init(&h, 3, 1, true);
	assert_int_equal(h.state, VRRP_SCRIPT_DOWN);
	assert_int_equal(h.reason, VRRP_SCRIPT_REASON_INIT_FAIL);
	assert_string_equal(feed(&h, "++-+++-"), "DDDDDUD");
	assert_int_equal(h.reason, VRRP_SCRIPT_REASON_FELL);

	vrrp_script_hysteresis_init(&h, 0, 0, false);    /* 0 counts as 1 */
	assert_string_equal(feed(&h, "+-+-"), "UDUD");
}

static void test_hysteresis_reasons(void **state)
{
	struct vrrp_script_hysteresis h;

	(void)state;
	vrrp_script_hysteresis_init(&h, 1, 1, false);
	assert_true(vrrp_script_hysteresis_step(&h, false));
	assert_int_equal(h.reason, VRRP_SCRIPT_REASON_FIRST_RESULT);
	assert_false(vrrp_script_hysteresis_step(&h, false));
	assert_true(vrrp_script_hysteresis_step(&h, true));
	assert_string_equal(vrrp_script_reason_name(h.reason), "rise reached");
	assert_string_equal(vrrp_script_state_name(h.state), "UP");
	assert_string_equal(vrrp_script_state_name(VRRP_SCRIPT_STATE_COUNT), "?");
}

/* ---- trackers with real scripts ------------------------------------------ */

#define MAX_CHANGES 8

struct fixture {
	uv_loop_t loop;
	struct script_runner *runner;
	struct vrrp_script_tracker *tracker;
	char *dir, *code_path, *script_path;
	struct vrrp_script_config conf;
	int nchanges;
	struct vrrp_script_change changes[MAX_CHANGES];
	struct vrrp_script_stats stats_at[MAX_CHANGES];   /* counters when it changed */
};

static void changed(struct vrrp_script_tracker *t, const struct vrrp_script_change *c, void *arg)
{
	struct fixture *f = arg;

	if (f->nchanges >= MAX_CHANGES)
		return;
	f->changes[f->nchanges] = *c;
	f->changes[f->nchanges].result = NULL;
	f->stats_at[f->nchanges] = *vrrp_script_tracker_stats(t);
	f->nchanges++;
}

static void set_code(struct fixture *f, int code)
{
	char text[16];
	char *tmp;

	/* rename() so a running script never reads a half-written file */
	snprintf(text, sizeof(text), "%d\n", code);
	free(unit_write_file(f->dir, "code.tmp", text));
	if (asprintf(&tmp, "%s/code.tmp", f->dir) < 0)
		abort();
	rename(tmp, f->code_path);
	free(tmp);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *body;

	uv_loop_init(&f->loop);
	f->runner = script_runner_new(&f->loop, NULL);
	f->dir = unit_tmpdir_create();
	if (asprintf(&f->code_path, "%s/code", f->dir) < 0)
		abort();
	if (asprintf(&body, "#!/bin/sh\nexit $(cat %s)\n", f->code_path) < 0)
		abort();
	f->script_path = unit_write_file(f->dir, "check.sh", body);
	free(body);
	chmod(f->script_path, 0755);
	set_code(f, 0);
	f->conf = (struct vrrp_script_config){
		.name = (char *)"chk", .script = { .cmdline = f->script_path },
		.interval_us = 50000, .rise = 1, .fall = 1,
		/* A loaded machine can take longer than the 50 ms interval to
		 * start /bin/sh; counting tests must not see that as a timeout.
		 * The timeout test sets its own. */
		.has_timeout = true, .timeout_us = 2000000,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vrrp_script_tracker_free(f->tracker);
	script_runner_close(f->runner);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	free(f->code_path);
	free(f->script_path);
	unit_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void start(struct fixture *f)
{
	struct vrrp_script_tracker_options o = { .changed = changed, .arg = f };

	f->tracker = vrrp_script_tracker_new(&f->loop, f->runner, &f->conf, &o);
	assert_non_null(f->tracker);
	vrrp_script_tracker_start(f->tracker);
}

static bool deadline_hit;

static void deadline(uv_timer_t *t)
{
	(void)t;
	deadline_hit = true;
}

/* Runs the loop until `want` changes were seen, or for `ms` when want < 0. */
static void run_for(struct fixture *f, int want, uint64_t ms)
{
	uv_timer_t timer;

	deadline_hit = false;
	uv_timer_init(&f->loop, &timer);
	uv_timer_start(&timer, deadline, ms, 0);
	while (!deadline_hit && (want < 0 || f->nchanges < want))
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	if (want >= 0)
		assert_int_equal(f->nchanges, want);
}

static void assert_change(const struct fixture *f, int i, enum vrrp_script_state from,
			  enum vrrp_script_state to, enum vrrp_script_reason reason)
{
	assert_int_equal(f->changes[i].from, from);
	assert_int_equal(f->changes[i].to, to);
	assert_int_equal(f->changes[i].reason, reason);
}

/* rise 2, fall 3: UP on the first success, DOWN after exactly three
 * failures, UP again after exactly two successes. */
static void test_rise_fall(void **state)
{
	struct fixture *f = *state;

	f->conf.rise = 2;
	f->conf.fall = 3;
	start(f);
	assert_int_equal(vrrp_script_tracker_state(f->tracker), VRRP_SCRIPT_INIT);
	run_for(f, 1, 2000);
	assert_change(f, 0, VRRP_SCRIPT_INIT, VRRP_SCRIPT_UP, VRRP_SCRIPT_REASON_FIRST_RESULT);
	assert_int_equal(f->stats_at[0].runs, 1);

	set_code(f, 7);
	run_for(f, 2, 2000);
	assert_change(f, 1, VRRP_SCRIPT_UP, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_REASON_FELL);
	assert_int_equal(f->stats_at[1].failures, 3);
	assert_int_equal(f->stats_at[1].last.exit_code, 7);

	set_code(f, 0);
	run_for(f, 3, 2000);
	assert_change(f, 2, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_UP, VRRP_SCRIPT_REASON_ROSE);
	assert_int_equal(f->stats_at[2].successes - f->stats_at[1].successes, 2);
	assert_int_equal(vrrp_script_tracker_state(f->tracker), VRRP_SCRIPT_UP);
	assert_int_equal(vrrp_script_tracker_stats(f->tracker)->transitions, 3);
}

/* init_fail: DOWN from the start, and `rise` successes to come UP. */
static void test_init_fail(void **state)
{
	struct fixture *f = *state;

	f->conf.rise = 3;
	f->conf.init_fail = true;
	start(f);
	assert_int_equal(vrrp_script_tracker_state(f->tracker), VRRP_SCRIPT_DOWN);
	assert_int_equal(vrrp_script_tracker_reason(f->tracker), VRRP_SCRIPT_REASON_INIT_FAIL);
	run_for(f, 1, 2000);
	assert_change(f, 0, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_UP, VRRP_SCRIPT_REASON_ROSE);
	assert_int_equal(f->stats_at[0].successes, 3);
	assert_int_equal(f->stats_at[0].runs, 3);
}

/* Without init_fail the first failure decides, fall or not. */
static void test_first_failure(void **state)
{
	struct fixture *f = *state;

	f->conf.fall = 3;
	set_code(f, 1);
	start(f);
	run_for(f, 1, 2000);
	assert_change(f, 0, VRRP_SCRIPT_INIT, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_REASON_FIRST_RESULT);
	assert_int_equal(f->stats_at[0].failures, 1);
}

/* A 250 ms script on a 50 ms interval: ticks are skipped, never two runs
 * at once. */
static void test_overlap_skipped(void **state)
{
	struct fixture *f = *state;
	char *slow = unit_write_file(f->dir, "slow.sh", "#!/bin/sh\nsleep 0.25\n");

	chmod(slow, 0755);
	f->conf.script.cmdline = slow;
	f->conf.has_timeout = true;
	f->conf.timeout_us = 2000000;
	start(f);
	run_for(f, -1, 600);
	const struct vrrp_script_stats *s = vrrp_script_tracker_stats(f->tracker);
	assert_true(s->runs >= 1 && s->runs <= 3);
	assert_true(s->skipped >= 5);
	assert_int_equal(script_runner_stats(f->runner)->peak_running, 1);
	assert_int_equal(vrrp_script_tracker_state(f->tracker), VRRP_SCRIPT_UP);
	free(slow);
}

/* A timeout is a failure (timeout defaults to the interval). */
static void test_timeout_is_failure(void **state)
{
	struct fixture *f = *state;
	char *hang = unit_write_file(f->dir, "hang.sh", "#!/bin/sh\nexec sleep 5\n");

	chmod(hang, 0755);
	f->conf.script.cmdline = hang;
	f->conf.interval_us = 80000;
	f->conf.has_timeout = false;        /* the default: the interval */
	start(f);
	run_for(f, 1, 2000);
	assert_change(f, 0, VRRP_SCRIPT_INIT, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_REASON_FIRST_RESULT);
	assert_int_equal(f->stats_at[0].timeouts, 1);
	assert_int_equal(f->stats_at[0].last.outcome, SCRIPT_TIMED_OUT);
	assert_true(f->stats_at[0].last.run_time_us >= 75000);
	free(hang);
}

/* A script that cannot start fails; arguments are passed (no shell). */
static void test_spawn_failure_and_args(void **state)
{
	struct fixture *f = *state;

	f->conf.script.cmdline = (char *)"/nonexistent/check.sh";
	start(f);
	run_for(f, 1, 2000);
	assert_change(f, 0, VRRP_SCRIPT_INIT, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_REASON_FIRST_RESULT);
	assert_int_equal(f->stats_at[0].spawn_failures, 1);
	vrrp_script_tracker_free(f->tracker);

	f->nchanges = 0;
	f->conf.script.cmdline = (char *)"/bin/sh -c 'exit \"$0\"' 0";
	start(f);
	run_for(f, 1, 2000);
	assert_change(f, 0, VRRP_SCRIPT_INIT, VRRP_SCRIPT_UP, VRRP_SCRIPT_REASON_FIRST_RESULT);
}

static void test_bad_cmdline(void **state)
{
	struct fixture *f = *state;

	f->conf.script.cmdline = (char *)"/bin/true 'unterminated";
	assert_null(vrrp_script_tracker_new(&f->loop, f->runner, &f->conf, NULL));
}

/* Stopping kills a run in progress; no callback comes afterwards. */
static void test_stop_while_running(void **state)
{
	struct fixture *f = *state;
	char *hang = unit_write_file(f->dir, "hang.sh", "#!/bin/sh\nexec sleep 5\n");

	chmod(hang, 0755);
	f->conf.script.cmdline = hang;
	f->conf.interval_us = 1000000;
	f->conf.has_timeout = true;
	f->conf.timeout_us = 10000000;
	start(f);
	run_for(f, -1, 400);                 /* the first run starts within 500 ms */
	if (script_runner_stats(f->runner)->running == 0)
		run_for(f, -1, 200);
	assert_int_equal(script_runner_stats(f->runner)->running, 1);
	vrrp_script_tracker_stop(f->tracker);
	run_for(f, -1, 200);
	assert_int_equal(script_runner_stats(f->runner)->running, 0);
	assert_int_equal(f->nchanges, 0);
	assert_int_equal(vrrp_script_tracker_stats(f->tracker)->runs, 0);
	free(hang);
}

static void test_status_json(void **state)
{
	struct fixture *f = *state;

	set_code(f, 4);
	start(f);
	run_for(f, 1, 2000);
	json_object *o = vrrp_script_tracker_status_json(f->tracker);
	json_object *v, *last;
	assert_true(json_object_object_get_ex(o, "state", &v));
	assert_string_equal(json_object_get_string(v), "DOWN");
	assert_true(json_object_object_get_ex(o, "reason", &v));
	assert_string_equal(json_object_get_string(v), "first result");
	assert_true(json_object_object_get_ex(o, "last", &last));
	assert_true(json_object_object_get_ex(last, "outcome", &v));
	assert_string_equal(json_object_get_string(v), "exited");
	assert_true(json_object_object_get_ex(last, "exit_code", &v));
	assert_int_equal(json_object_get_int(v), 4);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hysteresis_sequences),
		cmocka_unit_test(test_hysteresis_reasons),
		cmocka_unit_test_setup_teardown(test_rise_fall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_is_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawn_failure_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
