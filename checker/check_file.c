/* FILE_CHECK: reads the number in the file of a top-level track_file
 * block (attempt->track_file, looked up by check_attempt_init) and judges
 * it as keepalived.conf(5) describes for real servers:
 *
 *  - the weight is FILE_CHECK's own `weight N [reverse]`, else the
 *    track_file block's (default 1, not reversed);
 *  - weight 0: a non-zero value is down, zero is up (reverse: the other
 *    way round);
 *  - otherwise value * weight (negated with reverse) is what the file
 *    asks to add to the real server's weight; a product at or below
 *    -2147483648 is down (keepalived's fault level), anything else is up.
 *
 * The file is read as the track_file reader does (vrrp_track_file_read):
 * a missing, empty or unreadable file, or one that is not a number, reads
 * as 0, as keepalived treats a vanished file; result.text says which.
 *
 * result.weight: with `dynamic` and a non-zero weight, the product
 * (clamped to +-2147483647) is the weight the check asks for; as it is a
 * signed adjustment, -1 is then a real value, not "no weight": a
 * scheduler looks at cfg->file.dynamic to tell.  Otherwise -1.
 *
 * The read is a small local file and so done on the loop, like the VRRP
 * track_file reads; the result is still delivered from a loop callback,
 * never from inside start().
 *
 * Following the file: keepalived reacts to a change of the file at once,
 * not at the next delay_loop.  From its first attempt on, a checker keeps
 * an inotify watch (uv_fs_event) on the file's directory, not on the file:
 * that sees the file written in place, created after being missing,
 * deleted, and replaced by a rename (editors, `mv`), which a watch on the
 * file itself would lose with the old inode.  When the value read after an
 * event differs from the last one reported, the probe asks the scheduler
 * for an attempt now (attempt->wake).  The periodic attempts stay as the
 * fallback: while the directory is missing (the watch cannot be set; it is
 * tried again at every attempt), after the directory itself was replaced
 * (noticed by its inode at the next attempt), or for a path through a
 * symbolic link whose target changes elsewhere. */
#include "config.h"
#include "checker/check_probe.h"
#include "vrrp/vrrp_track_file.h"

#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct file_probe {
	struct check_attempt *attempt;
	uv_timer_t timer;
};

/* One checker's watch, kept between attempts (the attempt struct lives as
 * long as its checker; check_probe_forget ends the watch).  It holds no
 * pointer into the configuration, which a reload replaces. */
struct file_watch {
	struct file_watch *next;
	struct check_attempt *attempt;
	char *path, *dir, *base;         /* copies: the file and its split */
	uv_fs_event_t event;
	bool armed;                      /* event handle started on dir */
	dev_t dir_dev;                   /* the directory watched, to notice */
	ino_t dir_ino;                   /* it being replaced */
	int32_t reported;                /* the value of the last attempt */
};

static struct file_watch *watches;

struct file_weight {
	int32_t weight;
	bool reverse;
};

static struct file_weight file_weight_of(const struct check_attempt *a)
{
	if (a->cfg->file.weight_set)
		return (struct file_weight){ a->cfg->file.weight, a->cfg->file.reverse };
	return (struct file_weight){ a->track_file->weight, a->track_file->reverse };
}

/* The outcome for `value`; *weight is the adjustment it asks for. */
static enum check_outcome file_judge(struct file_weight w, int32_t value, int64_t *weight)
{
	*weight = 0;
	if (w.weight == 0)
		return (value != 0) != w.reverse ? CHECK_FAIL_FILE : CHECK_OK;
	*weight = (int64_t)value * w.weight * (w.reverse ? -1 : 1);
	return *weight <= INT32_MIN ? CHECK_FAIL_FILE : CHECK_OK;
}

static int32_t clamp_weight(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : (int32_t)v;
}

/* ---- the watch ---- */

static struct file_watch *watch_find(const struct check_attempt *attempt)
{
	for (struct file_watch *w = watches; w; w = w->next)
		if (w->attempt == attempt)
			return w;
	return NULL;
}

