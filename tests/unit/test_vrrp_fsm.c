/* The VRRP state machine and timer arithmetic (vrrp/vrrp_fsm.h,
 * vrrp/vrrp_timers.h), driven with a fake clock and ops that record every
 * action as a line of text, so a test states the exact actions a transition
 * must emit, in order. */
#include "unit.h"

#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_timers.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#define MAX_ACTIONS 32
#define MAX_HOOKS 16

struct fake {
	struct vrrp_fsm fsm;
	struct vrrp_fsm_config conf;
	uint64_t now_us;
	char actions[MAX_ACTIONS][64];
	size_t n_actions;
	struct vrrp_transition hooks[MAX_HOOKS];
	enum vrrp_state state_in_hook[MAX_HOOKS];
	size_t n_hooks;
};

static const char *const fake_timer_names[VRRP_TIMER_COUNT] = {
	[VRRP_TIMER_ADVERT] = "advert",
	[VRRP_TIMER_MASTER_DOWN] = "master_down",
	[VRRP_TIMER_PREEMPT_DELAY] = "preempt_delay",
};

static struct fake *fake_of(struct vrrp_fsm *fsm)
{
	return fsm->ctx;
}

static void record(struct vrrp_fsm *fsm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void record(struct vrrp_fsm *fsm, const char *fmt, ...)
{
	struct fake *f = fake_of(fsm);
	va_list ap;

	assert_true(f->n_actions < MAX_ACTIONS);
	va_start(ap, fmt);
	vsnprintf(f->actions[f->n_actions++], sizeof(f->actions[0]), fmt, ap);
	va_end(ap);
}

static uint64_t fake_now(struct vrrp_fsm *fsm)
{
	return fake_of(fsm)->now_us;
}

static void fake_send_advert(struct vrrp_fsm *fsm, uint8_t priority)
{
	record(fsm, "advert %u", priority);
}

static void fake_send_zero(struct vrrp_fsm *fsm)
{
	record(fsm, "advert0");
}

static void fake_add_vips(struct vrrp_fsm *fsm)
{
	record(fsm, "add_vips");
}

static void fake_remove_vips(struct vrrp_fsm *fsm)
{
	record(fsm, "remove_vips");
}

static void fake_gratuitous(struct vrrp_fsm *fsm)
{
	record(fsm, "gratuitous");
}

static void fake_timer_start(struct vrrp_fsm *fsm, enum vrrp_timer timer, uint64_t us)
{
	record(fsm, "start %s %llu", fake_timer_names[timer], (unsigned long long)us);
}

static void fake_timer_stop(struct vrrp_fsm *fsm, enum vrrp_timer timer)
{
	record(fsm, "stop %s", fake_timer_names[timer]);
}

static void fake_state_changed(struct vrrp_fsm *fsm, const struct vrrp_transition *t)
{
	struct fake *f = fake_of(fsm);

	assert_true(f->n_hooks < MAX_HOOKS);
	f->state_in_hook[f->n_hooks] = fsm->state;
	f->hooks[f->n_hooks++] = *t;
	record(fsm, "state %s->%s", vrrp_state_names[t->from], vrrp_state_names[t->to]);
}

static const struct vrrp_fsm_ops fake_ops = {
	.now_us = fake_now,
	.send_advert = fake_send_advert,
	.send_advert_priority_zero = fake_send_zero,
	.add_vips = fake_add_vips,
	.remove_vips = fake_remove_vips,
	.send_gratuitous = fake_gratuitous,
	.timer_start = fake_timer_start,
	.timer_stop = fake_timer_stop,
	.state_changed = fake_state_changed,
};

static struct vigil_addr addr(const char *text)
{
	struct vigil_addr a = { 0 };

	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, text, &a.u), 1);
	a.prefix_len = a.family == AF_INET ? 32 : 128;
	return a;
}

/* Defaults: v3, priority 100, 1 s adverts, preempt, 10.0.0.1.  Tests
 * change f->conf then call fake_start(). */
static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->now_us = 1000000000;
	f->conf = (struct vrrp_fsm_config){
		.name = "VI_TEST", .version = 3, .priority = 100,
		.advert_interval_us = 1000000, .preempt = true,
		.primary_address = addr("10.0.0.1"),
	};
	return f;
}

static void fake_clear(struct fake *f)
{
	f->n_actions = 0;
}

/* Initialises the machine from f->conf, feeds STARTUP, forgets the
 * start-up actions. */
static void fake_start(struct fake *f)
{
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	assert_int_equal(vrrp_fsm_signal(&f->fsm, VRRP_EVENT_STARTUP), VRRP_FSM_HANDLED);
	fake_clear(f);
}

static struct fake *fake_backup(void)
{
	struct fake *f = fake_new();

	fake_start(f);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	return f;
}

static struct fake *fake_master(void)
{
	struct fake *f = fake_backup();

