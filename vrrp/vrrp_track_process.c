/* vrrp_track_process: matching and the /proc scan; the rules are at the top
 * of vrrp_track_process.h. */
#include "config.h"
#include "strutil.h"
#include "vrrp/vrrp_track_process.h"

#include "log.h"
#include "xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A longer command line is cut (its later words cannot match then). */
#define CMDLINE_MAX (64 * 1024)

struct tracker {
	struct vrrp_track_process_monitor *mon;
	struct vrrp_track_process_config conf;   /* a deep copy */
	struct vrrp_track_process_state state;   /* state.name is conf.name */
	uint32_t matches;               /* counted by the scan in progress */
	uv_timer_t delay_timer;         /* fork_delay / terminate_delay */
	bool delay_running;
};

struct vrrp_track_process_monitor {
	uv_timer_t scan_timer;
	struct tracker *trackers;
	size_t count;
	bool any_cmdline;               /* some tracker needs command lines */
	char *proc_root;
	int open_handles;
	bool stopped;
	vrrp_track_process_cb *cb;
	void *data;
};

/* One process as the scan sees it. */
struct proc_info {
	char comm[VRRP_TRACK_PROCESS_COMM_MAX + 2];
	char state;
	char *cmdline;                  /* NUL-separated words */
	const char **argv;
	size_t argc, argv_room;
};

/* ---- Matching (pure) ---- */

bool vrrp_track_process_uses_cmdline(const struct vrrp_track_process_config *conf)
{
	return conf->full_command || conf->has_param_match || conf->argv.count > 1;
}

bool vrrp_track_process_quorum_met(const struct vrrp_track_process_config *conf, uint32_t count)
{
	return count >= conf->quorum && count <= conf->quorum_max;
}

static bool params_match(const struct vrrp_track_process_config *conf,
			 const char *const *argv, size_t argc)
{
	size_t want = conf->argv.count - 1, have = argc - 1;
	const char *last;

	if (want == 0 && !conf->has_param_match)
		return true;
	if (conf->has_param_match && conf->param_match == VRRP_PARAM_MATCH_PARTIAL ?
	    have < want : have != want)
		return false;
	for (size_t i = 1; i < want; i++)
		if (strcmp(conf->argv.items[i], argv[i]) != 0)
			return false;
	if (want == 0)
		return true;
	last = conf->argv.items[want];
	if (conf->has_param_match && conf->param_match == VRRP_PARAM_MATCH_INITIAL)
		return strncmp(last, argv[want], strlen(last)) == 0;
	return strcmp(last, argv[want]) == 0;
}

bool vrrp_track_process_matches(const struct vrrp_track_process_config *conf, const char *comm,
				const char *const *argv, size_t argc)
{
	const char *name = conf->argv.count ? conf->argv.items[0] : NULL;

	if (!name)
		return false;
	if (!vrrp_track_process_uses_cmdline(conf))
		return comm && strncmp(name, comm, VRRP_TRACK_PROCESS_COMM_MAX) == 0 &&
		       (strlen(name) >= VRRP_TRACK_PROCESS_COMM_MAX ||
			strlen(comm) == strlen(name));
	if (argc == 0 || strcmp(argv[0], name) != 0)
		return false;
	return params_match(conf, argv, argc);
}

/* ---- Reading /proc ---- */

/* Reads a whole (small, pseudo) file relative to dirfd; NULL on failure.
 * *len excludes the NUL added at the end. */
