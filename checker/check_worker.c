#include "config.h"
#include "checker/check_worker.h"
#include "checker/check_conf.h"
#include "lvs/lvs_probe.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct check_worker {
	uv_loop_t *loop;
	bool ipvs_available;
	char ipvs_version[64];   /* or why IPVS is unavailable */
};

/* Logs only when the answer changes, so a kernel without IPVS is reported
 * once, not on every reload. */
static void check_worker_probe(struct check_worker *cw, bool first)
{
	char version[sizeof(cw->ipvs_version)];
	bool available = lvs_probe(version, sizeof(version));

	if (first || available != cw->ipvs_available) {
		if (available)
			log_info("kernel IPVS version %s", version);
		else
			log_warning("kernel has no IPVS; virtual servers stay inactive (%s)", version);
	}
	cw->ipvs_available = available;
	memcpy(cw->ipvs_version, version, sizeof(version));
}

static void *check_worker_start(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct check_worker *cw = XNEW(struct check_worker);

	cw->loop = loop;
	check_worker_probe(cw, true);
	return cw;
}

static void check_worker_reload(void *state, const struct vigil_config *cfg)
{
	check_worker_probe(state, false);
}

static json_object *check_worker_status(void *state, const struct vigil_config *cfg)
{
	const struct check_worker *cw = state;
	json_object *status = json_object_new_object();
	json_object *ipvs = json_object_new_object();

	json_object_object_add(ipvs, "available", json_object_new_boolean(cw->ipvs_available));
	json_object_object_add(ipvs, "version", json_object_new_string(cw->ipvs_version));
	json_object_object_add(status, "virtual_servers",
			       check_config_status_json(cfg->check, cw->ipvs_available));
	json_object_object_add(status, "ipvs", ipvs);
	return status;
}

static void check_worker_stop(void *state)
{
	free(state);
}

const struct worker_ops check_worker_ops = {
	.kind = WORKER_CHECKER,
	.start = check_worker_start,
	.reload = check_worker_reload,
	.status = check_worker_status,
	.stop = check_worker_stop,
};
