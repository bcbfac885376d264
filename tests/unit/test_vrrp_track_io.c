/* Tracking monitors against the real system, in a libuv loop:
 *  - track_file on files the test writes, replaces, deletes and creates
 *    (through the directory watch, and through polling alone), init_file;
 *  - track_process finding `sleep` processes the test spawns (by a
 *    distinctive argument, and by a distinctive process name through a
 *    symlink), losing them when killed (zombies do not count), quorum,
 *    quorum_max and terminate_delay; and a fake /proc tree for the parts a
 *    live system cannot be made to show. */
#include "config.h"

#include "unit.h"

#include "vrrp/vrrp_track_file.h"
#include "vrrp/vrrp_track_process.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <uv.h>

#define WAIT_MS 3000            /* generous: a loaded CI machine */

/* ---- Loop helpers ---- */

struct until {
	bool (*cond)(void *ctx);
	void *ctx;
	uint64_t deadline_ms;
	bool met;
};

static void on_check(uv_timer_t *t)
{
	struct until *u = t->data;

	if (u->cond(u->ctx)) {
		u->met = true;
		uv_stop(t->loop);
	} else if (uv_now(t->loop) >= u->deadline_ms) {
		uv_stop(t->loop);
	}
}

/* Runs `loop` until cond(ctx) holds or timeout_ms pass; returns cond's
 * last verdict. */
static bool run_until(uv_loop_t *loop, bool (*cond)(void *), void *ctx, uint64_t timeout_ms)
{
	struct until u = { cond, ctx, 0, false };
	uv_timer_t t;

	uv_update_time(loop);
	u.deadline_ms = uv_now(loop) + timeout_ms;
	uv_timer_init(loop, &t);
	t.data = &u;
	uv_timer_start(&t, on_check, 5, 5);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return u.met || cond(ctx);
}

static bool never(void *ctx)
{
	(void)ctx;
	return false;
}

static void run_for(uv_loop_t *loop, uint64_t ms)
{
	run_until(loop, never, NULL, ms);
}

/* Closes what is left and checks nothing leaked a handle. */
static void loop_finish(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- track_file ---- */

struct file_seen {
	unsigned calls;
	struct vrrp_track_file_reading last;
};

static void on_file(void *data, struct vrrp_track_file *tf, const struct vrrp_track_file_reading *r)
{
	struct file_seen *s = data;

	assert_string_equal(vrrp_track_file_name(tf), "tf");
	s->calls++;
	s->last = *r;
}

struct file_want {
	struct file_seen *seen;
	enum vrrp_track_file_status status;
	int32_t value;
};

static bool file_reads(void *ctx)
{
	struct file_want *w = ctx;

	return w->seen->calls && w->seen->last.status == w->status && w->seen->last.value == w->value;
}

static void expect_reading(uv_loop_t *loop, struct file_seen *seen,
			   enum vrrp_track_file_status status, int32_t value)
{
	struct file_want w = { seen, status, value };

	if (!run_until(loop, file_reads, &w, WAIT_MS)) {
		print_error("expected %s %d, last %s %d after %u calls\n",
			    vrrp_track_file_status_name(status), value,
			    vrrp_track_file_status_name(seen->last.status), seen->last.value,
			    seen->calls);
		fail();
	}
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Written elsewhere then renamed over the file: a new inode. */
static void replace_text(const char *dir, const char *path, const char *text)
{
	char *tmp = NULL;

	assert_true(asprintf(&tmp, "%s/.new", dir) > 0);
	write_text(tmp, text);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
}

static struct vrrp_track_file_config file_conf(char *path)
{
	return (struct vrrp_track_file_config){ .name = (char *)"tf", .path = path, .weight = 1 };
}

/* With a poll interval of a minute, only the watch can see these. */
static void test_file_watch(void **state)
{
	char *dir = unit_tmpdir_create();
	char *path = unit_write_file(dir, "value", "4\n");
	struct vrrp_track_file_config conf = file_conf(path);
	struct vrrp_track_file_options opts = { .poll_interval_ms = 60000 };
	struct file_seen seen = { 0 };
	uv_loop_t loop;
	struct vrrp_track_file *tf;
	int err = 1;

	(void)state;
	uv_loop_init(&loop);
	tf = vrrp_track_file_start(&loop, &conf, &opts, on_file, &seen, &err);
	assert_non_null(tf);
	assert_int_equal(err, 0);
	assert_true(vrrp_track_file_watching(tf));
	assert_int_equal(vrrp_track_file_current(tf)->status, VRRP_TRACK_FILE_OK);
	assert_int_equal(vrrp_track_file_current(tf)->value, 4);
	assert_int_equal(seen.calls, 0);

	write_text(path, "5\n");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_OK, 5);
	/* The truncate and the write are read once, after they settled. */
	assert_int_equal(seen.calls, 1);
	replace_text(dir, path, "-7\n");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_OK, -7);
	assert_int_equal(unlink(path), 0);
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_MISSING, 0);
	assert_int_equal(seen.last.err, ENOENT);
	write_text(path, "3");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_OK, 3);
	write_text(path, "three\n");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_NOT_A_NUMBER, 0);
	write_text(path, "");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_EMPTY, 0);

	/* Another file in the directory is no change. */
	seen.calls = 0;
	free(unit_write_file(dir, "other", "1\n"));
	run_for(&loop, 200);
	assert_int_equal(seen.calls, 0);

	vrrp_track_file_stop(tf);
	loop_finish(&loop);
	free(path);
	unit_tmpdir_remove(dir);
}

