/* The worker's monitors of tracked objects; see vrrp_runtime_track.h. */
#include "config.h"
#include "vrrp/vrrp_runtime_track.h"

#include "log.h"
#include "script_run.h"
#include "vrrp/vrrp_script_run.h"
#include "vrrp/vrrp_track_file.h"
#include "vrrp/vrrp_track_if.h"
#include "vrrp/vrrp_track_process.h"
#include "xalloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A running script tracker and the settings it was started with, so a
 * reload can tell whether it may be kept. */
struct script_entry {
	struct vrrp_script_tracker *tracker;
	struct vrrp_script_config conf;     /* shallow copy; strings below owned */
	char *cmdline, *user, *group;
};

struct file_entry {
	struct vrrp_track_file *watcher;
	char *name, *path;
	bool init_file, init_overwrite;
	int32_t init_value;
};

struct vrrp_trackers {
	uv_loop_t *loop;
	const struct vrrp_trackers_ops *ops;
	vrrp_trackers_user_fn *user;
	void *data;
	struct script_runner *runner;
	struct vrrp_track_if *links;
	struct vrrp_track_process_monitor *procs;
	char *proc_signature;               /* what procs was built from */
	struct ptr_array scripts;           /* struct script_entry */
	struct ptr_array files;             /* struct file_entry */
};

/* ---- what the configuration tracks ------------------------------------------- */

static bool refs_name(const struct ptr_array *refs, const char *name)
{
	for (size_t i = 0; i < refs->count; i++)
		if (strcmp(((const struct vrrp_track_ref *)refs->items[i])->name, name) == 0)
			return true;
	return false;
}

/* Whether an instance or sync group lists `name` in the track list at
 * `offset` within struct vrrp_conf_common. */
static bool is_tracked(const struct vrrp_config *vc, size_t offset, const char *name)
{
	for (size_t i = 0; i < vc->instances.count; i++) {
		const struct vrrp_conf_common *c = vc->instances.items[i];

		if (refs_name((const struct ptr_array *)((const char *)c + offset), name))
			return true;
	}
	for (size_t i = 0; i < vc->sync_groups.count; i++) {
		const struct vrrp_conf_common *c = vc->sync_groups.items[i];

		if (refs_name((const struct ptr_array *)((const char *)c + offset), name))
			return true;
	}
	return false;
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* ---- links ------------------------------------------------------------------------ */

static void on_link(void *data, const struct vrrp_track_if_link *link)
{
	struct vrrp_trackers *t = data;

	if (t->ops->link_changed)
		t->ops->link_changed(t->data, link->name, link->ifindex, link->present);
	t->ops->up_changed(t->data, VRRP_TRACK_INTERFACE, link->name, link->present && link->up);
}

static const struct vrrp_track_if_ops link_ops = { .on_change = on_link };

static void start_links(struct vrrp_trackers *t)
{
	int err = 0;

	t->links = vrrp_track_if_start(t->loop, &link_ops, t, &err);
	if (!t->links)
		log_error("cannot watch interface states (interfaces read as up): %s",
			  strerror(-err));
}

/* ---- scripts ------------------------------------------------------------------------ */

static void on_script(struct vrrp_script_tracker *tracker, const struct vrrp_script_change *c,
		      void *arg)
{
	struct vrrp_trackers *t = arg;

	if (c->to == VRRP_SCRIPT_INIT)
		return;
	t->ops->up_changed(t->data, VRRP_TRACK_SCRIPT, vrrp_script_tracker_name(tracker),
			   c->to == VRRP_SCRIPT_UP);
}

static void script_entry_free(void *p)
{
	struct script_entry *e = p;

	vrrp_script_tracker_free(e->tracker);
	free(e->cmdline);
	free(e->user);
	free(e->group);
	free(e);
}

/* What the tracker copied: the same settings keep it running. */
static bool script_same(const struct script_entry *e, const struct vrrp_script_config *c)
{
	return str_eq(e->cmdline, c->script.cmdline) && str_eq(e->user, c->script.user) &&
	       str_eq(e->group, c->script.group) && e->conf.interval_us == c->interval_us &&
	       e->conf.has_timeout == c->has_timeout && e->conf.timeout_us == c->timeout_us &&
	       e->conf.rise == c->rise && e->conf.fall == c->fall &&
	       e->conf.init_fail == c->init_fail;
}

static struct script_entry *script_start(struct vrrp_trackers *t,
					 const struct vrrp_script_config *c)
{
	struct vrrp_script_tracker_options o = { .changed = on_script, .arg = t };
	struct script_entry *e;

	o.set_user = geteuid() == 0 && t->user(t->data, c, &o.uid, &o.gid);
	if (geteuid() == 0 && !o.set_user) {
		log_error("vrrp_script %s: its user does not exist; not run", c->name);
		return NULL;
	}
	e = XNEW(struct script_entry);
	e->tracker = vrrp_script_tracker_new(t->loop, t->runner, c, &o);
	if (!e->tracker) {
		free(e);
		return NULL;
	}
	e->conf = *c;
	e->cmdline = c->script.cmdline ? xstrdup(c->script.cmdline) : NULL;
	e->user = c->script.user ? xstrdup(c->script.user) : NULL;
	e->group = c->script.group ? xstrdup(c->script.group) : NULL;
	/* Only the numbers are compared later; the strings are ours above. */
	e->conf.name = NULL;
	e->conf.script = (struct vrrp_script_cmd){ 0 };
	vrrp_script_tracker_start(e->tracker);
	return e;
}

static struct script_entry *script_take(struct ptr_array *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++) {
		struct script_entry *e = list->items[i];

		if (e && strcmp(vrrp_script_tracker_name(e->tracker), name) == 0) {
			list->items[i] = NULL;
			return e;
		}
	}
	return NULL;
}

