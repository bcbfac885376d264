/* The checker runtime: built from the configuration, reloaded as a diff,
 * and the wanted IPVS table rebuilt and handed to check_ipvs after every
 * change.  See check_runtime.h. */
#include "config.h"
#include "checker/check_runtime_private.h"

#include "checker/check_curl.h"
#include "checker/check_sock.h"
#include "daemon/global_conf.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHECK_DRAIN_POLL_MS 1000

uint32_t check_runtime_random(struct check_runtime *rt)
{
	/* xorshift32: spreading timers needs no cryptographic quality. */
	uint32_t x = rt->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rt->rng = x;
	return x;
}

static void conf_json_drop(struct check_runtime *rt)
{
	json_object_put(rt->conf_json);
	rt->conf_json = NULL;
	rt->conf_json_of = NULL;
}

/* One real server at a time: the whole configuration's JSON, made at once,
 * cost about 5 KiB per real server, all of it alive among the runtime
 * objects being made; freed, it left the heap fragmented (8.6 MB of heap
 * for 2.6 MB in use with 1,000 real servers).  Keyed by the configuration
 * object, which outlives the build (a runtime object's address could be
 * reused). */
json_object *check_runtime_rs_json(struct check_runtime *rt, const struct check_rs *rs)
{
	if (rt->conf_json_of != rs->cfg) {
		conf_json_drop(rt);
		rt->conf_json = check_rs_config_to_json(rs->vs->cfg, rs->cfg);
		rt->conf_json_of = rs->cfg;
	}
	return rt->conf_json;
}

/* ---- the wanted IPVS table ---- */

struct table_ctx {
	struct lvs_table *table;
	const struct check_vs *vs;
};

static void add_dest(struct lvs_table_service *ts, const struct check_vs *vs,
		     const struct check_rs *rs, const struct lvs_service *svc, int64_t weight)
{
	struct lvs_dest d;

	if (weight < 0)
		return;
	check_ipvs_dest_of(vs->cfg, rs->cfg, svc, (int32_t)(weight > INT32_MAX ? INT32_MAX : weight),
			   &d);
	lvs_table_add_dest(ts, &d);
}

static void add_service(const struct lvs_service *svc, void *arg)
{
	struct table_ctx *t = arg;
	const struct check_vs *vs = t->vs;
	const struct check_vs_config *c = vs->cfg;
	struct lvs_table_service *ts = lvs_table_add_service(t->table, svc);

	if (check_vs_real_servers_in(vs->sorry != NULL, vs->quorum_ok))
		for (size_t i = 0; i < vs->rss.count; i++)
			add_dest(ts, vs, vs->rss.items[i], svc, check_rs_wanted_weight(vs->rss.items[i]));
	if (vs->sorry)
		add_dest(ts, vs, vs->sorry, svc, check_vs_sorry_weight(true, vs->quorum_ok,
								       c->sorry->weight,
								       c->sorry_inhibit));
}

static void build_wanted_table(uv_timer_t *timer)
{
	struct check_runtime *rt = timer->data;
	struct lvs_table wanted;
	struct table_ctx t = { .table = &wanted };

	lvs_table_init(&wanted);
	for (size_t i = 0; i < rt->vss.count; i++) {
		t.vs = rt->vss.items[i];
		check_ipvs_services_of(rt->cfg->check, t.vs->cfg, add_service, &t);
	}
	rt->table_pending = false;
	/* check_ipvs takes the contents; anything left is ours to free. */
	check_ipvs_want(rt->ipvs, &wanted);
	lvs_table_free(&wanted);
}

void check_runtime_changed(struct check_runtime *rt)
{
	if (rt->table_pending)
		return;
	rt->table_pending = true;
	uv_timer_start(&rt->table_timer, build_wanted_table, 0, 0);
}

/* ---- drains ---- */

struct stats_ctx {
	const struct check_rs *rs;
	struct check_ipvs *ipvs;
	struct lvs_dest_stats *sum;
	bool known;
};

