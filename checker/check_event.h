/* Checker state changes as `vigilctl events` lines (lib/vigil_event.h),
 * called where notify_up/notify_down and quorum_up/quorum_down fire
 * (check_rs.c, check_vs.c).  Both return at once when nobody subscribes. */
#ifndef VIGIL_CHECK_EVENT_H
#define VIGIL_CHECK_EVENT_H

#include <stdint.h>

struct check_rs;
struct check_vs;

/* {"type":"real_server","virtual_server","real_server","up","weight",
 *  "reason":null | "TCP_CHECK: connect-refused: ..."} */
void check_event_real_server(const struct check_rs *rs);
/* The same type when only the effective weight moved (up unchanged):
 * {"type":"real_server","virtual_server","real_server","up","weight",
 *  "previous_weight","reason":"drain"|"enable"|"snmp"|"misc_dynamic"|
 *  "file_dynamic"|"reload"} */
void check_event_rs_weight(const struct check_rs *rs, int64_t previous, const char *reason);
/* {"type":"virtual_server","virtual_server","quorum":"gained"|"lost",
 *  "live_weight","quorum_weight"} */
void check_event_quorum(const struct check_vs *vs);

#endif
