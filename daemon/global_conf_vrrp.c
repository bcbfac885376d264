/* global_defs: defaults for VRRP instances, and the LVS settings. */
#include "config.h"

#include "global_conf_private.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* ---- VRRP --------------------------------------------------------------- */

bool global_addr_is_multicast(const struct vigil_addr *addr)
{
	if (addr->family == AF_INET)
		return IN_MULTICAST(ntohl(addr->u.v4.s_addr));
	return IN6_IS_ADDR_MULTICAST(&addr->u.v6);
}

static void handle_mcast_group(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	bool v4 = strcmp(a->argv[0], "vrrp_mcast_group4") == 0;
	struct vigil_addr addr;

	if (!conf_get_addr(p, a, 1, v4 ? CONF_FAMILY_V4 : CONF_FAMILY_V6, false, &addr))
		return;
	if (!global_addr_is_multicast(&addr)) {
		conf_error(p, a, "%s: '%s' is not a multicast address (%s)", a->argv[0], a->argv[1],
			   v4 ? "224.0.0.0/4" : "ff00::/8");
		return;
	}
	*(v4 ? &g->vrrp_mcast_group4 : &g->vrrp_mcast_group6) = addr;
}

/* vrrp_min_garp: one GARP/NA on becoming master and no second burst.  It
 * sets the values at this point of the file, as keepalived does, so a
 * later vrrp_garp_master_* line still wins. */
static void handle_min_garp(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	if (!conf_get_bool(p, a, 1, &g->vrrp_min_garp) || !g->vrrp_min_garp)
		return;
	g->vrrp_garp_master_repeat = 1;
	g->vrrp_garp_master_delay_us = 0;
}

static void handle_dynamic_interfaces(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	if (a->argc > 1 && strcmp(a->argv[1], "allow_if_changes") != 0) {
		conf_error(p, a, "dynamic_interfaces: '%s' is not 'allow_if_changes'", a->argv[1]);
		return;
	}
	g->dynamic_interfaces = true;
	g->allow_if_changes = a->argc > 1;
}

static void handle_default_interface(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	if (conf_get_ifname(p, a, 1, &g->default_interface))
		g->default_interface_where = a->where;
}

/* A VMAC is named PREFIX.VRID, which must fit an interface name. */
#define GLOBAL_VMAC_PREFIX_MAX 11

static void handle_vmac_prefix(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	char **dst = strcmp(a->argv[0], "vmac_prefix") == 0 ? &g->vmac_prefix : &g->vmac_addr_prefix;
	char *name = NULL;

	if (!conf_get_ifname(p, a, 1, &name))
		return;
	if (strlen(name) > GLOBAL_VMAC_PREFIX_MAX) {
		conf_error(p, a, "%s: '%s' is longer than %d characters (PREFIX.VRID must fit an "
			   "interface name)", a->argv[0], name, GLOBAL_VMAC_PREFIX_MAX);
		free(name);
		return;
	}
	free(*dst);
	*dst = name;
}

/* ---- LVS ---------------------------------------------------------------- */

static void handle_lvs_flush_on_stop(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	if (a->argc > 1 && strcmp(a->argv[1], "VS") != 0) {
		conf_error(p, a, "lvs_flush_on_stop: '%s' is not 'VS'", a->argv[1]);
		return;
	}
	g->lvs_flush_on_stop = a->argc > 1 ? GLOBAL_FLUSH_ON_STOP_VS : GLOBAL_FLUSH_ON_STOP_ALL;
}

/* IPVS keeps timeouts in seconds; a month is far beyond any sane value. */
#define GLOBAL_LVS_TIMEOUT_MAX (31u * 86400u)

