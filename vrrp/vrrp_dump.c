/* keepalived's dump files; see vrrp_dump.h.  The layouts follow what
 * keepalived 2.2.7 writes (observed from its files, not its code). */
#include "config.h"
#include "vrrp/vrrp_dump.h"
#include "daemon/global_conf.h"
#include "vrrp/vrrp_conf.h"
#include "json_util.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const vrrp_dump_kind_names[VRRP_DUMP_KIND_COUNT] = {
	[VRRP_DUMP_JSON] = "json", [VRRP_DUMP_STATS] = "stats", [VRRP_DUMP_DATA] = "data",
};

int vrrp_dump_state_number(const char *state)
{
	static const char *const names[] = { "INIT", "BACKUP", "MASTER", "FAULT" };

	for (int i = 0; state && i < 4; i++)
		if (strcmp(state, names[i]) == 0)
			return i;
	return 0;
}

/* ---- reading the status ------------------------------------------------------- */

static const char *str(json_object *o, const char *key)
{
	json_object *v = json_member(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static int64_t num(json_object *o, const char *key)
{
	json_object *v = json_member(o, key);

	return v ? json_object_get_int64(v) : 0;
}

/* The sum of the named drop counters. */
static int64_t drops(json_object *inst, const char *const *reasons)
{
	json_object *d = json_member(json_member(inst, "stats"), "drops");
	int64_t sum = 0;

	for (; *reasons; reasons++)
		sum += num(d, *reasons);
	return sum;
}

static const char *const len_reasons[] = { "too_short", "bad_length", "bad_ip_header",
					   "bad_addr_count", NULL };
static const char *const interval_reasons[] = { "interval_mismatch", "interval_zero", NULL };
static const char *const ttl_reasons[] = { "bad_ttl", "ttl_out_of_range", NULL };
static const char *const type_reasons[] = { "bad_type", NULL };
static const char *const authtype_reasons[] = { "auth_type_mismatch", NULL };
static const char *const auth_reasons[] = { "auth_failed", NULL };

/* "2024-05-01T12:00:00.123Z" -> seconds since the epoch (0 when none). */
static double transition_time(json_object *inst)
{
	const char *text = str(json_member(inst, "last_transition"), "time");
	struct tm tm = { 0 };
	const char *rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);

	if (!rest)
		return 0;
	return (double)timegm(&tm) + (*rest == '.' ? strtod(rest, NULL) : 0);
}

/* "10.7.0.100/24 dev e0 scope global" (+ " set" while installed). */
static void vip_text(json_object *inst, size_t i, char *buf, size_t len)
{
	const char *vip = json_object_get_string(json_object_array_get_idx(json_member(inst, "vips"), i));
	bool set = strcmp(str(inst, "state"), "MASTER") == 0;
	const char *dev = *str(inst, "vmac") ? str(inst, "vmac") : str(inst, "interface");

	snprintf(buf, len, "%s dev %s scope global%s", vip ? vip : "?", dev, set ? " set" : "");
}

static const struct vrrp_instance_config *config_of(const struct vrrp_config *vc, json_object *inst)
{
	return vc ? vrrp_config_find_instance(vc, str(inst, "name")) : NULL;
}

static double seconds(uint64_t us)
{
	return (double)us / 1e6;
}

/* ---- keepalived.json ------------------------------------------------------------ */

static void add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static json_object *json_settings(json_object *inst, const struct vrrp_instance_config *c,
				  json_object *d)
{
	add_int(d, "dont_track_primary", c && c->dont_track_primary);
	add_int(d, "skip_check_adv_addr", c && c->skip_check_adv_addr.value);
	add_int(d, "strict_mode", c && c->strict_mode.value);
	json_object_object_add(d, "vmac_ifname", json_object_new_string(str(inst, "vmac")));
	json_object_object_add(d, "ifp_ifname", json_object_new_string(str(inst, "interface")));
	add_int(d, "master_priority", 0);
	json_object_object_add(d, "last_transition", json_object_new_double(transition_time(inst)));
	add_int(d, "garp_delay", c ? (int64_t)(c->garp_master_delay.value_us / 1000000) : 0);
	add_int(d, "garp_refresh", c ? (int64_t)(c->garp_master_refresh.value_us / 1000000) : 0);
	add_int(d, "garp_rep", c ? c->garp_master_repeat.value : 0);
	add_int(d, "garp_refresh_rep", c ? c->garp_master_refresh_repeat.value : 0);
	add_int(d, "garp_lower_prio_delay",
		c ? (int64_t)(c->garp_lower_prio_delay.value_us / 1000000) : 0);
	add_int(d, "garp_lower_prio_rep", c ? c->garp_lower_prio_repeat.value : 0);
	add_int(d, "lower_prio_no_advert", c && c->lower_prio_no_advert.value);
	add_int(d, "higher_prio_send_advert", c && c->higher_prio_send_advert.value);
	return d;
}

static json_object *json_data(json_object *inst, const struct vrrp_instance_config *c)
{
	json_object *d = json_settings(inst, c, json_object_new_object());
	json_object *vips = json_object_new_array();
	char text[160];
	int state = vrrp_dump_state_number(str(inst, "state"));

	json_object_object_add(d, "iname", json_object_new_string(str(inst, "name")));
	add_int(d, "vrid", num(inst, "vrid"));
	add_int(d, "base_priority", num(inst, "priority"));
	add_int(d, "effective_priority", num(inst, "effective_priority"));
	add_bool(d, "vipset", state == 2);
	add_bool(d, "promote_secondaries", c && c->promote_secondaries);
	json_object_object_add(d, "adver_int",
			       json_object_new_double(seconds((uint64_t)num(inst, "advert_interval_us"))));
	json_object_object_add(d, "master_adver_int",
			       json_object_new_double(seconds((uint64_t)num(inst, "advert_interval_us"))));
	add_int(d, "accept", c && c->accept.value);
	add_bool(d, "nopreempt", c && c->nopreempt);
	add_int(d, "preempt_delay", c ? (int64_t)(c->preempt_delay.value_us / 1000000) : 0);
	add_int(d, "state", state);
	add_int(d, "wantstate", state);
	add_int(d, "version", num(inst, "version"));
	add_bool(d, "smtp_alert", false);
	add_bool(d, "notify_deleted", false);
	for (size_t i = 0; i < json_array_len(json_member(inst, "vips")); i++) {
		vip_text(inst, i, text, sizeof(text));
		json_object_array_add(vips, json_object_new_string(text));
	}
	json_object_object_add(d, "vips", vips);
	add_int(d, "auth_type", c ? (int64_t)c->auth_type : 0);
	return d;
}

static json_object *json_stats(json_object *inst)
{
	json_object *s = json_object_new_object(), *st = json_member(inst, "stats");

	add_int(s, "advert_rcvd", num(st, "adverts_received"));
	add_int(s, "advert_sent", num(st, "adverts_sent"));
	add_int(s, "become_master", num(st, "became_master"));
	add_int(s, "release_master", num(st, "released_master"));
	add_int(s, "packet_len_err", drops(inst, len_reasons));
	add_int(s, "advert_interval_err", drops(inst, interval_reasons));
	add_int(s, "ip_ttl_err", drops(inst, ttl_reasons));
	add_int(s, "invalid_type_rcvd", drops(inst, type_reasons));
	add_int(s, "addr_list_err", num(st, "address_list_mismatch"));
	add_int(s, "invalid_authtype", 0);
	add_int(s, "authtype_mismatch", drops(inst, authtype_reasons));
	add_int(s, "auth_failure", drops(inst, auth_reasons));
	add_int(s, "pri_zero_rcvd", num(st, "priority_zero_received"));
	add_int(s, "pri_zero_sent", num(st, "priority_zero_sent"));
	return s;
}

json_object *vrrp_dump_json(json_object *status, const struct vrrp_config *vc)
{
	json_object *out = json_object_new_array(), *instances = json_member(status, "instances");

	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);
		json_object *entry = json_object_new_object();

		json_object_object_add(entry, "data", json_data(inst, config_of(vc, inst)));
		json_object_object_add(entry, "stats", json_stats(inst));
		json_object_array_add(out, entry);
	}
	return out;
}

