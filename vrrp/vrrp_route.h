/* Virtual routes and rules through netlink (libnl-route-3): one
 * virtual_routes / virtual_rules line added or deleted, as the runtime
 * asks when an instance becomes master, leaves it, starts or stops.
 *
 * Two halves.  vrrp_route_spec_parse() is pure: it turns a parsed line
 * (struct vrrp_route_config, whose text keeps every word) into the values
 * a netlink request carries, and names the first word libnl cannot
 * express (nexthop groups, "or" gateways, route metrics other than those
 * listed below, ...), so such a line is refused with a clear reason rather
 * than installed half-way.  vrrp_route_add()/vrrp_route_del() send it.
 *
 * Route words: [type] DST|default, to, via/gw, src, dev/oif, table
 * (number, main, local, default), metric/priority/preference, scope,
 * protocol, tos/dsfield, onlink, mtu, advmss, hoplimit, window,
 * initcwnd, initrwnd.
 * Rule words: from, to, table/lookup, priority/preference/order, fwmark
 * (VALUE[/MASK]), iif, oif, tos/dsfield, realms, goto, protocol, l3mdev,
 * and the actions blackhole, unreachable, prohibit, nop.
 *
 * Errors are negative errno values (0 is success); nothing here logs.
 * Adding what is already there and deleting what is not succeed: the
 * runtime asks for a state, not for a change. */
#ifndef VIGIL_VRRP_ROUTE_H
#define VIGIL_VRRP_ROUTE_H

#include "conf_value.h"
#include "vrrp/vrrp_conf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Route metrics (RTA_METRICS) vigil passes on. */
enum vrrp_route_metric {
	VRRP_RTM_MTU, VRRP_RTM_ADVMSS, VRRP_RTM_HOPLIMIT, VRRP_RTM_WINDOW,
	VRRP_RTM_INITCWND, VRRP_RTM_INITRWND, VRRP_RTM_COUNT
};
extern const char *const vrrp_route_metric_names[VRRP_RTM_COUNT];

/* What one line asks of the kernel.  has_* say which optional values
 * were given; the rest is left to the kernel's (or libnl's) defaults. */
struct vrrp_route_spec {
	enum vrrp_route_kind kind;
	int family;
	uint8_t type;                   /* RTN_* (routes), FR_ACT_* (rules) */
	bool has_dst, has_src, has_via;
	struct vigil_addr dst, src, via;    /* rule: dst is "to", src "from" */
	const char *dev;                /* route dev / rule iif; points into the config */
	const char *oif;                /* rule oif; NULL: none */
	uint32_t table;                 /* RT_TABLE_MAIN unless given */
	bool has_priority, has_scope, has_protocol, has_tos, has_realms;
	uint32_t priority;              /* route metric, rule preference */
	uint8_t scope, protocol, tos;
	uint32_t realms;                /* rules only */
	bool onlink, l3mdev;
	bool has_fwmark, has_fwmask;
	uint32_t fwmark, fwmask;
	uint32_t goto_target;           /* rule action goto */
	bool has_metric[VRRP_RTM_COUNT];
	uint32_t metric[VRRP_RTM_COUNT];
	char *words;                    /* the line's words, split; oif points here */
};

/* Fills `out` from `conf`.  0, or -EOPNOTSUPP / -EINVAL with a message
 * naming the word in `err`.  vrrp_route_spec_free() releases it either way. */
int vrrp_route_spec_parse(const struct vrrp_route_config *conf, struct vrrp_route_spec *out,
			  char *err, size_t errlen);
void vrrp_route_spec_free(struct vrrp_route_spec *spec);

/* A route's scope when its line gives none, as `ip route add` chooses:
 * host for local and nat, link for broadcast, multicast, anycast and a
 * unicast route without gateway, global otherwise. */
uint8_t vrrp_route_default_scope(const struct vrrp_route_spec *spec);

/* A netlink route socket for route and rule requests. */
struct vrrp_route_ctx;

/* NULL on failure, with *err (if not NULL) set to a negative errno. */
struct vrrp_route_ctx *vrrp_route_open(int *err);
void vrrp_route_close(struct vrrp_route_ctx *ctx);

/* Adds the route or rule: 1 added, 0 already there, negative errno on
 * failure (-EOPNOTSUPP: the line says something libnl cannot; `err`
 * then says what, otherwise it holds strerror's text). */
int vrrp_route_add(struct vrrp_route_ctx *ctx, const struct vrrp_route_config *conf,
		   char *err, size_t errlen);
/* Deletes it: 1 deleted, 0 not there, negative errno on failure. */
int vrrp_route_del(struct vrrp_route_ctx *ctx, const struct vrrp_route_config *conf,
		   char *err, size_t errlen);

#endif
