/* KEEPALIVED-MIB's checker tables from a view (see snmp_checker.h), and
 * the LVS scalars (snmp_checker_lvs.c).
 *
 * A column whose value vigil does not have is left out of the row, as
 * the MIB asks for columns that do not apply (virtualServerFwMark of an
 * address virtual server, ...): IPVS counters without IPVS, rates (vigil
 * keeps none), virtualServerWeight (vigil has no virtual server weight),
 * retry and delay_before_retry when the configuration leaves them to
 * each checker type's default. */
#include "config.h"
#include "snmp/snmp_checker_private.h"

#include <string.h>

const oid snmp_checker_check_oid[] = { SNMP_CHECKER_CHECK };
const size_t snmp_checker_check_oid_len = OID_LENGTH(snmp_checker_check_oid);
static const oid group_entry_oid[] = { SNMP_CHECKER_CHECK, 1, 1 };
static const oid member_entry_oid[] = { SNMP_CHECKER_CHECK, 2, 1 };
const oid snmp_checker_vs_entry_oid[] = { SNMP_CHECKER_CHECK, 3, 1 };
const oid snmp_checker_rs_entry_oid[] = { SNMP_CHECKER_CHECK, 4, 1 };

#define TRUTH(b) ((b) ? 1 : 2)              /* TruthValue, and enabled(1)/disabled(2) */

void snmp_checker_cell(struct snmp_oid *o, const oid *entry, unsigned col, size_t i1, size_t i2)
{
	snmp_oid_set(o, entry, SNMP_CHECKER_ENTRY_LEN - 1);
	snmp_oid_push(o, col);
	snmp_oid_push(o, i1);
	if (i2)
		snmp_oid_push(o, i2);
}

long snmp_checker_inet_type(int family)
{
	return family == AF_INET6 ? 2 : 1;
}

size_t snmp_checker_addr_bytes(const struct vigil_addr *a, uint8_t out[16])
{
	if (a->family == AF_INET6) {
		memcpy(out, &a->u.v6, 16);
		return 16;
	}
	memcpy(out, &a->u.v4, 4);
	return 4;
}

long snmp_checker_vs_type(const struct check_vs_config *c)
{
	return c->kind == CHECK_VS_FWMARK ? 1 : c->kind == CHECK_VS_ADDR ? 2 : 3;
}

/* A fwmark service has no protocol unless the file gave one. */
long snmp_checker_protocol(const struct check_vs_config *c)
{
	static const long values[CHECK_PROTO_COUNT] = {
		[CHECK_PROTO_TCP] = 1, [CHECK_PROTO_UDP] = 2, [CHECK_PROTO_SCTP] = 3,
	};

	if (c->kind == CHECK_VS_FWMARK && !c->protocol_set)
		return 4;
	return values[c->protocol];
}

/* virtualServerLoadBalancingAlgo: rr(1) ... twos(14). */
static long algo(enum check_sched s)
{
	static const long values[CHECK_SCHED_COUNT] = {
		[CHECK_SCHED_RR] = 1, [CHECK_SCHED_WRR] = 2, [CHECK_SCHED_LC] = 3,
		[CHECK_SCHED_WLC] = 4, [CHECK_SCHED_LBLC] = 5, [CHECK_SCHED_LBLCR] = 6,
		[CHECK_SCHED_DH] = 7, [CHECK_SCHED_SH] = 8, [CHECK_SCHED_SED] = 9,
		[CHECK_SCHED_NQ] = 10, [CHECK_SCHED_FO] = 11, [CHECK_SCHED_OVF] = 12,
		[CHECK_SCHED_MH] = 13, [CHECK_SCHED_TWOS] = 14,
	};

	return s < CHECK_SCHED_COUNT ? values[s] : 99;
}

/* A row being written: its table entry and index. */
struct row {
	struct snmp_snap *s;
	const oid *entry;
	size_t i1, i2;
};

static void put_int(const struct row *r, unsigned col, long v)
{
	struct snmp_oid o;

	snmp_checker_cell(&o, r->entry, col, r->i1, r->i2);
	snmp_snap_int(r->s, &o, v);
}

