/* Virtual servers on the loop: their real servers and sorry server,
 * quorum with hysteresis (quorum_up/quorum_down scripts on a change),
 * ha_suspend and omega. */
#include "config.h"
#include "checker/check_runtime_private.h"
#include "checker/check_event.h"

#include "log.h"
#include "smtp_alert.h"
#include "checker/check_snmp_view.h"
#include "daemon/global_conf.h"

#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void check_vs_name(const struct check_vs *vs, char *buf, size_t len)
{
	const struct check_vs_config *c = vs->cfg;
	char a[INET6_ADDRSTRLEN + 8];

	if (c->kind == CHECK_VS_FWMARK) {
		snprintf(buf, len, "fwmark %u", c->fwmark);
		return;
	}
	if (c->kind == CHECK_VS_GROUP) {
		snprintf(buf, len, "group %s", c->group);
		return;
	}
	vigil_addr_to_string(&c->addr, a, sizeof(a));
	if (!c->has_port)
		snprintf(buf, len, "%s", a);
	else if (c->addr.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, c->port);
	else
		snprintf(buf, len, "%s:%u", a, c->port);
}

uint64_t check_vs_live_weight(const struct check_vs *vs)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < vs->rss.count; i++) {
		const struct check_rs *rs = vs->rss.items[i];

		if (rs->up && !rs->drained)
			sum += (uint64_t)rs->weight;
	}
	return sum;
}

/* ---- mail ---- */

/* The protocol as keepalived writes it in a server's mail name: a
 * firewall-mark service has none. */
const char *check_vs_mail_proto(const struct check_vs *vs)
{
	static const char *const lower[CHECK_PROTO_COUNT] = { "tcp", "udp", "sctp" };

	if (vs->cfg->kind == CHECK_VS_FWMARK || (unsigned)vs->cfg->protocol >= CHECK_PROTO_COUNT)
		return "none";
	return lower[vs->cfg->protocol];
}

/* A server named as keepalived 2.2.7 names it in its mail subjects:
 * "[ADDR]:PROTO:PORT", brackets for either family. */
void check_mail_addr_name(const struct vigil_addr *addr, const char *proto, uint16_t port,
			  char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8];

	vigil_addr_to_string(addr, a, sizeof(a));
	snprintf(buf, len, "[%s]:%s:%u", a, proto, port);
}

/* The virtual server in a mail subject: "FWM 7", "[GROUP]:0" (no
 * protocol, port 0: keepalived's group has neither), or as a real
 * server's. */
void check_vs_mail_name(const struct check_vs *vs, char *buf, size_t len)
{
	const struct check_vs_config *c = vs->cfg;

	if (c->kind == CHECK_VS_FWMARK)
		snprintf(buf, len, "FWM %u", c->fwmark);
	else if (c->kind == CHECK_VS_GROUP)
		snprintf(buf, len, "[%s]:0", c->group);
	else
		check_mail_addr_name(&c->addr, check_vs_mail_proto(vs), c->has_port ? c->port : 0,
				     buf, len);
}

/* smtp_alert: the virtual server's own setting, else global
 * smtp_alert_checker, else smtp_alert (off by default, as keepalived). */
bool check_vs_wants_mail(const struct check_vs *vs)
{
	return vs->cfg->smtp_alert_set
		? vs->cfg->smtp_alert
		: global_smtp_alert_default(vs->rt->cfg->global, GLOBAL_SMTP_CHECKER, false);
}

static void quorum_mail(const struct check_vs *vs)
{
	char name[INET6_ADDRSTRLEN + 40];

	if (!check_vs_wants_mail(vs))
		return;
	check_vs_mail_name(vs, name, sizeof(name));
	smtp_alert_quorum(name, vs->quorum_ok, vs->cfg->quorum, vs->cfg->hysteresis,
			  check_vs_live_weight(vs));
}

static void quorum_changed(struct check_vs *vs)
{
	char name[160], what[200];

	check_vs_name(vs, name, sizeof(name));
	if (vs->quorum_ok)
		log_info("virtual server %s: quorum gained (live weight %llu, quorum %u)", name,
			 (unsigned long long)check_vs_live_weight(vs), vs->cfg->quorum);
	else
		log_warning("virtual server %s: quorum lost (live weight %llu, quorum %u)", name,
			    (unsigned long long)check_vs_live_weight(vs), vs->cfg->quorum);
	snprintf(what, sizeof(what), "%s %s", vs->quorum_ok ? "quorum_up" : "quorum_down", name);
	check_runtime_run_script(vs->rt, vs->quorum_ok ? vs->cfg->quorum_up : vs->cfg->quorum_down,
				 what);
	quorum_mail(vs);
	check_snmp_view_quorum_changed(vs);
	check_event_quorum(vs);
}

void check_vs_update(struct check_vs *vs)
{
	bool ok = check_vs_quorum_next(vs->quorum_ok, check_vs_live_weight(vs), vs->cfg->quorum,
				       vs->cfg->hysteresis);

	if (vs->reconfiguring || ok == vs->quorum_ok)
		return;
	vs->quorum_ok = ok;
	quorum_changed(vs);
}

static void add_real_servers(struct check_vs *vs, const struct check_vs_config *cfg)
{
	for (size_t i = 0; i < cfg->real_servers.count; i++)
		ptr_array_push(&vs->rss, check_rs_new(vs, cfg->real_servers.items[i], false));
}

struct check_vs *check_vs_new(struct check_runtime *rt, const struct check_vs_config *cfg)
{
	struct check_vs *vs = XNEW(struct check_vs);