	assert_int_equal(vrrp_fsm_signal(&f->fsm, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_HANDLED);
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	fake_clear(f);
	f->n_hooks = 0;
	return f;
}

static enum vrrp_fsm_outcome advert(struct fake *f, unsigned priority, uint64_t interval_us,
				    const char *source)
{
	struct vrrp_advert_info ad = {
		.priority = (uint8_t)priority, .interval_us = interval_us, .source = addr(source),
	};

	return vrrp_fsm_advert(&f->fsm, &ad);
}

static enum vrrp_fsm_outcome signal_event(struct fake *f, enum vrrp_event ev)
{
	return vrrp_fsm_signal(&f->fsm, ev);
}

/* The recorded actions must be exactly the NULL-terminated list. */
static void check_actions(struct fake *f, const char *file, int line, ...)
{
	const char *want[MAX_ACTIONS + 1];
	size_t n = 0;
	bool same;
	va_list ap;

	va_start(ap, line);
	while (n < MAX_ACTIONS && (want[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	same = n == f->n_actions;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(want[i], f->actions[i]) == 0;
	if (same) {
		fake_clear(f);
		return;
	}
	print_error("expected actions:\n");
	for (size_t i = 0; i < n; i++)
		print_error("  %s\n", want[i]);
	print_error("got:\n");
	for (size_t i = 0; i < f->n_actions; i++)
		print_error("  %s\n", f->actions[i]);
	_fail(file, line);
}
#define expect_actions(f, ...) check_actions((f), __FILE__, __LINE__, __VA_ARGS__, NULL)
#define expect_no_actions(f) check_actions((f), __FILE__, __LINE__, NULL)

static void expect_last_hook(struct fake *f, enum vrrp_state from, enum vrrp_state to,
			     enum vrrp_transition_reason reason)
{
	const struct vrrp_transition *t;

	assert_true(f->n_hooks > 0);
	t = &f->hooks[f->n_hooks - 1];
	assert_string_equal(vrrp_state_names[t->from], vrrp_state_names[from]);
	assert_string_equal(vrrp_state_names[t->to], vrrp_state_names[to]);
	assert_string_equal(vrrp_transition_reason_names[t->reason],
			    vrrp_transition_reason_names[reason]);
	assert_int_equal(t->time_us, f->now_us);
	assert_int_equal(f->state_in_hook[f->n_hooks - 1], to);
	assert_memory_equal(t, &f->fsm.last_transition, sizeof(*t));
}

/* ---------------------------------------------------------------- timers */

static void test_timers_v3_one_second(void **state)
{
	(void)state;
	/* (256 - p) * 1000000 / 256, truncated to the microsecond. */
	assert_int_equal(vrrp_skew_time_us(3, 100, 1000000), 609375);
	assert_int_equal(vrrp_master_down_interval_us(3, 100, 1000000), 3609375);
	assert_int_equal(vrrp_skew_time_us(3, 200, 1000000), 218750);
	assert_int_equal(vrrp_master_down_interval_us(3, 200, 1000000), 3218750);
	assert_int_equal(vrrp_skew_time_us(3, 255, 1000000), 3906);       /* 3906.25 */
	assert_int_equal(vrrp_master_down_interval_us(3, 255, 1000000), 3003906);
	assert_int_equal(vrrp_skew_time_us(3, 254, 1000000), 7812);       /* 7812.5 */
	assert_int_equal(vrrp_skew_time_us(3, 1, 1000000), 996093);       /* 996093.75 */
	assert_int_equal(vrrp_master_down_interval_us(3, 1, 1000000), 3996093);
}

static void test_timers_v3_small_and_large_intervals(void **state)
{
	(void)state;
	/* 10 ms, the smallest v3 interval */
	assert_int_equal(vrrp_skew_time_us(3, 100, 10000), 6093);         /* 6093.75 */
	assert_int_equal(vrrp_master_down_interval_us(3, 100, 10000), 36093);
	assert_int_equal(vrrp_skew_time_us(3, 255, 10000), 39);           /* 39.0625 */
	assert_int_equal(vrrp_master_down_interval_us(3, 255, 10000), 30039);
	assert_int_equal(vrrp_master_down_interval_us(3, 1, 10000), 39960);
	/* 40.95 s, the largest: 156 * 40950000 / 256 = 24953906.25 */
	assert_int_equal(vrrp_skew_time_us(3, 100, 40950000), 24953906);
	assert_int_equal(vrrp_master_down_interval_us(3, 100, 40950000), 147803906);
	/* 250 ms */
	assert_int_equal(vrrp_master_down_interval_us(3, 150, 250000), 853515);
}

static void test_timers_v2(void **state)
{
	(void)state;
	/* v2 skew is (256 - p) / 256 s whatever the interval */
	assert_int_equal(vrrp_skew_time_us(2, 100, 1000000), 609375);
	assert_int_equal(vrrp_skew_time_us(2, 100, 5000000), 609375);
	assert_int_equal(vrrp_master_down_interval_us(2, 100, 1000000), 3609375);
	assert_int_equal(vrrp_master_down_interval_us(2, 100, 3000000), 9609375);
	assert_int_equal(vrrp_skew_time_us(2, 150, 1000000), 414062);     /* 414062.5 */
	assert_int_equal(vrrp_master_down_interval_us(2, 255, 1000000), 3003906);
	assert_int_equal(vrrp_master_down_interval_us(2, 1, 2000000), 6996093);
}

/* For every priority and a spread of intervals the result is the exact
 * value rounded down: skew * 256 <= exact * 256 < (skew + 1) * 256. */
static void test_timers_round_down_never_up(void **state)
{
	static const uint64_t intervals[] = { 10000, 20000, 30000, 990000, 1000000,
					      1230000, 40950000 };

	(void)state;
	for (unsigned p = 1; p <= 255; p++)
		for (size_t i = 0; i < sizeof(intervals) / sizeof(intervals[0]); i++) {
			uint64_t exact256 = (256 - p) * intervals[i];
			uint64_t skew = vrrp_skew_time_us(3, p, intervals[i]);

			assert_true(skew * 256 <= exact256);
			assert_true((skew + 1) * 256 > exact256);
			assert_int_equal(vrrp_master_down_interval_us(3, p, intervals[i]),
					 3 * intervals[i] + skew);
		}
}

static void test_timers_wire_conversion(void **state)
{
	(void)state;
	assert_int_equal(vrrp_interval_from_wire_us(2, 1), 1000000);
	assert_int_equal(vrrp_interval_from_wire_us(3, 100), 1000000);
	assert_int_equal(vrrp_interval_from_wire_us(3, 1), 10000);
	assert_int_equal(vrrp_interval_from_wire_us(3, 4095), 40950000);
	assert_int_equal(vrrp_interval_to_wire(3, 1000000), 100);
	assert_int_equal(vrrp_interval_to_wire(3, 10000), 1);
	assert_int_equal(vrrp_interval_to_wire(3, 14999), 1);
	assert_int_equal(vrrp_interval_to_wire(3, 15000), 2);
	assert_int_equal(vrrp_interval_to_wire(3, 0), 1);
	assert_int_equal(vrrp_interval_to_wire(3, 100000000), 4095);
	assert_int_equal(vrrp_interval_to_wire(2, 1400000), 1);
	assert_int_equal(vrrp_interval_to_wire(2, 1500000), 2);
	assert_int_equal(vrrp_interval_to_wire(2, 300000000), 255);
}

/* --------------------------------------------------------------- start-up */

static void test_startup_backup(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	assert_int_equal(f->fsm.state, VRRP_STATE_INIT);
	expect_no_actions(f);
	assert_int_equal(signal_event(f, VRRP_EVENT_STARTUP), VRRP_FSM_HANDLED);
	expect_actions(f, "start master_down 3609375", "state INIT->BACKUP");
	expect_last_hook(f, VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_REASON_STARTUP);
	assert_false(f->fsm.has_master_address);
	assert_int_equal(f->fsm.skew_time_us, 609375);
	assert_true(f->fsm.timer_armed[VRRP_TIMER_MASTER_DOWN]);
	assert_int_equal(f->fsm.timer_deadline_us[VRRP_TIMER_MASTER_DOWN],
			 f->now_us + 3609375);
	free(f);
}

static void test_startup_backup_v2(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.version = 2;
	f->conf.advert_interval_us = 2000000;
	f->conf.priority = 200;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	signal_event(f, VRRP_EVENT_STARTUP);
	expect_actions(f, "start master_down 6218750", "state INIT->BACKUP");
	free(f);
}

static void test_startup_address_owner(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.priority = 255;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	assert_true(vrrp_fsm_is_owner(&f->fsm));
	signal_event(f, VRRP_EVENT_STARTUP);
	expect_actions(f, "add_vips", "advert 255", "gratuitous", "start advert 1000000",
		       "state INIT->MASTER");
	expect_last_hook(f, VRRP_STATE_INIT, VRRP_STATE_MASTER, VRRP_REASON_STARTUP_OWNER);
	assert_int_equal(f->fsm.stats.became_master, 1);
	assert_int_equal(f->fsm.stats.adverts_sent, 1);
	assert_true(f->fsm.has_master_address);
	assert_true(vigil_addr_equal(&f->fsm.master_address, &f->conf.primary_address));
	free(f);
}

/* ----------------------------------------------------------------- backup */

static void test_backup_master_down_becomes_master(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	f->now_us += 3609375;
	assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_HANDLED);
	expect_actions(f, "add_vips", "advert 100", "gratuitous", "start advert 1000000",
		       "state BACKUP->MASTER");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_DOWN);
	assert_false(f->fsm.timer_armed[VRRP_TIMER_MASTER_DOWN]);
	assert_true(f->fsm.timer_armed[VRRP_TIMER_ADVERT]);
	assert_int_equal(f->fsm.stats.became_master, 1);
	free(f);
}

static void test_backup_higher_priority_resets_timer(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	assert_int_equal(advert(f, 150, 1000000, "10.0.0.2"), VRRP_FSM_HANDLED);
	expect_actions(f, "start master_down 3609375");
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	assert_true(f->fsm.has_master_address);
	{
		struct vigil_addr want = addr("10.0.0.2");

		assert_true(vigil_addr_equal(&f->fsm.master_address, &want));
	}
	assert_int_equal(f->fsm.stats.adverts_received, 1);
	assert_int_equal(f->n_hooks, 1);   /* the start-up only */
	free(f);
}

static void test_backup_equal_priority_resets_timer(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	/* A backup accepts an equal priority master whatever its address. */
	advert(f, 100, 1000000, "10.0.0.0");
	expect_actions(f, "start master_down 3609375");
	advert(f, 100, 1000000, "10.0.0.9");
	expect_actions(f, "start master_down 3609375");
	free(f);
}

static void test_backup_preempts_lower_priority(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 50, 1000000, "10.0.0.2");
	expect_no_actions(f);                       /* discarded */
	assert_true(f->fsm.timer_armed[VRRP_TIMER_MASTER_DOWN]);
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_actions(f, "add_vips", "advert 100", "gratuitous", "start advert 1000000",
		       "state BACKUP->MASTER");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPTED);
	free(f);
}