/* Keeps the trackers of `old` whose settings did not change; starts the
 * others.  What is left in `old` is freed by the caller. */
static void sync_scripts(struct vrrp_trackers *t, const struct vrrp_config *vc,
			 struct ptr_array *old)
{
	for (size_t i = 0; i < vc->scripts.count; i++) {
		const struct vrrp_script_config *c = vc->scripts.items[i];
		struct script_entry *e;

		if (!is_tracked(vc, offsetof(struct vrrp_conf_common, track_scripts), c->name))
			continue;
		e = script_take(old, c->name);
		if (e && !script_same(e, c)) {
			log_info("vrrp_script %s: settings changed; restarting it", c->name);
			script_entry_free(e);
			e = NULL;
		}
		if (!e)
			e = script_start(t, c);
		if (e)
			ptr_array_push(&t->scripts, e);
	}
}

static const struct script_entry *find_script(const struct vrrp_trackers *t, const char *name)
{
	for (size_t i = 0; i < t->scripts.count; i++) {
		const struct script_entry *e = t->scripts.items[i];

		if (strcmp(vrrp_script_tracker_name(e->tracker), name) == 0)
			return e;
	}
	return NULL;
}

/* ---- track_file --------------------------------------------------------------------- */

static void on_file(void *data, struct vrrp_track_file *tf, const struct vrrp_track_file_reading *r)
{
	struct vrrp_trackers *t = data;

	t->ops->value_changed(t->data, vrrp_track_file_name(tf), r->value);
}

static void file_entry_free(void *p)
{
	struct file_entry *e = p;

	vrrp_track_file_stop(e->watcher);
	free(e->name);
	free(e->path);
	free(e);
}

static bool file_same(const struct file_entry *e, const struct vrrp_track_file_config *c)
{
	return str_eq(e->path, c->path) && e->init_file == c->init_file &&
	       e->init_value == c->init_value && e->init_overwrite == c->init_overwrite;
}

