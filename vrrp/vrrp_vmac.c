/* VMAC (macvlan) interfaces through libnl-route, and the sysctls that
 * make them behave; see vrrp_vmac.h for what and why. */
#include "config.h"
#include "vrrp/vrrp_vmac.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

const char *const vrrp_vmac_setup_names[VRRP_VMAC_SETUP_COUNT] = {
	[VRRP_VMAC_CREATED] = "created",
	[VRRP_VMAC_REUSED] = "reused",
	[VRRP_VMAC_REPLACED] = "replaced",
};

struct vmac_entry {
	char name[IF_NAMESIZE];
	char base[IF_NAMESIZE];
	bool parked;                /* released during a reload */
};

/* A base interface whose ARP sysctls we changed, and their old values. */
struct vmac_base {
	char name[IF_NAMESIZE];
	unsigned users;
	int old_arp_ignore, old_arp_announce;       /* -1: unknown, not restored */
};

struct vrrp_vmac_set {
	struct nl_sock *sk;
	int last_errno;             /* the kernel's answer to the last request */
	struct ptr_array entries;   /* struct vmac_entry */
	struct ptr_array bases;     /* struct vmac_base */
	bool holding;
	bool keep_links;            /* vigild -V: the VIPs on them stay */
	bool warned_rp_filter, warned_igmp;
};

/* ---- addresses and names -------------------------------------------------------------- */

void vrrp_vmac_mac(int family, uint8_t vrid, const uint8_t *conf_mac, size_t conf_len,
		   uint8_t out[VRRP_VMAC_MAC_LEN])
{
	static const uint8_t rfc[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };

	memcpy(out, rfc, sizeof(rfc));
	if (family == AF_INET6)
		out[4] = 0x02;
	out[5] = vrid;
	if (conf_mac && conf_len >= 5)
		memcpy(out, conf_mac, conf_len >= VRRP_VMAC_MAC_LEN ? VRRP_VMAC_MAC_LEN : 5);
}

void vrrp_vmac_default_name(const char *prefix, uint8_t vrid, char *out, size_t len)
{
	snprintf(out, len, "%s.%u", prefix ? prefix : "vrrp", (unsigned)vrid);
}

/* ---- sysctls ------------------------------------------------------------------------- */

