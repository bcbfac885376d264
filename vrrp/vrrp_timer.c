/* Precise one-shot timers: one timerfd per loop, shared by every timer on
 * it through a binary min-heap of deadlines.  See vrrp_timer.h for why.
 *
 * A thousand instances hold three timers each; a timerfd and a uv_poll
 * apiece cost 3,000 descriptors and ~600 bytes per instance.  The queue
 * keeps the kernel's precision (the one timerfd is always armed for the
 * earliest deadline, absolute, on CLOCK_MONOTONIC) for a few bytes per
 * timer. */
#include "config.h"
#include "vrrp/vrrp_timer.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct vrrp_timer_queue {
	uv_loop_t *loop;
	struct vrrp_timer_queue *next;      /* the registry of queues, one per loop */
	bool coarse;                        /* woken by uv_timer, not the timerfd */
	int fd;                             /* -1 when coarse */
	union {
		uv_poll_t poll;             /* the timerfd */
		uv_timer_t timer;           /* coarse */
	};
	bool polling;
	uv_idle_t closer;                   /* runs close callbacks on the next iteration */
	bool closing_queue;
	unsigned handles_open;              /* poll and closer, while closing */
	struct vrrp_precise_timer **heap;   /* min-heap on deadline_us */
	size_t count, capacity;
	struct vrrp_precise_timer **due;    /* the batch being fired */
	size_t due_count, due_capacity;
	struct vrrp_precise_timer *to_close; /* closed, callback pending */
	size_t users;                       /* timers initialised and not closed */
};

/* Timers fired per pass of the loop at most.  A checker with thousands of
 * real servers can find thousands due at once when it runs behind; fired
 * all together, each starting an attempt, they would keep the loop from
 * its sockets until every attempt had started, so thousands would wait in
 * flight for their answers to be read.  The rest of a batch fires once the
 * loop has polled its descriptors. */
#define VRRP_TIMER_BURST 256

static struct vrrp_timer_queue *queues;
static bool coarse_queues;              /* vrrp_timer_use_milliseconds() */

void vrrp_timer_use_milliseconds(void)
{
	coarse_queues = true;
}

uint64_t vrrp_timer_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- the kernel side: one timerfd -------------------------------------------- */

/* An all-zero it_value disarms the timerfd, so a deadline of 0 (the
 * clock's origin, long past) becomes 1 ns, which is equally past. */
static int arm_fd(int fd, uint64_t deadline_us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(deadline_us / 1000000u);
	its.it_value.tv_nsec = (long)(deadline_us % 1000000u) * 1000;
	if (deadline_us == 0)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ? -errno : 0;
}

static void on_readable(uv_poll_t *poll, int status, int events);
static void on_coarse_timer(uv_timer_t *timer);

/* A coarse queue's uv_timer, for the millisecond at or after the earliest
 * deadline: libuv counts from its cached loop time (uv_now, whole
 * milliseconds of the same clock), so this never wakes early.  After a
 * batch, a deadline already past waits at least `min_ms`: libuv (1.44)
 * runs a timer restarted at 0 again in the same pass, before any poll. */
static int queue_rearm_coarse(struct vrrp_timer_queue *q, uint64_t min_ms)
{
	uint64_t due_ms, now_ms = uv_now(q->loop), wait_ms;

	if (q->count == 0)
		return uv_timer_stop(&q->timer);
	due_ms = (q->heap[0]->deadline_us + 999) / 1000;
	wait_ms = due_ms > now_ms ? due_ms - now_ms : 0;
	return uv_timer_start(&q->timer, on_coarse_timer, wait_ms > min_ms ? wait_ms : min_ms, 0);
}

/* Points the timerfd at the earliest deadline; the poll is an active
 * handle only while some timer is armed, so an idle loop can end.  A
 * deadline already past makes the timerfd readable at once, so it fires
 * from the next poll, among the loop's other descriptors.  `after_batch`:
 * called at the end of queue_fire. */
static int queue_rearm(struct vrrp_timer_queue *q, bool after_batch)
{
	int err;

	if (q->coarse)
		return queue_rearm_coarse(q, after_batch ? 1 : 0);
	if (q->count == 0) {
		struct itimerspec off;

		memset(&off, 0, sizeof(off));
		timerfd_settime(q->fd, TFD_TIMER_ABSTIME, &off, NULL);
		if (q->polling)
			uv_poll_stop(&q->poll);
		q->polling = false;
		return 0;
	}
	err = arm_fd(q->fd, q->heap[0]->deadline_us);
	if (err)
		return err;
	if (!q->polling) {
		err = uv_poll_start(&q->poll, UV_READABLE, on_readable);
		if (err)
			return err;
		q->polling = true;
	}
	return 0;
}

