/* net-snmp's agent library (the AgentX subagent), loaded only when an
 * enable_snmp_* keyword asks for it: see lib/late_lib.h.  Include this
 * instead of net-snmp's headers and call late_lib_load(&late_snmp, ...)
 * before the first call.  libnetsnmpagent brings libnetsnmp along, and
 * dlsym on its handle finds both. */
#ifndef VIGIL_LATE_SNMP_H
#define VIGIL_LATE_SNMP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "lib/late_lib.h"

/* The AgentX session, or NULL while the master agent is away (a variable
 * of libnetsnmpagent that no header declares). */
extern netsnmp_session *main_session;

#define LATE_SNMP_SYMBOLS(X) \
	X(agent_check_and_process) \
	X(init_agent) \
	X(init_snmp) \
	X(main_session) \
	X(netsnmp_create_handler_registration) \
	X(netsnmp_ds_set_boolean) \
	X(netsnmp_ds_set_int) \
	X(netsnmp_ds_set_string) \
	X(netsnmp_large_fd_is_set) \
	X(netsnmp_large_fd_set_cleanup) \
	X(netsnmp_large_fd_set_init) \
	X(netsnmp_register_handler) \
	X(netsnmp_register_loghandler) \
	X(netsnmp_set_request_error) \
	X(netsnmp_unregister_handler) \
	X(send_v2trap) \
	X(shutdown_agent) \
	X(snmp_disable_log) \
	X(snmp_free_var_internals) \
	X(snmp_free_varbind) \
	X(snmp_oid_compare) \
	X(snmp_register_callback) \
	X(snmp_select_info2) \
	X(snmp_set_var_objid) \
	X(snmp_set_var_typed_value) \
	X(snmp_shutdown) \
	X(snmp_varlist_add_variable)

LATE_LIB_DECLARE(late_snmp, LATE_SNMP_SYMBOLS);

#undef agent_check_and_process
#define agent_check_and_process late_snmp_fns.agent_check_and_process
#undef init_agent
#define init_agent late_snmp_fns.init_agent
#undef init_snmp
#define init_snmp late_snmp_fns.init_snmp
#undef netsnmp_create_handler_registration
#define netsnmp_create_handler_registration late_snmp_fns.netsnmp_create_handler_registration
#undef netsnmp_ds_set_boolean
#define netsnmp_ds_set_boolean late_snmp_fns.netsnmp_ds_set_boolean
#undef netsnmp_ds_set_int
#define netsnmp_ds_set_int late_snmp_fns.netsnmp_ds_set_int
#undef netsnmp_ds_set_string
#define netsnmp_ds_set_string late_snmp_fns.netsnmp_ds_set_string
#undef netsnmp_large_fd_is_set
#define netsnmp_large_fd_is_set late_snmp_fns.netsnmp_large_fd_is_set
#undef netsnmp_large_fd_set_cleanup
#define netsnmp_large_fd_set_cleanup late_snmp_fns.netsnmp_large_fd_set_cleanup
#undef netsnmp_large_fd_set_init
#define netsnmp_large_fd_set_init late_snmp_fns.netsnmp_large_fd_set_init
#undef netsnmp_register_handler
#define netsnmp_register_handler late_snmp_fns.netsnmp_register_handler
#undef netsnmp_register_loghandler
#define netsnmp_register_loghandler late_snmp_fns.netsnmp_register_loghandler
#undef netsnmp_set_request_error
#define netsnmp_set_request_error late_snmp_fns.netsnmp_set_request_error
#undef netsnmp_unregister_handler
#define netsnmp_unregister_handler late_snmp_fns.netsnmp_unregister_handler
#undef send_v2trap
#define send_v2trap late_snmp_fns.send_v2trap
#undef shutdown_agent
#define shutdown_agent late_snmp_fns.shutdown_agent
#undef snmp_disable_log
#define snmp_disable_log late_snmp_fns.snmp_disable_log
#undef snmp_free_var_internals
#define snmp_free_var_internals late_snmp_fns.snmp_free_var_internals
#undef snmp_free_varbind
#define snmp_free_varbind late_snmp_fns.snmp_free_varbind
#undef snmp_oid_compare
#define snmp_oid_compare late_snmp_fns.snmp_oid_compare
#undef snmp_register_callback
#define snmp_register_callback late_snmp_fns.snmp_register_callback
#undef snmp_select_info2
#define snmp_select_info2 late_snmp_fns.snmp_select_info2
#undef snmp_set_var_objid
#define snmp_set_var_objid late_snmp_fns.snmp_set_var_objid
#undef snmp_set_var_typed_value
#define snmp_set_var_typed_value late_snmp_fns.snmp_set_var_typed_value
#undef snmp_shutdown
#define snmp_shutdown late_snmp_fns.snmp_shutdown
#undef snmp_varlist_add_variable
#define snmp_varlist_add_variable late_snmp_fns.snmp_varlist_add_variable
#undef main_session
#define main_session (*late_snmp_fns.main_session)

#endif