static int sysctl_path(char *path, size_t len, const char *family, const char *ifname,
		       const char *key)
{
	int n = snprintf(path, len, "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int read_int(const char *path)
{
	int value = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%d", &value) != 1)
		value = -1;
	fclose(f);
	return value;
}

/* -1 when unreadable. */
static int sysctl_read(const char *family, const char *ifname, const char *key)
{
	char path[128];

	return sysctl_path(path, sizeof(path), family, ifname, key) ? -1 : read_int(path);
}

static int sysctl_write(const char *family, const char *ifname, const char *key, int value)
{
	char path[128];
	FILE *f;
	int rc = sysctl_path(path, sizeof(path), family, ifname, key);

	if (rc)
		return rc;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", value);
	rc = fclose(f) == 0 ? 0 : -errno;
	return rc;
}

/* A sysctl we could not set is worth an operator's look, not a refusal:
 * the VMAC still carries the VIPs. */
static void set_or_warn(const char *family, const char *ifname, const char *key, int value)
{
	int rc = sysctl_write(family, ifname, key, value);

	if (rc < 0)
		log_warning("VMAC: cannot set net.%s.conf.%s.%s to %d: %s", family, ifname, key,
			    value, strerror(-rc));
}

static void configure_vmac(struct vrrp_vmac_set *set, const char *name)
{
	set_or_warn("ipv4", name, "arp_ignore", 1);
	set_or_warn("ipv4", name, "arp_announce", 2);
	set_or_warn("ipv4", name, "rp_filter", 0);
	/* An IPv6-less kernel has no ipv6 directory: nothing to stop then. */
	if (sysctl_read("ipv6", name, "addr_gen_mode") >= 0)
		set_or_warn("ipv6", name, "addr_gen_mode", 1);
}

/* Settings of the whole namespace that work against a VMAC: said once. */
static void warn_system_settings(struct vrrp_vmac_set *set)
{
	if (!set->warned_rp_filter && sysctl_read("ipv4", "all", "rp_filter") == 1) {
		set->warned_rp_filter = true;
		log_warning("VMAC: net.ipv4.conf.all.rp_filter is 1 (strict): packets for virtual "
			    "addresses arriving on a VMAC will be dropped; set it to 0 or 2");
	}
	/* Joining the VRRP group on a backup's VMAC sends IGMP reports from
	 * the shared MAC, and a switch then sends the master's traffic to
	 * the backup until the next advert.  Only this global knob stops
	 * them (keepalived's disable_local_igmp, or its firewall rules). */
	if (!set->warned_igmp &&
	    read_int("/proc/sys/net/ipv4/igmp_link_local_mcast_reports") == 1) {
		set->warned_igmp = true;
		log_warning("VMAC: backups report their VRRP group membership (IGMP, MLD) from "
			    "the virtual MAC; for IPv4, net.ipv4.igmp_link_local_mcast_reports=0 "
			    "stops it");
	}
}

static void configure_base(const char *name)
{
	set_or_warn("ipv4", name, "arp_ignore", 1);
	set_or_warn("ipv4", name, "arp_announce", 2);
}

static struct vmac_base *find_base(struct vrrp_vmac_set *set, const char *name)
{
	for (size_t i = 0; i < set->bases.count; i++) {
		struct vmac_base *b = set->bases.items[i];

		if (strcmp(b->name, name) == 0)
			return b;
	}
	return NULL;
}

static void base_use(struct vrrp_vmac_set *set, const char *name)
{
	struct vmac_base *b = find_base(set, name);

	if (!b) {
		b = XNEW(struct vmac_base);
		snprintf(b->name, sizeof(b->name), "%s", name);
		b->old_arp_ignore = sysctl_read("ipv4", name, "arp_ignore");
		b->old_arp_announce = sysctl_read("ipv4", name, "arp_announce");
		ptr_array_push(&set->bases, b);
	}
	b->users++;
	configure_base(name);
}

static void base_unuse(struct vrrp_vmac_set *set, const char *name)
{
	struct vmac_base *b = find_base(set, name);

	if (!b || --b->users > 0)
		return;
	/* The base may be gone by now: nothing to restore then. */
	if (b->old_arp_ignore >= 0)
		sysctl_write("ipv4", name, "arp_ignore", b->old_arp_ignore);
	if (b->old_arp_announce >= 0)
		sysctl_write("ipv4", name, "arp_announce", b->old_arp_announce);
	for (size_t i = 0; i < set->bases.count; i++)
		if (set->bases.items[i] == b)
			set->bases.items[i] = set->bases.items[--set->bases.count];
	free(b);
}

/* ---- netlink ------------------------------------------------------------------------- */

/* libnl folds the kernel's errno into its own codes; keep the kernel's. */
static int on_request_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vrrp_vmac_set *set = arg;

	(void)who;
	set->last_errno = e->error;
	return NL_STOP;
}

static int nl_result(struct vrrp_vmac_set *set, int rc)
{
	if (rc >= 0)
		return 0;
	return set->last_errno ? set->last_errno : -EIO;
}

struct vrrp_vmac_set *vrrp_vmac_set_new(int *err)
{
	struct vrrp_vmac_set *set = XNEW(struct vrrp_vmac_set);
	int rc = -ENOMEM;

	set->sk = nl_socket_alloc();
	if (set->sk)
		rc = nl_connect(set->sk, NETLINK_ROUTE) < 0 ? -EIO : 0;
	if (rc == 0) {
		nl_socket_modify_err_cb(set->sk, NL_CB_CUSTOM, on_request_error, set);
	} else {
		if (set->sk)
			nl_socket_free(set->sk);
		free(set);
		set = NULL;
	}
	if (err)
		*err = rc;
	return set;
}

static int delete_link(struct vrrp_vmac_set *set, const char *name)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int rc;

	if (!link)
		return -ENOMEM;
	rtnl_link_set_name(link, name);
	set->last_errno = 0;
	rc = nl_result(set, rtnl_link_delete(set->sk, link));
	rtnl_link_put(link);
	return rc == -ENODEV ? 0 : rc;
}

