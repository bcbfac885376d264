/* Writable integer columns (SNMP SET) on top of snmp_snap's phases.
 *
 * A column names its range and two functions: `check` says whether the
 * row named by the index exists and may take the value now, `apply`
 * changes the daemon and says what it replaced.  snmp_set_int runs
 * net-snmp's phases with them: RESERVE1 checks the type (wrongType) and
 * the range (wrongValue), RESERVE2 calls check (noCreation when there is
 * no such row, inconsistentValue when it cannot take the value), ACTION
 * applies and keeps the old value, UNDO puts the old value back (another
 * varbind of the same SET failed).  Nothing changes before ACTION, so a
 * refused SET changes nothing. */
#ifndef VIGIL_SNMP_SET_H
#define VIGIL_SNMP_SET_H

#include "snmp/late_snmp.h"

#include "snmp/snmp_write.h"

#include <stdbool.h>
#include <stddef.h>

struct snmp_set_int {
	long min, max;
	/* `index`/`len`: the OID after the column. */
	enum snmp_write_verdict (*check)(void *data, const oid *index, size_t len, long value);
	enum snmp_write_verdict (*apply)(void *data, const oid *index, size_t len, long value,
					 long *old);
};

/* Runs phase `mode` for `vb`, a cell of the column whose OID (up to and
 * including the column number) is `column`; returns an SNMP error status. */
int snmp_set_int_phase(const struct snmp_set_int *col, void *data, int mode,
		       netsnmp_variable_list *vb, const oid *column, size_t column_len);

/* The answer for a cell that is not writable: notWritable when the SET
 * is checked (RESERVE1), nothing in the phases after. */
int snmp_set_not_writable(int mode);

/* Whether `vb` names a cell under `column` (then its index follows). */
bool snmp_set_in_column(const netsnmp_variable_list *vb, const oid *column, size_t column_len);

#endif
