/* vigild: the entry point.  One binary, three roles: the parent (the
 * default), a worker (--worker=vrrp|checker, started by the parent), and the
 * one-shot modes (-t, --dump-config, -v, -h, --signum). */
#include "config.h"
#include "daemon/config_load.h"
#include "daemon/control.h"
#include "daemon/daemon_args.h"
#include "daemon/global_conf.h"
#include "daemon/pidfile.h"
#include "daemon/supervisor.h"
#include "daemon/worker.h"
#include "checker/check_worker.h"
#include "vrrp/vrrp_worker.h"
#include "log.h"
#include "xalloc.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct worker_ops *const worker_ops_by_kind[WORKER_KIND_COUNT] = {
	[WORKER_VRRP] = &vrrp_worker_ops,
	[WORKER_CHECKER] = &check_worker_ops,
};

static struct vigil_config *load_config(const struct vigild_args *args, bool check_host,
					struct conf_diags *diags)
{
	struct config_load_options opts = { .config_id = args->config_id, .check_host = check_host };

	return vigil_config_load(args->config_file, &opts, diags);
}

/* -t[FILE]: every diagnostic, then 0 when the configuration is usable. */
static int run_config_test(const struct vigild_args *args)
{
	FILE *out = stderr;
	struct conf_diags diags;
	struct vigil_config *cfg;

	if (args->config_test_output && !(out = fopen(args->config_test_output, "w"))) {
		fprintf(stderr, "vigild: cannot write %s: %m\n", args->config_test_output);
		return 1;
	}
	conf_diags_init(&diags);
	cfg = load_config(args, true, &diags);
	conf_diags_print(&diags, out);
	if (out != stderr)
		fclose(out);
	conf_diags_free(&diags);
	vigil_config_free(cfg);
	return cfg ? 0 : 1;
}

/* --dump-config: the parsed configuration as JSON.  No host checks: a
 * configuration written for another machine can be dumped here too. */
