/* The checker worker's subagent: the check subtree of KEEPALIVED-MIB,
 * following global_defs across reloads, and realServerWeight's SET (see
 * snmp_checker.h). */
#include "config.h"
#include "snmp/snmp_checker_private.h"
#include "snmp/snmp_set.h"
#include "log.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool snmp_checker_wanted(const struct global_config *g)
{
	return g->snmp_checker;
}

void snmp_checker_view_clear(struct snmp_checker_view *v)
{
	for (size_t i = 0; i < v->nvs; i++)
		free(v->vss[i].rss);
	free(v->vss);
	memset(v, 0, sizeof(*v));
}

static void build(struct snmp_snap *s, void *data)
{
	struct snmp_checker *sc = data;
	struct snmp_checker_view v = { 0 };

	sc->ops->view(sc->data, &v, SIZE_MAX);
	snmp_checker_build(s, &v);
	snmp_checker_view_clear(&v);
}

/* ---- realServerWeight ---- */

static const oid weight_column[] = { SNMP_CHECKER_CHECK, 4, 1, SNMP_CHECKER_RS_WEIGHT };

/* The index vs.rs (both from 1) as positions from 0. */
static bool rs_index(const oid *index, size_t len, size_t *vs, size_t *rs)
{
	if (len != 2 || index[0] < 1 || index[1] < 1)
		return false;
	*vs = (size_t)index[0] - 1;
	*rs = (size_t)index[1] - 1;
	return true;
}

static enum snmp_write_verdict weight_check(void *data, const oid *index, size_t len, long value)
{
	struct snmp_checker *sc = data;
	size_t vs, rs;

	if (!rs_index(index, len, &vs, &rs))
		return SNMP_WRITE_NO_SUCH_ROW;
	return sc->ops->weight_check(sc->data, vs, rs, value);
}

static enum snmp_write_verdict weight_apply(void *data, const oid *index, size_t len, long value,
					    long *old)
{
	struct snmp_checker *sc = data;
	size_t vs, rs;

	if (!rs_index(index, len, &vs, &rs))
		return SNMP_WRITE_FAILED;
	return sc->ops->weight_apply(sc->data, vs, rs, value, old);
}

/* IPVS weights are non-negative 32-bit ints: the range `weight` takes
 * in the configuration too. */
static const struct snmp_set_int weight_col = {
	.min = 0, .max = INT32_MAX, .check = weight_check, .apply = weight_apply,
};

/* Only realServerWeight is writable in the subtree. */
static int set(void *data, int mode, netsnmp_variable_list *vb)
{
	if (!snmp_set_in_column(vb, weight_column, OID_LENGTH(weight_column)))
		return snmp_set_not_writable(mode);
	return snmp_set_int_phase(&weight_col, data, mode, vb, weight_column,
				  OID_LENGTH(weight_column));
}

/* ---- life ---- */

static void apply(struct snmp_checker *sc, const struct global_config *g)
{
	char host[256] = "";

	if (g->snmp_checker && !sc->reg) {
		sc->reg = snmp_snap_register_rw("keepalivedCheck", snmp_checker_check_oid,
						snmp_checker_check_oid_len, build, set, sc);
		log_info("SNMP: exporting KEEPALIVED-MIB (checker)");
	} else if (!g->snmp_checker && sc->reg) {
		snmp_snap_unregister(sc->reg);
		sc->reg = NULL;
	}
	sc->traps = g->snmp_traps;
	free(sc->router_id);
	if (!g->router_id)
		gethostname(host, sizeof(host) - 1);
	sc->router_id = xstrdup(g->router_id ? g->router_id : host);
}

struct snmp_checker *snmp_checker_start(uv_loop_t *loop, const struct global_config *g,
					const struct snmp_checker_ops *ops, void *data)
{
	char *socket;
	struct snmp_subagent *agent = snmp_subagent_open(loop, "vigil-checker", &g->snmp_socket,
							 &socket);
	struct snmp_checker *sc;

	if (!agent)
		return NULL;
	sc = XNEW(struct snmp_checker);
	sc->agent = agent;
	sc->socket = socket;
	sc->ops = ops;
	sc->data = data;
	apply(sc, g);
	return sc;
}

void snmp_checker_reload(struct snmp_checker *sc, const struct global_config *g)
{
	snmp_subagent_check_socket(sc->socket, &g->snmp_socket);
	apply(sc, g);
}

void snmp_checker_stop(struct snmp_checker *sc)
{
	if (!sc)
		return;
	snmp_snap_unregister(sc->reg);
	snmp_subagent_stop(sc->agent);
	free(sc->router_id);
	free(sc->socket);
	free(sc);
}
