/* smtp_alert for VRRP: one mail per transition of an instance or sync
 * group whose smtp_alert is in effect (resolved at configuration check:
 * the object's own setting, else global smtp_alert / smtp_alert_vrrp). */
#ifndef VIGIL_VRRP_MAIL_H
#define VIGIL_VRRP_MAIL_H

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"

/* KIND is "Instance" or "Group".  Only MASTER, BACKUP and FAULT are
 * mailed: INIT and STOP are the process starting and stopping. */
void vrrp_mail_transition(const char *kind, const char *name, const struct vrrp_conf_common *c,
			  enum vrrp_state to);

#endif