/* Polling alone (no inotify), and a directory that appears later. */
static void test_file_poll(void **state)
{
	char *dir = unit_tmpdir_create();
	char *sub = NULL, *path = NULL;
	struct vrrp_track_file_options opts = { .poll_interval_ms = 50, .poll_only = true };
	struct file_seen seen = { 0 };
	struct vrrp_track_file_config conf;
	struct vrrp_track_file *tf;
	uv_loop_t loop;

	(void)state;
	assert_true(asprintf(&sub, "%s/later", dir) > 0);
	assert_true(asprintf(&path, "%s/value", sub) > 0);
	conf = file_conf(path);
	uv_loop_init(&loop);
	tf = vrrp_track_file_start(&loop, &conf, &opts, on_file, &seen, NULL);
	assert_non_null(tf);
	assert_false(vrrp_track_file_watching(tf));
	assert_int_equal(vrrp_track_file_current(tf)->status, VRRP_TRACK_FILE_MISSING);
	assert_int_equal(vrrp_track_file_current(tf)->value, 0);

	assert_int_equal(mkdir(sub, 0755), 0);
	write_text(path, "12\n");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_OK, 12);
	assert_false(vrrp_track_file_watching(tf));
	write_text(path, "99999999999\n");
	expect_reading(&loop, &seen, VRRP_TRACK_FILE_OUT_OF_RANGE, 2147483647);
	vrrp_track_file_stop(tf);
	loop_finish(&loop);
	free(path);
	free(sub);
	unit_tmpdir_remove(dir);
}

/* The watch starts by itself once a missing directory exists, and again
 * on a directory removed and made anew.  Polls are a second apart and a
 * change must be seen within 600 ms of a write made 100 ms after a poll:
 * only the watch can do that. */
static void test_file_watch_starts_later(void **state)
{
	char *dir = unit_tmpdir_create();
	char *sub = NULL, *path = NULL;
	struct vrrp_track_file_options opts = { .poll_interval_ms = 1000 };
	struct file_seen seen = { 0 };
	struct vrrp_track_file_config conf;
	struct vrrp_track_file *tf;
	uv_loop_t loop;

	(void)state;
	assert_true(asprintf(&sub, "%s/later", dir) > 0);
	assert_true(asprintf(&path, "%s/value", sub) > 0);
	conf = file_conf(path);
	uv_loop_init(&loop);
	tf = vrrp_track_file_start(&loop, &conf, &opts, on_file, &seen, NULL);
	assert_false(vrrp_track_file_watching(tf));
	assert_int_equal(mkdir(sub, 0755), 0);
	run_for(&loop, 1100);
	assert_true(vrrp_track_file_watching(tf));

	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	run_for(&loop, 1000);                   /* the watch moves to the new one */
	assert_true(vrrp_track_file_watching(tf));
	write_text(path, "21\n");
	{
		struct file_want w = { &seen, VRRP_TRACK_FILE_OK, 21 };

		assert_true(run_until(&loop, file_reads, &w, 600));
	}
	vrrp_track_file_stop(tf);
	loop_finish(&loop);
	free(path);
	free(sub);
	unit_tmpdir_remove(dir);
}

