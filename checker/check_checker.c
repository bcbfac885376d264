/* One checker on the loop: its timer starts one probe attempt at a time
 * (check_probe.h), check_sched decides what the result means, and its real
 * server is told.  ha_suspend is asked before each attempt. */
#include "config.h"
#include "checker/check_runtime_private.h"

#include "daemon/global_conf.h"
#include "log.h"
#include "script_check.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void checker_fire(struct vrrp_precise_timer *t);

static uint64_t mono_now_us(void)
{
	return uv_hrtime() / 1000;
}

/* Joins the loop's timer queue; only the first checker's call can fail
 * (opening the queue's timerfd), and a later arm tries again. */
static int checker_timer_open(struct check_checker *c)
{
	int err;

	if (vrrp_timer_is_open(&c->timer))
		return 0;
	err = vrrp_timer_init(c->rs->vs->rt->loop, &c->timer, checker_fire);
	c->timer.data = c;
	return err;
}

/* Sets the timer for monotonic time `due_us` (uv_hrtime's clock, which is
 * the timer queue's): an absolute deadline, so neither the time taken by
 * the current loop pass nor millisecond rounding makes it late. */
static void checker_arm_at(struct check_checker *c, uint64_t due_us)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(60000, 3);
	int err = checker_timer_open(c);

	c->due_us = due_us;
	if (!err)
		err = vrrp_timer_start_at(&c->timer, due_us);
	if (err)
		log_ratelimited(&rl, LOG_ERR, "%s check: cannot set its timer: %s; not checked",
				check_type_names[c->cfg->type], strerror(-err));
}

/* The next attempt after one that was due at c->due_us, started at
 * `started_us` and has just ended. */
static void checker_arm_next(struct check_checker *c, uint64_t started_us, uint64_t delay_us)
{
	uint64_t now = mono_now_us();

	checker_arm_at(c, check_sched_next_due_us(c->due_us, started_us ? started_us : now, now,
						  delay_us));
}

/* "10.0.1.2:80 in 10.0.0.10:80": a real server may serve several virtual
 * servers. */
static void checker_label(const struct check_checker *c, char *buf, size_t len)
{
	char rs[96], vs[160];

	check_rs_name(c->rs, rs, sizeof(rs));
	check_vs_name(c->rs->vs, vs, sizeof(vs));
	snprintf(buf, len, "%s in %s", rs, vs);
}

static void checker_log_change(const struct check_checker *c, enum check_sched_change change)
{
	char name[272];

	checker_label(c, name, sizeof(name));
	if (change == CHECK_SCHED_WENT_UP)
		log_info("%s %s: up", check_type_names[c->cfg->type], name);
	else
		log_warning("%s %s: down (%s: %s)", check_type_names[c->cfg->type], name,
			    check_outcome_name(c->sched.last.outcome),
			    check_sched_text(&c->sched.last));
}

/* A failure that changed nothing (yet): worth an info line only with
 * log_all_failures. */
static void checker_log_failure(const struct check_checker *c, const struct check_result *r)
{
	struct check_defaults eff;
	char name[272];

	checker_label(c, name, sizeof(name));
	check_checker_effective(c->rs->vs->cfg, c->rs->cfg, c->cfg, &eff);
	if (eff.log_all_failures)
		log_info("%s %s: %s (%s)", check_type_names[c->cfg->type], name,
			 check_outcome_name(r->outcome), r->text);
	else
		log_debug("%s %s: %s (%s)", check_type_names[c->cfg->type], name,
			  check_outcome_name(r->outcome), r->text);
}

/* vigil could not make an attempt (out of descriptors or memory): the
 * operator must act (raise the open file limit), and with thousands of
 * checkers failing at once, one line a few times a minute says it. */
static void checker_log_shortage(const struct check_checker *c, const struct check_result *r)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(60000, 3);
	char name[272];

	checker_label(c, name, sizeof(name));
	log_ratelimited(&rl, LOG_WARNING, "%s %s: check not made, state kept: %s",
			check_type_names[c->cfg->type], name, r->text);
}

