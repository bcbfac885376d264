/* track_file: reading, init_file and the watch; see vrrp_track_file.h. */
#include "config.h"
#include "vrrp/vrrp_track_file.h"

#include "log.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* More than any number needs; the rest of a long file is ignored. */
#define READ_MAX 256

const char *const vrrp_track_file_status_names[VRRP_TRACK_FILE_STATUS_COUNT] = {
	[VRRP_TRACK_FILE_OK] = "ok",
	[VRRP_TRACK_FILE_MISSING] = "missing",
	[VRRP_TRACK_FILE_UNREADABLE] = "unreadable",
	[VRRP_TRACK_FILE_EMPTY] = "empty",
	[VRRP_TRACK_FILE_NOT_A_NUMBER] = "not a number",
	[VRRP_TRACK_FILE_OUT_OF_RANGE] = "out of range",
};

const char *vrrp_track_file_status_name(enum vrrp_track_file_status status)
{
	return (unsigned)status < VRRP_TRACK_FILE_STATUS_COUNT ?
	       vrrp_track_file_status_names[status] : "?";
}

struct vrrp_track_file {
	uv_loop_t *loop;
	char *name, *path;
	char *dir, *base;               /* what the watch looks at */
	char *dir_base;                 /* how inotify names the directory itself */
	uv_fs_event_t watch;
	bool watch_active;
	dev_t dir_dev;                  /* the directory the watch is on */
	ino_t dir_ino;
	uv_timer_t poll_timer, settle_timer;
	int open_handles;               /* freed when the last one has closed */
	uint64_t poll_ms, settle_ms;
	bool poll_only, stopped;
	struct vrrp_track_file_reading current;
	vrrp_track_file_cb *cb;
	void *data;
};

/* ---- Reading ---- */

static bool all_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!isspace((unsigned char)*p))
			return false;
	return true;
}

enum vrrp_track_file_status vrrp_track_file_parse(const char *text, size_t len, int32_t *value)
{
	char buf[READ_MAX + 1];
	char *p, *end;
	long long v;

	*value = 0;
	if (len > READ_MAX)
		len = READ_MAX;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (strlen(buf) != len)         /* a NUL inside: not text */
		return VRRP_TRACK_FILE_NOT_A_NUMBER;
	for (p = buf; isspace((unsigned char)*p); p++)
		;
	if (!*p)
		return VRRP_TRACK_FILE_EMPTY;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (end == p || !all_blank(end, buf + len))
		return VRRP_TRACK_FILE_NOT_A_NUMBER;
	if (errno == ERANGE || v > INT32_MAX || v < -INT32_MAX) {
		*value = v > 0 ? INT32_MAX : -INT32_MAX;
		return VRRP_TRACK_FILE_OUT_OF_RANGE;
	}
	*value = (int32_t)v;
	return VRRP_TRACK_FILE_OK;
}

void vrrp_track_file_read(const char *path, struct vrrp_track_file_reading *out)
{
	char buf[READ_MAX];
	ssize_t n;
	/* O_NONBLOCK: a FIFO put in the file's place must not hang the loop. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	memset(out, 0, sizeof(*out));
	if (fd < 0) {
		out->err = errno;
		out->status = errno == ENOENT ? VRRP_TRACK_FILE_MISSING : VRRP_TRACK_FILE_UNREADABLE;
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		out->err = errno;
		out->status = VRRP_TRACK_FILE_UNREADABLE;
	} else {
		out->status = vrrp_track_file_parse(buf, (size_t)n, &out->value);
	}
	close(fd);
}

int vrrp_track_file_init(const struct vrrp_track_file_config *conf)
{
	char text[32];
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY;
	int fd, len, rc = 1;

	if (!conf->init_file || !conf->path)
		return 0;
	/* Without overwrite an existing file is left alone (O_EXCL). */
	flags |= conf->init_overwrite ? O_TRUNC : O_EXCL;
	fd = open(conf->path, flags, 0644);
	if (fd < 0)
		return errno == EEXIST && !conf->init_overwrite ? 0 : -errno;
	len = snprintf(text, sizeof(text), "%d\n", (int)conf->init_value);
	if (write(fd, text, (size_t)len) != len)
		rc = -(errno ? errno : EIO);
	if (close(fd) < 0 && rc > 0)
		rc = -errno;
	return rc;
}

