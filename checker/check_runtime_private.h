/* The runtime objects shared by check_runtime.c (build, reload, IPVS
 * table), check_rs.c (checks and real server state), check_vs.c (quorum,
 * sorry server, ha_suspend) and check_status.c (JSON, manual control).
 * Not for use outside checker/. */
#ifndef VIGIL_CHECK_RUNTIME_PRIVATE_H
#define VIGIL_CHECK_RUNTIME_PRIVATE_H

#include "checker/check_conf.h"
#include "checker/check_ipvs.h"
#include "checker/check_probe.h"
#include "checker/check_runtime.h"
#include "checker/check_sched.h"
#include "script_run.h"
#include "vrrp/vrrp_timer.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdint.h>

struct check_vs;
struct check_rs;
struct check_script_job;

/* A digest of a checker's configuration (check_checker_signature). */
struct check_checker_sig {
	uint64_t h[2];
};

/* One running checker.  Freed from its timer's close callback.  There may
 * be tens of thousands, so it holds little: its effective settings are
 * worked out again when an attempt starts, its timer is an entry in the
 * loop's shared timer queue (vrrp_timer.h), and the attempt exists only
 * while one runs (all its life for a probe that keeps state between
 * attempts, check_probe_keeps_state). */
struct check_checker {
	struct check_rs *rs;
	const struct check_checker_config *cfg;
	struct check_checker_sig signature; /* its configuration's digest, for reload */
	struct check_schedule sched;
	struct vrrp_precise_timer timer;
	uint64_t due_us;                    /* when the timer's attempt is due (uv_hrtime, us) */
	struct check_attempt *attempt;      /* NULL: none */
	bool running;                       /* an attempt is in flight */
	bool suspended;                     /* ha_suspend skipped the last round */
};

struct check_rs {
	struct check_vs *vs;
	const struct check_rs_config *cfg;
	bool is_sorry;
	struct ptr_array checkers;          /* struct check_checker * */
	bool up;
	int64_t weight;                     /* configured moved by dynamic checkers */
	bool drained, drain_done;           /* the operator's drain */
	bool has_operator_weight;           /* set at run time (check_rs_weight.c) */
	uint32_t operator_weight;
	int64_t effective_weight;           /* weight, 0 while drained: last computed */
	const char *weight_cause;           /* why the next update may move it; NULL: checkers */
};

struct check_vs {
	struct check_runtime *rt;
	const struct check_vs_config *cfg;
	struct ptr_array rss;               /* struct check_rs * */
	struct check_rs *sorry;             /* NULL: no sorry_server */
	bool quorum_ok;
	bool suspended_looked;              /* suspended_at_ms is valid */
	uint64_t suspended_at_ms;           /* loop time of the last ha_suspend look */
	bool suspended;                     /* ha_suspend: the address is not local */
	bool reconfiguring;                 /* quorum waits until the reload is done */
};

struct check_runtime {
	uv_loop_t *loop;
	const struct vigil_config *cfg;
	struct check_ipvs *ipvs;
	struct script_runner *scripts;
	struct check_script_job *script_jobs;   /* notify/quorum scripts running */
	struct ptr_array vss;               /* struct check_vs * */
	json_object *conf_json;             /* one real server's, while building */
	const struct check_rs_config *conf_json_of;
	uv_timer_t drain_timer;
	bool drain_timer_on;
	uv_timer_t table_timer;             /* builds the wanted table once per burst */
	bool table_pending;
	unsigned open_handles;              /* the two timers, while closing */
	bool curl_held;                     /* check_curl_hold() for SSL_GET */
	bool socks_held;                    /* check_sock_hold(): the loop's socket set */
	uint32_t rng;
};

/* check_runtime.c */
/* Something changed: the wanted table is rebuilt once, on the next loop
 * pass, however many changes come before it (a burst of 10,000 real
 * servers going down must not cost 10,000 rebuilds of the whole table). */
void check_runtime_changed(struct check_runtime *rt);
uint32_t check_runtime_random(struct check_runtime *rt);
/* The configuration JSON of real server `rs` (its checkers' signatures are
 * digests of it), kept until another real server's is asked for or the
 * build or reload is done. */
json_object *check_runtime_rs_json(struct check_runtime *rt, const struct check_rs *rs);
void check_runtime_drain_poll(struct check_runtime *rt); /* starts the 1 s poll if needed */
/* The kernel's connection counters of a real server, summed over the
 * services its virtual server stands for; false when unknown. */
bool check_rs_conn_stats(const struct check_rs *rs, struct lvs_dest_stats *sum);

