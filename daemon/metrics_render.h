/* vigild's state in the Prometheus text exposition format (0.0.4).
 *
 * Pure: the input is the status object `vigilctl status --json` prints (the
 * parent's part plus whatever the workers answered), the output the text a
 * scrape gets.  Every metric is documented in doc/monitoring.md; names
 * follow Prometheus conventions (vigil_ prefix, _total for counters, base
 * units).  A VRRP instance's state is a value (0 INIT, 1 BACKUP, 2 MASTER,
 * 3 FAULT, 4 STOP), so alerts can compare it and graphs can plot it. */
#ifndef VIGIL_METRICS_RENDER_H
#define VIGIL_METRICS_RENDER_H

#include <json-c/json.h>
#include <stddef.h>

/* The numeric value of a VRRP state name; -1 for an unknown one. */
int metrics_vrrp_state_value(const char *state);

/* Returns the exposition text (malloc'd, NUL-terminated); *len its length. */
char *metrics_render(json_object *status, size_t *len);

#endif
