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
#include <stdbool.h>
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
/* Streaming (`vigilctl events`): after its first answer the connection
 * carries lines the daemon pushes, with no idle timeout, until either end
 * closes it.  What a client has not read yet is bounded: a line that
 * would take the bytes waiting (beyond the kernel's socket buffer) past
 * CONTROL_STREAM_QUEUE_MAX is refused, and the owner decides what then
 * (control_stream_finish). */
#define CONTROL_STREAM_QUEUE_MAX (256u * 1024)

struct control_stream;
/* The stream is gone (client closed, error, finished, server closing);
 * `s` must not be used after this returns. */
typedef void (*control_stream_closed_fn)(void *arg, struct control_stream *s);

/* Answers `req` with `response` (taken) and keeps the connection as a
 * stream; NULL if the client is already gone. */
struct control_stream *control_request_stream(struct control_request *req, json_object *response,
					      control_stream_closed_fn closed, void *arg);
/* Queues one line (copied; it must end in '\n'); false when the client is
 * too far behind for it (nothing queued). */
bool control_stream_send(struct control_stream *s, const char *line, size_t len);
/* Sends a last line (may be NULL), then closes; a client that does not
 * read it within CONTROL_IDLE_TIMEOUT_MS is cut off.  The closed callback
 * runs before this returns. */
void control_stream_finish(struct control_stream *s, const char *line, size_t len);

/* Stops listening and removes the socket file.  Answers already queued are
 * still delivered; requests not yet answered are dropped (replying to them
 * stays safe).  The server frees itself once its handles are closed. */
void control_server_close(struct control_server *srv);

#endif
