/* What every probe shares: outcome names, dispatch by checker type, the
 * result hand-off, errno mapping, socket preparation, and building an
 * attempt from the configuration (see check_probe.h). */
#include "config.h"
#include "checker/check_probe.h"
#include "vrrp/vrrp_conf.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *const check_outcome_names[CHECK_OUTCOME_COUNT] = {
	[CHECK_OK] = "ok",
	[CHECK_FAIL_CONNECT_REFUSED] = "connect-refused",
	[CHECK_FAIL_UNREACHABLE] = "unreachable",
	[CHECK_FAIL_CONNECT_ERROR] = "connect-error",
	[CHECK_FAIL_TIMEOUT] = "timeout",
	[CHECK_FAIL_BAD_STATUS] = "bad-status",
	[CHECK_FAIL_DIGEST_MISMATCH] = "digest-mismatch",
	[CHECK_FAIL_REGEX_MISMATCH] = "regex-mismatch",
	[CHECK_FAIL_TLS] = "tls",
	[CHECK_FAIL_PROTOCOL] = "protocol",
	[CHECK_FAIL_BAD_REPLY] = "bad-reply",
	[CHECK_FAIL_SCRIPT_EXIT] = "script-exit",
	[CHECK_FAIL_SCRIPT_SIGNAL] = "script-signal",
	[CHECK_FAIL_SCRIPT_TIMEOUT] = "script-timeout",
	[CHECK_FAIL_SCRIPT_START] = "script-start",
	[CHECK_FAIL_FILE] = "file",
	[CHECK_FAIL_INTERNAL] = "internal",
};

const char *check_outcome_name(enum check_outcome outcome)
{
	if ((unsigned)outcome >= CHECK_OUTCOME_COUNT || !check_outcome_names[outcome])
		return "unknown";
	return check_outcome_names[outcome];
}

/* Indexed by enum check_type; each entry's .type must equal its index. */
static const struct check_probe_ops *const check_probe_table[CHECK_TYPE_COUNT] = {
	[CHECK_TYPE_TCP] = &check_probe_tcp,
	[CHECK_TYPE_HTTP_GET] = &check_probe_http,
	[CHECK_TYPE_SSL_GET] = &check_probe_ssl,
	[CHECK_TYPE_SMTP] = &check_probe_smtp,
	[CHECK_TYPE_DNS] = &check_probe_dns,
	[CHECK_TYPE_UDP] = &check_probe_udp,
	[CHECK_TYPE_PING] = &check_probe_ping,
	[CHECK_TYPE_MISC] = &check_probe_misc,
	[CHECK_TYPE_FILE] = &check_probe_file,
};

static const struct check_probe_ops *check_probe_ops_for(const struct check_attempt *attempt)
{
	unsigned type = (unsigned)attempt->cfg->type;

	if (type >= CHECK_TYPE_COUNT || !check_probe_table[type])
		return NULL;
	return check_probe_table[type];
}

static uint64_t check_now_us(void)
{
	return uv_hrtime() / 1000;
}

int check_probe_start(struct check_attempt *attempt)
{
	const struct check_probe_ops *ops = check_probe_ops_for(attempt);

	if (!ops || !attempt->done)
		return -EINVAL;
	attempt->started_us = check_now_us();
	return ops->start(attempt);
}

void check_probe_cancel(struct check_attempt *attempt)
{
	const struct check_probe_ops *ops = check_probe_ops_for(attempt);

	if (ops)
		ops->cancel(attempt);
}

void check_probe_forget(struct check_attempt *attempt)
{
	for (unsigned t = 0; t < CHECK_TYPE_COUNT; t++)
		if (check_probe_table[t] && check_probe_table[t]->forget)
			check_probe_table[t]->forget(attempt);
}

bool check_probe_keeps_state(enum check_type type)
{
	return (unsigned)type < CHECK_TYPE_COUNT && check_probe_table[type]
	       && check_probe_table[type]->forget;
}

void check_attempt_finish(struct check_attempt *attempt, enum check_outcome outcome, int detail,
			  int32_t weight, const char *fmt, ...)
{
	struct check_result r = {
		.outcome = outcome,
		.detail = detail,
		.weight = weight,
	};
	uint64_t now = check_now_us();
	va_list ap;

	r.latency_us = now > attempt->started_us ? now - attempt->started_us : 0;
	r.no_verdict = outcome == CHECK_FAIL_INTERNAL && check_errno_is_shortage(detail);
	va_start(ap, fmt);
	vsnprintf(r.text, sizeof(r.text), fmt, ap);
	va_end(ap);
	attempt->done(attempt, &r);
}

