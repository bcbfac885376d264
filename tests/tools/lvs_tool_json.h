/* JSON descriptions of an IPVS table for lvs_tool (tests only).
 *
 * {"services": [
 *   {"family": "inet"|"inet6",          (optional with an address)
 *    "protocol": "tcp"|"udp"|"sctp", "address": "10.1.1.1", "port": 80,
 *      or "fwmark": 7 (then "family" says which),
 *    "scheduler": "wlc",
 *    "flags": ["persistent", "hashed", "onepacket", "sched1", "sched2", "sched3"]
 *             (also ipvsadm's "sh-fallback", "sh-port", "mh-fallback",
 *              "mh-port", "flag-1", "flag-2", "flag-3"),
 *    "persistence_timeout": 300,
 *    "netmask": "255.255.255.0" (IPv4) or 64 (IPv6 prefix length),
 *    "pe": "sip",
 *    "dests": [
 *      {"address": "10.2.2.2", "port": 80,
 *       "forwarding": "nat"|"dr"|"tun"|"local"|"bypass", "weight": 3,
 *       "u_threshold": 0, "l_threshold": 0,
 *       "tunnel_type": "ipip"|"gue"|"gre", "tunnel_port": 6080,
 *       "tunnel_flags": ["csum", "remcsum"] (or [] / ["nocsum"]),
 *       "stats": {...}  (written by dump, ignored when read)}]}]}
 *
 * Every key is optional except the service key and a destination's
 * address; unknown keys are errors so a typo cannot go unnoticed. */
#ifndef VIGIL_LVS_TOOL_JSON_H
#define VIGIL_LVS_TOOL_JSON_H

#include "lvs/lvs.h"

#include <json-c/json.h>
#include <stddef.h>

/* Reads `path` into `out` (initialised by the call).  0, or -1 with
 * `err` saying where and why. */
int lvs_tool_table_read(const char *path, struct lvs_table *out, char *err, size_t err_len);

/* The table as JSON, in the shape read above (with counters). */
json_object *lvs_tool_table_json(const struct lvs_table *t);

#endif
