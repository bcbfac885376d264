/* Keeping the kernel's IPVS table in step with what the checker wants.
 *
 * The runtime hands over the whole wanted table after every change; the
 * sync runs from a zero-delay timer, so everything that changed during one
 * loop iteration (a reload, a burst of check results) costs one dump, one
 * plan and the operations it lists.  The table last synced is kept as
 * "before": a service that drops out of the wanted table is deleted, one
 * vigil never wanted is never touched.  After each sync a fresh dump
 * answers check_ipvs_installed() and the counters. */
#include "config.h"
#include "checker/check_ipvs.h"
#include "vrrp/vrrp_lvs_sync.h"
#include "daemon/global_conf.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <malloc.h>
#include <linux/ip_vs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct check_ipvs {
	uv_loop_t *loop;
	struct lvs_handle *lvs;          /* NULL: IPVS unavailable */
	char version[128];               /* or why IPVS is unavailable */
	uv_timer_t sync_timer;
	struct lvs_table pending;        /* wanted, not yet synced */
	bool has_pending;
	struct lvs_table synced;         /* the last wanted table applied */
	struct lvs_table kernel;         /* the services after the last sync */
	bool kernel_counters;            /* kernel has destinations and counters */
	uint64_t retry_ms;               /* 0: the last sync went through */
	bool sync_daemons;               /* we started master and backup */
	struct lvs_sync_daemon sync_applied;   /* their settings (state: master) */
};

/* A sync the kernel partly refused is tried again, backing off. */
#define CHECK_IPVS_RETRY_FIRST_MS 5000u
#define CHECK_IPVS_RETRY_MAX_MS 300000u
/* A sync with this many operations (the first of a large table, a big
 * reload) leaves megabytes of netlink messages and plans free but mapped. */
#define CHECK_IPVS_TRIM_OPS 256

/* ---- global settings ---- */

static void apply_timeouts(struct check_ipvs *ci, const struct global_config *g)
{
	int rc;

	if (!g->has_lvs_timeouts)
		return;
	rc = lvs_set_timeouts(ci->lvs, g->lvs_timeout_tcp_s, g->lvs_timeout_tcpfin_s,
			      g->lvs_timeout_udp_s);
	if (rc < 0)
		log_error("lvs_timeouts: the kernel refused them: %s", strerror(-rc));
}

static void sync_daemons_stop(struct check_ipvs *ci)
{
	if (!ci->sync_daemons)
		return;
	lvs_sync_daemon_stop(ci->lvs, LVS_SYNC_MASTER, ci->sync_applied.ifname);
	lvs_sync_daemon_stop(ci->lvs, LVS_SYNC_BACKUP, ci->sync_applied.ifname);
	ci->sync_daemons = false;
}

static void sync_daemons_start(struct check_ipvs *ci, const struct global_lvs_sync_daemon *c)
{
	static const enum lvs_sync_state states[] = { LVS_SYNC_MASTER, LVS_SYNC_BACKUP };
	struct lvs_sync_daemon d;
	int rc;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		vrrp_lvs_sync_daemon_fill(c, states[i], 0, &d);
		rc = lvs_sync_daemon_start(ci->lvs, &d);
		if (rc < 0 && rc != -EEXIST)
			log_error("lvs_sync_daemon: cannot start the %s daemon on %s: %s",
				  states[i] == LVS_SYNC_MASTER ? "master" : "backup", c->ifname,
				  strerror(-rc));
		else
			log_info("lvs_sync_daemon: %s daemon running on %s (syncid %u)",
				 states[i] == LVS_SYNC_MASTER ? "master" : "backup", c->ifname,
				 d.syncid);
	}
	vrrp_lvs_sync_daemon_fill(c, LVS_SYNC_MASTER, 0, &ci->sync_applied);
	ci->sync_daemons = true;
}

/* The line gained an instance: the VRRP process owns the daemons now and
 * stops what the kernel runs before it starts its own, whenever its reload
 * comes; stopping ours here could stop the daemon it has just started. */
static void sync_daemons_hand_over(struct check_ipvs *ci)
{
	if (!ci->sync_daemons)
		return;
	log_info("lvs_sync_daemon: the daemons on %s are the VRRP process's from now on",
		 ci->sync_applied.ifname);
	ci->sync_daemons = false;
}

/* Without a vrrp_instance both daemons run for as long as vigil does.  With
 * one, which daemon runs follows that instance's state, which only the VRRP
 * process knows: it runs them (vrrp/vrrp_lvs_sync.c) and we start none.  A
 * reload that keeps the settings leaves them running; one that gives us
 * the daemons first stops what the VRRP process may have left (see
 * vrrp_lvs_sync.h: who owns them). */
