/* One checker on the loop: its timer starts one probe attempt at a time
 * (check_probe.h), check_sched decides what the result means, and its real
 * server is told.  ha_suspend is asked before each attempt. */
#include "config.h"
#include "checker/check_runtime_private.h"

#include "daemon/global_conf.h"
#include "log.h"
#include "script_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void checker_fire(uv_timer_t *t);

static uint64_t mono_now_us(void)
{
	return uv_hrtime() / 1000;
}

/* Sets the timer for monotonic time `due_us`.  libuv counts timers in ms
 * from the loop's cached time, which is as old as the current loop pass:
 * a relative delay from there would put every checker handled in one
 * pass on the same millisecond, late by however long the pass took.  So
 * the timeout is the due time's millisecond (rounded up: never early)
 * less the loop's time. */
static void checker_arm_at(struct check_checker *c, uint64_t due_us)
{
	uint64_t due_ms = (due_us + 999) / 1000, loop_ms = uv_now(c->rs->vs->rt->loop);

	c->due_us = due_us;
	uv_timer_start(&c->timer, checker_fire, due_ms > loop_ms ? due_ms - loop_ms : 0, 0);
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
			    check_outcome_name(c->sched.last.outcome), c->sched.last.text);
}

/* A failure that changed nothing (yet): worth an info line only with
 * log_all_failures. */
