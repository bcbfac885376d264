/* The checker worker's MIB: KEEPALIVED-MIB's checker part
 * (virtualServerGroupTable, virtualServerGroupMemberTable,
 * virtualServerTable, realServerTable) with the realServerStateChange
 * and virtualServerQuorumStateChange notifications, and realServerWeight
 * writable.
 *
 * The worker hands over a view function (checker/check_snmp_view.c) that
 * describes every virtual and real server as plain values: their
 * configuration (pointers valid during the call only) and what the
 * runtime knows now.  The tables are built from it on demand
 * (snmp_snap.h).  Virtual servers are numbered from 1 in configuration
 * order, their real servers from 1 in configuration order with the sorry
 * server last, as `vigilctl status` lists them; a reload that inserts one
 * renumbers the ones after it. */
#ifndef VIGIL_SNMP_CHECKER_H
#define VIGIL_SNMP_CHECKER_H

#include "checker/check_conf.h"
#include "daemon/global_conf.h"
#include "lvs/lvs.h"
#include "snmp/snmp_write.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct snmp_checker_rs {
	const struct check_rs_config *cfg;
	bool sorry;
	bool alive;                         /* real: its checks say up; sorry: in service */
	int64_t weight;                     /* now (operator's or configured, dynamic moves) */
	bool inhibit;                       /* inhibit_on_failure, inherited */
	const struct check_fwd *fwd;        /* inherited */
	/* Its settings over the virtual server's and the built-in defaults;
	 * `set`: what the file gave at this level or above (CHECK_SET_*). */
	struct check_defaults eff;
	bool smtp_alert;                    /* whether its changes send mail */
	unsigned checkers_down;
	bool stats_known;                   /* IPVS counters, summed over services */
	struct lvs_dest_stats stats;
};

struct snmp_checker_vs {
	const struct check_vs_config *cfg;
	struct check_defaults eff;          /* the same, for the virtual server */
	bool installed;                     /* every kernel service it stands for is in IPVS */
	bool quorum_ok;
	bool smtp_alert;
	unsigned rs_total, rs_up;           /* real servers (the sorry server not counted) */
	struct snmp_checker_rs *rss;        /* real servers, then the sorry server */
	size_t nrs;
};

struct snmp_checker_view {
	const struct global_config *g;      /* lvs_sync_daemon, lvs_timeouts */
	const struct check_config *cc;      /* the groups */
	struct snmp_checker_vs *vss;
	size_t nvs;
};

/* Fills `out` (all of it, or only virtual server `only` when it is not
 * SIZE_MAX: the others stay empty).  snmp_checker_view_clear frees it. */
typedef void snmp_checker_view_fn(void *data, struct snmp_checker_view *out, size_t only);
void snmp_checker_view_clear(struct snmp_checker_view *v);

/* realServerWeight, positions from 0: whether the row exists and takes
 * the weight (0 .. INT32_MAX, checked before), and applying it
 * (*old: the weight it replaced). */
struct snmp_checker_ops {
	snmp_checker_view_fn *view;
	enum snmp_write_verdict (*weight_check)(void *data, size_t vs, size_t rs, long weight);
	enum snmp_write_verdict (*weight_apply)(void *data, size_t vs, size_t rs, long weight,
						long *old);
};

/* Whether global_defs asks the checker worker for SNMP. */
bool snmp_checker_wanted(const struct global_config *g);

struct snmp_checker;
struct snmp_checker *snmp_checker_start(uv_loop_t *loop, const struct global_config *g,
					const struct snmp_checker_ops *ops, void *data);
/* Follows a reload: tables and traps as global_defs says now. */
void snmp_checker_reload(struct snmp_checker *sc, const struct global_config *g);
void snmp_checker_stop(struct snmp_checker *sc);

/* realServerStateChange for real server `rs` (from 0) of virtual server
 * `vs` (from 0), and virtualServerQuorumStateChange; `v` holds that
 * virtual server (filled with `only` = vs).  Sent when enable_traps. */
void snmp_checker_rs_trap(struct snmp_checker *sc, const struct snmp_checker_view *v, size_t vs,
			  size_t rs);
void snmp_checker_quorum_trap(struct snmp_checker *sc, const struct snmp_checker_view *v,
			      size_t vs);

#endif
