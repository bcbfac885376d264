/* Datagram-socket probe life cycle (see check_dgram.h). */
#include "config.h"
#include "checker/check_dgram.h"
#include "checker/check_sock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static void check_dgram_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void check_dgram_release(struct check_dgram *d)
{
	if (d->attempt)
		d->attempt->probe = NULL;
	d->attempt = NULL;
	if (d->sock)
		check_sock_close(d->sock);   /* closes its fd */
	d->sock = NULL;
	uv_close((uv_handle_t *)&d->timer, check_dgram_closed);
}

static void check_dgram_on_timer(uv_timer_t *timer)
{
	struct check_dgram *d = timer->data;

	if (d->early_error)
		check_dgram_end_errno(d, d->early_error, d->early_what);
	else
		d->on_timeout(d);
}

/* Readable, or the socket's error (an ICMP error on a connected UDP
 * socket), which the set has already read: it is kept for
 * check_dgram_socket_error(), where the probe looks when recv finds
 * nothing. */
static void check_dgram_on_sock(struct check_sock *sock, int status, int events, void *data)
{
	struct check_dgram *d = data;

	(void)sock;
	(void)events;
	if (status < 0)
		d->sock_error = -status;
	if (d->attempt)
		d->on_readable(d);
}

void check_dgram_init(struct check_dgram *d, struct check_attempt *attempt,
		      check_dgram_cb *on_readable, check_dgram_cb *on_timeout)
{
	d->attempt = attempt;
	d->on_readable = on_readable;
	d->on_timeout = on_timeout;
	uv_timer_init(attempt->loop, &d->timer);
	d->timer.data = d;
	attempt->probe = d;
}

int check_dgram_adopt(struct check_dgram *d, int fd)
{
	int err;

	d->sock = check_sock_adopt(d->attempt->loop, fd, check_dgram_on_sock, d, &err);
	if (!d->sock) {
		close(fd);
		return err;
	}
	return check_sock_watch(d->sock, UV_READABLE);
}

int check_dgram_fd(const struct check_dgram *d)
{
	return d->sock ? check_sock_fd(d->sock) : -1;
}

void check_dgram_arm(struct check_dgram *d)
{
	uv_timer_start(&d->timer, check_dgram_on_timer, (d->attempt->timeout_us + 999) / 1000, 0);
}

void check_dgram_fail_soon(struct check_dgram *d, int err, const char *what)
{
	d->early_error = err;
	d->early_what = what;
	uv_timer_start(&d->timer, check_dgram_on_timer, 0, 0);
}

void check_dgram_end(struct check_dgram *d, enum check_outcome outcome, int detail,
		     const char *text)
{
	struct check_attempt *a = d->attempt;

	check_dgram_release(d);
	check_attempt_finish(a, outcome, detail, -1, "%s", text);
}

void check_dgram_end_errno(struct check_dgram *d, int err, const char *what)
{
	char text[128];

	snprintf(text, sizeof(text), "%s: %s", what, strerror(err));
	check_dgram_end(d, check_outcome_from_errno(err), err, text);
}

void check_dgram_cancel(struct check_attempt *attempt)
{
	struct check_dgram *d = attempt->probe;

	if (d)
		check_dgram_release(d);
}

int check_dgram_socket_error(struct check_dgram *d)
{
	int err = d->sock_error;

	d->sock_error = 0;
	return err ? err : check_fd_socket_error(check_dgram_fd(d));
}

void check_dgram_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	if (getrandom(buf, len, GRND_NONBLOCK) == (ssize_t)len)
		return;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rand();
}