static void test_backup_nopreempt_keeps_lower_master(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.preempt = false;
	fake_start(f);
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	advert(f, 1, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	/* The lower master dying is a plain timeout, not a preemption. */
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_DOWN);
	free(f);
}

static void test_backup_accepted_advert_clears_preemption(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 50, 1000000, "10.0.0.2");
	expect_no_actions(f);
	advert(f, 200, 1000000, "10.0.0.3");        /* a better master appeared */
	expect_actions(f, "start master_down 3609375");
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_DOWN);
	free(f);
}

static void test_backup_priority_zero_fast_takeover_v3(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 200, 1000000, "10.0.0.2");
	fake_clear(f);
	assert_int_equal(advert(f, 0, 1000000, "10.0.0.2"), VRRP_FSM_HANDLED);
	expect_actions(f, "start master_down 609375");      /* Skew_Time only */
	assert_false(f->fsm.has_master_address);
	assert_int_equal(f->fsm.stats.priority_zero_received, 1);
	f->now_us += 609375;
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_actions(f, "add_vips", "advert 100", "gratuitous", "start advert 1000000",
		       "state BACKUP->MASTER");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PRIORITY_ZERO);
	free(f);
}

static void test_backup_priority_zero_fast_takeover_v2(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.version = 2;
	f->conf.priority = 200;
	f->conf.advert_interval_us = 3000000;
	fake_start(f);
	advert(f, 0, 3000000, "10.0.0.2");
	expect_actions(f, "start master_down 218750");
	free(f);
}

static void test_backup_v3_adopts_master_interval(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	/* 3 * 50 ms + 156 * 50000 / 256 (30468.75) */
	advert(f, 200, 50000, "10.0.0.2");
	expect_actions(f, "start master_down 180468");
	assert_int_equal(f->fsm.master_adver_interval_us, 50000);
	assert_int_equal(f->fsm.skew_time_us, 30468);
	/* the skew of a fast takeover follows the adopted interval too */
	advert(f, 0, 50000, "10.0.0.2");
	expect_actions(f, "start master_down 30468");
	/* a master with 2 s adverts */
	advert(f, 200, 2000000, "10.0.0.3");
	expect_actions(f, "start master_down 7218750");
	free(f);
}

static void test_backup_v3_ignores_zero_interval(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 200, 0, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	assert_int_equal(f->fsm.master_adver_interval_us, 1000000);
	free(f);
}

static void test_backup_v2_does_not_adopt_interval(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.version = 2;
	fake_start(f);
	advert(f, 200, 3000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	assert_int_equal(f->fsm.master_adver_interval_us, 1000000);
	free(f);
}

/* ---------------------------------------------------------- preempt_delay */

static struct fake *fake_backup_with_delay(void)
{
	struct fake *f = fake_new();

	f->conf.preempt_delay_us = 2000000;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	signal_event(f, VRRP_EVENT_STARTUP);
	/* keepalived: 3.5 s normally, about 5.5 s with preempt_delay 2 */
	expect_actions(f, "start master_down 5609375", "start preempt_delay 2000000",
		       "state INIT->BACKUP");
	assert_int_equal(f->fsm.preempt_delay, VRRP_PREEMPT_DELAY_RUNNING);
	return f;
}

static void test_preempt_delay_startup_without_master(void **state)
{
	struct fake *f = fake_backup_with_delay();

	(void)state;
	f->now_us += 2000000;
	signal_event(f, VRRP_EVENT_PREEMPT_DELAY_EXPIRED);
	expect_no_actions(f);
	f->now_us += 3609375;
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_actions(f, "add_vips", "advert 100", "gratuitous", "start advert 1000000",
		       "state BACKUP->MASTER");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_DOWN);
	free(f);
}

