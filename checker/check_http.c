/* HTTP_GET: every url { ... } of the checker is fetched in turn, each on
 * a fresh connection, and the attempt passes when each answer passes
 * check_http_verify(); the first that does not ends it, named in the
 * result text.  connect_timeout bounds the whole attempt.
 *
 * vigil speaks the plain HTTP itself (check_http_codec.h), on a socket
 * of its own (check_sock.h, so bind_if, fwmark and the source apply):
 * connect, write one request, read the answer as it comes, stop at its
 * end.  That is a handful of system calls and about 0.5 KiB per check in
 * flight, where libcurl cost several times keepalived's CPU and 13 KiB
 * (doc/design.md); SSL_GET stays on libcurl (check_ssl.c).  Redirects
 * are never followed: a 301 is a status like any other.
 *
 * Overload: libuv runs due timers before it looks at sockets, so a loop
 * that has fallen behind sees the deadline before an answer that came in
 * time.  When the deadline fires, the socket is asked first; if it lets
 * the check move on (connected, writable, answer waiting) and the loop
 * itself was late, the check gets that lateness once more, since the
 * server is not down for the checker's own delay.  A server that made no
 * progress times out as before. */
#include "config.h"
#include "checker/check_http_codec.h"
#include "checker/check_http_verify.h"
#include "checker/check_probe.h"
#include "checker/check_sock.h"

#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define CHECK_HTTP_USER_AGENT "vigil/" PACKAGE_VERSION
/* One read's worth, shared by every check: the loop runs one at a time. */
#define CHECK_HTTP_READ_MAX 16384
/* A deadline that fires this late means the loop, not the server, was slow. */
#define CHECK_HTTP_LATE_US 20000
/* Reads at a deadline, at most: a server that streams without end must
 * not hold the loop. */
#define CHECK_HTTP_DRAIN_MAX 16

enum check_http_phase { CHECK_HTTP_CONNECTING, CHECK_HTTP_SENDING, CHECK_HTTP_RECEIVING };

struct check_http {
	struct check_attempt *attempt;   /* NULL once finished or cancelled */
	struct check_sock *sock;         /* the current url's connection */
	uv_timer_t timer;                /* the deadline; also reports early failures */
	uint64_t deadline_us;
	uint32_t url;                    /* index of the url being fetched */
	uint32_t sent;                   /* request bytes written */
	enum check_http_phase phase;
	bool grace_used;
	struct check_http_parser parser;
	struct check_http_body body;
	struct check_http_regex *regex;
	/* a failure found outside the socket's callback, for the timer */
	char *early_text;
	enum check_outcome early_outcome;
	int early_detail;
};

static uint64_t check_http_now_us(void)
{
	return uv_hrtime() / 1000;
}

static const struct check_url_config *check_http_url(const struct check_http *h)
{
	return h->attempt->cfg->http.urls.items[h->url];
}

/* The url's path as sent and named in results. */
static const char *check_http_path(const struct check_url_config *u)
{
	return u->path && u->path[0] ? u->path : "/";
}

/* Ends the current url's connection and forgets its answer. */
static void check_http_url_reset(struct check_http *h)
{
	check_sock_close(h->sock);
	h->sock = NULL;
	check_http_regex_free(h->regex);
	h->regex = NULL;
	check_http_body_free(&h->body);
	h->sent = 0;
}

static void check_http_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void check_http_release(struct check_http *h)
{
	check_http_url_reset(h);
	free(h->early_text);
	h->early_text = NULL;
	h->attempt = NULL;
	uv_close((uv_handle_t *)&h->timer, check_http_closed);
}

/* The attempt's result; `why` explains the current url's outcome. */
static void check_http_finish(struct check_http *h, enum check_outcome outcome, int detail,
			      const char *why)
{
	struct check_attempt *a = h->attempt;
	const char *path = check_http_path(check_http_url(h));
	size_t n_urls = a->cfg->http.urls.count;
	char text[112];

	/* `why` may be the early text the release frees */
	snprintf(text, sizeof(text), "%s", why);
	why = text;
	check_http_release(h);
	a->probe = NULL;
	if (outcome == CHECK_OK && n_urls > 1)
		check_attempt_finish(a, outcome, detail, -1, "%zu urls passed, the last %.40s: %.60s",
				     n_urls, path, why);
	else
		check_attempt_finish(a, outcome, detail, -1, "url %.40s: %.110s", path, why);
}

