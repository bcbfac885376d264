/* JSON <-> struct lvs_table for lvs_tool (schema in lvs_tool_json.h).
 * Names come from small tables used both ways, so what dump writes reads
 * back unchanged. */
#include "config.h"
#include "lvs_tool_json.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct name_value {
	const char *name;
	uint32_t value;
};

static const struct name_value protocols[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP }, { NULL, 0 },
};

/* Canonical names first: those are what dump writes. */
static const struct name_value svc_flags[] = {
	{ "persistent", IP_VS_SVC_F_PERSISTENT }, { "hashed", IP_VS_SVC_F_HASHED },
	{ "onepacket", IP_VS_SVC_F_ONEPACKET }, { "sched1", IP_VS_SVC_F_SCHED1 },
	{ "sched2", IP_VS_SVC_F_SCHED2 }, { "sched3", IP_VS_SVC_F_SCHED3 },
	{ "sh-fallback", IP_VS_SVC_F_SCHED1 }, { "sh-port", IP_VS_SVC_F_SCHED2 },
	{ "mh-fallback", IP_VS_SVC_F_SCHED1 }, { "mh-port", IP_VS_SVC_F_SCHED2 },
	{ "flag-1", IP_VS_SVC_F_SCHED1 }, { "flag-2", IP_VS_SVC_F_SCHED2 },
	{ "flag-3", IP_VS_SVC_F_SCHED3 }, { NULL, 0 },
};
#define SVC_FLAGS_CANONICAL 6

static const struct name_value forwardings[] = {
	{ "nat", IP_VS_CONN_F_MASQ }, { "local", IP_VS_CONN_F_LOCALNODE },
	{ "tun", IP_VS_CONN_F_TUNNEL }, { "dr", IP_VS_CONN_F_DROUTE },
	{ "bypass", IP_VS_CONN_F_BYPASS }, { NULL, 0 },
};

static const struct name_value tunnel_types[] = {
	{ "ipip", IP_VS_CONN_F_TUNNEL_TYPE_IPIP }, { "gue", IP_VS_CONN_F_TUNNEL_TYPE_GUE },
	{ "gre", IP_VS_CONN_F_TUNNEL_TYPE_GRE }, { NULL, 0 },
};

static const struct name_value tunnel_flags[] = {
	{ "csum", IP_VS_TUNNEL_ENCAP_FLAG_CSUM }, { "remcsum", IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM },
	{ "nocsum", IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM }, { NULL, 0 },
};

static const char *name_of(const struct name_value *t, uint32_t value)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return "?";
}

/* ---- reading ---- */

struct reader {
	char *err;
	size_t err_len;
	const char *path;
	char where[96];         /* "services[1].dests[0]" */
};

static int fail(struct reader *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, const char *key, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->err_len, "%s: %s%s%s: %s", r->path, r->where,
		 r->where[0] && key ? "." : "", key ? key : "", msg);
	return -1;
}

static int get_name(struct reader *r, json_object *v, const char *key,
		    const struct name_value *t, uint32_t *out)
{
	const char *s = json_object_get_string(v);

	if (!json_object_is_type(v, json_type_string))
		return fail(r, key, "expected a string");
	for (; t->name; t++)
		if (strcmp(t->name, s) == 0) {
			*out = t->value;
			return 0;
		}
	return fail(r, key, "unknown value '%s'", s);
}

static int get_uint(struct reader *r, json_object *v, const char *key, uint32_t max,
		    uint32_t *out)
{
	int64_t n = json_object_get_int64(v);

	if (!json_object_is_type(v, json_type_int) || n < 0 || n > max)
		return fail(r, key, "expected an integer 0..%u", max);
	*out = (uint32_t)n;
	return 0;
}

/* A list of names OR-ed together. */
static int get_name_list(struct reader *r, json_object *v, const char *key,
			 const struct name_value *t, uint32_t *out)
{
	uint32_t one = 0;

	if (!json_object_is_type(v, json_type_array))
		return fail(r, key, "expected a list of names");
	*out = 0;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		if (get_name(r, json_object_array_get_idx(v, i), key, t, &one) < 0)
			return -1;
		*out |= one;
	}
	return 0;
}