static void test_preempt_delay_tolerates_then_preempts(void **state)
{
	struct fake *f = fake_backup_with_delay();

	(void)state;
	/* While the delay runs a lower priority master is accepted. */
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	assert_int_equal(signal_event(f, VRRP_EVENT_PREEMPT_DELAY_EXPIRED), VRRP_FSM_HANDLED);
	expect_no_actions(f);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	/* Then its adverts are discarded and the timer runs out. */
	advert(f, 50, 1000000, "10.0.0.2");
	expect_no_actions(f);
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPTED);
	free(f);
}

static void test_preempt_delay_cancelled_by_higher_master(void **state)
{
	struct fake *f = fake_backup_with_delay();

	(void)state;
	advert(f, 200, 1000000, "10.0.0.3");
	expect_actions(f, "stop preempt_delay", "start master_down 3609375");
	assert_int_equal(f->fsm.preempt_delay, VRRP_PREEMPT_DELAY_IDLE);
	/* The late expiry of the stopped timer is not believed. */
	assert_int_equal(signal_event(f, VRRP_EVENT_PREEMPT_DELAY_EXPIRED),
			 VRRP_FSM_TIMER_NOT_ARMED);
	/* A lower priority master seen later starts a new delay. */
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start preempt_delay 2000000", "start master_down 3609375");
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	free(f);
}

static void test_preempt_delay_unused_with_nopreempt(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.preempt = false;
	f->conf.preempt_delay_us = 2000000;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	signal_event(f, VRRP_EVENT_STARTUP);
	expect_actions(f, "start master_down 3609375", "state INIT->BACKUP");
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	free(f);
}

static void test_preempt_delay_stopped_on_takeover(void **state)
{
	struct fake *f = fake_backup_with_delay();

	(void)state;
	/* The master resigns while the delay runs: taking over a resigning
	 * master is no preemption, and the delay timer is stopped. */
	advert(f, 0, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 609375");
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_actions(f, "stop preempt_delay", "add_vips", "advert 100", "gratuitous",
		       "start advert 1000000", "state BACKUP->MASTER");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PRIORITY_ZERO);
	free(f);
}

/* ----------------------------------------------------------------- master */

static void test_master_advert_timer(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	for (int i = 0; i < 3; i++) {
		f->now_us += 1000000;
		assert_int_equal(signal_event(f, VRRP_EVENT_ADVERT_TIMER), VRRP_FSM_HANDLED);
		expect_actions(f, "advert 100", "start advert 1000000");
	}
	assert_int_equal(f->fsm.stats.adverts_sent, 4);
	assert_int_equal(f->n_hooks, 0);
	free(f);
}

static void test_master_yields_to_higher_priority(void **state)
{
	struct fake *f = fake_master();
	struct vigil_addr other = addr("10.0.0.2");

	(void)state;
	advert(f, 150, 1000000, "10.0.0.2");
	expect_actions(f, "stop advert", "remove_vips", "start master_down 3609375",
		       "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_PRIORITY);
	assert_int_equal(f->fsm.stats.released_master, 1);
	assert_int_equal(f->fsm.stats.priority_zero_sent, 0);
	assert_true(vigil_addr_equal(&f->fsm.master_address, &other));
	assert_false(f->fsm.timer_armed[VRRP_TIMER_ADVERT]);
	free(f);
}

static void test_master_yield_adopts_interval_v3(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	advert(f, 150, 200000, "10.0.0.2");
	/* 600000 + 156 * 200000 / 256 (121875) */
	expect_actions(f, "stop advert", "remove_vips", "start master_down 721875",
		       "state MASTER->BACKUP");
	assert_int_equal(f->fsm.master_adver_interval_us, 200000);
	free(f);
}

static void test_master_higher_prio_send_advert(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.higher_prio_send_advert = true;
	f->conf.priority = 255;
	fake_start(f);
	advert(f, 255, 1000000, "10.0.0.2");        /* equal, higher address */
	expect_actions(f, "advert 255", "stop advert", "remove_vips",
		       "start master_down 3003906", "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_ADDRESS);
	free(f);
}

/* 2.0.0.10 is below 10.0.0.2 in network order but above it if the bytes
 * were compared as a little-endian integer. */
static void test_master_tie_break_ipv4(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.primary_address = addr("10.0.0.2");
	fake_start(f);
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	fake_clear(f);
	advert(f, 100, 1000000, "2.0.0.10");        /* lower address: we stay */
	expect_actions(f, "advert 100", "start advert 1000000");
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	advert(f, 100, 1000000, "10.0.0.1");
	expect_actions(f, "advert 100", "start advert 1000000");
	advert(f, 100, 1000000, "10.0.1.0");        /* higher address: we yield */
	expect_actions(f, "stop advert", "remove_vips", "start master_down 3609375",
		       "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_ADDRESS);
	free(f);
}

static void test_master_tie_break_ipv6(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.primary_address = addr("fe80::2:1");
	fake_start(f);
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	fake_clear(f);
	advert(f, 100, 1000000, "fe80::1:ffff");    /* lower */
	expect_actions(f, "advert 100", "start advert 1000000");
	advert(f, 100, 1000000, "fe7f:ffff::ffff"); /* lower in the first bytes */
	expect_actions(f, "advert 100", "start advert 1000000");
	advert(f, 100, 1000000, "fe80::3:0");       /* higher */
	expect_actions(f, "stop advert", "remove_vips", "start master_down 3609375",
		       "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_ADDRESS);
	free(f);
}

static void test_master_reasserts_on_lower_priority(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	f->now_us += 300000;
	assert_int_equal(advert(f, 50, 1000000, "10.0.0.9"), VRRP_FSM_HANDLED);
	expect_actions(f, "advert 100", "start advert 1000000");
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(f->fsm.timer_deadline_us[VRRP_TIMER_ADVERT], f->now_us + 1000000);
	assert_int_equal(f->n_hooks, 0);
	free(f);
}

static void test_master_lower_prio_no_advert(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.lower_prio_no_advert = true;
	f->conf.priority = 255;
	fake_start(f);
	advert(f, 50, 1000000, "10.0.0.9");
	expect_no_actions(f);
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	free(f);
}

static void test_master_priority_zero_answers_at_once(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	advert(f, 0, 1000000, "10.0.0.9");
	expect_actions(f, "advert 100", "start advert 1000000");
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(f->fsm.stats.priority_zero_received, 1);
	free(f);
}

static void test_master_ignores_own_advert(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	advert(f, 100, 1000000, "10.0.0.1");
	expect_no_actions(f);
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	free(f);
}

/* ------------------------------------------------------ fault and recovery */

static void test_fault_from_backup(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 200, 1000000, "10.0.0.2");
	fake_clear(f);
	assert_int_equal(signal_event(f, VRRP_EVENT_FAULT), VRRP_FSM_HANDLED);
	expect_actions(f, "stop master_down", "state BACKUP->FAULT");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_FAULT, VRRP_REASON_FAULT);
	assert_false(f->fsm.has_master_address);
	/* adverts and late timers are ignored in FAULT */
	assert_int_equal(advert(f, 200, 1000000, "10.0.0.2"), VRRP_FSM_IGNORED);
	assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_IGNORED);
	assert_int_equal(signal_event(f, VRRP_EVENT_FAULT), VRRP_FSM_IGNORED);
	expect_no_actions(f);
	free(f);
}

static void test_fault_from_master(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	signal_event(f, VRRP_EVENT_FAULT);
	expect_actions(f, "stop advert", "advert0", "remove_vips", "state MASTER->FAULT");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_FAULT, VRRP_REASON_FAULT);
	assert_int_equal(f->fsm.stats.priority_zero_sent, 1);
	assert_int_equal(f->fsm.stats.released_master, 1);
	assert_int_equal(f->fsm.stats.adverts_sent, 2);
	free(f);
}

