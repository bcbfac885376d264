/* PING_CHECK: one ICMP (IPv4) or ICMPv6 echo request; up when the echo
 * reply comes back within connect_timeout.
 *
 * An unprivileged ICMP datagram socket is tried first (no CAP_NET_RAW
 * needed, and the kernel delivers only our replies); when the host's
 * net.ipv4.ping_group_range does not allow it, a raw socket is used, which
 * sees every echo reply on the host, so identifier, sequence and payload
 * are all checked (check_ping_packet.h).  The socket is connected so that
 * ICMP errors about the target (host unreachable) come back as errors. */
#include "config.h"
#include "checker/check_dgram.h"
#include "checker/check_ping_packet.h"
#include "checker/check_probe.h"

#include <errno.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct check_ping {
	struct check_dgram d;            /* first: check_dgram.h frees the whole */
	struct check_ping_echo echo;
	bool raw;
	unsigned ignored;                /* messages that were not our reply */
};

/* Shared by all attempts so consecutive requests differ. */
static uint16_t check_ping_next_seq;

static void check_ping_on_readable(struct check_dgram *d)
{
	struct check_ping *p = (struct check_ping *)d;
	int family = d->attempt->target.sa.sa_family;
	uint8_t buf[1500];
	ssize_t n;
	int err;

	while ((n = recv(check_dgram_fd(d), buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (check_ping_parse(family, p->raw, p->raw, &p->echo, buf, (size_t)n) ==
		    CHECK_PING_MATCH) {
			check_dgram_end(d, CHECK_OK, 0, "echo reply received");
			return;
		}
		p->ignored++;
	}
	err = errno;
	if (err == EAGAIN || err == EINTR)
		err = check_dgram_socket_error(d);
	if (err)
		check_dgram_end_errno(d, err, "ping");
}

/* Other processes' echo replies are normal on a raw socket, so messages
 * that are not ours are counted, never a failure of their own. */
static void check_ping_on_timeout(struct check_dgram *d)
{
	const struct check_ping *p = (const struct check_ping *)d;
	char text[96];

	snprintf(text, sizeof(text), "no echo reply within %llu ms (%u other messages ignored)",
		 (unsigned long long)(d->attempt->timeout_us / 1000), p->ignored);
	check_dgram_end(d, CHECK_FAIL_TIMEOUT, 0, text);
}

/* A raw socket sees all ICMP; let only echo replies through. */
static int check_ping_raw_filter(int fd, int family)
{
	if (family == AF_INET6) {
		struct icmp6_filter f6;

		ICMP6_FILTER_SETBLOCKALL(&f6);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f6);
		return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6));
	}
	struct icmp_filter f4 = { .data = ~(uint32_t)(1u << ICMP_ECHOREPLY) };

	return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f4, sizeof(f4));
}

/* The datagram socket when allowed, else a raw one. */
static int check_ping_socket(struct check_ping *p, int family)
{
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
	int fd = socket(family, SOCK_DGRAM | flags, proto);

	if (fd >= 0 || (errno != EACCES && errno != EPERM && errno != EPROTONOSUPPORT))
		return fd;
	fd = socket(family, SOCK_RAW | flags, proto);
	if (fd < 0)
		return -1;
	p->raw = true;
	if (check_ping_raw_filter(fd, family) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int check_ping_send(struct check_ping *p, int family)
{
	union check_sockaddr to = p->d.attempt->target;
	uint8_t buf[CHECK_PING_PACKET_LEN];
	size_t len;

	/* the port means nothing to ICMP; a raw IPv6 socket rejects one */
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	if (connect(check_dgram_fd(&p->d), (const struct sockaddr *)&to, p->d.attempt->target_len) < 0)
		return errno;
	check_dgram_random(&p->echo.id, sizeof(p->echo.id));
	check_dgram_random(p->echo.payload, sizeof(p->echo.payload));
	p->echo.seq = check_ping_next_seq++;
	len = check_ping_build(family, &p->echo, buf);
	return send(check_dgram_fd(&p->d), buf, len, MSG_DONTWAIT) < 0 ? errno : 0;
}

static int check_ping_open(struct check_ping *p, const char **what)
{
	const struct check_attempt *a = p->d.attempt;
	int family = a->target.sa.sa_family;
	int fd, err;

	*what = "ICMP socket";
	fd = check_ping_socket(p, family);
	if (fd < 0)
		return errno;
	err = check_dgram_adopt(&p->d, fd);
	if (!err)
		err = check_attempt_prepare_socket(a, fd);
	if (err)
		return -err;
	*what = "ping";
	return check_ping_send(p, family);
}

static int check_ping_start(struct check_attempt *a)
{
	struct check_ping *p = calloc(1, sizeof(*p));
	const char *what;
	int err;

	if (!p)
		return -ENOMEM;
	if (!check_ping_next_seq)
		check_dgram_random(&check_ping_next_seq, sizeof(check_ping_next_seq));
	check_dgram_init(&p->d, a, check_ping_on_readable, check_ping_on_timeout);
	err = check_ping_open(p, &what);
	if (err)
		check_dgram_fail_soon(&p->d, err, what);
	else
		check_dgram_arm(&p->d);
	return 0;
}

const struct check_probe_ops check_probe_ping = {
	.type = CHECK_TYPE_PING,
	.start = check_ping_start,
	.cancel = check_dgram_cancel,
};
