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
