/* keepalived's dump files, for the tools written against them
 * (keepalived-exporter and the like): the SIGJSON file (keepalived.json),
 * the SIGUSR2 statistics (keepalived.stats) and the VRRP part of the
 * SIGUSR1 data dump (keepalived.data), in the layout keepalived 2.2.7
 * writes, as far as vigil has the facts.
 *
 * Pure: built from the VRRP worker's status object (the runtime: state,
 * priorities, counters, VIPs) and the parsed configuration (the settings).
 * The parent asks the worker for them when it gets the signal and writes
 * the file (write, then rename). */
#ifndef VIGIL_VRRP_DUMP_H
#define VIGIL_VRRP_DUMP_H

#include <json-c/json.h>

struct vrrp_config;
struct global_config;

enum vrrp_dump_kind { VRRP_DUMP_JSON, VRRP_DUMP_STATS, VRRP_DUMP_DATA, VRRP_DUMP_KIND_COUNT };
extern const char *const vrrp_dump_kind_names[VRRP_DUMP_KIND_COUNT];   /* "json", "stats", "data" */

/* keepalived's state numbers: INIT 0, BACKUP 1, MASTER 2, FAULT 3.  STOP
 * (only seen while stopping) is written as INIT. */
int vrrp_dump_state_number(const char *state);

/* The keepalived.json array: one {"data":{...},"stats":{...}} per instance. */
json_object *vrrp_dump_json(json_object *status, const struct vrrp_config *vc);

/* keepalived.stats and keepalived.data text (malloc'd). */
char *vrrp_dump_stats(json_object *status);
char *vrrp_dump_data(json_object *status, const struct vrrp_config *vc,
		     const struct global_config *g);

#endif
