/* Unit tests for checker/check_sched.c: one checker's schedule and state
 * (jitter, the timetable of attempts, rise/fall, the faster retry
 * interval, counters, dynamic weight), and the rules above it (real
 * server up iff all checkers up, its IPVS weight with inhibit_on_failure
 * and drains, quorum with hysteresis, the sorry server), without a loop
 * or a clock.  Also that keepalived's `retry N` comes out as fall N + 1
 * from a configuration. */
#include "unit.h"

#include "checker/check_conf.h"
#include "checker/check_sched.h"
#include "daemon/config_load.h"

#define S 1000000ULL

static const struct check_sched_params params = {
	.delay_loop_us = 10 * S, .delay_before_retry_us = 2 * S, .warmup_us = 10 * S,
	.rise = 2, .fall = 3,
};

/* The parameters the schedule under test was made with: the schedule
 * does not keep them, each result is given them again. */
static const struct check_sched_params *sched_params;

static void init(struct check_schedule *s, const struct check_sched_params *p)
{
	sched_params = p;
	check_sched_init(s, p);
}

static struct check_result result(enum check_outcome outcome)
{
	struct check_result r = { .outcome = outcome, .weight = -1, .latency_us = 1234 };

	snprintf(r.text, sizeof(r.text), "%s", check_outcome_name(outcome));
	return r;
}

/* Feeds one result; asserts the change and the next delay. */
static void feed(struct check_schedule *s, enum check_outcome outcome,
		 enum check_sched_change want, uint64_t want_next_us)
{
	struct check_result r = result(outcome);
	uint64_t next = 0;

	assert_int_equal(check_sched_result(s, sched_params, &r, 1700000000ULL * S, &next), want);
	assert_int_equal(next, want_next_us);
}

static void test_first_delay_is_within_warmup(void **state)
{
	struct check_sched_params p = params;

	(void)state;
	assert_int_equal(check_sched_first_delay_us(&p, 0), 0);
	assert_true(check_sched_first_delay_us(&p, UINT32_MAX) < p.warmup_us);
	assert_true(check_sched_first_delay_us(&p, UINT32_MAX) > p.warmup_us - 10);
	assert_int_equal(check_sched_first_delay_us(&p, 1u << 31), p.warmup_us / 2);
	p.warmup_us = 0;         /* warmup 0: at once */
	assert_int_equal(check_sched_first_delay_us(&p, 123456789), 0);
}

/* The next attempt is due delay after the previous one was due, however
 * long that one took, as long as it ended before then. */
static void test_next_due_keeps_the_timetable(void **state)
{
	(void)state;
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S, 100 * S + 3000, 1 * S),
			 101 * S);
	/* started 40 ms late (a busy loop) and took 500 ms: still on the grid */
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S + 40000, 100 * S + 540000, 1 * S),
			 101 * S);
}

/* A check that ran past its next slot (connect_timeout 2 s, delay 1 s)
 * waits the delay from its end: never back to back. */
static void test_next_due_after_an_overrun_waits_from_the_end(void **state)
{
	(void)state;
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S, 102 * S, 1 * S), 103 * S);
	/* ended exactly when the next was due: that slot is gone */
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S, 101 * S, 1 * S), 102 * S);
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S, 100 * S + 2500000, 2 * S),
			 104 * S + 500000);
}

/* A check that started more than half the delay late (a loop far behind)
 * does not catch up with a short interval: the timetable restarts from
 * when it started. */
static void test_next_due_after_a_late_start_does_not_catch_up(void **state)
{
	(void)state;
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S + 760000, 100 * S + 770000,
						 1 * S), 101 * S + 760000);
	assert_int_equal(check_sched_next_due_us(100 * S, 100 * S + 500000, 100 * S + 510000,
						 1 * S), 101 * S);
}

/* Lateness does not add up: 1,000 attempts that each start up to 30 ms
 * late and take up to 150 ms more still start on due + k * delay_loop;
 * and two checkers run in the same loop pass (same start and end) keep
 * their phases instead of being rescheduled together for ever after. */
