/* smtp_alert for VRRP transitions (see vrrp_mail.h); the mail itself is
 * lib/smtp_alert's, which never waits for the server. */
#include "config.h"
#include "vrrp/vrrp_mail.h"
#include "smtp_alert.h"

void vrrp_mail_transition(const char *kind, const char *name, const struct vrrp_conf_common *c,
			  enum vrrp_state to)
{
	if (!c->smtp_alert.value)
		return;
	if (to == VRRP_STATE_MASTER || to == VRRP_STATE_BACKUP || to == VRRP_STATE_FAULT)
		smtp_alert_vrrp(kind, name, vrrp_state_name(to));
}