static void test_fault_from_backup_with_preempt_delay(void **state)
{
	struct fake *f = fake_backup_with_delay();

	(void)state;
	signal_event(f, VRRP_EVENT_FAULT);
	expect_actions(f, "stop master_down", "stop preempt_delay", "state BACKUP->FAULT");
	free(f);
}

static void test_fault_at_init_then_cleared(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	signal_event(f, VRRP_EVENT_FAULT);
	expect_actions(f, "state INIT->FAULT");
	expect_last_hook(f, VRRP_STATE_INIT, VRRP_STATE_FAULT, VRRP_REASON_FAULT);
	assert_int_equal(signal_event(f, VRRP_EVENT_STARTUP), VRRP_FSM_IGNORED);
	f->now_us += 5000000;
	assert_int_equal(signal_event(f, VRRP_EVENT_FAULT_CLEARED), VRRP_FSM_HANDLED);
	expect_actions(f, "start master_down 3609375", "state FAULT->BACKUP");
	expect_last_hook(f, VRRP_STATE_FAULT, VRRP_STATE_BACKUP, VRRP_REASON_FAULT_CLEARED);
	free(f);
}

static void test_fault_cleared_owner_becomes_master(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.priority = 255;
	fake_start(f);
	signal_event(f, VRRP_EVENT_FAULT);
	expect_actions(f, "stop advert", "advert0", "remove_vips", "state MASTER->FAULT");
	signal_event(f, VRRP_EVENT_FAULT_CLEARED);
	expect_actions(f, "add_vips", "advert 255", "gratuitous", "start advert 1000000",
		       "state FAULT->MASTER");
	expect_last_hook(f, VRRP_STATE_FAULT, VRRP_STATE_MASTER,
			 VRRP_REASON_FAULT_CLEARED_OWNER);
	free(f);
}

static void test_fault_cleared_backup_master_adver_interval_reset(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 200, 50000, "10.0.0.2");
	assert_int_equal(f->fsm.master_adver_interval_us, 50000);
	signal_event(f, VRRP_EVENT_FAULT);
	fake_clear(f);
	signal_event(f, VRRP_EVENT_FAULT_CLEARED);
	/* back to our own interval: the old master's is forgotten */
	expect_actions(f, "start master_down 3609375", "state FAULT->BACKUP");
	free(f);
}

/* --------------------------------------------------------------- shutdown */

static void test_shutdown_from_master(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	assert_int_equal(signal_event(f, VRRP_EVENT_SHUTDOWN), VRRP_FSM_HANDLED);
	expect_actions(f, "stop advert", "advert0", "remove_vips", "state MASTER->STOP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN);
	assert_int_equal(f->fsm.stats.priority_zero_sent, 1);
	assert_int_equal(f->fsm.stats.released_master, 1);
	assert_false(f->fsm.has_master_address);
	assert_int_equal(signal_event(f, VRRP_EVENT_ADVERT_TIMER), VRRP_FSM_IGNORED);
	assert_int_equal(signal_event(f, VRRP_EVENT_SHUTDOWN), VRRP_FSM_IGNORED);
	expect_no_actions(f);
	free(f);
}

static void test_shutdown_from_backup(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	signal_event(f, VRRP_EVENT_SHUTDOWN);
	expect_actions(f, "stop master_down", "state BACKUP->STOP");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN);
	assert_int_equal(f->fsm.stats.adverts_sent, 0);
	free(f);
}

static void test_shutdown_from_fault_and_init(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	signal_event(f, VRRP_EVENT_SHUTDOWN);
	expect_actions(f, "state INIT->STOP");
	expect_last_hook(f, VRRP_STATE_INIT, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN);

	fake_start(f);
	signal_event(f, VRRP_EVENT_FAULT);
	fake_clear(f);
	signal_event(f, VRRP_EVENT_SHUTDOWN);
	expect_actions(f, "state FAULT->STOP");
	expect_last_hook(f, VRRP_STATE_FAULT, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN);
	free(f);
}

static void test_restart_after_stop(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	signal_event(f, VRRP_EVENT_SHUTDOWN);
	fake_clear(f);
	assert_int_equal(signal_event(f, VRRP_EVENT_STARTUP), VRRP_FSM_HANDLED);
	expect_actions(f, "start master_down 3609375", "state STOP->BACKUP");
	expect_last_hook(f, VRRP_STATE_STOP, VRRP_STATE_BACKUP, VRRP_REASON_STARTUP);
	free(f);
}

/* --------------------------------------------------------------- priority */

