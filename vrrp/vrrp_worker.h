/* The VRRP worker process (vigild --worker=vrrp): its part of the common
 * worker runtime in daemon/worker.h.  It runs the VRRP instances of the
 * configuration (vrrp_instance.h), moves them on reload, reports them as
 * status, and makes every instance resign before the worker exits. */
#ifndef VIGIL_VRRP_WORKER_H
#define VIGIL_VRRP_WORKER_H

#include "daemon/worker.h"

extern const struct worker_ops vrrp_worker_ops;

#endif
