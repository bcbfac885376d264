/* no_accept through libnftables (see vrrp_noaccept.h).  The table, made
 * in one transaction when the first VIP is added:
 *
 *   table inet vigil {
 *       set vips4 { type ipv4_addr; }
 *       set vips6 { type ipv6_addr; }
 *       chain no_accept {
 *           type filter hook input priority -1; policy accept;
 *           icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
 *           ip daddr @vips4 drop
 *           ip6 daddr @vips6 drop
 *       }
 *   }
 *
 * Neighbour discovery stays open: a neighbour checking reachability sends
 * its solicitation unicast to the VIP, and a master must keep answering
 * for its addresses (RFC 5798 8.3; ARP is not IP and never reaches this
 * hook).  VRRP adverts go to the group or a peer's own address, never to
 * a VIP, so they pass. */
#include "config.h"
#include "vrrp/vrrp_noaccept.h"
#include "log.h"
#include "xalloc.h"

#include "vrrp/late_nft.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <unistd.h>

struct vrrp_noaccept {
	struct nft_ctx *nft;     /* made with the first VIP: libnftables is
				  * loaded only when something is filtered */
	char *table;
	int32_t priority;
	bool counters;
	bool created;            /* the table is ours and in the kernel */
};

/* Runs one transaction; nft's message is logged on failure unless quiet. */
static int run(struct vrrp_noaccept *na, const char *cmd, bool quiet)
{
	int rc = nft_run_cmd_from_buffer(na->nft, cmd);
	const char *err = nft_ctx_get_error_buffer(na->nft);

	if (rc != 0 && !quiet)
		log_error("nftables table inet %s: %s", na->table,
			  err && *err ? err : "command failed");
	return rc != 0 ? -1 : 0;
}

/* libnftables and its context, once. */
static bool open_nft(struct vrrp_noaccept *na)
{
	if (na->nft)
		return true;
	if (!late_lib_load(&late_nft, "no_accept's packet filter"))
		return false;
	na->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!na->nft) {
		log_error("no_accept: cannot make an nftables context");
		return false;
	}
	nft_ctx_buffer_output(na->nft);
	nft_ctx_buffer_error(na->nft);
	return true;
}

static int on_table(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(bool *)arg = true;
	return NL_OK;
}

/* Whether table inet NAME is in the kernel, asked over nfnetlink with
 * libnl (one GETTABLE) so that a run which never filters does not load
 * libnftables only to look. */
static bool table_exists(const char *name)
{
	struct nfgenmsg hdr = { .nfgen_family = NFPROTO_INET, .version = NFNETLINK_V0 };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE,
						NLM_F_REQUEST);
	bool found = false;

	if (sk && msg && nl_connect(sk, NETLINK_NETFILTER) == 0
	    && nlmsg_append(msg, &hdr, sizeof(hdr), NLMSG_ALIGNTO) == 0
	    && nla_put_string(msg, NFTA_TABLE_NAME, name) == 0) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_table, &found);
		/* a missing table is an ENOENT error message: found stays false */
		if (nl_send_auto(sk, msg) >= 0)
			nl_recvmsgs_default(sk);
	}
	nlmsg_free(msg);
	nl_socket_free(sk);
	return found;
}

/* A table of our name at start is a crash's leftover: it would keep
 * dropping traffic to addresses this run may own with accept. */
static void remove_stale(struct vrrp_noaccept *na)
{
	char *list = xasprintf("list table inet %s", na->table);
	char *del = xasprintf("delete table inet %s", na->table);

	if (run(na, list, true) == 0 && run(na, del, false) == 0)
		log_notice("removed nftables table inet %s, left by an earlier run", na->table);
	free(list);
	free(del);
}

/* libnftables exits the whole process when the kernel has no nfnetlink
 * (its netlink socket cannot be opened), so the kernel is asked first. */
static bool nfnetlink_available(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

struct vrrp_noaccept *vrrp_noaccept_new(const struct vrrp_noaccept_settings *s)
{
	struct vrrp_noaccept *na;

	if (!nfnetlink_available())
		return NULL;
	na = XNEW(struct vrrp_noaccept);
	na->table = xstrdup(s->table ? s->table : VRRP_NOACCEPT_TABLE_DEFAULT);
	na->priority = s->priority;
	na->counters = s->counters;
	if (table_exists(na->table) && open_nft(na))
		remove_stale(na);
	return na;
}

void vrrp_noaccept_free(struct vrrp_noaccept *na)
{
	if (!na)
		return;
	if (na->created) {
		char *cmd = xasprintf("delete table inet %s", na->table);

		run(na, cmd, false);
		free(cmd);
	}
	if (na->nft)
		nft_ctx_free(na->nft);
	free(na->table);
	free(na);
}

static char *create_cmd(const struct vrrp_noaccept *na)
{
	const char *t = na->table, *count = na->counters ? "counter " : "";

	return xasprintf("add table inet %s\n"
			 "add set inet %s vips4 { type ipv4_addr; }\n"
			 "add set inet %s vips6 { type ipv6_addr; }\n"
			 "add chain inet %s no_accept { type filter hook input priority %d; "
			 "policy accept; }\n"
			 "add rule inet %s no_accept icmpv6 type "
			 "{ nd-neighbor-solicit, nd-neighbor-advert } accept\n"
			 "add rule inet %s no_accept ip daddr @vips4 %sdrop\n"
			 "add rule inet %s no_accept ip6 daddr @vips6 %sdrop\n",
			 t, t, t, t, (int)na->priority, t, t, count, t, count);
}

/* The table is created with the first element, in the same transaction,
 * so there is never a table without the address that needed it. */
static int change(struct vrrp_noaccept *na, const struct vigil_addr *addr, bool add)
{
	struct vigil_addr a = *addr;
	char text[VIGIL_ADDR_STRLEN];
	char *create, *cmd;
	int rc;

	if (!add && !na->created)
		return 0;
	if (!open_nft(na))
		return -1;
	create = add && !na->created ? create_cmd(na) : xstrdup("");
	a.has_prefix = false;
	cmd = xasprintf("%s%s element inet %s %s { %s }\n", create, add ? "add" : "delete",
			na->table, a.family == AF_INET ? "vips4" : "vips6",
			vigil_addr_to_string(&a, text, sizeof(text)));
	rc = run(na, cmd, false);
	if (rc == 0 && add && !na->created) {
		na->created = true;
		log_info("no_accept: created nftables table inet %s", na->table);
	}
	free(cmd);
	free(create);
	return rc;
}

int vrrp_noaccept_add(struct vrrp_noaccept *na, const struct vigil_addr *addr)
{
	return change(na, addr, true);
}

int vrrp_noaccept_del(struct vrrp_noaccept *na, const struct vigil_addr *addr)
{
	return change(na, addr, false);
}

const char *vrrp_noaccept_table(const struct vrrp_noaccept *na)
{
	return na->table;
}
