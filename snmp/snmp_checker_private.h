/* Shared by the snmp_checker*.c files only. */
#ifndef VIGIL_SNMP_CHECKER_PRIVATE_H
#define VIGIL_SNMP_CHECKER_PRIVATE_H

#include "snmp/snmp_checker.h"
#include "snmp/snmp_snap.h"
#include "snmp/snmp_subagent.h"

#include "snmp/late_snmp.h"

/* keepalived ::= { enterprises 9586 100 5 }; check ::= { keepalived 3 } */
#define SNMP_CHECKER_KA 1, 3, 6, 1, 4, 1, 9586, 100, 5
#define SNMP_CHECKER_CHECK SNMP_CHECKER_KA, 3

extern const oid snmp_checker_check_oid[];
extern const size_t snmp_checker_check_oid_len;
extern const oid snmp_checker_vs_entry_oid[];       /* virtualServerEntry */
extern const oid snmp_checker_rs_entry_oid[];       /* realServerEntry */
#define SNMP_CHECKER_ENTRY_LEN 13                   /* KA(9) . 3 . table . 1 + ... */

/* realServerWeight: realServerEntry 7 */
#define SNMP_CHECKER_RS_WEIGHT 7

struct snmp_checker {
	struct snmp_subagent *agent;
	const struct snmp_checker_ops *ops;
	void *data;
	struct snmp_snap_reg *reg;          /* the check subtree; NULL: not exported */
	bool traps;
	char *router_id;                    /* global router_id, else the host name */
	char *socket;                       /* the running subagent's snmp_socket */
};

/* The whole check subtree from a view (snmp_checker_keepalived.c). */
void snmp_checker_build(struct snmp_snap *s, const struct snmp_checker_view *v);

/* lvsSyncDaemon and lvsTimeouts from global_defs (snmp_checker_lvs.c). */
void snmp_checker_build_lvs(struct snmp_snap *s, const struct global_config *g);

/* One cell under a table entry: entry.column.i1[.i2] (i2 0: none). */
void snmp_checker_cell(struct snmp_oid *o, const oid *entry, unsigned col, size_t i1, size_t i2);

/* Enumerations as the MIB numbers them. */
long snmp_checker_inet_type(int family);            /* ipv4(1), ipv6(2) */
size_t snmp_checker_addr_bytes(const struct vigil_addr *a, uint8_t out[16]);
long snmp_checker_vs_type(const struct check_vs_config *c);     /* fwmark(1) ip(2) group(3) */
long snmp_checker_protocol(const struct check_vs_config *c);    /* tcp(1) udp(2) sctp(3) none(4) */

#endif
