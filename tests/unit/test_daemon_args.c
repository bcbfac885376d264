/* Unit tests of vigild's command line (daemon/daemon_args.h) and pid files
 * (daemon/pidfile.h). */
#include "config.h"
#include "unit.h"

#include "daemon/daemon_args.h"
#include "daemon/pidfile.h"

#include <signal.h>
#include <sys/wait.h>

/* Parses a NULL-terminated list of arguments after "vigild". */
static bool parse(struct vigild_args *args, ...)
{
	char *argv[32] = { (char *)"vigild" };
	int argc = 1;
	va_list ap;
	bool ok;

	va_start(ap, args);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	ok = vigild_args_parse(argc, argv, args);
	return ok;
}

static void test_defaults(void **state)
{
	struct vigild_args a;

	assert_true(parse(&a, NULL));
	assert_non_null(a.config_file);
	assert_string_equal(a.pid_file, VIGILD_PID_DEFAULT);
	assert_string_equal(a.worker_pid_file[WORKER_VRRP], VIGILD_VRRP_PID_DEFAULT);
	assert_string_equal(a.worker_pid_file[WORKER_CHECKER], VIGILD_CHECKER_PID_DEFAULT);
	assert_int_equal(a.log_target, LOG_TO_SYSLOG);
	assert_int_equal(a.log_facility, LOG_DAEMON);
	assert_false(a.dont_fork);
	assert_false(a.is_worker);
	vigild_args_free(&a);
}

static void test_keepalived_flags(void **state)
{
	struct vigild_args a;

	assert_true(parse(&a, "-f", "x.conf", "-n", "-l", "-D", "-P", "-p", "p.pid", "-r", "v.pid",
			  "-c", "c.pid", "-i", "node1", "--control-socket", "/tmp/s", NULL));
	assert_string_equal(a.config_file, "x.conf");
	assert_true(a.dont_fork);
	assert_int_equal(a.log_target, LOG_TO_CONSOLE);
	assert_true(a.log_detail);
	assert_true(a.only[WORKER_VRRP]);
	assert_false(a.only[WORKER_CHECKER]);
	assert_string_equal(a.pid_file, "p.pid");
	assert_string_equal(a.worker_pid_file[WORKER_VRRP], "v.pid");
	assert_string_equal(a.worker_pid_file[WORKER_CHECKER], "c.pid");
	assert_string_equal(a.config_id, "node1");
	assert_string_equal(a.control_socket, "/tmp/s");
	vigild_args_free(&a);

	assert_true(parse(&a, "--use-file=y.conf", "--check", "--config-test=out.txt", NULL));
	assert_string_equal(a.config_file, "y.conf");
	assert_true(a.only[WORKER_CHECKER]);
	assert_true(a.config_test);
	assert_string_equal(a.config_test_output, "out.txt");
	vigild_args_free(&a);
}

static void test_log_facility(void **state)
{
	struct vigild_args a;

	assert_true(parse(&a, "-S", "3", NULL));
	assert_int_equal(a.log_facility, LOG_LOCAL3);
	vigild_args_free(&a);
	assert_true(parse(&a, "--log-facility=local7", NULL));
	assert_int_equal(a.log_facility, LOG_LOCAL7);
	vigild_args_free(&a);
	assert_true(parse(&a, "-S", "user", NULL));
	assert_int_equal(a.log_facility, LOG_USER);
	vigild_args_free(&a);
	assert_false(parse(&a, "-S", "8", NULL));
	vigild_args_free(&a);
	assert_false(parse(&a, "-S", "local", NULL));
	vigild_args_free(&a);
	assert_false(parse(&a, "-S", "-1", NULL));
	vigild_args_free(&a);
}

static void test_unsupported_and_refused(void **state)
{
	struct vigild_args a;

	/* harmless keepalived flags: accepted (with a warning on stderr) */
	assert_true(parse(&a, "-X", "-V", "-I", "-d", "--all", "-g", "/tmp/log", "--debug=DvEc", NULL));
	vigild_args_free(&a);
	/* flags whose meaning cannot be honoured by ignoring them */
	assert_false(parse(&a, "-s", "ns1", NULL));
	vigild_args_free(&a);
	assert_false(parse(&a, "-T", NULL));
	vigild_args_free(&a);
	/* unknown flags and stray arguments */
	assert_false(parse(&a, "--no-such-flag", NULL));
	vigild_args_free(&a);
	assert_false(parse(&a, "stray", NULL));
	vigild_args_free(&a);
	assert_false(parse(&a, "-f", NULL));
	vigild_args_free(&a);
	assert_false(parse(&a, "--worker=bfd", NULL));
	vigild_args_free(&a);
}

