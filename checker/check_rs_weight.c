/* The operator's weight of a real server, set at run time (SNMP's
 * realServerWeight).  It replaces the configured weight as the base that
 * dynamic checkers move, and so the weight IPVS gets and quorum counts,
 * until a reload, which restores the configured weight: the file stays
 * the one description of what the daemon runs. */
#include "config.h"
#include "checker/check_runtime_private.h"

#include "log.h"

uint32_t check_rs_base_weight(const struct check_rs *rs)
{
	return rs->has_operator_weight ? rs->operator_weight : rs->cfg->weight;
}

void check_rs_set_weight(struct check_rs *rs, uint32_t weight)
{
	char name[96];

	check_rs_name(rs, name, sizeof(name));
	log_notice("real server %s: weight %u -> %u set by the operator", name,
		   check_rs_base_weight(rs), weight);
	rs->has_operator_weight = true;
	rs->operator_weight = weight;
	rs->weight_cause = "snmp";
	check_rs_update(rs, false);
	check_runtime_changed(rs->vs->rt);
}

void check_runtime_forget_weights(struct check_runtime *rt)
{
	for (size_t i = 0; rt && i < rt->vss.count; i++) {
		struct check_vs *vs = rt->vss.items[i];

		for (size_t j = 0; j < vs->rss.count; j++)
			((struct check_rs *)vs->rss.items[j])->has_operator_weight = false;
	}
}