static void test_priority_change_in_backup(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	assert_int_equal(vrrp_fsm_set_priority(&f->fsm, 200), VRRP_FSM_HANDLED);
	expect_no_actions(f);                       /* the timer keeps its deadline */
	assert_int_equal(f->fsm.effective_priority, 200);
	assert_int_equal(f->fsm.skew_time_us, 218750);
	assert_int_equal(f->fsm.master_down_interval_us, 3218750);
	advert(f, 200, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3218750");
	advert(f, 0, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 218750");
	free(f);
}

static void test_priority_rise_lets_backup_preempt(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	advert(f, 150, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	vrrp_fsm_set_priority(&f->fsm, 160);
	advert(f, 150, 1000000, "10.0.0.2");        /* now lower than us */
	expect_no_actions(f);
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPTED);
	expect_actions(f, "add_vips", "advert 160", "gratuitous", "start advert 1000000",
		       "state BACKUP->MASTER");
	free(f);
}

static void test_priority_change_in_master(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	vrrp_fsm_set_priority(&f->fsm, 40);
	expect_no_actions(f);                       /* it goes in the next advert */
	signal_event(f, VRRP_EVENT_ADVERT_TIMER);
	expect_actions(f, "advert 40", "start advert 1000000");
	/* and a 100 master now wins */
	advert(f, 100, 1000000, "10.0.0.2");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_PRIORITY);
	free(f);
}

static void test_priority_zero_is_clamped(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	vrrp_fsm_set_priority(&f->fsm, 0);
	assert_int_equal(f->fsm.effective_priority, 1);
	assert_int_equal(f->fsm.master_down_interval_us, 3996093);
	free(f);
}

/* ------------------------------------------------------------ sync groups */

/* A sync group takes a backup member to MASTER at once, as a takeover. */
static void test_sync_master_takes_a_backup_over(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	assert_int_equal(vrrp_fsm_signal(&f->fsm, VRRP_EVENT_SYNC_MASTER), VRRP_FSM_HANDLED);
	expect_actions(f, "stop master_down", "add_vips", "advert 100", "gratuitous",
		       "start advert 1000000", "state BACKUP->MASTER");
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_SYNC_GROUP);
	assert_int_equal(f->fsm.stats.became_master, 1);
	free(f);
}

/* ... and a master member to BACKUP, with no priority 0 advert. */
static void test_sync_backup_releases_without_priority_zero(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	assert_int_equal(vrrp_fsm_signal(&f->fsm, VRRP_EVENT_SYNC_BACKUP), VRRP_FSM_HANDLED);
	expect_actions(f, "stop advert", "remove_vips", "start master_down 3609375",
		       "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_SYNC_GROUP);
	assert_int_equal(f->fsm.stats.priority_zero_sent, 0);
	assert_int_equal(f->fsm.stats.released_master, 1);
	assert_false(f->fsm.has_master_address);
	free(f);
}

/* ----------------------------------------- the operator's failback control */

/* DEMOTE on a master: priority 0, VIPs out, BACKUP with the operator's
 * reason, the master down timer running, and held. */
static void test_demote_master_hands_over(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	assert_int_equal(signal_event(f, VRRP_EVENT_DEMOTE), VRRP_FSM_HANDLED);
	expect_actions(f, "stop advert", "advert0", "remove_vips", "start master_down 3609375",
		       "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_DEMOTED);
	assert_string_equal(vrrp_transition_reason_name(VRRP_REASON_DEMOTED),
			    "demoted by operator");
	assert_true(f->fsm.maintenance);
	assert_int_equal(f->fsm.stats.priority_zero_sent, 1);
	assert_int_equal(f->fsm.stats.released_master, 1);
	assert_false(f->fsm.has_master_address);
	free(f);
}

static void test_maintenance_on_master_hands_over(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	assert_int_equal(signal_event(f, VRRP_EVENT_MAINTENANCE_ON), VRRP_FSM_HANDLED);
	expect_actions(f, "stop advert", "advert0", "remove_vips", "start master_down 3609375",
		       "state MASTER->BACKUP");
	expect_last_hook(f, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_MAINTENANCE);
	assert_true(f->fsm.maintenance);
	free(f);
}

/* Held: the master down expiry re-arms the timer instead of promoting,
 * and a lower priority master is accepted (as with nopreempt). */
static void test_held_backup_never_becomes_master(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	f->n_hooks = 0;
	assert_int_equal(signal_event(f, VRRP_EVENT_DEMOTE), VRRP_FSM_HANDLED);
	expect_no_actions(f);
	assert_int_equal(f->n_hooks, 0);
	assert_true(f->fsm.maintenance);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_HANDLED);
		expect_actions(f, "start master_down 3609375");
		assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	}
	advert(f, 50, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 3609375");
	assert_int_equal(f->fsm.takeover_reason, VRRP_REASON_MASTER_DOWN);
	advert(f, 0, 1000000, "10.0.0.2");
	expect_actions(f, "start master_down 609375");
	assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_HANDLED);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(signal_event(f, VRRP_EVENT_SYNC_MASTER), VRRP_FSM_HANDLED);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(f->n_hooks, 0);
	assert_int_equal(f->fsm.stats.became_master, 0);
	free(f);
}

/* Release: the timer restarts for a full interval; a lower priority
 * master is then preempted when it runs out, as usual. */
static void test_release_lets_backup_preempt(void **state)
{
	struct fake *f = fake_master();

	(void)state;
	signal_event(f, VRRP_EVENT_DEMOTE);
	advert(f, 50, 1000000, "10.0.0.2");
	fake_clear(f);
	assert_int_equal(signal_event(f, VRRP_EVENT_MAINTENANCE_OFF), VRRP_FSM_HANDLED);
	expect_actions(f, "start master_down 3609375");
	assert_false(f->fsm.maintenance);
	advert(f, 50, 1000000, "10.0.0.2");
	expect_no_actions(f);
	assert_int_equal(f->fsm.takeover_reason, VRRP_REASON_PREEMPTED);
	assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_HANDLED);
	expect_last_hook(f, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPTED);
	/* releasing what is not held does nothing */
	fake_clear(f);
	assert_int_equal(signal_event(f, VRRP_EVENT_MAINTENANCE_OFF), VRRP_FSM_HANDLED);
	expect_no_actions(f);
	free(f);
}

static void test_release_of_unheld_backup_keeps_timer(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	assert_int_equal(signal_event(f, VRRP_EVENT_MAINTENANCE_OFF), VRRP_FSM_HANDLED);
	expect_no_actions(f);
	assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_HANDLED);
	assert_int_equal(f->fsm.state, VRRP_STATE_MASTER);
	free(f);
}

/* An address owner in maintenance starts, and leaves FAULT, as BACKUP. */
static void test_held_owner_starts_as_backup(void **state)
{
	struct fake *f = fake_new();

	(void)state;
	f->conf.priority = 255;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	assert_int_equal(signal_event(f, VRRP_EVENT_MAINTENANCE_ON), VRRP_FSM_HANDLED);
	signal_event(f, VRRP_EVENT_STARTUP);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	signal_event(f, VRRP_EVENT_FAULT);
	signal_event(f, VRRP_EVENT_DEMOTE);
	signal_event(f, VRRP_EVENT_FAULT_CLEARED);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	signal_event(f, VRRP_EVENT_FAULT);
	assert_int_equal(signal_event(f, VRRP_EVENT_MAINTENANCE_OFF), VRRP_FSM_HANDLED);
	signal_event(f, VRRP_EVENT_FAULT_CLEARED);
	expect_last_hook(f, VRRP_STATE_FAULT, VRRP_STATE_MASTER, VRRP_REASON_FAULT_CLEARED_OWNER);
	free(f);
}

