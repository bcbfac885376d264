/* libsystemd (sd_notify), loaded only when systemd asked for notifications
 * ($NOTIFY_SOCKET set): see lib/late_lib.h. */
#ifndef VIGIL_LATE_SYSTEMD_H
#define VIGIL_LATE_SYSTEMD_H

#include <systemd/sd-daemon.h>

#include "lib/late_lib.h"

#define LATE_SYSTEMD_SYMBOLS(X) \
	X(sd_notify)

LATE_LIB_DECLARE(late_systemd, LATE_SYSTEMD_SYMBOLS);

#undef sd_notify
#define sd_notify late_systemd_fns.sd_notify

#endif
