/* The objects instances and sync groups can track: vrrp_script (a command
 * run periodically), track_file (a number read from a file) and
 * vrrp_track_process (a process that must be running). */
#include "config.h"
#include "vrrp_conf_private.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- vrrp_script NAME { ... } ---- */

#define SCRIPT_OFF(field) offsetof(struct vrrp_script_config, field)

static const struct vrrp_field script_fields[] = {
	{ "interval", VRRP_FIELD_US, SCRIPT_OFF(interval_us), 1000, VRRP_SECONDS(86400), 0 },
	{ "timeout", VRRP_FIELD_US, SCRIPT_OFF(timeout_us), 1000, VRRP_SECONDS(86400), 0 },
	{ "rise", VRRP_FIELD_U32, SCRIPT_OFF(rise), 1, 1000000, 0 },
	{ "fall", VRRP_FIELD_U32, SCRIPT_OFF(fall), 1, 1000000, 0 },
	{ "init_fail", VRRP_FIELD_FLAG, SCRIPT_OFF(init_fail), 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static void script_field(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_script_config *s = obj;

	vrrp_conf_field(p, obj, a, script_fields);
	if (strcmp(a->argv[0], "timeout") == 0)
		s->has_timeout = true;
}

/* "script CMD": a quoted command line is one word; an unquoted one is the
 * rest of the line. */
static void script_cmd(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_script_config *s = obj;

	(void)p;
	free(s->script.cmdline);
	s->script.cmdline = conf_join_args(a, 1);
	s->script.where = a->where;
}

static void script_weight(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_script_config *s = obj;

	vrrp_conf_weight(p, a, 1, -253, 253, &s->weight, &s->reverse);
}

static void script_user(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_script_config *s = obj;

	(void)p;
	free(s->script.user);
	free(s->script.group);
	s->script.user = xstrdup(a->argv[1]);
	s->script.group = a->argc > 2 ? xstrdup(a->argv[2]) : NULL;
}

static const struct conf_keyword script_keywords[] = {
	{ "script", script_cmd, NULL, CONF_SUPPORTED, 1, CONF_ARGS_ANY, NULL, false },
	{ "interval", script_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "timeout", script_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "weight", script_weight, NULL, CONF_SUPPORTED, 1, 2, NULL, false },
	{ "rise", script_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "fall", script_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "user", script_user, NULL, CONF_SUPPORTED, 1, 2, NULL, false },
	{ "init_fail", script_field, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void script_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct vrrp_script_config *s = obj;

	if (!s->script.cmdline)
		conf_diag_error(conf_parser_diags(p), opened,
				"vrrp_script %s: no 'script' command given", s->name);
	if (!s->has_timeout)
		s->timeout_us = s->interval_us;
}

const struct conf_block vrrp_script_block = {
	.name = "vrrp_script",
	.tables = CONF_TABLES(script_keywords),
	.open = vrrp_script_open,
	.close = script_close,
};

void *vrrp_script_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_script_config *old = vrrp_config_find_script(vc, a->argv[1]);
	struct vrrp_script_config *s;

	(void)parent;
	if (!vrrp_conf_name_free(p, a, "vrrp_script", old ? &old->where : NULL))
		return NULL;
	s = XNEW(struct vrrp_script_config);
	s->name = xstrdup(a->argv[1]);
	s->where = a->where;
	s->interval_us = VRRP_SECONDS(1);
	s->rise = s->fall = 1;
	ptr_array_push(&vc->scripts, s);
	return s;
}

void vrrp_script_config_free(void *obj)
{
	struct vrrp_script_config *s = obj;

	if (!s)
		return;
	free(s->name);
	free(s->script.cmdline);
	free(s->script.user);
	free(s->script.group);
	free(s);
}

/* ---- track_file NAME { ... } ---- */

static void track_file_path(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_track_file_config *t = obj;

	(void)p;
	free(t->path);
	t->path = xstrdup(a->argv[1]);
	t->path_where = a->where;
}

static void track_file_weight(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_track_file_config *t = obj;

	vrrp_conf_weight(p, a, 1, -2147483647, 2147483647, &t->weight, &t->reverse);
}

/* init_file [VALUE] [overwrite] */
static void track_file_init(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_track_file_config *t = obj;
	int i = 1;

	t->init_value = 0;
	t->init_overwrite = false;
	if (i < a->argc && strcmp(a->argv[i], "overwrite") != 0) {
		if (!conf_get_i32(p, a, i, -2147483647, 2147483647, &t->init_value))
			return;
		i++;
	}
	if (i < a->argc) {
		if (strcmp(a->argv[i], "overwrite") != 0 || i + 1 < a->argc) {
			conf_error(p, a, "init_file: expected [VALUE] [overwrite], got '%s'",
				   a->argv[i]);
			return;
		}
		t->init_overwrite = true;
	}
	t->init_file = true;
}

static const struct conf_keyword track_file_keywords[] = {
	{ "file", track_file_path, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "weight", track_file_weight, NULL, CONF_SUPPORTED, 1, 2, NULL, false },
	{ "init_file", track_file_init, NULL, CONF_SUPPORTED, 0, 2, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void track_file_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct vrrp_track_file_config *t = obj;

	if (!t->path)
		conf_diag_error(conf_parser_diags(p), opened,
				"track_file %s: no 'file' given", t->name);
}

const struct conf_block vrrp_track_file_block = {
	.name = "track_file",
	.tables = CONF_TABLES(track_file_keywords),
	.open = vrrp_track_file_open,
	.close = track_file_close,
};

void *vrrp_track_file_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_track_file_config *old = vrrp_config_find_track_file(vc, a->argv[1]);
	struct vrrp_track_file_config *t;

	(void)parent;
	if (!vrrp_conf_name_free(p, a, "track_file", old ? &old->where : NULL))
		return NULL;
	t = XNEW(struct vrrp_track_file_config);
	t->name = xstrdup(a->argv[1]);
	t->where = a->where;
	t->weight = 1;
	ptr_array_push(&vc->track_files, t);
	return t;
}

void vrrp_track_file_config_free(void *obj)
{
	struct vrrp_track_file_config *t = obj;

	if (!t)
		return;
	free(t->name);
	free(t->path);
	free(t);
}

/* ---- vrrp_track_process NAME { ... } ---- */

#define PROC_OFF(field) offsetof(struct vrrp_track_process_config, field)

static const struct vrrp_field process_fields[] = {
	{ "quorum", VRRP_FIELD_U32, PROC_OFF(quorum), 0, 65535, 0 },
	{ "quorum_max", VRRP_FIELD_U32, PROC_OFF(quorum_max), 0, 65535, 0 },
	{ "fork_delay", VRRP_FIELD_US, PROC_OFF(fork_delay_us), 0, VRRP_SECONDS(86400), 0 },
	{ "terminate_delay", VRRP_FIELD_US, PROC_OFF(terminate_delay_us), 0,
	  VRRP_SECONDS(86400), 0 },
	{ "full_command", VRRP_FIELD_FLAG, PROC_OFF(full_command), 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static void process_field(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	vrrp_conf_field(p, obj, a, process_fields);
}

/* delay SECS: both fork_delay and terminate_delay */
static void process_delay(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_track_process_config *t = obj;
	uint64_t us;

	if (!conf_get_seconds_us(p, a, 1, 0, VRRP_SECONDS(86400), &us))
		return;
	t->fork_delay_us = t->terminate_delay_us = us;
}

/* process NAME [PARAM ...]: each word is one element, as written. */
static void process_argv(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_track_process_config *t = obj;

	(void)p;
	ptr_array_free(&t->argv, free);
	for (int i = 1; i < a->argc; i++)
		ptr_array_push(&t->argv, xstrdup(a->argv[i]));
}

static void process_param_match(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	static const char *const names[] = { "initial", "partial", NULL };
	struct vrrp_track_process_config *t = obj;
	int match = -1;

	/* Without a value: the parameters must match exactly (none if none given). */
	if (a->argc > 1 && !conf_get_enum(p, a, 1, names, &match))
		return;
	t->param_match = match < 0 ? VRRP_PARAM_MATCH_EXACT
		: match == 0 ? VRRP_PARAM_MATCH_INITIAL : VRRP_PARAM_MATCH_PARTIAL;
	t->has_param_match = true;
}

static void process_weight(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_track_process_config *t = obj;

	vrrp_conf_weight(p, a, 1, -254, 254, &t->weight, &t->reverse);
}

static const struct conf_keyword process_keywords[] = {
	{ "process", process_argv, NULL, CONF_SUPPORTED, 1, CONF_ARGS_ANY, NULL, false },
	{ "param_match", process_param_match, NULL, CONF_SUPPORTED, 0, 1, NULL, false },
	{ "weight", process_weight, NULL, CONF_SUPPORTED, 1, 2, NULL, false },
	{ "quorum", process_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "quorum_max", process_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "fork_delay", process_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "terminate_delay", process_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "delay", process_delay, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "full_command", process_field, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void process_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct vrrp_track_process_config *t = obj;
	struct conf_diags *diags = conf_parser_diags(p);

	if (t->argv.count == 0)
		conf_diag_error(diags, opened, "vrrp_track_process %s: no 'process' given",
				t->name);
	if (t->quorum_max < t->quorum)
		conf_diag_error(diags, opened,
				"vrrp_track_process %s: quorum_max %u is below quorum %u",
				t->name, t->quorum_max, t->quorum);
}

const struct conf_block vrrp_track_process_block = {
	.name = "vrrp_track_process",
	.tables = CONF_TABLES(process_keywords),
	.open = vrrp_track_process_open,
	.close = process_close,
};

void *vrrp_track_process_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_track_process_config *old = vrrp_config_find_track_process(vc, a->argv[1]);
	struct vrrp_track_process_config *t;

	(void)parent;
	if (!vrrp_conf_name_free(p, a, "vrrp_track_process", old ? &old->where : NULL))
		return NULL;
	t = XNEW(struct vrrp_track_process_config);
	t->name = xstrdup(a->argv[1]);
	t->where = a->where;
	t->weight = 1;
	t->quorum = 1;
	t->quorum_max = UINT32_MAX;
	ptr_array_push(&vc->track_processes, t);
	return t;
}

void vrrp_track_process_config_free(void *obj)
{
	struct vrrp_track_process_config *t = obj;

	if (!t)
		return;
	free(t->name);
	ptr_array_free(&t->argv, free);
	free(t);
}