static struct file_entry *file_start(struct vrrp_trackers *t,
				     const struct vrrp_track_file_config *c)
{
	int err = 0;
	struct vrrp_track_file *w = vrrp_track_file_start(t->loop, c, NULL, on_file, t, &err);
	struct file_entry *e;

	if (!w) {
		log_error("track_file %s: cannot watch %s: %s", c->name, c->path, strerror(-err));
		return NULL;
	}
	e = XNEW(struct file_entry);
	e->watcher = w;
	e->name = xstrdup(c->name);
	e->path = xstrdup(c->path);
	e->init_file = c->init_file;
	e->init_value = c->init_value;
	e->init_overwrite = c->init_overwrite;
	return e;
}

static struct file_entry *file_take(struct ptr_array *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++) {
		struct file_entry *e = list->items[i];

		if (e && strcmp(e->name, name) == 0) {
			list->items[i] = NULL;
			return e;
		}
	}
	return NULL;
}

static void sync_files(struct vrrp_trackers *t, const struct vrrp_config *vc,
		       struct ptr_array *old)
{
	for (size_t i = 0; i < vc->track_files.count; i++) {
		const struct vrrp_track_file_config *c = vc->track_files.items[i];
		struct file_entry *e;

		if (!is_tracked(vc, offsetof(struct vrrp_conf_common, track_files), c->name))
			continue;
		e = file_take(old, c->name);
		if (e && !file_same(e, c)) {
			file_entry_free(e);
			e = NULL;
		}
		if (!e)
			e = file_start(t, c);
		if (e)
			ptr_array_push(&t->files, e);
	}
}

