/* The control socket: a unix stream socket (mode 0600) where each request
 * line gets one response line (lib/ctl_proto.h).
 *
 * The server frames and parses; what a command does is up to the handler,
 * which may answer later (a status waits for the workers).  A client that
 * is slow, silent or sends garbage costs the daemon a bounded buffer and a
 * timer, never a blocked loop. */
#ifndef VIGIL_CONTROL_H
#define VIGIL_CONTROL_H

#include "ctl_proto.h"

#include <json-c/json.h>
#include <stddef.h>
#include <uv.h>

/* A client must send a whole request (and read its answer) within this. */
#define CONTROL_IDLE_TIMEOUT_MS 5000
#define CONTROL_MAX_CONNECTIONS 32

struct control_server;
/* One request awaiting its answer; answer each exactly once. */
struct control_request;

typedef void (*control_handler_fn)(void *arg, struct control_request *req,
				   enum ctl_command cmd, json_object *request);

/* Creates the socket's directory (0755), removes a stale socket (one nobody
 * listens on), then binds and listens with mode 0600.  Plain syscalls, so it
 * can run before daemonising and report errors on the terminal.  Returns the
 * listening fd, or -1 with a message in err. */
int control_socket_bind(const char *path, char *err, size_t err_len);

/* Serves the socket bound by control_socket_bind (takes the fd). */
struct control_server *control_server_start(uv_loop_t *loop, int fd, const char *path,
					    control_handler_fn handler, void *arg);
/* Sends the response (taking ownership) if the client is still there. */
void control_request_reply(struct control_request *req, json_object *response);
/* Stops listening and removes the socket file.  Answers already queued are
 * still delivered; requests not yet answered are dropped (replying to them
 * stays safe).  The server frees itself once its handles are closed. */
void control_server_close(struct control_server *srv);

#endif
