/* What the daemon answers to an SNMP SET of one of its objects, without
 * net-snmp's headers (the workers' views include this; snmp_set.c turns
 * it into the SNMP error status). */
#ifndef VIGIL_SNMP_WRITE_H
#define VIGIL_SNMP_WRITE_H

enum snmp_write_verdict {
	SNMP_WRITE_OK,
	SNMP_WRITE_NO_SUCH_ROW,             /* noCreation: rows are made by the configuration */
	SNMP_WRITE_INCONSISTENT,            /* inconsistentValue: not for this row now */
	SNMP_WRITE_NOT_WRITABLE,            /* notWritable: this row's cell is read-only */
	SNMP_WRITE_FAILED,                  /* commitFailed: the row is gone since the check */
	SNMP_WRITE_COUNT
};

#endif
