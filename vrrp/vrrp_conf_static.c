/* Top-level VRRP blocks that are not instances or tracked objects:
 * static_ipaddress/static_routes/static_rules and their track_group,
 * linkbeat_interfaces, interface_up_down_delays, garp_group, and the
 * (not yet implemented) bfd_instance. */
#include "config.h"
#include "vrrp_conf_private.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>

/* ---- static_ipaddress / static_routes / static_rules ---- */

static void static_address_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_ipaddress_config *ip = vrrp_ipaddress_parse(p, a, true);

	(void)obj;
	if (ip)
		ptr_array_push(&vrrp_conf_of(p)->static_addresses, ip);
}

static void static_route_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_route_config *r = vrrp_route_parse(p, a, VRRP_ROUTE, true);

	(void)obj;
	if (r)
		ptr_array_push(&vrrp_conf_of(p)->static_routes, r);
}

static void static_rule_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_route_config *r = vrrp_route_parse(p, a, VRRP_RULE, true);

	(void)obj;
	if (r)
		ptr_array_push(&vrrp_conf_of(p)->static_rules, r);
}

const struct conf_block vrrp_static_ipaddress_block = {
	.name = "static_ipaddress", .item = static_address_item };
const struct conf_block vrrp_static_routes_block = {
	.name = "static_routes", .item = static_route_item };
const struct conf_block vrrp_static_rules_block = {
	.name = "static_rules", .item = static_rule_item };

/* ---- track_group NAME { group { VI_1 VI_2 } } ---- */

static void *track_group_members_open(struct conf_parser *p, void *parent,
				      const struct conf_args *a)
{
	struct vrrp_track_group_config *g = parent;

	(void)p;
	(void)a;
	return &g->members;
}

static const struct conf_block track_group_members_block = {
	.name = "group", .open = track_group_members_open, .item = vrrp_conf_name_item };

static const struct conf_keyword track_group_keywords[] = {
	{ "group", NULL, &track_group_members_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void *track_group_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_track_group_config *old = vrrp_config_find_track_group(vc, a->argv[1]);
	struct vrrp_track_group_config *g;

	(void)parent;
	if (!vrrp_conf_name_free(p, a, "track_group", old ? &old->where : NULL))
		return NULL;
	g = XNEW(struct vrrp_track_group_config);
	g->name = xstrdup(a->argv[1]);
	g->where = a->where;
	ptr_array_push(&vc->track_groups, g);
	return g;
}

static void track_group_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct vrrp_track_group_config *g = obj;

	if (g->members.count == 0)
		conf_diag_error(conf_parser_diags(p), opened,
				"track_group %s: no instances in 'group { ... }'", g->name);
}

const struct conf_block vrrp_track_group_block = {
	.name = "track_group",
	.tables = CONF_TABLES(track_group_keywords),
	.open = track_group_open,
	.close = track_group_close,
};

void vrrp_track_group_config_free(void *obj)
{
	struct vrrp_track_group_config *g = obj;

	if (!g)
		return;
	free(g->name);
	ptr_array_free(&g->members, vrrp_name_ref_free);
	free(g);
}

/* ---- linkbeat_interfaces { IF [MII|ETHTOOL|IOCTL] } ---- */

static bool valid_ifname(struct conf_parser *p, const struct conf_args *a, const char *what)
{
	if (strlen(a->argv[0]) < IFNAMSIZ && !strchr(a->argv[0], '/'))
		return true;
	conf_error(p, a, "%s: '%s' is not a valid interface name", what, a->argv[0]);
	return false;
}

static void linkbeat_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_config *vc = vrrp_conf_of(p);
	struct vrrp_linkbeat_config *lb;
	int type = VRRP_LINKBEAT_DEFAULT - 1;

	(void)obj;
	if (!valid_ifname(p, a, "linkbeat_interfaces"))
		return;
	if (a->argc > 2) {
		conf_error(p, a, "linkbeat_interfaces: expected 'IF [MII|ETHTOOL|IOCTL]'");
		return;
	}
	/* Skip the "default" entry: only the three methods may be named. */
	if (a->argc == 2 && !conf_get_enum(p, a, 1, vrrp_linkbeat_type_names + 1, &type))
		return;
	lb = XNEW(struct vrrp_linkbeat_config);
	lb->ifname = xstrdup(a->argv[0]);
	lb->where = a->where;
	lb->type = (enum vrrp_linkbeat_type)(type + 1);
	ptr_array_push(&vc->linkbeat_interfaces, lb);
}

const struct conf_block vrrp_linkbeat_block = {
	.name = "linkbeat_interfaces", .item = linkbeat_item };

void vrrp_linkbeat_config_free(void *obj)
{
	struct vrrp_linkbeat_config *lb = obj;

	if (lb)
		free(lb->ifname);
	free(lb);
}

/* ---- interface_up_down_delays { IF DOWN [UP] } ---- */

