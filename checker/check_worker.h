/* The checker worker process (vigild --worker=checker): its part of the
 * common worker runtime in daemon/worker.h.  It asks the kernel for IPVS
 * once at start (and again on reload); without IPVS the virtual servers stay
 * inactive and the rest of vigil keeps running. */
#ifndef VIGIL_CHECK_WORKER_H
#define VIGIL_CHECK_WORKER_H

#include "daemon/worker.h"

extern const struct worker_ops check_worker_ops;

#endif
