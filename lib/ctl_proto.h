/* The control protocol: newline-delimited JSON, one object per line.
 *
 * Used on the control socket (vigilctl <-> vigild) and on the IPC channel
 * between the parent and its workers.  A request is {"command":NAME,...};
 * a response is {"ok":true,"result":{...}} or {"ok":false,"error":MSG,...}.
 * Nothing here does I/O: the line buffer takes bytes from whoever read them
 * (libuv in the daemon, read(2) in vigilctl), so the framing is the same on
 * both ends and can be tested on its own. */
#ifndef VIGIL_CTL_PROTO_H
#define VIGIL_CTL_PROTO_H

#include "conf_diag.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* Size limits.  Requests are tiny; a limit keeps a bad client from making
 * the daemon buffer without end.  Responses carry the whole status. */
#define CTL_REQUEST_MAX  (64u * 1024)
#define CTL_RESPONSE_MAX (64u * 1024 * 1024)

enum ctl_command {
	CTL_CMD_STATUS,
	CTL_CMD_RELOAD,
	CTL_CMD_STOP,
	CTL_CMD_VRRP,        /* {"action","instance","hold_s"}: failback control */
	CTL_CMD_REAL_SERVER, /* {"action","virtual_server","real_server"}: drain/enable */
	/* {"types":[CLASS...]}: the connection turns into a stream of event
	 * lines (lib/vigil_event.h); parent -> worker: {"on":BOOL} */
	CTL_CMD_EVENTS,
	CTL_CMD_COUNT,
	CTL_CMD_INVALID = CTL_CMD_COUNT,
};
extern const char *const ctl_command_names[CTL_CMD_COUNT];

/* Bytes in, complete lines out. */
struct ctl_linebuf {
	char *data;
	size_t len, cap;
	size_t max;          /* longest line accepted, without its newline */
	bool overflow;       /* a line longer than max was seen: the stream is unusable */
};

void ctl_linebuf_init(struct ctl_linebuf *lb, size_t max);
void ctl_linebuf_free(struct ctl_linebuf *lb);
/* Returns false (and sets overflow) when the pending partial line would
 * exceed max. */
bool ctl_linebuf_append(struct ctl_linebuf *lb, const char *bytes, size_t n);
/* The next complete line (newline removed, '\r' before it too), malloc'd,
 * or NULL when no complete line is buffered. */
char *ctl_linebuf_next(struct ctl_linebuf *lb);

/* Parses one line as a JSON object.  On failure returns NULL and a static
 * description in *why. */
json_object *ctl_parse_object(const char *line, const char **why);
/* Compact JSON text plus '\n', malloc'd. */
char *ctl_format_line(json_object *obj, size_t *len);

/* The "command" of a request; CTL_CMD_INVALID with *why set if missing or
 * unknown. */
enum ctl_command ctl_request_command(json_object *req, const char **why);
json_object *ctl_request_new(enum ctl_command cmd);

/* Response builders; ctl_response_ok takes ownership of `result` (NULL: {}). */
json_object *ctl_response_ok(json_object *result);
json_object *ctl_response_error(const char *message);
/* {"ok":false,"error":"configuration refused: N errors","errors":[LINE,...]}
 * for a configuration that failed to load. */
json_object *ctl_response_refused(const struct conf_diags *diags);
/* The errors (not warnings) as "FILE:LINE: error: message" strings. */
json_object *ctl_diag_errors_json(const struct conf_diags *diags);
/* Reads a response: true for ok (result in *result, borrowed, may be NULL),
 * false for a refusal (message in *error) or a malformed response
 * (*malformed set). */
bool ctl_response_read(json_object *resp, json_object **result, const char **error,
		       bool *malformed);

#endif