static int run_dump_config(const struct vigild_args *args)
{
	struct conf_diags diags;
	struct vigil_config *cfg;
	json_object *json;

	conf_diags_init(&diags);
	cfg = load_config(args, false, &diags);
	conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	if (!cfg)
		return 1;
	json = vigil_config_to_json(cfg);
	puts(json_object_to_json_string_ext(json, JSON_C_TO_STRING_PRETTY
					    | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(json);
	vigil_config_free(cfg);
	return 0;
}

static void init_parent_log(const struct vigild_args *args)
{
	struct log_options opts = {
		.ident = "vigild", .target = args->log_target,
		.facility = args->log_facility, .detail = args->log_detail,
	};

	log_init(&opts);
}

/* Fork into the background: the caller's process exits at once, the child
 * leaves the terminal's session and keeps everything already set up. */
static bool daemonise(void)
{
	pid_t pid = fork();
	int null;

	if (pid < 0) {
		log_error("cannot fork: %m");
		return false;
	}
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/") < 0)
		log_warning("cannot change to /: %m");
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	return true;
}

/* Reports a problem that stops the start both on the terminal and in the log. */
static void start_failure(const struct vigild_args *args, const char *message)
{
	fprintf(stderr, "vigild: %s\n", message);
	if (args->log_target != LOG_TO_CONSOLE)
		log_error("%s", message);
}

static struct vigil_config *load_for_start(const struct vigild_args *args)
{
	struct conf_diags diags;
	struct vigil_config *cfg;

	conf_diags_init(&diags);
	cfg = load_config(args, true, &diags);
	if (!cfg) {
		conf_diags_print(&diags, stderr);
		if (args->log_target != LOG_TO_CONSOLE)
			conf_diags_log(&diags);
		start_failure(args, "the configuration has errors; not starting");
	} else {
		conf_diags_log(&diags);
	}
	conf_diags_free(&diags);
	return cfg;
}

static bool take_pidfile(const struct vigild_args *args, struct pidfile *pf)
{
	char err[512], message[600];
	pid_t holder;

	switch (pidfile_take(pf, args->pid_file, &holder, err, sizeof(err))) {
	case PIDFILE_TAKEN:
		return true;
	case PIDFILE_BUSY:
		snprintf(message, sizeof(message), "vigild is already running (pid %ld)", (long)holder);
		fprintf(stderr, "%s\n", message);
		if (args->log_target != LOG_TO_CONSOLE)
			log_error("%s", message);
		return false;
	case PIDFILE_ERROR:
		break;
	}
	start_failure(args, err);
	return false;
}

/* Forks if asked, records our pid, and runs the parent; the control socket
 * is closed and removed if it never gets that far. */
static int serve(struct vigild_args *args, struct vigil_config *cfg, struct pidfile *pf,
		 int control_fd, const char *socket_path)
{
	char err[512];

	if (!args->dont_fork && !daemonise()) {
		/* daemonise() logged why */
	} else if (!pidfile_write(pf, err, sizeof(err))) {
		start_failure(args, err);
	} else {
		return supervisor_run(args, cfg, control_fd, socket_path);
	}
	close(control_fd);
	unlink(socket_path);
	vigil_config_free(cfg);
	return 1;
}

/* Config, pid file and control socket are all checked before forking, so
 * every reason not to start is reported on the terminal. */
static int run_daemon(struct vigild_args *args)
{
	struct vigil_config *cfg;
	struct pidfile pf;
	char err[512], *socket_path;
	int control_fd, status = 1;

	supervisor_block_signals();
	init_parent_log(args);
	vigild_args_make_paths_absolute(args);
	cfg = load_for_start(args);
	if (!cfg)
		return 1;
	if (!take_pidfile(args, &pf)) {
		vigil_config_free(cfg);
		return 1;
	}
	socket_path = vigild_absolute_path(global_control_socket(cfg->global, args->control_socket));
	control_fd = control_socket_bind(socket_path, err, sizeof(err));
	if (control_fd < 0) {
		start_failure(args, err);
		vigil_config_free(cfg);
	} else {
		status = serve(args, cfg, &pf, control_fd, socket_path);
	}
	free(socket_path);
	pidfile_release(&pf);
	log_finalise();
	return status;
}

static int run_signum(const char *name)
{
	int signum = vigild_signum(name);

	if (signum < 0) {
		fprintf(stderr, "vigild: unknown signal function %s\n", name);
		return 1;
	}
	printf("%d\n", signum);
	return 0;
}

static void apply_process_flags(const struct vigild_args *args)
{
	/* The heap is small objects made and freed all the time (check
	 * attempts by the thousand).  Where transparent huge pages are
	 * "always" (Debian's kernels), touching one byte of a 2 MiB-aligned
	 * stretch of heap makes all 2 MiB resident, and a freed stretch stays
	 * so: measured in Debian's kernel with 10,000 TCP_CHECKs, the parent
	 * carried a 2 MiB page for 0.3 MiB of data.  Inherited by the
	 * workers. */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
		fprintf(stderr, "vigild: warning: cannot opt out of transparent huge pages: %m\n");
	if (args->has_umask)
		umask(args->umask);
	if (args->core_dump) {
		struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_CORE, &unlimited) < 0)
			fprintf(stderr, "vigild: warning: cannot enable core dumps: %m\n");
	}
}

static int run(struct vigild_args *args)
{
	if (args->show_help) {
		vigild_args_usage(stdout);
		return 0;
	}
	if (args->show_version) {
		printf("vigild %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (args->signum)
		return run_signum(args->signum);
	apply_process_flags(args);
	/* A client that hangs up must cost an EPIPE, not the daemon. */
	signal(SIGPIPE, SIG_IGN);
	if (args->is_worker) {
		vrrp_worker_keep_vips_at_stop(args->dont_release_vrrp);
		return worker_main(args, worker_ops_by_kind[args->worker]);
	}
	if (args->config_test)
		return run_config_test(args);
	if (args->dump_config)
		return run_dump_config(args);
	return run_daemon(args);
}

int main(int argc, char **argv)
{
	struct vigild_args args;
	int status = 2;

	if (vigild_args_parse(argc, argv, &args))
		status = run(&args);
	vigild_args_free(&args);
	return status;
}
