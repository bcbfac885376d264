/* The VRRP worker's subagent: which MIBs are registered, following
 * global_defs across reloads (see snmp_vrrp.h). */
#include "config.h"
#include "snmp/snmp_vrrp_private.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const snmp_vrrp_mib_names[SNMP_VRRP_MIB_COUNT] = {
	[SNMP_VRRP_MIB_KEEPALIVED] = "KEEPALIVED-MIB",
	[SNMP_VRRP_MIB_RFC2787] = "VRRP-MIB",
	[SNMP_VRRP_MIB_RFC6527] = "VRRPv3-MIB",
};

static const struct snmp_vrrp_mib_desc *const mib_descs[SNMP_VRRP_MIB_COUNT] = {
	[SNMP_VRRP_MIB_KEEPALIVED] = &snmp_vrrp_keepalived_desc,
	[SNMP_VRRP_MIB_RFC2787] = &snmp_vrrp_rfc2787_desc,
	[SNMP_VRRP_MIB_RFC6527] = &snmp_vrrp_rfc6527_desc,
};

bool snmp_vrrp_wanted(const struct global_config *g)
{
	return g->snmp_vrrp || g->snmp_rfcv2 || g->snmp_rfcv3;
}

static void wanted_mibs(const struct global_config *g, bool out[SNMP_VRRP_MIB_COUNT])
{
	out[SNMP_VRRP_MIB_KEEPALIVED] = g->snmp_vrrp;
	out[SNMP_VRRP_MIB_RFC2787] = g->snmp_rfcv2;
	out[SNMP_VRRP_MIB_RFC6527] = g->snmp_rfcv3;
}

/* The snapshot builder of every subtree: the status, once per rebuild. */
static void build_subtree(struct snmp_snap *s, void *data)
{
	struct snmp_vrrp_reg *r = data;
	json_object *status = r->sv->status(r->sv->status_data);

	r->subtree->build(s, r->sv, status);
	json_object_put(status);
}

static int set_subtree(void *data, int mode, netsnmp_variable_list *vb)
{
	struct snmp_vrrp_reg *r = data;

	return r->subtree->set(r->sv, mode, vb);
}

static void export_mib(struct snmp_vrrp *sv, enum snmp_vrrp_mib mib)
{
	const struct snmp_vrrp_mib_desc *d = mib_descs[mib];

	for (size_t i = 0; i < d->count && i < SNMP_VRRP_MAX_SUBTREES; i++) {
		struct snmp_vrrp_reg *r = &sv->regs[mib][i];

		r->sv = sv;
		r->subtree = &d->subtrees[i];
		r->reg = snmp_snap_register_rw(r->subtree->name, r->subtree->root,
					       r->subtree->root_len, build_subtree,
					       r->subtree->set ? set_subtree : NULL, r);
	}
	sv->enabled[mib] = true;
	log_info("SNMP: exporting %s", snmp_vrrp_mib_names[mib]);
}

static void withdraw_mib(struct snmp_vrrp *sv, enum snmp_vrrp_mib mib)
{
	for (size_t i = 0; i < SNMP_VRRP_MAX_SUBTREES; i++) {
		snmp_snap_unregister(sv->regs[mib][i].reg);
		sv->regs[mib][i].reg = NULL;
	}
	sv->enabled[mib] = false;
}

static void apply(struct snmp_vrrp *sv, const struct global_config *g)
{
	bool want[SNMP_VRRP_MIB_COUNT];
	char host[256] = "";

	wanted_mibs(g, want);
	for (int m = 0; m < SNMP_VRRP_MIB_COUNT; m++) {
		if (want[m] && !sv->enabled[m])
			export_mib(sv, (enum snmp_vrrp_mib)m);
		else if (!want[m] && sv->enabled[m])
			withdraw_mib(sv, (enum snmp_vrrp_mib)m);
	}
	sv->traps = g->snmp_traps;
	free(sv->router_id);
	if (!g->router_id)
		gethostname(host, sizeof(host) - 1);
	sv->router_id = xstrdup(g->router_id ? g->router_id : host);
}

struct snmp_vrrp *snmp_vrrp_start(uv_loop_t *loop, const struct global_config *g,
				  snmp_vrrp_status_fn *status, const struct snmp_vrrp_writes *writes,
				  void *data)
{
	struct snmp_vrrp *sv;
	char *socket;
	struct snmp_subagent *agent = snmp_subagent_open(loop, "vigil-vrrp", &g->snmp_socket, &socket);

	if (!agent)
		return NULL;
	sv = XNEW(struct snmp_vrrp);
	sv->agent = agent;
	sv->socket = socket;
	sv->status = status;
	sv->writes = writes;
	sv->status_data = data;
	apply(sv, g);
	return sv;
}

void snmp_vrrp_reload(struct snmp_vrrp *sv, const struct global_config *g)
{
	snmp_subagent_check_socket(sv->socket, &g->snmp_socket);
	apply(sv, g);
}

static void memo_free(void *p)
{
	struct snmp_vrrp_memo *m = p;

	free(m->name);
	free(m);
}

void snmp_vrrp_stop(struct snmp_vrrp *sv)
{
	if (!sv)
		return;
	for (int m = 0; m < SNMP_VRRP_MIB_COUNT; m++)
		if (sv->enabled[m])
			withdraw_mib(sv, (enum snmp_vrrp_mib)m);
	snmp_subagent_stop(sv->agent);
	ptr_array_free(&sv->memos, memo_free);
	free(sv->router_id);
	free(sv->socket);
	free(sv);
}
