/* An instance's virtual addresses (virtual_ipaddress and
 * virtual_ipaddress_excluded), then its virtual_routes and virtual_rules:
 * added on becoming master, removed on leaving, removed at start-up if a
 * previous run left them; addresses are also put back when removed behind
 * our back while master; and the gratuitous ARP / unsolicited NA
 * announcements that follow becoming master. */
#include "config.h"
#include "vrrp/vrrp_instance_private.h"
#include "vrrp/vrrp_noaccept.h"
#include "vrrp/vrrp_route.h"
#include "vrrp/vrrp_vip.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef void vip_fn(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip);

/* Calls fn for every VIP, advertised ones first, then excluded ones. */
static void for_each_vip(struct vrrp_instance *inst, vip_fn *fn)
{
	const struct ptr_array *lists[] = { &inst->conf->vips, &inst->conf->evips };

	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->count; i++)
			fn(inst, lists[l]->items[i]);
}

static const char *vip_text(const struct vrrp_ipaddress_config *ip, char *buf, size_t len)
{
	struct vigil_addr a = ip->addr;

	a.has_prefix = true;
	return vigil_addr_to_string(&a, buf, len);
}

static void vip_failed(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip,
		       const char *what, int rc)
{
	char text[VIGIL_ADDR_STRLEN];

	inst->vip_errors++;
	log_error("VRRP instance %s: cannot %s %s: %s", inst->name, what,
		  vip_text(ip, text, sizeof(text)), strerror(-rc));
}

static bool have_netlink(struct vrrp_instance *inst)
{
	if (inst->rt->vip)
		return true;
	inst->vip_errors++;
	log_error("VRRP instance %s: no netlink socket; virtual addresses cannot be changed",
		  inst->name);
	return false;
}

/* Where an address goes: its own dev, else the instance's interface;
 * with a VMAC, the addresses of the instance's family that name no other
 * interface go on the VMAC, those of the other family stay on the base
 * (a VMAC's MAC belongs to one family, RFC 5798 7.3). */
static int vip_ifindex(const struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	const struct vrrp_instance_config *c = inst->conf;
	int base;

	if (!inst->vmac || (ip->dev && strcmp(ip->dev, c->interface) != 0))
		return vrrp_vip_ifindex(ip, inst->vip_ifindex);
	if (ip->addr.family == c->family)
		return inst->vip_ifindex;
	base = (int)if_nametoindex(c->interface);
	return base > 0 ? base : -ENODEV;
}

static int change_vip(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip,
		      bool add)
{
	struct vrrp_ipaddress_config placed = *ip;
	int ifindex = vip_ifindex(inst, ip);

	if (ifindex < 0)
		return ifindex;
	placed.dev = NULL;          /* ifindex says where */
	return add ? vrrp_vip_add(inst->rt->vip, &placed, ifindex)
		   : vrrp_vip_del(inst->rt->vip, &placed, ifindex);
}

static void add_one(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	int rc = change_vip(inst, ip, true);

	if (rc < 0)
		vip_failed(inst, ip, "add", rc);
}

static void del_one(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	int rc = change_vip(inst, ip, false);

	/* Gone with its interface (a VMAC deleted behind our back): nothing
	 * left to remove. */
	if (rc < 0 && rc != -ENODEV)
		vip_failed(inst, ip, "remove", rc);
}

/* 1: on its interface, 0: not, <0: cannot tell. */
static int vip_present(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	int ifindex = vip_ifindex(inst, ip);

	return ifindex < 0 ? ifindex : vrrp_vip_present(inst->rt->vip, ifindex, &ip->addr);
}

/* ---- routes and rules --------------------------------------------------------------- */

enum route_op { ROUTE_ADD, ROUTE_DEL, ROUTE_DEL_STALE };

/* The socket, opened the first time an instance with routes needs it. */
static struct vrrp_route_ctx *route_ctx(struct vrrp_instance *inst)
{
	int rc;

	if (inst->route_ctx || (!inst->conf->vroutes.count && !inst->conf->vrules.count))
		return inst->route_ctx;
	if (!inst->rl_route.interval_ms)
		inst->rl_route = (struct log_ratelimit)LOG_RATELIMIT_INIT(10000, 5);
	inst->route_ctx = vrrp_route_open(&rc);
	if (!inst->route_ctx) {
		inst->route_errors++;
		log_ratelimited(&inst->rl_route, LOG_ERR, "VRRP instance %s: no netlink socket; "
				"virtual routes and rules cannot be changed: %s",
				inst->name, strerror(-rc));
	}
	return inst->route_ctx;
}