bool check_errno_is_shortage(int err)
{
	if (err < 0)
		err = -err;
	/* ELIBACC: a library vigild loads when needed (libcurl) is missing; the
	 * server is no more down for that than for a lack of descriptors */
	return err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOBUFS || err == ELIBACC;
}

enum check_outcome check_outcome_from_errno(int err)
{
	if (err < 0)
		err = -err;   /* libuv's codes are negative errnos on Linux */
	switch (err) {
	case 0:
		return CHECK_OK;
	case ECONNREFUSED:
		return CHECK_FAIL_CONNECT_REFUSED;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return CHECK_FAIL_UNREACHABLE;
	case ETIMEDOUT:
		return CHECK_FAIL_TIMEOUT;
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case ENOBUFS:
		return CHECK_FAIL_INTERNAL;
	default:
		return CHECK_FAIL_CONNECT_ERROR;
	}
}

int check_attempt_prepare_socket(const struct check_attempt *attempt, int fd)
{
	if (attempt->bind_if &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, attempt->bind_if,
		       (socklen_t)strlen(attempt->bind_if)) < 0)
		return -errno;
	if (attempt->fwmark &&
	    setsockopt(fd, SOL_SOCKET, SO_MARK, &attempt->fwmark, sizeof(attempt->fwmark)) < 0)
		return -errno;
	if (!attempt->has_source)
		return 0;
	/* a fixed bind_port would otherwise be refused while the previous
	 * attempt's connection lingers in TIME_WAIT */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int)) < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)&attempt->source, attempt->source_len) < 0)
		return -errno;
	return 0;
}

/* addr:port as a socket address; a link-local IPv6 address takes its
 * scope from bind_if. */
static socklen_t check_sockaddr_fill(union check_sockaddr *ss, const struct vigil_addr *addr,
				     uint16_t port, const char *bind_if)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = addr->u.v6;
		sin6->sin6_port = htons(port);
		if (bind_if && IN6_IS_ADDR_LINKLOCAL(&addr->u.v6))
			sin6->sin6_scope_id = if_nametoindex(bind_if);
		return sizeof(*sin6);
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_addr = addr->u.v4;
	sin->sin_port = htons(port);
	return sizeof(*sin);
}

static uint16_t check_target_port(const struct check_vs_config *vs,
				  const struct check_rs_config *rs,
				  const struct check_checker_config *c)
{
	if (c->has_connect_port)
		return c->connect_port;
	if (rs->has_port)
		return rs->port;
	return vs->has_port ? vs->port : 0;
}

/* bindto and/or bind_port; bind_port alone binds the wildcard address of
 * the target's family. */
static void check_attempt_init_source(struct check_attempt *a,
				      const struct check_checker_config *c)
{
	struct vigil_addr any = { .family = a->target.sa.sa_family };

	a->has_source = c->has_bindto || c->has_bind_port;
	if (!a->has_source)
		return;
	a->source_len = check_sockaddr_fill(&a->source, c->has_bindto ? &c->bindto : &any,
					    c->has_bind_port ? c->bind_port : 0, c->bind_if);
}

void check_attempt_init(struct check_attempt *a, uv_loop_t *loop, const struct vigil_config *cfg,
			const struct check_vs_config *vs, const struct check_rs_config *rs,
			const struct check_checker_config *c, const struct check_defaults *effective)
{
	memset(a, 0, sizeof(*a));
	a->loop = loop;
	a->cfg = c;
	a->ssl = cfg && cfg->check ? &cfg->check->ssl : NULL;
	a->virtualhost = effective->virtualhost;
	a->bind_if = c->bind_if;
	a->fwmark = c->has_fwmark ? c->fwmark : 0;
	a->target_len = check_sockaddr_fill(&a->target, c->has_connect_ip ? &c->connect_ip : &rs->addr,
					    check_target_port(vs, rs, c), c->bind_if);
	check_attempt_init_source(a, c);
	a->timeout_us = effective->connect_timeout_us;
	if (c->type == CHECK_TYPE_MISC)
		a->timeout_us = c->misc.timeout_us ? c->misc.timeout_us : effective->delay_loop_us;
	if (c->type == CHECK_TYPE_FILE && cfg && cfg->vrrp && c->file.track_file)
		a->track_file = vrrp_config_find_track_file(cfg->vrrp, c->file.track_file);
}
