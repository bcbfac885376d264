/* A test-only driver for the health-check probes, so the network tests can
 * run any checker type against real servers in namespaces without a daemon.
 *
 *   check_probe_tool [-n COUNT] CONFIG_FILE [VS RS CHECKER]
 *
 * loads CONFIG_FILE (without host checks), takes virtual server VS, its
 * real server RS and that real server's checker CHECKER (0-based indexes,
 * default 0 0 0), resolves the checker's effective settings and runs one
 * attempt (COUNT attempts, one after the other), printing one JSON object
 * per attempt on stdout:
 *
 *   {"outcome":"ok","detail":0,"text":"...","weight":-1,"latency_us":1234}
 *
 * A probe that cannot even start (check_probe_start() < 0) is printed as
 * outcome "internal" with the errno as detail, and ends the run.  MISC_CHECK
 * scripts run as the current user.  Exit status 0 when the last attempt was
 * "ok", 1 when it failed, 2 on bad usage or configuration. */
#include "config.h"

#include "checker/check_conf.h"
#include "checker/check_probe.h"
#include "daemon/config_load.h"
#include "log.h"
#include "script_run.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

struct tool_run {
	unsigned remaining;
	enum check_outcome last;
};

static int usage(const char *why)
{
	fprintf(stderr, "check_probe_tool: %s\n"
		"usage: check_probe_tool [-n COUNT] CONFIG_FILE [VS RS CHECKER]\n", why);
	return 2;
}

static bool parse_index(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static void print_result(const struct check_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "outcome", json_object_new_string(check_outcome_name(r->outcome)));
	json_object_object_add(o, "detail", json_object_new_int(r->detail));
	json_object_object_add(o, "text", json_object_new_string(r->text));
	json_object_object_add(o, "weight", json_object_new_int(r->weight));
	json_object_object_add(o, "latency_us", json_object_new_int64((int64_t)r->latency_us));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
}

static void start_next(struct check_attempt *a);

static void on_done(struct check_attempt *a, const struct check_result *r)
{
	struct tool_run *run = a->data;

	print_result(r);
	run->last = r->outcome;
	if (--run->remaining > 0)
		start_next(a);
}

static void start_next(struct check_attempt *a)
{
	struct tool_run *run = a->data;
	int err = check_probe_start(a);

	if (err < 0) {
		/* reported as the scheduler would see it: an internal failure */
		struct check_result r = { .outcome = CHECK_FAIL_INTERNAL, .detail = -err,
					  .weight = -1 };

		snprintf(r.text, sizeof(r.text), "could not start the check: %s", strerror(-err));
		print_result(&r);
		run->last = r.outcome;
		run->remaining = 0;
	}
}

/* The checker at VS/RS/CHECKER, or NULL with a message. */
static const struct check_checker_config *pick(const struct vigil_config *cfg,
					       const unsigned idx[3],
					       const struct check_vs_config **vs,
					       const struct check_rs_config **rs)
{
	const struct check_config *cc = cfg->check;

	if (!cc || idx[0] >= cc->virtual_servers.count) {
		fprintf(stderr, "check_probe_tool: no virtual server %u\n", idx[0]);
		return NULL;
	}
	*vs = cc->virtual_servers.items[idx[0]];
	if (idx[1] >= (*vs)->real_servers.count) {
		fprintf(stderr, "check_probe_tool: no real server %u in virtual server %u\n",
			idx[1], idx[0]);
		return NULL;
	}
	*rs = (*vs)->real_servers.items[idx[1]];
	if (idx[2] >= (*rs)->checkers.count) {
		fprintf(stderr, "check_probe_tool: no checker %u in real server %u\n",
			idx[2], idx[1]);
		return NULL;
	}
	return (*rs)->checkers.items[idx[2]];
}

static int run_checker(const struct vigil_config *cfg, const unsigned idx[3], unsigned count)
{
	const struct check_vs_config *vs;
	const struct check_rs_config *rs;
	const struct check_checker_config *c = pick(cfg, idx, &vs, &rs);
	struct check_defaults effective;
	struct tool_run run = { .remaining = count, .last = CHECK_FAIL_INTERNAL };
	struct check_attempt attempt;
	uv_loop_t *loop = uv_default_loop();

	if (!c)
		return 2;
	check_checker_effective(vs, rs, c, &effective);
	check_attempt_init(&attempt, loop, cfg, vs, rs, c, &effective);
	attempt.scripts = script_runner_new(loop, NULL);
	attempt.done = on_done;
	attempt.data = &run;
	start_next(&attempt);
	uv_run(loop, UV_RUN_DEFAULT);
	script_runner_close(attempt.scripts);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	return run.last == CHECK_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct log_options log_opts = { .ident = "check_probe_tool", .target = LOG_TO_CONSOLE };
	struct config_load_options opts = { .check_host = false };
	unsigned idx[3] = { 0, 0, 0 }, count = 1;
	struct conf_diags diags;
	struct vigil_config *cfg;
	int opt, rc;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || !parse_index(optarg, 1000000, &count) || count == 0)
			return usage("-n needs a count from 1 to 1000000");
	}
	if (argc - optind != 1 && argc - optind != 4)
		return usage("wrong number of arguments");
	for (int i = 0; i < 3 && argc - optind == 4; i++) {
		if (!parse_index(argv[optind + 1 + i], 100000, &idx[i]))
			return usage("VS, RS and CHECKER are 0-based indexes");
	}
	log_init(&log_opts);
	conf_diags_init(&diags);
	cfg = vigil_config_load(argv[optind], &opts, &diags);
	conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	if (!cfg)
		return 2;
	rc = run_checker(cfg, idx, count);
	vigil_config_free(cfg);
	return rc;
}
