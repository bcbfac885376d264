/* A probe's own non-blocking socket, watched from the loop.
 *
 * SMTP_CHECK and DNS_CHECK talk over a socket they open themselves (so
 * bind_if, fwmark and the source apply through
 * check_attempt_prepare_socket) and drive it with a uv_poll handle.  The
 * handle's memory must outlive closing it, which is what this wraps:
 * check_sock_close() stops everything at once (no callback after it) and
 * the memory goes when libuv is done with it. */
#ifndef VIGIL_CHECK_SOCK_H
#define VIGIL_CHECK_SOCK_H

#include "checker/check_probe.h"

#include <sys/socket.h>
#include <uv.h>

struct check_sock;

/* status: 0 or a negative libuv error; events: UV_READABLE / UV_WRITABLE. */
typedef void check_sock_cb(struct check_sock *sock, int status, int events, void *data);

/* Opens a socket of `type` (SOCK_STREAM or SOCK_DGRAM) for the family of
 * `settings->target`, applies the attempt's socket settings and starts
 * connecting to the target (a TCP connect completes later: watch for
 * UV_WRITABLE, then check_sock_error()).  Returns NULL with *err a
 * negative errno when any step fails at once. */
struct check_sock *check_sock_open(uv_loop_t *loop, const struct check_attempt *settings,
				   int type, check_sock_cb *cb, void *data, int *err);

int check_sock_fd(const struct check_sock *sock);

/* Watches for `events` (replacing what was watched); 0 or a libuv error. */
int check_sock_watch(struct check_sock *sock, int events);

/* The pending socket error (SO_ERROR) as a negative errno, or 0. */
int check_sock_error(const struct check_sock *sock);
/* The same for any socket `fd`, as a positive errno (0: none), for probes
 * whose sockets libuv or another library drives. */
int check_fd_socket_error(int fd);

/* Closes the socket; no callback is made after this. */
void check_sock_close(struct check_sock *sock);

/* Sets the port of `ss` to `port` when it is 0 (no port anywhere in the
 * configuration: the protocol's well-known port). */
void check_sock_default_port(union check_sockaddr *ss, uint16_t port);

/* "10.0.0.2:25" / "[fd00::2]:53" for log lines. */
const char *check_sock_addr_string(const union check_sockaddr *ss, char *buf, size_t len);

#endif
