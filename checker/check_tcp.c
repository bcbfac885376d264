/* TCP_CHECK: the real server is up when a TCP connection to it completes
 * within connect_timeout.  The probe makes its own non-blocking socket (so
 * bind_if, fwmark and the source apply before connect), watches it in the
 * loop's socket set (check_sock.h) until it turns writable and reads how
 * the connect ended from SO_ERROR; the connection is closed as soon as it
 * is established.
 *
 * A saturated checker has thousands of these in flight, so the state is
 * kept small and cheap to make: the shared socket set rather than a
 * uv_tcp and its uv_connect (stream machinery for data this probe never
 * sends), and the timeout in the loop's shared timer queue (vrrp_timer.h)
 * rather than a uv_timer of its own. */
#include "config.h"
#include "checker/check_probe.h"
#include "checker/check_sock.h"
#include "vrrp/vrrp_timer.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The step of starting a connection that failed, as the result text names it. */
enum check_tcp_step { CHECK_TCP_SOCKET, CHECK_TCP_SETUP, CHECK_TCP_CONNECT };
static const char *const check_tcp_step_names[] = {
	[CHECK_TCP_SOCKET] = "socket",
	[CHECK_TCP_SETUP] = "socket setup",
	[CHECK_TCP_CONNECT] = "connect",
};

struct check_tcp {
	struct vrrp_precise_timer timer; /* connect_timeout, or the early failure */
	struct check_attempt *attempt;   /* NULL once finished or cancelled */
	struct check_sock *sock;         /* NULL until the socket is watched */
	/* a failure found while starting (a positive errno), reported from the timer */
	int early_error;
	uint8_t early_step;              /* enum check_tcp_step */
};

static void check_tcp_timer_closed(struct vrrp_precise_timer *timer)
{
	free(timer->data);
}

/* Closes the timer and the socket: no callback runs after this, and the
 * state frees itself once libuv and the timer queue are done with it. */
static void check_tcp_release(struct check_tcp *t)
{
	t->attempt = NULL;
	check_sock_close(t->sock);
	t->sock = NULL;
	vrrp_timer_close(&t->timer, check_tcp_timer_closed);
}

static void check_tcp_end(struct check_tcp *t, enum check_outcome outcome, int err,
			  const char *what)
{
	struct check_attempt *a = t->attempt;

	check_tcp_release(t);
	a->probe = NULL;
	if (outcome == CHECK_OK)
		check_attempt_finish(a, CHECK_OK, 0, -1, "TCP connection established");
	else if (outcome == CHECK_FAIL_TIMEOUT && !err)
		check_attempt_finish(a, outcome, 0, -1, "TCP connect timed out after %llu ms",
				     (unsigned long long)(a->timeout_us / 1000));
	else
		check_attempt_finish(a, outcome, err, -1, "TCP %s: %s", what, strerror(err));
}

/* The connect ended: `err` is the socket's error, 0 when it connected. */
static void check_tcp_end_connect(struct check_tcp *t, int err)
{
	if (err == 0)
		check_tcp_end(t, CHECK_OK, 0, NULL);
	else
		check_tcp_end(t, check_outcome_from_errno(err), err, "connect");
}

/* Writable, or the socket's error (a refused connect): the connect ended
 * one way or the other.  The set reads the error when there is one, so
 * writable without it is connected. */
static void check_tcp_on_writable(struct check_sock *sock, int status, int events, void *data)
{
	(void)sock;
	(void)events;
	check_tcp_end_connect(data, -status);
}

/* How the connect ended, asked of the socket itself: 0 connected, a
 * positive errno refused or failed, -1 still in progress. */
static int check_tcp_connect_state(const struct check_tcp *t)
{
	int status, events;

	if (!t->sock)
		return -1;
	events = check_sock_poll_now(t->sock, &status);
	if (status < 0)
		return -status;
	return events & UV_WRITABLE ? 0 : -1;
}

/* connect_timeout.  A loop that fell behind (thousands of checks on a
 * saturated CPU) may run this timeout before it looks at a socket whose
 * connection completed in time; the server is not down for the checker's
 * own lateness, so the socket decides. */
static void check_tcp_on_timer(struct vrrp_precise_timer *timer)
{
	struct check_tcp *t = timer->data;
	int state;

	if (t->early_error) {
		check_tcp_end(t, check_outcome_from_errno(t->early_error), t->early_error,
			      check_tcp_step_names[t->early_step]);
		return;
	}
	state = check_tcp_connect_state(t);
	if (state >= 0)
		check_tcp_end_connect(t, state);
	else
		check_tcp_end(t, CHECK_FAIL_TIMEOUT, 0, NULL);
}

/* Socket, options, the socket set and connect; returns a positive errno
 * and sets *step on failure. */
static int check_tcp_connect(struct check_tcp *t, enum check_tcp_step *step)
{
	struct check_attempt *a = t->attempt;
	int fd, err;

	*step = CHECK_TCP_SOCKET;
	fd = socket(a->target.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	*step = CHECK_TCP_SETUP;
	err = check_attempt_prepare_socket(a, fd);
	if (err == 0)
		t->sock = check_sock_adopt(a->loop, fd, check_tcp_on_writable, t, &err);
	if (!t->sock) {
		close(fd);
		return -err;
	}
	*step = CHECK_TCP_CONNECT;
	return -check_sock_connect(fd, a);
}

/* Arms the timeout, then watches the socket. */
static int check_tcp_watch(struct check_tcp *t)
{
	int err = vrrp_timer_start(&t->timer, t->attempt->timeout_us);

	return err ? err : check_sock_watch(t->sock, UV_WRITABLE);
}

static int check_tcp_start(struct check_attempt *a)
{
	struct check_tcp *t = calloc(1, sizeof(*t));
	enum check_tcp_step step;
	int err;

	if (!t)
		return -ENOMEM;
	err = vrrp_timer_init(a->loop, &t->timer, check_tcp_on_timer);
	if (err) {
		free(t);
		return err;
	}
	t->timer.data = t;
	t->attempt = a;
	a->probe = t;
	err = check_tcp_connect(t, &step);
	if (err) {
		/* the contract wants the result from the loop, never from here */
		t->early_error = err;
		t->early_step = step;
		err = vrrp_timer_start(&t->timer, 0);
	} else {
		err = check_tcp_watch(t);
	}
	if (err) {
		a->probe = NULL;
		check_tcp_release(t);
	}
	return err;
}

static void check_tcp_cancel(struct check_attempt *a)
{
	struct check_tcp *t = a->probe;

	if (!t)
		return;
	a->probe = NULL;
	check_tcp_release(t);
}

const struct check_probe_ops check_probe_tcp = {
	.type = CHECK_TYPE_TCP,
	.start = check_tcp_start,
	.cancel = check_tcp_cancel,
};
