/* The pure planner: kernel table + wanted table (+ what was wanted
 * before) -> the operations that make the kernel hold what is wanted,
 * touching nothing vigil does not own.
 *
 * Order of the plan:
 *  1. services wanted before and not any more are deleted (their
 *     destinations go with them);
 *  2. per wanted service, in the wanted order: the service is added or
 *     edited, then its destinations are added or edited, and only then are
 *     the destinations nobody wants deleted, so a service whose real
 *     servers are being replaced is never left empty in between. */
#include "config.h"
#include "lvs.h"
#include "lvs_msg.h"
#include "xalloc.h"

#include <linux/ip_vs.h>
#include <stdlib.h>
#include <string.h>

const char *const lvs_op_kind_names[LVS_OP_KIND_COUNT] = {
	[LVS_OP_ADD_SERVICE] = "add_service",
	[LVS_OP_EDIT_SERVICE] = "edit_service",
	[LVS_OP_DEL_SERVICE] = "del_service",
	[LVS_OP_ADD_DEST] = "add_dest",
	[LVS_OP_EDIT_DEST] = "edit_dest",
	[LVS_OP_DEL_DEST] = "del_dest",
};

static void plan_push(struct lvs_plan *plan, enum lvs_op_kind kind, const struct lvs_service *svc,
		      const struct lvs_dest *dest)
{
	struct lvs_op *op;

	if (plan->n_ops == plan->cap_ops) {
		plan->cap_ops = plan->cap_ops ? 2 * plan->cap_ops : 16;
		plan->ops = xreallocarray(plan->ops, plan->cap_ops, sizeof(*plan->ops));
	}
	op = &plan->ops[plan->n_ops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->svc = *svc;
	if (dest)
		op->dest = *dest;
}

/* Every field the kernel lets us set, compared the way the kernel stores
 * it (HASHED is the kernel's own flag; netmask 0 means a full mask). */
static bool service_settings_equal(const struct lvs_service *a, const struct lvs_service *b)
{
	return strncmp(a->sched, b->sched, sizeof(a->sched)) == 0 &&
	       (a->flags & LVS_SVC_FLAGS_SETTABLE) == (b->flags & LVS_SVC_FLAGS_SETTABLE) &&
	       a->timeout == b->timeout && lvs_service_netmask(a) == lvs_service_netmask(b) &&
	       strncmp(a->pe_name, b->pe_name, sizeof(a->pe_name)) == 0;
}

/* Tunnel settings count only for a tunnelled destination, and the tunnel
 * port only for GUE: elsewhere the kernel ignores them. */
static bool dest_settings_equal(const struct lvs_dest *a, const struct lvs_dest *b)
{
	uint32_t fwd = a->conn_flags & IP_VS_CONN_F_FWD_MASK;

	if (fwd != (b->conn_flags & IP_VS_CONN_F_FWD_MASK) || a->weight != b->weight ||
	    a->u_threshold != b->u_threshold || a->l_threshold != b->l_threshold)
		return false;
	if (fwd != IP_VS_CONN_F_TUNNEL)
		return true;
	if (a->tun_type != b->tun_type || a->tun_flags != b->tun_flags)
		return false;
	return a->tun_type != IP_VS_CONN_F_TUNNEL_TYPE_GUE || a->tun_port == b->tun_port;
}

/* Is this the first entry of its key in the wanted list?  Later
 * duplicates are ignored so a key never gets two operations. */
static bool first_service_of_key(const struct lvs_table *t, size_t index)
{
	return lvs_table_find(t, &t->services[index].svc) == &t->services[index];
}

static bool first_dest_of_key(const struct lvs_table_service *ts, size_t index)
{
	return lvs_table_find_dest(ts, &ts->dests[index]) == &ts->dests[index];
}

static void plan_dests(const struct lvs_table_service *have, const struct lvs_table_service *want,
		       struct lvs_plan *plan)
{
	for (size_t i = 0; i < want->n_dests; i++) {
		const struct lvs_dest *d = &want->dests[i];
		const struct lvs_dest *k = have ? lvs_table_find_dest(have, d) : NULL;

		if (!first_dest_of_key(want, i))
			continue;
		if (!k)
			plan_push(plan, LVS_OP_ADD_DEST, &want->svc, d);
		else if (!dest_settings_equal(k, d))
			plan_push(plan, LVS_OP_EDIT_DEST, &want->svc, d);
	}
	for (size_t i = 0; have && i < have->n_dests; i++)
		if (!lvs_table_find_dest(want, &have->dests[i]))
			plan_push(plan, LVS_OP_DEL_DEST, &want->svc, &have->dests[i]);
}

static void plan_service(const struct lvs_table *kernel, const struct lvs_table_service *want,
			 struct lvs_plan *plan)
{
	const struct lvs_table_service *have = lvs_table_find(kernel, &want->svc);

	if (!have)
		plan_push(plan, LVS_OP_ADD_SERVICE, &want->svc, NULL);
	else if (!service_settings_equal(&have->svc, &want->svc))
		plan_push(plan, LVS_OP_EDIT_SERVICE, &want->svc, NULL);
	plan_dests(have, want, plan);
}

/* Services vigil wanted before, no longer wants, and the kernel still
 * holds.  Without `before` (start-up) nothing is deleted: what the kernel
 * holds that vigil does not want is somebody else's. */
static void plan_dropped_services(const struct lvs_table *kernel, const struct lvs_table *wanted,
				  const struct lvs_table *before, struct lvs_plan *plan)
{
	for (size_t i = 0; before && i < before->n_services; i++) {
		const struct lvs_service *old = &before->services[i].svc;
		const struct lvs_table_service *have = lvs_table_find(kernel, old);

		if (first_service_of_key(before, i) && have && !lvs_table_find(wanted, old))
			plan_push(plan, LVS_OP_DEL_SERVICE, &have->svc, NULL);
	}
}

void lvs_plan_build(const struct lvs_table *kernel, const struct lvs_table *wanted,
		    const struct lvs_table *before, struct lvs_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan_dropped_services(kernel, wanted, before, plan);
	for (size_t i = 0; i < wanted->n_services; i++)
		if (first_service_of_key(wanted, i))
			plan_service(kernel, &wanted->services[i], plan);
}

void lvs_plan_free(struct lvs_plan *plan)
{
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}
