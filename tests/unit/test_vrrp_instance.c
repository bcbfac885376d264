/* The memory of a VRRP instance (vrrp/vrrp_instance_private.h): the struct
 * stays small, and the timers it opens only while they run (GARP pacing,
 * an operator's hold, VMAC retries) are closed and counted like its other
 * handles: closed when done, closed by a free that finds them running,
 * and the instance's memory all given back once the loop has run the
 * close callbacks.  Instances are built, never started: no socket or
 * netlink is needed. */
#include "config.h"

#include "unit.h"

#include "daemon/config_load.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_instance_private.h"

#include <malloc.h>
#include <sys/resource.h>
#include <uv.h>

/* One per instance, thousands per worker: 2,168 bytes when every timer
 * was embedded, 952 with the rarely used parts on demand.  A uv_timer_t
 * (152 bytes) put back in the struct fails this. */
#define INSTANCE_SIZE_LIMIT 1000

/* garp_master_repeat 3 paced by 10 ms, and a second burst after 50 ms. */
static const char conf_text[] =
	"vrrp_instance VI_1 {\n"
	"  interface lo\n"
	"  virtual_router_id 51\n"
	"  priority 100\n"
	"  advert_int 1\n"
	"  garp_master_repeat 3\n"
	"  garp_interval 0.01\n"
	"  garp_master_delay 0.05\n"
	"  virtual_ipaddress {\n"
	"    192.0.2.1/24\n"
	"  }\n"
	"}\n";

struct fixture {
	uv_loop_t loop;
	struct vrrp_runtime rt;
	struct vigil_config *cfg;
	struct conf_diags diags;
};

static unsigned fired;
static bool heap_exact;                 /* see main() */

static void count_fire(uv_timer_t *handle)
{
	(void)handle;
	fired++;
}

/* Heap in use, or 0 when it cannot be told exactly (then a sanitizer's
 * or valgrind's leak checker does the job). */
static size_t heap_in_use(void)
{
	return heap_exact ? mallinfo2().uordblks : 0;
}

static int setup(void **state)
{
	struct config_load_options opts = { .config_id = "test" };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	f->rt.loop = &f->loop;
	conf_diags_init(&f->diags);
	f->cfg = vigil_config_load_string("t.conf", conf_text, &opts, &f->diags);
	unit_assert_no_errors(&f->diags);
	assert_non_null(f->cfg);
	fired = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	/* Busy (UV_EBUSY) if any handle was left open. */
	assert_int_equal(uv_loop_close(&f->loop), 0);
	vigil_config_free(f->cfg);
	conf_diags_free(&f->diags);
	free(f);
	return 0;
}

static struct vrrp_instance *new_instance(struct fixture *f)
{
	return vrrp_instance_new(&f->rt, f->cfg->vrrp->instances.items[0]);
}

/* Frees and runs the loop until the close callbacks are done. */
static void free_instance(struct fixture *f, struct vrrp_instance *inst)
{
	vrrp_instance_free(inst);
	assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
}

/* The first cycle grows what the loop and the libraries keep (epoll's
 * watcher array and the like); later ones must give back all they took. */
static size_t warm_baseline(struct fixture *f)
{
	free_instance(f, new_instance(f));
	return heap_in_use();
}

static void test_size_guard(void **state)
{
	(void)state;
	assert_true(sizeof(struct vrrp_instance) < INSTANCE_SIZE_LIMIT);
}

/* Start opens the timer once (a restart reuses it); close gives it back. */
static void test_timer_opened_once_and_closed(void **state)
{
	struct fixture *f = *state;
	size_t before = warm_baseline(f);
	struct vrrp_instance *inst = new_instance(f);
	unsigned base = inst->open_handles;
	uv_timer_t *first;

	assert_null(inst->hold_timer);
	vrrp_instance_timer_start(inst, &inst->hold_timer, count_fire, 60000, 0);
	first = inst->hold_timer;
	assert_non_null(first);
	assert_int_equal(inst->open_handles, base + 1);
	vrrp_instance_timer_start(inst, &inst->hold_timer, count_fire, 60000, 0);
	assert_ptr_equal(inst->hold_timer, first);
	assert_int_equal(inst->open_handles, base + 1);

	vrrp_instance_timer_close(&inst->hold_timer);
	assert_null(inst->hold_timer);
	vrrp_instance_timer_close(&inst->hold_timer);     /* nothing to do */
	assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(inst->open_handles, base);
	assert_int_equal(fired, 0);
	free_instance(f, inst);
	if (before)
		assert_int_equal(heap_in_use(), before);
}

