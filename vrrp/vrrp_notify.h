/* Telling the outside world about VRRP transitions, as keepalived does:
 *
 *  - the notify_master / notify_backup / notify_fault / notify_stop /
 *    notify_deleted / notify_master_rx_lower_pri script of the instance or
 *    sync group, run with just its configured arguments;
 *  - then the generic `notify` script, run with four more arguments:
 *      INSTANCE|GROUP  NAME  MASTER|BACKUP|FAULT|STOP|DELETED  PRIORITY
 *  - a line on the notify FIFOs (notify_fifo, vrrp_notify_fifo):
 *      INSTANCE "VI_1" MASTER 100\n
 *    the same four fields with the name in double quotes; FIFOs also get
 *    MASTER_RX_LOWER_PRI, and MASTER_PRIORITY / BACKUP_PRIORITY when the
 *    priority changes and notify_priority_changes is on (the caller
 *    decides when to send those).
 *
 * The argv and line builders are pure.  The FIFO writer never blocks: it
 * opens the FIFO O_WRONLY|O_NONBLOCK, writes whole lines (at most
 * PIPE_BUF bytes, so the kernel writes all or nothing), drops a line when
 * nobody reads or the reader is behind (counted, logged rate-limited),
 * and reopens after EPIPE.  The notifier runs the scripts through
 * lib/script_run as the script's own user or script_user, refusing (when
 * enable_script_security is on) scripts that an unprivileged user could
 * replace, and with a timeout so a hung script only costs a process. */
#ifndef VIGIL_VRRP_NOTIFY_H
#define VIGIL_VRRP_NOTIFY_H

#include "script_check.h"
#include "script_run.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What happened, as scripts and FIFO lines spell it. */
enum vrrp_notify_event {
	VRRP_NOTIFY_EV_MASTER,
	VRRP_NOTIFY_EV_BACKUP,
	VRRP_NOTIFY_EV_FAULT,
	VRRP_NOTIFY_EV_STOP,                 /* instances only */
	VRRP_NOTIFY_EV_DELETED,              /* instances removed by a reload */
	VRRP_NOTIFY_EV_MASTER_RX_LOWER_PRI,  /* a master heard a lower priority advert */
	VRRP_NOTIFY_EV_MASTER_PRIORITY,      /* FIFO only: priority changed while MASTER */
	VRRP_NOTIFY_EV_BACKUP_PRIORITY,      /* FIFO only: priority changed while BACKUP */
	VRRP_NOTIFY_EV_COUNT
};
/* "MASTER", "BACKUP", "FAULT", "STOP", "DELETED", "MASTER_RX_LOWER_PRI",
 * "MASTER_PRIORITY", "BACKUP_PRIORITY". */
extern const char *const vrrp_notify_event_names[VRRP_NOTIFY_EV_COUNT];

enum vrrp_notify_target { VRRP_NOTIFY_INSTANCE, VRRP_NOTIFY_GROUP, VRRP_NOTIFY_TARGET_COUNT };
/* "INSTANCE", "GROUP". */
extern const char *const vrrp_notify_target_names[VRRP_NOTIFY_TARGET_COUNT];

/* One notification.  Sync groups have no priority of their own: the
 * runtime passes 0 for them. */
struct vrrp_notification {
	enum vrrp_notify_target target;
	const char *name;
	enum vrrp_notify_event event;
	unsigned priority;
};

/* MASTER/BACKUP/FAULT/STOP for those states; false for INIT. */
bool vrrp_notify_event_for_state(enum vrrp_state state, enum vrrp_notify_event *event);
/* The notify_* script an event runs (VRRP_NOTIFY_MASTER, ...);
 * VRRP_NOTIFY_COUNT when none (the FIFO-only priority events). */
enum vrrp_notify_kind vrrp_notify_kind_for_event(enum vrrp_notify_event event);
/* Whether the generic `notify` script runs: for state changes and DELETED. */
bool vrrp_notify_generic_runs(enum vrrp_notify_event event);

/* argv of the generic `notify` script: the command line's words, then
 * TYPE NAME STATE PRIORITY.  NULL on bad quoting.  Free with
 * script_argv_free. */
char **vrrp_notify_generic_argv(const char *cmdline, const struct vrrp_notification *n);
/* argv of a notify_fifo_script: the command line's words, then the FIFO. */
char **vrrp_notify_fifo_script_argv(const char *cmdline, const char *fifo_path);
/* `TYPE "NAME" EVENT PRIORITY\n` into buf; the length, or 0 when it does
 * not fit in `len` bytes (NUL included). */
