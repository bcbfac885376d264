/* Address, route and rule lines, shared by the virtual_* blocks of an
 * instance and the static_* blocks.
 *
 * An address line is `ADDR[/LEN] [option value | flag]...` with the options
 * of `ip address add`; each option is described once in addr_options[].
 * Routes and rules keep their whole text for the engine (which hands them to
 * netlink) and parse the parts that can be checked here: destination,
 * source, gateway, device, table, and keepalived's own no_track and
 * track_group.  Unknown words are errors, never silently dropped. */
#include "config.h"
#include "vrrp_conf_private.h"

#include <net/if.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum addr_option_kind { OPT_FLAG, OPT_DEV, OPT_LABEL, OPT_BRD, OPT_SCOPE, OPT_PEER, OPT_LFT,
	OPT_TRACK_GROUP };

/* Which lines may use an option. */
enum addr_option_use { USE_ALL, USE_VIRTUAL, USE_STATIC };

struct addr_option {
	const char *name;
	enum addr_option_kind kind;
	size_t offset;          /* OPT_FLAG: the bool */
	int family;             /* 0: both; else the only family it applies to */
	enum addr_option_use use;
};

#define IP_OFF(field) offsetof(struct vrrp_ipaddress_config, field)

static const struct addr_option addr_options[] = {
	{ "dev", OPT_DEV, 0, 0, USE_ALL },
	{ "brd", OPT_BRD, 0, AF_INET, USE_ALL },
	{ "broadcast", OPT_BRD, 0, AF_INET, USE_ALL },
	{ "scope", OPT_SCOPE, 0, 0, USE_ALL },
	{ "label", OPT_LABEL, 0, AF_INET, USE_ALL },
	{ "peer", OPT_PEER, 0, 0, USE_ALL },
	{ "preferred_lft", OPT_LFT, 0, AF_INET6, USE_ALL },
	{ "home", OPT_FLAG, IP_OFF(home), AF_INET6, USE_ALL },
	{ "-nodad", OPT_FLAG, IP_OFF(nodad), AF_INET6, USE_ALL },
	{ "nodad", OPT_FLAG, IP_OFF(nodad), AF_INET6, USE_ALL },
	{ "mngtmpaddr", OPT_FLAG, IP_OFF(mngtmpaddr), AF_INET6, USE_ALL },
	{ "noprefixroute", OPT_FLAG, IP_OFF(noprefixroute), 0, USE_ALL },
	{ "autojoin", OPT_FLAG, IP_OFF(autojoin), 0, USE_ALL },
	{ "no_track", OPT_FLAG, IP_OFF(no_track), 0, USE_VIRTUAL },
	{ "use_vmac", OPT_FLAG, IP_OFF(use_vmac), 0, USE_VIRTUAL },
	{ "track_group", OPT_TRACK_GROUP, 0, 0, USE_STATIC },
	{ NULL, 0, 0, 0, 0 },
};

