/* The kernel's IPVS table through generic netlink (libnl-genl): the only
 * place in vigil that talks to IPVS.
 *
 * Three layers:
 *  - plain types (struct lvs_service, struct lvs_dest, struct lvs_table)
 *    that the checker fills from its runtime state;
 *  - a pure planner (lvs_plan) that, given what the kernel holds, what vigil
 *    wants now and what vigil wanted before, lists the operations that move
 *    the kernel to the wanted state touching nothing else: an unchanged
 *    destination is never removed and re-added; a service vigil never
 *    wanted is never touched;
 *  - the netlink edge (lvs_open, lvs_apply, lvs_dump, ...).
 *
 * Ownership: vigil manages exactly the services it wants (keyed by
 * family/protocol/address/port or family/fwmark).  Under a managed service
 * the destination list converges to the wanted one.  A service that was
 * wanted before and is not any more is deleted.  At start the "before"
 * table is empty, so matching kernel entries are adopted (edited in place),
 * not recreated. */
#ifndef VIGIL_LVS_H
#define VIGIL_LVS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LVS_SCHED_NAME_MAX 16      /* IP_VS_SCHEDNAME_MAXLEN */
#define LVS_PE_NAME_MAX 32         /* IP_VS_PENAME_MAXLEN */

union lvs_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* A virtual service.  Key: family + (fwmark, or protocol + addr + port). */
struct lvs_service {
	int family;                     /* AF_INET / AF_INET6 */
	uint16_t protocol;              /* IPPROTO_TCP/UDP/SCTP; 0 with fwmark */
	union lvs_addr addr;
	uint16_t port;                  /* host order */
	uint32_t fwmark;                /* nonzero: a fwmark service */
	char sched[LVS_SCHED_NAME_MAX]; /* "wlc", ... */
	uint32_t flags;                 /* IP_VS_SVC_F_* (persistent, hashed, onepacket, sched flags) */
	uint32_t timeout;               /* persistence, seconds */
	uint32_t netmask;               /* IPv4: the mask in network order; IPv6: prefix length */
	char pe_name[LVS_PE_NAME_MAX];  /* persistence engine, "" for none */
};

/* Counters the kernel reports for a destination: only a dump made with
 * LVS_DUMP_COUNTERS has them, beside the destinations (they are most of a
 * destination's size, and the tables vigil plans with never need them). */
struct lvs_dest_stats {
	uint32_t active_conns, inactive_conns, persist_conns;
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
};

/* A real server under a service.  Key: family + addr + port. */
struct lvs_dest {
	int family;                     /* AF_INET / AF_INET6 (the kernel decides mixes) */
	union lvs_addr addr;
	uint16_t port;                  /* host order */
	uint32_t conn_flags;            /* IP_VS_CONN_F_MASQ / DROUTE / TUNNEL (forwarding method) */
	int32_t weight;
	uint32_t u_threshold, l_threshold;
	uint8_t tun_type;               /* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;              /* GUE port, host order */
	uint16_t tun_flags;             /* IP_VS_TUNNEL_ENCAP_FLAG_* */
};

struct lvs_table_service {
	struct lvs_service svc;
	struct lvs_dest *dests;
	struct lvs_dest_stats *stats;   /* dests' counters, same index; NULL: none */
	size_t n_dests, cap_dests;
};

struct lvs_table {
	struct lvs_table_service *services;
	size_t n_services, cap_services;
};

void lvs_table_init(struct lvs_table *t);
void lvs_table_free(struct lvs_table *t);
/* Appends a service (copied) and returns its slot for lvs_table_add_dest. */
struct lvs_table_service *lvs_table_add_service(struct lvs_table *t, const struct lvs_service *svc);
void lvs_table_add_dest(struct lvs_table_service *ts, const struct lvs_dest *dest);
/* The same with the destination's counters (a service's destinations
 * either all have counters or none has). */
void lvs_table_add_counted_dest(struct lvs_table_service *ts, const struct lvs_dest *dest,
				const struct lvs_dest_stats *stats);
/* Gives back the room kept for growth: for a table that is kept. */
void lvs_table_trim(struct lvs_table *t);
/* Keeps the services, drops their destinations and counters. */
void lvs_table_drop_dests(struct lvs_table *t);
/* Lookups by key; NULL if absent. */
const struct lvs_table_service *lvs_table_find(const struct lvs_table *t,
					       const struct lvs_service *key);
const struct lvs_dest *lvs_table_find_dest(const struct lvs_table_service *ts,
					   const struct lvs_dest *key);