static uint64_t wall_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* After an attempt: the attempt goes, unless its probe keeps state in
 * it between attempts. */
static void checker_attempt_drop(struct check_checker *c)
{
	if (!c->attempt || check_probe_keeps_state(c->cfg->type))
		return;
	free(c->attempt);
	c->attempt = NULL;
}

void check_checker_params(const struct check_checker *c, struct check_sched_params *p)
{
	struct check_defaults eff;

	check_checker_effective(c->rs->vs->cfg, c->rs->cfg, c->cfg, &eff);
	check_sched_params_from(&eff, p);
}

static void checker_done(struct check_attempt *a, const struct check_result *r)
{
	struct check_checker *c = a->data;
	struct check_sched_params p;
	enum check_sched_change change;
	uint64_t next_us;

	c->running = false;
	check_checker_params(c, &p);
	change = check_sched_result(&c->sched, &p, r, wall_now_us(), &next_us);
	if (change != CHECK_SCHED_SAME)
		checker_log_change(c, change);
	else if (r->no_verdict)
		checker_log_shortage(c, r);
	else if (r->outcome != CHECK_OK)
		checker_log_failure(c, r);
	if (check_sched_retrying(&c->sched))
		checker_arm_at(c, mono_now_us() + next_us);
	else
		checker_arm_next(c, a->started_us, next_us);
	checker_attempt_drop(c);
	if (check_rs_update(c->rs, false))
		check_runtime_changed(c->rs->vs->rt);
}

/* A probe saw what it checks change (FILE_CHECK's file): check now. */
static void checker_wake(struct check_attempt *a)
{
	struct check_checker *c = a->data;

	if (!c->running)
		checker_arm_at(c, mono_now_us());   /* the timetable restarts from now */
}

static void checker_attempt_prepare(struct check_checker *c)
{
	struct check_runtime *rt = c->rs->vs->rt;
	const struct check_rs *rs = c->rs;
	struct check_defaults eff;
	struct script_check_policy p;
	struct check_attempt *a;
	char err[128];

	if (!c->attempt)
		c->attempt = XNEW(struct check_attempt);
	a = c->attempt;
	check_checker_effective(rs->vs->cfg, rs->cfg, c->cfg, &eff);
	check_attempt_init(a, rt->loop, rt->cfg, rs->vs->cfg, rs->cfg, c->cfg, &eff);
	a->done = checker_done;
	a->wake = checker_wake;
	a->data = c;
	a->scripts = rt->scripts;
	if (c->cfg->type == CHECK_TYPE_MISC && c->cfg->misc.path
	    && global_script_policy_for(rt->cfg->global, c->cfg->misc.path->user,
					c->cfg->misc.path->group, false, &p, err, sizeof(err))) {
		a->script_uid = p.uid;
		a->script_gid = p.gid;
		a->script_set_user = p.uid != geteuid() || p.gid != getegid();
	}
}

static void checker_fire(struct vrrp_precise_timer *t)
{
	struct check_checker *c = t->data;
	struct check_result r = { .outcome = CHECK_FAIL_INTERNAL, .weight = -1 };
	struct check_sched_params p;
	int rc;

	c->suspended = check_vs_is_suspended(c->rs->vs);
	if (c->suspended) {
		check_checker_params(c, &p);
		checker_arm_next(c, mono_now_us(), p.delay_loop_us);
		return;
	}
	checker_attempt_prepare(c);
	rc = check_probe_start(c->attempt);
	if (rc == 0) {
		c->running = true;
		return;
	}
	r.detail = -rc;
	r.no_verdict = check_errno_is_shortage(rc);
	snprintf(r.text, sizeof(r.text), "could not start the check: %s", strerror(-rc));
	checker_done(c->attempt, &r);
}

static void checker_stop_attempt(struct check_checker *c)
{
	if (c->running)
		check_probe_cancel(c->attempt);
	c->running = false;
	checker_attempt_drop(c);
}

