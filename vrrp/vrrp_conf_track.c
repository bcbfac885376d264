/* What instances and sync groups track and notify: the shared keywords
 * (track_interface/script/file/process lists, notify scripts, alerts), and
 * the vrrp_sync_group block itself. */
#include "config.h"
#include "vrrp_conf_private.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>

/* "weight N [reverse|noreverse|no_reverse]" at argv[idx]; idx points at N. */
bool vrrp_conf_weight(struct conf_parser *p, const struct conf_args *a, int idx, int32_t min,
		      int32_t max, int32_t *weight, bool *reverse)
{
	static const char *const directions[] = { "noreverse", "reverse", "no_reverse", NULL };
	int direction = 0;

	if (!conf_get_i32(p, a, idx, min, max, weight))
		return false;
	if (idx + 1 < a->argc && !conf_get_enum(p, a, idx + 1, directions, &direction))
		return false;
	if (idx + 2 < a->argc) {
		conf_error(p, a, "%s: unexpected '%s' after the weight", a->argv[0], a->argv[idx + 2]);
		return false;
	}
	*reverse = direction == 1;
	return true;
}

/* One line of a track_* list: "NAME [weight N [reverse]]". */
static void track_item(struct conf_parser *p, struct ptr_array *list, const struct conf_args *a,
		       int32_t limit)
{
	struct vrrp_track_ref ref = { .where = a->where };

	if (a->argc > 1) {
		if (strcmp(a->argv[1], "weight") != 0 || a->argc < 3) {
			conf_error(p, a, "%s: expected 'NAME [weight N [reverse]]'", a->argv[0]);
			return;
		}
		if (!vrrp_conf_weight(p, a, 2, -limit, limit, &ref.weight, &ref.reverse))
			return;
		ref.has_weight = true;
	}
	for (size_t i = 0; i < list->count; i++) {
		const struct vrrp_track_ref *old = list->items[i];

		if (strcmp(old->name, a->argv[0]) == 0) {
			conf_warning(p, a, "%s is tracked twice (first at line %u); ignored",
				     a->argv[0], old->where.line);
			return;
		}
	}
	ref.name = xstrdup(a->argv[0]);
	ptr_array_push(list, memcpy(xmalloc(sizeof(ref)), &ref, sizeof(ref)));
}

static void track_interface_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_conf_common *c = obj;

	if (strlen(a->argv[0]) >= IFNAMSIZ || strchr(a->argv[0], '/')) {
		conf_error(p, a, "track_interface: '%s' is not a valid interface name", a->argv[0]);
		return;
	}
	track_item(p, &c->track_interfaces, a, 253);
}

static void track_script_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	track_item(p, &((struct vrrp_conf_common *)obj)->track_scripts, a, 253);
}

static void track_file_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	track_item(p, &((struct vrrp_conf_common *)obj)->track_files, a, 254);
}

static void track_process_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	track_item(p, &((struct vrrp_conf_common *)obj)->track_processes, a, 254);
}

static const struct conf_block track_interface_block = {
	.name = "track_interface", .item = track_interface_item };
static const struct conf_block track_script_block = {
	.name = "track_script", .item = track_script_item };
static const struct conf_block track_file_block = {
	.name = "track_file", .item = track_file_item };
static const struct conf_block track_process_block = {
	.name = "track_process", .item = track_process_item };
/* Listed so its contents are known; the keyword itself is not yet used. */
static const struct conf_block track_bfd_block = { .name = "track_bfd" };

static void notify_kw(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_conf_common *c = obj;
	int kind = 0;

	while (kind < VRRP_NOTIFY_COUNT && strcmp(vrrp_notify_keywords[kind], a->argv[0]) != 0)
		kind++;
	if (kind == VRRP_NOTIFY_COUNT)
		return;   /* the table only routes notify keywords here */
	if (kind == VRRP_NOTIFY_DELETED)
		c->notify_deleted = true;
	if (a->argc < 2)
		return;   /* notify_deleted without a script */
	if (c->notify[kind])
		conf_warning(p, a, "%s given again; the previous one (line %u) is replaced",
			     a->argv[0], c->notify[kind]->where.line);
	vrrp_script_cmd_free(c->notify[kind]);
	c->notify[kind] = vrrp_script_cmd_parse(a);
}

static void common_opt_bool(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_conf_common *c = obj;
	struct vrrp_opt_bool *b = strcmp(a->argv[0], "smtp_alert") == 0 ? &c->smtp_alert
		: &c->notify_priority_changes;

	b->set = conf_get_bool(p, a, 1, &b->value);
}

