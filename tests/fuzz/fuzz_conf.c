/* libFuzzer target: the whole configuration pipeline (reader, keyword
 * engine, meaning checks) on arbitrary text, as `vigild -t` would run it,
 * minus the host checks.  Everything must be reported as a diagnostic and
 * freed: a crash, a leak, a hang or undefined behaviour is a bug.
 *
 * Built by --enable-fuzzing (CC=clang-14); seeds in tests/fuzz/corpus/conf.
 * Includes are limited to relative paths below the working directory, and
 * macro expansion to fewer lines than in production, so that one input
 * cannot wander the file system or take seconds. */
#include "config.h"
#include "conf_lex.h"
#include "daemon/config_load.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	conf_lex_restrict_includes(true);
	conf_lex_set_max_generated_lines(20000);
	return 0;
}

/* The reader alone on the exact bytes: vigil_config_load_string() stops at
 * the first NUL, and NUL bytes are one of the things the reader must
 * report. */
static void fuzz_reader_with_nuls(const char *text, size_t size)
{
	struct conf_read_options opts = { .config_id = "fuzz" };
	struct conf_tokens tokens = { 0 };
	struct conf_diags diags;

	conf_diags_init(&diags);
	conf_read_string("fuzz.conf", text, size, &opts, &tokens, &diags);
	conf_tokens_free(&tokens);
	conf_diags_free(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_load_options opts = { .config_id = "fuzz", .check_host = false };
	struct conf_diags diags;
	struct vigil_config *cfg;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	conf_diags_init(&diags);
	cfg = vigil_config_load_string("fuzz.conf", text, &opts, &diags);
	if (cfg)
		json_object_put(vigil_config_to_json(cfg));
	vigil_config_free(cfg);
	conf_diags_free(&diags);
	if (memchr(text, '\0', size))
		fuzz_reader_with_nuls(text, size);
	free(text);
	return 0;
}
