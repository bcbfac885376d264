/* Meaning checks on the LVS configuration, after the whole file is parsed:
 * what no single line can tell (references, duplicates, address families,
 * quorum), scripts, and with check_host the interfaces on this host.  Every
 * problem is reported at the line that defined the object concerned. */
#include "config.h"
#include "check_conf_tables.h"
#include "daemon/config_load.h"
#include "daemon/global_conf.h"
#include "vrrp/vrrp_conf.h"
#include "script_check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What the checks need besides the object being checked. */
struct check_ctx {
	const struct vigil_config *cfg;
	const struct check_config *cc;
	const struct config_load_options *opts;
	struct conf_diags *diags;
};

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* "10.0.0.1 port 80 TCP", "fwmark 5", "group NAME" for messages. */
static const char *vs_describe(const struct check_vs_config *vs, char *buf, size_t len)
{
	char addr[VIGIL_ADDR_STRLEN];

	if (vs->kind == CHECK_VS_FWMARK)
		snprintf(buf, len, "fwmark %u", vs->fwmark);
	else if (vs->kind == CHECK_VS_GROUP)
		snprintf(buf, len, "group %s %s", vs->group, check_protocol_names[vs->protocol]);
	else
		snprintf(buf, len, "%s port %u %s",
			 vigil_addr_to_string(&vs->addr, addr, sizeof(addr)), vs->port,
			 check_protocol_names[vs->protocol]);
	return buf;
}

/* ---- scripts ---- */

static void check_script(const struct check_ctx *ctx, const struct check_script *s,
			 const char *keyword)
{
	struct script_check_policy policy;
	char err[256];

	if (!s || !s->command)
		return;
	if (!global_script_policy_for(ctx->cfg->global, s->user, s->group, ctx->opts->check_host,
				      &policy, err, sizeof(err))) {
		conf_diag_error(ctx->diags, s->where, "%s: %s", keyword, err);
		return;
	}
	script_check(s->command, keyword, s->where, &policy, ctx->diags);
}

/* ---- virtual servers ---- */

static bool vs_same(const struct check_vs_config *x, const struct check_vs_config *y)
{
	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case CHECK_VS_ADDR:
		return vigil_addr_equal(&x->addr, &y->addr) && x->port == y->port &&
		       x->protocol == y->protocol;
	case CHECK_VS_FWMARK:
		return x->fwmark == y->fwmark && x->ip_family == y->ip_family;
	case CHECK_VS_GROUP:
		return strcmp(x->group, y->group) == 0 && x->protocol == y->protocol &&
		       x->ip_family == y->ip_family;
	}
	return false;
}

static void check_vs_unique(const struct check_ctx *ctx, size_t index)
{
	const struct check_vs_config *vs = ctx->cc->virtual_servers.items[index];
	char desc[128];

	for (size_t i = 0; i < index; i++) {
		const struct check_vs_config *other = ctx->cc->virtual_servers.items[i];

		if (vs_same(vs, other)) {
			conf_diag_error(ctx->diags, vs->where,
					"virtual_server %s is already defined at line %u",
					vs_describe(vs, desc, sizeof(desc)), other->where.line);
			return;
		}
	}
}

/* group NAME resolves; an address without a port needs persistence. */
static void check_vs_target(const struct check_ctx *ctx, const struct check_vs_config *vs)
{
	if (vs->kind == CHECK_VS_GROUP && !check_config_find_group(ctx->cc, vs->group))
		conf_diag_error(ctx->diags, vs->where,
				"virtual_server: group '%s' is not defined by any "
				"virtual_server_group", vs->group);
	if (vs->kind == CHECK_VS_ADDR && vs->port == 0 && !vs->persistent)
		conf_diag_error(ctx->diags, vs->where,
				"virtual_server: the port may only be left out (or 0) for a "
				"persistent service (persistence_timeout)");
}

