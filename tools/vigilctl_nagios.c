/* `vigilctl check`: a Nagios/Icinga plugin over the status result.
 *
 * One status line, perfdata after '|', and the plugin exit codes:
 *   0 OK        every instance MASTER or BACKUP as expected, workers fine
 *   1 WARNING   a real server down, an instance held in maintenance, a
 *               worker (re)starting
 *   2 CRITICAL  an instance in FAULT (or not in the state --expect asks
 *               for), a virtual server below quorum, a worker that failed
 *               (backoff, config-error, unresponsive), vigild not running
 *   3 UNKNOWN   vigild answered something unreadable
 * The worst finding decides the code; the line names the first few. */
#include "config.h"
#include "tools/vigilctl.h"
#include "json_util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CHECK_MAX_NAMED 3

static const char *const check_code_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct check_tally {
	int code;
	char problems[512];
	unsigned named, more;
	unsigned masters, backups, faults, others, maintenance;
	unsigned rs_up, rs_down, vs_below_quorum;
};

/* Records a finding: raises the code, names the first few. */
__attribute__((format(printf, 3, 4)))
static void finding(struct check_tally *t, int code, const char *fmt, ...)
{
	size_t used = strlen(t->problems);
	va_list ap;

	if (code > t->code)
		t->code = code;
	if (t->named >= CHECK_MAX_NAMED) {
		t->more++;
		return;
	}
	snprintf(t->problems + used, sizeof(t->problems) - used, "%s", used ? ", " : "");
	used = strlen(t->problems);
	va_start(ap, fmt);
	vsnprintf(t->problems + used, sizeof(t->problems) - used, fmt, ap);
	va_end(ap);
	t->named++;
}

static const char *nz(const char *s)
{
	return s ? s : "?";
}

static void check_workers(json_object *st, struct check_tally *t)
{
	json_object *workers = json_member(st, "workers");

	for (size_t i = 0; i < json_array_len(workers); i++) {
		json_object *w = json_object_array_get_idx(workers, i);
		const char *state = json_member_string(w, "state"), *name = json_member_string(w, "name");

		if (!state || !strcmp(state, "running") || !strcmp(state, "stopped"))
			continue;
		finding(t, strcmp(state, "starting") == 0 ? 1 : 2, "%s worker %s", nz(name), state);
	}
}

static const char *expected_state(const struct vigilctl_check_expect *ex, size_t n,
				  const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(ex[i].instance, name) == 0)
			return ex[i].state;
	return NULL;
}

static void check_instance(json_object *inst, const struct vigilctl_check_expect *ex, size_t n,
			   struct check_tally *t)
{
	const char *name = json_member_string(inst, "name"), *state = json_member_string(inst, "state");
	const char *want = expected_state(ex, n, name);
	json_object *maint = json_member(inst, "maintenance");

	state = state ? state : "?";
	if (!strcmp(state, "MASTER"))
		t->masters++;
	else if (!strcmp(state, "BACKUP"))
		t->backups++;
	else if (!strcmp(state, "FAULT"))
		t->faults++;
	else
		t->others++;
	if (want && strcasecmp(want, state) != 0)
		finding(t, 2, "%s is %s", nz(name), state);
	else if (!strcmp(state, "FAULT"))
		finding(t, 2, "%s is %s", nz(name), state);
	else if (!want && strcmp(state, "MASTER") && strcmp(state, "BACKUP"))
		finding(t, 1, "%s is %s", nz(name), state);
	if (maint && json_object_get_boolean(maint)) {
		t->maintenance++;
		finding(t, 1, "%s held backup by an operator", nz(name));
	}
}

static void check_servers(json_object *st, struct check_tally *t)
{
	json_object *list = json_member(st, "virtual_servers");

	for (size_t i = 0; i < json_array_len(list); i++) {
		json_object *vs = json_object_array_get_idx(list, i);
		json_object *reals = json_member(vs, "real_servers"), *quorum = json_member(vs, "quorum_ok");
		const char *vs_name = json_member_string(vs, "address");

		if (quorum && json_object_is_type(quorum, json_type_boolean)
		    && !json_object_get_boolean(quorum)) {
			t->vs_below_quorum++;
			finding(t, 2, "virtual server %s below quorum", nz(vs_name));
		}
		for (size_t r = 0; r < json_array_len(reals); r++) {
			json_object *up = json_member(json_object_array_get_idx(reals, r), "up");

			if (!up || !json_object_is_type(up, json_type_boolean))
				continue;
			if (json_object_get_boolean(up)) {
				t->rs_up++;
			} else {
				t->rs_down++;
				finding(t, 1, "real server %s down",
					nz(json_member_string(json_object_array_get_idx(reals, r), "address")));
			}
		}
	}
}

int vigilctl_check_evaluate(json_object *status, const struct vigilctl_check_expect *expects,
			    size_t n_expects, FILE *out)
{
	struct check_tally t;
	json_object *instances = json_member(json_member(status, "vrrp"), "instances");

	memset(&t, 0, sizeof(t));
	check_workers(status, &t);
	for (size_t i = 0; i < json_array_len(instances); i++)
		check_instance(json_object_array_get_idx(instances, i), expects, n_expects, &t);
	for (size_t i = 0; i < n_expects; i++) {
		bool seen = false;

		for (size_t j = 0; j < json_array_len(instances); j++) {
			const char *name = json_member_string(json_object_array_get_idx(instances, j), "name");

			seen |= name && strcmp(name, expects[i].instance) == 0;
		}
		if (!seen)
			finding(&t, 2, "no instance %s", expects[i].instance);
	}
	check_servers(status, &t);
	fprintf(out, "VIGIL %s - ", check_code_names[t.code]);
	if (t.code == 0)
		fprintf(out, "%u master, %u backup, %u real servers up", t.masters, t.backups,
			t.rs_up);
	else
		fprintf(out, "%s%s", t.problems, t.more ? ", ..." : "");
	fprintf(out, " | masters=%u backups=%u faults=%u other=%u maintenance=%u rs_up=%u "
		"rs_down=%u vs_below_quorum=%u\n", t.masters, t.backups, t.faults, t.others,
		t.maintenance, t.rs_up, t.rs_down, t.vs_below_quorum);
	return t.code;
}

bool vigilctl_check_parse_expect(const char *text, struct vigilctl_check_expect *out)
{
	const char *eq = strchr(text, '=');
	static const char *const states[] = { "MASTER", "BACKUP", "FAULT", "INIT", "STOP" };

	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(out->instance))
		return false;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcasecmp(eq + 1, states[i]) == 0) {
			memcpy(out->instance, text, (size_t)(eq - text));
			out->instance[eq - text] = '\0';
			out->state = states[i];
			return true;
		}
	return false;
}

int vigilctl_check_unreachable(bool not_running, FILE *out)
{
	if (not_running) {
		fputs("VIGIL CRITICAL - vigild is not running\n", out);
		return 2;
	}
	fputs("VIGIL UNKNOWN - no readable answer from vigild\n", out);
	return 3;
}