/* check_checker.c */
struct check_checker *check_checker_new(struct check_rs *rs, json_object *checkers, size_t i);
void check_checker_start(struct check_checker *c);         /* first attempt after warmup */
/* Its schedule's parameters, from the configuration as it is now. */
void check_checker_params(const struct check_checker *c, struct check_sched_params *p);
/* Keeps state and timer, points at the new configuration (reload). */
void check_checker_adopt(struct check_checker *c, struct check_rs *rs,
			 const struct check_checker_config *cc);
void check_checker_destroy(struct check_checker *c);          /* freed once its timer closed */
/* The real server's "checkers" in the configuration dump, and a digest of
 * checker i's configuration from it (no line numbers): equal strings
 * mean an unchanged checker. */
json_object *check_checker_conf_json(const struct check_rs *rs);
struct check_checker_sig check_checker_signature(const struct check_rs *rs, json_object *checkers,
						 size_t i);

/* check_rs.c */
struct check_rs *check_rs_new(struct check_vs *vs, const struct check_rs_config *cfg, bool sorry);
/* Moves an existing real server to new configuration: unchanged checkers
 * keep their state, the others restart. */
void check_rs_reconfigure(struct check_rs *rs, const struct check_rs_config *cfg);
void check_rs_destroy(struct check_rs *rs);
void check_rs_start(struct check_rs *rs);
/* Recomputes up/weight from the checkers; runs notify_up/down on a change
 * (unless `quiet`).  True when something changed.  The one place the
 * effective weight is recomputed: a change of it without an up/down change
 * is a real_server weight event, its "reason" rs->weight_cause (set by the
 * caller: "drain", "enable", "snmp", "reload") or, when NULL, the dynamic
 * checker's. */
bool check_rs_update(struct check_rs *rs, bool quiet);
/* Its IPVS weight now, or -1: not in the table. */
int64_t check_rs_wanted_weight(const struct check_rs *rs);
/* "10.0.1.2:80" or "[fd00::2]:80" (":port" only when it has one). */
void check_rs_name(const struct check_rs *rs, char *buf, size_t len);
/* Runs a configured script (notify_*, quorum_*) through the runtime's
 * runner as its user or script_user; `what` names it in the log. */
void check_runtime_run_script(struct check_runtime *rt, const struct check_script *s,
			      const char *what);
/* At stop, after the runner is closed: their callbacks will not come. */
void check_runtime_forget_scripts(struct check_runtime *rt);

/* check_vs.c */
struct check_vs *check_vs_new(struct check_runtime *rt, const struct check_vs_config *cfg);
void check_vs_reconfigure(struct check_vs *vs, const struct check_vs_config *cfg);
void check_vs_destroy(struct check_vs *vs);
/* A real server changed: re-evaluates quorum (scripts on a change). */
void check_vs_update(struct check_vs *vs);
/* "10.0.0.10:80", "fwmark 5", "group NAME" */
void check_vs_name(const struct check_vs *vs, char *buf, size_t len);
/* Names in the checker's mails, as keepalived 2.2.7 writes them:
 * "[ADDR]:PROTO:PORT" (PROTO from check_vs_mail_proto), "FWM MARK",
 * "[GROUP]:0". */
const char *check_vs_mail_proto(const struct check_vs *vs);
void check_mail_addr_name(const struct vigil_addr *addr, const char *proto, uint16_t port,
			  char *buf, size_t len);
void check_vs_mail_name(const struct check_vs *vs, char *buf, size_t len);
/* Whether a quorum change / a real server's up or down is mailed
 * (smtp_alert precedence); the SNMP tables show the same answer. */
bool check_vs_wants_mail(const struct check_vs *vs);
bool check_rs_wants_mail(const struct check_rs *rs);
/* ha_suspend: true when the checks of this virtual server must wait. */
bool check_vs_is_suspended(struct check_vs *vs);
/* Sum of the weights of the live real servers (sorry server excluded). */
uint64_t check_vs_live_weight(const struct check_vs *vs);
/* omega: the down notifiers at shutdown. */
void check_vs_omega(struct check_vs *vs);

/* check_status.c */
json_object *check_vs_status_json(struct check_vs *vs);

/* check_rs_weight.c: the operator's weight (SNMP realServerWeight) */
/* The weight dynamic checkers move: the operator's, else the configured. */
uint32_t check_rs_base_weight(const struct check_rs *rs);
/* Takes effect at once (IPVS, quorum); a reload restores the configured. */
void check_rs_set_weight(struct check_rs *rs, uint32_t weight);
/* Before a reload: every real server back to its configured weight. */
void check_runtime_forget_weights(struct check_runtime *rt);

#endif