/* ---- Watching ---- */

static bool reading_equal(const struct vrrp_track_file_reading *a,
			  const struct vrrp_track_file_reading *b)
{
	return a->status == b->status && a->value == b->value;
}

static void log_status(const struct vrrp_track_file *tf, const struct vrrp_track_file_reading *r)
{
	if (r->status == VRRP_TRACK_FILE_OK || r->status == VRRP_TRACK_FILE_MISSING)
		return;
	if (r->err)
		log_warning("track_file %s: %s: %s (%s), reading it as %d", tf->name, tf->path,
			    vrrp_track_file_status_name(r->status), strerror(r->err), (int)r->value);
	else
		log_warning("track_file %s: %s: %s, reading it as %d", tf->name, tf->path,
			    vrrp_track_file_status_name(r->status), (int)r->value);
}

static void reread(struct vrrp_track_file *tf)
{
	struct vrrp_track_file_reading r;

	vrrp_track_file_read(tf->path, &r);
	if (reading_equal(&r, &tf->current))
		return;
	if (r.status != tf->current.status)
		log_status(tf, &r);
	tf->current = r;
	tf->cb(tf->data, tf, &r);
}

static void on_settled(uv_timer_t *timer)
{
	struct vrrp_track_file *tf = timer->data;

	if (!tf->stopped)
		reread(tf);
}

static void on_fs_event(uv_fs_event_t *handle, const char *filename, int events, int status);

static void start_watch(struct vrrp_track_file *tf)
{
	struct stat st;

	if (tf->poll_only || tf->watch_active || stat(tf->dir, &st) < 0)
		return;
	tf->watch_active = uv_fs_event_start(&tf->watch, on_fs_event, tf->dir, 0) == 0;
	tf->dir_dev = st.st_dev;
	tf->dir_ino = st.st_ino;
}

/* A belt to on_fs_event's braces: if the directory at the path is not the
 * one watched (events lost while it was replaced), start over. */
static void check_watch(struct vrrp_track_file *tf)
{
	struct stat st;

	if (!tf->watch_active)
		return;
	if (stat(tf->dir, &st) == 0 && st.st_dev == tf->dir_dev && st.st_ino == tf->dir_ino)
		return;
	uv_fs_event_stop(&tf->watch);
	tf->watch_active = false;
}

static void on_fs_event(uv_fs_event_t *handle, const char *filename, int events, int status)
{
	struct vrrp_track_file *tf = handle->data;

	(void)events;
	if (tf->stopped)
		return;
	if (status < 0) {
		/* The directory went away: fall back to polling, which retries. */
		uv_fs_event_stop(&tf->watch);
		tf->watch_active = false;
		return;
	}
	/* The directory itself was removed or moved (inotify then names it):
	 * watch whatever is at its path now, if anything. */
	if (filename && strcmp(filename, tf->dir_base) == 0) {
		uv_fs_event_stop(&tf->watch);
		tf->watch_active = false;
		start_watch(tf);
	} else if (filename && strcmp(filename, tf->base) != 0) {
		return;
	}
	uv_timer_start(&tf->settle_timer, on_settled, tf->settle_ms, 0);
}

static void on_poll(uv_timer_t *timer)
{
	struct vrrp_track_file *tf = timer->data;

	if (tf->stopped)
		return;
	check_watch(tf);
	start_watch(tf);
	reread(tf);
}