#define NOTIFY(name, min) { name, notify_kw, NULL, CONF_SUPPORTED, min, 3, NULL, false }

const struct conf_keyword vrrp_conf_common_keywords[] = {
	{ "track_interface", NULL, &track_interface_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "track_script", NULL, &track_script_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "track_file", NULL, &track_file_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "track_process", NULL, &track_process_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "track_bfd", NULL, &track_bfd_block, CONF_NOT_YET, 0, 0,
	  "BFD is not implemented in vigil", false },
	NOTIFY("notify_master", 1),
	NOTIFY("notify_backup", 1),
	NOTIFY("notify_fault", 1),
	NOTIFY("notify_stop", 1),
	NOTIFY("notify_deleted", 0),
	NOTIFY("notify", 1),
	NOTIFY("notify_master_rx_lower_pri", 1),
	{ "smtp_alert", common_opt_bool, NULL, CONF_SUPPORTED, 0, 1, NULL, false },
	{ "notify_priority_changes", common_opt_bool, NULL, CONF_SUPPORTED, 0, 1, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void track_ref_free(void *ref)
{
	struct vrrp_track_ref *r = ref;

	if (r)
		free(r->name);
	free(r);
}

void vrrp_conf_common_free(struct vrrp_conf_common *c)
{
	for (int i = 0; i < VRRP_NOTIFY_COUNT; i++)
		vrrp_script_cmd_free(c->notify[i]);
	ptr_array_free(&c->track_interfaces, track_ref_free);
	ptr_array_free(&c->track_scripts, track_ref_free);
	ptr_array_free(&c->track_files, track_ref_free);
	ptr_array_free(&c->track_processes, track_ref_free);
}

/* vrrp_sync_group NAME { group { VI_1 VI_2 } ... } */
static void *sync_members_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_sync_group_config *g = parent;

	(void)p;
	(void)a;
	g->has_group = true;
	return &g->members;
}

static const struct conf_block sync_members_block = {
	.name = "group", .open = sync_members_open, .item = vrrp_conf_name_item };

static void sync_group_flag(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_sync_group_config *g = obj;

	(void)p;
	if (strcmp(a->argv[0], "global_tracking") == 0)
		g->global_tracking = true;
	else
		g->sync_group_tracking_weight = true;
}

static const struct conf_keyword sync_group_keywords[] = {
	{ "group", NULL, &sync_members_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "sync_group_tracking_weight", sync_group_flag, NULL, CONF_SUPPORTED, 0, 0, NULL, false },
	{ "global_tracking", sync_group_flag, NULL, CONF_DEPRECATED, 0, 0,
	  "track_interface, track_script and track_file on the sync group", false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void sync_group_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct vrrp_sync_group_config *g = obj;

	if (!g->has_group)
		conf_diag_error(conf_parser_diags(p), opened,
				"vrrp_sync_group %s: no 'group { ... }' of instances", g->name);
	else if (g->members.count == 0)
		conf_diag_error(conf_parser_diags(p), opened,
				"vrrp_sync_group %s: the group lists no instances", g->name);
}

const struct conf_block vrrp_sync_group_block = {
	.name = "vrrp_sync_group",
	.tables = CONF_TABLES(sync_group_keywords, vrrp_conf_common_keywords),
	.open = vrrp_sync_group_open,
	.close = sync_group_close,
};

static struct vrrp_sync_group_config *find_sync_group(const struct vrrp_config *vc,
						      const char *name)
{
	for (size_t i = 0; i < vc->sync_groups.count; i++) {
		struct vrrp_sync_group_config *g = vc->sync_groups.items[i];

		if (strcmp(g->name, name) == 0)
			return g;
	}
	return NULL;
}

void *vrrp_sync_group_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_sync_group_config *old = find_sync_group(vc, a->argv[1]);
	struct vrrp_sync_group_config *g;

	(void)parent;
	if (!vrrp_conf_name_free(p, a, "vrrp_sync_group", old ? &old->where : NULL))
		return NULL;
	g = XNEW(struct vrrp_sync_group_config);
	g->name = xstrdup(a->argv[1]);
	g->where = a->where;
	ptr_array_push(&vc->sync_groups, g);
	return g;
}

void vrrp_sync_group_config_free(void *obj)
{
	struct vrrp_sync_group_config *g = obj;

	if (!g)
		return;
	vrrp_conf_common_free(&g->common);
	free(g->name);
	ptr_array_free(&g->members, vrrp_name_ref_free);
	free(g);
}
