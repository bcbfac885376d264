/* Notify scripts and FIFO lines for VRRP transitions: the pure builders
 * and the notifier that runs the scripts.  The FIFO writer is in
 * vrrp_notify_fifo.c.  See vrrp_notify.h. */
#include "config.h"
#include "vrrp/vrrp_notify.h"

#include "log.h"
#include "xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const vrrp_notify_event_names[VRRP_NOTIFY_EV_COUNT] = {
	[VRRP_NOTIFY_EV_MASTER] = "MASTER",
	[VRRP_NOTIFY_EV_BACKUP] = "BACKUP",
	[VRRP_NOTIFY_EV_FAULT] = "FAULT",
	[VRRP_NOTIFY_EV_STOP] = "STOP",
	[VRRP_NOTIFY_EV_DELETED] = "DELETED",
	[VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI] = "MASTER_RX_LOWER_PRI",
	[VRRP_NOTIFY_EV_MASTER_PRIORITY] = "MASTER_PRIORITY",
	[VRRP_NOTIFY_EV_BACKUP_PRIORITY] = "BACKUP_PRIORITY",
};

const char *const vrrp_notify_target_names[VRRP_NOTIFY_TARGET_COUNT] = {
	[VRRP_NOTIFY_INSTANCE] = "INSTANCE",
	[VRRP_NOTIFY_GROUP] = "GROUP",
};

/* Which notify_* keyword each event runs; COUNT: none. */
static const enum vrrp_notify_kind event_kinds[VRRP_NOTIFY_EV_COUNT] = {
	[VRRP_NOTIFY_EV_MASTER] = VRRP_NOTIFY_MASTER,
	[VRRP_NOTIFY_EV_BACKUP] = VRRP_NOTIFY_BACKUP,
	[VRRP_NOTIFY_EV_FAULT] = VRRP_NOTIFY_FAULT,
	[VRRP_NOTIFY_EV_STOP] = VRRP_NOTIFY_STOP,
	[VRRP_NOTIFY_EV_DELETED] = VRRP_NOTIFY_DELETED,
	[VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI] = VRRP_NOTIFY_MASTER_RX_LOWER_PRI,
	[VRRP_NOTIFY_EV_MASTER_PRIORITY] = VRRP_NOTIFY_COUNT,
	[VRRP_NOTIFY_EV_BACKUP_PRIORITY] = VRRP_NOTIFY_COUNT,
};

static const char *event_name(enum vrrp_notify_event ev)
{
	return (unsigned)ev < VRRP_NOTIFY_EV_COUNT ? vrrp_notify_event_names[ev] : "?";
}

static const char *target_name(enum vrrp_notify_target t)
{
	return (unsigned)t < VRRP_NOTIFY_TARGET_COUNT ? vrrp_notify_target_names[t] : "?";
}

bool vrrp_notify_event_for_state(enum vrrp_state state, enum vrrp_notify_event *event)
{
	static const int map[VRRP_STATE_COUNT] = {
		[VRRP_STATE_INIT] = -1,
		[VRRP_STATE_BACKUP] = VRRP_NOTIFY_EV_BACKUP,
		[VRRP_STATE_MASTER] = VRRP_NOTIFY_EV_MASTER,
		[VRRP_STATE_FAULT] = VRRP_NOTIFY_EV_FAULT,
		[VRRP_STATE_STOP] = VRRP_NOTIFY_EV_STOP,
	};

	if ((unsigned)state >= VRRP_STATE_COUNT || map[state] < 0)
		return false;
	*event = (enum vrrp_notify_event)map[state];
	return true;
}

enum vrrp_notify_kind vrrp_notify_kind_for_event(enum vrrp_notify_event event)
{
	return (unsigned)event < VRRP_NOTIFY_EV_COUNT ? event_kinds[event] : VRRP_NOTIFY_COUNT;
}

bool vrrp_notify_generic_runs(enum vrrp_notify_event event)
{
	return event <= VRRP_NOTIFY_EV_DELETED;
}

/* The command line's words plus `extra` more (NULL-terminated). */
static char **argv_append(const char *cmdline, const char *const *extra)
{
	char **words = script_split_argv(cmdline ? cmdline : "");
	size_t n = 0, m = 0;

	if (!words || !words[0]) {
		script_argv_free(words);
		return NULL;
	}
	while (words[n])
		n++;
	while (extra[m])
		m++;
	words = xreallocarray(words, n + m + 1, sizeof(*words));
	for (size_t i = 0; i < m; i++)
		words[n + i] = xstrdup(extra[i]);
	words[n + m] = NULL;
	return words;
}

