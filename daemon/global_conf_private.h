/* Shared between the global_conf*.c files only. */
#ifndef VIGIL_GLOBAL_CONF_PRIVATE_H
#define VIGIL_GLOBAL_CONF_PRIVATE_H

#include "global_conf.h"

#include <stddef.h>

/* Most global keywords set one value; they are described here as data and
 * share one handler (global_set_field) and one dump (global_fields_to_json),
 * with the keyword as the JSON key. */
enum global_field_kind {
	GLOBAL_FIELD_BOOL,      /* [BOOL]: a bare keyword means yes */
	GLOBAL_FIELD_U32,       /* min..max */
	GLOBAL_FIELD_I32,       /* min..max */
	GLOBAL_FIELD_US,        /* seconds with a fraction; min..max in microseconds */
	GLOBAL_FIELD_STRING,    /* max: longest length, 0 for no limit */
};

struct global_field {
	const char *name;
	enum global_field_kind kind;
	size_t offset;          /* in struct global_config */
	size_t set_offset;      /* a bool set when the keyword is given; 0: none */
	long long min, max;
	bool alias;             /* another keyword's storage: not dumped again */
};

extern const struct global_field global_fields[];
const struct global_field *global_field_find(const char *name);
void global_set_field(struct conf_parser *p, void *obj, const struct conf_args *a);
void global_fields_to_json(const struct global_config *g, json_object *out);

/* Table rows.  Boolean keywords take an optional yes/no. */
#define GLOBAL_KW(name, handler, min, max) \
	{ name, handler, NULL, CONF_SUPPORTED, min, max, NULL, false }
#define GLOBAL_KW_FIELD(name, min, max) GLOBAL_KW(name, global_set_field, min, max)
#define GLOBAL_KW_BOOL(name) GLOBAL_KW(name, global_set_field, 0, 1)
#define GLOBAL_KW_NOT_YET(name, note) \
	{ name, NULL, NULL, CONF_NOT_YET, 0, CONF_ARGS_ANY, note, false }
#define GLOBAL_KW_NO_EFFECT(name, note) \
	{ name, NULL, NULL, CONF_NO_EFFECT, 0, CONF_ARGS_ANY, note, false }
#define GLOBAL_KW_END { NULL, NULL, NULL, 0, 0, 0, NULL, false }

/* The parts of the global_defs block, one table per file. */
extern const struct conf_keyword global_defs_general_keywords[];
extern const struct conf_keyword global_defs_vrrp_keywords[];
extern const struct conf_keyword global_defs_process_keywords[];

/* The handler's view of the configuration: obj is the root. */
static inline struct global_config *global_of(void *obj)
{
	return ((struct vigil_config *)obj)->global;
}

/* "SCRIPT [user [group]]" from argv[1..]. */
void global_script_set(struct global_script *s, const struct conf_args *a);
void global_script_clear(struct global_script *s);
void global_fifo_clear(struct global_fifo *f);

/* Value checks shared by handlers and the meaning checks. */
bool global_host_name_valid(const char *name);
bool global_addr_is_multicast(const struct vigil_addr *addr);

#endif
