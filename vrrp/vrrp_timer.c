/* A precise one-shot timer: a timerfd per timer, watched with uv_poll.
 * See vrrp_timer.h for why. */
#include "config.h"
#include "vrrp/vrrp_timer.h"

#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

uint64_t vrrp_timer_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* An all-zero it_value disarms the timerfd, so a deadline of 0 (the
 * clock's origin, long past) becomes 1 ns, which is equally past. */
static int arm(int fd, uint64_t deadline_us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(deadline_us / 1000000u);
	its.it_value.tv_nsec = (long)(deadline_us % 1000000u) * 1000;
	if (deadline_us == 0)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ? -errno : 0;
}

static void disarm(int fd)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The timerfd reads 8 bytes (the expiry count) once expired, EAGAIN
 * otherwise: a restart or stop after the kernel expired the old deadline
 * but before this callback ran has re-armed or disarmed the fd, which
 * clears the count, so a stale readiness reads EAGAIN and is ignored. */
static void on_readable(uv_poll_t *poll, int status, int events)
{
	struct vrrp_precise_timer *timer = poll->data;
	uint64_t expiries;

	(void)events;
	if (status < 0 || !timer->armed)
		return;
	if (read(timer->fd, &expiries, sizeof(expiries)) != (ssize_t)sizeof(expiries))
		return;
	timer->armed = false;
	uv_poll_stop(&timer->poll);
	timer->cb(timer);
}

int vrrp_timer_init(uv_loop_t *loop, struct vrrp_precise_timer *timer, vrrp_timer_cb cb)
{
	int err;

	memset(timer, 0, sizeof(*timer));
	timer->cb = cb;
	timer->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (timer->fd < 0)
		return -errno;
	err = uv_poll_init(loop, &timer->poll, timer->fd);
	if (err) {
		close(timer->fd);
		timer->fd = -1;
		return err;
	}
	timer->poll.data = timer;
	return 0;
}

int vrrp_timer_start_at(struct vrrp_precise_timer *timer, uint64_t deadline_us)
{
	int err = arm(timer->fd, deadline_us);

	if (err)
		return err;
	timer->deadline_us = deadline_us;
	if (!timer->armed) {
		err = uv_poll_start(&timer->poll, UV_READABLE, on_readable);
		if (err) {
			disarm(timer->fd);
			return err;
		}
	}
	timer->armed = true;
	return 0;
}

int vrrp_timer_start(struct vrrp_precise_timer *timer, uint64_t duration_us)
{
	return vrrp_timer_start_at(timer, vrrp_timer_now_us() + duration_us);
}

void vrrp_timer_stop(struct vrrp_precise_timer *timer)
{
	if (!timer->armed)
		return;
	timer->armed = false;
	disarm(timer->fd);
	uv_poll_stop(&timer->poll);
}

bool vrrp_timer_is_active(const struct vrrp_precise_timer *timer)
{
	return timer->armed;
}

/* uv_close stops the poll at once; the fd is closed only when libuv has
 * finished with the handle. */
static void on_closed(uv_handle_t *handle)
{
	struct vrrp_precise_timer *timer = handle->data;

	close(timer->fd);
	timer->fd = -1;
	if (timer->close_cb)
		timer->close_cb(timer);
}

void vrrp_timer_close(struct vrrp_precise_timer *timer, vrrp_timer_cb close_cb)
{
	timer->armed = false;
	timer->close_cb = close_cb;
	uv_close((uv_handle_t *)&timer->poll, on_closed);
}