size_t vrrp_notify_fifo_line(const struct vrrp_notification *n, char *buf, size_t len);

/* ---- the FIFO writer ------------------------------------------------------- */

enum vrrp_fifo_outcome {
	VRRP_FIFO_WRITTEN,
	VRRP_FIFO_NO_READER,        /* nobody has the FIFO open for reading */
	VRRP_FIFO_FULL,             /* the reader is behind: line dropped */
	VRRP_FIFO_MISSING,          /* the path does not exist */
	VRRP_FIFO_NOT_FIFO,         /* the path is something else */
	VRRP_FIFO_TOO_LONG,         /* more than PIPE_BUF bytes */
	VRRP_FIFO_ERROR,            /* any other errno */
	VRRP_FIFO_OUTCOME_COUNT
};
extern const char *const vrrp_fifo_outcome_names[VRRP_FIFO_OUTCOME_COUNT];

struct vrrp_fifo_stats {
	uint64_t outcomes[VRRP_FIFO_OUTCOME_COUNT];   /* lines per outcome */
	uint64_t opens, reopens;                      /* reopens: after EPIPE */
};

struct vrrp_notify_fifo_options {
	bool create;                /* mkfifo when missing (removed again on free) */
	bool set_owner;             /* chown what we create to uid:gid */
	uid_t uid;
	gid_t gid;
};

struct vrrp_notify_fifo;

/* Never fails: problems are reported by each write (the reader may come
 * and go; the FIFO may be created later). */
struct vrrp_notify_fifo *vrrp_notify_fifo_new(const char *path,
					      const struct vrrp_notify_fifo_options *opts);
void vrrp_notify_fifo_free(struct vrrp_notify_fifo *fifo);
const char *vrrp_notify_fifo_path(const struct vrrp_notify_fifo *fifo);
/* Writes one whole line (with its '\n') or nothing; never blocks. */
enum vrrp_fifo_outcome vrrp_notify_fifo_write(struct vrrp_notify_fifo *fifo, const char *line,
					      size_t len);
const struct vrrp_fifo_stats *vrrp_notify_fifo_stats(const struct vrrp_notify_fifo *fifo);

/* ---- the notifier ---------------------------------------------------------- */

#define VRRP_NOTIFY_SCRIPT_TIMEOUT_DEFAULT_US (60 * 1000000ULL)
#define VRRP_NOTIFY_MAX_FIFOS 4

struct vrrp_notifier_options {
	/* script_user and enable_script_security: global_script_policy(g,
	 * true, &policy) from daemon/global_conf.h. */
	struct script_check_policy policy;
	uint64_t script_timeout_us;     /* 0: VRRP_NOTIFY_SCRIPT_TIMEOUT_DEFAULT_US */
};

struct vrrp_notifier_stats {
	uint64_t scripts_started;       /* handed to the runner */
	uint64_t scripts_refused;       /* unsafe, unknown user, bad quoting */
	uint64_t scripts_failed;        /* non-zero exit, signal, timeout, spawn failure */
	uint64_t fifo_lines;            /* notifications offered to the FIFOs */
};

struct vrrp_notifier;

struct vrrp_notifier *vrrp_notifier_new(struct script_runner *runner,
					const struct vrrp_notifier_options *opts);
/* Scripts still running are killed; their results are dropped.  Free the
 * notifier before closing its runner. */
void vrrp_notifier_free(struct vrrp_notifier *n);
/* A FIFO that gets every notification (not owned; at most
 * VRRP_NOTIFY_MAX_FIFOS). */
bool vrrp_notifier_add_fifo(struct vrrp_notifier *n, struct vrrp_notify_fifo *fifo);

/* An instance or sync group's notification: its notify_* script for the
 * event, then its `notify` script, then a line on every FIFO. */
void vrrp_notifier_notify(struct vrrp_notifier *n, const struct vrrp_conf_common *common,
			  const struct vrrp_notification *what);

/* Starts a notify_fifo_script (long-running: no timeout) with the FIFO as
 * its last argument, as `user` [`group`] (NULL: script_user). */
bool vrrp_notifier_start_fifo_script(struct vrrp_notifier *n, const char *cmdline,
				     const char *user, const char *group, const char *fifo_path);

const struct vrrp_notifier_stats *vrrp_notifier_stats(const struct vrrp_notifier *n);

#endif
