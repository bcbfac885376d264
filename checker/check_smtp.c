/* SMTP_CHECK: one attempt is a short SMTP dialogue with the server:
 *
 *     connect, read the greeting (must be 220), send HELO helo_name (the
 *     reply must be 250), send QUIT, then wait for its reply or the close.
 *
 * Replies may be multi-line (check_smtp_reply.c).  A reply code other than
 * the one expected fails with CHECK_FAIL_PROTOCOL, the code in detail; a
 * server that sends something that is not an SMTP reply, or closes the
 * connection before the dialogue is through, fails with PROTOCOL and
 * detail 0.  The answer to QUIT is not judged: by then the server has
 * shown it works (keepalived does not look at it either).  helo_name
 * defaults to keepalived's "smtpchecker.keepalived.org", and a target
 * without any port uses 25.
 *
 * host{} sub-blocks, keepalived's older syntax (it still reads them but
 * calls them deprecated in favour of several SMTP_CHECKs): when an
 * SMTP_CHECK has host blocks, the hosts replace the check's own target
 * (the block's connect_ip, connect_port, bindto... only give defaults to
 * its hosts), and one attempt checks every host in turn, in the order
 * written.  The attempt passes only when every host passes; the first
 * host that fails ends it with that host's outcome, as keepalived brings
 * the real server down when any host fails.  Each host's dialogue is
 * bounded by its own connect_timeout when its block gives one, else by
 * the attempt's. */
#include "config.h"
#include "checker/check_probe.h"
#include "checker/check_smtp_reply.h"
#include "checker/check_sock.h"

#include "xalloc.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMTP_DEFAULT_HELO "smtpchecker.keepalived.org"
#define SMTP_DEFAULT_PORT 25
#define SMTP_IN_MAX 4096
#define SMTP_COMMAND_MAX 512    /* RFC 5321 4.5.3.1.4, CRLF included */
#define SMTP_OUT_MAX (SMTP_COMMAND_MAX + 1)

enum smtp_step { SMTP_CONNECTING, SMTP_GREETING, SMTP_HELO, SMTP_QUIT };

static const char *const smtp_step_waits[] = {
	[SMTP_CONNECTING] = "the connection",
	[SMTP_GREETING] = "the greeting",
	[SMTP_HELO] = "the reply to HELO",
	[SMTP_QUIT] = "the reply to QUIT",
};

struct smtp_probe {
	struct check_attempt *attempt;
	uv_timer_t timer;               /* start, then the host's timeout */
	struct check_sock *sock;
	struct check_attempt host;      /* the attempt's settings for this host */
	size_t host_index, host_count;
	enum smtp_step step;
	char peer[64];
	char in[SMTP_IN_MAX];
	size_t in_len;
	char out[SMTP_OUT_MAX];
	size_t out_len, out_sent;
	bool ended;                     /* finished or cancelled; freed once the timer closes */
};

/* ---- per-host settings ---- */

static in_port_t *sockaddr_port(union check_sockaddr *ss)
{
	return ss->sa.sa_family == AF_INET6 ? &((struct sockaddr_in6 *)ss)->sin6_port
					 : &((struct sockaddr_in *)ss)->sin_port;
}

/* Replaces the address of `ss`, keeping its port. */
static socklen_t sockaddr_set_addr(union check_sockaddr *ss, const struct vigil_addr *addr,
				   const char *bind_if)
{
	in_port_t port = *sockaddr_port(ss);

	memset(ss, 0, sizeof(*ss));
	ss->sa.sa_family = (sa_family_t)addr->family;
	*sockaddr_port(ss) = port;
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_addr = addr->u.v6;
		if (bind_if && IN6_IS_ADDR_LINKLOCAL(&addr->u.v6))
			sin6->sin6_scope_id = if_nametoindex(bind_if);
		return sizeof(struct sockaddr_in6);
	}
	((struct sockaddr_in *)ss)->sin_addr = addr->u.v4;
	return sizeof(struct sockaddr_in);
}

/* A host's bindto / bind_port over what the SMTP_CHECK itself binds to. */
static void host_source(struct check_attempt *s, const struct check_checker_config *h)
{
	if (!s->has_source) {   /* start from the wildcard address of the target's family */
		memset(&s->source, 0, sizeof(s->source));
		s->source.sa.sa_family = s->target.sa.sa_family;
		s->source_len = s->target_len;
		s->has_source = true;
	}
	if (h->has_bindto)
		s->source_len = sockaddr_set_addr(&s->source, &h->bindto, s->bind_if);
	if (h->has_bind_port)
		*sockaddr_port(&s->source) = htons(h->bind_port);
}