static void test_lateness_does_not_accumulate(void **state)
{
	uint64_t a = 5 * S, b = 5 * S + 7000;

	(void)state;
	for (unsigned k = 0; k < 1000; k++) {
		uint64_t start = b + (k % 4) * 10000, end = start + (k % 7) * 25000;

		a = check_sched_next_due_us(a, start, end, 1 * S);
		b = check_sched_next_due_us(b, start, end, 1 * S);
	}
	assert_int_equal(a, 1005 * S);
	assert_int_equal(b, 1005 * S + 7000);
}

/* vigil out of descriptors says nothing about the server: with fall 1 a
 * real failure takes it down at once, a result with no_verdict does not
 * (nor does it count), yet it is recorded. */
static void test_no_verdict_changes_nothing(void **state)
{
	struct check_sched_params p = params;
	struct check_schedule s;
	struct check_result r = result(CHECK_FAIL_INTERNAL);
	uint64_t next = 0;

	(void)state;
	p.fall = 1;
	init(&s, &p);
	r.no_verdict = true;
	for (int i = 0; i < 3; i++)
		assert_int_equal(check_sched_result(&s, sched_params, &r, 1, &next), CHECK_SCHED_SAME);
	assert_true(s.up);
	assert_int_equal(s.failures, 0);
	assert_int_equal(next, p.delay_loop_us);
	assert_int_equal(s.attempts, 3);
	assert_int_equal(check_sched_outcome_count(&s, CHECK_FAIL_INTERNAL), 3);
	assert_true(check_sched_last_failure(&s)->valid);
	feed(&s, CHECK_FAIL_INTERNAL, CHECK_SCHED_WENT_DOWN, p.delay_loop_us);
	check_sched_free(&s);
}

/* A disagreeing result being counted makes the next attempt a retry. */
static void test_retrying_while_counting(void **state)
{
	struct check_schedule s;

	(void)state;
	init(&s, &params);
	assert_false(check_sched_retrying(&s));
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, params.delay_before_retry_us);
	assert_true(check_sched_retrying(&s));
	feed(&s, CHECK_OK, CHECK_SCHED_SAME, params.delay_loop_us);
	assert_false(check_sched_retrying(&s));
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, params.delay_before_retry_us);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, params.delay_before_retry_us);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_WENT_DOWN, params.delay_loop_us);
	assert_false(check_sched_retrying(&s));
	check_sched_free(&s);
}

static void test_fall_failures_with_faster_retries(void **state)
{
	struct check_schedule s;

	(void)state;
	init(&s, &params);
	assert_true(s.up);
	feed(&s, CHECK_OK, CHECK_SCHED_SAME, 10 * S);
	feed(&s, CHECK_FAIL_CONNECT_REFUSED, CHECK_SCHED_SAME, 2 * S);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, 2 * S);
	assert_true(s.up);
	assert_int_equal(s.failures, 2);
	feed(&s, CHECK_FAIL_CONNECT_REFUSED, CHECK_SCHED_WENT_DOWN, 10 * S);
	assert_false(s.up);
	assert_int_equal(s.failures, 0);
	/* Down and failing: agrees with the state, the normal interval. */
	feed(&s, CHECK_FAIL_CONNECT_REFUSED, CHECK_SCHED_SAME, 10 * S);
	assert_int_equal(s.transitions, 1);
	check_sched_free(&s);
}

static void test_a_success_resets_the_failure_count(void **state)
{
	struct check_schedule s;

	(void)state;
	init(&s, &params);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, 2 * S);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, 2 * S);
	feed(&s, CHECK_OK, CHECK_SCHED_SAME, 10 * S);
	assert_int_equal(s.failures, 0);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, 2 * S);
	feed(&s, CHECK_FAIL_TIMEOUT, CHECK_SCHED_SAME, 2 * S);
	assert_true(s.up);
	check_sched_free(&s);
}

static void test_rise_successes_bring_it_up(void **state)
{
	struct check_schedule s;
	struct check_sched_params p = params;

	(void)state;
	p.alpha = true;          /* alpha: starts down */
	init(&s, &p);
	assert_false(s.up);
	feed(&s, CHECK_OK, CHECK_SCHED_SAME, 2 * S);
	feed(&s, CHECK_FAIL_BAD_STATUS, CHECK_SCHED_SAME, 10 * S);   /* count reset */
	feed(&s, CHECK_OK, CHECK_SCHED_SAME, 2 * S);
	feed(&s, CHECK_OK, CHECK_SCHED_WENT_UP, 10 * S);
	assert_true(s.up);
	check_sched_free(&s);
}

