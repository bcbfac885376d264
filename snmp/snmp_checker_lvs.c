/* KEEPALIVED-MIB's lvsSyncDaemon and lvsTimeouts scalars: what
 * global_defs asks of IPVS.  Only what the configuration says: a timeout
 * vigil leaves at the kernel's value (not configured) is left out, as
 * are the sync daemon's settings when there is none. */
#include "config.h"
#include "snmp/snmp_checker_private.h"

static void scalar(struct snmp_oid *o, unsigned group, unsigned item)
{
	snmp_oid_set(o, snmp_checker_check_oid, snmp_checker_check_oid_len);
	snmp_oid_push(o, group);
	snmp_oid_push(o, item);
	snmp_oid_push(o, 0);
}

/* lvsSyncDaemon ::= { check 6 } */
static void sync_daemon(struct snmp_snap *s, const struct global_lvs_sync_daemon *d)
{
	struct snmp_oid o;
	uint8_t b[16];

	scalar(&o, 6, 1);
	snmp_snap_int(s, &o, d->ifname ? 1 : 2);                /* enabled(1) disabled(2) */
	if (!d->ifname)
		return;
	scalar(&o, 6, 2);
	snmp_snap_string(s, &o, d->ifname);
	if (d->vrrp_instance) {
		scalar(&o, 6, 3);
		snmp_snap_string(s, &o, d->vrrp_instance);
	}
	if (d->has_sync_id) {
		scalar(&o, 6, 4);
		snmp_snap_int(s, &o, (long)d->sync_id);
	}
	scalar(&o, 6, 5);
	snmp_snap_int(s, &o, (long)d->maxlen);                  /* 0: the kernel's default */
	scalar(&o, 6, 6);
	snmp_snap_int(s, &o, d->port);
	scalar(&o, 6, 7);
	snmp_snap_int(s, &o, (long)d->ttl);                     /* 0: the kernel's default */
	if (!d->group.family)
		return;
	scalar(&o, 6, 8);
	snmp_snap_int(s, &o, snmp_checker_inet_type(d->group.family));
	scalar(&o, 6, 9);
	snmp_snap_bytes(s, &o, ASN_OCTET_STR, b, snmp_checker_addr_bytes(&d->group, b));
}

/* lvsTimeouts ::= { check 7 }: tcp(1), tcpfin(2), udp(3) in seconds. */
static void timeouts(struct snmp_snap *s, const struct global_config *g)
{
	const uint32_t values[] = { g->lvs_timeout_tcp_s, g->lvs_timeout_tcpfin_s,
				    g->lvs_timeout_udp_s };
	struct snmp_oid o;

	for (unsigned i = 0; g->has_lvs_timeouts && i < 3; i++) {
		if (!values[i])
			continue;
		scalar(&o, 7, i + 1);
		snmp_snap_int(s, &o, (long)values[i]);
	}
}

void snmp_checker_build_lvs(struct snmp_snap *s, const struct global_config *g)
{
	if (!g)
		return;
	sync_daemon(s, &g->lvs_sync_daemon);
	timeouts(s, g);
}