static const struct addr_option *addr_option_find(const char *name)
{
	for (const struct addr_option *o = addr_options; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* "brd ADDR|-|+" */
static bool addr_brd(struct conf_parser *p, const struct conf_args *a, int i,
		     struct vrrp_ipaddress_config *ip)
{
	if (strcmp(a->argv[i], "-") == 0 || strcmp(a->argv[i], "+") == 0) {
		ip->brd_mode = a->argv[i][0] == '-' ? VRRP_BRD_CLEAR : VRRP_BRD_SET;
		return true;
	}
	if (!conf_get_addr(p, a, i, CONF_FAMILY_V4, false, &ip->brd))
		return false;
	ip->brd_mode = VRRP_BRD_ADDR;
	return true;
}

static bool addr_lft(struct conf_parser *p, const struct conf_args *a, int i,
		     struct vrrp_ipaddress_config *ip)
{
	if (strcmp(a->argv[i], "forever") == 0)
		ip->preferred_lft = VRRP_PREFERRED_LFT_FOREVER;
	else if (!conf_get_u32(p, a, i, 0, UINT32_MAX - 1, &ip->preferred_lft))
		return false;
	ip->has_preferred_lft = true;
	return true;
}

static bool addr_name(struct conf_parser *p, const struct conf_args *a, int i, char **out)
{
	if (strlen(a->argv[i]) >= IFNAMSIZ) {
		conf_error(p, a, "%s: '%s %s' is longer than %d characters", a->argv[0],
			   a->argv[i - 1], a->argv[i], IFNAMSIZ - 1);
		return false;
	}
	free(*out);
	*out = xstrdup(a->argv[i]);
	return true;
}

/* The value of option `o` is argv[i]. */
static bool addr_value(struct conf_parser *p, const struct conf_args *a, int i,
		       const struct addr_option *o, struct vrrp_ipaddress_config *ip)
{
	int scope;

	switch (o->kind) {
	case OPT_DEV:
		return addr_name(p, a, i, &ip->dev);
	case OPT_LABEL:
		return addr_name(p, a, i, &ip->label);
	case OPT_BRD:
		return addr_brd(p, a, i, ip);
	case OPT_SCOPE:
		if (!conf_get_enum(p, a, i, vrrp_addr_scope_names + 1, &scope))
			return false;
		ip->scope = (enum vrrp_addr_scope)(scope + 1);
		return true;
	case OPT_PEER:
		return (ip->has_peer = conf_get_addr(p, a, i, CONF_FAMILY_ANY, true, &ip->peer));
	case OPT_LFT:
		return addr_lft(p, a, i, ip);
	case OPT_TRACK_GROUP:
		free(ip->track_group);
		ip->track_group = xstrdup(a->argv[i]);
		return true;
	case OPT_FLAG:
		break;
	}
	return false;
}

static bool addr_option_allowed(struct conf_parser *p, const struct conf_args *a,
				const struct addr_option *o, const struct vrrp_ipaddress_config *ip,
				bool is_static)
{
	bool ok = o->use == USE_ALL || (o->use == USE_STATIC) == is_static;

	if (!ok) {
		conf_error(p, a, "%s: '%s' is not allowed for %s addresses", a->argv[0], o->name,
			   is_static ? "static" : "virtual");
		return false;
	}
	if (o->family && o->family != ip->addr.family) {
		conf_error(p, a, "%s: '%s' applies to %s addresses only", a->argv[0], o->name,
			   o->family == AF_INET ? "IPv4" : "IPv6");
		return false;
	}
	return true;
}

static bool addr_options_parse(struct conf_parser *p, const struct conf_args *a,
			       struct vrrp_ipaddress_config *ip, bool is_static)
{
	for (int i = 1; i < a->argc; i++) {
		const struct addr_option *o = addr_option_find(a->argv[i]);

		if (!o) {
			conf_error(p, a, "%s: unknown address option '%s'", a->argv[0], a->argv[i]);
			return false;
		}
		if (!addr_option_allowed(p, a, o, ip, is_static))
			return false;
		if (o->kind == OPT_FLAG) {
			*(bool *)((char *)ip + o->offset) = true;
			continue;
		}
		if (++i >= a->argc) {
			conf_error(p, a, "%s: '%s' needs a value", a->argv[0], o->name);
			return false;
		}
		if (!addr_value(p, a, i, o, ip))
			return false;
	}
	return true;
}

struct vrrp_ipaddress_config *vrrp_ipaddress_parse(struct conf_parser *p, const struct conf_args *a,
						    bool is_static)
{
	struct vrrp_ipaddress_config *ip = XNEW(struct vrrp_ipaddress_config);

	ip->where = a->where;
	if (!conf_get_addr(p, a, 0, CONF_FAMILY_ANY, true, &ip->addr) ||
	    !addr_options_parse(p, a, ip, is_static)) {
		vrrp_ipaddress_config_free(ip);
		return NULL;
	}
	return ip;
}

void vrrp_ipaddress_config_free(void *obj)
{
	struct vrrp_ipaddress_config *ip = obj;

	if (!ip)
		return;
	free(ip->dev);
	free(ip->label);
	free(ip->track_group);
	free(ip);
}

/* ---- routes and rules ---- */

/* Words of `ip route`/`ip rule` that vigil passes on without looking at
 * their value (each takes exactly one). */
static const char *const route_value_words[] = {
	"metric", "priority", "preference", "tos", "dsfield", "protocol", "scope", "mtu",
	"advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "realms",
	"rto_min", "initcwnd", "initrwnd", "features", "quickack", "congctl", "pref",
	"expires", "hoplimit", "vrf", "weight", "fastopen_no_cookie", "src_len", NULL };
/* Words whose value vigil parses. */
static const char *const route_keywords[] = {
	"via", "gw", "or", "src", "to", "dev", "oif", "table", "track_group", NULL };
static const char *const rule_keywords[] = {
	"from", "to", "iif", "table", "lookup", "track_group", NULL };
static const char *const route_flag_words[] = { "onlink", "append", "pervasive", "lock", NULL };
static const char *const route_types[] = {
	"unicast", "blackhole", "unreachable", "prohibit", "throw", "local", "broadcast",
	"multicast", "anycast", "nat", NULL };
static const char *const rule_value_words[] = {
	"tos", "dsfield", "fwmark", "preference", "priority", "order", "realms", "goto",
	"uidrange", "protocol", "ip_proto", "sport", "dport", "suppress_prefixlength",
	"suppress_ifgroup", "oif", NULL };
static const char *const rule_flag_words[] = { "l3mdev", "not", NULL };
static const char *const rule_types[] = { "blackhole", "unreachable", "prohibit", "nop", NULL };

static bool word_in(const char *const *list, const char *word)
{
	for (; *list; list++)
		if (strcmp(*list, word) == 0)
			return true;
	return false;
}

/* The family of every address in a line must agree. */
static bool route_family(struct conf_parser *p, const struct conf_args *a,
			 struct vrrp_route_config *r, const struct vigil_addr *addr)
{
	if (r->family && r->family != addr->family) {
		conf_error(p, a, "%s: mixes IPv4 and IPv6 addresses", a->argv[0]);
		return false;
	}
	r->family = addr->family;
	return true;
}

/* An address (or "all"/"default" for any) at argv[i] into `out`. */
static bool route_addr(struct conf_parser *p, const struct conf_args *a, int i,
		       struct vrrp_route_config *r, struct vigil_addr *out, bool *has)
{
	if (strcmp(a->argv[i], "all") == 0 || strcmp(a->argv[i], "default") == 0)
		return true;
	if (!conf_get_addr(p, a, i, CONF_FAMILY_ANY, true, out) || !route_family(p, a, r, out))
		return false;
	if (has)
		*has = true;
	return true;
}

/* Handles a keyword that takes a value at argv[i + 1]; returns the number
 * of words used, 0 if argv[i] is not such a keyword, -1 on error. */
static int route_keyword(struct conf_parser *p, const struct conf_args *a, int i,
			 struct vrrp_route_config *r, bool in_nexthop)
{
	const char *w = a->argv[i];
	bool rule = r->kind == VRRP_RULE;
	struct vigil_addr scratch;

	if (!word_in(rule ? rule_keywords : route_keywords, w) &&
	    !word_in(rule ? rule_value_words : route_value_words, w))
		return 0;
	if (i + 1 >= a->argc) {
		conf_error(p, a, "%s: '%s' needs a value", a->argv[0], w);
		return -1;
	}
	if (!rule && (!strcmp(w, "via") || !strcmp(w, "gw") || !strcmp(w, "or"))) {
		/* Gateways of nexthop groups and "or" alternatives are only checked. */
		bool primary = !in_nexthop && strcmp(w, "or") != 0;

		if (primary)
			return route_addr(p, a, i + 1, r, &r->via, &r->has_via) ? 2 : -1;
		return route_addr(p, a, i + 1, r, &scratch, NULL) ? 2 : -1;
	}
	if (!strcmp(w, rule ? "from" : "src"))
		return route_addr(p, a, i + 1, r, &r->src, &r->has_src) ? 2 : -1;
	if (!strcmp(w, "to"))
		return route_addr(p, a, i + 1, r, &r->dst, &r->has_dst) ? 2 : -1;
	if (!strcmp(w, rule ? "iif" : "dev") || (!rule && !strcmp(w, "oif"))) {
		if (in_nexthop)
			return 2;
		free(r->dev);
		r->dev = xstrdup(a->argv[i + 1]);
		return 2;
	}
	if (!strcmp(w, "table") || (rule && !strcmp(w, "lookup"))) {
		free(r->table);
		r->table = xstrdup(a->argv[i + 1]);
		return 2;
	}
	if (!strcmp(w, "track_group")) {
		free(r->track_group);
		r->track_group = xstrdup(a->argv[i + 1]);
		return 2;
	}
	/* The rest are passed on; "lock" may precede a metric's value. */
	return i + 2 < a->argc && !strcmp(a->argv[i + 1], "lock") ? 3 : 2;
}

/* A word that is not a keyword: a type, a flag, or the destination. */
static bool route_word(struct conf_parser *p, const struct conf_args *a, int i,
		       struct vrrp_route_config *r, bool *in_nexthop)
{
	const char *w = a->argv[i];
	bool rule = r->kind == VRRP_RULE;

	if (!strcmp(w, "no_track") || !strcmp(w, "inet6") || !strcmp(w, "nexthop")) {
		r->no_track |= !strcmp(w, "no_track");
		if (!strcmp(w, "inet6")) {
			if (r->family == AF_INET) {
				conf_error(p, a, "%s: 'inet6' with IPv4 addresses", a->argv[0]);
				return false;
			}
			r->family = AF_INET6;
		}
		if (!strcmp(w, "nexthop")) {
			*in_nexthop = true;
			r->nexthops++;
		}
		return true;
	}
	if (word_in(rule ? rule_flag_words : route_flag_words, w))
		return true;
	/* A route's type comes before its destination; a rule's anywhere. */
	if (!r->type && (rule || !r->has_dst) && word_in(rule ? rule_types : route_types, w)) {
		r->type = xstrdup(w);
		return true;
	}
	if (!rule && !r->has_dst && !*in_nexthop)
		return route_addr(p, a, i, r, &r->dst, &r->has_dst);
	conf_error(p, a, "%s: unknown %s option '%s'", a->argv[0], rule ? "rule" : "route", w);
	return false;
}

static bool route_words(struct conf_parser *p, const struct conf_args *a,
			struct vrrp_route_config *r)
{
	bool in_nexthop = false;

	for (int i = 0; i < a->argc;) {
		int used = route_keyword(p, a, i, r, in_nexthop);

		if (used < 0)
			return false;
		if (used == 0) {
			if (!route_word(p, a, i, r, &in_nexthop))
				return false;
			used = 1;
		}
		i += used;
	}
	return true;
}

static bool route_complete(struct conf_parser *p, const struct conf_args *a,
			   const struct vrrp_route_config *r, bool is_static)
{
	if (r->kind == VRRP_ROUTE && !r->has_dst) {
		conf_error(p, a, "%s: the route has no destination", a->argv[0]);
		return false;
	}
	if (r->no_track && is_static) {
		conf_error(p, a, "%s: 'no_track' applies to virtual routes and rules only", a->argv[0]);
		return false;
	}
	if (r->track_group && !is_static) {
		conf_error(p, a, "%s: 'track_group' applies to static routes and rules only",
			   a->argv[0]);
		return false;
	}
	return true;
}

struct vrrp_route_config *vrrp_route_parse(struct conf_parser *p, const struct conf_args *a,
					   enum vrrp_route_kind kind, bool is_static)
{
	struct vrrp_route_config *r = XNEW(struct vrrp_route_config);

	r->kind = kind;
	r->where = a->where;
	r->text = conf_join_args(a, 0);
	if (!route_words(p, a, r) || !route_complete(p, a, r, is_static)) {
		vrrp_route_config_free(r);
		return NULL;
	}
	if (!r->family)
		r->family = AF_INET;   /* keepalived's default for "default"/"all" */
	return r;
}

void vrrp_route_config_free(void *obj)
{
	struct vrrp_route_config *r = obj;

	if (!r)
		return;
	free(r->text);
	free(r->type);
	free(r->dev);
	free(r->table);
	free(r->track_group);
	free(r);
}
