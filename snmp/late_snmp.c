/* The net-snmp agent table: see snmp/late_snmp.h. */
#include "config.h"
#include "snmp/late_snmp.h"

LATE_LIB_DEFINE(late_snmp, "net-snmp's agent library", SNMP_AGENT_SONAME, LATE_SNMP_SYMBOLS);