static char *read_text(const char *path)
{
	static char buf[64];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_file_init(void **state)
{
	char *dir = unit_tmpdir_create();
	char *path = NULL;
	struct vrrp_track_file_config conf;
	struct file_seen seen = { 0 };
	struct vrrp_track_file *tf;
	uv_loop_t loop;

	(void)state;
	assert_true(asprintf(&path, "%s/value", dir) > 0);
	conf = file_conf(path);
	assert_int_equal(vrrp_track_file_init(&conf), 0);       /* not asked for */
	assert_int_equal(access(path, F_OK), -1);

	conf.init_file = true;
	conf.init_value = -3;
	assert_int_equal(vrrp_track_file_init(&conf), 1);       /* created */
	assert_string_equal(read_text(path), "-3\n");
	write_text(path, "8\n");
	assert_int_equal(vrrp_track_file_init(&conf), 0);       /* exists: kept */
	assert_string_equal(read_text(path), "8\n");
	conf.init_overwrite = true;
	assert_int_equal(vrrp_track_file_init(&conf), 1);       /* overwritten */
	assert_string_equal(read_text(path), "-3\n");

	/* start applies it before the first read */
	conf.init_value = 6;
	seen.calls = 0;
	uv_loop_init(&loop);
	tf = vrrp_track_file_start(&loop, &conf, NULL, on_file, &seen, NULL);
	assert_int_equal(vrrp_track_file_current(tf)->value, 6);
	assert_int_equal(seen.calls, 0);
	vrrp_track_file_stop(tf);
	loop_finish(&loop);

	free(path);
	assert_true(asprintf(&path, "%s/nodir/value", dir) > 0);
	conf.path = path;
	assert_int_equal(vrrp_track_file_init(&conf), -ENOENT);
	free(path);
	unit_tmpdir_remove(dir);
}

/* ---- track_process ---- */

struct proc_seen {
	unsigned calls;
	char name[32];
	bool up;
	uint32_t count;
	uint64_t at_ms;
};

static void on_proc(void *data, const struct vrrp_track_process_state *st)
{
	struct proc_seen *s = data;

	s->calls++;
	snprintf(s->name, sizeof(s->name), "%s", st->name);
	s->up = st->up;
	s->count = st->count;
	s->at_ms = now_ms();
}

struct proc_want {
	struct proc_seen *seen;
	unsigned calls;
	bool up;
};

static bool proc_reported(void *ctx)
{
	struct proc_want *w = ctx;

	return w->seen->calls >= w->calls && w->seen->up == w->up;
}

static void expect_report(uv_loop_t *loop, struct proc_seen *seen, unsigned calls, bool up)
{
	struct proc_want w = { seen, calls, up };

	if (!run_until(loop, proc_reported, &w, WAIT_MS)) {
		print_error("expected report %u %s; have %u, last %s\n", calls, up ? "up" : "down",
			    seen->calls, seen->up ? "up" : "down");
		fail();
	}
	assert_int_equal(seen->calls, calls);
}

/* `sleep 1000.PID-N`: a command line nothing else on the machine has. */
static pid_t spawn(const char *path, const char *arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl(path, "sleep", arg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static struct vrrp_track_process_config *proc_conf(const char *name, const char *w0,
						  const char *w1, uint32_t quorum,
						  uint32_t quorum_max)
{
	struct vrrp_track_process_config *c = XNEW(struct vrrp_track_process_config);

	c->name = xstrdup(name);
	c->weight = 1;
	c->quorum = quorum;
	c->quorum_max = quorum_max;
	ptr_array_push(&c->argv, xstrdup(w0));
	if (w1)
		ptr_array_push(&c->argv, xstrdup(w1));
	return c;
}

static void proc_conf_free(void *p)
{
	struct vrrp_track_process_config *c = p;

	free(c->name);
	ptr_array_free(&c->argv, free);
	free(c);
}

static const char *sleep_path(void)
{
	return access("/usr/bin/sleep", X_OK) == 0 ? "/usr/bin/sleep" : "/bin/sleep";
}

/* Found by its argument, lost when killed; quorum 2 needs both. */
static void test_process_found_and_lost(void **state)
{
	char arg[64];
	struct ptr_array confs = { 0 };
	struct vrrp_track_process_options opts = { .scan_interval_ms = 50 };
	struct proc_seen one = { 0 };
	struct vrrp_track_process_monitor *mon;
	const struct vrrp_track_process_state *st;
	uv_loop_t loop;
	pid_t a, b;
	int err = 1;

	(void)state;
	snprintf(arg, sizeof(arg), "1000.%d", (int)getpid());
	ptr_array_push(&confs, proc_conf("one", "sleep", arg, 1, UINT32_MAX));
	uv_loop_init(&loop);
	mon = vrrp_track_process_monitor_start(&loop, &confs, &opts, on_proc, &one, &err);
	assert_non_null(mon);
	assert_int_equal(err, 0);
	st = vrrp_track_process_monitor_find(mon, "one");
	assert_non_null(st);
	assert_false(st->up);
	assert_int_equal(st->count, 0);
	assert_null(vrrp_track_process_monitor_find(mon, "nosuch"));

	a = spawn(sleep_path(), arg);
	expect_report(&loop, &one, 1, true);
	assert_string_equal(one.name, "one");
	assert_int_equal(one.count, 1);
	b = spawn(sleep_path(), arg);
	run_for(&loop, 200);
	assert_int_equal(one.calls, 1);         /* still up: no report */
	assert_int_equal(st->count, 2);

	kill_and_reap(a);
	run_for(&loop, 200);
	assert_int_equal(one.calls, 1);
	assert_int_equal(st->count, 1);
	/* Killed but not reaped: a zombie, which is not running. */
	kill(b, SIGKILL);
	expect_report(&loop, &one, 2, false);
	assert_int_equal(one.count, 0);
	waitpid(b, NULL, 0);

	vrrp_track_process_monitor_stop(mon);
	loop_finish(&loop);
	ptr_array_free(&confs, proc_conf_free);
}

/* quorum 2 and quorum_max 2, by process name through a symlink. */
static void test_process_quorum_by_name(void **state)
{
	char *dir = unit_tmpdir_create();
	char *link = NULL, comm[32];
	struct ptr_array confs = { 0 };
	struct vrrp_track_process_options opts = { .scan_interval_ms = 50 };
	struct proc_seen seen = { 0 };
	struct vrrp_track_process_monitor *mon;
	uv_loop_t loop;
	pid_t p[3];

	(void)state;
	snprintf(comm, sizeof(comm), "vgt%d", (int)getpid());
	assert_true(asprintf(&link, "%s/%s", dir, comm) > 0);
	assert_int_equal(symlink(sleep_path(), link), 0);
	ptr_array_push(&confs, proc_conf("pair", comm, NULL, 2, 2));
	uv_loop_init(&loop);
	mon = vrrp_track_process_monitor_start(&loop, &confs, &opts, on_proc, &seen, NULL);
	assert_non_null(mon);

	p[0] = spawn(link, "30");
	run_for(&loop, 200);
	assert_int_equal(seen.calls, 0);        /* one is below quorum */
	assert_int_equal(vrrp_track_process_monitor_find(mon, "pair")->count, 1);
	p[1] = spawn(link, "30");
	expect_report(&loop, &seen, 1, true);
	assert_int_equal(seen.count, 2);
	p[2] = spawn(link, "30");
	expect_report(&loop, &seen, 2, false);  /* above quorum_max */
	assert_int_equal(seen.count, 3);
	kill_and_reap(p[2]);
	expect_report(&loop, &seen, 3, true);
	kill_and_reap(p[0]);
	kill_and_reap(p[1]);
	expect_report(&loop, &seen, 4, false);

	vrrp_track_process_monitor_stop(mon);
	loop_finish(&loop);
	ptr_array_free(&confs, proc_conf_free);
	free(link);
	unit_tmpdir_remove(dir);
}

/* terminate_delay: down only after the delay; a restart within it is no
 * change at all. */
static void test_process_terminate_delay(void **state)
{
	char arg[64];
	struct ptr_array confs = { 0 };
	struct vrrp_track_process_options opts = { .scan_interval_ms = 50 };
	struct proc_seen seen = { 0 };
	struct vrrp_track_process_config *c;
	struct vrrp_track_process_monitor *mon;
	uv_loop_t loop;
	uint64_t killed_at;
	pid_t pid;

	(void)state;
	snprintf(arg, sizeof(arg), "1001.%d", (int)getpid());
	c = proc_conf("delayed", "sleep", arg, 1, UINT32_MAX);
	c->terminate_delay_us = 600000;
	ptr_array_push(&confs, c);
	pid = spawn(sleep_path(), arg);
	usleep(100000);                         /* let it exec */
	uv_loop_init(&loop);
	mon = vrrp_track_process_monitor_start(&loop, &confs, &opts, on_proc, &seen, NULL);
	assert_true(vrrp_track_process_monitor_find(mon, "delayed")->up);

	kill_and_reap(pid);
	pid = spawn(sleep_path(), arg);
	run_for(&loop, 900);
	assert_int_equal(seen.calls, 0);

	killed_at = now_ms();
	kill_and_reap(pid);
	expect_report(&loop, &seen, 1, false);
	assert_true(seen.at_ms - killed_at >= 550);

	vrrp_track_process_monitor_stop(mon);
	loop_finish(&loop);
	ptr_array_free(&confs, proc_conf_free);
}

static void write_bytes(const char *dir, const char *rel, const char *data, size_t len)
{
	char *path = unit_write_file(dir, rel, "");
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(path);
}

/* A fake /proc: zombies, names with ") " in them, entries that are not
 * processes, unreadable ones. */
static void test_process_fake_proc(void **state)
{
	char *root = unit_tmpdir_create();
	struct ptr_array confs = { 0 };
	struct vrrp_track_process_options opts = { .proc_root = root, .scan_interval_ms = 60000 };
	struct vrrp_track_process_monitor *mon;
	uv_loop_t loop;

	(void)state;
	free(unit_write_file(root, "1/stat", "1 (daemon) S 0 1 1 0\n"));
	write_bytes(root, "1/cmdline", "/usr/sbin/daemon\0-f\0", 20);
	free(unit_write_file(root, "2/stat", "2 (daemon) Z 1 2 2 0\n"));
	free(unit_write_file(root, "3/stat", "3 (odd) name) R 1 3 3 0\n"));
	free(unit_write_file(root, "4/stat", "garbage\n"));
	free(unit_write_file(root, "self/stat", "5 (daemon) S 1 5 5 0\n"));
	free(unit_write_file(root, "6/stat", "6 (daemon) S 1 6 6 0\n"));
	ptr_array_push(&confs, proc_conf("d", "daemon", NULL, 2, UINT32_MAX));
	ptr_array_push(&confs, proc_conf("odd", "odd) name", NULL, 1, UINT32_MAX));
	ptr_array_push(&confs, proc_conf("cmd", "/usr/sbin/daemon", "-f", 1, UINT32_MAX));
	uv_loop_init(&loop);
	mon = vrrp_track_process_monitor_start(&loop, &confs, &opts, on_proc, NULL, NULL);
	assert_non_null(mon);
	/* 1 and 6; 2 is a zombie, "self" is no process. */
	assert_int_equal(vrrp_track_process_monitor_find(mon, "d")->count, 2);
	assert_true(vrrp_track_process_monitor_find(mon, "d")->up);
	assert_int_equal(vrrp_track_process_monitor_find(mon, "odd")->count, 1);
	assert_int_equal(vrrp_track_process_monitor_find(mon, "cmd")->count, 1);
	vrrp_track_process_monitor_stop(mon);
	loop_finish(&loop);

	/* An unreadable /proc is an error at start. */
	opts.proc_root = "/nonexistent/proc";
	uv_loop_init(&loop);
	{
		int err = 0;

		assert_null(vrrp_track_process_monitor_start(&loop, &confs, &opts, on_proc, NULL,
							     &err));
		assert_int_equal(err, -ENOENT);
	}
	loop_finish(&loop);
	ptr_array_free(&confs, proc_conf_free);
	unit_tmpdir_remove(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_watch),
		cmocka_unit_test(test_file_poll),
		cmocka_unit_test(test_file_watch_starts_later),
		cmocka_unit_test(test_file_init),
		cmocka_unit_test(test_process_found_and_lost),
		cmocka_unit_test(test_process_quorum_by_name),
		cmocka_unit_test(test_process_terminate_delay),
		cmocka_unit_test(test_process_fake_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
