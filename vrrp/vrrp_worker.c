#include "config.h"
#include "vrrp/vrrp_worker.h"
#include "vrrp/vrrp_conf.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>

/* The worker's runtime state; the engine's instances will live here. */
struct vrrp_worker {
	uv_loop_t *loop;
	size_t instances;
};

static void *vrrp_worker_start(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = XNEW(struct vrrp_worker);

	vw->loop = loop;
	vw->instances = cfg->vrrp->instances.count;
	log_info("%zu VRRP instance%s configured", vw->instances, vw->instances == 1 ? "" : "s");
	return vw;
}

static void vrrp_worker_reload(void *state, const struct vigil_config *cfg)
{
	struct vrrp_worker *vw = state;

	vw->instances = cfg->vrrp->instances.count;
	log_info("%zu VRRP instance%s configured", vw->instances, vw->instances == 1 ? "" : "s");
}

static json_object *vrrp_worker_status(void *state, const struct vigil_config *cfg)
{
	return vrrp_config_status_json(cfg->vrrp);
}

static void vrrp_worker_stop(void *state)
{
	free(state);
}

const struct worker_ops vrrp_worker_ops = {
	.kind = WORKER_VRRP,
	.start = vrrp_worker_start,
	.reload = vrrp_worker_reload,
	.status = vrrp_worker_status,
	.stop = vrrp_worker_stop,
};