/* Scheduler flags that the chosen scheduler ignores, ops outside UDP. */
static void check_vs_sched(const struct check_ctx *ctx, const struct check_vs_config *vs)
{
	unsigned sh = 1u << CHECK_SCHED_F_SH_PORT | 1u << CHECK_SCHED_F_SH_FALLBACK;
	unsigned mh = 1u << CHECK_SCHED_F_MH_PORT | 1u << CHECK_SCHED_F_MH_FALLBACK;

	if ((vs->sched_flags & sh) && vs->sched != CHECK_SCHED_SH)
		conf_diag_warning(ctx->diags, vs->where, "virtual_server: sh-port/sh-fallback only "
				  "affect the sh scheduler, not %s", check_sched_names[vs->sched]);
	if ((vs->sched_flags & mh) && vs->sched != CHECK_SCHED_MH)
		conf_diag_warning(ctx->diags, vs->where, "virtual_server: mh-port/mh-fallback only "
				  "affect the mh scheduler, not %s", check_sched_names[vs->sched]);
	if (vs->ops && vs->protocol != CHECK_PROTO_UDP)
		conf_diag_warning(ctx->diags, vs->where, "virtual_server: ops (one-packet "
				  "scheduling) only applies to UDP services");
}

/* The address family the virtual server's non-tunnelled real servers must
 * have, or AF_UNSPEC when the file does not fix one. */
static int vs_family(const struct check_ctx *ctx, const struct check_vs_config *vs)
{
	const struct check_vsg_config *g;
	int family = AF_UNSPEC;

	if (vs->kind == CHECK_VS_ADDR)
		return vs->addr.family;
	if (vs->ip_family != AF_UNSPEC || vs->kind == CHECK_VS_FWMARK)
		return vs->ip_family;
	g = check_config_find_group(ctx->cc, vs->group);
	for (size_t i = 0; g && i < g->entries.count; i++) {
		const struct check_vsg_entry *e = g->entries.items[i];
		int f = e->kind == CHECK_VSG_ADDR ? e->first.family : e->family;

		if (f != AF_UNSPEC && family != AF_UNSPEC && f != family)
			return AF_UNSPEC;   /* mixed: only tunnelled servers can serve it */
		if (f != AF_UNSPEC)
			family = f;
	}
	return family;
}

/* A non-tunnelled real (or sorry) server must have the virtual server's
 * family; with none fixed, the first such server's family. */
static void check_server_family(const struct check_ctx *ctx, const char *what,
				const struct check_rs_config *rs, const struct check_fwd *fwd,
				int *family, const struct conf_where *family_from)
{
	char addr[VIGIL_ADDR_STRLEN];

	if (fwd->method == CHECK_FWD_TUN)
		return;
	if (*family == AF_UNSPEC) {
		*family = rs->addr.family;
		return;
	}
	if (rs->addr.family != *family)
		conf_diag_error(ctx->diags, rs->where, "%s %s is %s but the virtual server "
				"(line %u) is %s; only tunnelled (lvs_method TUN) servers may "
				"differ", what, vigil_addr_to_string(&rs->addr, addr, sizeof(addr)),
				family_name(rs->addr.family), family_from->line,
				family_name(*family));
}

static void check_vs_families(const struct check_ctx *ctx, const struct check_vs_config *vs)
{
	int family = vs_family(ctx, vs);

	if (vs->has_granularity && family != AF_UNSPEC && vs->granularity_family != family)
		conf_diag_error(ctx->diags, vs->where, "virtual_server: persistence_granularity "
				"is an %s mask but the service is %s",
				family_name(vs->granularity_family), family_name(family));
	for (size_t i = 0; i < vs->real_servers.count; i++) {
		const struct check_rs_config *rs = vs->real_servers.items[i];

		check_server_family(ctx, "real_server", rs, check_rs_fwd(vs, rs), &family,
				    &vs->where);
	}
	if (vs->sorry)
		check_server_family(ctx, "sorry_server", vs->sorry,
				    vs->sorry_fwd.set ? &vs->sorry_fwd : &vs->fwd, &family,
				    &vs->where);
}

