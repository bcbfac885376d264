/* track_file: a number in a file, re-read whenever the file changes.
 *
 * The file is watched through its directory (uv_fs_event), so replacing
 * it (a rename over it), deleting it and creating it are seen as well as
 * writes; a change is read after a short settle delay, so the truncate and
 * the write of `echo 5 > FILE` are read once, as 5, not as an empty file
 * then 5.  A periodic re-read backs the watch up (filesystems without
 * inotify, a directory that does not exist yet, missed events).
 *
 * What the file holds, as keepalived reads it: a decimal integer, with
 * optional blanks around it and a newline after it.  A missing file,
 * an empty one and one that is not a number read as 0 (keepalived treats
 * a vanished file as 0); a number beyond 32 bits saturates.  The status
 * says which case it was, and a malformed file is logged once when it
 * becomes so.
 *
 * init_file [VALUE] [overwrite]: at start, VALUE (default 0) is written
 * to the file if it does not exist, or always with `overwrite`. */
#ifndef VIGIL_VRRP_TRACK_FILE_H
#define VIGIL_VRRP_TRACK_FILE_H

#include "vrrp/vrrp_conf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* The periodic re-read and the settle delay after an event, by default. */
#define VRRP_TRACK_FILE_POLL_MS 5000
#define VRRP_TRACK_FILE_SETTLE_MS 20

enum vrrp_track_file_status {
	VRRP_TRACK_FILE_OK,
	VRRP_TRACK_FILE_MISSING,        /* no such file: 0 */
	VRRP_TRACK_FILE_UNREADABLE,     /* open or read failed otherwise: 0 */
	VRRP_TRACK_FILE_EMPTY,          /* nothing but blanks: 0 */
	VRRP_TRACK_FILE_NOT_A_NUMBER,   /* 0 */
	VRRP_TRACK_FILE_OUT_OF_RANGE,   /* beyond +-2147483647: saturated */
	VRRP_TRACK_FILE_STATUS_COUNT
};
/* "ok", "missing", "unreadable", "empty", "not a number", "out of range". */
extern const char *const vrrp_track_file_status_names[VRRP_TRACK_FILE_STATUS_COUNT];
const char *vrrp_track_file_status_name(enum vrrp_track_file_status status);

struct vrrp_track_file_reading {
	enum vrrp_track_file_status status;
	int32_t value;                  /* what tracking uses */
	int err;                        /* errno for MISSING / UNREADABLE, else 0 */
};

/* Parses file contents (need not be NUL-terminated). */
enum vrrp_track_file_status vrrp_track_file_parse(const char *text, size_t len, int32_t *value);

/* Reads `path` now. */
void vrrp_track_file_read(const char *path, struct vrrp_track_file_reading *out);

/* Applies init_file: 1 when the value was written, 0 when nothing was to
 * be done, a negative errno when writing failed. */
int vrrp_track_file_init(const struct vrrp_track_file_config *conf);

struct vrrp_track_file_options {
	uint64_t poll_interval_ms;      /* 0: VRRP_TRACK_FILE_POLL_MS */
	uint64_t settle_ms;             /* 0: VRRP_TRACK_FILE_SETTLE_MS */
	bool poll_only;                 /* no uv_fs_event (e.g. NFS) */
};

struct vrrp_track_file;

/* Called when the value or the status changed; `r` is valid during the
 * call only. */
typedef void vrrp_track_file_cb(void *data, struct vrrp_track_file *tf,
				const struct vrrp_track_file_reading *r);

/* Applies init_file, reads the file once (vrrp_track_file_current has it
 * on return; no callback for it) and starts watching.  `conf` is copied
 * (name and path); `opts` may be NULL.  NULL on failure with *err (if not
 * NULL) a negative errno. */
struct vrrp_track_file *vrrp_track_file_start(uv_loop_t *loop,
					      const struct vrrp_track_file_config *conf,
					      const struct vrrp_track_file_options *opts,
					      vrrp_track_file_cb *cb, void *data, int *err);

const struct vrrp_track_file_reading *vrrp_track_file_current(const struct vrrp_track_file *tf);
const char *vrrp_track_file_name(const struct vrrp_track_file *tf);
/* Whether the directory watch is active (false: polling only, for now). */
bool vrrp_track_file_watching(const struct vrrp_track_file *tf);

/* Stops; no callback after this returns.  Memory is released once libuv
 * has closed the handles (a loop iteration). */
void vrrp_track_file_stop(struct vrrp_track_file *tf);

#endif