/* A burst being paced, its delayed second burst, a hold and a VMAC
 * retry, all running when the instance is freed: each is closed, none
 * fires, and the memory comes back. */
static void test_free_with_running_timers(void **state)
{
	struct fixture *f = *state;
	size_t before = warm_baseline(f);
	struct vrrp_instance *inst = new_instance(f);
	unsigned base = inst->open_handles;

	inst->vmac = calloc(1, sizeof(*inst->vmac));
	assert_non_null(inst->vmac);
	vrrp_instance_announce_start(inst);
	assert_non_null(inst->garp_timers[VRRP_GARP_PACE]);
	assert_non_null(inst->garp_timers[VRRP_GARP_DELAY]);
	assert_null(inst->garp_timers[VRRP_GARP_REFRESH]);  /* no garp_master_refresh */
	vrrp_instance_timer_start(inst, &inst->hold_timer, count_fire, 10, 0);
	vrrp_instance_timer_start(inst, &inst->vmac->retry_timer, count_fire, 10, 0);
	assert_int_equal(inst->open_handles, base + 4);

	free_instance(f, inst);
	assert_int_equal(fired, 0);
	if (before)
		assert_int_equal(heap_in_use(), before);
}

/* As master, the burst runs its course: three paced rounds, three more
 * after garp_master_delay; then no GARP timer is left open. */
static void test_burst_closes_its_timers(void **state)
{
	struct fixture *f = *state;
	size_t before = warm_baseline(f);
	struct vrrp_instance *inst = new_instance(f);
	unsigned base = inst->open_handles;

	inst->fsm.state = VRRP_STATE_MASTER;
	vrrp_instance_announce_start(inst);
	assert_int_equal(inst->garp_rounds_left, 2);
	assert_int_equal(inst->open_handles, base + 2);
	assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
	for (int i = 0; i < VRRP_GARP_TIMERS; i++)
		assert_null(inst->garp_timers[i]);
	assert_int_equal(inst->garp_rounds_left, 0);
	assert_int_equal(inst->open_handles, base);
	inst->fsm.state = VRRP_STATE_INIT;
	free_instance(f, inst);
	if (before)
		assert_int_equal(heap_in_use(), before);
}

/* Out of file descriptors, none of the machine's timers opens: the
 * instance then has no handle at all, and its free must not wait for a
 * close callback that never comes. */
static void test_free_without_open_handles(void **state)
{
	struct fixture *f = *state;
	size_t before = warm_baseline(f);
	struct rlimit saved, tight;
	struct vrrp_instance *inst;
	int next_fd = dup(0);

	assert_true(next_fd >= 0);
	close(next_fd);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	tight = saved;
	tight.rlim_cur = (rlim_t)next_fd;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
	inst = new_instance(f);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);

	assert_int_equal(inst->timer_error, -EMFILE);
	assert_int_equal(inst->open_handles, 0);
	free_instance(f, inst);
	if (before)
		assert_int_equal(heap_in_use(), before);
}

/* glibc keeps recently freed blocks in a per-thread cache that mallinfo2
 * counts as in use, so the heap figures are exact only without it: the
 * program runs itself again with the cache off (a glibc tunable, read at
 * start-up only). */
static void without_tcache(char **argv)
{
	if (getenv("VIGIL_UNIT_TCACHE_OFF")) {
		heap_exact = true;
		return;
	}
	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
	setenv("VIGIL_UNIT_TCACHE_OFF", "1", 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "cannot run again without the malloc cache (%s): heap not checked\n",
		strerror(errno));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_guard),
		cmocka_unit_test_setup_teardown(test_timer_opened_once_and_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_with_running_timers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_closes_its_timers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_without_open_handles, setup, teardown),
	};

	(void)argc;
	without_tcache(argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
