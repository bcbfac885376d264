/* DNS_CHECK: one query over UDP to the target (port 53 when the
 * configuration gives none), for `name` (default ".") of `type` (default
 * SOA), with a random id; what a good answer is, and why, is written in
 * check_dns_codec.h.
 *
 * Outcomes:
 *  - ok: a well-formed NOERROR answer to our question;
 *  - protocol: the server answered with another rcode (detail: the rcode);
 *  - bad-reply: an answer with our id that is wrong otherwise (opcode,
 *    question, malformed records), or, when the timeout expires, only
 *    datagrams that were not answers to our query (wrong id, QR clear,
 *    too short) had come: they are ignored while waiting, as a stray or
 *    late datagram must not fail a check the real answer could still pass;
 *  - connect-refused: ICMP port unreachable (the socket is connected, so
 *    the kernel reports it); unreachable: ICMP host/net unreachable;
 *  - timeout: nothing at all came back in connect_timeout. */
#include "config.h"
#include "checker/check_dns_codec.h"
#include "checker/check_probe.h"
#include "checker/check_sock.h"

#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Bigger than any UDP DNS answer without EDNS (512), with room to spare. */
#define DNS_REPLY_MAX 4096

struct dns_probe {
	struct check_attempt *attempt;
	struct check_attempt settings;  /* the attempt's, with the default port */
	uv_timer_t timer;               /* start, then the timeout */
	struct check_sock *sock;
	uint8_t query[CHECK_DNS_QUERY_MAX];
	size_t query_len;
	unsigned ignored;               /* datagrams that were not our answer */
	enum check_dns_verdict last_ignored;
	char peer[64];
};

static void dns_timer_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void dns_release(struct dns_probe *p)
{
	check_sock_close(p->sock);
	p->sock = NULL;
	p->attempt->probe = NULL;
	uv_close((uv_handle_t *)&p->timer, dns_timer_closed);
}

