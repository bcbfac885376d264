/* vrrp_track_process: whether enough (and not too many) processes that
 * match a pattern are running.
 *
 * keepalived learns of forks, execs and exits from the kernel's process
 * events connector, which needs CAP_NET_ADMIN and a netlink multicast
 * group of its own.  vigil scans /proc on a libuv timer instead, every
 * VRRP_TRACK_PROCESS_SCAN_MS by default: simpler, unprivileged, and the
 * scan reads one small file per process (plus cmdline only when some
 * tracker matches command lines), at the price of noticing a change up to
 * one interval late.  One scan serves every tracker.
 *
 * Matching, as keepalived.conf(5) describes it (never a regular
 * expression, never a substring):
 *  - `process NAME` alone: NAME equals the process name (/proc/PID/comm,
 *    which the kernel cuts to 15 characters, so NAME is compared on its
 *    first 15 too);
 *  - with parameters, param_match or full_command: the command line is
 *    used; its first word must equal NAME, then the parameters:
 *      no parameters and no param_match: any parameters;
 *      exact (parameters given, or a bare `param_match`): the same
 *        parameters, no more, no fewer;
 *      param_match initial: the same count, the last configured one may be
 *        a prefix of the process's;
 *      param_match partial: the configured ones are the first ones, more
 *        may follow.
 * Zombies do not count.  The tracker is up when quorum <= matches <=
 * quorum_max; becoming up waits fork_delay and becoming down waits
 * terminate_delay, cancelled if the count goes back in the meantime. */
#ifndef VIGIL_VRRP_TRACK_PROCESS_H
#define VIGIL_VRRP_TRACK_PROCESS_H

#include "vrrp/vrrp_conf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define VRRP_TRACK_PROCESS_SCAN_MS 1000
/* The kernel keeps this many characters of a process name. */
#define VRRP_TRACK_PROCESS_COMM_MAX 15

/* Whether `conf` needs the command line, not only the process name. */
bool vrrp_track_process_uses_cmdline(const struct vrrp_track_process_config *conf);

/* Whether a process matches.  `argv`/`argc` is its command line (argc 0:
 * none, as for kernel threads); it is only looked at when
 * vrrp_track_process_uses_cmdline(conf). */
bool vrrp_track_process_matches(const struct vrrp_track_process_config *conf, const char *comm,
				const char *const *argv, size_t argc);

/* quorum <= count <= quorum_max */
bool vrrp_track_process_quorum_met(const struct vrrp_track_process_config *conf, uint32_t count);

/* A tracker's state as reported. */
struct vrrp_track_process_state {
	const char *name;
	bool up;
	uint32_t count;                 /* matching processes at the last scan */
};

/* Called when a tracker goes up or down (after its delay). */
typedef void vrrp_track_process_cb(void *data, const struct vrrp_track_process_state *st);

struct vrrp_track_process_options {
	uint64_t scan_interval_ms;      /* 0: VRRP_TRACK_PROCESS_SCAN_MS */
	const char *proc_root;          /* NULL: "/proc" (tests use a fake tree) */
};

struct vrrp_track_process_monitor;

/* Watches every struct vrrp_track_process_config in `configs` (copied).
 * The first scan is done before returning and sets the initial states
 * with no delay and no callback.  `opts` may be NULL.  NULL on failure,
 * with *err (if not NULL) a negative errno. */
struct vrrp_track_process_monitor *
vrrp_track_process_monitor_start(uv_loop_t *loop, const struct ptr_array *configs,
				 const struct vrrp_track_process_options *opts,
				 vrrp_track_process_cb *cb, void *data, int *err);

/* A tracker's state (NULL: no such name). */
const struct vrrp_track_process_state *
vrrp_track_process_monitor_find(const struct vrrp_track_process_monitor *mon, const char *name);

/* Scans now (also done by the timer).  0, or a negative errno when /proc
 * cannot be read (the states are then left as they were). */
int vrrp_track_process_monitor_scan(struct vrrp_track_process_monitor *mon);

/* Stops; no callback after this returns.  Memory is released once libuv
 * has closed the timers (a loop iteration). */
void vrrp_track_process_monitor_stop(struct vrrp_track_process_monitor *mon);

#endif