static void add_stats(const struct lvs_service *svc, void *arg)
{
	struct stats_ctx *s = arg;
	struct lvs_dest d;
	struct lvs_dest_stats st;

	check_ipvs_dest_of(s->rs->vs->cfg, s->rs->cfg, svc, 0, &d);
	if (!check_ipvs_dest_stats(s->ipvs, svc, &d, &st))
		return;
	s->known = true;
	s->sum->active_conns += st.active_conns;
	s->sum->inactive_conns += st.inactive_conns;
	s->sum->persist_conns += st.persist_conns;
	s->sum->conns += st.conns;
}

bool check_rs_conn_stats(const struct check_rs *rs, struct lvs_dest_stats *sum)
{
	struct check_runtime *rt = rs->vs->rt;
	struct stats_ctx s = { .rs = rs, .ipvs = rt->ipvs, .sum = sum };

	memset(sum, 0, sizeof(*sum));
	if (!check_ipvs_available(rt->ipvs))
		return false;
	check_ipvs_services_of(rt->cfg->check, rs->vs->cfg, add_stats, &s);
	return s.known;
}

/* A drained real server leaves IPVS once its connections are gone.
 * Returns how many are still waiting. */
static size_t drain_check(struct check_runtime *rt, bool *changed)
{
	size_t waiting = 0;
	struct lvs_dest_stats st;
	char name[96];

	for (size_t i = 0; i < rt->vss.count; i++) {
		struct check_vs *vs = rt->vss.items[i];

		for (size_t j = 0; j < vs->rss.count; j++) {
			struct check_rs *rs = vs->rss.items[j];

			if (!rs->drained || rs->drain_done)
				continue;
			if (!check_rs_conn_stats(rs, &st) || st.active_conns + st.inactive_conns) {
				waiting++;
				continue;
			}
			rs->drain_done = true;
			*changed = true;
			check_rs_name(rs, name, sizeof(name));
			log_info("real server %s: drained, no connections left; removed", name);
		}
	}
	return waiting;
}

static void drain_tick(uv_timer_t *t)
{
	struct check_runtime *rt = t->data;
	bool changed = false, waiting;

	check_ipvs_refresh(rt->ipvs);
	waiting = drain_check(rt, &changed) > 0;
	check_ipvs_forget_counters(rt->ipvs);
	if (!waiting) {
		uv_timer_stop(&rt->drain_timer);
		rt->drain_timer_on = false;
	}
	if (changed)
		check_runtime_changed(rt);
}

void check_runtime_drain_poll(struct check_runtime *rt)
{
	/* Without IPVS there are no connections to wait for: weight 0 stays. */
	if (rt->drain_timer_on || !check_ipvs_available(rt->ipvs))
		return;
	rt->drain_timer_on = true;
	uv_timer_start(&rt->drain_timer, drain_tick, CHECK_DRAIN_POLL_MS, CHECK_DRAIN_POLL_MS);
}

/* ---- build and reload ---- */

/* SSL_GET is the one checker that goes through libcurl. */
static bool has_ssl_get(const struct check_config *cc)
{
	for (size_t i = 0; cc && i < cc->virtual_servers.count; i++) {
		const struct check_vs_config *vs = cc->virtual_servers.items[i];

		for (size_t j = 0; j < vs->real_servers.count; j++) {
			const struct check_rs_config *rs = vs->real_servers.items[j];

			for (size_t k = 0; k < rs->checkers.count; k++) {
				const struct check_checker_config *c = rs->checkers.items[k];

				if (c->type == CHECK_TYPE_SSL_GET)
					return true;
			}
		}
	}
	return false;
}

/* SSL_GET checkers start transfers all the time: their
 * loop keeps its curl multi handle and pool of easy handles between
 * them (check_curl.h) for as long as the configuration has any. */
static void curl_hold_update(struct check_runtime *rt, bool want)
{
	if (want == rt->curl_held)
		return;
	if (want)
		rt->curl_held = check_curl_hold(rt->loop) == 0;
	else {
		check_curl_release(rt->loop);
		rt->curl_held = false;
	}
}

static void script_runner_start(struct check_runtime *rt)
{
	rt->scripts = script_runner_new(rt->loop, NULL);
}

