/* The VRRP worker's notifier, runner and notify FIFOs; see
 * vrrp_worker_notify.h. */
#include "config.h"
#include "vrrp/vrrp_worker_notify.h"

#include "daemon/global_conf.h"
#include "log.h"
#include "script_check.h"
#include "script_run.h"
#include "vrrp/vrrp_notify.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* notify_fifo and vrrp_notify_fifo. */
#define WORKER_FIFOS 2

struct vrrp_worker_notify {
	struct script_runner *runner;
	struct vrrp_notifier *notifier;
	struct vrrp_notify_fifo *fifos[WORKER_FIFOS];
	char *signature;                    /* the settings it was built from */
	char *user_name;                    /* the policy's, outliving the config */
	uint64_t drain_us;                  /* how long scripts may finish at close */
};

/* Scripts started before a stop (notify_stop above all) may finish, but
 * the parent kills a worker that takes longer than child_wait_time to
 * exit: leave it a second of that. */
static uint64_t drain_time_us(const struct global_config *g)
{
	uint32_t wait_s = g && g->child_wait_time_s ? g->child_wait_time_s : 5;

	return wait_s > 1 ? (uint64_t)(wait_s - 1) * 1000000 : 500000;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static char *fifo_signature(const struct global_fifo *f)
{
	return xasprintf("%s:%s:%s:%s:%s:%s", nz(f->path), nz(f->user), nz(f->group),
			 nz(f->script.cmdline), nz(f->script.user), nz(f->script.group));
}

/* Everything the edge is built from, as one string. */
static char *signature(const struct global_config *g)
{
	char *a = fifo_signature(&g->notify_fifo), *b = fifo_signature(&g->vrrp_notify_fifo);
	char *sig = xasprintf("%s|%s|%d|%s|%s", nz(g->script_user), nz(g->script_group),
			      g->script_security, a, b);

	free(a);
	free(b);
	return sig;
}

/* The FIFO's owner when we create it: its "user [group]", if any. */
static void fifo_options(const struct global_fifo *f, struct vrrp_notify_fifo_options *o)
{
	char err[128];

	*o = (struct vrrp_notify_fifo_options){ .create = true };
	if (f->user && script_resolve_user(f->user, f->group, &o->uid, &o->gid, err, sizeof(err)))
		o->set_owner = true;
	else if (f->user)
		log_warning("notify FIFO %s: %s; left as root's", f->path, err);
}

static void add_fifo(struct vrrp_worker_notify *wn, int slot, const struct global_fifo *f)
{
	struct vrrp_notify_fifo_options o;

	if (!f->path)
		return;
	/* The same path named twice is one FIFO, written once. */
	for (int i = 0; i < slot; i++)
		if (wn->fifos[i] && strcmp(vrrp_notify_fifo_path(wn->fifos[i]), f->path) == 0)
			return;
	fifo_options(f, &o);
	wn->fifos[slot] = vrrp_notify_fifo_new(f->path, &o);
	vrrp_notifier_add_fifo(wn->notifier, wn->fifos[slot]);
	if (f->script.cmdline)
		vrrp_notifier_start_fifo_script(wn->notifier, f->script.cmdline, f->script.user,
						f->script.group, f->path);
}

struct vrrp_worker_notify *vrrp_worker_notify_new(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct vrrp_worker_notify *wn = XNEW(struct vrrp_worker_notify);
	struct vrrp_notifier_options o = { 0 };

	global_script_policy(cfg->global, true, &o.policy);
	/* The notifier keeps the policy across reloads; the name must not
	 * point into a configuration that a reload frees. */
	wn->user_name = o.policy.user_name ? xstrdup(o.policy.user_name) : NULL;
	o.policy.user_name = wn->user_name;
	wn->drain_us = drain_time_us(cfg->global);
	wn->runner = script_runner_new(loop, NULL);
	wn->notifier = vrrp_notifier_new(wn->runner, &o);
	wn->signature = signature(cfg->global);
	add_fifo(wn, 0, &cfg->global->notify_fifo);
	add_fifo(wn, 1, &cfg->global->vrrp_notify_fifo);
	return wn;
}

bool vrrp_worker_notify_same(const struct vrrp_worker_notify *wn, const struct vigil_config *cfg)
{
	char *sig = signature(cfg->global);
	bool same = strcmp(sig, wn->signature) == 0;

	free(sig);
	return same;
}

struct vrrp_notifier *vrrp_worker_notifier(const struct vrrp_worker_notify *wn)
{
	return wn->notifier;
}

void vrrp_worker_notify_free(struct vrrp_worker_notify *wn)
{
	if (!wn)
		return;
	vrrp_notifier_free(wn->notifier);
	for (int i = 0; i < WORKER_FIFOS; i++)
		vrrp_notify_fifo_free(wn->fifos[i]);
	script_runner_close_after(wn->runner, wn->drain_us);
	free(wn->signature);
	free(wn->user_name);
	free(wn);
}