	vs->rt = rt;
	vs->cfg = cfg;
	/* keepalived 2.2.7 does the same and says so: a silent UDP service
	 * would be a trap for whoever forgot the line. */
	if (cfg->kind != CHECK_VS_FWMARK && !cfg->protocol_set)
		log_warning("virtual server at %s:%u has no `protocol`: UDP, as keepalived "
			    "makes it", cfg->where.file ? cfg->where.file : "?", cfg->where.line);
	add_real_servers(vs, cfg);
	if (cfg->sorry)
		vs->sorry = check_rs_new(vs, cfg->sorry, true);
	/* The state at start is a fact, not an event: no script runs. */
	vs->quorum_ok = check_vs_live_weight(vs) >= cfg->quorum;
	for (size_t i = 0; i < vs->rss.count; i++)
		check_rs_start(vs->rss.items[i]);
	return vs;
}

static bool same_rs(const struct check_rs_config *a, const struct check_rs_config *b)
{
	return vigil_addr_equal(&a->addr, &b->addr) && a->has_port == b->has_port
	       && (!a->has_port || a->port == b->port);
}

/* The old real server at the same address and port, taken out of `old`. */
static struct check_rs *take_rs(struct ptr_array *old, const struct check_rs_config *cfg)
{
	for (size_t i = 0; i < old->count; i++) {
		struct check_rs *rs = old->items[i];

		if (rs && same_rs(rs->cfg, cfg)) {
			old->items[i] = NULL;
			return rs;
		}
	}
	return NULL;
}

static void reconfigure_sorry(struct check_vs *vs, const struct check_vs_config *cfg)
{
	if (vs->sorry && (!cfg->sorry || !same_rs(vs->sorry->cfg, cfg->sorry))) {
		check_rs_destroy(vs->sorry);
		vs->sorry = NULL;
	}
	if (vs->sorry)
		check_rs_reconfigure(vs->sorry, cfg->sorry);
	else if (cfg->sorry)
		vs->sorry = check_rs_new(vs, cfg->sorry, true);
}

void check_vs_reconfigure(struct check_vs *vs, const struct check_vs_config *cfg)
{
	struct ptr_array old = vs->rss;

	vs->cfg = cfg;
	vs->reconfiguring = true;
	memset(&vs->rss, 0, sizeof(vs->rss));
	for (size_t i = 0; i < cfg->real_servers.count; i++) {
		const struct check_rs_config *rc = cfg->real_servers.items[i];
		struct check_rs *rs = take_rs(&old, rc);

		if (rs) {
			ptr_array_push(&vs->rss, rs);
			check_rs_reconfigure(rs, rc);
		} else {
			rs = check_rs_new(vs, rc, false);
			ptr_array_push(&vs->rss, rs);
			check_rs_start(rs);
		}
	}
	for (size_t i = 0; i < old.count; i++)
		if (old.items[i])
			check_rs_destroy(old.items[i]);
	ptr_array_free(&old, NULL);
	reconfigure_sorry(vs, cfg);
	vs->reconfiguring = false;
	check_vs_update(vs);
}

void check_vs_destroy(struct check_vs *vs)
{
	for (size_t i = 0; i < vs->rss.count; i++)
		check_rs_destroy(vs->rss.items[i]);
	ptr_array_free(&vs->rss, NULL);
	if (vs->sorry)
		check_rs_destroy(vs->sorry);
	free(vs);
}

/* Is `addr` configured on an interface of this host now? */
static bool address_is_local(const struct vigil_addr *addr)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return true;      /* cannot tell: do not stop the checks */
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != addr->family)
			continue;
		if (addr->family == AF_INET)
			found = ((struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr
				== addr->u.v4.s_addr;
		else
			found = memcmp(&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr,
				       &addr->u.v6, sizeof(addr->u.v6)) == 0;
	}
	freeifaddrs(list);
	return found;
}

/* ha_suspend: while the virtual server's address is not on this host
 * (the VRRP backup's state), its checks wait.  Only an address virtual
 * server has one; the answer is looked up once per loop iteration. */
bool check_vs_is_suspended(struct check_vs *vs)
{
	uint64_t now = uv_now(vs->rt->loop);
	bool suspended;
	char name[160];

	if (!vs->cfg->ha_suspend || vs->cfg->kind != CHECK_VS_ADDR)
		return false;
	if (vs->suspended_looked && vs->suspended_at_ms == now)
		return vs->suspended;
	suspended = !address_is_local(&vs->cfg->addr);
	vs->suspended_looked = true;
	vs->suspended_at_ms = now;
	if (suspended != vs->suspended) {
		check_vs_name(vs, name, sizeof(name));
		log_info("virtual server %s: checks %s (ha_suspend: address %s)", name,
			 suspended ? "suspended" : "resumed", suspended ? "absent" : "present");
	}
	vs->suspended = suspended;
	return suspended;
}

void check_vs_omega(struct check_vs *vs)
{
	char name[96], what[160];

	if (!vs->cfg->omega)
		return;
	for (size_t i = 0; i < vs->rss.count; i++) {
		struct check_rs *rs = vs->rss.items[i];

		if (!rs->up)
			continue;
		check_rs_name(rs, name, sizeof(name));
		snprintf(what, sizeof(what), "notify_down %s (omega)", name);
		check_runtime_run_script(vs->rt, rs->cfg->notify_down, what);
	}
	if (vs->quorum_ok) {
		check_vs_name(vs, name, sizeof(name));
		snprintf(what, sizeof(what), "quorum_down %s (omega)", name);
		check_runtime_run_script(vs->rt, vs->cfg->quorum_down, what);
	}
}
