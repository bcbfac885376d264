/* The VRRP worker process (vigild --worker=vrrp): its part of the common
 * worker runtime in daemon/worker.h.  It runs the VRRP instances of the
 * configuration (vrrp_instance.h), moves them on reload, reports them as
 * status, and makes every instance resign before the worker exits. */
#ifndef VIGIL_VRRP_WORKER_H
#define VIGIL_VRRP_WORKER_H

#include "daemon/worker.h"

#include <stdbool.h>
#include <stddef.h>

extern const struct worker_ops vrrp_worker_ops;

struct vrrp_instance;
/* The worker's instance at position `i` (configuration order, as the
 * status lists them), NULL past the end; `state` is the worker's. */
struct vrrp_instance *vrrp_worker_instance_at(void *state, size_t i);

/* vigild -V: at stop, masters leave their VIPs, routes, rules and VMACs
 * in place.  Set by main before worker_main; a property of the process. */
void vrrp_worker_keep_vips_at_stop(bool keep);

#endif