static void split_path(struct vrrp_track_file *tf)
{
	char *d = xstrdup(tf->path), *b = xstrdup(tf->path);

	tf->dir = xstrdup(dirname(d));
	tf->base = xstrdup(basename(b));
	free(d);
	d = xstrdup(tf->dir);
	tf->dir_base = xstrdup(basename(d));
	free(d);
	free(b);
}

static void release(struct vrrp_track_file *tf)
{
	free(tf->name);
	free(tf->path);
	free(tf->dir);
	free(tf->base);
	free(tf->dir_base);
	free(tf);
}

static void on_handle_closed(uv_handle_t *handle)
{
	struct vrrp_track_file *tf = handle->data;

	if (--tf->open_handles == 0)
		release(tf);
}

static int init_handles(struct vrrp_track_file *tf)
{
	int rc;

	rc = uv_timer_init(tf->loop, &tf->poll_timer);
	if (rc < 0)
		return rc;
	tf->poll_timer.data = tf;
	tf->open_handles++;
	rc = uv_timer_init(tf->loop, &tf->settle_timer);
	if (rc < 0)
		return rc;
	tf->settle_timer.data = tf;
	tf->open_handles++;
	rc = uv_fs_event_init(tf->loop, &tf->watch);
	if (rc < 0)
		return rc;
	tf->watch.data = tf;
	tf->open_handles++;
	return 0;
}

static void apply_init_file(const struct vrrp_track_file_config *conf)
{
	int rc = vrrp_track_file_init(conf);

	if (rc < 0)
		log_warning("track_file %s: cannot initialise %s: %s", conf->name, conf->path,
			    strerror(-rc));
}

struct vrrp_track_file *vrrp_track_file_start(uv_loop_t *loop,
					      const struct vrrp_track_file_config *conf,
					      const struct vrrp_track_file_options *opts,
					      vrrp_track_file_cb *cb, void *data, int *err)
{
	struct vrrp_track_file *tf = XNEW(struct vrrp_track_file);
	int rc;

	tf->loop = loop;
	tf->name = xstrdup(conf->name);
	tf->path = xstrdup(conf->path);
	tf->cb = cb;
	tf->data = data;
	tf->poll_ms = opts && opts->poll_interval_ms ? opts->poll_interval_ms
		: VRRP_TRACK_FILE_POLL_MS;
	tf->settle_ms = opts && opts->settle_ms ? opts->settle_ms : VRRP_TRACK_FILE_SETTLE_MS;
	tf->poll_only = opts && opts->poll_only;
	split_path(tf);
	apply_init_file(conf);
	vrrp_track_file_read(tf->path, &tf->current);
	log_status(tf, &tf->current);
	rc = init_handles(tf);
	if (rc == 0)
		rc = uv_timer_start(&tf->poll_timer, on_poll, tf->poll_ms, tf->poll_ms);
	if (rc == 0)
		start_watch(tf);
	if (err)
		*err = rc;
	if (rc < 0) {
		vrrp_track_file_stop(tf);
		return NULL;
	}
	return tf;
}

const struct vrrp_track_file_reading *vrrp_track_file_current(const struct vrrp_track_file *tf)
{
	return &tf->current;
}

const char *vrrp_track_file_name(const struct vrrp_track_file *tf)
{
	return tf->name;
}

bool vrrp_track_file_watching(const struct vrrp_track_file *tf)
{
	return tf->watch_active;
}

void vrrp_track_file_stop(struct vrrp_track_file *tf)
{
	uv_handle_t *handles[3];
	int to_close;

	if (!tf)
		return;
	handles[0] = (uv_handle_t *)&tf->poll_timer;
	handles[1] = (uv_handle_t *)&tf->settle_timer;
	handles[2] = (uv_handle_t *)&tf->watch;
	to_close = tf->open_handles;
	tf->stopped = true;
	if (to_close == 0) {
		release(tf);
		return;
	}
	/* Handles are initialised in array order; close those that were. */
	for (int i = 0; i < to_close; i++)
		uv_close(handles[i], on_handle_closed);
}
