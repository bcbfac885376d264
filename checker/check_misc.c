/* MISC_CHECK: runs misc_path (through lib/script_run, as the attempt's
 * user) and judges its exit status, as keepalived.conf(5) describes:
 *
 *   without misc_dynamic: 0 is up, anything else is down;
 *   with misc_dynamic:    0 is up with the weight unchanged (weight -1),
 *                         1 is down,
 *                         2..255 is up with weight = status - 2.
 *
 * A script killed by a signal is down (script-signal), one still running
 * when the timeout expires is killed and down (script-timeout), one that
 * cannot be started is down (script-start, detail: the errno).  The
 * timeout is attempt->timeout_us: misc_timeout, else delay_loop, as
 * check_attempt_init() sets it. */
#include "config.h"
#include "checker/check_probe.h"

#include "script_check.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define MISC_STATUS_DOWN 1
#define MISC_DYNAMIC_WEIGHT_BASE 2      /* exit status 2 is weight 0 */

struct misc_probe {
	struct check_attempt *attempt;
	struct script_job *job;
};

/* The outcome and weight for a script that exited with `status`. */
static enum check_outcome misc_exit_outcome(const struct check_checker_config *cfg, int status,
					    int32_t *weight)
{
	*weight = -1;
	if (status == 0)
		return CHECK_OK;
	if (!cfg->misc.dynamic || status == MISC_STATUS_DOWN)
		return CHECK_FAIL_SCRIPT_EXIT;
	*weight = status - MISC_DYNAMIC_WEIGHT_BASE;
	return CHECK_OK;
}

static void misc_done(const struct script_result *r, void *arg)
{
	struct misc_probe *p = arg;
	struct check_attempt *attempt = p->attempt;
	const char *command = attempt->cfg->misc.path->command;
	enum check_outcome outcome = CHECK_FAIL_INTERNAL;
	int32_t weight = -1;
	int detail = 0;
	char how[128];

	attempt->probe = NULL;
	free(p);        /* done() may start the next attempt on the same struct */
	script_result_describe(r, how, sizeof(how));
	switch (r->outcome) {
	case SCRIPT_EXITED:
		outcome = misc_exit_outcome(attempt->cfg, r->exit_code, &weight);
		detail = r->exit_code;
		break;
	case SCRIPT_SIGNALLED:
		outcome = CHECK_FAIL_SCRIPT_SIGNAL;
		detail = r->signal;
		break;
	case SCRIPT_TIMED_OUT:
		outcome = CHECK_FAIL_SCRIPT_TIMEOUT;
		detail = r->signal;
		break;
	case SCRIPT_SPAWN_FAILED:
		outcome = CHECK_FAIL_SCRIPT_START;
		detail = r->error;
		break;
	default:
		break;
	}
	check_attempt_finish(attempt, outcome, detail, weight, "MISC_CHECK %.80s: %s", command, how);
}

static int misc_start(struct check_attempt *attempt)
{
	const struct check_script *script = attempt->cfg->misc.path;
	char **argv;
	struct misc_probe *p;

	if (!attempt->scripts || !script || !script->command)
		return -EINVAL;
	argv = script_split_argv(script->command);
	if (!argv || !argv[0]) {        /* the configuration check refuses these */
		script_argv_free(argv);
		return -EINVAL;
	}
	p = XNEW(struct misc_probe);
	p->attempt = attempt;
	attempt->probe = p;
	p->job = script_run(attempt->scripts, &(struct script_job_options){
		.name = "MISC_CHECK",
		.argv = (const char *const *)argv,
		.uid = attempt->script_uid,
		.gid = attempt->script_gid,
		.set_user = attempt->script_set_user,
		.timeout_us = attempt->timeout_us,
	}, misc_done, p);
	script_argv_free(argv);         /* script_run copied it */
	return 0;
}

static void misc_cancel(struct check_attempt *attempt)
{
	struct misc_probe *p = attempt->probe;

	if (!p)
		return;
	script_job_cancel(p->job);
	attempt->probe = NULL;
	free(p);
}

const struct check_probe_ops check_probe_misc = {
	.type = CHECK_TYPE_MISC,
	.start = misc_start,
	.cancel = misc_cancel,
};