static void test_rise_and_fall_of_one_act_at_once(void **state)
{
	struct check_schedule s;
	struct check_sched_params p = { .delay_loop_us = S, .delay_before_retry_us = S };

	(void)state;
	init(&s, &p);     /* rise/fall 0 are taken as 1 */
	feed(&s, CHECK_FAIL_SCRIPT_EXIT, CHECK_SCHED_WENT_DOWN, S);
	feed(&s, CHECK_OK, CHECK_SCHED_WENT_UP, S);
	check_sched_free(&s);
}

static void test_counters_last_result_and_dynamic_weight(void **state)
{
	struct check_schedule s;
	struct check_result r = result(CHECK_OK);
	uint64_t next;

	(void)state;
	init(&s, &params);
	assert_false(s.last.valid);
	assert_int_equal(s.weight, -1);
	r.weight = 7;
	check_sched_result(&s, sched_params, &r, 5 * S, &next);
	r = result(CHECK_FAIL_CONNECT_REFUSED);
	check_sched_result(&s, sched_params, &r, 6 * S, &next);
	r = result(CHECK_OK);          /* weight -1: keeps the last one asked */
	check_sched_result(&s, sched_params, &r, 7 * S, &next);
	assert_int_equal(s.weight, 7);
	assert_int_equal(s.attempts, 3);
	assert_int_equal(check_sched_outcome_count(&s, CHECK_OK), 2);
	assert_int_equal(check_sched_outcome_count(&s, CHECK_FAIL_CONNECT_REFUSED), 1);
	assert_true(s.last.valid);
	assert_int_equal(s.last.outcome, CHECK_OK);
	assert_int_equal(s.last.wall_us, 7 * S);
	assert_int_equal(s.last.latency_us, 1234);
	assert_int_equal(check_sched_last_failure(&s)->outcome, CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(check_sched_last_failure(&s)->wall_us, 6 * S);
	assert_string_equal(check_sched_last_failure(&s)->text, "connect-refused");
	check_sched_free(&s);
}

/* The texts of the last result and of the last failure follow the
 * results, whether the two are the same result or not. */
static void text_result(struct check_schedule *s, enum check_outcome outcome, const char *text)
{
	struct check_result r = result(outcome);
	uint64_t next;

	snprintf(r.text, sizeof(r.text), "%s", text);
	check_sched_result(s, sched_params, &r, 1, &next);
}

static void test_texts_of_last_result_and_last_failure(void **state)
{
	struct check_schedule s;

	(void)state;
	init(&s, &params);
	assert_string_equal(check_sched_text(&s.last), "");
	assert_string_equal(check_sched_text(check_sched_last_failure(&s)), "");
	text_result(&s, CHECK_OK, "connected");
	assert_string_equal(check_sched_text(&s.last), "connected");
	assert_false(check_sched_last_failure(&s)->valid);
	text_result(&s, CHECK_FAIL_TIMEOUT, "no answer");
	text_result(&s, CHECK_FAIL_CONNECT_REFUSED, "refused");
	assert_string_equal(check_sched_text(&s.last), "refused");
	assert_string_equal(check_sched_text(check_sched_last_failure(&s)), "refused");
	text_result(&s, CHECK_OK, "connected");
	text_result(&s, CHECK_OK, "connected again");
	assert_string_equal(check_sched_text(&s.last), "connected again");
	assert_string_equal(check_sched_text(check_sched_last_failure(&s)), "refused");
	text_result(&s, CHECK_FAIL_TIMEOUT, "connected again");
	text_result(&s, CHECK_FAIL_TIMEOUT, "no answer");
	assert_string_equal(check_sched_text(&s.last), "no answer");
	assert_string_equal(check_sched_text(check_sched_last_failure(&s)), "no answer");
	assert_int_equal(check_sched_last_failure(&s)->outcome, CHECK_FAIL_TIMEOUT);
	assert_int_equal(check_sched_outcome_count(&s, CHECK_FAIL_TIMEOUT), 3);
	assert_int_equal(check_sched_outcome_count(&s, CHECK_OK), 3);
	text_result(&s, CHECK_OK, "");
	assert_string_equal(check_sched_text(&s.last), "");
	assert_string_equal(check_sched_text(check_sched_last_failure(&s)), "no answer");
	text_result(&s, CHECK_FAIL_TIMEOUT, "no answer");
	assert_string_equal(check_sched_text(&s.last), "no answer");
	check_sched_free(&s);
	assert_null(s.last.text);
}

/* Texts are shared between schedules: hundreds of them, some equal and
 * some not, freed in a scrambled order, leave the others' texts right. */
static void test_shared_texts_survive_other_schedules(void **state)
{
	enum { N = 300 };
	struct check_schedule *s = calloc(N, sizeof(*s));
	bool freed[N] = { false };
	char text[64];

	(void)state;
	assert_non_null(s);
	for (unsigned i = 0; i < N; i++) {
		init(&s[i], &params);
		snprintf(text, sizeof(text), "refused by %u", i % 97);
		text_result(&s[i], CHECK_FAIL_CONNECT_REFUSED, text);
		if (i % 3 == 0)
			text_result(&s[i], CHECK_OK, "connected");
	}
	for (unsigned k = 0; k < N; k++) {
		unsigned i = (k * 7) % N;

		if (i % 2) {
			check_sched_free(&s[i]);
			freed[i] = true;
		}
	}
	for (unsigned i = 0; i < N; i++) {
		if (freed[i])
			continue;
		snprintf(text, sizeof(text), "refused by %u", i % 97);
		assert_string_equal(check_sched_text(check_sched_last_failure(&s[i])), text);
		assert_string_equal(check_sched_text(&s[i].last), i % 3 == 0 ? "connected" : text);
		check_sched_free(&s[i]);
	}
	free(s);
}

static void test_real_server_up_iff_all_checkers_up(void **state)
{
	bool all[] = { true, true, true }, one_down[] = { true, false, true };

	(void)state;
	assert_true(check_rs_all_up(all, 3));
	assert_false(check_rs_all_up(one_down, 3));
	assert_true(check_rs_all_up(NULL, 0));   /* no checkers: always up */
}

static void test_dynamic_weight(void **state)
{
	int32_t none[] = { -1, -1 }, one[] = { 10, -1 }, two[] = { 10, 20 }, low[] = { 0, 0 };

	(void)state;
	assert_int_equal(check_rs_dynamic_weight(3, none, 2), 3);
	assert_int_equal(check_rs_dynamic_weight(3, one, 2), 10);
	assert_int_equal(check_rs_dynamic_weight(3, two, 2), 27);    /* 3 + 7 + 17 */
	assert_int_equal(check_rs_dynamic_weight(5, low, 2), 0);     /* never below 0 */
}

static void test_ipvs_weight_inhibit_and_drain(void **state)
{
	(void)state;
	assert_int_equal(check_rs_ipvs_weight(true, 5, false, false, false), 5);
	assert_int_equal(check_rs_ipvs_weight(false, 5, false, false, false), -1);
	assert_int_equal(check_rs_ipvs_weight(false, 5, true, false, false), 0);  /* inhibit */
	assert_int_equal(check_rs_ipvs_weight(true, 5, false, true, false), 0);   /* draining */
	assert_int_equal(check_rs_ipvs_weight(true, 5, false, true, true), -1);   /* drained */
	assert_int_equal(check_rs_ipvs_weight(false, 5, true, true, false), 0);
}

static void test_quorum_with_hysteresis(void **state)
{
	(void)state;
	/* No hysteresis: the plain threshold both ways. */
	assert_true(check_vs_quorum_next(false, 2, 2, 0));
	assert_false(check_vs_quorum_next(true, 1, 2, 0));
	/* quorum 4, hysteresis 1: lost below 3, gained at 5. */
	assert_true(check_vs_quorum_next(true, 3, 4, 1));
	assert_false(check_vs_quorum_next(true, 2, 4, 1));
	assert_false(check_vs_quorum_next(false, 4, 4, 1));
	assert_true(check_vs_quorum_next(false, 5, 4, 1));
	/* hysteresis larger than quorum never underflows. */
	assert_true(check_vs_quorum_next(true, 0, 2, 5));
}

static void test_sorry_server_rule(void **state)
{
	(void)state;
	assert_int_equal(check_vs_sorry_weight(false, false, 3, false), -1);
	assert_int_equal(check_vs_sorry_weight(true, false, 3, false), 3);   /* stands in */
	assert_int_equal(check_vs_sorry_weight(true, true, 3, false), -1);
	assert_int_equal(check_vs_sorry_weight(true, true, 3, true), 0);     /* sorry_server_inhibit */
	assert_true(check_vs_real_servers_in(false, false));   /* no sorry: they stay */
	assert_false(check_vs_real_servers_in(true, false));   /* replaced by the sorry server */
	assert_true(check_vs_real_servers_in(true, true));
}

static void test_retry_from_the_configuration_is_fall(void **state)
{
	static const char text[] =
		"virtual_server 10.0.0.1 80 {\n"
		"  delay_loop 4\n"
		"  alpha\n"
		"  real_server 10.0.0.2 80 {\n"
		"    TCP_CHECK {\n      retry 3\n      delay_before_retry 2\n    }\n"
		"    MISC_CHECK {\n      misc_path /bin/true\n    }\n"
		"    TCP_CHECK {\n      rise 4\n      fall 5\n      warmup 0\n    }\n"
		"  }\n"
		"}\n";
	struct config_load_options opts = { .config_id = "test" };
	struct conf_diags diags;
	struct vigil_config *cfg;
	const struct check_vs_config *vs;
	const struct check_rs_config *rs;
	struct check_defaults eff;
	struct check_sched_params p;

	(void)state;
	conf_diags_init(&diags);
	cfg = vigil_config_load_string("sched.conf", text, &opts, &diags);
	unit_assert_no_errors(&diags);
	vs = cfg->check->virtual_servers.items[0];
	rs = vs->real_servers.items[0];
	check_checker_effective(vs, rs, rs->checkers.items[0], &eff);
	check_sched_params_from(&eff, &p);
	assert_int_equal(p.fall, 4);                 /* retry 3 */
	assert_int_equal(p.rise, 1);
	assert_int_equal(p.delay_before_retry_us, 2 * S);
	assert_int_equal(p.delay_loop_us, 4 * S);
	assert_int_equal(p.warmup_us, 4 * S);        /* default: delay_loop */
	assert_true(p.alpha);
	check_checker_effective(vs, rs, rs->checkers.items[1], &eff);
	check_sched_params_from(&eff, &p);
	assert_int_equal(p.fall, 1);                 /* MISC_CHECK: retry 0 */
	check_checker_effective(vs, rs, rs->checkers.items[2], &eff);
	check_sched_params_from(&eff, &p);
	assert_int_equal(p.rise, 4);
	assert_int_equal(p.fall, 5);
	assert_int_equal(p.warmup_us, 0);
	vigil_config_free(cfg);
	conf_diags_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_delay_is_within_warmup),
		cmocka_unit_test(test_next_due_keeps_the_timetable),
		cmocka_unit_test(test_next_due_after_an_overrun_waits_from_the_end),
		cmocka_unit_test(test_next_due_after_a_late_start_does_not_catch_up),
		cmocka_unit_test(test_lateness_does_not_accumulate),
		cmocka_unit_test(test_no_verdict_changes_nothing),
		cmocka_unit_test(test_retrying_while_counting),
		cmocka_unit_test(test_fall_failures_with_faster_retries),
		cmocka_unit_test(test_a_success_resets_the_failure_count),
		cmocka_unit_test(test_rise_successes_bring_it_up),
		cmocka_unit_test(test_rise_and_fall_of_one_act_at_once),
		cmocka_unit_test(test_counters_last_result_and_dynamic_weight),
		cmocka_unit_test(test_texts_of_last_result_and_last_failure),
		cmocka_unit_test(test_shared_texts_survive_other_schedules),
		cmocka_unit_test(test_real_server_up_iff_all_checkers_up),
		cmocka_unit_test(test_dynamic_weight),
		cmocka_unit_test(test_ipvs_weight_inhibit_and_drain),
		cmocka_unit_test(test_quorum_with_hysteresis),
		cmocka_unit_test(test_sorry_server_rule),
		cmocka_unit_test(test_retry_from_the_configuration_is_fall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