static void route_one(struct vrrp_instance *inst, struct vrrp_route_ctx *ctx,
		      const struct vrrp_route_config *r, enum route_op op)
{
	static const char *const verbs[] = { "add", "remove", "remove" };
	const char *what = r->kind == VRRP_ROUTE ? "route" : "rule";
	char err[160];
	int rc = op == ROUTE_ADD ? vrrp_route_add(ctx, r, err, sizeof(err))
				 : vrrp_route_del(ctx, r, err, sizeof(err));

	if (rc == 1 && op == ROUTE_DEL_STALE)
		log_notice("VRRP instance %s: removed %s '%s', left by an earlier run",
			   inst->name, what, r->text);
	if (rc >= 0)
		return;
	inst->route_errors++;
	log_ratelimited(&inst->rl_route, LOG_ERR, "VRRP instance %s: cannot %s %s '%s' (%s:%u): %s",
			inst->name, verbs[op], what, r->text, r->where.file ? r->where.file : "?",
			r->where.line, err);
}

/* Routes before rules on the way in (a rule may send traffic to a table
 * the routes fill), rules first on the way out. */
static void for_each_route(struct vrrp_instance *inst, enum route_op op)
{
	const struct ptr_array *lists[] = { &inst->conf->vroutes, &inst->conf->vrules };
	struct vrrp_route_ctx *ctx = route_ctx(inst);

	if (!ctx)
		return;
	for (size_t n = 0; n < 2; n++) {
		const struct ptr_array *list = lists[op == ROUTE_ADD ? n : 1 - n];

		for (size_t i = 0; i < list->count; i++)
			route_one(inst, ctx, list->items[i], op);
	}
}

void vrrp_instance_routes_free(struct vrrp_instance *inst)
{
	vrrp_route_close(inst->route_ctx);
	inst->route_ctx = NULL;
}

/* ---- no_accept ------------------------------------------------------------------------ */

/* RFC 5798 6.4.3: a master in Accept_Mode false that is not the address
 * owner drops packets addressed to its VIPs (nft says why it failed). */
static bool filters(const struct vrrp_instance *inst)
{
	return !inst->conf->accept.value && inst->conf->priority != 255 && inst->rt->noaccept;
}

static void filter_add(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	if (vrrp_noaccept_add(inst->rt->noaccept, &ip->addr) < 0)
		inst->vip_errors++;
}

static void filter_del(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	if (vrrp_noaccept_del(inst->rt->noaccept, &ip->addr) < 0)
		inst->vip_errors++;
}

void vrrp_instance_noaccept_update(struct vrrp_instance *inst)
{
	bool want = inst->vips_installed && filters(inst);

	if (want == inst->noaccept_active)
		return;
	for_each_vip(inst, want ? filter_add : filter_del);
	inst->noaccept_active = want;
}

/* ---- adding and removing ------------------------------------------------------------ */

/* The filter goes in before the addresses, so nothing is accepted in
 * between, and comes out after them. */
void vrrp_instance_add_vips(struct vrrp_instance *inst)
{
	inst->vips_installed = true;
	inst->noaccept_active = filters(inst);
	if (inst->noaccept_active)
		for_each_vip(inst, filter_add);
	if (have_netlink(inst))
		for_each_vip(inst, add_one);
	for_each_route(inst, ROUTE_ADD);
}

/* A master's VMAC made again (vrrp_instance_vmac.c): its addresses and
 * the routes through it went with the old interface.  The no_accept
 * filters are not per interface and stayed, so they are left alone. */
void vrrp_instance_reinstall_vips(struct vrrp_instance *inst)
{
	if (!inst->vips_installed)
		return;
	if (have_netlink(inst))
		for_each_vip(inst, add_one);
	for_each_route(inst, ROUTE_ADD);
}

/* The flag goes first: the monitor's reports of these removals are ours.
 * Routes and rules go before the addresses they may use. */
