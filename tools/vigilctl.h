/* vigilctl: the command-line client of vigild's control socket. */
#ifndef VIGIL_VIGILCTL_H
#define VIGIL_VIGILCTL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses: scripts tell "refused" from "not running" from "broken". */
enum vigilctl_exit {
	VIGILCTL_OK = 0,
	VIGILCTL_REFUSED = 1,        /* the daemon answered no (e.g. reload refused) */
	VIGILCTL_USAGE = 2,
	VIGILCTL_NOT_RUNNING = 3,    /* no socket, or nobody listening */
	VIGILCTL_PROTOCOL = 4,       /* no answer, or an answer we cannot read */
};

/* `vigilctl vrrp ACTION NAME [--hold SECONDS]` (vigilctl_vrrp.c).
 * Builds the request from the words after "vrrp" (`args`, `n` of them)
 * and hold_s (-1: not given); NULL with the usage error printed. */
json_object *vigilctl_vrrp_request(char *const *args, int n, long hold_s);
/* What the daemon did, one line per instance. */
void vigilctl_vrrp_print(json_object *result, FILE *out);

/* `vigilctl real-server drain|enable VS RS` (vigilctl_check.c): the request
 * from the words after "real-server", NULL with the usage error printed;
 * and what the daemon did, one line. */
json_object *vigilctl_real_server_request(char *const *args, int n);
void vigilctl_real_server_print(json_object *result, FILE *out);

/* `vigilctl check [--expect NAME=STATE]...` (vigilctl_nagios.c): a
 * Nagios/Icinga plugin.  Prints one line with perfdata for the status
 * result and returns the plugin code (0 OK, 1 WARNING, 2 CRITICAL). */
struct vigilctl_check_expect {
	char instance[64];
	const char *state;              /* "MASTER", "BACKUP", ... */
};
bool vigilctl_check_parse_expect(const char *text, struct vigilctl_check_expect *out);
int vigilctl_check_evaluate(json_object *status, const struct vigilctl_check_expect *expects,
			    size_t n_expects, FILE *out);
/* The line and code when vigild cannot be asked: CRITICAL when it is not
 * running, UNKNOWN when it answered nothing readable. */
int vigilctl_check_unreachable(bool not_running, FILE *out);

/* `vigilctl events [--type CLASS[,CLASS]]` (vigilctl_events.c): the
 * request (NULL with the usage error printed for an unknown class), and
 * the loop printing each event line until interrupted; returns the exit
 * status. */
json_object *vigilctl_events_request(const char *types);
int vigilctl_events_run(const char *socket_path, json_object *request);
/* A connected control socket, or -1 with the reason printed (vigilctl.c). */
int vigilctl_connect(const char *path);

/* The readable form of a status result (vigilctl_status.c). */
void vigilctl_print_status(json_object *result, FILE *out);

/* `vigilctl genhash ...` (vigilctl_genhash.c): argv[0] is "genhash"; runs
 * without vigild and returns the exit status. */
int vigilctl_genhash(int argc, char **argv);

#endif
