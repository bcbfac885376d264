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
 * never from inside start(). */
#include "config.h"
#include "checker/check_probe.h"
#include "vrrp/vrrp_track_file.h"

#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct file_probe {
	struct check_attempt *attempt;
	uv_timer_t timer;
};

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
	enum check_outcome outcome;
	int64_t product;

	attempt->probe = NULL;
	uv_close((uv_handle_t *)timer, file_timer_closed);
	vrrp_track_file_read(tf->path, &r);
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
};
