/* The `snmp_socket` value: how the AgentX subagent reaches the master agent.
 *
 * The syntax is net-snmp's transport address, restricted to what makes
 * sense for AgentX:
 *   unix:/path            a Unix stream socket (the default, /var/agentx/master)
 *   /path                 the same, without the prefix
 *   tcp:HOST[:PORT]       TCP (AgentX's registered port, 705, when omitted)
 *   udp:HOST[:PORT]       UDP
 *   tcp6:[ADDR][:PORT]    the IPv6 forms; ADDR in brackets when a port follows
 *   udp6:[ADDR][:PORT]
 *   HOST[:PORT]           TCP, as net-snmp's AgentX default
 * HOST is a name or an address of the transport's family; this module only
 * checks the syntax, it never resolves names. */
#ifndef VIGIL_SNMP_SOCKET_H
#define VIGIL_SNMP_SOCKET_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNMP_SOCKET_DEFAULT "unix:/var/agentx/master"
#define SNMP_SOCKET_AGENTX_PORT 705

enum snmp_transport {
	SNMP_TRANSPORT_UNIX,
	SNMP_TRANSPORT_TCP,
	SNMP_TRANSPORT_UDP,
	SNMP_TRANSPORT_TCP6,
	SNMP_TRANSPORT_UDP6,
	SNMP_TRANSPORT_COUNT
};
/* "unix", "tcp", ... as written before the ':'. */
extern const char *const snmp_transport_names[SNMP_TRANSPORT_COUNT];

struct snmp_socket {
	enum snmp_transport transport;
	char *path;          /* UNIX: the socket path */
	char *host;          /* TCP/UDP: name or address, without brackets */
	uint16_t port;       /* TCP/UDP */
};

/* Parses `text` into *out (allocating path/host).  On failure returns
 * false, leaves *out empty and writes why into err. */
bool snmp_socket_parse(const char *text, struct snmp_socket *out, char *err, size_t err_len);
void snmp_socket_clear(struct snmp_socket *s);
/* Canonical net-snmp form ("unix:/p", "tcp:h:705", "udp6:[::1]:705"),
 * newly allocated. */
char *snmp_socket_to_string(const struct snmp_socket *s);
json_object *snmp_socket_to_json(const struct snmp_socket *s);

#endif
