/* The checker worker's side of SNMP (see check_snmp_view.h). */
#include "config.h"
#include "checker/check_snmp_view.h"
#include "checker/check_runtime_private.h"

#ifdef WITH_SNMP
#include "daemon/global_conf.h"
#include "snmp/snmp_checker.h"

#include <stdint.h>
#include <string.h>

static struct snmp_checker *current;
static struct check_runtime *current_rt;

/* ---- describing the runtime ---- */

struct services_ctx {
	struct check_ipvs *ipvs;
	const struct check_vs_config *vs;
	const struct check_rs_config *rs;   /* NULL: counting installed services */
	size_t n, hits;
	struct lvs_dest_stats *sum;
};

static void on_service(const struct lvs_service *svc, void *arg)
{
	struct services_ctx *c = arg;
	struct lvs_dest_stats st;
	struct lvs_dest d;

	c->n++;
	if (!c->rs) {
		c->hits += check_ipvs_installed(c->ipvs, svc);
		return;
	}
	check_ipvs_dest_of(c->vs, c->rs, svc, 0, &d);
	if (!check_ipvs_dest_stats(c->ipvs, svc, &d, &st))
		return;
	c->hits++;
	c->sum->conns += st.conns;
	c->sum->active_conns += st.active_conns;
	c->sum->inactive_conns += st.inactive_conns;
	c->sum->persist_conns += st.persist_conns;
	c->sum->inpkts += st.inpkts;
	c->sum->outpkts += st.outpkts;
	c->sum->inbytes += st.inbytes;
	c->sum->outbytes += st.outbytes;
}

/* Every kernel service of the virtual server is in IPVS as wanted. */
static bool vs_installed(const struct check_vs *vs)
{
	struct services_ctx c = { .ipvs = vs->rt->ipvs, .vs = vs->cfg };

	if (!check_ipvs_available(vs->rt->ipvs))
		return false;
	check_ipvs_services_of(vs->rt->cfg->check, vs->cfg, on_service, &c);
	return c.n > 0 && c.hits == c.n;
}

static void rs_stats(const struct check_rs *rs, struct snmp_checker_rs *out)
{
	struct check_runtime *rt = rs->vs->rt;
	struct services_ctx c = { .ipvs = rt->ipvs, .vs = rs->vs->cfg, .rs = rs->cfg,
				  .sum = &out->stats };

	if (check_ipvs_available(rt->ipvs))
		check_ipvs_services_of(rt->cfg->check, rs->vs->cfg, on_service, &c);
	out->stats_known = c.hits > 0;
}

static void describe_rs(const struct check_rs *rs, struct snmp_checker_rs *out)
{
	const struct check_vs_config *vc = rs->vs->cfg;

	out->cfg = rs->cfg;
	out->alive = rs->up;
	out->weight = rs->weight;
	out->fwd = check_rs_fwd(vc, rs->cfg);
	check_checker_effective(vc, rs->cfg, NULL, &out->eff);
	out->eff.set = vc->defaults.set | rs->cfg->defaults.set;
	out->inhibit = out->eff.inhibit_on_failure;
	out->smtp_alert = check_rs_wants_mail(rs);
	for (size_t i = 0; i < rs->checkers.count; i++)
		out->checkers_down += !((const struct check_checker *)rs->checkers.items[i])->sched.up;
	rs_stats(rs, out);
}

/* The sorry server: alive while it stands in (quorum lost). */
static void describe_sorry(const struct check_vs *vs, struct snmp_checker_rs *out)
{
	const struct check_vs_config *vc = vs->cfg;

	out->cfg = vs->sorry->cfg;
	out->sorry = true;
	out->alive = !vs->quorum_ok;
	out->weight = vs->sorry->cfg->weight;
	out->fwd = vc->sorry_fwd.set ? &vc->sorry_fwd : &vc->fwd;
	check_checker_effective(vc, vs->sorry->cfg, NULL, &out->eff);
	out->eff.set = vc->defaults.set | vs->sorry->cfg->defaults.set;
	out->inhibit = vc->sorry_inhibit;
	rs_stats(vs->sorry, out);
}

static void describe_vs(const struct check_vs *vs, struct snmp_checker_vs *out)
{
	out->cfg = vs->cfg;
	check_checker_effective(vs->cfg, NULL, NULL, &out->eff);
	out->eff.set = vs->cfg->defaults.set;
	out->installed = vs_installed(vs);
	out->quorum_ok = vs->quorum_ok;
	out->smtp_alert = check_vs_wants_mail(vs);
	out->rs_total = (unsigned)vs->rss.count;
	out->nrs = vs->rss.count + (vs->sorry != NULL);
	out->rss = xcalloc(out->nrs + 1, sizeof(*out->rss));
	for (size_t i = 0; i < vs->rss.count; i++) {
		describe_rs(vs->rss.items[i], &out->rss[i]);
		out->rs_up += out->rss[i].alive;
	}
	if (vs->sorry)
		describe_sorry(vs, &out->rss[vs->rss.count]);
}

