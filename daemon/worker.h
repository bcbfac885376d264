/* What every worker process (vrrp, checker) shares: it is vigild re-executed
 * with --worker=KIND, loads the configuration itself, holds its own pid
 * file, runs its own libuv loop, and talks to the parent over fd 3 in the
 * control protocol (lib/ctl_proto.h):
 *
 *   parent -> worker   {"command":"status"|"reload"|"stop","id":N}
 *   worker -> parent   {"id":N,"ok":true,"result":{...}} or {"id":N,"ok":false,"error":...}
 *                      {"event":"ready","pid":N} once, when started
 *                      {"event":"state","data":EVENT} a state change for
 *                      `vigilctl events` (lib/vigil_event.h; the protocol
 *                      code calls vigil_event_emit, the worker forwards)
 *   parent -> worker   {"command":"events","on":BOOL,"id":N} whether anyone
 *                      subscribes; on from start until told otherwise
 *
 * The protocol-specific part is a struct worker_ops. */
#ifndef VIGIL_WORKER_H
#define VIGIL_WORKER_H

#include "daemon/daemon_args.h"
#include "vigil_config.h"

#include <json-c/json.h>
#include <uv.h>

/* The worker's end of the channel to the parent. */
#define WORKER_IPC_FD 3
/* Exit status of a worker whose configuration failed to load (EX_CONFIG):
 * restarting it would fail the same way, so the parent does not. */
#define WORKER_EXIT_CONFIG 78

/* A worker's protocol part.  The configuration passed in stays valid until
 * the next reload() or stop(): state must not keep pointers into an older one. */
struct worker_ops {
	enum worker_kind kind;
	/* Builds the runtime; returns its state (may be NULL). */
	void *(*start)(uv_loop_t *loop, const struct vigil_config *cfg);
	/* Moves the runtime to a new, already validated configuration. */
	void (*reload)(void *state, const struct vigil_config *cfg);
	/* The worker's part of `vigilctl status`. */
	json_object *(*status)(void *state, const struct vigil_config *cfg);
	/* Any other command (e.g. "vrrp"); returns the whole response
	 * (ctl_response_ok / ctl_response_error).  NULL: none. */
	json_object *(*command)(void *state, json_object *request);
	/* Tears the runtime down; closes its handles. */
	void (*stop)(void *state);
};

/* Runs a worker until the parent stops it or goes away; returns the exit
 * status (0, WORKER_EXIT_CONFIG, or 1 when it could not start). */
int worker_main(const struct vigild_args *args, const struct worker_ops *ops);

#endif