static int get_addr(struct reader *r, json_object *v, const char *key, int *family,
		    union lvs_addr *out)
{
	const char *s = json_object_get_string(v);

	if (!json_object_is_type(v, json_type_string))
		return fail(r, key, "expected an address string");
	*family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, s, out) != 1)
		return fail(r, key, "'%s' is not an IP address", s);
	return 0;
}

static int get_string(struct reader *r, json_object *v, const char *key, char *out, size_t len)
{
	const char *s = json_object_get_string(v);

	if (!json_object_is_type(v, json_type_string) || strlen(s) >= len)
		return fail(r, key, "expected a string of at most %zu characters", len - 1);
	snprintf(out, len, "%s", s);
	return 0;
}

static int get_family(struct reader *r, json_object *v, int *out)
{
	uint32_t family = 0;
	static const struct name_value families[] = {
		{ "inet", AF_INET }, { "inet6", AF_INET6 }, { NULL, 0 },
	};

	if (get_name(r, v, "family", families, &family) < 0)
		return -1;
	*out = (int)family;
	return 0;
}

static int get_netmask(struct reader *r, json_object *v, struct lvs_service *s)
{
	if (json_object_is_type(v, json_type_int))
		return get_uint(r, v, "netmask", 128, &s->netmask);
	if (!json_object_is_type(v, json_type_string) ||
	    inet_pton(AF_INET, json_object_get_string(v), &s->netmask) != 1)
		return fail(r, "netmask", "expected a dotted IPv4 mask or a prefix length");
	return 0;
}

static int read_dest_key(struct reader *r, const char *key, json_object *v, struct lvs_dest *d)
{
	uint32_t n = 0;

	if (strcmp(key, "address") == 0)
		return get_addr(r, v, key, &d->family, &d->addr);
	if (strcmp(key, "port") == 0 || strcmp(key, "tunnel_port") == 0) {
		if (get_uint(r, v, key, 65535, &n) < 0)
			return -1;
		*(key[0] == 'p' ? &d->port : &d->tun_port) = (uint16_t)n;
		return 0;
	}
	if (strcmp(key, "forwarding") == 0)
		return get_name(r, v, key, forwardings, &d->conn_flags);
	if (strcmp(key, "weight") == 0) {
		if (get_uint(r, v, key, INT32_MAX, &n) < 0)
			return -1;
		d->weight = (int32_t)n;
		return 0;
	}
	if (strcmp(key, "u_threshold") == 0)
		return get_uint(r, v, key, UINT32_MAX, &d->u_threshold);
	if (strcmp(key, "l_threshold") == 0)
		return get_uint(r, v, key, UINT32_MAX, &d->l_threshold);
	if (strcmp(key, "tunnel_type") == 0) {
		if (get_name(r, v, key, tunnel_types, &n) < 0)
			return -1;
		d->tun_type = (uint8_t)n;
		return 0;
	}
	if (strcmp(key, "tunnel_flags") == 0) {
		if (get_name_list(r, v, key, tunnel_flags, &n) < 0)
			return -1;
		d->tun_flags = (uint16_t)n;
		return 0;
	}
	if (strcmp(key, "stats") == 0)
		return 0;
	return fail(r, key, "unknown key");
}

static int read_dest(struct reader *r, json_object *obj, struct lvs_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->weight = 1;
	if (!json_object_is_type(obj, json_type_object))
		return fail(r, NULL, "expected an object");
	json_object_object_foreach(obj, key, v)
		if (read_dest_key(r, key, v, d) < 0)
			return -1;
	if (!d->family)
		return fail(r, "address", "missing");
	return 0;
}

static int read_service_key(struct reader *r, const char *key, json_object *v,
			    struct lvs_service *s)
{
	uint32_t n = 0;