static void checker_log_failure(const struct check_checker *c, const struct check_result *r)
{
	char name[272];

	checker_label(c, name, sizeof(name));
	if (c->eff.log_all_failures)
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

static void checker_done(struct check_attempt *a, const struct check_result *r)
{
	struct check_checker *c = a->data;
	enum check_sched_change change;
	uint64_t next_us;

	c->running = false;
	change = check_sched_result(&c->sched, r, wall_now_us(), &next_us);
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
	struct script_check_policy p;
	char err[128];

	check_attempt_init(&c->attempt, rt->loop, rt->cfg, rs->vs->cfg, rs->cfg, c->cfg, &c->eff);
	c->attempt.done = checker_done;
	c->attempt.wake = checker_wake;
	c->attempt.data = c;
	c->attempt.scripts = rt->scripts;
	if (c->cfg->type == CHECK_TYPE_MISC && c->cfg->misc.path
	    && global_script_policy_for(rt->cfg->global, c->cfg->misc.path->user,
					c->cfg->misc.path->group, false, &p, err, sizeof(err))) {
		c->attempt.script_uid = p.uid;
		c->attempt.script_gid = p.gid;
		c->attempt.script_set_user = p.uid != geteuid() || p.gid != getegid();
	}
}

static void checker_fire(uv_timer_t *t)
{
	struct check_checker *c = t->data;
	struct check_result r = { .outcome = CHECK_FAIL_INTERNAL, .weight = -1 };
	int rc;

	c->suspended = check_vs_is_suspended(c->rs->vs);
	if (c->suspended) {
		checker_arm_next(c, mono_now_us(), c->sched.p.delay_loop_us);
		return;
	}
	checker_attempt_prepare(c);
	rc = check_probe_start(&c->attempt);
	if (rc == 0) {
		c->running = true;
		return;
	}
	r.detail = -rc;
	r.no_verdict = check_errno_is_shortage(rc);
	snprintf(r.text, sizeof(r.text), "could not start the check: %s", strerror(-rc));
	checker_done(&c->attempt, &r);
}

static void checker_stop_attempt(struct check_checker *c)
{
	if (c->running)
		check_probe_cancel(&c->attempt);
	c->running = false;
}

static void checker_closed(uv_handle_t *h)
{
	struct check_checker *c = h->data;

	free(c->signature);
	free(c);
}

void check_checker_destroy(struct check_checker *c)
{
	checker_stop_attempt(c);
	check_probe_forget(&c->attempt);
	uv_close((uv_handle_t *)&c->timer, checker_closed);
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

static size_t index_of(const struct ptr_array *a, const void *item)
{
	for (size_t i = 0; i < a->count; i++)
		if (a->items[i] == item)
			return i;
	return a->count;
}

/* The real server's "checkers" array in the runtime's configuration dump
 * (check_config_to_json, made once per configuration). */
json_object *check_checker_conf_json(const struct check_rs *rs)
{
	struct check_runtime *rt = rs->vs->rt;
	json_object *vss = NULL, *rss = NULL, *cs = NULL;
	size_t vs_i = index_of(&rt->cfg->check->virtual_servers, rs->vs->cfg);
	size_t rs_i = index_of(&rs->vs->cfg->real_servers, rs->cfg);

	json_object_object_get_ex(check_runtime_conf_json(rt), "virtual_servers", &vss);
	json_object_object_get_ex(json_object_array_get_idx(vss, vs_i), "real_servers", &rss);
	json_object_object_get_ex(json_object_array_get_idx(rss, rs_i), "checkers", &cs);
	return cs;
}

/* FNV-1a, 64 bits, from `basis`. */
static uint64_t fnv1a64(const char *s, uint64_t basis)
{
	uint64_t h = basis;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* A checker's signature is kept for its whole life, once per checker, so
 * it is a digest of its configuration's JSON (two 64-bit FNV-1a hashes
 * from different bases, 33 bytes as hex) rather than the JSON itself
 * (250-500 bytes).  Not a cryptographic hash: the input is the operator's
 * own configuration, and OpenSSL stays out of a worker with no HTTPS. */
static char *signature_digest(const char *json)
{
	return xasprintf("%016llx%016llx",
			 (unsigned long long)fnv1a64(json, 0xcbf29ce484222325ULL),
			 (unsigned long long)fnv1a64(json, 0x84222325cbf29ce4ULL));
}

char *check_checker_signature(const struct check_rs *rs, json_object *checkers, size_t i)
{
	const struct check_checker_config *cc = rs->cfg->checkers.items[i];
	json_object *copy = NULL, *ssl = NULL;
	char *sig;

	json_object_deep_copy(json_object_array_get_idx(checkers, i), &copy, NULL);
	strip_lines(copy);
	if (cc->type == CHECK_TYPE_SSL_GET
	    && json_object_object_get_ex(check_runtime_conf_json(rs->vs->rt), "ssl", &ssl))
		json_object_object_add(copy, "ssl", json_object_get(ssl));
	sig = signature_digest(copy ? json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN)
			       : "");
	json_object_put(copy);
	return sig;
}

struct check_checker *check_checker_new(struct check_rs *rs, json_object *checkers, size_t i)
{
	const struct check_checker_config *cc = rs->cfg->checkers.items[i];
	struct check_checker *c = XNEW(struct check_checker);
	struct check_sched_params p;

	c->rs = rs;
	c->cfg = cc;
	check_checker_effective(rs->vs->cfg, rs->cfg, cc, &c->eff);
	c->signature = check_checker_signature(rs, checkers, i);
	check_sched_params_from(&c->eff, &p);
	check_sched_init(&c->sched, &p);
	uv_timer_init(rs->vs->rt->loop, &c->timer);
	c->timer.data = c;
	return c;
}

void check_checker_start(struct check_checker *c)
{
	uint64_t delay = check_sched_first_delay_us(&c->sched.p,
						    check_runtime_random(c->rs->vs->rt));

	checker_arm_at(c, mono_now_us() + delay);
}

/* A kept checker points into the new configuration; an attempt in flight
 * holds pointers into the old one, so it is restarted now. */
void check_checker_adopt(struct check_checker *c, struct check_rs *rs,
			 const struct check_checker_config *cc)
{
	c->rs = rs;
	c->cfg = cc;
	check_checker_effective(rs->vs->cfg, rs->cfg, cc, &c->eff);
	if (c->running) {
		checker_stop_attempt(c);
		checker_arm_at(c, mono_now_us());
	}
}