static const struct file_entry *find_file(const struct vrrp_trackers *t, const char *name)
{
	for (size_t i = 0; i < t->files.count; i++) {
		const struct file_entry *e = t->files.items[i];

		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* ---- processes ---------------------------------------------------------------------- */

static void on_process(void *data, const struct vrrp_track_process_state *st)
{
	struct vrrp_trackers *t = data;

	t->ops->up_changed(t->data, VRRP_TRACK_PROCESS, st->name, st->up);
}

/* Everything the monitor copies from the tracked configs, as one string:
 * equal strings, same monitor. */
static char *process_signature(const struct ptr_array *confs)
{
	char *sig = xstrdup("");

	for (size_t i = 0; i < confs->count; i++) {
		const struct vrrp_track_process_config *c = confs->items[i];
		char *next = xasprintf("%s|%s:%d:%d:%u:%u:%llu:%llu:%d", sig, c->name,
				       c->has_param_match, (int)c->param_match, c->quorum,
				       c->quorum_max, (unsigned long long)c->fork_delay_us,
				       (unsigned long long)c->terminate_delay_us, c->full_command);

		free(sig);
		sig = next;
		for (size_t j = 0; j < c->argv.count; j++) {
			next = xasprintf("%s,%s", sig, (const char *)c->argv.items[j]);
			free(sig);
			sig = next;
		}
	}
	return sig;
}

static void sync_processes(struct vrrp_trackers *t, const struct vrrp_config *vc)
{
	struct ptr_array confs = { 0 };
	char *sig;
	int err = 0;

	for (size_t i = 0; i < vc->track_processes.count; i++) {
		const struct vrrp_track_process_config *c = vc->track_processes.items[i];

		if (is_tracked(vc, offsetof(struct vrrp_conf_common, track_processes), c->name))
			ptr_array_push(&confs, (void *)c);
	}
	sig = process_signature(&confs);
	if (t->proc_signature && strcmp(sig, t->proc_signature) == 0) {
		free(sig);
		ptr_array_free(&confs, NULL);
		return;
	}
	if (t->procs)
		vrrp_track_process_monitor_stop(t->procs);
	t->procs = NULL;
	free(t->proc_signature);
	t->proc_signature = sig;
	if (confs.count) {
		t->procs = vrrp_track_process_monitor_start(t->loop, &confs, NULL, on_process, t, &err);
		if (!t->procs)
			log_error("cannot watch processes (tracked processes read as up): %s",
				  strerror(-err));
	}
	ptr_array_free(&confs, NULL);
}

/* ---- life cycle ----------------------------------------------------------------------- */

struct vrrp_trackers *vrrp_trackers_new(uv_loop_t *loop, const struct vrrp_config *vc,
					const struct vrrp_trackers_ops *ops,
					vrrp_trackers_user_fn *user, void *data)
{
	struct vrrp_trackers *t = XNEW(struct vrrp_trackers);

	t->loop = loop;
	t->ops = ops;
	t->user = user;
	t->data = data;
	t->runner = script_runner_new(loop, NULL);
	start_links(t);
	vrrp_trackers_reload(t, vc);
	return t;
}

void vrrp_trackers_reload(struct vrrp_trackers *t, const struct vrrp_config *vc)
{
	struct ptr_array old_scripts = t->scripts, old_files = t->files;

	t->scripts = (struct ptr_array){ 0 };
	t->files = (struct ptr_array){ 0 };
	sync_scripts(t, vc, &old_scripts);
	sync_files(t, vc, &old_files);
	for (size_t i = 0; i < old_scripts.count; i++)
		if (old_scripts.items[i])
			script_entry_free(old_scripts.items[i]);
	for (size_t i = 0; i < old_files.count; i++)
		if (old_files.items[i])
			file_entry_free(old_files.items[i]);
	ptr_array_free(&old_scripts, NULL);
	ptr_array_free(&old_files, NULL);
	sync_processes(t, vc);
}

void vrrp_trackers_free(struct vrrp_trackers *t)
{
	if (!t)
		return;
	ptr_array_free(&t->scripts, script_entry_free);
	ptr_array_free(&t->files, file_entry_free);
	if (t->procs)
		vrrp_track_process_monitor_stop(t->procs);
	if (t->links)
		vrrp_track_if_stop(t->links);
	script_runner_close(t->runner);
	free(t->proc_signature);
	free(t);
}

/* ---- current states ------------------------------------------------------------------- */

/* A script with no result yet keeps what the set was built with (up,
 * or down with init_fail). */
static void seed_item(const struct vrrp_trackers *t, struct vrrp_track_item *item)
{
	const struct script_entry *s;
	const struct file_entry *f;
	const struct vrrp_track_process_state *p;

	switch (item->kind) {
	case VRRP_TRACK_OWN_INTERFACE:
	case VRRP_TRACK_INTERFACE:
		item->up = !t->links || vrrp_track_if_is_up(t->links, item->name);
		break;
	case VRRP_TRACK_SCRIPT:
		s = find_script(t, item->name);
		if (s && vrrp_script_tracker_state(s->tracker) != VRRP_SCRIPT_INIT)
			item->up = vrrp_script_tracker_state(s->tracker) == VRRP_SCRIPT_UP;
		break;
	case VRRP_TRACK_FILE:
		f = find_file(t, item->name);
		item->value = f ? vrrp_track_file_current(f->watcher)->value : 0;
		break;
	case VRRP_TRACK_PROCESS:
		p = t->procs ? vrrp_track_process_monitor_find(t->procs, item->name) : NULL;
		item->up = !p || p->up;
		break;
	case VRRP_TRACK_KIND_COUNT:
		break;
	}
}

void vrrp_trackers_seed(const struct vrrp_trackers *t, struct vrrp_track_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		seed_item(t, &set->items[i]);
}

json_object *vrrp_trackers_status_json(const struct vrrp_trackers *t)
{
	json_object *scripts = json_object_new_array();

	for (size_t i = 0; i < t->scripts.count; i++) {
		const struct script_entry *e = t->scripts.items[i];

		json_object_array_add(scripts, vrrp_script_tracker_status_json(e->tracker));
	}
	return scripts;
}
