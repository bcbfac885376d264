/* libcurl (SSL_GET, smtp_alert, genhash), loaded when first needed: see
 * lib/late_lib.h.  Include this instead of <curl/curl.h> and call
 * late_lib_load(&late_curl, ...) before the first curl_* call. */
#ifndef VIGIL_LATE_CURL_H
#define VIGIL_LATE_CURL_H

#include <curl/curl.h>

#include "lib/late_lib.h"

#define LATE_CURL_SYMBOLS(X) \
	X(curl_easy_cleanup) \
	X(curl_easy_getinfo) \
	X(curl_easy_init) \
	X(curl_easy_reset) \
	X(curl_easy_setopt) \
	X(curl_easy_strerror) \
	X(curl_global_init) \
	X(curl_multi_add_handle) \
	X(curl_multi_assign) \
	X(curl_multi_cleanup) \
	X(curl_multi_info_read) \
	X(curl_multi_init) \
	X(curl_multi_remove_handle) \
	X(curl_multi_setopt) \
	X(curl_multi_socket_action) \
	X(curl_multi_strerror) \
	X(curl_slist_append) \
	X(curl_slist_free_all)

LATE_LIB_DECLARE(late_curl, LATE_CURL_SYMBOLS);

/* The library's names call through the table (curl's type-checking macros
 * for curl_easy_setopt/getinfo give way to plain calls). */
#undef curl_easy_cleanup
#define curl_easy_cleanup late_curl_fns.curl_easy_cleanup
#undef curl_easy_getinfo
#define curl_easy_getinfo late_curl_fns.curl_easy_getinfo
#undef curl_easy_init
#define curl_easy_init late_curl_fns.curl_easy_init
#undef curl_easy_reset
#define curl_easy_reset late_curl_fns.curl_easy_reset
#undef curl_easy_setopt
#define curl_easy_setopt late_curl_fns.curl_easy_setopt
#undef curl_easy_strerror
#define curl_easy_strerror late_curl_fns.curl_easy_strerror
#undef curl_global_init
#define curl_global_init late_curl_fns.curl_global_init
#undef curl_multi_add_handle
#define curl_multi_add_handle late_curl_fns.curl_multi_add_handle
#undef curl_multi_assign
#define curl_multi_assign late_curl_fns.curl_multi_assign
#undef curl_multi_cleanup
#define curl_multi_cleanup late_curl_fns.curl_multi_cleanup
#undef curl_multi_info_read
#define curl_multi_info_read late_curl_fns.curl_multi_info_read
#undef curl_multi_init
#define curl_multi_init late_curl_fns.curl_multi_init
#undef curl_multi_remove_handle
#define curl_multi_remove_handle late_curl_fns.curl_multi_remove_handle
#undef curl_multi_setopt
#define curl_multi_setopt late_curl_fns.curl_multi_setopt
#undef curl_multi_socket_action
#define curl_multi_socket_action late_curl_fns.curl_multi_socket_action
#undef curl_multi_strerror
#define curl_multi_strerror late_curl_fns.curl_multi_strerror
#undef curl_slist_append
#define curl_slist_append late_curl_fns.curl_slist_append
#undef curl_slist_free_all
#define curl_slist_free_all late_curl_fns.curl_slist_free_all

#endif