static void if_delay_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_if_delay_config d = { .where = a->where };

	(void)obj;
	if (!valid_ifname(p, a, "interface_up_down_delays"))
		return;
	if (a->argc < 2 || a->argc > 3) {
		conf_error(p, a, "interface_up_down_delays: expected 'IF DOWN_DELAY [UP_DELAY]'");
		return;
	}
	if (!conf_get_seconds_us(p, a, 1, 0, VRRP_SECONDS(255), &d.down_delay_us))
		return;
	d.up_delay_us = d.down_delay_us;
	if (a->argc == 3 && !conf_get_seconds_us(p, a, 2, 0, VRRP_SECONDS(255), &d.up_delay_us))
		return;
	d.ifname = xstrdup(a->argv[0]);
	ptr_array_push(&vrrp_conf_of(p)->if_delays, memcpy(xmalloc(sizeof(d)), &d, sizeof(d)));
}

const struct conf_block vrrp_if_delays_block = {
	.name = "interface_up_down_delays", .item = if_delay_item };

void vrrp_if_delay_config_free(void *obj)
{
	struct vrrp_if_delay_config *d = obj;

	if (d)
		free(d->ifname);
	free(d);
}

/* ---- garp_group { garp_interval gna_interval interface | interfaces } ---- */

#define GARP_OFF(field) offsetof(struct vrrp_garp_group_config, field)

static const struct vrrp_field garp_fields[] = {
	{ "garp_interval", VRRP_FIELD_OPT_US, GARP_OFF(garp_interval), 0, VRRP_SECONDS(1), 0 },
	{ "gna_interval", VRRP_FIELD_OPT_US, GARP_OFF(gna_interval), 0, VRRP_SECONDS(1), 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static void garp_field(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	vrrp_conf_field(p, obj, a, garp_fields);
}

static void garp_interface(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct vrrp_garp_group_config *g = obj;

	conf_get_ifname(p, a, 1, &g->interface);
}

static void *garp_interfaces_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_garp_group_config *g = parent;

	(void)p;
	(void)a;
	g->has_interfaces = true;
	return &g->interfaces;
}

static const struct conf_block garp_interfaces_block = {
	.name = "interfaces", .open = garp_interfaces_open, .item = vrrp_conf_name_item };

static const struct conf_keyword garp_keywords[] = {
	{ "garp_interval", garp_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "gna_interval", garp_field, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "interface", garp_interface, NULL, CONF_SUPPORTED, 1, 1, NULL, false },
	{ "interfaces", NULL, &garp_interfaces_block, CONF_SUPPORTED, 0, 0, NULL, false },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

static void *garp_group_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct vrrp_garp_group_config *g = XNEW(struct vrrp_garp_group_config);

	(void)parent;
	g->where = a->where;
	ptr_array_push(&vrrp_conf_of(p)->garp_groups, g);
	return g;
}

static void garp_group_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct vrrp_garp_group_config *g = obj;
	struct conf_diags *diags = conf_parser_diags(p);

	if (g->interface && g->has_interfaces)
		conf_diag_error(diags, opened,
				"garp_group: use either 'interface' or 'interfaces', not both");
	else if (!g->interface && !g->interfaces.count)
		conf_diag_error(diags, opened, "garp_group: no 'interface' or 'interfaces' given");
}

const struct conf_block vrrp_garp_group_block = {
	.name = "garp_group",
	.tables = CONF_TABLES(garp_keywords),
	.open = garp_group_open,
	.close = garp_group_close,
};

void vrrp_garp_group_config_free(void *obj)
{
	struct vrrp_garp_group_config *g = obj;

	if (!g)
		return;
	free(g->interface);
	ptr_array_free(&g->interfaces, vrrp_name_ref_free);
	free(g);
}

/* ---- bfd_instance NAME { ... } ----
 * Not implemented: the block is skipped with a warning.  Its keywords are
 * listed so tests can show vigil knows every one keepalived documents. */

#define BFD_NOT_YET(name, min, max) { name, NULL, NULL, CONF_NOT_YET, min, max, \
	"BFD is not implemented in vigil", false }

static const struct conf_keyword bfd_keywords[] = {
	BFD_NOT_YET("neighbor_ip", 1, 1),
	BFD_NOT_YET("neighbour_ip", 1, 1),
	BFD_NOT_YET("source_ip", 1, 1),
	BFD_NOT_YET("min_rx", 1, 1),
	BFD_NOT_YET("min_tx", 1, 1),
	BFD_NOT_YET("idle_tx", 1, 1),
	BFD_NOT_YET("multiplier", 1, 1),
	BFD_NOT_YET("passive", 0, 0),
	BFD_NOT_YET("ttl", 1, 1),
	BFD_NOT_YET("hoplimit", 1, 1),
	BFD_NOT_YET("max_hops", 1, 1),
	BFD_NOT_YET("weight", 1, 2),
	BFD_NOT_YET("vrrp", 0, 0),
	BFD_NOT_YET("checker", 0, 0),
	{ NULL, NULL, NULL, 0, 0, 0, NULL, false },
};

const struct conf_block vrrp_bfd_instance_block = {
	.name = "bfd_instance",
	.tables = CONF_TABLES(bfd_keywords),
};