/* A destination's counters; NULL if absent or dumped without them. */
const struct lvs_dest_stats *lvs_table_find_stats(const struct lvs_table_service *ts,
						  const struct lvs_dest *key);
bool lvs_service_same_key(const struct lvs_service *a, const struct lvs_service *b);
bool lvs_dest_same_key(const struct lvs_dest *a, const struct lvs_dest *b);
/* "TCP 10.0.0.1:80", "FWM 7 (IPv6)", "10.0.0.2:80" for logs. */
void lvs_service_describe(const struct lvs_service *svc, char *buf, size_t len);
void lvs_dest_describe(const struct lvs_dest *d, char *buf, size_t len);

/* ---- the pure planner ---- */

enum lvs_op_kind {
	LVS_OP_ADD_SERVICE, LVS_OP_EDIT_SERVICE, LVS_OP_DEL_SERVICE,
	LVS_OP_ADD_DEST, LVS_OP_EDIT_DEST, LVS_OP_DEL_DEST,
	LVS_OP_KIND_COUNT
};
extern const char *const lvs_op_kind_names[LVS_OP_KIND_COUNT];

struct lvs_op {
	enum lvs_op_kind kind;
	struct lvs_service svc;
	struct lvs_dest dest;           /* *_DEST only */
};

struct lvs_plan {
	struct lvs_op *ops;
	size_t n_ops, cap_ops;
};

/* Fills `plan` (initialised empty by the call) with the operations, in an
 * order the kernel accepts (services before their destinations; deletions
 * of destinations before the service's deletion is unnecessary: deleting a
 * service drops them).  `before` may be NULL (start-up: adopt).  Services
 * and destinations equal in every planned field produce no operation. */
void lvs_plan_build(const struct lvs_table *kernel, const struct lvs_table *wanted,
		    const struct lvs_table *before, struct lvs_plan *plan);
void lvs_plan_free(struct lvs_plan *plan);

/* ---- the netlink edge ---- */

struct lvs_handle;

/* Opens a generic netlink socket to IPVS.  NULL with `err` filled when the
 * kernel has no IPVS or the family cannot be resolved. */
struct lvs_handle *lvs_open(char *err, size_t err_len);
void lvs_close(struct lvs_handle *h);
/* "1.2.1" */
const char *lvs_version(const struct lvs_handle *h);

/* How much of the table a dump reads: the services alone, with their
 * destinations, or with the destinations' counters too. */
enum lvs_dump_depth { LVS_DUMP_SERVICES, LVS_DUMP_DESTS, LVS_DUMP_COUNTERS };

/* Reads every service (and as `depth` says, more).  0 or -errno. */
int lvs_dump(struct lvs_handle *h, struct lvs_table *out, enum lvs_dump_depth depth);

/* Runs one operation: 0 or -errno (the kernel's answer). */
int lvs_apply_op(struct lvs_handle *h, const struct lvs_op *op);

/* Dumps, plans against `wanted` and `before`, applies every operation.
 * Failed operations are logged (with lvs_op_kind_names and the entry) and
 * counted in *failed; the rest still run.  Returns the number applied, or
 * -errno when the dump failed. */
int lvs_sync(struct lvs_handle *h, const struct lvs_table *wanted, const struct lvs_table *before,
	     unsigned *failed);

/* lvs_flush: every service in the kernel goes (global `lvs_flush`). */
int lvs_flush(struct lvs_handle *h);

/* lvs_timeouts: 0 leaves a value unchanged. */
int lvs_set_timeouts(struct lvs_handle *h, uint32_t tcp_s, uint32_t tcpfin_s, uint32_t udp_s);

/* lvs_sync_daemon: the kernel's connection synchronisation thread. */
enum lvs_sync_state { LVS_SYNC_MASTER = 1, LVS_SYNC_BACKUP = 2 };
struct lvs_sync_daemon {
	enum lvs_sync_state state;
	char ifname[16];
	uint32_t syncid;
	uint16_t sync_maxlen;           /* 0: kernel default */
	uint16_t mcast_port;            /* 0: kernel default */
	uint8_t mcast_ttl;              /* 0: kernel default */
	int mcast_family;               /* AF_UNSPEC: kernel default group */
	union lvs_addr mcast_group;
};
int lvs_sync_daemon_start(struct lvs_handle *h, const struct lvs_sync_daemon *d);
int lvs_sync_daemon_stop(struct lvs_handle *h, enum lvs_sync_state state, const char *ifname);

#endif