static void test_worker_argv(void **state)
{
	struct vigild_args a;
	char **argv;

	assert_true(parse(&a, "-f", "/etc/x.conf", "-l", "-S", "2", "-i", "n1", "-c", "/run/c.pid", NULL));
	argv = vigild_args_worker_argv(&a, "/usr/sbin/vigild", WORKER_CHECKER);
	assert_string_equal(argv[0], "/usr/sbin/vigild");
	assert_string_equal(argv[1], "--worker=checker");
	vigild_args_free(&a);
	/* the worker's command line parses back to the same settings */
	{
		int argc = 0;

		while (argv[argc])
			argc++;
		assert_true(vigild_args_parse(argc, argv, &a));
	}
	assert_true(a.is_worker);
	assert_int_equal(a.worker, WORKER_CHECKER);
	assert_string_equal(a.config_file, "/etc/x.conf");
	assert_string_equal(a.config_id, "n1");
	assert_int_equal(a.log_target, LOG_TO_CONSOLE);
	assert_int_equal(a.log_facility, LOG_LOCAL2);
	assert_string_equal(a.worker_pid_file[WORKER_CHECKER], "/run/c.pid");
	vigild_args_free(&a);
	vigild_argv_free(argv);
}

/* -I reaches the checker worker (and only it) and the process-wide
 * accessor the checker reads at stop. */
/* Whether the worker command line of `kind` carries `flag`. */
static bool worker_gets(const struct vigild_args *a, enum worker_kind kind, const char *flag)
{
	char **argv = vigild_args_worker_argv(a, "vigild", kind);
	bool found = false;

	for (char **p = argv; *p; p++)
		found |= strcmp(*p, flag) == 0;
	vigild_argv_free(argv);
	return found;
}

static void test_dont_release_ipvs(void **state)
{
	struct vigild_args a;

	assert_true(parse(&a, NULL));
	assert_false(vigild_dont_release_ipvs());
	vigild_args_free(&a);
	assert_true(parse(&a, "--dont-release-ipvs", NULL));
	assert_true(a.dont_release_ipvs);
	assert_true(vigild_dont_release_ipvs());
	assert_false(worker_gets(&a, WORKER_VRRP, "--dont-release-ipvs"));
	assert_true(worker_gets(&a, WORKER_CHECKER, "--dont-release-ipvs"));
	vigild_args_free(&a);
	assert_true(parse(&a, "-I", NULL));
	assert_true(a.dont_release_ipvs);
	vigild_args_free(&a);
	assert_true(parse(&a, NULL));
	assert_false(vigild_dont_release_ipvs());
	vigild_args_free(&a);
}

/* -V reaches the VRRP worker only. */
static void test_dont_release_vrrp(void **state)
{
	struct vigild_args a;

	assert_true(parse(&a, "-V", NULL));
	assert_true(a.dont_release_vrrp);
	assert_true(worker_gets(&a, WORKER_VRRP, "--dont-release-vrrp"));
	assert_false(worker_gets(&a, WORKER_CHECKER, "--dont-release-vrrp"));
	vigild_args_free(&a);
	assert_true(parse(&a, NULL));
	assert_false(a.dont_release_vrrp);
	assert_false(worker_gets(&a, WORKER_VRRP, "--dont-release-vrrp"));
	vigild_args_free(&a);
}

static void test_signum(void **state)
{
	assert_int_equal(vigild_signum("STOP"), SIGTERM);
	assert_int_equal(vigild_signum("reload"), SIGHUP);
	assert_int_equal(vigild_signum("DATA"), SIGUSR1);
	assert_int_equal(vigild_signum("STATS"), SIGUSR2);
	assert_int_equal(vigild_signum("JSON"), SIGRTMIN + 2);
	assert_int_equal(vigild_signum("NOPE"), -1);
}

/* A lock held by a live process blocks; one left by a dead process does not. */
static void test_pidfile(void **state)
{
	char *dir = unit_tmpdir_create();
	char *path, err[256];
	struct pidfile pf, other;
	pid_t holder, child;
	int status;

	assert_true(asprintf(&path, "%s/x.pid", dir) > 0);
	assert_int_equal(pidfile_take(&pf, path, &holder, err, sizeof(err)), PIDFILE_TAKEN);
	assert_true(pidfile_write(&pf, err, sizeof(err)));
	/* another process finds it busy, and learns our pid */
	child = fork();
	if (child == 0)
		_exit(pidfile_take(&other, path, &holder, err, sizeof(err)) == PIDFILE_BUSY
		      && holder == getppid() ? 0 : 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(WEXITSTATUS(status), 0);
	pidfile_release(&pf);
	assert_int_equal(access(path, F_OK), -1);

	/* a stale file (no lock) is taken over */
	free(unit_write_file(dir, "x.pid", "99999\n"));
	assert_int_equal(pidfile_take(&pf, path, &holder, err, sizeof(err)), PIDFILE_TAKEN);
	pidfile_release(&pf);
	free(path);
	unit_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_keepalived_flags),
		cmocka_unit_test(test_log_facility),
		cmocka_unit_test(test_unsupported_and_refused),
		cmocka_unit_test(test_worker_argv),
		cmocka_unit_test(test_dont_release_ipvs),
		cmocka_unit_test(test_dont_release_vrrp),
		cmocka_unit_test(test_signum),
		cmocka_unit_test(test_pidfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
