/* The checker process's runtime: one object per virtual server, real
 * server and checker, built from the configuration; checks scheduled on
 * the loop (check_sched.h decides), real server and quorum states, notify
 * scripts, the wanted IPVS table handed to check_ipvs after every change,
 * the operator's drain/enable, and the status JSON.
 *
 * Reload is a diff: a virtual server (by address/port/protocol, fwmark or
 * group), a real server (by address and port) and a checker (by its whole
 * configuration, effective settings included) that are still there keep
 * their state and timers; a checker whose configuration changed restarts;
 * removed ones stop.  Drains survive reloads but not restarts. */
#ifndef VIGIL_CHECK_RUNTIME_H
#define VIGIL_CHECK_RUNTIME_H

#include "vigil_config.h"

#include <json-c/json.h>
#include <uv.h>

struct check_runtime;

/* Opens IPVS (check_ipvs_new), builds everything and schedules the first
 * checks; the initial IPVS table is wanted at once. */
struct check_runtime *check_runtime_new(uv_loop_t *loop, const struct vigil_config *cfg);
void check_runtime_reload(struct check_runtime *rt, const struct vigil_config *cfg);
/* {"virtual_servers":[...],"ipvs":{...}} */
json_object *check_runtime_status(struct check_runtime *rt);
/* {"command":"real_server","action":"drain"|"enable","virtual_server":S,
 *  "real_server":S}: the whole response (ctl_response_ok/error). */
json_object *check_runtime_command(struct check_runtime *rt, json_object *request);
/* Stops the checks, runs omega's down notifiers, removes vigil's services
 * (check_ipvs_close) and frees everything; handles close on the loop. */
void check_runtime_free(struct check_runtime *rt);

#endif
