/* The vrrp_script tracker: runs one configured vrrp_script every
 * `interval` through lib/script_run and turns its results into a state,
 * with keepalived's rise/fall hysteresis.
 *
 *  - exit status 0 is a success; any other status, a signal, a timeout or a
 *    failure to start is a failure;
 *  - the state starts INIT (DOWN with init_fail); from INIT the first
 *    result decides, so an instance learns its tracking quickly at start;
 *    afterwards `rise` successes in a row are needed to go UP and `fall`
 *    failures in a row to go DOWN;
 *  - runs never overlap: when the interval comes while the previous run
 *    is still going, that tick is skipped and counted;
 *  - the first run is jittered (up to half the interval, at most
 *    VRRP_SCRIPT_JITTER_MAX_US) so scripts configured together do not all
 *    fork at the same instant.
 *
 * `weight` and `reverse` are the caller's business: the tracker only says
 * UP, DOWN or INIT, and calls back on every change with the reason and
 * the run that decided it. */
#ifndef VIGIL_VRRP_SCRIPT_RUN_H
#define VIGIL_VRRP_SCRIPT_RUN_H

#include "script_run.h"
#include "vrrp/vrrp_conf.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#define VRRP_SCRIPT_JITTER_MAX_US 500000ULL
/* Output kept from each run, for the log line when the state changes. */
#define VRRP_SCRIPT_CAPTURE_MAX 256U

enum vrrp_script_state {
	VRRP_SCRIPT_INIT,           /* no result yet */
	VRRP_SCRIPT_UP,
	VRRP_SCRIPT_DOWN,
	VRRP_SCRIPT_STATE_COUNT
};
/* "INIT", "UP", "DOWN". */
extern const char *const vrrp_script_state_names[VRRP_SCRIPT_STATE_COUNT];

/* Why the tracker is in its state. */
enum vrrp_script_reason {
	VRRP_SCRIPT_REASON_NONE,            /* INIT, nothing happened yet */
	VRRP_SCRIPT_REASON_INIT_FAIL,       /* started DOWN because of init_fail */
	VRRP_SCRIPT_REASON_FIRST_RESULT,    /* INIT -> UP/DOWN on the first run */
	VRRP_SCRIPT_REASON_ROSE,            /* `rise` successes in a row */
	VRRP_SCRIPT_REASON_FELL,            /* `fall` failures in a row */
	VRRP_SCRIPT_REASON_COUNT
};
extern const char *const vrrp_script_reason_names[VRRP_SCRIPT_REASON_COUNT];

const char *vrrp_script_state_name(enum vrrp_script_state state);
const char *vrrp_script_reason_name(enum vrrp_script_reason reason);

/* The hysteresis alone, as a pure value type (what the tracker uses). */
struct vrrp_script_hysteresis {
	enum vrrp_script_state state;
	enum vrrp_script_reason reason;     /* of the current state */
	unsigned rise, fall;                /* 0 is taken as 1 */
	unsigned successes_in_row, failures_in_row;
};
void vrrp_script_hysteresis_init(struct vrrp_script_hysteresis *h, unsigned rise, unsigned fall,
				 bool init_fail);
/* Feeds one result; true when the state changed (h->reason says why). */
bool vrrp_script_hysteresis_step(struct vrrp_script_hysteresis *h, bool success);

struct vrrp_script_stats {
	uint64_t runs;                      /* completed runs */
	uint64_t successes, failures;
	uint64_t timeouts, spawn_failures;  /* among the failures */
	uint64_t skipped;                   /* ticks that found the last run still going */
	uint64_t transitions;
	bool has_last;
	struct script_result last;          /* output fields cleared */
};

struct vrrp_script_change {
	enum vrrp_script_state from, to;
	enum vrrp_script_reason reason;
	const struct script_result *result;   /* the run that decided */
};

struct vrrp_script_tracker;
typedef void vrrp_script_change_cb(struct vrrp_script_tracker *tracker,
				   const struct vrrp_script_change *change, void *arg);

struct vrrp_script_tracker_options {
	uid_t uid;                          /* run as (from the script's user, */
	gid_t gid;                          /*  else script_user) */
	bool set_user;                      /* false: as the daemon's own user */
	vrrp_script_change_cb *changed;     /* may be NULL */
	void *arg;
};

/* Builds a tracker in INIT (DOWN with init_fail); nothing runs until
 * start.  What it needs from `conf` is copied.  NULL (logged) when the
 * command line cannot be split. */
struct vrrp_script_tracker *vrrp_script_tracker_new(uv_loop_t *loop, struct script_runner *runner,
						    const struct vrrp_script_config *conf,
						    const struct vrrp_script_tracker_options *opts);
void vrrp_script_tracker_start(struct vrrp_script_tracker *t);
/* Stops running the script (a run in progress is killed); the state is
 * kept.  start() resumes. */
void vrrp_script_tracker_stop(struct vrrp_script_tracker *t);
/* Stops, then frees once libuv has closed the timer. */
void vrrp_script_tracker_free(struct vrrp_script_tracker *t);

const char *vrrp_script_tracker_name(const struct vrrp_script_tracker *t);
enum vrrp_script_state vrrp_script_tracker_state(const struct vrrp_script_tracker *t);
enum vrrp_script_reason vrrp_script_tracker_reason(const struct vrrp_script_tracker *t);
const struct vrrp_script_stats *vrrp_script_tracker_stats(const struct vrrp_script_tracker *t);

/* {"name", "state", "reason", "rise", "fall", "runs", "successes",
 *  "failures", "timeouts", "spawn_failures", "skipped", "last": {...}}
 * for `vigilctl status --json`. */
json_object *vrrp_script_tracker_status_json(const struct vrrp_script_tracker *t);

#endif
