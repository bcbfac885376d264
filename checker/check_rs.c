/* Real servers on the loop: up iff all their checkers (check_checker.c)
 * are up, their weight, notify_up and notify_down on a change, and the
 * runner of every notify and quorum script. */
#include "config.h"
#include "checker/check_runtime_private.h"
#include "checker/check_event.h"

#include "daemon/global_conf.h"
#include "json_util.h"
#include "log.h"
#include "script_check.h"
#include "smtp_alert.h"
#include "checker/check_snmp_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a notify/quorum script may run before it is killed. */
#define CHECK_NOTIFY_TIMEOUT_US (30ULL * 1000000)

/* ---- scripts ---- */

/* A notify or quorum script in flight: its name for the log.  Listed on
 * the runtime, because a runner closed at stop calls no callback. */
struct check_script_job {
	struct check_script_job *prev, *next;
	struct check_runtime *rt;
	char what[160];
};

static void script_job_unlink(struct check_script_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		j->rt->script_jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	free(j);
}

static void script_done(const struct script_result *r, void *arg)
{
	struct check_script_job *j = arg;
	char how[160];

	if (!script_result_ok(r)) {
		script_result_describe(r, how, sizeof(how));
		log_warning("%s: %s", j->what, how);
	}
	script_job_unlink(j);
}

void check_runtime_forget_scripts(struct check_runtime *rt)
{
	while (rt->script_jobs)
		script_job_unlink(rt->script_jobs);
}

static struct check_script_job *script_job_new(struct check_runtime *rt, const char *what)
{
	struct check_script_job *j = XNEW(struct check_script_job);

	j->rt = rt;
	snprintf(j->what, sizeof(j->what), "%s", what);
	j->next = rt->script_jobs;
	if (j->next)
		j->next->prev = j;
	rt->script_jobs = j;
	return j;
}

void check_runtime_run_script(struct check_runtime *rt, const struct check_script *s,
			      const char *what)
{
	struct script_check_policy p;
	struct script_job_options o = { .name = what, .timeout_us = CHECK_NOTIFY_TIMEOUT_US };
	char err[128], **argv;

	if (!s || !s->command)
		return;
	if (!global_script_policy_for(rt->cfg->global, s->user, s->group, false, &p, err,
				      sizeof(err))) {
		log_error("%s: %s; not run", what, err);
		return;
	}
	argv = script_split_argv(s->command);
	if (!argv || !argv[0]) {
		log_error("%s: empty or badly quoted command; not run", what);
		script_argv_free(argv);
		return;
	}
	o.argv = (const char *const *)argv;
	o.uid = p.uid;
	o.gid = p.gid;
	o.set_user = p.uid != geteuid() || p.gid != getegid();
	log_info("%s: running %s", what, s->command);
	script_run(rt->scripts, &o, script_done, script_job_new(rt, what));
	script_argv_free(argv);
}

/* ---- the real server ---- */

struct check_rs *check_rs_new(struct check_vs *vs, const struct check_rs_config *cfg, bool sorry)
{
	struct check_rs *rs = XNEW(struct check_rs);
	json_object *checkers;

	rs->vs = vs;
	rs->cfg = cfg;
	rs->is_sorry = sorry;
	checkers = sorry ? NULL : check_checker_conf_json(rs);
	for (size_t i = 0; !sorry && i < cfg->checkers.count; i++)
		ptr_array_push(&rs->checkers, check_checker_new(rs, checkers, i));
	ptr_array_fit(&rs->checkers);
	check_rs_update(rs, true);
	return rs;
}

void check_rs_start(struct check_rs *rs)
{
	for (size_t i = 0; i < rs->checkers.count; i++)
		check_checker_start(rs->checkers.items[i]);
}

/* An old checker with the same configuration, taken out of `old`. */
static struct check_checker *take_same(struct ptr_array *old,
				       const struct check_checker_sig *signature)
{
	for (size_t i = 0; i < old->count; i++) {
		struct check_checker *c = old->items[i];

		if (c && memcmp(&c->signature, signature, sizeof(*signature)) == 0) {
			old->items[i] = NULL;
			return c;
		}
	}
	return NULL;
}

/* Unchanged checkers (same signature) keep their state and timers;
 * changed ones restart; removed ones stop. */
void check_rs_reconfigure(struct check_rs *rs, const struct check_rs_config *cfg)
{
	struct ptr_array old = rs->checkers;
	json_object *checkers;

	rs->cfg = cfg;
	checkers = rs->is_sorry ? NULL : check_checker_conf_json(rs);
	memset(&rs->checkers, 0, sizeof(rs->checkers));
	for (size_t i = 0; !rs->is_sorry && i < cfg->checkers.count; i++) {
		const struct check_checker_config *cc = cfg->checkers.items[i];
		struct check_checker_sig sig = check_checker_signature(rs, checkers, i);
		struct check_checker *c = take_same(&old, &sig);

		if (c) {
			check_checker_adopt(c, rs, cc);
		} else {
			c = check_checker_new(rs, checkers, i);
			check_checker_start(c);
		}
		ptr_array_push(&rs->checkers, c);
	}
	ptr_array_fit(&rs->checkers);
	for (size_t i = 0; i < old.count; i++)
		if (old.items[i])
			check_checker_destroy(old.items[i]);
	ptr_array_free(&old, NULL);
	rs->weight_cause = "reload";
	check_rs_update(rs, false);
}

void check_rs_destroy(struct check_rs *rs)
{
	for (size_t i = 0; i < rs->checkers.count; i++)
		check_checker_destroy(rs->checkers.items[i]);
	ptr_array_free(&rs->checkers, NULL);
	free(rs);
}

