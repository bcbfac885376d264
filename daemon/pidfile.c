#include "config.h"
#include "daemon/pidfile.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static pid_t read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? (pid_t)pid : 0;
}

/* The file we locked may have been unlinked by its previous holder between
 * our open and our flock; then the lock guards nothing and we retry. */
static bool still_linked(int fd, const char *path)
{
	struct stat by_fd, by_path;

	return fstat(fd, &by_fd) == 0 && stat(path, &by_path) == 0
	       && by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

enum pidfile_result pidfile_take(struct pidfile *pf, const char *path, pid_t *holder,
				 char *err, size_t err_len)
{
	pf->path = NULL;
	pf->fd = -1;
	*holder = 0;
	for (int attempt = 0; attempt < 10; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

		if (fd < 0) {
			snprintf(err, err_len, "cannot open pid file %s: %s", path, strerror(errno));
			return PIDFILE_ERROR;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int saved = errno;

			*holder = saved == EWOULDBLOCK ? read_pid(fd) : 0;
			snprintf(err, err_len, "cannot lock pid file %s: %s", path, strerror(saved));
			close(fd);
			return saved == EWOULDBLOCK ? PIDFILE_BUSY : PIDFILE_ERROR;
		}
		if (still_linked(fd, path)) {
			pf->path = xstrdup(path);
			pf->fd = fd;
			return PIDFILE_TAKEN;
		}
		close(fd);
	}
	snprintf(err, err_len, "pid file %s keeps being replaced", path);
	return PIDFILE_ERROR;
}

bool pidfile_write(struct pidfile *pf, char *err, size_t err_len)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)len, 0) != len) {
		snprintf(err, err_len, "cannot write pid file %s: %s", pf->path, strerror(errno));
		return false;
	}
	return true;
}

void pidfile_release(struct pidfile *pf)
{
	/* Unlink while still locked, so nobody can lock the old inode and
	 * believe it is the current file. */
	if (pf->fd >= 0)
		unlink(pf->path);
	pidfile_forget(pf);
}

void pidfile_forget(struct pidfile *pf)
{
	if (pf->fd >= 0)
		close(pf->fd);
	pf->fd = -1;
	free(pf->path);
	pf->path = NULL;
}
