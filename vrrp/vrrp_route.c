/* Virtual routes and rules through rtnetlink: one request per line, built
 * from vrrp_route_spec_parse()'s values. */
#include "config.h"

#include "vrrp/vrrp_route.h"

#include "xalloc.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

struct vrrp_route_ctx {
	struct nl_sock *sk;
	int last_errno;             /* the kernel's answer to the last request */
};

/* libnl folds the kernel's errno into its own codes (ESRCH and ENOENT
 * both become "object not found"); keep the kernel's value. */
static int on_request_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vrrp_route_ctx *ctx = arg;

	(void)who;
	ctx->last_errno = e->error;
	return NL_STOP;
}

struct vrrp_route_ctx *vrrp_route_open(int *err)
{
	struct vrrp_route_ctx *ctx = XNEW(struct vrrp_route_ctx);
	int rc = -ENOMEM;

	ctx->sk = nl_socket_alloc();
	if (ctx->sk)
		rc = nl_connect(ctx->sk, NETLINK_ROUTE) < 0 ? -EIO : 0;
	if (rc == 0)
		nl_socket_modify_err_cb(ctx->sk, NL_CB_CUSTOM, on_request_error, ctx);
	if (rc < 0) {
		vrrp_route_close(ctx);
		ctx = NULL;
	}
	if (err)
		*err = rc;
	return ctx;
}

void vrrp_route_close(struct vrrp_route_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->sk)
		nl_socket_free(ctx->sk);
	free(ctx);
}

static struct nl_addr *to_nl_addr(const struct vigil_addr *a)
{
	size_t len = a->family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
	struct nl_addr *n = nl_addr_build(a->family, &a->u, len);

	if (n)
		nl_addr_set_prefixlen(n, a->prefix_len);
	return n;
}

/* "default": the all-zero prefix of the family. */
static struct nl_addr *default_prefix(int family)
{
	struct vigil_addr any = { .family = family, .prefix_len = 0 };

	return to_nl_addr(&any);
}

typedef int nl_addr_setter(void *obj, struct nl_addr *addr);

static int set_addr(void *obj, nl_addr_setter *setter, const struct vigil_addr *a)
{
	struct nl_addr *n = to_nl_addr(a);
	int rc;

	if (!n)
		return -ENOMEM;
	rc = setter(obj, n) < 0 ? -EINVAL : 0;
	nl_addr_put(n);
	return rc;
}

static int route_set_dst(void *o, struct nl_addr *a) { return rtnl_route_set_dst(o, a); }
static int route_set_src(void *o, struct nl_addr *a) { return rtnl_route_set_pref_src(o, a); }
static int rule_set_src(void *o, struct nl_addr *a) { return rtnl_rule_set_src(o, a); }
static int rule_set_dst(void *o, struct nl_addr *a) { return rtnl_rule_set_dst(o, a); }

/* --- Routes --- */

static const int metric_attrs[VRRP_RTM_COUNT] = {
	[VRRP_RTM_MTU] = RTAX_MTU, [VRRP_RTM_ADVMSS] = RTAX_ADVMSS,
	[VRRP_RTM_HOPLIMIT] = RTAX_HOPLIMIT, [VRRP_RTM_WINDOW] = RTAX_WINDOW,
	[VRRP_RTM_INITCWND] = RTAX_INITCWND, [VRRP_RTM_INITRWND] = RTAX_INITRWND,
};

/* The gateway and device; a route of another type than unicast (or one
 * with neither) has no next hop. */
