/* The parent's Prometheus endpoint: started, moved and stopped as
 * global_defs' metrics_listen says, across reloads. */
#include "config.h"
#include "daemon/supervisor.h"
#include "daemon/global_conf.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef WITH_METRICS
#include "daemon/metrics_http.h"

static void collect(void *collector, metrics_status_done *done, void *ctx)
{
	supervisor_status_collect(collector, done, ctx);
}

void supervisor_metrics_apply(struct supervisor *sup)
{
	const char *want = sup->cfg->global->metrics_listen;

	if (sup->metrics_listen && want && strcmp(sup->metrics_listen, want) == 0)
		return;
	supervisor_metrics_stop(sup);
	if (!want)
		return;
	sup->metrics = metrics_http_start(&sup->loop, &sup->cfg->global->metrics_addr,
					  sup->cfg->global->metrics_port, collect, sup);
	if (sup->metrics)
		sup->metrics_listen = xstrdup(want);
}

void supervisor_metrics_stop(struct supervisor *sup)
{
	metrics_http_stop(sup->metrics);
	sup->metrics = NULL;
	free(sup->metrics_listen);
	sup->metrics_listen = NULL;
}

#else

void supervisor_metrics_apply(struct supervisor *sup)
{
	if (sup->cfg->global->metrics_listen)
		log_warning("metrics_listen: this vigild was built without the metrics endpoint "
			    "(--disable-metrics)");
}

void supervisor_metrics_stop(struct supervisor *sup)
{
	(void)sup;
}

#endif