static void apply_sync_daemon(struct check_ipvs *ci, const struct global_config *g)
{
	const struct global_lvs_sync_daemon *c = &g->lvs_sync_daemon;
	struct lvs_sync_daemon want;

	if (c->ifname && c->vrrp_instance) {
		sync_daemons_hand_over(ci);
		return;
	}
	if (c->ifname && ci->sync_daemons) {
		vrrp_lvs_sync_daemon_fill(c, LVS_SYNC_MASTER, 0, &want);
		if (memcmp(&want, &ci->sync_applied, sizeof(want)) == 0)
			return;
	}
	if (!ci->sync_daemons && c->ifname)
		vrrp_lvs_sync_take_over(ci->lvs, c->ifname);
	sync_daemons_stop(ci);
	if (c->ifname)
		sync_daemons_start(ci, c);
}

/* ---- syncing ---- */

static int dump_kernel(struct check_ipvs *ci, enum lvs_dump_depth depth)
{
	struct lvs_table fresh;
	int rc;

	if (!ci->lvs)
		return -ENOTSUP;
	rc = lvs_dump(ci->lvs, &fresh, depth);
	if (rc < 0) {
		lvs_table_free(&fresh);
		return rc;
	}
	lvs_table_free(&ci->kernel);
	ci->kernel = fresh;
	ci->kernel_counters = depth == LVS_DUMP_COUNTERS;
	return 0;
}

static void refresh_dump(struct check_ipvs *ci)
{
	int rc = dump_kernel(ci, LVS_DUMP_SERVICES);

	if (rc < 0)
		log_error("IPVS: cannot read the kernel's table: %s", strerror(-rc));
}

static void sync_timer_cb(uv_timer_t *t);

/* After a sync: all went through, or try the same table again later (the
 * planner makes that cheap: only what is still missing is done again). */
static void sync_outcome(struct check_ipvs *ci, int applied, unsigned failed)
{
	if (applied >= 0 && failed == 0) {
		ci->retry_ms = 0;
		return;
	}
	ci->retry_ms = ci->retry_ms ? ci->retry_ms * 2 : CHECK_IPVS_RETRY_FIRST_MS;
	if (ci->retry_ms > CHECK_IPVS_RETRY_MAX_MS)
		ci->retry_ms = CHECK_IPVS_RETRY_MAX_MS;
	log_warning("IPVS: the kernel's table is not yet as wanted; trying again in %u s",
		    (unsigned)(ci->retry_ms / 1000));
	uv_timer_start(&ci->sync_timer, sync_timer_cb, ci->retry_ms, 0);
}

static void sync_now(struct check_ipvs *ci)
{
	unsigned failed = 0;
	int applied;

	if (ci->has_pending) {
		applied = lvs_sync(ci->lvs, &ci->pending, &ci->synced, &failed);
		lvs_table_free(&ci->synced);
		ci->synced = ci->pending;
		lvs_table_trim(&ci->synced);   /* kept until the next change */
		lvs_table_init(&ci->pending);
		ci->has_pending = false;
	} else {
		applied = lvs_sync(ci->lvs, &ci->synced, &ci->synced, &failed);
	}
	if (applied < 0)
		log_error("IPVS: cannot read the kernel's table, nothing changed: %s",
			  strerror(-applied));
	else if (applied > 0 || failed > 0)
		log_debug("IPVS: %d change(s) applied, %u failed", applied, failed);
	refresh_dump(ci);
	if (applied + (int)failed >= CHECK_IPVS_TRIM_OPS)
		malloc_trim(0);
	sync_outcome(ci, applied, failed);
}

static void sync_timer_cb(uv_timer_t *t)
{
	sync_now(t->data);
}

/* ---- public ---- */

struct check_ipvs *check_ipvs_new(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct check_ipvs *ci = XNEW(struct check_ipvs);
	char err[sizeof(ci->version)] = "";

	ci->loop = loop;
	lvs_table_init(&ci->pending);
	lvs_table_init(&ci->synced);
	lvs_table_init(&ci->kernel);
	uv_timer_init(loop, &ci->sync_timer);
	ci->sync_timer.data = ci;
	ci->lvs = lvs_open(err, sizeof(err));
	if (!ci->lvs) {
		snprintf(ci->version, sizeof(ci->version), "%s", err[0] ? err : "IPVS unavailable");
		log_warning("IPVS: unavailable, no virtual server will be installed (%s)",
			    ci->version);
		return ci;
	}
	snprintf(ci->version, sizeof(ci->version), "%s", lvs_version(ci->lvs));
	if (cfg && cfg->global && cfg->global->lvs_flush) {
		log_info("IPVS: lvs_flush: removing every virtual server in the kernel");
		if (lvs_flush(ci->lvs) < 0)
			log_error("IPVS: lvs_flush failed");
	}
	check_ipvs_reconfigure(ci, cfg);
	refresh_dump(ci);
	return ci;
}

bool check_ipvs_available(const struct check_ipvs *ci)
{
	return ci->lvs != NULL;
}

const char *check_ipvs_version(const struct check_ipvs *ci)
{
	return ci->version;
}

/* The table's contents move into ci and *wanted is left empty: the caller
 * keeps the struct itself (on its stack or to free), so either use is safe. */