static void handle_lvs_timeouts(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	static const char *const names[] = { "tcp", "tcpfin", "udp", NULL };
	struct global_config *g = global_of(obj);
	uint32_t values[3] = { g->lvs_timeout_tcp_s, g->lvs_timeout_tcpfin_s, g->lvs_timeout_udp_s };

	if ((a->argc - 1) % 2) {
		conf_error(p, a, "lvs_timeouts: give pairs of tcp|tcpfin|udp SECONDS");
		return;
	}
	for (int i = 1; i < a->argc; i += 2) {
		int which;
		if (!conf_get_enum(p, a, i, names, &which) ||
		    !conf_get_u32(p, a, i + 1, 1, GLOBAL_LVS_TIMEOUT_MAX, &values[which]))
			return;
	}
	g->lvs_timeout_tcp_s = values[0];
	g->lvs_timeout_tcpfin_s = values[1];
	g->lvs_timeout_udp_s = values[2];
	g->has_lvs_timeouts = true;
}

enum sync_option { SYNC_ID, SYNC_MAXLEN, SYNC_PORT, SYNC_TTL, SYNC_GROUP };
static const char *const sync_option_names[] = { "id", "maxlen", "port", "ttl", "group", NULL };

static bool sync_option_value(struct conf_parser *p, const struct conf_args *a, int i,
			      int option, struct global_lvs_sync_daemon *d)
{
	switch (option) {
	case SYNC_ID:
		d->has_sync_id = true;
		return conf_get_u32(p, a, i, 0, 255, &d->sync_id);
	case SYNC_MAXLEN:
		return conf_get_u32(p, a, i, 1, 65507, &d->maxlen);
	case SYNC_PORT:
		return conf_get_port(p, a, i, true, &d->port);
	case SYNC_TTL:
		return conf_get_u32(p, a, i, 1, 255, &d->ttl);
	case SYNC_GROUP:
		if (!conf_get_addr(p, a, i, CONF_FAMILY_ANY, false, &d->group))
			return false;
		if (global_addr_is_multicast(&d->group))
			return true;
		conf_error(p, a, "lvs_sync_daemon: group '%s' is not a multicast address", a->argv[i]);
		return false;
	}
	return false;
}

static bool is_one_of(const char *word, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(word, *names) == 0)
			return true;
	return false;
}

/* Where the options start: after "IF", "IF INSTANCE" or "IF inst INSTANCE". */
static int sync_instance(const struct conf_args *a, struct global_lvs_sync_daemon *d)
{
	int i = 2;
	bool explicit_inst = i < a->argc && strcmp(a->argv[i], "inst") == 0;

	if (explicit_inst)
		i++;
	if (i < a->argc && (explicit_inst || !is_one_of(a->argv[i], sync_option_names))) {
		d->vrrp_instance = xstrdup(a->argv[i]);
		i++;
	}
	return i;
}

static void handle_lvs_sync_daemon(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	struct global_lvs_sync_daemon d = { .port = 8848, .group = g->lvs_sync_daemon.group,
					    .where = a->where };
	int i;

	if (!conf_get_ifname(p, a, 1, &d.ifname))
		return;
	for (i = sync_instance(a, &d); i < a->argc; i += 2) {
		int option;
		if (!conf_get_enum(p, a, i, sync_option_names, &option))
			break;
		if (i + 1 >= a->argc) {
			conf_error(p, a, "lvs_sync_daemon: '%s' needs a value", a->argv[i]);
			break;
		}
		if (!sync_option_value(p, a, i + 1, option, &d))
			break;
	}
	if (i < a->argc) {
		free(d.ifname);
		free(d.vrrp_instance);
		return;
	}
	free(g->lvs_sync_daemon.ifname);
	free(g->lvs_sync_daemon.vrrp_instance);
	g->lvs_sync_daemon = d;
}

/* nftables [TABLENAME]: the name goes into nft commands, so it is kept
 * to an identifier (and 64 characters); no name keeps vigil's default
 * table, "vigil" (keepalived's "keepalived" would collide with it). */
static void handle_nftables(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	const char *name = a->argc > 1 ? a->argv[1] : NULL;

	if (!name)
		return;
	if (strlen(name) > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789_") != strlen(name) || (name[0] >= '0' && name[0] <= '9')) {
		conf_error(p, a, "nftables: '%s' is not a table name (letters, digits and '_', "
			   "not starting with a digit, at most 64 characters)", name);
		return;
	}
	free(g->nftables_table);
	g->nftables_table = xstrdup(name);
}

