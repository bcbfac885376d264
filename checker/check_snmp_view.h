/* The checker worker's side of SNMP (snmp/snmp_checker.h does the MIB):
 * the subagent's life with the worker's, the runtime described as the
 * tables need it, realServerWeight's SET, and the events the
 * notifications are made of.  Built without SNMP (configure
 * --disable-snmp), every function does nothing.
 *
 * One subagent per process (net-snmp's state is global), so the current
 * one and its runtime are kept here; real and virtual servers report to
 * it without holding a pointer. */
#ifndef VIGIL_CHECK_SNMP_VIEW_H
#define VIGIL_CHECK_SNMP_VIEW_H

#include "vigil_config.h"


struct check_runtime;
struct check_rs;
struct check_vs;

/* Starts the subagent when global_defs has enable_snmp_checker; a reload
 * follows the new settings (starting it when first asked for). */
void check_snmp_view_start(const struct vigil_config *cfg, struct check_runtime *rt);
/* Before the runtime's reload: weights set over SNMP end with it, and
 * the configured ones come back. */
void check_snmp_view_before_reload(struct check_runtime *rt);
void check_snmp_view_reload(const struct vigil_config *cfg, struct check_runtime *rt);
void check_snmp_view_stop(void);

/* From check_rs_update when a real server went up or down. */
void check_snmp_view_rs_changed(const struct check_rs *rs);
/* From quorum_changed (check_vs.c). */
void check_snmp_view_quorum_changed(const struct check_vs *vs);

#endif
