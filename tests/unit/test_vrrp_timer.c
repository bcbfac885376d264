/* The precise timer (vrrp/vrrp_timer.c) in a real uv loop: it never fires
 * early, fires within a bound (generous, the machine may be busy), restart
 * moves the deadline, stop cancels, start/stop cycles leak nothing, and
 * closing from inside the callback is safe; once with the timerfd, once
 * with the millisecond queues the checker uses. */
#include "config.h"

#include "unit.h"

#include "vrrp/vrrp_timer.h"

#include <dirent.h>
#include <sys/socket.h>
#include <time.h>
#include <uv.h>

/* Descriptors a loop's queue holds: its timerfd; none once the queues
 * are woken by a uv_timer (the second pass, see main). */
static int queue_fds = 1;

/* Generous upper bound on lateness: the test machine may be loaded. */
#define LATE_BOUND_US 20000u

struct probe {
	unsigned fired;
	uint64_t fired_at_us;           /* CLOCK_MONOTONIC, measured separately */
	bool close_in_cb;
	unsigned closed;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void on_closed(struct vrrp_precise_timer *t)
{
	((struct probe *)t->data)->closed++;
}

static void on_fire(struct vrrp_precise_timer *t)
{
	struct probe *p = t->data;

	p->fired_at_us = mono_us();
	p->fired++;
	if (p->close_in_cb)
		vrrp_timer_close(t, on_closed);
}

static void open_timer(uv_loop_t *loop, struct vrrp_precise_timer *t, struct probe *p)
{
	assert_int_equal(vrrp_timer_init(loop, t, on_fire), 0);
	t->data = p;
}

static void close_timer(uv_loop_t *loop, struct vrrp_precise_timer *t)
{
	struct probe *p = t->data;

	vrrp_timer_close(t, on_closed);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(p->closed, 1);
}

static void test_fires_on_time(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };
	uint64_t start;

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	start = mono_us();
	assert_int_equal(vrrp_timer_start(&t, 50000), 0);
	assert_true(vrrp_timer_is_active(&t));
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(p.fired, 1);
	assert_false(vrrp_timer_is_active(&t));
	print_message("50 ms timer fired %ld us late\n", (long)(p.fired_at_us - start) - 50000);
	assert_true(p.fired_at_us >= start + 50000);            /* never early */
	assert_true(p.fired_at_us <= start + 50000 + LATE_BOUND_US);
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* An absolute deadline is honoured to the microsecond: never before it. */
static void test_absolute_deadline(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };
	uint64_t deadline;

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	for (int i = 0; i < 20; i++) {
		deadline = vrrp_timer_now_us() + 1000 + (uint64_t)i * 137;
		assert_int_equal(vrrp_timer_start_at(&t, deadline), 0);
		uv_run(&loop, UV_RUN_DEFAULT);
		assert_int_equal(p.fired, (unsigned)i + 1);
		assert_true(p.fired_at_us >= deadline);
		assert_true(p.fired_at_us <= deadline + LATE_BOUND_US);
	}
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* A helper timer restarts the probe's before it expires. */
struct restart_ctx {
	struct vrrp_precise_timer *target;
	uint64_t restarted_at_us;
};

static void on_restart(struct vrrp_precise_timer *t)
{
	struct restart_ctx *rc = t->data;

	rc->restarted_at_us = mono_us();
	assert_int_equal(vrrp_timer_start(rc->target, 40000), 0);
}

static void test_restart_moves_deadline(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t, helper;
	struct probe p = { 0 };
	struct restart_ctx rc = { .target = &t };

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	assert_int_equal(vrrp_timer_init(&loop, &helper, on_restart), 0);
	helper.data = &rc;
	assert_int_equal(vrrp_timer_start(&t, 30000), 0);
	assert_int_equal(vrrp_timer_start(&helper, 20000), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(p.fired, 1);
	assert_true(rc.restarted_at_us > 0);
	/* Fired 40 ms after the restart, not at the first 30 ms deadline. */
	assert_true(p.fired_at_us >= rc.restarted_at_us + 40000);
	assert_true(p.fired_at_us <= rc.restarted_at_us + 40000 + LATE_BOUND_US);
	vrrp_timer_close(&helper, NULL);
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Stopped before expiry: the callback never runs, and the loop has
 * nothing left to wait for. */
static void test_stop_prevents_callback(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	assert_int_equal(vrrp_timer_start(&t, 5000), 0);
	vrrp_timer_stop(&t);
	assert_false(vrrp_timer_is_active(&t));
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	usleep(10000);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(p.fired, 0);
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Expired in the kernel but stopped before the loop saw it: the stale
 * readiness must not run the callback. */
static void test_stop_after_kernel_expiry(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	assert_int_equal(vrrp_timer_start(&t, 100), 0);
	usleep(5000);
	vrrp_timer_stop(&t);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(p.fired, 0);
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Expired in the kernel, then restarted before the loop saw it: the
 * stale readiness must not fire the new deadline early. */
static void test_restart_after_kernel_expiry(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };
	uint64_t restarted;

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	assert_int_equal(vrrp_timer_start(&t, 100), 0);
	usleep(5000);
	restarted = mono_us();
	assert_int_equal(vrrp_timer_start(&t, 30000), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(p.fired, 1);
	assert_true(p.fired_at_us >= restarted + 30000);
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Two timers expired together and reported by the same epoll_wait: the
 * first callback restarts the other, whose readiness in that batch is now
 * stale and must not run it. */
struct pair_ctx {
	struct vrrp_precise_timer t[2];
	unsigned fired[2];
	uint64_t restarted_at_us, second_at_us;
};

static void on_pair(struct vrrp_precise_timer *t)
{
	struct pair_ctx *pc = t->data;
	int self = (int)(t - pc->t), other = 1 - self;

	pc->fired[self]++;
	if (pc->fired[other] == 0) {
		pc->restarted_at_us = mono_us();
		assert_int_equal(vrrp_timer_start(&pc->t[other], 30000), 0);
	} else {
		pc->second_at_us = mono_us();
	}
}

static void test_restart_of_ready_timer(void **state)
{
	uv_loop_t loop;
	struct pair_ctx pc = { 0 };
	uint64_t deadline = vrrp_timer_now_us() + 1000;

	(void)state;
	uv_loop_init(&loop);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vrrp_timer_init(&loop, &pc.t[i], on_pair), 0);
		pc.t[i].data = &pc;
		assert_int_equal(vrrp_timer_start_at(&pc.t[i], deadline), 0);
	}
	usleep(5000);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(pc.fired[0] + pc.fired[1], 1);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(pc.fired[0] + pc.fired[1], 2);
	assert_true(pc.second_at_us >= pc.restarted_at_us + 30000);
	for (int i = 0; i < 2; i++)
		vrrp_timer_close(&pc.t[i], NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_cycles_leak_no_fds(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };
	int before;

	(void)state;
	uv_loop_init(&loop);
	before = count_fds();
	for (int i = 0; i < 1000; i++) {
		p.closed = 0;
		open_timer(&loop, &t, &p);
		assert_int_equal(vrrp_timer_start(&t, 1000000), 0);
		vrrp_timer_stop(&t);
		assert_int_equal(vrrp_timer_start(&t, 1000000), 0);
		close_timer(&loop, &t);
	}
	assert_int_equal(count_fds(), before);
	assert_int_equal(p.fired, 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_close_inside_callback(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { .close_in_cb = true };
	int before;

	(void)state;
	uv_loop_init(&loop);
	before = count_fds();
	open_timer(&loop, &t, &p);
	assert_int_equal(count_fds(), before + queue_fds);
	assert_int_equal(vrrp_timer_start(&t, 2000), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(p.fired, 1);
	assert_int_equal(p.closed, 1);
	assert_int_equal(count_fds(), before);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* A deadline already past fires at once (next iteration), not never. */
static void test_past_deadline_fires(void **state)
{
	uv_loop_t loop;
	struct vrrp_precise_timer t;
	struct probe p = { 0 };

	(void)state;
	uv_loop_init(&loop);
	open_timer(&loop, &t, &p);
	assert_int_equal(vrrp_timer_start_at(&t, 0), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(p.fired, 1);
	close_timer(&loop, &t);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* A thousand timers share one descriptor, fire in deadline order (armed
 * in scrambled order), none early, and a stopped one among them never
 * fires. */
#define MANY 1000
static uint64_t many_order[MANY];
static unsigned many_fired;

static void on_many(struct vrrp_precise_timer *t)
{
	struct probe *p = t->data;

	assert_true(mono_us() >= t->deadline_us);     /* never early */
	p->fired++;
	many_order[many_fired++] = t->deadline_us;
}

static void test_many_timers_share_one_fd(void **state)
{
	static struct vrrp_precise_timer t[MANY];
	static struct probe p[MANY];
	uv_loop_t loop;
	uint64_t base = mono_us() + 20000;
	int before;

	(void)state;
	many_fired = 0;
	memset(p, 0, sizeof(p));
	uv_loop_init(&loop);
	before = count_fds();
	for (unsigned i = 0; i < MANY; i++) {
		assert_int_equal(vrrp_timer_init(&loop, &t[i], on_many), 0);
		t[i].data = &p[i];
		/* 7 is coprime with 1000: deadlines 0..999 in scrambled order */
		assert_int_equal(vrrp_timer_start_at(&t[i], base + ((i * 7) % MANY) * 50), 0);
	}
	assert_int_equal(count_fds(), before + queue_fds);
	vrrp_timer_stop(&t[3]);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(many_fired, MANY - 1);
	assert_int_equal(p[3].fired, 0);
	for (unsigned i = 1; i < many_fired; i++)
		assert_true(many_order[i - 1] <= many_order[i]);
	for (unsigned i = 0; i < MANY; i++)
		vrrp_timer_close(&t[i], NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(count_fds(), before);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Hundreds of timers due at once (a checker running behind): the loop
 * polls its descriptors between bursts, so a socket that became readable
 * when the first fired is served before the last fires, and the order of
 * deadlines still holds. */
#define BURST_DUE 600
static unsigned burst_fired, burst_fired_at_read;
static uint64_t burst_order[BURST_DUE];
static int burst_pair[2];

static void on_burst(struct vrrp_precise_timer *t)
{
	if (burst_fired == 0)
		assert_int_equal(write(burst_pair[1], "x", 1), 1);
	burst_order[burst_fired++] = t->deadline_us;
}

static void on_burst_readable(uv_poll_t *poll, int status, int events)
{
	(void)status;
	(void)events;
	burst_fired_at_read = burst_fired;
	uv_poll_stop(poll);
}

static void test_burst_lets_io_run(void **state)
{
	static struct vrrp_precise_timer t[BURST_DUE];
	uv_loop_t loop;
	uv_poll_t poll;
	uint64_t past = mono_us() - 1000000;

	(void)state;
	burst_fired = burst_fired_at_read = 0;
	uv_loop_init(&loop);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, burst_pair), 0);
	assert_int_equal(uv_poll_init(&loop, &poll, burst_pair[0]), 0);
	assert_int_equal(uv_poll_start(&poll, UV_READABLE, on_burst_readable), 0);
	for (unsigned i = 0; i < BURST_DUE; i++) {
		assert_int_equal(vrrp_timer_init(&loop, &t[i], on_burst), 0);
		assert_int_equal(vrrp_timer_start_at(&t[i], past + (i * 7) % BURST_DUE), 0);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(burst_fired, BURST_DUE);
	assert_true(burst_fired_at_read > 0);
	assert_true(burst_fired_at_read < BURST_DUE);
	for (unsigned i = 1; i < BURST_DUE; i++)
		assert_true(burst_order[i - 1] <= burst_order[i]);
	for (unsigned i = 0; i < BURST_DUE; i++)
		vrrp_timer_close(&t[i], NULL);
	uv_close((uv_handle_t *)&poll, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	close(burst_pair[0]);
	close(burst_pair[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fires_on_time),
		cmocka_unit_test(test_absolute_deadline),
		cmocka_unit_test(test_restart_moves_deadline),
		cmocka_unit_test(test_stop_prevents_callback),
		cmocka_unit_test(test_stop_after_kernel_expiry),
		cmocka_unit_test(test_restart_after_kernel_expiry),
		cmocka_unit_test(test_restart_of_ready_timer),
		cmocka_unit_test(test_cycles_leak_no_fds),
		cmocka_unit_test(test_close_inside_callback),
		cmocka_unit_test(test_past_deadline_fires),
		cmocka_unit_test(test_many_timers_share_one_fd),
		cmocka_unit_test(test_burst_lets_io_run),
	};

	int failed = cmocka_run_group_tests_name("timerfd", tests, NULL, NULL);

	/* the same behaviour from queues woken by a uv_timer (the checker's) */
	vrrp_timer_use_milliseconds();
	queue_fds = 0;
	return failed + cmocka_run_group_tests_name("milliseconds", tests, NULL, NULL);
}
