/* Read-only MIB subtrees answered from a snapshot.
 *
 * A subtree (a table, or a group of scalars) is registered with a
 * builder.  On a request the snapshot is rebuilt when older than
 * SNMP_SNAP_MAX_AGE_MS: the builder emits every instance of the subtree
 * (any order), the snapshot sorts them, and GET / GETNEXT are a binary
 * search.  A walk therefore sees one consistent picture of the daemon,
 * built once instead of once per cell, and counters are at most that old.
 * Rows come and go with the daemon's objects: nothing is cached across
 * reloads longer than the age limit. */
#ifndef VIGIL_SNMP_SNAP_H
#define VIGIL_SNMP_SNAP_H

#include "snmp/late_snmp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNMP_SNAP_MAX_AGE_MS 500

struct snmp_snap;

/* Emits the subtree's instances into `s`; `data` is the registration's. */
typedef void snmp_snap_build_fn(struct snmp_snap *s, void *data);

/* An OID under construction: a prefix plus columns and index parts. */
struct snmp_oid {
	oid id[MAX_OID_LEN];
	size_t len;
};

void snmp_oid_set(struct snmp_oid *o, const oid *prefix, size_t len);
void snmp_oid_push(struct snmp_oid *o, oid sub);
/* An InetAddress index part: length then the bytes (RFC 4001). */
void snmp_oid_push_bytes(struct snmp_oid *o, const uint8_t *bytes, size_t len, bool implied);

/* Adding one instance (`o` is copied). */
void snmp_snap_int(struct snmp_snap *s, const struct snmp_oid *o, long v);
void snmp_snap_uint(struct snmp_snap *s, const struct snmp_oid *o, u_char type, unsigned long v);
void snmp_snap_counter64(struct snmp_snap *s, const struct snmp_oid *o, uint64_t v);
void snmp_snap_bytes(struct snmp_snap *s, const struct snmp_oid *o, u_char type,
		     const void *bytes, size_t len);
void snmp_snap_string(struct snmp_snap *s, const struct snmp_oid *o, const char *str);

/* A snapshot outside a registration (tests, tools): new, built by
 * `build`, sorted. */
struct snmp_snap *snmp_snap_build(snmp_snap_build_fn *build, void *data);
void snmp_snap_free(struct snmp_snap *s);
/* Answers `vb` from `s`: the instance named by vb (GET) or the first one
 * after it (GETNEXT, `next`).  Returns false, leaving vb alone, when
 * there is none. */
bool snmp_snap_answer(const struct snmp_snap *s, netsnmp_variable_list *vb, bool next);

/* A registered subtree; NULL on failure (logged). */
struct snmp_snap_reg;
struct snmp_snap_reg *snmp_snap_register(const char *name, const oid *root, size_t root_len,
					 snmp_snap_build_fn *build, void *data);
/* A subtree with writable instances: `set` is called for each varbind of
 * a SET in each of net-snmp's phases (MODE_SET_RESERVE1, RESERVE2,
 * ACTION, COMMIT, FREE, UNDO) and returns an SNMP error status
 * (SNMP_ERR_NOERROR to go on).  It checks the type and range in RESERVE1,
 * that the row exists and takes the value in RESERVE2, changes the daemon
 * in ACTION and changes it back in UNDO.  After ACTION or UNDO the
 * snapshot is rebuilt at the next read. */
typedef int snmp_snap_set_fn(void *data, int mode, netsnmp_variable_list *vb);
struct snmp_snap_reg *snmp_snap_register_rw(const char *name, const oid *root, size_t root_len,
					    snmp_snap_build_fn *build, snmp_snap_set_fn *set,
					    void *data);
void snmp_snap_unregister(struct snmp_snap_reg *reg);

#endif