/* quorum must be reachable; hysteresis must leave room to lose it. */
static void check_vs_quorum(const struct check_ctx *ctx, const struct check_vs_config *vs)
{
	unsigned long long total = 0;

	for (size_t i = 0; i < vs->real_servers.count; i++)
		total += ((const struct check_rs_config *)vs->real_servers.items[i])->weight;
	if (vs->quorum > total && vs->real_servers.count > 0)
		conf_diag_warning(ctx->diags, vs->where, "virtual_server: quorum %u is more than "
				  "the total weight %llu of its %zu real server(s): quorum will "
				  "never be reached", vs->quorum, total, vs->real_servers.count);
	if (vs->hysteresis >= vs->quorum && (vs->quorum_down || vs->quorum_up))
		conf_diag_warning(ctx->diags, vs->where, "virtual_server: hysteresis %u is not "
				  "less than quorum %u: quorum can never be lost", vs->hysteresis,
				  vs->quorum);
}

/* ---- real servers and checkers ---- */

static void check_checker(const struct check_ctx *ctx, const struct check_checker_config *c);

static void check_rs(const struct check_ctx *ctx, const struct check_vs_config *vs, size_t index)
{
	const struct check_rs_config *rs = vs->real_servers.items[index];
	char addr[VIGIL_ADDR_STRLEN];

	for (size_t i = 0; i < index; i++) {
		const struct check_rs_config *other = vs->real_servers.items[i];

		if (vigil_addr_equal(&rs->addr, &other->addr) && rs->port == other->port)
			conf_diag_error(ctx->diags, rs->where, "real_server %s port %u is already "
					"in this virtual server at line %u",
					vigil_addr_to_string(&rs->addr, addr, sizeof(addr)),
					rs->port, other->where.line);
	}
	if (rs->uthreshold && rs->lthreshold > rs->uthreshold)
		conf_diag_error(ctx->diags, rs->where, "real_server: lthreshold %u is more than "
				"uthreshold %u", rs->lthreshold, rs->uthreshold);
	check_script(ctx, rs->notify_up, "notify_up");
	check_script(ctx, rs->notify_down, "notify_down");
	for (size_t i = 0; i < rs->checkers.count; i++)
		check_checker(ctx, rs->checkers.items[i]);
}

static void check_http(const struct check_ctx *ctx, const struct check_checker_config *c)
{
	const char *type = check_type_names[c->type];

	if (c->http.urls.count == 0)
		conf_diag_error(ctx->diags, c->where, "%s: needs at least one url { path ... }",
				type);
	for (size_t i = 0; i < c->http.urls.count; i++) {
		const struct check_url_config *u = c->http.urls.items[i];

		if (!u->path)
			conf_diag_error(ctx->diags, u->where, "url: 'path' is missing");
		if (u->regex_max_offset && u->regex_min_offset > u->regex_max_offset)
			conf_diag_error(ctx->diags, u->where, "url: regex_min_offset %u is beyond "
					"regex_max_offset %u", u->regex_min_offset,
					u->regex_max_offset);
	}
}

/* bindto: same family as the target; IPv6 link-local needs bind_if. */
static void check_connection(const struct check_ctx *ctx, const struct check_checker_config *c)
{
	const char *type = check_type_names[c->type];

	if (c->has_bindto && c->has_connect_ip && c->bindto.family != c->connect_ip.family)
		conf_diag_error(ctx->diags, c->where, "%s: bindto is %s but connect_ip is %s",
				type, family_name(c->bindto.family),
				family_name(c->connect_ip.family));
	if (c->has_bindto && c->bindto.family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL(&c->bindto.u.v6) && !c->bind_if)
		conf_diag_error(ctx->diags, c->where, "%s: bindto is an IPv6 link-local "
				"address, so bind_if is needed", type);
	if (c->bind_if && ctx->opts->check_host && if_nametoindex(c->bind_if) == 0) {
		if (ctx->cfg->global && ctx->cfg->global->dynamic_interfaces)
			conf_diag_warning(ctx->diags, c->bind_if_where, "bind_if: interface '%s' "
					  "does not exist (yet; dynamic_interfaces is set)",
					  c->bind_if);
		else
			conf_diag_error(ctx->diags, c->bind_if_where, "bind_if: interface '%s' "
					"does not exist", c->bind_if);
	}
}

