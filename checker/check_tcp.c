/* TCP_CHECK: the real server is up when a TCP connection to it completes
 * within connect_timeout.  The socket is made here (so bind_if, fwmark and
 * the source apply before connect), then handed to libuv; the connection
 * is closed as soon as it is established. */
#include "config.h"
#include "checker/check_probe.h"
#include "checker/check_sock.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct check_tcp {
	struct check_attempt *attempt;   /* NULL once finished or cancelled */
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t connect;
	bool tcp_open;                   /* tcp was initialised */
	int open_handles;
	/* a failure found while starting, reported from the timer */
	enum check_outcome early_outcome;
	int early_error;
	const char *early_what;
};

static void check_tcp_closed(uv_handle_t *handle)
{
	struct check_tcp *t = handle->data;

	if (--t->open_handles == 0)
		free(t);
}

/* Closes the handles; the state frees itself once libuv is done. */
static void check_tcp_release(struct check_tcp *t)
{
	t->attempt = NULL;
	uv_close((uv_handle_t *)&t->timer, check_tcp_closed);
	if (t->tcp_open)
		uv_close((uv_handle_t *)&t->tcp, check_tcp_closed);
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

static void check_tcp_on_connect(uv_connect_t *req, int status)
{
	struct check_tcp *t = req->data;

	if (!t->attempt)
		return;   /* timed out or cancelled: the close cancelled the request */
	if (status == 0)
		check_tcp_end(t, CHECK_OK, 0, NULL);
	else
		check_tcp_end(t, check_outcome_from_errno(status), -status, "connect");
}

/* How the connect ended, asked of the socket itself: 0 connected, a
 * positive errno refused or failed, -1 still in progress. */
static int check_tcp_connect_state(const struct check_tcp *t)
{
	struct pollfd p = { .events = POLLOUT };

	if (!t->tcp_open || uv_fileno((const uv_handle_t *)&t->tcp, &p.fd) < 0
	    || poll(&p, 1, 0) != 1 || !(p.revents & (POLLOUT | POLLERR | POLLHUP)))
		return -1;
	return check_fd_socket_error(p.fd);
}

/* connect_timeout.  libuv runs due timers before it looks at sockets, so a
 * loop that fell behind (thousands of checks on a saturated CPU) would see
 * this timeout before a connection that completed in time; the server is
 * not down for the checker's own lateness, so the socket decides. */
static void check_tcp_on_timer(uv_timer_t *timer)
{
	struct check_tcp *t = timer->data;
	int state;

	if (t->early_error) {
		check_tcp_end(t, t->early_outcome, t->early_error, t->early_what);
		return;
	}
	state = check_tcp_connect_state(t);
	if (state == 0)
		check_tcp_end(t, CHECK_OK, 0, NULL);
	else if (state > 0)
		check_tcp_end(t, check_outcome_from_errno(state), state, "connect");
	else
		check_tcp_end(t, CHECK_FAIL_TIMEOUT, 0, NULL);
}

/* Socket, options, bind and connect; returns a positive errno and sets
 * *what on failure. */
static int check_tcp_connect(struct check_tcp *t, const char **what)
{
	struct check_attempt *a = t->attempt;
	int fd, err;

	*what = "socket";
	fd = socket(a->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	*what = "socket setup";
	err = check_attempt_prepare_socket(a, fd);
	if (err < 0) {
		close(fd);
		return -err;
	}
	uv_tcp_init(a->loop, &t->tcp);
	t->tcp.data = t;
	t->tcp_open = true;
	t->open_handles++;
	err = uv_tcp_open(&t->tcp, fd);
	if (err < 0) {
		close(fd);
		return -err;
	}
	*what = "connect";
	err = uv_tcp_connect(&t->connect, &t->tcp, (const struct sockaddr *)&a->target,
			     check_tcp_on_connect);
	return err < 0 ? -err : 0;
}

static int check_tcp_start(struct check_attempt *a)
{
	struct check_tcp *t = calloc(1, sizeof(*t));
	const char *what;
	int err;

	if (!t)
		return -ENOMEM;
	t->attempt = a;
	a->probe = t;
	uv_timer_init(a->loop, &t->timer);
	t->timer.data = t;
	t->connect.data = t;
	t->open_handles = 1;
	err = check_tcp_connect(t, &what);
	if (err) {
		/* the contract wants the result from the loop, never from here */
		t->early_error = err;
		t->early_outcome = check_outcome_from_errno(err);
		t->early_what = what;
		uv_timer_start(&t->timer, check_tcp_on_timer, 0, 0);
		return 0;
	}
	uv_timer_start(&t->timer, check_tcp_on_timer, (a->timeout_us + 999) / 1000, 0);
	return 0;
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
