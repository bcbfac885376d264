/* The checker worker process (vigild --worker=checker): its part of the
 * common worker runtime in daemon/worker.h runs the checker runtime
 * (checker/check_runtime.h).  Without IPVS in the kernel the checks still
 * run and report; nothing is installed and the rest of vigil keeps running. */
#ifndef VIGIL_CHECK_WORKER_H
#define VIGIL_CHECK_WORKER_H

#include "daemon/worker.h"

extern const struct worker_ops check_worker_ops;

#endif