/* ---- the heap ------------------------------------------------------------------- */

static void heap_place(struct vrrp_timer_queue *q, size_t i, struct vrrp_precise_timer *t)
{
	q->heap[i] = t;
	t->heap_index = i;
}

static void heap_up(struct vrrp_timer_queue *q, size_t i)
{
	struct vrrp_precise_timer *t = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (q->heap[parent]->deadline_us <= t->deadline_us)
			break;
		heap_place(q, i, q->heap[parent]);
		i = parent;
	}
	heap_place(q, i, t);
}

static void heap_down(struct vrrp_timer_queue *q, size_t i)
{
	struct vrrp_precise_timer *t = q->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= q->count)
			break;
		if (child + 1 < q->count
		    && q->heap[child + 1]->deadline_us < q->heap[child]->deadline_us)
			child++;
		if (t->deadline_us <= q->heap[child]->deadline_us)
			break;
		heap_place(q, i, q->heap[child]);
		i = child;
	}
	heap_place(q, i, t);
}

static void heap_push(struct vrrp_timer_queue *q, struct vrrp_precise_timer *t)
{
	if (q->count == q->capacity) {
		q->capacity = q->capacity ? 2 * q->capacity : 16;
		q->heap = xreallocarray(q->heap, q->capacity, sizeof(*q->heap));
	}
	q->heap[q->count] = t;
	heap_up(q, q->count++);
}

static void heap_remove(struct vrrp_timer_queue *q, struct vrrp_precise_timer *t)
{
	size_t i = t->heap_index;
	struct vrrp_precise_timer *last = q->heap[--q->count];

	if (i == q->count)
		return;
	heap_place(q, i, last);
	heap_down(q, i);
	heap_up(q, last->heap_index);
}

/* ---- firing ----------------------------------------------------------------- */

static void due_add(struct vrrp_timer_queue *q, struct vrrp_precise_timer *t)
{
	if (q->due_count == q->due_capacity) {
		q->due_capacity = q->due_capacity ? 2 * q->due_capacity : 16;
		q->due = xreallocarray(q->due, q->due_capacity, sizeof(*q->due));
	}
	q->due[q->due_count++] = t;
}

/* Everything due now (up to VRRP_TIMER_BURST) leaves the heap first, then
 * the callbacks run in deadline order.  A callback may stop (or re-arm, or close) a timer of
 * the same batch: `firing` is cleared then, so the old deadline never
 * runs.  A timer re-armed by a callback waits for the next read, even if
 * its new deadline has passed: no callback can spin the loop. */
static void queue_fire(struct vrrp_timer_queue *q)
{
	uint64_t now = vrrp_timer_now_us();

	q->due_count = 0;
	while (q->count && q->heap[0]->deadline_us <= now && q->due_count < VRRP_TIMER_BURST) {
		struct vrrp_precise_timer *t = q->heap[0];

		heap_remove(q, t);
		t->armed = false;
		t->firing = true;
		due_add(q, t);
	}
	for (size_t i = 0; i < q->due_count; i++) {
		struct vrrp_precise_timer *t = q->due[i];

		if (!t->firing)
			continue;
		t->firing = false;
		t->cb(t);
	}
	q->due_count = 0;
	queue_rearm(q, true);
}

/* The timerfd reads 8 bytes (the expiry count) once expired, EAGAIN
 * otherwise (re-armed since): a stale readiness is ignored. */
static void on_readable(uv_poll_t *poll, int status, int events)
{
	struct vrrp_timer_queue *q = poll->data;
	uint64_t expiries;

	(void)events;
	if (status < 0)
		return;
	if (read(q->fd, &expiries, sizeof(expiries)) != (ssize_t)sizeof(expiries))
		return;
	queue_fire(q);
}

static void on_coarse_timer(uv_timer_t *timer)
{
	queue_fire(timer->data);
}

/* ---- queues: one per loop, created on demand, freed when unused ------------- */

