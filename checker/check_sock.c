/* A probe's own non-blocking socket; see check_sock.h. */
#include "config.h"
#include "checker/check_sock.h"

#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Events taken from the set per wakeup: enough to drain a busy set in a
 * few calls, small enough for the stack. */
#define CHECK_SOCK_BATCH 128
/* Batches taken per wakeup at most (see set_on_ready). */
#define CHECK_SOCK_ROUNDS 32

/* The loop's sockets: one epoll set, itself watched by one uv_poll. */
struct check_sock_set {
	uv_loop_t *loop;
	struct check_sock_set *next;    /* the registry, one set per loop */
	int epfd;
	uv_poll_t poll;
	unsigned users;                 /* open sockets and holders */
	unsigned socks;                 /* open sockets: the poll keeps the loop alive while > 0 */
	bool dispatching;               /* callbacks of one batch are running */
	struct check_sock *closed;      /* closed during the batch: freed after it */
};

struct check_sock {
	struct check_sock_set *set;
	int fd;                         /* -1 once closed */
	int events;                     /* UV_READABLE | UV_WRITABLE being watched */
	bool in_set;                    /* registered with the epoll set */
	bool edges;                     /* edge-triggered (check_sock_watch_edges) */
	check_sock_cb *cb;
	void *data;
	struct check_sock *next_closed;
};

static struct check_sock_set *sets;

static void set_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void set_unlink(struct check_sock_set *set)
{
	for (struct check_sock_set **pp = &sets; *pp; pp = &(*pp)->next)
		if (*pp == set) {
			*pp = set->next;
			return;
		}
}

/* The last user is gone: the loop keeps nothing of ours. */
static void set_put(struct check_sock_set *set)
{
	if (--set->users > 0 || set->dispatching)
		return;
	set_unlink(set);
	uv_close((uv_handle_t *)&set->poll, set_closed);
	close(set->epfd);
}

static void set_free_closed(struct check_sock_set *set)
{
	while (set->closed) {
		struct check_sock *sock = set->closed;

		set->closed = sock->next_closed;
		free(sock);
	}
}

/* One socket's event.  EPOLLERR comes with the socket's error, which is
 * read (and so cleared) here and handed over as `status`. */