static void put_uint(const struct row *r, unsigned col, u_char type, uint64_t v)
{
	struct snmp_oid o;

	snmp_checker_cell(&o, r->entry, col, r->i1, r->i2);
	if (type == ASN_COUNTER64)
		snmp_snap_counter64(r->s, &o, v);
	else
		snmp_snap_uint(r->s, &o, type, (unsigned long)(v > 0xffffffffu ? 0xffffffffu : v));
}

static void put_str(const struct row *r, unsigned col, const char *str)
{
	struct snmp_oid o;

	if (!str)
		return;
	snmp_checker_cell(&o, r->entry, col, r->i1, r->i2);
	snmp_snap_string(r->s, &o, str);
}

static void put_addr(const struct row *r, unsigned col, const struct vigil_addr *a)
{
	struct snmp_oid o;
	uint8_t b[16];

	snmp_checker_cell(&o, r->entry, col, r->i1, r->i2);
	snmp_snap_bytes(r->s, &o, ASN_OCTET_STR, b, snmp_checker_addr_bytes(a, b));
}

/* ---- virtual server groups ---- */

static void member_row(struct snmp_snap *s, size_t g, size_t m, const struct check_vsg_entry *e)
{
	struct row r = { s, member_entry_oid, g, m };
	bool range = e->kind == CHECK_VSG_ADDR && !vigil_addr_equal(&e->first, &e->last);

	if (e->kind == CHECK_VSG_FWMARK) {
		put_int(&r, 2, 1);
		put_uint(&r, 3, ASN_UNSIGNED, e->fwmark);
		return;
	}
	put_int(&r, 2, range ? 3 : 2);
	put_int(&r, 4, snmp_checker_inet_type(e->first.family));
	if (range) {
		put_addr(&r, 6, &e->first);
		put_addr(&r, 7, &e->last);
	} else {
		put_addr(&r, 5, &e->first);
	}
	if (e->has_port)
		put_uint(&r, 8, ASN_UNSIGNED, e->port);
}

static void group_rows(struct snmp_snap *s, const struct check_config *cc)
{
	for (size_t g = 0; cc && g < cc->groups.count; g++) {
		const struct check_vsg_config *grp = cc->groups.items[g];
		struct row r = { s, group_entry_oid, g + 1, 0 };

		put_str(&r, 2, grp->name);
		for (size_t m = 0; m < grp->entries.count; m++)
			member_row(s, g + 1, m + 1, grp->entries.items[m]);
	}
}

/* ---- virtual servers ---- */

static void vs_target(const struct row *r, const struct check_vs_config *c)
{
	put_int(r, 2, snmp_checker_vs_type(c));
	if (c->kind == CHECK_VS_GROUP)
		put_str(r, 3, c->group);
	if (c->kind == CHECK_VS_FWMARK)
		put_uint(r, 4, ASN_UNSIGNED, c->fwmark);
	if (c->kind == CHECK_VS_ADDR) {
		put_int(r, 5, snmp_checker_inet_type(c->addr.family));
		put_addr(r, 6, &c->addr);
		put_uint(r, 7, ASN_UNSIGNED, c->has_port ? c->port : 0);
	}
	put_int(r, 8, snmp_checker_protocol(c));
	put_int(r, 9, algo(c->sched));
	put_int(r, 10, (long)c->fwd.method + 1);        /* nat(1) dr(2) tun(3) */
}

/* virtualServerPersistGranularity: an IPv4 netmask; ...Granularity6 a
 * prefix length. */
static void vs_persistence(const struct row *r, const struct check_vs_config *c)
{
	struct vigil_addr mask = { .family = AF_INET };

	put_int(r, 13, TRUTH(c->persistent));
	if (c->persistent)
		put_uint(r, 14, ASN_UNSIGNED, c->persistence_timeout);
	if (!c->has_granularity)
		return;
	if (c->granularity_family == AF_INET6) {
		put_uint(r, 51, ASN_UNSIGNED, c->granularity_prefix);
		return;
	}
	mask.u.v4.s_addr = htonl(c->granularity_prefix ? ~0u << (32 - c->granularity_prefix) : 0);
	put_addr(r, 15, &mask);
}

