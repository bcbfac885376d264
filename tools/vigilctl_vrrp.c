/* `vigilctl vrrp demote|maintenance|release NAME`: the operator's failback
 * control.  vigild's VRRP worker checks the instance and answers with
 * what it did to each instance (a sync group member stands for its whole
 * group). */
#include "config.h"
#include "tools/vigilctl.h"
#include "ctl_proto.h"

#include <stdio.h>
#include <string.h>

static const char *const vrrp_actions[] = { "demote", "maintenance", "release" };

static bool known_action(const char *word)
{
	for (size_t i = 0; i < sizeof(vrrp_actions) / sizeof(vrrp_actions[0]); i++)
		if (strcmp(word, vrrp_actions[i]) == 0)
			return true;
	return false;
}

static json_object *vrrp_usage(const char *what, const char *arg)
{
	fprintf(stderr, "vigilctl: %s%s%s%s (usage: vigilctl vrrp demote NAME [--hold SECONDS] | "
		"maintenance NAME|all | release NAME|all)\n", what, arg ? " \"" : "",
		arg ? arg : "", arg ? "\"" : "");
	return NULL;
}

json_object *vigilctl_vrrp_request(char *const *args, int n, long hold_s)
{
	json_object *req;

	if (n < 1)
		return vrrp_usage("vrrp wants an action", NULL);
	if (!known_action(args[0]))
		return vrrp_usage("unknown vrrp action", args[0]);
	if (n < 2 || !*args[1])
		return vrrp_usage("vrrp wants an instance name", NULL);
	if (n > 2)
		return vrrp_usage("unexpected argument", args[2]);
	if (hold_s >= 0 && strcmp(args[0], "demote") != 0)
		return vrrp_usage("--hold goes with vrrp demote only", NULL);
	req = ctl_request_new(CTL_CMD_VRRP);
	json_object_object_add(req, "action", json_object_new_string(args[0]));
	json_object_object_add(req, "instance", json_object_new_string(args[1]));
	if (hold_s >= 0)
		json_object_object_add(req, "hold_s", json_object_new_int64(hold_s));
	return req;
}

void vigilctl_vrrp_print(json_object *result, FILE *out)
{
	json_object *list = NULL;

	json_object_object_get_ex(result, "instances", &list);
	if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) == 0) {
		fputs("no VRRP instance to act on\n", out);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i), *name = NULL, *what = NULL;

		json_object_object_get_ex(o, "name", &name);
		json_object_object_get_ex(o, "result", &what);
		fprintf(out, "%s: %s\n", name ? json_object_get_string(name) : "?",
			what ? json_object_get_string(what) : "?");
	}
}
