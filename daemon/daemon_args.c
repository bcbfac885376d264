#include "config.h"
#include "daemon/daemon_args.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *const worker_kind_names[WORKER_KIND_COUNT] = {
	[WORKER_VRRP] = "vrrp",
	[WORKER_CHECKER] = "checker",
};

/* Long-only options get codes above the character range. */
enum {
	OPT_CONTROL_SOCKET = 256, OPT_DUMP_CONFIG, OPT_WORKER, OPT_SIGNUM,
	OPT_ALL, OPT_FLUSH_LOG_FILE, OPT_PERF, OPT_DEBUG, OPT_NO_MEM_CHECK,
};

static const char short_options[] = "f:PCBlDS:g:GXVIRndp:r:Tc:ab:s:ei:xA:u:mM::t::vh";

static const struct option long_options[] = {
	{ "use-file", required_argument, NULL, 'f' },
	{ "vrrp", no_argument, NULL, 'P' },
	{ "check", no_argument, NULL, 'C' },
	{ "no_bfd", no_argument, NULL, 'B' },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "log-console", no_argument, NULL, 'l' },
	{ "log-detail", no_argument, NULL, 'D' },
	{ "log-facility", required_argument, NULL, 'S' },
	{ "log-file", required_argument, NULL, 'g' },
	{ "flush-log-file", no_argument, NULL, OPT_FLUSH_LOG_FILE },
	{ "no-syslog", no_argument, NULL, 'G' },
	{ "release-vips", no_argument, NULL, 'X' },
	{ "dont-release-vrrp", no_argument, NULL, 'V' },
	{ "dont-release-ipvs", no_argument, NULL, 'I' },
	{ "dont-respawn", no_argument, NULL, 'R' },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "dump-conf", no_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "vrrp_pid", required_argument, NULL, 'r' },
	{ "genhash", no_argument, NULL, 'T' },
	{ "checkers_pid", required_argument, NULL, 'c' },
	{ "address-monitoring", no_argument, NULL, 'a' },
	{ "bfd_pid", required_argument, NULL, 'b' },
	{ "namespace", required_argument, NULL, 's' },
	{ "all-config", no_argument, NULL, 'e' },
	{ "config-id", required_argument, NULL, 'i' },
	{ "snmp", no_argument, NULL, 'x' },
	{ "snmp-agent-socket", required_argument, NULL, 'A' },
	{ "umask", required_argument, NULL, 'u' },
	{ "core-dump", no_argument, NULL, 'm' },
	{ "core-dump-pattern", optional_argument, NULL, 'M' },
	{ "signum", required_argument, NULL, OPT_SIGNUM },
	{ "config-test", optional_argument, NULL, 't' },
	{ "perf", optional_argument, NULL, OPT_PERF },
	{ "debug", optional_argument, NULL, OPT_DEBUG },
	{ "no-mem-check", no_argument, NULL, OPT_NO_MEM_CHECK },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "control-socket", required_argument, NULL, OPT_CONTROL_SOCKET },
	{ "dump-config", no_argument, NULL, OPT_DUMP_CONFIG },
	{ "worker", required_argument, NULL, OPT_WORKER },
	{ NULL, 0, NULL, 0 },
};

/* keepalived flags vigil accepts but does not act on yet: each is harmless
 * to ignore (logging variants, debugging aids, features not built yet). */
static const struct {
	int code;
	const char *name;
} unsupported_flags[] = {
	{ 'B', "-B/--no_bfd" }, { OPT_ALL, "--all" }, { 'g', "-g/--log-file" },
	{ OPT_FLUSH_LOG_FILE, "--flush-log-file" }, { 'G', "-G/--no-syslog" },
	{ 'X', "-X/--release-vips" },
	{ 'R', "-R/--dont-respawn" },
	{ 'd', "-d/--dump-conf (use --dump-config)" }, { 'a', "-a/--address-monitoring" },
	{ 'b', "-b/--bfd_pid" }, { 'e', "-e/--all-config" }, { 'x', "-x/--snmp" },
	{ 'A', "-A/--snmp-agent-socket" }, { 'M', "-M/--core-dump-pattern" },
	{ OPT_PERF, "--perf" }, { OPT_DEBUG, "--debug" }, { OPT_NO_MEM_CHECK, "--no-mem-check" },
};