const struct conf_keyword global_defs_vrrp_keywords[] = {
	GLOBAL_KW_FIELD("vrrp_version", 1, 1),
	GLOBAL_KW("vrrp_mcast_group4", handle_mcast_group, 1, 1),
	GLOBAL_KW("vrrp_mcast_group6", handle_mcast_group, 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_master_delay", 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_master_repeat", 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_lower_prio_delay", 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_lower_prio_repeat", 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_master_refresh", 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_master_refresh_repeat", 1, 1),
	GLOBAL_KW_FIELD("vrrp_garp_interval", 1, 1),
	GLOBAL_KW_FIELD("vrrp_gna_interval", 1, 1),
	GLOBAL_KW("vrrp_min_garp", handle_min_garp, 0, 1),
	GLOBAL_KW_FIELD("vrrp_down_timer_adverts", 1, 1),
	GLOBAL_KW_BOOL("vrrp_lower_prio_no_advert"),
	GLOBAL_KW_BOOL("vrrp_higher_prio_send_advert"),
	GLOBAL_KW_BOOL("vrrp_strict"),
	GLOBAL_KW_BOOL("vrrp_check_unicast_src"),
	GLOBAL_KW_BOOL("vrrp_skip_check_adv_addr"),
	GLOBAL_KW_FIELD("vrrp_startup_delay", 1, 1),
	GLOBAL_KW_BOOL("log_unknown_vrids"),
	GLOBAL_KW("vmac_prefix", handle_vmac_prefix, 1, 1),
	GLOBAL_KW("vmac_addr_prefix", handle_vmac_prefix, 1, 1),
	GLOBAL_KW("dynamic_interfaces", handle_dynamic_interfaces, 0, 1),
	GLOBAL_KW("default_interface", handle_default_interface, 1, 1),

	GLOBAL_KW_BOOL("lvs_flush"),
	GLOBAL_KW("lvs_flush_on_stop", handle_lvs_flush_on_stop, 0, 1),
	GLOBAL_KW("lvs_timeouts", handle_lvs_timeouts, 2, 6),
	GLOBAL_KW("lvs_sync_daemon", handle_lvs_sync_daemon, 1, 13),

	GLOBAL_KW_NOT_YET("vrrp_garp_extra_if", "periodic GARP/NA on interfaces other than the "
			  "instance's"),
	GLOBAL_KW_NOT_YET("vrrp_iptables", "firewall rules for no_accept mode"),
	GLOBAL_KW_NOT_YET("vrrp_ipsets", "firewall rules for no_accept mode"),
	GLOBAL_KW("nftables", handle_nftables, 0, 1),
	GLOBAL_KW_FIELD("nftables_priority", 1, 1),
	GLOBAL_KW_BOOL("nftables_counters"),
	GLOBAL_KW_NOT_YET("nftables_ifindex", "firewall rules for no_accept mode"),
	GLOBAL_KW_NOT_YET("nftables_ipvs", "fwmarks for virtual server groups"),
	GLOBAL_KW_NOT_YET("nftables_ipvs_priority", "fwmarks for virtual server groups"),
	GLOBAL_KW_NOT_YET("nftables_ipvs_start_fwmark", "fwmarks for virtual server groups"),
	GLOBAL_KW_NOT_YET("disable_local_igmp", "changing igmp_link_local_mcast_reports"),
	GLOBAL_KW_NOT_YET("vrrp_netlink_cmd_rcv_bufs", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("vrrp_netlink_cmd_rcv_bufs_force", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("vrrp_netlink_monitor_rcv_bufs", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("vrrp_netlink_monitor_rcv_bufs_force", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("lvs_netlink_cmd_rcv_bufs", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("lvs_netlink_cmd_rcv_bufs_force", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("lvs_netlink_monitor_rcv_bufs", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("lvs_netlink_monitor_rcv_bufs_force", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("vrrp_rx_bufs_policy", "receive buffer sizing"),
	GLOBAL_KW_NOT_YET("vrrp_rx_bufs_multiplier", "receive buffer sizing"),
	GLOBAL_KW_END,
};