/* FILE_CHECK reads a file declared by a top-level track_file block. */
static void check_file_checker(const struct check_ctx *ctx, const struct check_checker_config *c)
{
	if (!c->file.track_file)
		conf_diag_error(ctx->diags, c->where, "FILE_CHECK: 'track_file' is missing");
	else if (!ctx->cfg->vrrp ||
		 !vrrp_config_find_track_file(ctx->cfg->vrrp, c->file.track_file))
		conf_diag_error(ctx->diags, c->where, "FILE_CHECK: track_file '%s' is not defined "
				"by any track_file block", c->file.track_file);
}

static void check_checker(const struct check_ctx *ctx, const struct check_checker_config *c)
{
	check_connection(ctx, c);
	for (size_t i = 0; c->type == CHECK_TYPE_SMTP && i < c->smtp.hosts.count; i++)
		check_connection(ctx, c->smtp.hosts.items[i]);
	if (c->type == CHECK_TYPE_HTTP_GET || c->type == CHECK_TYPE_SSL_GET)
		check_http(ctx, c);
	if (c->type == CHECK_TYPE_MISC && (!c->misc.path || !c->misc.path->command))
		conf_diag_error(ctx->diags, c->where, "MISC_CHECK: 'misc_path' is missing");
	if (c->type == CHECK_TYPE_MISC)
		check_script(ctx, c->misc.path, "misc_path");
	if (c->type == CHECK_TYPE_FILE)
		check_file_checker(ctx, c);
	if (c->type == CHECK_TYPE_UDP && c->udp.min_reply_length > c->udp.max_reply_length)
		conf_diag_error(ctx->diags, c->udp.lengths_where, "UDP_CHECK: min_reply_length "
				"%u is more than max_reply_length %u", c->udp.min_reply_length,
				c->udp.max_reply_length);
}

static void check_vs(const struct check_ctx *ctx, size_t index)
{
	const struct check_vs_config *vs = ctx->cc->virtual_servers.items[index];

	check_vs_target(ctx, vs);
	check_vs_unique(ctx, index);
	check_vs_sched(ctx, vs);
	check_vs_families(ctx, vs);
	check_vs_quorum(ctx, vs);
	check_script(ctx, vs->quorum_up, "quorum_up");
	check_script(ctx, vs->quorum_down, "quorum_down");
	for (size_t i = 0; i < vs->real_servers.count; i++)
		check_rs(ctx, vs, i);
}

/* The SSL block's files must be readable (by the checker, which runs as root). */
static void check_ssl_file(const struct check_ctx *ctx, const char *keyword, const char *path,
			   struct conf_where where)
{
	if (path && access(path, R_OK) != 0)
		conf_diag_error(ctx->diags, where, "%s: cannot read '%s': %s", keyword, path,
				strerror(errno));
}

static void check_ssl(const struct check_ctx *ctx, const struct check_ssl_config *ssl)
{
	if (!ssl->present || !ctx->opts->check_host)
		return;
	check_ssl_file(ctx, "ca", ssl->ca, ssl->ca_where);
	check_ssl_file(ctx, "certificate", ssl->certificate, ssl->certificate_where);
	check_ssl_file(ctx, "key", ssl->key, ssl->key_where);
}

static void check_group(const struct check_ctx *ctx, const struct check_vsg_config *g)
{
	if (g->entries.count == 0)
		conf_diag_warning(ctx->diags, g->where, "virtual_server_group %s has no addresses "
				  "or fwmarks", g->name);
}

void check_config_check(struct vigil_config *cfg, const struct config_load_options *opts,
			struct conf_diags *diags)
{
	struct check_ctx ctx = { .cfg = cfg, .cc = cfg->check, .opts = opts, .diags = diags };

	if (!cfg->check)
		return;
	check_ssl(&ctx, &cfg->check->ssl);
	for (size_t i = 0; i < cfg->check->groups.count; i++)
		check_group(&ctx, cfg->check->groups.items[i]);
	for (size_t i = 0; i < cfg->check->virtual_servers.count; i++)
		check_vs(&ctx, i);
	check_config_share_urls(cfg->check);
	if (opts && opts->share_checkers && diags->errors == 0)
		check_config_share_checkers(cfg->check);
}