/* The attempt's settings with host{} block `h` (NULL: none) applied. */
static void host_settings(const struct check_attempt *a, const struct check_checker_config *h,
			  struct check_attempt *s)
{
	*s = *a;
	if (h) {
		if (h->bind_if)
			s->bind_if = h->bind_if;
		if (h->has_fwmark)
			s->fwmark = h->fwmark;
		if (h->has_connect_ip)
			s->target_len = sockaddr_set_addr(&s->target, &h->connect_ip, s->bind_if);
		if (h->has_connect_port)
			*sockaddr_port(&s->target) = htons(h->connect_port);
		if (h->has_bindto || h->has_bind_port)
			host_source(s, h);
		if (h->defaults.set & CHECK_SET_CONNECT_TIMEOUT)
			s->timeout_us = h->defaults.connect_timeout_us;
	}
	check_sock_default_port(&s->target, SMTP_DEFAULT_PORT);
}

/* ---- ending ---- */

static void smtp_timer_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void smtp_release(struct smtp_probe *p)
{
	check_sock_close(p->sock);
	p->sock = NULL;
	p->ended = true;
	p->attempt->probe = NULL;
	uv_close((uv_handle_t *)&p->timer, smtp_timer_closed);
}

/* Ends the attempt; `p` is gone afterwards. */
static void smtp_finish(struct smtp_probe *p, enum check_outcome outcome, int detail,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void smtp_finish(struct smtp_probe *p, enum check_outcome outcome, int detail,
			const char *fmt, ...)
{
	struct check_attempt *attempt = p->attempt;
	char text[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	smtp_release(p);
	check_attempt_finish(attempt, outcome, detail, -1, "%s", text);
}

static void smtp_fail_errno(struct smtp_probe *p, int err, const char *doing)
{
	smtp_finish(p, check_outcome_from_errno(err), err < 0 ? -err : err, "SMTP %s: %s: %s",
		    p->peer, doing, strerror(err < 0 ? -err : err));
}

/* ---- the dialogue ---- */

static void smtp_begin_host(struct smtp_probe *p);

static void smtp_host_passed(struct smtp_probe *p)
{
	check_sock_close(p->sock);
	p->sock = NULL;
	if (++p->host_index < p->host_count) {
		smtp_begin_host(p);
		return;
	}
	if (p->host_count > 1)
		smtp_finish(p, CHECK_OK, 0, "SMTP: all %zu hosts answered HELO with 250",
			    p->host_count);
	else
		smtp_finish(p, CHECK_OK, 0, "SMTP %s answered HELO with 250", p->peer);
}

/* Queues "VERB[ ARG]\r\n"; smtp_writable() sends it. */
static void smtp_send(struct smtp_probe *p, const char *verb, const char *arg)
{
	int n = snprintf(p->out, sizeof(p->out), "%s%s%s\r\n", verb, arg ? " " : "",
			 arg ? arg : "");

	p->out_len = n < 0 ? 0 : (size_t)n < sizeof(p->out) ? (size_t)n : sizeof(p->out) - 1;
	p->out_sent = 0;
	check_sock_watch(p->sock, UV_READABLE | UV_WRITABLE);
}

/* A helo_name with control characters would inject commands, and one
 * too long for a command line (RFC 5321: 512 bytes) would be cut: refuse
 * them here (the configuration cannot normally hold such a name). */
static bool helo_name_ok(const char *name)
{
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return false;
	return *name != '\0' && strlen(name) <= SMTP_COMMAND_MAX - sizeof("HELO \r\n") + 1;
}

static void smtp_on_reply(struct smtp_probe *p, const struct check_smtp_reply *r)
{
	const char *helo = p->attempt->cfg->smtp.helo_name ? p->attempt->cfg->smtp.helo_name
							   : SMTP_DEFAULT_HELO;

	switch (p->step) {
	case SMTP_GREETING:
		if (r->code != 220) {
			smtp_finish(p, CHECK_FAIL_PROTOCOL, r->code, "SMTP %s greeted with %d %s",
				    p->peer, r->code, r->text);
			return;
		}
		if (!helo_name_ok(helo)) {
			smtp_finish(p, CHECK_FAIL_INTERNAL, 0, "SMTP: unusable helo_name");
			return;
		}
		smtp_send(p, "HELO", helo);
		p->step = SMTP_HELO;
		return;
	case SMTP_HELO:
		if (r->code != 250) {
			smtp_finish(p, CHECK_FAIL_PROTOCOL, r->code, "SMTP %s answered HELO with %d %s",
				    p->peer, r->code, r->text);
			return;
		}
		smtp_send(p, "QUIT", NULL);
		p->step = SMTP_QUIT;
		return;
	default:
		smtp_host_passed(p);
		return;
	}
}

/* Takes every whole reply in the input buffer; false when the attempt
 * ended (p is gone). */
static bool smtp_take_replies(struct smtp_probe *p)
{
	for (;;) {
		struct check_smtp_reply r;
		enum check_smtp_parse st = check_smtp_reply_parse(p->in, p->in_len, &r);
		enum smtp_step step = p->step;

		if (st == CHECK_SMTP_REPLY_MALFORMED) {
			smtp_finish(p, CHECK_FAIL_PROTOCOL, 0, "SMTP %s: not an SMTP reply (%s)",
				    p->peer, r.why);
			return false;
		}
		if (st == CHECK_SMTP_REPLY_INCOMPLETE) {
			if (p->in_len < sizeof(p->in))
				return true;
			smtp_finish(p, CHECK_FAIL_PROTOCOL, 0, "SMTP %s: reply too long", p->peer);
			return false;
		}
		memmove(p->in, p->in + r.consumed, p->in_len - r.consumed);
		p->in_len -= r.consumed;
		smtp_on_reply(p, &r);
		if (step == SMTP_QUIT || p->ended)
			return false;   /* the host is done, or the attempt */
	}
}

static void smtp_on_eof(struct smtp_probe *p)
{
	/* closing after QUIT is what a server should do */
	if (p->step == SMTP_QUIT)
		smtp_host_passed(p);
	else
		smtp_finish(p, CHECK_FAIL_PROTOCOL, 0, "SMTP %s closed the connection before %s",
			    p->peer, smtp_step_waits[p->step]);
}

static void smtp_readable(struct smtp_probe *p)
{
	ssize_t n = recv(check_sock_fd(p->sock), p->in + p->in_len, sizeof(p->in) - p->in_len, 0);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			smtp_fail_errno(p, errno, "receiving");
		return;
	}
	if (n == 0) {
		smtp_on_eof(p);
		return;
	}
	p->in_len += (size_t)n;
	smtp_take_replies(p);
}

/* Sends the rest of the queued command; false when the attempt ended. */
static bool smtp_writable(struct smtp_probe *p)
{
	ssize_t n;

	if (p->out_sent >= p->out_len) {
		check_sock_watch(p->sock, UV_READABLE);
		return true;
	}
	n = send(check_sock_fd(p->sock), p->out + p->out_sent, p->out_len - p->out_sent,
		 MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		smtp_fail_errno(p, errno, "sending");
		return false;
	}
	p->out_sent += (size_t)n;
	if (p->out_sent >= p->out_len)
		check_sock_watch(p->sock, UV_READABLE);
	return true;
}

/* The socket set reports a failed connect as an error status, so an
 * event without one means it connected. */
static void smtp_connected(struct smtp_probe *p)
{
	p->step = SMTP_GREETING;
	check_sock_watch(p->sock, UV_READABLE);
}

static void smtp_sock_cb(struct check_sock *sock, int status, int events, void *data)
{
	struct smtp_probe *p = data;

	(void)sock;
	if (status < 0) {   /* the socket's own error */
		smtp_fail_errno(p, status, p->step == SMTP_CONNECTING ? "connecting" : "talking");
		return;
	}
	if (p->step == SMTP_CONNECTING) {
		if (events & (UV_WRITABLE | UV_READABLE))
			smtp_connected(p);
		return;
	}
	if ((events & UV_WRITABLE) && !smtp_writable(p))
		return;
	if (events & UV_READABLE)
		smtp_readable(p);
}

static void smtp_timeout(uv_timer_t *timer)
{
	struct smtp_probe *p = timer->data;

	smtp_finish(p, CHECK_FAIL_TIMEOUT, 0, "SMTP %s: timed out after %llu ms waiting for %s",
		    p->peer, (unsigned long long)(p->host.timeout_us / 1000),
		    smtp_step_waits[p->step]);
}

static void smtp_begin_host(struct smtp_probe *p)
{
	const struct ptr_array *hosts = &p->attempt->cfg->smtp.hosts;
	int err;

	host_settings(p->attempt, hosts->count ? hosts->items[p->host_index] : NULL, &p->host);
	check_sock_addr_string(&p->host.target, p->peer, sizeof(p->peer));
	p->step = SMTP_CONNECTING;
	p->in_len = 0;
	p->sock = check_sock_open(p->attempt->loop, &p->host, SOCK_STREAM, smtp_sock_cb, p, &err);
	if (!p->sock) {
		smtp_fail_errno(p, err, "connecting");
		return;
	}
	check_sock_watch(p->sock, UV_WRITABLE);
	uv_timer_start(&p->timer, smtp_timeout, p->host.timeout_us / 1000 + 1, 0);
}

/* The first host starts from the loop, so that even a connection refused
 * at once is reported through done, never from inside start(). */
static void smtp_kickoff(uv_timer_t *timer)
{
	smtp_begin_host(timer->data);
}

static int smtp_start(struct check_attempt *attempt)
{
	struct smtp_probe *p = XNEW(struct smtp_probe);
	int err = uv_timer_init(attempt->loop, &p->timer);

	if (err < 0) {
		free(p);
		return err;
	}
	p->attempt = attempt;
	p->timer.data = p;
	p->host_count = attempt->cfg->smtp.hosts.count ? attempt->cfg->smtp.hosts.count : 1;
	attempt->probe = p;
	uv_timer_start(&p->timer, smtp_kickoff, 0, 0);
	return 0;
}

static void smtp_cancel(struct check_attempt *attempt)
{
	struct smtp_probe *p = attempt->probe;

	if (p)
		smtp_release(p);
}

const struct check_probe_ops check_probe_smtp = {
	.type = CHECK_TYPE_SMTP,
	.start = smtp_start,
	.cancel = smtp_cancel,
};
