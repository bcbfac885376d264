#include "config.h"
#include "lvs_probe.h"

#include <stdio.h>

#ifdef WITH_LVS
#include <linux/ip_vs.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

struct probe_result {
	bool answered;
	unsigned version;
};

static int probe_parse_info(struct nl_msg *msg, void *arg)
{
	struct probe_result *result = arg;
	struct nlattr *attrs[IPVS_INFO_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, IPVS_INFO_ATTR_MAX, NULL) < 0)
		return NL_SKIP;
	if (attrs[IPVS_INFO_ATTR_VERSION]) {
		result->version = nla_get_u32(attrs[IPVS_INFO_ATTR_VERSION]);
		result->answered = true;
	}
	return NL_OK;
}

/* Sends IPVS_CMD_GET_INFO to the resolved family and waits for the answer. */
static bool probe_get_info(struct nl_sock *sock, int family, struct probe_result *result)
{
	struct nl_msg *msg = nlmsg_alloc();
	bool ok = false;

	if (!msg)
		return false;
	if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, IPVS_CMD_GET_INFO,
			IPVS_GENL_VERSION) &&
	    nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, probe_parse_info, result) == 0 &&
	    nl_send_auto(sock, msg) >= 0 && nl_recvmsgs_default(sock) >= 0)
		ok = result->answered;
	nlmsg_free(msg);
	return ok;
}

bool lvs_probe(char *version, size_t len)
{
	struct probe_result result = { 0 };
	struct nl_sock *sock = nl_socket_alloc();
	int family;
	bool ok = false;

	if (!sock || genl_connect(sock) < 0) {
		snprintf(version, len, "cannot open a generic netlink socket");
		goto out;
	}
	family = genl_ctrl_resolve(sock, IPVS_GENL_NAME);
	if (family < 0) {
		snprintf(version, len, "no IPVS in this kernel");
		goto out;
	}
	ok = probe_get_info(sock, family, &result);
	if (ok)
		snprintf(version, len, "%u.%u.%u", (result.version >> 16) & 0xff,
			 (result.version >> 8) & 0xff, result.version & 0xff);
	else
		snprintf(version, len, "IPVS did not answer");
out:
	nl_socket_free(sock);
	return ok;
}

#else

bool lvs_probe(char *version, size_t len)
{
	snprintf(version, len, "vigil was built with --disable-lvs");
	return false;
}

#endif
