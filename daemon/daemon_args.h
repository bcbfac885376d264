/* vigild's command line: keepalived's flags with keepalived's meaning where
 * vigil implements them, a warning for the harmless ones it does not, and a
 * clear error for those it cannot honour.  The parent also builds its
 * workers' command lines here, so both ends agree on the flags. */
#ifndef VIGIL_DAEMON_ARGS_H
#define VIGIL_DAEMON_ARGS_H

#include "log.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* The worker processes, in the order they are started. */
enum worker_kind { WORKER_VRRP, WORKER_CHECKER, WORKER_KIND_COUNT };
extern const char *const worker_kind_names[WORKER_KIND_COUNT];

#define VIGILD_CONFIG_DEFAULT "/etc/vigil/vigil.conf"
#define VIGILD_CONFIG_KEEPALIVED "/etc/keepalived/keepalived.conf"
#define VIGILD_PID_DEFAULT "/run/vigild.pid"
#define VIGILD_VRRP_PID_DEFAULT "/run/vigild_vrrp.pid"
#define VIGILD_CHECKER_PID_DEFAULT "/run/vigild_checker.pid"

struct vigild_args {
	char *config_file;              /* -f; default resolved by the parser */
	char *config_id;                /* -i; NULL: the short host name */
	char *pid_file;                 /* -p */
	char *worker_pid_file[WORKER_KIND_COUNT];  /* -r, -c */
	char *control_socket;           /* --control-socket; NULL: config, then default */

	enum log_target log_target;     /* -l: console, else syslog */
	bool log_detail;                /* -D */
	int log_facility;               /* -S */
	char *log_facility_arg;         /* -S as given, handed on to the workers */

	bool dont_fork;                 /* -n */
	bool dont_release_ipvs;         /* -I: leave the IPVS table at stop */
	bool dont_release_vrrp;         /* -V: leave VIPs, routes and rules at stop */
	bool only[WORKER_KIND_COUNT];   /* -P, -C: run only these workers */
	bool has_umask;                 /* -u */
	mode_t umask;
	bool core_dump;                 /* -m */

	bool config_test;               /* -t[FILE] */
	char *config_test_output;       /* NULL: stderr */
	bool dump_config;               /* --dump-config */
	bool show_version, show_help;
	char *signum;                   /* --signum=NAME */

	bool is_worker;                 /* --worker=KIND (internal) */
	enum worker_kind worker;
};

/* Parses argv into *args (which it initialises).  Problems are printed to
 * stderr; returns false on a usage error. */
bool vigild_args_parse(int argc, char **argv, struct vigild_args *args);
void vigild_args_free(struct vigild_args *args);

/* Makes every path absolute (the daemon changes to "/" and its workers
 * must find the same files). */
void vigild_args_make_paths_absolute(struct vigild_args *args);
/* `path` relative to the current directory made absolute, malloc'd. */
char *vigild_absolute_path(const char *path);

/* The command line of a worker: `exe` --worker=KIND plus the flags that
 * matter to it.  NULL-terminated, free with vigild_argv_free. */
char **vigild_args_worker_argv(const struct vigild_args *args, const char *exe,
			       enum worker_kind kind);
void vigild_argv_free(char **argv);

/* -I as the last vigild_args_parse in this process saw it.  The checker
 * worker reads it at stop: the worker interface (daemon/worker.h) hands a
 * runtime only its configuration, and -I is a property of the process. */
bool vigild_dont_release_ipvs(void);

void vigild_args_usage(FILE *out);
/* --signum=NAME: the signal number for a keepalived signal function
 * (STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON); -1 if unknown. */
int vigild_signum(const char *name);

#endif