static int create_link(struct vrrp_vmac_set *set, const char *name, int base_ifindex,
		       const uint8_t mac[VRRP_VMAC_MAC_LEN])
{
	struct rtnl_link *link = rtnl_link_macvlan_alloc();
	struct nl_addr *addr = nl_addr_build(AF_LLC, mac, VRRP_VMAC_MAC_LEN);
	int rc = -ENOMEM;

	if (link && addr) {
		rtnl_link_set_name(link, name);
		rtnl_link_set_link(link, base_ifindex);
		rtnl_link_set_addr(link, addr);
		rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_PRIVATE);
		set->last_errno = 0;
		rc = nl_result(set, rtnl_link_add(set->sk, link, NLM_F_CREATE | NLM_F_EXCL));
	}
	if (addr)
		nl_addr_put(addr);
	if (link)
		rtnl_link_put(link);
	return rc;
}

/* What an interface of the wanted name is. */
enum found { FOUND_NONE, FOUND_AS_WANTED, FOUND_OTHER_MACVLAN, FOUND_NOT_MACVLAN };

static bool same_mac(struct rtnl_link *link, const uint8_t mac[VRRP_VMAC_MAC_LEN])
{
	struct nl_addr *a = rtnl_link_get_addr(link);

	return a && nl_addr_get_len(a) == VRRP_VMAC_MAC_LEN &&
	       memcmp(nl_addr_get_binary_addr(a), mac, VRRP_VMAC_MAC_LEN) == 0;
}

static enum found inspect(struct vrrp_vmac_set *set, const char *name, int base_ifindex,
			  const uint8_t mac[VRRP_VMAC_MAC_LEN])
{
	struct rtnl_link *link = NULL;
	enum found what;

	if (rtnl_link_get_kernel(set->sk, 0, name, &link) < 0 || !link)
		return FOUND_NONE;
	if (!rtnl_link_is_macvlan(link))
		what = FOUND_NOT_MACVLAN;
	else if (rtnl_link_get_link(link) == base_ifindex && same_mac(link, mac) &&
		 rtnl_link_macvlan_get_mode(link) == MACVLAN_MODE_PRIVATE)
		what = FOUND_AS_WANTED;
	else
		what = FOUND_OTHER_MACVLAN;
	rtnl_link_put(link);
	return what;
}

static int bring_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		rc = -errno;
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}

/* ---- the set ----------------------------------------------------------------------------- */

static struct vmac_entry *find_entry(struct vrrp_vmac_set *set, const char *name, size_t *at)
{
	for (size_t i = 0; i < set->entries.count; i++) {
		struct vmac_entry *e = set->entries.items[i];

		if (strcmp(e->name, name) == 0) {
			if (at)
				*at = i;
			return e;
		}
	}
	return NULL;
}

/* The interface exists as wanted when this returns 0. */
static int make_link(struct vrrp_vmac_set *set, const char *name, int base_ifindex,
		     const uint8_t mac[VRRP_VMAC_MAC_LEN], enum vrrp_vmac_setup *setup)
{
	int rc;

	switch (inspect(set, name, base_ifindex, mac)) {
	case FOUND_AS_WANTED:
		*setup = VRRP_VMAC_REUSED;
		return 0;
	case FOUND_NOT_MACVLAN:
		return -EEXIST;
	case FOUND_OTHER_MACVLAN:
		*setup = VRRP_VMAC_REPLACED;
		rc = delete_link(set, name);
		if (rc < 0)
			return rc;
		break;
	case FOUND_NONE:
		*setup = VRRP_VMAC_CREATED;
		break;
	}
	return create_link(set, name, base_ifindex, mac);
}

/* Held from now on, with its base's ARP settings (a parked entry taken
 * back may have moved to another base). */
