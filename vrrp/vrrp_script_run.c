/* The vrrp_script tracker: see vrrp_script_run.h. */
#include "config.h"
#include "vrrp/vrrp_script_run.h"

#include "log.h"
#include "script_check.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vrrp_script_state_names[VRRP_SCRIPT_STATE_COUNT] = {
	[VRRP_SCRIPT_INIT] = "INIT",
	[VRRP_SCRIPT_UP] = "UP",
	[VRRP_SCRIPT_DOWN] = "DOWN",
};

const char *const vrrp_script_reason_names[VRRP_SCRIPT_REASON_COUNT] = {
	[VRRP_SCRIPT_REASON_NONE] = "none",
	[VRRP_SCRIPT_REASON_INIT_FAIL] = "init_fail",
	[VRRP_SCRIPT_REASON_FIRST_RESULT] = "first result",
	[VRRP_SCRIPT_REASON_ROSE] = "rise reached",
	[VRRP_SCRIPT_REASON_FELL] = "fall reached",
};

const char *vrrp_script_state_name(enum vrrp_script_state state)
{
	return (unsigned)state < VRRP_SCRIPT_STATE_COUNT ? vrrp_script_state_names[state] : "?";
}

const char *vrrp_script_reason_name(enum vrrp_script_reason reason)
{
	return (unsigned)reason < VRRP_SCRIPT_REASON_COUNT ? vrrp_script_reason_names[reason] : "?";
}

/* ---- hysteresis (pure) ------------------------------------------------- */

void vrrp_script_hysteresis_init(struct vrrp_script_hysteresis *h, unsigned rise, unsigned fall,
				 bool init_fail)
{
	*h = (struct vrrp_script_hysteresis){
		.state = init_fail ? VRRP_SCRIPT_DOWN : VRRP_SCRIPT_INIT,
		.reason = init_fail ? VRRP_SCRIPT_REASON_INIT_FAIL : VRRP_SCRIPT_REASON_NONE,
		.rise = rise ? rise : 1,
		.fall = fall ? fall : 1,
	};
}

static bool hysteresis_move(struct vrrp_script_hysteresis *h, enum vrrp_script_state to,
			    enum vrrp_script_reason reason)
{
	h->state = to;
	h->reason = reason;
	return true;
}

bool vrrp_script_hysteresis_step(struct vrrp_script_hysteresis *h, bool success)
{
	if (success) {
		h->successes_in_row++;
		h->failures_in_row = 0;
	} else {
		h->failures_in_row++;
		h->successes_in_row = 0;
	}
	if (h->state == VRRP_SCRIPT_INIT)
		return hysteresis_move(h, success ? VRRP_SCRIPT_UP : VRRP_SCRIPT_DOWN,
				       VRRP_SCRIPT_REASON_FIRST_RESULT);
	if (h->state == VRRP_SCRIPT_DOWN && h->successes_in_row >= h->rise)
		return hysteresis_move(h, VRRP_SCRIPT_UP, VRRP_SCRIPT_REASON_ROSE);
	if (h->state == VRRP_SCRIPT_UP && h->failures_in_row >= h->fall)
		return hysteresis_move(h, VRRP_SCRIPT_DOWN, VRRP_SCRIPT_REASON_FELL);
	return false;
}

/* ---- the tracker ----------------------------------------------------------- */

struct vrrp_script_tracker {
	uv_loop_t *loop;
	struct script_runner *runner;
	uv_timer_t timer;
	char *name;
	char **argv;
	uint64_t interval_us, timeout_us;
	struct vrrp_script_tracker_options opts;
	struct vrrp_script_hysteresis hyst;
	struct script_job *job;             /* the run in progress */
	bool running;                       /* started (the timer ticks) */
	struct vrrp_script_stats stats;
	struct log_ratelimit skip_log, fail_log;
};

static uint64_t ms_from_us(uint64_t us)
{
	uint64_t ms = (us + 999) / 1000;
	return ms ? ms : 1;
}

struct vrrp_script_tracker *vrrp_script_tracker_new(uv_loop_t *loop, struct script_runner *runner,
						    const struct vrrp_script_config *conf,
						    const struct vrrp_script_tracker_options *opts)
{
	char **argv = script_split_argv(conf->script.cmdline ? conf->script.cmdline : "");

	if (!argv || !argv[0]) {
		log_error("vrrp_script %s: cannot run '%s': no program or bad quoting", conf->name,
			  conf->script.cmdline ? conf->script.cmdline : "");
		script_argv_free(argv);
		return NULL;
	}
	struct vrrp_script_tracker *t = XNEW(struct vrrp_script_tracker);
	t->loop = loop;
	t->runner = runner;
	t->name = xstrdup(conf->name);
	t->argv = argv;
	t->interval_us = conf->interval_us ? conf->interval_us : 1000000;
	t->timeout_us = conf->has_timeout && conf->timeout_us ? conf->timeout_us : t->interval_us;
	if (opts)
		t->opts = *opts;
	vrrp_script_hysteresis_init(&t->hyst, conf->rise, conf->fall, conf->init_fail);
	t->skip_log = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 1);
	t->fail_log = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 3);
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	return t;
}

/* The first line of what the script printed, for the log. */
static void first_line(const struct script_result *r, char *buf, size_t len)
{
	size_t n = strcspn(r->output, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, r->output, n);
	buf[n] = '\0';
}

static void tracker_log_change(struct vrrp_script_tracker *t, const struct vrrp_script_change *c)
{
	char how[96], out[VRRP_SCRIPT_CAPTURE_MAX + 1];

	script_result_describe(c->result, how, sizeof(how));
	first_line(c->result, out, sizeof(out));
	log_info("vrrp_script %s: %s -> %s (%s; last run %s%s%s)", t->name,
		 vrrp_script_state_name(c->from), vrrp_script_state_name(c->to),
		 vrrp_script_reason_name(c->reason), how, out[0] ? ": " : "", out);
}

