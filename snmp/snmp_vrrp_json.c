/* Reading the VRRP worker's status JSON for the MIB tables. */
#include "config.h"
#include "snmp/snmp_vrrp_private.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *snmp_vrrp_jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t snmp_vrrp_jint(json_object *o, const char *key, int64_t dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

uint64_t snmp_vrrp_jstat(json_object *inst, const char *key)
{
	json_object *stats;

	if (!json_object_object_get_ex(inst, "stats", &stats))
		return 0;
	return (uint64_t)snmp_vrrp_jint(stats, key, 0);
}

uint64_t snmp_vrrp_jdrop(json_object *inst, const char *key)
{
	json_object *stats, *drops;

	if (!json_object_object_get_ex(inst, "stats", &stats)
	    || !json_object_object_get_ex(stats, "drops", &drops))
		return 0;
	return (uint64_t)snmp_vrrp_jint(drops, key, 0);
}

json_object *snmp_vrrp_jarray(json_object *o, const char *key)
{
	static json_object *empty;
	json_object *v;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array))
		return v;
	if (!empty)
		empty = json_object_new_array();
	return empty;
}

enum vrrp_state snmp_vrrp_state_of(const char *name)
{
	static const char *const names[VRRP_STATE_COUNT] = {
		[VRRP_STATE_INIT] = "INIT", [VRRP_STATE_BACKUP] = "BACKUP",
		[VRRP_STATE_MASTER] = "MASTER", [VRRP_STATE_FAULT] = "FAULT",
		[VRRP_STATE_STOP] = "STOP",
	};

	for (int i = 0; name && i < VRRP_STATE_COUNT; i++)
		if (strcasecmp(name, names[i]) == 0)
			return (enum vrrp_state)i;
	return VRRP_STATE_COUNT;
}

bool snmp_vrrp_addr_of(const char *text, struct vigil_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;

	if (!text || strlen(text) >= sizeof(buf))
		return false;
	strcpy(buf, text);
	memset(out, 0, sizeof(*out));
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		out->prefix_len = (uint8_t)atoi(slash + 1);
		out->has_prefix = true;
	}
	if (inet_pton(AF_INET, buf, &out->u.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &out->u.v6) == 1)
		out->family = AF_INET6;
	else
		return false;
	if (!slash)
		out->prefix_len = out->family == AF_INET ? 32 : 128;
	return true;
}

int snmp_vrrp_family_of(json_object *inst)
{
	json_object *vips = snmp_vrrp_jarray(inst, "vips");
	struct vigil_addr a;
	const char *keys[] = { "source_address", "master_address" };

	if (json_object_array_length(vips)
	    && snmp_vrrp_addr_of(json_object_get_string(json_object_array_get_idx(vips, 0)), &a))
		return a.family;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (snmp_vrrp_addr_of(snmp_vrrp_jstr(inst, keys[i]), &a))
			return a.family;
	return AF_INET;
}

unsigned snmp_vrrp_ifindex(const char *ifname)
{
	return ifname ? if_nametoindex(ifname) : 0;
}

size_t snmp_vrrp_addr_bytes(const struct vigil_addr *a, uint8_t out[16])
{
	if (a->family == AF_INET) {
		memcpy(out, &a->u.v4, 4);
		return 4;
	}
	memcpy(out, &a->u.v6, 16);
	return 16;
}

long snmp_vrrp_inet_type(int family)
{
	return family == AF_INET6 ? 2 : 1;
}