static void checker_free(struct check_checker *c)
{
	check_sched_free(&c->sched);
	free(c->attempt);
	free(c);
}

static void checker_closed(struct vrrp_precise_timer *t)
{
	checker_free(t->data);
}

/* The attempt's memory (a probe's watch may point at it) goes with the
 * checker, once the timer queue is done with the timer. */
void check_checker_destroy(struct check_checker *c)
{
	checker_stop_attempt(c);
	if (c->attempt)
		check_probe_forget(c->attempt);
	if (vrrp_timer_is_open(&c->timer))
		vrrp_timer_close(&c->timer, checker_closed);
	else
		checker_free(c);
}

/* The checker's configuration as one string: its JSON dump with the
 * effective settings and without line numbers, so moving a block in the
 * file is not a change. */
static void strip_lines(json_object *o)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			strip_lines(json_object_array_get_idx(o, i));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_del(o, "line");
	json_object_object_foreach(o, key, value) {
		(void)key;
		strip_lines(value);
	}
}

/* The real server's "checkers" array in its configuration JSON
 * (check_runtime_rs_json). */
json_object *check_checker_conf_json(const struct check_rs *rs)
{
	json_object *cs = NULL;

	json_object_object_get_ex(check_runtime_rs_json(rs->vs->rt, rs), "checkers", &cs);
	return cs;
}

/* A checker's signature is kept for its whole life, once per checker, so
 * it is a digest of its configuration's JSON (two 64-bit FNV-1a hashes
 * from different bases, 16 bytes) rather than the JSON itself (250-500
 * bytes).  Not a cryptographic hash: the input is the operator's own
 * configuration, and OpenSSL stays out of a worker with no HTTPS. */
static struct check_checker_sig signature_digest(const char *json)
{
	return (struct check_checker_sig){ .h = { str_fnv1a64(json, STR_FNV1A64_BASIS),
						  str_fnv1a64(json, 0x84222325cbf29ce4ULL) } };
}

struct check_checker_sig check_checker_signature(const struct check_rs *rs, json_object *checkers,
						 size_t i)
{
	const struct check_checker_config *cc = rs->cfg->checkers.items[i];
	json_object *copy = NULL;
	struct check_checker_sig sig;

	json_object_deep_copy(json_object_array_get_idx(checkers, i), &copy, NULL);
	strip_lines(copy);
	if (cc->type == CHECK_TYPE_SSL_GET)
		json_object_object_add(copy, "ssl",
				       check_ssl_config_to_json(&rs->vs->rt->cfg->check->ssl));
	sig = signature_digest(copy ? json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN)
			       : "");
	json_object_put(copy);
	return sig;
}

struct check_checker *check_checker_new(struct check_rs *rs, json_object *checkers, size_t i)
{
	const struct check_checker_config *cc = rs->cfg->checkers.items[i];
	struct check_checker *c = XNEW(struct check_checker);
	struct check_defaults eff;
	struct check_sched_params p;
	int err;

	c->rs = rs;
	c->cfg = cc;
	check_checker_effective(rs->vs->cfg, rs->cfg, cc, &eff);
	c->signature = check_checker_signature(rs, checkers, i);
	check_sched_params_from(&eff, &p);
	check_sched_init(&c->sched, &p);
	err = checker_timer_open(c);
	if (err)
		log_error("%s check: no timer yet: %s", check_type_names[cc->type], strerror(-err));
	return c;
}

void check_checker_start(struct check_checker *c)
{
	struct check_sched_params p;

	check_checker_params(c, &p);
	checker_arm_at(c, mono_now_us() +
			  check_sched_first_delay_us(&p, check_runtime_random(c->rs->vs->rt)));
}

/* A kept checker points into the new configuration; an attempt in flight
 * holds pointers into the old one, so it is restarted now. */
void check_checker_adopt(struct check_checker *c, struct check_rs *rs,
			 const struct check_checker_config *cc)
{
	c->rs = rs;
	c->cfg = cc;
	if (c->running) {
		checker_stop_attempt(c);
		checker_arm_at(c, mono_now_us());
	}
}
