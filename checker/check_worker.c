/* The checker worker: its part of the common worker runtime
 * (daemon/worker.h) is the checker runtime (check_runtime.h): health
 * checks, real and virtual server states, IPVS, and the operator's
 * `vigilctl real-server drain|enable`. */
#include "config.h"
#include "checker/check_worker.h"
#include "checker/check_ipvs.h"
#include "checker/check_runtime.h"
#include "checker/check_snmp_view.h"
#include "daemon/daemon_args.h"
#include "daemon/global_conf.h"
#include "smtp_alert.h"
#include "vrrp/vrrp_timer.h"

static void *check_worker_start(uv_loop_t *loop, const struct vigil_config *cfg)
{
	struct check_runtime *rt;

	/* delay_loop and connect_timeout need milliseconds, not the VRRP
	 * worker's microseconds: no timerfd system calls per check */
	vrrp_timer_use_milliseconds();
	smtp_alert_configure(loop, cfg->global);
	check_ipvs_keep_at_stop(vigild_dont_release_ipvs());
	rt = check_runtime_new(loop, cfg);
	check_snmp_view_start(cfg, rt);
	return rt;
}

static void check_worker_reload(void *state, const struct vigil_config *cfg)
{
	smtp_alert_configure(NULL, cfg->global);   /* same loop */
	check_snmp_view_before_reload(state);
	check_runtime_reload(state, cfg);
	check_snmp_view_reload(cfg, state);
}

static json_object *check_worker_status(void *state, const struct vigil_config *cfg)
{
	(void)cfg;
	return check_runtime_status(state);
}

/* {"command":"real_server",...}; see check_runtime_command. */
static json_object *check_worker_command(void *state, json_object *request)
{
	return check_runtime_command(state, request);
}

static void check_worker_stop(void *state)
{
	smtp_alert_close();
	check_snmp_view_stop();
	check_runtime_free(state);
}

const struct worker_ops check_worker_ops = {
	.kind = WORKER_CHECKER,
	.start = check_worker_start,
	.reload = check_worker_reload,
	.status = check_worker_status,
	.command = check_worker_command,
	.stop = check_worker_stop,
};
