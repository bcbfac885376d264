/* What the parts of the Prometheus renderer (metrics_render*.c) share:
 * the output, and the readers and writers every family uses. */
#ifndef VIGIL_METRICS_RENDER_PRIVATE_H
#define VIGIL_METRICS_RENDER_PRIVATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

struct out {
	FILE *f;
};

/* A number (or a boolean as 0/1); false when absent or null. */
bool metrics_member_number(json_object *o, const char *key, double *out);
/* HELP and TYPE lines of a family. */
void metrics_family(struct out *o, const char *name, const char *type, const char *help);
/* One sample; labels: "k1", "v1", "k2", "v2", ..., NULL. */
void metrics_sample(struct out *o, const char *name, const char *const *labels, double value);

/* The virtual servers' and real servers' families, from the status's
 * "virtual_servers" array (NULL: no families' samples). */
void metrics_virtual_servers(struct out *o, json_object *list);
void metrics_real_servers(struct out *o, json_object *list);

#endif