static void check_http_fail_errno(struct check_http *h, const char *what, int err)
{
	char why[96];

	err = err < 0 ? -err : err;
	snprintf(why, sizeof(why), "%s: %s", what, strerror(err));
	check_http_finish(h, check_outcome_from_errno(err), err, why);
}

static void check_http_on_timer(uv_timer_t *timer);

/* Keeps a failure for the timer: the contract wants done called from the
 * loop, never from inside start(). */
static void check_http_fail_early(struct check_http *h, enum check_outcome outcome, int detail,
				  char *why)
{
	h->early_outcome = outcome;
	h->early_detail = detail;
	h->early_text = why;
	uv_timer_start(&h->timer, check_http_on_timer, 0, 0);
}

/* ---- the request ---- */

/* Host: the virtualhost, else the target as "10.0.0.2:8080" or
 * "[fd00::2]:8080" (the port left out when it is 80, as clients do). */
static void check_http_host(const struct check_http *h, char *buf, size_t len)
{
	const struct check_attempt *a = h->attempt;
	const struct check_url_config *u = check_http_url(h);
	const char *vhost = u->virtualhost ? u->virtualhost : a->virtualhost;
	char addr[INET6_ADDRSTRLEN] = "";
	uint16_t port;

	if (vhost) {
		snprintf(buf, len, "%s", vhost);
		return;
	}
	if (a->target.sa.sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->target;

		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		port = ntohs(sin6->sin6_port);
		snprintf(buf, len, port == 80 ? "[%s]" : "[%s]:%u", addr, port);
		return;
	}
	inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->target)->sin_addr, addr, sizeof(addr));
	port = ntohs(((const struct sockaddr_in *)&a->target)->sin_port);
	snprintf(buf, len, port == 80 ? "%s" : "%s:%u", addr, port);
}

/* The request, rebuilt for each write (it is cheap, and nothing is kept
 * per check in flight): into `stack`, or the heap for a long path. */
static int check_http_request(const struct check_http *h, char *stack, size_t stack_len,
			      char **out)
{
	const struct check_url_config *u = check_http_url(h);
	char host[300];
	size_t need;
	int len;

	check_http_host(h, host, sizeof(host));
	*out = stack;
	len = check_http_request_build(stack, stack_len, h->attempt->cfg->http.protocol,
				       check_http_path(u), host, CHECK_HTTP_USER_AGENT);
	if (len != -ENOSPC)
		return len;
	need = strlen(check_http_path(u)) + strlen(host) + sizeof(CHECK_HTTP_USER_AGENT) + 128;
	*out = xmalloc(need);
	len = check_http_request_build(*out, need, h->attempt->cfg->http.protocol,
				       check_http_path(u), host, CHECK_HTTP_USER_AGENT);
	if (len < 0) {
		free(*out);
		*out = NULL;
	}
	return len;
}

/* ---- one url ---- */

static void check_http_url_start(struct check_http *h);

static int check_http_on_body(void *ctx, const char *data, size_t len)
{
	struct check_http *h = ctx;

	return check_http_body_add(&h->body, data, len);
}

/* The answer is complete: judge it, then the next url or the result. */
static void check_http_answered(struct check_http *h)
{
	char why[128];
	int detail = 0;
	enum check_outcome outcome = check_http_verify(check_http_url(h), h->parser.status,
						       &h->body, h->regex, &detail, why,
						       sizeof(why));

	if (outcome != CHECK_OK || h->url + 1 == h->attempt->cfg->http.urls.count) {
		check_http_finish(h, outcome, detail, why);
		return;
	}
	check_http_url_reset(h);
	h->url++;
	check_http_url_start(h);
}