static void sock_dispatch(struct check_sock *sock, uint32_t ev)
{
	int events = 0, err = 0;

	if (ev & EPOLLERR)
		err = check_fd_socket_error(sock->fd);
	if (err) {
		sock->cb(sock, -err, 0, sock->data);
		return;
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
		events |= UV_READABLE;
	if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		events |= UV_WRITABLE;
	events &= sock->events;
	if (events)
		sock->cb(sock, 0, events, sock->data);
}

/* One batch of ready sockets: returns how many the set gave.  A
 * callback may close any socket, its own or one later in the batch, so
 * closed sockets wait for the batch's end; sock->fd < 0 marks them. */
static int set_dispatch_batch(struct check_sock_set *set)
{
	struct epoll_event ev[CHECK_SOCK_BATCH];
	int n = epoll_wait(set->epfd, ev, CHECK_SOCK_BATCH, 0);

	for (int i = 0; i < n; i++) {
		struct check_sock *sock = ev[i].data.ptr;

		if (sock->fd >= 0)
			sock_dispatch(sock, ev[i].events);
	}
	set_free_closed(set);
	return n;
}

/* The set has ready sockets: take them until it has none, or up to
 * CHECK_SOCK_ROUNDS batches.  The timer queue starts every attempt that is
 * due in one pass of the loop; were completions taken one batch a pass, a
 * saturated loop would start attempts faster than it finished them, and
 * nearly every real server's attempt would wait in flight with its memory
 * and its descriptor.  The bound keeps timers running under a flood. */
static void set_on_ready(uv_poll_t *poll, int status, int revents)
{
	struct check_sock_set *set = poll->data;

	(void)status;
	(void)revents;
	set->users++;   /* the set outlives its own batches */
	set->dispatching = true;
	for (int round = 0; round < CHECK_SOCK_ROUNDS; round++)
		if (set_dispatch_batch(set) < CHECK_SOCK_BATCH)
			break;
	set->dispatching = false;
	set_put(set);
}

static struct check_sock_set *set_get(uv_loop_t *loop, int *err)
{
	struct check_sock_set *set;

	for (set = sets; set; set = set->next)
		if (set->loop == loop) {
			set->users++;
			return set;
		}
	set = XNEW(struct check_sock_set);
	set->loop = loop;
	set->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (set->epfd < 0) {
		*err = -errno;
		free(set);
		return NULL;
	}
	*err = uv_poll_init(loop, &set->poll, set->epfd);
	if (*err < 0) {
		close(set->epfd);
		free(set);
		return NULL;
	}
	set->poll.data = set;
	*err = uv_poll_start(&set->poll, UV_READABLE, set_on_ready);
	if (*err < 0) {
		uv_close((uv_handle_t *)&set->poll, set_closed);
		close(set->epfd);
		return NULL;
	}
	uv_unref((uv_handle_t *)&set->poll);   /* until it has a socket */
	set->users = 1;
	set->next = sets;
	sets = set;
	return set;
}

int check_sock_hold(uv_loop_t *loop)
{
	int err = 0;

	return set_get(loop, &err) ? 0 : err;
}

void check_sock_release(uv_loop_t *loop)
{
	for (struct check_sock_set *set = sets; set; set = set->next)
		if (set->loop == loop) {
			set_put(set);
			return;
		}
}

struct check_sock *check_sock_adopt(uv_loop_t *loop, int fd, check_sock_cb *cb, void *data,
				    int *err)
{
	struct check_sock_set *set = set_get(loop, err);
	struct check_sock *sock;

	if (!set)
		return NULL;
	if (set->socks++ == 0)
		uv_ref((uv_handle_t *)&set->poll);
	sock = XNEW(struct check_sock);
	sock->set = set;
	sock->fd = fd;
	sock->cb = cb;
	sock->data = data;
	return sock;
}

int check_sock_connect(int fd, const struct check_attempt *settings)
{
	if (connect(fd, &settings->target.sa, settings->target_len) == 0)
		return 0;
	return errno == EINPROGRESS || errno == EINTR ? 0 : -errno;
}

int check_sock_poll_now(const struct check_sock *sock, int *status)
{
	struct pollfd p = { .fd = sock->fd, .events = POLLIN | POLLOUT };
	int events = 0;

	*status = 0;
	if (poll(&p, 1, 0) != 1)
		return 0;
	if ((p.revents & POLLERR) && (*status = check_sock_error(sock)) < 0)
		return 0;
	if (p.revents & (POLLIN | POLLERR | POLLHUP))
		events |= UV_READABLE;
	if (p.revents & (POLLOUT | POLLERR | POLLHUP))
		events |= UV_WRITABLE;
	return events;
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
		*err = check_sock_connect(fd, settings);
	sock = *err < 0 ? NULL : check_sock_adopt(loop, fd, cb, data, err);
	if (!sock)
		close(fd);
	return sock;
}

int check_sock_fd(const struct check_sock *sock)
{
	return sock->fd;
}

static int sock_watch(struct check_sock *sock, int events, bool edges)
{
	struct epoll_event ev = { .data.ptr = sock };

	if (events == sock->events && edges == sock->edges && sock->in_set)
		return 0;
	if (events & UV_READABLE)
		ev.events |= EPOLLIN;
	if (events & UV_WRITABLE)
		ev.events |= EPOLLOUT;
	if (edges)
		ev.events |= EPOLLET;
	if (epoll_ctl(sock->set->epfd, sock->in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, sock->fd,
		      &ev) < 0)
		return -errno;
	sock->in_set = true;
	sock->events = events;
	sock->edges = edges;
	return 0;
}

int check_sock_watch(struct check_sock *sock, int events)
{
	return sock_watch(sock, events, false);
}

int check_sock_watch_edges(struct check_sock *sock, int events)
{
	return sock_watch(sock, events, true);
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

void check_sock_close(struct check_sock *sock)
{
	struct check_sock_set *set;

	if (!sock)
		return;
	set = sock->set;
	/* closing the descriptor takes it out of the epoll set (it is never
	 * duplicated) */
	close(sock->fd);
	sock->fd = -1;
	if (--set->socks == 0)
		uv_unref((uv_handle_t *)&set->poll);
	if (set->dispatching) {
		sock->next_closed = set->closed;
		set->closed = sock;
	} else {
		free(sock);
	}
	set_put(set);
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