static int64_t rs_weight_now(const struct check_rs *rs)
{
	int32_t *asked = xcalloc(rs->checkers.count + 1, sizeof(*asked));
	int64_t w;

	for (size_t i = 0; i < rs->checkers.count; i++)
		asked[i] = ((const struct check_checker *)rs->checkers.items[i])->sched.weight;
	w = check_rs_dynamic_weight(check_rs_base_weight(rs), asked, rs->checkers.count);
	free(asked);
	return w;
}

static bool rs_up_now(const struct check_rs *rs)
{
	bool *up = xcalloc(rs->checkers.count + 1, sizeof(*up));
	bool all;

	for (size_t i = 0; i < rs->checkers.count; i++)
		up[i] = ((const struct check_checker *)rs->checkers.items[i])->sched.up;
	all = check_rs_all_up(up, rs->checkers.count);
	free(up);
	return all;
}

/* smtp_alert: a real server's own setting, else global smtp_alert_checker
 * or smtp_alert, else on (keepalived's default for real servers);
 * no_checker_emails turns these mails off. */
bool check_rs_wants_mail(const struct check_rs *rs)
{
	const struct global_config *g = rs->vs->rt->cfg->global;
	bool want = rs->cfg->smtp_alert_set ? rs->cfg->smtp_alert
					    : global_smtp_alert_default(g, GLOBAL_SMTP_CHECKER, true);

	return want && !g->no_checker_emails;
}

/* The checker a mail names: the first one down for a server gone down;
 * for one back up (every checker passes) the first one. */
static const char *rs_mail_check(const struct check_rs *rs, bool up)
{
	for (size_t i = 0; i < rs->checkers.count; i++) {
		const struct check_checker *c = rs->checkers.items[i];

		if (up || !c->sched.up)
			return check_type_names[c->cfg->type];
	}
	return NULL;
}

static void rs_mail(const struct check_rs *rs, bool up)
{
	char name[INET6_ADDRSTRLEN + 40], vs_name[INET6_ADDRSTRLEN + 40];

	if (!check_rs_wants_mail(rs))
		return;
	check_mail_addr_name(&rs->cfg->addr, check_vs_mail_proto(rs->vs),
			     rs->cfg->has_port ? rs->cfg->port : 0, name, sizeof(name));
	check_vs_mail_name(rs->vs, vs_name, sizeof(vs_name));
	smtp_alert_real_server(name, vs_name, up, rs_mail_check(rs, up));
}

/* Which dynamic checker moved the weight: the first one asking for a
 * weight, else the first that can (it may just have stopped asking). */
static const char *rs_dynamic_cause(const struct check_rs *rs)
{
	const struct check_checker *pick = NULL;

	for (size_t i = 0; i < rs->checkers.count; i++) {
		const struct check_checker *c = rs->checkers.items[i];

		if (c->sched.weight >= 0) {
			pick = c;
			break;
		}
		if (!pick && (c->cfg->type == CHECK_TYPE_MISC || c->cfg->type == CHECK_TYPE_FILE))
			pick = c;
	}
	if (!pick)
		return "checker";
	return pick->cfg->type == CHECK_TYPE_MISC   ? "misc_dynamic"
	       : pick->cfg->type == CHECK_TYPE_FILE ? "file_dynamic"
						    : "checker";
}

/* The weight an operator sees as effective: the dynamic weight, 0 while
 * drained.  A change of it alone (up unchanged) is a weight event. */
static bool rs_effective_update(struct check_rs *rs, bool quiet, bool up_changed)
{
	int64_t was = rs->effective_weight, now = rs->drained ? 0 : rs->weight;
	const char *cause = rs->weight_cause;

	rs->weight_cause = NULL;
	rs->effective_weight = now;
	if (now == was)
		return false;
	if (!quiet && !up_changed && !rs->is_sorry)
		check_event_rs_weight(rs, was, cause ? cause : rs_dynamic_cause(rs));
	return true;
}

bool check_rs_update(struct check_rs *rs, bool quiet)
{
	bool up = rs_up_now(rs), was_up = rs->up;
	int64_t weight = rs_weight_now(rs);
	bool changed = up != rs->up || weight != rs->weight;
	char name[96], what[160];

	rs->up = up;
	rs->weight = weight;
	if (rs_effective_update(rs, quiet, up != was_up))
		changed = true;
	if (quiet || !changed || rs->is_sorry)
		return changed;
	if (up != was_up) {
		check_rs_name(rs, name, sizeof(name));
		log_info("real server %s: %s", name, up ? "up" : "down");
		snprintf(what, sizeof(what), "%s %s", up ? "notify_up" : "notify_down", name);
		check_runtime_run_script(rs->vs->rt, up ? rs->cfg->notify_up : rs->cfg->notify_down,
					 what);
		rs_mail(rs, up);
		check_snmp_view_rs_changed(rs);
		check_event_real_server(rs);
	}
	check_vs_update(rs->vs);
	return true;
}

int64_t check_rs_wanted_weight(const struct check_rs *rs)
{
	const struct check_defaults *d = &rs->cfg->defaults;
	bool inhibit = d->inhibit_on_failure;

	/* inhibit_on_failure given on the virtual server applies here too. */
	if (!(d->set & CHECK_SET_INHIBIT))
		inhibit = rs->vs->cfg->defaults.inhibit_on_failure;
	return check_rs_ipvs_weight(rs->up, rs->weight, inhibit, rs->drained, rs->drain_done);
}

void check_rs_name(const struct check_rs *rs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8];

	vigil_addr_to_string(&rs->cfg->addr, a, sizeof(a));
	if (!rs->cfg->has_port)
		snprintf(buf, len, "%s", a);
	else if (rs->cfg->addr.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, rs->cfg->port);
	else
		snprintf(buf, len, "%s:%u", a, rs->cfg->port);
}