/* ------------------------------------------------------- the table itself */

/* The documented table: X marks a handled pair. */
static const char *const expected_table[VRRP_STATE_COUNT] = {
	/* STARTUP SHUTDOWN ADVERT MDOWN ADVTIMER FAULT CLEARED PRIO PDELAY
	 * SYNC_MASTER SYNC_BACKUP DEMOTE MAINT_ON MAINT_OFF */
	[VRRP_STATE_INIT] =   "XX...X.X...XXX",
	[VRRP_STATE_BACKUP] = ".XXX.X.XXX.XXX",
	[VRRP_STATE_MASTER] = ".XX.XX.X..XXXX",
	[VRRP_STATE_FAULT] =  ".X....XX...XXX",
	[VRRP_STATE_STOP] =   "X......X......",
};

static void test_table_matches_documentation(void **state)
{
	(void)state;
	for (int s = 0; s < VRRP_STATE_COUNT; s++)
		for (int e = 0; e < VRRP_EVENT_COUNT; e++) {
			bool want = expected_table[s][e] == 'X';

			if (vrrp_fsm_handles(s, e) != want)
				fail_msg("%s/%s: handled=%d, documented %d", vrrp_state_names[s],
					 vrrp_event_names[e], !want, want);
		}
	assert_false(vrrp_fsm_handles(VRRP_STATE_COUNT, VRRP_EVENT_STARTUP));
	assert_false(vrrp_fsm_handles(VRRP_STATE_INIT, VRRP_EVENT_COUNT));
}

/* A machine in `s`: INIT fresh, BACKUP by start-up, MASTER by timeout,
 * FAULT and STOP from INIT. */
static struct fake *fake_in_state(enum vrrp_state s)
{
	struct fake *f = fake_new();

	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	if (s == VRRP_STATE_BACKUP || s == VRRP_STATE_MASTER)
		signal_event(f, VRRP_EVENT_STARTUP);
	if (s == VRRP_STATE_MASTER)
		signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	if (s == VRRP_STATE_FAULT)
		signal_event(f, VRRP_EVENT_FAULT);
	if (s == VRRP_STATE_STOP)
		signal_event(f, VRRP_EVENT_SHUTDOWN);
	assert_int_equal(f->fsm.state, s);
	fake_clear(f);
	f->n_hooks = 0;
	return f;
}

static void test_unhandled_pairs_do_nothing(void **state)
{
	unsigned checked = 0;

	(void)state;
	for (int s = 0; s < VRRP_STATE_COUNT; s++)
		for (int e = 0; e < VRRP_EVENT_COUNT; e++) {
			struct fake *f;
			struct vrrp_fsm_event ev = {
				.type = e, .priority = 200,
				.advert = { .priority = 200, .interval_us = 1000000,
					    .source = addr("10.0.0.2") },
			};

			if (vrrp_fsm_handles(s, e))
				continue;
			f = fake_in_state(s);
			assert_int_equal(vrrp_fsm_handle(&f->fsm, &ev), VRRP_FSM_IGNORED);
			expect_no_actions(f);
			assert_int_equal(f->n_hooks, 0);
			assert_int_equal(f->fsm.state, s);
			assert_int_equal(f->fsm.stats.events_ignored, 1);
			checked++;
			free(f);
		}
	assert_int_equal(checked, 36);
}

static void test_timer_event_without_timer(void **state)
{
	struct fake *f = fake_backup();

	(void)state;
	/* no preempt_delay configured: its expiry cannot be real */
	assert_int_equal(signal_event(f, VRRP_EVENT_PREEMPT_DELAY_EXPIRED),
			 VRRP_FSM_TIMER_NOT_ARMED);
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	fake_clear(f);
	f->n_hooks = 0;
	/* a second master-down expiry once master: no such pair */
	assert_int_equal(signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER), VRRP_FSM_IGNORED);
	expect_no_actions(f);
	assert_int_equal(f->fsm.stats.events_ignored, 2);
	free(f);
}

static void test_bad_event(void **state)
{
	struct fake *f = fake_backup();
	struct vrrp_fsm_event ev = { .type = VRRP_EVENT_COUNT };

	(void)state;
	assert_int_equal(vrrp_fsm_handle(&f->fsm, &ev), VRRP_FSM_BAD_EVENT);
	expect_no_actions(f);
	free(f);
}

/* A full life: one hook per transition, the right reasons, times from the
 * fake clock, and the counters add up. */
static void test_hook_once_per_transition(void **state)
{
	static const struct { enum vrrp_state from, to; enum vrrp_transition_reason why; } want[] = {
		{ VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_REASON_STARTUP },
		{ VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PRIORITY_ZERO },
		{ VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_PRIORITY },
		{ VRRP_STATE_BACKUP, VRRP_STATE_FAULT, VRRP_REASON_FAULT },
		{ VRRP_STATE_FAULT, VRRP_STATE_BACKUP, VRRP_REASON_FAULT_CLEARED },
		{ VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_DOWN },
		{ VRRP_STATE_MASTER, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN },
	};
	struct fake *f = fake_new();
	uint64_t times[7];
	size_t k = 0;

	(void)state;
	vrrp_fsm_init(&f->fsm, &f->conf, &fake_ops, f);
	times[k++] = f->now_us;
	signal_event(f, VRRP_EVENT_STARTUP);
	advert(f, 200, 1000000, "10.0.0.2");        /* no transition */
	f->now_us += 700000;
	advert(f, 0, 1000000, "10.0.0.2");
	f->now_us += 609375;
	times[k++] = f->now_us;
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	signal_event(f, VRRP_EVENT_ADVERT_TIMER);   /* no transition */
	f->now_us += 10;
	times[k++] = f->now_us;
	advert(f, 200, 1000000, "10.0.0.2");
	f->now_us += 10;
	times[k++] = f->now_us;
	signal_event(f, VRRP_EVENT_FAULT);
	f->now_us += 10;
	times[k++] = f->now_us;
	signal_event(f, VRRP_EVENT_FAULT_CLEARED);
	f->now_us += 10;
	times[k++] = f->now_us;
	signal_event(f, VRRP_EVENT_MASTER_DOWN_TIMER);
	f->now_us += 10;
	times[k++] = f->now_us;
	signal_event(f, VRRP_EVENT_SHUTDOWN);

	assert_int_equal(f->n_hooks, 7);
	assert_int_equal(f->fsm.stats.transitions, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(f->hooks[i].from, want[i].from);
		assert_int_equal(f->hooks[i].to, want[i].to);
		assert_string_equal(vrrp_transition_reason_names[f->hooks[i].reason],
				    vrrp_transition_reason_names[want[i].why]);
		assert_int_equal(f->hooks[i].time_us, times[i]);
	}
	assert_int_equal(f->fsm.stats.became_master, 2);
	assert_int_equal(f->fsm.stats.released_master, 2);
	assert_int_equal(f->fsm.stats.adverts_received, 3);
	assert_int_equal(f->fsm.stats.priority_zero_received, 1);
	/* became master twice (2), one advert timer (1), priority 0 at stop (1) */
	assert_int_equal(f->fsm.stats.adverts_sent, 4);
	assert_int_equal(f->fsm.stats.priority_zero_sent, 1);
	free(f);
}