/* Parser's verdict on what was fed (or on the close, at end of data). */
static void check_http_parsed(struct check_http *h, enum check_http_parse r)
{
	if (r == CHECK_HTTP_PARSE_DONE)
		check_http_answered(h);
	else if (r == CHECK_HTTP_PARSE_ERROR)
		check_http_finish(h, CHECK_FAIL_PROTOCOL, 0, h->parser.why);
	else if (r == CHECK_HTTP_PARSE_ABORTED)
		check_http_finish(h, CHECK_FAIL_INTERNAL, ENOMEM,
				  "the body could not be kept: out of memory");
}

/* Reads what is waiting; false when nothing was. */
static bool check_http_receive(struct check_http *h)
{
	static char buf[CHECK_HTTP_READ_MAX];
	ssize_t n = recv(check_sock_fd(h->sock), buf, sizeof(buf), 0);
	size_t used;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n < 0)
		check_http_fail_errno(h, "receive", errno);
	else if (n == 0)
		check_http_parsed(h, check_http_parser_eof(&h->parser));
	else
		check_http_parsed(h, check_http_parser_feed(&h->parser, buf, (size_t)n, &used,
							     check_http_on_body, h));
	return true;
}

/* Writes what is left of the request; false when the socket took nothing. */
static bool check_http_send(struct check_http *h)
{
	char stack[512], *req;
	int len = check_http_request(h, stack, sizeof(stack), &req);
	ssize_t n;

	if (len < 0) {
		check_http_finish(h, CHECK_FAIL_INTERNAL, 0, "the request could not be built");
		return true;
	}
	n = send(check_sock_fd(h->sock), req + h->sent, (size_t)len - h->sent, MSG_NOSIGNAL);
	if (req != stack)
		free(req);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n < 0) {
		check_http_fail_errno(h, "send", errno);
		return true;
	}
	h->sent += (uint32_t)n;
	if (h->sent == (uint32_t)len)
		h->phase = CHECK_HTTP_RECEIVING;
	return true;
}

/* Moves the url on as far as the socket allows: `status` is its error
 * (a negative errno, already read from it), else `events` what it is
 * ready for.  A connecting socket that turns writable with no error has
 * connected.  True when it did move (the attempt may have ended). */
static bool check_http_advance(struct check_http *h, int status, int events)
{
	if (status < 0) {
		check_http_fail_errno(h, h->phase == CHECK_HTTP_CONNECTING ? "connect" :
				      h->phase == CHECK_HTTP_SENDING ? "send" : "receive", status);
		return true;
	}
	if (h->phase == CHECK_HTTP_CONNECTING) {
		if (!(events & UV_WRITABLE))
			return false;
		h->phase = CHECK_HTTP_SENDING;
	}
	if (h->phase == CHECK_HTTP_SENDING)
		return (events & UV_WRITABLE) && check_http_send(h);
	return (events & UV_READABLE) && check_http_receive(h);
}

/* The socket is watched edge-triggered (both ways, from the connect on),
 * so each event is taken as far as it goes: connected, the request
 * written until it is all out or the socket has no room (the room made
 * later is a new edge), and what answer there is read until the socket
 * has no more.  An answer still coming after CHECK_HTTP_DRAIN_MAX reads
 * goes on level-triggered, so what is left is reported again on the next
 * pass and no server holds the loop longer than that. */
static void check_http_on_sock(struct check_sock *sock, int status, int events, void *data)
{
	struct check_http *h = data;

	for (int round = 0; round < CHECK_HTTP_DRAIN_MAX; round++) {
		if (!check_http_advance(h, status, events) || !h->attempt || h->sock != sock)
			return;
	}
	check_sock_watch(sock, UV_READABLE);
}

