/* A probe's own non-blocking socket; see check_sock.h. */
#include "config.h"
#include "checker/check_sock.h"

#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct check_sock {
	uv_poll_t poll;                 /* first: the close callback gets it */
	int fd;
	check_sock_cb *cb;
	void *data;
};

static void sock_poll_cb(uv_poll_t *handle, int status, int events)
{
	struct check_sock *sock = handle->data;

	sock->cb(sock, status, events, sock->data);
}

/* A connect that has not failed yet: in progress, or done (UDP, or a
 * local TCP connection that completed at once). */
static int sock_connect(int fd, const struct check_attempt *settings)
{
	if (connect(fd, (const struct sockaddr *)&settings->target, settings->target_len) == 0)
		return 0;
	return errno == EINPROGRESS ? 0 : -errno;
}

struct check_sock *check_sock_open(uv_loop_t *loop, const struct check_attempt *settings,
				   int type, check_sock_cb *cb, void *data, int *err)
{
	struct check_sock *sock;
	int fd = socket(settings->target.sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	*err = check_attempt_prepare_socket(settings, fd);
	if (*err == 0)
		*err = sock_connect(fd, settings);
	if (*err < 0) {
		close(fd);
		return NULL;
	}
	sock = XNEW(struct check_sock);
	sock->fd = fd;
	sock->cb = cb;
	sock->data = data;
	*err = uv_poll_init_socket(loop, &sock->poll, fd);
	if (*err < 0) {
		close(fd);
		free(sock);
		return NULL;
	}
	sock->poll.data = sock;
	return sock;
}

int check_sock_fd(const struct check_sock *sock)
{
	return sock->fd;
}

int check_sock_watch(struct check_sock *sock, int events)
{
	return uv_poll_start(&sock->poll, events, sock_poll_cb);
}

int check_fd_socket_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

int check_sock_error(const struct check_sock *sock)
{
	return -check_fd_socket_error(sock->fd);
}

static void sock_closed(uv_handle_t *handle)
{
	free(handle);   /* the poll handle is the first member */
}

void check_sock_close(struct check_sock *sock)
{
	if (!sock)
		return;
	/* libuv allows closing the fd right after uv_close() on its poll handle */
	uv_close((uv_handle_t *)&sock->poll, sock_closed);
	close(sock->fd);
}

void check_sock_default_port(union check_sockaddr *ss, uint16_t port)
{
	in_port_t *p = ss->sa.sa_family == AF_INET6 ? &((struct sockaddr_in6 *)ss)->sin6_port
						 : &((struct sockaddr_in *)ss)->sin_port;

	if (*p == 0)
		*p = htons(port);
}

const char *check_sock_addr_string(const union check_sockaddr *ss, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss->sa.sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	}
	return buf;
}
