/* Small json-c helpers every module's JSON view needs, so a value is
 * rendered the same way in --dump-config, vigilctl and (later) SNMP. */
#ifndef VIGIL_JSON_UTIL_H
#define VIGIL_JSON_UTIL_H

#include "conf_value.h"

#include <json-c/json.h>
#include <stddef.h>

/* Reading documents (the status, for its renderings): a member or NULL
 * (also when `o` is NULL); a string member or NULL when absent or not a
 * string; an array's length, 0 for anything that is not an array. */
json_object *json_member(json_object *o, const char *key);
const char *json_member_string(json_object *o, const char *key);
size_t json_array_len(json_object *a);

/* A string, or JSON null for NULL. */
json_object *json_string_or_null(const char *s);
/* An address as "ADDR" or "ADDR/LEN" (vigil_addr_to_string). */
json_object *json_vigil_addr(const struct vigil_addr *addr);

#endif