void vrrp_instance_remove_vips(struct vrrp_instance *inst)
{
	inst->vips_installed = false;
	vrrp_instance_announce_stop(inst);
	if (inst->rt->worker_stopping && inst->rt->keep_vips_at_stop) {
		log_notice("VRRP instance %s: leaving its addresses, routes and rules in place "
			   "(--dont-release-vrrp)", inst->name);
		return;
	}
	for_each_route(inst, ROUTE_DEL);
	if (have_netlink(inst))
		for_each_vip(inst, del_one);
	if (inst->noaccept_active)
		for_each_vip(inst, filter_del);
	inst->noaccept_active = false;
}

static void del_stale(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	char text[VIGIL_ADDR_STRLEN];

	if (vip_present(inst, ip) != 1)
		return;
	log_notice("VRRP instance %s: removing %s, left by an earlier run", inst->name,
		   vip_text(ip, text, sizeof(text)));
	del_one(inst, ip);
}

/* Before start-up: an address only a master may hold must not survive a
 * crash or kill -9 of the previous vigild. */
void vrrp_instance_remove_stale_vips(struct vrrp_instance *inst)
{
	for_each_route(inst, ROUTE_DEL_STALE);
	if (inst->rt->vip)
		for_each_vip(inst, del_stale);
}

/* ---- NAs waiting for a link-local source ----------------------------------------------- */

/* An instance can become master while its interface's link-local address
 * is still tentative (DAD runs for a second or so after the link comes
 * up): an NA has no source then.  Each such VIP is retried every
 * NA_RETRY_MS for up to NA_RETRY_FOR_MS, and only then counted as a send
 * error. */
#define NA_RETRY_MS 100
#define NA_RETRY_FOR_MS 3000

struct na_waiting {
	int ifindex;
	struct in6_addr addr;
};

struct vrrp_na_retry {
	struct na_waiting *items;
	size_t count, capacity;
	uint64_t deadline_ms;               /* loop time to give up at */
};

static void on_garp_timer(uv_timer_t *handle);

/* The list and its timer go together. */
static void na_retry_free(struct vrrp_instance *inst)
{
	vrrp_instance_timer_close(&inst->garp_timers[VRRP_GARP_NA_RETRY]);
	if (!inst->na_retry)
		return;
	free(inst->na_retry->items);
	free(inst->na_retry);
	inst->na_retry = NULL;
}

/* Adds the VIP once; the first one starts the timer and the deadline. */
static void na_retry_add(struct vrrp_instance *inst, int ifindex, const struct in6_addr *addr)
{
	struct vrrp_na_retry *r = inst->na_retry;

	if (!r) {
		r = inst->na_retry = XNEW(struct vrrp_na_retry);
		r->deadline_ms = uv_now(inst->rt->loop) + NA_RETRY_FOR_MS;
		vrrp_instance_timer_start(inst, &inst->garp_timers[VRRP_GARP_NA_RETRY], on_garp_timer,
					  NA_RETRY_MS, NA_RETRY_MS);
	}
	for (size_t i = 0; i < r->count; i++)
		if (r->items[i].ifindex == ifindex && !memcmp(&r->items[i].addr, addr, sizeof(*addr)))
			return;
	if (r->count == r->capacity) {
		r->capacity = r->capacity ? 2 * r->capacity : 4;
		r->items = xreallocarray(r->items, r->capacity, sizeof(*r->items));
	}
	r->items[r->count++] = (struct na_waiting){ .ifindex = ifindex, .addr = *addr };
}

/* What an announcement on `ifindex` is sent from.  The VMAC has no
 * link-local address of its own (vrrp_vmac.h): its NAs carry the base
 * interface's, with the VMAC's MAC as the target link-layer address. */
static int announce_if(struct vrrp_instance *inst, int ifindex, struct vrrp_announce_if *ifc)
{
	struct vrrp_announce_if base;
	int rc = vrrp_announce_if_lookup(ifindex, ifc);

	if (rc || ifc->has_link_local || !inst->vmac || ifindex != inst->vip_ifindex)
		return rc;
	if (vrrp_announce_if_lookup((int)if_nametoindex(inst->conf->interface), &base) == 0 &&
	    base.has_link_local) {
		ifc->has_link_local = true;
		ifc->link_local = base.link_local;
	}
	return 0;
}

static int send_na(struct vrrp_instance *inst, int ifindex, const struct in6_addr *addr)
{
	struct vrrp_announce_if ifc;
	int rc = announce_if(inst, ifindex, &ifc);

	return rc ? rc : vrrp_announce_na(&inst->rt->announcer, &ifc, addr);
}