static void queue_freed(uv_handle_t *handle)
{
	struct vrrp_timer_queue *q = handle->data;

	if (--q->handles_open > 0)
		return;
	if (q->fd >= 0)
		close(q->fd);
	free(q->heap);
	free(q->due);
	free(q);
}

static void queue_release(struct vrrp_timer_queue *q)
{
	struct vrrp_timer_queue **p;

	if (q->users || q->to_close || q->closing_queue)
		return;
	for (p = &queues; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			break;
		}
	q->closing_queue = true;
	q->handles_open = 2;
	uv_close(q->coarse ? (uv_handle_t *)&q->timer : (uv_handle_t *)&q->poll, queue_freed);
	uv_close((uv_handle_t *)&q->closer, queue_freed);
}

static void on_closer(uv_idle_t *idle)
{
	struct vrrp_timer_queue *q = idle->data;
	struct vrrp_precise_timer *list = q->to_close;

	q->to_close = NULL;
	uv_idle_stop(&q->closer);
	while (list) {
		struct vrrp_precise_timer *t = list;

		list = t->next_closed;
		if (t->close_cb)
			t->close_cb(t);
	}
	queue_release(q);
}

static struct vrrp_timer_queue *queue_open(uv_loop_t *loop, int *err)
{
	struct vrrp_timer_queue *q;

	for (q = queues; q; q = q->next)
		if (q->loop == loop && !q->closing_queue)
			return q;
	q = XNEW(struct vrrp_timer_queue);
	q->loop = loop;
	q->coarse = coarse_queues;
	q->fd = -1;
	if (q->coarse) {
		uv_timer_init(loop, &q->timer);
		q->timer.data = q;
	} else {
		q->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (q->fd < 0) {
			*err = -errno;
			free(q);
			return NULL;
		}
		*err = uv_poll_init(loop, &q->poll, q->fd);
		if (*err) {
			close(q->fd);
			free(q);
			return NULL;
		}
		q->poll.data = q;
	}
	uv_idle_init(loop, &q->closer);
	q->closer.data = q;
	q->next = queues;
	queues = q;
	return q;
}

/* ---- the API ------------------------------------------------------------------------- */

int vrrp_timer_init(uv_loop_t *loop, struct vrrp_precise_timer *timer, vrrp_timer_cb cb)
{
	int err = 0;

	memset(timer, 0, sizeof(*timer));
	timer->cb = cb;
	timer->queue = queue_open(loop, &err);
	if (!timer->queue)
		return err;
	timer->queue->users++;
	return 0;
}

int vrrp_timer_start_at(struct vrrp_precise_timer *timer, uint64_t deadline_us)
{
	struct vrrp_timer_queue *q = timer->queue;
	int err;

	timer->firing = false;
	if (timer->armed)
		heap_remove(q, timer);
	timer->deadline_us = deadline_us;
	heap_push(q, timer);
	timer->armed = true;
	if (q->heap[0] != timer)
		return 0;                    /* the fd already waits for something earlier */
	err = queue_rearm(q, false);
	if (err) {
		heap_remove(q, timer);
		timer->armed = false;
		queue_rearm(q, false);
	}
	return err;
}

int vrrp_timer_start(struct vrrp_precise_timer *timer, uint64_t duration_us)
{
	return vrrp_timer_start_at(timer, vrrp_timer_now_us() + duration_us);
}

void vrrp_timer_stop(struct vrrp_precise_timer *timer)
{
	timer->firing = false;
	if (!timer->armed)
		return;
	timer->armed = false;
	heap_remove(timer->queue, timer);
	/* Left armed for an earlier deadline, the fd just wakes the loop
	 * once for nothing; re-arming now keeps an idle loop idle. */
	if (timer->queue->count == 0)
		queue_rearm(timer->queue, false);
}

bool vrrp_timer_is_active(const struct vrrp_precise_timer *timer)
{
	return timer->armed;
}

bool vrrp_timer_is_open(const struct vrrp_precise_timer *timer)
{
	return timer->queue != NULL;
}

void vrrp_timer_close(struct vrrp_precise_timer *timer, vrrp_timer_cb close_cb)
{
	struct vrrp_timer_queue *q = timer->queue;

	vrrp_timer_stop(timer);
	timer->close_cb = close_cb;
	timer->next_closed = q->to_close;
	q->to_close = timer;
	timer->queue = NULL;
	q->users--;
	uv_idle_start(&q->closer, on_closer);
}
