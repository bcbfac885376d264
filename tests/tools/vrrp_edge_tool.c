/* A test-only driver for the VRRP edge modules (vrrp_vip, vrrp_announce),
 * so the network tests can exercise them in namespaces without a daemon.
 *
 *   vrrp_edge_tool vip-add IFACE ADDR[/LEN] [OPTION...]
 *   vrrp_edge_tool vip-del IFACE ADDR[/LEN] [OPTION...]
 *       OPTION: label L | brd ADDR|+|- | scope NAME | peer ADDR[/LEN] |
 *               preferred_lft N|forever | dev IFACE | nodad | home |
 *               mngtmpaddr | noprefixroute | autojoin
 *   vrrp_edge_tool vip-present IFACE ADDR     prints "present" or "absent"
 *   vrrp_edge_tool garp IFACE ADDR [COUNT]
 *   vrrp_edge_tool na IFACE ADDR [COUNT]
 *   vrrp_edge_tool monitor IFACE SECONDS      prints "ready", then one line
 *       "removed ADDR/LEN" / "added ADDR/LEN" per change on IFACE
 *
 * Exit status 0 on success, 1 on a failure (message on stderr), 2 on bad
 * usage. */
#include "config.h"

#include "vrrp/vrrp_announce.h"
#include "vrrp/vrrp_vip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static int usage(const char *why)
{
	fprintf(stderr, "vrrp_edge_tool: %s (see the comment at the top of the source)\n", why);
	return 2;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "vrrp_edge_tool: %s: %s\n", what, strerror(-err));
	return 1;
}

/* "ADDR" or "ADDR/LEN"; the length defaults to the full address. */
static bool parse_addr(const char *text, struct vigil_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	long len;
	int max;

	memset(out, 0, sizeof(*out));
	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	out->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->family, buf, &out->u) != 1)
		return false;
	max = out->family == AF_INET6 ? 128 : 32;
	out->prefix_len = (uint8_t)max;
	if (!slash)
		return true;
	len = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || len < 0 || len > max)
		return false;
	out->prefix_len = (uint8_t)len;
	out->has_prefix = true;
	return true;
}

static bool parse_brd(const char *text, struct vrrp_ipaddress_config *ip)
{
	if (!strcmp(text, "+") || !strcmp(text, "-")) {
		ip->brd_mode = text[0] == '+' ? VRRP_BRD_SET : VRRP_BRD_CLEAR;
		return true;
	}
	ip->brd_mode = VRRP_BRD_ADDR;
	return parse_addr(text, &ip->brd);
}

static bool parse_scope(const char *text, struct vrrp_ipaddress_config *ip)
{
	for (int i = 0; vrrp_addr_scope_names[i]; i++)
		if (!strcmp(text, vrrp_addr_scope_names[i])) {
			ip->scope = (enum vrrp_addr_scope)i;
			return true;
		}
	return false;
}

static bool parse_lft(const char *text, struct vrrp_ipaddress_config *ip)
{
	char *end;

	ip->has_preferred_lft = true;
	if (!strcmp(text, "forever")) {
		ip->preferred_lft = VRRP_PREFERRED_LFT_FOREVER;
		return true;
	}
	ip->preferred_lft = (uint32_t)strtoul(text, &end, 10);
	return *text && !*end;
}

/* Options with a value; returns false on an unknown one or a bad value. */
static bool parse_valued(const char *key, const char *value, struct vrrp_ipaddress_config *ip)
{
	if (!strcmp(key, "label"))
		return (ip->label = (char *)value) != NULL;
	if (!strcmp(key, "dev"))
		return (ip->dev = (char *)value) != NULL;
	if (!strcmp(key, "brd"))
		return parse_brd(value, ip);
	if (!strcmp(key, "scope"))
		return parse_scope(value, ip);
	if (!strcmp(key, "peer"))
		return (ip->has_peer = parse_addr(value, &ip->peer));
	if (!strcmp(key, "preferred_lft"))
		return parse_lft(value, ip);
	return false;
}

static bool parse_flag(const char *key, struct vrrp_ipaddress_config *ip)
{
	static const struct { const char *name; size_t offset; } flags[] = {
		{ "nodad", offsetof(struct vrrp_ipaddress_config, nodad) },
		{ "home", offsetof(struct vrrp_ipaddress_config, home) },
		{ "mngtmpaddr", offsetof(struct vrrp_ipaddress_config, mngtmpaddr) },
		{ "noprefixroute", offsetof(struct vrrp_ipaddress_config, noprefixroute) },
		{ "autojoin", offsetof(struct vrrp_ipaddress_config, autojoin) },
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(key, flags[i].name)) {
			*(bool *)((char *)ip + flags[i].offset) = true;
			return true;
		}
	return false;
}

static bool parse_vip(int argc, char **argv, struct vrrp_ipaddress_config *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (argc < 1 || !parse_addr(argv[0], &ip->addr))
		return false;
	for (int i = 1; i < argc; i++) {
		if (parse_flag(argv[i], ip))
			continue;
		if (i + 1 >= argc || !parse_valued(argv[i], argv[i + 1], ip))
			return false;
		i++;
	}
	return true;
}

static int ifindex_of(const char *ifname)
{
	return (int)if_nametoindex(ifname);
}

