/* net-snmp as an AgentX subagent on a libuv loop.
 *
 * The worker process that exports MIB objects runs its own subagent
 * (keepalived's design: each process registers its own subtrees with the
 * master agent).  net-snmp's descriptors are watched with one uv_poll
 * each and its timeouts (AgentX retries, the ping that reconnects after
 * the master agent restarts) with one uv_timer; after every run of
 * net-snmp the set of descriptors is taken again, since a reconnect
 * closes and opens sockets.
 *
 * net-snmp keeps its state in globals: one subagent per process. */
#ifndef VIGIL_SNMP_SUBAGENT_H
#define VIGIL_SNMP_SUBAGENT_H

#include "snmp/late_snmp.h"

#include <stdbool.h>

struct snmp_socket;
#include <uv.h>

/* How often net-snmp pings the master agent, and so how soon it
 * reconnects after the master agent restarted (seconds). */
#define SNMP_SUBAGENT_PING_S 2

struct snmp_subagent;

/* Starts the subagent `name` towards the master agent at `socket`
 * (net-snmp's transport syntax, snmp_socket_to_string()).  An absent
 * master agent is not an error: it is logged once and retried quietly.
 * Returns NULL when net-snmp is already running in this process. */
struct snmp_subagent *snmp_subagent_start(uv_loop_t *loop, const char *name, const char *socket);
/* snmp_subagent_start on a configured snmp_socket; *socket gets the
 * socket as a string (the caller's) on success.  NULL, logged, when
 * net-snmp already runs in this process. */
struct snmp_subagent *snmp_subagent_open(uv_loop_t *loop, const char *name,
					 const struct snmp_socket *configured, char **socket);
/* On reload: the subagent keeps the socket it `runs`; says so when the
 * configuration now names another. */
void snmp_subagent_check_socket(const char *runs, const struct snmp_socket *configured);
/* Whether the AgentX session with the master agent is open. */
bool snmp_subagent_connected(const struct snmp_subagent *a);
/* Sends the notification `trap_oid` (snmpTrapOID.0) with `vars` after
 * it (freed) to the master agent, which adds sysUpTime.0 and forwards it
 * to its trap sinks. */
void snmp_subagent_notify(const oid *trap_oid, size_t len, netsnmp_variable_list *vars);
/* Shuts net-snmp down and closes the handles (freed once closed). */
void snmp_subagent_stop(struct snmp_subagent *a);

#endif
