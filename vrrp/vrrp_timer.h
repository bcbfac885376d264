/* A precise one-shot timer on a libuv loop.
 *
 * libuv's own timers count whole milliseconds and expire through
 * epoll_wait's millisecond timeout, which the kernel may extend by the
 * task's timer slack (0.1 % of the timeout for a normal task: 3.6 ms on a
 * 3.6 s master down timer).  The VRRP deadlines are microseconds, so each
 * timer here is its own timerfd on CLOCK_MONOTONIC, armed with an absolute
 * deadline (no drift from the time between computing and arming) and
 * watched with uv_poll.  The kernel expires it with an hrtimer whose only
 * lateness is the process's timer_slack_ns (see vrrp_worker.c, which sets
 * it to 1 ns).
 *
 * Times are CLOCK_MONOTONIC microseconds, the clock of uv_hrtime() and of
 * vrrp_timer_now_us(), so a deadline computed from either is the one the
 * kernel waits for.  The callback never runs before the deadline.
 *
 * A process whose timers need only milliseconds (the checker: delay_loop
 * and connect_timeout) can have its queues woken by one libuv timer
 * instead (vrrp_timer_use_milliseconds): the same heap and the same
 * never-early rule, without the two system calls per expiry that a
 * timerfd costs (reading it, arming it again). */
#ifndef VIGIL_VRRP_TIMER_H
#define VIGIL_VRRP_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

struct vrrp_precise_timer;
typedef void (*vrrp_timer_cb)(struct vrrp_precise_timer *timer);

struct vrrp_timer_queue;

/* The fields are the module's; `data` is the owner's. */
struct vrrp_precise_timer {
	struct vrrp_timer_queue *queue; /* the loop's shared timerfd */
	size_t heap_index;              /* while armed */
	uint64_t deadline_us;           /* while armed */
	bool armed;
	bool firing;                    /* due in the batch being fired */
	vrrp_timer_cb cb;
	vrrp_timer_cb close_cb;
	struct vrrp_precise_timer *next_closed;
	void *data;
};

/* Queues made after this call (in this process) are woken by a uv_timer at
 * the millisecond at or after the earliest deadline, not by a timerfd. */
void vrrp_timer_use_milliseconds(void);

/* CLOCK_MONOTONIC now, in microseconds. */
uint64_t vrrp_timer_now_us(void);

/* Joins the loop's timer queue, opening its timerfd for the first timer
 * (an active handle only while some timer is armed).  0, or a negative
 * errno (e.g. -EMFILE); on failure there is nothing to close. */
int vrrp_timer_init(uv_loop_t *loop, struct vrrp_precise_timer *timer, vrrp_timer_cb cb);

/* (Re)arms the timer for the absolute CLOCK_MONOTONIC deadline, or for
 * `duration_us` from now; a pending expiry is replaced.  A deadline in the
 * past fires on the next loop iteration.  0 or a negative errno. */
int vrrp_timer_start_at(struct vrrp_precise_timer *timer, uint64_t deadline_us);
int vrrp_timer_start(struct vrrp_precise_timer *timer, uint64_t duration_us);

/* Disarms; the callback will not run for the old deadline, even if the
 * timerfd already expired in this loop iteration. */
void vrrp_timer_stop(struct vrrp_precise_timer *timer);

bool vrrp_timer_is_active(const struct vrrp_precise_timer *timer);

/* Initialised (and not closed): vrrp_timer_close is due. */
bool vrrp_timer_is_open(const struct vrrp_precise_timer *timer);

/* Stops the timer and closes it; `close_cb` (may be NULL) runs from the
 * loop once the memory may be freed, as with uv_close.  Safe from inside
 * the timer's own callback. */
void vrrp_timer_close(struct vrrp_precise_timer *timer, vrrp_timer_cb close_cb);

#endif
