/* From a virtual_routes / virtual_rules line to the values of a netlink
 * request (pure: no I/O).  The configuration parser has checked the line
 * and kept the addresses, device and table; the other words are read
 * here from the line's text. */
#include "config.h"

#include "vrrp/vrrp_route.h"

#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vrrp_route_metric_names[VRRP_RTM_COUNT] = {
	[VRRP_RTM_MTU] = "mtu", [VRRP_RTM_ADVMSS] = "advmss",
	[VRRP_RTM_HOPLIMIT] = "hoplimit", [VRRP_RTM_WINDOW] = "window",
	[VRRP_RTM_INITCWND] = "initcwnd", [VRRP_RTM_INITRWND] = "initrwnd",
};

struct name_value {
	const char *name;
	unsigned int value;
};

static const struct name_value route_types[] = {
	{ "unicast", RTN_UNICAST }, { "blackhole", RTN_BLACKHOLE },
	{ "unreachable", RTN_UNREACHABLE }, { "prohibit", RTN_PROHIBIT },
	{ "throw", RTN_THROW }, { "local", RTN_LOCAL }, { "broadcast", RTN_BROADCAST },
	{ "multicast", RTN_MULTICAST }, { "anycast", RTN_ANYCAST }, { "nat", RTN_NAT },
	{ NULL, 0 } };
static const struct name_value rule_actions[] = {
	{ "blackhole", FR_ACT_BLACKHOLE }, { "unreachable", FR_ACT_UNREACHABLE },
	{ "prohibit", FR_ACT_PROHIBIT }, { "nop", FR_ACT_NOP }, { NULL, 0 } };
static const struct name_value tables[] = {
	{ "main", RT_TABLE_MAIN }, { "local", RT_TABLE_LOCAL },
	{ "default", RT_TABLE_DEFAULT }, { NULL, 0 } };
