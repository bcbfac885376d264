/* A probe's own non-blocking socket, watched from the loop.
 *
 * TCP_CHECK, HTTP_GET, SMTP_CHECK, DNS_CHECK, UDP_CHECK and PING_CHECK
 * talk over sockets they open themselves (so bind_if, fwmark and the source apply through
 * check_attempt_prepare_socket).  All the sockets of a loop share one
 * epoll set, which the loop watches with one uv_poll: a socket costs an
 * epoll_ctl to watch and its close to leave, where a uv_poll handle of
 * its own costs five system calls more (libuv tests each new descriptor
 * with an add and a delete, sets it non-blocking again, and deletes it on
 * close) and about 100 bytes more.  A saturated checker has thousands of
 * sockets in flight, so both count.
 *
 * The set exists while a socket is open or someone holds it (the checker
 * runtime does, so it is not made and unmade around every check when few
 * are in flight); a loop with neither keeps nothing of ours.  Only open
 * sockets keep the loop running: a held set with none does not.
 * check_sock_close() stops everything at once: no callback after it, even
 * for an event already taken from the set. */
#ifndef VIGIL_CHECK_SOCK_H
#define VIGIL_CHECK_SOCK_H

#include "checker/check_probe.h"

#include <sys/socket.h>
#include <uv.h>

struct check_sock;

/* status: 0, or the socket's pending error as a negative errno (already
 * read from SO_ERROR, so check_sock_error() no longer has it) with events
 * 0; events: UV_READABLE / UV_WRITABLE, of those watched (a hang-up shows
 * as both). */
typedef void check_sock_cb(struct check_sock *sock, int status, int events, void *data);

/* Keeps the loop's socket set between sockets; 0 or a negative errno.
 * Each hold is ended by one release. */
int check_sock_hold(uv_loop_t *loop);
void check_sock_release(uv_loop_t *loop);

/* Opens a socket of `type` (SOCK_STREAM or SOCK_DGRAM) for the family of
 * `settings->target`, applies the attempt's socket settings and starts
 * connecting to the target (a TCP connect completes later: watch for
 * UV_WRITABLE, then check_sock_error()).  Returns NULL with *err a
 * negative errno when any step fails at once. */
struct check_sock *check_sock_open(uv_loop_t *loop, const struct check_attempt *settings,
				   int type, check_sock_cb *cb, void *data, int *err);

/* Watches a socket opened by the caller (non-blocking, any setup and
 * connect done); NULL with *err a negative errno, the descriptor left to
 * the caller, when it cannot.  check_sock_close() closes the descriptor. */
struct check_sock *check_sock_adopt(uv_loop_t *loop, int fd, check_sock_cb *cb, void *data,
				    int *err);

int check_sock_fd(const struct check_sock *sock);

/* connect() to the attempt's target on a non-blocking socket: 0 when it
 * has not failed (done, or in progress), else a negative errno. */
int check_sock_connect(int fd, const struct check_attempt *settings);

/* What the socket is ready for now (UV_READABLE, UV_WRITABLE), asked of
 * the kernel directly rather than through the set: for a deadline that
 * fires in the same loop pass as the event that would have beaten it.  A
 * pending error comes back in *status (a negative errno, as the set's
 * callback gets it) with no events; *status is 0 otherwise. */
int check_sock_poll_now(const struct check_sock *sock, int *status);

/* Watches for `events` (replacing what was watched); 0 or a negative errno. */
int check_sock_watch(struct check_sock *sock, int events);

/* Watches for `events` edge-triggered: the callback comes when the socket
 * turns ready for one of them (new data, room to write again after a
 * write that did not fit, an error), with every event it is ready for at
 * that moment.  The caller must read until EAGAIN, or switch back to
 * check_sock_watch(), or hear nothing more of what is left.  Set once for
 * a request and its answer, it saves the epoll_ctl that moving from
 * writable to readable costs. */
int check_sock_watch_edges(struct check_sock *sock, int events);

/* The pending socket error (SO_ERROR) as a negative errno, or 0. */
int check_sock_error(const struct check_sock *sock);
/* The same for any socket `fd`, as a positive errno (0: none), for
 * sockets another library drives. */
int check_fd_socket_error(int fd);

/* Closes the socket; no callback is made after this. */
void check_sock_close(struct check_sock *sock);

/* Sets the port of `ss` to `port` when it is 0 (no port anywhere in the
 * configuration: the protocol's well-known port). */
void check_sock_default_port(union check_sockaddr *ss, uint16_t port);

/* "10.0.0.2:25" / "[fd00::2]:53" for log lines. */
const char *check_sock_addr_string(const union check_sockaddr *ss, char *buf, size_t len);

#endif