/* ---- keepalived.stats ------------------------------------------------------------- */

static FILE *open_text(char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);

	if (!f)
		xalloc_die();
	return f;
}

static void stats_one(FILE *f, json_object *inst)
{
	json_object *st = json_member(inst, "stats");

	fprintf(f, "VRRP Instance: %s\n", str(inst, "name"));
	fprintf(f, "  Advertisements:\n    Received: %lld\n    Sent: %lld\n",
		(long long)num(st, "adverts_received"), (long long)num(st, "adverts_sent"));
	fprintf(f, "  Became master: %lld\n  Released master: %lld\n",
		(long long)num(st, "became_master"), (long long)num(st, "released_master"));
	fprintf(f, "  Packet Errors:\n    Length: %lld\n    TTL: %lld\n    Invalid Type: %lld\n"
		"    Advertisement Interval: %lld\n    Address List: %lld\n",
		(long long)drops(inst, len_reasons), (long long)drops(inst, ttl_reasons),
		(long long)drops(inst, type_reasons), (long long)drops(inst, interval_reasons),
		(long long)num(st, "address_list_mismatch"));
	fprintf(f, "  Authentication Errors:\n    Invalid Type: 0\n    Type Mismatch: %lld\n"
		"    Failure: %lld\n", (long long)drops(inst, authtype_reasons),
		(long long)drops(inst, auth_reasons));
	fprintf(f, "  Priority Zero:\n    Received: %lld\n    Sent: %lld\n",
		(long long)num(st, "priority_zero_received"), (long long)num(st, "priority_zero_sent"));
}