static const struct name_value scopes[] = {
	{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
	{ "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
	{ "nowhere", RT_SCOPE_NOWHERE }, { NULL, 0 } };
static const struct name_value protocols[] = {
	{ "redirect", RTPROT_REDIRECT }, { "kernel", RTPROT_KERNEL }, { "boot", RTPROT_BOOT },
	{ "static", RTPROT_STATIC }, { "keepalived", 18 }, { NULL, 0 } };

/* The parser's position: the words of the line, split in place. */
struct words {
	char *v[128];
	int n, i;
	struct vrrp_route_spec *spec;
	char *err;
	size_t errlen;
};

static int fail(struct words *w, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct words *w, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, w->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static bool lookup(const struct name_value *t, const char *name, unsigned int *out)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0) {
			*out = t->value;
			return true;
		}
	return false;
}

/* A number (decimal, 0x hex) no larger than max, or a name from `names`. */
static bool number(const char *s, const struct name_value *names, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	unsigned int named;
	char *end;

	if (names && lookup(names, s, &named)) {
		*out = named;
		return true;
	}
	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The value after the keyword at w->i, into *out. */
static int value(struct words *w, const struct name_value *names, uint32_t max, uint32_t *out)
{
	const char *key = w->v[w->i];

	if (w->i + 1 >= w->n)
		return fail(w, -EINVAL, "'%s' needs a value", key);
	if (!number(w->v[w->i + 1], names, max, out))
		return fail(w, -EINVAL, "%s: '%s' is not a valid value", key, w->v[w->i + 1]);
	w->i += 2;
	return 0;
}

static int u8_value(struct words *w, const struct name_value *names, bool *has, uint8_t *out)
{
	uint32_t v;
	int rc = value(w, names, UINT8_MAX, &v);

	if (rc == 0) {
		*has = true;
		*out = (uint8_t)v;
	}
	return rc;
}

static int u32_value(struct words *w, bool *has, uint32_t *out)
{
	int rc = value(w, NULL, UINT32_MAX, out);

	if (rc == 0 && has)
		*has = true;
	return rc;
}

/* "fwmark VALUE[/MASK]" */
static int fwmark(struct words *w)
{
	struct vrrp_route_spec *s = w->spec;
	char *slash;

	if (w->i + 1 >= w->n)
		return fail(w, -EINVAL, "'fwmark' needs a value");
	slash = strchr(w->v[w->i + 1], '/');
	if (slash)
		*slash = '\0';
	if (!number(w->v[w->i + 1], NULL, UINT32_MAX, &s->fwmark) ||
	    (slash && !number(slash + 1, NULL, UINT32_MAX, &s->fwmask)))
		return fail(w, -EINVAL, "fwmark: not a valid mark");
	s->has_fwmark = true;
	s->has_fwmask = slash != NULL;
	w->i += 2;
	return 0;
}

static int table(struct words *w)
{
	uint32_t t;

	if (w->i + 1 >= w->n)
		return fail(w, -EINVAL, "'table' needs a value");
	if (!number(w->v[w->i + 1], tables, UINT32_MAX, &t) || t == 0)
		return fail(w, -EOPNOTSUPP, "table '%s': give a table number (1-4294967295) "
			    "or main, local, default", w->v[w->i + 1]);
	w->spec->table = t;
	w->i += 2;
	return 0;
}

static int route_metric(struct words *w, int m)
{
	struct vrrp_route_spec *s = w->spec;

	if (w->i + 1 < w->n && strcmp(w->v[w->i + 1], "lock") == 0)
		return fail(w, -EOPNOTSUPP, "'%s lock' is not supported", vrrp_route_metric_names[m]);
	return u32_value(w, &s->has_metric[m], &s->metric[m]);
}

static int metric_index(const char *word)
{
	for (int m = 0; m < VRRP_RTM_COUNT; m++)
		if (strcmp(vrrp_route_metric_names[m], word) == 0)
			return m;
	return -1;
}

/* Words the configuration has parsed already: skip them (and their value). */
static int skip_known(struct words *w, const char *word)
{
	static const char *const route_valued[] = { "via", "gw", "src", "to", "dev", "oif", NULL };
	static const char *const rule_valued[] = { "from", "to", "iif", NULL };
	static const char *const flags[] = { "no_track", "inet6", "default", "all", NULL };
	const char *const *valued = w->spec->kind == VRRP_ROUTE ? route_valued : rule_valued;

	for (const char *const *k = valued; *k; k++)
		if (strcmp(*k, word) == 0)
			return 2;
	for (const char *const *k = flags; *k; k++)
		if (strcmp(*k, word) == 0)
			return 1;
	return 0;
}

static int route_word(struct words *w, const char *word, bool *seen_dst)
{
	struct vrrp_route_spec *s = w->spec;
	unsigned int type;
	int m = metric_index(word);

	if (m >= 0)
		return route_metric(w, m);
	if (!strcmp(word, "metric") || !strcmp(word, "priority") || !strcmp(word, "preference"))
		return u32_value(w, &s->has_priority, &s->priority);
	if (!strcmp(word, "scope"))
		return u8_value(w, scopes, &s->has_scope, &s->scope);
	if (!strcmp(word, "protocol"))
		return u8_value(w, protocols, &s->has_protocol, &s->protocol);
	if (!strcmp(word, "onlink")) {
		s->onlink = true;
		w->i++;
		return 0;
	}
	if (!*seen_dst && lookup(route_types, word, &type)) {
		w->i++;
		return 0;
	}
	if (!*seen_dst && (strchr(word, '.') || strchr(word, ':'))) {
		*seen_dst = true;
		w->i++;
		return 0;
	}
	return fail(w, -EOPNOTSUPP, "route option '%s' is not supported", word);
}

static int rule_word(struct words *w, const char *word)
{
	struct vrrp_route_spec *s = w->spec;
	unsigned int type;

	if (!strcmp(word, "priority") || !strcmp(word, "preference") || !strcmp(word, "order"))
		return u32_value(w, &s->has_priority, &s->priority);
	if (!strcmp(word, "fwmark"))
		return fwmark(w);
	if (!strcmp(word, "oif")) {
		if (w->i + 1 >= w->n)
			return fail(w, -EINVAL, "'oif' needs a value");
		s->oif = w->v[w->i + 1];
		w->i += 2;
		return 0;
	}
	if (!strcmp(word, "protocol"))
		return u8_value(w, protocols, &s->has_protocol, &s->protocol);
	if (!strcmp(word, "realms"))
		return u32_value(w, &s->has_realms, &s->realms);
	if (!strcmp(word, "goto")) {
		s->type = FR_ACT_GOTO;
		return u32_value(w, NULL, &s->goto_target);
	}
	if (!strcmp(word, "l3mdev") || lookup(rule_actions, word, &type)) {
		s->l3mdev |= !strcmp(word, "l3mdev");
		w->i++;
		return 0;
	}
	return fail(w, -EOPNOTSUPP, "rule option '%s' is not supported", word);
}

/* One word (with its value) at w->i. */
static int one_word(struct words *w, bool *seen_dst)
{
	struct vrrp_route_spec *s = w->spec;
	const char *word = w->v[w->i];
	int skip = skip_known(w, word);

	if (skip) {
		w->i += skip;
		return 0;
	}
	if (!strcmp(word, "table") || (s->kind == VRRP_RULE && !strcmp(word, "lookup")))
		return table(w);
	if (!strcmp(word, "tos") || !strcmp(word, "dsfield"))
		return u8_value(w, NULL, &s->has_tos, &s->tos);
	if (!strcmp(word, "nexthop") || !strcmp(word, "or"))
		return fail(w, -EOPNOTSUPP, "'%s' (several gateways) is not supported", word);
	return s->kind == VRRP_ROUTE ? route_word(w, word, seen_dst) : rule_word(w, word);
}

static void spec_defaults(const struct vrrp_route_config *conf, struct vrrp_route_spec *s)
{
	unsigned int type = 0;

	memset(s, 0, sizeof(*s));
	s->kind = conf->kind;
	s->family = conf->family ? conf->family : AF_INET;
	s->has_dst = conf->has_dst;
	s->has_src = conf->has_src;
	s->has_via = conf->has_via;
	s->dst = conf->dst;
	s->src = conf->src;
	s->via = conf->via;
	s->dev = conf->dev;
	s->table = RT_TABLE_MAIN;
	if (conf->kind == VRRP_ROUTE)
		s->type = conf->type && lookup(route_types, conf->type, &type) ? (uint8_t)type
									       : RTN_UNICAST;
	else
		s->type = conf->type && lookup(rule_actions, conf->type, &type) ? (uint8_t)type
										: FR_ACT_TO_TBL;
}

int vrrp_route_spec_parse(const struct vrrp_route_config *conf, struct vrrp_route_spec *out,
			  char *err, size_t errlen)
{
	struct words w = { .spec = out, .err = err, .errlen = errlen };
	bool seen_dst = false;
	char *save = NULL;
	int rc = 0;

	spec_defaults(conf, out);
	if (errlen)
		err[0] = '\0';
	out->words = xstrdup(conf->text ? conf->text : "");
	for (char *t = strtok_r(out->words, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (w.n == (int)(sizeof(w.v) / sizeof(w.v[0])))
			return fail(&w, -EINVAL, "too many words");
		w.v[w.n++] = t;
	}
	if (conf->nexthops)
		return fail(&w, -EOPNOTSUPP, "'nexthop' (several gateways) is not supported");
	while (rc == 0 && w.i < w.n)
		rc = one_word(&w, &seen_dst);
	return rc;
}

/* What `ip route add` chooses when the line gives no scope. */
uint8_t vrrp_route_default_scope(const struct vrrp_route_spec *spec)
{
	switch (spec->type) {
	case RTN_LOCAL:
	case RTN_NAT:
		return RT_SCOPE_HOST;
	case RTN_BROADCAST:
	case RTN_MULTICAST:
	case RTN_ANYCAST:
		return RT_SCOPE_LINK;
	case RTN_UNICAST:
		return spec->has_via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	default:
		return RT_SCOPE_UNIVERSE;
	}
}

void vrrp_route_spec_free(struct vrrp_route_spec *spec)
{
	free(spec->words);
	spec->words = NULL;
}
