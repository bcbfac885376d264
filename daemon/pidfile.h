/* Pid files held with an exclusive flock for as long as the process runs.
 *
 * The lock, not the file's existence, says whether a daemon is running: a
 * file left behind by `kill -9` is unlocked and simply taken over, while a
 * live daemon's lock makes a second start fail with its pid. */
#ifndef VIGIL_PIDFILE_H
#define VIGIL_PIDFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pidfile {
	char *path;
	int fd;              /* -1: not held */
};

enum pidfile_result { PIDFILE_TAKEN, PIDFILE_BUSY, PIDFILE_ERROR };

/* Opens and locks `path`.  PIDFILE_BUSY: another process holds it (its pid
 * in *holder, 0 if unreadable).  PIDFILE_ERROR: message in err. */
enum pidfile_result pidfile_take(struct pidfile *pf, const char *path, pid_t *holder,
				 char *err, size_t err_len);
/* Writes the calling process's pid (call again after forking). */
bool pidfile_write(struct pidfile *pf, char *err, size_t err_len);
/* Removes the file and drops the lock; harmless when not held. */
void pidfile_release(struct pidfile *pf);
/* Drops the lock without removing the file (the parent half of a fork). */
void pidfile_forget(struct pidfile *pf);

#endif