char **vrrp_notify_generic_argv(const char *cmdline, const struct vrrp_notification *n)
{
	char priority[16];

	snprintf(priority, sizeof(priority), "%u", n->priority);
	return argv_append(cmdline, (const char *const[]){ target_name(n->target), n->name,
							    event_name(n->event), priority, NULL });
}

char **vrrp_notify_fifo_script_argv(const char *cmdline, const char *fifo_path)
{
	return argv_append(cmdline, (const char *const[]){ fifo_path, NULL });
}

size_t vrrp_notify_fifo_line(const struct vrrp_notification *n, char *buf, size_t len)
{
	int w = snprintf(buf, len, "%s \"%s\" %s %u\n", target_name(n->target), n->name,
			 event_name(n->event), n->priority);

	return w > 0 && (size_t)w < len ? (size_t)w : 0;
}

/* ---- the notifier ------------------------------------------------------- */

/* A script handed to the runner, so free() can cancel it. */
struct notify_job {
	struct vrrp_notifier *notifier;
	struct notify_job *prev, *next;
	struct script_job *job;
	char *label;                        /* "notify_master VI_1" */
	bool long_running;                  /* no timeout: a notify_fifo_script */
};

struct vrrp_notifier {
	struct script_runner *runner;
	struct vrrp_notifier_options opts;
	struct vrrp_notify_fifo *fifos[VRRP_NOTIFY_MAX_FIFOS];
	size_t nfifos;
	struct notify_job *jobs;            /* running or queued */
	struct vrrp_notifier_stats stats;
	struct log_ratelimit refuse_log, fail_log;
};

struct vrrp_notifier *vrrp_notifier_new(struct script_runner *runner,
					const struct vrrp_notifier_options *opts)
{
	struct vrrp_notifier *n = XNEW(struct vrrp_notifier);

	n->runner = runner;
	n->opts = *opts;
	if (!n->opts.script_timeout_us)
		n->opts.script_timeout_us = VRRP_NOTIFY_SCRIPT_TIMEOUT_DEFAULT_US;
	n->refuse_log = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 5);
	n->fail_log = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 5);
	return n;
}

static void notify_job_unlink(struct notify_job *nj)
{
	if (nj->prev)
		nj->prev->next = nj->next;
	else
		nj->notifier->jobs = nj->next;
	if (nj->next)
		nj->next->prev = nj->prev;
	free(nj->label);
	free(nj);
}

void vrrp_notifier_free(struct vrrp_notifier *n)
{
	if (!n)
		return;
	/* Notifications already started (notify_stop above all) may finish
	 * while the runner drains; a notify_fifo_script never ends by itself. */
	while (n->jobs) {
		if (n->jobs->long_running)
			script_job_cancel(n->jobs->job);
		else
			script_job_detach(n->jobs->job);
		notify_job_unlink(n->jobs);
	}
	free(n);
}

bool vrrp_notifier_add_fifo(struct vrrp_notifier *n, struct vrrp_notify_fifo *fifo)
{
	if (n->nfifos >= VRRP_NOTIFY_MAX_FIFOS)
		return false;
	n->fifos[n->nfifos++] = fifo;
	return true;
}

const struct vrrp_notifier_stats *vrrp_notifier_stats(const struct vrrp_notifier *n)
{
	return &n->stats;
}

static void notify_job_done(const struct script_result *r, void *arg)
{
	struct notify_job *nj = arg;
	struct vrrp_notifier *n = nj->notifier;
	char how[96];

	if (!script_result_ok(r)) {
		n->stats.scripts_failed++;
		script_result_describe(r, how, sizeof(how));
		log_ratelimited(&n->fail_log, LOG_WARNING, "%s: %s", nj->label, how);
	}
	notify_job_unlink(nj);
}

/* Who runs the script, and may it run: the script's own user or
 * script_user; with enable_script_security, nothing others can replace. */
