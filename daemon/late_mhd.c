/* The libmicrohttpd table: see daemon/late_mhd.h. */
#include "config.h"
#include "daemon/late_mhd.h"

LATE_LIB_DEFINE(late_mhd, "libmicrohttpd", MHD_SONAME, LATE_MHD_SYMBOLS);