void check_ipvs_want(struct check_ipvs *ci, struct lvs_table *wanted)
{
	if (!ci->lvs) {
		lvs_table_free(wanted);
		lvs_table_init(wanted);
		return;
	}
	lvs_table_free(&ci->pending);
	ci->pending = *wanted;
	lvs_table_init(wanted);
	ci->has_pending = true;
	/* Zero delay: runs in the loop's next timer phase, after every other
	 * change of this iteration; it also replaces a pending retry. */
	uv_timer_start(&ci->sync_timer, sync_timer_cb, 0, 0);
}

/* The kernel adds the hashed flag itself; comparing without it keeps the
 * answer right whichever way the dump reports it. */
static bool service_as_wanted(const struct lvs_service *k, const struct lvs_service *w)
{
	uint32_t mask = ~(uint32_t)IP_VS_SVC_F_HASHED;

	return strcmp(k->sched, w->sched) == 0 && (k->flags & mask) == (w->flags & mask) &&
	       k->timeout == w->timeout && k->netmask == w->netmask &&
	       strcmp(k->pe_name, w->pe_name) == 0;
}

bool check_ipvs_installed(const struct check_ipvs *ci, const struct lvs_service *svc)
{
	const struct lvs_table_service *ts;

	if (!ci->lvs)
		return false;
	ts = lvs_table_find(&ci->kernel, svc);
	return ts && service_as_wanted(&ts->svc, svc);
}

bool check_ipvs_dest_stats(struct check_ipvs *ci, const struct lvs_service *svc,
			   const struct lvs_dest *dest, struct lvs_dest_stats *out)
{
	const struct lvs_table_service *ts;
	const struct lvs_dest_stats *st;

	if (!ci->lvs || (!ci->kernel_counters && check_ipvs_refresh(ci) < 0))
		return false;
	ts = lvs_table_find(&ci->kernel, svc);
	st = ts ? lvs_table_find_stats(ts, dest) : NULL;
	if (!st)
		return false;
	*out = *st;
	return true;
}

int check_ipvs_refresh(struct check_ipvs *ci)
{
	return dump_kernel(ci, LVS_DUMP_COUNTERS);
}

void check_ipvs_forget_counters(struct check_ipvs *ci)
{
	lvs_table_drop_dests(&ci->kernel);
	ci->kernel_counters = false;
}

void check_ipvs_reconfigure(struct check_ipvs *ci, const struct vigil_config *cfg)
{
	if (!ci->lvs || !cfg || !cfg->global)
		return;
	apply_timeouts(ci, cfg->global);
	apply_sync_daemon(ci, cfg->global);
}

/* Deletes every service `owned` lists that the kernel still has: the
 * planner, told nothing is wanted any more, lists exactly those. */
static void remove_owned(struct check_ipvs *ci, const struct lvs_table *owned)
{
	struct lvs_table none;
	unsigned failed = 0;

	lvs_table_init(&none);
	if (lvs_sync(ci->lvs, &none, owned, &failed) < 0 || failed > 0)
		log_error("IPVS: some virtual servers could not be removed at stop");
	lvs_table_free(&none);
}

/* keepalived removes the virtual servers it manages at stop and leaves
 * foreign ones (seen in the VM tier); lvs_flush_on_stop VS only changes how
 * (the kernel drops the real servers with their service), so it ends the
 * same; a bare lvs_flush_on_stop empties the whole table. */
static void release_table(struct check_ipvs *ci, const struct vigil_config *cfg)
{
	enum global_lvs_flush_on_stop how = cfg && cfg->global ?
		cfg->global->lvs_flush_on_stop : GLOBAL_FLUSH_ON_STOP_NONE;

	if (how == GLOBAL_FLUSH_ON_STOP_ALL) {
		log_info("IPVS: lvs_flush_on_stop: removing every virtual server in the kernel");
		if (lvs_flush(ci->lvs) < 0)
			log_error("IPVS: lvs_flush at stop failed");
		return;
	}
	remove_owned(ci, &ci->synced);
	if (ci->has_pending)
		remove_owned(ci, &ci->pending);
}

/* -I is a property of the process, known before any check_ipvs exists. */
static bool keep_table_at_stop;

void check_ipvs_keep_at_stop(bool keep)
{
	keep_table_at_stop = keep;
}

/* ci itself goes when the loop runs the timer's close callback (the
 * worker runs its loop until every handle is closed). */
static void close_cb(uv_handle_t *h)
{
	free(h->data);
}

void check_ipvs_close(struct check_ipvs *ci, const struct vigil_config *cfg)
{
	if (!ci)
		return;
	if (ci->lvs) {
		if (keep_table_at_stop)
			log_info("IPVS: -I/--dont-release-ipvs: leaving the virtual servers "
				 "in the kernel");
		else
			release_table(ci, cfg);
		sync_daemons_stop(ci);
		lvs_close(ci->lvs);
	}
	lvs_table_free(&ci->pending);
	lvs_table_free(&ci->synced);
	lvs_table_free(&ci->kernel);
	uv_close((uv_handle_t *)&ci->sync_timer, close_cb);
}
