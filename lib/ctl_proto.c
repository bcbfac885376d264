#include "config.h"
#include "ctl_proto.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ctl_command_names[CTL_CMD_COUNT] = {
	[CTL_CMD_STATUS] = "status",
	[CTL_CMD_RELOAD] = "reload",
	[CTL_CMD_STOP] = "stop",
	[CTL_CMD_VRRP] = "vrrp",
	[CTL_CMD_REAL_SERVER] = "real_server",
	[CTL_CMD_EVENTS] = "events",
};

/* An empty buffer bigger than this is freed rather than kept. */
#define CTL_LINEBUF_KEEP (64u * 1024u)

void ctl_linebuf_init(struct ctl_linebuf *lb, size_t max)
{
	memset(lb, 0, sizeof(*lb));
	lb->max = max;
}

void ctl_linebuf_free(struct ctl_linebuf *lb)
{
	free(lb->data);
	ctl_linebuf_init(lb, lb->max);
}

/* Length of the partial line at the end of the buffer (after the last '\n'). */
static size_t partial_line_len(const struct ctl_linebuf *lb)
{
	const char *nl = lb->len ? memrchr(lb->data, '\n', lb->len) : NULL;

	return nl ? lb->len - (size_t)(nl + 1 - lb->data) : lb->len;
}

bool ctl_linebuf_append(struct ctl_linebuf *lb, const char *bytes, size_t n)
{
	if (lb->overflow)
		return false;
	lb->data = xgrow_bytes(lb->data, &lb->cap, lb->len + n + 1, 1024);
	memcpy(lb->data + lb->len, bytes, n);
	lb->len += n;
	/* Complete lines are checked when taken out; only the unfinished one
	 * can grow without bound here. */
	if (partial_line_len(lb) > lb->max) {
		lb->overflow = true;
		return false;
	}
	return true;
}

char *ctl_linebuf_next(struct ctl_linebuf *lb)
{
	char *nl = lb->len ? memchr(lb->data, '\n', lb->len) : NULL;
	size_t line_len, used;
	char *line;

	if (!nl)
		return NULL;
	line_len = (size_t)(nl - lb->data);
	used = line_len + 1;
	if (line_len > lb->max) {
		lb->overflow = true;
		return NULL;
	}
	if (line_len && lb->data[line_len - 1] == '\r')
		line_len--;
	line = xstrndup(lb->data, line_len);
	memmove(lb->data, lb->data + used, lb->len - used);
	lb->len -= used;
	if (lb->len == 0 && lb->cap > CTL_LINEBUF_KEEP) {
		/* one large message must not pin its buffer for good */
		free(lb->data);
		lb->data = NULL;
		lb->cap = 0;
	}
	return line;
}

json_object *ctl_parse_object(const char *line, const char **why)
{
	enum json_tokener_error err;
	json_object *obj;

	obj = json_tokener_parse_verbose(line, &err);
	if (!obj) {
		*why = json_tokener_error_desc(err);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		*why = "not a JSON object";
		return NULL;
	}
	return obj;
}

char *ctl_format_line(json_object *obj, size_t *len)
{
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN
							   | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = xasprintf("%s\n", text);

	if (len)
		*len = strlen(line);
	return line;
}

enum ctl_command ctl_request_command(json_object *req, const char **why)
{
	json_object *cmd;
	const char *name;

	if (!json_object_object_get_ex(req, "command", &cmd)
	    || !json_object_is_type(cmd, json_type_string)) {
		*why = "request has no \"command\" string";
		return CTL_CMD_INVALID;
	}
	name = json_object_get_string(cmd);
	for (int i = 0; i < CTL_CMD_COUNT; i++)
		if (strcmp(name, ctl_command_names[i]) == 0)
			return (enum ctl_command)i;
	*why = "unknown command";
	return CTL_CMD_INVALID;
}

json_object *ctl_request_new(enum ctl_command cmd)
{
	json_object *req = json_object_new_object();

	json_object_object_add(req, "command", json_object_new_string(ctl_command_names[cmd]));
	return req;
}

json_object *ctl_response_ok(json_object *result)
{
	json_object *resp = json_object_new_object();

	json_object_object_add(resp, "ok", json_object_new_boolean(true));
	json_object_object_add(resp, "result", result ? result : json_object_new_object());
	return resp;
}

json_object *ctl_response_error(const char *message)
{
	json_object *resp = json_object_new_object();

	json_object_object_add(resp, "ok", json_object_new_boolean(false));
	json_object_object_add(resp, "error", json_object_new_string(message));
	return resp;
}

json_object *ctl_diag_errors_json(const struct conf_diags *diags)
{
	json_object *errors = json_object_new_array();
	char line[2048];

	for (size_t i = 0; i < diags->count; i++) {
		if (diags->items[i].level != CONF_ERROR)
			continue;
		conf_diag_format(&diags->items[i], line, sizeof(line));
		json_object_array_add(errors, json_object_new_string(line));
	}
	return errors;
}

json_object *ctl_response_refused(const struct conf_diags *diags)
{
	char message[64];
	json_object *resp;

	snprintf(message, sizeof(message), "configuration refused: %u error%s", diags->errors,
		 diags->errors == 1 ? "" : "s");
	resp = ctl_response_error(message);
	json_object_object_add(resp, "errors", ctl_diag_errors_json(diags));
	return resp;
}

bool ctl_response_read(json_object *resp, json_object **result, const char **error,
		       bool *malformed)
{
	json_object *ok, *msg;

	*result = NULL;
	*error = NULL;
	*malformed = false;
	if (!json_object_object_get_ex(resp, "ok", &ok)
	    || !json_object_is_type(ok, json_type_boolean)) {
		*malformed = true;
		return false;
	}
	if (json_object_get_boolean(ok)) {
		json_object_object_get_ex(resp, "result", result);
		return true;
	}
	if (json_object_object_get_ex(resp, "error", &msg)
	    && json_object_is_type(msg, json_type_string))
		*error = json_object_get_string(msg);
	else
		*malformed = true;
	return false;
}