struct check_runtime *check_runtime_new(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct check_runtime *rt = XNEW(struct check_runtime);

	rt->loop = loop;
	rt->cfg = cfg;
	rt->rng = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ 0x9e3779b9u;
	if (!rt->rng)
		rt->rng = 1;
	rt->ipvs = check_ipvs_new(loop, cfg);
	/* probes open and close sockets all the time: the loop's socket set
	 * stays between them (without it, each would just make its own) */
	rt->socks_held = check_sock_hold(loop) == 0;
	script_runner_start(rt);
	uv_timer_init(loop, &rt->drain_timer);
	rt->drain_timer.data = rt;
	uv_timer_init(loop, &rt->table_timer);
	rt->table_timer.data = rt;
	for (size_t i = 0; cfg->check && i < cfg->check->virtual_servers.count; i++)
		ptr_array_push(&rt->vss, check_vs_new(rt, cfg->check->virtual_servers.items[i]));
	conf_json_drop(rt);
	curl_hold_update(rt, has_ssl_get(cfg->check));
	check_runtime_changed(rt);
	return rt;
}

/* The same kernel service(s): address/port/protocol, fwmark or group. */
static bool same_vs(const struct check_vs_config *a, const struct check_vs_config *b)
{
	if (a->kind != b->kind || a->protocol != b->protocol)
		return false;
	switch (a->kind) {
	case CHECK_VS_ADDR:
		return vigil_addr_equal(&a->addr, &b->addr) && a->has_port == b->has_port
		       && (!a->has_port || a->port == b->port);
	case CHECK_VS_FWMARK:
		return a->fwmark == b->fwmark && a->ip_family == b->ip_family;
	case CHECK_VS_GROUP:
		return strcmp(a->group, b->group) == 0;
	}
	return false;
}

static struct check_vs *take_vs(struct ptr_array *old, const struct check_vs_config *cfg)
{
	for (size_t i = 0; i < old->count; i++) {
		struct check_vs *vs = old->items[i];

		if (vs && same_vs(vs->cfg, cfg)) {
			old->items[i] = NULL;
			return vs;
		}
	}
	return NULL;
}

void check_runtime_reload(struct check_runtime *rt, const struct vigil_config *cfg)
{
	struct ptr_array old = rt->vss;

	rt->cfg = cfg;
	conf_json_drop(rt);
	check_ipvs_reconfigure(rt->ipvs, cfg);
	memset(&rt->vss, 0, sizeof(rt->vss));
	for (size_t i = 0; cfg->check && i < cfg->check->virtual_servers.count; i++) {
		const struct check_vs_config *vc = cfg->check->virtual_servers.items[i];
		struct check_vs *vs = take_vs(&old, vc);

		if (vs)
			check_vs_reconfigure(vs, vc);
		else
			vs = check_vs_new(rt, vc);
		ptr_array_push(&rt->vss, vs);
	}
	for (size_t i = 0; i < old.count; i++)
		if (old.items[i])
			check_vs_destroy(old.items[i]);
	ptr_array_free(&old, NULL);
	conf_json_drop(rt);
	curl_hold_update(rt, has_ssl_get(cfg->check));
	check_runtime_changed(rt);
}

/* ---- stop ---- */

/* How long omega's and other pending scripts may finish at stop: the
 * parent kills a worker that takes longer than child_wait_time. */
static uint64_t scripts_grace_us(const struct global_config *g)
{
	uint32_t wait_s = g && g->child_wait_time_s ? g->child_wait_time_s : 5;

	return wait_s > 1 ? (uint64_t)(wait_s - 1) * 1000000 : 500000;
}

static void runtime_closed(uv_handle_t *h)
{
	struct check_runtime *rt = h->data;

	if (--rt->open_handles == 0)
		free(rt);
}

void check_runtime_free(struct check_runtime *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->vss.count; i++)
		check_vs_omega(rt->vss.items[i]);
	for (size_t i = 0; i < rt->vss.count; i++)
		check_vs_destroy(rt->vss.items[i]);
	ptr_array_free(&rt->vss, NULL);
	curl_hold_update(rt, false);
	if (rt->socks_held)
		check_sock_release(rt->loop);
	check_ipvs_close(rt->ipvs, rt->cfg);
	script_runner_close_after(rt->scripts, scripts_grace_us(rt->cfg->global));
	check_runtime_forget_scripts(rt);
	rt->open_handles = 2;
	uv_close((uv_handle_t *)&rt->drain_timer, runtime_closed);
	uv_close((uv_handle_t *)&rt->table_timer, runtime_closed);
}
