/* `vigilctl real-server drain|enable VS RS`: the operator takes a real
 * server out of service (weight 0 at once, removed from IPVS when its
 * connections are gone) or puts it back.  vigild's checker worker finds
 * the servers and answers with the real server's state. */
#include "config.h"
#include "tools/vigilctl.h"
#include "ctl_proto.h"

#include <stdio.h>
#include <string.h>

static json_object *rs_usage(const char *what, const char *arg)
{
	fprintf(stderr, "vigilctl: %s%s%s%s (usage: vigilctl real-server drain|enable "
		"VIRTUAL-SERVER REAL-SERVER; VIRTUAL-SERVER is ADDRESS:PORT, fwmark N or "
		"group NAME; REAL-SERVER is ADDRESS:PORT)\n", what, arg ? " \"" : "",
		arg ? arg : "", arg ? "\"" : "");
	return NULL;
}

/* "fwmark 5" and "group NAME" may come as one word or two. */
static int vs_words(char *const *args, int n, char *buf, size_t len)
{
	if (n >= 2 && (strcmp(args[0], "fwmark") == 0 || strcmp(args[0], "group") == 0)) {
		snprintf(buf, len, "%s %s", args[0], args[1]);
		return 2;
	}
	snprintf(buf, len, "%s", n >= 1 ? args[0] : "");
	return n >= 1 ? 1 : 0;
}

json_object *vigilctl_real_server_request(char *const *args, int n)
{
	char vs[256];
	json_object *req;
	int used;

	if (n < 1)
		return rs_usage("real-server wants an action", NULL);
	if (strcmp(args[0], "drain") != 0 && strcmp(args[0], "enable") != 0)
		return rs_usage("unknown real-server action", args[0]);
	used = vs_words(args + 1, n - 1, vs, sizeof(vs));
	if (used == 0 || !*vs)
		return rs_usage("real-server wants a virtual server", NULL);
	if (n < 2 + used || !*args[1 + used])
		return rs_usage("real-server wants a real server", NULL);
	if (n > 2 + used)
		return rs_usage("unexpected argument", args[2 + used]);
	req = ctl_request_new(CTL_CMD_REAL_SERVER);
	json_object_object_add(req, "action", json_object_new_string(args[0]));
	json_object_object_add(req, "virtual_server", json_object_new_string(vs));
	json_object_object_add(req, "real_server", json_object_new_string(args[1 + used]));
	return req;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "?";
}

void vigilctl_real_server_print(json_object *result, FILE *out)
{
	json_object *rs = NULL, *w = NULL, *up = NULL;

	json_object_object_get_ex(result, "result", &rs);
	json_object_object_get_ex(rs, "effective_weight", &w);
	json_object_object_get_ex(rs, "up", &up);
	fprintf(out, "%s %s in %s: %s, effective weight %s\n",
		strcmp(str(result, "action"), "drain") == 0 ? "drained" : "enabled",
		str(result, "real_server"), str(result, "virtual_server"),
		up && json_object_get_boolean(up) ? "up" : "down",
		w ? json_object_to_json_string(w) : "?");
}
