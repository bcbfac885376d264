/* An instance as `vigilctl status --json` shows it.  Names come from the
 * same tables the log uses (states, transition reasons, drop verdicts). */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_sync.h"

#include <time.h>

static void add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}

static json_object *u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static json_object *addr_json(const struct vigil_addr *a)
{
	char buf[VIGIL_ADDR_STRLEN];

	return json_object_new_string(vigil_addr_to_string(a, buf, sizeof(buf)));
}

/* "2024-05-01T12:00:00.123Z" */
static json_object *iso8601(uint64_t wall_us)
{
	char buf[40], out[48];
	time_t secs = (time_t)(wall_us / 1000000u);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%03uZ", buf, (unsigned)(wall_us % 1000000u / 1000u));
	return json_object_new_string(out);
}

static json_object *transition_json(const struct vrrp_instance *inst)
{
	const struct vrrp_transition *t = &inst->fsm.last_transition;
	json_object *o;

	if (t->time_us == 0)
		return NULL;
	o = json_object_new_object();
	add(o, "time", iso8601(inst->transition_wall_us));
	/* The detail when there is one ("track_script chk: down", "sync group
	 * SG: VI_2 became MASTER"), else the machine's reason. */
	add(o, "reason", json_object_new_string(inst->transition_detail
						? inst->transition_detail
						: vrrp_transition_reason_name(t->reason)));
	add(o, "cause", json_object_new_string(vrrp_transition_reason_name(t->reason)));
	add(o, "from", json_object_new_string(vrrp_state_name(t->from)));
	add(o, "to", json_object_new_string(vrrp_state_name(t->to)));
	return o;
}

/* Every reason is listed, 0 before the first drop. */
static json_object *drops_json(const struct vrrp_instance *inst)
{
	static const struct vrrp_instance_rx_errors none;
	const struct vrrp_instance_rx_errors *e = inst->rx_errors ? inst->rx_errors : &none;
	json_object *o = json_object_new_object();

	for (int v = VRRP_RX_OK + 1; v < VRRP_RX_VERDICT_COUNT; v++)
		add(o, vrrp_rx_verdict_name((enum vrrp_rx_verdict)v), u64(e->drops[v]));
	for (int d = 0; d < VRRP_DROP_COUNT; d++)
		add(o, vrrp_instance_drop_names[d], u64(e->instance_drops[d]));
	return o;
}

static json_object *stats_json(const struct vrrp_instance *inst)
{
	const struct vrrp_stats *s = &inst->fsm.stats;
	json_object *o = json_object_new_object();

	add(o, "adverts_sent", u64(s->adverts_sent));
	add(o, "adverts_received", u64(s->adverts_received));
	add(o, "became_master", u64(s->became_master));
	add(o, "released_master", u64(s->released_master));
	add(o, "priority_zero_sent", u64(s->priority_zero_sent));
	add(o, "priority_zero_received", u64(s->priority_zero_received));
	add(o, "address_list_mismatch", u64(inst->rx_errors ? inst->rx_errors->addr_list_mismatch
							     : 0));
	add(o, "send_errors", u64(inst->send_errors));
	add(o, "vip_errors", u64(inst->vip_errors));
	add(o, "vips_restored", u64(inst->vips_restored));
	add(o, "gratuitous_sent", u64(inst->gratuitous_sent));
	add(o, "route_errors", u64(inst->route_errors));
	add(o, "notifications", u64(inst->notifications));
	add(o, "drops", drops_json(inst));
	return o;
}

static json_object *vips_json(const struct vrrp_instance *inst)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < inst->conf->vips.count; i++) {
		struct vigil_addr ad = ((const struct vrrp_ipaddress_config *)
					inst->conf->vips.items[i])->addr;

		ad.has_prefix = true;
		json_object_array_add(a, addr_json(&ad));
	}
	return a;
}

/* Features the configuration uses that this engine does not run yet:
 * none today (AH refuses to start instead); the key stays for readers. */
static json_object *unimplemented_json(void)
{
	return json_object_new_array();
}

json_object *vrrp_instance_status_json(const struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;
	const struct vrrp_fsm *fsm = &inst->fsm;
	json_object *o = json_object_new_object();

	add(o, "name", json_object_new_string(inst->name));
	add(o, "state", json_object_new_string(vrrp_state_name(fsm->state)));
	add(o, "vrid", json_object_new_int(inst->vrid));
	add(o, "interface", json_object_new_string(c->interface));
	/* use_vmac: the VMAC held (null when none or not started). */
	add(o, "vmac", inst->vmac ? json_object_new_string(inst->vmac->name) : NULL);
	/* Times it was deleted behind our back and made again. */
	add(o, "vmac_recreated", json_object_new_int64(inst->vmac ? (int64_t)inst->vmac->recreated
								 : 0));
	add(o, "advert_interface", inst->sock ? json_object_new_string(inst->vmac &&
		!c->vmac_xmit_base ? inst->vmac->name : c->interface) : NULL);
	add(o, "version", json_object_new_int((int)c->version.value));
	add(o, "priority", json_object_new_int(vrrp_instance_base_priority(inst)));
	add(o, "configured_priority", json_object_new_int((int)c->priority));
	add(o, "effective_priority", json_object_new_int(fsm->effective_priority));
	add(o, "master_address", fsm->has_master_address ? addr_json(&fsm->master_address) : NULL);
	add(o, "source_address", inst->src.family ? addr_json(&inst->src) : NULL);
	add(o, "mode", json_object_new_string(inst->unicast ? "unicast" : "multicast"));
	add(o, "checksum_form", json_object_new_string(vrrp_csum_form_names[inst->pctx.csum_form]));
	add(o, "vips", vips_json(inst));
	/* no_accept: whether its VIPs are filtered now (master, not owner). */
	add(o, "accept", json_object_new_boolean(c->accept.value));
	add(o, "no_accept_filter", json_object_new_boolean(inst->noaccept_active));
	add(o, "advert_interval_us", u64(c->advert_int.value_us));
	add(o, "master_down_interval_us", u64(fsm->master_down_interval_us));
	add(o, "last_transition", transition_json(inst));
	add(o, "tracking", vrrp_instance_tracking_json(inst));
	add(o, "fault", inst->track_result.fault ? json_object_new_boolean(true)
						 : json_object_new_boolean(false));
	/* use_vmac: why its VMAC, deleted behind our back, is not back yet. */
	add(o, "vmac_fault", inst->vmac_lost && inst->vmac && inst->vmac->error
	    ? json_object_new_string(inst->vmac->error) : NULL);
	/* The operator's hold: held_until is null while it lasts until
	 * `vigilctl vrrp release` (or when not held). */
	add(o, "maintenance", json_object_new_boolean(fsm->maintenance));
	add(o, "held_until", fsm->maintenance && inst->held_until_wall_us
			     ? iso8601(inst->held_until_wall_us) : NULL);
	add(o, "sync_group", inst->sync ? json_object_new_string(vrrp_sync_group_name(inst->sync))
					 : NULL);
	add(o, "stats", stats_json(inst));
	add(o, "error", inst->error ? json_object_new_string(inst->error) : NULL);
	add(o, "not_implemented", unimplemented_json());
	return o;
}