static char *read_at(int dirfd, const char *path, size_t max, size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	size_t room = 512, used = 0;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	buf = xmalloc(room + 1);
	while (used < max && (n = read(fd, buf + used, room - used)) > 0) {
		used += (size_t)n;
		if (used == room && room < max) {
			room = room * 2 > max ? max : room * 2;
			buf = xreallocarray(buf, room + 1, 1);
		}
	}
	close(fd);
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* "PID (COMM) S ...": COMM may hold spaces and parentheses, so it ends at
 * the last ')'. */
static bool read_stat(int dirfd, const char *pid, struct proc_info *p)
{
	char path[NAME_MAX + 16];   /* "PID/cmdline" */
	size_t len;
	char *text, *open, *close;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/stat", pid);
	text = read_at(dirfd, path, 4096, &len);
	if (!text)
		return false;
	open = strchr(text, '(');
	close = strrchr(text, ')');
	if (open && close && close > open && close[1] == ' ' && close[2]) {
		size_t n = (size_t)(close - open - 1);

		if (n > VRRP_TRACK_PROCESS_COMM_MAX)
			n = VRRP_TRACK_PROCESS_COMM_MAX;
		memcpy(p->comm, open + 1, n);
		p->comm[n] = '\0';
		p->state = close[2];
		ok = true;
	}
	free(text);
	return ok;
}

static void read_cmdline(int dirfd, const char *pid, struct proc_info *p)
{
	char path[NAME_MAX + 16];   /* "PID/cmdline" */
	size_t len;

	p->argc = 0;
	snprintf(path, sizeof(path), "%s/cmdline", pid);
	p->cmdline = read_at(dirfd, path, CMDLINE_MAX, &len);
	if (!p->cmdline)
		return;
	for (size_t off = 0; off < len; off += strlen(p->cmdline + off) + 1) {
		if (p->argc == p->argv_room) {
			p->argv_room = p->argv_room ? p->argv_room * 2 : 16;
			p->argv = xreallocarray(p->argv, p->argv_room, sizeof(*p->argv));
		}
		p->argv[p->argc++] = p->cmdline + off;
	}
}

/* Counts one process against every tracker. */
static void count_process(struct vrrp_track_process_monitor *mon, int dirfd, const char *pid,
			  struct proc_info *p)
{
	/* Zombies and the dead are not running. */
	if (!read_stat(dirfd, pid, p) || p->state == 'Z' || p->state == 'X')
		return;
	p->cmdline = NULL;
	p->argc = 0;
	if (mon->any_cmdline)
		read_cmdline(dirfd, pid, p);
	for (size_t i = 0; i < mon->count; i++) {
		struct tracker *t = &mon->trackers[i];

		if (vrrp_track_process_matches(&t->conf, p->comm, p->argv, p->argc))
			t->matches++;
	}
	free(p->cmdline);
}

/* Sets every tracker's `matches` from one pass over the process table. */
static int count_all(struct vrrp_track_process_monitor *mon)
{
	struct proc_info p = { .argv = NULL };
	DIR *dir = opendir(mon->proc_root);
	struct dirent *de;

	if (!dir)
		return -errno;
	for (size_t i = 0; i < mon->count; i++)
		mon->trackers[i].matches = 0;
	while ((de = readdir(dir)))
		if (str_all_digits(de->d_name))
			count_process(mon, dirfd(dir), de->d_name, &p);
	closedir(dir);
	free(p.argv);
	return 0;
}

/* ---- The monitor ---- */

static void report(struct tracker *t, bool up)
{
	struct vrrp_track_process_monitor *mon = t->mon;

	t->state.up = up;
	log_info("vrrp_track_process %s: %s (%u matching)", t->conf.name, up ? "up" : "down",
		 t->state.count);
	if (!mon->stopped)
		mon->cb(mon->data, &t->state);
}

static void on_delay_expired(uv_timer_t *timer)
{
	struct tracker *t = timer->data;

	t->delay_running = false;
	if (t->mon->stopped)
		return;
	/* A scan that saw the count come back has cancelled this timer. */
	report(t, !t->state.up);
}

/* The scan's verdict for one tracker: report now, after a delay, or
 * cancel a delay that no longer applies. */
static void settle(struct tracker *t, bool initial)
{
	bool up = vrrp_track_process_quorum_met(&t->conf, t->matches);
	uint64_t delay_us = up ? t->conf.fork_delay_us : t->conf.terminate_delay_us;

	t->state.count = t->matches;
	if (initial) {
		t->state.up = up;
		return;
	}
	if (up == t->state.up) {
		if (t->delay_running)
			uv_timer_stop(&t->delay_timer);
		t->delay_running = false;
		return;
	}
	if (t->delay_running)
		return;
	if (delay_us == 0) {
		report(t, up);
		return;
	}
	/* Rounded up: a delay is never cut short. */
	uv_timer_start(&t->delay_timer, on_delay_expired, (delay_us + 999) / 1000, 0);
	t->delay_running = true;
}

static int scan(struct vrrp_track_process_monitor *mon, bool initial)
{
	int rc = count_all(mon);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < mon->count && !mon->stopped; i++)
		settle(&mon->trackers[i], initial);
	return 0;
}

int vrrp_track_process_monitor_scan(struct vrrp_track_process_monitor *mon)
{
	return scan(mon, false);
}

static void on_scan_timer(uv_timer_t *timer)
{
	struct vrrp_track_process_monitor *mon = timer->data;
	int rc = scan(mon, false);

	if (rc < 0)
		log_warning("vrrp_track_process: cannot read %s: %s", mon->proc_root,
			    strerror(-rc));
}

