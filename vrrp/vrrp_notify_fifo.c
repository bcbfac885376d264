/* The notify FIFO writer: whole lines, never blocking.  See vrrp_notify.h.
 *
 * The descriptor stays open between lines, so a reader that keeps the
 * FIFO open sees every line in order.  Opening with O_NONBLOCK fails with
 * ENXIO while nobody reads: the line is dropped and the next one tries
 * again.  A line of at most PIPE_BUF bytes is written atomically: either
 * all of it fits in the pipe or write() fails with EAGAIN, so a reader
 * never sees half a line.  Writing after the reader left raises SIGPIPE;
 * we block it around the write and swallow it, so the daemon need not
 * ignore SIGPIPE for our sake. */
#include "config.h"
#include "vrrp/vrrp_notify.h"

#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FIFO_MODE 0640

const char *const vrrp_fifo_outcome_names[VRRP_FIFO_OUTCOME_COUNT] = {
	[VRRP_FIFO_WRITTEN] = "written",
	[VRRP_FIFO_NO_READER] = "no-reader",
	[VRRP_FIFO_FULL] = "full",
	[VRRP_FIFO_MISSING] = "missing",
	[VRRP_FIFO_NOT_FIFO] = "not-fifo",
	[VRRP_FIFO_TOO_LONG] = "too-long",
	[VRRP_FIFO_ERROR] = "error",
};

struct vrrp_notify_fifo {
	char *path;
	int fd;                     /* -1: not open */
	bool created;               /* ours to remove */
	int last_errno;
	struct vrrp_fifo_stats stats;
	struct log_ratelimit log;
};

static void fifo_create(struct vrrp_notify_fifo *f, const struct vrrp_notify_fifo_options *o)
{
	if (mkfifo(f->path, FIFO_MODE) != 0) {
		if (errno != EEXIST)
			log_warning("notify FIFO %s: cannot create: %s", f->path, strerror(errno));
		return;
	}
	f->created = true;
	chmod(f->path, FIFO_MODE);          /* whatever the umask */
	if (o->set_owner && chown(f->path, o->uid, o->gid) != 0)
		log_warning("notify FIFO %s: cannot give it to %u:%u: %s", f->path,
			    (unsigned)o->uid, (unsigned)o->gid, strerror(errno));
}

struct vrrp_notify_fifo *vrrp_notify_fifo_new(const char *path,
					      const struct vrrp_notify_fifo_options *opts)
{
	struct vrrp_notify_fifo *f = XNEW(struct vrrp_notify_fifo);

	f->path = xstrdup(path);
	f->fd = -1;
	f->log = (struct log_ratelimit)LOG_RATELIMIT_INIT(60000, 3);
	if (opts && opts->create)
		fifo_create(f, opts);
	return f;
}

void vrrp_notify_fifo_free(struct vrrp_notify_fifo *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->created)
		unlink(f->path);
	free(f->path);
	free(f);
}

const char *vrrp_notify_fifo_path(const struct vrrp_notify_fifo *f)
{
	return f->path;
}

const struct vrrp_fifo_stats *vrrp_notify_fifo_stats(const struct vrrp_notify_fifo *f)
{
	return &f->stats;
}

static enum vrrp_fifo_outcome fifo_open(struct vrrp_notify_fifo *f)
{
	struct stat st;

	/* stat first: opening something else for writing could have effects */
	if (stat(f->path, &st) != 0)
		return errno == ENOENT ? VRRP_FIFO_MISSING : VRRP_FIFO_ERROR;
	if (!S_ISFIFO(st.st_mode))
		return VRRP_FIFO_NOT_FIFO;
	f->fd = open(f->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0)
		return errno == ENXIO ? VRRP_FIFO_NO_READER : VRRP_FIFO_ERROR;
	if (fstat(f->fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		close(f->fd);
		f->fd = -1;
		return VRRP_FIFO_NOT_FIFO;
	}
	f->stats.opens++;
	return VRRP_FIFO_WRITTEN;
}

static void fifo_close(struct vrrp_notify_fifo *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* write() with SIGPIPE held back and, if our write raised it, discarded. */
static ssize_t write_no_sigpipe(int fd, const char *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	const struct timespec zero = { 0, 0 };

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	ssize_t n = write(fd, buf, len);
	int saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

static enum vrrp_fifo_outcome fifo_write_once(struct vrrp_notify_fifo *f, const char *line,
					      size_t len)
{
	enum vrrp_fifo_outcome o = f->fd < 0 ? fifo_open(f) : VRRP_FIFO_WRITTEN;

	if (o != VRRP_FIFO_WRITTEN)
		return o;
	ssize_t n = write_no_sigpipe(f->fd, line, len);
	if (n == (ssize_t)len)
		return VRRP_FIFO_WRITTEN;
	f->last_errno = n < 0 ? errno : EIO;
	if (n < 0 && errno == EAGAIN)
		return VRRP_FIFO_FULL;
	fifo_close(f);
	return n < 0 && f->last_errno == EPIPE ? VRRP_FIFO_NO_READER : VRRP_FIFO_ERROR;
}

static void fifo_record(struct vrrp_notify_fifo *f, enum vrrp_fifo_outcome o)
{
	f->stats.outcomes[o]++;
	if (o != VRRP_FIFO_WRITTEN)
		log_ratelimited(&f->log, LOG_WARNING, "notify FIFO %s: line dropped: %s", f->path,
				vrrp_fifo_outcome_names[o]);
}

enum vrrp_fifo_outcome vrrp_notify_fifo_write(struct vrrp_notify_fifo *f, const char *line,
					      size_t len)
{
	bool was_open = f->fd >= 0;
	enum vrrp_fifo_outcome o;

	if (len > PIPE_BUF) {
		o = VRRP_FIFO_TOO_LONG;
	} else {
		f->last_errno = 0;
		o = fifo_write_once(f, line, len);
		/* The reader we had left (EPIPE): a new one may be there. */
		if (o == VRRP_FIFO_NO_READER && was_open && f->last_errno == EPIPE) {
			f->stats.reopens++;
			o = fifo_write_once(f, line, len);
		}
	}
	fifo_record(f, o);
	return o;
}