static int route_nexthop(struct rtnl_route *rt, const struct vrrp_route_spec *s)
{
	struct rtnl_nexthop *nh;
	int ifindex = 0;

	if (s->dev && !(ifindex = (int)if_nametoindex(s->dev)))
		return -ENODEV;
	if (!s->has_via && !ifindex)
		return 0;
	nh = rtnl_route_nh_alloc();
	if (!nh)
		return -ENOMEM;
	if (ifindex)
		rtnl_route_nh_set_ifindex(nh, ifindex);
	if (s->onlink)
		rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
	if (s->has_via) {
		struct nl_addr *gw = to_nl_addr(&s->via);

		if (!gw) {
			rtnl_route_nh_free(nh);
			return -ENOMEM;
		}
		nl_addr_set_prefixlen(gw, s->via.family == AF_INET6 ? 128 : 32);
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	rtnl_route_add_nexthop(rt, nh);
	return 0;
}

static void route_options(struct rtnl_route *rt, const struct vrrp_route_spec *s)
{
	rtnl_route_set_family(rt, (uint8_t)s->family);
	rtnl_route_set_type(rt, s->type);
	rtnl_route_set_table(rt, s->table);
	if (s->has_priority)
		rtnl_route_set_priority(rt, s->priority);
	if (s->has_protocol)
		rtnl_route_set_protocol(rt, s->protocol);
	if (s->has_tos)
		rtnl_route_set_tos(rt, s->tos);
	for (int m = 0; m < VRRP_RTM_COUNT; m++)
		if (s->has_metric[m])
			rtnl_route_set_metric(rt, metric_attrs[m], s->metric[m]);
}

static int route_build(struct rtnl_route *rt, const struct vrrp_route_spec *s)
{
	int rc = 0;

	route_options(rt, s);
	if (s->has_dst) {
		rc = set_addr(rt, route_set_dst, &s->dst);
	} else {
		struct nl_addr *any = default_prefix(s->family);

		rc = any && rtnl_route_set_dst(rt, any) == 0 ? 0 : -ENOMEM;
		nl_addr_put(any);
	}
	if (rc == 0 && s->has_src)
		rc = set_addr(rt, route_set_src, &s->src);
	if (rc == 0)
		rc = route_nexthop(rt, s);
	return rc;
}

/* --- Rules --- */

static int rule_build(struct rtnl_rule *ru, const struct vrrp_route_spec *s)
{
	int rc = 0;

	rtnl_rule_set_family(ru, s->family);
	rtnl_rule_set_action(ru, s->type);
	if (s->type == FR_ACT_TO_TBL)
		rtnl_rule_set_table(ru, s->table);
	if (s->type == FR_ACT_GOTO)
		rtnl_rule_set_goto(ru, s->goto_target);
	if (s->has_priority)
		rtnl_rule_set_prio(ru, s->priority);
	if (s->has_fwmark)
		rtnl_rule_set_mark(ru, s->fwmark);
	if (s->has_fwmask)
		rtnl_rule_set_mask(ru, s->fwmask);
	if (s->has_tos)
		rtnl_rule_set_dsfield(ru, s->tos);
	if (s->has_realms)
		rtnl_rule_set_realms(ru, s->realms);
	if (s->l3mdev)
		rtnl_rule_set_l3mdev(ru, 1);
	if (s->has_protocol)
		rtnl_rule_set_protocol(ru, s->protocol);
	if (s->dev && rtnl_rule_set_iif(ru, s->dev) < 0)
		rc = -EINVAL;
	if (rc == 0 && s->oif && rtnl_rule_set_oif(ru, s->oif) < 0)
		rc = -EINVAL;
	if (rc == 0 && s->has_src)
		rc = set_addr(ru, rule_set_src, &s->src);
	if (rc == 0 && s->has_dst)
		rc = set_addr(ru, rule_set_dst, &s->dst);
	return rc;
}

/* --- Requests --- */

/* The kernel's errno for the request libnl returned `rc` for; `absent` is
 * the "already so" answer: 0 then, 1 when the kernel did it. */
static int answer(struct vrrp_route_ctx *ctx, int rc, int absent1, int absent2)
{
	if (rc >= 0)
		return 1;
	rc = ctx->last_errno ? ctx->last_errno : -EIO;
	return rc == -absent1 || rc == -absent2 ? 0 : rc;
}

static int route_request(struct vrrp_route_ctx *ctx, const struct vrrp_route_spec *s, bool add)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	int rc;

	if (!rt)
		return -ENOMEM;
	rc = route_build(rt, s);
	/* A delete leaves out what the line does not say (protocol 0, scope
	 * nowhere: any), as `ip route del` does, so a route left by another
	 * tool is found too; libnl would send "static" and a guessed scope. */
	rtnl_route_set_scope(rt, s->has_scope ? s->scope
			     : add ? vrrp_route_default_scope(s) : RT_SCOPE_NOWHERE);
	if (!add && !s->has_protocol)
		rtnl_route_set_protocol(rt, RTPROT_UNSPEC);
	if (rc == 0) {
		ctx->last_errno = 0;
		rc = add ? answer(ctx, rtnl_route_add(ctx->sk, rt, NLM_F_EXCL), EEXIST, EEXIST)
			 : answer(ctx, rtnl_route_delete(ctx->sk, rt, 0), ESRCH, ENOENT);
	}
	rtnl_route_put(rt);
	return rc;
}

static int rule_request(struct vrrp_route_ctx *ctx, const struct vrrp_route_spec *s, bool add)
{
	struct rtnl_rule *ru = rtnl_rule_alloc();
	int rc;

	if (!ru)
		return -ENOMEM;
	rc = rule_build(ru, s);
	if (rc == 0) {
		ctx->last_errno = 0;
		rc = add ? answer(ctx, rtnl_rule_add(ctx->sk, ru, NLM_F_EXCL), EEXIST, EEXIST)
			 : answer(ctx, rtnl_rule_delete(ctx->sk, ru, 0), ENOENT, ESRCH);
	}
	rtnl_rule_put(ru);
	return rc;
}

static int change(struct vrrp_route_ctx *ctx, const struct vrrp_route_config *conf, bool add,
		  char *err, size_t errlen)
{
	struct vrrp_route_spec spec;
	int rc = vrrp_route_spec_parse(conf, &spec, err, errlen);

	if (rc == 0)
		rc = conf->kind == VRRP_ROUTE ? route_request(ctx, &spec, add)
					      : rule_request(ctx, &spec, add);
	if (rc < 0 && (errlen && !err[0]))
		snprintf(err, errlen, "%s", strerror(-rc));
	vrrp_route_spec_free(&spec);
	return rc;
}

int vrrp_route_add(struct vrrp_route_ctx *ctx, const struct vrrp_route_config *conf,
		   char *err, size_t errlen)
{
	return change(ctx, conf, true, err, errlen);
}

int vrrp_route_del(struct vrrp_route_ctx *ctx, const struct vrrp_route_config *conf,
		   char *err, size_t errlen)
{
	return change(ctx, conf, false, err, errlen);
}