static void announce_failed(struct vrrp_instance *inst, const char *what, int rc)
{
	inst->send_errors++;
	log_ratelimited(&inst->rl_send, LOG_WARNING, "VRRP instance %s: cannot announce %s: %s",
			inst->name, what, strerror(-rc));
}

/* Out of time: what is still waiting is counted, and said once. */
static void na_retry_give_up(struct vrrp_instance *inst)
{
	struct vrrp_na_retry *r = inst->na_retry;
	struct vigil_addr a = { .family = AF_INET6, .u.v6 = r->items[0].addr };
	char text[VIGIL_ADDR_STRLEN];

	inst->send_errors += r->count;
	log_warning("VRRP instance %s: cannot announce %s%s: no usable link-local address "
		    "after %d ms", inst->name, vigil_addr_to_string(&a, text, sizeof(text)),
		    r->count > 1 ? " and other addresses" : "", NA_RETRY_FOR_MS);
	na_retry_free(inst);
}

/* One retry of every waiting VIP: sent or failed otherwise, it leaves
 * the list; still without a source, it stays until the deadline. */
static void na_retry_round(struct vrrp_instance *inst)
{
	struct vrrp_na_retry *r = inst->na_retry;
	size_t kept = 0;

	for (size_t i = 0; i < r->count; i++) {
		struct vigil_addr a = { .family = AF_INET6, .u.v6 = r->items[i].addr };
		char text[VIGIL_ADDR_STRLEN];
		int rc = send_na(inst, r->items[i].ifindex, &r->items[i].addr);

		if (rc == -EADDRNOTAVAIL)
			r->items[kept++] = r->items[i];
		else if (rc == 0)
			inst->gratuitous_sent++;
		else
			announce_failed(inst, vigil_addr_to_string(&a, text, sizeof(text)), rc);
	}
	r->count = kept;
	if (kept > 0 && uv_now(inst->rt->loop) >= r->deadline_ms)
		na_retry_give_up(inst);
	else if (kept == 0)
		na_retry_free(inst);
}

/* ---- announcements ----------------------------------------------------------------- */

static void announce_one(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	struct vrrp_announce_if ifc;
	char text[VIGIL_ADDR_STRLEN];
	int ifindex = vip_ifindex(inst, ip);
	int rc = ifindex < 0 ? ifindex : announce_if(inst, ifindex, &ifc);

	if (rc == 0)
		rc = ip->addr.family == AF_INET
			? vrrp_announce_garp(&inst->rt->announcer, &ifc, ip->addr.u.v4)
			: vrrp_announce_na(&inst->rt->announcer, &ifc, &ip->addr.u.v6);
	if (rc == 0) {
		inst->gratuitous_sent++;
		return;
	}
	if (rc == -EADDRNOTAVAIL && ip->addr.family == AF_INET6) {
		na_retry_add(inst, ifindex, &ip->addr.u.v6);
		return;
	}
	announce_failed(inst, vip_text(ip, text, sizeof(text)), rc);
}

static void announce_round(struct vrrp_instance *inst)
{
	if (inst->rt->have_announcer)
		for_each_vip(inst, announce_one);
}

static uint64_t pace_us(const struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;

	return c->family == AF_INET6 ? c->gna_interval.value_us : c->garp_interval.value_us;
}

/* Sends the rounds owed: all at once when no interval paces them, else
 * one now and the next when the pace timer fires, which is closed once
 * the burst is over. */
static void announce_rounds(struct vrrp_instance *inst)
{
	uint64_t pace = pace_us(inst);

	while (inst->garp_rounds_left > 0) {
		inst->garp_rounds_left--;
		announce_round(inst);
		if (pace > 0 && inst->garp_rounds_left > 0) {
			vrrp_instance_timer_start(inst, &inst->garp_timers[VRRP_GARP_PACE],
						  on_garp_timer, vrrp_instance_us_to_ms(pace), 0);
			return;
		}
	}
	vrrp_instance_timer_close(&inst->garp_timers[VRRP_GARP_PACE]);
}

