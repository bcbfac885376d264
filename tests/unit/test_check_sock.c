/* The loop's shared socket set (checker/check_sock.c) on real sockets:
 * events reach the right socket, a socket error arrives as the status,
 * a socket closed by another's callback in the same batch hears nothing
 * more, and the set leaves nothing on the loop once unused. */
#include "unit.h"

#include "checker/check_sock.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

struct sock_seen {
	struct check_sock *sock;
	struct sock_seen *other;        /* closed by this one's callback */
	unsigned calls;
	int status, events;
};

static void sock_seen_cb(struct check_sock *sock, int status, int events, void *data)
{
	struct sock_seen *s = data;

	s->calls++;
	s->status = status;
	s->events = events;
	check_sock_close(sock);
	s->sock = NULL;
	if (s->other && s->other->sock) {
		check_sock_close(s->other->sock);
		s->other->sock = NULL;
	}
}

static struct check_sock *adopt(uv_loop_t *loop, int fd, struct sock_seen *s)
{
	int err = 0;
	struct check_sock *sock = check_sock_adopt(loop, fd, sock_seen_cb, s, &err);

	assert_non_null(sock);
	assert_int_equal(err, 0);
	s->sock = sock;
	return sock;
}

/* Two datagram socket pairs; the first end of each joins the set,
 * watched for input. */
static void two_watched(uv_loop_t *loop, int a[2], int b[2], struct sock_seen *sa,
			struct sock_seen *sb)
{
	assert_int_equal(uv_loop_init(loop), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, b), 0);
	assert_int_equal(check_sock_watch(adopt(loop, a[0], sa), UV_READABLE), 0);
	assert_int_equal(check_sock_watch(adopt(loop, b[0], sb), UV_READABLE), 0);
}

/* Runs the loop dry; closing must leave nothing on it. */
static void loop_done(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

/* Data on one socket of two: only its callback runs, with UV_READABLE. */
static void test_event_reaches_its_socket(void **state)
{
	uv_loop_t loop;
	int a[2], b[2];
	struct sock_seen sa = { 0 }, sb = { 0 };

	(void)state;
	two_watched(&loop, a, b, &sa, &sb);
	assert_int_equal(write(a[1], "x", 1), 1);
	uv_run(&loop, UV_RUN_ONCE);
	assert_int_equal(sa.calls, 1);
	assert_int_equal(sa.status, 0);
	assert_int_equal(sa.events, UV_READABLE);
	assert_int_equal(sb.calls, 0);
	check_sock_close(sb.sock);
	loop_done(&loop);
	close(a[1]);
	close(b[1]);
}

/* Both ready in one batch; whichever runs first closes the other, which
 * then hears nothing (its event was already taken from the set). */
static void test_close_inside_the_batch(void **state)
{
	uv_loop_t loop;
	int a[2], b[2];
	struct sock_seen sa = { 0 }, sb = { 0 };

	(void)state;
	sa.other = &sb;
	sb.other = &sa;
	two_watched(&loop, a, b, &sa, &sb);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "y", 1), 1);
	loop_done(&loop);
	assert_int_equal(sa.calls + sb.calls, 1);
	close(a[1]);
	close(b[1]);
}

/* A UDP datagram to a closed loopback port: the ICMP error comes as the
 * status, the errno already read from the socket. */