static void vs_flags(const struct row *r, const struct check_vs_config *c)
{
	unsigned f = c->sched_flags;

	put_int(r, 37, TRUTH(c->ops));
	put_int(r, 52, TRUTH(f & (1u << CHECK_SCHED_F_HASHED)));
	put_int(r, 53, TRUTH(f & (1u << CHECK_SCHED_F_SH_FALLBACK)));
	put_int(r, 54, TRUTH(f & (1u << CHECK_SCHED_F_SH_PORT)));
	put_int(r, 55, TRUTH(f & (1u << CHECK_SCHED_F_FLAG3)));
	put_int(r, 62, TRUTH(f & (1u << CHECK_SCHED_F_MH_FALLBACK)));
	put_int(r, 63, TRUTH(f & (1u << CHECK_SCHED_F_MH_PORT)));
}

/* The timing columns of a virtual (base 16) or real server (base 43):
 * seconds and microseconds.  retry and delay_before_retry only when the
 * level or one above gave them (`given`: CHECK_SET_* bits). */
struct timing_cols { unsigned retry, dbr, warmup, delay, dbr_us, warmup_us, delay_us, conn_us; };

static void timing(const struct row *r, const struct timing_cols *t, const struct check_defaults *eff,
		   unsigned given)
{
	if (given & CHECK_SET_RETRY)
		put_uint(r, t->retry, ASN_UNSIGNED, eff->retry);
	if (given & CHECK_SET_DELAY_BEFORE_RETRY) {
		put_uint(r, t->dbr, ASN_UNSIGNED, eff->delay_before_retry_us / 1000000u);
		put_uint(r, t->dbr_us, ASN_UNSIGNED, eff->delay_before_retry_us);
	}
	put_uint(r, t->warmup, ASN_UNSIGNED, eff->warmup_us / 1000000u);
	put_uint(r, t->delay, ASN_UNSIGNED, eff->delay_loop_us / 1000000u);
	put_uint(r, t->warmup_us, ASN_UNSIGNED, eff->warmup_us);
	put_uint(r, t->delay_us, ASN_UNSIGNED, eff->delay_loop_us);
	put_uint(r, t->conn_us, ASN_UNSIGNED, eff->connect_timeout_us);
}

static const struct timing_cols vs_timing = { 57, 58, 59, 16, 65, 66, 64, 67 };
static const struct timing_cols rs_timing = { 43, 44, 45, 46, 48, 49, 50, 51 };

/* Tunnel columns (base: 68 for a virtual server, 52 for a real server). */
static void tunnel(const struct row *r, unsigned base, const struct check_fwd *f)
{
	if (f->method != CHECK_FWD_TUN)
		return;
	put_int(r, base, (long)f->tunnel + 1);                  /* ipip(1) gue(2) gre(3) */
	if (f->tunnel == CHECK_TUN_GUE)
		put_uint(r, base + 1, ASN_UNSIGNED, f->tunnel_port);
	if (f->csum != CHECK_CSUM_DEFAULT)
		put_int(r, base + 2, (long)f->csum);            /* nocsum(1) csum(2) remcsum(3) */
}

static const char *command(const struct check_script *s)
{
	return s ? s->command : NULL;
}

static void vs_row(struct snmp_snap *s, const struct snmp_checker_vs *v, size_t idx)
{
	const struct check_vs_config *c = v->cfg;
	struct row r = { s, snmp_checker_vs_entry_oid, idx, 0 };

	vs_target(&r, c);
	put_int(&r, 11, v->installed ? 1 : 2);          /* alive(1) dead(2) */
	put_str(&r, 12, c->defaults.virtualhost);
	vs_persistence(&r, c);
	put_int(&r, 17, TRUTH(c->ha_suspend));
	put_int(&r, 18, TRUTH(v->eff.alpha));
	put_int(&r, 19, TRUTH(c->omega));
	put_uint(&r, 20, ASN_UNSIGNED, v->rs_total);
	put_uint(&r, 21, ASN_UNSIGNED, v->rs_up);
	put_uint(&r, 22, ASN_UNSIGNED, c->quorum);
	put_int(&r, 23, v->quorum_ok ? 1 : 2);          /* met(1) notMet(2) */
	put_str(&r, 24, command(c->quorum_up));
	put_str(&r, 25, command(c->quorum_down));
	put_uint(&r, 26, ASN_UNSIGNED, c->hysteresis);
	vs_flags(&r, c);
	put_int(&r, 56, v->eff.inhibit_on_failure ? 2 : 1);     /* remove(1) inhibit(2) */
	timing(&r, &vs_timing, &v->eff, v->eff.set);
	put_int(&r, 61, TRUTH(v->smtp_alert));
	tunnel(&r, 68, &c->fwd);
	put_str(&r, 71, c->snmp_name);
}

