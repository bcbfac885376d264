/* The whole parsed configuration: what the file said, nothing more.
 *
 * Config structs are plain data produced by the parser; runtime objects
 * (VRRP instances, checkers, IPVS entries) are built from them, so a reload
 * is parse, check, diff, apply.  Each module defines its own part:
 *   struct global_config  daemon/global_conf.h  (global_defs)
 *   struct vrrp_config    vrrp/vrrp_conf.h      (vrrp_*, static_*, track_*, ...)
 *   struct check_config   checker/check_conf.h  (virtual_server*, real servers, checkers) */
#ifndef VIGIL_CONFIG_STRUCT_H
#define VIGIL_CONFIG_STRUCT_H

#include "conf_diag.h"

#include <stdbool.h>

struct global_config;
struct vrrp_config;
struct check_config;

struct vigil_config {
	char *path;                     /* the main file as given */
	char *config_id;                /* for @ID lines */
	struct global_config *global;
	struct vrrp_config *vrrp;
	struct check_config *check;
	/* Whether the file configures VRRP / virtual servers: set at load and
	 * kept by vigil_config_drop_modules. */
	bool wants_vrrp, wants_checker;
};

#endif
