/* Does the running kernel have IPVS?  Asked once by the checker process: on
 * a kernel without it vigil keeps running VRRP and reports its virtual
 * servers as inactive instead of failing. */
#ifndef VIGIL_LVS_PROBE_H
#define VIGIL_LVS_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true when the IPVS generic netlink family answers; `version`
 * gets "1.2.1" (or, on false, why not: "no IPVS in this kernel", ...). */
bool lvs_probe(char *version, size_t len);

#endif
