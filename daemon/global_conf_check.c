/* Meaning checks on the global configuration, after the whole file is
 * parsed: defaults that depend on other values, references to other parts
 * of the configuration, and (with check_host) users, interfaces and
 * scripts on this host. */
#include "config.h"

#include "config_load.h"
#include "global_conf_private.h"
#include "vrrp/vrrp_conf.h"

#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <string.h>

/* Values whose default is another value (keepalived's rules). */
static void resolve_defaults(struct global_config *g)
{
	if (!g->has_garp_lower_prio_delay)
		g->vrrp_garp_lower_prio_delay_us = g->vrrp_garp_master_delay_us;
	if (!g->has_garp_lower_prio_repeat)
		g->vrrp_garp_lower_prio_repeat = g->vrrp_garp_master_repeat;
	if (!g->has_lower_prio_no_advert)
		g->vrrp_lower_prio_no_advert = g->vrrp_strict;
}

static void check_script_user(const struct global_config *g, const struct config_load_options *opts,
			      struct conf_diags *diags)
{
	char err[160];
	uid_t uid;
	gid_t gid;

	if (!g->script_user || !opts->check_host)
		return;
	if (!script_resolve_user(g->script_user, g->script_group, &uid, &gid, err, sizeof(err)))
		conf_diag_error(diags, g->script_user_where, "script_user: %s", err);
}

/* A script with its own user: the user must exist, then the usual checks. */
static void check_one_script(const struct global_config *g, const struct global_script *s,
			     const char *keyword, const struct config_load_options *opts,
			     struct conf_diags *diags)
{
	struct script_check_policy policy;
	char err[160];

	if (!s->cmdline)
		return;
	if (!global_script_policy_for(g, s->user, s->group, opts->check_host, &policy, err,
				      sizeof(err))) {
		conf_diag_error(diags, s->where, "%s: %s", keyword, err);
		return;
	}
	script_check(s->cmdline, keyword, s->where, &policy, diags);
}

/* The owner a FIFO is created for must exist. */
static void check_fifo_owner(const struct global_fifo *f, const char *keyword,
			     struct conf_diags *diags)
{
	char err[160];
	uid_t uid;
	gid_t gid;

	if (f->user && !script_resolve_user(f->user, f->group, &uid, &gid, err, sizeof(err)))
		conf_diag_error(diags, f->where, "%s: %s", keyword, err);
}

struct fifo_ref {
	const struct global_fifo *fifo;
	const char *keyword;
};

static void check_fifos(const struct global_config *g, const struct config_load_options *opts,
			struct conf_diags *diags)
{
	const struct fifo_ref fifos[] = {
		{ &g->notify_fifo, "notify_fifo" },
		{ &g->vrrp_notify_fifo, "vrrp_notify_fifo" },
		{ &g->lvs_notify_fifo, "lvs_notify_fifo" },
	};
	char script_kw[40];

	for (size_t i = 0; i < sizeof(fifos) / sizeof(fifos[0]); i++) {
		const struct global_fifo *f = fifos[i].fifo;
		snprintf(script_kw, sizeof(script_kw), "%s_script", fifos[i].keyword);
		if (!f->path && f->script.cmdline)
			conf_diag_warning(diags, f->script.where, "%s without %s: the script is not run",
					  script_kw, fifos[i].keyword);
		if (!f->path)
			continue;
		for (size_t j = 0; j < i; j++)
			if (fifos[j].fifo->path && strcmp(fifos[j].fifo->path, f->path) == 0)
				conf_diag_error(diags, f->where, "%s: '%s' is already used by %s",
						fifos[i].keyword, f->path, fifos[j].keyword);
		if (opts->check_host)
			check_fifo_owner(f, fifos[i].keyword, diags);
		check_one_script(g, &f->script, script_kw, opts, diags);
	}
}

static void check_interface(const struct global_config *g, const char *ifname, const char *keyword,
			    struct conf_where where, struct conf_diags *diags)
{
	if (!ifname || g->dynamic_interfaces || if_nametoindex(ifname) != 0)
		return;
	conf_diag_warning(diags, where, "%s: interface '%s' does not exist on this host",
			  keyword, ifname);
}

static void check_lvs_sync_daemon(const struct vigil_config *cfg,
				  const struct config_load_options *opts, struct conf_diags *diags)
{
	const struct global_lvs_sync_daemon *d = &cfg->global->lvs_sync_daemon;

	if (!d->ifname)
		return;
	if (d->vrrp_instance && !vrrp_config_find_instance(cfg->vrrp, d->vrrp_instance))
		conf_diag_error(diags, d->where, "lvs_sync_daemon: no vrrp_instance '%s'",
				d->vrrp_instance);
	if (opts->check_host)
		check_interface(cfg->global, d->ifname, "lvs_sync_daemon", d->where, diags);
}

/* The kernel keeps 15 characters of a process name (PR_SET_NAME). */
static void check_process_names(const struct global_config *g, struct conf_diags *diags)
{
	const char *names[] = { g->process_name, g->proc[GLOBAL_PROC_VRRP].name,
				g->proc[GLOBAL_PROC_CHECKER].name };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i] && strlen(names[i]) > 15)
			conf_diag_warning(diags, g->where,
					  "process name '%s' will be cut to 15 characters", names[i]);
}

void global_config_check(struct vigil_config *cfg, const struct config_load_options *opts,
			 struct conf_diags *diags)
{
	struct global_config *g = cfg->global;

	resolve_defaults(g);
	check_script_user(g, opts, diags);
	check_one_script(g, &g->startup_script, "startup_script", opts, diags);
	check_one_script(g, &g->shutdown_script, "shutdown_script", opts, diags);
	check_fifos(g, opts, diags);
	check_lvs_sync_daemon(cfg, opts, diags);
	check_process_names(g, diags);
	if (opts->check_host)
		check_interface(g, g->default_interface, "default_interface",
				g->default_interface_where, diags);
}
