/* The libsystemd table: see daemon/late_systemd.h. */
#include "config.h"
#include "daemon/late_systemd.h"

LATE_LIB_DEFINE(late_systemd, "libsystemd", SYSTEMD_SONAME, LATE_SYSTEMD_SYMBOLS);
