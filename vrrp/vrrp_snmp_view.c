/* The VRRP worker's side of SNMP (see vrrp_snmp_view.h). */
#include "config.h"
#include "vrrp/vrrp_snmp_view.h"
#include "vrrp/vrrp_instance_private.h"

#ifdef WITH_SNMP
#include "daemon/global_conf.h"
#include "snmp/snmp_vrrp.h"
#include "vrrp/vrrp_worker.h"

static struct snmp_vrrp *current;
static vrrp_snmp_view_status_fn *current_status;

static json_object *status_of(void *data)
{
	return current_status(data, NULL);
}

/* vrrpInstanceBasePriority: any instance but an address owner, whose
 * priority is fixed at 255 by what it owns. */
static enum snmp_write_verdict priority_check(void *data, size_t i, long priority)
{
	struct vrrp_instance *inst = vrrp_worker_instance_at(data, i);

	(void)priority;
	if (!inst)
		return SNMP_WRITE_NO_SUCH_ROW;
	return inst->conf->priority == 255 ? SNMP_WRITE_INCONSISTENT : SNMP_WRITE_OK;
}

static enum snmp_write_verdict priority_apply(void *data, size_t i, long priority, long *old)
{
	struct vrrp_instance *inst = vrrp_worker_instance_at(data, i);

	if (!inst || inst->conf->priority == 255)
		return SNMP_WRITE_FAILED;
	*old = vrrp_instance_base_priority(inst);
	vrrp_instance_set_base_priority(inst, (uint8_t)priority);
	return SNMP_WRITE_OK;
}

static const struct snmp_vrrp_writes writes = {
	.priority_check = priority_check, .priority_apply = priority_apply,
};

void vrrp_snmp_view_start(uv_loop_t *loop, const struct vigil_config *cfg,
			  vrrp_snmp_view_status_fn *status, void *data)
{
	if (current || !snmp_vrrp_wanted(cfg->global))
		return;
	current_status = status;
	current = snmp_vrrp_start(loop, cfg->global, status_of, &writes, data);
}

void vrrp_snmp_view_reload(uv_loop_t *loop, const struct vigil_config *cfg,
			   vrrp_snmp_view_status_fn *status, void *data)
{
	if (current)
		snmp_vrrp_reload(current, cfg->global);
	else
		vrrp_snmp_view_start(loop, cfg, status, data);
}

void vrrp_snmp_view_stop(void)
{
	snmp_vrrp_stop(current);
	current = NULL;
}

/* The family of the instance's adverts: its source address's, else its
 * first VIP's. */
static int family_of(const struct vrrp_instance *inst)
{
	if (inst->src.family)
		return inst->src.family;
	if (inst->conf->vips.count)
		return ((const struct vrrp_ipaddress_config *)inst->conf->vips.items[0])->addr.family;
	return AF_INET;
}

void vrrp_snmp_view_transition(const struct vrrp_instance *inst, const struct vrrp_transition *t)
{
	struct snmp_vrrp_transition ev = {
		.instance = inst->name, .interface = inst->conf->interface, .vrid = inst->vrid,
		.version = (int)inst->conf->version.value, .family = family_of(inst),
		.from = t->from, .to = t->to, .reason = t->reason,
		.initial = inst->conf->state_master.value ? VRRP_STATE_MASTER : VRRP_STATE_BACKUP,
		.master = inst->fsm.has_master_address ? &inst->fsm.master_address : NULL,
	};

	if (current)
		snmp_vrrp_transition(current, &ev);
}

void vrrp_snmp_view_group(const char *group, enum vrrp_state state)
{
	if (current)
		snmp_vrrp_group_transition(current, group, state);
}

void vrrp_snmp_view_drop(const struct vrrp_instance *inst, const struct vigil_addr *src,
			 enum vrrp_rx_verdict verdict)
{
	struct snmp_vrrp_drop ev = {
		.instance = inst->name, .interface = inst->conf->interface, .vrid = inst->vrid,
		.version = (int)inst->conf->version.value, .family = family_of(inst),
		.verdict = verdict, .src = src,
	};

	if (current)
		snmp_vrrp_drop(current, &ev);
}

#else /* !WITH_SNMP */

void vrrp_snmp_view_start(uv_loop_t *loop, const struct vigil_config *cfg,
			  vrrp_snmp_view_status_fn *status, void *data)
{
	(void)loop, (void)cfg, (void)status, (void)data;
}

void vrrp_snmp_view_reload(uv_loop_t *loop, const struct vigil_config *cfg,
			   vrrp_snmp_view_status_fn *status, void *data)
{
	(void)loop, (void)cfg, (void)status, (void)data;
}

void vrrp_snmp_view_stop(void)
{
}

void vrrp_snmp_view_transition(const struct vrrp_instance *inst, const struct vrrp_transition *t)
{
	(void)inst, (void)t;
}

void vrrp_snmp_view_group(const char *group, enum vrrp_state state)
{
	(void)group, (void)state;
}

void vrrp_snmp_view_drop(const struct vrrp_instance *inst, const struct vigil_addr *src,
			 enum vrrp_rx_verdict verdict)
{
	(void)inst, (void)src, (void)verdict;
}

#endif