char *vrrp_dump_stats(json_object *status)
{
	json_object *instances = json_member(status, "instances");
	char *text = NULL;
	size_t len;
	FILE *f = open_text(&text, &len);

	for (size_t i = 0; i < json_array_len(instances); i++)
		stats_one(f, json_object_array_get_idx(instances, i));
	fclose(f);
	return text;
}

/* ---- keepalived.data (the global and VRRP topology sections) ------------------------ */

static void data_global(FILE *f, const struct global_config *g)
{
	fprintf(f, "------< Global definitions >------\n");
	fprintf(f, " Router ID = %s\n", g && g->router_id ? g->router_id : "(host name)");
	fprintf(f, " VRRP default protocol version = %u\n", g ? g->vrrp_version : 2);
	fprintf(f, " VRRP strict mode = %s\n", g && g->vrrp_strict ? "true" : "false");
}

static void data_timers(FILE *f, json_object *inst, const struct vrrp_instance_config *c)
{
	double when = transition_time(inst);
	time_t secs = (time_t)when;
	struct tm tm;
	char stamp[64] = "";

	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm);
	fprintf(f, "   Last transition = %.6f (%s UTC)\n", when, stamp);
	fprintf(f, "   Master down timer = %lld usecs\n",
		(long long)num(inst, "master_down_interval_us"));
	fprintf(f, "   Interface = %s\n", str(inst, "interface"));
	if (*str(inst, "source_address"))
		fprintf(f, "   Using src_ip = %s\n", str(inst, "source_address"));
	if (c) {
		fprintf(f, "   Gratuitous ARP delay = %llu\n",
			(unsigned long long)(c->garp_master_delay.value_us / 1000000));
		fprintf(f, "   Gratuitous ARP repeat = %u\n", c->garp_master_repeat.value);
		fprintf(f, "   Gratuitous ARP refresh = %llu\n",
			(unsigned long long)(c->garp_master_refresh.value_us / 1000000));
		fprintf(f, "   Gratuitous ARP refresh repeat = %u\n",
			c->garp_master_refresh_repeat.value);
	}
}

static void data_one(FILE *f, json_object *inst, const struct vrrp_instance_config *c)
{
	size_t nvips = json_array_len(json_member(inst, "vips"));
	char text[160];
	double interval = seconds((uint64_t)num(inst, "advert_interval_us"));

	fprintf(f, " VRRP Instance = %s\n", str(inst, "name"));
	fprintf(f, "   VRRP Version = %lld\n", (long long)num(inst, "version"));
	fprintf(f, "   State = %s\n", str(inst, "state"));
	fprintf(f, "   Wantstate = %s\n", str(inst, "state"));
	data_timers(f, inst, c);
	fprintf(f, "   Virtual Router ID = %lld\n", (long long)num(inst, "vrid"));
	fprintf(f, "   Priority = %lld\n", (long long)num(inst, "priority"));
	fprintf(f, "   Effective priority = %lld\n", (long long)num(inst, "effective_priority"));
	if (interval == (double)(long long)interval)
		fprintf(f, "   Advert interval = %lld sec\n", (long long)interval);
	else
		fprintf(f, "   Advert interval = %lld milli-sec\n", (long long)(interval * 1000));
	fprintf(f, "   Accept = %s\n", c && c->accept.value ? "enabled" : "disabled");
	fprintf(f, "   Preempt = %s\n", c && c->nopreempt ? "disabled" : "enabled");
	fprintf(f, "   Virtual IP (%zu):\n", nvips);
	for (size_t i = 0; i < nvips; i++) {
		vip_text(inst, i, text, sizeof(text));
		fprintf(f, "     %s\n", text);
	}
}

char *vrrp_dump_data(json_object *status, const struct vrrp_config *vc,
		     const struct global_config *g)
{
	json_object *instances = json_member(status, "instances");
	char *text = NULL;
	size_t len;
	FILE *f = open_text(&text, &len);

	data_global(f, g);
	fprintf(f, "------< VRRP Topology >------\n");
	for (size_t i = 0; i < json_array_len(instances); i++) {
		json_object *inst = json_object_array_get_idx(instances, i);

		data_one(f, inst, config_of(vc, inst));
	}
	fclose(f);
	return text;
}
