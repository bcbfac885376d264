/* The libcurl table: see lib/late_curl.h. */
#include "config.h"
#include "lib/late_curl.h"

LATE_LIB_DEFINE(late_curl, "libcurl", CURL_SONAME, LATE_CURL_SYMBOLS);