static void watch_unlink(struct file_watch *w)
{
	for (struct file_watch **pp = &watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

static void watch_closed(uv_handle_t *h)
{
	struct file_watch *w = h->data;

	free(w->path);
	free(w->dir);
	free(w->base);
	free(w);
}

/* An event in the directory: a different value for our file is worth an
 * attempt now.  Events for other files and repeats of the same value
 * (a write seen as modify then close) cost one small read. */
static void watch_event(uv_fs_event_t *h, const char *filename, int events, int status)
{
	struct file_watch *w = h->data;
	struct vrrp_track_file_reading r;

	(void)events;
	if (status < 0 || (filename && strcmp(filename, w->base) != 0))
		return;
	vrrp_track_file_read(w->path, &r);
	if (r.value != w->reported && w->attempt->wake)
		w->attempt->wake(w->attempt);
}

static bool dir_identity(const char *dir, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* (Re)starts the watch when it is not running on the directory that is
 * there now.  Failing (no directory yet) leaves the periodic attempts. */
static void watch_arm(struct file_watch *w)
{
	dev_t dev;
	ino_t ino;
	int err;

	if (!dir_identity(w->dir, &dev, &ino)) {
		if (w->armed)
			uv_fs_event_stop(&w->event);
		w->armed = false;
		return;
	}
	if (w->armed && dev == w->dir_dev && ino == w->dir_ino)
		return;
	if (w->armed)
		uv_fs_event_stop(&w->event);
	err = uv_fs_event_start(&w->event, watch_event, w->dir, 0);
	w->armed = err == 0;
	w->dir_dev = dev;
	w->dir_ino = ino;
	if (err < 0)
		log_debug("FILE_CHECK: cannot watch %s (%s); reading it every delay_loop",
			  w->dir, uv_strerror(err));
}

static void watch_set_path(struct file_watch *w, const char *path)
{
	char *copy = xstrdup(path);

	free(w->path);
	free(w->dir);
	free(w->base);
	w->path = xstrdup(path);
	w->base = xstrdup(basename(copy));
	strcpy(copy, path);
	w->dir = xstrdup(dirname(copy));
	free(copy);
	if (w->armed)
		uv_fs_event_stop(&w->event);
	w->armed = false;
}

/* The attempt's watch, made on its first attempt and kept in step with the
 * path (a reload may change it) and the directory; NULL when there is
 * none. */
static struct file_watch *watch_for(struct check_attempt *attempt, const char *path)
{
	struct file_watch *w = watch_find(attempt);

	/* Nobody to wake (a probe run alone, as by the test tools): no watch,
	 * whose open handle would also keep such a caller's loop running. */
	if (!attempt->wake)
		return NULL;
	if (!w) {
		w = XNEW(struct file_watch);
		if (uv_fs_event_init(attempt->loop, &w->event) < 0) {
			free(w);
			return NULL;
		}
		w->event.data = w;
		w->attempt = attempt;
		w->next = watches;
		watches = w;
	}
	if (!w->path || strcmp(w->path, path) != 0)
		watch_set_path(w, path);
	watch_arm(w);
	return w;
}

static void file_forget(struct check_attempt *attempt)
{
	struct file_watch *w = watch_find(attempt);

	if (!w)
		return;
	watch_unlink(w);
	uv_close((uv_handle_t *)&w->event, watch_closed);
}

/* ---- one attempt ---- */

static void file_timer_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void file_read_now(uv_timer_t *timer)
{
	struct file_probe *p = timer->data;
	struct check_attempt *attempt = p->attempt;
	const struct vrrp_track_file_config *tf = attempt->track_file;
	struct file_weight w = file_weight_of(attempt);
	struct vrrp_track_file_reading r;
	struct file_watch *watch;
	enum check_outcome outcome;
	int64_t product;

	attempt->probe = NULL;
	uv_close((uv_handle_t *)timer, file_timer_closed);
	watch = watch_for(attempt, tf->path);   /* first: no change slips between */
	vrrp_track_file_read(tf->path, &r);
	if (watch)
		watch->reported = r.value;
	outcome = file_judge(w, r.value, &product);
	check_attempt_finish(attempt, outcome, r.value,
			     attempt->cfg->file.dynamic && w.weight ? clamp_weight(product) : -1,
			     "FILE_CHECK %s: %s reads %d (%s), weight %d%s", tf->name, tf->path,
			     (int)r.value, vrrp_track_file_status_name(r.status), (int)w.weight,
			     w.reverse ? " reverse" : "");
}

static int file_start(struct check_attempt *attempt)
{
	struct file_probe *p;
	int err;

	if (!attempt->track_file || !attempt->track_file->path)
		return -ENOENT;         /* not resolved: check_attempt_init does it */
	p = XNEW(struct file_probe);
	err = uv_timer_init(attempt->loop, &p->timer);
	if (err < 0) {
		free(p);
		return err;
	}
	p->attempt = attempt;
	p->timer.data = p;
	attempt->probe = p;
	uv_timer_start(&p->timer, file_read_now, 0, 0);
	return 0;
}

static void file_cancel(struct check_attempt *attempt)
{
	struct file_probe *p = attempt->probe;

	if (!p)
		return;
	attempt->probe = NULL;
	uv_close((uv_handle_t *)&p->timer, file_timer_closed);
}

const struct check_probe_ops check_probe_file = {
	.type = CHECK_TYPE_FILE,
	.start = file_start,
	.cancel = file_cancel,
	.forget = file_forget,
};
