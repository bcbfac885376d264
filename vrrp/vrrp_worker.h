/* The VRRP worker process (vigild --worker=vrrp): its part of the common
 * worker runtime in daemon/worker.h.  Until the VRRP engine exists (issue 3)
 * it holds the configuration and reports it as status. */
#ifndef VIGIL_VRRP_WORKER_H
#define VIGIL_VRRP_WORKER_H

#include "daemon/worker.h"

extern const struct worker_ops vrrp_worker_ops;

#endif
