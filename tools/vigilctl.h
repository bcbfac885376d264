/* vigilctl: the command-line client of vigild's control socket. */
#ifndef VIGIL_VIGILCTL_H
#define VIGIL_VIGILCTL_H

#include <json-c/json.h>
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

/* The readable form of a status result (vigilctl_status.c). */
void vigilctl_print_status(json_object *result, FILE *out);

#endif