static void test_socket_error_is_the_status(void **state)
{
	uv_loop_t loop;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int probe = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int closed = socket(AF_INET, SOCK_DGRAM, 0);
	struct sock_seen s = { 0 };
	struct check_sock *sock;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(bind(closed, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(closed, (struct sockaddr *)&sin, &len), 0);
	close(closed);   /* its port now refuses */
	assert_int_equal(connect(probe, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sock = adopt(&loop, probe, &s);
	assert_int_equal(check_sock_watch(sock, UV_READABLE), 0);
	assert_int_equal(send(probe, "q", 1, 0), 1);
	loop_done(&loop);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.status, -ECONNREFUSED);
	assert_int_equal(s.events, 0);
}

/* Watching nothing new costs nothing; switching what is watched takes
 * effect: a writable socket is not reported while only readable is
 * watched. */
static void test_watch_switches(void **state)
{
	uv_loop_t loop;
	int a[2];
	struct sock_seen s = { 0 };
	struct check_sock *sock;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
	sock = adopt(&loop, a[0], &s);
	assert_int_equal(check_sock_watch(sock, UV_READABLE), 0);
	assert_int_equal(check_sock_watch(sock, UV_READABLE), 0);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(s.calls, 0);   /* writable, but that is not watched */
	assert_int_equal(check_sock_watch(sock, UV_WRITABLE), 0);
	loop_done(&loop);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.events, UV_WRITABLE);
	close(a[1]);
}

/* A held set with no socket lets the loop end; released, it is gone.
 * Sockets opened while it is held share it. */
static void test_hold_and_release(void **state)
{
	uv_loop_t loop;
	int a[2];
	struct sock_seen s = { 0 };

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(check_sock_hold(&loop), 0);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);   /* nothing keeps it running */
	assert_int_equal(uv_loop_close(&loop), UV_EBUSY);      /* but the set is there */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, a), 0);
	assert_int_equal(check_sock_watch(adopt(&loop, a[0], &s), UV_READABLE), 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(s.calls, 1);
	assert_int_equal(uv_loop_close(&loop), UV_EBUSY);      /* still held */
	check_sock_release(&loop);
	loop_done(&loop);
	close(a[1]);
}

static void count_only_cb(struct check_sock *sock, int status, int events, void *data)
{
	struct sock_seen *s = data;

	(void)sock;
	s->calls++;
	s->status = status;
	s->events = events;
}

/* Edge-triggered: data left unread is not reported again, new data is;
 * switched back to check_sock_watch(), what is waiting is reported. */
static void test_edges_report_changes_only(void **state)
{
	uv_loop_t loop;
	int p[2], err = 0;
	struct sock_seen s = { 0 };
	struct check_sock *sock;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, p), 0);
	sock = check_sock_adopt(&loop, p[0], count_only_cb, &s, &err);
	assert_non_null(sock);
	assert_int_equal(check_sock_watch_edges(sock, UV_READABLE), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.events, UV_READABLE);
	assert_int_equal(write(p[1], "y", 1), 1);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(s.calls, 2);
	assert_int_equal(check_sock_watch(sock, UV_READABLE), 0);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(s.calls, 4);           /* level-triggered: again each pass */
	check_sock_close(sock);
	loop_done(&loop);
	close(p[1]);
}

/* More ready sockets than one batch takes: one pass of the loop serves
 * them all, as the timer queue starts every due attempt in one pass. */
#define MANY_READY 300
static void test_one_pass_serves_every_ready_socket(void **state)
{
	uv_loop_t loop;
	int pairs[MANY_READY][2];
	struct sock_seen *seen = calloc(MANY_READY, sizeof(*seen));
	unsigned served = 0;

	(void)state;
	assert_non_null(seen);
	assert_int_equal(uv_loop_init(&loop), 0);
	for (int i = 0; i < MANY_READY; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pairs[i]), 0);
		assert_int_equal(check_sock_watch(adopt(&loop, pairs[i][0], &seen[i]), UV_READABLE),
				 0);
		assert_int_equal(write(pairs[i][1], "x", 1), 1);
	}
	uv_run(&loop, UV_RUN_NOWAIT);
	for (int i = 0; i < MANY_READY; i++)
		served += seen[i].calls;
	assert_int_equal(served, MANY_READY);
	loop_done(&loop);
	for (int i = 0; i < MANY_READY; i++)
		close(pairs[i][1]);
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_reaches_its_socket),
		cmocka_unit_test(test_close_inside_the_batch),
		cmocka_unit_test(test_socket_error_is_the_status),
		cmocka_unit_test(test_watch_switches),
		cmocka_unit_test(test_hold_and_release),
		cmocka_unit_test(test_one_pass_serves_every_ready_socket),
		cmocka_unit_test(test_edges_report_changes_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