/* Flags whose meaning vigil cannot honour by ignoring them. */
static const struct {
	int code;
	const char *message;
} refused_flags[] = {
	{ 'T', "-T/--genhash is not supported by vigil" },
	{ 's', "-s/--namespace is not supported by vigil yet; run vigild under `ip netns exec NAME`" },
};

static bool process_dont_release_ipvs;

bool vigild_dont_release_ipvs(void)
{
	return process_dont_release_ipvs;
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

static void args_init(struct vigild_args *args)
{
	memset(args, 0, sizeof(*args));
	args->log_target = LOG_TO_SYSLOG;
	args->log_facility = LOG_DAEMON;
	replace(&args->pid_file, VIGILD_PID_DEFAULT);
	replace(&args->worker_pid_file[WORKER_VRRP], VIGILD_VRRP_PID_DEFAULT);
	replace(&args->worker_pid_file[WORKER_CHECKER], VIGILD_CHECKER_PID_DEFAULT);
}

/* -S takes keepalived's forms: 0-7, local0-local7, user, daemon. */
static bool parse_facility(const char *text, int *facility)
{
	const char *digits = text;

	if (strcasecmp(text, "user") == 0) {
		*facility = LOG_USER;
		return true;
	}
	if (strcasecmp(text, "daemon") == 0) {
		*facility = LOG_DAEMON;
		return true;
	}
	if (strncasecmp(text, "local", 5) == 0)
		digits = text + 5;
	if (digits[0] < '0' || digits[0] > '7' || digits[1] != '\0')
		return false;
	*facility = log_facility_from_number(digits[0] - '0');
	return true;
}

static bool parse_umask(const char *text, mode_t *mask)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno || end == text || *end || v > 0777)
		return false;
	*mask = (mode_t)v;
	return true;
}

static bool parse_worker_kind(const char *text, enum worker_kind *kind)
{
	for (int i = 0; i < WORKER_KIND_COUNT; i++)
		if (strcmp(text, worker_kind_names[i]) == 0) {
			*kind = (enum worker_kind)i;
			return true;
		}
	return false;
}

/* Returns false for a flag vigil refuses; warns about ignored ones. */
static bool check_unsupported(int code)
{
	for (size_t i = 0; i < sizeof(refused_flags) / sizeof(refused_flags[0]); i++)
		if (refused_flags[i].code == code) {
			fprintf(stderr, "vigild: %s\n", refused_flags[i].message);
			return false;
		}
	for (size_t i = 0; i < sizeof(unsupported_flags) / sizeof(unsupported_flags[0]); i++)
		if (unsupported_flags[i].code == code) {
			fprintf(stderr, "vigild: warning: %s is not supported by vigil yet; ignored\n",
				unsupported_flags[i].name);
			return true;
		}
	return false;
}

/* One flag that needs a value checked; false on a bad value. */
static bool apply_valued(struct vigild_args *args, int code, const char *arg)
{
	switch (code) {
	case 'S':
		if (!parse_facility(arg, &args->log_facility)) {
			fprintf(stderr, "vigild: -S: invalid log facility \"%s\" "
				"(expected 0-7, local0-local7, user or daemon)\n", arg);
			return false;
		}
		replace(&args->log_facility_arg, arg);
		return true;
	case 'u':
		if (!parse_umask(arg, &args->umask)) {
			fprintf(stderr, "vigild: -u: invalid umask \"%s\" (expected 0-0777)\n", arg);
			return false;
		}
		args->has_umask = true;
		return true;
	case OPT_WORKER:
		if (!parse_worker_kind(arg, &args->worker)) {
			fprintf(stderr, "vigild: --worker: unknown worker \"%s\"\n", arg);
			return false;
		}
		args->is_worker = true;
		return true;
	}
	return false;
}

