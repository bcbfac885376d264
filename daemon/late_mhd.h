/* libmicrohttpd (the Prometheus endpoint), loaded only when `metrics` is
 * configured: see lib/late_lib.h. */
#ifndef VIGIL_LATE_MHD_H
#define VIGIL_LATE_MHD_H

#include <microhttpd.h>

#include "lib/late_lib.h"

#define LATE_MHD_SYMBOLS(X) \
	X(MHD_add_response_header) \
	X(MHD_create_response_from_buffer) \
	X(MHD_destroy_response) \
	X(MHD_queue_response) \
	X(MHD_resume_connection) \
	X(MHD_start_daemon) \
	X(MHD_stop_daemon) \
	X(MHD_suspend_connection)

LATE_LIB_DECLARE(late_mhd, LATE_MHD_SYMBOLS);

#undef MHD_add_response_header
#define MHD_add_response_header late_mhd_fns.MHD_add_response_header
#undef MHD_create_response_from_buffer
#define MHD_create_response_from_buffer late_mhd_fns.MHD_create_response_from_buffer
#undef MHD_destroy_response
#define MHD_destroy_response late_mhd_fns.MHD_destroy_response
#undef MHD_queue_response
#define MHD_queue_response late_mhd_fns.MHD_queue_response
#undef MHD_resume_connection
#define MHD_resume_connection late_mhd_fns.MHD_resume_connection
#undef MHD_start_daemon
#define MHD_start_daemon late_mhd_fns.MHD_start_daemon
#undef MHD_stop_daemon
#define MHD_stop_daemon late_mhd_fns.MHD_stop_daemon
#undef MHD_suspend_connection
#define MHD_suspend_connection late_mhd_fns.MHD_suspend_connection

#endif