static bool notify_policy(struct vrrp_notifier *n, const char *cmdline, const char *user,
			  const char *group, const char *label, struct script_check_policy *p)
{
	char why[256];

	*p = n->opts.policy;
	p->check_host = true;
	if (user) {
		p->user_name = user;
		if (!script_resolve_user(user, group, &p->uid, &p->gid, why, sizeof(why))) {
			log_ratelimited(&n->refuse_log, LOG_ERR, "%s: not run: %s", label, why);
			return false;
		}
	}
	if (p->script_security &&
	    script_check_inspect(cmdline, p, NULL, 0, why, sizeof(why)) != SCRIPT_CHECK_OK) {
		log_ratelimited(&n->refuse_log, LOG_ERR, "%s: not run: %s", label, why);
		return false;
	}
	return true;
}

/* Hands argv to the runner as the policy's user. */
static void notify_spawn(struct vrrp_notifier *n, char **argv, const struct script_check_policy *p,
			 uint64_t timeout_us, const char *label)
{
	struct notify_job *nj = XNEW(struct notify_job);
	struct script_job_options o = {
		.name = label, .argv = (const char *const *)argv,
		.uid = p->uid, .gid = p->gid, .set_user = geteuid() == 0,
		.timeout_us = timeout_us,
	};

	nj->notifier = n;
	nj->label = xstrdup(label);
	nj->long_running = timeout_us == 0;
	nj->next = n->jobs;
	if (n->jobs)
		n->jobs->prev = nj;
	n->jobs = nj;
	n->stats.scripts_started++;
	nj->job = script_run(n->runner, &o, notify_job_done, nj);
}

static bool notify_run(struct vrrp_notifier *n, const struct vrrp_script_cmd *cmd, char **argv,
		       uint64_t timeout_us, const char *label)
{
	struct script_check_policy p;
	bool ok = false;

	if (!argv)
		log_ratelimited(&n->refuse_log, LOG_ERR, "%s: not run: bad quoting in '%s'", label,
				cmd->cmdline);
	else if ((ok = notify_policy(n, cmd->cmdline, cmd->user, cmd->group, label, &p)))
		notify_spawn(n, argv, &p, timeout_us, label);
	if (!ok)
		n->stats.scripts_refused++;
	script_argv_free(argv);
	return ok;
}

static void notify_fifos(struct vrrp_notifier *n, const struct vrrp_notification *what)
{
	char line[PIPE_BUF];
	size_t len = vrrp_notify_fifo_line(what, line, sizeof(line));

	if (!n->nfifos)
		return;
	n->stats.fifo_lines++;
	for (size_t i = 0; len && i < n->nfifos; i++)
		vrrp_notify_fifo_write(n->fifos[i], line, len);
}

void vrrp_notifier_notify(struct vrrp_notifier *n, const struct vrrp_conf_common *common,
			  const struct vrrp_notification *what)
{
	enum vrrp_notify_kind kind = vrrp_notify_kind_for_event(what->event);
	const struct vrrp_script_cmd *cmd;
	char label[160];

	cmd = common && kind < VRRP_NOTIFY_COUNT ? common->notify[kind] : NULL;
	if (cmd && cmd->cmdline) {
		snprintf(label, sizeof(label), "%s %s", vrrp_notify_keywords[kind], what->name);
		notify_run(n, cmd, script_split_argv(cmd->cmdline), n->opts.script_timeout_us, label);
	}
	cmd = common && vrrp_notify_generic_runs(what->event) ? common->notify[VRRP_NOTIFY_ANY] : NULL;
	if (cmd && cmd->cmdline) {
		snprintf(label, sizeof(label), "notify %s %s", what->name, event_name(what->event));
		notify_run(n, cmd, vrrp_notify_generic_argv(cmd->cmdline, what),
			   n->opts.script_timeout_us, label);
	}
	notify_fifos(n, what);
}

bool vrrp_notifier_start_fifo_script(struct vrrp_notifier *n, const char *cmdline,
				     const char *user, const char *group, const char *fifo_path)
{
	struct vrrp_script_cmd cmd = { .cmdline = (char *)cmdline, .user = (char *)user,
				       .group = (char *)group };
	char label[PATH_MAX + 32];

	snprintf(label, sizeof(label), "notify_fifo_script %s", fifo_path);
	return notify_run(n, &cmd, vrrp_notify_fifo_script_argv(cmdline, fifo_path), 0, label);
}
