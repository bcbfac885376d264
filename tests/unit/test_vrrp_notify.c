/* vrrp/vrrp_notify: argv and FIFO lines byte for byte, the FIFO writer on
 * a real FIFO (with and without a reader, full, gone), and the notifier
 * running real scripts.  SIGPIPE is left at its default on purpose: the
 * writer must never let it kill us. */
#include "unit.h"

#include "vrrp/vrrp_notify.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <uv.h>

static void assert_argv(char **argv, const char *const *want)
{
	size_t i;

	assert_non_null(argv);
	for (i = 0; want[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
	script_argv_free(argv);
}

static void test_event_mapping(void **state)
{
	enum vrrp_notify_event ev;

	(void)state;
	assert_true(vrrp_notify_event_for_state(VRRP_STATE_MASTER, &ev));
	assert_int_equal(ev, VRRP_NOTIFY_EV_MASTER);
	assert_true(vrrp_notify_event_for_state(VRRP_STATE_STOP, &ev));
	assert_string_equal(vrrp_notify_event_names[ev], "STOP");
	assert_false(vrrp_notify_event_for_state(VRRP_STATE_INIT, &ev));
	assert_int_equal(vrrp_notify_kind_for_event(VRRP_NOTIFY_EV_FAULT), VRRP_NOTIFY_FAULT);
	assert_int_equal(vrrp_notify_kind_for_event(VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI),
			 VRRP_NOTIFY_MASTER_RX_LOWER_PRI);
	assert_int_equal(vrrp_notify_kind_for_event(VRRP_NOTIFY_EV_BACKUP_PRIORITY),
			 VRRP_NOTIFY_COUNT);
	assert_true(vrrp_notify_generic_runs(VRRP_NOTIFY_EV_DELETED));
	assert_false(vrrp_notify_generic_runs(VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI));
	assert_false(vrrp_notify_generic_runs(VRRP_NOTIFY_EV_MASTER_PRIORITY));
}

static void test_generic_argv(void **state)
{
	struct vrrp_notification inst = { VRRP_NOTIFY_INSTANCE, "VI_1", VRRP_NOTIFY_EV_MASTER, 100 };
	struct vrrp_notification grp = { VRRP_NOTIFY_GROUP, "G 1", VRRP_NOTIFY_EV_FAULT, 0 };

	(void)state;
	assert_argv(vrrp_notify_generic_argv("/etc/vigil/notify.sh \"arg one\" two", &inst),
		    (const char *const[]){ "/etc/vigil/notify.sh", "arg one", "two", "INSTANCE",
					   "VI_1", "MASTER", "100", NULL });
	assert_argv(vrrp_notify_generic_argv("notify.sh", &grp),
		    (const char *const[]){ "notify.sh", "GROUP", "G 1", "FAULT", "0", NULL });
	assert_argv(vrrp_notify_fifo_script_argv("/usr/bin/reader -v", "/run/vrrp.fifo"),
		    (const char *const[]){ "/usr/bin/reader", "-v", "/run/vrrp.fifo", NULL });
	assert_null(vrrp_notify_generic_argv("notify.sh 'open", &inst));
	assert_null(vrrp_notify_generic_argv("", &inst));
}

static void test_fifo_line(void **state)
{
	char buf[128];
	struct vrrp_notification n = { VRRP_NOTIFY_INSTANCE, "VI_1", VRRP_NOTIFY_EV_MASTER, 100 };

	(void)state;
	assert_int_equal(vrrp_notify_fifo_line(&n, buf, sizeof(buf)), 27);
	assert_string_equal(buf, "INSTANCE \"VI_1\" MASTER 100\n");
	n = (struct vrrp_notification){ VRRP_NOTIFY_GROUP, "G1", VRRP_NOTIFY_EV_BACKUP, 0 };
	vrrp_notify_fifo_line(&n, buf, sizeof(buf));
	assert_string_equal(buf, "GROUP \"G1\" BACKUP 0\n");
	n = (struct vrrp_notification){ VRRP_NOTIFY_INSTANCE, "VI_2",
					VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI, 150 };
	vrrp_notify_fifo_line(&n, buf, sizeof(buf));
	assert_string_equal(buf, "INSTANCE \"VI_2\" MASTER_RX_LOWER_PRI 150\n");
	n.event = VRRP_NOTIFY_EV_BACKUP_PRIORITY;
	n.priority = 90;
	vrrp_notify_fifo_line(&n, buf, sizeof(buf));
	assert_string_equal(buf, "INSTANCE \"VI_2\" BACKUP_PRIORITY 90\n");
	assert_int_equal(vrrp_notify_fifo_line(&n, buf, 10), 0);    /* does not fit */
}

/* ---- the FIFO writer ------------------------------------------------------- */

struct fifo_fixture {
	char *dir, *path;
};

static int fifo_setup(void **state)
{
	struct fifo_fixture *f = calloc(1, sizeof(*f));

	f->dir = unit_tmpdir_create();
	if (asprintf(&f->path, "%s/notify.fifo", f->dir) < 0)
		abort();
	*state = f;
	return 0;
}

static int fifo_teardown(void **state)
{
	struct fifo_fixture *f = *state;

	free(f->path);
	unit_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static uint64_t now_ms(void)
{
	return uv_hrtime() / 1000000;
}

static int open_reader(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	assert_true(fd >= 0);
	return fd;
}

static void assert_reads(int fd, const char *want)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_fifo_reader(void **state)
{
	struct fifo_fixture *f = *state;
	static const char l1[] = "INSTANCE \"VI_1\" MASTER 100\n", l2[] = "GROUP \"G\" FAULT 0\n";

	assert_int_equal(mkfifo(f->path, 0600), 0);
	struct vrrp_notify_fifo *w = vrrp_notify_fifo_new(f->path, NULL);
	int rd = open_reader(f->path);
	assert_int_equal(vrrp_notify_fifo_write(w, l1, strlen(l1)), VRRP_FIFO_WRITTEN);
	assert_int_equal(vrrp_notify_fifo_write(w, l2, strlen(l2)), VRRP_FIFO_WRITTEN);
	assert_reads(rd, "INSTANCE \"VI_1\" MASTER 100\nGROUP \"G\" FAULT 0\n");
	assert_int_equal(vrrp_notify_fifo_stats(w)->opens, 1);

	/* The reader leaves: EPIPE, one reopen attempt, dropped. */
	close(rd);
	assert_int_equal(vrrp_notify_fifo_write(w, l1, strlen(l1)), VRRP_FIFO_NO_READER);
	assert_int_equal(vrrp_notify_fifo_stats(w)->reopens, 1);
	/* A new reader: lines flow again. */
	rd = open_reader(f->path);
	assert_int_equal(vrrp_notify_fifo_write(w, l2, strlen(l2)), VRRP_FIFO_WRITTEN);
	assert_reads(rd, l2);
	assert_int_equal(vrrp_notify_fifo_stats(w)->outcomes[VRRP_FIFO_WRITTEN], 3);
	assert_int_equal(vrrp_notify_fifo_stats(w)->outcomes[VRRP_FIFO_NO_READER], 1);
	close(rd);
	vrrp_notify_fifo_free(w);
	assert_int_equal(access(f->path, F_OK), 0);     /* not ours: left in place */
}

static void test_fifo_no_reader_never_blocks(void **state)
{
	struct fifo_fixture *f = *state;
	static const char line[] = "INSTANCE \"VI_1\" BACKUP 50\n";

	assert_int_equal(mkfifo(f->path, 0600), 0);
	struct vrrp_notify_fifo *w = vrrp_notify_fifo_new(f->path, NULL);
	uint64_t start = now_ms();
	for (int i = 0; i < 100; i++)
		assert_int_equal(vrrp_notify_fifo_write(w, line, strlen(line)), VRRP_FIFO_NO_READER);
	assert_true(now_ms() - start < 500);
	assert_int_equal(vrrp_notify_fifo_stats(w)->outcomes[VRRP_FIFO_NO_READER], 100);
	vrrp_notify_fifo_free(w);
}

/* A reader that never reads: lines are dropped once the pipe is full,
 * without blocking, and what the reader gets is only whole lines. */
static void test_fifo_full(void **state)
{
	struct fifo_fixture *f = *state;
	static const char line[] = "INSTANCE \"a_fairly_long_instance_name\" MASTER 254\n";
	size_t len = strlen(line);
	char buf[4096];
	ssize_t n;
	size_t total = 0;
	int written = 0, full = 0;

	assert_int_equal(mkfifo(f->path, 0600), 0);
	int rd = open_reader(f->path);
	struct vrrp_notify_fifo *w = vrrp_notify_fifo_new(f->path, NULL);
	uint64_t start = now_ms();
	for (int i = 0; i < 5000 && full < 10; i++) {
		enum vrrp_fifo_outcome o = vrrp_notify_fifo_write(w, line, len);
		written += o == VRRP_FIFO_WRITTEN;
		full += o == VRRP_FIFO_FULL;
	}
	assert_true(now_ms() - start < 1000);
	assert_int_equal(full, 10);
	assert_true(written > 100);
	while ((n = read(rd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			assert_int_equal(buf[i], line[(total + (size_t)i) % len]);
		total += (size_t)n;
	}
	assert_int_equal(total, (size_t)written * len);
	close(rd);
	vrrp_notify_fifo_free(w);
}

static void test_fifo_bad_paths(void **state)
{
	struct fifo_fixture *f = *state;
	char *plain = unit_write_file(f->dir, "plain", "");
	char big[PIPE_BUF + 2];

	struct vrrp_notify_fifo *w = vrrp_notify_fifo_new(f->path, NULL);
	assert_int_equal(vrrp_notify_fifo_write(w, "x\n", 2), VRRP_FIFO_MISSING);
	vrrp_notify_fifo_free(w);
	w = vrrp_notify_fifo_new(plain, NULL);
	assert_int_equal(vrrp_notify_fifo_write(w, "x\n", 2), VRRP_FIFO_NOT_FIFO);
	memset(big, 'x', sizeof(big));
	assert_int_equal(vrrp_notify_fifo_write(w, big, sizeof(big)), VRRP_FIFO_TOO_LONG);
	assert_string_equal(vrrp_fifo_outcome_names[VRRP_FIFO_TOO_LONG], "too-long");
	vrrp_notify_fifo_free(w);
	struct stat st;
	assert_int_equal(stat(plain, &st), 0);
	assert_int_equal(st.st_size, 0);                /* never written to */
	free(plain);
}

static void test_fifo_create(void **state)
{
	struct fifo_fixture *f = *state;
	struct passwd *pw = getpwnam("nobody");
	struct vrrp_notify_fifo_options o = { .create = true };
	struct stat st;

	if (pw && geteuid() == 0) {
		o.set_owner = true;
		o.uid = pw->pw_uid;
		o.gid = pw->pw_gid;
	}
	struct vrrp_notify_fifo *w = vrrp_notify_fifo_new(f->path, &o);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	if (o.set_owner)
		assert_int_equal(st.st_uid, pw->pw_uid);
	vrrp_notify_fifo_free(w);
	assert_int_equal(access(f->path, F_OK), -1);    /* ours: removed */
}

/* ---- the notifier with real scripts --------------------------------------- */

struct nfix {
	uv_loop_t loop;
	struct script_runner *runner;
	struct vrrp_notifier *notifier;
	char *dir, *out, *rec;
	struct vrrp_script_cmd cmds[VRRP_NOTIFY_COUNT];
	struct vrrp_conf_common common;
};

static int notifier_setup(void **state)
{
	struct nfix *f = calloc(1, sizeof(*f));
	struct script_runner_options ro = { .max_running = 1 };   /* keeps the order visible */
	char *body;

	uv_loop_init(&f->loop);
	f->runner = script_runner_new(&f->loop, &ro);
	f->dir = unit_tmpdir_create();
	chmod(f->dir, 0755);                        /* nobody must reach the scripts */
	f->out = unit_write_file(f->dir, "out", "");
	chmod(f->out, 0666);
	if (asprintf(&body, "#!/bin/sh\necho \"$(id -u) $*\" >> %s\n", f->out) < 0)
		abort();
	f->rec = unit_write_file(f->dir, "rec.sh", body);
	chmod(f->rec, 0755);
	free(body);
	*state = f;
	return 0;
}

static int notifier_teardown(void **state)
{
	struct nfix *f = *state;

	vrrp_notifier_free(f->notifier);
	script_runner_close(f->runner);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	for (int i = 0; i < VRRP_NOTIFY_COUNT; i++)
		free(f->cmds[i].cmdline);
	free(f->out);
	free(f->rec);
	unit_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void notifier_make(struct nfix *f, bool security, uint64_t timeout_us)
{
	struct vrrp_notifier_options o = {
		.policy = { .uid = geteuid(), .gid = getegid(), .script_security = security },
		.script_timeout_us = timeout_us,
	};
	f->notifier = vrrp_notifier_new(f->runner, &o);
}

static void set_cmd(struct nfix *f, enum vrrp_notify_kind kind, const char *args,
		    const char *user)
{
	char *cmdline;

	if (asprintf(&cmdline, "%s%s", f->rec, args) < 0)
		abort();
	f->cmds[kind] = (struct vrrp_script_cmd){ .cmdline = cmdline, .user = (char *)user };
	f->common.notify[kind] = &f->cmds[kind];
}

/* Runs the loop until the runner is idle. */
static void drain(struct nfix *f)
{
	uint64_t start = now_ms();
	const struct script_runner_stats *s = script_runner_stats(f->runner);

	while ((s->running || s->queued) && now_ms() - start < 5000)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(s->running + s->queued, 0);
}

static char *slurp(const char *path)
{
	static char buf[1024];
	FILE *fp = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);

	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* notify_master first, then `notify` with the four arguments, then the
 * FIFO line. */
static void test_notifier_master(void **state)
{
	struct nfix *f = *state;
	struct vrrp_notification n = { VRRP_NOTIFY_INSTANCE, "VI_1", VRRP_NOTIFY_EV_MASTER, 100 };
	char *fifo_path, want[256];

	if (asprintf(&fifo_path, "%s/vrrp.fifo", f->dir) < 0)
		abort();
	assert_int_equal(mkfifo(fifo_path, 0600), 0);
	int rd = open_reader(fifo_path);
	struct vrrp_notify_fifo *fifo = vrrp_notify_fifo_new(fifo_path, NULL);
	notifier_make(f, false, 0);
	assert_true(vrrp_notifier_add_fifo(f->notifier, fifo));
	set_cmd(f, VRRP_NOTIFY_MASTER, " master", NULL);
	set_cmd(f, VRRP_NOTIFY_BACKUP, " backup", NULL);
	set_cmd(f, VRRP_NOTIFY_ANY, " \"any thing\"", NULL);
	vrrp_notifier_notify(f->notifier, &f->common, &n);
	drain(f);
	snprintf(want, sizeof(want), "%u master\n%u any thing INSTANCE VI_1 MASTER 100\n",
		 (unsigned)geteuid(), (unsigned)geteuid());
	assert_string_equal(slurp(f->out), want);
	assert_reads(rd, "INSTANCE \"VI_1\" MASTER 100\n");
	assert_int_equal(vrrp_notifier_stats(f->notifier)->scripts_started, 2);
	assert_int_equal(vrrp_notifier_stats(f->notifier)->fifo_lines, 1);

	/* Priority changes go to the FIFO only. */
	n.event = VRRP_NOTIFY_EV_MASTER_PRIORITY;
	n.priority = 90;
	vrrp_notifier_notify(f->notifier, &f->common, &n);
	drain(f);
	assert_string_equal(slurp(f->out), want);
	assert_reads(rd, "INSTANCE \"VI_1\" MASTER_PRIORITY 90\n");
	close(rd);
	vrrp_notify_fifo_free(fifo);
	free(fifo_path);
}

/* A script with its own user runs as that user. */
static void test_notifier_user(void **state)
{
	struct nfix *f = *state;
	struct passwd *pw = getpwnam("nobody");
	struct vrrp_notification n = { VRRP_NOTIFY_GROUP, "G1", VRRP_NOTIFY_EV_BACKUP, 0 };
	char want[128];

	if (!pw || geteuid() != 0)
		skip();
	notifier_make(f, false, 0);
	set_cmd(f, VRRP_NOTIFY_BACKUP, " backup", "nobody");
	set_cmd(f, VRRP_NOTIFY_ANY, "", NULL);
	vrrp_notifier_notify(f->notifier, &f->common, &n);
	drain(f);
	snprintf(want, sizeof(want), "%u backup\n0 GROUP G1 BACKUP 0\n", (unsigned)pw->pw_uid);
	assert_string_equal(slurp(f->out), want);
}

/* enable_script_security: a root script in a directory anyone can write
 * is refused; unknown users are refused. */
static void test_notifier_security(void **state)
{
	struct nfix *f = *state;
	struct vrrp_notification n = { VRRP_NOTIFY_INSTANCE, "VI_1", VRRP_NOTIFY_EV_FAULT, 100 };
	char *open_dir, *unsafe;

	if (geteuid() != 0)
		skip();
	if (asprintf(&open_dir, "%s/open", f->dir) < 0)
		abort();
	mkdir(open_dir, 0777);
	chmod(open_dir, 0777);
	unsafe = unit_write_file(open_dir, "fault.sh", "#!/bin/sh\ntouch /tmp/never\n");
	chmod(unsafe, 0755);
	notifier_make(f, true, 0);
	f->cmds[VRRP_NOTIFY_FAULT] = (struct vrrp_script_cmd){ .cmdline = xstrdup(unsafe) };
	f->common.notify[VRRP_NOTIFY_FAULT] = &f->cmds[VRRP_NOTIFY_FAULT];
	set_cmd(f, VRRP_NOTIFY_ANY, " any", "no_such_user_vigil");
	vrrp_notifier_notify(f->notifier, &f->common, &n);
	drain(f);
	assert_int_equal(vrrp_notifier_stats(f->notifier)->scripts_refused, 2);
	assert_int_equal(vrrp_notifier_stats(f->notifier)->scripts_started, 0);
	assert_string_equal(slurp(f->out), "");
	free(unsafe);
	free(open_dir);
}

/* A hung notify script is killed at the timeout and counted. */
static void test_notifier_timeout(void **state)
{
	struct nfix *f = *state;
	struct vrrp_notification n = { VRRP_NOTIFY_INSTANCE, "VI_1", VRRP_NOTIFY_EV_STOP, 0 };
	uint64_t start = now_ms();

	notifier_make(f, false, 100000);
	f->cmds[VRRP_NOTIFY_STOP] = (struct vrrp_script_cmd){ .cmdline = xstrdup("sleep 30") };
	f->common.notify[VRRP_NOTIFY_STOP] = &f->cmds[VRRP_NOTIFY_STOP];
	vrrp_notifier_notify(f->notifier, &f->common, &n);
	drain(f);
	assert_true(now_ms() - start < 1500);
	assert_int_equal(vrrp_notifier_stats(f->notifier)->scripts_failed, 1);
	assert_int_equal(script_runner_stats(f->runner)->timed_out, 1);
}

/* The notify_fifo_script gets the FIFO as its last argument; freeing the
 * notifier kills it. */
static void test_notifier_fifo_script(void **state)
{
	struct nfix *f = *state;
	char *cmdline;

	notifier_make(f, false, 0);
	if (asprintf(&cmdline, "%s fifo-reader", f->rec) < 0)
		abort();
	assert_true(vrrp_notifier_start_fifo_script(f->notifier, cmdline, NULL, NULL, "/run/x.fifo"));
	drain(f);
	char want[128];
	snprintf(want, sizeof(want), "%u fifo-reader /run/x.fifo\n", (unsigned)geteuid());
	assert_string_equal(slurp(f->out), want);
	free(cmdline);

	assert_true(vrrp_notifier_start_fifo_script(f->notifier, "sleep 30", NULL, NULL, "9"));
	assert_int_equal(script_runner_stats(f->runner)->running, 1);
	vrrp_notifier_free(f->notifier);
	f->notifier = NULL;
	drain(f);
	assert_int_equal(script_runner_stats(f->runner)->cancelled, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_mapping),
		cmocka_unit_test(test_generic_argv),
		cmocka_unit_test(test_fifo_line),
		cmocka_unit_test_setup_teardown(test_fifo_reader, fifo_setup, fifo_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_no_reader_never_blocks, fifo_setup,
						fifo_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_full, fifo_setup, fifo_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_bad_paths, fifo_setup, fifo_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_create, fifo_setup, fifo_teardown),
		cmocka_unit_test_setup_teardown(test_notifier_master, notifier_setup, notifier_teardown),
		cmocka_unit_test_setup_teardown(test_notifier_user, notifier_setup, notifier_teardown),
		cmocka_unit_test_setup_teardown(test_notifier_security, notifier_setup,
						notifier_teardown),
		cmocka_unit_test_setup_teardown(test_notifier_timeout, notifier_setup,
						notifier_teardown),
		cmocka_unit_test_setup_teardown(test_notifier_fifo_script, notifier_setup,
						notifier_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
