/* The checker's side of IPVS: what the configuration and the real servers'
 * health mean for the kernel's table, and keeping the kernel in step.
 *
 *  - Mapping (pure): a virtual_server (or each address/fwmark a
 *    virtual_server_group expands to, ranges included) becomes a struct
 *    lvs_service; a real or sorry server with its current weight becomes a
 *    struct lvs_dest.
 *  - Coordination: the runtime hands over the whole wanted table whenever
 *    something changed (check_ipvs_want); syncs are coalesced on the loop so
 *    a burst of changes costs one dump and one plan.  The previous wanted
 *    table is kept as "before", so a service dropped by a reload is deleted.
 *  - Global settings at start: lvs_flush, lvs_timeouts, lvs_sync_daemon
 *    (unless it names a vrrp_instance: vrrp/vrrp_lvs_sync.h runs it then);
 *    at stop: the services vigil wanted are removed unless the
 *    configuration keeps them.
 *  - Without IPVS in the kernel every call still works: nothing is
 *    installed, check_ipvs_available() is false, and it was said once. */
#ifndef VIGIL_CHECK_IPVS_H
#define VIGIL_CHECK_IPVS_H

#include "checker/check_conf.h"
#include "lvs/lvs.h"
#include "vigil_config.h"

#include <stdbool.h>
#include <uv.h>

/* ---- mapping (pure) ---- */

/* Calls `fn` once per kernel service a virtual server stands for: one for
 * an address or fwmark virtual server, one per address (ranges expanded)
 * and fwmark of its group.  Returns how many (0: unknown group). */
typedef void check_ipvs_service_cb(const struct lvs_service *svc, void *arg);
size_t check_ipvs_services_of(const struct check_config *cc, const struct check_vs_config *vs,
			      check_ipvs_service_cb *fn, void *arg);

/* A real server (or the sorry server) under `vs` with the given weight.
 * A real server without a port takes the service's port (0 for fwmark). */
void check_ipvs_dest_of(const struct check_vs_config *vs, const struct check_rs_config *rs,
			const struct lvs_service *svc, int32_t weight, struct lvs_dest *out);

/* ---- coordination (the netlink edge behind lvs/lvs.h) ---- */

struct check_ipvs;

/* Opens IPVS; applies lvs_flush, lvs_timeouts and lvs_sync_daemon from the
 * global configuration.  Never NULL: without IPVS the object just records
 * why. */
struct check_ipvs *check_ipvs_new(uv_loop_t *loop, const struct vigil_config *cfg);
bool check_ipvs_available(const struct check_ipvs *ci);
/* "1.2.1", or why IPVS is unavailable. */
const char *check_ipvs_version(const struct check_ipvs *ci);

/* The complete table vigil wants now (ownership passes to ci).  The sync
 * runs soon on the loop, coalesced with other calls. */
void check_ipvs_want(struct check_ipvs *ci, struct lvs_table *wanted);

/* After the last sync: is this service in the kernel as vigil wants it? */
bool check_ipvs_installed(const struct check_ipvs *ci, const struct lvs_service *svc);
/* A destination's kernel counters (false when unknown), as of the last
 * check_ipvs_refresh; read now when there is none since the last sync or
 * check_ipvs_forget_counters. */
bool check_ipvs_dest_stats(struct check_ipvs *ci, const struct lvs_service *svc,
			   const struct lvs_dest *dest, struct lvs_dest_stats *out);

/* Re-reads the kernel's table with every destination's counters now (for
 * drains waiting on connections to reach zero, and for status).  0 or
 * -errno. */
int check_ipvs_refresh(struct check_ipvs *ci);
/* The request that wanted the counters is done: they go (the services
 * stay for check_ipvs_installed). */
void check_ipvs_forget_counters(struct check_ipvs *ci);

/* Reload: new global settings (timeouts, sync daemon) take effect. */
void check_ipvs_reconfigure(struct check_ipvs *ci, const struct vigil_config *cfg);

/* Stop: removes the services vigil wanted (unless the configuration keeps
 * them: keepalived's lvs_flush_onstop semantics), then frees ci.  With
 * check_ipvs_keep_at_stop(true) (vigild -I) the table is left as it is,
 * lvs_flush_on_stop included, so traffic keeps flowing across a restart;
 * the sync daemons this process started still stop. */
void check_ipvs_close(struct check_ipvs *ci, const struct vigil_config *cfg);
/* Process-wide: whether check_ipvs_close leaves the table (default false). */
void check_ipvs_keep_at_stop(bool keep);

#endif
