/* Table-driven scalar keywords: a block lists its flags, numbers and
 * durations with their ranges once, and one handler sets them. */
#include "config.h"
#include "vrrp_conf_private.h"

#include <string.h>

static const struct vrrp_field *field_find(const struct vrrp_field *fields, const char *keyword)
{
	for (; fields->keyword; fields++)
		if (strcmp(fields->keyword, keyword) == 0)
			return fields;
	return NULL;
}

static bool field_set(struct conf_parser *p, char *at, const struct vrrp_field *f,
		      const struct conf_args *a)
{
	switch (f->type) {
	case VRRP_FIELD_FLAG:
		*(bool *)at = true;
		return true;
	case VRRP_FIELD_BOOL:
		return conf_get_bool(p, a, 1, (bool *)at);
	case VRRP_FIELD_OPT_BOOL: {
		struct vrrp_opt_bool *b = (struct vrrp_opt_bool *)at;

		return (b->set = conf_get_bool(p, a, 1, &b->value));
	}
	case VRRP_FIELD_U32:
		return conf_get_u32(p, a, 1, (uint32_t)f->min, (uint32_t)f->max, (uint32_t *)at);
	case VRRP_FIELD_OPT_U32: {
		struct vrrp_opt_u32 *u = (struct vrrp_opt_u32 *)at;

		return (u->set = conf_get_u32(p, a, 1, (uint32_t)f->min, (uint32_t)f->max,
					      &u->value));
	}
	case VRRP_FIELD_US:
		return conf_get_seconds_us(p, a, 1, f->min, f->max, (uint64_t *)at);
	case VRRP_FIELD_OPT_US: {
		struct vrrp_opt_us *us = (struct vrrp_opt_us *)at;

		return (us->set = conf_get_seconds_us(p, a, 1, f->min, f->max, &us->value_us));
	}
	}
	return false;
}

void vrrp_conf_field(struct conf_parser *p, void *obj, const struct conf_args *a,
		     const struct vrrp_field *fields)
{
	const struct vrrp_field *f = field_find(fields, a->argv[0]);

	if (!f) {
		/* A table mistake, not a user error: the keyword table routes
		 * here only names that the field table lists. */
		conf_error(p, a, "%s: internal error: no field for this keyword", a->argv[0]);
		return;
	}
	if (field_set(p, (char *)obj + f->offset, f, a) && f->where_offset)
		*(struct conf_where *)((char *)obj + f->where_offset) = a->where;
}
