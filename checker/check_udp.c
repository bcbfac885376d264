/* UDP_CHECK: send one datagram (the configured payload, else random bytes)
 * on a connected UDP socket and judge what comes back.
 *
 * The socket is connected so the kernel hands us the ICMP errors about it:
 * port unreachable arrives as ECONNREFUSED (connect-refused), host or
 * network unreachable as EHOSTUNREACH/ENETUNREACH.  With require_reply a
 * reply must arrive within connect_timeout and match (check_udp_match.h);
 * without it any reply, or silence until the timeout, means up. */
#include "config.h"
#include "checker/check_dgram.h"
#include "checker/check_probe.h"
#include "checker/check_udp_match.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK_UDP_RANDOM_PAYLOAD 16   /* bytes sent when no payload is configured */

struct check_udp {
	struct check_dgram d;            /* first: check_dgram.h frees the whole */
	struct check_udp_expect expect;
	size_t buf_len;
	uint8_t buf[];                   /* the start of a reply */
};

static void check_udp_judge(struct check_udp *u, size_t have, size_t len)
{
	const struct check_checker_config *c = u->d.attempt->cfg;
	enum check_udp_verdict v;
	size_t offset = 0;
	char text[128];

	if (!c->udp.require_reply) {
		check_dgram_end(&u->d, CHECK_OK, 0, "UDP reply received");
		return;
	}
	v = check_udp_match(&u->expect, u->buf, have, len, &offset);
	if (v == CHECK_UDP_MATCH) {
		snprintf(text, sizeof(text), "UDP reply of %zu bytes as expected", len);
		check_dgram_end(&u->d, CHECK_OK, 0, text);
	} else if (v == CHECK_UDP_MISMATCH) {
		snprintf(text, sizeof(text), "UDP reply differs at byte %zu", offset);
		check_dgram_end(&u->d, CHECK_FAIL_BAD_REPLY, 0, text);
	} else {
		snprintf(text, sizeof(text), "UDP reply of %zu bytes is %s (%u..%u wanted)", len,
			 v == CHECK_UDP_TOO_SHORT ? "too short" : "too long",
			 u->expect.min_len, u->expect.max_len);
		check_dgram_end(&u->d, CHECK_FAIL_BAD_REPLY, 0, text);
	}
}

static void check_udp_on_readable(struct check_dgram *d)
{
	struct check_udp *u = (struct check_udp *)d;
	ssize_t n = recv(check_dgram_fd(d), u->buf, u->buf_len, MSG_TRUNC | MSG_DONTWAIT);
	int err;

	if (n >= 0) {
		check_udp_judge(u, (size_t)n < u->buf_len ? (size_t)n : u->buf_len, (size_t)n);
		return;
	}
	err = errno;
	if (err == EAGAIN || err == EINTR)
		err = check_dgram_socket_error(d);
	if (err)
		check_dgram_end_errno(d, err, "UDP receive");
}

static void check_udp_on_timeout(struct check_dgram *d)
{
	char text[96];

	if (!d->attempt->cfg->udp.require_reply) {
		check_dgram_end(d, CHECK_OK, 0, "no ICMP error within the timeout");
		return;
	}
	snprintf(text, sizeof(text), "no UDP reply within %llu ms",
		 (unsigned long long)(d->attempt->timeout_us / 1000));
	check_dgram_end(d, CHECK_FAIL_TIMEOUT, 0, text);
}

static int check_udp_send(const struct check_udp *u)
{
	const struct check_checker_config *c = u->d.attempt->cfg;
	uint8_t random_payload[CHECK_UDP_RANDOM_PAYLOAD];
	const uint8_t *data = c->udp.payload;
	size_t len = c->udp.payload_len;

	if (!data) {
		check_dgram_random(random_payload, sizeof(random_payload));
		data = random_payload;
		len = sizeof(random_payload);
	}
	return send(check_dgram_fd(&u->d), data, len, MSG_DONTWAIT) < 0 ? errno : 0;
}

/* Socket, options, connect, send; a positive errno and *what on failure. */
static int check_udp_open(struct check_udp *u, const char **what)
{
	const struct check_attempt *a = u->d.attempt;
	int fd, err;

	*what = "UDP socket";
	fd = socket(a->target.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	err = check_dgram_adopt(&u->d, fd);
	if (!err)
		err = check_attempt_prepare_socket(a, fd);
	if (err)
		return -err;
	*what = "UDP connect";
	if (connect(fd, (const struct sockaddr *)&a->target, a->target_len) < 0)
		return errno;
	*what = "UDP send";
	return check_udp_send(u);
}

static int check_udp_start(struct check_attempt *a)
{
	size_t buf_len = a->cfg->udp.reply_len > 64 ? a->cfg->udp.reply_len : 64;
	struct check_udp *u = calloc(1, sizeof(*u) + buf_len);
	const char *what;
	int err;

	if (!u)
		return -ENOMEM;
	u->buf_len = buf_len;
	check_udp_expect_from_config(a->cfg, &u->expect);
	check_dgram_init(&u->d, a, check_udp_on_readable, check_udp_on_timeout);
	err = check_udp_open(u, &what);
	if (err)
		check_dgram_fail_soon(&u->d, err, what);
	else
		check_dgram_arm(&u->d);
	return 0;
}

const struct check_probe_ops check_probe_udp = {
	.type = CHECK_TYPE_UDP,
	.start = check_udp_start,
	.cancel = check_dgram_cancel,
};