/* ---- real servers ---- */

static void rs_stats(const struct row *r, const struct lvs_dest_stats *st)
{
	put_uint(r, 14, ASN_GAUGE, st->conns);
	put_uint(r, 15, ASN_GAUGE, st->active_conns);
	put_uint(r, 16, ASN_GAUGE, st->inactive_conns);
	put_uint(r, 17, ASN_GAUGE, st->persist_conns);
	put_uint(r, 18, ASN_COUNTER, st->inpkts);
	put_uint(r, 19, ASN_COUNTER, st->outpkts);
	put_uint(r, 20, ASN_COUNTER64, st->inbytes);
	put_uint(r, 21, ASN_COUNTER64, st->outbytes);
	put_uint(r, 27, ASN_COUNTER64, st->conns);
	put_uint(r, 28, ASN_COUNTER64, st->inpkts);
	put_uint(r, 29, ASN_COUNTER64, st->outpkts);
}

static void rs_row(struct snmp_snap *s, const struct snmp_checker_rs *rs, size_t vs, size_t idx)
{
	const struct check_rs_config *c = rs->cfg;
	struct row r = { s, snmp_checker_rs_entry_oid, vs, idx };

	put_int(&r, 2, rs->sorry ? 2 : 1);              /* regular(1) sorry(2) */
	put_int(&r, 3, snmp_checker_inet_type(c->addr.family));
	put_addr(&r, 4, &c->addr);
	put_uint(&r, 5, ASN_UNSIGNED, c->has_port ? c->port : 0);
	put_int(&r, 6, rs->alive ? 1 : 2);              /* alive(1) dead(2) */
	put_int(&r, SNMP_CHECKER_RS_WEIGHT, (long)rs->weight);
	if (c->uthreshold)
		put_uint(&r, 8, ASN_UNSIGNED, c->uthreshold);
	if (c->lthreshold)
		put_uint(&r, 9, ASN_UNSIGNED, c->lthreshold);
	put_int(&r, 10, rs->inhibit ? 2 : 1);           /* remove(1) inhibit(2) */
	put_str(&r, 11, command(c->notify_up));
	put_str(&r, 12, command(c->notify_down));
	put_uint(&r, 13, ASN_UNSIGNED, rs->checkers_down);
	if (rs->stats_known)
		rs_stats(&r, &rs->stats);
	put_int(&r, 40, (long)rs->fwd->method + 1);
	put_str(&r, 41, rs->eff.virtualhost);
	put_int(&r, 42, TRUTH(rs->eff.alpha));
	timing(&r, &rs_timing, &rs->eff, rs->eff.set);
	put_int(&r, 47, TRUTH(rs->smtp_alert));
	tunnel(&r, 52, rs->fwd);
	put_str(&r, 55, c->snmp_name);
}

void snmp_checker_build(struct snmp_snap *s, const struct snmp_checker_view *v)
{
	group_rows(s, v->cc);
	snmp_checker_build_lvs(s, v->g);
	for (size_t i = 0; i < v->nvs; i++) {
		if (!v->vss[i].cfg)
			continue;                   /* not asked for (a notification's view) */
		vs_row(s, &v->vss[i], i + 1);
		for (size_t j = 0; j < v->vss[i].nrs; j++)
			rs_row(s, &v->vss[i].rss[j], i + 1, j + 1);
	}
}