static int cmd_vip(int argc, char **argv, bool add)
{
	struct vrrp_ipaddress_config ip;
	struct vrrp_vip_ctx *ctx;
	int ifindex, rc;

	if (argc < 2 || !parse_vip(argc - 1, argv + 1, &ip))
		return usage("vip-add/vip-del IFACE ADDR[/LEN] [OPTION...]");
	ifindex = ifindex_of(argv[0]);
	if (!ifindex)
		return fail(argv[0], -ENODEV);
	ctx = vrrp_vip_open(&rc);
	if (!ctx)
		return fail("netlink", rc);
	rc = add ? vrrp_vip_add(ctx, &ip, ifindex) : vrrp_vip_del(ctx, &ip, ifindex);
	vrrp_vip_close(ctx);
	return rc < 0 ? fail(add ? "vip-add" : "vip-del", rc) : 0;
}

static int cmd_vip_present(int argc, char **argv)
{
	struct vigil_addr addr;
	struct vrrp_vip_ctx *ctx;
	int ifindex, rc;

	if (argc != 2 || !parse_addr(argv[1], &addr))
		return usage("vip-present IFACE ADDR");
	ifindex = ifindex_of(argv[0]);
	if (!ifindex)
		return fail(argv[0], -ENODEV);
	ctx = vrrp_vip_open(&rc);
	if (!ctx)
		return fail("netlink", rc);
	rc = vrrp_vip_present(ctx, ifindex, &addr);
	vrrp_vip_close(ctx);
	if (rc < 0)
		return fail("vip-present", rc);
	printf("%s\n", rc ? "present" : "absent");
	return 0;
}

/* garp and na: look the interface up, open the sockets, send COUNT. */
static int cmd_announce(int argc, char **argv, int family)
{
	struct vrrp_announce_if ifc;
	struct vrrp_announcer a;
	struct vigil_addr addr;
	int count = argc > 2 ? atoi(argv[2]) : 1;
	int rc;

	if (argc < 2 || argc > 3 || !parse_addr(argv[1], &addr) || addr.family != family ||
	    count < 1)
		return usage(family == AF_INET ? "garp IFACE IPV4 [COUNT]" : "na IFACE IPV6 [COUNT]");
	rc = vrrp_announce_if_lookup(ifindex_of(argv[0]), &ifc);
	if (rc < 0)
		return fail(argv[0], rc);
	rc = vrrp_announcer_open(&a);
	if (rc < 0)
		return fail("sockets", rc);
	for (int i = 0; i < count && rc == 0; i++)
		rc = family == AF_INET ? vrrp_announce_garp(&a, &ifc, addr.u.v4)
				       : vrrp_announce_na(&a, &ifc, &addr.u.v6);
	vrrp_announcer_close(&a);
	return rc < 0 ? fail(family == AF_INET ? "garp" : "na", rc) : 0;
}

struct monitor_run {
	int ifindex;
};

static void print_change(const char *what, void *data, int ifindex, const struct vigil_addr *addr)
{
	const struct monitor_run *run = data;
	char text[INET6_ADDRSTRLEN];

	if (ifindex != run->ifindex)
		return;
	inet_ntop(addr->family, &addr->u, text, sizeof(text));
	printf("%s %s/%u\n", what, text, addr->prefix_len);
	fflush(stdout);
}

static void on_removed(void *data, int ifindex, const struct vigil_addr *addr)
{
	print_change("removed", data, ifindex, addr);
}

static void on_added(void *data, int ifindex, const struct vigil_addr *addr)
{
	print_change("added", data, ifindex, addr);
}

static void on_resync(void *data)
{
	(void)data;
	printf("resync\n");
	fflush(stdout);
}

static void on_timeout(uv_timer_t *timer)
{
	vrrp_vip_monitor_stop(timer->data);
	uv_close((uv_handle_t *)timer, NULL);
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct vrrp_vip_monitor_ops ops = {
		.on_address_removed = on_removed,
		.on_address_added = on_added,
		.on_resync = on_resync,
	};
	struct monitor_run run;
	struct vrrp_vip_monitor *mon;
	uv_loop_t *loop = uv_default_loop();
	uv_timer_t timer;
	double seconds;
	int rc;

	if (argc != 2 || (seconds = atof(argv[1])) <= 0)
		return usage("monitor IFACE SECONDS");
	run.ifindex = ifindex_of(argv[0]);
	if (!run.ifindex)
		return fail(argv[0], -ENODEV);
	mon = vrrp_vip_monitor_start(loop, &ops, &run, &rc);
	if (!mon)
		return fail("monitor", rc);
	uv_timer_init(loop, &timer);
	timer.data = mon;
	uv_timer_start(&timer, on_timeout, (uint64_t)(seconds * 1000), 0);
	printf("ready\n");
	fflush(stdout);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "vip-add") || !strcmp(cmd, "vip-del"))
		return cmd_vip(argc - 2, argv + 2, !strcmp(cmd, "vip-add"));
	if (!strcmp(cmd, "vip-present"))
		return cmd_vip_present(argc - 2, argv + 2);
	if (!strcmp(cmd, "garp"))
		return cmd_announce(argc - 2, argv + 2, AF_INET);
	if (!strcmp(cmd, "na"))
		return cmd_announce(argc - 2, argv + 2, AF_INET6);
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(argc - 2, argv + 2);
	return usage("unknown command");
}