/* A burst of `rounds` more, joining one being paced. */
static void announce_burst(struct vrrp_instance *inst, uint32_t rounds)
{
	uv_timer_t *pace = inst->garp_timers[VRRP_GARP_PACE];
	bool pacing = pace && uv_is_active((uv_handle_t *)pace);

	inst->garp_rounds_left += rounds ? rounds : 1;
	if (!pacing)
		announce_rounds(inst);
}

/* The delay timer fires once: it is closed after its burst. */
static void on_garp_timer(uv_timer_t *handle)
{
	struct vrrp_instance *inst = handle->data;
	const struct vrrp_instance_config *c = inst->conf;

	if (inst->fsm.state != VRRP_STATE_MASTER)
		return;
	if (handle == inst->garp_timers[VRRP_GARP_NA_RETRY])
		na_retry_round(inst);
	else if (handle == inst->garp_timers[VRRP_GARP_PACE])
		announce_rounds(inst);
	else if (handle == inst->garp_timers[VRRP_GARP_DELAY]) {
		vrrp_instance_timer_close(&inst->garp_timers[VRRP_GARP_DELAY]);
		announce_burst(inst, c->garp_master_repeat.value);
	} else
		announce_burst(inst, c->garp_master_refresh_repeat.value);
}

/* Becoming master: the first round goes out now, within the transition;
 * garp_master_delay brings a second burst, garp_master_refresh a burst
 * every period while master. */
void vrrp_instance_announce_start(struct vrrp_instance *inst)
{
	const struct vrrp_instance_config *c = inst->conf;
	uint64_t delay = c->garp_master_delay.value_us, refresh = c->garp_master_refresh.value_us;

	vrrp_instance_announce_stop(inst);
	announce_burst(inst, c->garp_master_repeat.value);
	if (delay > 0)
		vrrp_instance_timer_start(inst, &inst->garp_timers[VRRP_GARP_DELAY], on_garp_timer,
					  vrrp_instance_us_to_ms(delay), 0);
	if (refresh > 0) {
		uint64_t ms = vrrp_instance_us_to_ms(refresh);

		vrrp_instance_timer_start(inst, &inst->garp_timers[VRRP_GARP_REFRESH], on_garp_timer,
					  ms, ms);
	}
}

void vrrp_instance_announce_stop(struct vrrp_instance *inst)
{
	inst->garp_rounds_left = 0;
	for (int i = 0; i < VRRP_GARP_TIMERS; i++)
		vrrp_instance_timer_close(&inst->garp_timers[i]);
	na_retry_free(inst);
}

/* ---- addresses removed behind our back ---------------------------------------------- */

static void restore(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	char text[VIGIL_ADDR_STRLEN];

	log_warning("VRRP instance %s: %s was removed behind our back; putting it back",
		    inst->name, vip_text(ip, text, sizeof(text)));
	inst->vips_restored++;
	add_one(inst, ip);
	announce_one(inst, ip);
}

static bool owns_vips(const struct vrrp_instance *inst)
{
	return inst->started && inst->vips_installed && inst->rt->vip && !inst->vmac_lost &&
	       inst->fsm.state == VRRP_STATE_MASTER;
}

/* A notification may be stale (our own removal as we left MASTER, seen
 * after we came back): only an address that is missing now is restored. */
void vrrp_instance_address_removed(struct vrrp_instance *inst, int ifindex,
				   const struct vigil_addr *addr)
{
	const struct ptr_array *lists[] = { &inst->conf->vips, &inst->conf->evips };

	char ifname[IF_NAMESIZE];

	/* Addresses leaving with their interface (a VMAC deleted) are the
	 * link watch's to put back, on the interface made again. */
	if (!owns_vips(inst) || !if_indextoname((unsigned)ifindex, ifname))
		return;
	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->count; i++) {
			const struct vrrp_ipaddress_config *ip = lists[l]->items[i];

			if (vigil_addr_equal(&ip->addr, addr) &&
			    vip_ifindex(inst, ip) == ifindex &&
			    vip_present(inst, ip) == 0)
				restore(inst, ip);
		}
	}
}

static void restore_if_missing(struct vrrp_instance *inst, const struct vrrp_ipaddress_config *ip)
{
	if (vip_present(inst, ip) == 0)
		restore(inst, ip);
}

void vrrp_instance_check_vips(struct vrrp_instance *inst)
{
	if (owns_vips(inst))
		for_each_vip(inst, restore_if_missing);
}
