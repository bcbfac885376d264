/* Loading a configuration: read (conf_lex), parse against every module's
 * keyword tables (conf_parse), then check meaning (each module's check
 * function).  `vigild -t`, start-up, SIGHUP reloads, the workers and the
 * fuzzer all go through vigil_config_load(), so they agree on what is valid. */
#ifndef VIGIL_CONFIG_LOAD_H
#define VIGIL_CONFIG_LOAD_H

#include "conf_diag.h"
#include "conf_parse.h"
#include "vigil_config.h"

#include <json-c/json.h>
#include <stdbool.h>

struct config_load_options {
	const char *config_id;    /* -i; NULL: the short host name */
	/* Check the configuration against this host too: interfaces exist,
	 * scripts exist and are safe to run.  Off for the fuzzer and for unit
	 * tests that are about syntax only. */
	bool check_host;
	/* The process runs the configuration and never shows a checker's
	 * line: equal checker blocks may share one object (the checker
	 * worker; see checker/check_conf_share.c). */
	bool share_checkers;
};

/* Returns the configuration, or NULL when any error was reported in
 * `diags` (warnings alone do not fail a load). */
struct vigil_config *vigil_config_load(const char *path, const struct config_load_options *opts,
				       struct conf_diags *diags);
/* The same for text in memory; `name` is used in messages. */
struct vigil_config *vigil_config_load_string(const char *name, const char *text,
					      const struct config_load_options *opts,
					      struct conf_diags *diags);
/* The same for bytes that may hold NULs (the fuzzer). */
struct vigil_config *vigil_config_load_buffer(const char *name, const char *data, size_t len,
					      const struct config_load_options *opts,
					      struct conf_diags *diags);
void vigil_config_free(struct vigil_config *cfg);

/* The parsed configuration as JSON (`vigild --dump-config`). */
json_object *vigil_config_to_json(const struct vigil_config *cfg);

/* Which worker processes this configuration needs. */
bool vigil_config_wants_vrrp(const struct vigil_config *cfg);
bool vigil_config_wants_checker(const struct vigil_config *cfg);
/* The parent only needs global_defs (the workers load the file
 * themselves): frees the VRRP and checker parts, keeping wants_*, so a
 * thousand instances cost the parent nothing. */
void vigil_config_drop_modules(struct vigil_config *cfg);

/* The root of the keyword tree (for tests that walk every keyword). */
extern const struct conf_block vigil_config_root_block;

#endif