static bool apply_option(struct vigild_args *args, int code, const char *arg)
{
	switch (code) {
	case 'f': replace(&args->config_file, arg); return true;
	case 'i': replace(&args->config_id, arg); return true;
	case 'p': replace(&args->pid_file, arg); return true;
	case 'r': replace(&args->worker_pid_file[WORKER_VRRP], arg); return true;
	case 'c': replace(&args->worker_pid_file[WORKER_CHECKER], arg); return true;
	case OPT_CONTROL_SOCKET: replace(&args->control_socket, arg); return true;
	case 'P': args->only[WORKER_VRRP] = true; return true;
	case 'C': args->only[WORKER_CHECKER] = true; return true;
	case 'l': args->log_target = LOG_TO_CONSOLE; return true;
	case 'D': args->log_detail = true; return true;
	case 'n': args->dont_fork = true; return true;
	case 'I': args->dont_release_ipvs = true; return true;
	case 'V': args->dont_release_vrrp = true; return true;
	case 'm': args->core_dump = true; return true;
	case 't':
		args->config_test = true;
		replace(&args->config_test_output, arg);
		return true;
	case OPT_DUMP_CONFIG: args->dump_config = true; return true;
	case OPT_SIGNUM: replace(&args->signum, arg); return true;
	case 'v': args->show_version = true; return true;
	case 'h': args->show_help = true; return true;
	case 'S': case 'u': case OPT_WORKER:
		return apply_valued(args, code, arg);
	}
	return check_unsupported(code);
}

static void resolve_default_config(struct vigild_args *args)
{
	if (args->config_file)
		return;
	if (access(VIGILD_CONFIG_DEFAULT, F_OK) == 0 || access(VIGILD_CONFIG_KEEPALIVED, F_OK) != 0)
		replace(&args->config_file, VIGILD_CONFIG_DEFAULT);
	else
		replace(&args->config_file, VIGILD_CONFIG_KEEPALIVED);
}