static void view(void *data, struct snmp_checker_view *out, size_t only)
{
	struct check_runtime *rt = data;

	/* Counters as they are now, as check_runtime_status does. */
	if (only == SIZE_MAX && check_ipvs_available(rt->ipvs))
		check_ipvs_refresh(rt->ipvs);
	out->g = rt->cfg->global;
	out->cc = rt->cfg->check;
	out->nvs = rt->vss.count;
	out->vss = xcalloc(out->nvs + 1, sizeof(*out->vss));
	for (size_t i = 0; i < rt->vss.count; i++)
		if (only == SIZE_MAX || only == i)
			describe_vs(rt->vss.items[i], &out->vss[i]);
	/* A walk asks for one virtual server at a time: those keep the
	 * counters read for the first until the next table change. */
	if (only == SIZE_MAX)
		check_ipvs_forget_counters(rt->ipvs);
}

/* ---- realServerWeight ---- */

static struct check_rs *find_rs(struct check_runtime *rt, size_t vs, size_t rs)
{
	struct check_vs *v;

	if (vs >= rt->vss.count)
		return NULL;
	v = rt->vss.items[vs];
	return rs < v->rss.count ? v->rss.items[rs] : NULL;
}

/* The sorry server's weight is its configuration's: not writable. */
static enum snmp_write_verdict weight_check(void *data, size_t vs, size_t rs, long weight)
{
	struct check_runtime *rt = data;
	struct check_vs *v;

	(void)weight;
	if (find_rs(rt, vs, rs))
		return SNMP_WRITE_OK;
	v = vs < rt->vss.count ? rt->vss.items[vs] : NULL;
	if (v && v->sorry && rs == v->rss.count)
		return SNMP_WRITE_NOT_WRITABLE;
	return SNMP_WRITE_NO_SUCH_ROW;
}

static enum snmp_write_verdict weight_apply(void *data, size_t vs, size_t rs, long weight,
					    long *old)
{
	struct check_rs *r = find_rs(data, vs, rs);

	if (!r)
		return SNMP_WRITE_FAILED;
	*old = (long)check_rs_base_weight(r);
	check_rs_set_weight(r, (uint32_t)weight);
	return SNMP_WRITE_OK;
}

static const struct snmp_checker_ops ops = {
	.view = view, .weight_check = weight_check, .weight_apply = weight_apply,
};

/* ---- life ---- */

void check_snmp_view_start(const struct vigil_config *cfg, struct check_runtime *rt)
{
	current_rt = rt;
	if (current || !snmp_checker_wanted(cfg->global))
		return;
	current = snmp_checker_start(rt->loop, cfg->global, &ops, rt);
}

void check_snmp_view_before_reload(struct check_runtime *rt)
{
	check_runtime_forget_weights(rt);
}

void check_snmp_view_reload(const struct vigil_config *cfg, struct check_runtime *rt)
{
	if (current)
		snmp_checker_reload(current, cfg->global);
	else
		check_snmp_view_start(cfg, rt);
}

void check_snmp_view_stop(void)
{
	snmp_checker_stop(current);
	current = NULL;
	current_rt = NULL;
}

/* ---- notifications ---- */

static size_t vs_position(const struct check_vs *vs)
{
	for (size_t i = 0; current_rt && i < current_rt->vss.count; i++)
		if (current_rt->vss.items[i] == vs)
			return i;
	return SIZE_MAX;
}

void check_snmp_view_rs_changed(const struct check_rs *rs)
{
	size_t vs = current ? vs_position(rs->vs) : SIZE_MAX;
	struct snmp_checker_view v = { 0 };

	if (vs == SIZE_MAX)
		return;      /* not started, or a virtual server being built */
	for (size_t i = 0; i < rs->vs->rss.count; i++) {
		if (rs->vs->rss.items[i] != rs)
			continue;
		view(current_rt, &v, vs);
		snmp_checker_rs_trap(current, &v, vs, i);
		snmp_checker_view_clear(&v);
	}
}

void check_snmp_view_quorum_changed(const struct check_vs *vs)
{
	size_t i = current ? vs_position(vs) : SIZE_MAX;
	struct snmp_checker_view v = { 0 };

	if (i == SIZE_MAX)
		return;
	view(current_rt, &v, i);
	snmp_checker_quorum_trap(current, &v, i);
	snmp_checker_view_clear(&v);
}

#else /* !WITH_SNMP */

void check_snmp_view_start(const struct vigil_config *cfg, struct check_runtime *rt)
{
	(void)cfg, (void)rt;
}

void check_snmp_view_before_reload(struct check_runtime *rt)
{
	(void)rt;
}

void check_snmp_view_reload(const struct vigil_config *cfg, struct check_runtime *rt)
{
	(void)cfg, (void)rt;
}

void check_snmp_view_stop(void)
{
}

void check_snmp_view_rs_changed(const struct check_rs *rs)
{
	(void)rs;
}

void check_snmp_view_quorum_changed(const struct check_vs *vs)
{
	(void)vs;
}

#endif