static void tracker_count(struct vrrp_script_tracker *t, const struct script_result *r, bool ok)
{
	t->stats.runs++;
	if (ok) {
		t->stats.successes++;
	} else {
		t->stats.failures++;
		t->stats.timeouts += r->outcome == SCRIPT_TIMED_OUT;
		t->stats.spawn_failures += r->outcome == SCRIPT_SPAWN_FAILED;
	}
	if (r->outcome == SCRIPT_SPAWN_FAILED)
		log_ratelimited(&t->fail_log, LOG_WARNING, "vrrp_script %s: cannot start %s: %s",
				t->name, t->argv[0], strerror(r->error));
	t->stats.has_last = true;
	t->stats.last = *r;
	t->stats.last.output = NULL;
	t->stats.last.output_len = 0;
}

static void tracker_run_done(const struct script_result *r, void *arg)
{
	struct vrrp_script_tracker *t = arg;
	bool ok = script_result_ok(r);
	struct vrrp_script_change c = { .from = t->hyst.state, .result = r };

	t->job = NULL;
	tracker_count(t, r, ok);
	if (!vrrp_script_hysteresis_step(&t->hyst, ok))
		return;
	c.to = t->hyst.state;
	c.reason = t->hyst.reason;
	t->stats.transitions++;
	tracker_log_change(t, &c);
	if (t->opts.changed)
		t->opts.changed(t, &c, t->opts.arg);
}

static void tracker_tick(uv_timer_t *timer)
{
	struct vrrp_script_tracker *t = timer->data;

	if (t->job) {
		t->stats.skipped++;
		log_ratelimited(&t->skip_log, LOG_WARNING,
				"vrrp_script %s: still running after its interval; run skipped",
				t->name);
		return;
	}
	struct script_job_options o = {
		.name = t->name, .argv = (const char *const *)t->argv,
		.uid = t->opts.uid, .gid = t->opts.gid, .set_user = t->opts.set_user,
		.timeout_us = t->timeout_us, .capture_max = VRRP_SCRIPT_CAPTURE_MAX,
	};
	t->job = script_run(t->runner, &o, tracker_run_done, t);
}

/* Up to half the interval, at most VRRP_SCRIPT_JITTER_MAX_US. */
static uint64_t tracker_jitter_us(const struct vrrp_script_tracker *t)
{
	uint64_t span = t->interval_us / 2;

	if (span > VRRP_SCRIPT_JITTER_MAX_US)
		span = VRRP_SCRIPT_JITTER_MAX_US;
	return span ? (uint64_t)random() % span : 0;
}

void vrrp_script_tracker_start(struct vrrp_script_tracker *t)
{
	if (t->running)
		return;
	t->running = true;
	uv_timer_start(&t->timer, tracker_tick, ms_from_us(tracker_jitter_us(t)),
		       ms_from_us(t->interval_us));
}

void vrrp_script_tracker_stop(struct vrrp_script_tracker *t)
{
	t->running = false;
	uv_timer_stop(&t->timer);
	if (t->job)
		script_job_cancel(t->job);
	t->job = NULL;
}

static void tracker_closed(uv_handle_t *h)
{
	struct vrrp_script_tracker *t = h->data;

	script_argv_free(t->argv);
	free(t->name);
	free(t);
}

void vrrp_script_tracker_free(struct vrrp_script_tracker *t)
{
	if (!t)
		return;
	vrrp_script_tracker_stop(t);
	uv_close((uv_handle_t *)&t->timer, tracker_closed);
}

const char *vrrp_script_tracker_name(const struct vrrp_script_tracker *t)
{
	return t->name;
}

enum vrrp_script_state vrrp_script_tracker_state(const struct vrrp_script_tracker *t)
{
	return t->hyst.state;
}

enum vrrp_script_reason vrrp_script_tracker_reason(const struct vrrp_script_tracker *t)
{
	return t->hyst.reason;
}

const struct vrrp_script_stats *vrrp_script_tracker_stats(const struct vrrp_script_tracker *t)
{
	return &t->stats;
}

static json_object *last_result_json(const struct script_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "outcome", json_object_new_string(script_outcome_name(r->outcome)));
	if (r->outcome == SCRIPT_EXITED)
		json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	if (r->signal)
		json_object_object_add(o, "signal", json_object_new_int(r->signal));
	if (r->outcome == SCRIPT_SPAWN_FAILED)
		json_object_object_add(o, "error", json_object_new_string(strerror(r->error)));
	json_object_object_add(o, "run_time_us", json_object_new_int64((int64_t)r->run_time_us));
	return o;
}

static void add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

json_object *vrrp_script_tracker_status_json(const struct vrrp_script_tracker *t)
{
	json_object *o = json_object_new_object();
	const struct vrrp_script_stats *s = &t->stats;

	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "state", json_object_new_string(vrrp_script_state_name(t->hyst.state)));
	json_object_object_add(o, "reason",
			       json_object_new_string(vrrp_script_reason_name(t->hyst.reason)));
	add_u64(o, "rise", t->hyst.rise);
	add_u64(o, "fall", t->hyst.fall);
	add_u64(o, "runs", s->runs);
	add_u64(o, "successes", s->successes);
	add_u64(o, "failures", s->failures);
	add_u64(o, "timeouts", s->timeouts);
	add_u64(o, "spawn_failures", s->spawn_failures);
	add_u64(o, "skipped", s->skipped);
	add_u64(o, "transitions", s->transitions);
	if (s->has_last)
		json_object_object_add(o, "last", last_result_json(&s->last));
	return o;
}
