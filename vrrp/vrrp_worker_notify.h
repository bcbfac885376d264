/* The VRRP worker's notification edge: the script runner notify scripts
 * use (its own, so hung notify scripts never take the slots vrrp_script
 * checks need), the notifier, and the global notify FIFOs (notify_fifo and
 * vrrp_notify_fifo, created when missing, with their _script readers).
 *
 * Reload keeps all of it when global_defs' script and FIFO settings are
 * unchanged (running notify scripts carry on); otherwise it is rebuilt,
 * which kills notify scripts still running and restarts the FIFO
 * scripts. */
#ifndef VIGIL_VRRP_WORKER_NOTIFY_H
#define VIGIL_VRRP_WORKER_NOTIFY_H

#include "vigil_config.h"

#include <stdbool.h>
#include <uv.h>

struct vrrp_worker_notify;
struct vrrp_notifier;

struct vrrp_worker_notify *vrrp_worker_notify_new(uv_loop_t *loop, const struct vigil_config *cfg);
/* Whether `cfg` asks for the same edge as the one running. */
bool vrrp_worker_notify_same(const struct vrrp_worker_notify *wn, const struct vigil_config *cfg);
struct vrrp_notifier *vrrp_worker_notifier(const struct vrrp_worker_notify *wn);
/* The notifier goes first (it cancels its jobs), then the runner. */
void vrrp_worker_notify_free(struct vrrp_worker_notify *wn);

#endif