static void record_entry(struct vrrp_vmac_set *set, struct vmac_entry *e, const char *name,
			 const char *base)
{
	if (!e || strcmp(e->base, base) != 0)
		base_use(set, base);
	if (e && strcmp(e->base, base) != 0)
		base_unuse(set, e->base);
	if (!e) {
		e = XNEW(struct vmac_entry);
		ptr_array_push(&set->entries, e);
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->base, sizeof(e->base), "%s", base);
	e->parked = false;
}

/* Brings the interface made by make_link() up: its ifindex, or a
 * negative errno. */
static int finish_link(const char *name)
{
	int rc = bring_up(name);
	int ifindex = (int)if_nametoindex(name);

	if (rc == 0 && ifindex <= 0)
		rc = -ENODEV;
	return rc < 0 ? rc : ifindex;
}

int vrrp_vmac_acquire(struct vrrp_vmac_set *set, const char *name, const char *base,
		      const uint8_t mac[VRRP_VMAC_MAC_LEN], enum vrrp_vmac_setup *setup)
{
	struct vmac_entry *e = find_entry(set, name, NULL);
	int base_ifindex = (int)if_nametoindex(base);
	int rc, ifindex;

	if (strlen(name) >= IF_NAMESIZE || strlen(base) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	if (base_ifindex <= 0)
		return -ENODEV;
	if (e && !e->parked)
		return -EBUSY;
	rc = make_link(set, name, base_ifindex, mac, setup);
	if (rc < 0)
		return rc;
	configure_vmac(set, name);
	warn_system_settings(set);
	record_entry(set, e, name, base);
	ifindex = finish_link(name);
	if (ifindex < 0)
		vrrp_vmac_release(set, name);
	return ifindex;
}

/* The entry stays held whatever happens, so the caller may retry or
 * release without knowing how far this got. */
int vrrp_vmac_reacquire(struct vrrp_vmac_set *set, const char *name,
			const uint8_t mac[VRRP_VMAC_MAC_LEN], enum vrrp_vmac_setup *setup)
{
	struct vmac_entry *e = find_entry(set, name, NULL);
	int base_ifindex, rc;

	if (!e || e->parked)
		return -ENOENT;
	base_ifindex = (int)if_nametoindex(e->base);
	if (base_ifindex <= 0)
		return -ENODEV;
	rc = make_link(set, name, base_ifindex, mac, setup);
	if (rc < 0)
		return rc;
	configure_vmac(set, name);
	/* A base deleted and made again has the kernel's defaults back. */
	configure_base(e->base);
	return finish_link(name);
}

static void drop_entry(struct vrrp_vmac_set *set, size_t at)
{
	struct vmac_entry *e = set->entries.items[at];
	int rc = set->keep_links ? 0 : delete_link(set, e->name);

	if (rc < 0)
		log_warning("VMAC %s: cannot delete it: %s", e->name, strerror(-rc));
	base_unuse(set, e->base);
	set->entries.items[at] = set->entries.items[--set->entries.count];
	free(e);
}

void vrrp_vmac_release(struct vrrp_vmac_set *set, const char *name)
{
	size_t at;
	struct vmac_entry *e = find_entry(set, name, &at);

	if (!e)
		return;
	if (set->holding)
		e->parked = true;
	else
		drop_entry(set, at);
}

void vrrp_vmac_hold_begin(struct vrrp_vmac_set *set)
{
	set->holding = true;
}

void vrrp_vmac_hold_end(struct vrrp_vmac_set *set)
{
	set->holding = false;
	for (size_t i = set->entries.count; i-- > 0;) {
		struct vmac_entry *e = set->entries.items[i];

		if (e->parked)
			drop_entry(set, i);
	}
}

void vrrp_vmac_set_keep_links(struct vrrp_vmac_set *set)
{
	if (set)
		set->keep_links = true;
}

void vrrp_vmac_set_free(struct vrrp_vmac_set *set)
{
	if (!set)
		return;
	set->holding = false;
	while (set->entries.count)
		drop_entry(set, set->entries.count - 1);
	ptr_array_free(&set->entries, free);
	ptr_array_free(&set->bases, free);
	nl_socket_free(set->sk);
	free(set);
}