	if (strcmp(key, "family") == 0 || strcmp(key, "dests") == 0)
		return 0;       /* read first / afterwards */
	if (strcmp(key, "address") == 0)
		return get_addr(r, v, key, &s->family, &s->addr);
	if (strcmp(key, "protocol") == 0) {
		if (get_name(r, v, key, protocols, &n) < 0)
			return -1;
		s->protocol = (uint16_t)n;
		return 0;
	}
	if (strcmp(key, "port") == 0) {
		if (get_uint(r, v, key, 65535, &n) < 0)
			return -1;
		s->port = (uint16_t)n;
		return 0;
	}
	if (strcmp(key, "fwmark") == 0)
		return get_uint(r, v, key, UINT32_MAX, &s->fwmark);
	if (strcmp(key, "scheduler") == 0)
		return get_string(r, v, key, s->sched, sizeof(s->sched));
	if (strcmp(key, "flags") == 0)
		return get_name_list(r, v, key, svc_flags, &s->flags);
	if (strcmp(key, "persistence_timeout") == 0)
		return get_uint(r, v, key, UINT32_MAX, &s->timeout);
	if (strcmp(key, "netmask") == 0)
		return get_netmask(r, v, s);
	if (strcmp(key, "pe") == 0)
		return get_string(r, v, key, s->pe_name, sizeof(s->pe_name));
	return fail(r, key, "unknown key");
}

static int read_service(struct reader *r, json_object *obj, struct lvs_service *s)
{
	json_object *family;

	memset(s, 0, sizeof(*s));
	snprintf(s->sched, sizeof(s->sched), "wlc");
	if (!json_object_is_type(obj, json_type_object))
		return fail(r, NULL, "expected an object");
	json_object_object_foreach(obj, key, v)
		if (read_service_key(r, key, v, s) < 0)
			return -1;
	if (json_object_object_get_ex(obj, "family", &family)) {
		int given;

		if (get_family(r, family, &given) < 0)
			return -1;
		if (s->family && s->family != given)
			return fail(r, "family", "does not match the address");
		s->family = given;
	}
	if (!s->family && s->fwmark)
		s->family = AF_INET;
	if (!s->family || (!s->fwmark && !s->protocol))
		return fail(r, NULL, "needs an address and protocol, or a fwmark");
	return 0;
}

static int read_dests(struct reader *r, json_object *obj, struct lvs_table_service *ts,
		      size_t si)
{
	json_object *list;
	struct lvs_dest d;

	if (!json_object_object_get_ex(obj, "dests", &list))
		return 0;
	if (!json_object_is_type(list, json_type_array))
		return fail(r, "dests", "expected a list");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		snprintf(r->where, sizeof(r->where), "services[%zu].dests[%zu]", si, i);
		if (read_dest(r, json_object_array_get_idx(list, i), &d) < 0)
			return -1;
		lvs_table_add_dest(ts, &d);
	}
	return 0;
}

static int read_table(struct reader *r, json_object *root, struct lvs_table *out)
{
	json_object *list;
	struct lvs_service s;

	if (!json_object_object_get_ex(root, "services", &list) ||
	    !json_object_is_type(list, json_type_array))
		return fail(r, "services", "missing, or not a list");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *obj = json_object_array_get_idx(list, i);

		snprintf(r->where, sizeof(r->where), "services[%zu]", i);
		if (read_service(r, obj, &s) < 0 ||
		    read_dests(r, obj, lvs_table_add_service(out, &s), i) < 0)
			return -1;
	}
	return 0;
}

int lvs_tool_table_read(const char *path, struct lvs_table *out, char *err, size_t err_len)
{
	struct reader r = { .err = err, .err_len = err_len, .path = path };
	json_object *root = json_object_from_file(path);
	int rc;

	lvs_table_init(out);
	if (!root) {
		snprintf(err, err_len, "%s: %s", path, json_util_get_last_err());
		return -1;
	}
	rc = read_table(&r, root, out);
	json_object_put(root);
	return rc;
}

/* ---- writing ---- */

static json_object *addr_json(int family, const union lvs_addr *addr)
{
	char text[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family, addr, text, sizeof(text));
	return json_object_new_string(text);
}