static void check_http_url_start(struct check_http *h)
{
	uint64_t now = check_http_now_us();
	const struct check_url_config *u = check_http_url(h);
	char err[120];
	int rc;

	if (now >= h->deadline_us) {
		check_http_fail_early(h, CHECK_FAIL_TIMEOUT, 0,
				      xasprintf("no time left of connect_timeout %llu ms",
						(unsigned long long)(h->attempt->timeout_us / 1000)));
		return;
	}
	if (u->regex && !(h->regex = check_http_regex_new(u, err, sizeof(err)))) {
		check_http_fail_early(h, CHECK_FAIL_INTERNAL, 0, xstrdup(err));
		return;
	}
	rc = check_http_body_init(&h->body, u);
	if (rc < 0) {
		check_http_fail_early(h, CHECK_FAIL_INTERNAL, -rc,
				      xasprintf("cannot start: %s", rc == -ELIBACC ?
						"libcrypto could not be loaded" : strerror(-rc)));
		return;
	}
	h->sock = check_sock_open(h->attempt->loop, h->attempt, SOCK_STREAM, check_http_on_sock,
				  h, &rc);
	if (!h->sock) {   /* a shortage can only be socket()'s own */
		check_http_fail_early(h, check_outcome_from_errno(rc), -rc,
				      xasprintf("%s: %s", check_errno_is_shortage(rc) ? "socket" :
						"connect", strerror(-rc)));
		return;
	}
	check_http_parser_init(&h->parser);
	h->phase = CHECK_HTTP_CONNECTING;
	check_sock_watch_edges(h->sock, UV_READABLE | UV_WRITABLE);
	uv_timer_start(&h->timer, check_http_on_timer, (h->deadline_us - now + 999) / 1000, 0);
}

/* ---- the deadline ---- */

static void check_http_timed_out(struct check_http *h)
{
	char why[96];

	snprintf(why, sizeof(why), "no %s within connect_timeout %llu ms",
		 h->phase == CHECK_HTTP_CONNECTING ? "connection" : "complete answer",
		 (unsigned long long)(h->attempt->timeout_us / 1000));
	check_http_finish(h, CHECK_FAIL_TIMEOUT, 0, why);
}

static void check_http_on_timer(uv_timer_t *timer)
{
	struct check_http *h = timer->data;
	uint64_t now = check_http_now_us();
	bool moved = false;

	if (h->early_text) {
		check_http_finish(h, h->early_outcome, h->early_detail, h->early_text);
		return;
	}
	/* the loop's own lateness, once: whatever the socket now lets
	 * happen counts against a deadline moved by that much */
	if (!h->grace_used && now >= h->deadline_us + CHECK_HTTP_LATE_US) {
		h->grace_used = true;
		h->deadline_us = now + (now - h->deadline_us);
	}
	for (int round = 0; h->attempt && h->sock; round++) {
		int status, events;

		if (round == CHECK_HTTP_DRAIN_MAX) {
			/* more to read than one pass takes: see check_http_on_sock */
			check_sock_watch(h->sock, UV_READABLE);
			break;
		}
		events = check_sock_poll_now(h->sock, &status);
		if (!check_http_advance(h, status, events))
			break;
		moved = true;
	}
	if (!h->attempt || h->early_text)
		return;   /* finished, or a failure the timer now reports */
	if (moved && now < h->deadline_us) {
		uv_timer_start(&h->timer, check_http_on_timer,
			       (h->deadline_us - now + 999) / 1000, 0);
		return;
	}
	check_http_timed_out(h);
}

/* ---- the probe ---- */

static int check_http_start(struct check_attempt *a)
{
	struct check_http *h;

	if (a->cfg->http.urls.count == 0)
		return -EINVAL;   /* the configuration check requires a url */
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->attempt = a;
	h->deadline_us = a->started_us + a->timeout_us;
	uv_timer_init(a->loop, &h->timer);
	h->timer.data = h;
	a->probe = h;
	check_http_url_start(h);
	return 0;
}

static void check_http_cancel(struct check_attempt *a)
{
	struct check_http *h = a->probe;

	if (!h)
		return;
	a->probe = NULL;
	check_http_release(h);
}

const struct check_probe_ops check_probe_http = {
	.type = CHECK_TYPE_HTTP_GET,
	.start = check_http_start,
	.cancel = check_http_cancel,
};