bool vigild_args_parse(int argc, char **argv, struct vigild_args *args)
{
	int code;

	args_init(args);
	opterr = 0;
	optind = 1;
	while ((code = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (code == '?' || code == ':') {
			fprintf(stderr, "vigild: invalid option or missing value: %s "
				"(try vigild --help)\n", argv[optind - 1]);
			return false;
		}
		if (!apply_option(args, code, optarg))
			return false;
	}
	if (optind < argc) {
		fprintf(stderr, "vigild: unexpected argument \"%s\" (try vigild --help)\n", argv[optind]);
		return false;
	}
	resolve_default_config(args);
	process_dont_release_ipvs = args->dont_release_ipvs;
	return true;
}

void vigild_args_free(struct vigild_args *args)
{
	free(args->config_file);
	free(args->config_id);
	free(args->pid_file);
	for (int i = 0; i < WORKER_KIND_COUNT; i++)
		free(args->worker_pid_file[i]);
	free(args->control_socket);
	free(args->log_facility_arg);
	free(args->config_test_output);
	free(args->signum);
	memset(args, 0, sizeof(*args));
}

char *vigild_absolute_path(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", path);
}

static void make_absolute(char **path)
{
	char *abs;

	if (!*path)
		return;
	abs = vigild_absolute_path(*path);
	free(*path);
	*path = abs;
}

void vigild_args_make_paths_absolute(struct vigild_args *args)
{
	make_absolute(&args->config_file);
	make_absolute(&args->pid_file);
	for (int i = 0; i < WORKER_KIND_COUNT; i++)
		make_absolute(&args->worker_pid_file[i]);
	make_absolute(&args->control_socket);
}

char **vigild_args_worker_argv(const struct vigild_args *args, const char *exe,
			       enum worker_kind kind)
{
	char **argv = xcalloc(16, sizeof(*argv));
	int n = 0;

	argv[n++] = xstrdup(exe);
	argv[n++] = xasprintf("--worker=%s", worker_kind_names[kind]);
	argv[n++] = xstrdup("--dont-fork");
	argv[n++] = xasprintf("--use-file=%s", args->config_file);
	if (args->config_id)
		argv[n++] = xasprintf("--config-id=%s", args->config_id);
	if (args->log_target == LOG_TO_CONSOLE)
		argv[n++] = xstrdup("--log-console");
	if (args->log_detail)
		argv[n++] = xstrdup("--log-detail");
	if (args->log_facility_arg)
		argv[n++] = xasprintf("--log-facility=%s", args->log_facility_arg);
	argv[n++] = xasprintf(kind == WORKER_VRRP ? "--vrrp_pid=%s" : "--checkers_pid=%s",
			      args->worker_pid_file[kind]);
	if (kind == WORKER_CHECKER && args->dont_release_ipvs)
		argv[n++] = xstrdup("--dont-release-ipvs");
	if (kind == WORKER_VRRP && args->dont_release_vrrp)
		argv[n++] = xstrdup("--dont-release-vrrp");
	argv[n] = NULL;
	return argv;
}

void vigild_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

void vigild_args_usage(FILE *out)
{
	fputs("Usage: vigild [OPTION]...\n"
	      "High-availability daemon (VRRP and IPVS health checks), keepalived-compatible.\n"
	      "\n"
	      "  -f, --use-file=FILE        configuration file (default " VIGILD_CONFIG_DEFAULT ",\n"
	      "                             else " VIGILD_CONFIG_KEEPALIVED ")\n"
	      "  -P, --vrrp                 run only the VRRP worker\n"
	      "  -C, --check                run only the checker worker\n"
	      "  -n, --dont-fork            stay in the foreground\n"
	      "  -l, --log-console          log to stderr instead of syslog\n"
	      "  -D, --log-detail           log debug detail too\n"
	      "  -S, --log-facility=N       syslog facility LOCAL N (0-7), or user, daemon\n"
	      "  -p, --pid=FILE             parent pid file (default " VIGILD_PID_DEFAULT ")\n"
	      "  -r, --vrrp_pid=FILE        VRRP worker pid file (default " VIGILD_VRRP_PID_DEFAULT ")\n"
	      "  -c, --checkers_pid=FILE    checker worker pid file\n"
	      "                             (default " VIGILD_CHECKER_PID_DEFAULT ")\n"
	      "  -i, --config-id=ID         configuration id for @ID lines (default: host name)\n"
	      "  -t, --config-test[=FILE]   check the configuration, report to stderr (or FILE)\n"
	      "      --dump-config          print the parsed configuration as JSON\n"
	      "      --control-socket=PATH  control socket (default /run/vigil/vigild.sock)\n"
	      "  -u, --umask=MASK           file creation mask\n"
	      "  -m, --core-dump            allow core dumps\n"
	      "  -I, --dont-release-ipvs    leave the IPVS virtual servers in the kernel at stop\n"
	      "  -V, --dont-release-vrrp    leave the masters' VIPs, routes and rules at stop\n"
	      "      --signum=NAME          print the signal number for STOP, RELOAD, DATA,\n"
	      "                             STATS, STATS_CLEAR or JSON\n"
	      "  -v, --version              print the version\n"
	      "  -h, --help                 print this help\n"
	      "\n"
	      "Signals: HUP reloads the configuration, TERM or INT stops.\n"
	      "Other keepalived flags are accepted with a warning when ignoring them is harmless.\n",
	      out);
}

int vigild_signum(const char *name)
{
	/* The numbers keepalived uses for its signal functions. */
	if (strcasecmp(name, "STOP") == 0)
		return SIGTERM;
	if (strcasecmp(name, "RELOAD") == 0)
		return SIGHUP;
	if (strcasecmp(name, "DATA") == 0)
		return SIGUSR1;
	if (strcasecmp(name, "STATS") == 0)
		return SIGUSR2;
	if (strcasecmp(name, "STATS_CLEAR") == 0)
		return SIGRTMAX - 1;
	if (strcasecmp(name, "JSON") == 0)
		return SIGRTMIN + 2;
	return -1;
}