static json_object *flag_list_json(const struct name_value *t, size_t n, uint32_t flags)
{
	json_object *list = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		if (t[i].value && (flags & t[i].value))
			json_object_array_add(list, json_object_new_string(t[i].name));
	return list;
}

static json_object *stats_json(const struct lvs_dest_stats *st)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "active_conns", json_object_new_int64(st->active_conns));
	json_object_object_add(o, "inactive_conns", json_object_new_int64(st->inactive_conns));
	json_object_object_add(o, "persist_conns", json_object_new_int64(st->persist_conns));
	json_object_object_add(o, "conns", json_object_new_uint64(st->conns));
	json_object_object_add(o, "inpkts", json_object_new_uint64(st->inpkts));
	json_object_object_add(o, "outpkts", json_object_new_uint64(st->outpkts));
	json_object_object_add(o, "inbytes", json_object_new_uint64(st->inbytes));
	json_object_object_add(o, "outbytes", json_object_new_uint64(st->outbytes));
	return o;
}

static json_object *dest_json(const struct lvs_dest *d, const struct lvs_dest_stats *st)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "address", addr_json(d->family, &d->addr));
	json_object_object_add(o, "port", json_object_new_int(d->port));
	json_object_object_add(o, "forwarding",
			       json_object_new_string(name_of(forwardings, d->conn_flags)));
	json_object_object_add(o, "weight", json_object_new_int(d->weight));
	json_object_object_add(o, "u_threshold", json_object_new_int64(d->u_threshold));
	json_object_object_add(o, "l_threshold", json_object_new_int64(d->l_threshold));
	json_object_object_add(o, "tunnel_type",
			       json_object_new_string(name_of(tunnel_types, d->tun_type)));
	json_object_object_add(o, "tunnel_port", json_object_new_int(d->tun_port));
	json_object_object_add(o, "tunnel_flags", flag_list_json(tunnel_flags, 2, d->tun_flags));
	if (st)
		json_object_object_add(o, "stats", stats_json(st));
	return o;
}

static json_object *netmask_json(const struct lvs_service *s)
{
	struct in_addr mask = { .s_addr = s->netmask };
	char text[INET_ADDRSTRLEN];

	if (s->family == AF_INET6)
		return json_object_new_int64(s->netmask);
	inet_ntop(AF_INET, &mask, text, sizeof(text));
	return json_object_new_string(text);
}

static json_object *service_json(const struct lvs_table_service *ts)
{
	const struct lvs_service *s = &ts->svc;
	json_object *o = json_object_new_object(), *dests = json_object_new_array();

	json_object_object_add(o, "family",
			       json_object_new_string(s->family == AF_INET6 ? "inet6" : "inet"));
	if (s->fwmark) {
		json_object_object_add(o, "fwmark", json_object_new_int64(s->fwmark));
	} else {
		json_object_object_add(o, "protocol",
				       json_object_new_string(name_of(protocols, s->protocol)));
		json_object_object_add(o, "address", addr_json(s->family, &s->addr));
		json_object_object_add(o, "port", json_object_new_int(s->port));
	}
	json_object_object_add(o, "scheduler", json_object_new_string(s->sched));
	json_object_object_add(o, "flags", flag_list_json(svc_flags, SVC_FLAGS_CANONICAL, s->flags));
	json_object_object_add(o, "persistence_timeout", json_object_new_int64(s->timeout));
	json_object_object_add(o, "netmask", netmask_json(s));
	json_object_object_add(o, "pe", json_object_new_string(s->pe_name));
	for (size_t i = 0; i < ts->n_dests; i++)
		json_object_array_add(dests, dest_json(&ts->dests[i],
							 ts->stats ? &ts->stats[i] : NULL));
	json_object_object_add(o, "dests", dests);
	return o;
}

json_object *lvs_tool_table_json(const struct lvs_table *t)
{
	json_object *root = json_object_new_object(), *list = json_object_new_array();

	for (size_t i = 0; i < t->n_services; i++)
		json_object_array_add(list, service_json(&t->services[i]));
	json_object_object_add(root, "services", list);
	return root;
}
