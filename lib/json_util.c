#include "config.h"
#include "json_util.h"

json_object *json_string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *json_vigil_addr(const struct vigil_addr *addr)
{
	char buf[VIGIL_ADDR_STRLEN];

	return json_object_new_string(vigil_addr_to_string(addr, buf, sizeof(buf)));
}

json_object *json_member(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *json_member_string(json_object *o, const char *key)
{
	json_object *v = json_member(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

size_t json_array_len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}
