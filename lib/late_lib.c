/* dlopen/dlsym behind late_lib.h. */
#include "config.h"
#include "lib/late_lib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"

static bool resolve_all(struct late_lib *lib)
{
	for (size_t i = 0; i < lib->symbol_count; i++) {
		void *fn = dlsym(lib->handle, lib->symbols[i]);

		if (!fn) {
			snprintf(lib->error, sizeof(lib->error), "%s has no symbol %s",
				 lib->soname, lib->symbols[i]);
			return false;
		}
		lib->slots[i] = fn;
	}
	return true;
}

bool late_lib_load(struct late_lib *lib, const char *needed_for)
{
	if (lib->tried)
		return lib->handle != NULL;
	lib->tried = true;
	/* RTLD_LOCAL: nothing else resolves against it; RTLD_NOW: a broken
	 * installation fails here, once, not at some later call. */
	lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib->handle)
		snprintf(lib->error, sizeof(lib->error), "%s", dlerror());
	else if (!resolve_all(lib)) {
		dlclose(lib->handle);
		lib->handle = NULL;
		memset(lib->slots, 0, lib->symbol_count * sizeof(void *));
	}
	if (!lib->handle)
		log_error("%s could not be loaded (%s): %s is unavailable", lib->name,
			  lib->error, needed_for);
	return lib->handle != NULL;
}

bool late_lib_ready(const struct late_lib *lib)
{
	return lib->handle != NULL;
}

const char *late_lib_error(const struct late_lib *lib)
{
	return lib->error;
}