/* Ends the attempt; `p` must not be used afterwards. */
static void dns_finish(struct dns_probe *p, enum check_outcome outcome, int detail,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void dns_finish(struct dns_probe *p, enum check_outcome outcome, int detail,
		       const char *fmt, ...)
{
	struct check_attempt *attempt = p->attempt;
	char text[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	dns_release(p);
	check_attempt_finish(attempt, outcome, detail, -1, "%s", text);
}

static void dns_fail_errno(struct dns_probe *p, int err, const char *doing)
{
	if (err < 0)
		err = -err;
	dns_finish(p, check_outcome_from_errno(err), err, "DNS %s: %s: %s", p->peer, doing,
		   strerror(err));
}

static const char *dns_name(const struct check_attempt *a)
{
	return a->cfg->dns.name ? a->cfg->dns.name : ".";
}

/* Judges one datagram; false when the attempt ended. */
static bool dns_judge(struct dns_probe *p, const uint8_t *reply, size_t len)
{
	struct check_dns_reply_info info;
	enum check_dns_verdict v = check_dns_check_reply(p->query, p->query_len, reply, len, &info);
	const char *type = check_dns_type_names[p->attempt->cfg->dns.type];
	char rcode[16];

	switch (v) {
	case CHECK_DNS_SHORT:
	case CHECK_DNS_WRONG_ID:
	case CHECK_DNS_NOT_RESPONSE:
		p->ignored++;
		p->last_ignored = v;
		return true;
	case CHECK_DNS_OK:
		dns_finish(p, CHECK_OK, 0, "DNS %s: NOERROR for %s %s, %u answer(s)", p->peer,
			   dns_name(p->attempt), type, info.ancount);
		return false;
	case CHECK_DNS_RCODE:
		dns_finish(p, CHECK_FAIL_PROTOCOL, info.rcode, "DNS %s: %s for %s %s", p->peer,
			   check_dns_rcode_name(info.rcode, rcode, sizeof(rcode)),
			   dns_name(p->attempt), type);
		return false;
	default:
		dns_finish(p, CHECK_FAIL_BAD_REPLY, 0, "DNS %s: bad answer: %s", p->peer,
			   check_dns_verdict_name(v));
		return false;
	}
}

static void dns_readable(struct dns_probe *p)
{
	uint8_t buf[DNS_REPLY_MAX];

	for (;;) {
		ssize_t n = recv(check_sock_fd(p->sock), buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				dns_fail_errno(p, errno, "receiving");
			return;
		}
		if (!dns_judge(p, buf, (size_t)n))
			return;
	}
}

static void dns_sock_cb(struct check_sock *sock, int status, int events, void *data)
{
	struct dns_probe *p = data;

	(void)sock;
	if (status < 0) {   /* the socket's own error: an ICMP error here */
		dns_fail_errno(p, status, "receiving");
		return;
	}
	if (events & UV_READABLE)
		dns_readable(p);
}

static void dns_timeout(uv_timer_t *timer)
{
	struct dns_probe *p = timer->data;
	unsigned long long ms = (unsigned long long)(p->settings.timeout_us / 1000);

	if (p->ignored)
		dns_finish(p, CHECK_FAIL_BAD_REPLY, 0,
			   "DNS %s: no answer to the query within %llu ms, only %u unrelated "
			   "datagram(s) (%s)", p->peer, ms, p->ignored,
			   check_dns_verdict_name(p->last_ignored));
	else
		dns_finish(p, CHECK_FAIL_TIMEOUT, 0, "DNS %s: no answer within %llu ms", p->peer, ms);
}

/* Connects, sends the query and waits: from the loop, so that any error
 * is reported through done. */
static void dns_kickoff(uv_timer_t *timer)
{
	struct dns_probe *p = timer->data;
	ssize_t n;
	int err;

	p->sock = check_sock_open(p->attempt->loop, &p->settings, SOCK_DGRAM, dns_sock_cb, p, &err);
	if (!p->sock) {
		dns_fail_errno(p, err, "connecting");
		return;
	}
	n = send(check_sock_fd(p->sock), p->query, p->query_len, 0);
	if (n != (ssize_t)p->query_len) {
		dns_fail_errno(p, n < 0 ? errno : EMSGSIZE, "sending");
		return;
	}
	check_sock_watch(p->sock, UV_READABLE);
	uv_timer_start(&p->timer, dns_timeout, p->settings.timeout_us / 1000 + 1, 0);
}

static uint16_t dns_random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		id = (uint16_t)(uv_hrtime() ^ (uint64_t)random());
	return id;
}

static int dns_start(struct check_attempt *attempt)
{
	struct dns_probe *p = XNEW(struct dns_probe);
	int n = check_dns_build_query(dns_random_id(), check_dns_qtype(attempt->cfg->dns.type),
				      dns_name(attempt), p->query, sizeof(p->query));
	int err;

	if (n < 0) {            /* the configuration check refuses such names */
		free(p);
		return -EINVAL;
	}
	err = uv_timer_init(attempt->loop, &p->timer);
	if (err < 0) {
		free(p);
		return err;
	}
	p->query_len = (size_t)n;
	p->attempt = attempt;
	p->settings = *attempt;
	check_sock_default_port(&p->settings.target, CHECK_DNS_PORT);
	check_sock_addr_string(&p->settings.target, p->peer, sizeof(p->peer));
	p->timer.data = p;
	attempt->probe = p;
	uv_timer_start(&p->timer, dns_kickoff, 0, 0);
	return 0;
}

static void dns_cancel(struct check_attempt *attempt)
{
	struct dns_probe *p = attempt->probe;

	if (p)
		dns_release(p);
}

const struct check_probe_ops check_probe_dns = {
	.type = CHECK_TYPE_DNS,
	.start = dns_start,
	.cancel = dns_cancel,
};
