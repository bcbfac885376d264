/* The top of the configuration pipeline: tokens from the lexer, keywords
 * through every module's tables, then each module's meaning checks. */
#include "config.h"
#include "config_load.h"
#include "global_conf.h"
#include "xalloc.h"
#include "checker/check_conf.h"
#include "vrrp/vrrp_conf.h"

#include <stdlib.h>
#include <string.h>

/* Each module registers its top-level keywords here; the engine looks a
 * keyword up in these tables in order. */
const struct conf_block vigil_config_root_block = {
	.name = NULL,
	.tables = CONF_TABLES(global_conf_keywords, vrrp_conf_keywords, check_conf_keywords),
};

static struct vigil_config *config_new(const char *path, const char *config_id)
{
	struct vigil_config *cfg = XNEW(struct vigil_config);
	char default_id[256];

	if (!config_id) {
		conf_default_config_id(default_id, sizeof(default_id));
		config_id = default_id;
	}
	cfg->path = xstrdup(path);
	cfg->config_id = xstrdup(config_id);
	cfg->global = global_config_new();
	cfg->vrrp = vrrp_config_new();
	cfg->check = check_config_new();
	return cfg;
}

void vigil_config_free(struct vigil_config *cfg)
{
	if (!cfg)
		return;
	check_config_free(cfg->check);
	vrrp_config_free(cfg->vrrp);
	global_config_free(cfg->global);
	free(cfg->config_id);
	free(cfg->path);
	free(cfg);
}

/* Parses and checks; the checks run even after parse errors so one run of
 * `vigild -t` reports everything it can. */
static struct vigil_config *config_from_tokens(struct vigil_config *cfg,
					       const struct conf_tokens *tokens,
					       const struct config_load_options *opts,
					       struct conf_diags *diags, unsigned errors_before)
{
	conf_parse(tokens, &vigil_config_root_block, cfg, diags);
	global_config_check(cfg, opts, diags);
	vrrp_config_check(cfg, opts, diags);
	check_config_check(cfg, opts, diags);
	if (diags->errors > errors_before) {
		vigil_config_free(cfg);
		return NULL;
	}
	cfg->wants_vrrp = !vrrp_config_is_empty(cfg->vrrp);
	cfg->wants_checker = !check_config_is_empty(cfg->check);
	return cfg;
}

struct vigil_config *vigil_config_load(const char *path, const struct config_load_options *opts,
				       struct conf_diags *diags)
{
	struct vigil_config *cfg = config_new(path, opts->config_id);
	struct conf_read_options read_opts = { .config_id = cfg->config_id };
	struct conf_tokens tokens = { 0 };
	unsigned errors_before = diags->errors;

	conf_read_file(path, &read_opts, &tokens, diags);
	cfg = config_from_tokens(cfg, &tokens, opts, diags, errors_before);
	conf_tokens_free(&tokens);
	return cfg;
}

struct vigil_config *vigil_config_load_buffer(const char *name, const char *data, size_t len,
					      const struct config_load_options *opts,
					      struct conf_diags *diags)
{
	struct vigil_config *cfg = config_new(name, opts->config_id);
	struct conf_read_options read_opts = { .config_id = cfg->config_id };
	struct conf_tokens tokens = { 0 };
	unsigned errors_before = diags->errors;

	conf_read_string(name, data, len, &read_opts, &tokens, diags);
	cfg = config_from_tokens(cfg, &tokens, opts, diags, errors_before);
	conf_tokens_free(&tokens);
	return cfg;
}

struct vigil_config *vigil_config_load_string(const char *name, const char *text,
					      const struct config_load_options *opts,
					      struct conf_diags *diags)
{
	return vigil_config_load_buffer(name, text, strlen(text), opts, diags);
}

json_object *vigil_config_to_json(const struct vigil_config *cfg)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "config_file", json_object_new_string(cfg->path));
	json_object_object_add(root, "config_id", json_object_new_string(cfg->config_id));
	json_object_object_add(root, "global", global_config_to_json(cfg->global));
	json_object_object_add(root, "vrrp", vrrp_config_to_json(cfg->vrrp));
	json_object_object_add(root, "check", check_config_to_json(cfg->check));
	return root;
}

bool vigil_config_wants_vrrp(const struct vigil_config *cfg)
{
	return cfg->wants_vrrp;
}

bool vigil_config_wants_checker(const struct vigil_config *cfg)
{
	return cfg->wants_checker;
}

void vigil_config_drop_modules(struct vigil_config *cfg)
{
	vrrp_config_free(cfg->vrrp);
	cfg->vrrp = vrrp_config_new();
	check_config_free(cfg->check);
	cfg->check = check_config_new();
}