static void copy_config(struct vrrp_track_process_config *dst,
			const struct vrrp_track_process_config *src)
{
	*dst = *src;
	memset(&dst->argv, 0, sizeof(dst->argv));
	dst->where = (struct conf_where){ 0 };
	dst->name = xstrdup(src->name);
	for (size_t i = 0; i < src->argv.count; i++)
		ptr_array_push(&dst->argv, xstrdup(src->argv.items[i]));
}

static void release(struct vrrp_track_process_monitor *mon)
{
	for (size_t i = 0; i < mon->count; i++) {
		free(mon->trackers[i].conf.name);
		ptr_array_free(&mon->trackers[i].conf.argv, free);
	}
	free(mon->trackers);
	free(mon->proc_root);
	free(mon);
}

static void handle_closed(struct vrrp_track_process_monitor *mon)
{
	if (--mon->open_handles == 0)
		release(mon);
}

static void on_scan_timer_closed(uv_handle_t *handle)
{
	handle_closed(handle->data);
}

static void on_delay_timer_closed(uv_handle_t *handle)
{
	struct tracker *t = handle->data;

	handle_closed(t->mon);
}

static void add_trackers(struct vrrp_track_process_monitor *mon, const struct ptr_array *configs)
{
	mon->trackers = xcalloc(configs->count ? configs->count : 1, sizeof(*mon->trackers));
	mon->count = configs->count;
	for (size_t i = 0; i < configs->count; i++) {
		struct tracker *t = &mon->trackers[i];

		t->mon = mon;
		copy_config(&t->conf, configs->items[i]);
		t->state.name = t->conf.name;
		if (vrrp_track_process_uses_cmdline(&t->conf))
			mon->any_cmdline = true;
	}
}

/* The timers, counted in open_handles as they are initialised. */
static int init_timers(struct vrrp_track_process_monitor *mon, uv_loop_t *loop)
{
	int rc = uv_timer_init(loop, &mon->scan_timer);

	if (rc < 0)
		return rc;
	mon->scan_timer.data = mon;
	mon->open_handles++;
	for (size_t i = 0; i < mon->count; i++) {
		struct tracker *t = &mon->trackers[i];

		rc = uv_timer_init(loop, &t->delay_timer);
		if (rc < 0)
			return rc;
		t->delay_timer.data = t;
		mon->open_handles++;
	}
	return 0;
}

struct vrrp_track_process_monitor *
vrrp_track_process_monitor_start(uv_loop_t *loop, const struct ptr_array *configs,
				 const struct vrrp_track_process_options *opts,
				 vrrp_track_process_cb *cb, void *data, int *err)
{
	struct vrrp_track_process_monitor *mon = XNEW(struct vrrp_track_process_monitor);
	uint64_t interval_ms = opts && opts->scan_interval_ms ? opts->scan_interval_ms
		: VRRP_TRACK_PROCESS_SCAN_MS;
	int rc;

	mon->cb = cb;
	mon->data = data;
	mon->proc_root = xstrdup(opts && opts->proc_root ? opts->proc_root : "/proc");
	add_trackers(mon, configs);
	rc = init_timers(mon, loop);
	if (rc == 0)
		rc = scan(mon, true);
	if (rc == 0)
		rc = uv_timer_start(&mon->scan_timer, on_scan_timer, interval_ms, interval_ms);
	if (err)
		*err = rc;
	if (rc < 0) {
		vrrp_track_process_monitor_stop(mon);
		return NULL;
	}
	return mon;
}

const struct vrrp_track_process_state *
vrrp_track_process_monitor_find(const struct vrrp_track_process_monitor *mon, const char *name)
{
	for (size_t i = 0; i < mon->count; i++)
		if (strcmp(mon->trackers[i].conf.name, name) == 0)
			return &mon->trackers[i].state;
	return NULL;
}

void vrrp_track_process_monitor_stop(struct vrrp_track_process_monitor *mon)
{
	int initialised;

	if (!mon)
		return;
	mon->stopped = true;
	initialised = mon->open_handles;
	if (initialised == 0) {
		release(mon);
		return;
	}
	/* The scan timer first, then the trackers' in order, as initialised. */
	uv_close((uv_handle_t *)&mon->scan_timer, on_scan_timer_closed);
	for (int i = 0; i + 1 < initialised; i++)
		uv_close((uv_handle_t *)&mon->trackers[i].delay_timer, on_delay_timer_closed);
}