static void test_no_hook_is_fine(void **state)
{
	struct fake *f = fake_new();
	struct vrrp_fsm_ops ops = fake_ops;

	(void)state;
	ops.state_changed = NULL;
	vrrp_fsm_init(&f->fsm, &f->conf, &ops, f);
	signal_event(f, VRRP_EVENT_STARTUP);
	assert_int_equal(f->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(f->fsm.last_transition.reason, VRRP_REASON_STARTUP);
	expect_actions(f, "start master_down 3609375");
	free(f);
}

static void check_names(const char *const *names, int count)
{
	for (int i = 0; i < count; i++) {
		assert_non_null(names[i]);
		assert_true(names[i][0] != '\0');
		for (int j = 0; j < i; j++)
			assert_string_not_equal(names[i], names[j]);
	}
}

static void test_name_tables(void **state)
{
	(void)state;
	check_names(vrrp_state_names, VRRP_STATE_COUNT);
	check_names(vrrp_event_names, VRRP_EVENT_COUNT);
	check_names(vrrp_transition_reason_names, VRRP_REASON_COUNT);
	check_names(vrrp_timer_names, VRRP_TIMER_COUNT);
	check_names(vrrp_fsm_outcome_names, VRRP_FSM_OUTCOME_COUNT);
	assert_string_equal(vrrp_state_name(VRRP_STATE_MASTER), "MASTER");
	assert_string_equal(vrrp_state_name(VRRP_STATE_COUNT), "?");
	assert_string_equal(vrrp_event_name(VRRP_EVENT_COUNT), "?");
	assert_string_equal(vrrp_transition_reason_name(VRRP_REASON_PREEMPTED),
			    "preempted lower priority master");
	assert_string_equal(vrrp_transition_reason_name(VRRP_REASON_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_v3_one_second),
		cmocka_unit_test(test_timers_v3_small_and_large_intervals),
		cmocka_unit_test(test_timers_v2),
		cmocka_unit_test(test_timers_round_down_never_up),
		cmocka_unit_test(test_timers_wire_conversion),
		cmocka_unit_test(test_startup_backup),
		cmocka_unit_test(test_startup_backup_v2),
		cmocka_unit_test(test_startup_address_owner),
		cmocka_unit_test(test_backup_master_down_becomes_master),
		cmocka_unit_test(test_backup_higher_priority_resets_timer),
		cmocka_unit_test(test_backup_equal_priority_resets_timer),
		cmocka_unit_test(test_backup_preempts_lower_priority),
		cmocka_unit_test(test_backup_nopreempt_keeps_lower_master),
		cmocka_unit_test(test_backup_accepted_advert_clears_preemption),
		cmocka_unit_test(test_backup_priority_zero_fast_takeover_v3),
		cmocka_unit_test(test_backup_priority_zero_fast_takeover_v2),
		cmocka_unit_test(test_backup_v3_adopts_master_interval),
		cmocka_unit_test(test_backup_v3_ignores_zero_interval),
		cmocka_unit_test(test_backup_v2_does_not_adopt_interval),
		cmocka_unit_test(test_preempt_delay_startup_without_master),
		cmocka_unit_test(test_preempt_delay_tolerates_then_preempts),
		cmocka_unit_test(test_preempt_delay_cancelled_by_higher_master),
		cmocka_unit_test(test_preempt_delay_unused_with_nopreempt),
		cmocka_unit_test(test_preempt_delay_stopped_on_takeover),
		cmocka_unit_test(test_master_advert_timer),
		cmocka_unit_test(test_master_yields_to_higher_priority),
		cmocka_unit_test(test_master_yield_adopts_interval_v3),
		cmocka_unit_test(test_master_higher_prio_send_advert),
		cmocka_unit_test(test_master_tie_break_ipv4),
		cmocka_unit_test(test_master_tie_break_ipv6),
		cmocka_unit_test(test_master_reasserts_on_lower_priority),
		cmocka_unit_test(test_master_lower_prio_no_advert),
		cmocka_unit_test(test_master_priority_zero_answers_at_once),
		cmocka_unit_test(test_master_ignores_own_advert),
		cmocka_unit_test(test_fault_from_backup),
		cmocka_unit_test(test_fault_from_master),
		cmocka_unit_test(test_fault_from_backup_with_preempt_delay),
		cmocka_unit_test(test_fault_at_init_then_cleared),
		cmocka_unit_test(test_fault_cleared_owner_becomes_master),
		cmocka_unit_test(test_fault_cleared_backup_master_adver_interval_reset),
		cmocka_unit_test(test_shutdown_from_master),
		cmocka_unit_test(test_shutdown_from_backup),
		cmocka_unit_test(test_shutdown_from_fault_and_init),
		cmocka_unit_test(test_restart_after_stop),
		cmocka_unit_test(test_priority_change_in_backup),
		cmocka_unit_test(test_priority_rise_lets_backup_preempt),
		cmocka_unit_test(test_priority_change_in_master),
		cmocka_unit_test(test_priority_zero_is_clamped),
		cmocka_unit_test(test_sync_master_takes_a_backup_over),
		cmocka_unit_test(test_sync_backup_releases_without_priority_zero),
		cmocka_unit_test(test_demote_master_hands_over),
		cmocka_unit_test(test_maintenance_on_master_hands_over),
		cmocka_unit_test(test_held_backup_never_becomes_master),
		cmocka_unit_test(test_release_lets_backup_preempt),
		cmocka_unit_test(test_release_of_unheld_backup_keeps_timer),
		cmocka_unit_test(test_held_owner_starts_as_backup),
		cmocka_unit_test(test_table_matches_documentation),
		cmocka_unit_test(test_unhandled_pairs_do_nothing),
		cmocka_unit_test(test_timer_event_without_timer),
		cmocka_unit_test(test_bad_event),
		cmocka_unit_test(test_hook_once_per_transition),
		cmocka_unit_test(test_no_hook_is_fine),
		cmocka_unit_test(test_name_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
